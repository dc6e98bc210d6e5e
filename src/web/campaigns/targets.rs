//! A campaign's target list: filling it (from the register or a list of CVR numbers), splitting it
//! between the consultants, one company's page on it, and its export.

use super::{ConsultantChoice, ListPlace, TargetFilter, viewable, viewable_in};
use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::db::DbConn;
use crate::domain::{csv_io, cvr, dates};
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::audit::{Actor, action};
use crate::models::campaign::{
    AddReport, Campaign, CampaignTarget, TargetListFilter, TargetStatus,
};
use crate::models::company::{Company, CompanyQuery, CompanyStatus, EmployeeBand};
use crate::models::user::{Role, User};
use crate::web::AppState;
use crate::web::access_log;
use crate::web::auth::{CurrentUser, Manager, SessionCookie};
use crate::web::forms::back_with_message;
use crate::web::security::is_head;
use crate::web::views::{
    Choice, FieldErrors, Layout, Page, csv_response, filters, redirect_with_flash,
};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AddParams {
    q: String,
    status: String,
    postcode: String,
    industry: String,
    employees: String,
    /// "contact": those not contacted for longest first (never first); else by name.
    order: String,
}

impl AddParams {
    fn query(&self) -> CompanyQuery {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        CompanyQuery {
            text: some(&self.q),
            status: CompanyStatus::parse(self.status.trim()),
            industry: some(&self.industry),
            postcode: some(&self.postcode),
            min_employees: EmployeeBand::parse(self.employees.trim()),
            ..Default::default()
        }
    }

    fn by_contact(&self) -> bool {
        self.order == "contact"
    }

    /// Every company found, in the order the page shows them.
    fn find(&self, c: &mut crate::db::DbConn, jobcenter_id: i64) -> Result<Vec<Company>, AppError> {
        let query = self.query();
        Ok(if self.by_contact() {
            Company::longest_since_contact(c, jobcenter_id, &query)?
        } else {
            Company::export(c, jobcenter_id, &query)?
        })
    }
}

const ADD_LIMIT: usize = 2000;

/// Companies found that the add page lists to tick one by one.
const ADD_SHOWN: usize = 200;

/// Which of the companies found go on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// Those ticked one by one.
    Chosen,
    All,
    /// The first N in the order shown.
    First(usize),
    /// N drawn at random from all found.
    Random(usize),
}

/// Finds companies in the register to put on the list.
#[get("/campaigns/{id:\\d+}/targets/add")]
pub async fn add_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    params: web::Query<AddParams>,
) -> Result<HttpResponse, AppError> {
    // "Find" with every filter empty lists the whole register: the form was sent.
    let searched = !req.query_string().is_empty();
    let form = AddForm::default();
    add_page(
        &req,
        &state,
        &user,
        path.into_inner(),
        params.into_inner(),
        searched,
        form,
        FieldErrors::new(),
    )
    .await
}

/// The add page: the search, what it found, and (sent back) the choice with its errors.
#[allow(clippy::too_many_arguments)]
async fn add_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    params: AddParams,
    searched: bool,
    form: AddForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let p = params.clone();
    let (campaign, companies, total, elsewhere) = state
        .db
        .run(move |c| {
            let campaign = Campaign::find(c, jc, id)?;
            let mut found = if searched { p.find(c, jc)? } else { Vec::new() };
            let total = found.len();
            found.truncate(ADD_SHOWN);
            let ids: Vec<i64> = found.iter().map(|co| co.id).collect();
            let elsewhere = CampaignTarget::on_other_running(c, jc, id, &ids)?;
            Ok((campaign, found, total, elsewhere))
        })
        .await?;
    let companies = companies
        .into_iter()
        .map(|company| {
            let campaign = elsewhere
                .iter()
                .find(|(cid, _)| *cid == company.id)
                .map(|(_, name)| name.clone());
            let ticked = form.company.contains(&company.id);
            FoundCompany {
                company,
                campaign,
                ticked,
            }
        })
        .collect();
    let page = Page::new(req);
    let page = if errors.is_empty() {
        page
    } else {
        page.invalid(&errors)
    };
    page.render(state, |l| AddPage {
        l,
        campaign,
        params,
        searched,
        companies,
        total,
        limit: ADD_LIMIT,
        pick: if form.pick.is_empty() {
            "chosen".into()
        } else {
            form.pick
        },
        count: form.count,
        statuses: CompanyStatus::choices(),
        employee_bands: EmployeeBand::choices(),
        orders: [("name", "Navn"), ("contact", "Længst siden kontakt først")]
            .map(|(value, label)| Choice {
                value: value.into(),
                label: label.into(),
            })
            .to_vec(),
    })
}

