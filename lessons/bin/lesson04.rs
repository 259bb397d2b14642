//! lesson04: ending a conversation.
//!
//!     cargo run --bin lesson04                     # the server
//!     cargo run --bin lesson04 -- client           # its client
//!     cargo run --bin lesson04 -- demo [SCENARIO]  # each ending, acted out
//!
//! The work happens in `lessons::lesson04`; this file reads the command
//! line, installs the Ctrl+C handler and reports the outcome.

use std::io;
use std::net::SocketAddr;
use std::process::{self, ExitCode};
use std::time::Duration;

use lessons::cli::text_args;
use lessons::lesson04::cli::{Command, USAGE, parse};
use lessons::lesson04::client::run_client;
use lessons::lesson04::demo;
use lessons::lesson04::log::Log;
use lessons::lesson04::server::{Config, Server};

fn main() -> ExitCode {
    let args = match text_args() {
        Ok(args) => args,
        Err(message) => return usage_error(&message),
    };
    match parse(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Serve { port, idle_timeout }) => serve(port, idle_timeout),
        Ok(Command::Client { port, names }) => {
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            match run_client(address, &names, &mut io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Command::Demo { scenario: None }) => {
            print!("{}", demo::listing());
            ExitCode::SUCCESS
        }
        Ok(Command::Demo {
            scenario: Some(name),
        }) => match demo::find(&name) {
            Some(scenario) if demo::run(scenario) => ExitCode::SUCCESS,
            Some(_) => ExitCode::FAILURE,
            None => {
                eprintln!("error: no scenario {name:?}\n");
                eprint!("{}", demo::listing());
                ExitCode::from(2)
            }
        },
        Err(message) => usage_error(&message),
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
            eprintln!("error: port {port} is not free: {error} (try --port 0)");
            return ExitCode::FAILURE;
        }
    };
    // Ctrl+C (SIGINT), and with the `termination` feature also SIGTERM
    // and SIGHUP, run this closure on a thread of the `ctrlc` crate.
    let shutdown = server.shutdown_handle();
    let handler = ctrlc::set_handler(move || {
        if !shutdown.request() {
            eprintln!("second signal: exiting at once");
            process::exit(130);
        }
    });
    if let Err(error) = handler {
        eprintln!("error: cannot handle Ctrl+C: {error}");
        return ExitCode::FAILURE;
    }
    log.say("press Ctrl+C to stop");
    server.run();
    ExitCode::SUCCESS
}
// ANCHOR_END: serve

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n(run with --help for usage)");
    ExitCode::from(2)
}
