//! Placements of citizens with a company: småjob, fleksjob, virksomhedspraktik, løntilskud and
//! ordinary jobs. The citizen is named only by a pseudonymous case reference.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;

use super::campaign::CampaignTarget;
use super::company::Company;
use super::settings::Settings;
use super::user::User;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::schema::{companies, placements, users};
use crate::db::{DbConn, write_tx};
use crate::domain::csv_io::parse_decimal;
use crate::domain::{cpr_guard, dates};

text_enum! {
    pub enum PlacementKind {
        Smaajob => ("smaajob", "Småjob"),
        Fleksjob => ("fleksjob", "Fleksjob"),
        Praktik => ("praktik", "Virksomhedspraktik"),
        Loentilskud => ("loentilskud", "Løntilskud"),
        Ordinary => ("ordinary", "Ordinært job"),
    }
}

text_enum! {
    pub enum PlacementStatus {
        Planned => ("planned", "Planlagt"),
        Active => ("active", "Aktiv"),
        Ended => ("ended", "Afsluttet"),
        Cancelled => ("cancelled", "Afbrudt"),
    }
}

text_enum! {
    /// Where the citizen went when the placement ended.
    pub enum PlacementResult {
        OrdinaryJob => ("ordinary_job", "Ordinært job"),
        Education => ("education", "Uddannelse"),
        Unemployed => ("unemployed", "Fortsat ledig"),
        Other => ("other", "Andet"),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = placements)]
pub struct Placement {
    pub id: i64,
    pub jobcenter_id: i64,
    pub company_id: i64,
    pub user_id: i64,
    pub kind: PlacementKind,
    pub citizen_ref: String,
    pub hours_per_week: f64,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub status: PlacementStatus,
    pub result: Option<PlacementResult>,
    pub campaign_id: Option<i64>,
    pub note: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PlacementForm {
    pub company_id: String,
    pub user_id: String,
    pub kind: String,
    pub citizen_ref: String,
    pub hours_per_week: String,
    pub start_on: String,
    pub end_on: String,
    pub status: String,
    pub result: String,
    pub campaign_id: String,
    pub note: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacementInput {
    pub company_id: i64,
    pub user_id: i64,
    pub kind: PlacementKind,
    pub citizen_ref: String,
    pub hours_per_week: f64,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub status: PlacementStatus,
    pub result: Option<PlacementResult>,
    pub campaign_id: Option<i64>,
    pub note: String,
}

/// "12,5" hours and the like, shown Danish style.
pub fn format_hours(h: f64) -> String {
    let s = format!("{}", (h * 100.0).round() / 100.0);
    s.replace('.', ",")
}

/// A case reference from the municipality's case system, e.g. "SAG-2026-004512" or
/// "27.10.08-P20-1-26": digits, letters and - . / _, with at least one digit and no spaces, so a
/// name cannot be typed by mistake; never a CPR number.
pub fn check_citizen_ref(r: &str) -> Result<(), &'static str> {
    if r.is_empty() {
        return Err("Skriv borgerens sagsnummer fra sagssystemet, fx SAG-2026-004512.");
    }
    if cpr_guard::check_free_text(r).is_err() {
        return Err(
            "Det ligner et CPR-nummer. Brug sagsnummeret – CPR-numre må ikke skrives i systemet.",
        );
    }
    let shape_ok = r.chars().count() <= 40
        && r.chars().any(|c| c.is_ascii_digit())
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/' | '_'));
    if shape_ok {
        Ok(())
    } else {
        Err(
            "Brug kun sagsnummeret (tal, bogstaver og - . /, uden mellemrum) – aldrig borgerens navn.",
        )
    }
}

impl PlacementForm {
    pub fn from_placement(p: &Placement) -> PlacementForm {
        PlacementForm {
            company_id: p.company_id.to_string(),
            user_id: p.user_id.to_string(),
            kind: p.kind.as_str().into(),
            citizen_ref: p.citizen_ref.clone(),
            hours_per_week: format_hours(p.hours_per_week),
            start_on: p.start_on.to_string(),
            end_on: p.end_on.map(|d| d.to_string()).unwrap_or_default(),
            status: p.status.as_str().into(),
            result: p.result.map(|r| r.as_str().to_string()).unwrap_or_default(),
            campaign_id: p.campaign_id.map(|i| i.to_string()).unwrap_or_default(),
            note: p.note.clone(),
            version: p.version.to_string(),
        }
    }

