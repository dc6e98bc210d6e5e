//! Per-jobcenter settings: the rules that are local practice and change with reforms (hours of
//! a småjob, weeks of a praktik), and how the jobcenter answers companies. A jobcenter that has
//! never saved its settings uses the defaults.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::FieldErrors;
use super::two_step::TwoStepPolicy;
use crate::db::DbConn;
use crate::db::schema::jobcenter_settings;
use crate::domain::csv_io::parse_decimal;
use crate::domain::validate;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = jobcenter_settings)]
pub struct Settings {
    pub jobcenter_id: i64,
    /// Hours a week of a småjob (2–20 by default).
    pub smaajob_min_hours: f64,
    pub smaajob_max_hours: f64,
    /// Hours a week of the other placement kinds (0.5–37 by default).
    pub other_min_hours: f64,
    pub other_max_hours: f64,
    /// Longest virksomhedspraktik in weeks (13 by default).
    pub praktik_max_weeks: i32,
    /// Working days within which companies are promised an answer.
    pub answer_promise_days: i32,
    /// The jobcenter's privacy text, linked from the public contact form.
    pub privacy_url: String,
    /// Where notices of unassigned contact requests go.
    pub team_email: String,
    /// Closed contact requests older than this are deleted.
    pub request_retention_months: i32,
    /// Requests judged as spam are deleted after this many days.
    pub spam_retention_days: i32,
    pub updated_at: NaiveDateTime,
    /// Who must sign in in two steps.
    pub require_two_step: TwoStepPolicy,
    /// Rows of the access log older than this are deleted.
    pub access_log_retention_months: i32,
}

impl Settings {
    pub fn defaults(jobcenter_id: i64) -> Settings {
        Settings {
            jobcenter_id,
            smaajob_min_hours: 2.0,
            smaajob_max_hours: 20.0,
            other_min_hours: 0.5,
            other_max_hours: 37.0,
            praktik_max_weeks: 13,
            answer_promise_days: 2,
            privacy_url: String::new(),
            team_email: String::new(),
            request_retention_months: 24,
            spam_retention_days: 30,
            updated_at: NaiveDateTime::default(),
            require_two_step: TwoStepPolicy::Nobody,
            access_log_retention_months: 6,
        }
    }

    pub fn get(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Settings> {
        Ok((jobcenter_settings::table
            .find(jobcenter_id)
            .select(Settings::as_select())
            .first(c)
            .optional())?
        .unwrap_or_else(|| Settings::defaults(jobcenter_id)))
    }

    pub fn save(&self, c: &mut DbConn) -> QueryResult<()> {
        crate::db::write_tx(c, |c| {
            let exists = jobcenter_settings::table
                .find(self.jobcenter_id)
                .select(jobcenter_settings::jobcenter_id)
                .first::<i64>(c)
                .optional()?
                .is_some();
            if exists {
                diesel::update(jobcenter_settings::table.find(self.jobcenter_id))
                    .set(self)
                    .execute(c)?;
            } else {
                diesel::insert_into(jobcenter_settings::table)
                    .values(self)
                    .execute(c)?;
            }
            Ok(())
        })
    }
}

/// The settings form as typed; decimals may use a comma.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub smaajob_min_hours: String,
    pub smaajob_max_hours: String,
    pub other_min_hours: String,
    pub other_max_hours: String,
    pub praktik_max_weeks: String,
    pub answer_promise_days: String,
    pub privacy_url: String,
    pub team_email: String,
    pub request_retention_months: String,
    pub spam_retention_days: String,
    pub require_two_step: String,
    pub access_log_retention_months: String,
}

/// 2.5 → "2,5", 20.0 → "20".
pub fn format_decimal(v: f64) -> String {
    let s = format!("{v}");
    s.replace('.', ",")
}

