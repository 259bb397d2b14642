//! Reading a command line: the one convention every lesson binary follows.
//!
//! - `-h` or `--help` anywhere (before `--`) prints the lesson's usage to
//!   standard output and exits with status 0.
//! - A usage mistake prints two lines to standard error, `error: ...`
//!   saying what is wrong and `help: ...` saying how to see the usage,
//!   and exits with status 2. (Status 1 stays for a run that failed:
//!   a refused connection, an invalid address, a bad response.)
//! - Options start with `-`. An option the lesson does not know is a
//!   mistake, everywhere. An option's value follows it (`--port 80`) or
//!   is joined to it with `=` (`--port=80`). `--` ends the options: every
//!   argument after it is a plain word, even `-h` or `--port`, so
//!   `client -- -dash` sends the name `-dash`.
//! - Numbers are decimal digits only: no sign, no spaces, no `0x`. A port
//!   is 0 to 65535 ([`port`]; 0 lets the OS choose a free one); a time is
//!   whole seconds in a range the option names ([`seconds`]). A bad value
//!   is named in the same words everywhere: `--port wants a port number
//!   from 0 to 65535, not "70000"`.
//! - Every argument must be UTF-8 text; one that is not (a Unix command
//!   line may hold any bytes) is a usage mistake, not a panic.
//!
//! A lesson describes its own options in `lessonNN/cli.rs`: a `USAGE`
//! text and a `parse` function that reads an [`Args`]. The binary calls
//! [`read`] with both and gets the lesson's command back.

use std::collections::VecDeque;
use std::env;
use std::ffi::OsString;
use std::ops::RangeInclusive;
use std::process;
use std::time::Duration;

use crate::output;

/// The exit status for a usage mistake.
pub const USAGE_STATUS: i32 = 2;

/// A lesson binary, as its command line sees it.
pub struct Program {
    /// The binary's name: `lesson03`.
    pub name: &'static str,
    /// What `--help` prints.
    pub usage: &'static str,
}

/// What a command line asks for: help, or a lesson's own command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    Help,
    Run(T),
}

/// Reads the program's own command line with the lesson's `parse`.
/// Prints the usage and exits (status 0) on `--help`; prints the mistake
/// and exits (status 2) on a usage mistake; otherwise returns the command.
pub fn read<T>(
    program: &Program,
    parse: impl FnOnce(&mut Args) -> Result<T, String>,
) -> T {
    match parse_command_line(env::args_os().skip(1), parse) {
        Ok(Parsed::Run(command)) => command,
        Ok(Parsed::Help) => {
            output::say(program.usage);
            process::exit(0);
        }
        Err(message) => {
            output::warn(format_args!("error: {message}"));
            output::warn(format_args!(
                "help: cargo run --bin {} -- --help",
                program.name
            ));
            process::exit(USAGE_STATUS);
        }
    }
}

/// The testable part of [`read`]: the arguments (without the program's
/// name) in, help or the lesson's command or one line of mistake out.
pub fn parse_command_line<T>(
    args: impl IntoIterator<Item = OsString>,
    parse: impl FnOnce(&mut Args) -> Result<T, String>,
) -> Result<Parsed<T>, String> {
    let mut words = VecDeque::new();
    for arg in args {
        match arg.into_string() {
            Ok(word) => words.push_back(word),
            Err(arg) => {
                // `{:?}` shows the bytes that are not text (`\xFF`);
                // a long argument is cut short as text, those as `\u{FFFD}`.
                let shown = match arg.len() {
                    ..=40 => format!("{arg:?}"),
                    _ => quote(&arg.to_string_lossy()),
                };
                return Err(format!("argument {shown} is not UTF-8 text"));
            }
        }
    }
    let options = words.iter().take_while(|word| *word != "--");
    if options
        .into_iter()
        .any(|word| word == "-h" || word == "--help")
    {
        return Ok(Parsed::Help);
    }
    let mut args = Args {
        words,
        joined: None,
        options_done: false,
    };
    parse(&mut args).map(Parsed::Run)
}

/// One argument, as [`Args::next_arg`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// An option, such as `--port` or `-o` (without any `=value`).
    Option(String),
    /// A plain word: an address, a name, a URL, or anything after `--`.
    Word(String),
}