#[derive(askama::Template)]
#[template(path = "campaigns/add_targets.html")]
struct AddPage {
    l: Layout,
    campaign: Campaign,
    params: AddParams,
    searched: bool,
    /// The first [`ADD_SHOWN`] companies found.
    companies: Vec<FoundCompany>,
    /// How many companies the search found.
    total: usize,
    limit: usize,
    /// The choice of which to add: "chosen", "all", "first" or "random".
    pick: String,
    /// How many, for "first" and "random", as typed.
    count: String,
    statuses: Vec<Choice>,
    employee_bands: Vec<Choice>,
    orders: Vec<Choice>,
}

/// A company found for the list, with the running campaign it is on already, if any.
struct FoundCompany {
    company: Company,
    campaign: Option<String>,
    /// Ticked when the form came back.
    ticked: bool,
}

/// The companies ticked on the add page, or which of those the search found, with the search.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddForm {
    pick: String,
    count: String,
    company: Vec<i64>,
    q: String,
    status: String,
    postcode: String,
    industry: String,
    employees: String,
    order: String,
}

impl AddForm {
    fn params(&self) -> AddParams {
        AddParams {
            q: self.q.clone(),
            status: self.status.clone(),
            postcode: self.postcode.clone(),
            industry: self.industry.clone(),
            employees: self.employees.clone(),
            order: self.order.clone(),
        }
    }

    fn pick(&self) -> Result<Pick, FieldErrors> {
        let count = || -> Result<usize, FieldErrors> {
            let refuse = |m: String| Err(FieldErrors::from([("count", m)]));
            let text = self.count.trim();
            match text.parse::<usize>() {
                _ if text.is_empty() => {
                    refuse("Skriv, hvor mange virksomheder der skal på listen.".into())
                }
                Ok(n) if (1..=ADD_LIMIT).contains(&n) => Ok(n),
                Ok(n) if n > ADD_LIMIT => refuse(format!(
                    "Højst {ADD_LIMIT} ad gangen. Tilføj resten bagefter."
                )),
                _ => refuse("Skriv antallet som et helt tal større end 0, fx 50.".into()),
            }
        };
        match self.pick.as_str() {
            "all" => Ok(Pick::All),
            "first" => Ok(Pick::First(count()?)),
            "random" => Ok(Pick::Random(count()?)),
            _ if self.company.is_empty() => Err(FieldErrors::from([(
                "pick",
                "Sæt flueben ved de virksomheder, der skal på listen, eller vælg alle, de første \
                 eller et antal tilfældigt udvalgte."
                    .to_string(),
            )])),
            _ => Ok(Pick::Chosen),
        }
    }
}

