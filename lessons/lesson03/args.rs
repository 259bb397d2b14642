//! The command line of `lesson03`, parsed into a [`Command`].

use std::time::Duration;

use super::client::DEFAULT_NAMES;
use super::server::{BACKLOG, DEFAULT_PORT, IDLE_TIMEOUT, Threads};

/// What the learner asked `lesson03` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve(ServeOptions),
    Client { port: u16, names: Vec<String> },
    Demo { threads: Threads },
    Burst(BurstOptions),
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    pub port: u16,
    pub all_interfaces: bool,
    /// The tutorial's one-second sleep per message.
    pub slow: bool,
    pub idle_timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurstOptions {
    pub clients: usize,
    pub backlog: i32,
    /// Aim at a server already running on this port instead of our own.
    pub port: Option<u16>,
}

/// The most clients `burst` starts: each is a thread.
pub const MAX_BURST: usize = 2000;

/// Reads a port number: decimal, 0 to 65535 (0: the OS picks one).
pub fn parse_port(text: &str) -> Result<u16, String> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u16>() {
        Ok(port) if digits => Ok(port),
        _ => Err(format!("{text:?} is not a port number (0-65535)")),
    }
}

/// Parses everything after the program's name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(Command::Help);
    }
    match args.first().map(String::as_str) {
        Some("client") => parse_client(&args[1..]),
        Some("demo") => parse_demo(&args[1..]),
        Some("burst") => parse_burst(&args[1..]),
        _ => parse_serve(args),
    }
}

/// Takes the value that follows a flag such as `--port`.
fn value<'a>(
    flag: &str,
    rest: &mut impl Iterator<Item = &'a String>,
) -> Result<&'a str, String> {
    rest.next()
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

fn parse_number(flag: &str, text: &str, max: u64) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{flag} wants a number from 1 to {max}, not {text:?}"
        )),
    }
}

fn parse_serve(args: &[String]) -> Result<Command, String> {
    let mut options = ServeOptions {
        port: DEFAULT_PORT,
        all_interfaces: false,
        slow: false,
        idle_timeout: IDLE_TIMEOUT,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => options.port = parse_port(value(arg, &mut rest)?)?,
            "--all-interfaces" => options.all_interfaces = true,
            "--slow" => options.slow = true,
            "--idle-timeout" => {
                let secs = parse_number(arg, value(arg, &mut rest)?, 86_400)?;
                options.idle_timeout = Duration::from_secs(secs);
            }
            other => return Err(unknown(other)),
        }
    }
    Ok(Command::Serve(options))
}

fn parse_client(args: &[String]) -> Result<Command, String> {
    let mut port = DEFAULT_PORT;
    let mut names = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => port = parse_port(value(arg, &mut rest)?)?,
            flag if flag.starts_with("--") => return Err(unknown(flag)),
            // Sending zero bytes sends nothing at all: the server would
            // never answer, and we would wait for nothing.
            "" => return Err("a name cannot be empty".to_string()),
            name => names.push(name.to_string()),
        }
    }
    if names.is_empty() {
        names = DEFAULT_NAMES.iter().map(|n| n.to_string()).collect();
    }
    Ok(Command::Client { port, names })
}

fn parse_demo(args: &[String]) -> Result<Command, String> {
    match args {
        [] => Ok(Command::Demo {
            threads: Threads::PerClient,
        }),
        [flag] if flag == "--single-thread" => Ok(Command::Demo {
            threads: Threads::OneAtATime,
        }),
        [other, ..] => Err(unknown(other)),
    }
}

fn parse_burst(args: &[String]) -> Result<Command, String> {
    let mut options = BurstOptions {
        clients: 500,
        backlog: BACKLOG,
        port: None,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let text = match arg.as_str() {
            "--clients" | "--backlog" | "--port" => value(arg, &mut rest)?,
            other => return Err(unknown(other)),
        };
        match arg.as_str() {
            "--clients" => {
                let max = MAX_BURST as u64;
                options.clients = parse_number(arg, text, max)? as usize;
            }
            "--backlog" => {
                options.backlog = parse_number(arg, text, 65_535)? as i32;
            }
            _ => options.port = Some(parse_port(text)?),
        }
    }
    Ok(Command::Burst(options))
}

fn unknown(arg: &str) -> String {
    format!("unexpected argument {arg:?} (try --help)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Command, String> {
        let args: Vec<String> =
            line.split_whitespace().map(str::to_string).collect();
        parse(&args)
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("9999"), Ok(9999));
        assert_eq!(parse_port("0"), Ok(0));
        assert_eq!(parse_port("65535"), Ok(65535));
        for bad in ["65536", "-1", "+80", "", " 80", "eighty", "99999999999"] {
            assert!(parse_port(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn commands() {
        let Ok(Command::Serve(serve)) = parse_words("--port 0 --slow") else {
            panic!("not a serve command");
        };
        assert_eq!((serve.port, serve.slow), (0, true));
        assert!(!serve.all_interfaces);
        assert_eq!(
            parse_words("client --port 7 Ann"),
            Ok(Command::Client {
                port: 7,
                names: vec!["Ann".to_string()]
            })
        );
        let Ok(Command::Client { names, .. }) = parse_words("client") else {
            panic!("not a client command");
        };
        assert_eq!(names, ["Michael", "Tracy", "Sarah"]);
        assert_eq!(
            parse_words("demo --single-thread"),
            Ok(Command::Demo {
                threads: Threads::OneAtATime
            })
        );
        assert_eq!(
            parse_words("burst --clients 50 --backlog 5"),
            Ok(Command::Burst(BurstOptions {
                clients: 50,
                backlog: 5,
                port: None
            }))
        );
        assert_eq!(parse_words("demo --help"), Ok(Command::Help));
        for bad in [
            "--port",
            "--port x",
            "--bogus",
            "client --bogus",
            "demo --fast",
            "burst --clients 0",
            "burst --clients 100000",
            "--idle-timeout 0",
        ] {
            assert!(parse_words(bad).is_err(), "{bad:?}");
        }
    }
}
