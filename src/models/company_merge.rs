//! Merging two records of one company: everything the duplicate has (activities with their
//! follow-ups, placements, needs, contact persons, campaign targets, contact requests,
//! satisfaction surveys and audit history) moves to the surviving company in one transaction,
//! the survivor takes the field values the user chose, and the duplicate is gone; its address
//! leads to the survivor (`company_merges`).
//!
//! Also the "possible duplicates" of a jobcenter's register, for managers to look through.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::WriteError;
use super::campaign::TargetStatus;
use super::company::{Company, CompanyForm, CompanyInput};
use super::contact_person::ContactPerson;
use crate::db::schema::{
    activities, audit_log, campaign_targets, companies, company_merges, contact_persons,
    contact_requests, needs, placements, satisfaction_surveys,
};
use crate::db::{DbConn, write_tx};

/// The fields a merge chooses between, with their labels, in the order of the company form.
pub const FIELDS: &[(&str, &str)] = &[
    ("name", "Navn"),
    ("cvr", "CVR-nummer"),
    ("p_number", "P-nummer"),
    ("address", "Adresse"),
    ("postcode", "Postnummer"),
    ("city", "By"),
    ("industry_code", "Branchekode"),
    ("industry_text", "Branche"),
    ("employees", "Ansatte"),
    ("phone", "Telefon"),
    ("email", "E-mail"),
    ("website", "Hjemmeside"),
    ("status", "Status"),
    ("fixed_contact_id", "Fast kontakt"),
    ("notes", "Noter"),
];

/// Where a field's merged value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The company that stays.
    Survivor,
    /// The duplicate merged into it.
    Other,
    /// Both, one after the other (notes only).
    Both,
}

impl Side {
    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "survivor" => Some(Side::Survivor),
            "other" => Some(Side::Other),
            "both" => Some(Side::Both),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Survivor => "survivor",
            Side::Other => "other",
            Side::Both => "both",
        }
    }
}

fn field_mut<'a>(form: &'a mut CompanyForm, field: &str) -> &'a mut String {
    match field {
        "name" => &mut form.name,
        "cvr" => &mut form.cvr,
        "p_number" => &mut form.p_number,
        "address" => &mut form.address,
        "postcode" => &mut form.postcode,
        "city" => &mut form.city,
        "industry_code" => &mut form.industry_code,
        "industry_text" => &mut form.industry_text,
        "employees" => &mut form.employees,
        "phone" => &mut form.phone,
        "email" => &mut form.email,
        "website" => &mut form.website,
        "status" => &mut form.status,
        "fixed_contact_id" => &mut form.fixed_contact_id,
        "notes" => &mut form.notes,
        _ => unreachable!("not a merge field: {field}"),
    }
}

/// A field's value as the company form holds it.
pub fn field_value(form: &CompanyForm, field: &str) -> String {
    field_mut(&mut form.clone(), field).clone()
}

/// The side a field's value is taken from unless the user says otherwise: the value both have,
/// else the one that is not empty, else the newer record's (notes: both).
pub fn default_side(survivor: &Company, other: &Company, field: &str) -> Side {
    let (a, b) = (
        field_value(&CompanyForm::from_company(survivor), field),
        field_value(&CompanyForm::from_company(other), field),
    );
    if a.trim() == b.trim() || b.trim().is_empty() {
        Side::Survivor
    } else if a.trim().is_empty() {
        Side::Other
    } else if field == "notes" {
        Side::Both
    } else if other.updated_at > survivor.updated_at {
        Side::Other
    } else {
        Side::Survivor
    }
}

/// The survivor's form with each field taken from the side chosen for it (the default where
/// `choices` says nothing), at the survivor's version.
pub fn merged_form(
    survivor: &Company,
    other: &Company,
    choices: &HashMap<String, Side>,
) -> CompanyForm {
    let mut form = CompanyForm::from_company(survivor);
    let theirs = CompanyForm::from_company(other);
    for (field, _) in FIELDS {
        let side = choices
            .get(*field)
            .copied()
            .unwrap_or_else(|| default_side(survivor, other, field));
        let their_value = field_value(&theirs, field);
        let value = field_mut(&mut form, field);
        match side {
            Side::Survivor => {}
            Side::Other => *value = their_value,
            Side::Both if !their_value.trim().is_empty() && value.trim() != their_value.trim() => {
                *value = if value.trim().is_empty() {
                    their_value
                } else {
                    format!("{}\n\n{}", value.trim_end(), their_value.trim())
                };
            }
            Side::Both => {}
        }
    }
    form
}

