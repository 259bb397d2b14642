//! The `dns` command of `lesson05`: its options, and what it prints.
//!
//! ```text
//! lesson05 dns [NAME...] [--server ADDR] [--type A|AAAA] [--id N]
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use super::dns::{QueryType, encode_query, parse_message, type_name};
use super::dns_client::{
    annotate_query, check_answer, describe, exchange, hex_dump,
};
use super::dns_server;
use crate::cli::{Arg, Args, number, quote};
use crate::output::{say, warn};

/// The names asked for when none are given.
pub const DEFAULT_NAMES: &[&str] = &["www.workbook.test"];

/// How long to wait for each answer, and how many times to ask.
pub const TIMEOUT: Duration = Duration::from_secs(2);
pub const TRIES: u32 = 3;

/// The `dns` command's part of the lesson's usage.
pub const USAGE: &str = "\
usage: cargo run --bin lesson05 -- dns [NAME...] [--server ADDR]
                                   [--type A|AAAA] [--id N]

dns: builds a DNS query by hand, sends it in one UDP datagram, and
parses the answer by hand, showing every byte. With no --server it asks
a small DNS responder the lesson starts on 127.0.0.1, which knows
workbook.test, www.workbook.test and alias.workbook.test, answers
NXDOMAIN for other names, and answers the names under evil.test
(loop, forward, past-end, short, count) with malicious messages.
NAME defaults to www.workbook.test.
  --server ADDR  ask the DNS server at ADDR instead (IP:PORT, or just
                 an IP for port 53), e.g. your own resolver
  --type T       A (IPv4 addresses, the default) or AAAA (IPv6)
  --id N         the query's id, 0 to 65535 (default: a random one)";

/// What `dns` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsCommand {
    pub names: Vec<String>,
    /// `None`: the built-in responder.
    pub server: Option<SocketAddr>,
    pub qtype: QueryType,
    /// `None`: a random id.
    pub id: Option<u16>,
}

/// Reads the arguments after `dns`.
pub fn parse(args: &mut Args) -> Result<DnsCommand, String> {
    let mut command = DnsCommand {
        names: Vec::new(),
        server: None,
        qtype: QueryType::A,
        id: None,
    };
    while let Some(arg) = args.next_arg()? {
        let option = match &arg {
            Arg::Word(name) => {
                command.names.push(name.clone());
                continue;
            }
            Arg::Option(option) => option.as_str(),
        };
        match option {
            "--server" => {
                let text = args.value(option)?;
                command.server = Some(server_address(&text)?);
            }
            "--type" => {
                let text = args.value(option)?;
                command.qtype = match text.to_ascii_uppercase().as_str() {
                    "A" => QueryType::A,
                    "AAAA" => QueryType::Aaaa,
                    _ => {
                        return Err(format!(
                            "--type wants A or AAAA, not {}",
                            quote(&text)
                        ));
                    }
                };
            }
            "--id" => {
                let text = args.value(option)?;
                let range = 0..=u64::from(u16::MAX);
                // In range, so the cast keeps every bit.
                command.id =
                    Some(number(option, &text, range, "an id")? as u16);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    if command.names.is_empty() {
        command.names = DEFAULT_NAMES.iter().map(|n| n.to_string()).collect();
    }
    Ok(command)
}

/// `IP:PORT`, `[IPv6]:PORT`, or a bare IP (port 53).
fn server_address(text: &str) -> Result<SocketAddr, String> {
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    match text.parse::<std::net::IpAddr>() {
        Ok(ip) => Ok(SocketAddr::new(ip, 53)),
        Err(_) => Err(format!(
            "--server wants an address such as 127.0.0.1:53 or ::1, not {}",
            quote(text)
        )),
    }
}

/// A query id nobody can guess: std has no random generator, but its
/// hash maps are seeded with random keys for each process.
fn random_id() -> u16 {
    use std::hash::{BuildHasher, RandomState};
    // The low 16 bits of a random 64-bit hash.
    RandomState::new().hash_one(std::process::id()) as u16
}

/// Runs `dns`: starts the responder if needed, asks for every name.
pub fn run(command: DnsCommand) -> ExitCode {
    let server = match command.server {
        Some(server) => server,
        None => match dns_server::start() {
            Ok(address) => {
                say(format_args!(
                    "Started the built-in DNS responder on {address} (UDP)."
                ));
                address
            }
            Err(error) => {
                warn(format_args!(
                    "error: cannot start the responder: {error}"
                ));
                return ExitCode::FAILURE;
            }
        },
    };
    let mut failed = false;
    for (n, name) in command.names.iter().enumerate() {
        let id = command.id.unwrap_or_else(random_id);
        // Every field of the first query; the rest look the same.
        let annotate = n == 0;
        if let Err(error) = ask(server, name, command.qtype, id, annotate) {
            warn(format_args!("error: {error}"));
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

// ANCHOR: ask
/// Asks `server` for the `qtype` records of `name`, printing the query,
/// the answer's bytes and what they say.
fn ask(
    server: SocketAddr,
    name: &str,
    qtype: QueryType,
    id: u16,
    annotate: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let query = encode_query(id, name, qtype)?;
    say(format_args!(
        "\nAsking {server} for the {} records of {name}",
        type_name(qtype.code())
    ));
    say(format_args!(
        "The query, {} bytes in one datagram:",
        query.len()
    ));
    if annotate {
        annotate_query(&query).iter().for_each(say);
    } else {
        hex_dump(&query).iter().for_each(say);
    }
    let raw = exchange(server, &query, TIMEOUT, TRIES)?;
    say(format_args!(
        "The answer, {} bytes in one datagram:",
        raw.len()
    ));
    hex_dump(&raw).iter().for_each(say);
    let message =
        parse_message(&raw).map_err(super::dns_client::AskError::Parse)?;
    check_answer(&message, id, name, qtype)?;
    say("What it says:");
    describe(&message, &raw).iter().for_each(say);
    Ok(())
}
// ANCHOR_END: ask

#[cfg(test)]
mod tests {
    use super::*;

    fn read(words: &[&str]) -> Result<DnsCommand, String> {
        parse(&mut Args::new(words.to_vec()))
    }

    #[test]
    fn reads_names_and_options() {
        let command = read(&[
            "a.test",
            "--type",
            "aaaa",
            "--server=::1",
            "--id",
            "7",
            "b",
        ]);
        assert_eq!(
            command,
            Ok(DnsCommand {
                names: vec!["a.test".into(), "b".into()],
                server: Some("[::1]:53".parse().expect("an address")),
                qtype: QueryType::Aaaa,
                id: Some(7),
            })
        );
        let default = read(&[]).expect("no arguments");
        assert_eq!(default.names, DEFAULT_NAMES);
        assert_eq!(default.server, None);
        assert_eq!(default.qtype, QueryType::A);
        assert_eq!(
            read(&["--server", "127.0.0.1:5353"]).map(|c| c.server),
            Ok(Some("127.0.0.1:5353".parse().expect("an address")))
        );
    }

    #[test]
    fn refuses_mistakes() {
        for words in [
            &["--type", "MX"][..],
            &["--type"],
            &["--server", "localhost"],
            &["--id", "65536"],
            &["--bogus"],
        ] {
            assert!(read(words).is_err(), "{words:?}");
        }
    }
}
