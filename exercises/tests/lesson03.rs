// Checks for the lesson03 exercises (chapter 3).
//
//     cargo test -p exercises --test lesson03
//
// A failing test names the exercise and the call it made. Streams are
// `check::Stream`s that cut the input into pieces and take only part of
// each write, as sockets may; the sockets of Exercise 3.4 and 3.5 are on
// 127.0.0.1, on a free port, with a timeout on each.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use check::{Stream, bytes, case, text};
use exercises::lesson03::{
    BUSY, CLIENT_TIMEOUT, Limit, TalkError, admit, converse_with_memory,
    parse_target, serve_n, talk,
};

/// What your code wrote to `stream`, as text (what it writes is text).
fn written_text(stream: &Stream) -> String {
    String::from_utf8_lossy(stream.written()).into_owned()
}

// ---------------------------------------------------------------------
// Exercise 3.1: parse_target

/// Checks `parse_target(target)`: the value, or just "an error" (whose
/// message must be one line, not empty).
fn target(target: &'static str, wanted: Result<(&str, u16), &str>) {
    let call = case("3.1", format!("parse_target({})", text(target)));
    let got = call.run(move || parse_target(target));
    if let Err(message) = &got {
        call.check(
            !message.trim().is_empty() && !message.contains('\n'),
            format_args!("the error must be one line, not empty: {message:?}"),
        );
    }
    // Any one-line message will do: the reason is only shown.
    let error = match wanted {
        Err(reason) => format!("an error ({reason})"),
        Ok(_) => "an error".to_string(),
    };
    let got = got.map_err(|_| error.clone());
    let wanted = wanted
        .map(|(host, port)| (host.to_string(), port))
        .map_err(|_| error);
    call.same(&got, &wanted);
}

#[test]
fn ex3_1_basic() {
    target("127.0.0.1:8080", Ok(("127.0.0.1", 8080)));
    target("localhost:9999", Ok(("localhost", 9999)));
    target("localhost", Ok(("localhost", 9999)));
    target("127.0.0.1", Ok(("127.0.0.1", 9999)));
    target("example.org:1", Ok(("example.org", 1)));
    target("127.0.0.1:65535", Ok(("127.0.0.1", 65535)));
}

#[test]
fn ex3_1_ipv6_in_brackets() {
    target("[::1]:8080", Ok(("::1", 8080)));
    target("[::1]", Ok(("::1", 9999)));
    target("[fe80::1:2]:80", Ok(("fe80::1:2", 80)));
    target("[::ffff:127.0.0.1]:7", Ok(("::ffff:127.0.0.1", 7)));
    target("::1", Err("brackets needed"));
    target("::1:8080", Err("brackets needed"));
    target("fe80::1", Err("brackets needed"));
    target("[::1", Err("no closing bracket"));
    target("[::1]8080", Err("':' missing after ']'"));
    target("[::1]:", Err("empty port"));
    target("[]:80", Err("empty brackets"));
    target("[localhost]:80", Err("not an IPv6 address"));
    target("[127.0.0.1]:80", Err("not an IPv6 address"));
    target("[::1]:80]", Err("not a port"));
}

#[test]
fn ex3_1_bad_ports() {
    target("localhost:", Err("empty port"));
    target("localhost:0", Err("port 0"));
    target("localhost:65536", Err("too big"));
    target("localhost:99999999999999999999", Err("too big"));
    target("localhost:-1", Err("a sign"));
    target("localhost:+80", Err("a sign"));
    target("localhost: 80", Err("a space"));
    target("localhost:80 ", Err("a space"));
    target("localhost:eighty", Err("not digits"));
    target("localhost:８０", Err("not ASCII digits"));
    target("localhost:000080", Err("six digits"));
    target("localhost:08080", Ok(("localhost", 8080)));
}

#[test]
fn ex3_1_bad_hosts() {
    target("", Err("empty"));
    target(":80", Err("no host"));
    target("local host:80", Err("a space"));
    target(" localhost", Err("a space"));
    target("localhost]:80", Err("a bracket"));
    target("a[b:80", Err("a bracket"));
}

#[test]
fn ex3_1_wrong_answers() {
    // `"+80".parse::<u16>()` is Ok(80): digits must be checked.
    target("127.0.0.1:+80", Err("a sign"));
    // Splitting at the last ':' takes "::1" as host ":" and port 1.
    target("::1", Err("brackets needed"));
    // Splitting at the first ':' would take the port from inside.
    target("[::1]:9", Ok(("::1", 9)));
    // Port 0 is "any port" only for a server.
    target("127.0.0.1:0", Err("port 0"));
}

// ---------------------------------------------------------------------
// Exercise 3.2: converse_with_memory

type Visits = Arc<Mutex<HashMap<String, u32>>>;

fn visits(entries: &[(&str, u32)]) -> Visits {
    let map = entries.iter().map(|&(name, n)| (name.to_string(), n));
    Arc::new(Mutex::new(map.collect()))
}

