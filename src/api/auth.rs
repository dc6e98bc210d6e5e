//! Who is calling the API: the bearer token, checked against its owner at every call, the
//! token's scope (a read-only token may only GET), and the per-token rate limit.

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use parking_lot::Mutex;

use super::ApiError;
use crate::models::api_token::{ApiToken, PREFIX, TokenOwner};
use crate::models::audit::Actor;
use crate::models::user::Role;
use crate::web::AppState;

/// The owner of the token a call came with, as they are now.
#[derive(Debug, Clone)]
pub struct ApiUser(pub TokenOwner);

impl std::ops::Deref for ApiUser {
    type Target = TokenOwner;

    fn deref(&self) -> &TokenOwner {
        &self.0
    }
}

impl ApiUser {
    /// The owner as the author of audit rows, which name the token.
    pub fn actor(&self, req: &HttpRequest, state: &AppState) -> Actor {
        Actor {
            jobcenter_id: self.jobcenter_id,
            user_id: self.user_id,
            client_ip: crate::web::auth::client_ip(req, state.config.trust_proxy),
            now: state.now(),
            via: Some(format!("API-nøgle «{}»", self.token_name)),
        }
    }

    /// Refuses with 403 unless the owner has at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Nøglens ejer har ikke en rolle, der må dette.",
            ))
        }
    }
}

impl FromRequest for ApiUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = crate::web::auth::state(&req)?;
            let token = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| t.starts_with(PREFIX))
                .map(str::to_string)
                .ok_or(ApiError::Unauthorized(
                    "Send en API-nøgle: Authorization: Bearer jcrm_…",
                ))?;
            let now = state.now();
            let found = state
                .db
                .run(move |c| Ok(ApiToken::authenticate(c, &token, now)?))
                .await?;
            let Some((owner, touch)) = found else {
                return Err(ApiError::Unauthorized(
                    "Nøglen findes ikke, er udløbet eller tilbagekaldt, eller dens ejer er deaktiveret.",
                ));
            };
            // The API is a way to take data out in bulk, which a reader may not.
            if owner.role < Role::Consultant {
                return Err(ApiError::Forbidden(
                    "Nøglens ejer har læseadgang, som ikke omfatter API'et.",
                ));
            }
            let limit = state.config.api_rate_limit;
            state
                .api_limits
                .take(owner.token_id, now.and_utc().timestamp(), limit)
                .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
            let reads = matches!(*req.method(), Method::GET | Method::HEAD);
            if !reads && !owner.can_write {
                return Err(ApiError::Forbidden("Nøglen må kun læse."));
            }
            if touch {
                let id = owner.token_id;
                state
                    .db
                    .run(move |c| Ok(ApiToken::touch(c, id, now)?))
                    .await?;
            }
            Ok(ApiUser(owner))
        })
    }
}

/// Requests per token in the current minute. Kept in memory: each instance of the app counts
/// its own calls (behind a load balancer with n instances a token may make up to n times the
/// limit). A fixed window is enough for keeping one integration from crowding out the rest.
#[derive(Default)]
pub struct RateLimits {
    windows: Mutex<HashMap<i64, (i64, u32)>>,
}

impl RateLimits {
    /// Counts one request of `token` at `now` (seconds); `Err(seconds)` until the next minute
    /// when the token has made `limit` already.
    pub fn take(&self, token: i64, now: i64, limit: u32) -> Result<(), u64> {
        let minute = now.div_euclid(60);
        let mut windows = self.windows.lock();
        if windows.len() > 10_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(token).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= limit {
            return Err((60 - now.rem_euclid(60)).max(1) as u64);
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The JSON body of a write, refused like a form field when it holds what no page of ours
/// sends (a control character, a line break in a one-line field).
pub fn check_text<T: serde::Serialize>(body: &T) -> Result<(), ApiError> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(body) else {
        return Ok(());
    };
    for (name, value) in &fields {
        if let serde_json::Value::String(s) = value
            && let Some(problem) = crate::web::security::field_problem(name, s)
        {
            return Err(ApiError::BadRequest(format!("{name}: {problem}")));
        }
    }
    Ok(())
}
