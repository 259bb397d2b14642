//! Reference solutions for chapter 4: ending a conversation.

use std::io::{self, BufRead};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

// ANCHOR: read_line_limited
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineRead {
    Line(Vec<u8>),
    TooLong,
    End,
}

pub fn read_line_limited(
    reader: &mut impl BufRead,
    max_len: usize,
) -> io::Result<LineRead> {
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match line.is_empty() {
                true => LineRead::End,
                false => finish(line, max_len),
            });
        }
        // Never take more than the limit plus `\r\n`.
        let room = max_len + 2 - line.len();
        let window = &available[..available.len().min(room)];
        if let Some(end) = window.iter().position(|&b| b == b'\n') {
            line.extend_from_slice(&window[..end]);
            reader.consume(end + 1);
            return Ok(finish(line, max_len));
        }
        let taken = window.len();
        line.extend_from_slice(window);
        reader.consume(taken);
        if line.len() > max_len + 1 {
            return Ok(LineRead::TooLong);
        }
    }
}

fn finish(mut line: Vec<u8>, max_len: usize) -> LineRead {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.len() > max_len {
        LineRead::TooLong
    } else {
        LineRead::Line(line)
    }
}
// ANCHOR_END: read_line_limited

// ANCHOR: classify_read
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    Data(usize),
    Closed,
    Reset,
    TimedOut,
    Retry,
    Failed,
}

pub fn classify_read(result: &io::Result<usize>) -> ReadOutcome {
    use io::ErrorKind::*;
    match result {
        Ok(0) => ReadOutcome::Closed,
        Ok(n) => ReadOutcome::Data(*n),
        Err(e) => match e.kind() {
            ConnectionReset | ConnectionAborted | BrokenPipe => {
                ReadOutcome::Reset
            }
            WouldBlock | TimedOut => ReadOutcome::TimedOut,
            Interrupted => ReadOutcome::Retry,
            _ => ReadOutcome::Failed,
        },
    }
}
// ANCHOR_END: classify_read

// ANCHOR: wake_accept
pub fn wake_accept(listening_on: SocketAddr) -> io::Result<SocketAddr> {
    let ip = match listening_on.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            IpAddr::V6(Ipv6Addr::LOCALHOST)
        }
        ip => ip,
    };
    let address = SocketAddr::new(ip, listening_on.port());
    TcpStream::connect_timeout(&address, Duration::from_secs(1))?;
    Ok(address)
}
// ANCHOR_END: wake_accept

// ANCHOR: accept_until_stopped
pub fn accept_until_stopped(
    listener: &TcpListener,
    stop: &AtomicBool,
    mut serve: impl FnMut(TcpStream),
) -> io::Result<usize> {
    let mut served = 0;
    loop {
        let (stream, _) = listener.accept()?;
        if stop.load(Ordering::SeqCst) {
            return Ok(served);
        }
        serve(stream);
        served += 1;
    }
}
// ANCHOR_END: accept_until_stopped

// ANCHOR: framer
#[derive(Debug, Default)]
pub struct Framer {
    pending: Vec<u8>,
}

impl Framer {
    pub fn new() -> Framer {
        Framer::default()
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(bytes);
        let mut messages = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.pending.drain(..=end).collect();
            line.pop(); // the `\n`
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            messages.push(String::from_utf8_lossy(&line).into_owned());
        }
        messages
    }
}
// ANCHOR_END: framer
