//! The signed-in user's own account: where they are signed in, and changing the password.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::AppState;
use super::auth::{Viewer, client_ip, current_session_id, device, session_cookie};
use super::views::{FieldErrors, Layout, Page, filters, redirect_with_flash};
use crate::domain::validate;
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::login_attempt::LoginAttempt;
use crate::models::session::Session;
use crate::models::two_step::TwoStep;
use crate::models::user::User;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

impl PasswordForm {
    /// What can be told without the stored hash.
    fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.insert(
                "current_password",
                "Skriv din nuværende adgangskode.".into(),
            );
        }
        if let Err(e) = validate::password(&self.new_password) {
            errors.insert("new_password", e.into());
        } else if self.new_password == self.current_password {
            errors.insert(
                "new_password",
                "Den nye adgangskode skal være en anden end den nuværende.".into(),
            );
        }
        if self.repeat_password != self.new_password {
            errors.insert(
                "repeat_password",
                "Skriv den samme nye adgangskode to gange.".into(),
            );
        }
        errors
    }
}

#[derive(askama::Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    l: Layout,
}

/// The form is never filled in again: passwords are not sent back to the browser.
fn password_page(
    req: &HttpRequest,
    state: &AppState,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut page = Page::new(req);
    if !errors.is_empty() {
        page = page.invalid(errors);
    }
    page.render(state, |l| PasswordPage { l })
}

#[get("/account/password")]
pub async fn password_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: Viewer,
) -> Result<HttpResponse, AppError> {
    password_page(&req, &state, &FieldErrors::new())
}

/// Changes the password after checking the current one (throttled like the login, so a
/// borrowed session cannot be used to guess it), ends every session of the user, and signs
/// this browser in again with a new one.
#[post("/account/password")]
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = form.validate();
    if !errors.is_empty() {
        return password_page(&req, &state, &errors);
    }
    let now = state.now();
    let ip = client_ip(&req, state.config.trust_proxy);
    let (jc, uid, email) = (user.jobcenter_id, user.id, user.email.clone());
    let (e, i) = (email.clone(), ip.clone());
    let (claim, hash) = state
        .db
        .run(move |c| {
            let claim = LoginAttempt::claim(c, &e, &i, now)?;
            Ok((claim, User::find(c, jc, uid)?.password_hash))
        })
        .await?;
    let Some(claim) = claim else {
        errors.insert(
            "current_password",
            "For mange forkerte forsøg. Vent 15 minutter, og prøv så igen.".into(),
        );
        return password_page(&req, &state, &errors);
    };
    if !state
        .verify_password(Some(hash), form.current_password.clone())
        .await?
    {
        // The claim stays a failure.
        errors.insert(
            "current_password",
            "Den nuværende adgangskode er forkert.".into(),
        );
        return password_page(&req, &state, &errors);
    }
    let hash = state.hash_password(form.new_password).await?;
    let device = device(&req, &state);
    let token = state
        .write(user.actor(&req, &state), move |c, actor| {
            LoginAttempt::succeeded(c, claim)?;
            User::set_password(c, uid, &hash)?;
            actor.record(
                c,
                action::PASSWORD_CHANGED,
                "user",
                Some(uid),
                email.clone(),
            )?;
            Ok(Session::create(c, uid, &device, actor.now)?)
        })
        .await??;
    let mut res = redirect_with_flash(
        &state,
        "/",
        "ok",
        "Din adgangskode er ændret. Du er logget ud alle andre steder.",
    );
    res.add_cookie(&session_cookie(&state, token))
        .map_err(AppError::internal)?;
    Ok(res)
}

/// A session as its owner sees it.
struct SessionRow {
    session: Session,
    /// "Firefox på Windows".
    device: String,
    /// The session this page is shown in.
    current: bool,
}

/// The browser and system of a User-Agent in words.
fn device_words(user_agent: &str) -> String {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    let known = |s: &str| !s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN;
    match parsed {
        Some(p) if known(p.name) && known(p.os) => format!("{} på {}", p.name, p.os),
        Some(p) if known(p.name) => p.name.to_string(),
        _ => "Ukendt browser".to_string(),
    }
}

#[derive(askama::Template)]
#[template(path = "account/security.html")]
struct SecurityPage {
    l: Layout,
    sessions: Vec<SessionRow>,
    /// Two-step sign-in is on.
    two_step: bool,
}

#[get("/account/security")]
pub async fn security(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
) -> Result<HttpResponse, AppError> {
    let (uid, now) = (user.id, state.now());
    let (sessions, two_step) = state
        .db
        .run(move |c| {
            Ok((
                Session::alive_of_user(c, uid, now)?,
                TwoStep::key(c, uid)?.is_some(),
            ))
        })
        .await?;
    let current = current_session_id(&req);
    let sessions = sessions
        .into_iter()
        .map(|session| SessionRow {
            device: device_words(&session.user_agent),
            current: current.as_deref() == Some(session.id.as_str()),
            session,
        })
        .collect();
    Page::new(&req).render(&state, |l| SecurityPage {
        l,
        sessions,
        two_step,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndSessionForm {
    session: String,
}

/// Ends one of the user's own sessions: the browser that used it is signed out at once.
#[post("/account/sessions/end")]
pub async fn end_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
    form: web::Form<EndSessionForm>,
) -> Result<HttpResponse, AppError> {
    let (uid, id) = (user.id, form.into_inner().session);
    let ended = state
        .write(user.actor(&req, &state), move |c, actor| {
            let ended = Session::end_of_user(c, uid, &id)?;
            if ended {
                actor.record(c, action::SESSION_ENDED, "user", Some(uid), String::new())?;
            }
            Ok(ended)
        })
        .await??;
    let (kind, message) = if ended {
        ("ok", "Sessionen er logget ud.")
    } else {
        ("error", "Sessionen var allerede afsluttet.")
    };
    Ok(redirect_with_flash(
        &state,
        "/account/security",
        kind,
        message,
    ))
}

/// Ends every session of the user's but this one.
#[post("/account/sessions/end-others")]
pub async fn end_other_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
) -> Result<HttpResponse, AppError> {
    let uid = user.id;
    let current = current_session_id(&req);
    let ended = state
        .write(user.actor(&req, &state), move |c, actor| {
            let n = Session::end_all_of_user(c, uid, current.as_deref())?;
            actor.record(
                c,
                action::SESSIONS_ENDED,
                "user",
                Some(uid),
                format!("{n} andre steder"),
            )?;
            Ok(n)
        })
        .await??;
    let message = format!("Du er logget ud {ended} andre steder.");
    Ok(redirect_with_flash(
        &state,
        "/account/security",
        "ok",
        &message,
    ))
}
