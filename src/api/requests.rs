//! `/api/v1/requests`: what companies sent the jobcenter's one entry point, read-only here
//! (answering happens on the page or by logging an activity with `request_id`). Spam is for
//! managers, as in the inbox; to everyone else it does not exist.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiUser, ListPage, Paging, cursor, next_url};
use crate::error::AppError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::contact_request::{ContactRequest, InboxTab, RequestStatus};
use crate::models::user::Role;
use crate::web::AppState;
use crate::web::access_log::record_as;

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
    pub received_at: NaiveDateTime,
    pub first_answer_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
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
            received_at: r.received_at,
            first_answer_at: r.first_answer_at,
            closed_at: r.closed_at,
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
