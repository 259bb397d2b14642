// Checks for the lesson06 exercises (chapter 6).
//
//     cargo test -p exercises --test lesson06
//
// A failing test names the exercise and the input it tried. The frames
// below are the lesson's own: `cargo run --bin lesson06 -- demo
// handshake` prints the SYN's bytes, and the conversation "Welcome!".

use check::{bytes, case, text};
use exercises::lesson06::{
    ipv4_checksum, predict_segments, reassemble, tcp_checksum, tcpdump_flags,
};

/// The IPv4 header of the lesson's SYN (checksum 0x26c3).
const SYN_IP: [u8; 20] = [
    0x45, 0x00, 0x00, 0x34, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x26, 0xc3, 10,
    0, 0, 1, 10, 0, 0, 1,
];
/// The TCP segment of the lesson's SYN, options included (0x5e49).
const SYN_TCP: [u8; 32] = [
    0xc0, 0x00, 0x27, 0x0f, 0x71, 0x85, 0x98, 0x37, 0, 0, 0, 0, 0x80, 0x02,
    0x10, 0x00, 0x5e, 0x49, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x03, 0x03,
    0x00, 0x04, 0x02, 0x00, 0x00, 0x00,
];
/// The TCP header of the server's "Welcome!" (0x121a with the data).
const WELCOME_TCP: [u8; 20] = [
    0x27, 0x0f, 0xc0, 0x00, 0x46, 0x3c, 0xaa, 0x47, 0x71, 0x85, 0x98, 0x38,
    0x50, 0x18, 0x10, 0x00, 0x12, 0x1a, 0x00, 0x00,
];
const HOST: [u8; 4] = [10, 0, 0, 1];

fn ip_case(packet: Vec<u8>, wanted: Result<u16, String>) {
    let call = format!("ipv4_checksum(&{})", bytes(&packet));
    case("6.1", call).expect(wanted, move || {
        ipv4_checksum(&packet).map_err(|_| String::from("an error"))
    });
}

// ---------------------------------------------------------------------
// Exercise 6.1: the IPv4 header checksum

#[test]
fn ex6_1_basic() {
    ip_case(SYN_IP.to_vec(), Ok(0x26c3));
    // A header from elsewhere (UDP, 192.168.0.1 to 192.168.0.199).
    let mut other = vec![
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0, 0, 0xc0,
        0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ];
    ip_case(other.clone(), Ok(0xb861));
    // Whatever the field holds now does not count.
    other[10] = 0xb8;
    other[11] = 0x61;
    ip_case(other, Ok(0xb861));
}

#[test]
fn ex6_1_the_segment_after_the_header_does_not_count() {
    let mut packet = SYN_IP.to_vec();
    packet.extend_from_slice(&SYN_TCP);
    ip_case(packet, Ok(0x26c3));
}

#[test]
fn ex6_1_carries_and_options() {
    // IHL 6: 24 bytes, full of 0xff words whose sum carries many times.
    let mut header = vec![0x46];
    header.extend_from_slice(&[0xff; 9]);
    header.extend_from_slice(&[0x12, 0x34]);
    header.extend_from_slice(&[0xff; 12]);
    ip_case(header.clone(), Ok(0xb900));
    // A byte after the IHL's 24 does not count.
    header.push(0x01);
    ip_case(header, Ok(0xb900));
}

#[test]
fn ex6_1_edge_cases() {
    let error = || Err(String::from("an error"));
    ip_case(SYN_IP[..19].to_vec(), error());
    ip_case(Vec::new(), error());
    let mut v6 = SYN_IP.to_vec();
    v6[0] = 0x65;
    ip_case(v6, error());
    let mut short_ihl = SYN_IP.to_vec();
    short_ihl[0] = 0x44;
    ip_case(short_ihl, error());
    let mut long_ihl = SYN_IP.to_vec();
    long_ihl[0] = 0x46; // 24 bytes announced, 20 given
    ip_case(long_ihl, error());
}

// ---------------------------------------------------------------------
// Exercise 6.2: tcpdump's flags

fn flags_case(flags: &'static str, wanted: Result<u8, String>) {
    case("6.2", format!("tcpdump_flags({})", text(flags)))
        .expect(wanted, move || {
            tcpdump_flags(flags).map_err(|_| String::from("an error"))
        });
}

