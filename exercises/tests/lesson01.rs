// Checks for the lesson01 exercises (chapter 1).
//
//     cargo test -p exercises --test lesson01
//
// Each exercise has several tests, named after it (ex1_3_...). A failing
// test names the exercise, the call it made and what it wanted. Wherever
// Rust's standard library knows the answer, the test asks it; elsewhere
// the answers come from tables or from a second, plain computation here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use check::{case, text};
use exercises::lesson01::{
    CidrError, Service, Subnet, bytes_on_the_wire, inet_aton, parse_cidr,
    parse_services_line, reverse_dns_name, subnet,
};

/// A small deterministic generator (xorshift), so tests need no crate.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Corners and `count` generated 32-bit values.
fn sample_u32s(count: usize) -> Vec<u32> {
    let mut values = vec![0, 1, 255, 256, 0x7f00_0001, 0xc0a8_0001, u32::MAX];
    let mut random = Xorshift(0x1234_5678_9abc_def0);
    values.extend((0..count).map(|_| random.next() as u32));
    values
}

// ---------------------------------------------------------------- 1.1

/// The same count done the slow way: one frame at a time.
fn frame_by_frame(mut payload: usize) -> usize {
    let mut total = 0;
    while payload > 0 {
        let data = payload.min(1460);
        total += (data + 58).max(64);
        payload -= data;
    }
    total
}

fn check_bytes_on_the_wire(payload: usize, wanted: usize) {
    case("1.1", format!("bytes_on_the_wire({payload})"))
        .expect(wanted, move || bytes_on_the_wire(payload));
}

#[test]
fn ex1_1_basic() {
    // Full segments: 1460 bytes of data in a frame of 1518.
    for (payload, wanted) in [(0, 0), (1460, 1518), (2920, 3036), (100, 158)] {
        check_bytes_on_the_wire(payload, wanted);
    }
}

#[test]
fn ex1_1_short_frames_are_padded() {
    // "exit": 4 + 58 = 62 bytes, padded to the 64-byte minimum.
    check_bytes_on_the_wire(4, 64);
    for payload in 1..=6 {
        check_bytes_on_the_wire(payload, 64);
    }
    check_bytes_on_the_wire(7, 65);
    check_bytes_on_the_wire(8, 66);
}

#[test]
fn ex1_1_the_last_segment_is_padded_too() {
    for (payload, wanted) in [
        (1461, 1518 + 64),
        (1466, 1518 + 64),
        (1467, 1518 + 65),
        (2921, 2 * 1518 + 64),
        (1 << 20, 718 * 1518 + 296 + 58), // 1 MiB: 718 full segments
    ] {
        check_bytes_on_the_wire(payload, wanted);
    }
}

#[test]
fn ex1_1_every_size_up_to_three_segments() {
    for payload in (0..=4400).chain([14_600, 14_601, 1_000_000]) {
        check_bytes_on_the_wire(payload, frame_by_frame(payload));
    }
}

// ---------------------------------------------------------------- 1.2

fn check_reverse(address: IpAddr, wanted: &str) {
    let wanted = wanted.to_string();
    case("1.2", format!("reverse_dns_name({address})"))
        .expect(wanted, move || reverse_dns_name(address));
}

#[test]
fn ex1_2_ipv4() {
    for (address, wanted) in [
        ("192.0.2.1", "1.2.0.192.in-addr.arpa"),
        ("127.0.0.1", "1.0.0.127.in-addr.arpa"),
        ("10.0.0.1", "1.0.0.10.in-addr.arpa"),
        ("0.0.0.0", "0.0.0.0.in-addr.arpa"),
        ("255.254.253.252", "252.253.254.255.in-addr.arpa"),
    ] {
        check_reverse(address.parse().expect("a test address"), wanted);
    }
}

