//! `/api/v1/placements`: citizens in småjob, fleksjob, praktik, løntilskud and ordinary jobs,
//! by a pseudonymous case reference (never a name or CPR number), written through the same
//! functions as the pages (`web::placements`).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::check_text;
use super::companies::present;
use super::{
    ApiError, ApiUser, ListPage, Paging, based_on, choice, created, cursor, next_url, with_etag,
};
use crate::models::FieldErrors;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::placement::{
    Placement, PlacementForm, PlacementKind, PlacementQuery, PlacementStatus,
};
use crate::models::settings::Settings;
use crate::web::access_log::record_as;
use crate::web::{AppState, placements as pages};

/// A placement of a citizen at a company.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementOut {
    pub id: i64,
    pub company_id: i64,
    /// The consultant responsible.
    pub user_id: i64,
    /// smaajob, fleksjob, praktik, loentilskud or ordinary.
    pub kind: String,
    /// The jobcenter's pseudonymous case reference.
    pub citizen_ref: String,
    pub hours_per_week: f64,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    /// planned, active, ended or cancelled.
    pub status: String,
    /// Where the citizen went when it ended: ordinary_job, education …
    pub result: Option<String>,
    pub campaign_id: Option<i64>,
    pub note: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Placement> for PlacementOut {
    fn from(p: Placement) -> Self {
        PlacementOut {
            id: p.id,
            company_id: p.company_id,
            user_id: p.user_id,
            kind: p.kind.as_str().into(),
            citizen_ref: p.citizen_ref,
            hours_per_week: p.hours_per_week,
            start_on: p.start_on,
            end_on: p.end_on,
            status: p.status.as_str().into(),
            result: p.result.map(|r| r.as_str().to_string()),
            campaign_id: p.campaign_id,
            note: p.note,
            version: p.version,
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// A new placement, or the fields an update changes (the rest keep their value; `null` clears
/// an optional one). Checked as the page's form is: hours within the kind's bounds from the
/// jobcenter's settings, the CPR guard on the reference and note.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlacementIn {
    /// Required for a new placement; a placement stays with its company.
    pub company_id: Option<i64>,
    /// An active consultant; a new placement without it is the token owner's.
    pub user_id: Option<i64>,
    pub kind: Option<String>,
    pub citizen_ref: Option<String>,
    pub hours_per_week: Option<f64>,
    /// yyyy-mm-dd.
    pub start_on: Option<String>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub end_on: Option<Option<String>>,
    /// planned (default for a new one), active, ended or cancelled.
    pub status: Option<String>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub result: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub campaign_id: Option<Option<i64>>,
    pub note: Option<String>,
    /// The version an update is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

impl PlacementIn {
    fn onto(self, mut form: PlacementForm) -> PlacementForm {
        let text = |field: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        if let Some(v) = self.company_id {
            form.company_id = v.to_string();
        }
        if let Some(v) = self.user_id {
            form.user_id = v.to_string();
        }
        if let Some(v) = self.hours_per_week {
            form.hours_per_week = v.to_string();
        }
        text(&mut form.kind, self.kind);
        text(&mut form.citizen_ref, self.citizen_ref);
        text(&mut form.start_on, self.start_on);
        text(&mut form.end_on, self.end_on.map(Option::unwrap_or_default));
        text(&mut form.status, self.status);
        text(&mut form.result, self.result.map(Option::unwrap_or_default));
        text(&mut form.note, self.note);
        if let Some(v) = self.campaign_id {
            form.campaign_id = id(v);
        }
        form
    }
}

/// The list's filters, as the placement page has them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PlacementFilter {
    pub company: Option<i64>,
    pub campaign: Option<i64>,
    /// The consultant's id.
    pub consultant: Option<i64>,
    /// smaajob, fleksjob, praktik, loentilskud or ordinary.
    pub kind: Option<String>,
    /// planned, active, ended or cancelled.
    pub status: Option<String>,
    /// Started on or after this day.
    pub from: Option<NaiveDate>,
    /// Started on or before this day.
    pub to: Option<NaiveDate>,
}

impl PlacementFilter {
    fn query(&self) -> Result<PlacementQuery, ApiError> {
        let mut errors = FieldErrors::new();
        let kind = choice(
            &mut errors,
            "kind",
            self.kind.as_deref(),
            PlacementKind::parse,
            "Ukendt slags forløb.",
        );
        let status = choice(
            &mut errors,
            "status",
            self.status.as_deref(),
            PlacementStatus::parse,
            "Ukendt status.",
        );
        if !errors.is_empty() {
            return Err(ApiError::Invalid(errors));
        }
        Ok(PlacementQuery {
            company_id: self.company,
            campaign_id: self.campaign,
            user_id: self.consultant,
            kind,
            status,
            from: self.from,
            to: self.to,
        })
    }
}

/// Placements, latest start first, a page at a time.
#[utoipa::path(
    operation_id = "placements_list",
    tag = "Forløb",
    params(PlacementFilter, Paging),
    responses((status = 200, body = ListPage<PlacementOut>), (status = 422, body = super::Problem))
)]
#[get("/placements")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    filter: web::Query<PlacementFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let query = filter.query()?;
    let limit = paging.limit()?;
    let after = cursor(paging.after.as_deref(), super::date_cursor)?;
    let jc = user.jobcenter_id;
    let mut rows = state
        .db
        .read(move |c| Ok(Placement::list(c, jc, &query, after, limit + 1)?))
        .await?;
    // Case references are personal data: the look is logged, once per walk through the list.
    if after.is_none() {
        let what = format!("API: {}", req.query_string());
        record_as(&state, (jc, user.user_id), AccessKind::Search, None, what).await?;
    }
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .map(|r| format!("{}_{}", r.placement.start_on, r.placement.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(ListPage {
        items: rows
            .into_iter()
            .map(|r| PlacementOut::from(r.placement))
            .collect(),
        next: next_url(&req, next),
    }))
}

