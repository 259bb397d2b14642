//! Everything the servers benchmark does (see `main.rs`). Linux only: the
//! load generator waits on sockets with epoll, and the CPU figures come
//! from /proc.

use super::evented;

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use lessons::lesson03::server::serve_threaded;
use lessons::lesson03::server::{
    BACKLOG, Config, Logger, listen, serve_one_at_a_time,
};
use lessons::lesson04;
use lessons::lesson04::log::Log;
use testkit::bench::{
    self, machine_note, median, median_f64, percentile, print_table, quick,
    ratio,
};

/// No client of the load test waits longer than this for anything.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);
/// A burst client gives up on its welcome after this long. Long enough
/// to see the first SYN retransmissions (1 s, then 2 s more).
const BURST_LIMIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------- servers

/// A server under test. The Rust ones run on threads of this process
/// for as long as it lives; the Python one is a child process, killed
/// when this value is dropped.
struct Server {
    name: String,
    addr: SocketAddr,
    child: Option<Child>,
    /// lesson04's protocol: every message ends with a newline.
    newlines: bool,
    /// A child's output, deleted when this value is dropped.
    log: Option<tempfile::NamedTempFile>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn quiet_config() -> Config {
    let quiet: Logger = Arc::new(|_: &str| {});
    Config {
        log: quiet,
        ..Config::default()
    }
}

fn localhost() -> SocketAddr {
    (Ipv4Addr::LOCALHOST, 0).into()
}

/// lesson03's server (thread per client) with the given backlog.
fn lesson03(backlog: i32) -> io::Result<Server> {
    let listener = listen(localhost(), backlog)?;
    run_rust(format!("lesson03, backlog {backlog}"), listener)
}

/// lesson03's server code on a listener from std's `TcpListener::bind`,
/// which always asks for a backlog of 128.
fn lesson03_std_backlog() -> io::Result<Server> {
    let listener = TcpListener::bind(localhost())?;
    run_rust("lesson03 on std's bind (128)".into(), listener)
}

/// lesson03's `demo --single-thread` server, one connection at a time,
/// in a process of its own: this very benchmark, started again with
/// `--one-at-a-time-server` (see `main`).
fn single_thread() -> Option<Server> {
    let exe = std::env::current_exe().ok()?;
    let mut command = Command::new(exe);
    command.arg(ONE_AT_A_TIME);
    let port = |line: &str| {
        line.strip_prefix("Listening on port ")?.trim().parse().ok()
    };
    child_server("one at a time (lesson03)", command, port)
}

const ONE_AT_A_TIME: &str = "--one-at-a-time-server";

/// The child process of `single_thread`: serves until its standard
/// input closes, which happens when the benchmark ends, however it ends.
fn one_at_a_time_server() -> io::Result<()> {
    let listener = listen(localhost(), BACKLOG)?;
    println!("Listening on port {}", listener.local_addr()?.port());
    thread::spawn(move || serve_one_at_a_time(listener, quiet_config()));
    io::copy(&mut io::stdin(), &mut io::sink())?;
    Ok(())
}

fn run_rust(name: String, listener: TcpListener) -> io::Result<Server> {
    let addr = listener.local_addr()?;
    let config = quiet_config();
    thread::spawn(move || serve_threaded(listener, config));
    Ok(Server {
        name,
        addr,
        child: None,
        newlines: false,
        log: None,
    })
}

/// The tutorial's server (without its sleep, backlog 1024), or `None`
/// with a note when `python3` cannot be started.
fn python() -> Option<Server> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/fixtures/tutorial_server_fast.py");
    let mut command = Command::new("python3");
    command.arg(&script).arg("0");
    // It prints `Listening on port 40123`.
    let port = |line: &str| {
        line.strip_prefix("Listening on port ")?.trim().parse().ok()
    };
    child_server("the tutorial's (Python)", command, port)
}

/// lesson03's own binary, `cargo run --bin lesson03 -- --port 0`, in a
/// process of its own (like the Python server, so that the CPU time of
/// each server can be read from /proc), logging every connection.
fn lesson03_binary() -> Option<Server> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson03"));
    command.args(["--port", "0"]);
    // It prints `Listening on 127.0.0.1:40123 (backlog 1024). ...`.
    let port = |line: &str| {
        let rest = line.strip_prefix("Listening on 127.0.0.1:")?;
        rest.split(' ').next()?.parse().ok()
    };
    child_server("lesson03 (thread per client)", command, port)
}

