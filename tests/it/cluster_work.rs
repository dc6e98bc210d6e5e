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
use jobcenter_crm::models::placement::{Placement, PlacementInput, PlacementKind, PlacementStatus};
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

fn visit(app: &TestApp, jobcenter_id: i64, company_id: i64, user_id: i64, campaign: Option<i64>) {
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
            campaign_id: campaign,
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

    // The creator's rename carries to the regional campaign every member sees.
    let mut edit = campaign_fields(&app, "Fleksjob på tværs 2027", seed.consultant.id);
    edit.push(("version".into(), "1".into()));
    let saved = post_fields(&lars, &format!("/campaigns/{koege_campaign}/edit"), &edit).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shared_name: String = regional_campaigns::table
        .find(regional)
        .select(regional_campaigns::name)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(shared_name, "Fleksjob på tværs 2027");

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
        Some(koege_campaign),
    );
    let view = committee(&lars.get(&koege_page).await.body).unwrap();
    assert!(view.contains("1 af 20 virksomheder besøgt"), "{view}");
    visit(
        &app,
        seed.other_jobcenter.id,
        stevns_company,
        region.ole.id,
        Some(stevns_campaign),
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
    assert!(stevns_sees.contains("regionale kampagne «Fleksjob på tværs 2027»"));
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

#[actix_web::test]
async fn a_request_handed_to_a_neighbour_reaches_its_fixed_contact_with_its_log_and_promise() {
    let app = app().await;
    let seed = app.seed();
    let region = region(&app, &seed);
    let cvr = crate::contact_support::cvr(7);
    // Stevns knows the company, with Ole as its fixed contact; Køge does not.
    app.add_company_with(
        seed.other_jobcenter.id,
        "Havnekiosken i Rødvig ApS",
        &cvr,
        Some(region.ole.id),
    );
    let mut fields = crate::contact_support::request_fields();
    crate::contact_support::set(&mut fields, "cvr", &cvr);
    let visitor = app.client();
    let sent = app.fill_in(&visitor, "/kontakt/koege", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let request = app.only_request();
    assert_eq!(request.jobcenter_id, seed.jobcenter.id);
    let page = format!("/requests/{}", request.id);
    let hand_over = format!("{page}/hand-over");

    let karen = app.signed_in("konsulent@koege.dk").await;
    assert!(karen.get(&page).await.body.contains(&hand_over));
    let form = karen.get(&hand_over).await.body;
    assert!(
        form.contains("Jobcenter Stevns</strong> kender virksomheden – fast kontakt: Ole Stevns"),
        "{form}"
    );
    let stevns = seed.other_jobcenter.id.to_string();
    assert!(
        form.contains(&format!("<option value=\"{stevns}\" selected")),
        "the partner that knows the company is chosen: {form}"
    );
    assert!(!form.contains("Jobcenter Solrød"));

    // Without a note, or to the outsider, it is refused with the note kept.
    let refused = karen
        .post(&hand_over, &[("to", stevns.as_str()), ("note", "  ")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Skriv en besked til jobcentret"));
    let solrod = region.solrod.id.to_string();
    let note = "Kiosken ligger i Rødvig; de har fået at vide, at I ringer.";
    let refused = karen
        .post(&hand_over, &[("to", solrod.as_str()), ("note", note)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Vælg et jobcenter, I er i klynge med.")
    );
    assert!(
        refused
            .body
            .contains("Kiosken ligger i Rødvig; de har fået at vide, at I ringer.")
    );
    // Solrød invited to a cluster with Køge but not accepting is no partner either.
    let mut c = app.conn();
    let pending = Cluster::create(
        &mut c,
        "Køge Bugt",
        &[seed.jobcenter.id, region.solrod.id],
        app.now(),
    )
    .unwrap()
    .id;
    Cluster::accept(&mut c, seed.jobcenter.id, pending, seed.admin.id, app.now()).unwrap();
    drop(c);
    let refused = karen
        .post(&hand_over, &[("to", solrod.as_str()), ("note", note)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.only_request().jobcenter_id, seed.jobcenter.id);

    let handed = karen
        .post(&hand_over, &[("to", stevns.as_str()), ("note", note)])
        .await;
    assert_eq!(handed.status, StatusCode::SEE_OTHER, "{}", handed.body);
    assert_eq!(handed.location(), "/requests");
    // Gone from Køge: the page, the inbox and the hand-over form.
    assert_eq!(karen.get(&page).await.status, StatusCode::NOT_FOUND);
    let inbox = karen.get("/requests").await.body;
    assert!(
        inbox
            .contains("Henvendelsen fra Køge Havnekiosk ApS er givet videre til Jobcenter Stevns."),
        "{inbox}"
    );
    let inbox = karen.get("/requests").await.body;
    assert!(!inbox.contains("Køge Havnekiosk"), "{inbox}");
    assert_eq!(karen.get(&hand_over).await.status, StatusCode::NOT_FOUND);

    // In Stevns: routed to the company's fixed contact, told by mail, the log with it, and
    // the clock still running from when the company wrote.
    let moved = app.only_request();
    assert_eq!(moved.jobcenter_id, seed.other_jobcenter.id);
    assert_eq!(moved.assigned_to, Some(region.ole.id));
    assert_eq!(moved.received_at, request.received_at);
    assert!(moved.company_id.is_some());
    let ole = app.signed_in("ole@stevns.dk").await;
    assert!(ole.get("/requests").await.body.contains("Køge Havnekiosk"));
    let theirs = ole.get(&page).await.body;
    assert!(
        theirs.contains("Givet videre: til Jobcenter Stevns: Kiosken ligger i Rødvig"),
        "{theirs}"
    );
    assert!(theirs.contains(
        "Modtaget fra et jobcenter i klyngen: fra Jobcenter Køge, der har lovet svar senest"
    ));
    assert!(theirs.contains("Modtaget: via kontaktformularen"));
    // Without the sender's people: who handed it over stays in Køge.
    assert!(!theirs.contains("Karen Konsulent"), "{theirs}");
    assert!(app.mails().iter().any(
        |m| m.to_address == "ole@stevns.dk" && m.jobcenter_id == Some(seed.other_jobcenter.id)
    ));
    // Both audit logs say so.
    let audit = |jc: i64, what: &str| -> i64 {
        use jobcenter_crm::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::jobcenter_id.eq(jc))
            .filter(audit_log::action.eq(what))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(audit(seed.jobcenter.id, "request_handed_over"), 1);
    assert_eq!(audit(seed.other_jobcenter.id, "request_handed_in"), 1);
    // The inbox badges moved with it: nothing open in Køge, one assigned in Stevns.
    let open = |jc: i64| -> i64 {
        use jobcenter_crm::db::schema::contact_request_counts as k;
        k::table
            .filter(k::jobcenter_id.eq(jc))
            .filter(k::status.eq_any(["new", "assigned"]))
            .select(k::n)
            .load::<i64>(&mut app.conn())
            .unwrap()
            .iter()
            .sum()
    };
    assert_eq!(
        (open(seed.jobcenter.id), open(seed.other_jobcenter.id)),
        (0, 1)
    );

    // Stevns can work it, but not hand a closed request on, and once Stevns has left the
    // cluster nothing goes either way.
    let back = ole
        .post(
            &hand_over,
            &[
                ("to", seed.jobcenter.id.to_string().as_str()),
                ("note", "Retur"),
            ],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(app.only_request().jobcenter_id, seed.jobcenter.id);
    let soren = app.signed_in("admin@stevns.dk").await;
    soren.get("/admin/clusters").await;
    let left = soren
        .post(&format!("/admin/clusters/{}/leave", region.cluster), &[])
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    let back_home = karen.get(&page).await.body;
    assert!(!back_home.contains(&hand_over), "{back_home}");
    let refused = karen
        .post(&hand_over, &[("to", stevns.as_str()), ("note", note)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.only_request().jobcenter_id, seed.jobcenter.id);
    karen.post(&format!("{page}/close"), &[]).await;
    // A closed request does not open the form either: back to its page with why.
    let form = karen.get(&hand_over).await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert_eq!(form.location(), page);
    assert!(
        karen
            .get(&page)
            .await
            .body
            .contains("Kun en åben henvendelse")
    );
    let closed = karen
        .post(&hand_over, &[("to", stevns.as_str()), ("note", note)])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(closed.location(), page);
    assert_eq!(app.only_request().jobcenter_id, seed.jobcenter.id);
}

fn placement(app: &TestApp, jobcenter_id: i64, company_id: i64, user_id: i64, kind: PlacementKind) {
    Placement::create(
        &mut app.conn(),
        jobcenter_id,
        &PlacementInput {
            company_id,
            user_id,
            kind,
            citizen_ref: "SAG-HEMMELIG-17".into(),
            hours_per_week: 10.0,
            start_on: app.now().date(),
            end_on: None,
            status: PlacementStatus::Active,
            result: None,
            campaign_id: None,
            note: "Borgerens note, som bliver i jobcentret".into(),
        },
        app.now(),
    )
    .unwrap();
}

/// The counts of a jobcenter's line on the cluster's figures page, as the cells read.
fn line_of(page: &str, jobcenter: &str) -> Option<Vec<String>> {
    let row = page
        .split("<tr>")
        .skip(1)
        .find(|r| r.contains(&format!(">{jobcenter}<")))?;
    Some(
        row.split("<td")
            .skip(1)
            .filter_map(|cell| Some(cell.split('>').nth(1)?.split('<').next()?.to_string()))
            .filter(|cell| cell.chars().all(|c| c.is_ascii_digit()))
            .collect(),
    )
}

#[actix_web::test]
async fn the_clusters_figures_count_each_member_and_show_no_rows() {
    let app = app().await;
    let seed = app.seed();
    let region = region(&app, &seed);
    let koege = app.add_company(&seed.jobcenter, "Køge Maskinfabrik A/S").id;
    let other = app.add_company(&seed.jobcenter, "Køge Tømrerne ApS").id;
    let stevns = app
        .add_company(&seed.other_jobcenter, "Stevns Klint Bageri ApS")
        .id;
    let rk = (seed.jobcenter.id, seed.consultant.id);
    let rs = (seed.other_jobcenter.id, region.ole.id);
    // No campaign: plain visits (two at one company, one at another) and placements.
    for company in [koege, koege, other] {
        visit(&app, rk.0, company, rk.1, None);
    }
    placement(&app, rk.0, koege, rk.1, PlacementKind::Smaajob);
    placement(&app, rk.0, other, rk.1, PlacementKind::Fleksjob);
    placement(&app, rs.0, stevns, rs.1, PlacementKind::Smaajob);

    let path = format!("/clusters/{}/figures", region.cluster);
    let lars = app.signed_in("leder@koege.dk").await;
    let page = lars.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    // Besøg, virksomheder, småjob, fleksjob, praktik, løntilskud, ordinært, i alt.
    assert_eq!(
        line_of(&page.body, "Jobcenter Køge").unwrap(),
        ["3", "2", "1", "1", "0", "0", "0", "2"],
        "{}",
        page.body
    );
    assert_eq!(
        line_of(&page.body, "Jobcenter Stevns").unwrap(),
        ["0", "0", "1", "0", "0", "0", "0", "1"]
    );
    assert_eq!(
        line_of(&page.body, "I alt").unwrap(),
        ["3", "2", "2", "1", "0", "0", "0", "3"]
    );
    for secret in [
        "Køge Maskinfabrik",
        "Stevns Klint",
        "SAG-HEMMELIG",
        "Borgerens note",
        "Referat",
    ] {
        assert!(!page.body.contains(secret), "{secret}");
    }
    // The overview leads there.
    assert!(lars.get("/dashboard").await.body.contains(&path));

    // Managers only; the outsider and a member that left see nothing.
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(karen.get(&path).await.status, StatusCode::FORBIDDEN);
    let sara = app.signed_in("admin@solrod.dk").await;
    assert_eq!(sara.get(&path).await.status, StatusCode::NOT_FOUND);
    let soren = app.signed_in("admin@stevns.dk").await;
    assert_eq!(soren.get(&path).await.status, StatusCode::OK);
    soren.get("/admin/clusters").await;
    soren
        .post(&format!("/admin/clusters/{}/leave", region.cluster), &[])
        .await;
    assert_eq!(soren.get(&path).await.status, StatusCode::NOT_FOUND);
    let after = lars.get(&path).await.body;
    assert!(line_of(&after, "Jobcenter Stevns").is_none());
    assert!(line_of(&after, "Jobcenter Køge").is_some());
    assert!(!sara.get("/dashboard").await.body.contains(&path));
    assert!(!soren.get("/dashboard").await.body.contains(&path));
}

#[actix_web::test]
async fn the_company_list_finds_the_companies_a_neighbour_knows_and_only_while_in_the_cluster() {
    use jobcenter_crm::db::schema::companies;
    let app = app().await;
    let seed = app.seed();
    let region = region(&app, &seed);
    let (shared, other) = (
        crate::contact_support::cvr(11),
        crate::contact_support::cvr(12),
    );
    let (koege, stevns, solrod) = (seed.jobcenter.id, seed.other_jobcenter.id, region.solrod.id);
    app.add_company_with(koege, "Fælles Fiskehandel ApS", &shared, None);
    app.add_company_with(koege, "Kun Køges Kro ApS", &other, None);
    app.add_company_with(stevns, "Fælles Fiskehandel (Stevns)", &shared, None);
    app.add_company_with(solrod, "Fælles Fiskehandel (Solrød)", &shared, None);
    // Two workplaces of one company with different P-numbers are not the same.
    let workplace = app
        .add_company_with(
            koege,
            "Køge Byg, afd. Havnen",
            &crate::contact_support::cvr(13),
            None,
        )
        .id;
    let theirs = app
        .add_company_with(
            stevns,
            "Køge Byg, afd. Stevns",
            &crate::contact_support::cvr(13),
            None,
        )
        .id;
    for (id, p) in [(workplace, "1000000001"), (theirs, "1000000002")] {
        diesel::update(companies::table.find(id))
            .set(companies::p_number.eq(p))
            .execute(&mut app.conn())
            .unwrap();
    }

    let karen = app.signed_in("konsulent@koege.dk").await;
    let all = karen.get("/companies").await.body;
    assert!(all.contains("Virksomheder, som en nabo kender"));
    let known = karen.get("/companies?neighbour=1").await.body;
    assert!(known.contains("Fælles Fiskehandel ApS"), "{known}");
    assert!(!known.contains("Kun Køges Kro"));
    assert!(!known.contains("Køge Byg"));
    assert!(
        !known.contains("(Stevns)"),
        "the neighbour's own record is not listed"
    );
    let lars = app.signed_in("leder@koege.dk").await;
    let csv = lars.get("/companies.csv?neighbour=1").await.body;
    assert!(csv.contains("Fælles Fiskehandel ApS") && !csv.contains("Kun Køges Kro"));

    // The outsider has no neighbours: no filter to choose, and nothing found with it.
    let sara = app.signed_in("admin@solrod.dk").await;
    assert!(
        !sara
            .get("/companies")
            .await
            .body
            .contains("som en nabo kender")
    );
    let none = sara.get("/companies?neighbour=1").await.body;
    assert!(!none.contains("Fælles Fiskehandel"), "{none}");

    // Leaving ends it at once.
    let soren = app.signed_in("admin@stevns.dk").await;
    soren.get("/admin/clusters").await;
    soren
        .post(&format!("/admin/clusters/{}/leave", region.cluster), &[])
        .await;
    let after = karen.get("/companies?neighbour=1").await.body;
    assert!(!after.contains("Fælles Fiskehandel ApS"), "{after}");
}

/// What Stevns keeps to itself; none of it may reach a page, export, API answer or calendar
/// feed of Køge (its partner) or Solrød (outside).
const STEVNS_SECRETS: &[&str] = &[
    "7731",
    "Hemmeligt Stevnsnavn",
    "Gudrun Hemmelig",
    "gudrun@hemmelig.dk",
    "Stevnsk Kontakt",
];

/// Stevns's own records of the company Køge knows too, each carrying a secret.
fn stevns_secrets(app: &TestApp, seed: &Seed, ole: &User, cvr: &str) -> i64 {
    use jobcenter_crm::models::audit::NewAuditEntry;
    use jobcenter_crm::models::campaign::{Campaign, CampaignInput, CampaignStatus};
    use jobcenter_crm::models::contact_person::{ContactPerson, ContactPersonForm};
    use jobcenter_crm::models::need::{Need, NeedForm, Referral, ReferralForm};
    let jc = seed.other_jobcenter.id;
    let now = app.now();
    let company = app
        .add_company_with(jc, "Hemmeligt Stevnsnavn A/S", cvr, Some(ole.id))
        .id;
    let mut c = app.conn();
    diesel::update(jobcenter_crm::db::schema::companies::table.find(company))
        .set(jobcenter_crm::db::schema::companies::notes.eq("STEVNS-NOTE-7731"))
        .execute(&mut c)
        .unwrap();
    ContactPerson::create(
        &mut c,
        jc,
        company,
        &ContactPersonForm {
            name: "Gudrun Hemmelig".into(),
            email: "gudrun@hemmelig.dk".into(),
            ..Default::default()
        }
        .validate()
        .unwrap(),
        now,
    )
    .unwrap();
    let campaign = Campaign::create(
        &mut c,
        jc,
        &CampaignInput {
            name: "STEVNS-KAMPAGNE-7731".into(),
            purpose: String::new(),
            topics: Vec::new(),
            start_on: now.date(),
            end_on: now.date() + Days::new(30),
            target_companies: 5,
            target_placements: None,
            status: CampaignStatus::Running,
            consultant_ids: vec![ole.id],
            regional: Default::default(),
        },
        now,
    )
    .unwrap()
    .id;
    CampaignTarget::add(&mut c, jc, campaign, &[company], now).unwrap();
    Activity::create(
        &mut c,
        jc,
        &ActivityInput {
            company_id: company,
            user_id: ole.id,
            kind: ActivityKind::Visit,
            occurred_on: now.date(),
            topics: Vec::new(),
            summary: "STEVNS-REFERAT-7731".into(),
            outcome: None,
            campaign_id: Some(campaign),
            contact_person_id: None,
            follow_up_on: Some(now.date()),
            follow_up_note: "STEVNS-OPFØLGNING-7731".into(),
            follow_up_done: false,
        },
        now,
    )
    .unwrap();
    Placement::create(
        &mut c,
        jc,
        &PlacementInput {
            company_id: company,
            user_id: ole.id,
            kind: PlacementKind::Fleksjob,
            citizen_ref: "STEVNS-SAG-7731".into(),
            hours_per_week: 12.0,
            start_on: now.date(),
            end_on: None,
            status: PlacementStatus::Active,
            result: None,
            campaign_id: None,
            note: "STEVNS-FORLØB-7731".into(),
        },
        now,
    )
    .unwrap();
    let rules = jobcenter_crm::models::settings::Settings::defaults(jc);
    let need = NeedForm {
        company_id: company.to_string(),
        user_id: ole.id.to_string(),
        title: "STEVNS-BEHOV-7731".into(),
        positions: "1".into(),
        hours_per_week: "20".into(),
        kind: "ordinary".into(),
        received_on: now.date().to_string(),
        ..Default::default()
    }
    .validate(&rules)
    .unwrap();
    let need = Need::create(&mut c, jc, ole.id, &need, now).unwrap();
    let referral = ReferralForm {
        citizen_ref: "STEVNS-HENVIST-7731".into(),
        referred_on: now.date().to_string(),
        user_id: ole.id.to_string(),
        outcome: "sent".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    Referral::save(&mut c, jc, &need, None, &referral, now).unwrap();
    NewAuditEntry {
        jobcenter_id: Some(jc),
        user_id: Some(ole.id),
        action: "company_updated",
        entity: "company",
        entity_id: Some(company),
        details: "STEVNS-AUDIT-7731".into(),
        created_at: now,
        ..Default::default()
    }
    .insert(&mut c)
    .unwrap();
    company
}

/// Every page a member of staff of `jobcenter` can open (each route of the route table with
/// its records), with `extra` paths, as `emails` see them; and the JSON API and calendar feed.
async fn everything_seen_by(
    app: &TestApp,
    records: &crate::routes::Records,
    emails: &[&str],
    extra: &[String],
    api_token: &str,
) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for email in emails {
        let client = app.signed_in(email).await;
        let mut paths: Vec<String> = crate::routes::ROUTES
            .iter()
            .filter(|(method, _, who, _)| *method == "GET" && *who != crate::routes::Who::Public)
            .map(|(_, _, _, path)| records.fill(path))
            .collect();
        paths.extend(extra.iter().cloned());
        for path in paths {
            let body = client.get(&path).await.body;
            seen.push((format!("{email} GET {path}"), body));
        }
        // Their calendar feed.
        let page = client.post("/calendar-feed", &[]).await.body;
        let at = page
            .find("http://localhost/calendar/")
            .expect("the feed address");
        let end = at + page[at..].find('"').unwrap();
        let path = page[at..end]
            .trim_start_matches("http://localhost")
            .to_string();
        let feed = app.client().get(&path).await;
        assert_eq!(feed.status, StatusCode::OK);
        seen.push((format!("{email} calendar feed"), feed.body));
    }
    for path in [
        "/api/v1/companies",
        "/api/v1/companies.csv",
        "/api/v1/activities",
        "/api/v1/placements",
        "/api/v1/requests",
        "/api/v1/needs",
        "/api/v1/campaigns",
        "/api/v1/staff",
        &format!("/api/v1/companies/{}", records.company),
        &format!("/api/v1/companies/{}/contacts", records.company),
        &format!("/api/v1/campaigns/{}/targets", records.campaign),
    ] {
        let (res, _) = crate::api::call(app, "GET", path, Some(api_token), None, &[]).await;
        seen.push((format!("API GET {path} ({})", res.status), res.body));
    }
    seen
}

#[actix_web::test]
async fn nothing_of_a_partners_notes_persons_placements_or_requests_crosses_the_border() {
    use jobcenter_crm::models::api_token::{ApiToken, TokenInput};
    use jobcenter_crm::models::campaign::{Campaign, CampaignInput, CampaignStatus, Regional};
    let app = app().await;
    let seed = app.seed();
    let region = region(&app, &seed);
    let cvr = crate::contact_support::cvr(21);
    // Køge knows the company too; the cluster shares who serves it.
    let shared = app
        .add_company_with(
            seed.jobcenter.id,
            "Fælles Virksomhed A/S",
            &cvr,
            Some(seed.consultant.id),
        )
        .id;
    stevns_secrets(&app, &seed, &region.ole, &cvr);
    // A request from the company to Stevns.
    let mut fields = crate::contact_support::request_fields();
    crate::contact_support::set(&mut fields, "cvr", &cvr);
    crate::contact_support::set(&mut fields, "contact_name", "Stevnsk Kontakt");
    crate::contact_support::set(&mut fields, "message", "STEVNS-HENVENDELSE-7731");
    let sent = app.fill_in(&app.client(), "/kontakt/stevns", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    // A regional campaign both joined, with Stevns's company on Stevns's list.
    let mut c = app.conn();
    let input = |regional| CampaignInput {
        name: "Fælles kampagne".into(),
        purpose: String::new(),
        topics: Vec::new(),
        start_on: app.now().date(),
        end_on: app.now().date() + Days::new(30),
        target_companies: 5,
        target_placements: None,
        status: CampaignStatus::Running,
        consultant_ids: Vec::new(),
        regional,
    };
    let koege_part = Campaign::create(
        &mut c,
        seed.jobcenter.id,
        &input(Regional::For(region.cluster)),
        app.now(),
    )
    .unwrap();
    let stevns_part = Campaign::create(
        &mut c,
        seed.other_jobcenter.id,
        &input(Regional::Join(koege_part.regional_campaign_id.unwrap())),
        app.now(),
    )
    .unwrap();
    let stevns_company: i64 = jobcenter_crm::db::schema::companies::table
        .filter(jobcenter_crm::db::schema::companies::name.eq("Hemmeligt Stevnsnavn A/S"))
        .select(jobcenter_crm::db::schema::companies::id)
        .first(&mut c)
        .unwrap();
    CampaignTarget::add(
        &mut c,
        seed.other_jobcenter.id,
        stevns_part.id,
        &[stevns_company],
        app.now(),
    )
    .unwrap();
    drop(c);

    let koege = crate::routes::records(
        &app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let token = |jc: i64, user: i64| {
        let input = TokenInput {
            name: "Tjek".into(),
            can_write: false,
            expires_at: app.now() + chrono::TimeDelta::days(30),
        };
        ApiToken::create(&mut app.conn(), jc, user, &input, app.now())
            .unwrap()
            .1
    };
    // The sharing is on: Køge's page of the company names Stevns's fixed contact.
    let lars = app.signed_in("leder@koege.dk").await;
    let page = lars.get(&format!("/companies/{shared}")).await.body;
    assert!(
        page.contains("Kendt i klyngen") && page.contains("Ole Stevns"),
        "{page}"
    );

    let extra: Vec<String> = [
        format!("/companies/{shared}"),
        "/companies?q=STEVNS-NOTE".into(),
        "/companies?q=Hemmeligt".into(),
        "/companies?neighbour=1".into(),
        "/companies.csv?neighbour=1".into(),
        "/activities?q=STEVNS-REFERAT".into(),
        format!("/campaigns/{}", koege_part.id),
        format!("/campaigns/{}/cluster.csv", koege_part.id),
        format!("/clusters/{}/figures", region.cluster),
        format!("/requests/{}/hand-over", koege.request),
        "/dashboard.csv?table=work".into(),
    ]
    .into_iter()
    .collect();
    let seen = everything_seen_by(
        &app,
        &koege,
        &["admin@koege.dk", "leder@koege.dk", "konsulent@koege.dk"],
        &extra,
        &token(seed.jobcenter.id, seed.admin.id),
    )
    .await;
    assert!(seen.len() > 150, "{}", seen.len());
    // The committee view is there, with Stevns's counts and not its company.
    let committee = &seen
        .iter()
        .find(|(what, _)| {
            what.contains(&format!("leder@koege.dk GET /campaigns/{}", koege_part.id))
        })
        .unwrap()
        .1;
    assert!(committee.contains("Jobcenter Stevns"), "{committee}");
    let mut crossed = Vec::new();
    for (what, body) in &seen {
        for secret in STEVNS_SECRETS {
            if body.contains(secret) {
                crossed.push(format!("{what} shows «{secret}»"));
            }
        }
    }
    assert!(crossed.is_empty(), "{}", crossed.join("\n"));

    // Solrød, outside the cluster, sees nothing of either, nor that they know the company.
    let solrod_consultant = app.add_user(
        &region.solrod,
        "konsulent@solrod.dk",
        "Sif Solrød",
        Role::Consultant,
    );
    let solrod_manager = app.add_user(
        &region.solrod,
        "leder@solrod.dk",
        "Sune Solrød",
        Role::Manager,
    );
    app.add_company_with(region.solrod.id, "Fælles Virksomhed (Solrød)", &cvr, None);
    let solrod = crate::routes::records(
        &app,
        "solrod",
        region.solrod.id,
        solrod_consultant.id,
        solrod_manager.id,
    )
    .await;
    let seen = everything_seen_by(
        &app,
        &solrod,
        &["admin@solrod.dk", "leder@solrod.dk", "konsulent@solrod.dk"],
        &[
            "/companies?neighbour=1".to_string(),
            format!("/clusters/{}/figures", region.cluster),
        ],
        &token(region.solrod.id, solrod_manager.id),
    )
    .await;
    let mut crossed = Vec::new();
    for (what, body) in &seen {
        for secret in STEVNS_SECRETS.iter().chain(&[
            "Jobcenter Stevns",
            "Jobcenter Køge",
            "Ole Stevns",
            "Fælles kampagne",
            "Sydsjælland",
        ]) {
            if body.contains(secret) {
                crossed.push(format!("{what} shows «{secret}»"));
            }
        }
    }
    assert!(crossed.is_empty(), "{}", crossed.join("\n"));
}
