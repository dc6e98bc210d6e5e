//! The manager's overview: what the jobcenter's company work came to in a period, counted
//! from the counters the triggers keep (`src/db/triggers/`, migration 19) and from the small
//! tables (placements, requests, campaigns). No figure here reads the activities of a period.
//!
//! Definitions the page repeats in words:
//! - a company is *contacted* in a period when it has at least one activity dated in it;
//! - the *cooperation base* is the register's companies with employees (a size band) that
//!   are not inactive; the cooperation rate is the share of them contacted in the period,
//!   measured against the register as it is today;
//! - a placement *started* in a period has its start date in it, on or before today;
//! - a placement is *active now* when its status is active, or planned with its start date
//!   passed, and its end date (if any) has not passed;
//! - a placement *ended* in a period has status ended and its end date in it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::activity::{ActivityKind, Topic};
use super::campaign::{CampaignStatus, TargetStatus};
use super::company::CompanyStatus;
use super::contact_request::{ContactRequest, RequestChannel};
use super::placement::{PlacementKind, PlacementResult, PlacementStatus};
use super::satisfaction::{Scored, Survey};
use super::settings::Settings;
use crate::db::DbConn;
use crate::db::schema::{
    activity_day_counts, activity_month_counts, activity_topic_month_counts,
    campaign_status_counts, campaign_visit_counts, campaigns, companies, company_contact_periods,
    company_counts, contact_period_counts, placements, users,
};
use crate::domain::dates;
use crate::domain::periods::Period;
use crate::domain::working_days::{Calendar, ResponseStats, Timing};

/// Activities of one consultant in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultantWork {
    pub user_id: i64,
    pub name: String,
    pub visits: i64,
    pub activities: i64,
}

/// The contact work of a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Work {
    /// Every kind, in the order of [`ActivityKind::ALL`].
    pub by_kind: Vec<(ActivityKind, i64)>,
    /// Every topic, in the order of [`Topic::ALL`]; an activity with two topics counts twice.
    pub by_topic: Vec<(Topic, i64)>,
    /// Consultants with activities in the period, most visits first.
    pub by_consultant: Vec<ConsultantWork>,
    pub companies_contacted: i64,
    /// Companies contacted that are in the cooperation base.
    pub contacted_in_base: i64,
    pub new_companies: i64,
}

impl Work {
    pub fn activities(&self) -> i64 {
        self.by_kind.iter().map(|(_, n)| n).sum()
    }

    pub fn of_kind(&self, kind: ActivityKind) -> i64 {
        self.by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

/// Placements in a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlacementFigures {
    /// Every kind, in the order of [`PlacementKind::ALL`].
    pub started_by_kind: Vec<(PlacementKind, i64)>,
    pub started: i64,
    /// Companies with at least one placement started in the period.
    pub companies: i64,
    /// Every result, in the order of [`PlacementResult::ALL`], then those ended without one.
    pub ended_by_result: Vec<(Option<PlacementResult>, i64)>,
    pub ended: i64,
    pub ended_in_job_or_education: i64,
}

/// Requests received in a period, and how fast they were answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFigures {
    pub received: usize,
    /// Every channel, in the order of [`RequestChannel::ALL`].
    pub by_channel: Vec<(RequestChannel, i64)>,
    pub stats: ResponseStats,
    pub answered_in_time: usize,
}

/// How satisfied companies said they were, in answers given in a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SatisfactionFigures {
    /// Answers with a score.
    pub answers: i64,
    /// Answers per score, 1 first.
    pub by_score: [i64; 5],
    /// Per consultant rated (none: a consultant no longer known): answers and their sum,
    /// most answers first.
    pub by_consultant: Vec<(Option<i64>, String, i64, i64)>,
}

