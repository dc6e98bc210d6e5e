//! The company register: list and search, create, show, edit, delete, contact persons, and CSV
//! import and export.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::access_log;
use super::auth::{CurrentUser, Manager, SessionCookie};
use super::forms::{Refused, newer_values};
use super::security::is_head;
use super::views::{
    Choice, Layout, Page, active_choices, csv_response, dk_datetime, filters, redirect_with_flash,
    staff_choices,
};
use crate::db::DbConn;
use crate::domain::dates::dk_date;
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::activity::{Activity, ActivityQuery, ActivityRow};
use crate::models::audit::Actor;
use crate::models::audit::action;
use crate::models::company::{
    Company, CompanyForm, CompanyInput, CompanyQuery, CompanySort, CompanyStatus, Cursor,
    EmployeeBand,
};
use crate::models::company_import::{self};
use crate::models::company_merge::CompanyMerge;
use crate::models::contact_person::ContactPerson;
use crate::models::need::{Need, Referral};
use crate::models::overview::quiet_since;
use crate::models::placement::{Placement, PlacementQuery, PlacementRow};
use crate::models::user::{Role, User};
use crate::models::visit_summary::VisitSummary;
use crate::models::{cluster, population};
use diesel::OptionalExtension;

const PAGE_SIZE: i64 = 25;
/// Activities and placements shown on the company page; the rest are a link away.
const TIMELINE_SIZE: i64 = 30;

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ListParams {
    q: String,
    status: String,
    fixed_contact: String,
    industry: String,
    postcode: String,
    employees: String,
    sort: String,
    mine: String,
    /// "12": only companies with no contact for twelve months.
    quiet: String,
    /// "1": only companies a neighbour in the jobcenter's clusters knows too.
    neighbour: String,
    after: String,
}

impl ListParams {
    /// The search these parameters ask for; `partners` are the jobcenters the neighbour filter
    /// looks in (`cluster::partners`).
    fn query(
        &self,
        user: &CurrentUser,
        today: NaiveDate,
        partners: &[(i64, String)],
    ) -> CompanyQuery {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let known_by =
            (self.neighbour == "1").then(|| partners.iter().map(|(id, _)| *id).collect());
        CompanyQuery {
            text: some(&self.q),
            status: CompanyStatus::parse(self.status.trim()),
            fixed_contact_id: if self.mine == "1" {
                Some(user.id)
            } else {
                self.fixed_contact.trim().parse().ok()
            },
            industry: some(&self.industry),
            postcode: some(&self.postcode),
            min_employees: EmployeeBand::parse(self.employees.trim()),
            no_contact_since: (self.quiet == "12").then(|| quiet_since(today)),
            known_by,
            sort: if self.sort == "last_contact" {
                CompanySort::LastContact
            } else {
                CompanySort::Name
            },
        }
    }

    /// The same filter as a query string, without the page position.
    /// Search text or a filter is given (the list is a search, not the register's first page).
    fn is_search(&self) -> bool {
        !self.q.trim().is_empty() || self.mine == "1" || self.filters_used()
    }

    fn filters_used(&self) -> bool {
        [
            &self.status,
            &self.fixed_contact,
            &self.industry,
            &self.postcode,
            &self.employees,
            &self.quiet,
            &self.neighbour,
        ]
        .iter()
        .any(|s| !s.trim().is_empty())
    }

