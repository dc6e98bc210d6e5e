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
    ContactForm, ContactRequest, RequestChannel, RequestTopic, SpamReason, Submission,
};
use crate::models::jobcenter::Jobcenter;
use crate::models::settings::{EntryPoint, Settings};
use crate::models::text::{TextKind, Texts};

/// Largest form body taken: the message's 5000 characters fit even when every one is an emoji
/// (four bytes, each percent-encoded: 60 KB). A longer body, up to [`READ_LIMIT`], answers 413
/// with the message shown back to copy; a body beyond that is refused unread.
pub const MAX_BODY: usize = 128 * 1024;
/// The most of a body the form's handler reads (actix's default for a body read whole, which
/// the form token check before it also reads).
pub const READ_LIMIT: usize = 256 * 1024;
/// People take longer than this to fill in the form; robots do not.
const MIN_FILL_TIME: TimeDelta = TimeDelta::seconds(3);
/// A form left open longer than this is handed out again.
const STAMP_LIFETIME: TimeDelta = TimeDelta::hours(24);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/kontakt")
            .app_data(web::PayloadConfig::new(READ_LIMIT))
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
    let (jc, name) = (jobcenter.id, jobcenter.name.clone());
    let (settings, intro, consent) = state
        .db
        .read(move |c| {
            let settings = Settings::get(c, jc)?;
            let context = serde_json::json!({
                "jobcenter": name,
                "dage": settings.answer_promise_days,
            });
            let intro = Texts::render(c, jc, TextKind::intro(), &context)?;
            let consent = Texts::render(c, jc, TextKind::consent(), &context)?;
            Ok((settings, intro, consent))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_response(
        status,
        &FormPage {
            jobcenter_name: Some(&jobcenter.name),
            entry: Some(settings.entry_point(&jobcenter.name)),
            jobcenter,
            csrf_token: csrf_token(req),
            action,
            form,
            topics: RequestTopic::ALL,
            privacy_url: settings.privacy_url,
            intro: intro.paragraphs(),
            consent: consent.paragraphs().join(" "),
            errors,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "contact/form.html")]
struct FormPage<'a> {
    jobcenter_name: Option<&'a str>,
    entry: Option<EntryPoint>,
    jobcenter: &'a Jobcenter,
    csrf_token: String,
    action: &'a str,
    form: &'a ContactForm,
    topics: &'static [RequestTopic],
    privacy_url: String,
    /// The jobcenter's own words (`models::text`): the introduction's paragraphs, and the
    /// consent text.
    intro: Vec<String>,
    consent: String,
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
                entry: None,
                jobcenters: all,
            },
        ),
    }
}

#[derive(askama::Template)]
#[template(path = "contact/choose.html")]
struct ChoosePage {
    jobcenter_name: Option<&'static str>,
    entry: Option<EntryPoint>,
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
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let mut all = jobcenters(&state).await?;
    if all.len() != 1 {
        return Err(AppError::NotFound);
    }
    submit(&req, &state, all.remove(0), "/kontakt", &body).await
}

async fn submit_for(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let jobcenter = by_slug(&state, path.into_inner()).await?;
    let action = format!("/kontakt/{}", jobcenter.slug);
    submit(&req, &state, jobcenter, &action, &body).await
}

/// 413 for a body longer than any form of ours: the message comes back to copy, with the ways
/// to reach the jobcenter.
async fn too_large_page(
    state: &AppState,
    jobcenter: &Jobcenter,
    message: &str,
) -> Result<HttpResponse, AppError> {
    let entry = entry_of(state, jobcenter).await?;
    html_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        &HeldBackPage {
            jobcenter_name: Some(&jobcenter.name),
            jobcenter,
            entry: Some(entry),
            title: "Henvendelsen er for lang",
            reason: format!(
                "Beskeden kan højst være på {} tegn, og det, der blev sendt, er for langt til at blive modtaget. Din tekst står herunder, så du kan kopiere den og gøre den kortere.",
                crate::models::contact_request::MESSAGE_MAX_CHARS
            ),
            message,
        },
    )
}

/// The jobcenter a public form address belongs to, with its entry point, for the form's error
/// pages: `/kontakt/{slug}`, `/kontakt/tak?jobcenter={slug}`, or `/kontakt` on an installation
/// of one jobcenter.
pub async fn entry_for_path(
    state: &AppState,
    path: &str,
    query: &str,
) -> Result<Option<(String, EntryPoint)>, AppError> {
    let slug = match path.trim_start_matches("/kontakt").trim_matches('/') {
        "tak" => serde_html_form::from_str::<ThanksQuery>(query)
            .map(|q| q.jobcenter)
            .unwrap_or_default(),
        rest => rest.to_string(),
    };
    state
        .db
        .run(move |c| {
            let jobcenter = if slug.is_empty() {
                let mut all = Jobcenter::all(c)?;
                (all.len() == 1).then(|| all.remove(0))
            } else {
                Jobcenter::find_by_slug(c, &slug)?
            };
            Ok(match jobcenter {
                Some(j) => {
                    let entry = Settings::get(c, j.id)?.entry_point(&j.name);
                    Some((j.name, entry))
                }
                None => None,
            })
        })
        .await
}

