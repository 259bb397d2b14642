//! Helpers for lesson03's tests: the real server binary as a child process
//! whose log we can wait on, and well-behaved clients with timeouts.

#![allow(dead_code)] // each test file uses its own subset of these helpers

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_lesson03");

/// Every socket a test opens gets this timeout; every wait is bounded.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The lesson03 server binary, running, with its output as lines.
pub struct ServerProcess {
    child: Child,
    lines: Receiver<String>,
    /// Every line the server printed so far.
    pub log: Vec<String>,
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `lesson03 --port 0 ARGS...` and waits until it listens.
    pub fn start(args: &[&str]) -> ServerProcess {
        let (reader, writer) = std::io::pipe().expect("create a pipe");
        let child = Command::new(BIN)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(writer.try_clone().expect("clone the pipe"))
            .stderr(writer)
            .spawn()
            .expect("start lesson03");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(reader);
            let mut line = Vec::new();
            while let Ok(n) = reader.read_until(b'\n', &mut line) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end_matches('\n').to_string();
                if sender.send(text).is_err() {
                    break;
                }
                line.clear();
            }
        });
        let mut server = ServerProcess {
            child,
            lines,
            log: Vec::new(),
            addr: ([127, 0, 0, 1], 0).into(),
        };
        let listening = server.wait_for("Listening on ");
        let addr = listening
            .split_whitespace()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {listening:?}"));
        server.addr = addr;
        server.wait_for("Waiting for connection...");
        server
    }

    /// The server's process id (for /proc/PID).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Waits (bounded) for a log line containing `text`, and returns it.
    pub fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no line containing {text:?} within {TIMEOUT:?}; log:\n{}",
                    self.log.join("\n")
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server exited before printing {text:?}; log:\n{}",
                    self.log.join("\n")
                ),
            }
        }
    }

    /// The server's thread count and open file descriptors, from /proc
    /// (Linux only; `None` elsewhere).
    pub fn threads_and_fds(&self) -> Option<(usize, usize)> {
        let proc = format!("/proc/{}", self.child.id());
        let status = std::fs::read_to_string(format!("{proc}/status")).ok()?;
        let threads = status
            .lines()
            .find_map(|line| line.strip_prefix("Threads:"))?
            .trim()
            .parse()
            .ok()?;
        let fds = std::fs::read_dir(format!("{proc}/fd")).ok()?.count();
        Some((threads, fds))
    }

    /// Waits (bounded) until the server is back to `baseline` threads and
    /// file descriptors: nothing leaked. Skipped where /proc is missing.
    pub fn wait_for_baseline(&self, baseline: Option<(usize, usize)>) {
        let deadline = Instant::now() + TIMEOUT;
        while self.threads_and_fds() != baseline {
            assert!(
                Instant::now() < deadline,
                "threads and fds {:?}, expected {baseline:?}",
                self.threads_and_fds()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Is the process still running?
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
