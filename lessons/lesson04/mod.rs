//! Lesson 04: ending a conversation.
//!
//! A TCP conversation can end in many ways: one side says it is done
//! (`exit`), closes (FIN), vanishes (RST), or goes silent; or the server
//! itself is asked to stop. Each side notices differently. This lesson
//! handles every one of them, and shows why a message like `exit` only
//! works when messages are framed.
//!
//! - `lines`: newline framing with a length limit.
//! - `ending`: what a read result or an error means for a conversation.
//! - `shutdown`: asking a server to stop, and waking its `accept`.
//! - `server`: the framed server; `client`: its client.
//! - `tutorial`: the tutorial's read-equals-message loop, to show its flaw.
//! - `demo`: every scenario acted out in one process; `cli`: arguments.
//! - `pitfalls`: message splits and TIME_WAIT, acted out.

pub mod cli;
pub mod client;
pub mod demo;
pub mod ending;
pub mod lines;
pub mod log;
pub mod pitfalls;
pub mod server;
pub mod shutdown;
pub mod tutorial;
