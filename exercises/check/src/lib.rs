//! How the exercise tests run your code.
//!
//! Every case runs your function on a thread of its own, with a time
//! limit, so that whatever your code does, the test ends within seconds
//! and says which exercise and which input it was:
//!
//! - it returns the wrong thing: the input, what you returned, and what
//!   the exercise wants;
//! - it panics (an `unwrap`, an index out of range, an overflow): the
//!   input, and where and why your code panicked;
//! - it is still a stub: the `todo!` message that says what to write;
//! - it never returns (a loop that does not end): the input, after
//!   [`TIME_LIMIT`].
//!
//! Inputs are shown as escaped text (`"GET / HTTP/1.1\r\n"`, or
//! `b"\xe5\xbc"` for bytes that are not UTF-8), never as lists of numbers.
//!
//! [`Stream`] stands in for a socket: it hands your code its input in
//! pieces, takes only part of each write, and fails where a test says.

mod stream;

pub use stream::Stream;

use std::cell::RefCell;
use std::fmt::{Debug, Display};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long one case may run before the test gives up on it.
pub const TIME_LIMIT: Duration = Duration::from_secs(5);

/// Bytes as escaped text: `"..."` when they are UTF-8, else `b"..."`.
pub fn bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => format!("{text:?}"),
        Err(_) => format!("b\"{}\"", bytes.escape_ascii()),
    }
}

/// Text as escaped text: `"a\tb"`.
pub fn text(text: &str) -> String {
    format!("{text:?}")
}

/// One case of an exercise: which exercise, and the call it makes, as
/// the learner would write it (`parse_status_line("HTTP/1.1 200 OK")`).
#[derive(Debug, Clone)]
pub struct Case {
    exercise: String,
    call: String,
}

/// A case of `exercise` ("2.3") that makes `call`.
pub fn case(exercise: &str, call: impl Into<String>) -> Case {
    Case {
        exercise: exercise.to_string(),
        call: call.into(),
    }
}

/// What the thread running a case reports.
enum Report<T> {
    Returned(T),
    Panicked(String),
}

thread_local! {
    /// Set on a case's thread: where and why it panicked.
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The name of the threads that run cases.
const CASE_THREAD: &str = "exercise-case";

/// Installs, once, a panic hook that keeps quiet on case threads (the
/// test reports their panics itself, with the input) and leaves every
/// other thread's panic as it was.
fn quiet_case_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if thread::current().name() != Some(CASE_THREAD) {
                return previous(info);
            }
            let message = match info.payload().downcast_ref::<&str>() {
                Some(text) => text.to_string(),
                None => match info.payload().downcast_ref::<String>() {
                    Some(text) => text.clone(),
                    None => "a panic without a message".to_string(),
                },
            };
            let place = match info.location() {
                Some(at) => format!("{}:{}", at.file(), at.line()),
                None => "an unknown place".to_string(),
            };
            PANIC.with(|slot| {
                *slot.borrow_mut() = Some(format!("{place}\n{message}"))
            });
        }));
    });
}

