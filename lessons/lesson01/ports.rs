//! Ports: which program on a host a packet is for.
//!
//! An IP address picks a machine (strictly: one of its network interfaces).
//! A port, a 16-bit number in the TCP or UDP header, picks the program on
//! it. A server listens on a fixed, agreed port so clients know where to
//! knock; a client's port is usually picked by the operating system.

use std::fmt;

use super::shortened;

// ANCHOR: services
/// Some well-known services and the port they listen on by convention.
pub const WELL_KNOWN: &[(u16, &str)] = &[
    (20, "FTP data"),
    (21, "FTP (file transfer)"),
    (22, "SSH (secure shell)"),
    (23, "Telnet (unencrypted remote login)"),
    (25, "SMTP (mail between servers)"),
    (53, "DNS (name lookups)"),
    (67, "DHCP (address assignment, server side)"),
    (80, "HTTP (the web)"),
    (110, "POP3 (fetching mail)"),
    (123, "NTP (clock synchronisation)"),
    (143, "IMAP (reading mail)"),
    (443, "HTTPS (HTTP over TLS)"),
    (587, "SMTP submission (sending mail)"),
    (993, "IMAPS (IMAP over TLS)"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (6379, "Redis"),
    (8080, "HTTP, alternative port"),
    (9999, "this workbook's lesson03 server"),
];
// ANCHOR_END: services

/// The service that conventionally listens on `port`, if this table knows one.
pub fn well_known_service(port: u16) -> Option<&'static str> {
    WELL_KNOWN
        .iter()
        .find(|(known, _)| *known == port)
        .map(|(_, service)| *service)
}

// ANCHOR: class
/// IANA splits the 65536 port numbers into three blocks (RFC 6335).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortClass {
    /// Port 0 is never used on the wire: binding to it asks the OS to pick.
    Zero,
    /// 1-1023: system ports. Binding one needs privileges on Unix.
    System,
    /// 1024-49151: registered ports, free for any program to bind.
    Registered,
    /// 49152-65535: dynamic ports, what IANA suggests for client ports.
    Dynamic,
}

pub fn classify_port(port: u16) -> PortClass {
    match port {
        0 => PortClass::Zero,
        1..=1023 => PortClass::System,
        1024..=49151 => PortClass::Registered,
        49152..=u16::MAX => PortClass::Dynamic,
    }
}
// ANCHOR_END: class

impl fmt::Display for PortClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PortClass::Zero => {
                "port 0: bind to it and the OS picks a free port for you"
            }
            PortClass::System => {
                "a system port (1-1023): binding it needs privileges"
            }
            PortClass::Registered => {
                "a registered port (1024-49151): any program may bind it"
            }
            PortClass::Dynamic => {
                "a dynamic port (49152-65535): typical of a client's side"
            }
        })
    }
}

/// Why a piece of text is not a port number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortError {
    Empty,
    NotADigit { found: char },
    TooLarge { text: String },
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortError::Empty => write!(f, "the port is missing after \":\""),
            PortError::NotADigit { found } => {
                write!(
                    f,
                    "the port has {found:?}, which is not a decimal digit"
                )
            }
            PortError::TooLarge { text } => write!(
                f,
                "the port {} is over 65535, the largest 16-bit number",
                shortened(text)
            ),
        }
    }
}

impl std::error::Error for PortError {}

// ANCHOR: parse_port
/// Parses a decimal port, `0` to `65535`. Leading zeros are allowed, as
/// `std::net` allows them (`:080` is port 80).
pub fn parse_port(text: &str) -> Result<u16, PortError> {
    if text.is_empty() {
        return Err(PortError::Empty);
    }
    let mut value: u32 = 0;
    for c in text.chars() {
        let Some(digit) = c.to_digit(10) else {
            return Err(PortError::NotADigit { found: c });
        };
        value = value * 10 + digit;
        if value > u32::from(u16::MAX) {
            // Stop at once: a long run of digits must not overflow `value`.
            let text = text.to_string();
            return Err(PortError::TooLarge { text });
        }
    }
    Ok(value as u16)
}
// ANCHOR_END: parse_port
