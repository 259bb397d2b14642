//! One protocol, four servers: lesson04's (a thread per client) and
//! lesson07's three designs (a bounded pool, a mio event loop, tokio
//! tasks). Every case runs unchanged against each, in-process on
//! 127.0.0.1:0: the designs differ in how they wait, never in what a
//! client sees. Every socket has a timeout, every wait a bound, and every
//! assertion names the server and the case.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use lessons::lesson04::ending::SHUTDOWN_NOTICE;
use lessons::lesson04::lines::MAX_LINE;
use lessons::lesson04::log::Log;
use lessons::lesson04::server::{self as threads, Config, Summary};
use lessons::lesson04::shutdown::Shutdown as Knock;
use lessons::lesson07::pool::BUSY;
use lessons::lesson07::stop::Stop;
use lessons::lesson07::{self, Design};
use rstest::rstest;
use socket2::SockRef;

/// Every socket timeout and every wait on a server is bounded by this.
const LIMIT: Duration = Duration::from_secs(5);

const NOT_UTF8: &str = "error: that line is not UTF-8 text; send UTF-8.\n";

/// The four servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// lesson04: a thread per client.
    Threads,
    /// lesson07: a few workers and a queue (here 4 and 8).
    Pool,
    /// lesson07: one thread, readiness events.
    Events,
    /// lesson07: tokio tasks.
    Async,
}

/// How a test asks a server to stop: lesson04's handle or lesson07's.
enum StopHandle {
    Threads(Knock),
    Lesson07(Stop),
}

impl StopHandle {
    fn request(&self) {
        match self {
            StopHandle::Threads(knock) => {
                knock.request();
            }
            StopHandle::Lesson07(stop) => {
                stop.request();
            }
        }
    }
}

/// Short timings, so that endings come quickly.
fn quick() -> Config {
    Config {
        idle_timeout: Duration::from_secs(30),
        grace: Duration::from_millis(500),
        tick: Duration::from_millis(50),
        write_timeout: Duration::from_secs(1),
        ..Config::default()
    }
}

impl Kind {
    fn start(self, case: &str) -> Running {
        self.start_with(case, quick(), 4, 8)
    }

    /// Binds on 127.0.0.1:0 and runs the server on a thread of its own.
    /// `workers` and `queue` matter to the pool only.
    fn start_with(
        self,
        case: &str,
        config: Config,
        workers: usize,
        queue: usize,
    ) -> Running {
        let label = format!("{self:?} server, case {case}");
        let log = Log::silent();
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let (finished, done) = mpsc::channel();
        let bound = match self {
            Kind::Threads => {
                let server =
                    threads::Server::bind(loopback, config, log.clone())
                        .unwrap_or_else(|e| panic!("{label}: bind: {e}"));
                let address = server.local_addr();
                let stop = StopHandle::Threads(server.shutdown_handle());
                let thread = thread::spawn(move || {
                    let _ = finished.send(server.run());
                });
                (address, stop, thread)
            }
            lesson07 => {
                let design = match lesson07 {
                    Kind::Pool => Design::Pool { workers, queue },
                    Kind::Events => Design::Events,
                    _ => Design::Async,
                };
                let server = lesson07::Server::bind(
                    design,
                    loopback,
                    config,
                    log.clone(),
                )
                .unwrap_or_else(|e| panic!("{label}: bind: {e}"));
                let address = server.local_addr();
                let stop = StopHandle::Lesson07(server.stop_handle());
                let thread = thread::spawn(move || {
                    let _ = finished.send(server.run());
                });
                (address, stop, thread)
            }
        };
        let (address, stop, thread) = bound;
        Running {
            label,
            address,
            stop,
            log,
            done,
            _thread: thread,
        }
    }
}

/// A server running on its own thread.
struct Running {
    /// `Pool server, case greeting`: in every assertion message.
    label: String,
    address: SocketAddr,
    stop: StopHandle,
    log: Log,
    /// `run`'s result; disconnected if it panicked.
    done: Receiver<Summary>,
    /// Never joined: `done` says when it ended, with a bound.
    _thread: JoinHandle<()>,
}

