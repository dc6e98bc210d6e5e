//! Writing the plan: multi-row INSERTs through the concrete connection, a transaction per
//! some fifty thousand rows, in the order the foreign keys want. Activities, placements and
//! requests are drawn here, row by row, as they are written.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use diesel::prelude::*;
use rand::distributions::WeightedIndex;
use rand::prelude::*;
use rand::rngs::StdRng;

use super::data;
use super::plan::{
    CampaignAct, CompanyGen, Plan, STREAM_ACTIVITIES, STREAM_CONTACTS, STREAM_PLACEMENTS,
    STREAM_REQUESTS, ascii_fold, company_name, domain_of, new_cvr, phone_number, rng_for,
};
use super::{HISTORY_DAYS, ROWS_PER_TRANSACTION, SeedError, Staff, rows_per_insert};
use crate::db::on_backend;
use crate::db::schema::{
    activities, campaign_consultants, campaign_targets, campaigns, companies, contact_persons,
    contact_request_events, contact_requests, placements,
};
use crate::db::{DbConn, write_tx};
use crate::domain::{cpr_guard, text};
use crate::models::activity::{ActivityKind, Outcome, Topic, encode_topics};
use crate::models::campaign::TargetStatus;
use crate::models::company::{CompanyStatus, EmployeeBand, search_keys};
use crate::models::contact_request::{EventKind, RequestStatus, RequestTopic, SpamReason};
use crate::models::placement::{PlacementKind, PlacementResult, PlacementStatus};

#[derive(Insertable)]
#[diesel(table_name = companies, treat_none_as_default_value = false)]
pub(super) struct CompanyRow<'a> {
    pub(super) jobcenter_id: i64,
    pub(super) cvr: &'a str,
    pub(super) p_number: Option<&'a str>,
    pub(super) name: &'a str,
    pub(super) address: &'a str,
    pub(super) postcode: &'a str,
    pub(super) city: &'a str,
    pub(super) industry_code: &'a str,
    pub(super) industry_text: &'a str,
    pub(super) employees: Option<EmployeeBand>,
    pub(super) phone: &'a str,
    pub(super) email: &'a str,
    pub(super) website: &'a str,
    pub(super) status: CompanyStatus,
    pub(super) fixed_contact_id: Option<i64>,
    pub(super) notes: &'a str,
    pub(super) last_contact_on: Option<NaiveDate>,
    pub(super) name_search: String,
    pub(super) search_text: String,
    pub(super) version: i32,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}
pub(super) const COMPANY_COLUMNS: usize = 22;

#[derive(Insertable)]
#[diesel(table_name = contact_persons, treat_none_as_default_value = false)]
pub(super) struct ContactRow {
    pub(super) jobcenter_id: i64,
    pub(super) company_id: i64,
    pub(super) name: String,
    pub(super) title: &'static str,
    pub(super) phone: String,
    pub(super) email: String,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}
pub(super) const CONTACT_COLUMNS: usize = 8;

#[derive(Insertable)]
#[diesel(table_name = campaign_targets, treat_none_as_default_value = false)]
pub(super) struct TargetRow {
    pub(super) jobcenter_id: i64,
    pub(super) campaign_id: i64,
    pub(super) company_id: i64,
    pub(super) company_name_search: String,
    pub(super) assigned_to: Option<i64>,
    pub(super) status: TargetStatus,
    pub(super) contacted_on: Option<NaiveDate>,
    pub(super) visited_on: Option<NaiveDate>,
    pub(super) last_activity_on: Option<NaiveDate>,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}
pub(super) const TARGET_COLUMNS: usize = 11;

#[derive(Insertable)]
#[diesel(table_name = activities, treat_none_as_default_value = false)]
pub(super) struct ActivityRow {
    pub(super) jobcenter_id: i64,
    pub(super) company_id: i64,
    pub(super) user_id: i64,
    pub(super) kind: ActivityKind,
    pub(super) occurred_on: NaiveDate,
    pub(super) topics: String,
    pub(super) summary: String,
    pub(super) outcome: Option<Outcome>,
    pub(super) campaign_id: Option<i64>,
    pub(super) contact_person_id: Option<i64>,
    pub(super) follow_up_on: Option<NaiveDate>,
    pub(super) follow_up_note: &'static str,
    pub(super) follow_up_done: bool,
    pub(super) version: i32,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}
pub(super) const ACTIVITY_COLUMNS: usize = 16;

