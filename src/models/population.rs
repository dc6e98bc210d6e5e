//! The municipality's whole company population: the CVR register's production units
//! (P-enheder) from an extract, as the CVR's own downloads and the usual extract services write
//! it, kept apart from the register of companies the jobcenter works with.
//!
//! An import reads the whole extract: a unit is known by its P-number, so importing again
//! updates it and never makes a second one; a unit with an end date has ceased; a unit the
//! newest import did not list has left the extract. The rows go in in batches of
//! [`BATCH`], each its own short write transaction, so a large municipality's 60,000 units
//! never hold the database's write lock long enough to keep other jobcenters waiting.
//!
//! A unit is in the register when a company has its P-number, or its CVR number and no
//! P-number. The cooperation rate's base is the units of the newest import that have not
//! ceased and have at least one employee, counted once when the import finishes.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::company::{CompanyForm, CompanyStatus, EmployeeBand};
use super::company_import::RowError;
use crate::db::schema::{companies, population_imports, population_units};
use crate::db::{DbConn, on_backend, write_tx};
use crate::domain::csv_io::{self, Table};
use crate::domain::{cvr, dates, text};

/// Units written per write transaction.
pub const BATCH: usize = 500;
/// Units in one extract: more than the largest municipality has.
pub const MAX_ROWS: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    PNumber,
    Cvr,
    Name,
    Address,
    Postcode,
    City,
    IndustryCode,
    IndustryText,
    Employees,
    Started,
    Ended,
    Protected,
}

/// The columns, as the page lists them.
pub const HEADERS: [&str; 12] = [
    "P-nummer",
    "CVR-nummer",
    "Navn",
    "Adresse",
    "Postnummer",
    "By",
    "Branchekode",
    "Branchetekst",
    "Antal ansatte",
    "Startdato",
    "Ophørsdato",
    "Reklamebeskyttet",
];

/// Header names as the CVR's downloads, extract services and people write them, after
/// `csv_io::normalize_header`.
fn column_for(header: &str) -> Option<Column> {
    Some(match csv_io::normalize_header(header).as_str() {
        "pnr"
        | "pnummer"
        | "pnumber"
        | "pno"
        | "penhed"
        | "produktionsenhed"
        | "produktionsenhedsnummer"
        | "pnrnummer" => Column::PNumber,
        "cvr" | "cvrnr" | "cvrnummer" | "cvrno" | "cvrnumber" => Column::Cvr,
        "navn"
        | "name"
        | "penhedensnavn"
        | "produktionsenhedensnavn"
        | "virksomhedsnavn"
        | "firmanavn" => Column::Name,
        "adresse" | "address" | "beliggenhedsadresse" | "vejadresse" => Column::Address,
        "postnr" | "postnummer" | "postcode" | "zip" => Column::Postcode,
        "by" | "postdistrikt" | "bynavn" | "city" => Column::City,
        "branchekode" | "db07" | "db07kode" | "hovedbranchekode" | "hovedbranche"
        | "industrycode" => Column::IndustryCode,
        "branchetekst" | "branche" | "hovedbranchetekst" | "industry" => Column::IndustryText,
        "antalansatte"
        | "ansatte"
        | "ansatteinterval"
        | "antalansatteinterval"
        | "aarsbeskaeftigelseinterval"
        | "beskaeftigelse"
        | "employees" => Column::Employees,
        "startdato" | "start" | "stiftet" | "startdate" => Column::Started,
        "ophoersdato" | "ophoer" | "slutdato" | "enddate" => Column::Ended,
        "reklamebeskyttet" | "reklamebeskyttelse" | "advertisingprotection" => Column::Protected,
        _ => return None,
    })
}

fn header_of(column: Column) -> &'static str {
    let i = [
        Column::PNumber,
        Column::Cvr,
        Column::Name,
        Column::Address,
        Column::Postcode,
        Column::City,
        Column::IndustryCode,
        Column::IndustryText,
        Column::Employees,
        Column::Started,
        Column::Ended,
        Column::Protected,
    ]
    .iter()
    .position(|c| *c == column)
    .unwrap_or(0);
    HEADERS[i]
}

/// The CVR's employee interval: its label as the pages show it ("10–19", "1.000 eller flere")
/// and its bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub label: String,
    pub min: i32,
    pub max: Option<i32>,
}

