//! lesson02's hand-written parsers, checked against the `httparse` crate
//! (what real Rust HTTP libraries use) and fed in every kind of piece.

use lessons::lesson02::body::{Framing, framing, parse_chunk_size};
use lessons::lesson02::client::{FetchError, Limits, read_body, read_head};
use lessons::lesson02::head::{ResponseHead, parse_head};
use proptest::prelude::*;
use rstest::rstest;
use testkit::lesson02::{binary_body, chunked, response};
use testkit::stream::Stream;

/// What httparse makes of a complete response head: (head length,
/// minor version, code, reason, headers).
type Parsed = (usize, u8, u16, Vec<u8>, Vec<(String, Vec<u8>)>);

fn httparse_head(bytes: &[u8]) -> Option<Parsed> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => Some((
            len,
            response.version?,
            response.code?,
            response.reason.unwrap_or("").as_bytes().to_vec(),
            response
                .headers
                .iter()
                .map(|h| (h.name.to_string(), h.value.to_vec()))
                .collect(),
        )),
        _ => None,
    }
}

fn ours(head_len: usize, head: &ResponseHead) -> Parsed {
    (
        head_len,
        head.status.minor_version,
        head.status.code,
        // httparse gives an empty reason when it holds non-ASCII bytes
        // ("obs-text"); we keep them. Compare the way httparse reports.
        if head.reason().is_ascii() {
            head.reason().to_vec()
        } else {
            Vec::new()
        },
        head.headers()
            .map(|(name, value)| (name.to_string(), value.to_vec()))
            .collect(),
    )
}

/// Reads a whole response from `data`, handed out in pieces of `sizes`,
/// the way the client reads a socket. Returns what httparse would call
/// the head, our parse of it, and the body.
fn receive(
    data: &[u8],
    sizes: &[usize],
) -> Result<(Parsed, Vec<u8>), FetchError> {
    let limits = Limits::default();
    let mut conn = Stream::new(data).in_pieces(sizes);
    let (head_bytes, start) = read_head(&mut conn, &limits)?;
    let head = parse_head(&head_bytes)?;
    let mut body = Vec::new();
    read_body(&mut conn, &start, framing(&head)?, &mut body, &limits)?;
    Ok((ours(head_bytes.len(), &head), body))
}

/// The piece sizes every table case is read with: whole, one byte at a
/// time, and some awkward mixtures.
const SPLITS: &[&[usize]] = &[&[], &[1], &[2], &[3, 1, 4, 1, 5], &[7], &[1000]];

#[rstest]
#[case::content_length("HTTP/1.1 200 OK", &["Content-Length: 11"], b"hello world".to_vec(), b"hello world".to_vec())]
#[case::zero_length("HTTP/1.1 200 OK", &["Content-Length: 0"], Vec::new(), Vec::new())]
#[case::chunked(
    "HTTP/1.1 200 OK",
    &["Transfer-Encoding: chunked"],
    chunked(b"hello chunked world", 4),
    b"hello chunked world".to_vec()
)]
#[case::chunked_with_extensions_and_trailers(
    "HTTP/1.1 200 OK",
    &["Transfer-Encoding: gzip, chunked"],
    b"5;name=value\r\nhello\r\nA ; x\r\n0123456789\r\n0\r\nExpires: never\r\nX: y\r\n\r\n".to_vec(),
    b"hello0123456789".to_vec()
)]
#[case::until_close("HTTP/1.0 200 OK", &["Content-Type: text/plain"], b"to the end\r\n\r\n".to_vec(), b"to the end\r\n\r\n".to_vec())]
#[case::transfer_encoding_wins(
    "HTTP/1.1 200 OK",
    &["Content-Length: 3", "Transfer-Encoding: chunked"],
    chunked(b"abcdef", 2),
    b"abcdef".to_vec()
)]
#[case::no_content("HTTP/1.1 204 No Content", &["Content-Length: 10"], Vec::new(), Vec::new())]
#[case::binary_length("HTTP/1.1 200 OK", &["Content-Length: 1000"], binary_body(1000), binary_body(1000))]
#[case::binary_chunked(
    "HTTP/1.1 200 OK",
    &["Transfer-Encoding: chunked"],
    chunked(&binary_body(1000), 77),
    binary_body(1000)
)]
#[case::binary_close("HTTP/1.1 200 OK", &[], binary_body(1000), binary_body(1000))]
#[case::empty_reason("HTTP/1.1 200 ", &["Content-Length: 1"], b"x".to_vec(), b"x".to_vec())]
#[case::odd_spacing("HTTP/1.1 200 OK", &["X-A:b", "X-B: \t c d \t", "X-Empty:"], b"".to_vec(), b"".to_vec())]
fn responses_in_pieces(
    #[case] status: &str,
    #[case] headers: &[&str],
    #[case] wire_body: Vec<u8>,
    #[case] expected_body: Vec<u8>,
) {
    let data = response(status, headers, &wire_body);
    let theirs = httparse_head(&data).expect("httparse accepts the case");
    for sizes in SPLITS {
        let (head, body) = receive(&data, sizes)
            .unwrap_or_else(|e| panic!("pieces {sizes:?}: {e}"));
        assert_eq!(head, theirs, "head, pieces {sizes:?}");
        assert_eq!(body, expected_body, "body, pieces {sizes:?}");
    }
}

