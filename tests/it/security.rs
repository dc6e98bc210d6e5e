//! Form tokens, cross-site requests, response headers, error pages and escaping.

use crate::common::{PASSWORD, app};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use diesel::prelude::*;

#[actix_web::test]
async fn posts_without_a_form_token_are_refused() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("admin@koege.dk").await;
    let res = client.post_raw::<&str>("/logout", &[], &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body.contains("Adgang nægtet"),
        "a Danish error page: {}",
        res.body
    );
    // Still signed in: nothing changed.
    assert_eq!(client.get("/").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn posts_with_a_wrong_form_token_are_refused() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("admin@koege.dk").await;
    client.get("/admin/users").await;
    let fields = [
        ("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ("name", "Ny Person"),
        ("email", "ny@koege.dk"),
        ("role", "consultant"),
        ("password", "en lang adgangskode"),
    ];
    let res = client.post_raw("/admin/users", &fields, &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let list = client.get("/admin/users").await;
    assert!(!list.body.contains("ny@koege.dk"), "no user was created");
}

#[actix_web::test]
async fn a_token_from_another_session_does_not_work() {
    let app = app().await;
    app.seed();
    let victim = app.signed_in("admin@koege.dk").await;
    victim.get("/").await;
    let attacker = app.signed_in("konsulent@koege.dk").await;
    attacker.get("/").await;
    let res = victim
        .post_raw("/logout", &[("csrf_token", attacker.csrf().unwrap())], &[])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(victim.get("/").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn the_login_form_is_protected_too() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client.get("/login").await;
    let res = client
        .post_raw(
            "/login",
            &[("email", "admin@koege.dk"), ("password", PASSWORD)],
            &[],
        )
        .await;
    // Refused: the form comes back (with a note that the page had expired), nobody is signed in.
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login");
    assert!(client.cookie("jc_session").is_none());
    assert_eq!(client.get("/").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn cross_site_posts_are_refused_even_with_a_valid_token() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("admin@koege.dk").await;
    client.get("/").await;
    let token = client.csrf().unwrap();
    let res = client
        .post_raw(
            "/logout",
            &[("csrf_token", token.as_str())],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = client
        .post_raw(
            "/logout",
            &[("csrf_token", token.as_str())],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "still signed in"
    );

    // The same form from our own origin goes through.
    let res = client
        .post_raw(
            "/logout",
            &[("csrf_token", token.as_str())],
            &[
                ("origin", "http://localhost:8080"),
                ("host", "localhost:8080"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn only_post_changes_data() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("admin@koege.dk").await;
    let res = client.get("/logout").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(client.get("/").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn head_requests_are_answered_like_get() {
    let app = app().await;
    app.seed();
    let visitor = app.client();
    let head = |path: &str| test::TestRequest::default().method(Method::HEAD).uri(path);
    assert_eq!(visitor.send(head("/login")).await.status, StatusCode::OK);
    // A page behind sign-in sends a HEAD to the login form, as it does a GET.
    let res = visitor.send(head("/companies")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.header("location").starts_with("/login"));
    let client = app.signed_in("admin@koege.dk").await;
    let res = client.send(head("/companies")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("text/html"));
    // What only POST does is still not there for HEAD.
    assert_eq!(
        client.send(head("/logout")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = app().await;
    app.seed();
    let anon = app.client();
    let signed_in = app.signed_in("admin@koege.dk").await;
    for res in [
        anon.get("/login").await,
        anon.get("/healthz").await,
        anon.get("/findes-ikke").await,
        signed_in.get("/").await,
        signed_in.get("/admin/users").await,
    ] {
        let csp = res.header("content-security-policy");
        for part in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "CSP lacks {part}: {csp}");
        }
        assert_eq!(res.header("x-content-type-options"), "nosniff");
        assert!(!res.header("referrer-policy").is_empty());
        assert_eq!(res.header("cache-control"), "no-store");
        assert!(
            res.header("strict-transport-security").is_empty(),
            "no HSTS without TLS"
        );
    }
    let css = anon.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("cache-control").contains("max-age"));
    assert_eq!(css.header("x-content-type-options"), "nosniff");
}

#[actix_web::test]
async fn unknown_pages_get_a_danish_404_that_leaks_nothing() {
    let app = app().await;
    let res = app.client().get("/findes/ikke?q=%3Cscript%3E").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.header("content-type").starts_with("text/html"));
    assert!(res.body.contains("Siden findes ikke"));
    assert!(!res.body.contains("<script>"));
    assert!(!res.body.to_lowercase().contains("actix"));
}

#[actix_web::test]
async fn a_malformed_form_gets_an_error_page_not_a_crash() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("admin@koege.dk").await;
    client.get("/admin/users").await;
    let token = client.csrf().unwrap();
    let res = client
        .post_raw(
            "/admin/users/abc/active",
            &[("csrf_token", token.as_str()), ("active", "false")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Siden findes ikke"));
}

#[actix_web::test]
async fn oversized_posts_are_refused() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client.get("/login").await;
    let huge = "x".repeat(300 * 1024);
    let res = client
        .post(
            "/login",
            &[("email", "admin@koege.dk"), ("password", huge.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("For meget indhold"));
}

#[actix_web::test]
async fn what_users_type_is_escaped() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client.get("/login").await;
    let res = client
        .post(
            "/login",
            &[("email", "\"><script>alert(1)</script>"), ("password", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(!res.body.contains("<script>alert(1)</script>"));
    assert!(res.body.contains("&#60;script&#62;"));
}

#[actix_web::test]
async fn healthz_checks_the_database_without_sign_in() {
    let app = app().await;
    let res = app.client().get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(r#""database":"ok""#));
    assert!(
        res.header("set-cookie").is_empty(),
        "no cookie for a health check"
    );
}

#[actix_web::test]
async fn a_signed_in_user_keeps_the_navigation_on_a_404() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let res = client.get("/findes-ikke").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Siden findes ikke"));
    assert!(res.body.contains("Karen Konsulent") && res.body.contains("Log ud"));
}

#[actix_web::test]
async fn control_characters_are_refused_in_plain_danish_and_change_nothing() {
    let app = app().await;
    app.seed();
    // Anonymous: the address, the login form and the contact form.
    let visitor = app.client();
    for path in ["/kontakt/%00", "/kontakt/koege?x=%00", "/companies?q=%01"] {
        let res = visitor.get(path).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            res.body.contains("usynligt styretegn"),
            "{path}: {}",
            res.body
        );
    }
    visitor.get("/login").await;
    let res = visitor
        .post(
            "/login",
            &[("email", "admin@koege.dk\0"), ("password", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("usynligt styretegn"));

    // Signed in: a company name with a NUL, and a line break in a one-line field.
    let user = app.signed_in("konsulent@koege.dk").await;
    user.get("/companies/new").await;
    for (name, message) in [
        ("Bager\0 ApS", "usynligt styretegn"),
        ("Bager\u{1b}[31m ApS", "usynligt styretegn"),
        ("Bager\r\nApS", "linjeskift"),
    ] {
        let res = user
            .post(
                "/companies",
                &[("cvr", "29403473"), ("name", name), ("postcode", "4600")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{name:?}");
        assert!(res.body.contains(message), "{name:?}: {}", res.body);
    }
    let companies: i64 = jobcenter_crm::db::schema::companies::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(companies, 0);
}

#[actix_web::test]
async fn line_breaks_pass_in_the_fields_written_in_several_lines() {
    // The fields a line break may arrive in are the textareas of the pages, no more, no less.
    let mut textareas = std::collections::BTreeSet::new();
    for entry in crate::common::files_under(std::path::Path::new("templates"), "html") {
        let text = std::fs::read_to_string(&entry).unwrap();
        for part in text.split("m::textarea(name=\"").skip(1) {
            textareas.insert(part.split('"').next().unwrap().to_string());
        }
        assert!(
            !text.contains("<textarea") || entry.ends_with("macros.html"),
            "{}: use the textarea macro",
            entry.display()
        );
    }
    let listed: std::collections::BTreeSet<String> =
        jobcenter_crm::web::security::MULTI_LINE_FIELDS
            .iter()
            .map(|s| s.to_string())
            .collect();
    assert_eq!(textareas, listed);

    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Linjer ApS");
    let user = app.signed_in("konsulent@koege.dk").await;
    user.get(&format!("/activities/new?company={}", company.id))
        .await;
    let res = user
        .post(
            "/activities",
            &[
                ("company_id", &company.id.to_string()),
                ("user_id", &seed.consultant.id.to_string()),
                ("kind", "phone"),
                ("occurred_on", "2026-11-20"),
                ("summary", "Første linje\r\nAnden linje\tmed tabulator"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[actix_web::test]
async fn an_upload_carries_its_form_token_in_the_body_not_the_address() {
    let app = app().await;
    app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager.get("/companies/import").await;
    assert!(page.body.contains(
        r#"<form method="post" action="/companies/import" enctype="multipart/form-data""#
    ));
    let token = manager.csrf().unwrap();
    assert!(!page.body.contains(&format!("csrf_token={token}")));
    let csv = b"CVR-nummer;Navn\r\n29403473;Bager ApS\r\n";
    let in_address = manager
        .upload(
            &format!(
                "/companies/import?csrf_token={}",
                jobcenter_crm::web::views::url_encode(&token)
            ),
            "file",
            "firmaer.csv",
            csv,
            &[("csrf_token", "")],
        )
        .await;
    assert_eq!(in_address.status, StatusCode::FORBIDDEN);
    let in_body = manager
        .upload("/companies/import", "file", "firmaer.csv", csv, &[])
        .await;
    assert_eq!(in_body.status, StatusCode::SEE_OTHER, "{}", in_body.body);

    // A visitor without a session has no upload form: refused before the body is read.
    let visitor = app.client();
    visitor.get("/login").await;
    let res = visitor
        .upload("/companies/import", "file", "firmaer.csv", csv, &[])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

/// The stylesheet is linked by its content's hash and kept a year; it and the CSV exports are
/// compressed when the browser asks, pages never (BREACH).
#[actix_web::test]
async fn the_stylesheet_is_kept_and_compressed_and_pages_are_not_compressed() {
    let app = app().await;
    app.seed();
    let lars = app.signed_in("leder@koege.dk").await;
    let page = lars.get("/companies").await;
    let path = jobcenter_crm::web::views::stylesheet_path();
    assert!(path.starts_with("/static/app.") && path.ends_with(".css"));
    assert!(
        page.body
            .contains(&format!(r#"<link rel="stylesheet" href="{path}">"#))
    );
    let gzip = |uri: &str| {
        actix_web::test::TestRequest::get()
            .uri(uri)
            .insert_header(("accept-encoding", "gzip"))
    };
    let css = lars.send(gzip(path)).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-encoding"), "gzip");
    assert!(css.header("cache-control").contains("max-age=31536000"));
    let old = lars.get("/static/app.000000000000.css").await;
    assert_eq!(old.header("cache-control"), "public, max-age=3600");
    let export = lars.send(gzip("/companies.csv")).await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.header("content-encoding"), "gzip");
    let page = lars.send(gzip("/companies?q=abc")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-encoding"),
        "",
        "pages are sent as they are"
    );
}

/// `/metrics` is off without a token, and with one answers only the request that carries it.
#[actix_web::test]
async fn metrics_need_their_token() {
    let off = app().await;
    assert_eq!(
        off.client().get("/metrics").await.status,
        StatusCode::NOT_FOUND
    );

    let app =
        crate::common::app_with(|c| c.metrics_token = Some("en-lang-metrik-noegle".into())).await;
    app.seed();
    let lars = app.signed_in("leder@koege.dk").await;
    lars.get("/companies").await;
    let anon = app.client();
    assert_eq!(anon.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    let wrong = anon
        .send(
            test::TestRequest::get()
                .uri("/metrics")
                .insert_header(("authorization", "Bearer forkert")),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let res = anon
        .send(
            test::TestRequest::get()
                .uri("/metrics")
                .insert_header(("authorization", "Bearer en-lang-metrik-noegle")),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains(
            r#"jobcenter_crm_http_requests_total{route="/companies",method="GET",status="200"} 1"#
        ),
        "{}",
        res.body
    );
    for name in [
        "jobcenter_crm_http_request_duration_seconds_bucket",
        "jobcenter_crm_db_pool_connections ",
        "jobcenter_crm_outbox_waiting_mails 0",
        "jobcenter_crm_sessions_alive 1",
    ] {
        assert!(res.body.contains(name), "{name} in {}", res.body);
    }
}
