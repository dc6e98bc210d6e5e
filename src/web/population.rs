//! The municipality's company population (/population, managers): the newest CVR extract,
//! the units not yet in the register for campaign planning, adding them to the register or a
//! campaign list, and importing a new extract (`models::population`).

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::Manager;
use super::views::{
    Choice, FieldErrors, Layout, Page, dk_datetime, redirect_with_flash, with_query,
};
use crate::domain::csv_io;
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::audit::action;
use crate::models::campaign::{Campaign, CampaignStatus};
use crate::models::cluster;
use crate::models::company_import::RowError;
use crate::models::population::{self, Filter, PopulationImport, Unit};

/// Units per page of the list.
const PAGE_SIZE: i64 = 50;
/// Refused lines shown after an import; the count says how many there were.
const ERRORS_SHOWN: usize = 200;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListParams {
    #[serde(skip_serializing_if = "String::is_empty")]
    industry: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    postcode: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    employees: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    without_protected: String,
    /// "1": only units a neighbour in the jobcenter's clusters has in its register.
    #[serde(skip_serializing_if = "String::is_empty")]
    neighbour: String,
    #[serde(skip_serializing)]
    after: String,
}

impl ListParams {
    fn filter(&self) -> Filter {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        Filter {
            industry: digits(&self.industry),
            postcode: digits(&self.postcode),
            employees_at_least: self.employees.parse().ok().filter(|n| *n > 0),
            without_protected: self.without_protected == "1",
            known_by: None,
        }
    }

    /// The page position: the name key and id of the last unit of the page before.
    fn after(&self) -> Option<(String, i64)> {
        let (id, name) = self.after.split_once('_')?;
        Some((name.to_string(), id.parse().ok()?))
    }
}

/// The lower bounds of the CVR's employee intervals, as the filter offers them.
fn employee_choices() -> Vec<Choice> {
    [1, 5, 10, 20, 50, 100, 200]
        .into_iter()
        .map(|n| Choice {
            value: n.to_string(),
            label: format!("{n} eller flere"),
        })
        .collect()
}

#[get("/population")]
pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    page(&req, &state, &user, params.into_inner(), FieldErrors::new()).await
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    user: &Manager,
    params: ListParams,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let (mut filter, after) = (params.filter(), params.after());
    let neighbour = params.neighbour == "1";
    let (latest, mut units, campaigns, in_cluster) = state
        .db
        .read(move |c| {
            crate::db::read_tx(c, |c| {
                let campaigns: Vec<Choice> = Campaign::list(c, jc, None)?
                    .into_iter()
                    .filter(|s| s.campaign.status != CampaignStatus::Done)
                    .map(|s| Choice {
                        value: s.campaign.id.to_string(),
                        label: s.campaign.name,
                    })
                    .collect();
                let partners: Vec<i64> = cluster::partners(c, jc)?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
                let in_cluster = !partners.is_empty();
                if neighbour {
                    filter.known_by = Some(partners);
                }
                Ok::<_, AppError>((
                    PopulationImport::latest(c, jc)?,
                    population::not_in_register(c, jc, &filter, after, PAGE_SIZE + 1)?,
                    campaigns,
                    in_cluster,
                ))
            })
        })
        .await?;
    let query = serde_html_form::to_string(&params).unwrap_or_default();
    let next_url = (units.len() as i64 > PAGE_SIZE).then(|| {
        units.truncate(PAGE_SIZE as usize);
        let last = units.last().expect("a full page");
        let sep = if query.is_empty() { "" } else { "&" };
        format!(
            "/population?{query}{sep}after={}_{}",
            last.id,
            super::views::url_encode(&population::name_key(last))
        )
    });
    let page = if errors.is_empty() {
        Page::new(req)
    } else {
        Page::new(req).invalid(&errors)
    };
    page.render(state, |l| IndexPage {
        l,
        imported: latest.as_ref().and_then(|i| i.finished_at).map(dk_datetime),
        latest,
        back_url: with_query("/population", &query),
        first_url: (!params.after.is_empty()).then(|| with_query("/population", &query)),
        units,
        next_url,
        campaigns,
        employee_choices: employee_choices(),
        in_cluster,
        params,
        headers: &population::HEADERS,
    })
}