#[rstest]
#[case::closed_mid_head(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n".to_vec(), "before the empty line")]
#[case::nothing(Vec::new(), "without sending anything")]
#[case::bare_lf(b"HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\nx".to_vec(), "without \\r")]
#[case::status_no_code(b"HTTP/1.1 OK\r\n\r\n".to_vec(), "bad status line")]
#[case::status_two_spaces(b"HTTP/1.1  200 OK\r\n\r\n".to_vec(), "bad status line")]
#[case::http2(b"HTTP/2 200 OK\r\n\r\n".to_vec(), "bad status line")]
#[case::space_before_colon(b"HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx".to_vec(), "bad header line 2")]
#[case::folded(b"HTTP/1.1 200 OK\r\nA: b\r\n  c\r\n\r\n".to_vec(), "bad header line 3")]
#[case::nul_in_value(b"HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n".to_vec(), "control character")]
#[case::signed_length(response("HTTP/1.1 200 OK", &["Content-Length: -1"], b""), "bad Content-Length")]
#[case::hex_length(response("HTTP/1.1 200 OK", &["Content-Length: 0x10"], b""), "bad Content-Length")]
#[case::huge_length(response("HTTP/1.1 200 OK", &["Content-Length: 99999999999999999999"], b""), "bad Content-Length")]
#[case::disagreeing_lengths(response("HTTP/1.1 200 OK", &["Content-Length: 1, 2"], b"x"), "more than one Content-Length")]
#[case::repeated_equal_lengths(response("HTTP/1.1 200 OK", &["Content-Length: 4, 4"], b"four"), "more than one Content-Length")]
#[case::two_length_lines(response("HTTP/1.1 200 OK", &["Content-Length: 4", "content-length: 4"], b"four"), "more than one Content-Length")]
#[case::short_body(response("HTTP/1.1 200 OK", &["Content-Length: 10"], b"12345"), "after 5 of 10 bytes")]
#[case::bad_chunk_size(response("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"], b"xyz\r\n"), "bad chunk size line")]
#[case::chunk_size_too_long(response("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"], b"10000000000000000\r\n"), "more than 16 hex digits")]
#[case::chunk_without_crlf(response("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"], b"3\r\nabcd\r\n0\r\n\r\n"), "not followed by")]
#[case::chunk_bare_lf(response("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"], b"3\nabc\r\n0\r\n\r\n"), "does not end with")]
#[case::closed_mid_chunk(response("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"], b"3\r\nab"), "after 2 bytes of data")]
#[case::closed_before_last_chunk(response("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"], b"3\r\nabc\r\n"), "before the last")]
#[case::bad_trailer(response("HTTP/1.1 200 OK", &["Transfer-Encoding: chunked"], b"0\r\nnot a header\r\n\r\n"), "trailer")]
fn malformed_responses(#[case] data: Vec<u8>, #[case] expected: &str) {
    for sizes in SPLITS {
        match receive(&data, sizes) {
            Ok(result) => panic!("pieces {sizes:?}: accepted {result:?}"),
            Err(error) => {
                let message = error.to_string();
                assert!(
                    message.contains(expected),
                    "pieces {sizes:?}: {message}"
                );
                assert!(!message.contains('\n'), "one line: {message}");
            }
        }
    }
}

