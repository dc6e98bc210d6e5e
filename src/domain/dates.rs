//! Dates as Danes write them, and ISO weeks ("uge 48").

use chrono::{Datelike, NaiveDate, Weekday};

/// Stored UTC time → Danish local time (CET/CEST).
pub fn local_time(utc: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    utc.and_utc()
        .with_timezone(&chrono_tz::Europe::Copenhagen)
        .naive_local()
}

/// Today's date in Denmark, for "today" in follow-ups and date defaults.
pub fn local_date(utc: chrono::NaiveDateTime) -> chrono::NaiveDate {
    local_time(utc).date()
}

/// The UTC time at which a Danish day begins, for comparing stored UTC times with local dates.
pub fn local_midnight_utc(d: NaiveDate) -> chrono::NaiveDateTime {
    use chrono::TimeZone;
    chrono_tz::Europe::Copenhagen
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map_or_else(|| d.and_time(chrono::NaiveTime::MIN), |t| t.naive_utc())
}

/// The UTC time of a Danish local time; in the hour skipped when clocks go forward, the time
/// an hour later.
pub fn utc_of_local(local: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::TimeZone;
    let tz = chrono_tz::Europe::Copenhagen;
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + chrono::TimeDelta::hours(1)))
                .earliest()
        })
        .map_or(local, |t| t.naive_utc())
}

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

/// The first day of the month of `d`.
pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d - chrono::Days::new(u64::from(d.day0()))
}

/// The first day of the month after the month that starts on `first` (year 9999's last
/// month included: chrono's calendar goes far beyond it).
pub fn next_month(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .expect("a month within chrono's calendar")
}

/// The Monday of ISO week `week` in ISO year `year`, if that week exists.
pub fn monday_of_week(year: i32, week: u32) -> Option<NaiveDate> {
    NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
}

/// What a period field holds: a date, or an ISO week ("uge 41", "41/2026", "2026-W41").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrWeek {
    Date(NaiveDate),
    /// The year is `None` when the user wrote only the week number.
    Week {
        week: u32,
        year: Option<i32>,
    },
}

pub fn parse_date_or_week(s: &str) -> Option<DateOrWeek> {
    if let Some(d) = parse_date(s) {
        return Some(DateOrWeek::Date(d));
    }
    let lower = s.trim().to_lowercase();
    // ISO 8601 week notation: 2026-W41 or 2026W41.
    if let Some((y, w)) = lower.split_once('w')
        && let (Ok(year), Ok(week)) = (y.trim_end_matches('-').parse::<i32>(), w.parse::<u32>())
        && (1000..=9999).contains(&year)
    {
        return (1..=53).contains(&week).then_some(DateOrWeek::Week {
            week,
            year: Some(year),
        });
    }
    let rest = lower
        .strip_prefix("uge")
        .or_else(|| lower.strip_prefix('u'))
        .or_else(|| lower.strip_prefix('w'))
        .unwrap_or(&lower);
    let numbers: Vec<&str> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let week = numbers
        .first()?
        .parse::<u32>()
        .ok()
        .filter(|w| (1..=53).contains(w))?;
    let year = match numbers.get(1) {
        None => None,
        Some(y) if y.len() == 4 => Some(y.parse().ok()?),
        Some(_) => return None,
    };
    if numbers.len() > 2 || rest.chars().any(|c| c.is_alphabetic()) {
        return None;
    }
    Some(DateOrWeek::Week { week, year })
}

/// Turns a period given as dates or weeks into dates: a start week begins on its Monday, an end
/// week ends on its Sunday. Weeks without a year take `default_year`; an end week before the
/// start week then belongs to the next year ("uge 50 til uge 3").
pub fn resolve_period(
    start: DateOrWeek,
    end: DateOrWeek,
    default_year: i32,
) -> Option<(NaiveDate, NaiveDate)> {
    let start_date = match start {
        DateOrWeek::Date(d) => d,
        DateOrWeek::Week { week, year } => monday_of_week(year.unwrap_or(default_year), week)?,
    };
    let end_date = match end {
        DateOrWeek::Date(d) => d,
        DateOrWeek::Week {
            week,
            year: Some(year),
        } => monday_of_week(year, week)? + chrono::Days::new(6),
        DateOrWeek::Week { week, year: None } => {
            let start_year = start_date.iso_week().year();
            let same_year = monday_of_week(start_year, week).map(|m| m + chrono::Days::new(6));
            match same_year {
                Some(sunday) if sunday >= start_date => sunday,
                _ => monday_of_week(start_year + 1, week)? + chrono::Days::new(6),
            }
        }
    };
    Some((start_date, end_date))
}

