//! Recruitment needs: positions a company wants filled, the consultant responsible, every
//! status the need has had, and the jobcenter's referrals to it (a pseudonymous case reference
//! each, never a name). A referral that ends in "ansat" may start the placement in one step.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::contact_person::ContactPerson;
use super::contact_request::ContactRequest;
use super::placement::{
    Placement, PlacementInput, PlacementKind, PlacementStatus, check_citizen_ref, format_hours,
};
use super::settings::Settings;
use super::user::User;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::schema::{companies, need_events, need_month_counts, needs, referrals, users};
use crate::db::{DbConn, write_tx};
use crate::domain::csv_io::parse_decimal;
use crate::domain::{cpr_guard, dates};

text_enum! {
    pub enum NeedKind {
        Ordinary => ("ordinary", "Ordinært job"),
        Smaajob => ("smaajob", "Småjob"),
        Fleksjob => ("fleksjob", "Fleksjob"),
        Praktik => ("praktik", "Virksomhedspraktik"),
        Loentilskud => ("loentilskud", "Løntilskud"),
        Apprentice => ("apprentice", "Elev/lærling"),
    }
}

impl NeedKind {
    /// The placement a hired referral starts.
    pub fn placement_kind(self) -> PlacementKind {
        match self {
            NeedKind::Smaajob => PlacementKind::Smaajob,
            NeedKind::Fleksjob => PlacementKind::Fleksjob,
            NeedKind::Praktik => PlacementKind::Praktik,
            NeedKind::Loentilskud => PlacementKind::Loentilskud,
            NeedKind::Ordinary | NeedKind::Apprentice => PlacementKind::Ordinary,
        }
    }

    /// Hours a week the jobcenter's rules allow for this kind.
    pub fn hours_bounds(self, rules: &Settings) -> (f64, f64) {
        if self == NeedKind::Smaajob {
            (rules.smaajob_min_hours, rules.smaajob_max_hours)
        } else {
            (rules.other_min_hours, rules.other_max_hours)
        }
    }
}

text_enum! {
    pub enum NeedStatus {
        Open => ("open", "Åben"),
        InProgress => ("in_progress", "I gang"),
        FilledByJobcenter => ("filled_by_jobcenter", "Besat af jobcentret"),
        FilledByCompany => ("filled_by_company", "Besat af virksomheden selv"),
        Cancelled => ("cancelled", "Annulleret"),
    }
}

/// What a need sorts by on the lists: its deadline, and after all deadlines when it has none.
pub fn deadline_key(deadline_on: Option<NaiveDate>) -> NaiveDate {
    deadline_on.unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date"))
}

impl NeedStatus {
    /// Open or in progress: on the list consultants scan.
    pub fn is_open(self) -> bool {
        matches!(self, NeedStatus::Open | NeedStatus::InProgress)
    }
}

text_enum! {
    pub enum ReferralOutcome {
        Sent => ("sent", "Sendt"),
        Interview => ("interview", "Til samtale"),
        Hired => ("hired", "Ansat"),
        NotHired => ("not_hired", "Ikke ansat"),
        Withdrawn => ("withdrawn", "Trukket tilbage"),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = needs)]