#[test]
fn head_over_the_limit_is_refused() {
    let mut data = b"HTTP/1.1 200 OK\r\n".to_vec();
    while data.len() < 70_000 {
        data.extend_from_slice(b"X-Filler: 0123456789\r\n");
    }
    data.extend_from_slice(b"\r\n");
    let limits = Limits::default();
    for sizes in [&[][..], &[1], &[8192]] {
        let result =
            read_head(&mut Stream::new(&data).in_pieces(sizes), &limits);
        assert!(
            matches!(result, Err(FetchError::HeadTooLarge { limit: 65536 })),
            "{sizes:?}: {result:?}"
        );
    }
}

#[test]
fn body_over_the_limit_is_refused() {
    let limits = Limits {
        max_body: 100,
        ..Limits::default()
    };
    let body = binary_body(101);
    let cases = [
        (Framing::ContentLength(101), body.clone()),
        (Framing::Chunked, chunked(&body, 30)),
        (Framing::UntilClose, body.clone()),
    ];
    for (framing, wire) in cases {
        for sizes in [&[][..], &[1]] {
            let result = read_body(
                &mut Stream::new(&wire).in_pieces(sizes),
                &[],
                framing,
                &mut Vec::new(),
                &limits,
            );
            let message = result.map_err(|e| e.to_string());
            assert_eq!(
                message,
                Err("the body is over 100 bytes, this client's limit"
                    .to_string()),
                "{framing:?} {sizes:?}"
            );
        }
    }
}

/// Chunk size lines from the rstest table: our parser and httparse's
/// agree on the size, or we are the stricter one.
#[rstest]
#[case(b"0\r\n", Some(0))]
#[case(b"1a\r\n", Some(26))]
#[case(b"FFFF\r\n", Some(0xffff))]
#[case(b"ffffffffffffffff\r\n", Some(u64::MAX))]
#[case(b"5 \t;a=b;c\r\n", Some(5))]
#[case(b"5;\"quoted\"\r\n", Some(5))]
#[case(b"00000000000000001\r\n", None)]
#[case(b"\r\n", None)] // httparse reads this as 0; the RFC wants a digit
#[case(b";ext\r\n", None)] // likewise
#[case(b"g\r\n", None)]
#[case(b"-1\r\n", None)]
#[case(b"1 2\r\n", None)]
#[case(b"1\n", None)]
#[case(b"1\r", None)]
fn chunk_size_lines(#[case] line: &[u8], #[case] expected: Option<u64>) {
    let ours = parse_chunk_size(line).ok();
    assert_eq!(ours, expected, "{line:?}");
    let theirs = match httparse::parse_chunk_size(line) {
        Ok(httparse::Status::Complete((len, size))) => Some((len, size)),
        _ => None,
    };
    if let Some(size) = ours {
        assert_eq!(theirs, Some((line.len(), size)), "{line:?}");
    }
}

// --- property tests -------------------------------------------------------

/// A well-formed response head's parts.
#[derive(Debug, Clone)]
struct Head {
    minor: u8,
    code: u16,
    reason: String,
    headers: Vec<(String, String)>,
}

fn head_strategy() -> impl Strategy<Value = Head> {
    let name = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}";
    let value = "[ \t]{0,2}([!-~]([ -~\t]{0,30}[!-~])?)?[ \t]{0,2}";
    (
        0u8..=1,
        100u16..=999,
        "[ -~\t]{0,20}",
        prop::collection::vec((name, value), 0..12),
    )
        .prop_map(|(minor, code, reason, headers)| Head {
            minor,
            code,
            reason,
            headers,
        })
        .prop_filter("names that frame the body are set below", |head| {
            head.headers.iter().all(|(name, _)| {
                !name.eq_ignore_ascii_case("content-length")
                    && !name.eq_ignore_ascii_case("transfer-encoding")
            })
        })
}

