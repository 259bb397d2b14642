//! The body, and the three ways to know where it ends (RFC 9112 6.3):
//!
//! 1. `Content-Length: N`: exactly N bytes follow the head.
//! 2. `Transfer-Encoding: chunked`: the body comes in chunks, each led by
//!    its size in hex; a chunk of size 0 ends it.
//! 3. Neither: the body ends when the server closes the connection.

use std::fmt;
use std::io::{self, Write};

use super::head::{ResponseHead, quote_line};

/// How the body of a response is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body at all (status 1xx, 204 No Content, 304 Not Modified).
    Empty,
    ContentLength(u64),
    Chunked,
    UntilClose,
}

impl fmt::Display for Framing {
    /// Completes "The body ends ...".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Framing::Empty => write!(f, "at once: this status has no body"),
            Framing::ContentLength(n) => {
                write!(f, "after {n} bytes (Content-Length: {n})")
            }
            Framing::Chunked => write!(
                f,
                "at a chunk of size 0 (Transfer-Encoding: chunked; each \
                 chunk is led by its size in hex)"
            ),
            Framing::UntilClose => write!(
                f,
                "when the server closes the connection (no Content-Length, \
                 not chunked)"
            ),
        }
    }
}

/// What can be wrong with a body.
#[derive(Debug)]
pub enum BodyError {
    BadContentLength(String),
    SeveralContentLengths,
    BadChunkSize { line: String, why: &'static str },
    BadChunkEnd,
    LineTooLong { limit: usize },
    TooLarge { limit: u64 },
    TooShort { expected: u64, got: u64 },
    ClosedMidChunk { got: u64 },
    Write(io::Error),
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::BadContentLength(value) => {
                write!(f, "bad Content-Length {value}: it must be digits only")
            }
            BodyError::SeveralContentLengths => {
                write!(f, "the response has more than one Content-Length")
            }
            BodyError::BadChunkSize { line, why } => {
                write!(f, "bad chunk size line {line}: {why}")
            }
            BodyError::BadChunkEnd => write!(
                f,
                "a chunk's data is not followed by \\r\\n: the chunk size \
                 was wrong"
            ),
            BodyError::LineTooLong { limit } => {
                write!(f, "a chunk size or trailer line is over {limit} bytes")
            }
            BodyError::TooLarge { limit } => {
                write!(f, "the body is over {limit} bytes, this client's limit")
            }
            BodyError::TooShort { expected, got } => write!(
                f,
                "the body is shorter than its Content-Length: the server \
                 closed the connection after {got} of {expected} bytes"
            ),
            BodyError::ClosedMidChunk { got } => write!(
                f,
                "the server closed the connection in the middle of the \
                 chunked body, after {got} bytes of data, before the last \
                 (size 0) chunk"
            ),
            BodyError::Write(error) => write!(f, "cannot write: {error}"),
        }
    }
}

impl std::error::Error for BodyError {}

