//! Server-side sessions. The cookie holds a random token; the table holds its SHA-256, so
//! logging out, disabling a user or changing a password really ends a session.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::user::Role;
use crate::crypto;
use crate::db::DbConn;
use crate::db::schema::{jobcenter_settings, jobcenters, sessions, users};

pub const IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(30);
pub const ABSOLUTE_TIMEOUT: TimeDelta = TimeDelta::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_INTERVAL: TimeDelta = TimeDelta::seconds(60);
/// How long an ended session's row is kept: a form sent with it is kept for its owner
/// ([`super::kept_form`]) for as long.
pub const ENDED_KEPT_FOR: TimeDelta = TimeDelta::hours(8);

/// The signed-in user as every request needs them: only these columns are read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    #[diesel(select_expression = jobcenters::id)]
    pub jobcenter_id: i64,
    #[diesel(select_expression = jobcenters::name)]
    pub jobcenter_name: String,
    #[diesel(select_expression = jobcenters::slug)]
    pub jobcenter_slug: String,
    /// The entry point's details for the footer (none before the settings were first saved).
    #[diesel(select_expression = jobcenter_settings::entry_name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::entry_name>)]
    pub entry_name: Option<String>,
    #[diesel(select_expression = jobcenter_settings::entry_phone.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::entry_phone>)]
    pub entry_phone: Option<String>,
    #[diesel(select_expression = jobcenter_settings::entry_email.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::entry_email>)]
    pub entry_email: Option<String>,
    #[diesel(select_expression = jobcenter_settings::entry_address.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::entry_address>)]
    pub entry_address: Option<String>,
    #[diesel(select_expression = jobcenter_settings::entry_hours.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::entry_hours>)]
    pub entry_hours: Option<String>,
    #[diesel(select_expression = jobcenter_settings::privacy_url.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::privacy_url>)]
    pub privacy_url: Option<String>,
    #[diesel(select_expression = jobcenter_settings::accessibility_url.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::accessibility_url>)]
    pub accessibility_url: Option<String>,
    #[diesel(select_expression = jobcenter_settings::answer_promise_days.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobcenter_settings::answer_promise_days>)]
    pub answer_promise_days: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    /// The browser's User-Agent, cut short.
    pub user_agent: String,
    /// The network the sign-in came from: an address prefix ("198.51.100.0/24").
    pub client_network: String,
}

/// Where a session is signed in from, as its owner sees it on their security page.
#[derive(Debug, Clone, Default)]
pub struct Device {
    pub user_agent: String,
    pub client_network: String,
}

/// Kept of a User-Agent: enough to name the browser and system.
const USER_AGENT_CHARS: usize = 300;

/// A session as [`Session::check`] finds it.
#[derive(Debug)]
pub enum Checked {
    /// No such session (signed out, or never was).
    Unknown,
    /// Expired, or its user disabled: to be deleted.
    Ended,
    /// Alive, but not marked as seen for a while: to be touched.
    ToTouch(SessionUser),
    /// Alive and recently seen: nothing to write. With the time it ends unless used again.
    Alive(SessionUser, NaiveDateTime),
}

/// Whole seconds from `now` until `ends`, rounded up (a stored time may have lost its
/// sub-microsecond part), never below 0.
pub fn seconds_until(ends: NaiveDateTime, now: NaiveDateTime) -> i64 {
    let ms = (ends - now).num_milliseconds().max(0);
    (ms + 999) / 1000
}

/// When a session used at `last_seen_at` ends if not used again: after the idle timeout, or at
/// the end of its absolute lifetime, whichever comes first.
pub fn ends_at(created_at: NaiveDateTime, last_seen_at: NaiveDateTime) -> NaiveDateTime {
    (last_seen_at + IDLE_TIMEOUT).min(created_at + ABSOLUTE_TIMEOUT)
}

