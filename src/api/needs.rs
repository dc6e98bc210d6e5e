//! `/api/v1/needs`: companies' recruitment needs and the jobcenter's referrals to them, by a
//! pseudonymous case reference, written through the same functions as the pages
//! (`web::needs`).

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
use crate::models::need::{
    Need, NeedCursor, NeedForm, NeedKind, NeedQuery, NeedStatus, Referral, ReferralForm,
};
use crate::models::settings::Settings;
use crate::web::views::local_date;
use crate::web::{AppState, needs as pages};

/// A recruitment need.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedOut {
    pub id: i64,
    pub company_id: i64,
    pub contact_person_id: Option<i64>,
    /// The consultant responsible.
    pub user_id: i64,
    pub title: String,
    pub positions: i32,
    pub hours_per_week: f64,
    /// ordinary, smaajob, fleksjob, praktik, loentilskud or apprentice.
    pub kind: String,
    pub start_on: Option<NaiveDate>,
    pub deadline_on: Option<NaiveDate>,
    pub requirements: String,
    pub offers: String,
    /// The Jobnet job order number, when posted there too.
    pub jobnet_ref: String,
    pub campaign_id: Option<i64>,
    /// open, in_progress, filled_by_jobcenter, filled_by_company or cancelled.
    pub status: String,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Need> for NeedOut {
    fn from(n: Need) -> Self {
        NeedOut {
            id: n.id,
            company_id: n.company_id,
            contact_person_id: n.contact_person_id,
            user_id: n.user_id,
            title: n.title,
            positions: n.positions,
            hours_per_week: n.hours_per_week,
            kind: n.kind.as_str().into(),
            start_on: n.start_on,
            deadline_on: n.deadline_on,
            requirements: n.requirements,
            offers: n.offers,
            jobnet_ref: n.jobnet_ref,
            campaign_id: n.campaign_id,
            status: n.status.as_str().into(),
            received_on: n.received_on,
            closed_on: n.closed_on,
            version: n.version,
            created_at: n.created_at.and_utc(),
            updated_at: n.updated_at.and_utc(),
        }
    }
}

/// A referral of a citizen (by case reference) to a need.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralOut {
    pub id: i64,
    pub need_id: i64,
    pub user_id: i64,
    pub citizen_ref: String,
    pub referred_on: NaiveDate,
    /// sent, interview, hired, not_hired or withdrawn.
    pub outcome: String,
    /// The placement a hire started, if any.
    pub placement_id: Option<i64>,
    pub version: i32,
}

impl From<Referral> for ReferralOut {
    fn from(r: Referral) -> Self {
        ReferralOut {
            id: r.id,
            need_id: r.need_id,
            user_id: r.user_id,
            citizen_ref: r.citizen_ref,
            referred_on: r.referred_on,
            outcome: r.outcome.as_str().into(),
            placement_id: r.placement_id,
            version: r.version,
        }
    }
}

/// A need with its referrals.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedWithReferrals {
    #[serde(flatten)]
    pub need: NeedOut,
    pub referrals: Vec<ReferralOut>,
}

/// The list's filters, as the needs page has them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct NeedFilter {
    /// A status, or `all`; open and in-progress needs when left out.
    pub status: Option<String>,
    /// ordinary, smaajob, fleksjob, praktik, loentilskud or apprentice.
    pub kind: Option<String>,
    pub company: Option<i64>,
    /// The consultant responsible.
    pub consultant: Option<i64>,
    /// The company's postcode.
    pub postcode: Option<String>,
    pub min_hours: Option<f64>,
    pub max_hours: Option<f64>,
    /// Deadline on or before this day.
    pub deadline_by: Option<NaiveDate>,
}

