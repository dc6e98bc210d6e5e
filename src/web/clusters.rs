//! The jobcenter's clusters (/admin/clusters, admins): invitations to accept, the members, and
//! leaving (`models::cluster`); and the cluster's figures for the members' managers.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::{Admin, Manager};
use super::goals::{HalfYearParams, half_year_choices, half_year_of};
use super::views::{Choice, Layout, Page, local_date, redirect_with_flash};
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::cluster::{self, Cluster, ClusterView, MemberFigures, Standing};
use crate::models::placement::PlacementKind;

#[get("/admin/clusters")]
pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let clusters = state
        .db
        .run(move |c| Ok(Cluster::of_jobcenter(c, jc)?))
        .await?;
    Page::new(&req).render(&state, |l| ClustersPage { l, clusters })
}

#[derive(askama::Template)]
#[template(path = "admin/clusters.html")]
struct ClustersPage {
    l: Layout,
    clusters: Vec<ClusterView>,
}

#[post("/admin/clusters/{id:\\d+}/{step:accept|leave}")]
pub async fn change(
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, step) = path.into_inner();
    let join = step == "accept";
    let (jc, uid, now) = (user.jobcenter_id, user.id, state.now());
    let outcome = state
        .db
        .write(move |c| {
            let done = if join {
                Cluster::accept(c, jc, id, uid, now)
            } else {
                Cluster::leave(c, jc, id, uid, now)
            };
            match done {
                Ok(cluster) => Ok(Ok(cluster)),
                Err(WriteError::Failed(e)) => Err(e),
                Err(WriteError::Invalid(errors)) => {
                    Ok(Err(errors.into_values().next().unwrap_or_default()))
                }
                Err(_) => Err(AppError::NotFound),
            }
        })
        .await?;
    Ok(match outcome {
        Ok(cluster) if join => redirect_with_flash(
            &state,
            "/admin/clusters",
            "ok",
            &format!(
                "Jobcentret er nu medlem af «{}». Medlemmerne kan se, hvilke virksomheder I kender, jeres faste kontakt (navn, telefon og e-mail), datoen for seneste kontakt og om virksomheden er med i en kørende kampagne – aldrig noter, personer, forløb eller henvendelser.",
                cluster.name
            ),
        ),
        Ok(cluster) => redirect_with_flash(
            &state,
            "/admin/clusters",
            "ok",
            &format!(
                "Jobcentret er ikke længere med i «{}». Intet deles med klyngen.",
                cluster.name
            ),
        ),
        Err(message) => redirect_with_flash(&state, "/admin/clusters", "error", &message),
    })
}

impl ClusterView {
    /// Whether this jobcenter may accept (it is invited).
    fn invited(&self) -> bool {
        self.standing == Standing::Invited
    }

    fn member(&self) -> bool {
        self.standing == Standing::Member
    }
}

/// The cluster's figures (managers of a member now): visits, companies contacted and
/// placements started per member in a half-year — counts only, no rows.
#[get("/clusters/{id:\\d+}/figures")]
pub async fn figures(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    params: web::Query<HalfYearParams>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let now = state.now();
    let today = local_date(now);
    let half = half_year_of(&params.half_year, today);
    let (cluster, mut members) = state
        .db
        .run(move |c| Ok(cluster::figures(c, jc, id, &half, today, now)?))
        .await?;
    let total = members.pop().unwrap_or_default();
    Page::new(&req).render(&state, |l| FiguresPage {
        l,
        cluster,
        members,
        total,
        label: half.label(),
        param: half.param(),
        half_years: half_year_choices(today),
        kinds: PlacementKind::ALL.to_vec(),
    })
}

#[derive(askama::Template)]
#[template(path = "admin/cluster_figures.html")]
struct FiguresPage {
    l: Layout,
    cluster: Cluster,
    /// One line per member now.
    members: Vec<MemberFigures>,
    total: MemberFigures,
    label: String,
    param: String,
    half_years: Vec<Choice>,
    kinds: Vec<PlacementKind>,
}
