//! The fault battery (`workbook::robustness::server_faults`) against the
//! real lesson04 binary on a free port: every case survived (a name
//! split inside a character comes out whole), the well-behaved client
//! always got the right replies, and the server gave back every thread
//! and file descriptor afterwards.

use std::process::Command;

use workbook::robustness::process::ServerChild;
use workbook::robustness::server_faults::{self, Lesson};
use workbook::robustness::table;

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
    let summary = format!(
        "{}\ngood conversations: {} of {} right; threads/fds {:?} -> {:?} \
         (peak {} threads)",
        table(&report.outcomes),
        report.good_correct,
        report.good_tried,
        report.baseline,
        report.after,
        report.peak_threads,
    );
    assert!(server.is_running(), "the server died\n{summary}");
    for outcome in &report.outcomes {
        assert!(
            outcome.survived,
            "{}: {}\n{summary}",
            outcome.case, outcome.detail
        );
    }
    assert!(report.good_tried > 0, "{summary}");
    assert_eq!(report.good_correct, report.good_tried, "{summary}");
    if cfg!(target_os = "linux") {
        assert!(report.baseline.is_some(), "no /proc?");
    }
    assert_eq!(report.after, report.baseline, "a leak\n{summary}");
    assert!(report.all_passed(), "{summary}");
    let log = server.log();
    assert!(log.iter().any(|l| l.contains("connected")), "{log:?}");
    assert!(!log.iter().any(|l| l.contains("panicked")), "{log:?}");
}
