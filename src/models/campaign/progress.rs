//! A campaign's progress: reached companies per ISO week against the plan, per consultant, and
//! the funnel of statuses.

use super::*;

pub(super) fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 100 / whole).min(100)
    }
}

/// Everything the progress page shows.
#[derive(Debug, Clone)]
pub struct Progress {
    pub targets: i64,
    pub reached: i64,
    /// Count per status, in funnel order.
    pub funnel: Vec<(TargetStatus, i64)>,
    pub consultants: Vec<ConsultantProgress>,
    pub placements: i64,
    /// Per ISO week: (Monday, planned cumulative, actual cumulative or None for future weeks).
    pub weeks: Vec<WeekPoint>,
}

#[derive(Debug, Clone)]
pub struct ConsultantProgress {
    pub id: i64,
    pub name: String,
    pub assigned: i64,
    pub contacted: i64,
    pub visited: i64,
    pub interested: i64,
    pub placements: i64,
}

#[derive(Debug, Clone)]
pub struct WeekPoint {
    pub week: u32,
    pub monday: NaiveDate,
    pub planned: f64,
    pub actual: Option<i64>,
}

impl Progress {
    pub fn of(c: &mut DbConn, campaign: &Campaign, today: NaiveDate) -> QueryResult<Progress> {
        // The counters the triggers on campaign_targets keep (a few dozen rows at any list
        // size): targets per consultant and status, and first visits per day.
        let counts: Vec<(Option<i64>, TargetStatus, i64)> = {
            campaign_status_counts::table
                .filter(campaign_status_counts::campaign_id.eq(campaign.id))
                .filter(campaign_status_counts::n.gt(0))
                .select((
                    campaign_status_counts::assigned_to,
                    campaign_status_counts::status,
                    campaign_status_counts::n,
                ))
                .load::<(i64, TargetStatus, i64)>(c)
        }?
        .into_iter()
        .map(|(a, s, n)| ((a != 0).then_some(a), s, n))
        .collect();
        let visits: Vec<(NaiveDate, i64)> = {
            campaign_visit_counts::table
                .filter(campaign_visit_counts::campaign_id.eq(campaign.id))
                .filter(campaign_visit_counts::n.gt(0))
                .select((campaign_visit_counts::visited_on, campaign_visit_counts::n))
                .load::<(NaiveDate, i64)>(c)
        }?
        .into_iter()
        .collect();
        let count = |keep: &dyn Fn(Option<i64>, TargetStatus) -> bool| -> i64 {
            counts
                .iter()
                .filter(|(a, s, _)| keep(*a, *s))
                .map(|(_, _, n)| n)
                .sum()
        };
        // Counted here rather than grouped in SQL: a GROUP BY user_id lures SQLite onto the
        // index by user, which holds all of the jobcenter's placements.
        let mut placements_by_user: HashMap<i64, i64> = HashMap::new();
        for user_id in (placements::table
            .filter(placements::jobcenter_id.eq(campaign.jobcenter_id))
            .filter(placements::campaign_id.eq(campaign.id))
            .select(placements::user_id)
            .load::<i64>(c))?
        {
            *placements_by_user.entry(user_id).or_default() += 1;
        }
        let consultants = Campaign::consultants(c, campaign.id)?;
        let funnel = TargetStatus::ALL
            .iter()
            .map(|s| (*s, count(&|_, st| st == *s)))
            .collect();
        let consultants = consultants
            .into_iter()
            .map(|u| {
                let mine = Some(u.id);
                ConsultantProgress {
                    id: u.id,
                    assigned: count(&|a, _| a == mine),
                    contacted: count(&|a, s| a == mine && s.rank() >= 1),
                    visited: count(&|a, s| a == mine && s.reached()),
                    interested: count(&|a, s| {
                        a == mine && matches!(s, TargetStatus::Interested | TargetStatus::Agreement)
                    }),
                    placements: placements_by_user.get(&u.id).copied().unwrap_or(0),
                    name: u.name,
                }
            })
            .collect();
        let weeks = weeks(
            campaign.start_on,
            campaign.end_on,
            i64::from(campaign.target_companies),
            &visits,
            today,
        );
        Ok(Progress {
            targets: count(&|_, _| true),
            reached: count(&|_, s| s.reached()),
            funnel,
            consultants,
            placements: placements_by_user.values().sum(),
            weeks,
        })
    }
}

/// Per ISO week from `start_on` to `end_on`: the plan (`target` spread evenly) and the
/// companies visited by the end of the week (`visits`: first visits per day) up to `today`.
pub(super) fn weeks(
    start_on: NaiveDate,
    end_on: NaiveDate,
    target: i64,
    visits: &[(NaiveDate, i64)],
    today: NaiveDate,
) -> Vec<WeekPoint> {
    let mondays = dates::weeks_between(start_on, end_on);
    let n = mondays.len().max(1) as f64;
    mondays
        .iter()
        .enumerate()
        .map(|(i, monday)| {
            let sunday = *monday + chrono::Days::new(6);
            WeekPoint {
                week: monday.iso_week().week(),
                monday: *monday,
                planned: (target as f64 * (i as f64 + 1.0) / n).round(),
                actual: (*monday <= today).then(|| {
                    visits
                        .iter()
                        .filter(|(v, _)| *v <= sunday)
                        .map(|(_, n)| n)
                        .sum()
                }),
            }
        })
        .collect()
}
