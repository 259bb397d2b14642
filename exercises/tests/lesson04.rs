// Checks for the lesson04 exercises (chapter 4).
//
//     cargo test -p exercises --test lesson04
//
// A failing test names the exercise and the input it tried. Socket tests
// use loopback only (127.0.0.1, port 0), every socket has a timeout, and
// every wait is bounded, so a mistake fails a test instead of hanging it.

use std::io::{BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use check::{Stream, bytes, case};
use exercises::lesson04::{
    AfterReset, Bulk, BulkDecoder, BulkError, Line, Lines, ask_and_read_to_end,
    drain_and_close,
};

/// How long a test's own helpers wait for anything.
const WAIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------
// Exercise 4.1: lines that survive a line too long

/// What one call of `next_line` gave: a line, or the error's kind.
type Got = Result<Line, ErrorKind>;

fn text(line: &str) -> Got {
    Ok(Line::Text(line.as_bytes().to_vec()))
}

const TOO_LONG: Got = Ok(Line::TooLong);
const END: Got = Ok(Line::End);

/// Results as text, so a failure shows bytes as escaped text.
fn shown(results: &[Got]) -> Vec<String> {
    results
        .iter()
        .map(|result| match result {
            Ok(Line::Text(line)) => format!("Ok(Text({}))", bytes(line)),
            other => format!("{other:?}"),
        })
        .collect()
}

/// Calls `next_line` until `End` (at most 100 calls), over `stream`,
/// and shows what each call gave.
fn all_lines(stream: Stream, max_len: usize) -> Vec<String> {
    let mut lines = Lines::new(BufReader::new(stream), max_len);
    let mut seen = Vec::new();
    for _ in 0..100 {
        let next = lines.next_line().map_err(|e| e.kind());
        let end = next == END;
        seen.push(next);
        if end {
            break;
        }
    }
    shown(&seen)
}

/// How a test cuts a stream: whole, in pieces, one byte at a time.
const CUTS: [(&str, &[usize]); 4] = [
    ("whole", &[]),
    ("in pieces of 3, 1, 2", &[3, 1, 2]),
    ("in pieces of 2, 7", &[2, 7]),
    ("one byte at a time", &[1]),
];

fn cut(stream: Stream, sizes: &[usize]) -> Stream {
    match sizes {
        [] => stream,
        sizes => stream.in_pieces(sizes),
    }
}

/// Checks `input` read whole and cut in every way of `CUTS`.
fn check_lines(input: &[u8], max_len: usize, wanted: &[Got], note: &str) {
    for (how, sizes) in CUTS {
        let stream = cut(Stream::new(input), sizes);
        case(
            "4.1",
            format!(
                "Lines::new(reader, {max_len}), then next_line() until End, \
                 over {} {how}{note}",
                bytes(input)
            ),
        )
        .expect(shown(wanted), move || all_lines(stream, max_len));
    }
}

#[test]
fn ex4_1_basic() {
    check_lines(b"", 10, &[END], "");
    check_lines(
        b"Michael\nexit\n",
        10,
        &[text("Michael"), text("exit"), END],
        "",
    );
    check_lines(
        b"Michael\r\nexit\r\n",
        10,
        &[text("Michael"), text("exit"), END],
        "",
    );
    check_lines(b"\n\r\n", 10, &[text(""), text(""), END], "");
    check_lines(b"a\rb\n", 10, &[text("a\rb"), END], "");
    check_lines(b"no newline", 20, &[text("no newline"), END], "");
    check_lines("张三\n".as_bytes(), 6, &[text("张三"), END], "");
    check_lines(b"\xff\x00\n", 10, &[Ok(Line::Text(vec![0xff, 0])), END], "");
}

#[test]
fn ex4_1_exactly_one_cr() {
    let why = " (only the one \\r just before the \\n belongs to the ending)";
    check_lines(b"a\r\r\n", 10, &[text("a\r"), END], why);
    check_lines(b"\r\r\n", 10, &[text("\r"), END], why);
    check_lines(b"x\r\n\r\r\n", 10, &[text("x"), text("\r"), END], why);
    let why = " (no \\n came, so the \\r is part of the last line)";
    check_lines(b"last\r", 10, &[text("last\r"), END], why);
}

#[test]
fn ex4_1_the_limit() {
    check_lines(b"1234567890\n", 10, &[text("1234567890"), END], "");
    check_lines(
        b"1234567890\r\n",
        10,
        &[text("1234567890"), END],
        " (the \\r\\n does not count)",
    );
    check_lines(b"12345678901\n", 10, &[TOO_LONG, END], "");
    check_lines(b"12345678901", 10, &[TOO_LONG, END], "");
    check_lines(b"1234567890", 10, &[text("1234567890"), END], "");
    check_lines(
        b"1234567890\r",
        10,
        &[TOO_LONG, END],
        " (no \\n came: the \\r counts)",
    );
    check_lines(b"\n", 0, &[text(""), END], "");
    check_lines(b"\r\n", 0, &[text(""), END], "");
    check_lines(b"a\n", 0, &[TOO_LONG, END], "");
}

#[test]
fn ex4_1_skips_the_rest_of_a_long_line() {
    let why = " (after TooLong, skip to the end of that line)";
    check_lines(
        b"12345678901234567890\nnext\n",
        10,
        &[TOO_LONG, text("next"), END],
        why,
    );
    check_lines(
        b"1234567890\rx\nok\n",
        10,
        &[TOO_LONG, text("ok"), END],
        why,
    );
    check_lines(
        b"ok\n123456789012345\r\nfine\r\n12345678901\n",
        10,
        &[text("ok"), TOO_LONG, text("fine"), TOO_LONG, END],
        why,
    );
}

#[test]
fn ex4_1_never_buffers_past_the_limit() {
    // 1000 bytes with no `\n`, and a reset at byte 40. A reader that
    // waits for the `\n` before it says TooLong meets the reset first.
    let long = [b'a'; 1000];
    for (how, sizes) in CUTS {
        let stream = cut(
            Stream::new(&long).fail_read_at(40, ErrorKind::ConnectionReset),
            sizes,
        );
        case(
            "4.1",
            format!(
                "Lines::new(reader, 10), then next_line() until End, over \
                 1000 bytes \"aaa...\" without a newline {how}, with a \
                 ConnectionReset at byte 40 (say TooLong after at most 12 \
                 bytes, long before the reset)"
            ),
        )
        .expect(
            shown(&[TOO_LONG, Err(ErrorKind::ConnectionReset), END]),
            move || all_lines(stream, 10),
        );
    }
}

#[test]
fn ex4_1_never_buffers_past_the_limit_even_with_a_cr() {
    // A `\r` may end a line, but not 5 bytes past the limit.
    let input = b"aaaaaaaaaaaaaaa\r\nok\n";
    let cuts = CUTS
        .into_iter()
        .chain([("in pieces of 5, 11", &[5, 11][..])]);
    for (how, sizes) in cuts {
        let stream = cut(
            Stream::new(input).fail_read_at(16, ErrorKind::WouldBlock),
            sizes,
        );
        case(
            "4.1",
            format!(
                "Lines::new(reader, 10), then next_line() until End, over {} \
                 {how}, with a WouldBlock at byte 16 (say TooLong before it)",
                bytes(input)
            ),
        )
        .expect(
            shown(&[TOO_LONG, Err(ErrorKind::WouldBlock), text("ok"), END]),
            move || all_lines(stream, 10),
        );
    }
}

#[test]
fn ex4_1_errors_keep_what_was_read() {
    for kind in [ErrorKind::WouldBlock, ErrorKind::TimedOut] {
        let cases: [(&[u8], usize, Vec<Got>); 4] = [
            (
                b"Michael\nTracy\n",
                4,
                vec![Err(kind), text("Michael"), text("Tracy"), END],
            ),
            (b"a\r\n", 2, vec![Err(kind), text("a"), END]),
            (
                b"aaaaaaaaaaaaaaaaaaaaaaa\nok\n",
                15,
                vec![TOO_LONG, Err(kind), text("ok"), END],
            ),
            (
                b"aaaaaaaaaaaaaaaaaaaaaaa\nok\n",
                23,
                vec![TOO_LONG, Err(kind), text("ok"), END],
            ),
        ];
        for (input, at, wanted) in cases {
            for (how, sizes) in CUTS {
                let stream =
                    cut(Stream::new(input).fail_read_at(at, kind), sizes);
                case(
                    "4.1",
                    format!(
                        "Lines::new(reader, 10), then next_line() until End, \
                         over {} {how}, with a {kind:?} at byte {at} (the next \
                         call goes on where the last one stopped)",
                        bytes(input)
                    ),
                )
                .expect(shown(&wanted), move || all_lines(stream, 10));
            }
        }
    }
    // Interrupted is not news: read again.
    let stream =
        Stream::new(b"Mi\nchael\n").fail_read_at(1, ErrorKind::Interrupted);
    case(
        "4.1",
        "Lines::new(reader, 10), then next_line() until End, over \
         \"Mi\\nchael\\n\" with an Interrupted at byte 1 (retry it)",
    )
    .expect(shown(&[text("Mi"), text("chael"), END]), move || {
        all_lines(stream, 10)
    });
}

#[test]
fn ex4_1_wrong_answers() {
    // Each of these is a mistake that is easy to make.
    check_lines(
        b"a\r\r\n",
        10,
        &[text("a\r"), END],
        " (trimming every \\r at the end is one too many)",
    );
    let stream =
        Stream::new(b"Mich\nael\n").fail_read_at(2, ErrorKind::WouldBlock);
    case(
        "4.1",
        "next_line() until End over \"Mich\\nael\\n\" with a WouldBlock at \
         byte 2 (the half line \"Mi\" must survive the timeout)",
    )
    .expect(
        shown(&[Err(ErrorKind::WouldBlock), text("Mich"), text("ael"), END]),
        move || all_lines(stream, 10),
    );
    let stream = Stream::new(b"aaaaaaaaaaaaaaaaaaaa\nok\n")
        .fail_read_at(15, ErrorKind::WouldBlock);
    case(
        "4.1",
        "next_line() until End over a 20-byte line (limit 10) with a \
         WouldBlock at byte 15 (after the timeout, go on skipping: the \
         last 5 bytes are not a line)",
    )
    .expect(
        shown(&[TOO_LONG, Err(ErrorKind::WouldBlock), text("ok"), END]),
        move || all_lines(stream, 10),
    );
}

// ---------------------------------------------------------------------
// Exercise 4.2: length-prefixed values

fn value(data: &[u8]) -> Result<Bulk, BulkError> {
    Ok(Bulk::Value(data.to_vec()))
}

/// Results as text, so a failure shows bytes as escaped text.
fn shown_bulk(results: &[Result<Bulk, BulkError>]) -> Vec<String> {
    results
        .iter()
        .map(|result| match result {
            Ok(Bulk::Value(data)) => format!("Ok(Value({}))", bytes(data)),
            other => format!("{other:?}"),
        })
        .collect()
}

/// Pushes `input` cut by `sizes` (all at once if empty), and shows what
/// the pushes return, up to the first error.
fn decode(input: &[u8], max_len: usize, sizes: &[usize]) -> Vec<String> {
    let mut decoder = BulkDecoder::new(max_len);
    let mut seen = Vec::new();
    let mut rest = input;
    let mut turn = 0;
    loop {
        let size = match sizes {
            [] => rest.len(),
            sizes => sizes[turn % sizes.len()].min(rest.len()),
        };
        turn += 1;
        let (piece, after) = rest.split_at(size);
        rest = after;
        for result in decoder.push(piece) {
            let failed = result.is_err();
            seen.push(result);
            if failed {
                return shown_bulk(&seen);
            }
        }
        if rest.is_empty() {
            return shown_bulk(&seen);
        }
    }
}

/// Checks `input` pushed whole and cut in every way of `CUTS`.
fn check_bulk(
    input: &[u8],
    max_len: usize,
    wanted: &[Result<Bulk, BulkError>],
) {
    for (how, sizes) in CUTS {
        let input = input.to_vec();
        case(
            "4.2",
            format!(
                "BulkDecoder::new({max_len}), then push({}) {how}",
                bytes(&input)
            ),
        )
        .expect(shown_bulk(wanted), move || decode(&input, max_len, sizes));
    }
}

#[test]
fn ex4_2_basic() {
    check_bulk(b"$5\r\nhello\r\n", 16, &[value(b"hello")]);
    check_bulk(
        b"$5\r\nhello\r\n$3\r\nbye\r\n",
        16,
        &[value(b"hello"), value(b"bye")],
    );
    check_bulk(b"$0\r\n\r\n", 16, &[value(b"")]);
    check_bulk(b"$-1\r\n", 16, &[Ok(Bulk::Null)]);
    check_bulk(b"$-1\r\n$1\r\na\r\n", 16, &[Ok(Bulk::Null), value(b"a")]);
    check_bulk(b"$12\r\nhello, world\r\n", 16, &[value(b"hello, world")]);
    check_bulk(b"", 16, &[]);
    check_bulk(b"$5\r\nhel", 16, &[]);
    check_bulk(b"$5\r\nhello\r", 16, &[]);
}

#[test]
fn ex4_2_any_bytes_in_a_value() {
    check_bulk(b"$7\r\nhi\r\nyou\r\n", 16, &[value(b"hi\r\nyou")]);
    check_bulk(b"$4\r\n\r\n\r\n\r\n", 16, &[value(b"\r\n\r\n")]);
    check_bulk(b"$5\r\n$-1\r\n\r\n", 16, &[value(b"$-1\r\n")]);
    check_bulk(b"$3\r\n\x00\xff\n\r\n", 16, &[value(b"\x00\xff\n")]);
}

#[test]
fn ex4_2_bad_headers() {
    let bad = [
        &b"+5\r\nhello\r\n"[..],
        b"hello\r\n",
        b"\r\n",
        b"$+5\r\nhello\r\n",
        b"$ 5\r\nhello\r\n",
        b"$5 \r\nhello\r\n",
        b"$05\r\nhello\r\n",
        b"$00\r\n\r\n",
        b"$-0\r\n",
        b"$-2\r\n",
        b"$-11\r\n",
        b"$-\r\n",
        b"$\r\n",
        b"$1-\r\n",
        b"$5\nhello\r\n",
        b"$5\rxhello\r\n",
        b"$-1\r\r\n",
        b"$5\r\r\nhello\r\n",
    ];
    for input in bad {
        check_bulk(input, 16, &[Err(BulkError::BadHeader)]);
    }
    check_bulk(
        b"$1\r\na\r\n:1\r\n",
        16,
        &[value(b"a"), Err(BulkError::BadHeader)],
    );
    check_bulk(
        b"$-1\r\n\r\n",
        16,
        &[Ok(Bulk::Null), Err(BulkError::BadHeader)],
    );
}

#[test]
fn ex4_2_the_limit_and_the_ending() {
    check_bulk(
        b"$16\r\n0123456789abcdef\r\n",
        16,
        &[value(b"0123456789abcdef")],
    );
    check_bulk(
        b"$17\r\n0123456789abcdefg\r\n",
        16,
        &[Err(BulkError::TooLong)],
    );
    check_bulk(b"$100\r\n", 16, &[Err(BulkError::TooLong)]);
    check_bulk(b"$0\r\n\r\n", 0, &[value(b"")]);
    check_bulk(b"$1\r\na\r\n", 0, &[Err(BulkError::TooLong)]);
    check_bulk(b"$2\r\nhiXY", 16, &[Err(BulkError::BadEnding)]);
    check_bulk(b"$2\r\nhi\n", 16, &[Err(BulkError::BadEnding)]);
    check_bulk(b"$2\r\nhi\rX", 16, &[Err(BulkError::BadEnding)]);
    check_bulk(b"$0\r\nX\r\n", 16, &[Err(BulkError::BadEnding)]);
    check_bulk(
        b"$1\r\na\r\n$2\r\nabc\r\n",
        16,
        &[value(b"a"), Err(BulkError::BadEnding)],
    );
}

#[test]
fn ex4_2_errors_as_soon_as_known() {
    // Each push on its own: the error shows before the message is over.
    let cases: [(&[u8], usize, BulkError); 6] = [
        (b"$100", 16, BulkError::TooLong),
        (b"$17", 16, BulkError::TooLong),
        (
            b"$99999999999999999999999999",
            usize::MAX,
            BulkError::TooLong,
        ),
        (b"$+", 16, BulkError::BadHeader),
        (b"$05", 16, BulkError::BadHeader),
        (b"$2\r\nhiX", 16, BulkError::BadEnding),
    ];
    for (input, max_len, error) in cases {
        case(
            "4.2",
            format!(
                "BulkDecoder::new({max_len}), then push({}) (say so now: \
                 waiting for more cannot make it right)",
                bytes(input)
            ),
        )
        .expect(shown_bulk(&[Err(error)]), move || {
            shown_bulk(&BulkDecoder::new(max_len).push(input))
        });
    }
    // Values come out as soon as their last byte is pushed.
    case(
        "4.2",
        "BulkDecoder::new(16), push(\"$5\\r\\nhello\\r\"), then push(\"\\n\")",
    )
    .expect((vec![], shown_bulk(&[value(b"hello")])), || {
        let mut decoder = BulkDecoder::new(16);
        let first = shown_bulk(&decoder.push(b"$5\r\nhello\r"));
        (first, shown_bulk(&decoder.push(b"\n")))
    });
    // After an error, the stream is out of step for good.
    case(
        "4.2",
        "BulkDecoder::new(16), push(\"$1\\r\\naXY\"), then push(\"$1\\r\\na\\r\\n\") \
         and push(\"\")",
    )
    .expect(
        vec![shown_bulk(&[Err(BulkError::BadEnding)]); 3],
        || {
            let mut decoder = BulkDecoder::new(16);
            [&b"$1\r\naXY"[..], b"$1\r\na\r\n", b""]
                .map(|piece| shown_bulk(&decoder.push(piece)))
                .to_vec()
        },
    );
}

#[test]
fn ex4_2_wrong_answers() {
    // Looking for "\r\n" to find the end of the value.
    check_bulk(b"$7\r\nhi\r\nyou\r\n", 16, &[value(b"hi\r\nyou")]);
    // `str::parse` accepts a `+` and leading zeros; `trim` eats spaces.
    for input in [&b"$+1\r\na\r\n"[..], b"$01\r\na\r\n", b"$ 1\r\na\r\n"] {
        check_bulk(input, 16, &[Err(BulkError::BadHeader)]);
    }
    // Skipping two bytes after the value without looking at them.
    check_bulk(b"$1\r\naXY$1\r\nb\r\n", 16, &[Err(BulkError::BadEnding)]);
    // A null has no data and no second "\r\n".
    check_bulk(b"$-1\r\n$0\r\n\r\n", 16, &[Ok(Bulk::Null), value(b"")]);
}

// ---------------------------------------------------------------------
// Exercise 4.3: half-close, then read to the end, within a deadline

/// Accepts one connection within `WAIT`, or none.
fn accept_within(listener: &TcpListener) -> Option<TcpStream> {
    listener.set_nonblocking(true).ok()?;
    let start = Instant::now();
    while start.elapsed() < WAIT {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).ok()?;
                stream.set_read_timeout(Some(WAIT)).ok()?;
                stream.set_write_timeout(Some(WAIT)).ok()?;
                return Some(stream);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return None,
        }
    }
    None
}

