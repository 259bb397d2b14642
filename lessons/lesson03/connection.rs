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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::io::Cursor;

    /// A stream that replays `input` a chunk at a time and records what
    /// was written.
    struct Script {
        chunks: Vec<Vec<u8>>,
        written: Vec<u8>,
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.chunks.is_empty() {
                return Ok(0);
            }
            let chunk = self.chunks.remove(0);
            buf[..chunk.len()].copy_from_slice(&chunk);
            Ok(chunk.len())
        }
    }

    impl Write for Script {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn run(chunks: &[&[u8]]) -> (ConversationEnd, String, Vec<String>) {
        let mut script = Script {
            chunks: chunks.iter().map(|c| c.to_vec()).collect(),
            written: Vec::new(),
        };
        let lines = RefCell::new(Vec::new());
        let log = |line: &str| lines.borrow_mut().push(line.to_string());
        let ending = converse(&mut script, Duration::ZERO, &log).unwrap();
        let written = String::from_utf8(script.written).unwrap();
        (ending, written, lines.into_inner())
    }

    #[test]
    fn the_tutorial_session() {
        let (ending, written, log) =
            run(&[b"Michael", b"Tracy", b"Sarah", b"exit"]);
        assert_eq!(ending, ConversationEnd::Exit);
        assert_eq!(
            written,
            "Welcome!Hello, Michael!Hello, Tracy!Hello, Sarah!"
        );
        assert!(log.is_empty());
    }

    #[test]
    fn netcat_lines_closed_stream_and_bad_bytes() {
        let (ending, written, log) = run(&[b"Bob\n", b"\xc3\x28\n"]);
        assert_eq!(ending, ConversationEnd::Closed);
        assert_eq!(
            written,
            "Welcome!Hello, Bob!\n\
             Error: that was not UTF-8 text, so not a name.\n"
        );
        assert_eq!(log, ["sent 3 bytes that are not UTF-8 text"]);
    }

    /// One read is one message, so a name that trickles in a byte at a
    /// time is greeted byte by byte: the framing's weakness, pinned.
    #[test]
    fn one_byte_per_read_is_one_message_per_byte() {
        let (ending, written, _) = run(&[b"A", b"n", b"n"]);
        assert_eq!(ending, ConversationEnd::Closed);
        assert_eq!(written, "Welcome!Hello, A!Hello, n!Hello, n!");
        // A multi-byte character split across reads is not text.
        let li = "李".as_bytes();
        let (_, written, log) = run(&[&li[..1], &li[1..]]);
        assert!(written.starts_with("Welcome!Error: that was not UTF-8"));
        assert_eq!(log.len(), 2);
    }

    #[test]
    fn an_oversized_message_ends_the_conversation() {
        let big = vec![b'x'; BUFFER_SIZE];
        let (ending, written, _) = run(&[&big, b"Alice"]);
        assert_eq!(ending, ConversationEnd::TooLong);
        assert_eq!(written, format!("Welcome!{TOO_LONG_REPLY}"));
    }

    #[test]
    fn errors_pass_through() {
        struct Reset;
        impl Read for Reset {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(ErrorKind::ConnectionReset.into())
            }
        }
        impl Write for Reset {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let error = converse(&mut Reset, Duration::ZERO, &|_| {}).unwrap_err();
        let idle = Duration::from_secs(5);
        assert_eq!(describe_error(&error, idle), "reset by the client");
        let timeout = io::Error::from(ErrorKind::WouldBlock);
        assert_eq!(describe_error(&timeout, idle), "idle for 5 s, timed out");
        // A cursor is a Read + Write too; reading it from the end is EOF.
        let mut cursor = Cursor::new(Vec::new());
        assert_eq!(
            converse(&mut cursor, Duration::ZERO, &|_| {}).unwrap(),
            ConversationEnd::Closed
        );
    }
}
