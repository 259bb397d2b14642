//! A load generator: thousands of clients, driven by one thread.
//!
//! A thread per simulated client would measure our own threads as much as
//! the server. Here one thread holds every connection and asks the
//! operating system which of them have something to read (`mio::Poll`:
//! epoll on Linux, kqueue on macOS, IOCP on Windows). A client is then
//! just a small struct that remembers where its conversation is.
//!
//! Each talking client behaves like lesson04's: connect, read the
//! welcome, send a name and wait for its reply before sending the next,
//! then `exit` and wait for `Goodbye!`. Nothing is sent ahead of time.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// What to throw at the server.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Talking clients.
    pub clients: usize,
    /// Extra clients that connect first, read the first line, then say
    /// nothing until the end of the run.
    pub silent: usize,
    /// Names each talking client sends, one at a time, waiting for each
    /// reply.
    pub messages: usize,
    /// Talking clients stay connected after their last reply until ALL
    /// talking clients are done, then send `exit`: every connection is
    /// open at the same time.
    pub hold: bool,
    /// The whole run ends by then; clients not done count as failed.
    pub limit: Duration,
}

/// What the run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Talking clients that got the welcome, every right reply, and
    /// `Goodbye!`.
    pub served: usize,
    /// Talking clients told `busy, try again later`.
    pub busy: usize,
    /// Talking clients refused, reset, closed early, answered wrongly,
    /// or not done at the limit.
    pub failed: usize,
    /// Silent clients the server closed (idle timeout, busy, ...) or
    /// never let in, before the end of the run.
    pub silent_closed: usize,
    /// From the first talking connect until the last talking client
    /// finished.
    pub elapsed: Duration,
    /// Each name sent -> its reply.
    pub round_trips: Vec<Duration>,
    /// The most client connections open at once.
    pub peak_open: usize,
}

/// How the server marks where a message ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// lesson04's: every message is a line ending in `\n`.
    Lines,
    /// The tutorial's: no marker at all. One read is taken as one whole
    /// message (true enough when one message is in flight at a time),
    /// the greeting is `Hello,NAME!`, and `exit` gets no reply: the
    /// server just closes.
    Tutorial,
}

/// The line a busy server sends instead of its welcome (the pool's).
pub use super::pool::BUSY;

/// At most this many connects in flight (started, first line not yet
/// read). Starting 10,000 at once overflows the server's listen queue:
/// some handshakes are dropped and retried a second later, and some
/// clients even end up connected on their side only, waiting for a
/// welcome that never comes. Measured on Linux against lesson04 (listen
/// backlog 1024): all 10,000 at once, 1,154 never welcomed in 90 s;
/// 4,096 at once, all served in 4.8 s; 16 to 1,024, all in about 2 s.
pub const MAX_CONNECTING: usize = 256;

/// A reply longer than this is a broken server, not a slow one.
const MAX_LINE: usize = 1024;

/// After its `Goodbye!` a client waits for the server to close first (so
/// the server, not us, keeps the TIME_WAIT), but not longer than this.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The talking clients wait for every silent one to read its first line,
/// but not longer than this after the last silent connect started: a
/// server may keep a client waiting, unwelcomed, in a queue.
pub const SILENT_SETTLE: Duration = Duration::from_secs(2);

/// How long one `poll` may sleep: the clocks are checked this often.
const TICK: Duration = Duration::from_millis(50);

/// Runs `plan` against the lesson04-style server at `addr`.
pub fn run(addr: SocketAddr, plan: &Plan) -> io::Result<Report> {
    run_with(addr, plan, Framing::Lines)
}

/// Runs `plan` against a server that frames its messages as `framing`
/// says (silent clients make sense with `Framing::Lines` only).
pub fn run_with(
    addr: SocketAddr,
    plan: &Plan,
    framing: Framing,
) -> io::Result<Report> {
    check_fd_limit(plan.clients + plan.silent)?;
    let mut load = Load::new(addr, plan, framing)?;
    load.drive()?;
    Ok(load.finish())
}

/// Who a client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Silent,
    Talking,
}

/// Where a client is in its conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Not started yet.
    Waiting,
    /// Connecting, then waiting for the first line.
    Welcome,
    /// A name was sent at this instant; waiting for its reply.
    Reply(Instant),
    /// Every reply is in; waiting for the other clients (`hold`).
    Holding,
    /// `exit` sent; waiting for `Goodbye!`.
    Goodbye,
    /// A silent client, in, saying nothing.
    Quiet,
    /// Done; waiting for the server to close its side.
    Closing,
    /// Closed.
    Gone,
}

/// How a talking client's conversation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Served,
    Busy,
    Failed,
}

