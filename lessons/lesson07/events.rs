//! Design 2: one thread, an event loop on readiness (mio).
//!
//! Every socket is non-blocking: a `read` with nothing to read, or a
//! `write` into a full send buffer, returns `WouldBlock` at once instead
//! of waiting. One thread asks the kernel which sockets are ready
//! (`Poll::poll`: epoll on Linux, kqueue on macOS, IOCP on Windows),
//! handles those, and asks again. A connection is no longer a thread
//! with a stack; it is a small struct:
//!
//! - a line reader: lesson04's `LineReader`, unchanged. It was written to
//!   keep half a line across a read that returns no data, which is all a
//!   non-blocking socket needs;
//! - an outbox: replies written but not yet taken by the kernel;
//! - where the conversation is (talking, finishing, waiting for the
//!   client's FIN) and when it must end by.
//!
//! Readiness from mio is edge-triggered: an event says "something
//! changed", once. A handler must read until `WouldBlock`, or the rest
//! waits for an event that never comes.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io::{self, BufReader, Read, Write};
use std::net::{self, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use crate::lesson04::ending::{Ending, ErrorClass, classify};
use crate::lesson04::lines::{LineError, LineReader};
use crate::lesson04::log::Log;
use crate::lesson04::server::{Config, Reply, Summary, reply_to};

use super::stop::Stop;

/// The listening socket's token, and the waker's (Ctrl+C).
const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);

/// A client that sends faster than it reads is not read from while this
/// many reply bytes wait for it: its memory stays bounded.
const OUTBOX_LIMIT: usize = 64 * 1024;
/// Each connection's read buffer. Small: ten thousand of them add up.
const READ_BUFFER: usize = 256;
/// Connections accepted per turn of the loop, so that a burst of new
/// clients does not keep the old ones waiting.
const ACCEPTS_PER_TURN: usize = 256;

/// A bound event-loop server, ready to `run`.
pub struct Server {
    poll: Poll,
    listener: TcpListener,
    local: SocketAddr,
    config: Config,
    log: Log,
    waker: Arc<Waker>,
    requested: Arc<AtomicBool>,
}

