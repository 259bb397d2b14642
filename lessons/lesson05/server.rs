//! The UDP greeting server: one socket, one thread, every client.
//!
//! A TCP server accepts a connection per client and, in lesson03, gives
//! each one a thread that blocks in its `read`. A UDP server has nothing
//! to accept: every datagram, from whoever, arrives on the one socket,
//! with the sender's address beside it, and the reply goes back to that
//! address. Nothing blocks on behalf of one client, so one thread serves
//! them all. What a connection used to remember (who this is, what they
//! said before) the server must now keep itself, keyed by address.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::lesson04::ending::is_timeout;
use crate::lesson04::log::Log;

/// The longest name the server accepts, in bytes.
pub const MAX_NAME: usize = 1024;

/// How often the server's `recv_from` wakes up to check for a stop.
pub const TICK: Duration = Duration::from_millis(100);

/// How many peers the server remembers before it starts over.
pub const MAX_PEERS: usize = 10_000;

// ANCHOR: answer
/// The reply to one datagram: `Hello, NAME!`, or a line starting with
/// `Error:`. One trailing newline is dropped, so that `nc -u` (which
/// sends each line with its `\n`) works too.
pub fn answer(datagram: &[u8]) -> String {
    let name = datagram.strip_suffix(b"\n").unwrap_or(datagram);
    let name = name.strip_suffix(b"\r").unwrap_or(name);
    if name.is_empty() {
        return "Error: an empty datagram; send a name.".into();
    }
    if name.len() > MAX_NAME {
        return format!("Error: a name is at most {MAX_NAME} bytes.");
    }
    match std::str::from_utf8(name) {
        Ok(name) => format!("Hello, {name}!"),
        Err(_) => "Error: that is not UTF-8 text; send a name.".into(),
    }
}
// ANCHOR_END: answer

/// What the server did, for the line it prints when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub datagrams: u64,
    pub peers: usize,
}

pub struct Server {
    socket: UdpSocket,
    log: Log,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Binds the socket. There is no `listen` and no backlog: from this
    /// moment, datagrams sent to `address` wait in the socket's queue.
    pub fn bind(address: SocketAddr, log: Log) -> io::Result<Server> {
        let socket = UdpSocket::bind(address)?;
        socket.set_read_timeout(Some(TICK))?;
        Ok(Server {
            socket,
            log,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.socket
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Set it to `true` to stop `run` (within one tick).
    pub fn stop_handle(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    // ANCHOR: run
    /// Serves until the stop flag is set: one datagram in, one out.
    pub fn run(&self) -> Summary {
        // One byte more than the longest name: a datagram that fills the
        // whole buffer was too long (and, on Linux, cut short).
        let mut buffer = [0u8; MAX_NAME + 1];
        // The only per-client state: how many datagrams each peer sent.
        let mut seen: HashMap<SocketAddr, u64> = HashMap::new();
        let mut datagrams = 0;
        while !self.stop.load(Ordering::SeqCst) {
            let (n, peer) = match self.socket.recv_from(&mut buffer) {
                Ok(received) => received,
                Err(e) if is_timeout(&e) => continue, // a tick: check stop
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // Windows reports a datagram too big for the buffer
                    // as an error (WSAEMSGSIZE); an ICMP error from an
                    // earlier reply can show up here too. Neither stops
                    // the server.
                    self.log.say(format_args!("recv_from failed: {e}"));
                    continue;
                }
            };
            datagrams += 1;
            if seen.len() >= MAX_PEERS && !seen.contains_key(&peer) {
                seen.clear(); // bounded memory: forget everybody
            }
            let count = seen.entry(peer).or_insert(0);
            *count += 1;
            let shown = match n {
                ..=40 => match std::str::from_utf8(&buffer[..n]) {
                    Ok(text) => format!("{text:?}"),
                    Err(_) => format!("b\"{}\"", buffer[..n].escape_ascii()),
                },
                41..=MAX_NAME => format!("{n} bytes"),
                _ => "a datagram too big for the buffer".to_string(),
            };
            self.log
                .say(format_args!("<- {shown} from {peer} (its #{count})"));
            let reply = if n > MAX_NAME {
                format!("Error: a name is at most {MAX_NAME} bytes.")
            } else {
                answer(&buffer[..n])
            };
            self.log.say(format_args!("-> {reply:?} to {peer}"));
            if let Err(e) = self.socket.send_to(reply.as_bytes(), peer) {
                self.log.say(format_args!("send_to {peer} failed: {e}"));
            }
        }
        Summary {
            datagrams,
            peers: seen.len(),
        }
    }
    // ANCHOR_END: run
}