fn map_of(visits: &Visits) -> HashMap<String, u32> {
    visits.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// One conversation over `stream` (described by `what`) with `visits`:
/// checks the answers counted and the bytes written.
fn conversation(
    what: &str,
    mut stream: Stream,
    visits: &Visits,
    answers: usize,
    written: &str,
) {
    let call =
        case("3.2", format!("converse_with_memory(&mut {what}, &visits)"));
    let shared = Arc::clone(visits);
    let (result, stream) = call.run(move || {
        let result = converse_with_memory(&mut stream, &shared);
        (result.map_err(|e| e.kind()), stream)
    });
    call.same(&written_text(&stream), &written.to_string());
    call.same(&result, &Ok(answers));
}

/// "a stream sending "Ann" then "Bob"", for the call a case names.
fn sending(messages: &[&str]) -> (String, Stream) {
    let all: String = messages.concat();
    let sizes: Vec<usize> = messages.iter().map(|m| m.len()).collect();
    let shown: Vec<String> = messages.iter().map(|m| text(m)).collect();
    let what = format!("a stream sending {}, one per read", shown.join(", "));
    (what, Stream::new(all.as_bytes()).in_pieces(&sizes))
}

#[test]
fn ex3_2_basic() {
    let memory = visits(&[]);
    let (what, stream) = sending(&["Michael", "Tracy", "Sarah", "exit"]);
    let wanted = "Welcome!Hello, Michael!Hello, Tracy!Hello, Sarah!";
    conversation(&what, stream, &memory, 3, wanted);
    let (what, stream) = sending(&["Ann", "Ann", "Bob", "Ann"]);
    let wanted = "Welcome!Hello, Ann!Hello again, Ann! (visit 2)Hello, Bob!\
                  Hello again, Ann! (visit 3)";
    conversation(&what, stream, &memory, 4, wanted);
    let expected = [
        ("Michael", 1),
        ("Tracy", 1),
        ("Sarah", 1),
        ("Ann", 3),
        ("Bob", 1),
    ];
    case("3.2", "the visits after those two conversations")
        .same(&map_of(&memory), &map_of(&visits(&expected)));
}

#[test]
fn ex3_2_memory_outlives_a_connection() {
    let memory = visits(&[]);
    let (what, stream) = sending(&["Ann", "exit"]);
    conversation(&what, stream, &memory, 1, "Welcome!Hello, Ann!");
    let (what, stream) = sending(&["Ann"]);
    let again = "Welcome!Hello again, Ann! (visit 2)";
    conversation(&what, stream, &memory, 1, again);
    let memory = visits(&[("Ann", 41)]);
    let (what, stream) = sending(&["Ann"]);
    let again = "Welcome!Hello again, Ann! (visit 42)";
    conversation(&what, stream, &memory, 1, again);
    let (what, stream) = sending(&[]);
    conversation(&what, stream, &memory, 0, "Welcome!");
}

#[test]
fn ex3_2_newlines_and_not_utf8() {
    let memory = visits(&[]);
    let input = b"Ann\n\xff\nAnn\r\nAnn";
    let stream = Stream::new(input).in_pieces(&[4, 2, 5, 3]);
    let what = "a stream sending \"Ann\\n\", b\"\\xff\\n\", \"Ann\\r\\n\", \
                \"Ann\", one per read";
    let wanted = "Welcome!Hello, Ann!\n\
                  Error: that was not UTF-8 text, so not a name.\n\
                  Hello again, Ann! (visit 2)\n\
                  Hello again, Ann! (visit 3)";
    conversation(what, stream, &memory, 4, wanted);
    case("3.2", "the visits: bytes that are not UTF-8 are not a name")
        .same(&map_of(&memory), &map_of(&visits(&[("Ann", 3)])));
    let (what, stream) = sending(&["exit\r\n", "Bob"]);
    conversation(&what, stream, &memory, 0, "Welcome!");
    let (what, stream) = sending(&["two\n\n", "exit "]);
    let wanted = "Welcome!Hello, two\n!\nHello, exit !";
    conversation(&what, stream, &memory, 2, wanted);
}

#[test]
fn ex3_2_one_byte_at_a_time() {
    // One read is one message: a name that arrives a byte per read is
    // five names. This is the tutorial's framing; lesson04 fixes it.
    let memory = visits(&[]);
    let stream = Stream::new(b"TracyTa").one_byte_at_a_time();
    let wanted = "Welcome!Hello, T!Hello, r!Hello, a!Hello, c!Hello, y!\
                  Hello again, T! (visit 2)Hello again, a! (visit 2)";
    let what = "a stream sending \"TracyTa\" one byte per read";
    conversation(what, stream, &memory, 7, wanted);
}

#[test]
fn ex3_2_short_writes() {
    // A socket may take part of a write: every byte must still go out.
    let memory = visits(&[("Ann", 1)]);
    let (what, stream) = sending(&["Ann", "Bob"]);
    let what = format!("{what}, taking at most 3 bytes per write");
    let wanted = "Welcome!Hello again, Ann! (visit 2)Hello, Bob!";
    conversation(&what, stream.write_at_most(3), &memory, 2, wanted);
}

/// Runs one conversation that must end with an error of `kind`.
fn failing_conversation(what: &str, mut stream: Stream, kind: ErrorKind) {
    let call =
        case("3.2", format!("converse_with_memory(&mut {what}, &visits)"));
    let memory = visits(&[]);
    let result = call.run(move || {
        converse_with_memory(&mut stream, &memory).map_err(|e| e.kind())
    });
    call.same(&result, &Err(kind));
}

#[test]
fn ex3_2_errors() {
    let memory = visits(&[]);
    let (what, stream) = sending(&["Ann"]);
    let stream = stream.fail_read_at(0, ErrorKind::Interrupted);
    let what = format!("{what}, interrupted by a signal before \"Ann\"");
    conversation(&what, stream, &memory, 1, "Welcome!Hello, Ann!");
    let (what, stream) = sending(&["Ann"]);
    let stream = stream.then_fail(ErrorKind::ConnectionReset);
    let what = format!("{what}, then reset");
    failing_conversation(&what, stream, ErrorKind::ConnectionReset);
    let (what, stream) = sending(&["Ann"]);
    let stream = stream.then_fail(ErrorKind::WouldBlock);
    let what = format!("{what}, then a read timeout");
    failing_conversation(&what, stream, ErrorKind::WouldBlock);
    let (what, stream) = sending(&["Ann", "Bob"]);
    let stream = stream.writes_fail_from(10, ErrorKind::BrokenPipe);
    let what = format!("{what}, gone (broken pipe) after 10 bytes written");
    failing_conversation(&what, stream, ErrorKind::BrokenPipe);
    let stream = Stream::new(b"").writes_fail_from(0, ErrorKind::BrokenPipe);
    let what = "a stream whose writes all fail";
    failing_conversation(what, stream, ErrorKind::BrokenPipe);
}

#[test]
fn ex3_2_poisoned_lock() {
    let memory = visits(&[("Ann", 1)]);
    let poisoner = Arc::clone(&memory);
    let _ = thread::Builder::new()
        .name("poisoner".to_string())
        .spawn(move || {
            let _map = poisoner.lock();
            panic!("a thread panics holding the visits, on purpose (3.2 test)")
        })
        .map(|thread| thread.join());
    let (what, stream) = sending(&["Ann"]);
    let what = format!("{what}, the visits' Mutex poisoned");
    let again = "Welcome!Hello again, Ann! (visit 2)";
    conversation(&what, stream, &memory, 1, again);
}

#[test]
fn ex3_2_threads_at_once() {
    const THREADS: usize = 8;
    const ROUNDS: usize = 1000;
    // First a conversation of its own, so a stub fails here.
    let memory = visits(&[]);
    let (what, stream) = sending(&["Zoe"]);
    conversation(&what, stream, &memory, 1, "Welcome!Hello, Zoe!");
    let call = case(
        "3.2",
        format!(
            "converse_with_memory on {THREADS} threads at once, each \
             sending \"Ann\" {ROUNDS} times, 2 bytes taken per write"
        ),
    );
    let shared = Arc::clone(&memory);
    let transcripts = call.run(move || {
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let (start, shared) = (Arc::clone(&start), Arc::clone(&shared));
                thread::spawn(move || {
                    let mut stream =
                        Stream::new("Ann".repeat(ROUNDS).as_bytes())
                            .in_pieces(&[3])
                            .write_at_most(2);
                    start.wait();
                    let result = converse_with_memory(&mut stream, &shared);
                    (result.map_err(|e| e.kind()), stream)
                })
            })
            .collect();
        let joined: Vec<_> = threads.into_iter().map(|t| t.join()).collect();
        joined
            .into_iter()
            .map(|j| j.map_err(|_| "a thread panicked".to_string()))
            .map(|j| {
                j.map(|(r, s)| {
                    (r, String::from_utf8_lossy(s.written()).into_owned())
                })
            })
            .collect::<Vec<_>>()
    });
    let mut visit_numbers = Vec::new();
    for transcript in transcripts {
        let (result, written) = match transcript {
            Ok(pair) => pair,
            Err(panic) => call.fail(panic),
        };
        call.same(&result, &Ok(ROUNDS));
        let Some(replies) = written.strip_prefix("Welcome!") else {
            call.fail(format_args!("no welcome first: {written:?}"))
        };
        for reply in replies.split("Hello").skip(1) {
            let number = match reply {
                ", Ann!" => Some(1),
                _ => reply
                    .strip_prefix(" again, Ann! (visit ")
                    .and_then(|rest| rest.strip_suffix(')'))
                    .and_then(|n| n.parse().ok()),
            };
            match number {
                Some(n) => visit_numbers.push(n),
                None => call.fail(format_args!("a strange reply {reply:?}")),
            }
        }
    }
    visit_numbers.sort_unstable();
    let total = (THREADS * ROUNDS) as u32;
    let twice: Vec<u32> = visit_numbers
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    call.check(
        twice.is_empty() && visit_numbers.len() == total as usize,
        format_args!(
            "each visit number from 1 to {total} must be given exactly \
             once, but {} were given more than once (the first: {:?}): \
             are reading and updating the count one step, under one lock?",
            twice.len(),
            twice.first()
        ),
    );
    let ann = map_of(&memory).get("Ann").copied();
    call.same(&ann, &Some((THREADS * ROUNDS) as u32));
}

