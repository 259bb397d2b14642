// Checks for the lesson05 exercises (chapter 5).
//
//     cargo test -p exercises --test lesson05
//
// A failing test names the exercise and the input it tried. Socket tests
// use loopback only (127.0.0.1, port 0), every socket has a timeout, and
// every wait is bounded, so a mistake fails a test instead of hanging it.

use std::collections::VecDeque;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use check::{bytes, case};
use exercises::lesson05::{
    Link, Out, Peers, Reorder, Seen, Window, ask_with_backoff, encode_names,
    txt_strings,
};

// ---------------------------------------------------------------------
// Exercise 5.1: ask again, with backoff

/// What the code under test did with a fake link.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Send(Vec<u8>),
    Wait(Duration),
}

/// A link that answers as scripted (`None`: silence) and records calls.
struct Fake {
    script: VecDeque<io::Result<Option<Vec<u8>>>>,
    send_fails: bool,
    events: Vec<Event>,
}

impl Link for Fake {
    fn send(&mut self, datagram: &[u8]) -> io::Result<()> {
        self.events.push(Event::Send(datagram.to_vec()));
        if self.send_fails {
            return Err(io::Error::new(
                ErrorKind::ConnectionRefused,
                "refused",
            ));
        }
        Ok(())
    }

    fn receive(&mut self, limit: Duration) -> io::Result<Option<Vec<u8>>> {
        self.events.push(Event::Wait(limit));
        self.script.pop_front().unwrap_or(Ok(None))
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs `ask_with_backoff` on a fake link: its result (replies as text,
/// errors as their kind) and the events.
fn backoff(
    script: Vec<io::Result<Option<Vec<u8>>>>,
    send_fails: bool,
    first: Duration,
    max: Duration,
    tries: u32,
) -> (Result<Vec<u8>, ErrorKind>, Vec<Event>) {
    let call = format!(
        "ask_with_backoff(link, b\"hi\", {first:?}, {max:?}, {tries}) on a \
         link that answers {script:?}"
    );
    case("5.1", call).run(move || {
        let mut link = Fake {
            script: script.into(),
            send_fails,
            events: Vec::new(),
        };
        let got = ask_with_backoff(&mut link, b"hi", first, max, tries)
            .map_err(|e| e.kind());
        (got, link.events)
    })
}

fn send() -> Event {
    Event::Send(b"hi".to_vec())
}

#[test]
fn ex5_1_basic() {
    let (got, events) = backoff(
        vec![Ok(Some(b"hello".to_vec()))],
        false,
        ms(100),
        ms(1000),
        3,
    );
    let call = case("5.1", "a reply to the first try");
    call.same(&got, &Ok(b"hello".to_vec()));
    call.same(&events, &vec![send(), Event::Wait(ms(100))]);

    let script = vec![Ok(None), Ok(None), Ok(Some(b"late".to_vec()))];
    let (got, events) = backoff(script, false, ms(100), ms(1000), 5);
    let call = case("5.1", "silence twice, then a reply");
    call.same(&got, &Ok(b"late".to_vec()));
    let wanted = vec![
        send(),
        Event::Wait(ms(100)),
        send(),
        Event::Wait(ms(200)),
        send(),
        Event::Wait(ms(400)),
    ];
    call.same(&events, &wanted);
}

#[test]
fn ex5_1_gives_up_after_the_last_try() {
    let (got, events) = backoff(vec![], false, ms(100), ms(1000), 5);
    let call = case("5.1", "silence, 5 tries from 100 ms up to 1 s");
    call.same(&got, &Err(ErrorKind::TimedOut));
    let waits: Vec<Event> = [100, 200, 400, 800, 1000]
        .map(|n| Event::Wait(ms(n)))
        .to_vec();
    let wanted: Vec<Event> =
        waits.into_iter().flat_map(|wait| [send(), wait]).collect();
    call.same(&events, &wanted);
}

#[test]
fn ex5_1_edge_cases() {
    let (got, events) = backoff(vec![], false, ms(100), ms(1000), 0);
    let call = case("5.1", "0 tries");
    call.same(&got, &Err(ErrorKind::InvalidInput));
    call.same(&events, &vec![]);

    let (got, events) = backoff(vec![], false, ms(5000), ms(300), 2);
    let call = case("5.1", "first (5 s) over max (300 ms)");
    call.same(&got, &Err(ErrorKind::TimedOut));
    let wanted =
        vec![send(), Event::Wait(ms(300)), send(), Event::Wait(ms(300))];
    call.same(&events, &wanted);

    let hour = Duration::from_secs(3600);
    let (got, events) =
        backoff(vec![], false, Duration::from_secs(1), hour, 100);
    let call = case("5.1", "100 tries from 1 s up to an hour");
    call.same(&got, &Err(ErrorKind::TimedOut));
    call.same(&events.len(), &200);
    call.same(&events[199], &Event::Wait(hour));
    call.same(&events[23], &Event::Wait(Duration::from_secs(2048)));

    let (got, events) = backoff(vec![], false, Duration::MAX, Duration::MAX, 3);
    let call = case("5.1", "waits of Duration::MAX");
    call.same(&got, &Err(ErrorKind::TimedOut));
    call.same(&events.len(), &6);
}

#[test]
fn ex5_1_errors_end_it_at_once() {
    let (got, events) = backoff(vec![], true, ms(100), ms(1000), 3);
    let call = case("5.1", "send fails");
    call.same(&got, &Err(ErrorKind::ConnectionRefused));
    call.same(&events, &vec![send()]);

    let refused = io::Error::new(ErrorKind::ConnectionRefused, "refused");
    let (got, events) =
        backoff(vec![Ok(None), Err(refused)], false, ms(10), ms(1000), 5);
    let call = case("5.1", "receive fails on the second try");
    call.same(&got, &Err(ErrorKind::ConnectionRefused));
    call.same(&events.len(), &4);
}

/// A real UDP server that ignores the first datagram and answers the
/// second: two tries, one reply.
#[test]
fn ex5_1_over_loopback() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let address = server.local_addr().unwrap();
    let helper = thread::spawn(move || {
        let mut buffer = [0u8; 64];
        let _ignored = server.recv_from(&mut buffer);
        if let Ok((n, from)) = server.recv_from(&mut buffer) {
            let _ = server.send_to(&buffer[..n], from);
        }
    });
    let got = case("5.1", "ask_with_backoff(socket, b\"echo\", 50 ms, 1 s, 4)")
        .run(move || {
            let mut socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            socket.connect(address).unwrap();
            ask_with_backoff(&mut socket, b"echo", ms(50), ms(1000), 4)
                .map_err(|e| e.kind())
        });
    case("5.1", "a server that answers the second datagram")
        .same(&got, &Ok(b"echo".to_vec()));
    let _ = helper.join();

    // A socket that never answers, and waits of zero.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap();
    let got = case("5.1", "ask_with_backoff(socket, b\"hi\", 0 s, 0 s, 2)")
        .run(move || {
            let mut socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            socket.connect(address).unwrap();
            ask_with_backoff(&mut socket, b"hi", ms(0), ms(0), 2)
                .map_err(|e| e.kind())
        });
    case("5.1", "a server that never answers, waits of 0")
        .same(&got, &Err(ErrorKind::TimedOut));
    drop(silent);
}

/// Nobody on the port: Linux reports the ICMP "port unreachable" to the
/// connected socket, and the error ends the tries at once.
#[cfg(target_os = "linux")]
#[test]
fn ex5_1_nobody_there() {
    let closed = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let call =
        "ask_with_backoff(socket, b\"hi\", 1 s, 1 s, 3) to a closed port";
    let got = case("5.1", call).run(move || {
        let mut socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.connect(address).unwrap();
        let start = Instant::now();
        let got = ask_with_backoff(
            &mut socket,
            b"hi",
            Duration::from_secs(1),
            Duration::from_secs(1),
            3,
        );
        (
            got.map_err(|e| e.kind()),
            start.elapsed() < Duration::from_secs(1),
        )
    });
    case("5.1", call).same(&got, &(Err(ErrorKind::ConnectionRefused), true));
}

// ---------------------------------------------------------------------
// Exercise 5.2: duplicates in a window

fn window(size: u32, seqs: &[u64]) -> Vec<Seen> {
    let seqs = seqs.to_vec();
    case(
        "5.2",
        format!("Window::new({size}), then check each of {seqs:?}"),
    )
    .run(move || {
        let mut window = Window::new(size);
        seqs.iter().map(|&seq| window.check(seq)).collect()
    })
}

#[test]
fn ex5_2_basic() {
    use Seen::*;
    let got = window(4, &[10, 8, 10, 7, 6]);
    case("5.2", "size 4: 10, 8, 10, 7, 6")
        .same(&got, &vec![New, New, Duplicate, New, TooOld]);
    let got = window(8, &[1, 2, 3, 2, 3, 4, 1]);
    case("5.2", "size 8: 1, 2, 3, 2, 3, 4, 1").same(
        &got,
        &vec![New, New, New, Duplicate, Duplicate, New, Duplicate],
    );
}

#[test]
fn ex5_2_edge_cases() {
    use Seen::*;
    let got = window(1, &[5, 5, 4, 6, 5]);
    case("5.2", "size 1")
        .same(&got, &vec![New, Duplicate, TooOld, New, TooOld]);
    let got = window(64, &[100, 37, 36, 37, 163, 100, 99]);
    case("5.2", "size 64, at the window's edge").same(
        &got,
        &vec![New, New, TooOld, Duplicate, New, Duplicate, TooOld],
    );
    let got = window(
        3,
        &[0, u64::MAX, u64::MAX - 1, 0, u64::MAX - 2, u64::MAX - 3],
    );
    case("5.2", "0, then the top of u64")
        .same(&got, &vec![New, New, New, TooOld, New, TooOld]);
}

#[test]
fn ex5_2_jumps_forget_the_old_window() {
    use Seen::*;
    // After a jump of more than the window, nothing old is remembered
    // as seen: numbers in the new window are new.
    let got = window(8, &[1, 2, 3, 10, 9, 8, 3, 2]);
    case("5.2", "size 8: 1, 2, 3, then 10 and back")
        .same(&got, &vec![New, New, New, New, New, New, Duplicate, TooOld]);
    let got = window(8, &[1, 2, 3, 100, 99, 96, 95, 94, 92, 93, 92]);
    case("5.2", "size 8: 1, 2, 3, then a jump to 100").same(
        &got,
        &vec![New, New, New, New, New, New, New, New, TooOld, New, TooOld],
    );
}

#[test]
fn ex5_2_wrong_answers() {
    use Seen::*;
    // A set of every number ever seen says Duplicate where the window
    // has moved on; a window that keeps one too many says Duplicate too.
    let got = window(2, &[1, 2, 3, 1, 2]);
    case("5.2", "size 2: 1, 2, 3, 1, 2")
        .same(&got, &vec![New, New, New, TooOld, Duplicate]);
    let got = window(2, &[3, 1]);
    case("5.2", "size 2: 3, 1").same(&got, &vec![New, TooOld]);
}

// ---------------------------------------------------------------------
// Exercise 5.3: a reorder buffer

fn d(seq: u32) -> Out {
    Out::Deliver(seq, format!("#{seq}").into_bytes())
}

fn lost(from: u32, to: u32) -> Out {
    Out::Lost { from, to }
}

/// Pushes each number (with data `#N`), and returns what each push gave.
fn reorder(first: u32, capacity: usize, seqs: &[u32]) -> Vec<Vec<Out>> {
    let seqs = seqs.to_vec();
    let call = format!(
        "Reorder::new({first}, {capacity}), then push each of {seqs:?} \
         (with data \"#N\")"
    );
    case("5.3", call).run(move || {
        let mut buffer = Reorder::new(first, capacity);
        seqs.iter()
            .map(|&seq| buffer.push(seq, format!("#{seq}").into_bytes()))
            .collect()
    })
}

#[test]
fn ex5_3_basic() {
    let got = reorder(1, 4, &[1, 2, 3]);
    case("5.3", "in order")
        .same(&got, &vec![vec![d(1)], vec![d(2)], vec![d(3)]]);
    let got = reorder(1, 4, &[2, 3, 1, 5, 4]);
    case("5.3", "2, 3, 1, 5, 4").same(
        &got,
        &vec![
            vec![],
            vec![],
            vec![d(1), d(2), d(3)],
            vec![],
            vec![d(4), d(5)],
        ],
    );
}

#[test]
fn ex5_3_gives_up_on_gaps() {
    let got = reorder(1, 2, &[2, 3, 1, 5, 6, 7]);
    case("5.3", "the doc's example").same(
        &got,
        &vec![
            vec![],
            vec![],
            vec![d(1), d(2), d(3)],
            vec![],
            vec![],
            vec![lost(4, 4), d(5), d(6), d(7)],
        ],
    );
    let got = reorder(10, 1, &[13, 15, 17]);
    case("5.3", "capacity 1, three gaps").same(
        &got,
        &vec![vec![], vec![lost(10, 12), d(13)], vec![lost(14, 14), d(15)]],
    );
    let got = reorder(0, 0, &[0, 5, 9, 10]);
    case("5.3", "capacity 0").same(
        &got,
        &vec![
            vec![d(0)],
            vec![lost(1, 4), d(5)],
            vec![lost(6, 8), d(9)],
            vec![d(10)],
        ],
    );
}

#[test]
fn ex5_3_ignores_old_and_repeated() {
    let got = reorder(1, 3, &[3, 3, 1, 1, 2, 3, 0, 7, 7, 8, 9, 10, 5]);
    case("5.3", "duplicates, old numbers, given-up numbers").same(
        &got,
        &vec![
            vec![],
            vec![],
            vec![d(1)],
            vec![],
            vec![d(2), d(3)],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![lost(4, 6), d(7), d(8), d(9), d(10)],
            vec![],
        ],
    );
}

#[test]
fn ex5_3_edge_cases() {
    let top = u32::MAX;
    let got = reorder(top - 1, 4, &[top, top - 1, top, 0, 5]);
    case("5.3", "up to u32::MAX").same(
        &got,
        &vec![vec![], vec![d(top - 1), d(top)], vec![], vec![], vec![]],
    );
    let got = reorder(0, 1, &[top - 1, top, 3]);
    case("5.3", "a jump to the top").same(
        &got,
        &vec![vec![], vec![lost(0, top - 2), d(top - 1), d(top)], vec![]],
    );
    // The data goes with its number.
    let got =
        case("5.3", "push(2, b\"two\"), then push(1, b\"one\")").run(|| {
            let mut buffer = Reorder::new(1, 4);
            let _ = buffer.push(2, b"two".to_vec());
            buffer.push(1, b"one".to_vec())
        });
    case("5.3", bytes(b"one two")).same(
        &got,
        &vec![
            Out::Deliver(1, b"one".to_vec()),
            Out::Deliver(2, b"two".to_vec()),
        ],
    );
}

// ---------------------------------------------------------------------
// Exercise 5.4: per-peer state with expiry

fn peer(n: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 40_000 + n))
}

