//! How a conversation ends, and how each side finds out.
//!
//! A read on a TCP socket ends in one of a few ways, and each means
//! something different for the conversation:
//!
//! - `Ok(n)` with `n > 0`: bytes arrived.
//! - `Ok(0)`: the peer closed its sending side (its FIN arrived). It will
//!   send nothing more; it may or may not still be reading.
//! - `Err` of kind `ConnectionReset` (or `BrokenPipe`, `ConnectionAborted`
//!   on a write): the peer's RST arrived: it vanished without a goodbye.
//! - `Err` of kind `WouldBlock` or `TimedOut`: nothing arrived within the
//!   read timeout. Unix reports `WouldBlock` (EAGAIN), Windows `TimedOut`.

use std::io;
use std::time::Duration;

// ANCHOR: classify
/// What an I/O error on a connected socket means for the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The peer is gone: its RST arrived, or we wrote after it closed.
    Reset,
    /// Nothing arrived within the read timeout. The connection is fine.
    Timeout,
    /// A signal interrupted the call: simply try again.
    Interrupted,
    /// Anything else: give up on this connection.
    Other,
}

pub fn classify(error: &io::Error) -> ErrorClass {
    use io::ErrorKind::*;
    match error.kind() {
        ConnectionReset | ConnectionAborted | BrokenPipe => ErrorClass::Reset,
        // The same event, named differently: Unix says EAGAIN
        // (WouldBlock), Windows says WSAETIMEDOUT (TimedOut).
        WouldBlock | TimedOut => ErrorClass::Timeout,
        Interrupted => ErrorClass::Interrupted,
        _ => ErrorClass::Other,
    }
}
// ANCHOR_END: classify

/// True for the errors a read timeout produces, on every platform.
pub fn is_timeout(error: &io::Error) -> bool {
    classify(error) == ErrorClass::Timeout
}

/// Why the server ended one conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The client sent `exit`.
    SaidExit,
    /// `read` returned 0: the client closed its sending side.
    ClientClosed,
    /// The client vanished: its RST arrived.
    Reset(io::ErrorKind),
    /// The client said nothing for this long.
    Idle(Duration),
    /// The client sent a line longer than the limit.
    LineTooLong(usize),
    /// The server is shutting down (Ctrl+C, SIGTERM).
    ServerShutdown,
    /// Some other I/O error.
    Failed(io::ErrorKind),
}

impl Ending {
    /// The ending an I/O error on the connection stands for.
    pub fn from_error(error: &io::Error) -> Ending {
        match classify(error) {
            ErrorClass::Reset => Ending::Reset(error.kind()),
            _ => Ending::Failed(error.kind()),
        }
    }

    /// What the server's log says about it (one line).
    pub fn describe(&self) -> String {
        match self {
            Ending::SaidExit => "client said exit: goodbye, then close".into(),
            Ending::ClientClosed => {
                "read returned 0: the client closed its side; closing ours"
                    .into()
            }
            Ending::Reset(kind) => {
                format!(
                    "connection reset ({kind:?}): the client vanished; cleaning up"
                )
            }
            Ending::Idle(limit) => {
                format!("silent for {} s: closing", limit.as_secs())
            }
            Ending::LineTooLong(limit) => {
                format!("line longer than {limit} bytes: closing")
            }
            Ending::ServerShutdown => {
                "server shutting down: owed replies sent, saying goodbye".into()
            }
            Ending::Failed(kind) => format!("I/O error ({kind:?}): closing"),
        }
    }

    /// The last line the server sends the client, if any. After a reset
    /// or an error there is nobody left to tell.
    pub fn farewell(&self) -> Option<String> {
        match self {
            Ending::SaidExit => Some("Goodbye!".into()),
            Ending::Idle(limit) => Some(format!(
                "Closing the connection: you were silent for {} s.",
                limit.as_secs()
            )),
            Ending::LineTooLong(limit) => Some(format!(
                "error: that line is longer than {limit} bytes; closing."
            )),
            Ending::ServerShutdown => Some(SHUTDOWN_NOTICE.into()),
            Ending::ClientClosed | Ending::Reset(_) | Ending::Failed(_) => None,
        }
    }

    /// Whether the server should close politely (FIN, then wait briefly
    /// for the client's FIN) rather than just drop the socket.
    pub fn closes_gracefully(&self) -> bool {
        !matches!(
            self,
            Ending::ClientClosed | Ending::Reset(_) | Ending::Failed(_)
        )
    }
}

/// What a client connected during shutdown is told.
pub const SHUTDOWN_NOTICE: &str = "Server shutting down, goodbye.";

#[cfg(test)]
mod tests {
    use super::*;
    use io::ErrorKind::*;

    #[test]
    fn classify_covers_both_timeout_spellings() {
        let cases = [
            (WouldBlock, ErrorClass::Timeout),
            (TimedOut, ErrorClass::Timeout),
            (ConnectionReset, ErrorClass::Reset),
            (ConnectionAborted, ErrorClass::Reset),
            (BrokenPipe, ErrorClass::Reset),
            (Interrupted, ErrorClass::Interrupted),
            (UnexpectedEof, ErrorClass::Other),
            (PermissionDenied, ErrorClass::Other),
        ];
        for (kind, expected) in cases {
            let error = io::Error::from(kind);
            assert_eq!(classify(&error), expected, "{kind:?}");
        }
    }

    #[test]
    fn only_some_endings_get_a_farewell() {
        assert_eq!(Ending::SaidExit.farewell().as_deref(), Some("Goodbye!"));
        assert_eq!(Ending::Reset(ConnectionReset).farewell(), None);
        assert_eq!(
            Ending::ServerShutdown.farewell().as_deref(),
            Some(SHUTDOWN_NOTICE)
        );
        assert!(!Ending::ClientClosed.closes_gracefully());
        assert!(Ending::Idle(Duration::from_secs(3)).closes_gracefully());
    }
}
