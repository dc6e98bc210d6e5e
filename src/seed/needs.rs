//! Demo recruitment needs at companies the jobcenter knows, each with its status history and
//! about five referrals: the recent ones open or in progress, older ones filled (by the
//! jobcenter, with a hire among the referrals, or by the company itself) or cancelled.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::plan::rng_for;
use super::write::{Writer, citizen_ref, office_time};
use super::{DbConn, HISTORY_DAYS, ROWS_PER_TRANSACTION, SeedError, rows_per_insert};
use crate::db::on_backend;
use crate::db::schema::{need_events, needs, referrals};
use crate::db::write_tx;
use crate::models::need::{NeedKind, NeedStatus, ReferralOutcome, deadline_key};

const STREAM_NEEDS: u64 = 8;

const TITLES: &[&str] = &[
    "Lagermedarbejder",
    "Social- og sundhedshjælper",
    "Køkkenmedhjælper",
    "Rengøringsassistent",
    "Chauffør",
    "Butiksmedarbejder",
    "Pædagogmedhjælper",
    "Produktionsmedarbejder",
    "Tømrer",
    "Elektriker",
    "Kontorassistent",
    "Gartner",
    "Opvasker",
    "Tjener",
    "Smed",
];

const REQUIREMENTS: &[&str] = &[
    "Truckcertifikat og mødestabil.",
    "Dansk i tale, gerne erfaring fra faget.",
    "Kørekort B; C er en fordel.",
    "Kan arbejde aften og weekend.",
    "Ingen krav om erfaring – oplæring på stedet.",
    "",
];

const OFFERS: &[&str] = &[
    "Oplæring og fast mentor.",
    "Fleksible arbejdstider.",
    "Mulighed for fastansættelse.",
    "",
];

#[derive(Insertable)]
#[diesel(table_name = needs, treat_none_as_default_value = false)]
struct NeedRow {
    jobcenter_id: i64,
    company_id: i64,
    user_id: i64,
    title: &'static str,
    positions: i32,
    hours_per_week: f64,
    kind: NeedKind,
    start_on: Option<NaiveDate>,
    deadline_on: Option<NaiveDate>,
    requirements: &'static str,
    offers: &'static str,
    status: NeedStatus,
    is_open: bool,
    deadline_key: NaiveDate,
    received_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}
const NEED_COLUMNS: usize = 19;

#[derive(Insertable)]
#[diesel(table_name = need_events)]
struct EventRow {
    need_id: i64,
    user_id: Option<i64>,
    status: NeedStatus,
    happened_on: NaiveDate,
    created_at: NaiveDateTime,
}
const EVENT_COLUMNS: usize = 5;

#[derive(Insertable)]
#[diesel(table_name = referrals)]
struct ReferralRow {
    jobcenter_id: i64,
    need_id: i64,
    user_id: i64,
    citizen_ref: String,
    referred_on: NaiveDate,
    outcome: ReferralOutcome,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}
const REFERRAL_COLUMNS: usize = 9;

/// A planned need's moves and referrals, written once its id is known.
struct Planned {
    events: Vec<(NeedStatus, NaiveDate)>,
    referrals: Vec<(String, NaiveDate, ReferralOutcome)>,
}

