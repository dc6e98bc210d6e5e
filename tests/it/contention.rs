//! Writes that meet each other: crossing writes are run again rather than lost, a write that
//! meets a lock it cannot wait for answers 503 with the form kept, and many people saving at
//! once never see a 500.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::common::{self, app};
use crate::contact_support::cvr;
use jobcenter_crm::db::schema::companies;
use jobcenter_crm::db::{DbConn, DbUrl, establish};
use jobcenter_crm::models::WriteError;
use jobcenter_crm::models::audit::Actor;
use jobcenter_crm::web::forms::BUSY_MESSAGE;

/// Two writes that change the same two companies in opposite order, at the same moment. On
/// PostgreSQL one of them is chosen as the deadlock's victim and run again; on SQLite the
/// second waits for the first. Either way both are saved.
#[actix_web::test]
async fn crossing_writes_are_run_again_and_both_are_saved() {
    let app = app().await;
    let seed = app.seed();
    let a = app.add_company(&seed.jobcenter, "Alfa").id;
    let b = app.add_company(&seed.jobcenter, "Beta").id;
    let attempts = Arc::new(AtomicU32::new(0));
    let write = |first: i64, second: i64, note: &'static str| {
        let attempts = attempts.clone();
        let actor = Actor {
            jobcenter_id: seed.jobcenter.id,
            user_id: seed.consultant.id,
            client_ip: "192.0.2.1".into(),
            now: app.now(),
            via: None,
        };
        app.state.write(actor, move |c, _| {
            let attempt = attempts.fetch_add(1, Ordering::SeqCst);
            let note_on = |c: &mut DbConn, id: i64| {
                diesel::update(companies::table.find(id))
                    .set(companies::notes.eq(note))
                    .execute(c)
            };
            note_on(c, first)?;
            // Only the first two attempts wait for each other.
            if attempt < 2 {
                std::thread::sleep(Duration::from_millis(400));
            }
            note_on(c, second)?;
            Ok::<_, WriteError>(())
        })
    };
    let (one, two) = futures_util::future::join(write(a, b, "én"), write(b, a, "to")).await;
    assert!(matches!(one, Ok(Ok(()))), "{one:?}");
    assert!(matches!(two, Ok(Ok(()))), "{two:?}");
    let notes: Vec<String> = companies::table
        .filter(companies::id.eq_any([a, b]))
        .select(companies::notes)
        .load(&mut app.conn())
        .unwrap();
    // The one saved last wrote both notes.
    assert!(
        notes == ["én", "én"] || notes == ["to", "to"],
        "one write's notes on both: {notes:?}"
    );
    if app.db.is_postgres() {
        assert!(
            attempts.load(Ordering::SeqCst) >= 3,
            "the deadlock's victim was run again"
        );
    }
}

/// Someone holds a lock on the company (a long report, a stuck session): the save answers 503
/// within seconds with the message and what was typed, and works again once the lock is gone.
#[actix_web::test]
async fn a_save_that_meets_a_lock_answers_503_with_the_form_kept() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company_with(seed.jobcenter.id, "Låst ApS", &cvr(3), None);
    let karen = app.signed_in("konsulent@koege.dk").await;
    let edit = format!("/companies/{}/edit", company.id);
    karen.get(&edit).await;
    let mut holder = establish(&DbUrl::parse(&app.db.url).unwrap()).unwrap();
    match &mut holder {
        DbConn::Sqlite(c) => c.batch_execute("BEGIN IMMEDIATE").unwrap(),
        DbConn::Pg(c) => c
            .batch_execute(&format!(
                "BEGIN; SELECT id FROM companies WHERE id = {} FOR UPDATE",
                company.id
            ))
            .unwrap(),
    }
    let number = cvr(3);
    let fields = [
        ("cvr", number.as_str()),
        ("p_number", ""),
        ("name", "Låst og omdøbt ApS"),
        ("status", "active"),
        ("version", "1"),
    ];
    let started = Instant::now();
    let res = karen.post(&edit, &fields).await;
    let waited = started.elapsed();
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert!(
        common::unescape(&res.body).contains(BUSY_MESSAGE),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("Låst og omdøbt ApS"),
        "what was typed is kept"
    );
    assert!(
        waited < Duration::from_secs(12),
        "answered within seconds: {waited:?}"
    );

    holder.batch_execute("ROLLBACK").unwrap();
    let res = karen.post(&edit, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let name: String = companies::table
        .find(company.id)
        .select(companies::name)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(name, "Låst og omdøbt ApS");
}

