//! Design 3: async/await, with tokio.
//!
//! The conversation is written as if each client had its own thread:
//! read a line, answer it, repeat. But `read_line(...).await` does not
//! block a thread. When nothing has arrived, the future returns
//! `Pending` and gives its thread back; tokio's event loop (mio, the
//! same `poll` as design 2) wakes the task when the socket is readable.
//! A task is a state machine the compiler writes from the `async fn`:
//! what design 2 wrote by hand.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{self, Runtime};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{self, Instant};

use crate::lesson04::ending::Ending;
use crate::lesson04::lines::LineError;
use crate::lesson04::log::Log;
use crate::lesson04::server::{BACKLOG, Config, Reply, Summary, reply_to};

use super::stop::Stop;

/// Each connection's read buffer. Small: ten thousand of them add up.
const READ_BUFFER: usize = 256;

/// A bound async server, ready to `run`.
pub struct Server {
    runtime: Runtime,
    listener: std::net::TcpListener,
    local: SocketAddr,
    config: Arc<Config>,
    log: Log,
    stop: Arc<watch::Sender<bool>>,
}

impl Server {
    pub fn bind(
        address: SocketAddr,
        config: Config,
        log: Log,
    ) -> io::Result<Server> {
        // ANCHOR: runtime
        // One worker thread per core; each runs tasks and polls sockets.
        let runtime = runtime::Builder::new_multi_thread()
            .thread_name("async-worker")
            .enable_io()
            .enable_time()
            .build()?;
        // ANCHOR_END: runtime
        let listener = crate::lesson03::server::listen(address, BACKLOG)?;
        listener.set_nonblocking(true)?;
        let local = listener.local_addr()?;
        log.say(format_args!("listening on {local}"));
        let (stop, _) = watch::channel(false);
        Ok(Server {
            runtime,
            listener,
            local,
            config: Arc::new(config),
            log,
            stop: Arc::new(stop),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The handle a signal handler uses to stop this server.
    pub fn stop_handle(&self) -> Stop {
        Stop::Send(Arc::clone(&self.stop))
    }

    /// Serves until shutdown, then waits for every conversation to end.
    pub fn run(self) -> Summary {
        let stopped = self.stop.subscribe();
        let accepted = self.runtime.block_on(async move {
            match TcpListener::from_std(self.listener) {
                Ok(listener) => {
                    serve(listener, self.config, self.log, stopped).await
                }
                Err(error) => {
                    self.log.say(format_args!("cannot listen: {error}"));
                    0
                }
            }
        });
        Summary { accepted }
    }
}

// ANCHOR: serve
/// Accepts until told to stop; one task per connection.
async fn serve(
    listener: TcpListener,
    config: Arc<Config>,
    log: Log,
    mut stop: watch::Receiver<bool>,
) -> u64 {
    let mut tasks = JoinSet::new();
    let mut accepted = 0;
    loop {
        // Whichever is ready first: a new connection, or the stop signal.
        tokio::select! {
            connection = listener.accept() => match connection {
                Ok((stream, peer)) => {
                    accepted += 1;
                    log.say(format_args!("#{accepted} {peer} connected"));
                    let task = converse(
                        stream,
                        accepted,
                        Arc::clone(&config),
                        log.clone(),
                        stop.clone(),
                    );
                    tasks.spawn(task);
                }
                Err(error) => {
                    log.say(format_args!("accept failed: {error}"));
                    time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = stop_requested(&mut stop) => break,
        }
        // Forget the tasks that have finished (a panic ends its task only).
        while let Some(result) = tasks.try_join_next() {
            if result.is_err() {
                log.say("a conversation panicked; connection closed");
            }
        }
    }
    drop(listener); // closed: from now on a connect is refused
    // Forget the tasks that just finished: the count below is then the
    // number of connections still open.
    while tasks.try_join_next().is_some() {}
    log.say("shutdown requested: no longer accepting connections");
    log.say(format_args!(
        "telling {} open connection(s) goodbye (grace period {:?})",
        tasks.len(),
        config.grace
    ));
    while tasks.join_next().await.is_some() {}
    log.say(format_args!(
        "stopped: {accepted} connection(s) served, all tasks done"
    ));
    accepted
}
// ANCHOR_END: serve

// ANCHOR: stop_requested
/// Finishes once a stop is requested (or nobody is left to request
/// one). `wait_for` returns a borrow of the value that holds a read
/// lock; kept in `select!` it would live across an `.await`, and a task
/// holding a lock guard cannot move between threads (it is not `Send`).
/// This function drops it at once.
async fn stop_requested(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|&stop| stop).await;
}
// ANCHOR_END: stop_requested

/// One client's side of things, owned by its task.
struct Conversation {
    id: u64,
    /// The socket, behind a read buffer; writes go straight through.
    stream: BufReader<TcpStream>,
    /// The bytes of the current line received so far.
    line: Vec<u8>,
    config: Arc<Config>,
    log: Log,
}

// ANCHOR: converse
/// The whole conversation with one client.
async fn converse(
    stream: TcpStream,
    id: u64,
    config: Arc<Config>,
    log: Log,
    mut stop: watch::Receiver<bool>,
) {
    let mut talk = Conversation {
        id,
        stream: BufReader::with_capacity(READ_BUFFER, stream),
        line: Vec::new(),
        config,
        log,
    };
    let ending = match talk.send("Welcome!").await {
        Ok(()) => talk.answer_lines(&mut stop).await,
        Err(error) => Ending::from_error(&error),
    };
    talk.say(ending.describe());
    talk.finish(&ending).await;
}

impl Conversation {
    /// Answers lines until the conversation ends, and says why it ended.
    async fn answer_lines(
        &mut self,
        stop: &mut watch::Receiver<bool>,
    ) -> Ending {
        let idle = self.config.idle_timeout;
        let mut last_heard = Instant::now();
        loop {
            // Three things may happen first: `select!` polls all three
            // futures, takes the first that finishes, and drops the
            // other two. (A line half read is kept in `self.line`:
            // reading resumes where it stopped.)
            let read = tokio::select! {
                read = self.read_line() => read,
                _ = time::sleep_until(last_heard + idle) => {
                    return Ending::Idle(idle);
                }
                _ = stop_requested(stop) => {
                    return self.answer_what_is_owed().await;
                }
            };
            if matches!(read, Ok(Some(_)) | Err(LineError::NotUtf8)) {
                last_heard = Instant::now();
            }
            if let Some(ending) = self.answer(read).await {
                return ending;
            }
        }
    }
    // ANCHOR_END: converse

    /// Replies to what one `read_line` gave; `Some` if that ends the
    /// conversation.
    async fn answer(
        &mut self,
        read: Result<Option<String>, LineError>,
    ) -> Option<Ending> {
        let sent = match read {
            Ok(Some(line)) => {
                self.say(format_args!("<- {line:?}"));
                match reply_to(&line) {
                    Reply::Goodbye => return Some(Ending::SaidExit),
                    Reply::Line(text) => self.send(&text).await,
                }
            }
            Ok(None) => return Some(Ending::ClientClosed),
            Err(LineError::TooLong { limit }) => {
                return Some(Ending::LineTooLong(limit));
            }
            Err(LineError::NotUtf8) => {
                self.say("<- a line that is not UTF-8 text");
                self.send("error: that line is not UTF-8 text; send UTF-8.")
                    .await
            }
            Err(LineError::Io(error)) => Err(error),
        };
        sent.err().map(|error| Ending::from_error(&error))
    }

    // ANCHOR: read_line
    /// The next line without `\n` (or `\r\n`), at most `max_line` bytes;
    /// `Ok(None)` at the end of the stream. Cancel-safe: if the future
    /// is dropped half-way, the bytes read so far stay in `self.line`.
    async fn read_line(&mut self) -> Result<Option<String>, LineError> {
        let max = self.config.max_line;
        // Up to the limit, one byte for a `\r`, one for the `\n`.
        let room = (max + 2).saturating_sub(self.line.len()) as u64;
        let mut limited = (&mut self.stream).take(room);
        let read = limited.read_until(b'\n', &mut self.line).await;
        match read {
            Err(error) => return Err(LineError::Io(error)),
            // The end of the stream, with no line begun.
            Ok(0) if self.line.is_empty() => return Ok(None),
            Ok(_) => {}
        }
        if self.line.last() != Some(&b'\n') && self.line.len() >= max + 2 {
            self.line.clear();
            return Err(LineError::TooLong { limit: max });
        }
        // A whole line; or the last one, ended by the stream's end.
        let mut bytes = std::mem::take(&mut self.line);
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if bytes.len() > max {
            return Err(LineError::TooLong { limit: max });
        }
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| LineError::NotUtf8)
    }
    // ANCHOR_END: read_line

    /// The server is closing: answer every line already here, without
    /// waiting for more than a moment.
    async fn answer_what_is_owed(&mut self) -> Ending {
        let until = Instant::now() + self.config.grace;
        while Instant::now() < until {
            let quick = Duration::from_millis(1);
            let Ok(read) = time::timeout(quick, self.read_line()).await else {
                break; // nothing more has arrived
            };
            if matches!(read, Ok(None)) {
                break; // the client closed its side; it may still read
            }
            if let Some(ending) = self.answer(read).await {
                return ending;
            }
        }
        Ending::ServerShutdown
    }

    /// Sends the last line this ending calls for, then closes: our FIN,
    /// and what the client still sends read and dropped until its FIN
    /// (or the grace period ends).
    async fn finish(&mut self, ending: &Ending) {
        if let Some(text) = ending.farewell() {
            let _ = self.send(&text).await;
        }
        if !ending.closes_gracefully() {
            return;
        }
        let _ = self.stream.shutdown().await;
        // Read through the reader's own buffer: no scratch buffer in the
        // future, which would make every task that much bigger.
        let drain = async {
            while let Ok(bytes) = self.stream.fill_buf().await {
                let read = bytes.len();
                if read == 0 {
                    break; // the client's FIN: both sides done
                }
                self.stream.consume(read);
            }
        };
        let _ = time::timeout(self.config.grace, drain).await;
    }

    /// Writes one line, `\n` included; a client that stops reading
    /// cannot hold us longer than the write timeout.
    async fn send(&mut self, text: &str) -> io::Result<()> {
        let bytes = format!("{text}\n");
        let write = self.stream.write_all(bytes.as_bytes());
        match time::timeout(self.config.write_timeout, write).await {
            Ok(written) => written,
            Err(_) => Err(io::ErrorKind::TimedOut.into()),
        }
    }

    fn say(&self, text: impl std::fmt::Display) {
        self.log.say(format_args!("#{} {text}", self.id));
    }
}
