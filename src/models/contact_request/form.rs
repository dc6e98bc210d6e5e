//! The public form: its validation, and how a submission is saved once and routed to the
//! company's fixed contact.

use super::notify::{notify_assignee, queue_mail};
use super::*;
use crate::domain::text;
use crate::models::text::{TextKind, Texts};

/// The public form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
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
    /// Signed by the server on the confirm step: the sender has confirmed a submission that
    /// came faster than people type (autofill, paste).
    #[serde(skip_serializing)]
    pub confirm: String,
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
/// Receipts to one address within a day, whichever jobcenter's form was used; requests after
/// that are received all the same, without a receipt.
pub const RECEIPTS_PER_ADDRESS_PER_DAY: i64 = 3;
/// The company's name in a receipt is cut to this length.
const RECEIPT_NAME_CHARS: usize = 80;

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

/// A request a member of staff puts in: one that came by phone, mail, in person or at an
/// event, with the same fields as the public form and the time it came.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct StaffRequestForm {
    pub channel: String,
    pub received_on: String,
    pub received_time: String,
    pub company_name: String,
    pub cvr: String,
    pub p_number: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub topic: String,
    pub message: String,
    pub preferred_time: String,
    /// Handed out with the form, so a double click puts the request in once.
    pub key: String,
}

/// How long back a request may be put in.
pub const STAFF_REQUEST_MAX_AGE_DAYS: i64 = 90;

impl StaffRequestForm {
    /// Checks the fields as the public form does (worded for the member of staff), the channel
    /// and the time it came; returns the request and when it came (UTC).
    pub fn validate(
        &self,
        now: NaiveDateTime,
    ) -> Result<(ContactInput, RequestChannel, NaiveDateTime), FieldErrors> {
        let form = ContactForm {
            company_name: self.company_name.clone(),
            cvr: self.cvr.clone(),
            p_number: self.p_number.clone(),
            contact_name: self.contact_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            topic: self.topic.clone(),
            message: self.message.clone(),
            preferred_time: self.preferred_time.clone(),
            consent: "1".into(),
            ..Default::default()
        };
        let mut errors = FieldErrors::new();
        let channel =
            RequestChannel::parse(self.channel.trim()).filter(|c| *c != RequestChannel::Form);
        if channel.is_none() {
            errors.insert("channel", "Vælg, hvordan henvendelsen kom ind.".into());
        }
        let day = dates::parse_date(&self.received_on);
        if day.is_none() {
            errors.insert("received_on", "Skriv datoen, fx 23-11-2026.".into());
        }
        let time = parse_time(&self.received_time);
        if time.is_none() {
            errors.insert(
                "received_time",
                "Skriv klokkeslættet som tt:mm, fx 09:30.".into(),
            );
        }
        let received_at = match (day, time) {
            (Some(day), Some(time)) => {
                let at = dates::utc_of_local(day.and_time(time));
                if at > now + TimeDelta::minutes(5) {
                    errors.insert("received_on", "Tidspunktet ligger i fremtiden.".into());
                } else if at < now - TimeDelta::days(STAFF_REQUEST_MAX_AGE_DAYS) {
                    errors.insert(
                        "received_on",
                        format!(
                            "En henvendelse kan højst lægges ind {STAFF_REQUEST_MAX_AGE_DAYS} dage efter, den kom."
                        ),
                    );
                }
                Some(at)
            }
            _ => None,
        };
        let input = form.validate().map_err(|found| {
            for (field, message) in found {
                let message = match field {
                    "contact_name" if self.contact_name.trim().is_empty() => {
                        "Skriv kontaktpersonens navn.".to_string()
                    }
                    "email" if self.email.trim().is_empty() && self.phone.trim().is_empty() => {
                        "Skriv kontaktpersonens e-mailadresse eller telefonnummer.".to_string()
                    }
                    "message" if self.message.trim().is_empty() => {
                        "Skriv, hvad virksomheden spurgte om.".to_string()
                    }
                    _ => message,
                };
                errors.insert(field, message);
            }
        });
        match (input, channel, received_at) {
            (Ok(input), Some(channel), Some(at)) if errors.is_empty() => Ok((input, channel, at)),
            _ => Err(errors),
        }
    }
}

/// "9:30", "09:30" or "09.30".
fn parse_time(s: &str) -> Option<chrono::NaiveTime> {
    let s = s.trim().replace('.', ":");
    chrono::NaiveTime::parse_from_str(&s, "%H:%M").ok()
}

/// A checked submission of the public form.
#[derive(Debug, Clone)]
pub struct Submission {
    pub input: ContactInput,
    /// From the form's stamp; the same key twice is the same request.
    pub idempotency_key: String,
    /// Set when the form's own checks judged it spam: it is kept, but never reaches the inbox.
    pub spam: Option<SpamReason>,
    pub channel: RequestChannel,
    /// When it came: now for the form, the time a member of staff gives for another channel.
    pub received_at: NaiveDateTime,
    /// The member of staff who put it in.
    pub registered_by: Option<i64>,
}

