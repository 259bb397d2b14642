//! `lesson05 ping`: a pinger, through the relay, to the greeting server.
//!
//! Each ping is the datagram `ping N`, N its sequence number, and the
//! greeting server answers `Hello, ping N!`. The number is what lets the
//! pinger tell a reply from a late reply or a duplicate: the things TCP
//! sorts out below the program, here in plain sight.

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::relay::{self, Fate, Relay};
use super::server::Server;
use crate::lesson04::ending::is_timeout;
use crate::lesson04::log::Log;

/// How long the pinger waits for each reply.
pub const TIMEOUT: Duration = Duration::from_millis(500);

/// How long it waits for stragglers after the last ping.
pub const LINGER: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub count: u32,
    /// Percent of the pings the relay loses, 0 to 100.
    pub loss: u64,
    pub seed: u64,
}

pub const DEFAULTS: Options = Options {
    count: 10,
    loss: 20,
    seed: 1,
};

/// The sequence number in `ping N` or `Hello, ping N!`.
pub fn sequence_number(datagram: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(datagram).ok()?;
    let text = text.strip_prefix("Hello, ").unwrap_or(text);
    let text = text.strip_suffix('!').unwrap_or(text);
    let digits = text.strip_prefix("ping ")?;
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// What the pinger counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub sent: u32,
    pub answered: u32,
    pub late: u32,
    pub duplicates: u32,
    pub rtts: Vec<Duration>,
}

/// Starts a greeting server and a relay with the plan of `options`,
/// pings through them, and prints each event and the statistics.
pub fn run(options: Options, out: &mut impl Write) -> io::Result<Tally> {
    let server = Server::bind(([127, 0, 0, 1], 0).into(), Log::silent())?;
    let server_address = server.local_addr();
    let stop = server.stop_handle();
    let server_thread = std::thread::spawn(move || server.run());
    let fates = relay::plan(options.count, options.loss, options.seed);
    let relay = Relay::start(server_address, fates.clone(), sequence_number)?;
    writeln!(
        out,
        "PING the greeting server at {server_address} through a relay at {}",
        relay.address
    )?;
    writeln!(
        out,
        "the relay (seed {}) loses {}% of the pings, duplicates {}% and \
         holds back {}%",
        options.seed,
        options.loss,
        relay::DUPLICATE_PERCENT,
        relay::HOLD_BACK_PERCENT
    )?;
    let tally = ping(relay.address, options.count, out);
    relay.stop();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = server_thread.join();
    let tally = tally?;
    summarize(&tally, &fates, out)?;
    Ok(tally)
}

/// Sends `count` pings to `to`, one at a time, each waited for up to
/// `TIMEOUT`; then waits `LINGER` for late replies and duplicates.
pub fn ping(
    to: SocketAddr,
    count: u32,
    out: &mut impl Write,
) -> io::Result<Tally> {
    let socket = UdpSocket::bind(("127.0.0.1", 0))?;
    socket.connect(to)?;
    let mut sent_at: Vec<Instant> = Vec::new();
    let mut answered: Vec<bool> = Vec::new();
    let mut tally = Tally::default();
    for seq in 1..=count {
        socket.send(format!("ping {seq}").as_bytes())?;
        sent_at.push(Instant::now());
        answered.push(false);
        tally.sent += 1;
        let deadline = Instant::now() + TIMEOUT;
        let mut replies = Replies {
            socket: &socket,
            sent_at: &sent_at,
            answered: &mut answered,
            tally: &mut tally,
        };
        if !replies.until(deadline, Some(seq), out)? {
            writeln!(
                out,
                "seq {seq}: no reply within {} s",
                TIMEOUT.as_secs_f64()
            )?;
        }
    }
    let mut replies = Replies {
        socket: &socket,
        sent_at: &sent_at,
        answered: &mut answered,
        tally: &mut tally,
    };
    replies.until(Instant::now() + LINGER, None, out)?;
    Ok(tally)
}

/// The pinger's state while it reads replies.
struct Replies<'a> {
    socket: &'a UdpSocket,
    sent_at: &'a [Instant],
    answered: &'a mut Vec<bool>,
    tally: &'a mut Tally,
}

impl Replies<'_> {
    // ANCHOR: until
    /// Reads replies until the one to `waiting` (true), or the deadline
    /// (false). Every reply is sorted by its sequence number: the one
    /// awaited, a late one, or a duplicate.
    fn until(
        &mut self,
        deadline: Instant,
        waiting: Option<u32>,
        out: &mut impl Write,
    ) -> io::Result<bool> {
        let mut buffer = [0u8; 512];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            self.socket.set_read_timeout(Some(left))?;
            let n = match self.socket.recv(&mut buffer) {
                Ok(n) => n,
                Err(e) if is_timeout(&e) => return Ok(false),
                Err(e) => return Err(e),
            };
            let Some(seq) = sequence_number(&buffer[..n]) else {
                continue; // not a reply to a ping: ignore it
            };
            let index = usize::try_from(seq).unwrap_or(usize::MAX);
            let Some(sent) =
                index.checked_sub(1).and_then(|i| self.sent_at.get(i))
            else {
                continue; // a number we never sent
            };
            if self.answered[index - 1] {
                self.tally.duplicates += 1;
                writeln!(out, "seq {seq}: a duplicate reply, ignored")?;
                continue;
            }
            self.answered[index - 1] = true;
            self.tally.answered += 1;
            let rtt = sent.elapsed();
            self.tally.rtts.push(rtt);
            let ms = rtt.as_secs_f64() * 1000.0;
            if Some(seq) == waiting {
                writeln!(out, "seq {seq}: reply in {ms:.3} ms")?;
                return Ok(true);
            }
            self.tally.late += 1;
            writeln!(out, "seq {seq}: a late reply, after {ms:.3} ms")?;
        }
    }
    // ANCHOR_END: until
}

fn summarize(
    tally: &Tally,
    fates: &[Fate],
    out: &mut impl Write,
) -> io::Result<()> {
    let lost = tally.sent - tally.answered;
    let percent = match tally.sent {
        0 => 0.0,
        sent => f64::from(lost) * 100.0 / f64::from(sent),
    };
    writeln!(out, "--- statistics ---")?;
    writeln!(
        out,
        "{} sent, {} answered ({} late), {lost} lost ({percent:.0}%), \
         {} duplicate(s) ignored",
        tally.sent, tally.answered, tally.late, tally.duplicates
    )?;
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    if let (Some(min), Some(max)) =
        (tally.rtts.iter().min(), tally.rtts.iter().max())
    {
        let sum: f64 = tally.rtts.iter().map(ms).sum();
        let avg = sum / tally.rtts.len() as f64;
        writeln!(
            out,
            "round trip min/avg/max = {:.3}/{avg:.3}/{:.3} ms",
            ms(min),
            ms(max)
        )?;
    }
    let list = |wanted: Fate| {
        let seqs: Vec<String> = fates
            .iter()
            .enumerate()
            .filter(|(_, fate)| **fate == wanted)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        match seqs.is_empty() {
            true => "none".to_string(),
            false => seqs.join(", "),
        }
    };
    writeln!(
        out,
        "what the relay did: dropped {}; duplicated {}; held back {}",
        list(Fate::Drop),
        list(Fate::Duplicate),
        list(Fate::HoldBack)
    )
}