/// A stream whose first answer (the write after the welcome) waits until
/// the test opens the gate, as a client that reads slowly would.
struct Gated {
    inner: Stream,
    arrived: Sender<()>,
    gate: Receiver<()>,
    open: bool,
}

impl Read for Gated {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buffer)
    }
}

impl Write for Gated {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.open && self.inner.written().len() >= 8 {
            let _ = self.arrived.send(());
            if self.gate.recv_timeout(Duration::from_secs(2)).is_err() {
                return Err(ErrorKind::TimedOut.into());
            }
            self.open = true;
        }
        self.inner.write(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn ex3_2_lock_not_held_while_writing() {
    let memory = visits(&[]);
    let (what, stream) = sending(&["Zoe"]);
    conversation(&what, stream, &memory, 1, "Welcome!Hello, Zoe!");
    let call = case(
        "3.2",
        "converse_with_memory for Ann, whose client reads slowly, and \
         meanwhile for Bob",
    );
    let shared = Arc::clone(&memory);
    let (ann, bob) = call.run(move || {
        let (arrived_tx, arrived) = mpsc::channel();
        let (open, gate) = mpsc::channel();
        let for_ann = Arc::clone(&shared);
        let ann = thread::spawn(move || {
            let mut stream = Gated {
                inner: Stream::new(b"Ann"),
                arrived: arrived_tx,
                gate,
                open: false,
            };
            converse_with_memory(&mut stream, &for_ann).map_err(|e| e.kind())
        });
        // Bob's conversation starts while Ann's answer is being written.
        let _ = arrived.recv_timeout(Duration::from_secs(2));
        let mut bob = Stream::new(b"Bob");
        let bob = converse_with_memory(&mut bob, &shared).map_err(|e| e.kind());
        let _ = open.send(());
        let ann = ann.join().map_err(|_| ErrorKind::Other).and_then(|r| r);
        (ann, bob)
    });
    call.same(&bob, &Ok(1));
    call.check(
        ann == Ok(1),
        format_args!(
            "Ann's answer could not be written until Bob's conversation \
             ended ({ann:?}): is the lock still held while you write?"
        ),
    );
}

// ---------------------------------------------------------------------
// Exercise 3.3: Limit and admit

#[test]
fn ex3_3_basic() {
    let call = case(
        "3.3",
        "let limit = Limit::new(2); three try_enter, drop one, try again",
    );
    let seen = call.run(|| {
        let limit = Limit::new(2);
        let mut seen = vec![limit.inside()];
        let first = limit.try_enter();
        let second = limit.try_enter();
        let third = limit.try_enter();
        seen.push(limit.inside());
        seen.extend([&first, &second, &third].map(|p| p.is_some() as usize));
        drop(first);
        seen.push(limit.inside());
        let again = limit.try_enter();
        seen.push(again.is_some() as usize);
        seen.push(limit.inside());
        drop((second, again));
        seen.push(limit.inside());
        seen
    });
    // inside, inside after 3 tries, got 1st/2nd/3rd, inside after a drop,
    // got one again, inside, inside after dropping all
    call.same(&seen, &vec![0, 2, 1, 1, 0, 1, 1, 2, 0]);
}

#[test]
fn ex3_3_edge_cases() {
    let call = case("3.3", "Limit::new(0).try_enter()");
    let got = call.run(|| {
        let limit = Limit::new(0);
        (limit.try_enter().is_some(), limit.inside())
    });
    call.same(&got, &(false, 0));
    let call = case(
        "3.3",
        "let limit = Limit::new(1); let copy = limit.clone(); \
         copy.try_enter(), then limit.try_enter()",
    );
    let got = call.run(|| {
        let limit = Limit::new(1);
        let copy = limit.clone();
        let pass = copy.try_enter();
        let got = (pass.is_some(), limit.inside(), limit.try_enter().is_some());
        drop(pass);
        (got, limit.inside(), limit.try_enter().is_some())
    });
    call.same(&got, &((true, 1, false), 0, true));
}

/// A writer the test can look into after `admit` took it.
#[derive(Clone)]
struct Shared(Arc<Mutex<Stream>>);

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .write(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn ex3_3_admit_and_turn_away() {
    let call = case(
        "3.3",
        "admit two clients within Limit::new(1), the first still served \
         (2 bytes taken per write)",
    );
    let (got, stream) = call.run(|| {
        let limit = Limit::new(1);
        let (done, wait) = mpsc::channel::<()>();
        let first = Shared(Arc::new(Mutex::new(Stream::new(b""))));
        let served = admit(&limit, first, move |_stream| {
            let _ = wait.recv_timeout(Duration::from_secs(3));
        });
        let second = Arc::new(Mutex::new(Stream::new(b"").write_at_most(2)));
        let handler = |_stream: Shared| panic!("a busy client was served");
        let turned = admit(&limit, Shared(Arc::clone(&second)), handler);
        let inside = limit.inside();
        let stream_still_held = Arc::strong_count(&second) > 1;
        let _ = done.send(());
        let joined = served.map(|t| t.join().is_ok());
        let after = limit.inside();
        let third = Shared(Arc::new(Mutex::new(Stream::new(b""))));
        let again = admit(&limit, third, |_| {}).map(|t| t.join().is_ok());
        let stream = second.lock().map(|s| s.clone()).unwrap_or_default();
        let got = (
            joined,
            turned.is_some(),
            inside,
            stream_still_held,
            after,
            again,
        );
        (got, stream)
    });
    let (joined, turned, inside, stream_still_held, after, again) = got;
    call.check(
        !turned && inside == 1,
        format_args!(
            "the second client was admitted ({turned}) or the slots taken \
             were {inside}, not 1, while the first handler ran: does its \
             thread hold the Pass until the handler ends? (`let _ = pass;` \
             in the closure drops it at once)"
        ),
    );
    call.same(&written_text(&stream), &BUSY.to_string());
    call.check(
        !stream_still_held,
        "the busy client's stream must be dropped (closed) by admit",
    );
    call.same(&joined, &Some(true));
    call.check(
        after == 0 && again == Some(true),
        format_args!(
            "after the first handler ended, {after} slots were still taken \
             and the next client got {again:?} instead of a thread"
        ),
    );
}

#[test]
fn ex3_3_a_panicking_handler_frees_its_slot() {
    let call = case(
        "3.3",
        "admit a handler that panics within Limit::new(1), join it, \
         admit another",
    );
    let got = call.run(|| {
        let limit = Limit::new(1);
        let stream = Shared(Arc::new(Mutex::new(Stream::new(b""))));
        let first = admit(&limit, stream.clone(), |_| {
            panic!("a handler panics on purpose (Exercise 3.3 test)")
        });
        let panicked = first.map(|t| t.join().is_err());
        let inside = limit.inside();
        let next = admit(&limit, stream, |_| {}).map(|t| t.join().is_ok());
        (panicked, inside, next, limit.inside())
    });
    call.same(&got, &(Some(true), 0, Some(true), 0));
}

#[test]
fn ex3_3_many_threads_race_for_the_slots() {
    const TRIES: usize = 1_000_000;
    const THREADS: usize = 4;
    const MAX: usize = 2;
    let call = case(
        "3.3",
        format!(
            "{THREADS} threads each call try_enter {TRIES} times on one \
             Limit::new({MAX}), dropping each pass at once"
        ),
    );
    let (most, inside) = call.run(|| {
        let limit = Limit::new(MAX);
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let (limit, start) = (limit.clone(), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    let mut most = 0;
                    for _ in 0..TRIES {
                        if let Some(pass) = limit.try_enter() {
                            most = most.max(limit.inside());
                            drop(pass);
                        }
                    }
                    most
                })
            })
            .collect();
        let most = threads
            .into_iter()
            .map(|t| t.join().unwrap_or(usize::MAX))
            .max();
        (most, limit.inside())
    });
    call.check(
        most.is_some_and(|most| most <= MAX),
        format_args!(
            "a thread holding a pass saw {most:?} slots taken, more than \
             {MAX}: are the check and the take one atomic step?"
        ),
    );
    call.same(&inside, &0);
}

