//! The fault battery for lesson03's server: every kind of bad client,
//! one case after the other, against a server already running at `addr`
//! (process `pid`), while a well-behaved client talks to it the whole
//! time. Every socket has a timeout and every loop a bound in count and
//! time, so the battery ends even if the server hangs.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use socket2::SockRef;

use super::Outcome;
use crate::lesson03::protocol::{TOO_LONG_REPLY, WELCOME, not_utf8_reply, reply};

/// Every connect, read and write of the battery gives up after this.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// How many connections the load cases open.
pub const CONCURRENT: usize = 300;
pub const RAPID: usize = 2000;
/// The rapid connect/disconnect case stops here even if it is not done.
pub const RAPID_LIMIT: Duration = Duration::from_secs(15);
/// How many bytes the slow client sends, one per `SLOW_PACE`.
pub const SLOW_BYTES: usize = 20;
pub const SLOW_PACE: Duration = Duration::from_millis(100);

/// The whole battery's result.
#[derive(Debug)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    /// Conversations the well-behaved client had during the battery, and
    /// how many of them got exactly the right replies.
    pub good_tried: usize,
    pub good_correct: usize,
    /// The server's (threads, open fds) before, and once it settled
    /// after; `None` where /proc is missing.
    pub baseline: Option<(usize, usize)>,
    pub after: Option<(usize, usize)>,
    /// The most threads seen during the battery.
    pub peak_threads: usize,
    pub elapsed: Duration,
}

impl Report {
    /// Every case survived, every good conversation was right, and the
    /// server gave back every thread and file descriptor.
    pub fn all_passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.survived)
            && self.good_tried > 0
            && self.good_correct == self.good_tried
            && self.after == self.baseline
    }
}

/// Runs every case against the server at `addr`, process `pid`.
pub fn run(addr: SocketAddr, pid: u32) -> Report {
    let started = Instant::now();
    let baseline = threads_and_fds(pid);
    let peak = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let good = start_good_client(addr, pid, Arc::clone(&stop), Arc::clone(&peak));

    let cases: [(&str, Case); 9] = [
        ("invalid UTF-8", invalid_utf8),
        ("张伟 split inside a character", split_character),
        ("1 MiB with no newline", one_mebibyte),
        ("one byte per 100 ms (20 bytes)", one_byte_at_a_time),
        ("connect and close at once", connect_and_close),
        ("reset (SO_LINGER 0)", reset),
        ("half-close after a name", half_close),
        ("300 connections open at once", concurrent),
        ("2000 rapid connect/disconnect", rapid),
    ];
    let mut outcomes = Vec::new();
    for (name, case) in cases {
        let start = Instant::now();
        let (tried, result) = case(addr);
        // The server must still serve a newcomer right after each case.
        let result = result.and_then(|detail| {
            check_conversation(addr).map_err(|e| format!("afterwards, a good client: {e}"))?;
            Ok(detail)
        });
        outcomes.push(Outcome::new(name, tried, result, start.elapsed()));
    }

    stop.store(true, Ordering::SeqCst);
    let (good_tried, good_correct) = good.join().unwrap_or((0, 0));
    let after = wait_for_baseline(pid, baseline);
    Report {
        outcomes,
        good_tried,
        good_correct,
        baseline,
        after,
        peak_threads: peak.load(Ordering::SeqCst),
        elapsed: started.elapsed(),
    }
}

/// A case: returns how many connections it made, and what the server
/// did (`Ok`) or what it got wrong (`Err`).
type Case = fn(SocketAddr) -> (usize, Result<String, String>);

/// The well-behaved client: one conversation after another until told
/// to stop, counting the right ones. It also samples the server's thread
/// count, to report the peak.
fn start_good_client(
    addr: SocketAddr,
    pid: u32,
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicUsize>,
) -> thread::JoinHandle<(usize, usize)> {
    thread::spawn(move || {
        let (mut tried, mut correct) = (0, 0);
        let deadline = Instant::now() + Duration::from_secs(120);
        while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
            tried += 1;
            if check_conversation(addr).is_ok() {
                correct += 1;
            }
            if let Some((threads, _)) = threads_and_fds(pid) {
                peak.fetch_max(threads, Ordering::SeqCst);
            }
            thread::sleep(Duration::from_millis(20));
        }
        (tried, correct)
    })
}

