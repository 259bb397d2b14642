//! How robust are the lessons? Runs both fault batteries and prints the
//! tables the book's appendix shows:
//!
//!     cargo run --release --example robustness
//!
//! lesson03's server runs in a child process (this program started again
//! with `--serve-lesson03`: the same `listen` and `serve_threaded` calls
//! as `cargo run --bin lesson03`), so its threads and file descriptors
//! can be counted in /proc apart from ours. lesson02's client runs
//! in-process through `fetch`. `cargo test` runs the same two batteries
//! against the real binaries. Everything talks to 127.0.0.1 only, and
//! the whole run is bounded (well under a minute).

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use workbook::lesson03::server::{BACKLOG, Config, listen, serve_threaded, stdout_log};
use workbook::robustness::{Outcome, client_faults, server_faults, table};

const SERVE_FLAG: &str = "--serve-lesson03";

fn main() -> ExitCode {
    if env::args().nth(1).as_deref() == Some(SERVE_FLAG) {
        return serve();
    }
    let started = Instant::now();
    println!("# How robust are these lessons?\n");
    let Some(mut server) = Server::start() else {
        eprintln!("error: could not start the lesson03 server");
        return ExitCode::FAILURE;
    };
    println!("## lesson03's server against bad clients\n");
    let report = server_faults::run(server.addr, server.child.id());
    let alive = matches!(server.child.try_wait(), Ok(None));
    server.stop();
    println!("{}", table(&report.outcomes));
    let show = |x: Option<(usize, usize)>| {
        x.map_or("unknown (no /proc)".to_string(), |(threads, fds)| {
            format!("{threads} threads, {fds} open file descriptors")
        })
    };
    println!(
        "- A well-behaved client, talking all along: {} of {} \
         conversations got exactly the right replies.",
        report.good_correct, report.good_tried
    );
    println!("- The server before: {}.", show(report.baseline));
    println!(
        "- At the peak: {} threads (one per open connection, plus \
         the accepting one).",
        report.peak_threads
    );
    println!("- After, once settled: {}.", show(report.after));
    println!(
        "- Still running at the end: {}.",
        if alive { "yes" } else { "NO" }
    );
    println!(
        "- Connections made: {}; battery time {:.1} s.\n",
        tried(&report.outcomes),
        report.elapsed.as_secs_f64()
    );

    println!("## lesson02's client against bad servers\n");
    let client_started = Instant::now();
    let outcomes = client_faults::run(&client_faults::in_process);
    println!("{}", table(&outcomes));
    println!(
        "- Client limits: --timeout {} s, --max-body {} bytes; battery \
         time {:.1} s.\n",
        client_faults::TIMEOUT_SECS,
        client_faults::MAX_BODY,
        client_started.elapsed().as_secs_f64()
    );

    let all: Vec<&Outcome> = report.outcomes.iter().chain(&outcomes).collect();
    let survived = all.iter().filter(|o| o.survived).count();
    println!(
        "Total: {survived} of {} cases survived; {:.1} s in all.",
        all.len(),
        started.elapsed().as_secs_f64()
    );
    if survived == all.len() && report.all_passed() && alive {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn tried(outcomes: &[Outcome]) -> usize {
    outcomes.iter().map(|o| o.tried).sum()
}

/// The child: lesson03's server on a free port, as the binary runs it.
fn serve() -> ExitCode {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let listener = match listen(addr, BACKLOG) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen: {error}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(local) => println!("Listening on {local}"),
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    let _ = std::io::stdout().flush();
    let config = Config {
        idle_timeout: Duration::from_secs(5),
        log: stdout_log(),
        ..Config::default()
    };
    serve_threaded(listener, config)
}

/// The child process running the server, its log drained in a thread.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start() -> Option<Server> {
        let exe = env::current_exe().ok()?;
        let mut child = Command::new(exe)
            .arg(SERVE_FLAG)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take()?;
        let (sender, first) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = sender.send(lines.next());
            // Keep reading: a full pipe would block the server's log.
            for _ in lines {}
        });
        let line = first.recv_timeout(Duration::from_secs(10));
        let addr = line
            .ok()
            .flatten()
            .and_then(Result::ok)
            .and_then(|l| l.strip_prefix("Listening on ")?.parse().ok());
        let mut server = Server {
            child,
            addr: addr.unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
        };
        if addr.is_none() {
            server.stop();
            return None;
        }
        Some(server)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