/// A server on a thread: accepts one client, reads its request until
/// the end of the stream (or `WAIT`), then acts `answer`. The handle
/// returns the request it read, and whether it saw its end.
fn server(
    answer: impl FnOnce(&mut TcpStream) + Send + 'static,
) -> (SocketAddr, JoinHandle<(Vec<u8>, bool)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    let handle = thread::spawn(move || {
        let Some(mut stream) = accept_within(&listener) else {
            return (Vec::new(), false);
        };
        let mut request = Vec::new();
        let ended = stream.read_to_end(&mut request).is_ok();
        answer(&mut stream);
        (request, ended)
    });
    (address, handle)
}

/// What the learner's call gave, as something we can compare.
type Answer = Result<Vec<u8>, ErrorKind>;

fn ask(address: SocketAddr, request: &[u8], limit: Duration) -> Answer {
    ask_and_read_to_end(address, request, limit).map_err(|e| e.kind())
}

/// An answer as text, so a failure shows bytes as escaped text.
fn ask_shown(
    address: SocketAddr,
    request: &[u8],
    limit: Duration,
) -> Result<String, ErrorKind> {
    ask(address, request, limit).map(|answer| bytes(&answer))
}

fn ask_case(what: &str, request: &[u8], limit: Duration) -> check::Case {
    case(
        "4.3",
        format!(
            "ask_and_read_to_end(server, {}, {limit:?}), {what}",
            bytes(request)
        ),
    )
}

