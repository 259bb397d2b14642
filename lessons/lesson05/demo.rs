//! `lesson05 demo SCENARIO`: what UDP does differently from TCP, acted
//! out on loopback in one process, each step printed.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crate::lesson04::ending::is_timeout;
use crate::menu::{self, Entry};

/// How long any step waits before the demo gives up.
const WAIT: Duration = Duration::from_secs(5);

/// A step that went as the scenario says, or did not (and why).
type Step<T = ()> = Result<T, String>;

/// One entry of the menu: `play` acts it out.
pub type Scenario = Entry<fn(&mut Vec<String>) -> Step>;

pub const SCENARIOS: [Scenario; 5] = [
    Scenario {
        number: 1,
        name: "boundaries",
        summary: "100 datagrams are 100 reads; 100 TCP writes may be one",
        play: boundaries,
    },
    Scenario {
        number: 2,
        name: "truncation",
        summary: "a buffer too small for the datagram: the rest is lost",
        play: truncation,
    },
    Scenario {
        number: 3,
        name: "max-size",
        summary: "the biggest datagram over IPv4: 65,507 bytes",
        play: max_size,
    },
    Scenario {
        number: 4,
        name: "connect",
        summary: "connect on UDP: a default peer and a filter, no handshake",
        play: connect,
    },
    Scenario {
        number: 5,
        name: "refused",
        summary: "nobody on the port: ICMP makes recv fail, if connected",
        play: refused,
    },
];

/// The scenario a command-line argument names, by name or number.
pub fn find(arg: &str) -> Option<&'static Scenario> {
    menu::find(&SCENARIOS, arg)
}

/// The list `lesson05 demo` prints.
pub fn listing() -> String {
    menu::listing(
        &SCENARIOS,
        "Scenarios (run one with: cargo run --bin lesson05 -- demo NAME):",
    )
}

/// Plays one scenario, printing each step. `false` if it went wrong.
pub fn run(scenario: &Scenario, out: &mut impl Write) -> bool {
    let mut lines = vec![format!(
        "scenario {} ({}): {}",
        scenario.number, scenario.name, scenario.summary
    )];
    let result = (scenario.play)(&mut lines);
    if let Err(problem) = &result {
        lines.push(format!("unexpected: {problem}"));
    }
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    result.is_ok()
}

/// A UDP socket on 127.0.0.1, any port, with a read timeout.
fn udp(timeout: Duration) -> Step<(UdpSocket, SocketAddr)> {
    let socket =
        UdpSocket::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
    socket
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let address = socket.local_addr().map_err(|e| e.to_string())?;
    Ok((socket, address))
}

fn step<T>(what: &str, result: std::io::Result<T>) -> Step<T> {
    result.map_err(|e| format!("{what}: {e}"))
}

// ANCHOR: boundaries
fn boundaries(say: &mut Vec<String>) -> Step {
    let (receiver, address) = udp(WAIT)?;
    let (sender, _) = udp(WAIT)?;
    for i in 1..=100 {
        step(
            "send_to",
            sender.send_to(format!("message {i}").as_bytes(), address),
        )?;
    }
    say.push(
        "UDP: sent 100 datagrams, \"message 1\" to \"message 100\"".into(),
    );
    let mut buffer = [0u8; 4096];
    for i in 1..=100 {
        let (n, _) = step("recv_from", receiver.recv_from(&mut buffer))?;
        let got = String::from_utf8_lossy(&buffer[..n]);
        if got != format!("message {i}") {
            return Err(format!("read {i} gave {got:?}"));
        }
        if i <= 3 || i == 100 {
            say.push(format!("  read {i:>3}: {got:?} ({n} bytes)"));
        } else if i == 4 {
            say.push("  ...".into());
        }
    }
    say.push(
        "UDP: 100 reads, each exactly one datagram, in a 4096-byte buffer"
            .into(),
    );

    let listener = step("bind", TcpListener::bind("127.0.0.1:0"))?;
    let address = step("local_addr", listener.local_addr())?;
    let mut client = step("connect", TcpStream::connect(address))?;
    let (server, _) = step("accept", listener.accept())?;
    let mut total = 0;
    for i in 1..=100 {
        let message = format!("message {i}");
        total += message.len();
        step("write", client.write_all(message.as_bytes()))?;
    }
    say.push(format!(
        "TCP: 100 writes of the same messages, {total} bytes"
    ));
    wait_until_buffered(&server, total)?;
    let mut reads = Vec::new();
    let mut seen = 0;
    step("set_read_timeout", server.set_read_timeout(Some(WAIT)))?;
    while seen < total {
        let n = step("read", (&server).read(&mut buffer))?;
        if n == 0 {
            return Err("the stream ended early".into());
        }
        reads.push(n);
        seen += n;
    }
    say.push(format!(
        "TCP: {} read(s) of {:?} bytes: \"message 1message 2message 3...\"",
        reads.len(),
        reads
    ));
    say.push(
        "A stream has no boundaries: the reader must frame the messages."
            .into(),
    );
    Ok(())
}
// ANCHOR_END: boundaries

