//! Keeps citizens' CPR numbers out of the system.
//!
//! The jobcenter's company service must never store a citizen's identity; placements refer to
//! citizens by a pseudonymous case reference. Free-text fields are therefore checked for
//! anything shaped like a CPR number: DDMMYY-XXXX, DDMMYY XXXX or DDMMYYXXXX where DDMMYY is
//! a real calendar date.
//!
//! The check errs on the side of caution. The old modulus-11 check is deliberately not used,
//! because CPR numbers issued since 2007 need not pass it. As a consequence, any other
//! 10-digit number whose first six digits form a valid date is refused too — for example the
//! P-number 1012345678 (10-12-34). P-numbers belong in their own field, where this check is
//! not applied, so this only affects P-numbers typed into free text. Likewise a six-digit
//! date-like run followed by a space and four digits (say a case reference "2026-011012"
//! directly followed by " 2026") is refused; the user can rephrase.

const MSG_CPR: &str = "Feltet ser ud til at indeholde et CPR-nummer. Borgeres CPR-numre må ikke \
                       skrives i systemet – brug sagsnummeret i stedet.";

/// What may stand between the date part and the last four digits. Besides the ASCII dash and
/// space this includes the look-alikes word processors substitute (non-breaking space,
/// hyphen, non-breaking hyphen, en dash), so copy-pasted numbers are caught as well.
const SEPARATORS: [&str; 6] = ["-", " ", "\u{a0}", "\u{2010}", "\u{2011}", "\u{2013}"];

/// Returns the byte range `(start, end)` (end exclusive) of the first CPR-like number in
/// `text`, or `None`.
///
/// A match is six digits forming a valid date DDMMYY, optionally one separator (a dash or a
/// space, or a typographic look-alike of either), and four digits. It must not be preceded or followed directly by a digit,
/// so longer digit runs (phone numbers with country code written together, 11+ digit numbers)
/// are not matched. Letters next to the number do not prevent a match ("cpr0101901234").
pub fn find_cpr(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // `i` starts a maximal run of ASCII digits.
        let run = digit_run(&bytes[i..]);
        let date_ok = run >= 6 && is_date(&bytes[i..i + 6]);
        if date_ok && run == 10 {
            return Some((i, i + 10));
        }
        if date_ok && run == 6 {
            // Digits are ASCII, so `i + 6` is a char boundary.
            let after = &text[i + 6..];
            for sep in SEPARATORS {
                if let Some(rest) = after.strip_prefix(sep)
                    && digit_run(rest.as_bytes()) == 4
                {
                    return Some((i, i + 6 + sep.len() + 4));
                }
            }
        }
        i += run;
    }
    None
}

/// Refuses free text that contains something shaped like a CPR number.
pub fn check_free_text(text: &str) -> Result<(), &'static str> {
    match find_cpr(text) {
        Some(_) => Err(MSG_CPR),
        None => Ok(()),
    }
}

