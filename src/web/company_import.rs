//! The CSV import of companies (/companies/import, managers): upload, preview, confirm.

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::Manager;
use super::views::{FieldErrors, Layout, Page, redirect, redirect_with_flash};
use crate::domain::csv_io;
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::company_import::{self, ImportReport, PendingImport};

#[get("/companies/import")]
pub async fn import_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    _manager: Manager,
) -> Result<HttpResponse, AppError> {
    Page::new(&req).render(&state, |l| ImportPage::new(l, false))
}

fn import_error(
    req: &HttpRequest,
    state: &AppState,
    message: &str,
    update_existing: bool,
) -> Result<HttpResponse, AppError> {
    Page::new(req)
        .invalid(&FieldErrors::from([("file", message.to_string())]))
        .render(state, |l| ImportPage::new(l, update_existing))
}

#[derive(askama::Template)]
#[template(path = "companies/import.html")]
struct ImportPage {
    l: Layout,
    headers: &'static [&'static str],
    update_existing: bool,
}

impl ImportPage {
    fn new(l: Layout, update_existing: bool) -> Self {
        ImportPage {
            l,
            headers: &company_import::HEADERS,
            update_existing,
        }
    }
}

/// The import form: the CSV file and whether known companies are updated.
#[derive(MultipartForm)]
pub struct ImportUpload {
    #[multipart(limit = "10MiB")]
    file: Option<Bytes>,
    update_existing: Option<Text<String>>,
}

/// Receives the file, keeps it for the preview and shows what the import would do.
#[post("/companies/import")]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: Result<MultipartForm<ImportUpload>, actix_web::Error>,
) -> Result<HttpResponse, AppError> {
    let Ok(MultipartForm(form)) = form else {
        let message = "Filen kunne ikke læses. Vælg en CSV-fil på højst 10 MB.";
        return import_error(&req, &state, message, false);
    };
    let update_existing = form.update_existing.is_some_and(|v| v.0 == "1");
    let (filename, bytes) = form
        .file
        .map(|f| (f.file_name.unwrap_or_default(), f.data.to_vec()))
        .unwrap_or_default();
    if bytes.is_empty() {
        return import_error(&req, &state, "Vælg en CSV-fil.", update_existing);
    }
    let table = match csv_io::read_table(&bytes) {
        Ok(t) => t,
        Err(e) => return import_error(&req, &state, e, update_existing),
    };
    let content = csv_io::decode(&bytes);
    let now = state.now();
    let (jc, uid) = (user.jobcenter_id, user.id);
    let result = state
        .db
        .run(
            move |c| match company_import::preview(c, jc, &table, update_existing) {
                Err(file_error) => Ok(Err(file_error)),
                Ok(_) => Ok(Ok(PendingImport::create(
                    c,
                    jc,
                    uid,
                    &filename,
                    &content,
                    update_existing,
                    now,
                )?)),
            },
        )
        .await?;
    match result {
        Ok(id) => Ok(redirect(&format!("/companies/import/{id}"))),
        Err(file_error) => import_error(&req, &state, &file_error, update_existing),
    }
}

#[get("/companies/import/{id:\\d+}")]
pub async fn import_preview(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc, uid) = (path.into_inner(), user.jobcenter_id, user.id);
    let (pending, report) = state
        .db
        .run(move |c| {
            let pending = PendingImport::find(c, jc, uid, id)?;
            let table = csv_io::read_table(pending.content.as_bytes())
                .map_err(|e| AppError::Validation(e.into()))?;
            let report = company_import::preview(c, jc, &table, pending.update_existing)
                .map_err(AppError::Validation)?;
            Ok((pending, report))
        })
        .await?;
    Page::new(&req).render(&state, |l| ImportPreviewPage {
        l,
        import_id: pending.id,
        filename: pending.filename,
        update_existing: pending.update_existing,
        report,
    })
}

#[derive(askama::Template)]
#[template(path = "companies/import_preview.html")]
struct ImportPreviewPage {
    l: Layout,
    import_id: i64,
    filename: String,
    update_existing: bool,
    report: ImportReport,
}

#[post("/companies/import/{id:\\d+}")]
pub async fn import_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.actor(&req, &state);
    let u = user.clone();
    let report = state
        .write(actor, move |c, actor| {
            let pending = PendingImport::find(c, u.jobcenter_id, u.id, id)?;
            let table = csv_io::read_table(pending.content.as_bytes())
                .map_err(|e| AppError::Validation(e.into()))?;
            let report = company_import::import(
                c,
                u.jobcenter_id,
                &table,
                pending.update_existing,
                actor.now,
            )?
            .map_err(AppError::Validation)?;
            PendingImport::delete(c, id)?;
            actor.record(
                c,
                action::COMPANIES_IMPORTED,
                "company",
                None,
                format!(
                    "{}: {} oprettet, {} opdateret, {} uændret, {} sprunget over, {} fejl",
                    pending.filename,
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.skipped,
                    report.errors.len()
                ),
            )?;
            Ok(report)
        })
        .await??;
    Page::new(&req).render(&state, |l| ImportDonePage { l, report })
}

#[derive(askama::Template)]
#[template(path = "companies/import_done.html")]
struct ImportDonePage {
    l: Layout,
    report: ImportReport,
}

#[post("/companies/import/{id:\\d+}/cancel")]
pub async fn import_cancel(
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc, uid) = (path.into_inner(), user.jobcenter_id, user.id);
    state
        .db
        .run(move |c| {
            PendingImport::find(c, jc, uid, id)?;
            Ok(PendingImport::delete(c, id)?)
        })
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/companies/import",
        "ok",
        "Importen er annulleret.",
    ))
}
