//! Socket addresses: an IP address and a port, the full "where" of one end
//! of a connection. `192.168.0.1:80` for IPv4; IPv6 wraps the address in
//! brackets, `[2001:db8::1]:443`, because the address has colons of its own.

use std::fmt;

use super::ipv4::{Ipv4Error, parse_ipv4};
use super::ipv6::{Ipv6Error, parse_ipv6};
use super::ports::{PortError, parse_port};
use super::quoted;

/// An address the lesson understood: the integer is the whole address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    V4(u32),
    V6(u128),
}

/// An address with a port. An IPv6 socket address may also carry a scope
/// id (`[fe80::1%2]:80`): the number of the interface a link-local address
/// belongs to, since the same link-local address can exist on every link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketAddress {
    pub address: Address,
    pub port: u16,
    pub scope_id: Option<u32>,
}

/// Why a socket address did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketAddrError {
    Ipv4(Ipv4Error),
    Ipv6(Ipv6Error),
    Port(PortError),
    MissingPort,
    MissingBracket,
    BadScopeId { text: String },
}

impl fmt::Display for SocketAddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketAddrError::Ipv4(reason) => reason.fmt(f),
            SocketAddrError::Ipv6(reason) => reason.fmt(f),
            SocketAddrError::Port(reason) => reason.fmt(f),
            SocketAddrError::MissingPort => {
                write!(f, "\"[...]\" must be followed by \":PORT\"")
            }
            SocketAddrError::MissingBracket => write!(
                f,
                "an IPv6 socket address is written [ADDRESS]:PORT, with both brackets"
            ),
            SocketAddrError::BadScopeId { text } => write!(
                f,
                "the scope id {} after \"%\" must be a number (an \
                 interface index)",
                quoted(text)
            ),
        }
    }
}

impl std::error::Error for SocketAddrError {}

// ANCHOR: parse
/// Parses `A.B.C.D:PORT` or `[IPV6]:PORT` (optionally `[IPV6%SCOPE]:PORT`).
pub fn parse_socket_addr(text: &str) -> Result<SocketAddress, SocketAddrError> {
    if let Some(rest) = text.strip_prefix('[') {
        // IPv6: everything up to `]` is the address.
        let (inside, after) = rest
            .split_once(']')
            .ok_or(SocketAddrError::MissingBracket)?;
        let port_text = after
            .strip_prefix(':')
            .ok_or(SocketAddrError::MissingPort)?;
        let (address_text, scope_id) = match inside.split_once('%') {
            Some((address, scope)) => (address, Some(parse_scope_id(scope)?)),
            None => (inside, None),
        };
        let address =
            parse_ipv6(address_text).map_err(SocketAddrError::Ipv6)?;
        let port = parse_port(port_text).map_err(SocketAddrError::Port)?;
        return Ok(SocketAddress {
            address: Address::V6(address),
            port,
            scope_id,
        });
    }
    // IPv4: the last `:` separates address and port.
    let (address_text, port_text) =
        text.rsplit_once(':').ok_or(SocketAddrError::MissingPort)?;
    let address = parse_ipv4(address_text).map_err(SocketAddrError::Ipv4)?;
    let port = parse_port(port_text).map_err(SocketAddrError::Port)?;
    Ok(SocketAddress {
        address: Address::V4(address),
        port,
        scope_id: None,
    })
}
// ANCHOR_END: parse

/// A scope id is a decimal `u32` (leading zeros allowed, as in `std::net`).
fn parse_scope_id(text: &str) -> Result<u32, SocketAddrError> {
    let bad = || SocketAddrError::BadScopeId {
        text: text.to_string(),
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let mut value: u32 = 0;
    for digit in text.bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u32::from(digit - b'0')))
            .ok_or_else(bad)?;
    }
    Ok(value)
}