impl SettingsForm {
    pub fn from_settings(s: &Settings) -> SettingsForm {
        SettingsForm {
            smaajob_min_hours: format_decimal(s.smaajob_min_hours),
            smaajob_max_hours: format_decimal(s.smaajob_max_hours),
            other_min_hours: format_decimal(s.other_min_hours),
            other_max_hours: format_decimal(s.other_max_hours),
            praktik_max_weeks: s.praktik_max_weeks.to_string(),
            answer_promise_days: s.answer_promise_days.to_string(),
            privacy_url: s.privacy_url.clone(),
            team_email: s.team_email.clone(),
            request_retention_months: s.request_retention_months.to_string(),
            spam_retention_days: s.spam_retention_days.to_string(),
            require_two_step: s.require_two_step.as_str().into(),
            access_log_retention_months: s.access_log_retention_months.to_string(),
        }
    }

    pub fn validate(&self, jobcenter_id: i64, now: NaiveDateTime) -> Result<Settings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut hours = |field: &'static str, value: &str| -> f64 {
            match parse_decimal(value) {
                Some(h) if (0.0..=60.0).contains(&h) => h,
                _ => {
                    errors.insert(
                        field,
                        "Skriv et antal timer mellem 0 og 60, fx 2 eller 0,5.".into(),
                    );
                    0.0
                }
            }
        };
        let smaajob_min_hours = hours("smaajob_min_hours", &self.smaajob_min_hours);
        let smaajob_max_hours = hours("smaajob_max_hours", &self.smaajob_max_hours);
        let other_min_hours = hours("other_min_hours", &self.other_min_hours);
        let other_max_hours = hours("other_max_hours", &self.other_max_hours);
        if smaajob_min_hours > smaajob_max_hours && !errors.contains_key("smaajob_max_hours") {
            errors.insert(
                "smaajob_max_hours",
                "Højst skal være mindst lige så mange timer som mindst.".into(),
            );
        }
        if other_min_hours > other_max_hours && !errors.contains_key("other_max_hours") {
            errors.insert(
                "other_max_hours",
                "Højst skal være mindst lige så mange timer som mindst.".into(),
            );
        }
        let mut whole = |field: &'static str,
                         value: &str,
                         range: std::ops::RangeInclusive<i32>,
                         msg: &str|
         -> i32 {
            match value.trim().parse::<i32>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    errors.insert(field, msg.to_string());
                    *range.start()
                }
            }
        };
        let praktik_max_weeks = whole(
            "praktik_max_weeks",
            &self.praktik_max_weeks,
            1..=52,
            "Skriv et antal uger mellem 1 og 52.",
        );
        let answer_promise_days = whole(
            "answer_promise_days",
            &self.answer_promise_days,
            1..=30,
            "Skriv et antal arbejdsdage mellem 1 og 30.",
        );
        let request_retention_months = whole(
            "request_retention_months",
            &self.request_retention_months,
            1..=120,
            "Skriv et antal måneder mellem 1 og 120.",
        );
        let spam_retention_days = whole(
            "spam_retention_days",
            &self.spam_retention_days,
            1..=365,
            "Skriv et antal dage mellem 1 og 365.",
        );
        let access_log_retention_months = whole(
            "access_log_retention_months",
            &self.access_log_retention_months,
            1..=60,
            "Skriv et antal måneder mellem 1 og 60.",
        );
        let privacy_url = self.privacy_url.trim().to_string();
        let web_address = privacy_url.starts_with("https://") || privacy_url.starts_with("http://");
        if !privacy_url.is_empty() && !web_address {
            errors.insert(
                "privacy_url",
                "Skriv en hel webadresse, der begynder med https://.".into(),
            );
        }
        let team_email = self.team_email.trim().to_string();
        if !team_email.is_empty()
            && let Err(e) = validate::email(&team_email)
        {
            errors.insert("team_email", e.into());
        }
        let require_two_step = TwoStepPolicy::parse(&self.require_two_step);
        if require_two_step.is_none() {
            errors.insert(
                "require_two_step",
                "Vælg, hvem der skal logge ind i to trin.".into(),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Settings {
            jobcenter_id,
            smaajob_min_hours,
            smaajob_max_hours,
            other_min_hours,
            other_max_hours,
            praktik_max_weeks,
            answer_promise_days,
            privacy_url,
            team_email,
            request_retention_months,
            spam_retention_days,
            updated_at: now,
            require_two_step: require_two_step.unwrap_or(TwoStepPolicy::Nobody),
            access_log_retention_months,
        })
    }
}
