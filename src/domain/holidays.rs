//! Danish public holidays (helligdage), Easter computed, and the days a jobcenter may add
//! (grundlovsdag, juleaftensdag, nytårsaftensdag, its own closing days). Store bededag was a
//! holiday until 2023 and is not from 2024.

use chrono::{Datelike, Days, NaiveDate};

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a real date")
}

/// The public holidays of `year` with their Danish names, in date order.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let easter = easter_sunday(year);
    let from_easter = |days: i64| {
        if days < 0 {
            easter - Days::new(days.unsigned_abs())
        } else {
            easter + Days::new(days as u64)
        }
    };
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a fixed holiday");
    let mut days = vec![
        (date(1, 1), "nytårsdag"),
        (from_easter(-3), "skærtorsdag"),
        (from_easter(-2), "langfredag"),
        (easter, "påskedag"),
        (from_easter(1), "2. påskedag"),
        (from_easter(39), "Kristi himmelfartsdag"),
        (from_easter(49), "pinsedag"),
        (from_easter(50), "2. pinsedag"),
        (date(12, 25), "juledag"),
        (date(12, 26), "2. juledag"),
    ];
    if year <= 2023 {
        days.push((from_easter(26), "store bededag"));
    }
    days.sort();
    days
}

/// Whether `day` is a Danish public holiday. Called for every day of every waiting time the
/// figures count, so it compares offsets from Easter instead of building the year's list.
pub fn is_public_holiday(day: NaiveDate) -> bool {
    match (day.month(), day.day()) {
        (1, 1) | (12, 25) | (12, 26) => return true,
        // Easter-bound holidays fall between 19 March and 14 June.
        (3, 19..) | (4, _) | (5, _) | (6, ..=14) => {}
        _ => return false,
    }
    let from_easter = (day - easter_sunday(day.year())).num_days();
    matches!(from_easter, -3 | -2 | 0 | 1 | 39 | 49 | 50)
        || (from_easter == 26 && day.year() <= 2023)
}

/// The days a jobcenter may choose to keep closed besides the public holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClosingDays {
    /// Grundlovsdag, 5 June.
    pub constitution_day: bool,
    /// Juleaftensdag, 24 December.
    pub christmas_eve: bool,
    /// Nytårsaftensdag, 31 December.
    pub new_years_eve: bool,
    /// Its own closing days, sorted.
    pub dates: Vec<NaiveDate>,
}

impl ClosingDays {
    pub fn contains(&self, day: NaiveDate) -> bool {
        let (m, d) = (day.month(), day.day());
        (self.constitution_day && (m, d) == (6, 5))
            || (self.christmas_eve && (m, d) == (12, 24))
            || (self.new_years_eve && (m, d) == (12, 31))
            || self.dates.binary_search(&day).is_ok()
    }

    /// The own closing days as stored: ISO dates separated by commas.
    pub fn encode_dates(dates: &[NaiveDate]) -> String {
        dates
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads what `encode_dates` writes; what cannot be read is left out.
    pub fn decode_dates(stored: &str) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = stored
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        dates.sort();
        dates.dedup();
        dates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_2024_to_2030() {
        let known = [
            (2024, d(2024, 3, 31)),
            (2025, d(2025, 4, 20)),
            (2026, d(2026, 4, 5)),
            (2027, d(2027, 3, 28)),
            (2028, d(2028, 4, 16)),
            (2029, d(2029, 4, 1)),
            (2030, d(2030, 4, 21)),
        ];
        for (year, easter) in known {
            assert_eq!(easter_sunday(year), easter, "{year}");
        }
    }

    #[test]
    fn the_holidays_of_2026() {
        let days: Vec<NaiveDate> = public_holidays(2026).iter().map(|(d, _)| *d).collect();
        assert_eq!(
            days,
            [
                d(2026, 1, 1),
                d(2026, 4, 2),
                d(2026, 4, 3),
                d(2026, 4, 5),
                d(2026, 4, 6),
                d(2026, 5, 14),
                d(2026, 5, 24),
                d(2026, 5, 25),
                d(2026, 12, 25),
                d(2026, 12, 26),
            ]
        );
    }

    #[test]
    fn the_quick_check_agrees_with_the_list() {
        let mut day = d(2015, 1, 1);
        while day < d(2035, 1, 1) {
            let listed = public_holidays(day.year()).iter().any(|(h, _)| *h == day);
            assert_eq!(is_public_holiday(day), listed, "{day}");
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn store_bededag_ended_with_2023() {
        assert!(is_public_holiday(d(2023, 5, 5)));
        assert!(!is_public_holiday(d(2024, 4, 26)));
    }

    #[test]
    fn a_jobcenter_adds_its_own_days() {
        let closed = ClosingDays {
            constitution_day: true,
            christmas_eve: false,
            new_years_eve: true,
            dates: ClosingDays::decode_dates("2026-05-15, x, 2026-05-15"),
        };
        assert!(closed.contains(d(2026, 6, 5)));
        assert!(!closed.contains(d(2026, 12, 24)));
        assert!(closed.contains(d(2027, 12, 31)));
        assert!(closed.contains(d(2026, 5, 15)));
        assert_eq!(ClosingDays::encode_dates(&closed.dates), "2026-05-15");
    }
}
