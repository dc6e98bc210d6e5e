//! Keeps citizens' CPR numbers out of the system.
//!
//! The jobcenter's company service must never store a citizen's identity; placements refer to
//! citizens by a pseudonymous case reference. Free-text fields are therefore checked for
//! anything shaped like a CPR number: ten digits whose first six, DDMMYY, are a real calendar
//! date, written the ways people write them — `0101901234`, `010190-1234`, `010190 - 1234`,
//! `010190/1234`, `01-01-90-1234`, `01.01.90-1234`, `0101 90 1234` — with ASCII or full-width
//! digits and any of the dashes, spaces and slashes word processors and phones substitute.
//!
//! The check errs on the side of caution. The old modulus-11 check is deliberately not used,
//! because CPR numbers issued since 2007 need not pass it. As a consequence, any other
//! 10-digit number whose first six digits form a valid date is refused too — for example the
//! P-number 1012345678 (10-12-34). P-numbers belong in their own field, where this check is
//! not applied, so this only affects P-numbers typed into free text. Likewise six date-like
//! digits followed by one separator and four digits (a case reference "2026-011012" directly
//! followed by " 2026") are refused; the user can rephrase.
//!
//! The grouped forms (`01 01 90 1234`, `0101 90 1234`) and those with a wider gap
//! (`010190 - 1234`) count only when the groups stand alone: phone numbers written in pairs
//! (`+45 12 10 10 90`) or a list of numbers (`2026-011012 – 2026-11-23`) run on into more digit
//! groups and pass.

const MSG_CPR: &str = "Feltet ser ud til at indeholde et CPR-nummer. Borgeres CPR-numre må ikke \
                       skrives i systemet – brug sagsnummeret i stedet.";

/// What may stand between digit groups: dashes (with the look-alikes word processors put in:
/// hyphen, non-breaking hyphen, figure dash, en and em dash, minus), spaces (non-breaking,
/// thin, narrow), the slash and the full stop, and the full-width forms of these.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | ' ' | '/' | '.' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{2010}'
            ..='\u{2014}' | '\u{2212}' | '\u{3000}' | '\u{ff0d}' | '\u{ff0e}' | '\u{ff0f}'
    )
}

/// An ASCII or full-width digit's value.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{ff10}'..='\u{ff19}' => Some((c as u32 - 0xff10) as u8),
        _ => None,
    }
}

/// A run of digits: its byte range in the text and its digits' values.
struct Group {
    start: usize,
    end: usize,
    digits: Vec<u8>,
}

/// Digit groups joined by short runs of separators; `gaps[i]` is the number of separator
/// characters between `groups[i]` and `groups[i + 1]`.
#[derive(Default)]
struct Chain {
    groups: Vec<Group>,
    gaps: Vec<usize>,
}

/// The widest gap between the groups of one number ("010190 - 1234").
const MAX_GAP: usize = 3;

/// The chains of digit groups in `text`, in order.
fn chains(text: &str) -> Vec<Chain> {
    let mut chains = Vec::new();
    let mut chain = Chain::default();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(d) = digit(c) {
            let mut group = Group {
                start: i,
                end: i + c.len_utf8(),
                digits: vec![d],
            };
            while let Some(&(j, c)) = chars.peek() {
                let Some(d) = digit(c) else { break };
                group.digits.push(d);
                group.end = j + c.len_utf8();
                chars.next();
            }
            chain.groups.push(group);
            // Separators, then a digit: the chain goes on.
            let mut gap = 0;
            let mut ahead = chars.clone();
            while let Some(&(_, c)) = ahead.peek() {
                if !is_separator(c) {
                    break;
                }
                gap += 1;
                ahead.next();
            }
            let continues = (1..=MAX_GAP).contains(&gap)
                && ahead.peek().is_some_and(|&(_, c)| digit(c).is_some());
            if continues {
                chain.gaps.push(gap);
                chars = ahead;
            } else {
                chains.push(std::mem::take(&mut chain));
            }
        }
    }
    chains
}

/// How a CPR number is split into groups when it stands alone.
const GROUPINGS: [&[usize]; 3] = [&[6, 4], &[2, 2, 2, 4], &[4, 2, 4]];