impl SatisfactionFigures {
    fn of<'a>(scores: impl Iterator<Item = &'a Scored>, names: &BTreeMap<i64, String>) -> Self {
        let mut figures = SatisfactionFigures::default();
        let mut per_user: BTreeMap<Option<i64>, (i64, i64)> = BTreeMap::new();
        for s in scores {
            figures.answers += 1;
            figures.by_score[(s.score.clamp(1, 5) - 1) as usize] += 1;
            let entry = per_user.entry(s.user_id).or_default();
            entry.0 += 1;
            entry.1 += i64::from(s.score);
        }
        figures.by_consultant = per_user
            .into_iter()
            .map(|(user, (n, sum))| {
                let name = user.and_then(|u| names.get(&u).cloned());
                (user, name.unwrap_or_default(), n, sum)
            })
            .collect();
        figures
            .by_consultant
            .sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
        figures
    }

    /// The average score, none without answers.
    pub fn average(&self) -> Option<f64> {
        let sum: i64 = (1..=5).zip(self.by_score).map(|(s, n)| s * n).sum();
        (self.answers > 0).then(|| sum as f64 / self.answers as f64)
    }
}

/// Everything the overview counts for one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeriodFigures {
    pub work: Work,
    pub placements: PlacementFigures,
    pub requests: RequestFigures,
    pub satisfaction: SatisfactionFigures,
}

/// The register today: the cooperation base and the reach of fixed contacts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Register {
    /// The cooperation rate's base (`Overview::cooperation_base`): the municipality's units
    /// in operation with employees, or the register's companies with employees that are not
    /// inactive.
    pub cooperation_base: i64,
    /// When the CVR extract the base is counted from was imported; none when the register is
    /// the base.
    pub base_imported_at: Option<NaiveDateTime>,
    pub active: i64,
    pub active_with_fixed_contact: i64,
    /// Active companies with no contact for twelve months (or never).
    pub active_quiet: i64,
}

/// A campaign beside its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignReach {
    pub id: i64,
    pub name: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub status: CampaignStatus,
    pub target_companies: i32,
    pub on_list: i64,
    /// Companies visited or further.
    pub reached: i64,
}

/// A week of the chart: visits and other contacts in ISO week `week` starting `monday`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekCount {
    pub monday: NaiveDate,
    pub week: u32,
    pub visits: i64,
    pub other: i64,
}

/// A share in whole per cent, none when there is nothing to share.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The day the overview calls "twelve months ago" for quiet companies.
pub fn quiet_since(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today)
}

pub struct Overview;

