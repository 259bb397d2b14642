//! `cargo bench --bench parsers`: the hand-written parsers against the
//! standard library's (and, for HTTP, the httparse crate's).
//!
//! No benchmark framework: each measurement parses a fixed corpus many
//! times, repeats that several times, and reports the median, so that the
//! figures are easy to read and the harness easy to follow. Ratios matter
//! more than absolute times on a shared, noisy machine.

use std::hint::black_box;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use workbook::lesson01::ipv4::parse_ipv4;
use workbook::lesson01::ipv6::parse_ipv6;

const RUNS: usize = 9;

/// Median time of `RUNS` runs of `work`, each over the whole corpus.
fn median(mut work: impl FnMut() -> usize) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(work());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

/// A deterministic corpus of `count` values (xorshift), so every run and
/// every machine parses the same texts.
fn corpus<T>(count: usize, make: impl Fn(u64) -> T) -> Vec<T> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            make(x)
        })
        .collect()
}

fn report(name: &str, ours: Duration, reference: Duration, reference_name: &str, items: usize) {
    let per = |d: Duration| d.as_nanos() as f64 / items as f64;
    println!(
        "{name:<28} ours {:>7.1} ns/item   {reference_name} {:>7.1} ns/item   ratio {:.2}x",
        per(ours),
        per(reference),
        per(ours) / per(reference)
    );
}

fn count_ok<T, E>(results: impl Iterator<Item = Result<T, E>>) -> usize {
    results.filter(|result| result.is_ok()).count()
}

fn main() {
    let ipv4: Vec<String> = corpus(100_000, |x| Ipv4Addr::from(x as u32).to_string());
    let ipv6: Vec<String> = corpus(100_000, |x| {
        // Zero some groups so that `::` appears as often as in real life.
        let value =
            (u128::from(x) << 64 | u128::from(x.rotate_left(17))) & !(0xffff_ffffu128 << 32);
        Ipv6Addr::from(value).to_string()
    });

    println!("parsers: median of {RUNS} runs over 100000 addresses each");
    let ours = median(|| count_ok(ipv4.iter().map(|text| parse_ipv4(text))));
    let std = median(|| count_ok(ipv4.iter().map(|text| text.parse::<Ipv4Addr>())));
    report("IPv4 parse", ours, std, "std::net", ipv4.len());

    let ours = median(|| count_ok(ipv6.iter().map(|text| parse_ipv6(text))));
    let std = median(|| count_ok(ipv6.iter().map(|text| text.parse::<Ipv6Addr>())));
    report("IPv6 parse", ours, std, "std::net", ipv6.len());
}
