//! The scenarios: each one a short conversation over the simulated link,
//! printed frame by frame.

use super::link::Frame;
use super::sim::Setup;
use super::story::{Side, Story};

use crate::lesson03::protocol::{EXIT, WELCOME};

/// A scenario the lesson can act out.
pub struct Scenario {
    pub name: &'static str,
    pub about: &'static str,
    /// How the world is set up for it.
    pub setup: fn() -> Setup,
    /// The programs' steps.
    pub play: fn(&mut Story) -> Result<(), String>,
    /// Which frame to show in annotated hex after the trace, if any:
    /// the first for which this says yes.
    pub hexdump: Option<fn(&Frame) -> bool>,
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "conversation",
        about: "the tutorial's conversation: Welcome!, a name, a greeting, exit",
        setup: Setup::default,
        play: conversation,
        hexdump: Some(first_data),
    },
    Scenario {
        name: "handshake",
        about: "connect and accept: the three segments of the handshake",
        setup: Setup::default,
        play: handshake,
        hexdump: Some(first_syn),
    },
    Scenario {
        name: "data",
        about: "one write of 5000 bytes becomes several segments",
        setup: || Setup {
            server_rx: 8192,
            ..Setup::default()
        },
        play: data,
        hexdump: None,
    },
    Scenario {
        name: "close",
        about: "the client closes first, and ends in TIME_WAIT",
        setup: Setup::default,
        play: close,
        hexdump: None,
    },
    Scenario {
        name: "abort",
        about: "the client aborts: one RST, no goodbye",
        setup: Setup::default,
        play: abort,
        hexdump: None,
    },
    Scenario {
        name: "refused",
        about: "a SYN to a port where nobody listens is answered with RST",
        setup: || Setup {
            listen: false,
            ..Setup::default()
        },
        play: refused,
        hexdump: None,
    },
    Scenario {
        name: "loss",
        about: "the link loses Welcome!, and the timer sends it again",
        setup: || Setup {
            drop: vec![6],
            ..Setup::default()
        },
        play: loss,
        hexdump: None,
    },
    Scenario {
        name: "zero-window",
        about: "a reader that does not read: the window closes, the sender waits",
        setup: || Setup {
            server_rx: 1024,
            ..Setup::default()
        },
        play: zero_window,
        hexdump: None,
    },
];

/// Finds a scenario by name or by number (from 1).
pub fn find(name: &str) -> Option<&'static Scenario> {
    let by_number = name
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1).and_then(|i| SCENARIOS.get(i)));
    by_number.or_else(|| SCENARIOS.iter().find(|s| s.name == name))
}

/// The list `demo` prints with no scenario.
pub fn listing() -> String {
    let mut text =
        String::from("scenarios (cargo run --bin lesson06 -- demo NAME):\n");
    for (i, s) in SCENARIOS.iter().enumerate() {
        text.push_str(&format!("  {}. {:<13} {}\n", i + 1, s.name, s.about));
    }
    text
}

