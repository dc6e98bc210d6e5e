//! Contact requests (*henvendelser*) from the public form: validation, routing to the
//! company's fixed contact, the inbox's tabs, the work on a request (assign, answer, close,
//! spam) with its event log, notification mails, response-time figures and retention.
//!
//! Every function takes the jobcenter id; a request of another jobcenter is not found. The
//! functions that change a request write its event log themselves; the audit row is the
//! caller's (it knows who asked and from where).

use std::collections::HashMap;

use chrono::{Months, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

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
        Received => ("received", "Modtaget via kontaktformularen"),
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
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
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
    #[serde(skip)]
    pub idempotency_key: String,
}

// --- The public form -------------------------------------------------------------------------

/// The public form as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ContactForm {
    pub company_name: String,
    pub cvr: String,
    pub p_number: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub topic: String,
    pub message: String,
    pub preferred_time: String,
    /// "1" when the consent box is ticked.
    pub consent: String,
    /// The honeypot: hidden from people and screen readers, so only robots fill it in. Never
    /// shown again.
    #[serde(skip_serializing)]
    pub homepage: String,
    /// Signed by the server: for which jobcenter and when the form was handed out, and the
    /// form's idempotency key.
    pub stamp: String,
}

/// A validated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactInput {
    pub company_name: String,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub topic: RequestTopic,
    pub message: String,
    pub preferred_time: String,
}

pub const MESSAGE_MAX_CHARS: usize = 5000;

const MSG_CPR: &str = "Teksten ser ud til at indeholde et CPR-nummer. Skriv ikke CPR-numre her – \
                       vi spørger, hvis vi får brug for flere oplysninger.";

fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.insert(field, format!("Må højst være på {max} tegn."));
    } else if cpr_guard::check_free_text(value).is_err() {
        errors.insert(field, MSG_CPR.into());
    }
    value.to_string()
}

impl ContactForm {
    /// Checks every field; all refusals at once, in Danish, keyed by field.
    pub fn validate(&self) -> Result<ContactInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let company_name = text(&mut errors, "company_name", &self.company_name, 200);
        if company_name.is_empty() {
            errors.insert("company_name", "Skriv virksomhedens navn.".into());
        }
        let cvr = match self.cvr.trim() {
            "" => None,
            typed => cvr::normalize_cvr(typed)
                .map_err(|e| errors.insert("cvr", e.into()))
                .ok(),
        };
        let p_number = match self.p_number.trim() {
            "" => None,
            typed => cvr::normalize_p_number(typed)
                .map_err(|e| errors.insert("p_number", e.into()))
                .ok(),
        };
        let contact_name = text(&mut errors, "contact_name", &self.contact_name, 200);
        if contact_name.is_empty() {
            errors.insert("contact_name", "Skriv dit navn.".into());
        }
        let email = self.email.trim().to_string();
        if !email.is_empty()
            && let Err(e) = validate::email(&email)
        {
            errors.insert("email", e.into());
        }
        let phone = self.phone.trim().to_string();
        if let Err(e) = check_phone(&phone) {
            errors.insert("phone", e.into());
        }
        if email.is_empty() && phone.is_empty() {
            errors.insert(
                "email",
                "Skriv en e-mailadresse eller et telefonnummer, så vi kan kontakte dig.".into(),
            );
        }
        let topic = RequestTopic::parse(self.topic.trim());
        if topic.is_none() {
            errors.insert("topic", "Vælg, hvad henvendelsen handler om.".into());
        }
        let message = text(&mut errors, "message", &self.message, MESSAGE_MAX_CHARS);
        if message.is_empty() {
            errors.insert("message", "Skriv, hvad vi kan hjælpe med.".into());
        }
        let preferred_time = text(&mut errors, "preferred_time", &self.preferred_time, 200);
        if self.consent != "1" {
            errors.insert(
                "consent",
                "Sæt kryds for at sige ja til, at vi bruger oplysningerne til at svare dig.".into(),
            );
        }
        match topic {
            Some(topic) if errors.is_empty() => Ok(ContactInput {
                company_name,
                cvr,
                p_number,
                contact_name,
                email,
                phone,
                topic,
                message,
                preferred_time,
            }),
            _ => Err(errors),
        }
    }
}

/// A checked submission of the public form.
#[derive(Debug, Clone)]
pub struct Submission {
    pub input: ContactInput,
    /// From the form's stamp; the same key twice is the same request.
    pub idempotency_key: String,
    /// Set when the form's own checks judged it spam: it is kept, but never reaches the inbox.
    pub spam: Option<SpamReason>,
}

