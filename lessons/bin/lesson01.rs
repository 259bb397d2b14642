//! lesson01: explain IPv4 and IPv6 addresses, socket addresses and ports.
//!
//!     cargo run --bin lesson01                    # a guided tour
//!     cargo run --bin lesson01 -- 10.0.0.1 ::1    # explain your own
//!     cargo run --bin lesson01 -- pitfall [NAME]  # a surprise, acted out
//!
//! The work happens in `lessons::lesson01`; this file only reads the
//! command line and prints.

use std::process::ExitCode;

use lessons::cli;
use lessons::lesson01::cli::{Command, PROGRAM, parse};
use lessons::lesson01::explain::{explain, tour};
use lessons::lesson01::pitfalls;
use lessons::output::{print, say, warn};

fn main() -> ExitCode {
    let addresses = match cli::read(&PROGRAM, parse) {
        Command::Explain(addresses) => addresses,
        Command::Pitfall(None) => {
            print(pitfalls::listing());
            return ExitCode::SUCCESS;
        }
        Command::Pitfall(Some(pitfall)) => {
            return if pitfalls::run(pitfall) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    if addresses.is_empty() {
        print(tour());
        return ExitCode::SUCCESS;
    }
    let mut failed = 0;
    for (index, address) in addresses.iter().enumerate() {
        match explain(address) {
            Ok(block) => {
                // A blank line before each explanation; error lines stay
                // together.
                if index > 0 {
                    say("");
                }
                say(block);
            }
            Err(error) => {
                warn(format_args!("error: {error}"));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        let total = addresses.len();
        warn(format_args!(
            "\n{failed} of {total} arguments were not addresses"
        ));
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