/// Pairs of contact persons, the survivor's first, that look like one person: the same e-mail
/// address, or the same phone number (its last eight digits).
pub fn same_persons(
    survivor: &[ContactPerson],
    other: &[ContactPerson],
) -> Vec<(ContactPerson, ContactPerson)> {
    let email = |p: &ContactPerson| p.email.trim().to_lowercase();
    let phone = |p: &ContactPerson| {
        let digits: String = p.phone.chars().filter(char::is_ascii_digit).collect();
        digits[digits.len().saturating_sub(8)..].to_string()
    };
    let mut pairs = Vec::new();
    let mut taken = Vec::new();
    for theirs in other {
        let found = survivor.iter().find(|ours| {
            !taken.contains(&ours.id)
                && ((!email(ours).is_empty() && email(ours) == email(theirs))
                    || (phone(ours).len() == 8 && phone(ours) == phone(theirs)))
        });
        if let Some(ours) = found {
            taken.push(ours.id);
            pairs.push((ours.clone(), theirs.clone()));
        }
    }
    pairs
}

/// What a merge moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    pub activities: usize,
    pub placements: usize,
    pub needs: usize,
    pub contact_persons: usize,
    /// Of the duplicate's contact persons, those joined with one of the survivor's.
    pub persons_joined: usize,
    pub campaign_targets: usize,
    /// Campaigns both were on: one target kept, with the furthest status.
    pub targets_joined: usize,
    pub requests: usize,
    pub surveys: usize,
    pub audit_rows: usize,
}

impl fmt::Display for Moved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} aktiviteter, {} forløb, {} rekrutteringsbehov, {} kontaktpersoner ({} lagt sammen \
             med en eksisterende), {} kampagnemål ({} lagt sammen), {} henvendelser, \
             {} tilfredshedsmålinger, {} linjer i revisionssporet",
            self.activities,
            self.placements,
            self.needs,
            self.contact_persons,
            self.persons_joined,
            self.campaign_targets,
            self.targets_joined,
            self.requests,
            self.surveys,
            self.audit_rows
        )
    }
}

/// How far a campaign target has come, for keeping the furthest of two: a company that
/// declined has been contacted, but a visit or more says more.
fn progress(status: TargetStatus) -> u8 {
    match status {
        TargetStatus::NotContacted => 0,
        TargetStatus::Contacted => 1,
        TargetStatus::Declined => 2,
        TargetStatus::Visited => 3,
        TargetStatus::Interested => 4,
        TargetStatus::Agreement => 5,
    }
}

/// A merge as it is asked for.
pub struct Merge<'a> {
    pub survivor_id: i64,
    pub survivor_version: i32,
    pub other_id: i64,
    pub other_version: i32,
    /// The survivor's fields after the merge.
    pub input: &'a CompanyInput,
    /// Contact persons to join: (the survivor's, the duplicate's); the duplicate's person is
    /// folded into the survivor's and its references follow.
    pub join_persons: &'a [(i64, i64)],
    pub user_id: i64,
    pub now: NaiveDateTime,
}

/// A merged-away company, as the survivor's page tells it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = company_merges)]
pub struct CompanyMerge {
    pub id: i64,
    pub survivor_id: i64,
    pub merged_id: i64,
    pub merged_name: String,
    pub merged_cvr: String,
    pub user_id: Option<i64>,
    pub moved: String,
    pub merged_at: NaiveDateTime,
}

impl CompanyMerge {
    /// The company `id` was merged into, if it was.
    pub fn survivor_of(c: &mut DbConn, jobcenter_id: i64, id: i64) -> QueryResult<Option<i64>> {
        company_merges::table
            .filter(company_merges::jobcenter_id.eq(jobcenter_id))
            .filter(company_merges::merged_id.eq(id))
            .select(company_merges::survivor_id)
            .first(c)
            .optional()
    }

    /// The companies merged into `survivor_id`, newest first.
    pub fn into_company(
        c: &mut DbConn,
        jobcenter_id: i64,
        survivor_id: i64,
    ) -> QueryResult<Vec<CompanyMerge>> {
        company_merges::table
            .filter(company_merges::jobcenter_id.eq(jobcenter_id))
            .filter(company_merges::survivor_id.eq(survivor_id))
            .order(company_merges::merged_at.desc())
            .select(CompanyMerge::as_select())
            .load(c)
    }

