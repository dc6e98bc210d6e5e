//! Recruitment needs: recorded from a company's page, from a logged visit or from a contact
//! request about recruitment; the open-needs list consultants scan when a citizen is ready; a
//! need's page with its status history and the jobcenter's referrals.

use actix_web::{HttpRequest, HttpResponse, get, post, routes, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{CurrentUser, Manager};
use super::forms::Refused;
use super::security::is_head;
use super::views::{
    Choice, FieldErrors, Layout, Page, campaign_choices_in, contact_choices_in, csv_response,
    filters, local_date, redirect_with_flash, staff_choices, url_encode,
};
use crate::db::DbConn;
use crate::domain::{csv_io, dates};
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::audit::{Actor, action};
use crate::models::company::Company;
use crate::models::contact_person::ContactPerson;
use crate::models::contact_request::ContactRequest;
use crate::models::need::{
    Need, NeedCursor, NeedEvent, NeedForm, NeedInput, NeedKind, NeedQuery, NeedRow, NeedStatus,
    Referral, ReferralForm, ReferralInput, ReferralOutcome,
};
use crate::models::placement::format_hours;
use crate::models::settings::Settings;

const PAGE_SIZE: i64 = 25;
/// Rows in one CSV export of the list.
const EXPORT_LIMIT: i64 = 20_000;

// --- The form ---------------------------------------------------------------------------------

#[allow(clippy::too_many_arguments)]
async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    company: Company,
    need_id: Option<i64>,
    form: NeedForm,
    rules: &Settings,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let (jc, company_id) = (user.jobcenter_id, company.id);
    let (keep_campaign, keep_contact) = (form.campaign_id.clone(), form.contact_person_id.clone());
    let (campaigns, contacts) = state
        .db
        .run(move |c| {
            Ok((
                campaign_choices_in(c, jc, company_id, &keep_campaign)?,
                contact_choices_in(c, jc, company_id, &keep_contact)?,
            ))
        })
        .await?;
    let hours_hint = format!(
        "Småjob {}–{} timer, øvrige {}–{} timer. Decimaler med komma, fx 12,5.",
        format_hours(rules.smaajob_min_hours),
        format_hours(rules.smaajob_max_hours),
        format_hours(rules.other_min_hours),
        format_hours(rules.other_max_hours)
    );
    let staff = staff_choices(state, jc, &form.user_id).await?;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| FormPage {
            l,
            company,
            need_id,
            form,
            kinds: NeedKind::choices(),
            hours_hint,
            campaigns,
            contacts,
            staff,
        })
}

#[derive(askama::Template)]
#[template(path = "needs/form.html")]
struct FormPage {
    l: Layout,
    company: Company,
    need_id: Option<i64>,
    form: NeedForm,
    kinds: Vec<Choice>,
    hours_hint: String,
    campaigns: Vec<Choice>,
    contacts: Vec<Choice>,
    staff: Vec<Choice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewParams {
    company: String,
    /// Made from a logged visit or meeting.
    activity: String,
    /// Made from a contact request about recruitment.
    request: String,
    q: String,
}

#[get("/needs/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<NewParams>,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let mut form = NeedForm {
        user_id: user.id.to_string(),
        kind: NeedKind::Ordinary.as_str().into(),
        positions: "1".into(),
        received_on: local_date(state.now()).to_string(),
        ..Default::default()
    };
    let mut company_id = params.company.trim().parse::<i64>().ok();
    // From a request: its company, and its message as what the company asks for.
    if let Ok(request_id) = params.request.trim().parse::<i64>() {
        let request = state
            .db
            .run(move |c| Ok(ContactRequest::find(c, jc, request_id)?))
            .await?;
        company_id = company_id.or(request.company_id);
        form.request_id = request.id.to_string();
        form.requirements = request.message.clone();
        form.received_on = local_date(request.received_at).to_string();
    }
    // From an activity: its company, contact person and day.
    if let Ok(activity_id) = params.activity.trim().parse::<i64>() {
        let activity = state
            .db
            .run(move |c| Ok(crate::models::activity::Activity::find(c, jc, activity_id)?))
            .await?;
        company_id = Some(activity.company_id);
        form.activity_id = activity.id.to_string();
        form.contact_person_id = activity
            .contact_person_id
            .map(|i| i.to_string())
            .unwrap_or_default();
        form.received_on = activity.occurred_on.to_string();
        form.campaign_id = activity
            .campaign_id
            .map(|i| i.to_string())
            .unwrap_or_default();
    }
    let Some(company_id) = company_id else {
        return super::activities::pick_company(
            &req,
            &state,
            jc,
            &params.q,
            "Nyt rekrutteringsbehov",
            "/needs/new",
        )
        .await;
    };
    let (company, rules) = state
        .db
        .run(move |c| Ok((Company::find(c, jc, company_id)?, Settings::get(c, jc)?)))
        .await?;
    form.company_id = company.id.to_string();
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

