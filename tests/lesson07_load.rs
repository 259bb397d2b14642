//! lesson07's load generator, against lesson04's server and against tiny
//! servers that misbehave on purpose, so that every count is proven.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use lessons::lesson04::log::Log;
use lessons::lesson04::server::{Config, Server};
use lessons::lesson07::load::{self, BUSY, Framing, Plan, Report};

const LIMIT: Duration = Duration::from_secs(20);

fn localhost() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// lesson04's server on threads of this test, never stopped (the test
/// process ends instead).
fn lesson04(idle_timeout: Duration) -> SocketAddr {
    let config = Config {
        idle_timeout,
        ..Config::default()
    };
    let server = Server::bind(localhost(), config, Log::silent())
        .expect("lesson04 binds to a free port");
    let addr = server.local_addr();
    thread::spawn(move || server.run());
    addr
}

fn plan(clients: usize, messages: usize) -> Plan {
    Plan {
        clients,
        silent: 0,
        messages,
        hold: false,
        limit: LIMIT,
    }
}

/// A server that runs `behave` on a thread per connection, for at most
/// `connections` connections or 30 s.
fn tiny_server(
    connections: usize,
    behave: fn(TcpStream) -> std::io::Result<()>,
) -> SocketAddr {
    let listener = TcpListener::bind(localhost()).expect("bind");
    let addr = listener.local_addr().expect("local address");
    listener.set_nonblocking(true).expect("non-blocking");
    thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut accepted = 0;
        while accepted < connections && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    accepted += 1;
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(LIMIT));
                    let _ = stream.set_write_timeout(Some(LIMIT));
                    thread::spawn(move || behave(stream));
                }
                Err(_) => thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    addr
}

/// Reads one line (without its `\n`), or `None` at the end.
fn line(reader: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut text = String::new();
    if reader.read_line(&mut text)? == 0 {
        return Ok(None);
    }
    Ok(Some(text.trim_end_matches('\n').to_string()))
}

fn counts(report: &Report) -> (usize, usize, usize, usize) {
    (
        report.served,
        report.busy,
        report.failed,
        report.silent_closed,
    )
}

#[test]
fn every_client_of_lesson04_is_served() {
    let addr = lesson04(Duration::from_secs(30));
    let report = load::run(addr, &plan(40, 5)).expect("the run");
    assert_eq!(counts(&report), (40, 0, 0, 0));
    assert_eq!(report.round_trips.len(), 40 * 5);
    assert!(report.peak_open >= 1 && report.peak_open <= 40);
    assert!(report.elapsed > Duration::ZERO && report.elapsed < LIMIT);
}

#[test]
fn holding_clients_are_all_open_at_once() {
    let addr = lesson04(Duration::from_secs(30));
    let plan = Plan {
        hold: true,
        ..plan(300, 1)
    };
    let report = load::run(addr, &plan).expect("the run");
    assert_eq!(counts(&report), (300, 0, 0, 0));
    assert_eq!(report.round_trips.len(), 300);
    // More than MAX_CONNECTING (256): the batches refill as welcomes come.
    assert_eq!(report.peak_open, 300);
}

#[test]
fn silent_clients_hold_their_connection_and_do_not_count() {
    let addr = lesson04(Duration::from_secs(30));
    let plan = Plan {
        silent: 10,
        ..plan(20, 3)
    };
    let report = load::run(addr, &plan).expect("the run");
    assert_eq!(counts(&report), (20, 0, 0, 0));
    assert_eq!(report.round_trips.len(), 60);
    // The silent ones stay open while the others talk.
    assert!(report.peak_open > 10, "{report:?}");
}

#[test]
fn silent_clients_closed_by_an_idle_timeout_are_counted() {
    // Like lesson04, but a client silent for 200 ms is closed, and each
    // reply takes 300 ms: the talking clients outlast the silent ones.
    let addr = tiny_server(6, |stream| {
        stream.set_read_timeout(Some(Duration::from_millis(200)))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        writer.write_all(b"Welcome!\n")?;
        // A timeout is an error: `?` ends the thread and closes.
        while let Some(name) = line(&mut reader)? {
            if name == "exit" {
                writer.write_all(b"Goodbye!\n")?;
                break;
            }
            thread::sleep(Duration::from_millis(300));
            writer.write_all(format!("Hello, {name}!\n").as_bytes())?;
        }
        Ok(())
    });
    let plan = Plan {
        silent: 4,
        ..plan(2, 2)
    };
    let report = load::run(addr, &plan).expect("the run");
    assert_eq!(counts(&report), (2, 0, 0, 4));
    let slow = Duration::from_millis(290);
    assert!(report.round_trips.iter().all(|t| *t >= slow));
}

#[test]
fn silent_clients_kept_waiting_do_not_hold_up_the_talkers_for_ever() {
    // Like a full pool: the first 2 connections are accepted but never
    // welcomed; the others are served like lesson04 serves them.
    static SEEN: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);
    let addr = tiny_server(5, |stream| {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        if SEEN.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
            let _ = reader.read_to_end(&mut Vec::new());
            return Ok(());
        }
        writer.write_all(b"Welcome!\n")?;
        while let Some(name) = line(&mut reader)? {
            if name == "exit" {
                writer.write_all(b"Goodbye!\n")?;
                break;
            }
            writer.write_all(format!("Hello, {name}!\n").as_bytes())?;
        }
        Ok(())
    });
    let plan = Plan {
        silent: 2,
        ..plan(3, 1)
    };
    let started = Instant::now();
    let report = load::run(addr, &plan).expect("the run");
    assert_eq!(counts(&report), (3, 0, 0, 0));
    let waited = started.elapsed();
    assert!(waited >= load::SILENT_SETTLE, "{waited:?}");
    assert!(waited < load::SILENT_SETTLE + Duration::from_secs(5));
}