    fn filter_query(&self) -> String {
        let mut params = self.clone();
        params.after.clear();
        serde_html_form::to_string(&params)
            .unwrap_or_default()
            .split('&')
            .filter(|kv| !kv.ends_with('='))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What a row of the company list shows.
struct ListRow {
    id: i64,
    name: String,
    p_number: Option<String>,
    cvr: String,
    postcode: String,
    city: String,
    status_label: &'static str,
    fixed_contact_name: Option<String>,
    last_contact: Option<String>,
    /// The CVR's word that the unit has ceased, and its advertising protection.
    ceased: Option<String>,
    protected: bool,
}

#[get("/companies")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.into_inner();
    let after = Cursor::decode(&params.after);
    let p = params.clone();
    let today = super::views::local_date(state.now());
    let searched = params.is_search();
    let (user, (page, roster, matched, official, in_cluster)) = session
        .open_to_readers()
        .run(&state, move |c, user| {
            let jc = user.jobcenter_id;
            let partners = cluster::partners(c, jc)?;
            let query = p.query(user, today, &partners);
            let matched = if searched {
                Some(Company::count_matching(c, jc, &query, COUNT_CAP)?)
            } else {
                None
            };
            let page = Company::search(c, jc, &query, after.as_ref(), PAGE_SIZE)?;
            let keys: Vec<(i64, &str, Option<&str>)> = page
                .companies
                .iter()
                .map(|co| (co.id, co.cvr.as_str(), co.p_number.as_deref()))
                .collect();
            let official = population::of_companies(c, jc, &keys)?;
            let in_cluster = !partners.is_empty();
            Ok((page, User::roster(c, jc)?, matched, official, in_cluster))
        })
        .await?;
    // A search is a look at the register; paging on through it is the same search.
    if !params.q.trim().is_empty() && params.after.is_empty() {
        access_log::record(&state, &user, AccessKind::Search, None, params.q.trim()).await?;
    }
    let name_of = |id: i64| roster.iter().find(|u| u.id == id).map(|u| u.name.clone());
    let rows: Vec<ListRow> = page
        .companies
        .into_iter()
        .map(|company| ListRow {
            ceased: official
                .get(&company.id)
                .and_then(population::Official::ceased),
            protected: official
                .get(&company.id)
                .is_some_and(|o| o.unit.advertising_protected),
            status_label: company.status.label(),
            fixed_contact_name: company.fixed_contact_id.and_then(name_of),
            last_contact: company.last_contact_on.map(dk_date),
            id: company.id,
            name: company.name,
            p_number: company.p_number,
            cvr: company.cvr,
            postcode: company.postcode,
            city: company.city,
        })
        .collect();
    let staff = active_choices(&roster);
    let filter_query = params.filter_query();
    let next_url = page.next.map(|cur| {
        let sep = if filter_query.is_empty() { "" } else { "&" };
        format!("/companies?{filter_query}{sep}after={}", cur.encode())
    });
    let with_filter = |path: &str| super::views::with_query(path, &filter_query);
    let can_import_export = user.role >= Role::Manager;
    Page::new(&req).render(&state, |l| ListPage {
        l,
        rows,
        statuses: CompanyStatus::choices(),
        employee_bands: EmployeeBand::choices(),
        staff,
        next_url,
        export_url: with_filter("/companies.csv"),
        first_url: with_filter("/companies"),
        first_page: params.after.is_empty(),
        can_import_export,
        in_cluster,
        filters_open: params.filters_used() || params.sort == "last_contact",
        matched: matched.map(|n| {
            if n > COUNT_CAP {
                format!("Over {}", super::dashboard::thousands(COUNT_CAP))
            } else {
                super::dashboard::thousands(n)
            }
        }),
        params,
    })
}

/// Matches counted for a search; beyond it the page says "Over 100". Counting reads up to this
/// many matches besides the page's own: with a cap of 1,000 the search of the benchmark's large
/// register answered 190 requests a second instead of 1,058 (bench/RESULTS.md, 2026-12-04).
const COUNT_CAP: i64 = 100;

#[derive(askama::Template)]
#[template(path = "companies/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ListRow>,
    /// How many matched a search ("37", "Over 1.000"); none when nothing is searched for.
    matched: Option<String>,
    /// A filter beyond the search text is set: the folded filters are shown open.
    filters_open: bool,
    params: ListParams,
    statuses: Vec<Choice>,
    employee_bands: Vec<Choice>,
    staff: Vec<Choice>,
    next_url: Option<String>,
    export_url: String,
    first_url: String,
    first_page: bool,
    can_import_export: bool,
    /// The jobcenter shares a cluster with a neighbour: the neighbour filter is offered.
    in_cluster: bool,
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    form: CompanyForm,
    company: Option<Company>,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let staff = staff_choices(state, user.jobcenter_id, &form.fixed_contact_id).await?;
    let duplicate_id = refused.duplicate_of;
    // Refused as stale: what a colleague saved meanwhile, read as it is now.
    let newer = match (&company, refused.is_stale()) {
        (Some(company), true) => {
            let (jc, id) = (user.jobcenter_id, company.id);
            let saved = state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
            let saved = CompanyForm::from_company(&saved);
            Some(newer_values(
                &form,
                &saved,
                COMPANY_FIELDS,
                |field, value| match field {
                    "status" => CompanyStatus::parse(value).map(|s| s.label().to_string()),
                    "employees" => EmployeeBand::parse(value).map(|b| b.label().to_string()),
                    "fixed_contact_id" => staff
                        .iter()
                        .find(|s| s.value == value)
                        .map(|s| s.label.clone()),
                    _ => None,
                },
            ))
        }
        _ => None,
    };
    let reload = company
        .as_ref()
        .map(|c| format!("/companies/{}/edit", c.id))
        .unwrap_or_default();
    Page::new(req)
        .refused(&refused)
        .render(state, |l| FormPage {
            l,
            form,
            company,
            statuses: CompanyStatus::choices(),
            employee_bands: EmployeeBand::choices(),
            staff,
            duplicate_id,
            newer,
            reload,
        })
}

