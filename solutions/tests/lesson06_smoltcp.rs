//! The chapter 6 solutions agree with smoltcp's own `wire` code on
//! many headers: checksums, and the flags byte.

use smoltcp::wire::{IpAddress, Ipv4Address, Ipv4Packet, TcpPacket};
use solutions::lesson06::{ipv4_checksum, tcp_checksum, tcpdump_flags};

/// A small deterministic source of bytes (a linear congruential
/// generator): the same "random" headers on every run.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u8 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1);
        (self.0 >> 56) as u8
    }
}

#[test]
fn ipv4_checksum_agrees_with_smoltcp() {
    let mut random = Bytes(1);
    for round in 0..2000 {
        let ihl = 5 + round % 11;
        let mut header: Vec<u8> = (0..ihl * 4).map(|_| random.next()).collect();
        header[0] = 0x40 | ihl as u8;
        let mut packet = Ipv4Packet::new_unchecked(&mut header[..]);
        packet.fill_checksum();
        let wanted = packet.checksum();
        assert_eq!(ipv4_checksum(&header), Ok(wanted), "{header:02x?}");
    }
}

#[test]
fn tcp_checksum_agrees_with_smoltcp() {
    let mut random = Bytes(2);
    for round in 0..2000 {
        let len = 20 + round % 77;
        let mut segment: Vec<u8> = (0..len).map(|_| random.next()).collect();
        let src = [random.next(), random.next(), random.next(), random.next()];
        let dst = [random.next(), random.next(), random.next(), random.next()];
        let (s, d) = (
            IpAddress::Ipv4(Ipv4Address::from_octets(src)),
            IpAddress::Ipv4(Ipv4Address::from_octets(dst)),
        );
        let mut packet = TcpPacket::new_unchecked(&mut segment[..]);
        packet.fill_checksum(&s, &d);
        let wanted = packet.checksum();
        assert_eq!(tcp_checksum(src, dst, &segment), Ok(wanted));
    }
}

#[test]
fn tcpdump_flags_agree_with_smoltcp() {
    for byte in 0..=255u8 {
        let mut header = [0u8; 20];
        let mut packet = TcpPacket::new_unchecked(&mut header[..]);
        packet.set_header_len(20);
        packet.set_fin(byte & 0x01 != 0);
        packet.set_syn(byte & 0x02 != 0);
        packet.set_rst(byte & 0x04 != 0);
        packet.set_psh(byte & 0x08 != 0);
        packet.set_ack(byte & 0x10 != 0);
        packet.set_urg(byte & 0x20 != 0);
        packet.set_ece(byte & 0x40 != 0);
        packet.set_cwr(byte & 0x80 != 0);
        let letters: String = "FSRP.UEW"
            .chars()
            .enumerate()
            .filter(|(bit, _)| byte & (1 << bit) != 0)
            .map(|(_, letter)| letter)
            .collect();
        let letters = if letters.is_empty() {
            "none".into()
        } else {
            letters
        };
        assert_eq!(tcpdump_flags(&letters), Ok(header[13]), "{letters}");
    }
}
