//! Recruitment needs: recorded from a visit and from a recruitment request (which becomes
//! answered), referrals with every outcome, a hire that starts a linked placement, the status
//! history, bad input, another jobcenter, and the open-needs list's filters and pages.

use crate::common::{self, app};
use crate::contact_support::{cvr, request_fields, set};
use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{needs, placements, referrals};
use jobcenter_crm::models::contact_request::RequestStatus;

fn need_fields<'a>(company: &'a str, consultant: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("company_id", company),
        ("user_id", consultant),
        ("title", "Lagermedarbejder"),
        ("positions", "2"),
        ("kind", "ordinary"),
        ("hours_per_week", "25"),
        ("start_on", "2027-02-01"),
        ("deadline_on", "2027-03-01"),
        ("requirements", "Truckcertifikat\r\nDansk i tale"),
        ("received_on", "2026-12-04"),
    ]
}

fn set_field<'a>(fields: &mut [(&'static str, &'a str)], key: &str, value: &'a str) {
    for (k, v) in fields.iter_mut() {
        if *k == key {
            *v = value;
        }
    }
}

fn count(app: &common::TestApp, of: &str) -> i64 {
    let mut c = app.conn();
    match of {
        "needs" => needs::table.count().get_result(&mut c).unwrap(),
        "referrals" => referrals::table.count().get_result(&mut c).unwrap(),
        _ => placements::table.count().get_result(&mut c).unwrap(),
    }
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/needs/")
        .split(['#', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn a_need_from_a_visit_gets_referrals_and_a_hire_starts_the_placement() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Lageret A/S");
    let client = app.signed_in("konsulent@koege.dk").await;
    let cid = company.id.to_string();
    let uid = seed.consultant.id.to_string();
    let today = app.now().date().to_string();
    client.get(&format!("/activities/new?company={cid}")).await;
    let res = client
        .post(
            "/activities",
            &[
                ("company_id", cid.as_str()),
                ("user_id", uid.as_str()),
                ("kind", "visit"),
                ("occurred_on", today.as_str()),
                ("summary", "De mangler to på lageret."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = client.get(&format!("/companies/{cid}")).await;
    let link = page
        .link("Opret behov fra dette besøg")
        .expect("a link from the visit");
    let form = client.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!(r#"name="received_on" value="{today}""#)),
        "the visit's day"
    );

    // Bad input: named next to each field, nothing saved.
    let mut bad = need_fields(&cid, &uid);
    set_field(&mut bad, "title", "");
    set_field(&mut bad, "positions", "0");
    set_field(&mut bad, "kind", "smaajob");
    set_field(&mut bad, "deadline_on", "2027-01-15");
    set_field(&mut bad, "requirements", "Kandidat 010190-1234 passer");
    let res = client.post("/needs", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Skriv stillingens titel",
        "Skriv antal stillinger som et helt tal, mindst 1.",
        "Et småjob skal være mellem",
        "Fristen kan ikke ligge før den ønskede start",
        "CPR-nummer",
    ] {
        assert!(res.body.contains(message), "{message}: {}", res.body);
    }
    assert!(
        res.body.contains("Truck") || res.body.contains("010190"),
        "what was typed stays"
    );
    assert_eq!(count(&app, "needs"), 0);

    let activity_id = link.rsplit('=').next().unwrap();
    let mut fields = need_fields(&cid, &uid);
    fields.push(("activity_id", activity_id));
    set_field(&mut fields, "hours_per_week", "25,5");
    let res = client.post("/needs", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let need = id_from(res.location());
    let stored: (f64, Option<i64>, String) = needs::table
        .find(need)
        .select((needs::hours_per_week, needs::activity_id, needs::status))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored.0, 25.5);
    assert_eq!(stored.1, Some(activity_id.parse().unwrap()));
    assert_eq!(stored.2, "open");

    // Referrals: a CPR number is refused; each outcome is kept.
    let url = format!("/needs/{need}");
    client.get(&url).await;
    let referral = |cref: &'static str, outcome: &'static str| {
        vec![
            ("citizen_ref", cref),
            ("referred_on", "2026-12-10"),
            ("outcome", outcome),
        ]
    };
    let mut with_user = referral("010190-1234", "sent");
    with_user.push(("user_id", uid.as_str()));
    let res = client.post(&format!("{url}/referrals"), &with_user).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Det ligner et CPR-nummer"),
        "{}",
        res.body
    );
    assert_eq!(count(&app, "referrals"), 0);
    for (cref, outcome) in [
        ("SAG-1", "sent"),
        ("SAG-2", "interview"),
        ("SAG-3", "not_hired"),
        ("SAG-4", "withdrawn"),
    ] {
        let mut fields = referral(cref, outcome);
        fields.push(("user_id", uid.as_str()));
        let res = client.post(&format!("{url}/referrals"), &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{outcome}: {}", res.body);
    }
    // "Opret forløbet" only goes with a hire.
    let mut early = referral("SAG-5", "interview");
    early.extend([("user_id", uid.as_str()), ("start_placement", "1")]);
    let res = client.post(&format!("{url}/referrals"), &early).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Et forløb kan kun oprettes for en henvisning, der endte med ansættelse.")
    );
    let mut hired = referral("SAG-5", "hired");
    hired.extend([("user_id", uid.as_str()), ("start_placement", "1")]);
    let placements_before = count(&app, "placements");
    let res = client.post(&format!("{url}/referrals"), &hired).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count(&app, "referrals"), 5);
    assert_eq!(count(&app, "placements"), placements_before + 1);
    let (placement_id,): (Option<i64>,) = referrals::table
        .filter(referrals::citizen_ref.eq("SAG-5"))
        .select((referrals::placement_id,))
        .first(&mut app.conn())
        .unwrap();
    let (kind, hours, cref, start): (String, f64, String, chrono::NaiveDate) = placements::table
        .find(placement_id.expect("linked"))
        .select((
            placements::kind,
            placements::hours_per_week,
            placements::citizen_ref,
            placements::start_on,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (kind.as_str(), hours, cref.as_str()),
        ("ordinary", 25.5, "SAG-5")
    );
    assert_eq!(start.to_string(), "2027-02-01", "the need's start");
    let page = client.get(&url).await;
    for text in [
        "Sendt",
        "Til samtale",
        "Ikke ansat",
        "Trukket tilbage",
        "Ansat",
        "5 henvist, 1 ansat.",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    // Changing a referral's outcome carries its version.
    let sag2: (i64, i32) = referrals::table
        .filter(referrals::citizen_ref.eq("SAG-2"))
        .select((referrals::id, referrals::version))
        .first(&mut app.conn())
        .unwrap();
    let edit = format!("{url}/referrals/{}", sag2.0);
    client.get(&edit).await;
    let v = sag2.1.to_string();
    let change = [
        ("citizen_ref", "SAG-2"),
        ("referred_on", "2026-12-10"),
        ("user_id", uid.as_str()),
        ("outcome", "hired"),
        ("version", v.as_str()),
    ];
    assert_eq!(
        client.post(&edit, &change).await.status,
        StatusCode::SEE_OTHER
    );
    let stale = client.post(&edit, &change).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    // Looking at a need (its referrals name citizens by case) is logged.
    let looks: i64 = jobcenter_crm::db::schema::access_log::table
        .filter(jobcenter_crm::db::schema::access_log::entity.eq("need"))
        .filter(jobcenter_crm::db::schema::access_log::entity_id.eq(need))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert!(looks >= 1);

    // The company's page shows the need and its referrals.
    let page = client.get(&format!("/companies/{cid}")).await;
    assert!(page.body.contains("2 × Lagermedarbejder"));
    assert!(page.body.contains("sag SAG-5 (ansat"));
}

#[actix_web::test]
async fn a_need_from_a_recruitment_request_answers_it_and_its_status_history_is_kept() {
    let app = app().await;
    let seed = app.seed();
    let number = cvr(21);
    let company = app.add_company_with(
        seed.jobcenter.id,
        "Køge Havnekiosk ApS",
        &number,
        Some(seed.consultant.id),
    );
    let visitor = app.client();
    let mut fields = request_fields();
    set(&mut fields, "cvr", &number);
    let res = app.fill_in(&visitor, "/kontakt/koege", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let request = app.only_request();
    assert_eq!(request.company_id, Some(company.id));
    assert_ne!(request.status, RequestStatus::Answered);

    let client = app.signed_in("konsulent@koege.dk").await;
    let page = client.get(&format!("/requests/{}", request.id)).await;
    let link = page
        .link("Opret rekrutteringsbehov")
        .expect("a link from the request");
    let form = client.get(&link).await;
    assert!(
        form.body.contains("Vi søger to medarbejdere til sommeren"),
        "prefilled: {}",
        form.body
    );
    let cid = company.id.to_string();
    let uid = seed.consultant.id.to_string();
    let rid = request.id.to_string();
    let mut fields = need_fields(&cid, &uid);
    fields.push(("request_id", rid.as_str()));
    let res = client.post("/needs", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let need = id_from(res.location());
    assert_eq!(app.only_request().status, RequestStatus::Answered);

    // In progress, filled by the company, reopened, filled by the jobcenter: every move kept.
    let url = format!("/needs/{need}");
    for (status, on) in [
        ("in_progress", "2026-12-05"),
        ("filled_by_company", "2026-12-20"),
        ("open", "2027-01-04"),
        ("filled_by_jobcenter", "2027-01-20"),
    ] {
        client.get(&url).await;
        let version: i32 = needs::table
            .find(need)
            .select(needs::version)
            .first(&mut app.conn())
            .unwrap();
        let v = version.to_string();
        let res = client
            .post(
                &format!("{url}/status"),
                &[
                    ("status", status),
                    ("happened_on", on),
                    ("version", v.as_str()),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{status}: {}", res.body);
    }
    let (status, closed): (String, Option<chrono::NaiveDate>) = needs::table
        .find(need)
        .select((needs::status, needs::closed_on))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "filled_by_jobcenter");
    assert_eq!(closed.map(|d| d.to_string()).as_deref(), Some("2027-01-20"));
    let page = client.get(&url).await;
    for line in [
        "04-12-2026: Åben",
        "05-12-2026: I gang",
        "20-12-2026: Besat af virksomheden selv",
        "04-01-2027: Åben",
        "20-01-2027: Besat af jobcentret",
    ] {
        assert!(page.body.contains(line), "{line}: {}", page.body);
    }
    // A date before the need came in, or a stale version, changes nothing.
    let version: i32 = needs::table
        .find(need)
        .select(needs::version)
        .first(&mut app.conn())
        .unwrap();
    let v = version.to_string();
    let early = client
        .post(
            &format!("{url}/status"),
            &[
                ("status", "cancelled"),
                ("happened_on", "2026-11-01"),
                ("version", v.as_str()),
            ],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .body
            .contains("Datoen kan ikke ligge før, behovet kom ind.")
    );
    let stale = client
        .post(
            &format!("{url}/status"),
            &[
                ("status", "cancelled"),
                ("happened_on", "2027-01-21"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    let after: String = needs::table
        .find(need)
        .select(needs::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(after, "filled_by_jobcenter");
}

#[actix_web::test]
async fn another_jobcenter_gets_404_on_every_need_and_referral() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Lageret A/S");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    client.get("/needs/new").await;
    let res = client.post("/needs", &need_fields(&cid, &uid)).await;
    let need = id_from(res.location());
    client.get(&format!("/needs/{need}")).await;
    client
        .post(
            &format!("/needs/{need}/referrals"),
            &[
                ("citizen_ref", "SAG-1"),
                ("referred_on", "2026-12-10"),
                ("outcome", "sent"),
                ("user_id", uid.as_str()),
            ],
        )
        .await;
    let referral: i64 = referrals::table
        .select(referrals::id)
        .first(&mut app.conn())
        .unwrap();

    let stranger = app.signed_in("admin@stevns.dk").await;
    for path in [
        format!("/needs/{need}"),
        format!("/needs/{need}/edit"),
        format!("/needs/{need}/referrals/{referral}"),
        format!("/needs/new?company={cid}"),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = stranger.get("/needs").await;
    assert!(!list.body.contains("Lagermedarbejder"));
    let other_uid = seed.other_admin.id.to_string();
    for (path, fields) in [
        (
            format!("/needs/{need}/status"),
            vec![
                ("status", "cancelled"),
                ("happened_on", "2026-12-10"),
                ("version", "1"),
            ],
        ),
        (
            format!("/needs/{need}/referrals"),
            vec![
                ("citizen_ref", "SAG-9"),
                ("referred_on", "2026-12-10"),
                ("outcome", "sent"),
                ("user_id", other_uid.as_str()),
            ],
        ),
    ] {
        assert_eq!(
            stranger.post(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Nor can a need be put on this jobcenter's company from there.
    let res = stranger
        .post("/needs", &need_fields(&cid, &other_uid))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "referrals"), 1);
}

#[actix_web::test]
async fn the_open_needs_list_filters_sorts_by_deadline_and_pages() {
    let app = app().await;
    let seed = app.seed();
    let north = app.add_company(&seed.jobcenter, "Nordlageret");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (nid, uid) = (north.id.to_string(), seed.consultant.id.to_string());
    client.get("/needs/new").await;
    // 30 open needs with deadlines 1–30 January, and a småjob without one.
    for day in 1..=30 {
        let deadline = format!("2027-01-{day:02}");
        let title = format!("Stilling {day:02}");
        let mut fields = need_fields(&nid, &uid);
        set_field(&mut fields, "deadline_on", &deadline);
        set_field(&mut fields, "start_on", "");
        set_field(&mut fields, "title", &title);
        let res = client.post("/needs", &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let mut small = need_fields(&nid, &uid);
    for (k, v) in [
        ("kind", "smaajob"),
        ("hours_per_week", "8"),
        ("deadline_on", ""),
        ("start_on", ""),
        ("title", "Opvasker"),
    ] {
        set_field(&mut small, k, v);
    }
    assert_eq!(
        client.post("/needs", &small).await.status,
        StatusCode::SEE_OTHER
    );

    let first = client.get("/needs").await;
    assert!(first.body.find("Stilling 01").unwrap() < first.body.find("Stilling 02").unwrap());
    assert!(!first.body.contains("Stilling 26"), "25 a page");
    let next = first.link("rel=\"next\"").expect("a next page");
    let second = client.get(&next).await;
    assert!(second.body.contains("Stilling 26") && second.body.contains("Stilling 30"));
    assert!(
        second.body.contains("Opvasker"),
        "needs without a deadline come last"
    );
    assert!(!second.body.contains("Stilling 25"));

    let smaajob = client.get("/needs?kind=smaajob").await;
    assert!(smaajob.body.contains("Opvasker") && !smaajob.body.contains("Stilling 01"));
    let few_hours = client.get("/needs?max_hours=10").await;
    assert!(few_hours.body.contains("Opvasker") && !few_hours.body.contains("Stilling 01"));
    let soon = client.get("/needs?deadline_by=2027-01-03").await;
    assert!(
        soon.body.contains("Stilling 03")
            && !soon.body.contains("Stilling 04")
            && !soon.body.contains("Opvasker")
    );
    let bad = client.get("/needs?max_hours=mange").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Skriv et antal timer"));

    // Closed needs leave the default list.
    let last: i64 = needs::table
        .select(needs::id)
        .order(needs::id.desc())
        .first(&mut app.conn())
        .unwrap();
    client.get(&format!("/needs/{last}")).await;
    client
        .post(
            &format!("/needs/{last}/status"),
            &[
                ("status", "cancelled"),
                ("happened_on", "2026-12-10"),
                ("version", "1"),
            ],
        )
        .await;
    assert!(
        !client
            .get("/needs?kind=smaajob")
            .await
            .body
            .contains("Opvasker")
    );
    assert!(
        client
            .get("/needs?kind=smaajob&status=all")
            .await
            .body
            .contains("Opvasker")
    );

    // The export, for managers.
    assert_eq!(client.get("/needs.csv").await.status, StatusCode::FORBIDDEN);
    let manager = app.signed_in("leder@koege.dk").await;
    let csv = manager.get("/needs.csv?status=all").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains(r#""Virksomhed";"Postnummer";"Stilling""#),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("Stilling 30") && csv.body.contains("Annulleret"));
}

/// The overview's recruitment figures against a hand-built set: received in the half-year,
/// positions, how they ended, the share the jobcenter filled, the median days to fill and the
/// referrals per filled position — in all, per kind and per consultant.
#[actix_web::test]
async fn the_overview_counts_what_became_of_the_needs_received_in_the_period() {
    use chrono::NaiveDate;
    use jobcenter_crm::models::need::{Need, NeedForm, NeedStatus, Referral, ReferralForm};
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Figurfabrikken");
    let rules = jobcenter_crm::models::settings::Settings::defaults(seed.jobcenter.id);
    let now = app.now();
    let jc = seed.jobcenter.id;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut c = app.conn();
    /// (kind, positions, received, consultant, end status and day, referrals)
    type Need1<'a> = (
        &'a str,
        &'a str,
        &'a str,
        i64,
        Option<(NeedStatus, &'a str)>,
        usize,
    );
    let set: [Need1; 6] = [
        (
            "ordinary",
            "2",
            "2026-09-01",
            seed.consultant.id,
            Some((NeedStatus::FilledByJobcenter, "2026-09-11")),
            3,
        ),
        (
            "smaajob",
            "1",
            "2026-09-01",
            seed.consultant.id,
            Some((NeedStatus::FilledByJobcenter, "2026-10-01")),
            1,
        ),
        (
            "ordinary",
            "1",
            "2026-10-01",
            seed.manager.id,
            Some((NeedStatus::FilledByCompany, "2026-10-05")),
            2,
        ),
        (
            "fleksjob",
            "1",
            "2026-11-01",
            seed.manager.id,
            Some((NeedStatus::Cancelled, "2026-11-10")),
            0,
        ),
        ("ordinary", "3", "2026-11-15", seed.consultant.id, None, 1),
        // Received in the half-year before: not counted.
        (
            "ordinary",
            "5",
            "2026-05-01",
            seed.consultant.id,
            Some((NeedStatus::FilledByJobcenter, "2026-05-02")),
            4,
        ),
    ];
    for (kind, positions, received, user, end, referrals) in set {
        let hours = if kind == "smaajob" { "10" } else { "30" };
        let input = NeedForm {
            company_id: company.id.to_string(),
            user_id: user.to_string(),
            title: "Medarbejder".into(),
            positions: positions.into(),
            hours_per_week: hours.into(),
            kind: kind.into(),
            received_on: received.into(),
            ..Default::default()
        }
        .validate(&rules)
        .unwrap();
        let need = Need::create(&mut c, jc, user, &input, now).unwrap();
        for n in 0..referrals {
            let form = ReferralForm {
                citizen_ref: format!("SAG-{}-{n}", need.id),
                referred_on: received.into(),
                user_id: user.to_string(),
                outcome: if n == 0 { "hired" } else { "not_hired" }.into(),
                ..Default::default()
            };
            Referral::save(&mut c, jc, &need, None, &form.validate().unwrap(), now).unwrap();
        }
        if let Some((status, on)) = end {
            Need::set_status(
                &mut c,
                jc,
                need.id,
                need.version,
                status,
                day(on),
                user,
                now,
            )
            .unwrap();
        }
    }
    drop(c);
    let lars = app.signed_in("leder@koege.dk").await;
    let page = lars.get("/dashboard?period=2026-H2").await;
    assert!(page.body.contains("Rekrutteringsbehov pr. type"));
    let csv = lars.get("/dashboard.csv?period=2026-H2&table=needs").await;
    assert_eq!(csv.status, StatusCode::OK);
    let line = |label: &str| -> String {
        csv.body
            .lines()
            .find(|l| l.starts_with(&format!("{label};")))
            .unwrap_or_else(|| panic!("{label}: {}", csv.body))
            .to_string()
    };
    // 5 needs, 8 positions, 2 filled by the jobcenter, 1 by the company, 1 cancelled; 40 %;
    // median of 10 and 30 days; 4 referrals to 3 filled positions.
    assert_eq!(line("I alt"), "I alt;5;8;2;1;1;40,0;20,0;1,3");
    assert_eq!(line("Ordinært job"), "Ordinært job;3;6;1;1;0;33,3;10,0;1,5");
    assert_eq!(line("Småjob"), "Småjob;1;1;1;0;0;100,0;30,0;1,0");
    assert_eq!(line("Fleksjob"), "Fleksjob;1;1;0;0;1;0,0;;");
    let by_consultant = lars
        .get("/dashboard.csv?period=2026-H2&table=needs_consultants")
        .await;
    assert!(
        by_consultant
            .body
            .contains("Karen Konsulent;3;6;2;0;0;66,7;20,0;1,3"),
        "{}",
        by_consultant.body
    );

    // The figures are read from counters the triggers keep: they match a recount of the rows,
    // also after a referral and a need with referrals are deleted.
    let matches_recount = |app: &common::TestApp| {
        let counter = jobcenter_crm::db::counters::COUNTERS
            .iter()
            .find(|c| c.table == "need_month_counts")
            .unwrap();
        assert_eq!(counter.differences(&mut app.conn()).unwrap(), 0);
    };
    matches_recount(&app);
    for sql in [
        "DELETE FROM referrals WHERE id = (SELECT min(id) FROM referrals)",
        "DELETE FROM needs WHERE id = (SELECT min(id) FROM needs)",
    ] {
        diesel::sql_query(sql).execute(&mut app.conn()).unwrap();
        matches_recount(&app);
    }
    let after = lars.get("/dashboard.csv?period=2026-H2&table=needs").await;
    assert!(
        after.body.contains("I alt;4;6;1;1;1;25,0;30,0;1,0"),
        "{}",
        after.body
    );
}

/// Two people edit the same need: the second save is refused with 409 and keeps what was
/// typed; nothing of it is saved.
#[actix_web::test]
async fn a_stale_edit_of_a_need_is_refused_and_keeps_what_was_typed() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Lageret A/S");
    let karen = app.signed_in("konsulent@koege.dk").await;
    let lars = app.signed_in("leder@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    karen.get("/needs/new").await;
    let need = id_from(
        karen
            .post("/needs", &need_fields(&cid, &uid))
            .await
            .location(),
    );
    let edit = format!("/needs/{need}/edit");
    karen.get(&edit).await;
    lars.get(&edit).await;
    let mut first = need_fields(&cid, &uid);
    first.push(("version", "1"));
    set_field(&mut first, "title", "Truckfører");
    assert_eq!(lars.post(&edit, &first).await.status, StatusCode::SEE_OTHER);
    let mut second = need_fields(&cid, &uid);
    second.push(("version", "1"));
    set_field(&mut second, "title", "Pakkemedarbejder");
    let res = karen.post(&edit, &second).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body.contains(r#"value="Pakkemedarbejder""#),
        "what was typed stays"
    );
    let title: String = needs::table
        .find(need)
        .select(needs::title)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(title, "Truckfører");
}

/// A company whose only history is a recruitment need is not deleted (nor its need with it).
#[actix_web::test]
async fn a_company_with_a_need_cannot_be_deleted() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Kun behov ApS");
    let lars = app.signed_in("leder@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    lars.get("/needs/new").await;
    assert_eq!(
        lars.post("/needs", &need_fields(&cid, &uid)).await.status,
        StatusCode::SEE_OTHER
    );
    lars.get(&format!("/companies/{cid}")).await;
    lars.post(&format!("/companies/{cid}/delete"), &[]).await;
    let page = lars.get(&format!("/companies/{cid}")).await;
    assert_eq!(page.status, StatusCode::OK, "the company is still there");
    assert!(
        page.body.contains("rekrutteringsbehov og kan ikke slettes"),
        "{}",
        page.body
    );
    assert_eq!(count(&app, "needs"), 1);
}

/// A need whose consultant has been deactivated, whose campaign has finished and whose
/// contact person has left the company: its edit form still shows all three, marked, and
/// saving an edit keeps them; a deactivated colleague cannot be chosen anew.
#[actix_web::test]
async fn editing_a_need_keeps_a_former_consultant_campaign_and_contact() {
    use jobcenter_crm::db::schema::{campaigns, contact_persons, users};
    use jobcenter_crm::models::campaign::{
        Campaign, CampaignInput, CampaignStatus, CampaignTarget,
    };
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Værftet A/S");
    let jc = seed.jobcenter.id;
    let now = app.now();
    let birgit = app.add_user(
        &seed.jobcenter,
        "birgit@koege.dk",
        "Birgit Bach",
        jobcenter_crm::models::user::Role::Consultant,
    );
    let campaign = {
        let mut c = app.conn();
        let id = Campaign::create(
            &mut c,
            jc,
            &CampaignInput {
                name: "Havnens virksomheder".into(),
                purpose: String::new(),
                topics: Vec::new(),
                start_on: now.date(),
                end_on: now.date() + chrono::TimeDelta::days(30),
                target_companies: 10,
                target_placements: None,
                status: CampaignStatus::Running,
                consultant_ids: vec![birgit.id],
                regional: Default::default(),
            },
            now,
        )
        .unwrap()
        .id;
        CampaignTarget::add(&mut c, jc, id, &[company.id], now).unwrap();
        id
    };
    let karen = app.signed_in("konsulent@koege.dk").await;
    karen.get(&format!("/companies/{}", company.id)).await;
    let added = karen
        .post(
            &format!("/companies/{}/contacts", company.id),
            &[("name", "Ole Olsen"), ("email", "ole@vaerftet.dk")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let contact: i64 = contact_persons::table
        .select(contact_persons::id)
        .first(&mut app.conn())
        .unwrap();
    let (cid, uid) = (company.id.to_string(), birgit.id.to_string());
    let (campaign_id, contact_id) = (campaign.to_string(), contact.to_string());
    let mut fields = need_fields(&cid, &uid);
    fields.push(("campaign_id", &campaign_id));
    fields.push(("contact_person_id", &contact_id));
    karen.get("/needs/new").await;
    let created = karen.post("/needs", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let need = id_from(created.location());

    // Birgit leaves, the campaign ends, Ole leaves the company.
    let mut c = app.conn();
    diesel::update(users::table.find(birgit.id))
        .set(users::active.eq(false))
        .execute(&mut c)
        .unwrap();
    diesel::update(campaigns::table.find(campaign))
        .set(campaigns::status.eq("done"))
        .execute(&mut c)
        .unwrap();
    diesel::update(contact_persons::table.find(contact))
        .set(contact_persons::removed_at.eq(Some(now)))
        .execute(&mut c)
        .unwrap();
    drop(c);

    let edit = format!("/needs/{need}/edit");
    let form = karen.get(&edit).await;
    for shown in [
        format!(r#"<option value="{uid}" selected>Birgit Bach (deaktiveret)</option>"#),
        format!(r#"<option value="{campaign}" selected>Havnens virksomheder (afsluttet)</option>"#),
        format!(r#"<option value="{contact}" selected>Ole Olsen (tidligere)</option>"#),
    ] {
        assert!(form.body.contains(&shown), "{shown}: {}", form.body);
    }
    let mut edited = fields.clone();
    edited.push(("version", "1"));
    set_field(&mut edited, "title", "Svejser");
    let saved = karen.post(&edit, &edited).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let kept: (String, i64, Option<i64>, Option<i64>) = needs::table
        .find(need)
        .select((
            needs::title,
            needs::user_id,
            needs::campaign_id,
            needs::contact_person_id,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        kept,
        ("Svejser".into(), birgit.id, Some(campaign), Some(contact))
    );

    // A new need cannot be given to her.
    let refused = karen.post("/needs", &need_fields(&cid, &uid)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Vælg en aktiv konsulent fra jobcenteret.")
    );
}
