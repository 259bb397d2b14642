//! The real `lesson07` server, in each design, stopped by real signals
//! while clients are connected: it must exit 0, promptly, and deliver
//! every reply it owed. And one session per design, pinned as the book
//! shows it. (lesson04_signals.rs does the same for lesson04.)

#![cfg(unix)]

use rstest::rstest;
use testkit::signals::{
    ServerProcess, session, session_settings, signal_loses_no_reply,
};

const BIN: &str = env!("CARGO_BIN_EXE_lesson07");

fn server_args(design: &str) -> [&str; 4] {
    ["--design", design, "--port", "0"]
}

/// Three clients in three states when the signal arrives (see
/// `testkit::signals`): every reply owed is delivered, then the goodbye;
/// the server exits 0, whatever the design.
#[rstest]
fn a_signal_stops_the_server_and_loses_no_reply(
    #[values("pool", "events", "async")] design: &'static str,
    #[values("INT", "TERM")] signal: &str,
) {
    let server = ServerProcess::start(BIN, &server_args(design), design);
    let log = signal_loses_no_reply(server, signal);
    assert!(
        log.iter()
            .any(|line| line.starts_with("stopped: 3 connection(s) ")),
        "{design}: {log:#?}"
    );
}

/// The real binaries together: the server's log for one session of the
/// client, ended by Ctrl+C, pinned as the book shows it.
#[rstest]
fn server_log_of_a_session(
    #[values("pool", "events", "async")] design: &'static str,
) {
    let text = session(BIN, &server_args(design), design);
    let name = format!("lesson07_session_{design}");
    session_settings().bind(|| insta::assert_snapshot!(name, text));
}