impl Overview {
    /// Everything counted for each of `periods` (placements started up to `today`). The rows
    /// of all the periods are read together, one query per kind of row for the span they
    /// cover, and shared out in memory: the overview compares three periods, and 9 queries
    /// serve them where one set per period took 27.
    pub fn figures(
        c: &mut DbConn,
        jobcenter_id: i64,
        periods: &[Period],
        today: NaiveDate,
        now: NaiveDateTime,
        settings: &Settings,
    ) -> QueryResult<Vec<PeriodFigures>> {
        let (Some(from), Some(until)) = (
            periods.iter().map(|p| p.first).min(),
            periods.iter().map(|p| p.end()).max(),
        ) else {
            return Ok(Vec::new());
        };
        let (utc_from, utc_until) = (
            dates::local_midnight_utc(from),
            dates::local_midnight_utc(until),
        );
        let months: Vec<(NaiveDate, i64, ActivityKind, i64)> = activity_month_counts::table
            .filter(activity_month_counts::jobcenter_id.eq(jobcenter_id))
            .filter(activity_month_counts::month.ge(from))
            .filter(activity_month_counts::month.lt(until))
            .filter(activity_month_counts::n.ne(0))
            .select((
                activity_month_counts::month,
                activity_month_counts::user_id,
                activity_month_counts::kind,
                activity_month_counts::n,
            ))
            .load(c)?;
        let topics: Vec<(NaiveDate, String, i64)> = activity_topic_month_counts::table
            .filter(activity_topic_month_counts::jobcenter_id.eq(jobcenter_id))
            .filter(activity_topic_month_counts::month.ge(from))
            .filter(activity_topic_month_counts::month.lt(until))
            .select((
                activity_topic_month_counts::month,
                activity_topic_month_counts::topic,
                activity_topic_month_counts::n,
            ))
            .load(c)?;
        let names: BTreeMap<i64, String> = users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .select((users::id, users::name))
            .load::<(i64, String)>(c)?
            .into_iter()
            .collect();
        let created: Vec<NaiveDateTime> = companies::table
            .filter(companies::jobcenter_id.eq(jobcenter_id))
            .filter(companies::created_at.ge(utc_from))
            .filter(companies::created_at.lt(utc_until))
            .select(companies::created_at)
            .load(c)?;
        let started: Vec<(NaiveDate, PlacementKind, i64)> = placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::start_on.ge(from))
            .filter(placements::start_on.lt(until.min(today.succ_opt().unwrap_or(today))))
            .select((
                placements::start_on,
                placements::kind,
                placements::company_id,
            ))
            .load(c)?;
        let ended: Vec<(Option<NaiveDate>, Option<PlacementResult>)> = placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::end_on.ge(from))
            .filter(placements::end_on.lt(until))
            .filter(placements::status.eq(PlacementStatus::Ended))
            .select((placements::end_on, placements::result))
            .load(c)?;
        let requests = ContactRequest::timings(c, jobcenter_id, utc_from, utc_until)?;
        let scores = Survey::scores(c, jobcenter_id, utc_from, utc_until)?;
        let keys: Vec<String> = periods.iter().filter_map(Period::key).collect();
        let keyed: Vec<(String, i64, i64)> = contact_period_counts::table
            .filter(contact_period_counts::jobcenter_id.eq(jobcenter_id))
            .filter(contact_period_counts::period.eq_any(keys))
            .select((
                contact_period_counts::period,
                contact_period_counts::companies,
                contact_period_counts::in_base,
            ))
            .load(c)?;
        let calendar = settings.calendar();
        let mut out = Vec::with_capacity(periods.len());
        for period in periods {
            let contacted = match period.key() {
                Some(key) => keyed
                    .iter()
                    .find(|(k, _, _)| *k == key)
                    .map_or((0, 0), |(_, n, b)| (*n, *b)),
                None => Self::contacted(c, jobcenter_id, period)?,
            };
            let (p_from, p_until) = (
                dates::local_midnight_utc(period.first),
                dates::local_midnight_utc(period.end()),
            );
            out.push(PeriodFigures {
                work: Self::work_of(
                    months.iter().filter(|r| period.contains(r.0)),
                    topics.iter().filter(|r| period.contains(r.0)),
                    &names,
                    contacted,
                    created
                        .iter()
                        .filter(|t| p_from <= **t && **t < p_until)
                        .count() as i64,
                ),
                placements: Self::placements_of(
                    started.iter().filter(|r| period.contains(r.0)),
                    ended
                        .iter()
                        .filter(|r| r.0.is_some_and(|d| period.contains(d)))
                        .map(|r| r.1),
                ),
                requests: Self::requests_of(
                    requests
                        .iter()
                        .filter(|(t, _)| p_from <= t.received_at && t.received_at < p_until),
                    &calendar,
                    now,
                    settings.answer_promise_days,
                ),
                satisfaction: SatisfactionFigures::of(
                    scores
                        .iter()
                        .filter(|s| p_from <= s.answered_at && s.answered_at < p_until),
                    &names,
                ),
            });
        }
        Ok(out)
    }

    fn work_of<'a>(
        months: impl Iterator<Item = &'a (NaiveDate, i64, ActivityKind, i64)>,
        topics: impl Iterator<Item = &'a (NaiveDate, String, i64)>,
        names: &BTreeMap<i64, String>,
        (companies_contacted, contacted_in_base): (i64, i64),
        new_companies: i64,
    ) -> Work {
        let mut by_kind: BTreeMap<ActivityKind, i64> = BTreeMap::new();
        let mut per_user: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for (_, user, kind, n) in months {
            *by_kind.entry(*kind).or_default() += n;
            let entry = per_user.entry(*user).or_default();
            entry.1 += n;
            if *kind == ActivityKind::Visit {
                entry.0 += n;
            }
        }
        let mut by_consultant: Vec<ConsultantWork> = per_user
            .into_iter()
            .filter(|(_, (_, all))| *all > 0)
            .map(|(user_id, (visits, activities))| ConsultantWork {
                user_id,
                name: names.get(&user_id).cloned().unwrap_or_default(),
                visits,
                activities,
            })
            .collect();
        by_consultant.sort_by(|a, b| b.visits.cmp(&a.visits).then(a.name.cmp(&b.name)));
        let mut by_topic: BTreeMap<Topic, i64> = BTreeMap::new();
        for (_, topic, n) in topics {
            if let Some(t) = Topic::parse(topic) {
                *by_topic.entry(t).or_default() += n;
            }
        }
        Work {
            by_kind: ActivityKind::ALL
                .iter()
                .map(|k| (*k, by_kind.get(k).copied().unwrap_or(0)))
                .collect(),
            by_topic: Topic::ALL
                .iter()
                .map(|t| (*t, by_topic.get(t).copied().unwrap_or(0)))
                .collect(),
            by_consultant,
            companies_contacted,
            contacted_in_base,
            new_companies,
        }
    }

    fn placements_of<'a>(
        started: impl Iterator<Item = &'a (NaiveDate, PlacementKind, i64)>,
        ended: impl Iterator<Item = Option<PlacementResult>>,
    ) -> PlacementFigures {
        let started: Vec<(PlacementKind, i64)> = started.map(|(_, k, id)| (*k, *id)).collect();
        let ended: Vec<Option<PlacementResult>> = ended.collect();
        let mut companies: Vec<i64> = started.iter().map(|(_, id)| *id).collect();
        companies.sort_unstable();
        companies.dedup();
        let mut ended_by_result: Vec<(Option<PlacementResult>, i64)> = PlacementResult::ALL
            .iter()
            .map(|r| {
                (
                    Some(*r),
                    ended.iter().filter(|x| **x == Some(*r)).count() as i64,
                )
            })
            .collect();
        ended_by_result.push((None, ended.iter().filter(|x| x.is_none()).count() as i64));
        PlacementFigures {
            started_by_kind: PlacementKind::ALL
                .iter()
                .map(|k| (*k, started.iter().filter(|(x, _)| x == k).count() as i64))
                .collect(),
            started: started.len() as i64,
            companies: companies.len() as i64,
            ended: ended.len() as i64,
            ended_in_job_or_education: ended
                .iter()
                .filter(|r| {
                    matches!(
                        r,
                        Some(PlacementResult::OrdinaryJob | PlacementResult::Education)
                    )
                })
                .count() as i64,
            ended_by_result,
        }
    }

    fn requests_of<'a>(
        rows: impl Iterator<Item = &'a (Timing, RequestChannel)>,
        calendar: &Calendar,
        now: NaiveDateTime,
        promise_days: i32,
    ) -> RequestFigures {
        let rows: Vec<&(Timing, RequestChannel)> = rows.collect();
        let timings: Vec<Timing> = rows.iter().map(|(t, _)| *t).collect();
        let stats = calendar.response_stats(&timings, now, f64::from(promise_days));
        RequestFigures {
            received: timings.len(),
            by_channel: RequestChannel::ALL
                .iter()
                .map(|ch| (*ch, rows.iter().filter(|(_, x)| x == ch).count() as i64))
                .collect(),
            answered_in_time: stats.answered - stats.answered_late,
            stats,
        }
    }

    /// Distinct companies contacted in the period, and those of them in the cooperation base:
    /// one counter row for a half-year, quarter, year or month; a range of months counts its
    /// months' company rows once each.
    pub fn contacted(
        c: &mut DbConn,
        jobcenter_id: i64,
        period: &Period,
    ) -> QueryResult<(i64, i64)> {
        if let Some(key) = period.key() {
            return Ok(contact_period_counts::table
                .filter(contact_period_counts::jobcenter_id.eq(jobcenter_id))
                .filter(contact_period_counts::period.eq(key))
                .select((
                    contact_period_counts::companies,
                    contact_period_counts::in_base,
                ))
                .first(c)
                .optional()?
                .unwrap_or((0, 0)));
        }
        let months = period.month_keys();
        let in_months = || {
            company_contact_periods::table
                .filter(company_contact_periods::jobcenter_id.eq(jobcenter_id))
                .filter(company_contact_periods::period.eq_any(months.clone()))
        };
        let all = in_months()
            .select(diesel::dsl::count(company_contact_periods::company_id).aggregate_distinct())
            .get_result(c)?;
        let in_base = in_months()
            .filter(company_contact_periods::in_base.eq(1))
            .select(diesel::dsl::count(company_contact_periods::company_id).aggregate_distinct())
            .get_result(c)?;
        Ok((all, in_base))
    }

    /// Visits in the period, or activities of another kind; about one topic when given.
    pub fn activities_of(
        c: &mut DbConn,
        jobcenter_id: i64,
        period: &Period,
        kind: ActivityKind,
        topic: Option<Topic>,
    ) -> QueryResult<i64> {
        let counts: Vec<i64> = match topic {
            Some(topic) => activity_topic_month_counts::table
                .filter(activity_topic_month_counts::jobcenter_id.eq(jobcenter_id))
                .filter(activity_topic_month_counts::month.ge(period.first))
                .filter(activity_topic_month_counts::month.lt(period.end()))
                .filter(activity_topic_month_counts::kind.eq(kind))
                .filter(activity_topic_month_counts::topic.eq(topic.as_str()))
                .select(activity_topic_month_counts::n)
                .load(c)?,
            None => activity_month_counts::table
                .filter(activity_month_counts::jobcenter_id.eq(jobcenter_id))
                .filter(activity_month_counts::month.ge(period.first))
                .filter(activity_month_counts::month.lt(period.end()))
                .filter(activity_month_counts::kind.eq(kind))
                .select(activity_month_counts::n)
                .load(c)?,
        };
        Ok(counts.iter().sum())
    }

    /// Placements started (up to `today`) and ended in the period; narrowed to one kind or
    /// one campaign when given.
    pub fn placements_narrowed(
        c: &mut DbConn,
        jobcenter_id: i64,
        period: &Period,
        today: NaiveDate,
        kind: Option<PlacementKind>,
        campaign_id: Option<i64>,
    ) -> QueryResult<PlacementFigures> {
        let started_before = period.end().min(today.succ_opt().unwrap_or(today));
        let mut started = placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::start_on.ge(period.first))
            .filter(placements::start_on.lt(started_before))
            .into_boxed::<<DbConn as Connection>::Backend>();
        let mut ended = placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::status.eq(PlacementStatus::Ended))
            .filter(placements::end_on.ge(period.first))
            .filter(placements::end_on.lt(period.end()))
            .into_boxed::<<DbConn as Connection>::Backend>();
        if let Some(kind) = kind {
            started = started.filter(placements::kind.eq(kind));
            ended = ended.filter(placements::kind.eq(kind));
        }
        if let Some(id) = campaign_id {
            started = started.filter(placements::campaign_id.eq(id));
            ended = ended.filter(placements::campaign_id.eq(id));
        }
        let started: Vec<(NaiveDate, PlacementKind, i64)> = started
            .select((
                placements::start_on,
                placements::kind,
                placements::company_id,
            ))
            .load(c)?;
        let ended: Vec<Option<PlacementResult>> = ended.select(placements::result).load(c)?;
        Ok(Self::placements_of(started.iter(), ended.into_iter()))
    }

    /// Per year from `first` to `last`: visits, companies contacted and placements started (up
    /// to `today`), each read in one query for all the years.
    pub fn years(
        c: &mut DbConn,
        jobcenter_id: i64,
        first: i32,
        last: i32,
        today: NaiveDate,
    ) -> QueryResult<BTreeMap<i32, (i64, i64, i64)>> {
        let (Some(from), Some(until)) = (
            NaiveDate::from_ymd_opt(first, 1, 1),
            NaiveDate::from_ymd_opt(last + 1, 1, 1),
        ) else {
            return Ok(BTreeMap::new());
        };
        let mut years: BTreeMap<i32, (i64, i64, i64)> =
            (first..=last).map(|y| (y, (0, 0, 0))).collect();
        let visits: Vec<(NaiveDate, i64)> = activity_month_counts::table
            .filter(activity_month_counts::jobcenter_id.eq(jobcenter_id))
            .filter(activity_month_counts::month.ge(from))
            .filter(activity_month_counts::month.lt(until))
            .filter(activity_month_counts::kind.eq(ActivityKind::Visit))
            .select((activity_month_counts::month, activity_month_counts::n))
            .load(c)?;
        for (month, n) in visits {
            if let Some(y) = years.get_mut(&month.year()) {
                y.0 += n;
            }
        }
        let keys: Vec<String> = (first..=last).map(|y| y.to_string()).collect();
        let contacted: Vec<(String, i64)> = contact_period_counts::table
            .filter(contact_period_counts::jobcenter_id.eq(jobcenter_id))
            .filter(contact_period_counts::period.eq_any(keys))
            .select((
                contact_period_counts::period,
                contact_period_counts::companies,
            ))
            .load(c)?;
        for (key, n) in contacted {
            if let Some(y) = key.parse().ok().and_then(|k: i32| years.get_mut(&k)) {
                y.1 = n;
            }
        }
        // One index range count per year: the years reach back to the first benchmark figure.
        let started_until = today.succ_opt().unwrap_or(today);
        for (year, figures) in years.iter_mut() {
            let (Some(first), Some(next)) = (
                NaiveDate::from_ymd_opt(*year, 1, 1),
                NaiveDate::from_ymd_opt(*year + 1, 1, 1),
            ) else {
                continue;
            };
            figures.2 = placements::table
                .filter(placements::jobcenter_id.eq(jobcenter_id))
                .filter(placements::start_on.ge(first))
                .filter(placements::start_on.lt(next.min(started_until)))
                .count()
                .get_result(c)?;
        }
        Ok(years)
    }

    /// The cooperation rate's base: the municipality's production units in operation with at
    /// least one employee when a CVR extract has been imported (`models::population`), or
    /// else the register's companies with employees that are not inactive, from the counters.
    pub fn cooperation_base(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<i64> {
        match Self::population_base(c, jobcenter_id)? {
            Some((base, _)) => Ok(base),
            None => Self::register_base(c, jobcenter_id),
        }
    }

    /// The newest CVR extract's base and when it was imported, if there is one that says how
    /// many employees its units have.
    fn population_base(
        c: &mut DbConn,
        jobcenter_id: i64,
    ) -> QueryResult<Option<(i64, NaiveDateTime)>> {
        Ok(
            super::population::PopulationImport::latest(c, jobcenter_id)?
                .filter(|i| i.base > 0)
                .and_then(|i| Some((i.base, i.finished_at?))),
        )
    }

    fn register_base(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<i64> {
        let rows: Vec<(CompanyStatus, i64)> = company_counts::table
            .filter(company_counts::jobcenter_id.eq(jobcenter_id))
            .filter(company_counts::has_employees.eq(1))
            .select((company_counts::status, company_counts::n))
            .load(c)?;
        Ok(rows
            .iter()
            .filter(|(s, _)| *s != CompanyStatus::Inactive)
            .map(|(_, n)| n)
            .sum())
    }

    /// Placements active on `today`, per kind (see the module's definition).
    pub fn active_placements(
        c: &mut DbConn,
        jobcenter_id: i64,
        today: NaiveDate,
    ) -> QueryResult<Vec<(PlacementKind, i64)>> {
        let rows: Vec<(PlacementKind, i64)> = placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::status.eq_any([PlacementStatus::Active, PlacementStatus::Planned]))
            .filter(placements::start_on.le(today))
            .filter(
                placements::end_on
                    .is_null()
                    .or(placements::end_on.ge(today)),
            )
            .group_by(placements::kind)
            .select((placements::kind, diesel::dsl::count_star()))
            .load(c)?;
        Ok(PlacementKind::ALL
            .iter()
            .map(|k| {
                let n = rows.iter().find(|(x, _)| x == k).map_or(0, |(_, n)| *n);
                (*k, n)
            })
            .collect())
    }

    pub fn register(c: &mut DbConn, jobcenter_id: i64, today: NaiveDate) -> QueryResult<Register> {
        let rows: Vec<(CompanyStatus, i32, i32, i64)> = company_counts::table
            .filter(company_counts::jobcenter_id.eq(jobcenter_id))
            .select((
                company_counts::status,
                company_counts::has_employees,
                company_counts::has_fixed_contact,
                company_counts::n,
            ))
            .load(c)?;
        let sum = |keep: &dyn Fn(CompanyStatus, bool, bool) -> bool| -> i64 {
            rows.iter()
                .filter(|(s, e, f, _)| keep(*s, *e != 0, *f != 0))
                .map(|(_, _, _, n)| n)
                .sum()
        };
        // Never contacted, and not since the day: two ranges of one index, each counting only
        // the quiet companies (an OR of the two would walk every active company).
        let active = || {
            companies::table
                .filter(companies::jobcenter_id.eq(jobcenter_id))
                .filter(companies::status.eq(CompanyStatus::Active))
        };
        let never: i64 = active()
            .filter(companies::last_contact_on.is_null())
            .count()
            .get_result(c)?;
        let not_since: i64 = active()
            .filter(companies::last_contact_on.lt(quiet_since(today)))
            .count()
            .get_result(c)?;
        let quiet = never + not_since;
        let population = Self::population_base(c, jobcenter_id)?;
        Ok(Register {
            cooperation_base: population.map_or_else(
                || sum(&|s, e, _| e && s != CompanyStatus::Inactive),
                |(base, _)| base,
            ),
            base_imported_at: population.map(|(_, at)| at),
            active: sum(&|s, _, _| s == CompanyStatus::Active),
            active_with_fixed_contact: sum(&|s, _, f| f && s == CompanyStatus::Active),
            active_quiet: quiet,
        })
    }

    /// Campaigns that ran at some time in the period, or run now, newest first.
    pub fn campaigns(
        c: &mut DbConn,
        jobcenter_id: i64,
        period: &Period,
        today: NaiveDate,
    ) -> QueryResult<Vec<CampaignReach>> {
        let list: Vec<(i64, String, NaiveDate, NaiveDate, CampaignStatus, i32)> = campaigns::table
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(
                (campaigns::start_on
                    .le(period.last_day())
                    .and(campaigns::end_on.ge(period.first)))
                .or(campaigns::start_on
                    .le(today)
                    .and(campaigns::end_on.ge(today))),
            )
            .order((campaigns::start_on.desc(), campaigns::id.desc()))
            .limit(50)
            .select((
                campaigns::id,
                campaigns::name,
                campaigns::start_on,
                campaigns::end_on,
                campaigns::status,
                campaigns::target_companies,
            ))
            .load(c)?;
        if list.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = list.iter().map(|row| row.0).collect();
        let counts: Vec<(i64, TargetStatus, i64)> = campaign_status_counts::table
            .filter(campaign_status_counts::campaign_id.eq_any(&ids))
            .select((
                campaign_status_counts::campaign_id,
                campaign_status_counts::status,
                campaign_status_counts::n,
            ))
            .load(c)?;
        Ok(list
            .into_iter()
            .map(|(id, name, start_on, end_on, status, target_companies)| {
                let mine = counts.iter().filter(|(cid, _, _)| *cid == id);
                CampaignReach {
                    on_list: mine.clone().map(|(_, _, n)| n).sum(),
                    reached: mine
                        .filter(|(_, s, _)| s.reached())
                        .map(|(_, _, n)| n)
                        .sum(),
                    id,
                    name,
                    start_on,
                    end_on,
                    status,
                    target_companies,
                }
            })
            .collect())
    }

    /// Companies on campaign lists first visited in the period (of one campaign when given).
    pub fn campaign_companies_visited(
        c: &mut DbConn,
        jobcenter_id: i64,
        period: &Period,
        campaign_id: Option<i64>,
    ) -> QueryResult<i64> {
        let mut q = campaign_visit_counts::table
            .inner_join(campaigns::table)
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(campaign_visit_counts::visited_on.ge(period.first))
            .filter(campaign_visit_counts::visited_on.lt(period.end()))
            .into_boxed::<<DbConn as Connection>::Backend>();
        if let Some(id) = campaign_id {
            q = q.filter(campaign_visit_counts::campaign_id.eq(id));
        }
        let counts: Vec<i64> = q.select(campaign_visit_counts::n).load(c)?;
        Ok(counts.iter().sum())
    }

    /// Visits and other contacts per ISO week of the period, every week shown.
    pub fn weeks(
        c: &mut DbConn,
        jobcenter_id: i64,
        period: &Period,
    ) -> QueryResult<Vec<WeekCount>> {
        let rows: Vec<(NaiveDate, ActivityKind, i64)> = activity_day_counts::table
            .filter(activity_day_counts::jobcenter_id.eq(jobcenter_id))
            .filter(activity_day_counts::day.ge(period.first))
            .filter(activity_day_counts::day.lt(period.end()))
            .select((
                activity_day_counts::day,
                activity_day_counts::kind,
                activity_day_counts::n,
            ))
            .load(c)?;
        let monday =
            |d: NaiveDate| d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday()));
        let mut weeks: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
        let mut day = monday(period.first);
        while day < period.end() {
            weeks.insert(day, (0, 0));
            day += chrono::TimeDelta::days(7);
        }
        for (d, kind, n) in rows {
            let w = weeks.entry(monday(d)).or_default();
            if kind == ActivityKind::Visit {
                w.0 += n;
            } else {
                w.1 += n;
            }
        }
        Ok(weeks
            .into_iter()
            .map(|(monday, (visits, other))| WeekCount {
                week: dates::iso_week(monday),
                monday,
                visits,
                other,
            })
            .collect())
    }
}

