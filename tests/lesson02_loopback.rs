//! lesson02's client against real sockets on 127.0.0.1: whatever the
//! framing, the content and the way the server's writes are cut up, the
//! saved file is the body, byte for byte; and a failure leaves nothing.

use std::fs;
use std::path::Path;
use std::time::Duration;

use lessons::lesson02::client::{Fetched, Options, fetch};
use lessons::lesson02::url::parse_target;
use rstest::rstest;
use testkit::lesson02::{Script, binary_body, chunked, one_shot, response};

#[derive(Debug, Clone, Copy)]
enum Frame {
    Length,
    Chunked,
    Close,
}

fn text_body() -> Vec<u8> {
    "<p>Grüße, 你好, and a line\r\n\r\nthat looks like a head end</p>\n"
        .repeat(40)
        .into_bytes()
}

fn wire(frame: Frame, body: &[u8]) -> Vec<u8> {
    match frame {
        Frame::Length => response(
            "HTTP/1.1 200 OK",
            &[&format!("Content-Length: {}", body.len())],
            body,
        ),
        Frame::Chunked => response(
            "HTTP/1.1 200 OK",
            &["Transfer-Encoding: chunked"],
            &chunked(body, 333),
        ),
        Frame::Close => {
            response("HTTP/1.0 200 OK", &["Connection: close"], body)
        }
    }
}

/// Fetches from a scripted server into `dir/out`, quietly.
fn fetch_into(
    script: Script,
    dir: &Path,
    naive: bool,
) -> Result<Fetched, String> {
    let server = one_shot(script);
    let target = parse_target(&server.url("/page")).expect("a valid URL");
    let mut options = Options {
        output: Some(dir.join("out")),
        naive,
        ..Options::default()
    };
    options.limits.timeout = Duration::from_secs(5);
    let result = fetch(&target, &options, &mut |_| {});
    let request = server.join();
    assert!(
        request.starts_with(b"GET /page HTTP/1.1\r\n"),
        "{request:?}"
    );
    result.map_err(|e| e.to_string())
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[rstest]
fn saved_file_is_the_body(
    #[values(Frame::Length, Frame::Chunked, Frame::Close)] frame: Frame,
    #[values(false, true)] binary: bool,
    #[values(usize::MAX, 1, 7, 1000)] write_size: usize,
) {
    // One-byte writes of a long body would be slow; keep that case short.
    let len = if write_size == 1 { 300 } else { 200_000 };
    let body = if binary {
        binary_body(len)
    } else {
        text_body()[..len.min(text_body().len())].to_vec()
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let script = Script::Trickle(wire(frame, &body), write_size);
    let fetched = fetch_into(script, dir.path(), false)
        .unwrap_or_else(|e| panic!("{frame:?}: {e}"));
    assert_eq!(fetched.body_bytes, body.len() as u64);
    let saved = fs::read(dir.path().join("out")).expect("the saved file");
    assert!(
        saved == body,
        "{frame:?} binary={binary} writes of {write_size}"
    );
    assert_eq!(files_in(dir.path()), ["out"]);
}

/// The head split at every possible place, by two writes.
#[test]
fn head_split_anywhere() {
    let body = binary_body(500);
    let data = wire(Frame::Length, &body);
    let head_len = data.len() - body.len();
    for split in 1..head_len {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let script = Script::Trickle(data.clone(), split);
        fetch_into(script, dir.path(), false)
            .unwrap_or_else(|e| panic!("split {split}: {e}"));
        let saved = fs::read(dir.path().join("out")).expect("the saved file");
        assert!(saved == body, "split at {split}");
    }
}

/// The tutorial's way keeps the chunk framing in the file; ours does not.
#[test]
fn naive_saves_chunk_sizes() {
    let body = text_body();
    let framed = chunked(&body, 333);
    let dir = tempfile::tempdir().expect("a temporary directory");
    fetch_into(Script::Reply(wire(Frame::Chunked, &body)), dir.path(), true)
        .expect("the naive fetch");
    let saved = fs::read(dir.path().join("out")).expect("the saved file");
    assert_eq!(saved, framed);
    assert!(saved.starts_with(b"14d\r\n"), "333 is 0x14d");
}

/// With Content-Length, the naive split is right even for binary bodies
/// that contain `\r\n\r\n`: it splits at the first one, in the head.
#[test]
fn naive_is_right_with_content_length() {
    let body = binary_body(5000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    fetch_into(
        Script::Trickle(wire(Frame::Length, &body), 999),
        dir.path(),
        true,
    )
    .expect("the naive fetch");
    assert!(fs::read(dir.path().join("out")).expect("saved") == body);
}

/// A failed fetch leaves an existing file as it was, and no part file.
#[test]
fn failure_keeps_the_old_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::write(dir.path().join("out"), b"the old file").expect("write");
    let short = response(
        "HTTP/1.1 200 OK",
        &["Content-Length: 100000"],
        &binary_body(50_000),
    );
    let error = fetch_into(Script::Reply(short), dir.path(), false)
        .expect_err("too short");
    assert_eq!(
        error,
        "the body is shorter than its Content-Length: the server closed \
         the connection after 50000 of 100000 bytes"
    );
    assert_eq!(
        fs::read(dir.path().join("out")).expect("read"),
        b"the old file"
    );
    assert_eq!(files_in(dir.path()), ["out"]);
}

/// An interim answer (1xx) is refused in one line, and nothing is saved.
#[test]
fn interim_answer_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    let error = fetch_into(Script::Reply(reply.to_vec()), dir.path(), false)
        .expect_err("1xx is not handled");
    assert!(
        error.starts_with("the server sent an interim answer (100)"),
        "{error}"
    );
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

/// Limits from the library, not the command line: a buffer of 0 bytes
/// is taken as 1, and never mistaken for the end of the stream.
#[test]
fn zero_buffer_still_reads_everything() {
    use lessons::lesson02::body::Framing;
    use lessons::lesson02::client::{Limits, read_body};
    let body = binary_body(1000);
    let limits = Limits {
        buffer: 0,
        ..Limits::default()
    };
    let mut out = Vec::new();
    let mut conn = testkit::stream::Stream::new(&body);
    let got = read_body(
        &mut conn,
        &[],
        Framing::ContentLength(1000),
        &mut out,
        &limits,
    )
    .expect("the body");
    assert_eq!((got, out), (1000, body));
}
