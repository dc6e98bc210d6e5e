//! Goals per half-year (/goals): everyone reads them against the CRM's own figures; managers
//! set, change, copy and delete them. A changed target joins the goal's history.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::AppState;
use super::auth::{CurrentUser, Manager, Viewer};
use super::forms::{Refused, back_with_message};
use super::views::{Choice, Layout, Page, filters, redirect_with_flash};
use crate::db::DbConn;
use crate::domain::periods::{Period, Unit};
use crate::error::AppError;
use crate::models::activity::Topic;
use crate::models::audit::action;
use crate::models::campaign::Campaign;
use crate::models::goal::{Goal, GoalForm, GoalMetric, Standing, TargetChange};
use crate::models::overview::{Overview, PeriodFigures};
use crate::models::placement::{PlacementKind, format_hours};
use crate::models::settings::Settings;

/// A goal as the pages show it: what it counts, its figure against the target, how it stands.
pub struct GoalLine {
    pub goal: Goal,
    pub half_year: String,
    pub measure: String,
    pub actual: Option<f64>,
    pub standing: Standing,
}

impl GoalLine {
    fn unit(&self) -> &'static str {
        if self.goal.metric.is_percent() {
            " %"
        } else {
            ""
        }
    }

    pub fn target_text(&self) -> String {
        format!("{}{}", format_hours(self.goal.target), self.unit())
    }

    pub fn actual_text(&self) -> String {
        self.actual.map_or_else(
            || "–".into(),
            |a| format!("{}{}", format_hours((a * 10.0).round() / 10.0), self.unit()),
        )
    }

    /// How far the figure has come, 0–100, for the bar.
    pub fn progress(&self) -> f64 {
        match (self.actual, self.goal.target) {
            (Some(_), t) if t <= 0.0 => 100.0,
            (Some(a), t) => (a / t * 100.0).clamp(0.0, 100.0).round(),
            (None, _) => 0.0,
        }
    }
}

/// The goals with their figures; `known` holds figures the page has counted already (the
/// overview's half-year), which the goals of that half-year use rather than count again.
pub fn lines(
    c: &mut DbConn,
    jc: i64,
    goals: &[Goal],
    today: NaiveDate,
    now: NaiveDateTime,
    known: Option<(&Period, &PeriodFigures)>,
) -> diesel::QueryResult<Vec<GoalLine>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let settings = Settings::get(c, jc)?;
    let base = Overview::cooperation_base(c, jc)?;
    let ids: Vec<i64> = goals.iter().filter_map(|g| g.campaign_id).collect();
    let campaigns = Campaign::names(c, jc, &ids)?;
    goals
        .iter()
        .map(|g| {
            let period = g.period();
            let figures = known.filter(|(p, _)| **p == period).map(|(_, f)| f);
            let actual = Overview::goal_actual(c, jc, g, today, now, &settings, base, figures)?;
            let campaign = g
                .campaign_id
                .and_then(|id| campaigns.iter().find(|(cid, _)| *cid == id))
                .map(|(_, name)| name.as_str());
            Ok(GoalLine {
                half_year: period.label(),
                measure: g.measure(campaign),
                standing: Standing::of(g.metric, g.target, actual, period.elapsed_share(today)),
                actual,
                goal: g.clone(),
            })
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HalfYearParams {
    pub(crate) half_year: String,
}

pub(crate) fn half_year_of(s: &str, today: NaiveDate) -> Period {
    Period::parse_param(s)
        .filter(|p| p.unit == Unit::Half)
        .unwrap_or_else(|| Period::containing(Unit::Half, today))
}

/// The half-years a goal can be set for: three years back, two ahead.
pub(crate) fn half_year_choices(today: NaiveDate) -> Vec<Choice> {
    let mut p = Period::containing(Unit::Half, today);
    for _ in 0..6 {
        p = p.previous();
    }
    (0..11)
        .map(|_| {
            let choice = Choice {
                value: p.param(),
                label: p.label(),
            };
            p = p.next();
            choice
        })
        .collect()
}

#[get("/goals")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
    params: web::Query<HalfYearParams>,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let today = super::views::local_date(now);
    let half = half_year_of(&params.half_year, today);
    let jc = user.jobcenter_id;
    let (lines, next_has) = state
        .db
        .run(move |c| {
            let goals = Goal::of_half_year(c, jc, &half)?;
            let next_has = !Goal::of_half_year(c, jc, &half.next())?.is_empty();
            // The half-year's figures once, for every goal that counts them as they are.
            let figures = if goals.is_empty() {
                Vec::new()
            } else {
                let settings = Settings::get(c, jc)?;
                Overview::figures(c, jc, &[half], today, now, &settings)?
            };
            let known = figures.first().map(|f| (&half, f));
            Ok((lines(c, jc, &goals, today, now, known)?, next_has))
        })
        .await?;
    let is_manager = user.is_manager();
    Page::new(&req).render(&state, |l| GoalsPage {
        l,
        label: half.label(),
        param: half.param(),
        previous: half.previous().param(),
        next: half.next().param(),
        next_label: half.next().label(),
        next_has,
        elapsed: (half.elapsed_share(today) * 100.0).round(),
        lines,
        is_manager,
    })
}

#[derive(askama::Template)]
#[template(path = "goals/list.html")]
struct GoalsPage {
    l: Layout,
    label: String,
    param: String,
    previous: String,
    next: String,
    next_label: String,
    next_has: bool,
    elapsed: f64,
    lines: Vec<GoalLine>,
    is_manager: bool,
}

#[get("/goals/{id:\\d+}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let now = state.now();
    let today = super::views::local_date(now);
    let (across, history) = state
        .db
        .run(move |c| {
            let goal = Goal::find(c, jc, id)?;
            let across = Goal::across_half_years(c, &goal)?;
            Ok((
                lines(c, jc, &across, today, now, None)?,
                Goal::target_history(c, id)?,
            ))
        })
        .await?;
    let at = across
        .iter()
        .position(|g| g.goal.id == id)
        .ok_or(AppError::NotFound)?;
    let is_manager = user.is_manager();
    Page::new(&req).render(&state, |l| GoalPage {
        l,
        line: &across[at],
        across: &across,
        history,
        is_manager,
    })
}

