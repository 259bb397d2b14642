//! A tiny DNS responder for the lesson: it knows a few names under
//! `workbook.test` (`.test` is reserved for testing, RFC 6761, so no real
//! name is shadowed) and answers NXDOMAIN for every other name. It also
//! knows a few names under `evil.test` whose answers are malicious on
//! purpose, so the parser's defences can be seen at work.
//!
//! Its addresses come from the ranges kept for documentation
//! (192.0.2.0/24, RFC 5737, and 2001:db8::/32, RFC 3849): nothing real
//! answers there.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::thread;
use std::time::Duration;

use super::dns::{
    CLASS_IN, HEADER_LEN, TYPE_A, TYPE_AAAA, TYPE_CNAME, flag, parse_header,
    read_name,
};

/// How long answers may be cached, in seconds.
pub const TTL: u32 = 300;

/// The names the responder knows, with the answer each gets.
pub const NAMES: &[(&str, &str)] = &[
    ("workbook.test", "A 192.0.2.1, AAAA 2001:db8::1"),
    ("www.workbook.test", "A 192.0.2.1 and 192.0.2.2; no AAAA"),
    (
        "alias.workbook.test",
        "CNAME workbook.test, then its A or AAAA",
    ),
    ("loop.evil.test", "an answer whose name loops forever"),
    (
        "forward.evil.test",
        "a pointer forward, to bytes not yet read",
    ),
    (
        "past-end.evil.test",
        "a pointer past the end of the message",
    ),
    ("short.evil.test", "the last record cut short"),
    ("count.evil.test", "ANCOUNT says 1000 answers; there is one"),
];

/// The addresses of a known name (lowercase, no final dot).
fn addresses(name: &str) -> Option<(Vec<Ipv4Addr>, Vec<Ipv6Addr>)> {
    let doc4 = |last| Ipv4Addr::new(192, 0, 2, last);
    let doc6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    match name {
        "workbook.test" => Some((vec![doc4(1)], vec![doc6])),
        "www.workbook.test" => Some((vec![doc4(1), doc4(2)], vec![])),
        _ => None,
    }
}

/// Starts the responder on `127.0.0.1:0` in a thread of its own and
/// returns its address. It answers until the program ends.
pub fn start() -> io::Result<SocketAddr> {
    let socket = UdpSocket::bind(("127.0.0.1", 0))?;
    let address = socket.local_addr()?;
    thread::Builder::new()
        .name("dns responder".into())
        .spawn(move || serve(&socket))?;
    Ok(address)
}

/// Answers every datagram that looks like a query; ignores the rest.
fn serve(socket: &UdpSocket) {
    let mut buf = [0; 512];
    loop {
        let Ok((len, peer)) = socket.recv_from(&mut buf) else {
            // An ICMP error from an earlier reply, on some systems: go on.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        if let Some(reply) = answer(&buf[..len]) {
            let _ = socket.send_to(&reply, peer);
        }
    }
}

// ANCHOR: answer
/// The reply to one query, or `None` for a datagram that is not a query
/// with exactly one question (a server must not answer answers).
///
/// The reply starts as a copy of the query's header and question, so the
/// question it echoes sits at byte 12. Each answer's name is then just a
/// pointer to it: two bytes, `c0 0c`, instead of the whole name again.
pub fn answer(query: &[u8]) -> Option<Vec<u8>> {
    let header = parse_header(query).ok()?;
    if header.has(flag::QR) || header.opcode() != 0 || header.qdcount != 1 {
        return None;
    }
    let (name, after_name) = read_name(query, HEADER_LEN).ok()?;
    let question = query.get(HEADER_LEN..after_name + 4)?;
    let qtype = u16::from_be_bytes([query[after_name], query[after_name + 1]]);
    let name = name.to_ascii_lowercase();

    let mut reply = query[..HEADER_LEN].to_vec();
    reply.extend_from_slice(question);
    let flags = flag::QR | flag::AA | (header.flags & flag::RD);
    let mut records = Vec::new();
    let mut rcode = 0;
    if let Some(evil) = evil_answer(&name, &mut reply) {
        return Some(evil);
    } else if name == "alias.workbook.test" {
        // alias.workbook.test CNAME workbook.test: the target is the
        // question's name without its first label, "alias" (1 + 5 bytes
        // at byte 12), so it is written as a pointer to byte 18.
        records.push(record(0xC00C, TYPE_CNAME, &[0xC0, 18]));
        let (v4, v6) = addresses("workbook.test")?;
        records.extend(address_records(0xC000 | 18, qtype, &v4, &v6));
    } else if let Some((v4, v6)) = addresses(&name) {
        records.extend(address_records(0xC00C, qtype, &v4, &v6));
    } else {
        rcode = 3; // NXDOMAIN: no such name
    }
    set_u16(&mut reply, 2, flags | rcode);
    set_u16(&mut reply, 4, 1);
    set_u16(&mut reply, 6, records.len() as u16);
    set_u16(&mut reply, 8, 0);
    set_u16(&mut reply, 10, 0);
    for record in records {
        reply.extend_from_slice(&record);
    }
    Some(reply)
}
// ANCHOR_END: answer

