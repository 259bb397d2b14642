// Checks for the lesson07 exercises (chapter 7).
//
//     cargo test -p exercises --test lesson07
//
// A failing test names the exercise and the input it tried.

use check::{Stream, bytes, case};
use exercises::lesson07::{
    Admission, Admit, BUSY_LINE, ReadOutcome, Retry, TimerWheel, block_on,
    greet_with_retry, p99, read_until_blocked,
};
use std::collections::BTreeMap;
use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------
// Exercise 7.1: read_until_blocked

/// What one turn gave: the outcome, `into` after it, the bytes the
/// stream still holds, and the stream itself (for a second turn).
type Turn = (ReadOutcome, String, usize, Stream);

/// Runs one turn over `stream` (shown in the call as `what`), with
/// `into` holding `before` first.
fn turn(what: &str, mut stream: Stream, before: &str, budget: usize) -> Turn {
    let call = format!(
        "read_until_blocked(&mut {what}, &mut {}.to_vec(), {budget})",
        bytes(before.as_bytes())
    );
    let mut into = before.as_bytes().to_vec();
    case("7.1", call).run(move || {
        let outcome = read_until_blocked(&mut stream, &mut into, budget);
        let into = String::from_utf8_lossy(&into).into_owned();
        let unread = stream.unread();
        (outcome, into, unread, stream)
    })
}

/// Checks a turn: its outcome, what `into` holds, how much is unread.
fn expect_turn(
    what: &str,
    stream: Stream,
    before: &str,
    budget: usize,
    wanted: (ReadOutcome, &str, usize),
) -> Stream {
    let (outcome, into, unread, stream) = turn(what, stream, before, budget);
    let call = format!("read_until_blocked(&mut {what}, .., {budget})");
    let call = case("7.1", call);
    call.same(&outcome, &wanted.0);
    call.same(&into, &wanted.1.to_string());
    if unread != wanted.2 {
        call.fail(format_args!(
            "{unread} bytes were left unread; the exercise wants {}",
            wanted.2
        ));
    }
    stream
}

/// A non-blocking socket that holds `input` and then would block.
fn socket(input: &str) -> Stream {
    Stream::new(input.as_bytes()).then_fail(ErrorKind::WouldBlock)
}

#[test]
fn ex7_1_basic() {
    let what = "a socket holding \"Tracy\\nMi\"";
    let wanted = (ReadOutcome::Drained, "Tracy\nMi", 0);
    expect_turn(what, socket("Tracy\nMi"), "", 100, wanted);
    // What `into` held stays, in front.
    let wanted = (ReadOutcome::Drained, "old\nTracy\nMi", 0);
    expect_turn(what, socket("Tracy\nMi"), "old\n", 100, wanted);
    // The peer closed after its last line.
    let stream = Stream::new(b"exit\n");
    let wanted = (ReadOutcome::Closed, "exit\n", 0);
    expect_turn(
        "a stream sending \"exit\\n\", then closed",
        stream,
        "",
        100,
        wanted,
    );
}

#[test]
fn ex7_1_budget() {
    let what = "a socket holding \"Tracy\\nMi\"";
    let stream = socket("Tracy\nMi");
    let wanted = (ReadOutcome::BudgetSpent, "Trac", 4);
    let stream = expect_turn(what, stream, "", 4, wanted);
    // The next turn takes the rest.
    let wanted = (ReadOutcome::Drained, "Tracy\nMi", 0);
    expect_turn("the same socket, second turn", stream, "Trac", 100, wanted);
    // Exactly the budget: stop there, without another read.
    let wanted = (ReadOutcome::BudgetSpent, "Tracy\nMi", 0);
    expect_turn(what, socket("Tracy\nMi"), "", 8, wanted);
    // A budget of 0 reads nothing.
    let (outcome, into, unread, stream) =
        turn(what, socket("Tracy\nMi"), "", 0);
    let call = case("7.1", format!("read_until_blocked(&mut {what}, .., 0)"));
    call.same(&outcome, &ReadOutcome::BudgetSpent);
    call.same(&into, &String::new());
    let reads = stream.reads();
    call.check(
        reads == 0 && unread == 8,
        format_args!(
            "with a budget of 0, make no read at all: you made {reads} \
             read(s), and {unread} of 8 bytes are left unread"
        ),
    );
}

#[test]
fn ex7_1_in_pieces() {
    let what = "a socket holding \"Tracy\\nMichael\\n\", one byte per read";
    let stream = socket("Tracy\nMichael\n").one_byte_at_a_time();
    let wanted = (ReadOutcome::Drained, "Tracy\nMichael\n", 0);
    expect_turn(what, stream, "", 100, wanted);
    let stream = socket("Tracy\nMichael\n").one_byte_at_a_time();
    let wanted = (ReadOutcome::BudgetSpent, "Tracy\nMic", 5);
    expect_turn(what, stream, "", 9, wanted);
    // More than one buffer's worth.
    let big = "x".repeat(20_000);
    let what = "a socket holding 20000 bytes, 3000 per read";
    let stream = socket(&big).in_pieces(&[3000]);
    expect_turn(what, stream, "", 100_000, (ReadOutcome::Drained, &big, 0));
    let stream = socket(&big).in_pieces(&[3000]);
    let wanted = (ReadOutcome::BudgetSpent, &big[..12_345], 20_000 - 12_345);
    expect_turn(what, stream, "", 12_345, wanted);
    let what = "a socket holding 20000 bytes";
    let wanted = (ReadOutcome::BudgetSpent, &big[..9_999], 20_000 - 9_999);
    expect_turn(what, socket(&big), "", 9_999, wanted);
}

