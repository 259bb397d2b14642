//! lesson02's test helpers: HTTP responses built by hand (plain,
//! chunked, binary), and tiny servers on 127.0.0.1 that answer one
//! request as scripted, including the ways a server can misbehave. To
//! feed a response to the client in pieces, use
//! [`Stream`](crate::stream::Stream).

pub use crate::scripted::{OneShot, Script};

/// Starts a server on 127.0.0.1 (a port the OS picks) that serves one
/// client by `script` (see [`crate::scripted`]); fails the test if it
/// cannot.
pub fn one_shot(script: Script) -> OneShot {
    crate::scripted::serve_once(script)
        .expect("start a test server on 127.0.0.1")
}

/// A response with the given head lines (each without `\r\n`) and body.
pub fn response(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{status}\r\n").into_bytes();
    for header in headers {
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(body);
    bytes
}

/// `body` in chunked encoding, in chunks of `size` bytes.
pub fn chunked(body: &[u8], size: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for chunk in body.chunks(size.max(1)) {
        bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        bytes.extend_from_slice(chunk);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    bytes
}

/// Every byte value, then a few sequences that look like HTTP framing,
/// repeated: a body that is not UTF-8 and tries to confuse a parser.
pub fn binary_body(len: usize) -> Vec<u8> {
    let pattern: Vec<u8> = (0..=255u8)
        .chain(*b"\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n")
        .collect();
    pattern.iter().copied().cycle().take(len).collect()
}
