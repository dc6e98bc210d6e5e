//! Working days for the answer promised to companies and the response-time figures: Monday to
//! Friday, minus the Danish public holidays and the days the jobcenter keeps closed
//! (`domain::holidays`). Times are stored in UTC and counted on the Danish calendar: a request
//! received at 23:30 UTC on a Thursday arrived on the Friday.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Weekday};

use super::dates;
use super::holidays::{self, ClosingDays, is_public_holiday};

/// A jobcenter's working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub closed: ClosingDays,
}

impl Calendar {
    pub fn new(closed: ClosingDays) -> Calendar {
        Calendar { closed }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
            && !is_public_holiday(day)
            && !self.closed.contains(day)
    }

    /// The time between `start` and `end` (UTC) that falls on working days, in days of 24
    /// hours: a request received Friday 18:00 and answered Monday 06:00 took 0.25 + 0.25 = 0.5
    /// working days. Zero when `end` is not after `start`. The whole days between the first
    /// and the last are counted by arithmetic, not one by one: the figures call this for every
    /// request, some of which have waited for months.
    pub fn between(&self, start: NaiveDateTime, end: NaiveDateTime) -> f64 {
        if end <= start {
            return 0.0;
        }
        let (start, end) = (dates::local_time(start), dates::local_time(end));
        let part = |from: NaiveDateTime, to: NaiveDateTime| {
            if self.is_working_day(from.date()) {
                (to - from).num_seconds() as f64 / 86_400.0
            } else {
                0.0
            }
        };
        let (first, last) = (start.date(), end.date());
        if first == last {
            return part(start, end);
        }
        let after_first = first.succ_opt().unwrap_or(first);
        part(start, after_first.and_time(chrono::NaiveTime::MIN))
            + self.working_days_in(after_first, last) as f64
            + part(last.and_time(chrono::NaiveTime::MIN), end)
    }

    /// The working days from `from` up to (not including) `until`.
    pub fn working_days_in(&self, from: NaiveDate, until: NaiveDate) -> i64 {
        if until <= from {
            return 0;
        }
        let weekday = |d: NaiveDate| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        // Any seven days in a row hold five weekdays; the rest are counted one by one.
        let weeks = (until - from).num_days() / 7;
        let mut n = weeks * 5;
        let mut day = from + TimeDelta::weeks(weeks);
        while day < until {
            n += i64::from(weekday(day));
            day = day.succ_opt().unwrap_or(until);
        }
        // Then the weekdays in the range that are closed.
        let within = |d: &NaiveDate| from <= *d && *d < until && weekday(*d);
        for year in from.year()..=until.year() {
            let mut closed: Vec<NaiveDate> = holidays::public_holidays(year)
                .into_iter()
                .map(|(d, _)| d)
                .collect();
            let fixed = [
                (self.closed.constitution_day, 6, 5),
                (self.closed.christmas_eve, 12, 24),
                (self.closed.new_years_eve, 12, 31),
            ];
            closed.extend(
                fixed
                    .iter()
                    .filter(|(on, ..)| *on)
                    .filter_map(|(_, m, d)| NaiveDate::from_ymd_opt(year, *m, *d)),
            );
            closed.extend(self.closed.dates.iter().filter(|d| d.year() == year));
            closed.sort();
            closed.dedup();
            n -= closed.iter().filter(|d| within(d)).count() as i64;
        }
        n
    }

    /// The `n`-th working day after `day`: two working days after a Thursday is the Monday,
    /// after skærtorsdag 2026 the Tuesday after Easter.
    pub fn add(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut day = day;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The instant (UTC) that splits open requests at `now` into those past a promise of
    /// `promise_days` working days and those not: a request received before it has waited
    /// longer than promised. Lets the database count the late ones through an index instead
    /// of the figures loading every open request.
    pub fn past_promise_cutoff(&self, now: NaiveDateTime, promise_days: f64) -> NaiveDateTime {
        // Count the promised working time backwards from `now`, a day at a time.
        let mut left =
            TimeDelta::milliseconds((promise_days.max(0.0) * 86_400_000.0).round() as i64);
        let mut end = dates::local_time(now);
        loop {
            let mut day_start = end.date().and_time(chrono::NaiveTime::MIN);
            if day_start == end {
                // At midnight the day to count is the one that just ended.
                day_start -= TimeDelta::days(1);
            }
            if self.is_working_day(day_start.date()) {
                let available = end - day_start;
                // Strictly more: when the promise runs out at the start of a day, the closed
                // days before it add no waiting time, and the boundary is where they begin.
                if available > left {
                    // Whole seconds, as waiting time is counted.
                    let cutoff = dates::utc_of_local(end - left);
                    return cutoff.with_nanosecond(0).unwrap_or(cutoff);
                }
                left -= available;
            }
            end = day_start;
        }
    }

    pub fn response_stats(
        &self,
        requests: &[Timing],
        now: NaiveDateTime,
        promise_days: f64,
    ) -> ResponseStats {
        let mut times = Vec::new();
        let mut stats = ResponseStats::default();
        for r in requests {
            match r.first_answer_at {
                Some(answered) => {
                    let days = self.between(r.received_at, answered);
                    if days > promise_days {
                        stats.answered_late += 1;
                    }
                    times.push(days);
                }
                None if r.open => {
                    stats.waiting += 1;
                    if self.between(r.received_at, now) > promise_days {
                        stats.waiting_past_promise += 1;
                    }
                }
                None => {}
            }
        }
        times.sort_by(f64::total_cmp);
        stats.answered = times.len();
        stats.median = percentile(&times, 50.0);
        stats.p90 = percentile(&times, 90.0);
        stats
    }
}

/// The `p`-th percentile (0–100) of sorted values, interpolated between neighbours as
/// spreadsheets do (PERCENTILE.INC): the median of 1, 2, 3, 4 is 2.5.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = (p.clamp(0.0, 100.0) / 100.0) * last as f64;
    let below = rank.floor() as usize;
    let above = (below + 1).min(last);
    let fraction = rank - below as f64;
    Some(sorted[below] + fraction * (sorted[above] - sorted[below]))
}