#[test]
fn ex7_1_errors() {
    // WouldBlock in the middle: the rest comes with the next event.
    let what = "a socket holding \"Tracy\", then later \"\\nMi\"";
    let stream = socket("Tracy\nMi").fail_read_at(5, ErrorKind::WouldBlock);
    let stream =
        expect_turn(what, stream, "", 100, (ReadOutcome::Drained, "Tracy", 3));
    let wanted = (ReadOutcome::Drained, "Tracy\nMi", 0);
    expect_turn("the same socket, next event", stream, "Tracy", 100, wanted);
    // A signal is no error.
    let what = "a socket holding \"Tracy\\nMi\", interrupted after 3 bytes";
    let stream = socket("Tracy\nMi").fail_read_at(3, ErrorKind::Interrupted);
    let wanted = (ReadOutcome::Drained, "Tracy\nMi", 0);
    expect_turn(what, stream, "", 100, wanted);
    let what = "a socket interrupted before its first byte, then \"Tracy\"";
    let stream = socket("Tracy").fail_read_at(0, ErrorKind::Interrupted);
    expect_turn(what, stream, "", 100, (ReadOutcome::Drained, "Tracy", 0));
    // A reset after some bytes: the bytes stay.
    let what = "a socket sending \"Tracy\", then reset";
    let stream = Stream::new(b"Tracy").then_fail(ErrorKind::ConnectionReset);
    let wanted = (ReadOutcome::Failed(ErrorKind::ConnectionReset), "Tracy", 0);
    expect_turn(what, stream, "", 100, wanted);
    let what = "a socket that fails at once with TimedOut";
    let stream = Stream::new(b"").then_fail(ErrorKind::TimedOut);
    let wanted = (ReadOutcome::Failed(ErrorKind::TimedOut), "", 0);
    expect_turn(what, stream, "", 100, wanted);
}

#[test]
fn ex7_1_wrong_answers() {
    // One read and out: with edge-triggered events nobody would come
    // back for "Mi".
    let what = "a socket holding \"Tracy\\n\" and \"Mi\", read apart";
    let stream =
        Stream::apart(["Tracy\n", "Mi"]).then_fail(ErrorKind::WouldBlock);
    let wanted = (ReadOutcome::Drained, "Tracy\nMi", 0);
    expect_turn(what, stream, "", 100, wanted);
    // WouldBlock first of all is no error.
    let what = "a socket with nothing to read";
    expect_turn(what, socket(""), "", 100, (ReadOutcome::Drained, "", 0));
    // A budget smaller than one piece: the read itself must be short.
    let what = "a socket holding \"Tracy\\nMi\"";
    let wanted = (ReadOutcome::BudgetSpent, "T", 7);
    expect_turn(what, socket("Tracy\nMi"), "", 1, wanted);
}

// ---------------------------------------------------------------------
// Exercise 7.2: Admission

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
}