// ---------------------------------------------------------------------
// Exercise 3.4: serve_n

const TIMEOUT: Duration = Duration::from_secs(3);

fn bind_loopback() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the listener's address");
    (listener, addr)
}

/// A client connected to `addr` that has sent its number.
fn client(addr: SocketAddr, number: u8) -> TcpStream {
    let mut stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("read timeout");
    stream
        .set_write_timeout(Some(TIMEOUT))
        .expect("write timeout");
    stream.write_all(&[number]).expect("send the number");
    stream
}

/// Reads the number a client sent.
fn number_of(mut stream: TcpStream) -> u8 {
    let mut number = [0u8];
    match stream.read_exact(&mut number) {
        Ok(()) => number[0],
        Err(_) => 255,
    }
}

#[test]
fn ex3_4_basic() {
    let (listener, addr) = bind_loopback();
    let clients: Vec<_> = (0..3).map(|n| client(addr, n)).collect();
    let call = case("3.4", "serve_n(&listener, 3, read_the_client_number)");
    let got = call
        .run(move || serve_n(&listener, 3, number_of).map_err(|e| e.kind()));
    call.same(&got, &Ok(vec![Ok(0), Ok(1), Ok(2)]));
    drop(clients);
}

#[test]
fn ex3_4_edge_cases() {
    let (listener, addr) = bind_loopback();
    let _waiting = client(addr, 7);
    let call = case("3.4", "serve_n(&listener, 0, read_the_client_number)");
    let (got, listener) = call.run(move || {
        (
            serve_n(&listener, 0, number_of).map_err(|e| e.kind()),
            listener,
        )
    });
    call.same(&got, &Ok(vec![]));
    let call = case("3.4", "serve_n(&listener, 1, read_the_client_number)");
    let got = call
        .run(move || serve_n(&listener, 1, number_of).map_err(|e| e.kind()));
    call.same(&got, &Ok(vec![Ok(7)]));
}

