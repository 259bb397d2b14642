//! Exercises for chapter 2: a TCP client, raw HTTP GET.
//!
//! Check them with: cargo test -p exercises --test lesson02

use std::io::{self, Write};

// ANCHOR: request_http10
/// Exercise 2.1 ★: Build an HTTP/1.0 GET request with extra headers.
///
/// Return the request line `GET {path} HTTP/1.0`, then `Host: {host}`,
/// then one `Name: value` line for each of `headers` in the order given,
/// then the empty line, every line ended by `\r\n`:
///
/// ```text
/// request_http10("example.com", "/", &[("Accept", "*/*")])
///   == Ok(b"GET / HTTP/1.0\r\nHost: example.com\r\nAccept: */*\r\n\r\n")
/// ```
///
/// Return `Err` (a one-line reason) instead when:
/// - `host` is empty or holds anything but visible ASCII (`!` to `~`);
/// - `path` does not start with `/`, or holds anything but visible ASCII
///   (a space would end the path early);
/// - a header name is empty or not a token: letters, digits and
///   ``!#$%&'*+-.^_`|~`` only;
/// - a header is named `Host` in any case (there is one already);
/// - a value holds an ASCII control character other than tab: a `\r\n`
///   in a value would start a header line of its own.
pub fn request_http10(
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Vec<u8>, String> {
    todo!(
        "Exercise 2.1: build the HTTP/1.0 request for host {host:?}, path \
         {path:?}, headers {headers:?}"
    )
}
// ANCHOR_END: request_http10

// ANCHOR: content_length_list
/// Exercise 2.2 ★★: Accept a Content-Length list such as "42, 42".
///
/// A proxy that joins two `Content-Length` lines into one sends
/// `Content-Length: 42, 42`. Return the length `value` gives, or `Err`
/// (a one-line reason):
///
/// - the elements are separated by commas; spaces and tabs around an
///   element are allowed (`"42 ,\t42"`), and no other whitespace;
/// - each element is one or more ASCII digits `0`-`9` and nothing else:
///   no sign, no space inside, no `0x`, no other script's digits;
/// - each fits in a `u64`;
/// - an empty element (`"42,"`, `",42"`, `"42,,42"`, `""`) is an error;
/// - elements that differ as numbers are an error: `"42, 43"` is, but
///   `"042, 42"` is 42.
pub fn content_length_list(value: &str) -> Result<u64, String> {
    todo!("Exercise 2.2: parse the Content-Length value {value:?}")
}
// ANCHOR_END: content_length_list

// ANCHOR: body_framing
/// How the body of a response ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// There is no body: the response ends with its head.
    NoBody,
    /// Exactly this many bytes follow the head.
    Length(u64),
    /// Chunks follow; a chunk of size 0 ends them.
    Chunked,
    /// The body ends when the server closes the connection.
    UntilClose,
}

/// Exercise 2.3 ★★: Decide which body follows a response.
///
/// `method` is the request's method (`"GET"`, `"HEAD"`: methods are
/// case-sensitive), `status` the status code as it stands in the status
/// line, and `headers` the response's headers as `(name, value)` pairs
/// in order. Decide, in this order (RFC 9112 section 6.3):
///
/// 1. `status` must be exactly three ASCII digits, from 100 to 599:
///    `"+20"`, `"20"`, `"0200"`, `" 200"` and `"600"` are errors.
/// 2. No body after a `HEAD` request (whatever the headers say), nor
///    after a 1xx, 204 or 304 status.
/// 3. If any header is named `Transfer-Encoding` (names ignore ASCII
///    case): its codings are the comma-separated elements of all its
///    values, in order, trimmed of spaces and tabs, empty ones skipped.
///    It is an error if a `Content-Length` is there as well (the two
///    could disagree about the end: a smuggling attempt), if there is no
///    coding at all, or if `chunked` (in any case) comes more than once.
///    If the last coding is `chunked`, the body is chunked; otherwise
///    it ends when the server closes.
/// 4. Otherwise every `Content-Length` header's value follows the rules
///    of Exercise 2.2 (you may call your `content_length_list`), and all
///    of them must agree: that is the body's length.
/// 5. Otherwise the body ends when the server closes.
pub fn body_framing(
    method: &str,
    status: &str,
    headers: &[(&str, &str)],
) -> Result<Framing, String> {
    todo!(
        "Exercise 2.3: decide the framing after method {method:?}, status \
         {status:?}, headers {headers:?}"
    )
}
// ANCHOR_END: body_framing

// ANCHOR: parse_chunk_line
/// A chunk size line: the size, and its extensions in order, each a
/// name and an optional value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkLine {
    pub size: u64,
    pub extensions: Vec<(String, Option<String>)>,
}

