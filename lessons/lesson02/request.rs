//! The request: a few lines of text, each ended by `\r\n`, and one empty
//! line to say "that was all". HTTP/1.1 is a text protocol, so we can
//! write it by hand.

// ANCHOR: build_request
/// The bytes of a GET request for `path` on `host_header`.
///
/// - The request line: method, path, protocol version.
/// - `Host:` says which site we mean: one address can serve many.
/// - `Connection: close` asks the server to close the connection after
///   this one answer, so "the server closed" means "that was all".
/// - The empty line ends the header. A GET has no body.
pub fn build_request(host_header: &str, path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\n\
         Host: {host_header}\r\n\
         User-Agent: tcpip-workbook-lesson02\r\n\
         Connection: close\r\n\
         \r\n"
    )
    .into_bytes()
}
// ANCHOR_END: build_request

/// Shows bytes the way this lesson prints them: one line per `\n`, with
/// `\r` and `\n` written out so the line endings can be seen, and any
/// byte that is not printable ASCII as `\xNN`.
pub fn show_bytes(bytes: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for &byte in bytes {
        match byte {
            b'\r' => line.push_str("\\r"),
            b'\n' => {
                line.push_str("\\n");
                lines.push(std::mem::take(&mut line));
            }
            b'\\' => line.push_str("\\\\"),
            b' '..=b'~' => line.push(char::from(byte)),
            _ => line.push_str(&format!("\\x{byte:02x}")),
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_exactly_these_bytes() {
        assert_eq!(
            build_request("example.com", "/a?b"),
            b"GET /a?b HTTP/1.1\r\nHost: example.com\r\n\
              User-Agent: tcpip-workbook-lesson02\r\n\
              Connection: close\r\n\r\n"
        );
    }

    #[test]
    fn show_bytes_makes_line_ends_and_binary_visible() {
        assert_eq!(
            show_bytes(b"GET /\r\n\r\nab\x00\xff\\"),
            ["GET /\\r\\n", "\\r\\n", "ab\\x00\\xff\\\\"]
        );
        assert!(show_bytes(b"").is_empty());
    }
}
