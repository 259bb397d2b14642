//! The client fault battery (`testkit::client_faults`)
//! against the real lesson02 binary: each misbehaving server ends in
//! exactly one `error:` line, exit status 1 and no file left behind (the
//! one server that sends more than it announced: exactly the announced
//! bytes are saved).

use std::path::Path;

use testkit::battery::table;
use testkit::client_faults::{
    self, ClientRun, MAX_BODY, MAX_TIME_SECS, TIMEOUT_SECS,
};
use testkit::terminal;

const BIN: &str = env!("CARGO_BIN_EXE_lesson02");

/// Runs the binary (killed after 20 s, which fails the test) in the
/// output's directory.
fn binary(url: &str, output: &Path) -> ClientRun {
    let dir = output.parent().expect("the output has a directory");
    let out = output.to_string_lossy();
    let (timeout, max_body) = (TIMEOUT_SECS.to_string(), MAX_BODY.to_string());
    let max_time = MAX_TIME_SECS.to_string();
    let args = [
        url,
        "-o",
        &out,
        "--timeout",
        &timeout,
        "--max-body",
        &max_body,
        "--max-time",
        &max_time,
    ];
    let run = terminal::run(BIN, &args, dir);
    let code = run.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{url}: exit status {code:?}\n{}",
        run.output
    );
    // The error line is the last line, and the only one.
    let error_lines: Vec<String> = run
        .output
        .lines()
        .filter(|line| line.contains("error"))
        .map(str::to_string)
        .collect();
    if code == Some(1) {
        assert!(
            run.output
                .trim_end()
                .ends_with(error_lines.last().map_or("?", |l| l)),
            "{}",
            run.output
        );
    }
    ClientRun {
        succeeded: run.status.success(),
        error_lines,
    }
}

#[test]
fn lesson02_survives_the_client_fault_battery() {
    let outcomes = client_faults::run(&binary);
    assert_eq!(outcomes.len(), client_faults::cases().len());
    let summary = table(&outcomes);
    for outcome in &outcomes {
        assert!(
            outcome.survived,
            "{}: {}\n{summary}",
            outcome.case, outcome.detail
        );
    }
}

/// The same battery, in-process (as the example runs it).
#[test]
fn fetch_survives_the_client_fault_battery() {
    let outcomes = client_faults::run(&client_faults::in_process);
    let summary = table(&outcomes);
    assert!(outcomes.iter().all(|o| o.survived), "{summary}");
}