// ANCHOR: parse_content_length
/// Parses a `Content-Length` value strictly: one or more ASCII digits and
/// nothing else, no sign, no spaces inside, no `0x`. A lenient parser here
/// lets a malicious server make two programs disagree on where a body ends.
pub fn parse_content_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    value.iter().try_fold(0u64, |n, &digit| {
        n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}
// ANCHOR_END: parse_content_length

// ANCHOR: framing
/// Decides how this response's body ends (RFC 9112 section 6.3).
pub fn framing(head: &ResponseHead) -> Result<Framing, BodyError> {
    let code = head.status.code;
    if (100..200).contains(&code) || code == 204 || code == 304 {
        return Ok(Framing::Empty);
    }
    // Transfer-Encoding wins over Content-Length. Its last coding says
    // how the body is framed; only "chunked" has an end of its own.
    let codings: Vec<String> = head
        .values("Transfer-Encoding")
        .flat_map(|v| v.split(|&b| b == b','))
        .map(|c| String::from_utf8_lossy(c.trim_ascii()).to_lowercase())
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(last) = codings.last() {
        return Ok(match last.as_str() {
            "chunked" => Framing::Chunked,
            _ => Framing::UntilClose,
        });
    }
    // Exactly one Content-Length, with one value. A second one, on a
    // line of its own or in a list (`42, 42`), is refused.
    let mut values = head.values("Content-Length");
    let Some(value) = values.next() else {
        return Ok(Framing::UntilClose);
    };
    if values.next().is_some() || value.contains(&b',') {
        return Err(BodyError::SeveralContentLengths);
    }
    let value = value.trim_ascii();
    let n = parse_content_length(value)
        .ok_or_else(|| BodyError::BadContentLength(quote_line(value)))?;
    Ok(Framing::ContentLength(n))
}
// ANCHOR_END: framing

/// The longest chunk size line (with extensions) or trailer line we take.
pub const MAX_CHUNK_LINE: usize = 4096;

// ANCHOR: parse_chunk_size
/// Parses a chunk size line, `\r\n` included: hex digits, then optional
/// spaces or tabs, then an optional `;extension` (ignored), then `\r\n`.
///
/// `1a\r\n` is 26; `0\r\n` is the last chunk. At most 16 hex digits, so
/// the size fits in 64 bits.
pub fn parse_chunk_size(line: &[u8]) -> Result<u64, BodyError> {
    let bad = |why| BodyError::BadChunkSize {
        line: quote_line(line),
        why,
    };
    let text = line
        .strip_suffix(b"\r\n")
        .ok_or_else(|| bad("it does not end with \\r\\n"))?;
    let digits = text.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(bad("it does not start with a hex number"));
    }
    if digits > 16 {
        return Err(bad("the size has more than 16 hex digits"));
    }
    // Spaces or tabs may follow the digits; then the line ends, or an
    // extension starts with ";" (we skip it: it has no meaning for us).
    let rest = &text[digits..];
    let blanks = rest.iter().take_while(|&&b| b == b' ' || b == b'\t');
    let extension = &rest[blanks.count()..];
    if !extension.is_empty() && !extension.starts_with(b";") {
        return Err(bad("the size is followed by something that is not ;"));
    }
    if extension.iter().any(|&b| b == b'\r' || b == b'\n') {
        return Err(bad("a \\r or \\n inside the line"));
    }
    let hex = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    };
    Ok(text[..digits]
        .iter()
        .fold(0u64, |n, &b| (n << 4) | u64::from(hex(b))))
}
// ANCHOR_END: parse_chunk_size

// ANCHOR: chunked_decoder
/// Where a [`ChunkedDecoder`] is inside the chunked body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Collecting a chunk size line into `line`.
    Size,
    /// Passing on this many more bytes of chunk data.
    Data(u64),
    /// After the data: expecting `\r\n` (this many bytes of it seen).
    DataEnd(u8),
    /// After the last chunk: trailer lines, then an empty line.
    Trailer,
    Done,
}

/// Decodes a chunked body as it arrives, in pieces of any size: each
/// piece goes to [`feed`](Self::feed), the chunk data to `out`.
#[derive(Debug)]
pub struct ChunkedDecoder {
    state: Chunk,
    /// The line being collected (chunk size or trailer line).
    line: Vec<u8>,
    /// Data bytes written out so far, and the most we accept.
    written: u64,
    limit: u64,
}

impl ChunkedDecoder {
    /// Decodes `input`, writing chunk data to `out`. Returns how many
    /// bytes of `input` were used: all of them, unless the body ended
    /// inside `input` (what follows is not part of it).
    pub fn feed(
        &mut self,
        input: &[u8],
        out: &mut impl Write,
    ) -> Result<usize, BodyError> {
        let mut used = 0;
        while used < input.len() && self.state != Chunk::Done {
            let rest = &input[used..];
            used += match self.state {
                Chunk::Size | Chunk::Trailer => self.take_line(rest)?,
                Chunk::Data(left) => {
                    let n = rest
                        .len()
                        .min(usize::try_from(left).unwrap_or(usize::MAX));
                    out.write_all(&rest[..n]).map_err(BodyError::Write)?;
                    self.written += n as u64;
                    let left = left - n as u64;
                    self.state = if left == 0 {
                        Chunk::DataEnd(0)
                    } else {
                        Chunk::Data(left)
                    };
                    n
                }
                Chunk::DataEnd(seen) => {
                    let expected = b"\r\n"[usize::from(seen)];
                    if rest[0] != expected {
                        return Err(BodyError::BadChunkEnd);
                    }
                    self.state = if seen == 0 {
                        Chunk::DataEnd(1)
                    } else {
                        Chunk::Size
                    };
                    1
                }
                Chunk::Done => 0,
            };
        }
        Ok(used)
    }
}
// ANCHOR_END: chunked_decoder

