//! Reference solutions for chapter 5's exercises.

// ANCHOR: txt_strings
/// Exercise 5.5 ★: Read the strings of a TXT record.
pub fn txt_strings(rdata: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if rdata.is_empty() {
        return Err("a TXT record holds at least one string".into());
    }
    let mut strings = Vec::new();
    let mut rest = rdata;
    // Each turn takes at least the length byte, so the loop ends.
    while let Some((&len, after)) = rest.split_first() {
        let len = usize::from(len);
        let Some((string, next)) = after.split_at_checked(len) else {
            return Err(format!(
                "a string of {len} bytes, but only {} are left",
                after.len()
            ));
        };
        strings.push(string.to_vec());
        rest = next;
    }
    Ok(strings)
}
// ANCHOR_END: txt_strings

// ANCHOR: encode_names
/// Exercise 5.6 ★★★: Write names with compression pointers.
pub fn encode_names(names: &[&str]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    // Every ending written out in labels: its labels, and its offset.
    let mut written: Vec<(Vec<&str>, usize)> = Vec::new();
    for name in names {
        let labels = check_name(name)?;
        let mut pointer = None;
        let mut fresh = labels.len();
        // The longest ending first: the one that starts at label 0.
        for start in 0..labels.len() {
            let ending = &labels[start..];
            let found =
                written.iter().find(|(w, at)| w == ending && *at < 0x4000);
            if let Some(&(_, at)) = found {
                pointer = Some(at);
                fresh = start;
                break;
            }
        }
        for start in 0..fresh {
            written.push((labels[start..].to_vec(), out.len()));
            let label = labels[start];
            // 1 to 63 bytes, checked by `check_name`.
            out.push(label.len() as u8);
            out.extend_from_slice(label.as_bytes());
        }
        match pointer {
            // Below 0x4000, so the top two bits are free for the mark.
            Some(at) => {
                out.extend_from_slice(&(0xC000 | at as u16).to_be_bytes())
            }
            None => out.push(0),
        }
    }
    Ok(out)
}

/// The labels of `name`, or why it cannot be written.
fn check_name(name: &str) -> Result<Vec<&str>, String> {
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let labels: Vec<&str> = trimmed.split('.').collect();
    let mut length = 1;
    for label in &labels {
        let allowed =
            |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        if label.is_empty() || label.len() > 63 || !label.bytes().all(allowed) {
            return Err(format!("{name:?}: bad label {label:?}"));
        }
        length += 1 + label.len();
    }
    if length > 255 {
        return Err(format!(
            "{name:?} is {length} bytes written out, over 255"
        ));
    }
    Ok(labels)
}
// ANCHOR_END: encode_names
