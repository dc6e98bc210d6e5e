//! Danish business numbers as people type them: CVR numbers (company register), P-numbers
//! (production units) and postcodes. Functions return the normalized form to store, or a
//! Danish message to show next to the form field.

/// Weights of the CVR modulus-11 check, one per digit.
const CVR_WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];

const MSG_CVR_LENGTH: &str = "CVR-nummeret skal være 8 cifre.";
const MSG_CVR_LEADING_ZERO: &str = "CVR-nummeret kan ikke begynde med 0.";
const MSG_CVR_CHECKSUM: &str = "CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke).";
const MSG_P_NUMBER: &str = "P-nummeret skal være 10 cifre.";
const MSG_POSTCODE: &str = "Postnummeret skal være 4 cifre, fx 4600.";

/// Normalizes a typed CVR number to its 8 digits.
///
/// Accepts surrounding and inner whitespace ("12 34 56 78") and an optional "DK" prefix in
/// any case, optionally followed by a space or a dash ("DK12345678", "dk-12345678"), since
/// that is how the number appears on invoices (as the VAT number).
pub fn normalize_cvr(input: &str) -> Result<String, &'static str> {
    let mut rest = input.trim();
    if rest.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("dk")) {
        rest = rest[2..].trim_start();
        rest = rest.strip_prefix('-').unwrap_or(rest);
    }
    let digits: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MSG_CVR_LENGTH);
    }
    if digits.starts_with('0') {
        return Err(MSG_CVR_LEADING_ZERO);
    }
    if !is_valid_cvr(&digits) {
        return Err(MSG_CVR_CHECKSUM);
    }
    Ok(digits)
}

/// True when `digits` is an already-normalized CVR number: exactly 8 ASCII digits, the first
/// not 0, and the weighted digit sum divisible by 11.
pub fn is_valid_cvr(digits: &str) -> bool {
    digits.len() == 8
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && weighted_sum(digits.bytes().map(|b| u32::from(b - b'0'))).is_multiple_of(11)
}

/// Normalizes a P-number (production unit number): 10 digits once spaces are removed.
/// P-numbers have no check digit, so nothing more can be verified here.
pub fn normalize_p_number(input: &str) -> Result<String, &'static str> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(MSG_P_NUMBER)
    }
}

/// Normalizes a Danish postcode: 4 digits, 1000–9999.
pub fn normalize_postcode(input: &str) -> Result<String, &'static str> {
    let code = input.trim();
    if code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit()) && !code.starts_with('0') {
        Ok(code.to_string())
    } else {
        Err(MSG_POSTCODE)
    }
}

/// Completes a 7-digit prefix (1_000_000..=9_999_999) with the check digit that makes it a
/// valid CVR number. Returns `None` for prefixes out of range and for prefixes where the
/// check digit would have to be 10 (such prefixes are never issued).
pub fn complete_cvr(first7: u32) -> Option<String> {
    if !(1_000_000..=9_999_999).contains(&first7) {
        return None;
    }
    let prefix = first7.to_string();
    let sum = weighted_sum(prefix.bytes().map(|b| u32::from(b - b'0')));
    // The last weight is 1, so the check digit is whatever brings the sum up to a multiple of 11.
    let check = (11 - sum % 11) % 11;
    if check == 10 {
        None
    } else {
        Some(format!("{prefix}{check}"))
    }
}

