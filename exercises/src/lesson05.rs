//! Exercises for chapter 5: UDP, talking without a connection.
//!
//! Check them with: cargo test -p exercises --test lesson05

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

// ANCHOR: ask_with_backoff
/// One end of a datagram exchange: send, and wait up to a limit.
pub trait Link {
    fn send(&mut self, datagram: &[u8]) -> io::Result<()>;
    /// The next datagram, or `Ok(None)` if none came within `limit`.
    fn receive(&mut self, limit: Duration) -> io::Result<Option<Vec<u8>>>;
}

/// Exercise 5.1 ★★: Ask again, waiting twice as long each time.
///
/// Send `request` and wait for a reply, `first` long. If none came,
/// send it again and wait twice as long, and so on: `tries` sends in
/// all, each followed by one wait, and no wait longer than `max`.
///
/// - Return the first reply (any datagram).
/// - After `tries` waits with no reply: `Err` of kind `TimedOut`.
/// - `tries` of 0: `Err` of kind `InvalidInput`, and nothing sent.
/// - An error from `send` or `receive` is returned at once.
/// - `first` over `max` waits `max`. Doubling must never overflow
///   (100 tries from 1 s is fine: the waits stop growing at `max`).
///
/// With `first` 100 ms, `max` 1 s and 5 tries, the waits are 100, 200,
/// 400, 800 and 1000 ms.
pub fn ask_with_backoff(
    link: &mut impl Link,
    request: &[u8],
    first: Duration,
    max: Duration,
    tries: u32,
) -> io::Result<Vec<u8>> {
    todo!("Exercise 5.1: send the request up to {tries} times, with backoff")
}
// ANCHOR_END: ask_with_backoff

/// A connected UDP socket is a `Link`: the tests use one too.
impl Link for UdpSocket {
    fn send(&mut self, datagram: &[u8]) -> io::Result<()> {
        UdpSocket::send(self, datagram).map(drop)
    }

    fn receive(&mut self, limit: Duration) -> io::Result<Option<Vec<u8>>> {
        if limit.is_zero() {
            return Ok(None); // set_read_timeout refuses zero
        }
        self.set_read_timeout(Some(limit))?;
        let mut buffer = vec![0u8; 65_536];
        match self.recv(&mut buffer) {
            Ok(n) => Ok(Some(buffer[..n].to_vec())),
            // A read timeout: WouldBlock on Unix, TimedOut on Windows.
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

// ANCHOR: Window
/// What a sequence number is, to a window of recent ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    New,
    Duplicate,
    TooOld,
}

/// Exercise 5.2 ★★: Spot duplicates in a window of recent numbers.
///
/// `check` is called with the sequence number of each datagram as it
/// arrives, in any order, and says whether it is `New`, a `Duplicate`
/// of one already checked, or `TooOld` to tell: the window remembers
/// only the `size` highest numbers (`size` is 1 to 64).
///
/// - The first number ever checked is `New`.
/// - A number above the highest so far is `New`, and the new highest.
/// - Otherwise, with `age` = highest - number: `TooOld` if `age` is
///   `size` or more; else `Duplicate` if it was checked before, `New`
///   if not (and from then on it has been).
/// - Numbers may jump anywhere in `u64` (0, then `u64::MAX`): memory and
///   time must not grow with the jump.
///
/// With size 4: 10 `New`, 8 `New`, 10 `Duplicate`, 7 `New`, 6 `TooOld`.
#[allow(dead_code)] // until your `check` uses the fields
pub struct Window {
    size: u32, // add the fields you need, and set them in `new`
}

impl Window {
    pub fn new(size: u32) -> Window {
        Window { size }
    }

    pub fn check(&mut self, seq: u64) -> Seen {
        todo!(
            "Exercise 5.2: is sequence number {seq} new, a duplicate, or too old?"
        )
    }
}
// ANCHOR_END: Window

// ANCHOR: Reorder
/// What a reorder buffer hands on: a datagram, or news of a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Deliver(u32, Vec<u8>),
    /// The numbers `from` to `to` (both included) will never be delivered.
    Lost {
        from: u32,
        to: u32,
    },
}

/// Exercise 5.3 ★★★: Put datagrams back in order, with a bounded buffer.
///
/// Datagrams numbered from `first` arrive in any order, some twice,
/// some never. `push` takes one and returns what can now be handed on,
/// in order of sequence number:
///
/// - The one expected next is delivered, then every datagram waiting
///   that follows it without a gap.
/// - A later one waits. When more than `capacity` are waiting, give up
///   on the gap: `Lost { from: next expected, to: lowest waiting - 1 }`,
///   then deliver from the lowest waiting on as above; repeat while more
///   than `capacity` still wait. (`capacity` 0: nothing ever waits.)
/// - A number already delivered, given up, or waiting: ignored, `[]`.
/// - Once `u32::MAX` is delivered, every push returns `[]`.
///
/// From 1 with capacity 2: push 2 gives `[]`; 3 gives `[]`; 1 gives
/// 1, 2, 3. Then 5, 6 give `[]`; 7 gives `Lost { from: 4, to: 4 }`, 5, 6, 7.
#[allow(dead_code)] // until your `push` uses the fields
pub struct Reorder {
    next: u64, // add the fields you need, and set them in `new`
    capacity: usize,
}

impl Reorder {
    pub fn new(first: u32, capacity: usize) -> Reorder {
        Reorder {
            next: u64::from(first),
            capacity,
        }
    }

