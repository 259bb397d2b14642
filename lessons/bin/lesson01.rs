//! lesson01: explain IPv4 and IPv6 addresses, socket addresses and ports.
//!
//!     cargo run --bin lesson01                    # a guided tour
//!     cargo run --bin lesson01 -- 10.0.0.1 ::1    # explain your own
//!
//! The work happens in `lessons::lesson01`; this file only reads the
//! command line and prints.

use std::env;
use std::process::ExitCode;

use lessons::lesson01::explain::{explain, tour};

const USAGE: &str =
    "usage: cargo run --bin lesson01 -- [ADDRESS | SOCKET-ADDRESS]...

With no arguments, a tour of example addresses. Otherwise each argument is
explained: an IPv4 address (192.168.0.1), an IPv6 address (2001:db8::1) or a
socket address (192.168.0.1:80, [2001:db8::1]:443).";

fn main() -> ExitCode {
    let args: Vec<_> = env::args_os().skip(1).collect();
    if args.is_empty() {
        print!("{}", tour());
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|arg| arg == "-h" || arg == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let mut failed = 0;
    for (index, arg) in args.iter().enumerate() {
        // A blank line before each explanation; error lines stay together.
        let separate = || {
            if index > 0 {
                println!();
            }
        };
        // Arguments are OS strings: on Unix any bytes at all. Refuse
        // what is not UTF-8 instead of panicking on it.
        let Some(text) = arg.to_str() else {
            eprintln!(
                "error: {arg:?} is not UTF-8 text, so it cannot be an address"
            );
            failed += 1;
            continue;
        };
        match explain(text) {
            Ok(block) => {
                separate();
                println!("{block}");
            }
            Err(error) => {
                eprintln!("error: {error}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("\n{failed} of {} arguments were not addresses", args.len());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
