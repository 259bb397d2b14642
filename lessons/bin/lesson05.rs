//! lesson05: UDP, talking without a connection.
//!
//!     cargo run --bin lesson05 -- dns [NAME...]   # DNS by hand
//!
//! The work happens in `lessons::lesson05`; this file reads the command
//! line and runs it.

use std::process::ExitCode;

use lessons::cli;
use lessons::lesson05::cli::{Command, PROGRAM, parse};
use lessons::lesson05::dns_cli;

fn main() -> ExitCode {
    match cli::read(&PROGRAM, parse) {
        Command::Dns(command) => dns_cli::run(command),
    }
}
