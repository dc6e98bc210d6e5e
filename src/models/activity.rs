//! Activities: visits, calls, mails, meetings and events with a company, and the follow-ups
//! they leave behind.
//!
//! Derived data: every write of an activity's follow-up (date, done, consultant) moves the
//! counters `follow_up_day_counts` and `follow_up_month_counts` by trigger
//! (`src/db/triggers/`); the writes below say so where they happen.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::dsl::{max, not};
use diesel::prelude::*;
use serde::Deserialize;

use super::campaign::CampaignTarget;
use super::company::Company;
use super::contact_person::ContactPerson;
use super::user::User;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::schema::{
    activities, companies, contact_persons, follow_up_day_counts, follow_up_month_counts, users,
};
use crate::db::{DbConn, write_tx};
use crate::domain::{cpr_guard, dates};

text_enum! {
    pub enum ActivityKind {
        Visit => ("visit", "Besøg"),
        Phone => ("phone", "Telefon"),
        Mail => ("mail", "Mail"),
        Meeting => ("meeting", "Møde"),
        Event => ("event", "Arrangement"),
    }
}

text_enum! {
    /// What an activity was about; an activity may touch several.
    pub enum Topic {
        Smaajob => ("smaajob", "Småjob"),
        Fleksjob => ("fleksjob", "Fleksjob"),
        Praktik => ("praktik", "Virksomhedspraktik"),
        Loentilskud => ("loentilskud", "Løntilskud"),
        Recruitment => ("recruitment", "Rekruttering"),
        Retention => ("retention", "Fastholdelse/sygefravær"),
        Upskilling => ("upskilling", "Opkvalificering"),
        Other => ("other", "Andet"),
    }
}

text_enum! {
    pub enum Outcome {
        Positive => ("positive", "Positiv"),
        Interested => ("interested", "Interesseret"),
        NotRelevant => ("not_relevant", "Ikke aktuelt"),
        FollowUp => ("follow_up", "Opfølgning"),
    }
}

/// Topics are stored between commas (",smaajob,fleksjob,") so a single LIKE finds one.
pub fn encode_topics(topics: &[Topic]) -> String {
    if topics.is_empty() {
        return String::new();
    }
    let keys: Vec<&str> = topics.iter().map(|t| t.as_str()).collect();
    format!(",{},", keys.join(","))
}

pub fn decode_topics(stored: &str) -> Vec<Topic> {
    stored.split(',').filter_map(Topic::parse).collect()
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = activities)]
pub struct Activity {
    pub id: i64,
    pub jobcenter_id: i64,
    pub company_id: i64,
    pub user_id: i64,
    pub kind: ActivityKind,
    pub occurred_on: NaiveDate,
    pub topics: String,
    pub summary: String,
    pub outcome: Option<Outcome>,
    pub campaign_id: Option<i64>,
    pub contact_person_id: Option<i64>,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_note: String,
    pub follow_up_done: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The activity form as typed. Topics arrive as checkboxes named `topic_<key>`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ActivityForm {
    pub company_id: String,
    pub user_id: String,
    pub kind: String,
    pub occurred_on: String,
    pub summary: String,
    pub outcome: String,
    pub campaign_id: String,
    pub contact_person_id: String,
    pub follow_up_on: String,
    pub follow_up_note: String,
    pub follow_up_done: String,
    pub version: String,
    /// Set when the activity answers a contact request.
    pub request_id: String,
    /// Set when the activity is logged from a follow-up, which it then closes.
    pub follow_up_id: String,
    #[serde(flatten)]
    pub checkboxes: HashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    pub company_id: i64,
    pub user_id: i64,
    pub kind: ActivityKind,
    pub occurred_on: NaiveDate,
    pub topics: Vec<Topic>,
    pub summary: String,
    pub outcome: Option<Outcome>,
    pub campaign_id: Option<i64>,
    pub contact_person_id: Option<i64>,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_note: String,
    pub follow_up_done: bool,
}

fn optional_id(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    msg: &str,
) -> Option<i64> {
    match value.trim() {
        "" => None,
        v => v.parse().ok().or_else(|| {
            errors.insert(field, msg.to_string());
            None
        }),
    }
}

fn guarded_text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.insert(field, format!("Må højst være på {max} tegn."));
    } else if let Err(e) = cpr_guard::check_free_text(value) {
        errors.insert(field, e.into());
    }
    value.to_string()
}

