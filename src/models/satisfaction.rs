//! The company's verdict (*tilfredshed*): after a request is closed, or a visit logged, the
//! company's contact gets one short mail through the outbox asking how satisfied they are, with
//! a single-use link (no sign-in, stored only hashed, valid for 30 days) to a page with one
//! question (1–5) and an optional comment. A company is asked at most once per 90 days, and
//! never again once it has said "spørg os ikke igen". Managers see the answers on the overview
//! and a goal can use the average score.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Deserialize;

use super::activity::{Activity, ActivityKind};
use super::audit::{NewAuditEntry, action};
use super::company::Company;
use super::contact_person::ContactPerson;
use super::contact_request::{ContactRequest, MailSettings};
use super::jobcenter::Jobcenter;
use super::outbox::NewMail;
use super::settings::Settings;
use super::text::{TextKind, Texts};
use super::{FieldErrors, text_enum};
use crate::crypto;
use crate::db::schema::{satisfaction_surveys, users};
use crate::db::{DbConn, write_tx};
use crate::domain::{cpr_guard, dates};

/// A company asked is not asked again for this long.
pub const ASK_AGAIN_AFTER: TimeDelta = TimeDelta::days(90);
/// The link in the mail works this long.
pub const LINK_VALID_FOR: TimeDelta = TimeDelta::days(30);
/// The longest comment taken.
pub const COMMENT_MAX_CHARS: usize = 2000;
/// The scores and what they mean, 1 first.
pub const SCORES: [(i32, &str); 5] = [
    (1, "Meget utilfreds"),
    (2, "Utilfreds"),
    (3, "Hverken tilfreds eller utilfreds"),
    (4, "Tilfreds"),
    (5, "Meget tilfreds"),
];

/// What a score means in words.
pub fn score_label(score: i32) -> &'static str {
    SCORES
        .iter()
        .find(|(s, _)| *s == score)
        .map_or("", |(_, label)| label)
}

text_enum! {
    /// What the company is asked about.
    pub enum SurveySource {
        Request => ("request", "Henvendelse"),
        Visit => ("visit", "Besøg"),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = satisfaction_surveys)]
pub struct Survey {
    pub id: i64,
    pub jobcenter_id: i64,
    pub company_id: Option<i64>,
    pub company_name: String,
    pub email: String,
    /// The consultant whose help is rated.
    pub user_id: Option<i64>,
    pub source: SurveySource,
    pub sent_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
    pub score: Option<i32>,
    pub comment: String,
    pub opted_out: bool,
}

/// Who is asked, about what.
struct Ask<'a> {
    jobcenter_id: i64,
    company_id: Option<i64>,
    company_name: &'a str,
    /// The contact's name, for the greeting.
    name: &'a str,
    email: &'a str,
    user_id: Option<i64>,
    source: SurveySource,
    /// The help asked about, ending the sentence "… med den hjælp, I har fået …".
    about: String,
}

/// Why a link does not take an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    Unknown,
    Answered,
    Expired,
}

/// The answer page as sent.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub score: String,
    pub comment: String,
    /// "on" when "Spørg os ikke igen" is ticked.
    pub no_more: String,
}

/// A valid answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub score: Option<i32>,
    pub comment: String,
    pub no_more: bool,
}

impl AnswerForm {
    pub fn validate(&self) -> Result<Answer, FieldErrors> {
        let mut errors = FieldErrors::new();
        let no_more = !self.no_more.is_empty();
        let score = match self.score.trim() {
            "" => None,
            s => match s.parse::<i32>() {
                Ok(n) if (1..=5).contains(&n) => Some(n),
                _ => {
                    errors.insert("score", "Vælg et af svarene fra 1 til 5.".into());
                    None
                }
            },
        };
        if score.is_none() && !no_more && !errors.contains_key("score") {
            errors.insert(
                "score",
                "Vælg, hvor tilfredse I er – eller sæt kryds ved „Spørg os ikke igen“.".into(),
            );
        }
        let comment = self.comment.trim().to_string();
        if comment.chars().count() > COMMENT_MAX_CHARS {
            errors.insert(
                "comment",
                format!("Kommentaren må højst være {COMMENT_MAX_CHARS} tegn."),
            );
        } else if cpr_guard::check_free_text(&comment).is_err() {
            errors.insert(
                "comment",
                "Kommentaren ser ud til at indeholde et CPR-nummer. Skriv den uden CPR-numre – \
                 jobcentret må ikke modtage dem her."
                    .into(),
            );
        }
        if errors.is_empty() {
            Ok(Answer {
                score,
                comment,
                no_more,
            })
        } else {
            Err(errors)
        }
    }
}

