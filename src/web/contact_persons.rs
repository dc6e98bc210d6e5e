//! Contact persons of a company: add, edit, remove, and erase for good (GDPR).

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::access_log;
use super::auth::CurrentUser;
use super::forms::{Refused, newer_values};
use super::views::{Layout, Page, redirect_with_flash};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::audit::Actor;
use crate::models::audit::action;
use crate::models::company::Company;
use crate::models::contact_person::{ContactPerson, ContactPersonForm, ContactPersonInput};

/// The fields of the form as a stale save compares them.
const FIELDS: &[(&str, &str)] = &[
    ("name", "Navn"),
    ("title", "Stilling"),
    ("phone", "Telefon"),
    ("email", "E-mail"),
];

fn contact_form_page(
    req: &HttpRequest,
    state: &AppState,
    company: Company,
    person_id: Option<i64>,
    form: ContactPersonForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    contact_form_with_newer(req, state, company, person_id, form, refused, None)
}

/// The form; `newer` is the person as saved now, when the save was refused as stale.
fn contact_form_with_newer(
    req: &HttpRequest,
    state: &AppState,
    company: Company,
    person_id: Option<i64>,
    form: ContactPersonForm,
    refused: Refused,
    newer: Option<ContactPerson>,
) -> Result<HttpResponse, AppError> {
    let newer = newer.map(|saved| {
        newer_values(
            &form,
            &ContactPersonForm::from_person(&saved),
            FIELDS,
            |_, _| None,
        )
    });
    Page::new(req)
        .refused(&refused)
        .render(state, |l| ContactFormPage {
            reload: format!(
                "/companies/{}/contacts/{}/edit",
                company.id,
                person_id.unwrap_or_default()
            ),
            l,
            company,
            person_id,
            form,
            newer,
        })
}

#[derive(askama::Template)]
#[template(path = "companies/contact_form.html")]
struct ContactFormPage {
    l: Layout,
    company: Company,
    /// The contact person being changed; none for a new one.
    person_id: Option<i64>,
    form: ContactPersonForm,
    /// After a stale save: what a colleague saved meanwhile, and where to reload.
    newer: Option<Vec<(String, String)>>,
    reload: String,
}

#[get("/companies/{id:\\d+}/contacts/new")]
pub async fn new_contact_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let company = state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
    contact_form_page(
        &req,
        &state,
        company,
        None,
        ContactPersonForm::default(),
        Refused::none(),
    )
}

#[post("/companies/{id:\\d+}/contacts")]
pub async fn create_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<ContactPersonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let company = state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return contact_form_page(&req, &state, company, None, form, Refused::invalid(errors));
        }
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| add(c, actor, id, &input).map(drop))
        .await?;
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/companies/{id}"),
            "ok",
            "Kontaktpersonen er tilføjet.",
        )),
        Err(refused) => contact_form_page(&req, &state, company, None, form, refused),
    }
}

/// A contact person of the user's jobcenter with their company, for a page that shows them:
/// the look is written to the access log.
async fn shown_person(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    pid: i64,
) -> Result<(Company, ContactPerson), AppError> {
    let jc = user.jobcenter_id;
    let found = state
        .db
        .run(move |c| {
            Ok((
                Company::find(c, jc, id)?,
                ContactPerson::find(c, jc, id, pid)?,
            ))
        })
        .await?;
    let person = Some((AccessEntity::ContactPerson, pid));
    access_log::record(state, user, AccessKind::View, person, "").await?;
    Ok(found)
}

#[get("/companies/{id:\\d+}/contacts/{pid:\\d+}/edit")]
pub async fn edit_contact_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, pid) = path.into_inner();
    let (company, person) = shown_person(&state, &user, id, pid).await?;
    let form = ContactPersonForm::from_person(&person);
    contact_form_page(&req, &state, company, Some(pid), form, Refused::none())
}

