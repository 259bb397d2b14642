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

// ANCHOR: txt_strings
/// Exercise 5.5 ★: Read the strings of a TXT record.
pub fn txt_strings(rdata: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if rdata.is_empty() {
        return Err("a TXT record holds at least one string".into());
    }
    let mut strings = Vec::new();
    let mut rest = rdata;
    // Each turn takes at least the length byte, so the loop ends.
    while let Some((&len, after)) = rest.split_first() {
        let len = usize::from(len);
        let Some((string, next)) = after.split_at_checked(len) else {
            return Err(format!(
                "a string of {len} bytes, but only {} are left",
                after.len()
            ));
        };
        strings.push(string.to_vec());
        rest = next;
    }
    Ok(strings)
}
// ANCHOR_END: txt_strings

// ANCHOR: encode_names
/// Exercise 5.6 ★★★: Write names with compression pointers.
pub fn encode_names(names: &[&str]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    // Every ending written out in labels: its labels, and its offset.
    let mut written: Vec<(Vec<&str>, usize)> = Vec::new();
    for name in names {
        let labels = check_name(name)?;
        let mut pointer = None;
        let mut fresh = labels.len();
        // The longest ending first: the one that starts at label 0.
        for start in 0..labels.len() {
            let ending = &labels[start..];
            let found =
                written.iter().find(|(w, at)| w == ending && *at < 0x4000);
            if let Some(&(_, at)) = found {
                pointer = Some(at);
                fresh = start;
                break;
            }
        }
        for start in 0..fresh {
            written.push((labels[start..].to_vec(), out.len()));
            let label = labels[start];
            // 1 to 63 bytes, checked by `check_name`.
            out.push(label.len() as u8);
            out.extend_from_slice(label.as_bytes());
        }
        match pointer {
            // Below 0x4000, so the top two bits are free for the mark.
            Some(at) => {
                out.extend_from_slice(&(0xC000 | at as u16).to_be_bytes())
            }
            None => out.push(0),
        }
    }
    Ok(out)
}

/// The labels of `name`, or why it cannot be written.
fn check_name(name: &str) -> Result<Vec<&str>, String> {
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let labels: Vec<&str> = trimmed.split('.').collect();
    let mut length = 1;
    for label in &labels {
        let allowed =
            |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        if label.is_empty() || label.len() > 63 || !label.bytes().all(allowed) {
            return Err(format!("{name:?}: bad label {label:?}"));
        }
        length += 1 + label.len();
    }
    if length > 255 {
        return Err(format!(
            "{name:?} is {length} bytes written out, over 255"
        ));
    }
    Ok(labels)
}
// ANCHOR_END: encode_names
