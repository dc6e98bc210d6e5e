//! The JSON API under `/api/v1`: the same model calls and write path as the pages
//! (`AppState::write`, audit rows, versions, Danish field messages), JSON in and out, personal
//! access tokens instead of a session, and RFC 9457 problem documents for every error. The
//! OpenAPI document is generated from the handlers' and types' own annotations (`utoipa`).

pub mod activities;
pub mod auth;
pub mod campaigns;
pub mod companies;
pub mod contacts;
pub mod docs;
pub mod needs;
pub mod placements;
pub mod problem;
pub mod requests;
pub mod staff;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, Response};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub use auth::ApiUser;
pub use problem::{ApiError, Problem};

/// Where the API lives; the document's server URL.
pub const BASE: &str = "/api/v1";

/// Rows a list answers with when `limit` is not given, and the most it may ask for.
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

/// The paging parameters every list takes.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Rows per page, 1–200 (default 50).
    pub limit: Option<i64>,
    /// The `next` cursor of the previous page, as given there.
    pub after: Option<String>,
}

impl Paging {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::field(
                "limit",
                format!("Vælg mellem 1 og {MAX_PAGE} rækker pr. side."),
            )),
        }
    }
}

/// One page of a list, and the address of the next one while there is more.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListPage<T: ToSchema> {
    pub items: Vec<T>,
    /// The next page's address (the same filters and an `after` cursor); null on the last page.
    pub next: Option<String>,
}

/// The address of the page after `cursor`, with the request's own filters.
pub fn next_url(req: &HttpRequest, cursor: Option<String>) -> Option<String> {
    let cursor = cursor?;
    let mut pairs: Vec<(String, String)> =
        serde_html_form::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "after");
    pairs.push(("after".into(), cursor));
    let query = serde_html_form::to_string(&pairs).unwrap_or_default();
    Some(format!("{}?{query}", req.path()))
}

/// The version an update is based on: `If-Match: "7"` or the body's `version`. Returns the
/// version and whether it came as a precondition (a stale one then answers 412, not 409).
pub fn based_on(req: &HttpRequest, body: Option<i32>) -> Result<(i32, bool), ApiError> {
    if let Some(value) = req.headers().get(header::IF_MATCH) {
        let tag = value.to_str().unwrap_or_default().trim();
        let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
        return tag.parse().map(|v| (v, true)).map_err(|_| {
            ApiError::BadRequest("If-Match skal være et ETag fra API'et, fx \"3\".".into())
        });
    }
    body.map(|v| (v, false)).ok_or(ApiError::VersionRequired)
}

/// The ETag of a record at `version`.
fn etag(version: i32) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

/// A record as the answer: 200 with its version as the ETag.
pub fn with_etag(version: i32, body: impl Serialize) -> HttpResponse {
    HttpResponse::Ok().insert_header(etag(version)).json(body)
}

/// A record just made: 201 with its ETag and its address (`path` under the API).
pub fn created(path: String, version: i32, body: impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(etag(version))
        .insert_header((header::LOCATION, format!("{BASE}{path}")))
        .json(body)
}

/// A list's `after` read by `decode`; one that does not read is refused at its field.
pub fn cursor<T>(
    after: Option<&str>,
    decode: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    after
        .map(|s| decode(s).ok_or_else(|| ApiError::field("after", "Ukendt markør.")))
        .transpose()
}

/// The cursor of a list by date and id: "2026-11-20_17".
pub fn date_cursor(s: &str) -> Option<(chrono::NaiveDate, i64)> {
    let (day, id) = s.split_once('_')?;
    Some((day.parse().ok()?, id.parse().ok()?))
}

/// A filter's value read by `parse`; one that does not read adds `message` at `field`.
pub fn choice<T>(
    errors: &mut crate::models::FieldErrors,
    field: &'static str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    message: &str,
) -> Option<T> {
    let value = value?;
    let parsed = parse(value);
    if parsed.is_none() {
        errors.insert(field, message.to_string());
    }
    parsed
}

