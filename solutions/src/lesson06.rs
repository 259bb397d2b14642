//! Solutions for chapter 6: see the packets, TCP segment by segment.

/// The ones' complement sum of big-endian 16-bit words, an odd last byte
/// padded with zero, carries folded back in.
fn ones_complement_sum(chunks: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for chunk in chunks {
        for pair in chunk.chunks(2) {
            let high = u32::from(pair[0]) << 8;
            let low = pair.get(1).map_or(0, |&b| u32::from(b));
            sum += high | low;
            // Fold as we go: the sum never overflows.
            sum = (sum & 0xffff) + (sum >> 16);
        }
    }
    sum as u16
}

// ANCHOR: ipv4_checksum
/// Exercise 6.1 ★★: Compute an IPv4 header's checksum by hand.
pub fn ipv4_checksum(packet: &[u8]) -> Result<u16, String> {
    if packet.len() < 20 {
        return Err(format!("{} bytes: too short for IPv4", packet.len()));
    }
    if packet[0] >> 4 != 4 {
        return Err(format!("version {}, not 4", packet[0] >> 4));
    }
    let len = usize::from(packet[0] & 0x0f) * 4;
    if len < 20 || packet.len() < len {
        return Err(format!("a header of {len} bytes cannot be"));
    }
    let sum = ones_complement_sum(&[&packet[..10], &packet[12..len]]);
    Ok(!sum)
}
// ANCHOR_END: ipv4_checksum

// ANCHOR: tcpdump_flags
/// Exercise 6.2 ★: Turn tcpdump's flags, such as "S.", into the byte.
pub fn tcpdump_flags(flags: &str) -> Result<u8, String> {
    if flags == "none" {
        return Ok(0);
    }
    if flags.is_empty() {
        return Err("no flags: tcpdump writes none".into());
    }
    let mut byte = 0u8;
    for letter in flags.chars() {
        let bit = match letter {
            'F' => 0x01,
            'S' => 0x02,
            'R' => 0x04,
            'P' => 0x08,
            '.' => 0x10,
            'U' => 0x20,
            'E' => 0x40,
            'W' => 0x80,
            other => return Err(format!("{other:?} is not a flag")),
        };
        if byte & bit != 0 {
            return Err(format!("{letter:?} twice"));
        }
        byte |= bit;
    }
    Ok(byte)
}
// ANCHOR_END: tcpdump_flags

// ANCHOR: predict_segments
/// Exercise 6.3 ★★: Predict the segments of one write.
pub fn predict_segments(
    next: u32,
    len: usize,
    mss: usize,
    window: usize,
) -> Vec<(u32, usize)> {
    let total = len.min(window);
    if mss == 0 {
        return Vec::new(); // and `step_by(0)` would panic
    }
    (0..total)
        .step_by(mss)
        .map(|offset| {
            let size = mss.min(total - offset);
            (next.wrapping_add(offset as u32), size)
        })
        .collect()
}
// ANCHOR_END: predict_segments

// ANCHOR: tcp_checksum
/// Exercise 6.4 ★★: Compute a TCP checksum, pseudo-header included.
pub fn tcp_checksum(
    src: [u8; 4],
    dst: [u8; 4],
    segment: &[u8],
) -> Result<u16, String> {
    let Ok(len) = u16::try_from(segment.len()) else {
        return Err(format!("{} bytes: too long", segment.len()));
    };
    if len < 20 {
        return Err(format!("{len} bytes: too short for a TCP header"));
    }
    let [high, low] = len.to_be_bytes();
    let pseudo = [0, 6, high, low];
    let sum = ones_complement_sum(&[
        &src,
        &dst,
        &pseudo,
        &segment[..16],
        &segment[18..],
    ]);
    Ok(!sum)
}
// ANCHOR_END: tcp_checksum

// ANCHOR: reassemble
/// Exercise 6.5 ★★★: Put segments back in order, as a receiver does.
pub fn reassemble(isn: u32, segments: &[(u32, &[u8])]) -> (Vec<u8>, u32) {
    let first = isn.wrapping_add(1);
    let mut stream: Vec<u8> = Vec::new();
    let mut waiting: Vec<(u32, &[u8])> = Vec::new();
    for &segment in segments {
        waiting.push(segment);
        // Deliver, in arrival order, every segment that starts at or
        // before the next byte we expect. Each round removes one.
        loop {
            let next = first.wrapping_add(stream.len() as u32);
            let fits = waiting.iter().position(|&(seq, _)| {
                let ahead = seq.wrapping_sub(next);
                ahead == 0 || ahead >= 1 << 31
            });
            let Some(i) = fits else { break };
            let (seq, data) = waiting.remove(i);
            // Skip the bytes we have already (all of them, maybe).
            let have = next.wrapping_sub(seq) as usize;
            if let Some(new) = data.get(have..) {
                stream.extend_from_slice(new);
            }
        }
    }
    let ack = first.wrapping_add(stream.len() as u32);
    (stream, ack)
}
// ANCHOR_END: reassemble