/// What a scenario produced: its lines, and every frame for a capture.
pub struct Outcome {
    pub lines: Vec<String>,
    pub frames: Vec<Frame>,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// Plays a scenario to its end or its first failure.
pub fn run(scenario: &Scenario) -> Outcome {
    let mut story = match Story::new(&(scenario.setup)()) {
        Ok(story) => story,
        Err(error) => {
            return Outcome {
                lines: Vec::new(),
                frames: Vec::new(),
                error: Some(error),
            };
        }
    };
    let result = (scenario.play)(&mut story);
    let frames = story.sim.frames().to_vec();
    let mut lines = story.lines;
    if result.is_ok() {
        let pick = scenario.hexdump.and_then(|p| frames.iter().find(|f| p(f)));
        if let Some(frame) = pick {
            lines.push(String::new());
            lines.extend(super::hexdump::annotate(frame));
        }
    }
    Outcome {
        lines,
        frames,
        error: result.err(),
    }
}

/// Picks the first SYN.
fn first_syn(frame: &Frame) -> bool {
    frame.bytes.len() > 47 && frame.bytes[23] == 6 && frame.bytes[47] == 0x02
}

/// Picks the first segment that carries data.
fn first_data(frame: &Frame) -> bool {
    super::trace::payload_len(&frame.bytes) > 0
}

// ANCHOR: conversation
/// The tutorial's conversation (the protocol of lesson03).
fn conversation(story: &mut Story) -> Result<(), String> {
    connect(story)?;
    story.write(Side::Server, WELCOME)?;
    story.read(Side::Client)?;
    story.write(Side::Client, b"Michael")?;
    let name = story.read(Side::Server)?;
    let mut answer = b"Hello, ".to_vec();
    answer.extend_from_slice(&name);
    answer.push(b'!');
    story.write(Side::Server, &answer)?;
    story.read(Side::Client)?;
    story.write(Side::Client, EXIT.as_bytes())?;
    story.read(Side::Server)?;
    story.close(Side::Server);
    story.run_until("the server's FIN", |sim| !sim.client().may_recv())?;
    story.close(Side::Client);
    story.run_until("both ends closed", |sim| {
        !sim.client().is_open() && !sim.server().is_active()
            || sim.server().state() == smoltcp::socket::tcp::State::TimeWait
                && !sim.client().is_open()
    })?;
    story.states();
    Ok(())
}
// ANCHOR_END: conversation

/// Runs until both sides are connected.
fn connect(story: &mut Story) -> Result<(), String> {
    story.note(Side::Server, "listen on 10.0.0.1:9999");
    story.note(Side::Client, "connect to 10.0.0.1:9999");
    story.run_until("the handshake", |sim| {
        sim.client().may_send() && sim.server().may_recv()
    })?;
    story.states();
    Ok(())
}

// ANCHOR: handshake
fn handshake(story: &mut Story) -> Result<(), String> {
    connect(story)
}
// ANCHOR_END: handshake

// ANCHOR: data
/// One write of 5000 bytes; the server reads until it has them all.
fn data(story: &mut Story) -> Result<(), String> {
    connect(story)?;
    let message: Vec<u8> = (0..5000).map(|i| b'a' + (i % 26) as u8).collect();
    story.write(Side::Client, &message)?;
    let mut got = 0;
    // Each read returns at least one byte: at most 5000 rounds.
    while got < message.len() {
        got += story.read(Side::Server)?.len();
    }
    story.run_until("the last ACK", |sim| sim.client().send_queue() == 0)?;
    Ok(())
}
// ANCHOR_END: data

// ANCHOR: close
/// The client closes first: it sends the first FIN, so it is the one
/// that waits in TIME_WAIT, here for smoltcp's 10 seconds.
fn close(story: &mut Story) -> Result<(), String> {
    connect(story)?;
    story.close(Side::Client);
    story.run_until("the client's FIN", |sim| !sim.server().may_recv())?;
    story.states();
    story.close(Side::Server);
    story.run_until("the server's last ACK", |sim| !sim.server().is_open())?;
    story.states();
    story.run_until("TIME_WAIT to run out", |sim| {
        sim.client().state() == smoltcp::socket::tcp::State::Closed
    })?;
    story.states();
    Ok(())
}
// ANCHOR_END: close

// ANCHOR: abort
/// The client aborts: a reset, no FIN, no TIME_WAIT.
fn abort(story: &mut Story) -> Result<(), String> {
    connect(story)?;
    story.write(Side::Server, WELCOME)?;
    story.read(Side::Client)?;
    story.socket(Side::Client).abort();
    story.note(Side::Client, "abort");
    story.run_until("the reset", |sim| !sim.server().is_open())?;
    story.states();
    Ok(())
}
// ANCHOR_END: abort

// ANCHOR: refused
/// Nobody listens on port 9999: the SYN is answered with a reset.
fn refused(story: &mut Story) -> Result<(), String> {
    story.note(Side::Client, "connect to 10.0.0.1:9999 (nobody listens)");
    story.run_until("the reset", |sim| !sim.client().is_open())?;
    story.states();
    Ok(())
}
// ANCHOR_END: refused

// ANCHOR: loss
/// The link loses frame 6, the server's Welcome!: nobody ACKs it, so
/// the server's retransmission timer sends it again.
fn loss(story: &mut Story) -> Result<(), String> {
    connect(story)?;
    story.write(Side::Server, WELCOME)?;
    story.read(Side::Client)?;
    story.run_until("the ACK", |sim| sim.server().send_queue() == 0)?;
    Ok(())
}
// ANCHOR_END: loss

// ANCHOR: zero_window
/// The server's receive buffer holds 1024 bytes and it does not read:
/// the window shrinks to 0 and the client must wait, probing.
fn zero_window(story: &mut Story) -> Result<(), String> {
    connect(story)?;
    story.write(Side::Client, &[b'z'; 3000])?;
    story.say("the server does not read for a while");
    let start = story.sim.now;
    let pause = smoltcp::time::Duration::from_secs(5);
    story.run_until("five seconds", |sim| sim.now >= start + pause)?;
    let mut got = 0;
    // Each read returns at least one byte: at most 3000 rounds.
    while got < 3000 {
        got += story.read(Side::Server)?.len();
    }
    story.run_until("the last ACK", |sim| sim.client().send_queue() == 0)?;
    Ok(())
}
// ANCHOR_END: zero_window
