//! The command line of `lesson05`, parsed into a [`Command`] by the
//! shared rules in [`crate::cli`].

use super::dns_cli::{self, DnsCommand};
use crate::cli::{Args, Program};

pub const PROGRAM: Program = Program {
    name: "lesson05",
    usage: USAGE,
};

/// For now only the `dns` command's text.
pub const USAGE: &str = dns_cli::USAGE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Dns(DnsCommand),
}

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Command, String> {
    if args.command("dns") {
        return dns_cli::parse(args).map(Command::Dns);
    }
    Err("give a command: dns".to_string())
}
