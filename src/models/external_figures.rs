//! Figures the CRM cannot count, kept beside its own: the ministry's benchmark (expected and
//! actual persons on public support, the difference and the national rank) per year or
//! half-year, and Dansk Industri's "Lokal Erhvervsvenlighed" ranks per year.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::{FieldErrors, WriteError};
use crate::db::DbConn;
use crate::db::schema::{benchmark_figures, di_rankings};
use crate::domain::cpr_guard;
use crate::domain::csv_io::{self, Table, parse_grouped_number};
use crate::domain::periods::{Period, Unit};

/// Ranks run over the country's municipalities.
pub const MAX_RANK: i32 = 98;
pub const NOTE_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = benchmark_figures)]
pub struct BenchmarkFigure {
    pub id: i64,
    pub jobcenter_id: i64,
    pub period: String,
    pub measured: bool,
    pub expected: Option<f64>,
    pub actual: Option<f64>,
    pub difference: Option<f64>,
    pub rank: Option<i32>,
    pub note: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BenchmarkFigure {
    pub fn period(&self) -> Option<Period> {
        Period::parse_param(&self.period)
    }

    /// "2023" or "1. halvår 2023".
    pub fn period_label(&self) -> String {
        self.period()
            .map_or_else(|| self.period.clone(), |p| p.label())
    }

    /// The year the figure belongs to.
    pub fn year(&self) -> Option<i32> {
        self.period().map(|p| p.first.year())
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = di_rankings)]
pub struct DiRanking {
    pub id: i64,
    pub jobcenter_id: i64,
    pub year: i32,
    pub overall_rank: Option<i32>,
    pub workforce_rank: Option<i32>,
    pub cooperation_rank: Option<i32>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A benchmark figure as entered (one form, or one line of an import).
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkInput {
    pub period: Period,
    pub measured: bool,
    pub expected: Option<f64>,
    pub actual: Option<f64>,
    pub difference: Option<f64>,
    pub rank: Option<i32>,
    pub note: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BenchmarkForm {
    pub period: String,
    /// "on" when the period was not measured.
    pub not_measured: String,
    pub expected: String,
    pub actual: String,
    pub difference: String,
    pub rank: String,
    pub note: String,
    pub version: String,
}

fn format_number(v: Option<f64>) -> String {
    v.map(crate::models::placement::format_hours)
        .unwrap_or_default()
}

fn parse_rank(s: &str) -> Result<Option<i32>, String> {
    match s.trim() {
        "" => Ok(None),
        v => v
            .parse::<i32>()
            .ok()
            .filter(|r| (1..=MAX_RANK).contains(r))
            .map(Some)
            .ok_or_else(|| format!("Placeringen skal være et helt tal fra 1 til {MAX_RANK}.")),
    }
}

impl BenchmarkForm {
    pub fn from_figure(f: &BenchmarkFigure) -> BenchmarkForm {
        BenchmarkForm {
            period: f.period_label(),
            not_measured: if f.measured { "" } else { "on" }.into(),
            expected: format_number(f.expected),
            actual: format_number(f.actual),
            difference: format_number(f.difference),
            rank: f.rank.map(|r| r.to_string()).unwrap_or_default(),
            note: f.note.clone(),
            version: f.version.to_string(),
        }
    }

    pub fn validate(&self) -> Result<BenchmarkInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let period = Period::parse_year_or_half(&self.period);
        if period.is_none() {
            errors.insert(
                "period",
                "Skriv et år (fx 2023) eller et halvår (fx 1. halvår 2023).".into(),
            );
        }
        let measured = self.not_measured.trim().is_empty();
        let mut number =
            |field: &'static str, label: &str, value: &str, required: bool| match value.trim() {
                "" if required => {
                    errors.insert(field, format!("Skriv {label}."));
                    None
                }
                "" => None,
                v => parse_grouped_number(v).or_else(|| {
                    errors.insert(
                        field,
                        format!(
                            "{} skal være et tal, fx 2.370 eller -80.",
                            capitalised(label)
                        ),
                    );
                    None
                }),
            };
        let expected = number("expected", "det forventede antal", &self.expected, measured);
        let actual = number("actual", "det faktiske antal", &self.actual, measured);
        let difference = number("difference", "forskellen", &self.difference, false);
        let rank = parse_rank(&self.rank).unwrap_or_else(|msg| {
            errors.insert("rank", msg);
            None
        });
        let note = self.note.trim().to_string();
        if note.chars().count() > NOTE_MAX {
            errors.insert("note", format!("Noten må højst være {NOTE_MAX} tegn."));
        } else if let Err(msg) = cpr_guard::check_free_text(&note) {
            errors.insert("note", msg.to_string());
        }
        match period {
            Some(period) if errors.is_empty() => Ok(BenchmarkInput::new(
                period, measured, expected, actual, difference, rank, note,
            )),
            _ => Err(errors),
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl BenchmarkInput {
    /// A period not measured keeps no numbers; a missing difference is actual − expected.
    fn new(
        period: Period,
        measured: bool,
        expected: Option<f64>,
        actual: Option<f64>,
        difference: Option<f64>,
        rank: Option<i32>,
        note: String,
    ) -> BenchmarkInput {
        if !measured {
            return BenchmarkInput {
                period,
                measured,
                expected: None,
                actual: None,
                difference: None,
                rank: None,
                note: if note.is_empty() {
                    "Ikke opgjort".into()
                } else {
                    note
                },
            };
        }
        let difference = difference.or(match (expected, actual) {
            (Some(e), Some(a)) => Some(a - e),
            _ => None,
        });
        BenchmarkInput {
            period,
            measured,
            expected,
            actual,
            difference,
            rank,
            note,
        }
    }
}

/// What an import found: the figures to save, or every bad line.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportCheck {
    Good(Vec<BenchmarkInput>),
    Bad(Vec<String>),
}

/// Which column holds what, from the heading or, without one, in the order
/// period; expected; actual; difference; rank.
#[derive(Debug, Clone, Copy)]
struct Columns {
    period: usize,
    expected: Option<usize>,
    actual: Option<usize>,
    difference: Option<usize>,
    rank: Option<usize>,
}

impl Columns {
    const IN_ORDER: Columns = Columns {
        period: 0,
        expected: Some(1),
        actual: Some(2),
        difference: Some(3),
        rank: Some(4),
    };

    fn from_headers(headers: &[String]) -> Option<Columns> {
        let keys: Vec<String> = headers
            .iter()
            .map(|h| csv_io::normalize_header(h))
            .collect();
        let find = |words: &[&str]| {
            keys.iter()
                .position(|k| words.iter().any(|w| k.starts_with(w)))
        };
        Some(Columns {
            period: find(&["aar", "periode", "halvaar", "year"])?,
            expected: find(&["forventet", "expected"]),
            actual: find(&["faktisk", "actual"]),
            difference: find(&["forskel", "difference", "afvigelse"]),
            rank: find(&["placering", "rang", "rank", "plads"]),
        })
    }
}

/// Checks a benchmark table as Danish Excel saves it (`;`, thousands dots, minus signs). A
/// line with a period and only words ("2019;Ikke opgjort pga. corona") is a period not
/// measured. Nothing is saved unless every line is good.
pub fn check_import(bytes: &[u8]) -> ImportCheck {
    let table: Table = match csv_io::read_table(bytes) {
        Ok(t) => t,
        Err(msg) => return ImportCheck::Bad(vec![msg.to_string()]),
    };
    // A table without a heading starts with a period: that row is data.
    let (columns, mut rows) = match Period::parse_year_or_half(&table.headers[0]) {
        Some(_) => (
            Columns::IN_ORDER,
            vec![csv_io::Row {
                line: table
                    .rows
                    .first()
                    .map_or(1, |r| r.line.saturating_sub(1))
                    .max(1),
                fields: table.headers.clone(),
            }],
        ),
        None => match Columns::from_headers(&table.headers) {
            Some(c) => (c, Vec::new()),
            None => {
                return ImportCheck::Bad(vec![
                    "Linje 1: Der mangler en kolonne med år eller halvår (fx \"År\").".into(),
                ]);
            }
        },
    };
    rows.extend(table.rows);
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut seen = HashSet::new();
    for row in &rows {
        let cell = |i: Option<usize>| i.and_then(|i| row.fields.get(i)).map_or("", |s| s.as_str());
        let words: Vec<&str> = row
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                *i != columns.period && !f.is_empty() && parse_grouped_number(f).is_none()
            })
            .map(|(_, f)| f.as_str())
            .collect();
        let numbers = row
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| *i != columns.period && parse_grouped_number(f).is_some())
            .count();
        let form = if numbers == 0 && words.len() == 1 {
            BenchmarkForm {
                period: cell(Some(columns.period)).into(),
                not_measured: "on".into(),
                note: words[0].into(),
                ..Default::default()
            }
        } else {
            BenchmarkForm {
                period: cell(Some(columns.period)).into(),
                expected: cell(columns.expected).into(),
                actual: cell(columns.actual).into(),
                difference: cell(columns.difference).into(),
                rank: cell(columns.rank).into(),
                ..Default::default()
            }
        };
        match form.validate() {
            Ok(input) if !seen.insert(input.period.param()) => bad.push(format!(
                "Linje {}: {} står der mere end én gang.",
                row.line,
                input.period.label()
            )),
            Ok(input) => good.push(input),
            Err(errors) => {
                for message in errors.values() {
                    bad.push(format!("Linje {}: {message}", row.line));
                }
            }
        }
    }
    if good.is_empty() && bad.is_empty() {
        bad.push("Filen indeholder ingen tal.".into());
    }
    if bad.is_empty() {
        ImportCheck::Good(good)
    } else {
        ImportCheck::Bad(bad)
    }
}

