//! lesson03's server in-process, on port 0: many clients at once, and
//! handlers that panic, without the accept loop ever stopping.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use lessons::lesson03::server::{
    BACKLOG, Config, Logger, Threads, accept_loop, listen, serve,
};
use testkit::lesson03::{TIMEOUT, connect, conversation, expected, receive};

/// The server's log lines, collected in memory.
type Lines = Arc<Mutex<Vec<String>>>;

fn start(threads: Threads) -> (SocketAddr, Lines) {
    let listener = listen((Ipv4Addr::LOCALHOST, 0).into(), BACKLOG)
        .expect("listen on port 0");
    let addr = listener.local_addr().expect("address");
    let lines: Lines = Arc::default();
    let sink = Arc::clone(&lines);
    let log: Logger = Arc::new(move |line: &str| {
        let mut lines = sink.lock().unwrap_or_else(PoisonError::into_inner);
        lines.push(line.to_string());
    });
    let config = Config {
        log,
        ..Config::default()
    };
    // The server never returns; it ends with the test process.
    thread::spawn(move || serve(listener, config, threads));
    (addr, lines)
}

/// Polls (bounded) until `count` log lines contain `text`.
fn wait_for_lines(lines: &Lines, text: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let found: Vec<String> = lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|line| line.contains(text))
            .cloned()
            .collect();
        if found.len() >= count {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {count} lines containing {text:?}",
            found.len()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn two_hundred_concurrent_clients_all_get_their_own_replies() {
    const CLIENTS: usize = 200;
    let (addr, lines) = start(Threads::PerClient);
    let handles: Vec<_> = (0..CLIENTS)
        .map(|id| {
            thread::spawn(move || {
                let names =
                    [format!("a{id}"), format!("李{id}"), format!("c{id}")];
                let names: Vec<&str> =
                    names.iter().map(String::as_str).collect();
                let heard = conversation(addr, &names);
                (heard, expected(&names))
            })
        })
        .collect();
    for handle in handles {
        let (heard, wanted) = handle.join().expect("client thread");
        assert_eq!(heard, wanted);
    }
    wait_for_lines(&lines, "closed.", CLIENTS);
    let accepted = wait_for_lines(&lines, "Accept new connection", CLIENTS);
    assert_eq!(accepted.len(), CLIENTS);
}

#[test]
fn clients_are_served_while_another_is_connected_and_silent() {
    let (addr, _lines) = start(Threads::PerClient);
    let mut silent = connect(addr);
    assert_eq!(receive(&mut silent), "Welcome!");
    // With a thread per client, the silent one holds up nobody.
    assert_eq!(conversation(addr, &["Ann"]), expected(&["Ann"]));
}

#[test]
fn one_at_a_time_server_serves_the_next_client_after_the_first() {
    let (addr, lines) = start(Threads::OneAtATime);
    assert_eq!(conversation(addr, &["Ann"]), expected(&["Ann"]));
    wait_for_lines(&lines, "closed.", 1);
    assert_eq!(conversation(addr, &["Bo"]), expected(&["Bo"]));
}

/// A handler that panics (on every other connection) does not stop the
/// accept loop: each connection's thread fails alone. The shared mutex
/// it held while panicking is "poisoned"; the next handler takes the data
/// anyway, because a counter cannot be left half-updated.
#[test]
fn a_panicking_handler_does_not_take_the_server_down() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let served = Arc::new(AtomicUsize::new(0));
    let shared = Arc::new(Mutex::new(0_u32));
    let (count, data) = (Arc::clone(&served), Arc::clone(&shared));
    let handler = move |mut stream: TcpStream, _peer: SocketAddr| {
        let turn = count.fetch_add(1, Ordering::SeqCst);
        let mut guard = data.lock().unwrap_or_else(PoisonError::into_inner);
        *guard += 1;
        if turn % 2 == 0 {
            panic!("handler {turn} panics on purpose (this is a test)");
        }
        // One write_all of the whole text: `write!` would send "ok " and
        // the number in separate writes, and one read might see only the
        // first (this protocol's framing is one read per message).
        let _ = stream.write_all(format!("ok {turn}").as_bytes());
    };
    let quiet: Logger = Arc::new(|_: &str| {});
    thread::spawn(move || accept_loop(listener, quiet, handler));

    for turn in 0..6 {
        let mut stream = connect(addr);
        let heard = receive(&mut stream);
        if turn % 2 == 0 {
            assert_eq!(heard, "", "turn {turn}: the panic closes the socket");
        } else {
            assert_eq!(heard, format!("ok {turn}"));
        }
    }
    assert!(shared.is_poisoned());
    let total = *shared.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(total, 6);
}

/// `converse` over an in-memory `Stream`: the conversation, byte for byte,
/// without a socket.
mod in_memory {
    use std::cell::RefCell;
    use std::io::{Cursor, ErrorKind};
    use std::time::Duration;