impl Band {
    fn new(min: i32, max: Option<i32>) -> Band {
        let label = match max {
            Some(max) if max == min => min.to_string(),
            Some(max) => format!(
                "{}–{}",
                text::thousands(min.into()),
                text::thousands(max.into())
            ),
            None => format!("{} eller flere", text::thousands(min.into())),
        };
        Band { label, min, max }
    }

    /// Reads "10-19", "10 – 19 ansatte", "ANTAL_10_19", "1000+", "1.000-999.999", "0" and a
    /// head count such as "12" (a band of one number). `Ok(None)` when the cell is empty.
    pub fn parse(s: &str) -> Result<Option<Band>, &'static str> {
        const MSG: &str = "Antal ansatte skal være et interval som 10-19 eller et tal.";
        let lowered = s.trim().to_lowercase();
        let s = lowered
            .trim_start_matches("antal_")
            .trim_end_matches("ansatte")
            .trim();
        if s.is_empty() || s == "-" {
            return Ok(None);
        }
        if s == "ingen" {
            return Ok(Some(Band::new(0, Some(0))));
        }
        let number = |t: &str| -> Option<i32> {
            let digits: String = t.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        // "1000+", and the label this type writes itself: "1.000 eller flere".
        let open = s
            .strip_suffix('+')
            .or_else(|| s.strip_suffix("eller flere"));
        if let Some(min) = open.map(str::trim) {
            return number(min).map(|m| Some(Band::new(m, None))).ok_or(MSG);
        }
        let parts: Vec<&str> = s.split(['-', '–', '_']).map(str::trim).collect();
        match parts.as_slice() {
            [one] => number(one).map(|n| Some(Band::new(n, Some(n)))).ok_or(MSG),
            [lo, hi] => match (number(lo), number(hi)) {
                // The CVR's top interval is written 1000-999999.
                (Some(lo), Some(hi)) if hi >= 999_999 => Ok(Some(Band::new(lo, None))),
                (Some(lo), Some(hi)) if lo <= hi => Ok(Some(Band::new(lo, Some(hi)))),
                _ => Err(MSG),
            },
            _ => Err(MSG),
        }
    }

    /// The register's band the whole interval falls in, if it falls in one.
    pub fn register_band(&self) -> Option<EmployeeBand> {
        let lo = EmployeeBand::of(u32::try_from(self.min).ok()?)?;
        let hi = EmployeeBand::of(u32::try_from(self.max.unwrap_or(i32::MAX)).ok()?)?;
        (lo == hi).then_some(lo)
    }
}

/// "Ja", "J", "x", "1", "true" and "Nej", "N", "0", "false" or empty.
fn parse_yes_no(s: &str) -> Result<bool, &'static str> {
    match s.trim().to_lowercase().as_str() {
        "ja" | "j" | "x" | "1" | "true" | "yes" | "reklamebeskyttet" => Ok(true),
        "" | "nej" | "n" | "0" | "false" | "no" => Ok(false),
        _ => Err("Reklamebeskyttet skal være Ja eller Nej."),
    }
}

/// One production unit as the extract lists it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInput {
    pub p_number: String,
    pub cvr: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub industry_code: String,
    pub industry_text: String,
    pub employees: Option<Band>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub advertising_protected: bool,
}

/// An extract read: its checked units, each with its line, and the lines refused.
#[derive(Debug, Default)]
pub struct Parsed {
    pub units: Vec<UnitInput>,
    pub errors: Vec<RowError>,
}

/// Reads an extract. `Err` when the file as a whole cannot be used (a needed column missing,
/// too many rows); a bad row is refused by its line, and the rest are read.
pub fn parse(table: &Table) -> Result<Parsed, String> {
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (i, header) in table.headers.iter().enumerate() {
        if let Some(col) = column_for(header) {
            columns.entry(col).or_insert(i);
        }
    }
    let missing: Vec<&str> = [Column::PNumber, Column::Cvr, Column::Name]
        .into_iter()
        .filter(|c| !columns.contains_key(c))
        .map(header_of)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "Filen mangler kolonnen {}. Første linje skal have kolonnenavne.",
            missing.join(" og ")
        ));
    }
    if table.rows.len() > MAX_ROWS {
        return Err(format!(
            "Filen har {} linjer; der kan højst være {} i et udtræk.",
            table.rows.len(),
            MAX_ROWS
        ));
    }
    let mut parsed = Parsed::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let get = |col: Column| {
            columns
                .get(&col)
                .and_then(|i| row.fields.get(*i))
                .map_or("", |s| s.as_str())
        };
        // A line of empty cells (Excel leaves them at the end) is no unit.
        if row.fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        match unit_of(&get) {
            Ok(unit) => {
                if let Some(first) = seen.get(&unit.p_number) {
                    parsed.errors.push(RowError {
                        line: row.line,
                        message: format!(
                            "P-nummer {} står også på linje {first}; linjen er sprunget over.",
                            unit.p_number
                        ),
                    });
                } else {
                    seen.insert(unit.p_number.clone(), row.line);
                    parsed.units.push(unit);
                }
            }
            Err(message) => parsed.errors.push(RowError {
                line: row.line,
                message,
            }),
        }
    }
    Ok(parsed)
}