/// lesson04's binary, `cargo run --bin lesson04 -- --port 0`: the
/// newline-framed server with graceful shutdown, logging every line.
fn lesson04_binary() -> Option<Server> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson04"));
    command.args(["--port", "0"]);
    // It prints `listening on 127.0.0.1:40123`.
    let port = |line: &str| {
        line.strip_prefix("listening on 127.0.0.1:")?
            .trim()
            .parse()
            .ok()
    };
    let mut server = child_server("lesson04 (newline-framed)", command, port)?;
    server.newlines = true;
    Some(server)
}

/// lesson04's server on a thread of this process, for the bursts.
fn lesson04_in_process() -> io::Result<Server> {
    let server = lesson04::server::Server::bind(
        localhost(),
        Default::default(),
        Log::silent(),
    )?;
    let addr = server.local_addr();
    let backlog = lesson04::server::BACKLOG;
    thread::spawn(move || server.run());
    Ok(Server {
        name: format!("lesson04, backlog {backlog}"),
        addr,
        child: None,
        newlines: true,
        log: None,
    })
}

/// Starts a server process and learns its port from the first line of
/// its output for which `port` says one. The output goes to a temporary
/// file, as a real server's log would: a pipe would wake a reader of
/// ours at every line, and lesson04 logs a line per message.
fn child_server(
    name: &str,
    mut command: Command,
    port: impl Fn(&str) -> Option<u16>,
) -> Option<Server> {
    let skip = |why: String| {
        println!("note: {name}: {why}; skipped");
        None
    };
    let log = match tempfile::NamedTempFile::new() {
        Ok(log) => log,
        Err(error) => return skip(format!("no temporary file ({error})")),
    };
    let output = match log.reopen() {
        Ok(output) => output,
        Err(error) => return skip(format!("cannot open its log ({error})")),
    };
    // Its standard input is a pipe nobody writes to: it closes when this
    // process ends, which tells our own child servers to stop. The others
    // (lesson03, lesson04, Python) get SIGKILL from the kernel when this
    // benchmark dies, even by SIGKILL itself.
    evented::die_with_parent(&mut command);
    let spawned = command
        .stdin(Stdio::piped())
        .stdout(output)
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(error) => {
            return skip(format!("cannot start {command:?} ({error})"));
        }
    };
    let mut server = Server {
        name: name.to_string(),
        addr: (Ipv4Addr::LOCALHOST, 0).into(),
        child: Some(child),
        newlines: false,
        log: Some(log),
    };
    // Read the log from the start every 10 ms, for at most 10 s.
    for _ in 0..1000 {
        let path = server.log.as_ref().map(|log| log.path())?;
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(port) = text.lines().find_map(&port) {
            server.addr = (Ipv4Addr::LOCALHOST, port).into();
            return Some(server);
        }
        thread::sleep(Duration::from_millis(10));
    }
    drop(server); // kills it
    skip("it did not say its port within 10 s".into())
}

/// CPU time (user + system) a process has used so far, from
/// /proc/PID/stat, in clock ticks of 10 ms (Linux's USER_HZ is 100).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name, in parentheses, may hold spaces: count fields after it.
    let fields: Vec<&str> =
        stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    Some(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}

// ---------------------------------------------------------------- clients

/// What one client of the load test measured.
struct ClientTimes {
    /// From the start to the welcome: time spent waiting to be served.
    welcome: Duration,
    /// Each message, from sending it to receiving the reply.
    round_trips: Vec<Duration>,
    /// From the start to the last reply: the whole conversation.
    done: Duration,
}

fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    Ok(stream)
}

/// One read that must bring something: the tutorial's framing takes one
/// read as one message.
fn read_message(
    stream: &mut TcpStream,
    buffer: &mut [u8],
) -> io::Result<usize> {
    match stream.read(buffer)? {
        0 => Err(io::Error::other("the server closed the connection")),
        n => Ok(n),
    }
}

/// lesson04's framing: read until the message's newline.
fn read_line(stream: &mut TcpStream, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled == 0 || buffer[filled - 1] != b'\n' {
        if filled == buffer.len() {
            return Err(io::Error::other("a reply longer than the buffer"));
        }
        filled += read_message(stream, &mut buffer[filled..])?;
    }
    Ok(filled)
}

