//! [`Stream`]: the one in-memory `Read + Write` double of the workspace,
//! shared with the exercise tests (it lives in `exercises/check`, which
//! depends on nothing but std). Input handed out in chosen pieces or in
//! parts no read crosses, short writes, errors at chosen points, and a
//! record of everything written; see [`Stream`] for the rules.

pub use check::Stream;
