//! The client: look the host up, connect, send the request, read the
//! head, then stream the body into a file, framed the way the head says.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::body::{BodyError, ChunkedDecoder, Framing, framing};
use super::head::{HeadError, ResponseHead, find_head_end, parse_head};
use super::request::{build_request, show_bytes};
use super::url::Target;

// ANCHOR: limits
/// How long to wait and how much to accept. A client that sets no limits
/// can be made to wait forever, or to fill the disk, by any server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For looking the name up, for connecting, and for each read and
    /// write: if nothing moves for this long, give up.
    pub timeout: Duration,
    /// The longest head we accept.
    pub max_head: usize,
    /// The longest body we save.
    pub max_body: u64,
    /// How many bytes one `read` may return. Each read is a system call,
    /// so a bigger buffer means fewer calls for the same body.
    pub buffer: usize,
    /// The most the whole fetch may take. The read timeout alone cannot
    /// stop a server that sends one byte just before each timeout.
    pub max_time: Duration,
    /// When `max_time` runs out: `fetch` sets it as it starts. `None`:
    /// no overall limit, only the timeout of each read.
    pub deadline: Option<Instant>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            max_head: 64 * 1024,
            max_body: 1 << 30,
            buffer: 64 * 1024,
            max_time: Duration::from_secs(600),
            deadline: None,
        }
    }
}
// ANCHOR_END: limits

