//! The fault battery for the servers of lesson03 (one read is one
//! message) and lesson04 (one line is one message): every kind of bad
//! client, one case after the other, against a server already running at
//! `addr` (process `pid`), while a well-behaved client talks to it the
//! whole time. Every socket has a timeout and every loop a bound in count
//! and time, so the battery ends even if the server hangs.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use socket2::SockRef;

use lessons::lesson03::protocol as lesson03;
use lessons::lesson04::ending::Ending;
use lessons::lesson04::lines::MAX_LINE;

use crate::battery::{CaseOutcome, table};

/// Which server is under test: the two speak slightly differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lesson {
    /// lesson03: a message is whatever one `read` returns.
    Lesson03,
    /// lesson04: a message is a line, ended by `\n`.
    Lesson04,
}

impl Lesson {
    fn welcome(self) -> Vec<u8> {
        match self {
            Lesson::Lesson03 => lesson03::WELCOME.to_vec(),
            Lesson::Lesson04 => b"Welcome!\n".to_vec(),
        }
    }

    /// What a client sends to say `text`.
    fn message(self, text: &str) -> Vec<u8> {
        match self {
            Lesson::Lesson03 => text.as_bytes().to_vec(),
            Lesson::Lesson04 => format!("{text}\n").into_bytes(),
        }
    }

    /// The server's answer to the name `name`.
    fn greeting(self, name: &str) -> Vec<u8> {
        match self {
            Lesson::Lesson03 => lesson03::reply(name, false).into_bytes(),
            Lesson::Lesson04 => format!("Hello, {name}!\n").into_bytes(),
        }
    }

    /// The answer to `\xff\xfe\xfd\n`, bytes that are not UTF-8.
    fn not_utf8(self) -> Vec<u8> {
        match self {
            Lesson::Lesson03 => lesson03::not_utf8_reply(true).into_bytes(),
            Lesson::Lesson04 => {
                b"error: that line is not UTF-8 text; send UTF-8.\n".to_vec()
            }
        }
    }

    /// The last words after a message over the limit.
    fn too_long(self) -> Vec<u8> {
        match self {
            Lesson::Lesson03 => lesson03::TOO_LONG_REPLY.as_bytes().to_vec(),
            Lesson::Lesson04 => {
                let farewell = Ending::LineTooLong(MAX_LINE).farewell();
                format!("{}\n", farewell.unwrap_or_default()).into_bytes()
            }
        }
    }

    /// What the server says to `exit` before it closes.
    fn goodbye(self) -> Vec<u8> {
        match self {
            Lesson::Lesson03 => Vec::new(),
            Lesson::Lesson04 => b"Goodbye!\n".to_vec(),
        }
    }
}

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
    pub outcomes: Vec<CaseOutcome>,
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

