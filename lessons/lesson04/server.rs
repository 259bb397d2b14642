//! The newline-framed greeting server, with every ending handled.
//!
//! One thread per client, as in lesson03. What is new is how things end:
//! `exit`, a client that closes or vanishes, one that goes silent, a line
//! that never ends, and the server itself being asked to stop.

use std::io::{self, BufReader, Read, Write};
use std::net::{self, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::ending::{Ending, ErrorClass, classify};
use super::lines::{LineError, LineReader, MAX_LINE};
use super::log::Log;
use super::shutdown::Shutdown;

// ANCHOR: config
/// The server's limits and timings.
#[derive(Debug, Clone)]
pub struct Config {
    /// A client silent this long is disconnected.
    pub idle_timeout: Duration,
    /// The longest line accepted (see `lines::MAX_LINE`).
    pub max_line: usize,
    /// How long a closing connection waits for the client's side to
    /// close too, before closing anyway.
    pub grace: Duration,
    /// How often a connection thread blocked in `read` wakes up to look
    /// at the clock and at the shutdown flag.
    pub tick: Duration,
    /// A client that stops reading cannot block us longer than this.
    pub write_timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            idle_timeout: Duration::from_secs(30),
            max_line: MAX_LINE,
            grace: Duration::from_secs(1),
            tick: Duration::from_millis(100),
            write_timeout: Duration::from_secs(2),
        }
    }
}
// ANCHOR_END: config

/// What the server answers one line with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Send this line and keep going.
    Line(String),
    /// The client said `exit`: end the conversation.
    Goodbye,
}

pub fn reply_to(line: &str) -> Reply {
    match line {
        "exit" => Reply::Goodbye,
        "" => Reply::Line("Send a name, or exit to leave.".into()),
        name => Reply::Line(format!("Hello, {name}!")),
    }
}

/// A bound server, ready to `run`.
pub struct Server {
    listener: TcpListener,
    local: SocketAddr,
    config: Arc<Config>,
    log: Log,
    shutdown: Shutdown,
    open: Arc<AtomicUsize>,
}

// ANCHOR: backlog
/// The listen backlog: lesson03's 1024, chosen with `socket2`. std's
/// `TcpListener::bind` asks for 128, and a burst of a thousand clients
/// then waits on SYN retransmissions (chapter 3, "The backlog").
pub const BACKLOG: i32 = crate::lesson03::server::BACKLOG;
// ANCHOR_END: backlog

