//! The texts a jobcenter words itself (`models::text`), for administrators: the list, a text's
//! edit page with its variables, a preview with example values, its earlier versions, and the
//! way back to the shipped default.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::AppState;
use super::auth::Admin;
use super::forms::Refused;
use super::views::{Layout, Page, dk_datetime, redirect_with_flash};
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::text::{ALL, Rendered, TextKind, TextVersion, Texts, Wording, render_wording};

fn kind_of(key: &str) -> Result<&'static TextKind, AppError> {
    TextKind::find(key).ok_or(AppError::NotFound)
}

/// One line of the list of texts.
struct Line {
    kind: &'static TextKind,
    /// "Standardtekst", or when and by whom it was changed.
    state: String,
}

#[derive(askama::Template)]
#[template(path = "admin/texts.html")]
struct ListPage {
    l: Layout,
    lines: Vec<Line>,
}

#[get("/admin/texts")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let changes = state
        .db
        .read(move |c| Ok(Texts::last_changes(c, jc)?))
        .await?;
    let lines = ALL
        .iter()
        .map(|kind| {
            let change = changes.iter().find(|l| l.key == kind.key);
            let state = match change {
                Some(l) if !l.is_default => format!(
                    "Egen tekst, ændret {}{}",
                    dk_datetime(l.at),
                    l.who
                        .as_ref()
                        .map(|w| format!(" af {w}"))
                        .unwrap_or_default()
                ),
                _ => "Standardtekst".to_string(),
            };
            Line { kind, state }
        })
        .collect();
    Page::new(&req).render(&state, |l| ListPage { l, lines })
}

/// A saved version as the edit page lists it.
struct VersionLine {
    id: i64,
    when: String,
    who: String,
    version: TextVersion,
}

#[derive(askama::Template)]
#[template(path = "admin/text_edit.html")]
struct EditPage {
    l: Layout,
    kind: &'static TextKind,
    form: TextForm,
    /// The text rendered with example values (none when it cannot be).
    preview: Option<Rendered>,
    /// Whether the preview is of what was typed (not yet saved).
    unsaved_preview: bool,
    is_default: bool,
    versions: Vec<VersionLine>,
    /// After a stale save: the text as another administrator saved it meanwhile.
    newer: Option<Wording>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TextForm {
    /// The version the form was opened on (0: the default, never changed).
    based_on: String,
    subject: String,
    body: String,
    /// "preview" shows the text with example values; anything else saves.
    action: String,
}

impl TextForm {
    fn wording(&self) -> Wording {
        Wording {
            subject: self.subject.clone(),
            // Browsers send a textarea's line breaks as CRLF; mails and templates use LF.
            body: self.body.replace("\r\n", "\n"),
        }
    }

    fn based_on(&self) -> i64 {
        self.based_on.trim().parse().unwrap_or(-1)
    }
}

async fn edit_page(
    req: &HttpRequest,
    state: &AppState,
    user: &Admin,
    kind: &'static TextKind,
    typed: Option<(TextForm, bool)>,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let (current, versions) = state
        .db
        .read(move |c| Ok((Texts::current(c, jc, kind)?, Texts::versions(c, jc, kind)?)))
        .await?;
    let stale = refused.is_stale();
    let (form, unsaved_preview) = match typed {
        Some((form, preview)) => (form, preview),
        None => (
            TextForm {
                based_on: current.version_id.to_string(),
                subject: current.wording.subject.clone(),
                body: current.wording.body.clone(),
                action: String::new(),
            },
            false,
        ),
    };
    // Shown: what was typed when asked for, else what is saved.
    let shown = if unsaved_preview {
        form.wording()
    } else {
        current.wording.clone()
    };
    // The example, signed with the jobcenter's own name.
    let mut sample = kind.sample();
    for key in ["jobcenter", "afsender"] {
        if let Some(name) = sample.get_mut(key) {
            *name = user.jobcenter_name.clone().into();
        }
    }
    let preview = render_wording(kind, &shown, &sample).ok();
    let newer = stale.then(|| current.wording.clone());
    let mut form = form;
    if stale {
        // Saving again goes on from what is saved now.
        form.based_on = current.version_id.to_string();
    }
    let versions = versions
        .into_iter()
        .map(|(version, who)| VersionLine {
            id: version.id,
            when: dk_datetime(version.created_at),
            who: who.unwrap_or_default(),
            version,
        })
        .collect();
    Page::new(req)
        .refused(&refused)
        .render(state, |l| EditPage {
            l,
            kind,
            form,
            preview,
            unsaved_preview,
            is_default: current.is_default,
            versions,
            newer,
        })
}

#[get("/admin/texts/{key}")]
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path)?;
    edit_page(&req, &state, &user, kind, None, Refused::none()).await
}

