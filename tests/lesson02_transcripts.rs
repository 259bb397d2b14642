//! lesson02's transcripts, pinned. The book shows these same files.
//!
//! Every run talks to 127.0.0.1 only, and every transcript comes from a
//! command the learner can type: the lesson's built-in server, which
//! also misbehaves on request (`--local /short-body`), and one scripted
//! server here for a check that shows no transcript. Ports, the temporary directory and
//! the resolver's wording are filtered out, so the snapshots are stable.

use std::fs;
use std::path::Path;

use rstest::rstest;
use testkit::lesson02::{Script, one_shot, response};
use testkit::terminal::{transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson02");

/// Runs lesson02 in a fresh temporary directory and pins its transcript.
/// Returns the directory, so the test can look at what was saved.
fn snapshot(name: &str, args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let text = transcript(BIN, args, dir.path());
    let text = hide_dir(&text, dir.path());
    let mut settings = transcript_settings();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(
        r#"(cannot find the host "[^"]*")( \(DNS lookup failed: .*\)|: no answer from DNS in \d+ s)"#,
        "$1 [WHY]",
    );
    settings.bind(|| insta::assert_snapshot!(name, text));
    dir
}

/// The temporary directory's path, however the OS spells it, as `[DIR]`.
fn hide_dir(text: &str, dir: &Path) -> String {
    let mut text = text.to_string();
    if let Ok(real) = dir.canonicalize() {
        text = text.replace(&real.display().to_string(), "[DIR]");
    }
    text.replace(&dir.display().to_string(), "[DIR]")
}

/// The names of the files a run left in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the directory")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn help() {
    snapshot("lesson02_help", &["--help"]);
}

/// `cargo run --bin lesson02` with no arguments: offline, at once.
#[test]
fn built_in_server() {
    let dir = snapshot("lesson02_local", &[]);
    let saved = fs::read(dir.path().join("lesson02-page.html"))
        .expect("the saved page");
    assert_eq!(saved, lessons::lesson02::server::PAGE.as_bytes());
    assert_eq!(files_in(dir.path()), ["lesson02-page.html"]);
}

/// The built-in server's other framings: the file is the page each time.
#[rstest]
#[case::chunked("lesson02_local_chunked", "/chunked")]
#[case::close("lesson02_local_close", "/close")]
fn built_in_framings(#[case] name: &str, #[case] path: &str) {
    let dir = snapshot(name, &["--local", path]);
    let saved = fs::read(dir.path().join("lesson02-page.html"))
        .expect("the saved page");
    assert_eq!(saved, lessons::lesson02::server::PAGE.as_bytes());
}

#[test]
fn built_in_binary() {
    let dir = snapshot(
        "lesson02_local_binary",
        &["--local", "/binary", "-o", "bytes.bin"],
    );
    let saved = fs::read(dir.path().join("bytes.bin")).expect("the saved file");
    assert_eq!(saved, (0..=255).collect::<Vec<u8>>());
    assert_eq!(files_in(dir.path()), ["bytes.bin"]);
}

/// The tutorial's way against a chunked answer: the hex chunk sizes end
/// up in the file.
#[test]
fn naive_against_chunked() {
    let dir = snapshot(
        "lesson02_naive_chunked",
        &["--naive", "--local", "/chunked"],
    );
    let saved = fs::read(dir.path().join("lesson02-page.html"))
        .expect("the saved page");
    assert!(
        saved.starts_with(b"10\r\n<!doctype html>\n\r\n7\r\n"),
        "{saved:?}"
    );
    assert!(saved.ends_with(b"\r\n0\r\n\r\n"), "{saved:?}");
    assert_ne!(saved, lessons::lesson02::server::PAGE.as_bytes());
}

/// Runs lesson02 against one of the built-in server's misbehaving paths
/// (`--local PATH`, exactly as the book shows the command) and checks a
/// failure: exit status 1, exactly one `error:` line, no file left behind.
fn failure(name: &str, args: &[&str]) {
    let dir = snapshot(name, args);
    check_failed_cleanly(dir.path());
}

fn check_failed_cleanly(dir: &Path) {
    assert_eq!(
        files_in(dir),
        Vec::<String>::new(),
        "a failed run left files"
    );
}