#[test]
fn ex3_4_exactly_n() {
    let (listener, addr) = bind_loopback();
    let clients: Vec<_> = (0..3).map(|n| client(addr, n)).collect();
    let call = case(
        "3.4",
        "serve_n(&listener, 2, read_the_client_number) with 3 clients \
         waiting, then accept the third",
    );
    let (got, third) = call.run(move || {
        let got = serve_n(&listener, 2, number_of).map_err(|e| e.kind());
        // The third must still be waiting in the queue.
        let third = listener.accept().map(|(s, _)| number_of(s));
        (got, third.map_err(|e| e.kind()))
    });
    call.same(&got, &Ok(vec![Ok(0), Ok(1)]));
    call.same(&third, &Ok(2));
    drop(clients);
}

#[test]
fn ex3_4_handlers_run_at_the_same_time() {
    const N: usize = 3;
    let (listener, addr) = bind_loopback();
    let clients: Vec<_> = (0..N as u8).map(|n| client(addr, n)).collect();
    let call = case(
        "3.4",
        "serve_n(&listener, 3, handler) where each handler waits (up to \
         1 s) until all 3 have started",
    );
    let got = call.run(move || {
        let started = Arc::new((Mutex::new(0), Condvar::new()));
        serve_n(&listener, N, move |_stream| {
            let (count, changed) = &*started;
            let Ok(mut count) = count.lock() else {
                return false;
            };
            *count += 1;
            changed.notify_all();
            let waited = changed.wait_timeout_while(
                count,
                Duration::from_secs(1),
                |count| *count < N,
            );
            waited.is_ok_and(|(_, timeout)| !timeout.timed_out())
        })
        .map_err(|e| e.kind())
    });
    call.check(
        got == Ok(vec![Ok(true); N]),
        format_args!(
            "the handlers did not all run at the same time ({got:?}): \
             does each get a thread of its own before the next accept?"
        ),
    );
    drop(clients);
}