/// "uge 41–49" (or "uge 50 2026 – uge 3 2027" across a new year).
pub fn week_span(start: NaiveDate, end: NaiveDate) -> String {
    let (sw, ew) = (start.iso_week(), end.iso_week());
    if sw.year() == ew.year() {
        if sw.week() == ew.week() {
            format!("uge {}", sw.week())
        } else {
            format!("uge {}–{}", sw.week(), ew.week())
        }
    } else {
        format!(
            "uge {} {} – uge {} {}",
            sw.week(),
            sw.year(),
            ew.week(),
            ew.year()
        )
    }
}

/// The Mondays of the ISO weeks from `start` to `end`, in order.
pub fn weeks_between(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut monday = start - chrono::Days::new(u64::from(start.weekday().num_days_from_monday()));
    let mut weeks = Vec::new();
    while monday <= end && weeks.len() < 520 {
        weeks.push(monday);
        monday = monday + chrono::Days::new(7);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_start_on_their_first_day() {
        assert_eq!(first_of_month(d(2026, 11, 24)), d(2026, 11, 1));
        assert_eq!(first_of_month(d(2026, 11, 1)), d(2026, 11, 1));
        assert_eq!(first_of_month(d(2024, 2, 29)), d(2024, 2, 1));
        assert_eq!(next_month(d(2026, 11, 1)), d(2026, 12, 1));
        assert_eq!(next_month(d(2026, 12, 1)), d(2027, 1, 1));
        assert_eq!(next_month(d(9999, 12, 1)), d(10000, 1, 1));
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
    fn danish_dates_are_day_month_year_with_leading_zeros() {
        assert_eq!(dk_date(d(2026, 11, 23)), "23-11-2026");
        assert_eq!(dk_date(d(987, 12, 9)), "09-12-0987");
        assert_eq!(dk_date(d(2027, 2, 1)), "01-02-2027");
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
    fn periods_can_be_given_in_weeks() {
        let w = |s: &str| parse_date_or_week(s);
        assert_eq!(
            w("uge 41"),
            Some(DateOrWeek::Week {
                week: 41,
                year: None
            })
        );
        assert_eq!(
            w("Uge 41 2026"),
            Some(DateOrWeek::Week {
                week: 41,
                year: Some(2026)
            })
        );
        assert_eq!(
            w("41/2026"),
            Some(DateOrWeek::Week {
                week: 41,
                year: Some(2026)
            })
        );
        assert_eq!(
            w("2026-W41"),
            Some(DateOrWeek::Week {
                week: 41,
                year: Some(2026)
            })
        );
        assert_eq!(
            w("41"),
            Some(DateOrWeek::Week {
                week: 41,
                year: None
            })
        );
        assert_eq!(w("05-10-2026"), Some(DateOrWeek::Date(d(2026, 10, 5))));
        for bad in ["uge 54", "uge 0", "uge", "hello", "41 26", "uge 41 i år"] {
            assert_eq!(w(bad), None, "{bad}");
        }
        let week = |week, year| DateOrWeek::Week { week, year };
        // Weeks 41–49 of 2026: Monday 5 October to Sunday 6 December.
        assert_eq!(
            resolve_period(week(41, Some(2026)), week(49, None), 2025),
            Some((d(2026, 10, 5), d(2026, 12, 6)))
        );
        // Across the new year: week 50 of 2026 to week 3 of 2027.
        assert_eq!(
            resolve_period(week(50, None), week(3, None), 2026),
            Some((d(2026, 12, 7), d(2027, 1, 24)))
        );
        // Week 53 exists in 2026 but not in 2027.
        assert_eq!(
            resolve_period(week(53, Some(2026)), week(53, Some(2026)), 2026),
            Some((d(2026, 12, 28), d(2027, 1, 3)))
        );
        assert_eq!(
            resolve_period(week(53, Some(2027)), week(1, None), 2027),
            None
        );
        assert_eq!(week_span(d(2026, 10, 5), d(2026, 12, 6)), "uge 41–49");
        assert_eq!(
            week_span(d(2026, 12, 7), d(2027, 1, 24)),
            "uge 50 2026 – uge 3 2027"
        );
        assert_eq!(
            weeks_between(d(2026, 10, 7), d(2026, 10, 20)),
            vec![d(2026, 10, 5), d(2026, 10, 12), d(2026, 10, 19)]
        );
        // A campaign over new year in a 53-week year counts week 53.
        assert_eq!(weeks_between(d(2026, 12, 21), d(2027, 1, 10)).len(), 3);
    }

    #[test]
    fn weeks_end_on_sunday() {
        assert_eq!(end_of_week(d(2026, 11, 23)), d(2026, 11, 29));
        assert_eq!(end_of_week(d(2026, 11, 29)), d(2026, 11, 29));
    }
}
