//! The manager's overview, goals and the external figures, against a hand-built jobcenter.

use actix_web::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::common::{self, TestApp, app};
use jobcenter_crm::db::schema::{audit_log, benchmark_figures, companies, goals};
use jobcenter_crm::models::activity::{Activity, ActivityInput, ActivityKind, Topic};
use jobcenter_crm::models::company::{Company, CompanyStatus, EmployeeBand};
use jobcenter_crm::models::placement::{
    Placement, PlacementInput, PlacementKind, PlacementResult, PlacementStatus,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn activity(
    app: &TestApp,
    jc: i64,
    company: i64,
    user: i64,
    kind: ActivityKind,
    on: NaiveDate,
    topics: &[Topic],
) -> Activity {
    let input = ActivityInput {
        company_id: company,
        user_id: user,
        kind,
        occurred_on: on,
        topics: topics.to_vec(),
        summary: String::new(),
        outcome: None,
        campaign_id: None,
        contact_person_id: None,
        follow_up_on: None,
        follow_up_note: String::new(),
        follow_up_done: false,
    };
    Activity::create(&mut app.conn(), jc, &input, app.now()).expect("activity")
}

fn set_company(app: &TestApp, id: i64, employees: Option<EmployeeBand>, status: CompanyStatus) {
    diesel::update(companies::table.filter(companies::id.eq(id)))
        .set((
            companies::employees.eq(employees),
            companies::status.eq(status),
        ))
        .execute(&mut app.conn())
        .unwrap();
}

/// The rows of a CSV export as (label, values), the BOM and the heading left out.
pub fn csv_rows(body: &str) -> Vec<(String, Vec<String>)> {
    assert!(body.starts_with('\u{feff}'), "Danish Excel needs the BOM");
    body.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|line| {
            let mut cells = line.split(';').map(str::to_string);
            (cells.next().unwrap(), cells.collect())
        })
        .collect()
}

pub fn row<'a>(rows: &'a [(String, Vec<String>)], label: &str) -> &'a [String] {
    &rows
        .iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no row {label} in {rows:?}"))
        .1
}

struct Jobcenter {
    a: Company,
    b: Company,
    c: Company,
}

/// A: employees, visited twice and phoned in the second half of 2026, visited in the first;
/// B: employees, mailed in September 2026 and visited in August 2025; C: no employees,
/// visited in July 2026; D: employees but inactive, visited; E: employees, never contacted.
fn build(app: &TestApp, seed: &common::Seed) -> Jobcenter {
    let jc = seed.jobcenter.id;
    let (karen, lars) = (seed.consultant.id, seed.manager.id);
    let a = app.add_company(&seed.jobcenter, "Alfa Lager ApS");
    let b = app.add_company(&seed.jobcenter, "Beta Byg A/S");
    let c = app.add_company(&seed.jobcenter, "Cafe Cirkel");
    let d = app.add_company(&seed.jobcenter, "Delta Døde Aps");
    let e = app.add_company(&seed.jobcenter, "Epsilon El");
    set_company(app, a.id, Some(EmployeeBand::B5), CompanyStatus::Active);
    set_company(app, b.id, Some(EmployeeBand::B1), CompanyStatus::Active);
    set_company(app, d.id, Some(EmployeeBand::B20), CompanyStatus::Inactive);
    set_company(app, e.id, Some(EmployeeBand::B10), CompanyStatus::Prospect);
    use ActivityKind::*;
    activity(
        app,
        jc,
        a.id,
        karen,
        Visit,
        day(2026, 10, 5),
        &[Topic::Smaajob],
    );
    activity(
        app,
        jc,
        a.id,
        karen,
        Visit,
        day(2026, 10, 6),
        &[Topic::Smaajob],
    );
    activity(app, jc, a.id, lars, Phone, day(2026, 11, 2), &[]);
    activity(
        app,
        jc,
        b.id,
        lars,
        Mail,
        day(2026, 9, 1),
        &[Topic::Smaajob, Topic::Fleksjob],
    );
    activity(app, jc, c.id, karen, Visit, day(2026, 7, 10), &[]);
    activity(app, jc, d.id, karen, Visit, day(2026, 8, 10), &[]);
    activity(app, jc, a.id, karen, Visit, day(2026, 3, 3), &[]);
    activity(app, jc, b.id, karen, Visit, day(2025, 8, 20), &[]);
    Jobcenter { a, b, c }
}

