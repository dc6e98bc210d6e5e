//! Small input rules shared by forms and the command line. Messages are Danish: they are
//! shown to the user next to the field.

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Why a password is refused. It reads as Danish on a page (`String::from`) and as English on
/// the command line (`Display`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
    TooEasy,
}

impl From<PasswordError> for String {
    fn from(e: PasswordError) -> String {
        match e {
            PasswordError::TooShort => "Adgangskoden skal være på mindst 10 tegn.",
            PasswordError::TooLong => "Adgangskoden må højst være på 256 tegn.",
            PasswordError::TooEasy => {
                "Adgangskoden er for let at gætte: den er almindelig eller et simpelt mønster. \
                 Vælg en anden, fx tre-fire tilfældige ord."
            }
        }
        .into()
    }
}

impl std::fmt::Display for PasswordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordError::TooShort | PasswordError::TooLong => write!(
                f,
                "the password must be {PASSWORD_MIN_CHARS}–{PASSWORD_MAX_CHARS} characters long"
            ),
            PasswordError::TooEasy => f.write_str(
                "the password is too easy to guess: a common password or a simple pattern",
            ),
        }
    }
}

/// Words a guesser tries first on this system, besides the common passwords zxcvbn knows.
const CONTEXT_WORDS: &[&str] = &["jobcenter", "jobcentret", "virksomhed", "kommune", "crm"];

/// Passwords: a minimum length, no composition rules (NIST SP 800-63B), and a maximum so
/// hashing cannot be used to tie up the server. As NIST asks, common and breached passwords,
/// dictionary words and repeated or sequential characters are refused: zxcvbn estimates the
/// guesses needed, and fewer than 10⁶ (its scores 0 and 1) is too few.
pub fn password(pw: &str) -> Result<(), PasswordError> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN_CHARS {
        Err(PasswordError::TooShort)
    } else if n > PASSWORD_MAX_CHARS {
        Err(PasswordError::TooLong)
    } else if zxcvbn::zxcvbn(pw, CONTEXT_WORDS).score() < zxcvbn::Score::Two {
        Err(PasswordError::TooEasy)
    } else {
        Ok(())
    }
}

/// Lower-cases and trims an e-mail address; logins compare addresses this way.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible address: one @, something before it, a dotted domain after it, no spaces.
pub fn email(email: &str) -> Result<(), &'static str> {
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if email.is_empty() {
        Err("Skriv e-mailadressen.")
    } else if valid {
        Ok(())
    } else {
        Err("Skriv en gyldig e-mailadresse, fx navn@firma.dk.")
    }
}

/// A required one-line text of at most `max` characters.
pub fn required(value: &str, max: usize, empty_msg: &'static str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        Err(empty_msg.to_string())
    } else if value.chars().count() > max {
        Err(format!("Må højst være på {max} tegn."))
    } else {
        Ok(())
    }
}

/// Danish municipality codes are three digits (101 København … 860 Hjørring).
pub fn municipality_code(code: &str) -> Result<(), &'static str> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("Kommunekoden skal være tre cifre, fx 259.")
    }
}

/// Slugs name a jobcenter in URLs such as /kontakt/{slug}.
pub fn slug(slug: &str) -> Result<(), &'static str> {
    let ok = (2..=60).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("Brug 2-60 små bogstaver (a-z), tal og bindestreger.")
    }
}

/// "Jobcenter Ærø-Øst" → "jobcenter-aeroe-oest".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ë' => out.push('e'),
            'ü' => out.push('u'),
            'ö' => out.push_str("oe"),
            'ä' => out.push_str("ae"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-')
                }
            }
        }
    }
    let trimmed = out.trim_end_matches('-');
    trimmed
        .chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_ten_characters() {
        assert!(password("kat7hus9b").is_err());
        assert!(password("kat7hus9bo").is_ok());
        assert!(password("grøn æble på stol").is_ok());
        assert!(password(&"x".repeat(257)).is_err());
    }

    #[test]
    fn common_and_patterned_passwords_are_refused() {
        for weak in [
            "1234567890",
            "password12",
            "          ",
            "qwertyuiop",
            "aaaaaaaaaaaa",
            "Jobcenter2026",
            "abcdefghij",
        ] {
            assert!(password(weak).is_err(), "{weak:?} was accepted");
        }
        for fine in [
            "hest lampe gulerod",
            "Korrekt-Hest-Batteri",
            "en helt ny adgangskode",
            // The benchmark's (bench/run.py).
            "benchmark-adgangskode",
        ] {
            assert!(password(fine).is_ok(), "{fine:?} was refused");
        }
    }

    #[test]
    fn emails() {
        assert!(email("anne@jobcenter.dk").is_ok());
        assert!(email("a.b+c@sub.kommune.dk").is_ok());
        for bad in [
            "",
            "anne",
            "anne@",
            "@x.dk",
            "anne@dk",
            "an ne@x.dk",
            "a@b@c.dk",
            "a@.dk",
            "a@x..dk",
        ] {
            assert!(email(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(normalize_email("  Anne@JobCenter.DK "), "anne@jobcenter.dk");
    }

    #[test]
    fn municipality_codes() {
        assert!(municipality_code("101").is_ok());
        assert!(municipality_code("1010").is_err());
        assert!(municipality_code("1a1").is_err());
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Jobcenter Ærø-Øst"), "jobcenter-aeroe-oest");
        assert_eq!(slugify("  Jobcenter   Køge!! "), "jobcenter-koege");
        assert!(slug(&slugify("Jobcenter Ærø")).is_ok());
        assert!(slug("-x").is_err());
        assert!(slug("Abc").is_err());
    }
}
