//! Campaigns: plan, fill and split the target list, follow progress, export.

pub mod targets;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Datelike;
use diesel::OptionalExtension;
use serde::Deserialize;

use super::AppState;
use super::auth::{CurrentUser, Manager, SessionCookie, Viewer};
use super::charts::BurnUp;
use super::forms::Refused;
use super::views::{Choice, Layout, Page, filters, local_date, redirect_with_flash, url_encode};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::FieldErrors;
use crate::models::WriteError;
use crate::models::activity::Topic;
use crate::models::audit::{Actor, action};
use crate::models::campaign::{
    Campaign, CampaignForm, CampaignInput, CampaignStatus, CampaignSummary, CampaignTarget,
    Committee, Joinable, Progress, RegionalCampaign, TargetListFilter, TargetRow, TargetStatus,
};
use crate::models::cluster;
use crate::models::company::Cursor;
use crate::models::placement::{CampaignPlacement, Placement};
use crate::models::user::{Role, User};

struct Checkbox {
    name: String,
    label: String,
    checked: bool,
}

/// Managers see every campaign; a consultant the ones they are on.
async fn viewable(state: &AppState, user: &CurrentUser, id: i64) -> Result<Campaign, AppError> {
    let user = user.clone();
    state.db.run(move |c| viewable_in(c, &user, id)).await
}

/// [`viewable`] inside a database call that does more.
fn viewable_in(c: &mut DbConn, user: &CurrentUser, id: i64) -> Result<Campaign, AppError> {
    let campaign = Campaign::find(c, user.jobcenter_id, id)?;
    // Managers and readers see every campaign; a consultant those they are on.
    if user.is_manager() || !user.can_write() || Campaign::is_consultant(c, id, user.id)? {
        Ok(campaign)
    } else {
        Err(AppError::Forbidden)
    }
}

#[get("/campaigns")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let only = (user.can_write() && user.role < Role::Manager).then_some(user.id);
    let is_manager = user.role >= Role::Manager;
    let today = local_date(state.now());
    let (campaigns, joinable) = state
        .db
        .run(move |c| {
            let joinable = if is_manager {
                RegionalCampaign::joinable(c, jc, today)?
            } else {
                Vec::new()
            };
            Ok((Campaign::list(c, jc, only)?, joinable))
        })
        .await?;
    Page::new(&req).render(&state, |l| ListPage {
        l,
        campaigns,
        joinable,
        can_create: is_manager,
    })
}

#[derive(askama::Template)]
#[template(path = "campaigns/list.html")]
struct ListPage {
    l: Layout,
    campaigns: Vec<CampaignSummary>,
    /// Regional campaigns of the jobcenter's clusters it may join (managers).
    joinable: Vec<Joinable>,
    can_create: bool,
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    campaign_id: Option<i64>,
    form: CampaignForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let new = campaign_id.is_none();
    let regional_id = form.regional.trim().parse::<i64>().ok().filter(|_| new);
    let (mut staff, clusters, joining) = state
        .db
        .run(move |c| {
            let clusters = if new {
                cluster::clusters_now(c, jc)?
            } else {
                Vec::new()
            };
            // One the jobcenter may no longer join comes back with the message why.
            let joining = match regional_id {
                Some(id) => RegionalCampaign::find(c, jc, id).optional()?,
                None => None,
            };
            Ok((User::list(c, jc)?, clusters, joining))
        })
        .await?;
    // A new campaign may be the jobcenter's own or for one of its clusters.
    let cluster_choices: Vec<Choice> = clusters
        .into_iter()
        .map(|k| Choice {
            value: k.id.to_string(),
            label: format!("For klyngen «{}»", k.name),
        })
        .collect();
    // Consultants first, then managers and admins, each by name; every name with its role.
    staff.sort_by_key(|u| u.role);
    let consultants: Vec<Checkbox> = staff
        .into_iter()
        .filter(User::can_take_work)
        .map(|u| {
            let name = format!("consultant_{}", u.id);
            Checkbox {
                checked: form.checked(&name),
                name,
                label: format!("{} ({})", u.name, u.role.label().to_lowercase()),
            }
        })
        .collect();
    let topics: Vec<Checkbox> = Topic::ALL
        .iter()
        .map(|t| {
            let name = format!("topic_{}", t.as_str());
            Checkbox {
                checked: form.checked(&name),
                name,
                label: t.label().into(),
            }
        })
        .collect();
    Page::new(req)
        .refused(&refused)
        .render(state, |l| FormPage {
            l,
            campaign_id,
            form,
            consultants,
            topics,
            statuses: CampaignStatus::choices(),
            cluster_choices,
            joining,
        })
}

