//! Forms sent after their session ended (the idle timeout, or signing out in another tab),
//! kept server-side for their owner, who gets them back filled in after signing in again in
//! the same browser. Kept for [`KEPT_FOR`]; never in an address; no password or code fields.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::session::{ENDED_KEPT_FOR, Session};
use crate::crypto;
use crate::db::DbConn;
use crate::db::schema::{kept_forms, users};

/// How long a kept form waits for its owner: as long as the ended session's row is kept.
pub const KEPT_FOR: TimeDelta = ENDED_KEPT_FOR;

/// Fields never kept: what would let someone else in (a two-step set-up's `key` among them),
/// and the spent form token.
fn is_secret(name: &str) -> bool {
    matches!(name, "csrf_token" | "code" | "key")
        || name.contains("password")
        || name.contains("token")
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = kept_forms)]
pub struct KeptForm {
    pub id: i64,
    pub user_id: i64,
    /// The page the form was on (path and query), where it comes back.
    pub page: String,
    /// The form's `action`: which of the page's forms it was.
    pub action: String,
    /// The fields as sent, URL-encoded, without [`is_secret`] ones.
    pub fields: String,
    pub created_at: NaiveDateTime,
}

impl KeptForm {
    /// Keeps a form sent with the ended session `session_id`, for the session's user, if the
    /// session's row is still there and the user is active; the browser's key (for its cookie)
    /// is `browser_key`. Returns whether it was kept.
    pub fn keep(
        c: &mut DbConn,
        session_id: &str,
        browser_key: &str,
        page: &str,
        action: &str,
        body: &[u8],
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let Some(user_id) = Session::owner(c, session_id)? else {
            return Ok(false);
        };
        let active = users::table
            .find(user_id)
            .select(users::active)
            .first::<bool>(c)?;
        if !active {
            return Ok(false);
        }
        let sent: Vec<(String, String)> = serde_html_form::from_bytes(body).unwrap_or_default();
        // Nor text that looks like a CPR number: it may not be stored anywhere.
        let kept: Vec<(String, String)> = sent
            .into_iter()
            .filter(|(n, v)| !is_secret(n) && crate::domain::cpr_guard::check_free_text(v).is_ok())
            .collect();
        let fields = serde_html_form::to_string(&kept).unwrap_or_default();
        diesel::insert_into(kept_forms::table)
            .values((
                kept_forms::browser.eq(crypto::sha256_hex(browser_key)),
                kept_forms::user_id.eq(user_id),
                kept_forms::page.eq(page),
                kept_forms::action.eq(action),
                kept_forms::fields.eq(fields),
                kept_forms::created_at.eq(now),
            ))
            .execute(c)?;
        Ok(true)
    }

    /// This browser's kept forms, of whoever sent them, oldest first.
    pub fn of_browser(
        c: &mut DbConn,
        browser_key: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Vec<KeptForm>> {
        kept_forms::table
            .filter(kept_forms::browser.eq(crypto::sha256_hex(browser_key)))
            .filter(kept_forms::created_at.ge(now - KEPT_FOR))
            .order(kept_forms::id)
            .select(KeptForm::as_select())
            .load(c)
    }

    /// Whether this browser holds kept forms still waiting, of whoever sent them.
    pub fn any_of_browser(
        c: &mut DbConn,
        browser_key: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            kept_forms::table
                .filter(kept_forms::browser.eq(crypto::sha256_hex(browser_key)))
                .filter(kept_forms::created_at.ge(now - KEPT_FOR)),
        ))
        .get_result(c)
    }

    /// Forgets kept forms once they are back on their page.
    pub fn forget(c: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
        diesel::delete(kept_forms::table.filter(kept_forms::id.eq_any(ids))).execute(c)
    }

    /// The fields as name/value pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        serde_html_form::from_str(&self.fields).unwrap_or_default()
    }

    /// Removes kept forms older than [`KEPT_FOR`].
    pub fn purge_expired(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(kept_forms::table.filter(kept_forms::created_at.lt(now - KEPT_FOR)))
            .execute(c)
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret;

    #[test]
    fn passwords_codes_and_tokens_are_never_kept() {
        for name in [
            "password",
            "new_password",
            "current_password",
            "repeat_password",
            "code",
            "key",
            "csrf_token",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in ["summary", "note", "name", "version", "company_id"] {
            assert!(!is_secret(name), "{name}");
        }
    }
}