/// Connects with a timeout on everything.
pub fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Reads until `expected.len()` bytes came (or the stream ended or
/// timed out), and compares. Replies may come split or joined, so this
/// does not rely on one read being one reply.
pub fn expect(stream: &mut TcpStream, expected: &[u8]) -> Result<(), String> {
    let mut heard = Vec::new();
    let mut piece = [0u8; 4096];
    while heard.len() < expected.len() {
        let want = (expected.len() - heard.len()).min(piece.len());
        match stream.read(&mut piece[..want]) {
            Ok(0) => break,
            Ok(n) => heard.extend_from_slice(&piece[..n]),
            Err(e) => return Err(format!("{e} after {:?}", lossy(&heard))),
        }
    }
    if heard == expected {
        Ok(())
    } else {
        Err(format!(
            "heard {:?}, expected {:?}",
            lossy(&heard),
            lossy(expected)
        ))
    }
}

fn lossy(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]);
    text.into_owned()
}

fn send(stream: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    stream.write_all(bytes).map_err(|e| format!("send: {e}"))
}

fn open(addr: SocketAddr) -> Result<TcpStream, String> {
    connect(addr).map_err(|e| format!("connect: {e}"))
}

/// The tutorial's session in short: welcome, a name, its reply, exit.
pub fn check_conversation(addr: SocketAddr) -> Result<(), String> {
    let mut stream = open(addr)?;
    expect(&mut stream, WELCOME)?;
    send(&mut stream, b"Ann")?;
    expect(&mut stream, reply("Ann", false).as_bytes())?;
    send(&mut stream, b"exit")
}

fn invalid_utf8(addr: SocketAddr) -> (usize, Result<String, String>) {
    let result = (|| {
        let mut stream = open(addr)?;
        expect(&mut stream, WELCOME)?;
        send(&mut stream, b"\xff\xfe\xfd\n")?;
        expect(&mut stream, not_utf8_reply(true).as_bytes())?;
        send(&mut stream, b"Bob\n")?;
        expect(&mut stream, b"Hello, Bob!\n")?;
        send(&mut stream, b"exit\n")?;
        Ok("an error reply, then the conversation goes on".into())
    })();
    (1, result)
}

/// lesson03 takes one read as one message, so half a character is a
/// message of its own, and not text. The server must say so clearly
/// (twice: for each half), and greet the whole name sent in one write.
fn split_character(addr: SocketAddr) -> (usize, Result<String, String>) {
    let result = (|| {
        let name = "张伟".as_bytes();
        let mut stream = open(addr)?;
        expect(&mut stream, WELCOME)?;
        send(&mut stream, &name[..2])?;
        // Wait for the answer before the rest: then the server surely
        // read the halves apart, as a slow network would deliver them.
        expect(&mut stream, not_utf8_reply(false).as_bytes())?;
        send(&mut stream, &name[2..])?;
        expect(&mut stream, not_utf8_reply(false).as_bytes())?;
        send(&mut stream, name)?;
        expect(&mut stream, reply("张伟", false).as_bytes())?;
        send(&mut stream, b"exit")?;
        Ok("each half: \"not UTF-8\" error; whole: Hello, 张伟!".into())
    })();
    (1, result)
}

fn one_mebibyte(addr: SocketAddr) -> (usize, Result<String, String>) {
    let result = (|| {
        let mut stream = open(addr)?;
        let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
        // The server closes after its error: our writes may then fail.
        let sender = thread::spawn(move || {
            let _ = writer.write_all(&vec![b'x'; 1 << 20]);
        });
        let mut expected = WELCOME.to_vec();
        expected.extend_from_slice(TOO_LONG_REPLY.as_bytes());
        let heard = expect(&mut stream, &expected);
        let _ = sender.join();
        heard?;
        let mut rest = [0u8; 16];
        match stream.read(&mut rest) {
            Ok(0) => Ok("\"message too long\", then closed".into()),
            Ok(_) => Err("more bytes after the error reply".into()),
            Err(e) => Err(format!("no close after the error reply: {e}")),
        }
    })();
    (1, result)
}