#[derive(askama::Template)]
#[template(path = "campaigns/form.html")]
struct FormPage {
    l: Layout,
    campaign_id: Option<i64>,
    form: CampaignForm,
    consultants: Vec<Checkbox>,
    topics: Vec<Checkbox>,
    statuses: Vec<Choice>,
    /// The clusters a new campaign can be for (empty: none to choose).
    cluster_choices: Vec<Choice>,
    /// The regional campaign a new campaign joins.
    joining: Option<RegionalCampaign>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewParams {
    /// Join this regional campaign.
    regional: String,
}

#[get("/campaigns/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<NewParams>,
) -> Result<HttpResponse, AppError> {
    let mut form = CampaignForm {
        status: CampaignStatus::Planned.as_str().into(),
        ..Default::default()
    };
    // Joining a regional campaign: its name, purpose and weeks to start from.
    if let Ok(id) = params.regional.trim().parse::<i64>() {
        let jc = user.jobcenter_id;
        let regional = state
            .db
            .run(move |c| Ok(RegionalCampaign::find(c, jc, id)?))
            .await?;
        form.name = regional.name;
        form.purpose = regional.purpose;
        form.start = crate::domain::dates::dk_date(regional.start_on);
        form.end = crate::domain::dates::dk_date(regional.end_on);
        form.regional = id.to_string();
    }
    form_page(&req, &state, &user, None, form, Refused::none()).await
}

#[post("/campaigns")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: web::Form<CampaignForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let today = local_date(state.now());
    let validated =
        form.validate(today.year())
            .and_then(|input| match form.past_weeks_question(today) {
                Some(question) => {
                    let mut errors = FieldErrors::new();
                    errors.insert("start", question);
                    Err(errors)
                }
                None => Ok(input),
            });
    let input = match validated {
        Ok(i) => i,
        Err(errors) => {
            return form_page(&req, &state, &user, None, form, Refused::invalid(errors)).await;
        }
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| add(c, actor, &input))
        .await?;
    match result {
        Ok(campaign) => Ok(redirect_with_flash(
            &state,
            &format!("/campaigns/{}", campaign.id),
            "ok",
            "Kampagnen er oprettet. Tilføj nu virksomheder til listen.",
        )),
        Err(refused) => form_page(&req, &state, &user, None, form, refused).await,
    }
}

#[get("/campaigns/{id:\\d+}/edit")]
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let (campaign, consultants) = state
        .db
        .run(move |c| Ok((Campaign::find(c, jc, id)?, Campaign::consultants(c, id)?)))
        .await?;
    let ids: Vec<i64> = consultants.iter().map(|u| u.id).collect();
    let form = CampaignForm::from_campaign(&campaign, &ids);
    form_page(&req, &state, &user, Some(id), form, Refused::none()).await
}

