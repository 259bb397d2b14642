//! The fault battery (`workbook::robustness::server_faults`) against the
//! real lesson03 binary on a free port: every case survived, the
//! well-behaved client always got the right replies, and the server gave
//! back every thread and file descriptor afterwards.

#[path = "common/lesson03.rs"]
mod server;

use server::ServerProcess;
use workbook::robustness::server_faults::{self, Lesson};
use workbook::robustness::table;

#[test]
fn lesson03_survives_the_fault_battery() {
    let mut server = ServerProcess::start(&["--idle-timeout", "5"]);
    let report =
        server_faults::run(Lesson::Lesson03, server.addr, server.pid());
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
    // The server never panicked: its log says so if it had.
    server.wait_for("Connection from");
    assert!(
        !server.log.iter().any(|l| l.contains("panicked")),
        "{}",
        server.log.join("\n")
    );
}
