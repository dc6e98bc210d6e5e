//! Database access: one connection type over SQLite and PostgreSQL, a pool that picks the
//! backend from the URL scheme, the embedded migrations and the one blocking boundary.

pub mod backup;
pub mod counters;
pub mod dialect;
pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, SimpleConnection,
    TransactionManager,
};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any key will do as long as every instance uses the same one.
const MIGRATION_LOCK_KEY: i64 = 0x6a63_5f63_726d; // "jc_crm"

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Which database a `DATABASE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DbUrlError {
    #[error("DATABASE_URL is empty")]
    Empty,
    #[error(
        "DATABASE_URL has the unsupported scheme '{0}://'; use postgres://, postgresql://, sqlite:// or a file path"
    )]
    UnknownScheme(String),
}

impl DbUrl {
    /// `postgres://` and `postgresql://` select PostgreSQL; `sqlite://path`, `sqlite:path` or a
    /// plain path select SQLite. Any other scheme is an error, never a silently created file.
    pub fn parse(url: &str) -> Result<DbUrl, DbUrlError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DbUrlError::Empty);
        }
        if let Some((scheme, rest)) = url.split_once("://") {
            return match scheme.to_ascii_lowercase().as_str() {
                "postgres" | "postgresql" => Ok(DbUrl::Postgres(url.to_string())),
                "sqlite" if !rest.is_empty() => Ok(DbUrl::Sqlite(PathBuf::from(rest))),
                "sqlite" => Err(DbUrlError::Empty),
                other => Err(DbUrlError::UnknownScheme(other.to_string())),
            };
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            return if rest.is_empty() {
                Err(DbUrlError::Empty)
            } else {
                Ok(DbUrl::Sqlite(PathBuf::from(rest)))
            };
        }
        // "mysql:host/db" and the like: a scheme-looking prefix that is not a Windows drive letter.
        if let Some((scheme, _)) = url.split_once(':')
            && scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
        {
            return Err(DbUrlError::UnknownScheme(scheme.to_string()));
        }
        Ok(DbUrl::Sqlite(PathBuf::from(url)))
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, DbUrl::Sqlite(_))
    }
}

/// Opens connections for the pool; SQLite connections get their pragmas on every open.
#[derive(Debug, Clone)]
pub struct DbManager {
    url: DbUrl,
    slow_query: Option<Duration>,
}

impl DbManager {
    /// `slow_query`: statements that take at least this long are logged.
    pub fn new(url: DbUrl, slow_query: Option<Duration>) -> Self {
        DbManager { url, slow_query }
    }
}

/// Logs each statement that takes `threshold` or longer, with its SQL but not its bound values
/// (those may be a citizen's or a contact person's data).
fn slow_query_log(threshold: Duration) -> impl Instrumentation {
    let mut started: Option<Instant> = None;
    move |event: InstrumentationEvent<'_>| match event {
        InstrumentationEvent::StartQuery { .. } => started = Some(Instant::now()),
        InstrumentationEvent::FinishQuery { query, .. } => {
            let Some(elapsed) = started.take().map(|t| t.elapsed()) else {
                return;
            };
            if elapsed >= threshold {
                let text = query.to_string();
                let sql = text.split(" -- binds:").next().unwrap_or_default().trim();
                tracing::warn!(ms = elapsed.as_secs_f64() * 1000.0, "slow query: {sql}");
            }
        }
        _ => {}
    }
}

pub fn establish(url: &DbUrl) -> Result<DbConn, r2d2::Error> {
    match url {
        DbUrl::Sqlite(path) => {
            let path = path.to_str().ok_or_else(|| {
                diesel::ConnectionError::InvalidConnectionUrl(path.display().to_string())
            })?;
            let mut conn = SqliteConnection::establish(path)?;
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(r2d2::Error::QueryError)?;
            Ok(DbConn::Sqlite(conn))
        }
        DbUrl::Postgres(url) => Ok(DbConn::Pg(PgConnection::establish(url)?)),
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        let mut conn = establish(&self.url)?;
        if let Some(threshold) = self.slow_query {
            conn.set_instrumentation(slow_query_log(threshold));
        }
        Ok(conn)
    }

    /// Checked on every checkout. A SQLite file cannot drop its connection, so only a
    /// PostgreSQL connection is pinged (a restarted server would otherwise fail a request).
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        match conn {
            DbConn::Sqlite(_) => Ok(()),
            DbConn::Pg(_) => conn.ping().map_err(r2d2::Error::QueryError),
        }
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<DbManager>;

/// The pool plus the one blocking boundary every query goes through.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DbUrl,
    /// SQLite has one writer at a time; its own wait for the lock polls with growing sleeps,
    /// so writers were served out of order (16 clients logging activities: p99 about 1 s).
    /// Writes queue here first, in arrival order. See [`Db::write`].
    writer: Arc<parking_lot::FairMutex<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Url(#[from] DbUrlError),
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("cannot run the database migrations: {0}")]
    Migrate(String),
}

