//! Who looked at what: every view of a company, a contact person, a contact request or a
//! placement, every search and every export leaves a row (Datatilsynet asks public bodies to
//! log reading, not only changes). One INSERT beside the page's own reads; rows are deleted
//! after the jobcenter's retention (6 months by default).

use chrono::{Months, NaiveDateTime};
use diesel::prelude::*;

use super::settings::Settings;
use super::text_enum;
use crate::db::DbConn;
use crate::db::schema::{access_log, jobcenters, users};

text_enum! {
    /// What was done.
    pub enum AccessKind {
        View => ("view", "Visning"),
        Search => ("search", "Søgning"),
        Export => ("export", "Eksport"),
    }
}

text_enum! {
    /// What kind of record was looked at.
    pub enum AccessEntity {
        Company => ("company", "Virksomhed"),
        ContactPerson => ("contact_person", "Kontaktperson"),
        ContactRequest => ("contact_request", "Henvendelse"),
        Placement => ("placement", "Forløb"),
        Need => ("need", "Rekrutteringsbehov"),
        Campaign => ("campaign", "Kampagne"),
    }
}

/// One look, as it is written.
#[derive(Debug, Clone)]
pub struct Access<'a> {
    pub jobcenter_id: i64,
    pub user_id: i64,
    pub kind: AccessKind,
    pub entity: Option<(AccessEntity, i64)>,
    /// The search text or filter, or what was exported.
    pub query: &'a str,
}

impl Access<'_> {
    pub fn record(&self, c: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
        diesel::insert_into(access_log::table)
            .values((
                access_log::jobcenter_id.eq(self.jobcenter_id),
                access_log::user_id.eq(self.user_id),
                access_log::accessed_at.eq(now),
                access_log::kind.eq(self.kind),
                access_log::entity.eq(self.entity.map(|(e, _)| e)),
                access_log::entity_id.eq(self.entity.map(|(_, id)| id)),
                access_log::query.eq(self.query),
            ))
            .execute(c)
            .map(drop)
    }
}

/// A row of the log as the admin's page shows it.
#[derive(Debug, Clone, Queryable)]
pub struct AccessRow {
    pub id: i64,
    pub accessed_at: NaiveDateTime,
    pub kind: AccessKind,
    pub entity: Option<AccessEntity>,
    pub entity_id: Option<i64>,
    pub query: String,
    pub user_name: Option<String>,
}

/// What the admin looks for: one person's looks, or the looks at one record.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessFilter {
    pub user_id: Option<i64>,
    pub entity: Option<(AccessEntity, i64)>,
}

pub struct AccessLog;

impl AccessLog {
    /// A page of a jobcenter's log, newest first, keyed by id.
    pub fn page(
        c: &mut DbConn,
        jobcenter_id: i64,
        filter: AccessFilter,
        before_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<AccessRow>> {
        let mut query = access_log::table
            .left_join(users::table)
            .filter(access_log::jobcenter_id.eq(jobcenter_id))
            .order(access_log::id.desc())
            .limit(limit)
            .select((
                access_log::id,
                access_log::accessed_at,
                access_log::kind,
                access_log::entity,
                access_log::entity_id,
                access_log::query,
                users::name.nullable(),
            ))
            .into_boxed();
        if let Some(user_id) = filter.user_id {
            query = query.filter(access_log::user_id.eq(user_id));
        }
        if let Some((entity, id)) = filter.entity {
            query = query
                .filter(access_log::entity.eq(entity))
                .filter(access_log::entity_id.eq(id));
        }
        if let Some(before) = before_id {
            query = query.filter(access_log::id.lt(before));
        }
        query.load(c)
    }

    /// Deletes the rows past each jobcenter's retention; how many.
    pub fn purge_expired(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        let mut deleted = 0;
        for jobcenter_id in jobcenters::table.select(jobcenters::id).load::<i64>(c)? {
            let months = Settings::get(c, jobcenter_id)?.access_log_retention_months;
            let Some(cutoff) = now.checked_sub_months(Months::new(months.max(1) as u32)) else {
                continue;
            };
            deleted += diesel::delete(
                access_log::table
                    .filter(access_log::jobcenter_id.eq(jobcenter_id))
                    .filter(access_log::accessed_at.lt(cutoff)),
            )
            .execute(c)?;
        }
        Ok(deleted)
    }
}