/// The entry point of a jobcenter, for the public pages.
async fn entry_of(state: &AppState, jobcenter: &Jobcenter) -> Result<EntryPoint, AppError> {
    let (jc, name) = (jobcenter.id, jobcenter.name.clone());
    state
        .db
        .run(move |c| Ok(Settings::get(c, jc)?.entry_point(&name)))
        .await
}

/// 429 with a friendly page: the client has sent what the rate limit allows for now. What
/// they wrote comes back to copy, with the ways to reach the jobcenter meanwhile.
async fn limited_page(
    state: &AppState,
    jobcenter: &Jobcenter,
    message: &str,
) -> Result<HttpResponse, AppError> {
    let entry = entry_of(state, jobcenter).await?;
    let mut res = html_response(
        StatusCode::TOO_MANY_REQUESTS,
        &HeldBackPage {
            jobcenter_name: Some(&jobcenter.name),
            jobcenter,
            entry: Some(entry),
            title: "Vent lidt, før du sender igen",
            reason: format!(
                "Der er sendt mange henvendelser fra din forbindelse på kort tid. Vent {} minutter, og prøv så igen.",
                contact_form_hit::WINDOW.num_minutes()
            ),
            message,
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
    body: &[u8],
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let mut form: ContactForm = serde_html_form::from_bytes(body).map_err(|_| {
        AppError::BadRequest("Formularen kunne ikke læses. Gå tilbage, og send den igen.".into())
    })?;
    if body.len() > MAX_BODY {
        return too_large_page(state, &jobcenter, &form.message).await;
    }
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
        return limited_page(state, &jobcenter, &form.message).await;
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
    // Only the honeypot is judged spam outright. A form sent faster than people type (autofill,
    // paste) is shown back once to confirm: nobody is thanked for a request that is not kept.
    let spam = (!form.homepage.trim().is_empty()).then_some(SpamReason::Honeypot);
    let confirm_value = format!("confirm.{}", stamp.key);
    let confirmed = state.keys.verify_signed(&form.confirm) == Some(confirm_value.as_str());
    if spam.is_none() && !confirmed && now - stamp.issued_at < MIN_FILL_TIME {
        form.confirm = state.keys.sign(&confirm_value);
        let entry = entry_of(state, &jobcenter).await?;
        return html_response(
            StatusCode::OK,
            &ConfirmPage {
                jobcenter_name: Some(&jobcenter.name),
                entry: Some(entry),
                csrf_token: csrf_token(req),
                action,
                form: &form,
                topic_label: input.topic.label(),
            },
        );
    }
    let submission = Submission {
        input,
        idempotency_key: stamp.key,
        spam,
        channel: RequestChannel::Form,
        received_at: now,
        registered_by: None,
    };
    let mail = state.mail_settings();
    let jc = jobcenter.id;
    let receipt = state
        .db
        .write(move |c| {
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
        return limited_page(state, &jobcenter, &form.message).await;
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

/// A submission sent faster than people type, shown back to be confirmed with one click.
#[derive(askama::Template)]
#[template(path = "contact/confirm.html")]
struct ConfirmPage<'a> {
    jobcenter_name: Option<&'a str>,
    entry: Option<EntryPoint>,
    csrf_token: String,
    action: &'a str,
    form: &'a ContactForm,
    topic_label: &'static str,
}

/// A submission that could not be taken now (429) or at all (413): why, and the text back.
#[derive(askama::Template)]
#[template(path = "contact/held_back.html")]
struct HeldBackPage<'a> {
    jobcenter_name: Option<&'a str>,
    jobcenter: &'a Jobcenter,
    entry: Option<EntryPoint>,
    title: &'a str,
    reason: String,
    message: &'a str,
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
    let (jc, name, now) = (jobcenter.id, jobcenter.name.clone(), state.now());
    let receipt = query.kvittering == "1";
    let (settings, steps) = state
        .db
        .read(move |c| {
            let settings = Settings::get(c, jc)?;
            let days = settings.answer_promise_days.max(0) as u32;
            // Days as the company counts them: the Danish date, not the stored UTC one.
            let due = settings
                .calendar()
                .add(crate::domain::dates::local_date(now), days);
            let steps = Texts::render(
                c,
                jc,
                TextKind::thanks(),
                &serde_json::json!({
                    "jobcenter": name,
                    "dage": days,
                    "svar_senest": working_days::weekday_and_date(due),
                    "kvittering": receipt,
                }),
            )?;
            Ok((settings, steps.lines()))
        })
        .await?;
    html_response(
        StatusCode::OK,
        &ThanksPage {
            jobcenter_name: Some(&jobcenter.name),
            entry: Some(settings.entry_point(&jobcenter.name)),
            jobcenter: &jobcenter,
            steps,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "contact/thanks.html")]
struct ThanksPage<'a> {
    jobcenter_name: Option<&'a str>,
    entry: Option<EntryPoint>,
    jobcenter: &'a Jobcenter,
    /// What happens next, in the jobcenter's own words (`models::text`).
    steps: Vec<String>,
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