/// Calls `seen` for each (peer, seconds after the start); returns the
/// counts and `len` after each call.
fn peers(ttl: u64, max: usize, calls: &[(u16, u64)]) -> Vec<(u64, usize)> {
    let calls = calls.to_vec();
    let call = format!(
        "Peers::new({ttl} s, {max}), then seen(peer, start + s) for each \
         (peer, s) of {calls:?}"
    );
    case("5.4", call).run(move || {
        let start = Instant::now();
        let mut known = Peers::new(Duration::from_secs(ttl), max);
        calls
            .iter()
            .map(|&(p, s)| {
                let count = known.seen(peer(p), start + Duration::from_secs(s));
                (count, known.len())
            })
            .collect()
    })
}

#[test]
fn ex5_4_basic() {
    let got = peers(30, 10, &[(1, 0), (1, 1), (2, 2), (1, 3), (2, 4)]);
    case("5.4", "two peers")
        .same(&got, &vec![(1, 1), (2, 1), (1, 2), (3, 2), (2, 2)]);
}

#[test]
fn ex5_4_forgets_the_silent() {
    let got =
        peers(10, 10, &[(1, 0), (2, 5), (1, 9), (2, 15), (1, 18), (1, 28)]);
    case("5.4", "ttl 10 s: a gap of exactly 10 s forgets")
        .same(&got, &vec![(1, 1), (1, 2), (2, 2), (1, 2), (3, 2), (1, 1)]);
    let got = peers(10, 10, &[(1, 0), (2, 1), (3, 100)]);
    case("5.4", "everyone silent, then a newcomer")
        .same(&got, &vec![(1, 1), (1, 2), (1, 1)]);
}

