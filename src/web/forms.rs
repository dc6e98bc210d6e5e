//! The one write path of the pages: a change and its audit rows in one write transaction
//! ([`AppState::write`]), and one mapping of why it was refused to the form shown again
//! ([`Refused`]): 422 with the errors next to their fields, or 409 when someone else saved
//! first.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use super::AppState;
use super::views::redirect_with_flash;
use crate::db::{DbConn, write_tx};
use crate::error::AppError;
use crate::models::audit::Actor;
use crate::models::{FieldErrors, WriteError};

/// What a stale save says above the form; the form keeps what the user typed.
pub const STALE_MESSAGE: &str = "En anden har gemt en ændring, mens du redigerede, så dine ændringer er ikke gemt. Genindlæs siden for at se den nyeste udgave, og indtast dine ændringer igen.";

/// What a write the database could not take right now says above the form, which keeps what
/// the user typed.
pub const BUSY_MESSAGE: &str = "Systemet havde for travlt til at gemme lige nu, så dine ændringer er ikke gemt endnu. Vent et øjeblik, og tryk så på knappen igen – det, du har skrevet, står her stadig.";

/// How many times a write that met another at the same moment is tried in all.
pub const WRITE_ATTEMPTS: u32 = 4;

/// Why a form comes back instead of being saved: the errors next to their fields, the status,
/// and for a duplicate the record that exists already. `Refused::none()` is a form shown for
/// the first time.
#[derive(Debug)]
pub struct Refused {
    pub errors: FieldErrors,
    pub status: StatusCode,
    pub duplicate_of: Option<i64>,
}

impl Refused {
    pub fn none() -> Refused {
        Refused {
            errors: FieldErrors::new(),
            status: StatusCode::OK,
            duplicate_of: None,
        }
    }

    /// Bad input: 422 with the errors.
    pub fn invalid(errors: FieldErrors) -> Refused {
        Refused {
            errors,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            duplicate_of: None,
        }
    }

    /// Someone else saved in between: 409 with [`STALE_MESSAGE`].
    pub fn stale() -> Refused {
        Refused {
            errors: FieldErrors::from([("form", STALE_MESSAGE.to_string())]),
            status: StatusCode::CONFLICT,
            duplicate_of: None,
        }
    }

    pub fn is_stale(&self) -> bool {
        self.status == StatusCode::CONFLICT
    }

    /// The first message, for actions that answer with a flash message instead of a form.
    pub fn message(&self) -> String {
        self.errors.values().next().cloned().unwrap_or_default()
    }

    /// A refused write as the form shows it; a failure stays an error.
    fn of(e: WriteError) -> Result<Refused, AppError> {
        match e {
            WriteError::Invalid(errors) => Ok(Refused::invalid(errors)),
            WriteError::Stale => Ok(Refused::stale()),
            WriteError::Duplicate { existing, errors } => Ok(Refused {
                duplicate_of: Some(existing),
                ..Refused::invalid(errors)
            }),
            WriteError::Failed(AppError::Contention | AppError::Unavailable) => Ok(Refused {
                errors: FieldErrors::from([("form", BUSY_MESSAGE.to_string())]),
                status: StatusCode::SERVICE_UNAVAILABLE,
                duplicate_of: None,
            }),
            WriteError::Failed(e) => Err(e),
        }
    }
}

impl AppState {
    /// Runs `op` as `actor` in one write transaction (`db::write_tx`): the change and its audit
    /// rows are saved together or not at all. `Ok(Err(refused))` is a form to show again.
    ///
    /// A write the database gave up because it met another at the same moment (a deadlock or
    /// a serialization failure on PostgreSQL) is rolled back and run again, up to
    /// [`WRITE_ATTEMPTS`] times in all; if it still fails, or met a lock it could not wait
    /// for, the form comes back with [`BUSY_MESSAGE`] (503) and what the user typed.
    pub async fn write<T, F>(&self, actor: Actor, op: F) -> Result<Result<T, Refused>, AppError>
    where
        F: Fn(&mut DbConn, &Actor) -> Result<T, WriteError> + Send + 'static,
        T: Send + 'static,
    {
        let outcome = self
            .db
            .write(move |c| {
                let mut attempt = 1;
                loop {
                    match write_tx(c, |c| op(c, &actor)) {
                        Err(WriteError::Failed(AppError::Contention))
                            if attempt < WRITE_ATTEMPTS =>
                        {
                            tracing::info!(attempt, "write met another at the same moment; again");
                            // Apart a little, so the two writers do not meet again.
                            std::thread::sleep(std::time::Duration::from_millis(
                                10 * attempt as u64 + rand::random::<u64>() % 20,
                            ));
                            attempt += 1;
                        }
                        outcome => return Ok(outcome),
                    }
                }
            })
            .await?;
        match outcome {
            Ok(value) => Ok(Ok(value)),
            Err(e) => Refused::of(e).map(Err),
        }
    }
}

/// What a colleague saved meanwhile that differs from what the user typed, as (label, saved
/// value) for the box above a form refused as stale (`templates/newer.html`). `labels` names
/// the fields to compare, in the order shown; both forms are compared as they are posted.
/// `wording` gives the words of a field's stored value where they differ from it (a choice's
/// label); `None` shows the value as it is.
pub fn newer_values<F: serde::Serialize>(
    typed: &F,
    saved: &F,
    labels: &[(&str, &str)],
    wording: impl Fn(&str, &str) -> Option<String>,
) -> Vec<(String, String)> {
    let posted = |form: &F| -> Vec<(String, String)> {
        serde_html_form::to_string(form)
            .ok()
            .and_then(|s| serde_html_form::from_str(&s).ok())
            .unwrap_or_default()
    };
    let (typed, saved) = (posted(typed), posted(saved));
    let value = |pairs: &[(String, String)], field: &str| -> String {
        pairs
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    labels
        .iter()
        .filter_map(|(field, label)| {
            let saved = value(&saved, field);
            (value(&typed, field) != saved).then(|| {
                let shown = match saved.as_str() {
                    "" => "–".to_string(),
                    // A ticked checkbox.
                    "on" => "Ja".to_string(),
                    _ => wording(field, &saved).unwrap_or(saved),
                };
                (label.to_string(), shown)
            })
        })
        .collect()
}

/// For writes with no form to show again (a delete, a one-click action): a refusal is an
/// error page with its message.
impl From<Refused> for AppError {
    fn from(refused: Refused) -> AppError {
        if refused.is_stale() {
            AppError::Conflict(STALE_MESSAGE.into())
        } else if refused.status == StatusCode::SERVICE_UNAVAILABLE {
            AppError::Unavailable
        } else {
            AppError::Validation(refused.message())
        }
    }
}

/// The answer to a one-click action, which has no form to show again: back to `back` with
/// `done`'s message, or with the reason it was refused.
pub fn back_with_message<T>(
    state: &AppState,
    back: &str,
    outcome: Result<T, Refused>,
    done: impl FnOnce(T) -> String,
) -> HttpResponse {
    match outcome {
        Ok(value) => redirect_with_flash(state, back, "ok", &done(value)),
        Err(refused) => redirect_with_flash(state, back, "error", &refused.message()),
    }
}