/// Sum of the digits multiplied by the CVR weights (extra digits beyond 8 are ignored).
fn weighted_sum(digits: impl Iterator<Item = u32>) -> u32 {
    digits.zip(CVR_WEIGHTS).map(|(d, w)| d * w).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Straightforward reference implementation of the check used by the property tests.
    fn reference_sum(s: &str) -> u32 {
        s.bytes()
            .zip([2u32, 7, 6, 5, 4, 3, 2, 1])
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum()
    }

    #[test]
    fn checksum_examples() {
        // 10150817: 2+0+6+25+0+24+2+7 = 66 = 6 * 11.
        assert!(is_valid_cvr("10150817"));
        // 61126228: 12+7+6+10+24+6+4+8 = 77 = 7 * 11.
        assert!(is_valid_cvr("61126228"));
        // 25313763: 4+35+18+5+12+21+12+3 = 110 = 10 * 11.
        assert!(is_valid_cvr("25313763"));
        // 29189846: 4+63+6+40+36+24+8+6 = 187 = 17 * 11.
        assert!(is_valid_cvr("29189846"));
        // 12345678: 2+14+18+20+20+18+14+8 = 114, remainder 4.
        assert!(!is_valid_cvr("12345678"));
        // 10150818: 67, remainder 1 (last digit of a valid number changed).
        assert!(!is_valid_cvr("10150818"));
    }

    #[test]
    fn is_valid_cvr_rejects_wrong_shapes() {
        assert!(!is_valid_cvr(""));
        assert!(!is_valid_cvr("1015081"));
        assert!(!is_valid_cvr("101508170"));
        assert!(!is_valid_cvr("1015081x"));
        assert!(!is_valid_cvr(" 10150817"));
        // All zeros passes the sum but starts with 0.
        assert!(!is_valid_cvr("00000000"));
    }

    #[test]
    fn normalize_cvr_accepts_typed_forms() {
        for input in [
            "10150817",
            " 10150817 ",
            "10 15 08 17",
            "1015 0817",
            "DK10150817",
            "dk10150817",
            "Dk 10150817",
            "DK-10150817",
            "DK - 10 15 08 17",
            "\t10150817\n",
        ] {
            assert_eq!(
                normalize_cvr(input),
                Ok("10150817".to_string()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn normalize_cvr_messages() {
        assert_eq!(normalize_cvr(""), Err(MSG_CVR_LENGTH));
        assert_eq!(normalize_cvr("1015081"), Err(MSG_CVR_LENGTH));
        assert_eq!(normalize_cvr("10-15-08-17"), Err(MSG_CVR_LENGTH));
        assert_eq!(normalize_cvr("SE10150817"), Err(MSG_CVR_LENGTH));
        assert_eq!(normalize_cvr("１０１５０８１７"), Err(MSG_CVR_LENGTH));
        assert_eq!(normalize_cvr("00000000"), Err(MSG_CVR_LEADING_ZERO));
        assert_eq!(normalize_cvr("10150818"), Err(MSG_CVR_CHECKSUM));
    }

    #[test]
    fn complete_cvr_examples() {
        assert_eq!(complete_cvr(1_015_081).as_deref(), Some("10150817"));
        assert_eq!(complete_cvr(2_531_376).as_deref(), Some("25313763"));
        assert_eq!(complete_cvr(999_999), None);
        assert_eq!(complete_cvr(10_000_000), None);
        // 1000001: 2 + 2 = 4, needs check digit 7.
        assert_eq!(complete_cvr(1_000_001).as_deref(), Some("10000017"));
        // 1000004: 2 + 8 = 10, would need check digit 1 -> "10000041".
        assert_eq!(complete_cvr(1_000_004).as_deref(), Some("10000041"));
        // 1000000: sum 2, check digit 9.
        assert_eq!(complete_cvr(1_000_000).as_deref(), Some("10000009"));
        // 1000005: 2 + 10 = 12, remainder 1, check digit would be 10.
        assert_eq!(complete_cvr(1_000_005), None);
    }

    #[test]
    fn p_numbers() {
        assert_eq!(
            normalize_p_number("1012345678"),
            Ok("1012345678".to_string())
        );
        assert_eq!(
            normalize_p_number(" 10 1234 5678 "),
            Ok("1012345678".to_string())
        );
        assert_eq!(normalize_p_number("101234567"), Err(MSG_P_NUMBER));
        assert_eq!(normalize_p_number("10123456789"), Err(MSG_P_NUMBER));
        assert_eq!(normalize_p_number("10-1234-5678"), Err(MSG_P_NUMBER));
        assert_eq!(normalize_p_number(""), Err(MSG_P_NUMBER));
    }

    #[test]
    fn postcodes() {
        assert_eq!(normalize_postcode("4600"), Ok("4600".to_string()));
        assert_eq!(normalize_postcode(" 1000 "), Ok("1000".to_string()));
        assert_eq!(normalize_postcode("9999"), Ok("9999".to_string()));
        assert_eq!(normalize_postcode("0800"), Err(MSG_POSTCODE));
        assert_eq!(normalize_postcode("460"), Err(MSG_POSTCODE));
        assert_eq!(normalize_postcode("46000"), Err(MSG_POSTCODE));
        assert_eq!(normalize_postcode("46 00"), Err(MSG_POSTCODE));
        assert_eq!(normalize_postcode("DK-4600"), Err(MSG_POSTCODE));
        assert_eq!(normalize_postcode(""), Err(MSG_POSTCODE));
    }

    #[test]
    fn every_weight_is_nonzero_mod_11() {
        // Why a single changed digit is always caught: the sum changes by w * delta with
        // 1 <= |delta| <= 9, and 11 is prime, so that is a multiple of 11 only if w is.
        assert!(CVR_WEIGHTS.iter().all(|w| !w.is_multiple_of(11)));
    }

    proptest! {
        #[test]
        fn completed_cvrs_are_valid(first7 in 1_000_000u32..=9_999_999) {
            if let Some(cvr) = complete_cvr(first7) {
                prop_assert!(is_valid_cvr(&cvr));
                prop_assert!(cvr.starts_with(&first7.to_string()));
                prop_assert_eq!(normalize_cvr(&cvr), Ok(cvr.clone()));
            } else {
                // No digit works: all ten candidates must be invalid.
                for d in 0..10 {
                    let candidate = format!("{first7}{d}");
                    prop_assert!(!is_valid_cvr(&candidate));
                }
            }
        }

        #[test]
        fn single_digit_change_is_detected(
            first7 in 1_000_000u32..=9_999_999,
            pos in 0usize..8,
            new_digit in 0u8..10,
        ) {
            if let Some(cvr) = complete_cvr(first7) {
                let mut bytes = cvr.clone().into_bytes();
                prop_assume!(bytes[pos] != b'0' + new_digit);
                bytes[pos] = b'0' + new_digit;
                let changed = String::from_utf8(bytes).unwrap();
                prop_assert!(!is_valid_cvr(&changed), "{} -> {}", cvr, changed);
            }
        }

        #[test]
        fn formatted_variants_normalize(
            first7 in 1_000_000u32..=9_999_999,
            prefix in prop::sample::select(vec!["", "DK", "dk", "Dk", "DK ", "DK-", "dk - "]),
            grouped in any::<bool>(),
            pad_left in "[ \t]{0,3}",
            pad_right in "[ \t]{0,3}",
        ) {
            if let Some(cvr) = complete_cvr(first7) {
                let body = if grouped {
                    format!("{} {} {} {}", &cvr[0..2], &cvr[2..4], &cvr[4..6], &cvr[6..8])
                } else {
                    cvr.clone()
                };
                let typed = format!("{pad_left}{prefix}{body}{pad_right}");
                prop_assert_eq!(normalize_cvr(&typed), Ok(cvr));
            }
        }

        #[test]
        fn random_eight_digits_follow_the_rule(s in "[0-9]{8}") {
            let expected = reference_sum(&s).is_multiple_of(11) && !s.starts_with('0');
            prop_assert_eq!(is_valid_cvr(&s), expected);
            prop_assert_eq!(normalize_cvr(&s).is_ok(), expected);
        }

        #[test]
        fn postcodes_in_range_are_accepted(n in 1000u32..=9999) {
            prop_assert_eq!(normalize_postcode(&n.to_string()), Ok(n.to_string()));
        }
    }
}
