//! The public contact form through HTTP, as a company on the municipality's site uses it.

use crate::common;
use crate::common::app;
use crate::contact_support::{cvr, request_fields, set, stamp_of};
use actix_web::http::StatusCode;
use chrono::{Datelike, TimeDelta};
use jobcenter_crm::domain::dates;
use jobcenter_crm::models::contact_request::{RequestStatus, SpamReason};
use jobcenter_crm::models::settings::Settings;

#[actix_web::test]
async fn the_form_works_without_signing_in_and_says_what_happens_next() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let form = client.get("/kontakt/koege").await;
    assert_eq!(form.status, StatusCode::OK);
    for label in [
        r#"<label for="company_name">Virksomhedens navn</label>"#,
        r#"<label for="cvr">CVR-nummer"#,
        r#"<label for="contact_name">Dit navn</label>"#,
        r#"<label for="email">E-mail"#,
        r#"<label for="phone">Telefon"#,
        r#"<label for="message">Din besked</label>"#,
        r#"<label for="consent">"#,
        "<legend>Hvad drejer det sig om?</legend>",
        r#"<label for="topic-smaajob_fleksjob">Småjob eller fleksjob</label>"#,
    ] {
        assert!(form.body.contains(label), "{label} missing");
    }
    // Its own layout: no staff navigation, no sign-out.
    assert!(form.body.contains("Jobcenter Køge"));
    assert!(!form.body.contains("Log ud"));
    assert!(!form.body.contains("href=\"/companies\""));
    // The honeypot is hidden from people and from screen readers.
    assert!(form.body.contains(r#"<div class="hp" aria-hidden="true">"#));

    let res = app
        .fill_in(&client, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/kontakt/tak?jobcenter=koege");
    let thanks = client.get(res.location()).await;
    assert_eq!(thanks.status, StatusCode::OK);
    assert!(thanks.body.contains("Tak for din henvendelse"));
    assert!(thanks.body.contains("inden for 2 arbejdsdage"));
    assert!(
        !thanks.body.contains("kvittering"),
        "no mail server, no receipt"
    );

    let request = app.only_request();
    assert_eq!(request.company_name, "Køge Havnekiosk ApS");
    assert_eq!(request.status, RequestStatus::New);
    assert!(request.consent);
}

#[actix_web::test]
async fn kontakt_serves_the_only_jobcenter_or_offers_the_choice() {
    let app = app().await;
    app.add_jobcenter("Jobcenter Køge", "koege");
    let client = app.client();
    let form = client.get("/kontakt").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"action="/kontakt""#));
    let res = app.fill_in(&client, "/kontakt", &request_fields()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.requests().len(), 1);

    app.add_jobcenter("Jobcenter Stevns", "stevns");
    let choice = client.get("/kontakt").await;
    assert_eq!(choice.status, StatusCode::OK);
    assert!(choice.body.contains(r#"href="/kontakt/koege""#));
    assert!(choice.body.contains(r#"href="/kontakt/stevns""#));
    assert_eq!(
        client.get("/kontakt/ukendt").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_request_lands_in_its_own_jobcenter_and_nowhere_else() {
    let app = app().await;
    let seed = app.seed();
    let client = app.client();
    let mut fields = request_fields();
    set(&mut fields, "company_name", "Stevns Tømrer");
    app.fill_in(&client, "/kontakt/stevns", &fields).await;
    let request = app.only_request();
    assert_eq!(request.jobcenter_id, seed.other_jobcenter.id);

    let stevns = app.signed_in("admin@stevns.dk").await;
    assert!(
        stevns
            .get("/requests?tab=new")
            .await
            .body
            .contains("Stevns Tømrer")
    );
    let koege = app.signed_in("konsulent@koege.dk").await;
    for tab in ["new", "open", "mine", "answered", "closed"] {
        let page = koege.get(&format!("/requests?tab={tab}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Stevns Tømrer"), "tab {tab}");
    }
    let url = format!("/requests/{}", request.id);
    assert_eq!(koege.get(&url).await.status, StatusCode::NOT_FOUND);
    koege.get("/requests").await;
    for act in ["take", "answered", "close", "spam", "reopen"] {
        let res = koege.post(&format!("{url}/{act}"), &[]).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{act}");
    }
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/requests").await;
    let res = manager
        .post(
            &format!("{url}/assign"),
            &[("assignee", &seed.consultant.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.only_request().status, RequestStatus::New);
}

#[actix_web::test]
async fn a_matching_cvr_assigns_the_request_to_the_fixed_contact() {
    let app = app().await;
    let seed = app.seed();
    let number = cvr(1);
    let company = app.add_company_with(
        seed.jobcenter.id,
        "Køge Havnekiosk ApS",
        &number,
        Some(seed.consultant.id),
    );
    // The same CVR in the neighbouring jobcenter does not interfere.
    app.add_company_with(seed.other_jobcenter.id, "Kiosken", &number, None);
    let client = app.client();
    let mut fields = request_fields();
    let typed = format!("DK {} {}", &number[..4], &number[4..]);
    set(&mut fields, "cvr", &typed);
    app.fill_in(&client, "/kontakt/koege", &fields).await;

    let request = app.only_request();
    assert_eq!(request.company_id, Some(company.id));
    assert_eq!(request.assigned_to, Some(seed.consultant.id));
    assert_eq!(request.status, RequestStatus::Assigned);
    assert_eq!(request.cvr.as_deref(), Some(number.as_str()));
    // The fixed contact is told at once.
    let mails = app.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "konsulent@koege.dk");
    assert!(mails[0].body.contains(&format!("/requests/{}", request.id)));

    let consultant = app.signed_in("konsulent@koege.dk").await;
    let mine = consultant.get("/requests?tab=mine").await;
    assert!(mine.body.contains("Køge Havnekiosk ApS"));
    assert!(mine.body.contains(r#"Henvendelser <span class="badge">1<"#));
    let page = consultant.get(&format!("/requests/{}", request.id)).await;
    assert!(
        page.body
            .contains(&format!(r#"href="/companies/{}""#, company.id))
    );
    assert!(
        page.body
            .contains("Tildelt virksomhedens faste kontakt: Karen Konsulent")
    );
}

#[actix_web::test]
async fn a_matching_p_number_wins_over_the_cvr() {
    let app = app().await;
    let seed = app.seed();
    let number = cvr(2);
    app.add_company_with(
        seed.jobcenter.id,
        "Hovedkontor",
        &number,
        Some(seed.manager.id),
    );
    let input = jobcenter_crm::models::company::CompanyForm {
        cvr: number.clone(),
        p_number: "1012345678".into(),
        name: "Afdeling Ringsted".into(),
        status: "active".into(),
        fixed_contact_id: seed.consultant.id.to_string(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let branch = jobcenter_crm::models::company::Company::create(
        &mut app.conn(),
        seed.jobcenter.id,
        &input,
        app.now(),
    )
    .unwrap();
    let client = app.client();
    let mut fields = request_fields();
    set(&mut fields, "cvr", &number);
    set(&mut fields, "p_number", "1012345678");
    app.fill_in(&client, "/kontakt/koege", &fields).await;
    let request = app.only_request();
    assert_eq!(request.company_id, Some(branch.id));
    assert_eq!(request.assigned_to, Some(seed.consultant.id));
}

#[actix_web::test]
async fn invalid_input_is_refused_next_to_each_field_and_nothing_is_saved() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let mut fields = request_fields();
    set(&mut fields, "email", "mette@");
    set(&mut fields, "cvr", "12345678");
    set(&mut fields, "message", "   ");
    set(&mut fields, "consent", "");
    let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (id, msg) in [
        ("email-error", "Skriv en gyldig e-mailadresse"),
        ("cvr-error", "CVR-nummeret er ikke gyldigt"),
        ("message-error", "Skriv, hvad vi kan hjælpe med."),
        ("consent-error", "Sæt kryds"),
    ] {
        assert!(res.body.contains(&format!(r#"id="{id}""#)), "{id}");
        assert!(res.body.contains(msg), "{msg}");
    }
    assert!(res.body.contains("Der er fejl i formularen"));
    // What was typed is kept, in the public layout.
    assert!(res.body.contains(r#"value="mette@""#));
    assert!(res.body.contains(r#"value="Køge Havnekiosk ApS""#));
    assert!(!res.body.contains("Log ud"));
    assert!(app.requests().is_empty());

    // Neither e-mail nor phone: one of them is needed.
    let mut fields = request_fields();
    set(&mut fields, "email", "");
    let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("e-mailadresse eller et telefonnummer"));
    // A CPR number in the message.
    let mut fields = request_fields();
    set(&mut fields, "message", "Det drejer sig om 010190-1234");
    let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("CPR-nummer"));
    assert!(app.requests().is_empty());
}

#[actix_web::test]
async fn the_honeypot_keeps_robots_out_of_the_inbox() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let mut fields = request_fields();
    set(&mut fields, "homepage", "http://cheap-pills.example");
    set(&mut fields, "company_name", "Robot ApS");
    let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
    // The robot is thanked like everyone else and learns nothing.
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/kontakt/tak?jobcenter=koege");
    let request = app.only_request();
    assert_eq!(request.status, RequestStatus::Spam);
    assert_eq!(request.spam_reason, Some(SpamReason::Honeypot));
    assert!(app.mails().is_empty(), "nobody is told about spam");

    let consultant = app.signed_in("konsulent@koege.dk").await;
    assert!(!consultant.get("/requests").await.body.contains("Robot ApS"));
    assert!(
        !consultant
            .get("/requests?tab=new")
            .await
            .body
            .contains("Robot ApS")
    );
    assert!(!consultant.get("/").await.body.contains(r#"class="badge""#));
    let url = format!("/requests/{}", request.id);
    assert_eq!(consultant.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        consultant.get("/requests?tab=spam").await.status,
        StatusCode::FORBIDDEN
    );
    // Kept for a manager to check, with its count on the tab.
    let admin = app.signed_in("leder@koege.dk").await;
    let spam = admin.get("/requests?tab=spam").await;
    assert!(spam.body.contains("Robot ApS"));
    assert!(
        spam.body.contains(r#"Spam <span class="badge">1</span>"#),
        "{}",
        spam.body
    );
    assert!(
        admin
            .get(&url)
            .await
            .body
            .contains("Det skjulte felt var udfyldt")
    );
}

#[actix_web::test]
async fn a_form_sent_faster_than_a_person_types_is_confirmed_not_dropped() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let form = client.get("/kontakt/koege").await;
    app.clock.advance(TimeDelta::seconds(1));
    let mut fields = request_fields();
    set(
        &mut fields,
        "message",
        "Vi søger to medarbejdere.\r\nGerne fra 1. marts.",
    );
    let res = app
        .send_form(&client, "/kontakt/koege", &stamp_of(&form), &fields)
        .await;
    // Not thanked, not kept: shown back to confirm.
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Bekræft din henvendelse"));
    assert!(!res.body.contains("Tak for din henvendelse"));
    assert!(app.requests().is_empty());
    // The confirm step is sent as fast again, and the request is kept and routed.
    let hidden = |name: &str| {
        let marker = format!(r#"name="{name}" value=""#);
        let start = res.body.find(&marker).unwrap() + marker.len();
        common::unescape(res.body[start..].split('"').next().unwrap())
    };
    let mut confirmed: Vec<(&'static str, String)> = fields.clone();
    confirmed.push(("confirm", hidden("confirm")));
    set(&mut confirmed, "message", &hidden("message"));
    let sent = app
        .send_form(&client, "/kontakt/koege", &hidden("stamp"), &confirmed)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let request = app.only_request();
    assert_eq!(request.status, RequestStatus::New);
    assert!(request.message.contains("Gerne fra 1. marts."));
    // A forged confirmation is shown back again rather than taken.
    let form = client.get("/kontakt/koege").await;
    let mut forged = request_fields();
    forged.push(("confirm", "ja".to_string()));
    let res = app
        .send_form(&client, "/kontakt/koege", &stamp_of(&form), &forged)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Bekræft din henvendelse"));
    assert_eq!(app.requests().len(), 1);
}

#[actix_web::test]
async fn a_stamp_from_another_jobcenter_or_a_forged_one_is_handed_out_again() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let stevns = client.get("/kontakt/stevns").await;
    app.clock.advance(TimeDelta::seconds(20));
    for stamp in [stamp_of(&stevns), "1.1.x.forged".to_string()] {
        let res = app
            .send_form(&client, "/kontakt/koege", &stamp, &request_fields())
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Formularen var udløbet"));
        assert_ne!(stamp_of(&res), stamp);
        assert!(res.body.contains(r#"value="Mette Hansen""#));
    }
    // An old form too.
    let koege = client.get("/kontakt/koege").await;
    app.clock.advance(TimeDelta::hours(25));
    let res = app
        .send_form(
            &client,
            "/kontakt/koege",
            &stamp_of(&koege),
            &request_fields(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.requests().is_empty());
}

#[actix_web::test]
async fn the_rate_limit_follows_its_setting_and_zero_turns_it_off() {
    let app = common::app_with(|c| c.contact_form_limit = 2).await;
    app.seed();
    let client = app.client();
    for n in 0..2 {
        let mut fields = request_fields();
        set(&mut fields, "company_name", &format!("Firma {n}"));
        let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "submission {n}");
    }
    let res = app
        .fill_in(&client, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);

    let app = common::app_with(|c| c.contact_form_limit = 0).await;
    app.seed();
    let client = app.client();
    for n in 0..8 {
        let mut fields = request_fields();
        set(&mut fields, "company_name", &format!("Firma {n}"));
        let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "submission {n}");
    }
    assert_eq!(app.requests().len(), 8);
}

#[actix_web::test]
async fn the_rate_limit_answers_429_with_a_friendly_page() {
    let app = app().await;
    app.seed();
    let client = app.client();
    for n in 0..5 {
        let mut fields = request_fields();
        set(&mut fields, "company_name", &format!("Firma {n}"));
        let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "submission {n}");
    }
    let res = app
        .fill_in(&client, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Vent 10 minutter"));
    assert!(
        res.body
            .contains(">Vi søger to medarbejdere til sommeren. Kan I hjælpe?<"),
        "the message comes back to copy: {}",
        res.body
    );
    assert!(!res.body.contains("Log ud"));
    assert_eq!(res.header("retry-after"), "600");
    assert_eq!(app.requests().len(), 5);
    // Another address is not affected, and the limit passes with time.
    let other = app.client();
    other.set_ip("198.51.100.20");
    let res = app
        .fill_in(&other, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.clock.advance(TimeDelta::minutes(10));
    let res = app
        .fill_in(&client, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.requests().len(), 7);
    // Only keyed hashes of the addresses are stored.
    use diesel::prelude::*;
    use jobcenter_crm::db::schema::contact_form_hits;
    let hashes: Vec<String> = contact_form_hits::table
        .select(contact_form_hits::client_hash)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(hashes.len(), 7);
    assert!(hashes.iter().all(|h| h.len() == 64 && !h.contains("203.0")));
}

#[actix_web::test]
async fn forty_parallel_submissions_from_one_address_keep_the_limit() {
    let app = app().await;
    app.seed();
    let clients: Vec<_> = (0..40).map(|_| app.client()).collect();
    let mut stamps = Vec::new();
    for client in &clients {
        stamps.push(stamp_of(&client.get("/kontakt/koege").await));
    }
    app.clock.advance(TimeDelta::seconds(20));
    let forms: Vec<_> = (0..40)
        .map(|n| {
            let mut fields = request_fields();
            set(&mut fields, "company_name", &format!("Firma {n}"));
            fields
        })
        .collect();
    let answers =
        futures_util::future::join_all(clients.iter().zip(&stamps).zip(&forms).map(
            |((client, stamp), fields)| app.send_form(client, "/kontakt/koege", stamp, fields),
        ))
        .await;
    let accepted = answers
        .iter()
        .filter(|r| r.status == StatusCode::SEE_OTHER)
        .count();
    let limited = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(accepted + limited, 40);
    assert!((1..=5).contains(&accepted), "{accepted} accepted");
    assert_eq!(app.requests().len(), accepted);
}

#[actix_web::test]
async fn a_message_of_5000_emoji_is_taken_and_a_longer_one_comes_back_with_its_text() {
    let app = app().await;
    app.seed();
    let client = app.client();
    // 5,000 characters of four bytes each, percent-encoded: 60 KB of form.
    let form = client.get("/kontakt/koege").await;
    app.clock.advance(TimeDelta::seconds(20));
    let mut fields = request_fields();
    let emoji = "🙂".repeat(5000);
    set(&mut fields, "message", &emoji);
    let res = app
        .send_form(&client, "/kontakt/koege", &stamp_of(&form), &fields)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.only_request().message, emoji);

    // One character too many: refused next to the field, the text kept in it.
    let form = client.get("/kontakt/koege").await;
    app.clock.advance(TimeDelta::seconds(20));
    set(&mut fields, "message", &format!("{emoji}æ"));
    let res = app
        .send_form(&client, "/kontakt/koege", &stamp_of(&form), &fields)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(&format!("{emoji}æ")));
    assert_eq!(app.requests().len(), 1);
}

#[actix_web::test]
async fn a_body_too_large_answers_413_with_the_text_back_and_the_phone_number() {
    let app = app().await;
    let seed = app.seed();
    let mut settings = Settings::get(&mut app.conn(), seed.jobcenter.id).unwrap();
    settings.entry_phone = "56 67 67 67".into();
    settings.save(&mut app.conn()).unwrap();
    let client = app.client();
    let form = client.get("/kontakt/koege").await;
    app.clock.advance(TimeDelta::seconds(20));
    let mut fields = request_fields();
    let long = format!("Vi søger tre lagermedarbejdere. {}", "a".repeat(150 * 1024));
    set(&mut fields, "message", &long);
    let res = app
        .send_form(&client, "/kontakt/koege", &stamp_of(&form), &fields)
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("Henvendelsen er for lang"));
    assert!(
        res.body.contains("Vi søger tre lagermedarbejdere."),
        "the text comes back"
    );
    assert!(res.body.contains(r#"href="tel:56676767""#));
    assert!(app.requests().is_empty());

    // Beyond what is read at all: still a page in Danish with the phone number.
    let form = client.get("/kontakt/koege").await;
    set(&mut fields, "message", &"a".repeat(300 * 1024));
    let res = app
        .send_form(&client, "/kontakt/koege", &stamp_of(&form), &fields)
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("For meget indhold"));
    assert!(res.body.contains(r#"href="tel:56676767""#), "{}", res.body);
    assert!(app.requests().is_empty());
}

#[actix_web::test]
async fn a_double_submit_with_the_same_form_makes_one_request() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let form = client.get("/kontakt/koege").await;
    app.clock.advance(TimeDelta::seconds(20));
    let stamp = stamp_of(&form);
    let first = app
        .send_form(&client, "/kontakt/koege", &stamp, &request_fields())
        .await;
    let second = app
        .send_form(&client, "/kontakt/koege", &stamp, &request_fields())
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(second.location(), first.location());
    assert_eq!(app.requests().len(), 1);
    // A new form is a new request.
    app.fill_in(&client, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(app.requests().len(), 2);
}

#[actix_web::test]
async fn markup_in_a_request_is_shown_as_text() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let mut fields = request_fields();
    set(&mut fields, "company_name", "<b>Fed</b> & Co");
    set(
        &mut fields,
        "message",
        "<script>alert(\"x\")</script>\nLinje to",
    );
    set(
        &mut fields,
        "contact_name",
        "\"><img src=x onerror=alert(1)>",
    );
    app.fill_in(&client, "/kontakt/koege", &fields).await;
    let id = app.only_request().id;
    let consultant = app.signed_in("konsulent@koege.dk").await;
    for page in [
        consultant.get(&format!("/requests/{id}")).await,
        consultant.get("/requests?tab=new").await,
    ] {
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("<script>alert"));
        assert!(!page.body.contains("<b>Fed</b>"));
        assert!(!page.body.contains("<img src=x"));
        assert!(page.body.contains("&#60;b&#62;Fed&#60;/b&#62; &#38; Co"));
    }
    let page = consultant.get(&format!("/requests/{id}")).await;
    assert!(
        page.body
            .contains("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;")
    );
}

#[actix_web::test]
async fn the_consent_text_links_the_privacy_page_of_the_jobcenter() {
    let app = app().await;
    let seed = app.seed();
    let mut settings = Settings::defaults(seed.jobcenter.id);
    settings.privacy_url = "https://koege.dk/privatliv".into();
    settings.answer_promise_days = 3;
    settings.save(&mut app.conn()).unwrap();
    let client = app.client();
    let form = client.get("/kontakt/koege").await;
    assert!(
        form.body
            .contains(r#"<a href="https://koege.dk/privatliv""#)
    );
    assert!(form.body.contains("inden for 3 arbejdsdage"));
    // The neighbour has not set one.
    let other = client.get("/kontakt/stevns").await;
    assert!(!other.body.contains("privatliv"));
}

#[actix_web::test]
async fn a_form_without_its_token_is_refused_in_plain_danish() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client.get("/kontakt/koege").await;
    let mut fields: Vec<(&str, String)> = request_fields();
    fields.push(("csrf_token", "forkert".into()));
    let res = client.post_raw("/kontakt/koege", &fields, &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Formularen er udløbet"));
    assert!(!res.body.contains("Log ud"));
    assert!(app.requests().is_empty());
}

#[actix_web::test]
async fn the_promised_answer_date_counts_danish_days() {
    let app = app().await;
    let seed = app.seed();
    // 23:30 UTC on a Monday is already Tuesday in Denmark (00:30 in winter, 01:30 in summer).
    let now = app.now();
    let mut monday = now.date() + chrono::Days::new(1);
    while monday.weekday() != chrono::Weekday::Mon {
        monday = monday + chrono::Days::new(1);
    }
    let late_evening = monday.and_hms_opt(23, 30, 0).unwrap();
    app.clock.advance(late_evening - now);
    let client = app.client();
    let res = app
        .fill_in(&client, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let thanks = client.get(res.location()).await;
    // Two working days after the Tuesday it was sent: the Thursday.
    let thursday = monday + chrono::Days::new(3);
    let expected = format!("senest torsdag {}", dates::dk_date(thursday));
    assert!(
        thanks.body.contains(&expected),
        "{expected}: {}",
        thanks.body
    );
    // The consultant it is given to is told the same date.
    let request = app.only_request();
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/requests").await;
    let res = manager
        .post(
            &format!("/requests/{}/assign", request.id),
            &[("assignee", &seed.consultant.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mail = app
        .mails()
        .into_iter()
        .find(|m| m.to_address == "konsulent@koege.dk")
        .expect("a mail to the assignee");
    assert!(mail.body.contains(&expected), "{}", mail.body);
}

/// The radio group's error is tied to each radio; e-mail and phone say in their own
/// descriptions that one of them is needed, instead of both being marked "(valgfri)".
#[actix_web::test]
async fn group_errors_and_either_or_fields_are_described_on_the_fields() {
    let app = app().await;
    app.seed();
    let client = app.client();
    let form = client.get("/kontakt/koege").await;
    for field in ["email", "phone"] {
        let label = form.body[form
            .body
            .find(&format!(r#"<label for="{field}">"#))
            .unwrap()..]
            .split("</label>")
            .next()
            .unwrap()
            .to_string();
        assert!(!label.contains("valgfri"), "{label}");
        assert!(
            form.body
                .contains(&format!(r#"aria-describedby="{field}-hint""#))
        );
    }
    assert!(
        form.body
            .contains("Skriv e-mail eller telefon – gerne begge.")
    );

    let mut fields = request_fields();
    set(&mut fields, "topic", "");
    let res = app.fill_in(&client, "/kontakt/koege", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(r#"id="topic-error""#));
    let radios = res.body.matches(r#"type="radio""#).count();
    assert!(radios > 1);
    assert_eq!(
        res.body
            .matches(r#"aria-describedby="topic-error" aria-invalid="true""#)
            .count(),
        radios
    );
}
