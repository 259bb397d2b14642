//! Lesson 01: an IP address is just a number.
//!
//! An IPv4 address is a 32-bit integer and an IPv6 address a 128-bit one.
//! The dotted and colon-separated texts are only ways of writing those
//! numbers for people. This lesson parses and formats both by hand, names
//! the special ranges an address can fall in, and explains ports.
//!
//! Every function here is cross-checked in `tests/lesson01_*.rs` against
//! `std::net`, which is what real programs use.

pub mod cli;
pub mod explain;
pub mod ipv4;
pub mod ipv6;
pub mod pitfalls;
pub mod ports;
pub mod ranges;
pub mod socket_addr;

/// How much of a piece of user input an error message shows.
const SHOWN: usize = 24;

/// Quotes a piece of user input for an error message, cut short when it
/// is long: an error is one line, even for an argument of megabytes.
pub fn quoted(text: &str) -> String {
    match cut(text) {
        None => format!("{text:?}"),
        Some(start) => format!("{start:?}... ({} bytes)", text.len()),
    }
}

/// The same for a number the user typed, shown without quotes.
pub fn shortened(text: &str) -> String {
    match cut(text) {
        None => text.to_string(),
        Some(start) => format!("{start}... ({} digits)", text.len()),
    }
}

/// The first `SHOWN` characters of `text`, if it has more than that.
fn cut(text: &str) -> Option<String> {
    let mut chars = text.chars();
    let start: String = chars.by_ref().take(SHOWN).collect();
    chars.next().map(|_| start)
}
