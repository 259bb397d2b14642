//! lesson04: ending a conversation.
//!
//!     cargo run --bin lesson04                     # the server
//!     cargo run --bin lesson04 -- client           # its client
//!     cargo run --bin lesson04 -- demo [SCENARIO]  # each ending, acted out
//!     cargo run --bin lesson04 -- pitfall [NAME]   # a hidden trap, acted out
//!
//! The work happens in `lessons::lesson04`; this file reads the command
//! line, installs the Ctrl+C handler and reports the outcome.

use std::net::SocketAddr;
use std::process::{self, ExitCode};
use std::time::Duration;

use lessons::cli;
use lessons::lesson03::server::listen_error;
use lessons::lesson04::cli::{Command, PROGRAM, parse};
use lessons::lesson04::client::run_client;
use lessons::lesson04::demo;
use lessons::lesson04::log::Log;
use lessons::lesson04::pitfalls;
use lessons::lesson04::server::{Config, Server};
use lessons::output::{Stdout, print, warn};

fn main() -> ExitCode {
    match cli::read(&PROGRAM, parse) {
        Command::Serve { port, idle_timeout } => serve(port, idle_timeout),
        Command::Client { port, names } => {
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            match run_client(address, &names, &mut Stdout) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    warn(format_args!("error: {error}"));
                    ExitCode::FAILURE
                }
            }
        }
        Command::Demo { scenario: None } => {
            print(demo::listing());
            ExitCode::SUCCESS
        }
        Command::Demo {
            scenario: Some(scenario),
        } => {
            if demo::run(scenario) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Pitfall(None) => {
            print(pitfalls::listing());
            ExitCode::SUCCESS
        }
        Command::Pitfall(Some(pitfall)) => {
            if pitfalls::run(pitfall) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

// ANCHOR: serve
fn serve(port: u16, idle_timeout: Duration) -> ExitCode {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let config = Config {
        idle_timeout,
        ..Config::default()
    };
    let log = Log::stdout();
    let server = match Server::bind(address, config, log.clone()) {
        Ok(server) => server,
        Err(error) => {
            let why = listen_error(address, &error, PROGRAM.name);
            warn(format_args!("error: {why}"));
            return ExitCode::FAILURE;
        }
    };
    // Ctrl+C (SIGINT), and with the `termination` feature also SIGTERM
    // and SIGHUP, run this closure on a thread of the `ctrlc` crate.
    let shutdown = server.shutdown_handle();
    let handler = ctrlc::set_handler(move || {
        if !shutdown.request() {
            warn("second signal: exiting at once");
            process::exit(130);
        }
    });
    if let Err(error) = handler {
        warn(format_args!("error: cannot handle Ctrl+C: {error}"));
        return ExitCode::FAILURE;
    }
    log.say("press Ctrl+C to stop");
    server.run();
    ExitCode::SUCCESS
}
// ANCHOR_END: serve