#[test]
fn ex5_4_edge_cases() {
    let got = peers(60, 2, &[(1, 0), (2, 1), (1, 2), (3, 3), (2, 4), (1, 5)]);
    case("5.4", "max 2: the oldest goes")
        .same(&got, &vec![(1, 1), (1, 2), (2, 2), (1, 2), (1, 2), (1, 2)]);
    let got = peers(60, 0, &[(1, 0), (1, 1)]);
    case("5.4", "max 0").same(&got, &vec![(1, 0), (1, 0)]);
    let got = peers(0, 5, &[(1, 0), (1, 0), (2, 0)]);
    case("5.4", "ttl 0: everyone is forgotten at once")
        .same(&got, &vec![(1, 1), (1, 1), (1, 1)]);
}

#[test]
fn ex5_4_wrong_answers() {
    // Evicting the first peer seen, not the least recently seen; and
    // evicting when a known peer comes back to a full table.
    let got = peers(60, 2, &[(1, 0), (2, 1), (1, 2), (3, 3), (1, 4)]);
    case("5.4", "max 2: peer 1 was seen last, so 2 goes")
        .same(&got, &vec![(1, 1), (1, 2), (2, 2), (1, 2), (3, 2)]);
    let got = peers(60, 2, &[(1, 0), (2, 1), (2, 2), (1, 3)]);
    case("5.4", "max 2, both known")
        .same(&got, &vec![(1, 1), (1, 2), (2, 2), (2, 2)]);
    let empty = case("5.4", "Peers::new(1 s, 4).is_empty()")
        .run(|| Peers::new(Duration::from_secs(1), 4).is_empty());
    case("5.4", "a new table is empty").same(&empty, &true);
    let empty = case("5.4", "seen(peer, now), then is_empty()").run(|| {
        let mut known = Peers::new(Duration::from_secs(1), 4);
        known.seen(peer(1), Instant::now());
        known.is_empty()
    });
    case("5.4", "a table with a peer is not empty").same(&empty, &false);
}

