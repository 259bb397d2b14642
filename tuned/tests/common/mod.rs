//! What both agreement tests share: the workbook's corpus files, and a
//! strategy that mutates them a little.

use std::fs;
use std::path::PathBuf;

use proptest::prelude::*;

/// Every input in `tests/corpus/<folder>/` of the workspace, by name.
pub fn corpus(folder: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus")
        .join(folder);
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
            let bytes = fs::read(&path).expect("read a corpus file");
            (name.to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// A corpus input with one to four bytes replaced, inserted or deleted,
/// often with the bytes that frame things.
pub fn mutated(folder: &str) -> impl Strategy<Value = Vec<u8>> + use<> {
    let inputs: Vec<Vec<u8>> =
        corpus(folder).into_iter().map(|(_, bytes)| bytes).collect();
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"\r\n :.0123456789abfF\t\x00\xe5\xff".to_vec()),
    ];
    // (what: 0 replace, 1 insert, 2 delete; where; which byte)
    let edit = (0..3u8, any::<prop::sample::Index>(), byte);
    let edits = prop::collection::vec(edit, 1..5);
    (prop::sample::select(inputs), edits).prop_map(|(mut data, edits)| {
        for (what, at, byte) in edits {
            let len = data.len();
            match what {
                0 if len > 0 => data[at.index(len)] = byte,
                1 => data.insert(at.index(len + 1), byte),
                2 if len > 0 => {
                    data.remove(at.index(len));
                }
                _ => {}
            }
        }
        data
    })
}