/// Runs `steps` (`admit`/`release` of `ip(n)`) on `Admission::new(per,
/// total)`; the answers to the admits, then inside() and tracked().
fn admissions(
    per_peer: usize,
    total: usize,
    steps: &[(&'static str, u8)],
) -> (Vec<Admit>, usize, usize) {
    let shown: Vec<String> = steps
        .iter()
        .map(|(what, n)| format!("{what}({})", ip(*n)))
        .collect();
    let call = format!(
        "Admission::new({per_peer}, {total}), then {}",
        shown.join(", ")
    );
    let steps = steps.to_vec();
    case("7.2", call).run(move || {
        let mut admission = Admission::new(per_peer, total);
        let mut answers = Vec::new();
        for (what, n) in steps {
            match what {
                "admit" => answers.push(admission.admit(ip(n))),
                _ => admission.release(ip(n)),
            }
        }
        (answers, admission.inside(), admission.tracked())
    })
}

fn expect_admissions(
    per_peer: usize,
    total: usize,
    steps: &[(&'static str, u8)],
    wanted: (Vec<Admit>, usize, usize),
) {
    let got = admissions(per_peer, total, steps);
    let call = case("7.2", format!("Admission::new({per_peer}, {total})"));
    call.check(
        got == wanted,
        format_args!(
            "after {steps:?}\n  your code gave (answers, inside(), \
             tracked()): {got:?}\n  the exercise wants: {wanted:?}"
        ),
    );
}

use Admit::{Busy, TooManyFromYou, Yes};

#[test]
fn ex7_2_basic() {
    let steps = [("admit", 1), ("admit", 2), ("admit", 1)];
    expect_admissions(2, 10, &steps, (vec![Yes, Yes, Yes], 3, 2));
    let steps = [("admit", 1), ("admit", 1), ("admit", 1), ("admit", 2)];
    let wanted = vec![Yes, Yes, TooManyFromYou, Yes];
    expect_admissions(2, 10, &steps, (wanted, 3, 2));
    let steps = [("admit", 1), ("admit", 2), ("admit", 3), ("admit", 4)];
    expect_admissions(5, 3, &steps, (vec![Yes, Yes, Yes, Busy], 3, 3));
}

#[test]
fn ex7_2_release() {
    // A release makes room again, for the address and in the total.
    let steps = [
        ("admit", 1),
        ("admit", 1),
        ("admit", 1),
        ("release", 1),
        ("admit", 1),
    ];
    let wanted = vec![Yes, Yes, TooManyFromYou, Yes];
    expect_admissions(2, 10, &steps, (wanted, 2, 1));
    let steps = [
        ("admit", 1),
        ("admit", 2),
        ("admit", 3),
        ("release", 2),
        ("admit", 3),
        ("admit", 4),
    ];
    let wanted = vec![Yes, Yes, Busy, Yes, Busy];
    expect_admissions(5, 2, &steps, (wanted, 2, 2));
    // Everyone gone: nothing inside, nobody remembered.
    let steps = [
        ("admit", 1),
        ("admit", 2),
        ("admit", 1),
        ("release", 1),
        ("release", 2),
        ("release", 1),
    ];
    expect_admissions(2, 10, &steps, (vec![Yes, Yes, Yes], 0, 0));
}

#[test]
fn ex7_2_edge_cases() {
    // Busy is checked first.
    let steps = [("admit", 1), ("admit", 1)];
    expect_admissions(1, 1, &steps, (vec![Yes, Busy], 1, 1));
    expect_admissions(0, 0, &[("admit", 1)], (vec![Busy], 0, 0));
    expect_admissions(0, 5, &[("admit", 1)], (vec![TooManyFromYou], 0, 0));
    // Releases that match no conversation change nothing.
    let steps = [("release", 1), ("admit", 1), ("release", 2), ("admit", 1)];
    expect_admissions(1, 10, &steps, (vec![Yes, TooManyFromYou], 1, 1));
    let steps = [
        ("admit", 1),
        ("release", 1),
        ("release", 1),
        ("admit", 2),
        ("admit", 2),
    ];
    expect_admissions(2, 2, &steps, (vec![Yes, Yes, Yes], 2, 1));
}

#[test]
fn ex7_2_addresses_not_ports() {
    let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let call = "Admission::new(1, 10): admit(::1), admit(127.0.0.1), \
                admit(::1), release(127.0.0.1)";
    let got = case("7.2", call).run(move || {
        let mut admission = Admission::new(1, 10);
        let answers = [
            admission.admit(v6),
            admission.admit(v4),
            admission.admit(v6),
        ];
        admission.release(v4);
        (answers, admission.inside(), admission.tracked())
    });
    case("7.2", call).same(&got, &([Yes, Yes, TooManyFromYou], 1, 1));
}

#[test]
fn ex7_2_a_million_visitors_leave_nothing_behind() {
    let call = "Admission::new(3, 100): 100000 addresses come and go";
    let got = case("7.2", call).run(|| {
        let mut admission = Admission::new(3, 100);
        let mut refused = 0;
        for n in 0..100_000u32 {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
            if admission.admit(ip) != Yes {
                refused += 1;
            }
            admission.release(ip);
        }
        (refused, admission.inside(), admission.tracked())
    });
    case("7.2", call).same(&got, &(0, 0, 0));
}

// ---------------------------------------------------------------------
// Exercise 7.3: TimerWheel

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// One step of a timer test.
#[derive(Debug, Clone, Copy)]
enum Step {
    Schedule(u64, u64),
    Cancel(u64, bool),
    Expire(u64, &'static [u64]),
    Next(Option<u64>),
    Len(usize),
}
use Step::{Cancel, Expire, Len, Next, Schedule};

/// Runs `steps` on a wheel of `slots` slots of `width` ms; each step
/// says what it wants back.
fn wheel(width: u64, slots: usize, steps: &[Step]) {
    let call = format!("TimerWheel::new({:?}, {slots})", ms(width));
    let all = steps.to_vec();
    // (step index, what the code gave, what is wanted), at the first
    // difference.
    let differs = case("7.3", &call).run(move || {
        let mut wheel = TimerWheel::new(ms(width), slots);
        for (at, step) in all.into_iter().enumerate() {
            let (got, wanted) = match step {
                Schedule(id, deadline) => {
                    wheel.schedule(id, ms(deadline));
                    continue;
                }
                Cancel(id, wanted) => {
                    (format!("{:?}", wheel.cancel(id)), format!("{wanted:?}"))
                }
                Expire(now, wanted) => (
                    format!("{:?}", wheel.expire(ms(now))),
                    format!("{wanted:?}"),
                ),
                Next(wanted) => (
                    format!("{:?}", wheel.next_deadline()),
                    format!("{:?}", wanted.map(ms)),
                ),
                Len(wanted) => (
                    format!("{:?}", (wheel.len(), wheel.is_empty())),
                    format!("{:?}", (wanted, wanted == 0)),
                ),
            };
            if got != wanted {
                return Some((at, got, wanted));
            }
        }
        None
    });
    if let Some((at, got, wanted)) = differs {
        let shown: Vec<String> =
            steps[..=at].iter().map(|step| describe(*step)).collect();
        case("7.3", call).fail(format_args!(
            "then {}\n  your code gave: {got}\n  the exercise wants: {wanted}",
            shown.join(", ")
        ));
    }
}

fn describe(step: Step) -> String {
    match step {
        Schedule(id, at) => format!("schedule({id}, {:?})", ms(at)),
        Cancel(id, _) => format!("cancel({id})"),
        Expire(now, _) => format!("expire({:?})", ms(now)),
        Next(_) => "next_deadline()".to_string(),
        Len(_) => "len() and is_empty()".to_string(),
    }
}

#[test]
fn ex7_3_basic() {
    wheel(
        10,
        8,
        &[
            Len(0),
            Next(None),
            Schedule(1, 30),
            Schedule(2, 10),
            Len(2),
            Next(Some(10)),
            Expire(5, &[]),
            Expire(10, &[2]),
            Next(Some(30)),
            Expire(29, &[]),
            Expire(35, &[1]),
            Len(0),
            Next(None),
            Expire(1000, &[]),
        ],
    );
}

#[test]
fn ex7_3_in_deadline_order() {
    wheel(
        10,
        8,
        &[
            Schedule(5, 30),
            Schedule(3, 10),
            Schedule(4, 30),
            Schedule(9, 20),
            Schedule(8, 12),
            Expire(40, &[3, 8, 9, 4, 5]),
            // Within one slot, too.
            Schedule(1, 47),
            Schedule(2, 41),
            Schedule(3, 44),
            Expire(49, &[2, 3, 1]),
        ],
    );
}

#[test]
fn ex7_3_turns() {
    // 8 slots of 10 ms: one turn is 80 ms.
    wheel(
        10,
        8,
        &[
            Schedule(1, 95),
            Schedule(2, 15),
            Expire(20, &[2]),
            Expire(80, &[]),
            Expire(94, &[]),
            Expire(95, &[1]),
            // Three turns away, in the slot the wheel is on.
            Schedule(3, 95 + 240),
            Expire(100, &[]),
            Expire(180, &[]),
            Expire(334, &[]),
            Next(Some(335)),
            Expire(335, &[3]),
        ],
    );
}

#[test]
fn ex7_3_never_early_within_a_slot() {
    wheel(
        10,
        4,
        &[
            Schedule(1, 17),
            Expire(10, &[]),
            Expire(16, &[]),
            Expire(17, &[1]),
            Expire(17, &[]),
        ],
    );
}

#[test]
fn ex7_3_reschedule_and_cancel() {
    wheel(
        10,
        8,
        &[
            // Later: the old deadline is gone.
            Schedule(1, 10),
            Schedule(1, 50),
            Len(1),
            Next(Some(50)),
            Expire(20, &[]),
            Expire(50, &[1]),
            Expire(60, &[]),
            // Sooner: it fires once, at the new deadline.
            Schedule(2, 90),
            Schedule(2, 70),
            Expire(70, &[2]),
            Expire(200, &[]),
            // Cancel.
            Schedule(3, 210),
            Schedule(4, 220),
            Cancel(3, true),
            Cancel(3, false),
            Cancel(99, false),
            Len(1),
            Next(Some(220)),
            Expire(300, &[4]),
            Cancel(4, false),
            Len(0),
        ],
    );
}

#[test]
fn ex7_3_edge_cases() {
    wheel(
        10,
        8,
        &[
            // A deadline the wheel has passed fires on the next expire,
            // not a turn later.
            Expire(100, &[]),
            Schedule(7, 50),
            Schedule(8, 100),
            Expire(100, &[7, 8]),
            // A clock that steps back a little.
            Schedule(9, 30),
            Expire(95, &[9]),
            // A jump of many turns.
            Schedule(10, 5_000),
            Schedule(11, 120),
            Expire(1_000_000, &[11, 10]),
            Len(0),
        ],
    );
    // One slot: every deadline shares it.
    wheel(
        10,
        1,
        &[
            Schedule(1, 25),
            Schedule(2, 5),
            Expire(10, &[2]),
            Expire(30, &[1]),
        ],
    );
    // A jump of ten thousand years: walk each slot once, not each tick.
    let call = "TimerWheel::new(1ms, 64), schedule(1, 2ms), \
                expire(10000 years)";
    let got = case("7.3", call).run(|| {
        let mut wheel = TimerWheel::new(ms(1), 64);
        wheel.schedule(1, ms(2));
        wheel.schedule(2, Duration::MAX);
        let year = 365 * 24 * 3600;
        let fired = wheel.expire(Duration::from_secs(10_000 * year));
        (fired, wheel.next_deadline())
    });
    case("7.3", call).same(&got, &(vec![1], Some(Duration::MAX)));
}

#[test]
fn ex7_3_a_wheel_looks_only_at_the_slots_it_passes() {
    // 200000 timers over one turn of 4096 slots of 1 ms, then 4100
    // calls of expire, one per millisecond: a wheel looks at about 50
    // timers each time; a list of all timers would look at 100000.
    let call = "TimerWheel::new(1ms, 4096), 200000 timers, expire every ms";
    let (fired, in_order, took) = case("7.3", call).run(|| {
        let started = Instant::now();
        let mut wheel = TimerWheel::new(ms(1), 4096);
        for id in 0..200_000u64 {
            // Spread over 0 .. 4096 ms, in no order.
            let at = Duration::from_micros(id.wrapping_mul(7919) % 4_096_000);
            wheel.schedule(id, at);
        }
        let (mut fired, mut in_order, mut last) = (0, true, Duration::ZERO);
        for now in 0..4100 {
            for id in wheel.expire(ms(now)) {
                let at =
                    Duration::from_micros(id.wrapping_mul(7919) % 4_096_000);
                in_order &= last <= at && at <= ms(now);
                last = at;
                fired += 1;
            }
        }
        (fired, in_order, started.elapsed())
    });
    let case = case("7.3", call);
    case.same(&(fired, in_order), &(200_000, true));
    case.check(
        took < Duration::from_secs(3),
        format_args!(
            "it took {took:?}: does expire look at every timer, or only \
             at the slots between the last call and now?"
        ),
    );
}

#[test]
fn ex7_3_against_a_model() {
    // 2000 timers, rescheduled and cancelled at random, checked against
    // a sorted map at every step.
    let call = "TimerWheel::new(7ms, 16), 2000 random schedules, cancels, \
                and expires";
    let report = case("7.3", call).run(|| {
        let mut wheel = TimerWheel::new(ms(7), 16);
        let mut model: BTreeMap<u64, u64> = BTreeMap::new(); // id -> at
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut random = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        let mut now = 0;
        for step in 0..2000 {
            let id = random(300);
            match random(10) {
                0..=5 => {
                    let at = now + random(500);
                    wheel.schedule(id, ms(at));
                    model.insert(id, at);
                }
                6 => {
                    let was = model.remove(&id).is_some();
                    if wheel.cancel(id) != was {
                        return Some(format!("step {step}: cancel({id})"));
                    }
                }
                _ => {
                    now += random(40);
                    let mut due: Vec<(u64, u64)> = model
                        .iter()
                        .filter(|&(_, &at)| at <= now)
                        .map(|(&id, &at)| (at, id))
                        .collect();
                    due.sort();
                    let due: Vec<u64> = due.iter().map(|&(_, id)| id).collect();
                    for id in &due {
                        model.remove(id);
                    }
                    let got = wheel.expire(ms(now));
                    if got != due {
                        return Some(format!(
                            "step {step}: expire({:?}) gave {got:?}, \
                             wanted {due:?}",
                            ms(now)
                        ));
                    }
                }
            }
            let next = model.values().min().map(|&at| ms(at));
            if wheel.next_deadline() != next || wheel.len() != model.len() {
                return Some(format!(
                    "step {step}: next_deadline() {:?} and len() {}, \
                     wanted {next:?} and {}",
                    wheel.next_deadline(),
                    wheel.len(),
                    model.len()
                ));
            }
        }
        None
    });
    case("7.3", call).same(&report, &None);
}

// ---------------------------------------------------------------------
// Exercise 7.4: greet_with_retry

/// How the pool in a test behaves.
#[derive(Debug, Clone, Copy)]
struct Pool {
    /// The first `busy` connections hear BUSY_LINE.
    busy: usize,
    /// Each line goes out in two pieces, 30 ms apart.
    split: bool,
    /// Lines end with "\r\n" instead of "\n".
    crlf: bool,
}

/// What the pool saw.
#[derive(Debug, Default)]
struct Seen {
    connections: usize,
    /// What each client sent, by connection.
    received: Vec<String>,
}

const POOL: Pool = Pool {
    busy: 0,
    split: false,
    crlf: false,
};

/// A pool on 127.0.0.1 that answers each connection in turn until
/// `stop` is set; its address, and the thread that reports what it saw.
fn pool(script: Pool) -> (SocketAddr, Arc<AtomicBool>, JoinHandle<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the pool's address");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let thread = thread::spawn(move || {
        let mut seen = Seen::default();
        let deadline = Instant::now() + Duration::from_secs(8);
        while Instant::now() < deadline {
            let mut stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if stopped.load(Ordering::SeqCst) {
                        break;
                    }
                    thread::sleep(Duration::from_millis(2));
                    continue;
                }
                Err(_) => break,
            };
            seen.connections += 1;
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_nodelay(true);
            let timeout = Some(Duration::from_millis(500));
            let _ = stream.set_read_timeout(timeout);
            let _ = stream.set_write_timeout(timeout);
            let end = if script.crlf { "\r\n" } else { "\n" };
            let send = |stream: &mut std::net::TcpStream, line: &str| {
                let line = format!("{line}{end}");
                if script.split {
                    let (a, b) = line.split_at(line.len() / 2);
                    let _ = stream.write_all(a.as_bytes());
                    thread::sleep(Duration::from_millis(30));
                    let _ = stream.write_all(b.as_bytes());
                } else {
                    let _ = stream.write_all(line.as_bytes());
                }
            };
            let mut received = Vec::new();
            if seen.connections <= script.busy {
                send(&mut stream, BUSY_LINE);
            } else {
                send(&mut stream, "Welcome!");
                // Read the name, a byte at a time, up to its '\n'.
                let mut byte = [0u8; 1];
                while received.len() < 100 && !received.ends_with(b"\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => received.push(byte[0]),
                        _ => break,
                    }
                }
                let name = String::from_utf8_lossy(&received);
                let name = name.trim_end_matches(['\r', '\n']).to_string();
                send(&mut stream, &format!("Hello, {name}!"));
            }
            // Whatever else comes before the client closes.
            let mut rest = [0u8; 256];
            while let Ok(n @ 1..) = stream.read(&mut rest) {
                received.extend_from_slice(&rest[..n]);
            }
            seen.received
                .push(String::from_utf8_lossy(&received).into());
        }
        seen
    });
    (addr, stop, thread)
}

