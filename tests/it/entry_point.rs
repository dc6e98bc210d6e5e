//! The business entry point: its details on the public pages, the receipt and every footer,
//! and the Danish working days behind the promise.

use actix_web::http::StatusCode;
use chrono::{NaiveDate, TimeDelta};

use crate::common::{self, TestApp, app};
use crate::contact_support::request_fields;

/// The settings form as an admin sends it, with the entry point's details filled in.
fn settings_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("smaajob_min_hours", "2"),
        ("smaajob_max_hours", "20"),
        ("other_min_hours", "0,5"),
        ("other_max_hours", "37"),
        ("praktik_max_weeks", "13"),
        ("answer_promise_days", "2"),
        ("privacy_url", "https://koege.dk/privatliv"),
        ("team_email", ""),
        ("request_retention_months", "24"),
        ("spam_retention_days", "30"),
        ("require_two_step", "none"),
        ("access_log_retention_months", "6"),
        ("entry_name", "Virksomhedsservice Køge"),
        ("entry_phone", "56 67 67 67"),
        ("entry_email", "virksomhed@koege.dk"),
        ("entry_address", "Torvet 1, 4600 Køge"),
        ("entry_hours", "mandag–fredag 9–15"),
        ("accessibility_url", "https://was.digst.dk/koege-dk"),
        ("closing_days", ""),
    ]
}

/// Moves the clock to `at` (UTC).
fn set_clock(app: &TestApp, at: chrono::NaiveDateTime) {
    app.clock.advance(at - app.now());
}

