//! A server on 127.0.0.1 for one client that answers as a script says:
//! the misbehaving servers of the client battery, and the servers that
//! lesson02's tests fetch from. Every wait in it is bounded.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The server gives up on its client (or on waiting for one) after this.
pub const SERVER_LIMIT: Duration = Duration::from_secs(20);
/// Each of the server's reads and writes gives up after this.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// How the server answers, once it has read the request.
#[derive(Debug, Clone)]
pub enum Script {
    /// Sends these bytes in one write, then closes.
    Reply(Vec<u8>),
    /// Sends these bytes in writes of this many bytes each, then closes.
    Trickle(Vec<u8>, usize),
    /// Sends nothing; waits for the client to give up and close.
    Silent,
    /// Sends this head, then `piece` again and again, forever (until the
    /// client goes away, or `SERVER_LIMIT`).
    Endless { head: Vec<u8>, piece: Vec<u8> },
    /// Sends this head, then one byte per `pace`, forever: each byte
    /// comes well within the client's read timeout.
    Drip { head: Vec<u8>, pace: Duration },
}

/// A running one-client server.
pub struct OneShot {
    pub addr: SocketAddr,
    handle: JoinHandle<Vec<u8>>,
}

impl OneShot {
    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits for the server to finish; returns the request it received
    /// (empty if no client came).
    pub fn join(self) -> Vec<u8> {
        self.handle.join().unwrap_or_default()
    }
}

/// Starts a server on 127.0.0.1 (a port the OS picks) that serves one
/// client by `script`.
pub fn serve_once(script: Script) -> io::Result<OneShot> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + SERVER_LIMIT;
        let Some(mut stream) = accept_before(&listener, deadline) else {
            return Vec::new();
        };
        let request = read_request(&mut stream);
        let _ = play(&mut stream, &script, deadline);
        request
    });
    Ok(OneShot { addr, handle })
}

fn accept_before(
    listener: &TcpListener,
    deadline: Instant,
) -> Option<TcpStream> {
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).ok()?;
                stream.set_read_timeout(Some(IO_TIMEOUT)).ok()?;
                stream.set_write_timeout(Some(IO_TIMEOUT)).ok()?;
                let _ = stream.set_nodelay(true);
                return Some(stream);
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
    None
}

/// Reads up to the end of the request head (at most 64 KiB).
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut piece = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536
    {
        match stream.read(&mut piece) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&piece[..n]),
        }
    }
    request
}

fn play(
    stream: &mut TcpStream,
    script: &Script,
    deadline: Instant,
) -> io::Result<()> {
    match script {
        Script::Reply(bytes) => stream.write_all(bytes),
        Script::Trickle(bytes, size) => {
            for piece in bytes.chunks((*size).max(1)) {
                stream.write_all(piece)?;
                stream.flush()?;
            }
            Ok(())
        }
        Script::Silent => {
            // Until the client gives up and closes (read returns 0).
            let mut sink = [0u8; 64];
            while Instant::now() < deadline {
                match stream.read(&mut sink) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if is_timeout(&e) => {}
                    Err(_) => break,
                }
            }
            Ok(())
        }
        Script::Drip { head, pace } => {
            stream.write_all(head)?;
            // Until the client gives up: then our write fails.
            while Instant::now() < deadline {
                thread::sleep(*pace);
                stream.write_all(b"a")?;
            }
            Ok(())
        }
        Script::Endless { head, piece } => {
            stream.write_all(head)?;
            // Until the client gives up: then our write fails.
            while Instant::now() < deadline {
                stream.write_all(piece)?;
            }
            Ok(())
        }
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
