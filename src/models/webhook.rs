//! Webhooks: an administrator subscribes a URL to events of the jobcenter. Each event is
//! written as a delivery per subscribed webhook in the same transaction as the change it tells
//! about ([`emit`]), so none is lost, and sent by the background sender (`crate::webhooks`)
//! with retries and back-off like the mail outbox; a receiver that is down gets it later.
//!
//! Payloads are thin: the event, when, and which record (its id and API address), never the
//! record's data. The receiver reads the record through the API with its token, so a delivery
//! carries no personal data and is never a stale copy.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use super::{FieldErrors, WriteError};
use crate::crypto;
use crate::db::DbConn;
use crate::db::schema::{webhook_deliveries, webhooks};

/// After this many failed attempts a delivery is given up (an administrator can send it again).
pub const MAX_ATTEMPTS: i32 = 10;
/// A claimed delivery is left alone by other senders this long.
const CLAIM_LEASE: TimeDelta = TimeDelta::minutes(5);
/// Deliveries are kept this long for the log, then deleted.
const KEEP: TimeDelta = TimeDelta::days(30);

/// The events a webhook can subscribe to: (name, what it means in Danish).
pub const EVENTS: &[(&str, &str)] = &[
    ("company.created", "En virksomhed er oprettet"),
    ("company.updated", "En virksomhed er ændret"),
    (
        "company.merged",
        "En dublet er lagt sammen med en virksomhed (merged_id findes ikke mere)",
    ),
    ("activity.created", "En aktivitet er registreret"),
    ("request.received", "En henvendelse er modtaget"),
    ("request.answered", "En henvendelse er besvaret"),
    ("placement.created", "Et forløb er registreret"),
    ("placement.ended", "Et forløb er afsluttet eller afbrudt"),
];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: i64,
    pub jobcenter_id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub version: i32,
}

impl Webhook {
    pub fn event_names(&self) -> Vec<&str> {
        self.events.split(',').filter(|e| !e.is_empty()).collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct WebhookDelivery {
    pub id: i64,
    pub jobcenter_id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
}

impl WebhookDelivery {
    pub fn is_given_up(&self) -> bool {
        self.delivered_at.is_none() && self.attempts >= MAX_ATTEMPTS
    }

    /// "Leveret", "Venter (3 forsøg)", "Opgivet".
    pub fn state(&self) -> String {
        match (self.delivered_at, self.attempts) {
            (Some(_), _) => "Leveret".into(),
            _ if self.is_given_up() => "Opgivet".into(),
            (None, 0) => "Venter".into(),
            (None, n) => format!("Venter ({n} forsøg)"),
        }
    }
}

/// The new-webhook form as typed; events arrive as checkboxes named `event_<name>`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct WebhookForm {
    pub url: String,
    #[serde(flatten)]
    pub checkboxes: std::collections::HashMap<String, String>,
}

pub struct WebhookInput {
    pub url: String,
    pub events: Vec<&'static str>,
}

impl WebhookForm {
    pub fn checked(&self, event: &str) -> bool {
        self.checkboxes
            .get(&format!("event_{event}"))
            .is_some_and(|v| !v.is_empty())
    }

    pub fn validate(&self) -> Result<WebhookInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let url = self.url.trim().to_string();
        let lower = url.to_ascii_lowercase();
        let host = lower
            .split_once("://")
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
            .unwrap_or("");
        if url.is_empty() {
            errors.insert(
                "url",
                "Skriv adressen, som hændelserne skal sendes til.".into(),
            );
        } else if !(lower.starts_with("https://") || lower.starts_with("http://"))
            || host.is_empty()
            || url.len() > 500
            || url.chars().any(char::is_whitespace)
        {
            errors.insert(
                "url",
                "Skriv en fuld adresse, der begynder med https://, fx https://bi.kommune.dk/hook."
                    .into(),
            );
        }
        let events: Vec<&'static str> = EVENTS
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| self.checked(name))
            .collect();
        if events.is_empty() {
            errors.insert("events", "Vælg mindst én hændelse.".into());
        }
        if errors.is_empty() {
            Ok(WebhookInput { url, events })
        } else {
            Err(errors)
        }
    }
}

/// What a delivery's body says.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    event: &'a str,
    occurred_at: String,
    jobcenter_id: i64,
    data: Data<'a>,
}

