//! A lesson's server running as a child process: started, its address
//! read from the line where it says it is listening, its log drained
//! (a full pipe would block the server) and kept, and killed when
//! dropped.

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

pub struct ServerChild {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl ServerChild {
    /// Starts `command` and waits (at most 10 s) for a line containing
    /// `"istening on ADDRESS"` (lesson03 says `Listening on`, lesson04
    /// `listening on`).
    pub fn start(mut command: Command) -> io::Result<ServerChild> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, address) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            let log = Arc::clone(&log);
            thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(addr) = listening_address(&line) {
                        let _ = found.send(addr);
                    }
                    let mut log =
                        log.lock().unwrap_or_else(PoisonError::into_inner);
                    log.push(line);
                }
            });
        }
        let mut server = ServerChild {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
        };
        match address.recv_timeout(Duration::from_secs(10)) {
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

    /// Waits (at most 10 s) until the server printed a line containing
    /// `text`; says whether it did.
    pub fn wait_for(&self, text: &str) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if self.log().iter().any(|line| line.contains(text)) {
                return true;
            }
            thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// Every line the server printed so far.
    pub fn log(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
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
