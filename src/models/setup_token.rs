//! The one-time link for the first start: whoever holds the link may create the jobcenter and
//! its first admin, once, within a day, and only while the installation has no user at all (one
//! set up from the command line kills a link already printed). Several instances started at
//! once print the same link.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::crypto::{self, Keys};
use crate::db::schema::{setup_tokens, users};
use crate::db::{DbConn, write_tx};

pub const LIFETIME: TimeDelta = TimeDelta::hours(24);
/// The advisory lock that lets one instance at a time make the link on PostgreSQL.
const SETUP_LOCK_KEY: i64 = 0x6a63_7365_7475; // "jcsetu"

pub struct SetupToken;

impl SetupToken {
    /// The installation's one setup link token: the unused, unexpired one when there is one,
    /// else a fresh one (earlier ones stop working). The token is made from its row with the
    /// secret key, so every instance started with the same `SECRET_KEY` gives the same link,
    /// however many start at once; only its hash is stored.
    pub fn shared(c: &mut DbConn, keys: &Keys, now: NaiveDateTime) -> QueryResult<String> {
        let token_of = |id: i64, created: NaiveDateTime| {
            keys.token_for(&format!(
                "setup.{id}.{}",
                created.and_utc().timestamp_micros()
            ))
        };
        write_tx(c, |c| {
            // SQLite's write lock already lets one instance in at a time.
            if let DbConn::Pg(_) = c {
                diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                    .bind::<diesel::sql_types::BigInt, _>(SETUP_LOCK_KEY)
                    .execute(c)?;
            }
            let current = setup_tokens::table
                .filter(setup_tokens::used_at.is_null())
                .filter(setup_tokens::expires_at.gt(now))
                .order(setup_tokens::id.desc())
                .select((setup_tokens::id, setup_tokens::created_at))
                .first::<(i64, NaiveDateTime)>(c)
                .optional()?;
            if let Some((id, created)) = current {
                return Ok(token_of(id, created));
            }
            diesel::delete(setup_tokens::table.filter(setup_tokens::used_at.is_null()))
                .execute(c)?;
            let id: i64 = diesel::insert_into(setup_tokens::table)
                .values((
                    setup_tokens::token_hash.eq(crypto::random_token()),
                    setup_tokens::created_at.eq(now),
                    setup_tokens::expires_at.eq(now + LIFETIME),
                ))
                .returning(setup_tokens::id)
                .get_result(c)?;
            // Made from the time as stored (PostgreSQL keeps microseconds), as the next
            // instance reads it.
            let created: NaiveDateTime = setup_tokens::table
                .find(id)
                .select(setup_tokens::created_at)
                .first(c)?;
            let token = token_of(id, created);
            diesel::update(setup_tokens::table.find(id))
                .set(setup_tokens::token_hash.eq(crypto::sha256_hex(&token)))
                .execute(c)?;
            Ok(token)
        })
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