#[test]
fn a_wrong_reply_fails_the_client() {
    let addr = tiny_server(5, |stream| {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        writer.write_all(b"Welcome!\n")?;
        while let Some(name) = line(&mut reader)? {
            writer.write_all(format!("Hi, {name}!\n").as_bytes())?;
        }
        Ok(())
    });
    let report = load::run(addr, &plan(5, 3)).expect("the run");
    assert_eq!(counts(&report), (0, 0, 5, 0));
    assert!(report.round_trips.is_empty());
}

#[test]
fn a_server_that_closes_early_fails_the_client() {
    // Welcome, one reply, then close without `Goodbye!`.
    let addr = tiny_server(4, |stream| {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        writer.write_all(b"Welcome!\n")?;
        if let Some(name) = line(&mut reader)? {
            writer.write_all(format!("Hello, {name}!\n").as_bytes())?;
        }
        Ok(())
    });
    let report = load::run(addr, &plan(4, 3)).expect("the run");
    assert_eq!(counts(&report), (0, 0, 4, 0));
    assert_eq!(report.round_trips.len(), 4);
}

#[test]
fn a_busy_server_is_counted_as_busy_for_talkers_and_closed_for_silent() {
    let addr = tiny_server(9, |mut stream| {
        stream.write_all(format!("{BUSY}\n").as_bytes())?;
        // Close gracefully: our FIN, then wait for the client's.
        stream.shutdown(std::net::Shutdown::Write)?;
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        Ok(())
    });
    let plan = Plan {
        silent: 3,
        ..plan(6, 2)
    };
    let report = load::run(addr, &plan).expect("the run");
    assert_eq!(counts(&report), (0, 6, 0, 3));
}

#[test]
fn replies_split_into_single_bytes_are_put_back_together() {
    let addr = tiny_server(3, |stream| {
        stream.set_nodelay(true)?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        let bytewise = |writer: &mut TcpStream, text: String| {
            for byte in text.bytes() {
                writer.write_all(&[byte])?;
                thread::sleep(Duration::from_millis(1));
            }
            std::io::Result::Ok(())
        };
        bytewise(&mut writer, "Welcome!\n".into())?;
        while let Some(name) = line(&mut reader)? {
            if name == "exit" {
                bytewise(&mut writer, "Goodbye!\n".into())?;
                break;
            }
            bytewise(&mut writer, format!("Hello, {name}!\n"))?;
        }
        Ok(())
    });
    let report = load::run(addr, &plan(3, 2)).expect("the run");
    assert_eq!(counts(&report), (3, 0, 0, 0));
}

/// Every name `names_are_unique_per_client_and_message` heard.
static NAMES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

#[test]
fn names_are_unique_per_client_and_message() {
    // Answers like lesson04 and writes down every name it hears.
    let addr = tiny_server(3, |stream| {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        writer.write_all(b"Welcome!\n")?;
        while let Some(name) = line(&mut reader)? {
            if name == "exit" {
                writer.write_all(b"Goodbye!\n")?;
                break;
            }
            if let Ok(mut names) = NAMES.lock() {
                names.push(name.clone());
            }
            writer.write_all(format!("Hello, {name}!\n").as_bytes())?;
        }
        Ok(())
    });
    let report = load::run(addr, &plan(3, 2)).expect("the run");
    assert_eq!(counts(&report), (3, 0, 0, 0));
    let mut names = NAMES.lock().expect("no panic while held").clone();
    names.sort();
    assert_eq!(names, ["c0m0", "c0m1", "c1m0", "c1m1", "c2m0", "c2m1"]);
}

#[test]
fn a_refused_connect_fails_the_client() {
    // A port that was free a moment ago: nothing listens there now.
    let addr = TcpListener::bind(localhost())
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let report = load::run(addr, &plan(5, 1)).expect("the run");
    assert_eq!(counts(&report), (0, 0, 5, 0));
}

#[test]
fn a_server_that_never_answers_is_cut_off_at_the_limit() {
    let addr = tiny_server(3, |mut stream| {
        // Accept, say nothing, wait for the client to give up.
        let _ = stream.read_to_end(&mut Vec::new());
        Ok(())
    });
    let limit = Duration::from_millis(500);
    let started = Instant::now();
    let report = load::run(
        addr,
        &Plan {
            limit,
            ..plan(3, 1)
        },
    )
    .expect("run");
    assert_eq!(counts(&report), (0, 0, 3, 0));
    assert!(started.elapsed() < limit + Duration::from_secs(2));
}

#[test]
fn the_tutorial_framing_has_no_newlines_and_exit_closes() {
    // The tutorial's protocol: `Welcome!`, `Hello,NAME!`, close on exit.
    let addr = tiny_server(4, |mut stream| {
        stream.write_all(b"Welcome!")?;
        let mut buffer = [0u8; 1024];
        loop {
            let n = stream.read(&mut buffer)?;
            let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
            if n == 0 || text == "exit" {
                return Ok(());
            }
            stream.write_all(format!("Hello,{text}!").as_bytes())?;
        }
    });
    let report =
        load::run_with(addr, &plan(4, 5), Framing::Tutorial).expect("run");
    assert_eq!(counts(&report), (4, 0, 0, 0));
    assert_eq!(report.round_trips.len(), 20);
}

#[cfg(target_os = "linux")]
#[test]
fn too_many_clients_for_the_fd_limit_is_a_clear_error() {
    let addr = localhost();
    let error = load::run(addr, &plan(100_000_000, 1)).expect_err("no run");
    let text = error.to_string();
    assert!(text.contains("file descriptors"), "{text}");
    assert!(text.contains("ulimit -n"), "{text}");
}
