//! DNS by hand: a query built byte by byte, an answer parsed byte by byte
//! (RFC 1035, section 4; AAAA records from RFC 3596).
//!
//! A DNS message is one UDP datagram: a 12-byte header, then four
//! sections (questions, answers, authority records, additional records),
//! as many of each as the header's counts say. Every number is big-endian
//! ("network byte order"). Nothing here trusts the answer: every length,
//! count and pointer in it is checked before it is used, and a name
//! follows at most [`MAX_POINTERS`] compression pointers, so a malicious
//! answer gets a [`DnsError`], never a panic or an endless loop.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

// ANCHOR: header_layout
// The header, RFC 1035 section 4.1.1. Each row is 16 bits, two bytes.
//
//                                 1  1  1  1  1  1
//   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                      ID                       |  bytes 0-1
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |  bytes 2-3
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                    QDCOUNT                    |  bytes 4-5
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                    ANCOUNT                    |  bytes 6-7
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                    NSCOUNT                    |  bytes 8-9
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                    ARCOUNT                    |  bytes 10-11
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
mod field {
    use std::ops::Range;

    pub const ID: Range<usize> = 0..2;
    pub const FLAGS: Range<usize> = 2..4;
    pub const QDCOUNT: Range<usize> = 4..6;
    pub const ANCOUNT: Range<usize> = 6..8;
    pub const NSCOUNT: Range<usize> = 8..10;
    pub const ARCOUNT: Range<usize> = 10..12;
}

/// The header's length: the first section starts here.
pub const HEADER_LEN: usize = field::ARCOUNT.end;

/// The bits of the FLAGS field.
pub mod flag {
    /// 1 in a response, 0 in a query.
    pub const QR: u16 = 0x8000;
    /// The kind of query: 0 is a standard query (4 bits).
    pub const OPCODE: u16 = 0x7800;
    /// Authoritative Answer: the server owns the name.
    pub const AA: u16 = 0x0400;
    /// TrunCation: the answer did not fit in the datagram.
    pub const TC: u16 = 0x0200;
    /// Recursion Desired: please ask other servers for me.
    pub const RD: u16 = 0x0100;
    /// Recursion Available: the server does that.
    pub const RA: u16 = 0x0080;
    /// The response code: 0 NOERROR, 3 NXDOMAIN, ... (4 bits).
    pub const RCODE: u16 = 0x000F;
}
// ANCHOR_END: header_layout

// ANCHOR: question_layout
// A question, RFC 1035 section 4.1.2: a name, then two 16-bit numbers.
//
//                                 1  1  1  1  1  1
//   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                                               |
// /                     QNAME                     /  labels: a length
// /                                               /  byte, that many
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+  bytes, ..., then 0
// |                     QTYPE                     |  1 = A, 28 = AAAA
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                     QCLASS                    |  1 = IN (Internet)
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//
// `www.example.com` is written 3 w w w 7 e x a m p l e 3 c o m 0.

/// The longest label: its length byte keeps the top two bits for
/// pointers, which leaves six bits.
pub const MAX_LABEL: usize = 63;
/// The longest name, counted as written: length bytes, labels, final 0.
pub const MAX_NAME: usize = 255;
/// QTYPE and TYPE: an IPv4 address.
pub const TYPE_A: u16 = 1;
/// A canonical name (an alias).
pub const TYPE_CNAME: u16 = 5;
/// QTYPE and TYPE: an IPv6 address (RFC 3596).
pub const TYPE_AAAA: u16 = 28;
/// QCLASS and CLASS: the Internet.
pub const CLASS_IN: u16 = 1;
// ANCHOR_END: question_layout

/// A resource record, RFC 1035 section 4.1.3 (answers, authority and
/// additional records all look like this):
///
/// ```text
/// NAME      a name, often just a pointer to one written earlier
/// TYPE      16 bits: 1 = A, 28 = AAAA, 5 = CNAME, ...
/// CLASS     16 bits: 1 = IN
/// TTL       32 bits: how many seconds the answer may be cached
/// RDLENGTH  16 bits: how many bytes of RDATA follow
/// RDATA     the data: 4 bytes for A, 16 for AAAA
/// ```
pub const RECORD_FIXED_LEN: usize = 10;

/// The record types a query may ask for here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryType {
    A,
    Aaaa,
}

impl QueryType {
    /// Its number on the wire.
    pub fn code(self) -> u16 {
        match self {
            QueryType::A => TYPE_A,
            QueryType::Aaaa => TYPE_AAAA,
        }
    }
}

