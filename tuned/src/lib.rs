//! Tuned variants of the workbook's parsers.
//!
//! These are the versions the Performance appendix shows: the same
//! parsers, made faster with tricks that cost clarity (a one-pass quick
//! path, a test that rules out many bytes at once, a lookup table, one
//! copy of the head plus positions). The chapters teach the plain
//! versions in the `lessons` crate, and you should read those first.
//!
//! Each module here is named after the lesson module it tunes, and gives
//! the same answer on every input: the same value, or the same error.
//! The property tests in `tuned/tests/` check exactly that, and
//! `cargo bench --bench parsers` measures what the tuning buys.

pub mod lesson01_ipv4;
pub mod lesson02_head;