    use lessons::lesson03::connection::{
        ConversationEnd, converse, describe_error,
    };
    use lessons::lesson03::protocol::{BUFFER_SIZE, TOO_LONG_REPLY};
    use testkit::stream::Stream;

    /// Plays `stream` against `converse`: how it ended, what it wrote,
    /// and what it logged.
    fn play(mut stream: Stream) -> (ConversationEnd, String, Vec<String>) {
        let lines = RefCell::new(Vec::new());
        let log = |line: &str| lines.borrow_mut().push(line.to_string());
        let ending = converse(&mut stream, Duration::ZERO, &log).unwrap();
        let written = String::from_utf8(stream.written().to_vec()).unwrap();
        (ending, written, lines.into_inner())
    }

    /// Each message arrives in a read of its own.
    fn run(messages: &[&[u8]]) -> (ConversationEnd, String, Vec<String>) {
        play(Stream::apart(messages))
    }

    #[test]
    fn the_tutorial_session() {
        let (ending, written, log) =
            run(&[b"Michael", b"Tracy", b"Sarah", b"exit"]);
        assert_eq!(ending, ConversationEnd::Exit);
        assert_eq!(
            written,
            "Welcome!Hello, Michael!Hello, Tracy!Hello, Sarah!"
        );
        assert!(log.is_empty());
    }

    #[test]
    fn netcat_lines_closed_stream_and_bad_bytes() {
        let (ending, written, log) = run(&[b"Bob\n", b"\xc3\x28\n"]);
        assert_eq!(ending, ConversationEnd::Closed);
        assert_eq!(
            written,
            "Welcome!Hello, Bob!\n\
             Error: that was not UTF-8 text, so not a name.\n"
        );
        assert_eq!(log, ["sent 3 bytes that are not UTF-8 text"]);
    }

    /// One read is one message, so a name that trickles in a byte at a
    /// time is greeted byte by byte: the framing's weakness, pinned.
    #[test]
    fn one_byte_per_read_is_one_message_per_byte() {
        let (ending, written, _) =
            play(Stream::new(b"Ann").one_byte_at_a_time());
        assert_eq!(ending, ConversationEnd::Closed);
        assert_eq!(written, "Welcome!Hello, A!Hello, n!Hello, n!");
        // A multi-byte character split across reads is not text.
        let li = "李".as_bytes();
        let (_, written, log) = run(&[&li[..1], &li[1..]]);
        assert!(written.starts_with("Welcome!Error: that was not UTF-8"));
        assert_eq!(log.len(), 2);
    }

    #[test]
    fn an_oversized_message_ends_the_conversation() {
        let big = vec![b'x'; BUFFER_SIZE];
        let (ending, written, _) = run(&[&big, b"Alice"]);
        assert_eq!(ending, ConversationEnd::TooLong);
        assert_eq!(written, format!("Welcome!{TOO_LONG_REPLY}"));
    }

    /// A signal that interrupts a read is no reason to end: the read is
    /// tried again. Short writes are made up for.
    #[test]
    fn interrupted_reads_and_short_writes_change_nothing() {
        let stream = Stream::apart(["Ann", "exit"])
            .fail_read_at(0, ErrorKind::Interrupted)
            .fail_read_at(3, ErrorKind::Interrupted)
            .fail_read_at(3, ErrorKind::Interrupted)
            .write_at_most(3);
        let (ending, written, log) = play(stream);
        assert_eq!(ending, ConversationEnd::Exit);
        assert_eq!(written, "Welcome!Hello, Ann!");
        assert!(log.is_empty());
    }

    #[test]
    fn errors_pass_through() {
        let mut reset = Stream::new(b"").then_fail(ErrorKind::ConnectionReset);
        let error = converse(&mut reset, Duration::ZERO, &|_| {}).unwrap_err();
        assert_eq!(reset.written(), b"Welcome!");
        let idle = Duration::from_secs(5);
        assert_eq!(describe_error(&error, idle), "reset by the client");
        // A read timeout mid-conversation ends it, after the replies so far.
        let mut silent = Stream::apart(["Ann", "Bob"])
            .fail_read_at(3, ErrorKind::WouldBlock);
        let error = converse(&mut silent, Duration::ZERO, &|_| {}).unwrap_err();
        assert_eq!(describe_error(&error, idle), "idle for 5 s, timed out");
        assert_eq!(silent.written(), b"Welcome!Hello, Ann!");
        // A client gone mid-reply: the write's error comes back.
        let mut gone =
            Stream::new(b"Ann").writes_fail_from(10, ErrorKind::BrokenPipe);
        let error = converse(&mut gone, Duration::ZERO, &|_| {}).unwrap_err();
        assert_eq!(
            describe_error(&error, idle),
            "the client went away mid-reply"
        );
        assert_eq!(gone.written(), b"Welcome!He");
        // A cursor is a Read + Write too; reading it from the end is EOF.
        let mut cursor = Cursor::new(Vec::new());
        assert_eq!(
            converse(&mut cursor, Duration::ZERO, &|_| {}).unwrap(),
            ConversationEnd::Closed
        );
    }
}

