//! Notification mails about a request, queued in the outbox with the change they report.

use super::*;
use crate::models::text::{TextKind, Texts};

/// What notification mails need to know of the installation.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Links in mails point here, e.g. https://crm.koege.dk.
    pub base_url: String,
    /// Whether companies get mail (receipts, satisfaction surveys): only when mail can
    /// actually be sent.
    pub receipts: bool,
}

/// Queues a mail about a request and notes it in the request's log.
pub(super) fn queue_mail(
    c: &mut DbConn,
    request: &ContactRequest,
    to: &str,
    who: &str,
    subject: String,
    body: String,
    now: NaiveDateTime,
) -> QueryResult<()> {
    NewMail {
        jobcenter_id: Some(request.jobcenter_id),
        request_id: Some(request.id),
        to_address: to.to_string(),
        subject,
        body,
    }
    .enqueue(c, now)?;
    log(
        c,
        request,
        None,
        EventKind::Notified,
        format!("til {who}"),
        now,
    )
}

/// Tells a member of staff that a request is now theirs.
pub(super) fn notify_assignee(
    c: &mut DbConn,
    request: &ContactRequest,
    assignee: &User,
    why: &str,
    mail: &MailSettings,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let settings = Settings::get(c, request.jobcenter_id)?;
    let due = settings.calendar().add(
        dates::local_date(request.received_at),
        settings.answer_promise_days.max(0) as u32,
    );
    let text = Texts::render(
        c,
        request.jobcenter_id,
        TextKind::assigned(),
        &serde_json::json!({
            "konsulent": { "navn": assignee.name },
            "virksomhed": request.company_name,
            "emne": request.topic.label(),
            "hvorfor": why,
            "dage": settings.answer_promise_days,
            "svar_senest": working_days::weekday_and_date(due),
            "link": format!("{}/requests/{}", mail.base_url, request.id),
        }),
    )?;
    queue_mail(
        c,
        request,
        &assignee.email,
        &assignee.name,
        text.subject,
        text.body,
        now,
    )
}
