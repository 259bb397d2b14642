//! Every lesson binary, piped into a reader that stops early
//! (`cargo run --bin lessonNN | head -1`), must end quietly: no panic,
//! nothing on stderr, exit status 0 (see `lessons::output`).
//!
//! Each case starts the real binary with its stdout on a pipe, reads the
//! first line, closes the pipe, makes the binary print more if it would
//! otherwise sit waiting (a server waits for clients), and then waits a
//! bounded time for it to end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a binary may take to notice the closed pipe and end.
const LIMIT: Duration = Duration::from_secs(10);

/// Runs `bin` with `args`, reads one line, closes stdout, calls `poke`
/// with that line, and checks that the binary ends quietly.
fn ends_quietly(bin: &str, args: &[&str], poke: impl FnOnce(&str)) {
    let name = label(bin, args);
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the lesson binary");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let errors = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    // Read the first line on a thread, so that a binary which prints
    // nothing cannot stall the test; the thread drops (closes) the pipe
    // as soon as it has the line.
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        drop(reader);
        let _ = sender.send(line);
    });
    let Ok(first) = receiver.recv_timeout(LIMIT) else {
        kill(&mut child);
        panic!("{name}: no first line within {LIMIT:?}");
    };
    assert!(!first.is_empty(), "{name}: printed nothing");
    poke(&first);
    let status = wait_bounded(&mut child, &name);
    let errors = errors.join().expect("stderr reader");
    assert!(!errors.contains("panicked"), "{name}: {errors}");
    assert_eq!(errors, "", "{name}: wrote to stderr");
    assert_eq!(status.code(), Some(0), "{name}: {status}");
}

/// `lesson03 --port 0`: the binary's name and its first few arguments.
fn label(bin: &str, args: &[&str]) -> String {
    let stem = bin.rsplit(['/', '\\']).next().unwrap_or(bin);
    let mut words = vec![stem.to_string()];
    words.extend(args.iter().take(3).map(|arg| arg.to_string()));
    if args.len() > 3 {
        words.push(format!("... ({} arguments)", args.len()));
    }
    words.join(" ")
}

fn wait_bounded(child: &mut Child, name: &str) -> ExitStatus {
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return status;
        }
        if Instant::now() >= deadline {
            kill(child);
            panic!("{name}: still running {LIMIT:?} after stdout closed");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The loopback address in a server's first line (`... 127.0.0.1:PORT`).
fn address_in(line: &str) -> SocketAddr {
    line.split_whitespace()
        .find_map(|word| word.trim_end_matches(['.', ',']).parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
}

/// Makes a server log something: connect, and greet it a few times. Any
/// error is fine (the server may end while we talk); the point is that it
/// has something to print.
fn visit(address: SocketAddr) {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, LIMIT) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    for _ in 0..3 {
        if stream.write_all(b"Ann\n").is_err() {
            return;
        }
        let mut reply = [0; 256];
        match stream.read(&mut reply) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

#[test]
fn lesson01_tour() {
    ends_quietly(env!("CARGO_BIN_EXE_lesson01"), &[], |_| {});
}

/// More output than a pipe holds (64 KiB on Linux): the binary is still
/// writing when the pipe closes.
#[test]
fn lesson01_many_addresses() {
    let args = vec!["192.168.0.1:80"; 2000];
    ends_quietly(env!("CARGO_BIN_EXE_lesson01"), &args, |_| {});
}

#[test]
fn lesson02_local_fetch() {
    ends_quietly(env!("CARGO_BIN_EXE_lesson02"), &[], |_| {});
}

#[test]
fn lesson03_server() {
    ends_quietly(env!("CARGO_BIN_EXE_lesson03"), &["--port", "0"], |line| {
        visit(address_in(line))
    });
}

#[test]
fn lesson03_demo() {
    ends_quietly(env!("CARGO_BIN_EXE_lesson03"), &["demo"], |_| {});
}

#[test]
fn lesson04_server() {
    ends_quietly(env!("CARGO_BIN_EXE_lesson04"), &["--port", "0"], |line| {
        visit(address_in(line))
    });
}

#[test]
fn lesson04_demo() {
    ends_quietly(env!("CARGO_BIN_EXE_lesson04"), &["demo", "exit"], |_| {});
}

/// Each design of lesson07's server: its first line is `listening on`.
#[test]
fn lesson07_server() {
    for design in ["pool", "events", "async"] {
        let args = ["--design", design, "--port", "0"];
        ends_quietly(env!("CARGO_BIN_EXE_lesson07"), &args, |line| {
            visit(address_in(line))
        });
    }
}
