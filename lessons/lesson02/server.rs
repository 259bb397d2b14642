//! A tiny HTTP/1.1 server of our own, so the lesson runs without the
//! internet. It listens on 127.0.0.1 with a port the OS picks, serves one
//! connection at a time in a background thread, and answers each path in
//! a different way. Four paths are honest, each with its own framing:
//!
//! | path       | framing                                           |
//! |------------|---------------------------------------------------|
//! | `/`        | `Content-Length`                                  |
//! | `/chunked` | `Transfer-Encoding: chunked`                      |
//! | `/close`   | no length: the body ends when the server closes   |
//! | `/binary`  | `Content-Length`, all 256 byte values (not UTF-8) |
//!
//! The others ([`FAULTS`]) misbehave, each in one way, so that a learner
//! can watch the client meet every trouble the chapter describes:
//! `cargo run --bin lesson02 -- --local /short-body`.
//!
//! lesson03 is about writing servers; this one is only the other end of
//! lesson02's conversation.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use super::head::find_head_end;

/// The honest paths, and what each shows.
pub const PATHS: &[(&str, &str)] = &[
    ("/", "a page with Content-Length"),
    ("/chunked", "the same page, Transfer-Encoding: chunked"),
    ("/close", "the same page, ended by closing the connection"),
    ("/binary", "256 bytes, every value 0-255 (not UTF-8)"),
];

/// The paths where the server misbehaves, and how.
pub const FAULTS: &[(&str, &str)] = &[
    ("/not-http", "answers like an SSH server, not in HTTP"),
    ("/closed-at-once", "closes without sending a byte"),
    ("/closed-mid-head", "closes in the middle of the head"),
    ("/bad-status-line", "a status line with no status code"),
    ("/bad-header-line", "a header name with a space in it"),
    ("/huge-head", "70 KiB of header lines and no empty line"),
    (
        "/short-body",
        "Content-Length: 100, then 19 bytes and close",
    ),
    ("/bad-content-length", "Content-Length: +12"),
    ("/conflicting-lengths", "two Content-Length headers"),
    ("/bad-chunk-size", "a chunk size that is not hex"),
    ("/chunk-too-long", "a chunk longer than its size says"),
    ("/closed-mid-chunk", "closes in the middle of a chunk"),
    ("/endless", "2 MiB with no length (try --max-body 1048576)"),
    ("/binary-404", "a 404 whose page is bytes, in chunks"),
    (
        "/silent",
        "reads the request, never answers (try --timeout 1)",
    ),
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

/// How long the server waits for a request, and how long `/silent`
/// keeps a connection open at most.
const WAIT: Duration = Duration::from_secs(5);
const SILENT_AT_MOST: Duration = Duration::from_secs(60);

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

/// What the server does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Send these bytes, then close.
    Send(Vec<u8>),
    /// Send nothing; wait until the client gives up and closes.
    Silent,
}

/// Reads one request head and answers it.
fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(WAIT))?;
    stream.set_write_timeout(Some(WAIT))?;
    let mut request = Vec::new();
    let mut piece = [0u8; 1024];
    while find_head_end(&request, 0).is_none() {
        let n = stream.read(&mut piece)?;
        if n == 0 || request.len() > 8192 {
            return Ok(());
        }
        request.extend_from_slice(&piece[..n]);
    }
    match answer(&request) {
        Answer::Send(bytes) => stream.write_all(&bytes),
        Answer::Silent => {
            let start = Instant::now();
            while start.elapsed() < SILENT_AT_MOST {
                match stream.read(&mut piece) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(error) if is_timeout(&error) => {}
                    Err(error) => return Err(error),
                }
            }
            Ok(())
        }
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// What to do with a request head.
pub fn answer(request: &[u8]) -> Answer {
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let (path, version) = match words.as_slice() {
        [b"GET", path, version] if version.starts_with(b"HTTP/1.") => {
            (*path, *version)
        }
        [_, _, _] => {
            let why = "only GET is served\n";
            return Answer::Send(plain(405, "Method Not Allowed", why));
        }
        _ => {
            let why = "that was not an HTTP request\n";
            return Answer::Send(plain(400, "Bad Request", why));
        }
    };
    // An HTTP/1.1 request must say which site it is for (RFC 9112,
    // section 3.2), and a server must refuse one that does not.
    let http_1_0 = version == b"HTTP/1.0";
    if !http_1_0 && !has_host(request) {
        let why = "an HTTP/1.1 request needs a Host header\n";
        return Answer::Send(plain(400, "Bad Request", why));
    }
    match path {
        b"/silent" => Answer::Silent,
        _ => Answer::Send(respond(path, http_1_0)),
    }
}

/// Whether the head has a `Host:` line (name in any case).
fn has_host(request: &[u8]) -> bool {
    request
        .split(|&b| b == b'\n')
        .skip(1)
        .any(|line| line.len() > 5 && line[..5].eq_ignore_ascii_case(b"host:"))
}

fn respond(path: &[u8], http_1_0: bool) -> Vec<u8> {
    let html = "text/html; charset=utf-8";
    match path {
        b"/" => with_length(200, "OK", html, PAGE.as_bytes()),
        // Chunked coding is HTTP/1.1's: a server must not send it to an
        // HTTP/1.0 client, so that one gets the page ended by the close.
        b"/chunked" if !http_1_0 => {
            chunked(200, "OK", html, PAGE.as_bytes(), 0)
        }
        b"/chunked" | b"/close" => {
            let mut response = head("HTTP/1.1 200 OK", html, &[]);
            response.extend_from_slice(PAGE.as_bytes());
            response
        }
        b"/binary" => {
            let bytes: Vec<u8> = (0..=255).collect();
            with_length(200, "OK", "application/octet-stream", &bytes)
        }
        _ => fault(path).unwrap_or_else(|| {
            plain(404, "Not Found", "no such page; try / or /chunked\n")
        }),
    }
}

