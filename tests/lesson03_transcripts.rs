//! lesson03's transcripts, pinned, and the real binary against the
//! tutorial's own Python programs. The book shows these same snapshots.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

use socket2::SockRef;
use testkit::lesson03::{
    self, ServerProcess, connect, expected, port_filters, python3, receive,
};
use testkit::terminal::{
    self, assert_usage_errors, run, transcript, transcript_settings,
    wait_bounded,
};

const BIN: &str = env!("CARGO_BIN_EXE_lesson03");

fn settings() -> insta::Settings {
    let mut settings = transcript_settings();
    port_filters(&mut settings);
    settings
}

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn help() {
    let text = transcript(BIN, &["--help"], here());
    transcript_settings()
        .bind(|| insta::assert_snapshot!("lesson03_help", text));
}

#[test]
fn bad_arguments_get_one_line_and_status_2() {
    assert_usage_errors(
        BIN,
        &[
            &["--port", "70000"],
            &["--bogus"],
            &["client", ""],
            &["demo", "--fast"],
        ],
    );
}

/// The tutorial's session: our client against our server. Pins both what
/// the client prints and what the server logs.
#[test]
fn client_and_server_session() {
    let mut server = ServerProcess::start(BIN, &[]);
    let port = server.port().to_string();
    let client = transcript(BIN, &["client", "--port", &port], here());
    server.wait_for("closed.");
    let log = format!(
        "$ cargo run --bin lesson03 -- --port 0\n{}\n^C\n",
        server.log().join("\n")
    );
    settings().bind(|| {
        insta::assert_snapshot!("lesson03_client", client);
        insta::assert_snapshot!("lesson03_server", log);
    });
}

#[test]
fn client_with_nothing_listening() {
    // A port that was free a moment ago: bind one, note it, let it go.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port().to_string()
    };
    let text = transcript(BIN, &["client", "--port", &port], here());
    settings().bind(|| insta::assert_snapshot!("lesson03_no_server", text));
}

/// Every kind of bad client, one after the other, against the real
/// server; after each, a good client is still served. The server's log
/// is pinned: one line per fault, no panic. In the end no thread and no
/// file descriptor is left behind.
#[test]
fn faults_each_get_a_log_line() {
    let mut server = ServerProcess::start(BIN, &["--idle-timeout", "1"]);
    let addr = server.addr;
    let baseline = server.threads_and_fds();
    if cfg!(target_os = "linux") {
        assert_eq!(baseline.map(|(threads, _)| threads), Some(1));
    }
    let check_still_serving = |server: &mut ServerProcess| {
        let heard = lesson03::conversation(addr, &["Ann"]);
        assert_eq!(heard, expected(&["Ann"]));
        server.wait_for("closed.");
    };

    // Bytes that are not UTF-8: an error reply, and the conversation
    // goes on.
    let mut stream = connect(addr);
    assert_eq!(receive(&mut stream), "Welcome!");
    stream.write_all(b"\xff\xfe\xfd\n").expect("send");
    assert_eq!(
        receive(&mut stream),
        "Error: that was not UTF-8 text, so not a name.\n"
    );
    stream.write_all(b"Bob\n").expect("send");
    assert_eq!(receive(&mut stream), "Hello, Bob!\n");
    stream.write_all(b"exit\n").expect("send");
    server.wait_for("closed.");
    check_still_serving(&mut server);

    // A reset: SO_LINGER with a zero timeout makes close() send RST.
    // Read the welcome first, so the server is surely waiting in `read`.
    let mut stream = connect(addr);
    assert_eq!(receive(&mut stream), "Welcome!");
    SockRef::from(&stream)
        .set_linger(Some(std::time::Duration::ZERO))
        .expect("set SO_LINGER 0");
    drop(stream);
    server.wait_for("closed: reset by the client.");
    check_still_serving(&mut server);

    // A megabyte in one go: refused with an error, connection closed.
    let mut stream = connect(addr);
    let mut writer = stream.try_clone().expect("clone");
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(&vec![b'x'; 1 << 20]);
    });
    let mut heard = Vec::new();
    let _ = stream.read_to_end(&mut heard);
    let _ = sender.join();
    assert_eq!(
        String::from_utf8_lossy(&heard),
        "Welcome!Error: message too long (the limit is 1023 bytes); \
         closing.\n"
    );
    server.wait_for("closed: message too long.");
    check_still_serving(&mut server);

    // Connect, then say nothing: closed after the idle timeout.
    let mut stream = connect(addr);
    assert_eq!(receive(&mut stream), "Welcome!");
    assert_eq!(receive(&mut stream), "", "expected the server to close");
    server.wait_for("timed out.");
    check_still_serving(&mut server);

    assert!(server.is_running());
    // Every connection's thread ended and its socket was closed.
    server.wait_for_baseline(baseline);
    let log = format!(
        "$ cargo run --bin lesson03 -- --port 0 --idle-timeout 1\n{}\n^C\n",
        server.log().join("\n")
    );
    settings().bind(|| insta::assert_snapshot!("lesson03_faults", log));
}

