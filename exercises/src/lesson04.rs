//! Exercises for chapter 4: ending a conversation.
//!
//! Check them with: cargo test -p exercises --test lesson04

use std::io::{self, BufRead};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::AtomicBool;

// ANCHOR: read_line_limited
/// What `read_line_limited` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineRead {
    /// One line, without its `\n` and without a `\r` just before it.
    Line(Vec<u8>),
    /// The line is longer than the limit (not counting `\r\n`).
    TooLong,
    /// The stream ended, with no partial line left over.
    End,
}

/// Exercise 4.1 ★★: Read one line, with a length limit.
///
/// Read the next line from `reader`, at most `max_len`
/// bytes long (not counting the line ending).
///
/// - Bytes up to a `\n` are one line: return them without the `\n`, and
///   without a `\r` right before it.
/// - If the stream ends after some bytes but before a `\n`, those bytes
///   are a last line. If it ends with nothing pending, return `End`.
/// - If a line is longer than `max_len`, return `TooLong`, and do not
///   read more than `max_len + 2` bytes of it: a client that never sends
///   `\n` must not make you read (and buffer) forever.
/// - Retry a read that fails with `ErrorKind::Interrupted`; return any
///   other error.
///
/// Use `fill_buf` and `consume`: they let you look at what is buffered,
/// and take only the bytes you use.
pub fn read_line_limited(
    reader: &mut impl BufRead,
    max_len: usize,
) -> io::Result<LineRead> {
    todo!(
        "Exercise 4.1: read one line of at most {max_len} bytes from the reader"
    )
}
// ANCHOR_END: read_line_limited

// ANCHOR: classify_read
/// What one `read` on a connected socket tells you.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    /// Some bytes arrived (how many).
    Data(usize),
    /// `Ok(0)`: the peer closed its sending side (its FIN arrived).
    Closed,
    /// The peer is gone: `ConnectionReset`, `ConnectionAborted`, or
    /// `BrokenPipe`.
    Reset,
    /// The read timeout expired: `WouldBlock` (Unix) or `TimedOut`
    /// (Windows). The connection is still fine.
    TimedOut,
    /// `Interrupted` by a signal: just read again.
    Retry,
    /// Any other error.
    Failed,
}

/// Exercise 4.2 ★: Say what a read result means for a conversation.
///
/// Classify the result of a `read` on a TCP socket.
pub fn classify_read(result: &io::Result<usize>) -> ReadOutcome {
    todo!("Exercise 4.2: classify the read result {result:?}")
}
// ANCHOR_END: classify_read

// ANCHOR: wake_accept
/// Exercise 4.3 ★★: Wake a thread blocked in accept.
///
/// Wake up a thread blocked in `accept` on a listener
/// bound to `listening_on`, by connecting to it (then closing at once).
///
/// A listener bound to every interface (`0.0.0.0` or `::`) is reached
/// through loopback (`127.0.0.1` or `::1`) on the same port. Return the
/// address you connected to. Give up after one second.
pub fn wake_accept(listening_on: SocketAddr) -> io::Result<SocketAddr> {
    todo!(
        "Exercise 4.3: connect to the listener on {listening_on} to wake its accept"
    )
}
// ANCHOR_END: wake_accept

// ANCHOR: accept_until_stopped
/// Exercise 4.4 ★★: Accept connections until asked to stop.
///
/// Accept connections on `listener` and hand each one to
/// `serve`, until `stop` is set; then return how many were served.
///
/// Check `stop` each time `accept` returns: the connection that woke you
/// may be the one sent to unblock you (see 4.3), so once `stop` is set,
/// drop that connection instead of serving it. Return an error from
/// `accept` as it is.
pub fn accept_until_stopped(
    listener: &TcpListener,
    stop: &AtomicBool,
    serve: impl FnMut(TcpStream),
) -> io::Result<usize> {
    todo!(
        "Exercise 4.4: accept connections, serving each, until the stop flag is set"
    )
}
// ANCHOR_END: accept_until_stopped

// ANCHOR: framer
/// Exercise 4.5 ★★★: Cut a byte stream into newline-ended messages.
///
/// Cut a byte stream into `\n`-terminated messages, however
/// the bytes are split into pieces.
///
/// `push` takes the next piece of the stream and returns the messages it
/// completed, in order: the text before each `\n`, without a `\r` just
/// before it, decoded with `String::from_utf8_lossy`. Bytes after the
/// last `\n` wait in `pending` for the next piece. So pushing
/// `"Michael\nexit\n"` returns `["Michael", "exit"]`, and pushing `"Mich"`
/// then `"ael\n"` returns `[]` then `["Michael"]`. A character split
/// between two pieces must come out whole.
#[derive(Debug, Default)]
pub struct Framer {
    #[allow(dead_code)] // until your `push` uses it
    pending: Vec<u8>,
}

impl Framer {
    pub fn new() -> Framer {
        Framer::default()
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        todo!(
            "Exercise 4.5: push {bytes:?} and return the messages it completes"
        )
    }
}
// ANCHOR_END: framer