/// One placement; its ETag is its version.
#[utoipa::path(
    operation_id = "placements_get",
    tag = "Forløb",
    params(("id" = i64, Path, description = "The placement's id")),
    responses((status = 200, body = PlacementOut), (status = 404, body = super::Problem))
)]
#[get("/placements/{id:\\d+}")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let p = state
        .db
        .run(move |c| Ok(Placement::find(c, jc, id)?))
        .await?;
    let view = Some((AccessEntity::Placement, id));
    record_as(&state, (jc, user.user_id), AccessKind::View, view, "API").await?;
    Ok(with_etag(p.version, PlacementOut::from(p)))
}

/// Registers a placement.
#[utoipa::path(
    operation_id = "placements_create",
    tag = "Forløb",
    request_body = PlacementIn,
    responses(
        (status = 201, body = PlacementOut),
        (status = 404, description = "No such company in the jobcenter", body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/placements")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<PlacementIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    check_text(&body)?;
    let jc = user.jobcenter_id;
    let company_id = body
        .company_id
        .ok_or_else(|| ApiError::field("company_id", "Vælg en virksomhed."))?;
    let rules = state
        .db
        .run(move |c| {
            crate::models::company::Company::find(c, jc, company_id)?;
            Ok(Settings::get(c, jc)?)
        })
        .await?;
    let base = PlacementForm {
        user_id: user.user_id.to_string(),
        status: PlacementStatus::Planned.as_str().into(),
        ..Default::default()
    };
    let input = body
        .onto(base)
        .validate(&rules)
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let p = state
        .write(actor, move |c, actor| pages::add(c, actor, &input))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(created(
        format!("/placements/{}", p.id),
        p.version,
        PlacementOut::from(p),
    ))
}

/// Changes the fields given (ending a placement: `status` ended, `end_on`, `result`).
#[utoipa::path(
    operation_id = "placements_update",
    tag = "Forløb",
    params(
        ("id" = i64, Path, description = "The placement's id"),
    ),
    request_body = PlacementIn,
    responses(
        (status = 200, body = PlacementOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/placements/{id:\\d+}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<PlacementIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let mut body = body.into_inner();
    check_text(&body)?;
    let (version, precondition) = based_on(&req, body.version)?;
    let (current, rules) = state
        .db
        .run(move |c| Ok((Placement::find(c, jc, id)?, Settings::get(c, jc)?)))
        .await?;
    body.company_id = None;
    let input = body
        .onto(PlacementForm::from_placement(&current))
        .validate(&rules)
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let p = state
        .write(actor, move |c, actor| {
            pages::change(c, actor, id, version, &input)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(p.version, PlacementOut::from(p)))
}
