//! Every list and count query behind the pages goes through an index. The queries are the ones
//! the models really run (captured with diesel's instrumentation), explained on the database the
//! suite runs on: on SQLite no `SCAN` of a table, on PostgreSQL no `Seq Scan` when the planner
//! is told to avoid one. A dropped index or a query that stops using one fails here.

use crate::common;
use std::sync::{Arc, Mutex};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::sql_types::Text;
use jobcenter_crm::db::DbConn;
use jobcenter_crm::models::access_log::{AccessEntity, AccessFilter, AccessLog};
use jobcenter_crm::models::activity::{Activity, ActivityKind, ActivityQuery, Topic};
use jobcenter_crm::models::audit::AuditRow;
use jobcenter_crm::models::campaign::{Campaign, CampaignTarget};
use jobcenter_crm::models::company::{Company, CompanyQuery, CompanySort, CompanyStatus, Cursor};
use jobcenter_crm::models::contact_request::{ContactRequest, InboxTab};
use jobcenter_crm::models::goal::Goal;
use jobcenter_crm::models::login_attempt::LoginAttempt;
use jobcenter_crm::models::need::{Need, NeedQuery};
use jobcenter_crm::models::outbox::OutboxMail;
use jobcenter_crm::models::overview::Overview;
use jobcenter_crm::models::placement::{Placement, PlacementQuery};
use jobcenter_crm::models::satisfaction::Survey;
use jobcenter_crm::models::session::Session;
use jobcenter_crm::models::settings::Settings;

/// The SQL of every statement `f` runs.
fn statements(conn: &mut DbConn, f: impl FnOnce(&mut DbConn)) -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text
                .split(" -- binds:")
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            sink.lock().unwrap().push(sql);
        }
    });
    f(conn);
    conn.set_instrumentation(None::<Box<dyn Instrumentation>>);
    seen.lock().unwrap().clone()
}

