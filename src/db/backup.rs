//! Backup and restore of a SQLite installation (`jobcenter-crm backup FILE`, `restore FILE`):
//! an online, consistent copy made by SQLite itself (`VACUUM INTO`, safe while the app runs and
//! writes), checked before it is called a backup; a restore that checks the file first, never
//! overwrites data unasked and keeps the old database beside the restored one. A PostgreSQL
//! installation is backed up with PostgreSQL's own tools ([`pg_dump_command`]).

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

/// The tables whose rows a backup and a restore count, in the order printed.
pub const COUNTED: &[&str] = &[
    "jobcenters",
    "users",
    "companies",
    "contact_persons",
    "activities",
    "placements",
    "campaigns",
    "campaign_targets",
    "contact_requests",
    "goals",
    "audit_log",
];

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists already; choose a new file name")]
    Exists(String),
    #[error("{0} is not a file")]
    Missing(String),
    #[error("{0} is not a jobcenter-crm SQLite database: {1}")]
    NotOurs(String, String),
    #[error("the integrity check of {0} failed: {1}")]
    Damaged(String, String),
    #[error(
        "the database {0} holds data ({1} users, {2} companies); restore with --force to replace it (it is kept beside as {0}.before-restore-…)"
    )]
    HasData(String, i64, i64),
    #[error("database error: {0}")]
    Database(String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

impl From<diesel::result::Error> for BackupError {
    fn from(e: diesel::result::Error) -> Self {
        BackupError::Database(e.to_string())
    }
}

/// A checked copy: its size and the rows of [`COUNTED`] it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub bytes: u64,
    pub rows: Vec<(&'static str, i64)>,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// SQLite's integrity check: `["ok"]`, or what is wrong.
pub fn integrity_check(c: &mut SqliteConnection) -> QueryResult<Vec<String>> {
    let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check").load(c)?;
    Ok(lines.into_iter().map(|l| l.integrity_check).collect())
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn open(path: &Path) -> Result<SqliteConnection, BackupError> {
    let url = path
        .to_str()
        .ok_or_else(|| BackupError::Missing(shown(path)))?;
    SqliteConnection::establish(url).map_err(|e| BackupError::NotOurs(shown(path), e.to_string()))
}

/// SQLite's own integrity check of the database file at `path`, and its row counts; refused
/// when the file is not a database of this program.
pub fn check_file(path: &Path) -> Result<Checked, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Missing(shown(path)));
    }
    let mut c = open(path)?;
    let verdict =
        integrity_check(&mut c).map_err(|e| BackupError::NotOurs(shown(path), e.to_string()))?;
    if verdict != ["ok"] {
        return Err(BackupError::Damaged(shown(path), verdict.join("; ")));
    }
    let mut rows = Vec::new();
    for table in COUNTED {
        let count: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result(&mut c)
            .map_err(|e| BackupError::NotOurs(shown(path), e.to_string()))?;
        rows.push((*table, count.n));
    }
    let bytes = std::fs::metadata(path)
        .map_err(|e| BackupError::Io(shown(path), e))?
        .len();
    Ok(Checked { bytes, rows })
}

/// Writes a consistent copy of the open SQLite database to `target` while the app may go on
/// writing (SQLite's `VACUUM INTO` reads one snapshot), then checks the copy.
pub fn backup(conn: &mut SqliteConnection, target: &Path) -> Result<Checked, BackupError> {
    if target.exists() {
        return Err(BackupError::Exists(shown(target)));
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| BackupError::Io(shown(parent), e))?;
    }
    let path = target
        .to_str()
        .ok_or_else(|| BackupError::Missing(shown(target)))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(path)
        .execute(conn)?;
    check_file(target)
}

/// The name of a day's scheduled copy.
fn daily_name(day: chrono::NaiveDate) -> String {
    format!("jobcenter-crm-{}.db", day.format("%Y-%m-%d"))
}