fn unit_of<'a>(get: &dyn Fn(Column) -> &'a str) -> Result<UnitInput, String> {
    let field = |col: Column, msg: &str| format!("{}: {msg}", header_of(col));
    let p_number = match get(Column::PNumber).trim() {
        "" => return Err(field(Column::PNumber, "mangler.")),
        p => cvr::normalize_p_number(p).map_err(|m| field(Column::PNumber, m))?,
    };
    let cvr = cvr::normalize_cvr(get(Column::Cvr)).map_err(|m| field(Column::Cvr, m))?;
    let name = get(Column::Name).trim();
    if name.is_empty() {
        return Err(field(Column::Name, "mangler."));
    }
    let postcode = match get(Column::Postcode).trim() {
        "" => String::new(),
        code => cvr::normalize_postcode(code).map_err(|m| field(Column::Postcode, m))?,
    };
    let industry_code: String = get(Column::IndustryCode)
        .chars()
        .filter(|c| !matches!(c, '.' | ' '))
        .collect();
    // As the company form takes it: 2 to 6 digits of DB07, or none.
    let digits =
        (2..=6).contains(&industry_code.len()) && industry_code.bytes().all(|b| b.is_ascii_digit());
    if !industry_code.is_empty() && !digits {
        return Err(field(
            Column::IndustryCode,
            "Branchekoden skal være 2 til 6 cifre (DB07), fx 561010.",
        ));
    }
    let date = |col: Column| -> Result<Option<NaiveDate>, String> {
        match get(col).trim() {
            "" => Ok(None),
            s => dates::parse_date(s)
                .map(Some)
                .ok_or_else(|| field(col, "skriv datoen som 23-11-2026 eller 2026-11-23.")),
        }
    };
    let employees = Band::parse(get(Column::Employees)).map_err(|m| field(Column::Employees, m))?;
    let protected =
        parse_yes_no(get(Column::Protected)).map_err(|m| field(Column::Protected, m))?;
    Ok(UnitInput {
        p_number,
        cvr,
        name: text::defang(name, 200),
        address: text::defang(get(Column::Address).trim(), 200),
        postcode,
        city: text::defang(get(Column::City).trim(), 100),
        industry_code,
        industry_text: text::defang(get(Column::IndustryText).trim(), 200),
        employees,
        started_on: date(Column::Started)?,
        ended_on: date(Column::Ended)?,
        advertising_protected: protected,
    })
}

/// A production unit as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = population_units)]
pub struct Unit {
    pub id: i64,
    pub jobcenter_id: i64,
    pub p_number: String,
    pub cvr: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub industry_code: String,
    pub industry_text: String,
    pub employees_band: Option<String>,
    pub employees_min: Option<i32>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub advertising_protected: bool,
    pub import_id: i64,
}

#[derive(Insertable, AsChangeset)]
#[diesel(
    table_name = population_units,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct UnitValues<'a> {
    jobcenter_id: i64,
    p_number: &'a str,
    cvr: &'a str,
    name: &'a str,
    name_search: String,
    address: &'a str,
    postcode: &'a str,
    city: &'a str,
    industry_code: &'a str,
    industry_text: &'a str,
    employees_band: Option<&'a str>,
    employees_min: Option<i32>,
    started_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    advertising_protected: bool,
    import_id: i64,
    updated_at: NaiveDateTime,
}

