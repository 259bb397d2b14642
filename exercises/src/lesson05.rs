//! Exercises for chapter 5: UDP, and DNS by hand.
//!
//! Check them with `cargo test -p exercises --test lesson05`.

// ANCHOR: txt_strings
/// Exercise 5.5 ★: Read the strings of a TXT record.
///
/// A TXT record's data (its RDATA, RFC 1035 section 3.3.14) is one or
/// more *character-strings*, back to back: a length byte (0 to 255),
/// then that many bytes. Mail servers publish their rules this way
/// (`v=spf1 -all`); one record may hold several strings.
///
/// Return every string's bytes, in order. Rules:
/// - an empty string (length byte 0) is a string like any other;
/// - data with no string at all (0 bytes) is an error: a TXT record
///   holds at least one;
/// - a length byte that promises more bytes than are left is an error.
///
/// ```text
/// [3, b'a', b'b', b'c', 0, 1, b'x']  ->  Ok([b"abc", b"", b"x"])
/// [5, b'a', b'b']                    ->  Err(...)
/// ```
pub fn txt_strings(rdata: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    todo!("Exercise 5.5: split the TXT data {rdata:?} into its strings")
}
// ANCHOR_END: txt_strings

// ANCHOR: encode_names
/// Exercise 5.6 ★★★: Write names with compression pointers.
///
/// Write `names` one after another, the way a server writes the names
/// of its answers, and use compression (RFC 1035 section 4.1.4): when
/// the end of a name (its last labels, up to the root) was already
/// written, write only the labels before it and then a 2-byte pointer
/// to where that ending starts: `0xC000 | offset`, big-endian.
///
/// - Offsets count from the first byte you return (pretend the names
///   start the message).
/// - Take the longest ending already written: after `www.example.com`,
///   `mail.example.com` is `4 m a i l` and a pointer to `example.com`
///   (offset 4); the same name again is just a pointer to offset 0.
///   Point only at a place where a label was written (a place that
///   holds just a pointer is no target).
/// - A pointer has 14 bits: an ending that starts at offset 16384 or
///   later cannot be pointed at; write those labels out again.
/// - Labels match when their bytes are equal (do not fold case).
/// - Each name: labels of 1 to 63 ASCII letters, digits, `-` or `_`,
///   separated by dots; one final dot is allowed; at most 255 bytes
///   when written out in full (length bytes, labels, the final 0). The
///   root, `""` or `"."`, is the single byte 0. Any other name is an
///   error (one line saying why), and nothing is returned.
pub fn encode_names(names: &[&str]) -> Result<Vec<u8>, String> {
    todo!("Exercise 5.6: write the names {names:?} with compression")
}
// ANCHOR_END: encode_names