/// The fields of the company form as a stale save compares them.
const COMPANY_FIELDS: &[(&str, &str)] = &[
    ("cvr", "CVR-nummer"),
    ("p_number", "P-nummer"),
    ("name", "Navn"),
    ("address", "Adresse"),
    ("postcode", "Postnummer"),
    ("city", "By"),
    ("industry_code", "Branchekode (DB07)"),
    ("industry_text", "Branche"),
    ("employees", "Antal ansatte"),
    ("phone", "Telefon"),
    ("email", "E-mail"),
    ("website", "Hjemmeside"),
    ("status", "Status"),
    ("fixed_contact_id", "Fast kontakt"),
    ("notes", "Noter"),
];

#[derive(askama::Template)]
#[template(path = "companies/form.html")]
struct FormPage {
    l: Layout,
    form: CompanyForm,
    company: Option<Company>,
    statuses: Vec<Choice>,
    employee_bands: Vec<Choice>,
    staff: Vec<Choice>,
    duplicate_id: Option<i64>,
    /// After a stale save: what a colleague saved meanwhile, and where to reload.
    newer: Option<Vec<(String, String)>>,
    reload: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Prefill {
    name: String,
    cvr: String,
    email: String,
    phone: String,
}

#[get("/companies/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    prefill: web::Query<Prefill>,
) -> Result<HttpResponse, AppError> {
    let form = CompanyForm {
        name: prefill.name.clone(),
        cvr: prefill.cvr.clone(),
        email: prefill.email.clone(),
        phone: prefill.phone.clone(),
        status: CompanyStatus::Prospect.as_str().into(),
        fixed_contact_id: user.id.to_string(),
        ..Default::default()
    };
    form_page(&req, &state, &user, form, None, Refused::none()).await
}

#[post("/companies")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return form_page(&req, &state, &user, form, None, Refused::invalid(errors)).await;
        }
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| add(c, actor, &input))
        .await?;
    match result {
        Ok(company) => {
            // A neighbour in the cluster may know it already: say so at once.
            let (jc, cvr, p) = (
                user.jobcenter_id,
                company.cvr.clone(),
                company.p_number.clone(),
            );
            // The company is saved: a failed look-up leaves the message plain.
            let known = state
                .db
                .read(move |c| Ok(cluster::known_by_partners(c, jc, &cvr, p.as_deref())?))
                .await
                .unwrap_or_default();
            let mut message = format!("{} er oprettet.", company.name);
            for k in known {
                message.push_str(&format!(
                    " {} kender allerede denne virksomhed — fast kontakt: {}.",
                    k.jobcenter,
                    k.fixed_contact
                        .map_or("ingen".to_string(), |(name, ..)| name)
                ));
            }
            Ok(redirect_with_flash(
                &state,
                &format!("/companies/{}", company.id),
                "ok",
                &message,
            ))
        }
        Err(refused) => form_page(&req, &state, &user, form, None, refused).await,
    }
}

