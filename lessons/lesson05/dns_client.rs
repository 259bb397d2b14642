//! Asking a DNS server: one query datagram out, one answer datagram
//! back, and everything in between shown byte by byte.

use std::fmt;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use super::dns::{
    DnsError, HEADER_LEN, Message, QueryType, Record, RecordData, flag,
    rcode_name, type_name,
};

/// The largest answer a plain DNS server sends over UDP (RFC 1035
/// section 4.2.1); a larger one comes with the TC flag set instead.
pub const MAX_UDP_ANSWER: usize = 512;

/// Why asking failed.
#[derive(Debug)]
pub enum AskError {
    Io(&'static str, io::Error),
    /// No answer after every try.
    NoAnswer {
        tries: u32,
        timeout: Duration,
    },
    Parse(DnsError),
    /// A well-formed message that is not the answer to our question.
    NotOurs(String),
}

impl fmt::Display for AskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AskError::Io(what, error) => write!(f, "cannot {what}: {error}"),
            AskError::NoAnswer { tries, timeout } => write!(
                f,
                "no answer after {tries} tries, {} s each: the server is \
                 not answering",
                timeout.as_secs()
            ),
            AskError::Parse(error) => write!(f, "bad answer: {error}"),
            AskError::NotOurs(why) => write!(f, "not our answer: {why}"),
        }
    }
}

impl std::error::Error for AskError {}

// ANCHOR: exchange
/// Sends `query` to `server` and returns the first datagram that comes
/// back from it. UDP may lose either datagram, so each try waits at most
/// `timeout`, and after `tries` tries we give up.
pub fn exchange(
    server: SocketAddr,
    query: &[u8],
    timeout: Duration,
    tries: u32,
) -> Result<Vec<u8>, AskError> {
    let any: SocketAddr = match server {
        SocketAddr::V4(_) => ([0, 0, 0, 0], 0).into(),
        SocketAddr::V6(_) => ([0u16; 8], 0).into(),
    };
    let socket =
        UdpSocket::bind(any).map_err(|e| AskError::Io("open a socket", e))?;
    // `connect` on UDP sends nothing: it sets the default peer, and the
    // socket then drops datagrams from anybody else.
    socket
        .connect(server)
        .map_err(|e| AskError::Io("set the server's address", e))?;
    socket
        .set_read_timeout(Some(timeout))
        .map_err(|e| AskError::Io("set a timeout", e))?;
    // One byte more than the largest answer: a longer datagram is cut
    // to fit, and we would not notice if the buffer were exactly 512.
    let mut buf = [0; MAX_UDP_ANSWER + 1];
    for _ in 0..tries {
        socket.send(query).map_err(|e| AskError::Io("send", e))?;
        match socket.recv(&mut buf) {
            Ok(len) => return Ok(buf[..len].to_vec()),
            // The timeout: Unix says WouldBlock, Windows TimedOut.
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(AskError::Io("receive", e)),
        }
    }
    Err(AskError::NoAnswer { tries, timeout })
}
// ANCHOR_END: exchange

// ANCHOR: check_answer
/// Whether `message` answers our query: a response (QR set), with our
/// id, a standard query's opcode, and our question echoed. Anyone can
/// send a datagram to our port; these checks are what stops the
/// simplest forged answers.
pub fn check_answer(
    message: &Message,
    id: u16,
    name: &str,
    qtype: QueryType,
) -> Result<(), AskError> {
    let header = &message.header;
    let wrong = |why: String| Err(AskError::NotOurs(why));
    if !header.has(flag::QR) {
        return wrong("it is a query, not a response".into());
    }
    if header.id != id {
        return wrong(format!("its id is {}, ours was {id}", header.id));
    }
    if header.opcode() != 0 {
        return wrong(format!("its opcode is {}", header.opcode()));
    }
    let wanted = name.trim_end_matches('.');
    match message.questions.as_slice() {
        [q] if q.name.eq_ignore_ascii_case(wanted)
            && q.qtype == qtype.code()
            && q.qclass == 1 => {}
        [] if header.rcode() != 0 => {} // some servers drop it on errors
        _ => return wrong("it does not echo our question".into()),
    }
    Ok(())
}
// ANCHOR_END: check_answer

