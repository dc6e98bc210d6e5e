//! Companies: the workplaces the jobcenter deals with. Every query takes the jobcenter id.
//!
//! Derived data: on SQLite, every write of `search_text` (insert, update, delete) updates the
//! search index `companies_fts` by trigger (`src/db/triggers/sqlite.sql`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde::{Deserialize, Serialize};

use super::user::User;
use super::{FieldErrors, WriteError, text_enum};
use crate::db::dialect;
use crate::db::schema::{activities, campaign_targets, companies, placements};
use crate::db::{DbConn, MultiBackend, write_tx};
use crate::domain::{cpr_guard, cvr, text, validate};

text_enum! {
    pub enum CompanyStatus {
        Prospect => ("prospect", "Potentiel"),
        Active => ("active", "Aktiv"),
        Inactive => ("inactive", "Inaktiv"),
    }
}

text_enum! {
    /// Number of employees, in the bands Danish registers use.
    pub enum EmployeeBand {
        B1 => ("1-4", "1–4"),
        B5 => ("5-9", "5–9"),
        B10 => ("10-19", "10–19"),
        B20 => ("20-49", "20–49"),
        B50 => ("50-99", "50–99"),
        B100 => ("100-249", "100–249"),
        B250 => ("250+", "250 eller flere"),
    }
}

impl EmployeeBand {
    /// The band of a head count: 12 → 10–19.
    pub fn of(count: u32) -> Option<EmployeeBand> {
        Some(match count {
            0 => return None,
            1..=4 => EmployeeBand::B1,
            5..=9 => EmployeeBand::B5,
            10..=19 => EmployeeBand::B10,
            20..=49 => EmployeeBand::B20,
            50..=99 => EmployeeBand::B50,
            100..=249 => EmployeeBand::B100,
            _ => EmployeeBand::B250,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = companies)]
pub struct Company {
    pub id: i64,
    pub jobcenter_id: i64,
    pub cvr: String,
    pub p_number: Option<String>,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub industry_code: String,
    pub industry_text: String,
    pub employees: Option<EmployeeBand>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub status: CompanyStatus,
    pub fixed_contact_id: Option<i64>,
    pub notes: String,
    pub last_contact_on: Option<NaiveDate>,
    pub name_search: String,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A company as lists and search results show it: only the columns they need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = companies)]
pub struct CompanySummary {
    pub id: i64,
    pub cvr: String,
    pub p_number: Option<String>,
    pub name: String,
    pub postcode: String,
    pub city: String,
    pub status: CompanyStatus,
    pub fixed_contact_id: Option<i64>,
    pub last_contact_on: Option<NaiveDate>,
    pub name_search: String,
}

impl From<Company> for CompanySummary {
    fn from(c: Company) -> Self {
        CompanySummary {
            id: c.id,
            cvr: c.cvr,
            p_number: c.p_number,
            name: c.name,
            postcode: c.postcode,
            city: c.city,
            status: c.status,
            fixed_contact_id: c.fixed_contact_id,
            last_contact_on: c.last_contact_on,
            name_search: c.name_search,
        }
    }
}

/// A company form (or an import row) as typed.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CompanyForm {
    pub cvr: String,
    pub p_number: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub industry_code: String,
    pub industry_text: String,
    pub employees: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub status: String,
    pub fixed_contact_id: String,
    pub notes: String,
    /// The version the form was loaded at; an edit of an older version is refused.
    pub version: String,
}

/// Validated company data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyInput {
    pub cvr: String,
    pub p_number: Option<String>,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub industry_code: String,
    pub industry_text: String,
    pub employees: Option<EmployeeBand>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub status: CompanyStatus,
    pub fixed_contact_id: Option<i64>,
    pub notes: String,
}

/// Limits a free-text field: length, and no CPR numbers.
fn free_text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.insert(field, format!("Må højst være på {max} tegn."));
    } else if let Err(e) = cpr_guard::check_free_text(value) {
        errors.insert(field, e.to_string());
    }
    value.to_string()
}

