//! `lesson04 demo SCENARIO`: each way a conversation ends, acted out in
//! one process. A server runs on a thread, the demo plays the client, and
//! both sides write to one log, labelled.
//!
//! Two threads printing freely would print in a different order on each
//! run. So the demo logs each event where causality fixes its order (a
//! client logs what it sends before sending; the server logs why it
//! closes before closing), and where it cannot, it waits for the server's
//! log line before going on. A real client does not wait like that.

use std::io::{self, BufReader, Read, Write};
use std::net::{self, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use socket2::SockRef;

use super::ending::{SHUTDOWN_NOTICE, is_timeout};
use super::lines::{LineReader, MAX_LINE};
use super::log::Log;
use super::server::{Config, Server, Summary};
use super::shutdown::Shutdown;
use super::tutorial::tutorial_loop;
use crate::menu::{self, Entry};

/// How long any step of a demo may wait before the demo gives up.
pub(super) const WAIT: Duration = Duration::from_secs(5);

/// A step that either went as the scenario says, or did not (and why).
pub(super) type Step<T = ()> = Result<T, String>;

/// One entry of the menu: `play` acts it out.
pub type Scenario = Entry<fn(&Log) -> Step>;

pub const SCENARIOS: [Scenario; 7] = [
    Scenario {
        number: 1,
        name: "exit",
        summary: "the client says exit; the server says goodbye and closes",
        play: said_exit,
    },
    Scenario {
        number: 2,
        name: "eof",
        summary: "the client just closes; the server's read returns 0",
        play: client_closed,
    },
    Scenario {
        number: 3,
        name: "half-close",
        summary: "the client stops sending but still reads the last reply",
        play: half_close,
    },
    Scenario {
        number: 4,
        name: "reset",
        summary: "the client vanishes (RST); the server serves the next one",
        play: reset,
    },
    Scenario {
        number: 5,
        name: "idle",
        summary: "the client goes silent; an idle timeout closes it",
        play: idle,
    },
    Scenario {
        number: 6,
        name: "shutdown",
        summary: "Ctrl+C with a client connected: goodbye, then exit 0",
        play: server_shutdown,
    },
    Scenario {
        number: 7,
        name: "framing",
        summary: "why exit needs framing: Michaelexit, then the fix",
        play: framing,
    },
];

/// The scenario a command-line argument names, by name or number.
pub fn find(arg: &str) -> Option<&'static Scenario> {
    menu::find(&SCENARIOS, arg)
}

/// The list `lesson04 demo` prints.
pub fn listing() -> String {
    menu::listing(
        &SCENARIOS,
        "Scenarios (run one with: cargo run --bin lesson04 -- demo NAME):",
    )
}

/// Plays one scenario, printing both sides. `false` if it went wrong.
pub fn run(scenario: &Scenario) -> bool {
    let log = Log::recording();
    let demo = log.labelled("demo");
    scenario.act_out("scenario", |line| demo.say(line), |play| play(&log))
}

// ---------------------------------------------------------------------
// The scenarios

fn said_exit(log: &Log) -> Step {
    let server = RunningServer::start(log, Config::default())?;
    let mut client = Client::connect(server.address, log.labelled("client"))?;
    client.expect("Welcome!")?;
    client.send("Michael\n")?;
    client.expect("Hello, Michael!")?;
    client.send("exit\n")?;
    client.expect("Goodbye!")?;
    client.expect_end()?;
    client.close("done; a client like this one exits with status 0");
    server.stop(log)
}

fn client_closed(log: &Log) -> Step {
    let server = RunningServer::start(log, Config::default())?;
    let mut client = Client::connect(server.address, log.labelled("client"))?;
    client.expect("Welcome!")?;
    client.send("Michael\n")?;
    client.expect("Hello, Michael!")?;
    client.close("closes its socket without saying exit: the kernel sends FIN");
    wait_for(log, "#1 read returned 0")?;
    server.stop(log)
}

