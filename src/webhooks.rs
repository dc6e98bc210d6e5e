//! Sending webhook deliveries (`models::webhook`): a POST of the thin JSON payload, signed with
//! the webhook's secret, to its URL. The sender runs beside the web server; a receiver that is
//! down or answers with an error is tried again with back-off (1, 2, 4 … minutes, at most 6
//! hours, 10 attempts), and an administrator can send any delivery again.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use crate::models::webhook::{WebhookDelivery, signature};

/// How often the sender looks for due deliveries.
const POLL_INTERVAL: Duration = Duration::from_secs(15);
/// Deliveries sent per round at most.
const BATCH: i64 = 50;
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The headers a delivery carries besides its content type.
pub const SIGNATURE_HEADER: &str = "X-Jobcenter-Signature";
pub const EVENT_HEADER: &str = "X-Jobcenter-Event";
pub const DELIVERY_HEADER: &str = "X-Jobcenter-Delivery";

/// What one round of sending did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
}

/// Sends the deliveries due at `now`; blocking. The database connection is held only to claim
/// deliveries and record each result, never while waiting for a receiver.
pub fn deliver_due(db: &Db, now: NaiveDateTime) -> Result<Round, AppError> {
    let due = WebhookDelivery::claim_due(&mut *db.conn()?, now, BATCH)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut round = Round::default();
    for (delivery, hook) in due {
        let timestamp = now.and_utc().timestamp();
        let sent = agent
            .post(&hook.url)
            .header("Content-Type", "application/json")
            .header("User-Agent", "jobcenter-crm-webhooks")
            .header(EVENT_HEADER, &delivery.event)
            .header(DELIVERY_HEADER, delivery.id.to_string())
            .header(
                SIGNATURE_HEADER,
                signature(&hook.secret, timestamp, &delivery.payload),
            )
            .send(delivery.payload.as_str());
        let (status, error) = match sent {
            Ok(res) if res.status().is_success() => (Some(res.status().as_u16()), None),
            Ok(res) => (
                Some(res.status().as_u16()),
                Some(format!("Modtageren svarede {}", res.status())),
            ),
            Err(e) => (None, Some(e.to_string())),
        };
        let mut c = db.conn()?;
        match (status, error) {
            (Some(status), None) => {
                WebhookDelivery::mark_delivered(&mut c, delivery.id, status, now)?;
                round.delivered += 1;
            }
            (status, error) => {
                let error = error.unwrap_or_default();
                tracing::warn!(
                    delivery = delivery.id,
                    attempt = delivery.attempts + 1,
                    "webhook not delivered: {error}"
                );
                WebhookDelivery::mark_failed(&mut c, &delivery, status, &error, now)?;
                round.failed += 1;
            }
        }
    }
    Ok(round)
}

/// The background sender: a round every 15 seconds, for as long as the server runs.
pub async fn sender(db: Db, clock: Arc<dyn Clock>) {
    let mut tick = tokio::time::interval(POLL_INTERVAL);
    loop {
        tick.tick().await;
        let (db, now) = (db.clone(), clock.now());
        match actix_web::web::block(move || deliver_due(&db, now)).await {
            Ok(Ok(r)) if r.delivered + r.failed > 0 => {
                tracing::info!("webhooks: {} delivered, {} failed", r.delivered, r.failed)
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("webhook round failed: {e}"),
            Err(e) => tracing::warn!("webhook round failed: {e}"),
        }
    }
}
