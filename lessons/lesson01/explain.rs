//! Turning one command-line argument into an explanation, or into one clear
//! line saying why it is not an address.

use std::fmt;

use super::ipv4::{binary_groups, format_ipv4, parse_ipv4};
use super::ipv6::{
    format_full, format_ipv6, groups, longest_zero_run, parse_ipv6,
};
use super::ports::{classify_port, well_known_service};
use super::quoted;
use super::ranges::{Range, classify_v4, classify_v6};
use super::socket_addr::{Address, SocketAddress, parse_socket_addr};

/// What an argument turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Understood {
    Address(Address),
    Socket(SocketAddress),
}

/// An argument that is not an address, and why, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub input: String,
    /// What the input looked like it was trying to be.
    pub expected: &'static str,
    pub reason: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let InputError {
            input,
            expected,
            reason,
        } = self;
        write!(f, "{} is not {expected}: {reason}", quoted(input))
    }
}

impl std::error::Error for InputError {}

// ANCHOR: understand
/// Decides what the text is trying to be, then parses it as that. The guess
/// only chooses which error message to give; it never accepts bad input.
pub fn understand(input: &str) -> Result<Understood, InputError> {
    let fail = |expected, reason: String| InputError {
        input: input.to_string(),
        expected,
        reason,
    };
    if input.is_empty() {
        return Err(fail("an address", "it is empty".into()));
    }
    if input.trim() != input {
        let reason = "it has spaces around it; write the address alone".into();
        return Err(fail("an address", reason));
    }
    if looks_like_host_name(input) {
        let reason = "it looks like a host name; DNS turns names into \
                      addresses (lesson02 does that)"
            .into();
        return Err(fail("an address", reason));
    }
    let colons = input.matches(':').count();
    if input.starts_with('[') || (colons == 1 && input.contains('.')) {
        return match parse_socket_addr(input) {
            Ok(socket) => Ok(Understood::Socket(socket)),
            Err(reason) => Err(fail("a socket address", reason.to_string())),
        };
    }
    if colons > 0 {
        return match parse_ipv6(input) {
            Ok(value) => Ok(Understood::Address(Address::V6(value))),
            Err(reason) => Err(fail("an IPv6 address", reason.to_string())),
        };
    }
    match parse_ipv4(input) {
        Ok(value) => Ok(Understood::Address(Address::V4(value))),
        Err(reason) => Err(fail("an IPv4 address", reason.to_string())),
    }
}
// ANCHOR_END: understand

/// `example.com` or `localhost` (optionally with `:PORT`): letters, and a
/// last label that starts with a letter, as top-level domains do.
fn looks_like_host_name(input: &str) -> bool {
    let host = match input.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => input,
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let last_label = host.rsplit('.').next().unwrap_or(host);
    host.chars().all(allowed)
        && last_label.starts_with(|c: char| c.is_ascii_alphabetic())
        && host
            .chars()
            .any(|c| c.is_ascii_alphabetic() && !c.is_ascii_hexdigit())
}

/// The text `std::net` would print for what we understood.
pub fn canonical(understood: &Understood) -> String {
    match understood {
        Understood::Address(address) => canonical_address(address),
        Understood::Socket(socket) => {
            let port = socket.port;
            match (socket.address, socket.scope_id) {
                (Address::V4(value), _) => {
                    format!("{}:{port}", format_ipv4(value))
                }
                (Address::V6(value), Some(scope)) if scope != 0 => {
                    format!("[{}%{scope}]:{port}", format_ipv6(value))
                }
                (Address::V6(value), _) => {
                    format!("[{}]:{port}", format_ipv6(value))
                }
            }
        }
    }
}

fn canonical_address(address: &Address) -> String {
    match address {
        Address::V4(value) => format_ipv4(*value),
        Address::V6(value) => format_ipv6(*value),
    }
}

/// The full explanation of one argument, or why it is not an address.
pub fn explain(input: &str) -> Result<String, InputError> {
    let understood = understand(input)?;
    let mut lines = vec![input.to_string()];
    match &understood {
        Understood::Address(address) => {
            lines.push(format!("  {}", kind_line(address)));
            lines.push(field("std::net prints", &canonical(&understood)));
            lines.extend(address_lines(address));
        }
        Understood::Socket(socket) => {
            let family = match socket.address {
                Address::V4(_) => "IPv4",
                Address::V6(_) => "IPv6",
            };
            lines.push(format!(
                "  socket address: an {family} address plus a port"
            ));
            lines.push(field("std::net prints", &canonical(&understood)));
            lines.extend(port_lines(socket.port));
            if let Some(scope) = socket.scope_id {
                lines.push(field(
                    "scope id",
                    &format!("{scope} (interface number)"),
                ));
            }
            lines.push(field("address", &canonical_address(&socket.address)));
            lines.extend(address_lines(&socket.address));
        }
    }
    Ok(lines.join("\n"))
}