fn retry(tries: u32, first: u64, max: u64) -> Retry {
    Retry {
        tries,
        first_wait: ms(first),
        max_wait: ms(max),
        timeout: Duration::from_secs(2),
    }
}

/// Greets "Tracy" at `server` with `retry`; the result, the waits, and
/// what the pool saw.
fn greet(
    script: Pool,
    retry: Retry,
) -> (Result<String, String>, Vec<Duration>, Seen) {
    let (addr, stop, server) = pool(script);
    let call = format!(
        "greet_with_retry(a pool busy {} times, \"Tracy\", {retry:?}, sleep)",
        script.busy
    );
    let (result, waits) = case("7.4", call).run(move || {
        let mut waits = Vec::new();
        let result =
            greet_with_retry(addr, "Tracy", retry, |wait| waits.push(wait));
        (result, waits)
    });
    stop.store(true, Ordering::SeqCst);
    let seen = server.join().expect("the test's pool thread");
    (result, waits, seen)
}

/// Checks a greeting: its result (any error is "an error"), the waits,
/// how many connections, and that only the last one heard a name.
fn expect_greeting(
    script: Pool,
    retry: Retry,
    wanted: Result<&str, ()>,
    waits: &[u64],
) {
    let (result, got_waits, seen) = greet(script, retry);
    let call = case(
        "7.4",
        format!(
            "greet_with_retry(a pool busy {} times, \"Tracy\", {retry:?}, sleep)",
            script.busy
        ),
    );
    let result = result.map_err(|e| {
        call.check(
            !e.is_empty() && !e.contains('\n'),
            format_args!("the error must be one line, not empty: {e:?}"),
        );
    });
    call.same(&result, &wanted.map(String::from));
    let waits: Vec<Duration> = waits.iter().map(|&w| ms(w)).collect();
    if got_waits != waits {
        call.fail(format_args!(
            "your code waited {got_waits:?}\n  the exercise wants: {waits:?}"
        ));
    }
    let connections = if wanted.is_ok() {
        script.busy + 1
    } else {
        (retry.tries as usize).min(script.busy)
    };
    if seen.connections != connections {
        call.fail(format_args!(
            "your code connected {} times; the exercise wants {connections}",
            seen.connections
        ));
    }
    for (n, received) in seen.received.iter().enumerate() {
        let wanted = if n < script.busy { "" } else { "Tracy\n" };
        if received != wanted {
            call.fail(format_args!(
                "on connection {} (busy: {}) your code sent {:?}; the \
                 exercise wants {wanted:?}",
                n + 1,
                n < script.busy,
                received
            ));
        }
    }
}

