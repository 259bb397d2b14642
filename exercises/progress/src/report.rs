//! What `cargo test -p exercises` said, and the summary made of it.

use std::collections::BTreeMap;

use crate::exercises::Exercise;

/// The outcome of one test run.
#[derive(Debug, Default)]
pub struct Run {
    /// Every test that ran: its name, and whether it passed.
    pub tests: BTreeMap<String, bool>,
    /// What each failing test said (the panic message, a few lines).
    pub failures: BTreeMap<String, Vec<String>>,
    /// The first compiler error, if the code did not build.
    pub compile_error: Vec<String>,
}

impl Run {
    /// Puts a fresh run of one chapter's tests (`lesson02`) in place of
    /// that chapter's old results.
    pub fn replace_chapter(&mut self, chapter: &str, fresh: Run) {
        let number =
            chapter.trim_start_matches("lesson").trim_start_matches('0');
        let prefix = format!("ex{number}_");
        let mine = |name: &String| test_name(name).starts_with(&prefix);
        self.tests.retain(|name, _| !mine(name));
        self.failures.retain(|name, _| !mine(name));
        self.tests.extend(fresh.tests);
        self.failures.extend(fresh.failures);
        self.compile_error = fresh.compile_error;
    }
}

/// Reads the test binaries' output (`stdout`) and cargo's (`stderr`).
pub fn parse(stdout: &str, stderr: &str) -> Run {
    let mut run = Run::default();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        if let Some(name) = rest.strip_suffix(" ... ok") {
            run.tests.insert(name.to_string(), true);
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            run.tests.insert(name.to_string(), false);
        }
    }
    let mut current: Option<(String, Vec<String>)> = None;
    let mut in_message = false;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            if let Some((name, lines)) = current.take() {
                run.failures.insert(name, lines);
            }
            current = Some((name.to_string(), Vec::new()));
            in_message = false;
            continue;
        }
        let Some((_, lines)) = current.as_mut() else {
            continue;
        };
        if line.starts_with("thread '") && line.contains(" panicked at ") {
            in_message = true;
            continue;
        }
        if line == "failures:" || line.starts_with("note: run with") {
            in_message = false;
            continue;
        }
        if in_message && !line.is_empty() {
            lines.push(line.to_string());
        }
    }
    if let Some((name, lines)) = current.take() {
        run.failures.insert(name, lines);
    }
    run.compile_error = first_compile_error(stderr);
    run
}

/// The first `error` block cargo printed: the error and where it is.
fn first_compile_error(stderr: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for line in stderr.lines() {
        if lines.is_empty() {
            if line.starts_with("error[") || line.starts_with("error: ") {
                if line.starts_with("error: could not compile")
                    || line.starts_with("error: test failed")
                    || line.starts_with("error: 1 target failed")
                    || line.contains("targets failed")
                {
                    continue;
                }
                lines.push(line.to_string());
            }
        } else if line.is_empty() || lines.len() >= 8 {
            break;
        } else {
            lines.push(line.to_string());
        }
    }
    lines
}

/// How one exercise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Done,
    /// Some of its tests pass.
    Started {
        passed: usize,
        of: usize,
    },
    NotStarted {
        of: usize,
    },
    /// None of its tests ran (the code does not compile, or no tests).
    Unknown,
}

pub fn state(exercise: &Exercise, run: &Run) -> State {
    let prefix = exercise.test_prefix();
    let results: Vec<bool> = run
        .tests
        .iter()
        .filter(|(name, _)| test_name(name).starts_with(&prefix))
        .map(|(_, &passed)| passed)
        .collect();
    let passed = results.iter().filter(|&&ok| ok).count();
    match (results.len(), passed) {
        (0, _) => State::Unknown,
        (of, passed) if passed == of => State::Done,
        (of, 0) => State::NotStarted { of },
        (of, passed) => State::Started { passed, of },
    }
}

/// A test's own name, without a module path.
fn test_name(name: &str) -> &str {
    name.rsplit("::").next().unwrap_or(name)
}