impl ActivityForm {
    pub fn topic_checked(&self, topic: Topic) -> bool {
        self.checkboxes
            .get(&format!("topic_{}", topic.as_str()))
            .is_some_and(|v| !v.is_empty())
    }

    pub fn from_activity(a: &Activity) -> ActivityForm {
        let checkboxes = decode_topics(&a.topics)
            .into_iter()
            .map(|t| (format!("topic_{}", t.as_str()), "1".to_string()))
            .collect();
        ActivityForm {
            company_id: a.company_id.to_string(),
            user_id: a.user_id.to_string(),
            kind: a.kind.as_str().into(),
            occurred_on: a.occurred_on.to_string(),
            summary: a.summary.clone(),
            outcome: a
                .outcome
                .map(|o| o.as_str().to_string())
                .unwrap_or_default(),
            campaign_id: a.campaign_id.map(|i| i.to_string()).unwrap_or_default(),
            contact_person_id: a
                .contact_person_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
            follow_up_on: a.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
            follow_up_note: a.follow_up_note.clone(),
            follow_up_done: if a.follow_up_done {
                "1".into()
            } else {
                String::new()
            },
            version: a.version.to_string(),
            request_id: String::new(),
            follow_up_id: String::new(),
            checkboxes,
        }
    }

    pub fn validate(&self) -> Result<ActivityInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let company_id = self.company_id.trim().parse::<i64>().ok();
        if company_id.is_none() {
            errors.insert("company_id", "Vælg en virksomhed.".into());
        }
        let user_id = self.user_id.trim().parse::<i64>().ok();
        if user_id.is_none() {
            errors.insert("user_id", "Vælg en konsulent.".into());
        }
        let kind = ActivityKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.insert("kind", "Vælg hvilken slags aktivitet det var.".into());
        }
        let occurred_on = dates::parse_date(&self.occurred_on);
        if occurred_on.is_none() {
            errors.insert("occurred_on", "Skriv en gyldig dato, fx 23-11-2026.".into());
        }
        let topics: Vec<Topic> = Topic::ALL
            .iter()
            .copied()
            .filter(|t| self.topic_checked(*t))
            .collect();
        let summary = guarded_text(&mut errors, "summary", &self.summary, 5000);
        let outcome = match self.outcome.trim() {
            "" => None,
            o => Outcome::parse(o).or_else(|| {
                errors.insert("outcome", "Vælg et udfald fra listen.".into());
                None
            }),
        };
        let campaign_id = optional_id(
            &mut errors,
            "campaign_id",
            &self.campaign_id,
            "Vælg en kampagne fra listen.",
        );
        let contact_person_id = optional_id(
            &mut errors,
            "contact_person_id",
            &self.contact_person_id,
            "Vælg en kontaktperson fra listen.",
        );
        let follow_up_on = match self.follow_up_on.trim() {
            "" => None,
            s => match dates::parse_date(s) {
                Some(d) => Some(d),
                None => {
                    errors.insert(
                        "follow_up_on",
                        "Skriv en gyldig dato, fx 30-11-2026.".into(),
                    );
                    None
                }
            },
        };
        if let (Some(f), Some(o)) = (follow_up_on, occurred_on)
            && f < o
        {
            errors.insert(
                "follow_up_on",
                "Opfølgningen kan ikke ligge før aktivitetens dato.".into(),
            );
        }
        let follow_up_note = guarded_text(&mut errors, "follow_up_note", &self.follow_up_note, 500);
        if follow_up_on.is_none()
            && !follow_up_note.is_empty()
            && !errors.contains_key("follow_up_on")
        {
            errors.insert("follow_up_on", "Vælg en dato for opfølgningen.".into());
        }
        match (company_id, user_id, kind, occurred_on) {
            (Some(company_id), Some(user_id), Some(kind), Some(occurred_on))
                if errors.is_empty() =>
            {
                Ok(ActivityInput {
                    company_id,
                    user_id,
                    kind,
                    occurred_on,
                    topics,
                    summary,
                    outcome,
                    campaign_id,
                    contact_person_id,
                    follow_up_on,
                    follow_up_note,
                    follow_up_done: !self.follow_up_done.is_empty() && follow_up_on.is_some(),
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = activities, treat_none_as_null = true)]
struct ActivityValues<'a> {
    user_id: i64,
    kind: ActivityKind,
    occurred_on: NaiveDate,
    topics: String,
    summary: &'a str,
    outcome: Option<Outcome>,
    campaign_id: Option<i64>,
    contact_person_id: Option<i64>,
    follow_up_on: Option<NaiveDate>,
    follow_up_note: &'a str,
    follow_up_done: bool,
    updated_at: NaiveDateTime,
}

impl ActivityInput {
    fn values(&self, now: NaiveDateTime) -> ActivityValues<'_> {
        ActivityValues {
            user_id: self.user_id,
            kind: self.kind,
            occurred_on: self.occurred_on,
            topics: encode_topics(&self.topics),
            summary: &self.summary,
            outcome: self.outcome,
            campaign_id: self.campaign_id,
            contact_person_id: self.contact_person_id,
            follow_up_on: self.follow_up_on,
            follow_up_note: &self.follow_up_note,
            follow_up_done: self.follow_up_done,
            updated_at: now,
        }
    }

    /// An activity logged for a campaign moves the company's place on its list forward.
    fn progress_campaign(
        &self,
        c: &mut DbConn,
        jobcenter_id: i64,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        match self.campaign_id {
            Some(campaign_id) => CampaignTarget::progress_from_activity(
                c,
                jobcenter_id,
                campaign_id,
                self.company_id,
                (self.kind, self.outcome, self.occurred_on),
                now,
            ),
            None => Ok(()),
        }
    }

    /// The consultant must be active staff of the jobcenter, and the contact person one of the
    /// company's current ones.
    /// An activity is something that happened: a date after today (Danish time) would also push
    /// the company's "last contact" ahead.
    fn check_not_future(&self, now: NaiveDateTime) -> Result<(), WriteError> {
        if self.occurred_on > dates::local_date(now) {
            Err(WriteError::invalid(
                "occurred_on",
                "Datoen ligger i fremtiden. Registrér kontakten, når den har fundet sted – brug en opfølgning til noget, der skal ske.",
            ))
        } else {
            Ok(())
        }
    }

    /// `present`: the consultant the activity has now, kept even if no longer active.
    fn check_references(
        &self,
        c: &mut DbConn,
        jobcenter_id: i64,
        present: Option<i64>,
    ) -> Result<(), WriteError> {
        User::require_active_consultant(c, jobcenter_id, self.user_id, present)?;
        if let Some(pid) = self.contact_person_id
            && ContactPerson::find(c, jobcenter_id, self.company_id, pid)
                .optional()?
                .is_none()
        {
            return Err(WriteError::invalid(
                "contact_person_id",
                "Vælg en af virksomhedens kontaktpersoner.",
            ));
        }
        Ok(())
    }
}

