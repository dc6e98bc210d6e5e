//! The periods a jobcenter reports in: half-years (the committee's unit), quarters, years and
//! a range of whole months. A period knows its neighbours (the one before, the same one a year
//! earlier), its Danish name, its form in a URL and the keys of the overview's counters.

use chrono::{Datelike, Months, NaiveDate};

/// How a period was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Half,
    Quarter,
    Year,
    /// From one month to another, both included.
    Months,
}

impl Unit {
    /// The URL value of the period picker.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Half => "half",
            Unit::Quarter => "quarter",
            Unit::Year => "year",
            Unit::Months => "months",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Half => "Halvår",
            Unit::Quarter => "Kvartal",
            Unit::Year => "År",
            Unit::Months => "Egen periode",
        }
    }
}

/// The longest range of months the overview counts (its months are read one by one).
pub const MAX_MONTHS: u32 = 36;

const MONTH_NAMES: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// A run of whole months: `months` months from the first day `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub unit: Unit,
    pub first: NaiveDate,
    pub months: u32,
}

impl Period {
    fn new(unit: Unit, year: i32, month: u32, months: u32) -> Option<Period> {
        if !(1900..=2200).contains(&year) {
            return None;
        }
        Some(Period {
            unit,
            first: NaiveDate::from_ymd_opt(year, month, 1)?,
            months,
        })
    }

    /// The first (1) or second (2) half of a year.
    pub fn half(year: i32, half: u32) -> Option<Period> {
        matches!(half, 1 | 2)
            .then(|| Period::new(Unit::Half, year, half * 6 - 5, 6))
            .flatten()
    }

    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        (1..=4)
            .contains(&quarter)
            .then(|| Period::new(Unit::Quarter, year, quarter * 3 - 2, 3))
            .flatten()
    }

    pub fn year(year: i32) -> Option<Period> {
        Period::new(Unit::Year, year, 1, 12)
    }

    /// The months from `from` to `to`, both included (any day of each month will do).
    pub fn months(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        let index = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        let months = u32::try_from(index(to) - index(from) + 1).ok()?;
        if months == 0 || months > MAX_MONTHS {
            return None;
        }
        Period::new(Unit::Months, from.year(), from.month(), months)
    }

    /// The half-year, quarter or year a day falls in (a month, for a range of months).
    pub fn containing(unit: Unit, day: NaiveDate) -> Period {
        let (y, m) = (day.year(), day.month());
        match unit {
            Unit::Half => Period::half(y, m.div_ceil(6)),
            Unit::Quarter => Period::quarter(y, m.div_ceil(3)),
            Unit::Year => Period::year(y),
            Unit::Months => Period::months(day, day),
        }
        .expect("a date's own period exists")
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        self.shifted_back(self.months)
    }

    /// The same period a year earlier.
    pub fn year_before(&self) -> Period {
        self.shifted_back(12)
    }

    /// The period of the same length just after this one.
    pub fn next(&self) -> Period {
        Period {
            first: self.first + Months::new(self.months),
            ..*self
        }
    }

    fn shifted_back(&self, months: u32) -> Period {
        Period {
            first: self.first - Months::new(months),
            ..*self
        }
    }

    /// The first day after the period.
    pub fn end(&self) -> NaiveDate {
        self.first + Months::new(self.months)
    }

    /// The period's last day.
    pub fn last_day(&self) -> NaiveDate {
        self.end()
            .pred_opt()
            .expect("a day before the period's end")
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first <= day && day < self.end()
    }

    fn half_number(&self) -> u32 {
        self.first.month().div_ceil(6)
    }

    fn quarter_number(&self) -> u32 {
        self.first.month().div_ceil(3)
    }

    /// The key of the overview's counters for the period as a whole, when it has one: a
    /// half-year "2026-H1", a quarter "2026-Q3", a year "2026", a single month "2026-03". A
    /// longer range of months is counted from its months' keys.
    pub fn key(&self) -> Option<String> {
        let y = self.first.year();
        match self.unit {
            Unit::Half => Some(format!("{y}-H{}", self.half_number())),
            Unit::Quarter => Some(format!("{y}-Q{}", self.quarter_number())),
            Unit::Year => Some(y.to_string()),
            Unit::Months if self.months == 1 => Some(month_key(self.first)),
            Unit::Months => None,
        }
    }

    /// The keys of the months in the period, in order.
    pub fn month_keys(&self) -> Vec<String> {
        (0..self.months)
            .map(|i| month_key(self.first + Months::new(i)))
            .collect()
    }

    /// Its Danish name: "1. halvår 2026", "3. kvartal 2026", "2026", "marts–juni 2026".
    pub fn label(&self) -> String {
        let y = self.first.year();
        match self.unit {
            Unit::Half => format!("{}. halvår {y}", self.half_number()),
            Unit::Quarter => format!("{}. kvartal {y}", self.quarter_number()),
            Unit::Year => y.to_string(),
            Unit::Months => {
                let last = self.last_day();
                let name = |d: NaiveDate| MONTH_NAMES[d.month0() as usize];
                if self.months == 1 {
                    format!("{} {y}", name(self.first))
                } else if last.year() == y {
                    format!("{}–{} {y}", name(self.first), name(last))
                } else {
                    format!("{} {y}–{} {}", name(self.first), name(last), last.year())
                }
            }
        }
    }

    /// Its form in a URL and in forms: "2026-H1", "2026-Q3", "2026", "2026-03..2026-06".
    pub fn param(&self) -> String {
        match self.unit {
            Unit::Months => format!("{}..{}", month_key(self.first), month_key(self.last_day())),
            _ => self
                .key()
                .expect("half-years, quarters and years have keys"),
        }
    }

    /// Reads what `param` writes.
    pub fn parse_param(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Some((from, to)) = s.split_once("..") {
            return Period::months(parse_month(from)?, parse_month(to)?);
        }
        if let Some((y, rest)) = s.split_once('-') {
            let y: i32 = y.parse().ok()?;
            let (kind, n) = rest.split_at_checked(1)?;
            let n: u32 = n.parse().ok()?;
            return match kind {
                "H" => Period::half(y, n),
                "Q" => Period::quarter(y, n),
                _ => None,
            };
        }
        Period::year(s.parse().ok()?)
    }

    /// A year or a half-year as people write them: "2019", "1. halvår 2019", "2019 2. halvår",
    /// "2019-H1", "2019H2".
    pub fn parse_year_or_half(s: &str) -> Option<Period> {
        let s = s.trim().to_lowercase();
        if let Ok(y) = s.parse() {
            return Period::year(y);
        }
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        for (pattern, half) in [("1.halvår", 1), ("2.halvår", 2)] {
            if let Some(rest) = compact
                .strip_prefix(pattern)
                .or_else(|| compact.strip_suffix(pattern))
            {
                return Period::half(rest.parse().ok()?, half);
            }
        }
        let (y, h) = compact.split_once('h')?;
        Period::half(y.trim_end_matches('-').parse().ok()?, h.parse().ok()?)
    }

    /// How far through the period `today` is: 0 before it starts, 1 after it ends, else the
    /// share of its days that have begun (today counted).
    pub fn elapsed_share(&self, today: NaiveDate) -> f64 {
        if today < self.first {
            return 0.0;
        }
        if today >= self.end() {
            return 1.0;
        }
        let total = (self.end() - self.first).num_days() as f64;
        let begun = (today - self.first).num_days() as f64 + 1.0;
        begun / total
    }
}

