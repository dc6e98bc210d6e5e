//! Merging duplicate companies (managers): pick the duplicate, compare the two field by field
//! and choose what survives, join contact persons that are one person, and merge; and the
//! register's possible duplicates to look through.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::AppState;
use super::auth::Manager;
use super::forms::Refused;
use super::views::{Layout, Page, dk_datetime, redirect_with_flash};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::audit::{Actor, action};
use crate::models::company::{
    Company, CompanyForm, CompanyQuery, CompanyStatus, CompanySummary, EmployeeBand,
};
use crate::models::company_merge::{
    CompanyMerge, DuplicateGroup, FIELDS, Merge, Moved, Side, default_side, field_value,
    merged_form, possible_duplicates, same_persons,
};
use crate::models::contact_person::ContactPerson;
use crate::models::user::User;

/// Companies the search for the duplicate shows.
const FOUND_LIMIT: i64 = 20;
/// Groups of possible duplicates shown per reason.
const GROUPS_PER_REASON: usize = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MergeQuery {
    /// A search for the duplicate.
    q: String,
    /// The duplicate chosen.
    other: String,
}

#[get("/companies/{id:\\d+}/merge")]
pub async fn merge_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    query: web::Query<MergeQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let other = match query.other.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let choice = Choice {
        q: query.q.trim().to_string(),
        other,
        ..Default::default()
    };
    merge_page(&req, &state, &user, id, choice, Refused::none()).await
}

/// What the user has chosen so far: the search, the duplicate, each field's side and the
/// contact persons to join (the duplicate's id → the survivor's).
#[derive(Debug, Default, Clone)]
struct Choice {
    q: String,
    other: Option<i64>,
    sides: HashMap<String, Side>,
    /// `None`: not sent yet, so every pair found is joined.
    joins: Option<HashMap<i64, i64>>,
}

/// One field of the two companies, side by side.
struct FieldRow {
    field: &'static str,
    label: &'static str,
    ours: String,
    theirs: String,
    side: &'static str,
    differs: bool,
}

/// Two contact persons that look like one.
struct PersonPair {
    ours: ContactPerson,
    theirs: ContactPerson,
    join: bool,
}

#[derive(askama::Template)]
#[template(path = "companies/merge.html")]
struct MergePage {
    l: Layout,
    c: Company,
    q: String,
    found: Vec<CompanySummary>,
    searched: bool,
    other: Option<Company>,
    rows: Vec<FieldRow>,
    pairs: Vec<PersonPair>,
    moves: Moved,
}

async fn merge_page(
    req: &HttpRequest,
    state: &AppState,
    user: &Manager,
    id: i64,
    choice: Choice,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let q = choice.q.clone();
    let other_id = choice.other;
    let (survivor, found, other, staff, persons, moves) = state
        .db
        .run(move |c| {
            let survivor = Company::find(c, jc, id)?;
            let found = if q.is_empty() || other_id.is_some() {
                Vec::new()
            } else {
                let query = CompanyQuery {
                    text: Some(q.clone()),
                    ..Default::default()
                };
                Company::search(c, jc, &query, None, FOUND_LIMIT + 1)?
                    .companies
                    .into_iter()
                    .filter(|s| s.id != id)
                    .take(FOUND_LIMIT as usize)
                    .collect()
            };
            let other = match other_id {
                Some(o) if o == id => None,
                Some(o) => Some(Company::find(c, jc, o)?),
                None => None,
            };
            let staff: HashMap<i64, String> = User::roster(c, jc)?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect();
            let (persons, moves) = match &other {
                Some(o) => (
                    same_persons(
                        &ContactPerson::current(c, jc, id)?,
                        &ContactPerson::current(c, jc, o.id)?,
                    ),
                    CompanyMerge::what_moves(c, jc, o.id)?,
                ),
                None => (Vec::new(), Moved::default()),
            };
            Ok((survivor, found, other, staff, persons, moves))
        })
        .await?;
    let rows = match &other {
        Some(o) => {
            let (ours, theirs) = (
                CompanyForm::from_company(&survivor),
                CompanyForm::from_company(o),
            );
            FIELDS
                .iter()
                .map(|(field, label)| {
                    let side = choice
                        .sides
                        .get(*field)
                        .copied()
                        .unwrap_or_else(|| default_side(&survivor, o, field));
                    let (a, b) = (field_value(&ours, field), field_value(&theirs, field));
                    FieldRow {
                        field,
                        label,
                        differs: a.trim() != b.trim(),
                        ours: shown(field, &a, &staff),
                        theirs: shown(field, &b, &staff),
                        side: side.as_str(),
                    }
                })
                .collect()
        }
        None => Vec::new(),
    };
    let pairs = persons
        .into_iter()
        .map(|(ours, theirs)| PersonPair {
            join: choice
                .joins
                .as_ref()
                .is_none_or(|j| j.get(&theirs.id) == Some(&ours.id)),
            ours,
            theirs,
        })
        .collect();
    let searched = !choice.q.is_empty();
    Page::new(req)
        .refused(&refused)
        .render(state, |l| MergePage {
            l,
            c: survivor,
            q: choice.q,
            found,
            searched,
            other,
            rows,
            pairs,
            moves,
        })
}

