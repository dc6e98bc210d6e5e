//! Text folding for search and sorting, the same on SQLite and PostgreSQL: both compare these
//! keys bytewise, so Rust decides how Danish letters fold and sort.

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

#[cfg(test)]
mod tests {
    use super::*;

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
