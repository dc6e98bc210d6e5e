//! `/api/v1/requests`: what companies sent the jobcenter's one entry point, and the inbox's
//! steps of work on them (take, assign, answered, close, reopen, spam), through the same
//! function as the inbox (`web::requests::work`). Spam is for managers, as in the inbox; to
//! everyone else it does not exist.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiUser, ListPage, Paging, cursor, next_url};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::audit::{Actor, action};
use crate::models::contact_request::{ContactRequest, InboxTab, RequestStatus};
use crate::models::user::Role;
use crate::web::AppState;
use crate::web::access_log::record_as;
use crate::web::requests::{self as pages, Step};

/// A contact request.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestOut {
    pub id: i64,
    /// The company in the register it is linked to, once linked.
    pub company_id: Option<i64>,
    pub company_name: String,
    pub cvr: Option<String>,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    /// recruitment, smaajob_fleksjob, praktik_loentilskud, retention or other.
    pub topic: String,
    pub message: String,
    pub preferred_time: String,
    /// new, assigned, answered, closed (or spam, for managers).
    pub status: String,
    pub assigned_to: Option<i64>,
    /// form, phone, mail, in_person or event.
    pub channel: String,
    pub received_at: DateTime<Utc>,
    pub first_answer_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<ContactRequest> for RequestOut {
    fn from(r: ContactRequest) -> Self {
        RequestOut {
            id: r.id,
            company_id: r.company_id,
            company_name: r.company_name,
            cvr: r.cvr,
            contact_name: r.contact_name,
            email: r.email,
            phone: r.phone,
            topic: r.topic.as_str().into(),
            message: r.message,
            preferred_time: r.preferred_time,
            status: r.status.as_str().into(),
            assigned_to: r.assigned_to,
            channel: r.channel.as_str().into(),
            received_at: r.received_at.and_utc(),
            first_answer_at: r.first_answer_at.map(|t| t.and_utc()),
            closed_at: r.closed_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct RequestFilter {
    /// The inbox tab: open (default: new and assigned), new, mine, answered, closed, or spam
    /// (managers).
    pub tab: Option<String>,
}

/// Requests of an inbox tab, newest first, a page at a time.
#[utoipa::path(
    operation_id = "requests_list",
    tag = "Henvendelser",
    params(RequestFilter, Paging),
    responses((status = 200, body = ListPage<RequestOut>), (status = 422, body = super::Problem))
)]
#[get("/requests")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    filter: web::Query<RequestFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let tab = match filter.tab.as_deref() {
        None => InboxTab::Open,
        Some(t) => InboxTab::parse(t).ok_or_else(|| ApiError::field("tab", "Ukendt fane."))?,
    };
    if tab == InboxTab::Spam {
        user.require(Role::Manager)?;
    }
    let limit = paging.limit()?;
    let before = cursor(paging.after.as_deref(), |s| s.parse::<i64>().ok())?;
    let (jc, uid) = (user.jobcenter_id, user.user_id);
    let (rows, next) = state
        .db
        .read(move |c| {
            crate::db::read_tx(c, |c| {
                let page = ContactRequest::inbox(c, jc, uid, tab, before, limit)?;
                let ids: Vec<i64> = page.rows.iter().map(|(r, _)| r.id).collect();
                let rows = ContactRequest::find_many(c, jc, &ids)?;
                Ok::<_, AppError>((rows, page.next_before))
            })
        })
        .await?;
    if before.is_none() {
        let what = format!("API: henvendelser, {}", tab.label().to_lowercase());
        record_as(&state, (jc, uid), AccessKind::Search, None, what).await?;
    }
    Ok(HttpResponse::Ok().json(ListPage {
        items: rows.into_iter().map(RequestOut::from).collect(),
        next: next_url(&req, next.map(|id| id.to_string())),
    }))
}

/// One request.
#[utoipa::path(
    operation_id = "requests_get",
    tag = "Henvendelser",
    params(("id" = i64, Path, description = "The request's id")),
    responses((status = 200, body = RequestOut), (status = 404, body = super::Problem))
)]
#[get("/requests/{id:\\d+}")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let sees_spam = user.role >= Role::Manager;
    let request = state
        .db
        .run(move |c| {
            let r = ContactRequest::find(c, jc, id)?;
            if r.status == RequestStatus::Spam && !sees_spam {
                return Err(AppError::NotFound);
            }
            Ok(r)
        })
        .await?;
    let view = Some((AccessEntity::ContactRequest, id));
    record_as(&state, (jc, user.user_id), AccessKind::View, view, "API").await?;
    Ok(HttpResponse::Ok().json(RequestOut::from(request)))
}

