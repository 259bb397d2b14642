//! `lesson04 pitfall NAME`: two traps that loopback and a quick test
//! hide, acted out in one process, both sides labelled as in the demos.
//!
//! - `splits`: a relay re-cuts the client's bytes into small pieces, as
//!   a real network may; the tutorial's one-read-one-message server
//!   greets fragments, the newline-framed server does not care.
//! - `time-wait`: a server that closed first cannot bind its port again
//!   at once unless both its old and its new socket set `SO_REUSEADDR`
//!   (Linux only).
//!
//! As in `demo`, the relay waits for the server's log line before it
//! passes on the next piece, so that the output comes out in the same
//! order on every run.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use super::demo::{Client, RunningServer, Step, WAIT, wait_for};
use super::log::Log;
use super::server::Config;
use super::tutorial::tutorial_loop;
use crate::menu::{self, Entry};

/// One entry of the menu: `play` acts it out.
pub type Pitfall = Entry<fn(&Log) -> Step>;

pub const PITFALLS: [Pitfall; 2] = [
    Pitfall {
        number: 1,
        name: "splits",
        summary: "a relay cuts the stream in pieces: fragments, then the fix",
        play: splits,
    },
    Pitfall {
        number: 2,
        name: "time-wait",
        summary: "restarting on the same port: TIME_WAIT and SO_REUSEADDR",
        play: time_wait,
    },
];

/// The pitfall a command-line argument names, by name or number.
pub fn find(arg: &str) -> Option<&'static Pitfall> {
    menu::find(&PITFALLS, arg)
}

/// The list `lesson04 pitfall` prints.
pub fn listing() -> String {
    menu::listing(
        &PITFALLS,
        "Pitfalls (run one with: cargo run --bin lesson04 -- pitfall NAME):",
    )
}

/// Acts out one pitfall, printing both sides. `false` if it went wrong.
pub fn run(pitfall: &Pitfall) -> bool {
    let log = Log::recording();
    let demo = log.labelled("demo");
    pitfall.act_out("pitfall", |line| demo.say(line), |play| play(&log))
}

// ---------------------------------------------------------------------
// splits

/// How many bytes the relay passes on at a time, and how long it waits
/// between pieces.
const PIECE: usize = 3;
const GAP: Duration = Duration::from_millis(50);

