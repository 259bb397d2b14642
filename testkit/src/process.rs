//! A lesson's server running as a child process: started, its address
//! read from the line where it says it is listening, its output (stdout
//! and stderr, as a terminal shows them) drained, because a full pipe
//! would block the server, and kept, and the process killed when dropped.
//! The example and the tests of lessons 03 and 04 all use this one.

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::server_faults::threads_and_fds;

/// Every wait on the child is bounded by this.
pub const WAIT_LIMIT: Duration = Duration::from_secs(10);

pub struct ServerChild {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    /// How many log lines `wait_for_next` has already looked at.
    looked_at: usize,
    reader: Option<JoinHandle<()>>,
}

impl ServerChild {
    /// Starts `command` and waits (at most `WAIT_LIMIT`) for a line
    /// containing `"istening on ADDRESS"` (lesson03 says `Listening on`,
    /// lesson04 `listening on`).
    pub fn start(mut command: Command) -> io::Result<ServerChild> {
        let (output, writer) = io::pipe()?;
        let child = command
            .stdin(Stdio::null())
            .stdout(writer.try_clone()?)
            .stderr(writer)
            .spawn()?;
        // `command` still holds the pipe's writing end; dropping it lets
        // the reader see the end of the output once the child exits.
        drop(command);
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, address) = mpsc::channel();
        let reader = {
            let log = Arc::clone(&log);
            thread::spawn(move || {
                for line in BufReader::new(output).lines() {
                    let Ok(line) = line else { break };
                    if let Some(addr) = listening_address(&line) {
                        let _ = found.send(addr);
                    }
                    lock(&log).push(line);
                }
            })
        };
        let mut server = ServerChild {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
            looked_at: 0,
            reader: Some(reader),
        };
        match address.recv_timeout(WAIT_LIMIT) {
            Ok(addr) => {
                server.addr = addr;
                Ok(server)
            }
            Err(_) => Err(io::Error::other(format!(
                "the server printed no address; its log: {:?}",
                server.log()
            ))),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits (at most `WAIT_LIMIT`) until the server printed a line
    /// containing `text`, anywhere in its log; says whether it did.
    pub fn wait_for(&self, text: &str) -> bool {
        self.wait_until(|log| {
            log.iter().any(|l| l.contains(text)).then_some(())
        })
        .is_some()
    }

    /// Like `wait_for`, but only among the lines printed after the one the
    /// previous call found, and returns the line: for following a log in
    /// order, where the same words come up more than once.
    pub fn wait_for_next(&mut self, text: &str) -> Option<String> {
        let start = self.looked_at;
        let (index, line) = self.wait_until(|log| {
            let found = log.iter().skip(start).position(|l| l.contains(text));
            found.map(|at| (start + at, log[start + at].clone()))
        })?;
        self.looked_at = index + 1;
        Some(line)
    }

    /// Polls the log until `check` finds something, for `WAIT_LIMIT`.
    fn wait_until<T>(
        &self,
        check: impl Fn(&[String]) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            if let Some(found) = check(&lock(&self.log)) {
                return Some(found);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Every line the server printed so far.
    pub fn log(&self) -> Vec<String> {
        lock(&self.log).clone()
    }

    /// The server's thread count and open file descriptors, from /proc
    /// (Linux only; `None` elsewhere).
    pub fn threads_and_fds(&self) -> Option<(usize, usize)> {
        threads_and_fds(self.pid())
    }

    /// Waits (at most `WAIT_LIMIT`) for the process to exit by itself,
    /// and for the last of its output; `None` if it is still running.
    pub fn wait_for_exit(&mut self) -> Option<ExitStatus> {
        let deadline = Instant::now() + WAIT_LIMIT;
        let status = loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                break status;
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        };
        // The process is gone, so its end of the pipe is closed: the
        // reader reaches the end of the output and stops.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        Some(status)
    }
}

fn lock(log: &Mutex<Vec<String>>) -> std::sync::MutexGuard<'_, Vec<String>> {
    log.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Listening on 127.0.0.1:9999 (backlog ...)` -> the address.
fn listening_address(line: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once("istening on ")?;
    let word = rest.split_whitespace().next()?;
    word.trim_end_matches(['.', ',']).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_address_in_both_lessons_wordings() {
        let three =
            "Listening on 127.0.0.1:9999 (backlog 1024). Stop with Ctrl+C.";
        let four = "listening on 127.0.0.1:40000";
        assert_eq!(listening_address(three), "127.0.0.1:9999".parse().ok());
        assert_eq!(listening_address(four), "127.0.0.1:40000".parse().ok());
        assert_eq!(listening_address("Waiting for connection..."), None);
    }
}