/// Adds the ticked companies, every company the search finds, the first N of them in the
/// order shown, or N of them drawn at random.
#[post("/campaigns/{id:\\d+}/targets/add")]
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let form: AddForm = serde_html_form::from_bytes(&body)
        .map_err(|_| AppError::Validation("Formularen kunne ikke læses.".into()))?;
    let pick = match form.pick() {
        Ok(pick) => pick,
        Err(errors) => {
            let params = form.params();
            return add_page(&req, &state, &user, id, params, true, form, errors).await;
        }
    };
    let params = form.params();
    // The search is read before the write, so the write lock is held only for the adding.
    let (ids, found): (Vec<i64>, usize) = if pick == Pick::Chosen {
        (form.company, 0)
    } else {
        let all: Vec<i64> = state
            .db
            .read(move |c| params.find(c, jc))
            .await?
            .into_iter()
            .map(|co| co.id)
            .collect();
        let found = all.len();
        let ids = match pick {
            Pick::First(n) => all.into_iter().take(n).collect(),
            Pick::Random(n) => {
                use rand::seq::SliceRandom;
                all.choose_multiple(&mut rand::thread_rng(), n)
                    .copied()
                    .collect()
            }
            _ => all.into_iter().take(ADD_LIMIT).collect(),
        };
        (ids, found)
    };
    let actor = user.actor(&req, &state);
    let report = state
        .write(actor, move |c, actor| {
            let how = match pick {
                Pick::Chosen => "valgt enkeltvis".to_string(),
                Pick::All => format!("alle af {found} fundne"),
                Pick::First(n) => format!("de første {n} af {found} fundne"),
                Pick::Random(n) => format!("{n} tilfældigt udvalgte af {found} fundne"),
            };
            put_on_list(c, actor, id, &ids, &how)
        })
        .await??;
    let fewer = match pick {
        Pick::First(n) | Pick::Random(n) if found < n => {
            format!(" Søgningen fandt kun {found}, så de er alle taget med.")
        }
        _ => String::new(),
    };
    Ok(redirect_with_flash(
        &state,
        &format!("/campaigns/{id}"),
        "ok",
        &format!(
            "{} virksomheder er sat på listen ({} var der i forvejen).{fewer}",
            report.added, report.already
        ),
    ))
}

/// The CVR import of a target list: a file, numbers pasted, or both.
#[derive(MultipartForm)]
pub struct CvrUpload {
    #[multipart(limit = "2MiB")]
    file: Option<Bytes>,
    #[multipart(limit = "256KiB")]
    cvrs: Option<Text<String>>,
}

/// CVR numbers in one import: a large list is a few imports, so no single one holds the
/// database for long.
pub const IMPORT_MAX_LINES: usize = 5000;
/// Targets added per write transaction of an import.
const IMPORT_BATCH: usize = 500;