#[test]
fn demo() {
    let text = transcript(BIN, &["demo"], here());
    let mut settings = settings();
    settings.add_filter(r"(waited|after) +\d+ ms", "$1 [T] ms");
    settings.bind(|| insta::assert_snapshot!("lesson03_demo", text));
}

#[test]
fn demo_single_thread() {
    let text = transcript(BIN, &["demo", "--single-thread"], here());
    // The order of the waits is the point: later clients wait longer.
    let waits: Vec<u64> = text
        .lines()
        .filter_map(|line| line.split("waited").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter_map(|ms| ms.parse().ok())
        .collect();
    assert_eq!(waits.len(), 5, "{text}");
    assert!(waits.is_sorted(), "{text}");
    let mut settings = settings();
    settings.add_filter(r"(waited|after) +\d+ ms", "$1 [T] ms");
    settings.bind(|| {
        insta::assert_snapshot!("lesson03_demo_single_thread", text);
    });
}

/// The tutorial's Python client, unchanged but for its quotes and port,
/// against our server: it prints the tutorial's transcript.
#[test]
fn tutorial_client_against_our_server() {
    if !python3() {
        return;
    }
    let mut server = ServerProcess::start(BIN, &[]);
    let script = here().join("tests/fixtures/tutorial_client.py");
    let (mut reader, writer) = std::io::pipe().expect("pipe");
    let child = Command::new("python3")
        .arg(&script)
        .arg(server.port().to_string())
        .stdin(Stdio::null())
        .stdout(writer.try_clone().expect("clone"))
        .stderr(writer)
        .spawn()
        .expect("start python3");
    let status = wait_bounded(child, terminal::RUN_LIMIT);
    let mut output = String::new();
    reader
        .read_to_string(&mut output)
        .expect("read python output");
    assert!(status.success(), "{output}");
    assert_eq!(
        output,
        "Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
    server.wait_for("closed.");
}

/// Our client against the tutorial's Python server (which sleeps a
/// second per message, so this takes about four seconds).
#[test]
fn our_client_against_tutorial_server() {
    if !python3() {
        return;
    }
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let script = here().join("tests/fixtures/tutorial_server.py");
    let python = Command::new("python3")
        .arg(&script)
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start python3");
    // Killed however this test ends: the Python server never stops itself.
    let mut python = KillOnDrop(python);
    // Wait (bounded) until it listens: its first line says so.
    let stdout = python.0.stdout.take().expect("piped stdout");
    let (sender, first_line) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = [0u8; 26];
        let mut stdout = stdout;
        let _ = sender.send(stdout.read_exact(&mut first).map(|()| first));
        // Keep reading: a closed pipe would kill the server's next print.
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
    });
    let first = first_line.recv_timeout(lesson03::TIMEOUT);
    let ready = matches!(first, Ok(Ok(_)));
    let port = port.to_string();
    let run = ready.then(|| run(BIN, &["client", "--port", &port], here()));
    drop(python);
    let run = run.expect("the tutorial's server did not start");
    let first = first.ok().and_then(Result::ok).unwrap_or_default();
    assert_eq!(&first, b"Waiting for connection...\n");
    assert!(run.status.success(), "{}", run.output);
    assert_eq!(
        run.output,
        "Welcome!\nHello,Michael!\nHello,Tracy!\nHello,Sarah!\n"
    );
}

