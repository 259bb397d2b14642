//! Exercises for chapter 1: layers, addresses, ports.
//!
//! Check them with: cargo test -p exercises --test lesson01

use std::net::{IpAddr, Ipv4Addr};

// ANCHOR: bytes_on_the_wire
/// The largest TCP payload one Ethernet frame carries: 1500 bytes of IP
/// packet, minus 20 bytes of IPv4 header and 20 of TCP header.
pub const MSS: usize = 1460;

/// What the layers wrap around one segment's data: TCP header (20), IPv4
/// header (20), Ethernet header (14) and the Ethernet checksum, the FCS (4).
pub const OVERHEAD_PER_FRAME: usize = 20 + 20 + 14 + 4;

/// The smallest Ethernet frame, header and FCS included (IEEE 802.3).
pub const MIN_FRAME: usize = 64;

/// Exercise 1.1 ★: Count the bytes a TCP payload costs on Ethernet.
///
/// How many bytes of Ethernet frames cross the link when an application
/// sends `payload` bytes over TCP/IPv4?
///
/// - Split the data into segments of at most `MSS` bytes, the last one
///   holding what is left. Sending nothing costs nothing.
/// - Each segment travels in one frame of `OVERHEAD_PER_FRAME` bytes more
///   than its data.
/// - A frame is never shorter than `MIN_FRAME` bytes: a shorter one is
///   padded with zero bytes before its FCS. So the 4 bytes `exit` cost 64
///   bytes, not 62, and so does every segment of 6 bytes or fewer.
///
/// Leave out what is not a frame: the preamble and the gap between frames,
/// and the handshake and the acknowledgements TCP sends.
pub fn bytes_on_the_wire(payload: usize) -> usize {
    todo!(
        "Exercise 1.1: count the Ethernet bytes that carry {payload} bytes \
         of TCP data"
    )
}
// ANCHOR_END: bytes_on_the_wire

// ANCHOR: reverse_dns_name
/// Exercise 1.2 ★★: Write the reverse-DNS name of an address.
///
/// To find the name of `192.0.2.1`, a resolver asks the DNS for a `PTR`
/// record under a name built from the address, most specific part first:
///
/// - IPv4: the four bytes in decimal, last byte first, then `in-addr.arpa`:
///   `192.0.2.1` becomes `"1.2.0.192.in-addr.arpa"`.
/// - IPv6: all 32 hex digits (nibbles) of the 128 bits, the last nibble
///   first, each its own label, in lowercase, then `ip6.arpa`. Every zero
///   counts, so `2001:db8::1` becomes
///   `1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`.
///
/// An IPv4-mapped address (`::ffff:192.0.2.1`) is an IPv6 address: its name
/// is under `ip6.arpa`. Write no dot at the end.
pub fn reverse_dns_name(address: IpAddr) -> String {
    todo!("Exercise 1.2: write the reverse-DNS name of {address}")
}
// ANCHOR_END: reverse_dns_name

// ANCHOR: parse_cidr
/// Why a text is not an IPv4 block in CIDR form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CidrError {
    /// There is no `/` in the text.
    MissingSlash,
    /// The part before the first `/` is not an address
    /// `std::net::Ipv4Addr` accepts.
    BadAddress,
    /// The part after the first `/` is not a prefix length from 0 to 32
    /// in plain decimal: no sign, no space, no leading zero (`/08`).
    BadPrefix,
    /// Bits are set below the prefix, as in `192.168.0.1/24`. `network` is
    /// the block the text probably meant, `192.168.0.0`.
    HostBitsSet { network: Ipv4Addr },
}

/// Exercise 1.3 ★★: Parse an IPv4 block such as "192.168.0.0/24".
///
/// Return the network address and the prefix length:
/// `"192.168.0.0/24"` gives `Ok((192.168.0.0, 24))` and `"0.0.0.0/0"`
/// (every address) gives `Ok((0.0.0.0, 0))`.
///
/// The rules, checked in this order (the first one broken is the error):
/// a `/` is there; the address before the first `/` is valid; the prefix
/// after it is 0 to 32 in plain decimal; and no bit of the address below
/// the prefix is set (`10.1.0.0/8` is `HostBitsSet`, with `10.0.0.0`).
pub fn parse_cidr(text: &str) -> Result<(Ipv4Addr, u8), CidrError> {
    todo!("Exercise 1.3: parse {text:?} as an IPv4 network/prefix")
}
// ANCHOR_END: parse_cidr