    pub fn push(&mut self, seq: u32, data: Vec<u8>) -> Vec<Out> {
        todo!("Exercise 5.3: take datagram {seq} and hand on what is in order")
    }
}
// ANCHOR_END: Reorder

// ANCHOR: Peers
/// Exercise 5.4 ★★: Count each peer's datagrams; forget the silent.
///
/// A UDP server's memory of its peers, which no connection keeps for
/// it. `seen(peer, now)` is called for each datagram and returns how
/// many that peer has sent, this one included, since it was last
/// forgotten.
///
/// - Each call first forgets every peer whose last datagram came `ttl`
///   or more before `now` (so one that comes back starts again at 1).
/// - A peer it remembers: its count goes up by one. A new peer: 1; if
///   `max` peers are remembered already, first forget the one whose
///   last datagram is the oldest. With `max` 0, nobody is remembered.
/// - `len` says how many peers are remembered. `now` never goes back.
#[allow(dead_code)] // until your `seen` uses the fields
pub struct Peers {
    ttl: Duration, // add the fields you need, and set them in `new`
    max: usize,
}

impl Peers {
    pub fn new(ttl: Duration, max: usize) -> Peers {
        Peers { ttl, max }
    }

    pub fn seen(&mut self, peer: SocketAddr, now: Instant) -> u64 {
        todo!("Exercise 5.4: count the datagrams of {peer}, forget the silent")
    }

    pub fn len(&self) -> usize {
        todo!("Exercise 5.4: how many peers are remembered")
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: Peers

// ANCHOR: txt_strings
/// Exercise 5.5 ★: Read the strings of a TXT record.
///
/// A TXT record's data (its RDATA, RFC 1035 section 3.3.14) is one or
/// more *character-strings*, back to back: a length byte (0 to 255),
/// then that many bytes. Mail servers publish their rules this way
/// (`v=spf1 -all`); one record may hold several strings.
///
/// Return every string's bytes, in order. Rules:
/// - an empty string (length byte 0) is a string like any other;
/// - data with no string at all (0 bytes) is an error: a TXT record
///   holds at least one;
/// - a length byte that promises more bytes than are left is an error.
///
/// ```text
/// [3, b'a', b'b', b'c', 0, 1, b'x']  ->  Ok([b"abc", b"", b"x"])
/// [5, b'a', b'b']                    ->  Err(...)
/// ```
pub fn txt_strings(rdata: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    todo!("Exercise 5.5: split the TXT data {rdata:?} into its strings")
}
// ANCHOR_END: txt_strings

// ANCHOR: encode_names
/// Exercise 5.6 ★★★: Write names with compression pointers.
///
/// Write `names` one after another, the way a server writes the names
/// of its answers, and use compression (RFC 1035 section 4.1.4): when
/// the end of a name (its last labels, up to the root) was already
/// written, write only the labels before it and then a 2-byte pointer
/// to where that ending starts: `0xC000 | offset`, big-endian.
///
/// - Offsets count from the first byte you return (pretend the names
///   start the message).
/// - Take the longest ending already written: after `www.example.com`,
///   `mail.example.com` is `4 m a i l` and a pointer to `example.com`
///   (offset 4); the same name again is just a pointer to offset 0.
///   Point only at a place where a label was written (a place that
///   holds just a pointer is no target).
/// - A pointer has 14 bits: an ending that starts at offset 16384 or
///   later cannot be pointed at; write those labels out again.
/// - Labels match when their bytes are equal (do not fold case).
/// - Each name: labels of 1 to 63 ASCII letters, digits, `-` or `_`,
///   separated by dots; one final dot is allowed; at most 255 bytes
///   when written out in full (length bytes, labels, the final 0). The
///   root, `""` or `"."`, is the single byte 0. Any other name is an
///   error (one line saying why), and nothing is returned.
pub fn encode_names(names: &[&str]) -> Result<Vec<u8>, String> {
    todo!("Exercise 5.6: write the names {names:?} with compression")
}
// ANCHOR_END: encode_names
