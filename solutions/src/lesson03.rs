//! Reference solutions for chapter 3: a TCP server with one thread per
//! client.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Ipv6Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ANCHOR: parse_target
pub fn parse_target(target: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = target.strip_prefix('[') {
        let (inside, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("{target:?}: a '[' without its ']'"))?;
        if inside.parse::<Ipv6Addr>().is_err() {
            return Err(format!("{inside:?} is not an IPv6 address"));
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or_else(|| {
                format!("{target:?}: only \":PORT\" may follow the ']'")
            })?),
        };
        (inside, port)
    } else {
        let (host, port) = match target.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (target, None),
        };
        if port.is_some_and(|port| port.contains(':')) {
            return Err(format!(
                "{target:?}: write an IPv6 address in brackets, [::1]:9999"
            ));
        }
        let bad = |c: char| c.is_whitespace() || c == '[' || c == ']';
        if host.is_empty() || host.contains(bad) {
            return Err(format!("{host:?} is not a host name"));
        }
        (host, port)
    };
    let port = match port {
        None => 9999,
        Some(digits) => {
            let ok = (1..=5).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit());
            match digits.parse() {
                Ok(port) if ok && port != 0 => port,
                _ => return Err(format!("{digits:?} is not a port (1-65535)")),
            }
        }
    };
    Ok((host.to_string(), port))
}
// ANCHOR_END: parse_target

// ANCHOR: converse_with_memory
pub fn converse_with_memory<S: Read + Write>(
    stream: &mut S,
    visits: &Mutex<HashMap<String, u32>>,
) -> io::Result<usize> {
    stream.write_all(b"Welcome!")?;
    let mut buffer = [0u8; 1024];
    let mut answers = 0;
    loop {
        let n = match stream.read(&mut buffer) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            result => result?,
        };
        if n == 0 {
            return Ok(answers);
        }
        let (bytes, end) = match &buffer[..n] {
            [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n'] => (rest, "\n"),
            bytes => (bytes, ""),
        };
        let answer = match std::str::from_utf8(bytes) {
            Ok("exit") => return Ok(answers),
            Ok(name) => {
                // The lock lives only inside this block: never while we
                // write, or one slow client would stall every other.
                let visit = {
                    let mut map =
                        visits.lock().unwrap_or_else(PoisonError::into_inner);
                    let count = map.entry(name.to_string()).or_insert(0);
                    *count += 1;
                    *count
                };
                match visit {
                    1 => format!("Hello, {name}!{end}"),
                    _ => format!("Hello again, {name}! (visit {visit}){end}"),
                }
            }
            Err(_) => {
                format!("Error: that was not UTF-8 text, so not a name.{end}")
            }
        };
        stream.write_all(answer.as_bytes())?;
        answers += 1;
    }
}
// ANCHOR_END: converse_with_memory

// ANCHOR: Limit
#[derive(Debug, Clone)]
pub struct Limit {
    inside: Arc<AtomicUsize>,
    max: usize,
}

/// A slot: while it lives, it counts in `inside`.
#[derive(Debug)]
pub struct Pass {
    inside: Arc<AtomicUsize>,
}