impl Arg {
    /// The mistake of giving this argument where it does not belong.
    pub fn unexpected(&self) -> String {
        match self {
            Arg::Option(option) => format!("unknown option {}", quote(option)),
            Arg::Word(word) => format!("unexpected argument {}", quote(word)),
        }
    }
}

/// The arguments still to read, one [`Arg`] at a time.
#[derive(Debug)]
pub struct Args {
    words: VecDeque<String>,
    /// The value joined to the last option (`--port=80`), not yet taken.
    joined: Option<(String, String)>,
    /// Whether `--` has been seen.
    options_done: bool,
}

impl Args {
    /// The arguments `words`, as if typed after the program's name
    /// (without the help check [`parse_command_line`] does first).
    pub fn new<S: Into<String>>(words: impl IntoIterator<Item = S>) -> Args {
        Args {
            words: words.into_iter().map(Into::into).collect(),
            joined: None,
            options_done: false,
        }
    }

    /// The next argument, or `None` at the end. A mistake if the option
    /// before had a value joined to it (`--slow=yes`) and took none.
    pub fn next_arg(&mut self) -> Result<Option<Arg>, String> {
        if let Some((option, _)) = self.joined.take() {
            return Err(format!("{option} takes no value"));
        }
        loop {
            let Some(word) = self.words.pop_front() else {
                return Ok(None);
            };
            if self.options_done || word == "-" || !word.starts_with('-') {
                return Ok(Some(Arg::Word(word)));
            }
            if word == "--" {
                self.options_done = true;
                continue;
            }
            if word.starts_with("--")
                && let Some((option, value)) = word.split_once('=')
            {
                self.joined = Some((option.to_string(), value.to_string()));
                return Ok(Some(Arg::Option(option.to_string())));
            }
            return Ok(Some(Arg::Option(word)));
        }
    }

    /// The value of `option`, which [`next_arg`](Args::next_arg) just returned:
    /// the text after its `=`, or else the next argument as it is.
    pub fn value(&mut self, option: &str) -> Result<String, String> {
        if let Some((_, value)) = self.joined.take() {
            return Ok(value);
        }
        self.words
            .pop_front()
            .ok_or_else(|| format!("{option} needs a value"))
    }

    /// Takes the next argument if it is the command `name` (`client`),
    /// and says whether it was.
    pub fn command(&mut self, name: &str) -> bool {
        let next = self.words.front().map(String::as_str);
        if self.joined.is_none() && !self.options_done && next == Some(name) {
            self.words.pop_front();
            return true;
        }
        false
    }
}

/// Reads what follows a command such as `demo` or `pitfall`: nothing (to
/// list the choices) or one name that `find` knows. `command` and `what`
/// name them in the messages: `no scenario "x" (demo alone lists them)`.
pub fn one_choice<T>(
    args: &mut Args,
    command: &str,
    what: &str,
    find: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, String> {
    let name = match args.next_arg()? {
        None => return Ok(None),
        Some(Arg::Word(name)) => name,
        Some(other) => return Err(other.unexpected()),
    };
    let Some(choice) = find(&name) else {
        return Err(format!(
            "no {what} {} ({command} alone lists them)",
            quote(&name)
        ));
    };
    if args.next_arg()?.is_some() {
        return Err(format!("{command} takes one {what} at a time"));
    }
    Ok(Some(choice))
}

/// Reads a port: 0 to 65535, decimal digits only. 0 asks the operating
/// system for any free port (for a server; a client cannot connect to it).
pub fn port(option: &str, text: &str) -> Result<u16, String> {
    let range = 0..=u64::from(u16::MAX);
    // In range, so the cast keeps every bit.
    number(option, text, range, "a port number").map(|port| port as u16)
}

/// Reads whole seconds, from 1 to `max`.
pub fn seconds(option: &str, text: &str, max: u64) -> Result<Duration, String> {
    number(option, text, 1..=max, "whole seconds").map(Duration::from_secs)
}

/// Reads a decimal number in `range`. `what` names it in the message:
/// `--clients wants a number from 1 to 2000, not "0"`.
pub fn number(
    option: &str,
    text: &str,
    range: RangeInclusive<u64>,
    what: &str,
) -> Result<u64, String> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u64>() {
        Ok(n) if digits && range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{option} wants {what} from {} to {}, not {}",
            range.start(),
            range.end(),
            quote(text)
        )),
    }
}

