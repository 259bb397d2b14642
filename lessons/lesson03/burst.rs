//! `burst`: many clients connect at the same instant. With a small listen
//! backlog, the kernel's queue of not-yet-accepted connections overflows
//! and the handshakes of the unlucky ones wait for a SYN retransmission
//! (1 s, then 2 s, 4 s...). Every wait here is bounded by `LIMIT`.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use super::protocol::BUFFER_SIZE;
use super::server::{Config, Logger, listen, serve_threaded};

/// No client waits longer than this for its welcome.
pub const LIMIT: Duration = Duration::from_secs(30);

/// What a burst measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurstReport {
    pub clients: usize,
    /// Welcomed and answered within one second of the start.
    pub within_1s: usize,
    /// Welcomed and answered, however late (but within `LIMIT`).
    pub served: usize,
    /// Connected (the handshake completed, as far as the client knows)
    /// but got no welcome within `LIMIT`.
    pub no_welcome: usize,
    /// The slowest client that was served.
    pub slowest: Duration,
}

/// How one client of the burst fared.
enum Arrival {
    Served(Duration),
    NoWelcome,
    Failed,
}

/// Starts our own server with `backlog` on an OS-chosen port.
pub fn start_server(backlog: i32) -> io::Result<SocketAddr> {
    let listener = listen((Ipv4Addr::LOCALHOST, 0).into(), backlog)?;
    let addr = listener.local_addr()?;
    let quiet: Logger = Arc::new(|_: &str| {});
    let config = Config {
        log: quiet,
        ..Config::default()
    };
    thread::spawn(move || serve_threaded(listener, config));
    Ok(addr)
}

/// Starts `clients` threads that connect to `addr` at the same instant;
/// each waits for the welcome, sends one name and waits for the reply.
pub fn burst(addr: SocketAddr, clients: usize) -> BurstReport {
    let start = Arc::new(Barrier::new(clients));
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let start = Arc::clone(&start);
            thread::Builder::new()
                .stack_size(64 * 1024) // these threads do very little
                .spawn(move || {
                    start.wait();
                    one_client(addr)
                })
        })
        .collect();
    let mut times = Vec::new();
    let mut no_welcome = 0;
    for handle in handles.into_iter().flatten() {
        match handle.join() {
            Ok(Arrival::Served(time)) => times.push(time),
            Ok(Arrival::NoWelcome) => no_welcome += 1,
            Ok(Arrival::Failed) | Err(_) => {}
        }
    }
    let second = Duration::from_secs(1);
    BurstReport {
        clients,
        within_1s: times.iter().filter(|t| **t < second).count(),
        served: times.len(),
        no_welcome,
        slowest: times.iter().copied().max().unwrap_or_default(),
    }
}

fn one_client(addr: SocketAddr) -> Arrival {
    let started = Instant::now();
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, LIMIT) else {
        return Arrival::Failed;
    };
    let left = LIMIT.saturating_sub(started.elapsed());
    let timeouts = stream
        .set_read_timeout(Some(left.max(Duration::from_millis(1))))
        .and_then(|()| stream.set_write_timeout(Some(LIMIT)));
    let mut buffer = [0u8; BUFFER_SIZE];
    match timeouts.and_then(|()| stream.read(&mut buffer)) {
        Ok(0) => return Arrival::Failed,
        Ok(_) => {}
        Err(_) => return Arrival::NoWelcome,
    }
    match name_and_reply(&mut stream, &mut buffer) {
        Ok(()) => Arrival::Served(started.elapsed()),
        Err(_) => Arrival::Failed,
    }
}

fn name_and_reply(stream: &mut TcpStream, buffer: &mut [u8]) -> io::Result<()> {
    stream.write_all(b"Burst")?;
    if stream.read(buffer)? == 0 {
        return Err(io::Error::other("closed before the reply"));
    }
    stream.write_all(b"exit")
}
