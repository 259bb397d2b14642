//! [`FakeStream`]: the one in-memory stream the tests use in place of a
//! socket.
//!
//! TCP promises bytes in order and nothing more: a `read` may return any
//! part of what was sent, a `write` may take only part of what it was
//! given, and either may fail in the middle of a conversation. Code that
//! only works when every read is a whole message passes every test on a
//! quiet loopback and breaks on a real network. A fake stream makes those
//! cases happen on purpose, the same way on every run:
//!
//! ```
//! use std::io::{ErrorKind, Read, Write};
//! use testkit::stream::FakeStream;
//!
//! let mut stream = FakeStream::builder()
//!     .input(b"Ann\n")
//!     .read_error(ErrorKind::Interrupted) // here, between the two lines
//!     .input(b"exit\n")
//!     .read_sizes(&[2]) // every read returns at most 2 bytes
//!     .max_write(3) // every write takes at most 3 bytes
//!     .build();
//! let mut buf = [0u8; 16];
//! assert_eq!(stream.read(&mut buf).unwrap(), 2); // "An"
//! assert_eq!(stream.read(&mut buf).unwrap(), 2); // "n\n"
//! let error = stream.read(&mut buf).unwrap_err();
//! assert_eq!(error.kind(), ErrorKind::Interrupted);
//! assert_eq!(stream.write(b"Hello").unwrap(), 3);
//! stream.write_all(b"lo!").unwrap();
//! assert_eq!(stream.written(), b"Hello!");
//! ```
//!
//! Reads hand out the input in order. What one read returns is the least
//! of: the caller's buffer, the next read size (if sizes were given; they
//! repeat in a cycle), and what is left of the current piece. A read never
//! crosses a scripted error or the end of a [`piece`](Builder::piece).
//! Once the input is used up, reads return 0 (the peer closed), or keep
//! failing if [`then_fail_reads`](Builder::then_fail_reads) says so.
//!
//! Writes are recorded. Each takes at most [`max_write`](Builder::max_write)
//! bytes, and stops short of the next scripted write error, so that the
//! error comes exactly after the chosen number of bytes.

use std::collections::VecDeque;
use std::io::{self, ErrorKind, Read, Write};

/// One step of what reads deliver.
#[derive(Debug, Clone)]
enum Step {
    /// Bytes, of which `at` are already read. `open`: later `input` may
    /// join this piece.
    Bytes {
        data: Vec<u8>,
        at: usize,
        open: bool,
    },
    /// One read fails with this error.
    Fail(ErrorKind),
}

/// An error a write meets once `at` bytes have been written.
#[derive(Debug, Clone, Copy)]
struct WriteFault {
    at: usize,
    kind: ErrorKind,
    /// Every later write fails too (the peer is gone), not just one.
    forever: bool,
}

/// How a [`FakeStream`] behaves; see the [module](self) for the rules.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    steps: Vec<Step>,
    sizes: Vec<usize>,
    end: Option<ErrorKind>,
    max_write: Option<usize>,
    faults: Vec<WriteFault>,
}

impl Builder {
    /// More input, right after what came before (a read may return the
    /// end of the earlier input and the start of this together).
    pub fn input(mut self, bytes: impl AsRef<[u8]>) -> Self {
        let bytes = bytes.as_ref();
        if bytes.is_empty() {
            return self;
        }
        match self.steps.last_mut() {
            Some(Step::Bytes {
                data, open: true, ..
            }) => data.extend_from_slice(bytes),
            _ => self.steps.push(Step::Bytes {
                data: bytes.to_vec(),
                at: 0,
                open: true,
            }),
        }
        self
    }

    /// A piece of input that arrives on its own: no read returns bytes of
    /// it together with bytes of another. A piece longer than the
    /// caller's buffer still takes several reads. An empty piece adds
    /// nothing (a read of 0 bytes is the end of the stream).
    pub fn piece(mut self, bytes: impl AsRef<[u8]>) -> Self {
        let bytes = bytes.as_ref();
        if !bytes.is_empty() {
            self.steps.push(Step::Bytes {
                data: bytes.to_vec(),
                at: 0,
                open: false,
            });
        }
        self
    }