// ---------------------------------------------------------------------
// Exercise 5.5: the strings of a TXT record

fn txt(rdata: &[u8], wanted: Result<Vec<&[u8]>, ()>) {
    let wanted = wanted.map(|v| v.into_iter().map(<[u8]>::to_vec).collect());
    let rdata = rdata.to_vec();
    case("5.5", format!("txt_strings({})", bytes(&rdata)))
        .expect(wanted, move || txt_strings(&rdata).map_err(|_| ()));
}

#[test]
fn ex5_5_basic() {
    txt(b"\x0bv=spf1 -all", Ok(vec![b"v=spf1 -all"]));
    txt(b"\x03abc\x02de", Ok(vec![b"abc", b"de"]));
}

#[test]
fn ex5_5_edge_cases() {
    txt(b"\x00", Ok(vec![b""]));
    txt(b"\x03abc\x00\x01x", Ok(vec![b"abc", b"", b"x"]));
    txt(b"\x00\x00", Ok(vec![b"", b""]));
    let mut long = vec![255];
    long.extend_from_slice(&[b'z'; 255]);
    txt(&long, Ok(vec![&[b'z'; 255]]));
    txt(b"\x02\xff\x00", Ok(vec![b"\xff\x00"]));
}

#[test]
fn ex5_5_errors() {
    txt(b"", Err(()));
    txt(b"\x05ab", Err(()));
    txt(b"\x03abc\x01", Err(()));
    txt(b"\xff", Err(()));
    let rdata = b"\x05ab".to_vec();
    let message = case("5.5", "txt_strings([5, 97, 98])")
        .run(move || txt_strings(&rdata))
        .err()
        .unwrap_or_default();
    case("5.5", "txt_strings([5, 97, 98])").check(
        !message.is_empty() && !message.contains('\n'),
        "the error is one line, not empty",
    );
}