// ANCHOR: subnet
/// What a block of addresses holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    /// The first address: the given address with its host bits cleared.
    pub network: Ipv4Addr,
    /// The last address, which reaches every host of the block; `None` for
    /// /31 and /32, which have no broadcast address.
    pub broadcast: Option<Ipv4Addr>,
    /// The first address a host may use.
    pub first_host: Ipv4Addr,
    /// The last address a host may use.
    pub last_host: Ipv4Addr,
    /// How many addresses hosts may use.
    pub hosts: u32,
}

/// Exercise 1.4 ★★: Find the network, broadcast and hosts of a block.
///
/// Describe the block of `prefix` bits that `address` is in. For
/// `192.168.1.77` and 24: network `192.168.1.0`, broadcast
/// `192.168.1.255`, hosts `192.168.1.1` to `192.168.1.254`, 254 of them:
/// the network and broadcast addresses are not given to hosts.
///
/// Two prefixes are special. A /31 has only two addresses, one at each end
/// of a point-to-point link, so it has no broadcast and both addresses
/// are hosts (RFC 3021). A /32 is a single host. A prefix over 32 is not a
/// prefix: return `None`. Mind /0: it holds 2^32 addresses.
pub fn subnet(address: Ipv4Addr, prefix: u8) -> Option<Subnet> {
    todo!("Exercise 1.4: describe the /{prefix} block around {address}")
}
// ANCHOR_END: subnet

// ANCHOR: inet_aton
/// Exercise 1.5 ★★★: Read the old short forms such as "127.1", as C does.
///
/// `ping 127.1` reaches `127.0.0.1`: the C library's `inet_aton` accepts
/// more than four decimal groups. Write it (`std` refuses these forms):
///
/// - One to four parts, separated by dots. Every part but the last is one
///   byte (at most 255); the last part fills all the bytes that are left:
///   `"127.1"` is `127.0.0.1`, `"10.65535"` is `10.0.255.255`, and
///   `"3232235777"` is `192.168.1.1`. A last part too large for the bytes
///   left (`"1.16777216"`) is an error, however many digits it has.
/// - A part is decimal (`"192"`), octal after a leading zero (`"0300"` is
///   192, so `"08"` is an error), or hex after `0x` or `0X` (`"0xc0"`, at
///   least one digit). `"0"` is zero; extra leading zeros change nothing.
/// - Nothing else: no empty part, no sign, no space, no dot at the end.
///   (The C function stops reading at a space and accepts
///   `"1.2.3.4 junk"`; refuse that.)
pub fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    todo!("Exercise 1.5: read {text:?} as inet_aton does (None if invalid)")
}
// ANCHOR_END: inet_aton

// ANCHOR: parse_services_line
/// One line of `/etc/services`: a service's name, port and protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub port: u16,
    pub protocol: String,
    pub aliases: Vec<String>,
}

/// Exercise 1.6 ★: Read one line of /etc/services.
///
/// `"http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP"` gives the service
/// `http`, port 80, protocol `tcp`, aliases `["www"]`.
///
/// - A `#` starts a comment that runs to the end of the line. A line with
///   nothing else (or with nothing at all) is `Ok(None)`.
/// - Fields are separated by spaces and tabs: the name, then `PORT/PROTOCOL`,
///   then any number of aliases.
/// - The port is 1 to 65535 in plain decimal: no sign, no leading zero.
///   The protocol is one or more lowercase ASCII letters (`tcp`, `udp`).
/// - Anything else is an error: one line that says what is wrong.
pub fn parse_services_line(line: &str) -> Result<Option<Service>, String> {
    todo!("Exercise 1.6: read the /etc/services line {line:?}")
}
// ANCHOR_END: parse_services_line
