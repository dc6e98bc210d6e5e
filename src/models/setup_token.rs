//! One-time links for the first start: whoever holds the link may create the jobcenter and its
//! first admin, once, within a day, and only while the installation has no user at all (one
//! set up from the command line kills a link already printed).

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::crypto;
use crate::db::DbConn;
use crate::db::schema::{setup_tokens, users};

pub const LIFETIME: TimeDelta = TimeDelta::hours(24);

pub struct SetupToken;

impl SetupToken {
    /// A fresh link token; earlier unused ones stop working.
    pub fn issue(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<String> {
        let token = crypto::random_token();
        diesel::delete(setup_tokens::table.filter(setup_tokens::used_at.is_null())).execute(c)?;
        diesel::insert_into(setup_tokens::table)
            .values((
                setup_tokens::token_hash.eq(crypto::sha256_hex(&token)),
                setup_tokens::created_at.eq(now),
                setup_tokens::expires_at.eq(now + LIFETIME),
            ))
            .execute(c)?;
        Ok(token)
    }

    pub fn is_valid(c: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<bool> {
        if Self::installation_has_users(c)? {
            return Ok(false);
        }
        let found = setup_tokens::table
            .filter(setup_tokens::token_hash.eq(crypto::sha256_hex(token)))
            .filter(setup_tokens::used_at.is_null())
            .filter(setup_tokens::expires_at.gt(now))
            .select(setup_tokens::id)
            .first::<i64>(c)
            .optional()?;
        Ok(found.is_some())
    }

    /// Marks the token used; false when it was not valid (used, expired or unknown). Call it
    /// inside the transaction that does the setup, so two submissions cannot both succeed.
    pub fn consume(c: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<bool> {
        if Self::installation_has_users(c)? {
            return Ok(false);
        }
        let updated = diesel::update(
            setup_tokens::table
                .filter(setup_tokens::token_hash.eq(crypto::sha256_hex(token)))
                .filter(setup_tokens::used_at.is_null())
                .filter(setup_tokens::expires_at.gt(now)),
        )
        .set(setup_tokens::used_at.eq(now))
        .execute(c)?;
        Ok(updated == 1)
    }

    fn installation_has_users(c: &mut DbConn) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(users::table.select(users::id))).get_result(c)
    }
}