    /// What merging `other_id` away would move: its rows of each kind.
    pub fn what_moves(c: &mut DbConn, jobcenter_id: i64, other_id: i64) -> QueryResult<Moved> {
        let count = |n: i64| n as usize;
        Ok(Moved {
            activities: count(
                activities::table
                    .filter(activities::jobcenter_id.eq(jobcenter_id))
                    .filter(activities::company_id.eq(other_id))
                    .count()
                    .get_result(c)?,
            ),
            placements: count(
                placements::table
                    .filter(placements::jobcenter_id.eq(jobcenter_id))
                    .filter(placements::company_id.eq(other_id))
                    .count()
                    .get_result(c)?,
            ),
            needs: count(
                needs::table
                    .filter(needs::jobcenter_id.eq(jobcenter_id))
                    .filter(needs::company_id.eq(other_id))
                    .count()
                    .get_result(c)?,
            ),
            contact_persons: count(
                contact_persons::table
                    .filter(contact_persons::jobcenter_id.eq(jobcenter_id))
                    .filter(contact_persons::company_id.eq(other_id))
                    .count()
                    .get_result(c)?,
            ),
            campaign_targets: count(
                campaign_targets::table
                    .filter(campaign_targets::jobcenter_id.eq(jobcenter_id))
                    .filter(campaign_targets::company_id.eq(other_id))
                    .count()
                    .get_result(c)?,
            ),
            requests: count(
                contact_requests::table
                    .filter(contact_requests::jobcenter_id.eq(jobcenter_id))
                    .filter(contact_requests::company_id.eq(other_id))
                    .count()
                    .get_result(c)?,
            ),
            ..Moved::default()
        })
    }

    /// Merges `other_id` into `survivor_id` (both of the jobcenter; either at another version
    /// than the form was made from is refused as stale), returning the survivor as saved and
    /// what moved.
    pub fn merge(
        c: &mut DbConn,
        jobcenter_id: i64,
        m: &Merge,
    ) -> Result<(Company, Company, Moved), WriteError> {
        if m.survivor_id == m.other_id {
            return Err(WriteError::invalid(
                "other",
                "Vælg en anden virksomhed end den, du står på.",
            ));
        }
        write_tx(c, |c| {
            let survivor = Company::find(c, jobcenter_id, m.survivor_id)?;
            let other = Company::find(c, jobcenter_id, m.other_id)?;
            if survivor.version != m.survivor_version || other.version != m.other_version {
                return Err(WriteError::Stale);
            }
            let (sid, oid) = (survivor.id, other.id);
            let mut moved = Moved::default();

            // Contact persons: the pairs asked for become one, the rest move.
            for &(keep, fold) in m.join_persons {
                let ours = ContactPerson::find(c, jobcenter_id, sid, keep)?;
                let theirs = ContactPerson::find(c, jobcenter_id, oid, fold)?;
                let fill = |a: &str, b: &str| if a.trim().is_empty() { b } else { a }.to_string();
                diesel::update(contact_persons::table.find(ours.id))
                    .set((
                        contact_persons::title.eq(fill(&ours.title, &theirs.title)),
                        contact_persons::phone.eq(fill(&ours.phone, &theirs.phone)),
                        contact_persons::email.eq(fill(&ours.email, &theirs.email)),
                        contact_persons::version.eq(ours.version + 1),
                        contact_persons::updated_at.eq(m.now),
                    ))
                    .execute(c)?;
                diesel::update(
                    activities::table.filter(activities::contact_person_id.eq(theirs.id)),
                )
                .set(activities::contact_person_id.eq(ours.id))
                .execute(c)?;
                diesel::update(needs::table.filter(needs::contact_person_id.eq(theirs.id)))
                    .set(needs::contact_person_id.eq(ours.id))
                    .execute(c)?;
                diesel::delete(contact_persons::table.find(theirs.id)).execute(c)?;
                moved.persons_joined += 1;
            }
            moved.contact_persons =
                diesel::update(contact_persons::table.filter(contact_persons::company_id.eq(oid)))
                    .set(contact_persons::company_id.eq(sid))
                    .execute(c)?
                    + moved.persons_joined;

            moved.activities =
                diesel::update(activities::table.filter(activities::company_id.eq(oid)))
                    .set(activities::company_id.eq(sid))
                    .execute(c)?;
            moved.placements =
                diesel::update(placements::table.filter(placements::company_id.eq(oid)))
                    .set(placements::company_id.eq(sid))
                    .execute(c)?;
            moved.needs = diesel::update(needs::table.filter(needs::company_id.eq(oid)))
                .set(needs::company_id.eq(sid))
                .execute(c)?;
            moved.requests = diesel::update(
                contact_requests::table.filter(contact_requests::company_id.eq(oid)),
            )
            .set(contact_requests::company_id.eq(sid))
            .execute(c)?;
            moved.surveys = diesel::update(
                satisfaction_surveys::table.filter(satisfaction_surveys::company_id.eq(oid)),
            )
            .set(satisfaction_surveys::company_id.eq(sid))
            .execute(c)?;
            moved.targets_joined = join_targets(c, sid, oid, m.now)?;
            moved.campaign_targets = diesel::update(
                campaign_targets::table.filter(campaign_targets::company_id.eq(oid)),
            )
            .set((
                campaign_targets::company_id.eq(sid),
                campaign_targets::company_name_search.eq(&survivor.name_search),
            ))
            .execute(c)?
                + moved.targets_joined;
            moved.audit_rows = diesel::update(
                audit_log::table
                    .filter(audit_log::jobcenter_id.eq(jobcenter_id))
                    .filter(audit_log::entity.eq("company"))
                    .filter(audit_log::entity_id.eq(oid)),
            )
            .set(audit_log::entity_id.eq(sid))
            .execute(c)?;

            // The duplicate's own address, and those merged into it, now lead to the survivor.
            diesel::update(company_merges::table.filter(company_merges::survivor_id.eq(oid)))
                .set(company_merges::survivor_id.eq(sid))
                .execute(c)?;
            diesel::insert_into(company_merges::table)
                .values((
                    company_merges::jobcenter_id.eq(jobcenter_id),
                    company_merges::survivor_id.eq(sid),
                    company_merges::merged_id.eq(oid),
                    company_merges::merged_name.eq(&other.name),
                    company_merges::merged_cvr.eq(&other.cvr),
                    company_merges::user_id.eq(m.user_id),
                    company_merges::moved.eq(moved.to_string()),
                    company_merges::merged_at.eq(m.now),
                ))
                .execute(c)?;
            diesel::delete(companies::table.find(oid)).execute(c)?;

            // The survivor's fields, checked as an edit is (duplicates among the rest included).
            let (saved, _) =
                Company::update(c, jobcenter_id, sid, m.survivor_version, m.input, m.now)?;
            let last = saved.last_contact_on.max(other.last_contact_on);
            diesel::update(companies::table.find(sid))
                .set(companies::last_contact_on.eq(last))
                .execute(c)?;
            super::webhook::emit_merged(c, jobcenter_id, sid, oid, m.now)?;
            Ok((Company::find(c, jobcenter_id, sid)?, other, moved))
        })
    }
}

