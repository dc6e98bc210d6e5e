//! The public contact form, "Kontakt jobcentret": no sign-in, its own minimal layout, and the
//! defences that take the place of a CAPTCHA — a honeypot field, a minimum fill time read from
//! a signed stamp, a rate limit per client address (counted in the database), a body size
//! limit and an idempotency key, so a double click makes one request.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDateTime, TimeDelta};
use serde::Deserialize;

use super::AppState;
use super::auth::{client_ip, csrf_token};
use super::views::{FieldErrors, html_response, redirect, url_encode};
use crate::crypto::{self, Keys};
use crate::domain::working_days;
use crate::error::AppError;
use crate::models::contact_form_hit::{self, ContactFormHit};
use crate::models::contact_request::{
    ContactForm, ContactRequest, MailSettings, RequestTopic, SpamReason, Submission,
};
use crate::models::jobcenter::Jobcenter;
use crate::models::settings::Settings;

/// Largest form body accepted; a longer one answers 413. The message's 5000 characters fit
/// easily even when every one is percent-encoded Danish.
pub const MAX_BODY: usize = 32 * 1024;
/// People take longer than this to fill in the form; robots do not.
const MIN_FILL_TIME: TimeDelta = TimeDelta::seconds(3);
/// A form left open longer than this is handed out again.
const STAMP_LIFETIME: TimeDelta = TimeDelta::hours(24);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/kontakt")
            .app_data(web::FormConfig::default().limit(MAX_BODY))
            .route("", web::get().to(start))
            .route("", web::post().to(submit_single))
            .route("/tak", web::get().to(thanks))
            .route("/{slug}", web::get().to(form_for))
            .route("/{slug}", web::post().to(submit_for)),
    );
}

/// What the signed stamp of a form says.
#[derive(Debug, PartialEq, Eq)]
struct Stamp {
    jobcenter_id: i64,
    issued_at: NaiveDateTime,
    /// The form's idempotency key.
    key: String,
}

fn issue_stamp(keys: &Keys, jobcenter_id: i64, now: NaiveDateTime) -> String {
    let issued = now.and_utc().timestamp();
    keys.sign(&format!(
        "{jobcenter_id}.{issued}.{}",
        crypto::random_token()
    ))
}

fn read_stamp(keys: &Keys, signed: &str) -> Option<Stamp> {
    let value = keys.verify_signed(signed)?;
    let mut parts = value.splitn(3, '.');
    let jobcenter_id = parts.next()?.parse().ok()?;
    let issued = parts.next()?.parse::<i64>().ok()?;
    let key = parts.next()?.to_string();
    Some(Stamp {
        jobcenter_id,
        issued_at: chrono::DateTime::from_timestamp(issued, 0)?.naive_utc(),
        key,
    })
}

/// The form of a jobcenter, fresh or with the errors of a submission (422).
async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    jobcenter: &Jobcenter,
    action: &str,
    form: &ContactForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let jc = jobcenter.id;
    let settings = state.db.run(move |c| Ok(Settings::get(c, jc)?)).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_response(
        status,
        &FormPage {
            jobcenter_name: Some(&jobcenter.name),
            jobcenter,
            csrf_token: csrf_token(req),
            action,
            form,
            topics: RequestTopic::ALL,
            privacy_url: settings.privacy_url,
            promise_days: settings.answer_promise_days,
            errors,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "contact/form.html")]
struct FormPage<'a> {
    jobcenter_name: Option<&'a str>,
    jobcenter: &'a Jobcenter,
    csrf_token: String,
    action: &'a str,
    form: &'a ContactForm,
    topics: &'static [RequestTopic],
    privacy_url: String,
    promise_days: i32,
    errors: FieldErrors,
}

impl FormPage<'_> {
    /// The error of one field, or "" when it is valid.
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

fn fresh_form(state: &AppState, jobcenter: &Jobcenter) -> ContactForm {
    ContactForm {
        stamp: issue_stamp(&state.keys, jobcenter.id, state.now()),
        ..Default::default()
    }
}

async fn jobcenters(state: &AppState) -> Result<Vec<Jobcenter>, AppError> {
    state.db.run(|c| Ok(Jobcenter::all(c)?)).await
}

async fn by_slug(state: &AppState, slug: String) -> Result<Jobcenter, AppError> {
    state
        .db
        .run(move |c| Jobcenter::find_by_slug(c, &slug)?.ok_or(AppError::NotFound))
        .await
}

/// With one jobcenter the form itself; with several, the choice of jobcenter.
async fn start(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let mut all = jobcenters(&state).await?;
    match all.len() {
        0 => Err(AppError::NotFound),
        1 => {
            let jobcenter = all.remove(0);
            let form = fresh_form(&state, &jobcenter);
            form_page(
                &req,
                &state,
                &jobcenter,
                "/kontakt",
                &form,
                FieldErrors::new(),
            )
            .await
        }
        _ => html_response(
            StatusCode::OK,
            &ChoosePage {
                jobcenter_name: None,
                jobcenters: all,
            },
        ),
    }
}

#[derive(askama::Template)]
#[template(path = "contact/choose.html")]
struct ChoosePage {
    jobcenter_name: Option<&'static str>,
    jobcenters: Vec<Jobcenter>,
}

async fn form_for(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let jobcenter = by_slug(&state, path.into_inner()).await?;
    let form = fresh_form(&state, &jobcenter);
    let action = format!("/kontakt/{}", jobcenter.slug);
    form_page(&req, &state, &jobcenter, &action, &form, FieldErrors::new()).await
}

async fn submit_single(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let mut all = jobcenters(&state).await?;
    if all.len() != 1 {
        return Err(AppError::NotFound);
    }
    submit(&req, &state, all.remove(0), "/kontakt", form.into_inner()).await
}

