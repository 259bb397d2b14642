//! The load generator: many clients driven by a few threads with epoll.
//!
//! A load test should measure the server, not the clients. Driving 500
//! clients with 500 blocking threads, as the first version of this
//! benchmark did, costs the clients as much CPU as the server: every
//! reply wakes a client thread, and the machine has two cores for both.
//! Here each of a few threads (two by default, one per core) holds its
//! share of the connections and asks the kernel (`epoll`) which of them
//! have a reply waiting; one `epoll_wait` returns many ready
//! connections, so a message costs the clients a `read`, a `write` and
//! a share of one `epoll_wait`, and no thread switch.
//!
//! Each client still behaves exactly like the tutorial's: connect, read
//! the welcome, send a name and wait for its reply before sending the
//! next, and finally send `exit`. Nothing is pipelined.
//!
//! Linux only (epoll), like the rest of these benchmarks' /proc reading.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// What the whole run measured.
pub struct LoadResult {
    /// Each message, from sending it to reading the reply.
    pub round_trips: Vec<Duration>,
    /// Each client, from the start until its welcome.
    pub welcomes: Vec<Duration>,
    /// Each client, from the start until its last reply.
    pub conversations: Vec<Duration>,
    /// From the start until the last client finished (or gave up).
    pub wall: Duration,
    /// Clients that did not finish: refused, reset, closed or too slow.
    pub failed: usize,
}

impl LoadResult {
    /// Nothing measured yet.
    pub fn empty() -> LoadResult {
        LoadResult {
            round_trips: Vec::new(),
            welcomes: Vec::new(),
            conversations: Vec::new(),
            wall: Duration::ZERO,
            failed: 0,
        }
    }

    /// Adds what another group of clients, run at the same time, measured.
    fn merge(&mut self, other: LoadResult) {
        self.round_trips.extend(other.round_trips);
        self.welcomes.extend(other.welcomes);
        self.conversations.extend(other.conversations);
        self.failed += other.failed;
        self.wall = self.wall.max(other.wall);
    }
}

/// Where one client is in its conversation.
struct Client {
    stream: TcpStream,
    id: usize,
    /// How many names it has sent so far (0: waiting for the welcome).
    sent: usize,
    /// When the message now waiting for its reply was sent.
    sent_at: Instant,
    /// lesson04's framing: bytes of a reply that has not ended yet.
    partial: Vec<u8>,
}

/// An epoll instance, closed when dropped.
struct Epoll(RawFd);

impl Epoll {
    fn new() -> io::Result<Epoll> {
        // SAFETY: epoll_create1 takes flags and returns a new fd or -1.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Epoll(fd))
    }

    /// Watches `fd` for data to read (level-triggered), tagged `token`.
    fn add(&self, fd: RawFd, token: usize) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: libc::EPOLLIN as u32 | libc::EPOLLRDHUP as u32,
            u64: token as u64,
        };
        // SAFETY: both fds are open; the event is a valid pointer.
        let rc = unsafe {
            libc::epoll_ctl(self.0, libc::EPOLL_CTL_ADD, fd, &mut event)
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Waits up to `timeout` and returns the tokens of ready fds.
    fn wait(
        &self,
        events: &mut [libc::epoll_event],
        timeout: Duration,
    ) -> io::Result<usize> {
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: the buffer is valid for `events.len()` entries.
        let n = unsafe {
            libc::epoll_wait(
                self.0,
                events.as_mut_ptr(),
                events.len() as i32,
                ms,
            )
        };
        if n < 0 {
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::Interrupted {
                return Ok(0);
            }
            return Err(error);
        }
        Ok(n as usize)
    }
}

impl Drop for Epoll {
    fn drop(&mut self) {
        // SAFETY: we own this fd and close it once.
        unsafe { libc::close(self.0) };
    }
}

/// Starts a non-blocking connect: the welcome's arrival says it is done.
fn start_connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let socket = Socket::new(
        Domain::for_address(addr),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    socket.set_nonblocking(true)?;
    match socket.connect(&SockAddr::from(addr)) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    Ok(socket.into())
}

/// Reads what one readiness brought: one complete reply (`Some`), not
/// yet a complete one (`None`, lesson04's framing only), or an error
/// when the server closed or reset the connection.
fn read_reply(
    client: &mut Client,
    newlines: bool,
    buffer: &mut [u8],
) -> io::Result<Option<()>> {
    let n = match client.stream.read(buffer) {
        Ok(0) => return Err(io::Error::other("closed by the server")),
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
        Err(e) => return Err(e),
    };
    if !newlines {
        // The tutorial's framing: one read is one message.
        return Ok(Some(()));
    }
    client.partial.extend_from_slice(&buffer[..n]);
    if client.partial.last() == Some(&b'\n') {
        client.partial.clear();
        return Ok(Some(()));
    }
    if client.partial.len() > 4096 {
        return Err(io::Error::other("a reply longer than 4 KiB"));
    }
    Ok(None)
}