#[test]
fn ex7_4_basic() {
    expect_greeting(POOL, retry(3, 10, 1000), Ok("Hello, Tracy!"), &[]);
    let busy = Pool { busy: 2, ..POOL };
    expect_greeting(busy, retry(3, 10, 1000), Ok("Hello, Tracy!"), &[10, 20]);
}

#[test]
fn ex7_4_backoff_doubles_up_to_the_cap() {
    let busy = Pool { busy: 5, ..POOL };
    let wanted = Ok("Hello, Tracy!");
    expect_greeting(busy, retry(6, 10, 45), wanted, &[10, 20, 40, 45, 45]);
    // A first wait over the cap is cut to it.
    let busy = Pool { busy: 2, ..POOL };
    expect_greeting(busy, retry(6, 50, 30), wanted, &[30, 30]);
}

#[test]
fn ex7_4_gives_up_after_the_last_try() {
    let busy = Pool { busy: 10, ..POOL };
    // Four connections, three waits: none after the last.
    expect_greeting(busy, retry(4, 10, 1000), Err(()), &[10, 20, 40]);
    expect_greeting(busy, retry(1, 10, 1000), Err(()), &[]);
    expect_greeting(busy, retry(0, 10, 1000), Err(()), &[]);
    // Busy as many times as there are tries: the last try was busy too.
    let busy = Pool { busy: 3, ..POOL };
    expect_greeting(busy, retry(3, 10, 1000), Err(()), &[10, 20]);
    let busy = Pool { busy: 3, ..POOL };
    expect_greeting(
        busy,
        retry(4, 10, 1000),
        Ok("Hello, Tracy!"),
        &[10, 20, 40],
    );
}