/// The result of a submission.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub request: ContactRequest,
    /// The same form was sent before; nothing new was saved.
    pub duplicate: bool,
    pub receipt_queued: bool,
}

/// The company a request is about — by P-number, else by CVR (a single match, or the head
/// office without a P-number) — and its fixed contact when that is an active member of staff.
pub(super) fn route(
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
            .filter(User::can_take_work),
        None => None,
    };
    Ok((company, contact))
}

impl ContactRequest {
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
}

impl ContactRequest {
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
                contact_requests::received_at.eq(submission.received_at),
                contact_requests::updated_at.eq(now),
                contact_requests::idempotency_key.eq(&submission.idempotency_key),
                contact_requests::channel.eq(submission.channel),
                contact_requests::registered_by.eq(submission.registered_by),
            ))
            .returning(contact_requests::id)
            .get_result(c)?;
        let request = Self::find(c, jobcenter_id, id)?;
        let how = match submission.channel {
            RequestChannel::Form => "via kontaktformularen".to_string(),
            channel => format!("{} – registreret af en medarbejder", channel.label()),
        };
        log(
            c,
            &request,
            submission.registered_by,
            EventKind::Received,
            how,
            now,
        )?;
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
        let what = ("request", "requests", id);
        crate::models::webhook::emit(c, jobcenter_id, "request.received", what, now)?;
        let settings = Settings::get(c, jobcenter_id)?;
        announce(
            c,
            &request,
            company.as_ref(),
            assignee.as_ref(),
            &settings,
            mail,
            now,
        )?;
        // A company that phoned or met us has its answer in person; receipts are the form's.
        let receipt_queued = mail.receipts
            && submission.channel == RequestChannel::Form
            && !request.email.is_empty()
            && receipts_sent_today(c, &request, now)? < RECEIPTS_PER_ADDRESS_PER_DAY;
        if receipt_queued {
            let jobcenter = Jobcenter::find(c, jobcenter_id)?;
            let due = settings.calendar().add(
                dates::local_date(now),
                settings.answer_promise_days.max(0) as u32,
            );
            // Whoever fills in the form chooses the address, so the receipt holds nothing they
            // wrote beyond the company's name on one line with its links defanged: it cannot
            // carry someone's message (or link) from the jobcenter's address.
            // The jobcenter words it (`models::text`), from these variables only.
            let receipt = Texts::render(
                c,
                jobcenter_id,
                TextKind::receipt(),
                &serde_json::json!({
                    "virksomhed": text::defang(&request.company_name, RECEIPT_NAME_CHARS),
                    "emne": request.topic.label().to_lowercase(),
                    "modtaget": dates::dk_date(dates::local_date(now)),
                    "dage": settings.answer_promise_days,
                    "svar_senest": working_days::weekday_and_date(due),
                    "jobcenter": jobcenter.name,
                    "underskrift": settings.entry_point(&jobcenter.name).mail_lines(),
                }),
            )?;
            queue_mail(
                c,
                &request,
                &request.email,
                "virksomheden (kvittering)",
                receipt.subject,
                receipt.body,
                now,
            )?;
        }
        Ok(Receipt {
            request,
            duplicate: false,
            receipt_queued,
        })
    }
}

/// Says in a new request's log which company it was recognised as, and tells whoever is to
/// answer it: the company's fixed contact it was routed to, else the team's address (of
/// `settings`, the request's jobcenter's).
pub(super) fn announce(
    c: &mut DbConn,
    request: &ContactRequest,
    company: Option<&Company>,
    assignee: Option<&User>,
    settings: &Settings,
    mail: &MailSettings,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if let Some(company) = company {
        log(
            c,
            request,
            None,
            EventKind::CompanyMatched,
            company.name.clone(),
            now,
        )?;
    }
    match assignee {
        Some(user) => {
            log(c, request, None, EventKind::Routed, user.name.clone(), now)?;
            notify_assignee(
                c,
                request,
                user,
                "Du er virksomhedens faste kontakt, så henvendelsen er tildelt dig.",
                mail,
                now,
            )?;
        }
        None if !settings.team_email.is_empty() => {
            let text = Texts::render(
                c,
                request.jobcenter_id,
                TextKind::team(),
                &serde_json::json!({
                    "virksomhed": request.company_name,
                    "emne": request.topic.label(),
                    "link": format!("{}/requests/{}", mail.base_url, request.id),
                }),
            )?;
            queue_mail(
                c,
                request,
                &settings.team_email,
                "teamets e-mail",
                text.subject,
                text.body,
                now,
            )?;
        }
        None => {}
    }
    Ok(())
}

/// Receipts the address already got today: the requests it sent within a day before this one
/// (each gets at most one receipt).
fn receipts_sent_today(
    c: &mut DbConn,
    request: &ContactRequest,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    contact_requests::table
        .filter(contact_requests::email.eq(&request.email))
        .filter(contact_requests::received_at.gt(now - chrono::TimeDelta::days(1)))
        .filter(contact_requests::id.ne(request.id))
        .count()
        .get_result(c)
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