/// Hands a request to a colleague (managers), as the inbox does; the colleague is told by mail.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignIn {
    /// An active member of staff of the jobcenter.
    pub assignee: i64,
}

/// Gives the request to a colleague (managers).
#[utoipa::path(
    operation_id = "requests_assign",
    tag = "Henvendelser",
    params(("id" = i64, Path, description = "The request's id")),
    request_body = AssignIn,
    responses(
        (status = 200, body = RequestOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/requests/{id:\\d+}/assign")]
pub async fn assign(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<AssignIn>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let (id, assignee) = (path.into_inner(), body.assignee);
    let mail = state.mail_settings();
    let actor = user.actor(&req, &state);
    let (request, _) = state
        .write(actor, move |c, actor| {
            let hand_over = |c: &mut DbConn, actor: &Actor| {
                let (jc, uid, now) = (actor.jobcenter_id, actor.user_id, actor.now);
                let (r, to) = ContactRequest::assign(c, jc, id, assignee, uid, &mail, now)?;
                Ok((r, format!("tildelt {}", to.name)))
            };
            pages::work(c, actor, id, true, action::REQUEST_ASSIGNED, &hand_over)
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::Ok().json(RequestOut::from(request)))
}

/// The company a request is about.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    /// A company of the jobcenter; `null` removes the link.
    pub company_id: Option<i64>,
}

/// Links the request to a company of the register, as the inbox does (or, with `null`,
/// removes the link).
#[utoipa::path(
    operation_id = "requests_link_company",
    tag = "Henvendelser",
    params(("id" = i64, Path, description = "The request's id")),
    request_body = LinkIn,
    responses(
        (status = 200, body = RequestOut),
        (status = 404, description = "No such request or company in the jobcenter", body = super::Problem),
        (status = 422, description = "Spam is not linked to a company", body = super::Problem)
    )
)]
#[post("/requests/{id:\\d+}/company")]
pub async fn link_company(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<LinkIn>,
) -> Result<HttpResponse, ApiError> {
    let (id, company_id) = (path.into_inner(), body.company_id);
    let sees_spam = user.role >= Role::Manager;
    let mail = state.mail_settings();
    let actor = user.actor(&req, &state);
    let (request, _) = state
        .write(actor, move |c, actor| {
            let link = |c: &mut DbConn, actor: &Actor| pages::link(c, actor, id, company_id, &mail);
            pages::work(
                c,
                actor,
                id,
                sees_spam,
                action::REQUEST_COMPANY_LINKED,
                &link,
            )
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::Ok().json(RequestOut::from(request)))
}

/// One step of work on a request, as the inbox's buttons: `take` (it is mine), `answered`,
/// `close` (the company may be asked how satisfied it is), `reopen`, `spam`, and `not-spam`
/// (managers).
#[utoipa::path(
    operation_id = "requests_work_step",
    tag = "Henvendelser",
    params(
        ("id" = i64, Path, description = "The request's id"),
        ("step" = String, Path, description = "take, answered, close, reopen, spam or not-spam")
    ),
    responses(
        (status = 200, body = RequestOut),
        (status = 404, description = "No such request, or no such step", body = super::Problem),
        (status = 422, description = "The step does not apply to the request as it is", body = super::Problem)
    )
)]
#[post("/requests/{id:\\d+}/{step}")]
pub async fn work_step(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, step) = path.into_inner();
    let step = Step::parse(&step).ok_or(ApiError::NotFound)?;
    if step == Step::NotSpam {
        user.require(Role::Manager)?;
    }
    let sees_spam = user.role >= Role::Manager;
    let mail = state.mail_settings();
    let actor = user.actor(&req, &state);
    let (request, _) = state
        .write(actor, move |c, actor| {
            let run = |c: &mut DbConn, actor: &Actor| {
                let (request, done) = step.run(c, actor, id, &mail)?;
                Ok((request, done.to_string()))
            };
            pages::work(c, actor, id, sees_spam, step.audit_action(), &run)
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::Ok().json(RequestOut::from(request)))
}
