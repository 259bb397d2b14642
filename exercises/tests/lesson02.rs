// Checks for the lesson02 exercises (chapter 2).
//
//     cargo test -p exercises --test lesson02
//
// Each test is one exercise. A failing test names the exercise, the input
// it tried and what it wanted. Whatever arrives over a socket is fed to
// your code twice: whole, and one byte at a time, the way TCP may hand it
// over.

use exercises::lesson02::{
    ChunkedDecoder, StatusLine, build_request, find_header_end,
    parse_content_length, parse_status_line,
};

#[test]
fn ex2_1_build_request() {
    let cases: [(&str, &str, &[u8]); 3] = [
        (
            "example.com",
            "/",
            b"GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
        ),
        (
            "www.sina.com.cn",
            "/index.html",
            b"GET /index.html HTTP/1.1\r\nHost: www.sina.com.cn\r\nConnection: close\r\n\r\n",
        ),
        (
            "127.0.0.1:8080",
            "/search?q=tcp",
            b"GET /search?q=tcp HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n",
        ),
    ];
    for (host, path, expected) in cases {
        let got = build_request(host, path);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected),
            "Exercise 2.1: build_request({host:?}, {path:?})"
        );
    }
}

#[test]
fn ex2_2_find_header_end() {
    let cases: [(&[u8], Option<usize>); 9] = [
        (b"HTTP/1.1 200 OK\r\n\r\n", Some(19)),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", Some(38)),
        (b"\r\n\r\n", Some(4)),
        (b"a\r\n\r\nb\r\n\r\n", Some(5)),
        (b"HTTP/1.1 200 OK\r\n", None),
        (b"HTTP/1.1 200 OK\r\n\r", None),
        (b"HTTP/1.1 200 OK\n\n", None),
        (b"\r\r\n\n\r\n\r\r\n\r", None),
        (b"", None),
    ];
    for (buf, expected) in cases {
        assert_eq!(
            find_header_end(buf, 0),
            expected,
            "Exercise 2.2: find_header_end({:?}, 0)",
            String::from_utf8_lossy(buf)
        );
        // One byte per read: search after each byte, as a client would,
        // and stop at the first answer.
        let mut received = Vec::new();
        let mut found = None;
        for &byte in buf {
            let searched = received.len();
            received.push(byte);
            found = find_header_end(&received, searched);
            if found.is_some() {
                break;
            }
        }
        assert_eq!(
            found,
            expected,
            "Exercise 2.2: find_header_end on {:?} arriving one byte at a time",
            String::from_utf8_lossy(buf)
        );
    }
    // Two reads, split at every place.
    let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody\r\n\r\n";
    for split in 0..=head.len() {
        let found = find_header_end(&head[..split], 0)
            .or_else(|| find_header_end(head, split));
        assert_eq!(
            found,
            Some(25),
            "Exercise 2.2: find_header_end with the head split after byte {split}"
        );
    }
}

#[test]
fn ex2_3_parse_status_line() {
    let line = |minor_version, code, reason: &str| {
        Some(StatusLine {
            minor_version,
            code,
            reason: reason.to_string(),
        })
    };
    let cases = [
        ("HTTP/1.1 200 OK", line(1, 200, "OK")),
        ("HTTP/1.0 404 Not Found", line(0, 404, "Not Found")),
        (
            "HTTP/1.1 500 Internal Server Error",
            line(1, 500, "Internal Server Error"),
        ),
        ("HTTP/1.1 200", line(1, 200, "")),
        ("HTTP/1.1 200 ", line(1, 200, "")),
        (
            "HTTP/1.1 301 Moved\tPermanently",
            line(1, 301, "Moved\tPermanently"),
        ),
        ("HTTP/1.1 204 No  Content ", line(1, 204, "No  Content ")),
        ("HTTP/1.1 418 I'm a teapot", line(1, 418, "I'm a teapot")),
        ("HTTP/1.2 200 OK", None),
        ("HTTP/2 200 OK", None),
        ("HTTP/2.0 200 OK", None),
        ("http/1.1 200 OK", None),
        ("HTTP/1.1  200 OK", None),
        ("HTTP/1.1 20 OK", None),
        ("HTTP/1.1 2000 OK", None),
        ("HTTP/1.1 200OK", None),
        ("HTTP/1.1 2x0 OK", None),
        ("HTTP/1.1 OK", None),
        ("HTTP/1.1 -20 OK", None),
        ("HTTP/1.1 200 OK\r", None),
        ("HTTP/1.1 200 O\0K", None),
        (" HTTP/1.1 200 OK", None),
        ("HTTP/1.1", None),
        ("", None),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_status_line(input),
            expected,
            "Exercise 2.3: parse_status_line({input:?})"
        );
    }
}

