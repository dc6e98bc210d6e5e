//! Activities, follow-ups and the calendar feed, as consultants use them.

use crate::common;
use crate::common::app;
use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{activities, companies};
use jobcenter_crm::domain::dates;
use jobcenter_crm::models::contact_person::{ContactPerson, ContactPersonForm};

fn dk(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

#[actix_web::test]
async fn a_visit_logged_from_the_company_page_shows_on_its_timeline() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Køge Havn A/S");
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = client.get(&format!("/companies/{}", company.id)).await;
    let new = format!("/activities/new?company={}", company.id);
    assert!(
        page.body
            .contains(&format!("href=\"{}\"", new.replace('&', "&#38;")))
    );
    let form = client.get(&new).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(r#"<label for="occurred_on">Dato</label>"#)
    );
    assert!(
        form.body
            .contains(r#"id="kind-visit" name="kind" value="visit" checked"#),
        "a visit by default"
    );
    let today = jobcenter_crm::web::views::local_date(app.now());
    assert!(
        form.body.contains(&format!(r#"value="{today}""#)),
        "today by default"
    );

    let contact = ContactPerson::create(
        &mut app.conn(),
        seed.jobcenter.id,
        company.id,
        &ContactPersonForm {
            name: "Mette Hansen".into(),
            ..Default::default()
        }
        .validate()
        .unwrap(),
        app.now(),
    )
    .unwrap();

    let cid = company.id.to_string();
    let res = client
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("user_id", &seed.consultant.id.to_string()),
                ("contact_person_id", &contact.id.to_string()),
                ("kind", "visit"),
                ("occurred_on", &today.to_string()),
                ("topic_smaajob", "1"),
                ("topic_fleksjob", "1"),
                ("summary", "Talte med indehaveren om to småjobs i køkkenet."),
                ("outcome", "interested"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/companies/{}", company.id));
    let page = client.get(res.location()).await;
    assert!(page.body.contains("Besøget er registreret."));
    for text in [
        "Besøg",
        &dk(today),
        "Småjob, Fleksjob",
        "to småjobs i køkkenet",
        "Interesseret",
        "Karen Konsulent · med Mette Hansen",
    ] {
        assert!(page.body.contains(text), "{text} missing from the timeline");
    }
    let last: Option<chrono::NaiveDate> = companies::table
        .find(company.id)
        .select(companies::last_contact_on)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(last, Some(today));
    let list = client.get("/companies?sort=last_contact").await;
    assert!(list.body.contains(&dk(today)));
}

async fn log(
    client: &common::Client<'_>,
    company_id: i64,
    fields: &[(&str, &str)],
) -> common::Resp {
    client
        .get(&format!("/activities/new?company={company_id}"))
        .await;
    let cid = company_id.to_string();
    let mut all = vec![("company_id", cid.as_str()), ("kind", "phone")];
    all.extend_from_slice(fields);
    client.post("/activities", &all).await
}

#[actix_web::test]
async fn follow_ups_are_listed_by_when_and_done_in_one_click() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Opfølgning ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let me = seed.consultant.id.to_string();
    let today = jobcenter_crm::web::views::local_date(app.now());
    let res = log(
        &client,
        company.id,
        &[
            ("user_id", &me),
            ("occurred_on", &today.to_string()),
            ("follow_up_on", &today.to_string()),
            ("follow_up_note", "Ring om småjob i december"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = client.get("/").await;
    assert!(home.body.contains("1 i dag"));
    let page = client.get("/follow-ups").await;
    let today_section = &page.body
        [page.body.find("id=\"h-today\"").unwrap()..page.body.find("id=\"h-this_week\"").unwrap()];
    assert!(
        today_section.contains("Opfølgning ApS")
            && today_section.contains("Ring om småjob i december")
    );

    // Two days later it is overdue.
    app.clock.advance(TimeDelta::days(2));
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = client.get("/follow-ups").await;
    let overdue = &page.body
        [page.body.find("id=\"h-overdue\"").unwrap()..page.body.find("id=\"h-today\"").unwrap()];
    assert!(overdue.contains("Opfølgning ApS"));
    assert!(client.get("/").await.body.contains("1 overskredet"));

    let id: i64 = activities::table
        .select(activities::id)
        .first(&mut app.conn())
        .unwrap();
    client.get("/follow-ups").await;
    let res = client
        .post(&format!("/activities/{id}/follow-up"), &[("done", "1")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = client.get("/follow-ups").await;
    assert!(page.body.contains("markeret som udført"));
    assert!(!page.body.contains("Ring om småjob i december"));
    // Another consultant's follow-ups are not on my list, and I cannot tick theirs off.
    let lars = app.signed_in("leder@koege.dk").await;
    assert!(
        !lars
            .get("/follow-ups")
            .await
            .body
            .contains("Opfølgning ApS")
    );
}

#[actix_web::test]
async fn a_long_overdue_list_shows_its_count_the_oldest_ten_and_all_of_them_page_by_page() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Mange Opfølgninger A/S");
    let client = app.signed_in("konsulent@koege.dk").await;
    let me = seed.consultant.id.to_string();
    let today = jobcenter_crm::web::views::local_date(app.now());
    // 28 follow-ups in the past, one a day, each with its own note.
    for i in 0..28u64 {
        let day = today - chrono::Days::new(40 - i);
        let note = format!("Note nummer {i:02}");
        let res = log(
            &client,
            company.id,
            &[
                ("user_id", &me),
                ("occurred_on", &(day - chrono::Days::new(1)).to_string()),
                ("follow_up_on", &day.to_string()),
                ("follow_up_note", &note),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let page = client.get("/follow-ups").await;
    let overdue = &page.body
        [page.body.find("id=\"h-overdue\"").unwrap()..page.body.find("id=\"h-today\"").unwrap()];
    assert!(overdue.contains("Overskredet <span class=\"count\">(28)</span>"));
    assert!(overdue.contains("Viser de 10 første af 28"));
    assert!(overdue.contains("Note nummer 00") && overdue.contains("Note nummer 09"));
    assert!(!overdue.contains("Note nummer 10"));
    assert_eq!(overdue.matches("Mange Opfølgninger A/S</a>").count(), 10);
    assert!(overdue.contains("<a href=\"/follow-ups?group=overdue\">Se alle 28"));

    // The group's own page: all 28, oldest first.
    let all = client.get("/follow-ups?group=overdue").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        all.body
            .contains("<h1>Overskredet <span class=\"count\">(28)</span></h1>")
    );
    assert_eq!(all.body.matches("Mange Opfølgninger A/S</a>").count(), 28);
    let at = |n: u32| all.body.find(&format!("Note nummer {n:02}")).unwrap();
    assert!(at(0) < at(10) && at(10) < at(27));
    assert!(!all.body.contains("rel=\"next\""), "28 fit on one page");
    assert!(!all.body.contains("id=\"h-today\""), "only the one group");
    assert!(all.body.contains("name=\"group\" value=\"overdue\""));
    assert!(!page.body.contains("name=\"group\""));

    // Page by page: after the tenth, the eleventh comes first.
    let ids: Vec<&str> = all
        .body
        .split("action=\"/activities/")
        .skip(1)
        .map(|rest| rest.split('/').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 28);
    let tenth_day = today - chrono::Days::new(40 - 9);
    let rest = client
        .get(&format!(
            "/follow-ups?group=overdue&after={tenth_day}.{}",
            ids[9]
        ))
        .await;
    assert_eq!(rest.body.matches("Mange Opfølgninger A/S</a>").count(), 18);
    assert!(rest.body.contains("Note nummer 10") && !rest.body.contains("Note nummer 09"));
    assert!(
        rest.body
            .contains("<a href=\"/follow-ups?group=overdue\">Første side</a>")
    );
    // A cursor that makes no sense shows the first page.
    let odd = client
        .get("/follow-ups?group=overdue&after=ig%C3%A5r.x")
        .await;
    assert_eq!(odd.body.matches("Mange Opfølgninger A/S</a>").count(), 28);

    // "Udført" on the group's page comes back to it.
    let done = client
        .post_from(
            "/follow-ups?group=overdue",
            &format!("/activities/{}/follow-up", ids[0]),
            &[("done", "1"), ("group", "overdue")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/follow-ups?group=overdue");
    let after_done = client.get("/follow-ups?group=overdue").await;
    assert!(after_done.body.contains("(27)") && !after_done.body.contains("Note nummer 00"));
    // Anything but a group's key goes back to the overview, never elsewhere.
    let odd = client
        .post(
            &format!("/activities/{}/follow-up", ids[1]),
            &[("done", "1"), ("group", "//example.com")],
        )
        .await;
    assert_eq!(odd.location(), "/follow-ups");
}

#[actix_web::test]
async fn a_follow_up_before_the_activity_or_a_cpr_number_is_refused() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Regler ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let me = seed.consultant.id.to_string();
    let res = log(
        &client,
        company.id,
        &[
            ("user_id", &me),
            ("occurred_on", "2026-11-20"),
            ("follow_up_on", "2026-11-19"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Opfølgningen kan ikke ligge før aktivitetens dato.")
    );
    let res = log(
        &client,
        company.id,
        &[
            ("user_id", &me),
            ("occurred_on", "20-11-2026"),
            ("summary", "Aftalt praktik for 241285-1234 fra mandag"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("CPR-nummer"));
    assert!(
        res.body.contains("Aftalt praktik for"),
        "the input is kept so it can be corrected"
    );
    let res = log(
        &client,
        company.id,
        &[("user_id", &me), ("occurred_on", "31-02-2026")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Skriv en gyldig dato"));
    let tomorrow = jobcenter_crm::web::views::local_date(app.now()) + chrono::Days::new(1);
    let res = log(
        &client,
        company.id,
        &[("user_id", &me), ("occurred_on", &tomorrow.to_string())],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Datoen ligger i fremtiden."));
    let count: i64 = activities::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 0);
}

#[actix_web::test]
async fn consultants_change_their_own_activities_and_managers_any() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Redigering ApS");
    let karen = app.signed_in("konsulent@koege.dk").await;
    let me = seed.consultant.id.to_string();
    log(
        &karen,
        company.id,
        &[
            ("user_id", &me),
            ("occurred_on", "2026-11-20"),
            ("summary", "Første udgave"),
        ],
    )
    .await;
    let id: i64 = activities::table
        .select(activities::id)
        .first(&mut app.conn())
        .unwrap();
    let edit = format!("/activities/{id}/edit");
    let res = karen
        .post_from(
            &edit,
            &edit,
            &[
                ("kind", "meeting"),
                ("user_id", &me),
                ("occurred_on", "2026-11-21"),
                ("summary", "Anden udgave"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = karen.get(&format!("/companies/{}", company.id)).await;
    assert!(page.body.contains("Anden udgave") && page.body.contains("Møde"));

    // A second consultant may not; the manager may.
    let mads = app.add_user(
        &seed.jobcenter,
        "mads@koege.dk",
        "Mads",
        jobcenter_crm::models::user::Role::Consultant,
    );
    let mads_client = app.signed_in(&mads.email).await;
    assert_eq!(mads_client.get(&edit).await.status, StatusCode::FORBIDDEN);
    // Nor is he offered the link; Karen and the manager are.
    let link = format!(r#"href="{edit}""#);
    let company_page = format!("/companies/{}", company.id);
    assert!(!mads_client.get(&company_page).await.body.contains(&link));
    assert!(karen.get(&company_page).await.body.contains(&link));
    let manager = app.signed_in("leder@koege.dk").await;
    assert!(manager.get(&company_page).await.body.contains(&link));
    mads_client.get("/").await;
    assert_eq!(
        mads_client
            .post(&format!("/activities/{id}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A stale edit is refused.
    let res = karen
        .post_from(
            &edit,
            &edit,
            &[
                ("kind", "meeting"),
                ("user_id", &me),
                ("occurred_on", "2026-11-21"),
                ("summary", "Gammel"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let lars = app.signed_in("leder@koege.dk").await;
    lars.get(&edit).await;
    let res = lars.post(&format!("/activities/{id}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let count: i64 = activities::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 0);
    let last: Option<chrono::NaiveDate> = companies::table
        .find(company.id)
        .select(companies::last_contact_on)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(last, None, "last contact follows the activities");
}

#[actix_web::test]
async fn the_activity_list_shows_mine_and_managers_see_everyones() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Liste ApS");
    let karen = app.signed_in("konsulent@koege.dk").await;
    log(
        &karen,
        company.id,
        &[
            ("user_id", &seed.consultant.id.to_string()),
            ("occurred_on", "2026-11-02"),
            ("summary", "Karens opkald"),
            ("topic_smaajob", "1"),
        ],
    )
    .await;
    let lars = app.signed_in("leder@koege.dk").await;
    log(
        &lars,
        company.id,
        &[
            ("user_id", &seed.manager.id.to_string()),
            ("occurred_on", "2026-11-03"),
            ("summary", "Lars' opkald"),
        ],
    )
    .await;
    let list = karen.get("/activities").await;
    assert!(list.body.contains("Karens opkald") && !list.body.contains("Lars&#39; opkald"));
    let list = karen.get("/activities?consultant=all").await;
    assert!(
        !list.body.contains("Lars&#39; opkald"),
        "consultants see only their own list"
    );
    let list = lars.get("/activities?consultant=all").await;
    assert!(list.body.contains("Karens opkald") && list.body.contains("Lars&#39; opkald"));
    let list = lars.get("/activities?consultant=all&topic=smaajob").await;
    assert!(list.body.contains("Karens opkald") && !list.body.contains("Lars&#39; opkald"));
    let list = lars.get("/activities?consultant=all&from=2026-11-03").await;
    assert!(!list.body.contains("Karens opkald") && list.body.contains("Lars&#39; opkald"));
}

#[actix_web::test]
async fn another_jobcenter_cannot_log_on_our_companies_or_see_our_follow_ups() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Vores Virksomhed");
    let karen = app.signed_in("konsulent@koege.dk").await;
    let today = jobcenter_crm::web::views::local_date(app.now()).to_string();
    log(
        &karen,
        company.id,
        &[
            ("user_id", &seed.consultant.id.to_string()),
            ("occurred_on", &today),
            ("follow_up_on", &today),
            ("follow_up_note", "Hemmelig note"),
        ],
    )
    .await;
    let id: i64 = activities::table
        .select(activities::id)
        .first(&mut app.conn())
        .unwrap();

    let other = app.signed_in("admin@stevns.dk").await;
    assert_eq!(
        other
            .get(&format!("/activities/new?company={}", company.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get(&format!("/activities/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    other.get("/").await;
    let cid = company.id.to_string();
    let oid = seed.other_admin.id.to_string();
    let res = other
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("user_id", oid.as_str()),
                ("kind", "visit"),
                ("occurred_on", &today),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .post(&format!("/activities/{id}/follow-up"), &[("done", "1")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("/activities/{id}/delete"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !other
            .get("/follow-ups")
            .await
            .body
            .contains("Hemmelig note")
    );
    assert!(
        !other
            .get("/activities?consultant=all")
            .await
            .body
            .contains("Vores Virksomhed")
    );
    let count: i64 = activities::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 1);
}

#[actix_web::test]
async fn a_company_with_history_is_archived_not_deleted() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Historik ApS");
    let lars = app.signed_in("leder@koege.dk").await;
    log(
        &lars,
        company.id,
        &[
            ("user_id", &seed.manager.id.to_string()),
            ("occurred_on", "2026-11-02"),
        ],
    )
    .await;
    lars.get(&format!("/companies/{}", company.id)).await;
    let res = lars
        .post(&format!("/companies/{}/delete", company.id), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = lars.get(res.location()).await;
    assert!(page.body.contains("kan ikke slettes"));
    let count: i64 = companies::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 1);
}

#[actix_web::test]
async fn the_calendar_feed_is_valid_icalendar_and_dies_when_revoked() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Kalender; og, komma ApS");
    let karen = app.signed_in("konsulent@koege.dk").await;
    log(
        &karen,
        company.id,
        &[
            ("user_id", &seed.consultant.id.to_string()),
            ("occurred_on", "2026-11-20"),
            ("follow_up_on", "2026-12-01"),
            ("follow_up_note", "Send materiale om fleksjob"),
        ],
    )
    .await;
    karen.get("/follow-ups").await;
    let page = karen.post("/calendar-feed", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page
        .body
        .find("http://localhost/calendar/")
        .expect("the feed address");
    let end = start + page.body[start..].find('"').unwrap();
    let url = &page.body[start..end];
    let path = url.trim_start_matches("http://localhost");

    let anonymous = app.client();
    let (guard, logs) = common::capture_logs();
    let feed = anonymous.get(path).await;
    drop(guard);
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.header("content-type").starts_with("text/calendar"));
    // The token is a password: the access log names the route, not the token.
    let token = path
        .trim_start_matches("/calendar/")
        .trim_end_matches(".ics");
    assert!(
        logs.text().contains("GET /calendar/{token}.ics 200"),
        "{}",
        logs.text()
    );
    assert!(!logs.text().contains(token));
    let calendar: icalendar::Calendar = feed.body.parse().expect("valid iCalendar");
    use icalendar::Component;
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].get_summary(),
        Some("Opfølgning: Kalender; og, komma ApS")
    );
    assert_eq!(
        events[0].get_description(),
        Some("Send materiale om fleksjob")
    );
    assert!(feed.body.contains("DTSTART;VALUE=DATE:20261201"));
    assert!(
        feed.body.contains("DTEND;VALUE=DATE:20261202"),
        "an all-day event ends the next day"
    );
    assert!(
        feed.body.contains("Opfølgninger – Jobcenter Køge"),
        "the calendar has the jobcenter's name"
    );
    assert!(
        !feed.body.contains("Karen"),
        "no names of staff in the feed"
    );

    // A new link kills the old one; turning it off kills the new one.
    karen.get("/follow-ups").await;
    let page = karen.post("/calendar-feed", &[]).await;
    assert_eq!(anonymous.get(path).await.status, StatusCode::NOT_FOUND);
    let start = page.body.find("http://localhost/calendar/").unwrap();
    let end = start + page.body[start..].find('"').unwrap();
    let new_path = page.body[start..end]
        .trim_start_matches("http://localhost")
        .to_string();
    assert_eq!(anonymous.get(&new_path).await.status, StatusCode::OK);
    karen.get("/follow-ups").await;
    karen.post("/calendar-feed/revoke", &[]).await;
    assert_eq!(anonymous.get(&new_path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        anonymous.get("/calendar/gaet-et-token.ics").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn the_first_page_link_keeps_the_filter() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Mange Opkald ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let me = seed.consultant.id.to_string();
    let today = jobcenter_crm::web::views::local_date(app.now()).to_string();
    for _ in 0..26 {
        let fields = [("user_id", me.as_str()), ("occurred_on", today.as_str())];
        let res = log(&client, company.id, &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let first = client.get("/activities?kind=phone").await;
    let next = first.link("rel=\"next\"").expect("a second page");
    let second = client.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body.matches("Mange Opkald ApS</a>").count(), 1);
    let back = second
        .link(">Første side")
        .unwrap_or_else(|| panic!("{next} {}", second.body));
    assert!(
        back.starts_with("/activities?") && back.contains("kind=phone"),
        "{back}"
    );
    assert!(!back.contains("after="), "{back}");
}

/// The follow-up counts (the start page's "overskredet"/"i dag", the follow-up page's groups)
/// add the counters the triggers on activities keep: whole months inside a range, days at its
/// ends. Over any range they equal a count of the rows — after logging,
/// editing, ticking off, reopening and deleting, and after an upgrade that fills the
/// counters from the follow-ups saved before them.
#[actix_web::test]
async fn follow_up_counts_equal_the_rows_over_any_range_after_every_change() {
    use chrono::{Days, NaiveDate};
    use jobcenter_crm::db::DbConn;
    use jobcenter_crm::models::activity::{Activity, ActivityInput, ActivityKind};
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Tæller ApS");
    let (jc, karen, lars, now) = (
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
        app.now(),
    );
    let today = jobcenter_crm::web::views::local_date(now);
    let input = |user_id: i64, follow_up_on: Option<NaiveDate>, done: bool| ActivityInput {
        company_id: company.id,
        user_id,
        kind: ActivityKind::Phone,
        occurred_on: today - Days::new(400),
        topics: Vec::new(),
        summary: String::new(),
        outcome: None,
        campaign_id: None,
        contact_person_id: None,
        follow_up_on,
        follow_up_note: String::new(),
        follow_up_done: done,
    };
    let mut conn = app.conn();
    let c: &mut DbConn = &mut conn;
    // Follow-ups every 9 days from ten months ago to ten months ahead; every fifth done, every
    // seventh Lars's; and activities without one.
    let mut ids = Vec::new();
    for i in 0..70u64 {
        let on = today - Days::new(300) + Days::new(9 * i);
        let user = if i % 7 == 0 { lars } else { karen };
        let a = Activity::create(c, jc, &input(user, Some(on), i % 5 == 0), now).unwrap();
        ids.push(a.id);
        Activity::create(c, jc, &input(karen, None, false), now).unwrap();
    }
    // The ends a range can have: open, the first and last day of a month, the middle of one,
    // today and the days around it.
    let first = dates::first_of_month(today);
    let ends: Vec<Option<NaiveDate>> = [
        None,
        Some(today),
        Some(today - Days::new(1)),
        Some(today + Days::new(1)),
        Some(first),
        Some(first - Days::new(1)),
        Some(dates::next_month(first)),
        Some(first - Days::new(95)),
        Some(today + Days::new(140)),
    ]
    .into();
    let check = |c: &mut DbConn| {
        for user in [karen, lars] {
            for from in &ends {
                for to in &ends {
                    let kept = Activity::count_open_follow_ups(c, jc, user, *from, *to).unwrap();
                    let mut rows = activities::table
                        .filter(activities::jobcenter_id.eq(jc))
                        .filter(activities::user_id.eq(user))
                        .filter(activities::follow_up_done.eq(false))
                        .filter(activities::follow_up_on.is_not_null())
                        .into_boxed();
                    if let Some(from) = from {
                        rows = rows.filter(activities::follow_up_on.ge(*from));
                    }
                    if let Some(to) = to {
                        rows = rows.filter(activities::follow_up_on.le(*to));
                    }
                    let rows: i64 = rows.count().get_result(c).unwrap();
                    assert_eq!(kept, rows, "user {user}, {from:?}..={to:?}");
                }
            }
        }
    };
    check(c);
    assert_eq!(
        Activity::count_open_follow_ups(c, jc, karen, None, None).unwrap(),
        70 - 10 - 14 + 2,
        "70 follow-ups, 10 of Lars's (2 of them done), 14 done"
    );

    // Moved to another month, handed to Lars, ticked off and reopened, one without a date,
    // one deleted.
    let moved = Activity::find(c, jc, ids[1]).unwrap();
    let later = Some(today + Days::new(70));
    Activity::update(
        c,
        jc,
        moved.id,
        moved.version,
        &input(karen, later, false),
        now,
    )
    .unwrap();
    let handed = Activity::find(c, jc, ids[2]).unwrap();
    let on = handed.follow_up_on;
    Activity::update(
        c,
        jc,
        handed.id,
        handed.version,
        &input(lars, on, false),
        now,
    )
    .unwrap();
    Activity::set_follow_up_done(c, jc, ids[3], true, now).unwrap();
    Activity::set_follow_up_done(c, jc, ids[5], false, now).unwrap();
    let cleared = Activity::find(c, jc, ids[4]).unwrap();
    Activity::update(
        c,
        jc,
        cleared.id,
        cleared.version,
        &input(karen, None, false),
        now,
    )
    .unwrap();
    Activity::delete(c, jc, ids[6]).unwrap();
    check(c);

    // An upgrade counts the follow-ups saved before the counters existed.
    common::reapply_migrations_from(c, "20261124000010");
    check(c);

    // The pages show the same counts.
    let client = app.signed_in("konsulent@koege.dk").await;
    let overdue = Activity::count_open_follow_ups(
        &mut app.conn(),
        jc,
        karen,
        None,
        Some(today - Days::new(1)),
    )
    .unwrap();
    assert!(overdue > 10);
    let home = client.get("/").await;
    assert!(
        home.body.contains(&format!("{overdue} overskredet")),
        "{}",
        home.body
    );
    let page = client.get("/follow-ups").await;
    assert!(page.body.contains(&format!(
        "Overskredet <span class=\"count\">({overdue})</span>"
    )));
}

/// Logging a contact from a follow-up closes that follow-up, and the next page offers to undo
/// it; "Udført" on the list offers the same. A follow-up of another company is left alone.
#[actix_web::test]
async fn a_contact_logged_from_a_follow_up_closes_it_and_can_be_undone() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Opfølgning ApS");
    let other = app.add_company(&seed.jobcenter, "Anden Virksomhed ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let me = seed.consultant.id.to_string();
    let today = jobcenter_crm::web::views::local_date(app.now()).to_string();
    let open = |note: &'static str| {
        [
            ("user_id", me.clone()),
            ("occurred_on", today.clone()),
            ("follow_up_on", today.clone()),
            ("follow_up_note", note.to_string()),
        ]
    };
    for (id, note) in [(company.id, "Ring om småjob"), (other.id, "Send materiale")] {
        let fields = open(note);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            log(&client, id, &fields).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let follow_up: i64 = activities::table
        .filter(activities::company_id.eq(company.id))
        .select(activities::id)
        .first(&mut app.conn())
        .unwrap();
    let is_done = |id: i64| -> bool {
        activities::table
            .find(id)
            .select(activities::follow_up_done)
            .first(&mut app.conn())
            .unwrap()
    };

    let list = client.get("/follow-ups").await;
    let link = format!(
        "/activities/new?company={}&amp;follow_up={follow_up}",
        company.id
    );
    assert!(list.body.contains(&link), "{}", list.body);
    let form = client
        .get(&format!(
            "/activities/new?company={}&follow_up={follow_up}",
            company.id
        ))
        .await;
    assert!(
        form.body
            .contains(&format!(r#"name="follow_up_id" value="{follow_up}""#))
    );
    let fid = follow_up.to_string();
    let cid = company.id.to_string();
    let res = client
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("kind", "phone"),
                ("user_id", &me),
                ("occurred_on", &today),
                ("summary", "Ringede om småjob"),
                ("follow_up_id", &fid),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(is_done(follow_up));
    let page = client.get(res.location()).await;
    assert!(
        page.body
            .contains("Opkaldet er registreret. Opfølgningen er markeret som udført.")
    );
    let undo = format!(r#"action="/activities/{follow_up}/follow-up""#);
    assert!(page.body.contains(&undo), "{}", page.body);
    assert!(page.body.contains("Fortryd"));
    let res = client
        .post(
            &format!("/activities/{follow_up}/follow-up"),
            &[("done", "0")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!is_done(follow_up));
    assert!(
        client
            .get(res.location())
            .await
            .body
            .contains("Opfølgningen er åbnet igen.")
    );

    // "Udført" on the list: the next page offers to undo it.
    let res = client
        .post(
            &format!("/activities/{follow_up}/follow-up"),
            &[("done", "1")],
        )
        .await;
    let page = client.get(res.location()).await;
    assert!(page.body.contains("markeret som udført") && page.body.contains(&undo));

    // A follow-up id of another company does not close that company's follow-up.
    let theirs: i64 = activities::table
        .filter(activities::company_id.eq(other.id))
        .select(activities::id)
        .first(&mut app.conn())
        .unwrap();
    let tid = theirs.to_string();
    client
        .get(&format!("/activities/new?company={}", company.id))
        .await;
    let res = client
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("kind", "visit"),
                ("user_id", &me),
                ("occurred_on", &today),
                ("follow_up_id", &tid),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!is_done(theirs));
    assert!(!client.get(res.location()).await.body.contains("Fortryd"));
}
