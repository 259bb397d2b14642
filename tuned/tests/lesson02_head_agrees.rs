//! The tuned head parser gives exactly the plain one's answers: where the
//! head ends (searched whole, a byte at a time, or in pieces), and what
//! it holds, or the same error, on every input.

use testkit::fuzz;

use lessons::lesson02::head as plain;
use proptest::prelude::*;
use tuned::lesson02_head as tuned;

/// What a parse found, in a form both parsers' results convert to.
type Parsed = (u8, u16, Vec<u8>, Vec<(String, Vec<u8>)>);

fn from_plain(head: &plain::ResponseHead) -> Parsed {
    let headers = head.headers();
    (
        head.status.minor_version,
        head.status.code,
        head.reason().to_vec(),
        headers.map(|(n, v)| (n.to_string(), v.to_vec())).collect(),
    )
}

fn from_tuned(head: &tuned::ResponseHead) -> Parsed {
    let headers = head.headers();
    (
        head.status.minor_version,
        head.status.code,
        head.reason().to_vec(),
        headers.map(|(n, v)| (n.to_string(), v.to_vec())).collect(),
    )
}

/// Where `find` says the head ends when `data` arrives in pieces of
/// `sizes` (cycled; 1 is a byte at a time), searching after each piece
/// from where the last search stopped, as the client does.
fn found_in_pieces(
    find: fn(&[u8], usize) -> Option<usize>,
    data: &[u8],
    sizes: &[usize],
) -> Option<usize> {
    let (mut received, mut searched) = (0, 0);
    for &size in sizes.iter().cycle() {
        if received == data.len() {
            return None;
        }
        received = (received + size.max(1)).min(data.len());
        if let Some(end) = find(&data[..received], searched) {
            return Some(end);
        }
        searched = received;
    }
    None
}

/// Both parsers on `data`: the head end, searched whole, from every
/// starting point, a byte at a time and in `sizes`; then the head (up to
/// that end, or all of `data` if there is none) parsed.
fn agree(data: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
    let whole = plain::find_head_end(data, 0);
    for searched in 0..=data.len() + 4 {
        prop_assert_eq!(
            tuned::find_head_end(data, searched),
            plain::find_head_end(data, searched),
            "searched {} of {:?}",
            searched,
            data
        );
    }
    for sizes in [&[1][..], sizes] {
        let plain_end = found_in_pieces(plain::find_head_end, data, sizes);
        let tuned_end = found_in_pieces(tuned::find_head_end, data, sizes);
        prop_assert_eq!(plain_end, whole, "plain, pieces {:?}", sizes);
        prop_assert_eq!(tuned_end, whole, "tuned, pieces {:?}", sizes);
    }
    let head = &data[..whole.unwrap_or(data.len())];
    let plain = plain::parse_head(head).map(|head| from_plain(&head));
    let tuned = tuned::parse_head(head).map(|head| from_tuned(&head));
    prop_assert_eq!(tuned, plain, "head {:?}", String::from_utf8_lossy(head));
    Ok(())
}

#[test]
fn the_corpus() {
    for (name, bytes) in fuzz::corpus("lesson02_response_head") {
        for sizes in [&[1][..], &[2, 3], &[7], &[1000]] {
            if let Err(error) = agree(&bytes, sizes) {
                panic!("tests/corpus/lesson02_response_head/{name}: {error}");
            }
        }
    }
}

#[test]
fn the_token_table_is_the_token_rule() {
    for byte in 0..=255u8 {
        let entry = tuned::TOKEN[usize::from(byte)];
        assert_eq!(entry, plain::is_token_char(byte), "byte {byte:#04x}");
    }
}

/// One header line, as a server might send it or get it wrong.
fn header_line() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        4 => "[A-Za-z][A-Za-z0-9-]{0,12}",
        1 => "[ -~\t]{0,6}",
    ];
    let value = prop_oneof![
        4 => "[ \t]{0,2}[ -~]{0,24}[ \t]{0,2}",
        1 => prop::collection::vec(any::<u8>(), 0..8)
            .prop_map(|v| String::from_utf8_lossy(&v).into_owned()),
    ];
    let end = prop_oneof![
        8 => Just("\r\n"),
        1 => Just("\n"),
        1 => Just("\r\r\n"),
    ];
    let colon = prop_oneof![8 => Just(":"), 1 => Just(""), 1 => Just(" :")];
    (name, colon, value, end)
        .prop_map(|(n, c, v, e)| format!("{n}{c}{v}{e}").into_bytes())
}

/// A whole response: a status line (mostly right), header lines, the
/// empty line, and sometimes a body.
fn response() -> impl Strategy<Value = Vec<u8>> {
    let status = prop_oneof![
        6 => "HTTP/1\\.[01] [1-5][0-9]{2}( [ -~]{0,12})?\r\n",
        1 => "[ -~]{0,20}(\r\n|\n)",
    ];
    let headers = prop::collection::vec(header_line(), 0..12);
    let body = prop::collection::vec(any::<u8>(), 0..8);
    (status, headers, body).prop_map(|(status, headers, body)| {
        let mut data = status.into_bytes();
        headers.iter().for_each(|line| data.extend_from_slice(line));
        data.extend_from_slice(b"\r\n");
        data.extend_from_slice(&body);
        data
    })
}

/// How a socket might cut the bytes: pieces of 1 to 40 bytes.
fn pieces() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..40, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_responses(data in response(), sizes in pieces()) {
        agree(&data, &sizes)?;
    }

    /// Bytes from a small alphabet, so `\r` and `\n` meet often, in
    /// every order, at every distance.
    #[test]
    fn line_end_soup(
        data in prop::collection::vec(
            prop::sample::select(b"\r\n\r\nHa: \t\x7f".to_vec()),
            0..80,
        ),
        sizes in pieces(),
    ) {
        agree(&data, &sizes)?;
    }

    /// The corpus with a few bytes changed.
    #[test]
    fn mutated_corpus(
        data in fuzz::mutated_corpus("lesson02_response_head"),
        sizes in pieces(),
    ) {
        agree(&data, &sizes)?;
    }
}
