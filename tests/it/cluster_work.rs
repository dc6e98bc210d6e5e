//! Working together in a cluster: a regional campaign whose members each work their own
//! companies while the managers see everyone's progress, a request handed to a neighbour, and
//! the cluster's figures — with an outsider and a member that left seeing none of it.

use actix_web::http::StatusCode;
use chrono::Days;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{campaigns, regional_campaigns};
use jobcenter_crm::domain::dates::dk_date;
use jobcenter_crm::models::activity::{Activity, ActivityInput, ActivityKind};
use jobcenter_crm::models::campaign::CampaignTarget;
use jobcenter_crm::models::cluster::Cluster;
use jobcenter_crm::models::jobcenter::Jobcenter;
use jobcenter_crm::models::user::{Role, User};

use crate::common::{Client, Seed, TestApp, app};

/// Køge and Stevns in the cluster «Sydsjælland», both accepted; Solrød outside it.
struct Region {
    cluster: i64,
    solrod: Jobcenter,
    /// A consultant in Stevns.
    ole: User,
}

fn region(app: &TestApp, seed: &Seed) -> Region {
    let solrod = app.add_jobcenter("Jobcenter Solrød", "solrod");
    app.add_user(&solrod, "admin@solrod.dk", "Sara Solrød", Role::Admin);
    let ole = app.add_user(
        &seed.other_jobcenter,
        "ole@stevns.dk",
        "Ole Stevns",
        Role::Consultant,
    );
    let mut c = app.conn();
    let cluster = Cluster::create(
        &mut c,
        "Sydsjælland",
        &[seed.jobcenter.id, seed.other_jobcenter.id],
        app.now(),
    )
    .unwrap()
    .id;
    Cluster::accept(&mut c, seed.jobcenter.id, cluster, seed.admin.id, app.now()).unwrap();
    Cluster::accept(
        &mut c,
        seed.other_jobcenter.id,
        cluster,
        seed.other_admin.id,
        app.now(),
    )
    .unwrap();
    Region {
        cluster,
        solrod,
        ole,
    }
}

fn visit(app: &TestApp, jobcenter_id: i64, company_id: i64, user_id: i64, campaign: i64) {
    Activity::create(
        &mut app.conn(),
        jobcenter_id,
        &ActivityInput {
            company_id,
            user_id,
            kind: ActivityKind::Visit,
            occurred_on: app.now().date(),
            topics: Vec::new(),
            summary: "Referat, som bliver i jobcentret".into(),
            outcome: None,
            campaign_id: Some(campaign),
            contact_person_id: None,
            follow_up_on: None,
            follow_up_note: String::new(),
            follow_up_done: false,
        },
        app.now(),
    )
    .unwrap();
}

/// The campaign form's fields for a campaign over the coming weeks.
fn campaign_fields(app: &TestApp, name: &str, consultant: i64) -> Vec<(String, String)> {
    let today = app.now().date();
    vec![
        ("name".into(), name.into()),
        ("start".into(), dk_date(today)),
        ("end".into(), dk_date(today + Days::new(56))),
        ("target_companies".into(), "10".into()),
        ("status".into(), "running".into()),
        (format!("consultant_{consultant}"), "1".into()),
    ]
}

async fn post_fields(
    client: &Client<'_>,
    path: &str,
    fields: &[(String, String)],
) -> crate::common::Resp {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &fields).await
}

fn created_id(location: &str) -> i64 {
    location
        .trim_start_matches("/campaigns/")
        .parse()
        .expect("the new campaign's page")
}

