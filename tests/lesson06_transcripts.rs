//! lesson06's transcripts, pinned: the conversation and every scenario,
//! frame by frame. The simulated clock and the fixed seed make every run
//! print the same bytes, so nothing needs filtering. The book shows
//! these same files.

use rstest::rstest;
use testkit::terminal::{self, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson06");

/// Runs the binary and pins its transcript.
fn snapshot(name: &str, args: &[&str]) {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, args, &dir);
    transcript_settings().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn conversation() {
    snapshot("lesson06_conversation", &[]);
}

#[rstest]
#[case::handshake("lesson06_demo_handshake", "handshake")]
#[case::data("lesson06_demo_data", "data")]
#[case::close("lesson06_demo_close", "close")]
#[case::abort("lesson06_demo_abort", "abort")]
#[case::refused("lesson06_demo_refused", "refused")]
#[case::loss("lesson06_demo_loss", "loss")]
#[case::zero_window("lesson06_demo_zero_window", "zero-window")]
fn demo(#[case] name: &str, #[case] scenario: &str) {
    snapshot(name, &["demo", scenario]);
}

/// Two runs print the very same bytes.
#[test]
fn every_run_is_the_same() {
    let dir = std::env::temp_dir();
    let first = terminal::run(BIN, &[], &dir);
    let second = terminal::run(BIN, &[], &dir);
    assert!(first.status.success(), "{}", first.output);
    assert_eq!(first.output, second.output);
}

#[test]
fn demo_list() {
    snapshot("lesson06_demo_list", &["demo"]);
}

#[test]
fn help() {
    snapshot("lesson06_help", &["--help"]);
}

/// Mistakes on the command line: one clear line each, exit status 2.
#[test]
fn usage_errors() {
    terminal::assert_usage_errors(
        BIN,
        &[
            &["demo", "nosuch"],
            &["--pcap"],
            &["--verbose"],
            &["demo", "1", "2"],
        ],
    );
}