#[test]
fn ex4_3_basic() {
    for request in [&b"Michael\nTracy\n"[..], b"exit", b""] {
        let (address, handle) = server(|stream| {
            let _ = stream.write_all(b"that was all, thank you");
        });
        let call = ask_case(
            "against a server that answers once your request has ended \
             (did you shutdown(Write)?)",
            request,
            Duration::from_secs(2),
        );
        let owned = request.to_vec();
        call.expect(Ok(bytes(b"that was all, thank you")), move || {
            ask_shown(address, &owned, Duration::from_secs(2))
        });
        let seen = handle.join().expect("the test server");
        call.same(&(bytes(&seen.0), seen.1), &(bytes(request), true));
    }
}

#[test]
fn ex4_3_answer_in_pieces() {
    let (address, _handle) = server(|stream| {
        for piece in [&b"one "[..], b"two ", b"three"] {
            let _ = stream.write_all(piece);
            thread::sleep(Duration::from_millis(30));
        }
    });
    ask_case(
        "against a server that answers in three writes, 30 ms apart",
        b"count",
        Duration::from_secs(2),
    )
    .expect(Ok(bytes(b"one two three")), move || {
        ask_shown(address, b"count", Duration::from_secs(2))
    });

    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let sent = big.clone();
    let (address, _handle) = server(move |stream| {
        let _ = stream.write_all(&sent);
    });
    let call = ask_case(
        "against a server that answers with 300000 bytes",
        b"all of it",
        Duration::from_secs(3),
    );
    let got =
        call.run(move || ask(address, b"all of it", Duration::from_secs(3)));
    call.check(
        got.as_ref().is_ok_and(|answer| *answer == big),
        format!(
            "your code gave {} instead of the 300000 bytes the server sent",
            match &got {
                Ok(answer) => format!("{} bytes", answer.len()),
                Err(kind) => format!("Err({kind:?})"),
            }
        ),
    );
}