/// The columns of an activity that a list or timeline shows: a list reads dozens of rows per
/// page, and every column read costs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct ListedActivity {
    pub id: i64,
    pub company_id: i64,
    pub user_id: i64,
    pub kind: ActivityKind,
    pub occurred_on: NaiveDate,
    pub topics: String,
    pub summary: String,
    pub outcome: Option<Outcome>,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_note: String,
    pub follow_up_done: bool,
}

/// An activity with the names a list shows.
#[derive(Debug, Clone)]
pub struct ActivityRow {
    pub activity: ListedActivity,
    pub topics: Vec<Topic>,
    pub user_name: String,
    pub company_name: String,
    pub contact_name: Option<String>,
}

/// Filters of the activity list.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    pub user_id: Option<i64>,
    pub company_id: Option<i64>,
    pub kind: Option<ActivityKind>,
    pub topic: Option<Topic>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A follow-up waiting to be done.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub activity_id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub follow_up_on: NaiveDate,
    pub note: String,
    pub kind: ActivityKind,
}

impl Activity {
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Activity> {
        activities::table
            .filter(activities::jobcenter_id.eq(jobcenter_id))
            .filter(activities::id.eq(id))
            .select(Activity::as_select())
            .first(c)
    }

    /// The jobcenter's activities among `ids`, in the order of `ids`.
    pub fn find_many(c: &mut DbConn, jobcenter_id: i64, ids: &[i64]) -> QueryResult<Vec<Activity>> {
        // By the primary key alone: with the jobcenter in the WHERE clause too, SQLite reads
        // the jobcenter's whole index for more than three ids (the API's list pages were 10-100
        // times slower than the pages, bench/RESULTS.md). The jobcenter is checked here.
        let mut rows: Vec<Activity> = activities::table
            .filter(activities::id.eq_any(ids))
            .select(Activity::as_select())
            .load(c)?;
        rows.retain(|r| r.jobcenter_id == jobcenter_id);
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(rows)
    }