/// What notification mails need to know of the installation.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Links in mails point here, e.g. https://crm.koege.dk.
    pub base_url: String,
    /// Whether companies get a receipt (only when mail can actually be sent).
    pub receipts: bool,
}

/// The result of a submission.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub request: ContactRequest,
    /// The same form was sent before; nothing new was saved.
    pub duplicate: bool,
    pub receipt_queued: bool,
}

// --- The inbox -------------------------------------------------------------------------------

/// The inbox's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxTab {
    /// Unassigned and unanswered.
    New,
    /// Assigned to the user and unanswered.
    Mine,
    /// New and assigned, anyone's.
    Open,
    Answered,
    Closed,
    /// Admins only.
    Spam,
}

impl InboxTab {
    pub const ALL: &'static [InboxTab] = &[
        InboxTab::Open,
        InboxTab::New,
        InboxTab::Mine,
        InboxTab::Answered,
        InboxTab::Closed,
        InboxTab::Spam,
    ];

    pub fn parse(s: &str) -> Option<InboxTab> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InboxTab::New => "new",
            InboxTab::Mine => "mine",
            InboxTab::Open => "open",
            InboxTab::Answered => "answered",
            InboxTab::Closed => "closed",
            InboxTab::Spam => "spam",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InboxTab::New => "Nye",
            InboxTab::Mine => "Tildelt mig",
            InboxTab::Open => "Alle åbne",
            InboxTab::Answered => "Besvarede",
            InboxTab::Closed => "Lukkede",
            InboxTab::Spam => "Spam",
        }
    }
}

/// A line of the inbox.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = contact_requests)]
pub struct InboxRow {
    pub id: i64,
    pub company_id: Option<i64>,
    pub company_name: String,
    pub topic: RequestTopic,
    pub status: RequestStatus,
    pub assigned_to: Option<i64>,
    pub received_at: NaiveDateTime,
    pub first_answer_at: Option<NaiveDateTime>,
}

pub struct InboxPage {
    /// The rows with the name of whoever each is assigned to.
    pub rows: Vec<(InboxRow, Option<String>)>,
    /// Where the next page starts (rows with a smaller id).
    pub next_before: Option<i64>,
}

/// A line of a request's log.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct EventRow {
    pub id: i64,
    pub kind: EventKind,
    pub details: String,
    pub created_at: NaiveDateTime,
    pub user_name: Option<String>,
}

/// What the retention job deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub closed: usize,
    pub spam: usize,
}

fn refuse(message: &str) -> WriteError {
    WriteError::invalid("action", message)
}

/// The company a request is about — by P-number, else by CVR (a single match, or the head
/// office without a P-number) — and its fixed contact when that is an active member of staff.
fn route(
    c: &mut DbConn,
    jobcenter_id: i64,
    cvr: Option<&str>,
    p_number: Option<&str>,
) -> QueryResult<(Option<Company>, Option<User>)> {
    let mut company = None;
    if let Some(p) = p_number {
        company = companies::table
            .filter(companies::jobcenter_id.eq(jobcenter_id))
            .filter(companies::p_number.eq(p))
            .select(Company::as_select())
            .first(c)
            .optional()?;
    }
    if company.is_none()
        && let Some(cvr) = cvr
    {
        let mut matches = Company::find_by_cvr(c, jobcenter_id, cvr)?;
        company = if matches.len() == 1 {
            matches.pop()
        } else {
            matches.into_iter().find(|m| m.p_number.is_none())
        };
    }
    let contact = match company.as_ref().and_then(|co| co.fixed_contact_id) {
        Some(id) => User::find(c, jobcenter_id, id)
            .optional()?
            .filter(|u| u.active),
        None => None,
    };
    Ok((company, contact))
}

