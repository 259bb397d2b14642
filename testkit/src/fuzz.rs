//! The bounded "fuzz" runs: proptest over generated and mutated inputs,
//! seeded from the corpus in `tests/corpus/lessonNN_<parser>/` (see its README).
//!
//! `cargo fuzz` needs a nightly toolchain; these runs need none. Each
//! fuzz test tries `FUZZ_CASES` inputs (default [`DEFAULT_CASES`]) from
//! a fixed seed (`FUZZ_SEED`, default [`DEFAULT_SEED`]), so CI is
//! reproducible and takes a few seconds. To search longer:
//!
//! ```text
//! FUZZ_CASES=200000 FUZZ_SEED=random cargo test --release --test NAME fuzz
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

pub const DEFAULT_CASES: u32 = 2000;
pub const DEFAULT_SEED: u64 = 6;

/// The proptest configuration of every fuzz test.
pub fn config() -> Config {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let rng_seed = match std::env::var("FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => n
            .parse()
            .map_or(RngSeed::Fixed(DEFAULT_SEED), RngSeed::Fixed),
        None => RngSeed::Fixed(DEFAULT_SEED),
    };
    Config {
        cases,
        rng_seed,
        ..Config::default()
    }
}

/// The corpus of one parser: `(file name, bytes)`, sorted by name.
pub fn corpus(parser: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(parser);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap_or_default();
            let name = name.to_string_lossy().into_owned();
            let bytes = fs::read(&path).expect("read a corpus file");
            (name, bytes)
        })
        .collect()
}

/// `tests/corpus/PARSER` in the workspace (this crate sits one level
/// below its root).
pub fn corpus_dir(parser: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus")
        .join(parser)
}

/// One edit of an input.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Replace the byte at this place (index modulo the length).
    Flip(prop::sample::Index, u8),
    /// Insert a byte before this place.
    Insert(prop::sample::Index, u8),
    /// Delete the byte at this place.
    Delete(prop::sample::Index),
    /// Repeat a slice (from, length up to 16): duplicated framing.
    Repeat(prop::sample::Index, usize),
}

/// Bytes a mutation puts in: anything, but often the characters that
/// frame things (digits, separators, line ends, a multi-byte lead).
pub fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        2 => any::<u8>(),
        3 => prop::sample::select(b"\r\n :;.[]%0123456789abcdefABCDEF\t\x00\xe5\xff".to_vec()),
    ]
}

/// One to four mutations.
pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        (any::<prop::sample::Index>(), interesting_byte())
            .prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<prop::sample::Index>(), interesting_byte())
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<prop::sample::Index>().prop_map(Mutation::Delete),
        (any::<prop::sample::Index>(), 1usize..16)
            .prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ];
    prop::collection::vec(one, 1..5)
}

/// Applies `edits` to `input`, in order.
pub fn mutate(input: &[u8], edits: &[Mutation]) -> Vec<u8> {
    let mut data = input.to_vec();
    for edit in edits {
        match edit {
            Mutation::Flip(at, byte) if !data.is_empty() => {
                let at = at.index(data.len());
                data[at] = *byte;
            }
            Mutation::Insert(at, byte) => {
                let at = at.index(data.len() + 1);
                data.insert(at, *byte);
            }
            Mutation::Delete(at) if !data.is_empty() => {
                data.remove(at.index(data.len()));
            }
            Mutation::Repeat(at, len) if !data.is_empty() => {
                let from = at.index(data.len());
                let to = (from + len).min(data.len());
                let copy = data[from..to].to_vec();
                data.splice(to..to, copy);
            }
            _ => {}
        }
    }
    data
}

/// A corpus input, mutated: the fuzz tests' main source of inputs.
pub fn mutated_corpus(parser: &str) -> impl Strategy<Value = Vec<u8>> + use<> {
    let inputs: Vec<Vec<u8>> =
        corpus(parser).into_iter().map(|(_, b)| b).collect();
    (prop::sample::select(inputs), mutations())
        .prop_map(|(input, edits)| mutate(&input, &edits))
}
