//! The book against the code: every chapter links a real lesson, every
//! lesson is linked, every include points at something that exists, and the
//! transcripts the book shows are the snapshot files the tests pin.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The `[[bin]]` names declared in Cargo.toml.
fn declared_bins() -> BTreeSet<String> {
    let manifest = read(&root().join("Cargo.toml"));
    let mut bins = BTreeSet::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(value) = line.strip_prefix("name = ") {
            bins.insert(value.trim_matches('"').to_string());
        }
    }
    bins
}

/// The chapter files listed in SUMMARY.md, with whether each is numbered
/// (a teaching chapter, `- [Title](file.md)`) or not (introduction,
/// appendices: `[Title](file.md)`).
fn chapters() -> Vec<(PathBuf, bool)> {
    let summary = read(&root().join("book/SUMMARY.md"));
    let mut chapters = Vec::new();
    for line in summary.lines() {
        let trimmed = line.trim_start();
        let numbered = trimmed.starts_with("- [");
        if !(numbered || trimmed.starts_with('[')) {
            continue;
        }
        let Some((_, rest)) = trimmed.split_once("](") else {
            continue;
        };
        let file = rest.trim_end().trim_end_matches(')');
        chapters.push((root().join("book").join(file), numbered));
    }
    chapters
}

/// Every `cargo run --bin NAME` in a text.
fn lesson_commands(text: &str) -> Vec<String> {
    text.match_indices("cargo run --bin ")
        .map(|(at, found)| {
            text[at + found.len()..]
                .chars()
                .take_while(|c| {
                    c.is_ascii_alphanumeric() || *c == '_' || *c == '-'
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_lesson_binary_has_a_source_file_and_a_manifest_entry() {
    let bins = declared_bins();
    assert!(!bins.is_empty(), "no [[bin]] found in Cargo.toml");
    let files: BTreeSet<String> = fs::read_dir(root().join("lessons/bin"))
        .expect("lessons/bin")
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_string)
        })
        .collect();
    assert_eq!(bins, files, "[[bin]] entries vs files in lessons/bin/");
}

#[test]
fn every_teaching_chapter_links_a_lesson_and_every_lesson_is_linked() {
    let bins = declared_bins();
    let mut linked = BTreeSet::new();
    let chapters = chapters();
    assert!(chapters.iter().any(|(_, numbered)| *numbered));
    for (path, numbered) in chapters {
        assert!(
            path.exists(),
            "SUMMARY.md lists {}, which is missing",
            path.display()
        );
        let commands = lesson_commands(&read(&path));
        if numbered {
            assert!(
                commands.iter().any(|bin| bins.contains(bin)),
                "{} is a teaching chapter but shows no `cargo run --bin lessonNN`",
                path.display()
            );
        }
        linked.extend(commands);
    }
    for bin in &bins {
        assert!(
            linked.contains(bin),
            "no chapter shows `cargo run --bin {bin}`"
        );
    }
}

#[test]
fn every_lesson_command_in_the_book_and_readme_names_a_real_binary() {
    let bins = declared_bins();
    let mut texts: Vec<PathBuf> =
        chapters().into_iter().map(|(path, _)| path).collect();
    texts.push(root().join("README.md"));
    for path in texts {
        for bin in lesson_commands(&read(&path)) {
            assert!(
                bins.contains(&bin),
                "{} runs unknown binary {bin:?}",
                path.display()
            );
        }
    }
}

#[test]
fn every_exercise_command_in_the_book_names_a_real_test_file() {
    for (path, _) in chapters() {
        let text = read(&path);
        for (at, found) in text.match_indices("cargo test -p exercises --test ")
        {
            let name: String = text[at + found.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let file =
                root().join("exercises/tests").join(format!("{name}.rs"));
            assert!(
                file.exists(),
                "{} names missing {}",
                path.display(),
                file.display()
            );
        }
    }
}

/// One `{{#include FILE}}`, `{{#include FILE:ANCHOR}}` or
/// `{{#include FILE:START:}}` found in a chapter.
struct Include {
    chapter: PathBuf,
    target: PathBuf,
    selector: Option<String>,
}

fn includes() -> Vec<Include> {
    let mut found = Vec::new();
    for (chapter, _) in chapters() {
        let text = read(&chapter);
        for (at, _) in text.match_indices("{{#include ") {
            let rest = &text[at + "{{#include ".len()..];
            let end = rest.find("}}").expect("an unclosed {{#include");
            let spec = rest[..end].trim();
            let (file, selector) = match spec.split_once(':') {
                Some((file, selector)) => (file, Some(selector.to_string())),
                None => (spec, None),
            };
            let target = root().join("book").join(file);
            found.push(Include {
                chapter: chapter.clone(),
                target,
                selector,
            });
        }
    }
    found
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let includes = includes();
    assert!(!includes.is_empty(), "the book includes nothing");
    for include in includes {
        let where_ = format!(
            "{} includes {}",
            include.chapter.display(),
            include.target.display()
        );
        assert!(include.target.exists(), "{where_}, which is missing");
        let is_snapshot =
            include.target.extension().is_some_and(|e| e == "snap");
        match include.selector.as_deref() {
            None => {}
            Some(anchor)
                if anchor.chars().all(|c| c.is_alphanumeric() || c == '_') =>
            {
                let anchor_is_number =
                    anchor.chars().all(|c| c.is_ascii_digit());
                assert!(
                    !anchor_is_number,
                    "{where_}: line numbers drift; use an anchor"
                );
                let text = read(&include.target);
                assert!(
                    text.contains(&format!("ANCHOR: {anchor}\n"))
                        && text.contains(&format!("ANCHOR_END: {anchor}\n")),
                    "{where_}: anchor {anchor:?} is not in the file"
                );
            }
            Some(range) => {
                // Line ranges are allowed for one thing only: skipping the
                // header of a snapshot (see `transcript_settings`).
                assert!(
                    is_snapshot && range == "5:",
                    "{where_}:{range}: use an anchor"
                );
            }
        }
    }
}

/// The book shows transcripts from line 5 on; that is right only while
/// every snapshot's header is exactly four lines.
#[test]
fn snapshot_headers_are_four_lines() {
    let dir = root().join("tests/snapshots");
    let mut count = 0;
    for entry in fs::read_dir(&dir).expect("tests/snapshots") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        count += 1;
        let text = read(&path);
        let lines: Vec<&str> = text.lines().take(4).collect();
        let keys_ok = lines.len() == 4
            && lines[0] == "---"
            && lines[1].starts_with("source: ")
            && lines[2].starts_with("assertion_line: ")
            && lines[3] == "---";
        assert!(keys_ok, "{}: unexpected header {lines:?}", path.display());
    }
    assert!(count > 0, "no snapshots in {}", dir.display());
}

#[test]
fn every_transcript_snapshot_is_shown_in_the_book() {
    let shown: BTreeSet<PathBuf> = includes()
        .into_iter()
        .filter(|include| {
            include.target.extension().is_some_and(|e| e == "snap")
        })
        .filter_map(|include| include.target.canonicalize().ok())
        .collect();
    for entry in
        fs::read_dir(root().join("tests/snapshots")).expect("tests/snapshots")
    {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        // Snapshots named lessonNN_* are transcripts; the book shows them all.
        if name.starts_with("lesson") && name.ends_with(".snap") {
            let path = path.canonicalize().expect("canonical path");
            assert!(shown.contains(&path), "the book never shows {name}");
        }
    }
}

/// Every teaching chapter has the same shape, so a reader always knows
/// where to look: what you will learn, how to run the lesson, its pinned
/// transcript, code from the sources, a pitfall, exercises, further reading.
#[test]
fn every_teaching_chapter_has_the_same_shape() {
    for (path, numbered) in chapters() {
        if !numbered {
            continue;
        }
        let text = read(&path);
        let name = path.display();
        let has = |needle: &str| text.contains(needle);
        assert!(
            has("\n## What you will learn\n"),
            "{name}: no 'What you will learn'"
        );
        assert!(has("\n## Run it\n"), "{name}: no 'Run it' section");
        assert!(
            has("{{#include ../tests/snapshots/lesson"),
            "{name}: shows no transcript"
        );
        assert!(
            has("{{#include ../lessons/")
                || has("{{#include ../exercises/src/"),
            "{name}: includes no code from the sources"
        );
        assert!(
            has("\n> [!"),
            "{name}: no admonition (> [!NOTE], > [!WARNING], ...)"
        );
        let exercises = text.find("\n## Exercises\n");
        let reading = text.find("\n## Further reading\n");
        assert!(exercises.is_some(), "{name}: no Exercises section");
        assert!(
            reading > exercises,
            "{name}: Further reading must follow Exercises"
        );
        let section =
            &text[exercises.unwrap_or(0)..reading.unwrap_or(text.len())];
        assert!(
            section.contains("cargo test -p exercises --test "),
            "{name}: the Exercises section does not say how to check them"
        );
    }
}

#[test]
fn every_code_block_names_its_language() {
    for (path, _) in chapters() {
        let mut open = false;
        for (number, line) in read(&path).lines().enumerate() {
            let Some(info) = line.trim_start().strip_prefix("```") else {
                continue;
            };
            if !open && info.trim().is_empty() {
                panic!(
                    "{}:{}: a code block without a language",
                    path.display(),
                    number + 1
                );
            }
            open = !open;
        }
    }
}

/// The id mdBook gives a heading: lowercase, spaces to `-`, other
/// punctuation dropped (so "`lesson01`: the tour" becomes "lesson01-the-tour").
fn heading_id(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn heading_ids(markdown: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut ids = BTreeSet::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            ids.insert(heading_id(line.trim_start_matches('#').trim()));
        }
    }
    ids
}

/// Every `[text](target)` and `![alt](target)` outside code blocks.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut in_code = false;
    let mut targets = Vec::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        for (at, _) in line.match_indices("](") {
            let rest = &line[at + 2..];
            if let Some(end) = rest.find(')') {
                targets.push(rest[..end].to_string());
            }
        }
    }
    targets
}

#[test]
fn every_internal_link_and_image_resolves() {
    let mut checked = 0;
    for (chapter, _) in chapters() {
        let text = read(&chapter);
        for target in link_targets(&text) {
            if target.starts_with("https://") || target.starts_with("http://") {
                continue;
            }
            let (file, fragment) = match target.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                chapter.clone()
            } else {
                root().join("book").join(file)
            };
            let where_ = format!("{} links to {target}", chapter.display());
            assert!(path.exists(), "{where_}: no such file");
            if let Some(fragment) = fragment {
                let ids = heading_ids(&read(&path));
                assert!(
                    ids.contains(fragment),
                    "{where_}: no heading #{fragment}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "no internal links found at all");
}
