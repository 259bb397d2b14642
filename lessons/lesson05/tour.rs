//! `lesson05` with no arguments: the greeting over UDP, both sides in
//! one terminal, against a server the lesson starts on loopback.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering;
use std::thread;
use std::time::Duration;

use super::server::Server;
use crate::lesson04::ending::is_timeout;
use crate::lesson04::log::Log;

const WAIT: Duration = Duration::from_secs(5);

/// Plays the tour; `false` if something went wrong (said in the log).
pub fn run() -> bool {
    let log = Log::recording();
    match tour(&log) {
        Ok(()) => true,
        Err(problem) => {
            log.labelled("lesson")
                .say(format_args!("unexpected: {problem}"));
            false
        }
    }
}

fn tour(log: &Log) -> Result<(), String> {
    let lesson = log.labelled("lesson");
    lesson.say("the greeting of lessons 03 and 04, over UDP; both sides here");
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = Server::bind(loopback, log.labelled("server"))
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let address = server.local_addr();
    let stop = server.stop_handle();
    log.labelled("server").say(format_args!(
        "bound {address}: no listen, no accept; it waits in recv_from"
    ));
    let thread = thread::spawn(move || server.run());
    let result = converse(log, address);
    stop.store(true, Ordering::SeqCst);
    let summary = thread.join().map_err(|_| "the server panicked")?;
    result?;
    lesson.say(format_args!(
        "the server answered {} datagrams from {} peer, on one thread",
        summary.datagrams, summary.peers
    ));
    for line in [
        "what TCP did for us, and UDP does not:",
        "  no handshake: the first packet the server saw was a name",
        "  no accept, no thread per client: one socket receives from all",
        "  boundaries kept: each recv_from is one whole datagram, never a part",
        "  no end of stream: silence is all there is, so clients need timeouts",
        "  no retransmission, no order, no duplicate check (try: ping)",
        "more: cargo run --bin lesson05 -- --help",
    ] {
        lesson.say(line);
    }
    Ok(())
}

fn converse(log: &Log, server: SocketAddr) -> Result<(), String> {
    let client = log.labelled("client");
    let failed = |e: std::io::Error| e.to_string();
    let socket = UdpSocket::bind(("127.0.0.1", 0)).map_err(failed)?;
    socket.set_read_timeout(Some(WAIT)).map_err(failed)?;
    let me = socket.local_addr().map_err(failed)?;
    client.say(format_args!("bound {me}; no connect, nothing sent yet"));
    let send = |name: &str| -> Result<(), String> {
        client.say(format_args!("-> {name:?} to {server}"));
        socket.send_to(name.as_bytes(), server).map_err(failed)?;
        Ok(())
    };
    let mut buffer = [0u8; 2048];
    let mut receive = |note: &str| -> Result<(), String> {
        let (n, from) = socket.recv_from(&mut buffer).map_err(failed)?;
        let reply = String::from_utf8_lossy(&buffer[..n]);
        let from = if from == server { "" } else { " (a stranger)" };
        client.say(format_args!("<- {reply:?}{from}{note}"));
        Ok(())
    };
    send("Michael")?;
    receive(": one recv_from, one whole datagram")?;
    client.say("two names back to back:");
    // Both lines first, then both datagrams: once the first is sent, the
    // server may print before the client could say it sent the second.
    for name in ["Tracy", "Sarah"] {
        client.say(format_args!("-> {name:?} to {server}"));
    }
    for name in ["Tracy", "Sarah"] {
        socket.send_to(name.as_bytes(), server).map_err(failed)?;
    }
    // Wait for the server's last line, so that the two sides' lines
    // come out in the same order on every run.
    if !log.wait_for("-> \"Hello, Sarah!\"", WAIT) {
        return Err("the server did not answer Sarah".into());
    }
    receive("")?;
    receive(": two datagrams, two reads, never glued")?;
    send("")?;
    receive("")?;
    client.say("an empty datagram is a message of 0 bytes, not an end");
    client.say("waiting 1 s for anything more...");
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(failed)?;
    match socket.recv_from(&mut buffer) {
        Err(e) if is_timeout(&e) => client.say(
            "nothing: no FIN, no read of 0; only the timeout ends the wait",
        ),
        Err(e) => return Err(e.to_string()),
        Ok((n, _)) => return Err(format!("{n} unexpected bytes")),
    }
    Ok(())
}