/// Adds a line to a request's log.
fn log(
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

/// Queues a mail about a request and notes it in the request's log.
fn notify(
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
fn notify_assignee(
    c: &mut DbConn,
    request: &ContactRequest,
    assignee: &User,
    why: &str,
    mail: &MailSettings,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let settings = Settings::get(c, request.jobcenter_id)?;
    let due = working_days::add_working_days(
        dates::local_date(request.received_at),
        settings.answer_promise_days.max(0) as u32,
    );
    let body = format!(
        "Hej {name}\n\n{company} har skrevet til jobcentret om: {topic}.\n{why}\n\n\
         Jobcentret har lovet svar inden for {days} arbejdsdage, dvs. senest {due}.\n\n\
         Se henvendelsen: {base}/requests/{id}\n",
        name = assignee.name,
        company = request.company_name,
        topic = request.topic.label(),
        days = settings.answer_promise_days,
        due = working_days::weekday_and_date(due),
        base = mail.base_url,
        id = request.id,
    );
    notify(
        c,
        request,
        &assignee.email,
        &assignee.name,
        format!("Henvendelse til dig fra {}", request.company_name),
        body,
        now,
    )
}

impl ContactRequest {
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<ContactRequest> {
        contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(contact_requests::id.eq(id))
            .select(ContactRequest::as_select())
            .first(c)
    }

    fn find_by_key(
        c: &mut DbConn,
        jobcenter_id: i64,
        key: &str,
    ) -> QueryResult<Option<ContactRequest>> {
        contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(contact_requests::idempotency_key.eq(key))
            .select(ContactRequest::as_select())
            .first(c)
            .optional()
    }

    /// Saves a submission of the public form, once per idempotency key. A clean one is routed:
    /// when its P-number or CVR matches a company of the jobcenter it is linked to the company
    /// and assigned to the company's fixed contact, who is told by mail; otherwise it waits in
    /// "new" and the team address (a setting) is told. Spam is kept aside, untouched.
    pub fn receive(
        c: &mut DbConn,
        jobcenter_id: i64,
        submission: &Submission,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> QueryResult<Receipt> {
        let result = write_tx(c, |c| {
            Self::receive_in_tx(c, jobcenter_id, submission, mail, now)
        });
        match result {
            // The same form sent twice at the same moment: the other one won.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => match Self::find_by_key(c, jobcenter_id, &submission.idempotency_key)? {
                Some(request) => Ok(Receipt {
                    request,
                    duplicate: true,
                    receipt_queued: false,
                }),
                None => Err(diesel::result::Error::NotFound),
            },
            other => other,
        }
    }

    fn receive_in_tx(
        c: &mut DbConn,
        jobcenter_id: i64,
        submission: &Submission,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> QueryResult<Receipt> {
        if let Some(request) = Self::find_by_key(c, jobcenter_id, &submission.idempotency_key)? {
            return Ok(Receipt {
                request,
                duplicate: true,
                receipt_queued: false,
            });
        }
        let input = &submission.input;
        let (company, assignee) = match submission.spam {
            Some(_) => (None, None),
            None => route(
                c,
                jobcenter_id,
                input.cvr.as_deref(),
                input.p_number.as_deref(),
            )?,
        };
        let status = match (submission.spam, &assignee) {
            (Some(_), _) => RequestStatus::Spam,
            (None, Some(_)) => RequestStatus::Assigned,
            (None, None) => RequestStatus::New,
        };
        let id: i64 = diesel::insert_into(contact_requests::table)
            .values((
                contact_requests::jobcenter_id.eq(jobcenter_id),
                contact_requests::company_id.eq(company.as_ref().map(|co| co.id)),
                contact_requests::company_name.eq(&input.company_name),
                contact_requests::cvr.eq(&input.cvr),
                contact_requests::p_number.eq(&input.p_number),
                contact_requests::contact_name.eq(&input.contact_name),
                contact_requests::email.eq(&input.email),
                contact_requests::phone.eq(&input.phone),
                contact_requests::topic.eq(input.topic),
                contact_requests::message.eq(&input.message),
                contact_requests::preferred_time.eq(&input.preferred_time),
                contact_requests::consent.eq(true),
                contact_requests::status.eq(status),
                contact_requests::spam_reason.eq(submission.spam),
                contact_requests::assigned_to.eq(assignee.as_ref().map(|u| u.id)),
                contact_requests::received_at.eq(now),
                contact_requests::updated_at.eq(now),
                contact_requests::idempotency_key.eq(&submission.idempotency_key),
            ))
            .returning(contact_requests::id)
            .get_result(c)?;
        let request = Self::find(c, jobcenter_id, id)?;
        log(c, &request, None, EventKind::Received, String::new(), now)?;
        if let Some(reason) = submission.spam {
            log(
                c,
                &request,
                None,
                EventKind::JudgedSpam,
                reason.label().into(),
                now,
            )?;
            return Ok(Receipt {
                request,
                duplicate: false,
                receipt_queued: false,
            });
        }
        if let Some(company) = &company {
            log(
                c,
                &request,
                None,
                EventKind::CompanyMatched,
                company.name.clone(),
                now,
            )?;
        }
        let settings = Settings::get(c, jobcenter_id)?;
        match &assignee {
            Some(user) => {
                log(c, &request, None, EventKind::Routed, user.name.clone(), now)?;
                notify_assignee(
                    c,
                    &request,
                    user,
                    "Du er virksomhedens faste kontakt, så henvendelsen er tildelt dig.",
                    mail,
                    now,
                )?;
            }
            None if !settings.team_email.is_empty() => {
                let body = format!(
                    "{company} har skrevet til jobcentret om: {topic}.\n\
                     Henvendelsen er ikke tildelt nogen endnu. Tag den her:\n\n{base}/requests/{id}\n",
                    company = request.company_name,
                    topic = request.topic.label(),
                    base = mail.base_url,
                    id = request.id,
                );
                notify(
                    c,
                    &request,
                    &settings.team_email,
                    "teamets e-mail",
                    format!("Ny henvendelse fra {}", request.company_name),
                    body,
                    now,
                )?;
            }
            None => {}
        }
        let receipt_queued = mail.receipts && !request.email.is_empty();
        if receipt_queued {
            let jobcenter = Jobcenter::find(c, jobcenter_id)?;
            let due = working_days::add_working_days(
                dates::local_date(now),
                settings.answer_promise_days.max(0) as u32,
            );
            let body = format!(
                "Kære {name}\n\nTak for din henvendelse om {topic}. Vi har modtaget den {received}.\n\
                 Vi kontakter dig inden for {days} arbejdsdage, dvs. senest {due}.\n\n\
                 Venlig hilsen\n{jobcenter}\n\n\
                 Denne e-mail er sendt automatisk. Du kan ikke svare på den.\n",
                name = request.contact_name,
                topic = request.topic.label().to_lowercase(),
                received = now.format("%d-%m-%Y"),
                days = settings.answer_promise_days,
                due = working_days::weekday_and_date(due),
                jobcenter = jobcenter.name,
            );
            notify(
                c,
                &request,
                &request.email,
                "virksomheden (kvittering)",
                format!("Tak for din henvendelse til {}", jobcenter.name),
                body,
                now,
            )?;
        }
        Ok(Receipt {
            request,
            duplicate: false,
            receipt_queued,
        })
    }

    /// One page of an inbox tab, newest first, read through the status (or assignee) index.
    pub fn inbox(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        tab: InboxTab,
        before_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<InboxPage> {
        let page = |c: &mut DbConn, status: RequestStatus, assignee: Option<i64>| {
            {
                // The assignee's name comes with the row (a LEFT JOIN cannot lead the walk).
                let mut q = contact_requests::table
                    .left_join(
                        users::table.on(users::id.nullable().eq(contact_requests::assigned_to)),
                    )
                    .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
                    .filter(contact_requests::status.eq(status))
                    .into_boxed();
                if let Some(user) = assignee {
                    q = q.filter(contact_requests::assigned_to.eq(user));
                }
                if let Some(before) = before_id {
                    q = q.filter(contact_requests::id.lt(before));
                }
                q.order(contact_requests::id.desc())
                    .limit(limit + 1)
                    .select((InboxRow::as_select(), users::name.nullable()))
                    .load::<(InboxRow, Option<String>)>(c)
            }
        };
        let mut rows = match tab {
            InboxTab::New => page(c, RequestStatus::New, None)?,
            InboxTab::Mine => page(c, RequestStatus::Assigned, Some(user_id))?,
            // Two index ranges merged: each is read only as far as one page needs.
            InboxTab::Open => {
                let mut rows = page(c, RequestStatus::New, None)?;
                rows.extend(page(c, RequestStatus::Assigned, None)?);
                rows.sort_by_key(|(r, _)| std::cmp::Reverse(r.id));
                rows
            }
            InboxTab::Answered => page(c, RequestStatus::Answered, None)?,
            InboxTab::Closed => page(c, RequestStatus::Closed, None)?,
            InboxTab::Spam => page(c, RequestStatus::Spam, None)?,
        };
        let next_before = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|(r, _)| r.id)
        } else {
            None
        };
        Ok(InboxPage { rows, next_before })
    }

    /// How many open requests not answered yet were received before `cutoff` (see
    /// `working_days::past_promise_cutoff`). A request is open (new or assigned) exactly until
    /// it is first answered, so this is every open request — from the counters the triggers
    /// on contact_requests keep — less those received since the cutoff: a walk of the newest
    /// only, however many wait.
    pub fn count_waiting_since_before(
        c: &mut DbConn,
        jobcenter_id: i64,
        cutoff: NaiveDateTime,
    ) -> QueryResult<i64> {
        let open: Vec<i64> = (open_request_counts(jobcenter_id)
            .select(contact_request_counts::n)
            .load(c))?;
        let since: i64 = contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(
                contact_requests::status
                    .eq(RequestStatus::New)
                    .or(contact_requests::status.eq(RequestStatus::Assigned)),
            )
            .filter(contact_requests::received_at.ge(cutoff))
            .count()
            .get_result(c)?;
        Ok(open.iter().sum::<i64>() - since)
    }

    /// The requests that want the user's attention: how many are new, and how many are
    /// assigned to the user and not answered yet. Read from the counters the triggers on
    /// contact_requests keep (a row per status and assignee), cheap enough for every page
    /// (the navigation shows their sum).
    pub fn count_new_and_mine(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
    ) -> QueryResult<(i64, i64)> {
        // The new ones, and the user's own row of the assigned ones (not everyone's): two seeks.
        let counts = || {
            contact_request_counts::table
                .filter(contact_request_counts::jobcenter_id.eq(jobcenter_id))
                .select(contact_request_counts::n)
        };
        let new: Vec<i64> = counts()
            .filter(contact_request_counts::status.eq(RequestStatus::New))
            .load(c)?;
        let mine: Vec<i64> = counts()
            .filter(contact_request_counts::status.eq(RequestStatus::Assigned))
            .filter(contact_request_counts::assigned_to.eq(user_id))
            .load(c)?;
        Ok((new.iter().sum(), mine.iter().sum()))
    }

    /// Open requests per member of staff they are assigned to.
    pub fn open_per_assignee(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<(String, i64)>> {
        let counts: Vec<(Option<i64>, i64)> = contact_requests::table
            .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
            .filter(contact_requests::status.eq(RequestStatus::Assigned))
            .group_by(contact_requests::assigned_to)
            .select((contact_requests::assigned_to, diesel::dsl::count_star()))
            .load(c)?;
        let staff: HashMap<i64, String> = User::list(c, jobcenter_id)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let mut rows: Vec<(String, i64)> = counts
            .into_iter()
            .filter_map(|(id, n)| Some((staff.get(&id?)?.clone(), n)))
            .collect();
        rows.sort();
        Ok(rows)
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

    /// When requests received since `since` came and were answered, for response-time figures.
    pub fn timings(
        c: &mut DbConn,
        jobcenter_id: i64,
        since: NaiveDateTime,
    ) -> QueryResult<Vec<Timing>> {
        let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>, RequestStatus)> =
            contact_requests::table
                .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
                .filter(contact_requests::received_at.ge(since))
                .filter(contact_requests::status.ne(RequestStatus::Spam))
                .select((
                    contact_requests::received_at,
                    contact_requests::first_answer_at,
                    contact_requests::status,
                ))
                .load(c)?;
        Ok(rows
            .into_iter()
            .map(|(received_at, first_answer_at, status)| Timing {
                received_at,
                first_answer_at,
                open: status.is_open(),
            })
            .collect())
    }

    /// Assigns (or reassigns) a request to an active member of staff of the jobcenter, who is
    /// told by mail unless they did it themselves. Returns the request and the assignee.
    pub fn assign(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        assignee_id: i64,
        by_user_id: i64,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> Result<(ContactRequest, User), WriteError> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if !request.status.is_workable() {
                return Err(refuse("Genåbn henvendelsen, før den tildeles."));
            }
            let Some(assignee) = User::find(c, jobcenter_id, assignee_id)
                .optional()?
                .filter(|u| u.active)
            else {
                return Err(WriteError::invalid(
                    "assignee",
                    "Vælg en aktiv medarbejder fra jobcentret.",
                ));
            };
            if request.assigned_to == Some(assignee.id) {
                return Ok((request, assignee));
            }
            let status = match request.status {
                RequestStatus::New => RequestStatus::Assigned,
                other => other,
            };
            diesel::update(contact_requests::table.find(id))
                .set((
                    contact_requests::assigned_to.eq(Some(assignee.id)),
                    contact_requests::status.eq(status),
                    contact_requests::updated_at.eq(now),
                ))
                .execute(c)?;
            let request = Self::find(c, jobcenter_id, id)?;
            log(
                c,
                &request,
                Some(by_user_id),
                EventKind::Assigned,
                format!("til {}", assignee.name),
                now,
            )?;
            if assignee.id != by_user_id {
                notify_assignee(
                    c,
                    &request,
                    &assignee,
                    "Henvendelsen er tildelt dig.",
                    mail,
                    now,
                )?;
            }
            Ok((request, assignee))
        })
    }

    /// A member of staff takes a request nobody has yet; refused when someone was first.
    pub fn take(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<ContactRequest, WriteError> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if !request.status.is_workable() {
                return Err(refuse("Genåbn henvendelsen, før den tages."));
            }
            let taken = diesel::update(
                contact_requests::table
                    .filter(contact_requests::id.eq(id))
                    .filter(contact_requests::assigned_to.is_null()),
            )
            .set((
                contact_requests::assigned_to.eq(Some(user_id)),
                contact_requests::status.eq(match request.status {
                    RequestStatus::New => RequestStatus::Assigned,
                    other => other,
                }),
                contact_requests::updated_at.eq(now),
            ))
            .execute(c)?;
            if taken != 1 {
                return Err(refuse(
                    "Henvendelsen er allerede tildelt en anden. En leder kan tildele den på ny.",
                ));
            }
            let request = Self::find(c, jobcenter_id, id)?;
            log(
                c,
                &request,
                Some(user_id),
                EventKind::Taken,
                String::new(),
                now,
            )?;
            Ok(request)
        })
    }

    /// Records that the company has been answered: the first time, `first_answer_at` is set
    /// (it is never moved later) and an open request becomes "answered", assigned to the user
    /// if it was nobody's. Calling it again changes nothing; spam is left alone.
    ///
    /// Called by the inbox's "Markér som besvaret", and meant to be called — inside the same
    /// write transaction — when an activity is logged on the linked company from the request,
    /// so the response-time figures count that answer. The caller writes the audit row.
    pub fn mark_answered(
        c: &mut DbConn,
        jobcenter_id: i64,
        request_id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<ContactRequest> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, request_id)?;
            let status = match request.status {
                RequestStatus::Spam => return Ok(request),
                RequestStatus::New | RequestStatus::Assigned => RequestStatus::Answered,
                other if request.first_answer_at.is_none() => other,
                _ => return Ok(request),
            };
            diesel::update(contact_requests::table.find(request_id))
                .set((
                    contact_requests::status.eq(status),
                    contact_requests::first_answer_at.eq(request.first_answer_at.or(Some(now))),
                    contact_requests::assigned_to.eq(request.assigned_to.or(Some(user_id))),
                    contact_requests::updated_at.eq(now),
                ))
                .execute(c)?;
            let request = Self::find(c, jobcenter_id, request_id)?;
            log(
                c,
                &request,
                Some(user_id),
                EventKind::Answered,
                String::new(),
                now,
            )?;
            Ok(request)
        })
    }

    /// Closes a request; closed requests are deleted after the retention period.
    pub fn close(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<ContactRequest, WriteError> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if !request.status.is_workable() {
                return Err(refuse("Henvendelsen er allerede lukket."));
            }
            diesel::update(contact_requests::table.find(id))
                .set((
                    contact_requests::status.eq(RequestStatus::Closed),
                    contact_requests::closed_at.eq(Some(now)),
                    contact_requests::updated_at.eq(now),
                ))
                .execute(c)?;
            let request = Self::find(c, jobcenter_id, id)?;
            log(
                c,
                &request,
                Some(user_id),
                EventKind::Closed,
                String::new(),
                now,
            )?;
            Ok(request)
        })
    }

    /// Opens a closed request again, where it stood before.
    pub fn reopen(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<ContactRequest, WriteError> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if request.status != RequestStatus::Closed {
                return Err(refuse("Kun lukkede henvendelser kan genåbnes."));
            }
            let status = if request.first_answer_at.is_some() {
                RequestStatus::Answered
            } else if request.assigned_to.is_some() {
                RequestStatus::Assigned
            } else {
                RequestStatus::New
            };
            diesel::update(contact_requests::table.find(id))
                .set((
                    contact_requests::status.eq(status),
                    contact_requests::closed_at.eq(None::<NaiveDateTime>),
                    contact_requests::updated_at.eq(now),
                ))
                .execute(c)?;
            let request = Self::find(c, jobcenter_id, id)?;
            log(
                c,
                &request,
                Some(user_id),
                EventKind::Reopened,
                String::new(),
                now,
            )?;
            Ok(request)
        })
    }

    /// Moves a request out of the inbox as spam; it is deleted after the spam retention.
    pub fn mark_spam(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<ContactRequest, WriteError> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if request.status == RequestStatus::Spam {
                return Err(refuse("Henvendelsen er allerede markeret som spam."));
            }
            diesel::update(contact_requests::table.find(id))
                .set((
                    contact_requests::status.eq(RequestStatus::Spam),
                    contact_requests::spam_reason.eq(Some(SpamReason::Staff)),
                    contact_requests::updated_at.eq(now),
                ))
                .execute(c)?;
            let request = Self::find(c, jobcenter_id, id)?;
            log(
                c,
                &request,
                Some(user_id),
                EventKind::MarkedSpam,
                String::new(),
                now,
            )?;
            Ok(request)
        })
    }

    /// Puts a request wrongly judged as spam into the inbox, routed as a new one would be.
    pub fn not_spam(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<ContactRequest, WriteError> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if request.status != RequestStatus::Spam {
                return Err(refuse("Henvendelsen er ikke markeret som spam."));
            }
            let (company, assignee) = if request.company_id.is_none() {
                route(
                    c,
                    jobcenter_id,
                    request.cvr.as_deref(),
                    request.p_number.as_deref(),
                )?
            } else {
                (None, None)
            };
            let was_assigned = request.assigned_to.is_some();
            let assigned_to = request.assigned_to.or(assignee.as_ref().map(|u| u.id));
            let status = match (request.first_answer_at, assigned_to) {
                (Some(_), _) => RequestStatus::Answered,
                (None, Some(_)) => RequestStatus::Assigned,
                (None, None) => RequestStatus::New,
            };
            diesel::update(contact_requests::table.find(id))
                .set((
                    contact_requests::status.eq(status),
                    contact_requests::spam_reason.eq(None::<SpamReason>),
                    contact_requests::assigned_to.eq(assigned_to),
                    contact_requests::company_id
                        .eq(request.company_id.or(company.as_ref().map(|co| co.id))),
                    contact_requests::updated_at.eq(now),
                ))
                .execute(c)?;
            let request = Self::find(c, jobcenter_id, id)?;
            log(
                c,
                &request,
                Some(user_id),
                EventKind::NotSpam,
                String::new(),
                now,
            )?;
            if let Some(company) = company {
                log(
                    c,
                    &request,
                    None,
                    EventKind::CompanyMatched,
                    company.name,
                    now,
                )?;
            }
            if let Some(user) = assignee.filter(|_| !was_assigned) {
                log(c, &request, None, EventKind::Routed, user.name, now)?;
            }
            Ok(request)
        })
    }

    /// Links the request to a company of the jobcenter (or unlinks it with `None`). A request
    /// nobody has taken yet goes to the company's fixed contact, who is told by mail.
    pub fn link_company(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        company_id: Option<i64>,
        user_id: i64,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> Result<ContactRequest, WriteError> {
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if request.status == RequestStatus::Spam {
                return Err(refuse("Spam kan ikke knyttes til en virksomhed."));
            }
            let Some(company_id) = company_id else {
                diesel::update(contact_requests::table.find(id))
                    .set((
                        contact_requests::company_id.eq(None::<i64>),
                        contact_requests::updated_at.eq(now),
                    ))
                    .execute(c)?;
                let request = Self::find(c, jobcenter_id, id)?;
                log(
                    c,
                    &request,
                    Some(user_id),
                    EventKind::CompanyUnlinked,
                    String::new(),
                    now,
                )?;
                return Ok(request);
            };
            // Another jobcenter's company is not found.
            let company = Company::find(c, jobcenter_id, company_id)?;
            diesel::update(contact_requests::table.find(id))
                .set((
                    contact_requests::company_id.eq(Some(company.id)),
                    contact_requests::updated_at.eq(now),
                ))
                .execute(c)?;
            let mut request = Self::find(c, jobcenter_id, id)?;
            log(
                c,
                &request,
                Some(user_id),
                EventKind::CompanyLinked,
                company.name.clone(),
                now,
            )?;
            let contact = match company.fixed_contact_id {
                Some(uid) if request.assigned_to.is_none() => User::find(c, jobcenter_id, uid)
                    .optional()?
                    .filter(|u| u.active),
                _ => None,
            };
            if let Some(contact) = contact.filter(|_| request.status.is_workable()) {
                let status = match request.status {
                    RequestStatus::New => RequestStatus::Assigned,
                    other => other,
                };
                diesel::update(contact_requests::table.find(id))
                    .set((
                        contact_requests::assigned_to.eq(Some(contact.id)),
                        contact_requests::status.eq(status),
                    ))
                    .execute(c)?;
                request = Self::find(c, jobcenter_id, id)?;
                log(
                    c,
                    &request,
                    None,
                    EventKind::Routed,
                    contact.name.clone(),
                    now,
                )?;
                if contact.id != user_id {
                    notify_assignee(
                        c,
                        &request,
                        &contact,
                        "Du er virksomhedens faste kontakt, så henvendelsen er tildelt dig.",
                        mail,
                        now,
                    )?;
                }
            }
            Ok(request)
        })
    }

    /// The daily retention job: in each jobcenter, deletes closed requests closed longer ago
    /// than its retention setting (months) and spam received longer ago than its spam setting
    /// (days), with their logs, and notes the numbers in the audit log.
    pub fn purge_expired(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<Purged> {
        let mut total = Purged::default();
        for jobcenter in Jobcenter::all(c)? {
            let settings = Settings::get(c, jobcenter.id)?;
            let months = Months::new(settings.request_retention_months.max(1) as u32);
            let closed_before = now.checked_sub_months(months).unwrap_or(now);
            let spam_before = now - TimeDelta::days(settings.spam_retention_days.max(1).into());
            let purged = write_tx(c, |c| {
                let closed = diesel::delete(
                    contact_requests::table
                        .filter(contact_requests::jobcenter_id.eq(jobcenter.id))
                        .filter(contact_requests::status.eq(RequestStatus::Closed))
                        .filter(contact_requests::closed_at.lt(closed_before)),
                )
                .execute(c)?;
                let spam = diesel::delete(
                    contact_requests::table
                        .filter(contact_requests::jobcenter_id.eq(jobcenter.id))
                        .filter(contact_requests::status.eq(RequestStatus::Spam))
                        .filter(contact_requests::received_at.lt(spam_before)),
                )
                .execute(c)?;
                if closed + spam > 0 {
                    NewAuditEntry {
                        jobcenter_id: Some(jobcenter.id),
                        action: action::REQUESTS_DELETED,
                        entity: "contact_request",
                        details: format!(
                            "{closed} lukkede og {spam} spam slettet efter opbevaringsreglerne"
                        ),
                        created_at: now,
                        ..Default::default()
                    }
                    .insert(c)?;
                }
                Ok::<_, diesel::result::Error>(Purged { closed, spam })
            })?;
            total.closed += purged.closed;
            total.spam += purged.spam;
        }
        Ok(total)
    }
}

