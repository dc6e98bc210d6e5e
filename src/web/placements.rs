//! Placements: småjob, fleksjob, virksomhedspraktik, løntilskud and ordinary jobs.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::access_log;
use super::auth::CurrentUser;
use super::forms::Refused;
use super::views::{
    Choice, Layout, Page, campaign_choices_in, filters, redirect_with_flash, staff_choices,
};
use crate::db::DbConn;
use crate::domain::dates;
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::audit::Actor;
use crate::models::audit::action;
use crate::models::company::Company;
use crate::models::placement::{
    KindCount, Placement, PlacementForm, PlacementInput, PlacementKind, PlacementQuery,
    PlacementResult, PlacementRow, PlacementStatus, format_hours,
};
use crate::models::settings::Settings;

const PAGE_SIZE: i64 = 25;

#[allow(clippy::too_many_arguments)]
async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    company: Company,
    placement_id: Option<i64>,
    form: PlacementForm,
    rules: &Settings,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let (jc, company_id) = (user.jobcenter_id, company.id);
    let keep_campaign = form.campaign_id.clone();
    let campaigns = state
        .db
        .run(move |c| Ok(campaign_choices_in(c, jc, company_id, &keep_campaign)?))
        .await?;
    let hours_hint = format!(
        "Småjob {}–{} timer, øvrige {}–{} timer. Decimaler med komma, fx 12,5.",
        format_hours(rules.smaajob_min_hours),
        format_hours(rules.smaajob_max_hours),
        format_hours(rules.other_min_hours),
        format_hours(rules.other_max_hours)
    );
    let end_hint = format!(
        "En virksomhedspraktik må højst vare {} uger.",
        rules.praktik_max_weeks
    );
    let staff = staff_choices(state, user.jobcenter_id, &form.user_id).await?;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| FormPage {
            l,
            company,
            placement_id,
            form,
            kinds: PlacementKind::choices(),
            statuses: PlacementStatus::choices(),
            results: PlacementResult::choices(),
            hours_hint,
            end_hint,
            campaigns,
            staff,
        })
}

#[derive(askama::Template)]
#[template(path = "placements/form.html")]
struct FormPage {
    l: Layout,
    company: Company,
    placement_id: Option<i64>,
    form: PlacementForm,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    results: Vec<Choice>,
    hours_hint: String,
    end_hint: String,
    campaigns: Vec<Choice>,
    staff: Vec<Choice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewParams {
    company: String,
    q: String,
}

#[get("/placements/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<NewParams>,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let Ok(company_id) = params.company.trim().parse::<i64>() else {
        return super::activities::pick_company(
            &req,
            &state,
            jc,
            &params.q,
            "Nyt forløb",
            "/placements/new",
        )
        .await;
    };
    let (company, rules) = state
        .db
        .run(move |c| Ok((Company::find(c, jc, company_id)?, Settings::get(c, jc)?)))
        .await?;
    let form = PlacementForm {
        company_id: company.id.to_string(),
        user_id: user.id.to_string(),
        kind: PlacementKind::Smaajob.as_str().into(),
        status: PlacementStatus::Planned.as_str().into(),
        start_on: super::views::local_date(state.now()).to_string(),
        ..Default::default()
    };
    form_page(
        &req,
        &state,
        &user,
        company,
        None,
        form,
        &rules,
        Refused::none(),
    )
    .await
}

#[post("/placements")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<PlacementForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let jc = user.jobcenter_id;
    let company_id = form
        .company_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let (company, rules) = state
        .db
        .run(move |c| Ok((Company::find(c, jc, company_id)?, Settings::get(c, jc)?)))
        .await?;
    let input = match form.validate(&rules) {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &req,
                &state,
                &user,
                company,
                None,
                form,
                &rules,
                Refused::invalid(errors),
            )
            .await;
        }
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| add(c, actor, &input))
        .await?;
    match result {
        Ok(p) => Ok(redirect_with_flash(
            &state,
            &format!("/companies/{}", p.company_id),
            "ok",
            &format!(
                "Forløbet ({}) er registreret.",
                p.kind.label().to_lowercase()
            ),
        )),
        Err(refused) => form_page(&req, &state, &user, company, None, form, &rules, refused).await,
    }
}

#[get("/placements/{id:\\d+}/edit")]
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let (placement, company, rules) = state
        .db
        .run(move |c| {
            let p = Placement::find(c, jc, id)?;
            let company = Company::find(c, jc, p.company_id)?;
            Ok((p, company, Settings::get(c, jc)?))
        })
        .await?;
    access_log::record(
        &state,
        &user,
        AccessKind::View,
        Some((AccessEntity::Placement, id)),
        "",
    )
    .await?;
    let form = PlacementForm::from_placement(&placement);
    form_page(
        &req,
        &state,
        &user,
        company,
        Some(id),
        form,
        &rules,
        Refused::none(),
    )
    .await
}

