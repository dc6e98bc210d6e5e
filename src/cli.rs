//! The command line: `serve`, `migrate`, `jobcenter add`, `cluster add|invite|list`,
//! `user add|set-password|disable`,
//! `import companies|population`, `seed-demo`, `backup`, `restore`, `check`.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, DbArgs, ServeArgs};
use crate::db::{Db, DbConn, DbUrl, backup, counters, dialect, write_tx};
use crate::domain::validate;
use crate::error::AppError;
use crate::mail::{self, Mailer};
use crate::models::access_log::AccessLog;
use crate::models::audit::{NewAuditEntry, action};
use crate::models::company_import::PendingImport;
use crate::models::contact_form_hit::ContactFormHit;
use crate::models::contact_request::ContactRequest;
use crate::models::jobcenter::{Jobcenter, NewJobcenter};
use crate::models::kept_form::KeptForm;
use crate::models::login_attempt::LoginAttempt;
use crate::models::outbox::OutboxMail;
use crate::models::satisfaction::Survey;
use crate::models::session::Session;
use crate::models::setup_token::SetupToken;
use crate::models::user::{NewUser, Role, User};
use crate::seed::{Progress, SeedOptions};
use crate::web::{AppState, build_app};

#[derive(Debug, Parser)]
#[command(
    name = "jobcenter-crm",
    version,
    about = "Contact system for a jobcenter's company service"
)]
pub struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web app (runs pending migrations first)
    Serve(ServeArgs),
    /// Run pending database migrations and exit
    Migrate,
    /// Manage jobcenters
    Jobcenter {
        #[command(subcommand)]
        command: JobcenterCommand,
    },
    /// Clusters of neighbouring jobcenters on this installation (each member's admin accepts
    /// under Administration › Klynger before anything is shared)
    Cluster {
        #[command(subcommand)]
        command: ClusterCommand,
    },
    /// Manage staff accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import data from CSV files as Danish Excel writes them
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Fill a jobcenter with realistic Danish demo data (also used by the benchmarks)
    SeedDemo(SeedDemoArgs),
    /// Write a consistent, checked copy of the SQLite database to FILE while the app runs
    /// (PostgreSQL: prints the pg_dump command to use)
    Backup {
        /// Where the copy goes; must not exist yet
        file: std::path::PathBuf,
    },
    /// Check the database: SQLite's integrity check, pending migrations, and every counter the
    /// triggers keep against a recount of its rows
    Check {
        /// Rebuild the counters that differ from their recount
        #[arg(long)]
        repair: bool,
    },
    /// Put a copy made by `backup` in place of the SQLite database; stop the app first
    Restore {
        /// The copy to restore
        file: std::path::PathBuf,
        /// Replace a database that holds data (it is kept beside as *.before-restore-TIME)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, clap::Args)]
struct SeedDemoArgs {
    /// Seed into this existing jobcenter; without it "Jobcenter Demo" (slug demo) is created or
    /// reused
    #[arg(long)]
    jobcenter: Option<String>,
    /// Companies to add
    #[arg(long)]
    companies: usize,
    /// Activities to add, spread over the last three years
    #[arg(long)]
    activities: usize,
    /// Placements to add
    #[arg(long, default_value_t = 0)]
    placements: usize,
    /// Campaigns to add, each with a target list split between three consultants
    #[arg(long, default_value_t = 0)]
    campaigns: usize,
    /// Contact requests to add
    #[arg(long, default_value_t = 0)]
    requests: usize,
    /// Recruitment needs to add, each with about five referrals
    #[arg(long, default_value_t = 0)]
    needs: usize,
    /// The same seed gives the same data
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Give every new demo user the password on the first line of standard input; without it
    /// each gets a random one, printed once as `demo login: EMAIL PASSWORD ROLE`
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import companies; good rows go in together, bad rows are reported by line
    Companies {
        /// The CSV file (`;` or `,` separated, UTF-8 or Windows-1252)
        file: std::path::PathBuf,
        /// The jobcenter's slug; may be left out when there is exactly one jobcenter
        #[arg(long)]
        jobcenter: Option<String>,
        /// Update companies that exist already (same CVR or P-number) instead of skipping them
        #[arg(long)]
        update_existing: bool,
    },
    /// Import the municipality's CVR extract of production units (the whole extract: units
    /// it does not list count as gone); bad rows are reported by line
    Population {
        /// The CSV file, as the CVR's downloads and extract services write it
        file: std::path::PathBuf,
        /// The jobcenter's slug; may be left out when there is exactly one jobcenter
        #[arg(long)]
        jobcenter: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ClusterCommand {
    /// Create a cluster and invite its members
    Add {
        /// The cluster's name, e.g. "Sydsjælland"
        #[arg(long)]
        name: String,
        /// A member jobcenter's slug; at least two
        #[arg(long = "member", required = true)]
        members: Vec<String>,
    },
    /// Invite a jobcenter to an existing cluster: a new member, or again one that declined or
    /// left
    Invite {
        /// The cluster's name
        #[arg(long)]
        name: String,
        /// The jobcenter's slug
        #[arg(long)]
        member: String,
    },
    /// List the clusters and where each member stands
    List,
}

#[derive(Debug, Subcommand)]
enum JobcenterCommand {
    /// Add a jobcenter
    Add {
        /// Name, e.g. "Jobcenter Køge"
        #[arg(long)]
        name: String,
        /// Municipality code, three digits (e.g. 259)
        #[arg(long)]
        municipality: String,
        /// Short name for URLs such as /kontakt/{slug}; derived from the name when left out
        #[arg(long)]
        slug: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a member of staff; the password is read from standard input
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// reader, consultant, manager or admin
        #[arg(long)]
        role: String,
        /// The jobcenter's slug; may be left out when there is exactly one jobcenter
        #[arg(long)]
        jobcenter: Option<String>,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        title: String,
        /// Read the password from the first line of standard input
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input); ends the user's sessions
    SetPassword {
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable a user; ends the user's sessions
    Disable {
        #[arg(long)]
        email: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to standard error, as text, or as one JSON object a line with `LOG_FORMAT=json`
/// (for the municipality's log platform).
fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.trim().eq_ignore_ascii_case("json"));
    let _ = if json {
        logs.json().flatten_event(true).try_init()
    } else {
        logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init()
    };
}

fn open_db(args: &DbArgs, pool_size: u32) -> Result<Db, String> {
    let db = Db::open(
        &args.database_url(),
        pool_size,
        Duration::from_secs(5),
        None,
    )
    .map_err(|e| e.to_string())?;
    db.migrate().map_err(|e| e.to_string())?;
    Ok(db)
}

fn print_rows(checked: &backup::Checked) {
    for (table, n) in &checked.rows {
        println!("  {table}: {n}");
    }
}

fn backup_command(args: &DbArgs, file: &std::path::Path) -> Result<(), String> {
    let url = args.database_url();
    match DbUrl::parse(&url).map_err(|e| e.to_string())? {
        DbUrl::Postgres(url) => Err(format!(
            "a PostgreSQL database is backed up with PostgreSQL's own tool, e.g.\n  {}\n(restore with pg_restore)",
            backup::pg_dump_command(&url, file)
        )),
        DbUrl::Sqlite(_) => {
            let db = Db::open(&url, 1, Duration::from_secs(30), None).map_err(|e| e.to_string())?;
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            let DbConn::Sqlite(c) = &mut *conn else {
                return Err("not a SQLite database".into());
            };
            let checked = backup::backup(c, file).map_err(|e| e.to_string())?;
            println!(
                "backup written: {} ({} bytes, integrity check ok)",
                file.display(),
                checked.bytes
            );
            print_rows(&checked);
            Ok(())
        }
    }
}

fn restore_command(args: &DbArgs, file: &std::path::Path, force: bool) -> Result<(), String> {
    let url = args.database_url();
    match DbUrl::parse(&url).map_err(|e| e.to_string())? {
        DbUrl::Postgres(_) => Err(
            "a PostgreSQL database is restored with PostgreSQL's own tool: pg_restore --clean --dbname URL FILE"
                .into(),
        ),
        DbUrl::Sqlite(path) => {
            let now = chrono::Utc::now().naive_utc();
            let restored = backup::restore(file, &path, force, now).map_err(|e| e.to_string())?;
            // A copy from an older version is brought up to date.
            let migrated = open_db(args, 1).map(drop);
            println!(
                "restored {} as {} ({} bytes, integrity check ok)",
                file.display(),
                path.display(),
                restored.checked.bytes
            );
            if let Some(kept) = &restored.kept_as {
                println!("the database it replaced is kept as {}", kept.display());
            }
            print_rows(&restored.checked);
            migrated
        }
    }
}

fn check_command(args: &DbArgs, repair: bool) -> Result<(), String> {
    let db = Db::open(&args.database_url(), 1, Duration::from_secs(30), None)
        .map_err(|e| e.to_string())?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    match &mut *conn {
        DbConn::Sqlite(c) => {
            let verdict = backup::integrity_check(c).map_err(|e| e.to_string())?;
            if verdict == ["ok"] {
                println!("integrity: ok");
            } else {
                println!("integrity: {}", verdict.join("; "));
                problems.push("the integrity check failed; restore the latest backup".to_string());
            }
        }
        DbConn::Pg(_) => println!("integrity: PostgreSQL checks its own pages (see pg_amcheck)"),
    }
    let pending = crate::db::pending_migrations(&mut conn).map_err(|e| e.to_string())?;
    if pending == 0 {
        println!("migrations: all applied");
    } else {
        println!("migrations: {pending} pending");
        problems.push(format!(
            "{pending} migration(s) pending; run `jobcenter-crm migrate`"
        ));
    }
    let mut differ = Vec::new();
    for counter in counters::COUNTERS {
        let n = counter.differences(&mut conn).map_err(|e| e.to_string())?;
        if n > 0 {
            println!(
                "counter {}: {n} row(s) differ from a recount",
                counter.table
            );
            differ.push(counter.table);
        }
    }
    if differ.is_empty() {
        println!(
            "counters: all {} match a recount of their rows",
            counters::COUNTERS.len()
        );
    } else if repair {
        let rebuilt = counters::repair(&mut conn).map_err(|e| e.to_string())?;
        println!("counters rebuilt from their rows: {}", rebuilt.join(", "));
    } else {
        problems.push(format!(
            "{} counter(s) differ from their rows; `jobcenter-crm check --repair` rebuilds them",
            differ.len()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => serve(&cli.db, &args),
        Command::Migrate => {
            let db = Db::open(&cli.db.database_url(), 1, Duration::from_secs(5), None)
                .map_err(|e| e.to_string())?;
            let n = db.migrate().map_err(|e| e.to_string())?;
            println!("{n} migration(s) applied");
            Ok(())
        }
        Command::Backup { file } => backup_command(&cli.db, &file),
        Command::Check { repair } => check_command(&cli.db, repair),
        Command::Restore { file, force } => restore_command(&cli.db, &file, force),
        Command::Jobcenter { command } => {
            let db = open_db(&cli.db, 1)?;
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            match command {
                JobcenterCommand::Add {
                    name,
                    municipality,
                    slug,
                } => add_jobcenter(&mut conn, &name, &municipality, slug),
            }
        }
        Command::User { command } => {
            let db = open_db(&cli.db, 1)?;
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            user_command(&mut conn, command)
        }
        Command::Import {
            command:
                ImportCommand::Companies {
                    file,
                    jobcenter,
                    update_existing,
                },
        } => {
            let db = open_db(&cli.db, 1)?;
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            import_companies(&mut conn, &file, jobcenter, update_existing)
        }
        Command::Import {
            command: ImportCommand::Population { file, jobcenter },
        } => {
            let db = open_db(&cli.db, 1)?;
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            import_population(&mut conn, &file, jobcenter)
        }
        Command::Cluster { command } => {
            let db = open_db(&cli.db, 1)?;
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            cluster(&mut conn, command)
        }
        Command::SeedDemo(args) => {
            let password = if args.password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let db = open_db(&cli.db, 1)?;
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            let opts = SeedOptions {
                jobcenter: args.jobcenter,
                companies: args.companies,
                activities: args.activities,
                placements: args.placements,
                campaigns: args.campaigns,
                requests: args.requests,
                needs: args.needs,
                seed: args.seed,
                password,
            };
            seed_demo(&mut conn, &opts)
        }
    }
}

/// Seeds demo data and prints, on standard output, each phase as it ends, the new demo users
/// (with their generated passwords, once) and the totals. Passwords never go to the log.
fn seed_demo(c: &mut DbConn, opts: &SeedOptions) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let mut print = |p: Progress<'_>| {
        let _ = match p {
            Progress::Jobcenter { jobcenter, created } => writeln!(
                out,
                "jobcenter: {} (slug {}, {})",
                jobcenter.name,
                jobcenter.slug,
                if created { "created" } else { "existing" }
            ),
            Progress::Users {
                created,
                existing,
                took,
            } => {
                for login in created {
                    let _ = match &login.password {
                        Some(pw) => writeln!(
                            out,
                            "demo login: {} {pw} {}",
                            login.email,
                            login.role.as_str()
                        ),
                        None => writeln!(out, "demo user: {} {}", login.email, login.role.as_str()),
                    };
                }
                writeln!(
                    out,
                    "users: {} created, {existing} existing ({:.2} s)",
                    created.len(),
                    took.as_secs_f64()
                )
            }
            Progress::Phase { what, rows, took } => {
                writeln!(out, "{what}: {rows} ({:.2} s)", took.as_secs_f64())
            }
        };
        let _ = out.flush();
    };
    let report = crate::seed::seed_demo(c, opts, SystemClock.now(), &mut print)
        .map_err(|e| e.to_string())?;
    println!(
        "total: {} rows in {:.2} s",
        report.rows(),
        report.took.as_secs_f64()
    );
    Ok(())
}

fn import_companies(
    c: &mut DbConn,
    file: &std::path::Path,
    jobcenter: Option<String>,
    update_existing: bool,
) -> Result<(), String> {
    let jobcenter = pick_jobcenter(c, jobcenter)?;
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let table = crate::domain::csv_io::read_table(&bytes).map_err(|e| e.to_string())?;
    let now = SystemClock.now();
    let report =
        crate::models::company_import::import(c, jobcenter.id, &table, update_existing, now)
            .map_err(|e| e.to_string())??;
    NewAuditEntry {
        jobcenter_id: Some(jobcenter.id),
        action: action::COMPANIES_IMPORTED,
        entity: "company",
        details: format!(
            "{} (command line): {} oprettet, {} opdateret, {} uændret, {} sprunget over, {} fejl",
            file.display(),
            report.created,
            report.updated,
            report.unchanged,
            report.skipped,
            report.errors.len()
        ),
        created_at: now,
        ..Default::default()
    }
    .insert(c)
    .map_err(|e| e.to_string())?;
    println!(
        "{}: {} created, {} updated, {} unchanged, {} skipped, {} with errors",
        jobcenter.name,
        report.created,
        report.updated,
        report.unchanged,
        report.skipped,
        report.errors.len()
    );
    for e in &report.errors {
        println!("linje {}: {}", e.line, e.message);
    }
    Ok(())
}

fn import_population(
    c: &mut DbConn,
    file: &std::path::Path,
    jobcenter: Option<String>,
) -> Result<(), String> {
    use crate::models::population::{self, PopulationImport};
    let jobcenter = pick_jobcenter(c, jobcenter)?;
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let table = crate::domain::csv_io::read_table(&bytes).map_err(|e| e.to_string())?;
    let parsed = population::parse(&table)?;
    let now = SystemClock.now();
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let started = std::time::Instant::now();
    let done = PopulationImport::run(c, jobcenter.id, None, &name, &parsed, now)
        .map_err(|e| e.to_string())?;
    NewAuditEntry {
        jobcenter_id: Some(jobcenter.id),
        action: action::POPULATION_IMPORTED,
        entity: "population_import",
        entity_id: Some(done.id),
        details: format!(
            "{name} (kommandolinjen): {} enheder, {} nye, {} ændrede, {} ophørt, {} ikke længere med, {} linjer afvist",
            done.listed, done.added, done.changed, done.ceased, done.gone, done.refused
        ),
        created_at: now,
        ..Default::default()
    }
    .insert(c)
    .map_err(|e| e.to_string())?;
    println!(
        "{}: {} units ({} in operation with employees): {} added, {} changed, {} unchanged, {} ceased, {} gone, {} lines refused, in {:.1} s",
        jobcenter.name,
        done.listed,
        done.base,
        done.added,
        done.changed,
        done.unchanged,
        done.ceased,
        done.gone,
        done.refused,
        started.elapsed().as_secs_f64()
    );
    for e in &parsed.errors {
        println!("linje {}: {}", e.line, e.message);
    }
    Ok(())
}

fn cluster(c: &mut DbConn, command: ClusterCommand) -> Result<(), String> {
    use crate::models::cluster::Cluster;
    let refusal = |e: crate::models::WriteError| match e {
        crate::models::WriteError::Invalid(errors) => {
            errors.into_values().collect::<Vec<_>>().join(" ")
        }
        other => format!("{other:?}"),
    };
    match command {
        ClusterCommand::Add { name, members } => {
            let mut ids = Vec::new();
            for slug in &members {
                let jc = Jobcenter::find_by_slug(c, slug)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("no jobcenter with the slug '{slug}'"))?;
                ids.push(jc.id);
            }
            let cluster = Cluster::create(c, &name, &ids, SystemClock.now()).map_err(refusal)?;
            println!(
                "cluster {} created; each member's admin accepts the invitation under Administration › Klynger",
                cluster.name
            );
            Ok(())
        }
        ClusterCommand::Invite { name, member } => {
            let jc = Jobcenter::find_by_slug(c, &member)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no jobcenter with the slug '{member}'"))?;
            let cluster = Cluster::invite(c, &name, jc.id, SystemClock.now()).map_err(refusal)?;
            println!(
                "{} is invited to {}; its admin accepts the invitation under Administration › Klynger",
                jc.name, cluster.name
            );
            Ok(())
        }
        ClusterCommand::List => {
            for (cluster, members) in Cluster::all(c).map_err(|e| e.to_string())? {
                let members: Vec<String> = members
                    .iter()
                    .map(|(name, standing)| format!("{name} ({})", standing.label().to_lowercase()))
                    .collect();
                println!("{}: {}", cluster.name, members.join(", "));
            }
            Ok(())
        }
    }
}

/// The named jobcenter, or the only one.
fn pick_jobcenter(c: &mut DbConn, slug: Option<String>) -> Result<Jobcenter, String> {
    match slug {
        Some(slug) => Jobcenter::find_by_slug(c, &slug)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no jobcenter with the slug '{slug}'")),
        None => {
            let mut all = Jobcenter::all(c).map_err(|e| e.to_string())?;
            match all.len() {
                1 => Ok(all.remove(0)),
                0 => Err("there is no jobcenter yet: add one with `jobcenter add`".into()),
                _ => Err("there are several jobcenters: name one with --jobcenter SLUG".into()),
            }
        }
    }
}

fn add_jobcenter(
    c: &mut DbConn,
    name: &str,
    municipality: &str,
    slug: Option<String>,
) -> Result<(), String> {
    let name = name.trim();
    validate::required(name, 200, "name is empty").map_err(|e| format!("--name: {e}"))?;
    validate::municipality_code(municipality).map_err(|e| format!("--municipality: {e}"))?;
    let slug = slug.unwrap_or_else(|| validate::slugify(name));
    validate::slug(&slug).map_err(|e| format!("--slug: {e}"))?;
    let now = SystemClock.now();
    let jobcenter = write_tx(c, |c| {
        if Jobcenter::find_by_slug(c, &slug)?.is_some() {
            return Ok(Err(format!(
                "a jobcenter with the slug '{slug}' exists already"
            )));
        }
        let jc = NewJobcenter {
            name,
            municipality_code: municipality,
            slug: &slug,
            created_at: now,
        }
        .insert(c)?;
        NewAuditEntry {
            jobcenter_id: Some(jc.id),
            action: action::JOBCENTER_CREATED,
            entity: "jobcenter",
            entity_id: Some(jc.id),
            details: "command line".into(),
            created_at: now,
            ..Default::default()
        }
        .insert(c)?;
        Ok::<_, diesel::result::Error>(Ok(jc))
    })
    .map_err(|e| e.to_string())??;
    println!(
        "jobcenter '{}' added (slug {})",
        jobcenter.name, jobcenter.slug
    );
    Ok(())
}

fn read_password() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    validate::password(&password).map_err(|e| e.to_string())?;
    Ok(password)
}

fn find_user(c: &mut DbConn, email: &str) -> Result<User, String> {
    let email = validate::normalize_email(email);
    User::find_by_email(c, &email)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user with the e-mail {email}"))
}

fn user_command(c: &mut DbConn, command: UserCommand) -> Result<(), String> {
    let now = SystemClock.now();
    let audit = |c: &mut DbConn, user: &User, act: &'static str| {
        NewAuditEntry {
            jobcenter_id: Some(user.jobcenter_id),
            action: act,
            entity: "user",
            entity_id: Some(user.id),
            details: format!("{} (command line)", user.email),
            created_at: now,
            ..Default::default()
        }
        .insert(c)
        .map_err(|e| e.to_string())
    };
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            jobcenter,
            phone,
            title,
            password_stdin: _,
        } => {
            let email = validate::normalize_email(&email);
            validate::email(&email).map_err(|e| format!("--email: {e}"))?;
            validate::required(&name, 200, "name is empty").map_err(|e| format!("--name: {e}"))?;
            let role = Role::parse(&role)
                .ok_or_else(|| "--role must be reader, consultant, manager or admin".to_string())?;
            let jobcenter = pick_jobcenter(c, jobcenter)?;
            if User::find_by_email(c, &email)
                .map_err(|e| e.to_string())?
                .is_some()
            {
                return Err(format!("the e-mail {email} is in use already"));
            }
            let hash = crate::crypto::hash_password(&read_password()?);
            let user = NewUser {
                jobcenter_id: jobcenter.id,
                email: &email,
                name: name.trim(),
                phone: phone.trim(),
                title: title.trim(),
                role,
                password_hash: &hash,
                created_at: now,
            }
            .insert(c)
            .map_err(|e| e.to_string())?;
            audit(c, &user, action::USER_CREATED)?;
            println!(
                "user {} added to {} as {}",
                user.email,
                jobcenter.name,
                role.as_str()
            );
        }
        UserCommand::SetPassword { email, .. } => {
            let user = find_user(c, &email)?;
            let hash = crate::crypto::hash_password(&read_password()?);
            User::set_password(c, user.id, &hash).map_err(|e| e.to_string())?;
            audit(c, &user, action::PASSWORD_CHANGED)?;
            println!(
                "password of {} changed; their sessions are ended",
                user.email
            );
        }
        UserCommand::Disable { email } => {
            let user = find_user(c, &email)?;
            User::set_active(c, user.id, false).map_err(|e| e.to_string())?;
            audit(c, &user, action::USER_DISABLED)?;
            println!("{} is disabled; their sessions are ended", user.email);
        }
    }
    Ok(())
}

