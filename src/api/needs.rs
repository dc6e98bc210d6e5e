//! `/api/v1/needs`: companies' recruitment needs and the jobcenter's referrals to them, by a
//! pseudonymous case reference, read-only.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiUser, ListPage, Paging, choice, cursor, next_url};
use crate::models::FieldErrors;
use crate::models::need::{Need, NeedCursor, NeedKind, NeedQuery, NeedStatus, Referral};
use crate::web::AppState;

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
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
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
            created_at: n.created_at,
            updated_at: n.updated_at,
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