fn head_bytes(head: &Head, framing_line: Option<String>) -> Vec<u8> {
    let mut text =
        format!("HTTP/1.{} {} {}\r\n", head.minor, head.code, head.reason);
    for (name, value) in &head.headers {
        text.push_str(&format!("{name}:{value}\r\n"));
    }
    if let Some(line) = framing_line {
        text.push_str(&line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// Split sizes for a generated input: any sizes from 1 byte up.
fn sizes_strategy() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..64, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Generated responses, fed in random pieces: our head agrees with
    /// httparse's (length, version, status, reason, headers), and the
    /// body comes out byte for byte, whatever the framing.
    #[test]
    fn agrees_with_httparse(
        head in head_strategy(),
        body in prop::collection::vec(any::<u8>(), 0..600),
        chunk in 1usize..200,
        how in 0u8..3,
        sizes in sizes_strategy(),
    ) {
        // A 1xx, 204 or 304 status has no body, whatever the headers say.
        let bodiless = head.code < 200 || head.code == 204 || head.code == 304;
        let (line, wire) = match how {
            0 => (Some(format!("Content-Length: {}", body.len())), body.clone()),
            1 => (Some("Transfer-Encoding: chunked".to_string()), chunked(&body, chunk)),
            _ => (None, body.clone()),
        };
        let mut data = head_bytes(&head, line);
        data.extend_from_slice(&wire);
        let theirs = httparse_head(&data);
        prop_assert!(theirs.is_some(), "httparse refused {:?}", String::from_utf8_lossy(&data));
        let (ours, got) = receive(&data, &sizes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(Some(ours), theirs);
        if bodiless {
            prop_assert!(got.is_empty());
        } else {
            prop_assert_eq!(got, body);
        }
    }

    /// Any bytes at all, in any pieces: no panic, and whenever our
    /// parser accepts a head, httparse accepts it and reads the same.
    #[test]
    fn never_laxer_than_httparse(
        data in prop::collection::vec(
            prop::sample::select(b"HTTP/1.0 204OK:\r\n \tAa-Zz\x00\xff".to_vec()), 0..120),
        sizes in sizes_strategy(),
    ) {
        let limits = Limits::default();
        if let Ok((head_bytes, _)) = read_head(&mut Stream::new(&data).in_pieces(&sizes), &limits)
            && let Ok(head) = parse_head(&head_bytes)
        {
            prop_assert_eq!(Some(ours(head_bytes.len(), &head)), httparse_head(&data));
        }
    }

    /// Mutated valid responses: flip one byte anywhere; still no panic,
    /// and still never laxer than httparse.
    #[test]
    fn mutations_never_laxer(
        head in head_strategy(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        sizes in sizes_strategy(),
    ) {
        let mut data = head_bytes(&head, None);
        let at = at.index(data.len());
        data[at] = byte;
        let limits = Limits::default();
        if let Ok((head_bytes, _)) = read_head(&mut Stream::new(&data).in_pieces(&sizes), &limits)
            && let Ok(head) = parse_head(&head_bytes)
        {
            prop_assert_eq!(Some(ours(head_bytes.len(), &head)), httparse_head(&data));
        }
    }

    /// Well-formed chunk size lines: both parsers read the same size and
    /// the same line length.
    #[test]
    fn chunk_sizes_agree(
        digits in "[0-9a-fA-F]{1,16}",
        blanks in "[ \t]{0,3}",
        extension in prop::option::of(";[ -~\t]{0,20}"),
    ) {
        let line = format!("{digits}{blanks}{}\r\n", extension.unwrap_or_default());
        let ours = parse_chunk_size(line.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(ours, u64::from_str_radix(&digits, 16).unwrap_or(u64::MAX));
        let theirs = httparse::parse_chunk_size(line.as_bytes());
        prop_assert_eq!(theirs, Ok(httparse::Status::Complete((line.len(), ours))));
    }

    /// Any bytes as a chunk size line: whenever we accept, httparse
    /// accepts with the same size.
    #[test]
    fn chunk_sizes_never_laxer(line in prop::collection::vec(
        prop::sample::select(b"0123456789abcdefABCDEFxyz; \t=\r\n".to_vec()), 0..24)
    ) {
        if let Ok(size) = parse_chunk_size(&line) {
            let theirs = httparse::parse_chunk_size(&line);
            prop_assert_eq!(theirs, Ok(httparse::Status::Complete((line.len(), size))));
        }
    }
}

// --- the bounded fuzz run and its corpus (tests/corpus/*) ---------------

use testkit::fuzz;

use lessons::lesson02::body::{ChunkedDecoder, parse_content_length};
use lessons::lesson02::head::find_head_end;

/// A response, read whole and one byte at a time: the same outcome,
/// body or error message. If our head parser accepts, httparse accepts
/// and reads the same head.
fn check_response(data: &[u8]) -> Result<(), TestCaseError> {
    let whole = receive(data, &[]).map_err(|e| e.to_string());
    let bytewise = receive(data, &[1]).map_err(|e| e.to_string());
    prop_assert_eq!(&whole, &bytewise, "{:?}", String::from_utf8_lossy(data));
    let limits = Limits::default();
    if let Ok((head_bytes, _)) = read_head(&mut Stream::new(data), &limits)
        && let Ok(head) = parse_head(&head_bytes)
    {
        let theirs = httparse_head(data);
        prop_assert_eq!(Some(ours(head_bytes.len(), &head)), theirs);
    }
    Ok(())
}

/// What a chunked decoder makes of `data` fed in pieces of `sizes`: the
/// data it wrote, and (done, bytes used) or the error.
type Decoded = (Vec<u8>, Result<(bool, usize), String>);

fn decode(data: &[u8], sizes: &[usize]) -> Decoded {
    let mut decoder = ChunkedDecoder::new(1 << 20);
    let mut out = Vec::new();
    let mut conn = Stream::new(data).in_pieces(sizes);
    let mut piece = vec![0u8; data.len().max(1)];
    let mut used = 0;
    loop {
        let n = std::io::Read::read(&mut conn, &mut piece).unwrap_or(0);
        if n == 0 || decoder.is_done() {
            return (out, Ok((decoder.is_done(), used)));
        }
        match decoder.feed(&piece[..n], &mut out) {
            Ok(m) => used += m,
            Err(e) => return (out, Err(e.to_string())),
        }
    }
}

/// A chunked body decodes the same whole, one byte at a time, and in
/// the given pieces.
fn check_chunked(data: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
    let whole = decode(data, &[]);
    prop_assert_eq!(&decode(data, &[1]), &whole, "one byte at a time");
    prop_assert_eq!(&decode(data, sizes), &whole, "in pieces {:?}", sizes);
    Ok(())
}

/// Whenever we accept a chunk size line, httparse reads the same size
/// and line length.
fn check_chunk_size(line: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(size) = parse_chunk_size(line) {
        let theirs = httparse::parse_chunk_size(line);
        prop_assert_eq!(
            theirs,
            Ok(httparse::Status::Complete((line.len(), size)))
        );
    }
    Ok(())
}

/// Content-Length against std: ASCII digits only, then `str::parse`.
fn check_content_length(value: &[u8]) -> Result<(), TestCaseError> {
    let std = std::str::from_utf8(value)
        .ok()
        .filter(|text| text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse::<u64>().ok());
    prop_assert_eq!(parse_content_length(value), std, "{:?}", value);
    Ok(())
}

/// Runs `check` on every corpus file of `parser`, naming the file on
/// failure.
fn replay(parser: &str, check: impl Fn(&[u8]) -> Result<(), TestCaseError>) {
    for (name, bytes) in fuzz::corpus(parser) {
        if let Err(error) = check(&bytes) {
            panic!("tests/corpus/{parser}/{name}: {error}");
        }
    }
}

#[test]
fn corpus_responses() {
    replay("lesson02_response_head", check_response);
    // The corpus holds at least one valid head and one without an end.
    let ends: Vec<bool> = fuzz::corpus("lesson02_response_head")
        .iter()
        .map(|(_, bytes)| find_head_end(bytes, 0).is_some())
        .collect();
    assert!(ends.contains(&true) && ends.contains(&false));
}

#[test]
fn corpus_chunked_bodies() {
    replay("lesson02_chunked_body", |data| {
        check_chunked(data, &[3, 1, 4])
    });
    let (out, ended) = decode(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", &[1]);
    assert_eq!(
        (out.as_slice(), ended),
        (&b"hello world"[..], Ok((true, 26)))
    );
}

#[test]
fn corpus_chunk_sizes() {
    replay("lesson02_chunk_size", check_chunk_size);
}

#[test]
fn corpus_content_lengths() {
    replay("lesson02_content_length", check_content_length);
}

proptest! {
    #![proptest_config(fuzz::config())]

    #[test]
    fn fuzz_mutated_responses(data in fuzz::mutated_corpus("lesson02_response_head")) {
        check_response(&data)?;
    }

    #[test]
    fn fuzz_mutated_chunked_bodies(
        data in fuzz::mutated_corpus("lesson02_chunked_body"),
        sizes in sizes_strategy(),
    ) {
        check_chunked(&data, &sizes)?;
    }

    #[test]
    fn fuzz_mutated_chunk_sizes(line in fuzz::mutated_corpus("lesson02_chunk_size")) {
        check_chunk_size(&line)?;
    }

    #[test]
    fn fuzz_mutated_content_lengths(value in fuzz::mutated_corpus("lesson02_content_length")) {
        check_content_length(&value)?;
    }
}
