//! Solutions for chapter 5: UDP, talking without a connection.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// One end of a datagram exchange: send, and wait up to a limit.
pub trait Link {
    fn send(&mut self, datagram: &[u8]) -> io::Result<()>;
    /// The next datagram, or `Ok(None)` if none came within `limit`.
    fn receive(&mut self, limit: Duration) -> io::Result<Option<Vec<u8>>>;
}

/// A connected UDP socket is a `Link`.
impl Link for UdpSocket {
    fn send(&mut self, datagram: &[u8]) -> io::Result<()> {
        UdpSocket::send(self, datagram).map(drop)
    }

    fn receive(&mut self, limit: Duration) -> io::Result<Option<Vec<u8>>> {
        if limit.is_zero() {
            return Ok(None);
        }
        self.set_read_timeout(Some(limit))?;
        let mut buffer = vec![0u8; 65_536];
        match self.recv(&mut buffer) {
            Ok(n) => Ok(Some(buffer[..n].to_vec())),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

// ANCHOR: ask_with_backoff
pub fn ask_with_backoff(
    link: &mut impl Link,
    request: &[u8],
    first: Duration,
    max: Duration,
    tries: u32,
) -> io::Result<Vec<u8>> {
    if tries == 0 {
        return Err(io::Error::new(ErrorKind::InvalidInput, "no tries"));
    }
    let mut wait = first.min(max);
    for _ in 0..tries {
        link.send(request)?;
        if let Some(reply) = link.receive(wait)? {
            return Ok(reply);
        }
        wait = wait.saturating_mul(2).min(max);
    }
    Err(io::Error::new(ErrorKind::TimedOut, "no reply"))
}
// ANCHOR_END: ask_with_backoff

/// What a sequence number is, to a window of recent ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    New,
    Duplicate,
    TooOld,
}

// ANCHOR: Window
pub struct Window {
    size: u32,
    /// The highest number seen, if any.
    highest: Option<u64>,
    /// Bit i set: `highest - i` was seen.
    bits: u64,
}

impl Window {
    pub fn new(size: u32) -> Window {
        Window {
            size: size.clamp(1, 64),
            highest: None,
            bits: 0,
        }
    }

    pub fn check(&mut self, seq: u64) -> Seen {
        let Some(highest) = self.highest else {
            self.highest = Some(seq);
            self.bits = 1;
            return Seen::New;
        };
        if seq > highest {
            let shift = seq - highest;
            self.bits = if shift >= 64 { 0 } else { self.bits << shift };
            self.bits |= 1;
            self.highest = Some(seq);
            return Seen::New;
        }
        let age = highest - seq;
        if age >= u64::from(self.size) {
            return Seen::TooOld;
        }
        let bit = 1u64 << age;
        if self.bits & bit != 0 {
            return Seen::Duplicate;
        }
        self.bits |= bit;
        Seen::New
    }
}
// ANCHOR_END: Window

/// What a reorder buffer hands on: a datagram, or news of a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Deliver(u32, Vec<u8>),
    Lost { from: u32, to: u32 },
}

// ANCHOR: Reorder
pub struct Reorder {
    /// The number delivered next; past `u32::MAX` when all is done.
    next: u64,
    capacity: usize,
    waiting: BTreeMap<u32, Vec<u8>>,
}

impl Reorder {
    pub fn new(first: u32, capacity: usize) -> Reorder {
        Reorder {
            next: u64::from(first),
            capacity,
            waiting: BTreeMap::new(),
        }
    }

    pub fn push(&mut self, seq: u32, data: Vec<u8>) -> Vec<Out> {
        let mut out = Vec::new();
        if u64::from(seq) < self.next || self.waiting.contains_key(&seq) {
            return out;
        }
        self.waiting.insert(seq, data);
        self.deliver_in_order(&mut out);
        while self.waiting.len() > self.capacity {
            let Some((&lowest, _)) = self.waiting.first_key_value() else {
                break;
            };
            // `lowest` is past `next` (else it was delivered above), so
            // `next` fits in a u32 and `lowest - 1` does not underflow.
            let from = u32::try_from(self.next).unwrap_or(u32::MAX);
            out.push(Out::Lost {
                from,
                to: lowest - 1,
            });
            self.next = u64::from(lowest);
            self.deliver_in_order(&mut out);
        }
        out
    }

    /// Delivers `next` and what follows it, while they are waiting.
    fn deliver_in_order(&mut self, out: &mut Vec<Out>) {
        while let Ok(seq) = u32::try_from(self.next) {
            let Some(data) = self.waiting.remove(&seq) else {
                break;
            };
            out.push(Out::Deliver(seq, data));
            self.next += 1;
        }
    }
}
// ANCHOR_END: Reorder

// ANCHOR: Peers
pub struct Peers {
    ttl: Duration,
    max: usize,
    /// Each peer's count and the time of its last datagram.
    known: HashMap<SocketAddr, (u64, Instant)>,
}

impl Peers {
    pub fn new(ttl: Duration, max: usize) -> Peers {
        Peers {
            ttl,
            max,
            known: HashMap::new(),
        }
    }

    pub fn seen(&mut self, peer: SocketAddr, now: Instant) -> u64 {
        let ttl = self.ttl;
        self.known
            .retain(|_, (_, last)| now.saturating_duration_since(*last) < ttl);
        if let Some((count, last)) = self.known.get_mut(&peer) {
            *count += 1;
            *last = now;
            return *count;
        }
        if self.known.len() >= self.max {
            let oldest = self
                .known
                .iter()
                .min_by_key(|(_, (_, last))| *last)
                .map(|(peer, _)| *peer);
            if let Some(oldest) = oldest {
                self.known.remove(&oldest);
            }
        }
        if self.max > 0 {
            self.known.insert(peer, (1, now));
        }
        1
    }

    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
}
// ANCHOR_END: Peers
