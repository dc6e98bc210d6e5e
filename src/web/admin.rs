//! Administration: staff accounts and the audit log (admins only).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::AppState;
use super::auth::{Admin, CurrentUser};
use super::forms::newer_values;
use super::views::{FieldErrors, Layout, Page, dk_datetime, redirect_with_flash};
use crate::domain::validate;
use crate::error::AppError;
use crate::models::Choice;
use crate::models::audit::{AuditRow, action, action_label};
use crate::models::outbox::NewMail;
use crate::models::session::Session;
use crate::models::settings::{Settings, SettingsForm};
use crate::models::two_step::{TwoStep, TwoStepPolicy};
use crate::models::user::{NewUser, Profile, Role, User};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    name: String,
    email: String,
    phone: String,
    title: String,
    role: String,
    password: String,
}

/// Name, phone, title and role as typed, checked the same when a user is created and edited.
fn check_profile(
    errors: &mut FieldErrors,
    name: &str,
    phone: &str,
    title: &str,
    role: &str,
) -> Option<Profile> {
    if let Err(e) = validate::required(name, 200, "Skriv medarbejderens navn.") {
        errors.insert("name", e);
    }
    if phone.chars().count() > 40 {
        errors.insert("phone", "Telefonnummeret må højst være på 40 tegn.".into());
    }
    if title.chars().count() > 200 {
        errors.insert("title", "Stillingen må højst være på 200 tegn.".into());
    }
    let role = Role::parse(role);
    if role.is_none() {
        errors.insert("role", "Vælg en rolle.".into());
    }
    Some(Profile {
        name: name.trim().to_string(),
        phone: phone.trim().to_string(),
        title: title.trim().to_string(),
        role: role?,
    })
}

impl NewUserForm {
    fn validate(&self) -> (FieldErrors, Option<Role>) {
        let mut errors = FieldErrors::new();
        let profile = check_profile(
            &mut errors,
            &self.name,
            &self.phone,
            &self.title,
            &self.role,
        );
        if let Err(e) = validate::email(&validate::normalize_email(&self.email)) {
            errors.insert("email", e.into());
        }
        if let Err(e) = validate::password(&self.password) {
            errors.insert("password", e.into());
        }
        (errors, profile.map(|p| p.role))
    }
}

fn user_form_page(
    req: &HttpRequest,
    state: &AppState,
    form: &NewUserForm,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut page = Page::new(req);
    if !errors.is_empty() {
        page = page.invalid(errors);
    }
    page.render(state, |l| UserFormPage {
        l,
        form,
        roles: Role::choices(),
    })
}

#[derive(askama::Template)]
#[template(path = "admin/user_form.html")]
struct UserFormPage<'a> {
    l: Layout,
    form: &'a NewUserForm,
    roles: Vec<Choice>,
}

#[get("/admin/users")]
pub async fn list_users(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let users = state
        .db
        .run(move |c| Ok(User::list(c, jc)?))
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            role_label: u.role.label(),
            active: u.active,
            last_login_at: u.last_login_at.map(dk_datetime),
            name: u.name,
            title: u.title,
            email: u.email,
        })
        .collect();
    Page::new(&req).render(&state, |l| UsersPage {
        l,
        user: user.0,
        users,
    })
}

#[derive(askama::Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    l: Layout,
    user: CurrentUser,
    users: Vec<UserRow>,
}

/// A member of staff as listed, the last sign-in as shown.
struct UserRow {
    id: i64,
    name: String,
    title: String,
    email: String,
    role_label: &'static str,
    active: bool,
    last_login_at: Option<String>,
}

#[get("/admin/users/new")]
pub async fn new_user_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    _admin: Admin,
) -> Result<HttpResponse, AppError> {
    let form = NewUserForm {
        role: Role::Consultant.as_str().into(),
        ..Default::default()
    };
    user_form_page(&req, &state, &form, &FieldErrors::new())
}

