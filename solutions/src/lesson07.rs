//! Reference solutions for chapter 7: many clients, few threads.

use std::collections::HashMap;
use std::future::Future;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

// ANCHOR: read_until_blocked
/// How a turn of [`read_until_blocked`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    Drained,
    BudgetSpent,
    Closed,
    Failed(ErrorKind),
}

pub fn read_until_blocked<R: Read>(
    reader: &mut R,
    into: &mut Vec<u8>,
    budget: usize,
) -> ReadOutcome {
    let mut buffer = [0u8; 4096];
    let mut taken = 0;
    // Each pass either takes at least one byte (at most `budget` of
    // them in all) or ends the turn; only `Interrupted` goes round
    // without either, and a signal does not come forever.
    while taken < budget {
        let room = (budget - taken).min(buffer.len());
        match reader.read(&mut buffer[..room]) {
            Ok(0) => return ReadOutcome::Closed,
            Ok(n) => {
                into.extend_from_slice(&buffer[..n]);
                taken += n;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                return ReadOutcome::Drained;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // What was read before the error stays in `into`.
            Err(e) => return ReadOutcome::Failed(e.kind()),
        }
    }
    ReadOutcome::BudgetSpent
}
// ANCHOR_END: read_until_blocked

// ANCHOR: Admission
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Yes,
    Busy,
    TooManyFromYou,
}

#[derive(Debug)]
pub struct Admission {
    per_peer: usize,
    total: usize,
    inside: usize,
    /// Conversations per address; an address at 0 has no entry.
    by_peer: HashMap<IpAddr, usize>,
}

impl Admission {
    pub fn new(per_peer: usize, total: usize) -> Admission {
        Admission {
            per_peer,
            total,
            inside: 0,
            by_peer: HashMap::new(),
        }
    }

    pub fn admit(&mut self, ip: IpAddr) -> Admit {
        if self.inside >= self.total {
            return Admit::Busy;
        }
        let count = self.by_peer.get(&ip).copied().unwrap_or(0);
        if count >= self.per_peer {
            return Admit::TooManyFromYou;
        }
        self.by_peer.insert(ip, count + 1);
        self.inside += 1;
        Admit::Yes
    }

    pub fn release(&mut self, ip: IpAddr) {
        let Some(count) = self.by_peer.get_mut(&ip) else {
            return; // not ours: never let `inside` fall below the truth
        };
        *count -= 1;
        if *count == 0 {
            self.by_peer.remove(&ip);
        }
        self.inside -= 1;
    }

    pub fn inside(&self) -> usize {
        self.inside
    }

    pub fn tracked(&self) -> usize {
        self.by_peer.len()
    }
}
// ANCHOR_END: Admission

// ANCHOR: TimerWheel
#[derive(Debug)]
pub struct TimerWheel {
    width: Duration,
    /// Each slot: (id, deadline) for the deadlines whose tick lands on
    /// it, this turn or a later one.
    slots: Vec<Vec<(u64, Duration)>>,
    /// Where each pending id waits: its slot and its deadline.
    pending: HashMap<u64, (usize, Duration)>,
    /// The tick the wheel has reached: every deadline in an earlier
    /// tick has fired.
    cursor: u64,
}

impl TimerWheel {
    pub fn new(width: Duration, slots: usize) -> TimerWheel {
        assert!(!width.is_zero() && slots > 0, "an empty wheel");
        TimerWheel {
            width,
            slots: vec![Vec::new(); slots],
            pending: HashMap::new(),
            cursor: 0,
        }
    }

    fn tick(&self, at: Duration) -> u64 {
        let tick = at.as_nanos() / self.width.as_nanos();
        u64::try_from(tick).unwrap_or(u64::MAX)
    }

    fn slot(&self, tick: u64) -> usize {
        // The remainder is below `slots.len()`, a usize.
        (tick % self.slots.len() as u64) as usize
    }

