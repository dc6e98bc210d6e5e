//! The municipality's CVR extract for the demo: a production unit for every company of the
//! jobcenter's register, and half as many again that the register does not know yet (for the
//! campaign planning list), imported as a manager's upload is (`models::population`).

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::plan::{CompanyGen, rng_for};
use super::{SeedError, Staff};
use crate::db::DbConn;
use crate::db::schema::companies;
use crate::models::company::EmployeeBand;
use crate::models::population::{Band, Parsed, PopulationImport, UnitInput};

const STREAM_POPULATION: u64 = 9;

type Known = (
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<EmployeeBand>,
);

/// Imports the extract; returns how many units it lists.
pub(super) fn extract(
    c: &mut DbConn,
    jobcenter_id: i64,
    seed: u64,
    staff: &Staff,
    now: NaiveDateTime,
    (taken_cvrs, taken_p_numbers): (&mut HashSet<String>, &mut HashSet<String>),
) -> Result<usize, SeedError> {
    let mut rng = rng_for(seed, STREAM_POPULATION);
    let known: Vec<Known> = companies::table
        .filter(companies::jobcenter_id.eq(jobcenter_id))
        .select((
            companies::cvr,
            companies::p_number,
            companies::name,
            companies::address,
            companies::postcode,
            companies::city,
            companies::industry_code,
            companies::industry_text,
            companies::employees,
        ))
        .load(c)?;
    let ceased_on = NaiveDate::from_ymd_opt(2026, 6, 30);
    let band = |e: Option<EmployeeBand>| e.and_then(|e| Band::parse(e.as_str()).ok().flatten());
    let mut units = Vec::with_capacity(known.len() * 3 / 2);
    for (cvr, p_number, name, address, postcode, city, industry_code, industry_text, employees) in
        known
    {
        units.push(UnitInput {
            p_number: p_number.unwrap_or_else(|| fresh_p_number(&mut rng, taken_p_numbers)),
            cvr,
            name,
            address,
            postcode,
            city,
            industry_code,
            industry_text,
            employees: band(employees),
            started_on: None,
            ended_on: rng.gen_bool(0.02).then_some(ceased_on).flatten(),
            advertising_protected: rng.gen_bool(0.03),
        });
    }
    let words = CompanyGen::new();
    for _ in 0..units.len() / 2 {
        let company = words.company(&mut rng, staff, now, taken_cvrs, taken_p_numbers);
        units.push(UnitInput {
            p_number: company
                .p_number
                .unwrap_or_else(|| fresh_p_number(&mut rng, taken_p_numbers)),
            cvr: company.cvr,
            name: company.name,
            address: company.address,
            postcode: company.postcode.code.into(),
            city: company.postcode.city.into(),
            industry_code: company.industry.code.into(),
            industry_text: company.industry.text.into(),
            employees: band(company.employees),
            started_on: None,
            ended_on: None,
            advertising_protected: rng.gen_bool(0.03),
        });
    }
    let parsed = Parsed {
        units,
        errors: Vec::new(),
    };
    let done = PopulationImport::run(c, jobcenter_id, None, "cvr-demo.csv", &parsed, now)?;
    Ok(done.listed as usize)
}

/// A P-number no unit has yet (a company of the register known by its CVR number alone still
/// has a production unit of its own in the CVR).
fn fresh_p_number(rng: &mut rand::rngs::StdRng, taken: &mut HashSet<String>) -> String {
    loop {
        let p = format!("1{:09}", rng.gen_range(0..1_000_000_000u32));
        if taken.insert(p.clone()) {
            return p;
        }
    }
}