#[test]
fn ex4_3_errors_as_they_are() {
    // Nobody listens: refused.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    drop(listener);
    ask_case("where nobody listens", b"hi", Duration::from_secs(2))
        .expect(Err(ErrorKind::ConnectionRefused), move || {
            ask(address, b"hi", Duration::from_secs(2))
        });

    // The server closes without reading the request: its kernel resets.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    thread::spawn(move || {
        if let Some(stream) = accept_within(&listener) {
            thread::sleep(Duration::from_millis(200));
            drop(stream);
        }
    });
    ask_case(
        "against a server that closes without reading (so it resets)",
        b"hello?",
        Duration::from_secs(3),
    )
    .expect(Err(ErrorKind::ConnectionReset), move || {
        ask(address, b"hello?", Duration::from_secs(3))
    });
}

/// Runs the learner's call and returns its result and how long it took.
fn timed_ask(
    call: &check::Case,
    address: SocketAddr,
    limit: Duration,
) -> (Answer, Duration) {
    call.run(move || {
        let start = Instant::now();
        let answer = ask(address, b"hi", limit);
        (answer, start.elapsed())
    })
}

/// Checks that the call timed out, and in time.
fn check_timed_out(
    call: &check::Case,
    (answer, took): (Answer, Duration),
    limit: Duration,
) {
    call.same(&answer.map(|a| a.len()), &Err(ErrorKind::TimedOut));
    call.check(
        took < limit + Duration::from_millis(400),
        format!(
            "your code took {took:?}: the whole exchange must end within \
             {limit:?}"
        ),
    );
}

