//! Goals: a focus area's target for a half-year, on a figure the CRM counts itself
//! (`models::overview`), with every target it has had.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::activity::Topic;
use super::placement::PlacementKind;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::DbConn;
use crate::db::schema::{campaigns, goal_targets, goals, users};
use crate::domain::cpr_guard;
use crate::domain::csv_io::parse_decimal;
use crate::domain::periods::{Period, Unit};

text_enum! {
    /// What a goal counts.
    pub enum GoalMetric {
        Visits => ("visits", "Besøg"),
        CompaniesContacted => ("companies_contacted", "Forskellige virksomheder kontaktet"),
        CooperationRate => ("cooperation_rate", "Samarbejdsgrad (%)"),
        PlacementsStarted => ("placements_started", "Forløb startet"),
        EndedInJob => ("ended_in_job", "Afsluttede forløb, der endte i job eller uddannelse (%)"),
        RequestsInTime => ("requests_in_time", "Henvendelser besvaret inden for fristen (%)"),
        CampaignCompaniesVisited => ("campaign_visited", "Virksomheder på kampagnelister besøgt"),
        SatisfactionAverage => ("satisfaction", "Virksomhedernes tilfredshed, gennemsnit (1–5)"),
    }
}

impl GoalMetric {
    /// A share in per cent rather than a count.
    pub fn is_percent(self) -> bool {
        matches!(
            self,
            GoalMetric::CooperationRate | GoalMetric::EndedInJob | GoalMetric::RequestsInTime
        )
    }

    /// A level reached (a share, an average score) rather than a count that grows through
    /// the half-year.
    pub fn is_level(self) -> bool {
        self.is_percent() || self == GoalMetric::SatisfactionAverage
    }

    pub fn takes_topic(self) -> bool {
        self == GoalMetric::Visits
    }

    pub fn takes_kind(self) -> bool {
        matches!(self, GoalMetric::PlacementsStarted | GoalMetric::EndedInJob)
    }

    pub fn takes_campaign(self) -> bool {
        matches!(
            self,
            GoalMetric::PlacementsStarted | GoalMetric::CampaignCompaniesVisited
        )
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = goals)]
pub struct Goal {
    pub id: i64,
    pub jobcenter_id: i64,
    pub half_year: String,
    pub focus_area: String,
    pub metric: GoalMetric,
    pub target: f64,
    pub topic: Option<Topic>,
    pub placement_kind: Option<PlacementKind>,
    pub campaign_id: Option<i64>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Goal {
    /// The goal's half-year (stored as written by `Period::param`).
    pub fn period(&self) -> Period {
        Period::parse_param(&self.half_year)
            .unwrap_or_else(|| Period::containing(Unit::Half, self.created_at.date()))
    }

    /// What is counted, narrowed: "Besøg – emne: Småjob".
    pub fn measure(&self, campaign_name: Option<&str>) -> String {
        let mut s = self.metric.label().to_string();
        if let Some(t) = self.topic {
            s.push_str(&format!(" – emne: {}", t.label()));
        }
        if let Some(k) = self.placement_kind {
            s.push_str(&format!(" – type: {}", k.label()));
        }
        if let Some(name) = campaign_name {
            s.push_str(&format!(" – kampagne: {name}"));
        }
        s
    }

    /// Goals count as the same across half-years when they measure the same thing.
    fn same_measure(&self, other: &Goal) -> bool {
        self.focus_area == other.focus_area
            && self.metric == other.metric
            && self.topic == other.topic
            && self.placement_kind == other.placement_kind
            && self.campaign_id == other.campaign_id
    }
}

/// The goal form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct GoalForm {
    pub half_year: String,
    pub focus_area: String,
    pub metric: String,
    pub target: String,
    pub topic: String,
    pub placement_kind: String,
    pub campaign_id: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalInput {
    pub half_year: Period,
    pub focus_area: String,
    pub metric: GoalMetric,
    pub target: f64,
    pub topic: Option<Topic>,
    pub placement_kind: Option<PlacementKind>,
    pub campaign_id: Option<i64>,
}

pub const FOCUS_AREA_MAX: usize = 120;

impl GoalForm {
    pub fn from_goal(g: &Goal) -> GoalForm {
        GoalForm {
            half_year: g.half_year.clone(),
            focus_area: g.focus_area.clone(),
            metric: g.metric.as_str().into(),
            target: crate::models::placement::format_hours(g.target),
            topic: g.topic.map(|t| t.as_str().into()).unwrap_or_default(),
            placement_kind: g
                .placement_kind
                .map(|k| k.as_str().into())
                .unwrap_or_default(),
            campaign_id: g.campaign_id.map(|id| id.to_string()).unwrap_or_default(),
            version: g.version.to_string(),
        }
    }

