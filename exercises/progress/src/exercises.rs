//! The list of exercises, read from the stubs themselves: each exercise's
//! doc comment starts with a line such as
//!
//! ```text
//! /// Exercise 2.3 ★★: Accept a Content-Length list such as "42, 42".
//! ```
//!
//! so the statement you read in the file is the one this tool prints.

use std::fs;
use std::path::Path;

/// One exercise, as its stub announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// Its chapter, the N of N.K (the lesson number).
    pub chapter: u32,
    /// Its place in the chapter, the K of N.K.
    pub number: u32,
    /// ★, ★★ or ★★★.
    pub stars: String,
    /// The one-line statement.
    pub statement: String,
    /// Where to write it: the stub file, relative to the workspace.
    pub file: String,
    /// The line of the `/// Exercise N.K` comment.
    pub line: usize,
    /// The function or type the exercise asks for.
    pub item: String,
}

impl Exercise {
    /// "2.3".
    pub fn id(&self) -> String {
        format!("{}.{}", self.chapter, self.number)
    }

    /// The prefix of its tests' names: "ex2_3_".
    pub fn test_prefix(&self) -> String {
        format!("ex{}_{}_", self.chapter, self.number)
    }
}

/// Every exercise in `exercises/src/lessonNN.rs`, in order.
pub fn read_all(root: &Path) -> Result<Vec<Exercise>, String> {
    let dir = root.join("exercises/src");
    let entries = fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.starts_with("lesson") && name.ends_with(".rs"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for name in files {
        let path = dir.join(&name);
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        all.extend(parse(&format!("exercises/src/{name}"), &text));
    }
    all.sort_by_key(|e| (e.chapter, e.number));
    Ok(all)
}

/// The exercises announced in one stub file.
pub fn parse(file: &str, text: &str) -> Vec<Exercise> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("/// Exercise ") else {
            continue;
        };
        let Some((id, rest)) = rest.split_once(' ') else {
            continue;
        };
        let Some((chapter, number)) = id.split_once('.') else {
            continue;
        };
        let (Ok(chapter), Ok(number)) = (chapter.parse(), number.parse())
        else {
            continue;
        };
        let Some((stars, statement)) = rest.split_once(": ") else {
            continue;
        };
        if stars.is_empty() || !stars.chars().all(|c| c == '★') {
            continue;
        }
        let item = lines[index..]
            .iter()
            .find_map(|line| item_name(line))
            .unwrap_or_default();
        found.push(Exercise {
            chapter,
            number,
            stars: stars.to_string(),
            statement: statement.trim().to_string(),
            file: file.to_string(),
            line: index + 1,
            item,
        });
    }
    found
}

/// `fn name` or `struct Name` from a line that declares one.
fn item_name(line: &str) -> Option<String> {
    let line = line.trim_start().strip_prefix("pub ")?;
    for keyword in ["fn ", "struct ", "enum ", "trait "] {
        if let Some(rest) = line.strip_prefix(keyword) {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            return Some(format!("{}{name}", keyword));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_announcing_line_and_the_item() {
        let text = "//! doc\n\n\
            /// Exercise 2.3 ★★: Accept a list.\n\
            ///\n\
            /// More words.\n\
            pub fn content_length_list(value: &str) -> u64 {\n}\n\
            /// Exercise 2.4: no stars, not an exercise line\n\
            /// Exercise 2.10 ★★★: Decode it.\n\
            pub struct Decoder {}\n";
        let found = parse("exercises/src/lesson02.rs", text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].id(), "2.3");
        assert_eq!(found[0].stars, "★★");
        assert_eq!(found[0].statement, "Accept a list.");
        assert_eq!(found[0].line, 3);
        assert_eq!(found[0].item, "fn content_length_list");
        assert_eq!(found[1].id(), "2.10");
        assert_eq!(found[1].item, "struct Decoder");
        assert_eq!(found[1].test_prefix(), "ex2_10_");
    }
}