#[derive(Debug, Serialize)]
struct Data<'a> {
    /// "company", "activity", "request", "placement".
    object: &'a str,
    id: i64,
    /// Where the API gives the record.
    url: String,
    /// company.merged: the company merged into `id`, which no longer exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    merged_id: Option<i64>,
}

/// Writes `event` about record `id` of kind `object` (with its API address under
/// `/api/v1/{path}/{id}`) as a delivery for each active webhook of the jobcenter that
/// subscribed to it. Called inside the write transaction of the change.
pub fn emit(
    c: &mut DbConn,
    jobcenter_id: i64,
    event: &str,
    (object, path, id): (&str, &str, i64),
    now: NaiveDateTime,
) -> QueryResult<()> {
    let data = Data {
        object,
        id,
        url: format!("/api/v1/{path}/{id}"),
        merged_id: None,
    };
    deliver(c, jobcenter_id, event, data, now)
}

/// Writes company.merged: `merged_id` is merged into company `survivor_id`.
pub fn emit_merged(
    c: &mut DbConn,
    jobcenter_id: i64,
    survivor_id: i64,
    merged_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let data = Data {
        object: "company",
        id: survivor_id,
        url: format!("/api/v1/companies/{survivor_id}"),
        merged_id: Some(merged_id),
    };
    deliver(c, jobcenter_id, "company.merged", data, now)
}

fn deliver(
    c: &mut DbConn,
    jobcenter_id: i64,
    event: &str,
    data: Data,
    now: NaiveDateTime,
) -> QueryResult<()> {
    debug_assert!(EVENTS.iter().any(|(name, _)| *name == event), "{event}");
    let subscribed: Vec<i64> = webhooks::table
        .filter(webhooks::jobcenter_id.eq(jobcenter_id))
        .filter(webhooks::active.eq(true))
        .filter(webhooks::events.like(format!("%,{event},%")))
        .select(webhooks::id)
        .load(c)?;
    if subscribed.is_empty() {
        return Ok(());
    }
    let payload = serde_json::to_string(&Payload {
        event,
        occurred_at: now.and_utc().to_rfc3339(),
        jobcenter_id,
        data,
    })
    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    for webhook_id in subscribed {
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::jobcenter_id.eq(jobcenter_id),
                webhook_deliveries::webhook_id.eq(webhook_id),
                webhook_deliveries::event.eq(event),
                webhook_deliveries::payload.eq(&payload),
                webhook_deliveries::created_at.eq(now),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(now),
            ))
            .execute(c)?;
    }
    Ok(())
}