/// Plausible wrong answers: the whole data as one string, a short string
/// clamped to what is left, no string accepted as success.
#[test]
fn ex5_5_wrong_answers() {
    txt(b"\x01a\x01b", Ok(vec![b"a", b"b"])); // not [b"\x01a\x01b"]
    txt(b"\x04abc", Err(())); // not Ok([b"abc"])
    txt(b"", Err(())); // not Ok([])
}

// ---------------------------------------------------------------------
// Exercise 5.6: names written with compression pointers

fn names(input: &[&str], wanted: Result<&[u8], ()>) {
    let list: Vec<String> = input.iter().map(|n| n.to_string()).collect();
    let call = format!("encode_names(&{list:?})");
    let wanted = wanted.map(<[u8]>::to_vec);
    case("5.6", call).expect(wanted, move || {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        encode_names(&refs).map_err(|_| ())
    });
}

#[test]
fn ex5_6_basic() {
    names(&["example.com"], Ok(b"\x07example\x03com\x00"));
    names(
        &["www.example.com", "mail.example.com"],
        Ok(b"\x03www\x07example\x03com\x00\x04mail\xc0\x04"),
    );
    names(&["a.b", "a.b"], Ok(b"\x01a\x01b\x00\xc0\x00"));
}

#[test]
fn ex5_6_longest_ending() {
    names(
        &["example.com", "www.example.com", "a.www.example.com"],
        Ok(b"\x07example\x03com\x00\x03www\xc0\x00\x01a\xc0\x0d"),
    );
    // "com" alone was written as part of example.com: point into it.
    names(
        &["example.com", "com"],
        Ok(b"\x07example\x03com\x00\xc0\x08"),
    );
    // Nothing shared but the root: no pointer for the root alone.
    names(&["a.org", "b.net"], Ok(b"\x01a\x03org\x00\x01b\x03net\x00"));
    // Same last label, different name: the labels must match whole.
    names(&["ab.c", "b.c"], Ok(b"\x02ab\x01c\x00\x01b\xc0\x03"));
    // Case is not folded.
    names(&["A.b", "a.b"], Ok(b"\x01A\x01b\x00\x01a\xc0\x02"));
}