/// Sends a short message whole. Our messages are a few bytes, far less
/// than a socket's send buffer, so `WouldBlock` here means trouble.
fn send(stream: &mut TcpStream, text: &str) -> io::Result<()> {
    stream.write_all(text.as_bytes())
}

/// `clients` clients, all connecting at the start, each sending
/// `messages` names one after another and then `exit`, shared among
/// `threads` threads with an epoll each. Gives up on whatever has not
/// finished after `limit`.
pub fn run(
    addr: SocketAddr,
    newlines: bool,
    clients: usize,
    messages: usize,
    threads: usize,
    limit: Duration,
) -> io::Result<LoadResult> {
    let threads = threads.clamp(1, clients.max(1));
    let started = Instant::now();
    let deadline = started + limit;
    let groups: Vec<io::Result<LoadResult>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                // Thread t drives clients t, t + threads, t + 2 * threads...
                let ids: Vec<usize> = (t..clients).step_by(threads).collect();
                scope.spawn(move || {
                    drive(addr, newlines, &ids, messages, started, deadline)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Err(io::Error::other("panic")))
            })
            .collect()
    });
    let mut outcome = LoadResult::empty();
    for group in groups {
        outcome.merge(group?);
    }
    Ok(outcome)
}

/// One thread's share of the clients, driven to the end (or `deadline`).
fn drive(
    addr: SocketAddr,
    newlines: bool,
    ids: &[usize],
    messages: usize,
    started: Instant,
    deadline: Instant,
) -> io::Result<LoadResult> {
    let end = if newlines { "\n" } else { "" };
    let epoll = Epoll::new()?;
    let mut outcome = LoadResult::empty();
    let mut live: HashMap<usize, Client> = HashMap::with_capacity(ids.len());
    for &id in ids {
        match start_connect(addr) {
            Ok(stream) => {
                epoll.add(stream.as_raw_fd(), id)?;
                let client = Client {
                    stream,
                    id,
                    sent: 0,
                    sent_at: started,
                    partial: Vec::new(),
                };
                live.insert(id, client);
            }
            Err(_) => outcome.failed += 1,
        }
    }
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; 1024];
    let mut buffer = [0u8; 1024];
    while !live.is_empty() {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let ready = epoll.wait(&mut events, deadline - now)?;
        for event in &events[..ready] {
            let token = event.u64 as usize;
            let Some(client) = live.get_mut(&token) else {
                continue;
            };
            let finished = match read_reply(client, newlines, &mut buffer) {
                Ok(None) => continue,
                Ok(Some(())) => {
                    step(client, messages, end, started, &mut outcome)
                }
                Err(error) => Err(error),
            };
            match finished {
                Ok(false) => {}
                Ok(true) => {
                    // Dropping the stream closes it, which also takes it
                    // out of the epoll set.
                    live.remove(&token);
                }
                Err(_) => {
                    outcome.failed += 1;
                    live.remove(&token);
                }
            }
        }
    }
    outcome.failed += live.len();
    outcome.wall = started.elapsed();
    Ok(outcome)
}

/// A reply arrived: record it and send the next message, or `exit`.
/// Returns whether the conversation is over.
fn step(
    client: &mut Client,
    messages: usize,
    end: &str,
    started: Instant,
    outcome: &mut LoadResult,
) -> io::Result<bool> {
    let now = Instant::now();
    if client.sent == 0 {
        outcome.welcomes.push(now - started);
    } else {
        outcome.round_trips.push(now - client.sent_at);
    }
    if client.sent == messages {
        outcome.conversations.push(now - started);
        send(&mut client.stream, &format!("exit{end}"))?;
        return Ok(true);
    }
    let text = format!("client{}-{}{end}", client.id, client.sent);
    client.sent_at = Instant::now();
    send(&mut client.stream, &text)?;
    client.sent += 1;
    Ok(false)
}

/// The CPU time (user and system) this whole process has used so far.
pub fn process_cpu_time() -> Duration {
    // SAFETY: getrusage fills the struct we hand it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Asks the kernel to kill the child that `command` starts when the
/// thread that starts it (our main thread) ends, however it ends.
pub fn die_with_parent(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only async-signal-safe calls are
    // allowed, and prctl is one.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}
