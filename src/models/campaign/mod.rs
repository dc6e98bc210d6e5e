//! Campaigns: planned outreach to a list of companies over some ISO weeks, split between
//! consultants, whose progress moves by itself as activities and placements are logged.

mod progress;
mod regional;
mod targets;

use progress::percent;
pub use progress::{ConsultantProgress, Progress, WeekPoint};
use regional::ALREADY_JOINED;
pub use regional::{Committee, Joinable, MemberProgress, RegionalCampaign};

pub use targets::{AddReport, CampaignTarget, ListedTarget, MyTarget, TargetListFilter, TargetRow};

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;

use super::activity::{ActivityKind, Outcome, Topic, decode_topics, encode_topics};
use super::company::Cursor;
use super::user::StaffMember;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::schema::{
    campaign_consultants, campaign_status_counts, campaign_targets, campaign_visit_counts,
    campaigns, companies, placements, users,
};
use crate::db::{DbConn, write_tx};
use crate::domain::cpr_guard;
use crate::domain::dates::{self, DateOrWeek};

text_enum! {
    pub enum CampaignStatus {
        Planned => ("planned", "Planlagt"),
        Running => ("running", "I gang"),
        Done => ("done", "Afsluttet"),
    }
}

text_enum! {
    /// How far a company on the list has come; declined stands apart.
    pub enum TargetStatus {
        NotContacted => ("not_contacted", "Ikke kontaktet"),
        Contacted => ("contacted", "Kontaktet"),
        Visited => ("visited", "Besøgt"),
        Interested => ("interested", "Interesseret"),
        Agreement => ("agreement", "Aftale"),
        Declined => ("declined", "Afvist"),
    }
}

impl TargetStatus {
    /// Position on the way to an agreement; a declined company is past being contacted.
    fn rank(self) -> u8 {
        match self {
            TargetStatus::NotContacted => 0,
            TargetStatus::Contacted | TargetStatus::Declined => 1,
            TargetStatus::Visited => 2,
            TargetStatus::Interested => 3,
            TargetStatus::Agreement => 4,
        }
    }

    /// Whether the company has been visited (or come further).
    pub fn reached(self) -> bool {
        matches!(
            self,
            TargetStatus::Visited | TargetStatus::Interested | TargetStatus::Agreement
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = campaigns)]
pub struct Campaign {
    pub id: i64,
    pub jobcenter_id: i64,
    pub name: String,
    pub purpose: String,
    pub topics: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub target_companies: i32,
    pub target_placements: Option<i32>,
    pub status: CampaignStatus,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The regional campaign (of a cluster) this is the jobcenter's part of.
    pub regional_campaign_id: Option<i64>,
}

/// The campaign form as typed. Consultants and topics arrive as checkboxes named
/// `consultant_<id>` and `topic_<key>`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CampaignForm {
    pub name: String,
    pub purpose: String,
    pub start: String,
    pub end: String,
    pub target_companies: String,
    pub target_placements: String,
    pub status: String,
    pub version: String,
    /// A new campaign for a cluster: the cluster's id (empty: the jobcenter's own).
    pub cluster: String,
    /// A new campaign joining a regional campaign: its id.
    pub regional: String,
    #[serde(flatten)]
    pub checkboxes: HashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignInput {
    pub name: String,
    pub purpose: String,
    pub topics: Vec<Topic>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub target_companies: i32,
    pub target_placements: Option<i32>,
    pub status: CampaignStatus,
    pub consultant_ids: Vec<i64>,
    /// What a new campaign is part of; an edit keeps what the campaign is part of.
    pub regional: Regional,
}

/// Whether a new campaign is the jobcenter's own or its part of a cluster's campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Regional {
    #[default]
    No,
    /// Opens a regional campaign in this cluster.
    For(i64),
    /// Joins this regional campaign.
    Join(i64),
}

impl CampaignForm {
    pub fn checked(&self, name: &str) -> bool {
        self.checkboxes.get(name).is_some_and(|v| !v.is_empty())
    }

    pub fn from_campaign(c: &Campaign, consultant_ids: &[i64]) -> CampaignForm {
        let mut checkboxes: HashMap<String, String> = decode_topics(&c.topics)
            .into_iter()
            .map(|t| (format!("topic_{}", t.as_str()), "1".to_string()))
            .collect();
        for id in consultant_ids {
            checkboxes.insert(format!("consultant_{id}"), "1".into());
        }
        CampaignForm {
            name: c.name.clone(),
            purpose: c.purpose.clone(),
            start: dates::dk_date(c.start_on),
            end: dates::dk_date(c.end_on),
            target_companies: c.target_companies.to_string(),
            target_placements: c
                .target_placements
                .map(|n| n.to_string())
                .unwrap_or_default(),
            status: c.status.as_str().into(),
            version: c.version.to_string(),
            checkboxes,
            ..Default::default()
        }
    }