#[test]
fn ex5_6_edge_cases() {
    names(&[], Ok(b""));
    names(&["", "."], Ok(b"\x00\x00"));
    names(&["a.b.", "a.b"], Ok(b"\x01a\x01b\x00\xc0\x00"));
    names(
        &["_sip._tcp.my-host"],
        Ok(b"\x04_sip\x04_tcp\x07my-host\x00"),
    );
    let label = "x".repeat(63);
    let mut one = vec![63];
    one.extend_from_slice(label.as_bytes());
    one.push(0);
    names(&[&label], Ok(&one));
    // 3 labels of 63 and one of 61: exactly 255 bytes written out.
    let full = format!("{label}.{label}.{label}.{}", "y".repeat(61));
    let result = case("5.6", "encode_names(&[a 255-byte name])").run({
        let full = full.clone();
        move || encode_names(&[&full]).map(|b| b.len())
    });
    case("5.6", "encode_names(&[a 255-byte name])").same(&result, &Ok(255));
}

#[test]
fn ex5_6_errors() {
    let label = "x".repeat(63);
    let too_long = format!("{label}.{label}.{label}.{}", "y".repeat(62));
    for bad in [
        "a..b",
        ".a",
        "a b",
        "é.com",
        "a.b..",
        &"x".repeat(64),
        &too_long,
    ] {
        names(&["ok.test", bad], Err(()));
    }
}

