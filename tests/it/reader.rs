//! The read-only role ("Læseadgang"): a reader searches and reads companies, their fixed
//! contacts, when and how the jobcenter met them, and campaigns — never a summary, a note, a
//! citizen's case number or a request's message — and changes nothing, through the pages or
//! the API. Which routes a reader may use at all is in the route × role matrix (`routes`).

use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{activities, companies, needs, placements, users};
use jobcenter_crm::models::user::Role;

use crate::common::{Seed, TestApp, app};
use crate::contact_support::request_fields;
use crate::routes::{Records, records};

const SUMMARY: &str = "Drøftede fyringsrunden i lageret";
const FOLLOW_UP_NOTE: &str = "Ring om lønsedlerne";
const COMPANY_NOTES: &str = "Ejeren er syg, tal med datteren";
const MESSAGE: &str = "Vi søger to medarbejdere til sommeren";

/// The jobcenter's records with free text and case numbers in them, and a reader.
async fn jobcenter_with_a_reader(app: &TestApp) -> (Seed, Records) {
    let seed = app.seed();
    app.add_user(
        &seed.jobcenter,
        "laeser@koege.dk",
        "Birthe Skov",
        Role::Reader,
    );
    let own = records(
        app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let mut c = app.conn();
    diesel::update(activities::table.find(own.activity))
        .set((
            activities::summary.eq(SUMMARY),
            activities::follow_up_note.eq(FOLLOW_UP_NOTE),
        ))
        .execute(&mut c)
        .unwrap();
    diesel::update(companies::table.find(own.company))
        .set((
            companies::notes.eq(COMPANY_NOTES),
            companies::fixed_contact_id.eq(seed.consultant.id),
        ))
        .execute(&mut c)
        .unwrap();
    diesel::update(placements::table.find(own.placement))
        .set(placements::note.eq("Borgeren har brug for skånehensyn"))
        .execute(&mut c)
        .unwrap();
    assert!(request_fields().iter().any(|(_, v)| v.starts_with(MESSAGE)));
    (seed, own)
}

#[actix_web::test]
async fn a_reader_reads_companies_and_campaigns_without_notes_case_numbers_or_messages() {
    let app = app().await;
    let (seed, own) = jobcenter_with_a_reader(&app).await;
    let consultant = seed.consultant;
    let reader = app.signed_in("laeser@koege.dk").await;

    let secrets = [
        SUMMARY,
        FOLLOW_UP_NOTE,
        COMPANY_NOTES,
        "SAG-1",
        "SAG-2",
        "skånehensyn",
        MESSAGE,
    ];
    let home = reader.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("som læseadgang"), "{}", home.body);
    for write_link in [
        "/activities/new",
        "/companies/new",
        "/follow-ups",
        "/requests",
    ] {
        assert!(
            !home.body.contains(&format!("href=\"{write_link}\"")),
            "{write_link}"
        );
    }

    let found = reader.get("/companies?q=rute").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("Rute koege ApS"));
    assert!(!found.body.contains("Registrér kontakt"));

    let page = reader.get(&format!("/companies/{}", own.company)).await;
    assert_eq!(page.status, StatusCode::OK);
    // The company, its fixed contact, and when and how the jobcenter met it.
    assert!(page.body.contains("Rute koege ApS"));
    assert!(page.body.contains(&consultant.name), "the fixed contact");
    assert!(page.body.contains("Besøg"), "the activity's kind");
    assert!(page.body.contains("20-11-2026"), "the activity's date");
    assert!(page.body.contains("Mette Hansen"), "the contact person");
    assert!(page.body.contains("Småjob"), "the placement's kind");
    assert!(
        page.body.contains("1 henvisning"),
        "the need's referrals, counted"
    );
    for secret in secrets {
        assert!(!page.body.contains(secret), "{secret} on the company page");
    }
    for form in [
        "method=\"post\" action=\"/companies",
        "/edit\"",
        "Registrér kontakt",
    ] {
        assert!(!page.body.contains(form), "{form} on the company page");
    }

    let list = reader.get("/activities").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Rute koege ApS"),
        "everyone's activities"
    );
    for secret in secrets {
        assert!(!list.body.contains(secret), "{secret} in the activity list");
    }

    // Every campaign, though the reader is on none.
    let campaigns = reader.get("/campaigns").await;
    assert!(campaigns.body.contains("Kampagne koege"));
    let campaign = reader.get(&format!("/campaigns/{}", own.campaign)).await;
    assert_eq!(campaign.status, StatusCode::OK);
    assert!(campaign.body.contains("Rute koege ApS"));
    assert!(!campaign.body.contains("/activities/new"));
    assert!(!campaign.body.contains(&format!("/targets/{}", own.target)));

    // Requests, placements, needs, follow-ups and every export are not theirs to read.
    for path in [
        format!("/requests/{}", own.request),
        "/requests".into(),
        "/placements".into(),
        format!("/placements/{}/edit", own.placement),
        "/needs".into(),
        format!("/needs/{}", own.need),
        "/follow-ups".into(),
        format!("/activities/{}/edit", own.activity),
        format!("/activities/{}/summary", own.activity),
        "/companies.csv".into(),
        format!("/campaigns/{}/targets.csv", own.campaign),
        "/dashboard".into(),
        "/account/tokens".into(),
    ] {
        let res = reader.get(&path).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        for secret in secrets {
            assert!(!res.body.contains(secret), "{secret} on {path}");
        }
    }
}