/// A field's value as a person reads it.
fn shown(field: &str, value: &str, staff: &HashMap<i64, String>) -> String {
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    match field {
        "employees" => {
            EmployeeBand::parse(value).map_or_else(|| value.into(), |b| b.label().into())
        }
        "status" => CompanyStatus::parse(value).map_or_else(|| value.into(), |s| s.label().into()),
        "fixed_contact_id" => value
            .parse::<i64>()
            .ok()
            .and_then(|id| staff.get(&id).cloned())
            .unwrap_or_else(|| value.into()),
        _ => value.into(),
    }
}

#[post("/companies/{id:\\d+}/merge")]
pub async fn merge(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let jc = user.jobcenter_id;
    let form = form.into_inner();
    let number = |name: &str| form.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    let other_id = number("other").ok_or(AppError::NotFound)?;
    let sides: HashMap<String, Side> = FIELDS
        .iter()
        .filter_map(|(field, _)| {
            let side = Side::parse(form.get(&format!("field_{field}"))?)?;
            Some((field.to_string(), side))
        })
        .collect();
    let joins: HashMap<i64, i64> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("join_")?.parse().ok()?, v.parse().ok()?)))
        .collect();
    if other_id == id {
        let errors = crate::models::FieldErrors::from([(
            "q",
            "Vælg en anden virksomhed end den, du står på.".to_string(),
        )]);
        let choice = Choice::default();
        return merge_page(&req, &state, &user, id, choice, Refused::invalid(errors)).await;
    }
    let choice = Choice {
        other: Some(other_id),
        sides: sides.clone(),
        joins: Some(joins.clone()),
        ..Default::default()
    };
    let (survivor, other) = state
        .db
        .run(move |c| Ok((Company::find(c, jc, id)?, Company::find(c, jc, other_id)?)))
        .await?;
    let versions = (
        number("version").unwrap_or(-1) as i32,
        number("other_version").unwrap_or(-1) as i32,
    );
    let input = match merged_form(&survivor, &other, &sides).validate() {
        Ok(input) => input,
        Err(errors) => {
            return merge_page(&req, &state, &user, id, choice, Refused::invalid(errors)).await;
        }
    };
    let join_persons: Vec<(i64, i64)> = joins
        .into_iter()
        .map(|(theirs, ours)| (ours, theirs))
        .collect();
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            let m = Merge {
                survivor_id: id,
                survivor_version: versions.0,
                other_id,
                other_version: versions.1,
                input: &input,
                join_persons: &join_persons,
                user_id: actor.user_id,
                now: actor.now,
            };
            merge_companies(c, actor, &m)
        })
        .await?;
    match result {
        Ok((_, merged, moved)) => Ok(redirect_with_flash(
            &state,
            &format!("/companies/{id}"),
            "ok",
            &format!(
                "{} er lagt sammen med denne virksomhed. Flyttet: {moved}.",
                merged.name
            ),
        )),
        Err(refused) => merge_page(&req, &state, &user, id, choice, refused).await,
    }
}

/// Merges as `m` says, with the audit row naming both companies and what moved: the pages and
/// the API merge through this.
pub fn merge_companies(
    c: &mut DbConn,
    actor: &Actor,
    m: &Merge,
) -> Result<(Company, Company, Moved), WriteError> {
    let (survivor, merged, moved) = CompanyMerge::merge(c, actor.jobcenter_id, m)?;
    let what = format!(
        "#{} {} (CVR {}) lagt sammen med #{} {}: {moved}",
        merged.id, merged.name, merged.cvr, survivor.id, survivor.name
    );
    actor.record(
        c,
        action::COMPANY_MERGED,
        "company",
        Some(survivor.id),
        what,
    )?;
    Ok((survivor, merged, moved))
}

#[derive(askama::Template)]
#[template(path = "companies/duplicates.html")]
struct DuplicatesPage {
    l: Layout,
    groups: Vec<DuplicateGroup>,
    limit: usize,
}

/// The register's possible duplicates, by reason, each with a way to merge.
#[get("/companies/duplicates")]
pub async fn duplicates(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let groups = state
        .db
        .read(move |c| Ok(possible_duplicates(c, jc, GROUPS_PER_REASON)?))
        .await?;
    Page::new(&req).render(&state, |l| DuplicatesPage {
        l,
        groups,
        limit: GROUPS_PER_REASON,
    })
}

/// The companies merged into `survivor`, as its page tells it: who, when, what moved.
pub fn merge_lines(merges: &[CompanyMerge], staff: &HashMap<i64, String>) -> Vec<String> {
    merges
        .iter()
        .map(|m| {
            let by = m
                .user_id
                .and_then(|u| staff.get(&u))
                .map(|n| format!(" af {n}"))
                .unwrap_or_default();
            format!(
                "{} (CVR {}) blev lagt sammen med denne virksomhed {}{by}. Flyttet: {}.",
                m.merged_name,
                m.merged_cvr,
                dk_datetime(m.merged_at),
                m.moved
            )
        })
        .collect()
}
