//! The tutorial's client: connect, print the welcome, send each name and
//! print the reply, send `exit`, close.

use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use super::protocol::{BUFFER_SIZE, EXIT};

/// The names the tutorial's client sends.
pub const DEFAULT_NAMES: [&str; 3] = ["Michael", "Tracy", "Sarah"];

/// How long to wait for the server to accept, and then for each reply.
/// The tutorial's server sleeps a second per message, so be generous.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the client gave up, in one line.
#[derive(Debug)]
pub enum ClientError {
    /// Nobody listens there: the connection was refused.
    NotListening(SocketAddr),
    /// The server closed the connection instead of answering.
    ClosedEarly,
    /// Anything else, with what we were doing at the time.
    Io(&'static str, io::Error),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::NotListening(addr) => write!(
                f,
                "nothing is listening on {addr}: is the server running? \
                 start it with: cargo run --bin lesson03"
            ),
            ClientError::ClosedEarly => {
                write!(f, "the server closed the connection before answering")
            }
            ClientError::Io(what, error) if is_timeout(error) => {
                write!(f, "no answer while {what}: timed out")
            }
            ClientError::Io(what, error) => write!(f, "{what}: {error}"),
        }
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Talks to the server at `addr`, printing what it says to `out`.
pub fn run_client(
    addr: SocketAddr,
    names: &[String],
    out: &mut dyn Write,
) -> Result<(), ClientError> {
    let mut stream = connect(addr)?;
    let welcome = receive(&mut stream, "waiting for the welcome")?;
    let _ = writeln!(out, "{welcome}");
    for name in names {
        // One write per message, and no delimiter: the tutorial's framing.
        send(&mut stream, name, "sending a name")?;
        let reply = receive(&mut stream, "waiting for a reply")?;
        let _ = writeln!(out, "{reply}");
    }
    send(&mut stream, EXIT, "sending exit")?;
    Ok(()) // dropping `stream` closes the connection
}

fn connect(addr: SocketAddr) -> Result<TcpStream, ClientError> {
    let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(
        |error| match error.kind() {
            ErrorKind::ConnectionRefused => ClientError::NotListening(addr),
            _ => ClientError::Io("connecting", error),
        },
    )?;
    let timeouts = stream
        .set_read_timeout(Some(REPLY_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(REPLY_TIMEOUT)));
    timeouts.map_err(|error| ClientError::Io("setting timeouts", error))?;
    Ok(stream)
}

fn send(
    stream: &mut TcpStream,
    text: &str,
    what: &'static str,
) -> Result<(), ClientError> {
    stream
        .write_all(text.as_bytes())
        .map_err(|error| ClientError::Io(what, error))
}

/// One read = one message, as in the tutorial's `s.recv(1024)`. Bytes
/// that are not UTF-8 are shown as U+FFFD rather than refused.
fn receive(
    stream: &mut TcpStream,
    what: &'static str,
) -> Result<String, ClientError> {
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = loop {
        match stream.read(&mut buffer) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(ClientError::Io(what, e)),
            Ok(n) => break n,
        }
    };
    if n == 0 {
        return Err(ClientError::ClosedEarly);
    }
    let text = String::from_utf8_lossy(&buffer[..n]);
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}
