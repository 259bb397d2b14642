//! lesson07's transcripts, pinned: its help, and a mistake on the command
//! line. The book shows these same files.

use testkit::terminal::{self, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson07");

/// Runs the binary and pins its transcript.
fn snapshot(name: &str, args: &[&str]) {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, args, &dir);
    transcript_settings().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn help() {
    snapshot("lesson07_help", &["--help"]);
}

/// Mistakes on the command line: one clear line each, exit status 2.
#[test]
fn usage_errors() {
    snapshot("lesson07_usage_errors", &["--design", "threads"]);
    terminal::assert_usage_errors(
        BIN,
        &[
            &["--design"],
            &["--workers", "4"],
            &["--design", "events", "--queue", "4"],
            &["--design", "pool", "--workers", "0"],
            &["--port", "70000"],
            &["--idle-timeout", "0"],
            &["client", "two\nlines"],
            &["demo", "--clients", "10", "--silent", "10"],
            &["--verbose"],
        ],
    );
}

/// The client against a pool with no room: it prints the server's one
/// line, then says in one line that it was not welcomed (status 1).
#[test]
fn client_turned_away_by_a_full_pool() {
    use std::net::{SocketAddr, TcpStream};
    use std::time::{Duration, Instant};

    use lessons::lesson04::log::Log;
    use lessons::lesson04::server::Config;
    use lessons::lesson07::{Design, Server};

    let log = Log::silent();
    let address = SocketAddr::from(([127, 0, 0, 1], 0));
    let design = Design::Pool {
        workers: 1,
        queue: 1,
    };
    let server = Server::bind(design, address, Config::default(), log.clone())
        .expect("bind the pool");
    let port = server.local_addr().port();
    let stop = server.stop_handle();
    let running = std::thread::spawn(move || server.run());
    // One client for the worker, one for the queue; each waits until the
    // pool has taken the one before, so that the third finds it full.
    let limit = Duration::from_secs(5);
    let first = TcpStream::connect(("127.0.0.1", port)).expect("first");
    let deadline = Instant::now() + limit;
    // The worker has the first once it has sent the welcome.
    let mut welcome = [0u8; 9];
    first.set_read_timeout(Some(limit)).expect("timeout");
    std::io::Read::read_exact(&mut &first, &mut welcome).expect("welcome");
    let second = TcpStream::connect(("127.0.0.1", port)).expect("second");
    assert!(
        log.wait_for("#2", deadline - Instant::now()),
        "{:?}",
        log.lines()
    );

    let args = ["client", "--port", &port.to_string()];
    let run = terminal::run(BIN, &args, &std::env::temp_dir());
    assert_eq!(run.status.code(), Some(1), "{}", run.output);
    assert_eq!(
        run.output,
        "busy, try again later\nerror: the server answered \"busy, try \
         again later\" instead of welcoming us; stopping\n"
    );
    drop((first, second));
    stop.request();
    let _ = running.join();
}
