//! One conversation with one client, over any `Read + Write`.
//!
//! The loop does not know it talks to a socket: tests drive it with
//! in-memory streams, and the server hands it a `TcpStream`.

use std::io::{self, ErrorKind, Read, Write};
use std::thread;
use std::time::Duration;

use super::protocol::{
    BUFFER_SIZE, Message, TOO_LONG_REPLY, WELCOME, classify, ends_with_newline,
    not_utf8_reply, reply,
};

/// How a conversation ended, when it ended the way the protocol allows.
/// (Timeouts and resets come back as an `io::Error` instead.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationEnd {
    /// The client sent `exit`.
    Exit,
    /// The client closed its side: `read` returned 0 bytes.
    Closed,
    /// The client sent a message that filled the whole buffer.
    TooLong,
}

// ANCHOR: converse
/// Greets the client, then answers each message until `exit`, the end
/// of the stream, or an oversized message. `pause` is the tutorial's
/// `time.sleep(1)` per message (zero by default). `log` receives a line
/// for anything unusual, such as bytes that are not text.
pub fn converse<S: Read + Write>(
    stream: &mut S,
    pause: Duration,
    log: &dyn Fn(&str),
) -> io::Result<ConversationEnd> {
    stream.write_all(WELCOME)?;
    // One buffer for the whole conversation: a client cannot make us
    // allocate more than this, however much it sends.
    let mut buffer = [0u8; BUFFER_SIZE];
    loop {
        let n = read_retrying(stream, &mut buffer)?;
        if n == 0 {
            return Ok(ConversationEnd::Closed);
        }
        if !pause.is_zero() {
            thread::sleep(pause); // pretend answering takes work
        }
        let bytes = &buffer[..n];
        match classify(bytes) {
            Message::Exit => return Ok(ConversationEnd::Exit),
            Message::Name { name, newline } => {
                stream.write_all(reply(name, newline).as_bytes())?;
            }
            Message::NotUtf8 => {
                log(&format!("sent {n} bytes that are not UTF-8 text"));
                let answer = not_utf8_reply(ends_with_newline(bytes));
                stream.write_all(answer.as_bytes())?;
            }
            Message::TooLong => {
                stream.write_all(TOO_LONG_REPLY.as_bytes())?;
                return Ok(ConversationEnd::TooLong);
            }
        }
    }
}
// ANCHOR_END: converse

/// One `read`, retried if a signal interrupted it before any byte came.
fn read_retrying<R: Read>(
    reader: &mut R,
    buffer: &mut [u8],
) -> io::Result<usize> {
    loop {
        match reader.read(buffer) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}

/// Says in words why a conversation ended with an error, for the log.
pub fn describe_error(error: &io::Error, idle: Duration) -> String {
    match error.kind() {
        // A read timeout shows up as WouldBlock on Unix, TimedOut on
        // Windows: either way the client said nothing for too long.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            format!("idle for {} s, timed out", idle.as_secs())
        }
        ErrorKind::ConnectionReset => "reset by the client".to_string(),
        ErrorKind::BrokenPipe | ErrorKind::ConnectionAborted => {
            "the client went away mid-reply".to_string()
        }
        _ => format!("error: {error}"),
    }
}