/// The summary the learner sees: progress per chapter, then the next
/// exercise and its first failure. At most about 30 lines.
pub fn render(exercises: &[Exercise], run: &Run) -> (String, bool) {
    let mut out = String::new();
    let states: Vec<State> = exercises.iter().map(|e| state(e, run)).collect();
    let done = states.iter().filter(|s| **s == State::Done).count();
    out.push_str(&format!("Exercises: {done}/{} done\n\n", exercises.len()));
    let mut chapters: Vec<u32> = exercises.iter().map(|e| e.chapter).collect();
    chapters.dedup();
    for chapter in &chapters {
        let mine: Vec<(&Exercise, &State)> = exercises
            .iter()
            .zip(&states)
            .filter(|(e, _)| e.chapter == *chapter)
            .collect();
        let finished = mine.iter().filter(|(_, s)| **s == State::Done).count();
        let marks: Vec<String> = mine
            .iter()
            .map(|(e, s)| {
                let mark = match s {
                    State::Done => "✓",
                    State::Started { .. } => "~",
                    _ => "·",
                };
                format!("{} {mark}", e.id())
            })
            .collect();
        out.push_str(&format!(
            "  chapter {chapter} (lesson{chapter:02})  {finished}/{}   {}\n",
            mine.len(),
            marks.join("  ")
        ));
    }
    out.push('\n');
    if !run.compile_error.is_empty() {
        out.push_str("Your code does not compile yet. The first error:\n");
        for line in &run.compile_error {
            out.push_str(&format!("  {line}\n"));
        }
        return (out, false);
    }
    let next = exercises
        .iter()
        .zip(&states)
        .find(|(_, state)| **state != State::Done);
    let Some((exercise, state)) = next else {
        out.push_str("Every exercise is done. Well done!\n");
        return (out, done == exercises.len() && !exercises.is_empty());
    };
    out.push_str(&format!(
        "Next: Exercise {} {}  {}\n",
        exercise.id(),
        exercise.stars,
        exercise.statement
    ));
    out.push_str(&format!(
        "  write it in {}:{} ({})\n",
        exercise.file, exercise.line, exercise.item
    ));
    match state {
        State::Started { passed, of } => {
            out.push_str(&format!("  {passed} of its {of} tests pass\n"))
        }
        State::Unknown => out.push_str("  none of its tests ran\n"),
        _ => {}
    }
    let prefix = exercise.test_prefix();
    let failure = run
        .failures
        .iter()
        .find(|(name, _)| test_name(name).starts_with(&prefix));
    if let Some((name, lines)) = failure {
        out.push_str(&format!("  first failure, {}:\n", test_name(name)));
        for line in lines.iter().take(6) {
            out.push_str(&format!("    {line}\n"));
        }
    }
    let commands = [
        (format!("cargo exercises hint {}", exercise.id()), "a hint"),
        (
            "cargo exercises --watch".to_string(),
            "check again on every save",
        ),
        (
            format!(
                "cargo test -p exercises --test lesson{:02}",
                exercise.chapter
            ),
            "that chapter's tests, in full",
        ),
    ];
    out.push('\n');
    for (command, what) in commands {
        out.push_str(&format!("  {command:<42}{what}\n"));
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STDOUT: &str = "\nrunning 3 tests
test ex1_1_basic ... ok
test ex1_2_basic ... FAILED
test ex1_2_pieces ... ok

failures:

---- ex1_2_basic stdout ----

thread 'ex1_2_basic' (77) panicked at exercises/tests/lesson01.rs:9:5:
Exercise 1.2: f(\"x\")
  your code gave: None
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    ex1_2_basic

test result: FAILED. 2 passed; 1 failed
";

    fn exercise(chapter: u32, number: u32) -> Exercise {
        Exercise {
            chapter,
            number,
            stars: "★".into(),
            statement: "Do it.".into(),
            file: "exercises/src/lesson01.rs".into(),
            line: 7,
            item: "fn f".into(),
        }
    }

    #[test]
    fn reads_results_and_failure_messages() {
        let run = parse(STDOUT, "");
        assert_eq!(run.tests.len(), 3);
        assert_eq!(run.tests.get("ex1_2_basic"), Some(&false));
        assert_eq!(
            run.failures.get("ex1_2_basic").map(Vec::as_slice),
            Some(
                &[
                    "Exercise 1.2: f(\"x\")".to_string(),
                    "  your code gave: None".to_string()
                ][..]
            )
        );
        assert_eq!(state(&exercise(1, 1), &run), State::Done);
        assert_eq!(
            state(&exercise(1, 2), &run),
            State::Started { passed: 1, of: 2 }
        );
        assert_eq!(state(&exercise(1, 3), &run), State::Unknown);
    }

    #[test]
    fn the_summary_counts_and_points_at_the_next_exercise() {
        let run = parse(STDOUT, "");
        let (text, all_done) = render(&[exercise(1, 1), exercise(1, 2)], &run);
        assert!(!all_done);
        assert!(text.starts_with("Exercises: 1/2 done\n"), "{text}");
        assert!(text.contains("Next: Exercise 1.2 ★  Do it."), "{text}");
        assert!(
            text.contains("exercises/src/lesson01.rs:7 (fn f)"),
            "{text}"
        );
        assert!(text.contains("your code gave: None"), "{text}");
    }

    #[test]
    fn a_chapter_run_replaces_only_that_chapters_results() {
        let mut run = parse(STDOUT, "");
        run.tests.insert("ex2_1_basic".into(), false);
        let fresh = parse("test ex1_2_basic ... ok\n", "");
        run.replace_chapter("lesson01", fresh);
        assert_eq!(run.tests.get("ex1_2_basic"), Some(&true));
        assert_eq!(run.tests.get("ex1_1_basic"), None);
        assert_eq!(run.tests.get("ex2_1_basic"), Some(&false));
        assert!(run.failures.is_empty());
    }

    #[test]
    fn a_compile_error_is_shown_first() {
        let stderr = "   Compiling exercises v0.1.0\n\
            error[E0308]: mismatched types\n --> exercises/src/lesson01.rs:3:5\n\n\
            error: could not compile `exercises`\n";
        let run = parse("", stderr);
        assert_eq!(run.compile_error.len(), 2, "{:?}", run.compile_error);
        let (text, _) = render(&[exercise(1, 1)], &run);
        assert!(text.contains("does not compile yet"), "{text}");
        assert!(text.contains("error[E0308]"), "{text}");
    }
}