impl UnitInput {
    fn values(&self, jobcenter_id: i64, import_id: i64, now: NaiveDateTime) -> UnitValues<'_> {
        UnitValues {
            jobcenter_id,
            p_number: &self.p_number,
            cvr: &self.cvr,
            name: &self.name,
            name_search: text::sort_key(&self.name),
            address: &self.address,
            postcode: &self.postcode,
            city: &self.city,
            industry_code: &self.industry_code,
            industry_text: &self.industry_text,
            employees_band: self.employees.as_ref().map(|b| b.label.as_str()),
            employees_min: self.employees.as_ref().map(|b| b.min),
            started_on: self.started_on,
            ended_on: self.ended_on,
            advertising_protected: self.advertising_protected,
            import_id,
            updated_at: now,
        }
    }

    /// Whether the stored unit already says all this.
    fn same_as(&self, unit: &Unit) -> bool {
        self.cvr == unit.cvr
            && self.name == unit.name
            && self.address == unit.address
            && self.postcode == unit.postcode
            && self.city == unit.city
            && self.industry_code == unit.industry_code
            && self.industry_text == unit.industry_text
            && self.employees.as_ref().map(|b| b.label.as_str()) == unit.employees_band.as_deref()
            && self.started_on == unit.started_on
            && self.ended_on == unit.ended_on
            && self.advertising_protected == unit.advertising_protected
    }
}

/// One import of an extract, and what it did.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = population_imports)]
pub struct PopulationImport {
    pub id: i64,
    pub jobcenter_id: i64,
    pub user_id: Option<i64>,
    pub file_name: String,
    pub listed: i64,
    pub base: i64,
    pub added: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub ceased: i64,
    pub gone: i64,
    pub refused: i64,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// What the batches of one import did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: i64,
    pub changed: i64,
    pub unchanged: i64,
    /// Units whose end date came with this import.
    pub ceased: i64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.added += other.added;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
        self.ceased += other.ceased;
    }
}

impl PopulationImport {
    /// Starts an import; its units are written by [`PopulationImport::write_batch`].
    pub fn start(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: Option<i64>,
        file_name: &str,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        write_tx(c, |c| {
            diesel::insert_into(population_imports::table)
                .values((
                    population_imports::jobcenter_id.eq(jobcenter_id),
                    population_imports::user_id.eq(user_id),
                    population_imports::file_name.eq(text::defang(file_name, 200)),
                    population_imports::started_at.eq(now),
                ))
                .returning(population_imports::id)
                .get_result(c)
        })
    }

    /// Writes one batch of units (at most [`BATCH`]) in one write transaction: new P-numbers
    /// are added, known ones changed when the extract says something else, and every one
    /// marked as listed by this import.
    pub fn write_batch(
        c: &mut DbConn,
        jobcenter_id: i64,
        import_id: i64,
        units: &[UnitInput],
        now: NaiveDateTime,
    ) -> QueryResult<Counts> {
        write_tx(c, |c| {
            let p_numbers: Vec<&str> = units.iter().map(|u| u.p_number.as_str()).collect();
            let stored: HashMap<String, Unit> = population_units::table
                .filter(population_units::jobcenter_id.eq(jobcenter_id))
                .filter(population_units::p_number.eq_any(&p_numbers))
                .select(Unit::as_select())
                .load(c)?
                .into_iter()
                .map(|u| (u.p_number.clone(), u))
                .collect();
            let mut counts = Counts::default();
            let mut same = Vec::new();
            let mut new = Vec::new();
            for unit in units {
                match stored.get(&unit.p_number) {
                    Some(old) if unit.same_as(old) => same.push(old.id),
                    Some(old) => {
                        diesel::update(population_units::table.find(old.id))
                            .set(unit.values(jobcenter_id, import_id, now))
                            .execute(c)?;
                        counts.changed += 1;
                        if old.ended_on.is_none() && unit.ended_on.is_some() {
                            counts.ceased += 1;
                        }
                    }
                    None => new.push(unit.values(jobcenter_id, import_id, now)),
                }
            }
            counts.unchanged = same.len() as i64;
            counts.added = new.len() as i64;
            if !same.is_empty() {
                diesel::update(population_units::table.filter(population_units::id.eq_any(&same)))
                    .set(population_units::import_id.eq(import_id))
                    .execute(c)?;
            }
            // Within SQLite's and PostgreSQL's limits on bound values per statement.
            for chunk in new.chunks(100) {
                on_backend!(c, |c| diesel::insert_into(population_units::table)
                    .values(chunk)
                    .execute(c))?;
            }
            Ok(counts)
        })
    }