/// The query, one line per field: the bytes in hex, then what they mean.
pub fn annotate_query(query: &[u8]) -> Vec<String> {
    // Nine bytes of hex a line; a longer label takes more lines.
    let row = |bytes: &[u8], field: &str, meaning: &str| {
        let mut lines = Vec::new();
        for (n, chunk) in bytes.chunks(9).enumerate() {
            let hex: Vec<String> =
                chunk.iter().map(|b| format!("{b:02x}")).collect();
            let (field, meaning) =
                if n == 0 { (field, meaning) } else { ("", "") };
            let line = format!("  {:<26}  {field:<8} {meaning}", hex.join(" "));
            lines.push(line.trim_end().to_string());
        }
        lines
    };
    let mut lines = Vec::new();
    let Some((header, rest)) = query.split_at_checked(HEADER_LEN) else {
        return row(query, "?", "(too short for a header)");
    };
    let number = |at: usize| u16::from_be_bytes([header[at], header[at + 1]]);
    let flags = number(2);
    let flags_text = if flags == flag::RD {
        "RD=1 recursion desired; QR=0: a query".to_string()
    } else {
        format!("0x{flags:04x}")
    };
    lines.extend(row(
        &header[0..2],
        "ID",
        &format!("{} (our choice)", number(0)),
    ));
    lines.extend(row(&header[2..4], "flags", &flags_text));
    let counts = ["QDCOUNT", "ANCOUNT", "NSCOUNT", "ARCOUNT"];
    for (i, field) in counts.into_iter().enumerate() {
        let at = 4 + 2 * i;
        let n = number(at);
        let meaning = if i == 0 {
            format!("{n} question")
        } else {
            n.to_string()
        };
        lines.extend(row(&header[at..at + 2], field, &meaning));
    }
    let mut at = 0;
    let mut field = "QNAME";
    while let Some(&len) = rest.get(at) {
        let len = usize::from(len);
        if len == 0 {
            lines.extend(row(&[0], field, "0: the end of the name"));
            at += 1;
            break;
        }
        let Some(label) = rest.get(at..at + 1 + len) else {
            break;
        };
        let text = String::from_utf8_lossy(&label[1..]);
        lines.extend(row(label, field, &format!("{len} {text:?}")));
        field = "";
        at += 1 + len;
    }
    let tail = rest.get(at..).unwrap_or_default();
    if let [t1, t2, c1, c2] = *tail {
        let qtype = u16::from_be_bytes([t1, t2]);
        let qclass = u16::from_be_bytes([c1, c2]);
        let class = if qclass == 1 { "IN" } else { "?" };
        lines.extend(row(
            &[t1, t2],
            "QTYPE",
            &format!("{qtype} {}", type_name(qtype)),
        ));
        lines.extend(row(&[c1, c2], "QCLASS", &format!("{qclass} {class}")));
    }
    lines
}

/// `0000  12 34 ...`: offset, then 16 bytes in hex.
pub fn hex_dump(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(row, chunk)| {
            let hex: Vec<String> =
                chunk.iter().map(|b| format!("{b:02x}")).collect();
            format!("  {:04x}  {}", row * 16, hex.join(" "))
        })
        .collect()
}

/// What a parsed answer says, for people.
pub fn describe(message: &Message, raw: &[u8]) -> Vec<String> {
    let h = &message.header;
    let bit = |b: u16| u8::from(h.has(b));
    let mut lines = vec![
        format!(
            "  header    id {}, QR={} (a response), opcode {}, AA={} TC={} RD={} RA={}",
            h.id,
            bit(flag::QR),
            h.opcode(),
            bit(flag::AA),
            bit(flag::TC),
            bit(flag::RD),
            bit(flag::RA)
        ),
        format!(
            "  rcode     {} {}{}",
            h.rcode(),
            rcode_name(h.rcode()),
            match h.rcode() {
                0 if h.ancount == 0 => ": the name exists, with no such record",
                3 => ": no such name",
                _ => "",
            }
        ),
        format!(
            "  counts    {} question{}, {} answer{}, {} authority, {} additional",
            h.qdcount,
            if h.qdcount == 1 { "" } else { "s" },
            h.ancount,
            if h.ancount == 1 { "" } else { "s" },
            h.nscount,
            h.arcount
        ),
    ];
    for q in &message.questions {
        lines.push(format!(
            "  question  {} {} (echoed from the query)",
            q.name,
            type_name(q.qtype)
        ));
    }
    let sections = [
        ("answer", &message.answers),
        ("authority", &message.authority),
        ("additional", &message.additional),
    ];
    for (kind, records) in sections {
        for record in records {
            lines.push(format!("  {kind:<9} {}", show_record(record)));
            lines.push(format!("            {}", name_note(record, raw)));
        }
    }
    if h.has(flag::TC) {
        lines.push(
            "  TC=1: the answer was cut to fit in one datagram; a real \
             client asks again over TCP"
                .into(),
        );
    }
    lines
}

fn show_record(record: &Record) -> String {
    let data = match &record.data {
        RecordData::A(ip) => ip.to_string(),
        RecordData::Aaaa(ip) => ip.to_string(),
        RecordData::Other(bytes) => {
            let hex: Vec<String> =
                bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
            format!("{} bytes: {}", bytes.len(), hex.join(" "))
        }
    };
    format!(
        "{} {} ttl {} {}",
        record.name,
        type_name(record.rtype),
        record.ttl,
        data
    )
}

/// How the record's name was written: labels, or a pointer.
fn name_note(record: &Record, raw: &[u8]) -> String {
    match raw.get(record.at..record.at + 2) {
        Some(&[high, low]) if high >= 0xC0 => {
            let target = usize::from(high & 0x3F) << 8 | usize::from(low);
            format!(
                "(at byte {}: name {high:02x} {low:02x}, a pointer to byte {target})",
                record.at
            )
        }
        _ => format!("(at byte {}: name written out in labels)", record.at),
    }
}