impl Drop for Pass {
    fn drop(&mut self) {
        // Runs when the handler returns, and while a panic unwinds it.
        self.inside.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Limit {
    pub fn new(max: usize) -> Limit {
        Limit {
            inside: Arc::new(AtomicUsize::new(0)),
            max,
        }
    }

    pub fn try_enter(&self) -> Option<Pass> {
        // One atomic step from "checked" to "taken": two threads can
        // never both take the last slot.
        let max = self.max;
        self.inside
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        Some(Pass {
            inside: Arc::clone(&self.inside),
        })
    }

    pub fn inside(&self) -> usize {
        self.inside.load(Ordering::SeqCst)
    }
}

pub const BUSY: &str = "Busy: try again later.\n";

pub fn admit<S, F>(
    limit: &Limit,
    mut stream: S,
    handler: F,
) -> Option<JoinHandle<()>>
where
    S: Write + Send + 'static,
    F: FnOnce(S) + Send + 'static,
{
    let Some(pass) = limit.try_enter() else {
        // We close right after, so a failed write changes nothing.
        let _ = stream.write_all(BUSY.as_bytes());
        return None;
    };
    thread::Builder::new()
        .spawn(move || {
            let _pass = pass; // freed when this closure ends, however
            handler(stream);
        })
        .ok()
}
// ANCHOR_END: Limit

// ANCHOR: serve_n
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

pub fn serve_n<T, F>(
    listener: &TcpListener,
    n: usize,
    handler: F,
) -> io::Result<Vec<Result<T, String>>>
where
    T: Send + 'static,
    F: Fn(TcpStream) -> T + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    let mut threads = Vec::new();
    let mut failure = None;
    for _ in 0..n {
        let stream = match accept_with_timeouts(listener) {
            Ok(stream) => stream,
            Err(error) => {
                failure = Some(error);
                break;
            }
        };
        let handler = Arc::clone(&handler);
        threads.push(thread::spawn(move || handler(stream)));
    }
    // Join every thread started, even when accept failed.
    let results = threads
        .into_iter()
        .map(|thread| thread.join().map_err(|panic| panic_message(&*panic)))
        .collect();
    match failure {
        Some(error) => Err(error),
        None => Ok(results),
    }
}

fn accept_with_timeouts(listener: &TcpListener) -> io::Result<TcpStream> {
    let (stream, _peer) = listener.accept()?;
    stream.set_read_timeout(Some(CLIENT_TIMEOUT))?;
    stream.set_write_timeout(Some(CLIENT_TIMEOUT))?;
    Ok(stream)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}
// ANCHOR_END: serve_n

// ANCHOR: talk
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TalkError {
    BadName(String),
    Closed,
    Unexpected { wanted: String, got: String },
    TimedOut,
    Io(ErrorKind),
}

pub fn talk<S: Read + Write>(
    stream: &mut S,
    names: &[&str],
    limit: Duration,
) -> Result<Vec<String>, TalkError> {
    if let Some(bad) = names
        .iter()
        .find(|name| name.is_empty() || **name == "exit")
    {
        return Err(TalkError::BadName(bad.to_string()));
    }
    let deadline = Instant::now() + limit;
    expect(stream, "Welcome!", deadline)?;
    let mut replies = Vec::new();
    for name in names {
        send(stream, name, deadline)?;
        let reply = format!("Hello, {name}!");
        expect(stream, &reply, deadline)?;
        replies.push(reply);
    }
    send(stream, "exit", deadline)?;
    Ok(replies)
}

fn send<S: Write>(
    stream: &mut S,
    text: &str,
    deadline: Instant,
) -> Result<(), TalkError> {
    if Instant::now() >= deadline {
        return Err(TalkError::TimedOut);
    }
    stream.write_all(text.as_bytes()).map_err(talk_error)
}

/// Reads exactly `wanted.len()` bytes and checks that they are `wanted`,
/// piece by piece, so a wrong answer fails at once.
fn expect<S: Read>(
    stream: &mut S,
    wanted: &str,
    deadline: Instant,
) -> Result<(), TalkError> {
    let mut got = vec![0u8; wanted.len()];
    let mut filled = 0;
    while filled < got.len() {
        if Instant::now() >= deadline {
            return Err(TalkError::TimedOut);
        }
        match stream.read(&mut got[filled..]) {
            Ok(0) => return Err(TalkError::Closed),
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(talk_error(e)),
        }
        if got[..filled] != wanted.as_bytes()[..filled] {
            return Err(TalkError::Unexpected {
                wanted: wanted.to_string(),
                got: String::from_utf8_lossy(&got[..filled]).into_owned(),
            });
        }
    }
    Ok(())
}

fn talk_error(error: io::Error) -> TalkError {
    match error.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => TalkError::TimedOut,
        kind => TalkError::Io(kind),
    }
}
// ANCHOR_END: talk
