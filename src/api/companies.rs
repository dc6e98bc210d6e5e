//! `/api/v1/companies`: the register, with the same search, validation, duplicate rule,
//! versions and audit rows as the pages (`web::companies`).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::check_text;
use super::{
    ApiError, ApiUser, ListPage, Paging, based_on, choice, created, cursor, next_url, with_etag,
};
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::audit::action;
use crate::models::company::{
    Company, CompanyForm, CompanyQuery, CompanySort, CompanyStatus, Cursor, EmployeeBand,
};
use crate::models::company_import;
use crate::models::user::Role;
use crate::web::access_log::record_as;
use crate::web::views::csv_response;
use crate::web::{AppState, companies as pages};

/// A company of the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyOut {
    pub id: i64,
    /// 8 digits.
    pub cvr: String,
    /// The production unit's 10 digits, when the record is one workplace of several.
    pub p_number: Option<String>,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    /// DB07 code.
    pub industry_code: String,
    pub industry_text: String,
    /// Employee band: 1-4, 5-9, 10-19, 20-49, 50-99, 100-249, 250+.
    pub employees: Option<String>,
    pub phone: String,
    pub email: String,
    pub website: String,
    /// prospect, active or inactive.
    pub status: String,
    /// The consultant who is the company's fixed contact (see /staff).
    pub fixed_contact_id: Option<i64>,
    pub notes: String,
    /// The day of the latest activity.
    pub last_contact_on: Option<NaiveDate>,
    /// Send it back (If-Match or `version`) with an update.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Company> for CompanyOut {
    fn from(c: Company) -> Self {
        CompanyOut {
            id: c.id,
            cvr: c.cvr,
            p_number: c.p_number,
            name: c.name,
            address: c.address,
            postcode: c.postcode,
            city: c.city,
            industry_code: c.industry_code,
            industry_text: c.industry_text,
            employees: c.employees.map(|e| e.as_str().to_string()),
            phone: c.phone,
            email: c.email,
            website: c.website,
            status: c.status.as_str().to_string(),
            fixed_contact_id: c.fixed_contact_id,
            notes: c.notes,
            last_contact_on: c.last_contact_on,
            version: c.version,
            created_at: c.created_at.and_utc(),
            updated_at: c.updated_at.and_utc(),
        }
    }
}

/// A new company, or the fields an update changes (those left out keep their value; an empty
/// string clears a text, `null` clears the fixed contact). Checked as the page's form is.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CompanyIn {
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub industry_code: Option<String>,
    pub industry_text: Option<String>,
    /// 1-4, 5-9, 10-19, 20-49, 50-99, 100-249 or 250+; empty for unknown.
    pub employees: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// prospect, active or inactive (a new company is a prospect unless said).
    pub status: Option<String>,
    /// An active consultant of the jobcenter, or null for none. A new company without it gets
    /// the token's owner.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub fixed_contact_id: Option<Option<i64>>,
    pub notes: Option<String>,
    /// The version the update is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

/// A field that is there, even as null (`Some(None)`), as against one left out (`None`).
pub(super) fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl CompanyIn {
    /// The form as the page would have sent it: `base` with the given fields replaced.
    fn onto(self, mut form: CompanyForm) -> CompanyForm {
        let set = |field: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *field = v;
            }
        };
        set(&mut form.cvr, self.cvr);
        set(&mut form.p_number, self.p_number);
        set(&mut form.name, self.name);
        set(&mut form.address, self.address);
        set(&mut form.postcode, self.postcode);
        set(&mut form.city, self.city);
        set(&mut form.industry_code, self.industry_code);
        set(&mut form.industry_text, self.industry_text);
        set(&mut form.employees, self.employees);
        set(&mut form.phone, self.phone);
        set(&mut form.email, self.email);
        set(&mut form.website, self.website);
        set(&mut form.status, self.status);
        set(&mut form.notes, self.notes);
        if let Some(contact) = self.fixed_contact_id {
            form.fixed_contact_id = contact.map(|id| id.to_string()).unwrap_or_default();
        }
        form
    }
}

/// The list's filters, as the register page has them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CompanyFilter {
    /// Search text: name, CVR, P-number, city.
    pub q: Option<String>,
    /// prospect, active or inactive.
    pub status: Option<String>,
    /// Companies with this fixed contact (a staff id).
    pub fixed_contact: Option<i64>,
    /// DB07 code or its beginning.
    pub industry: Option<String>,
    pub postcode: Option<String>,
    /// At least this employee band (1-4 … 250+).
    pub employees: Option<String>,
    /// Only companies with no contact since this day, or never (yyyy-mm-dd).
    pub no_contact_since: Option<NaiveDate>,
}