impl Db {
    /// Opens the pool. `pool_size` connections at most; a request that cannot get one within
    /// `timeout` fails with 503 instead of hanging. Statements slower than `slow_query` are
    /// logged.
    pub fn open(
        url: &str,
        pool_size: u32,
        timeout: Duration,
        slow_query: Option<Duration>,
    ) -> Result<Db, DbOpenError> {
        let url = DbUrl::parse(url)?;
        if let DbUrl::Sqlite(path) = &url {
            ensure_parent_dir(path)?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            .build(DbManager::new(url.clone(), slow_query))
            .map_err(|e| DbOpenError::Connect(e.to_string()))?;
        Ok(Db {
            pool,
            url,
            writer: Arc::new(parking_lot::FairMutex::new(())),
        })
    }

    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// The pool's connections: (open, of them idle).
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<F, T>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || f(&mut *checkout(&pool)?))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Runs `f`, which writes, like [`Db::run`]; on SQLite the writes of this process take turns
    /// in the order they came (a fair lock taken before the connection, so a waiting writer
    /// holds no connection a reader could use). PostgreSQL writes run side by side.
    ///
    /// Measured with clients logging activities on SQLite (5,000 companies, 100,000
    /// activities; release build, server and load generator on a core each, two runs each):
    /// 16 clients p99 0.94–1.27 s without the queue, 18–23 ms with it; 64 clients 350–440 ms
    /// without, 67–69 ms with; throughput the same (1,100–1,350 a second).
    pub async fn write<F, T>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if !self.url.is_sqlite() {
            return self.run(f).await;
        }
        let (pool, writer) = (self.pool.clone(), self.writer.clone());
        actix_web::web::block(move || {
            let _turn = writer.lock();
            f(&mut *checkout(&pool)?)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Runs `f`, which only reads, with a pooled connection. A read on SQLite is a few dozen
    /// microseconds of work in this process — less than handing it to another thread and
    /// back costs — so it runs right here on the request's thread when a connection is free
    /// (a read in WAL mode never waits for a lock). Otherwise, and always on PostgreSQL (a
    /// round trip over the network), it runs on the blocking pool like [`Db::run`].
    pub async fn read<F, T>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if self.url.is_sqlite()
            && let Some(mut conn) = self.pool.try_get()
        {
            // As on the blocking pool, a panic fails this request, not the thread.
            return std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut conn)))
                .unwrap_or_else(|_| Err(AppError::Internal("database call panicked".into())));
        }
        self.run(f).await
    }

    /// A connection outside the async world (CLI, start-up, tests).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<DbManager>, AppError> {
        self.pool.get().map_err(|_| AppError::Unavailable)
    }

    pub fn migrate(&self) -> Result<usize, DbOpenError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| DbOpenError::Connect(e.to_string()))?;
        run_migrations(&mut conn)
    }
}

/// A connection from the pool, or 503 when none came free within the pool's timeout.
fn checkout(pool: &Pool) -> Result<r2d2::PooledConnection<DbManager>, AppError> {
    pool.get().map_err(|e| {
        tracing::warn!("no database connection available: {e}");
        AppError::Unavailable
    })
}

fn ensure_parent_dir(path: &Path) -> Result<(), DbOpenError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbOpenError::DataDir(parent.display().to_string(), e))?;
    }
    Ok(())
}

/// Runs `$body` with the concrete connection. Multi-row INSERTs go this way: diesel does not
/// accept them through the MultiConnection (SQLite would not get one statement per batch).
macro_rules! on_backend {
    ($c:expr, |$conn:ident| $body:expr) => {
        match $c {
            DbConn::Sqlite($conn) => $body,
            DbConn::Pg($conn) => $body,
        }
    };
}
pub(crate) use on_backend;

/// The triggers that keep derived data (counters, SQLite's search index), one readable file
/// per database, applied after the migrations on every start.
const SQLITE_TRIGGERS: &str = include_str!("triggers/sqlite.sql");
const POSTGRES_TRIGGERS: &str = include_str!("triggers/postgres.sql");

