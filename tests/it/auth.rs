//! Signing in and out, throttling, sessions and their timeouts, and role checks.

use crate::common;
use crate::common::{PASSWORD, app};
use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{audit_log, sessions, users};
use jobcenter_crm::models::login_attempt::LoginAttempt;

#[actix_web::test]
async fn login_page_has_labelled_fields() {
    let app = app().await;
    let res = app.client().get("/login").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(r#"<label for="email">E-mail</label>"#));
    assert!(
        res.body
            .contains(r#"<label for="password">Adgangskode</label>"#)
    );
    assert!(res.body.contains(r#"id="email""#) && res.body.contains(r#"id="password""#));
    assert!(res.body.contains(r#"name="csrf_token""#));
    assert!(res.body.contains(r#"<html lang="da">"#));
}

#[actix_web::test]
async fn anonymous_pages_redirect_to_login() {
    let app = app().await;
    let client = app.client();
    let res = client.get("/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login");
    let res = client.get("/admin/users?x=1").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?next=%2Fadmin%2Fusers%3Fx%3D1");
}

#[actix_web::test]
async fn right_password_signs_in_and_wrong_does_not() {
    let app = app().await;
    let seed = app.seed();
    let client = app.client();

    let res = client
        .login("konsulent@koege.dk", "forkert adgangskode")
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("E-mail eller adgangskode er forkert."));
    assert!(
        res.body.contains(r#"value="konsulent@koege.dk""#),
        "the e-mail is kept"
    );
    assert!(client.cookie("jc_session").is_none());
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);

    // Unknown e-mail: the same answer.
    let res = client.login("ukendt@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("E-mail eller adgangskode er forkert."));

    // E-mail is matched without regard to case and spaces.
    let res = client.login("  Konsulent@Koege.DK ", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/");
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Karen Konsulent"));
    assert!(home.body.contains("Jobcenter Køge"));

    let mut c = app.conn();
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::user_id.eq(seed.consultant.id))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut c)
        .unwrap();
    assert_eq!(actions, vec!["login_failed", "login"]);
}

#[actix_web::test]
async fn login_returns_to_the_page_asked_for_but_never_off_site() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client.get("/login?next=/admin/users").await;
    let res = client
        .post(
            "/login",
            &[
                ("email", "admin@koege.dk"),
                ("password", PASSWORD),
                ("next", "/admin/users"),
            ],
        )
        .await;
    assert_eq!(res.location(), "/admin/users");

    let client = app.client();
    client.get("/login").await;
    let res = client
        .post(
            "/login",
            &[
                ("email", "admin@koege.dk"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(res.location(), "/");

    // Signed in, the login page forwards at once: never off the site, never a 500.
    for next in [
        "/%5C%5Cevil.example",
        "%2F%2Fevil.example",
        "/%20/evil.example",
        "/%C2%A0/evil.example",
    ] {
        let res = client.get(&format!("/login?next={next}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(res.location(), "/", "{next}");
    }
    // Control characters (a tab or line break the browser would drop, a NUL) are refused.
    for next in ["/%09/evil.example", "/%0a/evil.example", "/%00"] {
        let res = client.get(&format!("/login?next={next}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{next}");
        assert!(res.body.contains("usynligt styretegn"), "{next}");
    }
    let res = client.get("/login?next=/companies%3Fq%3Dx").await;
    assert_eq!(res.location(), "/companies?q=x");
}

#[actix_web::test]
async fn ten_failures_lock_the_account_for_fifteen_minutes() {
    let app = app().await;
    app.seed();
    for i in 0..10 {
        // From different addresses: the account limit alone applies.
        let client = app.client();
        client.set_ip(&format!("198.51.100.{i}"));
        let res = client
            .login("konsulent@koege.dk", "forkert adgangskode")
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    let client = app.client();
    client.set_ip("198.51.100.200");
    let res = client.login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("For mange mislykkede forsøg"));
    assert!(client.cookie("jc_session").is_none());

    // Another account is not affected.
    let res = app.client().login("leder@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    app.clock.advance(TimeDelta::minutes(16));
    let res = client.login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_hundred_failures_from_one_address_block_that_address() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client.set_ip("192.0.2.50");
    for i in 0..10 {
        let res = client
            .login(&format!("gaet{i}@koege.dk"), "forkert adgangskode")
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    // Claimed rather than typed: each failed sign-in takes a password hash's time.
    let mut c = app.conn();
    for i in 10..99 {
        LoginAttempt::claim(
            &mut c,
            &format!("gaet{i}@koege.dk"),
            "192.0.2.50",
            app.now(),
        )
        .unwrap()
        .expect("still allowed");
    }
    let res = client.login("admin@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "99 failures: still open");
    let same_address = || {
        let client = app.client();
        client.set_ip("192.0.2.50");
        client
    };
    same_address()
        .login("gaet99@koege.dk", "forkert adgangskode")
        .await;
    assert_eq!(
        same_address()
            .login("admin@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );

    let elsewhere = app.client();
    elsewhere.set_ip("192.0.2.51");
    assert_eq!(
        elsewhere.login("admin@koege.dk", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn behind_a_proxy_the_address_is_the_one_the_proxy_appended() {
    let app = common::app_with(|c| c.trust_proxy = 1).await;
    app.seed();
    let client = app.client();
    client.set_ip("10.0.0.2"); // the proxy
    client.get("/login").await;
    let client = &client;
    let guess = |forwarded: String| {
        let token = client.csrf().unwrap();
        async move {
            client
                .post_raw(
                    "/login",
                    &[
                        ("email", format!("gaet{forwarded}@koege.dk")),
                        ("password", "forkert adgangskode".to_string()),
                        ("csrf_token", token),
                    ],
                    &[("x-forwarded-for", &forwarded)],
                )
                .await
        }
    };
    // A client that writes its own X-Forwarded-For gets the proxy's entry appended after it.
    let res = guess("1.2.3.4, 198.51.100.9".into()).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = guess("<script>, 198.51.100.9".into()).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = guess("not an address".into()).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let addresses: Vec<Option<String>> = audit_log::table
        .filter(audit_log::action.eq("login_failed"))
        .order(audit_log::id)
        .select(audit_log::client_ip)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        addresses,
        [
            Some("198.51.100.9".to_string()),
            Some("198.51.100.9".to_string()),
            // Not an address: the proxy's own.
            Some("10.0.0.2".to_string()),
        ]
    );
    // Changing the left-most entry does not get round the limit per address.
    let mut c = app.conn();
    for i in 0..98 {
        LoginAttempt::claim(&mut c, &format!("x{i}@koege.dk"), "198.51.100.9", app.now())
            .unwrap()
            .expect("still allowed");
    }
    let res = guess("192.0.2.1, 198.51.100.9".into()).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn signing_in_issues_a_new_session_id() {
    let app = app().await;
    app.seed();
    let client = app.client();
    // A session id planted before sign-in is not adopted.
    client.set_cookie("jc_session", "planted-by-an-attacker");
    client.login("konsulent@koege.dk", PASSWORD).await;
    let first = client.cookie("jc_session").unwrap();
    assert_ne!(first, "planted-by-an-attacker");

    // Signing in again (e.g. a second tab) also rotates the id.
    client.get("/").await;
    let res = client
        .post(
            "/login",
            &[("email", "konsulent@koege.dk"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let second = client.cookie("jc_session").unwrap();
    assert_ne!(first, second);

    // The first session is gone.
    let old = app.client();
    old.set_cookie("jc_session", &first);
    assert_eq!(old.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get("/").await.status, StatusCode::OK);

    let cookie = res.header("set-cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "no Secure flag without TLS: {cookie}"
    );
}

#[actix_web::test]
async fn behind_tls_the_cookies_are_secure_host_only_and_same_site() {
    let app = common::app_with(|c| c.behind_tls = true).await;
    app.seed();
    let client = app.client();
    let set_cookies = |res: &common::Resp| -> Vec<String> {
        res.headers
            .get_all("set-cookie")
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    };
    let form = client.get("/login").await;
    let res = client.login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Signed in with a `__Host-` session: the browser refuses such a cookie from a sibling
    // subdomain or plain HTTP.
    let mut cookies = set_cookies(&form);
    cookies.extend(set_cookies(&res));
    let names: Vec<&str> = cookies
        .iter()
        .map(|c| c.split('=').next().unwrap())
        .collect();
    assert!(names.contains(&"__Host-jc_anon"), "{cookies:?}");
    assert!(names.contains(&"__Host-jc_session"), "{cookies:?}");
    assert!(client.cookie("jc_session").is_none());
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    // A flash message's cookie too, and it is dropped with the same attributes.
    let out = client.post("/logout", &[]).await;
    let mut cookies = set_cookies(&out);
    let shown = client.get("/login").await;
    assert!(shown.body.contains("Du er logget ud."));
    cookies.extend(set_cookies(&shown));
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("__Host-jc_flash=") && !c.contains("Max-Age=0"))
    );
    for cookie in &cookies {
        for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(attribute), "{attribute}: {cookie}");
        }
        assert!(!cookie.contains("Domain="), "{cookie}");
    }
    assert!(
        client
            .get("/")
            .await
            .header("strict-transport-security")
            .contains("max-age=")
    );
}

#[actix_web::test]
async fn a_cookie_copied_before_logout_is_dead_after_it() {
    let app = app().await;
    let seed = app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let copied = client.cookie("jc_session").unwrap();
    client.get("/").await;
    let res = client.post("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login");
    let page = client.get("/login").await;
    assert!(page.body.contains("Du er logget ud."));
    // The browser keeps the ended session's cookie (a form another tab sends with it is kept
    // for its owner), but neither it nor a copy signs anyone in again.
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
    let replay = app.client();
    replay.set_cookie("jc_session", &copied);
    let res = replay.get("/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?reason=expired");

    let mut c = app.conn();
    let alive: i64 = sessions::table
        .filter(sessions::user_id.eq(seed.consultant.id))
        .filter(sessions::signed_out_at.is_null())
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(alive, 0);
}

#[actix_web::test]
async fn idle_sessions_end_after_thirty_minutes() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    // Activity keeps the session alive.
    for _ in 0..3 {
        app.clock.advance(TimeDelta::minutes(25));
        assert_eq!(client.get("/").await.status, StatusCode::OK);
    }
    app.clock.advance(TimeDelta::minutes(31));
    let res = client.get("/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?reason=expired");
}

#[actix_web::test]
async fn sessions_end_after_twelve_hours_whatever_the_activity() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    for _ in 0..(11 * 3) {
        app.clock.advance(TimeDelta::minutes(20));
        assert_eq!(client.get("/").await.status, StatusCode::OK);
    }
    app.clock.advance(TimeDelta::minutes(61));
    // Still within the idle limit, but past twelve hours in all.
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn role_guard_keeps_consultants_and_managers_out_of_admin_pages() {
    let app = app().await;
    app.seed();
    for email in ["konsulent@koege.dk", "leder@koege.dk"] {
        let client = app.signed_in(email).await;
        for path in ["/admin/users", "/admin/audit"] {
            let res = client.get(path).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{email} {path}");
            assert!(res.body.contains("Adgang nægtet"));
        }
        let home = client.get("/").await;
        assert!(
            !home.body.contains("/admin/users"),
            "no admin link for {email}"
        );
    }
    let admin = app.signed_in("admin@koege.dk").await;
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
    assert!(admin.get("/").await.body.contains("/admin/users"));
}

#[actix_web::test]
async fn a_role_change_takes_effect_at_once() {
    let app = app().await;
    let seed = app.seed();
    let client = app.signed_in("leder@koege.dk").await;
    assert_eq!(
        client.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    diesel::update(jobcenter_crm::db::schema::users::table.find(seed.manager.id))
        .set(jobcenter_crm::db::schema::users::role.eq("admin"))
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(client.get("/admin/users").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_new_password_ends_all_sessions_of_the_user() {
    let app = app().await;
    let seed = app.seed();
    let phone = app.signed_in("konsulent@koege.dk").await;
    let desktop = app.signed_in("konsulent@koege.dk").await;
    let hash = jobcenter_crm::crypto::hash_password("et helt nyt kodeord");
    jobcenter_crm::models::user::User::set_password(&mut app.conn(), seed.consultant.id, &hash)
        .unwrap();
    assert_eq!(phone.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(desktop.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", "et helt nyt kodeord")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn empty_fields_are_named_and_not_counted_as_attempts() {
    let app = app().await;
    app.seed();
    let client = app.client();
    for _ in 0..12 {
        let res = client.login("", "").await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Skriv din e-mailadresse."));
        assert!(res.body.contains("Skriv din adgangskode."));
        assert!(res.body.contains(r#"id="email-error""#));
    }
    assert_eq!(
        client.login("konsulent@koege.dk", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_disabled_account_is_told_so_only_with_the_right_password() {
    let app = app().await;
    let seed = app.seed();
    jobcenter_crm::models::user::User::set_active(&mut app.conn(), seed.consultant.id, false)
        .unwrap();
    let res = app
        .client()
        .login("konsulent@koege.dk", "forkert adgangskode")
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(!res.body.contains("deaktiveret"));
    let res = app.client().login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Din konto er deaktiveret."));
}

#[actix_web::test]
async fn an_expired_session_says_why_and_returns_to_the_form_afterwards() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("admin@koege.dk").await;
    client.get("/admin/users/new").await;
    app.clock.advance(TimeDelta::minutes(45));
    let res = client
        .post_raw(
            "/admin/users",
            &[
                ("csrf_token", client.csrf().unwrap().as_str()),
                ("name", "X"),
            ],
            &[
                ("referer", "http://localhost:8080/admin/users/new"),
                ("host", "localhost:8080"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        "/login?next=%2Fadmin%2Fusers%2Fnew&reason=expired"
    );
    let page = client.get(res.location()).await;
    assert!(page.body.contains("Din session er udløbet"));
}

#[actix_web::test]
async fn a_stale_login_form_comes_back_instead_of_a_dead_end() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client.get("/login").await;
    let res = client
        .post_raw(
            "/login",
            &[
                ("csrf_token", "forældet"),
                ("email", "admin@koege.dk"),
                ("password", PASSWORD),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login");
    let page = client.get("/login").await;
    assert!(page.body.contains("Siden var udløbet. Prøv igen."));
    assert!(client.cookie("jc_session").is_none());
}

#[actix_web::test]
async fn throttled_sign_ins_say_when_to_retry() {
    let app = app().await;
    app.seed();
    let client = app.client();
    for _ in 0..10 {
        client
            .login("konsulent@koege.dk", "forkert adgangskode")
            .await;
    }
    let res = client.login("konsulent@koege.dk", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.header("retry-after"), "900");
}

#[actix_web::test]
async fn an_office_behind_one_address_is_not_locked_out_by_one_colleague() {
    let app = app().await;
    app.seed();
    // Everyone in the office signs in from the same address.
    let office = || app.client();
    for _ in 0..10 {
        office()
            .login("konsulent@koege.dk", "forkert adgangskode")
            .await;
    }
    assert_eq!(
        office().login("konsulent@koege.dk", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the account itself is held back"
    );
    assert_eq!(
        office().login("leder@koege.dk", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "a colleague at the same address signs in"
    );
}

/// The busiest pages check the session inside their own database call (`SessionCookie`); they
/// must answer strangers and ended sessions exactly as every other page does.
#[actix_web::test]
async fn pages_that_check_the_session_in_their_own_query_refuse_like_the_others() {
    let app = app().await;
    app.seed();
    let pages = [
        ("/", ""),
        ("/companies?q=a", "%2Fcompanies%3Fq%3Da"),
        ("/companies/1", "%2Fcompanies%2F1"),
        ("/follow-ups", "%2Ffollow-ups"),
        ("/activities", "%2Factivities"),
        ("/campaigns/1", "%2Fcampaigns%2F1"),
        ("/requests", "%2Frequests"),
    ];
    let stranger = app.client();
    for (path, next) in pages {
        let res = stranger.get(path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        let expected = if next.is_empty() {
            "/login".to_string()
        } else {
            format!("/login?next={next}")
        };
        assert_eq!(res.location(), expected, "{path}");
    }

    let client = app.signed_in("konsulent@koege.dk").await;
    // A refusal inside the page's own query still shows the signed-in layout.
    let spam = client.get("/requests?tab=spam").await;
    assert_eq!(spam.status, StatusCode::FORBIDDEN);
    assert!(spam.body.contains("Log ud"));
    app.clock.advance(TimeDelta::minutes(31));
    for (path, next) in pages {
        let res = client.get(path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        let expected = if next.is_empty() {
            "/login?reason=expired".to_string()
        } else {
            format!("/login?next={next}&reason=expired")
        };
        assert_eq!(res.location(), expected, "{path}");
    }
}

#[actix_web::test]
async fn a_user_changes_their_password_and_is_signed_out_everywhere_else() {
    let app = app().await;
    let seed = app.seed();
    let phone = app.signed_in("konsulent@koege.dk").await;
    let desk = app.signed_in("konsulent@koege.dk").await;

    let form = desk.get("/account/password").await;
    assert_eq!(form.status, StatusCode::OK);
    for (id, label) in [
        ("current_password", "Nuværende adgangskode"),
        ("new_password", "Ny adgangskode"),
        ("repeat_password", "Gentag ny adgangskode"),
    ] {
        assert!(
            form.body
                .contains(&format!(r#"<label for="{id}">{label}</label>"#)),
            "{id}"
        );
    }
    assert!(form.body.contains(r#"autocomplete="current-password""#));
    // Reached from "Konto og sikkerhed" in the top bar.
    assert!(form.body.contains(r#"href="/account/security""#));
    let security = desk.get("/account/security").await;
    assert!(
        security
            .body
            .contains(r#"<a href="/account/password">Skift adgangskode</a>"#)
    );

    let new = "en helt ny adgangskode";
    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        let desk = &desk;
        async move {
            desk.post(
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("repeat_password", repeat),
                ],
            )
            .await
        }
    };
    // Wrong input: a message next to the field, and nothing changes.
    for (res, field, message) in [
        (
            change("", new, new).await,
            "current_password",
            "Skriv din nuværende adgangskode.",
        ),
        (
            change(PASSWORD, "kort", "kort").await,
            "new_password",
            "Adgangskoden skal være på mindst 10 tegn.",
        ),
        (
            change(PASSWORD, "1234567890", "1234567890").await,
            "new_password",
            "Adgangskoden er for let at gætte: den er almindelig eller et simpelt mønster. Vælg en anden, fx tre-fire tilfældige ord.",
        ),
        (
            change(PASSWORD, "          ", "          ").await,
            "new_password",
            "Adgangskoden er for let at gætte: den er almindelig eller et simpelt mønster. Vælg en anden, fx tre-fire tilfældige ord.",
        ),
        (
            change(PASSWORD, PASSWORD, PASSWORD).await,
            "new_password",
            "Den nye adgangskode skal være en anden end den nuværende.",
        ),
        (
            change(PASSWORD, new, "en helt ny adgangskodE").await,
            "repeat_password",
            "Skriv den samme nye adgangskode to gange.",
        ),
        (
            change("forkert adgangskode", new, new).await,
            "current_password",
            "Den nuværende adgangskode er forkert.",
        ),
    ] {
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(
            res.body.contains(&format!(
                r#"<p class="field-error" id="{field}-error"><span class="visually-hidden">Fejl: </span>{message}</p>"#
            )),
            "{message}"
        );
        assert!(!res.body.contains(new), "passwords are not sent back");
    }
    assert_eq!(phone.get("/").await.status, StatusCode::OK);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let res = change(PASSWORD, new, new).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/");
    let home = desk.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "this browser stays signed in");
    assert!(home.body.contains("Din adgangskode er ændret."));
    // Every other session ended: the phone, and the sign-in made above.
    assert_eq!(phone.get("/").await.status, StatusCode::SEE_OTHER);
    let mut c = app.conn();
    let left: i64 = sessions::table
        .filter(sessions::user_id.eq(seed.consultant.id))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(left, 1);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client().login("konsulent@koege.dk", new).await.status,
        StatusCode::SEE_OTHER
    );
    let changed: i64 = audit_log::table
        .filter(audit_log::user_id.eq(seed.consultant.id))
        .filter(audit_log::action.eq("password_changed"))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(changed, 1);
}

#[actix_web::test]
async fn guessing_the_current_password_is_throttled_like_the_login() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let stored_hash = || -> String {
        users::table
            .filter(users::email.eq("konsulent@koege.dk"))
            .select(users::password_hash)
            .first(&mut app.conn())
            .unwrap()
    };
    let hash_before = stored_hash();
    let new = "en helt ny adgangskode";
    client.get("/account/password").await;
    for i in 0..10 {
        let res = client
            .post(
                "/account/password",
                &[
                    ("current_password", "et forkert gæt"),
                    ("new_password", new),
                    ("repeat_password", new),
                ],
            )
            .await;
        assert!(
            res.body.contains("Den nuværende adgangskode er forkert."),
            "{i}: {} {}",
            res.status,
            res.body
        );
    }
    let res = client
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("repeat_password", new),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("For mange forkerte forsøg."));
    // The password did not change, and signing in is held back as well.
    assert_eq!(stored_hash(), hash_before);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn ninety_parallel_guesses_get_no_more_password_checks_than_the_limit() {
    let app = app().await;
    app.seed();
    let clients: Vec<_> = (0..90)
        .map(|i| {
            let client = app.client();
            client.set_ip(&format!("198.51.100.{i}"));
            client
        })
        .collect();
    for client in &clients {
        client.get("/login").await;
    }
    let answers = futures_util::future::join_all(clients.iter().map(|c| {
        c.post(
            "/login",
            &[("email", "konsulent@koege.dk"), ("password", "gæt")],
        )
    }))
    .await;
    let checked = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + throttled, 90);
    assert!(
        (1..=10).contains(&checked),
        "{checked} guesses got a password check"
    );
    // Refused guesses are not kept, so the account opens again 15 minutes after the last check.
    let kept: i64 = jobcenter_crm::db::schema::login_attempts::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(kept, checked as i64);
}

#[actix_web::test]
async fn parallel_guesses_at_the_current_password_are_throttled_too() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    client.get("/account/password").await;
    let guess = [
        ("current_password", "et forkert gæt"),
        ("new_password", "en helt ny adgangskode"),
        ("repeat_password", "en helt ny adgangskode"),
    ];
    let answers =
        futures_util::future::join_all((0..40).map(|_| client.post("/account/password", &guess)))
            .await;
    let checked = answers
        .iter()
        .filter(|r| r.body.contains("Den nuværende adgangskode er forkert."))
        .count();
    let throttled = answers
        .iter()
        .filter(|r| r.body.contains("For mange forkerte forsøg."))
        .count();
    assert_eq!(checked + throttled, 40);
    assert!(
        (1..=10).contains(&checked),
        "{checked} guesses got a password check"
    );
}

#[actix_web::test]
async fn changing_the_password_needs_a_signed_in_user() {
    let app = app().await;
    app.seed();
    let res = app.client().get("/account/password").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?next=%2Faccount%2Fpassword");
}

const FIREFOX_WINDOWS: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

#[actix_web::test]
async fn staff_see_where_they_are_signed_in_and_end_any_of_it() {
    let app = app().await;
    app.seed();
    let desk = app.client();
    desk.set_user_agent(FIREFOX_WINDOWS);
    desk.set_ip("198.51.100.23");
    desk.login("konsulent@koege.dk", PASSWORD).await;
    let phone = app.client();
    phone.set_user_agent(SAFARI_IPHONE);
    phone.set_ip("2001:db8:1234:5678::9");
    phone.login("konsulent@koege.dk", PASSWORD).await;
    let tablet = app.signed_in("konsulent@koege.dk").await;
    // A colleague's session, for later.
    let colleague = app.signed_in("leder@koege.dk").await;

    let page = desk.get("/account/security").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(r#"<a href="/account/security" aria-current="page">Konto og sikkerhed</a>"#)
    );
    assert!(page.body.contains("Firefox på Windows"), "{}", page.body);
    assert!(page.body.contains("Safari på iPhone"), "{}", page.body);
    assert!(page.body.contains("(denne browser)"));
    // The network, never the address.
    assert!(page.body.contains("198.51.100.0/24"));
    assert!(page.body.contains("2001:db8:1234::/48"));
    assert!(!page.body.contains("198.51.100.23"));
    assert_eq!(page.body.matches(r#"name="session""#).count(), 2);

    // Ending the phone's session signs it out at once: its cookie is dead.
    let phone_id = phone_session(&page.body);
    let res = desk
        .post("/account/sessions/end", &[("session", &phone_id)])
        .await;
    assert_eq!(res.location(), "/account/security");
    assert_eq!(phone.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(desk.get("/").await.status, StatusCode::OK);

    // Someone else's session cannot be ended from here.
    let theirs: String = sessions::table
        .inner_join(users::table)
        .filter(users::email.eq("leder@koege.dk"))
        .select(sessions::id)
        .first(&mut app.conn())
        .unwrap();
    desk.get("/account/security").await;
    let res = desk
        .post("/account/sessions/end", &[("session", &theirs)])
        .await;
    let page = desk.get(res.location()).await;
    assert!(page.body.contains("Sessionen var allerede afsluttet."));
    assert_eq!(colleague.get("/").await.status, StatusCode::OK);

    // "All others": the tablet goes, this browser stays.
    let res = desk.post("/account/sessions/end-others", &[]).await;
    let page = desk.get(res.location()).await;
    assert!(
        page.body.contains("Du er logget ud 1 andre steder."),
        "{}",
        page.body
    );
    assert_eq!(tablet.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(desk.get("/").await.status, StatusCode::OK);
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::action.like("session%"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(actions, ["session_ended", "sessions_ended"]);
}

/// The session id in the "Log ud" form of the iPhone's row.
fn phone_session(page: &str) -> String {
    let row = page
        .split("<tr>")
        .find(|row| row.contains("Safari på iPhone"))
        .expect("the phone's row");
    let start = row.find(r#"name="session" value=""#).unwrap() + r#"name="session" value=""#.len();
    row[start..start + 64].to_string()
}

#[actix_web::test]
async fn an_admin_signs_a_colleague_out_everywhere() {
    let app = app().await;
    let seed = app.seed();
    let karen_desk = app.signed_in("konsulent@koege.dk").await;
    let karen_phone = app.signed_in("konsulent@koege.dk").await;
    let edit = format!("/admin/users/{}/edit", seed.consultant.id);
    let end = format!("/admin/users/{}/sessions/end", seed.consultant.id);

    // Not a consultant's, and not another jobcenter's admin's to do.
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/").await;
    assert_eq!(manager.post(&end, &[]).await.status, StatusCode::FORBIDDEN);
    let stranger = app.signed_in("admin@stevns.dk").await;
    stranger.get("/").await;
    assert_eq!(stranger.post(&end, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(karen_desk.get("/").await.status, StatusCode::OK);

    let admin = app.signed_in("admin@koege.dk").await;
    let page = admin.get(&edit).await;
    assert!(
        page.body.contains("Log Karen Konsulent ud alle steder"),
        "{}",
        page.body
    );
    let res = admin.post(&end, &[]).await;
    assert_eq!(res.location(), edit);
    let page = admin.get(&edit).await;
    assert!(
        page.body.contains("er logget ud alle steder (2)"),
        "{}",
        page.body
    );
    assert_eq!(karen_desk.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(karen_phone.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.get("/").await.status, StatusCode::OK);
}
