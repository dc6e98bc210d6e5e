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

/// Visitor-written text made safe to repeat in a mail: on one line, at most `max_chars`
/// characters, and with its links defanged ("https://evil.dk" becomes "hxxps[:]//evil[.]dk"),
/// so a mail program shows no link to click.
pub fn defang(s: &str, max_chars: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(one_line.len());
    let mut chars = one_line.chars().take(max_chars).peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' if chars.peek().is_some_and(|n| n.is_alphanumeric()) => out.push_str("[.]"),
            ':' if chars.peek() == Some(&'/') => out.push_str("[:]"),
            '@' => out.push_str("[at]"),
            c => out.push(c),
        }
    }
    out.replace("http", "hxxp").replace("HTTP", "HXXP")
}

/// 12345 → "12.345", as Danish writes numbers.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
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

    #[test]
    fn links_are_defanged_and_text_kept_on_one_line() {
        assert_eq!(defang("Bager Jensen A/S", 80), "Bager Jensen A/S");
        assert_eq!(
            defang("Vind! https://evil.example/x\nKlik her", 80),
            "Vind! hxxps[:]//evil[.]example/x Klik her"
        );
        assert_eq!(defang("Firma.dk ApS. Tak.", 80), "Firma[.]dk ApS. Tak.");
        assert_eq!(defang("a@b.dk", 80), "a[at]b[.]dk");
        assert_eq!(defang(&"x".repeat(200), 80).chars().count(), 80);
    }
}
