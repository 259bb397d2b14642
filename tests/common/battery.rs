//! The checks both server fault-battery tests make on a battery's report.

use lessons::robustness::server_faults::Report;
use lessons::robustness::table;

/// Fails the test, with the whole table, unless every case survived, the
/// well-behaved client always got the right replies, and the server gave
/// back every thread and file descriptor.
pub fn assert_battery_passed(report: &Report, server_running: bool) {
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
    assert!(server_running, "the server died\n{summary}");
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
}
