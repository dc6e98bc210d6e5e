//! Two-step sign-in as people use it: the code after the password (`/login/code`), setting it
//! up (`/account/two-step`, or `/login/two-step` when the jobcenter requires it and it is not
//! set up yet), new recovery codes, and turning it off.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use super::AppState;
use super::auth::{CurrentUser, Pending, Viewer, client_ip, pending};
use super::login::start_session;
use super::views::{FieldErrors, Layout, Page, redirect, redirect_with_flash};
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::login_attempt::LoginAttempt;
use crate::models::settings::Settings;
use crate::models::two_step::{self, TwoStep, Verified};
use crate::models::user::User;

const WRONG_CODE: &str = "Koden passer ikke, eller den er brugt. Skriv den kode, appen viser nu.";
const THROTTLED: &str = "For mange forkerte forsøg. Vent 15 minutter, og prøv så igen.";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

#[derive(askama::Template)]
#[template(path = "auth/code.html")]
struct CodePage {
    l: Layout,
}

/// The second step of signing in: a code from the app, or a recovery code.
#[get("/login/code")]
pub async fn code_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if pending(&req, &state).is_none() {
        return Ok(redirect("/login"));
    }
    Page::new(&req).render(&state, |l| CodePage { l })
}

#[post("/login/code")]
pub async fn submit_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let Some(Pending { user_id, next }) = pending(&req, &state) else {
        return Ok(redirect_with_flash(
            &state,
            "/login",
            "error",
            "Der gik for lang tid. Log ind igen.",
        ));
    };
    let code = form.into_inner().code;
    let refuse = |status: StatusCode, message: &str| {
        let errors = FieldErrors::from([("code", message.to_string())]);
        Page::new(&req)
            .invalid(&errors)
            .status(status)
            .render(&state, |l| CodePage { l })
    };
    if code.trim().is_empty() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Skriv koden fra din godkendelsesapp.",
        );
    }
    match second_step(&req, &state, user_id, code).await? {
        Some((jobcenter_id, Verified::Code | Verified::RecoveryCode)) => {
            start_session(&req, &state, user_id, jobcenter_id, &next).await
        }
        Some((_, Verified::Wrong)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, WRONG_CODE),
        None => refuse(StatusCode::TOO_MANY_REQUESTS, THROTTLED),
    }
}

