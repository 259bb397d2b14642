//! `cargo bench --bench parsers`: the hand-written parsers against the
//! standard library's (addresses) and the httparse crate's (HTTP heads).
//!
//! Each measurement parses a fixed corpus once; the runs of ours and
//! theirs alternate, and the table shows the median of each and their
//! ratio. Targets (issue 7): addresses within 1.5x of `std::net`, the
//! HTTP head within 2x of httparse (the first HTTP row; the second is
//! context, see below).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use lessons::lesson01::ipv4::parse_ipv4;
use lessons::lesson01::ipv6::parse_ipv6;
use lessons::lesson02::head::{find_head_end, parse_head};
use testkit::bench::{
    interleaved_medians, machine_note, print_table, quick, ratio, verdict,
};

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
    let mut row = |what: &str,
                   n: usize,
                   times: Vec<Duration>,
                   theirs: &str,
                   limit: f64| {
        let (ours, reference) = (per_item(times[0], n), per_item(times[1], n));
        rows.push(vec![
            what.to_string(),
            format!("{ours:.0} ns"),
            format!("{reference:.0} ns ({theirs})"),
            ratio(ours, reference),
            format!("<= {limit}x: {}", verdict(ours / reference <= limit)),
        ]);
    };

    let times = interleaved_medians(
        runs,
        &mut [
            &mut || count_ok(ipv4.iter().map(|text| parse_ipv4(text))),
            &mut || count_ok(ipv4.iter().map(|text| text.parse::<Ipv4Addr>())),
        ],
    );
    row(
        "IPv4 address (lesson01)",
        ipv4.len(),
        times,
        "std::net",
        1.5,
    );

    let times = interleaved_medians(
        runs,
        &mut [
            &mut || count_ok(ipv6.iter().map(|text| parse_ipv6(text))),
            &mut || count_ok(ipv6.iter().map(|text| text.parse::<Ipv6Addr>())),
        ],
    );
    row(
        "IPv6 address (lesson01)",
        ipv6.len(),
        times,
        "std::net",
        1.5,
    );

    // Both find the end of the head and parse every line, the way the
    // client does. Ours (lesson02's `find_head_end` and `parse_head`)
    // keeps one copy of the head's bytes and where each piece lies in
    // them: two allocations per head, so that the learner's code owns
    // what it parsed. httparse only points into the caller's buffer and
    // allocates nothing; it is the target.
    let ours_http = || {
        heads
            .iter()
            .filter(|head| {
                let end = find_head_end(head, 0).unwrap_or(head.len());
                parse_head(&head[..end]).is_ok()
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
    // For context: httparse, then the one copy of the head that ours
    // makes (ours also allocates its list of positions). What is left of
    // the gap is mostly the parsing itself.
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
    assert_eq!(ours_http(), heads.len(), "our parser refused a head");
    assert_eq!(httparse_copy(), heads.len(), "httparse refused a head");
    assert_eq!(httparse_http(), heads.len(), "httparse refused a head");
    let times = interleaved_medians(
        runs,
        &mut [&mut { ours_http }, &mut { httparse_http }],
    );
    let name = "HTTP response head (lesson02)";
    row(name, heads.len(), times, "httparse", 2.0);
    let times = interleaved_medians(
        runs,
        &mut [&mut { ours_http }, &mut { httparse_copy }],
    );
    row(name, heads.len(), times, "httparse + one copy", 2.0);

    print_table(
        &["parser", "ours, per item", "reference", "ratio", "target"],
        &rows,
    );
}