impl BenchmarkFigure {
    pub fn list(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<BenchmarkFigure>> {
        let mut all: Vec<BenchmarkFigure> = benchmark_figures::table
            .filter(benchmark_figures::jobcenter_id.eq(jobcenter_id))
            .select(BenchmarkFigure::as_select())
            .load(c)?;
        all.sort_by_key(|f| f.period().map(|p| (p.first, p.unit == Unit::Year)));
        Ok(all)
    }

    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<BenchmarkFigure> {
        benchmark_figures::table
            .filter(benchmark_figures::jobcenter_id.eq(jobcenter_id))
            .filter(benchmark_figures::id.eq(id))
            .select(BenchmarkFigure::as_select())
            .first(c)
    }

    fn find_period(
        c: &mut DbConn,
        jobcenter_id: i64,
        period: &Period,
    ) -> QueryResult<Option<BenchmarkFigure>> {
        benchmark_figures::table
            .filter(benchmark_figures::jobcenter_id.eq(jobcenter_id))
            .filter(benchmark_figures::period.eq(period.param()))
            .select(BenchmarkFigure::as_select())
            .first(c)
            .optional()
    }

    /// A new figure; a period that has one already is refused with a link to it.
    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &BenchmarkInput,
        now: NaiveDateTime,
    ) -> Result<BenchmarkFigure, WriteError> {
        if let Some(existing) = Self::find_period(c, jobcenter_id, &input.period)? {
            return Err(WriteError::Duplicate {
                existing: existing.id,
                errors: FieldErrors::from([(
                    "period",
                    format!("Der er allerede tal for {}.", input.period.label()),
                )]),
            });
        }
        let id: i64 = diesel::insert_into(benchmark_figures::table)
            .values((
                benchmark_figures::jobcenter_id.eq(jobcenter_id),
                benchmark_figures::period.eq(input.period.param()),
                benchmark_figures::measured.eq(input.measured),
                benchmark_figures::expected.eq(input.expected),
                benchmark_figures::actual.eq(input.actual),
                benchmark_figures::difference.eq(input.difference),
                benchmark_figures::rank.eq(input.rank),
                benchmark_figures::note.eq(&input.note),
                benchmark_figures::version.eq(1),
                benchmark_figures::created_at.eq(now),
                benchmark_figures::updated_at.eq(now),
            ))
            .returning(benchmark_figures::id)
            .get_result(c)?;
        Ok(Self::find(c, jobcenter_id, id)?)
    }

    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        version: i32,
        input: &BenchmarkInput,
        now: NaiveDateTime,
    ) -> Result<BenchmarkFigure, WriteError> {
        Self::find(c, jobcenter_id, id)?;
        if let Some(other) =
            Self::find_period(c, jobcenter_id, &input.period)?.filter(|f| f.id != id)
        {
            return Err(WriteError::Duplicate {
                existing: other.id,
                errors: FieldErrors::from([(
                    "period",
                    format!("Der er allerede tal for {}.", input.period.label()),
                )]),
            });
        }
        let saved = diesel::update(
            benchmark_figures::table
                .filter(benchmark_figures::jobcenter_id.eq(jobcenter_id))
                .filter(benchmark_figures::id.eq(id))
                .filter(benchmark_figures::version.eq(version)),
        )
        .set((
            benchmark_figures::period.eq(input.period.param()),
            benchmark_figures::measured.eq(input.measured),
            benchmark_figures::expected.eq(input.expected),
            benchmark_figures::actual.eq(input.actual),
            benchmark_figures::difference.eq(input.difference),
            benchmark_figures::rank.eq(input.rank),
            benchmark_figures::note.eq(&input.note),
            benchmark_figures::version.eq(version + 1),
            benchmark_figures::updated_at.eq(now),
        ))
        .execute(c)?;
        if saved == 0 {
            return Err(WriteError::Stale);
        }
        Ok(Self::find(c, jobcenter_id, id)?)
    }

    /// Saves an import: a period with figures already is overwritten. The number saved.
    pub fn import(
        c: &mut DbConn,
        jobcenter_id: i64,
        inputs: &[BenchmarkInput],
        now: NaiveDateTime,
    ) -> Result<usize, WriteError> {
        for input in inputs {
            match Self::find_period(c, jobcenter_id, &input.period)? {
                Some(existing) => {
                    Self::update(c, jobcenter_id, existing.id, existing.version, input, now)?;
                }
                None => {
                    Self::create(c, jobcenter_id, input, now)?;
                }
            }
        }
        Ok(inputs.len())
    }

    pub fn delete(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
    ) -> Result<BenchmarkFigure, WriteError> {
        let f = Self::find(c, jobcenter_id, id)?;
        diesel::delete(benchmark_figures::table.filter(benchmark_figures::id.eq(f.id)))
            .execute(c)?;
        Ok(f)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiInput {
    pub year: i32,
    pub overall_rank: Option<i32>,
    pub workforce_rank: Option<i32>,
    pub cooperation_rank: Option<i32>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct DiForm {
    pub year: String,
    pub overall_rank: String,
    pub workforce_rank: String,
    pub cooperation_rank: String,
    pub version: String,
}

impl DiForm {
    pub fn from_ranking(r: &DiRanking) -> DiForm {
        let s = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
        DiForm {
            year: r.year.to_string(),
            overall_rank: s(r.overall_rank),
            workforce_rank: s(r.workforce_rank),
            cooperation_rank: s(r.cooperation_rank),
            version: r.version.to_string(),
        }
    }

    pub fn validate(&self) -> Result<DiInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let year = self
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            errors.insert("year", "Skriv året som fire cifre, fx 2024.".into());
        }
        let mut rank = |field: &'static str, value: &str| {
            parse_rank(value).unwrap_or_else(|msg| {
                errors.insert(field, msg);
                None
            })
        };
        let overall_rank = rank("overall_rank", &self.overall_rank);
        let workforce_rank = rank("workforce_rank", &self.workforce_rank);
        let cooperation_rank = rank("cooperation_rank", &self.cooperation_rank);
        if errors.is_empty()
            && overall_rank.is_none()
            && workforce_rank.is_none()
            && cooperation_rank.is_none()
        {
            errors.insert("overall_rank", "Skriv mindst én placering.".into());
        }
        match year {
            Some(year) if errors.is_empty() => Ok(DiInput {
                year,
                overall_rank,
                workforce_rank,
                cooperation_rank,
            }),
            _ => Err(errors),
        }
    }
}