    /// Ends an import whose batches are all in: counts the units it did not list and the
    /// cooperation base, and makes it the newest.
    pub fn finish(
        c: &mut DbConn,
        jobcenter_id: i64,
        import_id: i64,
        counts: Counts,
        refused: i64,
        now: NaiveDateTime,
    ) -> QueryResult<PopulationImport> {
        write_tx(c, |c| {
            let of_jobcenter =
                || population_units::table.filter(population_units::jobcenter_id.eq(jobcenter_id));
            let listed: i64 = of_jobcenter()
                .filter(population_units::import_id.eq(import_id))
                .count()
                .get_result(c)?;
            let base: i64 = of_jobcenter()
                .filter(population_units::import_id.eq(import_id))
                .filter(population_units::ended_on.is_null())
                .filter(population_units::employees_min.ge(1))
                .count()
                .get_result(c)?;
            // Left the extract now: listed by the import before this one, not by this one.
            let before = Self::latest(c, jobcenter_id)?.map_or(0, |i| i.id);
            let gone: i64 = of_jobcenter()
                .filter(population_units::import_id.ge(before))
                .filter(population_units::import_id.lt(import_id))
                .count()
                .get_result(c)?;
            diesel::update(population_imports::table.find(import_id))
                .set((
                    population_imports::listed.eq(listed),
                    population_imports::base.eq(base),
                    population_imports::added.eq(counts.added),
                    population_imports::changed.eq(counts.changed),
                    population_imports::unchanged.eq(counts.unchanged),
                    population_imports::ceased.eq(counts.ceased),
                    population_imports::gone.eq(gone),
                    population_imports::refused.eq(refused),
                    population_imports::finished_at.eq(now),
                ))
                .execute(c)?;
            population_imports::table
                .find(import_id)
                .select(PopulationImport::as_select())
                .first(c)
        })
    }

    /// The whole import on one connection, batch by batch (the command line and the
    /// benchmark; the page hands each batch to the write queue).
    pub fn run(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: Option<i64>,
        file_name: &str,
        parsed: &Parsed,
        now: NaiveDateTime,
    ) -> QueryResult<PopulationImport> {
        let id = Self::start(c, jobcenter_id, user_id, file_name, now)?;
        let mut counts = Counts::default();
        for batch in parsed.units.chunks(BATCH) {
            counts += Self::write_batch(c, jobcenter_id, id, batch, now)?;
        }
        Self::finish(c, jobcenter_id, id, counts, parsed.errors.len() as i64, now)
    }

    /// The newest finished import of the jobcenter.
    pub fn latest(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<Option<PopulationImport>> {
        population_imports::table
            .filter(population_imports::jobcenter_id.eq(jobcenter_id))
            .filter(population_imports::finished_at.is_not_null())
            .order(population_imports::id.desc())
            .select(PopulationImport::as_select())
            .first(c)
            .optional()
    }
}

/// What the list of units not yet in the register is filtered by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The start of the DB07 code: "56" or "561010".
    pub industry: String,
    pub postcode: String,
    /// At least this many employees by the CVR's interval.
    pub employees_at_least: Option<i32>,
    /// Leave out advertising-protected units.
    pub without_protected: bool,
    /// Only units one of these jobcenters (the partners in a cluster) has in its register: the
    /// same CVR number, and the same P-number where the partner knows one. Empty: none.
    pub known_by: Option<Vec<i64>>,
}