#[test]
fn ex7_4_in_pieces() {
    let split = Pool {
        busy: 2,
        split: true,
        ..POOL
    };
    let wanted = Ok("Hello, Tracy!");
    expect_greeting(split, retry(3, 10, 1000), wanted, &[10, 20]);
    let crlf = Pool {
        busy: 1,
        split: true,
        crlf: true,
    };
    expect_greeting(crlf, retry(3, 10, 1000), wanted, &[10]);
}

#[test]
fn ex7_4_huge_waits_do_not_overflow() {
    let busy = Pool { busy: 3, ..POOL };
    let half = Duration::from_secs(u64::MAX / 2);
    let retry = Retry {
        tries: 4,
        first_wait: half,
        max_wait: Duration::MAX,
        timeout: Duration::from_secs(2),
    };
    let (result, waits, seen) = greet(busy, retry);
    let call = case("7.4", format!("greet_with_retry(.., {retry:?}, sleep)"));
    call.same(&result.map_err(|_| ()), &Ok(String::from("Hello, Tracy!")));
    let wanted = vec![half, half * 2, Duration::MAX];
    call.same(&(waits, seen.connections), &(wanted, 4));
}

/// Runs `greet_with_retry` against a server that `serve` plays by hand.
fn against(
    what: &str,
    serve: impl FnOnce(std::net::TcpStream) + Send + 'static,
) -> (Result<String, String>, Vec<Duration>, Duration) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the server's address");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let server = thread::spawn(move || {
        // One connection (the client must not retry here), or none if
        // the client returns without connecting.
        let deadline = Instant::now() + Duration::from_secs(8);
        while Instant::now() < deadline && !stopped.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    let timeout = Some(Duration::from_secs(3));
                    let _ = stream.set_read_timeout(timeout);
                    serve(stream);
                    return;
                }
                Err(_) => thread::sleep(Duration::from_millis(2)),
            }
        }
    });
    let retry = Retry {
        tries: 3,
        first_wait: ms(10),
        max_wait: ms(100),
        timeout: ms(300),
    };
    let call = format!("greet_with_retry({what}, \"Tracy\", {retry:?}, sleep)");
    let started = Instant::now();
    let (result, waits) = case("7.4", call).run(move || {
        let mut waits = Vec::new();
        let result =
            greet_with_retry(addr, "Tracy", retry, |wait| waits.push(wait));
        (result, waits)
    });
    let took = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    let _ = server.join();
    (result, waits, took)
}