#[post("/admin/texts/{key}")]
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<String>,
    form: web::Form<TextForm>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path)?;
    let form = form.into_inner();
    let wording = form.wording();
    if form.action == "preview" {
        let refused = match kind.check(&wording) {
            Ok(()) => Refused::none(),
            Err(errors) => Refused::invalid(errors),
        };
        return edit_page(&req, &state, &user, kind, Some((form, true)), refused).await;
    }
    let (jc, based_on) = (user.jobcenter_id, form.based_on());
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            Texts::save(
                c,
                jc,
                kind,
                based_on,
                Some(&wording),
                actor.user_id,
                actor.now,
            )?;
            actor.record(
                c,
                action::TEXT_CHANGED,
                "text",
                None,
                kind.title.to_string(),
            )?;
            Ok(())
        })
        .await?;
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/admin/texts/{}", kind.key),
            "ok",
            "Teksten er gemt. Den bruges fra nu af.",
        )),
        Err(refused) => edit_page(&req, &state, &user, kind, Some((form, false)), refused).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RestoreForm {
    based_on: String,
}

/// "Gendan standardtekst", or an earlier version back (`version`).
async fn restore(
    req: &HttpRequest,
    state: &AppState,
    user: &Admin,
    kind: &'static TextKind,
    based_on: &str,
    version: Option<i64>,
) -> Result<HttpResponse, AppError> {
    let (jc, based_on) = (user.jobcenter_id, based_on.trim().parse().unwrap_or(-1));
    let actor = user.actor(req, state);
    let result = state
        .write(actor, move |c, actor| {
            let (wording, what) = match version {
                Some(id) => {
                    let v = Texts::version(c, jc, kind, id)?;
                    let what = format!("{}: version fra {}", kind.title, dk_datetime(v.created_at));
                    let wording = v.body.clone().map(|body| Wording {
                        subject: v.subject.clone().unwrap_or_default(),
                        body,
                    });
                    (wording, what)
                }
                None => (None, format!("{}: standardteksten", kind.title)),
            };
            Texts::save(
                c,
                jc,
                kind,
                based_on,
                wording.as_ref(),
                actor.user_id,
                actor.now,
            )?;
            actor.record(c, action::TEXT_RESTORED, "text", None, what)?;
            Ok(())
        })
        .await?;
    let (level, message) = match result {
        Ok(()) if version.is_some() => ("ok", "Den tidligere version bruges nu igen."),
        Ok(()) => ("ok", "Standardteksten bruges nu igen."),
        Err(refused) if refused.is_stale() => (
            "error",
            "En anden har ændret teksten imens. Se den, som den er nu, og prøv igen.",
        ),
        Err(_) => ("error", "Versionen kunne ikke gendannes."),
    };
    Ok(redirect_with_flash(
        state,
        &format!("/admin/texts/{}", kind.key),
        level,
        message,
    ))
}

#[post("/admin/texts/{key}/default")]
pub async fn restore_default(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<String>,
    form: web::Form<RestoreForm>,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path)?;
    restore(&req, &state, &user, kind, &form.based_on, None).await
}

#[post("/admin/texts/{key}/versions/{id:\\d+}/restore")]
pub async fn restore_version(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<(String, i64)>,
    form: web::Form<RestoreForm>,
) -> Result<HttpResponse, AppError> {
    let (key, id) = path.into_inner();
    let kind = kind_of(&key)?;
    let jc = user.jobcenter_id;
    // Another jobcenter's version, or another text's: not found.
    state
        .db
        .read(move |c| Ok(Texts::version(c, jc, kind, id)?))
        .await?;
    restore(&req, &state, &user, kind, &form.based_on, Some(id)).await
}