#[derive(Insertable)]
#[diesel(table_name = placements, treat_none_as_default_value = false)]
pub(super) struct PlacementRow {
    pub(super) jobcenter_id: i64,
    pub(super) company_id: i64,
    pub(super) user_id: i64,
    pub(super) kind: PlacementKind,
    pub(super) citizen_ref: String,
    pub(super) hours_per_week: f64,
    pub(super) start_on: NaiveDate,
    pub(super) end_on: Option<NaiveDate>,
    pub(super) status: PlacementStatus,
    pub(super) result: Option<PlacementResult>,
    pub(super) campaign_id: Option<i64>,
    pub(super) note: &'static str,
    pub(super) version: i32,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}
pub(super) const PLACEMENT_COLUMNS: usize = 15;

#[derive(Insertable)]
#[diesel(table_name = contact_requests, treat_none_as_default_value = false)]
pub(super) struct RequestRow {
    pub(super) jobcenter_id: i64,
    pub(super) company_id: Option<i64>,
    pub(super) company_name: String,
    pub(super) cvr: Option<String>,
    pub(super) p_number: Option<String>,
    pub(super) contact_name: String,
    pub(super) email: String,
    pub(super) phone: String,
    pub(super) topic: RequestTopic,
    pub(super) message: &'static str,
    pub(super) preferred_time: &'static str,
    pub(super) consent: bool,
    pub(super) status: RequestStatus,
    pub(super) spam_reason: Option<SpamReason>,
    pub(super) assigned_to: Option<i64>,
    pub(super) received_at: NaiveDateTime,
    pub(super) first_answer_at: Option<NaiveDateTime>,
    pub(super) closed_at: Option<NaiveDateTime>,
    pub(super) updated_at: NaiveDateTime,
    pub(super) idempotency_key: String,
}
pub(super) const REQUEST_COLUMNS: usize = 20;

#[derive(Insertable)]
#[diesel(table_name = contact_request_events, treat_none_as_default_value = false)]
pub(super) struct EventRow {
    pub(super) jobcenter_id: i64,
    pub(super) request_id: i64,
    pub(super) user_id: Option<i64>,
    pub(super) kind: EventKind,
    pub(super) details: String,
    pub(super) created_at: NaiveDateTime,
}
pub(super) const EVENT_COLUMNS: usize = 6;

/// A line of a request's log: who, what, details, when.
pub(super) type LogLine = (Option<i64>, EventKind, String, NaiveDateTime);

/// Writes the plan, in the order the foreign keys want.
pub(super) struct Writer<'a> {
    pub(super) jobcenter_id: i64,
    pub(super) now: NaiveDateTime,
    pub(super) today: NaiveDate,
    pub(super) plan: &'a Plan,
    pub(super) staff: &'a Staff,
    /// The id of each planned company.
    pub(super) company_ids: Vec<i64>,
    /// Contact person ids, grouped by company; company `i` owns
    /// `contacts[contact_ranges[i]..contact_ranges[i + 1]]`.
    pub(super) contacts: Vec<i64>,
    pub(super) contact_ranges: Vec<usize>,
    pub(super) campaign_ids: Vec<i64>,
}

/// A time of day in office hours on `day`, never after `now`.
pub(super) fn office_time(rng: &mut StdRng, day: NaiveDate, now: NaiveDateTime) -> NaiveDateTime {
    let minutes = rng.gen_range(7 * 60..16 * 60);
    (day.and_time(NaiveTime::MIN) + TimeDelta::minutes(minutes)).min(now)
}

