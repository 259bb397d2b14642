//! `lesson07 demo`, pinned: a thousand clients, a hundred of them silent,
//! against lesson04's thread per client and lesson07's three designs.
//! Who was served comes out the same on every run; how long it took does
//! not, and is shown as `[TIME]`.

use testkit::terminal::{self, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson07");

#[test]
fn demo() {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, &["demo"], &dir);
    let mut settings = transcript_settings();
    settings.add_filter(r"\d+\.\d\d s", "[TIME]");
    settings.bind(|| insta::assert_snapshot!("lesson07_demo", text));
}

/// A smaller crowd: the pool serves everyone when nobody is silent, and
/// the demo refuses a crowd made only of silent clients.
#[test]
fn demo_options() {
    let dir = std::env::temp_dir();
    let run =
        terminal::run(BIN, &["demo", "--clients", "40", "--silent", "0"], &dir);
    assert!(run.status.success(), "{}", run.output);
    let pool = run
        .output
        .lines()
        .find(|line| line.starts_with("pool"))
        .unwrap_or_default()
        .to_string();
    assert!(pool.contains(" 40/40 "), "{}", run.output);
    terminal::assert_usage_errors(
        BIN,
        &[&["demo", "--clients", "10", "--silent", "10"]],
    );
}

/// Both ends of every connection live in the demo's process. With too
/// low a limit on open files it raises its own (macOS starts at 256), and
/// where the system forbids that, it says so in one line, status 1.
#[cfg(target_os = "linux")]
#[test]
fn demo_and_the_limit_on_open_files() {
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    let run = |soft: u64, hard: u64, args: &[&str]| {
        let mut command = Command::new(BIN);
        command.args(args);
        // SAFETY: only setrlimit, which is async-signal-safe, runs
        // between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: soft,
                    rlim_max: hard,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        command.output().expect("run lesson07 demo")
    };
    let raised =
        run(256, 4096, &["demo", "--clients", "300", "--silent", "30"]);
    let text = String::from_utf8_lossy(&raised.stdout);
    assert!(raised.status.success(), "{text}");
    assert!(
        text.contains("events (one thread)                  270/270"),
        "{text}"
    );

    let refused = run(256, 256, &["demo"]);
    let error = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{error}");
    assert_eq!(error.lines().count(), 1, "{error}");
    assert!(
        error.starts_with("error: 1000 clients need about 2064 open files"),
        "{error}"
    );
}