#[test]
fn ex3_4_results_in_the_order_accepted() {
    let (listener, addr) = bind_loopback();
    let clients: Vec<_> = (0..4).map(|n| client(addr, n)).collect();
    let call = case(
        "3.4",
        "serve_n(&listener, 4, handler) where the first client's handler \
         finishes last",
    );
    let got = call.run(move || {
        serve_n(&listener, 4, |stream| {
            let number = number_of(stream);
            let pause = 40 * (4 - u64::from(number.min(4)));
            thread::sleep(Duration::from_millis(pause));
            number
        })
        .map_err(|e| e.kind())
    });
    call.same(&got, &Ok(vec![Ok(0), Ok(1), Ok(2), Ok(3)]));
    drop(clients);
}

#[test]
fn ex3_4_timeouts_on_each_stream() {
    let (listener, addr) = bind_loopback();
    let clients: Vec<_> = (0..2).map(|n| client(addr, n)).collect();
    let call = case("3.4", "serve_n(&listener, 2, read_the_stream_timeouts)");
    let got = call.run(move || {
        serve_n(&listener, 2, |stream| {
            let read = stream.read_timeout().ok().flatten();
            let write = stream.write_timeout().ok().flatten();
            (read, write)
        })
        .map_err(|e| e.kind())
    });
    let both = Ok((Some(CLIENT_TIMEOUT), Some(CLIENT_TIMEOUT)));
    call.same(&got, &Ok(vec![both.clone(), both]));
    drop(clients);
}

#[test]
fn ex3_4_a_panicking_handler() {
    let (listener, addr) = bind_loopback();
    let clients: Vec<_> = (0..4).map(|n| client(addr, n)).collect();
    let call = case(
        "3.4",
        "serve_n(&listener, 4, handler) where the handlers of clients 1 \
         and 2 panic",
    );
    let got = call.run(move || {
        serve_n(&listener, 4, |stream| match number_of(stream) {
            1 => panic!("client {} made me panic (3.4 test)", 1),
            2 => std::panic::panic_any(2),
            n => n,
        })
        .map_err(|e| e.kind())
    });
    let wanted = vec![
        Ok(0),
        Err("client 1 made me panic (3.4 test)".to_string()),
        Err("a panic without a message".to_string()),
        Ok(3),
    ];
    call.same(&got, &Ok(wanted));
    let (listener, addr) = bind_loopback();
    let clients = (clients, client(addr, 0));
    let call = case("3.4", "serve_n(&listener, 1, |_| panic!(\"boom\"))");
    let got = call.run(move || {
        serve_n(&listener, 1, |_stream| -> u8 { panic!("boom") })
            .map_err(|e| e.kind())
    });
    call.same(&got, &Ok(vec![Err("boom".to_string())]));
    drop(clients);
}

#[test]
fn ex3_4_accept_fails() {
    let (listener, addr) = bind_loopback();
    listener.set_nonblocking(true).expect("nonblocking");
    let clients: Vec<_> = (0..2).map(|n| client(addr, n)).collect();
    let call = case(
        "3.4",
        "serve_n(&listener, 3, slow_handler) on a non-blocking listener \
         with 2 clients waiting: the third accept fails",
    );
    let (got, finished) = call.run(move || {
        let finished = Arc::new(Mutex::new(0));
        let count = Arc::clone(&finished);
        let got = serve_n(&listener, 3, move |_stream| {
            thread::sleep(Duration::from_millis(100));
            if let Ok(mut count) = count.lock() {
                *count += 1;
            }
        })
        .map(|results| results.len())
        .map_err(|e| e.kind());
        let finished = finished.lock().map(|n| *n).unwrap_or(0);
        (got, finished)
    });
    call.same(&got, &Err(ErrorKind::WouldBlock));
    call.check(
        finished == 2,
        format_args!(
            "{finished} of the 2 started handlers had finished when \
             serve_n returned: wait for them before returning the error"
        ),
    );
    drop(clients);
}

// ---------------------------------------------------------------------
// Exercise 3.5: talk

const TUTORIAL: &[u8] = b"Welcome!Hello, Michael!Hello, Tracy!Hello, Sarah!";
const NAMES: [&str; 3] = ["Michael", "Tracy", "Sarah"];

/// `talk(&mut stream, names, limit)`: the result and the bytes written.
fn talking(
    what: &str,
    mut stream: Stream,
    names: &'static [&'static str],
    limit: Duration,
    wanted: Result<Vec<&str>, TalkError>,
    written: &str,
) {
    let shown: Vec<String> = names.iter().map(|name| text(name)).collect();
    let call = case(
        "3.5",
        format!(
            "talk(&mut {what}, &[{}], {} ms)",
            shown.join(", "),
            limit.as_millis()
        ),
    );
    let (got, stream) = call.run(move || {
        let got = talk(&mut stream, names, limit);
        (got, stream)
    });
    let wanted = wanted.map(|v| v.into_iter().map(String::from).collect());
    call.same(&got, &wanted);
    call.same(&written_text(&stream), &written.to_string());
}

fn replies() -> Result<Vec<&'static str>, TalkError> {
    Ok(vec!["Hello, Michael!", "Hello, Tracy!", "Hello, Sarah!"])
}

const SENT: &str = "MichaelTracySarahexit";

#[test]
fn ex3_5_basic() {
    let stream = Stream::new(TUTORIAL).in_pieces(&[8, 15, 13, 13]);
    let what =
        format!("a stream sending {}, one answer per read", bytes(TUTORIAL));
    talking(&what, stream, &NAMES, TIMEOUT, replies(), SENT);
    let stream = Stream::new(b"Welcome!");
    talking(
        "a stream sending \"Welcome!\"",
        stream,
        &[],
        TIMEOUT,
        Ok(vec![]),
        "exit",
    );
}

