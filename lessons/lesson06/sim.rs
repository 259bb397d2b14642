//! Two TCP sockets, a client and a server, on one smoltcp interface over
//! the simulated [`Link`], with a clock that only we move.
//!
//! Nothing here reads the real time or a real random number: the clock
//! starts at 0 and jumps straight to the next moment the stack has
//! something to do, and the stack's random numbers (its initial sequence
//! numbers, its client port) come from a fixed seed. So every run sends
//! the very same frames, byte for byte.

use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::socket::tcp;
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{EthernetAddress, IpAddress, IpCidr, Ipv4Address};

use super::link::{Frame, Link};

/// The server's address and port: the tutorial's port 9999.
pub const SERVER: (Ipv4Address, u16) = (Ipv4Address::new(10, 0, 0, 1), 9999);
/// The client's address and port. Both programs run on the one
/// interface, so they share its address, as two programs on one computer
/// share 127.0.0.1. A kernel picks the client's port from its ephemeral
/// range; we pick the first port of that range every time.
pub const CLIENT: (Ipv4Address, u16) = (SERVER.0, 49152);
/// The interface's Ethernet address (a locally administered one).
pub const MAC: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x01]);
/// The seed of the stack's random numbers: any fixed number will do.
pub const SEED: u64 = 6;

/// How the two sockets are set up for a scenario.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The size of each socket's receive buffer (it sets the window).
    pub server_rx: usize,
    pub client_rx: usize,
    /// The size of each socket's send buffer.
    pub tx: usize,
    /// The numbers of the frames the link loses.
    pub drop: Vec<usize>,
    /// Whether the server listens at all.
    pub listen: bool,
    /// How much simulated time the scenario may take.
    pub limit: Duration,
}

impl Default for Setup {
    fn default() -> Setup {
        Setup {
            server_rx: 4096,
            client_rx: 4096,
            tx: 8192,
            drop: Vec::new(),
            listen: true,
            limit: Duration::from_secs(30),
        }
    }
}

// ANCHOR: sim
/// The whole simulated world.
pub struct Sim {
    /// The simulated time: it moves only when [`Sim::run_until`] moves it.
    pub now: Instant,
    limit: Instant,
    iface: Interface,
    link: Link,
    sockets: SocketSet<'static>,
    server: SocketHandle,
    client: SocketHandle,
}

impl Sim {
    pub fn new(setup: &Setup) -> Result<Sim, String> {
        let now = Instant::from_millis(0);
        let mut link = Link::new(&setup.drop);
        let mut config = Config::new(MAC.into());
        config.random_seed = SEED;
        let mut iface = Interface::new(config, &mut link, now);
        iface.update_ip_addrs(|addrs| {
            let cidr = IpCidr::new(IpAddress::Ipv4(SERVER.0), 24);
            let _ = addrs.push(cidr); // an empty list always has room
        });
        let socket = |rx: usize| {
            let rx = tcp::SocketBuffer::new(vec![0; rx]);
            let tx = tcp::SocketBuffer::new(vec![0; setup.tx]);
            tcp::Socket::new(rx, tx)
        };
        let mut sockets = SocketSet::new(Vec::new());
        let server = sockets.add(socket(setup.server_rx));
        let client = sockets.add(socket(setup.client_rx));
        let mut sim = Sim {
            now,
            limit: now + setup.limit,
            iface,
            link,
            sockets,
            server,
            client,
        };
        if setup.listen {
            let port = SERVER.1;
            sim.server()
                .listen(port)
                .map_err(|e| format!("listen: {e}"))?;
        }
        let remote = (IpAddress::Ipv4(SERVER.0), SERVER.1);
        let local = (IpAddress::Ipv4(CLIENT.0), CLIENT.1);
        let cx = sim.iface.context();
        let client = sim.sockets.get_mut::<tcp::Socket>(sim.client);
        client
            .connect(cx, remote, local)
            .map_err(|e| format!("connect: {e}"))?;
        Ok(sim)
    }

    /// The server's socket.
    pub fn server(&mut self) -> &mut tcp::Socket<'static> {
        self.sockets.get_mut(self.server)
    }

    /// The client's socket.
    pub fn client(&mut self) -> &mut tcp::Socket<'static> {
        self.sockets.get_mut(self.client)
    }

    /// Lets the stack work, moving the clock forward, until `done` says
    /// the scenario may go on. Fails, with a message naming `what`, when
    /// the scenario's simulated time runs out first: nothing can hang.
    pub fn run_until(
        &mut self,
        what: &str,
        mut done: impl FnMut(&mut Sim) -> bool,
    ) -> Result<(), String> {
        // Each round either moves the clock or handles a frame, and
        // there are few frames: this bound is never reached in practice.
        for _ in 0..100_000 {
            self.iface.poll(self.now, &mut self.link, &mut self.sockets);
            if done(self) {
                return Ok(());
            }
            if self.link.busy() {
                continue; // a frame waits: deliver it now
            }
            let next = match self.iface.poll_delay(self.now, &self.sockets) {
                Some(delay) if delay == Duration::ZERO => continue,
                Some(delay) => self.now + delay,
                // No timer is running: only a step of ours can change
                // anything, and `done` says it has not come.
                None => self.limit,
            };
            if next > self.limit || self.now == self.limit {
                break;
            }
            self.now = next;
        }
        Err(format!(
            "gave up after {} ms of simulated time waiting for {what}",
            self.limit.total_millis()
        ))
    }
    // ANCHOR_END: sim

    /// Every frame that crossed the link so far.
    pub fn frames(&self) -> &[Frame] {
        &self.link.frames
    }
}
