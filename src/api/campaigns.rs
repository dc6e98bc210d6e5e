//! `/api/v1/campaigns`: outreach campaigns with their progress and target lists. Managers see
//! and plan every campaign and fill and share out its list; a consultant sees the campaigns
//! they are on and sets the status of their own share, as on the pages, through the same
//! functions (`web::campaigns`).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::check_text;
use super::companies::present;
use super::{ApiError, ApiUser, ListPage, Paging, based_on, created, cursor, next_url, with_etag};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::activity::{Topic, decode_topics};
use crate::models::campaign::{
    Campaign, CampaignForm, CampaignStatus, CampaignTarget, ListedTarget, TargetListFilter,
    TargetStatus,
};
use crate::models::company::{Company, Cursor};
use crate::models::user::Role;
use crate::web::AppState;
use crate::web::campaigns::{self as pages, targets as target_pages};
use crate::web::views::local_date;

/// A campaign with how far it has come.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignOut {
    pub id: i64,
    pub name: String,
    pub purpose: String,
    /// The topics it is about (smaajob, fleksjob …).
    pub topics: Vec<String>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// Companies to reach (visited or further).
    pub target_companies: i32,
    pub target_placements: Option<i32>,
    /// planned, running or done.
    pub status: String,
    /// Companies on the list, and those visited or further.
    pub targets: i64,
    pub reached: i64,
    pub version: i32,
}

fn out(campaign: Campaign, targets: i64, reached: i64) -> CampaignOut {
    CampaignOut {
        id: campaign.id,
        topics: decode_topics(&campaign.topics)
            .into_iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        name: campaign.name,
        purpose: campaign.purpose,
        start_on: campaign.start_on,
        end_on: campaign.end_on,
        target_companies: campaign.target_companies,
        target_placements: campaign.target_placements,
        status: campaign.status.as_str().into(),
        targets,
        reached,
        version: campaign.version,
    }
}

/// A company on a campaign's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetOut {
    pub id: i64,
    pub company_id: i64,
    pub company_name: String,
    /// The consultant it is given to.
    pub assigned_to: Option<i64>,
    /// not_contacted, contacted, visited, interested, agreement or declined.
    pub status: String,
    pub contacted_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    pub last_activity_on: Option<NaiveDate>,
    /// Moves on with every change of consultant or status, by hand or by an activity.
    pub version: i32,
}

fn target_out(target: ListedTarget, company_name: String) -> TargetOut {
    TargetOut {
        id: target.id,
        company_id: target.company_id,
        company_name,
        assigned_to: target.assigned_to,
        status: target.status.as_str().into(),
        contacted_on: target.contacted_on,
        visited_on: target.visited_on,
        last_activity_on: target.last_activity_on,
        version: target.version,
    }
}

/// The campaign if the token's owner may see it: managers every one, a consultant theirs.
fn viewable(c: &mut DbConn, user: &ApiUser, id: i64) -> Result<Campaign, AppError> {
    let campaign = Campaign::find(c, user.jobcenter_id, id)?;
    if user.role >= Role::Manager || Campaign::is_consultant(c, id, user.user_id)? {
        Ok(campaign)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The campaigns, newest first (at most 500).
#[utoipa::path(operation_id = "campaigns_list", tag = "Kampagner", responses((status = 200, body = Vec<CampaignOut>)))]
#[get("/campaigns")]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let jc = user.jobcenter_id;
    let only = (user.role < Role::Manager).then_some(user.user_id);
    let all = state
        .db
        .run(move |c| Ok(Campaign::list(c, jc, only)?))
        .await?;
    let body: Vec<CampaignOut> = all
        .into_iter()
        .map(|s| out(s.campaign, s.targets, s.reached))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// One campaign.
#[utoipa::path(
    operation_id = "campaigns_get",
    tag = "Kampagner",
    params(("id" = i64, Path, description = "The campaign's id")),
    responses((status = 200, body = CampaignOut), (status = 404, body = super::Problem))
)]
#[get("/campaigns/{id:\\d+}")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let u = user.clone();
    let campaign = state
        .db
        .run(move |c| {
            let campaign = viewable(c, &u, id)?;
            Ok(with_progress(c, campaign)?)
        })
        .await?;
    Ok(with_etag(campaign.version, campaign))
}

