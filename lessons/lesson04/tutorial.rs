//! The tutorial's server loop, translated as is, to show its flaw.
//!
//! It takes whatever one `read` returns to be one message. TCP promises
//! no such thing: it is a stream of bytes, and two `send`s can arrive in
//! one `read`. Then `exit` is glued to the name before it, the server
//! greets `Michaelexit`, and never sees an `exit` alone.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::ending::{ErrorClass, classify};
use super::log::Log;

// ANCHOR: tutorial_loop
/// Serves one client the tutorial's way: one `read` = one message.
/// Returns when the client closes, says `exit` in a read of its own, or
/// sends nothing for `wait` (a bound so a demo can never hang).
pub fn tutorial_loop(mut stream: TcpStream, log: &Log, wait: Duration) {
    if stream.set_read_timeout(Some(wait)).is_err() {
        return;
    }
    if stream.write_all(b"Welcome!").is_err() {
        return;
    }
    let mut buffer = [0u8; 1024];
    loop {
        let n = match stream.read(&mut buffer) {
            Ok(0) => {
                log.say("read returned 0: closing");
                return;
            }
            Ok(n) => n,
            Err(e) if classify(&e) == ErrorClass::Interrupted => continue,
            Err(e) => {
                log.say(format_args!("read failed ({:?}): closing", e.kind()));
                return;
            }
        };
        let message = String::from_utf8_lossy(&buffer[..n]);
        log.say(format_args!("read {n} bytes: {message:?}"));
        if message == "exit" {
            log.say("that is exit: closing");
            return;
        }
        let reply = format!("Hello, {message}!");
        if stream.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}
// ANCHOR_END: tutorial_loop
