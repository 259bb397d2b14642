//! The command line of `lesson03`, parsed into a [`Command`] by the
//! shared rules in [`crate::cli`].

use std::time::Duration;

use super::client::DEFAULT_NAMES;
use super::pitfalls::{self, Pitfall};
use super::server::{BACKLOG, DEFAULT_PORT, IDLE_TIMEOUT, Threads};
use crate::cli::{Arg, Args, Program, number, one_choice, port, seconds};

pub const PROGRAM: Program = Program {
    name: "lesson03",
    usage: USAGE,
};

pub const USAGE: &str = "\
usage: cargo run --bin lesson03 -- [--port N] [--slow] [--all-interfaces]
                                   [--idle-timeout SECS]
       cargo run --bin lesson03 -- client [--port N] [NAME...]
       cargo run --bin lesson03 -- demo [--single-thread]
       cargo run --bin lesson03 -- burst [--clients N] [--backlog N]
                                         [--port N]
       cargo run --bin lesson03 -- pitfall [NAME]

With no command: the server, on 127.0.0.1:9999 (--port 0: any free port).
It greets each client with Welcome! and answers each name with
Hello, NAME! until the client sends exit. Stop it with Ctrl+C.
  --slow            work one second per message, as the tutorial does
  --all-interfaces  listen on 0.0.0.0: reachable from your whole network
  --idle-timeout    close a silent connection after SECS (default 60)

client: connect, send the names (default: Michael Tracy Sarah) and exit.
        A name that starts with - goes after --: client -- -dash
demo:   5 clients at once against a server on a free port, timed;
        --single-thread: the same against a one-at-a-time server.
burst:  N clients (default 500) connecting at the same instant to a
        server with the given listen backlog (default 1024), or to a
        server already running on --port.
pitfall: acts out one trap of a real server, in one process; with no
        NAME, lists them.

  -h, --help        show this help";

/// What the learner asked `lesson03` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve(ServeOptions),
    Client {
        port: u16,
        names: Vec<String>,
    },
    Demo {
        threads: Threads,
    },
    Burst(BurstOptions),
    /// A pitfall to act out, or `None` to list them.
    Pitfall(Option<&'static Pitfall>),
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

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Command, String> {
    if args.command("client") {
        parse_client(args)
    } else if args.command("demo") {
        parse_demo(args)
    } else if args.command("burst") {
        parse_burst(args)
    } else if args.command("pitfall") {
        parse_pitfall(args)
    } else {
        parse_serve(args)
    }
}

fn parse_serve(args: &mut Args) -> Result<Command, String> {
    let mut options = ServeOptions {
        port: DEFAULT_PORT,
        all_interfaces: false,
        slow: false,
        idle_timeout: IDLE_TIMEOUT,
    };
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--port" => {
                options.port = port(o, &args.value(o)?)?;
            }
            Arg::Option(o) if o == "--all-interfaces" => {
                options.all_interfaces = true;
            }
            Arg::Option(o) if o == "--slow" => options.slow = true,
            Arg::Option(o) if o == "--idle-timeout" => {
                options.idle_timeout = seconds(o, &args.value(o)?, 86_400)?;
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Command::Serve(options))
}

fn parse_client(args: &mut Args) -> Result<Command, String> {
    let mut port_number = DEFAULT_PORT;
    let mut names = Vec::new();
    while let Some(arg) = args.next_arg()? {
        match arg {
            Arg::Option(o) if o == "--port" => {
                port_number = port(&o, &args.value(&o)?)?;
            }
            // Sending zero bytes sends nothing at all: the server would
            // never answer, and we would wait for nothing.
            Arg::Word(name) if name.is_empty() => {
                return Err("a name cannot be empty".to_string());
            }
            Arg::Word(name) => names.push(name),
            Arg::Option(_) => return Err(arg.unexpected()),
        }
    }
    if names.is_empty() {
        names = DEFAULT_NAMES.iter().map(|n| n.to_string()).collect();
    }
    Ok(Command::Client {
        port: port_number,
        names,
    })
}

fn parse_demo(args: &mut Args) -> Result<Command, String> {
    let mut threads = Threads::PerClient;
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--single-thread" => {
                threads = Threads::OneAtATime;
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Command::Demo { threads })
}

fn parse_burst(args: &mut Args) -> Result<Command, String> {
    let mut options = BurstOptions {
        clients: 500,
        backlog: BACKLOG,
        port: None,
    };
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--clients" => {
                let max = MAX_BURST as u64;
                let text = args.value(o)?;
                options.clients =
                    number(o, &text, 1..=max, "a number")? as usize;
            }
            Arg::Option(o) if o == "--backlog" => {
                let text = args.value(o)?;
                options.backlog =
                    number(o, &text, 1..=65_535, "a number")? as i32;
            }
            Arg::Option(o) if o == "--port" => {
                options.port = Some(port(o, &args.value(o)?)?);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Command::Burst(options))
}

fn parse_pitfall(args: &mut Args) -> Result<Command, String> {
    let pitfall = one_choice(args, "pitfall", "pitfall", pitfalls::find)?;
    Ok(Command::Pitfall(pitfall))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Command, String> {
        parse(&mut Args::new(line.split_whitespace()))
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
        assert_eq!(
            parse_words("pitfall partial-writes"),
            Ok(Command::Pitfall(pitfalls::find("1")))
        );
        assert_eq!(parse_words("pitfall"), Ok(Command::Pitfall(None)));
        assert_eq!(
            parse_words("client --port=7 -- -dash"),
            Ok(Command::Client {
                port: 7,
                names: vec!["-dash".to_string()]
            })
        );
        for bad in [
            "--port",
            "--port x",
            "--bogus",
            "client --bogus",
            "demo --fast",
            "burst --clients 0",
            "burst --clients 100000",
            "--idle-timeout 0",
            "client --names",
            "--port 0 client",
            "pitfall nosuch",
            "pitfall 1 2",
            "pitfall --fast",
        ] {
            assert!(parse_words(bad).is_err(), "{bad:?}");
        }
    }
}