#[post("/needs")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<NeedForm>,
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
            let refused = Refused::invalid(errors);
            return form_page(&req, &state, &user, company, None, form, &rules, refused).await;
        }
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| add(c, actor, &input))
        .await?;
    match result {
        Ok(need) => Ok(redirect_with_flash(
            &state,
            &format!("/needs/{}", need.id),
            "ok",
            &if need.request_id.is_some() {
                "Behovet er oprettet, og henvendelsen er markeret som besvaret.".to_string()
            } else {
                "Behovet er oprettet.".to_string()
            },
        )),
        Err(refused) => form_page(&req, &state, &user, company, None, form, &rules, refused).await,
    }
}

#[get("/needs/{id:\\d+}/edit")]
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let (need, company, rules) = state
        .db
        .run(move |c| {
            let need = Need::find(c, jc, id)?;
            let company = Company::find(c, jc, need.company_id)?;
            Ok((need, company, Settings::get(c, jc)?))
        })
        .await?;
    let form = NeedForm::from_need(&need);
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

#[post("/needs/{id:\\d+}/edit")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<NeedForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let (need, company, rules) = state
        .db
        .run(move |c| {
            let need = Need::find(c, jc, id)?;
            let company = Company::find(c, jc, need.company_id)?;
            Ok((need, company, Settings::get(c, jc)?))
        })
        .await?;
    let mut form = form.into_inner();
    form.company_id = need.company_id.to_string();
    let input = match form.validate(&rules) {
        Ok(input) => input,
        Err(errors) => {
            let refused = Refused::invalid(errors);
            return form_page(
                &req,
                &state,
                &user,
                company,
                Some(id),
                form,
                &rules,
                refused,
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
        Ok(need) => Ok(redirect_with_flash(
            &state,
            &format!("/needs/{}", need.id),
            "ok",
            "Behovet er gemt.",
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

/// Records a need, with its audit rows (the request it came from, if any, is answered).
pub fn add(c: &mut DbConn, actor: &Actor, input: &NeedInput) -> Result<Need, WriteError> {
    let need = Need::create(c, actor.jobcenter_id, actor.user_id, input, actor.now)?;
    let what = format!(
        "{} × {} hos virksomhed #{}",
        need.positions, need.title, need.company_id
    );
    actor.record(c, action::NEED_CREATED, "need", Some(need.id), what)?;
    if let Some(rid) = need.request_id {
        let what = "med et rekrutteringsbehov".to_string();
        actor.record(
            c,
            action::REQUEST_ANSWERED,
            "contact_request",
            Some(rid),
            what,
        )?;
    }
    Ok(need)
}

/// Saves an edit of a need made on `version`, with its audit row.
pub fn change(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &NeedInput,
) -> Result<Need, WriteError> {
    let need = Need::update(c, actor.jobcenter_id, id, version, input, actor.now)?;
    actor.record(
        c,
        action::NEED_UPDATED,
        "need",
        Some(id),
        need.title.clone(),
    )?;
    Ok(need)
}

/// Moves a need to `status` as of `on`, from `version`, with its audit row.
pub fn move_to(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    status: NeedStatus,
    on: NaiveDate,
) -> Result<Need, WriteError> {
    let jc = actor.jobcenter_id;
    let need = Need::set_status(c, jc, id, version, status, on, actor.user_id, actor.now)?;
    let what = format!("{} pr. {}", status.label(), dates::dk_date(on));
    actor.record(c, action::NEED_STATUS_CHANGED, "need", Some(id), what)?;
    Ok(need)
}

/// Adds a referral to a need, or changes one (`target`: its id and the version the change is
/// based on), with the audit rows of it and of the placement a hire may start.
pub fn refer(
    c: &mut DbConn,
    actor: &Actor,
    need: &Need,
    target: Option<(i64, i32)>,
    input: &ReferralInput,
) -> Result<Referral, WriteError> {
    let referral = Referral::save(c, actor.jobcenter_id, need, target, input, actor.now)?;
    let what = format!("henvisning #{}: {}", referral.id, referral.outcome.label());
    actor.record(c, action::REFERRAL_SAVED, "need", Some(need.id), what)?;
    if let Some(pid) = referral.placement_id.filter(|_| input.start_placement) {
        let what = format!("fra rekrutteringsbehov #{}", need.id);
        actor.record(c, action::PLACEMENT_CREATED, "placement", Some(pid), what)?;
    }
    Ok(referral)
}

// --- A need's page: history, referrals, status ------------------------------------------------

#[get("/needs/{id:\\d+}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let jc = user.jobcenter_id;
    // Its referrals name citizens by case reference: a look is logged, as a placement's is.
    state.db.run(move |c| Ok(Need::find(c, jc, id)?)).await?;
    super::access_log::record(
        &state,
        &user,
        AccessKind::View,
        Some((AccessEntity::Need, id)),
        "",
    )
    .await?;
    let referral = ReferralForm {
        user_id: user.id.to_string(),
        referred_on: local_date(state.now()).to_string(),
        outcome: ReferralOutcome::Sent.as_str().into(),
        ..Default::default()
    };
    let status = StatusForm {
        happened_on: local_date(state.now()).to_string(),
        ..Default::default()
    };
    need_page(&req, &state, &user, id, referral, status, Refused::none()).await
}

/// The status form: the new status and the day it happened.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
    happened_on: String,
    version: String,
}

async fn need_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    referral: ReferralForm,
    status: StatusForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let (need, company, owner, contact, history, referrals) = state
        .db
        .run(move |c| {
            let need = Need::find(c, jc, id)?;
            let company = Company::find(c, jc, need.company_id)?;
            let owner = crate::models::user::User::find(c, jc, need.user_id)?.name;
            let contact = match need.contact_person_id {
                Some(pid) => ContactPerson::find(c, jc, need.company_id, pid)
                    .ok()
                    .map(|p| p.name),
                None => None,
            };
            let history = Need::history(c, id)?;
            let referrals = Referral::of_need(c, jc, id)?;
            Ok((need, company, owner, contact, history, referrals))
        })
        .await?;
    let staff = staff_choices(state, jc, "").await?;
    let hired = referrals
        .iter()
        .filter(|(r, _)| r.outcome == ReferralOutcome::Hired)
        .count();
    Page::new(req)
        .refused(&refused)
        .render(state, |l| NeedPage {
            l,
            // A status form sent back keeps the version it was sent with, so a colleague's
            // change in between is still caught when it is sent again.
            status_form: StatusForm {
                version: if status.version.is_empty() {
                    need.version.to_string()
                } else {
                    status.version.clone()
                },
                ..status
            },
            need,
            company,
            owner,
            contact,
            history,
            referrals,
            hired,
            referral,
            staff,
            statuses: NeedStatus::choices(),
            outcomes: ReferralOutcome::choices(),
        })
}

#[derive(askama::Template)]
#[template(path = "needs/show.html")]
struct NeedPage {
    l: Layout,
    need: Need,
    company: Company,
    owner: String,
    contact: Option<String>,
    history: Vec<NeedEvent>,
    referrals: Vec<(Referral, String)>,
    /// Referrals that ended in a hire.
    hired: usize,
    /// The new referral's form (as typed, when it came back).
    referral: ReferralForm,
    status_form: StatusForm,
    staff: Vec<Choice>,
    statuses: Vec<Choice>,
    outcomes: Vec<Choice>,
}

#[post("/needs/{id:\\d+}/status")]
pub async fn set_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let status = NeedStatus::parse(form.status.trim());
    if status.is_none() {
        errors.insert("status", "Vælg den nye status.".into());
    }
    let on = dates::parse_date(&form.happened_on);
    if on.is_none() {
        errors.insert("happened_on", "Skriv datoen, fx 04-12-2026.".into());
    }
    let (Some(status), Some(on)) = (status, on) else {
        let referral = blank_referral(&state, &user);
        let refused = Refused::invalid(errors);
        return need_page(&req, &state, &user, id, referral, form, refused).await;
    };
    let version = form.version.trim().parse::<i32>().unwrap_or(-1);
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            move_to(c, actor, id, version, status, on)
        })
        .await?;
    match result {
        Ok(need) => Ok(redirect_with_flash(
            &state,
            &format!("/needs/{}", need.id),
            "ok",
            &format!("Behovet er nu: {}.", need.status.label().to_lowercase()),
        )),
        Err(refused) if refused.is_stale() => Ok(redirect_with_flash(
            &state,
            &format!("/needs/{id}"),
            "error",
            &refused.message(),
        )),
        Err(refused) => {
            let referral = blank_referral(&state, &user);
            need_page(&req, &state, &user, id, referral, form, refused).await
        }
    }
}