/// Waits (peeking) until `total` bytes wait in the socket: how many reads
/// TCP takes depends on timing; the demo reads once all have arrived.
fn wait_until_buffered(stream: &TcpStream, total: usize) -> Step {
    let deadline = Instant::now() + WAIT;
    let mut buffer = vec![0u8; total];
    step("set_read_timeout", stream.set_read_timeout(Some(WAIT)))?;
    while step("peek", stream.peek(&mut buffer))? < total {
        if Instant::now() >= deadline {
            return Err("the bytes did not all arrive".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

// ANCHOR: truncation
fn truncation(say: &mut Vec<String>) -> Step {
    let (receiver, address) = udp(WAIT)?;
    let (sender, _) = udp(WAIT)?;
    let big = "0123456789".repeat(10);
    step("send_to", sender.send_to(big.as_bytes(), address))?;
    step("send_to", sender.send_to(b"next", address))?;
    say.push(
        "sent a datagram of 100 bytes, \"0123456789\" ten times, then \"next\""
            .into(),
    );
    #[cfg(target_os = "linux")]
    say.push(format!(
        "a peek with MSG_TRUNC says the datagram waiting is {} bytes long",
        peek_length(&receiver)?
    ));
    let mut small = [0u8; 10];
    match receiver.recv_from(&mut small) {
        Ok((n, _)) => say.push(format!(
            "recv_from with a 10-byte buffer returned {n}: {:?}",
            String::from_utf8_lossy(&small[..n])
        )),
        // Windows fills the buffer and fails the call (WSAEMSGSIZE).
        Err(e) => {
            say.push(format!("recv_from with a 10-byte buffer failed: {e}"))
        }
    }
    let (n, _) = step("recv_from", receiver.recv_from(&mut small))?;
    say.push(format!(
        "the next recv_from returned {n}: {:?}, the next datagram",
        String::from_utf8_lossy(&small[..n])
    ));
    say.push(
        "The other 90 bytes are gone, and no error said so. Use a buffer"
            .into(),
    );
    say.push(
        "as big as the biggest datagram you accept, plus one to notice more."
            .into(),
    );
    Ok(())
}

/// The length of the datagram waiting, however long: `recv` with
/// MSG_PEEK | MSG_TRUNC returns the real length (Linux).
#[cfg(target_os = "linux")]
fn peek_length(socket: &UdpSocket) -> Step<usize> {
    let mut one = [std::mem::MaybeUninit::<u8>::uninit(); 1];
    let flags = libc::MSG_PEEK | libc::MSG_TRUNC;
    step(
        "peek",
        socket2::SockRef::from(socket).recv_with_flags(&mut one, flags),
    )
}
// ANCHOR_END: truncation

// ANCHOR: max_size
fn max_size(say: &mut Vec<String>) -> Step {
    let (receiver, address) = udp(WAIT)?;
    let (sender, _) = udp(WAIT)?;
    say.push(
        "the IPv4 total length is 16 bits: at most 65,535 bytes, of which"
            .into(),
    );
    say.push(
        "20 are the IP header and 8 the UDP header: 65,507 are left".into(),
    );
    let mut buffer = vec![0u8; 65_536];
    for size in [65_507, 65_508] {
        let datagram = vec![b'x'; size];
        match sender.send_to(&datagram, address) {
            Ok(n) => {
                let (got, _) =
                    step("recv_from", receiver.recv_from(&mut buffer))?;
                say.push(format!(
                    "send_to of {size} bytes: sent {n}, received {got}"
                ));
            }
            Err(e) => say.push(format!("send_to of {size} bytes failed: {e}")),
        }
    }
    say.push(
        "Over a real network, a datagram bigger than the path's MTU (often"
            .into(),
    );
    say.push(
        "1,500 bytes) is cut into IP fragments; lose one and all is lost."
            .into(),
    );
    Ok(())
}
// ANCHOR_END: max_size

// ANCHOR: connect
fn connect(say: &mut Vec<String>) -> Step {
    let (server, server_address) = udp(WAIT)?;
    let (stranger, stranger_address) = udp(WAIT)?;
    let (client, client_address) = udp(Duration::from_millis(500))?;
    step("connect", client.connect(server_address))?;
    say.push(format!(
        "client {client_address}: connect({server_address}) returned at once; \
         no packet was sent"
    ));
    step("send", client.send(b"Michael"))?;
    let mut buffer = [0u8; 64];
    let (n, from) = step("recv_from", server.recv_from(&mut buffer))?;
    say.push(format!(
        "send (no address) went to the default peer: server got {:?} from {from}",
        String::from_utf8_lossy(&buffer[..n])
    ));
    step(
        "send_to",
        stranger.send_to(b"from a stranger", client_address),
    )?;
    say.push(format!(
        "stranger {stranger_address} sends \"from a stranger\" to the client"
    ));
    step(
        "send_to",
        server.send_to(b"Hello, Michael!", client_address),
    )?;
    say.push("server sends \"Hello, Michael!\" to the client".into());
    let n = step("recv", client.recv(&mut buffer))?;
    say.push(format!(
        "client's recv: {:?}",
        String::from_utf8_lossy(&buffer[..n])
    ));
    match client.recv(&mut buffer) {
        Err(e) if is_timeout(&e) => {
            say.push("client's next recv: nothing within 0.5 s:".into());
            say.push("  the kernel dropped the stranger's datagram".into());
        }
        Ok(n) => return Err(format!("the client got {n} more bytes")),
        Err(e) => return Err(format!("recv: {e}")),
    }
    Ok(())
}
// ANCHOR_END: connect

// ANCHOR: refused
fn refused(say: &mut Vec<String>) -> Step {
    // A port nobody listens on: bind a socket, note its port, close it.
    let (closed, nobody) = udp(WAIT)?;
    drop(closed);
    let (connected, _) = udp(Duration::from_millis(500))?;
    step("connect", connected.connect(nobody))?;
    step("send", connected.send(b"Michael"))?;
    say.push(format!(
        "connected socket: send \"Michael\" to {nobody}: Ok"
    ));
    let mut buffer = [0u8; 64];
    match connected.recv(&mut buffer) {
        Err(e) if is_timeout(&e) => {
            say.push("its recv: nothing within 0.5 s".into())
        }
        Err(e) => say.push(format!("its recv: Err({:?}): {e}", e.kind())),
        Ok(n) => return Err(format!("got {n} bytes from nobody")),
    }
    let (unconnected, _) = udp(Duration::from_millis(500))?;
    step("send_to", unconnected.send_to(b"Michael", nobody))?;
    say.push(format!(
        "unconnected socket: send_to \"Michael\" to {nobody}: Ok"
    ));
    match unconnected.recv_from(&mut buffer) {
        Err(e) if is_timeout(&e) => {
            say.push("its recv_from: nothing within 0.5 s:".into());
            say.push("  the same ICMP error was not passed on".into());
        }
        Err(e) => say.push(format!("its recv_from: Err({:?}): {e}", e.kind())),
        Ok((n, _)) => return Err(format!("got {n} bytes from nobody")),
    }
    say.push(
        "The kernel answered each datagram with ICMP \"port unreachable\";"
            .into(),
    );
    say.push(
        "only a connected socket knows whom it is about, and is told.".into(),
    );
    Ok(())
}
// ANCHOR_END: refused
