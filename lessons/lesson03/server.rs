//! The server: bind, listen, accept, and a thread per connection.

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::connection::{ConversationEnd, converse, describe_error};
use crate::output;

/// The tutorial's port.
pub const DEFAULT_PORT: u16 = 9999;

// ANCHOR: backlog
/// How many connections the kernel may hold ready for us before we
/// `accept` them. The tutorial asks for 5, std's `TcpListener::bind`
/// uses 128, and Linux silently caps any value at
/// `/proc/sys/net/core/somaxconn` (4096 on recent kernels). 1024 absorbs
/// a burst of hundreds of clients arriving at once.
pub const BACKLOG: i32 = 1024;
// ANCHOR_END: backlog

/// How long a client may stay silent before we close its connection.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the server's log lines go: stdout in the binary, a list in the
/// tests. Shared by every connection's thread, hence `Send + Sync`.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

/// A log that prints each line to stdout. Not `println!`, which panics
/// when stdout is gone (say, piped into `head` that has exited): the
/// panic would end only the connection's thread, and the server would go
/// on serving with nobody reading its log. [`output::say`] ends the whole
/// process quietly instead (exit status 0; see [`crate::output`]).
pub fn stdout_log() -> Logger {
    Arc::new(|line: &str| output::say(line))
}

/// Who handles accepted connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// A new thread for each connection: the tutorial's design.
    PerClient,
    /// The accepting thread itself, one connection at a time: everyone
    /// else waits in the backlog. Only for the demo's comparison.
    OneAtATime,
}

/// How the server behaves.
#[derive(Clone)]
pub struct Config {
    /// Simulated work per message (the tutorial's `time.sleep(1)`).
    pub pause: Duration,
    /// Close a connection after this long without a message.
    pub idle_timeout: Duration,
    /// Where the log lines go.
    pub log: Logger,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pause: Duration::ZERO,
            idle_timeout: IDLE_TIMEOUT,
            log: stdout_log(),
        }
    }
}

// ANCHOR: listen
/// Creates a TCP socket, binds it to `addr` and starts listening with
/// our own `backlog`. `socket2` exposes the steps that std's
/// `TcpListener::bind` does in one go (socket, setsockopt, bind, listen).
pub fn listen(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let domain = Domain::for_address(addr);
    let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
    // Lets a restarted server bind again at once, even while connections
    // of its previous run linger in TIME_WAIT. Unix only, as std does:
    // on Windows the same option lets a second server take over a port
    // that is in use.
    if cfg!(unix) {
        socket.set_reuse_address(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}
// ANCHOR_END: listen

/// Why `listen` failed, in one line that says what to do: `program`
/// is the binary (`lesson03`), whose server may be the one in the way.
pub fn listen_error(
    addr: SocketAddr,
    error: &io::Error,
    program: &str,
) -> String {
    match error.kind() {
        io::ErrorKind::AddrInUse => format!(
            "{addr} is already in use (another {program} server? \
             try --port 0 for any free port)"
        ),
        io::ErrorKind::PermissionDenied => format!(
            "cannot listen on {addr}: {error}: {}",
            permission_hint(addr.port())
        ),
        _ => format!("cannot listen on {addr}: {error}"),
    }
}

/// Why a port may be refused to us, on this system.
fn permission_hint(port: u16) -> String {
    #[cfg(target_os = "linux")]
    {
        let path = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
        let start = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.trim().parse::<u16>().ok());
        if start.is_some_and(|start| port < start)
            || start.is_none() && port < 1024
        {
            let start = start.unwrap_or(1024);
            return format!(
                "on Linux, ports below {start} need root or \
                 CAP_NET_BIND_SERVICE; try a port from {start} up, or --port 0"
            );
        }
    }
    let _ = port;
    "this system does not let this program use that port; try --port 0".into()
}

/// Runs the server forever on `listener`, as `threads` says.
pub fn serve(listener: TcpListener, config: Config, threads: Threads) -> ! {
    match threads {
        Threads::PerClient => serve_threaded(listener, config),
        Threads::OneAtATime => serve_one_at_a_time(listener, config),
    }
}

/// The tutorial's server: a thread per connection.
pub fn serve_threaded(listener: TcpListener, config: Config) -> ! {
    let log = config.log.clone();
    let handler = move |stream, peer| handle(stream, peer, &config);
    accept_loop(listener, log, handler)
}

// ANCHOR: one_at_a_time
/// The server without threads: while it talks to one client, the next
/// ones wait in the listen queue.
pub fn serve_one_at_a_time(listener: TcpListener, config: Config) -> ! {
    (config.log)("Waiting for connection...");
    loop {
        let (stream, peer) = accept(&listener, &config.log);
        handle(stream, peer, &config);
    }
}
// ANCHOR_END: one_at_a_time

// ANCHOR: accept_loop
/// Accepts connections forever and hands each to `handler` on a thread
/// of its own.
pub fn accept_loop<H>(listener: TcpListener, log: Logger, handler: H) -> !
where
    H: Fn(TcpStream, SocketAddr) + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    log("Waiting for connection...");
    loop {
        let (stream, peer) = accept(&listener, &log);
        hand_off(&handler, stream, peer, &log);
    }
}

