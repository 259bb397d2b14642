//! A stand-in for a socket, for tests: your code reads and writes it like
//! a `TcpStream`, and the test decides how the network behaves.

use std::io::{self, ErrorKind, Read, Write};

/// An in-memory stream with a scripted network behind it.
///
/// Reads hand out the input in order. What one read returns is the least
/// of: the reader's buffer, the next size given to
/// [`in_pieces`](Stream::in_pieces), and what is left before the end of
/// a part (see [`apart`](Stream::apart)) or a scripted read error. Once
/// the input is used up, reads return 0, or fail if
/// [`then_fail`](Stream::then_fail) says so.
///
/// Writes are recorded. Each takes at most
/// [`write_at_most`](Stream::write_at_most) bytes, and stops short of a
/// scripted write error, so that the error comes right after the chosen
/// number of bytes.
///
/// ```
/// use std::io::{Read, Write};
/// let mut stream = check::Stream::new(b"Tracy\n").one_byte_at_a_time();
/// let mut buffer = [0u8; 64];
/// assert_eq!(stream.read(&mut buffer).unwrap(), 1); // just the "T"
/// let mut stream = check::Stream::new(b"").write_at_most(3);
/// assert_eq!(stream.write(b"Hello").unwrap(), 3); // "Hel" taken
/// assert_eq!(stream.written(), b"Hel");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Stream {
    input: Vec<u8>,
    /// How many bytes of `input` have been read.
    position: usize,
    /// Where each part given to [`Stream::apart`] ends: no read goes past
    /// one of these points in a single call.
    part_ends: Vec<usize>,
    /// The most each read returns, in turn, round and round; empty: no
    /// limit but the reader's buffer.
    pieces: Vec<usize>,
    reads: usize,
    /// Errors a read returns when it reaches a point of the input: the
    /// position, and the error, returned once.
    read_errors: Vec<(usize, ErrorKind)>,
    /// What a read returns after the last byte: `None` for `Ok(0)`, the
    /// end of the stream.
    at_end: Option<ErrorKind>,
    /// The most one write takes.
    write_limit: Option<usize>,
    /// Errors a write returns once this many bytes have been written.
    write_errors: Vec<(usize, ErrorKind)>,
    /// A write error returned by every write from this many bytes on.
    writes_fail_from: Option<(usize, ErrorKind)>,
    written: Vec<u8>,
    writes: usize,
}

impl Stream {
    /// A stream whose reads return `input`, as much as the reader's
    /// buffer holds each time, and then `Ok(0)`: the end of the stream.
    pub fn new(input: &[u8]) -> Stream {
        Stream {
            input: input.to_vec(),
            ..Stream::default()
        }
    }

    /// A stream whose input is `parts`, one after another, each arriving
    /// on its own: no read returns bytes of two parts (a part longer than
    /// the reader's buffer still takes several reads). Then `Ok(0)`.
    ///
    /// ```
    /// use std::io::Read;
    /// let mut stream = check::Stream::apart(["Michael", "exit"]);
    /// let mut buffer = [0u8; 64];
    /// assert_eq!(stream.read(&mut buffer).unwrap(), 7); // "Michael"
    /// assert_eq!(stream.read(&mut buffer).unwrap(), 4); // "exit"
    /// assert_eq!(stream.read(&mut buffer).unwrap(), 0); // the end
    /// ```
    pub fn apart<I>(parts: I) -> Stream
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut stream = Stream::default();
        for part in parts {
            stream.input.extend_from_slice(part.as_ref());
            stream.part_ends.push(stream.input.len());
        }
        stream
    }

    /// Each read returns at most the next of these sizes (round and
    /// round), the way TCP may cut a stream anywhere.
    pub fn in_pieces(mut self, sizes: &[usize]) -> Stream {
        assert!(sizes.iter().all(|&size| size > 0), "a piece of 0 bytes");
        self.pieces = sizes.to_vec();
        self
    }

    /// Each read returns one byte.
    pub fn one_byte_at_a_time(self) -> Stream {
        self.in_pieces(&[1])
    }

    /// The read that reaches byte `at` of the input fails once with
    /// `kind` (`Interrupted`, `WouldBlock`, `TimedOut`, ...); the next
    /// read goes on from there.
    pub fn fail_read_at(mut self, at: usize, kind: ErrorKind) -> Stream {
        self.read_errors.push((at, kind));
        self.read_errors.sort_by_key(|&(position, _)| position);
        self
    }

    /// After the last byte, every read fails with `kind` (say
    /// `ConnectionReset`) instead of returning 0.
    pub fn then_fail(mut self, kind: ErrorKind) -> Stream {
        self.at_end = Some(kind);
        self
    }

    /// Each write takes at most `limit` bytes: a short write, as a socket
    /// with a nearly full send buffer does.
    pub fn write_at_most(mut self, limit: usize) -> Stream {
        assert!(limit > 0, "a write that takes nothing");
        self.write_limit = Some(limit);
        self
    }

    /// Once `after` bytes are written, the next write fails once with
    /// `kind` (a write that would go past byte `after` stops there); the
    /// writes after it go on.
    pub fn fail_write_at(mut self, after: usize, kind: ErrorKind) -> Stream {
        self.write_errors.push((after, kind));
        self.write_errors.sort_by_key(|&(position, _)| position);
        self
    }

    /// Once `after` bytes are written, every write fails with `kind` (a
    /// peer that went away: `BrokenPipe`). A write that would go past
    /// byte `after` stops there.
    pub fn writes_fail_from(mut self, after: usize, kind: ErrorKind) -> Stream {
        self.writes_fail_from = Some((after, kind));
        self
    }

    /// Everything written so far.
    pub fn written(&self) -> &[u8] {
        &self.written
    }

    /// How many calls to `read` returned bytes or an error (not counting
    /// the end of the stream).
    pub fn reads(&self) -> usize {
        self.reads
    }

    /// How many calls to `write` there were.
    pub fn writes(&self) -> usize {
        self.writes
    }

    /// How many input bytes have not been read yet.
    pub fn unread(&self) -> usize {
        self.input.len() - self.position
    }
}

