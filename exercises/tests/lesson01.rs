// Checks for the lesson01 exercises (chapter 1).
//
//     cargo test -p exercises --test lesson01
//
// Each test is one exercise. A failing test names the exercise, the input
// it tried and what it wanted. The answers are not written out by hand:
// wherever Rust's standard library knows the answer, the test asks it.

use std::net::{Ipv4Addr, Ipv6Addr};

use exercises::lesson01::{
    PortBlock, bytes_on_the_wire, classify_port, dotted_to_u32,
    ipv6_short_form, same_subnet, u32_to_dotted,
};

/// A deterministic spread of 32-bit values: corners and a simple
/// pseudo-random walk (no dependency needed).
fn sample_u32s() -> Vec<u32> {
    let mut values = vec![0, 1, 255, 256, 0x7f00_0001, 0xc0a8_0001, u32::MAX];
    let mut x: u32 = 0x1234_5678;
    for _ in 0..2000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        values.push(x);
    }
    values
}

#[test]
fn ex1_1_bytes_on_the_wire() {
    // (payload, segments it needs): every segment adds 58 bytes of headers.
    let cases = [
        (0, 0),
        (1, 1),
        (4, 1), // "exit": 4 bytes of data, 58 of wrapping
        (1459, 1),
        (1460, 1),
        (1461, 2),
        (2920, 2),
        (2921, 3),
        (14_600, 10),
        (1 << 20, 719),
    ];
    for (payload, segments) in cases {
        let expected = payload + segments * 58;
        assert_eq!(
            bytes_on_the_wire(payload),
            expected,
            "Exercise 1.1: bytes_on_the_wire({payload}) ({segments} segments)"
        );
    }
}

#[test]
fn ex1_2_dotted_to_u32() {
    let texts = [
        "0.0.0.0",
        "127.0.0.1",
        "192.168.0.1",
        "255.255.255.255",
        "10.0.0.255",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "1.2.3.04",
        "1..3.4",
        ".1.2.3",
        "1.2.3.4.",
        "",
        "1.2.3.-4",
        "+1.2.3.4",
        "1.2.3.4 ",
        "a.b.c.d",
        "1000.1.1.1",
        "0.0.0.00",
        "1.2.3.٣",
        "999.999.999.999",
        "1.2.3.4:80",
    ];
    for text in texts {
        let expected = text.parse::<Ipv4Addr>().ok().map(u32::from);
        assert_eq!(
            dotted_to_u32(text),
            expected,
            "Exercise 1.2: dotted_to_u32({text:?})"
        );
    }
    for value in sample_u32s() {
        let text = Ipv4Addr::from(value).to_string();
        assert_eq!(
            dotted_to_u32(&text),
            Some(value),
            "Exercise 1.2: dotted_to_u32({text:?})"
        );
    }
}

#[test]
fn ex1_3_u32_to_dotted() {
    for value in sample_u32s() {
        let expected = Ipv4Addr::from(value).to_string();
        assert_eq!(
            u32_to_dotted(value),
            expected,
            "Exercise 1.3: u32_to_dotted({value})"
        );
    }
}

#[test]
fn ex1_4_ipv6_short_form() {
    let mut cases: Vec<[u16; 8]> = vec![
        [
            0x2001, 0x0db8, 0x85a3, 0x0042, 0x1000, 0x8a2e, 0x0370, 0x7334,
        ],
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],
        [0; 8],
        [0, 0, 0, 0, 0, 0, 0, 1],
        [1, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 1, 0, 1, 0, 1, 0],
        [1, 0, 0, 1, 0, 0, 1, 1],
        [1, 0, 0, 1, 0, 0, 0, 1],
        [0xfe80, 0, 0, 0, 0x1ff, 0xfe23, 0x4567, 0x890a],
        [0xABCD, 0xEF01, 0, 0, 0, 0, 0xFFFF, 0xFFFF],
    ];
    // Every pattern of zero and non-zero groups, so every run layout
    // (and every tie between runs) is tried.
    for pattern in 0u32..256 {
        let mut groups = [0u16; 8];
        for (index, group) in groups.iter_mut().enumerate() {
            if pattern & (1 << index) != 0 {
                *group = 0x0a0b_u16.wrapping_mul(index as u16 + 1);
            }
        }
        cases.push(groups);
    }
    for groups in cases {
        let address = Ipv6Addr::from(groups);
        if address.to_ipv4_mapped().is_some() {
            continue; // the special case this exercise leaves out
        }
        let expected = address.to_string();
        assert_eq!(
            ipv6_short_form(groups),
            expected,
            "Exercise 1.4: ipv6_short_form({groups:x?})"
        );
    }
}

#[test]
fn ex1_5_same_subnet() {
    let net = |a: u8, b: u8, c: u8, d: u8| u32::from(Ipv4Addr::new(a, b, c, d));
    let cases = [
        (net(192, 168, 1, 7), net(192, 168, 1, 200), 24, true),
        (net(192, 168, 1, 7), net(192, 168, 2, 7), 24, false),
        (net(192, 168, 1, 7), net(192, 168, 2, 7), 16, true),
        (net(10, 0, 0, 1), net(11, 0, 0, 1), 8, false),
        (net(10, 0, 0, 1), net(11, 0, 0, 1), 7, true),
        (net(1, 2, 3, 4), net(200, 1, 1, 1), 0, true),
        (net(1, 2, 3, 4), net(1, 2, 3, 4), 32, true),
        (net(1, 2, 3, 4), net(1, 2, 3, 5), 32, false),
        (net(1, 2, 3, 4), net(1, 2, 3, 5), 31, true),
        (net(172, 16, 0, 1), net(172, 31, 255, 254), 12, true),
        (net(172, 16, 0, 1), net(172, 32, 0, 1), 12, false),
    ];
    for (a, b, prefix, expected) in cases {
        assert_eq!(
            same_subnet(a, b, prefix),
            expected,
            "Exercise 1.5: same_subnet({}, {}, {prefix})",
            Ipv4Addr::from(a),
            Ipv4Addr::from(b)
        );
    }
}

#[test]
fn ex1_6_classify_port() {
    let cases = [
        (0, PortBlock::Zero),
        (1, PortBlock::System),
        (22, PortBlock::System),
        (80, PortBlock::System),
        (1023, PortBlock::System),
        (1024, PortBlock::Registered),
        (9999, PortBlock::Registered),
        (49151, PortBlock::Registered),
        (49152, PortBlock::Dynamic),
        (65535, PortBlock::Dynamic),
    ];
    for (port, expected) in cases {
        assert_eq!(
            classify_port(port),
            expected,
            "Exercise 1.6: classify_port({port})"
        );
    }
}