/// A page of units not yet in the register, by name; `after` is the last (name key, id) of
/// the page before. Ceased units and units the newest import did not list are left out.
pub fn not_in_register(
    c: &mut DbConn,
    jobcenter_id: i64,
    filter: &Filter,
    after: Option<(String, i64)>,
    limit: i64,
) -> QueryResult<Vec<Unit>> {
    let Some(latest) = PopulationImport::latest(c, jobcenter_id)? else {
        return Ok(Vec::new());
    };
    let by_p_number = companies::table
        .filter(companies::jobcenter_id.eq(population_units::jobcenter_id))
        .filter(companies::p_number.eq(population_units::p_number.nullable()));
    let by_cvr = companies::table
        .filter(companies::jobcenter_id.eq(population_units::jobcenter_id))
        .filter(companies::cvr.eq(population_units::cvr))
        .filter(companies::p_number.is_null());
    let mut q = population_units::table
        .filter(population_units::jobcenter_id.eq(jobcenter_id))
        .filter(population_units::import_id.ge(latest.id))
        .filter(population_units::ended_on.is_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(by_p_number)))
        .filter(diesel::dsl::not(diesel::dsl::exists(by_cvr)))
        .into_boxed();
    if !filter.industry.is_empty() {
        q = q.filter(
            population_units::industry_code
                .like(format!("{}%", text::like_escape(&filter.industry)))
                .escape('\\'),
        );
    }
    if !filter.postcode.is_empty() {
        q = q.filter(population_units::postcode.eq(filter.postcode.clone()));
    }
    if let Some(n) = filter.employees_at_least {
        q = q.filter(population_units::employees_min.ge(n));
    }
    if filter.without_protected {
        q = q.filter(population_units::advertising_protected.eq(false));
    }
    if let Some(partners) = &filter.known_by {
        q = q.filter(diesel::dsl::exists(
            companies::table
                .filter(companies::jobcenter_id.eq_any(partners.clone()))
                .filter(companies::cvr.eq(population_units::cvr))
                .filter(
                    companies::p_number.is_null().or(companies::p_number
                        .eq(population_units::p_number.nullable())
                        .assume_not_null()),
                ),
        ));
    }
    if let Some((name, id)) = after {
        q = q.filter(
            population_units::name_search
                .gt(name.clone())
                .or(population_units::name_search
                    .eq(name)
                    .and(population_units::id.gt(id))),
        );
    }
    q.order((population_units::name_search, population_units::id))
        .limit(limit)
        .select(Unit::as_select())
        .load(c)
}

/// The name key a unit is listed by (the list's cursor).
pub fn name_key(unit: &Unit) -> String {
    text::sort_key(&unit.name)
}

/// What the CVR says about a company of the register: its unit (by P-number, or by CVR
/// number for a company without one) and whether the newest import listed it.
#[derive(Debug, Clone)]
pub struct Official {
    pub unit: Unit,
    pub in_extract: bool,
}

impl Official {
    /// "Ophørt 31-03-2026", or that the newest extract no longer lists it.
    pub fn ceased(&self) -> Option<String> {
        match self.unit.ended_on {
            Some(d) => Some(format!("Ophørt {} ifølge CVR", dates::dk_date(d))),
            None if !self.in_extract => Some("Ikke med i det seneste CVR-udtræk".into()),
            None => None,
        }
    }
}

/// The units of these companies of the register, by company id. One query by the CVR numbers
/// (the list pages ask for a page of companies at a time).
pub fn of_companies(
    c: &mut DbConn,
    jobcenter_id: i64,
    companies: &[(i64, &str, Option<&str>)],
) -> QueryResult<HashMap<i64, Official>> {
    if companies.is_empty() {
        return Ok(HashMap::new());
    }
    match PopulationImport::latest(c, jobcenter_id)? {
        Some(latest) => units_of(c, &latest, companies),
        None => Ok(HashMap::new()),
    }
}

/// `of_companies` once the newest import is known.
fn units_of(
    c: &mut DbConn,
    latest: &PopulationImport,
    companies: &[(i64, &str, Option<&str>)],
) -> QueryResult<HashMap<i64, Official>> {
    let jobcenter_id = latest.jobcenter_id;
    let cvrs: HashSet<&str> = companies.iter().map(|(_, cvr, _)| *cvr).collect();
    let cvrs: Vec<&str> = cvrs.into_iter().collect();
    // Sorted here: ordered by the database, SQLite walks the P-number index through every
    // unit of the jobcenter rather than look the CVR numbers up.
    let mut units: Vec<Unit> = population_units::table
        .filter(population_units::jobcenter_id.eq(jobcenter_id))
        .filter(population_units::cvr.eq_any(&cvrs))
        .select(Unit::as_select())
        .load(c)?;
    units.sort_by(|a, b| a.p_number.cmp(&b.p_number));
    let mut out = HashMap::new();
    for (id, cvr, p_number) in companies {
        let unit = match p_number {
            Some(p) => units.iter().find(|u| u.p_number == *p),
            // Without a P-number: the CVR number's unit that still runs, or its first.
            None => units
                .iter()
                .filter(|u| u.cvr == *cvr)
                .min_by_key(|u| (u.ended_on.is_some() || u.import_id < latest.id, &u.p_number)),
        };
        if let Some(unit) = unit {
            out.insert(
                *id,
                Official {
                    in_extract: unit.import_id >= latest.id,
                    unit: unit.clone(),
                },
            );
        }
    }
    Ok(out)
}

