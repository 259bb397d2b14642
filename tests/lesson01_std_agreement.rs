//! lesson01's hand-written parsers and formatters against `std::net`:
//! the same accept/reject decision, the same integer, the same text.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use lessons::lesson01::explain::{Understood, canonical, understand};
use lessons::lesson01::ipv4::{format_ipv4, parse_ipv4};
use lessons::lesson01::ipv6::{format_ipv6, parse_ipv6};
use lessons::lesson01::ports::{PortClass, classify_port, parse_port};
use lessons::lesson01::ranges::{Kind, classify_v4, classify_v6};
use lessons::lesson01::socket_addr::{Address, parse_socket_addr};
use proptest::prelude::*;
use rstest::rstest;

/// Our IPv4 parser and std's must agree on `text`, in decision and value.
fn check_ipv4(text: &str) {
    let ours = parse_ipv4(text).ok();
    let std = text.parse::<Ipv4Addr>().ok().map(u32::from);
    assert_eq!(ours, std, "parse_ipv4({text:?})");
}

fn check_ipv6(text: &str) {
    let ours = parse_ipv6(text).ok();
    let std = text.parse::<Ipv6Addr>().ok().map(u128::from);
    assert_eq!(ours, std, "parse_ipv6({text:?})");
}

fn check_socket(text: &str) {
    let ours = parse_socket_addr(text).ok();
    let std = text.parse::<SocketAddr>().ok();
    match (ours, std) {
        (None, None) => {}
        (Some(ours), Some(std)) => {
            assert_eq!(ours.port, std.port(), "port of {text:?}");
            match (ours.address, std) {
                (Address::V4(v), SocketAddr::V4(s)) => {
                    assert_eq!(v, u32::from(*s.ip()))
                }
                (Address::V6(v), SocketAddr::V6(s)) => {
                    assert_eq!(v, u128::from(*s.ip()), "address of {text:?}");
                    assert_eq!(
                        ours.scope_id.unwrap_or(0),
                        s.scope_id(),
                        "scope of {text:?}"
                    );
                }
                _ => panic!("{text:?}: different address families"),
            }
            let understood = Understood::Socket(ours);
            assert_eq!(
                canonical(&understood),
                std.to_string(),
                "text of {text:?}"
            );
        }
        (ours, std) => panic!("{text:?}: ours {ours:?}, std {std:?}"),
    }
}

#[rstest]
#[case("0.0.0.0")]
#[case("127.0.0.1")]
#[case("255.255.255.255")]
#[case("256.1.1.1")]
#[case("1.2.3")]
#[case("1.2.3.4.5")]
#[case("01.2.3.4")]
#[case("0.0.0.00")]
#[case("1..2.3")]
#[case(".1.2.3")]
#[case("1.2.3.4.")]
#[case("")]
#[case(" 1.2.3.4")]
#[case("1.2.3.4 ")]
#[case("+1.2.3.4")]
#[case("1.2.3.-0")]
#[case("1000.0.0.0")]
#[case("99999999999999999999.0.0.0")]
#[case("1.2.3.٣")]
#[case("１.2.3.4")]
#[case("0x7f.0.0.1")]
fn ipv4_table(#[case] text: &str) {
    check_ipv4(text);
}

#[rstest]
#[case("::")]
#[case("::1")]
#[case("1::")]
#[case("1:2:3:4:5:6:7:8")]
#[case("1:2:3:4:5:6:7:8:9")]
#[case("1:2:3:4:5:6:7")]
#[case("1:2:3:4:5:6:7::")]
#[case("::2:3:4:5:6:7:8")]
#[case("1::2::3")]
#[case(":::")]
#[case(":1:2:3:4:5:6:7")]
#[case("1:2:3:4:5:6:7:")]
#[case("1:::2")]
#[case("12345::")]
#[case("g::")]
#[case("2001:0db8:85a3:0042:1000:8a2e:0370:7334")]
#[case("2001:DB8::1")]
#[case("::ffff:192.0.2.128")]
#[case("::ffff:1.2.3")]
#[case("::1.2.3.4")]
#[case("1.2.3.4::")]
#[case("::1.2.3.4:1")]
#[case("1:2:3:4:5:6:1.2.3.4")]
#[case("1:2:3:4:5:6:7:1.2.3.4")]
#[case("1:2:3:4:5::1.2.3.4")]
#[case("1:2:3:4:5:6::1.2.3.4")]
#[case("::ffff:01.2.3.4")]
#[case("::ffff:256.2.3.4")]
#[case("fe80::1%2")]
#[case("[::1]")]
#[case("")]
#[case("::٣")]
fn ipv6_table(#[case] text: &str) {
    check_ipv6(text);
}

