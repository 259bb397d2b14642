//! Exercises for chapter 6: see the packets, TCP segment by segment.
//!
//! Check them with: cargo test -p exercises --test lesson06

// ANCHOR: ipv4_checksum
/// Exercise 6.1 ★★: Compute an IPv4 header's checksum by hand.
///
/// `packet` starts with an IPv4 header (more bytes may follow: the TCP
/// segment; ignore them). Return the value the Header Checksum field
/// (bytes 10 and 11) must hold, as RFC 791 and RFC 1071 compute it:
///
/// - take the header as big-endian 16-bit words, with the checksum
///   field itself counted as 0 (whatever it holds now);
/// - add them up, then add any carry above 16 bits back into the low 16
///   bits, until there is none ("ones' complement sum");
/// - return the sum with every bit flipped (`!sum`).
///
/// The header is IHL × 4 bytes long (IHL is the low half of byte 0).
/// Return an error (one line, your words) if `packet` is shorter than 20
/// bytes, its version (the high half of byte 0) is not 4, IHL is below
/// 5, or `packet` is shorter than IHL × 4.
pub fn ipv4_checksum(packet: &[u8]) -> Result<u16, String> {
    todo!("Exercise 6.1: the checksum of the IPv4 header in {packet:02x?}")
}
// ANCHOR_END: ipv4_checksum

// ANCHOR: tcpdump_flags
/// Exercise 6.2 ★: Turn tcpdump's flags, such as "S.", into the byte.
///
/// tcpdump writes a segment's flags as letters: `F` FIN (bit 0, 0x01),
/// `S` SYN (0x02), `R` RST (0x04), `P` PSH (0x08), `.` ACK (0x10), `U`
/// URG (0x20), `E` ECE (0x40), `W` CWR (0x80); and `none` when no flag
/// is set. Return the flags byte of the TCP header (byte 13): `"S."`
/// is `0x12`, `"none"` is `0`. Letters may come in any order, each at
/// most once. An empty text, an unknown character or a letter given
/// twice is an error (one line, your words).
pub fn tcpdump_flags(flags: &str) -> Result<u8, String> {
    todo!("Exercise 6.2: the flags byte for {flags:?}")
}
// ANCHOR_END: tcpdump_flags

// ANCHOR: predict_segments
/// Exercise 6.3 ★★: Predict the segments of one write.
///
/// A sender's next sequence number is `next`; its program writes
/// `len` bytes at once. The peer announced a maximum segment size `mss`
/// and a window of `window` bytes. Return the segments the sender may
/// send before any ACK comes back, in order, as (sequence number,
/// length): each as long as possible, but never longer than `mss`,
/// and never past the window or the end of the data. Sequence numbers
/// wrap around after `u32::MAX`. If `mss` or `window` is 0, nothing
/// may be sent. Example: `(1, 5000, 1460, 8192)` gives
/// `[(1, 1460), (1461, 1460), (2921, 1460), (4381, 620)]`.
pub fn predict_segments(
    next: u32,
    len: usize,
    mss: usize,
    window: usize,
) -> Vec<(u32, usize)> {
    todo!("Exercise 6.3: the segments of a {len}-byte write from {next}")
}
// ANCHOR_END: predict_segments

// ANCHOR: tcp_checksum
/// Exercise 6.4 ★★: Compute a TCP checksum, pseudo-header included.
///
/// `segment` is a whole TCP segment (header and data) sent from IPv4
/// address `src` to `dst`. Return the value its Checksum field (bytes
/// 16 and 17 of the segment) must hold. It is the same sum as the IPv4
/// header's (ones' complement of the ones' complement sum of 16-bit
/// words, the checksum field counted as 0), taken over:
///
/// - a 12-byte pseudo-header: `src`, `dst`, a zero byte, the protocol
///   number 6, and the segment's length as a 16-bit number;
/// - then the segment, with one zero byte added at the end if its
///   length is odd.
///
/// A segment shorter than 20 bytes (a TCP header's least) or longer than
/// 65535 bytes is an error (one line, your words).
pub fn tcp_checksum(
    src: [u8; 4],
    dst: [u8; 4],
    segment: &[u8],
) -> Result<u16, String> {
    todo!("Exercise 6.4: the TCP checksum of {} bytes", segment.len())
}
// ANCHOR_END: tcp_checksum

// ANCHOR: reassemble
/// Exercise 6.5 ★★★: Put segments back in order, as a receiver does.
///
/// The peer's SYN carried sequence number `isn`, so its data starts at
/// `isn + 1` (wrapping). `segments` are the (sequence number, data) of
/// the segments that arrived, in the order they arrived: some may come
/// early (after a loss), twice (a retransmission), or overlap. Return
/// the bytes a `read` could return by now, in order and without gaps
/// (what comes after a gap waits), and the acknowledgement number the
/// receiver sends: the sequence number of the next byte it expects.
///
/// - A byte received twice counts once, as first received.
/// - Sequence numbers compare within half the circle: a segment that
///   starts 1 to 2³¹ - 1 numbers after the next expected byte comes
///   after a gap and waits; any other starts at or before it, and only
///   its bytes from the next expected one on are new.
///
/// Example: with `isn` 0, `[(4, b"de"), (1, b"abcd")]` gives
/// `(b"abcde".to_vec(), 6)`.
pub fn reassemble(isn: u32, segments: &[(u32, &[u8])]) -> (Vec<u8>, u32) {
    todo!(
        "Exercise 6.5: reassemble {} segments after {isn}",
        segments.len()
    )
}
// ANCHOR_END: reassemble