    /// Each of `pieces`, in order, as by [`piece`](Builder::piece).
    pub fn pieces<I>(self, pieces: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        pieces.into_iter().fold(self, Builder::piece)
    }

    /// The most each read returns, read after read, starting over after
    /// the last (0 counts as 1). No sizes: as much as the buffer takes.
    pub fn read_sizes(mut self, sizes: &[usize]) -> Self {
        self.sizes = sizes.iter().map(|&size| size.max(1)).collect();
        self
    }

    /// One byte per read: the worst TCP is allowed to do.
    pub fn one_byte_at_a_time(self) -> Self {
        self.read_sizes(&[1])
    }

    /// At this point of the input, one read fails with `kind` (and the
    /// next read goes on with the input after it). `Interrupted` checks
    /// a retry; `WouldBlock` or `TimedOut` a read timeout.
    pub fn read_error(mut self, kind: ErrorKind) -> Self {
        self.steps.push(Step::Fail(kind));
        self
    }

    /// After the input, every read fails with `kind` (say
    /// `ConnectionReset`) instead of returning 0.
    pub fn then_fail_reads(mut self, kind: ErrorKind) -> Self {
        self.end = Some(kind);
        self
    }

    /// Each write takes at most `bytes` bytes (0 counts as 1): short
    /// writes, which `write_all` must make up for.
    pub fn max_write(mut self, bytes: usize) -> Self {
        self.max_write = Some(bytes.max(1));
        self
    }

    /// Once `written` bytes have been written, the next write fails with
    /// `kind`, once; the writes after it go on.
    pub fn write_error_at(mut self, written: usize, kind: ErrorKind) -> Self {
        self.faults.push(WriteFault {
            at: written,
            kind,
            forever: false,
        });
        self
    }

    /// Once `written` bytes have been written, every write fails with
    /// `kind` (say `BrokenPipe`: the peer is gone).
    pub fn writes_fail_from(mut self, written: usize, kind: ErrorKind) -> Self {
        self.faults.push(WriteFault {
            at: written,
            kind,
            forever: true,
        });
        self
    }

    pub fn build(self) -> FakeStream {
        FakeStream {
            steps: self.steps.into(),
            sizes: self.sizes,
            next_size: 0,
            end: self.end,
            max_write: self.max_write,
            faults: self.faults,
            written: Vec::new(),
            reads: 0,
            writes: 0,
        }
    }
}

/// An in-memory `Read + Write` that plays a script; see the
/// [module](self).
#[derive(Debug, Clone)]
pub struct FakeStream {
    steps: VecDeque<Step>,
    sizes: Vec<usize>,
    next_size: usize,
    end: Option<ErrorKind>,
    max_write: Option<usize>,
    faults: Vec<WriteFault>,
    written: Vec<u8>,
    reads: usize,
    writes: usize,
}

impl FakeStream {
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A stream whose reads return `input` as fast as the buffer takes
    /// it, then 0; and whose writes all succeed.
    pub fn new(input: impl AsRef<[u8]>) -> FakeStream {
        Builder::default().input(input).build()
    }

    /// A stream whose reads return `input` in pieces of `sizes`, one
    /// size per read, starting over after the last (as
    /// [`read_sizes`](Builder::read_sizes)); no sizes: whole.
    pub fn in_pieces(input: impl AsRef<[u8]>, sizes: &[usize]) -> FakeStream {
        Builder::default().input(input).read_sizes(sizes).build()
    }

    /// Everything written so far, in order.
    pub fn written(&self) -> &[u8] {
        &self.written
    }

    pub fn into_written(self) -> Vec<u8> {
        self.written
    }