    /// A new campaign whose weeks, written without a year, are already over this year: most
    /// likely meant for next year. The question to ask, with the weeks the user probably meant.
    pub fn past_weeks_question(&self, today: NaiveDate) -> Option<String> {
        let (
            Some(DateOrWeek::Week {
                week: sw,
                year: None,
            }),
            Some(DateOrWeek::Week {
                week: ew,
                year: None,
            }),
        ) = (
            dates::parse_date_or_week(&self.start),
            dates::parse_date_or_week(&self.end),
        )
        else {
            return None;
        };
        let (_, end) = dates::resolve_period(
            DateOrWeek::Week {
                week: sw,
                year: None,
            },
            DateOrWeek::Week {
                week: ew,
                year: None,
            },
            today.year(),
        )?;
        (end < today).then(|| {
            format!(
                "Uge {sw}–{ew} {} er allerede gået. Mente du uge {sw}–{ew} {}? Skriv årstallet med, fx uge {sw} {}.",
                today.year(),
                today.year() + 1,
                today.year() + 1
            )
        })
    }

    /// `this_year` is used for weeks given without a year.
    pub fn validate(&self, this_year: i32) -> Result<CampaignInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.insert("name", "Giv kampagnen et navn.".into());
        } else if name.chars().count() > 200 {
            errors.insert("name", "Må højst være på 200 tegn.".into());
        }
        let purpose = self.purpose.trim().to_string();
        if purpose.chars().count() > 2000 {
            errors.insert("purpose", "Må højst være på 2000 tegn.".into());
        } else if let Err(e) = cpr_guard::check_free_text(&purpose) {
            errors.insert("purpose", e.into());
        }
        let topics: Vec<Topic> = Topic::ALL
            .iter()
            .copied()
            .filter(|t| self.checked(&format!("topic_{}", t.as_str())))
            .collect();
        let start = dates::parse_date_or_week(&self.start);
        if start.is_none() {
            errors.insert(
                "start",
                "Skriv en uge (fx uge 41) eller en dato (fx 05-10-2026).".into(),
            );
        }
        let end = dates::parse_date_or_week(&self.end);
        if end.is_none() {
            errors.insert(
                "end",
                "Skriv en uge (fx uge 49) eller en dato (fx 06-12-2026).".into(),
            );
        }
        let period = match (start, end) {
            (Some(s), Some(e)) => match dates::resolve_period(s, e, this_year) {
                Some((s, e)) if e >= s => Some((s, e)),
                Some(_) => {
                    errors.insert("end", "Kampagnen kan ikke slutte, før den begynder.".into());
                    None
                }
                None => {
                    errors.insert("start", "Ugen findes ikke i det år.".into());
                    None
                }
            },
            _ => None,
        };
        let target_companies = match self.target_companies.trim().parse::<i32>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                errors.insert(
                    "target_companies",
                    "Skriv hvor mange virksomheder, fx 50.".into(),
                );
                0
            }
        };
        let target_placements = match self.target_placements.trim() {
            "" => None,
            v => match v.parse::<i32>() {
                Ok(n) if (0..=100_000).contains(&n) => Some(n),
                _ => {
                    errors.insert(
                        "target_placements",
                        "Skriv et antal, fx 10, eller lad feltet stå tomt.".into(),
                    );
                    None
                }
            },
        };
        let status = match self.status.trim() {
            "" => CampaignStatus::Planned,
            s => CampaignStatus::parse(s).unwrap_or_else(|| {
                errors.insert("status", "Vælg en status.".into());
                CampaignStatus::Planned
            }),
        };
        let regional = match (self.cluster.trim(), self.regional.trim()) {
            ("", "") => Regional::No,
            (_, r) if !r.is_empty() => match r.parse() {
                Ok(id) => Regional::Join(id),
                Err(_) => {
                    errors.insert("regional", "Den regionale kampagne findes ikke.".into());
                    Regional::No
                }
            },
            (k, _) => match k.parse() {
                Ok(id) => Regional::For(id),
                Err(_) => {
                    errors.insert("cluster", "Vælg en klynge, jobcentret er medlem af.".into());
                    Regional::No
                }
            },
        };
        let consultant_ids: Vec<i64> = self
            .checkboxes
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .filter_map(|(k, _)| k.strip_prefix("consultant_")?.parse().ok())
            .collect();
        match period {
            Some((start_on, end_on)) if errors.is_empty() => Ok(CampaignInput {
                name,
                purpose,
                topics,
                start_on,
                end_on,
                target_companies,
                target_placements,
                status,
                consultant_ids,
                regional,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = campaigns, treat_none_as_null = true)]
struct CampaignValues<'a> {
    name: &'a str,
    purpose: &'a str,
    topics: String,
    start_on: NaiveDate,
    end_on: NaiveDate,
    target_companies: i32,
    target_placements: Option<i32>,
    status: CampaignStatus,
    updated_at: NaiveDateTime,
}

