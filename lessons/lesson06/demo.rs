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

pub const SCENARIOS: &[Scenario] = &[Scenario {
    name: "conversation",
    about: "the tutorial's conversation: Welcome!, a name, a greeting, exit",
    setup: Setup::default,
    play: conversation,
    hexdump: Some(first_data),
}];

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

/// Picks the first segment that carries data.
fn first_data(frame: &Frame) -> bool {
    super::trace::payload_len(&frame.bytes) > 0
}

// ANCHOR: conversation
/// The tutorial's conversation (the protocol of lesson03).
fn conversation(story: &mut Story) -> Result<(), String> {
    story.note(Side::Server, "listen on 10.0.0.1:9999");
    story.note(Side::Client, "connect to 10.0.0.1:9999");
    story.run_until("the handshake", |sim| {
        sim.client().may_send() && sim.server().may_recv()
    })?;
    story.states();
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