#[test]
fn ex1_2_ipv6() {
    for (address, wanted) in [
        // The example of RFC 3596, section 2.5.
        (
            "4321:0:1:2:3:4:567:89ab",
            "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
        ),
        (
            "2001:db8::1",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
        ),
        (
            "::",
            "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa",
        ),
        (
            "fe80::abcd:ef01",
            "1.0.f.e.d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa",
        ),
    ] {
        check_reverse(address.parse().expect("a test address"), wanted);
    }
}

#[test]
fn ex1_2_ipv4_mapped_is_ipv6() {
    // An IPv4-mapped address is an IPv6 address: ip6.arpa, not in-addr.arpa.
    check_reverse(
        "::ffff:1.2.3.4".parse().expect("a test address"),
        "4.0.3.0.2.0.1.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa",
    );
}

#[test]
fn ex1_2_generated_addresses() {
    let mut random = Xorshift(0xdead_beef_cafe_f00d);
    for _ in 0..300 {
        let v4 = Ipv4Addr::from(random.next() as u32);
        let labels: Vec<String> =
            v4.octets().iter().rev().map(|b| b.to_string()).collect();
        check_reverse(
            IpAddr::V4(v4),
            &format!("{}.in-addr.arpa", labels.join(".")),
        );
        // Some zero groups now and then, so that `::` would appear.
        let mut bits =
            u128::from(random.next()) << 64 | u128::from(random.next());
        let zero_groups = random.next();
        for group in 0..8 {
            if zero_groups & (1 << group) != 0 {
                bits &= !(0xffff << (16 * group));
            }
        }
        let v6 = Ipv6Addr::from(bits);
        let hex = format!("{bits:032x}");
        let nibbles: Vec<String> =
            hex.chars().rev().map(String::from).collect();
        check_reverse(
            IpAddr::V6(v6),
            &format!("{}.ip6.arpa", nibbles.join(".")),
        );
    }
}

#[test]
fn ex1_2_wrong_answers() {
    // Each byte's two nibbles in the right order: 0x12 is "2.1", not "1.2";
    // hex in lowercase; no dot at the end; no leading zero dropped.
    for (address, wanted) in [
        (
            "1234:5678:9abc:def0:fedc:ba98:7654:3210",
            "0.1.2.3.4.5.6.7.8.9.a.b.c.d.e.f.0.f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.ip6.arpa",
        ),
        (
            "ABCD:EF00::",
            "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.e.d.c.b.a.ip6.arpa",
        ),
        ("1.2.3.4", "4.3.2.1.in-addr.arpa"),
    ] {
        check_reverse(address.parse().expect("a test address"), wanted);
    }
}

// ---------------------------------------------------------------- 1.3

fn check_cidr(input: &str, wanted: Result<(Ipv4Addr, u8), CidrError>) {
    let input = input.to_string();
    case("1.3", format!("parse_cidr({})", text(&input)))
        .expect(wanted, move || parse_cidr(&input));
}

fn v4(text: &str) -> Ipv4Addr {
    text.parse().expect("a test address")
}

#[test]
fn ex1_3_basic() {
    for (input, network, prefix) in [
        ("192.168.0.0/24", "192.168.0.0", 24),
        ("10.0.0.0/8", "10.0.0.0", 8),
        ("172.16.0.0/12", "172.16.0.0", 12),
        ("192.0.2.128/25", "192.0.2.128", 25),
        ("0.0.0.0/0", "0.0.0.0", 0),
        ("203.0.113.7/32", "203.0.113.7", 32),
        ("255.255.255.255/32", "255.255.255.255", 32),
    ] {
        check_cidr(input, Ok((v4(network), prefix)));
    }
}

#[test]
fn ex1_3_host_bits_set() {
    for (input, network) in [
        ("192.168.0.1/24", "192.168.0.0"),
        ("10.1.0.0/8", "10.0.0.0"),
        ("192.0.2.129/25", "192.0.2.128"),
        ("10.0.0.1/31", "10.0.0.0"),
        ("1.2.3.4/0", "0.0.0.0"),
        ("255.255.255.255/0", "0.0.0.0"),
        ("255.255.255.255/31", "255.255.255.254"),
    ] {
        check_cidr(
            input,
            Err(CidrError::HostBitsSet {
                network: v4(network),
            }),
        );
    }
}