/// A type number as people write it: `A`, `AAAA`, `CNAME`, or `TYPE99`.
pub fn type_name(code: u16) -> String {
    match code {
        TYPE_A => "A".into(),
        TYPE_CNAME => "CNAME".into(),
        TYPE_AAAA => "AAAA".into(),
        2 => "NS".into(),
        6 => "SOA".into(),
        15 => "MX".into(),
        16 => "TXT".into(),
        41 => "OPT".into(),
        _ => format!("TYPE{code}"),
    }
}

/// A response code as people write it.
pub fn rcode_name(rcode: u16) -> &'static str {
    match rcode {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => "(unknown)",
    }
}

/// Why a name could not be encoded or a message could not be parsed.
/// Every variant displays as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// A name given to the encoder is not one we can write.
    BadName { name: String, why: &'static str },
    /// The message ends inside `what`, which starts at byte `at`.
    Truncated { at: usize, what: String },
    /// A length byte 64-191: neither a label (0-63) nor a pointer.
    BadLabelLength { at: usize, byte: u8 },
    /// A name longer than [`MAX_NAME`] bytes.
    NameTooLong { at: usize },
    /// A compression pointer to a byte past the end of the message.
    PointerPastEnd { at: usize, target: usize },
    /// A compression pointer to itself or further on: only earlier
    /// names may be pointed at, which also rules out most loops.
    PointerForward { at: usize, target: usize },
    /// More than [`MAX_POINTERS`] pointers in one name: a loop.
    TooManyPointers { at: usize },
    /// An A or AAAA record whose data is not 4 or 16 bytes.
    BadDataLength { at: usize, rtype: u16, len: usize },
    /// Bytes left over after the last record the header announced.
    TrailingBytes { at: usize, count: usize },
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::BadName { name, why } => {
                write!(f, "cannot ask for {name:?}: {why}")
            }
            DnsError::Truncated { at, what } => write!(
                f,
                "the message ends inside {what}, which starts at byte {at}"
            ),
            DnsError::BadLabelLength { at, byte } => write!(
                f,
                "byte {at} is a label length of {byte} (0x{byte:02x}): \
                 labels have at most 63 bytes"
            ),
            DnsError::NameTooLong { at } => write!(
                f,
                "the name at byte {at} is longer than {MAX_NAME} bytes"
            ),
            DnsError::PointerPastEnd { at, target } => write!(
                f,
                "the compression pointer at byte {at} points to byte \
                 {target}, past the end of the message"
            ),
            DnsError::PointerForward { at, target } => write!(
                f,
                "the compression pointer at byte {at} points forward, to \
                 byte {target}: pointers must point back"
            ),
            DnsError::TooManyPointers { at } => write!(
                f,
                "the name at byte {at} follows more than {MAX_POINTERS} \
                 compression pointers: a loop"
            ),
            DnsError::BadDataLength { at, rtype, len } => write!(
                f,
                "the {} record at byte {at} has {len} bytes of data, not {}",
                type_name(*rtype),
                if *rtype == TYPE_A { 4 } else { 16 }
            ),
            DnsError::TrailingBytes { at, count } => write!(
                f,
                "{count} bytes follow the last record, from byte {at}"
            ),
        }
    }
}

impl std::error::Error for DnsError {}

// ANCHOR: encode_name
/// Writes `name` (`www.example.com`, a final dot allowed) as labels:
/// each label's length in one byte, then its bytes; a 0 byte ends the
/// name. Refuses what no server could read back: an empty label
/// (`a..b`), a label over 63 bytes, a name over 255 bytes as written,
/// and anything but ASCII letters, digits, `-` and `_` (an international
/// name must first be converted to its ASCII `xn--` form).
pub fn encode_name(name: &str, out: &mut Vec<u8>) -> Result<(), DnsError> {
    let bad = |why| DnsError::BadName {
        name: name.to_string(),
        why,
    };
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    let mut written = 1; // the final 0
    let mut labels = Vec::new();
    if !trimmed.is_empty() {
        for label in trimmed.split('.') {
            if label.is_empty() {
                return Err(bad("it has an empty label"));
            }
            if label.len() > MAX_LABEL {
                return Err(bad("a label is longer than 63 bytes"));
            }
            let allowed =
                |b: u8| b.is_ascii_alphanumeric() || b"-_".contains(&b);
            if !label.bytes().all(allowed) {
                return Err(bad("use only letters, digits, - and _"));
            }
            written += 1 + label.len();
            labels.push(label);
        }
    }
    if written > MAX_NAME {
        return Err(bad("it is longer than 255 bytes as written"));
    }
    for label in labels {
        // At most 63, checked above, so the cast keeps every bit.
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    Ok(())
}
// ANCHOR_END: encode_name

// ANCHOR: encode_query
/// A whole query: the header (our `id`, only the RD flag set, one
/// question), then the question: the name, the type, class IN.
pub fn encode_query(
    id: u16,
    name: &str,
    qtype: QueryType,
) -> Result<Vec<u8>, DnsError> {
    let mut query = vec![0; HEADER_LEN];
    query[field::ID].copy_from_slice(&id.to_be_bytes());
    query[field::FLAGS].copy_from_slice(&flag::RD.to_be_bytes());
    query[field::QDCOUNT].copy_from_slice(&1u16.to_be_bytes());
    // ANCOUNT, NSCOUNT and ARCOUNT stay 0.
    encode_name(name, &mut query)?;
    query.extend_from_slice(&qtype.code().to_be_bytes());
    query.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(query)
}
// ANCHOR_END: encode_query

/// The header, its fields taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub id: u16,
    pub flags: u16,
    pub qdcount: u16,
    pub ancount: u16,
    pub nscount: u16,
    pub arcount: u16,
}

