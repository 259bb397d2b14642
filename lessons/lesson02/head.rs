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
    buf.get(start..)?
        .windows(HEAD_END.len())
        // Checking the first byte alone rules out almost every window
        // before the (slower) comparison of all four.
        .position(|window| window[0] == b'\r' && window == HEAD_END)
        .map(|at| start + at + HEAD_END.len())
}
// ANCHOR_END: find_head_end

// ANCHOR: response_head
/// A parsed response head. It keeps ONE copy of the head's bytes, and
/// for every piece (the reason, each header name and value) only where
/// it lies in them: a handful of numbers instead of a `String` and a
/// `Vec` per header. Parsing costs two allocations, however many
/// headers there are, and the struct owns everything it points into:
/// it outlives the buffer it was parsed from, with no lifetime to
/// write. The methods below hand out borrowed slices of the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// The head as received, status line to empty line.
    bytes: Box<[u8]>,
    pub status: StatusLine,
    /// Where each header's name and value lie in `bytes`, in order.
    headers: Vec<HeaderSpan>,
}

/// Where one piece of the head lies: `bytes[start..end]`. (std's
/// `Range<usize>` would do, but it is not `Copy`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The bytes this span covers in `bytes`.
    pub fn of(self, bytes: &[u8]) -> &[u8] {
        &bytes[self.start..self.end]
    }

    /// The same span, `by` bytes further on: a position in a line
    /// becomes a position in the head that holds the line.
    fn shifted(self, by: usize) -> Span {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }
}

/// The first line of a response: `HTTP/1.1 200 OK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusLine {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// Three digits; the first says the class (2 = success, 4 = your
    /// mistake, 5 = the server's).
    pub code: u16,
    /// Where the words for people (`OK`, `Not Found`) lie; programs
    /// ignore them. Read them with `ResponseHead::reason`.
    pub reason: Span,
}

/// Where one header line's name and value lie, `Name: value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderSpan {
    pub name: Span,
    pub value: Span,
}

impl ResponseHead {
    /// The reason phrase. Bytes, since old servers may put non-ASCII
    /// bytes there.
    pub fn reason(&self) -> &[u8] {
        self.status.reason.of(&self.bytes)
    }

    /// Every header, in order: its name, and its value as bytes (HTTP
    /// allows non-ASCII bytes in a value, and they need not be UTF-8).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers.iter().map(|header| {
            let name = header.name.of(&self.bytes);
            // The parser let only token characters into a name, and
            // they are ASCII: this conversion cannot fail.
            let name = std::str::from_utf8(name).unwrap_or_default();
            (name, header.value.of(&self.bytes))
        })
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

    /// The head as received, up to and including the empty line.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}
// ANCHOR_END: response_head

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
    // Building an error quotes the line, which allocates: so `ok_or_else`
    // (builds it only on failure), never `ok_or(bad(..))` (builds it
    // every time, even for a good line: that made this parser 20x slower).
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
        // The reason is the end of the line.
        reason: Span {
            start: line.len() - reason.len(),
            end: line.len(),
        },
    })
}
// ANCHOR_END: parse_status_line

/// Control characters other than tab: never allowed inside a line.
fn is_control(byte: u8) -> bool {
    (byte < b' ' && byte != b'\t') || byte == 0x7f
}

