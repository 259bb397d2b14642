//! Lesson 02: a TCP client that speaks HTTP by hand.
//!
//! The tutorial connects to a web server on port 80, sends a GET request
//! it wrote itself, reads until the server closes, and splits the answer
//! at the first empty line. This lesson does the same with
//! `std::net::TcpStream`, and then does it properly: it finds where the
//! body ends (Content-Length, chunked, or the close), treats the body as
//! bytes, and never leaves a half-received file behind.
//!
//! The parsers here are checked against the `httparse` crate in
//! `tests/lesson02_*.rs`.

pub mod body;
pub mod cli;
pub mod client;
pub mod head;
pub mod naive;
pub mod request;
pub mod server;
pub mod url;