#[post("/admin/users")]
pub async fn create_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (mut errors, role) = form.validate();
    let email = validate::normalize_email(&form.email);
    if errors.is_empty() {
        let e = email.clone();
        if state
            .db
            .run(move |c| Ok(User::find_by_email(c, &e)?))
            .await?
            .is_some()
        {
            errors.insert("email", "E-mailadressen er allerede i brug.".into());
        }
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return user_form_page(&req, &state, &form, &errors);
    };
    let hash = state.hash_password(form.password.clone()).await?;
    let jc = user.jobcenter_id;
    let (name, phone, title) = (
        form.name.trim().to_string(),
        form.phone.trim().to_string(),
        form.title.trim().to_string(),
    );
    let created = state
        .write(user.actor(&req, &state), move |c, actor| {
            let new = NewUser {
                jobcenter_id: jc,
                email: &email,
                name: &name,
                phone: &phone,
                title: &title,
                role,
                password_hash: &hash,
                created_at: actor.now,
            }
            .insert(c)?;
            let details = format!("{} ({})", new.email, role.label());
            actor.record(c, action::USER_CREATED, "user", Some(new.id), details)?;
            Ok(new)
        })
        .await
        .and_then(|written| Ok(written?));
    match created {
        Ok(new) => Ok(redirect_with_flash(
            &state,
            "/admin/users",
            "ok",
            &format!("{} er oprettet.", new.name),
        )),
        // Taken between the check and the insert.
        Err(AppError::Conflict(_)) => {
            errors.insert("email", "E-mailadressen er allerede i brug.".into());
            user_form_page(&req, &state, &form, &errors)
        }
        Err(e) => Err(e),
    }
}

/// An admin's edit of a member of staff: what the form started from comes back with it, so a
/// colleague's edit made in the meantime is not overwritten.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditUserForm {
    name: String,
    phone: String,
    title: String,
    role: String,
    /// Left empty to keep the password.
    new_password: String,
    was_name: String,
    was_phone: String,
    was_title: String,
    was_role: String,
}

impl EditUserForm {
    fn from_user(u: &User) -> EditUserForm {
        EditUserForm {
            name: u.name.clone(),
            phone: u.phone.clone(),
            title: u.title.clone(),
            role: u.role.as_str().into(),
            new_password: String::new(),
            was_name: u.name.clone(),
            was_phone: u.phone.clone(),
            was_title: u.title.clone(),
            was_role: u.role.as_str().into(),
        }
    }

    /// The profile to save and the one the form started from.
    fn validate(&self) -> Result<(Profile, Profile), FieldErrors> {
        let mut errors = FieldErrors::new();
        let profile = check_profile(
            &mut errors,
            &self.name,
            &self.phone,
            &self.title,
            &self.role,
        );
        if !self.new_password.is_empty()
            && let Err(e) = validate::password(&self.new_password)
        {
            errors.insert("new_password", e.into());
        }
        let was = Role::parse(&self.was_role).map(|role| Profile {
            name: self.was_name.clone(),
            phone: self.was_phone.clone(),
            title: self.was_title.clone(),
            role,
        });
        match (profile, was) {
            (Some(profile), Some(was)) if errors.is_empty() => Ok((profile, was)),
            (_, None) => {
                errors.insert("form", "Formularen er ufuldstændig. Prøv igen.".into());
                Err(errors)
            }
            _ => Err(errors),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "admin/user_edit.html")]
struct EditUserPage<'a> {
    l: Layout,
    /// The admin's own account: their password is changed on their own page.
    own: bool,
    target: &'a User,
    form: &'a EditUserForm,
    roles: Vec<Choice>,
}

fn edit_user_page(
    req: &HttpRequest,
    state: &AppState,
    target: &User,
    form: &EditUserForm,
    errors: &FieldErrors,
    status: Option<actix_web::http::StatusCode>,
) -> Result<HttpResponse, AppError> {
    let mut page = Page::new(req);
    if !errors.is_empty() {
        page = page.invalid(errors);
    }
    if let Some(status) = status {
        page = page.status(status);
    }
    page.render(state, |l| EditUserPage {
        own: l.current_user.as_ref().is_some_and(|u| u.id == target.id),
        l,
        target,
        form,
        roles: Role::choices(),
    })
}

#[get("/admin/users/{id}/edit")]
pub async fn edit_user_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    // Not found when the user belongs to another jobcenter.
    let target = state.db.run(move |c| Ok(User::find(c, jc, id)?)).await?;
    let form = EditUserForm::from_user(&target);
    edit_user_page(&req, &state, &target, &form, &FieldErrors::new(), None)
}

