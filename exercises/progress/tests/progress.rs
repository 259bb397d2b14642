//! What `cargo exercises` prints, for the stubs a learner starts from and
//! for the reference solutions: pinned, so a change to an exercise shows
//! up here as a change to what the learner sees.

use std::path::Path;
use std::process::Command;

/// Runs `cargo exercises --package PACKAGE`; its output and exit code.
fn progress(package: &str) -> (String, Option<i32>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_exercises"))
        .args(["--package", package])
        // A target folder of its own: the outer `cargo test` may still
        // hold the usual one.
        .env("CARGO_TARGET_DIR", root.join("target/progress-check"))
        .output()
        .expect("run the exercises binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "it wrote to stderr:\n{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (stdout, output.status.code())
}

/// Pins `text` as snapshot `name`, with the four-line header the book
/// skips when it shows a transcript.
fn pin(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn on_a_fresh_clone_nothing_is_done_and_the_first_exercise_is_next() {
    let (text, code) = progress("exercises");
    assert_eq!(code, Some(1), "not all done: exit status 1\n{text}");
    assert!(text.lines().count() < 40, "over 40 lines:\n{text}");
    pin("stubs", &text);
}

#[test]
fn with_every_exercise_solved_it_says_so_and_exits_0() {
    let (text, code) = progress("solutions");
    assert_eq!(code, Some(0), "all done: exit status 0\n{text}");
    pin("solutions", &text);
}

#[test]
fn a_hint_is_printed_on_request() {
    let output = Command::new(env!("CARGO_BIN_EXE_exercises"))
        .args(["hint", "0.0"])
        .output()
        .expect("run the exercises binary");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no Exercise 0.0 hint"), "{stderr}");
}
