//! Text folding for search and sorting, the same on SQLite and PostgreSQL: both compare these
//! keys bytewise, so Rust decides how Danish letters fold and sort.

use std::collections::BTreeSet;

/// Lower-cased text for case-insensitive matching: "ÆRØ" and "Ærø" both become "ærø".
pub fn search_fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A key that sorts bytewise in Danish alphabet order: a–z, then æ, ø, å (mapped to the three
/// ASCII characters after 'z'); other letters with accents sort as their base letter.
pub fn sort_key(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' | 'ä' => '{',
            'ø' | 'ö' => '|',
            'å' => '}',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'á' | 'à' | 'â' => 'a',
            'ü' | 'ú' => 'u',
            'í' | 'ï' => 'i',
            'ó' | 'ô' => 'o',
            c => c,
        })
        .collect()
}

/// Escapes LIKE wildcards so user input matches literally (used with `ESCAPE '\'`).
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The trigram bits of a folded text: bit `h % 63` for every run of three bytes in it, where `h`
/// is the run's FNV-1a hash. A text that contains another contains all of its runs, so the
/// other's bits are a subset of its own: a search tests that with one AND of two integers
/// before it compares any text. Stored, so the hash must never change.
pub fn trigram_bits(folded: &str) -> i64 {
    folded.as_bytes().windows(3).fold(0, |bits, run| {
        let hash = run.iter().fold(0x811c_9dc5_u32, |h, &b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        bits | 1 << (hash % 63)
    })
}

/// The distinct runs of three bytes of a folded text, each as the number its bytes spell
/// (`b0 << 16 | b1 << 8 | b2`): the keys of the company search's postings (`company_trigrams`).
/// A text that contains another has all of its runs. Stored, so the encoding must never change.
pub fn trigrams(folded: &str) -> BTreeSet<i32> {
    folded
        .as_bytes()
        .windows(3)
        .map(|run| i32::from(run[0]) << 16 | i32::from(run[1]) << 8 | i32::from(run[2]))
        .collect()
}

/// The trigram bits a folded text does not have (of bits 0..=62), as `companies.search_missing`
/// keeps them: a row whose column was never filled in (0) is then turned down by no search.
pub fn missing_trigram_bits(folded: &str) -> i64 {
    i64::MAX & !trigram_bits(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_has_every_trigram_bit_of_its_parts() {
        let text = search_fold("Hansens Bageri & Café ApS Ærøskøbing 12345678");
        for part in ["bageri", "café", "ærø", "678", "s b", "hansens bageri"] {
            let bits = trigram_bits(part);
            assert_ne!(bits, 0, "{part}");
            assert_eq!(missing_trigram_bits(&text) & bits, 0, "{part}");
        }
        // Shorter than three bytes: no bits, so nothing is turned down.
        assert_eq!(trigram_bits("ba"), 0);
        // A word the text does not hold is turned down by at least one bit.
        assert_ne!(
            missing_trigram_bits(&text) & trigram_bits("vvs-installatør"),
            0
        );
    }

    proptest::proptest! {
        #[test]
        fn every_part_of_a_text_passes_its_trigram_test(text in "\\PC{0,60}", a in 0usize..60, len in 0usize..20) {
            let folded = search_fold(&text);
            let chars: Vec<char> = folded.chars().collect();
            let start = a.min(chars.len());
            let part: String = chars[start..(start + len).min(chars.len())].iter().collect();
            proptest::prop_assert_eq!(missing_trigram_bits(&folded) & trigram_bits(&part), 0);
            proptest::prop_assert!(trigrams(&part).is_subset(&trigrams(&folded)));
        }
    }

    #[test]
    fn trigrams_are_the_distinct_runs_of_three_bytes() {
        // Stored in company_trigrams: a change here needs a migration that rebuilds it.
        assert_eq!(
            trigrams("abcabc"),
            BTreeSet::from([0x616263, 0x626361, 0x636162])
        );
        assert!(trigrams("ab").is_empty());
        // Danish letters are two bytes each; their runs are kept as bytes.
        assert_eq!(trigrams("æø").len(), 2);
        let text = search_fold("Hansens Bageri ApS Ærøskøbing");
        assert!(trigrams("bageri").is_subset(&trigrams(&text)));
        assert!(trigrams("ærø").is_subset(&trigrams(&text)));
    }

    #[test]
    fn trigram_bits_are_stable() {
        // Stored in companies.search_missing: a change here needs a migration that refills it.
        assert_eq!(trigram_bits("abc"), 1 << 26);
        assert_eq!(missing_trigram_bits("").count_ones(), 63);
    }

    #[test]
    fn folding_is_case_insensitive_for_danish_letters() {
        assert_eq!(search_fold("ÆRØ Æbler ApS"), "ærø æbler aps");
        assert_eq!(search_fold("ærø"), search_fold("ÆRØ"));
    }

    #[test]
    fn danish_alphabet_order() {
        let mut names = vec![
            "Åbenrå Vinduer",
            "Zebra",
            "Østergaard",
            "Æblegården",
            "Aalborg",
            "Bager",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec![
                "Aalborg",
                "Bager",
                "Zebra",
                "Æblegården",
                "Østergaard",
                "Åbenrå Vinduer"
            ]
        );
    }

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