/// The tutorial's conversation: welcome, `messages` names, exit. With
/// `newlines`, each message ends with `\n` (lesson04's framing).
fn conversation(
    addr: SocketAddr,
    newlines: bool,
    id: usize,
    messages: usize,
) -> io::Result<ClientTimes> {
    let receive = if newlines { read_line } else { read_message };
    let end = if newlines { "\n" } else { "" };
    let started = Instant::now();
    let mut stream = connect(addr, CLIENT_TIMEOUT)?;
    let mut buffer = [0u8; 1024];
    receive(&mut stream, &mut buffer)?;
    let welcome = started.elapsed();
    let mut round_trips = Vec::with_capacity(messages);
    for message in 0..messages {
        let sent = Instant::now();
        stream.write_all(format!("client{id}-{message}{end}").as_bytes())?;
        receive(&mut stream, &mut buffer)?;
        round_trips.push(sent.elapsed());
    }
    let done = started.elapsed();
    stream.write_all(format!("exit{end}").as_bytes())?;
    Ok(ClientTimes {
        welcome,
        round_trips,
        done,
    })
}

/// Starts `count` threads at the same instant, each running `client`
/// with its number, and returns what each returned (a panic is `None`).
fn all_at_once<T: Send + 'static>(
    count: usize,
    client: impl Fn(usize) -> T + Send + Sync + 'static,
) -> (Vec<Option<T>>, Duration) {
    let client = Arc::new(client);
    let start = Arc::new(Barrier::new(count + 1));
    let handles: Vec<_> = (0..count)
        .map(|id| {
            let (client, start) = (Arc::clone(&client), Arc::clone(&start));
            thread::Builder::new()
                .stack_size(128 * 1024) // these threads do very little
                .spawn(move || {
                    start.wait();
                    client(id)
                })
                .expect("cannot start a client thread")
        })
        .collect();
    start.wait();
    let started = Instant::now();
    let results = handles.into_iter().map(|h| h.join().ok()).collect();
    (results, started.elapsed())
}

/// What a load test measured.
#[derive(Clone, Copy)]
struct Load {
    messages_per_s: f64,
    p50: Duration,
    p99: Duration,
    welcome_p99: Duration,
    /// The 99th percentile of whole conversations, start to last reply.
    done_p99: Duration,
    /// The server's CPU time per message, when it is a process of its
    /// own (the clients share the machine's cores with it).
    cpu_per_message: Option<Duration>,
    /// The CPU time of this process (the clients) per message.
    client_cpu_per_message: Duration,
    /// How many messages were waiting for their reply, on average: the
    /// sum of all round trips divided by the wall time (Little's law).
    in_flight: f64,
    failed: usize,
}

/// How the clients of a load test are driven.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Generator {
    /// `GENERATOR_THREADS` threads with an epoll each (`evented.rs`).
    Epoll,
    /// A blocking thread per client.
    ThreadPerClient,
}

/// Two threads share the clients: one per core of a small machine.
const GENERATOR_THREADS: usize = 2;

/// `clients` clients at once, `messages` each.
fn load(
    server: &Server,
    clients: usize,
    messages: usize,
    generator: Generator,
) -> Load {
    let pid = server.child.as_ref().map(Child::id);
    let cpu_before = pid.and_then(cpu_time);
    let clients_before = evented::process_cpu_time();
    let outcome = match generator {
        Generator::ThreadPerClient => threaded_load(server, clients, messages),
        Generator::Epoll => evented::run(
            server.addr,
            server.newlines,
            clients,
            messages,
            GENERATOR_THREADS,
            CLIENT_TIMEOUT,
        ),
    };
    let cpu_after = pid.and_then(cpu_time);
    let clients_cpu = evented::process_cpu_time() - clients_before;
    let evented::LoadResult {
        mut round_trips,
        mut welcomes,
        mut conversations,
        wall,
        failed,
    } = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            println!("note: the load generator failed: {error}");
            evented::LoadResult {
                wall: Duration::from_secs(1),
                failed: clients,
                ..evented::LoadResult::empty()
            }
        }
    };
    // The conversations' `exit` messages count too.
    let sent = (clients * (messages + 1)) as u32;
    let waited: Duration = round_trips.iter().sum();
    Load {
        messages_per_s: round_trips.len() as f64 / wall.as_secs_f64(),
        in_flight: waited.as_secs_f64() / wall.as_secs_f64(),
        client_cpu_per_message: clients_cpu / sent,
        p50: percentile(&mut round_trips, 50.0),
        p99: percentile(&mut round_trips, 99.0),
        welcome_p99: percentile(&mut welcomes, 99.0),
        done_p99: percentile(&mut conversations, 99.0),
        cpu_per_message: cpu_before
            .zip(cpu_after)
            .map(|(before, after)| (after - before) / sent),
        failed,
    }
}