impl Server {
    pub fn bind(
        address: SocketAddr,
        config: Config,
        log: Log,
    ) -> io::Result<Server> {
        let poll = Poll::new()?;
        // lesson03's listening socket, with its backlog, made non-blocking.
        let listener = crate::lesson03::server::listen(
            address,
            crate::lesson04::server::BACKLOG,
        )?;
        listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(listener);
        let local = listener.local_addr()?;
        poll.registry().register(
            &mut listener,
            LISTENER,
            Interest::READABLE,
        )?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        log.say(format_args!("listening on {local}"));
        Ok(Server {
            poll,
            listener,
            local,
            config,
            log,
            waker,
            requested: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The handle a signal handler uses to stop this server: a flag, and
    /// a `Waker` that makes `poll` return.
    pub fn stop_handle(&self) -> Stop {
        Stop::Wake {
            requested: Arc::clone(&self.requested),
            waker: Arc::clone(&self.waker),
        }
    }

    /// Runs the loop until shutdown is requested and every connection
    /// has said goodbye (or the grace period is over).
    pub fn run(self) -> Summary {
        let mut event_loop = EventLoop {
            poll: self.poll,
            listener: Some(self.listener),
            config: self.config,
            log: self.log,
            requested: self.requested,
            connections: HashMap::new(),
            timers: BinaryHeap::new(),
            next_token: 2,
            accepted: 0,
            accept_at: None,
            stop_by: None,
        };
        event_loop
            .log
            .say("one thread, waiting for readiness events");
        event_loop.run();
        Summary {
            accepted: event_loop.accepted,
        }
    }
}

/// Everything the loop owns.
struct EventLoop {
    poll: Poll,
    /// `None` once shutdown has begun.
    listener: Option<TcpListener>,
    config: Config,
    log: Log,
    requested: Arc<AtomicBool>,
    connections: HashMap<Token, Connection>,
    /// When each connection must be looked at again (idle, closing).
    /// An entry may be stale: the connection's real deadline is checked
    /// when it comes up.
    timers: BinaryHeap<Reverse<(Instant, Token)>>,
    /// Tokens are never reused: a stale timer cannot hit a newcomer.
    next_token: usize,
    accepted: u64,
    /// When to accept again without waiting for an event: clients may
    /// still be queued (a full turn's worth was taken, or accept failed).
    accept_at: Option<Instant>,
    /// Set at shutdown: the loop ends by then, whatever is left.
    stop_by: Option<Instant>,
}

impl EventLoop {
    // ANCHOR: loop
    fn run(&mut self) {
        let mut events = Events::with_capacity(1024);
        loop {
            let timeout = self.next_timeout();
            if let Err(error) = self.poll.poll(&mut events, timeout) {
                if error.kind() == io::ErrorKind::Interrupted {
                    continue; // a signal arrived: just ask again
                }
                self.log.say(format_args!("poll failed: {error}"));
                return;
            }
            for event in events.iter() {
                match event.token() {
                    // New clients wait in the listen queue: take them
                    // once the connections with events had their turn.
                    LISTENER => self.accept_at = Some(Instant::now()),
                    WAKER => {} // only woke us: the flag is read below
                    token => self.step(token),
                }
            }
            if self.accept_at.is_some_and(|at| at <= Instant::now()) {
                self.accept();
            }
            self.fire_timers();
            if self.requested.load(Ordering::SeqCst) {
                self.begin_shutdown();
            }
            if self.finished() {
                return;
            }
        }
    }
    // ANCHOR_END: loop

    // ANCHOR: next_timeout
    /// How long `poll` may sleep: until the earliest thing that is due
    /// without an event (a timer, more accepting, the end of shutdown).
    /// `None`: until an event comes, however long that takes.
    fn next_timeout(&self) -> Option<Duration> {
        let next_timer = self.timers.peek().map(|Reverse((at, _))| *at);
        let due = [next_timer, self.accept_at, self.stop_by];
        let earliest = due.into_iter().flatten().min()?;
        Some(earliest.saturating_duration_since(Instant::now()))
    }
    // ANCHOR_END: next_timeout

    // ANCHOR: accept
    /// Accepts the waiting connections (at most `ACCEPTS_PER_TURN`).
    fn accept(&mut self) {
        self.accept_at = None;
        for _ in 0..ACCEPTS_PER_TURN {
            let Some(listener) = &self.listener else {
                return; // shutting down
            };
            let (stream, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    return; // none left: the next one brings an event
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {
                    continue;
                }
                Err(error) => {
                    // E.g. out of file descriptors. The clients are still
                    // queued, and no new event will say so: try again in
                    // 100 ms (perhaps a connection has closed by then).
                    self.log.say(format_args!("accept failed: {error}"));
                    let later = Instant::now() + Duration::from_millis(100);
                    self.accept_at = Some(later);
                    return;
                }
            };
            self.accepted += 1;
            let id = self.accepted;
            self.log.say(format_args!("#{id} {peer} connected"));
            self.open(stream, id);
        }
        // A full turn's worth: there may be more, and no new event will
        // say so (edge-triggered). Come back after the others had a turn.
        self.accept_at = Some(Instant::now());
    }

    /// Registers a new connection, welcomes it, and starts its idle clock.
    fn open(&mut self, mut stream: TcpStream, id: u64) {
        let token = Token(self.next_token);
        self.next_token += 1;
        let interest = Interest::READABLE | Interest::WRITABLE;
        if let Err(error) =
            self.poll.registry().register(&mut stream, token, interest)
        {
            self.log.say(format_args!("#{id} cannot register: {error}"));
            return; // dropping the stream closes it
        }
        let connection = Connection::new(id, stream, &self.config);
        self.timers.push(Reverse((connection.deadline(), token)));
        self.connections.insert(token, connection);
        self.step(token);
    }
    // ANCHOR_END: accept

    /// Lets one connection do all it can now; forgets it once it is done.
    fn step(&mut self, token: Token) {
        let Some(connection) = self.connections.get_mut(&token) else {
            return; // already closed; a late event
        };
        let before = connection.deadline();
        let done = connection.step(&self.config, &self.log);
        if done {
            self.connections.remove(&token);
            return;
        }
        // A conversation that just ended has an earlier deadline.
        if connection.deadline() < before {
            self.timers.push(Reverse((connection.deadline(), token)));
        }
    }

    // ANCHOR: timers
    /// Handles every timer that is due: an idle client gets its
    /// farewell; a closing one that took too long is dropped.
    fn fire_timers(&mut self) {
        let now = Instant::now();
        while let Some(Reverse((at, token))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            let Some(connection) = self.connections.get_mut(&token) else {
                continue; // closed already: a stale timer
            };
            let deadline = connection.deadline();
            if deadline > now {
                // It heard from the client since: look again later.
                self.timers.push(Reverse((deadline, token)));
                continue;
            }
            if connection.is_talking() {
                let idle = Ending::Idle(self.config.idle_timeout);
                connection.end(idle, &self.config, &self.log);
                self.timers.push(Reverse((connection.deadline(), token)));
                self.step(token);
            } else {
                // Its farewell or its FIN never got through: give up.
                self.connections.remove(&token);
            }
        }
    }
    // ANCHOR_END: timers

    // ANCHOR: shutdown
    /// Stops accepting, answers what each client already sent, and
    /// says goodbye to everyone.
    fn begin_shutdown(&mut self) {
        if self.stop_by.is_some() {
            return; // begun already
        }
        // Dropping the listener closes it: a connect is refused now.
        self.listener = None;
        self.accept_at = None;
        self.log
            .say("shutdown requested: no longer accepting connections");
        let grace = self.config.grace;
        self.log.say(format_args!(
            "telling {} open connection(s) goodbye (grace period {grace:?})",
            self.connections.len()
        ));
        self.stop_by = Some(Instant::now() + grace + self.config.write_timeout);
        let tokens: Vec<Token> = self.connections.keys().copied().collect();
        for token in tokens {
            if let Some(connection) = self.connections.get_mut(&token) {
                connection.shut_down(&self.config, &self.log);
            }
            self.step(token);
        }
    }

    /// True once shutdown has begun and nobody is left (or time is up).
    fn finished(&mut self) -> bool {
        let Some(stop_by) = self.stop_by else {
            return false;
        };
        if self.connections.is_empty() || Instant::now() >= stop_by {
            self.log.say(format_args!(
                "stopped: {} connection(s) served, one thread",
                self.accepted
            ));
            return true;
        }
        false
    }
    // ANCHOR_END: shutdown
}

// ANCHOR: connection
/// One client's conversation: a small state machine.
struct Connection {
    id: u64,
    lines: LineReader<BufReader<TcpStream>>,
    /// Bytes of our replies the kernel has not taken yet.
    outbox: Vec<u8>,
    last_heard: Instant,
    /// A client silent this long is told goodbye.
    idle_timeout: Duration,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading lines and answering them.
    Talking,
    /// The conversation is over: send what is in the outbox, then close
    /// gracefully (our FIN, then wait for the client's) or at once.
    Finishing { graceful: bool, by: Instant },
    /// Our FIN is sent; reading (and dropping) until the client's FIN.
    Draining { by: Instant },
}
// ANCHOR_END: connection

/// What reading a connection's lines came to.
enum Reading {
    /// Everything the kernel had is read (`WouldBlock`).
    Drained,
    /// Stopped because the outbox is full: the client is not reading.
    OutboxFull,
    /// The conversation is over.
    Ended(Ending),
}

impl Connection {
    fn new(id: u64, stream: TcpStream, config: &Config) -> Connection {
        let reader = BufReader::with_capacity(READ_BUFFER, stream);
        let mut connection = Connection {
            id,
            lines: LineReader::new(reader, config.max_line),
            outbox: Vec::new(),
            last_heard: Instant::now(),
            idle_timeout: config.idle_timeout,
            state: State::Talking,
        };
        connection.queue("Welcome!");
        connection
    }

    fn stream(&self) -> &TcpStream {
        self.lines.get_ref().get_ref()
    }

    fn is_talking(&self) -> bool {
        self.state == State::Talking
    }

    /// When this connection must be looked at, if nothing else happens.
    fn deadline(&self) -> Instant {
        match self.state {
            State::Talking => self.last_heard + self.idle_timeout,
            State::Finishing { by, .. } | State::Draining { by } => by,
        }
    }

    // ANCHOR: step
    /// Does everything that can be done now without waiting. Returns
    /// true when the connection is finished and can be dropped.
    fn step(&mut self, config: &Config, log: &Log) -> bool {
        // Bounded: each round reads until the outbox is full, then stops
        // unless the kernel took some of it.
        for _ in 0..64 {
            if self.flush().is_err() {
                return true; // the client is gone; nobody to tell
            }
            if self.state != State::Talking {
                break;
            }
            match self.read_lines(log) {
                Reading::Drained => break,
                Reading::Ended(ending) => {
                    self.end(ending, config, log);
                    break;
                }
                // The client sends faster than it reads. Make room and
                // read on; if the kernel takes nothing now, wait for the
                // writable event.
                Reading::OutboxFull => {
                    if self.flush().is_err() {
                        return true;
                    }
                    if self.outbox.len() >= OUTBOX_LIMIT {
                        break;
                    }
                }
            }
        }
        if self.flush().is_err() {
            return true;
        }
        self.close_when_sent(config)
    }
    // ANCHOR_END: step

    // ANCHOR: read_lines
    /// Reads and answers every whole line that has arrived, until the
    /// socket has nothing more (`WouldBlock`).
    fn read_lines(&mut self, log: &Log) -> Reading {
        loop {
            if self.outbox.len() >= OUTBOX_LIMIT {
                return Reading::OutboxFull;
            }
            match self.lines.read_line() {
                Ok(Some(line)) => {
                    self.last_heard = Instant::now();
                    log.say(format_args!("#{} <- {line:?}", self.id));
                    match reply_to(&line) {
                        Reply::Goodbye => {
                            return Reading::Ended(Ending::SaidExit);
                        }
                        Reply::Line(text) => self.queue(&text),
                    }
                }
                Ok(None) => return Reading::Ended(Ending::ClientClosed),
                Err(LineError::TooLong { limit }) => {
                    return Reading::Ended(Ending::LineTooLong(limit));
                }
                Err(LineError::NotUtf8) => {
                    self.last_heard = Instant::now();
                    log.say(format_args!(
                        "#{} <- a line that is not UTF-8 text",
                        self.id
                    ));
                    self.queue(
                        "error: that line is not UTF-8 text; send UTF-8.",
                    );
                }
                Err(LineError::Io(error)) => match classify(&error) {
                    // Nothing more to read for now: wait for an event.
                    ErrorClass::Timeout => return Reading::Drained,
                    ErrorClass::Interrupted => continue,
                    _ => return Reading::Ended(Ending::from_error(&error)),
                },
            }
        }
    }
    // ANCHOR_END: read_lines

    // ANCHOR: flush
    /// Writes as much of the outbox as the kernel takes now. A partial
    /// write is normal: the rest waits for the next writable event.
    fn flush(&mut self) -> io::Result<()> {
        while !self.outbox.is_empty() {
            let written = (&mut self.stream()).write(&self.outbox);
            match written {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => {
                    self.outbox.drain(..written);
                }
                Err(error) => match classify(&error) {
                    ErrorClass::Timeout => return Ok(()), // buffer full
                    ErrorClass::Interrupted => continue,
                    _ => return Err(error),
                },
            }
        }
        Ok(())
    }
    // ANCHOR_END: flush

    /// Queues one line, `\n` included.
    fn queue(&mut self, text: &str) {
        self.outbox.extend_from_slice(text.as_bytes());
        self.outbox.push(b'\n');
    }

    // ANCHOR: end
    /// The conversation is over: log why, queue the farewell, and start
    /// the clock for closing.
    fn end(&mut self, ending: Ending, config: &Config, log: &Log) {
        log.say(format_args!("#{} {}", self.id, ending.describe()));
        if let Some(text) = ending.farewell() {
            self.queue(&text);
        }
        let graceful = ending.closes_gracefully();
        let by = Instant::now() + config.write_timeout + config.grace;
        self.state = State::Finishing { graceful, by };
    }
    // ANCHOR_END: end

    /// The server is stopping: answer the lines already here, then the
    /// farewell. (An ending found while reading them comes first.)
    fn shut_down(&mut self, config: &Config, log: &Log) {
        if self.state != State::Talking {
            return;
        }
        let ending = match self.read_lines(log) {
            Reading::Ended(ending) => ending,
            Reading::Drained | Reading::OutboxFull => Ending::ServerShutdown,
        };
        self.end(ending, config, log);
    }

    // ANCHOR: close
    /// Once the outbox is empty: our FIN (a graceful close), then read
    /// until the client's FIN, for the grace period at most. Returns true
    /// when there is nothing left.
    fn close_when_sent(&mut self, config: &Config) -> bool {
        match self.state {
            State::Talking => false,
            State::Finishing { .. } if !self.outbox.is_empty() => false,
            State::Finishing {
                graceful: false, ..
            } => true,
            State::Finishing { graceful: true, by } => {
                if self.stream().shutdown(net::Shutdown::Write).is_err() {
                    return true;
                }
                // The write timeout was for sending; from our FIN on,
                // the client has the grace period, as in lesson04.
                let by = by.min(Instant::now() + config.grace);
                self.state = State::Draining { by };
                self.drain()
            }
            State::Draining { .. } => self.drain(),
        }
    }
    // ANCHOR_END: close

    /// Reads and drops what the client still sends. Closing with unread
    /// data would send RST, and could destroy our last line in flight.
    fn drain(&mut self) -> bool {
        let mut scratch = [0u8; 1024];
        for _ in 0..64 {
            let read = (&mut self.stream()).read(&mut scratch);
            match read {
                Ok(0) => return true, // the client's FIN: both sides done
                Ok(_) => continue,
                Err(error) => match classify(&error) {
                    ErrorClass::Timeout => return false, // wait for more
                    ErrorClass::Interrupted => continue,
                    _ => return true,
                },
            }
        }
        false
    }
}