#[test]
fn ex4_3_deadline_for_the_whole_exchange() {
    let limit = Duration::from_millis(500);
    // A server that sends one byte every 40 ms, for up to 4 s.
    let (address, _handle) = server(|stream| {
        for _ in 0..100 {
            if stream.write_all(b".").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(40));
        }
    });
    let call = ask_case(
        "against a server that sends a byte every 40 ms for 4 s (a read \
         timeout alone never fires: give up when the limit is over)",
        b"hi",
        limit,
    );
    let got = timed_ask(&call, address, limit);
    check_timed_out(&call, got, limit);

    // A server that reads the request and then says nothing for 3 s.
    let (address, _handle) = server(|_stream| {
        thread::sleep(Duration::from_secs(3));
    });
    let call = ask_case(
        "against a server that never answers (the timeout is TimedOut, on \
         Unix too, where a read timeout says WouldBlock)",
        b"hi",
        limit,
    );
    let got = timed_ask(&call, address, limit);
    check_timed_out(&call, got, limit);
}

#[cfg(target_os = "linux")]
#[test]
fn ex4_3_connecting_counts_too() {
    // A listener that never accepts, with its queue full: the kernel
    // drops further SYNs, so a connect with no time limit waits for
    // minutes. Fill the queue until a short connect times out.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    let mut queued = Vec::new();
    let mut full = false;
    for _ in 0..2000 {
        match TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(_) => {
                full = true;
                break;
            }
        }
    }
    let limit = Duration::from_millis(500);
    let call = ask_case(
        "against a listener whose queue is full (connect with a time \
         limit: TcpStream::connect_timeout)",
        b"hi",
        limit,
    );
    let got = timed_ask(&call, address, limit);
    if !full {
        eprintln!("note: the listen queue never filled; nothing to check");
        return;
    }
    check_timed_out(&call, got, limit);
    drop(queued);
}