/// The characters of a "token" (RFC 9110 5.6.2): what a header name is
/// made of. No spaces, no colon, no separators.
pub fn is_token_char(byte: u8) -> bool {
    // Letters, digits and `!#$%&'*+-.^_`|~`. A `match` on byte ranges
    // compiles to a few comparisons, which matters: it runs on every byte
    // of every header name.
    matches!(byte,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~')
}

// ANCHOR: parse_header_line
/// Parses `Name: value` (without its `\r\n`): where the name and the
/// value lie in `line`. Spaces and tabs around the value are not part
/// of it.
pub fn parse_header_line(
    line: &[u8],
    number: usize,
) -> Result<HeaderSpan, HeadError> {
    let bad = |why| HeadError::BadHeaderLine {
        number,
        line: quote_line(line),
        why,
    };
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        return Err(bad("a line folded onto the one above is obsolete"));
    }
    // One pass over the name: it runs up to the first byte that cannot
    // be in a name, and that byte must be the colon. (A colon is not a
    // token character, so this finds the first colon too.)
    let colon = line
        .iter()
        .position(|&b| !is_token_char(b))
        .filter(|&at| line[at] == b':' && at > 0)
        .ok_or_else(|| {
            if line.contains(&b':') {
                bad("the name is empty, or has a space or other character a name cannot have")
            } else {
                bad("no colon")
            }
        })?;
    let value = &line[colon + 1..];
    if value.iter().any(|&b| is_control(b)) {
        return Err(bad("the value has a control character"));
    }
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !blank(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    let skipped = colon + 1;
    Ok(HeaderSpan {
        name: Span {
            start: 0,
            end: colon,
        },
        value: Span {
            start: skipped + start,
            end: skipped + end,
        },
    })
}
// ANCHOR_END: parse_header_line

// ANCHOR: parse_head
/// Parses a whole head: `head` runs up to and including `\r\n\r\n`.
pub fn parse_head(head: &[u8]) -> Result<ResponseHead, HeadError> {
    if !head.ends_with(HEAD_END) {
        return Err(HeadError::NotAHead);
    }
    // Drop the empty line; then every line left ends in `\r\n`.
    let lines = &head[..head.len() - 2];
    let mut lines = lines.split_inclusive(|&b| b == b'\n').enumerate();
    // Where the next line starts in `head`.
    let mut start = 0;
    let mut next_line = || {
        let (index, line) = lines.next()?;
        let (number, line_start) = (index + 1, start);
        start += line.len();
        let line = line
            .strip_suffix(b"\r\n")
            .ok_or_else(|| bare_lf(line, number));
        Some((number, line_start, line))
    };
    let (_, _, status_line) = next_line().ok_or(HeadError::NotAHead)?;
    let status = parse_status_line(status_line?)?;
    // Counting the line ends is cheap (the compiler turns the loop into
    // wide comparisons), and it reserves room for every header at once.
    let lines = head.iter().filter(|&&b| b == b'\n').count();
    let mut headers = Vec::with_capacity(lines.saturating_sub(2));
    while let Some((number, line_start, line)) = next_line() {
        let header = parse_header_line(line?, number)?;
        headers.push(HeaderSpan {
            name: header.name.shifted(line_start),
            value: header.value.shifted(line_start),
        });
    }
    Ok(ResponseHead {
        // The one copy: every span above points into it.
        bytes: Box::from(head),
        status,
        headers,
    })
}
// ANCHOR_END: parse_head

fn bare_lf(line: &[u8], number: usize) -> HeadError {
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
        let line = b"HTTP/1.1 404 Not Found";
        let ok = parse_status_line(line).unwrap();
        assert_eq!((ok.minor_version, ok.code), (1, 404));
        assert_eq!(ok.reason.of(line), b"Not Found");
        let line = b"HTTP/1.1 200 ";
        assert_eq!(parse_status_line(line).unwrap().reason.of(line), b"");
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
        let line = b"Content-Length: \t 42 \t";
        let h = parse_header_line(line, 2).unwrap();
        assert_eq!(
            (h.name.of(line), h.value.of(line)),
            (&b"Content-Length"[..], &b"42"[..])
        );
        let h = parse_header_line(b"X:", 2).unwrap();
        assert_eq!(
            (h.name.of(b"X:"), h.value.of(b"X:")),
            (&b"X"[..], &b""[..])
        );
        let line = b"A:  b c ";
        let h = parse_header_line(line, 2).unwrap();
        assert_eq!(
            (h.name.of(line), h.value.of(line)),
            (&b"A"[..], &b"b c"[..])
        );
        for bad in [
            &b"No colon"[..],
            b"Bad name: x",
            b": x",
            b" folded",
            b"A: \x01",
        ] {
            assert!(parse_header_line(bad, 2).is_err(), "{bad:?}");
        }
        // Which rule a bad line breaks, in the order they are checked.
        for (bad, why) in [
            (&b"No colon"[..], "no colon"),
            (b"Name", "no colon"),
            (b"Bad name: x", "the name is empty"),
            (b": x", "the name is empty"),
            (b"A\x01:x", "the name is empty"),
            (b" folded: x", "folded"),
            (b"A: \x01", "control character"),
        ] {
            let error = parse_header_line(bad, 2).unwrap_err().to_string();
            assert!(error.contains(why), "{bad:?}: {error}");
        }
    }

    #[test]
    fn whole_heads_keep_one_copy_and_point_into_it() {
        let bytes = b"HTTP/1.0 301 Moved Away\r\nLocation: /b \r\n\
                      X-Empty:\r\nset-cookie: a=1\r\nSet-Cookie:\tb=2\r\n\r\n";
        let head = parse_head(bytes).unwrap();
        assert_eq!((head.status.minor_version, head.status.code), (0, 301));
        assert_eq!(head.reason(), b"Moved Away");
        assert_eq!(head.as_bytes(), bytes);
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
        ] {
            let got = parse_head(bad).unwrap_err().to_string();
            let bad = String::from_utf8_lossy(bad);
            assert!(got.contains(error), "{bad:?}: {got}");
        }
    }
}