/// Adds companies by their CVR numbers: a CSV file (any column headed CVR, else the first) or
/// numbers pasted one per line.
#[post("/campaigns/{id:\\d+}/targets/import")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: Result<MultipartForm<CvrUpload>, actix_web::Error>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let MultipartForm(form) = form.map_err(|_| {
        AppError::Validation("Filen kunne ikke læses. Vælg en fil på højst 2 MB.".into())
    })?;
    let mut text = form.cvrs.map(|t| t.0).unwrap_or_default();
    text.push('\n');
    if let Some(table) = form.file.and_then(|f| csv_io::read_table(&f.data).ok()) {
        let col = table
            .headers
            .iter()
            .position(|h| csv_io::normalize_header(h).starts_with("cvr"))
            .unwrap_or(0);
        for row in &table.rows {
            text.push_str(row.fields.get(col).map(String::as_str).unwrap_or(""));
            text.push('\n');
        }
    }
    let tokens: Vec<&str> = text
        .split(['\n', ';', ',', '\t'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() > IMPORT_MAX_LINES {
        return Ok(redirect_with_flash(
            &state,
            &format!("/campaigns/{id}/targets/add"),
            "error",
            &format!(
                "Listen har {} linjer. Del den op: der kan højst være {} CVR-numre ad gangen.",
                tokens.len(),
                IMPORT_MAX_LINES
            ),
        ));
    }
    let mut valid = std::collections::BTreeSet::new();
    let mut invalid = 0;
    for token in tokens {
        match cvr::normalize_cvr(token) {
            Ok(n) => {
                valid.insert(n);
            }
            Err(_) => invalid += 1,
        }
    }
    let valid: Vec<String> = valid.into_iter().collect();
    // Looked up in batches outside any write; the targets are added a batch per transaction,
    // so colleagues' writes (and other jobcenters') wait for one batch at most.
    let (valid, found) = state
        .db
        .run(move |c| {
            Campaign::find(c, jc, id)?;
            let found = Company::ids_by_cvrs(c, jc, &valid)?;
            Ok((valid, found))
        })
        .await?;
    let known: std::collections::HashSet<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    let unknown = valid.iter().filter(|n| !known.contains(n.as_str())).count();
    let ids: Vec<i64> = found.into_iter().map(|(_, id)| id).collect();
    let mut report = AddReport::default();
    for batch in ids.chunks(IMPORT_BATCH).map(<[i64]>::to_vec) {
        let added = state
            .write(user.actor(&req, &state), move |c, actor| {
                let added = CampaignTarget::add(c, jc, id, &batch, actor.now)?;
                actor.record(
                    c,
                    action::CAMPAIGN_TARGETS_ADDED,
                    "campaign",
                    Some(id),
                    format!("{} tilføjet fra CVR-liste", added.added),
                )?;
                Ok(added)
            })
            .await??;
        report.added += added.added;
        report.already += added.already;
    }
    let mut message = format!(
        "{} virksomheder er sat på listen ({} var der i forvejen).",
        report.added, report.already
    );
    if unknown > 0 {
        message.push_str(&format!(" {unknown} CVR-numre findes ikke i registret."));
    }
    if invalid > 0 {
        message.push_str(&format!(" {invalid} linjer var ikke gyldige CVR-numre."));
    }
    Ok(redirect_with_flash(
        &state,
        &format!("/campaigns/{id}"),
        if unknown + invalid > 0 { "error" } else { "ok" },
        &message,
    ))
}

#[post("/campaigns/{id:\\d+}/targets/split")]
pub async fn split(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            let n = CampaignTarget::split_evenly(c, jc, id, actor.now)?;
            // Managers and admins on the campaign got their share too: say so.
            let on_campaign: Vec<i64> = Campaign::consultants(c, id)?
                .into_iter()
                .filter(|u| u.active)
                .map(|u| u.id)
                .collect();
            let leads: Vec<String> = User::list(c, jc)?
                .into_iter()
                .filter(|u| u.role >= Role::Manager && on_campaign.contains(&u.id))
                .map(|u| u.name)
                .collect();
            actor.record(
                c,
                action::CAMPAIGN_TARGETS_SPLIT,
                "campaign",
                Some(id),
                format!("{n} fordelt"),
            )?;
            Ok((n, leads))
        })
        .await?;
    Ok(back_with_message(
        &state,
        &format!("/campaigns/{id}"),
        result,
        |(n, leads)| {
            let mut message = format!("{n} virksomheder er fordelt mellem konsulenterne.");
            if !leads.is_empty() {
                message.push_str(&format!(
                    " Bemærk: {} er leder eller administrator og har også fået virksomheder. Fjern dem fra kampagnens konsulenter under «Ret kampagne», hvis det ikke var meningen.",
                    leads.join(" og ")
                ));
            }
            message
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TargetForm {
    assigned_to: String,
    status: String,
    /// The version the page showed.
    version: String,
    #[serde(flatten)]
    place: ListPlace,
}

/// One company on a campaign's list: where it stands, and the form to change its consultant
/// (managers) and status. Consultants open the companies they have been given.
#[get("/campaigns/{id:\\d+}/targets/{tid:\\d+}")]
pub async fn target_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
    path: web::Path<(i64, i64)>,
    place: web::Query<TargetFilter>,
) -> Result<HttpResponse, AppError> {
    let (id, tid) = path.into_inner();
    let place = place.into_inner();
    let (user, (campaign, target, company, consultants, assigned_name)) = session
        .run(&state, move |c, user| {
            let campaign = viewable_in(c, user, id)?;
            let jc = user.jobcenter_id;
            let target = CampaignTarget::find(c, jc, id, tid)?;
            if !user.is_manager() && target.assigned_to != Some(user.id) {
                return Err(AppError::Forbidden);
            }
            let company = Company::find(c, jc, target.company_id)?;
            let mut consultants: Vec<ConsultantChoice> = Campaign::consultants(c, id)?
                .iter()
                .map(|u| ConsultantChoice::new(u.id, &u.name))
                .collect();
            // Given to someone no longer on the campaign: kept as a choice, so saving keeps it.
            if let Some(a) = target.assigned_to
                && !consultants.iter().any(|u| u.id == a)
            {
                consultants.push(ConsultantChoice::new(a, &User::find(c, jc, a)?.name));
            }
            let assigned_name = target.assigned_to.and_then(|a| {
                let on_list = consultants.iter().find(|u| u.id == a)?;
                Some(on_list.label.clone())
            });
            Ok((campaign, target, company, consultants, assigned_name))
        })
        .await?;
    Page::new(&req).render(&state, |l| TargetPage {
        l,
        status_label: target.status.label(),
        contacted: target.contacted_on.map(dates::dk_date),
        visited: target.visited_on.map(dates::dk_date),
        last_activity: target.last_activity_on.map(dates::dk_date),
        campaign,
        target,
        company,
        assigned_name,
        consultant_choices: consultants,
        status_choices: TargetStatus::choices(),
        is_manager: user.is_manager(),
        back_url: place.back_url(id),
        place,
    })
}

#[derive(askama::Template)]
#[template(path = "campaigns/target.html")]
struct TargetPage {
    l: Layout,
    campaign: Campaign,
    target: CampaignTarget,
    company: Company,
    status_label: &'static str,
    assigned_name: Option<String>,
    contacted: Option<String>,
    visited: Option<String>,
    last_activity: Option<String>,
    consultant_choices: Vec<ConsultantChoice>,
    status_choices: Vec<Choice>,
    is_manager: bool,
    /// The list page this target was opened from, and its filter for the forms to send back.
    back_url: String,
    place: TargetFilter,
}

/// Sets a target's status (the consultant on it, or a manager) and consultant (managers).
#[post("/campaigns/{id:\\d+}/targets/{tid:\\d+}")]
pub async fn set_target(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<TargetForm>,
) -> Result<HttpResponse, AppError> {
    let ((id, tid), jc) = (path.into_inner(), user.jobcenter_id);
    viewable(&state, &user, id).await?;
    let manager = user.role >= Role::Manager;
    let status = TargetStatus::parse(&form.status)
        .ok_or_else(|| AppError::Validation("Vælg en status.".into()))?;
    let wanted_assignee = match form.assigned_to.trim() {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::Validation("Vælg en konsulent.".into()))?,
        ),
    };
    let actor = user.actor(&req, &state);
    let version = form.version.trim().parse().unwrap_or(0);
    let result = state
        .write(actor, move |c, actor| {
            let assignee = Some(wanted_assignee);
            set(c, actor, manager, id, tid, version, assignee, status).map(drop)
        })
        .await?;
    let filter = form.place.filter();
    if let Err(refused) = &result
        && refused.is_stale()
    {
        // Back to the target as it stands now, saying what changed.
        let (target, consultant) = state
            .db
            .run(move |c| {
                let target = CampaignTarget::find(c, jc, id, tid)?;
                let consultant = match target.assigned_to {
                    Some(u) => User::find(c, jc, u)?.name,
                    None => "ikke fordelt".into(),
                };
                Ok((target, consultant))
            })
            .await?;
        let query = filter.query(Some(&filter.after));
        let page = format!(
            "/campaigns/{id}/targets/{tid}{}{query}",
            if query.is_empty() { "" } else { "?" }
        );
        let message = format!(
            "En anden har ændret virksomheden på listen, mens du så på den. Nu: konsulent {consultant}, status {}. Dine ændringer er ikke gemt – vælg igen, hvis de stadig skal gælde.",
            target.status.label().to_lowercase()
        );
        return Ok(redirect_with_flash(&state, &page, "error", &message));
    }
    Ok(back_with_message(
        &state,
        &filter.back_url(id),
        result,
        |()| "Listen er opdateret.".into(),
    ))
}

