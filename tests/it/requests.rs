//! The request inbox through HTTP: taking, assigning, answering, closing, spam, linking to a
//! company, the figures, and retention.

use crate::common;
use crate::common::app;
use crate::contact_support::{cvr, request_fields, set, stored, to_monday_morning};
use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{audit_log, contact_request_events, contact_requests};
use jobcenter_crm::models::contact_request::{ContactRequest, Purged, RequestStatus};
use jobcenter_crm::models::settings::Settings;

/// The request counts the navigation and the inbox tabs show come from counters the triggers
/// on contact_requests keep: they must equal a count of the requests, per jobcenter, status
/// and assignee.
fn assert_request_counters_match(c: &mut jobcenter_crm::db::DbConn) {
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        jc: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        status: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        staff: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let kept: Vec<Row> = diesel::sql_query(
        "SELECT jobcenter_id AS jc, status, assigned_to AS staff, n FROM contact_request_counts \
         WHERE n <> 0 ORDER BY 1, 2, 3",
    )
    .load(c)
    .unwrap();
    let counted: Vec<Row> = diesel::sql_query(
        "SELECT jobcenter_id AS jc, status, coalesce(assigned_to, 0) AS staff, count(*) AS n \
         FROM contact_requests GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .load(c)
    .unwrap();
    assert_eq!(kept, counted);
    assert!(!kept.is_empty());
    // The count of requests past the promise relies on this: open means not answered yet.
    let open_but_answered: i64 = contact_requests::table
        .filter(
            contact_requests::status
                .eq(RequestStatus::New)
                .or(contact_requests::status.eq(RequestStatus::Assigned)),
        )
        .filter(contact_requests::first_answer_at.is_not_null())
        .count()
        .get_result(c)
        .unwrap();
    assert_eq!(open_but_answered, 0);
}

#[actix_web::test]
async fn the_answer_time_is_recorded_once() {
    let app = app().await;
    let seed = app.seed();
    to_monday_morning(&app);
    let public = app.client();
    app.fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    let id = app.only_request().id;
    let url = format!("/requests/{id}");

    let consultant = app.signed_in("konsulent@koege.dk").await;
    let page = consultant.get("/requests?tab=new").await;
    assert!(page.body.contains("Køge Havnekiosk ApS"));
    assert!(page.body.contains(r#"Henvendelser <span class="badge">1<"#));
    assert!(page.body.contains(r#"Nye <span class="badge">1</span>"#));
    assert!(!page.body.contains("Tildelt mig <span"));
    assert!(
        page.body
            .contains(r#"<td data-label="Tildelt"><span class="muted">Ingen</span>"#)
    );
    let waiting = app
        .signed_in("leder@koege.dk")
        .await
        .get("/dashboard")
        .await;
    assert!(waiting.body.contains(">1 nye henvendelser</a>"));
    consultant.get(&url).await;
    let res = consultant.post(&format!("{url}/take"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), url);
    let taken = app.only_request();
    assert_eq!(taken.assigned_to, Some(seed.consultant.id));
    assert_eq!(taken.status, RequestStatus::Assigned);
    let mine = consultant.get("/requests?tab=mine").await;
    assert!(mine.body.contains("Køge Havnekiosk ApS"));
    assert!(
        mine.body
            .contains(r#"<td data-label="Tildelt">Karen Konsulent</td>"#),
        "the row names who has it"
    );
    // Taken: no longer new, now the consultant's.
    assert!(
        mine.body
            .contains(r#"Tildelt mig <span class="badge">1</span>"#)
    );
    assert!(!mine.body.contains("Nye <span"));
    assert!(mine.body.contains(r#"Henvendelser <span class="badge">1<"#));

    app.clock.advance(TimeDelta::hours(3));
    let answered_at = stored(app.now());
    // A new day's session (the old one timed out while the consultant phoned the company).
    let consultant = app.signed_in("konsulent@koege.dk").await;
    consultant.get(&url).await;
    let res = consultant.post(&format!("{url}/answered"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let answered = app.only_request();
    assert_eq!(answered.status, RequestStatus::Answered);
    assert_eq!(answered.first_answer_at.map(stored), Some(answered_at));
    // Answering again (or an activity logged later) does not move the first answer.
    app.clock.advance(TimeDelta::days(1));
    let again = ContactRequest::mark_answered(
        &mut app.conn(),
        seed.jobcenter.id,
        id,
        seed.manager.id,
        app.now(),
    )
    .unwrap();
    assert_eq!(again.first_answer_at.map(stored), Some(answered_at));
    assert_eq!(again.assigned_to, Some(seed.consultant.id));

    let consultant = app.signed_in("konsulent@koege.dk").await;
    let page = consultant.get(&url).await;
    assert!(page.body.contains("Besvaret"));
    assert!(page.body.contains("Taget"));
    assert!(
        !page.body.contains(r#"class="badge""#),
        "nothing waits any more"
    );
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::entity.eq("contact_request"))
        .filter(audit_log::entity_id.eq(id))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(actions, vec!["request_assigned", "request_answered"]);

    // The manager sees how fast: 20 seconds of filling in plus three hours, on a Monday.
    let manager = app.signed_in("leder@koege.dk").await;
    let dashboard = manager.get("/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains(">0 nye henvendelser</a>"));
    assert!(
        dashboard
            .body
            .contains("Median tid til første svar (arbejdsdage)</th><td>0,1</td>"),
        "{}",
        dashboard.body
    );
    // The inbox points there rather than repeating the figures.
    let inbox = manager.get("/requests").await;
    assert!(
        inbox
            .body
            .contains(r#"<a href="/dashboard">Svartider på Overblik</a>"#)
    );
}

#[actix_web::test]
async fn consultants_take_unassigned_requests_and_managers_reassign() {
    let app = app().await;
    let seed = app.seed();
    let other_consultant = app.add_user(
        &seed.jobcenter,
        "ole@koege.dk",
        "Ole Olsen",
        jobcenter_crm::models::user::Role::Consultant,
    );
    let public = app.client();
    app.fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    let id = app.only_request().id;
    let url = format!("/requests/{id}");

    let karen = app.signed_in("konsulent@koege.dk").await;
    karen.get(&url).await;
    assert_eq!(
        karen.post(&format!("{url}/take"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    // A consultant may not hand it to someone else…
    let res = karen
        .post(
            &format!("{url}/assign"),
            &[("assignee", &other_consultant.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // …nor take one that is someone's already.
    let ole = app.signed_in("ole@koege.dk").await;
    ole.get(&url).await;
    let res = ole.post(&format!("{url}/take"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = ole.get(res.location()).await;
    assert!(page.body.contains("allerede tildelt"));
    assert!(
        !page.body.contains("/assign\""),
        "consultants get no assign form"
    );
    assert_eq!(app.only_request().assigned_to, Some(seed.consultant.id));

    // The manager reassigns; the new assignee is told by mail.
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager.get(&url).await;
    assert!(
        page.body
            .contains(r#"<label for="assignee">Tildel til</label>"#)
    );
    let res = manager
        .post(
            &format!("{url}/assign"),
            &[("assignee", &other_consultant.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.only_request().assigned_to, Some(other_consultant.id));
    let mails = app.mails();
    assert_eq!(mails.last().unwrap().to_address, "ole@koege.dk");
    let page = manager.get(&url).await;
    assert!(page.body.contains("Tildelt: til Ole Olsen (Lars Leder)"));
    // Someone of another jobcenter cannot be the assignee.
    let res = manager
        .post(
            &format!("{url}/assign"),
            &[("assignee", &seed.other_admin.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        manager
            .get(&url)
            .await
            .body
            .contains("Vælg en aktiv medarbejder")
    );
    assert_eq!(app.only_request().assigned_to, Some(other_consultant.id));
    assert_request_counters_match(&mut app.conn());
}

#[actix_web::test]
async fn closing_reopening_and_spam_move_a_request_between_tabs() {
    let app = app().await;
    app.seed();
    let public = app.client();
    app.fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    let id = app.only_request().id;
    let url = format!("/requests/{id}");
    let karen = app.signed_in("konsulent@koege.dk").await;
    karen.get(&url).await;
    karen.post(&format!("{url}/close"), &[]).await;
    let closed = app.only_request();
    assert_eq!(closed.status, RequestStatus::Closed);
    assert_eq!(closed.closed_at.map(stored), Some(stored(app.now())));
    assert!(
        karen
            .get("/requests?tab=closed")
            .await
            .body
            .contains("Køge Havnekiosk")
    );
    assert!(
        !karen
            .get("/requests?tab=open")
            .await
            .body
            .contains("Køge Havnekiosk")
    );
    karen.get(&url).await;
    karen.post(&format!("{url}/reopen"), &[]).await;
    assert_eq!(app.only_request().status, RequestStatus::New);
    assert_eq!(app.only_request().closed_at, None);

    let res = karen.post(&format!("{url}/spam"), &[]).await;
    assert_eq!(res.location(), "/requests");
    assert_eq!(app.only_request().status, RequestStatus::Spam);
    assert_eq!(karen.get(&url).await.status, StatusCode::NOT_FOUND);
    // Managers check the spam and move it back.
    let lars = app.signed_in("leder@koege.dk").await;
    assert!(
        lars.get("/requests?tab=spam")
            .await
            .body
            .contains("Køge Havnekiosk")
    );
    lars.get(&url).await;
    assert_eq!(
        karen.post(&format!("{url}/not-spam"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    lars.post(&format!("{url}/not-spam"), &[]).await;
    assert_eq!(app.only_request().status, RequestStatus::New);
    let events: Vec<String> = contact_request_events::table
        .filter(contact_request_events::request_id.eq(id))
        .order(contact_request_events::id)
        .select(contact_request_events::kind)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        events,
        vec!["received", "closed", "reopened", "marked_spam", "not_spam"]
    );
    assert_request_counters_match(&mut app.conn());
}

#[actix_web::test]
async fn a_request_can_be_linked_to_a_company_found_by_name_or_cvr() {
    let app = app().await;
    let seed = app.seed();
    let number = cvr(7);
    let public = app.client();
    let mut fields = request_fields();
    set(&mut fields, "cvr", &number);
    set(&mut fields, "phone", "56 67 00 00");
    app.fill_in(&public, "/kontakt/koege", &fields).await;
    let request = app.only_request();
    assert_eq!(request.company_id, None, "no company with that CVR yet");
    let url = format!("/requests/{}", request.id);

    let karen = app.signed_in("konsulent@koege.dk").await;
    let page = karen.get(&url).await;
    let create = page.link("Opret virksomheden").expect("create link");
    assert!(create.starts_with("/companies/new?name=K%C3%B8ge+Havnekiosk+ApS&cvr="));
    assert!(create.contains(&format!("cvr={number}")));
    assert!(create.contains("email=mette%40kiosk.dk"));
    assert!(create.contains("phone=56+67+00+00"));
    let form = karen.get(&create).await;
    assert!(form.body.contains(&format!(r#"value="{number}""#)));

    // Once the company exists, the request page suggests it by CVR.
    let company = app.add_company_with(
        seed.jobcenter.id,
        "Køge Havnekiosk ApS",
        &number,
        Some(seed.manager.id),
    );
    let page = karen.get(&url).await;
    assert!(page.body.contains("Virksomheder med samme CVR-nummer"));
    let found = karen.get(&format!("{url}?find=havnekiosk")).await;
    assert!(
        found
            .body
            .contains(&format!(r#"name="company_id" value="{}""#, company.id))
    );
    let res = karen
        .post(
            &format!("{url}/company"),
            &[("company_id", &company.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let linked = app.only_request();
    assert_eq!(linked.company_id, Some(company.id));
    // Nobody had it, so it goes to the company's fixed contact.
    assert_eq!(linked.assigned_to, Some(seed.manager.id));
    assert_eq!(app.mails().last().unwrap().to_address, "leder@koege.dk");

    // Another jobcenter's company cannot be linked.
    let theirs = app.add_company_with(seed.other_jobcenter.id, "Nabo", &cvr(8), None);
    karen.get(&url).await;
    let res = karen
        .post(
            &format!("{url}/company"),
            &[("company_id", &theirs.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.only_request().company_id, Some(company.id));
}

#[actix_web::test]
async fn consultants_cannot_see_the_dashboard() {
    let app = app().await;
    app.seed();
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(karen.get("/dashboard").await.status, StatusCode::FORBIDDEN);
    assert!(!karen.get("/").await.body.contains(r#"href="/dashboard""#));
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Median tid til første svar"));
    assert!(page.body.contains(r#"href="/dashboard""#));
    assert_eq!(
        manager.get("/dashboard?days=365").await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn requests_past_the_promise_are_counted() {
    let app = app().await;
    app.seed();
    to_monday_morning(&app);
    let public = app.client();
    app.fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    let waiting = "Venter ud over fristen på 2 arbejdsdage:";
    let inbox = app.signed_in("leder@koege.dk").await.get("/requests").await;
    assert!(inbox.body.contains(&format!("{waiting} 0")));
    // Monday 09:00 → Wednesday 09:00 is two working days: not past the promise of two yet.
    app.clock.advance(TimeDelta::days(2));
    let inbox = app.signed_in("leder@koege.dk").await.get("/requests").await;
    assert!(inbox.body.contains(&format!("{waiting} 0")));
    // Thursday 09:00 is three working days.
    app.clock.advance(TimeDelta::days(1));
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager.get("/dashboard").await;
    assert!(
        page.body.contains("Venter ud over fristen</th><td>1</td>"),
        "{}",
        page.body
    );
    let inbox = manager.get("/requests").await;
    assert!(
        inbox
            .body
            .contains(&format!(r#"{waiting} <strong class="overdue">1</strong>"#))
    );
    assert!(
        inbox
            .body
            .contains("arbejdsdage <strong class=\"overdue\">over fristen</strong>")
    );
    // A second request today is not past the promise; once the first is answered, nothing is.
    app.fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    let inbox = manager.get("/requests").await;
    assert!(
        inbox
            .body
            .contains(&format!(r#"{waiting} <strong class="overdue">1</strong>"#))
    );
    let first = app.requests().into_iter().map(|r| r.id).min().unwrap();
    manager.get(&format!("/requests/{first}")).await;
    let res = manager
        .post(&format!("/requests/{first}/answered"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let inbox = manager.get("/requests").await;
    assert!(
        inbox.body.contains(&format!("{waiting} 0")),
        "{}",
        inbox.body
    );
}

#[actix_web::test]
async fn retention_deletes_old_closed_requests_and_old_spam_and_nothing_else() {
    let app = app().await;
    let seed = app.seed();
    let mut stevns = Settings::defaults(seed.other_jobcenter.id);
    stevns.request_retention_months = 36;
    stevns.save(&mut app.conn()).unwrap();
    let public = app.client();
    let send = |name: &'static str, slug: &'static str, spam: bool| {
        let mut fields = request_fields();
        set(&mut fields, "company_name", name);
        if spam {
            set(&mut fields, "homepage", "x");
        }
        (fields, format!("/kontakt/{slug}"))
    };
    let close = |name: &str| {
        let id: i64 = contact_requests::table
            .filter(contact_requests::company_name.eq(name))
            .select(contact_requests::id)
            .first(&mut app.conn())
            .unwrap();
        let jc: i64 = contact_requests::table
            .find(id)
            .select(contact_requests::jobcenter_id)
            .first(&mut app.conn())
            .unwrap();
        ContactRequest::close(&mut app.conn(), jc, id, seed.admin.id, app.now()).unwrap();
    };
    for (name, slug, spam) in [
        ("Gammel lukket", "koege", false),
        ("Gammel åben", "koege", false),
        ("Gammel spam", "koege", true),
        ("Stevns lukket", "stevns", false),
    ] {
        let (fields, path) = send(name, slug, spam);
        app.fill_in(&public, &path, &fields).await;
    }
    close("Gammel lukket");
    close("Stevns lukket");
    app.clock.advance(TimeDelta::days(25 * 31));
    for (name, slug, spam) in [("Ny lukket", "koege", false), ("Ny spam", "koege", true)] {
        let (fields, path) = send(name, slug, spam);
        app.fill_in(&public, &path, &fields).await;
    }
    close("Ny lukket");
    let old_closed_id = app
        .requests()
        .into_iter()
        .find(|r| r.company_name == "Gammel lukket")
        .unwrap()
        .id;

    assert_request_counters_match(&mut app.conn());
    let purged = ContactRequest::purge_expired(&mut app.conn(), app.now()).unwrap();
    assert_eq!(purged, Purged { closed: 1, spam: 1 });
    assert_request_counters_match(&mut app.conn());
    // An upgrade counts the requests saved before the counters existed.
    common::reapply_migrations_from(&mut app.conn(), "20261124000010");
    assert_request_counters_match(&mut app.conn());
    let mut left: Vec<String> = app.requests().into_iter().map(|r| r.company_name).collect();
    left.sort();
    assert_eq!(
        left,
        vec!["Gammel åben", "Ny lukket", "Ny spam", "Stevns lukket"]
    );
    let events: i64 = contact_request_events::table
        .filter(contact_request_events::request_id.eq(old_closed_id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(events, 0, "the log goes with the request");
    let noted: i64 = audit_log::table
        .filter(audit_log::action.eq("requests_deleted"))
        .filter(audit_log::jobcenter_id.eq(seed.jobcenter.id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(noted, 1);
    // Run again: nothing more to do.
    let again = ContactRequest::purge_expired(&mut app.conn(), app.now()).unwrap();
    assert_eq!(again, Purged::default());
}

#[actix_web::test]
async fn logging_a_contact_from_the_request_answers_it() {
    let app = app().await;
    let seed = app.seed();
    to_monday_morning(&app);
    let number = cvr(21);
    let company = app.add_company_with(
        seed.jobcenter.id,
        "Køge Havnekiosk ApS",
        &number,
        Some(seed.consultant.id),
    );
    let mut fields = request_fields();
    set(&mut fields, "cvr", &number);
    let public = app.client();
    app.fill_in(&public, "/kontakt/koege", &fields).await;
    let request = app.only_request();
    assert_eq!(request.company_id, Some(company.id));
    assert_eq!(request.first_answer_at, None);

    let karen = app.signed_in("konsulent@koege.dk").await;
    let page = karen.get(&format!("/requests/{}", request.id)).await;
    let log = page
        .link("Registrér svaret som kontakt")
        .expect("a link to log the answer");
    let form = karen.get(&log).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!(r#"name="request_id" value="{}""#, request.id))
    );
    let (cid, rid, me) = (
        company.id.to_string(),
        request.id.to_string(),
        seed.consultant.id.to_string(),
    );
    let today = jobcenter_crm::web::views::local_date(app.now()).to_string();
    let res = karen
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("user_id", &me),
                ("kind", "phone"),
                ("occurred_on", &today),
                ("summary", "Ringede tilbage om småjob"),
                ("request_id", &rid),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let answered = app.only_request();
    assert_eq!(answered.status, RequestStatus::Answered);
    assert!(answered.first_answer_at.is_some());

    // Another jobcenter's request id in the form: refused, and no activity is saved.
    let other_company = app.add_company_with(seed.other_jobcenter.id, "Nabo", &cvr(22), None);
    let stevns = app.signed_in("admin@stevns.dk").await;
    stevns
        .get(&format!("/activities/new?company={}", other_company.id))
        .await;
    let res = stevns
        .post(
            "/activities",
            &[
                ("company_id", &other_company.id.to_string()),
                ("user_id", &seed.other_admin.id.to_string()),
                ("kind", "phone"),
                ("occurred_on", &today),
                ("request_id", &rid),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let count: i64 = jobcenter_crm::db::schema::activities::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 1);
}