#[test]
fn ex3_5_answers_glued_together() {
    // Everything the server sends arrives at once: read only what you
    // expect, or you swallow the next answer.
    let what = format!("a stream sending {} in one read", bytes(TUTORIAL));
    talking(
        &what,
        Stream::new(TUTORIAL),
        &NAMES,
        TIMEOUT,
        replies(),
        SENT,
    );
    let mut more = TUTORIAL.to_vec();
    more.extend_from_slice(b"and more");
    let what = format!("a stream sending {}", bytes(&more));
    talking(&what, Stream::new(&more), &NAMES, TIMEOUT, replies(), SENT);
}

#[test]
fn ex3_5_in_pieces() {
    for sizes in [&[3][..], &[5, 2], &[7, 11, 1], &[20]] {
        let stream = Stream::new(TUTORIAL).in_pieces(sizes);
        let what = format!(
            "a stream sending {} in pieces of {sizes:?}",
            bytes(TUTORIAL)
        );
        talking(&what, stream, &NAMES, TIMEOUT, replies(), SENT);
    }
}

#[test]
fn ex3_5_one_byte_at_a_time() {
    let stream = Stream::new(TUTORIAL).one_byte_at_a_time();
    let what =
        format!("a stream sending {} one byte per read", bytes(TUTORIAL));
    talking(&what, stream, &NAMES, TIMEOUT, replies(), SENT);
}

#[test]
fn ex3_5_short_writes() {
    let stream = Stream::new(TUTORIAL).write_at_most(2);
    let what = format!(
        "a stream sending {}, taking 2 bytes per write",
        bytes(TUTORIAL)
    );
    talking(&what, stream, &NAMES, TIMEOUT, replies(), SENT);
}

#[test]
fn ex3_5_bad_names() {
    let bad = |name: &str| Err(TalkError::BadName(name.to_string()));
    let stream = Stream::new(TUTORIAL);
    talking("a stream", stream, &[""], TIMEOUT, bad(""), "");
    let stream = Stream::new(TUTORIAL);
    talking(
        "a stream",
        stream,
        &["Ann", "exit"],
        TIMEOUT,
        bad("exit"),
        "",
    );
    let ok = Ok(vec!["Hello, exit !", "Hello, Exit!"]);
    let stream = Stream::new(b"Welcome!Hello, exit !Hello, Exit!");
    let what = "a stream sending \"Welcome!Hello, exit !Hello, Exit!\"";
    talking(
        what,
        stream,
        &["exit ", "Exit"],
        TIMEOUT,
        ok,
        "exit Exitexit",
    );
}

fn unexpected(wanted: &str, got: &str) -> Result<Vec<&'static str>, TalkError> {
    Err(TalkError::Unexpected {
        wanted: wanted.to_string(),
        got: got.to_string(),
    })
}

#[test]
fn ex3_5_unexpected_answers() {
    let stream = Stream::new(b"Welcome?");
    let wanted = unexpected("Welcome!", "Welcome?");
    talking(
        "a stream sending \"Welcome?\"",
        stream,
        &["Ann"],
        TIMEOUT,
        wanted,
        "",
    );
    // The tutorial's own server writes no space after the comma: that is
    // 10 bytes, not 11. Do not wait for an 11th.
    let input = b"Welcome!Hello,Ann!";
    let what = format!("a stream sending {}", bytes(input));
    let wanted = unexpected("Hello, Ann!", "Hello,Ann!");
    talking(&what, Stream::new(input), &["Ann"], TIMEOUT, wanted, "Ann");
    let what = format!("a stream sending {} one byte per read", bytes(input));
    let stream = Stream::new(input).one_byte_at_a_time();
    let wanted = unexpected("Hello, Ann!", "Hello,A");
    talking(&what, stream, &["Ann"], TIMEOUT, wanted, "Ann");
    let input = b"Welcome!Hello again, Ann! (visit 2)";
    let what = format!("a stream sending {}", bytes(input));
    let wanted = unexpected("Hello, Ann!", "Hello again");
    talking(&what, Stream::new(input), &["Ann"], TIMEOUT, wanted, "Ann");
    let input = b"Welcome!\xff";
    let what = format!("a stream sending {}", bytes(input));
    let wanted = unexpected("Hello, Ann!", "\u{fffd}");
    talking(&what, Stream::new(input), &["Ann"], TIMEOUT, wanted, "Ann");
}

#[test]
fn ex3_5_closed_early() {
    let closed = || Err(TalkError::Closed);
    talking(
        "a stream sending \"\"",
        Stream::new(b""),
        &["Ann"],
        TIMEOUT,
        closed(),
        "",
    );
    let stream = Stream::new(b"Welc");
    talking(
        "a stream sending \"Welc\"",
        stream,
        &["Ann"],
        TIMEOUT,
        closed(),
        "",
    );
    let stream = Stream::new(b"Welcome!Hello, A");
    let what = "a stream sending \"Welcome!Hello, A\"";
    talking(what, stream, &["Ann"], TIMEOUT, closed(), "Ann");
}

