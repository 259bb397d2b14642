//! A lesson binary run the way a learner runs it, and what they would see
//! in the terminal: the transcripts the book shows, and the check that a
//! command-line mistake gets a short answer. The binary's path comes from
//! the test (`env!("CARGO_BIN_EXE_lessonNN")`).

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

/// No lesson run in a test may take longer than this. A run that does is
/// killed and the test fails, so a hang can never stall the suite.
pub const RUN_LIMIT: Duration = Duration::from_secs(20);

/// What a learner sees in the terminal: the command, the interleaved
/// output, and the exit status.
pub struct Run {
    pub output: String,
    pub status: ExitStatus,
}

/// Runs `bin` with `args` in `dir`, with stdout and stderr joined into one
/// pipe (as a terminal shows them), and returns the transcript:
///
/// ```text
/// $ cargo run --bin lesson01 -- 1.2.3.4
/// ...what it printed...
/// [exit status: 0]
/// ```
pub fn transcript(bin: &str, args: &[&str], dir: &Path) -> String {
    let run = run(bin, args, dir);
    format_transcript(bin, args, &run)
}

pub fn format_transcript(bin: &str, args: &[&str], run: &Run) -> String {
    let name = Path::new(bin)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("lesson");
    let mut command = format!("$ cargo run --bin {name}");
    if !args.is_empty() {
        command.push_str(" --");
        for arg in args {
            command.push(' ');
            command.push_str(&shell_quote(arg));
        }
    }
    let code = run
        .status
        .code()
        .map_or_else(|| "killed by a signal".to_string(), |c| c.to_string());
    let mut output = run.output.clone();
    if !output.is_empty() && !output.ends_with('\n') {
        output.push('\n');
    }
    format!("{command}\n{output}[exit status: {code}]\n")
}

/// Runs a binary to completion (or until `RUN_LIMIT`), capturing its
/// joined stdout and stderr.
pub fn run(bin: &str, args: &[&str], dir: &Path) -> Run {
    let (mut reader, writer) = std::io::pipe().expect("create a pipe");
    let child = {
        let mut command = Command::new(bin);
        command
            .args(args)
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(writer.try_clone().expect("clone the pipe"))
            .stderr(writer);
        command.spawn().expect("start the lesson binary")
        // `command` is dropped here, closing our copies of the pipe's
        // writing end: the reader sees EOF once the child exits.
    };
    let collector = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        bytes
    });
    let status = wait_bounded(child, RUN_LIMIT);
    let bytes = collector.join().expect("output collector thread");
    Run {
        output: String::from_utf8_lossy(&bytes).into_owned(),
        status,
    }
}

/// Waits for a child, killing it (and failing the test) past `limit`.
pub fn wait_bounded(mut child: Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the lesson binary was still running after {limit:?}; killed it"
            );
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Quotes an argument the way a learner would type it in a POSIX shell.
pub fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || ":./-_%=,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// insta settings for transcripts: snapshots in `tests/snapshots/` named
/// by the test alone, with no expression in the header. The header is then
/// always the same three lines, which lets the book include the transcript
/// from line 4 on (`{{#include ../tests/snapshots/NAME.snap:4:}}`);
/// `tests/book.rs` checks that this stays true.
pub fn transcript_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// A command-line mistake gets one `error:` line (and one line pointing to
/// `--help`) and exit status 2, for each set of `args`.
pub fn assert_usage_errors(bin: &str, cases: &[&[&str]]) {
    for args in cases {
        let run = run(bin, args, &std::env::temp_dir());
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", run.output);
        assert!(
            run.output.starts_with("error: "),
            "{args:?}: {}",
            run.output
        );
        assert_eq!(run.output.lines().count(), 2, "{args:?}: {}", run.output);
    }
}