#[post("/campaigns/{id:\\d+}/edit")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: web::Form<CampaignForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    state
        .db
        .run(move |c| Ok(Campaign::find(c, jc, id)?))
        .await?;
    let form = form.into_inner();
    let year = local_date(state.now()).year();
    let input = match form.validate(year) {
        Ok(i) => i,
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
        .write(actor, move |c, actor| change(c, actor, id, version, &input))
        .await?;
    match result {
        Ok(_) => Ok(redirect_with_flash(
            &state,
            &format!("/campaigns/{id}"),
            "ok",
            "Kampagnen er gemt.",
        )),
        Err(refused) => form_page(&req, &state, &user, Some(id), form, refused).await,
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TargetFilter {
    status: String,
    consultant: String,
    /// Cursor of the target list's page.
    after: String,
}

impl TargetFilter {
    /// The filter as a query string, with the page cursor `after` when there is one.
    fn query(&self, after: Option<&str>) -> String {
        let mut parts = Vec::new();
        for (name, value) in [
            ("status", self.status.as_str()),
            ("consultant", self.consultant.as_str()),
            ("after", after.unwrap_or("")),
        ] {
            if !value.is_empty() {
                parts.push(format!("{name}={}", url_encode(value)));
            }
        }
        parts.join("&")
    }

    /// The campaign's target list, filtered, at the page after `after`.
    fn list_url(&self, campaign_id: i64, after: Option<&str>) -> String {
        let query = self.query(after);
        let sep = if query.is_empty() { "" } else { "?" };
        format!("/campaigns/{campaign_id}{sep}{query}#targets")
    }

    /// The list page this filter shows, for a target's page to lead back to.
    fn back_url(&self, campaign_id: i64) -> String {
        self.list_url(campaign_id, Some(&self.after))
    }
}

/// The list page a target's forms were opened from, sent back with them (`list_*`, as the
/// target's own fields are called `status` and `assigned_to`), so saving returns there.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListPlace {
    list_status: String,
    list_consultant: String,
    list_after: String,
}

impl ListPlace {
    fn filter(&self) -> TargetFilter {
        TargetFilter {
            status: self.list_status.clone(),
            consultant: self.list_consultant.clone(),
            after: self.list_after.clone(),
        }
    }
}

/// Targets per page of a campaign's list: each row carries its own form, so a page holds as
/// many as a page of the company list.
const TARGETS_PER_PAGE: i64 = 25;
/// The newest placements of the campaign on its page; all are in the placements list.
const PLACEMENTS_SHOWN: i64 = 10;

#[get("/campaigns/{id:\\d+}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
    path: web::Path<i64>,
    filter: web::Query<TargetFilter>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = local_date(state.now());
    let list_filter = TargetListFilter {
        status: TargetStatus::parse(&filter.status),
        assigned_to: filter.consultant.parse::<i64>().ok(),
    };
    let after = Cursor::decode(&filter.after);
    let (user, (campaign, progress, (targets, next), placements, protected, committee)) = session
        .open_to_readers()
        .run(&state, move |c, user| {
            let campaign = viewable_in(c, user, id)?;
            let jc = user.jobcenter_id;
            let progress = Progress::of(c, &campaign, today)?;
            // The members' progress is for the managers (the committee view).
            let committee = if user.is_manager() {
                Committee::of(c, &campaign, today)?
            } else {
                None
            };
            let targets =
                CampaignTarget::list(c, jc, id, list_filter, after.as_ref(), TARGETS_PER_PAGE)?;
            let placements = Placement::newest_of_campaign(c, jc, id, PLACEMENTS_SHOWN)?;
            let ids: Vec<i64> = targets.0.iter().map(|t| t.target.company_id).collect();
            let protected = crate::models::population::protected_among(c, jc, &ids)?;
            Ok((
                campaign, progress, targets, placements, protected, committee,
            ))
        })
        .await?;
    let chart = BurnUp::new(&progress.weeks, campaign.target_companies);
    let cluster_chart = committee.as_ref().map(|k| {
        let goal = i32::try_from(k.total.goal).unwrap_or(i32::MAX);
        BurnUp::new(&k.weeks, goal).keyed(
            "cluster-burnup",
            "Besøgte virksomheder pr. uge, alle jobcentre i klyngen",
        )
    });
    let consultant_choices: Vec<ConsultantChoice> = progress
        .consultants
        .iter()
        .map(|u| ConsultantChoice::new(u.id, &u.name))
        .collect();
    let filter = filter.into_inner();
    let next_url = next.map(|cur| filter.list_url(id, Some(&cur.encode())));
    let first_url = (!filter.after.is_empty()).then(|| filter.list_url(id, None));
    // A target's page leads back to this page of the list.
    let target_query = filter.query(Some(&filter.after));
    let topics = crate::models::activity::decode_topics(&campaign.topics)
        .into_iter()
        .map(Topic::label)
        .collect::<Vec<_>>()
        .join(", ");
    let more_placements = progress.placements > placements.len() as i64;
    // Planned, though its weeks are under way: consultants do not see it on their start page.
    let overdue_start = campaign.status == CampaignStatus::Planned
        && (campaign.start_on..=campaign.end_on).contains(&today);
    let planned = campaign.status == CampaignStatus::Planned;
    Page::new(&req).render(&state, |l| ShowPage {
        l,
        overdue_start,
        planned,
        // A goal of 0 is shown as no goal.
        target_placements: campaign.target_placements.filter(|n| *n != 0),
        campaign,
        topics,
        progress,
        chart,
        committee,
        cluster_chart,
        targets,
        protected,
        placements,
        more_placements,
        consultant_choices,
        status_choices: TargetStatus::choices(),
        filter,
        next_url,
        first_url,
        target_query,
        is_manager: user.role >= Role::Manager,
        me: user.id,
    })
}

