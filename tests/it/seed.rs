//! Demo data: `seed-demo` fills a jobcenter with consistent, deterministic Danish data, its
//! demo users can sign in, and `serve --demo` gives an empty database a small demo.

use crate::common;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::TestDb;
use actix_web::http::StatusCode;
use chrono::NaiveDate;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use jobcenter_crm::db::schema::{
    activities, campaign_targets, campaigns, companies, contact_persons, contact_request_events,
    contact_requests, jobcenters, placements, users,
};
use jobcenter_crm::db::{Db, DbConn};
use jobcenter_crm::domain::{cpr_guard, cvr};
use jobcenter_crm::models::activity::decode_topics;
use jobcenter_crm::models::placement::check_citizen_ref;

const BIN: &str = env!("CARGO_BIN_EXE_jobcenter-crm");
const PASSWORD: &str = "demo-adgangskode-123";
const SMALL: &[&str] = &[
    "--companies",
    "200",
    "--activities",
    "2000",
    "--placements",
    "20",
    "--campaigns",
    "2",
    "--requests",
    "20",
];

/// campaign, company, assigned to, status, contacted on, visited on.
type TargetRow = (
    i64,
    i64,
    Option<i64>,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn run(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", url)
        .env("DATA_DIR", dir.path())
        .env("RUST_LOG", "info")
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `seed-demo` with the small sizes, all users sharing `PASSWORD`.
fn seed(url: &str, extra: &[&str]) -> String {
    let mut args = vec!["seed-demo"];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(extra);
    args.push("--password-stdin");
    let out = run(url, &args, Some(&format!("{PASSWORD}\n")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn conn(
    url: &str,
) -> (
    Db,
    diesel::r2d2::PooledConnection<jobcenter_crm::db::DbManager>,
) {
    let db = Db::open(url, 1, Duration::from_secs(5), None).unwrap();
    let c = db.conn().unwrap();
    (db, c)
}

fn jobcenter_id(c: &mut DbConn, slug: &str) -> i64 {
    jobcenters::table
        .filter(jobcenters::slug.eq(slug))
        .select(jobcenters::id)
        .first(c)
        .unwrap()
}

/// (name, CVR, P-number, postcode) of a jobcenter's companies, in the order they were made.
fn company_keys(c: &mut DbConn, jc: i64) -> Vec<(String, String, Option<String>, String)> {
    companies::table
        .filter(companies::jobcenter_id.eq(jc))
        .order(companies::id)
        .select((
            companies::name,
            companies::cvr,
            companies::p_number,
            companies::postcode,
        ))
        .load(c)
        .unwrap()
}

fn count<T>(c: &mut DbConn, q: T) -> i64
where
    T: RunQueryDsl<DbConn> + diesel::query_dsl::methods::LoadQuery<'static, DbConn, i64>,
{
    q.get_result(c).unwrap()
}

#[test]
fn seed_demo_makes_consistent_data_of_the_asked_size() {
    let db = TestDb::new();
    let out = seed(&db.url, &["--seed", "7"]);
    assert!(
        out.contains("jobcenter: Jobcenter Demo (slug demo, created)"),
        "{out}"
    );
    assert_eq!(out.matches("demo user: ").count(), 14, "{out}");
    assert!(
        !out.contains("demo login:"),
        "no password is printed with --password-stdin"
    );
    for phase in [
        "companies: 200 (",
        "activities: 2000 (",
        "placements: 20 (",
        "total: ",
    ] {
        assert!(out.contains(phase), "{phase} missing: {out}");
    }

    let (_db, mut c) = conn(&db.url);
    let c = &mut *c;
    let jc = jobcenter_id(c, "demo");
    let staff: Vec<(String, String)> = users::table
        .filter(users::jobcenter_id.eq(jc))
        .select((users::email, users::role))
        .load(c)
        .unwrap();
    assert_eq!(staff.len(), 14);
    assert_eq!(staff.iter().filter(|(_, r)| r == "admin").count(), 1);
    assert_eq!(staff.iter().filter(|(_, r)| r == "manager").count(), 2);
    assert_eq!(staff.iter().filter(|(_, r)| r == "reader").count(), 1);
    assert_eq!(staff.iter().filter(|(_, r)| r == "consultant").count(), 10);
    assert!(
        staff
            .iter()
            .any(|(e, _)| e == "konsulent10@demo.jobcenter.dk")
    );

    let companies_n = count(
        c,
        companies::table
            .filter(companies::jobcenter_id.eq(jc))
            .count(),
    );
    assert_eq!(companies_n, 200);
    assert_eq!(
        count(
            c,
            activities::table
                .filter(activities::jobcenter_id.eq(jc))
                .count()
        ),
        2000
    );
    assert_eq!(
        count(
            c,
            placements::table
                .filter(placements::jobcenter_id.eq(jc))
                .count()
        ),
        20
    );
    assert_eq!(
        count(
            c,
            campaigns::table
                .filter(campaigns::jobcenter_id.eq(jc))
                .count()
        ),
        2
    );
    assert_eq!(
        count(
            c,
            contact_requests::table
                .filter(contact_requests::jobcenter_id.eq(jc))
                .count()
        ),
        20
    );

    // Every CVR is valid and used once; P-numbers have ten digits.
    let numbers: Vec<(String, Option<String>, String, String)> = companies::table
        .select((
            companies::cvr,
            companies::p_number,
            companies::postcode,
            companies::industry_code,
        ))
        .load(c)
        .unwrap();
    let mut seen = HashSet::new();
    for (number, p, postcode, industry) in &numbers {
        assert!(cvr::is_valid_cvr(number), "{number}");
        assert!(seen.insert(number.clone()), "{number} twice");
        if let Some(p) = p {
            assert_eq!(cvr::normalize_p_number(p).as_deref(), Ok(p.as_str()));
        }
        assert!(cvr::normalize_postcode(postcode).is_ok(), "{postcode}");
        assert_eq!(industry.len(), 6);
    }
    assert!(numbers.iter().any(|n| n.1.is_some()), "some have P-numbers");

    // last_contact_on is each company's latest activity.
    let latest: HashMap<i64, Option<NaiveDate>> = activities::table
        .filter(activities::jobcenter_id.eq(jc))
        .group_by(activities::company_id)
        .select((activities::company_id, max(activities::occurred_on)))
        .load::<(i64, Option<NaiveDate>)>(c)
        .unwrap()
        .into_iter()
        .collect();
    let last: Vec<(i64, Option<NaiveDate>, String)> = companies::table
        .filter(companies::jobcenter_id.eq(jc))
        .select((companies::id, companies::last_contact_on, companies::status))
        .load(c)
        .unwrap();
    for (id, on, _) in &last {
        assert_eq!(*on, latest.get(id).copied().flatten(), "company {id}");
    }
    assert!(
        last.iter().any(|(_, on, _)| on.is_none()),
        "some never contacted"
    );
    assert!(last.iter().any(|(_, _, s)| s == "active"));
    assert!(last.iter().any(|(_, _, s)| s == "prospect"));

    // The first company has the longest timeline.
    let per_company: Vec<i64> = activities::table
        .filter(activities::jobcenter_id.eq(jc))
        .group_by(activities::company_id)
        .select(count_star())
        .load(c)
        .unwrap();
    let first = last.iter().map(|l| l.0).min().unwrap();
    let first_count: i64 = activities::table
        .filter(activities::company_id.eq(first))
        .count()
        .get_result(c)
        .unwrap();
    assert_eq!(first_count, *per_company.iter().max().unwrap());

    // Activities: stored topics, follow-ups after the activity, contact persons of the same
    // company, no CPR-like text.
    type Row = (
        i64,
        NaiveDate,
        String,
        String,
        Option<NaiveDate>,
        bool,
        Option<i64>,
    );
    let rows: Vec<Row> = activities::table
        .filter(activities::jobcenter_id.eq(jc))
        .select((
            activities::company_id,
            activities::occurred_on,
            activities::topics,
            activities::summary,
            activities::follow_up_on,
            activities::follow_up_done,
            activities::contact_person_id,
        ))
        .load(c)
        .unwrap();
    let contact_company: HashMap<i64, i64> = contact_persons::table
        .select((contact_persons::id, contact_persons::company_id))
        .load::<(i64, i64)>(c)
        .unwrap()
        .into_iter()
        .collect();
    let today = chrono::Utc::now().date_naive();
    for (company, on, topics, summary, follow_up, _, contact) in &rows {
        assert!(*on <= today + chrono::Days::new(1));
        assert!(topics.starts_with(',') && topics.ends_with(','), "{topics}");
        assert!(!decode_topics(topics).is_empty());
        assert!(cpr_guard::find_cpr(summary).is_none(), "{summary}");
        if let Some(f) = follow_up {
            assert!(f >= on);
        }
        if let Some(p) = contact {
            assert_eq!(contact_company[p], *company);
        }
    }
    assert!(
        rows.iter().any(|r| r.4.is_some() && !r.5),
        "open follow-ups"
    );
    assert!(rows.iter().any(|r| r.4.is_some() && r.5), "done follow-ups");
    assert!(
        rows.iter().any(|r| r.6.is_some()),
        "contact persons are used"
    );

    // Placements: case references, hours within the default rules.
    let placed: Vec<(String, String, f64, NaiveDate, Option<NaiveDate>)> = placements::table
        .filter(placements::jobcenter_id.eq(jc))
        .select((
            placements::kind,
            placements::citizen_ref,
            placements::hours_per_week,
            placements::start_on,
            placements::end_on,
        ))
        .load(c)
        .unwrap();
    for (kind, citizen, hours, start, end) in &placed {
        assert!(cpr_guard::find_cpr(citizen).is_none(), "{citizen}");
        assert!(check_citizen_ref(citizen).is_ok(), "{citizen}");
        if kind == "smaajob" {
            assert!((2.0..=20.0).contains(hours), "{hours}");
        } else {
            assert!((0.5..=37.0).contains(hours), "{hours}");
        }
        if let Some(end) = end {
            assert!(end >= start);
            if kind == "praktik" {
                assert!((*end - *start).num_days() < 13 * 7);
            }
        }
    }

    // Campaign targets: split evenly, and progress rests on the campaign's activities.
    let targets: Vec<TargetRow> = campaign_targets::table
        .filter(campaign_targets::jobcenter_id.eq(jc))
        .select((
            campaign_targets::campaign_id,
            campaign_targets::company_id,
            campaign_targets::assigned_to,
            campaign_targets::status,
            campaign_targets::contacted_on,
            campaign_targets::visited_on,
        ))
        .load(c)
        .unwrap();
    let campaign_activity: HashSet<(i64, i64)> = activities::table
        .filter(activities::campaign_id.is_not_null())
        .select((
            activities::campaign_id.assume_not_null(),
            activities::company_id,
        ))
        .load::<(i64, i64)>(c)
        .unwrap()
        .into_iter()
        .collect();
    let mut shares: HashMap<(i64, Option<i64>), usize> = HashMap::new();
    for (campaign, company, assigned, status, contacted, visited) in &targets {
        *shares.entry((*campaign, *assigned)).or_default() += 1;
        assert!(assigned.is_some());
        if status == "not_contacted" {
            assert!(contacted.is_none());
        } else {
            assert!(campaign_activity.contains(&(*campaign, *company)));
            assert!(contacted.is_some());
        }
        if let (Some(c), Some(v)) = (contacted, visited) {
            assert!(c <= v);
        }
    }
    for campaign in targets.iter().map(|t| t.0).collect::<HashSet<_>>() {
        let mine: Vec<usize> = shares
            .iter()
            .filter(|((id, _), _)| *id == campaign)
            .map(|(_, n)| *n)
            .collect();
        assert_eq!(mine.len(), 3, "three consultants");
        assert!(mine.iter().max().unwrap() - mine.iter().min().unwrap() <= 1);
    }

    // Requests: linked by CVR when a company matches, each with its log.
    let requests: Vec<(i64, Option<i64>, Option<String>, String)> = contact_requests::table
        .filter(contact_requests::jobcenter_id.eq(jc))
        .select((
            contact_requests::id,
            contact_requests::company_id,
            contact_requests::cvr,
            contact_requests::status,
        ))
        .load(c)
        .unwrap();
    let by_cvr: HashSet<String> = numbers.iter().map(|n| n.0.clone()).collect();
    for (id, company, number, status) in &requests {
        assert_eq!(
            company.is_some(),
            number.as_ref().is_some_and(|n| by_cvr.contains(n)),
            "request {id}"
        );
        assert!(["new", "assigned", "answered", "closed", "spam"].contains(&status.as_str()));
        let received: i64 = contact_request_events::table
            .filter(contact_request_events::request_id.eq(id))
            .filter(contact_request_events::kind.eq("received"))
            .count()
            .get_result(c)
            .unwrap();
        assert_eq!(received, 1);
    }
}

#[test]
fn the_same_seed_gives_the_same_companies() {
    let names = |number: &str| {
        let db = TestDb::new();
        seed(&db.url, &["--seed", number]);
        let (_db, mut c) = conn(&db.url);
        let jc = jobcenter_id(&mut c, "demo");
        company_keys(&mut c, jc)
    };
    let a = names("42");
    let b = names("42");
    assert_eq!(a.len(), 200);
    assert_eq!(a, b, "same seed, same companies");
    let other = names("43");
    assert_ne!(a, other, "another seed, other companies");
    assert!(
        a.iter()
            .any(|(n, ..)| n.contains(['æ', 'ø', 'å', 'Æ', 'Ø', 'Å'])),
        "Danish letters in names"
    );
}

#[test]
fn seeding_into_an_existing_jobcenter() {
    let db = TestDb::new();
    let out = run(
        &db.url,
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
        &db.url,
        &[
            "seed-demo",
            "--jobcenter",
            "ingen",
            "--companies",
            "5",
            "--activities",
            "5",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no jobcenter with the slug 'ingen'"),
        "{}",
        text(&out.stderr)
    );

    let out = seed(&db.url, &["--jobcenter", "koege"]);
    assert!(out.contains("slug koege, existing"), "{out}");
    // A second run adds more companies to the same jobcenter and reuses the staff.
    let again = seed(&db.url, &["--jobcenter", "koege"]);
    assert!(again.contains("users: 0 created, 14 existing"), "{again}");

    let (_db, mut c) = conn(&db.url);
    let c = &mut *c;
    let koege = jobcenter_id(c, "koege");
    let all_jobcenters: i64 = jobcenters::table.count().get_result(c).unwrap();
    assert_eq!(all_jobcenters, 1, "no demo jobcenter was made");
    let keys = company_keys(c, koege);
    assert_eq!(keys.len(), 400);
    let cvrs: HashSet<&String> = keys.iter().map(|k| &k.1).collect();
    assert_eq!(cvrs.len(), 400, "CVR numbers stay unique in the jobcenter");
    let consultant: i64 = users::table
        .filter(users::email.eq("konsulent1@koege.jobcenter.dk"))
        .select(users::jobcenter_id)
        .first(c)
        .unwrap();
    assert_eq!(consultant, koege);
    let activities_n: i64 = activities::table
        .filter(activities::jobcenter_id.eq(koege))
        .count()
        .get_result(c)
        .unwrap();
    assert_eq!(activities_n, 4000);
}

#[actix_web::test]
async fn demo_logins_are_printed_once_and_sign_in() {
    let app = common::app().await;
    let out = run(
        &app.db.url,
        &[
            "seed-demo",
            "--companies",
            "30",
            "--activities",
            "300",
            "--placements",
            "5",
            "--campaigns",
            "1",
            "--requests",
            "5",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let logins: Vec<(String, String, String)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("demo login: "))
        .map(|l| {
            let fields: Vec<&str> = l.split(' ').collect();
            assert_eq!(fields.len(), 3, "EMAIL PASSWORD ROLE: {l}");
            (
                fields[0].to_string(),
                fields[1].to_string(),
                fields[2].to_string(),
            )
        })
        .collect();
    assert_eq!(logins.len(), 14, "{stdout}");
    let passwords: HashSet<&String> = logins.iter().map(|l| &l.1).collect();
    assert_eq!(passwords.len(), 14, "each user has a password of their own");
    for (_, password, _) in &logins {
        assert!(password.len() >= 10);
        assert!(
            !text(&out.stderr).contains(password.as_str()),
            "passwords stay out of the log"
        );
    }
    assert_eq!(logins[0].0, "admin@demo.jobcenter.dk");
    assert_eq!(logins[0].2, "admin");
    assert_eq!(logins.iter().filter(|l| l.2 == "manager").count(), 2);

    for (email, password, _) in [&logins[0], &logins[1], &logins[3]] {
        let client = app.client();
        let res = client.login(email, password).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{email}: {}", res.body);
        let home = client.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        let list = client.get("/companies").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("ApS") || list.body.contains("A/S"));
    }

    // Every main page shows the demo data.
    let (company, campaign, request) = {
        let mut c = app.conn();
        let company: i64 = companies::table
            .order(companies::id)
            .select(companies::id)
            .first(&mut c)
            .unwrap();
        let campaign: i64 = campaigns::table
            .select(campaigns::id)
            .first(&mut c)
            .unwrap();
        let request: i64 = contact_requests::table
            .select(contact_requests::id)
            .first(&mut c)
            .unwrap();
        (company, campaign, request)
    };
    let manager = app.client();
    let (email, password, _) = &logins[1];
    assert_eq!(
        manager.login(email, password).await.status,
        StatusCode::SEE_OTHER
    );
    for page in [
        "/".to_string(),
        format!("/companies/{company}"),
        "/companies?sort=last_contact".to_string(),
        "/activities".to_string(),
        "/follow-ups".to_string(),
        "/placements".to_string(),
        "/campaigns".to_string(),
        format!("/campaigns/{campaign}"),
        "/requests".to_string(),
        format!("/requests/{request}"),
        "/dashboard".to_string(),
    ] {
        let res = manager.get(&page).await;
        assert_eq!(res.status, StatusCode::OK, "{page}: {}", res.body);
    }

    // Run again: the users exist, so no password is printed.
    let out = run(
        &app.db.url,
        &["seed-demo", "--companies", "3", "--activities", "3"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("demo login:"), "{stdout}");
    assert!(stdout.contains("users: 0 created, 14 existing"), "{stdout}");
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Starts `serve --demo`, waits until it listens; returns its stdout and log lines so far.
fn serve_demo(db: &TestDb, data: &std::path::Path) -> (String, Vec<String>, Vec<String>) {
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &db.url)
        .env("DATA_DIR", data)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send((false, line));
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx2.send((true, line));
        }
    });
    let mut log = Vec::new();
    let mut printed = Vec::new();
    let mut addr = None;
    while addr.is_none() {
        let (is_stdout, line) = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("serve --demo did not start: {log:#?}"));
        if is_stdout {
            printed.push(line);
        } else {
            if let Some(i) = line.find("listening on http://") {
                addr = Some(line[i + 20..].trim().to_string());
            }
            log.push(line);
        }
    }
    let addr = addr.unwrap();
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    std::thread::sleep(Duration::from_millis(200));
    while let Ok((is_stdout, line)) = rx.try_recv() {
        if is_stdout {
            printed.push(line);
        } else {
            log.push(line);
        }
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    (addr, printed, log)
}

#[test]
fn serve_demo_fills_an_empty_database_once() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let (_, printed, log) = serve_demo(&db, data.path());
    let logins: Vec<&String> = printed
        .iter()
        .filter(|l| l.starts_with("demo login: "))
        .collect();
    assert_eq!(logins.len(), 14, "{printed:#?}");
    assert!(
        logins
            .iter()
            .all(|l| l.split(' ').count() == 5 && !log.iter().any(|g| g.contains(*l))),
        "{printed:#?}"
    );
    assert!(
        !log.iter().any(|l| l.contains("/setup?token=")),
        "no setup link when there are users: {log:#?}"
    );
    {
        let (_db, mut c) = conn(&db.url);
        let n: i64 = companies::table.count().get_result(&mut c).unwrap();
        assert_eq!(n, 2_000);
    }

    // The second start finds the jobcenter and adds nothing.
    let (_, printed, log) = serve_demo(&db, data.path());
    assert!(
        !printed.iter().any(|l| l.contains("demo login:")),
        "{printed:#?}"
    );
    assert!(
        log.iter().any(|l| l.contains("has a jobcenter already")),
        "{log:#?}"
    );
    let (_db, mut c) = conn(&db.url);
    let n: i64 = companies::table.count().get_result(&mut c).unwrap();
    assert_eq!(n, 2_000);
}

#[test]
fn seed_demo_has_help() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(text(&out.stdout).contains("seed-demo"));
    let out = Command::new(BIN)
        .args(["seed-demo", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    for flag in [
        "--jobcenter",
        "--companies",
        "--activities",
        "--placements",
        "--campaigns",
        "--requests",
        "--seed",
        "--password-stdin",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}
