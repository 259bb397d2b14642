//! One frame in annotated hex: every field of every layer, at its
//! offset, with its name from the RFC's diagram and its value.
//!
//! The layout is read by hand here, from the diagrams below, so that the
//! offsets are plain to see; the checksums are checked with smoltcp's
//! own code, a second opinion.
//!
//! ```text
//!  Ethernet II: 6 destination, 6 source, 2 EtherType (0x0800 = IPv4)
//!
//!  IPv4 (RFC 791)
//!   0                   1                   2                   3
//!   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!  +-------+-------+---------------+-------------------------------+
//!  |Version|  IHL  |   DSCP, ECN   |          Total Length         |
//!  +-------+-------+---------------+-----+-------------------------+
//!  |         Identification        |Flags|     Fragment Offset     |
//!  +---------------+---------------+-----+-------------------------+
//!  |  Time to Live |    Protocol   |        Header Checksum        |
//!  +---------------+---------------+-------------------------------+
//!  |                       Source Address                          |
//!  |                    Destination Address                        |
//!  +---------------------------------------------------------------+
//!
//!  TCP (RFC 9293)
//!  +-------------------------------+-------------------------------+
//!  |          Source Port          |       Destination Port        |
//!  +-------------------------------+-------------------------------+
//!  |                        Sequence Number                        |
//!  |                    Acknowledgment Number                      |
//!  +-------+-------+---------------+-------------------------------+
//!  |  Data |       |C|E|U|A|P|R|S|F|                               |
//!  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//!  +-------+-------+---------------+-------------------------------+
//!  |           Checksum            |         Urgent Pointer        |
//!  +-------------------------------+-------------------------------+
//!  |                 Options (Data Offset > 5)                     |
//!  +---------------------------------------------------------------+
//! ```

use smoltcp::wire::{IpAddress, Ipv4Packet, TcpPacket};

use super::link::Frame;
use super::trace::{escape, options};

const ETHERNET: usize = 14;

// ANCHOR: annotate
/// The annotated lines for a frame that carries a TCP segment.
pub fn annotate(frame: &Frame) -> Vec<String> {
    let b = &frame.bytes;
    let mut out = vec![format!(
        "frame {}, {} bytes, layer by layer:",
        frame.number,
        b.len()
    )];
    if b.len() < ETHERNET + 20 || b[12..14] != [0x08, 0x00] {
        out.push("  (not an IPv4 packet)".into());
        return out;
    }
    let ihl = usize::from(b[14] & 0x0f) * 4;
    let tcp_at = ETHERNET + ihl;
    if b[23] != 6 || b.len() < tcp_at + 20 || ihl < 20 {
        out.push("  (not a TCP segment)".into());
        return out;
    }
    let data_at = tcp_at + usize::from(b[tcp_at + 12] >> 4) * 4;
    let ip = Ipv4Packet::new_unchecked(&b[ETHERNET..]);
    let (src, dst) = (
        IpAddress::from(ip.src_addr()),
        IpAddress::from(ip.dst_addr()),
    );
    let tcp = TcpPacket::new_unchecked(ip.payload());
    let word = |at: usize| u16::from_be_bytes([b[at], b[at + 1]]);
    let long = |at: usize| {
        u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    };
    let verdict = |ok: bool| match ok {
        true => "correct",
        false => "WRONG",
    };
    let mac = |at: usize| {
        b[at..at + 6]
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let dotted = |at: usize| {
        format!("{}.{}.{}.{}", b[at], b[at + 1], b[at + 2], b[at + 3])
    };

    let mut d = Dump { b, out };
    d.heading("Ethernet II", ETHERNET);
    d.field(0, 6, "destination", mac(0));
    d.field(6, 6, "source", mac(6));
    d.field(12, 2, "EtherType", "0x0800 = IPv4".into());

    let i = ETHERNET;
    d.heading("IPv4 header", ihl);
    d.field(
        i,
        1,
        "Version, IHL",
        format!("4, {} words = {ihl} bytes", ihl / 4),
    );
    d.field(i + 1, 1, "DSCP, ECN", format!("{}", b[i + 1]));
    d.field(i + 2, 2, "Total Length", format!("{} bytes", word(i + 2)));
    d.field(i + 4, 2, "Identification", format!("{}", word(i + 4)));
    let df = if b[i + 6] & 0x40 != 0 {
        "DF (don't fragment)"
    } else {
        "none"
    };
    d.field(
        i + 6,
        2,
        "Flags, Fragment Offset",
        format!("{df}, {}", word(i + 6) & 0x1fff),
    );
    d.field(i + 8, 1, "Time to Live", format!("{}", b[i + 8]));
    d.field(i + 9, 1, "Protocol", "6 = TCP".into());
    let ok = verdict(ip.verify_checksum());
    d.field(
        i + 10,
        2,
        "Header Checksum",
        format!("0x{:04x}, {ok}", word(i + 10)),
    );
    d.field(i + 12, 4, "Source Address", dotted(i + 12));
    d.field(i + 16, 4, "Destination Address", dotted(i + 16));

    let t = tcp_at;
    d.heading("TCP header", data_at - tcp_at);
    d.field(t, 2, "Source Port", format!("{}", word(t)));
    d.field(t + 2, 2, "Destination Port", format!("{}", word(t + 2)));
    d.field(t + 4, 4, "Sequence Number", format!("{}", long(t + 4)));
    d.field(
        t + 8,
        4,
        "Acknowledgment Number",
        format!("{}", long(t + 8)),
    );
    let offset = data_at - tcp_at;
    d.field(
        t + 12,
        1,
        "Data Offset",
        format!("{} words = {offset} bytes", offset / 4),
    );
    let names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];
    let flags: Vec<&str> = (0..8)
        .filter(|k| b[t + 13] & (1 << k) != 0)
        .map(|k| names[k])
        .collect();
    d.field(t + 13, 1, "Flags", flags.join(" "));
    d.field(t + 14, 2, "Window", format!("{} bytes", word(t + 14)));
    let ok = verdict(tcp.verify_checksum(&src, &dst));
    d.field(
        t + 16,
        2,
        "Checksum",
        format!("0x{:04x}, {ok}", word(t + 16)),
    );
    d.field(t + 18, 2, "Urgent Pointer", format!("{}", word(t + 18)));
    if data_at > t + 20 {
        let options = options(&b[t + 20..data_at]);
        d.field(t + 20, data_at - t - 20, "Options", options);
    }
    let payload = &b[data_at..];
    if !payload.is_empty() {
        d.heading("data", payload.len());
    }
    for (k, chunk) in payload.chunks(8).enumerate() {
        let at = data_at + 8 * k;
        d.field(at, chunk.len(), "", format!("\"{}\"", escape(chunk, 8)));
    }
    d.out
}
// ANCHOR_END: annotate

/// The lines being built, and the frame they describe.
struct Dump<'a> {
    b: &'a [u8],
    out: Vec<String>,
}

impl Dump<'_> {
    fn heading(&mut self, layer: &str, len: usize) {
        self.out.push(format!("  {layer}, {len} bytes"));
    }

    /// One field: its offset, its bytes in hex, its name, its value.
    fn field(&mut self, at: usize, len: usize, name: &str, value: String) {
        let hex: Vec<String> = self.b[at..at + len]
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect();
        let hex = hex.join(" ");
        self.out
            .push(format!("    {at:04x}  {hex:<23}  {name:<21} {value}"));
    }
}
