// Checks for the lesson02 exercises (chapter 2).
//
//     cargo test -p exercises --test lesson02
//
// Each test names its exercise (ex2_3_... is Exercise 2.3). A failing
// test names the exercise, the call it made and what it wanted. Whatever
// arrives over a socket is fed to your code whole, in pieces, and one
// byte at a time, the way TCP may hand it over.

use std::io::{self, ErrorKind, Write};

use check::{Stream, bytes, case, text};
use exercises::lesson02::{
    ChunkLine, ChunkedWriter, Framing, HeadFinder, body_framing,
    content_length_list, parse_chunk_line, request_http10,
};

/// What the tests compare an error with: any one-line reason will do.
const AN_ERROR: &str = "an error (a one-line reason)";

/// `result` with its error replaced by [`AN_ERROR`], or by a complaint
/// if the reason is empty or not one line.
fn reason<T>(result: Result<T, String>) -> Result<T, String> {
    result.map_err(|why| {
        if why.trim().is_empty() || why.contains('\n') {
            format!("a reason that is not one line of text: {why:?}")
        } else {
            AN_ERROR.to_string()
        }
    })
}

fn error<T>() -> Result<T, String> {
    Err(AN_ERROR.to_string())
}

// ---------------------------------------------------------------------
// Exercise 2.1: an HTTP/1.0 request with extra headers

/// Checks one call of `request_http10`.
fn request_case(
    host: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    wanted: Result<&str, String>,
) {
    let call = format!(
        "request_http10({}, {}, &{headers:?})",
        text(host),
        text(path)
    );
    // Compared as text, so that a wrong answer shows its \r\n.
    let wanted = wanted.map(String::from);
    case("2.1", call).expect(wanted, move || {
        reason(request_http10(host, path, headers))
            .map(|got| String::from_utf8_lossy(&got).into_owned())
    });
}

#[test]
fn ex2_1_basic() {
    request_case(
        "example.com",
        "/",
        &[],
        Ok("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"),
    );
    request_case(
        "127.0.0.1:8080",
        "/search?q=tcp",
        &[("Accept", "*/*")],
        Ok("GET /search?q=tcp HTTP/1.0\r\nHost: 127.0.0.1:8080\r\n\
            Accept: */*\r\n\r\n"),
    );
}

#[test]
fn ex2_1_headers_in_order() {
    request_case(
        "www.sina.com.cn",
        "/index.html",
        &[
            ("User-Agent", "tcpip-workbook"),
            ("Accept", "text/html"),
            ("accept-language", "zh-CN, en;q=0.5"),
            ("X-Empty", ""),
            ("X-Tab", "a\tb"),
        ],
        Ok("GET /index.html HTTP/1.0\r\nHost: www.sina.com.cn\r\n\
            User-Agent: tcpip-workbook\r\nAccept: text/html\r\n\
            accept-language: zh-CN, en;q=0.5\r\nX-Empty: \r\n\
            X-Tab: a\tb\r\n\r\n"),
    );
    request_case(
        "[::1]:80",
        "/~x/a.b",
        &[("Z", "1"), ("A", "2"), ("!#$%&'*+-.^_`|~09", "3")],
        Ok("GET /~x/a.b HTTP/1.0\r\nHost: [::1]:80\r\nZ: 1\r\nA: 2\r\n\
            !#$%&'*+-.^_`|~09: 3\r\n\r\n"),
    );
}

#[test]
fn ex2_1_refused_inputs() {
    let ok: &[(&str, &str)] = &[("Accept", "*/*")];
    for (host, path) in [
        ("", "/"),
        ("exa mple.com", "/"),
        ("example.com\r\n", "/"),
        ("exämple.com", "/"),
        ("example.com", ""),
        ("example.com", "index.html"),
        ("example.com", "/a b"),
        ("example.com", "/a\tb"),
        ("example.com", "/\x7f"),
        ("example.com", "/é"),
    ] {
        request_case(host, path, ok, error());
    }
    for headers in [
        &[("", "x")][..],
        &[("Bad Name", "x")],
        &[("Bad:Name", "x")],
        &[("Bad\tName", "x")],
        &[("Bad(Name)", "x")],
        &[("Nämé", "x")],
        &[("Accept", "*/*"), ("X", "a\x00b")],
        &[("X", "\x1b[31m")],
        &[("X", "a\x7f")],
    ] {
        request_case("example.com", "/", headers, error());
    }
}