    pub fn validate(&self) -> Result<GoalInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let half_year = Period::parse_param(&self.half_year).filter(|p| p.unit == Unit::Half);
        if half_year.is_none() {
            errors.insert("half_year", "Vælg et halvår, fx 1. halvår 2026.".into());
        }
        let focus_area = self.focus_area.trim().to_string();
        if focus_area.is_empty() {
            errors.insert(
                "focus_area",
                "Skriv indsatsområdet, fx Virksomhedssamarbejde.".into(),
            );
        } else if focus_area.chars().count() > FOCUS_AREA_MAX {
            errors.insert(
                "focus_area",
                format!("Indsatsområdet må højst være {FOCUS_AREA_MAX} tegn."),
            );
        } else if let Err(msg) = cpr_guard::check_free_text(&focus_area) {
            errors.insert("focus_area", msg.to_string());
        }
        let metric = GoalMetric::parse(self.metric.trim());
        if metric.is_none() {
            errors.insert("metric", "Vælg hvad målet tæller.".into());
        }
        let target = parse_decimal(&self.target);
        match (target, metric) {
            (None, _) => {
                errors.insert(
                    "target",
                    "Skriv målet som et tal, fx 120 eller 45,5.".into(),
                );
            }
            (Some(t), _) if t < 0.0 => {
                errors.insert("target", "Målet kan ikke være negativt.".into());
            }
            (Some(t), Some(m)) if m.is_percent() && t > 100.0 => {
                errors.insert("target", "En andel kan højst være 100 %.".into());
            }
            (Some(t), Some(GoalMetric::SatisfactionAverage)) if !(1.0..=5.0).contains(&t) => {
                errors.insert(
                    "target",
                    "Et gennemsnit af tilfredsheden ligger mellem 1 og 5, fx 4,2.".into(),
                );
            }
            (Some(t), _) if t > 1_000_000.0 => {
                errors.insert("target", "Målet er for stort.".into());
            }
            _ => {}
        }
        let topic = optional(&self.topic, Topic::parse);
        let placement_kind = optional(&self.placement_kind, PlacementKind::parse);
        let campaign_id = optional(&self.campaign_id, |s| s.parse::<i64>().ok());
        if topic == Some(None) {
            errors.insert("topic", "Vælg et emne fra listen.".into());
        }
        if placement_kind == Some(None) {
            errors.insert("placement_kind", "Vælg en type fra listen.".into());
        }
        if campaign_id == Some(None) {
            errors.insert("campaign_id", "Vælg en kampagne fra listen.".into());
        }
        let (topic, placement_kind, campaign_id) = (
            topic.flatten(),
            placement_kind.flatten(),
            campaign_id.flatten(),
        );
        if let Some(m) = metric {
            if topic.is_some() && !m.takes_topic() {
                errors.insert(
                    "topic",
                    "Kun mål for besøg kan afgrænses til et emne.".into(),
                );
            }
            if placement_kind.is_some() && !m.takes_kind() {
                errors.insert(
                    "placement_kind",
                    "Kun mål for forløb kan afgrænses til en type.".into(),
                );
            }
            if campaign_id.is_some() && !m.takes_campaign() {
                errors.insert(
                    "campaign_id",
                    "Kun mål for startede forløb og besøg på kampagnelister kan afgrænses til en kampagne.".into(),
                );
            }
        }
        match (half_year, metric, target) {
            (Some(half_year), Some(metric), Some(target)) if errors.is_empty() => Ok(GoalInput {
                half_year,
                focus_area,
                metric,
                target,
                topic,
                placement_kind,
                campaign_id,
            }),
            _ => Err(errors),
        }
    }
}

/// "" → None (not chosen); a value → Some(parsed), where Some(None) is a value not known.
fn optional<T>(s: &str, parse: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
    match s.trim() {
        "" => None,
        v => Some(parse(v)),
    }
}

/// A target a goal had, and who set it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetChange {
    pub target: f64,
    pub changed_by: Option<String>,
    pub changed_at: NaiveDateTime,
}

impl Goal {
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Goal> {
        goals::table
            .filter(goals::jobcenter_id.eq(jobcenter_id))
            .filter(goals::id.eq(id))
            .select(Goal::as_select())
            .first(c)
    }

    /// The goals of a half-year, in the order they were made.
    pub fn of_half_year(
        c: &mut DbConn,
        jobcenter_id: i64,
        half_year: &Period,
    ) -> QueryResult<Vec<Goal>> {
        goals::table
            .filter(goals::jobcenter_id.eq(jobcenter_id))
            .filter(goals::half_year.eq(half_year.param()))
            .order(goals::id)
            .select(Goal::as_select())
            .load(c)
    }

