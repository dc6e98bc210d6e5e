//! Demo data at scale (`jobcenter-crm seed-demo`, `serve --demo`): a jobcenter with Danish
//! staff, companies with contact persons, years of activities with follow-ups, campaigns with
//! target lists, placements and contact requests — realistic, and the same for the same seed.
//!
//! Everything that other rows depend on is planned in memory first (the companies, how far each
//! campaign target has come, how many activities each company gets and on which days), so the
//! derived columns are right the first time: `companies.last_contact_on` is the company's latest
//! planned activity, and a campaign target's status and dates are what its campaign activities
//! would have made of it. The rows then go in as multi-row INSERTs of up to a thousand rows, some
//! fifty thousand rows a transaction.
//!
//! Each kind of data draws from its own generator seeded from `--seed`, so the companies of a
//! seed stay the same whatever number of activities is asked for. Dates are relative to the day
//! of the run; passwords never come from the seed.

pub mod data;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::prelude::*;
use rand::rngs::StdRng;

use self::plan::Plan;
use self::write::Writer;
use crate::db::schema::companies;
use crate::db::{DbConn, write_tx};
use crate::domain::dates;
use crate::models::audit::{NewAuditEntry, action};
use crate::models::jobcenter::{Jobcenter, NewJobcenter};
use crate::models::user::{NewUser, Role, User};

/// SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535.
const MAX_PARAMETERS: usize = 30_000;
/// Rows per INSERT statement (fewer when a table has many columns).
const MAX_ROWS_PER_INSERT: usize = 1_000;
/// Rows per transaction: large enough to amortize the commit, small enough to keep the
/// SQLite WAL and PostgreSQL's transaction modest.
const ROWS_PER_TRANSACTION: usize = 50_000;
/// Activities reach this many days back.
const HISTORY_DAYS: u16 = 3 * 365;
/// More companies than this would exhaust the CVR numbers the generator draws from.
pub const MAX_COMPANIES: usize = 2_000_000;

mod goals;
mod needs;
mod plan;
mod population;
mod write;

fn rows_per_insert(columns: usize) -> usize {
    (MAX_PARAMETERS / columns).min(MAX_ROWS_PER_INSERT)
}

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Seed into this existing jobcenter; without it "Jobcenter Demo" (slug `demo`) is created
    /// or reused.
    pub jobcenter: Option<String>,
    pub companies: usize,
    pub activities: usize,
    pub placements: usize,
    pub campaigns: usize,
    pub requests: usize,
    /// Recruitment needs, each with about five referrals.
    pub needs: usize,
    pub seed: u64,
    /// The password of every demo user; `None` gives each a random one.
    pub password: Option<String>,
}

impl SeedOptions {
    /// The small demo `serve --demo` starts with: enough to click through, seeded in seconds.
    pub fn small_demo() -> SeedOptions {
        SeedOptions {
            jobcenter: None,
            companies: 2_000,
            activities: 20_000,
            placements: 200,
            campaigns: 4,
            requests: 120,
            needs: 150,
            seed: 1,
            password: None,
        }
    }

    fn check(&self) -> Result<(), SeedError> {
        if self.companies > MAX_COMPANIES {
            return Err(SeedError::Invalid(format!(
                "--companies: at most {MAX_COMPANIES}"
            )));
        }
        if self.companies == 0
            && (self.activities > 0 || self.placements > 0 || self.campaigns > 0 || self.needs > 0)
        {
            return Err(SeedError::Invalid(
                "activities, placements, campaigns and needs need at least one company (--companies)"
                    .into(),
            ));
        }
        if self.campaigns > 1_000 {
            return Err(SeedError::Invalid("--campaigns: at most 1000".into()));
        }
        if let Some(p) = &self.password {
            crate::domain::validate::password(p).map_err(|e| SeedError::Invalid(e.to_string()))?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
}

/// A demo user made by this run. `password` is set when it was generated (shown once).
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: Option<String>,
}

/// What the seeding has got to, reported as it goes.
#[derive(Debug)]
pub enum Progress<'a> {
    Jobcenter {
        jobcenter: &'a Jobcenter,
        created: bool,
    },
    /// The demo users are saved; `created` are the new ones (with their passwords when they
    /// were generated), `existing` how many were there already.
    Users {
        created: &'a [DemoLogin],
        existing: usize,
        took: Duration,
    },
    Phase {
        what: &'static str,
        rows: usize,
        took: Duration,
    },
}