/// Exercise 2.4 ★★: Parse a chunk size line with its extensions.
///
/// Parse `line`, a chunk size line without its `\r\n`, strictly by the
/// grammar of RFC 9112 section 7.1.1:
///
/// - first the size: 1 to 16 hex digits (either case, leading zeros
///   count), with nothing before them: `"+5"`, `" 5"`, `"0x5"` and
///   `"00000000000000005"` (17 digits) are errors;
/// - then zero or more extensions, each: optional spaces or tabs, `;`,
///   optional spaces or tabs, a name (a token: letters, digits and
///   ``!#$%&'*+-.^_`|~``), and optionally: spaces or tabs, `=`, spaces
///   or tabs, and a value;
/// - a value is a token, or a quoted string: `"` ... `"`, holding
///   spaces, tabs and visible ASCII (the grammar also allows bytes
///   0x80-0xFF; refuse them here), where `\` takes the next character
///   (a space, tab or visible ASCII) as it is: `"a\"b"` is `a"b`.
///   Return it without its quotes and backslashes;
/// - nothing else: blanks after the size without a `;` (`"5 "`), an
///   empty name (`"5;"`), a missing value (`"5;a="`) or an unfinished
///   quote are errors (a one-line reason).
///
/// `5;name=value;flag` gives size 5, extensions
/// `[("name", Some("value")), ("flag", None)]`.
pub fn parse_chunk_line(line: &[u8]) -> Result<ChunkLine, String> {
    let text = String::from_utf8_lossy(line);
    todo!("Exercise 2.4: parse the chunk size line {text:?}")
}
// ANCHOR_END: parse_chunk_line

// ANCHOR: chunked_writer
/// Exercise 2.5 ★★: Send a body in chunks, as a server does.
///
/// A `ChunkedWriter` wraps a writer (a socket, say) and sends what is
/// written to it as a chunked body:
///
/// - each `write` of `n > 0` bytes sends one chunk: `n` in lowercase hex
///   with no leading zeros, `\r\n`, the `n` bytes, `\r\n`; and returns
///   `Ok(n)` once all of it is written;
/// - a `write` of nothing sends nothing and returns `Ok(0)` (a chunk of
///   size 0 would end the body);
/// - `finish` sends the last chunk and the end of the (empty) trailer,
///   `0\r\n\r\n`, flushes, and gives the inner writer back;
/// - the inner writer may take only part of what you hand it, or fail
///   with `Interrupted` (try again): lose or repeat no byte. Any other
///   error goes back to the caller.
///
/// `write(b"hello")`, `write(b" world")`, `finish()` send
/// `5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`.
pub struct ChunkedWriter<W: Write> {
    // Add fields if you need more.
    #[allow(dead_code)] // until your code uses it
    inner: W,
}

impl<W: Write> ChunkedWriter<W> {
    pub fn new(inner: W) -> Self {
        todo!("Exercise 2.5: create a ChunkedWriter around its writer")
    }

    /// Ends the body: the last chunk, the empty line, a flush.
    pub fn finish(self) -> io::Result<W> {
        todo!("Exercise 2.5: end the chunked body with 0\\r\\n\\r\\n")
    }
}

impl<W: Write> Write for ChunkedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        todo!("Exercise 2.5: send {text:?} as one chunk")
    }

    fn flush(&mut self) -> io::Result<()> {
        todo!("Exercise 2.5: flush the inner writer")
    }
}
// ANCHOR_END: chunked_writer

// ANCHOR: head_finder
/// Exercise 2.6 ★★★: Find the end of the head from the new bytes only.
///
/// A `HeadFinder` is handed each read's new bytes, and only those: it
/// never sees earlier ones again. `feed(piece)` returns:
///
/// - `Ok(Some(n))` when the head's end `\r\n\r\n` ends inside `piece`,
///   `n` bytes into it: `piece[..n]` is the last of the head and
///   `piece[n..]` is the start of the body;
/// - `Ok(None)` when the end has not come yet (an empty piece changes
///   nothing);
/// - `Err` (a one-line reason) when a piece holds a byte past the first
///   `limit` bytes of the stream and the end has not come by then: a
///   head may be at most `limit` bytes, `\r\n\r\n` included.
///
/// The four bytes may be split over two, three or four pieces, and
/// false starts such as `\r\n\r\r\n\r\n` (the end is at 7) must not
/// make you miss the real end. Once `feed` has returned `Some` or `Err`,
/// the finder is not fed again.
pub struct HeadFinder {
    // Add the fields you need.
}

impl HeadFinder {
    pub fn new(limit: usize) -> Self {
        todo!(
            "Exercise 2.6: create a HeadFinder for heads of at most {limit} bytes"
        )
    }

    pub fn feed(&mut self, piece: &[u8]) -> Result<Option<usize>, String> {
        let text = String::from_utf8_lossy(piece);
        todo!(
            "Exercise 2.6: look for the end of the head in the new bytes {text:?}"
        )
    }
}
// ANCHOR_END: head_finder
