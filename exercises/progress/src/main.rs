//! `cargo exercises`: how far you are with the exercises, and what next.
//!
//!     cargo exercises            every chapter's progress, the next exercise
//!     cargo exercises hint 2.3   a hint for Exercise 2.3
//!     cargo exercises --watch    the same again each time you save a file
//!
//! It runs `cargo test -p exercises` and sums up what the tests said. It
//! exits with status 0 only when every exercise is done.

mod exercises;
mod report;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

const USAGE: &str = "usage: cargo exercises [--watch]
       cargo exercises hint N.K

With no arguments: run every exercise's tests and show how many are done,
the next exercise to do, where to write it and its first failure.
  --watch   check again each time a file under exercises/ is saved
  hint N.K  print the hint for Exercise N.K";

/// The workspace's root folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    // `--package NAME` checks another crate with the same tests: the
    // workbook's own tests use it to run this tool over the solutions.
    let (package, words) = match words.as_slice() {
        ["--package", name, rest @ ..] => (*name, rest.to_vec()),
        _ => ("exercises", words),
    };
    match words.as_slice() {
        [] => report_once(package),
        ["--watch"] => watch(package),
        ["hint", id] => hint(id),
        ["-h" | "--help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("error: unexpected arguments {words:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Runs the tests once and prints the summary.
fn report_once(package: &str) -> ExitCode {
    match check(package) {
        Ok((text, true)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Ok((text, false)) => {
            print!("{text}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// The summary of one test run, and whether every exercise is done.
fn check(package: &str) -> Result<(String, bool), String> {
    let exercises = exercises::read_all(&root())?;
    let run = run_tests(package, None)?;
    Ok(report::render(&exercises, &run))
}

/// Runs the exercise tests: all of them, or one chapter's (`lesson02`).
fn run_tests(
    package: &str,
    chapter: Option<&str>,
) -> Result<report::Run, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["test", "-p", package, "--no-fail-fast", "--color", "never"]);
    if let Some(chapter) = chapter {
        command.args(["--test", chapter]);
    }
    let output = command
        .args(["--", "--color", "never"])
        .env("RUST_BACKTRACE", "0")
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let run = report::parse(&stdout, &stderr);
    if run.tests.is_empty() && run.compile_error.is_empty() {
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "cargo test ran no tests; it said:\n{}",
            tail.join("\n")
        ));
    }
    Ok(run)
}

/// Prints the hint for one exercise, from `exercises/hints/lessonNN.md`.
fn hint(id: &str) -> ExitCode {
    let Some((chapter, number)) = id.split_once('.') else {
        eprintln!("error: {id:?} is not an exercise number such as 2.3");
        return ExitCode::from(2);
    };
    let (Ok(chapter), Ok(number)) =
        (chapter.parse::<u32>(), number.parse::<u32>())
    else {
        eprintln!("error: {id:?} is not an exercise number such as 2.3");
        return ExitCode::from(2);
    };
    let file = root().join(format!("exercises/hints/lesson{chapter:02}.md"));
    let text = fs::read_to_string(&file).unwrap_or_default();
    let anchor = format!("ex{chapter}_{number}");
    match between_anchors(&text, &anchor) {
        Some(hint) => {
            println!(
                "Hint for Exercise {chapter}.{number}:\n\n{}",
                hint.trim()
            );
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: there is no Exercise {chapter}.{number} hint");
            ExitCode::from(2)
        }
    }
}

/// The text between `<!-- ANCHOR: name -->` and `<!-- ANCHOR_END: name -->`.
fn between_anchors<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = format!("<!-- ANCHOR: {name} -->");
    let end = format!("<!-- ANCHOR_END: {name} -->");
    let from = text.find(&start)? + start.len();
    let to = from + text[from..].find(&end)?;
    Some(&text[from..to])
}

/// Checks, then checks again after every save under `exercises/src/`.
/// After a save of `lessonNN.rs` only that chapter's tests run again (the
/// others' results stand), so the answer comes quickly.
fn watch(package: &str) -> ExitCode {
    let (sender, events) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(watcher) => watcher,
        Err(error) => {
            eprintln!("error: cannot watch files here: {error}");
            return ExitCode::from(2);
        }
    };
    let folder = root().join("exercises/src");
    if let Err(error) = watcher.watch(&folder, RecursiveMode::Recursive) {
        eprintln!("error: cannot watch {}: {error}", folder.display());
        return ExitCode::from(2);
    }
    let mut run = report::Run::default();
    let mut chapters: Option<Vec<String>> = None;
    loop {
        let result = match &chapters {
            Some(chapters) if run.compile_error.is_empty() => {
                chapters.iter().try_for_each(|chapter| {
                    let fresh = run_tests(package, Some(chapter))?;
                    run.replace_chapter(chapter, fresh);
                    Ok(())
                })
            }
            _ => run_tests(package, None).map(|fresh| run = fresh),
        };
        // Clear the screen, then the summary.
        print!("\x1b[2J\x1b[H");
        match result.and_then(|()| exercises::read_all(&root())) {
            Ok(exercises) => print!("{}", report::render(&exercises, &run).0),
            Err(error) => println!("error: {error}"),
        }
        println!("\nWatching exercises/src/ for changes; Ctrl+C to stop.");
        // Wait for a save, then let a burst of events settle.
        let mut saved = Vec::new();
        loop {
            match events.recv() {
                Ok(Ok(event)) if is_a_save(&event) => {
                    saved.extend(event.paths);
                    break;
                }
                Ok(_) => continue,
                Err(_) => return ExitCode::FAILURE,
            }
        }
        while let Ok(event) = events.recv_timeout(Duration::from_millis(100)) {
            if let Ok(event) = event {
                saved.extend(event.paths);
            }
        }
        chapters = chapters_of(&saved);
    }
}

/// The chapters (`lesson02`) whose stub files these are; `None` if any
/// other file changed, which calls for a full run.
fn chapters_of(paths: &[PathBuf]) -> Option<Vec<String>> {
    let mut chapters = Vec::new();
    for path in paths {
        let name = path.file_name()?.to_str()?;
        let chapter = name.strip_suffix(".rs")?;
        let digits = chapter.strip_prefix("lesson")?;
        if digits.len() != 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if !chapters.iter().any(|known| known == chapter) {
            chapters.push(chapter.to_string());
        }
    }
    Some(chapters)
}

/// A file under watch was written, created or removed (not just read,
/// as `cargo test` itself reads them).
fn is_a_save(event: &notify::Event) -> bool {
    use notify::EventKind;
    matches!(
        event.kind,
        EventKind::Modify(_) | EventKind::Create(_) | EventKind::Remove(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_stub_names_its_chapter() {
        let paths = |names: &[&str]| -> Vec<PathBuf> {
            names
                .iter()
                .map(|n| root().join("exercises/src").join(n))
                .collect()
        };
        assert_eq!(
            chapters_of(&paths(&["lesson02.rs", "lesson02.rs", "lesson04.rs"])),
            Some(vec!["lesson02".to_string(), "lesson04".to_string()])
        );
        assert_eq!(chapters_of(&paths(&["lib.rs"])), None);
        assert_eq!(chapters_of(&paths(&["lesson2.rs"])), None);
    }

    #[test]
    fn hints_come_from_between_the_anchors() {
        let text = "# x\n<!-- ANCHOR: ex2_3 -->\nLook at the sign.\n\
                    <!-- ANCHOR_END: ex2_3 -->\n";
        assert_eq!(
            between_anchors(text, "ex2_3").map(str::trim),
            Some("Look at the sign.")
        );
        assert_eq!(between_anchors(text, "ex2_4"), None);
    }
}
