//! Error pages in Danish that tell the user what to do and leak nothing about the cause.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::security::RequestId;
use super::views::message_page;
use crate::error::{AppError, InternalCause, UserMessage};
use crate::models::settings::EntryPoint;

/// Unknown addresses; a signed-in user keeps the navigation on the error page.
pub async fn not_found(_user: Option<super::auth::CurrentUser>) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "Forespørgslen kunne ikke forstås",
            "Gå tilbage og prøv igen.",
        ),
        403 => (
            "Adgang nægtet",
            "Du har ikke adgang til denne side, eller formularen er udløbet. Gå tilbage, genindlæs siden og prøv igen. Kontakt din administrator, hvis du mener, du skal have adgang.",
        ),
        404 | 405 => (
            "Siden findes ikke",
            "Siden, du leder efter, findes ikke eller er flyttet. Tjek adressen, eller gå til forsiden.",
        ),
        409 => (
            "Ændringen kunne ikke gemmes",
            "Der er sket en ændring i mellemtiden. Genindlæs siden og prøv igen.",
        ),
        413 => (
            "For meget indhold",
            "Det, du sendte, er for stort. Gør det kortere og prøv igen.",
        ),
        422 => (
            "Oplysningerne kunne ikke bruges",
            "Ret oplysningerne og prøv igen.",
        ),
        429 => (
            "For mange forsøg",
            "Du har prøvet for mange gange på kort tid. Vent et øjeblik og prøv igen.",
        ),
        503 => (
            "Systemet har travlt",
            "Systemet kan ikke svare lige nu. Prøv igen om et øjeblik.",
        ),
        _ => (
            "Der opstod en fejl",
            "Noget gik galt hos os. Prøv igen om lidt. Fejlen er registreret.",
        ),
    }
}

/// Gives every error response a Danish page. Pages a handler rendered itself (a form shown again
/// with its errors) and JSON answers are kept; the framework's plain-text messages are not shown.
pub fn render_error_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let own_page = [
        "text/html",
        "application/json",
        crate::api::problem::CONTENT_TYPE,
    ]
    .iter()
    .any(|ct| content_type.starts_with(ct));
    if own_page {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let mut message = res.response().extensions().get::<UserMessage>().cloned();
    let api = res.request().path().starts_with(crate::api::BASE);
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        let id = RequestId::of(res.request());
        log_cause(&res, &id);
        message = Some(UserMessage(if api {
            format!("Fejlkode {id}")
        } else {
            format!(
                "Noget gik galt hos os. Prøv igen om lidt. Fejlen er registreret med fejlkoden {id} – nævn den, hvis du kontakter support."
            )
        }));
    }
    let (req, res) = res.into_parts();
    // The API answers every error with a problem document, also those the framework made
    // (405, 413, a 500).
    if api {
        let code = crate::api::problem::code_of(status);
        let problem = crate::api::problem::response(
            status,
            code,
            message.map(|m| m.0),
            &Default::default(),
            None,
        );
        let mut new_res = problem;
        for (name, value) in res.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                new_res.headers_mut().append(name.clone(), value.clone());
            }
        }
        return Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, new_res.map_into_boxed_body()).map_into_right_body(),
        ));
    }
    // The public contact form's visitors get its own layout, without staff links, and the
    // ways to reach the jobcenter (looked up, so the page is answered asynchronously).
    let public = req.path() == "/kontakt" || req.path().starts_with("/kontakt/");
    if public && let Some(state) = req.app_data::<web::Data<AppState>>().cloned() {
        return Ok(ErrorHandlerResponse::Future(Box::pin(async move {
            let entry = super::contact::entry_for_path(&state, req.path(), req.query_string())
                .await
                .ok()
                .flatten();
            let html = public_error_html(status, message, entry);
            Ok(error_response(req, res, status, html))
        })));
    }
    let html = error_html(&req, status, message).unwrap_or_else(|| {
        format!(
            "<!doctype html><html lang=\"da\"><title>Fejl</title><h1>{}</h1>",
            wording(status).0
        )
    });
    Ok(ErrorHandlerResponse::Response(error_response(
        req, res, status, html,
    )))
}

