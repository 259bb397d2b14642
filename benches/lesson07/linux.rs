//! Everything the lesson07 benchmark does (see `main.rs`). Linux only.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use lessons::lesson07::load::{self, Framing, Plan, Report};
use testkit::bench::{self, machine_note, percentile, print_table, quick};

use super::plot;

/// The servers' idle timeout: far longer than any run, so that silent
/// clients really hold their connection.
const IDLE_TIMEOUT_S: &str = "600";
/// No run lasts longer than this.
const LIMIT: Duration = Duration::from_secs(30);
/// How often a server's thread count is sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

// ---------------------------------------------------------------- servers

/// A design under test: how to start its server.
#[derive(Clone)]
struct Design {
    name: String,
    program: String,
    args: Vec<String>,
    framing: Framing,
}

fn idle_args() -> Vec<String> {
    ["--port", "0", "--idle-timeout", IDLE_TIMEOUT_S]
        .map(String::from)
        .to_vec()
}

/// lesson04 and, once it exists, lesson07's three designs.
fn designs() -> Vec<Design> {
    let mut designs = vec![Design {
        name: "lesson04 (thread per client)".into(),
        program: env!("CARGO_BIN_EXE_lesson04").into(),
        args: idle_args(),
        framing: Framing::Lines,
    }];
    match option_env!("CARGO_BIN_EXE_lesson07") {
        Some(lesson07) => {
            for design in ["pool", "events", "async"] {
                let mut args = vec!["--design".to_string(), design.into()];
                args.extend(idle_args());
                designs.push(Design {
                    name: format!("lesson07 --design {design}"),
                    program: lesson07.into(),
                    args,
                    framing: Framing::Lines,
                });
            }
        }
        None => println!("note: no lesson07 binary yet; lesson04 only"),
    }
    designs.retain(|d| wanted(&d.name));
    designs
}

/// The tutorial's server (no sleep, backlog 1024), for load (b).
fn python() -> Design {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/fixtures/tutorial_server_fast.py");
    Design {
        name: "the tutorial's (Python)".into(),
        program: "python3".into(),
        args: vec![script.display().to_string(), "0".into()],
        framing: Framing::Tutorial,
    }
}

/// A running server, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    /// Its output, deleted when dropped.
    _log: tempfile::NamedTempFile,
}

impl Server {
    /// Kills the server and returns the CPU time its threads used in
    /// all (user and system), as `wait4` reports it.
    fn stop(mut self) -> Duration {
        let _ = self.child.kill();
        let pid = self.child.id() as libc::pid_t;
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value to be overwritten.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: pid is our child; status and usage are valid pointers.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped != pid {
            return Duration::ZERO;
        }
        let time = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec as u64)
                + Duration::from_micros(t.tv_usec as u64)
        };
        time(usage.ru_utime) + time(usage.ru_stime)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in a first line such as `listening on 127.0.0.1:40123`
/// (ours) or `Listening on port 40123` (Python's).
fn port_in(line: &str) -> Option<u16> {
    if let Some(rest) = line.strip_prefix("listening on 127.0.0.1:") {
        return rest.trim().parse().ok();
    }
    line.strip_prefix("Listening on port ")?.trim().parse().ok()
}

/// Starts the design's server and learns its port from its output,
/// which goes to a temporary file as a real server's log would.
fn start(design: &Design) -> Result<Server, String> {
    let log = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    let output = log.reopen().map_err(|e| e.to_string())?;
    let mut command = Command::new(&design.program);
    command.args(&design.args);
    die_with_parent(&mut command);
    let child = command
        .stdin(Stdio::null())
        .stdout(output)
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", design.program))?;
    let mut server = Server {
        child,
        addr: (Ipv4Addr::LOCALHOST, 0).into(),
        _log: log,
    };
    // Read the log from the start every 10 ms, for at most 10 s.
    for _ in 0..1000 {
        let text = fs::read_to_string(server._log.path()).unwrap_or_default();
        if let Some(port) = text.lines().find_map(port_in) {
            server.addr = (Ipv4Addr::LOCALHOST, port).into();
            return Ok(server);
        }
        thread::sleep(Duration::from_millis(10));
    }
    Err("it did not say its port within 10 s".into())
}

/// Asks the kernel to kill the child that `command` starts when the
/// thread that starts it (our main thread) ends, however it ends.
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only async-signal-safe calls are
    // allowed, and prctl is one.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

/// A number from /proc/PID/status, e.g. `Threads` or `VmHWM` (KiB).
fn status_field(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Samples a process's thread count every `SAMPLE_EVERY` until stopped;
/// `stop` returns the highest count seen.
struct ThreadSampler {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<u64>,
}

impl ThreadSampler {
    fn start(pid: u32) -> ThreadSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::spawn(move || {
            let mut peak = 0;
            // Bounded by the flag and by the run's limit.
            let most = LIMIT.as_millis() / SAMPLE_EVERY.as_millis() + 100;
            for _ in 0..most {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                peak = peak.max(status_field(pid, "Threads:").unwrap_or(0));
                thread::sleep(SAMPLE_EVERY);
            }
            peak
        });
        ThreadSampler { stop, handle }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or(0)
    }
}

