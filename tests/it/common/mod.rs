//! `TestApp`: the same app `serve` builds, on a fresh database per test — a temporary SQLite
//! file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set — and clients that keep
//! cookies and fill in form tokens like a browser.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use actix_http::Request;
use actix_service::ServiceExt;
use actix_service::boxed::BoxService;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::test;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use jobcenter_crm::clock::{Clock, ManualClock};
use jobcenter_crm::config::Config;
use jobcenter_crm::db::{Db, DbConn};
use jobcenter_crm::domain::cvr::complete_cvr;
use jobcenter_crm::models::company::{Company, CompanyForm};
use jobcenter_crm::models::jobcenter::{Jobcenter, NewJobcenter};
use jobcenter_crm::models::user::{NewUser, Role, User};
use jobcenter_crm::{AppState, build_app};

pub const PASSWORD: &str = "korrekt hest batteri";

/// Argon2 is slow on purpose; the tests hash the shared password once.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| jobcenter_crm::crypto::hash_password(PASSWORD))
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn new() -> TestDb {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Self::postgres(&admin_url),
            _ => Self::sqlite(),
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("test.db").display().to_string();
        TestDb {
            url,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A fresh database on the server `admin_url` points at.
    pub fn postgres(admin_url: &str) -> TestDb {
        let hash = jobcenter_crm::crypto::sha256_hex(&jobcenter_crm::crypto::random_token());
        let name = format!("jc_test_{}", &hash[..16]);
        let mut admin = PgConnection::establish(admin_url).unwrap_or_else(|e| {
            panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}")
        });
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create test database");
        let (base, query) = match admin_url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (admin_url, String::new()),
        };
        let prefix = &base[..base.rfind('/').expect("database URL with a path")];
        TestDb {
            url: format!("{prefix}/{name}{query}"),
            _dir: None,
            pg: Some((admin_url.to_string(), name)),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// The app as the tests call it, its response bodies boxed: one type, so helpers need no
/// generic bounds.
type AppService = BoxService<Request, ServiceResponse, actix_web::Error>;

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    svc: AppService,
    // Dropped last, after the pool.
    pub db: TestDb,
}

/// A fresh app with an empty, migrated database.
pub async fn app() -> TestApp {
    app_with(|_| {}).await
}

/// A fresh app whose configuration the test adjusts first.
pub async fn app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    // Log lines show up in the output of a failing test.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let db = TestDb::new();
    let mut config = Config::for_tests(&db.url);
    adjust(&mut config);
    let pool =
        Db::open(&db.url, config.pool_size, config.pool_timeout, None).expect("open test db");
    pool.migrate().expect("migrate test db");
    let clock = Arc::new(ManualClock::starting_now());
    let state = AppState::new(config, pool, clock.clone());
    let svc = test::init_service(build_app(state.clone())).await;
    let svc = actix_service::boxed::service(svc.map(ServiceResponse::map_into_boxed_body));
    TestApp {
        state,
        clock,
        svc,
        db,
    }
}

/// The people of a seeded app; all share `PASSWORD`.
pub struct Seed {
    pub jobcenter: Jobcenter,
    pub admin: User,
    pub manager: User,
    pub consultant: User,
    /// A neighbouring jobcenter on the same installation.
    pub other_jobcenter: Jobcenter,
    pub other_admin: User,
}

impl TestApp {
    pub fn conn(&self) -> diesel::r2d2::PooledConnection<jobcenter_crm::db::DbManager> {
        self.state.db.conn().expect("connection")
    }

    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    pub fn add_jobcenter(&self, name: &str, slug: &str) -> Jobcenter {
        NewJobcenter {
            name,
            municipality_code: "259",
            slug,
            created_at: self.now(),
        }
        .insert(&mut self.conn())
        .expect("insert jobcenter")
    }

    pub fn add_user(&self, jobcenter: &Jobcenter, email: &str, name: &str, role: Role) -> User {
        NewUser {
            jobcenter_id: jobcenter.id,
            email,
            name,
            phone: "",
            title: "",
            role,
            password_hash: password_hash(),
            created_at: self.now(),
        }
        .insert(&mut self.conn())
        .expect("insert user")
    }