#[derive(askama::Template)]
#[template(path = "population/index.html")]
struct IndexPage {
    l: Layout,
    latest: Option<PopulationImport>,
    /// When the newest extract was imported.
    imported: Option<String>,
    /// The list with its filter, to come back to after adding.
    back_url: String,
    units: Vec<Unit>,
    params: ListParams,
    next_url: Option<String>,
    first_url: Option<String>,
    campaigns: Vec<Choice>,
    employee_choices: Vec<Choice>,
    /// The jobcenter shares a cluster with a neighbour: the neighbour filter is offered.
    in_cluster: bool,
    headers: &'static [&'static str],
}

/// The extract to import.
#[derive(MultipartForm)]
pub struct Upload {
    #[multipart(limit = "30MiB")]
    file: Option<Bytes>,
}

/// Imports an extract: read and checked first, then written batch by batch, each batch
/// taking its turn in the write queue like any page's write.
#[post("/population")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: Result<MultipartForm<Upload>, actix_web::Error>,
) -> Result<HttpResponse, AppError> {
    let refuse = |message: &str| {
        let errors = FieldErrors::from([("file", message.to_string())]);
        page(&req, &state, &user, ListParams::default(), errors)
    };
    let Some(file) = form.ok().and_then(|MultipartForm(f)| f.file) else {
        return refuse("Filen kunne ikke læses. Vælg en CSV-fil på højst 30 MB.").await;
    };
    let file_name = file.file_name.unwrap_or_default();
    if file.data.is_empty() {
        return refuse("Vælg filen med CVR-udtrækket.").await;
    }
    let data = file.data;
    let parsed = web::block(move || {
        csv_io::read_table(&data)
            .map_err(str::to_string)
            .and_then(|t| population::parse(&t))
    })
    .await
    .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?;
    let parsed = match parsed {
        Ok(p) => p,
        Err(message) => return refuse(&message).await,
    };
    if parsed.units.is_empty() {
        let message = if parsed.errors.is_empty() {
            "Filen har ingen produktionsenheder."
        } else {
            "Ingen linjer i filen kunne læses; se fejlene herunder."
        };
        return done_page(&req, &state, None, message, parsed.errors);
    }
    let (jc, uid, now) = (user.jobcenter_id, user.id, state.now());
    let name = file_name.clone();
    let id = state
        .db
        .write(move |c| Ok(PopulationImport::start(c, jc, Some(uid), &name, now)?))
        .await?;
    let units = std::sync::Arc::new(parsed.units);
    let mut counts = population::Counts::default();
    for start in (0..units.len()).step_by(population::BATCH) {
        let units = units.clone();
        counts += state
            .db
            .write(move |c| {
                let end = (start + population::BATCH).min(units.len());
                Ok(PopulationImport::write_batch(
                    c,
                    jc,
                    id,
                    &units[start..end],
                    now,
                )?)
            })
            .await?;
    }
    let refused = parsed.errors.len() as i64;
    let actor = user.actor(&req, &state);
    let done = state
        .db
        .write(move |c| {
            let done = PopulationImport::finish(c, jc, id, counts, refused, now)?;
            actor.record(
                c,
                action::POPULATION_IMPORTED,
                "population_import",
                Some(id),
                format!(
                    "{} ({} enheder: {} nye, {} ændrede, {} ophørt, {} ikke længere med, {} linjer afvist)",
                    file_name, done.listed, done.added, done.changed, done.ceased, done.gone, refused
                ),
            )?;
            Ok(done)
        })
        .await?;
    done_page(&req, &state, Some(done), "", parsed.errors)
}

fn done_page(
    req: &HttpRequest,
    state: &AppState,
    done: Option<PopulationImport>,
    message: &str,
    mut errors: Vec<RowError>,
) -> Result<HttpResponse, AppError> {
    let refused = errors.len();
    errors.truncate(ERRORS_SHOWN);
    let page = if done.is_none() {
        Page::new(req).invalid(&FieldErrors::from([("file", message.to_string())]))
    } else {
        Page::new(req)
    };
    page.render(state, |l| DonePage {
        l,
        done,
        refused,
        errors,
    })
}

