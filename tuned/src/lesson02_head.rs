//! The tuned response-head parser: the same answers as
//! `lessons::lesson02::head`, from a search that rules out 16 places at
//! once, a lookup table for header names, one pass per header line, and a
//! `ResponseHead` that keeps one copy of the head plus positions.

use lessons::lesson02::head::{
    HEAD_END, HeadError, bare_lf, is_control, quote_line,
};

// ANCHOR: find_head_end
/// Where the head ends in `buf`: the index just past `\r\n\r\n`.
///
/// The head arrives in pieces, as many reads as TCP likes, so `buf` grows
/// and we search it again after every read. `searched` is how much of
/// `buf` earlier calls already searched. The four bytes may straddle two
/// reads, so we step back three bytes rather than starting at
/// `searched`, and we never rescan the whole buffer.
pub fn find_head_end(buf: &[u8], searched: usize) -> Option<usize> {
    // Where the first four-byte window we have not ruled out starts.
    let mut at = searched.saturating_sub(HEAD_END.len() - 1);
    // A quick test rules out 16 windows at a time. `\r\n\r\n` has a `\n`
    // as its second and its fourth byte, and two `\n` so close hardly
    // ever happen anywhere else in a head. `seconds` holds the second
    // bytes of the 16 windows from `at` on, `fourths` their fourth bytes.
    while let (Some(seconds), Some(fourths)) =
        (buf.get(at + 1..at + 17), buf.get(at + 3..at + 19))
    {
        // A loop of fixed length with no early exit: the compiler turns
        // it into a few SIMD instructions that test all 16 at once.
        let pairs = seconds.iter().zip(fourths);
        let maybe = pairs.fold(false, |seen, (&second, &fourth)| {
            seen | (second == b'\n') & (fourth == b'\n')
        });
        if maybe {
            break;
        }
        at += 16;
    }
    // The exact test, one window at a time, from there on.
    let window = buf.get(at..)?.windows(4).position(|w| w == HEAD_END)?;
    Some(at + window + HEAD_END.len())
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
    /// The bytes this span covers in `bytes`: the bytes it was found in
    /// (a span past the end of other bytes would panic).
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

// ANCHOR: first_where
/// Where the first byte that passes `test` is in `bytes`: the same answer
/// as `bytes.iter().position(..)`, found faster. The head parser runs it
/// to find where the status line ends, and where each header value
/// stops: over most of the bytes of a head.
///
/// `position` tests one byte per step and stops at the first match; each
/// step is a branch, and the last one, at a place the processor cannot
/// predict, is costly. This tests 8 bytes at a time and, within those 8,
/// never stops early. A loop of fixed length with no early exit is one
/// the compiler turns into a few SIMD instructions that test all 8 bytes
/// at once. Only the group that holds the match is searched again, one
/// byte at a time.
fn first_where(bytes: &[u8], test: impl Fn(u8) -> bool) -> Option<usize> {
    let mut at = 0;
    for group in bytes.chunks_exact(8) {
        if group.iter().fold(false, |seen, &b| seen | test(b)) {
            break;
        }
        at += 8;
    }
    let found = bytes[at..].iter().position(|&b| test(b))?;
    Some(at + found)
}
// ANCHOR_END: first_where

// ANCHOR: token
/// `TOKEN[b]` says whether byte `b` may be in a header name: the plain
/// `is_token_char(b)`, worked out for all 256 bytes once, when the
/// program is compiled. The name scan runs on every byte of every name:
/// a table lookup is one memory read, where the `match` is several
/// comparisons and branches.
pub static TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_token(byte as u8);
        byte += 1;
    }
    table
};

