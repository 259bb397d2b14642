//! lesson05's hand-written DNS encoder and parser, checked against
//! hickory-proto (the message layer of the Hickory DNS resolver and
//! server) on generated names, ids, types and whole responses; and fed
//! arbitrary, mutated and truncated bytes, which must give an error,
//! never a panic or a hang.

use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::op::ResponseCode;
use hickory_proto::op::{Message as HMessage, MessageType, OpCode, Query};
use hickory_proto::rr::rdata::{A, AAAA};
use hickory_proto::rr::{DNSClass, Name, RData, Record as HRecord, RecordType};
use lessons::lesson05::dns::{
    DnsError, MAX_POINTERS, Message, QueryType, RecordData, encode_name,
    encode_query, flag, parse_message, read_name,
};
use lessons::lesson05::dns_server::{NAMES, answer};
use proptest::prelude::*;
use testkit::fuzz;

/// A label as hostnames have them: letters, digits, inner hyphens.
fn label(max: usize) -> impl Strategy<Value = String> {
    let inner = format!("[a-z0-9]([a-z0-9-]{{0,{}}}[a-z0-9])?", max - 2);
    proptest::string::string_regex(&inner).expect("a valid regex")
}

/// A name of one to five short labels.
fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(label(12), 1..5).prop_map(|labels| labels.join("."))
}

/// A name whose labels may reach 63 bytes and whose length may pass 255.
fn long_name() -> impl Strategy<Value = String> {
    prop::collection::vec(label(63), 1..7).prop_map(|labels| labels.join("."))
}

fn qtype() -> impl Strategy<Value = QueryType> {
    prop_oneof![Just(QueryType::A), Just(QueryType::Aaaa)]
}

fn hickory_type(qtype: QueryType) -> RecordType {
    match qtype {
        QueryType::A => RecordType::A,
        QueryType::Aaaa => RecordType::AAAA,
    }
}

/// hickory's name in our dotted form: no final dot (the root is `.`),
/// and every byte but letters, digits, `-` and `_` as `\DDD`.
fn dotted(name: &Name) -> String {
    let labels: Vec<String> = name
        .iter()
        .map(|label| {
            label
                .iter()
                .map(|&b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => {
                        char::from(b).to_string()
                    }
                    _ => format!("\\{b:03}"),
                })
                .collect()
        })
        .collect();
    if labels.is_empty() {
        ".".to_string()
    } else {
        labels.join(".")
    }
}

/// What both parsers must agree on in a response: the header's fields,
/// the questions, and every record's name, type, class, TTL and, for A
/// and AAAA, address.
#[derive(Debug, PartialEq)]
struct Summary {
    id: u16,
    response: bool,
    flags: [bool; 4], // AA TC RD RA
    rcode: u16,
    questions: Vec<(String, u16, u16)>,
    records: Vec<(String, u16, u16, u32, Option<String>)>,
}

fn ours(message: &Message) -> Summary {
    let h = &message.header;
    let records = [&message.answers, &message.authority, &message.additional]
        .into_iter()
        .flatten()
        .map(|r| {
            let data = match &r.data {
                RecordData::A(ip) => Some(ip.to_string()),
                RecordData::Aaaa(ip) => Some(ip.to_string()),
                RecordData::Other(_) => None,
            };
            (r.name.to_ascii_lowercase(), r.rtype, r.class, r.ttl, data)
        })
        .collect();
    Summary {
        id: h.id,
        response: h.has(flag::QR),
        flags: [flag::AA, flag::TC, flag::RD, flag::RA].map(|b| h.has(b)),
        rcode: h.rcode(),
        questions: message
            .questions
            .iter()
            .map(|q| (q.name.to_ascii_lowercase(), q.qtype, q.qclass))
            .collect(),
        records,
    }
}