/// The addresses the need page's forms are sent to, opened (a form shown again with its
/// errors there, then reloaded, or the page to come back to after signing in): the need's page.
#[routes]
#[get("/needs/{id:\\d+}/status")]
#[get("/needs/{id:\\d+}/referrals")]
pub async fn back_to_need(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let need = state.db.read(move |c| Ok(Need::find(c, jc, id)?)).await?;
    Ok(super::views::redirect(&format!("/needs/{}", need.id)))
}

fn blank_referral(state: &AppState, user: &CurrentUser) -> ReferralForm {
    ReferralForm {
        user_id: user.id.to_string(),
        referred_on: local_date(state.now()).to_string(),
        ..Default::default()
    }
}

#[post("/needs/{id:\\d+}/referrals")]
pub async fn add_referral(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<ReferralForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    save_referral(req, state, user, id, None, form.into_inner()).await
}

#[get("/needs/{id:\\d+}/referrals/{rid:\\d+}")]
pub async fn referral_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, rid) = path.into_inner();
    let jc = user.jobcenter_id;
    let referral = state
        .db
        .run(move |c| Ok(Referral::find(c, jc, id, rid)?))
        .await?;
    let form = ReferralForm::from_referral(&referral);
    referral_page(&req, &state, &user, id, referral, form, Refused::none()).await
}