/// Campaigns both companies are on: the survivor's target keeps the furthest status, the
/// earliest contact and visit and the latest activity; the duplicate's target goes. Returns
/// how many were joined.
fn join_targets(
    c: &mut DbConn,
    survivor_id: i64,
    other_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use super::campaign::CampaignTarget;
    let theirs: Vec<CampaignTarget> = campaign_targets::table
        .filter(campaign_targets::company_id.eq(other_id))
        .select(CampaignTarget::as_select())
        .load(c)?;
    let mut joined = 0;
    for t in theirs {
        let ours: Option<CampaignTarget> = campaign_targets::table
            .filter(campaign_targets::campaign_id.eq(t.campaign_id))
            .filter(campaign_targets::company_id.eq(survivor_id))
            .select(CampaignTarget::as_select())
            .first(c)
            .optional()?;
        let Some(ours) = ours else { continue };
        let status = if progress(t.status) > progress(ours.status) {
            t.status
        } else {
            ours.status
        };
        let earliest = |a: Option<_>, b: Option<_>| match (a, b) {
            (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
            (a, b) => a.or(b),
        };
        diesel::delete(campaign_targets::table.find(t.id)).execute(c)?;
        diesel::update(campaign_targets::table.find(ours.id))
            .set((
                campaign_targets::status.eq(status),
                campaign_targets::assigned_to.eq(ours.assigned_to.or(t.assigned_to)),
                campaign_targets::contacted_on.eq(earliest(ours.contacted_on, t.contacted_on)),
                campaign_targets::visited_on.eq(earliest(ours.visited_on, t.visited_on)),
                campaign_targets::last_activity_on
                    .eq(ours.last_activity_on.max(t.last_activity_on)),
                campaign_targets::version.eq(ours.version + 1),
                campaign_targets::updated_at.eq(now),
            ))
            .execute(c)?;
        joined += 1;
    }
    Ok(joined)
}

/// A group of companies that may be one: why, and who.
#[derive(Debug, Clone)]
pub struct DuplicateGroup {
    pub reason: &'static str,
    /// What they share, as shown.
    pub shared: String,
    pub companies: Vec<DuplicateCandidate>,
}

#[derive(Debug, Clone, Queryable)]
pub struct DuplicateCandidate {
    pub id: i64,
    pub name: String,
    pub cvr: String,
    pub p_number: Option<String>,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub name_search: String,
    pub updated_at: NaiveDateTime,
}

/// Mail domains many companies share without being one.
const COMMON_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "hotmail.dk",
    "outlook.com",
    "outlook.dk",
    "live.dk",
    "live.com",
    "yahoo.com",
    "yahoo.dk",
    "icloud.com",
    "me.com",
    "mail.dk",
    "jubii.dk",
    "email.dk",
    "privat.dk",
    "youmail.dk",
];

