//! `cargo bench --bench lesson07`: the servers of chapter 7 side by side,
//! under loads that tell their designs apart.
//!
//! Each server runs as a child process on port 0, started afresh for
//! every measurement (its peak memory is then that load's alone):
//! lesson04 (a thread per client) and lesson07's three designs, `pool`,
//! `events` and `async`. The clients are lesson07's own load generator,
//! one thread with mio (`lessons::lesson07::load`).
//!
//! Loads:
//! (a) 10,000 clients at once: each reads the welcome, sends one name,
//!     gets its greeting and stays connected until all are served;
//! (b) 500 clients x 20 names, plus the tutorial's Python server;
//! (c) 1,000 clients of which 100 connect and say nothing (the servers'
//!     idle timeout is longer than the run, so they hold a connection).
//!
//! Per design and load: failures, time, messages per second, the 99th
//! percentile of a round trip, peak memory (VmHWM) and peak threads
//! (sampled from /proc every 20 ms). `--quick` (or
//! WORKBOOK_BENCH_QUICK=1) runs smaller loads; `--write-svg` also
//! measures 1,000 to 10,000 held clients and draws peak memory and time
//! against the number of clients into `book/diagrams/lesson07-scaling.svg`.
//! `--only TEXT` keeps the designs whose name contains TEXT.

// Elsewhere only `main` below is built; the shared helpers go unused.
#![cfg_attr(not(target_os = "linux"), allow(dead_code, unused_imports))]

// Peak memory and threads come from /proc, and child servers are tied to
// the benchmark with prctl: Linux only.
#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
mod plot;

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!(
        "the lesson07 benchmark needs Linux (/proc, prctl); the load \
         generator itself runs anywhere (lessons::lesson07::load)"
    );
}
