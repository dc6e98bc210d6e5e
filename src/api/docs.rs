//! The API's contract: the OpenAPI 3.1 document (`/api/v1/openapi.json`), generated from the
//! code, and a page of it for people (`/api/v1/docs`), rendered here from the same document:
//! no script, no CDN, the same CSP as every page.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde_json::Value;

use super::ApiError;
use crate::web::AppState;
use crate::web::views::{Layout, Page};

/// The OpenAPI document (no token needed: it describes, it holds no data).
#[utoipa::path(
    operation_id = "docs_openapi_json",
    tag = "Dokumentation",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(super::document())
}

/// The document as a page to read.
#[utoipa::path(
    operation_id = "docs_page",
    tag = "Dokumentation",
    responses((status = 200, description = "The API described for people", content_type = "text/html"))
)]
#[get("/docs")]
pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    // Signed in, the page keeps the navigation.
    _user: Option<crate::web::auth::CurrentUser>,
) -> Result<HttpResponse, ApiError> {
    let doc = serde_json::to_value(super::document()).map_err(crate::error::AppError::internal)?;
    let operations = operations(&doc);
    let schemas = schemas(&doc);
    let intro = doc["info"]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    Ok(Page::new(&req).render(&state, |l| DocsPage {
        l,
        intro,
        operations,
        schemas,
        problems: PROBLEMS,
        rate_limit: state.config.api_rate_limit,
    })?)
}

/// The problem codes and what to do about each.
const PROBLEMS: &[(&str, &str)] = &[
    (
        "unauthorized",
        "401: no token, or one that is unknown, expired or revoked, or whose owner is disabled. Make a new token.",
    ),
    (
        "forbidden",
        "403: the token may only read, or its owner's role may not do this.",
    ),
    (
        "not_found",
        "404: no such record in the token owner's jobcenter (another jobcenter's ids are not found either).",
    ),
    (
        "invalid",
        "422: bad input; `errors` holds one message per field, in Danish, as the page shows it.",
    ),
    (
        "duplicate",
        "409: the record exists already; `existing_id` names it.",
    ),
    (
        "version_conflict",
        "409 (version in the body) or 412 (If-Match): someone saved in between; nothing was changed. Read the record again and repeat the change.",
    ),
    (
        "version_required",
        "428: an update names the version it is based on: If-Match with the ETag, or `version`.",
    ),
    (
        "rate_limited",
        "429: too many requests for this token this minute; wait the seconds in Retry-After.",
    ),
    (
        "bad_request",
        "400: the JSON or the query could not be read, or holds a character no form sends (a control character, a line break in a one-line field).",
    ),
    (
        "busy",
        "503: the database was busy; repeat after Retry-After.",
    ),
    (
        "method_not_allowed",
        "405: the address exists, the method does not.",
    ),
    ("too_large", "413: the body is over 256 KB."),
    (
        "internal",
        "500: an error of ours, logged with the request's X-Request-Id.",
    ),
];

#[derive(askama::Template)]
#[template(path = "api/docs.html")]
struct DocsPage {
    l: Layout,
    intro: String,
    operations: Vec<Operation>,
    schemas: Vec<Schema>,
    problems: &'static [(&'static str, &'static str)],
    rate_limit: u32,
}

struct Operation {
    anchor: String,
    method: String,
    path: String,
    tag: String,
    summary: String,
    description: String,
    parameters: Vec<Field>,
    body: Option<String>,
    responses: Vec<(String, String)>,
}

struct Schema {
    name: String,
    description: String,
    fields: Vec<Field>,
}

struct Field {
    name: String,
    kind: String,
    required: bool,
    description: String,
}

/// "#/components/schemas/CompanyOut" → "CompanyOut"; a schema without a name as its type.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(items) = schema.get("items") {
        return format!("liste af {}", type_of(items));
    }
    if let Some(one) = schema["oneOf"].as_array() {
        return one.iter().map(type_of).collect::<Vec<_>>().join(" | ");
    }
    let kind = match &schema["type"] {
        Value::String(s) => s.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "—".into(),
    };
    match schema["format"].as_str() {
        Some(format) => format!("{kind} ({format})"),
        None => kind,
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        for method in ["get", "post", "patch", "put", "delete"] {
            let Some(op) = item.get(method) else {
                continue;
            };
            let parameters = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| Field {
                    name: format!("{} ({})", text(&p["name"]), text(&p["in"])),
                    kind: type_of(&p["schema"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    description: text(&p["description"]),
                })
                .collect();
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.values().next())
                .map(|c| type_of(&c["schema"]));
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, r)| {
                    let schema = r["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| type_of(&c["schema"]))
                        .filter(|t| t != "—");
                    let mut words = text(&r["description"]);
                    if let Some(schema) = schema {
                        words = if words.is_empty() {
                            schema
                        } else {
                            format!("{words} ({schema})")
                        };
                    }
                    (status.clone(), words)
                })
                .collect();
            let summary = text(&op["summary"]);
            out.push(Operation {
                anchor: text(&op["operationId"]),
                method: method.to_uppercase(),
                path: format!("{}{path}", super::BASE),
                tag: op["tags"][0].as_str().unwrap_or_default().to_string(),
                description: text(&op["description"]),
                summary,
                parameters,
                body,
                responses,
            });
        }
    }
    // By section, then as the document lists them.
    out.sort_by(|a, b| a.tag.cmp(&b.tag));
    out
}

fn schemas(doc: &Value) -> Vec<Schema> {
    let Some(all) = doc["components"]["schemas"].as_object() else {
        return Vec::new();
    };
    all.iter()
        .map(|(name, s)| {
            let required: Vec<&str> = s["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            Schema {
                name: name.clone(),
                description: text(&s["description"]),
                fields: s["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(field, p)| Field {
                        name: field.clone(),
                        kind: type_of(p),
                        required: required.contains(&field.as_str()),
                        description: text(&p["description"]),
                    })
                    .collect(),
            }
        })
        .collect()
}