    /// Logs an activity and moves the company's "last contact" forward.
    /// Moves the open follow-up counters by trigger (`src/db/triggers/`).
    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &ActivityInput,
        now: NaiveDateTime,
    ) -> Result<Activity, WriteError> {
        write_tx(c, |c| {
            Company::find(c, jobcenter_id, input.company_id)?;
            input.check_references(c, jobcenter_id, None)?;
            input.check_not_future(now)?;
            let id: i64 = diesel::insert_into(activities::table)
                .values((
                    input.values(now),
                    activities::jobcenter_id.eq(jobcenter_id),
                    activities::company_id.eq(input.company_id),
                    activities::created_at.eq(now),
                    activities::version.eq(1),
                ))
                .returning(activities::id)
                .get_result(c)?;
            refresh_last_contact(c, jobcenter_id, input.company_id)?;
            input.progress_campaign(c, jobcenter_id, now)?;
            let what = ("activity", "activities", id);
            super::webhook::emit(c, jobcenter_id, "activity.created", what, now)?;
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    /// Saves an edit made on `expected_version` (the company stays the same).
    /// Moves the open follow-up counters by trigger (`src/db/triggers/`).
    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        expected_version: i32,
        input: &ActivityInput,
        now: NaiveDateTime,
    ) -> Result<Activity, WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, id)?;
            if current.version != expected_version {
                return Err(WriteError::Stale);
            }
            let input = ActivityInput {
                company_id: current.company_id,
                ..input.clone()
            };
            input.check_references(c, jobcenter_id, Some(current.user_id))?;
            input.check_not_future(now)?;
            diesel::update(
                activities::table
                    .filter(activities::id.eq(id))
                    .filter(activities::version.eq(expected_version)),
            )
            .set((
                input.values(now),
                activities::version.eq(expected_version + 1),
            ))
            .execute(c)?;
            refresh_last_contact(c, jobcenter_id, current.company_id)?;
            input.progress_campaign(c, jobcenter_id, now)?;
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    // Moves the open follow-up counters by trigger (src/db/triggers/).
    pub fn delete(c: &mut DbConn, jobcenter_id: i64, id: i64) -> Result<Activity, WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, id)?;
            diesel::delete(activities::table.filter(activities::id.eq(id))).execute(c)?;
            refresh_last_contact(c, jobcenter_id, current.company_id)?;
            Ok(current)
        })
    }

    /// Marks a follow-up done (or open again).
    /// Moves the open follow-up counters by trigger (`src/db/triggers/`).
    pub fn set_follow_up_done(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        done: bool,
        now: NaiveDateTime,
    ) -> QueryResult<Activity> {
        let current = Self::find(c, jobcenter_id, id)?;
        diesel::update(activities::table.filter(activities::id.eq(current.id)))
            .set((
                activities::follow_up_done.eq(done),
                activities::version.eq(current.version + 1),
                activities::updated_at.eq(now),
            ))
            .execute(c)?;
        Self::find(c, jobcenter_id, id)
    }

    /// One page of activities, newest first, after the (date, id) of the last one shown.
    pub fn list(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &ActivityQuery,
        after: Option<(NaiveDate, i64)>,
        limit: i64,
    ) -> QueryResult<Vec<ActivityRow>> {
        let rows = {
            // The names of the consultant and the contact person come with the row (a LEFT JOIN
            // cannot lead the walk).
            let mut q = activities::table
                .inner_join(companies::table)
                .left_join(
                    contact_persons::table.on(contact_persons::id
                        .nullable()
                        .eq(activities::contact_person_id)),
                )
                .left_join(users::table.on(users::id.eq(activities::user_id)))
                .filter(activities::jobcenter_id.eq(jobcenter_id))
                .into_boxed();
            if let Some(u) = query.user_id {
                q = q.filter(activities::user_id.eq(u));
            }
            if let Some(co) = query.company_id {
                q = q.filter(activities::company_id.eq(co));
            }
            if let Some(k) = query.kind {
                q = q.filter(activities::kind.eq(k));
            }
            if let Some(t) = query.topic {
                q = q.filter(activities::topics.like(format!("%,{},%", t.as_str())));
            }
            if let Some(from) = query.from {
                q = q.filter(activities::occurred_on.ge(from));
            }
            if let Some(to) = query.to {
                q = q.filter(activities::occurred_on.le(to));
            }
            if let Some((d, id)) = after {
                q = q.filter(
                    activities::occurred_on
                        .lt(d)
                        .or(activities::occurred_on.eq(d).and(activities::id.lt(id))),
                );
            }
            q.order((activities::occurred_on.desc(), activities::id.desc()))
                .limit(limit)
                .select((
                    ListedActivity::as_select(),
                    companies::name,
                    users::name.nullable(),
                    contact_persons::name.nullable(),
                ))
                .load::<(ListedActivity, String, Option<String>, Option<String>)>(c)
        }?;
        Ok(rows.into_iter().map(ActivityRow::new).collect())
    }

    /// A user's open follow-ups dated within `from..=to` (either end open), soonest first, at
    /// most `limit` of them, after the (date, id) of the last one shown.
    pub fn open_follow_ups(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        after: Option<(NaiveDate, i64)>,
        limit: i64,
    ) -> QueryResult<Vec<FollowUp>> {
        let (from, to) = follow_up_range(from, to);
        // The index range starts at the cursor's date; within that date, after its id. Without
        // a cursor the second condition holds for every row (ids are positive).
        let (after_on, after_id) = after.unwrap_or((from, 0));
        let from = from.max(after_on);
        // Every row of the partial index has a follow-up date.
        let rows: Vec<(i64, i64, NaiveDate, String, ActivityKind, String)> =
            (open_follow_ups_of(jobcenter_id, user_id, from, to)
                .filter(
                    activities::follow_up_on
                        .gt(after_on)
                        .or(activities::id.gt(after_id)),
                )
                .inner_join(companies::table)
                .order((activities::follow_up_on, activities::id))
                .limit(limit)
                .select((
                    activities::id,
                    activities::company_id,
                    activities::follow_up_on.assume_not_null(),
                    activities::follow_up_note,
                    activities::kind,
                    companies::name,
                ))
                .load(c))?;
        Ok(rows
            .into_iter()
            .map(
                |(activity_id, company_id, on, note, kind, company_name)| FollowUp {
                    activity_id,
                    company_id,
                    company_name,
                    follow_up_on: on,
                    note,
                    kind,
                },
            )
            .collect())
    }

    /// How many open follow-ups a user has within `from..=to` (either end open).
    pub fn count_open_follow_ups(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> QueryResult<i64> {
        let (from, to) = follow_up_range(from, to);
        if from > to {
            return Ok(0);
        }
        // From the counters the triggers on activities keep: the whole months inside the
        // range, and the days of the months at its ends — a few dozen rows for any range.
        let days = |from: NaiveDate, to: NaiveDate| {
            follow_up_day_counts::table
                .filter(follow_up_day_counts::jobcenter_id.eq(jobcenter_id))
                .filter(follow_up_day_counts::user_id.eq(user_id))
                .filter(follow_up_day_counts::day.between(from, to))
                .select(follow_up_day_counts::n)
        };
        let (first_month, last_month) = (dates::first_of_month(from), dates::first_of_month(to));
        let counts: Vec<i64> = if first_month == last_month {
            days(from, to).load(c)?
        } else {
            let second_month = dates::next_month(first_month);
            let months = follow_up_month_counts::table
                .filter(follow_up_month_counts::jobcenter_id.eq(jobcenter_id))
                .filter(follow_up_month_counts::user_id.eq(user_id))
                .filter(follow_up_month_counts::month.ge(second_month))
                .filter(follow_up_month_counts::month.lt(last_month))
                .select(follow_up_month_counts::n);
            let mut counts: Vec<i64> = days(from, second_month - Days::new(1)).load(c)?;
            counts.extend(days(last_month, to).load::<i64>(c)?);
            counts.extend(months.load::<i64>(c)?);
            counts
        };
        Ok(counts.iter().sum())
    }

    /// How many of a user's open follow-ups are overdue and due today.
    pub fn follow_up_counts(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        today: NaiveDate,
    ) -> QueryResult<(i64, i64)> {
        let overdue = match today.pred_opt() {
            Some(yesterday) => {
                Self::count_open_follow_ups(c, jobcenter_id, user_id, None, Some(yesterday))?
            }
            None => 0,
        };
        let due_today =
            Self::count_open_follow_ups(c, jobcenter_id, user_id, Some(today), Some(today))?;
        Ok((overdue, due_today))
    }
}