#[derive(QueryableByName)]
struct SqlitePlanRow {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PgPlanRow {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The plan of one SELECT, a line a step: SQLite's query plan details, or PostgreSQL's
/// generic plan with sequential scans priced out.
fn plan(conn: &mut DbConn, sql: &str) -> Vec<String> {
    match conn {
        DbConn::Sqlite(c) => {
            // Parameters left unbound do not change SQLite's plan.
            let plan: Vec<SqlitePlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load(c)
                .unwrap_or_else(|e| panic!("explain failed for {sql}: {e}"));
            plan.into_iter().map(|r| r.detail).collect()
        }
        DbConn::Pg(c) => {
            // A generic plan (values unknown) with sequential scans priced out: what remains a
            // Seq Scan has no index to use.
            c.batch_execute("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan; DEALLOCATE ALL;")
                .unwrap();
            c.batch_execute(&format!("PREPARE plan_check AS {sql}"))
                .unwrap_or_else(|e| panic!("prepare failed for {sql}: {e}"));
            let params = sql.matches('$').count();
            let nulls = vec!["NULL"; params].join(", ");
            let execute = if params == 0 {
                "EXECUTE plan_check".to_string()
            } else {
                format!("EXECUTE plan_check({nulls})")
            };
            let plan: Vec<PgPlanRow> = diesel::sql_query(format!("EXPLAIN {execute}"))
                .load(c)
                .unwrap();
            c.batch_execute("DEALLOCATE plan_check; RESET enable_seqscan; RESET plan_cache_mode;")
                .unwrap();
            plan.into_iter().map(|r| r.line).collect()
        }
    }
}

/// The full scans in the plan of one SELECT, if any.
fn full_scans(conn: &mut DbConn, sql: &str) -> Vec<String> {
    plan(conn, sql)
        .into_iter()
        .filter(|d| {
            // SQLite: a SCAN (not of a constant row, nor a virtual table asked through its own
            // index, FTS5 MATCH: "INDEX 0:M…"); PostgreSQL: a Seq Scan.
            (d.starts_with("SCAN ")
                && !d.starts_with("SCAN CONSTANT ROW")
                && !(d.contains("VIRTUAL TABLE INDEX") && d.contains(":M")))
                || d.contains("Seq Scan")
        })
        .collect()
}

/// Records fetched by their ids (the API's list pages) are read through the primary key, not
/// through the jobcenter's index: that would read every row of the jobcenter for 50 ids.
#[actix_web::test]
async fn records_fetched_by_id_use_the_primary_key() {
    let app = common::app().await;
    let seed = app.seed();
    let jc = seed.jobcenter.id;
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    // As many as a page of the API: SQLite's choice of index changes from four ids on.
    let ids: Vec<i64> = (1..=50).collect();
    let mut sql = statements(conn, |c| {
        Company::find_many(c, jc, &ids).unwrap();
    });
    sql.extend(statements(conn, |c| {
        Activity::find_many(c, jc, &ids).unwrap();
    }));
    sql.extend(statements(conn, |c| {
        ContactRequest::find_many(c, jc, &ids).unwrap();
    }));
    assert_eq!(sql.len(), 3, "{sql:?}");
    for statement in sql {
        let plan = plan(conn, &statement);
        assert!(
            plan.iter()
                .any(|l| l.contains("INTEGER PRIMARY KEY") || l.contains("_pkey")),
            "{statement}\n{plan:#?}"
        );
    }
}

/// The population's queries read through their indexes: the list of units not in the
/// register walks the name index and looks each unit up in the register's unique indexes, and
/// a page of companies finds its units by CVR number — ordered by the database, SQLite walked
/// the P-number index through every unit of the jobcenter instead.
#[actix_web::test]
async fn population_queries_use_their_indexes() {
    use jobcenter_crm::models::population::{self, Filter, Parsed, PopulationImport, UnitInput};
    let app = common::app().await;
    let seed = app.seed();
    let jc = seed.jobcenter.id;
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    let unit = UnitInput {
        p_number: "1000000001".into(),
        cvr: "10150817".into(),
        name: "Havnens Restaurant ApS".into(),
        address: String::new(),
        postcode: "4600".into(),
        city: "Køge".into(),
        industry_code: "561010".into(),
        industry_text: String::new(),
        employees: None,
        started_on: None,
        ended_on: None,
        advertising_protected: false,
    };
    let parsed = Parsed {
        units: vec![unit],
        errors: Vec::new(),
    };
    PopulationImport::run(conn, jc, None, "cvr.csv", &parsed, app.now()).unwrap();
    let cvrs: Vec<String> = (0..50).map(|i| format!("1{i:07}")).collect();
    let keys: Vec<(i64, &str, Option<&str>)> = cvrs
        .iter()
        .enumerate()
        .map(|(i, cvr)| (i as i64, cvr.as_str(), None))
        .collect();
    let by_cvr = statements(conn, |c| {
        population::of_companies(c, jc, &keys).unwrap();
    });
    let filter = Filter {
        industry: "56".into(),
        ..Default::default()
    };
    // Every statement is taken before any is explained (explaining on PostgreSQL drops the
    // connection's prepared statements).
    let list = statements(conn, |c| {
        population::not_in_register(c, jc, &filter, Some(("h".into(), 1)), 51).unwrap();
    });
    let units = by_cvr.last().expect("the units' query");
    let plan_of_units = plan(conn, units);
    // PostgreSQL chooses between its indexes by the table's statistics, which a test table of
    // one row does not have; that it reads no table whole is what holds there.
    let by_the_cvr_index = match conn {
        DbConn::Sqlite(_) => plan_of_units
            .iter()
            .any(|l| l.contains("population_units_by_cvr")),
        DbConn::Pg(_) => full_scans(conn, units).is_empty(),
    };
    assert!(by_the_cvr_index, "{units}\n{plan_of_units:#?}");
    let list = list.last().expect("the list's query");
    let plan_of_list = plan(conn, list);
    assert!(
        plan_of_list
            .iter()
            .any(|l| l.contains("population_units_by_name")),
        "{list}\n{plan_of_list:#?}"
    );
    assert!(full_scans(conn, list).is_empty(), "{plan_of_list:#?}");
}

#[actix_web::test]
async fn no_page_query_scans_a_table() {
    let app = common::app().await;
    let seed = app.seed();
    let jc = seed.jobcenter.id;
    let uid = seed.consultant.id;
    let today = chrono::Utc::now().date_naive();
    let now = chrono::Utc::now().naive_utc();
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;

    let after = Cursor::decode(&Cursor::encode_for_tests("aa", 1)).unwrap();
    let mut checked: Vec<(&str, Vec<String>)> = Vec::new();
    let mut check = |name: &'static str, f: &mut dyn FnMut(&mut DbConn)| {
        let sql = statements(conn, |c| f(c));
        assert!(!sql.is_empty(), "{name} ran no query");
        checked.push((name, sql));
    };
    // A company with the term's runs: a search for a run no company has never reaches its query.
    app.add_company(&seed.jobcenter, "Ærø Bageri ApS");
    let text_query = CompanyQuery {
        text: Some("ærø".into()),
        ..Default::default()
    };
    let status_query = CompanyQuery {
        status: Some(CompanyStatus::Active),
        ..Default::default()
    };
    let mine = CompanyQuery {
        fixed_contact_id: Some(uid),
        ..Default::default()
    };
    let by_contact = CompanyQuery {
        sort: CompanySort::LastContact,
        ..Default::default()
    };
    check("company list", &mut |c| {
        ran(Company::search(c, jc, &CompanyQuery::default(), None, 25).unwrap())
    });
    check("company list, page 2", &mut |c| {
        ran(Company::search(c, jc, &CompanyQuery::default(), Some(&after), 25).unwrap())
    });
    check("company search", &mut |c| {
        ran(Company::search(c, jc, &text_query, None, 25).unwrap())
    });
    check("companies by status", &mut |c| {
        ran(Company::search(c, jc, &status_query, None, 25).unwrap())
    });
    check("my companies", &mut |c| {
        ran(Company::search(c, jc, &mine, None, 25).unwrap())
    });
    check("companies by last contact", &mut |c| {
        ran(Company::search(c, jc, &by_contact, None, 25).unwrap())
    });
    check("duplicate check", &mut |c| {
        ran(Company::find_duplicate(c, jc, "10150817", None, None).unwrap())
    });
    check("my activities", &mut |c| {
        ran(Activity::list(
            c,
            jc,
            &ActivityQuery {
                user_id: Some(uid),
                ..Default::default()
            },
            None,
            25,
        )
        .unwrap())
    });
    check("all activities", &mut |c| {
        ran(Activity::list(c, jc, &ActivityQuery::default(), Some((today, 5)), 25).unwrap())
    });
    check("activities by topic", &mut |c| {
        ran(Activity::list(
            c,
            jc,
            &ActivityQuery {
                topic: Some(Topic::Smaajob),
                ..Default::default()
            },
            None,
            25,
        )
        .unwrap())
    });
    check("company timeline", &mut |c| {
        ran(Activity::list(
            c,
            jc,
            &ActivityQuery {
                company_id: Some(1),
                ..Default::default()
            },
            None,
            31,
        )
        .unwrap())
    });
    check("follow-ups", &mut |c| {
        ran(Activity::open_follow_ups(c, jc, uid, Some(today), None, None, 51).unwrap())
    });
    check("overdue follow-ups", &mut |c| {
        ran(Activity::open_follow_ups(c, jc, uid, None, today.pred_opt(), None, 51).unwrap())
    });
    check("follow-up group count", &mut |c| {
        ran(Activity::count_open_follow_ups(c, jc, uid, Some(today), None).unwrap())
    });
    check("follow-up counts", &mut |c| {
        ran(Activity::follow_up_counts(c, jc, uid, today).unwrap())
    });
    check("placements", &mut |c| {
        ran(Placement::list(c, jc, &PlacementQuery::default(), None, 25).unwrap())
    });
    check("a campaign's placements", &mut |c| {
        ran(Placement::list(
            c,
            jc,
            &PlacementQuery {
                campaign_id: Some(1),
                ..Default::default()
            },
            None,
            200,
        )
        .unwrap())
    });
    check("the newest placements on a campaign's page", &mut |c| {
        ran(Placement::newest_of_campaign(c, jc, 1, 10).unwrap())
    });
    check("open needs", &mut |c| {
        let open = NeedQuery {
            open_only: true,
            ..Default::default()
        };
        ran(Need::list(c, jc, &open, None, 26).unwrap())
    });
    check("a company's needs", &mut |c| {
        ran(Need::of_company(c, jc, 1, 21).unwrap())
    });
    check("need figures", &mut |c| {
        let month = chrono::Datelike::with_day(&today, 1).unwrap();
        ran(Need::figures(c, jc, month, month + chrono::Months::new(6)).unwrap())
    });
    check("placement counts", &mut |c| {
        ran(Placement::counts(c, jc, today).unwrap())
    });
    check("campaigns", &mut |c| {
        ran(Campaign::list(c, jc, Some(uid)).unwrap())
    });
    check("campaign targets", &mut |c| {
        ran(CampaignTarget::list(c, jc, 1, Default::default(), None, 50).unwrap())
    });
    check("my campaign targets", &mut |c| {
        ran(CampaignTarget::open_for_user(c, jc, uid, 15).unwrap())
    });
    for tab in [
        InboxTab::New,
        InboxTab::Mine,
        InboxTab::Open,
        InboxTab::Answered,
        InboxTab::Closed,
    ] {
        check("inbox", &mut |c| {
            ran(ContactRequest::inbox(c, jc, uid, tab, Some(100), 25).unwrap())
        });
    }
    check("inbox counts", &mut |c| {
        ran(ContactRequest::count_new_and_mine(c, jc, uid).unwrap())
    });
    check("response times", &mut |c| {
        ran(ContactRequest::timings(c, jc, now, now).unwrap())
    });
    check("requests waiting past the promise", &mut |c| {
        ran(ContactRequest::count_waiting_since_before(c, jc, now).unwrap())
    });
    // The manager's overview, for a half-year and for a run of months (and what goals count).
    let half = jobcenter_crm::domain::periods::Period::half(2026, 2).unwrap();
    let months =
        jobcenter_crm::domain::periods::Period::months(half.first, half.last_day()).unwrap();
    for period in [half, months] {
        check("overview", &mut |c| {
            ran(Overview::figures(
                c,
                jc,
                &[period, period.previous()],
                today,
                now,
                &Settings::defaults(jc),
            )
            .unwrap())
        });
        check("overview weeks", &mut |c| {
            ran(Overview::weeks(c, jc, &period).unwrap())
        });
        check("overview campaigns", &mut |c| {
            ran(Overview::campaigns(c, jc, &period, today).unwrap())
        });
        check("overview campaign visits", &mut |c| {
            ran(Overview::campaign_companies_visited(c, jc, &period, None).unwrap())
        });
        check("overview visits about a topic", &mut |c| {
            ran(
                Overview::activities_of(c, jc, &period, ActivityKind::Visit, Some(Topic::Smaajob))
                    .unwrap(),
            )
        });
    }
    check("overview register", &mut |c| {
        ran(Overview::register(c, jc, today).unwrap())
    });
    check("overview active placements", &mut |c| {
        ran(Overview::active_placements(c, jc, today).unwrap())
    });
    check("goals", &mut |c| {
        ran(Goal::of_half_year(c, jc, &half).unwrap())
    });
    check("audit log", &mut |c| {
        ran(AuditRow::page(c, jc, Some(100), 50).unwrap())
    });
    check("access log by person", &mut |c| {
        let filter = AccessFilter {
            user_id: Some(1),
            entity: None,
        };
        ran(AccessLog::page(c, jc, filter, Some(100), 50).unwrap())
    });
    check("access log by record", &mut |c| {
        let filter = AccessFilter {
            user_id: None,
            entity: Some((AccessEntity::Company, 1)),
        };
        ran(AccessLog::page(c, jc, filter, None, 50).unwrap())
    });
    check("outbox", &mut |c| {
        ran(OutboxMail::page(c, jc, Some(100), 50).unwrap())
    });
    check("satisfaction link", &mut |c| {
        ran(Survey::by_token(c, "no-such-token", now).unwrap())
    });
    check("satisfaction figures", &mut |c| {
        ran(Survey::scores(c, jc, now, now).unwrap());
        ran(Survey::sent(c, jc, now, now).unwrap());
        ran(Survey::comments(c, jc, now, now, 100).unwrap())
    });
    check("session", &mut |c| {
        ran(Session::resolve(c, "no-such-session", now).unwrap())
    });
    check("login throttle", &mut |c| {
        ran(LoginAttempt::claim(c, "a@b.dk", "192.0.2.1", now).unwrap())
    });

