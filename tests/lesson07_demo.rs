//! `lesson07 demo`, pinned: a thousand clients, a hundred of them silent,
//! against lesson04's thread per client and lesson07's three designs.
//! Who was served comes out the same on every run; how long it took does
//! not, and is shown as `[TIME]`.

use testkit::terminal::{self, transcript, transcript_settings};

const BIN: &str = env!("CARGO_BIN_EXE_lesson07");

#[test]
fn demo() {
    let dir = std::env::temp_dir();
    let text = transcript(BIN, &["demo"], &dir);
    let mut settings = transcript_settings();
    settings.add_filter(r"\d+\.\d\d s", "[TIME]");
    settings.bind(|| insta::assert_snapshot!("lesson07_demo", text));
}

/// A smaller crowd: the pool serves everyone when nobody is silent, and
/// the demo refuses a crowd made only of silent clients.
#[test]
fn demo_options() {
    let dir = std::env::temp_dir();
    let run =
        terminal::run(BIN, &["demo", "--clients", "40", "--silent", "0"], &dir);
    assert!(run.status.success(), "{}", run.output);
    let pool = run
        .output
        .lines()
        .find(|line| line.starts_with("pool"))
        .unwrap_or_default()
        .to_string();
    assert!(pool.contains(" 40/40 "), "{}", run.output);
    terminal::assert_usage_errors(
        BIN,
        &[&["demo", "--clients", "10", "--silent", "10"]],
    );
}
