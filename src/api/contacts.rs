//! `/api/v1/companies/{id}/contacts`: a company's contact persons, written through the same
//! functions as the pages (`web::contact_persons`). Removing one keeps the name in the
//! company's history; erasing one wipes the personal data for good.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::check_text;
use super::{ApiError, ApiUser, based_on, created, with_etag};
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::company::Company;
use crate::models::contact_person::{ContactPerson, ContactPersonForm};
use crate::web::access_log::record_as;
use crate::web::{AppState, contact_persons as pages};

/// A contact person at a company.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactOut {
    pub id: i64,
    pub company_id: i64,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    /// When the person was taken off the company (no longer there); null while current.
    pub removed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ContactPerson> for ContactOut {
    fn from(p: ContactPerson) -> Self {
        ContactOut {
            id: p.id,
            company_id: p.company_id,
            name: p.name,
            title: p.title,
            phone: p.phone,
            email: p.email,
            removed_at: p.removed_at.map(|t| t.and_utc()),
            version: p.version,
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// A new contact person, or the fields an update changes (the rest keep their value).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactIn {
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The version an update is based on, when not sent as If-Match.
    pub version: Option<i32>,
}

impl ContactIn {
    fn onto(self, mut form: ContactPersonForm) -> ContactPersonForm {
        for (field, value) in [
            (&mut form.name, self.name),
            (&mut form.title, self.title),
            (&mut form.phone, self.phone),
            (&mut form.email, self.email),
        ] {
            if let Some(v) = value {
                *field = v;
            }
        }
        form
    }
}

/// The company's contact persons: the current ones by name, then those taken off it.
#[utoipa::path(
    operation_id = "contacts_list",
    tag = "Kontaktpersoner",
    params(("id" = i64, Path, description = "The company's id")),
    responses((status = 200, body = Vec<ContactOut>), (status = 404, body = super::Problem))
)]
#[get("/companies/{id:\\d+}/contacts")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let people = state
        .db
        .run(move |c| {
            Company::find(c, jc, id)?;
            let mut people = ContactPerson::current(c, jc, id)?;
            people.extend(ContactPerson::former(c, jc, id)?);
            Ok(people)
        })
        .await?;
    let view = Some((AccessEntity::Company, id));
    record_as(
        &state,
        (jc, user.user_id),
        AccessKind::View,
        view,
        "API: kontaktpersoner",
    )
    .await?;
    let out: Vec<ContactOut> = people.into_iter().map(ContactOut::from).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// Adds a contact person, checked as the page's form is.
#[utoipa::path(
    operation_id = "contacts_create",
    tag = "Kontaktpersoner",
    params(("id" = i64, Path, description = "The company's id")),
    request_body = ContactIn,
    responses(
        (status = 201, body = ContactOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[post("/companies/{id:\\d+}/contacts")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ContactIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let body = body.into_inner();
    check_text(&body)?;
    state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
    let input = body
        .onto(ContactPersonForm::default())
        .validate()
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let person = state
        .write(actor, move |c, actor| pages::add(c, actor, id, &input))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    let path = format!("/companies/{id}/contacts/{}", person.id);
    Ok(created(path, person.version, ContactOut::from(person)))
}

/// Changes the fields given.
#[utoipa::path(
    operation_id = "contacts_update",
    tag = "Kontaktpersoner",
    params(
        ("id" = i64, Path, description = "The company's id"),
        ("pid" = i64, Path, description = "The contact person's id"),
    ),
    request_body = ContactIn,
    responses(
        (status = 200, body = ContactOut),
        (status = 404, body = super::Problem),
        (status = 422, body = super::Problem)
    )
)]
#[patch("/companies/{id:\\d+}/contacts/{pid:\\d+}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<ContactIn>,
) -> Result<HttpResponse, ApiError> {
    let (jc, (id, pid)) = (user.jobcenter_id, path.into_inner());
    let body = body.into_inner();
    check_text(&body)?;
    let (version, precondition) = based_on(&req, body.version)?;
    let current = state
        .db
        .run(move |c| Ok(ContactPerson::find(c, jc, id, pid)?))
        .await?;
    let input = body
        .onto(ContactPersonForm::from_person(&current))
        .validate()
        .map_err(ApiError::Invalid)?;
    let actor = user.actor(&req, &state);
    let person = state
        .write(actor, move |c, actor| {
            pages::change(c, actor, id, pid, version, &input)
        })
        .await?
        .map_err(|r| ApiError::refused(r, precondition))?;
    Ok(with_etag(person.version, ContactOut::from(person)))
}

/// Takes the person off the company (they are no longer there); the name stays in the
/// company's history.
#[utoipa::path(
    operation_id = "contacts_remove",
    tag = "Kontaktpersoner",
    params(
        ("id" = i64, Path, description = "The company's id"),
        ("pid" = i64, Path, description = "The contact person's id")
    ),
    responses((status = 204, description = "Removed"), (status = 404, body = super::Problem))
)]
#[delete("/companies/{id:\\d+}/contacts/{pid:\\d+}")]
pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, pid) = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| pages::remove(c, actor, id, pid))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::NoContent().finish())
}

/// Erases the person's personal data for good (a data subject's request); an empty row stays
/// so the records that name them stay whole.
#[utoipa::path(
    operation_id = "contacts_erase",
    tag = "Kontaktpersoner",
    params(
        ("id" = i64, Path, description = "The company's id"),
        ("pid" = i64, Path, description = "The contact person's id")
    ),
    responses((status = 204, description = "Erased"), (status = 404, body = super::Problem))
)]
#[post("/companies/{id:\\d+}/contacts/{pid:\\d+}/erase")]
pub async fn erase(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, pid) = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| pages::erase(c, actor, id, pid))
        .await?
        .map_err(|r| ApiError::refused(r, false))?;
    Ok(HttpResponse::NoContent().finish())
}