/// "www.firma.dk" → "https://www.firma.dk"; only http and https addresses are accepted.
pub fn normalize_website(input: &str) -> Result<String, &'static str> {
    let input = input.trim();
    let lower = input.to_ascii_lowercase();
    let url = if lower.starts_with("http://") || lower.starts_with("https://") {
        input.to_string()
    } else if lower.contains("://") {
        return Err("Kun adresser med http:// eller https:// kan bruges.");
    } else {
        format!("https://{input}")
    };
    let host = url
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .unwrap_or("");
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if host_ok && url.len() <= 300 && !url.chars().any(char::is_whitespace) {
        Ok(url)
    } else {
        Err("Skriv en gyldig webadresse, fx www.firma.dk.")
    }
}

pub fn check_phone(phone: &str) -> Result<(), &'static str> {
    if phone.chars().count() > 40 {
        Err("Telefonnummeret må højst være på 40 tegn.")
    } else if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '/' | '.'))
    {
        Err("Telefonnummeret må kun indeholde tal, mellemrum og + - ( ).")
    } else {
        Ok(())
    }
}

impl CompanyForm {
    pub fn from_company(c: &Company) -> CompanyForm {
        CompanyForm {
            cvr: c.cvr.clone(),
            p_number: c.p_number.clone().unwrap_or_default(),
            name: c.name.clone(),
            address: c.address.clone(),
            postcode: c.postcode.clone(),
            city: c.city.clone(),
            industry_code: c.industry_code.clone(),
            industry_text: c.industry_text.clone(),
            employees: c
                .employees
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            website: c.website.clone(),
            status: c.status.as_str().to_string(),
            fixed_contact_id: c
                .fixed_contact_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            notes: c.notes.clone(),
            version: c.version.to_string(),
        }
    }

    /// Checks every field; all refusals at once, in Danish, keyed by field.
    pub fn validate(&self) -> Result<CompanyInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cvr = cvr::normalize_cvr(&self.cvr).unwrap_or_else(|e| {
            errors.insert("cvr", e.to_string());
            String::new()
        });
        let p_number = if self.p_number.trim().is_empty() {
            None
        } else {
            cvr::normalize_p_number(&self.p_number)
                .map_err(|e| errors.insert("p_number", e.to_string()))
                .ok()
        };
        let name = free_text(&mut errors, "name", &self.name, 200);
        if name.is_empty() {
            errors.insert("name", "Skriv virksomhedens navn.".into());
        }
        let address = free_text(&mut errors, "address", &self.address, 200);
        let postcode = if self.postcode.trim().is_empty() {
            String::new()
        } else {
            cvr::normalize_postcode(&self.postcode).unwrap_or_else(|e| {
                errors.insert("postcode", e.to_string());
                String::new()
            })
        };
        let city = free_text(&mut errors, "city", &self.city, 100);
        let industry_code = self.industry_code.trim().to_string();
        let code_ok = (2..=6).contains(&industry_code.len())
            && industry_code.bytes().all(|b| b.is_ascii_digit());
        if !industry_code.is_empty() && !code_ok {
            errors.insert(
                "industry_code",
                "Branchekoden (DB07) er 2-6 cifre, fx 561010.".into(),
            );
        }
        let industry_text = free_text(&mut errors, "industry_text", &self.industry_text, 200);
        let employees = match self.employees.trim() {
            "" => None,
            band => EmployeeBand::parse(band).or_else(|| {
                errors.insert("employees", "Vælg et antal ansatte fra listen.".into());
                None
            }),
        };
        let phone = self.phone.trim().to_string();
        if let Err(e) = check_phone(&phone) {
            errors.insert("phone", e.into());
        }
        let email = self.email.trim().to_string();
        if !email.is_empty()
            && let Err(e) = validate::email(&email)
        {
            errors.insert("email", e.into());
        }
        let website = if self.website.trim().is_empty() {
            String::new()
        } else {
            normalize_website(&self.website).unwrap_or_else(|e| {
                errors.insert("website", e.into());
                String::new()
            })
        };
        let status = match self.status.trim() {
            "" => CompanyStatus::Prospect,
            s => CompanyStatus::parse(s).unwrap_or_else(|| {
                errors.insert("status", "Vælg en status.".into());
                CompanyStatus::Prospect
            }),
        };
        let fixed_contact_id = match self.fixed_contact_id.trim() {
            "" => None,
            id => id.parse::<i64>().ok().or_else(|| {
                errors.insert("fixed_contact_id", "Vælg en medarbejder fra listen.".into());
                None
            }),
        };
        let notes = free_text(&mut errors, "notes", &self.notes, 5000);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CompanyInput {
            cvr,
            p_number,
            name,
            address,
            postcode,
            city,
            industry_code,
            industry_text,
            employees,
            phone,
            email,
            website,
            status,
            fixed_contact_id,
            notes,
        })
    }
}