    /// How many bytes of input no read has returned yet.
    pub fn unread(&self) -> usize {
        self.steps
            .iter()
            .map(|step| match step {
                Step::Bytes { data, at, .. } => data.len() - at,
                Step::Fail(_) => 0,
            })
            .sum()
    }

    /// How many times `read` was called (failed calls included).
    pub fn reads(&self) -> usize {
        self.reads
    }

    /// How many times `write` was called (failed calls included).
    pub fn writes(&self) -> usize {
        self.writes
    }

    fn next_size(&mut self) -> usize {
        if self.sizes.is_empty() {
            return usize::MAX;
        }
        let size = self.sizes[self.next_size % self.sizes.len()];
        self.next_size += 1;
        size
    }
}

impl Read for FakeStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.steps.front() {
                None => {
                    return match self.end {
                        Some(kind) => Err(kind.into()),
                        None => Ok(0),
                    };
                }
                Some(Step::Fail(kind)) => {
                    let kind = *kind;
                    self.steps.pop_front();
                    return Err(kind.into());
                }
                Some(Step::Bytes { data, at, .. }) if *at == data.len() => {
                    self.steps.pop_front();
                }
                Some(Step::Bytes { .. }) => break,
            }
        }
        let limit = self.next_size().min(buf.len());
        let Some(Step::Bytes { data, at, .. }) = self.steps.front_mut() else {
            unreachable!("the loop above stops at bytes");
        };
        let n = limit.min(data.len() - *at);
        buf[..n].copy_from_slice(&data[*at..*at + n]);
        *at += n;
        Ok(n)
    }
}