impl NeedFilter {
    fn query(&self) -> Result<NeedQuery, ApiError> {
        let mut errors = FieldErrors::new();
        let (open_only, status) = match self.status.as_deref() {
            None => (true, None),
            Some("all") => (false, None),
            status => (
                false,
                choice(
                    &mut errors,
                    "status",
                    status,
                    NeedStatus::parse,
                    "Ukendt status.",
                ),
            ),
        };
        let kind = choice(
            &mut errors,
            "kind",
            self.kind.as_deref(),
            NeedKind::parse,
            "Ukendt slags stilling.",
        );
        if !errors.is_empty() {
            return Err(ApiError::Invalid(errors));
        }
        Ok(NeedQuery {
            open_only,
            status,
            kind,
            company_id: self.company,
            user_id: self.consultant,
            postcode: self.postcode.clone().filter(|p| !p.trim().is_empty()),
            max_hours: self.max_hours,
            min_hours: self.min_hours,
            deadline_by: self.deadline_by,
        })
    }
}

/// Needs by deadline (those without one last), a page at a time.
#[utoipa::path(
    operation_id = "needs_list",
    tag = "Rekrutteringsbehov",
    params(NeedFilter, Paging),
    responses((status = 200, body = ListPage<NeedOut>), (status = 422, body = super::Problem))
)]
#[get("/needs")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    filter: web::Query<NeedFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let query = filter.query()?;
    let limit = paging.limit()?;
    let after = cursor(paging.after.as_deref(), NeedCursor::decode)?;
    let jc = user.jobcenter_id;
    let mut rows = state
        .db
        .read(move |c| Ok(Need::list(c, jc, &query, after, limit + 1)?))
        .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| {
            NeedCursor {
                deadline_key: crate::models::need::deadline_key(r.need.deadline_on),
                id: r.need.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(ListPage {
        items: rows.into_iter().map(|r| NeedOut::from(r.need)).collect(),
        next: next_url(&req, next),
    }))
}

/// One need with its referrals, oldest first.
#[utoipa::path(
    operation_id = "needs_get",
    tag = "Rekrutteringsbehov",
    params(("id" = i64, Path, description = "The need's id")),
    responses((status = 200, body = NeedWithReferrals), (status = 404, body = super::Problem))
)]
#[get("/needs/{id:\\d+}")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let (need, referrals) = state
        .db
        .run(move |c| Ok((Need::find(c, jc, id)?, Referral::of_need(c, jc, id)?)))
        .await?;
    Ok(HttpResponse::Ok().json(NeedWithReferrals {
        need: NeedOut::from(need),
        referrals: referrals
            .into_iter()
            .map(|(r, _)| ReferralOut::from(r))
            .collect(),
    }))
}

/// A new need, or the fields an update changes (the rest keep their value; `null` clears an
/// optional one). Checked as the page's form is: at least one position, hours within the
/// kind's bounds from the jobcenter's settings, start not after the deadline, the CPR guard on
/// the free texts.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NeedIn {
    /// Required for a new need; a need stays with its company.
    pub company_id: Option<i64>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub contact_person_id: Option<Option<i64>>,
    /// An active consultant; a new need without it is the token owner's.
    pub user_id: Option<i64>,
    pub title: Option<String>,
    pub positions: Option<i32>,
    pub hours_per_week: Option<f64>,
    /// ordinary, smaajob, fleksjob, praktik, loentilskud or apprentice.
    pub kind: Option<String>,
    /// yyyy-mm-dd.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub start_on: Option<Option<String>>,
    /// yyyy-mm-dd.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub deadline_on: Option<Option<String>>,
    pub requirements: Option<String>,
    pub offers: Option<String>,
    pub jobnet_ref: Option<String>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub campaign_id: Option<Option<i64>>,
    /// yyyy-mm-dd; today when a new need leaves it out.
    pub received_on: Option<String>,
    /// A new need only: the logged activity it came from.
    pub activity_id: Option<i64>,
    /// A new need only: the contact request it came from, which is then marked answered.
    pub request_id: Option<i64>,
    /// The version an update is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

