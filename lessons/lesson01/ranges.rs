//! Special ranges: blocks of addresses set aside for one purpose.
//!
//! A range is written `network/prefix`: an address belongs to it when its
//! top `prefix` bits equal the network's. `192.168.0.0/16` holds every
//! address whose first 16 bits are those of `192.168`.

/// What a range is for. Tests compare these with the `is_*` methods of
/// `std::net`, so the names follow the same ideas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Unspecified,
    ThisNetwork,
    Loopback,
    Private,
    SharedCgnat,
    LinkLocal,
    Documentation,
    Benchmarking,
    Multicast,
    Broadcast,
    Reserved,
    Ipv4Mapped,
    Translation,
    UniqueLocal,
    GlobalUnicast,
    Public,
    Unassigned,
}

/// One row of a range table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range<T> {
    pub network: T,
    pub prefix: u32,
    pub kind: Kind,
    pub name: &'static str,
    pub source: &'static str,
    pub meaning: &'static str,
}

// ANCHOR: in_prefix
/// Is `address` inside `network/prefix`? Compare the top `prefix` bits.
pub fn in_prefix_v4(address: u32, network: u32, prefix: u32) -> bool {
    // A mask with `prefix` ones on top: /8 is 0xff000000. Shifting a u32
    // by 32 is not allowed, so /0 (everything) is a case of its own.
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    address & mask == network & mask
}
// ANCHOR_END: in_prefix

/// The same test for 128-bit IPv6 addresses.
pub fn in_prefix_v6(address: u128, network: u128, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    address & mask == network & mask
}

const fn v4(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

const fn v6(groups: [u16; 8]) -> u128 {
    let mut value = 0u128;
    let mut index = 0;
    while index < 8 {
        value = (value << 16) | groups[index] as u128;
        index += 1;
    }
    value
}

/// One table row, written on one line below.
const fn range<T: Copy>(
    network: T,
    prefix: u32,
    kind: Kind,
    (name, source, meaning): (&'static str, &'static str, &'static str),
) -> Range<T> {
    Range {
        network,
        prefix,
        kind,
        name,
        source,
        meaning,
    }
}

/// IPv4's special ranges, the most specific first: the first match wins.
#[rustfmt::skip]
pub const IPV4_RANGES: &[Range<u32>] = &[
    range(v4(0, 0, 0, 0), 32, Kind::Unspecified, ("unspecified", "RFC 1122",
        "no address; a server binds it to listen on every interface")),
    range(v4(255, 255, 255, 255), 32, Kind::Broadcast, ("limited broadcast", "RFC 919",
        "every host on the local link; routers never forward it")),
    range(v4(0, 0, 0, 0), 8, Kind::ThisNetwork, ("this network", "RFC 1122",
        "only valid as a source address while a host learns its own")),
    range(v4(127, 0, 0, 0), 8, Kind::Loopback, ("loopback", "RFC 1122",
        "this machine itself; packets never leave it")),
    range(v4(10, 0, 0, 0), 8, Kind::Private, ("private", "RFC 1918",
        "for home and office networks; not routed on the internet")),
    range(v4(172, 16, 0, 0), 12, Kind::Private, ("private", "RFC 1918",
        "for home and office networks; not routed on the internet")),
    range(v4(192, 168, 0, 0), 16, Kind::Private, ("private", "RFC 1918",
        "for home and office networks; not routed on the internet")),
    range(v4(100, 64, 0, 0), 10, Kind::SharedCgnat, ("shared address space", "RFC 6598",
        "used inside an internet provider's carrier-grade NAT")),
    range(v4(169, 254, 0, 0), 16, Kind::LinkLocal, ("link-local", "RFC 3927",
        "picked by a host itself when no DHCP server answers")),
    range(v4(192, 0, 2, 0), 24, Kind::Documentation, ("documentation (TEST-NET-1)", "RFC 5737",
        "for examples in books and manuals; never routed")),
    range(v4(198, 51, 100, 0), 24, Kind::Documentation, ("documentation (TEST-NET-2)", "RFC 5737",
        "for examples in books and manuals; never routed")),
    range(v4(203, 0, 113, 0), 24, Kind::Documentation, ("documentation (TEST-NET-3)", "RFC 5737",
        "for examples in books and manuals; never routed")),
    range(v4(198, 18, 0, 0), 15, Kind::Benchmarking, ("benchmarking", "RFC 2544",
        "for testing network equipment in a lab")),
    range(v4(224, 0, 0, 0), 4, Kind::Multicast, ("multicast", "RFC 5771",
        "one packet delivered to every member of a group")),
    range(v4(240, 0, 0, 0), 4, Kind::Reserved, ("reserved", "RFC 1112",
        "set aside for future use; not used on the internet")),
];

/// IPv6's special ranges, the most specific first: the first match wins.
#[rustfmt::skip]
pub const IPV6_RANGES: &[Range<u128>] = &[
    range(v6([0, 0, 0, 0, 0, 0, 0, 0]), 128, Kind::Unspecified, ("unspecified", "RFC 4291",
        "no address; a server binds it to listen on every interface")),
    range(v6([0, 0, 0, 0, 0, 0, 0, 1]), 128, Kind::Loopback, ("loopback", "RFC 4291",
        "this machine itself; packets never leave it")),
    range(v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96, Kind::Ipv4Mapped, ("IPv4-mapped", "RFC 4291",
        "IPv4 written as IPv6: how a dual-stack socket sees IPv4 peers")),
    range(v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0]), 96, Kind::Translation, ("IPv4/IPv6 translation", "RFC 6052",
        "lets IPv6-only hosts reach IPv4 ones through a translator")),
    range(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32, Kind::Documentation, ("documentation", "RFC 3849",
        "for examples in books and manuals; never routed")),
    range(v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7, Kind::UniqueLocal, ("unique local", "RFC 4193",
        "IPv6's private addresses; not routed on the internet")),
    range(v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 10, Kind::LinkLocal, ("link-local", "RFC 4291",
        "every interface has one; valid on its own link only")),
    range(v6([0xff00, 0, 0, 0, 0, 0, 0, 0]), 8, Kind::Multicast, ("multicast", "RFC 4291",
        "one packet delivered to every member of a group")),
    range(v6([0x2000, 0, 0, 0, 0, 0, 0, 0]), 3, Kind::GlobalUnicast, ("global unicast", "RFC 4291",
        "public: routed on the internet")),
];

/// The answer for an IPv4 address in no special range.
pub const IPV4_PUBLIC: Range<u32> = range(
    0,
    0,
    Kind::Public,
    (
        "public",
        "RFC 791",
        "routed on the internet: no special range",
    ),
);

/// The answer for an IPv6 address in none of the ranges above.
pub const IPV6_UNASSIGNED: Range<u128> = range(
    0,
    0,
    Kind::Unassigned,
    (
        "not assigned",
        "RFC 4291",
        "IANA has not given this block a use yet",
    ),
);

// ANCHOR: classify
/// The range an IPv4 address falls in.
pub fn classify_v4(address: u32) -> Range<u32> {
    IPV4_RANGES
        .iter()
        .find(|range| in_prefix_v4(address, range.network, range.prefix))
        .copied()
        .unwrap_or(IPV4_PUBLIC)
}
// ANCHOR_END: classify

/// The range an IPv6 address falls in.
pub fn classify_v6(address: u128) -> Range<u128> {
    IPV6_RANGES
        .iter()
        .find(|range| in_prefix_v6(address, range.network, range.prefix))
        .copied()
        .unwrap_or(IPV6_UNASSIGNED)
}
