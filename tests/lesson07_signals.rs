//! The real `lesson07` server, in each design, stopped by real signals
//! while clients are connected: it must exit 0, promptly, and deliver
//! every reply it owed. And one session per design, pinned as the book
//! shows it. (lesson04_signals.rs does the same for lesson04.)

#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rstest::rstest;
use testkit::process::ServerChild;
use testkit::terminal::{self, Run, format_transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson07");

/// Every wait in this file is bounded by this.
const LIMIT: Duration = Duration::from_secs(10);

/// The server binary, running in one design: testkit's `ServerChild`,
/// plus what these tests do to it (connect, signal) and with failures
/// that fail the test.
struct ServerProcess {
    server: ServerChild,
    design: &'static str,
    port: u16,
}

impl ServerProcess {
    fn start(design: &'static str) -> ServerProcess {
        let mut command = Command::new(BIN);
        command.args(server_args(design));
        let server = ServerChild::start(command).expect("start lesson07");
        let mut server = ServerProcess {
            port: server.addr.port(),
            server,
            design,
        };
        // The Ctrl+C handler is in place once this is printed; a signal
        // before it would simply kill the process.
        server.wait_for("press Ctrl+C to stop");
        server
    }

    /// Waits for the next log line containing `needle`, and returns it.
    fn wait_for(&mut self, needle: &str) -> String {
        match self.server.wait_for_next(needle) {
            Some(line) => line,
            None => panic!(
                "{}: no log line with {needle:?}; saw {:?}",
                self.design,
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
            panic!(
                "{}: still running after {LIMIT:?}: {:?}",
                self.design,
                self.server.log()
            )
        });
        (status, self.server.log())
    }
}

fn server_args(design: &str) -> [&str; 4] {
    ["--design", design, "--port", "0"]
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
/// A has replies owed that the server has not yet written or we not read,
/// B is idle, C sent two lines before reading even the welcome. Each must
/// get every reply it is owed, then the goodbye, then the end of the
/// stream; and the server must exit 0.
#[rstest]
fn a_signal_stops_the_server_and_loses_no_reply(
    #[values("pool", "events", "async")] design: &'static str,
    #[values("INT", "TERM")] signal: &str,
) {
    let mut server = ServerProcess::start(design);

    let mut a = server.connect();
    assert_eq!(read_line(&a), "Welcome!\n", "{design}");
    a.write_all(b"Michael\n").unwrap();
    assert_eq!(read_line(&a), "Hello, Michael!\n", "{design}");
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
    let took = started.elapsed();
    eprintln!("{design}, kill -{signal}: the server exited after {took:?}");

    assert!(
        status.success(),
        "{design}: exit status {status}; log {log:#?}"
    );
    assert!(took < Duration::from_secs(5), "{design}: took {took:?}");
    let received = readers.map(|reader| reader.join().expect("reader thread"));
    let goodbye = "Server shutting down, goodbye.\n";
    assert_eq!(
        received,
        [
            format!("Hello, Tracy!\nHello, Sarah!\n{goodbye}"),
            format!("Welcome!\n{goodbye}"),
            format!("Welcome!\nHello, Zhang!\nHello, 张三!\n{goodbye}"),
        ],
        "{design}, kill -{signal}: server log {log:#?}"
    );
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
    let mut server = ServerProcess::start(design);
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
        format_transcript(BIN, &server_args(design), &server_run),
        format_transcript(BIN, &client_args, &client),
    );
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"--port \d{2,}", "--port [PORT]");
    let name = format!("lesson07_session_{design}");
    settings.bind(|| insta::assert_snapshot!(name, text));
}
