//! `cargo bench --bench servers`: lesson03's server under load, beside
//! the tutorial's Python server and a server that takes one connection
//! at a time.
//!
//! 1. Bursts: N clients connect at the same instant; how many waited
//!    more than a second (a SYN retransmission), and how many were never
//!    welcomed? For lesson03's backlog (1024), std's (128) and the
//!    tutorial's `listen(5)`.
//! 2. Load: C clients at once, each sending M names one after another
//!    and waiting for each reply: messages per second, the latency of one
//!    message (send to reply) at the median and the 99th percentile, and
//!    where the time goes (messages in flight, CPU per message of the
//!    server and of the clients). The clients are driven twice: by two
//!    threads with epoll (`servers/evented.rs`), then by a blocking
//!    thread per client.
//! 3. With `--write-svg`: messages per second against the number of
//!    clients, drawn into `book/diagrams/throughput.svg`.
//!
//! Everything runs on 127.0.0.1 with servers on port 0; every socket has
//! timeouts and every loop a bound. `--quick` (or WORKBOOK_BENCH_QUICK=1)
//! runs fewer and smaller rounds; `--section bursts|load|plot` runs one
//! part, and `--only TEXT` keeps the servers whose name contains TEXT.

// Elsewhere only `main` below is built; the shared helpers go unused.
#![cfg_attr(not(target_os = "linux"), allow(dead_code, unused_imports))]

// The load generator waits on hundreds of sockets with epoll, child servers
// are tied to the benchmark with prctl, and CPU times come from /proc:
// this benchmark runs on Linux only. The other two run anywhere.
#[cfg(target_os = "linux")]
mod evented;
#[cfg(target_os = "linux")]
mod linux;

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!(
        "the servers benchmark needs Linux (epoll, prctl, /proc); \
         `cargo bench --bench parsers` and `--bench client` run here"
    );
}
