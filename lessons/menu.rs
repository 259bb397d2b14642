//! A numbered menu of things a lesson acts out on request: lesson04's and
//! lesson05's demo scenarios, the pitfalls of lessons 01, 03 and 04. Each
//! entry has a number, a name and a one-line summary, and the command line
//! picks one by either (`demo reset` or `demo 4`).

use std::fmt;

/// One entry; `play` is the function that acts it out.
pub struct Entry<P> {
    pub number: usize,
    pub name: &'static str,
    pub summary: &'static str,
    pub play: P,
}

/// Entries are told apart by their number (`play` is a function, and
/// functions are not compared).
impl<P> PartialEq for Entry<P> {
    fn eq(&self, other: &Entry<P>) -> bool {
        self.number == other.number
    }
}

impl<P> Eq for Entry<P> {}

impl<P> fmt::Debug for Entry<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} ({})", self.number, self.name)
    }
}

/// The entry a command-line argument names, by name or number.
pub fn find<P>(
    entries: &'static [Entry<P>],
    arg: &str,
) -> Option<&'static Entry<P>> {
    entries
        .iter()
        .find(|e| e.name == arg || e.number.to_string() == arg)
}

impl<P> Entry<P> {
    /// Acts the entry out: says which it is (`kind` is `scenario` or
    /// `pitfall`), then lets `act` call `play`. If it did not go as
    /// described, says what happened instead. Returns whether it went well.
    pub fn act_out(
        &self,
        kind: &str,
        say: impl Fn(&str),
        act: impl FnOnce(&P) -> Result<(), String>,
    ) -> bool {
        say(&format!(
            "{kind} {} ({}): {}",
            self.number, self.name, self.summary
        ));
        match act(&self.play) {
            Ok(()) => true,
            Err(problem) => {
                say(&format!("unexpected: {problem}"));
                false
            }
        }
    }
}

/// The menu as printed when no entry is named: a heading, then one line
/// per entry, the summaries lined up.
pub fn listing<P>(entries: &[Entry<P>], heading: &str) -> String {
    let width = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut text = format!("{heading}\n");
    for e in entries {
        text.push_str(&format!(
            "  {} {:<width$}  {}\n",
            e.number, e.name, e.summary
        ));
    }
    text
}
