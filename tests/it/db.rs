//! The database layer: URL dispatch, migration parity between the dialects, write transactions.

use std::time::Duration;

use crate::common::TestDb;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use jobcenter_crm::db::{Db, DbConn, DbOpenError, DbUrl, DbUrlError, establish, write_tx};

#[test]
fn an_unknown_scheme_is_an_error_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = std::env::current_dir().unwrap();
    for url in [
        "mysql://root@localhost/crm",
        "mariadb://x/y",
        "redis://127.0.0.1",
    ] {
        match Db::open(url, 1, Duration::from_secs(1), None) {
            Err(DbOpenError::Url(DbUrlError::UnknownScheme(_))) => {}
            Err(other) => panic!("{url}: wrong error {other}"),
            Ok(_) => panic!("{url} was accepted"),
        }
    }
    assert!(!cwd.join("mysql:").exists() && !cwd.join("mysql").exists());
    // A plain path and sqlite:// select SQLite and create the file.
    let path = dir.path().join("sub").join("crm.db");
    let db = Db::open(
        &format!("sqlite://{}", path.display()),
        1,
        Duration::from_secs(1),
        None,
    )
    .unwrap();
    db.migrate().unwrap();
    assert!(path.exists());
    assert!(db.url().is_sqlite());
}

#[test]
fn sqlite_connections_get_their_pragmas() {
    let db = TestDb::sqlite();
    let mut conn = establish(&DbUrl::parse(&db.url).unwrap()).unwrap();
    let DbConn::Sqlite(c) = &mut conn else {
        panic!("not SQLite")
    };
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
        .get_result(c)
        .unwrap();
    assert_eq!(mode.journal_mode, "wal");
    #[derive(QueryableByName)]
    struct Fk {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        foreign_keys: i32,
    }
    let fk: Fk = diesel::sql_query("PRAGMA foreign_keys")
        .get_result(c)
        .unwrap();
    assert_eq!(fk.foreign_keys, 1);
    #[derive(QueryableByName)]
    struct Sync {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        synchronous: i32,
    }
    let sync: Sync = diesel::sql_query("PRAGMA synchronous")
        .get_result(c)
        .unwrap();
    assert_eq!(sync.synchronous, 2, "FULL");
    #[derive(QueryableByName)]
    struct Busy {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        timeout: i32,
    }
    let busy: Busy = diesel::sql_query("PRAGMA busy_timeout")
        .get_result(c)
        .unwrap();
    assert!(busy.timeout >= 5000);
}