#[actix_web::test]
async fn a_reader_changes_nothing_is_given_no_work_and_the_api_is_closed_to_them() {
    let app = app().await;
    let (seed, own) = jobcenter_with_a_reader(&app).await;
    let reader_id: i64 = users::table
        .filter(users::email.eq("laeser@koege.dk"))
        .select(users::id)
        .first(&mut app.conn())
        .unwrap();
    let reader = app.signed_in("laeser@koege.dk").await;
    reader.get("/").await;
    let company_count = || -> i64 {
        companies::table
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    let before = company_count();
    let cvr = (3_100_000..)
        .find_map(jobcenter_crm::domain::cvr::complete_cvr)
        .unwrap();
    let res = reader
        .post(
            "/companies",
            &[
                ("cvr", cvr.as_str()),
                ("name", "Ny ApS"),
                ("postcode", "4600"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(company_count(), before);
    let res = reader
        .post(
            &format!("/companies/{}/edit", own.company),
            &[("name", "Omdøbt ApS")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = reader
        .post(
            "/activities",
            &[
                ("company_id", own.company.to_string().as_str()),
                ("kind", "phone"),
                ("occurred_on", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let needs_before: i64 = needs::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(
        reader
            .post(
                &format!("/needs/{}/status", own.need),
                &[("status", "filled")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        needs::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        needs_before
    );
    let name: String = companies::table
        .find(own.company)
        .select(companies::name)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(name, "Rute koege ApS");

    // Their own account is theirs: the security page, and signing out.
    assert_eq!(reader.get("/account/security").await.status, StatusCode::OK);

    // Work is not given to someone who may only look.
    let manager = app.signed_in("leder@koege.dk").await;
    let form = manager.get("/companies/new").await;
    assert!(form.body.contains(&seed.consultant.name));
    assert!(
        !form.body.contains("Birthe Skov"),
        "offered as fixed contact"
    );
    // …nor accepted as the one who did or owns something, whatever a form sends.
    let refused = jobcenter_crm::models::user::User::require_active_consultant(
        &mut app.conn(),
        seed.jobcenter.id,
        reader_id,
        None,
    );
    assert!(refused.is_err());
    let request = format!("/requests/{}", own.request);
    manager.get(&request).await;
    let res = manager
        .post(
            &format!("{request}/assign"),
            &[("assignee", reader_id.to_string().as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = manager.get(res.location()).await;
    assert!(
        page.body.contains("Vælg en aktiv medarbejder"),
        "{}",
        page.body
    );
    let assigned: Option<i64> = jobcenter_crm::db::schema::contact_requests::table
        .find(own.request)
        .select(jobcenter_crm::db::schema::contact_requests::assigned_to)
        .first(&mut app.conn())
        .unwrap();
    assert_ne!(assigned, Some(reader_id));

    // A consultant made a reader: their API key and calendar feed stop working at once.
    let karen = app.signed_in("konsulent@koege.dk").await;
    let token = crate::api::make_token(&karen, "BI", "read").await;
    karen.get("/follow-ups").await;
    let page = karen.post("/calendar-feed", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let start = page.body.find("/calendar/").expect("the feed address");
    let feed = page.body[start..start + page.body[start..].find('"').unwrap()].to_string();
    let companies = "/api/v1/companies";
    let (res, _) = crate::api::call(&app, "GET", companies, Some(&token), None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(app.client().get(&feed).await.status, StatusCode::OK);
    diesel::update(users::table.find(seed.consultant.id))
        .set(users::role.eq(Role::Reader))
        .execute(&mut app.conn())
        .unwrap();
    let (res, json) = crate::api::call(&app, "GET", companies, Some(&token), None, &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        json["detail"].as_str().unwrap().contains("læseadgang"),
        "{json}"
    );
    assert_eq!(app.client().get(&feed).await.status, StatusCode::NOT_FOUND);
    // …and their pages of work are closed, while reading goes on.
    assert_eq!(karen.get("/follow-ups").await.status, StatusCode::FORBIDDEN);
    assert_eq!(karen.get("/companies").await.status, StatusCode::OK);

    // Signing out ends the reader's session.
    let res = reader.post("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(reader.get("/companies").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn an_admin_makes_a_colleague_a_reader() {
    let app = app().await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    let form = admin.get("/admin/users/new").await;
    assert!(
        form.body
            .contains("<option value=\"reader\">Læseadgang</option>"),
        "{}",
        form.body
    );
    let res = admin
        .post(
            "/admin/users",
            &[
                ("name", "Birthe Skov"),
                ("email", "birthe@koege.dk"),
                ("phone", ""),
                ("title", "Socialrådgiver"),
                ("role", "reader"),
                ("password", "min første adgangskode"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let birthe = app.client();
    assert_eq!(
        birthe
            .login("birthe@koege.dk", "min første adgangskode")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let home = birthe.get("/").await;
    assert!(home.body.contains("(Læseadgang)"), "{}", home.body);
    assert_eq!(
        birthe.get("/companies/new").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The reader role's migration rebuilds SQLite's users table (its CHECK cannot be changed in
/// place): an upgrade keeps the staff and every row that refers to them — a colleague signed
/// in stays signed in, their activities stay theirs — and a reader can be saved afterwards.
#[actix_web::test]
async fn the_upgrade_to_the_reader_role_keeps_staff_and_what_refers_to_them() {
    let app = app().await;
    let (seed, own) = jobcenter_with_a_reader(&app).await;
    let consultant = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(consultant.get("/follow-ups").await.status, StatusCode::OK);
    // Reverting the migration makes the readers deactivated consultants (the old CHECK has no
    // room for them); nobody is lost either way.
    let count = |app: &TestApp| -> (i64, i64) {
        let mut c = app.conn();
        (
            users::table.count().get_result(&mut c).unwrap(),
            jobcenter_crm::db::schema::sessions::table
                .count()
                .get_result(&mut c)
                .unwrap(),
        )
    };
    let before = count(&app);
    crate::common::reapply_migrations_from(&mut app.conn(), "20261217000033");
    assert_eq!(count(&app), before);
    assert_eq!(consultant.get("/follow-ups").await.status, StatusCode::OK);
    let owner: i64 = activities::table
        .find(own.activity)
        .select(activities::user_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(owner, seed.consultant.id);
    app.add_user(
        &seed.jobcenter,
        "birthe@koege.dk",
        "Birthe Skov",
        Role::Reader,
    );
}