#[test]
fn ex2_4_parse_content_length() {
    let cases = [
        ("0", Some(0)),
        ("42", Some(42)),
        ("007", Some(7)),
        ("1048576", Some(1_048_576)),
        ("18446744073709551615", Some(u64::MAX)),
        ("18446744073709551616", None),
        ("99999999999999999999999", None),
        ("", None),
        ("+42", None),
        ("-1", None),
        (" 42", None),
        ("42 ", None),
        ("4 2", None),
        ("0x10", None),
        ("1e3", None),
        ("4.0", None),
        ("42,42", None),
        ("٤٢", None),
        ("forty-two", None),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_content_length(input),
            expected,
            "Exercise 2.4: parse_content_length({input:?})"
        );
    }
    for n in (0..64).map(|shift| (1u64 << shift) - 1) {
        let text = n.to_string();
        assert_eq!(
            parse_content_length(&text),
            Some(n),
            "Exercise 2.4: parse_content_length({text:?})"
        );
    }
}

/// Feeds `input` to a new decoder in pieces of `size` bytes and returns
/// the data, whether it finished, or the first error.
fn decode(input: &[u8], size: usize) -> Result<(Vec<u8>, bool), String> {
    let mut decoder = ChunkedDecoder::new();
    let mut out = Vec::new();
    let mut done = false;
    for piece in input.chunks(size) {
        done = decoder.feed(piece, &mut out)?;
    }
    Ok((out, done))
}

#[test]
fn ex2_5_chunked_decoder() {
    let binary: Vec<u8> = (0..=255).collect();
    let mut binary_body = b"100\r\n".to_vec();
    binary_body.extend_from_slice(&binary);
    binary_body.extend_from_slice(b"\r\n0\r\n\r\n");

    let complete: [(&[u8], &[u8]); 8] = [
        (b"5\r\nhello\r\n0\r\n\r\n", b"hello"),
        (
            b"5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n",
            b"hello world",
        ),
        (
            b"A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n",
            b"0123456789abcdefghij",
        ),
        (b"0\r\n\r\n", b""),
        (b"4\r\n\r\n\r\n\r\n0\r\n\r\n", b"\r\n\r\n"),
        (
            b"3\r\nabc\r\n0\r\nExpires: never\r\nX-Checksum: 42\r\n\r\n",
            b"abc",
        ),
        (b"00003\r\nabc\r\n000\r\n\r\n", b"abc"),
        (b"2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n", b"ok"),
    ];
    let binary_case = [(&binary_body[..], &binary[..])];
    for (input, expected) in complete.iter().chain(&binary_case) {
        for size in [input.len(), 1, 2, 5] {
            let got = decode(input, size.max(1));
            assert_eq!(
                got,
                Ok((expected.to_vec(), true)),
                "Exercise 2.5: decoding {:?} in pieces of {size} bytes",
                String::from_utf8_lossy(input)
            );
        }
    }

    // Not finished yet: no error, but not done either.
    let unfinished: [(&[u8], &[u8]); 4] = [
        (b"5\r\nhel", b"hel"),
        (b"5\r\nhello\r\n", b"hello"),
        (b"5\r\nhello\r\n0\r\n", b"hello"),
        (b"5\r\nhello\r\n0\r\nX: y\r\n", b"hello"),
    ];
    for (input, expected) in unfinished {
        for size in [input.len(), 1] {
            assert_eq!(
                decode(input, size),
                Ok((expected.to_vec(), false)),
                "Exercise 2.5: {:?} in pieces of {size} is not finished yet",
                String::from_utf8_lossy(input)
            );
        }
    }

    let malformed: [&[u8]; 8] = [
        b"zz\r\nhello\r\n0\r\n\r\n",
        b"\r\nhello\r\n0\r\n\r\n",
        b";ext\r\nhello\r\n0\r\n\r\n",
        b"-5\r\nhello\r\n0\r\n\r\n",
        b"5\r\nhelloX\r\n0\r\n\r\n",
        b"3\r\nhello\r\n0\r\n\r\n",
        b"12345678901234567\r\nx\r\n0\r\n\r\n",
        b"5 x\r\nhello\r\n0\r\n\r\n",
    ];
    for input in malformed {
        for size in [input.len(), 1] {
            assert!(
                decode(input, size).is_err(),
                "Exercise 2.5: {:?} in pieces of {size} should be an error",
                String::from_utf8_lossy(input)
            );
        }
    }
}
