//! Placements and their rules, which are the jobcenter's own settings.

use crate::common;
use crate::common::app;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::placements;

fn fields<'a>(
    company: &'a str,
    user: &'a str,
    kind: &'a str,
    hours: &'a str,
    start: &'a str,
    end: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("company_id", company),
        ("user_id", user),
        ("kind", kind),
        ("citizen_ref", "SAG-2026-004512"),
        ("hours_per_week", hours),
        ("start_on", start),
        ("end_on", end),
        ("status", "active"),
        ("result", ""),
        ("note", ""),
    ]
}

fn count(app: &common::TestApp) -> i64 {
    placements::table
        .count()
        .get_result(&mut app.state.db.conn().unwrap())
        .unwrap()
}

#[actix_web::test]
async fn a_smaajob_must_keep_within_its_hours() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Småjob ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    let new = format!("/placements/new?company={cid}");
    let form = client.get(&new).await;
    assert!(
        form.body
            .contains(r#"<label for="citizen_ref">Borgerens sagsnummer</label>"#)
    );
    assert!(form.body.contains("Småjob 2–20 timer"));

    let res = client
        .post(
            "/placements",
            &fields(&cid, &uid, "smaajob", "25", "2026-12-01", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Et småjob skal være mellem 2 og 20 timer om ugen.")
    );
    assert_eq!(count(&app), 0);

    let res = client
        .post(
            "/placements",
            &fields(&cid, &uid, "smaajob", "10", "2026-12-01", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = client.get(res.location()).await;
    assert!(page.body.contains("Forløbet (småjob) er registreret."));
    assert!(page.body.contains("SAG-2026-004512") && page.body.contains("10 timer/uge"));

    // Decimal comma, and a fleksjob may have more hours.
    client.get(&new).await;
    let res = client
        .post(
            "/placements",
            &fields(&cid, &uid, "fleksjob", "25,5", "01-12-2026", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let hours: Vec<f64> = placements::table
        .order(placements::id)
        .select(placements::hours_per_week)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(hours, vec![10.0, 25.5]);
}

#[actix_web::test]
async fn dates_and_the_length_of_a_praktik_are_checked_against_the_settings() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Praktik ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    client.get(&format!("/placements/new?company={cid}")).await;
    let res = client
        .post(
            "/placements",
            &fields(&cid, &uid, "loentilskud", "37", "2026-12-01", "2026-11-30"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Slutdatoen kan ikke ligge før startdatoen.")
    );
    // 13 weeks by default: 1 December to 1 March is longer.
    let res = client
        .post(
            "/placements",
            &fields(&cid, &uid, "praktik", "20", "2026-12-01", "2027-03-15"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("En virksomhedspraktik må højst vare 13 uger.")
    );
    let res = client
        .post(
            "/placements",
            &fields(&cid, &uid, "praktik", "20", "2026-12-01", "2027-02-28"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The jobcenter shortens praktik to 8 weeks: the same dates are refused now.
    let mut settings =
        jobcenter_crm::models::settings::Settings::get(&mut app.conn(), seed.jobcenter.id).unwrap();
    settings.praktik_max_weeks = 8;
    settings.save(&mut app.conn()).unwrap();
    client.get(&format!("/placements/new?company={cid}")).await;
    let res = client
        .post(
            "/placements",
            &fields(&cid, &uid, "praktik", "20", "2026-12-01", "2027-02-28"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("højst vare 8 uger"));
    assert_eq!(count(&app), 1);
}

#[actix_web::test]
async fn a_citizen_is_only_ever_a_case_reference() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Borger ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    client.get(&format!("/placements/new?company={cid}")).await;
    for (reference, message) in [
        ("010190-1234", "Det ligner et CPR-nummer."),
        ("0101901234", "Det ligner et CPR-nummer."),
        ("Jens Hansen", "aldrig borgerens navn"),
    ] {
        let mut f = fields(&cid, &uid, "smaajob", "10", "2026-12-01", "");
        f[3] = ("citizen_ref", reference);
        let res = client.post("/placements", &f).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{reference}");
        assert!(res.body.contains(message), "{reference}");
    }
    let mut f = fields(&cid, &uid, "smaajob", "10", "2026-12-01", "");
    f[9] = ("note", "Borgeren 010190-1234 starter mandag");
    let res = client.post("/placements", &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("CPR-nummer"));
    assert_eq!(count(&app), 0);
}

#[actix_web::test]
async fn the_placement_list_counts_by_kind_and_filters() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Tælling ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    let today = jobcenter_crm::web::views::local_date(app.now());
    let start = today.to_string();
    client.get(&format!("/placements/new?company={cid}")).await;
    for (kind, hours) in [("smaajob", "10"), ("smaajob", "12"), ("fleksjob", "15")] {
        let res = client
            .post("/placements", &fields(&cid, &uid, kind, hours, &start, ""))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        client.get(&format!("/placements/new?company={cid}")).await;
    }
    let page = client.get("/placements").await;
    assert!(
        page.body
            .contains("<th scope=\"row\">Småjob</th><td>2</td><td>2</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<th scope=\"row\">Fleksjob</th><td>1</td><td>1</td>")
    );
    assert!(
        page.body
            .contains("<th scope=\"row\">I alt</th><td>3</td><td>3</td>")
    );
    let filtered = client.get("/placements?kind=fleksjob").await;
    assert_eq!(filtered.body.matches("SAG-2026-004512").count(), 1);
    assert!(
        filtered
            .body
            .contains(r#"<td data-label="Konsulent">Karen Konsulent</td>"#),
        "each row names its consultant"
    );

    // Another jobcenter sees none of it.
    let other = app.signed_in("admin@stevns.dk").await;
    let page = other.get("/placements").await;
    assert!(!page.body.contains("SAG-2026-004512"));
    assert!(
        page.body
            .contains("<th scope=\"row\">I alt</th><td>0</td><td>0</td>")
    );
    let id: i64 = placements::table
        .select(placements::id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        other.get(&format!("/placements/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/placements/new?company={cid}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let oid = seed.other_admin.id.to_string();
    let res = other
        .post(
            "/placements",
            &fields(&cid, &oid, "smaajob", "10", &start, ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_placement_is_edited_with_a_version_check() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Redigér ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    client.get(&format!("/placements/new?company={cid}")).await;
    client
        .post(
            "/placements",
            &fields(&cid, &uid, "smaajob", "10", "2026-09-01", ""),
        )
        .await;
    let id: i64 = placements::table
        .select(placements::id)
        .first(&mut app.conn())
        .unwrap();
    let edit = format!("/placements/{id}/edit");
    let page = client.get(&edit).await;
    assert!(page.body.contains(r#"value="10""#));
    let mut f = fields(&cid, &uid, "smaajob", "10", "2026-09-01", "2026-11-30");
    f[7] = ("status", "ended");
    f[8] = ("result", "ordinary_job");
    f.push(("version", "1"));
    let res = client.post(&edit, &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = client.get(&format!("/companies/{cid}")).await;
    assert!(page.body.contains("Afsluttet (Ordinært job)"));
    let res = client.post_from(&edit, &edit, &f).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "version 1 is stale now");
}

#[actix_web::test]
async fn the_second_page_and_the_first_page_link_keep_the_filter() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Mange Forløb ApS");
    let client = app.signed_in("konsulent@koege.dk").await;
    let (cid, uid) = (company.id.to_string(), seed.consultant.id.to_string());
    for _ in 0..26 {
        client.get(&format!("/placements/new?company={cid}")).await;
        let res = client
            .post(
                "/placements",
                &fields(&cid, &uid, "smaajob", "10", "2026-12-01", ""),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let first = client.get("/placements?kind=smaajob").await;
    let next = first.link("rel=\"next\"").expect("a second page");
    let second = client.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body.matches("Mange Forløb ApS</a>").count(), 1);
    let back = second.link(">Første side").expect("a link back");
    assert!(
        back.starts_with("/placements?") && back.contains("kind=smaajob"),
        "{back}"
    );
    assert!(!back.contains("after="), "{back}");
}

/// "Nyt forløb" on the placement list starts with finding the company, as "Registrér kontakt"
/// does; a company of another jobcenter is never offered.
#[actix_web::test]
async fn a_new_placement_starts_by_finding_the_company() {
    let app = app().await;
    let seed = app.seed();
    let ours = app.add_company(&seed.jobcenter, "Lagerhuset Køge ApS");
    let theirs = app.add_company(&seed.other_jobcenter, "Lagerhuset Stevns ApS");
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let list = consultant.get("/placements").await;
    assert!(
        list.body
            .contains(r#"href="/placements/new">Nyt forløb</a>"#)
    );
    let pick = consultant.get("/placements/new").await;
    assert_eq!(pick.status, StatusCode::OK);
    assert!(pick.body.contains("<h1>Nyt forløb</h1>"));
    assert!(
        pick.body
            .contains(r#"<label for="q">Hvilken virksomhed?</label>"#)
    );
    let found = consultant.get("/placements/new?q=lagerhuset").await;
    assert!(
        found
            .body
            .contains(&format!(r#"href="/placements/new?company={}""#, ours.id)),
        "{}",
        found.body
    );
    assert!(!found.body.contains(&format!("company={}", theirs.id)));
    let form = consultant
        .get(&format!("/placements/new?company={}", ours.id))
        .await;
    assert!(
        form.body
            .contains(r#"<label for="citizen_ref">Borgerens sagsnummer</label>"#)
    );
    let foreign = consultant
        .get(&format!("/placements/new?company={}", theirs.id))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}
