//! `lesson07 demo`: the designs side by side, in one process.
//!
//! Each server in turn runs on a thread of this process, on 127.0.0.1
//! with a port the OS picks. The load generator (`load`, one thread,
//! mio) then plays the clients: first the silent ones, which connect
//! and say nothing, then the talking ones, which each send a name, read
//! the greeting and say `exit`. The table shows who was served.
//!
//! The silent clients are the point. A thread per client pays one
//! thread for each, but serves everybody. A pool of N threads is held
//! hostage by N silent clients. The event loop and the async server pay
//! a few hundred bytes for each and go on.

use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use super::load::{self, Plan, Report};
use super::stop::Stop;
use super::{Design, Server};
use crate::lesson04;
use crate::lesson04::log::Log;
use crate::lesson04::server::Config;
use crate::output::{say, warn};

/// Each design's run ends after this; a client not served by then
/// counts as not served. (The others take well under a second.)
const LIMIT: Duration = Duration::from_secs(6);

/// The servers compared: lesson04's, then the three designs.
#[derive(Debug, Clone, Copy)]
enum Contender {
    ThreadPerClient,
    Lesson07(Design),
}

impl Contender {
    fn label(self) -> String {
        match self {
            Contender::ThreadPerClient => "thread per client (lesson04)".into(),
            Contender::Lesson07(Design::Pool { workers, queue }) => {
                format!("pool ({workers} workers, queue {queue})")
            }
            Contender::Lesson07(Design::Events) => "events (one thread)".into(),
            Contender::Lesson07(Design::Async) => "async (tokio)".into(),
        }
    }
}

/// A server running on a thread of this process.
struct Running {
    address: SocketAddr,
    stop: Stop,
    thread: thread::JoinHandle<()>,
}

fn start(contender: Contender) -> io::Result<Running> {
    let address = SocketAddr::from(([127, 0, 0, 1], 0));
    // Longer than the demo: a silent client stays connected throughout.
    let config = Config {
        idle_timeout: Duration::from_secs(60),
        ..Config::default()
    };
    // The servers' own logs would be thousands of lines: kept, not shown.
    let log = Log::silent();
    let (address, stop, run): (_, _, Box<dyn FnOnce() + Send>) = match contender
    {
        Contender::ThreadPerClient => {
            let server = lesson04::server::Server::bind(address, config, log)?;
            let stop = Stop::Knock(server.shutdown_handle());
            let address = server.local_addr();
            (
                address,
                stop,
                Box::new(move || {
                    server.run();
                }),
            )
        }
        Contender::Lesson07(design) => {
            let server = Server::bind(design, address, config, log)?;
            let stop = server.stop_handle();
            let address = server.local_addr();
            (
                address,
                stop,
                Box::new(move || {
                    server.run();
                }),
            )
        }
    };
    let thread = thread::Builder::new()
        .name("demo-server".into())
        .spawn(run)?;
    Ok(Running {
        address,
        stop,
        thread,
    })
}

/// Stops a server and waits for it, for a bounded time.
fn stop(running: Running) {
    running.stop.request();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !running.thread.is_finished() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    if running.thread.is_finished() {
        let _ = running.thread.join();
    }
}

/// Runs the comparison; false if it could not run.
pub fn run(clients: usize, silent: usize) -> bool {
    if let Err(why) = make_room_for(clients) {
        warn(format_args!("error: {why}"));
        return false;
    }
    let talking = clients - silent;
    say(format_args!(
        "{clients} clients on 127.0.0.1: {silent} connect and say nothing, \
         then {talking} each send a name"
    ));
    say("");
    say(format_args!(
        "{:<34} {:>9} {:>11} {:>9}",
        "design", "served", "not served", "time"
    ));
    let contenders = [
        Contender::ThreadPerClient,
        Contender::Lesson07(Design::pool()),
        Contender::Lesson07(Design::Events),
        Contender::Lesson07(Design::Async),
    ];
    let plan = Plan {
        clients: talking,
        silent,
        messages: 1,
        hold: false,
        limit: LIMIT,
    };
    let mut all_started = true;
    for contender in contenders {
        match start(contender) {
            Ok(running) => {
                let report = load::run(running.address, &plan);
                stop(running);
                say(row(contender, talking, report));
            }
            Err(error) => {
                say(format_args!(
                    "{}: cannot start: {error}",
                    contender.label()
                ));
                all_started = false;
            }
        }
    }
    say("");
    say("served: got the welcome, their greeting and Goodbye!");
    say("not served: told busy, or never welcomed");
    all_started
}

/// One line of the table.
fn row(
    contender: Contender,
    talking: usize,
    report: io::Result<Report>,
) -> String {
    let mut line = format!("{:<34}", contender.label());
    match report {
        Ok(report) => {
            let served = format!("{}/{talking}", report.served);
            // Told busy, or left in the queue unseen: which of the two
            // depends on how fast the workers took their first jobs.
            let not_served = report.busy + report.failed;
            let seconds = report.elapsed.as_secs_f64();
            let _ =
                write!(line, " {served:>9} {not_served:>11} {seconds:>7.2} s");
        }
        Err(error) => {
            let _ = write!(line, " the load generator failed: {error}");
        }
    }
    line
}

/// Both ends of every connection live in this process: the clients' and
/// the server's. That is two file descriptors per client, more than some
/// systems allow a process by default (macOS: 256). Raises this
/// process's own limit as far as needed, if the system lets it.
#[cfg(unix)]
fn make_room_for(clients: usize) -> Result<(), String> {
    let needed = (2 * clients + 64) as libc::rlim_t;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only fills the struct we hand it.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Ok(()); // cannot tell: try anyway
    }
    if limit.rlim_cur >= needed {
        return Ok(());
    }
    let raised = libc::rlimit {
        rlim_cur: needed,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: setrlimit only reads the struct; it fails above the hard
    // limit, which only an administrator can raise.
    if limit.rlim_max >= needed
        && unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0
    {
        return Ok(());
    }
    Err(format!(
        "{clients} clients need about {needed} open files here (the \
         clients' sockets and the servers'), but this system allows {}: \
         try `demo --clients {}`",
        limit.rlim_cur,
        (limit.rlim_cur.saturating_sub(64) / 2).max(1)
    ))
}

#[cfg(not(unix))]
fn make_room_for(_clients: usize) -> Result<(), String> {
    Ok(())
}
