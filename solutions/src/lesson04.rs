//! Reference solutions for chapter 4: ending a conversation.

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

// ANCHOR: Lines
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

pub struct Lines<R> {
    reader: R,
    max_len: usize,
    /// The bytes of the current line so far: at most `max_len + 1`.
    partial: Vec<u8>,
    /// True while the rest of a too-long line is being thrown away.
    skipping: bool,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R, max_len: usize) -> Lines<R> {
        Lines {
            reader,
            max_len,
            partial: Vec::new(),
            skipping: false,
        }
    }

    pub fn next_line(&mut self) -> io::Result<Line> {
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // Keep `partial` and `skipping`: the next call goes on.
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if self.partial.is_empty() {
                    return Ok(Line::End);
                }
                // No `\n` came: a `\r` at the end is part of the line.
                let last = std::mem::take(&mut self.partial);
                if last.len() > self.max_len {
                    return Ok(Line::TooLong);
                }
                return Ok(Line::Text(last));
            }
            if self.skipping {
                // Throw bytes away without keeping them.
                match available.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        self.reader.consume(end + 1);
                        self.skipping = false;
                    }
                    None => {
                        let all = available.len();
                        self.reader.consume(all);
                    }
                }
                continue;
            }
            // Never keep more than `max_len + 1` bytes of a line: its
            // `\n` can be at most `room` bytes from here.
            let room = self.max_len.saturating_add(1) - self.partial.len();
            let window =
                &available[..available.len().min(room.saturating_add(1))];
            if let Some(end) = window.iter().position(|&b| b == b'\n') {
                self.partial.extend_from_slice(&window[..end]);
                self.reader.consume(end + 1);
                let mut line = std::mem::take(&mut self.partial);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.len() > self.max_len {
                    return Ok(Line::TooLong);
                }
                return Ok(Line::Text(line));
            }
            let take = window.len().min(room);
            // A byte beyond the room that is not `\n`: too long.
            let beyond = take < window.len();
            self.partial.extend_from_slice(&window[..take]);
            self.reader.consume(take);
            // Or the byte kept beyond the limit is not a `\r`.
            let over = self.partial.len() > self.max_len
                && self.partial.last() != Some(&b'\r');
            if over || beyond {
                self.partial.clear();
                self.skipping = true;
                return Ok(Line::TooLong);
            }
        }
    }
}
// ANCHOR_END: Lines

// ANCHOR: BulkDecoder
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bulk {
    Value(Vec<u8>),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkError {
    BadHeader,
    TooLong,
    BadEnding,
}

/// Where the decoder is inside the current message.
#[derive(Debug)]
enum State {
    /// Waiting for `$`.
    Start,
    /// After `$`: no length byte yet.
    LengthStart,
    /// Digits so far (no leading zero unless it is the only one).
    Digits(usize),
    /// `$-` so far.
    Minus,
    /// `$-1` so far.
    MinusOne,
    /// The length and its `\r`: waiting for `\n`. `None`: null.
    HeaderLf(Option<usize>),
    /// Collecting the data: this many bytes still to come (maybe 0).
    Data(usize),
    /// After the data: waiting for `\r`, then `\n`.
    EndCr,
    EndLf,
    /// Out of step for good.
    Failed(BulkError),
}

pub struct BulkDecoder {
    max_len: usize,
    state: State,
    data: Vec<u8>,
}

impl BulkDecoder {
    pub fn new(max_len: usize) -> BulkDecoder {
        BulkDecoder {
            max_len,
            state: State::Start,
            data: Vec::new(),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Bulk, BulkError>> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while let Some((&byte, after)) = rest.split_first() {
            if let State::Failed(error) = self.state {
                out.push(Err(error));
                return out;
            }
            if let State::Data(left) = self.state {
                // Copy as much data as this piece holds, unexamined.
                let take = left.min(rest.len());
                self.data.extend_from_slice(&rest[..take]);
                rest = &rest[take..];
                self.state = match left - take {
                    0 => State::EndCr,
                    more => State::Data(more),
                };
                continue;
            }
            rest = after;
            match self.step(byte) {
                Ok(Some(bulk)) => out.push(Ok(bulk)),
                Ok(None) => {}
                Err(error) => {
                    self.state = State::Failed(error);
                    self.data = Vec::new();
                    out.push(Err(error));
                    return out;
                }
            }
        }
        if let State::Failed(error) = self.state {
            out.push(Err(error));
        }
        out
    }

    /// One byte outside the data; `Some` when it completes a message.
    fn step(&mut self, byte: u8) -> Result<Option<Bulk>, BulkError> {
        use BulkError::*;
        self.state = match (&self.state, byte) {
            (State::Start, b'$') => State::LengthStart,
            (State::LengthStart, b'-') => State::Minus,
            (State::Minus, b'1') => State::MinusOne,
            (State::MinusOne, b'\r') => State::HeaderLf(None),
            (State::LengthStart, b'0'..=b'9') => self.digit(0, byte)?,
            // After a leading `0`, only the `\r` may come.
            (State::Digits(n), b'0'..=b'9') if *n > 0 => {
                self.digit(*n, byte)?
            }
            (State::Digits(n), b'\r') => State::HeaderLf(Some(*n)),
            (State::HeaderLf(None), b'\n') => {
                self.state = State::Start;
                return Ok(Some(Bulk::Null));
            }
            (State::HeaderLf(Some(n)), b'\n') => State::Data(*n),
            (State::EndCr, b'\r') => State::EndLf,
            (State::EndLf, b'\n') => {
                self.state = State::Start;
                return Ok(Some(Bulk::Value(std::mem::take(&mut self.data))));
            }
            (State::EndCr | State::EndLf, _) => return Err(BadEnding),
            _ => return Err(BadHeader),
        };
        Ok(None)
    }

    /// The length so far, `n`, followed by the digit `byte`.
    fn digit(&self, n: usize, byte: u8) -> Result<State, BulkError> {
        let value = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(usize::from(byte - b'0')))
            .ok_or(BulkError::TooLong)?;
        if value > self.max_len {
            return Err(BulkError::TooLong);
        }
        Ok(State::Digits(value))
    }
}
// ANCHOR_END: BulkDecoder

// ANCHOR: ask_and_read_to_end
pub fn ask_and_read_to_end(
    address: SocketAddr,
    request: &[u8],
    limit: Duration,
) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + limit;
    let left = || {
        let left = deadline.saturating_duration_since(Instant::now());
        match left.is_zero() {
            true => Err(io::Error::from(ErrorKind::TimedOut)),
            false => Ok(left),
        }
    };
    let mut stream = TcpStream::connect_timeout(&address, left()?)?;
    stream.set_write_timeout(Some(left()?))?;
    stream.write_all(request).map_err(timed_out)?;
    // Our FIN: "that was the whole request". We can still read.
    stream.shutdown(Shutdown::Write)?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        // The time left for the whole exchange, not a fresh limit.
        stream.set_read_timeout(Some(left()?))?;
        match stream.read(&mut buffer) {
            Ok(0) => return Ok(answer),
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(timed_out(e)),
        }
    }
}