/// The campaign as the API shows it, with its list's progress.
fn with_progress(c: &mut DbConn, campaign: Campaign) -> diesel::QueryResult<CampaignOut> {
    let summary = Campaign::list(c, campaign.jobcenter_id, None)?
        .into_iter()
        .find(|s| s.campaign.id == campaign.id);
    let (targets, reached) = summary.map_or((0, 0), |s| (s.targets, s.reached));
    Ok(out(campaign, targets, reached))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TargetFilter {
    /// not_contacted, contacted, visited, interested, agreement or declined.
    pub status: Option<String>,
    /// The consultant the companies are given to.
    pub assigned_to: Option<i64>,
}

/// A campaign's target list, by company name, a page at a time.
#[utoipa::path(
    operation_id = "campaigns_target_list",
    tag = "Kampagner",
    params(("id" = i64, Path, description = "The campaign's id"), TargetFilter, Paging),
    responses(
        (status = 200, body = ListPage<TargetOut>),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[get("/campaigns/{id:\\d+}/targets")]
pub async fn target_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    filter: web::Query<TargetFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let limit = paging.limit()?;
    let status = match filter.status.as_deref() {
        None => None,
        Some(s) => Some(
            TargetStatus::parse(s).ok_or_else(|| ApiError::field("status", "Ukendt status."))?,
        ),
    };
    let after = cursor(paging.after.as_deref(), Cursor::decode)?;
    let list_filter = TargetListFilter {
        status,
        assigned_to: filter.assigned_to,
    };
    let u = user.clone();
    let (rows, next) = state
        .db
        .run(move |c| {
            viewable(c, &u, id)?;
            let jc = u.jobcenter_id;
            Ok(CampaignTarget::list(
                c,
                jc,
                id,
                list_filter,
                after.as_ref(),
                limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ListPage {
        items: rows
            .into_iter()
            .map(|r| target_out(r.target, r.company_name))
            .collect(),
        next: next_url(&req, next.map(|c| c.encode())),
    }))
}

/// A new campaign, or the fields an update changes (the rest keep their value). Checked as the
/// page's form is.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CampaignIn {
    pub name: Option<String>,
    pub purpose: Option<String>,
    /// The topics it is about: smaajob, fleksjob, praktik, loentilskud, recruitment …
    pub topics: Option<Vec<String>>,
    /// A date (yyyy-mm-dd) or a week ("uge 41", "uge 41 2027").
    pub start: Option<String>,
    /// A date (yyyy-mm-dd) or a week.
    pub end: Option<String>,
    /// Companies to reach (visited or further).
    pub target_companies: Option<i32>,
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub target_placements: Option<Option<i32>>,
    /// planned (default), running or done.
    pub status: Option<String>,
    /// The consultants on the campaign: active staff of the jobcenter.
    pub consultant_ids: Option<Vec<i64>>,
    /// The version an update is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

impl CampaignIn {
    fn onto(self, mut form: CampaignForm) -> Result<CampaignForm, ApiError> {
        let text = |field: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        text(&mut form.name, self.name);
        text(&mut form.purpose, self.purpose);
        text(&mut form.start, self.start);
        text(&mut form.end, self.end);
        text(
            &mut form.target_companies,
            self.target_companies.map(|n| n.to_string()),
        );
        text(
            &mut form.target_placements,
            self.target_placements
                .map(|n| n.map(|n| n.to_string()).unwrap_or_default()),
        );
        text(&mut form.status, self.status);
        if let Some(topics) = self.topics {
            form.checkboxes.retain(|k, _| !k.starts_with("topic_"));
            for topic in topics {
                if !Topic::ALL.iter().any(|t| t.as_str() == topic) {
                    return Err(ApiError::field("topics", format!("Ukendt emne: {topic}.")));
                }
                form.checkboxes.insert(format!("topic_{topic}"), "1".into());
            }
        }
        if let Some(ids) = self.consultant_ids {
            form.checkboxes.retain(|k, _| !k.starts_with("consultant_"));
            for id in ids {
                form.checkboxes
                    .insert(format!("consultant_{id}"), "1".into());
            }
        }
        Ok(form)
    }
}

/// Plans a campaign (managers).
#[utoipa::path(
    operation_id = "campaigns_create",
    tag = "Kampagner",
    request_body = CampaignIn,
    responses((status = 201, body = CampaignOut), (status = 422, body = super::Problem))
)]
#[post("/campaigns")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<CampaignIn>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let body = body.into_inner();
    check_text(&body)?;
    let base = CampaignForm {
        status: CampaignStatus::Planned.as_str().into(),
        ..Default::default()
    };
    let year = local_date(state.now()).year();
    let input = body.onto(base)?.validate(year).map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let campaign = state
        .write(actor, move |c, actor| {
            let campaign = pages::add(c, actor, &input)?;
            Ok(with_progress(c, campaign)?)
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(created(
        format!("/campaigns/{}", campaign.id),
        campaign.version,
        campaign,
    ))
}

/// Changes the fields given (managers).
#[utoipa::path(
    operation_id = "campaigns_update",
    tag = "Kampagner",
    params(("id" = i64, Path, description = "The campaign's id")),
    request_body = CampaignIn,
    responses(
        (status = 200, body = CampaignOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/campaigns/{id:\\d+}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<CampaignIn>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let body = body.into_inner();
    check_text(&body)?;
    let (version, precondition) = based_on(&req, body.version)?;
    let (current, consultants) = state
        .db
        .run(move |c| Ok((Campaign::find(c, jc, id)?, Campaign::consultants(c, id)?)))
        .await?;
    let ids: Vec<i64> = consultants.iter().map(|u| u.id).collect();
    let year = local_date(state.now()).year();
    let input = body
        .onto(CampaignForm::from_campaign(&current, &ids))?
        .validate(year)
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let campaign = state
        .write(actor, move |c, actor| {
            let campaign = pages::change(c, actor, id, version, &input)?;
            Ok(with_progress(c, campaign)?)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(campaign.version, campaign))
}

/// The version a step is based on, when not sent as If-Match.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VersionIn {
    pub version: Option<i32>,
}

/// Sets a planned campaign going (managers): its consultants see their companies on their
/// start page.
#[utoipa::path(
    operation_id = "campaigns_start",
    tag = "Kampagner",
    params(
        ("id" = i64, Path, description = "The campaign's id"),
        ("If-Match" = Option<String>, Header, description = "The ETag the step is based on (or `version` in the body)")
    ),
    request_body = VersionIn,
    responses(
        (status = 200, body = CampaignOut),
        (status = 404, body = super::Problem),
        (status = 409, description = "Stale `version`", body = super::Problem),
        (status = 412, description = "Stale If-Match; nothing was changed", body = super::Problem),
        (status = 422, description = "The campaign is not planned", body = super::Problem),
        (status = 428, description = "Neither If-Match nor `version`", body = super::Problem)
    )
)]
#[post("/campaigns/{id:\\d+}/start")]
pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: Option<web::Json<VersionIn>>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let id = path.into_inner();
    let version = body.and_then(|b| b.into_inner().version);
    let (version, precondition) = based_on(&req, version)?;
    let actor = user.actor(&req, &state);
    let campaign = state
        .write(actor, move |c, actor| {
            let campaign = pages::set_going(c, actor, id, version)?;
            Ok(with_progress(c, campaign)?)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(campaign.version, campaign))
}

/// Companies to put on a campaign's list.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsIn {
    /// Companies of the jobcenter (at most 5,000 a call); those already on the list stay once.
    pub company_ids: Vec<i64>,
}