impl DiRanking {
    pub fn list(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Vec<DiRanking>> {
        di_rankings::table
            .filter(di_rankings::jobcenter_id.eq(jobcenter_id))
            .order(di_rankings::year)
            .select(DiRanking::as_select())
            .load(c)
    }

    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<DiRanking> {
        di_rankings::table
            .filter(di_rankings::jobcenter_id.eq(jobcenter_id))
            .filter(di_rankings::id.eq(id))
            .select(DiRanking::as_select())
            .first(c)
    }

    fn duplicate(c: &mut DbConn, jobcenter_id: i64, year: i32, not: i64) -> Result<(), WriteError> {
        let other = di_rankings::table
            .filter(di_rankings::jobcenter_id.eq(jobcenter_id))
            .filter(di_rankings::year.eq(year))
            .filter(di_rankings::id.ne(not))
            .select(di_rankings::id)
            .first::<i64>(c)
            .optional()?;
        match other {
            Some(existing) => Err(WriteError::Duplicate {
                existing,
                errors: FieldErrors::from([(
                    "year",
                    format!("Der er allerede placeringer for {year}."),
                )]),
            }),
            None => Ok(()),
        }
    }

    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &DiInput,
        now: NaiveDateTime,
    ) -> Result<DiRanking, WriteError> {
        Self::duplicate(c, jobcenter_id, input.year, 0)?;
        let id: i64 = diesel::insert_into(di_rankings::table)
            .values((
                di_rankings::jobcenter_id.eq(jobcenter_id),
                di_rankings::year.eq(input.year),
                di_rankings::overall_rank.eq(input.overall_rank),
                di_rankings::workforce_rank.eq(input.workforce_rank),
                di_rankings::cooperation_rank.eq(input.cooperation_rank),
                di_rankings::version.eq(1),
                di_rankings::created_at.eq(now),
                di_rankings::updated_at.eq(now),
            ))
            .returning(di_rankings::id)
            .get_result(c)?;
        Ok(Self::find(c, jobcenter_id, id)?)
    }

    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        version: i32,
        input: &DiInput,
        now: NaiveDateTime,
    ) -> Result<DiRanking, WriteError> {
        Self::find(c, jobcenter_id, id)?;
        Self::duplicate(c, jobcenter_id, input.year, id)?;
        let saved = diesel::update(
            di_rankings::table
                .filter(di_rankings::jobcenter_id.eq(jobcenter_id))
                .filter(di_rankings::id.eq(id))
                .filter(di_rankings::version.eq(version)),
        )
        .set((
            di_rankings::year.eq(input.year),
            di_rankings::overall_rank.eq(input.overall_rank),
            di_rankings::workforce_rank.eq(input.workforce_rank),
            di_rankings::cooperation_rank.eq(input.cooperation_rank),
            di_rankings::version.eq(version + 1),
            di_rankings::updated_at.eq(now),
        ))
        .execute(c)?;
        if saved == 0 {
            return Err(WriteError::Stale);
        }
        Ok(Self::find(c, jobcenter_id, id)?)
    }

    pub fn delete(c: &mut DbConn, jobcenter_id: i64, id: i64) -> Result<DiRanking, WriteError> {
        let r = Self::find(c, jobcenter_id, id)?;
        diesel::delete(di_rankings::table.filter(di_rankings::id.eq(r.id))).execute(c)?;
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The benchmark table of a jobcenter's press release (2017–2023, rank 69 → 10), as
    /// Danish Excel saves it: BOM, `;`, thousands dots, a minus sign and 2019 not measured.
    const PRESS_RELEASE: &[u8] = include_bytes!("../../tests/fixtures/benchmark_press_release.csv");

    #[test]
    fn the_press_release_table_imports_with_2019_not_measured() {
        let ImportCheck::Good(rows) = check_import(PRESS_RELEASE) else {
            panic!("the table should import");
        };
        assert_eq!(rows.len(), 7);
        assert_eq!(rows[0].expected, Some(2370.0));
        assert_eq!(rows[0].rank, Some(69));
        assert!(!rows[2].measured);
        assert_eq!(rows[2].note, "Ikke opgjort pga. corona");
        assert_eq!(rows[3].difference, Some(-42.0));
        assert_eq!(rows[6].rank, Some(10));
    }

    #[test]
    fn every_bad_line_is_reported_and_nothing_is_good() {
        let text = "År;Forventet;Faktisk;Forskel;Placering\n2017;2.3x0;2.455;85;69\n2018;2.310;2.351;41;120\n1. halvår 2019;1.000;1.010;;40\n";
        let ImportCheck::Bad(lines) = check_import(text.as_bytes()) else {
            panic!("bad lines should be reported");
        };
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("Linje 2:") && lines[0].contains("tal"));
        assert!(lines[1].starts_with("Linje 3:") && lines[1].contains("98"));
    }

    #[test]
    fn a_table_without_a_heading_is_read_in_order() {
        let ImportCheck::Good(rows) =
            check_import(b"2022;2.215;2.120;-95;14\n2023;2.180;2.062;;10\n")
        else {
            panic!("should import");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1].difference,
            Some(-118.0),
            "computed as actual - expected"
        );
    }
}
