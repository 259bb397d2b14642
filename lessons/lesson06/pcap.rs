//! The classic pcap capture format, which Wireshark and tcpdump read.
//!
//! ```text
//!  file header, 24 bytes (little-endian numbers here)
//!    magic 0xa1b2c3d4 | version 2.4 | time zone 0 | accuracy 0
//!    | snapshot length | link type (1 = Ethernet)
//!  then for each frame, a 16-byte record header and the frame:
//!    seconds | microseconds | bytes saved | bytes on the wire | frame
//! ```

use super::link::Frame;

/// The magic number that opens a pcap file (microsecond timestamps).
pub const MAGIC: u32 = 0xa1b2_c3d4;
/// The link type of an Ethernet capture.
pub const LINKTYPE_ETHERNET: u32 = 1;

// ANCHOR: pcap
/// The whole capture file for these frames. A frame the link lost is
/// left out: a capture shows what a receiver could have seen.
pub fn capture(frames: &[Frame]) -> Vec<u8> {
    let mut file = Vec::new();
    file.extend_from_slice(&MAGIC.to_le_bytes());
    file.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
    file.extend_from_slice(&4u16.to_le_bytes());
    file.extend_from_slice(&0i32.to_le_bytes()); // time zone: UTC
    file.extend_from_slice(&0u32.to_le_bytes()); // timestamp accuracy
    file.extend_from_slice(&65535u32.to_le_bytes()); // snapshot length
    file.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
    for frame in frames.iter().filter(|f| !f.dropped) {
        let micros = frame.millis * 1000;
        let seconds = (micros / 1_000_000) as u32;
        let micros = (micros % 1_000_000) as u32;
        let len = frame.bytes.len() as u32;
        file.extend_from_slice(&seconds.to_le_bytes());
        file.extend_from_slice(&micros.to_le_bytes());
        file.extend_from_slice(&len.to_le_bytes()); // bytes saved
        file.extend_from_slice(&len.to_le_bytes()); // bytes on the wire
        file.extend_from_slice(&frame.bytes);
    }
    file
}
// ANCHOR_END: pcap
