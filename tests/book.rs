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

/// What a page listed in SUMMARY.md is.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// Introduction and appendices: `[Title](file.md)`, no number.
    Unnumbered,
    /// A numbered chapter with sections under it: a short overview.
    Overview,
    /// A numbered page that teaches: a chapter, or a section of one.
    Teaching,
    /// A chapter's exercises, on a page of their own:
    /// `book/lessonNN-exercises.md`.
    Exercises,
}

/// One page listed in SUMMARY.md.
struct Page {
    path: PathBuf,
    kind: Kind,
    /// The chapter number mdBook gives it (the section's chapter for a
    /// section); 0 for an unnumbered page.
    chapter: usize,
}

/// The pages listed in SUMMARY.md, in order.
fn pages() -> Vec<Page> {
    let summary = read(&root().join("book/SUMMARY.md"));
    let mut pages: Vec<Page> = Vec::new();
    let mut indents = Vec::new();
    let mut chapter = 0;
    for line in summary.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let numbered = trimmed.starts_with("- [");
        if !(numbered || trimmed.starts_with('[')) {
            continue;
        }
        let Some((_, rest)) = trimmed.split_once("](") else {
            continue;
        };
        let file = rest.trim_end().trim_end_matches(')');
        if numbered && indent == 0 {
            chapter += 1;
        }
        let exercises = file.ends_with("-exercises.md");
        // A numbered page followed by a more indented one (other than its
        // exercises page) has sections: it is an overview.
        if numbered
            && !exercises
            && let Some(previous) = pages.last_mut()
            && previous.kind == Kind::Teaching
            && indents.last().is_some_and(|&last| last < indent)
        {
            previous.kind = Kind::Overview;
        }
        let kind = match (numbered, exercises) {
            (false, _) => Kind::Unnumbered,
            (true, true) => Kind::Exercises,
            (true, false) => Kind::Teaching,
        };
        pages.push(Page {
            path: root().join("book").join(file),
            kind,
            chapter: if numbered { chapter } else { 0 },
        });
        indents.push(indent);
    }
    // A chapter with sections may still teach on its own first page (it
    // says what you will learn): then it is held to a teaching page's shape.
    for page in &mut pages {
        if page.kind == Kind::Overview
            && read(&page.path).contains("\n## What you will learn\n")
        {
            page.kind = Kind::Teaching;
        }
    }
    pages
}