    /// The same goal in every half-year it was set for, oldest first.
    pub fn across_half_years(c: &mut DbConn, goal: &Goal) -> QueryResult<Vec<Goal>> {
        let mut all: Vec<Goal> = goals::table
            .filter(goals::jobcenter_id.eq(goal.jobcenter_id))
            .filter(goals::focus_area.eq(&goal.focus_area))
            .filter(goals::metric.eq(goal.metric))
            .select(Goal::as_select())
            .load(c)?;
        all.retain(|g| g.same_measure(goal));
        all.sort_by_key(|g| g.period().first);
        Ok(all)
    }

    pub fn target_history(c: &mut DbConn, goal_id: i64) -> QueryResult<Vec<TargetChange>> {
        Ok(goal_targets::table
            .left_join(users::table)
            .filter(goal_targets::goal_id.eq(goal_id))
            .order(goal_targets::id)
            .select((
                goal_targets::target,
                users::name.nullable(),
                goal_targets::changed_at,
            ))
            .load::<(f64, Option<String>, NaiveDateTime)>(c)?
            .into_iter()
            .map(|(target, changed_by, changed_at)| TargetChange {
                target,
                changed_by,
                changed_at,
            })
            .collect())
    }

    fn check_campaign(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &GoalInput,
    ) -> Result<(), WriteError> {
        if let Some(id) = input.campaign_id {
            let found = campaigns::table
                .filter(campaigns::jobcenter_id.eq(jobcenter_id))
                .filter(campaigns::id.eq(id))
                .select(campaigns::id)
                .first::<i64>(c)
                .optional()?;
            if found.is_none() {
                return Err(WriteError::invalid(
                    "campaign_id",
                    "Vælg en kampagne fra listen.",
                ));
            }
        }
        Ok(())
    }

