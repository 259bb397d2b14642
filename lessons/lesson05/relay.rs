//! A relay on loopback that does to datagrams what a real network may:
//! lose them, deliver them twice, deliver them out of order.
//!
//! Its decisions come from a seeded random generator, one decision per
//! sequence number, made up front. They never depend on timing, so the
//! same seed gives the same run, transcript and all.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::lesson04::ending::is_timeout;

// ANCHOR: xorshift
/// A tiny random generator (Marsaglia's xorshift64): fast, repeatable
/// from its seed, and far from good enough for anything secret.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        // The state must never be 0 (it would stay 0 for ever).
        XorShift(seed ^ 0x2545_F491_4F6C_DD1D).nonzero()
    }

    fn nonzero(self) -> XorShift {
        if self.0 == 0 { XorShift(1) } else { self }
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}
// ANCHOR_END: xorshift

/// What the relay does with one datagram on its way to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Passed on at once.
    Pass,
    /// Never passed on.
    Drop,
    /// Passed on twice.
    Duplicate,
    /// Kept until the next datagram has been passed on, then sent:
    /// the two arrive in the wrong order.
    HoldBack,
}

/// The chance of a duplicate, and of a hold-back, in percent.
pub const DUPLICATE_PERCENT: u64 = 10;
pub const HOLD_BACK_PERCENT: u64 = 10;

// ANCHOR: plan
/// The fates of datagrams 1 to `count`: `loss` percent dropped, then 10%
/// duplicated and 10% held back (never the last one, which nothing
/// would follow), the rest passed on.
pub fn plan(count: u32, loss: u64, seed: u64) -> Vec<Fate> {
    let mut random = XorShift::new(seed);
    (1..=count)
        .map(|seq| {
            let roll = random.next_u64() % 100;
            if roll < loss {
                Fate::Drop
            } else if roll < loss + DUPLICATE_PERCENT {
                Fate::Duplicate
            } else if roll < loss + DUPLICATE_PERCENT + HOLD_BACK_PERCENT
                && seq < count
            {
                Fate::HoldBack
            } else {
                Fate::Pass
            }
        })
        .collect()
}
// ANCHOR_END: plan

/// The relay, running on a thread of its own.
pub struct Relay {
    pub address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Relay {
    /// Starts a relay to `server`. A datagram from `server` goes back to
    /// the client (the last address that sent one that was not the
    /// server). A datagram from the client gets the fate of its sequence
    /// number (`sequence` reads it; 1 is `fates[0]`); one without a
    /// number, or past the plan, passes.
    pub fn start(
        server: SocketAddr,
        fates: Vec<Fate>,
        sequence: fn(&[u8]) -> Option<u32>,
    ) -> std::io::Result<Relay> {
        let socket = UdpSocket::bind(("127.0.0.1", 0))?;
        socket.set_read_timeout(Some(Duration::from_millis(50)))?;
        let address = socket.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            relay(&socket, server, &fates, sequence, &flag);
        });
        Ok(Relay {
            address,
            stop,
            thread,
        })
    }

    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.thread.join();
    }
}

// ANCHOR: relay
fn relay(
    socket: &UdpSocket,
    server: SocketAddr,
    fates: &[Fate],
    sequence: fn(&[u8]) -> Option<u32>,
    stop: &AtomicBool,
) {
    let mut buffer = [0u8; 65_536];
    let mut client = None;
    let mut held: Option<Vec<u8>> = None;
    while !stop.load(Ordering::SeqCst) {
        let (n, from) = match socket.recv_from(&mut buffer) {
            Ok(received) => received,
            Err(e) if is_timeout(&e) => continue,
            Err(_) => continue, // an ICMP error from a send: go on
        };
        let datagram = &buffer[..n];
        if from == server {
            if let Some(client) = client {
                let _ = socket.send_to(datagram, client);
            }
            continue;
        }
        client = Some(from);
        let fate = sequence(datagram)
            .and_then(|seq| {
                fates.get(usize::try_from(seq).ok()?.checked_sub(1)?)
            })
            .copied()
            .unwrap_or(Fate::Pass);
        match fate {
            Fate::Pass => {
                let _ = socket.send_to(datagram, server);
            }
            Fate::Drop => {}
            Fate::Duplicate => {
                let _ = socket.send_to(datagram, server);
                let _ = socket.send_to(datagram, server);
            }
            Fate::HoldBack => {
                // Anything held before goes now, after nothing: held
                // datagrams are released one step late, never lost.
                if let Some(old) = held.replace(datagram.to_vec()) {
                    let _ = socket.send_to(&old, server);
                }
                continue;
            }
        }
        if let Some(old) = held.take() {
            let _ = socket.send_to(&old, server);
        }
    }
}
// ANCHOR_END: relay
