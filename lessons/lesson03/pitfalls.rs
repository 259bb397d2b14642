//! `lesson03 pitfall NAME`: two traps of a real server, acted out on
//! loopback in one process.
//!
//! - `partial-writes`: `write` may take fewer bytes than it was offered;
//!   `write_all` finishes the job.
//! - `too-many-files`: out of file descriptors, `accept` fails; the
//!   server pauses, keeps serving the clients it has, and recovers when
//!   one leaves (Linux only: it lowers its own limit with `setrlimit`).
//!
//! Every socket has a timeout: a pitfall never hangs.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use crate::menu::{self, Entry};
use crate::output::say;

/// How long any step may wait before the pitfall gives up.
const WAIT: Duration = Duration::from_secs(5);

/// A step that went as the pitfall says, or did not (and why).
type Step<T = ()> = Result<T, String>;

/// One entry of the menu: `play` acts it out.
pub type Pitfall = Entry<fn() -> Step>;

pub const PITFALLS: [Pitfall; 2] = [
    Pitfall {
        number: 1,
        name: "partial-writes",
        summary: "write takes what fits and says how much; write_all the rest",
        play: partial_writes,
    },
    Pitfall {
        number: 2,
        name: "too-many-files",
        summary: "out of file descriptors: accept fails, the server recovers",
        play: too_many_files,
    },
];

/// The pitfall a command-line argument names, by name or number.
pub fn find(arg: &str) -> Option<&'static Pitfall> {
    menu::find(&PITFALLS, arg)
}

/// The list `lesson03 pitfall` prints.
pub fn listing() -> String {
    menu::listing(
        &PITFALLS,
        "Pitfalls (run one with: cargo run --bin lesson03 -- pitfall NAME):",
    )
}

/// Acts out one pitfall. `false` if it did not go as described.
pub fn run(pitfall: &Pitfall) -> bool {
    pitfall.act_out("pitfall", |line| say(line), |play| play())
}

// ---------------------------------------------------------------------
// partial-writes

/// What the sender offers: a megabyte, numbered so the peer can check
/// that every byte arrived, in order.
const OFFERED: usize = 1_000_000;

fn pattern(index: usize) -> u8 {
    (index % 251) as u8
}

fn partial_writes() -> Step {
    let peer_side =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("listen: {e}"))?;
    let address = peer_side.local_addr().map_err(|e| e.to_string())?;
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))
        .map_err(|e| format!("socket: {e}"))?;
    socket
        .set_send_buffer_size(4096)
        .map_err(|e| format!("SO_SNDBUF: {e}"))?;
    let given = socket.send_buffer_size().map_err(|e| e.to_string())?;
    say(format_args!(
        "sender: asked for a 4096-byte send buffer (SO_SNDBUF); got {given}"
    ));
    socket
        .connect_timeout(&address.into(), WAIT)
        .map_err(|e| format!("connect: {e}"))?;
    let mut stream: TcpStream = socket.into();
    let (peer, _) = peer_side.accept().map_err(|e| format!("accept: {e}"))?;
    say("peer:   connected, and reads nothing for now");

    // ANCHOR: short_write
    let data: Vec<u8> = (0..OFFERED).map(pattern).collect();
    stream.set_nonblocking(true).map_err(|e| e.to_string())?;
    let taken = match stream.write(&data) {
        Ok(n) => n,
        Err(e) => return Err(format!("the first write failed: {e}")),
    };
    say(format_args!(
        "sender: non-blocking write of {OFFERED} bytes: Ok({taken})"
    ));
    // ANCHOR_END: short_write
    if taken >= OFFERED {
        return Err("the write took everything".into());
    }
    say("sender: it took only what fit; the rest is still ours to send");
    let mut sent = taken;
    let mut calls = 0;
    let error = loop {
        match stream.write(&data[sent..]) {
            Ok(n) => {
                sent += n;
                calls += 1;
            }
            Err(e) => break e,
        }
        if calls > 1000 {
            return Err("the buffers never filled".into());
        }
    };
    if error.kind() != ErrorKind::WouldBlock {
        return Err(format!("expected WouldBlock, got: {error}"));
    }
    let rest = OFFERED - sent;
    say(format_args!(
        "sender: writing on until WouldBlock: {sent} bytes taken in all"
    ));
    say(format_args!(
        "sender: a program that ignores write's count loses the other {rest}"
    ));
    say("peer:   starts reading");
    let reader = thread::spawn(move || read_and_check(peer));
    stream.set_nonblocking(false).map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(WAIT))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(&data[sent..])
        .map_err(|e| format!("write_all: {e}"))?;
    say(format_args!(
        "sender: blocking write_all of the other {rest} bytes: Ok(())"
    ));
    stream
        .shutdown(std::net::Shutdown::Write)
        .map_err(|e| e.to_string())?;
    let received = reader
        .join()
        .map_err(|_| "the reader panicked".to_string())??;
    say(format_args!(
        "peer:   received {received} bytes, all in order, then the end"
    ));
    Ok(())
}