#[actix_web::test]
async fn a_regional_campaign_counts_every_member_for_the_managers_and_no_more() {
    let app = app().await;
    let seed = app.seed();
    let region = region(&app, &seed);
    let koege_company = app.add_company(&seed.jobcenter, "Køge Maskinfabrik A/S").id;
    let stevns_company = app
        .add_company(&seed.other_jobcenter, "Stevns Klint Bageri ApS")
        .id;

    // Køge's manager creates a campaign for the cluster.
    let lars = app.signed_in("leder@koege.dk").await;
    let form = lars.get("/campaigns/new").await.body;
    assert!(form.contains("For klyngen «Sydsjælland»"), "{form}");
    let mut fields = campaign_fields(&app, "Fleksjob på tværs", seed.consultant.id);
    fields.push(("cluster".into(), region.cluster.to_string()));
    let created = post_fields(&lars, "/campaigns", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let koege_campaign = created_id(created.location());
    let regional: i64 = regional_campaigns::table
        .select(regional_campaigns::id)
        .first(&mut app.conn())
        .unwrap();

    // Stevns's admin is offered to join; the outsider is not, and cannot.
    let soren = app.signed_in("admin@stevns.dk").await;
    let list = soren.get("/campaigns").await.body;
    assert!(
        list.contains("Regionale kampagner, I kan deltage i"),
        "{list}"
    );
    assert!(list.contains("Fleksjob på tværs"));
    let sara = app.signed_in("admin@solrod.dk").await;
    assert!(
        !sara
            .get("/campaigns")
            .await
            .body
            .contains("Fleksjob på tværs")
    );
    let join = format!("/campaigns/new?regional={regional}");
    assert_eq!(sara.get(&join).await.status, StatusCode::NOT_FOUND);
    let mut outsider = campaign_fields(&app, "Snyltet", region.ole.id);
    outsider.push(("regional".into(), regional.to_string()));
    let refused = post_fields(&sara, "/campaigns", &outsider).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("findes ikke i jobcentrets klynger"));
    // A campaign for a cluster Solrød is not in is refused too.
    let mut foreign = campaign_fields(&app, "Fremmed klynge", region.ole.id);
    foreign.push(("cluster".into(), region.cluster.to_string()));
    let refused = post_fields(&sara, "/campaigns", &foreign).await;
    assert!(
        refused
            .body
            .contains("Vælg en klynge, jobcentret er medlem af.")
    );
    assert_eq!(
        campaigns::table
            .filter(campaigns::jobcenter_id.eq(region.solrod.id))
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        0
    );
    assert_eq!(
        sara.get(&format!("/campaigns/{koege_campaign}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Stevns joins with its own goal and consultant, from the form filled in for it.
    let join_form = soren.get(&join).await.body;
    assert!(
        join_form.contains("value=\"Fleksjob på tværs\""),
        "{join_form}"
    );
    let mut fields = campaign_fields(&app, "Fleksjob på tværs", region.ole.id);
    fields.push(("regional".into(), regional.to_string()));
    let joined = post_fields(&soren, "/campaigns", &fields).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let stevns_campaign = created_id(joined.location());
    // Once is enough.
    let again = post_fields(&soren, "/campaigns", &fields).await;
    assert!(again.body.contains("allerede med i den regionale kampagne"));
    assert!(
        !soren
            .get("/campaigns")
            .await
            .body
            .contains("I kan deltage i")
    );

    // Each member puts its own companies on its own list; another's are not taken.
    let mut c = app.conn();
    let report = CampaignTarget::add(
        &mut c,
        seed.jobcenter.id,
        koege_campaign,
        &[koege_company, stevns_company],
        app.now(),
    )
    .unwrap();
    assert_eq!(report.added, 1);
    CampaignTarget::add(
        &mut c,
        seed.other_jobcenter.id,
        stevns_campaign,
        &[stevns_company],
        app.now(),
    )
    .unwrap();
    drop(c);

    let committee = |body: &str| -> Option<String> {
        body.split("alle jobcentre</h2>")
            .nth(1)
            .map(|rest| rest.split("</section>").next().unwrap().to_string())
    };
    let koege_page = format!("/campaigns/{koege_campaign}");
    let stevns_page = format!("/campaigns/{stevns_campaign}");
    let before = lars.get(&koege_page).await.body;
    let view = committee(&before).expect("the committee view");
    assert!(view.contains("0 af 20 virksomheder besøgt"), "{view}");
    assert!(view.contains("Jobcenter Stevns") && view.contains("(jer)"));

    // A visit in either jobcenter moves the combined progress both managers see.
    visit(
        &app,
        seed.jobcenter.id,
        koege_company,
        seed.consultant.id,
        koege_campaign,
    );
    let view = committee(&lars.get(&koege_page).await.body).unwrap();
    assert!(view.contains("1 af 20 virksomheder besøgt"), "{view}");
    visit(
        &app,
        seed.other_jobcenter.id,
        stevns_company,
        region.ole.id,
        stevns_campaign,
    );
    let koege_sees = lars.get(&koege_page).await.body;
    assert!(
        committee(&koege_sees)
            .unwrap()
            .contains("2 af 20 virksomheder besøgt")
    );
    let stevns_sees = soren.get(&stevns_page).await.body;
    assert!(
        committee(&stevns_sees)
            .unwrap()
            .contains("2 af 20 virksomheder besøgt")
    );
    // The burn-up of all of them is drawn with its own ids beside the campaign's own.
    assert!(koege_sees.contains("id=\"cluster-burnup-title\""));
    assert!(koege_sees.contains("id=\"burnup-title\""));
    // Counts only: the neighbour's companies and notes are not on the page.
    assert!(!koege_sees.contains("Stevns Klint Bageri"));
    assert!(!koege_sees.contains("Referat, som bliver"));
    assert!(koege_sees.contains("Køge Maskinfabrik"));
    assert!(!stevns_sees.contains("Køge Maskinfabrik"));

    // The CSV says the same, per member and in total.
    let csv = lars
        .get(&format!("/campaigns/{koege_campaign}/cluster.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("Jobcenter Stevns;I gang;10;1;1;0;0;10 %"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("I alt;;20;2;2;0;0;10 %"), "{}", csv.body);
    assert!(!csv.body.contains("Stevns Klint Bageri"));

    // A consultant works the campaign without the committee view.
    let karen = app.signed_in("konsulent@koege.dk").await;
    let consultant_sees = karen.get(&koege_page).await.body;
    assert!(consultant_sees.contains("Køge Maskinfabrik"));
    assert!(committee(&consultant_sees).is_none());
    assert_eq!(
        karen
            .get(&format!("/campaigns/{koege_campaign}/cluster.csv"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Stevns leaves: from that moment neither side sees the other's figures.
    let left = soren
        .post(&format!("/admin/clusters/{}/leave", region.cluster), &[])
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    let view = committee(&lars.get(&koege_page).await.body).unwrap();
    assert!(!view.contains("Jobcenter Stevns"), "{view}");
    assert!(view.contains("1 af 10 virksomheder besøgt"), "{view}");
    let stevns_sees = soren.get(&stevns_page).await.body;
    assert!(committee(&stevns_sees).is_none());
    assert!(
        stevns_sees.contains("Stevns Klint Bageri"),
        "its own campaign stays"
    );
    assert_eq!(
        soren
            .get(&format!("/campaigns/{stevns_campaign}/cluster.csv"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
