//! lesson03: a TCP server with one thread per client, and its client.
//!
//!     cargo run --bin lesson03                  # the server, port 9999
//!     cargo run --bin lesson03 -- client        # in a second terminal
//!     cargo run --bin lesson03 -- demo          # both at once, timed
//!
//! The work happens in `lessons::lesson03`; this file only reads the
//! command line, calls into it and prints.

use std::io::{self, ErrorKind};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use lessons::cli::text_args;
use lessons::lesson03::args::{BurstOptions, Command, ServeOptions, parse};
use lessons::lesson03::burst::{LIMIT, burst, start_server};
use lessons::lesson03::client::run_client;
use lessons::lesson03::demo::run_demo;
use lessons::lesson03::server::{
    BACKLOG, Config, listen, serve_threaded, stdout_log,
};

const USAGE: &str = "\
usage: cargo run --bin lesson03 -- [--port N] [--slow] [--all-interfaces]
                                   [--idle-timeout SECS]
       cargo run --bin lesson03 -- client [--port N] [NAME...]
       cargo run --bin lesson03 -- demo [--single-thread]
       cargo run --bin lesson03 -- burst [--clients N] [--backlog N]
                                         [--port N]

With no command: the server, on 127.0.0.1:9999 (--port 0: any free port).
It greets each client with Welcome! and answers each name with
Hello, NAME! until the client sends exit. Stop it with Ctrl+C.
  --slow            work one second per message, as the tutorial does
  --all-interfaces  listen on 0.0.0.0: reachable from your whole network
  --idle-timeout    close a silent connection after SECS (default 60)

client: connect, send the names (default: Michael Tracy Sarah) and exit.
demo:   5 clients at once against a server on a free port, timed;
        --single-thread: the same against a one-at-a-time server.
burst:  N clients (default 500) connecting at the same instant to a
        server with the given listen backlog (default 1024), or to a
        server already running on --port.";

fn main() -> ExitCode {
    let args = match text_args() {
        Ok(args) => args,
        Err(message) => return usage_error(&message),
    };
    let result = match parse(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Serve(options)) => run_server(&options),
        Ok(Command::Client { port, names }) => {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            run_client(addr, &names, &mut io::stdout())
                .map_err(|e| e.to_string())
        }
        Ok(Command::Demo { threads }) => {
            run_demo(threads, &mut io::stdout()).map_err(|e| e.to_string())
        }
        Ok(Command::Burst(options)) => run_burst(&options),
        Err(message) => return usage_error(&message),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    eprintln!("usage: cargo run --bin lesson03 -- --help");
    ExitCode::from(2)
}

fn run_server(options: &ServeOptions) -> Result<(), String> {
    let ip = if options.all_interfaces {
        println!(
            "warning: listening on all interfaces: anyone who can reach \
             this machine can connect"
        );
        Ipv4Addr::UNSPECIFIED
    } else {
        Ipv4Addr::LOCALHOST
    };
    let addr = SocketAddr::from((ip, options.port));
    let listener = listen(addr, BACKLOG).map_err(|e| match e.kind() {
        ErrorKind::AddrInUse => format!(
            "{addr} is already in use (another lesson03 server? \
             try --port 0 for any free port)"
        ),
        _ => format!("cannot listen on {addr}: {e}"),
    })?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Listening on {local} (backlog {BACKLOG}). Stop with Ctrl+C.");
    let config = Config {
        pause: if options.slow {
            Duration::from_secs(1)
        } else {
            Duration::ZERO
        },
        idle_timeout: options.idle_timeout,
        log: stdout_log(),
    };
    serve_threaded(listener, config)
}

fn run_burst(options: &BurstOptions) -> Result<(), String> {
    let (addr, whose) = match options.port {
        Some(port) => {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            (addr, format!("the server on {addr}"))
        }
        None => {
            let addr =
                start_server(options.backlog).map_err(|e| e.to_string())?;
            (addr, format!("our server, backlog {}", options.backlog))
        }
    };
    println!(
        "{} clients connect at the same instant to {whose} ...",
        options.clients
    );
    let report = burst(addr, options.clients);
    let limit = LIMIT.as_secs();
    println!(
        "served within 1 s: {} of {}\n\
         served within {limit} s: {}\n\
         connected, but no welcome within {limit} s: {}\n\
         slowest served: {} ms",
        report.within_1s,
        report.clients,
        report.served,
        report.no_welcome,
        report.slowest.as_millis()
    );
    Ok(())
}