/// A child process that is killed when this value goes out of scope.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn pitfall_list() {
    let text = transcript(BIN, &["pitfall"], here());
    transcript_settings()
        .bind(|| insta::assert_snapshot!("lesson03_pitfall_list", text));
    assert_usage_errors(BIN, &[&["pitfall", "nosuch"], &["pitfall", "1", "2"]]);
}

/// The byte counts depend on the kernel's buffer sizes: the snapshot
/// hides them, the test checks that the first write was short.
#[test]
fn pitfall_partial_writes() {
    let text = transcript(BIN, &["pitfall", "partial-writes"], here());
    assert!(text.ends_with("[exit status: 0]\n"), "{text}");
    // Linux doubles the send buffer asked for (and reports 8192); other
    // systems do not, so the snapshot is Linux's.
    if !cfg!(target_os = "linux") {
        return;
    }
    let taken: usize = text
        .split("bytes: Ok(")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {text}"));
    assert!(0 < taken && taken < 1_000_000, "{text}");
    let mut settings = transcript_settings();
    settings.add_filter(r"bytes: Ok\(\d+\)", "bytes: Ok([N])");
    settings.add_filter(r"\d+ bytes taken in all", "[M] bytes taken in all");
    settings.add_filter(r"the other \d+", "the other [1000000 - M]");
    settings.bind(|| {
        insta::assert_snapshot!("lesson03_pitfall_partial_writes", text);
    });
}

/// Out of file descriptors: the server's accept fails, it pauses 100 ms
/// between tries (so a second of waiting costs about ten tries, not
/// millions), keeps serving, and recovers. Linux only: the demo lowers
/// its limit with `setrlimit`.
#[cfg(target_os = "linux")]
#[test]
fn pitfall_too_many_files() {
    let text = transcript(BIN, &["pitfall", "too-many-files"], here());
    let numbers = |marker: &str| -> Vec<u128> {
        text.lines()
            .filter(|line| line.contains(marker))
            .flat_map(|line| line.split_whitespace())
            .filter_map(|word| word.parse().ok())
            .collect()
    };
    let total = numbers("times in");
    let [tries, millis] = total[..] else {
        panic!("no summary in {text}");
    };
    assert!(tries >= 5, "too few tries: {text}");
    assert!(tries <= millis / 100 + 3, "a busy loop? {text}");
    let mut settings = settings();
    settings.add_filter(
        r"failed \d+ times in \d+ ms",
        "failed [N] times in [T] ms",
    );
    settings.add_filter(r"failed \d+ times,", "failed [N] times,");
    settings.bind(|| {
        insta::assert_snapshot!("lesson03_pitfall_too_many_files", text);
    });
}

/// Port 80 as an ordinary user: one line that names the real cause.
/// When the tests run as root (CI does), `setpriv` runs the lesson as
/// user nobody. lesson04 shares the message; its tests check it too.
#[cfg(target_os = "linux")]
#[test]
fn port_80_as_an_ordinary_user_names_the_cause() {
    let start = std::fs::read_to_string(
        "/proc/sys/net/ipv4/ip_unprivileged_port_start",
    )
    .ok()
    .and_then(|text| text.trim().parse::<u16>().ok());
    let Some(start) = start.filter(|&start| start > 80) else {
        eprintln!("note: port 80 is not privileged here; skipping");
        return;
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        let run = run(BIN, &["--port", "80"], here());
        assert_cause(&run, start);
        return;
    }
    let tmp = std::env::temp_dir();
    let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups", BIN];
    let check = run("setpriv", &[&setpriv[..], &["--help"]].concat(), &tmp);
    if !check.status.success() {
        eprintln!("note: cannot run the lesson as nobody (setpriv); skipping");
        return;
    }
    let run = run("setpriv", &[&setpriv[..], &["--port", "80"]].concat(), &tmp);
    assert_cause(&run, start);
}

#[cfg(target_os = "linux")]
fn assert_cause(run: &terminal::Run, start: u16) {
    assert_eq!(run.status.code(), Some(1), "{}", run.output);
    assert_eq!(
        run.output,
        format!(
            "error: cannot listen on 127.0.0.1:80: Permission denied (os \
             error 13): on Linux, ports below {start} need root or \
             CAP_NET_BIND_SERVICE; try a port from {start} up, or --port 0\n"
        )
    );
}