mod generated {
    use std::cell::RefCell;
    use std::time::Duration;

    use lessons::lesson03::connection::{ConversationEnd, converse};
    use lessons::lesson03::protocol::{BUFFER_SIZE, WELCOME};
    use proptest::prelude::*;
    use testkit::stream::Stream;

    proptest! {
        /// Whatever a client sends, in whatever pieces: no panic, the
        /// welcome first, and a conversation that ends the way the
        /// protocol says.
        #[test]
        fn any_bytes_in_any_pieces(
            chunks in prop::collection::vec(
                prop::collection::vec(any::<u8>(), 1..1100),
                0..8,
            )
        ) {
            let mut stream = Stream::apart(&chunks);
            let lines = RefCell::new(0);
            let log = |_: &str| *lines.borrow_mut() += 1;
            let ending = converse(&mut stream, Duration::ZERO, &log);
            prop_assert!(stream.written().starts_with(WELCOME));
            let too_long = chunks.iter().any(|c| c.len() >= BUFFER_SIZE);
            match ending {
                Ok(ConversationEnd::TooLong) => prop_assert!(too_long),
                Ok(ConversationEnd::Closed) => prop_assert_eq!(stream.unread(), 0),
                Ok(ConversationEnd::Exit) => {}
                Err(error) => prop_assert!(false, "error {error}"),
            }
        }
    }
}

// --- the bounded fuzz run and its corpus (tests/corpus/lesson03_message)

use testkit::fuzz;

mod fuzzed {
    use std::time::Duration;

    use lessons::lesson03::connection::converse;
    use lessons::lesson03::protocol::{
        BUFFER_SIZE, EXIT, Message, TOO_LONG_REPLY, WELCOME, classify,
        ends_with_newline, not_utf8_reply, reply,
    };
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    use super::fuzz;
    use testkit::stream::Stream;

    /// What one read should be, said with std: drop one `\n` or `\r\n`,
    /// then the rest is a name if `str::from_utf8` takes it.
    fn expected(bytes: &[u8]) -> Message<'_> {
        if bytes.len() >= BUFFER_SIZE {
            return Message::TooLong;
        }
        let text = bytes
            .strip_suffix(b"\r\n")
            .or_else(|| bytes.strip_suffix(b"\n"))
            .unwrap_or(bytes);
        match std::str::from_utf8(text) {
            Ok(name) if name == EXIT => Message::Exit,
            Ok(name) => Message::Name {
                name,
                newline: text.len() < bytes.len(),
            },
            Err(_) => Message::NotUtf8,
        }
    }

    /// What the server must write for these reads: the welcome, then
    /// each read's answer, up to `exit` or an oversized message.
    fn conversation(pieces: &[Vec<u8>]) -> Vec<u8> {
        let mut want = WELCOME.to_vec();
        for piece in pieces {
            let answer = match expected(piece) {
                // A read of 0 bytes is the end of the stream.
                _ if piece.is_empty() => break,
                Message::Exit => break,
                Message::Name { name, newline } => reply(name, newline),
                Message::NotUtf8 => not_utf8_reply(ends_with_newline(piece)),
                Message::TooLong => {
                    want.extend_from_slice(TOO_LONG_REPLY.as_bytes());
                    break;
                }
            };
            want.extend_from_slice(answer.as_bytes());
        }
        want
    }

    /// `classify` agrees with std; the conversation, fed the message
    /// whole and one byte at a time (each byte a message of its own, in
    /// this protocol), never fails and says exactly what it should.
    fn check_message(bytes: &[u8]) -> Result<(), TestCaseError> {
        prop_assert_eq!(classify(bytes), expected(bytes));
        let whole = vec![bytes.to_vec()];
        let bytewise: Vec<Vec<u8>> =
            bytes.chunks(1).map(<[u8]>::to_vec).collect();
        for pieces in [whole, bytewise] {
            let mut stream = Stream::apart(&pieces);
            let ending = converse(&mut stream, Duration::ZERO, &|_| {});
            prop_assert!(ending.is_ok(), "{:?}", ending);
            prop_assert_eq!(stream.written(), conversation(&pieces));
        }
        Ok(())
    }

    #[test]
    fn corpus_messages() {
        for (name, bytes) in fuzz::corpus("lesson03_message") {
            if let Err(error) = check_message(&bytes) {
                panic!("tests/corpus/lesson03_message/{name}: {error}");
            }
        }
    }

    proptest! {
        #![proptest_config(fuzz::config())]

        #[test]
        fn fuzz_mutated_messages(bytes in fuzz::mutated_corpus("lesson03_message")) {
            check_message(&bytes)?;
        }
    }
}