/// An open end of a follow-up range as a date no follow-up is before or after, so that every
/// range is the same statement (prepared once) and one range of the index.
fn follow_up_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date");
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");
    (from.unwrap_or(first), to.unwrap_or(last))
}

/// A user's open follow-ups dated `from..=to`: the rows of the partial index
/// `activities_open_follow_ups`, whose condition the filters repeat so both planners use it.
#[diesel::dsl::auto_type]
fn open_follow_ups_of(jobcenter_id: i64, user_id: i64, from: NaiveDate, to: NaiveDate) -> _ {
    activities::table
        .filter(activities::jobcenter_id.eq(jobcenter_id))
        .filter(activities::user_id.eq(user_id))
        .filter(not(activities::follow_up_done))
        .filter(activities::follow_up_on.is_not_null())
        .filter(activities::follow_up_on.between(from, to))
}

/// Keeps `companies.last_contact_on` equal to the company's latest activity.
fn refresh_last_contact(c: &mut DbConn, jobcenter_id: i64, company_id: i64) -> QueryResult<()> {
    let latest: Option<NaiveDate> = activities::table
        .filter(activities::jobcenter_id.eq(jobcenter_id))
        .filter(activities::company_id.eq(company_id))
        .select(max(activities::occurred_on))
        .first(c)?;
    diesel::update(companies::table.filter(companies::id.eq(company_id)))
        .set(companies::last_contact_on.eq(latest))
        .execute(c)?;
    Ok(())
}

impl ActivityRow {
    /// A row of a list from an activity with the names of its company, consultant and contact.
    fn new(
        (a, company_name, user_name, contact_name): (
            ListedActivity,
            String,
            Option<String>,
            Option<String>,
        ),
    ) -> ActivityRow {
        ActivityRow {
            topics: decode_topics(&a.topics),
            user_name: user_name.unwrap_or_default(),
            company_name,
            contact_name: contact_name.filter(|n| !n.is_empty()),
            activity: a,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip_through_their_stored_form() {
        let topics = vec![Topic::Smaajob, Topic::Retention];
        let stored = encode_topics(&topics);
        assert_eq!(stored, ",smaajob,retention,");
        assert_eq!(decode_topics(&stored), topics);
        assert_eq!(encode_topics(&[]), "");
        assert!(decode_topics("").is_empty());
    }
}