/// Why companies may be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Cvr,
    NameAndPostcode,
    Phone,
    MailDomain,
}

impl Reason {
    const ALL: [Reason; 4] = [
        Reason::Cvr,
        Reason::NameAndPostcode,
        Reason::Phone,
        Reason::MailDomain,
    ];

    fn label(self) -> &'static str {
        match self {
            Reason::Cvr => "Samme CVR-nummer",
            Reason::NameAndPostcode => "Samme navn og postnummer",
            Reason::Phone => "Samme telefonnummer",
            Reason::MailDomain => "Samme e-maildomæne",
        }
    }

    /// What the company shares with the others of its group, if it can share anything: the
    /// key it is grouped by, and how it is shown.
    fn key(self, r: &DuplicateCandidate) -> Option<(String, String)> {
        match self {
            Reason::Cvr => Some((r.cvr.clone(), r.cvr.clone())),
            // Names compare as the search does (case and accents aside).
            Reason::NameAndPostcode => (!r.name_search.trim().is_empty()).then(|| {
                (
                    format!("{}|{}", r.name_search, r.postcode.trim()),
                    format!("{} · {}", r.name.trim(), r.postcode.trim()),
                )
            }),
            Reason::Phone => {
                let digits: String = r.phone.chars().filter(char::is_ascii_digit).collect();
                let last = &digits[digits.len().saturating_sub(8)..];
                (last.len() == 8).then(|| (last.to_string(), r.phone.trim().to_string()))
            }
            Reason::MailDomain => {
                let domain = r.email.trim().rsplit_once('@')?.1.to_lowercase();
                (!domain.is_empty() && !COMMON_MAIL_DOMAINS.contains(&domain.as_str()))
                    .then(|| (domain.clone(), domain))
            }
        }
    }
}

/// Groups in the jobcenter's register that may be one company each: the same CVR number (one
/// of them without a P-number: two P-numbers of one CVR number are two workplaces), the same
/// name and postcode, the same phone number, the same mail domain (not a common mail
/// service). At most `limit` groups a reason. The register is read once and grouped here: a
/// manager's occasional page, and the same on both databases.
pub fn possible_duplicates(
    c: &mut DbConn,
    jobcenter_id: i64,
    limit: usize,
) -> QueryResult<Vec<DuplicateGroup>> {
    let rows: Vec<DuplicateCandidate> = companies::table
        .filter(companies::jobcenter_id.eq(jobcenter_id))
        .order(companies::id)
        .select((
            companies::id,
            companies::name,
            companies::cvr,
            companies::p_number,
            companies::postcode,
            companies::city,
            companies::phone,
            companies::email,
            companies::name_search,
            companies::updated_at,
        ))
        .load(c)?;
    let mut groups = Vec::new();
    for reason in Reason::ALL {
        // Groups in the order their first company was registered.
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut found: Vec<DuplicateGroup> = Vec::new();
        for row in &rows {
            let Some((key, shared)) = reason.key(row) else {
                continue;
            };
            let at = *by_key.entry(key).or_insert_with(|| {
                found.push(DuplicateGroup {
                    reason: reason.label(),
                    shared,
                    companies: Vec::new(),
                });
                found.len() - 1
            });
            found[at].companies.push(row.clone());
        }
        groups.extend(
            found
                .into_iter()
                .filter(|g| g.companies.len() > 1)
                .filter(|g| {
                    reason != Reason::Cvr || g.companies.iter().any(|m| m.p_number.is_none())
                })
                .take(limit),
        );
    }
    Ok(groups)
}
