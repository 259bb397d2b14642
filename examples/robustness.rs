//! How robust are the lessons? Runs both fault batteries and prints the
//! tables the book's appendix shows:
//!
//!     cargo run --release --example robustness
//!
//! Each server runs in a child process (this program started again with
//! `--serve-lesson03` or `--serve-lesson04`: the same library calls as
//! `cargo run --bin lesson03` and `lesson04`), so its threads and file
//! descriptors can be counted in /proc apart from ours. lesson02's client runs
//! in-process through `fetch`. `cargo test` runs the same two batteries
//! against the real binaries. Everything talks to 127.0.0.1 only, and
//! the whole run is bounded (well under a minute).

use std::env;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use lessons::lesson03::server::{
    BACKLOG, Config, listen, serve_threaded, stdout_log,
};
use lessons::lesson04::log::Log;
use lessons::lesson04::server::{self as lesson04, Server};
use testkit::battery::{CaseOutcome, table};
use testkit::client_faults;
use testkit::process::ServerChild;
use testkit::server_faults::{self, Lesson, Report};

const SERVE_LESSON03: &str = "--serve-lesson03";
const SERVE_LESSON04: &str = "--serve-lesson04";

fn main() -> ExitCode {
    match env::args().nth(1).as_deref() {
        Some(SERVE_LESSON03) => return serve_lesson03(),
        Some(SERVE_LESSON04) => return serve_lesson04(),
        _ => {}
    }
    let started = Instant::now();
    println!("# How robust are these lessons?\n");
    let mut all: Vec<CaseOutcome> = Vec::new();
    let mut passed = true;
    for (lesson, flag, title) in [
        (Lesson::Lesson03, SERVE_LESSON03, "lesson03's server"),
        (Lesson::Lesson04, SERVE_LESSON04, "lesson04's server"),
    ] {
        println!("## {title} against bad clients\n");
        match server_battery(lesson, flag) {
            Ok((report, alive)) => {
                passed &= report.all_passed() && alive;
                all.extend(report.outcomes);
            }
            Err(error) => {
                println!("error: cannot start the server: {error}\n");
                passed = false;
            }
        }
    }

    println!("## lesson02's client against bad servers\n");
    let client_started = Instant::now();
    let outcomes = client_faults::run(&client_faults::in_process);
    println!("{}", table(&outcomes));
    println!(
        "- Client limits: --timeout {} s, --max-time {} s, --max-body {} \
         bytes; battery time {:.1} s.\n",
        client_faults::TIMEOUT_SECS,
        client_faults::MAX_TIME_SECS,
        client_faults::MAX_BODY,
        client_started.elapsed().as_secs_f64()
    );
    all.extend(outcomes);

    let survived = all.iter().filter(|o| o.survived).count();
    println!(
        "Total: {survived} of {} cases survived; {:.1} s in all.",
        all.len(),
        started.elapsed().as_secs_f64()
    );
    if passed && survived == all.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Starts `lesson`'s server in a child process, runs the battery against
/// it and prints the table and the figures. Returns the report and
/// whether the server was still running at the end.
fn server_battery(
    lesson: Lesson,
    flag: &str,
) -> std::io::Result<(Report, bool)> {
    let mut command = Command::new(env::current_exe()?);
    command.arg(flag);
    let mut server = ServerChild::start(command)?;
    let report = server_faults::run(lesson, server.addr, server.pid());
    let alive = server.is_running();
    drop(server);
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
         the server's own).",
        report.peak_threads
    );
    println!("- After, once settled: {}.", show(report.after));
    println!(
        "- Still running at the end: {}.",
        if alive { "yes" } else { "NO" }
    );
    let tried: usize = report.outcomes.iter().map(|o| o.tried).sum();
    println!(
        "- Connections made by the battery: {tried}; battery time {:.1} s.\n",
        report.elapsed.as_secs_f64()
    );
    Ok((report, alive))
}

fn localhost_port_0() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// The child: lesson03's server on a free port, as the binary runs it.
fn serve_lesson03() -> ExitCode {
    let listener = match listen(localhost_port_0(), BACKLOG) {
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

/// The child: lesson04's server on a free port, as the binary runs it
/// (without the Ctrl+C handler: the parent kills it).
fn serve_lesson04() -> ExitCode {
    let config = lesson04::Config {
        idle_timeout: Duration::from_secs(5),
        ..lesson04::Config::default()
    };
    match Server::bind(localhost_port_0(), config, Log::stdout()) {
        Ok(server) => {
            server.run();
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot listen: {error}");
            ExitCode::FAILURE
        }
    }
}