    /// A company in `jobcenter` with a fresh valid CVR number.
    pub fn add_company(&self, jobcenter: &Jobcenter, name: &str) -> Company {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let cvr = (0..)
            .filter_map(|_| complete_cvr(3_000_000 + NEXT.fetch_add(1, Ordering::Relaxed)))
            .next()
            .unwrap();
        let input = CompanyForm {
            cvr,
            name: name.to_string(),
            city: "Køge".into(),
            ..Default::default()
        }
        .validate()
        .expect("valid company");
        Company::create(&mut self.conn(), jobcenter.id, &input, self.now()).expect("insert company")
    }

    /// Two jobcenters with their staff.
    pub fn seed(&self) -> Seed {
        let jobcenter = self.add_jobcenter("Jobcenter Køge", "koege");
        let other = self.add_jobcenter("Jobcenter Stevns", "stevns");
        Seed {
            admin: self.add_user(&jobcenter, "admin@koege.dk", "Anne Admin", Role::Admin),
            manager: self.add_user(&jobcenter, "leder@koege.dk", "Lars Leder", Role::Manager),
            consultant: self.add_user(
                &jobcenter,
                "konsulent@koege.dk",
                "Karen Konsulent",
                Role::Consultant,
            ),
            other_admin: self.add_user(&other, "admin@stevns.dk", "Søren Stevns", Role::Admin),
            jobcenter,
            other_jobcenter: other,
        }
    }

    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: RefCell::new(BTreeMap::new()),
            csrf: RefCell::new(None),
            peer: RefCell::new("203.0.113.7:40000".parse().unwrap()),
            user_agent: RefCell::new(None),
        }
    }

    /// A client signed in as `email` through the login form.
    pub async fn signed_in(&self, email: &str) -> Client<'_> {
        let client = self.client();
        let res = client.login(email, PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login of {email} failed: {}",
            res.body
        );
        client
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.header("location")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The `href` of the first link whose attributes contain `marker`, unescaped.
    pub fn link(&self, marker: &str) -> Option<String> {
        let at = self.body.find(marker)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag = &self.body[tag_start..];
        let start = tag.find("href=\"")? + 6;
        let end = tag[start..].find('"')?;
        Some(unescape(&tag[start..start + end]))
    }

    /// The value of the hidden form token on the page, if any.
    pub fn csrf_token(&self) -> Option<String> {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_string())
    }
}

/// Undoes the HTML escaping of the templates: askama's numeric character references, and the
/// `&amp;` templates write between the parameters of a fixed link.
pub fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// A browser: keeps cookies and the last form token it saw.
pub struct Client<'a> {
    app: &'a TestApp,
    pub cookies: RefCell<BTreeMap<String, String>>,
    csrf: RefCell<Option<String>>,
    peer: RefCell<SocketAddr>,
    user_agent: RefCell<Option<String>>,
}

