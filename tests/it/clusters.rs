//! Clusters of neighbouring jobcenters: nothing is shared before every side has accepted, the
//! company-level facts reach the partner and not the outsider, nothing else crosses the
//! border, and leaving ends it at once.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{activities, companies, users};
use jobcenter_crm::models::activity::{Activity, ActivityInput, ActivityKind};
use jobcenter_crm::models::campaign::{Campaign, CampaignInput, CampaignStatus, CampaignTarget};
use jobcenter_crm::models::cluster::Cluster;
use jobcenter_crm::models::contact_person::{ContactPerson, ContactPersonForm};
use jobcenter_crm::models::user::Role;

use crate::common::{Client, TestApp, app};

const CVR: &str = "10150817";

/// The same company in a jobcenter's register.
fn company(
    app: &TestApp,
    jobcenter: &jobcenter_crm::models::jobcenter::Jobcenter,
    name: &str,
) -> i64 {
    let id = app.add_company(jobcenter, name).id;
    diesel::update(companies::table.find(id))
        .set(companies::cvr.eq(CVR))
        .execute(&mut app.conn())
        .unwrap();
    id
}

async fn accept(app: &TestApp, cluster: i64, admin: &str) -> StatusCode {
    let client = app.signed_in(admin).await;
    client.get("/admin/clusters").await;
    client
        .post(&format!("/admin/clusters/{cluster}/accept"), &[])
        .await
        .status
}

async fn page_of(client: &Client<'_>, id: i64) -> String {
    client.get(&format!("/companies/{id}")).await.body
}

