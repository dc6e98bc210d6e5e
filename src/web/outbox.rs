//! The outbox for admins: which mails were sent, which wait and why.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::AppState;
use super::auth::Admin;
use super::views::{Layout, Page, dk_datetime, redirect_with_flash};
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::outbox::{MAX_ATTEMPTS, OutboxMail};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutboxParams {
    before: Option<i64>,
}

/// A mail as listed, its times as shown.
struct MailRow {
    id: i64,
    created_at: String,
    to_address: String,
    subject: String,
    request_id: Option<i64>,
    /// "Sendt", "Venter" or "Opgivet"
    state_label: &'static str,
    sent_at: Option<String>,
    /// When a mail that waits after a failed attempt is tried again.
    next_attempt_at: Option<String>,
    last_error: Option<String>,
    attempts: i32,
}

#[get("/admin/outbox")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    params: web::Query<OutboxParams>,
) -> Result<HttpResponse, AppError> {
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
    let mails = mails
        .into_iter()
        .map(|mail| {
            let waiting = mail.sent_at.is_none() && !mail.is_given_up();
            let state_label = if mail.sent_at.is_some() {
                "Sendt"
            } else if waiting {
                "Venter"
            } else {
                "Opgivet"
            };
            MailRow {
                id: mail.id,
                created_at: dk_datetime(mail.created_at),
                request_id: mail.request_id,
                state_label,
                sent_at: mail.sent_at.map(dk_datetime),
                next_attempt_at: (waiting && mail.attempts > 0)
                    .then(|| dk_datetime(mail.next_attempt_at)),
                last_error: mail.last_error.filter(|e| !e.is_empty()),
                attempts: mail.attempts,
                to_address: mail.to_address,
                subject: mail.subject,
            }
        })
        .collect();
    Page::new(&req).render(&state, |l| OutboxPage {
        l,
        mails,
        next_before,
        smtp_configured: state.config.smtp_url.is_some(),
        max_attempts: MAX_ATTEMPTS,
    })
}

#[derive(askama::Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    l: Layout,
    mails: Vec<MailRow>,
    next_before: Option<i64>,
    smtp_configured: bool,
    max_attempts: i32,
}

#[post("/admin/outbox/{id:\\d+}/retry")]
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| {
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
        .await??;
    Ok(redirect_with_flash(
        &state,
        "/admin/outbox",
        "ok",
        "E-mailen sendes igen ved næste runde.",
    ))
}