#[get("/companies/{id:\\d+}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (user, loaded) = session
        .open_to_readers()
        .run(&state, move |c, user| {
            let jc = user.jobcenter_id;
            let Some(company) = Company::find(c, jc, id).optional()? else {
                // A company merged into another: its address leads there.
                return Ok(Err(CompanyMerge::survivor_of(c, jc, id)?));
            };
            let contact_name = match company.fixed_contact_id {
                Some(uid) => Some(User::find(c, jc, uid)?.name),
                None => None,
            };
            let contacts = ContactPerson::current(c, jc, id)?;
            let former = ContactPerson::former(c, jc, id)?;
            let by_company = ActivityQuery {
                company_id: Some(id),
                ..Default::default()
            };
            let activities = Activity::list(c, jc, &by_company, None, TIMELINE_SIZE + 1)?;
            let placements = Placement::list(
                c,
                jc,
                &PlacementQuery {
                    company_id: Some(id),
                    ..Default::default()
                },
                None,
                TIMELINE_SIZE + 1,
            )?;
            let needs = Need::of_company(c, jc, id, TIMELINE_SIZE + 1)?;
            let ids: Vec<i64> = activities.iter().map(|a| a.activity.id).collect();
            let sent = VisitSummary::of_activities(c, jc, &ids)?;
            let merges = CompanyMerge::into_company(c, jc, id)?;
            let staff: HashMap<i64, String> = if merges.is_empty() {
                HashMap::new()
            } else {
                User::roster(c, jc)?
                    .into_iter()
                    .map(|u| (u.id, u.name))
                    .collect()
            };
            let merged = super::company_merge::merge_lines(&merges, &staff);
            let official = population::of_companies(
                c,
                jc,
                &[(
                    company.id,
                    company.cvr.as_str(),
                    company.p_number.as_deref(),
                )],
            )?
            .remove(&company.id);
            let known_nearby =
                cluster::known_by_partners(c, jc, &company.cvr, company.p_number.as_deref())?;
            Ok(Ok(Loaded {
                company,
                contact_name,
                contacts,
                former,
                activities,
                placements,
                needs,
                sent,
                merged,
                official,
                known_nearby,
            }))
        })
        .await?;
    let Loaded {
        mut company,
        contact_name,
        contacts,
        former,
        mut activities,
        mut placements,
        mut needs,
        mut sent,
        merged,
        official,
        known_nearby,
    } = match loaded {
        Ok(page) => page,
        Err(Some(survivor)) => {
            return Ok(super::views::redirect(&format!("/companies/{survivor}")));
        }
        Err(None) => return Err(AppError::NotFound),
    };
    access_log::record(
        &state,
        &user,
        AccessKind::View,
        Some((AccessEntity::Company, id)),
        "",
    )
    .await?;
    let more_activities = activities.len() as i64 > TIMELINE_SIZE;
    let more_placements = placements.len() as i64 > TIMELINE_SIZE;
    let more_needs = needs.len() as i64 > TIMELINE_SIZE;
    activities.truncate(TIMELINE_SIZE as usize);
    placements.truncate(TIMELINE_SIZE as usize);
    needs.truncate(TIMELINE_SIZE as usize);
    // A reader sees when and how the jobcenter met the company, not what was written about it
    // nor which citizens' cases it concerns.
    if !user.can_write() {
        company.notes.clear();
        for a in &mut activities {
            a.activity.summary.clear();
            a.activity.follow_up_note.clear();
        }
        for p in &mut placements {
            p.placement.citizen_ref.clear();
            p.placement.note.clear();
        }
        for r in needs.iter_mut().flat_map(|(_, refs)| refs) {
            r.citizen_ref.clear();
        }
        sent.clear();
    }
    Page::new(&req).render(&state, |l| ShowPage {
        l,
        status_label: company.status.label(),
        employees_label: company.employees.map(EmployeeBand::label),
        fixed_contact_name: contact_name,
        last_contact: company.last_contact_on.map(dk_date),
        c: company,
        contacts,
        former_contacts: former,
        activities,
        more_activities,
        placements,
        more_placements,
        needs,
        more_needs,
        summaries: sent
            .into_iter()
            .map(|s| {
                let line = format!(
                    "Opsummering sendt til {} {}{}",
                    s.to_address,
                    dk_datetime(s.sent_at),
                    s.user_name.map(|n| format!(" af {n}")).unwrap_or_default()
                );
                (s.activity_id, line)
            })
            .collect(),
        merged,
        official,
        known_nearby,
        user_id: user.id,
        can_edit_all: user.role >= Role::Manager,
        can_delete: user.role >= Role::Manager,
    })
}

/// What the company page reads in its one database call.
struct Loaded {
    company: Company,
    contact_name: Option<String>,
    contacts: Vec<ContactPerson>,
    former: Vec<ContactPerson>,
    activities: Vec<ActivityRow>,
    placements: Vec<PlacementRow>,
    needs: Vec<(Need, Vec<Referral>)>,
    sent: Vec<crate::models::visit_summary::SentSummary>,
    merged: Vec<String>,
    official: Option<population::Official>,
    known_nearby: Vec<cluster::KnownByPartner>,
}

#[derive(askama::Template)]
#[template(path = "companies/show.html")]
struct ShowPage {
    l: Layout,
    c: Company,
    status_label: &'static str,
    employees_label: Option<&'static str>,
    fixed_contact_name: Option<String>,
    last_contact: Option<String>,
    contacts: Vec<ContactPerson>,
    former_contacts: Vec<ContactPerson>,
    activities: Vec<ActivityRow>,
    more_activities: bool,
    placements: Vec<PlacementRow>,
    more_placements: bool,
    /// Its recruitment needs, newest first, each with its referrals.
    needs: Vec<(Need, Vec<Referral>)>,
    more_needs: bool,
    /// Summaries sent to the company, by the activity they summarise.
    summaries: Vec<(i64, String)>,
    /// The duplicates merged into it, as lines to read.
    merged: Vec<String>,
    /// What the municipality's CVR extract says of it.
    official: Option<population::Official>,
    /// The cluster's partners that know it too (`models::cluster`).
    known_nearby: Vec<cluster::KnownByPartner>,
    /// The viewer, who may change their own activities, or all of them as a manager.
    user_id: i64,
    can_edit_all: bool,
    can_delete: bool,
}