impl Session {
    /// Starts a session and returns the token for the cookie.
    pub fn create(
        c: &mut DbConn,
        user_id: i64,
        device: &Device,
        now: NaiveDateTime,
    ) -> QueryResult<String> {
        let token = crypto::random_token();
        let user_agent: String = device.user_agent.chars().take(USER_AGENT_CHARS).collect();
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(crypto::sha256_hex(&token)),
                sessions::user_id.eq(user_id),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
                sessions::user_agent.eq(user_agent),
                sessions::client_network.eq(&device.client_network),
            ))
            .execute(c)?;
        Ok(token)
    }

    /// A user's sessions that are still alive, the most recently used first.
    pub fn alive_of_user(
        c: &mut DbConn,
        user_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<Vec<Session>> {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::signed_out_at.is_null())
            .filter(sessions::last_seen_at.ge(now - IDLE_TIMEOUT))
            .filter(sessions::created_at.ge(now - ABSOLUTE_TIMEOUT))
            .order((sessions::last_seen_at.desc(), sessions::id))
            .select(Session::as_select())
            .load(c)
    }

    /// Sessions neither idle nor past their absolute lifetime, in the whole installation.
    pub fn count_alive(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
        sessions::table
            .filter(sessions::signed_out_at.is_null())
            .filter(sessions::last_seen_at.ge(now - IDLE_TIMEOUT))
            .filter(sessions::created_at.ge(now - ABSOLUTE_TIMEOUT))
            .count()
            .get_result(c)
    }

    /// Ends one of a user's sessions; false when the user has no such session.
    pub fn end_of_user(c: &mut DbConn, user_id: i64, id: &str) -> QueryResult<bool> {
        diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::id.eq(id)),
        )
        .execute(c)
        .map(|n| n == 1)
    }

    /// Ends every session of a user but `except` (the one asking); how many ended.
    pub fn end_all_of_user(
        c: &mut DbConn,
        user_id: i64,
        except: Option<&str>,
    ) -> QueryResult<usize> {
        let mut query = diesel::delete(sessions::table)
            .filter(sessions::user_id.eq(user_id))
            .into_boxed();
        if let Some(id) = except {
            query = query.filter(sessions::id.ne(id));
        }
        query.execute(c)
    }

    /// What a session is now, read without writing: most requests need nothing more.
    pub fn check(c: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<Checked> {
        let found = sessions::table
            .inner_join(
                users::table.inner_join(jobcenters::table.left_join(jobcenter_settings::table)),
            )
            .filter(sessions::id.eq(id))
            .select((
                sessions::created_at,
                sessions::last_seen_at,
                sessions::signed_out_at,
                users::active,
                SessionUser::as_select(),
            ))
            .first::<(
                NaiveDateTime,
                NaiveDateTime,
                Option<NaiveDateTime>,
                bool,
                SessionUser,
            )>(c)
            .optional()?;
        let Some((created_at, last_seen_at, signed_out_at, active, user)) = found else {
            return Ok(Checked::Unknown);
        };
        let ends_at = ends_at(created_at, last_seen_at);
        Ok(if now > ends_at || signed_out_at.is_some() || !active {
            Checked::Ended
        } else if now - last_seen_at > TOUCH_INTERVAL {
            Checked::ToTouch(user)
        } else {
            Checked::Alive(user, ends_at)
        })
    }

    /// The active user behind a session, if the session is still alive, and when it ends: a
    /// live one is marked as seen now (at most once a minute). An ended session's row stays
    /// until [`Session::purge_expired`].
    pub fn resolve(
        c: &mut DbConn,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<(SessionUser, NaiveDateTime)>> {
        match Self::check(c, id, now)? {
            Checked::Unknown | Checked::Ended => Ok(None),
            Checked::ToTouch(user) => Self::touch(c, id, now).map(|ends| ends.map(|e| (user, e))),
            Checked::Alive(user, ends_at) => Ok(Some((user, ends_at))),
        }
    }

    /// Marks a live session as used now ("stay signed in"); when it ends from now on, or none
    /// when it has already ended.
    pub fn touch(
        c: &mut DbConn,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<NaiveDateTime>> {
        let live = sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::signed_out_at.is_null())
            .filter(sessions::last_seen_at.ge(now - IDLE_TIMEOUT))
            .filter(sessions::created_at.ge(now - ABSOLUTE_TIMEOUT));
        let created_at = diesel::update(live)
            .set(sessions::last_seen_at.eq(now))
            .returning(sessions::created_at)
            .get_result::<NaiveDateTime>(c)
            .optional()?;
        Ok(created_at.map(|created_at| ends_at(created_at, now)))
    }

    /// When a live session ends unless used again; none when it has ended. Reads only.
    pub fn ends(
        c: &mut DbConn,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<NaiveDateTime>> {
        let found = sessions::table
            .inner_join(users::table)
            .filter(sessions::id.eq(id))
            .filter(sessions::signed_out_at.is_null())
            .filter(users::active)
            .select((sessions::created_at, sessions::last_seen_at))
            .first::<(NaiveDateTime, NaiveDateTime)>(c)
            .optional()?;
        Ok(found
            .map(|(created, seen)| ends_at(created, seen))
            .filter(|ends| *ends >= now))
    }

    /// The user a session belonged to, alive or ended, while its row is kept.
    pub fn owner(c: &mut DbConn, id: &str) -> QueryResult<Option<i64>> {
        sessions::table
            .find(id)
            .select(sessions::user_id)
            .first(c)
            .optional()
    }

    /// The other sessions of the user of session `id` (alive or ended, while their rows are
    /// kept).
    pub fn others_of_owner(c: &mut DbConn, id: &str) -> QueryResult<Vec<String>> {
        let Some(user_id) = Self::owner(c, id)? else {
            return Ok(Vec::new());
        };
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(id))
            .select(sessions::id)
            .load(c)
    }

    /// Ends a session (signing out). Its row is kept a while, so a form another tab sends
    /// with it can be kept for its owner; it never counts as signed in again.
    pub fn sign_out(c: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(sessions::table.find(id))
            .set(sessions::signed_out_at.eq(now))
            .execute(c)
            .map(drop)
    }

    /// Removes sessions that ended more than [`ENDED_KEPT_FOR`] ago.
    pub fn purge_expired(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        let before = now - ENDED_KEPT_FOR;
        diesel::delete(
            sessions::table.filter(
                sessions::last_seen_at
                    .lt(before - IDLE_TIMEOUT)
                    .or(sessions::created_at.lt(before - ABSOLUTE_TIMEOUT))
                    .or(sessions::signed_out_at.lt(before)),
            ),
        )
        .execute(c)
    }
}
