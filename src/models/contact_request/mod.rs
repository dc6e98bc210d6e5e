//! Contact requests (*henvendelser*) from the public form: validation, routing to the
//! company's fixed contact, the inbox's tabs, the work on a request (assign, answer, close,
//! spam) with its event log, notification mails, response-time figures and retention.
//!
//! Every function takes the jobcenter id; a request of another jobcenter is not found. The
//! functions that change a request write its event log themselves; the audit row is the
//! caller's (it knows who asked and from where).

mod form;
mod hand_over;
mod inbox;
mod notify;
mod retention;
mod workflow;

pub use form::{
    ContactForm, ContactInput, MESSAGE_MAX_CHARS, Receipt, StaffRequestForm, Submission,
};
pub use hand_over::ONLY_OPEN_HANDED_OVER;
pub use inbox::{InboxPage, InboxRow, InboxTab};
pub use notify::MailSettings;
pub use retention::Purged;

use std::collections::HashMap;

use chrono::{Months, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Deserialize;

use super::audit::{NewAuditEntry, action};
use super::company::{Company, check_phone};
use super::jobcenter::Jobcenter;
use super::outbox::NewMail;
use super::settings::Settings;
use super::user::User;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::schema::{
    companies, contact_request_counts, contact_request_events, contact_requests, users,
};
use crate::db::{DbConn, write_tx};
use crate::domain::working_days::{self, Timing};
use crate::domain::{cpr_guard, cvr, dates, validate};

text_enum! {
    /// What the company wants to talk about.
    pub enum RequestTopic {
        Recruitment => ("recruitment", "Rekruttering"),
        SmaajobFleksjob => ("smaajob_fleksjob", "Småjob eller fleksjob"),
        PraktikLoentilskud => ("praktik_loentilskud", "Virksomhedspraktik eller løntilskud"),
        Retention => ("retention", "Sygefravær og fastholdelse"),
        Other => ("other", "Andet"),
    }
}

text_enum! {
    /// How a request reached the jobcenter: the public form, or a member of staff putting in
    /// what came by phone, mail, in person or at an event.
    pub enum RequestChannel {
        Form => ("form", "Kontaktformular"),
        Phone => ("phone", "Telefon"),
        Mail => ("mail", "E-mail"),
        InPerson => ("in_person", "Personligt fremmøde"),
        Event => ("event", "Arrangement"),
    }
}

text_enum! {
    /// new → assigned → answered → closed; spam never shows in the inbox.
    pub enum RequestStatus {
        New => ("new", "Ny"),
        Assigned => ("assigned", "Tildelt"),
        Answered => ("answered", "Besvaret"),
        Closed => ("closed", "Lukket"),
        Spam => ("spam", "Spam"),
    }
}

impl RequestStatus {
    /// Still waiting for an answer.
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::New | RequestStatus::Assigned)
    }

    /// Can be assigned, answered, closed.
    fn is_workable(self) -> bool {
        matches!(
            self,
            RequestStatus::New | RequestStatus::Assigned | RequestStatus::Answered
        )
    }
}

text_enum! {
    /// Why a request is held as spam.
    pub enum SpamReason {
        Honeypot => ("honeypot", "Det skjulte felt var udfyldt"),
        TooFast => ("too_fast", "Sendt for hurtigt efter, at formularen blev vist"),
        Staff => ("staff", "Markeret som spam af en medarbejder"),
    }
}

text_enum! {
    /// A line in a request's log.
    pub enum EventKind {
        Received => ("received", "Modtaget"),
        JudgedSpam => ("judged_spam", "Frasorteret som spam"),
        CompanyMatched => ("company_matched", "Genkendt på CVR-/P-nummer"),
        CompanyLinked => ("company_linked", "Knyttet til virksomhed"),
        CompanyUnlinked => ("company_unlinked", "Tilknytning til virksomhed fjernet"),
        Routed => ("routed", "Tildelt virksomhedens faste kontakt"),
        Assigned => ("assigned", "Tildelt"),
        Taken => ("taken", "Taget"),
        Answered => ("answered", "Besvaret"),
        Closed => ("closed", "Lukket"),
        Reopened => ("reopened", "Genåbnet"),
        MarkedSpam => ("marked_spam", "Markeret som spam"),
        NotSpam => ("not_spam", "Ikke spam – flyttet til indbakken"),
        Notified => ("notified", "E-mail lagt i udbakken"),
        HandedOver => ("handed_over", "Givet videre"),
        HandedIn => ("handed_in", "Modtaget fra et jobcenter i klyngen"),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = contact_requests)]
pub struct ContactRequest {
    pub id: i64,
    pub jobcenter_id: i64,
    pub company_id: Option<i64>,
    pub company_name: String,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub topic: RequestTopic,
    pub message: String,
    pub preferred_time: String,
    pub consent: bool,
    pub status: RequestStatus,
    pub spam_reason: Option<SpamReason>,
    pub assigned_to: Option<i64>,
    pub received_at: NaiveDateTime,
    pub first_answer_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub idempotency_key: String,
    pub channel: RequestChannel,
    /// The member of staff who put in a request that came another way than the form.
    pub registered_by: Option<i64>,
}

// --- The public form -------------------------------------------------------------------------

// --- The inbox -------------------------------------------------------------------------------

/// A line of a request's log.
#[derive(Debug, Clone, Queryable)]
pub struct EventRow {
    pub id: i64,
    pub kind: EventKind,
    pub details: String,
    pub created_at: NaiveDateTime,
    pub user_name: Option<String>,
}

/// Adds a line to a request's log.
pub(super) fn log(
    c: &mut DbConn,
    request: &ContactRequest,
    user_id: Option<i64>,
    kind: EventKind,
    details: String,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(contact_request_events::table)
        .values((
            contact_request_events::jobcenter_id.eq(request.jobcenter_id),
            contact_request_events::request_id.eq(request.id),
            contact_request_events::user_id.eq(user_id),
            contact_request_events::kind.eq(kind),
            contact_request_events::details.eq(details),
            contact_request_events::created_at.eq(now),
        ))
        .execute(c)
        .map(drop)
}

impl ContactRequest {
    /// The jobcenter's requests among `ids`, in the order of `ids`.
    pub fn find_many(
        c: &mut DbConn,
        jobcenter_id: i64,
        ids: &[i64],
    ) -> QueryResult<Vec<ContactRequest>> {
        // By the primary key alone: with the jobcenter in the WHERE clause too, SQLite reads
        // the jobcenter's whole index for more than three ids (the API's list pages were 10-100
        // times slower than the pages, bench/RESULTS.md). The jobcenter is checked here.
        let mut rows: Vec<ContactRequest> = contact_requests::table
            .filter(contact_requests::id.eq_any(ids))
            .select(ContactRequest::as_select())
            .load(c)?;
        rows.retain(|r| r.jobcenter_id == jobcenter_id);
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(rows)
    }

    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<ContactRequest> {
        contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(contact_requests::id.eq(id))
            .select(ContactRequest::as_select())
            .first(c)
    }

    /// The log of a request, oldest first.
    pub fn events(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Vec<EventRow>> {
        contact_request_events::table
            .left_join(users::table)
            .filter(contact_request_events::jobcenter_id.eq(jobcenter_id))
            .filter(contact_request_events::request_id.eq(id))
            .order(contact_request_events::id)
            .select((
                contact_request_events::id,
                contact_request_events::kind,
                contact_request_events::details,
                contact_request_events::created_at,
                users::name.nullable(),
            ))
            .load(c)
    }
}