// ---------------------------------------------------------------------
// Exercise 4.4: after a reset

/// What a read or write reports: `Ok(0)`, or the error's kind.
type Report = Result<usize, ErrorKind>;

/// The model's answers to a sequence of `r` (read) and `w` (write).
fn model(fin_came_first: bool, ops: &str) -> Vec<Report> {
    let mut socket = AfterReset::new(fin_came_first);
    ops.chars()
        .map(|op| match op {
            'r' => socket.read(),
            _ => socket.write(),
        })
        .collect()
}

fn ops_call(fin_came_first: bool, ops: &str) -> String {
    let calls: Vec<&str> = ops
        .chars()
        .map(|op| if op == 'r' { "read()" } else { "write()" })
        .collect();
    format!(
        "AfterReset::new({fin_came_first}), then {}",
        calls.join(", ")
    )
}

const RESET: Report = Err(ErrorKind::ConnectionReset);
const PIPE: Report = Err(ErrorKind::BrokenPipe);
const ZERO: Report = Ok(0);

/// Measured on Linux (the test below measures them again).
fn after_reset_cases() -> Vec<(bool, &'static str, Vec<Report>)> {
    vec![
        (false, "r", vec![RESET]),
        (false, "w", vec![RESET]),
        (false, "rrww", vec![RESET, ZERO, PIPE, PIPE]),
        (false, "wwrr", vec![RESET, PIPE, ZERO, ZERO]),
        (false, "rwrw", vec![RESET, PIPE, ZERO, PIPE]),
        (false, "wrwr", vec![RESET, ZERO, PIPE, ZERO]),
        (true, "rrww", vec![ZERO, ZERO, PIPE, PIPE]),
        (true, "wwrr", vec![PIPE, PIPE, ZERO, ZERO]),
        (true, "rwrw", vec![ZERO, PIPE, ZERO, PIPE]),
    ]
}

#[test]
fn ex4_4_basic() {
    case("4.4", ops_call(false, "rrw"))
        .expect(vec![RESET, ZERO, PIPE], || model(false, "rrw"));
    case("4.4", ops_call(true, "rw"))
        .expect(vec![ZERO, PIPE], || model(true, "rw"));
}