async fn submit_for(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let jobcenter = by_slug(&state, path.into_inner()).await?;
    let action = format!("/kontakt/{}", jobcenter.slug);
    submit(&req, &state, jobcenter, &action, form.into_inner()).await
}

/// 429 with a friendly page: the client has sent what the rate limit allows for now.
fn limited_page(jobcenter: &Jobcenter) -> Result<HttpResponse, AppError> {
    let mut res = html_response(
        StatusCode::TOO_MANY_REQUESTS,
        &LimitedPage {
            jobcenter_name: Some(&jobcenter.name),
            jobcenter,
            minutes: contact_form_hit::WINDOW.num_minutes(),
        },
    )?;
    res.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(contact_form_hit::WINDOW.num_seconds()),
    );
    Ok(res)
}

async fn submit(
    req: &HttpRequest,
    state: &AppState,
    jobcenter: Jobcenter,
    action: &str,
    mut form: ContactForm,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let client = state
        .keys
        .client_hash(&client_ip(req, state.config.trust_proxy));
    let h = client.clone();
    let max = state.config.contact_form_limit;
    let limited = max > 0
        && state
            .db
            .run(move |c| Ok(ContactFormHit::is_limited(c, &h, max, now)?))
            .await?;
    if limited {
        return limited_page(&jobcenter);
    }

    let stamp = read_stamp(&state.keys, &form.stamp)
        .filter(|s| s.jobcenter_id == jobcenter.id && now - s.issued_at <= STAMP_LIFETIME);
    let Some(stamp) = stamp else {
        // An old or damaged form: hand it out again with what was typed.
        form.stamp = issue_stamp(&state.keys, jobcenter.id, now);
        let errors = FieldErrors::from([(
            "form",
            "Formularen var udløbet. Tjek oplysningerne, og send den igen.".to_string(),
        )]);
        return form_page(req, state, &jobcenter, action, &form, errors).await;
    };
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return form_page(req, state, &jobcenter, action, &form, errors).await,
    };
    let spam = if !form.homepage.trim().is_empty() {
        Some(SpamReason::Honeypot)
    } else if now - stamp.issued_at < MIN_FILL_TIME {
        Some(SpamReason::TooFast)
    } else {
        None
    };
    let submission = Submission {
        input,
        idempotency_key: stamp.key,
        spam,
    };
    let mail = MailSettings {
        base_url: state.config.base_url.clone(),
        receipts: state.config.smtp_url.is_some(),
    };
    let jc = jobcenter.id;
    let receipt = state
        .db
        .run(move |c| {
            let claim = match max {
                0 => None,
                _ => match ContactFormHit::claim(c, &client, max, now)? {
                    None => return Ok(None),
                    claim => claim,
                },
            };
            let received = ContactRequest::receive(c, jc, &submission, &mail, now);
            // Only a request kept counts against the limit.
            if let Some(id) = claim
                && !matches!(&received, Ok(r) if !r.duplicate)
            {
                ContactFormHit::release(c, id)?;
            }
            Ok(Some(received?))
        })
        .await?;
    let Some(receipt) = receipt else {
        return limited_page(&jobcenter);
    };
    if let Some(reason) = spam {
        tracing::info!(
            request = receipt.request.id,
            "contact form submission held as spam: {}",
            reason.as_str()
        );
    }
    // Spam gets the same answer as everyone, so robots learn nothing.
    let mut location = format!("/kontakt/tak?jobcenter={}", url_encode(&jobcenter.slug));
    if receipt.receipt_queued {
        location.push_str("&kvittering=1");
    }
    Ok(redirect(&location))
}

#[derive(askama::Template)]
#[template(path = "contact/limited.html")]
struct LimitedPage<'a> {
    jobcenter_name: Option<&'a str>,
    jobcenter: &'a Jobcenter,
    minutes: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ThanksQuery {
    jobcenter: String,
    kvittering: String,
}

async fn thanks(
    state: web::Data<AppState>,
    query: web::Query<ThanksQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let jobcenter = by_slug(&state, query.jobcenter).await?;
    let jc = jobcenter.id;
    let settings = state.db.run(move |c| Ok(Settings::get(c, jc)?)).await?;
    let days = settings.answer_promise_days.max(0) as u32;
    // Days as the company counts them: the Danish date, not the stored UTC one.
    let due = working_days::add_working_days(crate::domain::dates::local_date(state.now()), days);
    html_response(
        StatusCode::OK,
        &ThanksPage {
            jobcenter_name: Some(&jobcenter.name),
            jobcenter: &jobcenter,
            promise_days: days,
            due: working_days::weekday_and_date(due),
            receipt: query.kvittering == "1",
        },
    )
}

#[derive(askama::Template)]
#[template(path = "contact/thanks.html")]
struct ThanksPage<'a> {
    jobcenter_name: Option<&'a str>,
    jobcenter: &'a Jobcenter,
    promise_days: u32,
    due: String,
    receipt: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip_and_refuse_tampering() {
        let keys = Keys::derive(b"0123456789abcdef0123456789abcdef");
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        let signed = issue_stamp(&keys, 7, now);
        let stamp = read_stamp(&keys, &signed).unwrap();
        assert_eq!(stamp.jobcenter_id, 7);
        assert_eq!(stamp.issued_at, now);
        assert_eq!(stamp.key.len(), 43);
        // Every form gets its own idempotency key.
        assert_ne!(read_stamp(&keys, &issue_stamp(&keys, 7, now)), Some(stamp));
        assert!(read_stamp(&keys, &signed.replacen("7.", "8.", 1)).is_none());
        assert!(read_stamp(&keys, "").is_none());
        let other = Keys::derive(b"another secret key, 32 chars long!!");
        assert!(read_stamp(&other, &signed).is_none());
    }
}
