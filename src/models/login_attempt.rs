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
    pub fn record(
        c: &mut DbConn,
        email: &str,
        client_ip: &str,
        succeeded: bool,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::email.eq(email),
                login_attempts::client_ip.eq(client_ip),
                login_attempts::succeeded.eq(succeeded),
                login_attempts::attempted_at.eq(now),
            ))
            .execute(c)
            .map(drop)
    }

    /// Whether the account or the address has used up its failures for now.
    pub fn is_throttled(
        c: &mut DbConn,
        email: &str,
        client_ip: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let since = now - WINDOW;
        let by_email: i64 = login_attempts::table
            .filter(login_attempts::email.eq(email))
            .filter(login_attempts::attempted_at.gt(since))
            .filter(login_attempts::succeeded.eq(false))
            .count()
            .get_result(c)?;
        if by_email >= MAX_FAILURES {
            return Ok(true);
        }
        let by_ip: i64 = login_attempts::table
            .filter(login_attempts::client_ip.eq(client_ip))
            .filter(login_attempts::attempted_at.gt(since))
            .filter(login_attempts::succeeded.eq(false))
            .count()
            .get_result(c)?;
        Ok(by_ip >= MAX_FAILURES_PER_ADDRESS)
    }

    /// Attempts older than a day serve no purpose.
    pub fn purge_old(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(
            login_attempts::table.filter(login_attempts::attempted_at.lt(now - TimeDelta::days(1))),
        )
        .execute(c)
    }
}
