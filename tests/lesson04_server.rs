//! lesson04's server, in-process, against clients that misbehave:
//! messages split and glued arbitrarily, bytes that are not text, lines
//! that never end, clients that vanish or go silent, and shutdown with
//! clients that do not cooperate. Every socket has a timeout; every loop
//! is bounded.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use lessons::lesson04::lines::{LineError, LineReader};
use lessons::lesson04::log::Log;
use lessons::lesson04::server::{Config, Server, Summary};
use lessons::lesson04::shutdown;
use proptest::prelude::*;
use socket2::SockRef;
use testkit::stream::Stream;

const LIMIT: Duration = Duration::from_secs(10);

struct Running {
    address: SocketAddr,
    shutdown: shutdown::Shutdown,
    log: Log,
    thread: JoinHandle<Summary>,
}

fn start(config: Config) -> Running {
    let log = Log::silent();
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = Server::bind(loopback, config, log.clone()).expect("bind");
    Running {
        address: server.local_addr(),
        shutdown: server.shutdown_handle(),
        log,
        thread: thread::spawn(move || server.run()),
    }
}

impl Running {
    /// Stops the server and waits (bounded) for `run` to return.
    fn stop(self) -> Summary {
        self.shutdown.request();
        let (done, finished) = mpsc::channel();
        thread::spawn(move || {
            let _ = done.send(self.thread.join());
        });
        match finished.recv_timeout(LIMIT) {
            Ok(Ok(summary)) => summary,
            Ok(Err(_)) => panic!("the server thread panicked"),
            Err(_) => panic!("the server did not stop within {LIMIT:?}"),
        }
    }
}

/// One server shared by the tests that only need a well-behaved one.
fn shared_server() -> SocketAddr {
    static SERVER: OnceLock<SocketAddr> = OnceLock::new();
    *SERVER.get_or_init(|| {
        let running = start(Config::default());
        let address = running.address;
        // Never stopped: it lives as long as the test process.
        std::mem::forget(running);
        address
    })
}

fn connect(address: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&address, LIMIT).expect("connect");
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    stream.set_write_timeout(Some(LIMIT)).unwrap();
    stream
}

/// Everything the server sends until it closes (or resets) the stream.
fn read_all(stream: &TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut reader = stream;
    match reader.read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("reading the replies: {e} after {bytes:?}"),
    }
    String::from_utf8(bytes).expect("the server sends UTF-8")
}

fn read_line(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).expect("a line from the server");
    line
}

/// What the server must answer to `names`, then `exit`.
fn expected_replies(names: &[String]) -> String {
    let mut text = String::from("Welcome!\n");
    for name in names {
        if name.is_empty() {
            text.push_str("Send a name, or exit to leave.\n");
        } else {
            text.push_str(&format!("Hello, {name}!\n"));
        }
    }
    text.push_str("Goodbye!\n");
    text
}

/// Sends `bytes` in pieces cut at `cuts`, then reads everything back.
fn converse_in_pieces(bytes: &[u8], cuts: &[usize], pause: bool) -> String {
    let stream = connect(shared_server());
    stream.set_nodelay(true).unwrap();
    let mut cuts: Vec<usize> =
        cuts.iter().map(|cut| cut % (bytes.len() + 1)).collect();
    cuts.push(0);
    cuts.push(bytes.len());
    cuts.sort_unstable();
    cuts.dedup();
    for piece in cuts.windows(2) {
        (&stream).write_all(&bytes[piece[0]..piece[1]]).unwrap();
        if pause {
            thread::sleep(Duration::from_millis(1));
        }
    }
    read_all(&stream)
}

