//! Exercises for chapter 2: a TCP client, raw HTTP GET.
//!
//! Check them with: cargo test -p exercises --test lesson02

// ANCHOR: build_request
/// Exercise 2.1 ★: Build the bytes of a GET request.
///
/// The bytes of the tutorial's request for `path` on
/// `host`: the request line `GET {path} HTTP/1.1`, a `Host: {host}`
/// header, a `Connection: close` header, and the empty line. Every line
/// ends with `\r\n`, so `("example.com", "/")` gives
/// `b"GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"`.
pub fn build_request(host: &str, path: &str) -> Vec<u8> {
    todo!(
        "Exercise 2.1: build the GET request bytes for host {host:?}, path {path:?}"
    )
}
// ANCHOR_END: build_request

// ANCHOR: find_header_end
/// Exercise 2.2 ★★: Find the end of the head across split reads.
///
/// Where does the head end in `buf`? Return the index just
/// past the first `\r\n\r\n`, or `None` if `buf` has none yet.
///
/// The head arrives over several reads, and you call this after each one
/// with everything received so far. `searched` says how many bytes of
/// `buf` an earlier call already searched without finding the end: do
/// not search them all again, but remember that the four bytes may
/// straddle the old part and the new.
pub fn find_header_end(buf: &[u8], searched: usize) -> Option<usize> {
    let text = String::from_utf8_lossy(buf);
    todo!(
        "Exercise 2.2: find the end of the head in {text:?} \
         (already searched: {searched})"
    )
}
// ANCHOR_END: find_header_end

// ANCHOR: parse_status_line
/// What a status line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    pub code: u16,
    pub reason: String,
}

/// Exercise 2.3 ★★: Parse a status line.
///
/// Parse a status line (without its `\r\n`), such as
/// `"HTTP/1.1 404 Not Found"`: the version (`HTTP/1.0` or `HTTP/1.1`),
/// one space, a status code of exactly three digits, then either nothing
/// or one space and the reason (which may be empty, and may hold spaces
/// and tabs but no other control characters).
///
/// Return `None` for anything else.
pub fn parse_status_line(line: &str) -> Option<StatusLine> {
    todo!("Exercise 2.3: parse the status line {line:?}")
}
// ANCHOR_END: parse_status_line

// ANCHOR: parse_content_length
/// Exercise 2.4 ★: Parse a Content-Length value strictly.
///
/// Parse a `Content-Length` value strictly: one or more
/// ASCII digits and nothing else (no sign, no spaces, no `0x`), and it
/// must fit in a `u64`. `"42"` is 42; `"+42"`, `" 42"` and `"4 2"` are
/// `None`.
pub fn parse_content_length(value: &str) -> Option<u64> {
    todo!("Exercise 2.4: parse the Content-Length value {value:?} strictly")
}
// ANCHOR_END: parse_content_length

// ANCHOR: chunked_decoder
/// Exercise 2.5 ★★★: Decode a chunked body as it arrives.
///
/// Decode a chunked body as it arrives, in pieces of any
/// size (a piece may end anywhere, even in the middle of a size line).
///
/// A chunked body is a series of chunks, each a size line and data:
/// the size in hex (1 to 16 digits, either case), optionally followed by
/// `;` and an extension to ignore, then `\r\n`; then that many bytes of
/// data, then `\r\n`. A chunk of size 0 is the last one. After it come
/// trailer lines (`Name: value\r\n`, to skip) and an empty line `\r\n`.
///
/// ```text
/// 5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n   ->   "hello world"
/// ```
pub struct ChunkedDecoder {
    // Add the fields you need: which part you are in (size line, data,
    // the \r\n after the data, trailers, done), the line so far, and how
    // many data bytes the current chunk still has.
}

impl ChunkedDecoder {
    pub fn new() -> Self {
        todo!("Exercise 2.5: create a ChunkedDecoder, ready for a size line")
    }

    /// Decodes `input`, appending chunk data to `out`. Returns `Ok(true)`
    /// once the empty line after the last chunk has been seen (ignore any
    /// input after it), `Ok(false)` if the body needs more input, and
    /// `Err(reason)` for a bad size line or data not followed by `\r\n`.
    // (Until you write it, clippy sees `out` unused and suggests a slice;
    // your code will push onto the Vec.)
    #[allow(clippy::ptr_arg)]
    pub fn feed(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<bool, String> {
        let text = String::from_utf8_lossy(input);
        todo!("Exercise 2.5: decode the chunked piece {text:?}")
    }
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        Self::new()
    }
}
// ANCHOR_END: chunked_decoder
