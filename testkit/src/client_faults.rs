//! The fault battery for lesson02's client: HTTP servers on 127.0.0.1
//! that misbehave on purpose, one per case. Each case must end in one
//! clear error line, a failure, bounded time, and no file left behind
//! (neither the output file nor its `.part`).
//!
//! The client is passed in as a function, so the same battery runs the
//! real `lesson02` binary (in `cargo test`) or calls
//! [`fetch`](lessons::lesson02::client::fetch) in-process (the example).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::battery::CaseOutcome;
use crate::scripted::{Script, serve_once};

/// The body limit the battery gives the client (`--max-body`).
pub const MAX_BODY: u64 = 1 << 20;
/// The client's timeout (`--timeout`), in seconds.
pub const TIMEOUT_SECS: u64 = 1;
/// The client's limit on the whole fetch (`--max-time`), in seconds.
pub const MAX_TIME_SECS: u64 = 2;

/// What the client must do.
#[derive(Debug, Clone)]
pub enum Expected {
    /// Fail with one error line containing this text.
    Error(&'static str),
    /// Succeed and save exactly these bytes.
    Saved(Vec<u8>),
}

/// One misbehaving server.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: &'static str,
    pub behaviour: Script,
    pub expected: Expected,
}

/// What one run of the client did.
#[derive(Debug, Clone)]
pub struct ClientRun {
    pub succeeded: bool,
    /// The lines it printed that start with `error:` (the binary), or
    /// the error's text (in-process).
    pub error_lines: Vec<String>,
}

fn head(lines: &[&str]) -> Vec<u8> {
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

fn with_body(head: Vec<u8>, body: &[u8]) -> Vec<u8> {
    let mut bytes = head;
    bytes.extend_from_slice(body);
    bytes
}

/// Every case of the battery.
pub fn cases() -> Vec<Case> {
    use Expected::*;
    use Script::*;
    let ok = "HTTP/1.1 200 OK";
    let mut huge_header = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
    huge_header.resize(4 << 20, b'a');
    vec![
        Case {
            name: "accepts and never answers",
            behaviour: Silent,
            expected: Error("timed out"),
        },
        Case {
            name: "closes mid-header",
            behaviour: Reply(b"HTTP/1.1 200 OK\r\nContent-Le".to_vec()),
            expected: Error("before the empty line that ends the head"),
        },
        Case {
            name: "Content-Length longer than the body, then closes",
            behaviour: Reply(with_body(
                head(&[ok, "Content-Length: 100"]),
                b"only 19 bytes here.",
            )),
            expected: Error("shorter than its Content-Length"),
        },
        Case {
            name: "sends more than its Content-Length",
            behaviour: Reply(with_body(
                head(&[ok, "Content-Length: 5"]),
                b"helloEXTRA BYTES THE SERVER SHOULD NOT HAVE SENT",
            )),
            expected: Saved(b"hello".to_vec()),
        },
        Case {
            name: "Content-Length of 5 GB (over the limit)",
            behaviour: Reply(head(&[ok, "Content-Length: 5000000000"])),
            expected: Error("this client's limit"),
        },
        Case {
            name: "a 4 MiB header line",
            behaviour: Reply(huge_header),
            expected: Error("the response head is over 64 KiB"),
        },
        Case {
            name: "bad chunk size",
            behaviour: Reply(with_body(
                head(&[ok, "Transfer-Encoding: chunked"]),
                b"5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n",
            )),
            expected: Error("bad chunk size line"),
        },
        Case {
            name: "never-ending body (until close)",
            behaviour: Endless {
                head: head(&[ok]),
                piece: vec![b'z'; 64 * 1024],
            },
            expected: Error("the body is over 1048576 bytes"),
        },
        Case {
            name: "never-ending chunked body",
            behaviour: Endless {
                head: head(&[ok, "Transfer-Encoding: chunked"]),
                piece: with_body(b"4000\r\n".to_vec(), &[b'z'; 0x4000])
                    .into_iter()
                    .chain(*b"\r\n")
                    .collect(),
            },
            expected: Error("the body is over 1048576 bytes"),
        },
        Case {
            name: "drips one header byte per 200 ms, forever",
            behaviour: Drip {
                head: b"HTTP/1.1 200 OK\r\nX-Drip: ".to_vec(),
                pace: Duration::from_millis(200),
            },
            expected: Error("(--max-time)"),
        },
    ]
}

/// Runs every case. `client(url, output)` runs the client once with
/// `--timeout TIMEOUT_SECS --max-time MAX_TIME_SECS --max-body MAX_BODY
/// -o output`.
pub fn run(client: &dyn Fn(&str, &Path) -> ClientRun) -> Vec<CaseOutcome> {
    cases()
        .into_iter()
        .map(|case| {
            let start = Instant::now();
            let result = run_case(&case, client);
            CaseOutcome::new(case.name, 1, result, start.elapsed())
        })
        .collect()
}

fn run_case(
    case: &Case,
    client: &dyn Fn(&str, &Path) -> ClientRun,
) -> Result<String, String> {
    let dir =
        TempDir::new().map_err(|e| format!("temporary directory: {e}"))?;
    let server = serve_once(case.behaviour.clone())
        .map_err(|e| format!("listen: {e}"))?;
    let addr = server.addr;
    let output = dir.0.join("out.html");
    let run = client(&format!("http://{addr}/"), &output);
    let _ = server.join();
    let files = files_in(&dir.0);
    match &case.expected {
        Expected::Error(text) => {
            let [line] = run.error_lines.as_slice() else {
                return Err(format!("error lines: {:?}", run.error_lines));
            };
            if run.succeeded {
                Err("it succeeded".into())
            } else if !line.contains(text) {
                Err(format!("error {line:?} does not say {text:?}"))
            } else if !files.is_empty() {
                Err(format!("it left files: {files:?}"))
            } else {
                Ok(line.trim_start_matches("error: ").to_string())
            }
        }
        Expected::Saved(bytes) => {
            let saved = fs::read(&output).unwrap_or_default();
            if !run.succeeded || saved != *bytes {
                Err(format!("{:?}, saved {saved:?}", run.error_lines))
            } else if files != ["out.html"] {
                Err(format!("files: {files:?}"))
            } else {
                Ok(format!(
                    "saved the {} announced bytes, ignored the rest",
                    bytes.len()
                ))
            }
        }
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A fresh directory under the system's temporary directory, removed
/// when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let name = format!("workbook-robustness-{}-{n}", std::process::id());
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The in-process client: lesson02's `fetch`, with the battery's limits.
pub fn in_process(url: &str, output: &Path) -> ClientRun {
    use lessons::lesson02::client::{Options, fetch};
    use lessons::lesson02::url::parse_target;
    let mut options = Options {
        output: Some(output.to_path_buf()),
        ..Options::default()
    };
    options.limits.timeout = Duration::from_secs(TIMEOUT_SECS);
    options.limits.max_body = MAX_BODY;
    options.limits.max_time = Duration::from_secs(MAX_TIME_SECS);
    let result =
        parse_target(url)
            .map_err(|e| e.to_string())
            .and_then(|target| {
                fetch(&target, &options, &mut |_| {}).map_err(|e| e.to_string())
            });
    match result {
        Ok(_) => ClientRun {
            succeeded: true,
            error_lines: Vec::new(),
        },
        Err(error) => ClientRun {
            succeeded: false,
            error_lines: error.lines().map(|l| format!("error: {l}")).collect(),
        },
    }
}