fn serve(db_args: &DbArgs, args: &ServeArgs) -> Result<(), String> {
    let config = Config::from_args(db_args, args).map_err(|e| e.to_string())?;
    let db = Db::open(
        &config.database_url,
        config.pool_size,
        config.pool_timeout,
        config.slow_query,
    )
    .map_err(|e| e.to_string())?;
    let applied = db.migrate().map_err(|e| e.to_string())?;
    if applied > 0 {
        tracing::info!("applied {applied} database migration(s)");
    }
    if args.demo {
        seed_small_demo(&db)?;
    }
    let mailer = match &config.smtp_url {
        Some(url) => Some(Arc::new(
            Mailer::new(url, &config.mail_from).map_err(|e| e.to_string())?,
        )),
        None => {
            tracing::info!("SMTP_URL is not set: mails wait in the outbox (Udgående e-mail)");
            None
        }
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let state = AppState::new(config.clone(), db.clone(), clock.clone());

    let server_db = db.clone();
    actix_web::rt::System::new().block_on(async move {
        let db = server_db;
        let app_state = state.clone();
        // A blocking thread beyond the database pool would only wait for a connection, and
        // every thread keeps its own allocator cache: cap them near the pool size.
        let blocking_threads = config.pool_size as usize + 2;
        let server = actix_web::HttpServer::new(move || build_app(app_state.clone()))
            .worker_max_blocking_threads(blocking_threads)
            .shutdown_timeout(30)
            // SIGTERM and Ctrl-C are handled below: drain first, then stop.
            .disable_signals()
            // Without it a response written in two pieces (headers, then a body of more than
            // a few kilobytes such as the stylesheet) waits for the client's delayed ACK on a
            // kept-open connection: measured 46 requests a second on one connection instead
            // of thousands.
            .tcp_nodelay(true)
            .bind(&config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let addrs: Vec<String> = server.addrs().iter().map(|a| a.to_string()).collect();
        tracing::info!("listening on http://{}", addrs.join(", http://"));

        let mut conn = db.conn().map_err(|e| e.to_string())?;
        if !User::any_exists(&mut conn).map_err(|e| e.to_string())? {
            let token = SetupToken::shared(&mut conn, &state.keys, clock.now())
                .map_err(|e| e.to_string())?;
            let base = if args.base_url.is_some() {
                config.base_url.clone()
            } else {
                format!("http://{}", addrs.first().cloned().unwrap_or_default())
            };
            tracing::info!(
                "no users yet: open this one-time setup link within 24 hours to create the jobcenter and its first admin: {base}/setup?token={token}"
            );
        }
        drop(conn);

        actix_web::rt::spawn(housekeeping(state.clone()));
        actix_web::rt::spawn(retention(state.clone()));
        actix_web::rt::spawn(crate::webhooks::sender(
            state.db.clone(),
            state.clock.clone(),
        ));
        if let (DbUrl::Sqlite(path), keep @ 1..) = (state.db.url().clone(), args.backup_keep) {
            let dir = path
                .parent()
                .map_or_else(|| PathBuf::from("backups"), |p| p.join("backups"));
            actix_web::rt::spawn(daily_backups(state.clone(), dir, keep));
        }
        if let Some(mailer) = mailer {
            actix_web::rt::spawn(mail::sender(state.db.clone(), state.clock.clone(), mailer));
        }
        let running = server.run();
        actix_web::rt::spawn(drain_then_stop(state.clone(), running.handle()));
        running.await.map_err(|e| format!("server error: {e}"))?;
        tracing::info!("stopped; in-flight requests finished");
        Ok::<(), String>(())
    })?;

    // A stopped SQLite database is left as one consistent file.
    if let Ok(mut conn) = db.conn()
        && let Err(e) = dialect::checkpoint(&mut conn)
    {
        tracing::warn!("checkpoint at shutdown failed: {e}");
    }
    Ok(())
}

/// How long a stopping server goes on answering, with `Connection: close`, before it stops
/// taking requests: a request sent on a kept-open connection as the signal came still gets its
/// answer, and a load balancer sees `/readyz` fail and sends new work elsewhere.
const DRAIN: Duration = Duration::from_secs(2);

/// At SIGTERM or Ctrl-C: drain for [`DRAIN`], then stop accepting, finish what has arrived
/// (up to 30 s) and close.
async fn drain_then_stop(state: AppState, server: actix_web::dev::ServerHandle) {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::error!("cannot listen for SIGTERM: {e}");
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!(
        "stopping: answering for {} s more, then closing",
        DRAIN.as_secs()
    );
    state
        .draining
        .store(true, std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(DRAIN).await;
    server.stop(true).await;
}

/// `serve --demo`: a database without any jobcenter gets the small demo, and its logins are
/// printed once on standard output. A database with a jobcenter is left as it is.
fn seed_small_demo(db: &Db) -> Result<(), String> {
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    if !Jobcenter::all(&mut conn)
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        tracing::info!("--demo: the database has a jobcenter already, so no demo data is added");
        return Ok(());
    }
    tracing::info!("--demo: seeding a small demo jobcenter");
    let report = crate::seed::seed_demo(
        &mut conn,
        &SeedOptions::small_demo(),
        SystemClock.now(),
        &mut |_| {},
    )
    .map_err(|e| format!("demo data: {e}"))?;
    tracing::info!(
        "--demo: {} companies, {} activities, {} campaigns, {} placements and {} contact requests in {:.1} s",
        report.companies,
        report.activities,
        report.campaigns,
        report.placements,
        report.requests,
        report.took.as_secs_f64()
    );
    println!("Demo data is ready. Sign in with one of these (shown only this once):");
    for login in &report.created_users {
        if let Some(pw) = &login.password {
            println!("demo login: {} {pw} {}", login.email, login.role.as_str());
        }
    }
    Ok(())
}

/// Clears expired sessions and kept forms, old login attempts, unconfirmed imports, the contact
/// form's old rate-limit counts, old outbox mails and old webhook deliveries every ten minutes.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = state.now();
        let result = state
            .db
            .run(move |c| {
                Session::purge_expired(c, now)?;
                KeptForm::purge_expired(c, now)?;
                LoginAttempt::purge_old(c, now)?;
                PendingImport::purge_old(c, now)?;
                ContactFormHit::purge_old(c, now)?;
                OutboxMail::purge_old(c, now)?;
                crate::models::webhook::WebhookDelivery::purge_old(c, now)?;
                Ok(())
            })
            .await;
        if let Err(e) = result {
            tracing::warn!("housekeeping failed: {e}");
        }
    }
}

