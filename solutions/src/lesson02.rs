//! Reference solutions for chapter 2: a TCP client, raw HTTP GET.

use std::io::{self, Write};

// ANCHOR: token_helpers
/// A token character (RFC 9110 5.6.2): what header and extension names
/// are made of.
fn is_token_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// A non-empty run of token characters.
fn is_token(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(|&b| is_token_char(b))
}

/// Visible ASCII: `!` to `~`.
fn is_visible(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_graphic())
}
// ANCHOR_END: token_helpers

// ANCHOR: request_http10
pub fn request_http10(
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Vec<u8>, String> {
    if host.is_empty() || !is_visible(host) {
        return Err(format!("bad host {host:?}"));
    }
    if !path.starts_with('/') || !is_visible(path) {
        return Err(format!("bad path {path:?}"));
    }
    let mut text = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n");
    for &(name, value) in headers {
        if !is_token(name.as_bytes()) {
            return Err(format!("bad header name {name:?}"));
        }
        if name.eq_ignore_ascii_case("host") {
            return Err("a second Host header".to_string());
        }
        // A \r or \n here would end the line early: the rest of the
        // value would become a header of its own (header injection).
        if value.chars().any(|c| c.is_ascii_control() && c != '\t') {
            return Err(format!("bad value {value:?} for {name}"));
        }
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    Ok(text.into_bytes())
}
// ANCHOR_END: request_http10

// ANCHOR: content_length_list
pub fn content_length_list(value: &str) -> Result<u64, String> {
    let mut length = None;
    for item in value.split(',') {
        let item = item.trim_matches([' ', '\t']);
        // `u64::from_str` alone would take "+42": digits first.
        if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{item:?} is not a length"));
        }
        let n: u64 = item.parse().map_err(|_| format!("{item} is too big"))?;
        if length.is_some_and(|seen| seen != n) {
            return Err(format!("the lengths in {value:?} differ"));
        }
        length = Some(n);
    }
    length.ok_or_else(|| "no length".to_string())
}
// ANCHOR_END: content_length_list

// ANCHOR: body_framing
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    NoBody,
    Length(u64),
    Chunked,
    UntilClose,
}

pub fn body_framing(
    method: &str,
    status: &str,
    headers: &[(&str, &str)],
) -> Result<Framing, String> {
    // "+20".parse::<u16>() is Ok(20): check the digits by hand.
    if status.len() != 3 || !status.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad status code {status:?}"));
    }
    let code: u16 = status.parse().map_err(|_| "bad status code")?;
    if !(100..=599).contains(&code) {
        return Err(format!("status code {code} is out of range"));
    }
    if method == "HEAD" || code < 200 || code == 204 || code == 304 {
        return Ok(Framing::NoBody);
    }
    let values = |wanted: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|&(_, value)| value)
            .collect()
    };
    let encodings = values("Transfer-Encoding");
    let lengths = values("Content-Length");
    if !encodings.is_empty() {
        if !lengths.is_empty() {
            return Err("both Transfer-Encoding and Content-Length".into());
        }
        let codings: Vec<&str> = encodings
            .iter()
            .flat_map(|value| value.split(','))
            .map(|coding| coding.trim_matches([' ', '\t']))
            .filter(|coding| !coding.is_empty())
            .collect();
        let chunked = |c: &str| c.eq_ignore_ascii_case("chunked");
        let count = codings.iter().filter(|c| chunked(c)).count();
        return match codings.last() {
            None => Err("an empty Transfer-Encoding".into()),
            Some(_) if count > 1 => Err("chunked more than once".into()),
            Some(last) if chunked(last) => Ok(Framing::Chunked),
            Some(_) => Ok(Framing::UntilClose),
        };
    }
    let mut length = None;
    for value in lengths {
        let n = content_length_list(value)?;
        if length.is_some_and(|seen| seen != n) {
            return Err("Content-Length headers that differ".into());
        }
        length = Some(n);
    }
    Ok(length.map_or(Framing::UntilClose, Framing::Length))
}
// ANCHOR_END: body_framing

// ANCHOR: parse_chunk_line
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkLine {
    pub size: u64,
    pub extensions: Vec<(String, Option<String>)>,
}