impl CampaignInput {
    fn values(&self, now: NaiveDateTime) -> CampaignValues<'_> {
        CampaignValues {
            name: &self.name,
            purpose: &self.purpose,
            topics: encode_topics(&self.topics),
            start_on: self.start_on,
            end_on: self.end_on,
            target_companies: self.target_companies,
            target_placements: self.target_placements,
            status: self.status,
            updated_at: now,
        }
    }

    /// Replaces the consultants; each must be active staff of the jobcenter who may work (not
    /// a reader).
    fn save_consultants(
        &self,
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
    ) -> Result<(), WriteError> {
        let valid: Vec<i64> = users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .filter(users::active.eq(true))
            .filter(users::role.ne(super::user::Role::Reader))
            .filter(users::id.eq_any(&self.consultant_ids))
            .select(users::id)
            .load(c)?;
        if valid.len() != self.consultant_ids.len() {
            return Err(WriteError::invalid(
                "consultants",
                "Vælg konsulenter fra jobcenteret.",
            ));
        }
        diesel::delete(
            campaign_consultants::table.filter(campaign_consultants::campaign_id.eq(campaign_id)),
        )
        .execute(c)?;
        for user_id in valid {
            diesel::insert_into(campaign_consultants::table)
                .values((
                    campaign_consultants::campaign_id.eq(campaign_id),
                    campaign_consultants::user_id.eq(user_id),
                ))
                .execute(c)?;
        }
        Ok(())
    }
}

/// A campaign with its progress at a glance.
#[derive(Debug, Clone)]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub targets: i64,
    pub reached: i64,
    pub percent: i64,
}