/// Runs pending migrations, then (re)applies the triggers of `triggers/`; on PostgreSQL under
/// an advisory lock so that several instances starting together migrate once. Returns how many
/// migrations ran.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, DbOpenError> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| DbOpenError::Migrate(e.to_string());
    let triggers_failed = |e: diesel::result::Error| DbOpenError::Migrate(format!("triggers: {e}"));
    match conn {
        // One write transaction around all of it: a second process waits, then finds nothing
        // pending. Each migration runs in a savepoint inside it. Foreign keys are off meanwhile
        // (they cannot be switched inside a transaction), so that a migration can rebuild a
        // table others refer to, as SQLite's documentation describes for changes ALTER TABLE
        // cannot make; every reference is checked before the transaction commits.
        DbConn::Sqlite(_) => {
            let pragma = |conn: &mut DbConn, sql: &str| match conn {
                DbConn::Sqlite(c) => c.batch_execute(sql).map_err(|e| failed(Box::new(e))),
                DbConn::Pg(_) => unreachable!("matched SQLite above"),
            };
            pragma(conn, "PRAGMA foreign_keys = OFF")?;
            let result = write_tx(conn, |conn| match conn {
                DbConn::Sqlite(c) => {
                    let applied = c
                        .run_pending_migrations(SQLITE_MIGRATIONS)
                        .map(|applied| applied.len())
                        .map_err(failed)?;
                    // Checked only after a migration ran: it reads every table.
                    if applied > 0 {
                        let broken: Option<String> = diesel::select(diesel::dsl::sql::<
                            diesel::sql_types::Nullable<diesel::sql_types::Text>,
                        >(
                            "(SELECT group_concat(\"table\" || ' -> ' || parent, ', ') \
                             FROM pragma_foreign_key_check)",
                        ))
                        .get_result(c)
                        .map_err(|e| failed(Box::new(e)))?;
                        if let Some(broken) = broken {
                            return Err(DbOpenError::Migrate(format!(
                                "rows refer to rows that do not exist: {broken}"
                            )));
                        }
                    }
                    c.batch_execute(SQLITE_TRIGGERS).map_err(triggers_failed)?;
                    Ok(applied)
                }
                DbConn::Pg(_) => unreachable!("matched SQLite above"),
            });
            pragma(conn, "PRAGMA foreign_keys = ON")?;
            result
        }
        DbConn::Pg(c) => {
            let lock = |c: &mut PgConnection, sql: &str| {
                diesel::sql_query(sql)
                    .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK_KEY)
                    .execute(c)
                    .map_err(|e| DbOpenError::Migrate(e.to_string()))
            };
            lock(c, "SELECT pg_advisory_lock($1)")?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|applied| applied.len())
                .map_err(failed)
                .and_then(|applied| {
                    c.transaction(|c| c.batch_execute(POSTGRES_TRIGGERS))
                        .map_err(triggers_failed)?;
                    Ok(applied)
                });
            lock(c, "SELECT pg_advisory_unlock($1)")?;
            result
        }
    }
}

/// How many migrations the database has not had yet.
pub fn pending_migrations(conn: &mut DbConn) -> Result<usize, DbOpenError> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| DbOpenError::Migrate(e.to_string());
    match conn {
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|p| p.len()),
        DbConn::Pg(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|p| p.len()),
    }
    .map_err(failed)
}

/// Proves the database takes a write by moving the one row of `readiness_checks` (`/readyz`).
pub fn prove_writable(conn: &mut DbConn, now: chrono::NaiveDateTime) -> QueryResult<bool> {
    use schema::readiness_checks;
    write_tx(conn, |c| {
        diesel::update(readiness_checks::table.find(1))
            .set(readiness_checks::checked_at.eq(now))
            .execute(c)
    })
    .map(|rows| rows == 1)
}