#[test]
fn ex3_5_errors() {
    let input = b"Welcome!Hello, Ann!";
    let ok = || Ok(vec!["Hello, Ann!"]);
    let stream = Stream::new(input)
        .fail_read_at(3, ErrorKind::Interrupted)
        .fail_read_at(10, ErrorKind::Interrupted);
    let what = "a stream sending \"Welcome!Hello, Ann!\", interrupted twice";
    talking(what, stream, &["Ann"], TIMEOUT, ok(), "Annexit");
    let stream = Stream::new(input)
        .fail_write_at(1, ErrorKind::Interrupted)
        .write_at_most(1);
    let what = "a stream sending \"Welcome!Hello, Ann!\", a write interrupted";
    talking(what, stream, &["Ann"], TIMEOUT, ok(), "Annexit");
    for (kind, wanted) in [
        (ErrorKind::WouldBlock, TalkError::TimedOut),
        (ErrorKind::TimedOut, TalkError::TimedOut),
        (
            ErrorKind::ConnectionReset,
            TalkError::Io(ErrorKind::ConnectionReset),
        ),
    ] {
        let stream = Stream::new(b"Welcome!Hel").then_fail(kind);
        let what = format!(
            "a stream sending \"Welcome!Hel\", then failing with {kind:?}"
        );
        talking(&what, stream, &["Ann"], TIMEOUT, Err(wanted), "Ann");
    }
    for (kind, wanted) in [
        (ErrorKind::BrokenPipe, TalkError::Io(ErrorKind::BrokenPipe)),
        (ErrorKind::WouldBlock, TalkError::TimedOut),
        (ErrorKind::TimedOut, TalkError::TimedOut),
    ] {
        let stream = Stream::new(input).writes_fail_from(3, kind);
        let what = format!(
            "a stream sending {}, whose writes fail with {kind:?} after 3 bytes",
            bytes(input)
        );
        talking(&what, stream, &["Ann"], TIMEOUT, Err(wanted), "Ann");
    }
}

/// A stream that takes `pause` for every read, one byte at a time: a
/// server that answers very slowly.
struct Slow {
    inner: Stream,
    pause: Duration,
}

impl Read for Slow {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        thread::sleep(self.pause);
        self.inner.read(buffer)
    }
}

impl Write for Slow {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.inner.write(bytes)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn ex3_5_time_limit() {
    // A server that sends a byte every 20 ms never trips a read timeout,
    // and this answer alone would take 600 ms.
    const NAME: &str = "Bartholomew-Alexander";
    let input = format!("Welcome!Hello, {NAME}!");
    let call = case(
        "3.5",
        format!(
            "talk(&mut a stream sending {} one byte per 20 ms, &[{}], \
             250 ms)",
            text(&input),
            text(NAME)
        ),
    );
    let (got, took) = call.run(move || {
        let mut stream = Slow {
            inner: Stream::new(input.as_bytes()).one_byte_at_a_time(),
            pause: Duration::from_millis(20),
        };
        let start = Instant::now();
        let got = talk(&mut stream, &[NAME], Duration::from_millis(250));
        (got, start.elapsed())
    });
    call.same(&got, &Err(TalkError::TimedOut));
    call.check(
        took < Duration::from_millis(500),
        format_args!(
            "it took {} ms to give up on a 250 ms limit: check the time \
             before every read, not only between answers",
            took.as_millis()
        ),
    );
    let call = case(
        "3.5",
        "talk(&mut a stream sending \"Welcome!\" one byte per 1 ms, &[], 2 s)",
    );
    let got = call.run(move || {
        let mut stream = Slow {
            inner: Stream::new(b"Welcome!").one_byte_at_a_time(),
            pause: Duration::from_millis(1),
        };
        talk(&mut stream, &[], Duration::from_secs(2))
    });
    call.same(&got, &Ok(vec![]));
    let stream = Stream::new(TUTORIAL);
    let wanted = Err(TalkError::TimedOut);
    talking(
        "a stream sending the whole conversation",
        stream,
        &NAMES,
        Duration::ZERO,
        wanted,
        "",
    );
}

/// A small server in the tutorial's protocol that sends each answer in
/// two pieces, 20 ms apart.
fn choppy_server(listener: TcpListener) -> io::Result<()> {
    let (mut stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let pause = Duration::from_millis(20);
    stream.write_all(b"Wel")?;
    thread::sleep(pause);
    stream.write_all(b"come!")?;
    let mut buffer = [0u8; 64];
    for _ in 0..10 {
        let n = stream.read(&mut buffer)?;
        let name = String::from_utf8_lossy(&buffer[..n]).into_owned();
        if n == 0 || name == "exit" {
            break;
        }
        stream.write_all(b"Hello, ")?;
        thread::sleep(pause);
        stream.write_all(format!("{name}!").as_bytes())?;
    }
    Ok(())
}

#[test]
fn ex3_5_over_a_real_socket() {
    let (listener, addr) = bind_loopback();
    let server = thread::spawn(move || choppy_server(listener));
    let call = case(
        "3.5",
        format!(
            "talk(&mut a TcpStream to a server on {addr} that sends each \
             answer in two pieces, &[\"Ann\", \"Bob\"], 3 s)"
        ),
    );
    let got = call.run(move || {
        let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)
            .map_err(|e| TalkError::Io(e.kind()))?;
        let _ = stream.set_read_timeout(Some(TIMEOUT));
        let _ = stream.set_write_timeout(Some(TIMEOUT));
        talk(&mut stream, &["Ann", "Bob"], TIMEOUT)
    });
    let wanted = vec!["Hello, Ann!".to_string(), "Hello, Bob!".to_string()];
    call.same(&got, &Ok(wanted));
    let served = server.join().map(|r| r.map_err(|e| e.kind()));
    call.same(&served.ok(), &Some(Ok(())));
}
