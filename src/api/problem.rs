//! Errors of the API as RFC 9457 problem documents (`application/problem+json`): a machine-
//! readable `code`, a Danish `title`, and for bad input one entry per field with the same
//! message the page shows next to that field.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, RETRY_AFTER_SECONDS};
use crate::models::FieldErrors;
use crate::web::forms::Refused;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Where the code is explained: the API page's section of it.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status.
    pub status: u16,
    /// Machine-readable: not_found, unauthorized, forbidden, invalid, duplicate,
    /// version_conflict, version_required, rate_limited, bad_request, busy, internal.
    pub code: String,
    /// What happened, in Danish.
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For `invalid` and `duplicate`: the message for each field, as the page shows it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// For `duplicate`: the id of the record that exists already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("invalid")]
    Invalid(FieldErrors),
    #[error("duplicate of {existing}")]
    Duplicate { existing: i64, errors: FieldErrors },
    /// Someone saved in between; `precondition` when the version came as If-Match (412).
    #[error("stale")]
    Stale { precondition: bool },
    #[error("version required")]
    VersionRequired,
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("{0}")]
    App(AppError),
}

impl ApiError {
    pub fn field(field: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::Invalid(FieldErrors::from([(field, message.into())]))
    }

    /// A write refused by the write path, as the API answers it.
    pub fn refused(refused: Refused, precondition: bool) -> ApiError {
        if let Some(existing) = refused.duplicate_of {
            return ApiError::Duplicate {
                existing,
                errors: refused.errors,
            };
        }
        match refused.status {
            StatusCode::CONFLICT => ApiError::Stale { precondition },
            StatusCode::SERVICE_UNAVAILABLE => ApiError::App(AppError::Unavailable),
            _ => ApiError::Invalid(refused.errors),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Invalid(_) => "invalid",
            ApiError::Duplicate { .. } => "duplicate",
            ApiError::Stale { .. } => "version_conflict",
            ApiError::VersionRequired => "version_required",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::App(e) => code_of(e.status_code()),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::NotFound,
            AppError::Forbidden => ApiError::Forbidden("Din rolle må ikke dette."),
            AppError::BadRequest(m) => ApiError::BadRequest(m),
            AppError::Validation(m) => ApiError::Invalid(FieldErrors::from([("form", m)])),
            other => ApiError::App(other),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::from(e).into()
    }
}

/// The code of a status the framework answered itself (405, 413 …).
pub fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "invalid",
        429 => "rate_limited",
        503 => "busy",
        s if s >= 500 => "internal",
        _ => "bad_request",
    }
}

/// The Danish title of a status.
fn title_of(code: &str, status: StatusCode) -> &'static str {
    match code {
        "unauthorized" => "API-nøglen mangler eller gælder ikke",
        "forbidden" => "Nøglen eller dens ejer må ikke dette",
        "not_found" => "Findes ikke",
        "invalid" => "Oplysningerne kunne ikke bruges",
        "duplicate" => "Findes allerede",
        "version_conflict" => "En anden har gemt en ændring i mellemtiden",
        "version_required" => "Angiv hvilken version ændringen bygger på",
        "rate_limited" => "For mange forespørgsler",
        "busy" => "Systemet har travlt",
        "method_not_allowed" => "Metoden bruges ikke på denne adresse",
        "too_large" => "For meget indhold",
        "internal" => "Der opstod en fejl",
        _ if status == StatusCode::BAD_REQUEST => "Forespørgslen kunne ikke forstås",
        _ => "Fejl",
    }
}

/// A problem document as an answer.
pub fn response(
    status: StatusCode,
    code: &str,
    detail: Option<String>,
    errors: &FieldErrors,
    existing_id: Option<i64>,
) -> HttpResponse {
    let problem = Problem {
        kind: format!("{}/docs#problem-{code}", super::BASE),
        status: status.as_u16(),
        code: code.to_string(),
        title: title_of(code, status).to_string(),
        detail,
        errors: errors
            .iter()
            .map(|(field, message)| FieldProblem {
                field: field.to_string(),
                message: message.clone(),
            })
            .collect(),
        existing_id,
    };
    HttpResponse::build(status)
        .content_type(CONTENT_TYPE)
        .json(problem)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Duplicate { .. } => StatusCode::CONFLICT,
            ApiError::Stale { precondition: true } => StatusCode::PRECONDITION_FAILED,
            ApiError::Stale {
                precondition: false,
            } => StatusCode::CONFLICT,
            ApiError::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::App(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let none = FieldErrors::new();
        let mut res = match self {
            // Logged with the request's id, and turned into a problem document, by the error
            // handler (`web::errors`), which knows the id.
            ApiError::App(e @ AppError::Internal(_)) => return e.error_response(),
            ApiError::Invalid(errors) => response(status, self.code(), None, errors, None),
            ApiError::Duplicate { existing, errors } => {
                response(status, self.code(), None, errors, Some(*existing))
            }
            ApiError::Unauthorized(m) | ApiError::Forbidden(m) => {
                response(status, self.code(), Some(m.to_string()), &none, None)
            }
            ApiError::BadRequest(m) => response(status, self.code(), Some(m.clone()), &none, None),
            _ => response(status, self.code(), None, &none, None),
        };
        let retry = match self {
            ApiError::RateLimited { retry_after } => Some(*retry_after),
            ApiError::App(AppError::Unavailable | AppError::Contention) => {
                Some(RETRY_AFTER_SECONDS)
            }
            _ => None,
        };
        if let Some(seconds) = retry {
            res.headers_mut()
                .insert(header::RETRY_AFTER, seconds.to_string().parse().unwrap());
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}
