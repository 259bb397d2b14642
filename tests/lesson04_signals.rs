//! The real `lesson04` server, stopped by real signals while clients are
//! connected: it must exit 0, promptly, and deliver every reply it owed.

#![cfg(unix)]

use std::io::{Read, Write};
use std::net::Shutdown;
use std::thread;

use rstest::rstest;
use testkit::signals::{
    LIMIT, ServerProcess, read_line, session, session_settings,
    signal_loses_no_reply,
};
use testkit::terminal::{self, format_transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson04");

/// Three clients in three states when the signal arrives (see
/// `testkit::signals`): every reply owed is delivered, then the goodbye;
/// the server exits 0.
#[rstest]
#[case::sigint("INT")]
#[case::sigterm("TERM")]
fn a_signal_stops_the_server_and_loses_no_reply(#[case] signal: &str) {
    let server = ServerProcess::start(BIN, &["--port", "0"], "lesson04");
    let log = signal_loses_no_reply(server, signal);
    assert!(
        log.iter().any(|line| line
            == "stopped: 3 connection(s) served, all threads joined"),
        "{log:#?}"
    );
}

/// The real binaries together: the server's log for one session of the
/// client, ended by Ctrl+C, pinned as the book shows it.
#[test]
fn server_log_of_a_session() {
    let text = session(BIN, &["--port", "0"], "lesson04");
    session_settings()
        .bind(|| insta::assert_snapshot!("lesson04_session", text));
}

#[test]
fn client_when_the_server_shuts_down() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept the client");
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        let mut writer = &stream;
        writer.write_all(b"Welcome!\n").unwrap();
        assert_eq!(read_line(&stream), "Michael\n");
        writer.write_all(b"Hello, Michael!\n").unwrap();
        assert_eq!(read_line(&stream), "Tracy\n");
        writer
            .write_all(b"Server shutting down, goodbye.\n")
            .unwrap();
        // A polite close: FIN, then wait for the client's.
        stream.shutdown(Shutdown::Write).unwrap();
        let mut rest = Vec::new();
        let _ = (&stream).read_to_end(&mut rest);
    });
    let args = ["client", "--port", &port];
    let run = terminal::run(BIN, &args, &std::env::temp_dir());
    server.join().expect("the stand-in server");
    let text = format_transcript(BIN, &args, &run);
    let mut settings = transcript_settings();
    settings.add_filter(r"--port \d{2,}", "--port [PORT]");
    settings
        .bind(|| insta::assert_snapshot!("lesson04_client_server_gone", text));
}