#[test]
fn ex6_2_basic() {
    for (flags, byte) in [
        ("S", 0x02),
        ("S.", 0x12),
        (".", 0x10),
        ("P.", 0x18),
        ("F.", 0x11),
        ("R.", 0x14),
        ("R", 0x04),
        ("F", 0x01),
    ] {
        flags_case(flags, Ok(byte));
    }
}

#[test]
fn ex6_2_every_flag_and_none() {
    flags_case("none", Ok(0));
    flags_case("U", Ok(0x20));
    flags_case("E", Ok(0x40));
    flags_case("W", Ok(0x80));
    flags_case("FSRP.UEW", Ok(0xff));
    flags_case(".S", Ok(0x12));
    flags_case("EWS", Ok(0xc2));
}

#[test]
fn ex6_2_wrong_answers() {
    for flags in ["", "SS", "..", "X", "s", "A", "none.", "[S.]", " S", "S "] {
        flags_case(flags, Err(String::from("an error")));
    }
}

// ---------------------------------------------------------------------
// Exercise 6.3: the segments of one write

fn predict_case(
    next: u32,
    len: usize,
    mss: usize,
    window: usize,
    wanted: &[(u32, usize)],
) {
    let call = format!("predict_segments({next}, {len}, {mss}, {window})");
    case("6.3", call).expect(wanted.to_vec(), move || {
        predict_segments(next, len, mss, window)
    });
}

#[test]
fn ex6_3_basic() {
    // The lesson's data scenario, and its zero-window scenario.
    predict_case(
        1,
        5000,
        1460,
        8192,
        &[(1, 1460), (1461, 1460), (2921, 1460), (4381, 620)],
    );
    predict_case(1, 3000, 1460, 1024, &[(1, 1024)]);
    predict_case(7, 10, 1460, 4096, &[(7, 10)]);
}

#[test]
fn ex6_3_the_window_cuts() {
    predict_case(
        1,
        5000,
        1460,
        4096,
        &[(1, 1460), (1461, 1460), (2921, 1176)],
    );
    predict_case(100, 2920, 1460, 2920, &[(100, 1460), (1560, 1460)]);
}

#[test]
fn ex6_3_edge_cases() {
    predict_case(1, 5000, 1460, 0, &[]);
    predict_case(1, 5000, 0, 4096, &[]);
    predict_case(1, 0, 1460, 4096, &[]);
    predict_case(1, 1, 1, 1, &[(1, 1)]);
    predict_case(5, 3, 1, 10, &[(5, 1), (6, 1), (7, 1)]);
}

#[test]
fn ex6_3_wraps_around() {
    predict_case(
        u32::MAX - 99,
        300,
        100,
        1000,
        &[(u32::MAX - 99, 100), (0, 100), (100, 100)],
    );
}

// ---------------------------------------------------------------------
// Exercise 6.4: the TCP checksum

fn tcp_case(segment: Vec<u8>, wanted: Result<u16, String>) {
    // A long run of one byte is shown as `vec![0xff; 65535]`.
    let shown = match segment.first() {
        Some(&b) if segment.len() > 64 && segment.iter().all(|&x| x == b) => {
            format!("vec![0x{b:02x}; {}]", segment.len())
        }
        _ => bytes(&segment),
    };
    let call = format!("tcp_checksum({HOST:?}, {HOST:?}, &{shown})");
    case("6.4", call).expect(wanted, move || {
        tcp_checksum(HOST, HOST, &segment).map_err(|_| String::from("an error"))
    });
}

#[test]
fn ex6_4_basic() {
    tcp_case(SYN_TCP.to_vec(), Ok(0x5e49));
    let mut welcome = WELCOME_TCP.to_vec();
    welcome.extend_from_slice(b"Welcome!");
    tcp_case(welcome.clone(), Ok(0x121a));
    // Whatever the field holds now does not count.
    welcome[16] = 0xab;
    welcome[17] = 0xcd;
    tcp_case(welcome, Ok(0x121a));
}

#[test]
fn ex6_4_odd_length_and_addresses() {
    let mut odd = WELCOME_TCP.to_vec();
    odd.push(b'!');
    tcp_case(odd.clone(), Ok(0x8978));
    // The addresses count: from 10.0.0.2, the sum is one less.
    let call =
        format!("tcp_checksum([10, 0, 0, 2], {HOST:?}, &{})", bytes(&odd));
    case("6.4", call).expect(Ok(0x8977), move || {
        tcp_checksum([10, 0, 0, 2], HOST, &odd).map_err(|e| e.to_string())
    });
}