/// One answer as the overview counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub answered_at: NaiveDateTime,
    pub score: i32,
    pub user_id: Option<i64>,
}

/// An answer with a comment, for the overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub answered_at: NaiveDateTime,
    pub score: i32,
    pub company_id: Option<i64>,
    pub company_name: String,
    pub consultant: Option<String>,
    pub comment: String,
}

impl Survey {
    /// After a request is closed: asks the address that wrote it, about the help with its
    /// topic, when the jobcenter asks after requests. Returns whether a mail was queued.
    pub fn after_request(
        c: &mut DbConn,
        request: &ContactRequest,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let settings = Settings::get(c, request.jobcenter_id)?;
        if !settings.survey_after_request {
            return Ok(false);
        }
        Self::ask(
            c,
            &Ask {
                jobcenter_id: request.jobcenter_id,
                company_id: request.company_id,
                company_name: &request.company_name,
                name: &request.contact_name,
                email: &request.email,
                user_id: request.assigned_to,
                source: SurveySource::Request,
                about: format!(
                    "på jeres henvendelse om {}",
                    request.topic.label().to_lowercase()
                ),
            },
            &settings,
            mail,
            now,
        )
    }

    /// After a visit is logged: asks the contact person met (or the company's own address),
    /// when the jobcenter asks after visits. Returns whether a mail was queued.
    pub fn after_visit(
        c: &mut DbConn,
        activity: &Activity,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        if activity.kind != ActivityKind::Visit {
            return Ok(false);
        }
        let settings = Settings::get(c, activity.jobcenter_id)?;
        if !settings.survey_after_visit {
            return Ok(false);
        }
        let company = Company::find(c, activity.jobcenter_id, activity.company_id)?;
        let person = match activity.contact_person_id {
            Some(id) => ContactPerson::find(c, activity.jobcenter_id, company.id, id).optional()?,
            None => None,
        }
        .filter(|p| !p.email.is_empty());
        let (name, email) = match &person {
            Some(p) => (p.name.as_str(), p.email.as_str()),
            None => ("", company.email.as_str()),
        };
        Self::ask(
            c,
            &Ask {
                jobcenter_id: activity.jobcenter_id,
                company_id: Some(company.id),
                company_name: &company.name,
                name,
                email,
                user_id: Some(activity.user_id),
                source: SurveySource::Visit,
                about: format!("ved besøget den {}", dates::dk_date(activity.occurred_on)),
            },
            &settings,
            mail,
            now,
        )
    }

    /// Queues the mail unless mail cannot be sent, there is no address, the company or the
    /// address has asked not to be asked again, or either was asked within 90 days.
    fn ask(
        c: &mut DbConn,
        ask: &Ask,
        settings: &Settings,
        mail: &MailSettings,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let email = ask.email.trim().to_lowercase();
        if !mail.receipts || email.is_empty() {
            return Ok(false);
        }
        let recent = now - ASK_AGAIN_AFTER;
        let same_company_or_address =
            satisfaction_surveys::email
                .eq(email.clone())
                .or(satisfaction_surveys::company_id
                    .is_not_null()
                    .and(satisfaction_surveys::company_id.eq(ask.company_id)));
        let asked: i64 = satisfaction_surveys::table
            .filter(satisfaction_surveys::jobcenter_id.eq(ask.jobcenter_id))
            .filter(same_company_or_address)
            .filter(
                satisfaction_surveys::sent_at
                    .gt(recent)
                    .or(satisfaction_surveys::opted_out.eq(true)),
            )
            .count()
            .get_result(c)?;
        if asked > 0 {
            return Ok(false);
        }
        let token = crypto::random_token();
        let expires_at = now + LINK_VALID_FOR;
        diesel::insert_into(satisfaction_surveys::table)
            .values((
                satisfaction_surveys::jobcenter_id.eq(ask.jobcenter_id),
                satisfaction_surveys::company_id.eq(ask.company_id),
                satisfaction_surveys::company_name.eq(ask.company_name),
                satisfaction_surveys::email.eq(&email),
                satisfaction_surveys::user_id.eq(ask.user_id),
                satisfaction_surveys::source.eq(ask.source),
                satisfaction_surveys::token_hash.eq(crypto::sha256_hex(&token)),
                satisfaction_surveys::sent_at.eq(now),
                satisfaction_surveys::expires_at.eq(expires_at),
            ))
            .execute(c)?;
        let jobcenter = Jobcenter::find(c, ask.jobcenter_id)?;
        let entry = settings.entry_point(&jobcenter.name);
        let greeting = match ask.name.trim() {
            "" => "Hej".to_string(),
            name => format!("Hej {name}"),
        };
        let text = Texts::render(
            c,
            ask.jobcenter_id,
            TextKind::survey(),
            &serde_json::json!({
                "hilsen": greeting,
                "afsender": entry.name,
                "om": ask.about,
                "link": format!("{}/tilfredshed/{token}", mail.base_url),
                "udloeber": dates::dk_date(dates::local_date(expires_at)),
                "underskrift": entry.mail_lines(),
            }),
        )?;
        NewMail {
            jobcenter_id: Some(ask.jobcenter_id),
            request_id: None,
            to_address: email,
            subject: text.subject,
            body: text.body,
        }
        .enqueue(c, now)?;
        Ok(true)
    }

