// Checks for the lesson03 exercises (chapter 3).
//
//     cargo test -p exercises --test lesson03
//
// Each test is one exercise. A failing test names the exercise and the
// input it tried. No test opens a socket: the conversation runs over
// in-memory streams, which is exactly why it is written over Read + Write.

use std::io::{self, ErrorKind, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use exercises::lesson03::{
    port_from_args, reply_to, serve_connection, spawn_counted,
};

const NOT_UTF8: &str = "Error: that was not UTF-8 text, so not a name.";

#[test]
fn ex3_1_reply_to() {
    let cases: &[(&[u8], Option<&str>)] = &[
        (b"Michael", Some("Hello, Michael!")),
        (b"Tracy\n", Some("Hello, Tracy!\n")),
        (b"Sarah\r\n", Some("Hello, Sarah!\n")),
        (b"", Some("Hello, !")),
        (b"\n", Some("Hello, !\n")),
        (b"two\n\n", Some("Hello, two\n!\n")),
        (b"a\rb", Some("Hello, a\rb!")),
        (b"exit", None),
        (b"exit\n", None),
        (b"exit\r\n", None),
        (b"Exit", Some("Hello, Exit!")),
        (b"exit ", Some("Hello, exit !")),
        (b"exit\n\n", Some("Hello, exit\n!\n")),
        (b"Michaelexit", Some("Hello, Michaelexit!")),
        ("李雷".as_bytes(), Some("Hello, 李雷!")),
        (b"\xff\xfe", Some(NOT_UTF8)),
        (
            b"\xc3\x28\n",
            Some("Error: that was not UTF-8 text, so not a name.\n"),
        ),
        (&"李".as_bytes()[..2], Some(NOT_UTF8)),
    ];
    for (message, expected) in cases {
        assert_eq!(
            reply_to(message).as_deref(),
            *expected,
            "Exercise 3.1: reply_to({:?})",
            String::from_utf8_lossy(message)
        );
    }
}

/// An in-memory stream: each read returns the next scripted chunk (then
/// 0 bytes: end of stream, or an `Interrupted` error where the script
/// says so); writes are recorded.
struct Script {
    reads: Vec<Result<Vec<u8>, ErrorKind>>,
    written: Vec<u8>,
}

impl Script {
    fn new(chunks: &[&[u8]]) -> Script {
        Script {
            reads: chunks.iter().map(|chunk| Ok(chunk.to_vec())).collect(),
            written: Vec::new(),
        }
    }

    /// The same bytes, one per read.
    fn one_byte_at_a_time(bytes: &[u8]) -> Script {
        let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
        Script::new(&chunks)
    }
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.reads.is_empty() {
            return Ok(0);
        }
        match self.reads.remove(0) {
            Ok(chunk) => {
                assert!(chunk.len() <= buf.len(), "read into a small buffer");
                buf[..chunk.len()].copy_from_slice(&chunk);
                Ok(chunk.len())
            }
            Err(kind) => Err(kind.into()),
        }
    }
}

impl Write for Script {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn ex3_2_serve_connection() {
    let tutorial: &[&[u8]] = &[b"Michael", b"Tracy", b"Sarah", b"exit", b"Bob"];
    let cases: Vec<(&str, Script, usize, &str)> = vec![
        (
            "the tutorial's session",
            Script::new(tutorial),
            3,
            "Welcome!Hello, Michael!Hello, Tracy!Hello, Sarah!",
        ),
        (
            "a client that closes at once",
            Script::new(&[]),
            0,
            "Welcome!",
        ),
        (
            "netcat lines, then end of stream",
            Script::new(&[b"Ann\n", b"\xff\n"]),
            2,
            "Welcome!Hello, Ann!\nError: that was not UTF-8 text, so not a name.\n",
        ),
        (
            // One read is one message: a name that arrives a byte at a
            // time is five names. The chapter explains why this framing
            // is fragile; lesson04 fixes it.
            "Tracy, one byte per read",
            Script::one_byte_at_a_time(b"Tracy"),
            5,
            "Welcome!Hello, T!Hello, r!Hello, a!Hello, c!Hello, y!",
        ),
        (
            "two messages in one read",
            Script::new(&[b"Michaelexit"]),
            1,
            "Welcome!Hello, Michaelexit!",
        ),
    ];
    for (what, mut script, answers, written) in cases {
        let result = serve_connection(&mut script);
        assert_eq!(
            result.ok(),
            Some(answers),
            "Exercise 3.2: serve_connection({what}): answers written"
        );
        assert_eq!(
            String::from_utf8_lossy(&script.written),
            written,
            "Exercise 3.2: serve_connection({what}): bytes written"
        );
    }

