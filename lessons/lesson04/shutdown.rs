//! Asking a server to stop, and waking the thread blocked in `accept`.
//!
//! Ctrl+C runs our handler on another thread (the `ctrlc` crate starts
//! one). The handler sets a flag. But the main thread is asleep inside
//! `accept`, and a sleeping thread reads no flags: it only wakes when a
//! connection arrives. So after setting the flag we make one arrive: we
//! connect to our own listening address. `accept` returns, the loop looks
//! at the flag, sees it set, and stops.
//!
//! The other common answer is a non-blocking listener polled every few
//! milliseconds (`set_nonblocking(true)`, then `accept` and sleep on
//! `WouldBlock`). It needs no trick, but it wakes up many times a second
//! forever, and every new client waits for the next poll. The
//! self-connect costs nothing until the moment it is needed.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

// ANCHOR: shutdown
/// A handle to ask a server to stop. Clone it into a signal handler.
#[derive(Clone)]
pub struct Shutdown {
    requested: Arc<AtomicBool>,
    listening_on: SocketAddr,
}

impl Shutdown {
    pub fn new(listening_on: SocketAddr) -> Shutdown {
        Shutdown {
            requested: Arc::new(AtomicBool::new(false)),
            listening_on,
        }
    }

    /// Asks the server to stop. Returns `false` if it had been asked
    /// already (a second Ctrl+C).
    pub fn request(&self) -> bool {
        if self.requested.swap(true, Ordering::SeqCst) {
            return false;
        }
        // The flag alone wakes nobody: knock on our own door. If the
        // knock fails, the listen queue is full, and then `accept` has
        // connections waiting and returns soon anyway.
        let _ = wake_accept(self.listening_on);
        true
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }
}
// ANCHOR_END: shutdown

// ANCHOR: wake_accept
/// Unblocks a thread sitting in `accept` on `listening_on` by connecting
/// to it (and closing at once: the connection carries no data).
pub fn wake_accept(listening_on: SocketAddr) -> io::Result<()> {
    let address = wake_address(listening_on);
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).map(drop)
}

/// The address to connect to: a server listening on every interface
/// (`0.0.0.0` or `::`) is reached through loopback.
pub fn wake_address(listening_on: SocketAddr) -> SocketAddr {
    let ip = match listening_on.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => Ipv4Addr::LOCALHOST.into(),
        IpAddr::V6(ip) if ip.is_unspecified() => Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    SocketAddr::new(ip, listening_on.port())
}
// ANCHOR_END: wake_accept

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::thread;

    #[test]
    fn wake_address_maps_unspecified_to_loopback() {
        let cases = [
            ("0.0.0.0:9999", "127.0.0.1:9999"),
            ("[::]:80", "[::1]:80"),
            ("127.0.0.1:1", "127.0.0.1:1"),
            ("[::1]:2", "[::1]:2"),
        ];
        for (given, expected) in cases {
            let given: SocketAddr = given.parse().unwrap();
            assert_eq!(wake_address(given).to_string(), expected);
        }
    }

    /// A thread blocked in `accept` returns once `request` is called, and
    /// only the first request counts.
    #[test]
    fn request_wakes_a_blocked_accept() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let shutdown = Shutdown::new(listener.local_addr().unwrap());
        let (done, woke) = mpsc::channel();
        let flag = shutdown.clone();
        let acceptor = thread::spawn(move || {
            let accepted = listener.accept().is_ok();
            let _ = done.send((accepted, flag.is_requested()));
        });
        assert!(shutdown.request());
        assert!(!shutdown.request(), "a second request is not a first");
        let woke = woke.recv_timeout(Duration::from_secs(10));
        assert_eq!(woke, Ok((true, true)), "accept was not woken");
        acceptor.join().unwrap();
    }
}