/// The counter rows (see `contact_request_counts`) of the jobcenter's open requests: the new
/// ones and those assigned to anyone.
#[diesel::dsl::auto_type]
fn open_request_counts(jobcenter_id: i64) -> _ {
    let new: RequestStatus = RequestStatus::New;
    let assigned: RequestStatus = RequestStatus::Assigned;
    contact_request_counts::table
        .filter(contact_request_counts::jobcenter_id.eq(jobcenter_id))
        .filter(
            contact_request_counts::status
                .eq(new)
                .or(contact_request_counts::status.eq(assigned)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ContactForm {
        ContactForm {
            company_name: "Køge Havnekiosk ApS".into(),
            cvr: "".into(),
            contact_name: "Mette Hansen".into(),
            email: "mette@kiosk.dk".into(),
            topic: "recruitment".into(),
            message: "Vi søger en medarbejder.".into(),
            consent: "1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_form_passes() {
        let input = valid().validate().unwrap();
        assert_eq!(input.topic, RequestTopic::Recruitment);
        assert_eq!(input.cvr, None);
    }

    #[test]
    fn email_or_phone_is_needed() {
        let mut form = valid();
        form.email.clear();
        assert!(form.validate().unwrap_err().contains_key("email"));
        form.phone = "56 67 00 00".into();
        assert!(form.validate().is_ok());
    }

    #[test]
    fn bad_fields_are_named() {
        let form = ContactForm {
            cvr: "12345678".into(),
            message: "Borger 010190-1234 vil gerne starte".into(),
            topic: "nonsense".into(),
            consent: String::new(),
            ..valid()
        };
        let errors = form.validate().unwrap_err();
        for field in ["cvr", "message", "topic", "consent"] {
            assert!(errors.contains_key(field), "{field}");
        }
    }
}