/// Which of these companies of the register are advertising-protected in the CVR (outreach
/// lists show it).
pub fn protected_among(
    c: &mut DbConn,
    jobcenter_id: i64,
    company_ids: &[i64],
) -> QueryResult<HashSet<i64>> {
    let latest = match PopulationImport::latest(c, jobcenter_id)? {
        Some(latest) if !company_ids.is_empty() => latest,
        _ => return Ok(HashSet::new()),
    };
    // By primary key, the jobcenter checked here (see `Company::find_many`).
    let keys: Vec<(i64, i64, String, Option<String>)> = companies::table
        .filter(companies::id.eq_any(company_ids))
        .select((
            companies::id,
            companies::jobcenter_id,
            companies::cvr,
            companies::p_number,
        ))
        .load(c)?;
    let keys: Vec<(i64, &str, Option<&str>)> = keys
        .iter()
        .filter(|k| k.1 == jobcenter_id)
        .map(|(id, _, cvr, p)| (*id, cvr.as_str(), p.as_deref()))
        .collect();
    Ok(units_of(c, &latest, &keys)?
        .into_iter()
        .filter(|(_, o)| o.unit.advertising_protected)
        .map(|(id, _)| id)
        .collect())
}

/// Units of the jobcenter by id (the rows a manager picked).
pub fn find_many(c: &mut DbConn, jobcenter_id: i64, ids: &[i64]) -> QueryResult<Vec<Unit>> {
    Ok(population_units::table
        .filter(population_units::id.eq_any(ids))
        .select(Unit::as_select())
        .load(c)?
        .into_iter()
        .filter(|u| u.jobcenter_id == jobcenter_id)
        .collect())
}

impl Unit {
    /// The company form the register's rules check, filled from the unit.
    pub fn company_form(&self) -> CompanyForm {
        let band = self
            .employees_band
            .as_deref()
            .and_then(|b| Band::parse(b).ok().flatten())
            .and_then(|b| b.register_band());
        CompanyForm {
            cvr: self.cvr.clone(),
            p_number: self.p_number.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            industry_code: self.industry_code.clone(),
            industry_text: self.industry_text.clone(),
            employees: band.map(|b| b.as_str().to_string()).unwrap_or_default(),
            status: CompanyStatus::Prospect.as_str().into(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_intervals_read_as_the_extracts_write_them() {
        let band = |s: &str| Band::parse(s).unwrap().map(|b| (b.label, b.min, b.max));
        assert_eq!(band("10-19"), Some(("10–19".into(), 10, Some(19))));
        assert_eq!(band("ANTAL_10_19"), Some(("10–19".into(), 10, Some(19))));
        assert_eq!(
            band("10 – 19 ansatte"),
            Some(("10–19".into(), 10, Some(19)))
        );
        assert_eq!(
            band("1000+"),
            Some(("1.000 eller flere".into(), 1000, None))
        );
        // Its own labels read back as they were.
        for label in ["1.000 eller flere", "10–19", "12"] {
            assert_eq!(band(label).unwrap().0, label);
        }
        assert_eq!(
            band("1.000-999.999"),
            Some(("1.000 eller flere".into(), 1000, None))
        );
        assert_eq!(band("12"), Some(("12".into(), 12, Some(12))));
        assert_eq!(band("0"), Some(("0".into(), 0, Some(0))));
        assert_eq!(band(""), None);
        assert!(Band::parse("mange").is_err());
        assert!(Band::parse("19-10").is_err());
    }

    #[test]
    fn a_cvr_interval_gives_the_register_band_only_when_it_fits_one() {
        let reg = |s: &str| Band::parse(s).unwrap().unwrap().register_band();
        assert_eq!(reg("10-19"), Some(EmployeeBand::B10));
        assert_eq!(reg("2-4"), Some(EmployeeBand::B1));
        assert_eq!(reg("200-499"), None);
        assert_eq!(reg("1000+"), Some(EmployeeBand::B250));
        assert_eq!(reg("0"), None);
    }

    #[test]
    fn yes_and_no() {
        assert_eq!(parse_yes_no("Ja"), Ok(true));
        assert_eq!(parse_yes_no(""), Ok(false));
        assert_eq!(parse_yes_no("Nej"), Ok(false));
        assert!(parse_yes_no("måske").is_err());
    }
}
