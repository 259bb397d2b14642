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

/// The pitfall demos: the list, and each pitfall's transcript. Ports
/// change on every run (the OS picks them): they become `[PORT]`.
fn pitfall_snapshot(name: &str, args: &[&str]) {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, args, &dir);
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"\]:\d+", "]:[PORT]");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn pitfall_list() {
    snapshot("lesson01_pitfall_list", &["pitfall"]);
    terminal::assert_usage_errors(
        BIN,
        &[&["pitfall", "nosuch"], &["pitfall", "1", "2"]],
    );
}

#[test]
fn pitfall_dual_stack() {
    // A machine without IPv6 (some containers) cannot show this.
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!(
            "note: no IPv6 loopback here; skipping the dual-stack pitfall"
        );
        return;
    }
    // The first line names the system's default for IPV6_V6ONLY, which
    // differs between systems: the snapshot is Linux's.
    if cfg!(target_os = "linux") {
        pitfall_snapshot(
            "lesson01_pitfall_dual_stack",
            &["pitfall", "dual-stack"],
        );
    } else {
        let run = terminal::run(
            BIN,
            &["pitfall", "dual-stack"],
            &std::env::temp_dir(),
        );
        assert!(run.status.success(), "{}", run.output);
    }
}

/// Port 80, refused to an ordinary user and allowed to root. The test
/// suite often runs as root (CI does): then the ordinary user's run
/// comes from `setpriv`, which runs the lesson as user `nobody`.
#[cfg(target_os = "linux")]
mod privileged_port {
    use super::*;

    const ARGS: &[&str] = &["pitfall", "privileged-port"];

    fn settings() -> insta::Settings {
        let mut settings = transcript_settings();
        settings.add_filter(r"uid [1-9]\d*, not root", "uid [UID], not root");
        settings
    }

    /// Port 80 is privileged on this machine (it is, unless
    /// `ip_unprivileged_port_start` was lowered, as some containers do).
    fn port_80_is_privileged() -> bool {
        let path = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
        let start = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.trim().parse::<u16>().ok());
        if start.is_some_and(|start| start <= 80) {
            eprintln!("note: port 80 is not privileged here; skipping");
            return false;
        }
        true
    }

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }

    /// The lesson run as an ordinary user: directly if we are one, else
    /// through `setpriv` as `nobody` (uid 65534). `None` (with a note)
    /// if that cannot be done here.
    fn run_unprivileged(args: &[&str]) -> Option<terminal::Run> {
        let dir = std::env::temp_dir();
        if !is_root() {
            return Some(terminal::run(BIN, args, &dir));
        }
        let mut words =
            vec!["--reuid=65534", "--regid=65534", "--clear-groups", BIN];
        let check =
            terminal::run("setpriv", &[&words[..], &["--help"]].concat(), &dir);
        if !check.status.success() {
            eprintln!(
                "note: cannot run the lesson as user nobody with setpriv \
                 (is util-linux installed, and the build folder readable \
                 by all?): {}; skipping",
                check.output.lines().next().unwrap_or("")
            );
            return None;
        }
        words.extend_from_slice(args);
        Some(terminal::run("setpriv", &words, &dir))
    }

    #[test]
    fn as_an_ordinary_user() {
        if !port_80_is_privileged() {
            return;
        }
        let Some(run) = run_unprivileged(ARGS) else {
            return;
        };
        let text = terminal::format_transcript(BIN, ARGS, &run);
        settings().bind(|| {
            insta::assert_snapshot!("lesson01_pitfall_privileged_port", text);
        });
    }

    #[test]
    fn as_root() {
        if !is_root() {
            eprintln!("note: not root; skipping the root run of port 80");
            return;
        }
        let text = transcript(BIN, ARGS, &std::env::temp_dir());
        if text.contains("Address already in use") {
            eprintln!("note: something listens on port 80 here; skipping");
            return;
        }
        settings().bind(|| {
            insta::assert_snapshot!(
                "lesson01_pitfall_privileged_port_root",
                text
            );
        });
    }
}
