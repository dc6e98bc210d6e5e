//! The manager's overview (/dashboard): how fast the jobcenter answers companies, and who
//! holds what.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::TimeDelta;
use serde::Deserialize;

use super::AppState;
use super::auth::Manager;
use super::views::{Layout, Page};
use crate::domain::working_days::{self, ResponseStats};
use crate::error::AppError;
use crate::models::contact_request::ContactRequest;
use crate::models::settings::Settings;

/// The dashboard's figures cover requests received this many days back unless told otherwise.
const DEFAULT_PERIOD_DAYS: i64 = 90;

/// The periods the dashboard offers, in days.
const PERIODS: [i64; 3] = [30, 90, 365];

/// The figures as the pages show them, with Danish decimal commas.
struct StatsView {
    promise_days: i32,
    answered: usize,
    median: Option<String>,
    p90: Option<String>,
    answered_late: usize,
    waiting: usize,
    waiting_past_promise: usize,
}

fn stats_view(stats: ResponseStats, promise_days: i32) -> StatsView {
    StatsView {
        promise_days,
        answered: stats.answered,
        median: stats.median.map(working_days::format_days),
        p90: stats.p90.map(working_days::format_days),
        answered_late: stats.answered_late,
        waiting: stats.waiting,
        waiting_past_promise: stats.waiting_past_promise,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashboardParams {
    days: Option<i64>,
}

struct Workload {
    name: String,
    open: i64,
}

/// The manager's figures: how fast the jobcenter answers companies, and who holds what.
#[get("/dashboard")]
pub async fn dashboard(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<DashboardParams>,
) -> Result<HttpResponse, AppError> {
    let days = params
        .days
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(DEFAULT_PERIOD_DAYS);
    let jc = user.jobcenter_id;
    let now = state.now();
    let since = now - TimeDelta::days(days);
    let new = user.new_requests;
    let (timings, promise_days, workload) = state
        .db
        .run(move |c| {
            Ok((
                ContactRequest::timings(c, jc, since)?,
                Settings::get(c, jc)?.answer_promise_days,
                ContactRequest::open_per_assignee(c, jc)?,
            ))
        })
        .await?;
    let stats: ResponseStats = working_days::response_stats(&timings, now, f64::from(promise_days));
    let received = timings.len();
    let answered_in_time = stats.answered - stats.answered_late;
    let workload = workload
        .into_iter()
        .map(|(name, open)| Workload { name, open })
        .collect();
    Page::new(&req).render(&state, |l| DashboardPage {
        l,
        days,
        periods: PERIODS,
        received,
        answered_in_time,
        new,
        workload,
        stats: stats_view(stats, promise_days),
    })
}

#[derive(askama::Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    l: Layout,
    days: i64,
    periods: [i64; 3],
    received: usize,
    answered_in_time: usize,
    new: i64,
    workload: Vec<Workload>,
    stats: StatsView,
}
