//! lesson05's server under a battery of datagrams, and the relay's
//! loss, duplication and reordering with a fixed seed. Loopback only;
//! every socket has a timeout and every loop a bound.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use lessons::lesson04::log::Log;
use lessons::lesson05::ping::sequence_number;
use lessons::lesson05::relay::{Fate, Relay, XorShift, plan};
use lessons::lesson05::server::{MAX_NAME, Server, Summary, answer};

const WAIT: Duration = Duration::from_secs(5);

struct Running {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Summary>,
}

impl Running {
    fn start() -> Running {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let server = Server::bind(loopback, Log::silent()).expect("bind");
        Running {
            address: server.local_addr(),
            stop: server.stop_handle(),
            thread: thread::spawn(move || server.run()),
        }
    }

    fn stop(self) -> Summary {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().expect("the server thread")
    }
}

fn client(timeout: Duration) -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.set_read_timeout(Some(timeout)).expect("timeout");
    socket
}

/// Every reply that arrives within `quiet` of the previous one.
fn replies(socket: &UdpSocket, at_most: usize) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let mut buffer = [0u8; 4096];
    while got.len() < at_most {
        match socket.recv(&mut buffer) {
            Ok(n) => got.push(buffer[..n].to_vec()),
            Err(_) => break,
        }
    }
    got
}

#[test]
fn answers() {
    assert_eq!(answer(b"Michael"), "Hello, Michael!");
    assert_eq!(answer(b"Michael\n"), "Hello, Michael!");
    assert_eq!(answer(b"Michael\r\n"), "Hello, Michael!");
    assert_eq!(answer("小明".as_bytes()), "Hello, 小明!");
    assert_eq!(answer(b"a b"), "Hello, a b!");
    for bad in [&b""[..], b"\n", b"\r\n", b"\xff", b"ab\xc3"] {
        assert!(answer(bad).starts_with("Error: "), "{bad:?}");
    }
    assert_eq!(
        answer(&[b'x'; MAX_NAME]),
        format!("Hello, {}!", "x".repeat(MAX_NAME))
    );
    assert!(answer(&[b'x'; MAX_NAME + 1]).starts_with("Error: "));
}

/// Empty, not UTF-8, 65,000 bytes, and good names in between: each
/// gets exactly one reply, and the server carries on.
#[test]
fn battery_of_odd_datagrams() {
    let server = Running::start();
    let socket = client(WAIT);
    socket.connect(server.address).unwrap();
    let big = vec![b'x'; 65_000];
    let cases: [(&[u8], &str); 6] = [
        (b"", "Error: "),
        (b"Michael", "Hello, Michael!"),
        (b"\xff\xfe", "Error: "),
        (&big, "Error: "),
        (b"\x00", "Hello, \x00!"),
        (b"Tracy", "Hello, Tracy!"),
    ];
    for (datagram, wanted) in cases {
        socket.send(datagram).unwrap();
        let mut buffer = [0u8; 4096];
        let n = socket.recv(&mut buffer).expect("one reply");
        let reply = String::from_utf8_lossy(&buffer[..n]);
        assert!(
            reply.starts_with(wanted),
            "{} bytes: {reply:?}",
            datagram.len()
        );
    }
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert!(replies(&socket, 10).is_empty(), "a second reply");
    let summary = server.stop();
    assert_eq!(
        summary,
        Summary {
            datagrams: 6,
            peers: 1
        }
    );
}

/// 200 datagrams back to back, then every reply: 200 replies, each one
/// whole datagram, in order.
#[test]
fn two_hundred_back_to_back() {
    let server = Running::start();
    let socket = client(WAIT);
    socket.connect(server.address).unwrap();
    for i in 0..200 {
        socket.send(format!("name {i}").as_bytes()).unwrap();
    }
    let got = replies(&socket, 200);
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert!(replies(&socket, 1).is_empty(), "more than 200 replies");
    let wanted: Vec<Vec<u8>> = (0..200)
        .map(|i| format!("Hello, name {i}!").into_bytes())
        .collect();
    assert_eq!(got.len(), 200);
    assert_eq!(got, wanted);
    assert_eq!(server.stop().datagrams, 200);
}

/// Three clients at once, one server thread: each gets its own replies.
#[test]
fn many_peers_one_thread() {
    let server = Running::start();
    let clients: Vec<UdpSocket> = (0..3).map(|_| client(WAIT)).collect();
    for (i, socket) in clients.iter().enumerate() {
        for k in 0..5 {
            socket
                .send_to(format!("c{i} m{k}").as_bytes(), server.address)
                .unwrap();
        }
    }
    for (i, socket) in clients.iter().enumerate() {
        socket
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let got = replies(socket, 6);
        let wanted: Vec<Vec<u8>> = (0..5)
            .map(|k| format!("Hello, c{i} m{k}!").into_bytes())
            .collect();
        assert_eq!(got, wanted);
    }
    assert_eq!(
        server.stop(),
        Summary {
            datagrams: 15,
            peers: 3
        }
    );
}

#[test]
fn xorshift_is_repeatable_and_never_stuck() {
    let mut a = XorShift::new(42);
    let mut b = XorShift::new(42);
    let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
    assert_eq!(first, (0..5).map(|_| b.next_u64()).collect::<Vec<_>>());
    assert_ne!(
        first,
        (0..5)
            .map(|_| XorShift::new(43).next_u64())
            .collect::<Vec<_>>()
    );
    // The one seed that would make the state 0 still moves.
    let mut zero = XorShift::new(0x2545_F491_4F6C_DD1D);
    assert_ne!(zero.next_u64(), 0);
}

#[test]
fn the_plan_for_a_fixed_seed() {
    use Fate::*;
    assert_eq!(
        plan(10, 20, 1),
        [
            HoldBack, Duplicate, Pass, Pass, Drop, Duplicate, Pass, Pass, Pass,
            Drop
        ]
    );
    assert!(plan(50, 100, 9).iter().all(|fate| *fate == Drop));
    assert!(plan(50, 0, 9).iter().all(|fate| *fate != Drop));
    // The last datagram is never held back: nothing would release it.
    for seed in 0..200 {
        assert_ne!(plan(5, 0, seed).last(), Some(&HoldBack), "seed {seed}");
    }
    // Over many, the shares are near what they say.
    let many = plan(10_000, 20, 5);
    let share = |fate| many.iter().filter(|f| **f == fate).count();
    assert!((1800..2200).contains(&share(Drop)), "{}", share(Drop));
    assert!((800..1200).contains(&share(Duplicate)));
    assert!((800..1200).contains(&share(HoldBack)));
}

/// The relay in front of a plain echo socket: what arrives, in order.
#[test]
fn the_relay_drops_duplicates_and_reorders() {
    use Fate::*;
    let echo = client(Duration::from_millis(300));
    let fates =
        vec![Pass, Drop, Duplicate, HoldBack, Pass, HoldBack, Drop, Pass];
    let relay =
        Relay::start(echo.local_addr().unwrap(), fates, sequence_number)
            .expect("start the relay");
    let sender = client(WAIT);
    for seq in 1..=8 {
        sender
            .send_to(format!("ping {seq}").as_bytes(), relay.address)
            .unwrap();
    }
    let arrived: Vec<u32> = replies(&echo, 20)
        .iter()
        .filter_map(|datagram| sequence_number(datagram))
        .collect();
    relay.stop();
    // 2 and 7 lost, 3 twice, 4 after 5, 6 after 7's turn (7 dropped).
    assert_eq!(arrived, [1, 3, 3, 5, 4, 6, 8]);
}