/// Returns the byte range `(start, end)` (end exclusive) of the first CPR-like number in
/// `text`, or `None`.
///
/// A match is ten digits whose first six form a valid date DDMMYY: one run of exactly ten
/// digits, or six and four digits with one separator between them, wherever they stand; or a
/// chain of groups that is exactly six and four, two, two, two and four, or four, two and four
/// digits, joined by single separators but for a gap of up to three before the last four
/// ("01.01.90 - 1234"). A digit directly before or after a group makes
/// it another number (phone numbers with the country code written together, 11+ digits), but
/// letters do not ("cpr0101901234").
pub fn find_cpr(text: &str) -> Option<(usize, usize)> {
    for chain in chains(text) {
        let g = &chain.groups;
        for k in 0..g.len() {
            // One run of ten digits.
            if g[k].digits.len() == 10 && is_cpr(&g[k..=k]) {
                return Some((g[k].start, g[k].end));
            }
            // Six and four with one separator, as CPR numbers are usually written.
            if g[k].digits.len() == 6
                && chain.gaps.get(k) == Some(&1)
                && g.get(k + 1).is_some_and(|x| x.digits.len() == 4)
                && is_cpr(&g[k..k + 2])
            {
                return Some((g[k].start, g[k + 1].end));
            }
        }
        // A grouped form that is the whole chain, its groups joined by single separators but
        // for the gap before the last four digits.
        let lengths: Vec<usize> = g.iter().map(|x| x.digits.len()).collect();
        let single = chain
            .gaps
            .split_last()
            .is_some_and(|(_, inner)| inner.iter().all(|&n| n == 1));
        if GROUPINGS.contains(&lengths.as_slice()) && single && is_cpr(g) {
            return Some((g[0].start, g[g.len() - 1].end));
        }
    }
    None
}

/// Ten digits in `groups`, the first six a date.
fn is_cpr(groups: &[Group]) -> bool {
    let digits: Vec<u8> = groups
        .iter()
        .flat_map(|g| g.digits.iter().copied())
        .collect();
    digits.len() == 10 && is_date(&digits[..6])
}

/// Refuses free text that contains something shaped like a CPR number.
pub fn check_free_text(text: &str) -> Result<(), &'static str> {
    match find_cpr(text) {
        Some(_) => Err(MSG_CPR),
        None => Ok(()),
    }
}