/// Length of the run of ASCII digits at the start of `bytes`.
fn digit_run(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// True when six ASCII digits DDMMYY form a calendar date in 19YY or 20YY (so 29 February is
/// allowed whenever YY is divisible by 4, including 00 for the year 2000).
fn is_date(ddmmyy: &[u8]) -> bool {
    let two = |k: usize| u32::from(ddmmyy[k] - b'0') * 10 + u32::from(ddmmyy[k + 1] - b'0');
    let (day, month, year) = (two(0), two(2), two(4));
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn flagged(text: &str) -> bool {
        find_cpr(text).is_some()
    }

    /// Independent oracle for the date rule: a real date in 1900+YY or 2000+YY.
    fn real_date(day: u32, month: u32, yy: u32) -> bool {
        NaiveDate::from_ymd_opt(1900 + yy as i32, month, day).is_some()
            || NaiveDate::from_ymd_opt(2000 + yy as i32, month, day).is_some()
    }

    #[test]
    fn finds_cpr_forms() {
        assert_eq!(find_cpr("010190-1234"), Some((0, 11)));
        assert_eq!(find_cpr("0101901234"), Some((0, 10)));
        assert_eq!(find_cpr("010190 1234"), Some((0, 11)));
        assert_eq!(find_cpr("Borger 311299-9999 ringede"), Some((7, 18)));
        assert_eq!(find_cpr("cpr:2902001234."), Some((4, 14)));
        assert_eq!(find_cpr("cpr0101901234"), Some((3, 13)));
        // Multi-byte text before the number: the range is in bytes.
        assert_eq!(find_cpr("Søren Ærø 010190-1234"), Some((13, 24)));
        // Word-processor look-alikes.
        assert_eq!(find_cpr("010190\u{2013}1234"), Some((0, 13)));
        assert_eq!(find_cpr("010190\u{a0}1234"), Some((0, 12)));
        // The first of several is reported.
        assert_eq!(find_cpr("0101901234 og 0202021234"), Some((0, 10)));
        // Leap day: 29 Feb in a year divisible by 4 (and 2000).
        assert!(flagged("290204-1234"));
        assert!(flagged("290200-1234"));
        // No modulus-11 check: 010190-1235 would fail it, but is still flagged.
        assert!(flagged("010190-1235"));
    }

    #[test]
    fn invalid_dates_pass() {
        for text in [
            "011390-1234", // month 13
            "320190-1234", // day 32
            "310490-1234", // 31 April
            "300290-1234", // 30 February
            "290201-1234", // 29 February, not a leap year
            "000190-1234", // day 0
            "010090-1234", // month 0
        ] {
            assert!(!flagged(text), "{text}");
        }
    }

    #[test]
    fn wrong_shapes_pass() {
        for text in [
            "010190-123",       // too few digits after the dash
            "010190-12345",     // too many
            "01019012345",      // 11 digits
            "101019012345",     // 12 digits
            "x01019012345x",    // 11 digits inside text
            "010190--1234",     // two separators
            "010190  1234",     // two spaces
            "01 01 90 1234",    // grouped differently
            "010190/1234",      // slash is not a separator here
            "4501019012345678", // long digit run
        ] {
            assert!(!flagged(text), "{text}");
        }
    }

    #[test]
    fn everyday_numbers_pass() {
        for text in [
            "Ring på +45 12 34 56 78 eller 12345678.",
            "Tlf. 12 34 56 78",
            "+4512345678",
            "CVR 10150817, P-nr. 1000123456",
            "Møde 2026-11-23 kl. 08:30",
            "Opfølgning 23-11-2026 og 23.11.2026",
            "Sag SAG-2026-004512 og 2026-004512",
            "Beløb 1.234,50 kr. og 12.345.678,00 kr.",
            "Postnr. 4600 Køge, 37,5 timer om ugen",
            "Uge 48 2026",
            "",
        ] {
            assert_eq!(check_free_text(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn p_number_that_looks_like_a_date_is_refused() {
        // Documented caution: 1012345678 starts with 10-12-34, a valid date.
        assert!(flagged("P-nr. 1012345678"));
        // 1013345678 does not (month 13).
        assert!(!flagged("P-nr. 1013345678"));
    }

    #[test]
    fn message_is_danish() {
        assert_eq!(
            check_free_text("Borgerens cpr er 010190-1234"),
            Err(
                "Feltet ser ud til at indeholde et CPR-nummer. Borgeres CPR-numre må ikke skrives i systemet – brug sagsnummeret i stedet."
            )
        );
    }

    #[test]
    fn date_rule_matches_chrono_exhaustively() {
        for day in 0..100 {
            for month in 0..100 {
                for yy in 0..100 {
                    let s = format!("{day:02}{month:02}{yy:02}");
                    assert_eq!(is_date(s.as_bytes()), real_date(day, month, yy), "{s}");
                }
            }
        }
    }

    /// A valid (day, month, yy).
    fn valid_date() -> impl Strategy<Value = (u32, u32, u32)> {
        (1u32..=12, 0u32..=99).prop_flat_map(|(month, yy)| {
            let days: u32 = match month {
                2 if yy.is_multiple_of(4) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            (1u32..=days, Just(month), Just(yy))
        })
    }

    /// Items of ordinary text that must never be flagged.
    fn harmless_item() -> impl Strategy<Value = String> {
        prop_oneof![
            // Phone numbers.
            "(\\+45 ?)?[0-9]{8}",
            "(\\+45 )?[0-9]{2} [0-9]{2} [0-9]{2} [0-9]{2}",
            // CVR numbers.
            "[1-9][0-9]{7}",
            // ISO dates and Danish dates.
            "(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]",
            "[0-3][0-9][-.][01][0-9][-.](19|20)[0-9]{2}",
            // Case references.
            "(SAG-)?20[0-9]{2}-[0-9]{6}",
            // Amounts and times.
            "[1-9][0-9]{0,2}(\\.[0-9]{3}){0,2},[0-9]{2}",
            "[0-2][0-9]:[0-5][0-9]",
            // Words, including Danish letters.
            "[a-zA-ZæøåÆØÅ .,:()]{1,12}",
        ]
    }

    proptest! {
        #[test]
        fn valid_dates_are_found_in_text(
            (day, month, yy) in valid_date(),
            last4 in "[0-9]{4}",
            sep in prop::sample::select(vec!["", "-", " "]),
            prefix in "[^0-9]{0,10}",
            suffix in "([^0-9].{0,10})?",
        ) {
            let cpr = format!("{day:02}{month:02}{yy:02}{sep}{last4}");
            let text = format!("{prefix}{cpr}{suffix}");
            let start = prefix.len();
            prop_assert_eq!(find_cpr(&text), Some((start, start + cpr.len())), "{:?}", text);
            prop_assert!(check_free_text(&text).is_err());
        }

        #[test]
        fn invalid_dates_are_not_found(
            day in 0u32..100,
            month in 0u32..100,
            yy in 0u32..100,
            last4 in "[0-9]{4}",
            sep in prop::sample::select(vec!["", "-", " "]),
            prefix in "[^0-9]{0,10}",
            suffix in "([^0-9][^0-9]{0,10})?",
        ) {
            prop_assume!(!real_date(day, month, yy));
            let text = format!("{prefix}{day:02}{month:02}{yy:02}{sep}{last4}{suffix}");
            prop_assert_eq!(find_cpr(&text), None, "{:?}", text);
        }

        #[test]
        fn everyday_text_passes(
            items in prop::collection::vec(harmless_item(), 1..8),
            joiner in prop::sample::select(vec![", ", " og ", "; ", "\n", " – "]),
        ) {
            let text = items.join(joiner);
            prop_assert_eq!(check_free_text(&text), Ok(()), "{:?}", text);
        }

        #[test]
        fn p_numbers_without_date_prefix_pass(p in "[0-9]{10}") {
            prop_assume!(!is_date(&p.as_bytes()[..6]));
            let text = format!("P-nummer {p}");
            prop_assert_eq!(find_cpr(&text), None);
        }

        #[test]
        fn longer_digit_runs_pass(digits in "[0-9]{11,20}", prefix in "[^0-9]{0,5}") {
            let text = format!("{prefix}{digits}");
            prop_assert_eq!(find_cpr(&text), None);
        }
    }
}
