//! Campaigns: planned outreach to a list of companies over some ISO weeks, split between
//! consultants, whose progress moves by itself as activities and placements are logged.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::activity::{ActivityKind, Outcome, Topic, decode_topics, encode_topics};
use super::company::Cursor;
use super::user::StaffMember;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::schema::{
    campaign_consultants, campaign_status_counts, campaign_targets, campaign_visit_counts,
    campaigns, companies, placements, users,
};
use crate::db::{DbConn, write_tx};
use crate::domain::{cpr_guard, dates};

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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
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
}

impl Campaign {
    /// "uge 41–49 (05-10-2026 – 06-12-2026)".
    pub fn period_label(&self) -> String {
        format!(
            "{} ({} – {})",
            dates::week_span(self.start_on, self.end_on),
            dates::dk_date(self.start_on),
            dates::dk_date(self.end_on)
        )
    }
}

/// The campaign form as typed. Consultants and topics arrive as checkboxes named
/// `consultant_<id>` and `topic_<key>`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
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
        }
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

    /// Replaces the consultants; each must be active staff of the jobcenter.
    fn save_consultants(
        &self,
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
    ) -> Result<(), WriteError> {
        let valid: Vec<i64> = users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .filter(users::active.eq(true))
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
#[derive(Debug, Clone, Serialize)]
pub struct CampaignSummary {
    #[serde(flatten)]
    pub campaign: Campaign,
    pub status_label: &'static str,
    pub period: String,
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
            let id: i64 = diesel::insert_into(campaigns::table)
                .values((
                    input.values(now),
                    campaigns::jobcenter_id.eq(jobcenter_id),
                    campaigns::created_at.eq(now),
                    campaigns::version.eq(1),
                ))
                .returning(campaigns::id)
                .get_result(c)?;
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
            Ok(Self::find(c, jobcenter_id, id)?)
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
                    status_label: campaign.status.label(),
                    period: campaign.period_label(),
                    percent: percent(reached, i64::from(campaign.target_companies)),
                    targets,
                    reached,
                    campaign,
                }
            })
            .collect())
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

fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 100 / whole).min(100)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = campaign_targets)]
pub struct CampaignTarget {
    pub id: i64,
    pub jobcenter_id: i64,
    pub campaign_id: i64,
    pub company_id: i64,
    pub assigned_to: Option<i64>,
    pub status: TargetStatus,
    pub contacted_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    pub last_activity_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Which targets a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetListFilter {
    pub status: Option<TargetStatus>,
    pub assigned_to: Option<i64>,
}

/// The columns of a target that its row in the list (and the CSV export) shows.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = campaign_targets)]
pub struct ListedTarget {
    pub id: i64,
    pub company_id: i64,
    pub assigned_to: Option<i64>,
    pub status: TargetStatus,
    pub contacted_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    pub last_activity_on: Option<NaiveDate>,
}

/// A target with what the list shows.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    #[serde(flatten)]
    pub target: ListedTarget,
    pub status_label: &'static str,
    pub company_name: String,
    pub cvr: String,
    pub city: String,
    pub assigned_name: Option<String>,
    pub last_activity: Option<String>,
}

/// A consultant's open target on the start page.
#[derive(Debug, Clone, Serialize)]
pub struct MyTarget {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub company_id: i64,
    pub company_name: String,
    pub status_label: &'static str,
}

/// What adding companies to the list came to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AddReport {
    pub added: usize,
    pub already: usize,
}

impl CampaignTarget {
    /// Adds companies of the jobcenter to the list; each company is on a campaign once. Ids of
    /// another jobcenter's companies are ignored.
    pub fn add(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_ids: &[i64],
        now: NaiveDateTime,
    ) -> QueryResult<AddReport> {
        write_tx(c, |c| {
            Campaign::find(c, jobcenter_id, campaign_id)?;
            let mut report = AddReport::default();
            for chunk in company_ids.chunks(500) {
                let ours: Vec<(i64, String)> = companies::table
                    .filter(companies::jobcenter_id.eq(jobcenter_id))
                    .filter(companies::id.eq_any(chunk))
                    .select((companies::id, companies::name_search))
                    .load(c)?;
                let present: Vec<i64> = campaign_targets::table
                    .filter(campaign_targets::campaign_id.eq(campaign_id))
                    .filter(campaign_targets::company_id.eq_any(ours.iter().map(|(id, _)| *id)))
                    .select(campaign_targets::company_id)
                    .load(c)?;
                for (company_id, name_search) in ours {
                    if present.contains(&company_id) {
                        report.already += 1;
                        continue;
                    }
                    diesel::insert_into(campaign_targets::table)
                        .values((
                            campaign_targets::jobcenter_id.eq(jobcenter_id),
                            campaign_targets::campaign_id.eq(campaign_id),
                            campaign_targets::company_id.eq(company_id),
                            campaign_targets::company_name_search.eq(name_search),
                            campaign_targets::status.eq(TargetStatus::NotContacted),
                            campaign_targets::created_at.eq(now),
                            campaign_targets::updated_at.eq(now),
                        ))
                        .execute(c)?;
                    report.added += 1;
                }
            }
            Ok(report)
        })
    }

