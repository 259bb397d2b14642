//! Support code for the workbook's tests, benchmarks and the robustness
//! example. None of it is part of the lessons: the `lessons` library holds
//! what the book teaches, and this crate holds what checks it.
//!
//! - [`stream`]: [`Stream`](stream::Stream), the one in-memory
//!   `Read + Write` double (the exercise tests' own, from `exercise-check`):
//!   input cut into chosen pieces, short writes, errors at chosen points,
//!   and a record of everything written.
//! - [`terminal`]: runs a lesson binary as a learner would and captures
//!   the transcript; the check that a command-line mistake gets one
//!   `error:` line and exit status 2.
//! - [`process`]: a lesson's server as a child process whose log can be
//!   waited on; [`scripted`]: a one-client HTTP server that answers as a
//!   script says.
//! - [`battery`], [`server_faults`], [`client_faults`]: the fault
//!   batteries (`cargo run --release --example robustness` prints them).
//! - [`signals`] (Unix): a server binary stopped by real signals, the
//!   scenario and the session transcript lesson04 and lesson07 share.
//! - [`fuzz`]: the bounded fuzz runs over `tests/corpus/`.
//! - [`lesson02`], [`lesson03`]: helpers for one lesson's tests.
//! - [`bench`](mod@bench): what the benchmarks share (medians, tables, quick mode).
//!
//! Every socket here is on 127.0.0.1 with a timeout, and every wait is
//! bounded, so a misbehaving lesson fails a test instead of hanging it.

pub mod battery;
pub mod bench;
pub mod client_faults;
pub mod fuzz;
pub mod lesson02;
pub mod lesson03;
pub mod process;
pub mod scripted;
pub mod server_faults;
#[cfg(unix)]
pub mod signals;
pub mod stream;
pub mod terminal;
