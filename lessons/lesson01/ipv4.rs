//! IPv4 addresses: 32 bits, written as four 8-bit groups in decimal.
//!
//! `192.168.0.1` is the integer `192 * 2^24 + 168 * 2^16 + 0 * 2^8 + 1`,
//! that is `3232235521`. The dots are for people; the packet header holds
//! the four bytes, most significant first ("network byte order").

use std::fmt;

use super::{quoted, shortened};

/// Why a piece of text is not an IPv4 address.
///
/// The rules are the ones `std::net::Ipv4Addr::from_str` enforces: exactly
/// four groups, each one to three decimal digits, each at most 255, and no
/// leading zero (`01` could mean octal to some older tools, so it is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv4Error {
    /// The text is empty.
    Empty,
    /// The text does not have exactly four dot-separated groups.
    GroupCount { found: usize },
    /// Two dots in a row, or a dot at either end.
    EmptyGroup { group: usize },
    /// A character that is not a decimal digit.
    NotADigit { group: usize, found: char },
    /// A group such as `01` or `007`.
    LeadingZero { group: usize, text: String },
    /// A group over 255: it does not fit in 8 bits.
    TooLarge { group: usize, text: String },
}

impl fmt::Display for Ipv4Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ipv4Error::Empty => write!(f, "it is empty"),
            Ipv4Error::GroupCount { found } => write!(
                f,
                "it has {found} group{} separated by dots; IPv4 has exactly 4",
                if *found == 1 { "" } else { "s" }
            ),
            Ipv4Error::EmptyGroup { group } => {
                write!(f, "group {group} is empty")
            }
            Ipv4Error::NotADigit { group, found } => {
                write!(
                    f,
                    "group {group} has {found:?}, which is not a decimal digit"
                )
            }
            Ipv4Error::LeadingZero { group, text } => write!(
                f,
                "group {group} is {}: a leading zero is not allowed \
                 (some tools would read it as octal)",
                quoted(text)
            ),
            Ipv4Error::TooLarge { group, text } => write!(
                f,
                "group {group} is {}, but a group is 8 bits and holds at \
                 most 255",
                shortened(text)
            ),
        }
    }
}

impl std::error::Error for Ipv4Error {}

// ANCHOR: parse
/// Parses dotted-quad text such as `192.168.0.1` into its 32-bit value.
///
/// The rules are checked one at a time, in a fixed order, so that the
/// error names the first rule the text breaks.
pub fn parse_ipv4(text: &str) -> Result<u32, Ipv4Error> {
    if text.is_empty() {
        return Err(Ipv4Error::Empty);
    }
    // Count the groups first, so the error for `1.2.3` is about the count.
    let found = text.split('.').count();
    if found != 4 {
        return Err(Ipv4Error::GroupCount { found });
    }
    let mut value: u32 = 0;
    for (index, group) in text.split('.').enumerate() {
        let octet = parse_octet(group, index + 1)?;
        // Shift what we have up by one group (8 bits) and put the new
        // group in the low 8 bits: the first group ends up on top.
        value = (value << 8) | u32::from(octet);
    }
    Ok(value)
}

/// Parses one decimal group, `0` to `255`. `group` counts from 1.
fn parse_octet(text: &str, group: usize) -> Result<u8, Ipv4Error> {
    if text.is_empty() {
        return Err(Ipv4Error::EmptyGroup { group });
    }
    if let Some(found) = text.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Ipv4Error::NotADigit { group, found });
    }
    if text.len() > 1 && text.starts_with('0') {
        let text = text.to_string();
        return Err(Ipv4Error::LeadingZero { group, text });
    }
    // Only digits are left, so `parse` can fail only when the number is
    // too large: for `u8`, over 255 (however many digits it has).
    text.parse::<u8>().map_err(|_| Ipv4Error::TooLarge {
        group,
        text: text.to_string(),
    })
}
// ANCHOR_END: parse

// ANCHOR: format
/// Writes a 32-bit value as dotted-quad text, most significant group first.
pub fn format_ipv4(value: u32) -> String {
    let [a, b, c, d] = value.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}
// ANCHOR_END: format

/// The value in binary, one 8-bit group per dotted group:
/// `11000000 10101000 00000000 00000001` for `192.168.0.1`.
pub fn binary_groups(value: u32) -> String {
    let groups: Vec<String> = value
        .to_be_bytes()
        .iter()
        .map(|byte| format!("{byte:08b}"))
        .collect();
    groups.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_the_first_rule_broken() {
        assert_eq!(parse_ipv4("192.168.0.1"), Ok(0xc0a8_0001));
        assert_eq!(parse_ipv4("0.0.0.0"), Ok(0));
        assert_eq!(parse_ipv4("255.255.255.255"), Ok(u32::MAX));
        for (text, error) in [
            ("", Ipv4Error::Empty),
            ("1.2.3", Ipv4Error::GroupCount { found: 3 }),
            ("1..3.4", Ipv4Error::EmptyGroup { group: 2 }),
            (
                "1.2.3.+4",
                Ipv4Error::NotADigit {
                    group: 4,
                    found: '+',
                },
            ),
            (
                "1.2.3.\u{664}",
                Ipv4Error::NotADigit {
                    group: 4,
                    found: '\u{664}',
                },
            ),
            (
                "01.2.3.4",
                Ipv4Error::LeadingZero {
                    group: 1,
                    text: "01".into(),
                },
            ),
            (
                "1.2.3.99999999999",
                Ipv4Error::TooLarge {
                    group: 4,
                    text: "99999999999".into(),
                },
            ),
        ] {
            assert_eq!(parse_ipv4(text), Err(error), "{text:?}");
        }
    }
}