impl Webhook {
    /// Subscribes a URL; returns the webhook with its new secret (shown once).
    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        input: &WebhookInput,
        now: NaiveDateTime,
    ) -> Result<Webhook, WriteError> {
        let id: i64 = diesel::insert_into(webhooks::table)
            .values((
                webhooks::jobcenter_id.eq(jobcenter_id),
                webhooks::url.eq(&input.url),
                webhooks::events.eq(format!(",{},", input.events.join(","))),
                webhooks::secret.eq(format!("whsec_{}", crypto::random_token())),
                webhooks::active.eq(true),
                webhooks::created_by.eq(user_id),
                webhooks::created_at.eq(now),
                webhooks::version.eq(1),
            ))
            .returning(webhooks::id)
            .get_result(c)?;
        Ok(Self::find(c, jobcenter_id, id)?)
    }

    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Webhook> {
        webhooks::table
            .filter(webhooks::jobcenter_id.eq(jobcenter_id))
            .filter(webhooks::id.eq(id))
            .select(Webhook::as_select())
            .first(c)
    }

    pub fn list(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<Webhook>> {
        webhooks::table
            .filter(webhooks::jobcenter_id.eq(jobcenter_id))
            .order(webhooks::id)
            .select(Webhook::as_select())
            .load(c)
    }

    /// Pauses or resumes sending; deliveries written while paused are not made.
    pub fn set_active(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        active: bool,
    ) -> QueryResult<Webhook> {
        let hook = Self::find(c, jobcenter_id, id)?;
        diesel::update(webhooks::table.find(hook.id))
            .set((
                webhooks::active.eq(active),
                webhooks::version.eq(hook.version + 1),
            ))
            .execute(c)?;
        Self::find(c, jobcenter_id, id)
    }

    /// Deletes the webhook and its delivery log.
    pub fn delete(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Webhook> {
        let hook = Self::find(c, jobcenter_id, id)?;
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
            .execute(c)?;
        diesel::delete(webhooks::table.find(id)).execute(c)?;
        Ok(hook)
    }

    /// The webhook's deliveries, newest first.
    pub fn deliveries(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        limit: i64,
    ) -> QueryResult<Vec<WebhookDelivery>> {
        webhook_deliveries::table
            .filter(webhook_deliveries::jobcenter_id.eq(jobcenter_id))
            .filter(webhook_deliveries::webhook_id.eq(id))
            .order(webhook_deliveries::id.desc())
            .limit(limit)
            .select(WebhookDelivery::as_select())
            .load(c)
    }
}

impl WebhookDelivery {
    /// Takes up to `limit` deliveries that are due, with their webhook, each under a short
    /// lease so no other sender takes it too.
    pub fn claim_due(
        c: &mut DbConn,
        now: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<(WebhookDelivery, Webhook)>> {
        let due: Vec<(WebhookDelivery, Webhook)> = webhook_deliveries::table
            .inner_join(webhooks::table)
            .filter(webhook_deliveries::delivered_at.is_null())
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .filter(webhook_deliveries::attempts.lt(MAX_ATTEMPTS))
            .filter(webhooks::active.eq(true))
            .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
            .limit(limit)
            .select((WebhookDelivery::as_select(), Webhook::as_select()))
            .load(c)?;
        let mut claimed = Vec::with_capacity(due.len());
        for (delivery, hook) in due {
            let won = diesel::update(
                webhook_deliveries::table
                    .filter(webhook_deliveries::id.eq(delivery.id))
                    .filter(webhook_deliveries::delivered_at.is_null())
                    .filter(webhook_deliveries::next_attempt_at.eq(delivery.next_attempt_at)),
            )
            .set(webhook_deliveries::next_attempt_at.eq(now + CLAIM_LEASE))
            .execute(c)?;
            if won == 1 {
                claimed.push((delivery, hook));
            }
        }
        Ok(claimed)
    }

    pub fn mark_delivered(
        c: &mut DbConn,
        id: i64,
        status: u16,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(webhook_deliveries::table.find(id))
            .set((
                webhook_deliveries::delivered_at.eq(Some(now)),
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::last_status.eq(Some(i32::from(status))),
                webhook_deliveries::last_error.eq(None::<String>),
            ))
            .execute(c)
            .map(drop)
    }

    /// Records a failed attempt (the receiver's status, if it answered) and when to try again.
    pub fn mark_failed(
        c: &mut DbConn,
        delivery: &WebhookDelivery,
        status: Option<u16>,
        error: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let attempts = delivery.attempts + 1;
        let error: String = error.chars().take(500).collect();
        diesel::update(webhook_deliveries::table.find(delivery.id))
            .set((
                webhook_deliveries::attempts.eq(attempts),
                webhook_deliveries::next_attempt_at.eq(now + super::outbox::backoff(attempts)),
                webhook_deliveries::last_status.eq(status.map(i32::from)),
                webhook_deliveries::last_error.eq(Some(error)),
            ))
            .execute(c)
            .map(drop)
    }

    /// Puts a delivery of the jobcenter back in line to be sent at once ("Send igen"), also
    /// one delivered already.
    pub fn send_again(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<WebhookDelivery> {
        let delivery: WebhookDelivery = webhook_deliveries::table
            .filter(webhook_deliveries::jobcenter_id.eq(jobcenter_id))
            .filter(webhook_deliveries::id.eq(id))
            .select(WebhookDelivery::as_select())
            .first(c)?;
        diesel::update(webhook_deliveries::table.find(id))
            .set((
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::delivered_at.eq(None::<NaiveDateTime>),
            ))
            .execute(c)?;
        Ok(delivery)
    }

    /// Deletes deliveries older than a month.
    pub fn purge_old(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(
            webhook_deliveries::table.filter(webhook_deliveries::created_at.lt(now - KEEP)),
        )
        .execute(c)
    }
}

/// The signature header's value for `body` sent at `timestamp` (Unix seconds): `t=…,v1=…`,
/// v1 being the hex HMAC-SHA256, keyed with the webhook's secret, of "{timestamp}.{body}".
/// The receiver recomputes it and refuses a timestamp older than a few minutes (a replay).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={timestamp},v1={hex}")
}