fn month_key(first: NaiveDate) -> String {
    first.format("%Y-%m").to_string()
}

/// Reads a month as `<input type="month">` sends it ("2026-03") or as people type it
/// ("03-2026", "3-2026", "3.2026", "3/2026"); the first day of that month.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let (a, b) = s.split_once(['-', '.', '/'])?;
    let (year, month) = if a.len() == 4 { (a, b) } else { (b, a) };
    if year.len() != 4 || month.is_empty() || month.len() > 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    (1900..=2200)
        .contains(&year)
        .then(|| NaiveDate::from_ymd_opt(year, month.parse().ok()?, 1))
        .flatten()
}

#[cfg(test)]
#[allow(clippy::manual_div_ceil)] // The tests write the triggers' SQL arithmetic as it stands.
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn half_years_and_their_neighbours() {
        let h1 = Period::half(2026, 1).unwrap();
        assert_eq!(h1.label(), "1. halvår 2026");
        assert_eq!(h1.key().as_deref(), Some("2026-H1"));
        assert_eq!(h1.last_day(), d(2026, 6, 30));
        assert_eq!(h1.previous().label(), "2. halvår 2025");
        assert_eq!(h1.year_before().label(), "1. halvår 2025");
        assert_eq!(h1.next().label(), "2. halvår 2026");
        assert_eq!(Period::half(2026, 3), None);
        assert_eq!(
            Period::containing(Unit::Half, d(2026, 7, 1)).label(),
            "2. halvår 2026"
        );
    }

    #[test]
    fn quarters_years_and_month_ranges() {
        let q = Period::containing(Unit::Quarter, d(2026, 11, 5));
        assert_eq!(
            (q.label(), q.param()),
            ("4. kvartal 2026".into(), "2026-Q4".into())
        );
        assert_eq!(q.previous().param(), "2026-Q3");
        assert_eq!(q.year_before().param(), "2025-Q4");
        let y = Period::year(2026).unwrap();
        assert_eq!((y.label(), y.param()), ("2026".into(), "2026".into()));
        assert_eq!(y.previous(), y.year_before());
        let m = Period::months(d(2025, 11, 1), d(2026, 2, 17)).unwrap();
        assert_eq!(m.label(), "november 2025–februar 2026");
        assert_eq!(m.param(), "2025-11..2026-02");
        assert_eq!(m.key(), None);
        assert_eq!(m.month_keys(), ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(m.previous().param(), "2025-07..2025-10");
        assert_eq!(
            Period::months(d(2026, 3, 1), d(2026, 3, 1))
                .unwrap()
                .key()
                .unwrap(),
            "2026-03"
        );
        assert_eq!(Period::months(d(2026, 3, 1), d(2026, 2, 1)), None);
        assert_eq!(Period::months(d(2020, 1, 1), d(2026, 2, 1)), None);
    }

    #[test]
    fn params_and_written_periods_are_read() {
        for p in ["2026-H2", "2026-Q1", "2026", "2026-03..2026-05"] {
            assert_eq!(Period::parse_param(p).unwrap().param(), p);
        }
        for bad in ["2026-H3", "2026-Q0", "x", "", "2026-05..2026-03", "99999"] {
            assert_eq!(Period::parse_param(bad), None, "{bad}");
        }
        let h = |s: &str| Period::parse_year_or_half(s).map(|p| p.label());
        assert_eq!(h("2019").as_deref(), Some("2019"));
        assert_eq!(h("1. halvår 2019").as_deref(), Some("1. halvår 2019"));
        assert_eq!(h("2019 2. halvår").as_deref(), Some("2. halvår 2019"));
        assert_eq!(h("2019-H1").as_deref(), Some("1. halvår 2019"));
        assert_eq!(h("3. halvår 2019"), None);
        assert_eq!(h("Ikke opgjort"), None);
    }

    #[test]
    fn months_as_typed() {
        for s in ["2026-03", "03-2026", "3-2026", "3.2026", "3/2026"] {
            assert_eq!(parse_month(s), Some(d(2026, 3, 1)), "{s}");
        }
        for s in ["2026-13", "13-2026", "2026", "marts", "26-03", ""] {
            assert_eq!(parse_month(s), None, "{s}");
        }
    }

    #[test]
    fn elapsed_share_through_a_half_year() {
        let h = Period::half(2026, 1).unwrap();
        assert_eq!(h.elapsed_share(d(2025, 12, 31)), 0.0);
        assert!((h.elapsed_share(d(2026, 1, 1)) - 1.0 / 181.0).abs() < 1e-9);
        assert!((h.elapsed_share(d(2026, 3, 31)) - 90.0 / 181.0).abs() < 1e-9);
        assert_eq!(h.elapsed_share(d(2026, 6, 30)), 1.0);
        assert_eq!(h.elapsed_share(d(2026, 7, 1)), 1.0);
    }

    proptest! {
        #[test]
        fn a_day_lies_in_its_periods_and_their_keys_match_the_triggers(
            days in 0i64..30_000, unit in 0usize..3
        ) {
            let day = d(1950, 1, 1) + chrono::Days::new(days as u64);
            let unit = [Unit::Half, Unit::Quarter, Unit::Year][unit];
            let p = Period::containing(unit, day);
            prop_assert!(p.contains(day));
            prop_assert!(!p.previous().contains(day) && !p.next().contains(day));
            prop_assert_eq!(p.previous().next(), p);
            prop_assert_eq!(Period::parse_param(&p.param()), Some(p));
            // The triggers' keys: 'YYYY-MM', 'YYYY-Qn', 'YYYY-Hn', 'YYYY', with their SQL
            // arithmetic ((month + 5) / 6) written out as it stands there.
            let y = day.year();
            let expected = match unit {
                Unit::Half => format!("{y}-H{}", (day.month() + 5) / 6),
                Unit::Quarter => format!("{y}-Q{}", (day.month() + 2) / 3),
                _ => y.to_string(),
            };
            prop_assert_eq!(p.key(), Some(expected));
        }
    }
}
