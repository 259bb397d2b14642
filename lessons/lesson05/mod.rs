//! Lesson 05: UDP, talking without a connection; and DNS, the protocol
//! that made UDP famous, by hand.

pub mod cli;
pub mod dns;
pub mod dns_cli;
pub mod dns_client;
pub mod dns_server;