impl Campaign {
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Campaign> {
        campaigns::table
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(campaigns::id.eq(id))
            .select(Campaign::as_select())
            .first(c)
    }

    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &CampaignInput,
        now: NaiveDateTime,
    ) -> Result<Campaign, WriteError> {
        write_tx(c, |c| {
            let regional_id = match input.regional {
                Regional::No => None,
                Regional::For(cluster_id) => Some(RegionalCampaign::open(
                    c,
                    jobcenter_id,
                    cluster_id,
                    input,
                    now,
                )?),
                Regional::Join(id) => {
                    Some(RegionalCampaign::check_joinable(c, jobcenter_id, id)?.id)
                }
            };
            let id: i64 = diesel::insert_into(campaigns::table)
                .values((
                    input.values(now),
                    campaigns::regional_campaign_id.eq(regional_id),
                    campaigns::jobcenter_id.eq(jobcenter_id),
                    campaigns::created_at.eq(now),
                    campaigns::version.eq(1),
                ))
                .returning(campaigns::id)
                .get_result(c)
                .map_err(|e| match e {
                    // Another manager joined the same regional campaign a moment before.
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) if regional_id.is_some() => WriteError::invalid("regional", ALREADY_JOINED),
                    e => e.into(),
                })?;
            input.save_consultants(c, jobcenter_id, id)?;
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        expected_version: i32,
        input: &CampaignInput,
        now: NaiveDateTime,
    ) -> Result<Campaign, WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, id)?;
            if current.version != expected_version {
                return Err(WriteError::Stale);
            }
            diesel::update(
                campaigns::table
                    .filter(campaigns::id.eq(id))
                    .filter(campaigns::version.eq(expected_version)),
            )
            .set((
                input.values(now),
                campaigns::version.eq(expected_version + 1),
            ))
            .execute(c)?;
            input.save_consultants(c, jobcenter_id, id)?;
            let campaign = Self::find(c, jobcenter_id, id)?;
            RegionalCampaign::follow(c, &campaign, input)?;
            Ok(campaign)
        })
    }

    /// Moves a planned campaign to running, as it was when the page showing it was drawn
    /// (`expected_version`); its targets then show on the consultants' start pages.
    pub fn start(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        expected_version: i32,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        let changed = diesel::update(
            campaigns::table
                .filter(campaigns::jobcenter_id.eq(jobcenter_id))
                .filter(campaigns::id.eq(id))
                .filter(campaigns::version.eq(expected_version))
                .filter(campaigns::status.eq(CampaignStatus::Planned)),
        )
        .set((
            campaigns::status.eq(CampaignStatus::Running),
            campaigns::version.eq(expected_version + 1),
            campaigns::updated_at.eq(now),
        ))
        .execute(c)?;
        if changed == 1 {
            Ok(())
        } else {
            Err(WriteError::Stale)
        }
    }

    pub fn consultants(c: &mut DbConn, campaign_id: i64) -> QueryResult<Vec<StaffMember>> {
        campaign_consultants::table
            .inner_join(users::table)
            .filter(campaign_consultants::campaign_id.eq(campaign_id))
            .order(users::name)
            .select(StaffMember::as_select())
            .load(c)
    }

    pub fn is_consultant(c: &mut DbConn, campaign_id: i64, user_id: i64) -> QueryResult<bool> {
        Ok(campaign_consultants::table
            .filter(campaign_consultants::campaign_id.eq(campaign_id))
            .filter(campaign_consultants::user_id.eq(user_id))
            .select(campaign_consultants::user_id)
            .first::<i64>(c)
            .optional()?
            .is_some())
    }

    /// The jobcenter's campaigns (or only those `user_id` is on), newest first, with progress.
    pub fn list(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: Option<i64>,
    ) -> QueryResult<Vec<CampaignSummary>> {
        let mut query = campaigns::table
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .into_boxed::<<DbConn as Connection>::Backend>();
        if let Some(u) = user_id {
            let mine = campaign_consultants::table
                .filter(campaign_consultants::user_id.eq(u))
                .select(campaign_consultants::campaign_id);
            query = query.filter(campaigns::id.eq_any(mine));
        }
        let list: Vec<Campaign> = query
            .order((campaigns::start_on.desc(), campaigns::id.desc()))
            .limit(500)
            .select(Campaign::as_select())
            .load(c)?;
        let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
        let counts: Vec<(i64, TargetStatus, i64)> = if ids.is_empty() {
            Vec::new()
        } else {
            campaign_targets::table
                .filter(campaign_targets::campaign_id.eq_any(&ids))
                .group_by((campaign_targets::campaign_id, campaign_targets::status))
                .select((
                    campaign_targets::campaign_id,
                    campaign_targets::status,
                    count_star(),
                ))
                .load(c)?
        };
        Ok(list
            .into_iter()
            .map(|campaign| {
                let mine = counts.iter().filter(|(id, _, _)| *id == campaign.id);
                let targets: i64 = mine.clone().map(|(_, _, n)| n).sum();
                let reached: i64 = mine
                    .filter(|(_, s, _)| s.reached())
                    .map(|(_, _, n)| n)
                    .sum();
                CampaignSummary {
                    percent: percent(reached, i64::from(campaign.target_companies)),
                    targets,
                    reached,
                    campaign,
                }
            })
            .collect())
    }

    /// The names of the jobcenter's campaigns among `ids`.
    pub fn names(
        c: &mut DbConn,
        jobcenter_id: i64,
        ids: &[i64],
    ) -> QueryResult<Vec<(i64, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        campaigns::table
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(campaigns::id.eq_any(ids))
            .select((campaigns::id, campaigns::name))
            .load(c)
    }

    /// Planned and running campaigns the company is on, for the activity and placement forms.
    pub fn for_company(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
    ) -> QueryResult<Vec<Campaign>> {
        campaigns::table
            .inner_join(campaign_targets::table)
            .filter(campaign_targets::company_id.eq(company_id))
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(campaigns::status.ne(CampaignStatus::Done))
            .order(campaigns::start_on.desc())
            .select(Campaign::as_select())
            .load(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_moves_only_forward() {
        assert!(TargetStatus::Visited.rank() > TargetStatus::Contacted.rank());
        assert!(TargetStatus::Agreement.reached());
        assert!(!TargetStatus::Declined.reached());
        assert_eq!(percent(31, 50), 62);
        assert_eq!(percent(60, 50), 100);
        assert_eq!(percent(1, 0), 0);
    }
}