#[rstest]
#[case("1.2.3.4:80")]
#[case("1.2.3.4:0")]
#[case("1.2.3.4:65535")]
#[case("1.2.3.4:65536")]
#[case("1.2.3.4:0080")]
#[case("1.2.3.4:000000000000000080")]
#[case("1.2.3.4:")]
#[case("1.2.3.4")]
#[case("1.2.3.4:+80")]
#[case("[::1]:443")]
#[case("[::1]")]
#[case("[::1]:")]
#[case("::1:443")]
#[case("[::1:443")]
#[case("[fe80::1%2]:80")]
#[case("[fe80::1%0]:80")]
#[case("[fe80::1%]:80")]
#[case("[fe80::1%x]:80")]
#[case("[fe80::1%4294967295]:80")]
#[case("[fe80::1%4294967296]:80")]
#[case("[::ffff:1.2.3.4]:80")]
#[case("[1.2.3.4]:80")]
fn socket_table(#[case] text: &str) {
    check_socket(text);
}

#[test]
fn ports_parse_like_std_everywhere() {
    for port in 0..=70_000u32 {
        let text = port.to_string();
        let std = format!("1.2.3.4:{text}").parse::<SocketAddr>().ok();
        assert_eq!(
            parse_port(&text).ok(),
            std.map(|s| s.port()),
            "port {text}"
        );
    }
}

#[test]
fn port_classes_have_the_right_edges() {
    assert_eq!(classify_port(0), PortClass::Zero);
    assert_eq!(classify_port(1023), PortClass::System);
    assert_eq!(classify_port(1024), PortClass::Registered);
    assert_eq!(classify_port(49151), PortClass::Registered);
    assert_eq!(classify_port(49152), PortClass::Dynamic);
}

/// Our range table must agree with every `is_*` test `std` has stable.
fn check_ranges_v4(value: u32) {
    let ip = Ipv4Addr::from(value);
    let kind = classify_v4(value).kind;
    let text = ip.to_string();
    assert_eq!(kind == Kind::Loopback, ip.is_loopback(), "{text}");
    assert_eq!(kind == Kind::Private, ip.is_private(), "{text}");
    assert_eq!(kind == Kind::LinkLocal, ip.is_link_local(), "{text}");
    assert_eq!(kind == Kind::Multicast, ip.is_multicast(), "{text}");
    assert_eq!(kind == Kind::Documentation, ip.is_documentation(), "{text}");
    assert_eq!(kind == Kind::Broadcast, ip.is_broadcast(), "{text}");
    assert_eq!(kind == Kind::Unspecified, ip.is_unspecified(), "{text}");
}

fn check_ranges_v6(value: u128) {
    let ip = Ipv6Addr::from(value);
    let kind = classify_v6(value).kind;
    let text = ip.to_string();
    assert_eq!(kind == Kind::Loopback, ip.is_loopback(), "{text}");
    assert_eq!(kind == Kind::Unspecified, ip.is_unspecified(), "{text}");
    assert_eq!(kind == Kind::Multicast, ip.is_multicast(), "{text}");
    assert_eq!(kind == Kind::UniqueLocal, ip.is_unique_local(), "{text}");
    assert_eq!(
        kind == Kind::LinkLocal,
        ip.is_unicast_link_local(),
        "{text}"
    );
    assert_eq!(
        kind == Kind::Ipv4Mapped,
        ip.to_ipv4_mapped().is_some(),
        "{text}"
    );
}

#[rstest]
#[case("127.0.0.1", Kind::Loopback)]
#[case("10.1.2.3", Kind::Private)]
#[case("172.31.255.255", Kind::Private)]
#[case("172.32.0.0", Kind::Public)]
#[case("192.168.0.1", Kind::Private)]
#[case("100.64.0.1", Kind::SharedCgnat)]
#[case("169.254.1.1", Kind::LinkLocal)]
#[case("192.0.2.1", Kind::Documentation)]
#[case("198.51.100.1", Kind::Documentation)]
#[case("203.0.113.1", Kind::Documentation)]
#[case("198.19.0.1", Kind::Benchmarking)]
#[case("224.0.0.1", Kind::Multicast)]
#[case("239.255.255.255", Kind::Multicast)]
#[case("240.0.0.1", Kind::Reserved)]
#[case("255.255.255.255", Kind::Broadcast)]
#[case("0.0.0.0", Kind::Unspecified)]
#[case("0.1.2.3", Kind::ThisNetwork)]
#[case("123.123.123.123", Kind::Public)]
#[case("::", Kind::Unspecified)]
#[case("::1", Kind::Loopback)]
#[case("::ffff:127.0.0.1", Kind::Ipv4Mapped)]
#[case("64:ff9b::1.2.3.4", Kind::Translation)]
#[case("2001:db8::1", Kind::Documentation)]
#[case("fd12:3456::1", Kind::UniqueLocal)]
#[case("fe80::1", Kind::LinkLocal)]
#[case("febf::1", Kind::LinkLocal)]
#[case("fec0::1", Kind::Unassigned)]
#[case("ff02::1", Kind::Multicast)]
#[case("2a00:1450::1", Kind::GlobalUnicast)]
#[case("::2", Kind::Unassigned)]
fn range_table(#[case] text: &str, #[case] expected: Kind) {
    let kind = match text.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => {
            check_ranges_v4(u32::from(ip));
            classify_v4(u32::from(ip)).kind
        }
        Ok(IpAddr::V6(ip)) => {
            check_ranges_v6(u128::from(ip));
            classify_v6(u128::from(ip)).kind
        }
        Err(error) => {
            panic!("{text:?} in the table is not an address: {error}")
        }
    };
    assert_eq!(kind, expected, "{text}");
}

