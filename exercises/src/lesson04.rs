//! Exercises for chapter 4: ending a conversation.
//!
//! Check them with: cargo test -p exercises --test lesson04

use std::io::{self, BufRead, ErrorKind};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

// ANCHOR: Lines
/// What `Lines::next_line` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// One line, without its line ending.
    Text(Vec<u8>),
    /// A line longer than the limit. The rest of it is skipped.
    TooLong,
    /// The stream has ended.
    End,
}

/// Exercise 4.1 ★★: Read lines, and skip a line that is too long.
///
/// The chapter's server closes the connection when a line is too long.
/// This reader lets the conversation go on: it reports the long line,
/// throws the rest of it away without keeping it, and carries on with
/// the next line. Each call of `next_line` returns one `Line`:
///
/// - A line ends at `\n`. Return its bytes without the `\n`, and without
///   the one `\r` just before it, if there is one: `"a\r\r\n"` is the
///   line `"a\r"`. A `\r` anywhere else is part of the line.
/// - When the stream ends (`fill_buf` gives no bytes), bytes of a line
///   still pending are the last line, returned as they are (no `\n`
///   came, so a `\r` at their end stays). Then `End`.
/// - A line whose text (without its ending) is longer than `max_len`
///   bytes is too long: return `TooLong` as soon as you know, and never
///   keep more than `max_len + 1` bytes of a line (the one extra byte
///   is a `\r` that may turn out to be part of the ending). The next
///   call skips the rest of that line, through its `\n`, and returns
///   the line after it.
/// - A read that fails with `Interrupted` is retried. Any other error
///   (`WouldBlock` or `TimedOut` from a read timeout, `ConnectionReset`)
///   is returned, and nothing is lost: the next call goes on with the
///   half line it had, or goes on skipping.
///
/// With `max_len` 10, `"1234567890\r\n"` is a line, `"12345678901\n"` is
/// `TooLong`. Use `fill_buf` and `consume`.
pub struct Lines<R> {
    #[allow(dead_code)] // until your `next_line` uses it
    reader: R,
    #[allow(dead_code)] // until your `next_line` uses it
    max_len: usize,
    // Add the fields you need, and set them in `new`.
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
/// One value of a Redis-style stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bulk {
    /// `$5\r\nhello\r\n`: the bytes `hello`.
    Value(Vec<u8>),
    /// `$-1\r\n`: no value at all.
    Null,
}

/// Why a stream of bulk strings went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkError {
    /// Not `$`, then a length, then `\r\n`.
    BadHeader,
    /// A length greater than the decoder's `max_len`.
    TooLong,
    /// The two bytes after the data are not `\r\n`.
    BadEnding,
}

/// Exercise 4.2 ★★★: Decode length-prefixed values, however they arrive.
///
/// Redis frames its values with a length instead of a line ending, so a
/// value can hold any bytes, `\r\n` included. Each message is `$`, the
/// length in decimal, `\r\n`, exactly that many bytes of data, and
/// `\r\n`: `$5\r\nhello\r\n` is `hello`, and `$0\r\n\r\n` is an empty
/// value. `$-1\r\n` (nothing after it) is `Null`.
///
/// `push` takes the next piece of the stream, cut anywhere, and returns
/// the results of the messages that piece completes, in order. Bytes of
/// an unfinished message wait for the next push. The rules:
///
/// - The length is `-1`, or decimal digits with no sign, no space and no
///   leading zero (`0` alone is fine). It is followed by exactly `\r\n`.
///   Anything else, or a message that does not start with `$`, is
///   `BadHeader`: `$+5`, `$ 5`, `$05`, `$-2`, `$5\n`.
/// - A length greater than `max_len` is `TooLong`.
/// - After the data, the next two bytes must be `\r\n`: else `BadEnding`.
/// - Report an error as soon as the bytes so far show it (`$100` with a
///   `max_len` of 16 is `TooLong` before its `\r\n` comes). After an
///   error the stream is out of step: that push ends with the error, and
///   every later push returns just `[Err(that error)]`.
pub struct BulkDecoder {
    #[allow(dead_code)] // until your `push` uses it
    max_len: usize,
    // Add the fields you need, and set them in `new`.
}