#[post("/placements/{id:\\d+}/edit")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<PlacementForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let (placement, company, rules) = state
        .db
        .run(move |c| {
            let p = Placement::find(c, jc, id)?;
            let company = Company::find(c, jc, p.company_id)?;
            Ok((p, company, Settings::get(c, jc)?))
        })
        .await?;
    let mut form = form.into_inner();
    form.company_id = placement.company_id.to_string();
    let input = match form.validate(&rules) {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &req,
                &state,
                &user,
                company,
                Some(id),
                form,
                &rules,
                Refused::invalid(errors),
            )
            .await;
        }
    };
    let version = form.version.trim().parse::<i32>().unwrap_or(-1);
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| change(c, actor, id, version, &input))
        .await?;
    match result {
        Ok(p) => Ok(redirect_with_flash(
            &state,
            &format!("/companies/{}", p.company_id),
            "ok",
            "Forløbet er gemt.",
        )),
        Err(refused) => {
            form_page(
                &req,
                &state,
                &user,
                company,
                Some(id),
                form,
                &rules,
                refused,
            )
            .await
        }
    }
}

// --- The writes, as the pages and the API make them -------------------------------------------

/// Registers a placement, with its audit row.
pub fn add(c: &mut DbConn, actor: &Actor, input: &PlacementInput) -> Result<Placement, WriteError> {
    let p = Placement::create(c, actor.jobcenter_id, input, actor.now)?;
    let what = format!("{} hos virksomhed #{}", p.kind.label(), p.company_id);
    actor.record(c, action::PLACEMENT_CREATED, "placement", Some(p.id), what)?;
    Ok(p)
}

/// Saves an edit made on `version`, with its audit row.
pub fn change(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &PlacementInput,
) -> Result<Placement, WriteError> {
    let p = Placement::update(c, actor.jobcenter_id, id, version, input, actor.now)?;
    let what = format!("virksomhed #{}", p.company_id);
    actor.record(c, action::PLACEMENT_UPDATED, "placement", Some(id), what)?;
    Ok(p)
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ListParams {
    kind: String,
    status: String,
    consultant: String,
    company: String,
    campaign: String,
    from: String,
    to: String,
    /// Left out of the page links built from the filter: they add their own.
    #[serde(skip_serializing_if = "String::is_empty")]
    after: String,
}

#[get("/placements")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let mut params = params.into_inner();
    let query = PlacementQuery {
        company_id: params.company.parse().ok(),
        campaign_id: params.campaign.parse().ok(),
        user_id: params.consultant.parse().ok(),
        kind: PlacementKind::parse(&params.kind),
        status: PlacementStatus::parse(&params.status),
        from: dates::parse_date(&params.from),
        to: dates::parse_date(&params.to),
    };
    let after = params
        .after
        .split_once('_')
        .and_then(|(d, id)| Some((dates::parse_date(d)?, id.parse().ok()?)));
    let jc = user.jobcenter_id;
    let today = super::views::local_date(state.now());
    let (mut rows, counts) = state
        .db
        .run(move |c| {
            Ok((
                Placement::list(c, jc, &query, after, PAGE_SIZE + 1)?,
                Placement::counts(c, jc, today)?,
            ))
        })
        .await?;
    // The list shows citizens' case references: a look at personal data.
    if after.is_none() {
        let filter = serde_html_form::to_string(&params).unwrap_or_default();
        access_log::record(&state, &user, AccessKind::Search, None, filter).await?;
    }
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last()
            .map(|r| format!("{}_{}", r.placement.start_on, r.placement.id))
    } else {
        None
    };
    // The filter without the page position ('after' is left out when empty).
    let after = std::mem::take(&mut params.after);
    let filter_query = serde_html_form::to_string(&params).unwrap_or_default();
    let first_page = after.is_empty();
    params.after = after;
    let total_active: i64 = counts.iter().map(|k| k.active_now).sum();
    let total_started: i64 = counts.iter().map(|k| k.started_this_year).sum();
    let staff = staff_choices(&state, jc, "").await?;
    Page::new(&req).render(&state, |l| ListPage {
        l,
        rows,
        counts,
        total_active,
        total_started,
        year: chrono::Datelike::year(&today),
        staff,
        kinds: PlacementKind::choices(),
        statuses: PlacementStatus::choices(),
        next_url: next.map(|n| format!("/placements?{filter_query}&after={n}")),
        first_url: super::views::with_query("/placements", &filter_query),
        first_page,
        params,
    })
}

#[derive(askama::Template)]
#[template(path = "placements/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<PlacementRow>,
    counts: Vec<KindCount>,
    total_active: i64,
    total_started: i64,
    year: i32,
    params: ListParams,
    staff: Vec<Choice>,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    next_url: Option<String>,
    first_url: String,
    first_page: bool,
}
