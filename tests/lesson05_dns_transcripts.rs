//! lesson05's `dns` command, pinned. The book shows these same files.
//!
//! Every run asks the responder the lesson starts on 127.0.0.1 (or, for
//! `--server`, one this test starts there), with a fixed `--id` so that
//! the bytes are the same on every run. Ports are filtered out.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use testkit::terminal::{run, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson05");

fn snapshot(name: &str, args: &[&str]) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let text = transcript(BIN, args, dir.path());
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// `cargo run --bin lesson05 -- dns`: the default name, offline.
#[test]
fn dns_default() {
    snapshot("lesson05_dns", &["dns", "--id", "4660"]);
}

/// An alias: a CNAME whose data is a pointer into the question.
#[test]
fn dns_alias() {
    snapshot(
        "lesson05_dns_alias",
        &["dns", "--id", "4660", "alias.workbook.test"],
    );
}

/// AAAA records; a name with no AAAA; a name that does not exist.
#[test]
fn dns_aaaa_and_nxdomain() {
    snapshot(
        "lesson05_dns_aaaa",
        &[
            "dns",
            "--id",
            "4660",
            "--type",
            "AAAA",
            "workbook.test",
            "www.workbook.test",
            "nowhere.workbook.test",
        ],
    );
}

/// The malicious answers: one clear error each, exit status 1.
#[test]
fn dns_evil() {
    snapshot(
        "lesson05_dns_evil",
        &[
            "dns",
            "--id",
            "4660",
            "loop.evil.test",
            "forward.evil.test",
            "past-end.evil.test",
            "short.evil.test",
            "count.evil.test",
        ],
    );
}

/// Names the encoder refuses, before anything is sent.
#[test]
fn dns_bad_names() {
    let long = "a".repeat(64);
    snapshot(
        "lesson05_dns_bad_names",
        &["dns", "--id", "4660", "a..test", &long, "grüße.test"],
    );
}

/// `--server` asks another server: here, a second copy of the lesson's
/// responder, started by this test on loopback.
#[test]
fn dns_other_server() {
    let address = lessons::lesson05::dns_server::start().expect("start");
    let server = address.to_string();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let args = ["dns", "--server", &server, "workbook.test"];
    let done = run(BIN, &args, dir.path());
    assert_eq!(done.status.code(), Some(0), "{}", done.output);
    assert!(
        !done.output.contains("Started the built-in"),
        "{}",
        done.output
    );
    assert!(done.output.contains(&format!("Asking {server} for")));
    assert!(
        done.output
            .contains("answer    workbook.test A ttl 300 192.0.2.1")
    );
}

/// A server that never answers: three tries, then one clear error.
#[test]
fn dns_silent_server() {
    let silent = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let server = silent.local_addr().expect("an address").to_string();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let started = Instant::now();
    let done = run(BIN, &["dns", "--server", &server], dir.path());
    assert_eq!(done.status.code(), Some(1), "{}", done.output);
    assert!(
        done.output.contains(
            "error: no answer after 3 tries, 2 s each: the server is not answering"
        ),
        "{}",
        done.output
    );
    assert!(started.elapsed() >= Duration::from_secs(5));
    let mut buf = [0; 512];
    silent
        .set_read_timeout(Some(Duration::from_secs(1)))
        .expect("timeout");
    let (len, _) = silent.recv_from(&mut buf).expect("the query arrived");
    assert_eq!(&buf[12..len - 4], b"\x03www\x08workbook\x04test\x00");
}
