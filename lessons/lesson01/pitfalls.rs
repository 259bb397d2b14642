//! `lesson01 pitfall NAME`: two surprises of ports and sockets, each
//! acted out on this machine's loopback interface.
//!
//! - `dual-stack`: a socket listening on `[::]` also takes IPv4 clients,
//!   who show up as `::ffff:127.0.0.1`; with `IPV6_V6ONLY` it does not.
//! - `privileged-port`: port 80 is refused to an ordinary user on Linux.
//!
//! Every socket has a timeout or a bounded wait: a pitfall never hangs.

use std::io::{self, ErrorKind};
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

use crate::menu::{self, Entry};
use crate::output::say;

/// How long any step may wait before the pitfall gives up.
const WAIT: Duration = Duration::from_secs(2);

/// A step that went as the pitfall says, or did not (and why).
type Step<T = ()> = Result<T, String>;

/// One entry of the menu: `play` acts it out.
pub type Pitfall = Entry<fn() -> Step>;

pub const PITFALLS: [Pitfall; 2] = [
    Pitfall {
        number: 1,
        name: "dual-stack",
        summary: "a server on [::] meets IPv4 clients as ::ffff:127.0.0.1",
        play: dual_stack,
    },
    Pitfall {
        number: 2,
        name: "privileged-port",
        summary: "port 80 needs root (or CAP_NET_BIND_SERVICE) on Linux",
        play: privileged_port,
    },
];

/// The pitfall a command-line argument names, by name or number.
pub fn find(arg: &str) -> Option<&'static Pitfall> {
    menu::find(&PITFALLS, arg)
}

/// The list `lesson01 pitfall` prints.
pub fn listing() -> String {
    menu::listing(
        &PITFALLS,
        "Pitfalls (run one with: cargo run --bin lesson01 -- pitfall NAME):",
    )
}

/// Acts out one pitfall. `false` if it did not go as described.
pub fn run(pitfall: &Pitfall) -> bool {
    pitfall.act_out("pitfall", |line| say(line), |play| play())
}

// ---------------------------------------------------------------------
// dual-stack

// ANCHOR: dual_stack
/// Listens on `[::]:0`, with `IPV6_V6ONLY` as `v6_only` says.
fn listen_any_v6(v6_only: bool) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::IPV6, Type::STREAM, Some(Protocol::TCP))?;
    socket.set_only_v6(v6_only)?;
    let any = SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0));
    socket.bind(&any.into())?;
    socket.listen(8)?;
    Ok(socket.into())
}
// ANCHOR_END: dual_stack

fn dual_stack() -> Step {
    let fresh = Socket::new(Domain::IPV6, Type::STREAM, Some(Protocol::TCP))
        .and_then(|socket| socket.only_v6())
        .map_err(|e| format!("no IPv6 on this machine? {e}"))?;
    say(format_args!(
        "a new IPv6 socket here starts with IPV6_V6ONLY {}; \
         we set it ourselves",
        on_off(fresh)
    ));

    say("\npart 1: IPV6_V6ONLY off");
    let listener =
        listen_any_v6(false).map_err(|e| format!("listen on [::]: {e}"))?;
    let port = port_of(&listener)?;
    say(format_args!("listening on [::]:{port}"));
    let v4 = SocketAddr::from(([127, 0, 0, 1], port));
    say(format_args!("connecting to {v4} (IPv4)"));
    let _client = TcpStream::connect_timeout(&v4, WAIT)
        .map_err(|e| format!("connect to {v4}: {e}"))?;
    let peer = accept_within(&listener)?;
    say(format_args!("accepted a client; its address: {peer}"));
    if let SocketAddr::V6(v6) = peer
        && let Some(ipv4) = v6.ip().to_ipv4_mapped()
    {
        say(format_args!(
            "  an IPv4-mapped IPv6 address; to_ipv4_mapped() gives {ipv4}"
        ));
    } else {
        return Err(format!("expected ::ffff:127.0.0.1, got {peer}"));
    }

    say("\npart 2: IPV6_V6ONLY on");
    let listener =
        listen_any_v6(true).map_err(|e| format!("listen on [::]: {e}"))?;
    let port = port_of(&listener)?;
    say(format_args!("listening on [::]:{port}"));
    let v4 = SocketAddr::from(([127, 0, 0, 1], port));
    say(format_args!("connecting to {v4} (IPv4)"));
    match TcpStream::connect_timeout(&v4, WAIT) {
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
            say(format_args!(
                "refused ({:?}): this socket takes IPv6 clients only",
                e.kind()
            ))
        }
        Err(e) => return Err(format!("expected a refusal, got: {e}")),
        Ok(_) => return Err("an IPv6-only socket took an IPv4 client".into()),
    }
    let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, port));
    say(format_args!("connecting to {v6} (IPv6)"));
    let _client = TcpStream::connect_timeout(&v6, WAIT)
        .map_err(|e| format!("connect to {v6}: {e}"))?;
    let peer = accept_within(&listener)?;
    say(format_args!("accepted a client; its address: {peer}"));
    Ok(())
}

