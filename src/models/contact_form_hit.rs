//! Submissions of the public contact form per client, counted in the database so the rate
//! limit holds across app instances. Clients are known only by a keyed hash of their address.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::contact_form_hits;

pub const WINDOW: TimeDelta = TimeDelta::minutes(10);

pub struct ContactFormHit;

impl ContactFormHit {
    pub fn record(c: &mut DbConn, client_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
        diesel::insert_into(contact_form_hits::table)
            .values((
                contact_form_hits::client_hash.eq(client_hash),
                contact_form_hits::created_at.eq(now),
            ))
            .execute(c)
            .map(drop)
    }

    /// Whether the client has used up its `max` submissions within the window.
    pub fn is_limited(
        c: &mut DbConn,
        client_hash: &str,
        max: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let recent: i64 = contact_form_hits::table
            .filter(contact_form_hits::client_hash.eq(client_hash))
            .filter(contact_form_hits::created_at.gt(now - WINDOW))
            .count()
            .get_result(c)?;
        Ok(recent >= max)
    }

    /// Hits older than a day serve no purpose.
    pub fn purge_old(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(
            contact_form_hits::table
                .filter(contact_form_hits::created_at.lt(now - TimeDelta::days(1))),
        )
        .execute(c)
    }
}