impl Writer<'_> {
    pub(super) fn companies(&mut self, c: &mut DbConn) -> Result<(), SeedError> {
        let plan = self.plan;
        let mut index_of: HashMap<&str, usize> = HashMap::with_capacity(plan.companies.len());
        for (i, company) in plan.companies.iter().enumerate() {
            index_of.insert(company.cvr.as_str(), i);
        }
        self.company_ids = vec![0; plan.companies.len()];
        let per_insert = rows_per_insert(COMPANY_COLUMNS);
        for tx_chunk in plan.companies.chunks(ROWS_PER_TRANSACTION) {
            write_tx(c, |c| {
                for chunk in tx_chunk.chunks(per_insert) {
                    let rows: Vec<CompanyRow<'_>> = chunk
                        .iter()
                        .map(|p| {
                            let keys = search_keys(
                                &p.name,
                                p.postcode.city,
                                &p.cvr,
                                p.p_number.as_deref(),
                            );
                            CompanyRow {
                                jobcenter_id: self.jobcenter_id,
                                cvr: &p.cvr,
                                p_number: p.p_number.as_deref(),
                                name: &p.name,
                                address: &p.address,
                                postcode: p.postcode.code,
                                city: p.postcode.city,
                                industry_code: p.industry.code,
                                industry_text: p.industry.text,
                                employees: p.employees,
                                phone: &p.phone,
                                email: &p.email,
                                website: &p.website,
                                status: p.status,
                                fixed_contact_id: p.fixed_contact_id,
                                notes: p.notes,
                                last_contact_on: p.last_contact_on,
                                name_search: keys.name_search,
                                search_text: keys.search_text,
                                version: 1,
                                created_at: p.created_at,
                                updated_at: p.created_at,
                            }
                        })
                        .collect();
                    let ids: Vec<(i64, String)> = on_backend!(c, |c| {
                        diesel::insert_into(companies::table)
                            .values(&rows)
                            .returning((companies::id, companies::cvr))
                            .get_results(c)
                    })?;
                    for (id, cvr) in ids {
                        self.company_ids[index_of[cvr.as_str()]] = id;
                    }
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        Ok(())
    }

    /// One or two contact persons at about four companies in ten.
    pub(super) fn contact_persons(&mut self, c: &mut DbConn, seed: u64) -> Result<(), SeedError> {
        let mut rng = rng_for(seed, STREAM_CONTACTS);
        let mut rows = Vec::new();
        for (i, p) in self.plan.companies.iter().enumerate() {
            let n = match rng.gen_range(0..100) {
                0..=59 => 0,
                60..=89 => 1,
                _ => 2,
            };
            for _ in 0..n {
                let first = *data::FIRST_NAMES.choose(&mut rng).expect("names");
                let last = *data::SURNAMES.choose(&mut rng).expect("names");
                rows.push(ContactRow {
                    jobcenter_id: self.jobcenter_id,
                    company_id: self.company_ids[i],
                    name: format!("{first} {last}"),
                    title: data::CONTACT_TITLES.choose(&mut rng).expect("titles"),
                    phone: phone_number(&mut rng, data::MOBILE_PREFIXES),
                    email: if rng.gen_bool(0.8) {
                        format!("{}@{}", ascii_fold(first), p.domain)
                    } else {
                        String::new()
                    },
                    created_at: p.created_at,
                    updated_at: p.created_at,
                });
            }
        }
        let mut pairs: Vec<(i64, i64)> = Vec::with_capacity(rows.len());
        let per_insert = rows_per_insert(CONTACT_COLUMNS);
        for tx_chunk in rows.chunks(ROWS_PER_TRANSACTION) {
            write_tx(c, |c| {
                for chunk in tx_chunk.chunks(per_insert) {
                    pairs.extend(on_backend!(c, |c| {
                        diesel::insert_into(contact_persons::table)
                            .values(chunk)
                            .returning((contact_persons::company_id, contact_persons::id))
                            .get_results::<(i64, i64)>(c)
                    })?);
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        let index_of: HashMap<i64, usize> = self
            .company_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i))
            .collect();
        let mut order: Vec<(usize, i64)> = pairs
            .into_iter()
            .map(|(company_id, id)| (index_of[&company_id], id))
            .collect();
        order.sort_unstable();
        let mut ranges = vec![0usize; self.company_ids.len() + 1];
        for (company, _) in &order {
            ranges[company + 1] += 1;
        }
        for i in 1..ranges.len() {
            ranges[i] += ranges[i - 1];
        }
        self.contacts = order.into_iter().map(|(_, id)| id).collect();
        self.contact_ranges = ranges;
        Ok(())
    }

    pub(super) fn contacts_of(&self, company: usize) -> &[i64] {
        &self.contacts[self.contact_ranges[company]..self.contact_ranges[company + 1]]
    }

    pub(super) fn campaigns(&mut self, c: &mut DbConn) -> Result<usize, SeedError> {
        let plan = self.plan;
        let mut targets = 0;
        let per_insert = rows_per_insert(TARGET_COLUMNS);
        for campaign in &plan.campaigns {
            let id = write_tx(c, |c| {
                let id: i64 = diesel::insert_into(campaigns::table)
                    .values((
                        campaigns::jobcenter_id.eq(self.jobcenter_id),
                        campaigns::name.eq(&campaign.name),
                        campaigns::purpose.eq(campaign.theme.purpose),
                        campaigns::topics.eq(encode_topics(campaign.theme.topics)),
                        campaigns::start_on.eq(campaign.start_on),
                        campaigns::end_on.eq(campaign.end_on),
                        campaigns::target_companies.eq(campaign.target_companies),
                        campaigns::target_placements.eq(campaign.target_placements),
                        campaigns::status.eq(campaign.status),
                        campaigns::version.eq(1),
                        campaigns::created_at.eq(campaign.created_at),
                        campaigns::updated_at.eq(campaign.created_at),
                    ))
                    .returning(campaigns::id)
                    .get_result(c)?;
                let consultants: Vec<_> = campaign
                    .consultants
                    .iter()
                    .map(|u| {
                        (
                            campaign_consultants::campaign_id.eq(id),
                            campaign_consultants::user_id.eq(*u),
                        )
                    })
                    .collect();
                on_backend!(c, |c| {
                    diesel::insert_into(campaign_consultants::table)
                        .values(&consultants)
                        .execute(c)
                })?;
                for chunk in campaign.targets.chunks(per_insert) {
                    let rows: Vec<TargetRow> = chunk
                        .iter()
                        .map(|t| {
                            let updated = t
                                .last_activity_on
                                .map_or(campaign.created_at, |d| {
                                    d.and_time(NaiveTime::from_hms_opt(15, 0, 0).expect("time"))
                                })
                                .min(self.now);
                            TargetRow {
                                jobcenter_id: self.jobcenter_id,
                                campaign_id: id,
                                company_id: self.company_ids[t.company],
                                company_name_search: text::sort_key(
                                    &plan.companies[t.company].name,
                                ),
                                assigned_to: Some(t.assigned_to),
                                status: t.status,
                                contacted_on: t.contacted_on,
                                visited_on: t.visited_on,
                                last_activity_on: t.last_activity_on,
                                created_at: campaign.created_at,
                                updated_at: updated,
                            }
                        })
                        .collect();
                    on_backend!(c, |c| {
                        diesel::insert_into(campaign_targets::table)
                            .values(&rows)
                            .execute(c)
                    })?;
                }
                Ok::<_, diesel::result::Error>(id)
            })?;
            targets += campaign.targets.len();
            self.campaign_ids.push(id);
        }
        Ok(targets)
    }

    /// Every company's activities in date order, campaign activities merged in.
    pub(super) fn activities(&self, c: &mut DbConn, seed: u64) -> Result<usize, SeedError> {
        let plan = self.plan;
        let mut rng = rng_for(seed, STREAM_ACTIVITIES);
        let draw = ActivityGen::new();
        let per_insert = rows_per_insert(ACTIVITY_COLUMNS);
        let mut written = 0;
        let mut act_at = 0;
        let mut company = 0;
        let mut rows: Vec<ActivityRow> = Vec::with_capacity(per_insert);
        while company < plan.companies.len() {
            write_tx(c, |c| {
                let mut in_tx = 0;
                while company < plan.companies.len() && in_tx < ROWS_PER_TRANSACTION {
                    let days = &plan.days[plan.day_ranges[company]..plan.day_ranges[company + 1]];
                    let mut next_day = 0;
                    loop {
                        let act = plan.acts.get(act_at).filter(|a| a.company == company);
                        let regular = days
                            .get(next_day)
                            .map(|d| plan.first_day + Days::new(u64::from(*d)));
                        let row = match (regular, act) {
                            (None, None) => break,
                            (Some(on), Some(a)) if on <= a.on => {
                                next_day += 1;
                                draw.regular(&mut rng, self, company, on)
                            }
                            (Some(on), None) => {
                                next_day += 1;
                                draw.regular(&mut rng, self, company, on)
                            }
                            (_, Some(a)) => {
                                act_at += 1;
                                draw.campaign(&mut rng, self, a)
                            }
                        };
                        rows.push(row);
                        in_tx += 1;
                        if rows.len() == per_insert {
                            on_backend!(c, |c| {
                                diesel::insert_into(activities::table)
                                    .values(&rows)
                                    .execute(c)
                            })?;
                            rows.clear();
                        }
                    }
                    company += 1;
                }
                if !rows.is_empty() {
                    on_backend!(c, |c| {
                        diesel::insert_into(activities::table)
                            .values(&rows)
                            .execute(c)
                    })?;
                    rows.clear();
                }
                written += in_tx;
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        Ok(written)
    }

    /// The campaigns' agreements first, then placements at companies the jobcenter knows.
    pub(super) fn placements(
        &self,
        c: &mut DbConn,
        count: usize,
        seed: u64,
    ) -> Result<usize, SeedError> {
        let plan = self.plan;
        let mut rng = rng_for(seed, STREAM_PLACEMENTS);
        let contacted: Vec<usize> = (0..plan.companies.len())
            .filter(|i| plan.companies[*i].last_contact_on.is_some())
            .collect();
        let kinds = WeightedIndex::new([35u32, 25, 20, 12, 8]).expect("weights");
        let mut rows = Vec::with_capacity(count);
        for a in plan.agreements.iter().take(count) {
            rows.push(self.placement(
                &mut rng,
                a.company,
                a.user_id,
                a.kind,
                a.start_on,
                Some(self.campaign_ids[a.campaign]),
            ));
        }
        while rows.len() < count {
            let company = if contacted.is_empty() {
                rng.gen_range(0..plan.companies.len())
            } else {
                contacted[rng.gen_range(0..contacted.len())]
            };
            let user_id = match plan.companies[company].fixed_contact_id {
                Some(id) if rng.gen_bool(0.8) => id,
                _ => self.staff.consultant(&mut rng).id,
            };
            let kind = [
                PlacementKind::Smaajob,
                PlacementKind::Fleksjob,
                PlacementKind::Praktik,
                PlacementKind::Loentilskud,
                PlacementKind::Ordinary,
            ][kinds.sample(&mut rng)];
            let start_on =
                plan.first_day + Days::new(rng.gen_range(0..=u64::from(HISTORY_DAYS) + 45));
            rows.push(self.placement(&mut rng, company, user_id, kind, start_on, None));
        }
        let per_insert = rows_per_insert(PLACEMENT_COLUMNS);
        for tx_chunk in rows.chunks(ROWS_PER_TRANSACTION) {
            write_tx(c, |c| {
                for chunk in tx_chunk.chunks(per_insert) {
                    on_backend!(c, |c| {
                        diesel::insert_into(placements::table)
                            .values(chunk)
                            .execute(c)
                    })?;
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        Ok(rows.len())
    }

    pub(super) fn placement(
        &self,
        rng: &mut StdRng,
        company: usize,
        user_id: i64,
        kind: PlacementKind,
        start_on: NaiveDate,
        campaign_id: Option<i64>,
    ) -> PlacementRow {
        // Whole and half hours within the default rules (småjob 2–20, others 0.5–37).
        let half_hours = match kind {
            PlacementKind::Smaajob => rng.gen_range(4..=40),
            PlacementKind::Fleksjob => rng.gen_range(10..=60),
            PlacementKind::Praktik => rng.gen_range(20..=74),
            PlacementKind::Loentilskud => rng.gen_range(30..=74),
            PlacementKind::Ordinary => rng.gen_range(40..=74),
        };
        let end_on = match kind {
            // At most 13 weeks, the default longest praktik.
            PlacementKind::Praktik => Some(start_on + Days::new(7 * rng.gen_range(2..=13) - 1)),
            PlacementKind::Loentilskud => Some(start_on + Days::new(rng.gen_range(90..=365))),
            _ if rng.gen_bool(0.4) => None,
            _ => Some(start_on + Days::new(rng.gen_range(60..=720))),
        };
        let (status, result) = if start_on > self.today {
            (PlacementStatus::Planned, None)
        } else if end_on.is_some_and(|e| e < self.today) {
            if rng.gen_bool(0.1) {
                (
                    PlacementStatus::Cancelled,
                    Some(PlacementResult::Unemployed),
                )
            } else {
                let result = match rng.gen_range(0..100) {
                    0..=44 => PlacementResult::OrdinaryJob,
                    45..=59 => PlacementResult::Education,
                    60..=89 => PlacementResult::Unemployed,
                    _ => PlacementResult::Other,
                };
                (PlacementStatus::Ended, Some(result))
            }
        } else {
            (PlacementStatus::Active, None)
        };
        let registered = start_on - Days::new(rng.gen_range(3..=30));
        let created_at = office_time(rng, registered, self.now);
        PlacementRow {
            jobcenter_id: self.jobcenter_id,
            company_id: self.company_ids[company],
            user_id,
            kind,
            citizen_ref: citizen_ref(rng, start_on.year()),
            hours_per_week: f64::from(half_hours) / 2.0,
            start_on,
            end_on,
            status,
            result,
            campaign_id,
            note: data::PLACEMENT_NOTES.choose(rng).expect("notes"),
            version: 1,
            created_at,
            updated_at: created_at,
        }
    }

    /// Requests from the public form over the last year and a half: the recent ones new or
    /// assigned, the older ones answered or closed, a few spam. Those with the CVR of a company
    /// are linked to it and went to its fixed contact, as the form's routing does; each has the
    /// log lines the inbox would have written.
    pub(super) fn requests(
        &self,
        c: &mut DbConn,
        count: usize,
        seed: u64,
        taken_cvrs: &mut HashSet<String>,
    ) -> Result<usize, SeedError> {
        let plan = self.plan;
        let mut rng = rng_for(seed, STREAM_REQUESTS);
        let words = CompanyGen::new();
        let topics = WeightedIndex::new([30u32, 30, 20, 12, 8]).expect("weights");
        // Form keys are random in the app too; a fresh one per run lets a jobcenter be seeded
        // again with the same seed.
        let run_key = &crate::crypto::random_token()[..12];
        let mut requests = Vec::with_capacity(count);
        let mut events: Vec<Vec<LogLine>> = Vec::with_capacity(count);
        for i in 0..count {
            let age_days = (rng.r#gen::<f64>().powf(1.6) * 540.0) as i64;
            let received_at = ((self.now - TimeDelta::days(age_days))
                .date()
                .and_time(NaiveTime::MIN)
                + TimeDelta::minutes(rng.gen_range(6 * 60..21 * 60)))
            .min(self.now - TimeDelta::minutes(5));
            let company = (!plan.companies.is_empty() && rng.gen_bool(0.55))
                .then(|| rng.gen_range(0..plan.companies.len()));
            let first = *data::FIRST_NAMES.choose(&mut rng).expect("names");
            let last = *data::SURNAMES.choose(&mut rng).expect("names");
            let (company_name, cvr, p_number, domain) = match company {
                Some(k) => {
                    let p = &plan.companies[k];
                    let p_number = p.p_number.clone().filter(|_| rng.gen_bool(0.5));
                    (
                        p.name.clone(),
                        Some(p.cvr.clone()),
                        p_number,
                        p.domain.clone(),
                    )
                }
                None => {
                    let industry = &data::INDUSTRIES[words.industries.sample(&mut rng)];
                    let postcode = &data::POSTCODES[words.postcodes.sample(&mut rng)];
                    let (name, _) = company_name(&mut rng, industry, postcode);
                    // A company the jobcenter does not know yet: its CVR matches none.
                    let cvr = rng.gen_bool(0.6).then(|| new_cvr(&mut rng, taken_cvrs));
                    let domain = domain_of(&name);
                    (name, cvr, None, domain)
                }
            };
            let email = if rng.gen_bool(0.85) {
                format!("{}@{domain}", ascii_fold(first))
            } else {
                String::new()
            };
            let phone = if email.is_empty() || rng.gen_bool(0.6) {
                phone_number(&mut rng, data::MOBILE_PREFIXES)
            } else {
                String::new()
            };
            let topic = RequestTopic::ALL[topics.sample(&mut rng)];
            let message = *data::request_messages(topic)
                .choose(&mut rng)
                .expect("messages");

            let mut log = vec![(None, EventKind::Received, String::new(), received_at)];
            let mut status = RequestStatus::New;
            let mut spam_reason = None;
            let mut assigned_to = None;
            let mut first_answer_at = None;
            let mut closed_at = None;
            let mut updated_at = received_at;
            if company.is_none() && age_days < 25 && rng.gen_bool(0.04) {
                let reason = if rng.gen_bool(0.5) {
                    SpamReason::Honeypot
                } else {
                    SpamReason::TooFast
                };
                status = RequestStatus::Spam;
                spam_reason = Some(reason);
                log.push((
                    None,
                    EventKind::JudgedSpam,
                    reason.label().into(),
                    received_at,
                ));
            } else {
                if let Some(k) = company {
                    let matched = plan.companies[k].name.clone();
                    log.push((None, EventKind::CompanyMatched, matched, received_at));
                    if let Some(user) = plan.companies[k].fixed_contact_id {
                        assigned_to = Some(user);
                        status = RequestStatus::Assigned;
                        let name = self.staff.name_of(user).to_string();
                        log.push((None, EventKind::Routed, name, received_at));
                    }
                }
                let still_open = age_days <= 2 || rng.gen_bool(0.04);
                if assigned_to.is_none() && (!still_open || rng.gen_bool(0.3)) {
                    let user = self.staff.consultant(&mut rng).id;
                    let at =
                        (received_at + TimeDelta::minutes(rng.gen_range(10..240))).min(self.now);
                    assigned_to = Some(user);
                    status = RequestStatus::Assigned;
                    updated_at = at;
                    log.push((Some(user), EventKind::Taken, String::new(), at));
                }
                if let (false, Some(user)) = (still_open, assigned_to) {
                    // In office hours, mostly within the promised two working days.
                    let day = updated_at.date() + Days::new(rng.gen_range(0..=4));
                    let answered = office_time(&mut rng, day, self.now)
                        .max(updated_at + TimeDelta::minutes(rng.gen_range(20..120)))
                        .min(self.now);
                    first_answer_at = Some(answered);
                    status = RequestStatus::Answered;
                    updated_at = answered;
                    log.push((Some(user), EventKind::Answered, String::new(), answered));
                    let closing_day = answered.date() + Days::new(rng.gen_range(1..=20));
                    let closed = office_time(&mut rng, closing_day, self.now);
                    if closed < self.now && rng.gen_bool(0.6) {
                        closed_at = Some(closed);
                        status = RequestStatus::Closed;
                        updated_at = closed;
                        log.push((Some(user), EventKind::Closed, String::new(), closed));
                    }
                }
            }
            requests.push(RequestRow {
                jobcenter_id: self.jobcenter_id,
                company_id: company.map(|k| self.company_ids[k]),
                company_name,
                cvr,
                p_number,
                contact_name: format!("{first} {last}"),
                email,
                phone,
                topic,
                message,
                preferred_time: data::PREFERRED_TIMES.choose(&mut rng).expect("times"),
                consent: true,
                status,
                spam_reason,
                assigned_to,
                received_at,
                first_answer_at,
                closed_at,
                updated_at,
                idempotency_key: format!("demo-{run_key}-{i}"),
            });
            events.push(log);
        }
        let per_insert = rows_per_insert(REQUEST_COLUMNS);
        let event_per_insert = rows_per_insert(EVENT_COLUMNS);
        let index_of: HashMap<&str, usize> = requests
            .iter()
            .enumerate()
            .map(|(i, r)| (r.idempotency_key.as_str(), i))
            .collect();
        for (tx_requests, tx_events) in requests
            .chunks(ROWS_PER_TRANSACTION)
            .zip(events.chunks(ROWS_PER_TRANSACTION))
        {
            write_tx(c, |c| {
                let mut event_rows = Vec::new();
                for chunk in tx_requests.chunks(per_insert) {
                    let ids: Vec<(i64, String)> = on_backend!(c, |c| {
                        diesel::insert_into(contact_requests::table)
                            .values(chunk)
                            .returning((contact_requests::id, contact_requests::idempotency_key))
                            .get_results(c)
                    })?;
                    for (id, key) in ids {
                        let at = index_of[key.as_str()] % ROWS_PER_TRANSACTION;
                        for (user_id, kind, details, created_at) in &tx_events[at] {
                            event_rows.push(EventRow {
                                jobcenter_id: self.jobcenter_id,
                                request_id: id,
                                user_id: *user_id,
                                kind: *kind,
                                details: details.clone(),
                                created_at: *created_at,
                            });
                        }
                    }
                }
                // In the order the inbox would have written them.
                event_rows.sort_by_key(|e| (e.request_id, e.created_at));
                for chunk in event_rows.chunks(event_per_insert) {
                    on_backend!(c, |c| {
                        diesel::insert_into(contact_request_events::table)
                            .values(chunk)
                            .execute(c)
                    })?;
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        Ok(requests.len())
    }
}

/// A pseudonymous case reference such as "SAG-2025-004512"; never anything CPR-like.
pub(super) fn citizen_ref(rng: &mut StdRng, year: i32) -> String {
    loop {
        let r = format!("SAG-{year}-{:06}", rng.gen_range(1..1_000_000));
        if cpr_guard::find_cpr(&r).is_none() {
            return r;
        }
    }
}

/// Draws the parts of activities.
pub(super) struct ActivityGen {
    pub(super) kinds: WeightedIndex<u32>,
    pub(super) topics: WeightedIndex<u32>,
    pub(super) outcomes: WeightedIndex<u32>,
}

pub(super) const KINDS: [ActivityKind; 5] = [
    ActivityKind::Phone,
    ActivityKind::Visit,
    ActivityKind::Mail,
    ActivityKind::Meeting,
    ActivityKind::Event,
];
pub(super) const OUTCOMES: [Option<Outcome>; 5] = [
    None,
    Some(Outcome::Positive),
    Some(Outcome::Interested),
    Some(Outcome::NotRelevant),
    Some(Outcome::FollowUp),
];

impl ActivityGen {
    pub(super) fn new() -> ActivityGen {
        ActivityGen {
            kinds: WeightedIndex::new([35u32, 25, 20, 15, 5]).expect("weights"),
            // In the order of Topic::ALL.
            topics: WeightedIndex::new([25u32, 20, 15, 10, 15, 7, 5, 3]).expect("weights"),
            outcomes: WeightedIndex::new([35u32, 15, 20, 15, 15]).expect("weights"),
        }
    }

    pub(super) fn regular(
        &self,
        rng: &mut StdRng,
        w: &Writer<'_>,
        company: usize,
        on: NaiveDate,
    ) -> ActivityRow {
        let planned = &w.plan.companies[company];
        let user_id = match planned.fixed_contact_id {
            Some(id) if rng.gen_bool(0.8) => id,
            _ if !w.staff.managers.is_empty() && rng.gen_bool(0.05) => {
                w.staff.members[*w.staff.managers.choose(rng).expect("managers")].id
            }
            _ => w.staff.consultant(rng).id,
        };
        let kind = KINDS[self.kinds.sample(rng)];
        let mut topics: Vec<Topic> = Vec::with_capacity(3);
        for _ in 0..rng.gen_range(1..=3) {
            let t = Topic::ALL[self.topics.sample(rng)];
            if !topics.contains(&t) {
                topics.push(t);
            }
        }
        topics.sort();
        let outcome = OUTCOMES[self.outcomes.sample(rng)];
        self.row(rng, w, company, user_id, kind, on, &topics, outcome, None)
    }

    pub(super) fn campaign(
        &self,
        rng: &mut StdRng,
        w: &Writer<'_>,
        act: &CampaignAct,
    ) -> ActivityRow {
        let campaign = &w.plan.campaigns[act.campaign];
        let mut topics = campaign.theme.topics.to_vec();
        topics.sort();
        self.row(
            rng,
            w,
            act.company,
            act.user_id,
            act.kind,
            act.on,
            &topics,
            act.outcome,
            Some(w.campaign_ids[act.campaign]),
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn row(
        &self,
        rng: &mut StdRng,
        w: &Writer<'_>,
        company: usize,
        user_id: i64,
        kind: ActivityKind,
        on: NaiveDate,
        topics: &[Topic],
        outcome: Option<Outcome>,
        campaign_id: Option<i64>,
    ) -> ActivityRow {
        let contacts = w.contacts_of(company);
        let contact_person_id = if !contacts.is_empty() && rng.gen_bool(0.5) {
            contacts.choose(rng).copied()
        } else {
            None
        };
        let follow_up_on = (outcome == Some(Outcome::FollowUp) || rng.gen_bool(0.15))
            .then(|| on + Days::new(rng.gen_range(2..=30)));
        let follow_up_done = follow_up_on.is_some_and(|f| {
            let age = (w.today - f).num_days();
            // Old follow-ups are nearly all done; a few recent ones are overdue.
            let open = match age {
                i64::MIN..0 => 0.95,
                0..=14 => 0.4,
                15..=90 => 0.1,
                _ => 0.005,
            };
            !rng.gen_bool(open)
        });
        let follow_up_note = if follow_up_on.is_some() {
            data::FOLLOW_UP_NOTES.choose(rng).expect("notes")
        } else {
            ""
        };
        let created_at = office_time(rng, on, w.now);
        ActivityRow {
            jobcenter_id: w.jobcenter_id,
            company_id: w.company_ids[company],
            user_id,
            kind,
            occurred_on: on,
            topics: encode_topics(topics),
            summary: summary(rng, kind, topics, outcome),
            outcome,
            campaign_id,
            contact_person_id,
            follow_up_on,
            follow_up_note,
            follow_up_done,
            version: 1,
            created_at,
            updated_at: created_at,
        }
    }
}

/// "Besøg hos virksomheden. Vi talte om småjobs … Virksomheden er interesseret."
pub(super) fn summary(
    rng: &mut StdRng,
    kind: ActivityKind,
    topics: &[Topic],
    outcome: Option<Outcome>,
) -> String {
    let openings = match kind {
        ActivityKind::Visit => data::VISIT_OPENINGS,
        ActivityKind::Phone => data::PHONE_OPENINGS,
        ActivityKind::Mail => data::MAIL_OPENINGS,
        ActivityKind::Meeting => data::MEETING_OPENINGS,
        ActivityKind::Event => data::EVENT_OPENINGS,
    };
    let opening = openings.choose(rng).expect("openings");
    let about = topics
        .iter()
        .map(|t| data::topic_phrase(*t))
        .collect::<Vec<_>>()
        .join(" og ");
    let extra = data::EXTRA_SENTENCES.choose(rng).expect("sentences");
    let close = match outcome {
        Some(Outcome::Positive) => " Virksomheden vil gerne gå videre.",
        Some(Outcome::Interested) => " Virksomheden er interesseret og vender tilbage.",
        Some(Outcome::NotRelevant) => " Ikke aktuelt lige nu.",
        Some(Outcome::FollowUp) => " Aftalt at følge op.",
        None => "",
    };
    if kind == ActivityKind::Mail {
        format!("{opening} om {about}.{extra}{close}")
    } else {
        format!("{opening}. Vi talte om {about}.{extra}{close}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_references_are_case_numbers() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..10_000 {
            let r = citizen_ref(&mut rng, 2025);
            assert!(
                crate::models::placement::check_citizen_ref(&r).is_ok(),
                "{r}"
            );
        }
    }

    #[test]
    fn summaries_pass_the_cpr_guard() {
        let mut rng = StdRng::seed_from_u64(5);
        for kind in ActivityKind::ALL {
            let s = summary(
                &mut rng,
                *kind,
                &[Topic::Smaajob, Topic::Praktik],
                Some(Outcome::Positive),
            );
            assert!(cpr_guard::find_cpr(&s).is_none(), "{s}");
            assert!(s.len() < 5000);
        }
    }
}