impl Running {
    fn connect(&self) -> Client {
        let stream = TcpStream::connect_timeout(&self.address, LIMIT)
            .unwrap_or_else(|e| panic!("{}: connect: {e}", self.label));
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        stream.set_write_timeout(Some(LIMIT)).unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            label: self.label.clone(),
            reader: BufReader::new(stream),
        }
    }

    /// A client that has read its welcome.
    fn welcomed(&self) -> Client {
        let mut client = self.connect();
        client.expect_line("Welcome!\n");
        client
    }

    fn request_stop(&self) {
        self.stop.request();
    }

    /// Waits (at most `LIMIT`) for `run` to return, after a stop request.
    fn join(&self) -> Summary {
        match self.done.recv_timeout(LIMIT) {
            Ok(summary) => summary,
            Err(RecvTimeoutError::Timeout) => panic!(
                "{}: run did not return within {LIMIT:?}; log {:#?}",
                self.label,
                self.log.lines()
            ),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("{}: the server thread panicked", self.label)
            }
        }
    }

    /// Requests a stop and waits for `run` to return.
    fn stop(&self) -> Summary {
        self.request_stop();
        self.join()
    }

    /// Waits (bounded) for a log line containing `needle`.
    fn wait_for_log(&self, needle: &str) {
        assert!(
            self.log.wait_for(needle, LIMIT),
            "{}: no log line with {needle:?}; log {:#?}",
            self.label,
            self.log.lines()
        );
    }

    /// Waits (bounded) for a log line containing any of `needles`, and
    /// returns it.
    fn wait_for_any(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + LIMIT;
        loop {
            let lines = self.log.lines();
            let found = lines
                .iter()
                .find(|line| needles.iter().any(|n| line.contains(n)));
            if let Some(line) = found {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "{}: no log line with any of {needles:?}; log {lines:#?}",
                self.label
            );
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Running {
    /// A test that failed half-way still stops its server.
    fn drop(&mut self) {
        self.request_stop();
    }
}

/// One test client.
struct Client {
    label: String,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn stream(&self) -> &TcpStream {
        self.reader.get_ref()
    }

    fn send(&self, bytes: &[u8]) {
        if let Err(e) = self.stream().write_all(bytes) {
            panic!("{}: sending {:?}: {e}", self.label, lossy(bytes));
        }
    }

    /// The next line, `\n` included.
    fn line(&mut self) -> String {
        let mut line = Vec::new();
        if let Err(e) = self.reader.read_until(b'\n', &mut line) {
            panic!(
                "{}: reading a line: {e} after {:?}",
                self.label,
                lossy(&line)
            );
        }
        String::from_utf8(line)
            .unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", self.label))
    }

    fn expect_line(&mut self, expected: &str) {
        let line = self.line();
        assert_eq!(line, expected, "{}", self.label);
    }

    /// Everything until the server closes; a reset fails the test. Then
    /// closes our side too, as a client should once the server has.
    fn rest(mut self) -> String {
        let mut bytes = Vec::new();
        if let Err(e) = self.reader.read_to_end(&mut bytes) {
            panic!(
                "{}: reading to the end: {e} after {:?}",
                self.label,
                lossy(&bytes)
            );
        }
        String::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", self.label))
    }

    /// Asserts that nothing arrives for `wait`.
    fn nothing_for(&mut self, wait: Duration) {
        self.stream().set_read_timeout(Some(wait)).unwrap();
        let heard = self.reader.fill_buf().map(|bytes| bytes.to_vec());
        self.stream().set_read_timeout(Some(LIMIT)).unwrap();
        match heard {
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) => {}
            other => panic!(
                "{}: expected silence for {wait:?}, got {other:?}",
                self.label
            ),
        }
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(120)]).into_owned()
}