/// The A (or AAAA) records of `v4` (or `v6`), as `qtype` asks, each
/// named by the 2-byte pointer `pointer`.
fn address_records(
    pointer: u16,
    qtype: u16,
    v4: &[Ipv4Addr],
    v6: &[Ipv6Addr],
) -> Vec<Vec<u8>> {
    match qtype {
        TYPE_A => v4
            .iter()
            .map(|ip| record(pointer, TYPE_A, &ip.octets()))
            .collect(),
        TYPE_AAAA => v6
            .iter()
            .map(|ip| record(pointer, TYPE_AAAA, &ip.octets()))
            .collect(),
        _ => Vec::new(),
    }
}

// ANCHOR: record
/// One resource record whose name is a compression pointer.
fn record(pointer: u16, rtype: u16, data: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&pointer.to_be_bytes()); // NAME
    bytes.extend_from_slice(&rtype.to_be_bytes()); // TYPE
    bytes.extend_from_slice(&CLASS_IN.to_be_bytes()); // CLASS
    bytes.extend_from_slice(&TTL.to_be_bytes()); // TTL
    // RDLENGTH: the data here is 2 to 16 bytes, so the cast is exact.
    bytes.extend_from_slice(&(data.len() as u16).to_be_bytes());
    bytes.extend_from_slice(data); // RDATA
    bytes
}
// ANCHOR_END: record

fn set_u16(bytes: &mut [u8], at: usize, value: u16) {
    bytes[at..at + 2].copy_from_slice(&value.to_be_bytes());
}

/// The malicious answers: `reply` holds the header and question; each
/// adds one broken answer after them.
fn evil_answer(name: &str, reply: &mut Vec<u8>) -> Option<Vec<u8>> {
    let end = reply.len();
    let mut ancount = 1;
    let answer: Vec<u8> = match name {
        // The label "x", then a pointer back to that label: x.x.x.x...
        "loop.evil.test" => {
            let mut bytes = vec![1, b'x'];
            bytes.extend_from_slice(&(0xC000 | end as u16).to_be_bytes());
            bytes
        }
        // A pointer to the bytes just after itself.
        "forward.evil.test" => {
            (0xC000 | (end + 2) as u16).to_be_bytes().to_vec()
        }
        "past-end.evil.test" => vec![0xC0 | 0x3F, 0xFF],
        // An A record that stops after two of its four address bytes.
        "short.evil.test" => {
            let mut bytes = record(0xC00C, TYPE_A, &[192, 0, 2, 1]);
            bytes.truncate(bytes.len() - 2);
            bytes
        }
        "count.evil.test" => {
            ancount = 1000;
            record(0xC00C, TYPE_A, &[192, 0, 2, 1])
        }
        _ => return None,
    };
    let mut reply = std::mem::take(reply);
    set_u16(&mut reply, 2, flag::QR | flag::AA | flag::RD);
    set_u16(&mut reply, 6, ancount);
    reply.extend_from_slice(&answer);
    if name == "loop.evil.test" || name == "forward.evil.test" {
        // Some bytes after the name, so a record seems to follow.
        reply.extend_from_slice(&record(0, TYPE_A, &[192, 0, 2, 1])[2..]);
    }
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson05::dns::{
        DnsError, QueryType, RecordData, encode_query, parse_message,
    };

    fn ask(
        name: &str,
        qtype: QueryType,
    ) -> Result<super::super::dns::Message, DnsError> {
        let query = encode_query(7, name, qtype).expect("a good name");
        parse_message(&answer(&query).expect("an answer"))
    }

    #[test]
    fn known_names_get_their_addresses() {
        let www = ask("www.workbook.test", QueryType::A).expect("parses");
        let data: Vec<_> = www.answers.iter().map(|r| r.data.clone()).collect();
        assert_eq!(
            data,
            [
                RecordData::A(Ipv4Addr::new(192, 0, 2, 1)),
                RecordData::A(Ipv4Addr::new(192, 0, 2, 2))
            ]
        );
        assert!(www.answers.iter().all(|r| r.name == "www.workbook.test"));
        let alias =
            ask("alias.workbook.test", QueryType::Aaaa).expect("parses");
        assert_eq!(alias.answers.len(), 2);
        assert_eq!(alias.answers[1].name, "workbook.test");
        let none = ask("nowhere.test", QueryType::A).expect("parses");
        assert_eq!(none.header.rcode(), 3);
        assert!(none.answers.is_empty());
    }

    #[test]
    fn evil_names_get_errors() {
        for (name, _) in NAMES.iter().filter(|(n, _)| n.ends_with("evil.test"))
        {
            assert!(ask(name, QueryType::A).is_err(), "{name}");
        }
    }

    #[test]
    fn answers_no_answers_and_no_garbage() {
        let query = encode_query(7, "workbook.test", QueryType::A).expect("ok");
        let reply = answer(&query).expect("an answer");
        assert_eq!(answer(&reply), None);
        assert_eq!(answer(&query[..20]), None);
        assert_eq!(answer(&[]), None);
    }
}