fn expect_error(
    what: &str,
    serve: impl FnOnce(std::net::TcpStream) + Send + 'static,
) {
    let (result, waits, _) = against(what, serve);
    let call = case("7.4", format!("greet_with_retry({what}, ..)"));
    match result {
        Ok(greeting) => call.fail(format_args!(
            "your code gave Ok({greeting:?}); the exercise wants an error"
        )),
        Err(e) => call.check(
            !e.is_empty() && !e.contains('\n'),
            format_args!("the error must be one line, not empty: {e:?}"),
        ),
    }
    call.check(
        waits.is_empty(),
        format_args!(
            "an error is no busy answer: no retry, yet you waited {waits:?}"
        ),
    );
}

#[test]
fn ex7_4_errors() {
    // Half a line, then the end: an error, and no retry.
    expect_error("a server that sends \"Welc\" and closes", |mut s| {
        let _ = s.write_all(b"Welc");
    });
    expect_error("a server that closes after the welcome", |mut s| {
        let _ = s.write_all(b"Welcome!\n");
        let mut name = [0u8; 64];
        let _ = s.read(&mut name);
    });
    // Nothing listens: connection refused.
    let gone = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = gone.local_addr().expect("an address");
    drop(gone);
    let call = format!("greet_with_retry({addr}, where nothing listens, ..)");
    let got = case("7.4", &call).run(move || {
        let mut waits = 0;
        let result =
            greet_with_retry(addr, "Tracy", retry(3, 10, 100), |_| waits += 1);
        (result.is_err(), waits)
    });
    case("7.4", call).same(&got, &(true, 0));
}

#[test]
fn ex7_4_timeouts() {
    // A server that never says a word: the read must time out.
    let what = "a server that says nothing";
    let (result, waits, took) = against(what, |stream| {
        thread::sleep(Duration::from_secs(2));
        drop(stream);
    });
    let call = case("7.4", format!("greet_with_retry({what}, ..)"));
    call.check(result.is_err(), format_args!("{result:?} is no error"));
    call.check(waits.is_empty(), "a timeout is no busy answer: no retry");
    call.check(
        took < Duration::from_millis(1500),
        format_args!("took {took:?}: use retry.timeout (300 ms) on reads"),
    );
}

// ---------------------------------------------------------------------
// Exercise 7.5: block_on

/// Counts its polls and notes the thread they ran on.
#[derive(Clone, Default)]
struct Polls {
    count: Arc<AtomicUsize>,
    threads: Arc<Mutex<Vec<ThreadId>>>,
}

