//! Signing in and out.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::AppState;
use super::auth::{Viewer, client_ip, device, pending_cookie, removal_cookie, session_cookie};
use super::views::{FieldErrors, Layout, Page, redirect, redirect_with_flash, safe_next};
use crate::crypto;
use crate::domain::validate;
use crate::error::AppError;
use crate::models::audit::{NewAuditEntry, action};
use crate::models::kept_form::KeptForm;
use crate::models::login_attempt::LoginAttempt;
use crate::models::session::Session;
use crate::models::settings::Settings;
use crate::models::two_step::TwoStep;
use crate::models::user::User;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: String,
    reason: String,
}

#[get("/login")]
pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Option<Viewer>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if user.is_some() {
        return Ok(redirect(safe_next(&query.next)));
    }
    let kept = kept_here(&req, &state).await?;
    Page::new(&req).render(&state, |l| LoginPage {
        l,
        email: "",
        next: safe_next(&query.next),
        expired: query.reason == "expired",
        kept,
    })
}

/// Whether this browser holds forms kept after their session ended (`web::kept_forms`): the
/// login page says they are not lost. (Whose they are shows only after signing in: only their
/// owner gets them back.)
async fn kept_here(req: &HttpRequest, state: &AppState) -> Result<bool, AppError> {
    let Some(key) = req
        .cookie(state.cookie_names().kept)
        .map(|c| c.value().to_string())
    else {
        return Ok(false);
    };
    let now = state.now();
    state
        .db
        .read(move |c| Ok(KeptForm::any_of_browser(c, &key, now)?))
        .await
}

#[derive(askama::Template)]
#[template(path = "auth/login.html")]
struct LoginPage<'a> {
    l: Layout,
    email: &'a str,
    next: &'a str,
    /// The session ended: the form says why it is shown.
    expired: bool,
    /// A form sent after the session ended is kept for after signing in (`web::kept_forms`).
    kept: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

enum Outcome {
    Throttled,
    /// A password check was claimed (the attempt's id), for the account if it exists.
    Claimed(i64, Option<Box<User>>),
}

#[post("/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = validate::normalize_email(&form.email);
    let ip = client_ip(&req, state.config.trust_proxy);
    let now = state.now();
    let next = safe_next(&form.next).to_string();

    // Empty fields are a typing slip, not an attempt: say so and count nothing.
    let mut missing = FieldErrors::new();
    if email.is_empty() {
        missing.insert("email", "Skriv din e-mailadresse.".into());
    }
    if form.password.is_empty() {
        missing.insert("password", "Skriv din adgangskode.".into());
    }
    if !missing.is_empty() {
        let kept = kept_here(&req, &state).await?;
        return Page::new(&req)
            .invalid(&missing)
            .render(&state, |l| LoginPage {
                l,
                email: &form.email,
                next: &next,
                expired: false,
                kept,
            });
    }

    let (e, i) = (email.clone(), ip.clone());
    let outcome = state
        .db
        .run(move |c| {
            let Some(claim) = LoginAttempt::claim(c, &e, &i, now)? else {
                return Ok(Outcome::Throttled);
            };
            Ok(Outcome::Claimed(
                claim,
                User::find_by_email(c, &e)?.map(Box::new),
            ))
        })
        .await?;

    let kept = kept_here(&req, &state).await?;
    let refuse = |status: StatusCode, message: &str| {
        let errors = FieldErrors::from([("form", message.to_string())]);
        Page::new(&req)
            .invalid(&errors)
            .status(status)
            .render(&state, |l| LoginPage {
                l,
                email: &form.email,
                next: &next,
                expired: false,
                kept,
            })
    };

    let (claim, user) = match outcome {
        Outcome::Throttled => {
            let (e, i) = (email.clone(), ip.clone());
            state
                .db
                .run(move |c| {
                    NewAuditEntry {
                        action: action::LOGIN_THROTTLED,
                        details: format!("e-mail: {e}"),
                        client_ip: Some(i),
                        created_at: now,
                        ..Default::default()
                    }
                    .insert(c)?;
                    Ok(())
                })
                .await?;
            let mut res = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "For mange mislykkede forsøg. Vent 15 minutter, og prøv så igen.",
            )?;
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("900"),
            );
            return Ok(res);
        }
        Outcome::Claimed(claim, user) => (claim, user.map(|u| *u)),
    };

    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = state.verify_password(hash, form.password.clone()).await?;
    // Only someone who knows the password learns that the account is disabled.
    if password_ok && user.as_ref().is_some_and(|u| !u.active) {
        return refuse(
            StatusCode::FORBIDDEN,
            "Din konto er deaktiveret. Kontakt jobcenterets administrator.",
        );
    }
    let user = user.filter(|_| password_ok);

    let Some(user) = user else {
        state
            .db
            .run(move |c| {
                // The claim stays a failure.
                let known = User::find_by_email(c, &email)?;
                NewAuditEntry {
                    jobcenter_id: known.as_ref().map(|u| u.jobcenter_id),
                    user_id: known.as_ref().map(|u| u.id),
                    action: action::LOGIN_FAILED,
                    details: format!("e-mail: {email}"),
                    client_ip: Some(ip),
                    created_at: now,
                    ..Default::default()
                }
                .insert(c)?;
                Ok(())
            })
            .await?;
        return refuse(
            StatusCode::UNAUTHORIZED,
            "E-mail eller adgangskode er forkert.",
        );
    };

    // The password was right; a second step, if any, claims its own attempts.
    let (uid, jc, role) = (user.id, user.jobcenter_id, user.role);
    let (has_key, required) = state
        .db
        .run(move |c| {
            LoginAttempt::succeeded(c, claim)?;
            let has_key = TwoStep::key(c, uid)?.is_some();
            Ok((
                has_key,
                Settings::get(c, jc)?.require_two_step.requires(role),
            ))
        })
        .await?;
    if has_key || required {
        // No session yet: a signed, short-lived cookie says whose password was right.
        let step = if has_key {
            "/login/code"
        } else {
            "/login/two-step"
        };
        let mut res = redirect(step);
        res.add_cookie(&pending_cookie(&state, uid, &next, now))
            .map_err(AppError::internal)?;
        return Ok(res);
    }
    start_session(&req, &state, uid, jc, &next).await
}

