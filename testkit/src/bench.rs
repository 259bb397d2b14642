//! What every benchmark of the workbook shares: a quick mode, medians of
//! interleaved runs, and a plain-text table.
//!
//! No benchmark framework: std's `Instant` and a sort are all it takes to
//! report a median, and a learner can read every line. The machines these
//! run on are shared and noisy, so the runs of the things compared are
//! interleaved (A B A B ...) and the tables print ratios: a ratio survives
//! noise much better than an absolute time does.

use std::env;
use std::time::{Duration, Instant};

/// `cargo bench -- --quick` or `WORKBOOK_BENCH_QUICK=1 cargo bench`: fewer
/// runs and smaller loads, for a first look in well under a minute.
pub fn quick() -> bool {
    env::args().any(|arg| arg == "--quick")
        || env::var("WORKBOOK_BENCH_QUICK")
            .is_ok_and(|v| !v.is_empty() && v != "0")
}

/// True if the command line holds `flag` (cargo passes `--bench` too).
pub fn flag(flag: &str) -> bool {
    env::args().any(|arg| arg == flag)
}

/// The median of some durations (the upper one of the middle two).
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// The median of some numbers.
pub fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The `p`th percentile (0-100) of some durations, nearest rank.
pub fn percentile(times: &mut [Duration], p: f64) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    times.sort();
    let rank = ((p / 100.0) * times.len() as f64).ceil() as usize;
    times[rank.clamp(1, times.len()) - 1]
}

/// Runs each of `work` `runs` times, interleaved, and returns the
/// median time of each. Every closure returns something, which goes
/// through `black_box` so the compiler cannot skip the work.
pub fn interleaved_medians<T>(
    runs: usize,
    work: &mut [&mut dyn FnMut() -> T],
) -> Vec<Duration> {
    let mut times = vec![Vec::with_capacity(runs); work.len()];
    for _ in 0..runs {
        for (job, spent) in work.iter_mut().zip(&mut times) {
            let start = Instant::now();
            std::hint::black_box(job());
            spent.push(start.elapsed());
        }
    }
    times.into_iter().map(median).collect()
}

/// Prints a table: a header row, a rule, then rows, columns padded to
/// their widest cell (the first column left-aligned, the rest right).
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> =
        header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, &w))| match i {
                0 => format!("{cell:<w$}"),
                _ => format!("{cell:>w$}"),
            })
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    line(header.iter().map(|h| h.to_string()).collect());
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| match i {
            0 => format!(":{}", "-".repeat(w.saturating_sub(1))),
            _ => format!("{}:", "-".repeat(w.saturating_sub(1))),
        })
        .collect();
    println!("| {} |", rule.join(" | "));
    for row in rows {
        line(row.clone());
    }
}

/// `2.35x`, or `-` when there is nothing to compare with.
pub fn ratio(ours: f64, theirs: f64) -> String {
    if theirs > 0.0 && ours.is_finite() && theirs.is_finite() {
        format!("{:.2}x", ours / theirs)
    } else {
        "-".to_string()
    }
}

/// One line saying what this machine is, for the top of each report.
pub fn machine_note() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string());
    format!(
        "{} {}, {cores} cores, load average {load} at the start",
        env::consts::OS,
        env::consts::ARCH
    )
}
