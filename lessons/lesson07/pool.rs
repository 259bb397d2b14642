//! Design 1: a bounded thread pool.
//!
//! A fixed number of worker threads take connections from a queue of
//! fixed length. The main thread only accepts and queues. This is the
//! design of the Rust Book's last chapter, built by hand, with the two
//! things a real server adds:
//!
//! - a limit: when the queue is full, a new client is told so in one line
//!   and closed, instead of waiting unseen in a queue that grows forever;
//! - a shutdown that drains: the workers finish every queued connection
//!   (each is told the server is closing), then the main thread joins them.
//!
//! Each worker has whole conversations, one after the other, with
//! lesson04's code: the conversation is the same, only who runs it changed.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::lesson03::server::listen;
use crate::lesson04::log::Log;
use crate::lesson04::server::{BACKLOG, Config, converse_with};
use crate::lesson04::shutdown::Shutdown;

use super::Summary;

// ANCHOR: busy
/// What a client hears when every worker is busy and the queue is full.
pub const BUSY: &str = "busy, try again later";
// ANCHOR_END: busy

/// How many workers and how long a queue, unless told otherwise.
pub const WORKERS: usize = 16;
pub const QUEUE: usize = 64;

/// One accepted connection, waiting for a worker.
struct Job {
    stream: TcpStream,
    id: u64,
}

/// A bound pool server, ready to `run`.
pub struct Server {
    listener: TcpListener,
    local: SocketAddr,
    config: Arc<Config>,
    log: Log,
    shutdown: Shutdown,
    workers: usize,
    queue: usize,
}

impl Server {
    /// Binds the listening socket. `workers` and `queue` are at least 1.
    pub fn bind(
        address: SocketAddr,
        config: Config,
        log: Log,
        workers: usize,
        queue: usize,
    ) -> io::Result<Server> {
        let listener = listen(address, BACKLOG)?;
        let local = listener.local_addr()?;
        log.say(format_args!("listening on {local}"));
        Ok(Server {
            listener,
            local,
            config: Arc::new(config),
            log,
            shutdown: Shutdown::new(local),
            workers: workers.max(1),
            queue: queue.max(1),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The handle a signal handler uses to stop this server: lesson04's
    /// flag and knock, since this main thread also sleeps in `accept`.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    // ANCHOR: run
    /// Accepts and queues until shutdown; then drains the queue and joins
    /// every worker.
    pub fn run(self) -> Summary {
        let closing = Arc::new(AtomicBool::new(false));
        let (queue, jobs) = mpsc::sync_channel::<Job>(self.queue);
        // One receiver, shared: a worker locks it only to take one job.
        let jobs = Arc::new(Mutex::new(jobs));
        let mut workers = Vec::new();
        for number in 0..self.workers {
            workers.extend(self.start_worker(number, &jobs, &closing));
        }
        self.log.say(format_args!(
            "{} workers, a queue of {}",
            workers.len(),
            self.queue
        ));
        let accepted = self.accept_until_shutdown(&queue);
        // Closing the listening socket: from now on a connect is refused.
        drop(self.listener);
        self.log
            .say("shutdown requested: no longer accepting connections");
        // Workers finish their conversation and everything still queued
        // (each queued client is welcomed and told goodbye), then find
        // the channel closed and return.
        self.log.say(format_args!(
            "workers finish their conversations and the queue (grace period {:?})",
            self.config.grace
        ));
        closing.store(true, Ordering::SeqCst);
        drop(queue);
        for worker in workers {
            let _ = worker.join();
        }
        self.log.say(format_args!(
            "stopped: {accepted} connection(s) accepted, all workers joined"
        ));
        Summary { accepted }
    }
    // ANCHOR_END: run

    // ANCHOR: accept
    /// Accepts connections and queues them; a client that finds the
    /// queue full is told so and closed. Returns how many were accepted.
    fn accept_until_shutdown(&self, queue: &SyncSender<Job>) -> u64 {
        let mut accepted = 0;
        loop {
            let connection = self.listener.accept();
            if self.shutdown.is_requested() {
                return accepted;
            }
            let (stream, peer) = match connection {
                Ok(connection) => connection,
                Err(error) => {
                    self.log.say(format_args!("accept failed: {error}"));
                    thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            accepted += 1;
            let id = accepted;
            self.log.say(format_args!("#{id} {peer} connected"));
            match queue.try_send(Job { stream, id }) {
                Ok(()) => {}
                Err(TrySendError::Full(job)) => {
                    self.log.say(format_args!("#{id} queue full: busy"));
                    turn_away(job.stream);
                }
                Err(TrySendError::Disconnected(job)) => {
                    // Every worker is gone: nobody will ever serve it.
                    self.log.say(format_args!("#{id} no workers left"));
                    turn_away(job.stream);
                }
            }
        }
    }
    // ANCHOR_END: accept

    // ANCHOR: worker
    /// Starts worker `number`: it takes one job at a time, and returns
    /// once the queue is closed and empty.
    fn start_worker(
        &self,
        number: usize,
        jobs: &Arc<Mutex<Receiver<Job>>>,
        closing: &Arc<AtomicBool>,
    ) -> Option<JoinHandle<()>> {
        let jobs = Arc::clone(jobs);
        let closing = Arc::clone(closing);
        let config = Arc::clone(&self.config);
        let log = self.log.clone();
        let spawned = thread::Builder::new()
            .name(format!("worker-{number}"))
            .spawn(move || {
                loop {
                    // One idle worker at a time waits in `recv` holding
                    // the lock; the others wait for the lock. The guard
                    // dies at the end of this statement: no worker holds
                    // the lock while it serves a client.
                    let job = match jobs.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    let Ok(job) = job else {
                        return; // queue closed and empty: shutdown
                    };
                    let config = Arc::clone(&config);
                    let closing = Arc::clone(&closing);
                    converse_with(
                        job.stream,
                        job.id,
                        config,
                        log.clone(),
                        closing,
                    );
                }
            });
        match spawned {
            Ok(handle) => Some(handle),
            Err(error) => {
                self.log.say(format_args!("worker {number}: {error}"));
                None
            }
        }
    }
    // ANCHOR_END: worker
}

// ANCHOR: turn_away
/// Tells a client we cannot take it now, and closes. The line is short
/// and the socket's send buffer empty, so the write does not wait; the
/// timeout is there in case it ever would. (A client that already sent
/// something gets RST when we close with its bytes unread, which can
/// overtake our line on a real network; on loopback the line came
/// first in every try. The accept thread has no time to drain.)
fn turn_away(stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let _ = (&stream).write_all(format!("{BUSY}\n").as_bytes());
    let _ = stream.shutdown(std::net::Shutdown::Write);
}
// ANCHOR_END: turn_away
