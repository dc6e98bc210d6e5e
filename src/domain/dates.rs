//! Dates as Danes write them, and ISO weeks ("uge 48").

use chrono::{Datelike, NaiveDate, Weekday};

/// Reads "2026-11-23" (what `<input type="date">` sends) and "23-11-2026", "23.11.2026" or
/// "23/11/2026" (what people type).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
}

/// 2026-11-23 → "23-11-2026".
pub fn dk_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// The ISO week number: 2026-11-23 is in week 48.
pub fn iso_week(d: NaiveDate) -> u32 {
    d.iso_week().week()
}

/// The Sunday that ends the ISO week of `d`.
pub fn end_of_week(d: NaiveDate) -> NaiveDate {
    let days_left = 6 - d.weekday().num_days_from_monday();
    d + chrono::Days::new(u64::from(days_left))
}

/// The Monday of ISO week `week` in ISO year `year`, if that week exists.
pub fn monday_of_week(year: i32, week: u32) -> Option<NaiveDate> {
    NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn danish_and_iso_dates_are_read() {
        for s in [
            "2026-11-23",
            "23-11-2026",
            "23.11.2026",
            "23/11/2026",
            " 23-11-2026 ",
        ] {
            assert_eq!(parse_date(s), Some(d(2026, 11, 23)), "{s}");
        }
        for s in ["", "31-02-2026", "2026-13-01", "i morgen", "23-11-26"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(dk_date(d(2026, 1, 5)), "05-01-2026");
    }

    #[test]
    fn iso_weeks_at_the_edges_of_the_year() {
        assert_eq!(iso_week(d(2026, 11, 23)), 48);
        // 2026 has 53 weeks; 1 January 2027 is still in week 53.
        assert_eq!(iso_week(d(2026, 12, 31)), 53);
        assert_eq!(iso_week(d(2027, 1, 1)), 53);
        assert_eq!(iso_week(d(2027, 1, 4)), 1);
        // 29 December 2025 belongs to week 1 of 2026.
        assert_eq!(iso_week(d(2025, 12, 29)), 1);
        assert_eq!(monday_of_week(2026, 41), Some(d(2026, 10, 5)));
        assert_eq!(monday_of_week(2026, 53), Some(d(2026, 12, 28)));
        assert_eq!(monday_of_week(2025, 53), None);
    }

    #[test]
    fn weeks_end_on_sunday() {
        assert_eq!(end_of_week(d(2026, 11, 23)), d(2026, 11, 29));
        assert_eq!(end_of_week(d(2026, 11, 29)), d(2026, 11, 29));
    }
}