impl Polls {
    fn note(&self) -> usize {
        self.threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(thread::current().id());
        self.count.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    fn threads(&self) -> Vec<ThreadId> {
        self.threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Ready once another thread says so, after it has woken the waker it
/// was given `wakes` times (the ones before the last are spurious:
/// nothing is ready yet).
struct Later {
    polls: Polls,
    state: Arc<Mutex<(bool, Option<Waker>)>>,
}

impl Future for Later {
    type Output = &'static str;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        self.polls.note();
        let mut state =
            self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.0 {
            return Poll::Ready("done");
        }
        state.1 = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A `Later` and the thread that wakes it every `every` ms, `wakes`
/// times; ready at the last.
fn later(wakes: usize, every: u64) -> (Later, JoinHandle<()>) {
    let state = Arc::new(Mutex::new((false, None::<Waker>)));
    let shared = Arc::clone(&state);
    let waker = thread::spawn(move || {
        for n in 1..=wakes {
            thread::sleep(ms(every));
            let waker = {
                let mut state =
                    shared.lock().unwrap_or_else(PoisonError::into_inner);
                state.0 = n == wakes;
                state.1.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    });
    let future = Later {
        polls: Polls::default(),
        state,
    };
    (future, waker)
}

#[test]
fn ex7_5_basic() {
    let got = case("7.5", "block_on(std::future::ready(42))")
        .run(|| block_on(std::future::ready(42)));
    case("7.5", "block_on(std::future::ready(42))").same(&got, &42);
    let got = case("7.5", "block_on(async { 6 * 7 })")
        .run(|| block_on(async { 6 * 7 }));
    case("7.5", "block_on(async { 6 * 7 })").same(&got, &42);
}

#[test]
fn ex7_5_sleeps_until_woken() {
    let call = "block_on(a future that another thread wakes after 200 ms)";
    let (future, waker) = later(1, 200);
    let polls = future.polls.clone();
    let (got, me, took) = case("7.5", call).run(move || {
        let started = Instant::now();
        let got = block_on(future);
        (got, thread::current().id(), started.elapsed())
    });
    let _ = waker.join();
    let case = case("7.5", call);
    case.same(&got, &"done");
    case.check(
        took >= ms(190),
        format_args!("it returned after {took:?}, before the wake"),
    );
    let n = polls.count();
    case.check(
        n <= 3,
        format_args!(
            "your code polled {n} times; twice is enough (once, then once \
             after the wake): park the thread between polls"
        ),
    );
    case.check(
        polls.threads().iter().all(|&id| id == me),
        "poll the future on the thread that called block_on",
    );
}

/// Wakes itself inside `poll`, `times` times, before it is ready.
struct Restless {
    polls: Polls,
    times: usize,
    by_value: bool,
}

impl Future for Restless {
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let n = self.polls.note();
        if n > self.times {
            return Poll::Ready(n);
        }
        if self.by_value {
            // By value: the clone is the waker's `wake`, not `wake_by_ref`.
            let waker = cx.waker().clone();
            waker.wake();
        } else {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

#[test]
fn ex7_5_a_wake_during_the_poll_is_not_lost() {
    for by_value in [false, true] {
        let how = if by_value { "wake()" } else { "wake_by_ref()" };
        let call = format!(
            "block_on(a future that calls {how} inside poll and returns \
             Pending, 3 times)"
        );
        let polls = Polls::default();
        let future = Restless {
            polls: polls.clone(),
            times: 3,
            by_value,
        };
        let got = case("7.5", &call).run(move || block_on(future));
        case("7.5", call).same(&(got, polls.count()), &(4, 4));
    }
}

/// On its first poll, hands a clone of the waker to a thread that wakes
/// it 50 ms later; the original is dropped when the poll returns.
struct HandsItOn {
    polls: Polls,
    ready: Arc<AtomicBool>,
}

impl Future for HandsItOn {
    type Output = &'static str;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.polls.note() == 1 {
            let waker = cx.waker().clone();
            let ready = Arc::clone(&self.ready);
            thread::spawn(move || {
                thread::sleep(ms(50));
                ready.store(true, Ordering::SeqCst);
                waker.wake();
            });
        }
        if self.ready.load(Ordering::SeqCst) {
            Poll::Ready("woken by a clone")
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn ex7_5_a_clone_of_the_waker_wakes_from_another_thread() {
    let call = "block_on(a future whose waker's clone is woken by another \
                thread)";
    let polls = Polls::default();
    let future = HandsItOn {
        polls: polls.clone(),
        ready: Arc::new(AtomicBool::new(false)),
    };
    let got = case("7.5", call).run(move || block_on(future));
    let case = case("7.5", call);
    case.same(&got, &"woken by a clone");
    let n = polls.count();
    case.check(n <= 3, format_args!("{n} polls: park between polls"));
}

#[test]
fn ex7_5_spurious_wakeups() {
    // Woken three times, 40 ms apart; ready only at the third.
    let call = "block_on(a future woken 3 times, ready at the third)";
    let (future, waker) = later(3, 40);
    let polls = future.polls.clone();
    let got = case("7.5", call).run(move || block_on(future));
    let _ = waker.join();
    let first = case("7.5", call);
    first.same(&got, &"done");
    let n = polls.count();
    first.check(
        (4..=6).contains(&n),
        format_args!("{n} polls; the exercise wants one per wake, plus one"),
    );
    // Two in a row on one thread: a wake left over from the first does
    // no harm to the second.
    let call = "block_on(..) twice on one thread";
    let got = case("7.5", call).run(|| {
        let polls = Polls::default();
        let first = block_on(Restless {
            polls: polls.clone(),
            times: 1,
            by_value: false,
        });
        let (future, waker) = later(1, 30);
        let second = block_on(future);
        let _ = waker.join();
        (first, second)
    });
    case("7.5", call).same(&got, &(2, "done"));
}

// ---------------------------------------------------------------------
// Exercise 7.6: p99

fn expect_p99(what: &str, samples: Vec<Duration>, wanted: Option<Duration>) {
    let call = format!("p99(&{what})");
    case("7.6", call).expect(wanted, move || p99(&samples));
}

/// 1 ms, 2 ms, ... n ms, shuffled.
fn shuffled(n: u64) -> Vec<Duration> {
    let mut samples: Vec<Duration> = (1..=n).map(ms).collect();
    let mut seed = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for i in (1..samples.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        samples.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    samples
}

#[test]
fn ex7_6_basic() {
    let sorted: Vec<Duration> = (1..=100).map(ms).collect();
    expect_p99("[1ms, 2ms, .. 100ms]", sorted, Some(ms(99)));
    expect_p99("[7ms]", vec![ms(7)], Some(ms(7)));
    let ten: Vec<Duration> = (1..=10).map(ms).collect();
    expect_p99("[1ms, 2ms, .. 10ms]", ten, Some(ms(10)));
}

#[test]
fn ex7_6_edge_cases() {
    expect_p99("[]", Vec::new(), None);
    expect_p99("[1ms .. 101ms], shuffled", shuffled(101), Some(ms(100)));
    expect_p99("[1ms .. 200ms], shuffled", shuffled(200), Some(ms(198)));
    // 0.99 × 60 = 59.4: rounded up, not to the nearest.
    expect_p99("[1ms .. 60ms], shuffled", shuffled(60), Some(ms(60)));
    let same = vec![ms(5); 1000];
    expect_p99("[5ms; 1000]", same, Some(ms(5)));
}

#[test]
fn ex7_6_wrong_answers() {
    // Not sorted: the last sample is not the slowest.
    let reversed: Vec<Duration> = (1..=100).rev().map(ms).collect();
    expect_p99("[100ms, 99ms, .. 1ms]", reversed, Some(ms(99)));
    // Not an average: one slow request in a hundred is what p99 shows.
    let mut one_slow = vec![ms(1); 98];
    one_slow.extend([ms(900), ms(1000)]);
    expect_p99("[1ms; 98] + [900ms, 1000ms]", one_slow, Some(ms(900)));
    // Every size from 1 to 1000: no rank off by one.
    let call = "p99(&[1ms .. n ms], shuffled), for every n from 1 to 1000";
    let wrong = case("7.6", call).run(|| {
        (1..=1000u64).find_map(|n| {
            let rank = (99 * n).div_ceil(100);
            let got = p99(&shuffled(n));
            (got != Some(ms(rank))).then_some((n, got, rank))
        })
    });
    if let Some((n, got, rank)) = wrong {
        case("7.6", call).fail(format_args!(
            "for n = {n}, your code gave {got:?}; the exercise wants \
             Some({:?})",
            ms(rank)
        ));
    }
}