fn splits(log: &Log) -> Step {
    let demo = log.labelled("demo");
    demo.say(format_args!(
        "a relay between client and server passes the client's bytes on \
         {PIECE} at a time, {} ms apart",
        GAP.as_millis()
    ));
    demo.say("part 1: the tutorial's server, one read() = one message");
    let (listener, address) = bind_loopback()?;
    let server_log = log.labelled("server");
    let server = thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            tutorial_loop(stream, &server_log, WAIT);
        }
    });
    // Waits for the tutorial's server to log its read of each piece.
    let waiter = log.clone();
    let relay = Relay::start(address, log, move |piece: &[u8]| {
        let text = String::from_utf8_lossy(piece);
        let read = format!("read {} bytes: {text:?}", piece.len());
        wait_for(&waiter, &read)
    })?;
    let mut client = Client::connect(relay.address, log.labelled("client"))?;
    client.expect_bytes("Welcome!")?;
    client.send_raw("Michael")?;
    receive_exactly(&mut client, "Hello, Mic!Hello, hae!Hello, l!")?;
    client.close("closes: three greetings for one name");
    wait_for(log, "read returned 0: closing")?;
    relay.join()?;
    let _ = server.join();

    demo.say(r#"part 2: this lesson's server: every message ends in "\n""#);
    let server = RunningServer::start(log, Config::default())?;
    // Waits for the server to log each whole line a piece completes.
    let waiter = log.clone();
    let mut line = Vec::new();
    let relay = Relay::start(server.address, log, move |piece: &[u8]| {
        for &byte in piece {
            if byte != b'\n' {
                line.push(byte);
                continue;
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            wait_for(&waiter, &format!("#1 <- {text:?}"))?;
            line.clear();
        }
        Ok(())
    })?;
    let mut client = Client::connect(relay.address, log.labelled("client"))?;
    client.expect("Welcome!")?;
    client.send("Michael\nexit\n")?;
    wait_for(log, "#1 client said exit")?;
    client.expect("Hello, Michael!")?;
    client.expect("Goodbye!")?;
    client.expect_end()?;
    client.close("done");
    relay.join()?;
    // The server goes on listening until the process ends, a moment
    // from now: the demos show its shutdown elsewhere.
    drop(server);
    Ok(())
}

impl Client {
    /// Logs, then sends, `text` in one write, with no newline: the
    /// tutorial's framing.
    fn send_raw(&mut self, text: &str) -> Step {
        self.log.say(format_args!("-> {text:?} in one write"));
        self.write(text.as_bytes())
    }
}

/// Reads until exactly `expected` has arrived, in one read or several.
fn receive_exactly(client: &mut Client, expected: &str) -> Step {
    let mut got = Vec::new();
    let mut buffer = [0u8; 1024];
    while got.len() < expected.len() {
        let n = client
            .stream
            .read(&mut buffer)
            .map_err(|e| format!("read failed: {e}"))?;
        if n == 0 {
            return Err("the server closed".into());
        }
        got.extend_from_slice(&buffer[..n]);
    }
    let got = String::from_utf8_lossy(&got);
    client.log.say(format_args!("<- {got:?}"));
    if got == expected {
        Ok(())
    } else {
        Err(format!("expected {expected:?}"))
    }
}

fn bind_loopback() -> Step<(TcpListener, SocketAddr)> {
    let bound = TcpListener::bind("127.0.0.1:0").and_then(|listener| {
        let address = listener.local_addr()?;
        Ok((listener, address))
    });
    bound.map_err(|e| format!("bind: {e}"))
}

/// A relay for one client: what the client sends goes on to the server
/// in pieces of `PIECE` bytes, `GAP` apart (and after `pace` says so);
/// what the server sends comes back as it is.
struct Relay {
    address: SocketAddr,
    thread: thread::JoinHandle<Step>,
}

impl Relay {
    fn start(
        server: SocketAddr,
        log: &Log,
        mut pace: impl FnMut(&[u8]) -> Step + Send + 'static,
    ) -> Step<Relay> {
        let (listener, address) = bind_loopback()?;
        let log = log.labelled("relay");
        let thread = thread::spawn(move || {
            let client = accept_within(&listener)?;
            let upstream = TcpStream::connect_timeout(&server, WAIT)
                .map_err(|e| format!("relay connect: {e}"))?;
            for stream in [&client, &upstream] {
                stream
                    .set_read_timeout(Some(WAIT))
                    .and_then(|()| stream.set_write_timeout(Some(WAIT)))
                    .map_err(|e| e.to_string())?;
            }
            let back = copy_back(&upstream, &client)?;
            let mut buffer = [0u8; 1024];
            loop {
                let n = (&client)
                    .read(&mut buffer)
                    .map_err(|e| format!("relay read: {e}"))?;
                if n == 0 {
                    let _ = upstream.shutdown(Shutdown::Write);
                    break;
                }
                for piece in buffer[..n].chunks(PIECE) {
                    thread::sleep(GAP);
                    let text = String::from_utf8_lossy(piece);
                    log.say(format_args!("-> {text:?}"));
                    (&upstream)
                        .write_all(piece)
                        .map_err(|e| format!("relay write: {e}"))?;
                    pace(piece)?;
                }
            }
            back.join().map_err(|_| "relay thread panicked".to_string())
        });
        Ok(Relay { address, thread })
    }

    fn join(self) -> Step {
        self.thread
            .join()
            .map_err(|_| "the relay panicked".to_string())?
    }
}

/// Copies the server's bytes back to the client, on a thread.
fn copy_back(
    upstream: &TcpStream,
    client: &TcpStream,
) -> Step<thread::JoinHandle<()>> {
    let (mut from, mut to) = upstream
        .try_clone()
        .and_then(|from| Ok((from, client.try_clone()?)))
        .map_err(|e| format!("relay: {e}"))?;
    Ok(thread::spawn(move || {
        let _ = io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    }))
}

/// Accepts one connection, waiting at most `WAIT` for it.
fn accept_within(listener: &TcpListener) -> Step<TcpStream> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("set_nonblocking: {e}"))?;
    let deadline = Instant::now() + WAIT;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).map_err(|e| e.to_string())?;
                return Ok(stream);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err("no connection to accept".into());
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("accept: {e}")),
        }
    }
}

// ---------------------------------------------------------------------
// time-wait

#[cfg(not(target_os = "linux"))]
fn time_wait(log: &Log) -> Step {
    log.labelled("demo").say(
        "this pitfall shows Linux's rules for SO_REUSEADDR; other systems \
         have rules of their own, so it only runs on Linux",
    );
    Ok(())
}

