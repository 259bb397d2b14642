//! lesson06: see the packets. A real TCP/IP stack in user space
//! (smoltcp), a client and a server on one simulated link, every segment
//! printed, the same on every run.

pub mod cli;
pub mod demo;
pub mod hexdump;
pub mod link;
pub mod pcap;
pub mod sim;
pub mod story;
pub mod trace;