#[test]
fn ex1_3_every_prefix() {
    for prefix in 0..=32u8 {
        let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
        for address in sample_u32s(40) {
            let network = Ipv4Addr::from(address & mask);
            check_cidr(&format!("{network}/{prefix}"), Ok((network, prefix)));
            if address & !mask != 0 {
                let input = format!("{}/{prefix}", Ipv4Addr::from(address));
                check_cidr(&input, Err(CidrError::HostBitsSet { network }));
            }
        }
    }
}

#[test]
fn ex1_3_bad_prefix() {
    for prefix in [
        "33",
        "64",
        "255",
        "256",
        "280",
        "4294967320",
        "",
        "+24",
        "-0",
        "024",
        "00",
        "08",
        " 24",
        "24 ",
        "2 4",
        "1e1",
        "0x18",
        "٣",
        "24/8",
        "3.2",
    ] {
        check_cidr(&format!("10.0.0.0/{prefix}"), Err(CidrError::BadPrefix));
    }
}

#[test]
fn ex1_3_bad_address() {
    // Whatever std::net::Ipv4Addr refuses before the "/".
    for address in [
        "",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.0",
        "256.0.0.0",
        " 10.0.0.0",
        "10.0.0.0 ",
        "::",
        "localhost",
        "1..2.3",
        "0x0a.0.0.0",
        "1.2.3.4:80",
    ] {
        check_cidr(&format!("{address}/8"), Err(CidrError::BadAddress));
        assert!(address.parse::<Ipv4Addr>().is_err(), "table: {address:?}");
    }
}

#[test]
fn ex1_3_rules_in_order() {
    for (input, wanted) in [
        ("10.0.0.0", CidrError::MissingSlash),
        ("", CidrError::MissingSlash),
        ("10.0.0.0\\8", CidrError::MissingSlash),
        ("1.2.3/40", CidrError::BadAddress),
        ("/", CidrError::BadAddress),
        ("10.0.0.1/33", CidrError::BadPrefix),
        ("10.0.0.1/x", CidrError::BadPrefix),
    ] {
        check_cidr(input, Err(wanted));
    }
}

// ---------------------------------------------------------------- 1.4

fn check_subnet(address: Ipv4Addr, prefix: u8, wanted: Option<Subnet>) {
    case("1.4", format!("subnet({address}, {prefix})"))
        .expect(wanted, move || subnet(address, prefix));
}

fn block(
    network: &str,
    broadcast: Option<&str>,
    first_host: &str,
    last_host: &str,
    hosts: u32,
) -> Option<Subnet> {
    Some(Subnet {
        network: v4(network),
        broadcast: broadcast.map(v4),
        first_host: v4(first_host),
        last_host: v4(last_host),
        hosts,
    })
}

#[test]
fn ex1_4_basic() {
    let home = block(
        "192.168.1.0",
        Some("192.168.1.255"),
        "192.168.1.1",
        "192.168.1.254",
        254,
    );
    check_subnet(v4("192.168.1.77"), 24, home);
    let ten = block(
        "10.0.0.0",
        Some("10.255.255.255"),
        "10.0.0.1",
        "10.255.255.254",
        16_777_214,
    );
    check_subnet(v4("10.1.2.3"), 8, ten);
    let small =
        block("192.0.2.4", Some("192.0.2.7"), "192.0.2.5", "192.0.2.6", 2);
    check_subnet(v4("192.0.2.6"), 30, small);
}