/// True when six digit values DDMMYY form a calendar date in 19YY or 20YY (so 29 February is
/// allowed whenever YY is divisible by 4, including 00 for the year 2000).
fn is_date(ddmmyy: &[u8]) -> bool {
    let two = |k: usize| u32::from(ddmmyy[k]) * 10 + u32::from(ddmmyy[k + 1]);
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

    /// The digit values of ASCII digits.
    fn values(digits: &str) -> Vec<u8> {
        digits.bytes().map(|b| b - b'0').collect()
    }

    /// The same digits in their full-width forms, as some phone keyboards and PDFs give them.
    fn full_width(text: &str) -> String {
        text.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0xff10 + d).unwrap(),
                None => c,
            })
            .collect()
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
            "01 0190 1234",     // grouped as no one writes it
            "010190 - - 1234",  // a gap too wide
            "4501019012345678", // long digit run
        ] {
            assert!(!flagged(text), "{text}");
        }
    }

    #[test]
    fn finds_the_ways_people_write_them() {
        for text in [
            "01-01-90-1234",
            "010190 - 1234",
            "0101 90 1234",
            "010190/1234",
            "01.01.90-1234",
            "01 01 90 1234",
            "010190--1234",
            "010190  1234",
            "010190 \u{2013} 1234",
            "01\u{2011}01\u{2011}90\u{2011}1234",
            "０１０１９０－１２３４",
            "０１０１９０１２３４",
            "Borgeren (01.01.90-1234) ringede.",
        ] {
            let found = find_cpr(text).map(|(a, b)| &text[a..b]);
            assert!(found.is_some(), "{text}");
            // The whole number is reported, from its first digit to its last.
            let found = found.unwrap();
            assert!(
                found.starts_with(['0', '０']) && found.ends_with(['4', '４']),
                "{text}: {found}"
            );
        }
        assert_eq!(find_cpr("CPR 01.01.90-1234."), Some((4, 17)));
        assert_eq!(find_cpr("x ０１０１９０１２３４"), Some((2, 32)));
    }

    #[test]
    fn numbers_that_run_on_pass() {
        for text in [
            "+45 12 10 10 90",
            "Tlf. 12 10 10 90 12",
            "12 10 10 90 – 2026-11-23",
            "kl. 12:30 – 01.01.1990",
            "fra 10.30 - 12.11.2026",
            "Sag 2026-011012 – 2026-11-23",
            "1234 5678",
            "+45 1234 5678",
            "01.01.1990",
            "01.01.90 kl. 12.30",
        ] {
            assert_eq!(check_free_text(text), Ok(()), "{text}");
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
                    assert_eq!(is_date(&values(&s)), real_date(day, month, yy), "{s}");
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
            "(\\+45 )?[0-9]{4} [0-9]{4}",
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
            sep in prop::sample::select(vec!["", "-", " ", "/", ".", "\u{2013}", "\u{a0}"]),
            prefix in "[^0-9０-９]{0,10}",
            suffix in "([^0-9０-９].{0,10})?",
        ) {
            let cpr = format!("{day:02}{month:02}{yy:02}{sep}{last4}");
            let text = format!("{prefix}{cpr}{suffix}");
            let start = prefix.len();
            prop_assert_eq!(find_cpr(&text), Some((start, start + cpr.len())), "{:?}", text);
            prop_assert!(check_free_text(&text).is_err());
        }

        /// The grouped forms, with any gap of one to three separators, in ASCII or full-width
        /// digits, standing alone in text.
        #[test]
        fn grouped_forms_are_found(
            (day, month, yy) in valid_date(),
            last4 in "[0-9]{4}",
            grouping in prop::sample::select(vec![&[6usize, 4][..], &[2, 2, 2, 4], &[4, 2, 4]]),
            inner in prop::sample::select(vec![" ", "-", ".", "/", "\u{2013}", "\u{a0}", "\u{ff0d}"]),
            last_gap in prop::collection::vec(
                prop::sample::select(vec![" ", "-", ".", "/", "\u{2013}", "\u{a0}", "\u{ff0d}"]),
                1..=3,
            ),
            wide in any::<bool>(),
            prefix in "[^0-9０-９]{0,10}",
            suffix in "([a-zæøå,;:!?)][^0-9０-９]{0,10})?",
        ) {
            let digits = format!("{day:02}{month:02}{yy:02}{last4}");
            let mut cpr = String::new();
            let mut at = 0;
            for (i, n) in grouping.iter().enumerate() {
                if i + 1 == grouping.len() {
                    cpr.push_str(&last_gap.concat());
                } else if i > 0 {
                    cpr.push_str(inner);
                }
                cpr.push_str(&digits[at..at + n]);
                at += n;
            }
            let cpr = if wide { full_width(&cpr) } else { cpr };
            let text = format!("{prefix}{cpr}{suffix}");
            let start = prefix.len();
            prop_assert_eq!(find_cpr(&text), Some((start, start + cpr.len())), "{:?}", text);
        }

        #[test]
        fn invalid_dates_are_not_found(
            day in 0u32..100,
            month in 0u32..100,
            yy in 0u32..100,
            last4 in "[0-9]{4}",
            sep in prop::sample::select(vec!["", "-", " ", "/", ".", "\u{2013}"]),
            prefix in "[^0-9０-９]{0,10}",
            suffix in "([^0-9０-９][^0-9０-９]{0,10})?",
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
            prop_assume!(!is_date(&values(&p[..6])));
            let text = format!("P-nummer {p}");
            prop_assert_eq!(find_cpr(&text), None);
        }

        #[test]
        fn longer_digit_runs_pass(digits in "[0-9]{11,20}", prefix in "[^0-9０-９]{0,5}") {
            let text = format!("{prefix}{digits}");
            prop_assert_eq!(find_cpr(&text), None);
        }
    }
}