fn theirs(message: &HMessage) -> Summary {
    let m = &message.metadata;
    let records = message
        .answers
        .iter()
        .chain(&message.authorities)
        .chain(&message.additionals)
        .map(|r| {
            let data = match &r.data {
                RData::A(A(ip)) => Some(ip.to_string()),
                RData::AAAA(AAAA(ip)) => Some(ip.to_string()),
                _ => None,
            };
            let name = dotted(&r.name).to_ascii_lowercase();
            let rtype = u16::from(r.record_type());
            (name, rtype, u16::from(r.dns_class), r.ttl, data)
        })
        .collect();
    Summary {
        id: m.id,
        response: m.message_type == MessageType::Response,
        flags: [
            m.authoritative,
            m.truncation,
            m.recursion_desired,
            m.recursion_available,
        ],
        rcode: u16::from(m.response_code.low()),
        questions: message
            .queries
            .iter()
            .map(|q| {
                let name = dotted(q.name()).to_ascii_lowercase();
                (name, q.query_type().into(), q.query_class().into())
            })
            .collect(),
        records,
    }
}

/// A response built by hickory: a question, and answers for names that
/// share suffixes (so hickory compresses them), plus authority records.
fn hickory_response(
    id: u16,
    question: &str,
    qtype: QueryType,
    answers: &[(usize, bool, u32, u128)],
    nxdomain: bool,
) -> Vec<u8> {
    let owners = [
        question.to_string(),
        format!("www.{question}"),
        format!("a.b.{question}"),
        "example.test".to_string(),
    ];
    let mut message = HMessage::new(id, MessageType::Response, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.metadata.recursion_available = true;
    message.metadata.authoritative = nxdomain;
    if nxdomain {
        message.metadata.response_code = ResponseCode::NXDomain;
    }
    let qname = Name::from_ascii(question).expect("a valid name");
    message.add_query(Query::query(qname, hickory_type(qtype)));
    for (n, &(owner, v6, ttl, bits)) in answers.iter().enumerate() {
        let owner = Name::from_ascii(&owners[owner % owners.len()])
            .expect("a valid name");
        let data = if v6 {
            RData::AAAA(AAAA(Ipv6Addr::from(bits)))
        } else {
            RData::A(A(Ipv4Addr::from(bits as u32)))
        };
        let record = HRecord::from_rdata(owner, ttl, data);
        if n % 3 == 2 {
            message.authorities.push(record);
        } else {
            message.add_answer(record);
        }
    }
    message.to_vec().expect("hickory encodes it")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Our query, byte for byte, is the one hickory builds.
    #[test]
    fn our_query_is_hickorys(id: u16, name in name(), qtype in qtype()) {
        let ours = encode_query(id, &name, qtype).expect("a valid name");
        let mut message = HMessage::new(id, MessageType::Query, OpCode::Query);
        message.metadata.recursion_desired = true;
        let qname = Name::from_ascii(&name).expect("hickory takes it");
        message.add_query(Query::query(qname, hickory_type(qtype)));
        prop_assert_eq!(&ours, &message.to_vec().expect("hickory encodes it"));
        // And hickory reads ours back as we meant it.
        let read = HMessage::from_vec(&ours).expect("hickory parses it");
        prop_assert_eq!(read.metadata.id, id);
        prop_assert_eq!(read.queries.len(), 1);
        prop_assert_eq!(dotted(read.queries[0].name()), name);
        prop_assert_eq!(read.queries[0].query_class(), DNSClass::IN);
    }

    /// Names near the limits: we accept exactly those hickory can write
    /// (63 bytes a label, 255 bytes a name), and write the same bytes.
    #[test]
    fn name_limits_agree_with_hickory(name in long_name()) {
        let mut ours = Vec::new();
        let result = encode_name(&name, &mut ours);
        let hickory = Name::from_ascii(&name)
            .ok()
            .and_then(|n| {
                let mut message =
                    HMessage::new(0, MessageType::Query, OpCode::Query);
                message.add_query(Query::query(n, RecordType::A));
                message.to_vec().ok()
            });
        match (result, hickory) {
            (Ok(()), Some(bytes)) => {
                prop_assert_eq!(&bytes[12..bytes.len() - 4], &ours[..]);
            }
            (Err(_), None) => {}
            (result, hickory) => prop_assert!(
                false,
                "{} bytes: ours {:?}, hickory's {:?}",
                name.len(),
                result,
                hickory.map(|b| b.len())
            ),
        }
    }

    /// Responses hickory builds (with its name compression) read the
    /// same with our parser.
    #[test]
    fn hickory_responses_parse_the_same(
        id: u16,
        question in name(),
        qtype in qtype(),
        answers in prop::collection::vec(
            (0usize..4, any::<bool>(), any::<u32>(), any::<u128>()),
            0..8,
        ),
        nxdomain: bool,
    ) {
        let bytes = hickory_response(id, &question, qtype, &answers, nxdomain);
        let parsed = parse_message(&bytes);
        let message = parsed.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let hickory = HMessage::from_vec(&bytes).expect("hickory reads its own");
        prop_assert_eq!(ours(&message), theirs(&hickory));
        // Every shorter piece of it is an error, never a panic.
        for len in 0..bytes.len() {
            prop_assert!(parse_message(&bytes[..len]).is_err(), "{}", len);
        }
    }

    /// Our responder's answers (compressed by hand) read the same with
    /// hickory.
    #[test]
    fn our_answers_parse_the_same_with_hickory(
        id: u16,
        pick in 0usize..4,
        other in name(),
        qtype in qtype(),
    ) {
        let known = ["workbook.test", "www.workbook.test", "alias.workbook.test"];
        let name = known.get(pick).map_or(other.as_str(), |n| n);
        let query = encode_query(id, name, qtype).expect("a valid name");
        let reply = answer(&query).expect("the responder answers");
        let message = parse_message(&reply).expect("we read it");
        let hickory = HMessage::from_vec(&reply).expect("hickory reads it");
        prop_assert_eq!(ours(&message), theirs(&hickory));
    }

    /// Any bytes at all: an answer or an error, never a panic; and when
    /// both parsers accept, they agree.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        check_message(&bytes)?;
    }

    #[test]
    fn arbitrary_names_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        start in 0usize..300,
    ) {
        let _ = read_name(&bytes, start);
    }
}