    /// The survey a link opens, and whether it still takes an answer.
    pub fn by_token(
        c: &mut DbConn,
        token: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Result<Survey, Closed>> {
        let survey = satisfaction_surveys::table
            .filter(satisfaction_surveys::token_hash.eq(crypto::sha256_hex(token)))
            .select(Survey::as_select())
            .first(c)
            .optional()?;
        Ok(match survey {
            None => Err(Closed::Unknown),
            Some(s) if s.answered_at.is_some() => Err(Closed::Answered),
            Some(s) if now >= s.expires_at => Err(Closed::Expired),
            Some(s) => Ok(s),
        })
    }

    /// Takes the answer of an open link, once: a second answer (even one sent at the same
    /// moment) is refused. "Spørg os ikke igen" is noted in the jobcenter's audit log.
    pub fn answer(
        c: &mut DbConn,
        token: &str,
        answer: &Answer,
        now: NaiveDateTime,
    ) -> QueryResult<Result<Survey, Closed>> {
        write_tx(c, |c| {
            let survey = match Self::by_token(c, token, now)? {
                Ok(s) => s,
                closed => return Ok(closed),
            };
            let taken = diesel::update(
                satisfaction_surveys::table
                    .filter(satisfaction_surveys::id.eq(survey.id))
                    .filter(satisfaction_surveys::answered_at.is_null()),
            )
            .set((
                satisfaction_surveys::answered_at.eq(Some(now)),
                satisfaction_surveys::score.eq(answer.score),
                satisfaction_surveys::comment.eq(&answer.comment),
                satisfaction_surveys::opted_out.eq(answer.no_more),
            ))
            .execute(c)?;
            if taken != 1 {
                return Ok(Err(Closed::Answered));
            }
            if answer.no_more {
                NewAuditEntry {
                    jobcenter_id: Some(survey.jobcenter_id),
                    action: action::SURVEY_OPTED_OUT,
                    entity: "company",
                    entity_id: survey.company_id,
                    details: format!(
                        "{} ønsker ikke flere tilfredshedsmålinger",
                        survey.company_name
                    ),
                    created_at: now,
                    ..Default::default()
                }
                .insert(c)?;
            }
            Ok(Ok(survey))
        })
    }

    /// Mails sent in `[from, until)` (UTC).
    pub fn sent(
        c: &mut DbConn,
        jobcenter_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> QueryResult<i64> {
        satisfaction_surveys::table
            .filter(satisfaction_surveys::jobcenter_id.eq(jobcenter_id))
            .filter(satisfaction_surveys::sent_at.ge(from))
            .filter(satisfaction_surveys::sent_at.lt(until))
            .count()
            .get_result(c)
    }

    /// The scores given in `[from, until)` (UTC).
    pub fn scores(
        c: &mut DbConn,
        jobcenter_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> QueryResult<Vec<Scored>> {
        Ok(satisfaction_surveys::table
            .filter(satisfaction_surveys::jobcenter_id.eq(jobcenter_id))
            .filter(satisfaction_surveys::answered_at.ge(from))
            .filter(satisfaction_surveys::answered_at.lt(until))
            .filter(satisfaction_surveys::score.is_not_null())
            .select((
                satisfaction_surveys::answered_at,
                satisfaction_surveys::score,
                satisfaction_surveys::user_id,
            ))
            .load::<(Option<NaiveDateTime>, Option<i32>, Option<i64>)>(c)?
            .into_iter()
            .filter_map(|(at, score, user_id)| {
                Some(Scored {
                    answered_at: at?,
                    score: score?,
                    user_id,
                })
            })
            .collect())
    }

    /// The comments given in `[from, until)` (UTC), newest first, at most `limit`.
    pub fn comments(
        c: &mut DbConn,
        jobcenter_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<Comment>> {
        Ok(satisfaction_surveys::table
            .left_join(users::table)
            .filter(satisfaction_surveys::jobcenter_id.eq(jobcenter_id))
            .filter(satisfaction_surveys::answered_at.ge(from))
            .filter(satisfaction_surveys::answered_at.lt(until))
            .filter(satisfaction_surveys::score.is_not_null())
            .filter(satisfaction_surveys::comment.ne(""))
            .order(satisfaction_surveys::answered_at.desc())
            .limit(limit)
            .select((
                satisfaction_surveys::answered_at,
                satisfaction_surveys::score,
                satisfaction_surveys::company_id,
                satisfaction_surveys::company_name,
                users::name.nullable(),
                satisfaction_surveys::comment,
            ))
            .load::<(
                Option<NaiveDateTime>,
                Option<i32>,
                Option<i64>,
                String,
                Option<String>,
                String,
            )>(c)?
            .into_iter()
            .filter_map(
                |(at, score, company_id, company_name, consultant, comment)| {
                    Some(Comment {
                        answered_at: at?,
                        score: score?,
                        company_id,
                        company_name,
                        consultant,
                        comment,
                    })
                },
            )
            .collect())
    }

    /// The daily retention job: a survey is kept as long as the jobcenter keeps closed
    /// requests; a company's wish not to be asked again is kept, without its comment.
    pub fn purge_expired(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        let mut purged = 0;
        for jobcenter in Jobcenter::all(c)? {
            let months = Settings::get(c, jobcenter.id)?
                .request_retention_months
                .max(1) as u32;
            let before = now
                .checked_sub_months(chrono::Months::new(months))
                .unwrap_or(now);
            let old = satisfaction_surveys::table
                .filter(satisfaction_surveys::jobcenter_id.eq(jobcenter.id))
                .filter(satisfaction_surveys::sent_at.lt(before));
            purged +=
                diesel::delete(old.filter(satisfaction_surveys::opted_out.eq(false))).execute(c)?;
            diesel::update(
                old.filter(satisfaction_surveys::opted_out.eq(true))
                    .filter(satisfaction_surveys::comment.ne("")),
            )
            .set(satisfaction_surveys::comment.eq(""))
            .execute(c)?;
        }
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(score: &str, comment: &str, no_more: &str) -> AnswerForm {
        AnswerForm {
            score: score.into(),
            comment: comment.into(),
            no_more: no_more.into(),
        }
    }

    #[test]
    fn an_answer_needs_a_score_or_the_wish_not_to_be_asked() {
        assert_eq!(
            form("4", " Hurtig hjælp ", "").validate(),
            Ok(Answer {
                score: Some(4),
                comment: "Hurtig hjælp".into(),
                no_more: false
            })
        );
        assert!(form("", "", "on").validate().is_ok());
        assert!(
            form("", "", "")
                .validate()
                .unwrap_err()
                .contains_key("score")
        );
        assert!(
            form("6", "", "")
                .validate()
                .unwrap_err()
                .contains_key("score")
        );
        assert!(
            form("0", "", "on")
                .validate()
                .unwrap_err()
                .contains_key("score")
        );
    }

    #[test]
    fn a_comment_with_a_cpr_number_or_too_long_is_refused() {
        let errors = form("3", "Borgeren 010190-1234 var god", "")
            .validate()
            .unwrap_err();
        assert!(errors["comment"].contains("CPR"), "{errors:?}");
        let long = "a".repeat(COMMENT_MAX_CHARS + 1);
        assert!(
            form("3", &long, "")
                .validate()
                .unwrap_err()
                .contains_key("comment")
        );
    }
}