/// Runs every case against `lesson`'s server at `addr`, process `pid`.
pub fn run(lesson: Lesson, addr: SocketAddr, pid: u32) -> Report {
    let started = Instant::now();
    let baseline = threads_and_fds(pid);
    let peak = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let good = start_good_client(
        lesson,
        addr,
        pid,
        Arc::clone(&stop),
        Arc::clone(&peak),
    );

    let cases: [(&str, Case); 9] = [
        ("invalid UTF-8", invalid_utf8),
        ("张伟 split inside a character", split_character),
        ("1 MiB with no newline", one_mebibyte),
        ("20 bytes, one per 100 ms", one_byte_at_a_time),
        ("connect and close at once", connect_and_close),
        ("reset (SO_LINGER 0)", reset),
        ("half-close after a name", half_close),
        ("300 connections open at once", concurrent),
        ("2000 rapid connect/disconnect", rapid),
    ];
    let mut outcomes = Vec::new();
    for (name, case) in cases {
        let start = Instant::now();
        let (tried, result) = case(&Target { lesson, addr, pid });
        // The server must still serve a newcomer right after each case.
        let result = result.and_then(|detail| {
            check_conversation(lesson, addr)
                .map_err(|e| format!("afterwards, a good client: {e}"))?;
            Ok(detail)
        });
        outcomes.push(CaseOutcome::new(name, tried, result, start.elapsed()));
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
type Case = fn(&Target) -> (usize, Result<String, String>);

/// The server a case talks to.
pub struct Target {
    pub lesson: Lesson,
    pub addr: SocketAddr,
    pub pid: u32,
}

/// The well-behaved client: one conversation after another until told
/// to stop, counting the right ones. It also samples the server's thread
/// count, to report the peak.
fn start_good_client(
    lesson: Lesson,
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
            if check_conversation(lesson, addr).is_ok() {
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
pub fn check_conversation(
    lesson: Lesson,
    addr: SocketAddr,
) -> Result<(), String> {
    let mut stream = open(addr)?;
    expect(&mut stream, &lesson.welcome())?;
    send(&mut stream, &lesson.message("Ann"))?;
    expect(&mut stream, &lesson.greeting("Ann"))?;
    send(&mut stream, &lesson.message("exit"))?;
    expect(&mut stream, &lesson.goodbye())
}

fn invalid_utf8(target: &Target) -> (usize, Result<String, String>) {
    let (lesson, addr) = (target.lesson, target.addr);
    let result = (|| {
        let mut stream = open(addr)?;
        expect(&mut stream, &lesson.welcome())?;
        send(&mut stream, b"\xff\xfe\xfd\n")?;
        expect(&mut stream, &lesson.not_utf8())?;
        send(&mut stream, &lesson.message("Bob"))?;
        expect(&mut stream, &lesson.greeting("Bob"))?;
        send(&mut stream, &lesson.message("exit"))?;
        expect(&mut stream, &lesson.goodbye())?;
        Ok("an error reply, then the conversation goes on".into())
    })();
    (1, result)
}

/// A name whose first character is split across two writes, 200 ms
/// apart, as a slow network may deliver it.
///
/// lesson04 collects bytes up to the `\n`: the name comes out whole.
/// lesson03 takes one read as one message, so each half is a message of
/// its own, and not text: it must say so clearly, once per half (and
/// greet the whole name sent in one write).
fn split_character(target: &Target) -> (usize, Result<String, String>) {
    let (lesson, addr) = (target.lesson, target.addr);
    let name = "张伟";
    let result = (|| {
        let mut stream = open(addr)?;
        expect(&mut stream, &lesson.welcome())?;
        let message = lesson.message(name);
        let (first, rest) = message.split_at(2); // inside 张
        send(&mut stream, first)?;
        match lesson {
            Lesson::Lesson03 => {
                // Wait for its answer before the rest: then the server
                // surely read the halves apart.
                let error = lesson03::not_utf8_reply(false);
                expect(&mut stream, error.as_bytes())?;
                send(&mut stream, rest)?;
                expect(&mut stream, error.as_bytes())?;
                send(&mut stream, name.as_bytes())?;
                expect(&mut stream, &lesson.greeting(name))?;
                Ok("each half: a \"not UTF-8\" error; whole: Hello, 张伟!"
                    .into())
            }
            Lesson::Lesson04 => {
                thread::sleep(Duration::from_millis(200));
                send(&mut stream, rest)?;
                // Nothing may come before the greeting: `expect` would
                // see it.
                expect(&mut stream, &lesson.greeting(name))?;
                Ok("one reply, Hello, 张伟!: the line came out whole".into())
            }
        }
    })();
    (1, result)
}

fn one_mebibyte(target: &Target) -> (usize, Result<String, String>) {
    let (lesson, addr) = (target.lesson, target.addr);
    let result = (|| {
        let mut stream = open(addr)?;
        let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
        // The server closes after its error: our writes may then fail.
        let sender = thread::spawn(move || {
            let _ = writer.write_all(&vec![b'x'; 1 << 20]);
        });
        let mut expected = lesson.welcome();
        expected.extend_from_slice(&lesson.too_long());
        let heard = expect(&mut stream, &expected);
        let _ = sender.join();
        heard?;
        let mut rest = [0u8; 16];
        match stream.read(&mut rest) {
            Ok(0) => Ok("\"too long\" error, then it closed".into()),
            // The server's grace period ended while we still sent: its
            // close becomes a reset. The error reply came first anyway.
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                Ok("\"too long\" error, then it closed (reset)".into())
            }
            Ok(_) => Err("more bytes after the error reply".into()),
            Err(e) => Err(format!("no close after the error reply: {e}")),
        }
    })();
    (1, result)
}

/// Twenty bytes, one per 100 ms: a slow typist, or a "slowloris".
fn one_byte_at_a_time(target: &Target) -> (usize, Result<String, String>) {
    let (lesson, addr) = (target.lesson, target.addr);
    let letters = &b"abcdefghijklmnopqrst"[..SLOW_BYTES];
    let result = (|| {
        let mut stream = open(addr)?;
        expect(&mut stream, &lesson.welcome())?;
        match lesson {
            Lesson::Lesson03 => {
                for &byte in letters {
                    thread::sleep(SLOW_PACE);
                    send(&mut stream, &[byte])?;
                    let name = char::from(byte).to_string();
                    expect(&mut stream, &lesson.greeting(&name))?;
                }
                Ok(format!(
                    "{SLOW_BYTES} one-letter messages, {SLOW_BYTES} replies"
                ))
            }
            Lesson::Lesson04 => {
                let name = String::from_utf8_lossy(&letters[..SLOW_BYTES - 1]);
                for byte in lesson.message(&name) {
                    thread::sleep(SLOW_PACE);
                    send(&mut stream, &[byte])?;
                }
                expect(&mut stream, &lesson.greeting(&name))?;
                Ok("one line, one reply".into())
            }
        }
    })();
    (1, result)
}

fn connect_and_close(target: &Target) -> (usize, Result<String, String>) {
    let addr = target.addr;
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
fn reset(target: &Target) -> (usize, Result<String, String>) {
    let (lesson, addr) = (target.lesson, target.addr);
    let count = 20;
    let result = (|| {
        for i in 0..count {
            let mut stream = open(addr)?;
            if i % 2 == 0 {
                expect(&mut stream, &lesson.welcome())?;
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
fn half_close(target: &Target) -> (usize, Result<String, String>) {
    let (lesson, addr) = (target.lesson, target.addr);
    let result = (|| {
        let mut stream = open(addr)?;
        expect(&mut stream, &lesson.welcome())?;
        send(&mut stream, &lesson.message("Ann"))?;
        stream
            .shutdown(Shutdown::Write)
            .map_err(|e| format!("shutdown: {e}"))?;
        let mut heard = Vec::new();
        stream
            .read_to_end(&mut heard)
            .map_err(|e| format!("no close after our FIN: {e}"))?;
        if heard == lesson.greeting("Ann") {
            Ok("the reply, then the server closed too".into())
        } else {
            Err(format!("heard {:?}", lossy(&heard)))
        }
    })();
    (1, result)
}

fn concurrent(target: &Target) -> (usize, Result<String, String>) {
    let (lesson, addr) = (target.lesson, target.addr);
    let result = (|| {
        let mut streams = Vec::new();
        for _ in 0..CONCURRENT {
            let mut stream = open(addr)?;
            expect(&mut stream, &lesson.welcome())?;
            streams.push(stream);
        }
        // All are open now; each gets its own reply.
        for (i, stream) in streams.iter_mut().enumerate() {
            let name = format!("c{i}");
            send(stream, &lesson.message(&name))?;
            expect(stream, &lesson.greeting(&name))?;
        }
        let threads = threads_and_fds(target.pid).map_or_else(
            || "?".to_string(),
            |(threads, _)| threads.to_string(),
        );
        Ok(format!(
            "all {CONCURRENT} welcomed and answered; {threads} server \
             threads while all were open"
        ))
    })();
    (CONCURRENT, result)
}

/// Connect and close, as fast as we can, one after the other. A connect
/// that takes a second or more met a full listen queue: the kernel
/// dropped our SYN and TCP sent it again after its 1 s timer.
fn rapid(target: &Target) -> (usize, Result<String, String>) {
    let addr = target.addr;
    let deadline = Instant::now() + RAPID_LIMIT;
    let (mut done, mut resent) = (0, 0);
    while done < RAPID && Instant::now() < deadline {
        let start = Instant::now();
        if let Err(e) = open(addr) {
            return (done, Err(format!("connection {done}: {e}")));
        }
        if start.elapsed() >= Duration::from_millis(900) {
            resent += 1;
        }
        done += 1;
    }
    let result = if done == RAPID {
        Ok(format!(
            "all {RAPID} accepted; {resent} waited 1 s or more for a \
             resent SYN (listen queue full)"
        ))
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
pub fn wait_for_baseline(
    pid: u32,
    baseline: Option<(usize, usize)>,
) -> Option<(usize, usize)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = threads_and_fds(pid);
        if now == baseline || Instant::now() >= deadline {
            return now;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Fails the test, with the whole table, unless every case survived, the
/// well-behaved client always got the right replies, and the server gave
/// back every thread and file descriptor.
pub fn assert_battery_passed(report: &Report, server_running: bool) {
    let summary = format!(
        "{}\ngood conversations: {} of {} right; threads/fds {:?} -> {:?} \
         (peak {} threads)",
        table(&report.outcomes),
        report.good_correct,
        report.good_tried,
        report.baseline,
        report.after,
        report.peak_threads,
    );
    assert!(server_running, "the server died\n{summary}");
    for outcome in &report.outcomes {
        assert!(
            outcome.survived,
            "{}: {}\n{summary}",
            outcome.case, outcome.detail
        );
    }
    assert!(report.good_tried > 0, "{summary}");
    assert_eq!(report.good_correct, report.good_tried, "{summary}");
    if cfg!(target_os = "linux") {
        assert!(report.baseline.is_some(), "no /proc?");
    }
    assert_eq!(report.after, report.baseline, "a leak\n{summary}");
    assert!(report.all_passed(), "{summary}");
}