/// The misbehaving answers of [`FAULTS`].
fn fault(path: &[u8]) -> Option<Vec<u8>> {
    let ok = "HTTP/1.1 200 OK";
    let text = "text/plain; charset=utf-8";
    Some(match path {
        b"/not-http" => b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec(),
        b"/closed-at-once" => Vec::new(),
        b"/closed-mid-head" => b"HTTP/1.1 200 OK\r\nContent-Le".to_vec(),
        b"/bad-status-line" => {
            raw("HTTP/1.1 OK", &["Content-Length: 2"], b"hi")
        }
        b"/bad-header-line" => raw(ok, &["Content Length: 2"], b"hi"),
        b"/huge-head" => {
            let mut bytes = b"HTTP/1.1 200 OK\r\n".to_vec();
            while bytes.len() < 70 * 1024 {
                bytes.extend_from_slice(b"X-Padding: ");
                bytes.extend_from_slice(&[b'a'; 32]);
                bytes.extend_from_slice(b"\r\n");
            }
            bytes
        }
        b"/short-body" => {
            raw(ok, &["Content-Length: 100"], b"only 19 bytes here.")
        }
        b"/bad-content-length" => {
            raw(ok, &["Content-Length: +12"], b"twelve bytes")
        }
        b"/conflicting-lengths" => {
            raw(ok, &["Content-Length: 5", "Content-Length: 6"], b"hello!")
        }
        b"/bad-chunk-size" => raw(
            ok,
            &["Transfer-Encoding: chunked"],
            b"5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n",
        ),
        b"/chunk-too-long" => raw(
            ok,
            &["Transfer-Encoding: chunked"],
            b"3\r\nhello\r\n0\r\n\r\n",
        ),
        b"/closed-mid-chunk" => raw(
            ok,
            &["Transfer-Encoding: chunked"],
            b"5\r\nhello\r\n5\r\nwo",
        ),
        b"/endless" => head(ok, text, &[])
            .into_iter()
            .chain(std::iter::repeat_n(b'z', 2 << 20))
            .collect(),
        b"/binary-404" => {
            let bytes: Vec<u8> = (0..=255u8).rev().collect();
            let kind = "application/octet-stream";
            chunked(404, "Not Found", kind, &bytes, 100)
        }
        _ => return None,
    })
}

/// A response exactly as given: status line, header lines, empty line,
/// body. The misbehaving answers are built with this.
fn raw(status: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut text = format!("{status}\r\n");
    for line in headers {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The head of an honest answer: status line, headers, empty line.
fn head(status: &str, kind: &str, extra: &[&str]) -> Vec<u8> {
    let mut text = format!(
        "{status}\r\n\
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
    let status = format!("HTTP/1.1 {code} {reason}");
    let mut response = head(&status, kind, &[&length]);
    response.extend_from_slice(body);
    response
}

/// The body in chunks: each is its size in hex, `\r\n`, the data,
/// `\r\n`. A chunk of size 0 and an empty line end the body. With `size`
/// 0, each line of the body is one chunk.
fn chunked(
    code: u16,
    reason: &str,
    kind: &str,
    body: &[u8],
    size: usize,
) -> Vec<u8> {
    let status = format!("HTTP/1.1 {code} {reason}");
    let mut response = head(&status, kind, &["Transfer-Encoding: chunked"]);
    let pieces: Vec<&[u8]> = if size == 0 {
        body.split_inclusive(|&b| b == b'\n').collect()
    } else {
        body.chunks(size).collect()
    };
    for piece in pieces {
        response.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        response.extend_from_slice(piece);
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"0\r\n\r\n");
    response
}

fn plain(code: u16, reason: &str, body: &str) -> Vec<u8> {
    with_length(code, reason, "text/plain; charset=utf-8", body.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str, version: &str, host: bool) -> Answer {
        let host = if host { "Host: x\r\n" } else { "" };
        answer(format!("GET {path} {version}\r\n{host}\r\n").as_bytes())
    }

    fn status_line(answer: &Answer) -> String {
        let Answer::Send(bytes) = answer else {
            return "(silent)".into();
        };
        let text = String::from_utf8_lossy(bytes);
        text.lines().next().unwrap_or_default().to_string()
    }

    #[test]
    fn http_1_1_needs_host() {
        let answer = get("/", "HTTP/1.1", false);
        assert_eq!(status_line(&answer), "HTTP/1.1 400 Bad Request");
        let answer = get("/", "HTTP/1.0", false);
        assert_eq!(status_line(&answer), "HTTP/1.1 200 OK");
    }

    #[test]
    fn http_1_0_is_never_chunked() {
        let Answer::Send(v11) = get("/chunked", "HTTP/1.1", true) else {
            panic!("an answer");
        };
        let Answer::Send(v10) = get("/chunked", "HTTP/1.0", true) else {
            panic!("an answer");
        };
        let te = |b: &[u8]| {
            String::from_utf8_lossy(b).contains("Transfer-Encoding: chunked")
        };
        assert!(te(&v11));
        assert!(!te(&v10));
        assert!(v10.ends_with(PAGE.as_bytes()));
    }

    #[test]
    fn every_listed_path_is_served() {
        for (path, _) in PATHS.iter().chain(FAULTS) {
            let answer = get(path, "HTTP/1.1", true);
            let line = status_line(&answer);
            assert!(
                !line.contains(" 404 ") || *path == "/binary-404",
                "{path}"
            );
        }
        assert_eq!(get("/silent", "HTTP/1.1", true), Answer::Silent);
        assert!(status_line(&get("/nope", "HTTP/1.1", true)).contains("404"));
    }
}
