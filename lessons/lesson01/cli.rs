//! The command line of `lesson01`: addresses to explain, none for the
//! tour, or a pitfall to act out. Read by the shared rules in
//! [`crate::cli`].

use super::pitfalls::{self, Pitfall};
use crate::cli::{Arg, Args, Program, one_choice};

pub const PROGRAM: Program = Program {
    name: "lesson01",
    usage: USAGE,
};

pub const USAGE: &str =
    "usage: cargo run --bin lesson01 -- [ADDRESS | SOCKET-ADDRESS]...
       cargo run --bin lesson01 -- pitfall [NAME]

With no arguments, a tour of example addresses. Otherwise each argument is
explained: an IPv4 address (192.168.0.1), an IPv6 address (2001:db8::1) or a
socket address (192.168.0.1:80, [2001:db8::1]:443).

pitfall: acts out one surprise of ports and sockets on this machine
(loopback only); with no NAME, lists them.

  -h, --help   show this help";

/// What the learner asked `lesson01` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The addresses to explain, as typed; none means the tour.
    Explain(Vec<String>),
    /// A pitfall to act out, or `None` to list them.
    Pitfall(Option<&'static Pitfall>),
}

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Command, String> {
    if args.command("pitfall") {
        return parse_pitfall(args);
    }
    let mut addresses = Vec::new();
    while let Some(arg) = args.next_arg()? {
        match arg {
            Arg::Word(address) => addresses.push(address),
            Arg::Option(_) => return Err(arg.unexpected()),
        }
    }
    Ok(Command::Explain(addresses))
}

fn parse_pitfall(args: &mut Args) -> Result<Command, String> {
    let pitfall = one_choice(args, "pitfall", "pitfall", pitfalls::find)?;
    Ok(Command::Pitfall(pitfall))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(words: &[&str]) -> Result<Command, String> {
        parse(&mut Args::new(words.to_vec()))
    }

    #[test]
    fn addresses_and_mistakes() {
        assert_eq!(read(&[]), Ok(Command::Explain(vec![])));
        assert_eq!(
            read(&["::1", ""]),
            Ok(Command::Explain(vec!["::1".into(), String::new()]))
        );
        assert!(read(&["::1", "--verbose"]).is_err());
    }

    #[test]
    fn pitfalls_by_name_or_number() {
        assert_eq!(read(&["pitfall"]), Ok(Command::Pitfall(None)));
        let dual = pitfalls::find("dual-stack");
        assert_eq!(read(&["pitfall", "1"]), Ok(Command::Pitfall(dual)));
        for bad in [&["pitfall", "nosuch"][..], &["pitfall", "1", "2"]] {
            let error = read(bad).expect_err("should be refused");
            assert!(!error.contains('\n'), "{error}");
        }
        // After `--`, "pitfall" is an address to explain (a bad one).
        assert_eq!(
            read(&["--", "pitfall"]),
            Ok(Command::Explain(vec!["pitfall".into()]))
        );
    }
}
