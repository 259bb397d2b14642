//! Helpers for lesson03's tests: the real server binary as a child process
//! whose log we can wait on, and well-behaved clients with timeouts.
//!
//! The binary's path comes from the test (`env!("CARGO_BIN_EXE_lesson03")`
//! exists only while Cargo builds the root package's tests).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::process::{ServerChild, WAIT_LIMIT};
use crate::server_faults;

/// Every socket a test opens gets this timeout; every wait is bounded.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The lesson03 server binary, running, with its output as lines: the
/// [`ServerChild`], with failures that fail the test.
pub struct ServerProcess {
    server: ServerChild,
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `BIN --port 0 ARGS...` (`bin`: the lesson03 binary) and
    /// waits until it listens.
    pub fn start(bin: &str, args: &[&str]) -> ServerProcess {
        let mut command = Command::new(bin);
        command.args(["--port", "0"]).args(args);
        let server = ServerChild::start(command).expect("start lesson03");
        let mut server = ServerProcess {
            addr: server.addr,
            server,
        };
        server.wait_for("Waiting for connection...");
        server
    }

    /// The server's process id (for /proc/PID).
    pub fn pid(&self) -> u32 {
        self.server.pid()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Waits (bounded) for the next log line containing `text`, and
    /// returns it.
    pub fn wait_for(&mut self, text: &str) -> String {
        match self.server.wait_for_next(text) {
            Some(line) => line,
            None => panic!(
                "no line containing {text:?} within {WAIT_LIMIT:?}; log:\n{}",
                self.log().join("\n")
            ),
        }
    }

    /// Every line the server printed so far.
    pub fn log(&self) -> Vec<String> {
        self.server.log()
    }

    /// The server's thread count and open file descriptors, from /proc
    /// (Linux only; `None` elsewhere).
    pub fn threads_and_fds(&self) -> Option<(usize, usize)> {
        self.server.threads_and_fds()
    }

    /// Waits (bounded) until the server is back to `baseline` threads and
    /// file descriptors: nothing leaked. Skipped where /proc is missing.
    pub fn wait_for_baseline(&self, baseline: Option<(usize, usize)>) {
        let now = server_faults::wait_for_baseline(self.pid(), baseline);
        assert_eq!(now, baseline, "threads and fds after the test");
    }

    /// Is the process still running?
    pub fn is_running(&mut self) -> bool {
        self.server.is_running()
    }
}

/// Connects with timeouts on everything.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("read timeout");
    stream
        .set_write_timeout(Some(TIMEOUT))
        .expect("write timeout");
    stream
}

/// One read, as the protocol frames messages, as text.
pub fn receive(stream: &mut TcpStream) -> String {
    let mut buffer = [0u8; 1024];
    let n = stream.read(&mut buffer).expect("read a message");
    String::from_utf8_lossy(&buffer[..n]).into_owned()
}

/// A well-behaved client: the welcome, then each name and its reply.
/// Returns everything it heard, one message per entry.
pub fn conversation(addr: SocketAddr, names: &[&str]) -> Vec<String> {
    let mut stream = connect(addr);
    let mut heard = vec![receive(&mut stream)];
    for name in names {
        stream.write_all(name.as_bytes()).expect("send a name");
        heard.push(receive(&mut stream));
    }
    stream.write_all(b"exit").expect("send exit");
    heard
}

/// The replies the tutorial's session must get.
pub fn expected(names: &[&str]) -> Vec<String> {
    let mut heard = vec!["Welcome!".to_string()];
    heard.extend(names.iter().map(|name| format!("Hello, {name}!")));
    heard
}

/// insta filters: client ports and the server's port vary per run.
pub fn port_filters(settings: &mut insta::Settings) {
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"--port [1-9]\d*", "--port [PORT]");
}

/// Is `python3` there to run the tutorial's own programs?
pub fn python3() -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        eprintln!("note: python3 not found; skipping the tutorial's programs");
    }
    found
}
