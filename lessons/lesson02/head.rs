//! The response header ("head"): a status line, header lines, and the
//! empty line that ends them. Everything after that empty line is body.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                      <- status line
//! Content-Type: text/html\r\n              <- header lines
//! Content-Length: 13\r\n
//! \r\n                                     <- the empty line
//! <p>Hello!</p>                            <- body
//! ```

use std::fmt;

/// The bytes that end a head: the `\r\n` of the last line, then an empty
/// line, `\r\n`.
pub const HEAD_END: &[u8] = b"\r\n\r\n";

// ANCHOR: find_head_end
/// Where the head ends in `buf`: the index just past `\r\n\r\n`.
///
/// The head arrives in pieces, as many reads as TCP likes, so `buf` grows
/// and we search it again after every read. `searched` is how much of
/// `buf` earlier calls already searched. The four bytes may straddle two
/// reads, so we step back three bytes rather than starting at
/// `searched`, and we never rescan the whole buffer.
pub fn find_head_end(buf: &[u8], searched: usize) -> Option<usize> {
    let start = searched.saturating_sub(HEAD_END.len() - 1);
    let rest = buf.get(start..)?;
    let at = rest.windows(HEAD_END.len()).position(|w| w == HEAD_END)?;
    Some(start + at + HEAD_END.len())
}
// ANCHOR_END: find_head_end

// ANCHOR: response_head
/// The first line of a response: `HTTP/1.1 200 OK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// Three digits; the first says the class (2 = success, 4 = your
    /// mistake, 5 = the server's).
    pub code: u16,
    /// Words for people (`OK`, `Not Found`); programs ignore them.
    /// Bytes, since old servers may put non-ASCII bytes there.
    pub reason: Vec<u8>,
}

/// One header line, `Name: value`. The value is bytes: HTTP allows
/// non-ASCII bytes in it, and they need not be UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: Vec<u8>,
}

/// A parsed response head. It owns copies of its pieces, so it can
/// outlive the buffer it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub status: StatusLine,
    /// In the order the server sent them.
    pub headers: Vec<Header>,
}
// ANCHOR_END: response_head

impl ResponseHead {
    /// The reason phrase.
    pub fn reason(&self) -> &[u8] {
        &self.status.reason
    }

    /// Every header, in order: its name, and its value as bytes.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers
            .iter()
            .map(|header| (header.name.as_str(), header.value.as_slice()))
    }

    /// Every value of the header `name` (names ignore case), in order.
    pub fn values<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a [u8]> {
        self.headers()
            .filter(move |(each, _)| each.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }
}

/// Why a head did not parse. `line` counts from 1 (the status line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadError {
    BadStatusLine {
        line: String,
        why: &'static str,
    },
    BadHeaderLine {
        number: usize,
        line: String,
        why: &'static str,
    },
    NotAHead,
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadError::BadStatusLine { line, why } => {
                write!(f, "bad status line {line}: {why}")
            }
            HeadError::BadHeaderLine { number, line, why } => {
                write!(f, "bad header line {number} {line}: {why}")
            }
            HeadError::NotAHead => {
                write!(f, "the head does not end with an empty line")
            }
        }
    }
}

impl std::error::Error for HeadError {}

/// A line quoted for an error message: escaped, and cut at 60 bytes.
pub fn quote_line(line: &[u8]) -> String {
    let shown = &line[..line.len().min(60)];
    let mut text = format!("\"{}", super::request::show_bytes(shown).concat());
    if shown.len() < line.len() {
        text.push_str("...");
    }
    text.push('"');
    text
}

// ANCHOR: parse_status_line
/// Parses `HTTP/1.x SP 3DIGIT SP reason` (without its `\r\n`).
pub fn parse_status_line(line: &[u8]) -> Result<StatusLine, HeadError> {
    // The error quotes the line. `ok_or_else` builds it only when there
    // is an error; `ok_or(bad(..))` would build it every time.
    let bad = |why| HeadError::BadStatusLine {
        line: quote_line(line),
        why,
    };
    let rest = line
        .strip_prefix(b"HTTP/1.")
        .ok_or_else(|| bad("it does not start with HTTP/1.0 or HTTP/1.1"))?;
    let (&minor, rest) = rest.split_first().ok_or_else(|| bad("no version"))?;
    if minor != b'0' && minor != b'1' {
        return Err(bad("the version is neither HTTP/1.0 nor HTTP/1.1"));
    }
    let rest = rest
        .strip_prefix(b" ")
        .ok_or_else(|| bad("expected one space after the version"))?;
    let (code, reason) = rest.split_at(rest.len().min(3));
    if code.len() < 3 || !code.iter().all(u8::is_ascii_digit) {
        return Err(bad("the status code is not three digits"));
    }
    // A reason may be empty, and some servers leave out its space too.
    let reason = match reason {
        [] => &[][..],
        [b' ', reason @ ..] => reason,
        _ => return Err(bad("expected a space after the status code")),
    };
    if reason.iter().any(|&b| is_control(b)) {
        return Err(bad("the reason phrase has a control character"));
    }
    let digit = |i: usize| u16::from(code[i] - b'0');
    Ok(StatusLine {
        minor_version: minor - b'0',
        code: digit(0) * 100 + digit(1) * 10 + digit(2),
        reason: reason.to_vec(),
    })
}
// ANCHOR_END: parse_status_line

