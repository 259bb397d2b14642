//! The tutorial's way, kept side by side with the real one so the
//! difference can be seen: read 1024 bytes at a time until the server
//! closes, keep everything in memory, split once at the first empty line,
//! and save what follows as it is, whatever the framing.

use std::io::Read;
use std::net::TcpStream;
use std::path::PathBuf;

use super::body::BodyError;
use super::client::{
    FetchError, Fetched, Options, read_before_deadline, save_atomic, show_lines,
};
use super::head::{HEAD_END, find_head_end};

/// The tutorial's `recv(1024)`.
pub const NAIVE_READ: usize = 1024;

// ANCHOR: naive_read
/// Reads everything until `read` returns 0, 1024 bytes per call, into
/// one growing buffer: the whole response sits in memory at the end.
pub fn read_to_close(
    conn: &mut impl Read,
    options: &Options,
) -> Result<Vec<u8>, FetchError> {
    let limits = &options.limits;
    let most = limits.max_body + limits.max_head as u64;
    let mut data = Vec::new();
    let mut piece = [0u8; NAIVE_READ];
    loop {
        let n = read_before_deadline(conn, &mut piece, "the response", limits)?;
        if n == 0 {
            return Ok(data);
        }
        data.extend_from_slice(&piece[..n]);
        if data.len() as u64 > most {
            let limit = limits.max_body;
            return Err(BodyError::TooLarge { limit }.into());
        }
    }
}
// ANCHOR_END: naive_read

// ANCHOR: naive_split
/// `header, html = data.split(b'\r\n\r\n', 1)`: the first empty line
/// splits head from body. The tutorial's Python raises an exception
/// when there is none; we say so in one line.
pub fn split_once(data: &[u8]) -> Result<(&[u8], &[u8]), FetchError> {
    let end =
        find_head_end(data, 0).ok_or(FetchError::ClosedBeforeHeadEnd {
            received: data.len(),
        })?;
    Ok((&data[..end - HEAD_END.len()], &data[end..]))
}
// ANCHOR_END: naive_split

/// The naive mode after the request went out.
pub fn receive(
    stream: &mut TcpStream,
    options: &Options,
    say: &mut dyn FnMut(&str),
) -> Result<Fetched, FetchError> {
    say(&format!(
        "\n(--naive) Reading {NAIVE_READ} bytes at a time until the server \
         closes, all into memory..."
    ));
    let data = read_to_close(stream, options)?;
    say(&format!(
        "read() returned 0 after {} bytes in all: the server closed.",
        data.len()
    ));
    let (head, body) = split_once(&data)?;
    say("\nSplit once at the first empty line. Everything before it:");
    show_lines(head, say);
    if looks_chunked(head) {
        say(
            "\nnote: the head says \"Transfer-Encoding: chunked\", but the \
             naive client saves the body as it is, so the file holds the \
             hex chunk size lines too. Run without --naive to decode them.",
        );
    }
    let path = options
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("lesson02-page.html"));
    save_atomic(&path, |file| {
        std::io::Write::write_all(file, body)
            .map_err(|e| BodyError::Write(e).into())
    })?;
    Ok(Fetched {
        path,
        body_bytes: body.len() as u64,
        head: None,
    })
}

/// A rough look for the header, just to warn: no real parsing here.
fn looks_chunked(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.lines().any(|line| {
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    })
}