/// Starting, and asking how far it got.
impl ChunkedDecoder {
    pub fn new(limit: u64) -> Self {
        ChunkedDecoder {
            state: Chunk::Size,
            line: Vec::new(),
            written: 0,
            limit,
        }
    }

    /// True once the last chunk and the trailer section are through.
    pub fn is_done(&self) -> bool {
        self.state == Chunk::Done
    }

    /// Chunk data bytes decoded so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

impl ChunkedDecoder {
    /// Collects a line up to its `\n`, then acts on it.
    fn take_line(&mut self, rest: &[u8]) -> Result<usize, BodyError> {
        let (piece, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(at) => (&rest[..=at], true),
            None => (rest, false),
        };
        if self.line.len() + piece.len() > MAX_CHUNK_LINE {
            return Err(BodyError::LineTooLong {
                limit: MAX_CHUNK_LINE,
            });
        }
        self.line.extend_from_slice(piece);
        if complete {
            let line = std::mem::take(&mut self.line);
            self.state = match self.state {
                Chunk::Size => self.after_size_line(&line)?,
                _ => after_trailer_line(&line)?,
            };
        }
        Ok(piece.len())
    }

    fn after_size_line(&self, line: &[u8]) -> Result<Chunk, BodyError> {
        let size = parse_chunk_size(line)?;
        if size > self.limit.saturating_sub(self.written) {
            return Err(BodyError::TooLarge { limit: self.limit });
        }
        Ok(if size == 0 {
            Chunk::Trailer
        } else {
            Chunk::Data(size)
        })
    }
}

/// A trailer line is a header line after the body (rarely used). We
/// check its shape and drop it; the empty line ends the body.
fn after_trailer_line(line: &[u8]) -> Result<Chunk, BodyError> {
    match line.strip_suffix(b"\r\n") {
        Some([]) => Ok(Chunk::Done),
        Some(_) if line.contains(&b':') => Ok(Chunk::Trailer),
        _ => Err(BodyError::BadChunkSize {
            line: quote_line(line),
            why: "after the last chunk, expected a trailer line or \\r\\n",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_is_strict() {
        assert_eq!(parse_content_length(b"0"), Some(0));
        assert_eq!(parse_content_length(b"0042"), Some(42));
        assert_eq!(
            parse_content_length(b"18446744073709551615"),
            Some(u64::MAX)
        );
        for bad in [
            &b""[..],
            b"+1",
            b"-1",
            b" 1",
            b"1 ",
            b"0x10",
            b"1e3",
            b"18446744073709551616",
        ] {
            assert_eq!(parse_content_length(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn chunk_sizes() {
        assert_eq!(parse_chunk_size(b"1a\r\n").unwrap(), 26);
        assert_eq!(parse_chunk_size(b"FF ;x=y\r\n").unwrap(), 255);
        assert_eq!(parse_chunk_size(b"0\r\n").unwrap(), 0);
        for bad in [
            &b"\r\n"[..],
            b"zz\r\n",
            b"1a\n",
            b"1 2\r\n",
            b"12345678901234567\r\n",
            b"1;\n\r\n",
        ] {
            assert!(parse_chunk_size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn decodes_whole_and_byte_by_byte() {
        let body = b"5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nT: x\r\n\r\nEXTRA";
        let mut out = Vec::new();
        let mut decoder = ChunkedDecoder::new(u64::MAX);
        let used = decoder.feed(body, &mut out).unwrap();
        assert_eq!(
            (out.as_slice(), used),
            (&b"hello world"[..], body.len() - 5)
        );
        assert!(decoder.is_done());

        let mut out = Vec::new();
        let mut decoder = ChunkedDecoder::new(u64::MAX);
        for byte in body.chunks(1) {
            decoder.feed(byte, &mut out).unwrap();
        }
        assert_eq!(out, b"hello world");
        assert!(decoder.is_done());
    }

    #[test]
    fn refuses_data_longer_than_its_size() {
        let mut decoder = ChunkedDecoder::new(u64::MAX);
        let result = decoder.feed(b"2\r\nabc\r\n0\r\n\r\n", &mut Vec::new());
        assert!(matches!(result, Err(BodyError::BadChunkEnd)));
    }
}