/// Checks a second step against the user's key, counted towards the same limit as passwords:
/// the user's jobcenter and how it went, or None when the limit is reached.
async fn second_step(
    req: &HttpRequest,
    state: &AppState,
    user_id: i64,
    code: String,
) -> Result<Option<(i64, Verified)>, AppError> {
    let (ip, now) = (client_ip(req, state.config.trust_proxy), state.now());
    state
        .db
        .run(move |c| {
            let user = User::find_any(c, user_id)?;
            let Some(claim) = LoginAttempt::claim(c, &user.email, &ip, now)? else {
                return Ok(None);
            };
            // Disabled since the password was checked: no code opens the account.
            let verified = if user.active {
                TwoStep::verify(c, user_id, &code, now)?
            } else {
                Verified::Wrong
            };
            if verified != Verified::Wrong {
                LoginAttempt::succeeded(c, claim)?;
            }
            Ok(Some((user.jobcenter_id, verified)))
        })
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetupForm {
    key: String,
    code: String,
}

#[derive(askama::Template)]
#[template(path = "account/two_step_setup.html")]
struct SetupPage {
    l: Layout,
    /// Where the form goes: the account page, or the sign-in's own step.
    action: &'static str,
    /// The new key, also as text for those who cannot scan.
    key: String,
    /// The QR code as an `<img>` source (an SVG drawn by the `qrcode` crate).
    qr: String,
    /// The jobcenter requires it: the person cannot go on without.
    required: bool,
}

/// The key in groups of four, as people type it into an app.
fn grouped(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

impl SetupPage {
    fn key_text(&self) -> String {
        grouped(&self.key)
    }
}

/// The set-up page for `user` with `key` (a new one, or the one they are confirming).
async fn setup_page(
    req: &HttpRequest,
    state: &AppState,
    user_id: i64,
    key: String,
    action: &'static str,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (user, jobcenter) = state
        .db
        .run(move |c| {
            let user = User::find_any(c, user_id)?;
            let jobcenter = crate::models::jobcenter::Jobcenter::find(c, user.jobcenter_id)?;
            Ok((user, jobcenter))
        })
        .await?;
    let url = two_step::otpauth_url(&key, &jobcenter.name, &user.email)
        .ok_or_else(|| AppError::internal("no otpauth address for a new key"))?;
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map_err(AppError::internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    let qr = format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg));
    let mut page = Page::new(req);
    if !errors.is_empty() {
        page = page.invalid(errors);
    }
    page.render(state, |l| SetupPage {
        l,
        action,
        key,
        qr,
        required: action == "/login/two-step",
    })
}

#[derive(askama::Template)]
#[template(path = "account/recovery_codes.html")]
struct RecoveryCodesPage {
    l: Layout,
    codes: Vec<String>,
    /// Where "Fortsæt" leads.
    next: String,
}

/// Confirms a new key with its first code: the key is stored and the recovery codes come back.
/// Wrong codes count towards the sign-in limit.
async fn confirm(
    req: &HttpRequest,
    state: &AppState,
    user_id: i64,
    form: SetupForm,
    action: &'static str,
) -> Result<Result<Vec<String>, HttpResponse>, AppError> {
    let key = form.key.trim().to_string();
    let unix_time = state.now().and_utc().timestamp().max(0) as u64;
    let again = |message: &str| {
        let errors = FieldErrors::from([("code", message.to_string())]);
        let key = key.clone();
        async move { setup_page(req, state, user_id, key, action, &errors).await }
    };
    if form.code.trim().is_empty() {
        return Ok(Err(again("Skriv koden, som appen viser.").await?));
    }
    let (ip, now) = (client_ip(req, state.config.trust_proxy), state.now());
    let (k, code) = (key.clone(), form.code.clone());
    let outcome = state
        .db
        .run(move |c| {
            let user = User::find_any(c, user_id)?;
            let Some(claim) = LoginAttempt::claim(c, &user.email, &ip, now)? else {
                return Ok(None);
            };
            let Some(step) = two_step::check(&k, &code, unix_time) else {
                return Ok(Some(None));
            };
            LoginAttempt::succeeded(c, claim)?;
            let codes = TwoStep::enable(c, user_id, &k, step)?;
            crate::models::audit::NewAuditEntry {
                jobcenter_id: Some(user.jobcenter_id),
                user_id: Some(user_id),
                action: action::TWO_STEP_ENABLED,
                entity: "user",
                entity_id: Some(user_id),
                client_ip: Some(ip),
                created_at: now,
                ..Default::default()
            }
            .insert(c)?;
            Ok(Some(Some(codes)))
        })
        .await?;
    match outcome {
        None => Ok(Err(again(THROTTLED).await?)),
        Some(None) => Ok(Err(again(WRONG_CODE).await?)),
        Some(Some(codes)) => Ok(Ok(codes)),
    }
}

/// Setting it up during sign-in, when the jobcenter requires it: nothing else is open until
/// it is done, and the session starts with the recovery codes on screen.
#[get("/login/two-step")]
pub async fn required_setup_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let Some(p) = pending(&req, &state) else {
        return Ok(redirect("/login"));
    };
    setup_page(
        &req,
        &state,
        p.user_id,
        two_step::new_key(),
        "/login/two-step",
        &FieldErrors::new(),
    )
    .await
}

#[post("/login/two-step")]
pub async fn required_setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let Some(Pending { user_id, next }) = pending(&req, &state) else {
        return Ok(redirect("/login"));
    };
    let codes = match confirm(&req, &state, user_id, form.into_inner(), "/login/two-step").await? {
        Ok(codes) => codes,
        Err(page) => return Ok(page),
    };
    let jobcenter_id = state
        .db
        .run(move |c| Ok(User::find_any(c, user_id)?.jobcenter_id))
        .await?;
    // Signed in, with the codes shown once on the way.
    let signed_in = start_session(&req, &state, user_id, jobcenter_id, &next).await?;
    let mut res = Page::new(&req).render(&state, |l| RecoveryCodesPage { l, codes, next })?;
    for cookie in signed_in.cookies() {
        res.add_cookie(&cookie.into_owned())
            .map_err(AppError::internal)?;
    }
    Ok(res)
}

