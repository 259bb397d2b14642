//! From frames to lines a person can read: one line per frame, the way
//! tcpdump and Wireshark summarise a segment.
//!
//! The decoding itself is smoltcp's (`smoltcp::wire`): this module only
//! chooses what to show and how. Two choices follow Wireshark:
//!
//! - sequence and acknowledgement numbers are shown **relative** to each
//!   side's first sequence number (the one in its SYN), so a connection
//!   starts at 0 and a number says how many bytes that side has sent;
//! - each flag is spelled out in words the first time it appears.

use std::collections::BTreeSet;

use smoltcp::wire::{
    ArpOperation, ArpPacket, EthernetFrame, EthernetProtocol, IpAddress,
    IpProtocol, Ipv4Packet, TcpOption, TcpPacket,
};

use super::link::Frame;
use super::sim::CLIENT;

/// The flags of a TCP header, as tcpdump writes them, with their meaning.
const FLAGS: [(char, &str); 5] = [
    (
        'S',
        "SYN, synchronize: my first sequence number is the seq field",
    ),
    (
        'F',
        "FIN, finish: I will send no more (the end of my byte stream)",
    ),
    ('R', "RST, reset: abort this connection now"),
    (
        'P',
        "PSH, push: hand the data to the application without waiting",
    ),
    (
        '.',
        "ACK: the ack field is valid (I have every byte before it)",
    ),
];

/// Turns frames into lines, remembering what it has explained already.
#[derive(Debug, Default)]
pub struct Trace {
    /// Each side's initial sequence number, once its SYN has been seen.
    client_isn: Option<u32>,
    server_isn: Option<u32>,
    explained: BTreeSet<char>,
}

// ANCHOR: describe
impl Trace {
    /// The line (and the notes under it) for one frame.
    pub fn describe(&mut self, frame: &Frame) -> Vec<String> {
        let head = format!("{:>3} {:>6} ms  ", frame.number, frame.millis);
        let mut lines = match self.body(&frame.bytes) {
            Ok((line, notes)) => {
                let mut lines = vec![format!("{head}{line}")];
                lines
                    .extend(notes.into_iter().map(|n| format!("{:15}{n}", "")));
                lines
            }
            Err(why) => vec![format!("{head}(cannot decode: {why})")],
        };
        if frame.dropped {
            lines[0].push_str("  LOST");
        }
        lines
    }

    fn body(&mut self, bytes: &[u8]) -> Result<(String, Vec<String>), String> {
        let ethernet =
            EthernetFrame::new_checked(bytes).map_err(|e| e.to_string())?;
        match ethernet.ethertype() {
            EthernetProtocol::Arp => Ok((arp(ethernet.payload())?, Vec::new())),
            EthernetProtocol::Ipv4 => self.ipv4(ethernet.payload()),
            other => Err(format!("EtherType {other}")),
        }
    }

    fn ipv4(&mut self, bytes: &[u8]) -> Result<(String, Vec<String>), String> {
        let ip = Ipv4Packet::new_checked(bytes).map_err(|e| e.to_string())?;
        if ip.next_header() != IpProtocol::Tcp {
            return Err(format!("IP protocol {}", ip.next_header()));
        }
        let tcp =
            TcpPacket::new_checked(ip.payload()).map_err(|e| e.to_string())?;
        let from_client = tcp.src_port() == CLIENT.1;
        let who = match from_client {
            true => "client",
            false => "server",
        };
        let seq = tcp.seq_number().0 as u32;
        let ack = tcp.ack_number().0 as u32;
        if tcp.syn() {
            // The ISN: relative numbers count from here.
            match from_client {
                true => self.client_isn = Some(seq),
                false => self.server_isn = Some(seq),
            }
        }
        let (own, theirs) = match from_client {
            true => (self.client_isn, self.server_isn),
            false => (self.server_isn, self.client_isn),
        };
        let flags = flag_letters(&tcp);
        let mut line = format!(
            "{who} {}.{} > {}.{}  [{flags}]{:pad$}  seq {}",
            ip.src_addr(),
            tcp.src_port(),
            ip.dst_addr(),
            tcp.dst_port(),
            "",
            relative(seq, own),
            pad = 3 - flags.len().min(3),
        );
        if tcp.ack() {
            line.push_str(&format!("  ack {}", relative(ack, theirs)));
        }
        line.push_str(&format!(
            "  win {}  len {}",
            tcp.window_len(),
            tcp.payload().len()
        ));
        let options = options(tcp.options());
        if !options.is_empty() {
            line.push_str(&format!("  <{options}>"));
        }
        if !tcp.payload().is_empty() {
            line.push_str(&format!("  \"{}\"", escape(tcp.payload(), 24)));
        }
        let (s, d) = (
            IpAddress::Ipv4(ip.src_addr()),
            IpAddress::Ipv4(ip.dst_addr()),
        );
        if !ip.verify_checksum() || !tcp.verify_checksum(&s, &d) {
            line.push_str("  BAD CHECKSUM");
        }
        let mut notes = Vec::new();
        for letter in flags.chars() {
            let words = FLAGS.iter().find(|(l, _)| *l == letter);
            if let Some((_, words)) = words
                && self.explained.insert(letter)
            {
                notes.push(format!("{letter} = {words}"));
            }
        }
        Ok((line, notes))
    }
}
// ANCHOR_END: describe

