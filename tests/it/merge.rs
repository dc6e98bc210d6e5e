//! Merging duplicate companies: everything moves, counters and search stay right, the merged
//! address leads to the survivor, versions and tenants hold; the possible-duplicates list.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::counters::COUNTERS;
use jobcenter_crm::db::schema::{
    activities, audit_log, campaign_targets, companies, contact_persons, contact_requests, needs,
    placements, webhook_deliveries, webhooks,
};
use jobcenter_crm::models::contact_person::{ContactPerson, ContactPersonForm};

use crate::common::{TestApp, app};
use crate::routes::records;

fn counters_right(app: &TestApp) {
    let mut c = app.conn();
    for counter in COUNTERS {
        assert_eq!(
            counter.differences(&mut c).unwrap(),
            0,
            "{} differs from its recount",
            counter.table
        );
    }
}

#[actix_web::test]
async fn a_merge_moves_everything_to_the_survivor_and_the_old_address_leads_there() {
    let app = app().await;
    let seed = app.seed();
    // The duplicate: a company with an activity, a placement, a need, a contact person, a
    // campaign target and a request, as every route test has them.
    let dup = records(
        &app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let stevns = records(
        &app,
        "stevns",
        seed.other_jobcenter.id,
        seed.other_admin.id,
        seed.other_admin.id,
    )
    .await;
    let survivor = app.add_company(&seed.jobcenter, "Køge Lager A/S");
    let (ours, theirs_name) = {
        let mut c = app.conn();
        // The same person on both, known by her e-mail; the duplicate's activity was with her.
        diesel::update(contact_persons::table.find(dup.contact))
            .set((
                contact_persons::email.eq("mette@lager.dk"),
                contact_persons::title.eq("Driftschef"),
            ))
            .execute(&mut c)
            .unwrap();
        diesel::update(activities::table.find(dup.activity))
            .set(activities::contact_person_id.eq(dup.contact))
            .execute(&mut c)
            .unwrap();
        let form = ContactPersonForm {
            name: "Mette H.".into(),
            email: "Mette@Lager.dk".into(),
            ..Default::default()
        };
        let ours = ContactPerson::create(
            &mut c,
            seed.jobcenter.id,
            survivor.id,
            &form.validate().unwrap(),
            app.now(),
        )
        .unwrap();
        // Both on the campaign; the duplicate came further.
        jobcenter_crm::models::campaign::CampaignTarget::add(
            &mut c,
            seed.jobcenter.id,
            dup.campaign,
            &[survivor.id],
            app.now(),
        )
        .unwrap();
        diesel::update(campaign_targets::table.find(dup.target))
            .set(campaign_targets::status.eq("visited"))
            .execute(&mut c)
            .unwrap();
        diesel::update(contact_requests::table.find(dup.request))
            .set(contact_requests::company_id.eq(dup.company))
            .execute(&mut c)
            .unwrap();
        diesel::update(webhooks::table.find(dup.webhook))
            .set(webhooks::events.eq(",company.merged,"))
            .execute(&mut c)
            .unwrap();
        let name: String = companies::table
            .find(dup.company)
            .select(companies::name)
            .first(&mut c)
            .unwrap();
        (ours, name)
    };
    counters_right(&app);
    let activities_before: i64 = activities::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();

    // Consultants do not merge; another jobcenter's manager finds neither company.
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let res = consultant
        .get(&format!("/companies/{}/merge", survivor.id))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let stevns_admin = app.signed_in("admin@stevns.dk").await;
    stevns_admin.get("/companies").await;
    let merge_theirs = format!("/companies/{}/merge", survivor.id);
    let res = stevns_admin
        .post(&merge_theirs, &[("other", &stevns.company.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let into_ours = format!("/companies/{}/merge", stevns.company);
    let res = stevns_admin
        .post(&into_ours, &[("other", &dup.company.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // The manager finds the duplicate and compares the two.
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager
        .get(&format!("/companies/{}/merge?q=Rute", survivor.id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let compare = format!("/companies/{}/merge?other={}", survivor.id, dup.company);
    assert!(
        page.body.contains(&compare.replace('&', "&amp;")),
        "{}",
        page.body
    );
    let page = manager.get(&compare).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("name=\"join_{}\"", dup.contact))
    );
    assert!(page.body.contains(&theirs_name), "both names side by side");

    // Merging a company into itself is refused at the field.
    let res = manager
        .post(
            &format!("/companies/{}/merge", survivor.id),
            &[
                ("other", &survivor.id.to_string()),
                ("version", "1"),
                ("other_version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("Vælg en anden virksomhed"));
    // A stale version changes nothing.
    let (other, join, ours_id) = (
        dup.company.to_string(),
        format!("join_{}", dup.contact),
        ours.id.to_string(),
    );
    let fields = |version: &'static str| {
        vec![
            ("other", other.as_str()),
            ("version", version),
            ("other_version", "1"),
            ("field_name", "other"),
            (join.as_str(), ours_id.as_str()),
        ]
    };
    let stale = fields("0");
    let res = manager
        .post(&format!("/companies/{}/merge", survivor.id), &stale)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(
        companies::table
            .find(dup.company)
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
            == 1
    );

    let page = manager.get(&compare).await;
    assert_eq!(page.status, StatusCode::OK);
    let good = fields("1");
    let res = manager
        .post(&format!("/companies/{}/merge", survivor.id), &good)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/companies/{}", survivor.id));

    // Everything moved; the duplicate is gone and its address leads to the survivor.
    let mut c = app.conn();
    let company_of = |c: &mut diesel::r2d2::PooledConnection<_>, id| -> i64 {
        activities::table
            .find(id)
            .select(activities::company_id)
            .first(c)
            .unwrap()
    };
    assert_eq!(company_of(&mut c, dup.activity), survivor.id);
    let moved_placement: i64 = placements::table
        .find(dup.placement)
        .select(placements::company_id)
        .first(&mut c)
        .unwrap();
    let moved_need: i64 = needs::table
        .find(dup.need)
        .select(needs::company_id)
        .first(&mut c)
        .unwrap();
    let moved_request: Option<i64> = contact_requests::table
        .find(dup.request)
        .select(contact_requests::company_id)
        .first(&mut c)
        .unwrap();
    assert_eq!(
        (moved_placement, moved_need, moved_request),
        (survivor.id, survivor.id, Some(survivor.id))
    );
    let activities_after: i64 = activities::table.count().get_result(&mut c).unwrap();
    assert_eq!(activities_after, activities_before, "no activity lost");
    assert_eq!(
        companies::table
            .find(dup.company)
            .count()
            .get_result::<i64>(&mut c)
            .unwrap(),
        0
    );
    // One Mette, with the title she had on the duplicate, and the activity with her.
    let persons: Vec<(i64, String, String)> = contact_persons::table
        .filter(contact_persons::company_id.eq(survivor.id))
        .select((
            contact_persons::id,
            contact_persons::email,
            contact_persons::title,
        ))
        .load(&mut c)
        .unwrap();
    assert_eq!(
        persons,
        [(
            ours.id,
            "Mette@Lager.dk".to_string(),
            "Driftschef".to_string()
        )]
    );
    let with: Option<i64> = activities::table
        .find(dup.activity)
        .select(activities::contact_person_id)
        .first(&mut c)
        .unwrap();
    assert_eq!(with, Some(ours.id));
    // One target on the campaign, at the furthest status.
    let targets: Vec<(i64, String)> = campaign_targets::table
        .filter(campaign_targets::campaign_id.eq(dup.campaign))
        .select((campaign_targets::company_id, campaign_targets::status))
        .load(&mut c)
        .unwrap();
    assert_eq!(targets, [(survivor.id, "visited".to_string())]);
    // The name chosen from the duplicate; the audit row names both and what moved.
    let name: String = companies::table
        .find(survivor.id)
        .select(companies::name)
        .first(&mut c)
        .unwrap();
    assert_eq!(name, theirs_name);
    let details: String = audit_log::table
        .filter(audit_log::action.eq("company_merged"))
        .filter(audit_log::entity_id.eq(survivor.id))
        .select(audit_log::details)
        .first(&mut c)
        .unwrap();
    assert!(
        details.contains(&format!("#{}", dup.company))
            && details.contains("1 aktiviteter")
            && details.contains("1 kampagnemål (1 lagt sammen)"),
        "{details}"
    );
    let payloads: Vec<String> = webhook_deliveries::table
        .filter(webhook_deliveries::event.eq("company.merged"))
        .select(webhook_deliveries::payload)
        .load(&mut c)
        .unwrap();
    assert_eq!(payloads.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&payloads[0]).unwrap();
    assert_eq!(payload["data"]["id"], survivor.id);
    assert_eq!(payload["data"]["merged_id"], dup.company);
    drop(c);
    counters_right(&app);

    let res = manager.get(&format!("/companies/{}", dup.company)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), format!("/companies/{}", survivor.id));
    let page = manager.get(&format!("/companies/{}", survivor.id)).await;
    assert!(page.body.contains("Sammenlagte dubletter"), "{}", page.body);
    assert!(page.body.contains("blev lagt sammen med denne virksomhed"));
    // Search finds the survivor under its new name, and never the gone company.
    let list = manager.get("/companies?q=Rute").await;
    assert!(list.body.contains(&format!("/companies/{}\"", survivor.id)));
    assert!(!list.body.contains(&format!("/companies/{}\"", dup.company)));
    // Another jobcenter is not led anywhere by the old address.
    let res = stevns_admin
        .get(&format!("/companies/{}", dup.company))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn possible_duplicates_are_listed_for_managers() {
    let app = app().await;
    let seed = app.seed();
    let a = app.add_company(&seed.jobcenter, "Havnens Fisk ApS");
    let b = app.add_company(&seed.jobcenter, "Fiskehuset");
    let c1 = app.add_company(&seed.jobcenter, "Bager Jensen");
    let c2 = app.add_company(&seed.jobcenter, "Bager Jensen");
    let d1 = app.add_company(&seed.jobcenter, "Maler Madsen");
    let d2 = app.add_company(&seed.jobcenter, "Tømrer Thomsen");
    let w1 = app.add_company(&seed.jobcenter, "Kro A");
    let w2 = app.add_company(&seed.jobcenter, "Kro B");
    let foreign = app.add_company(&seed.other_jobcenter, "Havnens Fisk ApS");
    {
        let mut c = app.conn();
        let set =
            |c: &mut diesel::r2d2::PooledConnection<_>, id: i64, cvr: &str, p: Option<&str>| {
                diesel::update(companies::table.find(id))
                    .set((companies::cvr.eq(cvr), companies::p_number.eq(p)))
                    .execute(c)
                    .unwrap();
            };
        // One CVR number, once with and once without a P-number.
        set(&mut c, b.id, &a.cvr, Some("1000000001"));
        // Two workplaces of one CVR number are not duplicates.
        set(&mut c, w2.id, &w1.cvr, Some("1000000003"));
        set(&mut c, w1.id, &w1.cvr, Some("1000000002"));
        diesel::update(companies::table.filter(companies::id.eq_any([d1.id, d2.id])))
            .set(companies::phone.eq("+45 56 67 12 34"))
            .execute(&mut c)
            .unwrap();
        diesel::update(companies::table.filter(companies::id.eq_any([w1.id, w2.id])))
            .set(companies::email.eq("info@gmail.com"))
            .execute(&mut c)
            .unwrap();
        diesel::update(companies::table.find(foreign.id))
            .set(companies::cvr.eq(&a.cvr))
            .execute(&mut c)
            .unwrap();
    }
    let consultant = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(
        consultant.get("/companies/duplicates").await.status,
        StatusCode::FORBIDDEN
    );
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager.get("/companies/duplicates").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let merge = |x: i64, y: i64| format!("/companies/{x}/merge?other={y}");
    assert!(body.contains(&merge(a.id, b.id)), "same CVR: {body}");
    assert!(
        body.contains(&merge(c1.id, c2.id)),
        "same name and postcode"
    );
    assert!(body.contains(&merge(d1.id, d2.id)), "same phone");
    assert!(
        !body.contains(&merge(w1.id, w2.id)),
        "two workplaces, a common mail service"
    );
    assert!(!body.contains(&format!("/companies/{}\"", foreign.id)));
}
