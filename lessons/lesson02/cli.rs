//! The command line of `lesson02`.

use std::path::PathBuf;
use std::time::Duration;

use super::client::Options;

pub const USAGE: &str = "\
usage: cargo run --bin lesson02 -- [URL | --local PATH] [OPTIONS]

With no URL, lesson02 starts a small HTTP server of its own on 127.0.0.1
and fetches a page from it: no internet needed. With a URL, it fetches
from that server: http://HOST[:PORT][/PATH], or just HOST.

  --local PATH   ask the built-in server for PATH instead of /:
                   /          a page with Content-Length
                   /chunked   the page in chunks (Transfer-Encoding)
                   /close     the page, ended by closing the connection
                   /binary    256 bytes, every value 0-255
  -o FILE        save the body to FILE (default: lesson02-page.html,
                 or lesson02-page.bin if the server says it is not HTML)
  --naive        do it the tutorial's way: read 1024 bytes at a time
                 until the server closes, split at the first empty line,
                 save the rest as it is
  --timeout SECS give up after SECS seconds without progress (default 10)
  --max-time SECS
                 give up when the whole fetch takes over SECS seconds,
                 however steadily the bytes trickle in (default 600)
  --max-body BYTES
                 refuse a body longer than BYTES (default 1073741824,
                 1 GiB)
  -h, --help     show this help

https:// is not supported: TLS is beyond this lesson.";

/// Where the page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The built-in server, this path.
    Local(String),
    /// A URL as typed.
    Url(String),
}

/// A parsed command line.
#[derive(Debug, Clone)]
pub enum Command {
    Help,
    Fetch { source: Source, options: Options },
}

/// Reads the arguments (without the program name).
pub fn parse_args(args: &[String]) -> Result<Command, String> {
    let mut source = None;
    let mut options = Options::default();
    let mut args = args.iter();
    let mut set_source = |new: Source| match source.replace(new) {
        None => Ok(()),
        Some(_) => {
            Err("give one URL or one --local PATH, not more".to_string())
        }
    };
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value; see --help"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--naive" => options.naive = true,
            "-o" | "--output" => {
                options.output = Some(PathBuf::from(value(arg)?))
            }
            "--local" => {
                let path = value(arg)?;
                if !path.starts_with('/') || path.bytes().any(|b| b <= b' ') {
                    return Err(format!(
                        "--local takes a path such as /chunked, not {path:?}"
                    ));
                }
                set_source(Source::Local(path))?;
            }
            "--timeout" => {
                let text = value(arg)?;
                let secs = text
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=3600).contains(s))
                    .ok_or_else(|| {
                        format!("--timeout takes whole seconds, 1 to 3600, not {text:?}")
                    })?;
                options.limits.timeout = Duration::from_secs(secs);
            }
            "--max-time" => {
                let text = value(arg)?;
                let secs = text
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=86400).contains(s))
                    .ok_or_else(|| {
                        format!("--max-time takes whole seconds, 1 to 86400, not {text:?}")
                    })?;
                options.limits.max_time = Duration::from_secs(secs);
            }
            "--max-body" => {
                let text = value(arg)?;
                options.limits.max_body = parse_max_body(&text)?;
            }
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option {flag:?}; see --help"));
            }
            url => set_source(Source::Url(url.to_string()))?,
        }
    }
    let source = source.unwrap_or_else(|| Source::Local("/".into()));
    Ok(Command::Fetch { source, options })
}

/// Reads `--max-body`: whole bytes, digits only, at most 1 TiB.
fn parse_max_body(text: &str) -> Result<u64, String> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    text.parse::<u64>()
        .ok()
        .filter(|&n| digits && n <= 1 << 40)
        .ok_or_else(|| {
            format!(
                "--max-body takes a number of bytes, 0 to 2^40, not {text:?}"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        parse_args(&args)
    }

    #[test]
    fn reads_sources_and_options() {
        let Ok(Command::Fetch { source, options }) = parse(&[
            "--naive",
            "-o",
            "x.html",
            "--timeout",
            "2",
            "--max-body",
            "5",
            "--max-time",
            "7",
            "example.com",
        ]) else {
            panic!("should parse");
        };
        assert_eq!(source, Source::Url("example.com".into()));
        assert!(options.naive);
        assert_eq!(options.output, Some(PathBuf::from("x.html")));
        assert_eq!(options.limits.timeout, Duration::from_secs(2));
        assert_eq!(options.limits.max_body, 5);
        assert_eq!(options.limits.max_time, Duration::from_secs(7));
        assert!(
            matches!(parse(&[]), Ok(Command::Fetch { source: Source::Local(p), .. }) if p == "/")
        );
        assert!(matches!(parse(&["-h"]), Ok(Command::Help)));
    }

    #[test]
    fn refuses_mistakes() {
        for args in [
            &["-o"][..],
            &["--bogus"],
            &["a", "b"],
            &["--local", "/", "example.com"],
            &["--local", "chunked"],
            &["--timeout", "0"],
            &["--timeout", "x"],
            &["--max-body", "+5"],
            &["--max-body", "1099511627777"],
            &["--max-body"],
            &["--max-time", "0"],
            &["--max-time", "1.5"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }
}