/// What was seeded.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub jobcenter: Jobcenter,
    pub created_users: Vec<DemoLogin>,
    pub existing_users: usize,
    pub companies: usize,
    pub contact_persons: usize,
    pub campaigns: usize,
    pub campaign_targets: usize,
    pub activities: usize,
    pub placements: usize,
    pub requests: usize,
    pub needs: usize,
    pub referrals: usize,
    pub took: Duration,
}

impl SeedReport {
    pub fn rows(&self) -> usize {
        self.companies
            + self.contact_persons
            + self.campaigns
            + self.campaign_targets
            + self.activities
            + self.placements
            + self.requests
            + self.needs
            + self.referrals
    }
}

/// Seeds demo data through `c`. On SQLite the connection runs with `synchronous = NORMAL` while
/// it seeds and is set back to `FULL` (the app's setting) afterwards.
pub fn seed_demo(
    c: &mut DbConn,
    opts: &SeedOptions,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<SeedReport, SeedError> {
    opts.check()?;
    let sqlite = matches!(c, DbConn::Sqlite(_));
    if sqlite {
        // In WAL mode NORMAL skips the fsync at each commit (it syncs at checkpoints): a crash
        // can lose the last batches but never corrupts the file, and demo data can simply be
        // seeded again. The app's own connections stay FULL, so no user's write is at risk.
        c.batch_execute("PRAGMA synchronous = NORMAL")?;
    }
    let result = run(c, opts, now, progress);
    if sqlite {
        c.batch_execute("PRAGMA synchronous = FULL")?;
    }
    result
}

fn run(
    c: &mut DbConn,
    opts: &SeedOptions,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<SeedReport, SeedError> {
    let started = Instant::now();
    let now = chrono::SubsecRound::trunc_subsecs(now, 0);
    let today = dates::local_date(now);

    let (jobcenter, created) = write_tx(c, |c| jobcenter_for(c, opts.jobcenter.as_deref(), now))?;
    progress(Progress::Jobcenter {
        jobcenter: &jobcenter,
        created,
    });

    let t = Instant::now();
    let (staff, created_users, existing_users) = seed_staff(c, &jobcenter, opts, now)?;
    progress(Progress::Users {
        created: &created_users,
        existing: existing_users,
        took: t.elapsed(),
    });

    let t = Instant::now();
    let (mut taken_cvrs, mut taken_p_numbers) = taken_numbers(c, jobcenter.id)?;
    let plan = Plan::make(
        opts,
        &staff,
        today,
        now,
        &mut taken_cvrs,
        &mut taken_p_numbers,
    );
    progress(Progress::Phase {
        what: "plan (in memory)",
        rows: plan.companies.len(),
        took: t.elapsed(),
    });

    let mut w = Writer {
        jobcenter_id: jobcenter.id,
        now,
        today,
        plan: &plan,
        staff: &staff,
        company_ids: Vec::new(),
        contacts: Vec::new(),
        contact_ranges: Vec::new(),
        campaign_ids: Vec::new(),
    };

    let t = Instant::now();
    w.companies(c)?;
    progress(Progress::Phase {
        what: "companies",
        rows: plan.companies.len(),
        took: t.elapsed(),
    });

    let t = Instant::now();
    w.contact_persons(c, opts.seed)?;
    progress(Progress::Phase {
        what: "contact persons",
        rows: w.contacts.len(),
        took: t.elapsed(),
    });

    let t = Instant::now();
    let targets = w.campaigns(c)?;
    progress(Progress::Phase {
        what: "campaigns and targets",
        rows: plan.campaigns.len() + targets,
        took: t.elapsed(),
    });

    let t = Instant::now();
    let activities = w.activities(c, opts.seed)?;
    progress(Progress::Phase {
        what: "activities",
        rows: activities,
        took: t.elapsed(),
    });

    let t = Instant::now();
    let placements = w.placements(c, opts.placements, opts.seed)?;
    progress(Progress::Phase {
        what: "placements",
        rows: placements,
        took: t.elapsed(),
    });

    let t = Instant::now();
    let requests = w.requests(c, opts.requests, opts.seed, &mut taken_cvrs)?;
    progress(Progress::Phase {
        what: "contact requests",
        rows: requests,
        took: t.elapsed(),
    });

    let t = Instant::now();
    let (needs, referrals) = w.needs(c, opts.needs, opts.seed)?;
    progress(Progress::Phase {
        what: "recruitment needs and referrals",
        rows: needs + referrals,
        took: t.elapsed(),
    });

    let t = Instant::now();
    let units = population::extract(
        c,
        jobcenter.id,
        opts.seed,
        &staff,
        now,
        (&mut taken_cvrs, &mut taken_p_numbers),
    )?;
    progress(Progress::Phase {
        what: "the municipality's CVR extract",
        rows: units,
        took: t.elapsed(),
    });

    let t = Instant::now();
    let manager = staff.members[staff.managers.first().copied().unwrap_or(0)].id;
    let goals = goals::goals_and_figures(c, jobcenter.id, manager, opts, today, now)?;
    progress(Progress::Phase {
        what: "goals, benchmark and DI figures",
        rows: goals,
        took: t.elapsed(),
    });

    NewAuditEntry {
        jobcenter_id: Some(jobcenter.id),
        action: action::COMPANIES_IMPORTED,
        entity: "company",
        details: format!(
            "demodata (seed-demo, seed {}): {} virksomheder, {} aktiviteter, {} forløb, {} kampagner, {} henvendelser, {} rekrutteringsbehov",
            opts.seed,
            plan.companies.len(),
            activities,
            placements,
            plan.campaigns.len(),
            requests,
            needs
        ),
        created_at: now,
        ..Default::default()
    }
    .insert(c)?;

    if let DbConn::Pg(_) = c {
        // Fresh planner statistics and visibility map, as autovacuum would make them a minute
        // later; without them the first queries after a bulk load may be planned for empty
        // tables, and index-only scans still read every row from the table.
        let t = Instant::now();
        c.batch_execute("VACUUM (ANALYZE)")?;
        // The counters the triggers keep were updated once per INSERT of the load, so their few
        // live rows lie spread over many pages; an installation's counters grow by a row at a
        // time and autovacuum keeps them compact. Compact them as that one would be.
        c.batch_execute(
            "VACUUM (FULL, ANALYZE) activity_month_counts, activity_topic_month_counts, \
             activity_day_counts, contact_period_counts, company_counts, \
             follow_up_day_counts, follow_up_month_counts, contact_request_counts, \
             campaign_status_counts, campaign_visit_counts",
        )?;
        progress(Progress::Phase {
            what: "vacuum and analyze (PostgreSQL)",
            rows: 0,
            took: t.elapsed(),
        });
    }

    Ok(SeedReport {
        jobcenter,
        created_users,
        existing_users,
        companies: plan.companies.len(),
        contact_persons: w.contacts.len(),
        campaigns: plan.campaigns.len(),
        campaign_targets: targets,
        activities,
        placements,
        requests,
        needs,
        referrals,
        took: started.elapsed(),
    })
}

/// The named jobcenter, or "Jobcenter Demo" (created when missing).
fn jobcenter_for(
    c: &mut DbConn,
    slug: Option<&str>,
    now: NaiveDateTime,
) -> Result<(Jobcenter, bool), SeedError> {
    if let Some(slug) = slug {
        return match Jobcenter::find_by_slug(c, slug)? {
            Some(jc) => Ok((jc, false)),
            None => Err(SeedError::Invalid(format!(
                "no jobcenter with the slug '{slug}'"
            ))),
        };
    }
    if let Some(jc) = Jobcenter::find_by_slug(c, "demo")? {
        return Ok((jc, false));
    }
    let jc = NewJobcenter {
        name: "Jobcenter Demo",
        municipality_code: "259",
        slug: "demo",
        created_at: now,
    }
    .insert(c)?;
    NewAuditEntry {
        jobcenter_id: Some(jc.id),
        action: action::JOBCENTER_CREATED,
        entity: "jobcenter",
        entity_id: Some(jc.id),
        details: "demodata (seed-demo)".into(),
        created_at: now,
        ..Default::default()
    }
    .insert(c)?;
    Ok((jc, true))
}

// --- Staff -----------------------------------------------------------------------------------

/// The demo staff (e-mail `LOCAL@{slug}.jobcenter.dk`, name, role); phone numbers follow.
const STAFF: &[(&str, &str, Role)] = &[
    ("admin", "Anne Mortensen", Role::Admin),
    ("leder1", "Lars Kjær", Role::Manager),
    ("leder2", "Mette Søgaard", Role::Manager),
    ("konsulent1", "Søren Østergaard", Role::Consultant),
    ("konsulent2", "Karen Bækgaard", Role::Consultant),
    ("konsulent3", "Jørgen Løkke", Role::Consultant),
    ("konsulent4", "Åse Holm", Role::Consultant),
    ("konsulent5", "Mads Brøndum", Role::Consultant),
    ("konsulent6", "Line Dahl", Role::Consultant),
    ("konsulent7", "Henrik Krøyer", Role::Consultant),
    ("konsulent8", "Camilla Bøgh", Role::Consultant),
    ("konsulent9", "Niels Højgaard", Role::Consultant),
    ("konsulent10", "Sofie Lund", Role::Consultant),
    // A colleague from the social and health administration who may only look.
    ("laeser", "Birthe Skov", Role::Reader),
];

fn staff_title(role: Role) -> &'static str {
    match role {
        Role::Admin => "Systemejer",
        Role::Manager => "Teamleder, Virksomhedsservice",
        Role::Consultant => "Virksomhedskonsulent",
        Role::Reader => "Socialrådgiver, Social og Sundhed",
    }
}

/// The demo e-mail addresses of a jobcenter, in the order they are made.
pub fn demo_emails(slug: &str) -> Vec<String> {
    STAFF
        .iter()
        .map(|(local, _, _)| format!("{local}@{slug}.jobcenter.dk"))
        .collect()
}

#[derive(Debug, Clone)]
struct Member {
    id: i64,
    name: String,
}

/// The jobcenter's demo staff who do the work in the data.
struct Staff {
    members: Vec<Member>,
    /// Indexes into `members`.
    consultants: Vec<usize>,
    managers: Vec<usize>,
}

impl Staff {
    fn consultant(&self, rng: &mut StdRng) -> &Member {
        &self.members[*self
            .consultants
            .choose(rng)
            .expect("at least one consultant")]
    }

    fn name_of(&self, id: i64) -> &str {
        self.members
            .iter()
            .find(|m| m.id == id)
            .map_or("", |m| m.name.as_str())
    }
}

fn seed_staff(
    c: &mut DbConn,
    jobcenter: &Jobcenter,
    opts: &SeedOptions,
    now: NaiveDateTime,
) -> Result<(Staff, Vec<DemoLogin>, usize), SeedError> {
    let emails = demo_emails(&jobcenter.slug);
    let mut existing = HashMap::new();
    let mut elsewhere = 0;
    let mut missing = Vec::new();
    for (n, ((_, name, role), email)) in STAFF.iter().zip(&emails).enumerate() {
        match User::find_by_email(c, email)? {
            Some(u) if u.jobcenter_id == jobcenter.id => {
                existing.insert(email.clone(), u);
            }
            // Taken by another jobcenter's user: left alone, and not used here.
            Some(_) => elsewhere += 1,
            None => missing.push((n, *name, *role, email.clone())),
        }
    }
    let passwords: Vec<String> = match &opts.password {
        Some(p) => vec![p.clone(); missing.len()],
        None => missing.iter().map(|_| random_password()).collect(),
    };
    let hashes = hash_distinct(&passwords);
    let mut created = Vec::new();
    write_tx(c, |c| {
        for ((&(n, name, role, ref email), password), hash) in
            missing.iter().zip(&passwords).zip(&hashes)
        {
            let phone = format!("56 67 20 {:02}", n + 1);
            let user = NewUser {
                jobcenter_id: jobcenter.id,
                email,
                name,
                phone: &phone,
                title: staff_title(role),
                role,
                password_hash: hash,
                created_at: now,
            }
            .insert(c)?;
            NewAuditEntry {
                jobcenter_id: Some(jobcenter.id),
                action: action::USER_CREATED,
                entity: "user",
                entity_id: Some(user.id),
                details: format!("{} (demodata)", user.email),
                created_at: now,
                ..Default::default()
            }
            .insert(c)?;
            created.push(DemoLogin {
                email: user.email.clone(),
                name: user.name.clone(),
                role: user.role,
                password: opts.password.is_none().then(|| password.clone()),
            });
            existing.insert(email.clone(), user);
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    let mut staff = Staff {
        members: Vec::new(),
        consultants: Vec::new(),
        managers: Vec::new(),
    };
    for email in &emails {
        if let Some(u) = existing.get(email) {
            match u.role {
                Role::Consultant => staff.consultants.push(staff.members.len()),
                Role::Manager => staff.managers.push(staff.members.len()),
                Role::Admin | Role::Reader => {}
            }
            staff.members.push(Member {
                id: u.id,
                name: u.name.clone(),
            });
        }
    }
    if staff.consultants.is_empty() {
        return Err(SeedError::Invalid(
            "none of the demo consultants' e-mails belongs to this jobcenter".into(),
        ));
    }
    let existing_count = STAFF.len() - missing.len() - elsewhere;
    Ok((staff, created, existing_count))
}

/// A random password for a demo user: 20 letters and digits (about 119 bits) from the OS
/// generator, never from the seed.
fn random_password() -> String {
    rand::rngs::OsRng
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// Argon2 is slow on purpose: each distinct password is hashed once, on all cores.
fn hash_distinct(passwords: &[String]) -> Vec<String> {
    let mut distinct: Vec<&str> = Vec::new();
    for p in passwords {
        if !distinct.contains(&p.as_str()) {
            distinct.push(p);
        }
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, distinct.len().max(1));
    let per_thread = distinct.len().div_ceil(threads).max(1);
    let hashes: HashMap<&str, String> = std::thread::scope(|s| {
        let handles: Vec<_> = distinct
            .chunks(per_thread)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|p| (*p, crate::crypto::hash_password(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("hashing thread"))
            .collect()
    });
    passwords
        .iter()
        .map(|p| hashes[p.as_str()].clone())
        .collect()
}

/// The CVR and P-numbers the jobcenter's companies hold already.
fn taken_numbers(
    c: &mut DbConn,
    jobcenter_id: i64,
) -> QueryResult<(HashSet<String>, HashSet<String>)> {
    let rows: Vec<(String, Option<String>)> = companies::table
        .filter(companies::jobcenter_id.eq(jobcenter_id))
        .select((companies::cvr, companies::p_number))
        .load(c)?;
    let mut cvrs = HashSet::with_capacity(rows.len());
    let mut p_numbers = HashSet::new();
    for (cvr, p) in rows {
        cvrs.insert(cvr);
        if let Some(p) = p {
            p_numbers.insert(p);
        }
    }
    Ok((cvrs, p_numbers))
}
