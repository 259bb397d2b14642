//! Reference solutions for chapter 1: layers, addresses, ports.

use std::net::{IpAddr, Ipv4Addr};

// ANCHOR: bytes_on_the_wire
pub const MSS: usize = 1460;
pub const OVERHEAD_PER_FRAME: usize = 20 + 20 + 14 + 4;
pub const MIN_FRAME: usize = 64;

pub fn bytes_on_the_wire(payload: usize) -> usize {
    // Every full segment makes a frame well over the minimum.
    let full_segments = payload / MSS;
    let full = full_segments * (MSS + OVERHEAD_PER_FRAME);
    // What is left, if anything, goes in one last, possibly short, frame.
    let rest = payload % MSS;
    if rest == 0 {
        return full;
    }
    full + (rest + OVERHEAD_PER_FRAME).max(MIN_FRAME)
}
// ANCHOR_END: bytes_on_the_wire

// ANCHOR: reverse_dns_name
pub fn reverse_dns_name(address: IpAddr) -> String {
    let mut labels: Vec<String> = Vec::new();
    match address {
        IpAddr::V4(v4) => {
            for byte in v4.octets().iter().rev() {
                labels.push(byte.to_string());
            }
            labels.push("in-addr.arpa".to_string());
        }
        IpAddr::V6(v6) => {
            // Each byte holds two nibbles; the low one comes first once
            // the whole address is read backwards.
            for byte in v6.octets().iter().rev() {
                labels.push(format!("{:x}", byte & 0x0f));
                labels.push(format!("{:x}", byte >> 4));
            }
            labels.push("ip6.arpa".to_string());
        }
    }
    labels.join(".")
}
// ANCHOR_END: reverse_dns_name

// ANCHOR: parse_cidr
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CidrError {
    MissingSlash,
    BadAddress,
    BadPrefix,
    HostBitsSet { network: Ipv4Addr },
}

pub fn parse_cidr(text: &str) -> Result<(Ipv4Addr, u8), CidrError> {
    let (address, prefix) =
        text.split_once('/').ok_or(CidrError::MissingSlash)?;
    let address: Ipv4Addr =
        address.parse().map_err(|_| CidrError::BadAddress)?;
    // `u8::from_str` would take "+24" and "024": check the digits first.
    let plain = prefix.bytes().all(|b| b.is_ascii_digit())
        && !(prefix.len() > 1 && prefix.starts_with('0'));
    let prefix: u8 = match prefix.parse() {
        Ok(value) if plain && value <= 32 => value,
        _ => return Err(CidrError::BadPrefix),
    };
    let network = Ipv4Addr::from(u32::from(address) & mask(prefix));
    if network != address {
        return Err(CidrError::HostBitsSet { network });
    }
    Ok((address, prefix))
}

/// `prefix` ones on top, then zeros. Shifting a u32 by 32 would overflow,
/// so /0 (no ones at all) is a case of its own.
fn mask(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}
// ANCHOR_END: parse_cidr

// ANCHOR: subnet
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    pub network: Ipv4Addr,
    pub broadcast: Option<Ipv4Addr>,
    pub first_host: Ipv4Addr,
    pub last_host: Ipv4Addr,
    pub hosts: u32,
}

pub fn subnet(address: Ipv4Addr, prefix: u8) -> Option<Subnet> {
    if prefix > 32 {
        return None;
    }
    // Uses `mask` from Exercise 1.3: host bits all clear, then all set.
    let network = u32::from(address) & mask(prefix);
    let last = u32::from(address) | !mask(prefix);
    let (broadcast, first_host, last_host) = match prefix {
        // One host, or the two ends of a point-to-point link (RFC 3021).
        31 | 32 => (None, network, last),
        _ => (Some(last), network + 1, last - 1),
    };
    Some(Subnet {
        network: Ipv4Addr::from(network),
        broadcast: broadcast.map(Ipv4Addr::from),
        first_host: Ipv4Addr::from(first_host),
        last_host: Ipv4Addr::from(last_host),
        // At most 2^32 - 2 when there is a broadcast: it fits in a u32.
        hosts: last_host - first_host + 1,
    })
}
// ANCHOR_END: subnet

// ANCHOR: inet_aton
pub fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    // At most four parts; `splitn` stops a text of a million dots early.
    let parts: Vec<&str> = text.splitn(5, '.').collect();
    if parts.len() > 4 {
        return None;
    }
    let (last, leading) = parts.split_last()?;
    let mut octets = [0u8; 4];
    for (octet, part) in octets.iter_mut().zip(leading) {
        *octet = u8::try_from(number(part)?).ok()?;
    }
    // The last part fills the bytes the others left: its value must fit.
    let left = 4 - leading.len();
    let last = number(last)?;
    if last >> (8 * left) != 0 {
        return None;
    }
    // So it is under 2^32; its low `left` bytes go in the last places.
    let bytes = (last as u32).to_be_bytes();
    octets[leading.len()..].copy_from_slice(&bytes[leading.len()..]);
    Some(Ipv4Addr::from(octets))
}

/// One part in decimal, octal (leading 0) or hex (0x), as a u64 so that
/// anything over 32 bits is still seen as too large; `None` if invalid.
fn number(part: &str) -> Option<u64> {
    let (digits, radix) =
        match part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            Some(hex) => (hex, 16),
            None if part.len() > 1 && part.starts_with('0') => (&part[1..], 8),
            None => (part, 10),
        };
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for c in digits.chars() {
        value = value * radix + u64::from(c.to_digit(radix as u32)?);
        if value > u64::from(u32::MAX) {
            return None; // stop before a long run of digits overflows
        }
    }
    Some(value)
}
// ANCHOR_END: inet_aton

// ANCHOR: parse_services_line
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub port: u16,
    pub protocol: String,
    pub aliases: Vec<String>,
}

pub fn parse_services_line(line: &str) -> Result<Option<Service>, String> {
    let content = match line.split_once('#') {
        Some((before, _comment)) => before,
        None => line,
    };
    let mut fields = content.split([' ', '\t']).filter(|f| !f.is_empty());
    let Some(name) = fields.next() else {
        return Ok(None);
    };
    let Some(port_protocol) = fields.next() else {
        return Err(format!("{name:?} has no PORT/PROTOCOL after it"));
    };
    let Some((port, protocol)) = port_protocol.split_once('/') else {
        return Err(format!("{port_protocol:?} is not PORT/PROTOCOL"));
    };
    let plain =
        port.bytes().all(|b| b.is_ascii_digit()) && !port.starts_with('0');
    let port = match port.parse::<u16>() {
        Ok(port) if plain => port,
        _ => return Err(format!("{port:?} is not a port from 1 to 65535")),
    };
    if protocol.is_empty() || !protocol.bytes().all(|b| b.is_ascii_lowercase())
    {
        return Err(format!("{protocol:?} is not a protocol such as tcp"));
    }
    Ok(Some(Service {
        name: name.to_string(),
        port,
        protocol: protocol.to_string(),
        aliases: fields.map(String::from).collect(),
    }))
}
// ANCHOR_END: parse_services_line