#[test]
fn ex2_1_wrong_answers() {
    // A value with \r\n in it would smuggle in a header of its own.
    request_case(
        "example.com",
        "/",
        &[("X", "1\r\nHost: evil.example")],
        error(),
    );
    request_case("example.com", "/", &[("X", "1\nY: 2")], error());
    request_case("example.com", "/", &[("X", "1\rY: 2")], error());
    // One Host is enough; a second one, in any case, is refused.
    for name in ["Host", "host", "HOST"] {
        let headers: &'static [(&'static str, &'static str)] = match name {
            "Host" => &[("Host", "a")],
            "host" => &[("Accept", "*/*"), ("host", "a")],
            _ => &[("HOST", "a")],
        };
        request_case("example.com", "/", headers, error());
    }
    // Not a Host header, just a name that starts like one.
    request_case(
        "example.com",
        "/",
        &[("Hostname", "a")],
        Ok("GET / HTTP/1.0\r\nHost: example.com\r\nHostname: a\r\n\r\n"),
    );
}

// ---------------------------------------------------------------------
// Exercise 2.2: a Content-Length list

fn length_case(value: &'static str, wanted: Result<u64, String>) {
    case("2.2", format!("content_length_list({})", text(value)))
        .expect(wanted, move || reason(content_length_list(value)));
}

#[test]
fn ex2_2_basic() {
    length_case("42", Ok(42));
    length_case("0", Ok(0));
    length_case("1048576", Ok(1_048_576));
    length_case("", error());
    length_case("forty-two", error());
}

#[test]
fn ex2_2_lists() {
    for (value, wanted) in [
        ("42, 42", 42),
        ("42,42", 42),
        ("42 ,\t42", 42),
        ("\t42 , 42 ", 42),
        ("7, 7, 7, 7", 7),
        ("042, 42", 42),
        ("0, 00, 000", 0),
    ] {
        length_case(value, Ok(wanted));
    }
    for value in ["42, 43", "42, 42, 41", "1,0", "42,", ",42", "42,,42", ","] {
        length_case(value, error());
    }
}

#[test]
fn ex2_2_edge_cases() {
    length_case("18446744073709551615", Ok(u64::MAX));
    length_case("00000000000000000000000042", Ok(42));
    length_case("18446744073709551615, 18446744073709551615", Ok(u64::MAX));
    length_case("18446744073709551616", error());
    length_case("99999999999999999999999", error());
    length_case("1, 18446744073709551616", error());
    for shift in 0..64 {
        let n = (1u64 << shift) - 1;
        let value: &'static str = Box::leak(format!("{n}, {n}").into());
        length_case(value, Ok(n));
    }
}

#[test]
fn ex2_2_wrong_answers() {
    // u64::from_str takes a plus sign; a Content-Length does not.
    for value in [
        "+42",
        "-0",
        "42, +42",
        "4 2",
        "0x10",
        "1e3",
        "4.0",
        "42;",
        "٤٢",
        "４２",
        "42\n",
        "\u{a0}42",
        "42, \u{a0}42",
        "\x0c42",
        "42\r",
    ] {
        length_case(value, error());
    }
}

// ---------------------------------------------------------------------
// Exercise 2.3: which body follows a response

fn framing_case(
    method: &'static str,
    status: &'static str,
    headers: &'static [(&'static str, &'static str)],
    wanted: Result<Framing, String>,
) {
    let call = format!(
        "body_framing({}, {}, &{headers:?})",
        text(method),
        text(status)
    );
    case("2.3", call).expect(wanted, move || {
        reason(body_framing(method, status, headers))
    });
}