/// The checks every corpus and fuzz input gets.
fn check_message(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_message(bytes) {
        Ok(message) => {
            if let Ok(hickory) = HMessage::from_vec(bytes) {
                prop_assert_eq!(ours(&message), theirs(&hickory));
            }
        }
        Err(error) => {
            let text = error.to_string();
            prop_assert!(!text.is_empty() && !text.contains('\n'), "{}", text);
        }
    }
    Ok(())
}

#[test]
fn corpus_messages() {
    let corpus = fuzz::corpus("lesson05_dns");
    let mut accepted = 0;
    for (name, bytes) in &corpus {
        if let Err(failure) = check_message(bytes) {
            panic!("{name}: {failure}");
        }
        accepted += usize::from(parse_message(bytes).is_ok());
    }
    // The corpus holds both good messages and bad ones.
    assert!(accepted > 0 && accepted < corpus.len(), "{accepted}");
}

proptest! {
    #![proptest_config(fuzz::config())]

    #[test]
    fn fuzz_mutated_messages(bytes in fuzz::mutated_corpus("lesson05_dns")) {
        check_message(&bytes)?;
    }
}

/// A header with the given counts, then `body`.
fn message(counts: [u16; 4], body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0x12, 0x34, 0x81, 0x80];
    for count in counts {
        bytes.extend_from_slice(&count.to_be_bytes());
    }
    bytes.extend_from_slice(body);
    bytes
}

/// The question `a.test A IN` at byte 12.
const QUESTION: &[u8] = b"\x01a\x04test\x00\x00\x01\x00\x01";

/// An A record named by `name`, with 4 bytes of data.
fn a_record(name: &[u8]) -> Vec<u8> {
    let mut bytes = name.to_vec();
    bytes.extend_from_slice(b"\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04");
    bytes.extend_from_slice(&[192, 0, 2, 1]);
    bytes
}

