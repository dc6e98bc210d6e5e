//! Two-step sign-in: setting it up, signing in with a code or a recovery code, codes that work
//! once, the jobcenter requiring it, and an admin resetting it.

use crate::common::{Client, PASSWORD, TestApp, app};
use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{audit_log, outbox_mails, users};

/// The code an authenticator app shows for `key` at the app's clock, `steps` later.
fn code(app: &TestApp, key: &str, steps: i64) -> String {
    let time = (app.now() + TimeDelta::seconds(30 * steps))
        .and_utc()
        .timestamp() as u64;
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(key).unwrap())
        .build()
        .unwrap()
        .generate(time)
        .to_string()
}

/// The key in the set-up form's hidden field.
fn key_of(page: &str) -> String {
    let start = page.find(r#"name="key" value=""#).expect("the key field") + 18;
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

fn recovery_codes(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .map(|part| part.split("</code>").next().unwrap().to_string())
        .collect()
}

/// Karen turns two-step sign-in on from her account; her key and recovery codes.
async fn turn_on(app: &TestApp, client: &Client<'_>) -> (String, Vec<String>) {
    let page = client.get("/account/two-step").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"src="data:image/svg+xml;base64,"#));
    assert!(
        page.body
            .contains(r#"<label for="code">Kode fra appen</label>"#)
    );
    let key = key_of(&page.body);
    assert_eq!(key.len(), 32, "160 bits in base32");
    // Wrong first: nothing is stored.
    let res = client
        .post("/account/two-step", &[("key", &key), ("code", "123456")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Koden passer ikke"));
    let res = client
        .post(
            "/account/two-step",
            &[("key", &key), ("code", &code(app, &key, 0))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Dine reservekoder"));
    let codes = recovery_codes(&res.body);
    assert_eq!(codes.len(), 10);
    (key, codes)
}

#[actix_web::test]
async fn with_two_steps_the_password_alone_opens_nothing() {
    let app = app().await;
    app.seed();
    let karen = app.signed_in("konsulent@koege.dk").await;
    let (key, codes) = turn_on(&app, &karen).await;
    let security = karen.get("/account/security").await;
    assert!(security.body.contains("Slået til"));
    // The setup itself used this time step: the next sign-in waits for the next code.
    app.clock.advance(TimeDelta::seconds(30));

    let desk = app.client();
    let res = desk.login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.location(), "/login/code");
    assert!(
        desk.cookie("jc_session").is_none(),
        "no session before the code"
    );
    assert_eq!(desk.get("/").await.status, StatusCode::SEE_OTHER);
    let form = desk.get("/login/code").await;
    assert!(form.body.contains(r#"<label for="code">Kode</label>"#));
    assert!(form.body.contains(r#"autocomplete="one-time-code""#));
    let wrong = desk.post("/login/code", &[("code", "000000")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Koden passer ikke"));
    let now_code = code(&app, &key, 0);
    let res = desk.post("/login/code", &[("code", &now_code)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/");
    assert_eq!(desk.get("/").await.status, StatusCode::OK);

    // The same code again (someone who looked over the shoulder) is refused.
    let thief = app.client();
    thief.login("konsulent@koege.dk", PASSWORD).await;
    thief.get("/login/code").await;
    let res = thief.post("/login/code", &[("code", &now_code)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(thief.cookie("jc_session").is_none());

    // A recovery code works once, typed loosely.
    let phone_lost = app.client();
    phone_lost.login("konsulent@koege.dk", PASSWORD).await;
    phone_lost.get("/login/code").await;
    let loose = codes[3].to_uppercase().replace('-', " ");
    let res = phone_lost.post("/login/code", &[("code", &loose)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let again = app.client();
    again.login("konsulent@koege.dk", PASSWORD).await;
    again.get("/login/code").await;
    let res = again.post("/login/code", &[("code", &codes[3])]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // An account disabled between the password and the code is not opened by the code.
    let late = app.client();
    late.login("konsulent@koege.dk", PASSWORD).await;
    late.get("/login/code").await;
    diesel::update(users::table.filter(users::email.eq("konsulent@koege.dk")))
        .set(users::active.eq(false))
        .execute(&mut app.conn())
        .unwrap();
    app.clock.advance(TimeDelta::seconds(30));
    let res = late
        .post("/login/code", &[("code", &code(&app, &key, 0))])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.cookie("jc_session").is_none());
    diesel::update(users::table.filter(users::email.eq("konsulent@koege.dk")))
        .set(users::active.eq(true))
        .execute(&mut app.conn())
        .unwrap();

    // The step between password and code lasts five minutes.
    let slow = app.client();
    slow.login("konsulent@koege.dk", PASSWORD).await;
    slow.get("/login/code").await;
    app.clock.advance(TimeDelta::minutes(6));
    let res = slow
        .post("/login/code", &[("code", &code(&app, &key, 0))])
        .await;
    assert_eq!(res.location(), "/login");
}

#[actix_web::test]
async fn wrong_codes_count_towards_the_sign_in_limit() {
    let app = app().await;
    app.seed();
    let karen = app.signed_in("konsulent@koege.dk").await;
    let (key, _) = turn_on(&app, &karen).await;
    app.clock.advance(TimeDelta::seconds(30));
    let guesser = app.client();
    guesser.login("konsulent@koege.dk", PASSWORD).await;
    guesser.get("/login/code").await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(
            guesser
                .post("/login/code", &[("code", "999999")])
                .await
                .status,
        );
    }
    // With the wrong code typed while setting it up, ten wrong codes use up the limit: the
    // eleventh attempt, even with the right code, is refused.
    assert!(
        statuses[..9]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert_eq!(statuses[9], StatusCode::TOO_MANY_REQUESTS);
    let res = guesser
        .post("/login/code", &[("code", &code(&app, &key, 0))])
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(guesser.cookie("jc_session").is_none());
}

#[actix_web::test]
async fn a_jobcenter_that_requires_it_gets_it_set_up_at_the_next_sign_in() {
    let app = app().await;
    let seed = app.seed();
    let mut settings =
        jobcenter_crm::models::settings::Settings::get(&mut app.conn(), seed.jobcenter.id).unwrap();
    settings.require_two_step = jobcenter_crm::models::two_step::TwoStepPolicy::Everyone;
    settings.save(&mut app.conn()).unwrap();

    let karen = app.client();
    let res = karen.login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.location(), "/login/two-step");
    // Nothing else is open until it is set up.
    assert_eq!(karen.get("/companies").await.status, StatusCode::SEE_OTHER);
    let page = karen.get("/login/two-step").await;
    assert!(page.body.contains("Jobcentret kræver"));
    let key = key_of(&page.body);
    let res = karen
        .post(
            "/login/two-step",
            &[("key", &key), ("code", &code(&app, &key, 0))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(recovery_codes(&res.body).len(), 10);
    assert_eq!(karen.get("/companies").await.status, StatusCode::OK);

    // Required: it cannot be turned off.
    karen.get("/account/two-step").await;
    let res = karen
        .post(
            "/account/two-step/disable",
            &[("code", &code(&app, &key, 1))],
        )
        .await;
    let page = karen.get(res.location()).await;
    assert!(
        page.body
            .contains("Jobcentret kræver totrinsbekræftelse af dig")
    );
    let stored: Option<String> = users::table
        .find(seed.consultant.id)
        .select(users::totp_secret)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored.as_deref(), Some(key.as_str()));
}

#[actix_web::test]
async fn an_admin_resets_a_colleagues_second_step_and_the_colleague_is_told() {
    let app = app().await;
    let seed = app.seed();
    let karen = app.signed_in("konsulent@koege.dk").await;
    turn_on(&app, &karen).await;
    let reset = format!("/admin/users/{}/two-step/reset", seed.consultant.id);

    let admin = app.signed_in("admin@koege.dk").await;
    let edit = admin
        .get(&format!("/admin/users/{}/edit", seed.consultant.id))
        .await;
    assert!(
        edit.body
            .contains("Nulstil totrinsbekræftelse for Karen Konsulent")
    );
    let res = admin.post(&reset, &[]).await;
    let page = admin.get(res.location()).await;
    assert!(
        page.body
            .contains("er nulstillet, og medarbejderen har fået besked")
    );

    // Signing in with the password alone works again (nothing is required here).
    let res = app.client().login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.location(), "/");
    let mails: Vec<(String, String)> = outbox_mails::table
        .select((outbox_mails::to_address, outbox_mails::subject))
        .load(&mut app.conn())
        .unwrap();
    assert!(mails.contains(&(
        "konsulent@koege.dk".to_string(),
        "Din totrinsbekræftelse er nulstillet".to_string()
    )));
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::action.like("two_step%"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(actions, ["two_step_enabled", "two_step_reset"]);
}

#[actix_web::test]
async fn turned_off_with_a_code_and_recovery_codes_renewed() {
    let app = app().await;
    app.seed();
    let karen = app.signed_in("konsulent@koege.dk").await;
    let (key, old) = turn_on(&app, &karen).await;
    app.clock.advance(TimeDelta::seconds(30));
    let status = karen.get("/account/two-step").await;
    assert!(status.body.contains("Du har 10 ubrugte reservekoder."));
    let res = karen
        .post(
            "/account/two-step/recovery-codes",
            &[("code", &code(&app, &key, 0))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let new = recovery_codes(&res.body);
    assert_eq!(new.len(), 10);
    assert!(new.iter().all(|c| !old.contains(c)));

    app.clock.advance(TimeDelta::seconds(30));
    karen.get("/account/two-step").await;
    let res = karen
        .post("/account/two-step/disable", &[("code", "000000")])
        .await;
    assert!(
        karen
            .get(res.location())
            .await
            .body
            .contains("Koden passer ikke")
    );
    let res = karen
        .post(
            "/account/two-step/disable",
            &[("code", &code(&app, &key, 0))],
        )
        .await;
    let page = karen.get(res.location()).await;
    assert!(page.body.contains("Totrinsbekræftelse er slået fra."));
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .location(),
        "/"
    );
}