/// Everything that can go wrong with a fetch, each said in one line.
#[derive(Debug)]
pub enum FetchError {
    Resolve {
        host: String,
        reason: String,
    },
    ResolveTimeout {
        host: String,
        secs: u64,
    },
    NoAddress {
        host: String,
    },
    Connect {
        place: String,
        reason: String,
    },
    Send(String),
    TimedOut {
        waiting_for: &'static str,
        secs: u64,
    },
    TooSlow {
        waiting_for: &'static str,
        secs: u64,
    },
    Receive {
        during: &'static str,
        reason: String,
    },
    ClosedBeforeHeadEnd {
        received: usize,
    },
    HeadTooLarge {
        limit: usize,
    },
    Interim {
        code: u16,
    },
    Head(HeadError),
    Body(BodyError),
    Save {
        path: PathBuf,
        reason: String,
    },
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FetchError::*;
        match self {
            Resolve { host, reason } => write!(
                f,
                "cannot find the host {host:?} (DNS lookup failed: {reason})"
            ),
            ResolveTimeout { host, secs } => write!(
                f,
                "cannot find the host {host:?}: no answer from DNS in {secs} s"
            ),
            NoAddress { host } => {
                write!(f, "the host {host:?} has no addresses")
            }
            Connect { place, reason } => {
                write!(f, "cannot connect to {place}: {reason}")
            }
            Send(reason) => write!(f, "cannot send the request: {reason}"),
            TimedOut { waiting_for, secs } => write!(
                f,
                "timed out: the server sent nothing for {secs} s while we \
                 waited for {waiting_for}"
            ),
            TooSlow { waiting_for, secs } => write!(
                f,
                "too slow: after {secs} s in all we are still waiting for \
                 {waiting_for} (--max-time)"
            ),
            Receive { during, reason } => {
                write!(f, "receiving {during} failed: {reason}")
            }
            ClosedBeforeHeadEnd { received: 0 } => write!(
                f,
                "the server closed the connection without sending anything"
            ),
            ClosedBeforeHeadEnd { received } => write!(
                f,
                "the server closed the connection after {received} bytes, \
                 before the empty line that ends the head"
            ),
            HeadTooLarge { limit } => write!(
                f,
                "the response head is over {} KiB and still has no empty \
                 line; giving up",
                limit / 1024
            ),
            Interim { code } => write!(
                f,
                "the server sent an interim answer ({code}) before its real \
                 one; this lesson's client does not handle those"
            ),
            Head(error) => error.fmt(f),
            Body(error) => error.fmt(f),
            Save { path, reason } => {
                write!(f, "cannot save to {}: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for FetchError {}

impl From<HeadError> for FetchError {
    fn from(error: HeadError) -> Self {
        FetchError::Head(error)
    }
}

impl From<BodyError> for FetchError {
    fn from(error: BodyError) -> Self {
        FetchError::Body(error)
    }
}

/// An I/O error in words a learner can act on.
pub fn explain_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => {
            "connection refused (nothing is listening on that port)".into()
        }
        io::ErrorKind::ConnectionReset => {
            "the connection was reset by the other side".into()
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            "timed out".into()
        }
        _ => error.to_string(),
    }
}

/// Turns a host name into addresses with `ToSocketAddrs` (the system's
/// resolver: /etc/hosts, then DNS). The lookup itself has no timeout, so
/// it runs in a helper thread and we wait for it at most `timeout`.
pub fn resolve(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, FetchError> {
    let (sender, receiver) = mpsc::channel();
    let name = host.to_string();
    thread::spawn(move || {
        let found = (name.as_str(), port).to_socket_addrs();
        let _ = sender.send(found.map(Iterator::collect::<Vec<_>>));
    });
    match receiver.recv_timeout(timeout) {
        Ok(Ok(addrs)) if addrs.is_empty() => {
            Err(FetchError::NoAddress { host: host.into() })
        }
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(error)) => Err(FetchError::Resolve {
            host: host.into(),
            reason: error.to_string(),
        }),
        Err(_) => Err(FetchError::ResolveTimeout {
            host: host.into(),
            secs: timeout.as_secs(),
        }),
    }
}

// ANCHOR: connect
/// Tries each address in turn (a name often has an IPv6 and an IPv4
/// one) and keeps the first connection that works. `connect_timeout`
/// bounds the three-way handshake; the read and write timeouts bound
/// every later wait.
pub fn connect(
    target: &Target,
    addrs: &[SocketAddr],
    limits: &Limits,
    say: &mut dyn FnMut(&str),
) -> Result<TcpStream, FetchError> {
    let mut reason = String::from("no address to try");
    for addr in addrs {
        match TcpStream::connect_timeout(addr, limits.timeout) {
            Ok(stream) => {
                say(&format!("Connecting to {addr}... connected."));
                let set = |error: io::Error| FetchError::Connect {
                    place: addr.to_string(),
                    reason: error.to_string(),
                };
                stream.set_read_timeout(Some(limits.timeout)).map_err(set)?;
                stream
                    .set_write_timeout(Some(limits.timeout))
                    .map_err(set)?;
                return Ok(stream);
            }
            Err(error) => {
                reason = explain_io(&error);
                say(&format!("Connecting to {addr}... {reason}."));
            }
        }
    }
    Err(FetchError::Connect {
        place: target.host_with_port(),
        reason,
    })
}
// ANCHOR_END: connect

/// One `read`, retried if a signal interrupted it, with its errors
/// turned into a [`FetchError`]. `Ok(0)` means the peer closed. No read
/// starts after the deadline, so a server that keeps the bytes coming,
/// just slowly enough, cannot keep us for more than about `max_time`.
pub fn read_before_deadline(
    conn: &mut impl Read,
    buf: &mut [u8],
    during: &'static str,
    limits: &Limits,
) -> Result<usize, FetchError> {
    if limits
        .deadline
        .is_some_and(|deadline| Instant::now() >= deadline)
    {
        return Err(FetchError::TooSlow {
            waiting_for: during,
            secs: limits.max_time.as_secs(),
        });
    }
    loop {
        match conn.read(buf) {
            Ok(n) => return Ok(n),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(FetchError::TimedOut {
                    waiting_for: during,
                    secs: limits.timeout.as_secs(),
                });
            }
            Err(error) => {
                return Err(FetchError::Receive {
                    during,
                    reason: explain_io(&error),
                });
            }
        }
    }
}

// ANCHOR: read_head
/// Reads until the empty line that ends the head. Returns the head (up to
/// and including `\r\n\r\n`) and whatever body bytes came with it in the
/// same reads.
pub fn read_head(
    conn: &mut impl Read,
    limits: &Limits,
) -> Result<(Vec<u8>, Vec<u8>), FetchError> {
    let mut received = Vec::new();
    let mut piece = [0u8; 8192];
    loop {
        let searched = received.len();
        let n = read_before_deadline(
            conn,
            &mut piece,
            "the response head",
            limits,
        )?;
        if n == 0 {
            return Err(FetchError::ClosedBeforeHeadEnd {
                received: received.len(),
            });
        }
        received.extend_from_slice(&piece[..n]);
        match find_head_end(&received, searched) {
            Some(end) if end <= limits.max_head => {
                let body_start = received.split_off(end);
                return Ok((received, body_start));
            }
            _ if received.len() > limits.max_head => {
                return Err(FetchError::HeadTooLarge {
                    limit: limits.max_head,
                });
            }
            _ => {}
        }
    }
}
// ANCHOR_END: read_head

// ANCHOR: read_body
/// Copies the body from `conn` to `out`, stopping where `framing` says it
/// ends. `start` holds body bytes that arrived together with the head.
/// Returns the number of body bytes written.
pub fn read_body(
    conn: &mut impl Read,
    start: &[u8],
    framing: Framing,
    out: &mut impl Write,
    limits: &Limits,
) -> Result<u64, FetchError> {
    // A zero-byte buffer would make every read return 0, which means
    // "closed": never let that happen.
    let mut buf = vec![0u8; limits.buffer.max(1)];
    match framing {
        Framing::Empty => Ok(0),
        Framing::ContentLength(length) => {
            if length > limits.max_body {
                let limit = limits.max_body;
                return Err(BodyError::TooLarge { limit }.into());
            }
            let first = &start[..start.len().min(length as usize)];
            write(out, first)?;
            let mut got = first.len() as u64;
            while got < length {
                let want = buf.len().min((length - got) as usize);
                let n = read_before_deadline(
                    conn,
                    &mut buf[..want],
                    "the body",
                    limits,
                )?;
                if n == 0 {
                    let expected = length;
                    return Err(BodyError::TooShort { expected, got }.into());
                }
                write(out, &buf[..n])?;
                got += n as u64;
            }
            Ok(got)
        }
        Framing::Chunked => {
            let mut decoder = ChunkedDecoder::new(limits.max_body);
            decoder.feed(start, out)?;
            while !decoder.is_done() {
                let n =
                    read_before_deadline(conn, &mut buf, "the body", limits)?;
                if n == 0 {
                    let got = decoder.written();
                    return Err(BodyError::ClosedMidChunk { got }.into());
                }
                decoder.feed(&buf[..n], out)?;
            }
            Ok(decoder.written())
        }
        Framing::UntilClose => {
            write(out, start)?;
            let mut got = start.len() as u64;
            loop {
                if got > limits.max_body {
                    let limit = limits.max_body;
                    return Err(BodyError::TooLarge { limit }.into());
                }
                let n =
                    read_before_deadline(conn, &mut buf, "the body", limits)?;
                if n == 0 {
                    return Ok(got);
                }
                write(out, &buf[..n])?;
                got += n as u64;
            }
        }
    }
}
// ANCHOR_END: read_body

fn write(out: &mut impl Write, bytes: &[u8]) -> Result<(), FetchError> {
    out.write_all(bytes)
        .map_err(|error| BodyError::Write(error).into())
}

// ANCHOR: save_atomic
/// Writes a file so that it is complete or absent: `write` fills
/// `PATH.part`, which is renamed to `PATH` only if everything worked. On
/// any error the part file is removed, so a half-received body never
/// looks like a whole one.
pub fn save_atomic<T>(
    path: &Path,
    write: impl FnOnce(&mut File) -> Result<T, FetchError>,
) -> Result<T, FetchError> {
    let part = part_path(path);
    let failed = |path: &Path, error: io::Error| FetchError::Save {
        path: path.to_path_buf(),
        reason: error.to_string(),
    };
    let mut file = File::create(&part).map_err(|e| failed(&part, e))?;
    let result = write(&mut file).and_then(|value| {
        file.flush().map_err(|e| failed(&part, e))?;
        drop(file);
        fs::rename(&part, path).map_err(|e| failed(path, e))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = fs::remove_file(&part);
    }
    result
}
// ANCHOR_END: save_atomic

/// `page.html` -> `page.html.part`, in the same directory (a rename
/// across file systems would be a copy, and not atomic).
pub fn part_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    path.with_file_name(name)
}

/// The default file name, from the `Content-Type` the server declared:
/// a page is `.html`, anything else raw bytes, `.bin`.
pub fn default_file_name(head: &ResponseHead) -> &'static str {
    let html = head.values("Content-Type").any(|value| {
        let value = String::from_utf8_lossy(value).to_ascii_lowercase();
        value.starts_with("text/html")
    });
    let untyped = head.values("Content-Type").next().is_none();
    if html || untyped {
        "lesson02-page.html"
    } else {
        "lesson02-page.bin"
    }
}