#[post("/campaigns/{id:\\d+}/targets/{tid:\\d+}/remove")]
pub async fn remove_target(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<(i64, i64)>,
    form: web::Form<ListPlace>,
) -> Result<HttpResponse, AppError> {
    let (id, tid) = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| take_off(c, actor, id, tid))
        .await??;
    Ok(redirect_with_flash(
        &state,
        &form.filter().back_url(id),
        "ok",
        "Virksomheden er taget af listen.",
    ))
}

/// The target list with statuses, as Danish Excel opens it.
/// The target list as CSV, for managers and admins (SPEC §2).
#[get("/campaigns/{id:\\d+}/targets.csv")]
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let campaign = viewable(&state, &user, id).await?;
    let filename = format!(
        "kampagne-{}-{}.csv",
        campaign.id,
        crate::domain::validate::slugify(&campaign.name)
    );
    if is_head(&req) {
        return Ok(csv_response(filename, Vec::new()));
    }
    let jc = user.jobcenter_id;
    access_log::record(
        &state,
        &user,
        AccessKind::Export,
        Some((AccessEntity::Campaign, id)),
        "målliste",
    )
    .await?;
    let actor = user.actor(&req, &state);
    let rows = state
        .db
        .run(move |c| {
            let (rows, _) =
                CampaignTarget::list(c, jc, id, TargetListFilter::default(), None, EXPORT_LIMIT)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.target.company_id).collect();
            let protected = crate::models::population::protected_among(c, jc, &ids)?;
            actor.record(
                c,
                action::CAMPAIGN_EXPORTED,
                "campaign",
                Some(id),
                format!("{} virksomheder", rows.len()),
            )?;
            Ok((rows, protected))
        })
        .await?;
    let (rows, protected) = rows;
    let csv = csv_io::write_excel_csv(
        &[
            "Virksomhed",
            "CVR-nummer",
            "By",
            "Konsulent",
            "Status",
            "Første kontakt",
            "Besøgt",
            "Seneste aktivitet",
            "Reklamebeskyttet",
        ],
        rows.into_iter().map(|r| {
            let protected = if protected.contains(&r.target.company_id) {
                "Ja"
            } else {
                "Nej"
            };
            vec![
                r.company_name,
                r.cvr,
                r.city,
                r.assigned_name.unwrap_or_default(),
                r.target.status.label().to_string(),
                r.target
                    .contacted_on
                    .map(dates::dk_date)
                    .unwrap_or_default(),
                r.target.visited_on.map(dates::dk_date).unwrap_or_default(),
                r.target
                    .last_activity_on
                    .map(dates::dk_date)
                    .unwrap_or_default(),
                protected.to_string(),
            ]
        }),
    );
    Ok(csv_response(filename, csv))
}

