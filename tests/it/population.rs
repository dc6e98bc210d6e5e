//! The municipality's company population from a CVR extract: import and import again (no
//! duplicates, ceased units, changes, bad lines by number), the units not yet in the register,
//! adding them to the register and a campaign list, the CVR's facts on the register's pages,
//! and the cooperation rate counted of the whole municipality.

use actix_web::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{
    campaign_targets, companies, population_imports, population_units,
};
use jobcenter_crm::domain::cvr::complete_cvr;
use jobcenter_crm::models::activity::{Activity, ActivityInput, ActivityKind};
use jobcenter_crm::models::campaign::{Campaign, CampaignInput, CampaignStatus};
use jobcenter_crm::models::company::{CompanyStatus, EmployeeBand};

use crate::common::{Client, TestApp, app};
use crate::overview::{csv_rows, row};

fn cvr(n: u32) -> String {
    (4_000_000 + n * 97..).find_map(complete_cvr).unwrap()
}

const HEADER: &str = "P-nummer;CVR-nummer;Navn;Adresse;Postnr;By;Hovedbranche kode;Hovedbranche tekst;Antal ansatte;Startdato;Ophørsdato;Reklamebeskyttet";

/// A line of an extract as the CVR's downloads write it.
#[allow(clippy::too_many_arguments)]
fn line(
    p: u64,
    cvr: &str,
    name: &str,
    postcode: &str,
    db07: &str,
    band: &str,
    end: &str,
    protected: &str,
) -> String {
    format!(
        "{p};{cvr};{name};Havnen 1;{postcode};Køge;{db07};Branche {db07};{band};01-03-2015;{end};{protected}"
    )
}

fn extract(lines: &[String]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for l in lines {
        text.push_str("\r\n");
        text.push_str(l);
    }
    text.into_bytes()
}

const A: u64 = 1_000_000_001;
const B: u64 = 1_000_000_002;
const C: u64 = 1_000_000_003;
const D: u64 = 1_000_000_004;
const E: u64 = 1_000_000_005;

/// The units the tests meet again and again.
fn restaurant(band: &str) -> String {
    line(
        A,
        &cvr(1),
        "Havnens Restaurant ApS",
        "4600",
        "561010",
        band,
        "",
        "Nej",
    )
}

fn smedje() -> String {
    let ceased = "31-03-2026";
    line(
        B,
        &cvr(2),
        "Lukket Smedje ApS",
        "4600",
        "251100",
        "5-9",
        ceased,
        "Nej",
    )
}

fn frisor() -> String {
    line(C, &cvr(3), "Køge Frisør", "4600", "960210", "1-4", "", "Ja")
}

fn holding() -> String {
    line(D, &cvr(4), "Holding ApS", "4681", "642020", "0", "", "Nej")
}

fn bager() -> String {
    line(
        E,
        &cvr(5),
        "Ny Bager ApS",
        "4600",
        "107120",
        "5-9",
        "",
        "Nej",
    )
}

/// A: a restaurant with 10–19 employees; B: ceased in March; C: advertising-protected, 1–4;
/// D: no employees; and a line with a bad CVR number and one repeating A's P-number.
fn first_extract() -> Vec<u8> {
    extract(&[
        restaurant("ANTAL_10_19"),
        smedje(),
        frisor(),
        holding(),
        line(
            1_000_000_009,
            "12345678",
            "Forkert CVR ApS",
            "4600",
            "561010",
            "1-4",
            "",
            "Nej",
        ),
        restaurant("10-19"),
    ])
}

/// The first extract again: A renamed (and ceased on `a_ends`, if given), B no longer listed,
/// C and D as before, E new.
fn a_month_later(a_ends: &str) -> Vec<u8> {
    let renamed = "Havnens Restaurant & Bar ApS";
    extract(&[
        line(
            A,
            &cvr(1),
            renamed,
            "4600",
            "561010",
            "20-49",
            a_ends,
            "Nej",
        ),
        frisor(),
        holding(),
        bager(),
    ])
}