/// The ARP line: who asks for whose Ethernet address, and the answer.
fn arp(bytes: &[u8]) -> Result<String, String> {
    let arp = ArpPacket::new_checked(bytes).map_err(|e| e.to_string())?;
    let ip =
        |b: &[u8]| b.iter().map(u8::to_string).collect::<Vec<_>>().join(".");
    let mac = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    Ok(match arp.operation() {
        ArpOperation::Request => format!(
            "ARP  who has {}? tell {}",
            ip(arp.target_protocol_addr()),
            ip(arp.source_protocol_addr())
        ),
        ArpOperation::Reply => format!(
            "ARP  {} is at {}",
            ip(arp.source_protocol_addr()),
            mac(arp.source_hardware_addr())
        ),
        other => format!("ARP  operation {other:?}"),
    })
}

/// The flags set, as tcpdump writes them: `S`, `S.`, `P.`, `F.`, `R`.
fn flag_letters(tcp: &TcpPacket<&[u8]>) -> String {
    let set = [tcp.syn(), tcp.fin(), tcp.rst(), tcp.psh(), tcp.ack()];
    FLAGS
        .iter()
        .zip(set)
        .filter(|(_, on)| *on)
        .map(|((letter, _), _)| *letter)
        .collect()
}

/// A sequence number relative to the side's initial one, as Wireshark
/// shows it; the raw number while that is not known yet.
fn relative(number: u32, isn: Option<u32>) -> u32 {
    match isn {
        Some(isn) => number.wrapping_sub(isn),
        None => number,
    }
}

/// The TCP options, briefly: `mss 1460,wscale 0,sackOK`.
pub fn options(mut bytes: &[u8]) -> String {
    let mut shown = Vec::new();
    while !bytes.is_empty() {
        let Ok((rest, option)) = TcpOption::parse(bytes) else {
            shown.push("?".to_string());
            break;
        };
        match option {
            TcpOption::EndOfList => break,
            TcpOption::NoOperation => {}
            TcpOption::MaxSegmentSize(mss) => shown.push(format!("mss {mss}")),
            TcpOption::WindowScale(shift) => {
                shown.push(format!("wscale {shift}"))
            }
            TcpOption::SackPermitted => shown.push("sackOK".into()),
            TcpOption::SackRange(_) => shown.push("sack".into()),
            TcpOption::TimeStamp { tsval, tsecr } => {
                shown.push(format!("TS val {tsval} ecr {tsecr}"))
            }
            TcpOption::Unknown { kind, .. } => {
                shown.push(format!("kind {kind}"))
            }
        }
        bytes = rest;
    }
    shown.join(",")
}

/// The payload as text, escaped, cut after `limit` bytes.
pub fn escape(bytes: &[u8], limit: usize) -> String {
    let shown = &bytes[..bytes.len().min(limit)];
    let mut text = shown.escape_ascii().to_string();
    if bytes.len() > limit {
        text.push_str("...");
    }
    text
}

/// How many bytes of data a frame's TCP segment carries (0 for a frame
/// that is not a TCP segment).
pub fn payload_len(bytes: &[u8]) -> usize {
    let Ok(ethernet) = EthernetFrame::new_checked(bytes) else {
        return 0;
    };
    let Ok(ip) = Ipv4Packet::new_checked(ethernet.payload()) else {
        return 0;
    };
    match TcpPacket::new_checked(ip.payload()) {
        Ok(tcp) if ip.next_header() == IpProtocol::Tcp => tcp.payload().len(),
        _ => 0,
    }
}
