// Checks for the lesson04 exercises (chapter 4).
//
//     cargo test -p exercises --test lesson04
//
// Each test is one exercise. A failing test names the exercise and the
// input it tried. Socket tests use loopback only, and every wait in them
// is bounded, so a mistake fails a test instead of hanging it.

use std::io::{self, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use exercises::lesson04::{
    Framer, LineRead, ReadOutcome, accept_until_stopped, classify_read,
    read_line_limited, wake_accept,
};

const LIMIT: Duration = Duration::from_secs(10);

/// A reader that hands out one byte per `read`, as TCP may.
struct OneByte<'a>(&'a [u8]);

impl Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.split_first() {
            Some((first, rest)) if !buf.is_empty() => {
                buf[0] = *first;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// Reads lines until the end (or `TooLong`), at most 50 calls.
fn all_lines(reader: &mut impl io::BufRead, max_len: usize) -> Vec<LineRead> {
    let mut seen = Vec::new();
    for _ in 0..50 {
        let read =
            read_line_limited(reader, max_len).expect("no I/O error here");
        let more = matches!(read, LineRead::Line(_));
        seen.push(read);
        if !more {
            break;
        }
    }
    seen
}

#[test]
fn ex4_1_read_line_limited() {
    use LineRead::{End, Line, TooLong};
    let line = |text: &str| Line(text.as_bytes().to_vec());
    let cases: Vec<(&[u8], usize, Vec<LineRead>)> = vec![
        (b"", 10, vec![End]),
        (
            b"Michael\nexit\n",
            10,
            vec![line("Michael"), line("exit"), End],
        ),
        (
            b"Michael\r\nexit\r\n",
            10,
            vec![line("Michael"), line("exit"), End],
        ),
        (
            b"no newline at the end",
            30,
            vec![line("no newline at the end"), End],
        ),
        (b"\n\n", 10, vec![line(""), line(""), End]),
        (b"a\rb\n", 10, vec![line("a\rb"), End]),
        ("张三\n".as_bytes(), 6, vec![line("张三"), End]),
        (b"\xff\xfe\n", 10, vec![Line(vec![0xff, 0xfe]), End]),
        (b"1234567890\n", 10, vec![line("1234567890"), End]),
        (b"1234567890\r\n", 10, vec![line("1234567890"), End]),
        (b"12345678901\n", 10, vec![TooLong]),
        (b"ok\n12345678901234567890", 10, vec![line("ok"), TooLong]),
        (b"12345678901", 10, vec![TooLong]),
    ];
    for (input, max_len, expected) in cases {
        let whole = all_lines(&mut &input[..], max_len);
        assert_eq!(
            whole, expected,
            "Exercise 4.1: read_line_limited over {input:?} (max {max_len}), whole"
        );
        let mut one_byte = BufReader::with_capacity(1, OneByte(input));
        assert_eq!(
            all_lines(&mut one_byte, max_len),
            expected,
            "Exercise 4.1: read_line_limited over {input:?} (max {max_len}), one byte at a time"
        );
    }
    // A line that never ends: stop after the limit, not at the end.
    let endless = vec![b'a'; 100_000];
    let mut reader = BufReader::with_capacity(1, OneByte(&endless));
    assert_eq!(
        read_line_limited(&mut reader, 100).expect("no I/O error"),
        TooLong,
        "Exercise 4.1: read_line_limited over 100000 bytes without a newline (max 100)"
    );
    let left = reader.get_ref().0.len() + reader.buffer().len();
    assert!(
        left >= 100_000 - 102,
        "Exercise 4.1: read_line_limited read {} bytes of a line longer than 100; \
         stop after at most 102",
        100_000 - left
    );

    // Interrupted is retried; any other error is returned.
    struct Flaky(Vec<io::Result<u8>>);
    impl Read for Flaky {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.pop() {
                None => Ok(0),
                Some(Ok(byte)) => {
                    buf[0] = byte;
                    Ok(1)
                }
                Some(Err(e)) => Err(e),
            }
        }
    }
    // Popped from the end: "o", Interrupted, "k", "\n".
    let script = vec![
        Ok(b'\n'),
        Ok(b'k'),
        Err(io::ErrorKind::Interrupted.into()),
        Ok(b'o'),
    ];
    let mut reader = BufReader::with_capacity(1, Flaky(script));
    let got = read_line_limited(&mut reader, 10);
    assert_eq!(
        got.ok(),
        Some(LineRead::Line(b"ok".to_vec())),
        "Exercise 4.1: read_line_limited must retry after Interrupted"
    );
    let script = vec![Err(io::ErrorKind::ConnectionReset.into()), Ok(b'o')];
    let mut reader = BufReader::with_capacity(1, Flaky(script));
    let got = read_line_limited(&mut reader, 10).map_err(|e| e.kind());
    assert_eq!(
        got,
        Err(io::ErrorKind::ConnectionReset),
        "Exercise 4.1: read_line_limited must return a ConnectionReset error"
    );
}

#[test]
fn ex4_2_classify_read() {
    use io::ErrorKind::*;
    let cases = [
        (Ok(0), ReadOutcome::Closed),
        (Ok(1), ReadOutcome::Data(1)),
        (Ok(1024), ReadOutcome::Data(1024)),
        (Err(ConnectionReset), ReadOutcome::Reset),
        (Err(ConnectionAborted), ReadOutcome::Reset),
        (Err(BrokenPipe), ReadOutcome::Reset),
        (Err(WouldBlock), ReadOutcome::TimedOut),
        (Err(TimedOut), ReadOutcome::TimedOut),
        (Err(Interrupted), ReadOutcome::Retry),
        (Err(PermissionDenied), ReadOutcome::Failed),
        (Err(InvalidData), ReadOutcome::Failed),
        (Err(UnexpectedEof), ReadOutcome::Failed),
    ];
    for (result, expected) in cases {
        let result: io::Result<usize> = result.map_err(io::Error::from);
        assert_eq!(
            classify_read(&result),
            expected,
            "Exercise 4.2: classify_read({result:?})"
        );
    }
    // The same on real sockets: a read timeout, then the peer's close.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let mut client =
        TcpStream::connect(listener.local_addr().unwrap()).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    client
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut buffer = [0u8; 16];
    let timed_out = client.read(&mut buffer);
    assert_eq!(
        classify_read(&timed_out),
        ReadOutcome::TimedOut,
        "Exercise 4.2: classify_read of a real read timeout ({timed_out:?})"
    );
    drop(server);
    client.set_read_timeout(Some(LIMIT)).unwrap();
    let closed = client.read(&mut buffer);
    assert_eq!(
        classify_read(&closed),
        ReadOutcome::Closed,
        "Exercise 4.2: classify_read after the peer closed ({closed:?})"
    );
}

/// Starts a thread blocked in `accept`; the receiver hears when it returns.
fn blocked_acceptor(listener: TcpListener) -> mpsc::Receiver<bool> {
    let (done, returned) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(listener.accept().is_ok());
    });
    returned
}

