//! The command line of `lesson06`, parsed into a [`Command`] by the
//! shared rules in [`crate::cli`].

use std::path::PathBuf;

use super::demo::{self, Scenario};
use crate::cli::{Arg, Args, Program, quote};

pub const PROGRAM: Program = Program {
    name: "lesson06",
    usage: USAGE,
};

pub const USAGE: &str = "\
usage: cargo run --bin lesson06 -- [--pcap FILE]
       cargo run --bin lesson06 -- demo [SCENARIO] [--pcap FILE]

With no command, the tutorial's conversation (Welcome!, Michael,
Hello, Michael!, exit) between a client and a server that run on a
TCP/IP stack inside this program (smoltcp), on a simulated Ethernet
link. Every frame that crosses the link is printed, one line each,
then one frame in annotated hex. The clock is simulated and the random
numbers are seeded, so every run prints the same.

demo: another scenario (handshake, data, close, reset, loss, ...);
with no SCENARIO, lists them.

  --pcap FILE  also write every frame to FILE, a capture that
               Wireshark and tcpdump -r open
  -h, --help   show this help";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// List the scenarios.
    List,
    /// Play a scenario, and maybe write its capture.
    Play {
        scenario: &'static str,
        pcap: Option<PathBuf>,
    },
}

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Command, String> {
    let is_demo = args.command("demo");
    let mut name = None;
    let mut pcap = None;
    while let Some(arg) = args.next_arg()? {
        match arg {
            Arg::Option(o) if o == "--pcap" => {
                let file = args.value(&o)?;
                if file.is_empty() {
                    return Err("--pcap wants a file name".into());
                }
                pcap = Some(PathBuf::from(file));
            }
            Arg::Word(word) if is_demo && name.is_none() => name = Some(word),
            Arg::Word(_) if is_demo => {
                return Err("demo takes one scenario at a time".into());
            }
            _ => return Err(arg.unexpected()),
        }
    }
    let scenario: &Scenario = match (is_demo, name) {
        (true, None) if pcap.is_none() => return Ok(Command::List),
        (true, None) => return Err("--pcap needs a scenario to capture".into()),
        (true, Some(name)) => demo::find(&name).ok_or_else(|| {
            format!("no scenario {} (demo alone lists them)", quote(&name))
        })?,
        (false, _) => &demo::SCENARIOS[0],
    };
    Ok(Command::Play {
        scenario: scenario.name,
        pcap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        parse(&mut Args::new(args.to_vec()))
    }

    #[test]
    fn commands() {
        let play = |scenario, pcap: Option<&str>| {
            Ok(Command::Play {
                scenario,
                pcap: pcap.map(PathBuf::from),
            })
        };
        assert_eq!(parse_str(&[]), play("conversation", None));
        assert_eq!(
            parse_str(&["--pcap", "a.pcap"]),
            play("conversation", Some("a.pcap"))
        );
        assert_eq!(parse_str(&["demo"]), Ok(Command::List));
        assert_eq!(parse_str(&["demo", "1"]), play("conversation", None));
        assert_eq!(
            parse_str(&["demo", "conversation", "--pcap=x"]),
            play("conversation", Some("x"))
        );
    }

    #[test]
    fn mistakes_get_one_clear_line() {
        let cases: &[&[&str]] = &[
            &["--pcap"],
            &["--pcap", ""],
            &["nosuch"],
            &["demo", "nosuch"],
            &["demo", "1", "2"],
            &["demo", "--pcap", "x"],
            &["--verbose"],
        ];
        for args in cases {
            let error = parse_str(args).expect_err("should be refused");
            assert!(!error.contains('\n'), "{args:?}: {error}");
        }
    }
}
