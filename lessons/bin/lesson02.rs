//! lesson02: fetch a page with a raw HTTP GET over a TCP socket.
//!
//!     cargo run --bin lesson02                     # from a built-in server
//!     cargo run --bin lesson02 -- --local /chunked # another framing
//!     cargo run --bin lesson02 -- http://HOST/PATH # from a real server
//!
//! The work happens in `lessons::lesson02`; this file reads the command
//! line, starts the built-in server if needed, and prints.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use lessons::cli;
use lessons::lesson02::cli::{Fetch, PROGRAM, Source, parse};
use lessons::lesson02::client::{Fetched, fetch};
use lessons::lesson02::request::show_bytes;
use lessons::lesson02::server;
use lessons::lesson02::url::parse_target;
use lessons::output::{say, warn};

fn main() -> ExitCode {
    let Fetch { source, options } = cli::read(&PROGRAM, parse);
    let url = match source {
        Source::Url(url) => url,
        Source::Local(path) => match server::start() {
            Ok(addr) => {
                say(format_args!(
                    "Started the built-in HTTP server on {addr}."
                ));
                format!("http://{addr}{path}")
            }
            Err(error) => {
                return failure(&format!("cannot start the server: {error}"));
            }
        },
    };
    let target = match parse_target(&url) {
        Ok(target) => target,
        Err(error) => return failure(&error.to_string()),
    };
    say(format_args!("Fetching {}", target.url()));
    match fetch(&target, &options, &mut |line: &str| say(line)) {
        Ok(fetched) => {
            report(&fetched);
            ExitCode::SUCCESS
        }
        Err(error) => failure(&error.to_string()),
    }
}

/// Says where the body went and shows how the file begins.
fn report(fetched: &Fetched) {
    let path = &fetched.path;
    let full = std::path::absolute(path).unwrap_or_else(|_| path.clone());
    say(format_args!(
        "\nSaved the body, {} bytes, to {}",
        fetched.body_bytes,
        path.display()
    ));
    say(format_args!("  ({})", full.display()));
    if let Some(head) = &fetched.head
        && !(200..300).contains(&head.status.code)
    {
        say(format_args!(
            "  note: status {}: the file holds the server's error page",
            head.status.code
        ));
    }
    if fetched.body_bytes > 0 {
        say("The file begins:");
        for line in first_lines(path) {
            say(format_args!("  {line}"));
        }
    }
}

/// How a file begins: its first lines (escaped) if it looks like text, or
/// a hex dump of its first 64 bytes if it does not.
fn first_lines(path: &Path) -> Vec<String> {
    let mut start = Vec::new();
    let read = File::open(path)
        .and_then(|file| file.take(320).read_to_end(&mut start));
    if let Err(error) = read {
        return vec![format!("(cannot read it back: {error})")];
    }
    let text_like = |b: &u8| b.is_ascii_graphic() || b" \r\n\t".contains(b);
    if !start.iter().all(text_like) {
        return hex_dump(&start[..start.len().min(64)]);
    }
    let mut lines = show_bytes(&start);
    if lines.len() > 8 {
        lines.truncate(8);
        lines.push("...".into());
    }
    lines
}

/// `0000  00 01 02 ...`: offset, then 16 bytes in hex.
fn hex_dump(bytes: &[u8]) -> Vec<String> {
    let mut lines = vec!["(not text; the first bytes in hex)".to_string()];
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> =
            chunk.iter().map(|b| format!("{b:02x}")).collect();
        lines.push(format!("{:04x}  {}", row * 16, hex.join(" ")));
    }
    lines
}

fn failure(message: &str) -> ExitCode {
    warn(format_args!("error: {message}"));
    ExitCode::FAILURE
}