/// Waits for the next connection. `accept` gives us a *new* socket for
/// it; `listener` goes on listening.
fn accept(listener: &TcpListener, log: &Logger) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept() {
            Ok(accepted) => return accepted,
            Err(error) => {
                // E.g. out of file descriptors. Not the end of the
                // server: pause a moment instead of spinning, go on.
                log(&format!("accept failed: {error}"));
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
}
// ANCHOR_END: accept_loop

// ANCHOR: spawn
/// Starts a thread for one connection. `move` gives the thread its own
/// `stream` and its own handle on the shared handler. If the thread
/// panics, only that thread ends: the accept loop never joins it.
fn hand_off<H>(
    handler: &Arc<H>,
    stream: TcpStream,
    peer: SocketAddr,
    log: &Logger,
) where
    H: Fn(TcpStream, SocketAddr) + Send + Sync + 'static,
{
    let handler = Arc::clone(handler);
    let spawned = thread::Builder::new()
        .name(format!("client {peer}"))
        .spawn(move || handler(stream, peer));
    if let Err(error) = spawned {
        // Out of threads or memory: the closure, and with it the
        // stream, is dropped, which closes this one connection.
        log(&format!("no thread for {peer} ({error}); closed it"));
    }
}
// ANCHOR_END: spawn

// ANCHOR: handle
/// One connection, start to end, with the tutorial's log lines.
pub fn handle(mut stream: TcpStream, peer: SocketAddr, config: &Config) {
    let log = &config.log;
    log(&format!("Accept new connection from {peer}..."));
    // A silent client, or one that never reads our replies, must not
    // hold its thread forever: every read and write gets a deadline.
    let idle = Some(config.idle_timeout);
    let timeouts = stream
        .set_read_timeout(idle)
        .and_then(|()| stream.set_write_timeout(idle));
    let result = timeouts.and_then(|()| {
        let note = |line: &str| log(&format!("{peer} {line}"));
        converse(&mut stream, config.pause, &note)
    });
    let how = match result {
        Ok(ConversationEnd::Exit | ConversationEnd::Closed) => String::new(),
        Ok(ConversationEnd::TooLong) => {
            discard_rest(&mut stream);
            ": message too long".to_string()
        }
        Err(e) => format!(": {}", describe_error(&e, config.idle_timeout)),
    };
    log(&format!("Connection from {peer} closed{how}."));
    // `stream` is dropped here, which closes the connected socket.
}
// ANCHOR_END: handle

// ANCHOR: discard_rest
/// Closing a socket that still has unread bytes makes the kernel send a
/// reset (RST), which throws away whatever of our error reply has not
/// left yet. So after an oversized message: send our FIN, then
/// read and throw away what is still coming, bounded in bytes and time.
fn discard_rest(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut sink = [0u8; 8192];
    let mut left: usize = 4 << 20; // 4 MiB at most
    while left > 0 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}
// ANCHOR_END: discard_rest

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind;

    /// A second server on a port in use must fail with "in use" (the
    /// binary then says so), never share the port.
    #[test]
    fn a_port_in_use_is_refused() {
        let first = listen(([127, 0, 0, 1], 0).into(), BACKLOG).unwrap();
        let taken = first.local_addr().unwrap();
        let second = listen(taken, BACKLOG).map(|_| ());
        assert_eq!(second.map_err(|e| e.kind()), Err(ErrorKind::AddrInUse));
    }
}
