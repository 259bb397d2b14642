//! lesson01's transcripts, pinned. The book shows these same files.

use rstest::rstest;
use testkit::terminal::{self, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson01");

fn snapshot(name: &str, args: &[&str]) {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, args, &dir);
    transcript_settings().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn tour() {
    snapshot("lesson01_tour", &[]);
}

#[test]
fn help() {
    snapshot("lesson01_help", &["--help"]);
}

#[rstest]
#[case::ipv4("lesson01_ipv4", &["10.0.0.7", "0.0.0.0", "255.255.255.255", "224.0.0.251"])]
#[case::ipv6("lesson01_ipv6", &["fe80::1", "2001:db8:0:0:1:0:0:1", "FF02::FB", "::"])]
#[case::connection("lesson01_connection", &["192.0.2.7:51324", "198.51.100.80:80"])]
#[case::sockets("lesson01_sockets", &["127.0.0.1:9999", "0.0.0.0:0", "[fe80::1%2]:22"])]
fn valid(#[case] name: &str, #[case] args: &[&str]) {
    snapshot(name, args);
}

/// Every kind of mistake from the issue, in one run: each gets one line,
/// the valid argument among them is still explained, and the exit status
/// is 1 because some arguments were invalid.
#[test]
fn invalid() {
    snapshot(
        "lesson01_invalid",
        &[
            "256.1.1.1",
            "1.2.3",
            "01.2.3.4",
            "1::2::3",
            "::ffff:1.2.3",
            "",
            " 1.2.3.4",
            "1.2.3.4:65536",
            "[::1]",
            "12345::",
            "example.com",
            "::1",
        ],
    );
}

/// A command-line argument need not be UTF-8 at all on Unix: a usage
/// mistake like any other (one line, a pointer to --help, status 2).
#[cfg(unix)]
#[test]
fn non_utf8_argument() {
    use std::ffi::OsStr;
    use std::io::Read;
    use std::os::unix::ffi::OsStrExt;
    use std::process::{Command, Stdio};

    let mut child = Command::new(BIN)
        .arg(OsStr::from_bytes(b"192.168.0.\xff"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lesson01");
    let mut pipe = child.stderr.take().expect("stderr is piped");
    // Two short lines fit in the pipe: waiting first cannot block it.
    let status = terminal::wait_bounded(child, terminal::RUN_LIMIT);
    let mut stderr = String::new();
    pipe.read_to_string(&mut stderr).expect("read stderr");
    assert_eq!(status.code(), Some(2));
    assert_eq!(
        stderr,
        "error: argument \"192.168.0.\\xFF\" is not UTF-8 text\n\
         help: cargo run --bin lesson01 -- --help\n"
    );
}

/// Options are checked as in every lesson: an unknown one is a mistake.
#[test]
fn usage_errors() {
    let cases: &[&[&str]] = &[&["--verbose"], &["::1", "-x"]];
    terminal::assert_usage_errors(BIN, cases);
}

/// An error is one short line, even for an argument of 100 KB.
#[test]
fn a_huge_argument_gets_a_short_error_line() {
    let huge = format!("{}.2.3.4", "1".repeat(100_000));
    let run = terminal::run(BIN, &[&huge], &std::env::temp_dir());
    assert_eq!(run.status.code(), Some(1), "{}", run.output);
    let first = run.output.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: \"1111"), "{first}");
    assert!(first.contains("... (100006 bytes)"), "{first}");
    assert!(first.contains("... (100000 digits)"), "{first}");
    for line in run.output.lines() {
        assert!(line.len() < 200, "a long line: {line}");
    }
}
