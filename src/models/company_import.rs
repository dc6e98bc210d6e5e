//! Importing companies from CSV as Danish Excel writes it, and exporting them the same way.
//! Every row is checked with the same rules as the company form; the good rows go in together
//! in one transaction, and each bad row is reported by its line number.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::WriteError;
use super::company::{Company, CompanyForm, CompanyInput, CompanyStatus, EmployeeBand};
use super::user::User;
use crate::db::schema::company_imports;
use crate::db::{DbConn, write_tx};
use crate::domain::csv_io::{self, Table};
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Cvr,
    PNumber,
    Name,
    Address,
    Postcode,
    City,
    IndustryCode,
    IndustryText,
    Employees,
    Phone,
    Email,
    Website,
    Status,
    FixedContact,
    Notes,
}

/// The export's headers, in order; the import reads them back (and the English names).
pub const HEADERS: [&str; 15] = [
    "CVR-nummer",
    "P-nummer",
    "Navn",
    "Adresse",
    "Postnummer",
    "By",
    "Branchekode",
    "Branche",
    "Ansatte",
    "Telefon",
    "E-mail",
    "Hjemmeside",
    "Status",
    "Fast kontakt",
    "Noter",
];

const COLUMNS: [Column; 15] = [
    Column::Cvr,
    Column::PNumber,
    Column::Name,
    Column::Address,
    Column::Postcode,
    Column::City,
    Column::IndustryCode,
    Column::IndustryText,
    Column::Employees,
    Column::Phone,
    Column::Email,
    Column::Website,
    Column::Status,
    Column::FixedContact,
    Column::Notes,
];

/// Header names as people write them, after `csv_io::normalize_header`.
fn column_for(header: &str) -> Option<Column> {
    Some(match csv_io::normalize_header(header).as_str() {
        "cvr" | "cvrnr" | "cvrnummer" | "cvrno" | "cvrnumber" | "vat" | "vatnumber" => Column::Cvr,
        "pnr" | "pnummer" | "pnumber" | "pno" | "produktionsenhed" | "penhed" => Column::PNumber,
        "navn" | "name" | "virksomhed" | "virksomhedsnavn" | "firma" | "firmanavn" | "company"
        | "companyname" => Column::Name,
        "adresse" | "address" | "vejadresse" | "street" => Column::Address,
        "postnr" | "postnummer" | "postcode" | "postalcode" | "zip" | "zipcode" => Column::Postcode,
        "by" | "bynavn" | "postdistrikt" | "city" | "town" => Column::City,
        "branchekode" | "db07" | "db07kode" | "industrycode" | "naceode" | "nacecode" => {
            Column::IndustryCode
        }
        "branche" | "branchetekst" | "industry" | "industrytext" => Column::IndustryText,
        "ansatte" | "antalansatte" | "employees" | "size" => Column::Employees,
        "telefon" | "tlf" | "tlfnr" | "telefonnummer" | "phone" | "telephone" => Column::Phone,
        "email" | "mail" | "emailadresse" => Column::Email,
        "hjemmeside" | "website" | "web" | "www" | "url" => Column::Website,
        "status" => Column::Status,
        "fastkontakt" | "fastkontaktperson" | "konsulent" | "fixedcontact" | "accountowner" => {
            Column::FixedContact
        }
        "noter" | "note" | "notes" | "bemaerkninger" | "kommentar" => Column::Notes,
        _ => return None,
    })
}

fn label(column: Column) -> &'static str {
    HEADERS[COLUMNS.iter().position(|c| *c == column).unwrap_or(0)]
}

fn form_field_label(field: &str) -> &'static str {
    match field {
        "cvr" => "CVR-nummer",
        "p_number" => "P-nummer",
        "name" => "Navn",
        "address" => "Adresse",
        "postcode" => "Postnummer",
        "city" => "By",
        "industry_code" => "Branchekode",
        "industry_text" => "Branche",
        "employees" => "Ansatte",
        "phone" => "Telefon",
        "email" => "E-mail",
        "website" => "Hjemmeside",
        "status" => "Status",
        "fixed_contact_id" => "Fast kontakt",
        "notes" => "Noter",
        _ => "Feltet",
    }
}

/// "Aktiv", "active" and "AKTIV" are all the active status.
fn parse_status(s: &str) -> Option<CompanyStatus> {
    let s = s.trim().to_lowercase();
    CompanyStatus::ALL
        .iter()
        .copied()
        .find(|st| st.as_str() == s || st.label().to_lowercase() == s)
}

/// "10–19", "10-19" and a head count such as "12" all mean the 10–19 band.
fn parse_employees(s: &str) -> Option<EmployeeBand> {
    let s = s.trim();
    let dashed = s.replace('–', "-").replace(' ', "");
    EmployeeBand::ALL
        .iter()
        .copied()
        .find(|b| b.as_str() == dashed || b.label() == s)
        .or_else(|| {
            csv_io::parse_decimal(s)
                .filter(|n| *n >= 1.0 && n.fract() == 0.0)
                .and_then(|n| EmployeeBand::of(n as u32))
        })
}