#[actix_web::test]
async fn the_overview_counts_a_hand_built_half_year_beside_the_one_before_and_a_year_earlier() {
    let app = app().await;
    let seed = app.seed();
    let built = build(&app, &seed);
    let lars = app.signed_in("leder@koege.dk").await;

    let page = lars.get("/dashboard?period=2026-H2").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Overblik: 2. halvår 2026"));
    assert!(page.body.contains("1. halvår 2026") && page.body.contains("2. halvår 2025"));
    // A and B of the base (A, B, E: employees, not inactive) were contacted.
    assert!(page.body.contains("66,7 % (2 af 3)"), "{}", page.body);

    let work = lars.get("/dashboard.csv?period=2026-H2&table=work").await;
    assert_eq!(work.status, StatusCode::OK);
    assert!(work.header("content-type").starts_with("text/csv"));
    let rows = csv_rows(&work.body);
    assert_eq!(row(&rows, "Aktiviteter i alt"), ["6", "1", "1"]);
    assert_eq!(row(&rows, "Besøg"), ["4", "1", "1"]);
    assert_eq!(row(&rows, "Telefon"), ["1", "0", "0"]);
    assert_eq!(row(&rows, "Mail"), ["1", "0", "0"]);
    // A counted once for three activities; D (inactive) and C (no employees) counted as
    // contacted but outside the cooperation base.
    assert_eq!(
        row(&rows, "Forskellige virksomheder kontaktet"),
        ["4", "1", "1"]
    );
    assert_eq!(
        row(&rows, "Samarbejdsgrad i registret"),
        ["66,7", "33,3", "33,3"]
    );
    assert_eq!(row(&rows, "Nye virksomheder i registret"), ["5", "0", "0"]);

    let topics = csv_rows(
        &lars
            .get("/dashboard.csv?period=2026-H2&table=topics")
            .await
            .body,
    );
    assert_eq!(row(&topics, "Småjob"), ["3", "0", "0"]);
    assert_eq!(row(&topics, "Fleksjob"), ["1", "0", "0"]);

    let people = csv_rows(
        &lars
            .get("/dashboard.csv?period=2026-H2&table=consultants")
            .await
            .body,
    );
    assert_eq!(row(&people, "Karen Konsulent"), ["4", "4"]);
    assert_eq!(row(&people, "Lars Leder"), ["0", "2"]);

    // A run of months counts each company once across its months.
    let months = csv_rows(
        &lars
            .get("/dashboard.csv?unit=months&from=10-2026&to=11-2026&table=work")
            .await
            .body,
    );
    assert_eq!(row(&months, "Aktiviteter i alt")[0], "3");
    assert_eq!(row(&months, "Forskellige virksomheder kontaktet")[0], "1");

    // C gets employees: the base and the rate follow at once.
    set_company(
        &app,
        built.c.id,
        Some(EmployeeBand::B1),
        CompanyStatus::Active,
    );
    let rows = csv_rows(
        &lars
            .get("/dashboard.csv?period=2026-H2&table=work")
            .await
            .body,
    );
    assert_eq!(row(&rows, "Samarbejdsgrad i registret")[0], "75,0");

    // B's mail moves to March: the second half loses B, the first gains it.
    let mail = activities_of(&app, built.b.id, ActivityKind::Mail);
    let mut input = input_of(&mail);
    input.occurred_on = day(2026, 3, 9);
    Activity::update(
        &mut app.conn(),
        seed.jobcenter.id,
        mail.id,
        mail.version,
        &input,
        app.now(),
    )
    .unwrap();
    // One of A's visits is deleted: A is still contacted.
    let visit = activities_of(&app, built.a.id, ActivityKind::Visit);
    Activity::delete(&mut app.conn(), seed.jobcenter.id, visit.id).unwrap();
    let rows = csv_rows(
        &lars
            .get("/dashboard.csv?period=2026-H2&table=work")
            .await
            .body,
    );
    assert_eq!(
        row(&rows, "Forskellige virksomheder kontaktet"),
        ["3", "2", "1"]
    );
    assert_eq!(row(&rows, "Aktiviteter i alt"), ["4", "2", "1"]);

    // Another jobcenter sees none of it; consultants see no overview.
    let soren = app.signed_in("admin@stevns.dk").await;
    let theirs = csv_rows(
        &soren
            .get("/dashboard.csv?period=2026-H2&table=work")
            .await
            .body,
    );
    assert_eq!(row(&theirs, "Aktiviteter i alt"), ["0", "0", "0"]);
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(karen.get("/dashboard").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        karen.get("/dashboard.csv?table=work").await.status,
        StatusCode::FORBIDDEN
    );

    // Bad periods are refused in Danish, never a 500.
    let bad = lars.get("/dashboard?unit=months&from=13-2026&to=x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Skriv måneden som mm-åååå"));
    let bad = lars.get("/dashboard?period=2026-H3").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Perioden findes ikke"));
    let bad = lars
        .get("/dashboard.csv?period=2026-H2&table=nothing")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The value of the form field `name` on a page.
