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