pub struct Need {
    pub id: i64,
    pub jobcenter_id: i64,
    pub company_id: i64,
    pub contact_person_id: Option<i64>,
    pub user_id: i64,
    pub title: String,
    pub positions: i32,
    pub hours_per_week: f64,
    pub kind: NeedKind,
    pub start_on: Option<NaiveDate>,
    pub deadline_on: Option<NaiveDate>,
    pub requirements: String,
    pub offers: String,
    pub jobnet_ref: String,
    pub campaign_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub request_id: Option<i64>,
    pub status: NeedStatus,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The need form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct NeedForm {
    pub company_id: String,
    pub contact_person_id: String,
    pub user_id: String,
    pub title: String,
    pub positions: String,
    pub hours_per_week: String,
    pub kind: String,
    pub start_on: String,
    pub deadline_on: String,
    pub requirements: String,
    pub offers: String,
    pub jobnet_ref: String,
    pub campaign_id: String,
    pub received_on: String,
    /// Created from a logged activity or a contact request (kept through the form).
    pub activity_id: String,
    pub request_id: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NeedInput {
    pub company_id: i64,
    pub contact_person_id: Option<i64>,
    pub user_id: i64,
    pub title: String,
    pub positions: i32,
    pub hours_per_week: f64,
    pub kind: NeedKind,
    pub start_on: Option<NaiveDate>,
    pub deadline_on: Option<NaiveDate>,
    pub requirements: String,
    pub offers: String,
    pub jobnet_ref: String,
    pub campaign_id: Option<i64>,
    pub received_on: NaiveDate,
    pub activity_id: Option<i64>,
    pub request_id: Option<i64>,
}

/// An optional id field: empty is none; anything else must be a number.
fn optional_id(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    message: &str,
) -> Option<i64> {
    match value.trim() {
        "" => None,
        v => v.parse().ok().or_else(|| {
            errors.insert(field, message.into());
            None
        }),
    }
}

fn free_text(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let text = value.trim().to_string();
    if text.chars().count() > 2000 {
        errors.insert(field, "Må højst være på 2000 tegn.".into());
    } else if let Err(e) = cpr_guard::check_free_text(&text) {
        errors.insert(field, e.into());
    }
    text
}

impl NeedForm {
    pub fn from_need(n: &Need) -> NeedForm {
        let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        NeedForm {
            company_id: n.company_id.to_string(),
            contact_person_id: id(n.contact_person_id),
            user_id: n.user_id.to_string(),
            title: n.title.clone(),
            positions: n.positions.to_string(),
            hours_per_week: format_hours(n.hours_per_week),
            kind: n.kind.as_str().into(),
            start_on: date(n.start_on),
            deadline_on: date(n.deadline_on),
            requirements: n.requirements.clone(),
            offers: n.offers.clone(),
            jobnet_ref: n.jobnet_ref.clone(),
            campaign_id: id(n.campaign_id),
            received_on: n.received_on.to_string(),
            activity_id: id(n.activity_id),
            request_id: id(n.request_id),
            version: n.version.to_string(),
        }
    }

    /// Checks the form against the jobcenter's rules (hours per kind).
    pub fn validate(&self, rules: &Settings) -> Result<NeedInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let company_id = self.company_id.trim().parse::<i64>().ok();
        if company_id.is_none() {
            errors.insert("company_id", "Vælg en virksomhed.".into());
        }
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errors.insert(
                "title",
                "Skriv stillingens titel, fx Lagermedarbejder.".into(),
            );
        } else if title.chars().count() > 200 {
            errors.insert("title", "Titlen må højst være på 200 tegn.".into());
        } else if let Err(e) = cpr_guard::check_free_text(&title) {
            errors.insert("title", e.into());
        }
        let positions = match self.positions.trim().parse::<i32>() {
            Ok(n) if (1..=999).contains(&n) => Some(n),
            Ok(n) if n > 999 => {
                errors.insert("positions", "Højst 999 stillinger i ét behov.".into());
                None
            }
            _ => {
                errors.insert(
                    "positions",
                    "Skriv antal stillinger som et helt tal, mindst 1.".into(),
                );
                None
            }
        };
        let kind = NeedKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.insert("kind", "Vælg hvilken slags stilling det er.".into());
        }
        let hours = parse_decimal(&self.hours_per_week);
        match (hours, kind) {
            (None, _) => {
                errors.insert(
                    "hours_per_week",
                    "Skriv antal timer om ugen, fx 25 eller 12,5.".into(),
                );
            }
            (Some(h), Some(k)) => {
                let (min, max) = k.hours_bounds(rules);
                if h < min || h > max {
                    errors.insert(
                        "hours_per_week",
                        format!(
                            "Et {} skal være mellem {} og {} timer om ugen.",
                            k.label().to_lowercase(),
                            format_hours(min),
                            format_hours(max)
                        ),
                    );
                }
            }
            (Some(_), None) => {}
        }
        let user_id = self.user_id.trim().parse::<i64>().ok();
        if user_id.is_none() {
            errors.insert("user_id", "Vælg den ansvarlige konsulent.".into());
        }
        let mut date = |field: &'static str, value: &str, example: &str| match value.trim() {
            "" => None,
            s => dates::parse_date(s).or_else(|| {
                errors.insert(field, format!("Skriv en gyldig dato, fx {example}."));
                None
            }),
        };
        let start_on = date("start_on", &self.start_on, "01-03-2027");
        let deadline_on = date("deadline_on", &self.deadline_on, "15-02-2027");
        let received_on = date("received_on", &self.received_on, "04-12-2026");
        if received_on.is_none() && !errors.contains_key("received_on") {
            errors.insert(
                "received_on",
                "Skriv, hvornår behovet kom ind, fx 04-12-2026.".into(),
            );
        }
        if let (Some(s), Some(d)) = (start_on, deadline_on)
            && s > d
        {
            errors.insert(
                "deadline_on",
                "Fristen kan ikke ligge før den ønskede start – ret startdato eller frist.".into(),
            );
        }
        let requirements = free_text(&mut errors, "requirements", &self.requirements);
        let offers = free_text(&mut errors, "offers", &self.offers);
        let jobnet_ref = self.jobnet_ref.trim().to_string();
        let jobnet_ok = jobnet_ref.chars().count() <= 40
            && jobnet_ref
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.'));
        if !jobnet_ok || cpr_guard::check_free_text(&jobnet_ref).is_err() {
            errors.insert(
                "jobnet_ref",
                "Skriv jobordrens nummer fra Jobnet (tal og bogstaver), eller lad feltet stå tomt."
                    .into(),
            );
        }
        let contact_person_id = optional_id(
            &mut errors,
            "contact_person_id",
            &self.contact_person_id,
            "Vælg en kontaktperson fra listen.",
        );
        let campaign_id = optional_id(
            &mut errors,
            "campaign_id",
            &self.campaign_id,
            "Vælg en kampagne fra listen.",
        );
        let activity_id = self.activity_id.trim().parse().ok();
        let request_id = self.request_id.trim().parse().ok();
        match (company_id, positions, kind, hours, user_id, received_on) {
            (
                Some(company_id),
                Some(positions),
                Some(kind),
                Some(hours_per_week),
                Some(user_id),
                Some(received_on),
            ) if errors.is_empty() => Ok(NeedInput {
                company_id,
                contact_person_id,
                user_id,
                title,
                positions,
                hours_per_week,
                kind,
                start_on,
                deadline_on,
                requirements,
                offers,
                jobnet_ref,
                campaign_id,
                received_on,
                activity_id,
                request_id,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = needs, treat_none_as_null = true)]
struct NeedValues<'a> {
    contact_person_id: Option<i64>,
    user_id: i64,
    title: &'a str,
    positions: i32,
    hours_per_week: f64,
    kind: NeedKind,
    start_on: Option<NaiveDate>,
    deadline_on: Option<NaiveDate>,
    deadline_key: NaiveDate,
    requirements: &'a str,
    offers: &'a str,
    jobnet_ref: &'a str,
    campaign_id: Option<i64>,
    received_on: NaiveDate,
    updated_at: NaiveDateTime,
}