/// A read or write timeout says `WouldBlock` on Unix: call it `TimedOut`.
fn timed_out(error: io::Error) -> io::Error {
    match error.kind() {
        ErrorKind::WouldBlock => ErrorKind::TimedOut.into(),
        _ => error,
    }
}
// ANCHOR_END: ask_and_read_to_end

// ANCHOR: AfterReset
pub struct AfterReset {
    /// The error the next operation reports, once.
    pending: Option<ErrorKind>,
}

impl AfterReset {
    pub fn new(fin_came_first: bool) -> AfterReset {
        AfterReset {
            // After a FIN, the error is EPIPE: a read returns 0 without
            // taking it, and every write says BrokenPipe anyway.
            pending: match fin_came_first {
                true => None,
                false => Some(ErrorKind::ConnectionReset),
            },
        }
    }

    pub fn read(&mut self) -> Result<usize, ErrorKind> {
        match self.pending.take() {
            Some(kind) => Err(kind),
            None => Ok(0),
        }
    }

    pub fn write(&mut self) -> Result<usize, ErrorKind> {
        Err(self.pending.take().unwrap_or(ErrorKind::BrokenPipe))
    }
}
// ANCHOR_END: AfterReset

// ANCHOR: drain_and_close
pub fn drain_and_close(
    listener: TcpListener,
    goodbye: &str,
    grace: Duration,
) -> io::Result<usize> {
    let deadline = Instant::now() + grace;
    listener.set_nonblocking(true)?;
    let mut told = Vec::new();
    let time_left = || deadline.saturating_duration_since(Instant::now());
    // Bounded twice: by the queue running dry, and by the deadline.
    while !time_left().is_zero() {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            // WouldBlock: the queue is empty. Any other error (out of
            // file descriptors, say) ends the draining too.
            Err(_) => break,
        };
        // Some systems hand out accepted sockets non-blocking too.
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_write_timeout(Some(grace));
        let _ = (&stream).write_all(format!("{goodbye}\n").as_bytes());
        let _ = stream.shutdown(Shutdown::Write);
        told.push(stream);
    }
    drop(listener);
    // Wait for each client's FIN, all within the same grace period:
    // closing with unread bytes would send RST instead of FIN.
    let mut scratch = [0u8; 1024];
    for mut stream in told.iter() {
        loop {
            let left = time_left();
            if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
                break;
            }
            // Until its FIN (`Ok(0)`), or an error: the time is over, or
            // the client reset.
            match stream.read(&mut scratch) {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }
    Ok(told.len())
}
// ANCHOR_END: drain_and_close
