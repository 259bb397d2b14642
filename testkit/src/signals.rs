//! A lesson's server binary stopped by real signals (Unix only): the
//! process wrapper, the three-clients scenario and the pinned session
//! that lesson04's and lesson07's tests share.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Command, ExitStatus};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::process::ServerChild;
use crate::terminal::{self, Run, format_transcript, transcript_settings};

/// Every wait here is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(10);

/// A server binary, running: `ServerChild`, plus what the signal tests
/// do to it (connect, signal) and failures that fail the test, named by
/// `label` (`lesson04`, `events`, ...).
pub struct ServerProcess {
    server: ServerChild,
    label: String,
    pub port: u16,
}

impl ServerProcess {
    /// Starts `bin` with `args` and waits until its Ctrl+C handler is in
    /// place (a signal before that would simply kill the process).
    pub fn start(bin: &str, args: &[&str], label: &str) -> ServerProcess {
        let mut command = Command::new(bin);
        command.args(args);
        let server = ServerChild::start(command)
            .unwrap_or_else(|e| panic!("{label}: cannot start: {e}"));
        let mut server = ServerProcess {
            port: server.addr.port(),
            server,
            label: label.to_string(),
        };
        server.wait_for("press Ctrl+C to stop");
        server
    }

    /// Waits for the next log line containing `needle`, and returns it.
    pub fn wait_for(&mut self, needle: &str) -> String {
        match self.server.wait_for_next(needle) {
            Some(line) => line,
            None => panic!(
                "{}: no log line with {needle:?}; saw {:?}",
                self.label,
                self.server.log()
            ),
        }
    }

    pub fn connect(&self) -> TcpStream {
        let stream =
            TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(LIMIT)).expect("read timeout");
        stream
            .set_write_timeout(Some(LIMIT))
            .expect("write timeout");
        stream
    }

    /// Sends the signal `name` (`INT`, `TERM`) with `kill`.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.server.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (bounded) for the process to end; returns its whole log.
    pub fn finish(mut self) -> (ExitStatus, Vec<String>) {
        let status = self.server.wait_for_exit().unwrap_or_else(|| {
            panic!(
                "{}: still running after {LIMIT:?}: {:?}",
                self.label,
                self.server.log()
            )
        });
        (status, self.server.log())
    }
}

/// Reads everything until the server closes, on a thread, so that the
/// client closes its side as soon as the server's FIN arrives.
pub fn read_to_end(stream: TcpStream) -> JoinHandle<String> {
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

/// One line, `\n` included, read one byte at a time so that nothing
/// past it is consumed.
pub fn read_line(stream: &TcpStream) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.last() != Some(&b'\n') {
        match (&*stream).read(&mut byte) {
            Ok(1) => line.push(byte[0]),
            other => panic!("reading a line: {other:?} after {line:?}"),
        }
    }
    String::from_utf8(line).expect("UTF-8 from the server")
}

/// Three clients in three states when the signal arrives: A has replies
/// owed that the server has not yet written or we not read, B is idle,
/// C sent two lines before reading even the welcome. Each must get every
/// reply it is owed, then the goodbye, then the end of the stream; the
/// server must exit 0 within 5 s. Returns the server's log.
pub fn signal_loses_no_reply(
    mut server: ServerProcess,
    signal: &str,
) -> Vec<String> {
    let label = server.label.clone();
    let mut a = server.connect();
    assert_eq!(read_line(&a), "Welcome!\n", "{label}");
    a.write_all(b"Michael\n").expect("send");
    assert_eq!(read_line(&a), "Hello, Michael!\n", "{label}");
    server.wait_for("#1 <- \"Michael\"");

    let b = server.connect();
    server.wait_for("#2 ");
    // B has not read its welcome either: that too is still owed.
    let mut c = server.connect();
    c.write_all("Zhang\n张三\r\n".as_bytes()).expect("send");
    server.wait_for("#3 ");

    // Owed: these two lines reach the server before the signal does.
    a.write_all(b"Tracy\nSarah\n").expect("send");

    let started = Instant::now();
    server.signal(signal);
    let readers = [a, b, c].map(read_to_end);
    let (status, log) = server.finish();
    let took = started.elapsed();
    eprintln!("{label}, kill -{signal}: the server exited after {took:?}");

    assert!(status.success(), "{label}: exit status {status}; {log:#?}");
    assert!(took < Duration::from_secs(5), "{label}: took {took:?}");
    let received = readers.map(|reader| reader.join().expect("reader"));
    let goodbye = "Server shutting down, goodbye.\n";
    assert_eq!(
        received,
        [
            format!("Hello, Tracy!\nHello, Sarah!\n{goodbye}"),
            format!("Welcome!\n{goodbye}"),
            format!("Welcome!\nHello, Zhang!\nHello, 张三!\n{goodbye}"),
        ],
        "{label}, kill -{signal}: server log {log:#?}"
    );
    log
}

/// The real binaries together: the server (`bin` with `server_args`)
/// and one session of its client (`bin client --port P Michael Tracy`),
/// ended by Ctrl+C, as a transcript of both terminals. Pin it with
/// [`session_settings`]: the snapshot lives with the calling test.
pub fn session(bin: &str, server_args: &[&str], label: &str) -> String {
    let mut server = ServerProcess::start(bin, server_args, label);
    let port = server.port.to_string();
    let client_args = ["client", "--port", &port, "Michael", "Tracy"];
    let client = terminal::run(bin, &client_args, &std::env::temp_dir());
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
    format!(
        "# terminal 1: the server\n{}\n# terminal 2: the client\n{}",
        format_transcript(bin, server_args, &server_run),
        format_transcript(bin, &client_args, &client),
    )
}

/// Transcript settings with the ports the OS picked shown as `[PORT]`.
pub fn session_settings() -> insta::Settings {
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"--port \d{2,}", "--port [PORT]");
    settings
}
