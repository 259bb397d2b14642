//! `cargo bench --bench client`: lesson02 downloading a 64 MiB body from
//! a server on 127.0.0.1, beside curl, and beside its own `--naive` mode
//! (the tutorial's 1024-byte reads, the whole response kept in memory).
//!
//! For each client: the median wall time of several interleaved runs,
//! the peak memory (resident set) of the process, and how many `read`
//! calls it made on the socket. The calls are counted twice: by
//! `strace -c` when it is installed (every system call the process
//! made), and in this process, by running lesson02's own functions over
//! a counting reader (which needs no tool at all).
//!
//! `--quick` (or WORKBOOK_BENCH_QUICK=1): 16 MiB, 3 runs.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use lessons::lesson02::body::Framing;
use lessons::lesson02::client::{Limits, Options, read_body, read_head};
use lessons::lesson02::naive::read_to_close;
use testkit::bench::{machine_note, median, print_table, quick, ratio};

const TIMEOUT: Duration = Duration::from_secs(30);
const CURL: &str = "/usr/bin/curl";
const TIME: &str = "/usr/bin/time";
const STRACE: &str = "/usr/bin/strace";

// ---------------------------------------------------------------- the server

/// Serves `body` with a `Content-Length` to every request, each
/// connection on its own thread, for as long as this process runs.
fn start_server(body: Arc<Vec<u8>>) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let body = Arc::clone(&body);
            thread::spawn(move || serve(stream, &body));
        }
    });
    Ok(addr)
}

/// Reads the request head (at most 16 KiB) and sends the response.
fn serve(mut stream: TcpStream, body: &[u8]) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut request = Vec::new();
    let mut piece = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut piece)?;
        if n == 0 || request.len() > 16 * 1024 {
            return Ok(());
        }
        request.extend_from_slice(&piece[..n]);
    }
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)
}

// ---------------------------------------------------------------- clients

/// A client program to measure: a name and its command line, which ends
/// with the file the body is saved to.
struct Client {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
    output: PathBuf,
}

/// One run of a client: wall time, and peak memory if it could be read.
struct Run {
    time: Duration,
    peak_kib: Option<u64>,
}

/// Runs `client` once, measuring its wall time and its peak resident
/// memory (with `/usr/bin/time -f %M` if present, else by reading
/// `VmHWM` in `/proc/PID/status` while it runs). Checks the body size.
fn run_once(client: &Client, dir: &Path, expected: usize) -> io::Result<Run> {
    let _ = fs::remove_file(&client.output);
    let rss_file = dir.join("peak-rss.txt");
    let with_time = Path::new(TIME).exists();
    let mut command = if with_time {
        let mut command = Command::new(TIME);
        command.arg("-f").arg("%M").arg("-o").arg(&rss_file);
        command.arg(&client.program);
        command
    } else {
        Command::new(&client.program)
    };
    command
        .args(&client.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let started = Instant::now();
    let mut child = command.spawn()?;
    let mut peak_kib = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if !with_time {
            peak_kib = vm_hwm(child.id()).or(peak_kib);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other(format!(
                "{} took too long",
                client.name
            )));
        }
        thread::sleep(Duration::from_millis(1));
    };
    let time = started.elapsed();
    if !status.success() {
        return Err(io::Error::other(format!(
            "{} failed: {status}",
            client.name
        )));
    }
    let saved = fs::metadata(&client.output)?.len();
    if saved != expected as u64 {
        let what =
            format!("{} saved {saved} bytes, not {expected}", client.name);
        return Err(io::Error::other(what));
    }
    if with_time {
        let text = fs::read_to_string(&rss_file).unwrap_or_default();
        peak_kib = text
            .trim()
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok());
    }
    Ok(Run { time, peak_kib })
}

/// The peak resident set so far of process `pid`, in KiB.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Socket reads counted by `strace -f -c`: (`read`, `recvfrom`) calls.
/// `None` when strace is missing or not allowed to trace.
fn strace_reads(client: &Client, dir: &Path) -> Option<(u64, u64)> {
    if !Path::new(STRACE).exists() {
        return None;
    }
    let report = dir.join("strace.txt");
    let status = Command::new(STRACE)
        .args(["-f", "-c", "-e", "trace=read,recvfrom", "-o"])
        .arg(&report)
        .arg(&client.program)
        .args(&client.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let text = fs::read_to_string(&report).ok()?;
    // Lines look like `  99.1  0.0123  12  1025  recvfrom`: calls is
    // the fourth column, the system call's name the last.
    let calls = |name: &str| {
        text.lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .find(|words| words.last() == Some(&name))
            .and_then(|words| words.get(3)?.parse().ok())
            .unwrap_or(0)
    };
    Some((calls("read"), calls("recvfrom")))
}

// ---------------------------------------------------------------- in process

/// A reader that counts its `read` calls.
struct Counting<R> {
    inner: R,
    reads: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        self.inner.read(buf)
    }
}