impl Server {
    /// Binds the listening socket and logs where it listens.
    pub fn bind(
        address: SocketAddr,
        config: Config,
        log: Log,
    ) -> io::Result<Server> {
        let listener = crate::lesson03::server::listen(address, BACKLOG)?;
        let local = listener.local_addr()?;
        log.say(format_args!("listening on {local}"));
        Ok(Server {
            listener,
            local,
            config: Arc::new(config),
            log,
            shutdown: Shutdown::new(local),
            open: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Where it listens (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The handle a signal handler uses to stop this server.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// How many conversations are going on right now.
    pub fn open_connections(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.open)
    }

    // ANCHOR: run
    /// Serves until shutdown is requested, then says goodbye to every
    /// open connection and waits for all of their threads.
    pub fn run(self) -> Summary {
        let closing = Arc::new(AtomicBool::new(false));
        let mut workers: Vec<JoinHandle<()>> = Vec::new();
        let mut accepted = 0;
        loop {
            let connection = self.listener.accept();
            // Woken by a client, or by our own shutdown knock.
            if self.shutdown.is_requested() {
                break;
            }
            match connection {
                Ok((stream, peer)) => {
                    accepted += 1;
                    let worker = self.spawn(stream, peer, accepted, &closing);
                    workers.extend(worker);
                }
                Err(error) => {
                    // E.g. out of file descriptors: say so, pause, go on.
                    self.log.say(format_args!("accept failed: {error}"));
                    thread::sleep(Duration::from_millis(100));
                }
            }
            workers.retain(|worker| !worker.is_finished());
        }
        // Closing the listening socket: from now on a connect is refused.
        drop(self.listener);
        self.log
            .say("shutdown requested: no longer accepting connections");
        let open = self.open.load(Ordering::SeqCst);
        self.log.say(format_args!(
            "telling {open} open connection(s) goodbye (grace period {:?})",
            self.config.grace
        ));
        closing.store(true, Ordering::SeqCst);
        for worker in workers {
            // A panic was caught and logged inside the thread already.
            let _ = worker.join();
        }
        self.log.say(format_args!(
            "stopped: {accepted} connection(s) served, all threads joined"
        ));
        Summary { accepted }
    }
    // ANCHOR_END: run

    /// Starts the thread for one connection.
    fn spawn(
        &self,
        stream: TcpStream,
        peer: SocketAddr,
        id: u64,
        closing: &Arc<AtomicBool>,
    ) -> Option<JoinHandle<()>> {
        let config = Arc::clone(&self.config);
        let log = self.log.clone();
        let closing = Arc::clone(closing);
        let open = OpenGuard::new(&self.open);
        self.log.say(format_args!("#{id} {peer} connected"));
        let spawned = thread::Builder::new()
            .name(format!("connection-{id}"))
            .spawn(move || {
                let _open = open;
                converse_with(stream, id, config, log, closing);
            });
        match spawned {
            Ok(handle) => Some(handle),
            Err(error) => {
                // The closure, and the socket in it, were dropped.
                self.log
                    .say(format_args!("#{id} no thread ({error}): closed"));
                None
            }
        }
    }
}

/// What `Server::run` reports when it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Connections accepted, the shutdown knock not counted.
    pub accepted: u64,
}

/// Has one whole conversation with a connected client on this thread:
/// welcome, replies, and the ending. `closing` is set once the server
/// stops accepting. A panic inside is caught and logged, so that a bug
/// in one conversation ends that conversation only. (lesson07's thread
/// pool runs this same function on its workers.)
pub fn converse_with(
    stream: TcpStream,
    id: u64,
    config: Arc<Config>,
    log: Log,
    closing: Arc<AtomicBool>,
) {
    let connection = Connection {
        id,
        stream,
        config,
        log: log.clone(),
        closing,
    };
    let served = panic::catch_unwind(AssertUnwindSafe(|| {
        connection.serve();
    }));
    if served.is_err() {
        log.say(format_args!("#{id} panicked; connection closed"));
    }
}

/// Counts a connection as open from creation until dropped, even if the
/// connection's thread panics.
struct OpenGuard(Arc<AtomicUsize>);

impl OpenGuard {
    fn new(open: &Arc<AtomicUsize>) -> OpenGuard {
        open.fetch_add(1, Ordering::SeqCst);
        OpenGuard(Arc::clone(open))
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One client's conversation, owned by its thread.
struct Connection {
    id: u64,
    stream: TcpStream,
    config: Arc<Config>,
    log: Log,
    /// Set by the main thread once it has stopped accepting.
    closing: Arc<AtomicBool>,
}

type Lines<'a> = LineReader<BufReader<&'a TcpStream>>;

impl Connection {
    fn serve(self) {
        let ending = match self.prepare() {
            Ok(()) => {
                let mut lines = LineReader::new(
                    BufReader::new(&self.stream),
                    self.config.max_line,
                );
                self.converse(&mut lines)
            }
            Err(error) => Ending::from_error(&error),
        };
        // Log first, then act: once the client has our last line it may
        // print its own, and the log should already tell why.
        self.say(ending.describe());
        self.finish(&ending);
    }

    fn prepare(&self) -> io::Result<()> {
        // `read` wakes up every tick, so this thread can notice the
        // shutdown flag and count how long the client has been silent.
        let tick = self.config.tick.min(self.config.idle_timeout);
        self.stream.set_read_timeout(Some(tick))?;
        self.stream
            .set_write_timeout(Some(self.config.write_timeout))?;
        self.send("Welcome!")
    }

    // ANCHOR: converse
    /// Answers lines until the conversation ends, and says why it ended.
    fn converse(&self, lines: &mut Lines<'_>) -> Ending {
        let mut last_heard = Instant::now();
        loop {
            if self.closing.load(Ordering::SeqCst) {
                return self.answer_what_is_owed(lines);
            }
            match lines.read_line() {
                Ok(Some(line)) => {
                    last_heard = Instant::now();
                    if let Some(ending) = self.answer(&line) {
                        return ending;
                    }
                }
                Ok(None) => return Ending::ClientClosed,
                Err(LineError::TooLong { limit }) => {
                    return Ending::LineTooLong(limit);
                }
                Err(LineError::NotUtf8) => {
                    last_heard = Instant::now();
                    if let Err(error) = self.reject_non_utf8() {
                        return Ending::from_error(&error);
                    }
                }
                Err(LineError::Io(error)) => match classify(&error) {
                    // A tick passed in silence: check the idle clock.
                    ErrorClass::Timeout | ErrorClass::Interrupted => {
                        let idle = self.config.idle_timeout;
                        if last_heard.elapsed() >= idle {
                            return Ending::Idle(idle);
                        }
                    }
                    _ => return Ending::from_error(&error),
                },
            }
        }
    }
    // ANCHOR_END: converse

    /// Replies to one line; `Some` if that ends the conversation.
    fn answer(&self, line: &str) -> Option<Ending> {
        self.say(format_args!("<- {line:?}"));
        match reply_to(line) {
            Reply::Goodbye => Some(Ending::SaidExit),
            Reply::Line(text) => match self.send(&text) {
                Ok(()) => None,
                Err(error) => Some(Ending::from_error(&error)),
            },
        }
    }

    /// A line that is not text gets a clear reply; the client may go on.
    fn reject_non_utf8(&self) -> io::Result<()> {
        self.say("<- a line that is not UTF-8 text");
        self.send("error: that line is not UTF-8 text; send UTF-8.")
    }

    // ANCHOR: owed
    /// The server is closing. Lines the client sent before that are owed
    /// a reply: answer every one already here, without waiting for more.
    fn answer_what_is_owed(&self, lines: &mut Lines<'_>) -> Ending {
        // A tiny timeout: a read returns what is already in the buffer
        // at once, and gives up almost at once when it is empty.
        let quick = Some(Duration::from_millis(1));
        if let Err(error) = self.stream.set_read_timeout(quick) {
            return Ending::from_error(&error);
        }
        let deadline = Instant::now() + self.config.grace;
        while Instant::now() < deadline {
            match lines.read_line() {
                Ok(Some(line)) => {
                    if let Some(ending) = self.answer(&line) {
                        return ending;
                    }
                }
                Err(LineError::TooLong { limit }) => {
                    return Ending::LineTooLong(limit);
                }
                Err(LineError::NotUtf8) => {
                    if let Err(error) = self.reject_non_utf8() {
                        return Ending::from_error(&error);
                    }
                }
                Err(LineError::Io(error)) => match classify(&error) {
                    ErrorClass::Timeout | ErrorClass::Interrupted => break,
                    _ => return Ending::from_error(&error),
                },
                // The client closed its side; it may still be reading.
                Ok(None) => break,
            }
        }
        Ending::ServerShutdown
    }
    // ANCHOR_END: owed

    // ANCHOR: finish
    /// Sends the last line this ending calls for, then closes.
    fn finish(&self, ending: &Ending) {
        if let Some(text) = ending.farewell() {
            // If this fails the client is gone: nothing left to do.
            let _ = self.send(&text);
        }
        if ending.closes_gracefully() {
            self.close_gracefully();
        }
        // The socket itself is closed when `self` is dropped.
    }

    /// Sends our FIN, then reads (and drops) whatever the client still
    /// sends until its FIN arrives or the grace period ends. Closing a
    /// socket with unread data makes the kernel send RST instead of FIN,
    /// which throws away whatever of our last line has not left yet.
    fn close_gracefully(&self) {
        let _ = self.stream.shutdown(net::Shutdown::Write);
        let deadline = Instant::now() + self.config.grace;
        let mut scratch = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            if self.stream.set_read_timeout(Some(left)).is_err() {
                return;
            }
            match (&self.stream).read(&mut scratch) {
                Ok(0) => return, // the client's FIN: both sides done
                Ok(_) => continue,
                Err(error) if classify(&error) == ErrorClass::Interrupted => {}
                Err(_) => return,
            }
        }
    }
    // ANCHOR_END: finish

    /// Writes one line, `\n` included, in a single write.
    fn send(&self, text: &str) -> io::Result<()> {
        (&self.stream).write_all(format!("{text}\n").as_bytes())
    }

    fn say(&self, text: impl std::fmt::Display) {
        self.log.say(format_args!("#{} {text}", self.id));
    }
}
