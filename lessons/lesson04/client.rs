//! The client: greet the server with some names, say `exit`, and notice
//! when the server goes away instead of answering.

use std::fmt;
use std::io::{self, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use super::ending::{ErrorClass, SHUTDOWN_NOTICE, classify};
use super::lines::{LineError, LineReader, MAX_LINE};

/// The names the tutorial's client sends.
pub const DEFAULT_NAMES: [&str; 3] = ["Michael", "Tracy", "Sarah"];

/// How long the client waits for the server to connect or to answer.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The server's first line, when it takes us.
pub const WELCOME: &str = "Welcome!";

/// Everything that can go wrong, each said in one line.
#[derive(Debug)]
pub enum ClientError {
    /// Nobody answered at that address.
    Connect {
        address: SocketAddr,
        error: io::Error,
    },
    /// The server closed the connection while we waited for `waiting`.
    ServerClosed { waiting: String },
    /// The server's first line was not its welcome (a busy server says
    /// so instead, and closes).
    NotWelcomed { line: String },
    /// The server said it is shutting down instead of sending `waiting`.
    ServerShutdown { waiting: String },
    /// The server's RST arrived while we waited for `waiting`.
    Reset { waiting: String },
    /// No answer for `PATIENCE`.
    TimedOut { waiting: String },
    /// The server sent something that is not a line of text.
    BadLine { waiting: String, problem: String },
    /// Any other I/O error.
    Io { doing: String, error: io::Error },
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Connect { address, error } => write!(
                f,
                "cannot connect to {address}: {error} \
                 (is the server running? cargo run --bin lesson04)"
            ),
            ClientError::ServerClosed { waiting } => write!(
                f,
                "the server closed the connection while we waited for {waiting}"
            ),
            ClientError::NotWelcomed { line } => write!(
                f,
                "the server answered {line:?} instead of welcoming us; stopping"
            ),
            ClientError::ServerShutdown { waiting } => {
                write!(f, "the server shut down before sending {waiting}")
            }
            ClientError::Reset { waiting } => write!(
                f,
                "the server reset the connection while we waited for {waiting}"
            ),
            ClientError::TimedOut { waiting } => write!(
                f,
                "no answer within {} s while we waited for {waiting}",
                PATIENCE.as_secs()
            ),
            ClientError::BadLine { waiting, problem } => {
                write!(
                    f,
                    "the server sent {problem} while we waited for {waiting}"
                )
            }
            ClientError::Io { doing, error } => {
                write!(f, "{doing} failed: {error}")
            }
        }
    }
}

impl std::error::Error for ClientError {}

/// Talks to the server at `address`, printing each line it receives to
/// `out`: the welcome, one reply per name, and the goodbye after `exit`.
pub fn run_client(
    address: SocketAddr,
    names: &[String],
    out: &mut impl Write,
) -> Result<(), ClientError> {
    let stream = TcpStream::connect_timeout(&address, PATIENCE)
        .map_err(|error| ClientError::Connect { address, error })?;
    let setup = |error| ClientError::Io {
        doing: "setting timeouts".into(),
        error,
    };
    stream.set_read_timeout(Some(PATIENCE)).map_err(setup)?;
    stream.set_write_timeout(Some(PATIENCE)).map_err(setup)?;
    let mut lines = LineReader::new(BufReader::new(&stream), MAX_LINE);

    let welcome = expect_line(&mut lines, "the welcome")?;
    print_line(out, &welcome)?;
    if welcome != WELCOME {
        return Err(ClientError::NotWelcomed { line: welcome });
    }
    for name in names {
        send_line(&stream, name)?;
        let waiting = format!("the reply to {name:?}");
        let reply = expect_line(&mut lines, &waiting)?;
        print_line(out, &reply)?;
        if reply == SHUTDOWN_NOTICE {
            return Err(ClientError::ServerShutdown { waiting });
        }
    }
    send_line(&stream, "exit")?;
    print_line(out, &expect_line(&mut lines, "the goodbye")?)?;
    // After the goodbye the server closes: `read` returns 0.
    expect_end(&mut lines)
}

/// Refuses names that would break the line framing.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.contains(['\n', '\r']) {
        return Err(format!("{name:?}: a name cannot contain a line break"));
    }
    if name.len() > MAX_LINE {
        return Err(format!("a name longer than {MAX_LINE} bytes"));
    }
    Ok(())
}

fn send_line(stream: &TcpStream, text: &str) -> Result<(), ClientError> {
    let mut writer = stream;
    writer
        .write_all(format!("{text}\n").as_bytes())
        .map_err(|error| match classify(&error) {
            ErrorClass::Reset => ClientError::Reset {
                waiting: format!("sending {text:?}"),
            },
            _ => ClientError::Io {
                doing: format!("sending {text:?}"),
                error,
            },
        })
}

// ANCHOR: expect_line
/// The next line from the server, or the reason there is none.
fn expect_line<R: io::BufRead>(
    lines: &mut LineReader<R>,
    waiting: &str,
) -> Result<String, ClientError> {
    let waiting = waiting.to_string();
    match lines.read_line() {
        Ok(Some(line)) => Ok(line),
        Ok(None) => Err(ClientError::ServerClosed { waiting }),
        Err(LineError::Io(error)) => Err(match classify(&error) {
            ErrorClass::Reset => ClientError::Reset { waiting },
            ErrorClass::Timeout => ClientError::TimedOut { waiting },
            _ => ClientError::Io {
                doing: format!("waiting for {waiting}"),
                error,
            },
        }),
        Err(problem) => Err(ClientError::BadLine {
            waiting,
            problem: problem.to_string(),
        }),
    }
}
// ANCHOR_END: expect_line

/// After the goodbye, the server should close: anything else is odd.
fn expect_end<R: io::BufRead>(
    lines: &mut LineReader<R>,
) -> Result<(), ClientError> {
    match lines.read_line() {
        Ok(None) => Ok(()),
        Ok(Some(line)) => Err(ClientError::BadLine {
            waiting: "the end of the conversation".into(),
            problem: format!("another line, {line:?},"),
        }),
        Err(problem) => Err(ClientError::BadLine {
            waiting: "the end of the conversation".into(),
            problem: problem.to_string(),
        }),
    }
}

fn print_line(out: &mut impl Write, line: &str) -> Result<(), ClientError> {
    // A line with control characters (terminal escapes, say) is shown
    // escaped: what a server sends must not drive our terminal.
    let printed = if line.chars().any(char::is_control) {
        format!("{line:?}")
    } else {
        line.to_string()
    };
    writeln!(out, "{printed}").map_err(|error| ClientError::Io {
        doing: "printing".into(),
        error,
    })
}
