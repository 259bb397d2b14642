//! lesson07: many clients, few threads.
//!
//!     cargo run --bin lesson07                          # the server (events)
//!     cargo run --bin lesson07 -- --design async        # ... or another design
//!     cargo run --bin lesson07 -- client                # its client
//!     cargo run --bin lesson07 -- demo                  # the designs compared
//!
//! The work happens in `lessons::lesson07`; this file reads the command
//! line, installs the Ctrl+C handler and reports the outcome.

use std::net::SocketAddr;
use std::process::{self, ExitCode};
use std::time::Duration;

use lessons::cli;
use lessons::lesson03::server::listen_error;
use lessons::lesson04::client::{ClientError, run_client};
use lessons::lesson04::log::Log;
use lessons::lesson04::server::Config;
use lessons::lesson07::cli::{Command, PROGRAM, parse};
use lessons::lesson07::{Design, Server, demo};
use lessons::output::{Stdout, warn};

fn main() -> ExitCode {
    match cli::read(&PROGRAM, parse) {
        Command::Serve {
            design,
            port,
            idle_timeout,
        } => serve(design, port, idle_timeout),
        Command::Client { port, names } => {
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            match run_client(address, &names, &mut Stdout) {
                Ok(()) => ExitCode::SUCCESS,
                // lesson04's client, so its hint names lesson04: ours.
                Err(ClientError::Connect { address, error }) => {
                    warn(format_args!(
                        "error: cannot connect to {address}: {error} (is the \
                         server running? cargo run --bin lesson07)"
                    ));
                    ExitCode::FAILURE
                }
                Err(error) => {
                    warn(format_args!("error: {error}"));
                    ExitCode::FAILURE
                }
            }
        }
        Command::Demo { clients, silent } => {
            if demo::run(clients, silent) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn serve(design: Design, port: u16, idle_timeout: Duration) -> ExitCode {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let config = Config {
        idle_timeout,
        ..Config::default()
    };
    let log = Log::stdout();
    let server = match Server::bind(design, address, config, log.clone()) {
        Ok(server) => server,
        Err(error) => {
            let why = listen_error(address, &error, PROGRAM.name);
            warn(format_args!("error: {why}"));
            return ExitCode::FAILURE;
        }
    };
    // ANCHOR: handler
    // Whatever the design, the handler only asks; the server stops itself.
    let stop = server.stop_handle();
    let handler = ctrlc::set_handler(move || {
        if !stop.request() {
            warn("second signal: exiting at once");
            process::exit(130);
        }
    });
    if let Err(error) = handler {
        warn(format_args!("error: cannot handle Ctrl+C: {error}"));
        return ExitCode::FAILURE;
    }
    // ANCHOR_END: handler
    log.say(format_args!(
        "design: {}; press Ctrl+C to stop",
        design.name()
    ));
    server.run();
    ExitCode::SUCCESS
}
