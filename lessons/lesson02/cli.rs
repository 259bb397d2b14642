//! The command line of `lesson02`.

use std::path::PathBuf;

use super::client::Options;
use crate::cli::{Arg, Args, Program, number, quote, seconds};

pub const PROGRAM: Program = Program {
    name: "lesson02",
    usage: USAGE,
};

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
                 or for a server that misbehaves in one way:
                   /not-http /closed-at-once /closed-mid-head
                   /bad-status-line /bad-header-line /huge-head
                   /short-body /bad-content-length /conflicting-lengths
                   /bad-chunk-size /chunk-too-long /closed-mid-chunk
                   /endless /binary-404 /silent
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

/// A parsed command line: where to fetch from, and how.
#[derive(Debug, Clone)]
pub struct Fetch {
    pub source: Source,
    pub options: Options,
}

/// Reads the arguments after the program's name.
pub fn parse(args: &mut Args) -> Result<Fetch, String> {
    let mut source = None;
    let mut options = Options::default();
    let mut set_source = |new: Source| match source.replace(new) {
        None => Ok(()),
        Some(_) => {
            Err("give one URL or one --local PATH, not more".to_string())
        }
    };
    while let Some(arg) = args.next_arg()? {
        let option = match &arg {
            Arg::Word(url) => {
                set_source(Source::Url(url.clone()))?;
                continue;
            }
            Arg::Option(option) => option.as_str(),
        };
        match option {
            "--naive" => options.naive = true,
            "-o" | "--output" => {
                options.output = Some(PathBuf::from(args.value(option)?));
            }
            "--local" => {
                let path = args.value(option)?;
                if !path.starts_with('/') || path.bytes().any(|b| b <= b' ') {
                    return Err(format!(
                        "--local takes a path such as /chunked, not {}",
                        quote(&path)
                    ));
                }
                set_source(Source::Local(path))?;
            }
            "--timeout" => {
                let text = args.value(option)?;
                options.limits.timeout = seconds(option, &text, 3600)?;
            }
            "--max-time" => {
                let text = args.value(option)?;
                options.limits.max_time = seconds(option, &text, 86_400)?;
            }
            "--max-body" => {
                let text = args.value(option)?;
                let range = 0..=MAX_BODY;
                options.limits.max_body =
                    number(option, &text, range, "a number of bytes")?;
            }
            _ => return Err(arg.unexpected()),
        }
    }
    let source = source.unwrap_or_else(|| Source::Local("/".into()));
    Ok(Fetch { source, options })
}

/// The largest `--max-body`: 1 TiB.
const MAX_BODY: u64 = 1 << 40;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn read(words: &[&str]) -> Result<Fetch, String> {
        parse(&mut Args::new(words.to_vec()))
    }

    #[test]
    fn reads_sources_and_options() {
        let Ok(Fetch { source, options }) = read(&[
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
        let Ok(Fetch { source, .. }) = read(&[]) else {
            panic!("no arguments should parse");
        };
        assert_eq!(source, Source::Local("/".into()));
        let Ok(Fetch { source, .. }) = read(&["--", "-weird-host"]) else {
            panic!("a URL after -- should parse");
        };
        assert_eq!(source, Source::Url("-weird-host".into()));
    }

    /// The help names every path of the built-in server.
    #[test]
    fn usage_lists_every_path() {
        use crate::lesson02::server::{FAULTS, PATHS};
        for (path, _) in PATHS.iter().chain(FAULTS) {
            let word = format!(" {path} ");
            let line_end = format!(" {path}\n");
            assert!(
                USAGE.contains(&word) || USAGE.contains(&line_end),
                "{path}"
            );
        }
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
            assert!(read(args).is_err(), "{args:?}");
        }
    }
}
