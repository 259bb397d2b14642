//! A tiny HTTP/1.1 server of our own, so the lesson runs without the
//! internet. It listens on 127.0.0.1 with a port the OS picks, serves one
//! connection at a time in a background thread, and answers each path in
//! a different framing:
//!
//! | path       | framing                                           |
//! |------------|---------------------------------------------------|
//! | `/`        | `Content-Length`                                  |
//! | `/chunked` | `Transfer-Encoding: chunked`                      |
//! | `/close`   | no length: the body ends when the server closes   |
//! | `/binary`  | `Content-Length`, all 256 byte values (not UTF-8) |
//!
//! lesson03 is about writing servers; this one is only the other end of
//! lesson02's conversation.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use super::head::find_head_end;

/// The paths the built-in server knows, and what each shows.
pub const PATHS: &[(&str, &str)] = &[
    ("/", "a page with Content-Length"),
    ("/chunked", "the same page, Transfer-Encoding: chunked"),
    ("/close", "the same page, ended by closing the connection"),
    ("/binary", "256 bytes, every value 0-255 (not UTF-8)"),
];

/// The page the server sends.
pub const PAGE: &str = "<!doctype html>
<html>
<head><title>lesson02</title></head>
<body>
<h1>Hello from lesson02's built-in server</h1>
<p>This page came to you over a TCP connection on 127.0.0.1.</p>
</body>
</html>
";

/// Starts the server in a background thread and returns its address. The
/// thread ends with the program.
pub fn start() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        loop {
            // One client's trouble must not stop the server: ignore a
            // failed exchange, and pause a moment if accept itself fails
            // (out of file descriptors, say) instead of spinning.
            match listener.accept() {
                Ok((stream, _)) => {
                    let _ = serve(stream);
                }
                Err(_) => thread::sleep(Duration::from_millis(50)),
            }
        }
    });
    Ok(addr)
}

/// Reads one request head and answers it.
fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut request = Vec::new();
    let mut piece = [0u8; 1024];
    while find_head_end(&request, 0).is_none() {
        let n = stream.read(&mut piece)?;
        if n == 0 || request.len() > 8192 {
            return Ok(());
        }
        request.extend_from_slice(&piece[..n]);
    }
    stream.write_all(&response_for(&request))
}

/// The whole response for a request head.
pub fn response_for(request: &[u8]) -> Vec<u8> {
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    match words.as_slice() {
        [b"GET", path, version] if version.starts_with(b"HTTP/1.") => {
            respond(path)
        }
        [_, _, _] => plain(405, "Method Not Allowed", "only GET is served\n"),
        _ => plain(400, "Bad Request", "that was not an HTTP request\n"),
    }
}

fn respond(path: &[u8]) -> Vec<u8> {
    let html = "text/html; charset=utf-8";
    match path {
        b"/" => with_length(200, "OK", html, PAGE.as_bytes()),
        b"/chunked" => chunked(html, PAGE),
        b"/close" => {
            let mut response = head(200, "OK", html, &[]);
            response.extend_from_slice(PAGE.as_bytes());
            response
        }
        b"/binary" => {
            let bytes: Vec<u8> = (0..=255).collect();
            with_length(200, "OK", "application/octet-stream", &bytes)
        }
        _ => plain(404, "Not Found", "no such page; try / or /chunked\n"),
    }
}

/// The head: status line, headers, empty line.
fn head(code: u16, reason: &str, kind: &str, extra: &[&str]) -> Vec<u8> {
    let mut text = format!(
        "HTTP/1.1 {code} {reason}\r\n\
         Server: lesson02-builtin\r\n\
         Content-Type: {kind}\r\n"
    );
    for line in extra {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("Connection: close\r\n\r\n");
    text.into_bytes()
}

fn with_length(code: u16, reason: &str, kind: &str, body: &[u8]) -> Vec<u8> {
    let length = format!("Content-Length: {}", body.len());
    let mut response = head(code, reason, kind, &[&length]);
    response.extend_from_slice(body);
    response
}

/// Each line of the page becomes one chunk: its size in hex, `\r\n`, the
/// data, `\r\n`. A chunk of size 0 and an empty line end the body.
fn chunked(kind: &str, page: &str) -> Vec<u8> {
    let te = "Transfer-Encoding: chunked";
    let mut response = head(200, "OK", kind, &[te]);
    for line in page.split_inclusive('\n') {
        response.extend_from_slice(format!("{:x}\r\n", line.len()).as_bytes());
        response.extend_from_slice(line.as_bytes());
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"0\r\n\r\n");
    response
}

fn plain(code: u16, reason: &str, body: &str) -> Vec<u8> {
    with_length(code, reason, "text/plain; charset=utf-8", body.as_bytes())
}