/// Four people create and rename companies at the same moment: every save is answered, none
/// with a 500, and every one is kept.
#[actix_web::test]
async fn many_people_saving_at_once_never_see_a_500() {
    let app = app().await;
    app.seed();
    let mut clients = Vec::new();
    for email in [
        "konsulent@koege.dk",
        "leder@koege.dk",
        "admin@koege.dk",
        "konsulent@koege.dk",
    ] {
        let client = app.signed_in(email).await;
        client.get("/companies/new").await;
        clients.push(client);
    }
    let numbers: Vec<String> = (0..20).map(|i| cvr(100 + i)).collect();
    let rounds = futures_util::future::join_all(clients.iter().enumerate().map(|(n, client)| {
        let numbers = &numbers;
        async move {
            let mut statuses = Vec::new();
            for i in 0..5 {
                let number = &numbers[n * 5 + i];
                let name = format!("Samtidig {n}-{i} ApS");
                let res = client
                    .post(
                        "/companies",
                        &[
                            ("cvr", number.as_str()),
                            ("name", name.as_str()),
                            ("postcode", "4600"),
                            ("status", "prospect"),
                        ],
                    )
                    .await;
                statuses.push(res.status);
                if res.status == StatusCode::SEE_OTHER {
                    let edit = format!("{}/edit", res.location());
                    client.get(&edit).await;
                    let renamed = format!("Omdøbt {n}-{i} ApS");
                    let res = client
                        .post(
                            &edit,
                            &[
                                ("cvr", number.as_str()),
                                ("name", renamed.as_str()),
                                ("postcode", "4600"),
                                ("status", "active"),
                                ("version", "1"),
                            ],
                        )
                        .await;
                    statuses.push(res.status);
                }
            }
            statuses
        }
    }))
    .await;
    let statuses: Vec<StatusCode> = rounds.into_iter().flatten().collect();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "every save kept: {statuses:?}"
    );
    let renamed: i64 = companies::table
        .filter(companies::name.like("Omdøbt %"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(renamed, 20);
}

/// `/readyz` proves a write: while the database cannot take one it answers 503 (a load
/// balancer sends the traffic elsewhere) and `/healthz`, the liveness check, stays OK.
#[actix_web::test]
async fn readiness_needs_a_write_and_liveness_does_not() {
    let app = app().await;
    let client = app.client();
    let res = client.get("/readyz").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains(r#""database":"writable""#));

    let mut holder = establish(&DbUrl::parse(&app.db.url).unwrap()).unwrap();
    match &mut holder {
        DbConn::Sqlite(c) => c.batch_execute("BEGIN IMMEDIATE").unwrap(),
        DbConn::Pg(c) => c
            .batch_execute("BEGIN; LOCK TABLE readiness_checks IN ACCESS EXCLUSIVE MODE")
            .unwrap(),
    }
    let res = client.get("/readyz").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.body.contains(r#""database":"not writable""#));
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);

    holder.batch_execute("ROLLBACK").unwrap();
    assert_eq!(client.get("/readyz").await.status, StatusCode::OK);
}

/// A page that fails names its error code (the request id) so support can find the log line,
/// and the same failure again and again fills the log with one line, not one per request.
#[actix_web::test]
async fn a_failing_page_names_its_error_code_and_the_log_says_it_once() {
    let app = app().await;
    app.seed();
    let lars = app.signed_in("leder@koege.dk").await;
    diesel::sql_query("ALTER TABLE goals RENAME TO goals_away")
        .execute(&mut app.conn())
        .unwrap();
    let (guard, logs) = common::capture_logs();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let res = lars.get("/goals").await;
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
        let id = res.header("x-request-id").to_string();
        assert_eq!(id.len(), 12, "{id}");
        assert!(
            res.body.contains(&format!("fejlkoden {id}")),
            "{}",
            res.body
        );
        ids.push(id);
    }
    drop(guard);
    diesel::sql_query("ALTER TABLE goals_away RENAME TO goals")
        .execute(&mut app.conn())
        .unwrap();
    let logged = logs.text();
    let lines: Vec<&str> = logged
        .lines()
        .filter(|l| l.contains("internal error:"))
        .collect();
    assert_eq!(lines.len(), 1, "{logged}");
    assert!(lines[0].contains(&ids[0]), "{}", lines[0]);
    assert!(ids[1] != ids[0] && ids[2] != ids[1]);
    assert_eq!(lars.get("/goals").await.status, StatusCode::OK);
}
