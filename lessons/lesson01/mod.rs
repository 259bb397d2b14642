//! Lesson 01: an IP address is just a number.
//!
//! An IPv4 address is a 32-bit integer and an IPv6 address a 128-bit one.
//! The dotted and colon-separated texts are only ways of writing those
//! numbers for people. This lesson parses and formats both by hand, names
//! the special ranges an address can fall in, and explains ports.
//!
//! Every function here is cross-checked in `tests/lesson01_*.rs` against
//! `std::net`, which is what real programs use.

pub mod explain;
pub mod ipv4;
pub mod ipv6;
pub mod ports;
pub mod ranges;
pub mod socket_addr;