#[test]
fn ex4_4_the_reset_is_reported_once() {
    for (fin, ops, wanted) in after_reset_cases() {
        case("4.4", ops_call(fin, ops)).expect(wanted, move || model(fin, ops));
    }
}

#[test]
fn ex4_4_wrong_answers() {
    let cases = [
        (
            false,
            "rr",
            vec![RESET, ZERO],
            "reported once, not on every call",
        ),
        (
            false,
            "wr",
            vec![RESET, ZERO],
            "once for the whole socket, not once for reads and once for writes",
        ),
        (true, "r", vec![ZERO], "after a FIN, a read finds the end"),
        (
            true,
            "w",
            vec![PIPE],
            "after a FIN, the first write says BrokenPipe",
        ),
    ];
    for (fin, ops, wanted, why) in cases {
        case("4.4", format!("{} ({why})", ops_call(fin, ops)))
            .expect(wanted, move || model(fin, ops));
    }
}

/// A connected pair on loopback, both with timeouts.
#[cfg(target_os = "linux")]
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let ours = TcpStream::connect(listener.local_addr().expect("address"))
        .expect("connect");
    let theirs = accept_within(&listener).expect("accept");
    ours.set_read_timeout(Some(WAIT)).expect("timeout");
    ours.set_write_timeout(Some(WAIT)).expect("timeout");
    (ours, theirs)
}

/// `ours` after the peer's RST arrived (after its FIN, if `fin_first`),
/// with nothing left to read.
#[cfg(target_os = "linux")]
fn reset_socket(fin_first: bool) -> TcpStream {
    let (mut ours, theirs) = pair();
    if fin_first {
        // The peer closes: FIN. Our next write is answered with RST.
        drop(theirs);
        thread::sleep(Duration::from_millis(50));
        ours.write_all(b"x").expect("the first write after a FIN");
    } else {
        // The peer closes with our byte unread: its kernel sends RST.
        ours.write_all(b"x").expect("write");
        thread::sleep(Duration::from_millis(50));
        drop(theirs);
    }
    thread::sleep(Duration::from_millis(100));
    ours
}

#[cfg(target_os = "linux")]
#[test]
fn ex4_4_matches_this_machine() {
    for (fin, ops, _) in after_reset_cases() {
        let call = case("4.4", ops_call(fin, ops));
        let modelled = call.run(move || model(fin, ops));
        let mut socket = reset_socket(fin);
        let mut buffer = [0u8; 16];
        let real: Vec<Report> = ops
            .chars()
            .map(|op| match op {
                'r' => socket.read(&mut buffer),
                _ => socket.write(b"y"),
            })
            .map(|result| result.map_err(|e| e.kind()))
            .collect();
        call.check(
            modelled == real,
            format!(
                "your model says {modelled:?}, a real socket on this \
                 machine said {real:?}"
            ),
        );
    }
}

// ---------------------------------------------------------------------
// Exercise 4.5: drain the accept queue

const GOODBYE: &str = "Server shutting down, goodbye.";

/// What a queued client saw: everything it read, and how reading ended.
type Seen = (String, Result<(), ErrorKind>);

/// A client that connects now (the listener never accepts it) and, on a
/// thread, sends `first` (if any), reads until the end of the stream,
/// then waits `linger` before it closes.
fn queued_client(
    address: SocketAddr,
    first: &'static [u8],
    linger: Duration,
) -> JoinHandle<Seen> {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    stream.set_write_timeout(Some(WAIT)).expect("timeout");
    stream.write_all(first).expect("write");
    thread::spawn(move || {
        let mut got = Vec::new();
        let ended =
            stream.read_to_end(&mut got).map(drop).map_err(|e| e.kind());
        thread::sleep(linger);
        (String::from_utf8_lossy(&got).into_owned(), ended)
    })
}

/// A client that never closes: it reads one line, then holds on for
/// `hold`, sending a byte every `every` if that is set.
fn stubborn_client(
    address: SocketAddr,
    hold: Duration,
    every: Option<Duration>,
) -> JoinHandle<String> {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    stream.set_write_timeout(Some(WAIT)).expect("timeout");
    thread::spawn(move || {
        let start = Instant::now();
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while !line.ends_with(b"\n") && line.len() < 200 {
            match stream.read(&mut byte) {
                Ok(1) => line.push(byte[0]),
                _ => break,
            }
        }
        while start.elapsed() < hold {
            let pause = every.unwrap_or(Duration::from_millis(50));
            thread::sleep(pause);
            if every.is_some() && stream.write_all(b".").is_err() {
                break;
            }
        }
        String::from_utf8_lossy(&line).into_owned()
    })
}

fn new_listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    (listener, address)
}