/// The first load generator: one blocking thread per client, as 500 of
/// the tutorial's clients would be. Kept for comparison: its clients
/// take more CPU, and the time a client thread waits for a core before
/// it sends its next message is time the server is not loaded.
fn threaded_load(
    server: &Server,
    clients: usize,
    messages: usize,
) -> io::Result<evented::LoadResult> {
    let (addr, newlines) = (server.addr, server.newlines);
    let (results, wall) = all_at_once(clients, move |id| {
        conversation(addr, newlines, id, messages)
    });
    let mut outcome = evented::LoadResult {
        wall,
        ..evented::LoadResult::empty()
    };
    for result in results {
        match result {
            Some(Ok(times)) => {
                outcome.round_trips.extend(times.round_trips);
                outcome.welcomes.push(times.welcome);
                outcome.conversations.push(times.done);
            }
            _ => outcome.failed += 1,
        }
    }
    Ok(outcome)
}

/// The median of several load tests, figure by figure.
fn median_load(loads: &[Load]) -> Load {
    let cpu: Vec<Duration> =
        loads.iter().filter_map(|l| l.cpu_per_message).collect();
    Load {
        messages_per_s: median_f64(
            loads.iter().map(|l| l.messages_per_s).collect(),
        ),
        p50: median(loads.iter().map(|l| l.p50).collect()),
        p99: median(loads.iter().map(|l| l.p99).collect()),
        welcome_p99: median(loads.iter().map(|l| l.welcome_p99).collect()),
        done_p99: median(loads.iter().map(|l| l.done_p99).collect()),
        cpu_per_message: (!cpu.is_empty()).then(|| median(cpu)),
        client_cpu_per_message: median(
            loads.iter().map(|l| l.client_cpu_per_message).collect(),
        ),
        in_flight: median_f64(loads.iter().map(|l| l.in_flight).collect()),
        failed: loads.iter().map(|l| l.failed).sum(),
    }
}

/// How one client of a burst fared.
enum BurstOutcome {
    /// Welcomed and answered, after this long.
    Served(Duration),
    /// Not welcomed within `BURST_LIMIT` (or refused, or reset).
    NotServed,
}

/// A burst client: connect, read the welcome, one name, its reply.
fn burst_client(addr: SocketAddr, newlines: bool) -> BurstOutcome {
    let receive = if newlines { read_line } else { read_message };
    let end = if newlines { "\n" } else { "" };
    let started = Instant::now();
    let served = (|| -> io::Result<()> {
        let mut stream = connect(addr, BURST_LIMIT)?;
        let mut buffer = [0u8; 1024];
        receive(&mut stream, &mut buffer)?;
        stream.write_all(format!("Burst{end}").as_bytes())?;
        receive(&mut stream, &mut buffer)?;
        stream.write_all(format!("exit{end}").as_bytes())
    })();
    match served {
        Ok(()) => BurstOutcome::Served(started.elapsed()),
        Err(_) => BurstOutcome::NotServed,
    }
}

/// What a burst measured.
struct Burst {
    over_1s: usize,
    not_served: usize,
    slowest: Duration,
}

