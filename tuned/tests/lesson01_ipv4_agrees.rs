//! The tuned IPv4 parser gives exactly the plain one's answer: the same
//! value, or the same error, on every input.

use testkit::fuzz;

use std::net::Ipv4Addr;

use lessons::lesson01::ipv4 as plain;
use proptest::prelude::*;
use tuned::lesson01_ipv4 as tuned;

/// The same answer for `text` and for every prefix of it.
fn agree(text: &str) -> Result<(), TestCaseError> {
    for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
        let prefix = &text[..end];
        prop_assert_eq!(
            tuned::parse_ipv4(prefix),
            plain::parse_ipv4(prefix),
            "input {:?}",
            prefix
        );
    }
    Ok(())
}

#[test]
fn the_corpus() {
    for (name, bytes) in fuzz::corpus("lesson01_address") {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(error) = agree(&text) {
            panic!("tests/corpus/lesson01_address/{name}: {error}");
        }
    }
}

#[test]
fn hand_picked_edges() {
    for text in [
        "0.0.0.0",
        "255.255.255.255",
        "256.0.0.0",
        "1.2.3.4.5",
        "1..2.3",
        "00.1.2.3",
        "1.2.3.0000000000000000000000000009",
        "1.2.3.99999999999999999999999",
        "1.2.3.٤",
        "１.2.3.4",
        "...",
        ".",
    ] {
        if let Err(error) = agree(text) {
            panic!("{error}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Every address std prints (these take the quick path).
    #[test]
    fn every_printed_address(value in any::<u32>()) {
        let text = Ipv4Addr::from(value).to_string();
        prop_assert_eq!(tuned::parse_ipv4(&text), Ok(value));
        agree(&text)?;
    }

    /// Text made of what addresses are made of, and a few things they
    /// are not: most of it fails, each failure somewhere else.
    #[test]
    fn address_like_text(text in "[0-9.]{0,18}|[0-9.+ a\u{664}\u{ff11}]{0,18}") {
        agree(&text)?;
    }

    /// Four groups of up to five digits: values near 255, leading zeros.
    #[test]
    fn four_groups(groups in prop::collection::vec("0{0,2}[0-9]{0,4}", 4)) {
        agree(&groups.join("."))?;
    }

    /// The corpus with a few bytes changed.
    #[test]
    fn mutated_corpus(bytes in fuzz::mutated_corpus("lesson01_address")) {
        agree(&String::from_utf8_lossy(&bytes))?;
    }
}