/// The chapter files listed in SUMMARY.md, with whether each teaches
/// (a numbered page other than an exercises page).
fn chapters() -> Vec<(PathBuf, bool)> {
    pages()
        .into_iter()
        .map(|page| {
            let teaches = matches!(page.kind, Kind::Teaching | Kind::Overview);
            (page.path, teaches)
        })
        .collect()
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
                // In code `// ANCHOR: name`; in Markdown (the exercise
                // hints) `<!-- ANCHOR: name -->`.
                let has = |mark: &str| {
                    text.contains(&format!("{mark}: {anchor}\n"))
                        || text.contains(&format!("{mark}: {anchor} -->\n"))
                };
                assert!(
                    has("ANCHOR") && has("ANCHOR_END"),
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
    for page in pages() {
        if page.kind != Kind::Teaching {
            continue;
        }
        let path = page.path;
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

/// `lessonNN` for chapter N.
fn lesson_name(chapter: usize) -> String {
    format!("lesson{chapter:02}")
}

/// The lesson a path in the repository belongs to, from the `lessonNN` in
/// its name (`lessons/lesson02/head.rs`, `tests/snapshots/lesson02_x.snap`,
/// `exercises/src/lesson02.rs`), if it names one.
fn lesson_of(path: &str) -> Option<String> {
    path.match_indices("lesson").find_map(|(at, word)| {
        let digits: String = path[at + word.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        (digits.len() == 2).then(|| format!("lesson{digits}"))
    })
}

/// Chapter N is lesson N: its page is `book/lessonNN.md` (its sections
/// `book/lessonNN-*.md`), and it links to `cargo run --bin lessonNN`.
#[test]
fn chapter_n_is_lesson_n() {
    let mut numbered = 0;
    for page in pages() {
        if page.kind == Kind::Unnumbered {
            continue;
        }
        numbered += 1;
        let lesson = lesson_name(page.chapter);
        let file = page
            .path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(
            file == format!("{lesson}.md")
                || file.starts_with(&format!("{lesson}-")),
            "book/{file} is in chapter {}, so its name must start with {lesson}",
            page.chapter
        );
        let text = read(&page.path);
        assert!(
            lesson_commands(&text).contains(&lesson)
                || page.kind == Kind::Exercises
                || page.kind == Kind::Teaching
                    && pages().iter().any(|other| {
                        other.kind == Kind::Overview
                            && other.chapter == page.chapter
                    }),
            "book/{file} (chapter {}) never shows `cargo run --bin {lesson}`",
            page.chapter
        );
    }
    assert!(numbered >= 4, "SUMMARY.md lists {numbered} numbered pages");
}

/// A chapter shows only its own lesson: its code, its transcripts, its
/// exercise stubs. A page that included another lesson's file would send
/// the reader looking in the wrong folder.
#[test]
fn a_chapter_includes_only_its_own_lesson() {
    let chapter_of: Vec<(PathBuf, usize)> = pages()
        .into_iter()
        .filter(|page| page.kind != Kind::Unnumbered)
        .map(|page| (page.path, page.chapter))
        .collect();
    let mut checked = 0;
    for include in includes() {
        let Some((_, chapter)) =
            chapter_of.iter().find(|(path, _)| *path == include.chapter)
        else {
            continue; // the appendices may show any lesson
        };
        let lesson = lesson_name(*chapter);
        let target = include
            .target
            .strip_prefix(root().join("book/.."))
            .unwrap_or(&include.target)
            .display()
            .to_string();
        let owner = lesson_of(&target);
        assert_eq!(
            owner.as_deref(),
            Some(lesson.as_str()),
            "{} is chapter {chapter} ({lesson}) but includes {target}",
            include.chapter.display()
        );
        checked += 1;
    }
    assert!(checked > 0, "no chapter includes anything");
}

/// Every `Exercise N.K` a text names, as `(N, K)`.
fn exercises_named(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (at, word) in text.match_indices("Exercise ") {
        let rest = &text[at + word.len()..];
        let number: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if let Some((n, k)) = number.trim_end_matches('.').split_once('.')
            && let (Ok(n), Ok(k)) = (n.parse(), k.parse())
        {
            found.push((n, k));
        }
    }
    found
}

/// A chapter names only its own exercises, N.1, N.2, ...; and the stubs of
/// lesson N are exercises N.K.
#[test]
fn exercises_are_numbered_by_their_chapter() {
    for page in pages() {
        if page.kind == Kind::Unnumbered {
            continue;
        }
        for (n, k) in exercises_named(&read(&page.path)) {
            assert_eq!(
                n,
                page.chapter,
                "{} is chapter {} but names Exercise {n}.{k}",
                page.path.display(),
                page.chapter
            );
        }
    }
    let dir = root().join("exercises/src");
    let mut stubs = 0;
    for entry in fs::read_dir(&dir).expect("exercises/src") {
        let path = entry.expect("a directory entry").path();
        let name = path.display().to_string();
        let Some(lesson) = lesson_of(&name) else {
            continue;
        };
        let chapter: usize = lesson["lesson".len()..].parse().unwrap_or(0);
        let named = exercises_named(&read(&path));
        assert!(!named.is_empty(), "{name} names no exercise");
        for (n, k) in named {
            assert_eq!(n, chapter, "{name} holds Exercise {n}.{k}");
            stubs += 1;
        }
    }
    assert!(stubs > 0, "no exercise stubs found in {}", dir.display());
}

/// Every `// ANCHOR: name` in the sources is included by some page: an
/// anchor nobody shows is a listing that went stale or a page that lost it.
#[test]
fn every_anchor_is_included_somewhere() {
    let included: BTreeSet<(PathBuf, String)> = includes()
        .into_iter()
        .filter_map(|include| {
            let anchor = include.selector?;
            Some((include.target.canonicalize().ok()?, anchor))
        })
        .collect();
    let folders = ["lessons", "exercises/src", "solutions/src", "tuned/src"];
    let mut stack: Vec<PathBuf> =
        folders.iter().map(|dir| root().join(dir)).collect();
    let mut anchors = 0;
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let canonical = path.canonicalize().expect("canonical path");
            for line in read(&path).lines() {
                let Some((_, name)) = line.split_once("// ANCHOR: ") else {
                    continue;
                };
                anchors += 1;
                assert!(
                    included.contains(&(canonical.clone(), name.to_string())),
                    "{}: no page includes anchor {name:?}",
                    path.display()
                );
            }
        }
    }
    assert!(anchors > 0, "no anchors found in the sources");
}

/// The checks above find the lesson in a path and the exercises in a
/// text; if these helpers went blind, those checks would pass anything.
#[test]
fn the_ownership_checks_can_see_a_wrong_lesson() {
    assert_eq!(
        lesson_of("lessons/lesson03/server.rs").as_deref(),
        Some("lesson03")
    );
    assert_eq!(
        lesson_of("tests/snapshots/lesson02_local.snap").as_deref(),
        Some("lesson02")
    );
    assert_eq!(lesson_of("lessons/cli.rs"), None);
    assert_ne!(lesson_of("lessons/lesson03/x.rs"), Some(lesson_name(2)));
    assert_eq!(
        exercises_named("see **Exercise 2.3** and Exercise 10.12."),
        vec![(2, 3), (10, 12)]
    );
}

/// The exercises announced in the stubs (`/// Exercise N.K ★★: ...`):
/// `(N, K, stars)` for each, from `exercises/src/lessonNN.rs`.
fn announced_exercises() -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    for entry in fs::read_dir(root().join("exercises/src")).expect("stubs") {
        let path = entry.expect("a directory entry").path();
        if lesson_of(&path.display().to_string()).is_none() {
            continue;
        }
        for line in read(&path).lines() {
            let Some(rest) = line.trim_start().strip_prefix("/// Exercise ")
            else {
                continue;
            };
            let Some((id, rest)) = rest.split_once(' ') else {
                continue;
            };
            let Some((n, k)) = id.split_once('.') else {
                continue;
            };
            let stars: String =
                rest.chars().take_while(|c| *c == '★').collect();
            if let (Ok(n), Ok(k)) = (n.parse(), k.parse()) {
                found.push((n, k, stars));
            }
        }
    }
    found.sort();
    found
}

/// Every exercise is announced with one to three stars; every lesson has
/// at least five; each has a hint, several named tests, and a heading in
/// its chapter that shows the hint folded away.
#[test]
fn every_exercise_has_stars_a_hint_tests_and_a_section() {
    let exercises = announced_exercises();
    assert!(!exercises.is_empty(), "no `/// Exercise N.K ★: ...` lines");
    let pages = pages();
    let lessons: BTreeSet<usize> = exercises.iter().map(|e| e.0).collect();
    for lesson in lessons {
        let count = exercises.iter().filter(|e| e.0 == lesson).count();
        assert!(count >= 5, "chapter {lesson} has {count} exercises, not 5");
    }
    for (n, k, stars) in &exercises {
        let id = format!("Exercise {n}.{k}");
        assert!(
            (1..=3).contains(&stars.chars().count()),
            "{id}: announce it with ★, ★★ or ★★★ after the number"
        );
        let hints = root().join(format!("exercises/hints/lesson{n:02}.md"));
        let anchor = format!("ex{n}_{k}");
        let hint_text = fs::read_to_string(&hints).unwrap_or_default();
        assert!(
            hint_text.contains(&format!("<!-- ANCHOR: {anchor} -->")),
            "{id}: no hint `{anchor}` in {}",
            hints.display()
        );
        let tests =
            read(&root().join(format!("exercises/tests/lesson{n:02}.rs")));
        let named = tests.matches(&format!("fn ex{n}_{k}_")).count();
        assert!(named >= 3, "{id}: {named} named tests, want at least 3");
        let chapter_text: String = pages
            .iter()
            .filter(|page| page.kind != Kind::Unnumbered && page.chapter == *n)
            .map(|page| read(&page.path))
            .collect();
        assert!(
            chapter_text.contains(&format!("# {id} {stars}: ")),
            "{id}: chapter {n} has no heading `## {id} {stars}: ...`"
        );
        let include = format!("lesson{n:02}.md:{anchor}}}}}");
        assert!(
            chapter_text.contains(&include)
                && chapter_text.contains("<summary>Hint</summary>"),
            "{id}: chapter {n} does not show its hint in a <details> block"
        );
    }
}

/// A chapter's exercises page says how to see progress and run the tests.
#[test]
fn every_exercises_page_says_how_to_check() {
    let mut found = 0;
    for page in pages() {
        if page.kind != Kind::Exercises {
            continue;
        }
        found += 1;
        let text = read(&page.path);
        let name = page.path.display();
        let lesson = lesson_name(page.chapter);
        assert!(
            text.contains("cargo exercises"),
            "{name}: no `cargo exercises`"
        );
        assert!(
            text.contains(&format!("cargo test -p exercises --test {lesson}")),
            "{name}: no `cargo test -p exercises --test {lesson}`"
        );
    }
    assert!(found > 0, "no exercises pages (book/lessonNN-exercises.md)");
}