/// One simulated client: a socket and where it is.
struct Client {
    role: Role,
    /// Its number, for its names (`c17m3`: client 17, message 3).
    number: usize,
    stream: Option<TcpStream>,
    stage: Stage,
    /// Names answered so far.
    answered: usize,
    /// Bytes of a line that has not ended yet.
    partial: Vec<u8>,
}

/// The whole run: every client, the poll, and the counts.
struct Load<'a> {
    addr: SocketAddr,
    plan: &'a Plan,
    framing: Framing,
    poll: Poll,
    /// Silent clients first, then talking ones; a client's index is its
    /// token.
    clients: Vec<Client>,
    /// The next client to start.
    next: usize,
    /// Clients started whose first line has not come yet.
    connecting: usize,
    /// Silent clients that read their first line, or failed.
    silent_settled: usize,
    /// Talking clients neither finished nor holding.
    talking_busy: usize,
    /// Talking clients not finished (holding ones included).
    talking_left: usize,
    open: usize,
    started: Option<Instant>,
    /// When the last silent client started to connect.
    silent_started: Option<Instant>,
    last_finish: Option<Instant>,
    deadline: Instant,
    report: Report,
}

impl<'a> Load<'a> {
    fn new(
        addr: SocketAddr,
        plan: &'a Plan,
        framing: Framing,
    ) -> io::Result<Load<'a>> {
        let mut clients = Vec::with_capacity(plan.silent + plan.clients);
        for number in 0..plan.silent + plan.clients {
            let role = if number < plan.silent {
                Role::Silent
            } else {
                Role::Talking
            };
            clients.push(Client {
                role,
                number,
                stream: None,
                stage: Stage::Waiting,
                answered: 0,
                partial: Vec::new(),
            });
        }
        Ok(Load {
            addr,
            plan,
            framing,
            poll: Poll::new()?,
            clients,
            next: 0,
            connecting: 0,
            silent_settled: 0,
            talking_busy: plan.clients,
            talking_left: plan.clients,
            open: 0,
            started: None,
            silent_started: None,
            last_finish: None,
            deadline: Instant::now() + plan.limit,
            report: Report::default(),
        })
    }

    /// The event loop: start connects, wait for readiness, handle it.
    fn drive(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        let mut buffer = [0u8; 4096];
        // Bounded in time: the deadline ends it.
        while !self.is_over() {
            self.start_connects()?;
            let left = self.deadline.saturating_duration_since(Instant::now());
            match self.poll.poll(&mut events, Some(left.min(TICK))) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
            for event in events.iter() {
                self.on_ready(event.token().0, &mut buffer);
            }
            self.release_holders();
        }
        Ok(())
    }

    /// Everything is done, or the time is up.
    fn is_over(&self) -> bool {
        let now = Instant::now();
        if now >= self.deadline {
            return true;
        }
        if self.talking_left > 0 || !self.silent_ready() {
            return false;
        }
        // Finished clients still waiting for the server to close.
        let closing = self.clients.iter().any(|c| c.stage == Stage::Closing);
        let grace_over = self
            .last_finish
            .is_none_or(|finish| now >= finish + CLOSE_GRACE);
        !closing || grace_over
    }

    /// Every silent client has read its first line (or failed), or the
    /// ones that have not are kept waiting by the server.
    fn silent_ready(&self) -> bool {
        if self.silent_settled == self.plan.silent {
            return true;
        }
        let next_is_talking = self.next >= self.plan.silent;
        let waited = self
            .silent_started
            .is_some_and(|started| started.elapsed() >= SILENT_SETTLE);
        next_is_talking && waited
    }

    /// Starts connects while fewer than `MAX_CONNECTING` are in flight.
    /// Talking clients wait until every silent one is in (or failed).
    fn start_connects(&mut self) -> io::Result<()> {
        while self.next < self.clients.len() && self.connecting < MAX_CONNECTING
        {
            let index = self.next;
            let talking = self.clients[index].role == Role::Talking;
            if talking && !self.silent_ready() {
                return Ok(());
            }
            if !talking {
                self.silent_started = Some(Instant::now());
            }
            if talking && self.started.is_none() {
                self.started = Some(Instant::now());
            }
            self.next += 1;
            self.connect(index)?;
        }
        Ok(())
    }

    /// Starts one non-blocking connect; its welcome says it is done.
    fn connect(&mut self, index: usize) -> io::Result<()> {
        self.clients[index].stage = Stage::Welcome;
        self.connecting += 1;
        let mut stream = match TcpStream::connect(self.addr) {
            Ok(stream) => stream,
            Err(error) if is_out_of_fds(&error) => {
                return Err(fd_error(self.open, &error));
            }
            Err(_) => {
                self.closed(index);
                return Ok(());
            }
        };
        let registry = self.poll.registry();
        registry.register(&mut stream, Token(index), Interest::READABLE)?;
        self.clients[index].stream = Some(stream);
        self.open += 1;
        self.report.peak_open = self.report.peak_open.max(self.open);
        Ok(())
    }

    /// A socket is readable (or closed, or failed): read all there is.
    fn on_ready(&mut self, index: usize, buffer: &mut [u8]) {
        // A bounded loop: each pass reads, or ends the client.
        for _ in 0..64 {
            let Some(stream) = self.clients[index].stream.as_mut() else {
                return;
            };
            match stream.read(buffer) {
                // The server closed its side.
                Ok(0) => return self.closed(index),
                Ok(n) => self.received(index, &buffer[..n]),
                // All read: wait for the next event.
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    return;
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                // Refused, reset, ...
                Err(_) => return self.closed(index),
            }
        }
    }

    /// Cuts what arrived into messages and handles each.
    fn received(&mut self, index: usize, bytes: &[u8]) {
        if self.framing == Framing::Tutorial {
            let message = String::from_utf8_lossy(bytes).into_owned();
            return self.message(index, &message);
        }
        if self.clients[index].stage == Stage::Quiet {
            // A silent client ignores whatever it is told.
            return;
        }
        self.clients[index].partial.extend_from_slice(bytes);
        // One pass per complete line; a message may come in pieces, or
        // several may come in one read.
        while let Some(end) =
            self.clients[index].partial.iter().position(|&b| b == b'\n')
        {
            let line: Vec<u8> =
                self.clients[index].partial.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line[..end]).into_owned();
            self.message(index, &text);
            if self.clients[index].stream.is_none() {
                return;
            }
        }
        if self.clients[index].partial.len() > MAX_LINE {
            // No line end in sight: treat it as a broken connection.
            self.closed(index);
        }
    }

    /// One whole message from the server.
    fn message(&mut self, index: usize, text: &str) {
        let client = &self.clients[index];
        match (client.role, client.stage) {
            (Role::Silent, Stage::Welcome) => {
                // Welcome or busy: either way it is in, or told so.
                self.connecting -= 1;
                self.silent_settled += 1;
                self.clients[index].stage = Stage::Quiet;
            }
            (Role::Talking, Stage::Welcome) => {
                self.connecting -= 1;
                match text {
                    "Welcome!" => self.next_step(index),
                    BUSY => self.end_talk(index, Outcome::Busy),
                    _ => self.end_talk(index, Outcome::Failed),
                }
            }
            (Role::Talking, Stage::Reply(sent_at)) => {
                if text != self.greeting(index) {
                    return self.end_talk(index, Outcome::Failed);
                }
                self.report.round_trips.push(sent_at.elapsed());
                self.clients[index].answered += 1;
                self.next_step(index);
            }
            (Role::Talking, Stage::Goodbye) => {
                let outcome = match text {
                    "Goodbye!" => Outcome::Served,
                    _ => Outcome::Failed,
                };
                self.end_talk(index, outcome);
            }
            // Nothing was asked: a line now is a broken conversation.
            (Role::Talking, Stage::Holding) => {
                self.end_talk(index, Outcome::Failed);
            }
            // A silent client ignores whatever it is told; a closing one
            // too (lesson04 sends nothing more, others might).
            _ => {}
        }
    }

    /// The reply the name now in flight should get.
    fn greeting(&self, index: usize) -> String {
        let name = self.name(index);
        match self.framing {
            Framing::Lines => format!("Hello, {name}!"),
            Framing::Tutorial => format!("Hello,{name}!"),
        }
    }

    /// The name for the client's next message: unique per client.
    fn name(&self, index: usize) -> String {
        let client = &self.clients[index];
        format!("c{}m{}", client.number, client.answered)
    }

    /// After the welcome or a reply: the next name, or hold, or `exit`.
    fn next_step(&mut self, index: usize) {
        if self.clients[index].answered < self.plan.messages {
            let name = self.name(index);
            let sent_at = Instant::now();
            if self.send(index, &name) {
                self.clients[index].stage = Stage::Reply(sent_at);
            }
        } else {
            // Every reply is in: hold, or say `exit` now.
            self.clients[index].stage = Stage::Holding;
            self.talking_busy -= 1;
            if !self.plan.hold {
                self.say_exit(index);
            }
        }
    }

    /// Sends `exit`; the reply (or the close) ends the conversation.
    fn say_exit(&mut self, index: usize) {
        if self.send(index, "exit") {
            self.clients[index].stage = Stage::Goodbye;
        }
    }

    /// When holding and every talking client is done: all say `exit`.
    fn release_holders(&mut self) {
        if !self.plan.hold || self.talking_busy > 0 {
            return;
        }
        for index in 0..self.clients.len() {
            if self.clients[index].stage == Stage::Holding {
                self.say_exit(index);
            }
        }
    }

    /// Sends one message. It is a few bytes and the socket's send buffer
    /// is empty (we wait for each reply), so one write takes it whole;
    /// if it cannot, the client fails. False when it failed.
    fn send(&mut self, index: usize, text: &str) -> bool {
        let end = match self.framing {
            Framing::Lines => "\n",
            Framing::Tutorial => "",
        };
        let message = format!("{text}{end}");
        let Some(stream) = self.clients[index].stream.as_mut() else {
            return false;
        };
        match stream.write_all(message.as_bytes()) {
            Ok(()) => true,
            Err(_) => {
                self.end_talk(index, Outcome::Failed);
                false
            }
        }
    }

    /// The server closed the connection, refused or reset it.
    fn closed(&mut self, index: usize) {
        let client = &self.clients[index];
        match (client.role, client.stage) {
            (Role::Silent, Stage::Welcome) => {
                self.connecting -= 1;
                self.silent_settled += 1;
                self.report.silent_closed += 1;
            }
            (Role::Silent, Stage::Quiet) => self.report.silent_closed += 1,
            (Role::Talking, Stage::Welcome) => {
                self.connecting -= 1;
                self.end_talk(index, Outcome::Failed);
            }
            // The tutorial's server answers `exit` by closing.
            (Role::Talking, Stage::Goodbye)
                if self.framing == Framing::Tutorial =>
            {
                self.end_talk(index, Outcome::Served);
            }
            (Role::Talking, Stage::Reply(_))
            | (Role::Talking, Stage::Holding)
            | (Role::Talking, Stage::Goodbye) => {
                self.end_talk(index, Outcome::Failed);
            }
            // Closing: the close we waited for.
            _ => {}
        }
        self.drop_stream(index);
    }

    /// Ends a talking client's conversation and counts how it ended.
    fn end_talk(&mut self, index: usize, outcome: Outcome) {
        let Client { role, stage, .. } = self.clients[index];
        let over = matches!(stage, Stage::Closing | Stage::Gone);
        if role != Role::Talking || over || stage == Stage::Waiting {
            return;
        }
        if matches!(stage, Stage::Welcome | Stage::Reply(_)) {
            self.talking_busy -= 1;
        }
        self.talking_left -= 1;
        self.last_finish = Some(Instant::now());
        match outcome {
            Outcome::Served => self.report.served += 1,
            Outcome::Busy => self.report.busy += 1,
            Outcome::Failed => self.report.failed += 1,
        }
        // A served or busy client lets the server close first; a failed
        // one just closes.
        if outcome == Outcome::Failed || self.clients[index].stream.is_none() {
            self.drop_stream(index);
        } else {
            self.clients[index].stage = Stage::Closing;
        }
    }

    /// Closes the client's socket (if open).
    fn drop_stream(&mut self, index: usize) {
        self.clients[index].stage = Stage::Gone;
        if let Some(mut stream) = self.clients[index].stream.take() {
            let _ = self.poll.registry().deregister(&mut stream);
            self.open -= 1;
        }
    }

    /// Counts the clients not done at the end as failed.
    fn finish(mut self) -> Report {
        for index in 0..self.clients.len() {
            let client = &self.clients[index];
            if client.role == Role::Talking {
                if client.stage == Stage::Waiting {
                    // Never started: the time ran out first.
                    self.report.failed += 1;
                } else {
                    self.end_talk(index, Outcome::Failed);
                }
            }
        }
        let start = self.started.unwrap_or_else(Instant::now);
        let end = self.last_finish.unwrap_or(start);
        self.report.elapsed = end.saturating_duration_since(start);
        self.report
    }
}

/// EMFILE: this process has as many files open as it may.
fn is_out_of_fds(error: &io::Error) -> bool {
    // 24 on Linux and macOS; WSAEMFILE on Windows.
    let emfile = if cfg!(windows) { 10024 } else { 24 };
    error.raw_os_error() == Some(emfile)
}

fn fd_error(open: usize, error: &io::Error) -> io::Error {
    io::Error::other(format!(
        "out of file descriptors with {open} connections open ({error}); \
         each client needs one: raise the limit (`ulimit -n`)"
    ))
}

/// Says clearly, before starting, when `sockets` connections cannot fit
/// under this process's limit on open files (Linux; elsewhere the first
/// connect that does not fit says so).
fn check_fd_limit(sockets: usize) -> io::Result<()> {
    // The poll, standard streams and a few more, besides the clients.
    let needed = sockets as u64 + 32;
    match open_file_limit() {
        Some(limit) if limit < needed => Err(io::Error::other(format!(
            "{sockets} clients need about {needed} file descriptors, but \
             this process may open only {limit}: raise the limit \
             (`ulimit -n {needed}`) or use fewer clients"
        ))),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only fills the struct we hand it.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    (rc == 0).then_some(limit.rlim_cur)
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}