fn burst(server: &Server, clients: usize) -> Burst {
    let (addr, newlines) = (server.addr, server.newlines);
    let (results, _) =
        all_at_once(clients, move |_| burst_client(addr, newlines));
    let mut served = Vec::new();
    for result in results {
        if let Some(BurstOutcome::Served(time)) = result {
            served.push(time);
        }
    }
    Burst {
        over_1s: served
            .iter()
            .filter(|t| **t > Duration::from_secs(1))
            .count(),
        not_served: clients - served.len(),
        slowest: served.iter().copied().max().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------- report

fn ms(time: Duration) -> String {
    match time.as_micros() {
        0..1000 => format!("{} µs", time.as_micros()),
        _ => format!("{:.1} ms", time.as_secs_f64() * 1000.0),
    }
}

fn bursts(runs: usize, clients: usize) {
    println!("\n## Bursts: {clients} clients connect at the same instant");
    println!(
        "(each run a fresh server; figures of {runs} runs; a client gives up after {} s)\n",
        BURST_LIMIT.as_secs()
    );
    type Start = fn() -> io::Result<Server>;
    let servers: [Start; 4] = [
        || lesson03(BACKLOG),
        lesson03_std_backlog,
        || lesson03(5),
        lesson04_in_process,
    ];
    let mut rows = Vec::new();
    for start in servers {
        let mut results = Vec::new();
        let mut name = String::new();
        for _ in 0..runs {
            let Ok(server) = start() else {
                println!("note: could not start a server; skipped");
                break;
            };
            name = server.name.clone();
            results.push(burst(&server, clients));
        }
        let list = |f: &dyn Fn(&Burst) -> String| {
            results.iter().map(f).collect::<Vec<_>>().join(", ")
        };
        rows.push(vec![
            name,
            list(&|b| b.over_1s.to_string()),
            list(&|b| b.not_served.to_string()),
            list(&|b| format!("{:.2} s", b.slowest.as_secs_f64())),
        ]);
    }
    print_table(
        &[
            "server",
            "took > 1 s",
            &format!("not served in {} s", BURST_LIMIT.as_secs()),
            "slowest served",
        ],
        &rows,
    );
}

fn throughput(
    runs: usize,
    clients: usize,
    messages: usize,
    servers: &[Server],
    generator: Generator,
) {
    let driven = match generator {
        Generator::Epoll => {
            format!("{GENERATOR_THREADS} threads with epoll drive the clients")
        }
        Generator::ThreadPerClient => "a blocking thread per client".into(),
    };
    println!("\n## Load: {clients} clients at once, {messages} messages each");
    println!(
        "({driven}; median of {runs} runs; latency = one message, send to reply)\n"
    );
    // Round after round, each server in turn: a noisy minute then
    // spoils one run of each server rather than every run of one.
    let mut loads: Vec<Vec<Load>> =
        servers.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (server, done) in servers.iter().zip(&mut loads) {
            done.push(load(server, clients, messages, generator));
        }
    }
    let results: Vec<Load> = loads.iter().map(|l| median_load(l)).collect();
    let python = servers
        .iter()
        .position(|s| s.name.contains("Python"))
        .map(|i| results[i]);
    let (mut rows, mut costs) = (Vec::new(), Vec::new());
    for (server, load) in servers.iter().zip(&results) {
        let versus = |f: fn(&Load) -> f64| match &python {
            Some(python) => ratio(f(load), f(python)),
            None => "-".into(),
        };
        rows.push(vec![
            server.name.clone(),
            format!("{:.0}", load.messages_per_s),
            versus(|l| l.messages_per_s),
            ms(load.p50),
            ms(load.p99),
            versus(|l| l.p99.as_secs_f64()),
            ms(load.welcome_p99),
            ms(load.done_p99),
            versus(|l| l.done_p99.as_secs_f64()),
            load.failed.to_string(),
        ]);
        costs.push(vec![
            server.name.clone(),
            format!("{:.0}", load.in_flight),
            load.cpu_per_message.map_or("-".into(), ms),
            match (load.cpu_per_message, python.and_then(|p| p.cpu_per_message))
            {
                (Some(ours), Some(theirs)) => {
                    ratio(ours.as_secs_f64(), theirs.as_secs_f64())
                }
                _ => "-".into(),
            },
            ms(load.client_cpu_per_message),
        ]);
    }
    print_table(
        &[
            "server",
            "msgs/s",
            "vs Python",
            "message p50",
            "message p99",
            "vs Python",
            "welcome p99",
            "conversation p99",
            "vs Python",
            "failed",
        ],
        &rows,
    );
    println!("\nWhere the time goes (same runs):\n");
    print_table(
        &[
            "server",
            "messages in flight (average)",
            "server CPU per msg",
            "vs Python",
            "clients' CPU per msg",
        ],
        &costs,
    );
    if let (Some(python), Some(ours)) = (python, results.first()) {
        let faster = ours.messages_per_s / python.messages_per_s;
        let message = ours.p99.as_secs_f64() / python.p99.as_secs_f64();
        let whole = ours.done_p99.as_secs_f64() / python.done_p99.as_secs_f64();
        println!(
            "\nlesson03 against Python: {faster:.2}x the messages per \
             second; p99 {message:.2}x Python's per message, {whole:.2}x \
             per conversation (below 1: faster)."
        );
    }
    let lesson04 = servers.iter().position(|s| s.name.starts_with("lesson04"));
    if let (Some(i), Some(ours)) = (lesson04, results.first()) {
        let slower = ours.messages_per_s / results[i].messages_per_s;
        println!(
            "lesson03 handled {slower:.2} times as many messages per second \
             as lesson04."
        );
    }
}

/// Messages per second with `clients` clients at once, each sending
/// `total / clients` messages (at least `least`): every point sends
/// about `total` messages over one set of connections, so that the plot
/// shows what concurrency does, not what setting up connections costs.
fn sustained_rate(
    server: &Server,
    clients: usize,
    least: usize,
    total: usize,
) -> f64 {
    let messages = (total / clients).max(least);
    load(server, clients, messages, Generator::Epoll).messages_per_s
}

/// Messages per second for each number of clients, for the plot.
fn sweep(
    runs: usize,
    messages: usize,
    servers: &[Server],
    counts: &[usize],
) -> Vec<Vec<f64>> {
    let total = 10_000;
    println!(
        "\n## Messages per second against concurrent clients\n\
         ({total} messages in all per point, shared by the clients, each \
         sending at least {messages}; median of {runs})\n"
    );
    let mut header = vec!["server".to_string()];
    header.extend(counts.iter().map(|c| c.to_string()));
    let mut rows = Vec::new();
    let mut series = Vec::new();
    for server in servers {
        let points: Vec<f64> = counts
            .iter()
            .map(|&clients| {
                let rates = (0..runs)
                    .map(|_| sustained_rate(server, clients, messages, total));
                median_f64(rates.collect())
            })
            .collect();
        let mut row = vec![server.name.clone()];
        row.extend(points.iter().map(|p| format!("{p:.0}")));
        rows.push(row);
        series.push(points);
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    print_table(&header, &rows);
    series
}

/// `--section NAME` runs only that part (bursts, load or plot); without
/// it, bursts and load run, and the plot too when `--write-svg` is given.
fn section(name: &str) -> bool {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--section") {
        Some(i) => args.get(i + 1).is_some_and(|wanted| wanted == name),
        None => name != "plot" || bench::flag("--write-svg"),
    }
}

/// `--only TEXT` keeps the servers whose name contains TEXT.
fn wanted(name: &str) -> bool {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--only") {
        Some(i) => args.get(i + 1).is_some_and(|text| name.contains(text)),
        None => true,
    }
}

