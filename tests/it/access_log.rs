//! The log of who looked at what: views, searches and exports leave a row; admins search it by
//! person or record and export it; a disclosure leaves out staff names; old rows go.

use crate::common::app;
use crate::contact_support::request_fields;
use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::access_log;
use jobcenter_crm::models::access_log::AccessLog;
use jobcenter_crm::models::contact_person::{ContactPerson, ContactPersonForm};
use jobcenter_crm::models::placement::{Placement, PlacementInput, PlacementKind, PlacementStatus};

#[actix_web::test]
async fn every_look_at_personal_data_leaves_a_row_the_admin_can_search() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Bager Hansen ApS");
    let visitor = app.client();
    app.fill_in(&visitor, "/kontakt/koege", &request_fields())
        .await;
    let request = app.only_request();
    let person = ContactPerson::create(
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

    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(
        karen
            .get(&format!("/companies/{}", company.id))
            .await
            .status,
        StatusCode::OK
    );
    karen.get("/companies?q=bager").await;
    let placement = Placement::create(
        &mut app.conn(),
        seed.jobcenter.id,
        &PlacementInput {
            company_id: company.id,
            user_id: seed.consultant.id,
            kind: PlacementKind::Smaajob,
            citizen_ref: "SAG-7".into(),
            hours_per_week: 10.0,
            start_on: app.now().date(),
            end_on: None,
            status: PlacementStatus::Active,
            result: None,
            campaign_id: None,
            note: String::new(),
        },
        app.now(),
    )
    .unwrap();
    let shown = karen
        .get(&format!("/placements/{}/edit", placement.id))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    let edit = format!("/companies/{}/contacts/{}/edit", company.id, person.id);
    assert_eq!(karen.get(&edit).await.status, StatusCode::OK);
    karen.get(&format!("/requests/{}", request.id)).await;
    karen.get("/placements").await;
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/companies.csv?status=active").await;
    // A page of another jobcenter's record writes nothing: it was not shown.
    let stranger = app.signed_in("admin@stevns.dk").await;
    assert_eq!(
        stranger
            .get(&format!("/companies/{}", company.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let rows: i64 = access_log::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(rows, 7);

    let admin = app.signed_in("admin@koege.dk").await;
    let page = admin.get("/admin/access-log").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(r#"<label for="person">Medarbejder</label>"#)
    );
    assert!(page.body.contains("Karen Konsulent"));
    assert!(page.body.contains("Søgning"));
    assert!(page.body.contains("bager"));
    assert!(
        page.body
            .contains(&format!("Henvendelse nr. {}", request.id))
    );
    assert!(page.body.contains("Eksport"));
    assert!(
        page.body
            .contains(&format!("Kontaktperson nr. {}", person.id))
    );

    // By person: only the manager's export.
    let page = admin
        .get(&format!("/admin/access-log?person={}", seed.manager.id))
        .await;
    let karens_row = r#"<td data-label="Medarbejder">Karen Konsulent</td>"#;
    assert!(page.body.contains("Eksport"));
    assert!(!page.body.contains(karens_row));

    // By record, and as the company's disclosure: when and why, not by whom.
    let by_record = format!("/admin/access-log?entity=company&id={}", company.id);
    let page = admin.get(&by_record).await;
    assert!(page.body.contains(karens_row));
    assert!(!page.body.contains("Søgning</td>"));
    let page = admin.get(&format!("{by_record}&disclosure=1")).await;
    assert!(page.body.contains("Sagsbehandling: virksomhed vist"));
    assert!(!page.body.contains(r#"data-label="Medarbejder""#));
    let csv = admin
        .get(&format!(
            "/admin/access-log.csv?entity=company&id={}&disclosure=1",
            company.id
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Formål"));
    assert!(csv.body.contains("Sagsbehandling: virksomhed vist"));
    assert!(!csv.body.contains("Karen"));
    let full = admin.get("/admin/access-log.csv").await;
    assert!(full.body.contains("Karen Konsulent"));
}

#[actix_web::test]
async fn rows_older_than_the_retention_are_deleted() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Gammel Opslag ApS");
    let karen = app.signed_in("konsulent@koege.dk").await;
    karen.get(&format!("/companies/{}", company.id)).await;
    app.clock.advance(TimeDelta::days(200));
    // Signed in again: the first session has timed out.
    let karen = app.signed_in("konsulent@koege.dk").await;
    karen.get(&format!("/companies/{}", company.id)).await;
    let deleted = AccessLog::purge_expired(&mut app.conn(), app.now()).unwrap();
    assert_eq!(deleted, 1, "six months by default");
    let left: i64 = access_log::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(left, 1);
}