impl Read for Stream {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        if let Some(&(at, kind)) = self.read_errors.first()
            && at <= self.position
        {
            self.read_errors.remove(0);
            self.reads += 1;
            return Err(kind.into());
        }
        let left = self.input.len() - self.position;
        if left == 0 {
            return match self.at_end {
                Some(kind) => {
                    self.reads += 1;
                    Err(kind.into())
                }
                None => Ok(0),
            };
        }
        let mut take = left.min(buffer.len());
        if !self.pieces.is_empty() {
            take = take.min(self.pieces[self.reads % self.pieces.len()]);
        }
        // Stop at the end of a part (the next read starts the next one),
        // and where a scripted error waits (so that it comes next).
        if let Some(&end) =
            self.part_ends.iter().find(|&&end| end > self.position)
        {
            take = take.min(end - self.position);
        }
        if let Some(&(at, _)) = self.read_errors.first() {
            take = take.min(at - self.position);
        }
        let end = self.position + take;
        buffer[..take].copy_from_slice(&self.input[self.position..end]);
        self.position = end;
        self.reads += 1;
        Ok(take)
    }
}

impl Write for Stream {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        let done = self.written.len();
        if let Some((after, kind)) = self.writes_fail_from
            && done >= after
        {
            return Err(kind.into());
        }
        if let Some(&(after, kind)) = self.write_errors.first()
            && done >= after
        {
            self.write_errors.remove(0);
            return Err(kind.into());
        }
        let mut take = bytes.len();
        if let Some(limit) = self.write_limit {
            take = take.min(limit);
        }
        // Stop short of the next scripted error, so that it strikes right
        // after its number of bytes.
        let next_error = self.write_errors.first().map(|&(after, _)| after);
        let forever = self.writes_fail_from.map(|(after, _)| after);
        if let Some(after) = next_error.into_iter().chain(forever).min() {
            take = take.min(after - done);
        }
        self.written.extend_from_slice(&bytes[..take]);
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(stream: &mut Stream) -> (Vec<Vec<u8>>, Option<ErrorKind>) {
        let mut pieces = Vec::new();
        let mut buffer = [0u8; 8];
        for _ in 0..100 {
            match stream.read(&mut buffer) {
                Ok(0) => return (pieces, None),
                Ok(n) => pieces.push(buffer[..n].to_vec()),
                Err(e) => return (pieces, Some(e.kind())),
            }
        }
        panic!("the stream never ended");
    }

    #[test]
    fn reads_fill_the_buffer_then_end() {
        let mut stream = Stream::new(b"0123456789");
        let (pieces, error) = read_all(&mut stream);
        assert_eq!(pieces, vec![b"01234567".to_vec(), b"89".to_vec()]);
        assert_eq!(error, None);
    }

    #[test]
    fn pieces_go_round() {
        let mut stream = Stream::new(b"abcdefg").in_pieces(&[1, 2]);
        let (pieces, _) = read_all(&mut stream);
        let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        assert_eq!(pieces, [&b"a"[..], b"bc", b"d", b"ef", b"g"]);
    }