#[post("/needs/{id:\\d+}/referrals/{rid:\\d+}")]
pub async fn update_referral(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<ReferralForm>,
) -> Result<HttpResponse, AppError> {
    let (id, rid) = path.into_inner();
    save_referral(req, state, user, id, Some(rid), form.into_inner()).await
}

/// Adds a referral (`rid` none) or changes one; a form with errors comes back where it was
/// typed: the need's page for a new one, the referral's own page for a change.
async fn save_referral(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    rid: Option<i64>,
    form: ReferralForm,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let (need, existing) = state
        .db
        .run(move |c| {
            let need = Need::find(c, jc, id)?;
            let existing = match rid {
                Some(rid) => Some(Referral::find(c, jc, id, rid)?),
                None => None,
            };
            Ok((need, existing))
        })
        .await?;
    let back = |refused: Refused| {
        let (req, state, user, form, existing) =
            (&req, &state, &user, form.clone(), existing.clone());
        async move {
            match existing {
                Some(r) => referral_page(req, state, user, id, r, form, refused).await,
                None => {
                    let status = StatusForm {
                        happened_on: local_date(state.now()).to_string(),
                        ..Default::default()
                    };
                    need_page(req, state, user, id, form, status, refused).await
                }
            }
        }
    };
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return back(Refused::invalid(errors)).await,
    };
    let version = existing
        .as_ref()
        .map(|_| form.version.trim().parse::<i32>().unwrap_or(-1));
    let actor = user.actor(&req, &state);
    let started = input.start_placement;
    let result = state
        .write(actor, move |c, actor| {
            refer(c, actor, &need, rid.zip(version), &input)
        })
        .await?;
    match result {
        Ok(referral) => {
            let message = match (started, referral.placement_id) {
                (true, Some(_)) => "Henvisningen er gemt, og forløbet er oprettet.",
                _ => "Henvisningen er gemt.",
            };
            Ok(redirect_with_flash(
                &state,
                &format!("/needs/{id}#referrals"),
                "ok",
                message,
            ))
        }
        Err(refused) => back(refused).await,
    }
}

async fn referral_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    need_id: i64,
    referral: Referral,
    form: ReferralForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let need = state
        .db
        .run(move |c| Ok(Need::find(c, jc, need_id)?))
        .await?;
    let staff = staff_choices(state, jc, &form.user_id).await?;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| ReferralPage {
            l,
            need,
            referral,
            form,
            staff,
            outcomes: ReferralOutcome::choices(),
        })
}

#[derive(askama::Template)]
#[template(path = "needs/referral.html")]
struct ReferralPage {
    l: Layout,
    need: Need,
    referral: Referral,
    form: ReferralForm,
    staff: Vec<Choice>,
    outcomes: Vec<Choice>,
}

// --- The list -------------------------------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ListParams {
    /// "" (open and in progress), "all", or one status.
    status: String,
    kind: String,
    consultant: String,
    company: String,
    postcode: String,
    min_hours: String,
    max_hours: String,
    deadline_by: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    after: String,
}