#[test]
fn malicious_answers_get_their_error() {
    let with_answer = |name: &[u8]| {
        let mut body = QUESTION.to_vec();
        body.extend_from_slice(&a_record(name));
        message([1, 1, 0, 0], &body)
    };
    let run = b"\x01x".repeat(40);
    let cases: Vec<(&str, Vec<u8>, DnsError)> = vec![
        (
            "pointer to itself",
            with_answer(b"\xc0\x18"),
            DnsError::PointerForward { at: 24, target: 24 },
        ),
        (
            "pointer forward",
            with_answer(b"\xc0\x1c"),
            DnsError::PointerForward { at: 24, target: 28 },
        ),
        (
            "pointer past the end",
            with_answer(b"\xc1\x00"),
            DnsError::PointerPastEnd {
                at: 24,
                target: 256,
            },
        ),
        (
            "a loop through a label",
            with_answer(b"\x01x\xc0\x18"),
            DnsError::TooManyPointers { at: 24 },
        ),
        (
            "label length 64",
            with_answer(b"\x40"),
            DnsError::BadLabelLength { at: 24, byte: 0x40 },
        ),
        (
            "label length 0x80",
            with_answer(b"\x80"),
            DnsError::BadLabelLength { at: 24, byte: 0x80 },
        ),
        (
            "A record of 5 bytes",
            {
                let mut body = QUESTION.to_vec();
                body.extend_from_slice(
                    b"\xc0\x0c\x00\x01\x00\x01\0\0\0\x3c\x00\x05",
                );
                body.extend_from_slice(&[1, 2, 3, 4, 5]);
                message([1, 1, 0, 0], &body)
            },
            DnsError::BadDataLength {
                at: 24,
                rtype: 1,
                len: 5,
            },
        ),
        (
            "more answers than data",
            {
                let mut body = QUESTION.to_vec();
                body.extend_from_slice(&a_record(b"\xc0\x0c"));
                message([1, 65535, 0, 0], &body)
            },
            DnsError::Truncated {
                at: 40,
                what: "answer 2 of 65535".into(),
            },
        ),
        (
            "RDLENGTH past the end",
            {
                let mut body = QUESTION.to_vec();
                body.extend_from_slice(
                    b"\xc0\x0c\x00\x10\x00\x01\0\0\0\x3c\xff\xff",
                );
                message([1, 1, 0, 0], &body)
            },
            DnsError::Truncated {
                at: 24,
                what: "answer 1 of 1".into(),
            },
        ),
        (
            "bytes after the last record",
            message([1, 0, 0, 0], &[QUESTION, b"junk"].concat()),
            DnsError::TrailingBytes { at: 24, count: 4 },
        ),
        (
            "a header cut short",
            vec![0x12, 0x34, 0x81],
            DnsError::Truncated {
                at: 0,
                what: "the header".into(),
            },
        ),
        (
            "a name past 255 bytes",
            {
                // Four names of 40 one-byte labels, each ending in a
                // pointer to the one before: 4 * 80 > 255 bytes.
                let mut body = QUESTION.to_vec();
                let mut previous: Option<u16> = None;
                for _ in 0..4 {
                    let here = 12 + body.len();
                    body.extend_from_slice(&run);
                    match previous {
                        None => body.push(0),
                        Some(at) => {
                            body.extend_from_slice(&(0xC000 | at).to_be_bytes())
                        }
                    }
                    body.extend_from_slice(b"\x00\x01\x00\x01");
                    previous = Some(u16::try_from(here).expect("small"));
                }
                message([5, 0, 0, 0], &body)
            },
            DnsError::NameTooLong { at: 281 },
        ),
    ];
    for (what, bytes, expected) in cases {
        assert_eq!(parse_message(&bytes).err(), Some(expected), "{what}");
    }
    // A loop is caught by the pointer bound before the 255-byte one.
    const { assert!(MAX_POINTERS < 127) };
}

/// The built-in responder's malicious names each get a clear error.
#[test]
fn every_evil_name_is_refused() {
    for (name, _) in NAMES {
        let query = encode_query(1, name, QueryType::A).expect("a good name");
        let reply = answer(&query).expect("an answer");
        let result = parse_message(&reply);
        assert_eq!(result.is_err(), name.ends_with(".evil.test"), "{name}");
    }
}
