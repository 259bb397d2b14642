//! Reference solutions for chapter 1: layers, addresses, ports.

// ANCHOR: bytes_on_the_wire
pub const MSS: usize = 1460;
pub const OVERHEAD_PER_FRAME: usize = 20 + 20 + 14 + 4;

pub fn bytes_on_the_wire(payload: usize) -> usize {
    // Round up: 1461 bytes need two segments. `div_ceil` does exactly that.
    let segments = payload.div_ceil(MSS);
    payload + segments * OVERHEAD_PER_FRAME
}
// ANCHOR_END: bytes_on_the_wire

// ANCHOR: dotted_to_u32
pub fn dotted_to_u32(text: &str) -> Option<u32> {
    let groups: Vec<&str> = text.split('.').collect();
    if groups.len() != 4 {
        return None;
    }
    let mut value = 0u32;
    for group in groups {
        let digits_only =
            !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit());
        let leading_zero = group.len() > 1 && group.starts_with('0');
        if !digits_only || leading_zero || group.len() > 3 {
            return None;
        }
        // Three digits at most, so this parse cannot fail; `?` is still
        // tidier than an unwrap. u8 refuses 256 to 999 for us.
        let octet: u8 = group.parse().ok()?;
        value = (value << 8) | u32::from(octet);
    }
    Some(value)
}
// ANCHOR_END: dotted_to_u32

// ANCHOR: u32_to_dotted
pub fn u32_to_dotted(value: u32) -> String {
    let [a, b, c, d] = value.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}
// ANCHOR_END: u32_to_dotted

// ANCHOR: ipv6_short_form
pub fn ipv6_short_form(groups: [u16; 8]) -> String {
    // Find the first longest run of zero groups.
    let (mut best_start, mut best_len) = (0, 0);
    let mut index = 0;
    while index < 8 {
        let len = groups[index..].iter().take_while(|&&g| g == 0).count();
        if len > best_len {
            (best_start, best_len) = (index, len);
        }
        index += len.max(1);
    }
    let hex = |part: &[u16]| {
        let texts: Vec<String> =
            part.iter().map(|g| format!("{g:x}")).collect();
        texts.join(":")
    };
    if best_len < 2 {
        return hex(&groups);
    }
    let head = hex(&groups[..best_start]);
    let tail = hex(&groups[best_start + best_len..]);
    format!("{head}::{tail}")
}
// ANCHOR_END: ipv6_short_form

// ANCHOR: same_subnet
pub fn same_subnet(a: u32, b: u32, prefix_len: u8) -> bool {
    // The mask has `prefix_len` ones on top. Shifting a u32 by 32 is an
    // overflow, so a /0 mask (no ones at all) gets its own case.
    let mask = u32::MAX
        .checked_shl(32 - u32::from(prefix_len))
        .unwrap_or(0);
    a & mask == b & mask
}
// ANCHOR_END: same_subnet

// ANCHOR: classify_port
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortBlock {
    Zero,
    System,
    Registered,
    Dynamic,
}

pub fn classify_port(port: u16) -> PortBlock {
    match port {
        0 => PortBlock::Zero,
        1..=1023 => PortBlock::System,
        1024..=49151 => PortBlock::Registered,
        _ => PortBlock::Dynamic,
    }
}
// ANCHOR_END: classify_port