impl NeedInput {
    fn values(&self, now: NaiveDateTime) -> NeedValues<'_> {
        NeedValues {
            contact_person_id: self.contact_person_id,
            user_id: self.user_id,
            title: &self.title,
            positions: self.positions,
            hours_per_week: self.hours_per_week,
            kind: self.kind,
            start_on: self.start_on,
            deadline_on: self.deadline_on,
            deadline_key: deadline_key(self.deadline_on),
            requirements: &self.requirements,
            offers: &self.offers,
            jobnet_ref: &self.jobnet_ref,
            campaign_id: self.campaign_id,
            received_on: self.received_on,
            updated_at: now,
        }
    }

    /// The consultant, contact person and campaign must be the jobcenter's own.
    /// `present`: the consultant the need has now, kept even if no longer active.
    fn check_links(
        &self,
        c: &mut DbConn,
        jobcenter_id: i64,
        present: Option<i64>,
    ) -> Result<(), WriteError> {
        User::require_active_consultant(c, jobcenter_id, self.user_id, present)?;
        if let Some(id) = self.contact_person_id
            && ContactPerson::find(c, jobcenter_id, self.company_id, id)
                .optional()?
                .is_none()
        {
            return Err(WriteError::invalid(
                "contact_person_id",
                "Vælg en af virksomhedens kontaktpersoner.",
            ));
        }
        if let Some(id) = self.campaign_id
            && super::campaign::Campaign::find(c, jobcenter_id, id)
                .optional()?
                .is_none()
        {
            return Err(WriteError::invalid(
                "campaign_id",
                "Vælg en kampagne fra listen.",
            ));
        }
        Ok(())
    }
}

/// A need as lists show it: with its company, postcode and consultant, and its referrals.
#[derive(Debug, Clone)]
pub struct NeedRow {
    pub need: Need,
    pub company_name: String,
    pub postcode: String,
    pub user_name: String,
}

/// A filter of the needs list.
#[derive(Debug, Clone, Default)]
pub struct NeedQuery {
    /// Only open and in-progress needs (the default list); else every status or one.
    pub open_only: bool,
    pub status: Option<NeedStatus>,
    pub kind: Option<NeedKind>,
    pub company_id: Option<i64>,
    pub user_id: Option<i64>,
    pub postcode: Option<String>,
    /// At most this many hours a week.
    pub max_hours: Option<f64>,
    /// At least this many hours a week.
    pub min_hours: Option<f64>,
    /// Deadline on or before this day (needs without a deadline are left out).
    pub deadline_by: Option<NaiveDate>,
}

/// Where the next page of the list starts: the last row's [`deadline_key`] and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedCursor {
    pub deadline_key: NaiveDate,
    pub id: i64,
}