/// SQLite installations with `BACKUP_KEEP`: a checked copy of the database a day in `dir`
/// (checked at start and every hour, so a day is not missed across restarts), the newest
/// `keep` kept.
async fn daily_backups(state: AppState, dir: PathBuf, keep: usize) {
    let mut tick = tokio::time::interval(Duration::from_secs(60 * 60));
    loop {
        tick.tick().await;
        let today = crate::domain::dates::local_date(state.now());
        let d = dir.clone();
        let result = state
            .db
            .run(move |c| {
                std::fs::create_dir_all(&d).map_err(AppError::internal)?;
                match c {
                    DbConn::Sqlite(c) => {
                        backup::daily(c, &d, keep, today).map_err(AppError::internal)
                    }
                    DbConn::Pg(_) => Ok(None),
                }
            })
            .await;
        match result {
            Ok(Some(copy)) => tracing::info!("daily backup written: {}", copy.display()),
            Ok(None) => {}
            Err(e) => tracing::error!("daily backup failed: {e}"),
        }
    }
}

/// Once a day (and at start): deletes closed contact requests, spam, satisfaction surveys and
/// access-log rows past each jobcenter's retention settings.
async fn retention(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(24 * 60 * 60));
    loop {
        tick.tick().await;
        let now = state.now();
        match state
            .db
            .run(move |c| {
                let requests = ContactRequest::purge_expired(c, now)?;
                let surveys = Survey::purge_expired(c, now)?;
                Ok((requests, surveys, AccessLog::purge_expired(c, now)?))
            })
            .await
        {
            Ok((p, surveys, looks)) if p.closed + p.spam + surveys + looks > 0 => tracing::info!(
                "retention: deleted {} closed contact requests, {} spam, {surveys} satisfaction surveys and {looks} access-log rows",
                p.closed,
                p.spam
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!("retention job failed: {e}"),
        }
    }
}
