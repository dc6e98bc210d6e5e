//! Contact persons at a company. Removing one hides them but keeps the name for the company's
//! history; erasing one (GDPR) wipes their personal data for good and keeps only an empty row,
//! so records that point to them stay whole.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::company::{Company, check_phone};
use super::{FieldErrors, WriteError};
use crate::db::schema::contact_persons;
use crate::db::{DbConn, write_tx};
use crate::domain::{cpr_guard, validate};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = contact_persons)]
pub struct ContactPerson {
    pub id: i64,
    pub jobcenter_id: i64,
    pub company_id: i64,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub removed_at: Option<NaiveDateTime>,
    pub erased_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ContactPersonForm {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    /// The version the form was filled in on; empty for a new person.
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = contact_persons)]
pub struct ContactPersonInput {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
}

impl ContactPersonForm {
    pub fn from_person(p: &ContactPerson) -> Self {
        ContactPersonForm {
            name: p.name.clone(),
            title: p.title.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            version: p.version.to_string(),
        }
    }

    /// The version the form was filled in on (0, which no person has, when it is missing).
    pub fn expected_version(&self) -> i32 {
        self.version.trim().parse().unwrap_or(0)
    }

    pub fn validate(&self) -> Result<ContactPersonInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_string();
        let title = self.title.trim().to_string();
        let phone = self.phone.trim().to_string();
        let email = self.email.trim().to_string();
        if let Err(e) = validate::required(&name, 200, "Skriv kontaktpersonens navn.") {
            errors.insert("name", e);
        } else if let Err(e) = cpr_guard::check_free_text(&name) {
            errors.insert("name", e.into());
        }
        if title.chars().count() > 200 {
            errors.insert("title", "Må højst være på 200 tegn.".into());
        } else if let Err(e) = cpr_guard::check_free_text(&title) {
            errors.insert("title", e.into());
        }
        if let Err(e) = check_phone(&phone) {
            errors.insert("phone", e.into());
        }
        if !email.is_empty()
            && let Err(e) = validate::email(&email)
        {
            errors.insert("email", e.into());
        }
        if errors.is_empty() {
            Ok(ContactPersonInput {
                name,
                title,
                phone,
                email,
            })
        } else {
            Err(errors)
        }
    }
}

#[diesel::dsl::auto_type]
fn of_company(jobcenter_id: i64, company_id: i64) -> _ {
    contact_persons::table
        .filter(contact_persons::jobcenter_id.eq(jobcenter_id))
        .filter(contact_persons::company_id.eq(company_id))
}

impl ContactPerson {
    /// The company's current contact persons, by name.
    pub fn current(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
    ) -> QueryResult<Vec<ContactPerson>> {
        of_company(jobcenter_id, company_id)
            .filter(contact_persons::removed_at.is_null())
            .filter(contact_persons::erased_at.is_null())
            .order((contact_persons::name, contact_persons::id))
            .select(ContactPerson::as_select())
            .load(c)
    }

    /// Removed but not erased: their data can still be erased.
    pub fn former(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
    ) -> QueryResult<Vec<ContactPerson>> {
        of_company(jobcenter_id, company_id)
            .filter(contact_persons::removed_at.is_not_null())
            .filter(contact_persons::erased_at.is_null())
            .order((contact_persons::name, contact_persons::id))
            .select(ContactPerson::as_select())
            .load(c)
    }

    /// A person of this company in this jobcenter that has not been erased.
    pub fn find(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
        id: i64,
    ) -> QueryResult<ContactPerson> {
        of_company(jobcenter_id, company_id)
            .filter(contact_persons::id.eq(id))
            .filter(contact_persons::erased_at.is_null())
            .select(ContactPerson::as_select())
            .first(c)
    }

    pub fn create(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
        input: &ContactPersonInput,
        now: NaiveDateTime,
    ) -> Result<ContactPerson, WriteError> {
        write_tx(c, |c| {
            Company::find(c, jobcenter_id, company_id)?;
            let id: i64 = diesel::insert_into(contact_persons::table)
                .values((
                    input,
                    contact_persons::jobcenter_id.eq(jobcenter_id),
                    contact_persons::company_id.eq(company_id),
                    contact_persons::created_at.eq(now),
                    contact_persons::updated_at.eq(now),
                ))
                .returning(contact_persons::id)
                .get_result(c)?;
            Ok(Self::find(c, jobcenter_id, company_id, id)?)
        })
    }

    /// Saves an edit made on `expected_version`; a newer save by someone else refuses it.
    pub fn update(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
        id: i64,
        expected_version: i32,
        input: &ContactPersonInput,
        now: NaiveDateTime,
    ) -> Result<ContactPerson, WriteError> {
        write_tx(c, |c| {
            let current = Self::find(c, jobcenter_id, company_id, id)?;
            if current.version != expected_version {
                return Err(WriteError::Stale);
            }
            diesel::update(
                contact_persons::table
                    .filter(contact_persons::id.eq(id))
                    .filter(contact_persons::version.eq(expected_version)),
            )
            .set((
                input,
                contact_persons::updated_at.eq(now),
                contact_persons::version.eq(expected_version + 1),
            ))
            .execute(c)?;
            Ok(Self::find(c, jobcenter_id, company_id, id)?)
        })
    }

    pub fn remove(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        write_tx(c, |c| {
            Self::find(c, jobcenter_id, company_id, id)?;
            diesel::update(contact_persons::table.find(id))
                .set((
                    contact_persons::removed_at.eq(now),
                    contact_persons::updated_at.eq(now),
                    contact_persons::version.eq(contact_persons::version + 1),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    /// Wipes name, title, phone and e-mail for good.
    pub fn erase(
        c: &mut DbConn,
        jobcenter_id: i64,
        company_id: i64,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<(), WriteError> {
        write_tx(c, |c| {
            Self::find(c, jobcenter_id, company_id, id)?;
            diesel::update(contact_persons::table.find(id))
                .set((
                    contact_persons::name.eq(""),
                    contact_persons::title.eq(""),
                    contact_persons::phone.eq(""),
                    contact_persons::email.eq(""),
                    contact_persons::removed_at.eq(now),
                    contact_persons::erased_at.eq(now),
                    contact_persons::updated_at.eq(now),
                ))
                .execute(c)?;
            Ok(())
        })
    }
}