/// A consultant on the campaign as an option of the target list's selects.
struct ConsultantChoice {
    id: i64,
    /// The id as the form sends it.
    value: String,
    label: String,
}

impl ConsultantChoice {
    fn new(id: i64, name: &str) -> ConsultantChoice {
        ConsultantChoice {
            id,
            value: id.to_string(),
            label: name.to_string(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "campaigns/show.html")]
struct ShowPage {
    l: Layout,
    overdue_start: bool,
    /// Still planned: a manager may start it, before its first week too.
    planned: bool,
    campaign: Campaign,
    /// The goal for placements, if one is set (and not 0).
    target_placements: Option<i32>,
    /// The topics' labels, comma separated.
    topics: String,
    progress: Progress,
    /// The burn-up chart, drawn by `campaigns/burn_up.html`.
    chart: BurnUp,
    /// A regional campaign's members and total (managers of a member of the cluster now).
    committee: Option<Committee>,
    /// The burn-up of all the members together.
    cluster_chart: Option<BurnUp>,
    targets: Vec<TargetRow>,
    /// The companies on the page that are advertising-protected in the CVR.
    protected: std::collections::HashSet<i64>,
    placements: Vec<CampaignPlacement>,
    /// The campaign has more placements than the page shows.
    more_placements: bool,
    consultant_choices: Vec<ConsultantChoice>,
    status_choices: Vec<Choice>,
    filter: TargetFilter,
    next_url: Option<String>,
    first_url: Option<String>,
    /// The query of this list page (filter and cursor), carried by the links to the targets.
    target_query: String,
    is_manager: bool,
    me: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartForm {
    version: String,
}

/// Sets a planned campaign going (managers): the campaign page offers it while the campaign's
/// weeks are under way, as consultants only see the targets of running campaigns on their
/// start page.
#[post("/campaigns/{id:\\d+}/start")]
pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: web::Form<StartForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let version: i32 =
        form.version.trim().parse().map_err(|_| {
            AppError::Validation("Formularen er ufuldstændig. Hent siden igen.".into())
        })?;
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            set_going(c, actor, id, version).map(drop)
        })
        .await?;
    let (kind, message) = match result {
        Ok(()) => (
            "ok",
            "Kampagnen er i gang. Konsulenterne ser nu deres virksomheder på forsiden.",
        ),
        // Started or changed by someone else meanwhile: the page shows how it stands now.
        Err(_) => (
            "error",
            "Kampagnen er ændret imens. Se her, hvordan den står nu.",
        ),
    };
    Ok(redirect_with_flash(
        &state,
        &format!("/campaigns/{id}"),
        kind,
        message,
    ))
}