/// Control characters other than tab: never allowed inside a line.
pub fn is_control(byte: u8) -> bool {
    (byte < b' ' && byte != b'\t') || byte == 0x7f
}

// ANCHOR: parse_header_line
/// The characters of a "token" (RFC 9110 5.6.2): what a header name is
/// made of. Letters, digits and `!#$%&'*+-.^_`|~`; no space, no colon.
pub fn is_token_char(byte: u8) -> bool {
    matches!(byte,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// Parses `Name: value` (without its `\r\n`). Line `number` counts from
/// 1, the status line. Spaces and tabs around the value are not part of
/// it.
pub fn parse_header_line(
    line: &[u8],
    number: usize,
) -> Result<Header, HeadError> {
    let bad = |why| HeadError::BadHeaderLine {
        number,
        line: quote_line(line),
        why,
    };
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        return Err(bad("a line folded onto the one above is obsolete"));
    }
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or_else(|| bad("no colon"))?;
    let name = &line[..colon];
    let value = &line[colon + 1..];
    if name.is_empty() || !name.iter().all(|&b| is_token_char(b)) {
        return Err(bad("the name is empty, or has a space or other \
                        character a name cannot have"));
    }
    if value.iter().any(|&b| is_control(b)) {
        return Err(bad("the value has a control character"));
    }
    let is_blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !is_blank(b));
    let end = value.iter().rposition(|b| !is_blank(b));
    let value = match (start, end) {
        (Some(start), Some(end)) => &value[start..=end],
        _ => &[][..],
    };
    Ok(Header {
        // A token is ASCII, so this never replaces anything.
        name: String::from_utf8_lossy(name).into_owned(),
        value: value.to_vec(),
    })
}
// ANCHOR_END: parse_header_line

// ANCHOR: parse_head
/// Parses a whole head: `head` runs up to and including `\r\n\r\n`.
pub fn parse_head(head: &[u8]) -> Result<ResponseHead, HeadError> {
    if !head.ends_with(HEAD_END) {
        return Err(HeadError::NotAHead);
    }
    // Drop the empty line; then every line left ends in `\n`, and it
    // must be `\r\n`.
    let lines = &head[..head.len() - 2];
    let mut lines = lines.split_inclusive(|&b| b == b'\n');
    let first = lines.next().ok_or(HeadError::NotAHead)?;
    let status = parse_status_line(without_crlf(first, 1)?)?;
    let mut headers = Vec::new();
    for (index, line) in lines.enumerate() {
        // The status line was line 1, so the first header is line 2.
        let number = index + 2;
        let line = without_crlf(line, number)?;
        headers.push(parse_header_line(line, number)?);
    }
    Ok(ResponseHead { status, headers })
}

/// Line `number` without its `\r\n`, or the error for a line that ends
/// in a bare `\n`.
fn without_crlf(line: &[u8], number: usize) -> Result<&[u8], HeadError> {
    line.strip_suffix(b"\r\n")
        .ok_or_else(|| bare_lf(line, number))
}
// ANCHOR_END: parse_head

