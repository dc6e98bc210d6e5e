//! `/api/v1/campaigns`: outreach campaigns with their progress and target lists, read-only.
//! Managers see every campaign; a consultant the ones they are on, as on the pages.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiUser, ListPage, Paging, cursor, next_url};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::activity::decode_topics;
use crate::models::campaign::{Campaign, CampaignTarget, TargetListFilter, TargetStatus};
use crate::models::company::Cursor;
use crate::models::user::Role;
use crate::web::AppState;

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
    /// planned, running or finished.
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
    let (campaign, targets, reached) = state
        .db
        .run(move |c| {
            let campaign = viewable(c, &u, id)?;
            let summary = Campaign::list(c, u.jobcenter_id, None)?
                .into_iter()
                .find(|s| s.campaign.id == id);
            let (targets, reached) = summary.map_or((0, 0), |s| (s.targets, s.reached));
            Ok((campaign, targets, reached))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out(campaign, targets, reached)))
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
    responses((status = 200, body = ListPage<TargetOut>), (status = 404, body = super::Problem))
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
            .map(|r| TargetOut {
                id: r.target.id,
                company_id: r.target.company_id,
                company_name: r.company_name,
                assigned_to: r.target.assigned_to,
                status: r.target.status.as_str().into(),
                contacted_on: r.target.contacted_on,
                visited_on: r.target.visited_on,
                last_activity_on: r.target.last_activity_on,
            })
            .collect(),
        next: next_url(&req, next.map(|c| c.encode())),
    }))
}