/// The scheduled backup: `day`'s copy in `dir` (`jobcenter-crm-YYYY-MM-DD.db`) unless it is
/// there already, then only the newest `keep` of these copies stay. Returns the copy written.
pub fn daily(
    conn: &mut SqliteConnection,
    dir: &Path,
    keep: usize,
    day: chrono::NaiveDate,
) -> Result<Option<PathBuf>, BackupError> {
    let target = dir.join(daily_name(day));
    let written = if target.exists() {
        None
    } else {
        backup(conn, &target)?;
        Some(target)
    };
    let mut copies: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| BackupError::Io(shown(dir), e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("jobcenter-crm-")
                    && n.ends_with(".db")
                    && n.len() == daily_name(day).len()
            })
        })
        .collect();
    // The names sort by their day.
    copies.sort();
    let old = copies.len().saturating_sub(keep.max(1));
    for copy in &copies[..old] {
        std::fs::remove_file(copy).map_err(|e| BackupError::Io(shown(copy), e))?;
    }
    Ok(written)
}

/// What a restore did: where the database it replaced was kept, and what the restored one
/// holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub kept_as: Option<PathBuf>,
    pub checked: Checked,
}

/// Puts the backup `file` in place as the SQLite database `target`, after checking it. A
/// database with users or companies is replaced only with `force`; a replaced database is kept
/// beside as `target.before-restore-<time>`. The app must be stopped meanwhile.
pub fn restore(
    file: &Path,
    target: &Path,
    force: bool,
    now: chrono::NaiveDateTime,
) -> Result<Restored, BackupError> {
    let checked = check_file(file)?;
    let mut kept_as = None;
    if target.exists() {
        let mut c = open(target)?;
        let count = |c: &mut SqliteConnection, table: &str| -> i64 {
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                .get_result::<Count>(c)
                .map_or(0, |r| r.n)
        };
        let (users, companies) = (count(&mut c, "users"), count(&mut c, "companies"));
        if (users > 0 || companies > 0) && !force {
            return Err(BackupError::HasData(shown(target), users, companies));
        }
        // Everything in the write-ahead log goes into the file before it is moved aside.
        c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
        drop(c);
        let aside = PathBuf::from(format!(
            "{}.before-restore-{}",
            shown(target),
            now.format("%Y%m%d-%H%M%S")
        ));
        std::fs::rename(target, &aside).map_err(|e| BackupError::Io(shown(target), e))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", shown(target)));
            if side.exists() {
                std::fs::remove_file(&side).map_err(|e| BackupError::Io(shown(&side), e))?;
            }
        }
        kept_as = Some(aside);
    } else if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| BackupError::Io(shown(parent), e))?;
    }
    // Copied under a temporary name and renamed: a database file is either whole or absent.
    let partial = PathBuf::from(format!("{}.restoring", shown(target)));
    std::fs::copy(file, &partial).map_err(|e| BackupError::Io(shown(file), e))?;
    std::fs::rename(&partial, target).map_err(|e| BackupError::Io(shown(target), e))?;
    Ok(Restored { kept_as, checked })
}

/// The command that backs up a PostgreSQL installation, with the password left out (pg_dump
/// reads it from `PGPASSWORD` or `~/.pgpass`).
pub fn pg_dump_command(url: &str, file: &Path) -> String {
    format!(
        "pg_dump --format=custom --file '{}' '{}'",
        shown(file),
        without_password(url)
    )
}

/// A PostgreSQL URL with its password replaced by `***`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows_in_the_pg_dump_command() {
        let cmd = pg_dump_command(
            "postgres://crm:hemmelig@db.koege.dk:5432/crm",
            Path::new("/backup/crm.dump"),
        );
        assert_eq!(
            cmd,
            "pg_dump --format=custom --file '/backup/crm.dump' 'postgres://crm:***@db.koege.dk:5432/crm'"
        );
        assert_eq!(
            without_password("postgres://crm@db/crm"),
            "postgres://crm@db/crm"
        );
    }
}