// ANCHOR: half_close
fn half_close(log: &Log) -> Step {
    let server = RunningServer::start(log, Config::default())?;
    let mut client = Client::connect(server.address, log.labelled("client"))?;
    client.expect("Welcome!")?;
    client
        .log
        .say(r#"-> "Michael\n", then shutdown(Write): our FIN follows"#);
    client.write(b"Michael\n")?;
    client
        .stream
        .shutdown(net::Shutdown::Write)
        .map_err(|e| format!("shutdown(Write) failed: {e}"))?;
    wait_for(log, "#1 read returned 0")?;
    client
        .log
        .say("our side is shut for writing, but we can still read:");
    client.expect("Hello, Michael!")?;
    client.expect_end()?;
    client.close("done");
    server.stop(log)
}
// ANCHOR_END: half_close

// ANCHOR: reset
fn reset(log: &Log) -> Step {
    let server = RunningServer::start(log, Config::default())?;
    let mut first = Client::connect(server.address, log.labelled("client A"))?;
    first.expect("Welcome!")?;
    first.send("Michael\n")?;
    first.expect("Hello, Michael!")?;
    // SO_LINGER with a zero timeout: close() discards the connection at
    // once, and the kernel answers with RST instead of FIN.
    SockRef::from(&first.stream)
        .set_linger(Some(Duration::ZERO))
        .map_err(|e| format!("SO_LINGER failed: {e}"))?;
    first.close("vanishes: SO_LINGER 0, then close: the kernel sends RST");
    wait_for(log, "#1 connection reset")?;

    log.labelled("demo")
        .say("the server goes on serving others:");
    let mut second = Client::connect(server.address, log.labelled("client B"))?;
    second.expect("Welcome!")?;
    second.send("Tracy\n")?;
    second.expect("Hello, Tracy!")?;
    second.send("exit\n")?;
    second.expect("Goodbye!")?;
    second.expect_end()?;
    second.close("done");
    server.stop(log)
}
// ANCHOR_END: reset

fn idle(log: &Log) -> Step {
    let config = Config {
        idle_timeout: Duration::from_secs(1),
        ..Config::default()
    };
    log.labelled("demo")
        .say("this server's idle timeout is 1 s (30 s by default)");
    let server = RunningServer::start(log, config)?;
    let mut client = Client::connect(server.address, log.labelled("client"))?;
    client.expect("Welcome!")?;
    client.send("Michael\n")?;
    client.expect("Hello, Michael!")?;
    client.log.say("says nothing more, and waits");
    client.expect("Closing the connection: you were silent for 1 s.")?;
    client.expect_end()?;
    client.close("done");
    server.stop(log)
}

fn server_shutdown(log: &Log) -> Step {
    let demo = log.labelled("demo");
    let server = RunningServer::start(log, Config::default())?;
    let address = server.address;
    let mut client = Client::connect(address, log.labelled("client"))?;
    client.expect("Welcome!")?;
    client.send("Michael\n")?;
    client.expect("Hello, Michael!")?;
    client.send("Tracy\n")?;
    wait_for(log, r#"#1 <- "Tracy""#)?;

    demo.say("Ctrl+C: the handler calls shutdown.request() (here: the demo)");
    server.shutdown.request();
    wait_for(log, "#1 server shutting down")?;
    client.expect("Hello, Tracy!")?;
    client.expect(SHUTDOWN_NOTICE)?;
    client.expect_end()?;
    client.close("the server went away; our client would exit with status 1");
    let summary = server.join()?;
    demo.say(format_args!(
        "Server::run returned ({} connection(s)): the binary exits 0",
        summary.accepted
    ));

    let late = log.labelled("client B");
    late.say(format_args!("connecting to {address}"));
    match TcpStream::connect_timeout(&address, WAIT) {
        Err(e) => late.say(format_args!("refused ({:?})", e.kind())),
        Ok(_) => return Err("a connection was accepted after shutdown".into()),
    }
    Ok(())
}

fn framing(log: &Log) -> Step {
    let demo = log.labelled("demo");
    demo.say("part 1: the tutorial's server, one read() = one message");
    let bound = TcpListener::bind("127.0.0.1:0").and_then(|listener| {
        let address = listener.local_addr()?;
        Ok((listener, address))
    });
    let (listener, address) = bound.map_err(|e| format!("bind: {e}"))?;
    let server_log = log.labelled("server");
    server_log.say(format_args!("listening on {address}"));
    let server = thread::spawn(move || {
        if let Ok((stream, peer)) = listener.accept() {
            server_log.say(format_args!("{peer} connected"));
            tutorial_loop(stream, &server_log, WAIT);
        }
    });
    let mut client = Client::connect(address, log.labelled("client"))?;
    client.expect_bytes("Welcome!")?;
    client
        .log
        .say(r#"-> "Michael" and "exit" in one write: "Michaelexit""#);
    client.write(b"Michaelexit")?;
    client.expect_bytes("Hello, Michaelexit!")?;
    client.expect_silence(Duration::from_secs(1))?;
    client.close("gives up and closes its socket");
    wait_for(log, "read returned 0: closing")?;
    let _ = server.join();

    demo.say(r#"part 2: this lesson's server: every message ends in "\n""#);
    let server = RunningServer::start(log, Config::default())?;
    let mut client = Client::connect(server.address, log.labelled("client"))?;
    client.expect("Welcome!")?;
    client.send("Michael\nexit\n")?;
    wait_for(log, "#1 client said exit")?;
    client.expect("Hello, Michael!")?;
    client.expect("Goodbye!")?;
    client.expect_end()?;
    client.close("done");
    server.stop(log)
}

// ---------------------------------------------------------------------
// The two sides

/// Waits for the server to log a line containing `needle`.
pub(super) fn wait_for(log: &Log, needle: &str) -> Step {
    if log.wait_for(needle, WAIT) {
        Ok(())
    } else {
        Err(format!("no log line with {needle:?} within {WAIT:?}"))
    }
}

/// The lesson's server, running on a thread of the demo.
pub(super) struct RunningServer {
    pub(super) address: SocketAddr,
    shutdown: Shutdown,
    open: Arc<AtomicUsize>,
    thread: JoinHandle<Summary>,
}

impl RunningServer {
    pub(super) fn start(log: &Log, config: Config) -> Step<RunningServer> {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let server = Server::bind(loopback, config, log.labelled("server"))
            .map_err(|e| format!("cannot start the server: {e}"))?;
        Ok(RunningServer {
            address: server.local_addr(),
            shutdown: server.shutdown_handle(),
            open: server.open_connections(),
            thread: thread::spawn(move || server.run()),
        })
    }

    /// Lets every conversation end, then stops the server, as Ctrl+C
    /// would, and waits for it.
    pub(super) fn stop(self, log: &Log) -> Step {
        let deadline = Instant::now() + WAIT;
        while self.open.load(Ordering::SeqCst) > 0 {
            if Instant::now() >= deadline {
                return Err("a conversation did not end".into());
            }
            thread::sleep(Duration::from_millis(5));
        }
        log.labelled("demo")
            .say("stopping the server, as Ctrl+C does");
        self.shutdown.request();
        self.join().map(drop)
    }

    fn join(self) -> Step<Summary> {
        self.thread
            .join()
            .map_err(|_| "the server thread panicked".to_string())
    }
}

/// The demo's client: every step it takes goes into the log.
pub(super) struct Client {
    pub(super) stream: TcpStream,
    lines: LineReader<BufReader<TcpStream>>,
    pub(super) log: Log,
}

impl Client {
    pub(super) fn connect(address: SocketAddr, log: Log) -> Step<Client> {
        log.say(format_args!("connecting to {address}"));
        let failed = |e: io::Error| format!("connect to {address}: {e}");
        let stream =
            TcpStream::connect_timeout(&address, WAIT).map_err(failed)?;
        stream.set_read_timeout(Some(WAIT)).map_err(failed)?;
        stream.set_write_timeout(Some(WAIT)).map_err(failed)?;
        let reader = BufReader::new(stream.try_clone().map_err(failed)?);
        Ok(Client {
            stream,
            lines: LineReader::new(reader, MAX_LINE),
            log,
        })
    }

    /// Logs, then sends, `text` in one write.
    pub(super) fn send(&mut self, text: &str) -> Step {
        self.log.say(format_args!("-> {text:?}"));
        self.write(text.as_bytes())
    }

    pub(super) fn write(&mut self, bytes: &[u8]) -> Step {
        self.stream
            .write_all(bytes)
            .map_err(|e| format!("write failed: {e}"))
    }

    /// Reads one line and checks it is `expected`.
    pub(super) fn expect(&mut self, expected: &str) -> Step {
        match self.lines.read_line() {
            Ok(Some(line)) => {
                self.log.say(format_args!("<- {:?}", format!("{line}\n")));
                if line == expected {
                    Ok(())
                } else {
                    Err(format!("expected {expected:?}, got {line:?}"))
                }
            }
            Ok(None) => {
                Err(format!("expected {expected:?}, got end of stream"))
            }
            Err(e) => Err(format!("expected {expected:?}, got {e}")),
        }
    }

    /// Checks that the server closed: `read` returns 0.
    pub(super) fn expect_end(&mut self) -> Step {
        match self.lines.read_line() {
            Ok(None) => {
                self.log.say(
                    "<- end of stream: read returned 0 (the server's FIN)",
                );
                Ok(())
            }
            Ok(Some(line)) => Err(format!("expected the end, got {line:?}")),
            Err(e) => Err(format!("expected the end, got {e}")),
        }
    }

    /// One raw `read`, as the tutorial's client does, expecting `text`.
    pub(super) fn expect_bytes(&mut self, text: &str) -> Step {
        let mut buffer = [0u8; 1024];
        let n = self
            .stream
            .read(&mut buffer)
            .map_err(|e| format!("read failed: {e}"))?;
        let got = String::from_utf8_lossy(&buffer[..n]);
        self.log.say(format_args!("<- {got:?}"));
        if got == text {
            Ok(())
        } else {
            Err(format!("expected {text:?}"))
        }
    }

    /// Checks that nothing arrives, and no close either, for `limit`.
    fn expect_silence(&mut self, limit: Duration) -> Step {
        self.stream
            .set_read_timeout(Some(limit))
            .map_err(|e| e.to_string())?;
        let mut buffer = [0u8; 1024];
        match self.stream.read(&mut buffer) {
            Err(e) if is_timeout(&e) => {
                self.log.say(format_args!(
                    "no reply and no close within {} s: the server never saw exit",
                    limit.as_secs()
                ));
                Ok(())
            }
            Ok(0) => Err("the server closed after all".into()),
            Ok(n) => Err(format!("{n} unexpected bytes")),
            Err(e) => Err(format!("read failed: {e}")),
        }
    }

    /// Logs why, then closes the socket (both handles to it).
    pub(super) fn close(self, why: &str) {
        self.log.say(why);
        drop(self.lines);
        drop(self.stream);
    }
}
