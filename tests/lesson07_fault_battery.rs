//! The fault battery (`testkit::server_faults`) against the real lesson07
//! binary, once per design: every bad client survived, the well-behaved
//! client always got the right replies, and the server gave back every
//! thread and file descriptor afterwards.

use std::process::Command;

use rstest::rstest;
use testkit::process::ServerChild;
use testkit::server_faults::{self, Lesson, assert_battery_passed};

/// The battery speaks lesson04's protocol, which every design serves.
#[rstest]
// Two cases of the battery ask more of a pool than its defaults (16
// workers, a queue of 64) are meant to give:
// - "300 connections open at once" waits for all 300 welcomes before it
//   sends a word. A pool welcomes only the clients its workers hold; the
//   others wait silently in the queue, or are told busy once it is full.
//   So: 400 workers, one for each of the 300 and the well-behaved client.
// - "2000 rapid connect/disconnect" connects 2000 times in about 0.1 s.
//   Here the workers take those off the queue more slowly than that, and
//   a queue of 100 fills: hundreds are told busy (correctly), and now and
//   then the well-behaved client's connection lands among them, which the
//   battery counts as a wrong conversation. A queue of 2000 holds the
//   whole burst.
// Busy is the pool's answer to overload, not a fault: the protocol tests
// check it on its own (`pool_turns_a_client_away_when_the_queue_is_full`).
#[case::pool(&["--design", "pool", "--workers", "400", "--queue", "2000"])]
#[case::events(&["--design", "events"])]
#[case::tasks(&["--design", "async"])]
fn lesson07_survives_the_fault_battery(#[case] design: &[&str]) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson07"));
    command.args(design);
    command.args(["--port", "0", "--idle-timeout", "5"]);
    let mut server = ServerChild::start(command).expect("start lesson07");
    // The Ctrl+C handler's thread starts after "listening on", and the
    // pool's workers only once it runs: wait for both, or the baseline
    // would miss them and the end seem a leak.
    let ready = if design[1] == "pool" {
        "workers, a queue of"
    } else {
        "press Ctrl+C to stop"
    };
    assert!(server.wait_for(ready), "{design:?}: {:?}", server.log());
    let report =
        server_faults::run(Lesson::Lesson04, server.addr, server.pid());
    eprintln!("{design:?}: the battery took {:?}", report.elapsed);
    assert_battery_passed(&report, server.is_running());
    let log = server.log();
    assert!(log.iter().any(|l| l.contains("connected")), "{log:?}");
    assert!(!log.iter().any(|l| l.contains("panicked")), "{log:?}");
}
