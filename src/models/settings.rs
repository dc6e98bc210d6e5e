//! Per-jobcenter settings: the rules that are local practice and change with reforms (hours of
//! a småjob, weeks of a praktik), and how the jobcenter answers companies. A jobcenter that has
//! never saved its settings uses the defaults.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::two_step::TwoStepPolicy;
use super::{FieldErrors, WriteError};
use crate::db::DbConn;
use crate::db::schema::jobcenter_settings;
use crate::domain::csv_io::parse_decimal;
use crate::domain::holidays::ClosingDays;
use crate::domain::validate;
use crate::domain::working_days::Calendar;

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
    /// The business entry point as companies meet it: its public name, one phone number, one
    /// e-mail address, its postal address and opening hours.
    pub entry_name: String,
    pub entry_phone: String,
    pub entry_email: String,
    pub entry_address: String,
    pub entry_hours: String,
    /// Days the jobcenter keeps closed besides the public holidays.
    pub closed_constitution_day: bool,
    pub closed_christmas_eve: bool,
    pub closed_new_years_eve: bool,
    /// Its own closing days, ISO dates separated by commas.
    pub closing_days: String,
    /// The jobcenter's accessibility statement (tilgængelighedserklæring), linked in every
    /// page's footer.
    pub accessibility_url: String,
    /// Whether the company is asked how satisfied it is after a request is closed, and after
    /// a visit is logged.
    pub survey_after_request: bool,
    pub survey_after_visit: bool,
    /// Moves on with every save; a save made on an older version is refused.
    pub version: i32,
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
            entry_name: String::new(),
            entry_phone: String::new(),
            entry_email: String::new(),
            entry_address: String::new(),
            entry_hours: String::new(),
            closed_constitution_day: false,
            closed_christmas_eve: false,
            closed_new_years_eve: false,
            closing_days: String::new(),
            accessibility_url: String::new(),
            survey_after_request: true,
            survey_after_visit: false,
            version: 1,
        }
    }

    /// The jobcenter's working days: Monday–Friday, minus public holidays and its closed days.
    pub fn calendar(&self) -> Calendar {
        Calendar::new(ClosingDays {
            constitution_day: self.closed_constitution_day,
            christmas_eve: self.closed_christmas_eve,
            new_years_eve: self.closed_new_years_eve,
            dates: ClosingDays::decode_dates(&self.closing_days),
        })
    }

    /// The entry point's contact details, for the public pages, receipts and footers.
    pub fn entry_point(&self, jobcenter_name: &str) -> EntryPoint {
        EntryPoint {
            name: if self.entry_name.is_empty() {
                jobcenter_name.to_string()
            } else {
                self.entry_name.clone()
            },
            phone: self.entry_phone.clone(),
            email: self.entry_email.clone(),
            address: self.entry_address.clone(),
            hours: self.entry_hours.clone(),
            promise_days: self.answer_promise_days,
            privacy_url: self.privacy_url.clone(),
            accessibility_url: self.accessibility_url.clone(),
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

    /// Saves settings edited from `self.version`; refused as stale when someone has saved
    /// since. Returns the settings as saved, with their new version.
    pub fn save(&self, c: &mut DbConn) -> Result<Settings, WriteError> {
        crate::db::write_tx(c, |c| {
            let stored = jobcenter_settings::table
                .find(self.jobcenter_id)
                .select(jobcenter_settings::version)
                .first::<i32>(c)
                .optional()?;
            // Settings never saved have the defaults' version 1; saved they move on to 2.
            let saved = Settings {
                version: self.version + 1,
                ..self.clone()
            };
            match stored {
                Some(v) if v != self.version => return Err(WriteError::Stale),
                Some(_) => {
                    diesel::update(jobcenter_settings::table.find(self.jobcenter_id))
                        .set(&saved)
                        .execute(c)?;
                }
                None => {
                    diesel::insert_into(jobcenter_settings::table)
                        .values(&saved)
                        .execute(c)?;
                }
            }
            Ok(saved)
        })
    }
}

/// How companies reach the jobcenter, as the public pages, receipts and footers give it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryPoint {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub hours: String,
    pub promise_days: i32,
    pub privacy_url: String,
    pub accessibility_url: String,
}

impl EntryPoint {
    /// Whether there is any way to reach the entry point besides the form.
    pub fn has_contact(&self) -> bool {
        !(self.phone.is_empty() && self.email.is_empty() && self.address.is_empty())
    }

    /// The phone number as a `tel:` link target: digits and a leading plus only.
    pub fn phone_link(&self) -> String {
        self.phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }

