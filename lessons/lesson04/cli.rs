//! The command line of `lesson04`, parsed into a `Command`.

use std::time::Duration;

use super::client::{DEFAULT_NAMES, check_name};

/// The port the tutorial's server listens on.
pub const DEFAULT_PORT: u16 = 9999;

pub const USAGE: &str = "\
usage: cargo run --bin lesson04 -- [--port N] [--idle-timeout SECS]
       cargo run --bin lesson04 -- client [--port N] [NAME...]
       cargo run --bin lesson04 -- demo [SCENARIO]

With no command, the newline-framed greeting server on 127.0.0.1:9999
(--port 0 lets the OS choose). It answers each line NAME with
\"Hello, NAME!\", says goodbye and closes on \"exit\", closes clients
silent for SECS seconds (30 by default), and on Ctrl+C or SIGTERM says
goodbye to every client and exits 0.

client: connects, sends each NAME (default: Michael Tracy Sarah), then
exit; prints what the server answers. Try it in a second terminal, or
with nc: nc 127.0.0.1 9999

demo: acts out one way a conversation ends, both sides in one terminal;
with no SCENARIO, lists them.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve { port: u16, idle_timeout: Duration },
    Client { port: u16, names: Vec<String> },
    Demo { scenario: Option<String> },
    Help,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    if args.iter().any(|arg| arg == "-h" || arg == "--help") {
        return Ok(Command::Help);
    }
    match args.first().map(String::as_str) {
        Some("demo") => match &args[1..] {
            [] => Ok(Command::Demo { scenario: None }),
            [name] => Ok(Command::Demo {
                scenario: Some(name.clone()),
            }),
            _ => Err("demo takes one scenario at a time".into()),
        },
        Some("client") => parse_client(&args[1..]),
        _ => parse_serve(args),
    }
}

fn parse_serve(args: &[String]) -> Result<Command, String> {
    let mut port = DEFAULT_PORT;
    let mut idle_timeout = Duration::from_secs(30);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => port = parse_port(rest.next())?,
            "--idle-timeout" => idle_timeout = parse_seconds(rest.next())?,
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Command::Serve { port, idle_timeout })
}

fn parse_client(args: &[String]) -> Result<Command, String> {
    let mut port = DEFAULT_PORT;
    let mut names = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => port = parse_port(rest.next())?,
            name => {
                check_name(name)?;
                names.push(name.to_string());
            }
        }
    }
    if names.is_empty() {
        names = DEFAULT_NAMES.map(String::from).to_vec();
    }
    Ok(Command::Client { port, names })
}

fn parse_port(value: Option<&String>) -> Result<u16, String> {
    let value = value.ok_or("--port needs a number, such as --port 9999")?;
    value.parse().map_err(|_| {
        format!("--port {value:?}: a port is a number from 0 to 65535")
    })
}

fn parse_seconds(value: Option<&String>) -> Result<Duration, String> {
    let value = value.ok_or("--idle-timeout needs a number of seconds")?;
    match value.parse::<u64>() {
        Ok(seconds @ 1..=86_400) => Ok(Duration::from_secs(seconds)),
        _ => Err(format!(
            "--idle-timeout {value:?}: give whole seconds from 1 to 86400"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&args)
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
            (&["demo"], Ok(Command::Demo { scenario: None })),
            (&["demo", "--help"], Ok(Command::Help)),
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
        ];
        for args in cases {
            let error = parse_str(args).expect_err("should be refused");
            assert!(!error.contains('\n'), "{args:?}: {error}");
        }
    }
}