#[actix_web::test]
async fn the_entry_point_shows_on_the_public_pages_the_receipt_and_every_footer() {
    let app = common::app_with(|c| c.smtp_url = Some("smtp://127.0.0.1:9".into())).await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    admin.get("/admin/settings").await;
    let mut bad = settings_fields();
    bad[13] = ("entry_phone", "ring til Mette");
    bad[14] = ("entry_email", "virksomhed@");
    bad[17] = ("accessibility_url", "was.digst.dk");
    let res = admin.post("/admin/settings", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Telefonnummeret må kun indeholde tal"));
    assert!(res.body.contains("begynder med https://"));
    let res = admin.post("/admin/settings", &settings_fields()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Every staff page has the footer.
    let page = admin.get("/companies").await;
    assert!(page.body.contains(r#"<footer class="site-footer">"#));
    assert!(
        page.body
            .contains(r#"<a href="https://was.digst.dk/koege-dk">Tilgængelighedserklæring</a>"#)
    );
    assert!(
        page.body
            .contains(r#"<a href="https://koege.dk/privatliv">Privatlivspolitik</a>"#)
    );
    assert!(
        page.body
            .contains(r#"<a href="tel:56676767">56 67 67 67</a>"#)
    );

    // The public form, its thank-you page and its error pages.
    let visitor = app.client();
    let form = visitor.get("/kontakt/koege").await;
    assert!(
        form.body
            .contains(r#"<a href="tel:56676767">56 67 67 67</a>"#)
    );
    assert!(form.body.contains("Virksomhedsservice Køge"));
    assert!(form.body.contains("Tilgængelighedserklæring"));
    let res = app
        .fill_in(&visitor, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let thanks = visitor.get(res.location()).await;
    assert!(
        thanks
            .body
            .contains(r#"<a href="tel:56676767">56 67 67 67</a>"#)
    );
    assert!(thanks.body.contains("Torvet 1, 4600 Køge"));
    let missing = visitor.get("/kontakt/koege/nothing-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let unknown = visitor.get("/kontakt/findes-ikke").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // The receipt gives the ways to reach the jobcenter.
    let receipt = app
        .mails()
        .into_iter()
        .find(|m| m.to_address == "mette@kiosk.dk")
        .expect("a receipt");
    assert!(
        receipt.body.contains("Telefon: 56 67 67 67"),
        "{}",
        receipt.body
    );
    assert!(receipt.body.contains("Virksomhedsservice Køge"));
}

#[actix_web::test]
async fn the_promise_skips_easter_and_the_receipt_gives_the_danish_date() {
    let app = common::app_with(|c| c.smtp_url = Some("smtp://127.0.0.1:9".into())).await;
    app.seed();
    // 23:30 UTC on Wednesday 1 April 2026 is 01:30 on skærtorsdag in Denmark.
    set_clock(
        &app,
        NaiveDate::from_ymd_opt(2026, 4, 1)
            .unwrap()
            .and_hms_opt(23, 30, 0)
            .unwrap(),
    );
    let visitor = app.client();
    let form = visitor.get("/kontakt/koege").await;
    app.clock.advance(TimeDelta::seconds(20));
    let res = app
        .send_form(
            &visitor,
            "/kontakt/koege",
            &crate::contact_support::stamp_of(&form),
            &request_fields(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Langfredag, the weekend and 2. påskedag are closed: Tuesday and Wednesday are the two
    // working days.
    let thanks = visitor.get(res.location()).await;
    assert!(
        thanks.body.contains("senest onsdag 08-04-2026"),
        "{}",
        thanks.body
    );
    let receipt = app
        .mails()
        .into_iter()
        .find(|m| m.to_address == "mette@kiosk.dk")
        .expect("a receipt");
    assert!(
        receipt.body.contains("Vi har modtaget den 02-04-2026"),
        "{}",
        receipt.body
    );
    assert!(receipt.body.contains("senest onsdag 08-04-2026"));
}

#[actix_web::test]
async fn closing_days_of_the_jobcenter_are_not_working_days() {
    let app = app().await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    admin.get("/admin/settings").await;
    let mut fields = settings_fields();
    fields.push(("closed_christmas_eve", "on"));
    fields.retain(|(k, _)| *k != "closing_days");
    fields.push(("closing_days", "29-12-2026\n30-12-2026"));
    let res = admin.post("/admin/settings", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = admin.get("/admin/settings").await;
    assert!(page.body.contains("29-12-2026\n30-12-2026"));
    // Wednesday 23 December 2026: 24 (closed here), 25 and 26 (holidays), the weekend, 29
    // and 30 (closed here): the first working day is the 28th, the second the 31st.
    set_clock(
        &app,
        NaiveDate::from_ymd_opt(2026, 12, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    );
    let visitor = app.client();
    let res = app
        .fill_in(&visitor, "/kontakt/koege", &request_fields())
        .await;
    let thanks = visitor.get(res.location()).await;
    assert!(
        thanks.body.contains("senest torsdag 31-12-2026"),
        "{}",
        thanks.body
    );
    // The clock moved weeks on: sign in again.
    let admin = app.signed_in("admin@koege.dk").await;
    admin.get("/admin/settings").await;
    let mut bad = settings_fields();
    bad.retain(|(k, _)| *k != "closing_days");
    bad.push(("closing_days", "juleaften"));
    let res = admin.post("/admin/settings", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("„juleaften“ er ikke en dato."));
}

/// The staff form's fields for a phone call from a company.
fn phone_call(cvr: &str, on: &str, at: &str) -> Vec<(&'static str, String)> {
    [
        ("channel", "phone"),
        ("received_on", on),
        ("received_time", at),
        ("company_name", "Køge Havnekiosk ApS"),
        ("cvr", cvr),
        ("p_number", ""),
        ("contact_name", "Mette Hansen"),
        ("email", ""),
        ("phone", "20 30 40 50"),
        ("topic", "recruitment"),
        ("message", "Ringede om to sommerhjælpere."),
        ("preferred_time", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

#[actix_web::test]
async fn a_phone_request_is_routed_like_the_form_and_counts_in_the_figures() {
    let app = app().await;
    let seed = app.seed();
    let cvr = crate::contact_support::cvr(11);
    let company = app.add_company_with(
        seed.jobcenter.id,
        "Køge Havnekiosk ApS",
        &cvr,
        Some(seed.consultant.id),
    );
    let lars = app.signed_in("leder@koege.dk").await;
    let page = lars
        .get(&format!("/requests/new?company={}", company.id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!(r#"value="{cvr}""#)),
        "the company's CVR is filled in"
    );
    let key_marker = r#"name="key" value=""#;
    let start = page.body.find(key_marker).unwrap() + key_marker.len();
    let key = page.body[start..].split('"').next().unwrap().to_string();

    // Bad input is refused next to its field, and nothing is saved.
    let now = jobcenter_crm::domain::dates::local_time(app.now());
    let tomorrow = (now.date() + TimeDelta::days(1)).to_string();
    let mut bad = phone_call(&cvr, &tomorrow, "25:00");
    bad[0].1 = "form".into();
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = lars.post("/requests", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vælg, hvordan henvendelsen kom ind."));
    assert!(res.body.contains("Skriv klokkeslættet som tt:mm"));
    assert!(app.requests().is_empty());

    // A call two hours ago: routed to the fixed contact, with its own received time.
    let two_hours_ago = now - TimeDelta::hours(2);
    let mut call = phone_call(
        &cvr,
        &two_hours_ago.date().to_string(),
        &two_hours_ago.format("%H:%M").to_string(),
    );
    call.push(("key", key.clone()));
    let fields: Vec<(&str, &str)> = call.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = lars.post("/requests", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // A double click puts it in once.
    lars.post("/requests", &fields).await;
    let request = app.only_request();
    assert_eq!(request.assigned_to, Some(seed.consultant.id));
    assert_eq!(request.company_id, Some(company.id));
    assert_eq!(request.registered_by, Some(seed.manager.id));
    assert_eq!(
        request.channel,
        jobcenter_crm::models::contact_request::RequestChannel::Phone
    );
    let received = jobcenter_crm::domain::dates::local_time(request.received_at);
    assert_eq!(
        received.format("%H:%M").to_string(),
        two_hours_ago.format("%H:%M").to_string()
    );

    // The fixed contact finds it with its channel, and the overview counts it by channel.
    let karen = app.signed_in("konsulent@koege.dk").await;
    let inbox = karen.get("/requests?tab=mine").await;
    assert!(
        inbox
            .body
            .contains(r#"<td data-label="Kanal">Telefon</td>"#),
        "{}",
        inbox.body
    );
    let shown = karen.get(&format!("/requests/{}", request.id)).await;
    assert!(shown.body.contains("<dd>Telefon</dd>"));
    let figures = lars.get("/dashboard.csv?table=requests").await.body;
    assert!(figures.contains("Modtaget: telefon;1;"), "{figures}");
    assert!(figures.contains("Modtaget;1;"));

    // Another jobcenter's company id is not found.
    let soren = app.signed_in("admin@stevns.dk").await;
    assert_eq!(
        soren
            .get(&format!("/requests/new?company={}", company.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn the_first_admin_sees_what_the_entry_point_lacks_and_the_form_address() {
    let app = app().await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    let home = admin.get("/").await;
    assert!(home.body.contains("Gør virksomhedsindgangen klar"));
    assert!(home.body.contains("/kontakt/koege\">"));
    assert!(home.body.contains("linket til tilgængelighedserklæringen"));
    let consultant = app.signed_in("konsulent@koege.dk").await;
    assert!(
        !consultant
            .get("/")
            .await
            .body
            .contains("Gør virksomhedsindgangen klar")
    );
    admin.get("/admin/settings").await;
    let res = admin.post("/admin/settings", &settings_fields()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !admin
            .get("/")
            .await
            .body
            .contains("Gør virksomhedsindgangen klar")
    );
}

#[actix_web::test]
async fn two_admins_saving_the_settings_at_once_overwrite_nothing() {
    let app = common::app().await;
    let seed = app.seed();
    app.add_user(
        &seed.jobcenter,
        "admin2@koege.dk",
        "Bent Admin",
        jobcenter_crm::models::user::Role::Admin,
    );
    let anne = app.signed_in("admin@koege.dk").await;
    let bent = app.signed_in("admin2@koege.dk").await;
    let page = anne.get("/admin/settings").await;
    assert!(page.body.contains(r#"name="version" value="1""#));
    bent.get("/admin/settings").await;
    let mut annes = settings_fields();
    annes.push(("version", "1"));
    let res = anne.post("/admin/settings", &annes).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Bent changes the hours on the page he opened before Anne saved.
    let mut bents = settings_fields();
    bents[0] = ("smaajob_min_hours", "3");
    bents[13] = ("entry_phone", "");
    bents.push(("version", "1"));
    let res = bent.post("/admin/settings", &bents).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("En anden har gemt en ændring"));
    assert!(
        res.body.contains("<dt>Telefon</dt><dd>56 67 67 67</dd>"),
        "Anne's value is shown: {}",
        res.body
    );
    assert!(
        res.body
            .contains(r#"id="smaajob_min_hours" name="smaajob_min_hours" value="3""#),
        "Bent's input is kept"
    );
    let saved =
        jobcenter_crm::models::settings::Settings::get(&mut app.conn(), seed.jobcenter.id).unwrap();
    assert_eq!(saved.entry_phone, "56 67 67 67");
    assert_eq!(saved.smaajob_min_hours, 2.0);

    // Reloaded, his change goes in on top of Anne's.
    let page = bent.get("/admin/settings").await;
    assert!(page.body.contains(r#"name="version" value="2""#));
    let mut again = settings_fields();
    again[0] = ("smaajob_min_hours", "3");
    again.push(("version", "2"));
    let res = bent.post("/admin/settings", &again).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let saved =
        jobcenter_crm::models::settings::Settings::get(&mut app.conn(), seed.jobcenter.id).unwrap();
    assert_eq!(
        (saved.smaajob_min_hours, saved.entry_phone.as_str()),
        (3.0, "56 67 67 67")
    );
}

/// A new jobcenter's admin is shown the first steps (colleagues, companies, settings, the
/// form's address) until staff and companies exist; the sign-in page says what to do about a
/// forgotten password; "Registrér kontakt" comes first on the start page.
#[actix_web::test]
async fn a_new_jobcenter_is_shown_where_to_begin() {
    let app = app().await;
    let seed = app.seed();
    let login = app.client().get("/login").await;
    assert!(login.body.contains("Glemt din adgangskode?"));

    let soren = app.signed_in("admin@stevns.dk").await;
    let home = soren.get("/").await;
    assert!(home.body.contains("<h2 id=\"first-h\">Kom i gang</h2>"));
    assert!(
        home.body
            .contains(r#"<a href="/admin/users/new">Opret dine kolleger</a>"#)
    );
    assert!(
        home.body
            .contains(r#"<a href="/companies/import">Importér virksomhederne</a>"#)
    );
    assert!(home.body.contains("/kontakt/stevns\">"));
    assert!(!home.body.contains("Gjort:"));
    let shortcut = home
        .body
        .find(r#"href="/activities/new">Registrér kontakt"#);
    let steps = home.body.find("Kom i gang</h2>");
    assert!(shortcut < steps, "Registrér kontakt comes first");

    app.add_company(&seed.other_jobcenter, "Stevns Maskinfabrik A/S");
    let home = soren.get("/").await;
    assert_eq!(home.body.matches("Gjort:").count(), 1);
    app.add_user(
        &seed.other_jobcenter,
        "konsulent@stevns.dk",
        "Sofie Stevns",
        jobcenter_crm::models::user::Role::Consultant,
    );
    assert!(!soren.get("/").await.body.contains("Kom i gang"));

    // Køge has staff but no companies yet; its consultants are never shown the steps.
    assert!(
        app.signed_in("admin@koege.dk")
            .await
            .get("/")
            .await
            .body
            .contains("Kom i gang")
    );
    assert!(
        !app.signed_in("konsulent@koege.dk")
            .await
            .get("/")
            .await
            .body
            .contains("Kom i gang")
    );
}
