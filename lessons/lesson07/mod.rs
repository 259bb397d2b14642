//! Lesson 07: many clients, few threads.
//!
//! lesson04's newline-framed greeting server, served three ways:
//!
//! - `pool`: a fixed number of threads and a bounded queue; a client
//!   that finds it full is told `busy` and closed.
//! - `events`: one thread and non-blocking sockets, woken by readiness
//!   events (mio); each connection is a small state machine.
//! - `tasks`: async/await with tokio: the state machines are written by
//!   the compiler, the event loop is tokio's.
//!
//! `stop` wakes whichever design to shut it down; `load` drives many
//! clients from one thread, for the demo and the benchmark; `demo` runs
//! the comparison; `cli` reads the command line.

pub mod cli;
pub mod demo;
pub mod events;
pub mod load;
pub mod pool;
pub mod stop;
pub mod tasks;

use std::io;
use std::net::SocketAddr;

use crate::lesson04::log::Log;
use crate::lesson04::server::Config;
pub use crate::lesson04::server::Summary;

use stop::Stop;

// ANCHOR: design
/// Which of the three designs serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// A fixed number of worker threads and a bounded queue.
    Pool { workers: usize, queue: usize },
    /// One thread, an event loop on readiness (mio).
    Events,
    /// async/await on tokio's runtime.
    Async,
}

/// The design `lesson07` runs unless told otherwise: the event loop,
/// which served ten thousand clients in the least memory, on one thread.
/// (For a server of your own, the async design is the one to grow.)
pub const RECOMMENDED: Design = Design::Events;
// ANCHOR_END: design

impl Design {
    /// Its name on the command line: `pool`, `events` or `async`.
    pub fn name(self) -> &'static str {
        match self {
            Design::Pool { .. } => "pool",
            Design::Events => "events",
            Design::Async => "async",
        }
    }

    /// The pool with its default size.
    pub fn pool() -> Design {
        Design::Pool {
            workers: pool::WORKERS,
            queue: pool::QUEUE,
        }
    }
}

/// A bound server of any design, ready to `run`.
pub enum Server {
    Pool(pool::Server),
    Events(events::Server),
    Async(tasks::Server),
}

impl Server {
    /// Binds `address` and logs where it listens.
    pub fn bind(
        design: Design,
        address: SocketAddr,
        config: Config,
        log: Log,
    ) -> io::Result<Server> {
        Ok(match design {
            Design::Pool { workers, queue } => Server::Pool(
                pool::Server::bind(address, config, log, workers, queue)?,
            ),
            Design::Events => {
                Server::Events(events::Server::bind(address, config, log)?)
            }
            Design::Async => {
                Server::Async(tasks::Server::bind(address, config, log)?)
            }
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        match self {
            Server::Pool(server) => server.local_addr(),
            Server::Events(server) => server.local_addr(),
            Server::Async(server) => server.local_addr(),
        }
    }

    /// The handle a signal handler (or a test) uses to stop it.
    pub fn stop_handle(&self) -> Stop {
        match self {
            Server::Pool(server) => Stop::Knock(server.shutdown_handle()),
            Server::Events(server) => server.stop_handle(),
            Server::Async(server) => server.stop_handle(),
        }
    }

    /// Serves until stopped; returns once every conversation has ended.
    pub fn run(self) -> Summary {
        match self {
            Server::Pool(server) => server.run(),
            Server::Events(server) => server.run(),
            Server::Async(server) => server.run(),
        }
    }
}