#[derive(askama::Template)]
#[template(path = "goals/show.html")]
struct GoalPage<'a> {
    l: Layout,
    line: &'a GoalLine,
    across: &'a [GoalLine],
    history: Vec<TargetChange>,
    is_manager: bool,
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    goal_id: Option<i64>,
    form: GoalForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let campaigns: Vec<Choice> = state
        .db
        .run(move |c| Ok(Campaign::list(c, jc, None)?))
        .await?
        .into_iter()
        .map(|s| Choice {
            value: s.campaign.id.to_string(),
            label: s.campaign.name,
        })
        .collect();
    let today = super::views::local_date(state.now());
    Page::new(req)
        .refused(&refused)
        .render(state, |l| GoalFormPage {
            l,
            goal_id,
            form,
            half_years: half_year_choices(today),
            metrics: GoalMetric::choices(),
            topics: Topic::choices(),
            kinds: PlacementKind::choices(),
            campaigns,
        })
}

#[derive(askama::Template)]
#[template(path = "goals/form.html")]
struct GoalFormPage {
    l: Layout,
    goal_id: Option<i64>,
    form: GoalForm,
    half_years: Vec<Choice>,
    metrics: Vec<Choice>,
    topics: Vec<Choice>,
    kinds: Vec<Choice>,
    campaigns: Vec<Choice>,
}

#[get("/goals/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<HalfYearParams>,
) -> Result<HttpResponse, AppError> {
    let today = super::views::local_date(state.now());
    let form = GoalForm {
        half_year: half_year_of(&params.half_year, today).param(),
        ..Default::default()
    };
    form_page(&req, &state, &user, None, form, Refused::none()).await
}