fn field_value(body: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = body.find(&marker).expect("field on the page") + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

fn activities_of(app: &TestApp, company: i64, kind: ActivityKind) -> Activity {
    use jobcenter_crm::db::schema::activities;
    activities::table
        .filter(activities::company_id.eq(company))
        .filter(activities::kind.eq(kind))
        .order(activities::id)
        .select(Activity::as_select())
        .first(&mut app.conn())
        .unwrap()
}

fn input_of(a: &Activity) -> ActivityInput {
    ActivityInput {
        company_id: a.company_id,
        user_id: a.user_id,
        kind: a.kind,
        occurred_on: a.occurred_on,
        topics: jobcenter_crm::models::activity::decode_topics(&a.topics),
        summary: a.summary.clone(),
        outcome: a.outcome,
        campaign_id: a.campaign_id,
        contact_person_id: a.contact_person_id,
        follow_up_on: a.follow_up_on,
        follow_up_note: a.follow_up_note.clone(),
        follow_up_done: a.follow_up_done,
    }
}

#[actix_web::test]
async fn placements_are_counted_by_start_end_and_result() {
    let app = app().await;
    let seed = app.seed();
    let jc = seed.jobcenter.id;
    let a = app.add_company(&seed.jobcenter, "Alfa");
    let b = app.add_company(&seed.jobcenter, "Beta");
    let today = jobcenter_crm::domain::dates::local_date(app.now());
    let placement = |company: i64, kind, start, end, status, result| {
        let input = PlacementInput {
            company_id: company,
            user_id: seed.consultant.id,
            kind,
            citizen_ref: "SAG-1".into(),
            hours_per_week: 10.0,
            start_on: start,
            end_on: end,
            status,
            result,
            campaign_id: None,
            note: String::new(),
        };
        Placement::create(&mut app.conn(), jc, &input, app.now()).unwrap();
    };
    use PlacementKind::*;
    use PlacementStatus::*;
    placement(a.id, Smaajob, day(2026, 8, 1), None, Active, None);
    placement(
        b.id,
        Smaajob,
        day(2026, 9, 1),
        Some(day(2026, 11, 1)),
        Ended,
        Some(PlacementResult::OrdinaryJob),
    );
    placement(
        a.id,
        Fleksjob,
        day(2026, 7, 15),
        Some(day(2026, 10, 30)),
        Ended,
        Some(PlacementResult::Unemployed),
    );
    placement(a.id, Fleksjob, day(2026, 11, 20), None, Planned, None);
    // Outside every compared half-year; it counts in its own year only.
    placement(
        b.id,
        Praktik,
        day(2025, 3, 1),
        Some(day(2025, 4, 1)),
        Ended,
        None,
    );
    // Planned to start after today: not started, not active.
    placement(
        b.id,
        Loentilskud,
        today + chrono::Days::new(10),
        None,
        Planned,
        None,
    );
    let lars = app.signed_in("leder@koege.dk").await;
    let rows = csv_rows(
        &lars
            .get("/dashboard.csv?period=2026-H2&table=placements")
            .await
            .body,
    );
    assert_eq!(row(&rows, "Startet i alt")[0], "4");
    assert_eq!(row(&rows, "Startet: Småjob")[0], "2");
    assert_eq!(row(&rows, "Startet: Fleksjob")[0], "2");
    assert_eq!(row(&rows, "Startet: Løntilskud")[0], "0");
    assert_eq!(
        row(&rows, "Virksomheder med mindst ét startet forløb")[0],
        "2"
    );
    assert_eq!(row(&rows, "Afsluttet i alt")[0], "2");
    assert_eq!(row(&rows, "Afsluttet: ordinært job")[0], "1");
    assert_eq!(row(&rows, "Afsluttet i job eller uddannelse")[0], "50,0");
    let active = csv_rows(
        &lars
            .get("/dashboard.csv?period=2026-H2&table=active")
            .await
            .body,
    );
    // The active småjob and the planned fleksjob whose start has passed.
    assert_eq!(row(&active, "Småjob"), ["1"]);
    assert_eq!(row(&active, "Fleksjob"), ["1"]);
    assert_eq!(row(&active, "I alt"), ["2"]);
    // Started per year beside the benchmark: the placement planned after today is not started.
    let years = csv_rows(&lars.get("/dashboard.csv?table=years").await.body);
    assert_eq!(row(&years, "2026")[2], "4");
    assert_eq!(row(&years, "2025")[2], "1");
    assert_eq!(row(&years, "2024")[2], "0");

    // A goal narrowed to one kind counts only placements of that kind.
    let input = jobcenter_crm::models::goal::GoalForm {
        half_year: "2026-H2".into(),
        focus_area: "Flere i småjob".into(),
        metric: "placements_started".into(),
        target: "5".into(),
        placement_kind: "smaajob".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    jobcenter_crm::models::goal::Goal::create(
        &mut app.conn(),
        jc,
        &input,
        seed.manager.id,
        app.now(),
    )
    .unwrap();
    let goals = lars.get("/goals?half_year=2026-H2").await;
    assert!(goals.body.contains("Forløb startet – type: Småjob"));
    assert!(
        goals.body.contains("<td>2</td>\n    <td>5</td>"),
        "{}",
        goals.body
    );
}

#[actix_web::test]
async fn a_goal_follows_the_visits_and_keeps_the_history_of_its_target() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Alfa");
    let lars = app.signed_in("leder@koege.dk").await;
    let today = jobcenter_crm::domain::dates::local_date(app.now());
    let half = jobcenter_crm::domain::periods::Period::containing(
        jobcenter_crm::domain::periods::Unit::Half,
        today,
    );
    let half_param = half.param();
    let goal = |target: &'static str, metric: &'static str, half_year: &str| {
        vec![
            ("half_year", half_year.to_string()),
            ("focus_area", "Virksomhedssamarbejde".to_string()),
            ("metric", metric.to_string()),
            ("target", target.to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let lars = &lars;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            lars.post_from("/goals/new", "/goals", &fields).await
        }
    };
    // Bad goals are refused next to their field, and nothing is saved.
    let res = send(goal("-5", "visits", &half_param)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Målet kan ikke være negativt."));
    let res = send(goal("5", "dance", &half_param)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vælg hvad målet tæller."));
    let res = send(goal("5", "visits", "2026-H3")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vælg et halvår"));
    let count = || {
        goals::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
    };
    assert_eq!(count(), 0);

    let res = send(goal("10", "visits", &half_param)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = lars.get(&format!("/goals?half_year={half_param}")).await;
    assert!(page.body.contains("Virksomhedssamarbejde"));
    assert!(
        page.body.contains("<td>0</td>\n    <td>10</td>"),
        "{}",
        page.body
    );

    // A visit logged through the form moves the goal's figure.
    let res = lars
        .post_from(
            &format!("/activities/new?company={}", company.id),
            "/activities",
            &[
                ("company_id", &company.id.to_string()),
                ("user_id", &seed.manager.id.to_string()),
                ("kind", "visit"),
                ("occurred_on", &today.to_string()),
                ("summary", "Besøg om småjob"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = lars.get(&format!("/goals?half_year={half_param}")).await;
    assert!(
        page.body.contains("<td>1</td>\n    <td>10</td>"),
        "{}",
        page.body
    );

    // A changed target keeps the old one in the history, and is audited.
    let id: i64 = goals::table
        .select(goals::id)
        .first(&mut app.conn())
        .unwrap();
    let edit = lars.get(&format!("/goals/{id}/edit")).await;
    let version = field_value(&edit.body, "version");
    let mut fields = goal("12", "visits", &half_param);
    fields.push(("version", version.clone()));
    let fields_ref: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = lars.post(&format!("/goals/{id}/edit"), &fields_ref).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let stale = lars.post(&format!("/goals/{id}/edit"), &fields_ref).await;
    assert_eq!(
        stale.status,
        StatusCode::CONFLICT,
        "the old version is refused"
    );
    let show = lars.get(&format!("/goals/{id}")).await;
    assert!(
        show.body.contains("<td>10</td><td>Lars Leder</td>"),
        "{}",
        show.body
    );
    assert!(show.body.contains("<td>12</td><td>Lars Leder</td>"));
    let audited: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("goal_updated"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert!(audited[0].contains("10 → 12"), "{audited:?}");

    // Copying to the next half-year is one action, and a second copy adds nothing.
    let res = lars
        .post_from(
            &format!("/goals?half_year={half_param}"),
            "/goals/copy",
            &[("half_year", &half_param)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    lars.post_from(
        &format!("/goals?half_year={half_param}"),
        "/goals/copy",
        &[("half_year", &half_param)],
    )
    .await;
    assert_eq!(count(), 2);
    let next = lars
        .get(&format!("/goals?half_year={}", half.next().param()))
        .await;
    assert!(next.body.contains("Virksomhedssamarbejde"));

    // Consultants read goals but may not change them; another jobcenter finds nothing.
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(karen.get("/goals").await.status, StatusCode::OK);
    assert_eq!(
        karen.get(&format!("/goals/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(karen.get("/goals/new").await.status, StatusCode::FORBIDDEN);
    let res = karen
        .post_from(
            "/goals",
            "/goals",
            &[
                ("half_year", &half_param),
                ("metric", "visits"),
                ("target", "1"),
                ("focus_area", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let soren = app.signed_in("admin@stevns.dk").await;
    assert_eq!(
        soren.get(&format!("/goals/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !soren
            .get("/goals")
            .await
            .body
            .contains("Virksomhedssamarbejde")
    );
}

#[actix_web::test]
async fn the_press_release_benchmark_imports_and_stands_beside_the_own_figures() {
    let app = app().await;
    app.seed();
    let lars = app.signed_in("leder@koege.dk").await;
    lars.get("/figures/benchmark/import").await;
    let table = std::fs::read("tests/fixtures/benchmark_press_release.csv").unwrap();
    let res = lars
        .upload(
            "/figures/benchmark/import",
            "file",
            "benchmark.csv",
            &table,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let figures = lars.get("/figures").await;
    assert!(figures.body.contains("Ikke opgjort pga. corona"));
    assert!(figures.body.contains("2.370"));
    let saved: i64 = benchmark_figures::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(saved, 7);
    let measured: Vec<bool> = benchmark_figures::table
        .filter(benchmark_figures::period.eq("2019"))
        .select(benchmark_figures::measured)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(measured, [false]);

    // The overview puts the ranks beside the own figures of the same years.
    let years = csv_rows(&lars.get("/dashboard.csv?table=years").await.body);
    assert_eq!(row(&years, "2017")[3], "69");
    assert_eq!(row(&years, "2019")[3], "Ikke opgjort pga. corona");
    assert_eq!(row(&years, "2023")[3], "10");

    // A bad table reports each bad line and saves nothing.
    lars.get("/figures/benchmark/import").await;
    let bad =
        "År;Forventet;Faktisk;Forskel;Placering\n2024;2.1x0;2.000;;9\n2025;2.000;1.990;;120\n";
    let res = lars
        .upload(
            "/figures/benchmark/import",
            "file",
            "bad.csv",
            bad.as_bytes(),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Linje 2:") && res.body.contains("Linje 3:"),
        "{}",
        res.body
    );
    let saved: i64 = benchmark_figures::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(saved, 7);

    // DI ranks by hand, with a bad rank refused next to its field.
    let res = lars
        .post_from(
            "/figures/di/new",
            "/figures/di",
            &[
                ("year", "2024"),
                ("overall_rank", "abc"),
                ("cooperation_rank", "33"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Placeringen skal være et helt tal fra 1 til 98.")
    );
    let res = lars
        .post_from(
            "/figures/di/new",
            "/figures/di",
            &[
                ("year", "2024"),
                ("overall_rank", "44"),
                ("cooperation_rank", "33"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let years = csv_rows(&lars.get("/dashboard.csv?table=years").await.body);
    assert_eq!(row(&years, "2024")[4], "44");
    assert_eq!(row(&years, "2024")[6], "33");

    // Consultants read, but may not change; another jobcenter sees none of it.
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert!(karen.get("/figures").await.body.contains("2.370"));
    assert_eq!(
        karen.get("/figures/benchmark/import").await.status,
        StatusCode::FORBIDDEN
    );
    let soren = app.signed_in("admin@stevns.dk").await;
    assert!(!soren.get("/figures").await.body.contains("2.370"));
    let id: i64 = benchmark_figures::table
        .select(benchmark_figures::id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        soren
            .get(&format!("/figures/benchmark/{id}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
