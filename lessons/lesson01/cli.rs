//! The command line of `lesson01`: addresses to explain, or none for the
//! tour. Read by the shared rules in [`crate::cli`].

use crate::cli::{Arg, Args, Program};

pub const PROGRAM: Program = Program {
    name: "lesson01",
    usage: USAGE,
};

pub const USAGE: &str =
    "usage: cargo run --bin lesson01 -- [ADDRESS | SOCKET-ADDRESS]...

With no arguments, a tour of example addresses. Otherwise each argument is
explained: an IPv4 address (192.168.0.1), an IPv6 address (2001:db8::1) or a
socket address (192.168.0.1:80, [2001:db8::1]:443).

  -h, --help   show this help";

/// The addresses to explain, as typed; none means the tour.
pub fn parse(args: &mut Args) -> Result<Vec<String>, String> {
    let mut addresses = Vec::new();
    while let Some(arg) = args.next_arg()? {
        match arg {
            Arg::Word(address) => addresses.push(address),
            Arg::Option(_) => return Err(arg.unexpected()),
        }
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_mistakes() {
        let read = |words: &[&str]| parse(&mut Args::new(words.to_vec()));
        assert_eq!(read(&[]), Ok(vec![]));
        assert_eq!(read(&["::1", ""]), Ok(vec!["::1".into(), String::new()]));
        assert!(read(&["::1", "--verbose"]).is_err());
    }
}