/// The columns a create or an edit writes.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = companies, treat_none_as_null = true)]
struct CompanyValues<'a> {
    cvr: &'a str,
    p_number: Option<&'a str>,
    name: &'a str,
    address: &'a str,
    postcode: &'a str,
    city: &'a str,
    industry_code: &'a str,
    industry_text: &'a str,
    employees: Option<EmployeeBand>,
    phone: &'a str,
    email: &'a str,
    website: &'a str,
    status: CompanyStatus,
    fixed_contact_id: Option<i64>,
    notes: &'a str,
    name_search: String,
    search_text: String,
    updated_at: NaiveDateTime,
}

/// The columns the register is listed and searched by, written in Rust so that Danish letters
/// fold the same on both databases: `name_search` (the sort key of the name), `search_text`
/// (name, city, CVR and P-number, folded), which the database's trigram index searches. Bulk
/// writers (the demo data) use it too.
pub struct SearchKeys {
    pub name_search: String,
    pub search_text: String,
}

pub fn search_keys(name: &str, city: &str, cvr: &str, p_number: Option<&str>) -> SearchKeys {
    let searchable = [name, city, cvr, p_number.unwrap_or("")].join(" ");
    SearchKeys {
        name_search: text::sort_key(name),
        search_text: text::search_fold(&searchable),
    }
}

