//! Newline framing: turning a byte stream into messages.
//!
//! TCP delivers bytes, not messages. One `read` may return half a message,
//! or two messages glued together, or the end of one and the start of the
//! next. So both sides agree on where a message ends: here, at a `\n`.
//! The reader below collects bytes until it sees one.

use std::fmt;
use std::io::{self, BufRead};

/// The longest line the server accepts, not counting the line ending.
/// Without a limit, a client that never sends `\n` makes us buffer
/// forever: one `nc < /dev/zero` would eat the server's memory.
pub const MAX_LINE: usize = 1024;

/// Why `LineReader::read_line` produced no line.
#[derive(Debug)]
pub enum LineError {
    /// More than `limit` bytes arrived without a line ending.
    TooLong { limit: usize },
    /// A whole line arrived, but it is not UTF-8 text. The line has been
    /// consumed: the next call reads the next line.
    NotUtf8,
    /// The read itself failed: a timeout, a reset, ...
    Io(io::Error),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::TooLong { limit } => {
                write!(f, "a line longer than {limit} bytes")
            }
            LineError::NotUtf8 => write!(f, "a line that is not UTF-8 text"),
            LineError::Io(error) => write!(f, "{error}"),
        }
    }
}

// ANCHOR: line_reader
/// Reads `\n`-terminated lines from any buffered reader, at most
/// `max_len` bytes each.
///
/// Unlike `BufRead::read_line`, it keeps a half-received line across
/// errors: when a read times out in the middle of a line (the client
/// typed `Mich` and paused), the next call carries on where it stopped.
pub struct LineReader<R> {
    reader: R,
    /// The bytes of the current line received so far.
    partial: Vec<u8>,
    max_len: usize,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R, max_len: usize) -> Self {
        LineReader {
            reader,
            partial: Vec::new(),
            max_len,
        }
    }

    /// The next line without its `\n` (and without a `\r` before it, so
    /// `telnet` and Windows `nc` work too). `Ok(None)`: the stream ended.
    pub fn read_line(&mut self) -> Result<Option<String>, LineError> {
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(LineError::Io(e)),
            };
            if available.is_empty() {
                // End of stream. A last line without `\n` still counts,
                // as it does for `BufRead::lines`.
                if self.partial.is_empty() {
                    return Ok(None);
                }
                return self.finish_line().map(Some);
            }
            match available.iter().position(|&byte| byte == b'\n') {
                Some(end) => {
                    self.partial.extend_from_slice(&available[..end]);
                    self.reader.consume(end + 1);
                    return self.finish_line().map(Some);
                }
                None => {
                    let taken = available.len();
                    self.partial.extend_from_slice(available);
                    self.reader.consume(taken);
                    // One byte of slack for a `\r` that may come next.
                    if self.partial.len() > self.max_len + 1 {
                        self.partial.clear();
                        let limit = self.max_len;
                        return Err(LineError::TooLong { limit });
                    }
                }
            }
        }
    }

    /// Turns the collected bytes into a line and starts a new one.
    fn finish_line(&mut self) -> Result<String, LineError> {
        let mut bytes = std::mem::take(&mut self.partial);
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if bytes.len() > self.max_len {
            return Err(LineError::TooLong {
                limit: self.max_len,
            });
        }
        String::from_utf8(bytes).map_err(|_| LineError::NotUtf8)
    }
}
// ANCHOR_END: line_reader

impl<R> LineReader<R> {
    /// The reader underneath.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// True while part of a line has arrived but not its end.
    pub fn in_mid_line(&self) -> bool {
        !self.partial.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};

    /// A reader that hands out one byte per `read`, the worst case TCP
    /// is allowed to produce.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.is_empty()) {
                (Some((&first, rest)), false) => {
                    buf[0] = first;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn collect(input: &[u8], max: usize, one_byte: bool) -> Vec<String> {
        let reader: Box<dyn BufRead> = if one_byte {
            Box::new(BufReader::with_capacity(1, OneByte(input)))
        } else {
            Box::new(input)
        };
        let mut lines = LineReader::new(reader, max);
        let mut seen = Vec::new();
        for _ in 0..100 {
            match lines.read_line() {
                Ok(Some(line)) => seen.push(format!("line {line:?}")),
                Ok(None) => return seen,
                Err(LineError::TooLong { limit }) => {
                    seen.push(format!("too long {limit}"));
                    return seen;
                }
                Err(e) => seen.push(format!("error {e}")),
            }
        }
        panic!("no end of stream after 100 calls on {input:?}");
    }

    #[test]
    fn lines_whole_and_one_byte_at_a_time() {
        let cases: &[(&[u8], &[&str])] = &[
            (b"", &[]),
            (b"Michael\nexit\n", &["line \"Michael\"", "line \"exit\""]),
            (b"Michael\r\nexit", &["line \"Michael\"", "line \"exit\""]),
            (b"\n\r\n", &["line \"\"", "line \"\""]),
            (
                b"a\xffb\nok\n",
                &["error a line that is not UTF-8 text", "line \"ok\""],
            ),
            ("张三\n".as_bytes(), &["line \"张三\""]),
            (b"1234567\n12345678\n", &["line \"1234567\"", "too long 7"]),
            (b"1234567\r\n", &["line \"1234567\""]),
            (b"1234567890", &["too long 7"]),
        ];
        for (input, expected) in cases {
            for one_byte in [false, true] {
                assert_eq!(
                    collect(input, 7, one_byte),
                    *expected,
                    "input {input:?}, one byte at a time: {one_byte}"
                );
            }
        }
    }
}