/// The same rule as the plain `is_token_char`, as a `const fn` so that
/// the compiler can run it to fill the table.
const fn is_token(byte: u8) -> bool {
    matches!(byte,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~')
}
// ANCHOR_END: token

// ANCHOR: parse_header_line
/// Parses the header line `Name: value\r\n` at the start of `rest`: where
/// its name and value lie in `rest`, and where the next line starts.
/// Spaces and tabs around the value are not part of it.
// `inline` asks the compiler to paste this function into the loop in
// `parse_head`: calling it costs nearly as much as reading a short line.
#[inline]
pub fn parse_header_line(
    rest: &[u8],
    number: usize,
) -> Result<(HeaderSpan, usize), HeadError> {
    // One pass over the line. The name runs up to the first byte that
    // cannot be in a name, and that byte must be the colon. (A colon is
    // not a token character, so this finds the first colon too.)
    let colon = rest.iter().position(|&b| !TOKEN[usize::from(b)]);
    let colon = colon
        .filter(|&at| at > 0 && rest[at] == b':')
        .ok_or_else(|| bad_header_line(rest, number, blame_name))?;
    // The value runs up to the first control character, and that must
    // be the `\r` of the `\r\n` that ends the line.
    let value_start = colon + 1;
    let value_end = first_where(&rest[value_start..], is_control)
        .map(|at| value_start + at)
        .filter(|&end| rest[end..].starts_with(b"\r\n"))
        .ok_or_else(|| {
            let why = |_: &[u8]| "the value has a control character";
            bad_header_line(rest, number, why)
        })?;
    // No control character is left in the value, so the only blanks
    // `trim_ascii` can find around it are spaces and tabs.
    let value = rest[value_start..value_end].trim_ascii_start();
    let start = value_end - value.len();
    let end = start + value.trim_ascii_end().len();
    let header = HeaderSpan {
        name: Span {
            start: 0,
            end: colon,
        },
        value: Span { start, end },
    };
    Ok((header, value_end + 2))
}
// ANCHOR_END: parse_header_line

// ANCHOR: bad_header_line
/// The error for the bad header line at the start of `rest`. Only a bad
/// line pays for this: it finds where the line ends, to quote it, and a
/// line that ends in a bare `\n` is blamed for that first, whatever else
/// is wrong with it. `why` says what is wrong with the rest.
fn bad_header_line(
    rest: &[u8],
    number: usize,
    why: impl Fn(&[u8]) -> &'static str,
) -> HeadError {
    let end = rest
        .iter()
        .position(|&b| b == b'\n')
        .map_or(rest.len(), |i| i + 1);
    let line = &rest[..end];
    match line.strip_suffix(b"\r\n") {
        Some(line) => HeadError::BadHeaderLine {
            number,
            line: quote_line(line),
            why: why(line),
        },
        None => bare_lf(line, number),
    }
}

/// What is wrong with a header line whose name did not end in a colon.
fn blame_name(line: &[u8]) -> &'static str {
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        "a line folded onto the one above is obsolete"
    } else if line.contains(&b':') {
        "the name is empty, or has a space or other character a name cannot have"
    } else {
        "no colon"
    }
}
// ANCHOR_END: bad_header_line

// ANCHOR: parse_head
/// Parses a whole head: `head` runs up to and including `\r\n\r\n`.
pub fn parse_head(head: &[u8]) -> Result<ResponseHead, HeadError> {
    if !head.ends_with(HEAD_END) {
        return Err(HeadError::NotAHead);
    }
    // Drop the empty line; then every line left ends in `\r\n`.
    let lines = &head[..head.len() - 2];
    let first_end =
        first_where(lines, |b| b == b'\n').map_or(lines.len(), |i| i + 1);
    let first = &lines[..first_end];
    let status_line = first
        .strip_suffix(b"\r\n")
        .ok_or_else(|| bare_lf(first, 1))?;
    let status = parse_status_line(status_line)?;
    // Most responses have fewer than 16 headers: one allocation.
    let mut headers = Vec::with_capacity(16);
    // Where the next line starts in `head`, and its number.
    let (mut start, mut number) = (first_end, 2);
    while start < lines.len() {
        let (header, length) = parse_header_line(&lines[start..], number)?;
        // Positions in the line become positions in the head.
        headers.push(HeaderSpan {
            name: header.name.shifted(start),
            value: header.value.shifted(start),
        });
        (start, number) = (start + length, number + 1);
    }
    Ok(ResponseHead {
        // The one copy: every span above points into it.
        bytes: Box::from(head),
        status,
        headers,
    })
}
// ANCHOR_END: parse_head

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
        // (line and what follows it, name, value, where the next starts)
        for (rest, name, value, next) in [
            (
                &b"Content-Length: \t 42 \t\r\nX"[..],
                &b"Content-Length"[..],
                &b"42"[..],
                24,
            ),
            (b"X:\r\n", b"X", b"", 4),
            (b"A:  b c \r\n\r\n", b"A", b"b c", 10),
            (b"A:\xff\x80\r\n", b"A", b"\xff\x80", 6),
        ] {
            let (h, length) = parse_header_line(rest, 2).unwrap();
            let got = (h.name.of(rest), h.value.of(rest), length);
            assert_eq!(got, (name, value, next), "{rest:?}");
        }
        // Which rule a bad line breaks, in the order they are checked,
        // and the line quoted without its `\r\n` and what follows it.
        for (bad, error) in [
            (&b"No colon\r\nA: b\r\n"[..], "2 \"No colon\": no colon"),
            (b"Name\r\n", "\"Name\": no colon"),
            (b"\r\n", "\"\": no colon"),
            (b"Bad name: x\r\n", "\"Bad name: x\": the name is empty"),
            (b": x\r\n", "\": x\": the name is empty"),
            (b"A\x01:x\r\n", "the name is empty"),
            (b" folded: x\r\n", "folded"),
            (b"\tfolded\r\n", "folded"),
            (b"A: \x01\r\n", "\"A: \\x01\": the value has a control"),
            (b"A: b\rc\r\n", "the value has a control"),
            (
                b"A: \x01\n",
                "\"A: \\x01\\n\": the line ends in \\n without",
            ),
            (b"Bad name\nA: b\r\n", "the line ends in \\n without"),
            (b"A: b\n\r\n", "\"A: b\\n\": the line ends in \\n"),
        ] {
            let got = parse_header_line(bad, 2).unwrap_err().to_string();
            let bad = String::from_utf8_lossy(bad);
            assert!(got.contains(error), "{bad:?}: {got}");
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
