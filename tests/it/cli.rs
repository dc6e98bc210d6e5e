//! The binary as an operator uses it: help, migrations, jobcenters and users from the command
//! line, and `serve` with its setup link and graceful shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::TestDb;
use diesel::prelude::*;
use jobcenter_crm::db::Db;
use jobcenter_crm::db::schema::{sessions, users};
use jobcenter_crm::domain::cvr::complete_cvr;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_jobcenter-crm");

pub(crate) fn run(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the binary");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(input) = stdin {
            pipe.write_all(input.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// Adds Jobcenter Køge (slug `koege`) from the command line.
fn add_koege(db: &TestDb) {
    let out = run(
        db,
        &[
            "jobcenter",
            "add",
            "--name",
            "Jobcenter Køge",
            "--municipality",
            "259",
            "--slug",
            "koege",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_is_there_for_every_command() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    for cmd in ["serve", "migrate", "jobcenter", "user"] {
        assert!(help.contains(cmd), "{cmd} missing from --help");
    }
    for args in [
        &["serve", "--help"][..],
        &["migrate", "--help"],
        &["jobcenter", "add", "--help"],
        &["user", "add", "--help"],
        &["user", "set-password", "--help"],
        &["user", "disable", "--help"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
    let serve = text(
        &Command::new(BIN)
            .args(["serve", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(serve.contains("--bind") && serve.contains("BIND"));
}

#[test]
fn an_unknown_database_scheme_stops_the_binary_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["migrate"])
        .current_dir(dir.path())
        .env("DATABASE_URL", "mysql://root@localhost/crm")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unsupported scheme 'mysql://'"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file was created"
    );
}

#[test]
fn jobcenters_and_users_from_the_command_line() {
    let db = TestDb::new();
    let out = run(&db, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // No jobcenter yet.
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "a@koege.dk",
            "--name",
            "A",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("en lang adgangskode\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no jobcenter"));

    let out = run(
        &db,
        &[
            "jobcenter",
            "add",
            "--name",
            "Jobcenter Køge",
            "--municipality",
            "259",
            "--slug",
            "koege",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        &db,
        &[
            "jobcenter",
            "add",
            "--name",
            "Jobcenter Køge",
            "--municipality",
            "259",
            "--slug",
            "koege",
        ],
        None,
    );
    assert!(!out.status.success(), "a slug is used once");
    let out = run(
        &db,
        &[
            "jobcenter",
            "add",
            "--name",
            "X",
            "--municipality",
            "25",
            "--slug",
            "x1",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--municipality"));

    // With one jobcenter, --jobcenter may be left out.
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "Anne@Koege.dk",
            "--name",
            "Anne Admin",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("en lang adgangskode\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The password is never taken from the arguments, and short ones are refused.
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "b@koege.dk",
            "--name",
            "B",
            "--role",
            "consultant",
        ],
        None,
    );
    assert!(!out.status.success());
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "b@koege.dk",
            "--name",
            "B",
            "--role",
            "consultant",
            "--password-stdin",
        ],
        Some("kort\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("at least") || text(&out.stderr).contains("characters"));
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "b@koege.dk",
            "--name",
            "B",
            "--role",
            "consultant",
            "--password-stdin",
        ],
        Some("1234567890\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("too easy to guess"));
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "b@koege.dk",
            "--name",
            "B",
            "--role",
            "chef",
            "--password-stdin",
        ],
        Some("en lang adgangskode\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--role"));

    // With two jobcenters it must be named.
    run(
        &db,
        &[
            "jobcenter",
            "add",
            "--name",
            "Jobcenter Stevns",
            "--municipality",
            "336",
        ],
        None,
    );
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "c@stevns.dk",
            "--name",
            "C",
            "--role",
            "consultant",
            "--password-stdin",
        ],
        Some("en lang adgangskode\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--jobcenter"));
    let out = run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "c@stevns.dk",
            "--name",
            "C",
            "--role",
            "consultant",
            "--jobcenter",
            "jobcenter-stevns",
            "--password-stdin",
        ],
        Some("en lang adgangskode\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let pool = Db::open(&db.url, 1, Duration::from_secs(5), None).unwrap();
    let mut c = pool.conn().unwrap();
    let (anne_id, hash, role): (i64, String, String) = users::table
        .filter(users::email.eq("anne@koege.dk"))
        .select((users::id, users::password_hash, users::role))
        .first(&mut c)
        .unwrap();
    assert_eq!(role, "admin");
    assert!(hash.starts_with("$argon2id$"));
    assert!(jobcenter_crm::crypto::verify_password(
        &hash,
        "en lang adgangskode"
    ));

    // A new password ends the sessions; so does disabling.
    let now = chrono::Utc::now().naive_utc();
    jobcenter_crm::models::session::Session::create(&mut c, anne_id, &Default::default(), now)
        .unwrap();
    let out = run(
        &db,
        &[
            "user",
            "set-password",
            "--email",
            "anne@koege.dk",
            "--password-stdin",
        ],
        Some("et andet langt kodeord\r\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (hash, active): (String, bool) = users::table
        .find(anne_id)
        .select((users::password_hash, users::active))
        .first(&mut c)
        .unwrap();
    assert!(jobcenter_crm::crypto::verify_password(
        &hash,
        "et andet langt kodeord"
    ));
    assert!(active);
    let left: i64 = sessions::table
        .filter(sessions::user_id.eq(anne_id))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(left, 0);

    jobcenter_crm::models::session::Session::create(&mut c, anne_id, &Default::default(), now)
        .unwrap();
    let out = run(&db, &["user", "disable", "--email", "anne@koege.dk"], None);
    assert!(out.status.success());
    let active: bool = users::table
        .find(anne_id)
        .select(users::active)
        .first(&mut c)
        .unwrap();
    assert!(!active);
    let left: i64 = sessions::table
        .filter(sessions::user_id.eq(anne_id))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(left, 0);

    let out = run(&db, &["user", "disable", "--email", "ingen@koege.dk"], None);
    assert!(!out.status.success());
}

fn http_get(addr: &str, path: &str) -> String {
    http_request(addr, "GET", path)
}

fn http_request(addr: &str, method: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serve_prints_a_setup_link_and_shuts_down_cleanly() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let (mut child, rx) = spawn_serve(BIN, &db, data.path(), &[]);
    let mut link = None;
    let mut log = Vec::new();
    while link.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no setup link logged: {log:#?}"));
        if let Some(i) = line.find("http://")
            && line.contains("/setup?token=")
        {
            link = Some(line[i..].trim().to_string());
        }
        log.push(line);
    }
    let link = link.unwrap();
    let rest = link.trim_start_matches("http://");
    let (addr, path) = rest.split_at(rest.find('/').unwrap());

    let health = http_get(addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // An uptime monitor's HEAD gets the GET's status and headers, without the body.
    let head = http_request(addr, "HEAD", "/healthz");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (head_headers, head_body) = head.split_once("\r\n\r\n").unwrap();
    assert!(
        head_headers.contains("content-type: application/json"),
        "{head}"
    );
    assert_eq!(head_body, "");
    let setup = http_get(addr, path);
    assert!(setup.starts_with("HTTP/1.1 200"), "{setup}");
    assert!(setup.contains("Opret jobcenteret"));
    assert!(http_get(addr, "/setup?token=wrong").starts_with("HTTP/1.1 403"));
    // The secret key was generated into the data directory.
    assert!(data.path().join("secret_key").exists());

    // The access log does not carry the token.
    let token = &path[path.find("token=").unwrap() + 6..];
    std::thread::sleep(Duration::from_millis(200));
    while let Ok(line) = rx.try_recv() {
        log.push(line);
    }
    assert!(log.iter().any(|l| l.contains("GET /setup 200")), "{log:#?}");
    assert_eq!(
        log.iter().filter(|l| l.contains(token)).count(),
        1,
        "only the setup link itself"
    );

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0: {status}");
    if !db.is_postgres() {
        let wal = std::path::PathBuf::from(format!("{}-wal", db.url));
        let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(wal_len, 0, "the WAL is checkpointed at shutdown");
    }
}

#[test]
fn companies_are_imported_from_the_command_line() {
    let db = TestDb::new();
    add_koege(&db);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("virksomheder.csv");
    let good = jobcenter_crm::domain::cvr::complete_cvr(4_000_001).unwrap();
    std::fs::write(
        &file,
        format!("\u{feff}Navn;CVR-nummer;By\r\nKøge Bryghus;{good};Køge\r\nFejl ApS;1234;Køge\r\n"),
    )
    .unwrap();
    let path = file.display().to_string();
    let out = run(
        &db,
        &["import", "companies", &path, "--jobcenter", "koege"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1 created"), "{stdout}");
    assert!(
        stdout.contains("linje 3:"),
        "the bad row is reported by line: {stdout}"
    );
    // Again: nothing doubles.
    let out = run(&db, &["import", "companies", &path], None);
    assert!(text(&out.stdout).contains("0 created, 0 updated, 0 unchanged, 1 skipped"));
    let out = run(&db, &["import", "companies", "/no/such/file.csv"], None);
    assert!(!out.status.success());
    let pool = Db::open(&db.url, 1, Duration::from_secs(5), None).unwrap();
    let names: Vec<String> = jobcenter_crm::db::schema::companies::table
        .select(jobcenter_crm::db::schema::companies::name)
        .load(&mut pool.conn().unwrap())
        .unwrap();
    assert_eq!(names, vec!["Køge Bryghus"]);
}

#[test]
fn the_municipality_s_cvr_extract_is_imported_from_the_command_line() {
    let db = TestDb::new();
    add_koege(&db);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cvr.csv");
    let (one, two) = (
        (4_100_000..).find_map(complete_cvr).unwrap(),
        (4_200_000..).find_map(complete_cvr).unwrap(),
    );
    std::fs::write(
        &file,
        format!(
            "P-nummer;CVR-nummer;Navn;Antal ansatte;Ophørsdato\r\n\
             1000000001;{one};Køge Bryghus;10-19;\r\n\
             1000000002;{two};Lukket ApS;1-4;31-03-2026\r\n\
             12;{one};Fejl ApS;1-4;\r\n"
        ),
    )
    .unwrap();
    let path = file.display().to_string();
    let args = ["import", "population", &path, "--jobcenter", "koege"];
    let out = run(&db, &args, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 units (1 in operation with employees): 2 added"),
        "{stdout}"
    );
    assert!(stdout.contains("linje 4: P-nummer:"), "{stdout}");
    // Again: nothing doubles.
    let out = run(&db, &args, None);
    assert!(
        text(&out.stdout).contains("0 added, 0 changed, 2 unchanged"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn an_operator_creates_a_cluster_and_its_members_are_invited() {
    let db = TestDb::new();
    add_koege(&db);
    let stevns = [
        "jobcenter",
        "add",
        "--name",
        "Jobcenter Stevns",
        "--municipality",
        "336",
        "--slug",
        "stevns",
    ];
    assert!(run(&db, &stevns, None).status.success());
    let add = [
        "cluster",
        "add",
        "--name",
        "Sydsjælland",
        "--member",
        "koege",
        "--member",
        "stevns",
    ];
    let out = run(&db, &add, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&db, &["cluster", "list"], None);
    assert_eq!(
        text(&out.stdout).trim(),
        "Sydsjælland: Jobcenter Køge (inviteret), Jobcenter Stevns (inviteret)"
    );
    // The name is taken, one member is no cluster, an unknown slug is named.
    assert!(!run(&db, &add, None).status.success());
    let alone = ["cluster", "add", "--name", "Alene", "--member", "koege"];
    let out = run(&db, &alone, None);
    assert!(
        text(&out.stderr).contains("mindst to jobcentre"),
        "{}",
        text(&out.stderr)
    );
    let unknown = [
        "cluster", "add", "--name", "Ukendt", "--member", "koege", "--member", "ingen",
    ];
    let out = run(&db, &unknown, None);
    assert!(text(&out.stderr).contains("no jobcenter with the slug 'ingen'"));
    // Inviting a member again is refused while it is invited; a new jobcenter can be added.
    let again = [
        "cluster",
        "invite",
        "--name",
        "Sydsjælland",
        "--member",
        "stevns",
    ];
    let out = run(&db, &again, None);
    assert!(
        text(&out.stderr).contains("allerede inviteret"),
        "{}",
        text(&out.stderr)
    );
    let solrod = [
        "jobcenter",
        "add",
        "--name",
        "Jobcenter Solrød",
        "--municipality",
        "269",
        "--slug",
        "solrod",
    ];
    assert!(run(&db, &solrod, None).status.success());
    let invite = [
        "cluster",
        "invite",
        "--name",
        "Sydsjælland",
        "--member",
        "solrod",
    ];
    assert!(run(&db, &invite, None).status.success());
    let out = run(&db, &["cluster", "list"], None);
    assert!(text(&out.stdout).contains("Jobcenter Solrød (inviteret)"));
}

/// The rows a `backup` or `restore` printed for a table.
fn printed_rows(stdout: &str, table: &str) -> i64 {
    let prefix = format!("  {table}: ");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {table} in {stdout}"))
        .parse()
        .unwrap()
}

#[test]
fn a_backup_taken_while_companies_are_written_restores_whole() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("kopi.db");
    let copy_arg = copy.display().to_string();
    if db.is_postgres() {
        // PostgreSQL has its own tool: the command says which, without the password, and
        // fails so that a scheduled run cannot pass for a backup.
        let out = run(&db, &["backup", &copy_arg], None);
        assert!(!out.status.success());
        let said = text(&out.stderr);
        assert!(said.contains("pg_dump --format=custom"), "{said}");
        assert!(!copy.exists());
        return;
    }
    run(
        &db,
        &[
            "jobcenter",
            "add",
            "--name",
            "Jobcenter Køge",
            "--municipality",
            "259",
        ],
        None,
    );
    // A colleague goes on saving companies while the backup is taken.
    let pool = Db::open(&db.url, 1, Duration::from_secs(10), None).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (pool, stop) = (pool.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut written = 0u32;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) || written < 50 {
                let input = jobcenter_crm::models::company::CompanyForm {
                    cvr: crate::contact_support::cvr(1000 + written),
                    name: format!("Virksomhed {written}"),
                    status: "active".into(),
                    ..Default::default()
                }
                .validate()
                .unwrap();
                let mut c = pool.conn().unwrap();
                jobcenter_crm::models::company::Company::create(
                    &mut c,
                    1,
                    &input,
                    chrono::Utc::now().naive_utc(),
                )
                .unwrap();
                written += 1;
            }
            written
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let out = run(&db, &["backup", &copy_arg], None);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("integrity check ok"), "{said}");
    let in_copy = printed_rows(&said, "companies");
    assert!(
        in_copy > 0 && in_copy <= i64::from(written),
        "{in_copy} of {written}"
    );
    // A backup never overwrites a file.
    let again = run(&db, &["backup", &copy_arg], None);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("exists already"));

    // Restored into a new place it holds exactly what the backup counted.
    let restored_db = TestDb::sqlite();
    let out = run(&restored_db, &["restore", &copy_arg], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(printed_rows(&text(&out.stdout), "companies"), in_copy);
    let restored = Db::open(&restored_db.url, 1, Duration::from_secs(5), None).unwrap();
    let count = |db: &Db| -> i64 {
        jobcenter_crm::db::schema::companies::table
            .count()
            .get_result(&mut db.conn().unwrap())
            .unwrap()
    };
    assert_eq!(count(&restored), in_copy);
    drop(restored);
    // A database with data is replaced only with --force, and then kept beside.
    let out = run(&restored_db, &["restore", &copy_arg], None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&restored_db, &["restore", &copy_arg, "--force"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(".before-restore-"));
    // A file that is not a database is refused before anything is touched.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "ikke en database").unwrap();
    let out = run(
        &restored_db,
        &["restore", &junk.display().to_string(), "--force"],
        None,
    );
    assert!(!out.status.success());
    let restored = Db::open(&restored_db.url, 1, Duration::from_secs(5), None).unwrap();
    assert_eq!(count(&restored), in_copy);
}

#[test]
fn check_finds_a_broken_counter_and_repair_rebuilds_it() {
    let db = TestDb::new();
    let out = run(
        &db,
        &[
            "seed-demo",
            "--companies",
            "300",
            "--activities",
            "3000",
            "--placements",
            "40",
            "--campaigns",
            "2",
            "--requests",
            "40",
            "--needs",
            "40",
            "--password-stdin",
        ],
        Some("en lang demo-adgangskode\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // What the triggers kept while the data went in matches a recount of the rows.
    let out = run(&db, &["check"], None);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let said = text(&out.stdout);
    assert!(said.contains("migrations: all applied"), "{said}");
    assert!(said.contains("counters: all 12 match"), "{said}");

    // Broken by hand: one count off, one company's period gone.
    let pool = Db::open(&db.url, 1, Duration::from_secs(5), None).unwrap();
    let mut c = pool.conn().unwrap();
    diesel::sql_query(
        "UPDATE activity_day_counts SET n = n + 5 WHERE day = (SELECT min(day) FROM activity_day_counts)",
    )
    .execute(&mut c)
    .unwrap();
    diesel::sql_query(
        "DELETE FROM company_contact_periods WHERE company_id = (SELECT min(company_id) FROM company_contact_periods)",
    )
    .execute(&mut c)
    .unwrap();
    drop(c);
    let out = run(&db, &["check"], None);
    assert!(!out.status.success());
    let said = text(&out.stdout);
    assert!(said.contains("counter activity_day_counts:"), "{said}");
    assert!(said.contains("counter company_contact_periods:"), "{said}");
    assert!(text(&out.stderr).contains("check --repair"));

    let out = run(&db, &["check", "--repair"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("counters rebuilt from their rows: "));
    let out = run(&db, &["check"], None);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// With `LOG_FORMAT=json` every log line is one JSON object, and each request's line carries
/// its id.
#[test]
fn logs_are_json_lines_when_asked() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let (mut child, rx) = spawn_serve(BIN, &db, data.path(), &[("LOG_FORMAT", "json")]);
    let next = || -> serde_json::Value {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a log line");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    };
    let addr = loop {
        let entry = next();
        let message = entry["message"].as_str().unwrap_or_default().to_string();
        if let Some(rest) = message.strip_prefix("listening on http://") {
            break rest.split(',').next().unwrap().to_string();
        }
    };
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let id = health
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .expect("the request's id in the answer")
        .trim()
        .to_string();
    let logged = loop {
        let entry = next();
        if entry["target"] == "access" {
            break entry;
        }
    };
    assert_eq!(logged["request_id"], id.as_str(), "{logged}");
    assert!(
        logged["message"]
            .as_str()
            .unwrap()
            .starts_with("GET /healthz 200"),
        "{logged}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Starts `serve` on a free port with `env` added; its log lines come through the receiver
/// (and are read on even when nobody listens, so the server never blocks on a full pipe).
fn spawn_serve(
    bin: &str,
    db: &TestDb,
    data: &std::path::Path,
    env: &[(&str, &str)],
) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = Command::new(bin)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &db.url)
        .env("DATA_DIR", data)
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

/// Starts `serve` of the binary `bin` (no limit on the contact form); returns it and its
/// address once it listens.
pub(crate) fn start_serve(
    bin: &str,
    db: &TestDb,
    data: &std::path::Path,
) -> (std::process::Child, String) {
    let (child, lines) = spawn_serve(bin, db, data, &[("CONTACT_FORM_LIMIT", "0")]);
    let marker = "listening on http://";
    let addr = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("serve logs");
        if let Some(i) = line.find(marker) {
            break line[i + marker.len()..]
                .split(',')
                .next()
                .unwrap()
                .trim()
                .to_string();
        }
    };
    (child, addr)
}

/// One raw HTTP exchange; an error when the server is gone.
fn http_exchange(addr: &str, request: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

/// The value after `marker` up to the next `"`.
fn value_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len();
    let end = text[start..].find('"').unwrap();
    &text[start..start + end]
}

/// Killed with SIGKILL in the middle of taking requests, five times over, SQLite loses nothing
/// it acknowledged and stays whole. (SQLite by design: on PostgreSQL durability is the
/// server's own, which this binary does not hold.)
#[test]
fn every_acknowledged_request_survives_kill_9() {
    let db = TestDb::sqlite();
    add_koege(&db);
    let data = tempfile::tempdir().unwrap();
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..5 {
        let (mut child, addr) = start_serve(BIN, &db, data.path());
        // Forms as a company fetches them, older than the form's minimum fill time.
        let page = http_get(&addr, "/kontakt/koege");
        let cookie = page
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .expect("the form's cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let mut forms = Vec::new();
        for _ in 0..40 {
            let request = format!(
                "GET /kontakt/koege HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
            );
            let form = http_exchange(&addr, &request).unwrap();
            forms.push((
                value_after(&form, r#"name="csrf_token" value=""#).to_string(),
                value_after(&form, r#"name="stamp" value=""#).replace("&#x2F;", "/"),
            ));
        }
        std::thread::sleep(Duration::from_millis(3100));
        let (tx, rx) = mpsc::channel();
        let sender = {
            let (addr, cookie) = (addr.clone(), cookie.clone());
            std::thread::spawn(move || {
                for (i, (token, stamp)) in forms.into_iter().enumerate() {
                    let name = format!("Runde {round} firma {i}");
                    let body = serde_html_form::to_string([
                        ("csrf_token", token.as_str()),
                        ("stamp", stamp.as_str()),
                        ("company_name", name.as_str()),
                        ("contact_name", "Mette Hansen"),
                        ("email", "mette@kiosk.dk"),
                        ("topic", "recruitment"),
                        ("message", "Vi søger to medarbejdere."),
                        ("consent", "1"),
                        ("homepage", ""),
                    ])
                    .unwrap();
                    let request = format!(
                        "POST /kontakt/koege HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    match http_exchange(&addr, &request) {
                        Ok(res) if res.starts_with("HTTP/1.1 303") => tx.send(name).unwrap(),
                        // Cut off by the kill before a whole status line came back.
                        Ok(res) if !res.starts_with("HTTP/1.1 ") => break,
                        Ok(res) => panic!("not taken: {}", res.lines().next().unwrap_or("")),
                        Err(_) => break,
                    }
                }
            })
        };
        // Killed after a few acknowledgements, while the next ones are on their way.
        for _ in 0..8 {
            acknowledged.push(rx.recv_timeout(Duration::from_secs(30)).unwrap());
        }
        child.kill().unwrap();
        child.wait().unwrap();
        sender.join().unwrap();
        acknowledged.extend(rx.try_iter());
    }
    let pool = Db::open(&db.url, 1, Duration::from_secs(5), None).unwrap();
    let mut c = pool.conn().unwrap();
    let jobcenter_crm::db::DbConn::Sqlite(sqlite) = &mut *c else {
        panic!("SQLite")
    };
    assert_eq!(
        jobcenter_crm::db::backup::integrity_check(sqlite).unwrap(),
        ["ok"]
    );
    let kept: Vec<String> = jobcenter_crm::db::schema::contact_requests::table
        .select(jobcenter_crm::db::schema::contact_requests::company_name)
        .load(&mut c)
        .unwrap();
    let lost: Vec<&String> = acknowledged.iter().filter(|n| !kept.contains(n)).collect();
    assert!(acknowledged.len() >= 40);
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
}

/// Reads one answer from a kept-open connection: its head and as many body bytes as it says.
fn read_answer(stream: &mut TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    head + "\r\n" + &String::from_utf8_lossy(&body)
}

/// At SIGTERM the server goes on answering for a moment — a request on a connection kept open
/// from before gets its answer, told to close — while `/readyz` tells the load balancer to
/// look elsewhere; then it stops and exits cleanly.
#[test]
fn sigterm_drains_before_it_stops() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let (mut child, addr) = start_serve(BIN, &db, data.path());
    let mut kept = TcpStream::connect(&addr).unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    kept.write_all(request.as_bytes()).unwrap();
    let first = read_answer(&mut kept);
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    assert!(!first.contains("connection: close"), "kept open: {first}");

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let ready = http_get(&addr, "/readyz");
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    assert!(ready.contains(r#""status":"stopping""#), "{ready}");
    kept.write_all(request.as_bytes()).unwrap();
    let second = read_answer(&mut kept);
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    assert!(second.contains("connection: close"), "{second}");

    let status = child.wait().unwrap();
    assert!(status.success(), "a clean exit: {status}");
}