#[test]
fn ex1_4_point_to_point_and_single_host() {
    // RFC 3021: a /31 has no network or broadcast address, two hosts.
    let link = block("10.0.0.6", None, "10.0.0.6", "10.0.0.7", 2);
    check_subnet(v4("10.0.0.6"), 31, link);
    check_subnet(v4("10.0.0.7"), 31, link);
    let host = block("10.0.0.7", None, "10.0.0.7", "10.0.0.7", 1);
    check_subnet(v4("10.0.0.7"), 32, host);
    let top = block(
        "255.255.255.254",
        None,
        "255.255.255.254",
        "255.255.255.255",
        2,
    );
    check_subnet(Ipv4Addr::BROADCAST, 31, top);
}

#[test]
fn ex1_4_edge_cases() {
    // /0 holds 2^32 addresses: a shift by 32 bits is where it goes wrong.
    let everything = block(
        "0.0.0.0",
        Some("255.255.255.255"),
        "0.0.0.1",
        "255.255.255.254",
        u32::MAX - 1,
    );
    check_subnet(v4("1.2.3.4"), 0, everything);
    check_subnet(Ipv4Addr::UNSPECIFIED, 0, everything);
    for prefix in [33, 64, 128, 255] {
        check_subnet(v4("1.2.3.4"), prefix, None);
    }
}

#[test]
fn ex1_4_every_prefix() {
    for prefix in 0..=32u8 {
        // The block's size, counted in u64 where 2^32 fits.
        let size = 1u64 << (32 - prefix);
        for address in sample_u32s(40) {
            let network = u64::from(address) / size * size;
            let last = network + size - 1;
            let (broadcast, first, hosts) = match size {
                1 | 2 => (None, network, size),
                _ => (Some(last), network + 1, size - 2),
            };
            let at = |n: u64| Ipv4Addr::from(n as u32);
            let wanted = Subnet {
                network: at(network),
                broadcast: broadcast.map(at),
                first_host: at(first),
                last_host: at(first + hosts - 1),
                hosts: hosts as u32,
            };
            check_subnet(Ipv4Addr::from(address), prefix, Some(wanted));
        }
    }
}

// ---------------------------------------------------------------- 1.5

fn check_aton(input: &str, wanted: Option<&str>) {
    let input = input.to_string();
    let wanted = wanted.map(v4);
    case("1.5", format!("inet_aton({})", text(&input)))
        .expect(wanted, move || inet_aton(&input));
}

#[test]
fn ex1_5_four_decimal_parts_as_std() {
    // Every text std accepts means the same address here.
    for value in sample_u32s(500) {
        let dotted = Ipv4Addr::from(value).to_string();
        check_aton(&dotted, Some(&dotted));
    }
}

#[test]
fn ex1_5_short_forms() {
    for (input, wanted) in [
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("10.65535", "10.0.255.255"),
        ("1.2.65535", "1.2.255.255"),
        ("1.16777215", "1.255.255.255"),
        ("192.168.1", "192.168.0.1"),
        ("192.11010305", "192.168.1.1"),
        ("3232235777", "192.168.1.1"),
        ("1", "0.0.0.1"),
        ("0", "0.0.0.0"),
        ("4294967295", "255.255.255.255"),
    ] {
        check_aton(input, Some(wanted));
    }
}

#[test]
fn ex1_5_octal_and_hex() {
    for (input, wanted) in [
        ("0x7f.1", "127.0.0.1"),
        ("0X7F.1", "127.0.0.1"),
        ("017.1", "15.0.0.1"),
        ("0300.0250.01.01", "192.168.1.1"),
        ("0xc0a80101", "192.168.1.1"),
        ("0xFF.0XfF.0x0.1", "255.255.0.1"),
        ("0377.0377.0377.0377", "255.255.255.255"),
        ("037777777777", "255.255.255.255"),
        ("0xffffffff", "255.255.255.255"),
        ("00000000000000000000001", "0.0.0.1"),
        ("0x0000000000000000001", "0.0.0.1"),
        ("0x00000000ff", "0.0.0.255"),
        ("0.0.0.0x0", "0.0.0.0"),
        ("00", "0.0.0.0"),
        ("1.0.0.00", "1.0.0.0"),
    ] {
        check_aton(input, Some(wanted));
    }
}