    #[test]
    fn a_read_error_comes_at_its_place_once() {
        let mut stream =
            Stream::new(b"abcd").fail_read_at(2, ErrorKind::Interrupted);
        let mut buffer = [0u8; 8];
        assert_eq!(stream.read(&mut buffer).ok(), Some(2));
        let error = stream.read(&mut buffer).err().map(|e| e.kind());
        assert_eq!(error, Some(ErrorKind::Interrupted));
        assert_eq!(stream.read(&mut buffer).ok(), Some(2));
        assert_eq!(stream.read(&mut buffer).ok(), Some(0));
    }

    #[test]
    fn the_end_can_be_an_error() {
        let mut stream = Stream::new(b"ab").then_fail(ErrorKind::TimedOut);
        let (pieces, error) = read_all(&mut stream);
        assert_eq!(pieces, vec![b"ab".to_vec()]);
        assert_eq!(error, Some(ErrorKind::TimedOut));
    }

    #[test]
    fn short_writes_and_write_errors() {
        let mut stream = Stream::new(b"")
            .write_at_most(2)
            .fail_write_at(4, ErrorKind::Interrupted)
            .writes_fail_from(6, ErrorKind::BrokenPipe);
        assert_eq!(stream.write(b"hello").ok(), Some(2));
        assert_eq!(stream.write(b"llo").ok(), Some(2));
        let kind = stream.write(b"o!").err().map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::Interrupted));
        assert_eq!(stream.write(b"o!").ok(), Some(2));
        let kind = stream.write(b"more").err().map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::BrokenPipe));
        assert_eq!(stream.written(), b"hello!");
        assert_eq!(stream.writes(), 5);
    }

    #[test]
    fn parts_keep_apart() {
        let parts: [&[u8]; 4] = [b"ab", b"", b"cde", b"f"];
        let mut stream = Stream::apart(parts);
        assert_eq!(stream.unread(), 6);
        let (pieces, error) = read_all(&mut stream);
        let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        assert_eq!(pieces, [&b"ab"[..], b"cde", b"f"]);
        assert_eq!(error, None);
        // A part longer than the buffer takes several reads.
        let mut long = Stream::apart(["0123456789abc", "d"]);
        let (pieces, _) = read_all(&mut long);
        let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        assert_eq!(pieces, [&b"01234567"[..], b"89abc", b"d"]);
        // No parts at all: the end at once.
        let mut empty = Stream::apart(Vec::<Vec<u8>>::new());
        assert_eq!(read_all(&mut empty), (Vec::new(), None));
    }

    #[test]
    fn parts_with_sizes_and_errors() {
        let mut stream = Stream::apart(["Ann", "exit"])
            .in_pieces(&[2])
            .fail_read_at(0, ErrorKind::Interrupted)
            .fail_read_at(3, ErrorKind::WouldBlock)
            .fail_read_at(3, ErrorKind::Interrupted);
        let mut seen = Vec::new();
        let mut buffer = [0u8; 8];
        for _ in 0..20 {
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    seen.push(String::from_utf8_lossy(&buffer[..n]).into())
                }
                Err(e) => seen.push(format!("{:?}", e.kind())),
            }
        }
        let wanted = [
            "Interrupted",
            "An",
            "n",
            "WouldBlock",
            "Interrupted",
            "ex",
            "it",
        ];
        assert_eq!(seen, wanted);
    }

    #[test]
    fn a_write_stops_short_of_a_scripted_error() {
        let mut stream =
            Stream::new(b"").fail_write_at(4, ErrorKind::Interrupted);
        assert_eq!(stream.write(b"abcdefgh").ok(), Some(4));
        let kind = stream.write(b"efgh").err().map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::Interrupted));
        assert_eq!(stream.write(b"efgh").ok(), Some(4));
        assert_eq!(stream.written(), b"abcdefgh");
        // A peer gone after 5 bytes: write_all gets those 5 out, then
        // the error, every time.
        let mut gone =
            Stream::new(b"").writes_fail_from(5, ErrorKind::BrokenPipe);
        let kind = gone.write_all(b"Hello, Ann!\n").err().map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::BrokenPipe));
        assert_eq!(gone.written(), b"Hello");
        let kind = gone.write(b"more").err().map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::BrokenPipe));
    }

    #[test]
    fn write_all_survives_short_writes_and_interruptions() {
        let mut stream = Stream::new(b"")
            .write_at_most(3)
            .fail_write_at(3, ErrorKind::Interrupted);
        stream.write_all(b"Hello, Tracy!").expect("write_all");
        assert_eq!(stream.written(), b"Hello, Tracy!");
    }
}
