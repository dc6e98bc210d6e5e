//! A private calendar link per user, so follow-ups show up in Outlook. The token is random and
//! stored hashed; turning the link off (or making a new one) makes the old address dead.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::crypto;
use crate::db::schema::{calendar_feeds, users};
use crate::db::{DbConn, write_tx};

pub struct CalendarFeed;

impl CalendarFeed {
    /// A new link for the user; any earlier link stops working. Returns the token.
    pub fn enable(c: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<String> {
        let token = crypto::random_token();
        write_tx(c, |c| {
            diesel::delete(calendar_feeds::table.find(user_id)).execute(c)?;
            diesel::insert_into(calendar_feeds::table)
                .values((
                    calendar_feeds::user_id.eq(user_id),
                    calendar_feeds::token_hash.eq(crypto::sha256_hex(&token)),
                    calendar_feeds::created_at.eq(now),
                ))
                .execute(c)
        })?;
        Ok(token)
    }

    pub fn revoke(c: &mut DbConn, user_id: i64) -> QueryResult<()> {
        diesel::delete(calendar_feeds::table.find(user_id))
            .execute(c)
            .map(drop)
    }

    pub fn enabled_since(c: &mut DbConn, user_id: i64) -> QueryResult<Option<NaiveDateTime>> {
        calendar_feeds::table
            .find(user_id)
            .select(calendar_feeds::created_at)
            .first(c)
            .optional()
    }

    /// The active user (id, jobcenter id) a token belongs to; none for a reader, who has no
    /// follow-ups to be reminded of (a consultant made a reader keeps no feed).
    pub fn owner(c: &mut DbConn, token: &str) -> QueryResult<Option<(i64, i64)>> {
        calendar_feeds::table
            .inner_join(users::table)
            .filter(calendar_feeds::token_hash.eq(crypto::sha256_hex(token)))
            .filter(users::active.eq(true))
            .filter(users::role.ne(crate::models::user::Role::Reader))
            .select((users::id, users::jobcenter_id))
            .first(c)
            .optional()
    }
}