    // A signal interrupting a read is not an error: read again.
    let mut script = Script::new(&[b"Ann"]);
    script.reads.insert(0, Err(ErrorKind::Interrupted));
    assert_eq!(
        serve_connection(&mut script).ok(),
        Some(1),
        "Exercise 3.2: serve_connection(Interrupted, then \"Ann\")"
    );
    // Any other error ends the conversation with that error.
    let mut script = Script::new(&[b"Ann"]);
    script.reads.push(Err(ErrorKind::ConnectionReset));
    let error = serve_connection(&mut script).err().map(|e| e.kind());
    assert_eq!(
        error,
        Some(ErrorKind::ConnectionReset),
        "Exercise 3.2: serve_connection(\"Ann\", then a reset)"
    );
}

#[test]
fn ex3_3_spawn_counted() {
    const JOBS: usize = 50;
    let active = Arc::new(AtomicUsize::new(0));
    // Every job waits here until the test has counted: no timing involved.
    let gate = Arc::new(Barrier::new(JOBS + 1));
    let handles: Vec<_> = (0..JOBS)
        .map(|job| {
            let gate = Arc::clone(&gate);
            spawn_counted(&active, move || {
                gate.wait();
                if job % 10 == 0 {
                    panic!("job {job} panics on purpose (Exercise 3.3 test)");
                }
            })
        })
        .collect();
    assert_eq!(
        active.load(Ordering::SeqCst),
        JOBS,
        "Exercise 3.3: spawn_counted: {JOBS} threads started, none finished"
    );
    gate.wait();
    let panicked = handles
        .into_iter()
        .map(|handle| handle.join())
        .filter(Result::is_err)
        .count();
    assert_eq!(panicked, JOBS / 10, "Exercise 3.3: the panics happened");
    assert_eq!(
        active.load(Ordering::SeqCst),
        0,
        "Exercise 3.3: spawn_counted: all {JOBS} threads ended, 5 by panicking"
    );
}

#[test]
fn ex3_4_port_from_args() {
    let cases: &[(&[&str], Option<u16>)] = &[
        (&[], Some(9999)),
        (&["client"], Some(9999)),
        (&["--port", "8080"], Some(8080)),
        (&["--port=8080"], Some(8080)),
        (&["--port", "0"], Some(0)),
        (&["--port", "65535"], Some(65535)),
        (&["client", "--port", "7", "Ann"], Some(7)),
        (&["--port", "1", "--port", "2"], Some(2)),
        (&["--port=1", "--port", "2"], Some(2)),
        (&["--slow", "--port", "007"], Some(7)),
        (&["--port"], None),
        (&["--port="], None),
        (&["--port", "65536"], None),
        (&["--port", "-1"], None),
        (&["--port", "+80"], None),
        (&["--port", " 80"], None),
        (&["--port", "eighty"], None),
        (&["--port", "99999999999999999999"], None),
        (&["--port", "1", "--port", "x"], None),
        (&["--port", "--slow"], None),
    ];
    for (args, expected) in cases {
        let result = port_from_args(args);
        if let Err(message) = &result {
            assert!(
                !message.is_empty() && !message.contains('\n'),
                "Exercise 3.4: port_from_args({args:?}): one-line message"
            );
        }
        assert_eq!(
            result.ok(),
            *expected,
            "Exercise 3.4: port_from_args({args:?})"
        );
    }
}
