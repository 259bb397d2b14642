//! Exercises for chapter 1: layers, addresses, ports.
//!
//! Check them with: cargo test -p exercises --test lesson01

// ANCHOR: bytes_on_the_wire
/// The largest TCP payload one Ethernet frame carries: 1500 bytes of IP
/// packet, minus 20 bytes of IPv4 header and 20 of TCP header.
pub const MSS: usize = 1460;

/// What each layer wraps around one segment's data: TCP header (20), IPv4
/// header (20), Ethernet header (14) and the Ethernet checksum (4).
pub const OVERHEAD_PER_FRAME: usize = 20 + 20 + 14 + 4;

/// Exercise 1.1 ★: Count the bytes a TCP payload costs on an Ethernet link.
///
/// How many bytes cross the Ethernet link when an application
/// sends `payload` bytes over TCP/IPv4? Split the data into segments of at
/// most `MSS` bytes; every segment costs `OVERHEAD_PER_FRAME` more. Sending
/// nothing costs nothing. (Real links add a preamble and a gap between
/// frames, and TCP adds handshakes and ACKs; leave those out.)
pub fn bytes_on_the_wire(payload: usize) -> usize {
    todo!(
        "Exercise 1.1: count the bytes on the wire for {payload} bytes of TCP data"
    )
}
// ANCHOR_END: bytes_on_the_wire

// ANCHOR: dotted_to_u32
/// Exercise 1.2 ★: Parse a dotted quad into a u32.
///
/// Parse dotted-quad text such as `"192.168.0.1"` into its
/// 32-bit value (`3232235521`), first group in the top 8 bits.
///
/// Return `None` for anything `std::net::Ipv4Addr` would refuse: not
/// exactly four groups, a group that is empty, not all decimal digits,
/// over 255, or written with a leading zero (`"01"`).
pub fn dotted_to_u32(text: &str) -> Option<u32> {
    todo!(
        "Exercise 1.2: parse {text:?} as a dotted quad into a u32 (None if invalid)"
    )
}
// ANCHOR_END: dotted_to_u32

// ANCHOR: u32_to_dotted
/// Exercise 1.3 ★: Write a u32 as a dotted quad.
///
/// The way back: write a 32-bit value as a dotted quad, so
/// `3232235521` becomes `"192.168.0.1"`.
pub fn u32_to_dotted(value: u32) -> String {
    todo!(
        "Exercise 1.3: write {value} as a dotted quad such as \"192.168.0.1\""
    )
}
// ANCHOR_END: u32_to_dotted

// ANCHOR: ipv6_short_form
/// Exercise 1.4 ★★: Write an IPv6 address in the RFC 5952 short form.
///
/// Write eight 16-bit groups in the RFC 5952 short form:
/// lowercase hex without leading zeros, and the longest run of two or more
/// zero groups (the first, on a tie) replaced by `"::"`.
///
/// `[0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]` becomes `"2001:db8::1"`. Leave the
/// IPv4-mapped special case out: no test gives you `::ffff:a.b.c.d`.
pub fn ipv6_short_form(groups: [u16; 8]) -> String {
    todo!("Exercise 1.4: write {groups:x?} in the RFC 5952 short form")
}
// ANCHOR_END: ipv6_short_form

// ANCHOR: same_subnet
/// Exercise 1.5 ★: Tell whether two addresses share a subnet.
///
/// Are two IPv4 addresses in the same subnet of the given
/// prefix length? With prefix 24, `192.168.1.7` and `192.168.1.200` are
/// (their top 24 bits agree) but `192.168.2.7` is not. Prefix 0 puts every
/// address in one subnet; prefix 32 only an address with itself.
pub fn same_subnet(a: u32, b: u32, prefix_len: u8) -> bool {
    todo!(
        "Exercise 1.5: do {a:#x} and {b:#x} share their top {prefix_len} bits?"
    )
}
// ANCHOR_END: same_subnet

// ANCHOR: classify_port
/// The blocks IANA divides port numbers into (RFC 6335).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortBlock {
    /// Port 0: "let the operating system pick one".
    Zero,
    /// 1-1023: system ports, which need privileges to bind on Unix.
    System,
    /// 1024-49151: registered ports.
    Registered,
    /// 49152-65535: dynamic (ephemeral) ports.
    Dynamic,
}

/// Exercise 1.6 ★: Sort a port number into its IANA block.
///
/// Which block is `port` in?
pub fn classify_port(port: u16) -> PortBlock {
    todo!("Exercise 1.6: say which PortBlock port {port} belongs to")
}
// ANCHOR_END: classify_port