#[cfg(target_os = "linux")]
fn time_wait(log: &Log) -> Step {
    let demo = log.labelled("demo");
    demo.say(
        "round 1: the old server's listening socket does not set \
         SO_REUSEADDR",
    );
    let port = close_first(log, false)?;
    restart(log, port, false, false)?;
    restart(log, port, false, true)?;
    demo.say(
        "round 2: the old server's socket sets SO_REUSEADDR, as \
         TcpListener::bind and lesson03's listen do",
    );
    let port = close_first(log, true)?;
    restart(log, port, true, false)?;
    restart(log, port, true, true)?;
    demo.say(
        "so: SO_REUSEADDR on both the old and the new socket, or wait for \
         TIME_WAIT to end (60 s on Linux)",
    );
    Ok(())
}

/// A socket on 127.0.0.1:`port`, with or without SO_REUSEADDR, as a
/// server makes it (std's `TcpListener::bind` with it, on Unix).
#[cfg(target_os = "linux")]
fn listener(port: u16, reuse: bool) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    if reuse {
        return TcpListener::bind(address);
    }
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    socket.bind(&address.into())?;
    socket.listen(8)?;
    Ok(socket.into())
}

#[cfg(target_os = "linux")]
fn how(reuse: bool) -> &'static str {
    if reuse {
        "TcpListener::bind (SO_REUSEADDR on)"
    } else {
        "a socket2 socket (SO_REUSEADDR off)"
    }
}

/// A server that serves one client and closes the connection first,
/// then stops. Returns its port, now held by a TIME_WAIT entry.
#[cfg(target_os = "linux")]
fn close_first(log: &Log, reuse: bool) -> Step<u16> {
    let server = log.labelled("server");
    let old = listener(0, reuse).map_err(|e| format!("listen: {e}"))?;
    let address = old.local_addr().map_err(|e| e.to_string())?;
    server.say(format_args!(
        "listens on {address}, made with {}",
        how(reuse)
    ));
    let client = TcpStream::connect_timeout(&address, WAIT)
        .map_err(|e| format!("connect: {e}"))?;
    let (accepted, _) = old.accept().map_err(|e| format!("accept: {e}"))?;
    drop(accepted);
    let mut end = [0u8; 1];
    client
        .set_read_timeout(Some(WAIT))
        .map_err(|e| e.to_string())?;
    match (&client).read(&mut end) {
        Ok(0) => drop(client),
        other => return Err(format!("expected the end, got {other:?}")),
    }
    server.say(
        "served a client and closed first (its FIN went first); the client \
         closed too",
    );
    drop(old);
    server.say("stopped: closed its listening socket");
    let port = address.port();
    wait_for_time_wait(port)?;
    log.labelled("demo").say(format_args!(
        "the kernel keeps {address} in TIME-WAIT (ss -tan lists it)"
    ));
    Ok(port)
}

/// Tries to listen on `port` again, and says how it went: `old_reused`
/// says whether the old server's socket had SO_REUSEADDR.
#[cfg(target_os = "linux")]
fn restart(log: &Log, port: u16, old_reused: bool, reuse: bool) -> Step {
    let server = log.labelled("new");
    server.say(format_args!("binds 127.0.0.1:{port} with {}", how(reuse)));
    match listener(port, reuse) {
        Ok(_) => {
            server.say("listening at once");
            if !(reuse && old_reused) {
                return Err("expected \"address in use\"".into());
            }
        }
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
            let why = match (reuse, old_reused) {
                (false, _) => "the new socket does not allow reuse",
                (true, false) => "the old socket did not allow reuse",
                (true, true) => return Err(format!("unexpected: {e}")),
            };
            server.say(format_args!("{e}: {why}"));
        }
        Err(e) => return Err(format!("bind: {e}")),
    }
    Ok(())
}

/// Waits (bounded) until the kernel lists a connection from local port
/// `port` in state TIME_WAIT (06 in `/proc/net/tcp`).
#[cfg(target_os = "linux")]
fn wait_for_time_wait(port: u16) -> Step {
    let needle = format!(":{port:04X} ");
    let deadline = Instant::now() + WAIT;
    loop {
        let table = std::fs::read_to_string("/proc/net/tcp")
            .map_err(|e| format!("/proc/net/tcp: {e}"))?;
        let found = table.lines().skip(1).any(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.len() > 3
                && format!("{} ", fields[1]).ends_with(&needle)
                && fields[3] == "06"
        });
        if found {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err("no TIME-WAIT entry appeared".into());
        }
        thread::sleep(Duration::from_millis(10));
    }
}