pub fn parse_chunk_line(line: &[u8]) -> Result<ChunkLine, String> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if !(1..=16).contains(&digits) {
        return Err("the size must be 1 to 16 hex digits".into());
    }
    // At most 16 hex digits: 64 bits, so this never overflows.
    let size = line[..digits].iter().fold(0u64, |n, &b| {
        n * 16 + u64::from(char::from(b).to_digit(16).unwrap_or(0))
    });
    let mut rest = &line[digits..];
    let mut extensions = Vec::new();
    // Each round takes one `BWS ; BWS name [BWS = BWS value]`.
    while !rest.is_empty() {
        rest = skip_blanks(rest)
            .strip_prefix(b";")
            .ok_or("expected ; before an extension")?;
        rest = skip_blanks(rest);
        let name_len = rest.iter().take_while(|&&b| is_token_char(b)).count();
        if name_len == 0 {
            return Err("an extension without a name".into());
        }
        let name = String::from_utf8_lossy(&rest[..name_len]).into_owned();
        rest = &rest[name_len..];
        let value = match skip_blanks(rest).strip_prefix(b"=") {
            None => None,
            Some(after) => {
                let (value, after) = extension_value(skip_blanks(after))?;
                rest = after;
                Some(value)
            }
        };
        extensions.push((name, value));
    }
    Ok(ChunkLine { size, extensions })
}

fn skip_blanks(text: &[u8]) -> &[u8] {
    let blanks = text.iter().take_while(|&&b| b == b' ' || b == b'\t');
    &text[blanks.count()..]
}

/// A token or a quoted string, and what follows it.
fn extension_value(text: &[u8]) -> Result<(String, &[u8]), String> {
    let Some(mut rest) = text.strip_prefix(b"\"") else {
        let len = text.iter().take_while(|&&b| is_token_char(b)).count();
        if len == 0 {
            return Err("an extension value is empty".into());
        }
        let value = String::from_utf8_lossy(&text[..len]).into_owned();
        return Ok((value, &text[len..]));
    };
    let allowed = |b: u8| b == b'\t' || (b' '..=b'~').contains(&b);
    let mut value = String::new();
    loop {
        match rest {
            [b'"', after @ ..] => return Ok((value, after)),
            [b'\\', b, after @ ..] if allowed(*b) => {
                value.push(char::from(*b));
                rest = after;
            }
            [b, after @ ..] if allowed(*b) && *b != b'\\' => {
                value.push(char::from(*b));
                rest = after;
            }
            _ => return Err("a bad or unfinished quoted string".into()),
        }
    }
}
// ANCHOR_END: parse_chunk_line

// ANCHOR: chunked_writer
pub struct ChunkedWriter<W: Write> {
    inner: W,
}

impl<W: Write> ChunkedWriter<W> {
    pub fn new(inner: W) -> Self {
        ChunkedWriter { inner }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.inner.write_all(b"0\r\n\r\n")?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for ChunkedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // An empty chunk would be the last one: write nothing.
        if buf.is_empty() {
            return Ok(0);
        }
        // write_all: the inner writer may take part of it, or be
        // interrupted; one chunk goes out whole or not at all.
        self.inner
            .write_all(format!("{:x}\r\n", buf.len()).as_bytes())?;
        self.inner.write_all(buf)?;
        self.inner.write_all(b"\r\n")?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
// ANCHOR_END: chunked_writer

// ANCHOR: head_finder
pub struct HeadFinder {
    limit: usize,
    /// Bytes fed so far.
    seen: usize,
    /// How many bytes of `\r\n\r\n` the bytes so far end with.
    matched: usize,
}

impl HeadFinder {
    pub fn new(limit: usize) -> Self {
        HeadFinder {
            limit,
            seen: 0,
            matched: 0,
        }
    }

    pub fn feed(&mut self, piece: &[u8]) -> Result<Option<usize>, String> {
        for (i, &byte) in piece.iter().enumerate() {
            if self.seen + i >= self.limit {
                return Err(format!(
                    "no end of the head within {} bytes",
                    self.limit
                ));
            }
            self.matched = if byte == b"\r\n\r\n"[self.matched] {
                self.matched + 1
            } else if byte == b'\r' {
                // "\r\n\r" then "\r": that "\r" may start the end.
                1
            } else {
                0
            };
            if self.matched == 4 {
                return Ok(Some(i + 1));
            }
        }
        self.seen += piece.len();
        Ok(None)
    }
}
// ANCHOR_END: head_finder
