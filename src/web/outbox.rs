//! The outbox for admins: which mails were sent, which wait and why.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::CurrentUser;
use super::views::{LegacyPage, redirect_with_flash};
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::outbox::{MAX_ATTEMPTS, OutboxMail};
use crate::models::user::Role;

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutboxParams {
    before: Option<i64>,
}

#[derive(Serialize)]
struct MailView {
    #[serde(flatten)]
    mail: OutboxMail,
    /// "sent", "waiting" or "failed"
    state: &'static str,
    state_label: &'static str,
}

#[get("/admin/outbox")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<OutboxParams>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let (jc, before) = (user.jobcenter_id, params.before);
    let mut mails = state
        .db
        .run(move |c| Ok(OutboxMail::page(c, jc, before, PAGE_SIZE + 1)?))
        .await?;
    let next_before = if mails.len() as i64 > PAGE_SIZE {
        mails.truncate(PAGE_SIZE as usize);
        mails.last().map(|m| m.id)
    } else {
        None
    };
    let mails: Vec<MailView> = mails
        .into_iter()
        .map(|mail| {
            let (state, state_label) = if mail.sent_at.is_some() {
                ("sent", "Sendt")
            } else if mail.is_given_up() {
                ("failed", "Opgivet")
            } else {
                ("waiting", "Venter")
            };
            MailView {
                mail,
                state,
                state_label,
            }
        })
        .collect();
    LegacyPage::new(&req, "admin/outbox.html")
        .with("mails", &mails)
        .with("next_before", next_before)
        .with("smtp_configured", state.config.smtp_url.is_some())
        .with("max_attempts", MAX_ATTEMPTS)
        .render(&state)
}

#[post("/admin/outbox/{id:\\d+}/retry")]
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let actor = user.actor(&req, &state);
    state
        .db
        .run(move |c| {
            crate::db::write_tx(c, |c| {
                let mail = OutboxMail::retry_now(c, jc, id, actor.now)?;
                actor.record(
                    c,
                    action::MAIL_RETRIED,
                    "outbox_mail",
                    Some(id),
                    format!("til {}", mail.to_address),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/admin/outbox",
        "ok",
        "E-mailen sendes igen ved næste runde.",
    ))
}