/// What a successful fetch did.
#[derive(Debug)]
pub struct Fetched {
    pub path: PathBuf,
    pub body_bytes: u64,
    /// The head, when the client parsed it (the naive mode does not).
    pub head: Option<ResponseHead>,
}

/// What to fetch and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where to save the body; `None` picks a name in the current
    /// directory.
    pub output: Option<PathBuf>,
    pub limits: Limits,
    /// Behave like the tutorial, mistakes included.
    pub naive: bool,
}

/// The whole exchange, narrated through `say`.
pub fn fetch(
    target: &Target,
    options: &Options,
    say: &mut dyn FnMut(&str),
) -> Result<Fetched, FetchError> {
    // The clock for the whole fetch starts now.
    let mut limits = options.limits;
    limits.deadline = Some(Instant::now() + limits.max_time);
    let options = &Options {
        limits,
        ..options.clone()
    };
    let limits = &options.limits;
    let addrs = resolve(&target.host, target.port, limits.timeout)?;
    let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    say(&format!(
        "{} has {}: {}",
        target.host,
        plural(list.len(), "address"),
        list.join(", ")
    ));
    let mut stream = connect(target, &addrs, limits, say)?;
    show_four_tuple(&stream, say);

    let request = build_request(&target.host_header(), &target.path);
    stream
        .write_all(&request)
        .map_err(|error| FetchError::Send(explain_io(&error)))?;
    say(&format!("\nSent the request, {} bytes:", request.len()));
    show_lines(&request, say);

    if options.naive {
        return super::naive::receive(&mut stream, options, say);
    }
    let (head_bytes, body_start) = read_head(&mut stream, limits)?;
    say(&format!(
        "\nReceived the head, {} bytes up to and including the empty line:",
        head_bytes.len()
    ));
    show_lines(&head_bytes, say);
    let head = parse_head(&head_bytes)?;
    if (100..200).contains(&head.status.code) {
        return Err(FetchError::Interim {
            code: head.status.code,
        });
    }
    let framing = framing(&head)?;
    let status = &head.status;
    say(&format!(
        "\nStatus {} {} (HTTP/1.{}).\nThe body ends {framing}.",
        status.code,
        String::from_utf8_lossy(head.reason()),
        status.minor_version
    ));
    let path = match &options.output {
        Some(path) => path.clone(),
        None => PathBuf::from(default_file_name(&head)),
    };
    let body_bytes = save_atomic(&path, |file| {
        read_body(&mut stream, &body_start, framing, file, limits)
    })?;
    Ok(Fetched {
        path,
        body_bytes,
        head: Some(head),
    })
}

// ANCHOR: four_tuple
/// A TCP connection is named by four numbers: both addresses and both
/// ports. `local_addr` is our end, `peer_addr` the server's.
fn show_four_tuple(stream: &TcpStream, say: &mut dyn FnMut(&str)) {
    let show = |addr: io::Result<SocketAddr>| {
        addr.map_or_else(|e| format!("unknown ({e})"), |a| a.to_string())
    };
    say("This connection's 4-tuple (protocol TCP):");
    say(&format!(
        "  local_addr()  {}  our end; the OS picked the port",
        show(stream.local_addr())
    ));
    say(&format!(
        "  peer_addr()   {}  the server's end",
        show(stream.peer_addr())
    ));
}
// ANCHOR_END: four_tuple

/// Prints bytes indented, one line per `\n`, line endings visible.
pub fn show_lines(bytes: &[u8], say: &mut dyn FnMut(&str)) {
    for line in show_bytes(bytes) {
        say(&format!("  {line}"));
    }
}

/// `1 address`, `2 addresses`.
pub fn plural(n: usize, word: &str) -> String {
    match (n, word.ends_with('s')) {
        (1, _) => format!("1 {word}"),
        (_, true) => format!("{n} {word}es"),
        _ => format!("{n} {word}s"),
    }
}
