//! Exercises for chapter 3: a TCP server with one thread per client.
//!
//! Check them with: cargo test -p exercises --test lesson03

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

// ANCHOR: parse_target
/// Exercise 3.1 ★: Read a client's target "HOST:PORT", IPv6 included.
///
/// Split the server a client should connect to into host and port.
///
/// - `"HOST:PORT"` gives `(HOST, PORT)`; `"HOST"` alone gives port 9999.
/// - An IPv6 address goes in brackets, `"[::1]:8080"` or `"[::1]"`; the
///   result holds it without them: `("::1", 8080)`. What is inside the
///   brackets must be an IPv6 address (`str::parse::<Ipv6Addr>` decides),
///   and only `":PORT"` may follow the `]`.
/// - Without brackets, a second `:` is an error: is `"::1"` the address
///   `::1`, or host `:` port 1? Ask for brackets instead.
/// - The host must not be empty, nor contain whitespace, `[` or `]`.
/// - PORT is one to five ASCII digits for a number from 1 to 65535.
///   Port 0 means "any free port" to a server, but a client cannot
///   connect to it. `"+80"` and `" 80"` are not ports (careful:
///   `"+80".parse::<u16>()` is `Ok(80)`).
///
/// Errors are one line that says what is wrong.
pub fn parse_target(target: &str) -> Result<(String, u16), String> {
    todo!("Exercise 3.1: split the target {target:?} into host and port")
}
// ANCHOR_END: parse_target

// ANCHOR: converse_with_memory
/// Exercise 3.2 ★★: Greet returning names, with counts shared by threads.
///
/// The chapter's conversation, with a memory shared by every connection's
/// thread: `visits` maps each name to how many times it was greeted.
///
/// - Write `Welcome!`. Then each read (into a 1024-byte buffer) is one
///   message. 0 bytes: the client closed, return. A read that fails with
///   `ErrorKind::Interrupted` is retried; any other error is returned.
/// - Strip one trailing `"\n"` or `"\r\n"`, and add `"\n"` to the
///   answer exactly when you stripped one.
/// - `exit` ends the conversation.
/// - Bytes that are not UTF-8 get
///   `"Error: that was not UTF-8 text, so not a name."` and are not
///   counted.
/// - A NAME greeted for the first time gets `"Hello, NAME!"`; the next
///   times `"Hello again, NAME! (visit N)"`, N counting this one (2, 3...).
/// - Write every answer whole: a socket may take part of a write.
/// - Hold the lock only to count, never while you write: a client that
///   reads slowly must not stall everybody else's conversation.
/// - If another thread panicked while holding the lock, the `Mutex` is
///   *poisoned*: take the map anyway and go on counting.
///
/// Return how many answers you wrote.
pub fn converse_with_memory<S: Read + Write>(
    stream: &mut S,
    visits: &Mutex<HashMap<String, u32>>,
) -> io::Result<usize> {
    todo!("Exercise 3.2: greet, then answer each read, counting visits")
}
// ANCHOR_END: converse_with_memory

// ANCHOR: Limit
/// Exercise 3.3 ★★: Admit at most N clients at once; turn the rest away.
///
/// A limit on how many connections are served at once, shared by
/// cloning. `try_enter` takes a free slot and returns a [`Pass`] for
/// it, or `None` when all `max` slots are taken; checking and taking
/// must be one step, or two threads could both take the last slot.
/// Dropping the `Pass` frees its slot (give `Pass` a `Drop`), so the slot
/// comes back even when the handler holding it panics. `inside` says how
/// many slots are taken.
#[derive(Debug, Clone)]
pub struct Limit {
    #[allow(dead_code)] // until your code uses them
    inside: Arc<AtomicUsize>,
    #[allow(dead_code)]
    max: usize,
}

/// One taken slot of a [`Limit`]; dropping it frees the slot.
#[derive(Debug)]
pub struct Pass {
    #[allow(dead_code)]
    inside: Arc<AtomicUsize>,
}

impl Limit {
    pub fn new(max: usize) -> Limit {
        todo!("Exercise 3.3: a limit of {max} clients at once")
    }

