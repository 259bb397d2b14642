//! IPv6 addresses: 128 bits, written as eight 16-bit groups in hexadecimal.
//!
//! The full form `2001:0db8:0000:0000:0000:0000:0000:0001` is long, so
//! RFC 5952 fixes one short form that every program should print:
//! lowercase hex, no leading zeros in a group, and the longest run of two or
//! more all-zero groups replaced by `::`. That gives `2001:db8::1`, which is
//! exactly what Rust's `std::net::Ipv6Addr` prints.

use std::fmt;

use super::ipv4::{Ipv4Error, format_ipv4, parse_ipv4};
use super::quoted;

/// Why a piece of text is not an IPv6 address.
///
/// The rules are those of `std::net::Ipv6Addr::from_str`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv6Error {
    /// The text is empty.
    Empty,
    /// `::` may stand only once, or the reader could not tell how many
    /// zero groups each one hides.
    DoubleColonTwice,
    /// Without `::` an address needs exactly eight groups.
    GroupCount { found: usize },
    /// With `::` at most seven groups may be written: `::` hides at least one.
    TooManyGroups { found: usize },
    /// A lone `:` at either end, or `:::`.
    EmptyGroup { group: usize },
    /// A group with more than four hex digits: it would not fit 16 bits.
    GroupTooLong { group: usize, text: String },
    /// A character that is not a hexadecimal digit.
    NotAHexDigit { group: usize, found: char },
    /// An embedded IPv4 part (as in `::ffff:192.0.2.1`) that is not valid.
    BadIpv4Part { text: String, reason: Ipv4Error },
    /// An embedded IPv4 part that is not the last thing in the address.
    Ipv4PartNotLast,
}

impl fmt::Display for Ipv6Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ipv6Error::Empty => write!(f, "it is empty"),
            Ipv6Error::DoubleColonTwice => write!(
                f,
                "\"::\" appears more than once, so nobody can tell how many \
                 zero groups each one stands for"
            ),
            Ipv6Error::GroupCount { found } => write!(
                f,
                "it has {found} group{}; without \"::\" IPv6 needs exactly 8",
                if *found == 1 { "" } else { "s" }
            ),
            Ipv6Error::TooManyGroups { found } => write!(
                f,
                "it has {found} groups and a \"::\", which must stand for at \
                 least one more; 8 is the most"
            ),
            Ipv6Error::EmptyGroup { group } => write!(
                f,
                "group {group} is empty (a single \":\" at an end, or \":::\")"
            ),
            Ipv6Error::GroupTooLong { group, text } => write!(
                f,
                "group {group} is {}: more than 4 hex digits do not fit \
                 in 16 bits",
                quoted(text)
            ),
            Ipv6Error::NotAHexDigit { group, found } => write!(
                f,
                "group {group} has {found:?}, which is not a hexadecimal digit"
            ),
            Ipv6Error::BadIpv4Part { text, reason } => {
                write!(
                    f,
                    "the IPv4 part {} is not valid: {reason}",
                    quoted(text)
                )
            }
            Ipv6Error::Ipv4PartNotLast => {
                write!(
                    f,
                    "an IPv4 part (with dots) may only come at the very end"
                )
            }
        }
    }
}

impl std::error::Error for Ipv6Error {}

// ANCHOR: parse
/// Parses IPv6 text such as `2001:db8::1` into its 128-bit value.
pub fn parse_ipv6(text: &str) -> Result<u128, Ipv6Error> {
    if text.is_empty() {
        return Err(Ipv6Error::Empty);
    }
    let mut head = Groups::default();
    let mut tail = Groups::default();
    // Split at the `::`, if there is one. What comes before it is the head,
    // what comes after is the tail, and the gap between is all zeros.
    match text.split_once("::") {
        None => {
            head.parse(text, 1)?;
            if head.len != 8 {
                return Err(Ipv6Error::GroupCount { found: head.len });
            }
        }
        Some((head_text, tail_text)) => {
            if tail_text.contains("::") {
                return Err(Ipv6Error::DoubleColonTwice);
            }
            if head_text.contains('.') {
                return Err(Ipv6Error::Ipv4PartNotLast);
            }
            head.parse(head_text, 1)?;
            tail.parse(tail_text, head.len + 1)?;
            let written = head.len + tail.len;
            if written > 7 {
                return Err(Ipv6Error::TooManyGroups { found: written });
            }
        }
    }
    // Eight 16-bit groups, first group most significant: the head's
    // groups, then as many zero groups as `::` stands for, then the tail's.
    let zeros = 8 - head.len - tail.len;
    let groups = head
        .written()
        .iter()
        .chain(std::iter::repeat_n(&0, zeros))
        .chain(tail.written());
    Ok(groups.fold(0u128, |value, &group| (value << 16) | u128::from(group)))
}