impl ListParams {
    fn query(&self, errors: &mut FieldErrors) -> NeedQuery {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let mut hours = |field: &'static str, value: &str| match value.trim() {
            "" => None,
            v => csv_io::parse_decimal(v).or_else(|| {
                errors.insert(field, "Skriv et antal timer, fx 20 eller 12,5.".into());
                None
            }),
        };
        let min_hours = hours("min_hours", &self.min_hours);
        let max_hours = hours("max_hours", &self.max_hours);
        let deadline_by = match self.deadline_by.trim() {
            "" => None,
            v => dates::parse_date(v).or_else(|| {
                errors.insert("deadline_by", "Skriv en gyldig dato, fx 31-01-2027.".into());
                None
            }),
        };
        let status = NeedStatus::parse(self.status.trim());
        NeedQuery {
            open_only: self.status.trim().is_empty(),
            status,
            kind: NeedKind::parse(self.kind.trim()),
            company_id: self.company.trim().parse().ok(),
            user_id: self.consultant.trim().parse().ok(),
            postcode: some(&self.postcode),
            min_hours,
            max_hours,
            deadline_by,
        }
    }

    /// The filter as a query string, for page links and the export.
    fn filter_query(&self) -> String {
        let mut plain = self.clone();
        plain.after.clear();
        serde_html_form::to_string(&plain).unwrap_or_default()
    }
}

#[get("/needs")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.into_inner();
    let mut errors = FieldErrors::new();
    let query = params.query(&mut errors);
    let after = NeedCursor::decode(&params.after);
    let jc = user.jobcenter_id;
    let mut rows = state
        .db
        .run(move |c| Ok(Need::list(c, jc, &query, after, PAGE_SIZE + 1)?))
        .await?;
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| {
            let cursor = NeedCursor {
                deadline_key: crate::models::need::deadline_key(r.need.deadline_on),
                id: r.need.id,
            };
            format!(
                "/needs?{}&after={}",
                params.filter_query(),
                url_encode(&cursor.encode())
            )
        })
    } else {
        None
    };
    let staff = staff_choices(&state, jc, "").await?;
    let mut statuses = vec![Choice {
        value: "all".into(),
        label: "Alle, også lukkede".into(),
    }];
    statuses.extend(NeedStatus::choices());
    let export_url = format!("/needs.csv?{}", params.filter_query());
    let page = Page::new(&req);
    let page = if errors.is_empty() {
        page
    } else {
        page.invalid(&errors)
    };
    page.render(&state, |l| ListPage {
        l,
        rows,
        next,
        first_page: params.after.is_empty(),
        params,
        kinds: NeedKind::choices(),
        statuses,
        staff,
        export_url,
        can_export: user.is_manager(),
    })
}

#[derive(askama::Template)]
#[template(path = "needs/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<NeedRow>,
    next: Option<String>,
    first_page: bool,
    params: ListParams,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    staff: Vec<Choice>,
    export_url: String,
    can_export: bool,
}

/// The list as a CSV file for Danish Excel (managers, like the other exports).
#[get("/needs.csv")]
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let actor = user.actor(&req, &state);
    let filename = format!("rekrutteringsbehov-{}.csv", actor.now.format("%Y-%m-%d"));
    if is_head(&req) {
        return Ok(csv_response(filename, Vec::new()));
    }
    let mut errors = FieldErrors::new();
    let query = params.query(&mut errors);
    let filter = params.filter_query();
    super::access_log::record(
        &state,
        &user,
        AccessKind::Export,
        None,
        &format!("rekrutteringsbehov {filter}"),
    )
    .await?;
    let jc = user.jobcenter_id;
    let csv = state
        .db
        .run(move |c| {
            let rows = Need::list(c, jc, &query, None, EXPORT_LIMIT)?;
            let date = |d: Option<chrono::NaiveDate>| d.map(dates::dk_date).unwrap_or_default();
            let csv = csv_io::write_excel_csv(
                &[
                    "Virksomhed",
                    "Postnummer",
                    "Stilling",
                    "Antal",
                    "Timer om ugen",
                    "Type",
                    "Start",
                    "Frist",
                    "Status",
                    "Modtaget",
                    "Lukket",
                    "Jobnet-jobordre",
                    "Konsulent",
                ],
                rows.iter().map(|r| {
                    let n = &r.need;
                    vec![
                        r.company_name.clone(),
                        r.postcode.clone(),
                        n.title.clone(),
                        n.positions.to_string(),
                        format_hours(n.hours_per_week),
                        n.kind.label().to_string(),
                        date(n.start_on),
                        date(n.deadline_on),
                        n.status.label().to_string(),
                        dates::dk_date(n.received_on),
                        date(n.closed_on),
                        n.jobnet_ref.clone(),
                        r.user_name.clone(),
                    ]
                }),
            );
            actor.record(
                c,
                action::NEEDS_EXPORTED,
                "need",
                None,
                format!("{} behov, filter: {filter}", rows.len()),
            )?;
            Ok(csv)
        })
        .await?;
    Ok(csv_response(filename, csv))
}