#[rstest]
#[case::closed_mid_head("lesson02_error_closed_mid_head", "/closed-mid-head")]
#[case::closed_at_once("lesson02_error_closed_at_once", "/closed-at-once")]
#[case::bad_status_line("lesson02_error_bad_status_line", "/bad-status-line")]
#[case::not_http("lesson02_error_not_http", "/not-http")]
#[case::bad_header_line("lesson02_error_bad_header_line", "/bad-header-line")]
#[case::bad_chunk_size("lesson02_error_bad_chunk_size", "/bad-chunk-size")]
#[case::chunk_too_long("lesson02_error_chunk_too_long", "/chunk-too-long")]
#[case::closed_mid_chunk(
    "lesson02_error_closed_mid_chunk",
    "/closed-mid-chunk"
)]
#[case::short_body("lesson02_error_short_body", "/short-body")]
#[case::bad_content_length(
    "lesson02_error_bad_content_length",
    "/bad-content-length"
)]
#[case::conflicting_lengths(
    "lesson02_error_conflicting_lengths",
    "/conflicting-lengths"
)]
#[case::huge_head("lesson02_error_huge_head", "/huge-head")]
fn misbehaving_server(#[case] name: &str, #[case] path: &str) {
    failure(name, &["--local", path]);
}

/// A body with no end in sight (2 MiB, no Content-Length) against a
/// lowered `--max-body`: refused with the limit in the message, and the
/// part already written is removed.
#[test]
fn body_over_max_body() {
    failure(
        "lesson02_error_body_too_large",
        &["--local", "/endless", "--max-body", "1048576"],
    );
}

/// A server that accepts, reads the request, and never answers.
#[test]
fn timeout() {
    failure(
        "lesson02_error_timeout",
        &["--local", "/silent", "--timeout", "1"],
    );
}

/// The saved name is taken by a directory: saving fails, nothing is left.
#[test]
fn cannot_save() {
    let server = one_shot(Script::Reply(response(
        "HTTP/1.1 200 OK",
        &["Content-Length: 2"],
        b"hi",
    )));
    let url = server.url("/");
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::create_dir(dir.path().join("taken")).expect("create a directory");
    let text = transcript(BIN, &[&url, "-o", "taken"], dir.path());
    server.join();
    let last = text.lines().rev().nth(1).unwrap_or_default();
    assert!(last.starts_with("error: cannot save to taken: "), "{text}");
    assert!(text.ends_with("[exit status: 1]\n"), "{text}");
    assert_eq!(files_in(dir.path()), ["taken"]);
}

/// Nothing listens on the port: connection refused.
#[test]
fn connection_refused() {
    // Bind a port, then free it: nothing is listening there now.
    let port = {
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("local_addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    let dir = snapshot("lesson02_error_refused", &[&url]);
    check_failed_cleanly(dir.path());
}

#[test]
fn https_is_refused() {
    let dir = snapshot("lesson02_error_https", &["https://127.0.0.1/"]);
    check_failed_cleanly(dir.path());
}

/// Names under `.invalid` never resolve (RFC 6761). The lookup is bounded
/// by `--timeout`, so a machine whose resolver cannot be reached fails
/// this case in 2 s, with the same (filtered) snapshot.
#[test]
fn unknown_host() {
    let dir = snapshot(
        "lesson02_error_unknown_host",
        &["http://no-such-host.invalid/", "--timeout", "2"],
    );
    check_failed_cleanly(dir.path());
}

#[test]
fn usage_errors() {
    snapshot(
        "lesson02_usage_errors",
        &["--local", "/", "http://127.0.0.1/"],
    );
}

/// A non-UTF-8 chunked body and a 404 page: binary safe, and a
/// well-formed error page is saved (with a note) rather than refused.
#[test]
fn chunked_binary_404() {
    let dir =
        snapshot("lesson02_chunked_binary_404", &["--local", "/binary-404"]);
    let saved =
        fs::read(dir.path().join("lesson02-page.bin")).expect("the saved file");
    assert_eq!(saved, (0..=255u8).rev().collect::<Vec<u8>>());
}