/// The reads of one page in one read transaction on SQLite: they see one snapshot, and the
/// database's read lock is taken once rather than for every statement. `f` must not write (a
/// read transaction that writes can fail when another connection wrote first). PostgreSQL runs
/// `f` as it is: a transaction would cost two more round trips.
pub fn read_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(_) => conn.transaction(f),
        DbConn::Pg(_) => f(conn),
    }
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, so a transaction that reads
/// before it writes takes the write lock up front and never fails with "database is locked"
/// half-way; on PostgreSQL it waits at most 3 s for a lock and runs no statement longer than
/// 30 s. Nested calls become savepoints.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Tm = <DbConn as Connection>::TransactionManager;
    let nested = Tm::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some();
    match conn {
        // Inside an open transaction this is a savepoint; the lock is held already.
        DbConn::Sqlite(c) if !nested => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        // A write that meets a lock gives up within seconds (503, "try again") instead of
        // waiting as long as the lock lasts; sent with BEGIN, in the same round trip.
        DbConn::Pg(c) if !nested => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN; SET LOCAL lock_timeout = '3s'; SET LOCAL statement_timeout = '30s'",
        )?,
        _ => Tm::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            Tm::commit_transaction(conn)?;
            Ok(value)
        }
        Err(user_error) => match Tm::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(user_error),
            Err(rollback_error) => Err(rollback_error.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Log lines written while `f` runs.
    fn logged(f: impl FnOnce()) -> String {
        use std::sync::{Arc, Mutex};
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || SharedWriter(sink.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, f);
        String::from_utf8(out.lock().unwrap().clone()).unwrap()
    }

    struct SharedWriter(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for SharedWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn slow_queries_are_logged_with_their_sql_and_never_their_values() {
        let secret = "Mette Hansen 010203-1234";
        let run = |threshold: Duration| {
            logged(|| {
                let mut conn = establish(&DbUrl::Sqlite(":memory:".into())).unwrap();
                conn.set_instrumentation(slow_query_log(threshold));
                let echoed: String = diesel::select(secret.into_sql::<diesel::sql_types::Text>())
                    .get_result(&mut conn)
                    .unwrap();
                assert_eq!(echoed, secret);
            })
        };
        let log = run(Duration::ZERO);
        assert!(log.contains("slow query: SELECT ?"), "{log}");
        assert!(!log.contains("Mette") && !log.contains("010203"), "{log}");
        assert!(!run(Duration::from_secs(60)).contains("slow query"));
    }

    #[test]
    fn the_reads_of_a_page_see_one_snapshot_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = DbUrl::Sqlite(dir.path().join("snapshot.db"));
        let mut page = establish(&url).unwrap();
        let mut writer = establish(&url).unwrap();
        page.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        let count = |c: &mut DbConn| -> i64 {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM t)",
            ))
            .get_result(c)
            .unwrap()
        };
        let (before, after) = read_tx(&mut page, |c| {
            let before = count(c);
            // Another request saves in the middle of the page's reads.
            writer.batch_execute("INSERT INTO t VALUES (1)").unwrap();
            Ok::<_, diesel::result::Error>((before, count(c)))
        })
        .unwrap();
        assert_eq!((before, after), (0, 0));
        assert_eq!(count(&mut page), 1, "the next page sees the new row");
    }

    /// The build flags of .cargo/config.toml reach the bundled SQLite (they are what keeps a
    /// cached statement's plan and what spares a lock per column read).
    #[test]
    fn sqlite_is_built_with_the_projects_flags() {
        #[derive(QueryableByName)]
        struct Opt {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let dir = tempfile::tempdir().unwrap();
        let mut c = establish(&DbUrl::Sqlite(dir.path().join("flags.db"))).unwrap();
        let opts: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<Opt>(&mut c)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        for want in ["ENABLE_QPSG", "THREADSAFE=2", "DEFAULT_MEMSTATUS=0"] {
            assert!(opts.iter().any(|o| o == want), "{want} missing: {opts:?}");
        }
        assert!(!opts.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"));
    }

    #[test]
    fn url_schemes_pick_the_backend() {
        assert_eq!(
            DbUrl::parse("postgres://u@h/db"),
            Ok(DbUrl::Postgres("postgres://u@h/db".into()))
        );
        assert_eq!(
            DbUrl::parse("postgresql://u@h/db"),
            Ok(DbUrl::Postgres("postgresql://u@h/db".into()))
        );
        assert_eq!(
            DbUrl::parse("sqlite://data/x.db"),
            Ok(DbUrl::Sqlite("data/x.db".into()))
        );
        assert_eq!(
            DbUrl::parse("sqlite:///abs/x.db"),
            Ok(DbUrl::Sqlite("/abs/x.db".into()))
        );
        assert_eq!(
            DbUrl::parse("sqlite:x.db"),
            Ok(DbUrl::Sqlite("x.db".into()))
        );
        assert_eq!(
            DbUrl::parse("./data/x.db"),
            Ok(DbUrl::Sqlite("./data/x.db".into()))
        );
        assert_eq!(
            DbUrl::parse("/var/lib/x.db"),
            Ok(DbUrl::Sqlite("/var/lib/x.db".into()))
        );
    }

    #[test]
    fn unknown_schemes_are_errors() {
        assert_eq!(
            DbUrl::parse("mysql://root@localhost/db"),
            Err(DbUrlError::UnknownScheme("mysql".into()))
        );
        assert_eq!(
            DbUrl::parse("http://example"),
            Err(DbUrlError::UnknownScheme("http".into()))
        );
        assert_eq!(
            DbUrl::parse("mysql:db"),
            Err(DbUrlError::UnknownScheme("mysql".into()))
        );
        assert_eq!(DbUrl::parse(""), Err(DbUrlError::Empty));
        assert_eq!(DbUrl::parse("sqlite://"), Err(DbUrlError::Empty));
    }
}
