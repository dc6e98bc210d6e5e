//! `/api/v1/activities`: visits, calls, mails, meetings and events with their follow-ups,
//! written through the same path as the page (`web::activities`): the company's last contact,
//! campaign progress, the satisfaction question after a visit, audit rows.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::check_text;
use super::companies::present;
use super::{
    ApiError, ApiUser, ListPage, Paging, based_on, choice, created, cursor, next_url, with_etag,
};
use crate::models::FieldErrors;
use crate::models::activity::{
    Activity, ActivityForm, ActivityKind, ActivityQuery, Topic, decode_topics,
};
use crate::models::user::Role;
use crate::web::AppState;
use crate::web::activities::{self as pages, may_change_as};

/// An activity with a company.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: i64,
    pub company_id: i64,
    /// The consultant who had the contact.
    pub user_id: i64,
    /// visit, phone, mail, meeting or event.
    pub kind: String,
    pub occurred_on: NaiveDate,
    /// smaajob, fleksjob, praktik, loentilskud, recruitment, retention, upskilling, other.
    pub topics: Vec<String>,
    pub summary: String,
    /// positive, interested, not_relevant or follow_up.
    pub outcome: Option<String>,
    pub campaign_id: Option<i64>,
    pub contact_person_id: Option<i64>,
    /// The day to follow up, if any.
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_note: String,
    pub follow_up_done: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Activity> for ActivityOut {
    fn from(a: Activity) -> Self {
        ActivityOut {
            id: a.id,
            company_id: a.company_id,
            user_id: a.user_id,
            kind: a.kind.as_str().into(),
            occurred_on: a.occurred_on,
            topics: decode_topics(&a.topics)
                .into_iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            summary: a.summary,
            outcome: a.outcome.map(|o| o.as_str().to_string()),
            campaign_id: a.campaign_id,
            contact_person_id: a.contact_person_id,
            follow_up_on: a.follow_up_on,
            follow_up_note: a.follow_up_note,
            follow_up_done: a.follow_up_done,
            version: a.version,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
        }
    }
}

/// A new activity, or the fields an update changes (those left out keep their value; `null`
/// clears an optional one). Checked as the page's form is, CPR guard included.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActivityIn {
    /// Required for a new activity; an activity stays with its company.
    pub company_id: Option<i64>,
    /// The consultant (an active one of the jobcenter); a new activity without it is the
    /// token owner's.
    pub user_id: Option<i64>,
    pub kind: Option<String>,
    /// yyyy-mm-dd (or dd-mm-yyyy); not in the future.
    pub occurred_on: Option<String>,
    pub topics: Option<Vec<String>>,
    pub summary: Option<String>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub outcome: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub campaign_id: Option<Option<i64>>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub contact_person_id: Option<Option<i64>>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub follow_up_on: Option<Option<String>>,
    pub follow_up_note: Option<String>,
    pub follow_up_done: Option<bool>,
    /// A new activity that answers this contact request marks it answered.
    pub request_id: Option<i64>,
    /// The version an update is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

impl ActivityIn {
    /// The form as the page would have sent it: `form` with the given fields replaced.
    fn onto(self, mut form: ActivityForm) -> Result<ActivityForm, ApiError> {
        let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        if let Some(v) = self.company_id {
            form.company_id = v.to_string();
        }
        if let Some(v) = self.user_id {
            form.user_id = v.to_string();
        }
        if let Some(v) = self.kind {
            form.kind = v;
        }
        if let Some(v) = self.occurred_on {
            form.occurred_on = v;
        }
        if let Some(topics) = self.topics {
            let mut chosen = Vec::new();
            for t in &topics {
                chosen.push(
                    Topic::parse(t)
                        .ok_or_else(|| ApiError::field("topics", format!("Ukendt emne: {t}.")))?,
                );
            }
            form.checkboxes = chosen
                .into_iter()
                .map(|t| (format!("topic_{}", t.as_str()), "1".to_string()))
                .collect();
        }
        if let Some(v) = self.summary {
            form.summary = v;
        }
        if let Some(v) = self.outcome {
            form.outcome = v.unwrap_or_default();
        }
        if let Some(v) = self.campaign_id {
            form.campaign_id = id(v);
        }
        if let Some(v) = self.contact_person_id {
            form.contact_person_id = id(v);
        }
        if let Some(v) = self.follow_up_on {
            form.follow_up_on = v.unwrap_or_default();
        }
        if let Some(v) = self.follow_up_note {
            form.follow_up_note = v;
        }
        if let Some(v) = self.follow_up_done {
            form.follow_up_done = if v { "1".into() } else { String::new() };
        }
        Ok(form)
    }
}

/// The list's filters, as the activity page has them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    /// A consultant's id. Managers see everyone's when left out; a consultant sees their own,
    /// or with `company` all of that company's (as its page shows them).
    pub consultant: Option<i64>,
    pub company: Option<i64>,
    /// visit, phone, mail, meeting or event.
    pub kind: Option<String>,
    /// One topic (smaajob, fleksjob …).
    pub topic: Option<String>,
    /// From this day (yyyy-mm-dd).
    pub from: Option<NaiveDate>,
    /// To and including this day.
    pub to: Option<NaiveDate>,
}

