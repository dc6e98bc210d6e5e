//! Headers every response carries; what text no page of ours sends (control characters, line
//! breaks in a one-line field) is; and a one-line access log
//! without query strings (they may hold one-time tokens) and with secret path segments
//! (`{token}` in a route) left out.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};

use super::AppState;

const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Form fields shown as a `<textarea>`: the only ones a line break may arrive in. A test reads
/// the templates to keep this list whole.
pub const MULTI_LINE_FIELDS: &[&str] = &[
    "body",
    "closing_days",
    "comment",
    "cvrs",
    "message",
    "note",
    "notes",
    "offers",
    "purpose",
    "requirements",
    "summary",
    "text",
];

const CONTROL_CHARACTER: &str = "Teksten indeholder et usynligt styretegn (fx et nul-tegn), som \
     ikke kan gemmes. Fjern det, og prøv igen.";
const LINE_BREAK: &str = "Et felt på én linje kan ikke indeholde linjeskift. Ret teksten, og \
     prøv igen.";

/// Why a submitted field cannot be taken, if it cannot. A NUL cannot be stored in PostgreSQL
/// and other control characters are invisible; a line break in a one-line field could forge
/// lines in a mail or a log. Browsers send neither from our forms, so the answer is a 400
/// page, not a message next to a field. Tabs (pasted from a spreadsheet) pass.
pub fn field_problem(name: &str, value: &str) -> Option<&'static str> {
    let multi_line = MULTI_LINE_FIELDS.contains(&name);
    value.chars().find_map(|ch| match ch {
        '\t' => None,
        '\n' | '\r' if multi_line => None,
        '\n' | '\r' => Some(LINE_BREAK),
        ch if ch.is_control() => Some(CONTROL_CHARACTER),
        _ => None,
    })
}

/// Control characters in the path or the query string (a search, a `next`) are refused the
/// same way: nothing of ours puts them there.
pub fn address_problem(req: &ServiceRequest) -> Option<&'static str> {
    let path = percent_encoding::percent_decode_str(req.path()).decode_utf8_lossy();
    let query: Vec<(String, String)> =
        serde_html_form::from_str(req.query_string()).unwrap_or_default();
    let texts = std::iter::once(path.as_ref())
        .chain(query.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]));
    texts
        .into_iter()
        .any(|t| t.chars().any(char::is_control))
        .then_some(CONTROL_CHARACTER)
}

/// Marks a HEAD request answered as a GET: a handler whose GET leaves a trace (an export's
/// audit row) asks [`is_head`] and does only what the headers need.
struct Head;

pub fn is_head(req: &actix_web::HttpRequest) -> bool {
    use actix_web::HttpMessage;
    req.extensions().get::<Head>().is_some()
}

/// The path as the access log shows it: a route whose path holds a secret (the calendar feed's
/// token) is logged by its pattern, `/calendar/{token}.ics`.
/// Whether an answer at `path` may be compressed: the stylesheet and the CSV exports. Pages are
/// sent as they are: a compressed page that holds a form token or personal data next to text
/// an attacker can put in the address leaks them by its length (BREACH).
fn compressible(path: &str) -> bool {
    path.starts_with("/static/") || path.ends_with(".csv")
}

/// In front of the compression middleware: a request for anything else does not get to ask
/// for compression.
pub async fn compress_only_safe(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !compressible(req.path()) {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.call(req).await
}

/// A short random name of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    fn new() -> RequestId {
        RequestId(format!("{:012x}", rand::random::<u64>() >> 16))
    }

    /// The id of a request, or "-" for one that came past the middleware without one.
    pub fn of(req: &actix_web::HttpRequest) -> String {
        req.extensions()
            .get::<RequestId>()
            .map_or_else(|| "-".to_string(), |id| id.0.clone())
    }
}

fn logged_path(req: &actix_web::HttpRequest) -> String {
    match req.match_pattern() {
        Some(pattern) if pattern.contains("{token}") => pattern,
        _ => req.path().to_string(),
    }
}

pub async fn headers_and_log(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let behind_tls = state.as_ref().is_some_and(|s| s.config.behind_tls);
    let started = Instant::now();
    let method = req.method().clone();
    // Names the request in the log line, the error log and a 500 page's "fejlkode".
    let id = RequestId::new();
    req.extensions_mut().insert(id.clone());
    // HEAD (uptime monitors, link checkers) is answered as the GET it asks about; the HTTP
    // layer leaves out the body, as it does for every HEAD request.
    if method == Method::HEAD {
        req.head_mut().method = Method::GET;
        req.extensions_mut().insert(Head);
    }
    let mut res = next.call(req).await?;
    let path = logged_path(res.request());
    let status = res.status();
    let headers = res.headers_mut();
    let defaults = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Pages show personal data; only static assets set their own caching.
        (header::CACHE_CONTROL, "no-store"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if behind_tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        headers.insert(header::HeaderName::from_static("x-request-id"), value);
    }
    if state
        .as_ref()
        .is_some_and(|s| s.draining.load(std::sync::atomic::Ordering::SeqCst))
    {
        // Stopping: the client opens its next request elsewhere.
        res.response_mut()
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
    }
    // Counted only where /metrics is on: otherwise nobody reads the figures.
    if let Some(state) = state.as_ref().filter(|s| s.config.metrics_token.is_some()) {
        let route = res.request().match_pattern();
        state.metrics.observe(
            route.as_deref().unwrap_or("(no route)"),
            method.as_str(),
            status,
            started.elapsed().as_secs_f64(),
        );
    }
    tracing::info!(
        target: "access",
        request_id = %id.0,
        "{method} {path} {} {}ms",
        status.as_u16(),
        started.elapsed().as_millis()
    );
    Ok(res)
}