/// Saves name, phone, title and role, and a new password when one is given (which ends the
/// user's sessions). The last active admin cannot give up the role.
#[post("/admin/users/{id}")]
pub async fn update_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
    form: web::Form<EditUserForm>,
) -> Result<HttpResponse, AppError> {
    let (jc, id, me) = (user.jobcenter_id, path.into_inner(), user.id);
    let target = state.db.run(move |c| Ok(User::find(c, jc, id)?)).await?;
    let mut form = form.into_inner();
    let checked = form.validate().and_then(|checked| {
        if id == me && !form.new_password.is_empty() {
            // Changed with the current one, on the user's own page.
            Err(FieldErrors::from([(
                "new_password",
                "Din egen adgangskode skifter du under Skift adgangskode.".to_string(),
            )]))
        } else {
            Ok(checked)
        }
    });
    let (profile, was) = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            form.new_password.clear();
            return edit_user_page(&req, &state, &target, &form, &errors, None);
        }
    };
    let hash = match form.new_password.as_str() {
        "" => None,
        password => Some(state.hash_password(password.to_string()).await?),
    };
    let new = profile.clone();
    let saved = state
        .write(user.actor(&req, &state), move |c, actor| {
            let target = User::find(c, jc, id)?;
            if target.role == Role::Admin
                && new.role != Role::Admin
                && target.active
                && User::count_active_admins(c, jc)? <= 1
            {
                return Ok(Err(Refusal::LastAdmin));
            }
            if !User::update_profile(c, jc, id, &was, &new)? {
                return Ok(Err(Refusal::Stale(Box::new(target))));
            }
            let details = format!("{} ({})", target.email, new.role.label());
            actor.record(c, action::USER_UPDATED, "user", Some(id), details)?;
            if let Some(hash) = &hash {
                User::set_password(c, id, hash)?;
                let details = format!("{}, sat af en administrator", target.email);
                actor.record(c, action::PASSWORD_CHANGED, "user", Some(id), details)?;
            }
            Ok(Ok(()))
        })
        .await??;
    let password_set = !form.new_password.is_empty();
    form.new_password.clear();
    match saved {
        Ok(()) => {
            let message = if password_set {
                format!(
                    "{} er gemt. Den nye adgangskode gælder fra nu, og medarbejderen er logget ud.",
                    profile.name
                )
            } else {
                format!("{} er gemt.", profile.name)
            };
            // An admin who gave up the role can no longer see the staff list.
            let back = if id == me && profile.role != Role::Admin {
                "/"
            } else {
                "/admin/users"
            };
            Ok(redirect_with_flash(&state, back, "ok", &message))
        }
        Err(Refusal::LastAdmin) => {
            let errors = FieldErrors::from([(
                "role",
                "Der skal være mindst én aktiv administrator. Giv en anden rollen først."
                    .to_string(),
            )]);
            edit_user_page(&req, &state, &target, &form, &errors, None)
        }
        Err(Refusal::Stale(current)) => {
            // Shown as it is now, to be edited again.
            let fresh = EditUserForm::from_user(&current);
            let errors = FieldErrors::from([(
                "form",
                "En anden har ændret medarbejderen imens. Her er de nye oplysninger; ret dem igen, og gem."
                    .to_string(),
            )]);
            edit_user_page(
                &req,
                &state,
                &current,
                &fresh,
                &errors,
                Some(actix_web::http::StatusCode::CONFLICT),
            )
        }
    }
}

