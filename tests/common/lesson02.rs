//! lesson02's test helpers: readers that hand out bytes in pieces, and
//! tiny HTTP servers on 127.0.0.1 that answer one request as scripted,
//! including the ways a server can misbehave.

#![allow(dead_code)] // each test file uses its own subset

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A reader that returns `data` in pieces of the given sizes (cycling
/// through them), the way TCP may: a piece size of 1 is one byte per read.
pub struct Pieces<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    next: usize,
}

impl<'a> Pieces<'a> {
    pub fn new(data: &'a [u8], sizes: &[usize]) -> Self {
        let sizes = sizes.iter().map(|&s| s.max(1)).collect::<Vec<_>>();
        let sizes = if sizes.is_empty() {
            vec![usize::MAX]
        } else {
            sizes
        };
        Pieces {
            data,
            sizes,
            next: 0,
        }
    }
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.next % self.sizes.len()];
        self.next += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// How a scripted server answers its one client.
#[derive(Clone)]
pub enum Script {
    /// Send these bytes in one write, then close.
    Reply(Vec<u8>),
    /// Send these bytes in writes of this many bytes each, then close.
    Trickle(Vec<u8>, usize),
    /// Read the request and answer nothing; close when the client does
    /// (or after 10 s).
    Silent,
}

/// A server for one connection. `join` returns the request it received.
pub struct OneShot {
    pub addr: SocketAddr,
    handle: JoinHandle<Vec<u8>>,
}

impl OneShot {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn join(self) -> Vec<u8> {
        self.handle.join().expect("the test server thread panicked")
    }
}

/// Starts a server on 127.0.0.1 (a port the OS picks) that serves one
/// client by `script`. Every wait in it is bounded: if no client comes
/// within 20 s, it gives up.
pub fn one_shot(script: Script) -> OneShot {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local_addr");
    listener.set_nonblocking(true).expect("set_nonblocking");
    let handle = thread::spawn(move || {
        let Some(mut stream) =
            accept_within(&listener, Duration::from_secs(20))
        else {
            return Vec::new();
        };
        let request = read_request(&mut stream);
        let _ = play(&mut stream, &script);
        request
    });
    OneShot { addr, handle }
}

fn accept_within(listener: &TcpListener, limit: Duration) -> Option<TcpStream> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).ok()?;
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .ok()?;
                stream
                    .set_write_timeout(Some(Duration::from_secs(10)))
                    .ok()?;
                let _ = stream.set_nodelay(true);
                return Some(stream);
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
    None
}

/// Reads up to the end of the request head (at most 64 KiB).
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut piece = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536
    {
        match stream.read(&mut piece) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&piece[..n]),
        }
    }
    request
}

fn play(stream: &mut TcpStream, script: &Script) -> io::Result<()> {
    match script {
        Script::Reply(bytes) => stream.write_all(bytes),
        Script::Trickle(bytes, size) => {
            for piece in bytes.chunks((*size).max(1)) {
                stream.write_all(piece)?;
                stream.flush()?;
            }
            Ok(())
        }
        Script::Silent => {
            // Wait for the client to give up and close (read returns 0)
            // or for our own read timeout; never forever.
            let mut piece = [0u8; 64];
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                match stream.read(&mut piece) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            Ok(())
        }
    }
}

/// A response with the given head lines (each without `\r\n`) and body.
pub fn response(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{status}\r\n").into_bytes();
    for header in headers {
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(body);
    bytes
}

/// `body` in chunked encoding, in chunks of `size` bytes.
pub fn chunked(body: &[u8], size: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for chunk in body.chunks(size.max(1)) {
        bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        bytes.extend_from_slice(chunk);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    bytes
}

/// Every byte value, then a few sequences that look like HTTP framing,
/// repeated: a body that is not UTF-8 and tries to confuse a parser.
pub fn binary_body(len: usize) -> Vec<u8> {
    let pattern: Vec<u8> = (0..=255u8)
        .chain(*b"\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n")
        .collect();
    pattern.iter().copied().cycle().take(len).collect()
}