#[test]
fn ex1_5_too_large() {
    for input in [
        "256.1",
        "0x100.1",
        "0400.1",
        "1.256.0.1",
        "1.2.256.1",
        "1.2.3.256",
        "1.2.3.0400",
        "1.2.65536",
        "1.2.0200000",
        "1.16777216",
        "4294967296",
        "0x100000000",
        "040000000000",
        "0xffffffff.1",
        "1.4294967296",
        "1.4294967297",
        "99999999999999999999",
        "18446744073709551617",
        "0x7fffffffffffffffffff",
        "0x10000000000000001",
    ] {
        check_aton(input, None);
    }
}

#[test]
fn ex1_5_wrong_answers() {
    // What a plausible but wrong solution lets through.
    for input in [
        "08",
        "09.1",
        "0.0.0.08",
        "0x",
        "0X",
        "1.2.3.0x",
        "0x.1",
        "00x1",
        "0x0x1",
        "0xg",
        "0x1g",
        "+1",
        "-1",
        "1.+2",
        "1.2.3.-0",
        "",
        ".",
        ".1",
        "1..2",
        "1.2.3.4.",
        "1.2.3.4.5",
        "1.2.3.4x",
        "1.2.3.4 junk",
        "1.2.3.4 ",
        "1.2.3.4\n",
        " 1.2.3.4",
        "١",
        "１",
        "1_000",
    ] {
        check_aton(input, None);
    }
    let many_dots = "1.".repeat(100_000);
    check_aton(&many_dots, None);
}

#[test]
fn ex1_5_generated_forms() {
    // Write generated addresses in a random mix of the forms, then read
    // them back; and spoil each one so that it must be refused.
    let mut random = Xorshift(0x0ddb_a11c_0ffe_e123);
    for _ in 0..1500 {
        let value = random.next() as u32;
        let count = 1 + random.below(4) as usize;
        let bytes = value.to_be_bytes();
        let mut parts: Vec<u64> =
            bytes[..count - 1].iter().map(|&b| u64::from(b)).collect();
        let rest = bytes[count - 1..]
            .iter()
            .fold(0u64, |n, &b| n << 8 | u64::from(b));
        parts.push(rest);
        let texts: Vec<String> = parts
            .iter()
            .map(|&part| match random.below(4) {
                0 => format!("{part}"),
                1 => format!("0{part:o}"),
                2 => format!("0x{part:x}"),
                _ => format!("0X{part:X}"),
            })
            .collect();
        let written = texts.join(".");
        let dotted = Ipv4Addr::from(value).to_string();
        check_aton(&written, Some(&dotted));
        // One too many for the last part's bytes.
        let bits = 8 * (5 - count as u32);
        let mut spoiled = texts.clone();
        if let Some(last) = spoiled.last_mut() {
            *last = format!("{}", rest + (1u64 << bits));
        }
        check_aton(&spoiled.join("."), None);
        check_aton(&format!("{written}."), None);
        check_aton(&format!("{written} "), None);
    }
}

// ---------------------------------------------------------------- 1.6

fn check_services(line: &str, wanted: Option<Service>) {
    let input = line.to_string();
    case("1.6", format!("parse_services_line({})", text(line)))
        .expect(Ok(wanted), move || parse_services_line(&input));
}