impl NeedCursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.deadline_key, self.id)
    }

    pub fn decode(s: &str) -> Option<NeedCursor> {
        let (date, id) = s.split_once('_')?;
        Some(NeedCursor {
            deadline_key: date.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

impl Need {
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Need> {
        needs::table
            .filter(needs::jobcenter_id.eq(jobcenter_id))
            .filter(needs::id.eq(id))
            .select(Need::as_select())
            .first(c)
    }

    /// Records a need; one made from a contact request answers that request (as an activity
    /// logged from it does).
    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        input: &NeedInput,
        now: NaiveDateTime,
    ) -> Result<Need, WriteError> {
        write_tx(c, |c| {
            super::company::Company::find(c, jobcenter_id, input.company_id)?;
            input.check_links(c, jobcenter_id, None)?;
            let activity_id = match input.activity_id {
                Some(id) => super::activity::Activity::find(c, jobcenter_id, id)
                    .optional()?
                    .filter(|a| a.company_id == input.company_id)
                    .map(|a| a.id),
                None => None,
            };
            let request_id = match input.request_id {
                Some(id) => Some(ContactRequest::find(c, jobcenter_id, id)?.id),
                None => None,
            };
            let id: i64 = diesel::insert_into(needs::table)
                .values((
                    input.values(now),
                    needs::jobcenter_id.eq(jobcenter_id),
                    needs::company_id.eq(input.company_id),
                    needs::activity_id.eq(activity_id),
                    needs::request_id.eq(request_id),
                    needs::status.eq(NeedStatus::Open),
                    needs::is_open.eq(true),
                    needs::created_at.eq(now),
                    needs::version.eq(1),
                ))
                .returning(needs::id)
                .get_result(c)?;
            record_event(
                c,
                id,
                Some(user_id),
                NeedStatus::Open,
                input.received_on,
                now,
            )?;
            if let Some(rid) = request_id {
                ContactRequest::mark_answered(c, jobcenter_id, rid, user_id, now)?;
            }
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        expected_version: i32,
        input: &NeedInput,
        now: NaiveDateTime,
    ) -> Result<Need, WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, id)?;
            if current.version != expected_version {
                return Err(WriteError::Stale);
            }
            input.check_links(c, jobcenter_id, Some(current.user_id))?;
            let changed = diesel::update(
                needs::table
                    .filter(needs::id.eq(id))
                    .filter(needs::version.eq(expected_version)),
            )
            .set((input.values(now), needs::version.eq(expected_version + 1)))
            .execute(c)?;
            if changed != 1 {
                return Err(WriteError::Stale);
            }
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    /// Moves the need to `status` as of `on`. Filled and cancelled needs are closed that day;
    /// reopening clears the closing date, and every move stays in the history.
    #[allow(clippy::too_many_arguments)]
    pub fn set_status(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        expected_version: i32,
        status: NeedStatus,
        on: NaiveDate,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<Need, WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, id)?;
            if current.version != expected_version {
                return Err(WriteError::Stale);
            }
            if on < current.received_on {
                return Err(WriteError::invalid(
                    "happened_on",
                    "Datoen kan ikke ligge før, behovet kom ind.",
                ));
            }
            let closed_on = (!status.is_open()).then_some(on);
            let changed = diesel::update(
                needs::table
                    .filter(needs::id.eq(id))
                    .filter(needs::version.eq(expected_version)),
            )
            .set((
                needs::status.eq(status),
                needs::is_open.eq(status.is_open()),
                needs::closed_on.eq(closed_on),
                needs::version.eq(expected_version + 1),
                needs::updated_at.eq(now),
            ))
            .execute(c)?;
            if changed != 1 {
                return Err(WriteError::Stale);
            }
            record_event(c, id, Some(user_id), status, on, now)?;
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    /// The needs list, by deadline (none last), then id; `limit` rows after `after`. Each
    /// filter of status walks its own index in this order.
    pub fn list(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &NeedQuery,
        after: Option<NeedCursor>,
        limit: i64,
    ) -> QueryResult<Vec<NeedRow>> {
        let mut q = needs::table
            .inner_join(companies::table)
            .inner_join(users::table)
            .filter(needs::jobcenter_id.eq(jobcenter_id))
            .into_boxed();
        if query.open_only {
            q = q.filter(needs::is_open.eq(true));
        }
        if let Some(v) = query.status {
            q = q.filter(needs::status.eq(v));
        }
        if let Some(v) = query.kind {
            q = q.filter(needs::kind.eq(v));
        }
        if let Some(v) = query.company_id {
            q = q.filter(needs::company_id.eq(v));
        }
        if let Some(v) = query.user_id {
            q = q.filter(needs::user_id.eq(v));
        }
        if let Some(v) = &query.postcode {
            q = q.filter(companies::postcode.eq(v.clone()));
        }
        if let Some(v) = query.max_hours {
            q = q.filter(needs::hours_per_week.le(v));
        }
        if let Some(v) = query.min_hours {
            q = q.filter(needs::hours_per_week.ge(v));
        }
        if let Some(v) = query.deadline_by {
            q = q.filter(needs::deadline_on.le(v));
        }
        if let Some(cursor) = after {
            q = q.filter(
                needs::deadline_key
                    .gt(cursor.deadline_key)
                    .or(needs::deadline_key
                        .eq(cursor.deadline_key)
                        .and(needs::id.gt(cursor.id))),
            );
        }
        let rows: Vec<(Need, String, String, String)> = q
            .order((needs::deadline_key.asc(), needs::id.asc()))
            .limit(limit)
            .select((
                Need::as_select(),
                companies::name,
                companies::postcode,
                users::name,
            ))
            .load(c)?;
        Ok(rows
            .into_iter()
            .map(|(need, company_name, postcode, user_name)| NeedRow {
                need,
                company_name,
                postcode,
                user_name,
            })
            .collect())
    }

    /// A company's needs, newest first, with their referral counts (for its page).
    pub fn of_company(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
        limit: i64,
    ) -> QueryResult<Vec<(Need, Vec<Referral>)>> {
        let list: Vec<Need> = needs::table
            .filter(needs::jobcenter_id.eq(jobcenter_id))
            .filter(needs::company_id.eq(company_id))
            .order((needs::received_on.desc(), needs::id.desc()))
            .limit(limit)
            .select(Need::as_select())
            .load(c)?;
        let ids: Vec<i64> = list.iter().map(|n| n.id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let all: Vec<Referral> = referrals::table
            .filter(referrals::jobcenter_id.eq(jobcenter_id))
            .filter(referrals::need_id.eq_any(&ids))
            .order((referrals::referred_on, referrals::id))
            .select(Referral::as_select())
            .load(c)?;
        Ok(list
            .into_iter()
            .map(|n| {
                let own = all.iter().filter(|r| r.need_id == n.id).cloned().collect();
                (n, own)
            })
            .collect())
    }

    /// Every status the need has had, oldest first, with who moved it.
    pub fn history(c: &mut DbConn, id: i64) -> QueryResult<Vec<NeedEvent>> {
        need_events::table
            .left_join(users::table.on(users::id.nullable().eq(need_events::user_id)))
            .filter(need_events::need_id.eq(id))
            .order(need_events::id)
            .select((
                need_events::status,
                need_events::happened_on,
                users::name.nullable(),
            ))
            .load::<(NeedStatus, NaiveDate, Option<String>)>(c)
            .map(|rows| {
                rows.into_iter()
                    .map(|(status, happened_on, user_name)| NeedEvent {
                        status,
                        happened_on,
                        user_name: user_name.unwrap_or_default(),
                    })
                    .collect()
            })
    }
}

/// What became of the needs received in a period: one line in all, per kind or per consultant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NeedLine {
    pub needs: i64,
    pub positions: i64,
    pub filled_by_jobcenter: i64,
    pub filled_by_company: i64,
    pub cancelled: i64,
    /// Positions of the needs the jobcenter filled, and the referrals made to those needs.
    pub positions_filled: i64,
    pub referrals_to_filled: i64,
    /// Days from received to filled of each need the jobcenter filled.
    days_to_fill: Vec<i64>,
}

impl NeedLine {
    /// Adds `needs` needs of one status with `positions` positions and `referrals` referrals
    /// between them.
    fn add(&mut self, status: NeedStatus, needs: i64, positions: i64, referrals: i64) {
        self.needs += needs;
        self.positions += positions;
        match status {
            NeedStatus::FilledByJobcenter => {
                self.filled_by_jobcenter += needs;
                self.positions_filled += positions;
                self.referrals_to_filled += referrals;
            }
            NeedStatus::FilledByCompany => self.filled_by_company += needs,
            NeedStatus::Cancelled => self.cancelled += needs,
            NeedStatus::Open | NeedStatus::InProgress => {}
        }
    }

    /// The median of the days from received to filled, of the needs the jobcenter filled.
    pub fn median_days(&self) -> Option<f64> {
        let mut days = self.days_to_fill.clone();
        days.sort_unstable();
        let n = days.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(days[n / 2] as f64),
            _ => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
        }
    }

    /// Referrals per position the jobcenter filled.
    pub fn referrals_per_filled(&self) -> Option<f64> {
        (self.positions_filled > 0)
            .then(|| self.referrals_to_filled as f64 / self.positions_filled as f64)
    }
}

/// The needs received in a period, in all, per kind (every kind, in order) and per consultant
/// responsible (by name).
#[derive(Debug, Clone, Default)]
pub struct NeedFigures {
    pub total: NeedLine,
    pub by_kind: Vec<(NeedKind, NeedLine)>,
    pub by_consultant: Vec<(String, NeedLine)>,
}

impl NeedFigures {
    /// The lines a need of `kind` owned by `user` counts in: in all, its kind, its consultant.
    fn lines(&mut self, kind: NeedKind, user: String) -> [&mut NeedLine; 3] {
        let at = match self.by_consultant.iter().position(|(n, _)| *n == user) {
            Some(at) => at,
            None => {
                self.by_consultant.push((user, NeedLine::default()));
                self.by_consultant.len() - 1
            }
        };
        let kind_line = self
            .by_kind
            .iter_mut()
            .find(|(k, _)| *k == kind)
            .map(|(_, l)| l)
            .expect("every kind has a line");
        [&mut self.total, kind_line, &mut self.by_consultant[at].1]
    }
}

impl Need {
    /// What became of the needs received from `first` up to (not including) `end`, both the
    /// first day of a month: the counts, positions and referrals per status, kind and
    /// consultant from the trigger-kept `need_month_counts` (a few hundred rows for a
    /// half-year; counting the needs and joining their referrals took 9 ms per view with 7,600
    /// needs in a half-year on SQLite); the days to fill are read only of the needs the
    /// jobcenter filled.
    pub fn figures(
        c: &mut DbConn,
        jobcenter_id: i64,
        first: NaiveDate,
        end: NaiveDate,
    ) -> QueryResult<NeedFigures> {
        debug_assert!(first.day() == 1 && end.day() == 1, "whole months only");
        let groups: Vec<(NeedStatus, NeedKind, i64, i64, i64, i64)> = need_month_counts::table
            .filter(need_month_counts::jobcenter_id.eq(jobcenter_id))
            .filter(need_month_counts::month.ge(first))
            .filter(need_month_counts::month.lt(end))
            .select((
                need_month_counts::status,
                need_month_counts::kind,
                need_month_counts::user_id,
                need_month_counts::needs,
                need_month_counts::positions,
                need_month_counts::referrals,
            ))
            .load(c)?;
        let days: Vec<(NeedKind, i64, NaiveDate, Option<NaiveDate>)> = needs::table
            .filter(needs::jobcenter_id.eq(jobcenter_id))
            .filter(needs::received_on.ge(first))
            .filter(needs::received_on.lt(end))
            .filter(needs::status.eq(NeedStatus::FilledByJobcenter))
            .select((
                needs::kind,
                needs::user_id,
                needs::received_on,
                needs::closed_on,
            ))
            .load(c)?;
        let names: std::collections::HashMap<i64, String> = users::table
            .filter(users::jobcenter_id.eq(jobcenter_id))
            .select((users::id, users::name))
            .load(c)?
            .into_iter()
            .collect();
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        let mut figures = NeedFigures {
            by_kind: NeedKind::ALL
                .iter()
                .map(|k| (*k, NeedLine::default()))
                .collect(),
            ..Default::default()
        };
        for (status, kind, user, needs, positions, referrals) in groups {
            for line in figures.lines(kind, name(user)) {
                line.add(status, needs, positions, referrals);
            }
        }
        for (kind, user, received, closed) in days {
            if let Some(closed) = closed {
                for line in figures.lines(kind, name(user)) {
                    line.days_to_fill.push((closed - received).num_days());
                }
            }
        }
        figures.by_consultant.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(figures)
    }
}

fn record_event(
    c: &mut DbConn,
    need_id: i64,
    user_id: Option<i64>,
    status: NeedStatus,
    on: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(need_events::table)
        .values((
            need_events::need_id.eq(need_id),
            need_events::user_id.eq(user_id),
            need_events::status.eq(status),
            need_events::happened_on.eq(on),
            need_events::created_at.eq(now),
        ))
        .execute(c)
        .map(drop)
}

/// One move in a need's history.
#[derive(Debug, Clone)]
pub struct NeedEvent {
    pub status: NeedStatus,
    pub happened_on: NaiveDate,
    pub user_name: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = referrals)]
pub struct Referral {
    pub id: i64,
    pub jobcenter_id: i64,
    pub need_id: i64,
    pub user_id: i64,
    pub citizen_ref: String,
    pub referred_on: NaiveDate,
    pub outcome: ReferralOutcome,
    pub placement_id: Option<i64>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A referral as typed: new, or a change of its outcome.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReferralForm {
    pub citizen_ref: String,
    pub referred_on: String,
    pub user_id: String,
    pub outcome: String,
    /// "1": a referral marked hired starts the placement (kind and hours from the need).
    pub start_placement: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReferralInput {
    pub citizen_ref: String,
    pub referred_on: NaiveDate,
    pub user_id: i64,
    pub outcome: ReferralOutcome,
    pub start_placement: bool,
}

impl ReferralForm {
    pub fn from_referral(r: &Referral) -> ReferralForm {
        ReferralForm {
            citizen_ref: r.citizen_ref.clone(),
            referred_on: r.referred_on.to_string(),
            user_id: r.user_id.to_string(),
            outcome: r.outcome.as_str().into(),
            start_placement: String::new(),
            version: r.version.to_string(),
        }
    }

    pub fn validate(&self) -> Result<ReferralInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let citizen_ref = self.citizen_ref.trim().to_string();
        if let Err(e) = check_citizen_ref(&citizen_ref) {
            errors.insert("citizen_ref", e.into());
        }
        let referred_on = dates::parse_date(&self.referred_on);
        if referred_on.is_none() {
            errors.insert(
                "referred_on",
                "Skriv datoen for henvisningen, fx 04-12-2026.".into(),
            );
        }
        let user_id = self.user_id.trim().parse::<i64>().ok();
        if user_id.is_none() {
            errors.insert("user_id", "Vælg en konsulent.".into());
        }
        let outcome = match self.outcome.trim() {
            "" => Some(ReferralOutcome::Sent),
            o => ReferralOutcome::parse(o),
        };
        if outcome.is_none() {
            errors.insert("outcome", "Vælg et udfald fra listen.".into());
        }
        let start_placement = self.start_placement == "1";
        if start_placement && outcome != Some(ReferralOutcome::Hired) {
            errors.insert(
                "start_placement",
                "Et forløb kan kun oprettes for en henvisning, der endte med ansættelse.".into(),
            );
        }
        match (referred_on, user_id, outcome) {
            (Some(referred_on), Some(user_id), Some(outcome)) if errors.is_empty() => {
                Ok(ReferralInput {
                    citizen_ref,
                    referred_on,
                    user_id,
                    outcome,
                    start_placement,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Referral {
    pub fn find(c: &mut DbConn, jobcenter_id: i64, need_id: i64, id: i64) -> QueryResult<Referral> {
        referrals::table
            .filter(referrals::jobcenter_id.eq(jobcenter_id))
            .filter(referrals::need_id.eq(need_id))
            .filter(referrals::id.eq(id))
            .select(Referral::as_select())
            .first(c)
    }

    /// A need's referrals, oldest first, with the consultant's name.
    pub fn of_need(
        c: &mut DbConn,
        jobcenter_id: i64,
        need_id: i64,
    ) -> QueryResult<Vec<(Referral, String)>> {
        referrals::table
            .inner_join(users::table.on(users::id.eq(referrals::user_id)))
            .filter(referrals::jobcenter_id.eq(jobcenter_id))
            .filter(referrals::need_id.eq(need_id))
            .order((referrals::referred_on, referrals::id))
            .select((Referral::as_select(), users::name))
            .load(c)
    }

    /// Adds a referral to a need (or, with `id`, changes one at `expected_version`); a hired
    /// one with `start_placement` starts the placement, kind and hours from the need, linked.
    pub fn save(
        c: &mut DbConn,
        jobcenter_id: i64,
        need: &Need,
        existing: Option<(i64, i32)>,
        input: &ReferralInput,
        now: NaiveDateTime,
    ) -> Result<Referral, WriteError> {
        write_tx(c, |c| {
            let id = match existing {
                Some((id, version)) => {
                    let current = Self::find(c, jobcenter_id, need.id, id)?;
                    if current.version != version {
                        return Err(WriteError::Stale);
                    }
                    User::require_active_consultant(
                        c,
                        jobcenter_id,
                        input.user_id,
                        Some(current.user_id),
                    )?;
                    if input.start_placement && current.placement_id.is_some() {
                        return Err(WriteError::invalid(
                            "start_placement",
                            "Henvisningen har allerede et forløb.",
                        ));
                    }
                    let changed = diesel::update(
                        referrals::table
                            .filter(referrals::id.eq(id))
                            .filter(referrals::version.eq(version)),
                    )
                    .set((
                        referrals::citizen_ref.eq(&input.citizen_ref),
                        referrals::referred_on.eq(input.referred_on),
                        referrals::user_id.eq(input.user_id),
                        referrals::outcome.eq(input.outcome),
                        referrals::version.eq(version + 1),
                        referrals::updated_at.eq(now),
                    ))
                    .execute(c)?;
                    if changed != 1 {
                        return Err(WriteError::Stale);
                    }
                    id
                }
                None => {
                    User::require_active_consultant(c, jobcenter_id, input.user_id, None)?;
                    diesel::insert_into(referrals::table)
                        .values((
                            referrals::jobcenter_id.eq(jobcenter_id),
                            referrals::need_id.eq(need.id),
                            referrals::user_id.eq(input.user_id),
                            referrals::citizen_ref.eq(&input.citizen_ref),
                            referrals::referred_on.eq(input.referred_on),
                            referrals::outcome.eq(input.outcome),
                            referrals::version.eq(1),
                            referrals::created_at.eq(now),
                            referrals::updated_at.eq(now),
                        ))
                        .returning(referrals::id)
                        .get_result(c)?
                }
            };
            if input.start_placement {
                let placement = Placement::create(
                    c,
                    jobcenter_id,
                    &PlacementInput {
                        company_id: need.company_id,
                        user_id: input.user_id,
                        kind: need.kind.placement_kind(),
                        citizen_ref: input.citizen_ref.clone(),
                        hours_per_week: need.hours_per_week,
                        start_on: need
                            .start_on
                            .filter(|d| *d >= input.referred_on)
                            .unwrap_or(input.referred_on),
                        end_on: None,
                        status: PlacementStatus::Planned,
                        result: None,
                        campaign_id: need.campaign_id,
                        note: format!("Fra rekrutteringsbehovet «{}».", need.title),
                    },
                    now,
                )?;
                diesel::update(referrals::table.filter(referrals::id.eq(id)))
                    .set(referrals::placement_id.eq(placement.id))
                    .execute(c)?;
            }
            Ok(Self::find(c, jobcenter_id, need.id, id)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NeedForm {
        NeedForm {
            company_id: "1".into(),
            user_id: "2".into(),
            title: "Lagermedarbejder".into(),
            positions: "2".into(),
            hours_per_week: "25".into(),
            kind: "ordinary".into(),
            received_on: "2026-12-04".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_need_takes_decimal_hours_within_its_kinds_bounds() {
        let rules = Settings::defaults(1);
        let input = NeedForm {
            hours_per_week: "12,5".into(),
            kind: "smaajob".into(),
            ..valid()
        }
        .validate(&rules)
        .unwrap();
        assert_eq!(input.hours_per_week, 12.5);
        let errors = NeedForm {
            hours_per_week: "25".into(),
            kind: "smaajob".into(),
            ..valid()
        }
        .validate(&rules)
        .unwrap_err();
        assert!(errors["hours_per_week"].contains("mellem"), "{errors:?}");
    }

    #[test]
    fn bad_input_is_named_field_by_field() {
        let rules = Settings::defaults(1);
        let errors = NeedForm {
            title: " ".into(),
            positions: "0".into(),
            start_on: "2027-03-01".into(),
            deadline_on: "2027-02-01".into(),
            requirements: "Kandidat 010190-1234".into(),
            jobnet_ref: "Jens Hansen".into(),
            ..valid()
        }
        .validate(&rules)
        .unwrap_err();
        for field in [
            "title",
            "positions",
            "deadline_on",
            "requirements",
            "jobnet_ref",
        ] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_referral_is_a_case_reference_and_only_a_hire_starts_a_placement() {
        let form = ReferralForm {
            citizen_ref: "SAG-2026-1".into(),
            referred_on: "2026-12-04".into(),
            user_id: "2".into(),
            outcome: "interview".into(),
            start_placement: "1".into(),
            version: String::new(),
        };
        assert!(form.validate().unwrap_err().contains_key("start_placement"));
        let cpr = ReferralForm {
            citizen_ref: "010190-1234".into(),
            outcome: "hired".into(),
            ..form
        };
        assert!(cpr.validate().unwrap_err().contains_key("citizen_ref"));
    }

    #[test]
    fn the_median_and_the_referrals_per_position_are_of_the_needs_the_jobcenter_filled() {
        let mut line = NeedLine::default();
        line.add(NeedStatus::FilledByJobcenter, 2, 3, 9);
        line.add(NeedStatus::FilledByCompany, 1, 1, 4);
        line.add(NeedStatus::Open, 1, 3, 2);
        line.days_to_fill.extend([10, 20]);
        assert_eq!(
            (line.needs, line.positions, line.filled_by_jobcenter),
            (4, 7, 2)
        );
        assert_eq!(line.median_days(), Some(15.0));
        assert_eq!(line.referrals_per_filled(), Some(3.0));
        assert_eq!(NeedLine::default().median_days(), None);
    }

    #[test]
    fn the_list_cursor_round_trips() {
        for cursor in [
            NeedCursor {
                deadline_key: deadline_key(NaiveDate::from_ymd_opt(2027, 2, 1)),
                id: 7,
            },
            NeedCursor {
                deadline_key: deadline_key(None),
                id: 9,
            },
        ] {
            assert_eq!(NeedCursor::decode(&cursor.encode()), Some(cursor));
        }
        assert_eq!(NeedCursor::decode("x"), None);
    }
}