/// Runs the learner's drain; returns its result and how long it took.
fn drain(
    call: &check::Case,
    listener: TcpListener,
    grace: Duration,
) -> (Result<usize, ErrorKind>, Duration) {
    call.run(move || {
        let start = Instant::now();
        let result =
            drain_and_close(listener, GOODBYE, grace).map_err(|e| e.kind());
        (result, start.elapsed())
    })
}

fn drain_call(clients: &str, grace: Duration) -> check::Case {
    case(
        "4.5",
        format!(
            "drain_and_close(listener, {GOODBYE:?}, {grace:?}) with {clients}"
        ),
    )
}

fn goodbye_then_end() -> Seen {
    (format!("{GOODBYE}\n"), Ok(()))
}

#[test]
fn ex4_5_basic() {
    let (listener, address) = new_listener();
    let clients: Vec<_> = (0..3)
        .map(|_| queued_client(address, b"", Duration::ZERO))
        .collect();
    let grace = Duration::from_secs(3);
    let call = drain_call("3 clients waiting in the queue", grace);
    let (result, took) = drain(&call, listener, grace);
    call.same(&result, &Ok(3));
    for client in clients {
        let seen = client.join().expect("client thread");
        call.same(&seen, &goodbye_then_end());
    }
    call.check(
        took < Duration::from_millis(1500),
        format!(
            "your code took {took:?}, but every client closed at once: \
             stop waiting for a client once its side is closed"
        ),
    );
    let refused = TcpStream::connect_timeout(&address, WAIT).map(drop);
    call.check(
        refused
            .as_ref()
            .is_err_and(|e| e.kind() == ErrorKind::ConnectionRefused),
        format!(
            "after the drain, a connect gave {refused:?}: close the listener"
        ),
    );
}

#[test]
fn ex4_5_empty_queue() {
    let (listener, _address) = new_listener();
    let grace = Duration::from_secs(2);
    let call = drain_call(
        "nobody in the queue (accept without blocking: stop at WouldBlock)",
        grace,
    );
    let (result, took) = drain(&call, listener, grace);
    call.same(&result, &Ok(0));
    call.check(
        took < Duration::from_millis(500),
        format!("your code took {took:?} to find an empty queue"),
    );
}

#[test]
fn ex4_5_waits_for_each_client() {
    // Each client has sent a line nobody read, and closes 300 ms after it
    // has read the goodbye and the end. Reading until each client's FIN
    // is what keeps the close a FIN rather than a reset.
    let (listener, address) = new_listener();
    let linger = Duration::from_millis(300);
    let clients: Vec<_> = (0..3)
        .map(|_| queued_client(address, b"hello\n", linger))
        .collect();
    let grace = Duration::from_secs(3);
    let call = drain_call(
        "3 queued clients that each sent \"hello\\n\" and close 300 ms \
         after your goodbye",
        grace,
    );
    let (result, took) = drain(&call, listener, grace);
    call.same(&result, &Ok(3));
    for client in clients {
        call.same(&client.join().expect("client thread"), &goodbye_then_end());
    }
    call.check(
        took >= Duration::from_millis(250),
        format!(
            "your code returned after {took:?}, before the clients closed: \
             after shutdown(Write), read until each client's end of stream"
        ),
    );
    call.check(
        took < Duration::from_millis(2000),
        format!("your code took {took:?}; the clients closed after 300 ms"),
    );
}

#[test]
fn ex4_5_wrong_answers() {
    // Four clients that never close: one grace period for all of them,
    // not one each.
    let (listener, address) = new_listener();
    let hold = Duration::from_secs(3);
    let clients: Vec<_> = (0..4)
        .map(|_| stubborn_client(address, hold, None))
        .collect();
    let grace = Duration::from_millis(400);
    let call = drain_call(
        "4 queued clients that never close (one grace period in all, not \
         one per client)",
        grace,
    );
    let (result, took) = drain(&call, listener, grace);
    call.same(&result, &Ok(4));
    call.check(
        took < Duration::from_millis(1200),
        format!("your code took {took:?} with a grace period of {grace:?}"),
    );
    for client in clients {
        call.same(
            &client.join().expect("client thread"),
            &format!("{GOODBYE}\n"),
        );
    }

    // A client that keeps talking: each read returns quickly, so only a
    // deadline stops the wait.
    let (listener, address) = new_listener();
    let chatty =
        stubborn_client(address, hold, Some(Duration::from_millis(40)));
    let call = drain_call(
        "1 queued client that sends a byte every 40 ms for 3 s (a read \
         timeout alone never fires: stop at the end of the grace period)",
        grace,
    );
    let (result, took) = drain(&call, listener, grace);
    call.same(&result, &Ok(1));
    call.check(
        took < Duration::from_millis(1200),
        format!("your code took {took:?} with a grace period of {grace:?}"),
    );
    call.same(
        &chatty.join().expect("client thread"),
        &format!("{GOODBYE}\n"),
    );
}