/// The error page as the answer, keeping the cookies and headers the handler set (e.g. a
/// Retry-After).
fn error_response<B, R>(
    req: HttpRequest,
    res: actix_web::HttpResponse<R>,
    status: StatusCode,
    html: String,
) -> ServiceResponse<EitherBody<B, BoxBody>> {
    let mut new_res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html);
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new_res.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, new_res.map_into_boxed_body()).map_into_right_body()
}

/// An error page of the public contact form, with the entry point's details when the
/// jobcenter is known.
fn public_error_html(
    status: StatusCode,
    message: Option<UserMessage>,
    entry: Option<(String, EntryPoint)>,
) -> String {
    let (title, mut text) = wording(status);
    if status == StatusCode::FORBIDDEN {
        // The only refusal there is a form token that no longer matches (cookies cleared).
        text = "Formularen er udløbet. Gå tilbage, genindlæs siden, og send den igen.";
    }
    let message = message.map(|m| m.0);
    let text = message.as_deref().unwrap_or(text);
    let (name, entry) = match entry {
        Some((name, entry)) => (Some(name), Some(entry)),
        None => (None, None),
    };
    let page = ContactErrorPage {
        jobcenter_name: name.as_deref(),
        entry,
        title,
        text,
    };
    askama::Template::render(&page).unwrap_or_else(|_| format!("<h1>{title}</h1>"))
}

/// Every 500 leaves its cause in the log with the request's id and path, at most one line per
/// cause a minute ([`ErrorLog`]).
fn log_cause<B>(res: &ServiceResponse<B>, id: &str) {
    let req = res.request();
    let cause = match (
        res.response().extensions().get::<InternalCause>(),
        res.response().error(),
    ) {
        (Some(cause), _) => cause.0.clone(),
        (None, Some(e)) => e.to_string(),
        (None, None) => "internal error without a cause".to_string(),
    };
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => state.error_log.log(req.path(), id, &cause),
        None => tracing::error!(
            path = req.path(),
            request_id = id,
            "internal error: {cause}"
        ),
    }
}

/// Internal errors in the log, at most one line per cause in [`ErrorLog::WINDOW`]: a full disk
/// or a lost database fails every request the same way, and one line (with how many more
/// there were) says it as well as thousands.
#[derive(Default)]
pub struct ErrorLog {
    /// Per cause: when it was last logged, and how often it came since.
    seen: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u64)>>,
}

impl ErrorLog {
    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(60);
    /// Causes remembered at most; more are forgotten together (each is logged again).
    const REMEMBERED: usize = 1000;

    pub fn log(&self, path: &str, request_id: &str, cause: &str) {
        let now = std::time::Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let more = match seen.get_mut(cause) {
            Some((since, n)) if now.duration_since(*since) < Self::WINDOW => {
                *n += 1;
                return;
            }
            Some((since, n)) => {
                *since = now;
                std::mem::take(n)
            }
            None => {
                if seen.len() >= Self::REMEMBERED {
                    seen.clear();
                }
                seen.insert(cause.to_string(), (now, 0));
                0
            }
        };
        drop(seen);
        if more > 0 {
            tracing::error!(
                path,
                request_id,
                "internal error: {cause} (and {more} more like it since the last line)"
            );
        } else {
            tracing::error!(path, request_id, "internal error: {cause}");
        }
    }
}

fn error_html(
    req: &HttpRequest,
    status: StatusCode,
    message: Option<UserMessage>,
) -> Option<String> {
    let state = req.app_data::<web::Data<AppState>>()?;
    let (title, text) = wording(status);
    let message = message.map(|m| m.0);
    let text = message.as_deref().unwrap_or(text);
    let res = message_page(req, state, status, title, text);
    let bytes = res.ok()?.into_body().try_into_bytes().ok()?;
    String::from_utf8(bytes.to_vec()).ok()
}

#[derive(askama::Template)]
#[template(path = "contact/error.html")]
struct ContactErrorPage<'a> {
    jobcenter_name: Option<&'a str>,
    entry: Option<EntryPoint>,
    title: &'a str,
    text: &'a str,
}