#[post("/goals")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: web::Form<GoalForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return form_page(&req, &state, &user, None, form, Refused::invalid(errors)).await;
        }
    };
    let (jc, uid) = (user.jobcenter_id, user.id);
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            let g = Goal::create(c, jc, &input, uid, actor.now)?;
            actor.record(
                c,
                action::GOAL_CREATED,
                "goal",
                Some(g.id),
                format!(
                    "{}: {} {} ({})",
                    g.focus_area,
                    g.metric.label(),
                    format_hours(g.target),
                    g.half_year
                ),
            )?;
            Ok(g)
        })
        .await?;
    match result {
        Ok(g) => Ok(redirect_with_flash(
            &state,
            &format!("/goals?half_year={}", g.half_year),
            "ok",
            "Målet er gemt.",
        )),
        Err(refused) => form_page(&req, &state, &user, None, form, refused).await,
    }
}

#[get("/goals/{id:\\d+}/edit")]
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let goal = state.db.run(move |c| Ok(Goal::find(c, jc, id)?)).await?;
    form_page(
        &req,
        &state,
        &user,
        Some(id),
        GoalForm::from_goal(&goal),
        Refused::none(),
    )
    .await
}

#[post("/goals/{id:\\d+}/edit")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: web::Form<GoalForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc, uid) = (path.into_inner(), user.jobcenter_id, user.id);
    state.db.run(move |c| Ok(Goal::find(c, jc, id)?)).await?;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &req,
                &state,
                &user,
                Some(id),
                form,
                Refused::invalid(errors),
            )
            .await;
        }
    };
    let version = form.version.trim().parse::<i32>().unwrap_or(-1);
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            let (before, after) = Goal::update(c, jc, id, version, &input, uid, actor.now)?;
            let target = if before.target == after.target {
                String::new()
            } else {
                format!(
                    ", mål {} → {}",
                    format_hours(before.target),
                    format_hours(after.target)
                )
            };
            actor.record(
                c,
                action::GOAL_UPDATED,
                "goal",
                Some(id),
                format!("{} ({}){target}", after.focus_area, after.half_year),
            )?;
            Ok(after)
        })
        .await?;
    match result {
        Ok(g) => Ok(redirect_with_flash(
            &state,
            &format!("/goals/{}", g.id),
            "ok",
            "Målet er gemt.",
        )),
        Err(refused) => form_page(&req, &state, &user, Some(id), form, refused).await,
    }
}

#[post("/goals/{id:\\d+}/delete")]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let half_year = state
        .db
        .run(move |c| Ok(Goal::find(c, jc, id)?.half_year))
        .await?;
    let actor = user.actor(&req, &state);
    let outcome = state
        .write(actor, move |c, actor| {
            let g = Goal::delete(c, jc, id)?;
            actor.record(
                c,
                action::GOAL_DELETED,
                "goal",
                Some(id),
                format!("{} ({})", g.focus_area, g.half_year),
            )?;
            Ok(())
        })
        .await?;
    Ok(back_with_message(
        &state,
        &format!("/goals?half_year={half_year}"),
        outcome,
        |_| "Målet er slettet.".into(),
    ))
}

#[post("/goals/copy")]
pub async fn copy(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: web::Form<HalfYearParams>,
) -> Result<HttpResponse, AppError> {
    let from = Period::parse_param(&form.half_year)
        .filter(|p| p.unit == Unit::Half)
        .ok_or_else(|| AppError::Validation("Vælg det halvår, målene skal kopieres fra.".into()))?;
    let (jc, uid) = (user.jobcenter_id, user.id);
    let actor = user.actor(&req, &state);
    let outcome = state
        .write(actor, move |c, actor| {
            let copied = Goal::copy_to_next(c, jc, &from, uid, actor.now)?;
            actor.record(
                c,
                action::GOALS_COPIED,
                "goal",
                None,
                format!(
                    "{copied} mål fra {} til {}",
                    from.param(),
                    from.next().param()
                ),
            )?;
            Ok(copied)
        })
        .await?;
    let next = from.next();
    Ok(back_with_message(
        &state,
        &format!("/goals?half_year={}", next.param()),
        outcome,
        |copied| match copied {
            0 => format!(
                "Alle mål fra {} findes allerede i {}.",
                from.label(),
                next.label()
            ),
            1 => format!("1 mål er kopieret til {}.", next.label()),
            n => format!("{n} mål er kopieret til {}.", next.label()),
        },
    ))
}