async fn import(client: &Client<'_>, content: &[u8]) -> String {
    client.get("/population").await;
    let res = client
        .upload("/population", "file", "cvr.csv", content, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body
}

fn fact(body: &str, label: &str) -> String {
    let start = body
        .find(&format!("<dt>{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("{label}"));
    let rest = &body[start + label.len() + 13..];
    rest[..rest.find("</dd>").unwrap()].to_string()
}

fn units(app: &TestApp) -> Vec<(String, String, Option<NaiveDate>, i64)> {
    population_units::table
        .order(population_units::p_number)
        .select((
            population_units::p_number,
            population_units::name,
            population_units::ended_on,
            population_units::import_id,
        ))
        .load(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn an_extract_is_imported_and_imported_again_without_duplicates() {
    let app = app().await;
    app.seed();
    let lars = app.signed_in("leder@koege.dk").await;
    let body = import(&lars, &first_extract()).await;
    assert_eq!(fact(&body, "Produktionsenheder i udtrækket"), "4");
    assert_eq!(
        fact(&body, "Heraf i drift med mindst én ansat"),
        "2",
        "A and C"
    );
    assert_eq!(fact(&body, "Nye"), "4");
    assert_eq!(fact(&body, "Linjer afvist"), "2");
    assert!(
        body.contains("<td>6</td><td>CVR-nummer: CVR-nummeret er ikke gyldigt"),
        "{body}"
    );
    assert!(
        body.contains("<td>7</td><td>P-nummer 1000000001 står også på linje 2"),
        "{body}"
    );
    assert_eq!(units(&app).len(), 4);

    // Again, a month later: A renamed, B no longer listed, C and D as before, E new.
    let body = import(&lars, &a_month_later("")).await;
    assert_eq!(fact(&body, "Nye"), "1");
    assert_eq!(fact(&body, "Ændrede"), "1");
    assert_eq!(fact(&body, "Uændrede"), "2");
    assert_eq!(fact(&body, "Ikke længere med i udtrækket"), "1");
    assert_eq!(
        fact(&body, "Heraf i drift med mindst én ansat"),
        "3",
        "A, C and E"
    );
    let all = units(&app);
    assert_eq!(all.len(), 5, "never a second unit for a P-number: {all:?}");
    assert_eq!(all[0].1, "Havnens Restaurant & Bar ApS");

    // A third time, A has ceased.
    let body = import(&lars, &a_month_later("30-11-2026")).await;
    assert_eq!(fact(&body, "Ophørt siden sidst"), "1");
    assert_eq!(fact(&body, "Heraf i drift med mindst én ansat"), "2");
    assert_eq!(units(&app)[0].2, NaiveDate::from_ymd_opt(2026, 11, 30));

    // A file without the needed columns changes nothing and says what is missing.
    let before: i64 = population_imports::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    let res = lars
        .upload(
            "/population",
            "file",
            "forkert.csv",
            b"Navn;By\r\nFirma;K\xc3\xb8ge",
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Filen mangler kolonnen P-nummer og CVR-nummer"),
        "{}",
        res.body
    );
    let after: i64 = population_imports::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(before, after);

    // The audit log tells who imported what.
    let admin = app.signed_in("admin@koege.dk").await;
    let log = admin.get("/admin/audit").await;
    assert!(log.body.contains("CVR-udtræk importeret"));
}

fn company_id(app: &TestApp, p_number: u64) -> Option<i64> {
    companies::table
        .filter(companies::p_number.eq(p_number.to_string()))
        .select(companies::id)
        .first(&mut app.conn())
        .optional()
        .unwrap()
}

fn unit_id(app: &TestApp, p_number: u64) -> i64 {
    population_units::table
        .filter(population_units::p_number.eq(p_number.to_string()))
        .select(population_units::id)
        .first(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn units_not_yet_in_the_register_are_listed_and_added_to_it_and_to_a_campaign() {
    let app = app().await;
    let seed = app.seed();
    let lars = app.signed_in("leder@koege.dk").await;
    import(
        &lars,
        &extract(&[restaurant("10-19"), smedje(), frisor(), holding(), bager()]),
    )
    .await;
    // D is in the register by its CVR number (no P-number): so is its unit.
    let holding = app.add_company(&seed.jobcenter, "Holding ApS");
    diesel::update(companies::table.find(holding.id))
        .set((
            companies::cvr.eq(cvr(4)),
            companies::p_number.eq(None::<String>),
        ))
        .execute(&mut app.conn())
        .unwrap();

    let list = lars.get("/population").await;
    assert_eq!(list.status, StatusCode::OK);
    for name in ["Havnens Restaurant ApS", "Køge Frisør", "Ny Bager ApS"] {
        assert!(list.body.contains(name), "{name}");
    }
    assert!(
        !list.body.contains("Lukket Smedje"),
        "ceased units are not listed"
    );
    assert!(
        !list.body.contains(">Holding ApS"),
        "in the register by its CVR number"
    );
    assert!(list.body.contains("Reklamebeskyttet"), "C is marked");
    assert!(list.body.contains("10–19 ansatte"));
    // The filters: industry, size and advertising protection.
    let restaurants = lars.get("/population?industry=56").await;
    assert!(restaurants.body.contains("Havnens Restaurant"));
    assert!(!restaurants.body.contains("Ny Bager"));
    let bigger = lars.get("/population?employees=5").await;
    assert!(bigger.body.contains("Ny Bager") && !bigger.body.contains("Køge Frisør"));
    let unprotected = lars.get("/population?without_protected=1").await;
    assert!(!unprotected.body.contains("Køge Frisør"));
    // Units a neighbour in the cluster knows: offered once Køge is in a cluster with Stevns,
    // which has E in its register (by CVR, no P-number).
    assert!(!list.body.contains("som en nabo i klyngen kender"));
    let stevns = app.add_company(&seed.other_jobcenter, "Ny Bager (Stevns)");
    diesel::update(companies::table.find(stevns.id))
        .set((
            companies::cvr.eq(cvr(5)),
            companies::p_number.eq(None::<String>),
        ))
        .execute(&mut app.conn())
        .unwrap();
    {
        use jobcenter_crm::models::cluster::Cluster;
        let mut c = app.conn();
        let (koege, other) = (seed.jobcenter.id, seed.other_jobcenter.id);
        let k = Cluster::create(&mut c, "Sydsjælland", &[koege, other], app.now())
            .unwrap()
            .id;
        Cluster::accept(&mut c, koege, k, seed.admin.id, app.now()).unwrap();
        Cluster::accept(&mut c, other, k, seed.other_admin.id, app.now()).unwrap();
    }
    assert!(
        lars.get("/population")
            .await
            .body
            .contains("som en nabo i klyngen kender")
    );
    let known = lars.get("/population?neighbour=1").await.body;
    assert!(known.contains("Ny Bager ApS"), "{known}");
    assert!(!known.contains("Havnens Restaurant") && !known.contains("Køge Frisør"));

    // One click: A goes into the register, and its page shows what the CVR says.
    let res = lars
        .post("/population/add", &[("one", &unit_id(&app, A).to_string())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let a = company_id(&app, A).expect("A is in the register");
    assert_eq!(res.location(), format!("/companies/{a}"));
    let page = lars.get(res.location()).await;
    assert!(page.body.contains("Havnens Restaurant ApS"));
    assert!(page.body.contains("Potentiel"));
    assert!(
        page.body
            .contains("<dt>Antal ansatte i CVR</dt><dd>10–19</dd>"),
        "{}",
        page.body
    );
    assert!(
        !lars
            .get("/population")
            .await
            .body
            .contains("Havnens Restaurant")
    );

    // C and E onto a campaign's list, created in the register on the way.
    let campaign = Campaign::create(
        &mut app.conn(),
        seed.jobcenter.id,
        &CampaignInput {
            name: "Sommerjob 2027".into(),
            purpose: String::new(),
            topics: Vec::new(),
            start_on: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
            end_on: NaiveDate::from_ymd_opt(2027, 3, 26).unwrap(),
            target_companies: 10,
            target_placements: None,
            status: CampaignStatus::Planned,
            consultant_ids: vec![seed.consultant.id],
            regional: Default::default(),
        },
        app.now(),
    )
    .unwrap();
    let (c_unit, e_unit) = (unit_id(&app, C).to_string(), unit_id(&app, E).to_string());
    let campaign_id = campaign.id.to_string();
    // Without a campaign chosen, nothing happens and the page says so.
    let res = lars
        .post(
            "/population/add",
            &[("unit", &c_unit), ("unit", &e_unit), ("to_campaign", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        lars.get(res.location())
            .await
            .body
            .contains("Vælg den kampagne")
    );
    assert_eq!(company_id(&app, C), None);
    let res = lars
        .post(
            "/population/add",
            &[
                ("unit", &c_unit),
                ("unit", &e_unit),
                ("to_campaign", "1"),
                ("campaign_id", &campaign_id),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let flash = lars.get(res.location()).await;
    assert!(
        flash
            .body
            .contains("2 virksomheder er oprettet i registret og 2 sat på kampagnens liste"),
        "{}",
        flash.body
    );
    let on_list: i64 = campaign_targets::table
        .filter(campaign_targets::campaign_id.eq(campaign.id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(on_list, 2);
    // The outreach list shows the protection, on the page and in its export.
    let show = lars.get(&format!("/campaigns/{}", campaign.id)).await;
    assert!(show.body.contains("Reklamebeskyttet"));
    let csv = lars
        .get(&format!("/campaigns/{}/targets.csv", campaign.id))
        .await;
    assert!(csv.body.contains("Reklamebeskyttet"));
    assert!(csv.body.contains("Køge Frisør;"), "{}", csv.body);
    let frisor = csv
        .body
        .lines()
        .find(|l| l.starts_with("Køge Frisør"))
        .unwrap();
    assert!(frisor.ends_with(";Ja"), "{frisor}");
    // Adding the same unit again makes no second company.
    let before: i64 = companies::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    lars.post("/population/add", &[("unit", &c_unit)]).await;
    let after: i64 = companies::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(before, after);

    // Another jobcenter sees none of it and cannot add Køge's units.
    let stevns = app.signed_in("admin@stevns.dk").await;
    let theirs = stevns.get("/population").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("Ny Bager") && !theirs.body.contains("Havnens"));
    let res = stevns
        .post("/population/add", &[("one", &unit_id(&app, B).to_string())])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let stevns_companies: i64 = companies::table
        .filter(companies::jobcenter_id.eq(seed.other_jobcenter.id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(stevns_companies, 1, "only its own Ny Bager");
    // A ceased unit's company says so, on its page and in the list.
    let smedje = app.add_company(&seed.jobcenter, "Lukket Smedje ApS");
    diesel::update(companies::table.find(smedje.id))
        .set((
            companies::cvr.eq(cvr(2)),
            companies::p_number.eq(Some(B.to_string())),
        ))
        .execute(&mut app.conn())
        .unwrap();
    let page = lars.get(&format!("/companies/{}", smedje.id)).await;
    assert!(page.body.contains("Ophørt 31-03-2026"), "{}", page.body);
    let list = lars.get("/companies?q=smedje").await;
    assert!(list.body.contains("Ophørt 31-03-2026"));
}

#[actix_web::test]
async fn the_cooperation_rate_counts_the_whole_municipality_once_an_extract_is_in() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Samarbejde ApS");
    diesel::update(companies::table.find(company.id))
        .set((
            companies::employees.eq(Some(EmployeeBand::B10)),
            companies::status.eq(CompanyStatus::Active),
        ))
        .execute(&mut app.conn())
        .unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    Activity::create(
        &mut app.conn(),
        seed.jobcenter.id,
        &ActivityInput {
            company_id: company.id,
            user_id: seed.consultant.id,
            kind: ActivityKind::Visit,
            occurred_on: day,
            topics: Vec::new(),
            summary: String::new(),
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
    let lars = app.signed_in("leder@koege.dk").await;
    let work = "/dashboard.csv?period=2026-H2&table=work";
    // The register alone: one company with employees, contacted.
    let rows = csv_rows(&lars.get(work).await.body);
    assert_eq!(row(&rows, "Samarbejdsgrad i registret")[0], "100,0");
    // The municipality has four units in operation with employees (and one without).
    import(
        &lars,
        &extract(&[
            line(
                A,
                &cvr(1),
                "Samarbejde ApS",
                "4600",
                "561010",
                "10-19",
                "",
                "Nej",
            ),
            line(B, &cvr(2), "To ApS", "4600", "251100", "5-9", "", "Nej"),
            line(C, &cvr(3), "Tre ApS", "4600", "960210", "1-4", "", "Ja"),
            line(
                D,
                &cvr(4),
                "Fire ApS",
                "4681",
                "642020",
                "200-499",
                "",
                "Nej",
            ),
            line(E, &cvr(5), "Holding ApS", "4600", "642020", "0", "", "Nej"),
        ]),
    )
    .await;
    let rows = csv_rows(&lars.get(work).await.body);
    assert_eq!(
        row(&rows, "Samarbejdsgrad blandt kommunens virksomheder (CVR)")[0],
        "25,0"
    );
    let reach = csv_rows(&lars.get("/dashboard.csv?table=reach").await.body);
    let base = reach
        .iter()
        .find(|(label, _)| label.starts_with("Produktionsenheder i kommunen i drift med ansatte"))
        .expect("the base says where it comes from");
    assert_eq!(base.1[0], "4");
    let page = lars.get("/dashboard?period=2026-H2").await;
    assert!(page.body.contains("CVR-udtrækket importeret"));
}

#[actix_web::test]
async fn the_list_pages_through_every_unit_once_and_keeps_its_filter() {
    let app = app().await;
    app.seed();
    let lars = app.signed_in("leder@koege.dk").await;
    let lines: Vec<String> = (0..60u32)
        .map(|i| {
            let name = format!("Firma {i:02} ApS");
            line(
                1_000_000_100 + u64::from(i),
                &cvr(10 + i),
                &name,
                "4600",
                "561010",
                "1-4",
                "",
                "Nej",
            )
        })
        .collect();
    import(&lars, &extract(&lines)).await;
    let names = |body: &str| -> Vec<String> {
        body.match_indices("Firma ")
            .map(|(i, _)| body[i..i + 8].to_string())
            .filter(|n| n.ends_with(|c: char| c.is_ascii_digit()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let first = lars.get("/population?industry=56").await;
    let next = first.link("rel=\"next\"").expect("a next page");
    assert!(next.contains("industry=56"), "{next}");
    let second = lars.get(&next).await;
    let (a, b) = (names(&first.body), names(&second.body));
    assert_eq!(a.len(), 50);
    assert_eq!(b.len(), 10);
    assert!(a.iter().all(|n| !b.contains(n)), "no unit twice");
    assert!(second.link("rel=\"next\"").is_none());
    assert!(second.body.contains("Første side"));
}