/// Reads until the end of the stream, checking every byte.
fn read_and_check(mut peer: TcpStream) -> Step<usize> {
    peer.set_read_timeout(Some(WAIT))
        .map_err(|e| e.to_string())?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut received = 0;
    loop {
        let n = peer
            .read(&mut buffer)
            .map_err(|e| format!("peer read: {e}"))?;
        if n == 0 {
            return Ok(received);
        }
        let wrong = buffer[..n]
            .iter()
            .enumerate()
            .any(|(i, &b)| b != pattern(received + i));
        if wrong {
            return Err(format!("a wrong byte after {received} bytes"));
        }
        received += n;
    }
}

// ---------------------------------------------------------------------
// too-many-files

#[cfg(not(target_os = "linux"))]
fn too_many_files() -> Step {
    say(
        "this pitfall lowers its own limit on open files the Linux way, \
         so it only runs on Linux",
    );
    Ok(())
}

#[cfg(target_os = "linux")]
use linux::too_many_files;

/// The Linux-only part: `setrlimit` and `EMFILE` come from `libc`.
#[cfg(target_os = "linux")]
mod linux {
    use std::io::{ErrorKind, Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::sync::{Arc, Condvar, Mutex};
    use std::thread;
    use std::time::{Duration, Instant};

    use socket2::{Domain, Socket, Type};

    use super::{Step, WAIT};
    use crate::output::say;

    /// How many connections the server can hold at once in the demo.
    const SPARE: usize = 2;

    pub(super) fn too_many_files() -> Step {
        use crate::lesson03::server::{
            BACKLOG, Config, listen, serve_threaded,
        };
        use std::sync::atomic::{AtomicUsize, Ordering};

        let log = Log::default();
        let demo = log.labelled("demo");
        // Every socket the demo's clients use is made now: later there will
        // be no descriptor to spare for them.
        let listener = listen(([127, 0, 0, 1], 0).into(), BACKLOG)
            .map_err(|e| format!("listen: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let sockets = (0..3)
            .map(|_| Socket::new(Domain::IPV4, Type::STREAM, None))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("socket: {e}"))?;
        let _held = leave_free(SPARE)?;
        demo.say(format_args!(
            "limit on open files lowered to {LIMIT} (setrlimit); every free \
             descriptor but {SPARE} is taken"
        ));

        let failures = Arc::new(AtomicUsize::new(0));
        let first_error = Arc::new(Mutex::new(None::<String>));
        let server_log = log.labelled("server");
        let logger = {
            let failures = Arc::clone(&failures);
            let first_error = Arc::clone(&first_error);
            move |line: &str| {
                // Counted, not printed: the loop retries every 100 ms.
                if let Some(error) = line.strip_prefix("accept failed: ") {
                    failures.fetch_add(1, Ordering::SeqCst);
                    let mut first = lock(&first_error);
                    first.get_or_insert_with(|| error.to_string());
                } else {
                    server_log.say(line);
                }
            }
        };
        let config = Config {
            idle_timeout: WAIT,
            log: Arc::new(logger),
            ..Config::default()
        };
        let started = Instant::now();
        thread::spawn(move || serve_threaded(listener, config));
        log.wait_for("Waiting for connection", WAIT)?;

        let mut sockets = sockets.into_iter();
        let mut next = |label| match sockets.next() {
            Some(socket) => {
                Client::connect(socket, address, log.labelled(label))
            }
            None => Err("out of client sockets".to_string()),
        };
        let mut a = next("client A")?;
        a.expect("Welcome!")?;
        a.send("Ann", "Hello, Ann!")?;
        let mut b = next("client B")?;
        b.expect("Welcome!")?;
        b.send("Bob", "Hello, Bob!")?;
        let failed_yet = || failures.load(Ordering::SeqCst) > 0;
        wait_until(failed_yet)?;
        let error = lock(&first_error).clone().unwrap_or_default();
        demo.say(format_args!(
            "the server's accept now fails at once: {error}"
        ));

        let mut c = next("client C")?;
        c.log.say("connected: the kernel completed the handshake");
        c.expect_nothing(Duration::from_secs(1))?;
        demo.say(format_args!(
            "meanwhile accept failed {} times, one try per 100 ms pause",
            failures.load(Ordering::SeqCst)
        ));
        b.send("Bob again", "Hello, Bob again!")?;
        a.leave()?;
        log.wait_for(&format!("Accept new connection from {}", c.local), WAIT)?;
        c.expect("Welcome!")?;
        c.send("Cy", "Hello, Cy!")?;
        let total = failures.load(Ordering::SeqCst);
        let elapsed = started.elapsed().as_millis();
        b.leave()?;
        c.leave()?;
        demo.say(format_args!(
            "accept failed {total} times in {elapsed} ms: no busy loop, \
             and every client was served"
        ));
        Ok(())
    }

    /// The limit the demo sets on its own open files.
    const LIMIT: u64 = 64;

    /// Lowers this process's limit on open files to [`LIMIT`], then holds
    /// every descriptor still free but `spare` (as open `/dev/null` files),
    /// so that exactly `spare` remain, however many were open before.
    fn leave_free(spare: usize) -> Step<Vec<std::fs::File>> {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid rlimit for the call to fill in.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return Err(format!(
                "getrlimit: {}",
                std::io::Error::last_os_error()
            ));
        }
        limit.rlim_cur = LIMIT.min(limit.rlim_max);
        // SAFETY: `limit` is a valid rlimit; the soft limit stays <= hard.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
            return Err(format!(
                "setrlimit: {}",
                std::io::Error::last_os_error()
            ));
        }
        let mut held = Vec::new();
        loop {
            match std::fs::File::open("/dev/null") {
                Ok(file) => held.push(file),
                Err(e) if e.raw_os_error() == Some(libc::EMFILE) => break,
                Err(e) => return Err(format!("open /dev/null: {e}")),
            }
            if held.len() > LIMIT as usize {
                return Err("the limit did not hold".into());
            }
        }
        if held.len() < spare {
            return Err("too few descriptors free under the limit".into());
        }
        held.truncate(held.len() - spare);
        Ok(held)
    }

