//! lesson06: see the packets, TCP segment by segment.
//!
//!     cargo run --bin lesson06                     # the conversation
//!     cargo run --bin lesson06 -- demo [SCENARIO]  # another scenario
//!     cargo run --bin lesson06 -- --pcap FILE      # and write a capture
//!
//! The work happens in `lessons::lesson06`; this file reads the command
//! line, prints the trace and writes the capture.

use std::process::ExitCode;

use lessons::cli;
use lessons::lesson06::cli::{Command, PROGRAM, parse};
use lessons::lesson06::{demo, pcap};
use lessons::output::{print, say, warn};

fn main() -> ExitCode {
    let (name, file) = match cli::read(&PROGRAM, parse) {
        Command::List => {
            print(demo::listing());
            return ExitCode::SUCCESS;
        }
        Command::Play { scenario, pcap } => (scenario, pcap),
    };
    let Some(scenario) = demo::find(name) else {
        warn(format_args!("error: no scenario {name}"));
        return ExitCode::FAILURE;
    };
    let outcome = demo::run(scenario);
    for line in &outcome.lines {
        say(line);
    }
    if let Some(error) = outcome.error {
        warn(format_args!("error: {error}"));
        return ExitCode::FAILURE;
    }
    if let Some(file) = file {
        let bytes = pcap::capture(&outcome.frames);
        if let Err(error) = std::fs::write(&file, bytes) {
            warn(format_args!(
                "error: cannot write {}: {error}",
                file.display()
            ));
            return ExitCode::FAILURE;
        }
        let kept = outcome.frames.iter().filter(|f| !f.dropped).count();
        say(format_args!("wrote {kept} frames to {}", file.display()));
    }
    ExitCode::SUCCESS
}