    pub fn try_enter(&self) -> Option<Pass> {
        todo!("Exercise 3.3: take a slot of {self:?} if one is free")
    }

    pub fn inside(&self) -> usize {
        todo!("Exercise 3.3: how many slots of {self:?} are taken")
    }
}

/// What a client hears when every slot is taken.
pub const BUSY: &str = "Busy: try again later.\n";

/// Admit a new connection: with a free slot, run `handler(stream)` on a
/// new thread that holds the slot's `Pass` until the handler ends, and
/// return that thread's handle. Without one, write all of [`BUSY`] to
/// the stream (ignore a write error: we are closing anyway), drop the
/// stream, which closes the connection, and return `None`.
pub fn admit<S, F>(
    limit: &Limit,
    stream: S,
    handler: F,
) -> Option<JoinHandle<()>>
where
    S: Write + Send + 'static,
    F: FnOnce(S) + Send + 'static,
{
    todo!("Exercise 3.3: admit a client within {limit:?}, or turn it away")
}
// ANCHOR_END: Limit

// ANCHOR: serve_n
/// How long a client may keep a handler waiting, reading or writing.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Exercise 3.4 ★★: Serve exactly n clients at once, then collect results.
///
/// Accept exactly `n` connections from `listener`, no more. Give each a
/// read and a write timeout of [`CLIENT_TIMEOUT`], then run
/// `handler(stream)` on a thread of its own, so that all `n` handlers run
/// at the same time. When `n` are accepted, wait for every thread and
/// return their results in the order the connections were accepted:
/// `Ok(value)`, or `Err(message)` for a handler that panicked, with its
/// panic message (`panic!("boom")` gives `"boom"`; a payload that is not
/// text gives `"a panic without a message"`).
///
/// If `accept` (or setting a timeout) fails, stop accepting, still wait
/// for the threads already started, and then return that error.
pub fn serve_n<T, F>(
    listener: &TcpListener,
    n: usize,
    handler: F,
) -> io::Result<Vec<Result<T, String>>>
where
    T: Send + 'static,
    F: Fn(TcpStream) -> T + Send + Sync + 'static,
{
    todo!("Exercise 3.4: accept {n} clients, a thread each, join them all")
}
// ANCHOR_END: serve_n

// ANCHOR: talk
/// Why [`talk`] gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TalkError {
    /// A name the protocol cannot carry: empty (a write of nothing sends
    /// nothing, so no answer would come) or `exit`.
    BadName(String),
    /// The server closed the connection before the whole answer came.
    Closed,
    /// The server sent other bytes than the ones expected: `got` is
    /// what was read of this answer so far, decoded lossily.
    Unexpected { wanted: String, got: String },
    /// The time limit ran out, or a read or write timed out.
    TimedOut,
    /// Any other I/O error.
    Io(ErrorKind),
}

/// Exercise 3.5 ★★★: A client that copes with the stream, with a deadline.
///
/// Hold the tutorial's conversation as the client: read `Welcome!`; for
/// each name, send it and read `Hello, NAME!`; then send `exit`. Return
/// the replies. TCP keeps no message boundaries, so one read may bring
/// part of an answer, or an answer and the next one glued together. You
/// know how long each answer is: read exactly that many bytes, never
/// more.
///
/// - Refuse bad names with [`TalkError::BadName`] before sending anything.
/// - Compare each piece as it arrives: as soon as the bytes read stop
///   matching, return [`TalkError::Unexpected`] (do not wait for bytes
///   that may never come).
/// - `limit` bounds the whole conversation: check the time before every
///   read and write, and return `TimedOut` once it has run out, even
///   while the server is still sending, one slow byte at a time.
/// - Read errors: `Interrupted` is retried; `WouldBlock` or `TimedOut`
///   (what a socket's read timeout gives) mean `TimedOut`; others are
///   `Io(kind)`. 0 bytes is `Closed`. The same for write errors.
/// - Send each name whole.
pub fn talk<S: Read + Write>(
    stream: &mut S,
    names: &[&str],
    limit: Duration,
) -> Result<Vec<String>, TalkError> {
    todo!("Exercise 3.5: talk to the server, sending the names {names:?}")
}
// ANCHOR_END: talk