/// Every route of the API, in one scope with its own answers for unknown addresses and bad
/// JSON (problem documents, like every other error here).
pub fn scope() -> actix_web::Scope {
    web::scope(BASE)
        .app_data(
            web::JsonConfig::default()
                .limit(256 * 1024)
                .content_type_required(false)
                .error_handler(|e, _| {
                    ApiError::BadRequest(format!("JSON kunne ikke læses: {e}")).into()
                }),
        )
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            ApiError::BadRequest(format!("Forespørgslen kunne ikke læses: {e}")).into()
        }))
        .service(docs::openapi_json)
        .service(docs::page)
        .service(companies::list)
        .service(companies::create)
        .service(companies::get)
        .service(companies::update)
        .service(companies::delete)
        .service(companies::merge)
        .service(companies::export)
        .service(contacts::list)
        .service(contacts::create)
        .service(contacts::update)
        .service(contacts::remove)
        .service(contacts::erase)
        .service(activities::list)
        .service(activities::create)
        .service(activities::get)
        .service(activities::update)
        .service(activities::delete)
        .service(placements::list)
        .service(placements::create)
        .service(placements::get)
        .service(placements::update)
        .service(campaigns::list)
        .service(campaigns::get)
        .service(campaigns::target_list)
        .service(campaigns::create)
        .service(campaigns::update)
        .service(campaigns::start)
        .service(campaigns::add_targets)
        .service(campaigns::update_target)
        .service(campaigns::remove_target)
        .service(requests::list)
        .service(requests::get)
        .service(requests::assign)
        .service(requests::link_company)
        .service(requests::work_step)
        .service(needs::list)
        .service(needs::get)
        .service(needs::create)
        .service(needs::update)
        .service(needs::set_status)
        .service(needs::refer)
        .service(needs::update_referral)
        .service(staff::list)
        .service(staff::get)
        .default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(ApiError::NotFound)
        }))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jobcenter-crm API",
        version = "1",
        description = "The company service's register, contact persons, activities, \
            placements, campaigns, contact requests, recruitment needs and staff as JSON. Every call \
            carries a personal access token (`Authorization: Bearer jcrm_…`, made under \
            Konto → API-nøgler) and acts as its owner, in the owner's jobcenter only; another \
            jobcenter's ids answer 404. A read-only token gets 403 on every write. Each token may \
            make API_RATE_LIMIT requests a minute (600 unless the installation says otherwise); \
            more answer 429 with Retry-After. Lists are paged by cursor: follow `next` until it \
            is null. An update names the version it is based on (`If-Match` with the record's \
            ETag, or `version` in the body): a stale one answers 412 (If-Match) or 409 and \
            changes nothing. Errors are RFC 9457 problem documents with a `code` and, for bad \
            input, one entry per field with the message in Danish."
    ),
    servers((url = "/api/v1")),
    paths(
        docs::openapi_json,
        docs::page,
        companies::list,
        companies::create,
        companies::get,
        companies::update,
        companies::delete,
        companies::merge,
        companies::export,
        contacts::list,
        contacts::create,
        contacts::update,
        contacts::remove,
        contacts::erase,
        activities::list,
        activities::create,
        activities::get,
        activities::update,
        activities::delete,
        placements::list,
        placements::create,
        placements::get,
        placements::update,
        campaigns::list,
        campaigns::get,
        campaigns::target_list,
        campaigns::create,
        campaigns::update,
        campaigns::start,
        campaigns::add_targets,
        campaigns::update_target,
        campaigns::remove_target,
        requests::list,
        requests::get,
        requests::assign,
        requests::link_company,
        requests::work_step,
        needs::list,
        needs::get,
        needs::create,
        needs::update,
        needs::set_status,
        needs::refer,
        needs::update_referral,
        staff::list,
        staff::get,
    ),
    components(schemas(Problem, problem::FieldProblem)),
    modifiers(&Common),
    tags(
        (name = "Virksomheder", description = "The company register"),
        (name = "Kontaktpersoner", description = "A company's contact persons"),
        (name = "Aktiviteter", description = "Visits, meetings, calls and their follow-ups"),
        (name = "Forløb", description = "Placements of citizens, by case reference"),
        (name = "Kampagner", description = "Outreach campaigns, their target lists and the work on them"),
        (name = "Henvendelser", description = "Contact requests of the one entry point, and work on them"),
        (name = "Rekrutteringsbehov", description = "Recruitment needs, their status and the referrals to them"),
        (name = "Medarbejdere", description = "The jobcenter's staff (read-only)"),
        (name = "Dokumentation", description = "This document"),
    )
)]
pub struct ApiDoc;

/// What every operation shares: the token, and the answers any call may get.
struct Common;

impl utoipa::Modify for Common {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("jcrm_…")
                    .description(Some("A personal access token (Konto → API-nøgler)"))
                    .build(),
            ),
        );
        let problem = |text: &str| -> RefOr<Response> {
            RefOr::T(
                utoipa::openapi::ResponseBuilder::new()
                    .description(text)
                    .content(
                        "application/problem+json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        let common = [
            (
                "400",
                "A body, query or If-Match header that cannot be read",
            ),
            (
                "401",
                "No token, or one that is unknown, expired or revoked, or whose owner is disabled",
            ),
            (
                "403",
                "The token may only read, or its owner's role may not do this",
            ),
            (
                "429",
                "Too many requests for this token this minute; see Retry-After",
            ),
            ("503", "Busy; try again after Retry-After"),
        ];
        // The contract itself is public: it describes, it holds no data.
        let public = ["/openapi.json", "/docs"];
        for (path, item) in doc.paths.paths.iter_mut() {
            if public.contains(&path.as_str()) {
                continue;
            }
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                op.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
                    "token",
                    Vec::<String>::new(),
                )]);
                for (status, text) in common {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| problem(text));
                }
                // Every error is a problem document, also those a handler names with its body.
                for (status, response) in op.responses.responses.iter_mut() {
                    if let RefOr::T(response) = response
                        && !status.starts_with('2')
                        && let Some(json) = response.content.shift_remove("application/json")
                    {
                        response
                            .content
                            .insert("application/problem+json".to_string(), json);
                    }
                }
            }
            // Every update names the version it is based on.
            if let Some(op) = item.patch.as_mut() {
                op.parameters.get_or_insert_with(Vec::new).push(
                    utoipa::openapi::path::ParameterBuilder::new()
                        .name("If-Match")
                        .parameter_in(utoipa::openapi::path::ParameterIn::Header)
                        .description(Some(
                            "The ETag the change is based on (or `version` in the body)",
                        ))
                        .schema(Some(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::Type::String),
                        ))
                        .build(),
                );
                for (status, text) in [
                    ("409", "Stale `version` in the body (or a duplicate)"),
                    (
                        "412",
                        "Stale If-Match: someone saved in between; nothing was changed",
                    ),
                    ("428", "Neither If-Match nor `version`"),
                ] {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| problem(text));
                }
            }
        }
    }
}

/// The document as served (built once).
pub fn document() -> &'static Document {
    static DOC: std::sync::OnceLock<Document> = std::sync::OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}