#[derive(askama::Template)]
#[template(path = "account/two_step.html")]
struct StatusPage {
    l: Layout,
    codes_left: i64,
    required: bool,
}

/// The account's two-step page: set it up, or, when it is on, new recovery codes and off.
#[get("/account/two-step")]
pub async fn account(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
) -> Result<HttpResponse, AppError> {
    let (uid, jc, role) = (user.id, user.jobcenter_id, user.role);
    let (on, codes_left, required) = state
        .db
        .run(move |c| {
            Ok((
                TwoStep::key(c, uid)?.is_some(),
                TwoStep::recovery_codes_left(c, uid)?,
                Settings::get(c, jc)?.require_two_step.requires(role),
            ))
        })
        .await?;
    if !on {
        let key = two_step::new_key();
        return setup_page(
            &req,
            &state,
            uid,
            key,
            "/account/two-step",
            &FieldErrors::new(),
        )
        .await;
    }
    Page::new(&req).render(&state, |l| StatusPage {
        l,
        codes_left,
        required,
    })
}

#[post("/account/two-step")]
pub async fn enable(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    match confirm(
        &req,
        &state,
        user.id,
        form.into_inner(),
        "/account/two-step",
    )
    .await?
    {
        Ok(codes) => Page::new(&req).render(&state, |l| RecoveryCodesPage {
            l,
            codes,
            next: "/account/security".into(),
        }),
        Err(page) => Ok(page),
    }
}

/// A change to a two-step sign-in that is on asks for a current code first.
async fn with_code(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    code: String,
) -> Result<Option<&'static str>, AppError> {
    Ok(match second_step(req, state, user.id, code).await? {
        Some((_, Verified::Code | Verified::RecoveryCode)) => None,
        Some((_, Verified::Wrong)) => Some(WRONG_CODE),
        None => Some(THROTTLED),
    })
}

#[post("/account/two-step/recovery-codes")]
pub async fn new_recovery_codes(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(problem) = with_code(&req, &state, &user, form.into_inner().code).await? {
        return Ok(redirect_with_flash(
            &state,
            "/account/two-step",
            "error",
            problem,
        ));
    }
    let uid = user.id;
    let codes = state
        .write(user.actor(&req, &state), move |c, actor| {
            let codes = TwoStep::new_recovery_codes(c, uid)?;
            actor.record(
                c,
                action::RECOVERY_CODES_RENEWED,
                "user",
                Some(uid),
                String::new(),
            )?;
            Ok(codes)
        })
        .await??;
    Page::new(&req).render(&state, |l| RecoveryCodesPage {
        l,
        codes,
        next: "/account/security".into(),
    })
}

#[post("/account/two-step/disable")]
pub async fn disable(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let (uid, jc, role) = (user.id, user.jobcenter_id, user.role);
    let required = state
        .db
        .run(move |c| Ok(Settings::get(c, jc)?.require_two_step.requires(role)))
        .await?;
    if required {
        return Ok(redirect_with_flash(
            &state,
            "/account/two-step",
            "error",
            "Jobcentret kræver totrinsbekræftelse af dig, så den kan ikke slås fra.",
        ));
    }
    if let Some(problem) = with_code(&req, &state, &user, form.into_inner().code).await? {
        return Ok(redirect_with_flash(
            &state,
            "/account/two-step",
            "error",
            problem,
        ));
    }
    state
        .write(user.actor(&req, &state), move |c, actor| {
            TwoStep::disable(c, uid)?;
            actor.record(
                c,
                action::TWO_STEP_DISABLED,
                "user",
                Some(uid),
                String::new(),
            )?;
            Ok(())
        })
        .await??;
    Ok(redirect_with_flash(
        &state,
        "/account/security",
        "ok",
        "Totrinsbekræftelse er slået fra.",
    ))
}
