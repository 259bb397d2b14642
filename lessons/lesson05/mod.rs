//! Lesson 05: UDP, talking without a connection.
//!
//! The same greeting as lessons 03 and 04, over UDP: no handshake, no
//! accept, no end of stream. Each datagram arrives whole or not at all,
//! and anything the client wants (an answer, in order, once) it has to
//! arrange itself.
//!
//! - `server`: the greeting server, one socket and one thread for all.
//! - `client`: its client, with a timeout per reply and a few retries.
//! - `relay`: a relay that loses, duplicates and reorders, seeded.
//! - `ping`: a pinger through that relay (sequence numbers, RTTs, loss).
//! - `tour`: the first screen (`lesson05` with no arguments).
//! - `demo`: what differs from TCP, acted out; `cli`: arguments.
//! - `dns`: a DNS query built and an answer parsed by hand; `dns_server`:
//!   a small responder on loopback; `dns_client` and `dns_cli`: the
//!   `dns` command.

pub mod cli;
pub mod client;
pub mod demo;
pub mod dns;
pub mod dns_cli;
pub mod dns_client;
pub mod dns_server;
pub mod ping;
pub mod relay;
pub mod server;
pub mod tour;
