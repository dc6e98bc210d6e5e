//! The jobcenter's clusters (/admin/clusters, admins): invitations to accept, the members, and
//! leaving (`models::cluster`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::Admin;
use super::views::{Layout, Page, redirect_with_flash};
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::cluster::{Cluster, ClusterView, Standing};

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