impl Overview {
    /// A goal's actual figure in its half-year; none for a share with nothing to share yet.
    /// `known`: the half-year's figures when the page has counted them already.
    #[allow(clippy::too_many_arguments)]
    pub fn goal_actual(
        c: &mut DbConn,
        jobcenter_id: i64,
        goal: &super::goal::Goal,
        today: NaiveDate,
        now: NaiveDateTime,
        settings: &Settings,
        cooperation_base: i64,
        known: Option<&PeriodFigures>,
    ) -> QueryResult<Option<f64>> {
        use super::goal::GoalMetric as M;
        let period = goal.period();
        let count = |n: i64| Some(n as f64);
        let plain =
            goal.topic.is_none() && goal.placement_kind.is_none() && goal.campaign_id.is_none();
        // The figures of the goal's half-year, when the page has them already.
        if let (Some(f), true) = (known, plain) {
            let derived = match goal.metric {
                M::Visits => Some(count(f.work.of_kind(ActivityKind::Visit))),
                M::CompaniesContacted => Some(count(f.work.companies_contacted)),
                M::CooperationRate => Some(percent(f.work.contacted_in_base, cooperation_base)),
                M::PlacementsStarted => Some(count(f.placements.started)),
                M::EndedInJob => Some(percent(
                    f.placements.ended_in_job_or_education,
                    f.placements.ended,
                )),
                M::RequestsInTime => Some(percent(
                    f.requests.answered_in_time as i64,
                    f.requests.stats.answered as i64,
                )),
                M::CampaignCompaniesVisited => None,
                M::SatisfactionAverage => Some(f.satisfaction.average()),
            };
            if let Some(actual) = derived {
                return Ok(actual);
            }
        }
        Ok(match goal.metric {
            M::Visits => count(Self::activities_of(
                c,
                jobcenter_id,
                &period,
                ActivityKind::Visit,
                goal.topic,
            )?),
            M::CompaniesContacted => count(Self::contacted(c, jobcenter_id, &period)?.0),
            M::CooperationRate => percent(
                Self::contacted(c, jobcenter_id, &period)?.1,
                cooperation_base,
            ),
            M::PlacementsStarted => count(
                Self::placements_narrowed(
                    c,
                    jobcenter_id,
                    &period,
                    today,
                    goal.placement_kind,
                    goal.campaign_id,
                )?
                .started,
            ),
            M::EndedInJob => {
                let p = Self::placements_narrowed(
                    c,
                    jobcenter_id,
                    &period,
                    today,
                    goal.placement_kind,
                    None,
                )?;
                percent(p.ended_in_job_or_education, p.ended)
            }
            M::RequestsInTime => {
                let f = Self::figures(c, jobcenter_id, &[period], today, now, settings)?;
                let r = &f[0].requests;
                percent(r.answered_in_time as i64, r.stats.answered as i64)
            }
            M::SatisfactionAverage => {
                let scores = Survey::scores(
                    c,
                    jobcenter_id,
                    dates::local_midnight_utc(period.first),
                    dates::local_midnight_utc(period.end()),
                )?;
                SatisfactionFigures::of(scores.iter(), &BTreeMap::new()).average()
            }
            M::CampaignCompaniesVisited => count(Self::campaign_companies_visited(
                c,
                jobcenter_id,
                &period,
                goal.campaign_id,
            )?),
        })
    }
}
