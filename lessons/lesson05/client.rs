//! The client: send each name in a datagram, wait for the reply with a
//! timeout, and send again a few times before giving up.
//!
//! Over TCP, lesson04's client could simply read: the kernel
//! retransmits what is lost, and a closed connection shows as the end
//! of the stream. Over UDP, a datagram or its reply may vanish without
//! a trace, and nothing will ever say so. Waiting is all the client can
//! do, so it must decide how long, and what then.

use std::fmt;
use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crate::lesson04::ending::is_timeout;

/// The names the tutorial's client sends.
pub const DEFAULT_NAMES: [&str; 3] = ["Michael", "Tracy", "Sarah"];

/// How long to wait for each reply, and how many times to send a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    pub timeout: Duration,
    pub tries: u32,
}

/// The client's patience: 1 s per try, 3 tries.
pub const PATIENCE: Patience = Patience {
    timeout: Duration::from_secs(1),
    tries: 3,
};

#[derive(Debug)]
pub enum ClientError {
    /// No reply to any of the tries.
    NotAnswering {
        server: SocketAddr,
        name: String,
        patience: Patience,
    },
    /// The kernel was told (ICMP port unreachable) that nothing listens.
    Refused { server: SocketAddr },
    /// Any other failure of the socket.
    Io { doing: String, error: io::Error },
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::NotAnswering {
                server,
                name,
                patience,
            } => write!(
                f,
                "the server is not answering: no reply from {server} to \
                 {name:?} in {} tries of {} s",
                patience.tries,
                patience.timeout.as_secs_f64()
            ),
            ClientError::Refused { server } => write!(
                f,
                "nothing is listening on {server}: its kernel answered \
                 \"port unreachable\" (start one: cargo run --bin lesson05 \
                 -- server)"
            ),
            ClientError::Io { doing, error } => write!(f, "{doing}: {error}"),
        }
    }
}

/// Greets the server at `server` with each name; prints every reply.
pub fn run_client(
    server: SocketAddr,
    names: &[String],
    patience: Patience,
    out: &mut impl Write,
) -> Result<(), ClientError> {
    let io = |doing: &str| {
        let doing = doing.to_string();
        move |error| ClientError::Io { doing, error }
    };
    let socket = UdpSocket::bind(("127.0.0.1", 0)).map_err(io("bind"))?;
    // No handshake happens here: `connect` only records the server as
    // the default peer, and from now on the kernel drops datagrams from
    // anyone else and reports ICMP errors about the server to us.
    socket.connect(server).map_err(io("connect"))?;
    for name in names {
        let reply = ask(&socket, server, name, patience, out)?;
        let _ = writeln!(out, "{reply}");
    }
    Ok(())
}

// ANCHOR: ask
/// Sends `name` and waits for its reply, up to `patience.tries` times.
fn ask(
    socket: &UdpSocket,
    server: SocketAddr,
    name: &str,
    patience: Patience,
    out: &mut impl Write,
) -> Result<String, ClientError> {
    for attempt in 1..=patience.tries {
        if let Err(error) = socket.send(name.as_bytes()) {
            return Err(failure(server, "send", error));
        }
        let deadline = Instant::now() + patience.timeout;
        if let Some(reply) =
            wait_for_reply(socket, server, name, deadline, out)?
        {
            return Ok(reply);
        }
        let next = match attempt < patience.tries {
            true => "; sending it again",
            false => "",
        };
        let _ = writeln!(
            out,
            "(no reply to {name:?} within {} s, try {attempt} of {}{next})",
            patience.timeout.as_secs_f64(),
            patience.tries
        );
    }
    Err(ClientError::NotAnswering {
        server,
        name: name.to_string(),
        patience,
    })
}

/// Reads datagrams until one answers `name`, or the deadline passes
/// (`Ok(None)`). A reply to an earlier name (late, or a duplicate of
/// one already printed) is said and skipped.
fn wait_for_reply(
    socket: &UdpSocket,
    server: SocketAddr,
    name: &str,
    deadline: Instant,
    out: &mut impl Write,
) -> Result<Option<String>, ClientError> {
    let hello = format!("Hello, {name}!");
    let mut buffer = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        if let Err(error) = socket.set_read_timeout(Some(left)) {
            return Err(failure(server, "set_read_timeout", error));
        }
        let n = match socket.recv(&mut buffer) {
            Ok(n) => n,
            Err(e) if is_timeout(&e) => return Ok(None),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(failure(server, "recv", e)),
        };
        let reply = String::from_utf8_lossy(&buffer[..n]).into_owned();
        if reply == hello || reply.starts_with("Error:") {
            return Ok(Some(reply));
        }
        let _ = writeln!(out, "(ignored {reply:?}: not the reply to {name:?})");
    }
}
// ANCHOR_END: ask

fn failure(server: SocketAddr, doing: &str, error: io::Error) -> ClientError {
    // Linux and macOS say ConnectionRefused; Windows, ConnectionReset.
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset
    ) {
        ClientError::Refused { server }
    } else {
        ClientError::Io {
            doing: doing.to_string(),
            error,
        }
    }
}