/// `text` in quotes, escaped, and cut short if long: a message stays one
/// readable line even for an argument of 100 KB.
pub fn quote(text: &str) -> String {
    const SHOWN: usize = 32;
    if text.chars().count() <= SHOWN + 8 {
        return format!("{text:?}");
    }
    let start: String = text.chars().take(SHOWN).collect();
    format!("{start:?}... ({} bytes)", text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `words` with a toy lesson: `--port N`, `--slow`, words.
    fn toy(words: &[&str]) -> Result<Parsed<Vec<String>>, String> {
        let words = words.iter().map(OsString::from);
        parse_command_line(words, |args| {
            let mut seen = Vec::new();
            while let Some(arg) = args.next_arg()? {
                match &arg {
                    Arg::Option(o) if o == "--port" => {
                        let port = port(o, &args.value(o)?)?;
                        seen.push(format!("port {port}"));
                    }
                    Arg::Option(o) if o == "--slow" => seen.push("slow".into()),
                    Arg::Option(_) => return Err(arg.unexpected()),
                    Arg::Word(word) => seen.push(word.clone()),
                }
            }
            Ok(seen)
        })
    }

    fn run(words: &[&str]) -> Vec<String> {
        match toy(words) {
            Ok(Parsed::Run(seen)) => seen,
            other => panic!("{words:?}: {other:?}"),
        }
    }

    #[test]
    fn options_values_and_words() {
        assert_eq!(run(&["--port", "80", "a"]), ["port 80", "a"]);
        assert_eq!(run(&["--port=0", "--slow"]), ["port 0", "slow"]);
        assert_eq!(run(&["-", ""]), ["-", ""]);
        assert_eq!(run(&["--", "-h", "--port"]), ["-h", "--port"]);
        assert_eq!(toy(&["x", "--help"]), Ok(Parsed::Help));
        assert_eq!(toy(&["-h"]), Ok(Parsed::Help));
    }

    #[test]
    fn mistakes_are_one_line_each() {
        let cases: &[(&[&str], &str)] = &[
            (&["--bogus"], "unknown option \"--bogus\""),
            (&["-x"], "unknown option \"-x\""),
            (&["--port"], "--port needs a value"),
            (&["--slow=yes"], "--slow takes no value"),
            (
                &["--port", "70000"],
                "--port wants a port number from 0 to 65535, not \"70000\"",
            ),
        ];
        for (words, message) in cases {
            assert_eq!(toy(words).as_ref(), Err(&message.to_string()));
        }
    }

    #[test]
    fn ports_and_seconds() {
        assert_eq!(port("--port", "65535"), Ok(65535));
        assert_eq!(port("--port", "0"), Ok(0));
        for bad in [
            "65536",
            "-1",
            "+80",
            "",
            " 80",
            "0x50",
            "99999999999999999999",
        ] {
            assert!(port("--port", bad).is_err(), "{bad:?}");
        }
        assert_eq!(seconds("--t", "5", 10), Ok(Duration::from_secs(5)));
        for bad in ["0", "11", "1.5", "5s"] {
            let error = seconds("--t", bad, 10).expect_err(bad);
            assert!(error.starts_with("--t wants whole seconds from 1 to 10"));
        }
    }

    #[test]
    fn long_and_non_utf8_arguments_get_short_messages() {
        let long = "1".repeat(100_000);
        let error = port("--port", &long).expect_err("too long");
        assert!(error.len() < 120, "{error}");
        assert!(error.ends_with("... (100000 bytes)"), "{error}");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let bytes = OsString::from_vec(b"192.168.0.\xff".to_vec());
            let error = parse_command_line([bytes], |_| Ok(()));
            assert_eq!(
                error,
                Err(r#"argument "192.168.0.\xFF" is not UTF-8 text"#.into())
            );
        }
    }

    #[test]
    fn commands_are_taken_only_first_and_before_dashes() {
        let mut args = Args::new(["client", "x"]);
        assert!(!args.command("demo"));
        assert!(args.command("client"));
        assert_eq!(args.next_arg(), Ok(Some(Arg::Word("x".into()))));
        let mut args = Args::new(["--", "client"]);
        assert_eq!(args.next_arg(), Ok(Some(Arg::Word("client".into()))));
    }
}