impl Write for FakeStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        let done = self.written.len();
        if let Some(i) = self.faults.iter().position(|f| f.at <= done) {
            let fault = self.faults[i];
            if !fault.forever {
                self.faults.remove(i);
            }
            return Err(fault.kind.into());
        }
        // Stop short of the next fault, so it strikes at its very byte.
        let room = self.faults.iter().map(|f| f.at - done).min();
        let n = buf
            .len()
            .min(self.max_write.unwrap_or(usize::MAX))
            .min(room.unwrap_or(usize::MAX));
        self.written.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every read's result until the end (at most 100 reads), with a
    /// buffer of `capacity` bytes.
    fn reads(stream: &mut FakeStream, capacity: usize) -> Vec<String> {
        let mut buf = vec![0u8; capacity];
        let mut seen = Vec::new();
        for _ in 0..100 {
            match stream.read(&mut buf) {
                Ok(0) => return seen,
                Ok(n) => seen.push(String::from_utf8_lossy(&buf[..n]).into()),
                Err(e) => seen.push(format!("{:?}", e.kind())),
            }
        }
        seen.push("...".into());
        seen
    }

    #[test]
    fn new_hands_out_as_much_as_the_buffer_takes() {
        let mut stream = FakeStream::new("hello world");
        assert_eq!(stream.unread(), 11);
        assert_eq!(reads(&mut stream, 4), ["hell", "o wo", "rld"]);
        assert_eq!(stream.unread(), 0);
        assert_eq!(stream.reads(), 4, "three reads with bytes, one of 0");
        let mut nothing = FakeStream::new("");
        assert_eq!(reads(&mut nothing, 4), Vec::<String>::new());
    }

    #[test]
    fn read_sizes_repeat_and_one_byte_at_a_time() {
        let mut stream = FakeStream::builder()
            .input("abcdefghij")
            .read_sizes(&[1, 3]);
        let mut cycled = stream.clone().build();
        assert_eq!(reads(&mut cycled, 64), ["a", "bcd", "e", "fgh", "i", "j"]);
        // The buffer still limits a read.
        let mut small = stream.clone().build();
        assert_eq!(
            reads(&mut small, 2),
            ["a", "bc", "d", "ef", "g", "hi", "j"]
        );
        stream = stream.one_byte_at_a_time();
        assert_eq!(reads(&mut stream.build(), 64).len(), 10);
    }

    #[test]
    fn pieces_keep_apart_and_input_joins() {
        let mut stream = FakeStream::builder()
            .pieces(["ab", "", "cde"])
            .input("f")
            .input("g")
            .piece("h")
            .build();
        assert_eq!(stream.unread(), 8);
        assert_eq!(reads(&mut stream, 64), ["ab", "cde", "fg", "h"]);
        // A piece longer than the buffer takes several reads.
        let mut long = FakeStream::builder().piece("abcdef").build();
        assert_eq!(reads(&mut long, 4), ["abcd", "ef"]);
    }

    #[test]
    fn a_read_error_comes_at_its_point_and_once() {
        let mut stream = FakeStream::builder()
            .input("ab")
            .read_error(ErrorKind::Interrupted)
            .input("cd")
            .read_error(ErrorKind::WouldBlock)
            .read_error(ErrorKind::TimedOut)
            .build();
        assert_eq!(
            reads(&mut stream, 64),
            ["ab", "Interrupted", "cd", "WouldBlock", "TimedOut"]
        );
    }

    #[test]
    fn reads_can_fail_for_good_after_the_input() {
        let mut stream = FakeStream::builder()
            .input("x")
            .then_fail_reads(ErrorKind::ConnectionReset)
            .build();
        let mut buf = [0u8; 8];
        assert_eq!(stream.read(&mut buf).unwrap(), 1);
        for _ in 0..3 {
            let error = stream.read(&mut buf).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::ConnectionReset);
        }
        // An empty buffer reads nothing, whatever comes next.
        assert_eq!(stream.read(&mut []).unwrap(), 0);
    }

    #[test]
    fn short_writes_are_recorded_and_write_all_completes_them() {
        let mut stream = FakeStream::builder().max_write(3).build();
        assert_eq!(stream.write(b"hello").unwrap(), 3);
        assert_eq!(stream.write(b"lo").unwrap(), 2);
        stream.write_all(b", world").unwrap();
        assert_eq!(stream.written(), b"hello, world");
        assert_eq!(stream.writes(), 5, "2 + 3 calls for 7 bytes");
        stream.flush().unwrap();
        assert_eq!(stream.into_written(), b"hello, world");
    }

    #[test]
    fn a_write_error_strikes_at_its_byte_once() {
        let mut stream = FakeStream::builder()
            .write_error_at(4, ErrorKind::Interrupted)
            .build();
        // The write stops at byte 4; the next one fails; then on.
        assert_eq!(stream.write(b"abcdefgh").unwrap(), 4);
        let error = stream.write(b"efgh").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Interrupted);
        assert_eq!(stream.write(b"efgh").unwrap(), 4);
        assert_eq!(stream.written(), b"abcdefgh");
        // write_all retries an interrupted write by itself.
        let mut again = FakeStream::builder()
            .write_error_at(2, ErrorKind::Interrupted)
            .max_write(3)
            .build();
        again.write_all(b"abcdefg").unwrap();
        assert_eq!(again.written(), b"abcdefg");
    }

    #[test]
    fn writes_can_fail_for_good() {
        let mut stream = FakeStream::builder()
            .writes_fail_from(5, ErrorKind::BrokenPipe)
            .build();
        let error = stream.write_all(b"Hello, Ann!\n").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BrokenPipe);
        assert_eq!(stream.written(), b"Hello");
        let error = stream.write(b"more").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BrokenPipe);
        let mut at_once = FakeStream::builder()
            .writes_fail_from(0, ErrorKind::ConnectionReset)
            .build();
        assert!(at_once.write(b"x").is_err());
        assert_eq!(at_once.written(), b"");
    }

    #[test]
    fn one_stream_reads_and_writes() {
        let mut stream =
            FakeStream::builder().input("ping").max_write(2).build();
        let mut buf = [0u8; 8];
        let n = stream.read(&mut buf).unwrap();
        stream.write_all(&buf[..n]).unwrap();
        assert_eq!(stream.read(&mut buf).unwrap(), 0);
        assert_eq!(stream.written(), b"ping");
    }
}
