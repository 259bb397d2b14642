//! lesson05's transcripts, pinned: the tour, the client, the pinger,
//! every demo. The book shows these same files.

use std::net::UdpSocket;
use std::process::Command;

use rstest::rstest;
use testkit::process::ServerChild;
use testkit::terminal::{
    self, Run, format_transcript, transcript, transcript_settings,
};

const BIN: &str = env!("CARGO_BIN_EXE_lesson05");

/// Runs the binary and pins its transcript, with the ports the OS
/// picked as `[PORT]` and times in milliseconds as `[T]`.
fn snapshot(name: &str, args: &[&str]) {
    let text = transcript(BIN, args, &std::env::temp_dir());
    settings().bind(|| insta::assert_snapshot!(name, text));
}

fn settings() -> insta::Settings {
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"--port \d{2,}", "--port [PORT]");
    settings.add_filter(r"\d+\.\d{3}", "[T]");
    settings
}

#[test]
fn tour() {
    snapshot("lesson05_tour", &[]);
}

#[test]
fn help() {
    snapshot("lesson05_help", &["--help"]);
}

#[test]
fn demo_list() {
    snapshot("lesson05_demo_list", &["demo"]);
}

#[rstest]
#[case::boundaries("lesson05_demo_boundaries", "boundaries")]
#[case::connect("lesson05_demo_connect", "connect")]
fn demo(#[case] name: &str, #[case] scenario: &str) {
    snapshot(name, &["demo", scenario]);
}

/// Truncation, the size limit and ICMP errors are pinned as Linux
/// reports them; elsewhere the demos must just succeed.
#[rstest]
#[case::truncation("lesson05_demo_truncation", "truncation")]
#[case::max_size("lesson05_demo_max_size", "max-size")]
#[case::refused("lesson05_demo_refused", "refused")]
fn demo_linux(#[case] name: &str, #[case] scenario: &str) {
    if cfg!(target_os = "linux") {
        snapshot(name, &["demo", scenario]);
    } else {
        let run =
            terminal::run(BIN, &["demo", scenario], &std::env::temp_dir());
        assert!(run.status.success(), "{}", run.output);
    }
}

/// The pinger through the seeded relay: the same events on every run.
#[rstest]
#[case::defaults("lesson05_ping", &["ping"])]
#[case::lossy("lesson05_ping_lossy", &["ping", "--count", "12", "--loss", "30", "--seed", "7"])]
fn ping(#[case] name: &str, #[case] args: &[&str]) {
    snapshot(name, args);
}

/// The same seed gives the same run, twice in a row.
#[test]
fn ping_is_the_same_on_every_run() {
    let args = ["ping", "--count", "15", "--seed", "3"];
    let once =
        stable_words(&terminal::run(BIN, &args, &std::env::temp_dir()).output);
    let again =
        stable_words(&terminal::run(BIN, &args, &std::env::temp_dir()).output);
    assert_eq!(once, again);
}

/// The output with every number that can change (ports, times) dropped.
fn stable_words(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            line.split_whitespace()
                .filter(|word| !word.contains(':') && !word.contains('.'))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn usage_errors() {
    snapshot("lesson05_usage_errors", &["ping", "--loss", "101"]);
    terminal::assert_usage_errors(
        BIN,
        &[
            &["server", "--port", "70000"],
            &["client", "--port", "0"],
            &["ping", "--count", "0"],
            &["demo", "nosuch"],
            &["nosuch"],
        ],
    );
}

/// The real server and client, in two terminals; Ctrl+C stops the
/// server.
#[test]
fn session() {
    let mut command = Command::new(BIN);
    command.args(["server", "--port", "0"]);
    let mut server = ServerChild::start(command).expect("start the server");
    let port = server.addr.port().to_string();
    let client_args = ["client", "--port", &port, "Michael", "", "Tracy"];
    let client = terminal::run(BIN, &client_args, &std::env::temp_dir());
    assert!(server.wait_for("-> \"Hello, Tracy!\""));
    let kill = Command::new("kill")
        .args(["-INT", &server.pid().to_string()])
        .status();
    assert!(kill.is_ok_and(|status| status.success()));
    let status = server.wait_for_exit().expect("the server exits");
    let mut output = String::new();
    for line in server.log() {
        if line.starts_with("stopped") {
            output.push_str("^C\n");
        }
        output.push_str(&line);
        output.push('\n');
    }
    let server_run = Run { output, status };
    let text = format!(
        "# terminal 1: the server\n{}\n# terminal 2: the client\n{}",
        format_transcript(BIN, &["server", "--port", "0"], &server_run),
        format_transcript(BIN, &client_args, &client),
    );
    settings().bind(|| insta::assert_snapshot!("lesson05_session", text));
}

/// A server that never answers: a socket bound and never read. The
/// client tries 3 times, 1 s each, then says so: exit status 1.
#[test]
fn client_when_nobody_answers() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    snapshot(
        "lesson05_client_silent",
        &["client", "--port", &port, "Michael"],
    );
    drop(silent);
}

/// Nothing bound on the port: the kernel's ICMP "port unreachable"
/// turns into an error at once (Linux: ConnectionRefused).
#[cfg(target_os = "linux")]
#[test]
fn client_when_nothing_listens() {
    let closed = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port().to_string();
    drop(closed);
    snapshot("lesson05_client_refused", &["client", "--port", &port]);
}
