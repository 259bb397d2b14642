//! The command line of `lesson05`, parsed into a [`Command`] by the
//! shared rules in [`crate::cli`].

use super::client::DEFAULT_NAMES;
use super::demo::{self, Scenario};
use super::dns_cli::{self, DnsCommand};
use super::ping::{self, Options};
use crate::cli::{Arg, Args, Program, number, one_choice, port, quote};

/// The port the server listens on, and the client sends to.
pub const DEFAULT_PORT: u16 = 9999;

pub const PROGRAM: Program = Program {
    name: "lesson05",
    usage: USAGE,
};

pub const USAGE: &str = "\
usage: cargo run --bin lesson05
       cargo run --bin lesson05 -- server [--port N]
       cargo run --bin lesson05 -- client [--port N] [NAME...]
       cargo run --bin lesson05 -- ping [--count N] [--loss P] [--seed S]
       cargo run --bin lesson05 -- demo [SCENARIO]
       cargo run --bin lesson05 -- dns [NAME...] [--server ADDR]
                                       [--type A|AAAA] [--id N]

With no command, the greeting over UDP against a server the lesson
starts on loopback: no handshake, whole datagrams, no end of stream.

server: the UDP greeting server on 127.0.0.1:9999 (--port 0 lets the OS
choose), one socket and one thread for every client. It answers each
datagram NAME with one datagram \"Hello, NAME!\", and an empty datagram,
one that is not UTF-8 or one over 1024 bytes with one starting
\"Error:\". Stop it with Ctrl+C.

client: sends each NAME (default: Michael Tracy Sarah) in a datagram and
prints the reply; waits 1 s for each, sends again up to 3 times, then
says the server is not answering. A name that starts with - goes after
--: client -- -dash.

ping: sends N pings (default 10) through a relay that loses P percent
(default 20, 0 to 100) and duplicates and holds back 10% each, decided
by the seed S (default 1); prints each reply and the statistics.

demo: acts out one way UDP differs from TCP; with no SCENARIO, lists
them.

dns: builds a DNS query by hand, sends it in one datagram and parses
the answer by hand, showing every byte. With no --server it asks a small
responder the lesson starts on 127.0.0.1, which knows workbook.test,
www.workbook.test and alias.workbook.test, answers NXDOMAIN for other
names, and answers the names under evil.test (loop, forward, past-end,
short, count) with malicious messages. NAME defaults to
www.workbook.test. --server IP:PORT (or just IP, for port 53) asks
another server; --type A (default) or AAAA; --id N, 0 to 65535.

  -h, --help   show this help";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Tour,
    Serve {
        port: u16,
    },
    Client {
        port: u16,
        names: Vec<String>,
    },
    Ping(Options),
    /// A scenario to act out, or `None` to list them.
    Demo {
        scenario: Option<&'static Scenario>,
    },
    /// A DNS query, by hand.
    Dns(DnsCommand),
}

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Command, String> {
    if args.command("server") {
        parse_server(args)
    } else if args.command("client") {
        parse_client(args)
    } else if args.command("ping") {
        parse_ping(args)
    } else if args.command("demo") {
        parse_demo(args)
    } else if args.command("dns") {
        dns_cli::parse(args).map(Command::Dns)
    } else {
        match args.next_arg()? {
            None => Ok(Command::Tour),
            Some(Arg::Word(word)) => Err(format!(
                "unknown command {} (try server, client, ping, demo or dns)",
                quote(&word)
            )),
            Some(other) => Err(other.unexpected()),
        }
    }
}

fn parse_server(args: &mut Args) -> Result<Command, String> {
    let mut port_number = DEFAULT_PORT;
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--port" => {
                port_number = port(o, &args.value(o)?)?;
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Command::Serve { port: port_number })
}

fn parse_client(args: &mut Args) -> Result<Command, String> {
    let mut port_number = DEFAULT_PORT;
    let mut names = Vec::new();
    while let Some(arg) = args.next_arg()? {
        match arg {
            Arg::Option(o) if o == "--port" => {
                port_number = port(&o, &args.value(&o)?)?;
            }
            Arg::Word(name) => names.push(name),
            Arg::Option(_) => return Err(arg.unexpected()),
        }
    }
    if port_number == 0 {
        return Err("--port 0 names no server; give the server's port".into());
    }
    if names.is_empty() {
        names = DEFAULT_NAMES.map(String::from).to_vec();
    }
    Ok(Command::Client {
        port: port_number,
        names,
    })
}

fn parse_ping(args: &mut Args) -> Result<Command, String> {
    let mut options = ping::DEFAULTS;
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--count" => {
                let count = number(o, &args.value(o)?, 1..=1000, "a number")?;
                options.count = u32::try_from(count).unwrap_or(1000);
            }
            Arg::Option(o) if o == "--loss" => {
                options.loss =
                    number(o, &args.value(o)?, 0..=100, "a percentage")?;
            }
            Arg::Option(o) if o == "--seed" => {
                options.seed =
                    number(o, &args.value(o)?, 0..=u64::MAX, "a number")?;
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Command::Ping(options))
}

fn parse_demo(args: &mut Args) -> Result<Command, String> {
    let scenario = one_choice(args, "demo", "scenario", demo::find)?;
    Ok(Command::Demo { scenario })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        parse(&mut Args::new(args.to_vec()))
    }

    #[test]
    fn commands() {
        let names =
            |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        let cases: &[(&[&str], Result<Command, String>)] = &[
            (&[], Ok(Command::Tour)),
            (&["server"], Ok(Command::Serve { port: 9999 })),
            (&["server", "--port=0"], Ok(Command::Serve { port: 0 })),
            (
                &["client"],
                Ok(Command::Client {
                    port: 9999,
                    names: names(&["Michael", "Tracy", "Sarah"]),
                }),
            ),
            (
                &["client", "", "--port", "1234", "--", "-dash"],
                Ok(Command::Client {
                    port: 1234,
                    names: names(&["", "-dash"]),
                }),
            ),
            (&["ping"], Ok(Command::Ping(ping::DEFAULTS))),
            (
                &["ping", "--count", "3", "--loss=100", "--seed", "0"],
                Ok(Command::Ping(Options {
                    count: 3,
                    loss: 100,
                    seed: 0,
                })),
            ),
            (&["demo"], Ok(Command::Demo { scenario: None })),
            (
                &["demo", "3"],
                Ok(Command::Demo {
                    scenario: demo::find("max-size"),
                }),
            ),
        ];
        for (args, expected) in cases {
            assert_eq!(&parse_str(args), expected, "{args:?}");
        }
    }

    #[test]
    fn mistakes_get_one_clear_line() {
        let cases: &[&[&str]] = &[
            &["--port", "1"],
            &["nosuch"],
            &["server", "--port", "65536"],
            &["server", "x"],
            &["client", "--port", "0"],
            &["client", "--verbose"],
            &["ping", "--count", "0"],
            &["ping", "--count", "1001"],
            &["ping", "--loss", "101"],
            &["ping", "--seed", "-1"],
            &["ping", "x"],
            &["demo", "nosuch"],
            &["demo", "boundaries", "connect"],
        ];
        for args in cases {
            let error = parse_str(args).expect_err("should be refused");
            assert!(!error.contains('\n'), "{args:?}: {error}");
        }
    }
}
