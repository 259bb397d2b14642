// The lesson07 exercise checks, run against the reference solutions.
// The test file is the learner's own, word for word: the crate named
// `exercises` inside it is this `solutions` crate.
extern crate solutions as exercises;

include!("../../exercises/tests/lesson07.rs");