/// What putting companies on the list did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetsAdded {
    pub added: usize,
    /// Already on the list.
    pub already: usize,
    /// Not companies of the jobcenter.
    pub unknown: usize,
}

/// Puts companies on a campaign's list (managers).
#[utoipa::path(
    operation_id = "campaigns_add_targets",
    tag = "Kampagner",
    params(("id" = i64, Path, description = "The campaign's id")),
    request_body = TargetsIn,
    responses(
        (status = 200, body = TargetsAdded),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/campaigns/{id:\\d+}/targets")]
pub async fn add_targets(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<TargetsIn>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let id = path.into_inner();
    let mut ids = body.into_inner().company_ids;
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > target_pages::IMPORT_MAX_LINES {
        return Err(ApiError::field(
            "company_ids",
            format!(
                "Send mellem 1 og {} virksomheder ad gangen.",
                target_pages::IMPORT_MAX_LINES
            ),
        ));
    }
    let actor = user.actor(&req, &state);
    let asked = ids.len();
    let report = state
        .write(actor, move |c, actor| {
            target_pages::put_on_list(c, actor, id, &ids, "valgt gennem API'et")
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::Ok().json(TargetsAdded {
        added: report.added,
        already: report.already,
        unknown: asked - report.added - report.already,
    }))
}

/// A change of a target: its status, and (managers) who has it.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TargetIn {
    /// not_contacted, contacted, visited, interested, agreement or declined; unchanged when
    /// left out.
    pub status: Option<String>,
    /// Managers only: the consultant it is given to, `null` for nobody.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub assigned_to: Option<Option<i64>>,
    /// The version the change is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

/// Sets a target's status (the consultant who has it, or a manager) and consultant (managers).
#[utoipa::path(
    operation_id = "campaigns_update_target",
    tag = "Kampagner",
    params(
        ("id" = i64, Path, description = "The campaign's id"),
        ("tid" = i64, Path, description = "The target's id")
    ),
    request_body = TargetIn,
    responses(
        (status = 200, body = TargetOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/campaigns/{id:\\d+}/targets/{tid:\\d+}")]
pub async fn update_target(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<TargetIn>,
) -> Result<HttpResponse, ApiError> {
    let (id, tid) = path.into_inner();
    let jc = user.jobcenter_id;
    let body = body.into_inner();
    let manager = user.role >= Role::Manager;
    if body.assigned_to.is_some() && !manager {
        return Err(ApiError::Forbidden(
            "Kun ledere fordeler virksomhederne på listen.",
        ));
    }
    let (version, precondition) = based_on(&req, body.version)?;
    let status = match body.status.as_deref() {
        None => None,
        Some(s) => Some(
            TargetStatus::parse(s).ok_or_else(|| ApiError::field("status", "Vælg en status."))?,
        ),
    };
    let u = user.clone();
    let current = state
        .db
        .run(move |c| {
            viewable(c, &u, id)?;
            Ok(CampaignTarget::find(c, jc, id, tid)?)
        })
        .await?;
    let status = status.unwrap_or(current.status);
    let actor = user.actor(&req, &state);
    let target = state
        .write(actor, move |c, actor| {
            let t = target_pages::set(
                c,
                actor,
                manager,
                id,
                tid,
                version,
                body.assigned_to,
                status,
            )?;
            let name = Company::find(c, jc, t.company_id)?.name;
            Ok(target_out(t.into(), name))
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(target.version, target))
}

/// Takes a company off a campaign's list (managers).
#[utoipa::path(
    operation_id = "campaigns_remove_target",
    tag = "Kampagner",
    params(
        ("id" = i64, Path, description = "The campaign's id"),
        ("tid" = i64, Path, description = "The target's id")
    ),
    responses((status = 204), (status = 404, body = super::Problem))
)]
#[delete("/campaigns/{id:\\d+}/targets/{tid:\\d+}")]
pub async fn remove_target(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let (id, tid) = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| {
            target_pages::take_off(c, actor, id, tid)
        })
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::NoContent().finish())
}