/// Signs a member of staff in: a new session id at every sign-in (the one the browser came with
/// is dropped), the sign-in recorded, and on to `next`.
pub async fn start_session(
    req: &HttpRequest,
    state: &AppState,
    user_id: i64,
    jobcenter_id: i64,
    next: &str,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let ip = client_ip(req, state.config.trust_proxy);
    let device = device(req, state);
    let old_session = req
        .cookie(state.cookie_names().session)
        .map(|c| crypto::sha256_hex(c.value()));
    let token = state
        .db
        .run(move |c| {
            crate::db::write_tx(c, |c| {
                // The browser's previous session ends; its row stays a while, so a form a
                // tab still sends with it comes back to its owner (`web::kept_forms`).
                if let Some(old) = old_session {
                    Session::sign_out(c, &old, now)?;
                }
                User::record_login(c, user_id, now)?;
                NewAuditEntry {
                    jobcenter_id: Some(jobcenter_id),
                    user_id: Some(user_id),
                    action: action::LOGIN,
                    client_ip: Some(ip),
                    created_at: now,
                    ..Default::default()
                }
                .insert(c)?;
                Ok::<_, AppError>(Session::create(c, user_id, &device, now)?)
            })
        })
        .await?;
    let mut res = redirect(next);
    res.add_cookie(&session_cookie(state, token))
        .map_err(AppError::internal)?;
    res.add_cookie(&removal_cookie(state, state.cookie_names().pending))
        .map_err(AppError::internal)?;
    Ok(res)
}

#[post("/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Option<Viewer>,
) -> Result<HttpResponse, AppError> {
    if let Some(cookie) = req.cookie(state.cookie_names().session) {
        let id = crypto::sha256_hex(cookie.value());
        let now = state.now();
        let ip = client_ip(&req, state.config.trust_proxy);
        state
            .db
            .run(move |c| {
                Session::sign_out(c, &id, now)?;
                if let Some(user) = user {
                    NewAuditEntry {
                        jobcenter_id: Some(user.jobcenter_id),
                        user_id: Some(user.id),
                        action: action::LOGOUT,
                        client_ip: Some(ip),
                        created_at: now,
                        ..Default::default()
                    }
                    .insert(c)?;
                }
                Ok(())
            })
            .await?;
    }
    // The browser keeps the (now ended) session cookie: a form another tab sends with it is
    // then known to be this user's and kept for them (`web::kept_forms`). It signs no one in.
    Ok(redirect_with_flash(
        &state,
        "/login",
        "ok",
        "Du er logget ud.",
    ))
}