fn on_off(flag: bool) -> &'static str {
    if flag { "on" } else { "off" }
}

fn port_of(listener: &TcpListener) -> Step<u16> {
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|e| format!("local address: {e}"))
}

/// Accepts one connection, waiting at most `WAIT` for it.
fn accept_within(listener: &TcpListener) -> Step<SocketAddr> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("set_nonblocking: {e}"))?;
    let deadline = Instant::now() + WAIT;
    loop {
        match listener.accept() {
            Ok((_, peer)) => return Ok(peer),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err("no connection to accept".into());
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("accept: {e}")),
        }
    }
}

// ---------------------------------------------------------------------
// privileged-port

#[cfg(not(target_os = "linux"))]
fn privileged_port() -> Step {
    say("this pitfall shows a rule of Linux; other systems decide \
         differently who may use ports below 1024, so it only runs there");
    Ok(())
}

#[cfg(target_os = "linux")]
fn privileged_port() -> Step {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    let capable = has_net_bind_service();
    let start = unprivileged_port_start();
    let who = match (uid, capable) {
        (0, _) => "uid 0 (root)".to_string(),
        (_, Some(true)) => format!("uid {uid}, with CAP_NET_BIND_SERVICE"),
        (_, _) => format!("uid {uid}, not root"),
    };
    say(format_args!("running as {who}"));
    let start_text =
        start.map_or("1024 unless changed".into(), |s| format!("here {s}"));
    let rule = format!(
        "on Linux, only root or a program with the capability\n  \
         CAP_NET_BIND_SERVICE may bind a port below\n  \
         net.ipv4.ip_unprivileged_port_start ({start_text})"
    );
    let address = SocketAddr::from(([127, 0, 0, 1], 80));
    say(format_args!("binding {address}"));
    match TcpListener::bind(address) {
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            say(format_args!("refused: {e}"));
            say(format_args!("why: {rule}"));
            say("instead: a port from 1024 up (this workbook's servers use \
                 9999),\n  or port 0 for any free one");
        }
        Err(e) if e.kind() == ErrorKind::AddrInUse => {
            say(format_args!("refused: {e}"));
            say(
                "another program listens there already; Linux checks the\n  \
                 permission first, so this process may use port 80",
            );
        }
        Err(e) => return Err(format!("bind failed: {e}")),
        Ok(listener) => {
            drop(listener);
            say("bound, and let go of it at once");
            let reason = if uid == 0 {
                "root may bind any port".to_string()
            } else if capable == Some(true) {
                "this process has CAP_NET_BIND_SERVICE".to_string()
            } else if let Some(start) = start {
                format!("this system lets anyone bind ports from {start} up")
            } else {
                "this system allowed it".to_string()
            };
            say(format_args!("why: {reason}: {rule};"));
            say("  as an ordinary user the same bind fails: Permission denied");
        }
    }
    Ok(())
}

/// `net.ipv4.ip_unprivileged_port_start`, if it can be read.
#[cfg(target_os = "linux")]
fn unprivileged_port_start() -> Option<u16> {
    let path = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Whether this process holds CAP_NET_BIND_SERVICE (capability 10) in
/// its effective set, from the `CapEff` line of `/proc/self/status`.
#[cfg(target_os = "linux")]
fn has_net_bind_service() -> Option<bool> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    let bits = u64::from_str_radix(line["CapEff:".len()..].trim(), 16).ok()?;
    Some(bits & (1 << 10) != 0)
}