/// How fast a set of requests was answered, in working days.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ResponseStats {
    /// Requests answered.
    pub answered: usize,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// Answered, but later than promised.
    pub answered_late: usize,
    /// Not answered yet.
    pub waiting: usize,
    /// Not answered yet and already past the promise.
    pub waiting_past_promise: usize,
}

/// A request as the figures see it: when it came, when it was first answered, whether it
/// still waits for an answer (closed without an answer counts neither way).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub received_at: NaiveDateTime,
    pub first_answer_at: Option<NaiveDateTime>,
    pub open: bool,
}

/// 1.25 → "1,3": one decimal with a decimal comma.
pub fn format_days(days: f64) -> String {
    format!("{days:.1}").replace('.', ",")
}

pub fn weekday_da(day: NaiveDate) -> &'static str {
    match day.weekday() {
        Weekday::Mon => "mandag",
        Weekday::Tue => "tirsdag",
        Weekday::Wed => "onsdag",
        Weekday::Thu => "torsdag",
        Weekday::Fri => "fredag",
        Weekday::Sat => "lørdag",
        Weekday::Sun => "søndag",
    }
}

/// "mandag 23-11-2026": a due date as receipts and the thank-you page give it.
pub fn weekday_and_date(day: NaiveDate) -> String {
    format!("{} {}", weekday_da(day), super::dates::dk_date(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_date_names_its_weekday() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(weekday_and_date(monday), "mandag 23-11-2026");
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    // 2026-11-23 is a Monday.

    #[test]
    fn the_cutoff_splits_late_from_on_time_requests() {
        // Around a weekend and on weekdays, with whole and fractional promises.
        for now in [
            at("2026-11-23 09:00"),
            at("2026-11-25 15:30"),
            at("2026-11-28 12:00"),
        ] {
            for promise in [0.0, 0.5, 2.0, 3.0, 10.0] {
                let cutoff = Calendar::default().past_promise_cutoff(now, promise);
                let mut received = now - TimeDelta::days(20);
                while received <= now {
                    let late = Calendar::default().between(received, now) > promise;
                    assert_eq!(received < cutoff, late, "{now} {promise} {received}");
                    received += TimeDelta::minutes(37);
                }
            }
        }
    }

    #[test]
    fn within_one_working_day() {
        let d = Calendar::default().between(at("2026-11-23 09:00"), at("2026-11-23 15:00"));
        assert!((d - 0.25).abs() < 1e-9);
    }

    #[test]
    fn weekends_do_not_count() {
        // Friday 18:00 → Monday 06:00: six hours on each working day.
        let d = Calendar::default().between(at("2026-11-27 18:00"), at("2026-11-30 06:00"));
        assert!((d - 0.5).abs() < 1e-9, "{d}");
        // Saturday → Sunday: nothing.
        assert_eq!(
            Calendar::default().between(at("2026-11-28 08:00"), at("2026-11-29 20:00")),
            0.0
        );
    }

    #[test]
    fn whole_weeks_are_five_days() {
        let d = Calendar::default().between(at("2026-11-25 10:00"), at("2026-12-09 10:00"));
        assert!((d - 10.0).abs() < 1e-9, "{d}");
        // A year holds 260 or 261 weekdays; seven holidays fall on weekdays in this one.
        let d = Calendar::default().between(at("2026-11-28 10:00"), at("2027-11-27 10:00"));
        assert!((d - 253.0).abs() < 1.0 + 1e-9, "{d}");
    }

    #[test]
    fn backwards_is_zero() {
        assert_eq!(
            Calendar::default().between(at("2026-11-24 10:00"), at("2026-11-23 10:00")),
            0.0
        );
    }

    #[test]
    fn adding_working_days_skips_weekends() {
        let thursday = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            Calendar::default().add(thursday, 2),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            Calendar::default().add(saturday, 1),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        assert_eq!(Calendar::default().add(thursday, 0), thursday);
        assert_eq!(weekday_da(thursday), "torsdag");
    }

    #[test]
    fn holidays_and_closing_days_are_not_working_days() {
        let cal = Calendar::default();
        // Skærtorsdag 2026: langfredag, the weekend and 2. påskedag follow, so the first
        // working day after it is Tuesday 7 April and the second Wednesday 8 April.
        let skaertorsdag = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
        assert_eq!(
            cal.add(skaertorsdag, 1),
            NaiveDate::from_ymd_opt(2026, 4, 7).unwrap()
        );
        assert_eq!(
            cal.add(skaertorsdag, 2),
            NaiveDate::from_ymd_opt(2026, 4, 8).unwrap()
        );
        // Christmas 2026: Thursday 24 (open unless the jobcenter closes), Friday 25 closed.
        let dec23 = NaiveDate::from_ymd_opt(2026, 12, 23).unwrap();
        assert_eq!(
            cal.add(dec23, 2),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap()
        );
        let closed = Calendar::new(ClosingDays {
            christmas_eve: true,
            new_years_eve: true,
            ..Default::default()
        });
        assert_eq!(
            closed.add(dec23, 2),
            NaiveDate::from_ymd_opt(2026, 12, 29).unwrap()
        );
        // The Wednesday before Easter from noon (10:00 UTC) to 08:00 on the Tuesday after:
        // half of Wednesday and a third of Tuesday; Thursday to Monday are closed.
        let d = cal.between(at("2026-04-01 10:00"), at("2026-04-07 06:00"));
        assert!((d - (0.5 + 8.0 / 24.0)).abs() < 1e-9, "{d}");
    }

    proptest::proptest! {
        #[test]
        fn counted_working_days_match_walking_day_by_day(
            from in 0u64..4000, len in 0u64..800, eve: bool, own in 0u64..400
        ) {
            let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Days::new(from);
            let until = start + chrono::Days::new(len);
            let cal = Calendar::new(ClosingDays {
                christmas_eve: eve,
                dates: vec![start + chrono::Days::new(own)],
                ..Default::default()
            });
            let mut walked = 0;
            let mut d = start;
            while d < until {
                walked += i64::from(cal.is_working_day(d));
                d = d.succ_opt().unwrap();
            }
            proptest::prop_assert_eq!(cal.working_days_in(start, until), walked);
        }

        #[test]
        fn the_promised_day_is_never_closed(days in 0u64..4000, n in 0u32..15, eve: bool) {
            let cal = Calendar::new(ClosingDays { christmas_eve: eve, ..Default::default() });
            let from = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(days);
            let due = cal.add(from, n);
            if n > 0 {
                proptest::prop_assert!(cal.is_working_day(due));
                proptest::prop_assert!(due > from);
            } else {
                proptest::prop_assert_eq!(due, from);
            }
        }
    }

    #[test]
    fn percentiles_interpolate() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[3.0], 90.0), Some(3.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), Some(2.5));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        let p90 = percentile(&ten, 90.0).unwrap();
        assert!((p90 - 9.1).abs() < 1e-9);
        assert_eq!(percentile(&ten, 100.0), Some(10.0));
        assert_eq!(percentile(&ten, 0.0), Some(1.0));
    }

    #[test]
    fn stats_count_late_and_waiting() {
        let now = at("2026-12-04 12:00"); // Friday
        let timing = |r: &str, a: Option<&str>, open: bool| Timing {
            received_at: at(r),
            first_answer_at: a.map(at),
            open,
        };
        let requests = [
            timing("2026-11-23 08:00", Some("2026-11-23 14:00"), false), // 0.25
            timing("2026-11-23 08:00", Some("2026-11-24 08:00"), false), // 1
            timing("2026-11-23 08:00", Some("2026-11-27 08:00"), false), // 4: late
            timing("2026-12-03 12:00", None, true),                      // 1 day: waiting
            timing("2026-11-30 12:00", None, true),                      // 4 days: past promise
            timing("2026-11-30 12:00", None, false),                     // closed unanswered
        ];
        let s = Calendar::default().response_stats(&requests, now, 2.0);
        assert_eq!(s.answered, 3);
        assert_eq!(s.median, Some(1.0));
        assert!((s.p90.unwrap() - 3.4).abs() < 1e-9);
        assert_eq!(s.answered_late, 1);
        assert_eq!(s.waiting, 2);
        assert_eq!(s.waiting_past_promise, 1);
        assert_eq!(format_days(1.25), "1,2");
        assert_eq!(format_days(0.75), "0,8");
    }
}