fn conversation_bytes(names: &[String], crlf: bool) -> Vec<u8> {
    let end = if crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    for name in names {
        text.push_str(name);
        text.push_str(end);
    }
    text.push_str("exit");
    text.push_str(end);
    text.into_bytes()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The framing fix over a real socket, both extremes: every byte in its
/// own write (a multi-byte character cut in the middle too), and the
/// whole conversation, `exit` included, in a single write.
#[test]
fn one_byte_per_write_and_all_in_one_write() {
    let names = names(&["Michael", "张三", "", "Tracy"]);
    let bytes = conversation_bytes(&names, false);
    let every_byte: Vec<usize> = (0..bytes.len()).collect();
    assert_eq!(
        converse_in_pieces(&bytes, &every_byte, true),
        expected_replies(&names)
    );
    assert_eq!(
        converse_in_pieces(&bytes, &[], false),
        expected_replies(&names)
    );
    assert_eq!(
        converse_in_pieces(b"Michael\nexit\n", &[], false),
        "Welcome!\nHello, Michael!\nGoodbye!\n",
        "Michael\\nexit\\n in one write"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any sequence of lines, cut into writes anywhere, gets exactly one
    /// reply per line and the goodbye.
    #[test]
    fn lines_split_and_glued_anywhere_get_their_replies(
        names in prop::collection::vec("[a-zA-Z0-9 éü张三李]{0,12}", 0..8),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
        crlf in any::<bool>(),
    ) {
        // `exit` as a name would end the conversation early.
        prop_assume!(names.iter().all(|name| name != "exit"));
        let bytes = conversation_bytes(&names, crlf);
        prop_assert_eq!(
            converse_in_pieces(&bytes, &cuts, false),
            expected_replies(&names)
        );
    }

    /// The line reader alone, fed in arbitrary pieces, agrees with
    /// splitting the whole input on `\n`.
    #[test]
    fn line_reader_agrees_with_split(
        text in "[a\\nb\\r张]{0,40}",
        cuts in prop::collection::vec(any::<usize>(), 0..40),
    ) {
        let bytes = text.as_bytes();
        let mut expected: Vec<String> = text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line).to_string())
            .collect();
        if text.is_empty() || text.ends_with('\n') {
            expected.pop(); // nothing after the last `\n`
        }
        let reader = in_pieces(bytes, &cuts);
        let mut lines = LineReader::new(BufReader::with_capacity(3, reader), 1024);
        let mut seen = Vec::new();
        for _ in 0..=bytes.len() + 1 {
            match lines.read_line() {
                Ok(Some(line)) => seen.push(line),
                Ok(None) => break,
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
        prop_assert_eq!(seen, expected);
    }
}

/// A stream that returns `bytes` in reads of 1 to 5 bytes, as `cuts`
/// says (one cut per read, starting over after the last); no cuts: whole.
fn in_pieces(bytes: &[u8], cuts: &[usize]) -> Stream {
    let sizes: Vec<usize> = cuts.iter().map(|cut| 1 + cut % 5).collect();
    Stream::new(bytes).in_pieces(&sizes)
}

/// What `LineReader` makes of `input` (limit `max`), read whole or one
/// byte at a time, until the end of the stream or a line too long.
fn collect(input: &[u8], max: usize, one_byte: bool) -> Vec<String> {
    let stream = if one_byte {
        Stream::new(input).one_byte_at_a_time()
    } else {
        Stream::new(input)
    };
    let capacity = if one_byte { 1 } else { 8192 };
    let mut lines =
        LineReader::new(BufReader::with_capacity(capacity, stream), max);
    let mut seen = Vec::new();
    for _ in 0..100 {
        match lines.read_line() {
            Ok(Some(line)) => seen.push(format!("line {line:?}")),
            Ok(None) => return seen,
            Err(LineError::TooLong { limit }) => {
                seen.push(format!("too long {limit}"));
                return seen;
            }
            Err(e) => seen.push(format!("error {e}")),
        }
    }
    panic!("no end of stream after 100 calls on {input:?}");
}

/// Lines whole and one byte at a time: line endings, text that is
/// not UTF-8, and the limit.
#[test]
fn lines_whole_and_one_byte_at_a_time() {
    let cases: &[(&[u8], &[&str])] = &[
        (b"", &[]),
        (b"Michael\nexit\n", &["line \"Michael\"", "line \"exit\""]),
        (b"Michael\r\nexit", &["line \"Michael\"", "line \"exit\""]),
        (b"\n\r\n", &["line \"\"", "line \"\""]),
        (
            b"a\xffb\nok\n",
            &["error a line that is not UTF-8 text", "line \"ok\""],
        ),
        ("张三\n".as_bytes(), &["line \"张三\""]),
        (b"1234567\n12345678\n", &["line \"1234567\"", "too long 7"]),
        (b"1234567\r\n", &["line \"1234567\""]),
        (b"1234567890", &["too long 7"]),
    ];
    for (input, expected) in cases {
        for one_byte in [false, true] {
            assert_eq!(
                collect(input, 7, one_byte),
                *expected,
                "input {input:?}, one byte at a time: {one_byte}"
            );
        }
    }
}

/// A read timeout in the middle of a line loses nothing: the next call
/// carries on with the half line it already had.
#[test]
fn a_timeout_mid_line_keeps_the_half_line() {
    // "Mich", a timeout, "ael\nAnn", a timeout and a signal, then "\n".
    let stream = Stream::new(b"Michael\nAnn\n")
        .fail_read_at(4, io::ErrorKind::WouldBlock)
        .fail_read_at(11, io::ErrorKind::TimedOut)
        .fail_read_at(11, io::ErrorKind::Interrupted)
        .in_pieces(&[2]);
    let mut lines = LineReader::new(BufReader::with_capacity(4, stream), 1024);
    let timed_out = |result: Result<Option<String>, LineError>| match result {
        Err(LineError::Io(e)) => e.kind(),
        other => panic!("expected an I/O error, got {other:?}"),
    };
    assert_eq!(timed_out(lines.read_line()), io::ErrorKind::WouldBlock);
    assert!(lines.in_mid_line());
    assert_eq!(lines.read_line().unwrap(), Some("Michael".to_string()));
    assert_eq!(timed_out(lines.read_line()), io::ErrorKind::TimedOut);
    assert!(lines.in_mid_line());
    // An interrupted read is retried, not reported.
    assert_eq!(lines.read_line().unwrap(), Some("Ann".to_string()));
    assert_eq!(lines.read_line().unwrap(), None);
}

/// A line limit holds however the bytes arrive.
#[test]
fn line_limit_with_one_byte_reads() {
    let input = [b"x".repeat(1024), b"\n".to_vec(), b"y".repeat(5000)].concat();
    let stream = Stream::new(&input).one_byte_at_a_time();
    let mut lines = LineReader::new(BufReader::with_capacity(1, stream), 1024);
    assert_eq!(lines.read_line().unwrap(), Some("x".repeat(1024)));
    match lines.read_line() {
        Err(LineError::TooLong { limit: 1024 }) => {}
        other => panic!("expected TooLong, got {other:?}"),
    }
    // It gave up after the limit and one byte of slack for a `\r`,
    // without reading the other 5000 bytes.
    assert_eq!(lines.get_ref().get_ref().unread(), 5000 - 1026);
}

#[test]
fn not_utf8_gets_a_reply_and_the_conversation_goes_on() {
    let stream = connect(shared_server());
    (&stream)
        .write_all(b"abc\xff\xfe\nBob\r\n\xe5\xbc\nexit\n")
        .unwrap();
    assert_eq!(
        read_all(&stream),
        "Welcome!\n\
         error: that line is not UTF-8 text; send UTF-8.\n\
         Hello, Bob!\n\
         error: that line is not UTF-8 text; send UTF-8.\n\
         Goodbye!\n"
    );
}

/// 1 MiB without a newline: a clear error, a close, and the server
/// still serves the next client.
#[test]
fn a_line_that_never_ends_is_cut_off() {
    let address = shared_server();
    let stream = connect(address);
    let writer = stream.try_clone().unwrap();
    let flood = thread::spawn(move || {
        // The server stops reading: this write may fail. That is fine.
        let _ = (&writer).write_all(&vec![b'a'; 1 << 20]);
    });
    let mut reader = BufReader::new(&stream);
    assert_eq!(read_line(&mut reader), "Welcome!\n");
    assert_eq!(
        read_line(&mut reader),
        "error: that line is longer than 1024 bytes; closing.\n"
    );
    let mut rest = String::new();
    // The end of the stream (or a reset, if our flood was still coming).
    let _ = reader.read_to_string(&mut rest);
    assert_eq!(rest, "");
    drop(reader);
    let _ = stream.shutdown(Shutdown::Both);
    flood.join().unwrap();

    let next = connect(address);
    (&next).write_all(b"Sarah\nexit\n").unwrap();
    assert_eq!(read_all(&next), "Welcome!\nHello, Sarah!\nGoodbye!\n");
}

/// Clients that reset, before or after sending, right after connecting
/// or mid-line: the server logs each and goes on serving.
#[test]
fn resets_leave_the_server_serving() {
    let running = start(Config::default());
    let sends: [&[u8]; 4] = [b"", b"Michael\n", b"Mich", b"Tracy\nSarah\n"];
    for data in sends {
        let stream = connect(running.address);
        (&stream).write_all(data).unwrap();
        SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(stream);
    }
    let good = connect(running.address);
    (&good).write_all(b"Zoe\nexit\n").unwrap();
    assert_eq!(read_all(&good), "Welcome!\nHello, Zoe!\nGoodbye!\n");
    drop(good);
    let summary = running.stop();
    assert_eq!(summary.accepted, 5);
}

#[test]
fn many_clients_at_once() {
    let address = shared_server();
    let clients: Vec<_> = (0..40)
        .map(|i| {
            thread::spawn(move || {
                let stream = connect(address);
                let names = names(&[&format!("client{i}"), "again"]);
                (&stream)
                    .write_all(&conversation_bytes(&names, i % 2 == 0))
                    .unwrap();
                (read_all(&stream), expected_replies(&names))
            })
        })
        .collect();
    for client in clients {
        let (got, expected) = client.join().unwrap();
        assert_eq!(got, expected);
    }
}

/// A silent client is told why, then closed; the log says so too.
#[test]
fn idle_clients_are_closed_with_a_message() {
    let config = Config {
        idle_timeout: Duration::from_secs(1),
        ..Config::default()
    };
    let running = start(config);
    let stream = connect(running.address);
    // Half a line, then silence: that is idle too.
    (&stream).write_all(b"Mich").unwrap();
    assert_eq!(
        read_all(&stream),
        "Welcome!\nClosing the connection: you were silent for 1 s.\n"
    );
    drop(stream);
    let log = running.log.clone();
    running.stop();
    assert!(
        log.lines()
            .iter()
            .any(|line| line == "#1 silent for 1 s: closing"),
        "{:#?}",
        log.lines()
    );
}

/// Shutdown with clients in every state, in-process: each gets every
/// reply it is owed, then the notice, then the end of the stream.
#[test]
fn shutdown_answers_what_is_owed_then_says_goodbye() {
    let running = start(Config::default());
    let clients: Vec<TcpStream> =
        (0..10).map(|_| connect(running.address)).collect();
    for (i, client) in clients.iter().enumerate() {
        let text: String = (0..i).map(|k| format!("n{i}-{k}\n")).collect();
        (&*client).write_all(text.as_bytes()).unwrap();
    }
    assert!(running.log.wait_for("#10 ", LIMIT), "all accepted");
    let readers: Vec<_> = clients
        .into_iter()
        .map(|client| thread::spawn(move || read_all(&client)))
        .collect();
    running.stop();
    for (i, reader) in readers.into_iter().enumerate() {
        let mut expected = String::from("Welcome!\n");
        for k in 0..i {
            expected.push_str(&format!("Hello, n{i}-{k}!\n"));
        }
        expected.push_str("Server shutting down, goodbye.\n");
        assert_eq!(reader.join().unwrap(), expected, "client {i}");
    }
}

/// A client that neither reads nor closes cannot hold the server up:
/// after the grace period it is closed anyway and `run` returns.
#[test]
fn shutdown_does_not_wait_for_a_client_that_ignores_it() {
    let running = start(Config::default());
    let stubborn = connect(running.address);
    (&stubborn).write_all(b"Michael\n").unwrap();
    assert!(running.log.wait_for("#1 <- \"Michael\"", LIMIT));
    let keep_talking = stubborn.try_clone().unwrap();
    let talker = thread::spawn(move || {
        // Keep sending after the goodbye, for longer than the grace period.
        for _ in 0..300 {
            if (&keep_talking).write_all(b"more\n").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
    });
    let summary = running.stop();
    assert_eq!(summary.accepted, 1);
    let mut reader = BufReader::new(&stubborn);
    assert_eq!(read_line(&mut reader), "Welcome!\n");
    assert_eq!(read_line(&mut reader), "Hello, Michael!\n");
    // Each `more` the server received before it closed is answered.
    let mut line = read_line(&mut reader);
    for _ in 0..300 {
        if line != "Hello, more!\n" {
            break;
        }
        line = read_line(&mut reader);
    }
    assert_eq!(line, "Server shutting down, goodbye.\n");
    talker.join().unwrap();
}

/// Hundreds of connections opened and dropped at once leave no thread
/// behind: the count of open conversations returns to zero.
#[test]
fn rapid_connects_and_disconnects_leak_nothing() {
    let log = Log::silent();
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = Server::bind(loopback, Config::default(), log).expect("bind");
    let address = server.local_addr();
    let open = server.open_connections();
    let running = Running {
        address,
        shutdown: server.shutdown_handle(),
        log: Log::silent(),
        thread: thread::spawn(move || server.run()),
    };
    for i in 0..300 {
        let stream = connect(address);
        if i % 3 == 0 {
            let _ = (&stream).write_all(b"half a li");
        }
    }
    let good = connect(address);
    (&good).write_all(b"Zoe\nexit\n").unwrap();
    assert_eq!(read_all(&good), "Welcome!\nHello, Zoe!\nGoodbye!\n");
    drop(good);
    // Bounded wait for the last threads to see their client's FIN.
    for _ in 0..1000 {
        if open.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(open.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(running.stop().accepted, 301);
}

// --- the bounded fuzz run and its corpus (tests/corpus/lesson04_lines) -----------

use testkit::fuzz;

/// The line limit of the fuzz run: small, so mutations reach it.
const FUZZ_LIMIT: usize = 16;

/// What the line reader should make of `bytes`, said with std:
/// `split` on `\n`, drop one `\r` at the end of each line, then a line
/// over the limit ends the stream, and `str::from_utf8` decides the rest.
fn lines_by_std(bytes: &[u8]) -> Vec<String> {
    let mut pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|last| last.is_empty()) {
        pieces.pop(); // nothing after the last `\n`
    }
    let mut seen = Vec::new();
    for piece in pieces {
        let line = piece.strip_suffix(b"\r").unwrap_or(piece);
        if line.len() > FUZZ_LIMIT {
            seen.push("too long".to_string());
            return seen;
        }
        match std::str::from_utf8(line) {
            Ok(text) => seen.push(format!("line {text:?}")),
            Err(_) => seen.push("not UTF-8".to_string()),
        }
    }
    seen
}

/// What the line reader makes of `bytes`, read through a buffer of
/// `capacity` bytes from reads cut as `cuts` says.
fn lines_read(bytes: &[u8], capacity: usize, cuts: &[usize]) -> Vec<String> {
    let reader = BufReader::with_capacity(capacity, in_pieces(bytes, cuts));
    let mut lines = LineReader::new(reader, FUZZ_LIMIT);
    let mut seen = Vec::new();
    for _ in 0..=bytes.len() + 1 {
        match lines.read_line() {
            Ok(Some(line)) => seen.push(format!("line {line:?}")),
            Ok(None) => return seen,
            Err(LineError::TooLong { .. }) => {
                seen.push("too long".to_string());
                return seen;
            }
            Err(LineError::NotUtf8) => seen.push("not UTF-8".to_string()),
            Err(LineError::Io(e)) => seen.push(format!("error {e}")),
        }
    }
    seen.push("no end of stream".to_string());
    seen
}

/// Whole, one byte at a time, and in the given pieces: the same lines
/// as std says.
fn check_lines(bytes: &[u8], cuts: &[usize]) -> Result<(), TestCaseError> {
    let expected = lines_by_std(bytes);
    prop_assert_eq!(&lines_read(bytes, 8192, &[]), &expected, "whole");
    let one_byte = vec![0; bytes.len()]; // 1 + 0 % 5: one byte per read
    prop_assert_eq!(&lines_read(bytes, 1, &one_byte), &expected, "bytewise");
    prop_assert_eq!(&lines_read(bytes, 3, cuts), &expected, "{:?}", cuts);
    Ok(())
}

#[test]
fn corpus_lines() {
    for (name, bytes) in fuzz::corpus("lesson04_lines") {
        if let Err(error) = check_lines(&bytes, &[2, 0, 4]) {
            panic!("tests/corpus/lesson04_lines/{name}: {error}");
        }
    }
}

proptest! {
    #![proptest_config(fuzz::config())]

    #[test]
    fn fuzz_mutated_lines(
        bytes in fuzz::mutated_corpus("lesson04_lines"),
        cuts in prop::collection::vec(any::<usize>(), 0..40),
    ) {
        check_lines(&bytes, &cuts)?;
    }
}
