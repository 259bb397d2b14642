//! lesson03: a TCP server with one thread per client, and its client.
//!
//!     cargo run --bin lesson03                  # the server, port 9999
//!     cargo run --bin lesson03 -- client        # in a second terminal
//!     cargo run --bin lesson03 -- demo          # both at once, timed
//!     cargo run --bin lesson03 -- pitfall NAME  # a trap, acted out
//!
//! The work happens in `lessons::lesson03`; this file only reads the
//! command line, calls into it and prints.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use lessons::cli;
use lessons::lesson03::burst::{LIMIT, burst, start_server};
use lessons::lesson03::cli::{
    BurstOptions, Command, PROGRAM, ServeOptions, parse,
};
use lessons::lesson03::client::run_client;
use lessons::lesson03::demo::run_demo;
use lessons::lesson03::pitfalls;
use lessons::lesson03::server::{
    BACKLOG, Config, listen, listen_error, serve_threaded, stdout_log,
};
use lessons::output::{Stdout, print, say, warn};

fn main() -> ExitCode {
    let result = match cli::read(&PROGRAM, parse) {
        Command::Serve(options) => run_server(&options),
        Command::Client { port, names } => {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            run_client(addr, &names, &mut Stdout).map_err(|e| e.to_string())
        }
        Command::Demo { threads } => {
            run_demo(threads, &mut Stdout).map_err(|e| e.to_string())
        }
        Command::Burst(options) => run_burst(&options),
        Command::Pitfall(None) => {
            print(pitfalls::listing());
            Ok(())
        }
        Command::Pitfall(Some(pitfall)) => {
            return if pitfalls::run(pitfall) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            warn(format_args!("error: {message}"));
            ExitCode::FAILURE
        }
    }
}

fn run_server(options: &ServeOptions) -> Result<(), String> {
    let ip = if options.all_interfaces {
        say(
            "warning: listening on all interfaces: anyone who can reach \
             this machine can connect",
        );
        Ipv4Addr::UNSPECIFIED
    } else {
        Ipv4Addr::LOCALHOST
    };
    let addr = SocketAddr::from((ip, options.port));
    let listener = listen(addr, BACKLOG)
        .map_err(|e| listen_error(addr, &e, PROGRAM.name))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    say(format_args!(
        "Listening on {local} (backlog {BACKLOG}). Stop with Ctrl+C."
    ));
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
    say(format_args!(
        "{} clients connect at the same instant to {whose} ...",
        options.clients
    ));
    let report = burst(addr, options.clients);
    let limit = LIMIT.as_secs();
    say(format_args!(
        "served within 1 s: {} of {}\n\
         served within {limit} s: {}\n\
         connected, but no welcome within {limit} s: {}\n\
         slowest served: {} ms",
        report.within_1s,
        report.clients,
        report.served,
        report.no_welcome,
        report.slowest.as_millis()
    ));
    Ok(())
}