    fn record_target(
        c: &mut DbConn,
        goal_id: i64,
        target: f64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(goal_targets::table)
            .values((
                goal_targets::goal_id.eq(goal_id),
                goal_targets::target.eq(target),
                goal_targets::changed_by.eq(user_id),
                goal_targets::changed_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    }

    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &GoalInput,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<Goal, WriteError> {
        Self::check_campaign(c, jobcenter_id, input)?;
        let id: i64 = diesel::insert_into(goals::table)
            .values((
                goals::jobcenter_id.eq(jobcenter_id),
                goals::half_year.eq(input.half_year.param()),
                goals::focus_area.eq(&input.focus_area),
                goals::metric.eq(input.metric),
                goals::target.eq(input.target),
                goals::topic.eq(input.topic),
                goals::placement_kind.eq(input.placement_kind),
                goals::campaign_id.eq(input.campaign_id),
                goals::version.eq(1),
                goals::created_at.eq(now),
                goals::updated_at.eq(now),
            ))
            .returning(goals::id)
            .get_result(c)?;
        Self::record_target(c, id, input.target, user_id, now)?;
        Ok(Self::find(c, jobcenter_id, id)?)
    }

    /// Saves the form over version `version`; a changed target joins the goal's history.
    /// Returns the goal before and after.
    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        version: i32,
        input: &GoalInput,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<(Goal, Goal), WriteError> {
        let before = Self::find(c, jobcenter_id, id)?;
        Self::check_campaign(c, jobcenter_id, input)?;
        let saved = diesel::update(
            goals::table
                .filter(goals::jobcenter_id.eq(jobcenter_id))
                .filter(goals::id.eq(id))
                .filter(goals::version.eq(version)),
        )
        .set((
            goals::half_year.eq(input.half_year.param()),
            goals::focus_area.eq(&input.focus_area),
            goals::metric.eq(input.metric),
            goals::target.eq(input.target),
            goals::topic.eq(input.topic),
            goals::placement_kind.eq(input.placement_kind),
            goals::campaign_id.eq(input.campaign_id),
            goals::version.eq(version + 1),
            goals::updated_at.eq(now),
        ))
        .execute(c)?;
        if saved == 0 {
            return Err(WriteError::Stale);
        }
        let after = Self::find(c, jobcenter_id, id)?;
        if after.target != before.target {
            Self::record_target(c, id, after.target, user_id, now)?;
        }
        Ok((before, after))
    }

    pub fn delete(c: &mut DbConn, jobcenter_id: i64, id: i64) -> Result<Goal, WriteError> {
        let goal = Self::find(c, jobcenter_id, id)?;
        diesel::delete(goals::table.filter(goals::id.eq(goal.id))).execute(c)?;
        Ok(goal)
    }

    /// Copies the goals of `from` to the half-year after it, leaving out those that are set
    /// there already; the number copied.
    pub fn copy_to_next(
        c: &mut DbConn,
        jobcenter_id: i64,
        from: &Period,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<usize, WriteError> {
        let next = from.next();
        let there = Self::of_half_year(c, jobcenter_id, &next)?;
        let mut copied = 0;
        for g in Self::of_half_year(c, jobcenter_id, from)? {
            if there.iter().any(|t| t.same_measure(&g)) {
                continue;
            }
            let input = GoalInput {
                half_year: next,
                focus_area: g.focus_area,
                metric: g.metric,
                target: g.target,
                topic: g.topic,
                placement_kind: g.placement_kind,
                campaign_id: g.campaign_id,
            };
            Self::create(c, jobcenter_id, &input, user_id, now)?;
            copied += 1;
        }
        Ok(copied)
    }
}

/// How a goal stands: its actual figure against the target, pro rata through the half-year
/// for counts (a share is compared as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    NotStarted,
    Reached,
    OnTrack,
    Behind,
    Missed,
    NoFigure,
}

impl Standing {
    pub fn of(metric: GoalMetric, target: f64, actual: Option<f64>, elapsed: f64) -> Standing {
        let Some(actual) = actual else {
            return Standing::NoFigure;
        };
        if actual >= target {
            return Standing::Reached;
        }
        if elapsed <= 0.0 {
            return Standing::NotStarted;
        }
        if elapsed >= 1.0 {
            return Standing::Missed;
        }
        let expected = if metric.is_level() {
            target
        } else {
            target * elapsed
        };
        if actual >= expected {
            Standing::OnTrack
        } else {
            Standing::Behind
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::NotStarted => "Ikke begyndt",
            Standing::Reached => "Nået",
            Standing::OnTrack => "På sporet",
            Standing::Behind => "Bagud",
            Standing::Missed => "Ikke nået",
            Standing::NoFigure => "Intet tal endnu",
        }
    }

    /// The CSS class of its mark.
    pub fn class(self) -> &'static str {
        match self {
            Standing::Reached | Standing::OnTrack => "standing-good",
            Standing::Behind | Standing::Missed => "standing-bad",
            Standing::NotStarted | Standing::NoFigure => "standing-none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(metric: &str, target: &str) -> GoalForm {
        GoalForm {
            half_year: "2026-H1".into(),
            focus_area: "Virksomhedssamarbejde".into(),
            metric: metric.into(),
            target: target.into(),
            ..Default::default()
        }
    }

    #[test]
    fn bad_goals_are_refused_field_by_field() {
        let e = form("visits", "-5").validate().unwrap_err();
        assert!(e["target"].contains("negativt"));
        let e = form("nonsense", "5").validate().unwrap_err();
        assert!(e.contains_key("metric"));
        let e = GoalForm {
            half_year: "2026-H3".into(),
            ..form("visits", "5")
        }
        .validate()
        .unwrap_err();
        assert!(e.contains_key("half_year"));
        let e = form("cooperation_rate", "120").validate().unwrap_err();
        assert!(e["target"].contains("100"));
        let e = GoalForm {
            topic: "smaajob".into(),
            ..form("companies_contacted", "5")
        }
        .validate()
        .unwrap_err();
        assert!(e.contains_key("topic"));
        let ok = GoalForm {
            topic: "smaajob".into(),
            ..form("visits", "120,5")
        }
        .validate()
        .unwrap();
        assert_eq!(ok.target, 120.5);
        assert_eq!(ok.topic, Some(Topic::Smaajob));
    }

    #[test]
    fn standing_is_pro_rata_for_counts_and_direct_for_shares() {
        let s = |m, t, a, e| Standing::of(m, t, Some(a), e);
        assert_eq!(s(GoalMetric::Visits, 100.0, 0.0, 0.0), Standing::NotStarted);
        assert_eq!(s(GoalMetric::Visits, 100.0, 40.0, 0.5), Standing::Behind);
        assert_eq!(s(GoalMetric::Visits, 100.0, 50.0, 0.5), Standing::OnTrack);
        assert_eq!(s(GoalMetric::Visits, 100.0, 100.0, 0.2), Standing::Reached);
        assert_eq!(s(GoalMetric::Visits, 100.0, 99.0, 1.0), Standing::Missed);
        assert_eq!(
            s(GoalMetric::CooperationRate, 30.0, 20.0, 0.5),
            Standing::Behind
        );
        assert_eq!(
            Standing::of(GoalMetric::EndedInJob, 40.0, None, 0.5),
            Standing::NoFigure
        );
    }
}