impl CompanyInput {
    fn values(&self, now: NaiveDateTime) -> CompanyValues<'_> {
        let keys = search_keys(&self.name, &self.city, &self.cvr, self.p_number.as_deref());
        CompanyValues {
            cvr: &self.cvr,
            p_number: self.p_number.as_deref(),
            name: &self.name,
            address: &self.address,
            postcode: &self.postcode,
            city: &self.city,
            industry_code: &self.industry_code,
            industry_text: &self.industry_text,
            employees: self.employees,
            phone: &self.phone,
            email: &self.email,
            website: &self.website,
            status: self.status,
            fixed_contact_id: self.fixed_contact_id,
            notes: &self.notes,
            name_search: keys.name_search,
            search_text: keys.search_text,
            updated_at: now,
        }
    }

    /// The Danish names of the fields that differ from `current`, for the audit log.
    pub fn changed_fields(&self, current: &Company) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |differs: bool, label: &'static str| {
            if differs {
                changed.push(label)
            }
        };
        check(self.cvr != current.cvr, "CVR-nummer");
        check(self.p_number != current.p_number, "P-nummer");
        check(self.name != current.name, "navn");
        check(self.address != current.address, "adresse");
        check(self.postcode != current.postcode, "postnummer");
        check(self.city != current.city, "by");
        check(self.industry_code != current.industry_code, "branchekode");
        check(self.industry_text != current.industry_text, "branche");
        check(self.employees != current.employees, "ansatte");
        check(self.phone != current.phone, "telefon");
        check(self.email != current.email, "e-mail");
        check(self.website != current.website, "hjemmeside");
        check(self.status != current.status, "status");
        check(
            self.fixed_contact_id != current.fixed_contact_id,
            "fast kontakt",
        );
        check(self.notes != current.notes, "noter");
        changed
    }

    /// The fixed contact must be an active member of staff of the same jobcenter, or
    /// `present`, the one the company has now (a deactivated colleague stays until changed).
    fn check_fixed_contact(
        &self,
        c: &mut DbConn,
        jobcenter_id: i64,
        present: Option<i64>,
    ) -> Result<(), WriteError> {
        if let Some(id) = self.fixed_contact_id {
            match User::find(c, jobcenter_id, id).optional()? {
                Some(user) if user.can_take_work() || present == Some(user.id) => {}
                _ => {
                    return Err(WriteError::invalid(
                        "fixed_contact_id",
                        "Vælg en aktiv medarbejder fra jobcenteret.",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// How the company list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompanySort {
    #[default]
    Name,
    /// Most recently contacted first; never contacted last.
    LastContact,
}

/// A typed search of the register.
#[derive(Debug, Clone, Default)]
pub struct CompanyQuery {
    pub text: Option<String>,
    pub status: Option<CompanyStatus>,
    pub fixed_contact_id: Option<i64>,
    pub industry: Option<String>,
    pub postcode: Option<String>,
    /// At least this many employees.
    pub min_employees: Option<EmployeeBand>,
    /// Only companies with no contact since this day (or never).
    pub no_contact_since: Option<NaiveDate>,
    /// Only companies one of these jobcenters (the partners in a cluster) has in its register
    /// too: the same CVR number, and the same P-number where both know one. Empty: none.
    pub known_by: Option<Vec<i64>>,
    pub sort: CompanySort,
}

/// Where the next page starts: the sort key and id of the last row shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub(crate) key: Option<String>,
    pub(crate) id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(s).ok()?).ok()
    }

    /// Rows after this cursor in (name, id) order. The leading `name_search >= key` lets the
    /// database start the index range at the cursor instead of walking up to it.
    pub(crate) fn after_by_name(&self) -> AfterBy<companies::name_search, companies::id> {
        self.after(companies::name_search, companies::id)
    }

    /// Rows after this cursor in the order of a sort key column and an id column.
    pub(crate) fn after<K, I>(&self, key_column: K, id_column: I) -> AfterBy<K, I>
    where
        K: Column<SqlType = Text> + Copy,
        I: Column<SqlType = BigInt>,
    {
        let key = self.key.clone().unwrap_or_default();
        key_column.ge(key.clone()).and(
            key_column
                .gt(key.clone())
                .or(key_column.eq(key).and(id_column.gt(self.id))),
        )
    }

    /// A cursor as the list would hand out for a row (key, id); for tests of deep pages.
    pub fn encode_for_tests(key: &str, id: i64) -> String {
        Cursor {
            key: Some(key.to_string()),
            id,
        }
        .encode()
    }
}

/// The clause [`Cursor::after`] builds.
pub(crate) type AfterBy<K, I> = dsl::And<
    dsl::GtEq<K, String>,
    dsl::Or<dsl::Gt<K, String>, dsl::And<dsl::Eq<K, String>, dsl::Gt<I, i64>>>,
>;

pub struct CompanyPage {
    pub companies: Vec<CompanySummary>,
    pub next: Option<Cursor>,
}

/// The companies of the jobcenter that a `CompanyQuery` matches, to be ordered and paged.
fn matching(
    c: &DbConn,
    jobcenter_id: i64,
    query: &CompanyQuery,
) -> companies::BoxedQuery<'static, MultiBackend> {
    let mut q = companies::table
        .filter(companies::jobcenter_id.eq(jobcenter_id))
        .into_boxed();
    if let Some(t) = query
        .text
        .as_deref()
        .map(text::search_fold)
        .filter(|t| !t.is_empty())
    {
        // The database's trigram index finds the candidates; the LIKE decides.
        if let Some(candidates) = dialect::search_candidates(c, &t) {
            q = q.filter(candidates);
        }
        let pattern = format!("%{}%", text::like_escape(&t));
        q = q.filter(companies::search_text.like(pattern).escape('\\'));
    }
    if let Some(status) = query.status {
        q = q.filter(companies::status.eq(status));
    }
    if let Some(id) = query.fixed_contact_id {
        q = q.filter(companies::fixed_contact_id.eq(id));
    }
    if let Some(code) = query.industry.as_deref().filter(|c| !c.is_empty()) {
        q = q.filter(
            companies::industry_code
                .like(format!("{}%", text::like_escape(code)))
                .escape('\\'),
        );
    }
    if let Some(since) = query.no_contact_since {
        q = q.filter(
            companies::last_contact_on
                .is_null()
                .or(companies::last_contact_on.lt(since)),
        );
    }
    if let Some(min) = query.min_employees {
        let bands: Vec<EmployeeBand> = EmployeeBand::ALL
            .iter()
            .copied()
            .filter(|b| *b >= min)
            .collect();
        q = q.filter(companies::employees.eq_any(bands));
    }
    if let Some(postcode) = query.postcode.as_deref().filter(|p| !p.is_empty()) {
        q = q.filter(companies::postcode.eq(postcode.to_string()));
    }
    if let Some(partners) = &query.known_by {
        let p = PARTNER_COMPANIES;
        q = q.filter(diesel::dsl::exists(
            PARTNER_COMPANIES
                .filter(p.field(companies::jobcenter_id).eq_any(partners.clone()))
                .filter(p.field(companies::cvr).eq(companies::cvr))
                .filter(
                    p.field(companies::p_number)
                        .is_null()
                        .or(companies::p_number.is_null())
                        .or(p
                            .field(companies::p_number)
                            .eq(companies::p_number)
                            .assume_not_null()),
                )
                .select(p.field(companies::id)),
        ));
    }
    q
}

diesel::alias!(companies as PARTNER_COMPANIES: PartnerCompanies);

/// The refusal of a second company with the same CVR or P-number.
fn duplicate(existing: i64) -> WriteError {
    WriteError::Duplicate {
        existing,
        errors: FieldErrors::from([(
            "cvr",
            "Virksomheden findes allerede i registret (samme CVR-nummer, eller samme P-nummer)."
                .to_string(),
        )]),
    }
}

impl Company {
    /// Whether the jobcenter's register holds any company yet.
    pub fn any_in(c: &mut DbConn, jobcenter_id: i64) -> QueryResult<bool> {
        Ok(companies::table
            .filter(companies::jobcenter_id.eq(jobcenter_id))
            .select(companies::id)
            .first::<i64>(c)
            .optional()?
            .is_some())
    }

    pub fn find(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Company> {
        companies::table
            .filter(companies::jobcenter_id.eq(jobcenter_id))
            .filter(companies::id.eq(id))
            .select(Company::as_select())
            .first(c)
    }

    /// The jobcenter's companies among `ids`, in the order of `ids`.
    pub fn find_many(c: &mut DbConn, jobcenter_id: i64, ids: &[i64]) -> QueryResult<Vec<Company>> {
        // By the primary key alone: with the jobcenter in the WHERE clause too, SQLite reads
        // the jobcenter's whole index for more than three ids (the API's list pages were 10-100
        // times slower than the pages, bench/RESULTS.md). The jobcenter is checked here.
        let mut rows: Vec<Company> = companies::table
            .filter(companies::id.eq_any(ids))
            .select(Company::as_select())
            .load(c)?;
        rows.retain(|r| r.jobcenter_id == jobcenter_id);
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(rows)
    }

    pub fn find_by_cvr(c: &mut DbConn, jobcenter_id: i64, cvr: &str) -> QueryResult<Vec<Company>> {
        companies::table
            .filter(companies::jobcenter_id.eq(jobcenter_id))
            .filter(companies::cvr.eq(cvr))
            .order(companies::id)
            .select(Company::as_select())
            .load(c)
    }

    /// The ids of the companies with these CVR numbers (a CVR may have several production
    /// units), as (CVR, id), looked up a batch at a time.
    pub fn ids_by_cvrs(
        c: &mut DbConn,
        jobcenter_id: i64,
        cvrs: &[String],
    ) -> QueryResult<Vec<(String, i64)>> {
        let mut found = Vec::new();
        for batch in cvrs.chunks(500) {
            found.extend(
                companies::table
                    .filter(companies::jobcenter_id.eq(jobcenter_id))
                    .filter(companies::cvr.eq_any(batch))
                    .order(companies::id)
                    .select((companies::cvr, companies::id))
                    .load::<(String, i64)>(c)?,
            );
        }
        Ok(found)
    }

    /// The company that already holds this P-number, or without one this CVR.
    pub fn find_duplicate(
        c: &mut DbConn,
        jobcenter_id: i64,
        cvr: &str,
        p_number: Option<&str>,
        except_id: Option<i64>,
    ) -> QueryResult<Option<i64>> {
        let mut query = companies::table
            .filter(companies::jobcenter_id.eq(jobcenter_id))
            .select(companies::id)
            .into_boxed();
        query = match p_number {
            Some(p) => query.filter(companies::p_number.eq(p.to_string())),
            None => query
                .filter(companies::cvr.eq(cvr.to_string()))
                .filter(companies::p_number.is_null()),
        };
        if let Some(id) = except_id {
            query = query.filter(companies::id.ne(id));
        }
        query.first(c).optional()
    }

    /// Adds a company; refused when its P-number (or CVR) is taken in the jobcenter.
    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &CompanyInput,
        now: NaiveDateTime,
    ) -> Result<Company, WriteError> {
        write_tx(c, |c| Self::insert(c, jobcenter_id, input, now))
    }

    /// The insert itself, for callers that already hold a write transaction (imports).
    pub fn insert(
        c: &mut DbConn,
        jobcenter_id: i64,
        input: &CompanyInput,
        now: NaiveDateTime,
    ) -> Result<Company, WriteError> {
        input.check_fixed_contact(c, jobcenter_id, None)?;
        if let Some(existing) =
            Self::find_duplicate(c, jobcenter_id, &input.cvr, input.p_number.as_deref(), None)?
        {
            return Err(duplicate(existing));
        }
        let id: i64 = diesel::insert_into(companies::table)
            .values((
                input.values(now),
                companies::jobcenter_id.eq(jobcenter_id),
                companies::created_at.eq(now),
                companies::version.eq(1),
            ))
            .returning(companies::id)
            .get_result(c)?;
        let what = ("company", "companies", id);
        super::webhook::emit(c, jobcenter_id, "company.created", what, now)?;
        Ok(Self::find(c, jobcenter_id, id)?)
    }

    /// Saves an edit made on `expected_version`; if someone saved in between, nothing is
    /// written and `Stale` comes back. Returns the saved company and the changed fields.
    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        id: i64,
        expected_version: i32,
        input: &CompanyInput,
        now: NaiveDateTime,
    ) -> Result<(Company, Vec<&'static str>), WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, id)?;
            if current.version != expected_version {
                return Err(WriteError::Stale);
            }
            input.check_fixed_contact(c, jobcenter_id, current.fixed_contact_id)?;
            if let Some(existing) = Self::find_duplicate(
                c,
                jobcenter_id,
                &input.cvr,
                input.p_number.as_deref(),
                Some(id),
            )? {
                return Err(duplicate(existing));
            }
            let changed = input.changed_fields(&current);
            if changed.is_empty() {
                return Ok((current, changed));
            }
            let updated = diesel::update(
                companies::table
                    .filter(companies::id.eq(id))
                    .filter(companies::jobcenter_id.eq(jobcenter_id))
                    .filter(companies::version.eq(expected_version)),
            )
            .set((
                input.values(now),
                companies::version.eq(expected_version + 1),
            ))
            .execute(c)?;
            if updated != 1 {
                return Err(WriteError::Stale);
            }
            let what = ("company", "companies", id);
            super::webhook::emit(c, jobcenter_id, "company.updated", what, now)?;
            let saved = Self::find(c, jobcenter_id, id)?;
            if saved.name_search != current.name_search {
                // Campaign target lists sort by the company's name.
                diesel::update(
                    campaign_targets::table
                        .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
                        .filter(campaign_targets::company_id.eq(id)),
                )
                .set(campaign_targets::company_name_search.eq(&saved.name_search))
                .execute(c)?;
            }
            Ok((saved, changed))
        })
    }

    /// Deletes a company and its contact persons. A company with activities, placements or
    /// recruitment needs is history and is not deleted (`Invalid`): archive it as inactive.
    pub fn delete(c: &mut DbConn, jobcenter_id: i64, id: i64) -> Result<Company, WriteError> {
        write_tx(c, |c| {
            let company = Self::find(c, jobcenter_id, id)?;
            let has_activities = activities::table
                .filter(activities::jobcenter_id.eq(jobcenter_id))
                .filter(activities::company_id.eq(id))
                .select(activities::id)
                .first::<i64>(c)
                .optional()?
                .is_some();
            let has_placements = placements::table
                .filter(placements::jobcenter_id.eq(jobcenter_id))
                .filter(placements::company_id.eq(id))
                .select(placements::id)
                .first::<i64>(c)
                .optional()?
                .is_some();
            let has_needs = crate::db::schema::needs::table
                .filter(crate::db::schema::needs::jobcenter_id.eq(jobcenter_id))
                .filter(crate::db::schema::needs::company_id.eq(id))
                .select(crate::db::schema::needs::id)
                .first::<i64>(c)
                .optional()?
                .is_some();
            if has_activities || has_placements || has_needs {
                return Err(WriteError::invalid(
                    "company",
                    "Virksomheden har aktiviteter, forløb eller rekrutteringsbehov og kan ikke slettes. Sæt status til Inaktiv i stedet.",
                ));
            }
            diesel::delete(companies::table.filter(companies::id.eq(company.id))).execute(c)?;
            Ok(company)
        })
    }

    /// One page of the register, `limit` rows after `after`, through the index of the sort.
    /// How many companies `query` matches, counted up to `cap` (a number above `cap` means
    /// "more than `cap`"): at most `cap + 1` ids are read, however large the register.
    pub fn count_matching(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &CompanyQuery,
        cap: i64,
    ) -> QueryResult<i64> {
        let ids: Vec<i64> = matching(c, jobcenter_id, query)
            .select(companies::id)
            .limit(cap + 1)
            .load(c)?;
        Ok(ids.len() as i64)
    }

    pub fn search(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &CompanyQuery,
        after: Option<&Cursor>,
        limit: i64,
    ) -> QueryResult<CompanyPage> {
        let mut rows = match query.sort {
            CompanySort::Name => {
                ({
                    let mut q = matching(c, jobcenter_id, query);
                    if let Some(cur) = after {
                        q = q.filter(cur.after_by_name());
                    }
                    q.order((companies::name_search, companies::id))
                        .limit(limit + 1)
                        .select(CompanySummary::as_select())
                        .load(c)
                })?
            }
            CompanySort::LastContact => {
                Self::by_last_contact(c, jobcenter_id, query, after, limit + 1)?
            }
        };
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|last| Cursor {
                key: match query.sort {
                    CompanySort::Name => Some(last.name_search.clone()),
                    CompanySort::LastContact => last.last_contact_on.map(|d| d.to_string()),
                },
                id: last.id,
            })
        } else {
            None
        };
        Ok(CompanyPage {
            companies: rows,
            next,
        })
    }

    /// Most recent contact first; companies never contacted follow, newest first.
    fn by_last_contact(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &CompanyQuery,
        after: Option<&Cursor>,
        limit: i64,
    ) -> QueryResult<Vec<CompanySummary>> {
        let after_date = after.and_then(|cur| cur.key.as_deref()?.parse::<NaiveDate>().ok());
        let in_null_part = after.is_some() && after_date.is_none();
        let mut rows = Vec::new();
        if !in_null_part {
            rows = {
                let mut q = matching(c, jobcenter_id, query)
                    .filter(companies::last_contact_on.is_not_null());
                if let (Some(d), Some(cur)) = (after_date, after) {
                    q = q.filter(
                        companies::last_contact_on
                            .lt(d)
                            .or(companies::last_contact_on
                                .eq(d)
                                .and(companies::id.lt(cur.id))),
                    );
                }
                q.order((companies::last_contact_on.desc(), companies::id.desc()))
                    .limit(limit)
                    .select(CompanySummary::as_select())
                    .load(c)
            }?;
        }
        let missing = limit - rows.len() as i64;
        if missing > 0 {
            rows.extend({
                let mut q =
                    matching(c, jobcenter_id, query).filter(companies::last_contact_on.is_null());
                if let (true, Some(cur)) = (in_null_part, after) {
                    q = q.filter(companies::id.lt(cur.id));
                }
                q.order(companies::id.desc())
                    .limit(missing)
                    .select(CompanySummary::as_select())
                    .load::<CompanySummary>(c)
            }?);
        }
        Ok(rows)
    }

    /// Every company the query matches, those not contacted for the longest first (never
    /// contacted before all), then by name: filling a campaign's list with those most in need.
    pub fn longest_since_contact(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &CompanyQuery,
    ) -> QueryResult<Vec<Company>> {
        matching(c, jobcenter_id, query)
            .order((
                companies::last_contact_on.is_not_null(),
                companies::last_contact_on.asc(),
                companies::name_search,
                companies::id,
            ))
            .select(Company::as_select())
            .load(c)
    }

    /// Every company the query matches, by name, for export.
    pub fn export(
        c: &mut DbConn,
        jobcenter_id: i64,
        query: &CompanyQuery,
    ) -> QueryResult<Vec<Company>> {
        matching(c, jobcenter_id, query)
            .order((companies::name_search, companies::id))
            .select(Company::as_select())
            .load(c)
    }
}