#[test]
fn ex2_3_basic() {
    framing_case(
        "GET",
        "200",
        &[("Content-Length", "13")],
        Ok(Framing::Length(13)),
    );
    framing_case(
        "GET",
        "200",
        &[("Transfer-Encoding", "chunked")],
        Ok(Framing::Chunked),
    );
    framing_case(
        "GET",
        "200",
        &[("Content-Type", "text/html")],
        Ok(Framing::UntilClose),
    );
    framing_case("GET", "404", &[], Ok(Framing::UntilClose));
    framing_case("GET", "204", &[], Ok(Framing::NoBody));
}

#[test]
fn ex2_3_no_body() {
    let length: &[(&str, &str)] = &[("Content-Length", "13")];
    for status in ["100", "101", "103", "199", "204", "304"] {
        framing_case("GET", status, length, Ok(Framing::NoBody));
    }
    for status in ["200", "205", "300", "303", "305", "404", "599"] {
        framing_case("GET", status, length, Ok(Framing::Length(13)));
    }
    // After HEAD, the headers describe the body a GET would have had.
    for headers in [
        length,
        &[("Transfer-Encoding", "chunked")],
        &[("Content-Length", "1, 2")],
        &[("Content-Length", "x"), ("Transfer-Encoding", "chunked")],
        &[],
    ] {
        framing_case("HEAD", "200", headers, Ok(Framing::NoBody));
    }
    // Methods are case-sensitive: "head" is not HEAD.
    framing_case("head", "200", length, Ok(Framing::Length(13)));
    framing_case("POST", "200", length, Ok(Framing::Length(13)));
}

