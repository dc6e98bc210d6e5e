//! The work on a request: take, assign, answer, close, reopen, spam, and link to a company.
//!
//! Derived data: every change of a request's status or assignee here (and its insert in
//! `form.rs`, its delete in `retention.rs`) moves `contact_request_counts` by trigger
//! (`src/db/triggers/`), which the navigation's badge reads.

use super::form::route;
use super::notify::notify_assignee;
use super::*;

pub(super) fn refuse(message: &str) -> WriteError {
    WriteError::invalid("action", message)
}

impl ContactRequest {
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
                .filter(User::can_take_work)
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
            if status == RequestStatus::Answered {
                let what = ("request", "requests", request_id);
                crate::models::webhook::emit(c, jobcenter_id, "request.answered", what, now)?;
            }
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
                    .filter(User::can_take_work),
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
}
