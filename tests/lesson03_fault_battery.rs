//! The fault battery (`testkit::server_faults`) against the
//! real lesson03 binary on a free port: every case survived, the
//! well-behaved client always got the right replies, and the server gave
//! back every thread and file descriptor afterwards.

use testkit::lesson03::ServerProcess;
use testkit::server_faults::{self, Lesson, assert_battery_passed};

const BIN: &str = env!("CARGO_BIN_EXE_lesson03");

#[test]
fn lesson03_survives_the_fault_battery() {
    let mut server = ServerProcess::start(BIN, &["--idle-timeout", "5"]);
    let report =
        server_faults::run(Lesson::Lesson03, server.addr, server.pid());
    assert_battery_passed(&report, server.is_running());
    // The server never panicked: its log says so if it had.
    server.wait_for("Connection from");
    assert!(
        !server.log().iter().any(|l| l.contains("panicked")),
        "{}",
        server.log().join("\n")
    );
}
