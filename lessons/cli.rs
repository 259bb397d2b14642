//! Command-line helpers shared by the lesson binaries.

use std::env;

/// The program's arguments as text, without the program's name.
///
/// `env::args()` panics on an argument that is not valid UTF-8, which a
/// Unix command line allows; this returns one clear message instead.
pub fn text_args() -> Result<Vec<String>, String> {
    env::args_os()
        .skip(1)
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| format!("{arg:?} is not UTF-8 text"))
        })
        .collect()
}