impl CompanyFilter {
    fn query(&self) -> Result<CompanyQuery, ApiError> {
        fn text(s: &Option<String>) -> Option<&str> {
            s.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let mut errors = crate::models::FieldErrors::new();
        let status = choice(
            &mut errors,
            "status",
            text(&self.status),
            CompanyStatus::parse,
            "Status er prospect, active eller inactive.",
        );
        let min_employees = choice(
            &mut errors,
            "employees",
            text(&self.employees),
            EmployeeBand::parse,
            "Vælg et interval: 1-4, 5-9 … 250+.",
        );
        if !errors.is_empty() {
            return Err(ApiError::Invalid(errors));
        }
        Ok(CompanyQuery {
            text: text(&self.q).map(str::to_string),
            status,
            fixed_contact_id: self.fixed_contact,
            industry: text(&self.industry).map(str::to_string),
            postcode: text(&self.postcode).map(str::to_string),
            min_employees,
            no_contact_since: self.no_contact_since,
            known_by: None,
            sort: CompanySort::Name,
        })
    }
}

/// The register, by name, a page at a time.
#[utoipa::path(
    operation_id = "companies_list",
    tag = "Virksomheder",
    params(CompanyFilter, Paging),
    responses((status = 200, body = ListPage<CompanyOut>), (status = 422, body = super::Problem))
)]
#[get("/companies")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    filter: web::Query<CompanyFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let query = filter.query()?;
    let limit = paging.limit()?;
    let after = cursor(paging.after.as_deref(), Cursor::decode)?;
    let searched = query.text.clone();
    let jc = user.jobcenter_id;
    let (rows, next) = state
        .db
        .read(move |c| {
            crate::db::read_tx(c, |c| {
                let page = Company::search(c, jc, &query, after.as_ref(), limit)?;
                let ids: Vec<i64> = page.companies.iter().map(|s| s.id).collect();
                Ok((Company::find_many(c, jc, &ids)?, page.next))
            })
        })
        .await?;
    if let Some(text) = searched.filter(|_| paging.after.is_none()) {
        record_as(&state, (jc, user.user_id), AccessKind::Search, None, text).await?;
    }
    Ok(HttpResponse::Ok().json(ListPage {
        items: rows.into_iter().map(CompanyOut::from).collect(),
        next: next_url(&req, next.map(|c| c.encode())),
    }))
}

/// One company; its ETag is its version.
#[utoipa::path(
    operation_id = "companies_get",
    tag = "Virksomheder",
    params(("id" = i64, Path, description = "The company's id")),
    responses((status = 200, body = CompanyOut), (status = 404, body = super::Problem))
)]
#[get("/companies/{id:\\d+}")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let company = state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
    let view = Some((AccessEntity::Company, id));
    record_as(&state, (jc, user.user_id), AccessKind::View, view, "API").await?;
    Ok(with_etag(company.version, CompanyOut::from(company)))
}