#[test]
fn ex4_3_wake_accept() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    let loopback = SocketAddr::from(([127, 0, 0, 1], port));
    let returned = blocked_acceptor(listener);
    let woke = wake_accept(loopback).map_err(|e| e.to_string());
    assert_eq!(
        woke,
        Ok(loopback),
        "Exercise 4.3: wake_accept({loopback}) should connect to {loopback}"
    );
    assert_eq!(
        returned.recv_timeout(LIMIT),
        Ok(true),
        "Exercise 4.3: wake_accept({loopback}) did not wake the blocked accept"
    );

    // A server listening on every interface is reached through loopback.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    let returned = blocked_acceptor(listener);
    let everywhere = SocketAddr::from(([0, 0, 0, 0], port));
    let woke = wake_accept(everywhere).map_err(|e| e.to_string());
    assert_eq!(
        woke,
        Ok(SocketAddr::from(([127, 0, 0, 1], port))),
        "Exercise 4.3: wake_accept({everywhere}) should connect to 127.0.0.1:{port}"
    );
    assert_eq!(
        returned.recv_timeout(LIMIT),
        Ok(true),
        "Exercise 4.3: wake_accept({everywhere}) did not wake the blocked accept"
    );
}

#[test]
fn ex4_4_accept_until_stopped() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (done, finished) = mpsc::channel();
    let flag = Arc::clone(&stop);
    thread::spawn(move || {
        let result = accept_until_stopped(&listener, &flag, |mut stream| {
            let _ = stream.write_all(b"hi\n");
        });
        let _ = done.send(result.map_err(|e| e.to_string()));
    });
    let read_all = |stream: &mut TcpStream| {
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        text
    };
    for i in 0..3 {
        let mut client = TcpStream::connect(address).unwrap_or_else(|e| {
            panic!("Exercise 4.4: accept_until_stopped: client {i} cannot connect: {e}")
        });
        assert_eq!(
            read_all(&mut client),
            "hi\n",
            "Exercise 4.4: accept_until_stopped should hand client {i} to serve"
        );
    }
    stop.store(true, Ordering::SeqCst);
    let mut waker = TcpStream::connect(address).expect("connect the waker");
    assert_eq!(
        finished.recv_timeout(LIMIT),
        Ok(Ok(3)),
        "Exercise 4.4: accept_until_stopped should return Ok(3) once stop is set \
         and a connection wakes it"
    );
    assert_eq!(
        read_all(&mut waker),
        "",
        "Exercise 4.4: accept_until_stopped must not serve the connection that woke it"
    );
}

#[test]
fn ex4_5_framer() {
    let cases: [(&[u8], &[&str]); 7] = [
        (b"", &[]),
        (b"Michael\nexit\n", &["Michael", "exit"]),
        (b"Michael\r\nexit\r\n", &["Michael", "exit"]),
        (b"Michaelexit", &[]),
        (b"\n\nend", &["", ""]),
        ("张三\nZoë\n".as_bytes(), &["张三", "Zoë"]),
        (b"bad \xff byte\n", &["bad \u{fffd} byte"]),
    ];
    for (input, expected) in cases {
        let mut framer = Framer::new();
        assert_eq!(
            framer.push(input),
            expected,
            "Exercise 4.5: Framer::push({input:?}) all at once"
        );
        let mut framer = Framer::new();
        let one_at_a_time: Vec<String> = input
            .iter()
            .flat_map(|byte| framer.push(&[*byte]))
            .collect();
        assert_eq!(
            one_at_a_time, expected,
            "Exercise 4.5: Framer::push over {input:?} one byte at a time"
        );
    }
    let mut framer = Framer::new();
    let pieces: [(&[u8], &[&str]); 4] = [
        (b"Mich", &[]),
        (b"ael\nex", &["Michael"]),
        (b"it\nTr", &["exit"]),
        (b"acy\n", &["Tracy"]),
    ];
    for (piece, expected) in pieces {
        assert_eq!(
            framer.push(piece),
            expected,
            "Exercise 4.5: Framer::push({piece:?}) after the pieces before it"
        );
    }
}