impl Header {
    /// Whether `bit` (one of [`flag`]'s one-bit constants) is set.
    pub fn has(&self, bit: u16) -> bool {
        self.flags & bit != 0
    }

    pub fn opcode(&self) -> u16 {
        (self.flags & flag::OPCODE) >> 11
    }

    pub fn rcode(&self) -> u16 {
        self.flags & flag::RCODE
    }
}

/// A question, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub name: String,
    pub qtype: u16,
    pub qclass: u16,
}

/// A record's data: an address for A and AAAA, the bytes as they are
/// for every other type (a CNAME's data is a name, which may hold a
/// pointer: it means something only next to the whole message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Other(Vec<u8>),
}

/// A resource record, parsed. `at` is where it starts in the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub at: usize,
    pub name: String,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub data: RecordData,
}

/// A whole message, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub questions: Vec<Question>,
    pub answers: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
}

// ANCHOR: read_u16
/// The big-endian 16-bit number at `at`, or `Truncated` naming `what`.
fn read_u16(message: &[u8], at: usize, what: &str) -> Result<u16, DnsError> {
    match message.get(at..at + 2) {
        Some(&[high, low]) => Ok(u16::from_be_bytes([high, low])),
        _ => Err(truncated(at, what)),
    }
}
// ANCHOR_END: read_u16

fn truncated(at: usize, what: &str) -> DnsError {
    DnsError::Truncated {
        at,
        what: what.to_string(),
    }
}

/// How many compression pointers one name may follow. An honest name
/// needs one; a loop would need them forever.
pub const MAX_POINTERS: usize = 16;

// ANCHOR: read_name
/// Reads the name that starts at byte `start` of `message`. Returns it
/// in dotted form, and where the bytes after it start: just past its 0
/// byte, or just past its first pointer (what a pointer leads to is
/// somewhere else in the message, and is not skipped).
///
/// A length byte is a label (0-63), a pointer (top two bits set: the
/// other 14 bits are the offset of the rest of the name), or an error.
pub fn read_name(
    message: &[u8],
    start: usize,
) -> Result<(String, usize), DnsError> {
    let mut labels: Vec<String> = Vec::new();
    let mut at = start;
    let mut written = 1; // as it would be written out: the final 0 ...
    let mut after = None; // where the name ends in place
    let mut pointers = 0;
    loop {
        let &len = message
            .get(at)
            .ok_or_else(|| truncated(start, "the name"))?;
        match len {
            0 => {
                let name = if labels.is_empty() {
                    ".".to_string()
                } else {
                    labels.join(".")
                };
                return Ok((name, after.unwrap_or(at + 1)));
            }
            1..=63 => {
                let end = at + 1 + usize::from(len);
                let label = message
                    .get(at + 1..end)
                    .ok_or_else(|| truncated(start, "the name"))?;
                written += 1 + label.len(); // ... and each label
                if written > MAX_NAME {
                    return Err(DnsError::NameTooLong { at: start });
                }
                labels.push(show_label(label));
                at = end;
            }
            0xC0..=0xFF => {
                let &low = message
                    .get(at + 1)
                    .ok_or_else(|| truncated(start, "the name"))?;
                let target = usize::from(len & 0x3F) << 8 | usize::from(low);
                if target >= message.len() {
                    return Err(DnsError::PointerPastEnd { at, target });
                }
                if target >= at {
                    return Err(DnsError::PointerForward { at, target });
                }
                pointers += 1;
                if pointers > MAX_POINTERS {
                    return Err(DnsError::TooManyPointers { at: start });
                }
                after.get_or_insert(at + 2);
                at = target;
            }
            _ => return Err(DnsError::BadLabelLength { at, byte: len }),
        }
    }
}
// ANCHOR_END: read_name

