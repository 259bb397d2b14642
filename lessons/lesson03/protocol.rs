//! The tutorial's little protocol: what the server sends and answers.
//!
//! The server greets with `Welcome!`, answers a name with `Hello, NAME!`
//! and stops on `exit`. There is no delimiter: one `read` of up to
//! [`BUFFER_SIZE`] bytes is taken to be one message, exactly as the
//! tutorial's `sock.recv(1024)` does. That is what makes us compatible
//! with its Python client, and it is also this protocol's weakness (see
//! the chapter, and lesson04 for the fix).

// ANCHOR: constants
/// The first bytes the server sends on every connection. No newline: the
/// tutorial's client prints whatever one `recv` returns.
pub const WELCOME: &[u8] = b"Welcome!";

/// How many bytes one read may return, and so the longest message. The
/// tutorial's `recv(1024)`.
pub const BUFFER_SIZE: usize = 1024;

/// The message that ends a conversation.
pub const EXIT: &str = "exit";
// ANCHOR_END: constants

/// What one read from a client turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    /// A name to greet. `newline` says whether the client ended its line
    /// with `\n` or `\r\n` (netcat does, the tutorial's client does not).
    Name { name: &'a str, newline: bool },
    /// The client said `exit`.
    Exit,
    /// The bytes are not UTF-8 text, so they cannot be a name.
    NotUtf8,
    /// The read filled the whole buffer: the message may go on beyond
    /// it, and we cannot tell where it ends.
    TooLong,
}

// ANCHOR: classify
/// Reads one message: the bytes one `read` returned.
pub fn classify(bytes: &[u8]) -> Message<'_> {
    if bytes.len() >= BUFFER_SIZE {
        return Message::TooLong;
    }
    // A trailing newline is how a terminal ends a line, not part of
    // the name: strip "\n" or "\r\n" (only one of them).
    let (bytes, newline) = match bytes {
        [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n'] => (rest, true),
        _ => (bytes, false),
    };
    match std::str::from_utf8(bytes) {
        Ok(EXIT) => Message::Exit,
        Ok(name) => Message::Name { name, newline },
        Err(_) => Message::NotUtf8,
    }
}
// ANCHOR_END: classify

// ANCHOR: reply
/// The answer to a name: `Hello, NAME!`, with a newline only if the
/// client's message ended with one. The tutorial's client then prints
/// exactly what it always printed, and netcat's output stays readable.
pub fn reply(name: &str, newline: bool) -> String {
    let end = if newline { "\n" } else { "" };
    format!("Hello, {name}!{end}")
}
// ANCHOR_END: reply

/// The answer to bytes that are not UTF-8 text.
pub fn not_utf8_reply(newline: bool) -> String {
    let end = if newline { "\n" } else { "" };
    format!("Error: that was not UTF-8 text, so not a name.{end}")
}

/// The last thing a client hears before we close an oversized message.
pub const TOO_LONG_REPLY: &str =
    "Error: message too long (the limit is 1023 bytes); closing.\n";

/// Did the bytes end with a newline? (Used for bytes that are not text.)
pub fn ends_with_newline(bytes: &[u8]) -> bool {
    bytes.last() == Some(&b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_exit_and_newlines() {
        let name = |name, newline| Message::Name { name, newline };
        assert_eq!(classify(b"Michael"), name("Michael", false));
        assert_eq!(classify(b"Tracy\n"), name("Tracy", true));
        assert_eq!(classify(b"Sarah\r\n"), name("Sarah", true));
        assert_eq!(classify(b"two\n\n"), name("two\n", true));
        assert_eq!(classify(b""), name("", false));
        assert_eq!(classify(b"exit"), Message::Exit);
        assert_eq!(classify(b"exit\r\n"), Message::Exit);
        assert_eq!(classify(b"exit "), name("exit ", false));
        assert_eq!(classify(b"Michaelexit"), name("Michaelexit", false));
        assert_eq!(classify(b"\xff\xfe"), Message::NotUtf8);
        let longest = "a".repeat(1023);
        assert_eq!(classify(longest.as_bytes()), name(&longest, false));
        assert_eq!(classify(&[b'a'; 1024]), Message::TooLong);
        assert_eq!(classify("李雷".as_bytes()), name("李雷", false));
        // Half of a multi-byte character is not text on its own.
        assert_eq!(classify(&"李".as_bytes()[..2]), Message::NotUtf8);
    }

    #[test]
    fn replies() {
        assert_eq!(reply("Michael", false), "Hello, Michael!");
        assert_eq!(reply("Tracy", true), "Hello, Tracy!\n");
        assert!(not_utf8_reply(true).ends_with('\n'));
        assert!(!not_utf8_reply(false).ends_with('\n'));
    }
}