// ---------------------------------------------------------------- runs

/// What one design did under one load.
struct Measured {
    report: Report,
    peak_rss_kib: u64,
    peak_threads: u64,
    /// CPU time the server's threads, and the load generator's thread,
    /// spent during the run.
    server_cpu: Duration,
    clients_cpu: Duration,
}

/// CPU time of every thread of process `pid` so far, in nanoseconds
/// (the first field of each thread's schedstat).
fn cpu_of_process(pid: u32) -> Duration {
    let mut total = 0;
    if let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let path = task.path().join("schedstat");
            total += schedstat_ns(&path);
        }
    }
    Duration::from_nanos(total)
}

/// CPU time of the calling thread so far.
fn cpu_of_this_thread() -> Duration {
    Duration::from_nanos(schedstat_ns(Path::new("/proc/thread-self/schedstat")))
}

fn schedstat_ns(path: &Path) -> u64 {
    fs::read_to_string(path)
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A fresh server of `design`, `plan` thrown at it, and its figures.
fn measure(design: &Design, plan: &Plan) -> Result<Measured, String> {
    let server = start(design)?;
    let pid = server.child.id();
    let sampler = ThreadSampler::start(pid);
    let (server_before, clients_before) =
        (cpu_of_process(pid), cpu_of_this_thread());
    let report = load::run_with(server.addr, plan, design.framing);
    let clients_cpu = cpu_of_this_thread().saturating_sub(clients_before);
    let peak_threads = sampler.stop();
    // The server's own high-water mark, read while it still runs.
    let peak_rss_kib = status_field(pid, "VmHWM:").unwrap_or(0);
    // Its CPU time, from the kernel's account once it has exited: that
    // counts the threads that ended during the run too (a thread per
    // client ends with its client, and /proc forgets it).
    let server_cpu = server.stop().saturating_sub(server_before);
    let report = report.map_err(|e| format!("the load failed: {e}"))?;
    Ok(Measured {
        report,
        peak_rss_kib,
        peak_threads,
        server_cpu,
        clients_cpu,
    })
}

fn seconds(time: Duration) -> String {
    format!("{:.2} s", time.as_secs_f64())
}

fn ms(time: Duration) -> String {
    match time.as_micros() {
        0..1000 => format!("{} µs", time.as_micros()),
        _ => format!("{:.1} ms", time.as_secs_f64() * 1000.0),
    }
}

/// CPU time over wall time, in cores: 100% is one core kept busy.
fn busy_share(cpu: Duration, wall: Duration) -> String {
    let wall = wall.as_secs_f64();
    if wall <= 0.0 {
        return "-".into();
    }
    format!("{:.0}%", 100.0 * cpu.as_secs_f64() / wall)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Messages per second: names answered over the whole run's time.
fn rate(report: &Report) -> f64 {
    let elapsed = report.elapsed.as_secs_f64();
    if elapsed > 0.0 {
        report.round_trips.len() as f64 / elapsed
    } else {
        0.0
    }
}

/// `runs` fresh runs of `plan` against `design`; the one with the median
/// time stands for all (one run of a tenth of a second is at the mercy of
/// whatever else the machine does in that tenth).
fn measure_median(
    design: &Design,
    plan: &Plan,
    runs: usize,
) -> Result<Measured, String> {
    let mut all = Vec::new();
    for _ in 0..runs.max(1) {
        all.push(measure(design, plan)?);
    }
    all.sort_by_key(|m| m.report.elapsed);
    let middle = all.len() / 2;
    Ok(all.swap_remove(middle))
}

/// Runs `plan` against each design (`runs` times, the median kept) and
/// prints one table.
fn table(title: &str, designs: &[Design], plan: &Plan, runs: usize) {
    println!("\n## {title}\n");
    let mut rows = Vec::new();
    for design in designs {
        let measured = match measure_median(design, plan, runs) {
            Ok(measured) => measured,
            Err(why) => {
                println!("note: {}: {why}; skipped", design.name);
                continue;
            }
        };
        let mut report = measured.report;
        let mut row = vec![
            design.name.clone(),
            report.served.to_string(),
            report.busy.to_string(),
            report.failed.to_string(),
        ];
        if plan.silent > 0 {
            row.push(report.silent_closed.to_string());
        }
        row.extend([
            seconds(report.elapsed),
            format!("{:.0}", rate(&report)),
            ms(percentile(&mut report.round_trips, 99.0)),
            mib(measured.peak_rss_kib),
            measured.peak_threads.to_string(),
            report.peak_open.to_string(),
            busy_share(measured.server_cpu, report.elapsed),
            busy_share(measured.clients_cpu, report.elapsed),
        ]);
        rows.push(row);
    }
    if rows.is_empty() {
        return;
    }
    let mut header = vec!["server", "served", "busy", "failed"];
    if plan.silent > 0 {
        header.push("silent closed");
    }
    header.extend([
        "time",
        "msgs/s",
        "round trip p99",
        "peak memory",
        "peak threads",
        "peak open (clients)",
        "server CPU",
        "clients CPU",
    ]);
    print_table(&header, &rows);
}

/// Peak memory and time for each number of held clients, for the plot.
fn sweep(designs: &[Design], counts: &[usize]) -> Vec<(Vec<f64>, Vec<f64>)> {
    println!(
        "\n## Held clients (1 name each, all connected at once): \
         peak memory and time\n"
    );
    let mut header = vec!["server".to_string()];
    for count in counts {
        header.push(format!("{count}: memory"));
        header.push(format!("{count}: time"));
        header.push(format!("{count}: not served"));
    }
    let mut rows = Vec::new();
    let mut series = Vec::new();
    for design in designs {
        let mut row = vec![design.name.clone()];
        let (mut memory, mut time) = (Vec::new(), Vec::new());
        for &clients in counts {
            let plan = held(clients);
            match measure(design, &plan) {
                Ok(m) => {
                    let missed = clients - m.report.served;
                    row.push(mib(m.peak_rss_kib));
                    row.push(seconds(m.report.elapsed));
                    row.push(missed.to_string());
                    memory.push(m.peak_rss_kib as f64 / 1024.0);
                    // A time only means something if everyone was served.
                    time.push(if missed == 0 {
                        m.report.elapsed.as_secs_f64()
                    } else {
                        f64::NAN
                    });
                }
                Err(why) => {
                    println!("note: {} at {clients}: {why}", design.name);
                    row.extend(["-".into(), "-".into(), "-".into()]);
                    memory.push(f64::NAN);
                    time.push(f64::NAN);
                }
            }
        }
        rows.push(row);
        series.push((memory, time));
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    print_table(&header, &rows);
    series
}

/// `clients` clients, one name each, all held open until all are served.
fn held(clients: usize) -> Plan {
    Plan {
        clients,
        silent: 0,
        messages: 1,
        hold: true,
        limit: LIMIT,
    }
}

/// `--only TEXT` keeps the designs whose name contains TEXT.
fn wanted(name: &str) -> bool {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--only") {
        Some(i) => args.get(i + 1).is_some_and(|text| name.contains(text)),
        None => true,
    }
}

pub fn main() {
    let quick = quick();
    println!("lesson07: {}", machine_note());
    println!(
        "(a fresh server for every row; clients: one thread with mio, at \
         most {} connects in flight; idle timeout {IDLE_TIMEOUT_S} s)",
        load::MAX_CONNECTING
    );
    let designs = designs();
    let scale = if quick { 10 } else { 1 };
    // Each row is the median of this many runs, each with a fresh server.
    let runs = if quick { 1 } else { 5 };
    println!("(each row: the run with the median time, of {runs})");
    let (held_clients, chatty, names, crowd) = if quick {
        (1_000, 100, 10, 200)
    } else {
        (10_000, 500, 20, 1_000)
    };
    table(
        &format!(
            "(a) {held_clients} clients at once: welcome, one name, \
             stay connected until all are served"
        ),
        &designs,
        &held(held_clients),
        runs,
    );
    let mut with_python = designs.clone();
    with_python.push(python());
    with_python.retain(|d| wanted(&d.name));
    table(
        &format!("(b) {chatty} clients x {names} names"),
        &with_python,
        &Plan {
            clients: chatty,
            silent: 0,
            messages: names,
            hold: false,
            limit: LIMIT,
        },
        runs,
    );
    let silent = crowd / 10;
    table(
        &format!(
            "(c) {crowd} clients, {silent} of them silent (they connect \
             first and hold their connection), the others send 5 names"
        ),
        &designs,
        &Plan {
            clients: crowd - silent,
            silent,
            messages: 5,
            hold: false,
            limit: LIMIT,
        },
        runs,
    );
    if !bench::flag("--write-svg") {
        return;
    }
    let counts: Vec<usize> = [1_000, 2_500, 5_000, 10_000]
        .iter()
        .map(|c| c / scale)
        .collect();
    let series = sweep(&designs, &counts);
    let names: Vec<&str> = designs.iter().map(|d| d.name.as_str()).collect();
    let svg = plot::svg(&counts, &names, &series);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("book/diagrams/lesson07-scaling.svg");
    match fs::write(&path, svg) {
        Ok(()) => println!("\nwrote {}", path.display()),
        Err(error) => println!("\ncannot write {}: {error}", path.display()),
    }
}
