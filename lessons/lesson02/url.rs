//! What to fetch: `http://HOST[:PORT][/PATH]`, or a bare `HOST`.
//!
//! A full URL parser is a big job (RFC 3986). This lesson needs three
//! things from the text the learner types: the host to connect to, the
//! port (80 unless given) and the path to ask for.

use std::fmt;

/// The port a web server listens on when the URL names none. Every web
/// server agrees on it, so a browser knows where to knock.
pub const HTTP_PORT: u16 = 80;

/// Where to connect and what to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// A host name (`example.com`) or an address (`127.0.0.1`, `::1`).
    /// An IPv6 address is kept without its brackets.
    pub host: String,
    pub port: u16,
    /// What goes into the request line: starts with `/`, may carry a
    /// `?query`, never a `#fragment` (that stays in the browser).
    pub path: String,
}

impl Target {
    /// The `Host:` header: the host as written in a URL, with the port
    /// only when it is not the default one.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == HTTP_PORT {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// `host:port`, the port always written (IPv6 in brackets).
    pub fn host_with_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The URL again, as `http://HOST[:PORT]/PATH`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.host_header(), self.path)
    }
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    Empty,
    Https,
    OtherScheme(String),
    UserInfo,
    EmptyHost,
    BadHost(String),
    BadPort(String),
    BadPath(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Empty => write!(f, "the URL is empty"),
            UrlError::Https => write!(
                f,
                "https:// needs TLS, which is beyond this lesson; try \
                 http:// (port 80), or no URL for the built-in server"
            ),
            UrlError::OtherScheme(scheme) => write!(
                f,
                "{scheme}:// is not HTTP; this lesson speaks only http://"
            ),
            UrlError::UserInfo => write!(
                f,
                "a user name or password in the URL (user@host) is not \
                 supported here"
            ),
            UrlError::EmptyHost => write!(f, "the URL has no host name"),
            UrlError::BadHost(host) => {
                write!(f, "{host:?} is not a valid host name or address")
            }
            UrlError::BadPort(port) => {
                write!(f, "the port {port:?} is not a number from 1 to 65535")
            }
            UrlError::BadPath(path) => write!(
                f,
                "the path {path:?} has a space or control character; \
                 write a space as %20"
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// Parses `http://HOST[:PORT][/PATH]` or a bare `HOST[:PORT][/PATH]`.
pub fn parse_target(text: &str) -> Result<Target, UrlError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UrlError::Empty);
    }
    let rest = match text.split_once("://") {
        None => text,
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
            return Err(UrlError::Https);
        }
        Some((scheme, _)) => return Err(UrlError::OtherScheme(scheme.into())),
    };
    // The authority (host and port) ends where the path, query or
    // fragment begins.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (host, port) = split_host_port(authority)?;
    Ok(Target {
        host,
        port,
        path: request_path(path)?,
    })
}

/// Splits `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(authority: &str) -> Result<(String, u16), UrlError> {
    if authority.contains('@') {
        return Err(UrlError::UserInfo);
    }
    let (host, port_text) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest
            .split_once(']')
            .ok_or_else(|| UrlError::BadHost(authority.into()))?;
        if inside.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(UrlError::BadHost(authority.into()));
        }
        match after {
            "" => (inside, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (inside, Some(port)),
                None => return Err(UrlError::BadHost(authority.into())),
            },
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(UrlError::EmptyHost);
    }
    let host_ok = |c: char| c.is_ascii_alphanumeric() || "-._:".contains(c);
    if !host.chars().all(host_ok) {
        return Err(UrlError::BadHost(host.into()));
    }
    let port = match port_text {
        None => HTTP_PORT,
        Some(text) => parse_port(text)?,
    };
    Ok((host.to_string(), port))
}

/// A port is 1 to 5 decimal digits, 1 to 65535. No sign, no spaces.
fn parse_port(text: &str) -> Result<u16, UrlError> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u16>() {
        Ok(port) if digits && port != 0 => Ok(port),
        _ => Err(UrlError::BadPort(text.into())),
    }
}

/// The path as it goes on the request line: `/` when the URL has none,
/// without the `#fragment`, and with nothing that would break the line.
fn request_path(path: &str) -> Result<String, UrlError> {
    let path = path.split('#').next().unwrap_or("");
    if path.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(UrlError::BadPath(path.into()));
    }
    Ok(match path {
        "" => "/".to_string(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(host: &str, port: u16, path: &str) -> Target {
        Target {
            host: host.into(),
            port,
            path: path.into(),
        }
    }

    #[test]
    fn accepts_the_usual_shapes() {
        let cases = [
            ("example.com", target("example.com", 80, "/")),
            ("http://example.com", target("example.com", 80, "/")),
            ("HTTP://Example.com:8080/a?b=c#top", {
                target("Example.com", 8080, "/a?b=c")
            }),
            ("127.0.0.1:9/x", target("127.0.0.1", 9, "/x")),
            ("http://[::1]:8080/", target("::1", 8080, "/")),
            ("[::1]", target("::1", 80, "/")),
            ("host?q=1", target("host", 80, "/?q=1")),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_target(text), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_fetch() {
        let cases = [
            ("", UrlError::Empty),
            ("https://example.com/", UrlError::Https),
            ("ftp://x", UrlError::OtherScheme("ftp".into())),
            ("http://u:p@host/", UrlError::UserInfo),
            ("http://:80/", UrlError::EmptyHost),
            ("http://host:0/", UrlError::BadPort("0".into())),
            ("http://host:65536/", UrlError::BadPort("65536".into())),
            ("http://host:+80/", UrlError::BadPort("+80".into())),
            ("http://[::1/", UrlError::BadHost("[::1".into())),
            ("http://ho st/", UrlError::BadHost("ho st".into())),
            ("http://h/a b", UrlError::BadPath("/a b".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_target(text), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn host_header_brackets_ipv6_and_drops_port_80() {
        assert_eq!(target("::1", 8080, "/").host_header(), "[::1]:8080");
        assert_eq!(target("example.com", 80, "/").host_header(), "example.com");
    }
}
