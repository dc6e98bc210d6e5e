//! Handing a request to a neighbour: a company in a partner municipality wrote to us. The
//! request moves, with its log, to a jobcenter the sender shares a cluster with; the
//! receiver's routing applies (its fixed contact, else its team's address), and the answer
//! the company was promised stands: the clock runs from when the company first wrote.

use super::form::{announce, route};
use super::workflow::refuse;
use super::*;
use crate::db::schema::{needs, outbox_mails};
use crate::models::cluster;

/// Why an answered, closed or spam request is not handed over.
pub const ONLY_OPEN_HANDED_OVER: &str =
    "Kun en åben henvendelse kan gives videre til et andet jobcenter.";

/// The longest note to the receiving jobcenter.
const HAND_OVER_NOTE_MAX_CHARS: usize = 2000;

impl ContactRequest {
    /// Hands open request `id` to `to_jobcenter_id`, a member of a cluster both are members
    /// of now, with a note for the receiver. Returns the request (now the receiver's) and the
    /// receiver's name. Both logs get a row: the request's own, which moves with it, and the
    /// audit logs of both jobcenters (the sender's is the caller's, and says who). The
    /// request's own log names none of the sender's people.
    pub fn hand_over(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        to_jobcenter_id: i64,
        note: &str,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> Result<(ContactRequest, String), WriteError> {
        let note = note.trim();
        let mut errors = FieldErrors::new();
        if note.is_empty() {
            errors.insert(
                "note",
                "Skriv en besked til jobcentret, der skal svare virksomheden.".into(),
            );
        } else if note.chars().count() > HAND_OVER_NOTE_MAX_CHARS {
            errors.insert(
                "note",
                format!("Må højst være på {HAND_OVER_NOTE_MAX_CHARS} tegn."),
            );
        } else if let Err(e) = cpr_guard::check_free_text(note) {
            errors.insert("note", e.into());
        }
        write_tx(c, |c| {
            let request = Self::find(c, jobcenter_id, id)?;
            if !request.status.is_open() {
                return Err(refuse(ONLY_OPEN_HANDED_OVER));
            }
            let partner = cluster::partners(c, jobcenter_id)?
                .into_iter()
                .find(|(jc, _)| *jc == to_jobcenter_id);
            let Some((to, to_name)) = partner else {
                errors.insert(
                    "to",
                    "Vælg et jobcenter, I er i klynge med. Et jobcenter uden for klyngen, eller som ikke har accepteret, kan ikke få henvendelsen."
                        .into(),
                );
                return Err(WriteError::Invalid(errors.clone()));
            };
            if !errors.is_empty() {
                return Err(WriteError::Invalid(errors.clone()));
            }
            let from_name = Jobcenter::find(c, jobcenter_id)?.name;
            // The answer the company was promised, by the sender's calendar.
            let settings = Settings::get(c, jobcenter_id)?;
            let due = settings.calendar().add(
                dates::local_date(request.received_at),
                settings.answer_promise_days.max(0) as u32,
            );
            log(
                c,
                &request,
                None,
                EventKind::HandedOver,
                format!("til {to_name}: {note}"),
                now,
            )?;
            // A need recorded from the request stays here, without the link.
            diesel::update(
                needs::table
                    .filter(needs::jobcenter_id.eq(jobcenter_id))
                    .filter(needs::request_id.eq(id)),
            )
            .set(needs::request_id.eq(None::<i64>))
            .execute(c)?;
            // The receiver's routing: its company with this CVR/P-number and its fixed contact.
            let (company, assignee) =
                route(c, to, request.cvr.as_deref(), request.p_number.as_deref())?;
            let status = if assignee.is_some() {
                RequestStatus::Assigned
            } else {
                RequestStatus::New
            };
            // Still ours and as it was read: two hand-overs at once move it once.
            let moved = diesel::update(
                contact_requests::table
                    .filter(contact_requests::id.eq(id))
                    .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
                    .filter(contact_requests::status.eq(request.status)),
            )
            .set((
                contact_requests::jobcenter_id.eq(to),
                contact_requests::company_id.eq(company.as_ref().map(|co| co.id)),
                contact_requests::assigned_to.eq(assignee.as_ref().map(|u| u.id)),
                contact_requests::status.eq(status),
                contact_requests::updated_at.eq(now),
            ))
            .execute(c)?;
            if moved != 1 {
                return Err(WriteError::Stale);
            }
            // The log moves with it, without the sender's people: who did what, whom it was
            // given to and told, and the sender's name of the company stay behind.
            let events =
                contact_request_events::table.filter(contact_request_events::request_id.eq(id));
            diesel::update(events)
                .set((
                    contact_request_events::jobcenter_id.eq(to),
                    contact_request_events::user_id.eq(None::<i64>),
                ))
                .execute(c)?;
            diesel::update(events.filter(contact_request_events::kind.eq_any([
                EventKind::CompanyMatched,
                EventKind::CompanyLinked,
                EventKind::Routed,
                EventKind::Assigned,
                EventKind::Taken,
                EventKind::Notified,
            ])))
            .set(contact_request_events::details.eq(""))
            .execute(c)?;
            // Mails about it not sent yet to the sender's staff or team are not sent; the
            // company's own receipt still goes.
            diesel::delete(
                outbox_mails::table
                    .filter(outbox_mails::jobcenter_id.eq(jobcenter_id))
                    .filter(outbox_mails::request_id.eq(id))
                    .filter(outbox_mails::sent_at.is_null())
                    .filter(outbox_mails::to_address.ne(&request.email)),
            )
            .execute(c)?;
            let request = Self::find(c, to, id)?;
            log(
                c,
                &request,
                None,
                EventKind::HandedIn,
                format!(
                    "fra {from_name}, der har lovet svar senest {}: {note}",
                    working_days::weekday_and_date(due)
                ),
                now,
            )?;
            NewAuditEntry {
                jobcenter_id: Some(to),
                action: action::REQUEST_HANDED_IN,
                entity: "contact_request",
                entity_id: Some(id),
                details: format!(
                    "henvendelse #{id} fra {}: modtaget fra {from_name}",
                    request.company_name
                ),
                created_at: now,
                ..Default::default()
            }
            .insert(c)?;
            let what = ("request", "requests", id);
            crate::models::webhook::emit(c, to, "request.received", what, now)?;
            let theirs = Settings::get(c, to)?;
            announce(
                c,
                &request,
                company.as_ref(),
                assignee.as_ref(),
                &theirs,
                mail,
                now,
            )?;
            Ok((request, to_name))
        })
    }
}
