//! A tiny log that several threads write to, and that a demo can wait on.
//!
//! The server's threads and the demo's client all write here. Each line is
//! printed at once (the learner watches it happen) and kept, so the demo
//! can wait until the server has logged something before going on. That
//! waiting is what makes a demo's output come out in the same order on
//! every run: two threads printing freely would race.

use std::fmt::Display;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::output;

#[derive(Clone)]
pub struct Log {
    /// Printed before each line (`server | ...`); empty for plain lines.
    label: &'static str,
    shared: Arc<Shared>,
}

struct Shared {
    /// Whether lines are kept (demos) or only printed (the real server,
    /// which may run for weeks: keeping every line would leak memory).
    keep: bool,
    /// Whether lines are printed to standard output (not in tests).
    print: bool,
    lines: Mutex<Vec<String>>,
    grew: Condvar,
}

impl Log {
    /// A log that prints plain lines to standard output.
    pub fn stdout() -> Log {
        Log::new(false, true)
    }

    /// A log that also keeps its lines, for `wait_for` and `lines`.
    pub fn recording() -> Log {
        Log::new(true, true)
    }

    /// A log that keeps its lines without printing them (for tests).
    pub fn silent() -> Log {
        Log::new(true, false)
    }

    fn new(keep: bool, print: bool) -> Log {
        Log {
            label: "",
            shared: Arc::new(Shared {
                keep,
                print,
                lines: Mutex::new(Vec::new()),
                grew: Condvar::new(),
            }),
        }
    }

    /// The same log, with every line marked as coming from `label`.
    pub fn labelled(&self, label: &'static str) -> Log {
        Log {
            label,
            shared: Arc::clone(&self.shared),
        }
    }

    /// Prints and keeps one line.
    pub fn say(&self, text: impl Display) {
        let line = if self.label.is_empty() {
            text.to_string()
        } else {
            format!("{:>8} | {text}", self.label)
        };
        let mut lines = self.lock();
        // Print while holding the lock, so the printed order is the kept
        // order. A closed stdout (`lesson04 | head`) ends the process
        // quietly, with exit status 0 (see `crate::output`): no panic.
        if self.shared.print {
            output::say(&line);
        }
        if self.shared.keep {
            lines.push(line);
            self.shared.grew.notify_all();
        }
    }

    /// Waits until some line contains `needle`, for at most `limit`.
    /// Returns whether it appeared (never, on a log that keeps nothing).
    pub fn wait_for(&self, needle: &str, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut lines = self.lock();
        loop {
            if lines.iter().any(|line| line.contains(needle)) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            lines = match self.shared.grew.wait_timeout(lines, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        // A thread that panicked while holding the lock left the list
        // intact (a push either happened or not): keep using it.
        self.shared
            .lines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
