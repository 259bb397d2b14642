//! Reference solutions for chapter 3: a TCP server with one thread per
//! client.

use std::io::{self, ErrorKind, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

// ANCHOR: reply_to
pub fn reply_to(message: &[u8]) -> Option<String> {
    let (text, end) = match message {
        [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n'] => (rest, "\n"),
        _ => (message, ""),
    };
    match std::str::from_utf8(text) {
        Ok("exit") => None,
        Ok(name) => Some(format!("Hello, {name}!{end}")),
        Err(_) => Some(format!(
            "Error: that was not UTF-8 text, so not a name.{end}"
        )),
    }
}
// ANCHOR_END: reply_to

// ANCHOR: serve_connection
pub fn serve_connection<S: Read + Write>(stream: &mut S) -> io::Result<usize> {
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
        let Some(answer) = reply_to(&buffer[..n]) else {
            return Ok(answers);
        };
        stream.write_all(answer.as_bytes())?;
        answers += 1;
    }
}
// ANCHOR_END: serve_connection

// ANCHOR: spawn_counted
/// Decrements the counter when dropped: at the end of the thread, or
/// while a panic unwinds it.
struct Active(Arc<AtomicUsize>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn spawn_counted<F>(active: &Arc<AtomicUsize>, work: F) -> JoinHandle<()>
where
    F: FnOnce() + Send + 'static,
{
    active.fetch_add(1, Ordering::SeqCst);
    let guard = Active(Arc::clone(active));
    thread::spawn(move || {
        let _guard = guard; // dropped when this closure ends, however
        work();
    })
}
// ANCHOR_END: spawn_counted

// ANCHOR: port_from_args
pub fn port_from_args(args: &[&str]) -> Result<u16, String> {
    let mut port = 9999;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let value = if *arg == "--port" {
            rest.next().ok_or("--port needs a value")?
        } else if let Some(value) = arg.strip_prefix("--port=") {
            value
        } else {
            continue;
        };
        let digits = value.bytes().all(|b| b.is_ascii_digit());
        port = match value.parse() {
            Ok(number) if digits => number,
            _ => return Err(format!("{value:?} is not a port (0-65535)")),
        };
    }
    Ok(port)
}
// ANCHOR_END: port_from_args
