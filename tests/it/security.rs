//! Form tokens, cross-site requests, response headers, error pages and escaping.

use crate::common::{PASSWORD, app};
use actix_web::http::{Method, StatusCode};
use actix_web::test;

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