impl ActivityFilter {
    fn query(&self, user: &ApiUser) -> Result<ActivityQuery, ApiError> {
        let mut errors = FieldErrors::new();
        let kind = choice(
            &mut errors,
            "kind",
            self.kind.as_deref(),
            ActivityKind::parse,
            "Ukendt slags aktivitet.",
        );
        let topic = choice(
            &mut errors,
            "topic",
            self.topic.as_deref(),
            Topic::parse,
            "Ukendt emne.",
        );
        if !errors.is_empty() {
            return Err(ApiError::Invalid(errors));
        }
        let user_id = if user.role >= Role::Manager || self.company.is_some() {
            self.consultant
        } else {
            Some(user.user_id)
        };
        Ok(ActivityQuery {
            user_id,
            company_id: self.company,
            kind,
            topic,
            from: self.from,
            to: self.to,
        })
    }
}

/// Activities, newest first, a page at a time.
#[utoipa::path(
    operation_id = "activities_list",
    tag = "Aktiviteter",
    params(ActivityFilter, Paging),
    responses((status = 200, body = ListPage<ActivityOut>), (status = 422, body = super::Problem))
)]
#[get("/activities")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    filter: web::Query<ActivityFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let query = filter.query(&user)?;
    let limit = paging.limit()?;
    let after = cursor(paging.after.as_deref(), super::date_cursor)?;
    let jc = user.jobcenter_id;
    let mut rows = state
        .db
        .read(move |c| {
            crate::db::read_tx(c, |c| {
                let rows = Activity::list(c, jc, &query, after, limit + 1)?;
                let ids: Vec<i64> = rows.iter().map(|r| r.activity.id).collect();
                Ok(Activity::find_many(c, jc, &ids)?)
            })
        })
        .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|a| format!("{}_{}", a.occurred_on, a.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(ListPage {
        items: rows.into_iter().map(ActivityOut::from).collect(),
        next: next_url(&req, next),
    }))
}

/// One activity; its ETag is its version.
#[utoipa::path(
    operation_id = "activities_get",
    tag = "Aktiviteter",
    params(("id" = i64, Path, description = "The activity's id")),
    responses((status = 200, body = ActivityOut), (status = 404, body = super::Problem))
)]
#[get("/activities/{id:\\d+}")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let a = state
        .db
        .run(move |c| Ok(Activity::find(c, jc, id)?))
        .await?;
    Ok(with_etag(a.version, ActivityOut::from(a)))
}

/// Logs an activity.
#[utoipa::path(
    operation_id = "activities_create",
    tag = "Aktiviteter",
    request_body = ActivityIn,
    responses(
        (status = 201, body = ActivityOut),
        (status = 404, description = "No such company in the jobcenter", body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/activities")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<ActivityIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    check_text(&body)?;
    let request_id = body.request_id;
    let base = ActivityForm {
        user_id: user.user_id.to_string(),
        ..Default::default()
    };
    let input = body.onto(base)?.validate().map_err(ApiError::Invalid)?;
    let mail = state.mail_settings();
    let actor = user.actor(&req, &state);
    let a = state
        .write(actor, move |c, actor| {
            pages::log(c, actor, &input, &mail, None, request_id)
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(created(
        format!("/activities/{}", a.id),
        a.version,
        ActivityOut::from(a),
    ))
}

/// Changes the fields given. Consultants change their own activities; managers any.
#[utoipa::path(
    operation_id = "activities_update",
    tag = "Aktiviteter",
    params(
        ("id" = i64, Path, description = "The activity's id"),
    ),
    request_body = ActivityIn,
    responses(
        (status = 200, body = ActivityOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/activities/{id:\\d+}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ActivityIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let mut body = body.into_inner();
    check_text(&body)?;
    let (version, precondition) = based_on(&req, body.version)?;
    let current = state
        .db
        .run(move |c| Ok(Activity::find(c, jc, id)?))
        .await?;
    if !may_change_as(user.user_id, user.role, &current) {
        return Err(ApiError::Forbidden(
            "En konsulent kan kun ændre sine egne aktiviteter.",
        ));
    }
    body.company_id = None;
    let input = body
        .onto(ActivityForm::from_activity(&current))?
        .validate()
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let a = state
        .write(actor, move |c, actor| {
            pages::change(c, actor, id, version, &input)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(a.version, ActivityOut::from(a)))
}

/// Deletes an activity. Consultants delete their own; managers any.
#[utoipa::path(
    operation_id = "activities_delete",
    tag = "Aktiviteter",
    params(("id" = i64, Path, description = "The activity's id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = super::Problem))
)]
#[delete("/activities/{id:\\d+}")]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let current = state
        .db
        .run(move |c| Ok(Activity::find(c, jc, id)?))
        .await?;
    if !may_change_as(user.user_id, user.role, &current) {
        return Err(ApiError::Forbidden(
            "En konsulent kan kun slette sine egne aktiviteter.",
        ));
    }
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| pages::remove(c, actor, id))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::NoContent().finish())
}
