//! How robust are the lessons? Two fault batteries, bounded in count and
//! time, that `cargo test` runs and `cargo run --release --example
//! robustness` prints as a table (the book's appendix shows it).
//!
//! - [`server_faults`](crate::server_faults): bad clients against
//!   lesson03's and lesson04's servers, while a well-behaved client keeps
//!   talking to them; afterwards each server's threads and file
//!   descriptors must be back where they started.
//! - [`client_faults`](crate::client_faults): misbehaving HTTP servers
//!   against lesson02's client; each must end in one clear error line
//!   and no file.
//!
//! This module holds what both share: one case's outcome, and the table
//! that shows them.

use std::time::Duration;

/// One case of a battery and how it went.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// What the peer did, in a few words.
    pub case: String,
    /// Connections (or runs) this case made.
    pub tried: usize,
    /// Did the lesson do what it should?
    pub survived: bool,
    /// What the lesson did, or what went wrong.
    pub detail: String,
    pub elapsed: Duration,
}

impl CaseOutcome {
    pub fn new(
        case: &str,
        tried: usize,
        result: Result<String, String>,
        elapsed: Duration,
    ) -> Self {
        let survived = result.is_ok();
        let detail = result.unwrap_or_else(|why| format!("FAILED: {why}"));
        CaseOutcome {
            case: case.to_string(),
            tried,
            survived,
            detail,
            elapsed,
        }
    }
}

/// A Markdown table of outcomes: case, tried, survived, time, detail.
pub fn table(outcomes: &[CaseOutcome]) -> String {
    let mut text =
        String::from("| Case | Tried | Survived | Time | What happened |\n");
    text.push_str("|---|---:|:---:|---:|---|\n");
    for o in outcomes {
        let mark = if o.survived { "yes" } else { "**NO**" };
        let detail = o.detail.replace('|', "\\|");
        let ms = o.elapsed.as_millis();
        text.push_str(&format!(
            "| {} | {} | {mark} | {ms} ms | {detail} |\n",
            o.case, o.tried
        ));
    }
    text
}