#[actix_web::test]
async fn a_cluster_shares_company_facts_once_all_accept_and_stops_when_one_leaves() {
    let app = app().await;
    let seed = app.seed();
    let solrod = app.add_jobcenter("Jobcenter Solrød", "solrod");
    app.add_user(&solrod, "admin@solrod.dk", "Sara Solrød", Role::Admin);
    let ole = app.add_user(
        &seed.other_jobcenter,
        "ole@stevns.dk",
        "Ole Stevns",
        Role::Consultant,
    );
    diesel::update(users::table.find(ole.id))
        .set(users::phone.eq("56 57 58 59"))
        .execute(&mut app.conn())
        .unwrap();

    // Køge's company, with a visit, a note and a contact person that stay in Køge.
    let koege = company(&app, &seed.jobcenter, "Havnens Lager A/S");
    diesel::update(companies::table.find(koege))
        .set((
            companies::notes.eq("Køges egen note om ejeren"),
            companies::fixed_contact_id.eq(seed.consultant.id),
        ))
        .execute(&mut app.conn())
        .unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    Activity::create(
        &mut app.conn(),
        seed.jobcenter.id,
        &ActivityInput {
            company_id: koege,
            user_id: seed.consultant.id,
            kind: ActivityKind::Visit,
            occurred_on: day,
            topics: Vec::new(),
            summary: "Køges referat af besøget".into(),
            outcome: None,
            campaign_id: None,
            contact_person_id: None,
            follow_up_on: None,
            follow_up_note: String::new(),
            follow_up_done: false,
        },
        app.now(),
    )
    .unwrap();
    ContactPerson::create(
        &mut app.conn(),
        seed.jobcenter.id,
        koege,
        &ContactPersonForm {
            name: "Mette Køgeperson".into(),
            ..Default::default()
        }
        .validate()
        .unwrap(),
        app.now(),
    )
    .unwrap();
    // Stevns knows the same company, with Ole as fixed contact; so does Solrød, outside.
    let stevns = company(&app, &seed.other_jobcenter, "Havnens Lager A/S (Stevns)");
    diesel::update(companies::table.find(stevns))
        .set(companies::fixed_contact_id.eq(ole.id))
        .execute(&mut app.conn())
        .unwrap();
    let outside = company(&app, &solrod, "Havnens Lager A/S (Solrød)");

    let cluster = Cluster::create(
        &mut app.conn(),
        "Sydsjælland",
        &[seed.jobcenter.id, seed.other_jobcenter.id],
        app.now(),
    )
    .unwrap()
    .id;
    let karen = app.signed_in("konsulent@koege.dk").await;
    let stevns_admin = app.signed_in("admin@stevns.dk").await;
    // Invited is not accepted: nothing is shared, not even after one side accepts.
    assert!(!page_of(&karen, koege).await.contains("Kendt i klyngen"));
    assert_eq!(
        accept(&app, cluster, "admin@koege.dk").await,
        StatusCode::SEE_OTHER
    );
    assert!(!page_of(&karen, koege).await.contains("Kendt i klyngen"));
    // The outsider cannot accept for the cluster it is not in.
    assert_eq!(
        accept(&app, cluster, "admin@solrod.dk").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        accept(&app, cluster, "admin@stevns.dk").await,
        StatusCode::SEE_OTHER
    );

    let mine = page_of(&karen, koege).await;
    assert!(mine.contains("Kendt i klyngen"), "{mine}");
    assert!(mine.contains("Jobcenter Stevns"));
    assert!(mine.contains("Fast kontakt: Ole Stevns"));
    assert!(mine.contains("56 57 58 59") && mine.contains("ole@stevns.dk"));
    assert!(!mine.contains("Solrød"), "the outsider is not shown");

    let theirs = page_of(&stevns_admin, stevns).await;
    assert!(theirs.contains("Jobcenter Køge"));
    assert!(theirs.contains("Fast kontakt: Karen Konsulent"));
    assert!(theirs.contains("Seneste kontakt: 20-11-2026"));
    for secret in ["Køges egen note", "Køges referat", "Mette Køgeperson"] {
        assert!(!theirs.contains(secret), "{secret} crossed the border");
    }
    // A consultant in Stevns registering the company anew is told at once who knows it.
    let cvr_field = [
        ("cvr", CVR),
        ("p_number", ""),
        ("name", "Havnens Lager"),
        ("postcode", "4660"),
    ];
    let ole_client = app.signed_in("ole@stevns.dk").await;
    diesel::delete(companies::table.find(stevns))
        .execute(&mut app.conn())
        .unwrap();
    let res = ole_client
        .post_from("/companies/new", "/companies", &cvr_field)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let created = ole_client.get(res.location()).await.body;
    assert!(
        created.contains(
            "Jobcenter Køge kender allerede denne virksomhed — fast kontakt: Karen Konsulent."
        ),
        "{created}"
    );
    let stevns: i64 = companies::table
        .filter(companies::jobcenter_id.eq(seed.other_jobcenter.id))
        .select(companies::id)
        .first(&mut app.conn())
        .unwrap();
    let sara = app.signed_in("admin@solrod.dk").await;
    let outsiders = page_of(&sara, outside).await;
    assert!(!outsiders.contains("Kendt i klyngen"), "{outsiders}");
    assert!(
        sara.get("/admin/clusters")
            .await
            .body
            .contains("ikke inviteret")
    );
    // Køge's company page itself stays Køge's.
    assert_eq!(
        stevns_admin
            .get(&format!("/companies/{koege}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // On a running campaign in Køge: Stevns sees that much.
    let campaign = Campaign::create(
        &mut app.conn(),
        seed.jobcenter.id,
        &CampaignInput {
            name: "Lager og logistik".into(),
            purpose: String::new(),
            topics: Vec::new(),
            start_on: day,
            end_on: day + chrono::TimeDelta::days(60),
            target_companies: 5,
            target_placements: None,
            status: CampaignStatus::Running,
            consultant_ids: vec![seed.consultant.id],
            regional: Default::default(),
        },
        app.now(),
    )
    .unwrap();
    CampaignTarget::add(
        &mut app.conn(),
        seed.jobcenter.id,
        campaign.id,
        &[koege],
        app.now(),
    )
    .unwrap();
    let theirs = page_of(&stevns_admin, stevns).await;
    assert!(theirs.contains("med i en kørende kampagne"));
    assert!(
        !theirs.contains("Lager og logistik"),
        "the campaign's name stays in Køge"
    );

    // Stevns leaves: from this moment nothing is shared either way, and both logs say so.
    let res = stevns_admin
        .post(&format!("/admin/clusters/{cluster}/leave"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!page_of(&karen, koege).await.contains("Kendt i klyngen"));
    assert!(
        !page_of(&stevns_admin, stevns)
            .await
            .contains("Kendt i klyngen")
    );
    let back = stevns_admin
        .post(&format!("/admin/clusters/{cluster}/accept"), &[])
        .await;
    let message = stevns_admin.get(back.location()).await.body;
    assert!(message.contains("kræver en ny invitation"), "{message}");
    // A new invitation from the operator, accepted again: sharing resumes.
    Cluster::invite(
        &mut app.conn(),
        "Sydsjælland",
        seed.other_jobcenter.id,
        app.now(),
    )
    .unwrap();
    assert_eq!(
        accept(&app, cluster, "admin@stevns.dk").await,
        StatusCode::SEE_OTHER
    );
    assert!(page_of(&karen, koege).await.contains("Kendt i klyngen"));
    // A deactivated fixed contact's details are not shared.
    diesel::update(users::table.find(seed.consultant.id))
        .set(users::active.eq(false))
        .execute(&mut app.conn())
        .unwrap();
    let theirs = page_of(&stevns_admin, stevns).await;
    assert!(theirs.contains("Ingen fast kontakt der."), "{theirs}");
    assert!(!theirs.contains("Karen Konsulent"));
    stevns_admin
        .post(&format!("/admin/clusters/{cluster}/leave"), &[])
        .await;
    let koege_admin = app.signed_in("admin@koege.dk").await;
    let log = koege_admin.get("/admin/audit").await.body;
    assert!(
        log.contains("Jobcenter Stevns har forladt klyngen «Sydsjælland»"),
        "{log}"
    );
    let log = stevns_admin.get("/admin/audit").await.body;
    assert!(log.contains("Klynge forladt"));

    let activity_count: i64 = activities::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(activity_count, 1, "nothing was written across the border");
}

#[actix_web::test]
async fn two_workplaces_of_one_company_are_not_the_same_and_a_cluster_needs_two_members() {
    let app = app().await;
    let seed = app.seed();
    let cluster = Cluster::create(
        &mut app.conn(),
        "Køge Bugt",
        &[seed.jobcenter.id, seed.other_jobcenter.id],
        app.now(),
    )
    .unwrap()
    .id;
    for admin in ["admin@koege.dk", "admin@stevns.dk"] {
        assert_eq!(accept(&app, cluster, admin).await, StatusCode::SEE_OTHER);
    }
    let koege = company(&app, &seed.jobcenter, "Kæden, Køge");
    let stevns = company(&app, &seed.other_jobcenter, "Kæden, Store Heddinge");
    for (id, p) in [(koege, "1000000001"), (stevns, "1000000002")] {
        diesel::update(companies::table.find(id))
            .set(companies::p_number.eq(Some(p)))
            .execute(&mut app.conn())
            .unwrap();
    }
    let karen = app.signed_in("konsulent@koege.dk").await;
    let page = karen.get(&format!("/companies/{koege}")).await.body;
    assert!(
        !page.contains("Kendt i klyngen"),
        "different P-numbers: {page}"
    );
    // Without a P-number on one side the CVR number decides.
    diesel::update(companies::table.find(stevns))
        .set(companies::p_number.eq(None::<String>))
        .execute(&mut app.conn())
        .unwrap();
    let page = karen.get(&format!("/companies/{koege}")).await.body;
    assert!(page.contains("Kendt i klyngen"));

    // An invitation declined is told as such, in both logs.
    let other = Cluster::create(
        &mut app.conn(),
        "Stevns Klint",
        &[seed.jobcenter.id, seed.other_jobcenter.id],
        app.now(),
    )
    .unwrap()
    .id;
    let koege_admin = app.signed_in("admin@koege.dk").await;
    let page = koege_admin.get("/admin/clusters").await.body;
    assert!(page.contains("Afslå"), "{page}");
    let res = koege_admin
        .post(&format!("/admin/clusters/{other}/leave"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let declined = "Jobcenter Køge har afslået invitationen til klyngen «Stevns Klint»";
    assert!(
        koege_admin
            .get("/admin/audit")
            .await
            .body
            .contains(declined)
    );
    let stevns_admin = app.signed_in("admin@stevns.dk").await;
    assert!(
        stevns_admin
            .get("/admin/audit")
            .await
            .body
            .contains(declined)
    );

    let refused = Cluster::create(&mut app.conn(), "Alene", &[seed.jobcenter.id], app.now());
    assert!(refused.is_err(), "one jobcenter is no cluster");
    let taken = Cluster::create(
        &mut app.conn(),
        "Køge Bugt",
        &[seed.jobcenter.id, seed.other_jobcenter.id],
        app.now(),
    );
    assert!(taken.is_err(), "the name is taken");
}