fn service(
    name: &str,
    port: u16,
    protocol: &str,
    aliases: &[&str],
) -> Option<Service> {
    Some(Service {
        name: name.to_string(),
        port,
        protocol: protocol.to_string(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    })
}

/// An error must come back as an error, in one line that says something.
fn check_services_error(line: &str) {
    let input = line.to_string();
    let call = case("1.6", format!("parse_services_line({})", text(line)));
    let got = call.run(move || parse_services_line(&input));
    match got {
        Ok(found) => call.fail(format_args!(
            "your code gave: Ok({found:?})\n  the exercise wants: an error"
        )),
        Err(message) => call.check(
            !message.trim().is_empty() && !message.contains('\n'),
            format_args!("the error {message:?} must be one line, not empty"),
        ),
    }
}

#[test]
fn ex1_6_basic() {
    check_services(
        "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP",
        service("http", 80, "tcp", &["www"]),
    );
    check_services("ssh 22/tcp", service("ssh", 22, "tcp", &[]));
    check_services(
        "discard\t\t9/udp\t\tsink null",
        service("discard", 9, "udp", &["sink", "null"]),
    );
    check_services(
        "https\t\t443/udp\t\t\t\t# HTTP/3",
        service("https", 443, "udp", &[]),
    );
}

#[test]
fn ex1_6_comments_and_blank_lines() {
    for line in [
        "",
        " ",
        "\t\t",
        "#",
        "# Network services, Internet style",
        "   # indented",
        "\t#\thttp 80/tcp",
    ] {
        check_services(line, None);
    }
}

#[test]
fn ex1_6_edge_cases() {
    for (line, wanted) in [
        ("x 1/tcp", service("x", 1, "tcp", &[])),
        ("x 65535/sctp", service("x", 65535, "sctp", &[])),
        ("  x \t 7/ddp  a  b \t", service("x", 7, "ddp", &["a", "b"])),
        (
            "http 80/tcp www#comment",
            service("http", 80, "tcp", &["www"]),
        ),
        ("http 80/tcp#comment", service("http", 80, "tcp", &[])),
        (
            "http-alt\t8080/tcp\twebcache",
            service("http-alt", 8080, "tcp", &["webcache"]),
        ),
    ] {
        check_services(line, wanted);
    }
}

#[test]
fn ex1_6_errors() {
    for line in [
        "http",
        "http  # 80/tcp",
        "http 80",
        "http 80/",
        "http /tcp",
        "http tcp/80",
        "http 80:tcp",
        "http 80/tcp/udp",
        "http 80/TCP",
        "http 80/t-p",
        "http 80/tcp6",
        "http ８０/tcp",
        "http 8 0/tcp",
        "http 80 /tcp",
    ] {
        check_services_error(line);
    }
}

#[test]
fn ex1_6_strict_ports() {
    for line in [
        "x 0/tcp",
        "x 00/tcp",
        "x 080/tcp",
        "x +80/tcp",
        "x -80/tcp",
        "x 65536/tcp",
        "x 65537/tcp",
        "x 99999999999999999999/tcp",
        "x 0x50/tcp",
        "x 8O/tcp",
        "x ٨٠/tcp",
    ] {
        check_services_error(line);
    }
}

#[test]
fn ex1_6_a_real_file() {
    // The start of Debian's /etc/services (package netbase).
    let file = "\
# Network services, Internet style
#
# Updated from https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml .

tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer
echo\t\t7/tcp
echo\t\t7/udp
discard\t\t9/tcp\t\tsink null
chargen\t\t19/tcp\t\tttytst source
ftp-data\t20/tcp
ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol
smtp\t\t25/tcp\t\tmail
domain\t\t53/udp
http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP
https\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL
";
    let wanted = [
        service("tcpmux", 1, "tcp", &[]),
        service("echo", 7, "tcp", &[]),
        service("echo", 7, "udp", &[]),
        service("discard", 9, "tcp", &["sink", "null"]),
        service("chargen", 19, "tcp", &["ttytst", "source"]),
        service("ftp-data", 20, "tcp", &[]),
        service("ssh", 22, "tcp", &[]),
        service("smtp", 25, "tcp", &["mail"]),
        service("domain", 53, "udp", &[]),
        service("http", 80, "tcp", &["www"]),
        service("https", 443, "tcp", &[]),
    ];
    let mut entries = wanted.iter();
    for line in file.lines() {
        let is_entry = !line.is_empty() && !line.starts_with('#');
        let expected = if is_entry {
            entries.next().cloned().flatten()
        } else {
            None
        };
        check_services(line, expected);
    }
}
