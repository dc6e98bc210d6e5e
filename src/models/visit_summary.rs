//! A summary of a visit (or meeting, or call) a consultant sends the company: prefilled from
//! the jobcenter's "opsummering" text (`models::text`), edited, checked for CPR numbers, sent
//! through the outbox and kept on the company's timeline.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::activity::{Activity, ActivityKind, Topic, decode_topics};
use super::contact_person::ContactPerson;
use super::outbox::NewMail;
use super::text::{Rendered, TextKind, Texts};
use super::user::User;
use super::{FieldErrors, WriteError};
use crate::db::DbConn;
use crate::db::schema::{users, visit_summaries};
use crate::domain::{cpr_guard, dates, validate};

/// Longest body a summary may have.
pub const MAX_BODY_CHARS: usize = 10_000;

/// A summary as the timeline shows it.
#[derive(Debug, Clone, Queryable)]
pub struct SentSummary {
    pub activity_id: i64,
    pub to_address: String,
    pub sent_at: NaiveDateTime,
    pub user_name: Option<String>,
}

/// The summary form as typed. `recipient` is a contact person's id, or "other" with the
/// address in `to_other`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SummaryForm {
    pub recipient: String,
    pub to_other: String,
    pub subject: String,
    pub body: String,
}

/// A checked summary, ready to send.
#[derive(Debug, Clone)]
pub struct SummaryInput {
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

/// "Besøget", "mødet" …: what the activity was, as the text says it.
fn the_kind(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Visit => "besøget",
        ActivityKind::Meeting => "mødet",
        ActivityKind::Phone => "telefonsamtalen",
        ActivityKind::Mail => "mailen",
        ActivityKind::Event => "arrangementet",
    }
}

/// Which activities a summary can be sent of.
pub fn can_summarise(kind: ActivityKind) -> bool {
    matches!(
        kind,
        ActivityKind::Visit | ActivityKind::Meeting | ActivityKind::Phone
    )
}

impl SummaryForm {
    /// The form prefilled: the activity's contact person (if they have an e-mail) and the
    /// jobcenter's summary text rendered for the activity, signed by `sender`.
    pub fn prefilled(
        c: &mut DbConn,
        activity: &Activity,
        company_name: &str,
        sender: &User,
        jobcenter_name: &str,
    ) -> QueryResult<SummaryForm> {
        let contact = match activity.contact_person_id {
            Some(id) => {
                ContactPerson::find(c, activity.jobcenter_id, activity.company_id, id).optional()?
            }
            None => None,
        };
        let topics: Vec<String> = decode_topics(&activity.topics)
            .iter()
            .map(|t: &Topic| t.label().to_lowercase())
            .collect();
        let context = json!({
            "virksomhed": company_name,
            "kontaktperson": contact.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            "besoeg": {
                "art": the_kind(activity.kind),
                "dato": dates::dk_date(activity.occurred_on),
            },
            "emner": topics.join(", "),
            "referat": activity.summary,
            "opfoelgning": activity.follow_up_on.map(dates::dk_date).unwrap_or_default(),
            "aftalt": activity.follow_up_note,
            "konsulent": {
                "navn": sender.name,
                "telefon": sender.phone,
                "email": sender.email,
            },
            "jobcenter": jobcenter_name,
        });
        let Rendered { subject, body } =
            Texts::render(c, activity.jobcenter_id, TextKind::summary(), &context)?;
        Ok(SummaryForm {
            recipient: contact
                .filter(|p| !p.email.is_empty())
                .map(|p| p.id.to_string())
                .unwrap_or_else(|| "other".into()),
            to_other: String::new(),
            subject,
            body,
        })
    }

    /// Checks the form against the company's contact persons.
    pub fn validate(&self, contacts: &[ContactPerson]) -> Result<SummaryInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let to_address = if self.recipient == "other" || self.recipient.is_empty() {
            let address = validate::normalize_email(&self.to_other);
            if address.is_empty() {
                errors.insert(
                    "to_other",
                    "Skriv den e-mailadresse, den skal sendes til.".into(),
                );
            } else if let Err(e) = validate::email(&address) {
                errors.insert("to_other", e.into());
            }
            address
        } else {
            match contacts
                .iter()
                .find(|p| p.id.to_string() == self.recipient && !p.email.is_empty())
            {
                Some(p) => p.email.clone(),
                None => {
                    errors.insert(
                        "recipient",
                        "Vælg en kontaktperson med e-mail, eller skriv en adresse.".into(),
                    );
                    String::new()
                }
            }
        };
        let subject = self.subject.trim().to_string();
        if subject.is_empty() {
            errors.insert("subject", "Skriv et emne.".into());
        } else if subject.chars().count() > 200 {
            errors.insert("subject", "Emnet må højst være på 200 tegn.".into());
        } else if let Err(e) = cpr_guard::check_free_text(&subject) {
            errors.insert("subject", e.into());
        }
        let body = self.body.replace("\r\n", "\n").trim_end().to_string();
        if body.trim().is_empty() {
            errors.insert("body", "Skriv opsummeringen.".into());
        } else if body.chars().count() > MAX_BODY_CHARS {
            errors.insert(
                "body",
                format!("Opsummeringen må højst være på {MAX_BODY_CHARS} tegn."),
            );
        } else if let Err(e) = cpr_guard::check_free_text(&body) {
            errors.insert("body", e.into());
        }
        if errors.is_empty() {
            Ok(SummaryInput {
                to_address,
                subject,
                body: format!("{body}\n"),
            })
        } else {
            Err(errors)
        }
    }
}

/// Sends summaries and finds the ones sent.
pub struct VisitSummary;

impl VisitSummary {
    /// Queues the summary in the outbox and keeps it on the activity.
    pub fn send(
        c: &mut DbConn,
        activity: &Activity,
        user_id: i64,
        input: &SummaryInput,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        NewMail {
            jobcenter_id: Some(activity.jobcenter_id),
            request_id: None,
            to_address: input.to_address.clone(),
            subject: input.subject.clone(),
            body: input.body.clone(),
        }
        .enqueue(c, now)?;
        diesel::insert_into(visit_summaries::table)
            .values((
                visit_summaries::jobcenter_id.eq(activity.jobcenter_id),
                visit_summaries::activity_id.eq(activity.id),
                visit_summaries::user_id.eq(user_id),
                visit_summaries::to_address.eq(&input.to_address),
                visit_summaries::subject.eq(&input.subject),
                visit_summaries::body.eq(&input.body),
                visit_summaries::sent_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    }

    /// The summaries sent of these activities, oldest first.
    pub fn of_activities(
        c: &mut DbConn,
        jobcenter_id: i64,
        activity_ids: &[i64],
    ) -> QueryResult<Vec<SentSummary>> {
        visit_summaries::table
            .left_join(users::table)
            .filter(visit_summaries::jobcenter_id.eq(jobcenter_id))
            .filter(visit_summaries::activity_id.eq_any(activity_ids))
            .order(visit_summaries::id)
            .select((
                visit_summaries::activity_id,
                visit_summaries::to_address,
                visit_summaries::sent_at,
                users::name.nullable(),
            ))
            .load(c)
    }
}
