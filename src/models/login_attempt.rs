//! Sign-in attempts, counted in the database so throttling holds across app instances.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_attempts;

pub const WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Failed attempts per account within the window.
pub const MAX_FAILURES: i64 = 10;
/// Failed attempts per client address within the window: a whole office may sign in through
/// one address, and one colleague's typos must not lock the others out; guessing at many
/// accounts from one address is still stopped.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 100;

pub struct LoginAttempt;

impl LoginAttempt {
    /// Claims a password check for the account from the address, or refuses when either has
    /// used up its failures. Count and decision are one step even under parallel guesses: the
    /// claim is stored (as a failure) and committed before the count, so every guess counts
    /// the others already claimed and at most [`MAX_FAILURES`] of them reach a password check.
    /// Call it outside a transaction. A refused claim is taken back, so guessing at a locked
    /// account does not keep it locked; an allowed one becomes a success with
    /// [`LoginAttempt::succeeded`].
    pub fn claim(
        c: &mut DbConn,
        email: &str,
        client_ip: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<i64>> {
        let id: i64 = diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::email.eq(email),
                login_attempts::client_ip.eq(client_ip),
                login_attempts::succeeded.eq(false),
                login_attempts::attempted_at.eq(now),
            ))
            .returning(login_attempts::id)
            .get_result(c)?;
        let failures = || {
            login_attempts::table
                .filter(login_attempts::attempted_at.gt(now - WINDOW))
                .filter(login_attempts::succeeded.eq(false))
                .count()
        };
        let by_email: i64 = failures()
            .filter(login_attempts::email.eq(email))
            .get_result(c)?;
        let by_ip: i64 = failures()
            .filter(login_attempts::client_ip.eq(client_ip))
            .get_result(c)?;
        if by_email > MAX_FAILURES || by_ip > MAX_FAILURES_PER_ADDRESS {
            diesel::delete(login_attempts::table.find(id)).execute(c)?;
            return Ok(None);
        }
        Ok(Some(id))
    }

    /// The claimed check found the right password: it no longer counts as a failure.
    pub fn succeeded(c: &mut DbConn, id: i64) -> QueryResult<()> {
        diesel::update(login_attempts::table.find(id))
            .set(login_attempts::succeeded.eq(true))
            .execute(c)
            .map(drop)
    }

    /// Attempts older than a day serve no purpose.
    pub fn purge_old(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(
            login_attempts::table.filter(login_attempts::attempted_at.lt(now - TimeDelta::days(1))),
        )
        .execute(c)
    }
}