// --- The writes, as the pages and the API make them -------------------------------------------

/// Creates a campaign, with its audit row.
pub fn add(c: &mut DbConn, actor: &Actor, input: &CampaignInput) -> Result<Campaign, WriteError> {
    let campaign = Campaign::create(c, actor.jobcenter_id, input, actor.now)?;
    let what = campaign.name.clone();
    actor.record(
        c,
        action::CAMPAIGN_CREATED,
        "campaign",
        Some(campaign.id),
        what,
    )?;
    Ok(campaign)
}

/// Saves an edit of a campaign made on `version`, with its audit row.
pub fn change(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &CampaignInput,
) -> Result<Campaign, WriteError> {
    let campaign = Campaign::update(c, actor.jobcenter_id, id, version, input, actor.now)?;
    let what = campaign.name.clone();
    actor.record(c, action::CAMPAIGN_UPDATED, "campaign", Some(id), what)?;
    Ok(campaign)
}

/// Sets a planned campaign going from `version`, with its audit row.
pub fn set_going(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
) -> Result<Campaign, WriteError> {
    // Not found when the campaign belongs to another jobcenter.
    let current = Campaign::find(c, actor.jobcenter_id, id)?;
    if current.status != CampaignStatus::Planned && current.version == version {
        let what = format!("Kampagnen er {}.", current.status.label().to_lowercase());
        return Err(WriteError::invalid("status", what));
    }
    Campaign::start(c, actor.jobcenter_id, id, version, actor.now)?;
    let what = "sat i gang".to_string();
    actor.record(c, action::CAMPAIGN_UPDATED, "campaign", Some(id), what)?;
    Ok(Campaign::find(c, actor.jobcenter_id, id)?)
}

/// A regional campaign's figures per member and in total, as Danish Excel opens them
/// (managers of a member of the cluster now): counts only.
#[get("/campaigns/{id:\\d+}/cluster.csv")]
pub async fn cluster_export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let today = local_date(state.now());
    let actor = user.actor(&req, &state);
    let head = super::security::is_head(&req);
    let committee = state
        .db
        .run(move |c| {
            let campaign = Campaign::find(c, jc, id)?;
            let committee = Committee::of(c, &campaign, today)?.ok_or(AppError::NotFound)?;
            if !head {
                let what = format!("klyngens tal, {} jobcentre", committee.members.len());
                actor.record(c, action::CAMPAIGN_EXPORTED, "campaign", Some(id), what)?;
            }
            Ok(committee)
        })
        .await?;
    let filename = format!(
        "regional-kampagne-{}-{}.csv",
        committee.regional.id,
        crate::domain::validate::slugify(&committee.regional.name)
    );
    let rows = committee
        .members
        .iter()
        .chain(std::iter::once(&committee.total))
        .map(|m| {
            vec![
                m.jobcenter.clone(),
                m.status.map(|s| s.label().to_string()).unwrap_or_default(),
                m.goal.to_string(),
                m.targets.to_string(),
                m.reached.to_string(),
                m.agreements.to_string(),
                m.placements.to_string(),
                format!("{} %", m.percent()),
            ]
        });
    let csv = crate::domain::csv_io::write_excel_csv(
        &[
            "Jobcenter",
            "Status",
            "Mål (virksomheder)",
            "På listen",
            "Besøgt",
            "Aftaler",
            "Forløb",
            "Af målet",
        ],
        rows,
    );
    Ok(super::views::csv_response(filename, csv))
}