/// A label as text: letters, digits, `-` and `_` as they are; any other
/// byte (a dot inside a label, a space, non-ASCII) as `\DDD`, the way
/// `dig` shows it, so a hostile label cannot fake dots or colours.
fn show_label(label: &[u8]) -> String {
    let mut text = String::new();
    for &b in label {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            text.push(char::from(b));
        } else {
            text.push_str(&format!("\\{b:03}"));
        }
    }
    text
}

/// [`read_name`], for the name at the start of `what`: if the message
/// ends inside the name, it ends inside `what`.
fn read_name_of(
    message: &[u8],
    at: usize,
    what: &str,
) -> Result<(String, usize), DnsError> {
    read_name(message, at).map_err(|error| match error {
        DnsError::Truncated { .. } => truncated(at, what),
        other => other,
    })
}

// ANCHOR: parse_header
/// The header: six 16-bit numbers.
pub fn parse_header(message: &[u8]) -> Result<Header, DnsError> {
    if message.len() < HEADER_LEN {
        return Err(truncated(0, "the header"));
    }
    let number = |range: std::ops::Range<usize>| {
        u16::from_be_bytes([message[range.start], message[range.start + 1]])
    };
    Ok(Header {
        id: number(field::ID),
        flags: number(field::FLAGS),
        qdcount: number(field::QDCOUNT),
        ancount: number(field::ANCOUNT),
        nscount: number(field::NSCOUNT),
        arcount: number(field::ARCOUNT),
    })
}
// ANCHOR_END: parse_header

// ANCHOR: parse_record
/// One resource record at `at`; returns it and where the next starts.
fn parse_record(
    message: &[u8],
    at: usize,
    what: &str,
) -> Result<(Record, usize), DnsError> {
    let (name, fixed) = read_name_of(message, at, what)?;
    let rtype = read_u16(message, fixed, what)?;
    let class = read_u16(message, fixed + 2, what)?;
    let ttl_high = read_u16(message, fixed + 4, what)?;
    let ttl_low = read_u16(message, fixed + 6, what)?;
    let rdlength = usize::from(read_u16(message, fixed + 8, what)?);
    let start = fixed + RECORD_FIXED_LEN;
    let rdata = message
        .get(start..start + rdlength)
        .ok_or_else(|| truncated(at, what))?;
    let bad_length = || DnsError::BadDataLength {
        at,
        rtype,
        len: rdlength,
    };
    let data = match rtype {
        TYPE_A => {
            let octets: [u8; 4] = rdata.try_into().map_err(|_| bad_length())?;
            RecordData::A(Ipv4Addr::from(octets))
        }
        TYPE_AAAA => {
            let octets: [u8; 16] =
                rdata.try_into().map_err(|_| bad_length())?;
            RecordData::Aaaa(Ipv6Addr::from(octets))
        }
        _ => RecordData::Other(rdata.to_vec()),
    };
    let ttl = u32::from(ttl_high) << 16 | u32::from(ttl_low);
    let record = Record {
        at,
        name,
        rtype,
        class,
        ttl,
        data,
    };
    Ok((record, start + rdlength))
}
// ANCHOR_END: parse_record

