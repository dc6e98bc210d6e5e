//! First run: the one-time setup link creates the jobcenter and its first admin.

use crate::common::{TestDb, app, with_conn};
use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{jobcenters, users};
use jobcenter_crm::models::setup_token::SetupToken;

fn fields(token: &str) -> Vec<(&str, &str)> {
    vec![
        ("token", token),
        ("jobcenter_name", "Jobcenter Ærø"),
        ("municipality_code", "492"),
        ("name", "Birgit Bøgh"),
        ("email", "Birgit@Aeroe.dk"),
        ("password", "en lang og god sætning"),
        ("password_repeat", "en lang og god sætning"),
    ]
}

#[actix_web::test]
async fn the_setup_link_creates_jobcenter_and_admin_once() {
    let app = app().await;
    let token = with_conn(&app.state.db, |c| {
        SetupToken::shared(c, &app.state.keys, app.now()).unwrap()
    });
    let client = app.client();

    let dead = client.get("/setup").await;
    assert_eq!(dead.status, StatusCode::FORBIDDEN);
    assert!(dead.body.contains("Opsætningslinket virker ikke"));
    assert_eq!(
        client.get("/setup?token=gaettet").await.status,
        StatusCode::FORBIDDEN
    );

    let page = client.get(&format!("/setup?token={token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for label in [
        r#"<label for="jobcenter_name">Jobcenterets navn</label>"#,
        r#"<label for="municipality_code">Kommunekode</label>"#,
        r#"<label for="email">E-mail</label>"#,
        r#"<label for="password">Adgangskode</label>"#,
    ] {
        assert!(page.body.contains(label), "{label}");
    }

    let res = client.post("/setup", &fields(&token)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/");
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Jobcenter Ærø"));
    assert!(home.body.contains("Birgit Bøgh"));
    assert!(home.body.contains("Jobcenteret er oprettet"));

    let mut c = app.conn();
    let (slug, code): (String, String) = jobcenters::table
        .select((jobcenters::slug, jobcenters::municipality_code))
        .first(&mut c)
        .unwrap();
    assert_eq!((slug.as_str(), code.as_str()), ("jobcenter-aeroe", "492"));
    let (email, role): (String, String) = users::table
        .select((users::email, users::role))
        .first(&mut c)
        .unwrap();
    assert_eq!(
        (email.as_str(), role.as_str()),
        ("birgit@aeroe.dk", "admin")
    );

    // The link is dead now, for the form and for a second submission.
    let other = app.client();
    assert_eq!(
        other.get(&format!("/setup?token={token}")).await.status,
        StatusCode::FORBIDDEN
    );
    other.get("/login").await;
    let res = other.post("/setup", &fields(&token)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let count: i64 = jobcenters::table.count().get_result(&mut c).unwrap();
    assert_eq!(count, 1);

    // The admin can sign in again later.
    let again = app.client();
    assert_eq!(
        again
            .login("birgit@aeroe.dk", "en lang og god sætning")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_printed_link_dies_once_a_user_exists_some_other_way() {
    let app = app().await;
    let token = with_conn(&app.state.db, |c| {
        SetupToken::shared(c, &app.state.keys, app.now()).unwrap()
    });
    // The installation is set up from the command line instead (here: directly).
    app.seed();
    let client = app.client();
    assert_eq!(
        client.get(&format!("/setup?token={token}")).await.status,
        StatusCode::FORBIDDEN
    );
    client.get("/login").await;
    let res = client.post("/setup", &fields(&token)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Opsætningslinket virker ikke"));
    let count: i64 = jobcenters::table
        .filter(jobcenters::slug.eq("jobcenter-aeroe"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 0, "no second jobcenter");
}

#[actix_web::test]
async fn bad_setup_input_is_explained_and_nothing_is_created() {
    let app = app().await;
    let token = with_conn(&app.state.db, |c| {
        SetupToken::shared(c, &app.state.keys, app.now()).unwrap()
    });
    let client = app.client();
    client.get(&format!("/setup?token={token}")).await;
    let res = client
        .post(
            "/setup",
            &[
                ("token", token.as_str()),
                ("jobcenter_name", "Jobcenter <b>Test</b>"),
                ("municipality_code", "12"),
                ("name", ""),
                ("email", "ikke-en-adresse"),
                ("password", "kort"),
                ("password_repeat", "kort"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Kommunekoden skal være tre cifre"));
    assert!(res.body.contains("Skriv dit navn."));
    assert!(res.body.contains("Skriv en gyldig e-mailadresse"));
    assert!(
        res.body
            .contains("Adgangskoden skal være på mindst 10 tegn.")
    );
    let common = client
        .post(
            "/setup",
            &[
                ("token", token.as_str()),
                ("jobcenter_name", "Jobcenter Test"),
                ("municipality_code", "123"),
                ("name", "Anne"),
                ("email", "anne@test.dk"),
                ("password", "password12"),
                ("password_repeat", "password12"),
            ],
        )
        .await;
    assert_eq!(common.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common.body.contains("Adgangskoden er for let at gætte"));
    assert!(
        res.body.contains(r#"value="ikke-en-adresse""#),
        "input kept"
    );
    assert!(
        res.body.contains("Jobcenter &#60;b&#62;Test&#60;/b&#62;"),
        "input escaped"
    );
    assert!(res.body.contains(r#"aria-invalid="true""#));
    let mut c = app.conn();
    assert_eq!(
        jobcenters::table.count().get_result::<i64>(&mut c).unwrap(),
        0
    );

    // Mismatched passwords; the link still works afterwards.
    let mut f = fields(&token);
    f[6] = ("password_repeat", "noget helt andet");
    let res = client.post("/setup", &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("De to adgangskoder er ikke ens."));
    let res = client.post("/setup", &fields(&token)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[test]
fn tokens_are_stored_hashed() {
    let db = TestDb::new();
    let pool =
        jobcenter_crm::db::Db::open(&db.url, 1, std::time::Duration::from_secs(5), None).unwrap();
    pool.migrate().unwrap();
    let token = with_conn(&pool, |c| {
        let keys =
            jobcenter_crm::crypto::Keys::derive(b"a secret key of the installation, long enough");
        SetupToken::shared(c, &keys, chrono::Utc::now().naive_utc()).unwrap()
    });
    let stored: String = with_conn(&pool, |c| {
        jobcenter_crm::db::schema::setup_tokens::table
            .select(jobcenter_crm::db::schema::setup_tokens::token_hash)
            .first(c)
            .unwrap()
    });
    assert_ne!(stored, token);
    assert_eq!(stored, jobcenter_crm::crypto::sha256_hex(&token));
}

/// Several instances started at once (sharing the database and the secret key) print one
/// link, and it works; once it has expired the next start makes a new one.
#[actix_web::test]
async fn instances_started_together_print_the_same_working_link() {
    let app = app().await;
    let now = app.now();
    let tokens: Vec<String> = std::thread::scope(|s| {
        let starts: Vec<_> = (0..3)
            .map(|_| {
                let (db, keys) = (&app.state.db, &app.state.keys);
                s.spawn(move || with_conn(db, |c| SetupToken::shared(c, keys, now).unwrap()))
            })
            .collect();
        starts.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
    let again = with_conn(&app.state.db, |c| {
        SetupToken::shared(c, &app.state.keys, now).unwrap()
    });
    assert_eq!(again, tokens[0]);
    let client = app.client();
    assert_eq!(
        client
            .get(&format!("/setup?token={}", tokens[0]))
            .await
            .status,
        StatusCode::OK
    );

    app.clock.advance(TimeDelta::hours(25));
    let later = app.now();
    let fresh = with_conn(&app.state.db, |c| {
        SetupToken::shared(c, &app.state.keys, later).unwrap()
    });
    assert_ne!(fresh, tokens[0]);
    assert_eq!(
        client.get(&format!("/setup?token={fresh}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        client
            .get(&format!("/setup?token={}", tokens[0]))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