impl NeedIn {
    fn onto(self, mut form: NeedForm) -> NeedForm {
        let text = |field: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        let id = |field: &mut String, v: Option<Option<i64>>| {
            if let Some(v) = v {
                *field = v.map(|i| i.to_string()).unwrap_or_default();
            }
        };
        id(&mut form.company_id, self.company_id.map(Some));
        id(&mut form.contact_person_id, self.contact_person_id);
        id(&mut form.user_id, self.user_id.map(Some));
        id(&mut form.campaign_id, self.campaign_id);
        id(&mut form.activity_id, self.activity_id.map(Some));
        id(&mut form.request_id, self.request_id.map(Some));
        text(&mut form.title, self.title);
        text(&mut form.positions, self.positions.map(|n| n.to_string()));
        text(
            &mut form.hours_per_week,
            self.hours_per_week.map(|h| h.to_string()),
        );
        text(&mut form.kind, self.kind);
        text(
            &mut form.start_on,
            self.start_on.map(Option::unwrap_or_default),
        );
        text(
            &mut form.deadline_on,
            self.deadline_on.map(Option::unwrap_or_default),
        );
        text(&mut form.requirements, self.requirements);
        text(&mut form.offers, self.offers);
        text(&mut form.jobnet_ref, self.jobnet_ref);
        text(&mut form.received_on, self.received_on);
        form
    }
}

/// Records a need (from a request: the request is marked answered).
#[utoipa::path(
    operation_id = "needs_create",
    tag = "Rekrutteringsbehov",
    request_body = NeedIn,
    responses(
        (status = 201, body = NeedOut),
        (status = 404, description = "No such company, activity or request in the jobcenter", body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/needs")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<NeedIn>,
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
    let base = NeedForm {
        user_id: user.user_id.to_string(),
        positions: "1".into(),
        received_on: local_date(state.now()).to_string(),
        ..Default::default()
    };
    let input = body
        .onto(base)
        .validate(&rules)
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let need = state
        .write(actor, move |c, actor| pages::add(c, actor, &input))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(created(
        format!("/needs/{}", need.id),
        need.version,
        NeedOut::from(need),
    ))
}

/// Changes the fields given; the status moves through `POST /needs/{id}/status`.
#[utoipa::path(
    operation_id = "needs_update",
    tag = "Rekrutteringsbehov",
    params(("id" = i64, Path, description = "The need's id")),
    request_body = NeedIn,
    responses(
        (status = 200, body = NeedOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/needs/{id:\\d+}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NeedIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let mut body = body.into_inner();
    check_text(&body)?;
    let (version, precondition) = based_on(&req, body.version)?;
    let (current, rules) = state
        .db
        .run(move |c| Ok((Need::find(c, jc, id)?, Settings::get(c, jc)?)))
        .await?;
    // Where a need came from, and its company, are set when it is made.
    body.company_id = None;
    body.activity_id = None;
    body.request_id = None;
    let input = body
        .onto(NeedForm::from_need(&current))
        .validate(&rules)
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let need = state
        .write(actor, move |c, actor| {
            pages::change(c, actor, id, version, &input)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(need.version, NeedOut::from(need)))
}

/// A move of a need's status, dated.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NeedStatusIn {
    /// open, in_progress, filled_by_jobcenter, filled_by_company or cancelled.
    pub status: String,
    /// yyyy-mm-dd, not before the need was received; today when left out.
    pub on: Option<String>,
    /// The version the move is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

/// Moves a need to a status as of a day (filled and cancelled close it; reopening keeps the
/// history).
#[utoipa::path(
    operation_id = "needs_set_status",
    tag = "Rekrutteringsbehov",
    params(
        ("id" = i64, Path, description = "The need's id"),
        ("If-Match" = Option<String>, Header, description = "The ETag the move is based on (or `version` in the body)")
    ),
    request_body = NeedStatusIn,
    responses(
        (status = 200, body = NeedOut),
        (status = 404, body = super::Problem),
        (status = 409, description = "Stale `version`", body = super::Problem),
        (status = 412, description = "Stale If-Match; nothing was changed", body = super::Problem),
        (status = 422, body = super::Problem),
        (status = 428, description = "Neither If-Match nor `version`", body = super::Problem)
    )
)]
#[post("/needs/{id:\\d+}/status")]
pub async fn set_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NeedStatusIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let status = choice(
        &mut errors,
        "status",
        Some(body.status.trim()),
        NeedStatus::parse,
        "Vælg den nye status.",
    );
    let on = match body.on.as_deref().map(str::trim) {
        None | Some("") => Some(local_date(state.now())),
        Some(s) => crate::domain::dates::parse_date(s).or_else(|| {
            errors.insert("on", "Skriv datoen, fx 2026-12-04.".into());
            None
        }),
    };
    let (Some(status), Some(on)) = (status, on) else {
        return Err(ApiError::Invalid(errors));
    };
    let (version, precondition) = based_on(&req, body.version)?;
    state.db.run(move |c| Ok(Need::find(c, jc, id)?)).await?;
    let actor = user.actor(&req, &state);
    let need = state
        .write(actor, move |c, actor| {
            pages::move_to(c, actor, id, version, status, on)
        })
        .await?
        .map_err(|mut r| {
            // The page's field is its date picker; here it is `on`.
            if let Some(m) = r.errors.shift_remove("happened_on") {
                r.errors.insert("on", m);
            }
            ApiError::refused(r, precondition)
        })?;
    Ok(with_etag(need.version, NeedOut::from(need)))
}