/// Why an admin's edit was not saved.
enum Refusal {
    LastAdmin,
    Stale(Box<User>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActiveForm {
    active: String,
}

#[post("/admin/users/{id}/active")]
pub async fn set_user_active(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
    form: web::Form<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    let target_id = path.into_inner();
    let active = form.active == "true";
    if target_id == user.id && !active {
        return Ok(redirect_with_flash(
            &state,
            "/admin/users",
            "error",
            "Du kan ikke deaktivere dig selv.",
        ));
    }
    let jc = user.jobcenter_id;
    let target = state
        .write(user.actor(&req, &state), move |c, actor| {
            // Not found when the user belongs to another jobcenter.
            let target = User::find(c, jc, target_id)?;
            User::set_active(c, target.id, active)?;
            let done = if active {
                action::USER_ENABLED
            } else {
                action::USER_DISABLED
            };
            actor.record(c, done, "user", Some(target.id), target.email.clone())?;
            Ok(target)
        })
        .await??;
    let message = if active {
        format!("{} er aktiveret igen.", target.name)
    } else {
        format!("{} er deaktiveret og logget ud.", target.name)
    };
    Ok(redirect_with_flash(&state, "/admin/users", "ok", &message))
}

/// Ends every session of a colleague (a lost phone, a misused account): they are signed out
/// everywhere at once and must sign in again.
#[post("/admin/users/{id}/sessions/end")]
pub async fn end_user_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (target_id, jc) = (path.into_inner(), user.jobcenter_id);
    let (target, ended) = state
        .write(user.actor(&req, &state), move |c, actor| {
            // Not found when the user belongs to another jobcenter.
            let target = User::find(c, jc, target_id)?;
            let ended = Session::end_all_of_user(c, target.id, None)?;
            actor.record(
                c,
                action::SESSIONS_ENDED,
                "user",
                Some(target.id),
                format!("{}: {ended} sessioner", target.email),
            )?;
            Ok((target, ended))
        })
        .await??;
    let message = format!("{} er logget ud alle steder ({ended}).", target.name);
    Ok(redirect_with_flash(
        &state,
        &format!("/admin/users/{target_id}/edit"),
        "ok",
        &message,
    ))
}

/// Resets a colleague's two-step sign-in (a new phone, a lost one): key and recovery codes go,
/// the next sign-in sets it up again where the jobcenter requires it, and the person is told by
/// mail, so a reset they did not ask for does not go unnoticed.
#[post("/admin/users/{id}/two-step/reset")]
pub async fn reset_two_step(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (target_id, jc) = (path.into_inner(), user.jobcenter_id);
    let admin_name = user.name.clone();
    let target = state
        .write(user.actor(&req, &state), move |c, actor| {
            // Not found when the user belongs to another jobcenter.
            let target = User::find(c, jc, target_id)?;
            TwoStep::disable(c, target.id)?;
            actor.record(
                c,
                action::TWO_STEP_RESET,
                "user",
                Some(target.id),
                target.email.clone(),
            )?;
            NewMail {
                jobcenter_id: Some(jc),
                request_id: None,
                to_address: target.email.clone(),
                subject: "Din totrinsbekræftelse er nulstillet".into(),
                body: format!(
                    "Goddag {name}\n\n{admin_name} har nulstillet totrinsbekræftelsen på din \
                     konto i jobcentrets CRM. Næste gang du logger ind, kan du sætte den op \
                     igen med din telefon.\n\nHar du ikke bedt om det, så kontakt {admin_name} \
                     eller jobcentrets it-ansvarlige med det samme.\n",
                    name = target.name,
                ),
            }
            .enqueue(c, actor.now)?;
            Ok(target)
        })
        .await??;
    let message = format!(
        "Totrinsbekræftelsen for {} er nulstillet, og medarbejderen har fået besked.",
        target.name
    );
    Ok(redirect_with_flash(
        &state,
        &format!("/admin/users/{target_id}/edit"),
        "ok",
        &message,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    before: Option<i64>,
}

/// A line of the audit log as shown.
struct AuditLine {
    created_at: String,
    user_name: Option<String>,
    action: String,
    details: String,
    client_ip: Option<String>,
}

impl AuditLine {
    fn label(&self) -> &str {
        action_label(&self.action)
    }
}

const AUDIT_PAGE_SIZE: i64 = 50;

#[get("/admin/audit")]
pub async fn audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let before = query.before;
    let mut rows = state
        .db
        .run(move |c| Ok(AuditRow::page(c, jc, before, AUDIT_PAGE_SIZE + 1)?))
        .await?;
    let more = rows.len() as i64 > AUDIT_PAGE_SIZE;
    rows.truncate(AUDIT_PAGE_SIZE as usize);
    let next_before = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let rows = rows
        .into_iter()
        .map(|row| AuditLine {
            created_at: dk_datetime(row.created_at),
            user_name: row.user_name,
            action: row.action,
            details: row.details,
            client_ip: row.client_ip,
        })
        .collect();
    Page::new(&req).render(&state, |l| AuditPage {
        l,
        user: user.0,
        rows,
        next_before,
    })
}

#[derive(askama::Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    l: Layout,
    user: CurrentUser,
    rows: Vec<AuditLine>,
    next_before: Option<i64>,
}

#[get("/admin/settings")]
pub async fn settings_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let settings = state.db.run(move |c| Ok(Settings::get(c, jc)?)).await?;
    Page::new(&req).render(&state, |l| SettingsPage {
        l,
        user: user.0,
        form: SettingsForm::from_settings(&settings),
        two_step_choices: TwoStepPolicy::choices(),
        newer: None,
        reload: "/admin/settings",
    })
}