/// Reads everything until the server closes, on a thread of its own, so
/// that several clients can wait for their endings at once.
fn rest_on_a_thread(client: Client) -> JoinHandle<String> {
    thread::spawn(move || client.rest())
}

/// Joins a `rest_on_a_thread`, bounded (its socket has a timeout).
fn joined(reader: JoinHandle<String>, label: &str) -> String {
    reader
        .join()
        .unwrap_or_else(|_| panic!("{label}: a reader thread panicked"))
}

/// Each case in it runs against all four servers, as its own test
/// (`greeting::case_2_pool`).
macro_rules! every_server {
    ($($(#[$meta:meta])* fn $name:ident($kind:ident) $body:block)*) => {$(
        $(#[$meta])*
        #[rstest]
        #[case::threads(Kind::Threads)]
        #[case::pool(Kind::Pool)]
        #[case::events(Kind::Events)]
        #[case::tasks(Kind::Async)]
        fn $name(#[case] $kind: Kind) $body
    )*};
}

every_server! {
    /// The welcome, then a greeting per name.
    fn greeting(kind) {
        let server = kind.start("greeting");
        let mut client = server.welcomed();
        client.send(b"Michael\n");
        client.expect_line("Hello, Michael!\n");
        client.send("张三\n".as_bytes());
        client.expect_line("Hello, 张三!\n");
        drop(client);
        let summary = server.stop();
        assert_eq!(summary.accepted, 1, "{}", server.label);
    }

    /// `exit`: the goodbye, then the end of the stream.
    fn exit_says_goodbye_then_closes(kind) {
        let server = kind.start("exit");
        let client = server.welcomed();
        client.send(b"exit\n");
        assert_eq!(client.rest(), "Goodbye!\n", "{}", server.label);
        server.wait_for_log("#1 client said exit");
        server.stop();
    }

    /// A line arrives in pieces, with pauses between them: no reply
    /// until its `\n` came (a `\r\n` split between two writes too).
    fn lines_split_across_writes(kind) {
        let server = kind.start("lines split across writes");
        let mut client = server.welcomed();
        let pause = Duration::from_millis(150);
        client.send(b"Mich");
        client.nothing_for(pause);
        client.send(b"ael\nTr");
        client.expect_line("Hello, Michael!\n");
        client.nothing_for(pause);
        client.send(b"acy\r");
        client.nothing_for(pause);
        client.send(b"\n");
        client.expect_line("Hello, Tracy!\n");
        client.send(b"ex");
        client.nothing_for(pause);
        client.send(b"it\r\n");
        assert_eq!(client.rest(), "Goodbye!\n", "{}", server.label);
        server.stop();
    }

    /// Several lines in one write, `\n` and `\r\n` mixed, `exit` last:
    /// one reply per line, in order, then the goodbye.
    fn lines_coalesced_in_one_write(kind) {
        let server = kind.start("lines coalesced in one write");
        let client = server.welcomed();
        client.send(b"Michael\nTracy\r\nSarah\r\n\r\nexit\n");
        assert_eq!(
            client.rest(),
            "Hello, Michael!\nHello, Tracy!\nHello, Sarah!\n\
             Send a name, or exit to leave.\nGoodbye!\n",
            "{}",
            server.label
        );
        server.stop();
    }

    /// 张 is three bytes; the first write ends after two of them. The
    /// name is answered once, whole, after the rest arrives.
    fn a_character_split_across_writes(kind) {
        let server = kind.start("张伟 split inside a character");
        let mut client = server.welcomed();
        let line = "张伟\n".as_bytes();
        client.send(&line[..2]);
        client.nothing_for(Duration::from_millis(200));
        client.send(&line[2..]);
        client.expect_line("Hello, 张伟!\n");
        client.send(b"exit\n");
        assert_eq!(client.rest(), "Goodbye!\n", "{}", server.label);
        server.stop();
    }

    /// An empty line (`\n` or `\r\n`) is not a name: a hint, and the
    /// conversation goes on.
    fn an_empty_line(kind) {
        let server = kind.start("empty line");
        let mut client = server.welcomed();
        client.send(b"\n");
        client.expect_line("Send a name, or exit to leave.\n");
        client.send(b"\r\n");
        client.expect_line("Send a name, or exit to leave.\n");
        client.send(b"Ann\n");
        client.expect_line("Hello, Ann!\n");
        drop(client);
        server.stop();
    }

    /// Bytes that are not UTF-8: the error line, and the conversation
    /// goes on.
    fn a_line_that_is_not_utf8(kind) {
        let server = kind.start("not UTF-8");
        let mut client = server.welcomed();
        client.send(b"\xff\xfe\xfd\n");
        client.expect_line(NOT_UTF8);
        client.send(b"Bob\n");
        client.expect_line("Hello, Bob!\n");
        client.send(b"exit\n");
        assert_eq!(client.rest(), "Goodbye!\n", "{}", server.label);
        server.stop();
    }

    /// More than `MAX_LINE` bytes and no newline: the too-long farewell,
    /// then the end of the stream.
    fn a_line_too_long(kind) {
        let server = kind.start("line too long");
        let client = server.welcomed();
        client.send(&vec![b'x'; MAX_LINE + 100]);
        assert_eq!(
            client.rest(),
            format!("error: that line is longer than {MAX_LINE} bytes; closing.\n"),
            "{}",
            server.label
        );
        server.wait_for_log("line longer than");
        server.stop();
    }

    /// The limit to the byte: `MAX_LINE` bytes is a name (with `\n` or
    /// with `\r\n`), one byte more is too long.
    fn the_longest_line_and_one_byte_more(kind) {
        let server = kind.start("longest line");
        let mut client = server.welcomed();
        let longest = "x".repeat(MAX_LINE);
        client.send(format!("{longest}\n").as_bytes());
        client.expect_line(&format!("Hello, {longest}!\n"));
        client.send(format!("{longest}\r\n").as_bytes());
        client.expect_line(&format!("Hello, {longest}!\n"));
        client.send(format!("{longest}y\n").as_bytes());
        assert_eq!(
            client.rest(),
            format!("error: that line is longer than {MAX_LINE} bytes; closing.\n"),
            "{}",
            server.label
        );
        server.stop();
    }

    /// Silent for the idle timeout (1 s here): the farewell, then the end
    /// of the stream.
    fn idle_timeout(kind) {
        let config = Config {
            idle_timeout: Duration::from_secs(1),
            ..quick()
        };
        let server = kind.start_with("idle timeout", config, 4, 8);
        let mut client = server.welcomed();
        let started = Instant::now();
        client.expect_line("Closing the connection: you were silent for 1 s.\n");
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(800),
            "{}: the farewell came after {waited:?}",
            server.label
        );
        assert_eq!(client.rest(), "", "{}", server.label);
        server.wait_for_log("silent for 1 s: closing");
        server.stop();
    }

    /// A client that vanishes (SO_LINGER 0, then close: RST instead of
    /// FIN). The server logs the ending and serves the next client.
    fn a_client_reset(kind) {
        let server = kind.start("client reset");
        let client = server.welcomed();
        SockRef::from(client.stream())
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(client);
        let ending = server.wait_for_any(&["connection reset", "read returned 0"]);
        assert!(ending.starts_with("#1 "), "{}: {ending}", server.label);
        let next = server.welcomed();
        next.send(b"Ann\nexit\n");
        assert_eq!(next.rest(), "Hello, Ann!\nGoodbye!\n", "{}", server.label);
        let log = server.log.lines();
        assert!(
            !log.iter().any(|line| line.contains("panicked")),
            "{}: {log:#?}",
            server.label
        );
        server.stop();
    }

    /// A name, then our FIN (`shutdown(Write)`): the reply still comes,
    /// then the server closes too.
    fn a_half_close_still_gets_its_reply(kind) {
        let server = kind.start("half-close");
        let client = server.welcomed();
        client.send(b"Ann\n");
        client.stream().shutdown(Shutdown::Write).unwrap();
        assert_eq!(client.rest(), "Hello, Ann!\n", "{}", server.label);
        server.wait_for_log("#1 read returned 0");
        server.stop();
    }

    /// A name sent, and the stop requested at once: the reply owed comes
    /// first, then the notice, then the end of the stream; `run` returns
    /// soon after.
    fn shutdown_delivers_the_reply_owed(kind) {
        let server = kind.start("shutdown with a reply owed");
        let client = server.welcomed();
        client.send(b"Michael\n");
        let started = Instant::now();
        server.request_stop();
        assert_eq!(
            client.rest(),
            format!("Hello, Michael!\n{SHUTDOWN_NOTICE}\n"),
            "{}",
            server.label
        );
        let summary = server.join();
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "{}: run returned {took:?} after the stop request",
            server.label
        );
        assert_eq!(summary.accepted, 1, "{}", server.label);
    }

    /// After its goodbye the server waits for the client's FIN for the
    /// grace period (`Config::grace`), no longer: a client that never
    /// closes its side cannot hold up the stop, however long the write
    /// timeout is.
    fn a_client_that_never_closes_waits_only_the_grace_period(kind) {
        let config = Config {
            grace: Duration::from_millis(200),
            write_timeout: Duration::from_secs(3),
            ..quick()
        };
        let server = kind.start_with("client never closes", config, 4, 8);
        let mut client = server.welcomed();
        client.send(b"exit\n");
        client.expect_line("Goodbye!\n");
        let started = Instant::now();
        server.stop();
        let took = started.elapsed();
        assert!(
            took < Duration::from_millis(1500),
            "{}: run returned {took:?} after the stop request (grace 200 ms)",
            server.label
        );
        drop(client);
    }

    /// Once `run` has returned, the port is closed: a connect is refused.
    fn refused_after_shutdown(kind) {
        let server = kind.start("connect after shutdown");
        let client = server.welcomed();
        client.send(b"exit\n");
        assert_eq!(client.rest(), "Goodbye!\n", "{}", server.label);
        server.stop();
        match TcpStream::connect_timeout(&server.address, LIMIT) {
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {}
            other => panic!("{}: connect after shutdown: {other:?}", server.label),
        }
    }
}

/// The pool with one worker and a queue of one: the first client holds
/// the worker, the second waits in the queue, the third is told `busy`
/// and closed, without a welcome.
#[test]
fn pool_turns_a_client_away_when_the_queue_is_full() {
    let server = Kind::Pool.start_with("busy", quick(), 1, 1);
    let held = server.welcomed();
    let mut queued = server.connect();
    server.wait_for_log("#2 ");
    let third = server.connect();
    assert_eq!(third.rest(), format!("{BUSY}\n"), "{}", server.label);
    server.wait_for_log("#3 queue full: busy");
    queued.nothing_for(Duration::from_millis(100));
    server.request_stop();
    let readers = [held, queued].map(rest_on_a_thread);
    for reader in readers {
        joined(reader, &server.label);
    }
    assert_eq!(server.join().accepted, 3, "{}", server.label);
}

/// At shutdown, a client still waiting in the pool's queue is not
/// dropped: a worker takes it, welcomes it, and tells it goodbye.
#[test]
fn pool_shutdown_drains_the_queue() {
    let server =
        Kind::Pool.start_with("shutdown drains the queue", quick(), 1, 1);
    let held = server.welcomed();
    let mut queued = server.connect();
    server.wait_for_log("#2 ");
    queued.nothing_for(Duration::from_millis(200));
    server.request_stop();
    let [held, queued] = [held, queued].map(rest_on_a_thread);
    let notice = format!("{SHUTDOWN_NOTICE}\n");
    assert_eq!(
        joined(held, &server.label),
        notice,
        "{}: held",
        server.label
    );
    assert_eq!(
        joined(queued, &server.label),
        format!("Welcome!\n{notice}"),
        "{}: queued",
        server.label
    );
    assert_eq!(server.join().accepted, 2, "{}", server.label);
}