/// A new referral, or the fields an update changes.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReferralIn {
    /// The jobcenter's pseudonymous case reference: never a name or CPR number.
    pub citizen_ref: Option<String>,
    /// yyyy-mm-dd; today when a new referral leaves it out.
    pub referred_on: Option<String>,
    /// An active consultant; a new referral without it is the token owner's.
    pub user_id: Option<i64>,
    /// sent (default), interview, hired, not_hired or withdrawn.
    pub outcome: Option<String>,
    /// With outcome `hired`: start the placement now (kind and hours from the need), linked.
    pub start_placement: bool,
    /// The version an update is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

impl ReferralIn {
    fn onto(self, mut form: ReferralForm) -> ReferralForm {
        let text = |field: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        text(&mut form.citizen_ref, self.citizen_ref);
        text(&mut form.referred_on, self.referred_on);
        text(&mut form.user_id, self.user_id.map(|v| v.to_string()));
        text(&mut form.outcome, self.outcome);
        form.start_placement = if self.start_placement { "1" } else { "" }.into();
        form
    }
}

/// Refers a citizen (by case reference) to a need.
#[utoipa::path(
    operation_id = "needs_refer",
    tag = "Rekrutteringsbehov",
    params(("id" = i64, Path, description = "The need's id")),
    request_body = ReferralIn,
    responses(
        (status = 201, body = ReferralOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/needs/{id:\\d+}/referrals")]
pub async fn refer(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ReferralIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let body = body.into_inner();
    check_text(&body)?;
    let need = state.db.run(move |c| Ok(Need::find(c, jc, id)?)).await?;
    let base = ReferralForm {
        user_id: user.user_id.to_string(),
        referred_on: local_date(state.now()).to_string(),
        ..Default::default()
    };
    let input = body.onto(base).validate().map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let referral = state
        .write(actor, move |c, actor| {
            pages::refer(c, actor, &need, None, &input)
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(created(
        format!("/needs/{id}/referrals/{}", referral.id),
        referral.version,
        ReferralOut::from(referral),
    ))
}

/// Changes a referral's fields given (an outcome, typically).
#[utoipa::path(
    operation_id = "needs_update_referral",
    tag = "Rekrutteringsbehov",
    params(
        ("id" = i64, Path, description = "The need's id"),
        ("rid" = i64, Path, description = "The referral's id")
    ),
    request_body = ReferralIn,
    responses(
        (status = 200, body = ReferralOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/needs/{id:\\d+}/referrals/{rid:\\d+}")]
pub async fn update_referral(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<ReferralIn>,
) -> Result<HttpResponse, ApiError> {
    let jc = user.jobcenter_id;
    let (id, rid) = path.into_inner();
    let body = body.into_inner();
    check_text(&body)?;
    let (version, precondition) = based_on(&req, body.version)?;
    let (need, current) = state
        .db
        .run(move |c| Ok((Need::find(c, jc, id)?, Referral::find(c, jc, id, rid)?)))
        .await?;
    let input = body
        .onto(ReferralForm::from_referral(&current))
        .validate()
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let referral = state
        .write(actor, move |c, actor| {
            pages::refer(c, actor, &need, Some((rid, version)), &input)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(referral.version, ReferralOut::from(referral)))
}