#[derive(Debug, Clone)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// What an import will do (the preview) or did (the report).
#[derive(Debug, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub errors: Vec<RowError>,
    /// The names of the first companies to be created, for the preview.
    pub sample: Vec<String>,
}

enum Action {
    Create(CompanyInput),
    Update {
        id: i64,
        version: i32,
        input: CompanyInput,
    },
}

struct Plan {
    actions: Vec<(usize, Action)>,
    report: ImportReport,
}

/// Reads the rows into checked companies and decides, per row, create, update or skip.
/// Rows in one import: they are written in one transaction, which holds the database's write
/// lock on SQLite, so one file may not keep everybody else waiting for long.
pub const MAX_ROWS: usize = 10_000;

fn plan(
    c: &mut DbConn,
    jobcenter_id: i64,
    table: &Table,
    update_existing: bool,
) -> Result<Plan, String> {
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (i, header) in table.headers.iter().enumerate() {
        if let Some(col) = column_for(header) {
            columns.entry(col).or_insert(i);
        }
    }
    if table.rows.len() > MAX_ROWS {
        return Err(format!(
            "Filen har {} rækker. Del den op: der kan højst importeres {MAX_ROWS} ad gangen.",
            table.rows.len()
        ));
    }
    for required in [Column::Cvr, Column::Name] {
        if !columns.contains_key(&required) {
            return Err(format!(
                "Filen mangler kolonnen «{}». Første linje skal indeholde kolonnenavne, fx {}.",
                label(required),
                HEADERS[..6].join(";")
            ));
        }
    }
    let staff: HashMap<String, i64> = User::list(c, jobcenter_id)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(User::can_take_work)
        .map(|u| (u.email.to_lowercase(), u.id))
        .collect();

    let mut report = ImportReport::default();
    let mut actions = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let get = |col: Column| {
            columns
                .get(&col)
                .and_then(|i| row.fields.get(*i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let mut problems = Vec::new();
        let status = get(Column::Status);
        let status = if status.is_empty() {
            String::new()
        } else {
            match parse_status(&status) {
                Some(s) => s.as_str().to_string(),
                None => {
                    problems.push(format!(
                        "Status «{status}» kendes ikke (brug Potentiel, Aktiv eller Inaktiv)"
                    ));
                    String::new()
                }
            }
        };
        let employees = get(Column::Employees);
        let employees = if employees.is_empty() {
            String::new()
        } else {
            match parse_employees(&employees) {
                Some(b) => b.as_str().to_string(),
                None => {
                    problems.push(format!(
                        "Ansatte «{employees}» forstås ikke (skriv et antal eller fx 10–19)"
                    ));
                    String::new()
                }
            }
        };
        let contact = get(Column::FixedContact).to_lowercase();
        let fixed_contact_id = if contact.is_empty() {
            String::new()
        } else {
            match staff.get(&contact) {
                Some(id) => id.to_string(),
                None => {
                    problems.push(format!("Fast kontakt «{contact}» er ikke en aktiv medarbejder (skriv e-mailadressen)"));
                    String::new()
                }
            }
        };
        let form = CompanyForm {
            cvr: get(Column::Cvr),
            p_number: get(Column::PNumber),
            name: get(Column::Name),
            address: get(Column::Address),
            postcode: get(Column::Postcode),
            city: get(Column::City),
            industry_code: get(Column::IndustryCode),
            industry_text: get(Column::IndustryText),
            employees,
            phone: get(Column::Phone),
            email: get(Column::Email),
            website: get(Column::Website),
            status,
            fixed_contact_id,
            notes: get(Column::Notes),
            version: String::new(),
        };
        let input = match form.validate() {
            Ok(input) if problems.is_empty() => input,
            Ok(_) => {
                report.errors.push(RowError {
                    line: row.line,
                    message: problems.join("; "),
                });
                continue;
            }
            Err(errors) => {
                problems.extend(
                    errors
                        .iter()
                        .map(|(field, msg)| format!("{}: {msg}", form_field_label(field))),
                );
                report.errors.push(RowError {
                    line: row.line,
                    message: problems.join("; "),
                });
                continue;
            }
        };
        let key = match &input.p_number {
            Some(p) => format!("p:{p}"),
            None => format!("cvr:{}", input.cvr),
        };
        if let Some(first) = seen.get(&key) {
            report.errors.push(RowError {
                line: row.line,
                message: format!("Samme virksomhed står også i linje {first}"),
            });
            continue;
        }
        seen.insert(key, row.line);
        let existing =
            Company::find_duplicate(c, jobcenter_id, &input.cvr, input.p_number.as_deref(), None)
                .map_err(|e| e.to_string())?;
        match existing {
            None => {
                if report.sample.len() < 10 {
                    report.sample.push(input.name.clone());
                }
                report.created += 1;
                actions.push((row.line, Action::Create(input)));
            }
            Some(_) if !update_existing => report.skipped += 1,
            Some(id) => {
                let current = Company::find(c, jobcenter_id, id).map_err(|e| e.to_string())?;
                if input.changed_fields(&current).is_empty() {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    actions.push((
                        row.line,
                        Action::Update {
                            id,
                            version: current.version,
                            input,
                        },
                    ));
                }
            }
        }
    }
    Ok(Plan { actions, report })
}

/// What importing `table` would do, without writing anything.
pub fn preview(
    c: &mut DbConn,
    jobcenter_id: i64,
    table: &Table,
    update_existing: bool,
) -> Result<ImportReport, String> {
    Ok(plan(c, jobcenter_id, table, update_existing)?.report)
}

/// Imports the good rows in one transaction and reports every row that was left out.
pub fn import(
    c: &mut DbConn,
    jobcenter_id: i64,
    table: &Table,
    update_existing: bool,
    now: NaiveDateTime,
) -> Result<Result<ImportReport, String>, AppError> {
    let result = write_tx(c, |c| {
        let plan = match plan(c, jobcenter_id, table, update_existing) {
            Ok(plan) => plan,
            Err(file_error) => return Ok(Err(file_error)),
        };
        for (_, action) in &plan.actions {
            match action {
                Action::Create(input) => {
                    Company::insert(c, jobcenter_id, input, now)?;
                }
                Action::Update { id, version, input } => {
                    Company::update(c, jobcenter_id, *id, *version, input, now)?;
                }
            }
        }
        Ok::<_, WriteError>(Ok(plan.report))
    });
    match result {
        Ok(report) => Ok(report),
        Err(WriteError::Failed(e)) => Err(e),
        // The plan was made inside the same transaction, so these cannot happen; if they do,
        // nothing was written.
        Err(other) => Err(AppError::Internal(format!(
            "import plan went stale: {other:?}"
        ))),
    }
}

/// The register as Danish Excel opens it.
pub fn export_csv(c: &mut DbConn, jobcenter_id: i64, rows: &[Company]) -> QueryResult<Vec<u8>> {
    let emails: HashMap<i64, String> = User::list(c, jobcenter_id)?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let records = rows.iter().map(|co| {
        vec![
            co.cvr.clone(),
            co.p_number.clone().unwrap_or_default(),
            co.name.clone(),
            co.address.clone(),
            co.postcode.clone(),
            co.city.clone(),
            co.industry_code.clone(),
            co.industry_text.clone(),
            // The label with an en dash: Excel would turn "1-4" into a date.
            co.employees
                .map(|e| e.label().to_string())
                .unwrap_or_default(),
            co.phone.clone(),
            co.email.clone(),
            co.website.clone(),
            co.status.label().to_string(),
            co.fixed_contact_id
                .and_then(|id| emails.get(&id).cloned())
                .unwrap_or_default(),
            co.notes.clone(),
        ]
    });
    Ok(csv_io::write_excel_csv(&HEADERS, records))
}

/// An uploaded file kept between the preview and the confirmation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = company_imports)]
pub struct PendingImport {
    pub id: i64,
    pub jobcenter_id: i64,
    pub user_id: i64,
    pub filename: String,
    pub content: String,
    pub update_existing: bool,
    pub created_at: NaiveDateTime,
}

impl PendingImport {
    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        filename: &str,
        content: &str,
        update_existing: bool,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(company_imports::table)
            .values((
                company_imports::jobcenter_id.eq(jobcenter_id),
                company_imports::user_id.eq(user_id),
                company_imports::filename.eq(filename),
                company_imports::content.eq(content),
                company_imports::update_existing.eq(update_existing),
                company_imports::created_at.eq(now),
            ))
            .returning(company_imports::id)
            .get_result(c)
    }

    /// Only the user who uploaded it sees it.
    pub fn find(
        c: &mut DbConn,
        jobcenter_id: i64,
        user_id: i64,
        id: i64,
    ) -> QueryResult<PendingImport> {
        company_imports::table
            .filter(company_imports::id.eq(id))
            .filter(company_imports::jobcenter_id.eq(jobcenter_id))
            .filter(company_imports::user_id.eq(user_id))
            .select(PendingImport::as_select())
            .first(c)
    }

    pub fn delete(c: &mut DbConn, id: i64) -> QueryResult<()> {
        diesel::delete(company_imports::table.find(id))
            .execute(c)
            .map(drop)
    }

    /// Uploads not confirmed within a day are dropped.
    pub fn purge_old(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(
            company_imports::table
                .filter(company_imports::created_at.lt(now - chrono::TimeDelta::days(1))),
        )
        .execute(c)
    }
}