/// Adds a company. A second company with the same CVR (or P-number) is refused as a duplicate
/// naming the one that exists.
#[utoipa::path(
    operation_id = "companies_create",
    tag = "Virksomheder",
    request_body = CompanyIn,
    responses(
        (status = 201, body = CompanyOut),
        (status = 409, description = "A duplicate (code duplicate, existing_id)", body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/companies")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<CompanyIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    check_text(&body)?;
    let base = CompanyForm {
        status: CompanyStatus::Prospect.as_str().into(),
        fixed_contact_id: user.user_id.to_string(),
        ..Default::default()
    };
    let input = body.onto(base).validate().map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let company = state
        .write(actor, move |c, actor| pages::add(c, actor, &input))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(created(
        format!("/companies/{}", company.id),
        company.version,
        CompanyOut::from(company),
    ))
}

/// Changes the fields given; the rest keep their value.
#[utoipa::path(
    operation_id = "companies_update",
    tag = "Virksomheder",
    params(
        ("id" = i64, Path, description = "The company's id"),
    ),
    request_body = CompanyIn,
    responses(
        (status = 200, body = CompanyOut),
        (status = 404, body = super::Problem),
        (status = 409, description = "Stale `version`, or a duplicate", body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/companies/{id:\\d+}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<CompanyIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let body = body.into_inner();
    check_text(&body)?;
    let (version, precondition) = based_on(&req, body.version)?;
    let current = state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
    let input = body
        .onto(CompanyForm::from_company(&current))
        .validate()
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let (company, _) = state
        .write(actor, move |c, actor| {
            pages::change(c, actor, id, version, &input)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(company.version, CompanyOut::from(company)))
}

/// Deletes a company that has no history (managers and administrators, as on the page);
/// one with activities, placements or needs is refused: set its status to inactive.
#[utoipa::path(
    operation_id = "companies_delete",
    tag = "Virksomheder",
    params(("id" = i64, Path, description = "The company's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[delete("/companies/{id:\\d+}")]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let id = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| pages::remove(c, actor, id))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::NoContent().finish())
}

/// A merge of a duplicate into this company.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MergeIn {
    /// The duplicate, which is gone afterwards.
    pub other_id: i64,
    /// The versions the merge is based on: this company's (or If-Match) and the duplicate's.
    pub version: Option<i32>,
    pub other_version: i32,
    /// Per field, where its value comes from: `survivor`, `other` or (notes) `both`. A field
    /// left out takes the value both have, else the one filled in, else the newer record's.
    #[schema(value_type = Object)]
    pub fields: std::collections::HashMap<String, String>,
    /// Contact persons to join: pairs of [this company's person, the duplicate's person].
    pub join_persons: Vec<(i64, i64)>,
}

/// What a merge did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergeOut {
    pub company: CompanyOut,
    pub merged_id: i64,
    /// What moved, in Danish, as the audit row says it.
    pub moved: String,
}

/// Merges a duplicate into this company (managers and administrators, as on the page): every
/// activity, placement, need, contact person, campaign target, request and audit row of it
/// moves here in one transaction, and it is gone. Sends the company.merged webhook event.
#[utoipa::path(
    operation_id = "companies_merge",
    tag = "Virksomheder",
    params(
        ("id" = i64, Path, description = "The company that stays"),
        ("If-Match" = Option<String>, Header, description = "This company's ETag (or `version` in the body)")
    ),
    request_body = MergeIn,
    responses(
        (status = 200, body = MergeOut),
        (status = 404, description = "Either company is not in the jobcenter", body = super::Problem),
        (status = 409, description = "A stale version; nothing was changed", body = super::Problem),
        (status = 412, description = "Stale If-Match; nothing was changed", body = super::Problem),
        (status = 422, body = super::Problem),
        (status = 428, description = "Neither If-Match nor `version`", body = super::Problem)
    )
)]
#[post("/companies/{id:\\d+}/merge")]
pub async fn merge(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<MergeIn>,
) -> Result<HttpResponse, ApiError> {
    use crate::models::company_merge::{FIELDS, Merge, Side, merged_form};
    user.require(Role::Manager)?;
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let body = body.into_inner();
    let (version, precondition) = based_on(&req, body.version)?;
    let mut sides = std::collections::HashMap::new();
    for (field, side) in &body.fields {
        let known = FIELDS.iter().any(|(f, _)| f == field);
        match Side::parse(side) {
            Some(Side::Both) if field != "notes" => {}
            Some(side) if known => {
                sides.insert(field.clone(), side);
                continue;
            }
            _ => {}
        }
        return Err(ApiError::field(
            "fields",
            format!("Ukendt felt eller valg: {field} = {side}."),
        ));
    }
    let other_id = body.other_id;
    let (survivor, other) = state
        .db
        .run(move |c| Ok((Company::find(c, jc, id)?, Company::find(c, jc, other_id)?)))
        .await?;
    let input = merged_form(&survivor, &other, &sides)
        .validate()
        .map_err(ApiError::Invalid)?;
    let (other_version, joins) = (body.other_version, body.join_persons);
    let actor = user.actor(&req, &state);
    let (company, merged, moved) = state
        .write(actor, move |c, actor| {
            let m = Merge {
                survivor_id: id,
                survivor_version: version,
                other_id,
                other_version,
                input: &input,
                join_persons: &joins,
                user_id: actor.user_id,
                now: actor.now,
            };
            crate::web::company_merge::merge_companies(c, actor, &m)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(
        company.version,
        MergeOut {
            company: CompanyOut::from(company),
            merged_id: merged.id,
            moved: moved.to_string(),
        },
    ))
}

/// The register as the page exports it (CSV for Danish Excel), managers and administrators.
#[utoipa::path(
    operation_id = "companies_export",
    tag = "Virksomheder",
    params(CompanyFilter),
    responses(
        (status = 200, description = "CSV, semicolon-separated, UTF-8 with BOM", content_type = "text/csv"),
        (status = 422, body = super::Problem)
    )
)]
#[get("/companies.csv")]
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    filter: web::Query<CompanyFilter>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let query = filter.query()?;
    let actor = user.actor(&req, &state);
    let jc = user.jobcenter_id;
    let what = format!("virksomhedsregistret (API) {}", req.query_string());
    record_as(
        &state,
        (jc, user.user_id),
        AccessKind::Export,
        None,
        what.trim(),
    )
    .await?;
    let filename = format!("virksomheder-{}.csv", actor.now.format("%Y-%m-%d"));
    let csv = state
        .db
        .run(move |c| {
            let rows = Company::export(c, jc, &query)?;
            let csv = company_import::export_csv(c, jc, &rows)?;
            let details = format!("{} virksomheder", rows.len());
            actor.record(c, action::COMPANIES_EXPORTED, "company", None, details)?;
            Ok(csv)
        })
        .await?;
    Ok(csv_response(filename, csv))
}
