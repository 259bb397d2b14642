//! Printing: the one way every lesson writes to the terminal.
//!
//! `println!` panics when a line cannot be written ("failed printing to
//! stdout: Broken pipe"), which happens as soon as the reader of our
//! output goes away: `cargo run --bin lesson01 | head -1` closes the pipe
//! after one line. Ignoring the error instead (`let _ = writeln!(...)`)
//! avoids the panic but leaves a server running forever with nobody to
//! read its log. So every line for standard output goes through here:
//!
//! - [`say`] prints one line, [`print`] prints text as it is, and
//!   [`Stdout`] is a `Write` for library code that takes a writer.
//! - If standard output is closed (`BrokenPipe`), the process ends at
//!   once, quietly, with **exit status 0**: the reader has all it wanted,
//!   which is not a failure of ours (`git log | head` behaves the same).
//!   Nothing is written to stderr. Open connections are closed by the
//!   operating system as the process ends.
//! - Any other failure to write (a full disk, say) also ends the process,
//!   with one `error:` line on stderr and exit status 1, the status every
//!   lesson uses for a failure.
//!
//! Standard error gets [`warn`]: a line there that cannot be written is
//! dropped, since there is nowhere left to report it.

use std::fmt::Display;
use std::io::{self, ErrorKind, Write};
use std::process;

/// Prints one line to standard output (see the module's doc for what
/// happens when it cannot).
pub fn say(line: impl Display) {
    let result = writeln!(io::stdout().lock(), "{line}");
    if let Err(error) = result {
        stop(&error);
    }
}

/// Prints `text` to standard output as it is, with no newline added.
pub fn print(text: impl Display) {
    let mut out = io::stdout().lock();
    let result = write!(out, "{text}").and_then(|()| out.flush());
    drop(out);
    if let Err(error) = result {
        stop(&error);
    }
}

/// Prints one line to standard error. Never fails and never panics: if
/// even stderr is gone, the line is lost.
pub fn warn(line: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Standard output as a `Write`, for library functions that print to a
/// writer they are given (the clients, the demos). Every write either
/// succeeds or ends the process as [`say`] does, so callers never see a
/// write error from it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let result = io::stdout().lock().write(bytes);
        result.or_else(|error| stop(&error))
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = io::stdout().lock().flush();
        result.or_else(|error| stop(&error))
    }
}

/// Ends the process after a failed write to standard output. The stdout
/// lock must not be held here: exiting flushes stdout, which takes it.
fn stop(error: &io::Error) -> ! {
    if error.kind() == ErrorKind::BrokenPipe {
        process::exit(0);
    }
    warn(format_args!(
        "error: cannot write to standard output: {error}"
    ));
    process::exit(1);
}