    /// The contact details as lines of a mail.
    pub fn mail_lines(&self) -> String {
        let mut lines = vec![self.name.clone()];
        if !self.phone.is_empty() {
            lines.push(format!("Telefon: {}", self.phone));
        }
        if !self.email.is_empty() {
            lines.push(format!("E-mail: {}", self.email));
        }
        if !self.hours.is_empty() {
            lines.push(format!("Åbningstid: {}", self.hours));
        }
        if !self.address.is_empty() {
            lines.push(self.address.clone());
        }
        lines.join("\n")
    }
}

/// The settings form as typed; decimals may use a comma.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
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
    pub entry_name: String,
    pub entry_phone: String,
    pub entry_email: String,
    pub entry_address: String,
    pub entry_hours: String,
    /// Ticked checkboxes send "on".
    pub closed_constitution_day: String,
    pub closed_christmas_eve: String,
    pub closed_new_years_eve: String,
    /// Dates as typed, one per line or separated by commas.
    pub closing_days: String,
    pub accessibility_url: String,
    pub survey_after_request: String,
    pub survey_after_visit: String,
    /// The version the form was filled in on.
    pub version: String,
}

fn ticked(on: bool) -> String {
    if on { "on".into() } else { String::new() }
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
            entry_name: s.entry_name.clone(),
            entry_phone: s.entry_phone.clone(),
            entry_email: s.entry_email.clone(),
            entry_address: s.entry_address.clone(),
            entry_hours: s.entry_hours.clone(),
            closed_constitution_day: ticked(s.closed_constitution_day),
            closed_christmas_eve: ticked(s.closed_christmas_eve),
            closed_new_years_eve: ticked(s.closed_new_years_eve),
            closing_days: ClosingDays::decode_dates(&s.closing_days)
                .iter()
                .map(|d| crate::domain::dates::dk_date(*d))
                .collect::<Vec<_>>()
                .join("\n"),
            accessibility_url: s.accessibility_url.clone(),
            survey_after_request: ticked(s.survey_after_request),
            survey_after_visit: ticked(s.survey_after_visit),
            version: s.version.to_string(),
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
        let mut web_address = |field: &'static str, value: &str| -> String {
            let url = value.trim().to_string();
            let whole = url.starts_with("https://") || url.starts_with("http://");
            if !url.is_empty() && (!whole || url.len() > 500 || url.contains(char::is_whitespace)) {
                errors.insert(
                    field,
                    "Skriv en hel webadresse, der begynder med https://.".into(),
                );
            }
            url
        };
        let privacy_url = web_address("privacy_url", &self.privacy_url);
        let accessibility_url = web_address("accessibility_url", &self.accessibility_url);
        let mut line = |field: &'static str, value: &str, max: usize| -> String {
            let v = value.trim().to_string();
            if v.chars().count() > max {
                errors.insert(field, format!("Højst {max} tegn."));
            }
            v
        };
        let entry_name = line("entry_name", &self.entry_name, 120);
        let entry_phone = line("entry_phone", &self.entry_phone, 40);
        let entry_address = line("entry_address", &self.entry_address, 200);
        let entry_hours = line("entry_hours", &self.entry_hours, 200);
        if let Err(e) = super::company::check_phone(&entry_phone) {
            errors.insert("entry_phone", e.into());
        }
        let entry_email = self.entry_email.trim().to_string();
        if !entry_email.is_empty()
            && let Err(e) = validate::email(&entry_email)
        {
            errors.insert("entry_email", e.into());
        }
        let mut closing_dates = Vec::new();
        for part in self
            .closing_days
            .split(['\n', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match crate::domain::dates::parse_date(part) {
                Some(d) => closing_dates.push(d),
                None => {
                    errors.insert(
                        "closing_days",
                        format!(
                            "„{part}“ er ikke en dato. Skriv én dato pr. linje, fx 15-05-2026."
                        ),
                    );
                    break;
                }
            }
        }
        closing_dates.sort();
        closing_dates.dedup();
        if closing_dates.len() > 100 {
            errors.insert("closing_days", "Højst 100 lukkedage.".into());
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
            entry_name,
            entry_phone,
            entry_email,
            entry_address,
            entry_hours,
            closed_constitution_day: !self.closed_constitution_day.is_empty(),
            closed_christmas_eve: !self.closed_christmas_eve.is_empty(),
            closed_new_years_eve: !self.closed_new_years_eve.is_empty(),
            closing_days: ClosingDays::encode_dates(&closing_dates),
            accessibility_url,
            survey_after_request: !self.survey_after_request.is_empty(),
            survey_after_visit: !self.survey_after_visit.is_empty(),
            // 0, which no saved settings have, when the form lacks it.
            version: self.version.trim().parse().unwrap_or(0),
        })
    }
}