#[derive(askama::Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    l: Layout,
    user: CurrentUser,
    form: SettingsForm,
    two_step_choices: Vec<Choice>,
    /// After a stale save: what another admin saved meanwhile.
    newer: Option<Vec<(String, String)>>,
    reload: &'static str,
}

/// The settings a stale save compares, with their labels on the page.
const SETTINGS_FIELDS: &[(&str, &str)] = &[
    ("smaajob_min_hours", "Småjob: mindst antal timer om ugen"),
    ("smaajob_max_hours", "Småjob: højst antal timer om ugen"),
    (
        "other_min_hours",
        "Andre forløb: mindst antal timer om ugen",
    ),
    ("other_max_hours", "Andre forløb: højst antal timer om ugen"),
    ("praktik_max_weeks", "Længste virksomhedspraktik i uger"),
    ("entry_name", "Navn udadtil"),
    ("entry_phone", "Telefon"),
    ("entry_email", "E-mail"),
    ("entry_address", "Postadresse"),
    ("entry_hours", "Åbningstid"),
    ("accessibility_url", "Link til tilgængelighedserklæringen"),
    ("closed_constitution_day", "Lukket grundlovsdag"),
    ("closed_christmas_eve", "Lukket juleaftensdag"),
    ("closed_new_years_eve", "Lukket nytårsaftensdag"),
    ("closing_days", "Andre lukkedage"),
    ("answer_promise_days", "Svar lovet inden for (arbejdsdage)"),
    ("privacy_url", "Link til jobcenterets privatlivstekst"),
    ("team_email", "Teamets e-mail til nye henvendelser"),
    (
        "request_retention_months",
        "Slet lukkede henvendelser efter (måneder)",
    ),
    ("spam_retention_days", "Slet spam efter (dage)"),
    (
        "survey_after_request",
        "Spørg, når en henvendelse er lukket",
    ),
    ("survey_after_visit", "Spørg, når et besøg er registreret"),
    (
        "access_log_retention_months",
        "Slet loggen over opslag efter (måneder)",
    ),
    ("require_two_step", "Totrinsbekræftelse kræves af"),
];

#[post("/admin/settings")]
pub async fn save_settings(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let actor = user.actor(&req, &state);
    let settings = match form.validate(user.jobcenter_id, actor.now) {
        Ok(s) => s,
        Err(errors) => {
            return Page::new(&req)
                .invalid(&errors)
                .render(&state, |l| SettingsPage {
                    l,
                    user: user.0,
                    form,
                    two_step_choices: TwoStepPolicy::choices(),
                    newer: None,
                    reload: "/admin/settings",
                });
        }
    };
    let result = state
        .write(actor, move |c, actor| {
            settings.save(c)?;
            actor.record(c, action::SETTINGS_CHANGED, "settings", None, String::new())?;
            Ok(())
        })
        .await?;
    if let Err(refused) = result {
        let newer = if refused.is_stale() {
            let jc = user.jobcenter_id;
            let saved = state.db.run(move |c| Ok(Settings::get(c, jc)?)).await?;
            let saved = SettingsForm::from_settings(&saved);
            Some(newer_values(
                &form,
                &saved,
                SETTINGS_FIELDS,
                |field, value| {
                    (field == "require_two_step")
                        .then(|| TwoStepPolicy::parse(value).map(|p| p.label().to_string()))
                        .flatten()
                },
            ))
        } else {
            None
        };
        return Page::new(&req)
            .refused(&refused)
            .render(&state, |l| SettingsPage {
                l,
                user: user.0,
                form,
                two_step_choices: TwoStepPolicy::choices(),
                newer,
                reload: "/admin/settings",
            });
    }
    Ok(redirect_with_flash(
        &state,
        "/admin/settings",
        "ok",
        "Indstillingerne er gemt.",
    ))
}
