//! Submissions of the public contact form per client, counted in the database so the rate
//! limit holds across app instances. Clients are known only by a keyed hash of their address.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::contact_form_hits;

pub const WINDOW: TimeDelta = TimeDelta::minutes(10);

pub struct ContactFormHit;

impl ContactFormHit {
    /// Whether the client has used up its `max` submissions within the window (a first,
    /// cheap look before the form is read; [`ContactFormHit::claim`] decides).
    pub fn is_limited(
        c: &mut DbConn,
        client_hash: &str,
        max: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        Ok(Self::recent(c, client_hash, now)? >= max)
    }

    /// Claims one of the client's `max` submissions, or refuses when they are used up. The
    /// claim is stored and committed before the count, so parallel submissions count each
    /// other and no more than `max` get through. Call it outside a transaction; a refused
    /// claim is taken back, and so is one whose submission is not kept ([`Self::release`]).
    pub fn claim(
        c: &mut DbConn,
        client_hash: &str,
        max: i64,
        now: NaiveDateTime,
    ) -> QueryResult<Option<i64>> {
        let id: i64 = diesel::insert_into(contact_form_hits::table)
            .values((
                contact_form_hits::client_hash.eq(client_hash),
                contact_form_hits::created_at.eq(now),
            ))
            .returning(contact_form_hits::id)
            .get_result(c)?;
        if Self::recent(c, client_hash, now)? > max {
            Self::release(c, id)?;
            return Ok(None);
        }
        Ok(Some(id))
    }

    pub fn release(c: &mut DbConn, id: i64) -> QueryResult<()> {
        diesel::delete(contact_form_hits::table.find(id))
            .execute(c)
            .map(drop)
    }

    fn recent(c: &mut DbConn, client_hash: &str, now: NaiveDateTime) -> QueryResult<i64> {
        contact_form_hits::table
            .filter(contact_form_hits::client_hash.eq(client_hash))
            .filter(contact_form_hits::created_at.gt(now - WINDOW))
            .count()
            .get_result(c)
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
