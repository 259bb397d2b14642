// Checks for the lesson05 exercises (chapter 5).
//
//     cargo test -p exercises --test lesson05
//
// A failing test names the exercise and the input it tried.

use check::{bytes, case};
use exercises::lesson05::{encode_names, txt_strings};

// ---------------------------------------------------------------------
// Exercise 5.5: the strings of a TXT record

fn txt(rdata: &[u8], wanted: Result<Vec<&[u8]>, ()>) {
    let wanted = wanted.map(|v| v.into_iter().map(<[u8]>::to_vec).collect());
    let rdata = rdata.to_vec();
    case("5.5", format!("txt_strings({})", bytes(&rdata)))
        .expect(wanted, move || txt_strings(&rdata).map_err(|_| ()));
}

#[test]
fn ex5_5_basic() {
    txt(b"\x0bv=spf1 -all", Ok(vec![b"v=spf1 -all"]));
    txt(b"\x03abc\x02de", Ok(vec![b"abc", b"de"]));
}

#[test]
fn ex5_5_edge_cases() {
    txt(b"\x00", Ok(vec![b""]));
    txt(b"\x03abc\x00\x01x", Ok(vec![b"abc", b"", b"x"]));
    txt(b"\x00\x00", Ok(vec![b"", b""]));
    let mut long = vec![255];
    long.extend_from_slice(&[b'z'; 255]);
    txt(&long, Ok(vec![&[b'z'; 255]]));
    txt(b"\x02\xff\x00", Ok(vec![b"\xff\x00"]));
}

#[test]
fn ex5_5_errors() {
    txt(b"", Err(()));
    txt(b"\x05ab", Err(()));
    txt(b"\x03abc\x01", Err(()));
    txt(b"\xff", Err(()));
    let rdata = b"\x05ab".to_vec();
    let message = case("5.5", "txt_strings([5, 97, 98])")
        .run(move || txt_strings(&rdata))
        .err()
        .unwrap_or_default();
    case("5.5", "txt_strings([5, 97, 98])").check(
        !message.is_empty() && !message.contains('\n'),
        "the error is one line, not empty",
    );
}

/// Plausible wrong answers: the whole data as one string, a short string
/// clamped to what is left, no string accepted as success.
#[test]
fn ex5_5_wrong_answers() {
    txt(b"\x01a\x01b", Ok(vec![b"a", b"b"])); // not [b"\x01a\x01b"]
    txt(b"\x04abc", Err(())); // not Ok([b"abc"])
    txt(b"", Err(())); // not Ok([])
}

// ---------------------------------------------------------------------
// Exercise 5.6: names written with compression pointers

fn names(input: &[&str], wanted: Result<&[u8], ()>) {
    let list: Vec<String> = input.iter().map(|n| n.to_string()).collect();
    let call = format!("encode_names(&{list:?})");
    let wanted = wanted.map(<[u8]>::to_vec);
    case("5.6", call).expect(wanted, move || {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        encode_names(&refs).map_err(|_| ())
    });
}

#[test]
fn ex5_6_basic() {
    names(&["example.com"], Ok(b"\x07example\x03com\x00"));
    names(
        &["www.example.com", "mail.example.com"],
        Ok(b"\x03www\x07example\x03com\x00\x04mail\xc0\x04"),
    );
    names(&["a.b", "a.b"], Ok(b"\x01a\x01b\x00\xc0\x00"));
}

#[test]
fn ex5_6_longest_ending() {
    names(
        &["example.com", "www.example.com", "a.www.example.com"],
        Ok(b"\x07example\x03com\x00\x03www\xc0\x00\x01a\xc0\x0d"),
    );
    // "com" alone was written as part of example.com: point into it.
    names(
        &["example.com", "com"],
        Ok(b"\x07example\x03com\x00\xc0\x08"),
    );
    // Nothing shared but the root: no pointer for the root alone.
    names(&["a.org", "b.net"], Ok(b"\x01a\x03org\x00\x01b\x03net\x00"));
    // Same last label, different name: the labels must match whole.
    names(&["ab.c", "b.c"], Ok(b"\x02ab\x01c\x00\x01b\xc0\x03"));
    // Case is not folded.
    names(&["A.b", "a.b"], Ok(b"\x01A\x01b\x00\x01a\xc0\x02"));
}

