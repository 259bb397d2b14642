//! The real `lesson04` server, stopped by real signals while clients are
//! connected: it must exit 0, promptly, and deliver every reply it owed.

#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rstest::rstest;
use testkit::process::ServerChild;
use testkit::terminal::{self, Run, format_transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson04");

/// Every wait in this file is bounded by this.
const LIMIT: Duration = Duration::from_secs(10);

/// The server binary, running: testkit's `ServerChild`,
/// plus what these tests do to it (connect, signal) and with failures
/// that fail the test.
struct ServerProcess {
    server: ServerChild,
    port: u16,
}

impl ServerProcess {
    fn start() -> ServerProcess {
        let mut command = Command::new(BIN);
        command.args(["--port", "0"]);
        let server = ServerChild::start(command).expect("start lesson04");
        ServerProcess {
            port: server.addr.port(),
            server,
        }
    }

    /// Waits for the next log line containing `needle`, and returns it.
    fn wait_for(&mut self, needle: &str) -> String {
        match self.server.wait_for_next(needle) {
            Some(line) => line,
            None => panic!(
                "no log line with {needle:?}; saw {:?}",
                self.server.log()
            ),
        }
    }

    fn connect(&self) -> TcpStream {
        let stream =
            TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        stream.set_write_timeout(Some(LIMIT)).unwrap();
        stream
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.server.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (bounded) for the process to end; returns its whole log.
    fn finish(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let status = self.server.wait_for_exit().unwrap_or_else(|| {
            panic!("still running after {LIMIT:?}: {:?}", self.server.log())
        });
        (status, self.server.log())
    }
}

/// Reads everything until the server closes, on a thread, so that the
/// client closes its side as soon as the server's FIN arrives.
fn read_to_end(stream: TcpStream) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let mut reader = &stream;
        if let Err(error) = reader.read_to_string(&mut text) {
            text.push_str(&format!("<read error: {:?}>", error.kind()));
        }
        let _ = stream.shutdown(Shutdown::Both);
        text
    })
}

fn read_line(stream: &TcpStream) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    // One byte at a time, so nothing past this line is consumed.
    while line.last() != Some(&b'\n') {
        match (&*stream).read(&mut byte) {
            Ok(1) => line.push(byte[0]),
            other => panic!("reading a line: {other:?} after {line:?}"),
        }
    }
    String::from_utf8(line).expect("UTF-8 from the server")
}

/// Three clients in three states when the signal arrives:
/// A has a reply pending the server has not yet written or we not read,
/// B is idle, C sent a line before reading even the welcome. Each must get
/// every reply it is owed, then the goodbye, then the end of the stream.
#[rstest]
#[case::sigint("INT")]
#[case::sigterm("TERM")]
fn a_signal_stops_the_server_and_loses_no_reply(#[case] signal: &str) {
    let mut server = ServerProcess::start();

    let mut a = server.connect();
    assert_eq!(read_line(&a), "Welcome!\n");
    a.write_all(b"Michael\n").unwrap();
    assert_eq!(read_line(&a), "Hello, Michael!\n");
    server.wait_for("#1 <- \"Michael\"");

    let b = server.connect();
    server.wait_for("#2 ");
    // B has not read its welcome either: that too is still owed.
    let mut c = server.connect();
    c.write_all("Zhang\n张三\r\n".as_bytes()).unwrap();
    server.wait_for("#3 ");

    // Owed: these two lines reach the server before the signal does.
    a.write_all(b"Tracy\nSarah\n").unwrap();

    let started = Instant::now();
    server.signal(signal);
    let readers = [a, b, c].map(read_to_end);
    let (status, log) = server.finish();
    eprintln!(
        "kill -{signal}: the server exited after {:?}",
        started.elapsed()
    );

    assert!(status.success(), "exit status {status}; log {log:#?}");
    let received = readers.map(|reader| reader.join().expect("reader thread"));
    let goodbye = "Server shutting down, goodbye.\n";
    assert_eq!(
        received,
        [
            format!("Hello, Tracy!\nHello, Sarah!\n{goodbye}"),
            format!("Welcome!\n{goodbye}"),
            format!("Welcome!\nHello, Zhang!\nHello, 张三!\n{goodbye}"),
        ],
        "server log: {log:#?}"
    );
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
    let mut server = ServerProcess::start();
    let port = server.port.to_string();
    let client_args = ["client", "--port", &port, "Michael", "Tracy"];
    let client = terminal::run(BIN, &client_args, &std::env::temp_dir());
    server.wait_for("#1 client said exit");
    server.signal("INT");
    let (status, log) = server.finish();

    // The terminal echoes Ctrl+C as `^C` where the signal arrived.
    let mut output = String::new();
    for line in &log {
        if line.starts_with("shutdown requested") {
            output.push_str("^C\n");
        }
        output.push_str(line);
        output.push('\n');
    }
    let server_run = Run { output, status };
    let text = format!(
        "# terminal 1: the server\n{}\n# terminal 2: the client\n{}",
        format_transcript(BIN, &["--port", "0"], &server_run),
        format_transcript(BIN, &client_args, &client),
    );
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"--port \d{2,}", "--port [PORT]");
    settings.bind(|| insta::assert_snapshot!("lesson04_session", text));
}

/// The real client against a stand-in server that shuts down in the
/// middle of the conversation: the client prints what it got, then one
/// error line, and exits with status 1.
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