    // The check itself can fail: a filter on a column without an index is a full scan.
    let unindexed = match conn {
        DbConn::Sqlite(_) => "SELECT id FROM companies WHERE notes = ?",
        DbConn::Pg(_) => "SELECT id FROM companies WHERE notes = $1",
    };
    assert!(
        !full_scans(conn, unindexed).is_empty(),
        "the plan check must see a full scan"
    );

    let mut failures = Vec::new();
    for (name, sqls) in &checked {
        for sql in sqls
            .iter()
            .filter(|s| s.trim_start().to_uppercase().starts_with("SELECT"))
        {
            let scans = full_scans(conn, sql);
            if !scans.is_empty() {
                failures.push(format!("{name}: {scans:?}\n    {sql}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "queries that scan a whole table:\n{}",
        failures.join("\n")
    );
}

/// Runs a query for its SQL; the result does not matter here.
fn ran<T>(_: T) {}

/// A deep page starts its index range at the cursor: SQLite's plan names `name_search>?` as
/// part of the index search, not as a filter on every row walked up to it.
#[actix_web::test]
async fn a_deep_company_page_seeks_to_its_cursor() {
    let app = common::app().await;
    let seed = app.seed();
    let jc = seed.jobcenter.id;
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    if !matches!(conn, DbConn::Sqlite(_)) {
        // PostgreSQL's generic plans are checked for scans above; the range shape is SQLite's.
        eprintln!("skipped on PostgreSQL: the index ranges checked here are SQLite's plans");
        return;
    }
    let after = Cursor::decode(&Cursor::encode_for_tests("aa", 1)).unwrap();
    let plan = sqlite_plans(conn, |c| {
        Company::search(c, jc, &CompanyQuery::default(), Some(&after), 25).unwrap();
    })
    .remove(0);
    assert!(
        plan.iter()
            .any(|d| d.starts_with("SEARCH companies") && d.contains("name_search>?")),
        "{plan:?}"
    );
}

/// The plan lines of each statement `f` runs, on SQLite.
fn sqlite_plans(conn: &mut DbConn, f: impl FnOnce(&mut DbConn)) -> Vec<Vec<String>> {
    let sql = statements(conn, f);
    let DbConn::Sqlite(c) = conn else {
        unreachable!("only asked on SQLite")
    };
    sql.iter()
        .map(|sql| {
            let plan: Vec<SqlitePlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load(c)
                .unwrap();
            plan.into_iter().map(|r| r.detail).collect()
        })
        .collect()
}

/// A query's name, the index its plan must seek with, and what runs it.
type PlanCase<'a> = (&'a str, &'a str, Box<dyn Fn(&mut DbConn) + 'a>);

/// Where a query reads few rows of a large set, SQLite must seek with the index that narrows it
/// most, not walk a wider one (all of a user's activities, all of a jobcenter's placements)
/// and filter: no scan, yet as slow as one.
#[actix_web::test]
async fn narrow_queries_seek_with_their_narrowest_index() {
    let app = common::app().await;
    let seed = app.seed();
    let (jc, uid) = (seed.jobcenter.id, seed.consultant.id);
    let today = chrono::Utc::now().date_naive();
    let now = chrono::Utc::now().naive_utc();
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    if !matches!(conn, DbConn::Sqlite(_)) {
        eprintln!("skipped on PostgreSQL: the index names checked here are SQLite's plans");
        return;
    }
    app.add_company(&seed.jobcenter, "Ærø Bageri ApS");
    let text_query = CompanyQuery {
        text: Some("bageri".into()),
        ..Default::default()
    };
    let campaign = Campaign {
        id: 1,
        jobcenter_id: jc,
        name: "Småjob i uge 41–49".into(),
        purpose: String::new(),
        topics: String::new(),
        start_on: today,
        end_on: today,
        target_companies: 50,
        target_placements: None,
        status: jobcenter_crm::models::campaign::CampaignStatus::Running,
        version: 1,
        created_at: now,
        updated_at: now,
        regional_campaign_id: None,
    };
    // Only open follow-ups are in the (partial) index, with what the page shows: covering.
    let follow_ups = "COVERING INDEX activities_open_follow_ups (jobcenter_id=? AND user_id=?";
    let follow_up_days =
        "follow_up_day_counts USING PRIMARY KEY (jobcenter_id=? AND user_id=? AND day>? AND day<?)";
    let campaign_placements = "INDEX placements_campaign (jobcenter_id=? AND campaign_id=?";
    let cases: Vec<PlanCase> = vec![
        (
            "follow-ups",
            follow_ups,
            Box::new(|c| {
                Activity::open_follow_ups(c, jc, uid, Some(today), None, None, 51).unwrap();
            }),
        ),
        (
            "the follow-up counters of the days at the ends of a range",
            follow_up_days,
            Box::new(|c| {
                Activity::count_open_follow_ups(c, jc, uid, None, today.pred_opt()).unwrap();
            }),
        ),
        (
            "the start page's follow-up counts",
            follow_up_days,
            Box::new(|c| {
                Activity::follow_up_counts(c, jc, uid, today).unwrap();
            }),
        ),
        (
            "a campaign's placements",
            campaign_placements,
            Box::new(|c| {
                let query = PlacementQuery {
                    campaign_id: Some(1),
                    ..Default::default()
                };
                Placement::list(c, jc, &query, None, 200).unwrap();
            }),
        ),
        (
            "the newest placements on a campaign's page",
            campaign_placements,
            Box::new(|c| {
                Placement::newest_of_campaign(c, jc, 1, 10).unwrap();
            }),
        ),
        (
            "campaign progress",
            campaign_placements,
            Box::new(|c| {
                jobcenter_crm::models::campaign::Progress::of(c, &campaign, today).unwrap();
            }),
        ),
        (
            "a campaign's target list (no campaign_targets row read)",
            "COVERING INDEX campaign_targets_by_name (campaign_id=?",
            Box::new(|c| {
                CampaignTarget::list(c, jc, 1, Default::default(), None, 50).unwrap();
            }),
        ),
        (
            "a company search, through the FTS5 trigram index",
            "companies_fts VIRTUAL TABLE INDEX",
            Box::new(|c| {
                Company::search(c, jc, &text_query, None, 25).unwrap();
            }),
        ),
        (
            "the follow-up counters of the months inside a range",
            "follow_up_month_counts USING PRIMARY KEY (jobcenter_id=? AND user_id=? AND month>? AND month<?)",
            Box::new(|c| {
                Activity::count_open_follow_ups(c, jc, uid, None, today.pred_opt()).unwrap();
            }),
        ),
        (
            "the request counters of the navigation",
            "contact_request_counts USING PRIMARY KEY (jobcenter_id=? AND status=?)",
            Box::new(|c| {
                ContactRequest::count_new_and_mine(c, jc, uid).unwrap();
            }),
        ),
        (
            "the start page's count of open campaign companies",
            "campaign_status_counts USING PRIMARY KEY (campaign_id=? AND assigned_to=?",
            Box::new(|c| {
                CampaignTarget::open_for_user(c, jc, uid, 15).unwrap();
            }),
        ),
        (
            "requests received since the promise's cutoff",
            "INDEX contact_requests_waiting (jobcenter_id=? AND status=? AND received_at>?)",
            Box::new(|c| {
                ContactRequest::count_waiting_since_before(c, jc, now).unwrap();
            }),
        ),
    ];
    for (name, index, f) in cases {
        let plans = sqlite_plans(conn, |c| f(c));
        assert!(
            plans.iter().flatten().any(|d| d.contains(index)),
            "{name}: {plans:?}"
        );
    }
}