fn kind_line(address: &Address) -> &'static str {
    match address {
        Address::V4(_) => "IPv4 address: 32 bits, four 8-bit groups in decimal",
        Address::V6(_) => "IPv6 address: 128 bits, eight 16-bit groups in hex",
    }
}

/// One aligned `name  value` line.
fn field(name: &str, value: &str) -> String {
    format!("  {name:<16} {value}")
}

fn address_lines(address: &Address) -> Vec<String> {
    match *address {
        Address::V4(value) => {
            let mut lines = vec![
                field("as an integer", &value.to_string()),
                field("in hex", &format!("{value:#010x}")),
                field("in binary", &binary_groups(value)),
            ];
            lines.extend(range_lines(&classify_v4(value), format_ipv4));
            lines
        }
        Address::V6(value) => {
            let mut lines = vec![
                field("full form", &format_full(value)),
                field("short form", &shortening(value)),
                field("as an integer", &value.to_string()),
                field("in hex", &format!("{value:#034x}")),
            ];
            lines.extend(range_lines(&classify_v6(value), format_ipv6));
            lines
        }
    }
}

/// How RFC 5952 shortened this particular address.
fn shortening(value: u128) -> String {
    if value >> 32 == 0xffff {
        return "IPv4-mapped: the last 32 bits are written as IPv4".into();
    }
    match longest_zero_run(&groups(value)) {
        Some((start, 1)) => format!(
            "leading zeros dropped; group {} is a lone zero, kept as 0",
            start + 1
        ),
        Some((_, 8)) => {
            "all eight groups are zero: the whole address is \"::\"".into()
        }
        Some((start, len)) => format!(
            "leading zeros dropped; zero groups {}-{} become \"::\"",
            start + 1,
            start + len
        ),
        None => {
            "leading zeros dropped; no zero group to replace with \"::\"".into()
        }
    }
}

fn range_lines<T: Copy>(
    range: &Range<T>,
    format: fn(T) -> String,
) -> Vec<String> {
    let name = if range.prefix == 0 {
        format!("{} ({})", range.name, range.source)
    } else {
        let network = format(range.network);
        format!(
            "{}, {network}/{} ({})",
            range.name, range.prefix, range.source
        )
    };
    vec![field("range", &name), field("", range.meaning)]
}

fn port_lines(port: u16) -> Vec<String> {
    let service = match well_known_service(port) {
        Some(service) => format!("{port}, by convention {service}"),
        None => format!("{port}, no well-known service in this lesson's table"),
    };
    vec![
        field("port", &service),
        field("", &classify_port(port).to_string()),
    ]
}

/// The examples shown when lesson01 runs with no arguments, each with the
/// one thing it teaches.
pub const TOUR: &[(&str, &str)] = &[
    (
        "127.0.0.1",
        "Loopback: \"this machine\". Every lesson's server listens here.",
    ),
    (
        "192.168.0.1",
        "A private address, as home routers use. Look at the integer.",
    ),
    (
        "123.123.123.123",
        "A public address. The dots only cut 32 bits into 4 bytes.",
    ),
    (
        "2001:0db8:85a3:0042:1000:8a2e:0370:7334",
        "IPv6 in full. std::net prints the short form of RFC 5952.",
    ),
    ("::1", "IPv6 loopback: 127 zero bits and a single one."),
    (
        "::ffff:192.0.2.128",
        "An IPv4 address carried inside an IPv6 one.",
    ),
    (
        "192.168.0.1:80",
        "A socket address: an address picks the host, a port the program.",
    ),
    (
        "[2001:db8::1]:443",
        "IPv6 socket addresses need brackets: the address has colons.",
    ),
];

/// What lesson01 prints with no arguments.
pub fn tour() -> String {
    let mut out = String::from(
        "lesson01: an IP address is just a number\n\
         \n\
         An IPv4 address is a 32-bit integer and an IPv6 address a 128-bit\n\
         one; dots and colons are only how people write them. Here are a few\n\
         examples, each taken apart. Try your own, as many as you like:\n\
         \n    cargo run --bin lesson01 -- 10.0.0.7 fe80::1 '[::1]:8080'\n",
    );
    for (example, lesson) in TOUR {
        out.push_str(&format!("\n# {lesson}\n"));
        match explain(example) {
            Ok(block) => out.push_str(&block),
            Err(error) => out.push_str(&format!("error: {error}")),
        }
        out.push('\n');
    }
    out
}
