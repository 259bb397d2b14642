//! lesson07's transcripts, pinned: its help, and a mistake on the command
//! line. The book shows these same files.

use testkit::terminal::{self, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson07");

/// Runs the binary and pins its transcript.
fn snapshot(name: &str, args: &[&str]) {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, args, &dir);
    transcript_settings().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn help() {
    snapshot("lesson07_help", &["--help"]);
}

/// Mistakes on the command line: one clear line each, exit status 2.
#[test]
fn usage_errors() {
    snapshot("lesson07_usage_errors", &["--design", "threads"]);
    terminal::assert_usage_errors(
        BIN,
        &[
            &["--design"],
            &["--workers", "4"],
            &["--design", "events", "--queue", "4"],
            &["--design", "pool", "--workers", "0"],
            &["--port", "70000"],
            &["--idle-timeout", "0"],
            &["client", "two\nlines"],
            &["demo", "--clients", "10", "--silent", "10"],
            &["--verbose"],
        ],
    );
}
