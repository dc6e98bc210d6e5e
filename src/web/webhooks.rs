//! Webhooks as administrators manage them (`/admin/webhooks`): subscribe a URL to events, see
//! the secret once, pause, delete, and read the delivery log with "Send igen".

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::Admin;
use super::forms::Refused;
use super::views::{Layout, Page, filters, redirect_with_flash};
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::webhook::{EVENTS, Webhook, WebhookDelivery, WebhookForm};

/// Deliveries shown in a webhook's log.
const LOG_SIZE: i64 = 100;

#[derive(askama::Template)]
#[template(path = "admin/webhooks.html")]
struct ListPage {
    l: Layout,
    hooks: Vec<Webhook>,
    form: WebhookForm,
    events: &'static [(&'static str, &'static str)],
    /// A webhook made just now with its secret, shown this once.
    created: Option<Webhook>,
}

async fn list_page(
    req: &HttpRequest,
    state: &AppState,
    user: &Admin,
    form: WebhookForm,
    created: Option<Webhook>,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let hooks = state.db.run(move |c| Ok(Webhook::list(c, jc)?)).await?;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| ListPage {
            l,
            hooks,
            form,
            events: EVENTS,
            created,
        })
}

#[get("/admin/webhooks")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
) -> Result<HttpResponse, AppError> {
    list_page(
        &req,
        &state,
        &user,
        WebhookForm::default(),
        None,
        Refused::none(),
    )
    .await
}

#[post("/admin/webhooks")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    form: web::Form<WebhookForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return list_page(&req, &state, &user, form, None, Refused::invalid(errors)).await;
        }
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            let hook = Webhook::create(c, actor.jobcenter_id, actor.user_id, &input, actor.now)?;
            let what = format!("{} ({})", hook.url, hook.event_names().join(", "));
            actor.record(c, action::WEBHOOK_CREATED, "webhook", Some(hook.id), what)?;
            Ok(hook)
        })
        .await?;
    match result {
        Ok(hook) => {
            list_page(
                &req,
                &state,
                &user,
                WebhookForm::default(),
                Some(hook),
                Refused::none(),
            )
            .await
        }
        Err(refused) => list_page(&req, &state, &user, form, None, refused).await,
    }
}

#[derive(askama::Template)]
#[template(path = "admin/webhook.html")]
struct ShowPage {
    l: Layout,
    hook: Webhook,
    deliveries: Vec<WebhookDelivery>,
}

#[get("/admin/webhooks/{id:\\d+}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let (hook, deliveries) = state
        .db
        .run(move |c| {
            Ok((
                Webhook::find(c, jc, id)?,
                Webhook::deliveries(c, jc, id, LOG_SIZE)?,
            ))
        })
        .await?;
    Page::new(&req).render(&state, |l| ShowPage {
        l,
        hook,
        deliveries,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActiveForm {
    active: String,
}

/// Pauses or resumes a webhook: while paused no deliveries are written or sent.
#[post("/admin/webhooks/{id:\\d+}/active")]
pub async fn set_active(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
    form: web::Form<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let active = form.active == "1";
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| {
            let hook = Webhook::set_active(c, actor.jobcenter_id, id, active)?;
            let act = if active {
                action::WEBHOOK_RESUMED
            } else {
                action::WEBHOOK_PAUSED
            };
            actor.record(c, act, "webhook", Some(id), hook.url)?;
            Ok(())
        })
        .await??;
    let message = if active {
        "Webhooken sender igen."
    } else {
        "Webhooken er sat på pause."
    };
    Ok(redirect_with_flash(
        &state,
        &format!("/admin/webhooks/{id}"),
        "ok",
        message,
    ))
}

#[post("/admin/webhooks/{id:\\d+}/delete")]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| {
            let hook = Webhook::delete(c, actor.jobcenter_id, id)?;
            actor.record(c, action::WEBHOOK_DELETED, "webhook", Some(id), hook.url)?;
            Ok(())
        })
        .await??;
    Ok(redirect_with_flash(
        &state,
        "/admin/webhooks",
        "ok",
        "Webhooken og dens log er slettet.",
    ))
}

/// Puts a delivery back in line to be sent at once.
#[post("/admin/webhooks/{id:\\d+}/deliveries/{delivery:\\d+}/send")]
pub async fn send_again(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, delivery) = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| {
            let jc = actor.jobcenter_id;
            Webhook::find(c, jc, id)?;
            let d = WebhookDelivery::send_again(c, jc, delivery, actor.now)?;
            if d.webhook_id != id {
                return Err(AppError::NotFound.into());
            }
            let what = format!("levering #{} ({})", d.id, d.event);
            actor.record(c, action::WEBHOOK_RESENT, "webhook", Some(id), what)?;
            Ok(())
        })
        .await??;
    Ok(redirect_with_flash(
        &state,
        &format!("/admin/webhooks/{id}"),
        "ok",
        "Leveringen sendes igen om lidt.",
    ))
}