/// Up to eight groups parsed from one side of a `::`.
#[derive(Default)]
struct Groups {
    groups: [u16; 8],
    len: usize,
}

impl Groups {
    fn written(&self) -> &[u16] {
        &self.groups[..self.len]
    }

    fn push(&mut self, group: u16) -> Result<(), Ipv6Error> {
        // More than eight groups can never fit; stop before overflowing.
        if self.len == 8 {
            return Err(Ipv6Error::GroupCount { found: 9 });
        }
        self.groups[self.len] = group;
        self.len += 1;
        Ok(())
    }

    /// Parses `a:b:c`, where the last piece may be an embedded IPv4
    /// address (two groups' worth). An empty text has no groups. `first`
    /// is the number of the first group, for error messages.
    fn parse(&mut self, text: &str, first: usize) -> Result<(), Ipv6Error> {
        if text.is_empty() {
            return Ok(());
        }
        let mut pieces = text.split(':').peekable();
        while let Some(piece) = pieces.next() {
            let is_last = pieces.peek().is_none();
            if piece.contains('.') {
                if !is_last {
                    return Err(Ipv6Error::Ipv4PartNotLast);
                }
                let ipv4 = parse_ipv4(piece).map_err(|reason| {
                    Ipv6Error::BadIpv4Part {
                        text: piece.to_string(),
                        reason,
                    }
                })?;
                // 32 bits fill two 16-bit groups.
                self.push((ipv4 >> 16) as u16)?;
                self.push(ipv4 as u16)?;
            } else {
                self.push(parse_hex_group(piece, first + self.len)?)?;
            }
        }
        Ok(())
    }
}

/// Parses one group of one to four hex digits.
fn parse_hex_group(text: &str, group: usize) -> Result<u16, Ipv6Error> {
    if text.is_empty() {
        return Err(Ipv6Error::EmptyGroup { group });
    }
    let mut value: u16 = 0;
    for (count, c) in text.chars().enumerate() {
        let Some(digit) = c.to_digit(16) else {
            return Err(Ipv6Error::NotAHexDigit { group, found: c });
        };
        if count == 4 {
            let text = text.to_string();
            return Err(Ipv6Error::GroupTooLong { group, text });
        }
        // Four hex digits are exactly 16 bits, so this cannot overflow.
        value = (value << 4) | digit as u16;
    }
    Ok(value)
}
// ANCHOR_END: parse

/// The eight 16-bit groups of a 128-bit value, first group first.
pub fn groups(value: u128) -> [u16; 8] {
    let mut groups = [0u16; 8];
    for (index, group) in groups.iter_mut().enumerate() {
        *group = (value >> (112 - 16 * index)) as u16;
    }
    groups
}

/// The full form: eight groups of exactly four lowercase hex digits.
pub fn format_full(value: u128) -> String {
    let groups: Vec<String> =
        groups(value).iter().map(|g| format!("{g:04x}")).collect();
    groups.join(":")
}

// ANCHOR: format
/// Writes a 128-bit value in the RFC 5952 short form, as `std::net` does.
pub fn format_ipv6(value: u128) -> String {
    // IPv4-mapped addresses (`::ffff:a.b.c.d`) keep their IPv4 part dotted,
    // because that is how people recognise them.
    if value >> 32 == 0xffff {
        return format!("::ffff:{}", format_ipv4(value as u32));
    }
    let groups = groups(value);
    let hex = |range: &[u16]| -> String {
        let texts: Vec<String> =
            range.iter().map(|g| format!("{g:x}")).collect();
        texts.join(":")
    };
    match longest_zero_run(&groups) {
        // Only a run of two or more zero groups is worth a `::`.
        Some((start, len)) if len >= 2 => {
            let head = hex(&groups[..start]);
            let tail = hex(&groups[start + len..]);
            format!("{head}::{tail}")
        }
        _ => hex(&groups),
    }
}

/// The first longest run of zero groups, as (start, length).
pub fn longest_zero_run(groups: &[u16; 8]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    while start < groups.len() {
        if groups[start] != 0 {
            start += 1;
            continue;
        }
        let len = groups[start..].iter().take_while(|&&g| g == 0).count();
        // `>` rather than `>=`: on a tie the first run wins (RFC 5952 4.2.3).
        if best.is_none_or(|(_, best_len)| len > best_len) {
            best = Some((start, len));
        }
        start += len;
    }
    best
}
// ANCHOR_END: format
