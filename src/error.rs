//! One error type for the whole app. Handlers return `Result<_, AppError>`; the status maps
//! here, and the error page itself is rendered by `web::errors`, which has the templates.
//! Internal causes are logged, never shown.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not signed in: redirect to the login page and come back to `next` afterwards; `expired`
    /// when the browser had a session that has run out.
    #[error("not signed in")]
    Unauthenticated { next: String, expired: bool },
    /// A request no form of ours sends (control characters, line breaks in a one-line field);
    /// the message is for the user.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed: {0}")]
    Validation(String),
    /// A write that lost a race or hit a unique rule; the message is for the user.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests")]
    TooManyRequests,
    #[error("service unavailable")]
    Unavailable,
    /// The database gave up a write that met another at the same moment (a deadlock or a
    /// serialization failure on PostgreSQL): the write can be run again as it is.
    #[error("write contention")]
    Contention,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("Findes allerede.".into())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Contention
            }
            // diesel 2.3 gives no SQLSTATE for these, only the server's message (English unless
            // the server's lc_messages says otherwise; README, PostgreSQL).
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info) => {
                let message = info.message();
                if message.contains("deadlock detected") {
                    AppError::Contention
                } else if message.contains("lock timeout")
                    || message.contains("statement timeout")
                    || message.contains("database is locked")
                {
                    AppError::Unavailable
                } else {
                    AppError::Internal(e.to_string())
                }
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Unauthenticated { .. } => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable | AppError::Contention => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Unauthenticated { next, expired } => {
                let mut params = Vec::new();
                if !next.is_empty() && next != "/" {
                    params.push(("next", next.as_str()));
                }
                if *expired {
                    params.push(("reason", "expired"));
                }
                let location = match serde_html_form::to_string(&params) {
                    Ok(query) if !query.is_empty() => format!("/login?{query}"),
                    _ => "/login".to_string(),
                };
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .finish()
            }
            // Logged with the request's id by the error page (`web::errors`), which knows it.
            AppError::Internal(cause) => {
                let mut res = HttpResponse::InternalServerError().finish();
                res.extensions_mut().insert(InternalCause(cause.clone()));
                res
            }
            // The body is filled in by the error page handler; the message for the user, if
            // any, travels in an extension.
            AppError::BadRequest(msg) | AppError::Validation(msg) | AppError::Conflict(msg) => {
                let mut res = HttpResponse::build(self.status_code()).finish();
                res.extensions_mut().insert(UserMessage(msg.clone()));
                res
            }
            AppError::Unavailable | AppError::Contention => HttpResponse::ServiceUnavailable()
                .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS))
                .finish(),
            _ => HttpResponse::build(self.status_code()).finish(),
        }
    }
}

/// How long a busy answer (503) asks the client to wait.
pub const RETRY_AFTER_SECONDS: u64 = 2;

/// The cause of a 500, carried to the error page that logs it; never shown.
#[derive(Debug, Clone)]
pub struct InternalCause(pub String);

/// A message meant for the user, carried from an error to the error page.
#[derive(Debug, Clone)]
pub struct UserMessage(pub String);
