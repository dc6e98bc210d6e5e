//! Typed text is never lost to a timeout: a form sent after the idle timeout, or after
//! signing out in another tab, comes back filled in after signing in again; the pages say when
//! the session ends, and the page script can ask and stay signed in.

use crate::common::{self, PASSWORD, app};
use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{activities, companies, kept_forms, sessions};

const NOTE: &str = "Besøg hos lageret: to stillinger på 25 timer fra 1. marts.\r\nAftalt: vi sender <3> kandidater.";

fn referer(page: &str) -> String {
    format!("http://localhost:8080{page}")
}

/// Posts `fields` from `page` with the form token the page had, as a browser tab left open.
async fn send_from(
    client: &common::Client<'_>,
    token: &str,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> common::Resp {
    let mut all = vec![("csrf_token", token)];
    all.extend_from_slice(fields);
    let referer = referer(page);
    client
        .post_raw(
            action,
            &all,
            &[("referer", referer.as_str()), ("host", "localhost:8080")],
        )
        .await
}

fn activities_of(app: &common::TestApp, company_id: i64) -> i64 {
    activities::table
        .filter(activities::company_id.eq(company_id))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_visit_written_past_the_idle_timeout_comes_back_filled_in_after_signing_in() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Lager A/S");
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = format!("/activities/new?company={}", company.id);
    let form = client.get(&page).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.csrf_token().unwrap();

    // Forty-five minutes of writing, then "Gem".
    app.clock.advance(TimeDelta::minutes(45));
    let cid = company.id.to_string();
    let today = app.now().date().to_string();
    let uid = seed.consultant.id.to_string();
    let fields = [
        ("company_id", cid.as_str()),
        ("user_id", uid.as_str()),
        ("kind", "visit"),
        ("occurred_on", today.as_str()),
        ("summary", NOTE),
        ("topic_recruitment", "1"),
    ];
    let res = send_from(&client, &token, &page, "/activities", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().starts_with("/login?next="),
        "{}",
        res.location()
    );
    assert!(
        client.cookie("jc_kept").is_some(),
        "the browser holds the key"
    );
    assert_eq!(activities_of(&app, company.id), 0, "nothing saved unsigned");
    let kept: Vec<String> = kept_forms::table
        .select(kept_forms::fields)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert!(
        !kept[0].contains("csrf_token"),
        "the spent token is not kept"
    );

    let login = client.get(res.location()).await;
    assert!(
        login.body.contains("Det, du skrev, er ikke tabt"),
        "{}",
        login.body
    );
    let signed_in = client
        .post(
            "/login",
            &[
                ("email", "konsulent@koege.dk"),
                ("password", PASSWORD),
                ("next", &page),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.location(), page);

    let back = client.get(&page).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(
        back.body.contains("Du blev logget ud, før det blev gemt"),
        "{}",
        back.body
    );
    let escaped = "Besøg hos lageret: to stillinger på 25 timer fra 1. marts.\r\nAftalt: vi sender &lt;3&gt; kandidater.";
    assert!(
        back.body.contains(escaped),
        "the note is back: {}",
        back.body
    );
    assert!(
        back.body.contains(r#"value="visit" checked"#)
            || back.body.contains(r#"value="visit" selected"#),
        "the kind is back"
    );
    // The page's own, fresh form token is used: the form can be sent as it is.
    let sent = client.post("/activities", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(activities_of(&app, company.id), 1);

    // Once back, it is forgotten, and the key goes with the next page.
    assert_eq!(
        kept_forms::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );
    let again = client.get(&page).await;
    assert!(!again.body.contains("Du blev logget ud, før det blev gemt"));
    assert!(client.cookie("jc_kept").is_none());
}

#[actix_web::test]
async fn an_edit_sent_after_signing_out_in_another_tab_comes_back_with_its_version() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Smedien ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = format!("/companies/{}/edit", company.id);
    let edit = client.get(&page).await;
    let token = edit.csrf_token().unwrap();
    let version: i32 = companies::table
        .find(company.id)
        .select(companies::version)
        .first(&mut app.conn())
        .unwrap();

    // Another tab signs out.
    client.get("/").await;
    assert_eq!(
        client.post("/logout", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let version_field = version.to_string();
    let res = send_from(
        &client,
        &token,
        &page,
        &page,
        &[
            ("version", version_field.as_str()),
            ("name", "Smedien & Søn ApS"),
            ("cvr", ""),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login"), "{}", res.location());
    let name: String = companies::table
        .find(company.id)
        .select(companies::name)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(name, "Smedien ApS", "nothing changed while signed out");

    client.login("konsulent@koege.dk", PASSWORD).await;
    let back = client.get(&page).await;
    assert!(
        back.body.contains(r#"value="Smedien &amp; Søn ApS""#),
        "{}",
        back.body
    );
    assert!(
        back.body
            .contains(&format!(r#"name="version" value="{version}""#))
    );
}

#[actix_web::test]
async fn a_kept_form_is_its_owners_only_and_passwords_are_never_kept() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Bageriet");
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = format!("/activities/new?company={}", company.id);
    let token = client.get(&page).await.csrf_token().unwrap();
    app.clock.advance(TimeDelta::minutes(31));
    let cid = company.id.to_string();
    send_from(
        &client,
        &token,
        &page,
        "/activities",
        &[("company_id", cid.as_str()), ("summary", NOTE)],
    )
    .await;

    // A colleague signs in on the same browser: nothing of it shows.
    client.login("leder@koege.dk", PASSWORD).await;
    let other = client.get(&page).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.body.contains("stillinger på 25 timer"));
    assert!(!other.body.contains("Du blev logget ud, før"));
    // The owner, back at the same browser, still gets it.
    client.get("/").await;
    client.post("/logout", &[]).await;
    client.login("konsulent@koege.dk", PASSWORD).await;
    let back = client.get(&page).await;
    assert!(
        back.body.contains("stillinger på 25 timer"),
        "{}",
        back.body
    );

    // A password form sent after the timeout keeps no password.
    let token = client.get("/account/password").await.csrf_token().unwrap();
    app.clock.advance(TimeDelta::minutes(31));
    let res = send_from(
        &client,
        &token,
        "/account/password",
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "hemmelig-ny-kode-1"),
            ("repeat_password", "hemmelig-ny-kode-1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let kept: Vec<String> = kept_forms::table
        .select(kept_forms::fields)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        kept.iter()
            .all(|f| !f.contains("hemmelig") && !f.contains(PASSWORD)),
        "{kept:?}"
    );
}

#[actix_web::test]
async fn a_form_whose_page_no_longer_shows_it_is_offered_to_send_again() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Tømreren");
    let client = app.signed_in("konsulent@koege.dk").await;
    // The form was on the page a refused form came back on (/activities): that address,
    // fetched, is the list, which has no such form.
    let token = client.get("/activities").await.csrf_token().unwrap();
    app.clock.advance(TimeDelta::minutes(40));
    let cid = company.id.to_string();
    let today = app.now().date().to_string();
    let uid = seed.consultant.id.to_string();
    let fields = [
        ("company_id", cid.as_str()),
        ("user_id", uid.as_str()),
        ("kind", "phone"),
        ("occurred_on", today.as_str()),
        ("summary", NOTE),
    ];
    send_from(&client, &token, "/activities", "/activities", &fields).await;
    client.login("konsulent@koege.dk", PASSWORD).await;
    let list = client.get("/activities").await;
    assert!(list.body.contains("Send det igen"), "{}", list.body);
    assert!(
        list.body
            .contains("Aftalt: vi sender &#60;3&#62; kandidater."),
        "{}",
        list.body
    );
    // Sending it again from there saves it.
    let resent: Vec<(&str, &str)> = fields.to_vec();
    let res = client.post("/activities", &resent).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(activities_of(&app, company.id), 1);
}

#[actix_web::test]
async fn pages_say_when_the_session_ends_and_the_script_can_ask_and_stay() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = client.get("/").await;
    let ends = jobcenter_crm::web::views::local_time(app.now() + TimeDelta::minutes(30))
        .format("%H:%M")
        .to_string();
    assert!(
        page.body.contains(&format!(
            "Du logges ud kl. <span data-clock>{ends}</span>, hvis du ikke bruger systemet"
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"data-seconds-left="1800""#));
    assert!(page.body.contains("Bliv logget ind"));

    // Asking does not count as use.
    app.clock.advance(TimeDelta::minutes(10));
    for _ in 0..2 {
        let status = client.get("/session").await;
        assert_eq!(status.status, StatusCode::OK);
        assert!(
            status.body.contains(r#""seconds_left":1200"#),
            "{}",
            status.body
        );
    }
    // Staying signed in needs the form token, and then counts as use.
    let refused = client
        .post_raw::<&str>("/session/keep-alive", &[], &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let token = client.csrf().unwrap();
    let stay = client
        .post_raw::<&str>(
            "/session/keep-alive",
            &[],
            &[("x-csrf-token", token.as_str())],
        )
        .await;
    assert_eq!(stay.status, StatusCode::OK);
    assert!(
        stay.body.contains(r#""seconds_left":1800"#),
        "{}",
        stay.body
    );

    app.clock.advance(TimeDelta::minutes(31));
    let ended = client.get("/session").await;
    assert!(ended.body.contains(r#""seconds_left":0"#), "{}", ended.body);
    let late = client
        .post_raw::<&str>(
            "/session/keep-alive",
            &[],
            &[("x-csrf-token", token.as_str())],
        )
        .await;
    assert!(
        late.body.contains(r#""seconds_left":0"#),
        "an ended session is not revived"
    );
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);

    // Signed-out sessions are kept a while, then purged.
    let left = || {
        sessions::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
    };
    assert_eq!(left(), 1);
    app.clock.advance(TimeDelta::hours(9));
    jobcenter_crm::models::session::Session::purge_expired(&mut app.conn(), app.now()).unwrap();
    assert_eq!(left(), 0);
}

/// A tab left open past the timeout, while its user signed in again in another tab: its form
/// token belongs to the ended session, so it is not accepted, but what was typed comes back
/// filled in on its page instead of a refusal.
#[actix_web::test]
async fn a_form_from_a_tab_whose_session_was_replaced_comes_back_on_its_page() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Maleren ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = format!("/activities/new?company={}", company.id);
    let token = client.get(&page).await.csrf_token().unwrap();
    app.clock.advance(TimeDelta::minutes(35));
    // Another tab: signed in again.
    client.login("konsulent@koege.dk", PASSWORD).await;

    let cid = company.id.to_string();
    let today = app.now().date().to_string();
    let uid = seed.consultant.id.to_string();
    let fields = [
        ("company_id", cid.as_str()),
        ("user_id", uid.as_str()),
        ("kind", "visit"),
        ("occurred_on", today.as_str()),
        ("summary", NOTE),
    ];
    let res = send_from(&client, &token, &page, "/activities", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), page);
    assert_eq!(
        activities_of(&app, company.id),
        0,
        "the old token saves nothing"
    );
    let back = client.get(&page).await;
    assert!(
        back.body.contains("Du blev logget ud, før det blev gemt"),
        "{}",
        back.body
    );
    assert!(
        back.body.contains("stillinger på 25 timer"),
        "{}",
        back.body
    );
    let token = back.csrf_token().unwrap();
    let mut resent = vec![("csrf_token", token.as_str())];
    resent.extend_from_slice(&fields);
    let sent = client.post_raw("/activities", &resent, &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(activities_of(&app, company.id), 1);

    // A token of no session of this user's, none at all, or no page of ours to go back to
    // (no Referer): refused as before, and nothing is kept.
    for token in ["forkert", ""] {
        let res = send_from(&client, token, &page, "/activities", &[("summary", "x")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{token:?}");
    }
    let no_page = client
        .post_raw(
            "/activities",
            &[("csrf_token", "forkert"), ("summary", "x")],
            &[],
        )
        .await;
    assert_eq!(no_page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        kept_forms::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );
}

/// The login page says a form is waiting only while one is: not for a key whose forms came
/// back or expired.
#[actix_web::test]
async fn the_login_page_mentions_kept_forms_only_while_they_wait() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Glarmesteren");
    let client = app.signed_in("konsulent@koege.dk").await;
    let page = format!("/activities/new?company={}", company.id);
    let token = client.get(&page).await.csrf_token().unwrap();
    app.clock.advance(TimeDelta::minutes(31));
    let cid = company.id.to_string();
    send_from(
        &client,
        &token,
        &page,
        "/activities",
        &[("company_id", cid.as_str()), ("summary", NOTE)],
    )
    .await;
    let login = client.get("/login").await;
    assert!(login.body.contains("Det, du skrev, er ikke tabt"));

    // Nine hours later the kept form has expired; the cookie alone says nothing.
    app.clock.advance(TimeDelta::hours(9));
    assert!(client.cookie("jc_kept").is_some());
    let login = client.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        !login.body.contains("Det, du skrev, er ikke tabt"),
        "{}",
        login.body
    );
}