#[test]
fn ex6_4_edge_cases() {
    let error = || Err(String::from("an error"));
    tcp_case(WELCOME_TCP[..19].to_vec(), error());
    tcp_case(Vec::new(), error());
    tcp_case(vec![0; 65536], error());
    // Only the pseudo-header: 0x0a00 + 0x0001, twice, + 6 + 20.
    tcp_case(vec![0; 20], Ok(!(0x0a01 * 2 + 6 + 20)));
    tcp_case(vec![0xff; 65535], Ok(0xecf6));
}

// ---------------------------------------------------------------------
// Exercise 6.5: reassembly

fn reassemble_case(isn: u32, segments: &[(u32, &[u8])], wanted: (&[u8], u32)) {
    let owned: Vec<(u32, Vec<u8>)> =
        segments.iter().map(|(s, d)| (*s, d.to_vec())).collect();
    let shown: Vec<String> = owned
        .iter()
        .map(|(s, d)| format!("({s}, {})", bytes(d)))
        .collect();
    let call = format!("reassemble({isn}, &[{}])", shown.join(", "));
    let wanted = (bytes(wanted.0), wanted.1);
    case("6.5", call).expect(wanted, move || {
        let list: Vec<(u32, &[u8])> =
            owned.iter().map(|(s, d)| (*s, &d[..])).collect();
        let (stream, ack) = reassemble(isn, &list);
        (bytes(&stream), ack)
    });
}

#[test]
fn ex6_5_basic() {
    reassemble_case(0, &[], (b"", 1));
    reassemble_case(0, &[(1, b"abc")], (b"abc", 4));
    reassemble_case(0, &[(1, b"ab"), (3, b"cd")], (b"abcd", 5));
    reassemble_case(1000, &[(1001, b"Welcome!")], (b"Welcome!", 1009));
    reassemble_case(0, &[(1, b"")], (b"", 1));
}

#[test]
fn ex6_5_out_of_order_and_gaps() {
    reassemble_case(0, &[(4, b"de"), (1, b"abcd")], (b"abcde", 6));
    reassemble_case(0, &[(1, b"ab"), (5, b"ef")], (b"ab", 3));
    reassemble_case(0, &[(5, b"ef"), (3, b"cd"), (1, b"ab")], (b"abcdef", 7));
    reassemble_case(0, &[(7, b"g"), (5, b"ef"), (3, b"cd")], (b"", 1));
}

#[test]
fn ex6_5_duplicates_and_overlaps() {
    // The loss scenario's retransmission arrives after the original.
    reassemble_case(0, &[(1, b"abc"), (1, b"abc")], (b"abc", 4));
    reassemble_case(0, &[(1, b"abc"), (2, b"bcde")], (b"abcde", 6));
    // A byte counts as first received.
    reassemble_case(0, &[(3, b"XY"), (1, b"ab"), (3, b"cd")], (b"abXY", 5));
    reassemble_case(0, &[(3, b"XY"), (3, b"cd"), (1, b"ab")], (b"abXY", 5));
    reassemble_case(0, &[(1, b"abcdef"), (3, b"XY")], (b"abcdef", 7));
}

#[test]
fn ex6_5_before_the_start_and_wrapping() {
    // Sequence number 0 is the SYN's: only "yz" is data.
    reassemble_case(0, &[(0, b"xyz")], (b"yz", 3));
    // The numbers wrap around after u32::MAX.
    reassemble_case(u32::MAX - 1, &[(0, b"bc"), (u32::MAX, b"a")], (b"abc", 2));
    reassemble_case(u32::MAX, &[(0, b"ab")], (b"ab", 2));
    // 2^31 after the next byte counts as before it: old, not waiting.
    reassemble_case(0, &[(1 + (1 << 31), b"zz"), (1, b"ab")], (b"ab", 3));
}

#[test]
fn ex6_5_one_segment_at_a_time() {
    let arrivals: [(u32, &[u8]); 4] =
        [(4, b"def"), (1, b"ab"), (3, b"cd"), (7, b"g")];
    let wanted: [(&[u8], u32); 4] =
        [(b"", 1), (b"ab", 3), (b"abcdef", 7), (b"abcdefg", 8)];
    for n in 1..=arrivals.len() {
        reassemble_case(0, &arrivals[..n], wanted[n - 1]);
    }
}