impl BulkDecoder {
    pub fn new(max_len: usize) -> BulkDecoder {
        BulkDecoder { max_len }
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Bulk, BulkError>> {
        todo!(
            "Exercise 4.2: push {} and return the values it completes",
            bytes.escape_ascii()
        )
    }
}
// ANCHOR_END: BulkDecoder

// ANCHOR: ask_and_read_to_end
/// Exercise 4.3 ★★: Send a request, half-close, read the answer to EOF.
///
/// Some servers know a request is complete only when its stream ends.
/// Connect to `address`, send all of `request`, then `shutdown(Write)`:
/// your FIN tells the server "that was everything", and you can still
/// read. Read the answer until the server closes (`read` returns 0) and
/// return all of it.
///
/// The whole exchange, connecting included, must end within `limit`:
/// one deadline, not a fresh `limit` for each step. A server that sends
/// a byte every 40 ms never trips a read timeout of `limit`, so give
/// each step only the time that is left (`connect_timeout`, then
/// `set_read_timeout` before each read). When time runs out, return an
/// error of kind `TimedOut` (a read timeout says `WouldBlock` on Unix:
/// turn it into `TimedOut`). Retry `Interrupted`; return any other error
/// as it is (`ConnectionRefused`, `ConnectionReset`).
pub fn ask_and_read_to_end(
    address: SocketAddr,
    request: &[u8],
    limit: Duration,
) -> io::Result<Vec<u8>> {
    todo!(
        "Exercise 4.3: send {} to {address}, half-close, and read the \
         answer to its end within {limit:?}",
        request.escape_ascii()
    )
}
// ANCHOR_END: ask_and_read_to_end

// ANCHOR: AfterReset
/// Exercise 4.4 ★: Say what each read and write reports after an RST.
///
/// A model of a socket on Linux just after the peer's RST arrived, with
/// nothing left to read. Each call returns what the real `read` or
/// `write` would: `Ok(0)` for a read that finds the end of the stream,
/// or the kind of the error.
///
/// - The reset is reported once: the first call, read or write, fails
///   with `ConnectionReset`.
/// - After that, every read returns `Ok(0)` and every write fails with
///   `BrokenPipe`.
/// - If the peer's FIN had arrived before its RST (`fin_came_first`),
///   nothing says `ConnectionReset`: reads return `Ok(0)` and writes fail
///   with `BrokenPipe` from the start.
pub struct AfterReset {
    // Add the fields you need.
}

impl AfterReset {
    pub fn new(fin_came_first: bool) -> AfterReset {
        todo!(
            "Exercise 4.4: a socket after an RST (FIN first: {fin_came_first})"
        )
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
/// Exercise 4.5 ★★: Say goodbye to the clients still in the accept queue.
///
/// When a listener is closed, the connections waiting in its queue are
/// reset: those clients never hear a word. Drain the queue first:
///
/// 1. Switch `listener` to non-blocking and `accept` until it says
///    `WouldBlock` (the queue is empty). Retry `Interrupted`, skip
///    `ConnectionAborted` (a client that gave up while it waited), and
///    return any other error.
/// 2. Send each accepted client `goodbye` and `\n`, then
///    `shutdown(Write)`. (Make each accepted stream blocking: on some
///    systems it inherits the listener's non-blocking mode.)
/// 3. Close the listener, then read and drop what each client sends
///    until its end of stream (its FIN), so that closing sends FIN and
///    not RST. One `grace` period, counted from the start, bounds all
///    of this: a client that never closes, or keeps sending, is simply
///    closed when it is over.
///
/// Return how many clients were accepted.
pub fn drain_and_close(
    listener: TcpListener,
    goodbye: &str,
    grace: Duration,
) -> io::Result<usize> {
    todo!(
        "Exercise 4.5: tell each queued client {goodbye:?} and close, \
         within {grace:?}"
    )
}
// ANCHOR_END: drain_and_close
