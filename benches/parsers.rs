//! `cargo bench --bench parsers`: the lessons' plain parsers, their tuned
//! variants (the `tuned` crate), and the standard library's (addresses)
//! or the httparse crate's (HTTP heads), on the same inputs.
//!
//! Each measurement parses a fixed corpus once; the runs of the parsers
//! compared alternate, and the table shows the median of each and how it
//! compares with the reference.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use lessons::lesson01::{ipv4, ipv6};
use lessons::lesson02::head;
use testkit::bench::{
    interleaved_medians, machine_note, print_table, quick, ratio,
};
use tuned::{lesson01_ipv4, lesson02_head};

/// A deterministic corpus of `count` values (xorshift), so every run and
/// every machine parses the same texts.
fn corpus<T>(count: usize, make: impl Fn(u64) -> T) -> Vec<T> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            make(x)
        })
        .collect()
}

fn count_ok<T, E>(results: impl Iterator<Item = Result<T, E>>) -> usize {
    results.filter(|result| result.is_ok()).count()
}

/// A response head such as a real server sends: a status line and
/// six to twelve headers of the usual kinds.
fn response_head(x: u64) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} OK\r\n\
         Date: Thu, 26 Nov 2026 21:{:02}:{:02} GMT\r\n\
         Server: workbook/{}.{}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\n",
        200 + x % 8,
        x % 60,
        (x >> 8) % 60,
        x % 3,
        x % 10,
        x % 100_000
    );
    let extra = [
        "Cache-Control: max-age=3600, public",
        "ETag: \"5f2a-4c1e9b7d\"",
        "Last-Modified: Wed, 25 Nov 2026 10:00:00 GMT",
        "Vary: Accept-Encoding",
        "X-Frame-Options: SAMEORIGIN",
        "Connection: keep-alive",
        "Set-Cookie: session=4f1e; Path=/; HttpOnly",
    ];
    for line in extra.iter().take(1 + (x >> 16) as usize % extra.len()) {
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// ns per item from the time for a whole corpus.
fn per_item(time: Duration, items: usize) -> f64 {
    time.as_nanos() as f64 / items as f64
}

/// One row of the table: ns per item for plain, tuned (if there is a
/// tuned variant) and the reference, and how plain and tuned compare
/// with the reference.
fn row(
    what: &str,
    n: usize,
    times: &[Duration],
    reference: &str,
) -> Vec<String> {
    let ns: Vec<f64> = times.iter().map(|&time| per_item(time, n)).collect();
    let (plain, theirs) = (ns[0], ns[ns.len() - 1]);
    let tuned = (ns.len() == 3).then(|| ns[1]);
    vec![
        what.to_string(),
        format!("{plain:.0} ns"),
        tuned.map_or("-".to_string(), |t| format!("{t:.0} ns")),
        format!("{theirs:.0} ns ({reference})"),
        ratio(plain, theirs),
        tuned.map_or("-".to_string(), |t| ratio(t, theirs)),
    ]
}

fn main() {
    let (runs, items) = if quick() { (5, 20_000) } else { (15, 100_000) };
    let ipv4: Vec<String> =
        corpus(items, |x| Ipv4Addr::from(x as u32).to_string());
    let ipv6: Vec<String> = corpus(items, |x| {
        // Zero some groups so that `::` appears as often as in real life.
        let value = (u128::from(x) << 64 | u128::from(x.rotate_left(17)))
            & !(0xffff_ffffu128 << 32);
        Ipv6Addr::from(value).to_string()
    });
    let heads: Vec<Vec<u8>> = corpus(items / 10, response_head);

    println!("parsers: {}", machine_note());
    println!(
        "median of {runs} interleaved runs; each run parses the whole corpus\n"
    );
    let mut rows = Vec::new();

    let times = interleaved_medians(
        runs,
        &mut [
            &mut || count_ok(ipv4.iter().map(|text| ipv4::parse_ipv4(text))),
            &mut || {
                count_ok(
                    ipv4.iter().map(|text| lesson01_ipv4::parse_ipv4(text)),
                )
            },
            &mut || count_ok(ipv4.iter().map(|text| text.parse::<Ipv4Addr>())),
        ],
    );
    rows.push(row(
        "IPv4 address (lesson01)",
        ipv4.len(),
        &times,
        "std::net",
    ));

    let times = interleaved_medians(
        runs,
        &mut [
            &mut || count_ok(ipv6.iter().map(|text| ipv6::parse_ipv6(text))),
            &mut || count_ok(ipv6.iter().map(|text| text.parse::<Ipv6Addr>())),
        ],
    );
    rows.push(row(
        "IPv6 address (lesson01)",
        ipv6.len(),
        &times,
        "std::net",
    ));

    // Each finds the end of the head and parses every line, the way the
    // client does. The plain parser copies every name and value into a
    // `String` and a `Vec`; the tuned one keeps one copy of the head and
    // where each piece lies in it. httparse only points into the
    // caller's buffer and allocates nothing.
    let plain_http = || {
        heads
            .iter()
            .filter(|bytes| {
                let end = head::find_head_end(bytes, 0).unwrap_or(bytes.len());
                head::parse_head(&bytes[..end]).is_ok()
            })
            .count()
    };
    let tuned_http = || {
        heads
            .iter()
            .filter(|bytes| {
                let end = lesson02_head::find_head_end(bytes, 0)
                    .unwrap_or(bytes.len());
                lesson02_head::parse_head(&bytes[..end]).is_ok()
            })
            .count()
    };
    let httparse_http = || {
        heads
            .iter()
            .filter(|head| {
                let mut headers = [httparse::EMPTY_HEADER; 32];
                let mut response = httparse::Response::new(&mut headers);
                matches!(
                    response.parse(head),
                    Ok(httparse::Status::Complete(_))
                )
            })
            .count()
    };
    // For context: httparse, then one copy of the head, as the tuned
    // parser makes (it also allocates its list of positions).
    let httparse_copy = || {
        heads
            .iter()
            .filter_map(|head| {
                let mut headers = [httparse::EMPTY_HEADER; 32];
                let mut response = httparse::Response::new(&mut headers);
                match response.parse(head).ok()? {
                    httparse::Status::Complete(len) => {
                        Some(Box::<[u8]>::from(&head[..len]))
                    }
                    httparse::Status::Partial => None,
                }
            })
            .count()
    };
    assert_eq!(plain_http(), heads.len(), "the plain parser refused a head");
    assert_eq!(tuned_http(), heads.len(), "the tuned parser refused a head");
    assert_eq!(httparse_copy(), heads.len(), "httparse refused a head");
    assert_eq!(httparse_http(), heads.len(), "httparse refused a head");
    let name = "HTTP response head (lesson02)";
    let times = interleaved_medians(
        runs,
        &mut [&mut { plain_http }, &mut { tuned_http }, &mut {
            httparse_http
        }],
    );
    rows.push(row(name, heads.len(), &times, "httparse"));
    let times = interleaved_medians(
        runs,
        &mut [&mut { plain_http }, &mut { tuned_http }, &mut {
            httparse_copy
        }],
    );
    rows.push(row(name, heads.len(), &times, "httparse + one copy"));

    print_table(
        &[
            "parser",
            "plain",
            "tuned",
            "reference",
            "plain vs reference",
            "tuned vs reference",
        ],
        &rows,
    );
}
