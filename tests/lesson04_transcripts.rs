//! lesson04's transcripts, pinned: every demo scenario, both sides of the
//! conversation. The book shows these same files.

use rstest::rstest;
use testkit::terminal::{self, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson04");

/// Runs the binary and pins its transcript.
fn snapshot(name: &str, args: &[&str]) {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, args, &dir);
    transcript_settings().bind(|| insta::assert_snapshot!(name, text));
}

/// The same for a demo, whose ports change on every run (the OS picks
/// them): they are replaced by `[PORT]`.
fn demo_snapshot(name: &str, args: &[&str]) {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, args, &dir);
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[rstest]
#[case::exit("lesson04_demo_exit", "exit")]
#[case::eof("lesson04_demo_eof", "eof")]
#[case::half_close("lesson04_demo_half_close", "half-close")]
#[case::reset("lesson04_demo_reset", "reset")]
#[case::idle("lesson04_demo_idle", "idle")]
#[case::shutdown("lesson04_demo_shutdown", "shutdown")]
#[case::framing("lesson04_demo_framing", "framing")]
fn demo(#[case] name: &str, #[case] scenario: &str) {
    demo_snapshot(name, &["demo", scenario]);
}

/// A scenario can be named by its number too.
#[test]
fn demo_by_number_is_the_same_run() {
    let dir = std::env::temp_dir();
    let by_name = terminal::run(BIN, &["demo", "eof"], &dir);
    let by_number = terminal::run(BIN, &["demo", "2"], &dir);
    assert!(by_name.status.success() && by_number.status.success());
    let ports = |text: &str| {
        text.split_whitespace()
            .map(|word| word.split(':').next().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ports(&by_name.output), ports(&by_number.output));
}

#[test]
fn demo_list() {
    snapshot("lesson04_demo_list", &["demo"]);
}

#[test]
fn help() {
    snapshot("lesson04_help", &["--help"]);
}

/// Mistakes on the command line: one clear line each, exit status 2.
#[test]
fn usage_errors() {
    snapshot("lesson04_usage_errors", &["demo", "nosuch"]);
    terminal::assert_usage_errors(
        BIN,
        &[
            &["--port", "70000"],
            &["--idle-timeout", "0"],
            &["client", "two\nlines"],
            &["--verbose"],
        ],
    );
}

/// The client with no server to talk to: one line, exit status 1.
#[test]
fn client_without_a_server() {
    // A socket bound but not listening holds a port that refuses every
    // connection, and that no test running in parallel can take.
    use socket2::{Domain, Socket, Type};
    let holder = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    holder.bind(&loopback.into()).unwrap();
    let port = holder
        .local_addr()
        .unwrap()
        .as_socket()
        .map(|address| address.port())
        .unwrap();
    let run = terminal::run(
        BIN,
        &["client", "--port", &port.to_string()],
        &std::env::temp_dir(),
    );
    assert_eq!(run.status.code(), Some(1), "{}", run.output);
    assert_eq!(run.output.lines().count(), 1, "{}", run.output);
    assert!(
        run.output
            .starts_with(&format!("error: cannot connect to 127.0.0.1:{port}")),
        "{}",
        run.output
    );
}

#[test]
fn pitfall_list() {
    snapshot("lesson04_pitfall_list", &["pitfall"]);
    terminal::assert_usage_errors(
        BIN,
        &[&["pitfall", "nosuch"], &["pitfall", "splits", "2"]],
    );
}

/// The relay waits for each of the server's reads before it passes on
/// the next piece: the transcript is the same on every run.
#[test]
fn pitfall_splits() {
    demo_snapshot("lesson04_pitfall_splits", &["pitfall", "splits"]);
}

/// Linux's rules for SO_REUSEADDR against a port held in TIME_WAIT.
#[cfg(target_os = "linux")]
#[test]
fn pitfall_time_wait() {
    demo_snapshot("lesson04_pitfall_time_wait", &["pitfall", "time-wait"]);
}

/// Port 80 as an ordinary user: one line that names the real cause, the
/// same as lesson03's. Through `setpriv` (as user nobody) when the tests
/// run as root.
#[cfg(target_os = "linux")]
#[test]
fn port_80_as_an_ordinary_user_names_the_cause() {
    let start = std::fs::read_to_string(
        "/proc/sys/net/ipv4/ip_unprivileged_port_start",
    )
    .ok()
    .and_then(|text| text.trim().parse::<u16>().ok());
    let Some(start) = start.filter(|&start| start > 80) else {
        eprintln!("note: port 80 is not privileged here; skipping");
        return;
    };
    let tmp = std::env::temp_dir();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let run = if unsafe { libc::geteuid() } != 0 {
        terminal::run(BIN, &["--port", "80"], &tmp)
    } else {
        let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups", BIN];
        let help = [&setpriv[..], &["--help"]].concat();
        if !terminal::run("setpriv", &help, &tmp).status.success() {
            eprintln!(
                "note: cannot run the lesson as nobody (setpriv); skipping"
            );
            return;
        }
        let port = [&setpriv[..], &["--port", "80"]].concat();
        terminal::run("setpriv", &port, &tmp)
    };
    assert_eq!(run.status.code(), Some(1), "{}", run.output);
    assert_eq!(
        run.output,
        format!(
            "error: cannot listen on 127.0.0.1:80: Permission denied (os \
             error 13): on Linux, ports below {start} need root or \
             CAP_NET_BIND_SERVICE; try a port from {start} up, or --port 0\n"
        )
    );
}
