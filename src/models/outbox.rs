//! The outbox: mails waiting to be sent by the background sender (`crate::mail`). A mail is
//! written in the same transaction as the change it tells about, so it is never lost, and a
//! mail that cannot be sent never undoes that change: it waits here with its error and is
//! tried again later, visible to admins.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::outbox_mails;

/// After this many failed attempts a mail is given up (an admin can send it again).
pub const MAX_ATTEMPTS: i32 = 10;
/// A claimed mail is left alone by other senders this long, so two app instances never send
/// the same mail at once; a sender that died mid-way is retried after it.
const CLAIM_LEASE: TimeDelta = TimeDelta::minutes(5);
/// Sent mails are kept this long for admins to see, then deleted.
const KEEP_SENT: TimeDelta = TimeDelta::days(30);
/// Mails given up are kept a little longer.
const KEEP_FAILED: TimeDelta = TimeDelta::days(90);

/// How long to wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> TimeDelta {
    let exponent = attempts.clamp(1, 20) - 1;
    TimeDelta::minutes(1i64 << exponent).min(TimeDelta::hours(6))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox_mails)]
pub struct OutboxMail {
    pub id: i64,
    pub jobcenter_id: Option<i64>,
    pub request_id: Option<i64>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

/// A mail to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub jobcenter_id: Option<i64>,
    pub request_id: Option<i64>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

impl NewMail {
    /// Queues the mail to be sent at once.
    pub fn enqueue(&self, c: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
        diesel::insert_into(outbox_mails::table)
            .values((
                outbox_mails::jobcenter_id.eq(self.jobcenter_id),
                outbox_mails::request_id.eq(self.request_id),
                outbox_mails::to_address.eq(&self.to_address),
                outbox_mails::subject.eq(&self.subject),
                outbox_mails::body.eq(&self.body),
                outbox_mails::created_at.eq(now),
                outbox_mails::attempts.eq(0),
                outbox_mails::next_attempt_at.eq(now),
            ))
            .returning(outbox_mails::id)
            .get_result(c)
    }
}

impl OutboxMail {
    /// Mails waiting to be sent (not sent, not given up): the backlog `/metrics` shows.
    pub fn waiting(c: &mut DbConn) -> QueryResult<i64> {
        outbox_mails::table
            .filter(outbox_mails::sent_at.is_null())
            .filter(outbox_mails::attempts.lt(MAX_ATTEMPTS))
            .count()
            .get_result(c)
    }

    pub fn is_given_up(&self) -> bool {
        self.sent_at.is_none() && self.attempts >= MAX_ATTEMPTS
    }

    /// Takes up to `limit` mails that are due, each under a short lease so no other sender
    /// takes it too.
    pub fn claim_due(
        c: &mut DbConn,
        now: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<OutboxMail>> {
        let due: Vec<OutboxMail> = outbox_mails::table
            .filter(outbox_mails::sent_at.is_null())
            .filter(outbox_mails::next_attempt_at.le(now))
            .filter(outbox_mails::attempts.lt(MAX_ATTEMPTS))
            .order((outbox_mails::next_attempt_at, outbox_mails::id))
            .limit(limit)
            .select(OutboxMail::as_select())
            .load(c)?;
        let mut claimed = Vec::with_capacity(due.len());
        for mail in due {
            // Only one sender wins the update from the value it read.
            let won = diesel::update(
                outbox_mails::table
                    .filter(outbox_mails::id.eq(mail.id))
                    .filter(outbox_mails::sent_at.is_null())
                    .filter(outbox_mails::next_attempt_at.eq(mail.next_attempt_at)),
            )
            .set(outbox_mails::next_attempt_at.eq(now + CLAIM_LEASE))
            .execute(c)?;
            if won == 1 {
                claimed.push(mail);
            }
        }
        Ok(claimed)
    }

    pub fn mark_sent(c: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(outbox_mails::table.find(id))
            .set((
                outbox_mails::sent_at.eq(Some(now)),
                outbox_mails::attempts.eq(outbox_mails::attempts + 1),
                outbox_mails::last_error.eq(None::<String>),
            ))
            .execute(c)
            .map(drop)
    }

    /// Records a failed attempt and when to try again.
    pub fn mark_failed(
        c: &mut DbConn,
        mail: &OutboxMail,
        error: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let attempts = mail.attempts + 1;
        let error: String = error.chars().take(500).collect();
        diesel::update(outbox_mails::table.find(mail.id))
            .set((
                outbox_mails::attempts.eq(attempts),
                outbox_mails::next_attempt_at.eq(now + backoff(attempts)),
                outbox_mails::last_error.eq(Some(error)),
            ))
            .execute(c)
            .map(drop)
    }

    /// One page of a jobcenter's mails, newest first.
    pub fn page(
        c: &mut DbConn,
        jobcenter_id: i64,
        before_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<OutboxMail>> {
        let mut query = outbox_mails::table
            .filter(outbox_mails::jobcenter_id.eq(jobcenter_id))
            .order(outbox_mails::id.desc())
            .limit(limit)
            .select(OutboxMail::as_select())
            .into_boxed();
        if let Some(before) = before_id {
            query = query.filter(outbox_mails::id.lt(before));
        }
        query.load(c)
    }

    /// Puts an unsent mail of the jobcenter back in line to be sent at once.
    pub fn retry_now(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<OutboxMail> {
        let mail: OutboxMail = outbox_mails::table
            .filter(outbox_mails::jobcenter_id.eq(jobcenter_id))
            .filter(outbox_mails::id.eq(id))
            .filter(outbox_mails::sent_at.is_null())
            .select(OutboxMail::as_select())
            .first(c)?;
        diesel::update(outbox_mails::table.find(id))
            .set((
                outbox_mails::attempts.eq(0),
                outbox_mails::next_attempt_at.eq(now),
            ))
            .execute(c)?;
        Ok(mail)
    }

    /// Deletes sent mails after a month and mails given up after three.
    pub fn purge_old(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        let sent =
            diesel::delete(outbox_mails::table.filter(outbox_mails::sent_at.lt(now - KEEP_SENT)))
                .execute(c)?;
        let failed = diesel::delete(
            outbox_mails::table
                .filter(outbox_mails::sent_at.is_null())
                .filter(outbox_mails::attempts.ge(MAX_ATTEMPTS))
                .filter(outbox_mails::created_at.lt(now - KEEP_FAILED)),
        )
        .execute(c)?;
        Ok(sent + failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(1), TimeDelta::minutes(1));
        assert_eq!(backoff(2), TimeDelta::minutes(2));
        assert_eq!(backoff(5), TimeDelta::minutes(16));
        assert_eq!(backoff(9), TimeDelta::hours(4) + TimeDelta::minutes(16));
        assert_eq!(backoff(10), TimeDelta::hours(6));
        assert_eq!(backoff(1000), TimeDelta::hours(6));
        assert_eq!(backoff(0), TimeDelta::minutes(1));
    }
}