#[derive(askama::Template)]
#[template(path = "population/imported.html")]
struct DonePage {
    l: Layout,
    done: Option<PopulationImport>,
    refused: usize,
    errors: Vec<RowError>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AddForm {
    /// The units ticked.
    unit: Vec<i64>,
    /// A row's own button: that unit alone.
    one: Option<i64>,
    /// Also put them on this campaign's list.
    campaign_id: String,
    /// Which of the two buttons under the list was pressed.
    to_campaign: String,
    /// Where the list was, to go back to.
    back: String,
}

/// Adds the picked units to the register as companies (the company form's rules, status
/// "Potentiel"), and, if asked, to a campaign's list — in one write transaction.
#[post("/population/add")]
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form: AddForm = serde_html_form::from_bytes(&body)
        .map_err(|_| AppError::Validation("Formularen kunne ikke læses.".into()))?;
    let back = Some(form.back.as_str())
        .filter(|b| b.starts_with("/population"))
        .unwrap_or("/population")
        .to_string();
    let ids: Vec<i64> = match form.one {
        Some(id) => vec![id],
        None => form.unit.clone(),
    };
    let campaign = if form.one.is_none() && form.to_campaign == "1" {
        match form.campaign_id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let message = "Vælg den kampagne, virksomhederne skal på.";
                return Ok(redirect_with_flash(&state, &back, "error", message));
            }
        }
    } else {
        None
    };
    if ids.is_empty() {
        let message = "Sæt flueben ved de virksomheder, der skal oprettes.";
        return Ok(redirect_with_flash(&state, &back, "error", message));
    }
    let actor = user.actor(&req, &state);
    let jc = user.jobcenter_id;
    let (created, skipped, added) = state
        .db
        .write(move |c| {
            crate::db::write_tx(c, |c| {
                let units = population::find_many(c, jc, &ids)?;
                if units.is_empty() {
                    return Err(AppError::NotFound);
                }
                let mut created = Vec::new();
                let mut skipped = 0;
                for unit in &units {
                    let input = match unit.company_form().validate() {
                        Ok(input) => input,
                        Err(_) => {
                            skipped += 1;
                            continue;
                        }
                    };
                    match super::companies::add(c, &actor, &input) {
                        Ok(company) => created.push(company.id),
                        Err(WriteError::Failed(e)) => return Err(e),
                        // Someone put it in the register meanwhile.
                        Err(_) => skipped += 1,
                    }
                }
                let added = match campaign {
                    Some(id) => {
                        let how = "fra kommunens CVR-udtræk";
                        let report =
                            super::campaigns::targets::put_on_list(c, &actor, id, &created, how)
                                .map_err(|e| match e {
                                    WriteError::Failed(e) => e,
                                    _ => AppError::NotFound,
                                })?;
                        Some(report.added)
                    }
                    None => None,
                };
                Ok((created, skipped, added))
            })
        })
        .await?;
    if let (Some(_), [id]) = (form.one, created.as_slice()) {
        return Ok(redirect_with_flash(
            &state,
            &format!("/companies/{id}"),
            "ok",
            "Virksomheden er oprettet i registret fra CVR-udtrækket.",
        ));
    }
    let mut message = match created.len() {
        1 => "1 virksomhed er oprettet i registret".to_string(),
        n => format!("{n} virksomheder er oprettet i registret"),
    };
    if let Some(n) = added {
        message.push_str(&format!(" og {n} sat på kampagnens liste"));
    }
    message.push('.');
    if skipped > 0 {
        message.push_str(&format!(
            " {skipped} fandtes allerede i registret eller manglede oplysninger og er sprunget over."
        ));
    }
    if created.is_empty() {
        let message = "Ingen virksomheder blev oprettet: de fandtes allerede i registret \
                       eller manglede oplysninger.";
        return Ok(redirect_with_flash(&state, &back, "error", message));
    }
    Ok(redirect_with_flash(&state, &back, "ok", &message))
}