impl Client<'_> {
    pub fn set_ip(&self, ip: &str) {
        *self.peer.borrow_mut() = SocketAddr::new(ip.parse().expect("ip"), 40000);
    }

    pub fn set_user_agent(&self, user_agent: &str) {
        *self.user_agent.borrow_mut() = Some(user_agent.to_string());
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.borrow().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .borrow_mut()
            .insert(name.to_string(), value.to_string());
    }

    pub fn csrf(&self) -> Option<String> {
        self.csrf.borrow().clone()
    }

    pub async fn send(&self, req: test::TestRequest) -> Resp {
        let cookie_header = self
            .cookies
            .borrow()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = req.peer_addr(*self.peer.borrow());
        if let Some(user_agent) = self.user_agent.borrow().as_deref() {
            req = req.insert_header((header::USER_AGENT, user_agent));
        }
        if !cookie_header.is_empty() {
            req = req.insert_header((header::COOKIE, cookie_header));
        }
        let res = test::call_service(&self.app.svc, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let cookie = actix_web::cookie::Cookie::parse(value.to_str().unwrap().to_string())
                .expect("valid Set-Cookie");
            let removed = cookie
                .max_age()
                .is_some_and(|a| a.is_zero() || a.is_negative());
            if removed {
                self.cookies.borrow_mut().remove(cookie.name());
            } else {
                self.cookies
                    .borrow_mut()
                    .insert(cookie.name().to_string(), cookie.value().to_string());
            }
        }
        let body = test::read_body(res).await;
        let resp = Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        if let Some(token) = resp.csrf_token() {
            *self.csrf.borrow_mut() = Some(token);
        }
        resp
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(test::TestRequest::get().uri(path)).await
    }

    /// Posts a form as the browser would, with the form token of the last page seen.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, String)> =
            fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            let token = self
                .csrf()
                .expect("no form token seen yet: GET a page with a form first");
            all.push(("csrf_token", token));
        }
        self.post_raw(path, &all, &[]).await
    }

    /// Posts exactly these fields and headers.
    pub async fn post_raw<V: AsRef<str>>(
        &self,
        path: &str,
        fields: &[(&str, V)],
        headers: &[(&str, &str)],
    ) -> Resp {
        let body = serde_html_form::to_string(
            fields
                .iter()
                .map(|(k, v)| (*k, v.as_ref()))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let mut req = test::TestRequest::post()
            .uri(path)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(body);
        for (k, v) in headers {
            req = req.insert_header((k.to_string(), v.to_string()));
        }
        self.send(req).await
    }

    /// Uploads a file the way a browser sends `<form enctype="multipart/form-data">`, the form
    /// token first as the pages put it.
    pub async fn upload(
        &self,
        path: &str,
        file_field: &str,
        filename: &str,
        content: &[u8],
        fields: &[(&str, &str)],
    ) -> Resp {
        let boundary = "----jobcentercrmtestboundary";
        let token = self.csrf().expect("no form token seen yet");
        let mut fields = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            fields.insert(0, ("csrf_token", &token));
        }
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = test::TestRequest::post()
            .uri(path)
            .insert_header((
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body);
        self.send(req).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    /// Fetches `path` to pick up a fresh form token, then posts to it.
    pub async fn post_from(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Resp {
        let res = self.get(page).await;
        assert_eq!(res.status, StatusCode::OK, "GET {page}: {}", res.body);
        self.post(path, fields).await
    }
}

/// Runs `f` against a database connection of the app.
pub fn with_conn<T>(db: &Db, f: impl FnOnce(&mut DbConn) -> T) -> T {
    let mut conn = db.conn().expect("connection");
    f(&mut conn)
}

/// Reverts the migrations down to and including `version`, then runs them all again: what an
/// upgrade from before `version` does to the rows already saved.
pub fn reapply_migrations_from(conn: &mut DbConn, version: &str) {
    use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
    use jobcenter_crm::db::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
    fn revert<DB: diesel::backend::Backend>(
        c: &mut impl MigrationHarness<DB>,
        migrations: fn() -> EmbeddedMigrations,
        version: &str,
    ) {
        while c.revert_last_migration(migrations()).unwrap().to_string() != version {}
    }
    match conn {
        // As `run_migrations` does: a migration that rebuilds a table others refer to is
        // reverted with foreign keys off (they are on again after the run below).
        DbConn::Sqlite(c) => {
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA foreign_keys = OFF")
                .unwrap();
            revert(c, || SQLITE_MIGRATIONS, version)
        }
        DbConn::Pg(c) => revert(c, || POSTGRES_MIGRATIONS, version),
    }
    // As at start-up, with what Rust fills in after a migration.
    jobcenter_crm::db::run_migrations(conn).unwrap();
}

/// What the app logs on this thread (where the test's requests run) until the guard drops.
pub fn capture_logs() -> (tracing::subscriber::DefaultGuard, LogSink) {
    use tracing_subscriber::util::SubscriberInitExt;
    let sink = LogSink::default();
    let writer = sink.clone();
    let guard = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();
    (guard, sink)
}

#[derive(Clone, Default)]
pub struct LogSink(Arc<std::sync::Mutex<Vec<u8>>>);

impl LogSink {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The files below `dir` whose name ends in `.{ext}`, for tests that read the sources.
pub fn files_under(dir: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            files.push(path);
        }
    }
    files
}
