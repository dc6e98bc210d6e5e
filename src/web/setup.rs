//! First run: the one-time link printed by `serve` opens this page, which creates the
//! jobcenter and its first admin and signs the admin in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::AppState;
use super::auth::{client_ip, device, session_cookie};
use super::views::{FieldErrors, Layout, Page, message_page, redirect_with_flash};
use crate::db::write_tx;
use crate::domain::validate;
use crate::error::AppError;
use crate::models::audit::{Actor, action};
use crate::models::jobcenter::{Jobcenter, NewJobcenter};
use crate::models::session::Session;
use crate::models::setup_token::SetupToken;
use crate::models::user::{NewUser, Role, User};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetupForm {
    token: String,
    jobcenter_name: String,
    municipality_code: String,
    name: String,
    email: String,
    password: String,
    password_repeat: String,
}

impl SetupForm {
    fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if let Err(e) = validate::required(&self.jobcenter_name, 200, "Skriv jobcenterets navn.") {
            errors.insert("jobcenter_name", e);
        } else if validate::slug(&validate::slugify(&self.jobcenter_name)).is_err() {
            errors.insert(
                "jobcenter_name",
                "Navnet skal indeholde mindst to bogstaver eller tal.".into(),
            );
        }
        if let Err(e) = validate::municipality_code(self.municipality_code.trim()) {
            errors.insert("municipality_code", e.into());
        }
        if let Err(e) = validate::required(&self.name, 200, "Skriv dit navn.") {
            errors.insert("name", e);
        }
        if let Err(e) = validate::email(&validate::normalize_email(&self.email)) {
            errors.insert("email", e.into());
        }
        if let Err(e) = validate::password(&self.password) {
            errors.insert("password", e.into());
        } else if self.password != self.password_repeat {
            errors.insert("password_repeat", "De to adgangskoder er ikke ens.".into());
        }
        errors
    }
}

/// A missing, used or expired link: say so, and how to get a new one.
fn link_dead(req: &HttpRequest, state: &AppState) -> Result<HttpResponse, AppError> {
    message_page(
        req,
        state,
        StatusCode::FORBIDDEN,
        "Opsætningslinket virker ikke",
        "Linket er allerede brugt, er udløbet eller er ikke helt. Er jobcenteret allerede oprettet, så log ind. Ellers genstart programmet: så skriver det et nyt link i loggen.",
    )
}

async fn token_is_valid(state: &AppState, token: String) -> Result<bool, AppError> {
    let now = state.now();
    state
        .db
        .run(move |c| Ok(SetupToken::is_valid(c, &token, now)?))
        .await
}

#[get("/setup")]
pub async fn setup_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    if query.token.is_empty() || !token_is_valid(&state, query.token.clone()).await? {
        return link_dead(&req, &state);
    }
    let form = SetupForm {
        token: query.into_inner().token,
        ..Default::default()
    };
    Page::new(&req).render(&state, |l| SetupPage { l, form: &form })
}

#[derive(askama::Template)]
#[template(path = "setup/setup.html")]
struct SetupPage<'a> {
    l: Layout,
    form: &'a SetupForm,
}

/// Why a setup did not go through; every one of them rolls the transaction back.
enum SetupFailure {
    TokenGone,
    EmailTaken,
    NameTaken,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for SetupFailure {
    fn from(e: diesel::result::Error) -> Self {
        SetupFailure::Db(e)
    }
}

#[post("/setup")]
pub async fn setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if form.token.is_empty() || !token_is_valid(&state, form.token.clone()).await? {
        return link_dead(&req, &state);
    }
    let mut errors = form.validate();
    if !errors.is_empty() {
        return Page::new(&req)
            .invalid(&errors)
            .render(&state, |l| SetupPage { l, form: &form });
    }
    let hash = state.hash_password(form.password.clone()).await?;
    let now = state.now();
    let ip = client_ip(&req, state.config.trust_proxy);
    let (token, jc_name, code, name, email) = (
        form.token.clone(),
        form.jobcenter_name.trim().to_string(),
        form.municipality_code.trim().to_string(),
        form.name.trim().to_string(),
        validate::normalize_email(&form.email),
    );
    let device = device(&req, &state);
    let outcome = state
        .db
        .run(move |c| {
            Ok(write_tx(c, |c| {
                // Consumed inside the transaction: two submissions cannot both succeed.
                if !SetupToken::consume(c, &token, now)? {
                    return Err(SetupFailure::TokenGone);
                }
                let slug = validate::slugify(&jc_name);
                if Jobcenter::find_by_slug(c, &slug)?.is_some() {
                    return Err(SetupFailure::NameTaken);
                }
                if User::find_by_email(c, &email)?.is_some() {
                    return Err(SetupFailure::EmailTaken);
                }
                let jobcenter = NewJobcenter {
                    name: &jc_name,
                    municipality_code: &code,
                    slug: &slug,
                    created_at: now,
                }
                .insert(c)?;
                let user = NewUser {
                    jobcenter_id: jobcenter.id,
                    email: &email,
                    name: &name,
                    phone: "",
                    title: "",
                    role: Role::Admin,
                    password_hash: &hash,
                    created_at: now,
                }
                .insert(c)?;
                for (act, entity, id, details) in [
                    (
                        action::SETUP,
                        "jobcenter",
                        jobcenter.id,
                        jobcenter.name.clone(),
                    ),
                    (
                        action::USER_CREATED,
                        "user",
                        user.id,
                        format!("{} (Administrator)", user.email),
                    ),
                ] {
                    let actor = Actor {
                        jobcenter_id: jobcenter.id,
                        user_id: user.id,
                        client_ip: ip.clone(),
                        now,
                        via: None,
                    };
                    actor.record(c, act, entity, Some(id), details)?;
                }
                User::record_login(c, user.id, now)?;
                Ok(Session::create(c, user.id, &device, now)?)
            }))
        })
        .await?;
    match outcome {
        Ok(session) => {
            let mut res = redirect_with_flash(
                &state,
                "/",
                "ok",
                "Jobcenteret er oprettet, og du er logget ind som administrator.",
            );
            res.add_cookie(&session_cookie(&state, session))
                .map_err(AppError::internal)?;
            Ok(res)
        }
        Err(SetupFailure::TokenGone) => link_dead(&req, &state),
        Err(SetupFailure::Db(e)) => Err(e.into()),
        Err(failure) => {
            if matches!(failure, SetupFailure::NameTaken) {
                errors.insert(
                    "jobcenter_name",
                    "Der findes allerede et jobcenter med dette navn.".into(),
                );
            } else {
                errors.insert("email", "E-mailadressen er allerede i brug.".into());
            }
            Page::new(&req)
                .invalid(&errors)
                .render(&state, |l| SetupPage { l, form: &form })
        }
    }
}
