//! One command-line convention for every lesson binary (`lessons::cli`):
//! the same help, the same mistakes in the same words, the same status.

use std::ffi::OsString;
use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BINS: [(&str, &str); 5] = [
    ("lesson01", env!("CARGO_BIN_EXE_lesson01")),
    ("lesson02", env!("CARGO_BIN_EXE_lesson02")),
    ("lesson03", env!("CARGO_BIN_EXE_lesson03")),
    ("lesson04", env!("CARGO_BIN_EXE_lesson04")),
    ("lesson07", env!("CARGO_BIN_EXE_lesson07")),
];

/// What one run printed, and how it ended.
#[derive(Debug, PartialEq)]
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `bin` (which must end at once: these are all command-line
/// checks), killing it after a few seconds if it does not.
fn ran(bin: &str, args: &[OsString]) -> Ran {
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the lesson binary");
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let stdout = thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{bin} {args:?} still ran after 10 s");
        }
        thread::sleep(Duration::from_millis(10));
    };
    Ran {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn run(bin: &str, args: &[&str]) -> Ran {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    ran(bin, &args)
}

/// A usage mistake: nothing on stdout, two lines on stderr, status 2.
fn mistake(name: &str, message: &str) -> Ran {
    Ran {
        code: Some(2),
        stdout: String::new(),
        stderr: format!(
            "error: {message}\nhelp: cargo run --bin {name} -- --help\n"
        ),
    }
}

#[test]
fn help_goes_to_stdout_with_status_0() {
    for (name, bin) in BINS {
        let help = run(bin, &["--help"]);
        assert_eq!(help.code, Some(0), "{name}");
        assert_eq!(help.stderr, "", "{name}");
        let usage = format!("usage: cargo run --bin {name} -- ");
        assert!(help.stdout.starts_with(&usage), "{name}: {}", help.stdout);
        assert!(help.stdout.contains("-h, --help"), "{name}");
        assert_eq!(run(bin, &["-h"]), help, "{name}");
    }
}

#[test]
fn an_unknown_option_is_a_mistake_everywhere() {
    for (name, bin) in BINS {
        let expected = mistake(name, "unknown option \"--bogus\"");
        assert_eq!(run(bin, &["--bogus"]), expected, "{name}");
    }
    for (name, args) in [
        ("lesson03", &["client", "--bogus"][..]),
        ("lesson03", &["demo", "--bogus"]),
        ("lesson04", &["client", "--bogus"]),
        ("lesson04", &["demo", "--bogus"]),
        ("lesson07", &["client", "--bogus"]),
        ("lesson07", &["demo", "--bogus"]),
    ] {
        let bin = BINS.iter().find(|(n, _)| *n == name).expect("a lesson").1;
        let expected = mistake(name, "unknown option \"--bogus\"");
        assert_eq!(run(bin, args), expected, "{name} {args:?}");
    }
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_mistake_everywhere() {
    use std::os::unix::ffi::OsStringExt;
    for (name, bin) in BINS {
        let arg = OsString::from_vec(b"caf\xe9".to_vec());
        let expected = mistake(name, r#"argument "caf\xE9" is not UTF-8 text"#);
        assert_eq!(ran(bin, &[arg]), expected, "{name}");
    }
}

#[test]
fn ports_are_read_alike() {
    let bad = "--port wants a port number from 0 to 65535, not \"70000\"";
    for (name, args) in [
        ("lesson03", &["--port", "70000"][..]),
        ("lesson03", &["--port=70000"]),
        ("lesson03", &["client", "--port", "70000"]),
        ("lesson03", &["burst", "--port", "70000"]),
        ("lesson04", &["--port", "70000"]),
        ("lesson04", &["client", "--port=70000"]),
        ("lesson07", &["--port", "70000"]),
        ("lesson07", &["client", "--port=70000"]),
    ] {
        let bin = BINS.iter().find(|(n, _)| *n == name).expect("a lesson").1;
        assert_eq!(run(bin, args), mistake(name, bad), "{name} {args:?}");
    }
    let missing = mistake("lesson04", "--port needs a value");
    assert_eq!(run(BINS[3].1, &["--port"]), missing);
}

#[test]
fn seconds_are_read_alike() {
    for (name, option, max) in [
        ("lesson02", "--timeout", 3600),
        ("lesson02", "--max-time", 86_400),
        ("lesson03", "--idle-timeout", 86_400),
        ("lesson04", "--idle-timeout", 86_400),
        ("lesson07", "--idle-timeout", 86_400),
    ] {
        let bin = BINS.iter().find(|(n, _)| *n == name).expect("a lesson").1;
        for value in ["0", "1.5"] {
            let message = format!(
                "{option} wants whole seconds from 1 to {max}, not {value:?}"
            );
            let args = [option, value];
            assert_eq!(run(bin, &args), mistake(name, &message), "{name}");
        }
    }
}

/// `--` ends the options: after it, `-h` is a name like any other.
#[test]
fn a_double_dash_ends_the_options() {
    let listing = run(BINS[3].1, &["demo", "--", "-h"]);
    let expected =
        mistake("lesson04", "no scenario \"-h\" (demo alone lists them)");
    assert_eq!(listing, expected);
}