    pub fn find(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        id: i64,
    ) -> QueryResult<CampaignTarget> {
        campaign_targets::table
            .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
            .filter(campaign_targets::campaign_id.eq(campaign_id))
            .filter(campaign_targets::id.eq(id))
            .select(CampaignTarget::as_select())
            .first(c)
    }

    /// The list, by company name, optionally narrowed to a status or a consultant: `limit`
    /// rows after the cursor (company name key and id), and the cursor of the next page.
    pub fn list(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        filter: TargetListFilter,
        after: Option<&Cursor>,
        limit: i64,
    ) -> QueryResult<(Vec<TargetRow>, Option<Cursor>)> {
        type Row = (ListedTarget, String, String, String, String, Option<String>);
        let mut rows: Vec<Row> = {
            // The consultant's name comes with the row (a LEFT JOIN cannot lead the walk).
            let mut query = campaign_targets::table
                .inner_join(companies::table)
                .left_join(users::table.on(users::id.nullable().eq(campaign_targets::assigned_to)))
                .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
                .filter(campaign_targets::campaign_id.eq(campaign_id))
                .into_boxed();
            if let Some(s) = filter.status {
                query = query.filter(campaign_targets::status.eq(s));
            }
            if let Some(u) = filter.assigned_to {
                query = query.filter(campaign_targets::assigned_to.eq(u));
            }
            if let Some(cur) = after {
                query = query.filter(cur.after(
                    campaign_targets::company_name_search,
                    campaign_targets::company_id,
                ));
            }
            query
                .order((
                    campaign_targets::company_name_search,
                    campaign_targets::company_id,
                ))
                .limit(limit + 1)
                .select((
                    ListedTarget::as_select(),
                    companies::name,
                    companies::cvr,
                    companies::city,
                    campaign_targets::company_name_search,
                    users::name.nullable(),
                ))
                .load(c)
        }?;
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|(t, _, _, _, key, _)| Cursor {
                key: Some(key.clone()),
                id: t.company_id,
            })
        } else {
            None
        };
        let rows = rows
            .into_iter()
            .map(
                |(target, company_name, cvr, city, _, assigned_name)| TargetRow {
                    status_label: target.status.label(),
                    assigned_name,
                    last_activity: target.last_activity_on.map(dates::dk_date),
                    company_name,
                    cvr,
                    city,
                    target,
                },
            )
            .collect();
        Ok((rows, next))
    }

    /// Gives the unassigned companies to the campaign's consultants, each to whoever has the
    /// fewest, so the shares differ by at most one. Returns how many were assigned.
    pub fn split_evenly(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        now: NaiveDateTime,
    ) -> Result<usize, WriteError> {
        write_tx(c, |c| {
            Campaign::find(c, jobcenter_id, campaign_id)?;
            let consultants: Vec<i64> = Campaign::consultants(c, campaign_id)?
                .into_iter()
                .filter(|u| u.active)
                .map(|u| u.id)
                .collect();
            if consultants.is_empty() {
                return Err(WriteError::invalid(
                    "consultants",
                    "Kampagnen har ingen konsulenter endnu.",
                ));
            }
            let assigned: Vec<Option<i64>> = campaign_targets::table
                .filter(campaign_targets::campaign_id.eq(campaign_id))
                .select(campaign_targets::assigned_to)
                .load(c)?;
            let mut load: Vec<(usize, i64)> = consultants
                .iter()
                .map(|id| (assigned.iter().filter(|a| **a == Some(*id)).count(), *id))
                .collect();
            let unassigned: Vec<i64> = campaign_targets::table
                .inner_join(companies::table)
                .filter(campaign_targets::campaign_id.eq(campaign_id))
                .filter(campaign_targets::assigned_to.is_null())
                .order(companies::name_search)
                .select(campaign_targets::id)
                .load(c)?;
            for target_id in &unassigned {
                load.sort();
                let (count, user_id) = &mut load[0];
                diesel::update(campaign_targets::table.find(*target_id))
                    .set((
                        campaign_targets::assigned_to.eq(*user_id),
                        campaign_targets::updated_at.eq(now),
                    ))
                    .execute(c)?;
                *count += 1;
            }
            Ok(unassigned.len())
        })
    }

    /// Sets the consultant and/or the status by hand.
    pub fn set(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        id: i64,
        assigned_to: Option<i64>,
        status: TargetStatus,
        now: NaiveDateTime,
    ) -> Result<CampaignTarget, WriteError> {
        let today = dates::local_date(now);
        write_tx(c, |c| {
            let target = Self::find(c, jobcenter_id, campaign_id, id)?;
            if let Some(u) = assigned_to
                && !Campaign::is_consultant(c, campaign_id, u)?
            {
                return Err(WriteError::invalid(
                    "assigned_to",
                    "Vælg en af kampagnens konsulenter.",
                ));
            }
            diesel::update(campaign_targets::table.find(target.id))
                .set((
                    campaign_targets::assigned_to.eq(assigned_to),
                    campaign_targets::status.eq(status),
                    campaign_targets::contacted_on.eq(target
                        .contacted_on
                        .or((status.rank() >= 1).then_some(today))),
                    campaign_targets::visited_on
                        .eq(target.visited_on.or(status.reached().then_some(today))),
                    campaign_targets::updated_at.eq(now),
                ))
                .execute(c)?;
            Ok(Self::find(c, jobcenter_id, campaign_id, id)?)
        })
    }

    pub fn remove(c: &mut DbConn, jobcenter_id: i64, campaign_id: i64, id: i64) -> QueryResult<()> {
        let target = Self::find(c, jobcenter_id, campaign_id, id)?;
        diesel::delete(campaign_targets::table.find(target.id))
            .execute(c)
            .map(drop)
    }

    /// Moves the company's target forward after an activity: a call or mail → contacted, a
    /// visit, meeting or event → visited, "interested" → interested. Never backwards, and a
    /// declined company stays declined. Fails with `Invalid` when the company is not on the list.
    pub fn progress_from_activity(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_id: i64,
        (kind, outcome, on): (ActivityKind, Option<Outcome>, NaiveDate),
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        let mut reached = match kind {
            ActivityKind::Phone | ActivityKind::Mail => TargetStatus::Contacted,
            ActivityKind::Visit | ActivityKind::Meeting | ActivityKind::Event => {
                TargetStatus::Visited
            }
        };
        if matches!(outcome, Some(Outcome::Interested | Outcome::Positive)) {
            reached = TargetStatus::Interested;
        }
        Self::progress(c, jobcenter_id, campaign_id, company_id, reached, on, now)
    }

    /// A placement that came of the campaign makes its company an agreement.
    pub fn progress_from_placement(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_id: i64,
        on: NaiveDate,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        Self::progress(
            c,
            jobcenter_id,
            campaign_id,
            company_id,
            TargetStatus::Agreement,
            on,
            now,
        )
    }

    fn progress(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        company_id: i64,
        reached: TargetStatus,
        on: NaiveDate,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        let target: Option<CampaignTarget> = campaign_targets::table
            .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
            .filter(campaign_targets::campaign_id.eq(campaign_id))
            .filter(campaign_targets::company_id.eq(company_id))
            .select(CampaignTarget::as_select())
            .first(c)
            .optional()?;
        let Some(target) = target else {
            return Err(WriteError::invalid(
                "campaign_id",
                "Virksomheden er ikke på kampagnens liste.",
            ));
        };
        let status =
            if target.status == TargetStatus::Declined || target.status.rank() >= reached.rank() {
                target.status
            } else {
                reached
            };
        let earliest = |d: Option<NaiveDate>| Some(d.map_or(on, |d| d.min(on)));
        diesel::update(campaign_targets::table.find(target.id))
            .set((
                campaign_targets::status.eq(status),
                campaign_targets::contacted_on.eq(earliest(target.contacted_on)),
                campaign_targets::visited_on.eq(if reached.reached() {
                    earliest(target.visited_on)
                } else {
                    target.visited_on
                }),
                campaign_targets::last_activity_on
                    .eq(Some(target.last_activity_on.map_or(on, |d| d.max(on)))),
                campaign_targets::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    }

    /// The open companies of running campaigns assigned to a user, not contacted ones first,
    /// then by name: the first `limit` and how many there are in all. Sorted within the
    /// consultant index; only the companies shown are read.
    pub fn open_for_user(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        limit: i64,
    ) -> QueryResult<(Vec<MyTarget>, i64)> {
        // Spelled out rather than `eq_any`: a statement with an IN list is prepared anew on
        // every call, and this one runs on every start page.
        let open = || {
            campaign_targets::table
                .inner_join(campaigns::table)
                .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
                .filter(campaign_targets::assigned_to.eq(user_id))
                .filter(campaigns::status.eq(CampaignStatus::Running))
        };
        // Companies not contacted yet come first, then those under way, each by name. Read
        // as two queries so the first walks the index in its order (no sort of every target).
        let row = (
            campaign_targets::campaign_id,
            campaigns::name,
            campaign_targets::company_id,
            companies::name,
            campaign_targets::status,
        );
        let mut rows: Vec<(i64, String, i64, String, TargetStatus)> = (open()
            .inner_join(companies::table)
            .filter(campaign_targets::status.eq(TargetStatus::NotContacted))
            .order((
                campaign_targets::company_name_search,
                campaign_targets::company_id,
            ))
            .limit(limit)
            .select(row)
            .load(c))?;
        let missing = limit - rows.len() as i64;
        if missing > 0 {
            rows.extend(
                (open()
                    .inner_join(companies::table)
                    .filter(
                        campaign_targets::status
                            .eq(TargetStatus::Contacted)
                            .or(campaign_targets::status.eq(TargetStatus::Visited)),
                    )
                    .order((
                        campaign_targets::company_name_search,
                        campaign_targets::company_id,
                    ))
                    .limit(missing)
                    .select(row)
                    .load::<(i64, String, i64, String, TargetStatus)>(c))?,
            );
        }
        // The total from the counters the triggers on campaign_targets keep: a few rows per
        // running campaign rather than every open target.
        let total: Vec<i64> = campaign_status_counts::table
            .inner_join(campaigns::table)
            .filter(campaigns::jobcenter_id.eq(jobcenter_id))
            .filter(campaigns::status.eq(CampaignStatus::Running))
            .filter(campaign_status_counts::assigned_to.eq(user_id))
            .filter(
                campaign_status_counts::status
                    .eq(TargetStatus::NotContacted)
                    .or(campaign_status_counts::status.eq(TargetStatus::Contacted))
                    .or(campaign_status_counts::status.eq(TargetStatus::Visited)),
            )
            .select(campaign_status_counts::n)
            .load(c)?;
        let total = total.iter().sum();
        let targets = rows
            .into_iter()
            .map(
                |(campaign_id, campaign_name, company_id, company_name, status)| MyTarget {
                    campaign_id,
                    campaign_name,
                    company_id,
                    company_name,
                    status_label: status.label(),
                },
            )
            .collect();
        Ok((targets, total))
    }
}

/// Everything the progress page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub targets: i64,
    pub reached: i64,
    /// Count per status, in funnel order.
    pub funnel: Vec<(TargetStatus, &'static str, i64)>,
    pub consultants: Vec<ConsultantProgress>,
    pub placements: i64,
    /// Per ISO week: (Monday, planned cumulative, actual cumulative or None for future weeks).
    pub weeks: Vec<WeekPoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsultantProgress {
    pub id: i64,
    pub name: String,
    pub assigned: i64,
    pub contacted: i64,
    pub visited: i64,
    pub interested: i64,
    pub placements: i64,
}

#[derive(Debug, Clone, Serialize)]
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
            .map(|s| (*s, s.label(), count(&|_, st| st == *s)))
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
        let mondays = dates::weeks_between(campaign.start_on, campaign.end_on);
        let n = mondays.len().max(1) as f64;
        let weeks = mondays
            .iter()
            .enumerate()
            .map(|(i, monday)| {
                let sunday = *monday + chrono::Days::new(6);
                WeekPoint {
                    week: monday.iso_week().week(),
                    monday: *monday,
                    planned: (f64::from(campaign.target_companies) * (i as f64 + 1.0) / n).round(),
                    actual: (*monday <= today).then(|| {
                        visits
                            .iter()
                            .filter(|(v, _)| *v <= sunday)
                            .map(|(_, n)| n)
                            .sum()
                    }),
                }
            })
            .collect();
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