fn get(addr: SocketAddr) -> io::Result<Counting<TcpStream>> {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    stream.write_all(
        b"GET /big HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n",
    )?;
    Ok(Counting {
        inner: stream,
        reads: 0,
    })
}

/// The reads lesson02's functions make for the whole response: with
/// the default 64 KiB buffer, and the naive 1024-byte loop.
fn reads_in_process(
    addr: SocketAddr,
    length: u64,
) -> Result<(u64, u64), String> {
    let limits = Limits::default();
    let mut conn = get(addr).map_err(|e| e.to_string())?;
    let (_, start) =
        read_head(&mut conn, &limits).map_err(|e| e.to_string())?;
    let framing = Framing::ContentLength(length);
    read_body(&mut conn, &start, framing, &mut io::sink(), &limits)
        .map_err(|e| e.to_string())?;
    let streamed = conn.reads;

    let mut conn = get(addr).map_err(|e| e.to_string())?;
    read_to_close(&mut conn, &Options::default()).map_err(|e| e.to_string())?;
    Ok((streamed, conn.reads))
}

// ---------------------------------------------------------------- report

fn mib(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn main() -> io::Result<()> {
    let quick = quick();
    let (size, runs) = if quick { (16 << 20, 3) } else { (64 << 20, 7) };
    println!("client: {}", machine_note());
    println!(
        "downloading {} MiB from a server on 127.0.0.1; median of {runs} interleaved runs\n",
        size >> 20
    );
    let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let addr = start_server(Arc::new(body))?;
    let dir = tempfile::tempdir()?;
    let url = format!("http://{addr}/big");
    let lesson02 = PathBuf::from(env!("CARGO_BIN_EXE_lesson02"));
    let client = |name, program: &PathBuf, args: Vec<&str>, file: &str| {
        let output = dir.path().join(file);
        let mut args: Vec<String> =
            args.iter().map(|a| a.to_string()).collect();
        args.push(output.to_string_lossy().into_owned());
        Client {
            name,
            program: program.clone(),
            args,
            output,
        }
    };
    let mut clients = vec![
        client(
            "lesson02 (64 KiB reads, streamed)",
            &lesson02,
            vec![&url, "-o"],
            "ours.bin",
        ),
        client(
            "lesson02 --naive (1024-byte reads)",
            &lesson02,
            vec![&url, "--naive", "-o"],
            "naive.bin",
        ),
    ];
    if Path::new(CURL).exists() {
        clients.push(client(
            "curl",
            &PathBuf::from(CURL),
            vec!["-s", &url, "-o"],
            "curl.bin",
        ));
    } else {
        println!("note: {CURL} not found; curl is skipped");
    }

    let mut runs_of: Vec<Vec<Run>> =
        clients.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (client, done) in clients.iter().zip(&mut runs_of) {
            done.push(run_once(client, dir.path(), size)?);
        }
    }
    let times: Vec<Duration> = runs_of
        .iter()
        .map(|runs| median(runs.iter().map(|r| r.time).collect()))
        .collect();
    let peaks: Vec<Option<u64>> = runs_of
        .iter()
        .map(|runs| runs.iter().filter_map(|r| r.peak_kib).max())
        .collect();
    let (streamed, naive) =
        reads_in_process(addr, size as u64).map_err(io::Error::other)?;
    let in_process = [streamed.to_string(), naive.to_string(), "-".to_string()];
    let curl_time = clients
        .iter()
        .position(|c| c.name == "curl")
        .map(|i| times[i].as_secs_f64());

    let mut rows = Vec::new();
    for (i, client) in clients.iter().enumerate() {
        let traced = match strace_reads(client, dir.path()) {
            Some((read, recvfrom)) => format!("{read} + {recvfrom}"),
            None => "(no strace)".into(),
        };
        let secs = times[i].as_secs_f64();
        rows.push(vec![
            client.name.to_string(),
            format!("{secs:.3} s"),
            curl_time.map_or("-".into(), |curl| ratio(secs, curl)),
            mib(peaks[i]),
            traced,
            in_process[i].clone(),
        ]);
    }
    print_table(
        &[
            "client",
            "time",
            "vs curl",
            "peak memory",
            "strace: read + recvfrom",
            "reads (in process)",
        ],
        &rows,
    );
    let ours_secs = times[0].as_secs_f64();
    if let Some(curl) = curl_time {
        let r = ours_secs / curl;
        println!("\nlesson02 took {r:.2} times as long as curl.");
    }
    if let Some(peak) = peaks[0] {
        let peak_mib = peak as f64 / 1024.0;
        println!(
            "lesson02's memory peaked at {peak_mib:.1} MiB, however large \
             the body: it writes each piece to the file as it arrives."
        );
    }
    Ok(())
}