    pub fn schedule(&mut self, id: u64, at: Duration) {
        self.cancel(id);
        // A deadline already behind the wheel goes in the slot it will
        // look at next, not a whole turn later.
        let slot = self.slot(self.tick(at).max(self.cursor));
        self.slots[slot].push((id, at));
        self.pending.insert(id, (slot, at));
    }

    pub fn cancel(&mut self, id: u64) -> bool {
        let Some((slot, _)) = self.pending.remove(&id) else {
            return false;
        };
        self.slots[slot].retain(|&(other, _)| other != id);
        true
    }

    pub fn expire(&mut self, now: Duration) -> Vec<u64> {
        // Time that goes back does not move the wheel back: what was
        // put behind it waits in the cursor's slot.
        let last = self.tick(now).max(self.cursor);
        let mut fired = Vec::new();
        // One turn visits every slot; more would see them again.
        for tick in (self.cursor..=last).take(self.slots.len()) {
            let slot = self.slot(tick);
            // A later turn's deadline stays: checking the deadline
            // itself is what counts the turns.
            self.slots[slot].retain(|&(id, at)| {
                if at <= now {
                    fired.push((at, id));
                    false
                } else {
                    true
                }
            });
        }
        // The slot of `now` may still hold deadlines later in its tick:
        // the next call looks at it again.
        self.cursor = last;
        fired.sort_unstable();
        for (_, id) in &fired {
            self.pending.remove(id);
        }
        fired.into_iter().map(|(_, id)| id).collect()
    }

    pub fn next_deadline(&self) -> Option<Duration> {
        self.pending.values().map(|&(_, at)| at).min()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
// ANCHOR_END: TimerWheel

// ANCHOR: greet_with_retry
pub const BUSY_LINE: &str = "busy, try again later";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub tries: u32,
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub timeout: Duration,
}

/// One conversation: `Ok(None)` when the server was busy.
fn try_once(
    server: SocketAddr,
    name: &str,
    timeout: Duration,
) -> io::Result<Option<String>> {
    let stream = TcpStream::connect_timeout(&server, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut reader = BufReader::new(&stream);
    let first = read_line(&mut reader)?;
    if first == BUSY_LINE {
        return Ok(None); // dropping the stream closes it
    }
    (&stream).write_all(format!("{name}\n").as_bytes())?;
    read_line(&mut reader).map(Some)
}

/// A whole line, without its `\n` (or `\r\n`), at most 1024 bytes.
fn read_line(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = Vec::new();
    reader.take(1024).read_until(b'\n', &mut line)?;
    if line.pop() != Some(b'\n') {
        let why = "the server closed before the end of a line";
        return Err(io::Error::new(ErrorKind::UnexpectedEof, why));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map_err(|_| io::Error::new(ErrorKind::InvalidData, "not UTF-8"))
}

pub fn greet_with_retry(
    server: SocketAddr,
    name: &str,
    retry: Retry,
    mut sleep: impl FnMut(Duration),
) -> Result<String, String> {
    let mut wait = retry.first_wait.min(retry.max_wait);
    for attempt in 1..=retry.tries {
        match try_once(server, name, retry.timeout) {
            Ok(Some(greeting)) => return Ok(greeting),
            Ok(None) if attempt < retry.tries => {
                sleep(wait);
                wait = wait.saturating_mul(2).min(retry.max_wait);
            }
            Ok(None) => {}
            Err(e) => return Err(format!("talking to {server}: {e}")),
        }
    }
    Err(format!(
        "{server} was busy {} times; giving up",
        retry.tries
    ))
}
// ANCHOR_END: greet_with_retry

// ANCHOR: block_on
/// Wakes the thread that waits in `block_on`.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake that came during the poll left a token: `park` then
        // returns at once. It may also return for no reason; polling
        // once too often is harmless.
        thread::park();
    }
}
// ANCHOR_END: block_on

// ANCHOR: p99
pub fn p99(samples: &[Duration]) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    // Rank ⌈0.99 × n⌉, counted from 1, in whole numbers.
    let rank = (sorted.len() * 99).div_ceil(100);
    Some(sorted[rank - 1])
}
// ANCHOR_END: p99
