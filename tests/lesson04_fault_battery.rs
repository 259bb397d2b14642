//! The fault battery (`testkit::server_faults`) against the
//! real lesson04 binary on a free port: every case survived (a name
//! split inside a character comes out whole), the well-behaved client
//! always got the right replies, and the server gave back every thread
//! and file descriptor afterwards.

use std::process::Command;

use testkit::process::ServerChild;
use testkit::server_faults::{self, Lesson, assert_battery_passed};

#[test]
fn lesson04_survives_the_fault_battery() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson04"));
    command.args(["--port", "0", "--idle-timeout", "5"]);
    let mut server = ServerChild::start(command).expect("start lesson04");
    // The Ctrl+C handler's thread starts after "listening on": wait for
    // it, or the baseline would miss it and the end seem a leak.
    assert!(
        server.wait_for("press Ctrl+C to stop"),
        "{:?}",
        server.log()
    );
    let report =
        server_faults::run(Lesson::Lesson04, server.addr, server.pid());
    assert_battery_passed(&report, server.is_running());
    let log = server.log();
    assert!(log.iter().any(|l| l.contains("connected")), "{log:?}");
    assert!(!log.iter().any(|l| l.contains("panicked")), "{log:?}");
}