impl Case {
    /// Runs `f` (your code) on a thread of its own and returns what it
    /// returned. Fails the test if it panics or runs past [`TIME_LIMIT`].
    pub fn run<T, F>(&self, f: F) -> T
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.run_within(TIME_LIMIT, f)
    }

    fn run_within<T, F>(&self, limit: Duration, f: F) -> T
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        quiet_case_panics();
        let (sender, receiver) = mpsc::channel();
        let spawned = thread::Builder::new()
            .name(CASE_THREAD.to_string())
            .spawn(move || {
                let report = match panic::catch_unwind(AssertUnwindSafe(f)) {
                    Ok(value) => Report::Returned(value),
                    Err(_) => Report::Panicked(
                        PANIC
                            .with(|slot| slot.borrow_mut().take())
                            .unwrap_or_default(),
                    ),
                };
                // The test may have given up on us already; that is fine.
                let _ = sender.send(report);
            });
        if let Err(error) = spawned {
            self.fail(format_args!("could not start a thread: {error}"));
        }
        match receiver.recv_timeout(limit) {
            Ok(Report::Returned(value)) => value,
            Ok(Report::Panicked(panic)) => self.panicked(&panic),
            Err(mpsc::RecvTimeoutError::Timeout) => self.fail(format_args!(
                "your code did not return within {:.1} s: is there a loop \
                 that never ends?",
                limit.as_secs_f64()
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.fail("your code's thread ended without an answer")
            }
        }
    }

    /// Runs `f` and checks that it returns `expected`.
    pub fn expect<T, F>(&self, expected: T, f: F)
    where
        T: PartialEq + Debug + Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let got = self.run(f);
        self.same(&got, &expected);
    }

    /// Checks that what your code gave (`got`) is what the exercise wants.
    pub fn same<T: PartialEq + Debug>(&self, got: &T, wanted: &T) {
        if got != wanted {
            self.fail(format_args!(
                "your code gave: {got:?}\n  the exercise wants: {wanted:?}"
            ));
        }
    }

    /// Fails the test unless `ok`, saying `what` was wrong.
    pub fn check(&self, ok: bool, what: impl Display) {
        if !ok {
            self.fail(what);
        }
    }

    /// Fails the test: the exercise, the call, and what went wrong.
    pub fn fail(&self, what: impl Display) -> ! {
        panic!("Exercise {}: {}\n  {what}", self.exercise, self.call)
    }

    /// Fails the test for a panic in the learner's code. A stub's `todo!`
    /// keeps its own message first: it says what to write.
    fn panicked(&self, panic: &str) -> ! {
        let (place, message) = panic.split_once('\n').unwrap_or(("", panic));
        if message.starts_with("not yet implemented") {
            panic!(
                "{message}\n  (the stub at {place} is waiting for your code)"
            )
        }
        self.fail(format_args!("your code panicked at {place}: {message}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_of(f: impl FnOnce() + panic::UnwindSafe) -> String {
        let payload = panic::catch_unwind(f).expect_err("the case must fail");
        match payload.downcast::<String>() {
            Ok(text) => *text,
            Err(_) => String::from("(not a String)"),
        }
    }

    #[test]
    fn a_value_comes_back() {
        assert_eq!(case("1.1", "f()").run(|| 42), 42);
    }

    #[test]
    fn a_wrong_value_names_the_exercise_the_call_and_both_values() {
        let message =
            message_of(|| case("2.3", "f(\"x\")").expect(Some(1), || None));
        assert!(message.starts_with("Exercise 2.3: f(\"x\")\n"), "{message}");
        assert!(message.contains("your code gave: None"), "{message}");
        assert!(message.contains("wants: Some(1)"), "{message}");
    }

    #[test]
    fn a_panic_names_the_input_and_the_reason() {
        let message = message_of(|| {
            case("2.5", "feed(b\"\\xff\")").run(|| {
                let shift: u32 = std::hint::black_box(70);
                1u64.checked_shl(shift).expect("shift overflow")
            });
        });
        assert!(message.starts_with("Exercise 2.5: feed(b\"\\xff\")"));
        assert!(message.contains("panicked at"), "{message}");
        assert!(message.contains("shift overflow"), "{message}");
    }

    #[test]
    fn a_stub_says_what_to_write() {
        let message = message_of(|| {
            case("1.2", "g()").run(|| -> u8 { todo!("Exercise 1.2: do it") });
        });
        assert!(
            message.starts_with("not yet implemented: Exercise 1.2: do it"),
            "{message}"
        );
    }

    #[test]
    fn a_loop_that_never_ends_fails_in_time() {
        let message = message_of(|| {
            case("4.1", "spin()").run_within(Duration::from_millis(100), || {
                loop {
                    thread::sleep(Duration::from_millis(10));
                }
            })
        });
        assert!(message.starts_with("Exercise 4.1: spin()"), "{message}");
        assert!(message.contains("did not return within 0.1 s"), "{message}");
    }

    #[test]
    fn escaped_text_for_bytes_and_text() {
        assert_eq!(bytes(b"GET /\r\n"), "\"GET /\\r\\n\"");
        assert_eq!(bytes("张".as_bytes()), "\"张\"");
        assert_eq!(bytes(&"张".as_bytes()[..2]), "b\"\\xe5\\xbc\"");
        assert_eq!(text("a\tb"), "\"a\\tb\"");
    }
}
