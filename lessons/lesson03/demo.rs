//! The demo: several clients at once against our server, first with a
//! thread per client, then (`--single-thread`) one connection at a time.
//! Everything runs in this one process on an OS-chosen port, so it needs
//! no second terminal.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use super::protocol::BUFFER_SIZE;
use super::server::{BACKLOG, Config, Logger, Threads, listen, serve};

/// How many clients the demo starts at once.
pub const CLIENTS: usize = 5;
/// How many names each client sends.
pub const MESSAGES: usize = 3;
/// The server's simulated work per message.
pub const WORK: Duration = Duration::from_millis(150);
/// No demo client waits longer than this for anything.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

/// What one client saw, measured from the moment all clients started.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// When the welcome arrived: how long it waited to be served.
    pub welcomed: Duration,
    /// When its last reply arrived.
    pub done: Duration,
}

/// Runs the demo and writes its report to `out`.
pub fn run_demo(threads: Threads, out: &mut dyn Write) -> io::Result<()> {
    let listener = listen((Ipv4Addr::LOCALHOST, 0).into(), BACKLOG)?;
    let addr = listener.local_addr()?;
    let quiet: Logger = Arc::new(|_: &str| {});
    let config = Config {
        pause: WORK,
        log: quiet,
        ..Config::default()
    };
    // The server runs for as long as the process does.
    thread::spawn(move || serve(listener, config, threads));

    let how = match threads {
        Threads::PerClient => "one thread per client",
        Threads::OneAtATime => "one connection at a time, no threads",
    };
    let alone = WORK * MESSAGES as u32;
    let busy = alone + WORK; // `exit` is a message too
    writeln!(out, "Server on {addr}: {how}.")?;
    writeln!(
        out,
        "{CLIENTS} clients connect at once; each sends {MESSAGES} names, \
         then exit.\nThe server works {} ms per message, so one client \
         alone needs {} ms\n(and keeps the server busy {} ms: exit is \
         a message too).\n",
        WORK.as_millis(),
        alone.as_millis(),
        busy.as_millis()
    )?;

    let started = Instant::now();
    let mut timings = run_clients(addr)?;
    let total = started.elapsed();
    timings.sort_by_key(|timing| timing.done);
    for (place, timing) in timings.iter().enumerate() {
        writeln!(
            out,
            "  served {}: waited {:>5} ms for its welcome, done after {:>5} ms",
            ordinal(place + 1),
            timing.welcomed.as_millis(),
            timing.done.as_millis()
        )?;
    }
    let verdict = match threads {
        Threads::PerClient => "all served side by side",
        Threads::OneAtATime => "each waited for everyone before it",
    };
    writeln!(
        out,
        "\nAll {CLIENTS} clients done after {} ms: {verdict}.",
        total.as_millis()
    )?;
    Ok(())
}

/// Starts the clients together and collects their timings.
fn run_clients(addr: SocketAddr) -> io::Result<Vec<Timing>> {
    let start = Arc::new(Barrier::new(CLIENTS));
    let handles: Vec<_> = (1..=CLIENTS)
        .map(|id| {
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                timed_client(addr, id)
            })
        })
        .collect();
    let mut timings = Vec::new();
    for handle in handles {
        let timing = handle
            .join()
            .map_err(|_| io::Error::other("a demo client panicked"))??;
        timings.push(timing);
    }
    Ok(timings)
}

/// One client: connect, read the welcome, send names, read replies.
fn timed_client(addr: SocketAddr, id: usize) -> io::Result<Timing> {
    let started = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr, CLIENT_TIMEOUT)?;
    stream.set_read_timeout(Some(CLIENT_TIMEOUT))?;
    stream.set_write_timeout(Some(CLIENT_TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    expect_some(stream.read(&mut buffer)?)?;
    let welcomed = started.elapsed();
    for message in 1..=MESSAGES {
        stream.write_all(format!("client{id}-{message}").as_bytes())?;
        expect_some(stream.read(&mut buffer)?)?;
    }
    let done = started.elapsed();
    stream.write_all(b"exit")?;
    Ok(Timing { welcomed, done })
}

fn expect_some(n: usize) -> io::Result<()> {
    if n == 0 {
        return Err(io::Error::other("the server closed the connection"));
    }
    Ok(())
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