// ANCHOR: parse_message
/// A whole message: the header, then as many questions and records as
/// its counts announce. A count larger than the data ends in
/// `Truncated`; nothing is allocated from a count before the bytes are
/// there (a count of 65535 costs nothing until the records arrive).
pub fn parse_message(message: &[u8]) -> Result<Message, DnsError> {
    let header = parse_header(message)?;
    let mut at = HEADER_LEN;
    let mut questions = Vec::new();
    for n in 1..=header.qdcount {
        let what = format!("question {n} of {}", header.qdcount);
        let (name, next) = read_name_of(message, at, &what)?;
        let qtype = read_u16(message, next, &what)?;
        let qclass = read_u16(message, next + 2, &what)?;
        questions.push(Question {
            name,
            qtype,
            qclass,
        });
        at = next + 4;
    }
    let mut sections = [Vec::new(), Vec::new(), Vec::new()];
    let counts = [
        ("answer", header.ancount),
        ("authority record", header.nscount),
        ("additional record", header.arcount),
    ];
    for (records, (kind, count)) in sections.iter_mut().zip(counts) {
        for n in 1..=count {
            let what = format!("{kind} {n} of {count}");
            let (record, next) = parse_record(message, at, &what)?;
            records.push(record);
            at = next;
        }
    }
    if at < message.len() {
        let count = message.len() - at;
        return Err(DnsError::TrailingBytes { at, count });
    }
    let [answers, authority, additional] = sections;
    Ok(Message {
        header,
        questions,
        answers,
        authority,
        additional,
    })
}
// ANCHOR_END: parse_message

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_byte_by_byte() {
        let query = encode_query(0x1234, "www.example.com", QueryType::A);
        let mut expected = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        expected.extend_from_slice(
            b"\x03www\x07example\x03com\x00\x00\x01\x00\x01",
        );
        assert_eq!(query, Ok(expected));
    }

    #[test]
    fn names_at_the_limits() {
        let label = "a".repeat(63);
        let mut out = Vec::new();
        assert_eq!(encode_name(&label, &mut out), Ok(()));
        assert_eq!(out.len(), 65);
        let too_long = "a".repeat(64);
        assert!(encode_name(&too_long, &mut Vec::new()).is_err());
        // 4 labels of 63: 4 * 64 + 1 = 257 bytes, too long; 3 of 63 and
        // one of 61: 3 * 64 + 62 + 1 = 255, just right.
        let four = [label.as_str(); 4].join(".");
        assert!(encode_name(&four, &mut Vec::new()).is_err());
        let fits = format!("{label}.{label}.{label}.{}", "b".repeat(61));
        let mut out = Vec::new();
        assert_eq!(encode_name(&fits, &mut out), Ok(()));
        assert_eq!(out.len(), 255);
        for bad in ["a..b", ".a", "a b", "é.com", "a.b.."] {
            assert!(encode_name(bad, &mut Vec::new()).is_err(), "{bad}");
        }
        for root in ["", "."] {
            let mut out = Vec::new();
            assert_eq!(encode_name(root, &mut out), Ok(()));
            assert_eq!(out, [0]);
        }
    }

    #[test]
    fn names_with_pointers_and_traps() {
        let mut message = vec![0; 12];
        message.extend_from_slice(b"\x03www\x07example\x03com\x00");
        message.extend_from_slice(b"\x04mail\xc0\x10"); // mail + example.com
        assert_eq!(read_name(&message, 12), Ok(("www.example.com".into(), 29)));
        assert_eq!(
            read_name(&message, 29),
            Ok(("mail.example.com".into(), 36))
        );
        assert_eq!(
            read_name(&[0xC0, 0x00], 0).map(|_| ()),
            Err(DnsError::PointerForward { at: 0, target: 0 })
        );
        assert_eq!(
            read_name(&[0xC0, 0x05], 0),
            Err(DnsError::PointerPastEnd { at: 0, target: 5 })
        );
        // "a", then a pointer back to the "a": a loop that reads labels.
        let looped = [1, b'a', 0xC0, 0x00];
        assert_eq!(
            read_name(&looped, 0),
            Err(DnsError::TooManyPointers { at: 0 })
        );
        assert_eq!(
            read_name(&[0x40], 0),
            Err(DnsError::BadLabelLength { at: 0, byte: 0x40 })
        );
        assert!(matches!(
            read_name(&[3, b'a'], 0),
            Err(DnsError::Truncated { .. })
        ));
        assert_eq!(read_name(b"\x03a.b\x00", 0), Ok(("a\\046b".into(), 5)));
    }

    #[test]
    fn every_error_is_one_line() {
        let errors = [
            DnsError::BadName {
                name: "a\nb".into(),
                why: "x",
            },
            truncated(3, "answer 1 of 2"),
            DnsError::BadLabelLength { at: 1, byte: 64 },
            DnsError::NameTooLong { at: 1 },
            DnsError::PointerPastEnd { at: 1, target: 9 },
            DnsError::PointerForward { at: 1, target: 9 },
            DnsError::TooManyPointers { at: 1 },
            DnsError::BadDataLength {
                at: 1,
                rtype: TYPE_AAAA,
                len: 4,
            },
            DnsError::TrailingBytes { at: 1, count: 2 },
        ];
        for error in errors {
            let text = error.to_string();
            assert!(!text.is_empty() && !text.contains('\n'), "{text}");
        }
    }
}
