//! A scenario's story: the frames on the link, in order, with what each
//! program did between them.

use smoltcp::socket::tcp;

use super::sim::{Setup, Sim};
use super::trace::{Trace, escape};

/// A running scenario: the simulated world and the lines printed so far.
pub struct Story {
    pub sim: Sim,
    trace: Trace,
    shown: usize,
    pub lines: Vec<String>,
}

/// Which program acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

impl Story {
    pub fn new(setup: &Setup) -> Result<Story, String> {
        Ok(Story {
            sim: Sim::new(setup)?,
            trace: Trace::default(),
            shown: 0,
            lines: Vec::new(),
        })
    }

    /// The socket of one side.
    pub fn socket(&mut self, side: Side) -> &mut tcp::Socket<'static> {
        match side {
            Side::Client => self.sim.client(),
            Side::Server => self.sim.server(),
        }
    }

    /// Prints the frames sent since the last call.
    fn catch_up(&mut self) {
        let frames = self.sim.frames()[self.shown..].to_vec();
        self.shown += frames.len();
        for frame in &frames {
            let lines = self.trace.describe(frame);
            self.lines.extend(lines);
        }
    }

    /// One line about what a program does, at the current time.
    pub fn note(&mut self, side: Side, what: impl AsRef<str>) {
        self.catch_up();
        let millis = self.sim.now.total_millis();
        self.lines.push(format!(
            "    {millis:>6} ms  {}: {}",
            side.name(),
            what.as_ref()
        ));
    }

    /// A line of commentary, between the frames.
    pub fn say(&mut self, what: impl AsRef<str>) {
        self.catch_up();
        let millis = self.sim.now.total_millis();
        self.lines
            .push(format!("    {millis:>6} ms  -- {}", what.as_ref()));
    }

    /// Runs the stack until `done`, then prints the frames it sent.
    pub fn run_until(
        &mut self,
        what: &str,
        done: impl FnMut(&mut Sim) -> bool,
    ) -> Result<(), String> {
        let result = self.sim.run_until(what, done);
        self.catch_up();
        result
    }

    /// `side` writes `bytes` (as much as its send buffer takes).
    pub fn write(&mut self, side: Side, bytes: &[u8]) -> Result<usize, String> {
        let sent = self
            .socket(side)
            .send_slice(bytes)
            .map_err(|e| format!("{} cannot send: {e}", side.name()))?;
        let what = match sent == bytes.len() && bytes.len() <= 40 {
            true => format!("write \"{}\"", escape(bytes, 40)),
            false => format!("write {sent} of {} bytes", bytes.len()),
        };
        self.note(side, what);
        Ok(sent)
    }

    /// Runs until `side` has bytes to read, then reads them all.
    pub fn read(&mut self, side: Side) -> Result<Vec<u8>, String> {
        let what = format!("the {} to have bytes to read", side.name());
        self.run_until(&what, |sim| match side {
            Side::Client => sim.client().can_recv(),
            Side::Server => sim.server().can_recv(),
        })?;
        let mut bytes = vec![0; 65536];
        let n = self
            .socket(side)
            .recv_slice(&mut bytes)
            .map_err(|e| format!("{} cannot read: {e}", side.name()))?;
        bytes.truncate(n);
        let what = match n <= 40 {
            true => format!("read \"{}\"", escape(&bytes, 40)),
            false => format!("read {n} bytes"),
        };
        self.note(side, what);
        Ok(bytes)
    }

    /// `side` closes its socket (sends FIN once its data is out).
    pub fn close(&mut self, side: Side) {
        self.socket(side).close();
        self.note(side, "close");
    }

    /// One line with both sockets' states, in the RFC's names.
    pub fn states(&mut self) {
        let client = self.sim.client().state();
        let server = self.sim.server().state();
        self.say(format!(
            "states: client {}, server {}",
            name(client),
            name(server)
        ));
    }
}

/// A TCP state as RFC 9293 writes it: `TIME_WAIT`, `ESTABLISHED`.
pub fn name(state: tcp::State) -> String {
    state.to_string().replace('-', "_").to_uppercase()
}