    /// Checks the form against the jobcenter's rules (hours per kind, length of a praktik).
    pub fn validate(&self, rules: &Settings) -> Result<PlacementInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let company_id = self.company_id.trim().parse::<i64>().ok();
        if company_id.is_none() {
            errors.insert("company_id", "Vælg en virksomhed.".into());
        }
        let user_id = self.user_id.trim().parse::<i64>().ok();
        if user_id.is_none() {
            errors.insert("user_id", "Vælg en konsulent.".into());
        }
        let kind = PlacementKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.insert("kind", "Vælg hvilken slags forløb det er.".into());
        }
        let citizen_ref = self.citizen_ref.trim().to_string();
        if let Err(e) = check_citizen_ref(&citizen_ref) {
            errors.insert("citizen_ref", e.into());
        }
        let hours = parse_decimal(&self.hours_per_week);
        match (hours, kind) {
            (None, _) => {
                errors.insert(
                    "hours_per_week",
                    "Skriv antal timer om ugen, fx 10 eller 12,5.".into(),
                );
            }
            (Some(h), Some(k)) => {
                let (min, max) = if k == PlacementKind::Smaajob {
                    (rules.smaajob_min_hours, rules.smaajob_max_hours)
                } else {
                    (rules.other_min_hours, rules.other_max_hours)
                };
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
        let start_on = dates::parse_date(&self.start_on);
        if start_on.is_none() {
            errors.insert(
                "start_on",
                "Skriv en gyldig startdato, fx 01-12-2026.".into(),
            );
        }
        let end_on = match self.end_on.trim() {
            "" => None,
            s => dates::parse_date(s).or_else(|| {
                errors.insert("end_on", "Skriv en gyldig slutdato, fx 28-02-2027.".into());
                None
            }),
        };
        if let (Some(s), Some(e)) = (start_on, end_on) {
            if e < s {
                errors.insert(
                    "end_on",
                    "Slutdatoen kan ikke ligge før startdatoen.".into(),
                );
            } else if kind == Some(PlacementKind::Praktik)
                && (e - s).num_days() + 1 > i64::from(rules.praktik_max_weeks) * 7
            {
                errors.insert(
                    "end_on",
                    format!(
                        "En virksomhedspraktik må højst vare {} uger.",
                        rules.praktik_max_weeks
                    ),
                );
            }
        }
        let status = match self.status.trim() {
            "" => Some(PlacementStatus::Planned),
            s => PlacementStatus::parse(s),
        };
        if status.is_none() {
            errors.insert("status", "Vælg en status.".into());
        }
        let result = match self.result.trim() {
            "" => None,
            r => PlacementResult::parse(r).or_else(|| {
                errors.insert("result", "Vælg et resultat fra listen.".into());
                None
            }),
        };
        let campaign_id = match self.campaign_id.trim() {
            "" => None,
            v => v.parse().ok().or_else(|| {
                errors.insert("campaign_id", "Vælg en kampagne fra listen.".into());
                None
            }),
        };
        let note = self.note.trim().to_string();
        if note.chars().count() > 2000 {
            errors.insert("note", "Må højst være på 2000 tegn.".into());
        } else if let Err(e) = cpr_guard::check_free_text(&note) {
            errors.insert("note", e.into());
        }
        match (company_id, user_id, kind, hours, start_on, status) {
            (
                Some(company_id),
                Some(user_id),
                Some(kind),
                Some(hours_per_week),
                Some(start_on),
                Some(status),
            ) if errors.is_empty() => Ok(PlacementInput {
                company_id,
                user_id,
                kind,
                citizen_ref,
                hours_per_week,
                start_on,
                end_on,
                status,
                result,
                campaign_id,
                note,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = placements, treat_none_as_null = true)]
struct PlacementValues<'a> {
    user_id: i64,
    kind: PlacementKind,
    citizen_ref: &'a str,
    hours_per_week: f64,
    start_on: NaiveDate,
    end_on: Option<NaiveDate>,
    status: PlacementStatus,
    result: Option<PlacementResult>,
    campaign_id: Option<i64>,
    note: &'a str,
    updated_at: NaiveDateTime,
}

impl PlacementInput {
    fn values(&self, now: NaiveDateTime) -> PlacementValues<'_> {
        PlacementValues {
            user_id: self.user_id,
            kind: self.kind,
            citizen_ref: &self.citizen_ref,
            hours_per_week: self.hours_per_week,
            start_on: self.start_on,
            end_on: self.end_on,
            status: self.status,
            result: self.result,
            campaign_id: self.campaign_id,
            note: &self.note,
            updated_at: now,
        }
    }

    /// A placement that came of a campaign makes its company an agreement on the list.
    fn progress_campaign(
        &self,
        c: &mut DbConn,
        jobcenter_id: i64,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        match self.campaign_id {
            Some(campaign_id) if self.status != PlacementStatus::Cancelled => {
                CampaignTarget::progress_from_placement(
                    c,
                    jobcenter_id,
                    campaign_id,
                    self.company_id,
                    self.start_on,
                    now,
                )
            }
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PlacementRow {
    pub placement: Placement,
    pub company_name: String,
    pub user_name: String,
}

/// A placement in the list on its campaign's page.
pub struct CampaignPlacement {
    pub company_id: i64,
    pub company_name: String,
    pub kind: PlacementKind,
    pub start_on: NaiveDate,
    pub status: PlacementStatus,
    pub user_name: String,
}

#[derive(Debug, Clone, Default)]
pub struct PlacementQuery {
    pub company_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub user_id: Option<i64>,
    pub kind: Option<PlacementKind>,
    pub status: Option<PlacementStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Counts per kind for the top of the placement list.
#[derive(Debug, Clone)]
pub struct KindCount {
    pub kind: PlacementKind,
    pub active_now: i64,
    pub started_this_year: i64,
}

impl Placement {
    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Placement> {
        placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::id.eq(id))
            .select(Placement::as_select())
            .first(c)
    }

    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &PlacementInput,
        now: NaiveDateTime,
    ) -> Result<Placement, WriteError> {
        write_tx(c, |c| {
            Company::find(c, jobcenter_id, input.company_id)?;
            User::require_active_consultant(c, jobcenter_id, input.user_id, None)?;
            let id: i64 = diesel::insert_into(placements::table)
                .values((
                    input.values(now),
                    placements::jobcenter_id.eq(jobcenter_id),
                    placements::company_id.eq(input.company_id),
                    placements::created_at.eq(now),
                    placements::version.eq(1),
                ))
                .returning(placements::id)
                .get_result(c)?;
            input.progress_campaign(c, jobcenter_id, now)?;
            let what = ("placement", "placements", id);
            super::webhook::emit(c, jobcenter_id, "placement.created", what, now)?;
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        expected_version: i32,
        input: &PlacementInput,
        now: NaiveDateTime,
    ) -> Result<Placement, WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, id)?;
            if current.version != expected_version {
                return Err(WriteError::Stale);
            }
            User::require_active_consultant(c, jobcenter_id, input.user_id, Some(current.user_id))?;
            diesel::update(
                placements::table
                    .filter(placements::id.eq(id))
                    .filter(placements::version.eq(expected_version)),
            )
            .set((
                input.values(now),
                placements::version.eq(expected_version + 1),
            ))
            .execute(c)?;
            input.progress_campaign(c, jobcenter_id, now)?;
            let over = |s: PlacementStatus| {
                matches!(s, PlacementStatus::Ended | PlacementStatus::Cancelled)
            };
            if over(input.status) && !over(current.status) {
                let what = ("placement", "placements", id);
                super::webhook::emit(c, jobcenter_id, "placement.ended", what, now)?;
            }
            Ok(Self::find(c, jobcenter_id, id)?)
        })
    }

    pub fn list(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &PlacementQuery,
        after: Option<(NaiveDate, i64)>,
        limit: i64,
    ) -> QueryResult<Vec<PlacementRow>> {
        let rows = {
            // The consultant's name comes with the row (a LEFT JOIN cannot lead the walk).
            let mut q = placements::table
                .inner_join(companies::table)
                .left_join(users::table.on(users::id.eq(placements::user_id)))
                .filter(placements::jobcenter_id.eq(jobcenter_id))
                .into_boxed();
            if let Some(v) = query.company_id {
                q = q.filter(placements::company_id.eq(v));
            }
            if let Some(v) = query.campaign_id {
                q = q.filter(placements::campaign_id.eq(v));
            }
            if let Some(v) = query.user_id {
                q = q.filter(placements::user_id.eq(v));
            }
            if let Some(v) = query.kind {
                q = q.filter(placements::kind.eq(v));
            }
            if let Some(v) = query.status {
                q = q.filter(placements::status.eq(v));
            }
            if let Some(v) = query.from {
                q = q.filter(placements::start_on.ge(v));
            }
            if let Some(v) = query.to {
                q = q.filter(placements::start_on.le(v));
            }
            if let Some((d, id)) = after {
                q = q.filter(
                    placements::start_on
                        .lt(d)
                        .or(placements::start_on.eq(d).and(placements::id.lt(id))),
                );
            }
            q.order((placements::start_on.desc(), placements::id.desc()))
                .limit(limit)
                .select((
                    Placement::as_select(),
                    companies::name,
                    users::name.nullable(),
                ))
                .load::<(Placement, String, Option<String>)>(c)
        }?;
        Ok(rows
            .into_iter()
            .map(|(p, company_name, user_name)| PlacementRow {
                company_name,
                user_name: user_name.unwrap_or_default(),
                placement: p,
            })
            .collect())
    }

    /// The newest placements of a campaign as its page lists them: kind, company, start, status
    /// and consultant (one statement, read from the campaign's index).
    pub fn newest_of_campaign(
        c: &mut DbConn,
        jobcenter_id: i64,
        campaign_id: i64,
        limit: i64,
    ) -> QueryResult<Vec<CampaignPlacement>> {
        use crate::db::schema::users;
        type Row = (
            i64,
            String,
            PlacementKind,
            NaiveDate,
            PlacementStatus,
            String,
        );
        let rows: Vec<Row> = placements::table
            .inner_join(companies::table)
            .inner_join(users::table.on(users::id.eq(placements::user_id)))
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::campaign_id.eq(campaign_id))
            .order((placements::start_on.desc(), placements::id.desc()))
            .limit(limit)
            .select((
                placements::company_id,
                companies::name,
                placements::kind,
                placements::start_on,
                placements::status,
                users::name,
            ))
            .load(c)?;
        Ok(rows
            .into_iter()
            .map(
                |(company_id, company_name, kind, start_on, status, user_name)| CampaignPlacement {
                    company_id,
                    company_name,
                    kind,
                    start_on,
                    status,
                    user_name,
                },
            )
            .collect())
    }

    /// Per kind: placements running today (planned or active, started, not ended) and placements
    /// started this year (not cancelled).
    pub fn counts(
        c: &mut DbConn,
        jobcenter_id: i64,
        today: NaiveDate,
    ) -> QueryResult<Vec<KindCount>> {
        let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let active: HashMap<PlacementKind, i64> = placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(
                placements::status
                    .eq(PlacementStatus::Planned)
                    .or(placements::status.eq(PlacementStatus::Active)),
            )
            .filter(placements::start_on.le(today))
            .filter(
                placements::end_on
                    .is_null()
                    .or(placements::end_on.ge(today)),
            )
            .group_by(placements::kind)
            .select((placements::kind, count_star()))
            .load::<(PlacementKind, i64)>(c)?
            .into_iter()
            .collect();
        let started: HashMap<PlacementKind, i64> = placements::table
            .filter(placements::jobcenter_id.eq(jobcenter_id))
            .filter(placements::status.ne(PlacementStatus::Cancelled))
            .filter(placements::start_on.ge(year_start))
            .filter(placements::start_on.le(today))
            .group_by(placements::kind)
            .select((placements::kind, count_star()))
            .load::<(PlacementKind, i64)>(c)?
            .into_iter()
            .collect();
        Ok(PlacementKind::ALL
            .iter()
            .map(|k| KindCount {
                kind: *k,
                active_now: active.get(k).copied().unwrap_or(0),
                started_this_year: started.get(k).copied().unwrap_or(0),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_references_pass_and_names_and_cpr_numbers_do_not() {
        for ok in ["SAG-2026-004512", "27.10.08-P20-1-26", "2026/1234", "A1"] {
            assert!(check_citizen_ref(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Jens Hansen",
            "Jens",
            "010190-1234",
            "0101901234",
            "SAG 2026 1",
        ] {
            assert!(check_citizen_ref(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hours_are_shown_with_a_decimal_comma() {
        assert_eq!(format_hours(12.5), "12,5");
        assert_eq!(format_hours(10.0), "10");
        assert_eq!(format_hours(0.25), "0,25");
    }
}
