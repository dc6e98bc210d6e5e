//! Texts a jobcenter words itself: an administrator changes the receipt and the next request's
//! mail carries it; broken texts are refused and nothing is saved; the preview, earlier
//! versions and the default; consultants and other jobcenters are kept out; the contact form
//! and its thank-you page show the jobcenter's words.

use crate::common::{app, app_with};
use crate::contact_support::request_fields;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::texts;
use jobcenter_crm::models::text::{ALL, render_wording};

fn saved_versions(app: &crate::common::TestApp) -> i64 {
    texts::table.count().get_result(&mut app.conn()).unwrap()
}

const RECEIPT_SUBJECT: &str = "Kvittering fra {{ jobcenter }} – svar senest {{ svar_senest }}";
const RECEIPT_BODY: &str = "Kære {{ virksomhed }}\r\n\r\nVi ringer inden {{ svar_senest }} om {{ emne }} & andet.\r\n\r\n{{ underskrift }}\r\n";

#[actix_web::test]
async fn an_administrator_words_the_receipt_and_the_next_request_gets_it() {
    let app = app_with(|config| config.smtp_url = Some("smtp://127.0.0.1:9".into())).await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    let list = admin.get("/admin/texts").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Kvittering til virksomheden"));
    assert!(list.body.contains("Standardtekst"));
    let page = admin.get("/admin/texts/receipt").await;
    assert!(
        page.body.contains("svar_senest"),
        "the variables are listed"
    );
    assert!(
        page.body
            .contains("Tak for henvendelsen fra Lagerhuset ApS"),
        "the default is previewed with example values: {}",
        page.body
    );

    // Preview first: shown with example values, nothing saved.
    let fields = [
        ("based_on", "0"),
        ("subject", RECEIPT_SUBJECT),
        ("body", RECEIPT_BODY),
    ];
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let shown = admin.post("/admin/texts/receipt", &preview).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("Kære Lagerhuset ApS"), "{}", shown.body);
    assert!(shown.body.contains("Eksempel på det, du har skrevet"));
    assert_eq!(saved_versions(&app), 0);

    let mut save = fields.to_vec();
    save.push(("action", "save"));
    let saved = admin.post("/admin/texts/receipt", &save).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved_versions(&app), 1);
    let list = admin.get("/admin/texts").await;
    assert!(list.body.contains("Egen tekst, ændret"), "{}", list.body);

    // The next request's receipt is in the jobcenter's words, as plain text.
    let public = app.client();
    let res = app
        .fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let receipt = app
        .mails()
        .into_iter()
        .find(|m| m.to_address == "mette@kiosk.dk")
        .expect("a receipt");
    assert!(
        receipt
            .subject
            .starts_with("Kvittering fra Jobcenter Køge – svar senest "),
        "{}",
        receipt.subject
    );
    assert!(
        receipt
            .body
            .starts_with("Kære Køge Havnekiosk ApS\n\nVi ringer inden "),
        "{}",
        receipt.body
    );
    assert!(
        receipt.body.contains("om rekruttering & andet."),
        "not HTML-escaped"
    );

    // The change is in the audit log; the default comes back with one button.
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Tekst ændret"), "{}", audit.body);
    let page = admin.get("/admin/texts/receipt").await;
    assert!(page.body.contains("Gendan standardtekst"));
    let version = texts::table
        .select(texts::id)
        .first::<i64>(&mut app.conn())
        .unwrap()
        .to_string();
    let back = admin
        .post(
            "/admin/texts/receipt/default",
            &[("based_on", version.as_str())],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin/texts/receipt").await;
    assert!(
        page.body.contains("Teksten er standardteksten."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Tidligere udgaver"));

    // The saved version can be brought back.
    let latest = texts::table
        .select(texts::id)
        .order(texts::id.desc())
        .first::<i64>(&mut app.conn())
        .unwrap()
        .to_string();
    let again = admin
        .post(
            &format!("/admin/texts/receipt/versions/{version}/restore"),
            &[("based_on", latest.as_str())],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin/texts/receipt").await;
    assert!(page.body.contains("Teksten er jobcentrets egen."));
    assert!(page.body.contains("Kære Lagerhuset ApS"), "{}", page.body);
    assert_eq!(saved_versions(&app), 3);
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Tekst gendannet"));
}

#[actix_web::test]
async fn a_broken_text_is_refused_with_where_and_keeps_what_was_typed() {
    let app = app().await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    admin.get("/admin/texts/receipt").await;
    for (body, says) in [
        ("Hej\r\n{{ unclosed", "linje 2"),
        (
            "Hej {{ nonexistent }}",
            "Variablen {{ nonexistent }} findes ikke (linje 1, kolonne 8)",
        ),
        (
            "{% include \"receipt\" %}",
            "Andre skabeloner kan ikke bruges i teksterne.",
        ),
    ] {
        let res = admin
            .post(
                "/admin/texts/receipt",
                &[
                    ("based_on", "0"),
                    ("subject", "Tak"),
                    ("body", body),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let text = crate::common::unescape(&res.body);
        assert!(text.contains(says), "{body}: {}", res.body);
        assert!(
            text.contains(&format!(">{body}</textarea>")),
            "the input is kept: {text}"
        );
    }
    // An empty subject, or one on two lines.
    for subject in ["", "To\r\nlinjer"] {
        let res = admin
            .post(
                "/admin/texts/receipt",
                &[
                    ("based_on", "0"),
                    ("subject", subject),
                    ("body", "Hej"),
                    ("action", "save"),
                ],
            )
            .await;
        assert!(
            res.status == StatusCode::UNPROCESSABLE_ENTITY || res.status == StatusCode::BAD_REQUEST,
            "{subject:?}: {}",
            res.status
        );
    }
    assert_eq!(saved_versions(&app), 0);
    assert_eq!(
        admin.get("/admin/texts/unknown").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn two_administrators_saving_at_once_do_not_overwrite_each_other() {
    let app = app().await;
    app.seed();
    let first = app.signed_in("admin@koege.dk").await;
    first.get("/admin/texts/intro").await;
    let save = |text: &'static str| [("based_on", "0"), ("body", text), ("action", "save")];
    assert_eq!(
        first
            .post(
                "/admin/texts/intro",
                &save("Skriv til os, {{ jobcenter }}.")
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let late = first
        .post(
            "/admin/texts/intro",
            &save("Min egen tekst, skrevet samtidig."),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("Det, der er gemt nu"));
    assert!(late.body.contains("Skriv til os, {{ jobcenter }}."));
    assert!(
        late.body.contains("Min egen tekst, skrevet samtidig."),
        "kept"
    );
    assert_eq!(saved_versions(&app), 1);
}

#[actix_web::test]
async fn only_administrators_edit_texts_and_each_jobcenter_has_its_own() {
    let app = app().await;
    app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(
        consultant.get("/admin/texts").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        consultant.get("/admin/texts/receipt").await.status,
        StatusCode::FORBIDDEN
    );
    let manager = app.signed_in("leder@koege.dk").await;
    assert_eq!(
        manager.get("/admin/texts").await.status,
        StatusCode::FORBIDDEN
    );

    // Stevns words its form; Køge's stays as shipped.
    let stevns = app.signed_in("admin@stevns.dk").await;
    stevns.get("/admin/texts/intro").await;
    let res = stevns
        .post(
            "/admin/texts/intro",
            &[
                ("based_on", "0"),
                (
                    "body",
                    "Stevns hjælper jeres virksomhed.\r\n\r\nRing til os.",
                ),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let public = app.client();
    let koege = public.get("/kontakt/koege").await;
    assert!(!koege.body.contains("Stevns hjælper"));
    assert!(
        koege
            .body
            .contains("Skriv til virksomhedsservice i Jobcenter Køge")
    );
    let theirs = public.get("/kontakt/stevns").await;
    assert!(
        theirs
            .body
            .contains("<p>Stevns hjælper jeres virksomhed.</p>\n<p>Ring til os.</p>")
            || theirs
                .body
                .contains("<p>Stevns hjælper jeres virksomhed.</p><p>Ring til os.</p>"),
        "{}",
        theirs.body
    );
    // Another jobcenter's version cannot be restored from here.
    let theirs_id = texts::table
        .select(texts::id)
        .first::<i64>(&mut app.conn())
        .unwrap();
    let admin = app.signed_in("admin@koege.dk").await;
    admin.get("/admin/texts/intro").await;
    let res = admin
        .post(
            &format!("/admin/texts/intro/versions/{theirs_id}/restore"),
            &[("based_on", "0")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(saved_versions(&app), 1);
}

#[actix_web::test]
async fn the_thank_you_page_says_what_happens_next_in_the_jobcenters_words() {
    let app = app().await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    admin.get("/admin/texts/thanks").await;
    let res = admin
        .post(
            "/admin/texts/thanks",
            &[
                ("based_on", "0"),
                (
                    "body",
                    "Vi læser den i dag.\r\n\r\nVi ringer senest {{ svar_senest }}.\r\n{% if kvittering %}Se din e-mail.{% endif %}",
                ),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let public = app.client();
    let thanks = public.get("/kontakt/tak?jobcenter=koege").await;
    assert!(
        thanks.body.contains("<li>Vi læser den i dag.</li>"),
        "{}",
        thanks.body
    );
    assert!(thanks.body.contains("<li>Vi ringer senest "));
    assert!(!thanks.body.contains("Se din e-mail."));
}

/// Each shipped text rendered with its example values, as a snapshot: a change of wording
/// shows up in review.
#[test]
fn the_shipped_texts_read_as_they_should() {
    for kind in ALL {
        let rendered = render_wording(kind, &kind.default_wording(), &kind.sample()).unwrap();
        let shown = if kind.is_mail() {
            format!("Emne: {}\n\n{}", rendered.subject, rendered.body)
        } else {
            rendered.body
        };
        insta::assert_snapshot!(kind.key, shown);
    }
}

/// After a visit, the consultant sends the company a summary: prefilled from the jobcenter's
/// text, edited, CPR numbers refused, through the outbox, on the timeline and in the audit log.
#[actix_web::test]
async fn a_consultant_sends_the_company_a_summary_of_a_visit() {
    use jobcenter_crm::models::activity::{Activity, ActivityInput, ActivityKind, Topic};
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Lagerhuset ApS");
    let karen = app.signed_in("konsulent@koege.dk").await;
    karen.get(&format!("/companies/{}", company.id)).await;
    let added = karen
        .post(
            &format!("/companies/{}/contacts", company.id),
            &[("name", "Hanne Hansen"), ("email", "hanne@lagerhuset.dk")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let contact: i64 = jobcenter_crm::db::schema::contact_persons::table
        .select(jobcenter_crm::db::schema::contact_persons::id)
        .first(&mut app.conn())
        .unwrap();
    let day = app.now().date();
    let activity = Activity::create(
        &mut app.conn(),
        seed.jobcenter.id,
        &ActivityInput {
            company_id: company.id,
            user_id: seed.consultant.id,
            kind: ActivityKind::Visit,
            occurred_on: day,
            topics: vec![Topic::Smaajob, Topic::Recruitment],
            summary: "Lageret mangler to medarbejdere fra marts.".into(),
            outcome: None,
            campaign_id: None,
            contact_person_id: Some(contact),
            follow_up_on: Some(day + chrono::TimeDelta::days(10)),
            follow_up_note: "Ring om kandidaterne".into(),
            follow_up_done: false,
        },
        app.now(),
    )
    .unwrap();

    let timeline = karen.get(&format!("/companies/{}", company.id)).await;
    let link = format!("/activities/{}/summary", activity.id);
    assert!(timeline.body.contains(&link), "{}", timeline.body);
    let form = karen.get(&link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let text = crate::common::unescape(&form.body);
    for expected in [
        "Kære Hanne Hansen",
        "Tak for besøget den ",
        "Vi talte om: småjob, rekruttering.",
        "Lageret mangler to medarbejdere fra marts.",
        ": Ring om kandidaterne.",
        "Karen Konsulent",
        "E-mail: konsulent@koege.dk",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(
        text.contains(&format!(r#"value="{contact}" checked"#)),
        "the contact met is chosen"
    );

    // A CPR number in the text is refused; nothing is sent.
    let cpr = karen
        .post(
            &link,
            &[
                ("recipient", contact.to_string().as_str()),
                ("subject", "Opsummering"),
                ("body", "Vi talte om 010190-1234."),
            ],
        )
        .await;
    assert_eq!(cpr.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        cpr.body.contains("Vi talte om 010190-1234."),
        "the text is kept"
    );
    // No address: refused next to the field.
    let nowhere = karen
        .post(
            &link,
            &[
                ("recipient", "other"),
                ("to_other", ""),
                ("subject", "Opsummering"),
                ("body", "Tak for i dag."),
            ],
        )
        .await;
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nowhere.body.contains("Skriv den e-mailadresse"));
    assert!(app.mails().is_empty());

    let sent = karen
        .post(
            &link,
            &[
                ("recipient", contact.to_string().as_str()),
                ("subject", "Opsummering af besøget & aftalerne"),
                ("body", "Tak for i dag.\r\nVi sender to kandidater."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mails = app.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "hanne@lagerhuset.dk");
    assert_eq!(mails[0].subject, "Opsummering af besøget & aftalerne");
    assert_eq!(mails[0].body, "Tak for i dag.\nVi sender to kandidater.\n");
    let timeline = karen.get(&format!("/companies/{}", company.id)).await;
    assert!(
        timeline
            .body
            .contains("Opsummering sendt til hanne@lagerhuset.dk"),
        "{}",
        timeline.body
    );
    let admin = app.signed_in("admin@koege.dk").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Opsummering sendt til virksomheden"));

    // Another jobcenter's consultant finds nothing there.
    let stevns = app.signed_in("admin@stevns.dk").await;
    assert_eq!(stevns.get(&link).await.status, StatusCode::NOT_FOUND);
}