/// Past offset 16383 an ending cannot be pointed at: written out again.
#[test]
fn ex5_6_offsets_past_14_bits() {
    // 83 names of 198 bytes, none sharing an ending, fill 16434 bytes.
    // The last, x.y.z.k082, starts at 16236: its z label at 16364 (a
    // pointer can reach it), its k082 label at 16428 (none can).
    let (x, y, z) = ("x".repeat(63), "y".repeat(63), "z".repeat(63));
    let mut list: Vec<String> =
        (0..83).map(|i| format!("{x}.{y}.{z}.k{i:03}")).collect();
    list.push("k082".into());
    list.push(format!("q.{z}.k082"));
    let call = "encode_names(&[85 long names])";
    let got = case("5.6", call).run(move || {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        encode_names(&refs)
    });
    let Ok(got) = got else {
        case("5.6", call).fail("refused valid names");
    };
    let wanted_tail = [
        &b"\x04k082\x00"[..], // k082 at 16428: too far, written again
        b"\x01q",
        &(0xC000u16 | 16364).to_be_bytes(), // z.k082 at 16364
    ]
    .concat();
    let tail = got.get(83 * 198..).unwrap_or_default().to_vec();
    case("5.6", call).same(&tail, &wanted_tail);
}

/// An ending at exactly offset 16384 is one too far for 14 bits.
#[test]
fn ex5_6_offset_16384_is_too_far() {
    // 82 names of 198 bytes fill 16236 bytes; then p.q.r.end puts the
    // label "end" at 16236 + 64 + 64 + 20 = 16384.
    let (x, y, z) = ("x".repeat(63), "y".repeat(63), "z".repeat(63));
    let mut list: Vec<String> =
        (0..82).map(|i| format!("{x}.{y}.{z}.k{i:03}")).collect();
    list.push(format!(
        "{}.{}.{}.end",
        "p".repeat(63),
        "q".repeat(63),
        "r".repeat(19)
    ));
    list.push("end".into());
    let call = "encode_names(&[84 long names])";
    let got = case("5.6", call).run(move || {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        encode_names(&refs)
    });
    let tail = got.map(|b| b.get(16384..).unwrap_or_default().to_vec());
    case("5.6", call).same(&tail, &Ok(b"\x03end\x00\x03end\x00".to_vec()));
}

/// Plausible wrong answers: a pointer to a later part only (not the
/// longest ending), no compression at all, a pointer for the root.
#[test]
fn ex5_6_wrong_answers() {
    names(&["a.b.c", "a.b.c"], Ok(b"\x01a\x01b\x01c\x00\xc0\x00"));
    names(&["x.y", "z.w"], Ok(b"\x01x\x01y\x00\x01z\x01w\x00"));
    names(
        &["x.y", "x.y", "q.x.y"],
        Ok(b"\x01x\x01y\x00\xc0\x00\x01q\xc0\x00"),
    );
}