#[post("/companies/{id:\\d+}/contacts/{pid:\\d+}/edit")]
pub async fn update_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<ContactPersonForm>,
) -> Result<HttpResponse, AppError> {
    let ((id, pid), jc) = (path.into_inner(), user.jobcenter_id);
    let company = state
        .db
        .run(move |c| {
            ContactPerson::find(c, jc, id, pid)?;
            Ok(Company::find(c, jc, id)?)
        })
        .await?;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return contact_form_page(
                &req,
                &state,
                company,
                Some(pid),
                form,
                Refused::invalid(errors),
            );
        }
    };
    let actor = user.actor(&req, &state);
    let version = form.expected_version();
    let result = state
        .write(actor, move |c, actor| {
            change(c, actor, id, pid, version, &input).map(drop)
        })
        .await?;
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/companies/{id}"),
            "ok",
            "Kontaktpersonen er gemt.",
        )),
        Err(refused) if refused.is_stale() => {
            let saved = state
                .db
                .run(move |c| Ok(ContactPerson::find(c, jc, id, pid)?))
                .await?;
            contact_form_with_newer(&req, &state, company, Some(pid), form, refused, Some(saved))
        }
        Err(refused) => contact_form_page(&req, &state, company, Some(pid), form, refused),
    }
}

#[post("/companies/{id:\\d+}/contacts/{pid:\\d+}/remove")]
pub async fn remove_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, pid) = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| remove(c, actor, id, pid))
        .await??;
    Ok(redirect_with_flash(
        &state,
        &format!("/companies/{id}"),
        "ok",
        "Kontaktpersonen er fjernet fra virksomheden.",
    ))
}

#[get("/companies/{id:\\d+}/contacts/{pid:\\d+}/erase")]
pub async fn erase_contact_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, pid) = path.into_inner();
    let (company, person) = shown_person(&state, &user, id, pid).await?;
    Page::new(&req).render(&state, |l| ContactErasePage { l, company, person })
}

#[derive(askama::Template)]
#[template(path = "companies/contact_erase.html")]
struct ContactErasePage {
    l: Layout,
    company: Company,
    person: ContactPerson,
}

#[post("/companies/{id:\\d+}/contacts/{pid:\\d+}/erase")]
pub async fn erase_contact(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, pid) = path.into_inner();
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| erase(c, actor, id, pid))
        .await??;
    Ok(redirect_with_flash(
        &state,
        &format!("/companies/{id}"),
        "ok",
        "Kontaktpersonens oplysninger er slettet for altid.",
    ))
}

// --- The writes, as the pages and the API make them -------------------------------------------
// Audit rows name ids only: the log keeps no personal data that an erasure would have to reach.

/// Adds a contact person to company `id`.
pub fn add(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &ContactPersonInput,
) -> Result<ContactPerson, WriteError> {
    let person = ContactPerson::create(c, actor.jobcenter_id, id, input, actor.now)?;
    let what = format!("virksomhed #{id}");
    actor.record(
        c,
        action::CONTACT_CREATED,
        "contact_person",
        Some(person.id),
        what,
    )?;
    Ok(person)
}

/// Saves an edit of person `pid` made on `version`.
pub fn change(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    pid: i64,
    version: i32,
    input: &ContactPersonInput,
) -> Result<ContactPerson, WriteError> {
    let person = ContactPerson::update(c, actor.jobcenter_id, id, pid, version, input, actor.now)?;
    let what = format!("virksomhed #{id}");
    actor.record(
        c,
        action::CONTACT_UPDATED,
        "contact_person",
        Some(pid),
        what,
    )?;
    Ok(person)
}

/// Takes person `pid` off the company; the name stays in its history.
pub fn remove(c: &mut DbConn, actor: &Actor, id: i64, pid: i64) -> Result<(), WriteError> {
    ContactPerson::remove(c, actor.jobcenter_id, id, pid, actor.now)?;
    let what = format!("virksomhed #{id}");
    actor.record(
        c,
        action::CONTACT_REMOVED,
        "contact_person",
        Some(pid),
        what,
    )?;
    Ok(())
}

/// Wipes person `pid`'s personal data for good.
pub fn erase(c: &mut DbConn, actor: &Actor, id: i64, pid: i64) -> Result<(), WriteError> {
    ContactPerson::erase(c, actor.jobcenter_id, id, pid, actor.now)?;
    let what = format!("virksomhed #{id}");
    actor.record(c, action::CONTACT_ERASED, "contact_person", Some(pid), what)?;
    Ok(())
}
