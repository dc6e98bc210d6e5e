//! Personal access tokens of the JSON API (`/api/v1`). A token acts as its owner: the owner's
//! role, jobcenter and whether the account is active are read at every call, so disabling a
//! user or lowering the role takes effect on the next one. The token itself is shown once and
//! stored only as its SHA-256.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::user::Role;
use super::{FieldErrors, WriteError};
use crate::crypto;
use crate::db::DbConn;
use crate::db::schema::{api_tokens, users};
use crate::domain::dates::{dk_date, parse_date};

/// Every token starts with this, so a secret scanner (and a person) can tell what it is.
pub const PREFIX: &str = "jcrm_";

/// The longest a token may live.
pub const MAX_DAYS: i64 = 366;

/// How often a token's "last used" is written: at most once a minute, so reading through the
/// API does not make every call a write.
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub jobcenter_id: i64,
    pub user_id: i64,
    pub name: String,
    pub can_write: bool,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiToken {
    /// In use: neither revoked nor expired.
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }

    /// The last day it works.
    pub fn last_day(&self) -> NaiveDate {
        (self.expires_at - Duration::days(1)).date()
    }

    /// "Kun læse", "Læse og skrive".
    pub fn scope_label(&self) -> &'static str {
        if self.can_write {
            "Læse og skrive"
        } else {
            "Kun læse"
        }
    }
}

/// A token with its owner's name, as the administrators' list shows it.
pub struct TokenRow {
    pub token: ApiToken,
    pub owner: String,
}

/// The new-token form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
    /// "read" or "write".
    pub scope: String,
    /// The last day it works (yyyy-mm-dd, or dd-mm-yyyy as typed).
    pub expires_on: String,
}

/// A validated new token.
pub struct TokenInput {
    pub name: String,
    pub can_write: bool,
    pub expires_at: NaiveDateTime,
}

impl TokenForm {
    pub fn validate(&self, today: NaiveDate) -> Result<TokenInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.insert(
                "name",
                "Giv nøglen et navn, fx det system, der bruger den.".into(),
            );
        } else if name.chars().count() > 100 {
            errors.insert("name", "Må højst være på 100 tegn.".into());
        }
        let can_write = match self.scope.as_str() {
            "read" => false,
            "write" => true,
            _ => {
                errors.insert("scope", "Vælg, hvad nøglen må.".into());
                false
            }
        };
        let last = today + Duration::days(MAX_DAYS - 1);
        let expires_on = match (self.expires_on.trim(), parse_date(&self.expires_on)) {
            ("", _) => {
                errors.insert("expires_on", "Skriv, hvornår nøglen udløber.".into());
                None
            }
            (_, None) => {
                errors.insert("expires_on", "Skriv datoen som dd-mm-åååå.".into());
                None
            }
            (_, Some(day)) if day < today => {
                errors.insert("expires_on", "Datoen er passeret.".into());
                None
            }
            (_, Some(day)) if day > last => {
                errors.insert(
                    "expires_on",
                    format!(
                        "En nøgle kan højst gælde et år, til og med {}.",
                        dk_date(last)
                    ),
                );
                None
            }
            (_, day) => day,
        };
        match expires_on {
            Some(day) if errors.is_empty() => Ok(TokenInput {
                name,
                can_write,
                // Through the last day, Danish time roughly: the day after at 00:00 UTC.
                expires_at: (day + Duration::days(1))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default(),
            }),
            _ => Err(errors),
        }
    }
}

/// The owner a live token acts as, read fresh at every call.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub token_id: i64,
    pub token_name: String,
    pub can_write: bool,
    pub user_id: i64,
    pub user_name: String,
    pub role: Role,
    pub jobcenter_id: i64,
}

impl ApiToken {
    /// Creates a token for `user_id`; returns its row and the token, which is never shown again.
    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        input: &TokenInput,
        now: NaiveDateTime,
    ) -> Result<(ApiToken, String), WriteError> {
        let token = format!("{PREFIX}{}", crypto::random_token());
        let id: i64 = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::jobcenter_id.eq(jobcenter_id),
                api_tokens::user_id.eq(user_id),
                api_tokens::name.eq(&input.name),
                api_tokens::token_hash.eq(crypto::sha256_hex(&token)),
                api_tokens::can_write.eq(input.can_write),
                api_tokens::created_at.eq(now),
                api_tokens::expires_at.eq(input.expires_at),
            ))
            .returning(api_tokens::id)
            .get_result(c)?;
        let row = api_tokens::table
            .find(id)
            .select(ApiToken::as_select())
            .first(c)?;
        Ok((row, token))
    }

    /// The user's own tokens, newest first.
    pub fn of_user(c: &mut DbConn, jobcenter_id: i64, user_id: i64) -> QueryResult<Vec<ApiToken>> {
        api_tokens::table
            .filter(api_tokens::jobcenter_id.eq(jobcenter_id))
            .filter(api_tokens::user_id.eq(user_id))
            .order(api_tokens::id.desc())
            .select(ApiToken::as_select())
            .load(c)
    }

    /// Every token of the jobcenter with its owner, newest first (administrators).
    pub fn of_jobcenter(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<TokenRow>> {
        let rows: Vec<(ApiToken, String)> = api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::jobcenter_id.eq(jobcenter_id))
            .order(api_tokens::id.desc())
            .select((ApiToken::as_select(), users::name))
            .load(c)?;
        Ok(rows
            .into_iter()
            .map(|(token, owner)| TokenRow { token, owner })
            .collect())
    }

    /// Revokes a token of the jobcenter; `owner` limits it to that user's own tokens. A token
    /// revoked already stays as it was.
    pub fn revoke(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        owner: Option<i64>,
        now: NaiveDateTime,
    ) -> Result<ApiToken, WriteError> {
        let mut q = api_tokens::table
            .filter(api_tokens::jobcenter_id.eq(jobcenter_id))
            .filter(api_tokens::id.eq(id))
            .into_boxed();
        if let Some(user_id) = owner {
            q = q.filter(api_tokens::user_id.eq(user_id));
        }
        let token = q.select(ApiToken::as_select()).first(c)?;
        if token.revoked_at.is_some() {
            return Ok(token);
        }
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::revoked_at.eq(now))
            .execute(c)?;
        Ok(ApiToken {
            revoked_at: Some(now),
            ..token
        })
    }

    /// Whom a presented token acts as: `None` when it is unknown, revoked, expired, or its
    /// owner is disabled. The second value is true when "last used" is due to be written.
    pub fn authenticate(
        c: &mut DbConn,
        token: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<(TokenOwner, bool)>> {
        let found: Option<(ApiToken, String, Role, bool, i64)> = api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(crypto::sha256_hex(token)))
            .select((
                ApiToken::as_select(),
                users::name,
                users::role,
                users::active,
                users::jobcenter_id,
            ))
            .first(c)
            .optional()?;
        Ok(found.and_then(|(t, user_name, role, active, user_jc)| {
            // A user moved to another jobcenter does not take the token along.
            (t.is_live(now) && active && user_jc == t.jobcenter_id).then(|| {
                let touch = t.last_used_at.is_none_or(|at| now - at >= TOUCH_INTERVAL);
                (
                    TokenOwner {
                        token_id: t.id,
                        token_name: t.name,
                        can_write: t.can_write,
                        user_id: t.user_id,
                        user_name,
                        role,
                        jobcenter_id: t.jobcenter_id,
                    },
                    touch,
                )
            })
        }))
    }

    /// Marks the token as used now.
    pub fn touch(c: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(now))
            .execute(c)
            .map(drop)
    }
}