fn one_byte_at_a_time(addr: SocketAddr) -> (usize, Result<String, String>) {
    let result = (|| {
        let mut stream = open(addr)?;
        expect(&mut stream, WELCOME)?;
        for &byte in b"abcdefghijklmnopqrst".iter().take(SLOW_BYTES) {
            thread::sleep(SLOW_PACE);
            send(&mut stream, &[byte])?;
            let name = char::from(byte).to_string();
            expect(&mut stream, reply(&name, false).as_bytes())?;
        }
        send(&mut stream, b"exit")?;
        Ok(format!(
            "{SLOW_BYTES} one-letter messages, {SLOW_BYTES} replies"
        ))
    })();
    (1, result)
}

fn connect_and_close(addr: SocketAddr) -> (usize, Result<String, String>) {
    let count = 50;
    for _ in 0..count {
        if let Err(e) = open(addr) {
            return (count, Err(e));
        }
    }
    (count, Ok("each connection closed quietly".into()))
}

/// SO_LINGER with a zero timeout makes `close` send a reset (RST). Half
/// reset after the welcome, half at once, before the server wrote it.
fn reset(addr: SocketAddr) -> (usize, Result<String, String>) {
    let count = 20;
    let result = (|| {
        for i in 0..count {
            let mut stream = open(addr)?;
            if i % 2 == 0 {
                expect(&mut stream, WELCOME)?;
            }
            SockRef::from(&stream)
                .set_linger(Some(Duration::ZERO))
                .map_err(|e| format!("SO_LINGER: {e}"))?;
        }
        Ok("each reset ended its connection only".into())
    })();
    (count, result)
}

/// The client sends a name and shuts down its writing side (FIN): the
/// server answers, reads the end of the stream, and closes.
fn half_close(addr: SocketAddr) -> (usize, Result<String, String>) {
    let result = (|| {
        let mut stream = open(addr)?;
        expect(&mut stream, WELCOME)?;
        send(&mut stream, b"Ann")?;
        stream
            .shutdown(Shutdown::Write)
            .map_err(|e| format!("shutdown: {e}"))?;
        let mut heard = Vec::new();
        stream
            .read_to_end(&mut heard)
            .map_err(|e| format!("no close after our FIN: {e}"))?;
        if heard == reply("Ann", false).as_bytes() {
            Ok("the reply, then the server closed too".into())
        } else {
            Err(format!("heard {:?}", lossy(&heard)))
        }
    })();
    (1, result)
}

fn concurrent(addr: SocketAddr) -> (usize, Result<String, String>) {
    let result = (|| {
        let mut streams = Vec::new();
        for _ in 0..CONCURRENT {
            let mut stream = open(addr)?;
            expect(&mut stream, WELCOME)?;
            streams.push(stream);
        }
        // All are open now; each gets its own reply.
        for (i, stream) in streams.iter_mut().enumerate() {
            let name = format!("c{i}");
            send(stream, name.as_bytes())?;
            expect(stream, reply(&name, false).as_bytes())?;
        }
        Ok(format!("all {CONCURRENT} welcomed and answered"))
    })();
    (CONCURRENT, result)
}

fn rapid(addr: SocketAddr) -> (usize, Result<String, String>) {
    let deadline = Instant::now() + RAPID_LIMIT;
    let mut done = 0;
    while done < RAPID && Instant::now() < deadline {
        if let Err(e) = open(addr) {
            return (done, Err(format!("connection {done}: {e}")));
        }
        done += 1;
    }
    let result = if done == RAPID {
        Ok(format!("all {RAPID} accepted"))
    } else {
        Err(format!("only {done} in {RAPID_LIMIT:?}"))
    };
    (done, result)
}

/// The process's thread count and open file descriptors, from /proc
/// (Linux); `None` elsewhere.
pub fn threads_and_fds(pid: u32) -> Option<(usize, usize)> {
    let proc = format!("/proc/{pid}");
    let threads = std::fs::read_dir(format!("{proc}/task")).ok()?.count();
    let fds = std::fs::read_dir(format!("{proc}/fd")).ok()?.count();
    Some((threads, fds))
}

/// Waits (at most 10 s) until the server is back to `baseline`, and
/// returns what it has then.
pub fn wait_for_baseline(pid: u32, baseline: Option<(usize, usize)>) -> Option<(usize, usize)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = threads_and_fds(pid);
        if now == baseline || Instant::now() >= deadline {
            return now;
        }
        thread::sleep(Duration::from_millis(20));
    }
}
