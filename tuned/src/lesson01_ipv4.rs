//! The tuned IPv4 parser: the same answers as
//! `lessons::lesson01::ipv4::parse_ipv4`, with a quick path in front for
//! well-formed addresses and a careful path that works on bytes.

use lessons::lesson01::ipv4::Ipv4Error;

// ANCHOR: parse
/// Parses dotted-quad text such as `192.168.0.1` into its 32-bit value.
pub fn parse_ipv4(text: &str) -> Result<u32, Ipv4Error> {
    // Nearly every address a program parses is well-formed. The quick
    // path reads those in one pass; anything else takes the careful path
    // below, which finds out what is wrong and says so.
    if let Some(value) = parse_ipv4_quickly(text.as_bytes()) {
        return Ok(value);
    }
    // The careful path: each rule in turn, so the error names the first
    // one broken.
    if text.is_empty() {
        return Err(Ipv4Error::Empty);
    }
    // A valid address is all ASCII, so we work on its bytes: checking and
    // splitting bytes is several times cheaper than doing the same with
    // `char`s, which may be up to four bytes long and must be decoded.
    // (Any other character is not a digit, and is reported as one.)
    // Count the groups first, so the error for `1.2.3` is about the count.
    let dots = text.bytes().filter(|&byte| byte == b'.').count();
    let found = dots + 1;
    if found != 4 {
        return Err(Ipv4Error::GroupCount { found });
    }
    let mut value: u32 = 0;
    let groups = text.as_bytes().split(|&byte| byte == b'.');
    for (index, group) in groups.enumerate() {
        let octet = parse_octet(group, index + 1)?;
        value = (value << 8) | u32::from(octet);
    }
    Ok(value)
}

/// The quick path: a well-formed address in one pass over its bytes,
/// with nothing to build on the way. `None` means "not a clean address"
/// (it does not say why; the careful path does).
pub fn parse_ipv4_quickly(text: &[u8]) -> Option<u32> {
    // The groups read so far; then the one being read, its digits so
    // far, and the dots seen.
    let mut value: u32 = 0;
    let (mut group, mut digits, mut dots) = (0u32, 0, 0);
    for &byte in text {
        match byte {
            // At most three digits, and no digit after a leading `0`.
            b'0'..=b'9' if digits < 3 && (digits == 0 || group > 0) => {
                group = group * 10 + u32::from(byte - b'0');
                digits += 1;
            }
            // A dot ends a group that has digits and fits in 8 bits.
            b'.' if digits > 0 && group <= 255 && dots < 3 => {
                value = (value << 8) | group;
                (group, digits, dots) = (0, 0, dots + 1);
            }
            _ => return None,
        }
    }
    // The end of the text ends the fourth group.
    let complete = dots == 3 && digits > 0 && group <= 255;
    complete.then_some((value << 8) | group)
}
// ANCHOR_END: parse

// ANCHOR: octet
/// Parses one decimal group, `0` to `255`. `group` counts from 1.
fn parse_octet(digits: &[u8], group: usize) -> Result<u8, Ipv4Error> {
    // The group as text, for error messages only. Cutting at the ASCII
    // `.` never splits a character, so the text is exactly what was typed.
    let text = || String::from_utf8_lossy(digits).into_owned();
    if digits.is_empty() {
        return Err(Ipv4Error::EmptyGroup { group });
    }
    // One pass over the bytes: check that each is a digit, and add it to
    // the value. On a very long group the value would overflow a `u32`;
    // the saturating operations stop at `u32::MAX` instead, which is
    // too large all the same.
    let mut value: u32 = 0;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            let not_digit = |c: &char| !c.is_ascii_digit();
            let found = text().chars().find(not_digit).unwrap_or_default();
            return Err(Ipv4Error::NotADigit { group, found });
        }
        let digit = u32::from(byte - b'0');
        value = value.saturating_mul(10).saturating_add(digit);
    }
    if digits.len() > 1 && digits[0] == b'0' {
        let text = text();
        return Err(Ipv4Error::LeadingZero { group, text });
    }
    u8::try_from(value).map_err(|_| Ipv4Error::TooLarge {
        group,
        text: text(),
    })
}
// ANCHOR_END: octet

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    /// The quick path takes every address std prints, and gives the
    /// same value as std.
    #[test]
    fn the_quick_path_reads_every_clean_address() {
        let mut x: u32 = 0x9e37_79b9;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let text = Ipv4Addr::from(x).to_string();
            assert_eq!(parse_ipv4_quickly(text.as_bytes()), Some(x), "{text}");
        }
        for text in ["0.0.0.0", "255.255.255.255", "10.0.100.9"] {
            let std = text.parse::<Ipv4Addr>().map(u32::from).ok();
            assert_eq!(parse_ipv4_quickly(text.as_bytes()), std, "{text}");
        }
    }

    /// It refuses everything else, and leaves the careful path to say
    /// why: never an answer std would not give.
    #[test]
    fn the_quick_path_refuses_the_rest() {
        for text in [
            "",
            ".",
            "1.2.3",
            "1.2.3.4.",
            "1.2.3.4.5",
            ".1.2.3",
            "1..2.3",
            "01.2.3.4",
            "1.2.3.00",
            "256.1.1.1",
            "1.2.3.256",
            "1000.1.1.1",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1.2.3.+4",
            "1.2.3.٤",
            "1.2.3.4/8",
            "999.1.1.1",
        ] {
            assert_eq!(parse_ipv4_quickly(text.as_bytes()), None, "{text:?}");
            assert!(text.parse::<Ipv4Addr>().is_err(), "{text:?}");
            assert!(parse_ipv4(text).is_err(), "{text:?}");
        }
    }
}
