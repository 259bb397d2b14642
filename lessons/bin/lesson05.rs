//! lesson05: UDP, talking without a connection.
//!
//!     cargo run --bin lesson05                     # the tour
//!     cargo run --bin lesson05 -- server           # the UDP server
//!     cargo run --bin lesson05 -- client [NAME...] # its client
//!     cargo run --bin lesson05 -- ping             # through a lossy relay
//!     cargo run --bin lesson05 -- demo [SCENARIO]  # UDP against TCP
//!     cargo run --bin lesson05 -- dns [NAME...]    # DNS by hand
//!
//! The work happens in `lessons::lesson05`; this file reads the command
//! line and reports the outcome.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use lessons::cli;
use lessons::lesson04::log::Log;
use lessons::lesson05::cli::{Command, PROGRAM, parse};
use lessons::lesson05::client::{PATIENCE, run_client};
use lessons::lesson05::server::Server;
use lessons::lesson05::{demo, dns_cli, ping, tour};
use lessons::output::{Stdout, print, warn};

fn main() -> ExitCode {
    let ok = match cli::read(&PROGRAM, parse) {
        Command::Dns(command) => return dns_cli::run(command),
        Command::Tour => tour::run(),
        Command::Serve { port } => serve(port),
        Command::Client { port, names } => {
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            run_client(address, &names, PATIENCE, &mut Stdout)
                .map_err(|error| warn(format_args!("error: {error}")))
                .is_ok()
        }
        Command::Ping(options) => ping::run(options, &mut Stdout)
            .map_err(|error| warn(format_args!("error: {error}")))
            .is_ok(),
        Command::Demo { scenario: None } => {
            print(demo::listing());
            true
        }
        Command::Demo {
            scenario: Some(scenario),
        } => demo::run(scenario, &mut Stdout),
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn serve(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let log = Log::stdout();
    let server = match Server::bind(address, log.clone()) {
        Ok(server) => server,
        Err(error) => {
            warn(format_args!("error: cannot bind {address}: {error}"));
            return false;
        }
    };
    // Ctrl+C and SIGTERM set the stop flag; the server notices within
    // one tick of its read timeout. There are no connections to close.
    let stop = server.stop_handle();
    let handler =
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    if let Err(error) = handler {
        warn(format_args!("error: cannot handle Ctrl+C: {error}"));
        return false;
    }
    log.say(format_args!(
        "listening on {} (UDP); press Ctrl+C to stop",
        server.local_addr()
    ));
    let summary = server.run();
    log.say(format_args!(
        "stopped: {} datagram(s) from {} peer(s)",
        summary.datagrams, summary.peers
    ));
    true
}