#[test]
fn ex5_6_edge_cases() {
    names(&[], Ok(b""));
    names(&["", "."], Ok(b"\x00\x00"));
    names(&["a.b.", "a.b"], Ok(b"\x01a\x01b\x00\xc0\x00"));
    names(
        &["_sip._tcp.my-host"],
        Ok(b"\x04_sip\x04_tcp\x07my-host\x00"),
    );
    let label = "x".repeat(63);
    let mut one = vec![63];
    one.extend_from_slice(label.as_bytes());
    one.push(0);
    names(&[&label], Ok(&one));
    // 3 labels of 63 and one of 61: exactly 255 bytes written out.
    let full = format!("{label}.{label}.{label}.{}", "y".repeat(61));
    let result = case("5.6", "encode_names(&[a 255-byte name])").run({
        let full = full.clone();
        move || encode_names(&[&full]).map(|b| b.len())
    });
    case("5.6", "encode_names(&[a 255-byte name])").same(&result, &Ok(255));
}

#[test]
fn ex5_6_errors() {
    let label = "x".repeat(63);
    let too_long = format!("{label}.{label}.{label}.{}", "y".repeat(62));
    for bad in [
        "a..b",
        ".a",
        "a b",
        "é.com",
        "a.b..",
        &"x".repeat(64),
        &too_long,
    ] {
        names(&["ok.test", bad], Err(()));
    }
}

/// Past offset 16383 an ending cannot be pointed at: written out again.
#[test]
fn ex5_6_offsets_past_14_bits() {
    // 83 names of 198 bytes, none sharing an ending, fill 16434 bytes.
    // The last, x.y.z.k082, starts at 16236: its z label at 16364 (a
    // pointer can reach it), its k082 label at 16428 (none can).
    let (x, y, z) = ("x".repeat(63), "y".repeat(63), "z".repeat(63));
    let mut list: Vec<String> =
        (0..83).map(|i| format!("{x}.{y}.{z}.k{i:03}")).collect();
    list.push("k082".into());
    list.push(format!("q.{z}.k082"));
    let call = "encode_names(&[85 long names])";
    let got = case("5.6", call).run(move || {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        encode_names(&refs)
    });
    let Ok(got) = got else {
        case("5.6", call).fail("refused valid names");
    };
    let wanted_tail = [
        &b"\x04k082\x00"[..], // k082 at 16428: too far, written again
        b"\x01q",
        &(0xC000u16 | 16364).to_be_bytes(), // z.k082 at 16364
    ]
    .concat();
    let tail = got.get(83 * 198..).unwrap_or_default().to_vec();
    case("5.6", call).same(&tail, &wanted_tail);
}

/// An ending at exactly offset 16384 is one too far for 14 bits.
#[test]
fn ex5_6_offset_16384_is_too_far() {
    // 82 names of 198 bytes fill 16236 bytes; then p.q.r.end puts the
    // label "end" at 16236 + 64 + 64 + 20 = 16384.
    let (x, y, z) = ("x".repeat(63), "y".repeat(63), "z".repeat(63));
    let mut list: Vec<String> =
        (0..82).map(|i| format!("{x}.{y}.{z}.k{i:03}")).collect();
    list.push(format!(
        "{}.{}.{}.end",
        "p".repeat(63),
        "q".repeat(63),
        "r".repeat(19)
    ));
    list.push("end".into());
    let call = "encode_names(&[84 long names])";
    let got = case("5.6", call).run(move || {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        encode_names(&refs)
    });
    let tail = got.map(|b| b.get(16384..).unwrap_or_default().to_vec());
    case("5.6", call).same(&tail, &Ok(b"\x03end\x00\x03end\x00".to_vec()));
}

/// Plausible wrong answers: a pointer to a later part only (not the
/// longest ending), no compression at all, a pointer for the root.
#[test]
fn ex5_6_wrong_answers() {
    names(&["a.b.c", "a.b.c"], Ok(b"\x01a\x01b\x01c\x00\xc0\x00"));
    names(&["x.y", "z.w"], Ok(b"\x01x\x01y\x00\x01z\x01w\x00"));
    names(
        &["x.y", "x.y", "q.x.y"],
        Ok(b"\x01x\x01y\x00\xc0\x00\x01q\xc0\x00"),
    );
}
