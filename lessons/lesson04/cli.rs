//! The command line of `lesson04`, parsed into a [`Command`] by the
//! shared rules in [`crate::cli`].

use std::time::Duration;

use super::client::{DEFAULT_NAMES, check_name};
use super::demo::{self, Scenario};
use super::pitfalls::{self, Pitfall};
use crate::cli::{Arg, Args, Program, one_choice, port, seconds};

/// The port the tutorial's server listens on.
pub const DEFAULT_PORT: u16 = 9999;

pub const PROGRAM: Program = Program {
    name: "lesson04",
    usage: USAGE,
};

pub const USAGE: &str = "\
usage: cargo run --bin lesson04 -- [--port N] [--idle-timeout SECS]
       cargo run --bin lesson04 -- client [--port N] [NAME...]
       cargo run --bin lesson04 -- demo [SCENARIO]
       cargo run --bin lesson04 -- pitfall [NAME]

With no command, the newline-framed greeting server on 127.0.0.1:9999
(--port 0 lets the OS choose). It answers each line NAME with
\"Hello, NAME!\", says goodbye and closes on \"exit\", closes clients
silent for SECS seconds (30 by default), and on Ctrl+C or SIGTERM says
goodbye to every client and exits 0.

client: connects, sends each NAME (default: Michael Tracy Sarah), then
exit; prints what the server answers. A name that starts with - goes
after --: client -- -dash. Try it in a second terminal, or with nc:
nc 127.0.0.1 9999

demo: acts out one way a conversation ends, both sides in one terminal;
with no SCENARIO, lists them.

pitfall: acts out a trap that loopback and quick tests hide; with no
NAME, lists them.

  -h, --help   show this help";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve {
        port: u16,
        idle_timeout: Duration,
    },
    Client {
        port: u16,
        names: Vec<String>,
    },
    /// A scenario to act out, or `None` to list them.
    Demo {
        scenario: Option<&'static Scenario>,
    },
    /// A pitfall to act out, or `None` to list them.
    Pitfall(Option<&'static Pitfall>),
}

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Command, String> {
    if args.command("client") {
        parse_client(args)
    } else if args.command("demo") {
        parse_demo(args)
    } else if args.command("pitfall") {
        parse_pitfall(args)
    } else {
        parse_serve(args)
    }
}

fn parse_serve(args: &mut Args) -> Result<Command, String> {
    let mut port_number = DEFAULT_PORT;
    let mut idle_timeout = Duration::from_secs(30);
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--port" => {
                port_number = port(o, &args.value(o)?)?;
            }
            Arg::Option(o) if o == "--idle-timeout" => {
                idle_timeout = seconds(o, &args.value(o)?, 86_400)?;
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Command::Serve {
        port: port_number,
        idle_timeout,
    })
}

fn parse_client(args: &mut Args) -> Result<Command, String> {
    let (port, names) = client_options(args)?;
    Ok(Command::Client { port, names })
}

/// The client's options, `[--port N] [NAME...]`: the port, and the names
/// to send (the tutorial's three if none). lesson07's client takes the
/// same.
pub fn client_options(args: &mut Args) -> Result<(u16, Vec<String>), String> {
    let mut port_number = DEFAULT_PORT;
    let mut names = Vec::new();
    while let Some(arg) = args.next_arg()? {
        match arg {
            Arg::Option(o) if o == "--port" => {
                port_number = port(&o, &args.value(&o)?)?;
            }
            Arg::Word(name) => {
                check_name(&name)?;
                names.push(name);
            }
            Arg::Option(_) => return Err(arg.unexpected()),
        }
    }
    if names.is_empty() {
        names = DEFAULT_NAMES.map(String::from).to_vec();
    }
    Ok((port_number, names))
}

fn parse_demo(args: &mut Args) -> Result<Command, String> {
    let scenario = one_choice(args, "demo", "scenario", demo::find)?;
    Ok(Command::Demo { scenario })
}

fn parse_pitfall(args: &mut Args) -> Result<Command, String> {
    let pitfall = one_choice(args, "pitfall", "pitfall", pitfalls::find)?;
    Ok(Command::Pitfall(pitfall))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        parse(&mut Args::new(args.to_vec()))
    }

    #[test]
    fn commands() {
        let thirty = Duration::from_secs(30);
        let names =
            |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        let cases: &[(&[&str], Result<Command, String>)] = &[
            (
                &[],
                Ok(Command::Serve {
                    port: 9999,
                    idle_timeout: thirty,
                }),
            ),
            (
                &["--port", "0", "--idle-timeout", "2"],
                Ok(Command::Serve {
                    port: 0,
                    idle_timeout: Duration::from_secs(2),
                }),
            ),
            (
                &["client"],
                Ok(Command::Client {
                    port: 9999,
                    names: names(&["Michael", "Tracy", "Sarah"]),
                }),
            ),
            (
                &["client", "Bob", "--port", "1234"],
                Ok(Command::Client {
                    port: 1234,
                    names: names(&["Bob"]),
                }),
            ),
            (
                &["client", "--", "-dash"],
                Ok(Command::Client {
                    port: 9999,
                    names: names(&["-dash"]),
                }),
            ),
            (&["demo"], Ok(Command::Demo { scenario: None })),
            (&["pitfall"], Ok(Command::Pitfall(None))),
            (
                &["pitfall", "time-wait"],
                Ok(Command::Pitfall(pitfalls::find("2"))),
            ),
            (
                &["demo", "2"],
                Ok(Command::Demo {
                    scenario: demo::find("eof"),
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
            &["--port"],
            &["--port", "65536"],
            &["--port", "-1"],
            &["--idle-timeout", "0"],
            &["--idle-timeout", "1.5"],
            &["--bogus"],
            &["client", "a\nb"],
            &["client", "--port", "x"],
            &["demo", "a", "b"],
            &["demo", "eof", "exit"],
            &["demo", "nosuch"],
            &["pitfall", "nosuch"],
            &["pitfall", "splits", "time-wait"],
            &["client", "--verbose"],
        ];
        for args in cases {
            let error = parse_str(args).expect_err("should be refused");
            assert!(!error.contains('\n'), "{args:?}: {error}");
        }
    }
}
