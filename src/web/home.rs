use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use diesel::RunQueryDsl;

use super::AppState;
use super::auth::{CurrentUser, SessionCookie};
use super::views::{self, Layout, Page};
use crate::error::AppError;
use crate::models::activity::Activity;
use crate::models::campaign::{CampaignTarget, MyTarget};
use crate::models::company::Company;
use crate::models::user::User;

/// Campaign companies listed on the start page; the rest are on the campaigns' pages.
const TARGETS_SHOWN: i64 = 15;

/// The signed-in user's start page.
#[get("/")]
pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
) -> Result<HttpResponse, AppError> {
    let today = views::local_date(state.now());
    let (user, ((overdue, due_today), (targets, total_targets), first_steps)) = session
        .open_to_readers()
        .run(&state, move |c, user| {
            let (jc, uid) = (user.jobcenter_id, user.id);
            // A new jobcenter's admin is shown where to begin until staff and companies exist.
            let first_steps = if user.is_admin() {
                Some(FirstSteps {
                    staff: User::has_colleagues(c, jc, uid)?,
                    companies: Company::any_in(c, jc)?,
                })
                .filter(|f| !f.staff || !f.companies)
            } else {
                None
            };
            Ok((
                Activity::follow_up_counts(c, jc, uid, today)?,
                CampaignTarget::open_for_user(c, jc, uid, TARGETS_SHOWN)?,
                first_steps,
            ))
        })
        .await?;
    let form_url = format!("{}/kontakt/{}", state.config.base_url, user.jobcenter_slug);
    Page::new(&req).render(&state, |l| IndexPage {
        l,
        form_url,
        user,
        more_targets: total_targets - targets.len() as i64,
        targets,
        overdue,
        due_today,
        first_steps,
    })
}

/// What a new jobcenter's admin has done of the first steps.
struct FirstSteps {
    staff: bool,
    companies: bool,
}

#[derive(askama::Template)]
#[template(path = "home/index.html")]
struct IndexPage {
    l: Layout,
    /// The public form's address, for an admin to link from the municipality's site.
    form_url: String,
    user: CurrentUser,
    targets: Vec<MyTarget>,
    more_targets: i64,
    overdue: i64,
    due_today: i64,
    first_steps: Option<FirstSteps>,
}

/// Liveness and database check for load balancers and monitoring; no sign-in.
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let db = state
        .db
        .run(|c| {
            diesel::sql_query("SELECT 1").execute(c)?;
            Ok(())
        })
        .await;
    match db {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::warn!("health check failed: {e}");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "error", "database": "unreachable"}))
        }
    }
}

/// Readiness for load balancers: the database takes a write (one row's time moves), so an
/// instance whose database is read-only, full or locked gets no traffic. `/healthz` stays the
/// liveness check (the process answers and the database can be read).
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "stopping", "database": "not checked"}));
    }
    let now = state.now();
    let written = state
        .db
        .run(move |c| Ok(crate::db::prove_writable(c, now)?))
        .await;
    match written {
        Ok(true) => {
            HttpResponse::Ok().json(serde_json::json!({"status": "ready", "database": "writable"}))
        }
        other => {
            if let Err(e) = other {
                tracing::warn!("readiness check failed: {e}");
            }
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({"status": "not ready", "database": "not writable"}))
        }
    }
}

/// The session script at the address the pages link (its content's hash in the name); an older
/// release's address gets the current script, kept briefly.
#[get("/static/session.{hash}.js")]
pub async fn session_script(req: HttpRequest) -> HttpResponse {
    let cache_control = if req.path() == views::session_script_path() {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, cache_control))
        .body(views::SESSION_SCRIPT)
}

/// The stylesheet without its hash, for addresses kept from before a release: kept an hour.
#[get("/static/app.css")]
pub async fn stylesheet() -> HttpResponse {
    stylesheet_kept("public, max-age=3600")
}

fn stylesheet_kept(cache_control: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, cache_control))
        .body(views::STYLESHEET)
}

/// The stylesheet at the address the pages link (its content's hash in the name): the same
/// address always has the same content, so it is kept for a year.
#[get("/static/app.{hash}.css")]
pub async fn hashed_stylesheet(req: HttpRequest) -> HttpResponse {
    if req.path() == views::stylesheet_path() {
        stylesheet_kept("public, max-age=31536000, immutable")
    } else {
        // An older release's address: the current stylesheet, kept briefly.
        stylesheet_kept("public, max-age=3600")
    }
}