/// Targets in one CSV export.
const EXPORT_LIMIT: i64 = 5000;

// --- The writes, as the pages and the API make them -------------------------------------------

/// Puts companies of the jobcenter on campaign `id`'s list (each once; others' ids are
/// ignored), with an audit row saying `how` they were chosen.
pub fn put_on_list(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    company_ids: &[i64],
    how: &str,
) -> Result<AddReport, WriteError> {
    let report = CampaignTarget::add(c, actor.jobcenter_id, id, company_ids, actor.now)?;
    let what = format!(
        "{} tilføjet, {} var der i forvejen ({how})",
        report.added, report.already
    );
    actor.record(
        c,
        action::CAMPAIGN_TARGETS_ADDED,
        "campaign",
        Some(id),
        what,
    )?;
    Ok(report)
}

/// Sets a target's status from `version`; a consultant only on their own share, and only a
/// manager gives it to someone (`assignee`: `None` keeps who has it).
#[allow(clippy::too_many_arguments)]
pub fn set(
    c: &mut DbConn,
    actor: &Actor,
    manager: bool,
    id: i64,
    tid: i64,
    version: i32,
    assignee: Option<Option<i64>>,
    status: TargetStatus,
) -> Result<CampaignTarget, WriteError> {
    let jc = actor.jobcenter_id;
    let target = CampaignTarget::find(c, jc, id, tid)?;
    // Consultants work their own share and cannot move it to someone else.
    if !manager && target.assigned_to != Some(actor.user_id) {
        return Err(AppError::Forbidden.into());
    }
    let assigned = match assignee {
        Some(wanted) if manager => wanted,
        _ => target.assigned_to,
    };
    let t = CampaignTarget::set(c, jc, id, tid, version, assigned, status, actor.now)?;
    let what = format!("virksomhed #{}: {}", t.company_id, status.label());
    actor.record(
        c,
        action::CAMPAIGN_TARGET_CHANGED,
        "campaign",
        Some(id),
        what,
    )?;
    Ok(t)
}

/// Takes a company off campaign `id`'s list, with its audit row.
pub fn take_off(c: &mut DbConn, actor: &Actor, id: i64, tid: i64) -> Result<(), WriteError> {
    let jc = actor.jobcenter_id;
    let target = CampaignTarget::find(c, jc, id, tid)?;
    CampaignTarget::remove(c, jc, id, tid)?;
    let what = format!("virksomhed #{}", target.company_id);
    actor.record(
        c,
        action::CAMPAIGN_TARGET_REMOVED,
        "campaign",
        Some(id),
        what,
    )?;
    Ok(())
}
