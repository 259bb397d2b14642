//! Exercises for chapter 3: a TCP server with one thread per client.
//!
//! Check them with: cargo test -p exercises --test lesson03

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::thread::JoinHandle;

// ANCHOR: reply_to
/// Exercise 3.1 ★: Answer one message of the tutorial protocol.
///
/// The server's answer to one message (the bytes of one
/// read), or `None` when the conversation should end.
///
/// - First strip one trailing line end, `"\n"` or `"\r\n"`, if there is
///   one: it is not part of the name.
/// - `exit` ends the conversation: return `None`.
/// - Bytes that are not UTF-8 get
///   `"Error: that was not UTF-8 text, so not a name."`.
/// - Any other text NAME gets `"Hello, NAME!"`.
///
/// Add `"\n"` to the answer exactly when you stripped a line end, so
/// netcat users see lines and the tutorial's client sees none.
pub fn reply_to(message: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(message);
    todo!("Exercise 3.1: the reply to the message {text:?}")
}
// ANCHOR_END: reply_to

// ANCHOR: serve_connection
/// Exercise 3.2 ★★: Hold a whole conversation over any Read + Write.
///
/// One whole conversation over any stream, socket or not.
///
/// Write `Welcome!`, then repeat: read once into a 1024-byte buffer;
/// 0 bytes means the client closed, so stop; otherwise pass the bytes
/// read to [`reply_to`], stop on `None`, write the answer otherwise.
/// A read that fails with `ErrorKind::Interrupted` is retried; any other
/// error is returned. Return how many answers you wrote.
pub fn serve_connection<S: Read + Write>(stream: &mut S) -> io::Result<usize> {
    todo!("Exercise 3.2: greet, then answer each read until exit or EOF")
}
// ANCHOR_END: serve_connection

// ANCHOR: spawn_counted
/// Exercise 3.3 ★★: Count running threads, even when one panics.
///
/// Start `work` on a new thread, keeping `active` equal to
/// the number of such threads still running.
///
/// Increment `active` before the thread starts (so the count is right
/// the moment this function returns), and decrement it when `work` ends,
/// *even if `work` panics*. Hint: a value whose `Drop` decrements, moved
/// into the thread, runs its `drop` during a panic too.
pub fn spawn_counted<F>(active: &Arc<AtomicUsize>, work: F) -> JoinHandle<()>
where
    F: FnOnce() + Send + 'static,
{
    todo!("Exercise 3.3: run the work on a thread counted in {active:?}")
}
// ANCHOR_END: spawn_counted

// ANCHOR: port_from_args
/// Exercise 3.4 ★: Read the port from the command line.
///
/// The port to listen on, from command-line arguments.
///
/// `--port N` or `--port=N` sets it; without either, the port is 9999.
/// N must be plain decimal digits for a number from 0 to 65535. Return
/// `Err` with a one-line message naming the problem when `--port` has no
/// value or a bad one. Arguments other than `--port` are ignored; if
/// `--port` appears more than once, the last one counts.
pub fn port_from_args(args: &[&str]) -> Result<u16, String> {
    todo!("Exercise 3.4: find the port in {args:?} (default 9999)")
}
// ANCHOR_END: port_from_args