#[test]
fn both_migration_folders_list_the_same_migrations() {
    let list = |dialect: &str| {
        let mut names: Vec<String> = std::fs::read_dir(format!("migrations/{dialect}"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = list("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("postgres"));
    for name in &sqlite {
        for dialect in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                assert!(
                    std::path::Path::new(&format!("migrations/{dialect}/{name}/{file}")).exists(),
                    "{dialect}/{name}/{file} is missing"
                );
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
}

fn columns(url: &str) -> Vec<Column> {
    let db = Db::open(url, 1, Duration::from_secs(5), None).unwrap();
    db.migrate().unwrap();
    let mut conn = db.conn().unwrap();
    let mut cols: Vec<Column> = match &mut *conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, (p.\"notnull\" = 1 OR p.pk > 0) AS not_null
             FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'
               -- The search's FTS5 index (db::dialect::search_candidates), SQLite's alone.
               AND m.name NOT LIKE 'companies_fts%'",
        )
        .load(c)
        .unwrap(),
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, (is_nullable = 'NO') AS not_null
             FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
    };
    cols.sort();
    cols
}

/// The indexes and triggers of a migrated database, as (kind, name). Left out: what each
/// database names by itself (primary keys and UNIQUE columns: SQLite's automatic indexes,
/// PostgreSQL's `_key` ones) and the one designed
/// difference, the company search's index (SQLite's FTS5 table with its triggers, PostgreSQL's
/// pg_trgm index; see db::dialect::search_candidates).
fn indexes_and_triggers(url: &str) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Named {
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let db = Db::open(url, 1, Duration::from_secs(5), None).unwrap();
    db.migrate().unwrap();
    let mut conn = db.conn().unwrap();
    let sql = match &*conn {
        DbConn::Sqlite(_) => {
            "SELECT type AS kind, name FROM sqlite_master
             WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_autoindex_%'
               AND name NOT LIKE 'companies_fts%'"
        }
        DbConn::Pg(_) => {
            "SELECT 'index' AS kind, indexname::text AS name FROM pg_indexes
             WHERE schemaname = 'public' AND indexname NOT LIKE '%\\_pkey'
               AND indexname NOT LIKE '%\\_key'
               AND indexname <> 'companies_search_trgm'
             UNION
             SELECT 'trigger', trigger_name::text FROM information_schema.triggers
             WHERE trigger_schema = 'public'"
        }
    };
    let mut named: Vec<(String, String)> = diesel::sql_query(sql)
        .load::<Named>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|n| (n.kind, n.name))
        .collect();
    named.sort();
    named
}

#[test]
fn both_databases_end_with_the_same_tables_columns_indexes_and_triggers() {
    // Needs both databases whichever one the suite runs on.
    let Some(admin_url) = ["TEST_POSTGRES_URL", "TEST_DATABASE_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
    else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but neither TEST_POSTGRES_URL nor TEST_DATABASE_URL is set");
        }
        eprintln!("skipped: set TEST_POSTGRES_URL to compare with PostgreSQL");
        return;
    };
    let sqlite = TestDb::sqlite();
    let pg = TestDb::postgres(&admin_url);
    let lite_cols = columns(&sqlite.url);
    let pg_cols = columns(&pg.url);
    assert!(
        lite_cols
            .iter()
            .any(|c| c.table_name == "users" && c.column_name == "email")
    );
    assert_eq!(lite_cols, pg_cols);
    let lite_named = indexes_and_triggers(&sqlite.url);
    assert!(lite_named.contains(&("trigger".into(), "contact_requests_count_insert".into())));
    assert!(lite_named.contains(&("index".into(), "companies_by_name".into())));
    assert_eq!(lite_named, indexes_and_triggers(&pg.url));
}

#[test]
fn migrations_run_once_and_again_is_a_no_op() {
    let db = TestDb::new();
    let pool = Db::open(&db.url, 2, Duration::from_secs(5), None).unwrap();
    assert!(pool.migrate().unwrap() >= 1);
    assert_eq!(pool.migrate().unwrap(), 0);
}

#[test]
fn concurrent_starts_migrate_once() {
    let db = TestDb::new();
    let url = db.url.clone();
    let applied: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                s.spawn(move || {
                    Db::open(&url, 1, Duration::from_secs(10), None)
                        .unwrap()
                        .migrate()
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let total: usize = applied.iter().sum();
    let expected = std::fs::read_dir("migrations/sqlite").unwrap().count();
    assert_eq!(
        total, expected,
        "each migration ran exactly once: {applied:?}"
    );
}

/// Read-then-write transactions from many threads: none fails with "database is locked" and
/// no update is lost, because SQLite write transactions take the lock up front.
#[test]
fn sqlite_write_transactions_that_read_first_do_not_collide() {
    use jobcenter_crm::db::schema::jobcenters;
    let db = TestDb::sqlite();
    let pool = Db::open(&db.url, 8, Duration::from_secs(10), None).unwrap();
    pool.migrate().unwrap();
    let id: i64 = {
        let mut c = pool.conn().unwrap();
        jobcenter_crm::models::jobcenter::NewJobcenter {
            name: "",
            municipality_code: "101",
            slug: "tæller",
            created_at: chrono::Utc::now().naive_utc(),
        }
        .insert(&mut c)
        .unwrap()
        .id
    };
    std::thread::scope(|s| {
        for _ in 0..8 {
            let pool = pool.clone();
            s.spawn(move || {
                for _ in 0..20 {
                    let mut c = pool.conn().unwrap();
                    write_tx(&mut c, |c| {
                        let name: String = jobcenters::table
                            .find(id)
                            .select(jobcenters::name)
                            .first(c)?;
                        std::thread::yield_now();
                        diesel::update(jobcenters::table.find(id))
                            .set(jobcenters::name.eq(format!("{name}x")))
                            .execute(c)?;
                        Ok::<_, diesel::result::Error>(())
                    })
                    .expect("no write failed");
                }
            });
        }
    });
    let mut c = pool.conn().unwrap();
    let name: String = jobcenters::table
        .find(id)
        .select(jobcenters::name)
        .first(&mut c)
        .unwrap();
    assert_eq!(name.len(), 160);
}

#[test]
fn a_failed_write_transaction_leaves_nothing_behind() {
    use jobcenter_crm::db::schema::jobcenters;
    let db = TestDb::new();
    let pool = Db::open(&db.url, 1, Duration::from_secs(5), None).unwrap();
    pool.migrate().unwrap();
    let mut c = pool.conn().unwrap();
    let result: Result<(), diesel::result::Error> = write_tx(&mut c, |c| {
        jobcenter_crm::models::jobcenter::NewJobcenter {
            name: "Halv",
            municipality_code: "101",
            slug: "halv",
            created_at: chrono::Utc::now().naive_utc(),
        }
        .insert(c)?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(result.is_err());
    let count: i64 = jobcenters::table.count().get_result(&mut c).unwrap();
    assert_eq!(count, 0);
    // The connection is usable afterwards.
    write_tx(&mut c, |c| {
        jobcenters::table.count().get_result::<i64>(c)?;
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
}

/// The scheduled backup of a SQLite installation writes one copy a day and keeps the newest
/// ones; other files in its folder are left alone.
#[test]
fn the_daily_backup_is_written_once_a_day_and_only_the_newest_are_kept() {
    let db = TestDb::sqlite();
    let pool = Db::open(&db.url, 1, Duration::from_secs(5), None).unwrap();
    pool.migrate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("andet.db"), "ikke vores").unwrap();
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let mut conn = pool.conn().unwrap();
    let DbConn::Sqlite(c) = &mut *conn else {
        panic!("SQLite")
    };
    let first = jobcenter_crm::db::backup::daily(c, dir.path(), 2, day(1)).unwrap();
    assert!(first.is_some());
    let again = jobcenter_crm::db::backup::daily(c, dir.path(), 2, day(1)).unwrap();
    assert_eq!(again, None, "one copy a day");
    for d in [2, 3] {
        jobcenter_crm::db::backup::daily(c, dir.path(), 2, day(d)).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "andet.db",
            "jobcenter-crm-2026-12-02.db",
            "jobcenter-crm-2026-12-03.db"
        ]
    );
    jobcenter_crm::db::backup::check_file(&dir.path().join("jobcenter-crm-2026-12-03.db")).unwrap();
}