/// The first group of `understand`'s decision: whatever it accepts, std
/// accepts as an IP or a socket address, with the same canonical text.
fn check_understand(text: &str) {
    let std_ip = text.parse::<IpAddr>().ok().map(|ip| ip.to_string());
    let std_socket = text.parse::<SocketAddr>().ok().map(|s| s.to_string());
    let ours = understand(text).ok().map(|u| canonical(&u));
    assert_eq!(ours, std_ip.or(std_socket), "understand({text:?})");
}

/// Text that looks like an address, with the kinds of mistake people make.
fn address_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9.]{0,20}",
        "[0-9a-fA-F:.]{0,45}",
        "(0|[1-9][0-9]{0,2}|0[0-9]{1,3})(\\.(0|[1-9][0-9]{0,2}|00)){3}",
        "([0-9a-f]{1,5}:){0,8}(:|[0-9a-f]{1,4})?(:[0-9a-f]{1,4}){0,8}",
        "([0-9a-f]{0,4}:){1,7}[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        "\\[[0-9a-f:.]{0,40}(%[0-9]{0,11})?\\](:[0-9]{0,6})?",
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}:[0-9+]{0,7}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn ipv4_agrees_on_any_value(value in any::<u32>()) {
        let std_text = Ipv4Addr::from(value).to_string();
        prop_assert_eq!(format_ipv4(value), std_text.clone());
        prop_assert_eq!(parse_ipv4(&std_text).ok(), Some(value));
        check_ranges_v4(value);
    }

    #[test]
    fn ipv6_agrees_on_any_value(value in any::<u128>()) {
        let std_text = Ipv6Addr::from(value).to_string();
        prop_assert_eq!(format_ipv6(value), std_text.clone());
        prop_assert_eq!(parse_ipv6(&std_text).ok(), Some(value));
        check_ranges_v6(value);
    }

    /// Values with long zero runs: where the `::` rules matter most.
    #[test]
    fn ipv6_agrees_on_sparse_values(groups in prop::array::uniform8(prop_oneof![
        3 => Just(0u16), 1 => any::<u16>(), 1 => Just(0xffffu16)
    ])) {
        let value = u128::from(Ipv6Addr::from(groups));
        prop_assert_eq!(format_ipv6(value), Ipv6Addr::from(groups).to_string());
        check_ranges_v6(value);
    }

    #[test]
    fn parsers_agree_on_address_like_text(text in address_like()) {
        check_ipv4(&text);
        check_ipv6(&text);
        check_socket(&text);
        check_understand(&text);
    }
}

// --- the bounded fuzz run and its corpus (tests/corpus/lesson01_address) ---------

use testkit::fuzz;

/// All four parsers against std on `text`, and on every prefix of it:
/// the text as a program would hold it if it arrived a byte at a time
/// and was parsed too early.
fn check_every_prefix(text: &str) {
    for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
        let prefix = &text[..end];
        check_ipv4(prefix);
        check_ipv6(prefix);
        check_socket(prefix);
        check_understand(prefix);
    }
}

#[test]
fn corpus_agrees_with_std() {
    for (name, bytes) in fuzz::corpus("lesson01_address") {
        let text = String::from_utf8(bytes).unwrap_or_else(|_| {
            panic!("tests/corpus/lesson01_address/{name} is not UTF-8")
        });
        check_every_prefix(&text);
    }
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// Corpus inputs with bytes flipped, inserted, deleted and repeated.
    /// The parsers take text, so bytes a mutation left invalid become
    /// U+FFFD, as they would for a program reading input lossily.
    #[test]
    fn fuzz_mutated_addresses(bytes in fuzz::mutated_corpus("lesson01_address")) {
        check_every_prefix(&String::from_utf8_lossy(&bytes));
    }
}