impl Writer<'_> {
    /// `count` needs with their history and referrals; returns (needs, referrals).
    pub(super) fn needs(
        &self,
        c: &mut DbConn,
        count: usize,
        seed: u64,
    ) -> Result<(usize, usize), SeedError> {
        let plan = self.plan;
        if count == 0 || plan.companies.is_empty() {
            return Ok((0, 0));
        }
        let mut rng = rng_for(seed, STREAM_NEEDS);
        let contacted: Vec<usize> = (0..plan.companies.len())
            .filter(|i| plan.companies[*i].last_contact_on.is_some())
            .collect();
        let kinds = WeightedIndex::new([40u32, 20, 10, 12, 10, 8]).expect("weights");
        let mut rows = Vec::with_capacity(count);
        let mut planned = Vec::with_capacity(count);
        for _ in 0..count {
            let company = if contacted.is_empty() {
                rng.gen_range(0..plan.companies.len())
            } else {
                contacted[rng.gen_range(0..contacted.len())]
            };
            let user_id = match plan.companies[company].fixed_contact_id {
                Some(id) if rng.gen_bool(0.8) => id,
                _ => self.staff.consultant(&mut rng).id,
            };
            let kind = NeedKind::ALL[kinds.sample(&mut rng)];
            let (row, plan) = self.need(&mut rng, company, user_id, kind);
            rows.push(row);
            planned.push(plan);
        }
        let per_insert = rows_per_insert(NEED_COLUMNS);
        for tx_chunk in rows.chunks(ROWS_PER_TRANSACTION) {
            write_tx(c, |c| {
                for chunk in tx_chunk.chunks(per_insert) {
                    on_backend!(c, |c| diesel::insert_into(needs::table)
                        .values(chunk)
                        .execute(c))?;
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        // The new needs are the jobcenter's newest ids, in the order they were written.
        let mut ids: Vec<i64> = needs::table
            .filter(needs::jobcenter_id.eq(self.jobcenter_id))
            .order(needs::id.desc())
            .limit(count as i64)
            .select(needs::id)
            .load(c)?;
        ids.reverse();
        let mut events = Vec::new();
        let mut refs = Vec::new();
        for ((id, row), plan) in ids.iter().zip(&rows).zip(planned) {
            for (status, on) in plan.events {
                events.push(EventRow {
                    need_id: *id,
                    user_id: Some(row.user_id),
                    status,
                    happened_on: on,
                    created_at: office_time(&mut rng, on, self.now),
                });
            }
            for (citizen_ref, on, outcome) in plan.referrals {
                let at = office_time(&mut rng, on, self.now);
                refs.push(ReferralRow {
                    jobcenter_id: self.jobcenter_id,
                    need_id: *id,
                    user_id: row.user_id,
                    citizen_ref,
                    referred_on: on,
                    outcome,
                    version: 1,
                    created_at: at,
                    updated_at: at,
                });
            }
        }
        for tx_chunk in events.chunks(ROWS_PER_TRANSACTION) {
            write_tx(c, |c| {
                for chunk in tx_chunk.chunks(rows_per_insert(EVENT_COLUMNS)) {
                    on_backend!(c, |c| diesel::insert_into(need_events::table)
                        .values(chunk)
                        .execute(c))?;
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        for tx_chunk in refs.chunks(ROWS_PER_TRANSACTION) {
            write_tx(c, |c| {
                for chunk in tx_chunk.chunks(rows_per_insert(REFERRAL_COLUMNS)) {
                    on_backend!(c, |c| diesel::insert_into(referrals::table)
                        .values(chunk)
                        .execute(c))?;
                }
                Ok::<_, diesel::result::Error>(())
            })?;
        }
        Ok((rows.len(), refs.len()))
    }

    fn need(
        &self,
        rng: &mut StdRng,
        company: usize,
        user_id: i64,
        kind: NeedKind,
    ) -> (NeedRow, Planned) {
        // Most needs are recent: a need lives weeks, not years.
        let age = (rng.r#gen::<f64>().powf(2.0) * f64::from(HISTORY_DAYS)) as u64;
        let received_on = self.today - Days::new(age);
        // Whole and half hours within the default rules (småjob 2–20, others 0.5–37).
        let half_hours = match kind {
            NeedKind::Smaajob => rng.gen_range(4..=40),
            NeedKind::Fleksjob => rng.gen_range(10..=60),
            _ => rng.gen_range(40..=74),
        };
        let start_on = rng
            .gen_bool(0.7)
            .then(|| received_on + Days::new(rng.gen_range(14..=60)));
        let deadline_on = match start_on {
            Some(s) if rng.gen_bool(0.6) => Some(s + Days::new(rng.gen_range(0..=30))),
            None if rng.gen_bool(0.3) => Some(received_on + Days::new(rng.gen_range(21..=75))),
            _ => None,
        };
        let mut events = vec![(NeedStatus::Open, received_on)];
        let started = received_on + Days::new(rng.gen_range(1..=7));
        let closing = received_on + Days::new(rng.gen_range(10..=90));
        let status = if closing > self.today {
            if started <= self.today && rng.gen_bool(0.6) {
                events.push((NeedStatus::InProgress, started));
                NeedStatus::InProgress
            } else {
                NeedStatus::Open
            }
        } else {
            events.push((NeedStatus::InProgress, started.min(closing)));
            let end = match rng.gen_range(0..100) {
                0..=44 => NeedStatus::FilledByJobcenter,
                45..=74 => NeedStatus::FilledByCompany,
                75..=89 => NeedStatus::Cancelled,
                _ => NeedStatus::InProgress,
            };
            if end != NeedStatus::InProgress {
                events.push((end, closing));
            }
            end
        };
        let closed_on = (!status.is_open()).then_some(closing);
        let positions = *[1, 1, 1, 2, 2, 3].choose(rng).expect("positions");
        let last_day = closed_on.unwrap_or(self.today).max(received_on);
        let span = (last_day - received_on).num_days().max(0) as u64;
        let referral_count = rng.gen_range(0..=10usize);
        let mut referrals = Vec::with_capacity(referral_count);
        for n in 0..referral_count {
            let on = received_on + Days::new(rng.gen_range(0..=span));
            let hire = status == NeedStatus::FilledByJobcenter && n < positions as usize;
            let outcome = if hire {
                ReferralOutcome::Hired
            } else if status.is_open() {
                [
                    ReferralOutcome::Sent,
                    ReferralOutcome::Interview,
                    ReferralOutcome::NotHired,
                ][rng.gen_range(0..3)]
            } else {
                [ReferralOutcome::NotHired, ReferralOutcome::Withdrawn][rng.gen_range(0..2)]
            };
            referrals.push((citizen_ref(rng, on.year()), on, outcome));
        }
        let created_at = office_time(rng, received_on, self.now);
        (
            NeedRow {
                jobcenter_id: self.jobcenter_id,
                company_id: self.company_ids[company],
                user_id,
                title: TITLES.choose(rng).expect("titles"),
                positions,
                hours_per_week: f64::from(half_hours) / 2.0,
                kind,
                start_on,
                deadline_on,
                requirements: REQUIREMENTS.choose(rng).expect("requirements"),
                offers: OFFERS.choose(rng).expect("offers"),
                status,
                is_open: status.is_open(),
                deadline_key: deadline_key(deadline_on),
                received_on,
                closed_on,
                version: 1,
                created_at,
                updated_at: created_at,
            },
            Planned { events, referrals },
        )
    }
}