#[get("/companies/{id:\\d+}/edit")]
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let jc = user.jobcenter_id;
    let company = state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
    let form = CompanyForm::from_company(&company);
    form_page(&req, &state, &user, form, Some(company), Refused::none()).await
}

#[post("/companies/{id:\\d+}/edit")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    let jc = user.jobcenter_id;
    let current = state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &req,
                &state,
                &user,
                form,
                Some(current),
                Refused::invalid(errors),
            )
            .await;
        }
    };
    let Ok(version) = form.version.trim().parse::<i32>() else {
        return Err(AppError::Validation(
            "Formularen mangler versionsnummer. Genindlæs siden.".into(),
        ));
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| change(c, actor, id, version, &input))
        .await?;
    match result {
        Ok((company, changed)) => {
            let message = if changed.is_empty() {
                "Ingen ændringer at gemme.".to_string()
            } else {
                format!("Ændringerne af {} er gemt.", company.name)
            };
            Ok(redirect_with_flash(
                &state,
                &format!("/companies/{id}"),
                "ok",
                &message,
            ))
        }
        Err(refused) => form_page(&req, &state, &user, form, Some(current), refused).await,
    }
}

#[post("/companies/{id:\\d+}/delete")]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| remove(c, actor, id))
        .await?;
    Ok(match result {
        Ok(company) => redirect_with_flash(
            &state,
            "/companies",
            "ok",
            &format!("{} er slettet.", company.name),
        ),
        Err(refused) => redirect_with_flash(
            &state,
            &format!("/companies/{id}"),
            "error",
            &refused.message(),
        ),
    })
}

// --- The writes, as the pages and the API make them -------------------------------------------

/// Adds a company to the actor's jobcenter, with its audit row.
pub fn add(c: &mut DbConn, actor: &Actor, input: &CompanyInput) -> Result<Company, WriteError> {
    let company = Company::insert(c, actor.jobcenter_id, input, actor.now)?;
    actor.record(
        c,
        action::COMPANY_CREATED,
        "company",
        Some(company.id),
        format!("{} (CVR {})", company.name, company.cvr),
    )?;
    Ok(company)
}

/// Saves an edit made on `version`, with an audit row naming the changed fields.
pub fn change(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &CompanyInput,
) -> Result<(Company, Vec<&'static str>), WriteError> {
    let (company, changed) = Company::update(c, actor.jobcenter_id, id, version, input, actor.now)?;
    if !changed.is_empty() {
        actor.record(
            c,
            action::COMPANY_UPDATED,
            "company",
            Some(id),
            format!("Ændrede felter: {}", changed.join(", ")),
        )?;
    }
    Ok((company, changed))
}

/// Deletes a company without history (`Company::delete`), with its audit row.
pub fn remove(c: &mut DbConn, actor: &Actor, id: i64) -> Result<Company, WriteError> {
    let company = Company::delete(c, actor.jobcenter_id, id)?;
    actor.record(
        c,
        action::COMPANY_DELETED,
        "company",
        Some(id),
        format!("{} (CVR {})", company.name, company.cvr),
    )?;
    Ok(company)
}

// --- Export -----------------------------------------------------------------------------------

/// The register as CSV, for managers and admins (SPEC §2).
#[get("/companies.csv")]
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let today = super::views::local_date(state.now());
    let actor = user.actor(&req, &state);
    let filename = format!("virksomheder-{}.csv", actor.now.format("%Y-%m-%d"));
    if is_head(&req) {
        return Ok(csv_response(filename, Vec::new()));
    }
    let filter = params.filter_query();
    let jc = user.jobcenter_id;
    let what = format!("virksomhedsregistret {}", params.filter_query());
    access_log::record(&state, &user, AccessKind::Export, None, what.trim()).await?;
    let csv = state
        .db
        .run(move |c| {
            let partners = cluster::partners(c, jc)?;
            let query = params.query(&user, today, &partners);
            let rows = Company::export(c, jc, &query)?;
            let csv = company_import::export_csv(c, jc, &rows)?;
            let details = if filter.is_empty() {
                format!("{} virksomheder", rows.len())
            } else {
                format!("{} virksomheder, filter: {filter}", rows.len())
            };
            actor.record(c, action::COMPANIES_EXPORTED, "company", None, details)?;
            Ok(csv)
        })
        .await?;
    Ok(csv_response(filename, csv))
}
