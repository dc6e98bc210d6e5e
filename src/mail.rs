//! Sending the outbox over SMTP (lettre). The sender runs beside the web server when
//! `SMTP_URL` is set; without it mails wait in the outbox, where admins can see them.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{SmtpTransport, Transport};

use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use crate::models::outbox::OutboxMail;

/// How often the sender looks for due mails.
const POLL_INTERVAL: Duration = Duration::from_secs(30);
/// Mails sent per round at most; the rest wait for the next round.
const BATCH: i64 = 20;

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("SMTP_URL cannot be used: {0}")]
    Url(String),
    #[error("MAIL_FROM is not a valid sender address: {0}")]
    From(String),
}

/// An SMTP connection setting and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// `smtp://host:port` (plain, or `?tls=required` for STARTTLS) or `smtps://user:pass@host`
    /// as lettre reads them.
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, MailerError> {
        let transport = SmtpTransport::from_url(smtp_url)
            .map_err(|e| MailerError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| MailerError::From(e.to_string()))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text mail; blocking.
    pub fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|e| format!("invalid recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("cannot build the mail: {e}"))?;
        self.transport
            .send(&message)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// What one round of sending did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// Sends the mails that are due at `now`; blocking. The database connection is held only to
/// claim mails and to record each result, never while talking to the mail server.
pub fn deliver_due(db: &Db, mailer: &Mailer, now: NaiveDateTime) -> Result<Delivery, AppError> {
    let due = OutboxMail::claim_due(&mut *db.conn()?, now, BATCH)?;
    let mut delivery = Delivery::default();
    for mail in due {
        match mailer.send(&mail.to_address, &mail.subject, &mail.body) {
            Ok(()) => {
                OutboxMail::mark_sent(&mut *db.conn()?, mail.id, now)?;
                delivery.sent += 1;
            }
            Err(e) => {
                tracing::warn!(
                    mail = mail.id,
                    attempt = mail.attempts + 1,
                    "mail not sent: {e}"
                );
                OutboxMail::mark_failed(&mut *db.conn()?, &mail, &e, now)?;
                delivery.failed += 1;
            }
        }
    }
    Ok(delivery)
}

/// The background sender: a round every half minute, for as long as the server runs.
pub async fn sender(db: Db, clock: Arc<dyn Clock>, mailer: Arc<Mailer>) {
    let mut tick = tokio::time::interval(POLL_INTERVAL);
    loop {
        tick.tick().await;
        let (db, mailer, now) = (db.clone(), mailer.clone(), clock.now());
        match actix_web::web::block(move || deliver_due(&db, &mailer, now)).await {
            Ok(Ok(d)) if d.sent + d.failed > 0 => {
                tracing::info!("outbox: {} sent, {} failed", d.sent, d.failed)
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("outbox round failed: {e}"),
            Err(e) => tracing::warn!("outbox round failed: {e}"),
        }
    }
}