pub fn main() {
    if bench::flag(ONE_AT_A_TIME) {
        if let Err(error) = one_at_a_time_server() {
            eprintln!("one-at-a-time server: {error}");
        }
        return;
    }
    let quick = quick();
    println!("servers: {}", machine_note());
    let (runs, burst_clients) = if quick { (1, 300) } else { (3, 1000) };
    if section("bursts") {
        bursts(runs, burst_clients);
    }
    let (clients, messages) = if quick { (100, 10) } else { (500, 20) };
    if section("load") {
        let mut servers = Vec::new();
        servers.extend(lesson03_binary());
        servers.extend(python());
        servers.extend(lesson04_binary());
        servers.extend(single_thread());
        servers.retain(|s| wanted(&s.name));
        let runs = if quick { 1 } else { 5 };
        throughput(runs, clients, messages, &servers, Generator::Epoll);
        // The same load from 500 blocking client threads, for lesson03
        // and Python: what changes when the clients are heavier.
        servers.retain(|s| {
            s.name.starts_with("lesson03") || s.name.contains("Python")
        });
        let generator = Generator::ThreadPerClient;
        throughput(runs, clients, messages, &servers, generator);
    }
    if section("plot") {
        // The three designs of the plot: one at a time, a thread per
        // client in Rust, and the same in Python.
        let mut servers = Vec::new();
        servers.extend(single_thread());
        servers.extend(lesson03_binary());
        servers.extend(python());
        let counts = [1, 2, 5, 10, 20, 50, 100, 200, 500];
        let runs = if quick { 1 } else { 5 };
        let series = sweep(runs, messages, &servers, &counts);
        let names: Vec<&str> =
            servers.iter().map(|s| s.name.as_str()).collect();
        let title = "Messages per second, 10000 messages shared by the clients";
        let svg = plot::svg(&counts, &names, &series, title);
        if bench::flag("--write-svg") {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("book/diagrams/throughput.svg");
            match std::fs::write(&path, svg) {
                Ok(()) => println!("\nwrote {}", path.display()),
                Err(error) => {
                    println!("\ncannot write {}: {error}", path.display())
                }
            }
        }
    }
}

