//! Exercises for chapter 4: ending a conversation.
//!
//! Check them with: cargo test -p exercises --test lesson04

use std::io::{self, BufRead, ErrorKind};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

// ANCHOR: Lines
/// A line without its ending, a line over the limit, or the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

/// Exercise 4.1 ★★: Read lines, and skip a line that is too long.
///
/// - A line ends at `\n`: return it without the `\n` and without the
///   one `\r` just before it, if any (`"a\r\r\n"` is `"a\r"`).
/// - At the end of the stream, pending bytes are a last line, as they
///   are (no `\n` came: a final `\r` stays). Then `End`.
/// - A line longer than `max_len` (its ending not counted) is `TooLong`,
///   said as soon as you know: never keep more than `max_len + 1` bytes
///   (the extra one may be a `\r` of the ending). The next call skips
///   the rest of that line, through its `\n`, keeping none of it.
/// - Retry `Interrupted`. Return any other error (a read timeout, a
///   reset) and lose nothing: the next call goes on with the half line,
///   or goes on skipping.
#[allow(dead_code)] // until your `next_line` uses the fields
pub struct Lines<R> {
    reader: R,
    max_len: usize, // add the fields you need, and set them in `new`
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R, max_len: usize) -> Lines<R> {
        Lines { reader, max_len }
    }

    pub fn next_line(&mut self) -> io::Result<Line> {
        todo!("Exercise 4.1: return the next line, TooLong, or End")
    }
}
// ANCHOR_END: Lines

// ANCHOR: BulkDecoder
/// A value (`$5\r\nhello\r\n`), or no value at all (`$-1\r\n`).
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

/// Exercise 4.2 ★★★: Decode length-prefixed values, however they arrive.
///
/// A message is `$`, the length, `\r\n`, that many bytes of data (any
/// bytes, `\r\n` too), `\r\n`; `$0\r\n\r\n` is empty, and `$-1\r\n`
/// is `Null`. `push` takes the next piece of the stream, cut anywhere,
/// and returns the results of the messages it completes, in order.
///
/// - `BadHeader`: no `$` first; a length other than `-1` or digits with
///   no sign, space or leading zero (`$+5`, `$ 5`, `$05`, `$-2`); a
///   length not followed by exactly `\r\n` (`$5\n`).
/// - `TooLong`: a length over `max_len`. `BadEnding`: the two bytes
///   after the data are not `\r\n`.
/// - Say an error as soon as the bytes so far show it (`$100` with a
///   `max_len` of 16, before its `\r\n`). That push ends with it, and
///   every later push returns just `[Err(that error)]`.
#[allow(dead_code)] // until your `push` uses the fields
pub struct BulkDecoder {
    max_len: usize, // add the fields you need, and set them in `new`
}

impl BulkDecoder {
    pub fn new(max_len: usize) -> BulkDecoder {
        BulkDecoder { max_len }
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Bulk, BulkError>> {
        todo!("Exercise 4.2: decode {}", bytes.escape_ascii())
    }
}
// ANCHOR_END: BulkDecoder

// ANCHOR: ask_and_read_to_end
/// Exercise 4.3 ★★: Send a request, half-close, read the answer to EOF.
///
/// Connect to `address`, send all of `request`, `shutdown(Write)`, and
/// read until the server closes; return everything it sent.
///
/// The whole exchange, connecting included, ends within `limit`: give
/// each step only the time left (`connect_timeout`, a read timeout set
/// before each read). When time runs out, fail with `TimedOut` (on Unix
/// a read timeout says `WouldBlock`: turn it into `TimedOut`). Retry
/// `Interrupted`; return other errors as they are.
pub fn ask_and_read_to_end(
    address: SocketAddr,
    request: &[u8],
    limit: Duration,
) -> io::Result<Vec<u8>> {
    let request = request.escape_ascii();
    todo!("Exercise 4.3: send \"{request}\" to {address} in {limit:?}")
}
// ANCHOR_END: ask_and_read_to_end

// ANCHOR: AfterReset
/// Exercise 4.4 ★: Say what each read and write reports after an RST.
///
/// A socket on Linux just after the peer's RST arrived, nothing left to
/// read. Each call returns what a real `read` or `write` would: `Ok(0)`
/// for the end of the stream, or the error's kind. The first call, read
/// or write, fails with `ConnectionReset`; after it, reads give `Ok(0)`
/// and writes `BrokenPipe`. If the peer's FIN came before its RST
/// (`fin_came_first`), it is `Ok(0)` and `BrokenPipe` from the start.
pub struct AfterReset {} // add the fields you need

impl AfterReset {
    pub fn new(fin_came_first: bool) -> AfterReset {
        todo!("Exercise 4.4: after an RST (FIN first: {fin_came_first})")
    }

    pub fn read(&mut self) -> Result<usize, ErrorKind> {
        todo!("Exercise 4.4: what a read reports now")
    }

    pub fn write(&mut self) -> Result<usize, ErrorKind> {
        todo!("Exercise 4.4: what a write reports now")
    }
}
// ANCHOR_END: AfterReset

// ANCHOR: drain_and_close
/// Exercise 4.5 ★★: Say goodbye to the clients in the accept queue.
///
/// 1. Switch `listener` to non-blocking and `accept` until it fails:
///    `WouldBlock` says the queue is empty (any error ends this step).
/// 2. Make each stream blocking (some systems pass the mode on), send it
///    `goodbye` and `\n`, and `shutdown(Write)`.
/// 3. Close the listener; read and drop what each client sends until its
///    FIN, so that closing sends FIN, not RST. One `grace` period from
///    the start bounds it all: a client still open then is just closed.
///
/// Return how many clients were accepted.
pub fn drain_and_close(
    listener: TcpListener,
    goodbye: &str,
    grace: Duration,
) -> io::Result<usize> {
    todo!("Exercise 4.5: tell each queued client {goodbye:?}, in {grace:?}")
}
// ANCHOR_END: drain_and_close
