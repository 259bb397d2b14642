//! Lesson 03: a TCP server with one thread per client.
//!
//! The tutorial's server, in Rust: bind 127.0.0.1:9999, listen, and for
//! each accepted connection start a thread that sends `Welcome!` and
//! answers each name with `Hello, NAME!` until `exit`. Its client, a demo
//! that shows why the threads matter, and `burst`, which measures what
//! the listen backlog does when hundreds of clients arrive at once; and
//! `pitfalls`, two traps of real servers acted out.
//!
//! Read in this order: `protocol` (what is said), `connection` (one
//! conversation), `server` (bind, listen, accept, spawn), `client`.

pub mod burst;
pub mod cli;
pub mod client;
pub mod connection;
pub mod demo;
pub mod pitfalls;
pub mod protocol;
pub mod server;
