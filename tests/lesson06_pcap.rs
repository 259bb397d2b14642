//! `--pcap FILE` writes a capture in the classic pcap format. This test
//! reads it back with a reader of its own (the format is simple) and
//! finds the handshake, the greeting and the close in it.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_lesson06");

/// One frame of a capture: its time and its bytes.
struct Record {
    micros: u64,
    bytes: Vec<u8>,
}

fn u32_le(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Parses a whole pcap file: the 24-byte file header, then records.
fn parse_pcap(file: &[u8]) -> Vec<Record> {
    assert!(file.len() >= 24, "no file header");
    assert_eq!(u32_le(file, 0), 0xa1b2_c3d4, "magic (microseconds)");
    assert_eq!(&file[4..8], &[2, 0, 4, 0], "version 2.4");
    assert_eq!(u32_le(file, 20), 1, "link type Ethernet");
    let mut records = Vec::new();
    let mut at = 24;
    while at < file.len() {
        assert!(at + 16 <= file.len(), "a cut record header");
        let seconds = u64::from(u32_le(file, at));
        let micros = u64::from(u32_le(file, at + 4));
        let saved = u32_le(file, at + 8) as usize;
        assert_eq!(saved, u32_le(file, at + 12) as usize, "not truncated");
        let start = at + 16;
        assert!(start + saved <= file.len(), "a cut frame");
        records.push(Record {
            micros: seconds * 1_000_000 + micros,
            bytes: file[start..start + saved].to_vec(),
        });
        at = start + saved;
    }
    records
}

/// The TCP flags byte and the payload of a frame that holds TCP/IPv4.
fn tcp(frame: &[u8]) -> Option<(u8, &[u8])> {
    if frame.len() < 54 || frame[12..14] != [0x08, 0x00] || frame[23] != 6 {
        return None;
    }
    let tcp_at = 14 + usize::from(frame[14] & 0x0f) * 4;
    let data_at = tcp_at + usize::from(frame[tcp_at + 12] >> 4) * 4;
    Some((frame[tcp_at + 13], &frame[data_at..]))
}

#[test]
fn the_capture_holds_the_conversation() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("conversation.pcap");
    let output = Command::new(BIN)
        .arg("--pcap")
        .arg(&file)
        .output()
        .expect("lesson06 runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let records = parse_pcap(&std::fs::read(&file).expect("the capture"));
    assert!(stdout.contains(&format!("wrote {} frames", records.len())));
    // The trace has one numbered line per frame, as many as captured.
    let traced = stdout
        .lines()
        .filter(|l| l.get(..3).is_some_and(|n| n.trim().parse::<u32>().is_ok()))
        .count();
    assert_eq!(traced, records.len());
    assert!(records.windows(2).all(|w| w[0].micros <= w[1].micros));

    let segments: Vec<(u8, &[u8])> =
        records.iter().filter_map(|r| tcp(&r.bytes)).collect();
    let (syn, ack, fin, psh) = (0x02, 0x10, 0x01, 0x08);
    assert_eq!(segments[0].0, syn, "the first segment is a bare SYN");
    assert_eq!(segments[1].0, syn | ack, "then SYN-ACK");
    assert_eq!(segments[2].0, ack, "then ACK");
    assert!(
        segments
            .iter()
            .any(|(f, data)| *f == psh | ack && *data == b"Welcome!")
    );
    assert_eq!(segments.iter().filter(|(f, _)| f & fin != 0).count(), 2);
}

/// A capture that cannot be written: one line on stderr, status 1.
#[test]
fn an_unwritable_capture_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("no such folder").join("x.pcap");
    let output = Command::new(BIN)
        .arg("--pcap")
        .arg(&file)
        .output()
        .expect("lesson06 runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: cannot write "), "{stderr}");
}