/// The error for line `number` when it ends in a bare `\n`: HTTP ends
/// every line of a head with `\r\n`. Line 1 is the status line.
pub fn bare_lf(line: &[u8], number: usize) -> HeadError {
    let why = "the line ends in \\n without \\r";
    match number {
        1 => HeadError::BadStatusLine {
            line: quote_line(line),
            why,
        },
        _ => HeadError::BadHeaderLine {
            number,
            line: quote_line(line),
            why,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_wherever_the_reads_split() {
        let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody";
        for split in 0..=head.len() {
            let first = find_head_end(&head[..split], 0);
            let found = first.or_else(|| find_head_end(head, split));
            assert_eq!(found, Some(25), "split at {split}");
        }
        assert_eq!(find_head_end(b"\r\n\r", 0), None);
        assert_eq!(find_head_end(b"ab", 10), None);
    }

    #[test]
    fn status_lines() {
        let ok = parse_status_line(b"HTTP/1.1 404 Not Found").unwrap();
        assert_eq!((ok.minor_version, ok.code), (1, 404));
        assert_eq!(ok.reason, b"Not Found");
        assert_eq!(parse_status_line(b"HTTP/1.1 200 ").unwrap().reason, b"");
        assert_eq!(parse_status_line(b"HTTP/1.0 200").unwrap().code, 200);
        for bad in [
            &b"HTTP/2 200 OK"[..],
            b"http/1.1 200 OK",
            b"HTTP/1.1  200 OK",
            b"HTTP/1.1 20 OK",
            b"HTTP/1.1 2000 OK",
            b"HTTP/1.1 200\x00",
            b"",
        ] {
            assert!(parse_status_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn header_lines() {
        for (line, name, value) in [
            (
                &b"Content-Length: \t 42 \t"[..],
                "Content-Length",
                &b"42"[..],
            ),
            (b"X:", "X", b""),
            (b"X: \t ", "X", b""),
            (b"A:  b c ", "A", b"b c"),
            (b"A:\xff\x80", "A", b"\xff\x80"),
        ] {
            let header = parse_header_line(line, 2).unwrap();
            assert_eq!(
                (header.name.as_str(), &header.value[..]),
                (name, value)
            );
        }
        // Which rule a bad line breaks, in the order they are checked.
        for (bad, error) in [
            (&b"No colon"[..], "2 \"No colon\": no colon"),
            (b"", "\"\": no colon"),
            (b"Bad name: x", "\"Bad name: x\": the name is empty"),
            (b": x", "\": x\": the name is empty"),
            (b"A\x01:x", "the name is empty"),
            (b" folded: x", "folded"),
            (b"\tfolded", "folded"),
            (b"A: \x01", "\"A: \\x01\": the value has a control"),
            (b"A: b\rc", "the value has a control"),
        ] {
            let got = parse_header_line(bad, 2).unwrap_err().to_string();
            let bad = String::from_utf8_lossy(bad);
            assert!(got.contains(error), "{bad:?}: {got}");
        }
    }

    #[test]
    fn whole_heads() {
        let bytes = b"HTTP/1.0 301 Moved Away\r\nLocation: /b \r\n\
                      X-Empty:\r\nset-cookie: a=1\r\nSet-Cookie:\tb=2\r\n\r\n";
        let head = parse_head(bytes).unwrap();
        assert_eq!((head.status.minor_version, head.status.code), (0, 301));
        assert_eq!(head.reason(), b"Moved Away");
        let headers: Vec<(&str, &[u8])> = head.headers().collect();
        assert_eq!(
            headers,
            [
                ("Location", &b"/b"[..]),
                ("X-Empty", b""),
                ("set-cookie", b"a=1"),
                ("Set-Cookie", b"b=2"),
            ]
        );
        let cookies: Vec<&[u8]> = head.values("SET-COOKIE").collect();
        assert_eq!(cookies, [&b"a=1"[..], b"b=2"]);
        assert_eq!(head.values("Content-Length").count(), 0);
        let bare = parse_head(b"HTTP/1.1 204\r\n\r\n").unwrap();
        assert_eq!((bare.reason(), bare.headers().count()), (&b""[..], 0));
    }

    #[test]
    fn whole_head_errors() {
        for (bad, error) in [
            (&b"HTTP/1.1 200 OK\r\n"[..], "the head does not end"),
            (b"\r\n\r\n", "bad status line \"\""),
            (b"HTTP/1.1 200 OK\nA: b\r\n\r\n", "bad status line"),
            (
                b"HTTP/1.1 200 OK\r\nA: b\nB: c\r\n\r\n",
                "line 2 \"A: b\\n\"",
            ),
            (b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nB: c\r\n\r\n", "line 3"),
            (b"HTTP/1.1 200 OK\r\nA: b\r\nC\r\n\r\n", "line 3 \"C\": no"),
            (
                b"HTTP/1.1 200 OK\r\nA: \x01\n\r\n\r\n",
                "the line ends in \\n",
            ),
        ] {
            let got = parse_head(bad).unwrap_err().to_string();
            let bad = String::from_utf8_lossy(bad);
            assert!(got.contains(error), "{bad:?}: {got}");
        }
    }
}