mod plot {
    //! A line plot as SVG text, by hand: a light background (so it reads
    //! in dark themes too), a logarithmic x axis, a linear y axis.

    use std::fmt::Write;

    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 420.0;
    const LEFT: f64 = 90.0;
    const RIGHT: f64 = 230.0;
    const TOP: f64 = 40.0;
    const BOTTOM: f64 = 60.0;
    const COLORS: [&str; 4] = ["#1f6feb", "#d1242f", "#8250df", "#1a7f37"];
    const DASHES: [&str; 4] = ["", "8 4", "2 3", "10 3 2 3"];

    /// A round step for about five ticks up to `max`.
    fn step(max: f64) -> f64 {
        let raw = max / 5.0;
        let power = 10f64.powf(raw.log10().floor());
        let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .find(|n| n * power >= raw)
            .unwrap_or(10.0);
        nice * power
    }

    pub fn svg(
        counts: &[usize],
        names: &[&str],
        series: &[Vec<f64>],
        title: &str,
    ) -> String {
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let top = series.iter().flatten().copied().fold(1.0, f64::max);
        let tick = step(top);
        let y_max = (top / tick).ceil() * tick;
        let (lo, hi) = (
            (*counts.first().unwrap_or(&1) as f64).ln(),
            (*counts.last().unwrap_or(&2) as f64).ln(),
        );
        let x = |c: usize| LEFT + ((c as f64).ln() - lo) / (hi - lo) * plot_w;
        let y = |v: f64| TOP + plot_h - v / y_max * plot_h;
        let mut s = String::new();
        let _ = writeln!(
            s,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="13" role="img" aria-label="Messages per second against concurrent clients">"##
        );
        let _ = writeln!(
            s,
            r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff" stroke="#d0d7de"/>"##
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="24" text-anchor="middle" font-size="15" fill="#1f2328">{}</text>"##,
            LEFT + plot_w / 2.0,
            escape(title)
        );
        // Grid and y ticks.
        let mut value = 0.0;
        while value <= y_max + tick / 2.0 {
            let yy = y(value);
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#d0d7de"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#1f2328">{}</text>"##,
                LEFT + plot_w,
                LEFT - 8.0,
                yy + 4.0,
                value
            );
            value += tick;
        }
        // x ticks: every count measured.
        for &c in counts {
            let xx = x(c);
            let _ = writeln!(
                s,
                r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#1f2328"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle" fill="#1f2328">{c}</text>"##,
                TOP + plot_h,
                TOP + plot_h + 5.0,
                TOP + plot_h + 20.0
            );
        }
        // Axes and their labels.
        let _ = writeln!(
            s,
            r##"<path d="M{LEFT} {TOP} V{:.1} H{:.1}" fill="none" stroke="#1f2328"/>"##,
            TOP + plot_h,
            LEFT + plot_w
        );
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#1f2328">concurrent clients (logarithmic scale)</text>"##,
            LEFT + plot_w / 2.0,
            HEIGHT - 16.0
        );
        let _ = writeln!(
            s,
            r##"<text transform="translate(22 {:.1}) rotate(-90)" text-anchor="middle" fill="#1f2328">messages per second</text>"##,
            TOP + plot_h / 2.0
        );
        // One line per server, and the legend.
        for (i, (name, points)) in names.iter().zip(series).enumerate() {
            let color = COLORS[i % COLORS.len()];
            let dash = DASHES[i % DASHES.len()];
            let path: Vec<String> = counts
                .iter()
                .zip(points)
                .map(|(&c, &v)| format!("{:.1},{:.1}", x(c), y(v)))
                .collect();
            let _ = writeln!(
                s,
                r##"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}"/>"##,
                path.join(" ")
            );
            for (&c, &v) in counts.iter().zip(points) {
                let _ = writeln!(
                    s,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{color}"/>"##,
                    x(c),
                    y(v)
                );
            }
            let ly = TOP + 20.0 + i as f64 * 26.0;
            let lx = WIDTH - RIGHT + 20.0;
            let _ = writeln!(
                s,
                r##"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}"/><text x="{}" y="{}" fill="#1f2328">{}</text>"##,
                lx + 28.0,
                lx + 36.0,
                ly + 4.0,
                escape(name)
            );
        }
        s.push_str("</svg>\n");
        s
    }

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&#39;")
    }
}
