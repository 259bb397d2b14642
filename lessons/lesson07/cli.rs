//! The command line of `lesson07`, parsed into a [`Command`] by the
//! shared rules in [`crate::cli`].

use std::time::Duration;

use super::{Design, RECOMMENDED, pool};
use crate::cli::{Arg, Args, Program, number, port, seconds};
use crate::lesson04::cli::client_options;

/// The port the tutorial's server listens on, as lesson04's.
pub const DEFAULT_PORT: u16 = crate::lesson04::cli::DEFAULT_PORT;

pub const PROGRAM: Program = Program {
    name: "lesson07",
    usage: USAGE,
};

pub const USAGE: &str = "\
usage: cargo run --bin lesson07 -- [--design pool|events|async] [--port N]
           [--idle-timeout SECS] [--workers N] [--queue N]
       cargo run --bin lesson07 -- client [--port N] [NAME...]
       cargo run --bin lesson07 -- demo [--clients N] [--silent N]

With no command, lesson04's greeting server on 127.0.0.1:9999 (--port 0
lets the OS choose), in one of three designs:
  events   one thread, an event loop on readiness, mio (the default)
  async    async/await on tokio, a task per client
  pool     a pool of --workers threads (16) and a queue of --queue (64);
           when the queue is full, a new client is told busy and closed
It answers each line NAME with \"Hello, NAME!\", closes on \"exit\" and
after SECS seconds of silence (30), and stops gracefully on Ctrl+C.

client: connects, sends each NAME (default: Michael Tracy Sarah), then
exit; prints what the server answers.

demo: --clients N (1000), of which the first --silent N (100) connect
and say nothing, against lesson04's thread per client and each design in
turn, on loopback: who was served, and how long it took.

  -h, --help   show this help";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve {
        design: Design,
        port: u16,
        idle_timeout: Duration,
    },
    Client {
        port: u16,
        names: Vec<String>,
    },
    Demo {
        clients: usize,
        silent: usize,
    },
}

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Command, String> {
    if args.command("client") {
        parse_client(args)
    } else if args.command("demo") {
        parse_demo(args)
    } else {
        parse_serve(args)
    }
}

fn parse_serve(args: &mut Args) -> Result<Command, String> {
    let mut port_number = DEFAULT_PORT;
    let mut idle_timeout = Duration::from_secs(30);
    let mut design = None;
    let (mut workers, mut queue) = (None, None);
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--design" => {
                design = Some(design_named(&args.value(o)?)?);
            }
            Arg::Option(o) if o == "--port" => {
                port_number = port(o, &args.value(o)?)?;
            }
            Arg::Option(o) if o == "--idle-timeout" => {
                idle_timeout = seconds(o, &args.value(o)?, 86_400)?;
            }
            Arg::Option(o) if o == "--workers" => {
                workers = Some(count(o, &args.value(o)?, 10_000)?);
            }
            Arg::Option(o) if o == "--queue" => {
                queue = Some(count(o, &args.value(o)?, 100_000)?);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    let design = match design {
        Some(Design::Pool { .. }) | None if workers.or(queue).is_some() => {
            if design.is_none() {
                return Err("--workers and --queue need --design pool".into());
            }
            Design::Pool {
                workers: workers.unwrap_or(pool::WORKERS),
                queue: queue.unwrap_or(pool::QUEUE),
            }
        }
        Some(_) if workers.or(queue).is_some() => {
            return Err("--workers and --queue are for --design pool".into());
        }
        Some(design) => design,
        None => RECOMMENDED,
    };
    Ok(Command::Serve {
        design,
        port: port_number,
        idle_timeout,
    })
}

/// `pool`, `events` or `async`.
fn design_named(name: &str) -> Result<Design, String> {
    match name {
        "pool" => Ok(Design::pool()),
        "events" => Ok(Design::Events),
        "async" => Ok(Design::Async),
        other => Err(format!(
            "--design wants pool, events or async, not {}",
            crate::cli::quote(other)
        )),
    }
}

fn count(option: &str, text: &str, max: u64) -> Result<usize, String> {
    // In range, so the cast keeps every bit.
    number(option, text, 1..=max, "a number").map(|n| n as usize)
}

fn parse_client(args: &mut Args) -> Result<Command, String> {
    // lesson04's client, with lesson04's options.
    let (port, names) = client_options(args)?;
    Ok(Command::Client { port, names })
}

fn parse_demo(args: &mut Args) -> Result<Command, String> {
    let (mut clients, mut silent) = (1000, 100);
    while let Some(arg) = args.next_arg()? {
        match &arg {
            Arg::Option(o) if o == "--clients" => {
                clients = count(o, &args.value(o)?, 5_000)?;
            }
            Arg::Option(o) if o == "--silent" => {
                // In range, so the cast keeps every bit.
                let value = args.value(o)?;
                silent = number(o, &value, 0..=4_999, "a number")? as usize;
            }
            _ => return Err(arg.unexpected()),
        }
    }
    if silent >= clients {
        return Err(format!(
            "--silent ({silent}) must be fewer than --clients ({clients})"
        ));
    }
    Ok(Command::Demo { clients, silent })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        parse(&mut Args::new(args.to_vec()))
    }

    fn serve(design: Design, port: u16, idle: u64) -> Command {
        Command::Serve {
            design,
            port,
            idle_timeout: Duration::from_secs(idle),
        }
    }

    #[test]
    fn commands() {
        let cases: &[(&[&str], Command)] = &[
            (&[], serve(RECOMMENDED, 9999, 30)),
            (
                &["--design", "events", "--port", "0"],
                serve(Design::Events, 0, 30),
            ),
            (
                &["--design", "async", "--idle-timeout", "5"],
                serve(Design::Async, 9999, 5),
            ),
            (&["--design", "pool"], serve(Design::pool(), 9999, 30)),
            (
                &["--design", "pool", "--workers", "4", "--queue", "2"],
                serve(
                    Design::Pool {
                        workers: 4,
                        queue: 2,
                    },
                    9999,
                    30,
                ),
            ),
            (
                &["--workers", "3", "--design", "pool"],
                serve(
                    Design::Pool {
                        workers: 3,
                        queue: pool::QUEUE,
                    },
                    9999,
                    30,
                ),
            ),
            (
                &["demo"],
                Command::Demo {
                    clients: 1000,
                    silent: 100,
                },
            ),
            (
                &["demo", "--clients", "50", "--silent", "5"],
                Command::Demo {
                    clients: 50,
                    silent: 5,
                },
            ),
            (
                &["client", "Bob", "--port", "1234"],
                Command::Client {
                    port: 1234,
                    names: vec!["Bob".into()],
                },
            ),
        ];
        for (args, expected) in cases {
            assert_eq!(parse_str(args).as_ref(), Ok(expected), "{args:?}");
        }
    }

    #[test]
    fn mistakes_get_one_clear_line() {
        let cases: &[&[&str]] = &[
            &["--design"],
            &["--design", "threads"],
            &["--workers", "4"],
            &["--design", "events", "--queue", "4"],
            &["--design", "pool", "--workers", "0"],
            &["--port", "65536"],
            &["--idle-timeout", "0"],
            &["demo", "--silent", "1000"],
            &["demo", "--clients", "0"],
            &["demo", "fast"],
            &["client", "a\nb"],
            &["--bogus"],
        ];
        for args in cases {
            let error = parse_str(args).expect_err("should be refused");
            assert!(!error.contains('\n'), "{args:?}: {error}");
        }
    }
}