    /// Waits (bounded) until `done` says so.
    fn wait_until(done: impl Fn() -> bool) -> Step {
        let deadline = Instant::now() + WAIT;
        while !done() {
            if Instant::now() >= deadline {
                return Err("waited too long".into());
            }
            thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }

    /// A demo client: the tutorial's framing, one read per reply.
    struct Client {
        stream: TcpStream,
        local: SocketAddr,
        log: Labelled,
    }

    impl Client {
        fn connect(
            socket: Socket,
            to: SocketAddr,
            log: Labelled,
        ) -> Step<Client> {
            log.say("connects");
            socket
                .connect_timeout(&to.into(), WAIT)
                .map_err(|e| format!("connect: {e}"))?;
            let stream: TcpStream = socket.into();
            stream
                .set_read_timeout(Some(WAIT))
                .and_then(|()| stream.set_write_timeout(Some(WAIT)))
                .map_err(|e| e.to_string())?;
            let local = stream.local_addr().map_err(|e| e.to_string())?;
            Ok(Client { stream, local, log })
        }

        fn expect(&mut self, text: &str) -> Step {
            let mut buffer = [0u8; 1024];
            let n = self
                .stream
                .read(&mut buffer)
                .map_err(|e| format!("read: {e}"))?;
            let got = String::from_utf8_lossy(&buffer[..n]);
            self.log.say(format_args!("<- {got:?}"));
            if got == text {
                Ok(())
            } else {
                Err(format!("expected {text:?}"))
            }
        }

        fn send(&mut self, name: &str, reply: &str) -> Step {
            self.log.say(format_args!("-> {name:?}"));
            self.stream
                .write_all(name.as_bytes())
                .map_err(|e| format!("write: {e}"))?;
            self.expect(reply)
        }

        fn expect_nothing(&mut self, limit: Duration) -> Step {
            self.stream
                .set_read_timeout(Some(limit))
                .map_err(|e| e.to_string())?;
            let mut buffer = [0u8; 64];
            match self.stream.read(&mut buffer) {
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::WouldBlock | ErrorKind::TimedOut
                    ) =>
                {
                    self.log.say(format_args!(
                        "no welcome within {} s: not accepted yet, it waits \
                         in the listen queue",
                        limit.as_secs()
                    ));
                }
                Ok(n) => return Err(format!("{n} bytes came after all")),
                Err(e) => return Err(format!("read: {e}")),
            }
            self.stream
                .set_read_timeout(Some(WAIT))
                .map_err(|e| e.to_string())
        }

        /// Says exit and waits for the server to log the close.
        fn leave(self) -> Step {
            self.log.say(r#"-> "exit", then closes"#);
            let mut stream = self.stream;
            stream
                .write_all(b"exit")
                .map_err(|e| format!("write: {e}"))?;
            drop(stream);
            let closed = format!("Connection from {} closed.", self.local);
            self.log.log.wait_for(&closed, WAIT)
        }
    }

    // ---------------------------------------------------------------------
    // A log for both sides, that the demo can wait on.

    #[derive(Clone, Default)]
    struct Log {
        shared: Arc<(Mutex<Vec<String>>, Condvar)>,
    }

    #[derive(Clone)]
    struct Labelled {
        log: Log,
        label: &'static str,
    }

    impl Log {
        fn labelled(&self, label: &'static str) -> Labelled {
            Labelled {
                log: self.clone(),
                label,
            }
        }

        /// Prints and keeps one line.
        fn say(&self, line: String) {
            let (lines, grew) = &*self.shared;
            let mut lines = lock(lines);
            say(&line);
            lines.push(line);
            grew.notify_all();
        }

        /// Waits until some line contains `needle`, for at most `limit`.
        fn wait_for(&self, needle: &str, limit: Duration) -> Step {
            let deadline = Instant::now() + limit;
            let (lines, grew) = &*self.shared;
            let mut lines = lock(lines);
            while !lines.iter().any(|line| line.contains(needle)) {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(format!("no log line with {needle:?}"));
                }
                lines = match grew.wait_timeout(lines, left) {
                    Ok((guard, _)) => guard,
                    Err(poisoned) => poisoned.into_inner().0,
                };
            }
            Ok(())
        }
    }

    impl Labelled {
        fn say(&self, text: impl std::fmt::Display) {
            self.log.say(format!("{:>8} | {text}", self.label));
        }
    }

    /// Locks a mutex, going on with its data if a thread panicked holding it.
    fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        mutex
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