#[test]
fn ex2_3_transfer_encoding() {
    for headers in [
        &[("Transfer-Encoding", "chunked")][..],
        &[("transfer-encoding", "CHUNKED")],
        &[("Transfer-Encoding", "gzip, chunked")],
        &[("Transfer-Encoding", "gzip,chunked")],
        &[("Transfer-Encoding", " gzip ,\tChunked ")],
        &[
            ("Transfer-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ],
        &[("Transfer-Encoding", "chunked, ")],
        &[("Transfer-Encoding", ",,chunked")],
        &[("X", "1"), ("TRANSFER-ENCODING", "chunked"), ("Y", "2")],
    ] {
        framing_case("GET", "200", headers, Ok(Framing::Chunked));
    }
    // chunked not last: the server closes to end the body.
    for headers in [
        &[("Transfer-Encoding", "gzip")][..],
        &[("Transfer-Encoding", "chunked, gzip")],
        &[
            ("Transfer-Encoding", "chunked"),
            ("Transfer-Encoding", "gzip"),
        ],
        &[("Transfer-Encoding", "chunkedx")],
        &[("Transfer-Encoding", "identity")],
    ] {
        framing_case("GET", "200", headers, Ok(Framing::UntilClose));
    }
    for headers in [
        &[("Transfer-Encoding", "")][..],
        &[("Transfer-Encoding", " , ")],
        &[("Transfer-Encoding", "chunked, chunked")],
        &[
            ("Transfer-Encoding", "chunked"),
            ("Transfer-Encoding", "Chunked"),
        ],
        &[("Transfer-Encoding", "chunked, gzip, chunked")],
    ] {
        framing_case("GET", "200", headers, error());
    }
}

#[test]
fn ex2_3_content_length() {
    for (headers, n) in [
        (&[("Content-Length", "0")][..], 0),
        (&[("content-length", "42, 42")], 42),
        (&[("Content-Length", "42"), ("CONTENT-LENGTH", "042")], 42),
        (&[("Content-Length", "18446744073709551615")], u64::MAX),
    ] {
        framing_case("GET", "200", headers, Ok(Framing::Length(n)));
    }
    for headers in [
        &[("Content-Length", "")][..],
        &[("Content-Length", "+13")],
        &[("Content-Length", "42, 43")],
        &[("Content-Length", "42"), ("Content-Length", "43")],
        &[("Content-Length", "42"), ("Content-Length", "x")],
        &[("Content-Length", "x"), ("Content-Length", "42")],
        &[("Content-Length", "18446744073709551616")],
    ] {
        framing_case("GET", "200", headers, error());
    }
}

#[test]
fn ex2_3_wrong_answers() {
    // "+20".parse::<u16>() is Ok(20): a status code is three digits.
    for status in [
        "+20",
        "+200",
        "20",
        "2000",
        "0200",
        " 200",
        "200 ",
        "2 0",
        "",
        "abc",
        "２００",
        "099",
        "000",
        "600",
        "999",
    ] {
        framing_case("GET", status, &[], error());
    }
    framing_case("GET", "100", &[], Ok(Framing::NoBody));
    framing_case("GET", "599", &[], Ok(Framing::UntilClose));
    // A bad status is an error even where no body would follow.
    framing_case("HEAD", "+20", &[], error());
    // Both headers: the two could disagree about the end.
    for headers in [
        &[("Content-Length", "5"), ("Transfer-Encoding", "chunked")][..],
        &[("Transfer-Encoding", "chunked"), ("content-length", "5")],
        &[("Transfer-Encoding", "gzip"), ("Content-Length", "5")],
    ] {
        framing_case("GET", "200", headers, error());
    }
    // Not the first Content-Length only: every one must agree.
    framing_case(
        "GET",
        "200",
        &[("Content-Length", "5"), ("Content-Length", "500")],
        error(),
    );
}

// ---------------------------------------------------------------------
// Exercise 2.4: a chunk size line with extensions

fn chunk_line_case(line: &'static [u8], wanted: Result<ChunkLine, String>) {
    case("2.4", format!("parse_chunk_line(b{})", bytes(line)))
        .expect(wanted, move || reason(parse_chunk_line(line)));
}

fn chunk_line(
    size: u64,
    extensions: &[(&str, Option<&str>)],
) -> Result<ChunkLine, String> {
    Ok(ChunkLine {
        size,
        extensions: extensions
            .iter()
            .map(|(name, value)| (name.to_string(), value.map(String::from)))
            .collect(),
    })
}

#[test]
fn ex2_4_basic() {
    chunk_line_case(b"5", chunk_line(5, &[]));
    chunk_line_case(b"1a", chunk_line(26, &[]));
    chunk_line_case(b"1A", chunk_line(26, &[]));
    chunk_line_case(b"0", chunk_line(0, &[]));
    chunk_line_case(b"100", chunk_line(256, &[]));
    chunk_line_case(b"", error());
    chunk_line_case(b"zz", error());
    chunk_line_case(
        b"5;name=value;flag",
        chunk_line(5, &[("name", Some("value")), ("flag", None)]),
    );
}

#[test]
fn ex2_4_sizes() {
    chunk_line_case(b"ffffffffffffffff", chunk_line(u64::MAX, &[]));
    chunk_line_case(b"FFFFFFFFFFFFFFFF", chunk_line(u64::MAX, &[]));
    chunk_line_case(b"0000000000000005", chunk_line(5, &[]));
    chunk_line_case(
        b"0123456789abcdef",
        chunk_line(0x0123_4567_89ab_cdef, &[]),
    );
    chunk_line_case(b"AbCdEf", chunk_line(0xab_cdef, &[]));
    chunk_line_case(b"10000000000000000", error());
}

#[test]
fn ex2_4_extensions() {
    for (line, size, extensions) in [
        (&b"5;a"[..], 5, &[("a", None)][..]),
        (b"5 ;a", 5, &[("a", None)]),
        (b"5\t; \ta", 5, &[("a", None)]),
        (b"5;a=1", 5, &[("a", Some("1"))]),
        (b"5;a = 1", 5, &[("a", Some("1"))]),
        (b"5;a\t=\t1 ;b", 5, &[("a", Some("1")), ("b", None)]),
        (b"a;x;y;z", 10, &[("x", None), ("y", None), ("z", None)]),
        (
            b"5;!#$%&'*+-.^_`|~09=!#$%&'*+-.^_`|~09",
            5,
            &[("!#$%&'*+-.^_`|~09", Some("!#$%&'*+-.^_`|~09"))],
        ),
        (b"5;a=1;a=2", 5, &[("a", Some("1")), ("a", Some("2"))]),
    ] {
        chunk_line_case(line, chunk_line(size, extensions));
    }
    for line in [
        &b"5 "[..],
        b"5\t",
        b"5;",
        b"5; ",
        b"5;=1",
        b"5;a=",
        b"5;a= ",
        b"5;a b",
        b"5;a=1 2",
        b"5;a=1;",
        b"5;;a",
        b"5 x",
        b"5;a=(1)",
        b"5;a@b",
        b"5;a=1\r",
        b"5\r",
        b"5;a\n",
        b"5;\xc3\xa9",
    ] {
        chunk_line_case(line, error());
    }
}

#[test]
fn ex2_4_quoted_values() {
    for (line, value) in [
        (&b"5;a=\"\""[..], ""),
        (b"5;a=\"x y\"", "x y"),
        (b"5;a=\"x\ty;b=c\"", "x\ty;b=c"),
        (b"5;a=\"=(),/:<>?@[]{}\"", "=(),/:<>?@[]{}"),
        (b"5;a=\"a\\\"b\"", "a\"b"),
        (b"5;a=\"a\\\\b\"", "a\\b"),
        (b"5;a=\"\\x\\ \"", "x "),
    ] {
        chunk_line_case(line, chunk_line(5, &[("a", Some(value))]));
    }
    chunk_line_case(
        b"5;a=\"1\" ; b = \"2\"",
        chunk_line(5, &[("a", Some("1")), ("b", Some("2"))]),
    );
    for line in [
        &b"5;a=\""[..],
        b"5;a=\"x",
        b"5;a=\"x\\\"",
        b"5;a=\"x\"y",
        b"5;a=\"x\" y",
        b"5;a=x\"y\"",
        b"5;a=\"x\ny\"",
        b"5;a=\"x\x00y\"",
        b"5;a=\"x\\\x7f\"",
        b"5;a=\"\xc3\xa9\"",
        b"5;a=\"x\\",
    ] {
        chunk_line_case(line, error());
    }
}

#[test]
fn ex2_4_wrong_answers() {
    // u64::from_str_radix takes "+5", and "00000000000000005" fits.
    for line in [
        &b"+5"[..],
        b"-5",
        b" 5",
        b"\t5",
        b"0x5",
        b"00000000000000005",
        b"00000000000000000",
        b"5 5",
        b"\xef\xbc\x95",
    ] {
        chunk_line_case(line, error());
    }
}

// ---------------------------------------------------------------------
// Exercise 2.5: a chunked writer

/// The chunked body for these writes, as the exercise describes it.
fn chunked(pieces: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for piece in pieces.iter().filter(|piece| !piece.is_empty()) {
        body.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        body.extend_from_slice(piece);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    body
}

/// Writes each piece with one `write` (each must return its length),
/// then `finish`, into `stream`; returns what reached the stream.
fn write_chunked(
    pieces: Vec<Vec<u8>>,
    stream: Stream,
) -> Result<Vec<u8>, String> {
    let mut writer = ChunkedWriter::new(stream);
    for piece in &pieces {
        match writer.write(piece) {
            Ok(n) if n == piece.len() => {}
            Ok(n) => {
                return Err(format!(
                    "write of {} bytes returned Ok({n})",
                    piece.len()
                ));
            }
            Err(e) => return Err(format!("write failed: {e}")),
        }
    }
    let stream = writer.finish().map_err(|e| format!("finish: {e}"))?;
    Ok(stream.written().to_vec())
}

/// The call as text: the pieces written, and how the stream behaves.
fn writes_call(pieces: &[&[u8]], how: &str) -> String {
    let shown: Vec<String> = pieces.iter().map(|p| bytes(p)).collect();
    format!(
        "write each of [{}] to a ChunkedWriter{how}, then finish()",
        { shown.join(", ") }
    )
}

fn writer_case(pieces: &[&[u8]], stream: Stream, how: &str) {
    let owned: Vec<Vec<u8>> = pieces.iter().map(|p| p.to_vec()).collect();
    let wanted = Ok(String::from_utf8_lossy(&chunked(pieces)).into_owned());
    case("2.5", writes_call(pieces, how)).expect(wanted, move || {
        write_chunked(owned, stream)
            .map(|got| String::from_utf8_lossy(&got).into_owned())
    });
}

#[test]
fn ex2_5_basic() {
    writer_case(&[b"hello", b" world"], Stream::new(b""), "");
    writer_case(&[], Stream::new(b""), "");
    writer_case(&[b"x"], Stream::new(b""), "");
}

#[test]
fn ex2_5_sizes_in_hex() {
    let ten = [b'a'; 10];
    let sixteen = [b'b'; 16];
    let big: Vec<u8> = (0..=255).cycle().take(4097).collect();
    writer_case(&[&ten, &sixteen, &big[..255]], Stream::new(b""), "");
    writer_case(&[&big[..256], &big], Stream::new(b""), "");
}

#[test]
fn ex2_5_bytes_not_text() {
    let all: Vec<u8> = (0..=255).collect();
    writer_case(&[&all, b"\r\n0\r\n\r\n", b"\xff"], Stream::new(b""), "");
}

#[test]
fn ex2_5_short_writes() {
    let pieces: [&[u8]; 3] = [b"hello", b" ", b"world, this is a longer one"];
    for limit in [1, 2, 3, 7] {
        let how = format!(" over a socket that takes {limit} bytes a write");
        writer_case(&pieces, Stream::new(b"").write_at_most(limit), &how);
    }
    for at in [0, 1, 3, 4, 9, 12] {
        let how = format!(" whose write fails once with Interrupted at {at}");
        let stream = Stream::new(b"")
            .write_at_most(2)
            .fail_write_at(at, ErrorKind::Interrupted);
        writer_case(&pieces, stream, &how);
    }
}

#[test]
fn ex2_5_errors() {
    // A peer that went away: the error goes back to the caller.
    for after in [0, 2, 3, 8, 10, 15] {
        let call = format!(
            "write(b\"hello\") then write(b\"world\") to a ChunkedWriter \
             whose socket fails with BrokenPipe after {after} bytes"
        );
        case("2.5", call).expect(Err(ErrorKind::BrokenPipe), move || {
            let stream = Stream::new(b"")
                .write_at_most(3)
                .writes_fail_from(after, ErrorKind::BrokenPipe);
            let mut writer = ChunkedWriter::new(stream);
            writer.write(b"hello").map_err(|e| e.kind())?;
            writer.write(b"world").map_err(|e| e.kind())?;
            Ok(())
        });
    }
    let call = "write(b\"hi\"), then finish() on a socket that fails \
                with BrokenPipe after 7 bytes";
    case("2.5", call).expect(Err(ErrorKind::BrokenPipe), move || {
        let stream =
            Stream::new(b"").writes_fail_from(7, ErrorKind::BrokenPipe);
        let mut writer = ChunkedWriter::new(stream);
        writer.write(b"hi").map_err(|e| e.kind())?;
        writer.finish().map(|_| ()).map_err(|e| e.kind())
    });
}

/// A writer that counts its flushes.
#[derive(Default)]
struct Flushes {
    written: Vec<u8>,
    flushes: usize,
}

impl Write for Flushes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flushes += 1;
        Ok(())
    }
}

#[test]
fn ex2_5_flush() {
    // flush() passes the flush on, and finish() flushes once more.
    let call = "write(b\"ab\"), flush(), then finish(): how many flushes \
                reached the inner writer";
    case("2.5", call).expect(Ok::<usize, ErrorKind>(2), || {
        let mut writer = ChunkedWriter::new(Flushes::default());
        writer.write_all(b"ab").map_err(|e| e.kind())?;
        writer.flush().map_err(|e| e.kind())?;
        let inner = writer.finish().map_err(|e| e.kind())?;
        Ok(inner.flushes)
    });
}

#[test]
fn ex2_5_wrong_answers() {
    // An empty write must not send "0\r\n\r\n": that ends the body.
    writer_case(&[b"a", b"", b"b"], Stream::new(b""), "");
    writer_case(&[b"", b"", b"abc"], Stream::new(b""), "");
    let call = "write(b\"\") to a ChunkedWriter: sends nothing, returns 0";
    case("2.5", call).expect(Ok::<_, ErrorKind>((0, String::new())), || {
        let mut writer = ChunkedWriter::new(Flushes::default());
        let n = writer.write(b"").map_err(|e| e.kind())?;
        let inner = writer.finish().map_err(|e| e.kind())?;
        let sent = String::from_utf8_lossy(&inner.written).into_owned();
        Ok((n, sent.replace("0\r\n\r\n", "")))
    });
    // Decimal lengths or a lone write() that sends only part of a chunk
    // would pass with short pieces and one big socket buffer.
    let twenty = [b'z'; 20];
    writer_case(
        &[&twenty],
        Stream::new(b"").write_at_most(4),
        " (4 a write)",
    );
}

// ---------------------------------------------------------------------
// Exercise 2.6: the end of the head, from the new bytes only

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
const HEAD_LEN: usize = 38;

/// Feeds `pieces` in turn to a new finder with `limit`, stopping at the
/// first answer. Returns where the head ends counted from the start of
/// the stream (`Ok(None)` if it never did), or the error.
fn find_in_pieces(
    pieces: &[Vec<u8>],
    limit: usize,
) -> Result<Option<usize>, String> {
    let mut finder = HeadFinder::new(limit);
    let mut before = 0;
    for piece in pieces {
        if let Some(n) = finder.feed(piece)? {
            if n > piece.len() {
                return Err(format!(
                    "Some({n}) for a piece of {}",
                    piece.len()
                ));
            }
            return Ok(Some(before + n));
        }
        before += piece.len();
    }
    Ok(None)
}

/// Shows pieces the way the call reads: ["ab", "c"].
fn shown(pieces: &[Vec<u8>]) -> String {
    let each: Vec<String> = pieces.iter().map(|p| bytes(p)).collect();
    format!("[{}]", each.join(", "))
}

fn finder_case(
    pieces: Vec<Vec<u8>>,
    limit: usize,
    wanted: Result<Option<usize>, String>,
) {
    let call = format!(
        "HeadFinder::new({limit}), then feed(..) each of {} until an \
         answer; where the head ends, counted from the first byte",
        shown(&pieces)
    );
    case("2.6", call)
        .expect(wanted, move || reason(find_in_pieces(&pieces, limit)));
}

fn whole(input: &[u8]) -> Vec<Vec<u8>> {
    vec![input.to_vec()]
}

fn bytewise(input: &[u8]) -> Vec<Vec<u8>> {
    input.chunks(1).map(<[u8]>::to_vec).collect()
}

#[test]
fn ex2_6_basic() {
    finder_case(whole(HEAD), 1024, Ok(Some(HEAD_LEN)));
    finder_case(whole(b"\r\n\r\n"), 1024, Ok(Some(4)));
    finder_case(whole(b"HTTP/1.1 200 OK\r\n"), 1024, Ok(None));
    finder_case(whole(b"a\r\n\r\nb\r\n\r\n"), 1024, Ok(Some(5)));
    finder_case(whole(b""), 1024, Ok(None));
}

#[test]
fn ex2_6_one_byte_at_a_time() {
    finder_case(bytewise(HEAD), 1024, Ok(Some(HEAD_LEN)));
    finder_case(bytewise(b"\r\n\r\n"), 4, Ok(Some(4)));
    finder_case(bytewise(b"HTTP/1.1 200 OK\r\n\r"), 1024, Ok(None));
}

#[test]
fn ex2_6_in_pieces() {
    // Two pieces, cut at every place; then three.
    for cut in 0..=HEAD.len() {
        let pieces = vec![HEAD[..cut].to_vec(), HEAD[cut..].to_vec()];
        finder_case(pieces, 1024, Ok(Some(HEAD_LEN)));
    }
    for first in [HEAD_LEN - 4, HEAD_LEN - 3, HEAD_LEN - 2] {
        for second in first..=HEAD_LEN {
            let pieces = vec![
                HEAD[..first].to_vec(),
                HEAD[first..second].to_vec(),
                HEAD[second..].to_vec(),
            ];
            finder_case(pieces, 1024, Ok(Some(HEAD_LEN)));
        }
    }
    // The last piece's answer counts from that piece's own start.
    let pieces = vec![b"abc".to_vec(), b"\r\n\r\nbody".to_vec()];
    finder_case(pieces, 1024, Ok(Some(7)));
}

#[test]
fn ex2_6_from_a_stream() {
    // Reads from a socket stand-in that hands over a few bytes a time.
    for sizes in [&[1][..], &[2], &[3, 1], &[5, 7, 1], &[64]] {
        let call = format!(
            "HeadFinder::new(1024) fed each read of {} as it arrives in \
             pieces of {sizes:?}",
            bytes(HEAD)
        );
        case("2.6", call).expect(Ok(Some(HEAD_LEN)), move || {
            let mut stream = Stream::new(HEAD).in_pieces(sizes);
            let mut finder = HeadFinder::new(1024);
            let mut buffer = [0u8; 16];
            let mut before = 0;
            for _ in 0..HEAD.len() + 1 {
                let n = std::io::Read::read(&mut stream, &mut buffer)
                    .map_err(|e| e.to_string())?;
                if n == 0 {
                    return Ok(None);
                }
                if let Some(at) = finder.feed(&buffer[..n])? {
                    return Ok(Some(before + at));
                }
                before += n;
            }
            Err("the stream never ended".to_string())
        });
    }
}

#[test]
fn ex2_6_limit() {
    // The head is 38 bytes, \r\n\r\n included: a limit of 38 is enough.
    finder_case(whole(HEAD), HEAD_LEN, Ok(Some(HEAD_LEN)));
    finder_case(bytewise(HEAD), HEAD_LEN, Ok(Some(HEAD_LEN)));
    finder_case(whole(HEAD), HEAD_LEN - 1, error());
    finder_case(bytewise(HEAD), HEAD_LEN - 1, error());
    // Exactly `limit` bytes without the end: not known to be too long
    // until a byte past the limit comes.
    finder_case(whole(b"abcd"), 4, Ok(None));
    finder_case(vec![b"abcd".to_vec(), b"e".to_vec()], 4, error());
    finder_case(vec![b"ab".to_vec(), b"cde".to_vec()], 4, error());
    finder_case(vec![b"abcd".to_vec(), Vec::new()], 4, Ok(None));
    finder_case(whole(b"\r\n\r\nX"), 4, Ok(Some(4)));
    finder_case(whole(b"x"), 0, error());
    finder_case(whole(b""), 0, Ok(None));
    let endless = vec![vec![b'a'; 100]; 11];
    finder_case(endless, 1024, error());
}

#[test]
fn ex2_6_wrong_answers() {
    // False starts: after "\r\n\r", another "\r" may begin the real end.
    for (input, end) in [
        (&b"\r\n\r\r\n\r\n"[..], 7),
        (b"\r\r\n\r\n", 5),
        (b"\r\n\r\r\r\n\r\n", 8),
        (b"a\r\nb\r\n\r\n", 8),
        (b"\n\r\n\r\n", 5),
    ] {
        finder_case(whole(input), 1024, Ok(Some(end)));
        finder_case(bytewise(input), 1024, Ok(Some(end)));
    }
    for input in [&b"\r\n\n\r\n\r\r\n"[..], b"\n\n", b"\r\r\n\n", b"\r\n\r"] {
        finder_case(whole(input), 1024, Ok(None));
        finder_case(bytewise(input), 1024, Ok(None));
    }
    // An empty piece in the middle forgets nothing.
    let pieces = vec![b"\r\n".to_vec(), Vec::new(), b"\r\n".to_vec()];
    finder_case(pieces, 1024, Ok(Some(4)));
    // The count goes on across pieces.
    let pieces = vec![b"\r\n".to_vec(), b"ab".to_vec(), b"\r\n".to_vec()];
    finder_case(pieces, 1024, Ok(None));
}
