//! Campaigns: planning by ISO week, the target list, progress that moves by itself.

use crate::common;
use crate::common::{Client, TestApp, app};
use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{campaign_targets, campaigns, companies};
use jobcenter_crm::models::user::Role;

fn campaign_fields(consultants: &[String]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("name".into(), "Småjob og fleksjob i Køge".into()),
        (
            "purpose".into(),
            "Start en dialog om småjob og fleksjob.".into(),
        ),
        ("start".into(), "uge 41 2026".into()),
        ("end".into(), "uge 49".into()),
        ("target_companies".into(), "50".into()),
        ("target_placements".into(), "10".into()),
        ("status".into(), "running".into()),
        ("topic_smaajob".into(), "1".into()),
        ("topic_fleksjob".into(), "1".into()),
    ];
    for c in consultants {
        f.push((format!("consultant_{c}"), "1".into()));
    }
    f
}

async fn post_owned(client: &Client<'_>, path: &str, fields: &[(String, String)]) -> common::Resp {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &borrowed).await
}

struct Setup {
    campaign_id: i64,
    consultants: Vec<i64>,
}

/// A running campaign for weeks 41–49 of 2026 with three consultants and `companies` targets.
async fn running_campaign(
    app: &TestApp,
    manager: &Client<'_>,
    seed: &common::Seed,
    companies: usize,
) -> Setup {
    let mads = app.add_user(
        &seed.jobcenter,
        "mads@koege.dk",
        "Mads Madsen",
        Role::Consultant,
    );
    let consultants = vec![seed.consultant.id, seed.manager.id, mads.id];
    let ids: Vec<String> = consultants.iter().map(|i| i.to_string()).collect();
    manager.get("/campaigns/new").await;
    let res = post_owned(manager, "/campaigns", &campaign_fields(&ids)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let campaign_id: i64 = res
        .location()
        .trim_start_matches("/campaigns/")
        .parse()
        .unwrap();
    for i in 0..companies {
        app.add_company(&seed.jobcenter, &format!("Målvirksomhed {i:02}"));
    }
    if companies > 0 {
        manager
            .get(&format!(
                "/campaigns/{campaign_id}/targets/add?q=m%C3%A5lvirksomhed"
            ))
            .await;
        let res = manager
            .post(
                &format!("/campaigns/{campaign_id}/targets/add"),
                &[("pick", "all"), ("q", "målvirksomhed")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    Setup {
        campaign_id,
        consultants,
    }
}

/// "Find" with every filter left empty lists the whole register, and "add all" then adds it.
#[actix_web::test]
async fn an_empty_search_lists_and_adds_the_whole_register() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 0).await;
    for name in ["Bageriet Nord", "Maskinfabrikken Syd", "Plejecentret Øst"] {
        app.add_company(&seed.jobcenter, name);
    }
    let add = format!("/campaigns/{}/targets/add", setup.campaign_id);
    let untouched = manager.get(&add).await;
    assert!(!untouched.body.contains("virksomheder matcher"));
    let found = manager
        .get(&format!("{add}?q=&status=&postcode=&industry=&employees="))
        .await;
    assert!(
        found.body.contains("3 virksomheder matcher"),
        "{}",
        found.body
    );
    for name in ["Bageriet Nord", "Maskinfabrikken Syd", "Plejecentret Øst"] {
        assert!(found.body.contains(name), "{name} missing");
    }
    let res = manager
        .post(&add, &[("pick", "all"), ("q", ""), ("status", "")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    assert!(page.body.contains("3 på listen"), "{}", page.body);
}

#[actix_web::test]
async fn a_manager_plans_a_campaign_in_iso_weeks() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let form = manager.get("/campaigns/new").await;
    assert!(form.body.contains(r#"<label for="start">Fra</label>"#));
    let setup = running_campaign(&app, &manager, &seed, 0).await;
    let page = manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "uge 41–49",
        "05-10-2026",
        "06-12-2026",
        "0 af 50 virksomheder besøgt",
        "Småjob, Fleksjob",
        "Kampagnen er oprettet",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let (start, end): (chrono::NaiveDate, chrono::NaiveDate) = campaigns::table
        .select((campaigns::start_on, campaigns::end_on))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (start.to_string(), end.to_string()),
        ("2026-10-05".into(), "2026-12-06".into())
    );
    let list = manager.get("/campaigns").await;
    assert!(list.body.contains("Småjob og fleksjob i Køge") && list.body.contains("uge 41–49"));
}

#[actix_web::test]
async fn a_campaign_across_new_year_and_bad_periods() {
    let app = app().await;
    app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/campaigns/new").await;
    let mut f = campaign_fields(&[]);
    f[2].1 = "uge 50 2026".into();
    f[3].1 = "uge 3".into();
    let res = post_owned(&manager, "/campaigns", &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = manager.get(res.location()).await;
    assert!(page.body.contains("uge 50 2026 – uge 3 2027"));
    assert!(page.body.contains("07-12-2026") && page.body.contains("24-01-2027"));

    manager.get("/campaigns/new").await;
    let mut bad = campaign_fields(&[]);
    bad[0].1 = "".into();
    bad[2].1 = "uge 54".into();
    bad[4].1 = "mange".into();
    let res = post_owned(&manager, "/campaigns", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Giv kampagnen et navn."));
    assert!(res.body.contains("Skriv en uge (fx uge 41)"));
    assert!(res.body.contains("Skriv hvor mange virksomheder"));
    let mut backwards = campaign_fields(&[]);
    backwards[2].1 = "01-12-2026".into();
    backwards[3].1 = "01-11-2026".into();
    let res = post_owned(&manager, "/campaigns", &backwards).await;
    assert!(
        res.body
            .contains("Kampagnen kan ikke slutte, før den begynder.")
    );
    let count: i64 = campaigns::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 1);
}

#[actix_web::test]
async fn consultants_cannot_create_campaigns_and_see_only_their_own() {
    let app = app().await;
    let seed = app.seed();
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(
        karen.get("/campaigns/new").await.status,
        StatusCode::FORBIDDEN
    );
    karen.get("/").await;
    let res = post_owned(&karen, "/campaigns", &campaign_fields(&[])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/campaigns/new").await;
    let res = post_owned(
        &manager,
        "/campaigns",
        &campaign_fields(&[seed.manager.id.to_string()]),
    )
    .await;
    let path = res.location().to_string();
    assert_eq!(
        karen.get(&path).await.status,
        StatusCode::FORBIDDEN,
        "not on the campaign"
    );
    assert!(
        !karen
            .get("/campaigns")
            .await
            .body
            .contains("Småjob og fleksjob i Køge")
    );
    assert_eq!(
        karen.get(&format!("{path}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn targets_are_split_evenly_between_three_consultants() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 10).await;
    let page = manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    assert!(page.body.contains("10 på listen"));
    // Adding the same companies again doubles nothing.
    manager
        .get(&format!("/campaigns/{}/targets/add", setup.campaign_id))
        .await;
    manager
        .post(
            &format!("/campaigns/{}/targets/add", setup.campaign_id),
            &[("pick", "all"), ("q", "målvirksomhed")],
        )
        .await;
    let res = manager
        .post(
            &format!("/campaigns/{}/targets/split", setup.campaign_id),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = manager.get(res.location()).await;
    assert!(
        page.body
            .contains("10 virksomheder er fordelt mellem konsulenterne.")
    );
    let assigned: Vec<Option<i64>> = campaign_targets::table
        .select(campaign_targets::assigned_to)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(assigned.len(), 10);
    let counts: Vec<usize> = setup
        .consultants
        .iter()
        .map(|id| assigned.iter().filter(|a| **a == Some(*id)).count())
        .collect();
    assert_eq!(counts.iter().sum::<usize>(), 10);
    assert!(
        counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1,
        "{counts:?}"
    );
    // Each row of the list names its consultant.
    for name in ["Karen Konsulent", "Lars Leder", "Mads Madsen"] {
        assert!(
            page.body
                .contains(&format!(r#"<td data-label="Konsulent">{name}</td>"#)),
            "{name}"
        );
    }
    assert!(!page.body.contains("Ikke fordelt"));

    // A consultant sees their share on the start page, not-contacted first.
    let karen = app.signed_in("konsulent@koege.dk").await;
    let home = karen.get("/").await;
    assert!(home.body.contains("Dine kampagnevirksomheder"));
    assert_eq!(home.body.matches("Ikke kontaktet").count(), counts[0]);
}

#[actix_web::test]
async fn a_visit_for_the_campaign_moves_the_target_and_the_chart() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 3).await;
    manager
        .post(
            &format!("/campaigns/{}/targets/split", setup.campaign_id),
            &[],
        )
        .await;
    let (target_company, assigned): (i64, Option<i64>) = campaign_targets::table
        .filter(campaign_targets::assigned_to.eq(seed.consultant.id))
        .select((campaign_targets::company_id, campaign_targets::assigned_to))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(assigned, Some(seed.consultant.id));

    let before = manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    assert!(before.body.contains("0 af 50 virksomheder besøgt"));
    let karen = app.signed_in("konsulent@koege.dk").await;
    let form = karen
        .get(&format!("/activities/new?company={target_company}"))
        .await;
    assert!(
        form.body.contains(&format!(
            r#"<option value="{}" selected>Småjob og fleksjob i Køge</option>"#,
            setup.campaign_id
        )),
        "the running campaign is preselected"
    );
    let today = jobcenter_crm::web::views::local_date(app.now()).to_string();
    let cid = target_company.to_string();
    let camp = setup.campaign_id.to_string();
    let me = seed.consultant.id.to_string();
    let res = karen
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("user_id", &me),
                ("kind", "visit"),
                ("occurred_on", &today),
                ("campaign_id", &camp),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let status: String = campaign_targets::table
        .filter(campaign_targets::company_id.eq(target_company))
        .select(campaign_targets::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "visited");
    let after = manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    assert!(after.body.contains("1 af 50 virksomheder besøgt"));
    assert!(
        after.body.contains("1 indtil nu"),
        "the chart's text alternative counts the visit"
    );
    let week = chrono::Datelike::iso_week(&jobcenter_crm::web::views::local_date(app.now())).week();
    assert!(
        after
            .body
            .contains(&format!("<tr><th scope=\"row\">{week}</th><td>")),
        "this week is in the table"
    );

    // A call to another company on the list moves it to contacted only.
    let (other_company,): (i64,) = campaign_targets::table
        .filter(campaign_targets::company_id.ne(target_company))
        .select((campaign_targets::company_id,))
        .first(&mut app.conn())
        .unwrap();
    let oc = other_company.to_string();
    karen.get(&format!("/activities/new?company={oc}")).await;
    karen
        .post(
            "/activities",
            &[
                ("company_id", oc.as_str()),
                ("user_id", &me),
                ("kind", "phone"),
                ("occurred_on", &today),
                ("campaign_id", &camp),
            ],
        )
        .await;
    let status: String = campaign_targets::table
        .filter(campaign_targets::company_id.eq(other_company))
        .select(campaign_targets::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "contacted");

    // The SVG is well-formed and labelled.
    let start = after.body.find("<svg").unwrap();
    let end = after.body.find("</svg>").unwrap() + 6;
    let svg = &after.body[start..end];
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .expect("a title");
    assert_eq!(title.text(), Some("Besøgte virksomheder pr. uge"));
    assert!(root.children().any(|n| n.has_tag_name("desc")));
}

#[actix_web::test]
async fn a_placement_for_the_campaign_makes_an_agreement_and_declined_stays_declined() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 2).await;
    let targets: Vec<(i64, i64)> = campaign_targets::table
        .order(campaign_targets::id)
        .select((campaign_targets::id, campaign_targets::company_id))
        .load(&mut app.conn())
        .unwrap();
    let (cid, camp, me) = (
        targets[0].1.to_string(),
        setup.campaign_id.to_string(),
        seed.manager.id.to_string(),
    );
    manager.get(&format!("/placements/new?company={cid}")).await;
    let res = manager
        .post(
            "/placements",
            &[
                ("company_id", cid.as_str()),
                ("user_id", &me),
                ("kind", "smaajob"),
                ("citizen_ref", "SAG-1"),
                ("hours_per_week", "8"),
                ("start_on", "2026-11-01"),
                ("status", "active"),
                ("campaign_id", &camp),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let status: String = campaign_targets::table
        .find(targets[0].0)
        .select(campaign_targets::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "agreement");
    let page = manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    assert!(page.body.contains("1 af 10 forløb"));
    assert!(
        page.body.contains("Forløb fra kampagnen") && page.body.contains("Småjob</strong> hos")
    );

    // By hand: declined; a later call does not undo it.
    let second = targets[1];
    manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    let version = version_of(&app, second.0);
    let res = manager
        .post(
            &format!("/campaigns/{}/targets/{}", setup.campaign_id, second.0),
            &[
                ("assigned_to", ""),
                ("status", "declined"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let oc = second.1.to_string();
    manager.get(&format!("/activities/new?company={oc}")).await;
    manager
        .post(
            "/activities",
            &[
                ("company_id", oc.as_str()),
                ("user_id", &me),
                ("kind", "phone"),
                ("occurred_on", "2026-11-20"),
                ("campaign_id", &camp),
            ],
        )
        .await;
    let status: String = campaign_targets::table
        .find(second.0)
        .select(campaign_targets::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "declined");

    // An activity for a campaign the company is not on is refused.
    let outsider = app
        .add_company(&seed.jobcenter, "Udenfor ApS")
        .id
        .to_string();
    manager
        .get(&format!("/activities/new?company={outsider}"))
        .await;
    let res = manager
        .post(
            "/activities",
            &[
                ("company_id", outsider.as_str()),
                ("user_id", &me),
                ("kind", "visit"),
                ("occurred_on", "2026-11-20"),
                ("campaign_id", &camp),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Virksomheden er ikke på kampagnens liste.")
    );
}

#[actix_web::test]
async fn another_jobcenter_gets_404_and_cannot_slip_its_companies_in() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 1).await;
    let id = setup.campaign_id;
    let other = app.signed_in("admin@stevns.dk").await;
    let tid: i64 = campaign_targets::table
        .select(campaign_targets::id)
        .first(&mut app.conn())
        .unwrap();
    for path in [
        format!("/campaigns/{id}"),
        format!("/campaigns/{id}/targets/{tid}"),
        format!("/campaigns/{id}/edit"),
        format!("/campaigns/{id}/targets/add"),
        format!("/campaigns/{id}/targets.csv"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    other.get("/campaigns").await;
    assert_eq!(
        other
            .post(&format!("/campaigns/{id}/targets/split"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(
                &format!("/campaigns/{id}/targets/add"),
                &[("pick", "all"), ("q", "a")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !other
            .get("/campaigns")
            .await
            .body
            .contains("Småjob og fleksjob")
    );

    // Our manager ticks a company id of theirs: it is not added.
    let theirs = app.add_company(&seed.other_jobcenter, "Nabo ApS");
    manager.get(&format!("/campaigns/{id}/targets/add")).await;
    let their_id = theirs.id.to_string();
    manager
        .post(
            &format!("/campaigns/{id}/targets/add"),
            &[("company", their_id.as_str())],
        )
        .await;
    let on_list: Vec<i64> = campaign_targets::table
        .select(campaign_targets::company_id)
        .load(&mut app.conn())
        .unwrap();
    assert!(!on_list.contains(&theirs.id));
    assert_eq!(on_list.len(), 1);
}

#[actix_web::test]
async fn a_target_page_changes_consultant_and_status_and_takes_the_company_off() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 3).await;
    let id = setup.campaign_id;
    let targets: Vec<i64> = campaign_targets::table
        .order(campaign_targets::company_name_search)
        .select(campaign_targets::id)
        .load(&mut app.conn())
        .unwrap();
    let target_path = |tid: i64| format!("/campaigns/{id}/targets/{tid}");

    // The list links each company to its page.
    let page = manager.get(&format!("/campaigns/{id}")).await;
    let link = page
        .link("Ret<span class=\"visually-hidden\"> Målvirksomhed 00")
        .expect("a link to the company's page on the list");
    assert_eq!(link, target_path(targets[0]));
    let form = manager.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("<label for=\"assigned_to\">Konsulent</label>")
    );
    assert!(form.body.contains("<label for=\"status\">Status</label>"));
    assert!(
        form.body
            .contains("<dt>Konsulent</dt><dd><span class=\"muted\">Ikke fordelt")
    );

    // Given to the consultant, visited.
    let karen = seed.consultant.id.to_string();
    let shown = version_of(&app, targets[0]);
    let res = manager
        .post(
            &link,
            &[
                ("assigned_to", &karen),
                ("status", "visited"),
                ("version", &shown),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/campaigns/{id}#targets"));
    // A colleague's save from the page as it was before is refused, and says what holds now.
    let res = manager
        .post(
            &link,
            &[
                ("assigned_to", ""),
                ("status", "declined"),
                ("version", &shown),
            ],
        )
        .await;
    assert_eq!(res.location(), link, "back to the target");
    let page = manager.get(&link).await;
    assert!(
        page.body.contains(
            "En anden har ændret virksomheden på listen, mens du så på den. Nu: konsulent Karen Konsulent, status besøgt."
        ),
        "{}",
        page.body
    );
    let form = manager.get(&link).await;
    assert!(
        form.body
            .contains(&format!("<option value=\"{karen}\" selected>"))
    );
    assert!(
        form.body
            .contains("<option value=\"visited\" selected>Besøgt</option>")
    );
    assert!(
        form.body
            .contains(&format!("<dd>{}</dd>", seed.consultant.name))
    );

    // The consultant opens the company they were given: the status only, nothing to remove.
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let own = consultant.get(&link).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("<label for=\"status\">Status</label>"));
    assert!(!own.body.contains("for=\"assigned_to\"") && !own.body.contains("Tag af listen"));
    let list = consultant.get(&format!("/campaigns/{id}")).await;
    assert!(
        list.body
            .contains(&format!("href=\"{}\"", target_path(targets[0])))
    );
    assert!(
        !list
            .body
            .contains(&format!("href=\"{}\"", target_path(targets[1])))
    );
    assert_eq!(
        consultant.get(&target_path(targets[1])).await.status,
        StatusCode::FORBIDDEN
    );

    // Given to someone no longer on the campaign: still the one chosen, so saving keeps it.
    let ole = app.add_user(
        &seed.jobcenter,
        "ole@koege.dk",
        "Ole Olsen",
        Role::Consultant,
    );
    diesel::update(campaign_targets::table.find(targets[1]))
        .set(campaign_targets::assigned_to.eq(ole.id))
        .execute(&mut app.conn())
        .unwrap();
    let form = manager.get(&target_path(targets[1])).await;
    assert!(form.body.contains(&format!(
        "<option value=\"{}\" selected>Ole Olsen</option>",
        ole.id
    )));
    // Ole, not on the campaign, cannot open it.
    let ole_client = app.signed_in("ole@koege.dk").await;
    assert_eq!(
        ole_client.get(&target_path(targets[1])).await.status,
        StatusCode::FORBIDDEN
    );

    // Taken off the list.
    manager.get(&link).await;
    let res = manager.post(&format!("{link}/remove"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let list = manager.get(res.location()).await;
    assert!(list.body.contains("Virksomheden er taget af listen."));
    assert!(list.body.contains("2 på listen"));
    assert_eq!(manager.get(&link).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn targets_come_from_a_list_of_cvr_numbers_and_go_out_as_csv() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 0).await;
    let a = app.add_company(&seed.jobcenter, "Cvr Et ApS");
    let b = app.add_company(&seed.jobcenter, "Cvr To ApS");
    let unknown = jobcenter_crm::domain::cvr::complete_cvr(9_000_001).unwrap();
    manager
        .get(&format!("/campaigns/{}/targets/add", setup.campaign_id))
        .await;
    let csv = format!(
        "CVR-nummer;Navn\r\n{};x\r\n{};y\r\n{};z\r\nikke et nummer;w\r\n",
        a.cvr, b.cvr, unknown
    );
    let res = manager
        .upload(
            &format!("/campaigns/{}/targets/import", setup.campaign_id),
            "file",
            "liste.csv",
            csv.as_bytes(),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = manager.get(res.location()).await;
    assert!(
        page.body.contains("2 virksomheder er sat på listen"),
        "{}",
        page.body
    );
    assert!(page.body.contains("1 CVR-numre findes ikke i registret"));
    assert!(page.body.contains("1 linjer var ikke gyldige CVR-numre"));
    let export = manager
        .get(&format!("/campaigns/{}/targets.csv", setup.campaign_id))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export
            .body
            .starts_with("\u{feff}\"Virksomhed\";\"CVR-nummer\";\"By\";"),
        "{}",
        export.body
    );
    assert!(
        export
            .body
            .contains(&format!("Cvr Et ApS;{};Køge;;Ikke kontaktet", a.cvr))
    );

    // A consultant on the campaign sees it, but exports are for managers and admins.
    let karen = app.signed_in("konsulent@koege.dk").await;
    let page = karen
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Eksportér listen"));
    assert_eq!(
        karen
            .get(&format!("/campaigns/{}/targets.csv", setup.campaign_id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The export is a list of CVR numbers a campaign can be filled from: imported again, both
    // companies are found (and are on the list already).
    let res = manager
        .upload(
            &format!("/campaigns/{}/targets/import", setup.campaign_id),
            "file",
            "kampagne.csv",
            export.body.as_bytes(),
            &[],
        )
        .await;
    let page = manager.get(res.location()).await;
    assert!(
        page.body
            .contains("0 virksomheder er sat på listen (2 var der i forvejen)."),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn a_long_target_list_pages_by_name_and_keeps_its_filter() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 30).await;
    let id = setup.campaign_id;
    let first = manager
        .get(&format!("/campaigns/{id}?status=not_contacted"))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("30 på listen"));
    assert!(first.body.contains(">Målvirksomhed 00<") && first.body.contains(">Målvirksomhed 24<"));
    assert!(!first.body.contains(">Målvirksomhed 25<"));
    assert!(!first.body.contains("Første side"));
    let next = first.link("rel=\"next\"").expect("a link to the next page");
    assert!(next.contains("status=not_contacted"), "{next}");
    let second = manager.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    for i in 25..30 {
        assert!(second.body.contains(&format!(">Målvirksomhed {i}<")));
    }
    assert!(!second.body.contains(">Målvirksomhed 24<"));
    assert!(second.link("rel=\"next\"").is_none());
    let back = second.link(">Første side").expect("a link back");
    assert_eq!(
        back,
        format!("/campaigns/{id}?status=not_contacted#targets")
    );

    // A company opened from the second page leads back to it, and so does saving it.
    let after = next
        .split("after=")
        .nth(1)
        .and_then(|rest| rest.split('#').next())
        .expect("the cursor in the link")
        .to_string();
    let target = second
        .link("Ret<span class=\"visually-hidden\"> Målvirksomhed 27")
        .expect("a link to the company's page");
    assert!(
        target.ends_with(&format!("?status=not_contacted&after={after}")),
        "{target}"
    );
    let page = manager.get(&target).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.link("Kampagner</a> ›").as_deref(), Some("/campaigns"));
    assert!(
        page.body
            .contains(&format!(r#"href="{}""#, next.replace('&', "&#38;")))
    );
    for (name, value) in [
        ("list_status", "not_contacted"),
        ("list_consultant", ""),
        ("list_after", after.as_str()),
    ] {
        assert_eq!(
            page.body
                .matches(&format!(r#"name="{name}" value="{value}""#))
                .count(),
            2,
            "{name} in both forms"
        );
    }
    let path = target.split('?').next().unwrap();
    let place = [
        ("list_status", "not_contacted"),
        ("list_consultant", ""),
        ("list_after", after.as_str()),
    ];
    let tid: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let version = version_of(&app, tid);
    let mut fields = vec![
        ("assigned_to", ""),
        ("status", "contacted"),
        ("version", version.as_str()),
    ];
    fields.extend(place);
    let res = manager.post(path, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), next);
    manager.get(&target).await;
    let res = manager.post(&format!("{path}/remove"), &place).await;
    assert_eq!(res.location(), next);
}

#[actix_web::test]
async fn a_renamed_company_moves_to_its_new_place_in_the_target_list() {
    use jobcenter_crm::models::company::{Company, CompanyForm};
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 3).await;
    let id = setup.campaign_id;
    let order = |body: &str| {
        let mut names: Vec<(usize, String)> =
            ["Målvirksomhed 01", "Målvirksomhed 02", "Zealand Gartneri"]
                .iter()
                .filter_map(|n| body.find(&format!(">{n}<")).map(|at| (at, n.to_string())))
                .collect();
        names.sort();
        names.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    let company = {
        let mut conn = app.conn();
        let jc = seed.jobcenter.id;
        let listed = Company::search(&mut conn, jc, &Default::default(), None, 1)
            .unwrap()
            .companies
            .remove(0);
        let first = Company::find(&mut conn, jc, listed.id).unwrap();
        assert_eq!(first.name, "Målvirksomhed 00");
        let mut form = CompanyForm::from_company(&first);
        form.name = "Zealand Gartneri".into();
        let input = form.validate().unwrap();
        Company::update(&mut conn, jc, first.id, first.version, &input, app.now())
            .unwrap()
            .0
    };
    let page = manager.get(&format!("/campaigns/{id}")).await;
    assert!(page.body.contains(&format!("/companies/{}\"", company.id)));
    assert_eq!(
        order(&page.body),
        ["Målvirksomhed 01", "Målvirksomhed 02", "Zealand Gartneri"]
    );
}

#[actix_web::test]
async fn the_start_page_lists_the_first_fifteen_targets_not_contacted_first() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    running_campaign(&app, &manager, &seed, 20).await;
    let mut conn = app.conn();
    diesel::update(campaign_targets::table)
        .set(campaign_targets::assigned_to.eq(seed.consultant.id))
        .execute(&mut conn)
        .unwrap();
    // The first by name is contacted already: it comes after the 19 not contacted.
    diesel::update(
        campaign_targets::table.filter(campaign_targets::company_name_search.like("%00")),
    )
    .set(campaign_targets::status.eq("contacted"))
    .execute(&mut conn)
    .unwrap();
    let karen = app.signed_in("konsulent@koege.dk").await;
    let home = karen.get("/").await;
    for i in 1..=15 {
        assert!(
            home.body.contains(&format!(">Målvirksomhed {i:02}<")),
            "{i}"
        );
    }
    assert!(!home.body.contains(">Målvirksomhed 00<"));
    assert!(!home.body.contains(">Målvirksomhed 16<"));
    assert!(home.body.contains("Og 5 mere."));

    // The count is of open targets that are Karen's: one declined and one handed to Lars leave
    // it; a campaign that is over leaves the start page.
    diesel::update(
        campaign_targets::table.filter(campaign_targets::company_name_search.like("%18")),
    )
    .set(campaign_targets::status.eq("declined"))
    .execute(&mut conn)
    .unwrap();
    diesel::update(
        campaign_targets::table.filter(campaign_targets::company_name_search.like("%19")),
    )
    .set(campaign_targets::assigned_to.eq(seed.manager.id))
    .execute(&mut conn)
    .unwrap();
    assert!(karen.get("/").await.body.contains("Og 3 mere."));
    diesel::update(campaigns::table)
        .set(campaigns::status.eq("done"))
        .execute(&mut conn)
        .unwrap();
    let home = karen.get("/").await;
    assert!(!home.body.contains("Målvirksomhed") && !home.body.contains(" mere."));
}

#[actix_web::test]
async fn the_start_page_fills_up_with_targets_under_way_by_name() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    running_campaign(&app, &manager, &seed, 20).await;
    let mut conn = app.conn();
    diesel::update(campaign_targets::table)
        .set((
            campaign_targets::assigned_to.eq(seed.consultant.id),
            campaign_targets::status.eq("contacted"),
        ))
        .execute(&mut conn)
        .unwrap();
    // Two are not contacted yet: they come first, the 13 first under way by name follow.
    diesel::update(
        campaign_targets::table.filter(
            campaign_targets::company_name_search
                .like("%05")
                .or(campaign_targets::company_name_search.like("%10")),
        ),
    )
    .set(campaign_targets::status.eq("not_contacted"))
    .execute(&mut conn)
    .unwrap();
    let karen = app.signed_in("konsulent@koege.dk").await;
    let home = karen.get("/").await;
    let at = |i: u32| home.body.find(&format!(">Målvirksomhed {i:02}<"));
    let shown: Vec<u32> = (0..20).filter(|i| at(*i).is_some()).collect();
    assert_eq!(shown, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert!(at(5) < at(10) && at(10) < at(0) && at(0) < at(1) && at(13) < at(14));
    assert!(home.body.contains("Og 5 mere."));
}

#[actix_web::test]
async fn the_campaign_page_shows_its_newest_placements_and_links_to_all() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 1).await;
    let company: i64 = campaign_targets::table
        .select(campaign_targets::company_id)
        .first(&mut app.conn())
        .unwrap();
    let (cid, camp, me) = (
        company.to_string(),
        setup.campaign_id.to_string(),
        seed.manager.id.to_string(),
    );
    for i in 0..11 {
        manager.get(&format!("/placements/new?company={cid}")).await;
        let citizen = format!("SAG-{i}");
        let start = format!("2026-10-{:02}", i + 1);
        let res = manager
            .post(
                "/placements",
                &[
                    ("company_id", cid.as_str()),
                    ("user_id", &me),
                    ("kind", "smaajob"),
                    ("citizen_ref", &citizen),
                    ("hours_per_week", "8"),
                    ("start_on", &start),
                    ("status", "active"),
                    ("campaign_id", &camp),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let page = manager.get(&format!("/campaigns/{camp}")).await;
    assert_eq!(page.body.matches("Småjob</strong> hos").count(), 10);
    // Newest first: the one started first is left out.
    assert!(page.body.contains("11-10-2026") && !page.body.contains("01-10-2026"));
    // Each line: kind, company, start, status and consultant.
    assert!(page.body.contains(&format!(
        "<li><strong>Småjob</strong> hos <a href=\"/companies/{cid}\">"
    )));
    assert!(page.body.contains(&format!(
        " · 11-10-2026 · Aktiv · {}</li>",
        seed.manager.name
    )));
    let all = format!("/placements?campaign={camp}");
    assert!(page.body.contains(&format!(
        r#"<a href="{all}">Se alle 11 forløb fra kampagnen</a>"#
    )));
    assert_eq!(manager.get(&all).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn upgrading_fills_the_sort_key_of_targets_already_saved() {
    use jobcenter_crm::db::DbConn;
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    running_campaign(&app, &manager, &seed, 3).await;
    let keys = |conn: &mut DbConn| -> Vec<(String, String)> {
        diesel::sql_query(
            "SELECT t.company_name_search AS target_key, c.name_search AS company_key \
             FROM campaign_targets t JOIN companies c ON c.id = t.company_id",
        )
        .load::<Keys>(conn)
        .unwrap()
        .into_iter()
        .map(|k| (k.target_key, k.company_key))
        .collect()
    };
    let mut conn = app.conn();
    // Back to the schema before the column (migration 7), then forward as an upgrade goes.
    common::reapply_migrations_from(&mut conn, "20261123000007");
    let keys = keys(&mut conn);
    assert_eq!(keys.len(), 3);
    for (target_key, company_key) in keys {
        assert_eq!(target_key, company_key);
    }
}

#[derive(QueryableByName)]
struct Keys {
    #[diesel(sql_type = diesel::sql_types::Text)]
    target_key: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    company_key: String,
}

/// The progress counters as kept by the triggers and as counted from the targets, each as
/// sorted rows of (consultant or 0, status, count) and (visit day, count).
type Counters = (Vec<(i64, String, i64)>, Vec<(String, i64)>);

fn counters(conn: &mut jobcenter_crm::db::DbConn, campaign_id: i64) -> (Counters, Counters) {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        a: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        s: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut read = |sql: String| -> Vec<(i64, String, i64)> {
        diesel::sql_query(sql)
            .load::<Row>(conn)
            .unwrap()
            .into_iter()
            .map(|r| (r.a, r.s, r.n))
            .collect()
    };
    let split = |rows: Vec<(i64, String, i64)>| -> Counters {
        let (status, visits): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(a, _, _)| *a >= 0);
        (status, visits.into_iter().map(|(_, d, n)| (d, n)).collect())
    };
    let kept = split(read(format!(
        "SELECT assigned_to AS a, status AS s, n FROM campaign_status_counts \
         WHERE campaign_id = {campaign_id} AND n > 0 \
         UNION ALL SELECT -1 AS a, CAST(visited_on AS TEXT) AS s, n FROM campaign_visit_counts \
         WHERE campaign_id = {campaign_id} AND n > 0 ORDER BY 1, 2"
    )));
    let counted = split(read(format!(
        "SELECT coalesce(assigned_to, 0) AS a, status AS s, count(*) AS n FROM campaign_targets \
         WHERE campaign_id = {campaign_id} GROUP BY coalesce(assigned_to, 0), status \
         UNION ALL SELECT -1 AS a, CAST(visited_on AS TEXT) AS s, count(*) AS n \
         FROM campaign_targets WHERE campaign_id = {campaign_id} AND visited_on IS NOT NULL \
         GROUP BY visited_on ORDER BY 1, 2"
    )));
    (kept, counted)
}

#[actix_web::test]
async fn the_progress_counters_follow_every_change_to_the_list() {
    use jobcenter_crm::models::activity::{ActivityKind, Outcome};
    use jobcenter_crm::models::campaign::{CampaignTarget, TargetStatus};
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 8).await;
    let (camp, jc, now) = (setup.campaign_id, seed.jobcenter.id, app.now());
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    let mut conn = app.conn();
    let c: &mut jobcenter_crm::db::DbConn = &mut conn;
    let targets: Vec<(i64, i64)> = campaign_targets::table
        .filter(campaign_targets::campaign_id.eq(camp))
        .order(campaign_targets::id)
        .select((campaign_targets::id, campaign_targets::company_id))
        .load(c)
        .unwrap();
    let (kept, counted) = counters(c, camp);
    assert_eq!(kept, counted);
    assert_eq!(kept.0, vec![(0, "not_contacted".to_string(), 8)]);

    CampaignTarget::split_evenly(c, jc, camp, now).unwrap();
    let visit = (ActivityKind::Visit, None, day(14));
    CampaignTarget::progress_from_activity(c, jc, camp, targets[0].1, visit, now).unwrap();
    // An earlier visit logged afterwards moves the visit day back.
    let earlier = (ActivityKind::Meeting, Some(Outcome::Interested), day(12));
    CampaignTarget::progress_from_activity(c, jc, camp, targets[0].1, earlier, now).unwrap();
    let call = (ActivityKind::Phone, None, day(13));
    CampaignTarget::progress_from_activity(c, jc, camp, targets[1].1, call, now).unwrap();
    CampaignTarget::progress_from_activity(c, jc, camp, targets[2].1, visit, now).unwrap();
    CampaignTarget::progress_from_placement(c, jc, camp, targets[3].1, day(15), now).unwrap();
    // By hand: unassigned and back to the start, another declined, one taken off the list.
    let version = |c: &mut jobcenter_crm::db::DbConn, tid: i64| {
        CampaignTarget::find(c, jc, camp, tid).unwrap().version
    };
    let v = version(c, targets[2].0);
    CampaignTarget::set(
        c,
        jc,
        camp,
        targets[2].0,
        v,
        None,
        TargetStatus::NotContacted,
        now,
    )
    .unwrap();
    let mads = setup.consultants[2];
    let v = version(c, targets[4].0);
    CampaignTarget::set(
        c,
        jc,
        camp,
        targets[4].0,
        v,
        Some(mads),
        TargetStatus::Declined,
        now,
    )
    .unwrap();
    CampaignTarget::remove(c, jc, camp, targets[5].0).unwrap();

    let (kept, counted) = counters(c, camp);
    assert_eq!(kept, counted);
    let total: i64 = kept.0.iter().map(|(_, _, n)| n).sum();
    assert_eq!(total, 7);
    // First visits: the 12th (moved back from the 14th), the 14th and the agreement's 15th.
    let days: Vec<&str> = kept.1.iter().map(|(d, _)| &d[..10]).collect();
    assert_eq!(days, ["2026-10-12", "2026-10-14", "2026-10-15"]);

    // The campaign page shows the same figures.
    let page = manager.get(&format!("/campaigns/{camp}")).await;
    assert!(page.body.contains("7 på listen"), "{}", page.body);

    // An upgrade counts the targets saved before the counters existed.
    common::reapply_migrations_from(&mut conn, "20261124000009");
    let (after_upgrade, _) = counters(&mut conn, camp);
    assert_eq!(after_upgrade, counted);
}

/// A campaign planned for next year can be set going at once by a manager (to work its list
/// early); the consultants on it are not offered the button.
#[actix_web::test]
async fn a_manager_starts_a_campaign_before_its_first_week() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let ids = vec![seed.consultant.id.to_string()];
    let mut fields = campaign_fields(&ids);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "start" => *v = "uge 41 2027".into(),
            "end" => *v = "uge 49 2027".into(),
            "status" => *v = "planned".into(),
            _ => {}
        }
    }
    manager.get("/campaigns/new").await;
    let res = post_owned(&manager, "/campaigns", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = manager.get(res.location()).await;
    assert!(!page.body.contains("selv om den første uge er begyndt"));
    assert!(
        page.body.contains("Sæt kampagnen i gang</button>"),
        "{}",
        page.body
    );
    let karen = app.signed_in("konsulent@koege.dk").await;
    let id = res.location().trim_start_matches("/campaigns/").to_string();
    assert!(
        !karen
            .get(&format!("/campaigns/{id}"))
            .await
            .body
            .contains("Sæt kampagnen i gang")
    );
    let res = manager
        .post(&format!("/campaigns/{id}/start"), &[("version", "1")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = manager.get(res.location()).await;
    assert!(page.body.contains("Kampagnen er i gang."), "{}", page.body);
    assert!(!page.body.contains("Sæt kampagnen i gang</button>"));
}

#[actix_web::test]
async fn a_planned_campaign_whose_first_week_has_begun_is_set_going_from_its_page() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 3).await;
    let id = setup.campaign_id;
    manager.get(&format!("/campaigns/{id}")).await;
    let res = manager
        .post(&format!("/campaigns/{id}/targets/split"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Left as planned, though weeks 41–49 have begun.
    let mut c = app.conn();
    diesel::update(campaigns::table.find(id))
        .set(campaigns::status.eq("planned"))
        .execute(&mut c)
        .unwrap();
    let notice = "Kampagnen står stadig som planlagt, selv om den første uge er begyndt.";
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert!(!karen.get("/").await.body.contains("Målvirksomhed"));
    let page = karen.get(&format!("/campaigns/{id}")).await;
    assert!(page.body.contains(notice));
    assert!(
        !page.body.contains("Sæt kampagnen i gang"),
        "managers set it going"
    );
    let res = karen
        .post(&format!("/campaigns/{id}/start"), &[("version", "1")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let page = manager.get(&format!("/campaigns/{id}")).await;
    assert!(page.body.contains(notice));
    let version: i32 = campaigns::table
        .find(id)
        .select(campaigns::version)
        .first(&mut c)
        .unwrap();
    assert!(
        page.body
            .contains(&format!(r#"name="version" value="{version}""#))
    );
    let version = version.to_string();
    let res = manager
        .post(&format!("/campaigns/{id}/start"), &[("version", &version)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = manager.get(res.location()).await;
    assert!(page.body.contains("Kampagnen er i gang."));
    assert!(!page.body.contains(notice));
    assert!(karen.get("/").await.body.contains("Målvirksomhed"));

    // The same form sent again (a second tab): nothing changes, and the page says so.
    let res = manager
        .post(&format!("/campaigns/{id}/start"), &[("version", &version)])
        .await;
    let page = manager.get(res.location()).await;
    assert!(page.body.contains("Kampagnen er ændret imens."));
    let status: String = campaigns::table
        .find(id)
        .select(campaigns::status)
        .first(&mut c)
        .unwrap();
    assert_eq!(status, "running");

    // Planned with its first week still ahead: nothing to point out.
    let ahead = app.now().date() + chrono::Days::new(14);
    diesel::update(campaigns::table.find(id))
        .set((
            campaigns::status.eq("planned"),
            campaigns::start_on.eq(ahead),
        ))
        .execute(&mut c)
        .unwrap();
    let page_says = async || {
        manager
            .get(&format!("/campaigns/{id}"))
            .await
            .body
            .contains(notice)
    };
    assert!(!page_says().await);
    // Nor with all of its weeks behind it.
    let behind = app.now().date() - chrono::Days::new(7);
    diesel::update(campaigns::table.find(id))
        .set((
            campaigns::start_on.eq(behind - chrono::Days::new(28)),
            campaigns::end_on.eq(behind),
        ))
        .execute(&mut c)
        .unwrap();
    assert!(!page_says().await);

    // Another jobcenter's manager cannot set it going.
    let other = app.add_user(
        &seed.other_jobcenter,
        "leder@stevns.dk",
        "Lis Leder",
        Role::Manager,
    );
    let stranger = app.signed_in(&other.email).await;
    stranger.get("/").await;
    let res = stranger
        .post(&format!("/campaigns/{id}/start"), &[("version", "3")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_maximal_cvr_import_leaves_other_jobcenters_answering() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 0).await;
    let known: Vec<String> = (0..300)
        .map(|i| {
            app.add_company(&seed.jobcenter, &format!("Kendt {i:03}"))
                .cvr
        })
        .collect();
    // The most one import takes: the known companies and thousands of unknown numbers.
    let mut lines = known.clone();
    lines.extend(
        (8_000_000..)
            .filter_map(jobcenter_crm::domain::cvr::complete_cvr)
            .take(5000 - known.len()),
    );
    let import_path = format!("/campaigns/{}/targets/import", setup.campaign_id);
    manager
        .get(&format!("/campaigns/{}/targets/add", setup.campaign_id))
        .await;

    let other = app.signed_in("admin@stevns.dk").await;
    other.get("/companies/new").await;
    let file = format!("CVR-nummer\r\n{}", lines.join("\r\n"));
    let import = manager.upload(&import_path, "file", "liste.csv", file.as_bytes(), &[]);
    let colleague = async {
        let mut statuses = Vec::new();
        let cvrs = (7_000_000..).filter_map(jobcenter_crm::domain::cvr::complete_cvr);
        for (i, cvr) in cvrs.take(10).enumerate() {
            statuses.push(other.get("/companies").await.status);
            let res = other
                .post(
                    "/companies",
                    &[
                        ("cvr", cvr.as_str()),
                        ("name", &format!("Stevns {i}")),
                        ("postcode", "4660"),
                    ],
                )
                .await;
            statuses.push(res.status);
        }
        statuses
    };
    let (res, statuses) = futures_util::future::join(import, colleague).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    let page = manager.get(res.location()).await;
    assert!(
        page.body.contains("300 virksomheder er sat på listen"),
        "{}",
        page.body
    );
    assert!(page.body.contains("4700 CVR-numre findes ikke i registret"));

    // One line more is refused as a whole, with a word on how to go on.
    lines.push(known[0].clone());
    manager
        .get(&format!("/campaigns/{}/targets/add", setup.campaign_id))
        .await;
    let res = manager
        .upload(
            &import_path,
            "file",
            "liste.csv",
            format!("CVR-nummer\r\n{}", lines.join("\r\n")).as_bytes(),
            &[],
        )
        .await;
    let page = manager.get(res.location()).await;
    assert!(
        page.body.contains("Listen har 5001 linjer. Del den op"),
        "{}",
        page.body
    );
    let targets: i64 = campaign_targets::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(targets, 300);
}

/// The version of a target as its page shows it.
fn version_of(app: &TestApp, tid: i64) -> String {
    campaign_targets::table
        .find(tid)
        .select(campaign_targets::version)
        .first::<i32>(&mut app.conn())
        .unwrap()
        .to_string()
}

/// Weeks without a year that are already over ask whether next year's were meant; the period
/// hint is tied to both fields; a kind-less activity ties its error to each radio.
#[actix_web::test]
async fn weeks_already_past_ask_whether_next_year_was_meant() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let form = manager.get("/campaigns/new").await;
    assert!(
        form.body.contains(
            r#"id="start" name="start" value="" autocomplete="off" aria-describedby="period-hint">"#
        ),
        "{}",
        form.body
    );
    let today = jobcenter_crm::web::views::local_date(app.now());
    let year = chrono::Datelike::year(&today);
    let ids = vec![seed.consultant.id.to_string()];
    let mut fields = campaign_fields(&ids);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "start" => *v = "uge 2".into(),
            "end" => *v = "uge 4".into(),
            _ => {}
        }
    }
    let res = post_owned(&manager, "/campaigns", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains(&format!(
            "Uge 2–4 {year} er allerede gået. Mente du uge 2–4 {}?",
            year + 1
        )),
        "{}",
        res.body
    );
    assert!(
        res.body.contains(r#"value="uge 2""#),
        "what was typed is kept"
    );
    assert!(
        res.body
            .contains(r#"aria-describedby="period-hint start-error""#)
    );
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "start" => *v = format!("uge 2 {}", year + 1),
            "end" => *v = "uge 4".into(),
            _ => {}
        }
    }
    let res = post_owned(&manager, "/campaigns", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let company = app.add_company(&seed.jobcenter, "Radio ApS");
    let cid = company.id.to_string();
    manager.get(&format!("/activities/new?company={cid}")).await;
    let res = manager
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("kind", ""),
                ("occurred_on", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(r#"id="kind-error""#));
    assert_eq!(
        res.body
            .matches(r#"aria-describedby="kind-error" aria-invalid="true""#)
            .count(),
        5
    );
}

/// Filling a list shows what a manager chooses by (size, industry, status, last contact, and
/// another running campaign the company is on); the consultant picker puts consultants first
/// with each person's role; splitting warns when a manager or admin got companies too.
#[actix_web::test]
async fn the_list_shows_what_to_choose_by_and_the_split_warns_about_managers() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let form = manager.get("/campaigns/new").await;
    let consultant = form
        .body
        .find("(konsulent)</label>")
        .expect("a consultant with role");
    let lead = form
        .body
        .find("Lars Leder (leder)</label>")
        .expect("the manager with role");
    let admin = form
        .body
        .find("(administrator)</label>")
        .expect("the admin with role");
    assert!(consultant < lead && lead < admin, "consultants come first");

    // Three targets on a running campaign (the setup's consultants include the manager).
    let setup = running_campaign(&app, &manager, &seed, 3).await;
    manager
        .get(&format!("/campaigns/{}", setup.campaign_id))
        .await;
    let res = manager
        .post(
            &format!("/campaigns/{}/targets/split", setup.campaign_id),
            &[],
        )
        .await;
    let page = manager.get(res.location()).await;
    assert!(
        page.body
            .contains("3 virksomheder er fordelt mellem konsulenterne.")
    );
    assert!(
        page.body
            .contains("Bemærk: Lars Leder er leder eller administrator"),
        "{}",
        page.body
    );

    // A second campaign: the first one's companies show that they are on it.
    let ids = vec![seed.consultant.id.to_string()];
    manager.get("/campaigns/new").await;
    let res = post_owned(&manager, "/campaigns", &campaign_fields(&ids)).await;
    let second = res.location().to_string();
    diesel::update(companies::table.filter(companies::name.eq("Målvirksomhed 00")))
        .set((
            companies::employees.eq(Some("10-19")),
            companies::industry_text.eq("Bagerier"),
        ))
        .execute(&mut app.conn())
        .unwrap();
    let found = manager
        .get(&format!("{second}/targets/add?q=m%C3%A5lvirksomhed"))
        .await;
    assert_eq!(
        found
            .body
            .matches("Er på kampagnen «Småjob og fleksjob i Køge»")
            .count(),
        3
    );
    assert!(found.body.contains("ingen kontakt endnu"));
    assert!(
        found.body.contains("Køge · 10–19 ansatte · Bagerier · "),
        "{}",
        found.body
    );
}

/// A manager fills a list with "the first N" of a search (in the order shown, e.g. those not
/// contacted for longest first) or "N at random"; a count that is missing, not a number or too
/// large is refused next to its field and adds nothing.
#[actix_web::test]
async fn a_manager_adds_the_first_n_or_n_at_random_of_a_search() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let setup = running_campaign(&app, &manager, &seed, 0).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            app.add_company(&seed.jobcenter, &format!("Målvirksomhed {i:02}"))
                .id,
        );
    }
    // 00–04 were contacted (04 longest ago); 05–09 never.
    for (n, id) in ids.iter().take(5).enumerate() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 10 - n as u32).unwrap();
        diesel::update(companies::table.find(id))
            .set(companies::last_contact_on.eq(day))
            .execute(&mut app.conn())
            .unwrap();
    }
    let add = format!("/campaigns/{}/targets/add", setup.campaign_id);
    let on_list = || -> Vec<i64> {
        campaign_targets::table
            .filter(campaign_targets::campaign_id.eq(setup.campaign_id))
            .select(campaign_targets::company_id)
            .order(campaign_targets::company_id)
            .load(&mut app.conn())
            .unwrap()
    };

    let found = manager
        .get(&format!("{add}?q=m%C3%A5lvirksomhed&order=contact"))
        .await;
    let at = |name: &str| found.body.find(name).unwrap_or_else(|| panic!("{name}"));
    assert!(at("Målvirksomhed 05") < at("Målvirksomhed 09"));
    assert!(
        at("Målvirksomhed 09") < at("Målvirksomhed 04"),
        "never contacted first"
    );
    assert!(
        at("Målvirksomhed 04") < at("Målvirksomhed 00"),
        "then the longest ago"
    );

    let search = [("q", "målvirksomhed"), ("order", "contact")];
    let send = |pick: &'static str, count: &'static str| {
        let mut fields = vec![("pick", pick), ("count", count)];
        fields.extend_from_slice(&search);
        fields
    };
    // Refused, next to the field, adding nothing.
    for (pick, count, message) in [
        (
            "first",
            "",
            "Skriv, hvor mange virksomheder der skal på listen.",
        ),
        (
            "random",
            "fem",
            "Skriv antallet som et helt tal større end 0, fx 50.",
        ),
        (
            "first",
            "0",
            "Skriv antallet som et helt tal større end 0, fx 50.",
        ),
        (
            "random",
            "5000",
            "Højst 2000 ad gangen. Tilføj resten bagefter.",
        ),
    ] {
        let res = manager.post(&add, &send(pick, count)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pick} {count}"
        );
        assert!(
            res.body.contains(&format!("</span>{message}</p>")),
            "{}",
            res.body
        );
        assert!(res.body.contains(&format!(
            r#"id="pick-{pick}" name="pick" value="{pick}" checked"#
        )));
        assert!(
            res.body
                .contains(&format!(r#"name="count" value="{count}""#))
        );
        assert!(
            res.body.contains("Målvirksomhed 05"),
            "the search's results come back"
        );
    }
    let nothing = manager.post(&add, &search).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.body.contains("Sæt flueben ved de virksomheder"));
    assert!(on_list().is_empty());

    let res = manager.post(&add, &send("first", "3")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(on_list(), vec![ids[5], ids[6], ids[7]]);

    let res = manager.post(&add, &send("random", "4")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = manager.get(res.location()).await;
    let added: usize = page
        .body
        .split(" virksomheder er sat på listen (")
        .next()
        .unwrap()
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        page.body
            .contains(&format!("({} var der i forvejen)", 4 - added)),
        "{}",
        page.body
    );
    assert_eq!(on_list().len(), 3 + added);

    let res = manager.post(&add, &send("random", "50")).await;
    let page = manager.get(res.location()).await;
    assert!(
        page.body
            .contains("Søgningen fandt kun 10, så de er alle taget med.")
    );
    assert_eq!(on_list().len(), 10);
}
