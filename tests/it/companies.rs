//! The company register through HTTP, as consultants and managers use it.

use crate::common::{Client, TestApp, app};
use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{audit_log, companies, contact_persons};
use jobcenter_crm::domain::cvr::complete_cvr;

/// The n-th valid CVR number.
fn cvr(n: u32) -> String {
    (0..)
        .filter_map(|i| complete_cvr(2_000_000 + n * 37 + i))
        .next()
        .unwrap()
}

fn company_fields<'a>(cvr: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("cvr", cvr),
        ("p_number", ""),
        ("name", name),
        ("address", "Havnen 1"),
        ("postcode", "4600"),
        ("city", "Køge"),
        ("industry_code", "561010"),
        ("industry_text", "Restauranter"),
        ("employees", "10-19"),
        ("phone", "+45 12 34 56 78"),
        ("email", "info@firma.dk"),
        ("website", "www.firma.dk"),
        ("status", "prospect"),
        ("fixed_contact_id", ""),
        ("notes", ""),
    ]
}

async fn create(client: &Client<'_>, fields: &[(&str, &str)]) -> i64 {
    let res = client
        .post_from("/companies/new", "/companies", fields)
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "create failed: {}",
        res.body
    );
    // Follow the redirect as a browser does (and see the flash message there).
    let page = client.get(res.location()).await;
    assert!(page.body.contains("er oprettet."));
    res.location()
        .trim_start_matches("/companies/")
        .parse()
        .unwrap()
}

fn count(app: &TestApp) -> i64 {
    let mut c = app.state.db.conn().unwrap();
    companies::table.count().get_result(&mut c).unwrap()
}

#[actix_web::test]
async fn a_consultant_creates_a_company_and_sees_it() {
    let app = app().await;
    let seed = app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let form = client.get("/companies/new").await;
    for label in [
        r#"<label for="cvr">CVR-nummer</label>"#,
        r#"<label for="postcode">Postnummer"#,
        r#"<label for="name">Navn</label>"#,
        r#"<label for="email">E-mail"#,
    ] {
        assert!(form.body.contains(label), "{label}");
    }
    let number = cvr(1);
    let fixed = seed.consultant.id.to_string();
    let mut fields = company_fields(&number, "Køge Havnekiosk ApS");
    fields.retain(|(k, _)| *k != "fixed_contact_id");
    fields.push(("fixed_contact_id", &fixed));
    let id = create(&client, &fields).await;
    let page = client.get(&format!("/companies/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The message was shown once, after the redirect; the next page is without it.
    assert!(!page.body.contains("er oprettet."));
    for text in [
        "Køge Havnekiosk ApS",
        number.as_str(),
        "4600 Køge",
        "Restauranter (561010)",
        "10–19",
        "Karen Konsulent",
        "www.firma.dk",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let audit: Vec<String> = audit_log::table
        .filter(audit_log::entity_id.eq(id))
        .filter(audit_log::entity.eq("company"))
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(audit, vec!["company_created"]);
}

#[actix_web::test]
async fn bad_input_is_refused_next_to_each_field_and_nothing_is_saved() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let mut fields = company_fields("12345678", "");
    for (k, v) in fields.iter_mut() {
        match *k {
            "postcode" => *v = "460",
            "email" => *v = "info@",
            "website" => *v = "javascript:alert(1)",
            "p_number" => *v = "123",
            "notes" => *v = "Borger 010190-1234 starter mandag",
            _ => {}
        }
    }
    let res = client
        .post_from("/companies/new", "/companies", &fields)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "CVR-nummeret er ikke gyldigt",
        "Postnummeret skal være 4 cifre",
        "P-nummeret skal være 10 cifre",
        "Skriv virksomhedens navn.",
        "Skriv en gyldig e-mailadresse",
        "Skriv en gyldig webadresse",
        "CPR-nummer",
    ] {
        assert!(res.body.contains(msg), "{msg} missing");
    }
    assert!(res.body.contains(r#"id="postcode-error""#));
    assert!(res.body.contains(r#"value="460""#), "input kept");
    assert_eq!(count(&app), 0);
}

#[actix_web::test]
async fn a_duplicate_cvr_is_refused_with_a_link_to_the_existing_company() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let number = cvr(2);
    let first = create(&client, &company_fields(&number, "Første ApS")).await;
    let res = client
        .post_from(
            "/companies/new",
            "/companies",
            &company_fields(&number, "Anden ApS"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("findes allerede"));
    assert!(res.body.contains(&format!(r#"href="/companies/{first}""#)));
    assert_eq!(count(&app), 1);

    // The same CVR with P-numbers: one company per production unit.
    let mut with_p = company_fields(&number, "Første ApS, afd. Ringsted");
    with_p[1] = ("p_number", "1012345678");
    create(&client, &with_p).await;
    let mut same_p = company_fields(&number, "Første ApS, afd. Ringsted igen");
    same_p[1] = ("p_number", "1012345678");
    let res = client
        .post_from("/companies/new", "/companies", &same_p)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut other_p = company_fields(&number, "Første ApS, afd. Roskilde");
    other_p[1] = ("p_number", "1012345679");
    create(&client, &other_p).await;
    assert_eq!(count(&app), 3);
}

#[actix_web::test]
async fn search_folds_danish_letters_and_matches_parts_of_words() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let a = cvr(3);
    let b = cvr(4);
    let c = cvr(5);
    create(&client, &company_fields(&a, "Ærø Æbler ApS")).await;
    create(&client, &company_fields(&b, "ÆRØ MASKINSTATION")).await;
    let mut other_city = company_fields(&c, "Bager Hansen");
    other_city[5] = ("city", "Ølstykke");
    create(&client, &other_city).await;

    for term in ["ærø", "ÆRØ", "Ærø", "rø"] {
        let res = client
            .get(&format!(
                "/companies?q={}",
                jobcenter_crm::web::views::url_encode(term)
            ))
            .await;
        assert!(res.body.contains("Ærø Æbler ApS"), "{term}");
        assert!(res.body.contains("ÆRØ MASKINSTATION"), "{term}");
        assert!(!res.body.contains("Bager Hansen"), "{term}");
    }
    let by_city = client
        .get(&format!(
            "/companies?q={}",
            jobcenter_crm::web::views::url_encode("ølsty")
        ))
        .await;
    assert!(by_city.body.contains("Bager Hansen"));
    let by_cvr = client.get(&format!("/companies?q={}", &c[2..6])).await;
    assert!(by_cvr.body.contains("Bager Hansen"));
    // Wildcards are taken literally.
    let res = client.get("/companies?q=%25").await;
    assert!(res.body.contains("Ingen virksomheder matcher"));
}

#[actix_web::test]
async fn a_search_matches_any_part_of_name_or_city_of_any_length() {
    let app = app().await;
    let seed = app.seed();
    for name in [
        "Hansens Bageri ApS",
        "Bageriet i Køge",
        "Køge VVS",
        "Æblegården",
    ] {
        app.add_company(&seed.jobcenter, name);
    }
    let client = app.signed_in("konsulent@koege.dk").await;
    let search = |term: &'static str| {
        let client = &client;
        async move {
            let res = client
                .get(&format!(
                    "/companies?q={}",
                    jobcenter_crm::web::views::url_encode(term)
                ))
                .await;
            [
                "Hansens Bageri ApS",
                "Bageriet i Køge",
                "Køge VVS",
                "Æblegården",
            ]
            .into_iter()
            .filter(|name| res.body.contains(name))
            .collect::<Vec<_>>()
        }
    };
    let expected = [
        ("bageri", vec!["Hansens Bageri ApS", "Bageriet i Køge"]),
        (
            "køge",
            vec![
                "Hansens Bageri ApS",
                "Bageriet i Køge",
                "Køge VVS",
                "Æblegården",
            ],
        ),
        ("s bag", vec!["Hansens Bageri ApS"]),
        ("blegå", vec!["Æblegården"]),
        ("vvs", vec!["Køge VVS"]),
        ("ba", vec!["Hansens Bageri ApS", "Bageriet i Køge"]),
        ("bagerværksted", vec![]),
        ("BAGERI", vec!["Hansens Bageri ApS", "Bageriet i Køge"]),
        ("æb", vec!["Æblegården"]),
        ("ØGE V", vec!["Køge VVS"]),
        // Taken as text, never as the search syntax of the database.
        ("bageri\" OR \"vvs", vec![]),
        ("\"vvs\"", vec![]),
        ("bag*", vec![]),
    ];
    for (term, names) in &expected {
        assert_eq!(&search(term).await, names, "{term}");
    }
}

#[actix_web::test]
async fn a_search_finds_a_company_by_what_it_is_called_now_and_not_once_it_is_deleted() {
    let app = app().await;
    let seed = app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let manager = app.signed_in("leder@koege.dk").await;
    let (a, b) = (cvr(41), cvr(42));
    let hansen = create(&consultant, &company_fields(&a, "Hansens Bageri ApS")).await;
    let harbour = create(&consultant, &company_fields(&b, "Bageriet ved Havnen")).await;
    app.add_company(&seed.other_jobcenter, "Stevns Bageri");
    let names = [
        "Hansens Bageri ApS",
        "Hansens Konditori ApS",
        "Bageriet ved Havnen",
        "Stevns Bageri",
    ];
    let found = |term: &'static str| {
        let client = &consultant;
        async move {
            let term = jobcenter_crm::web::views::url_encode(term);
            let res = client.get(&format!("/companies?q={term}")).await;
            assert_eq!(res.status, StatusCode::OK);
            names
                .into_iter()
                .filter(|name| res.body.contains(name))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        found("bageri").await,
        ["Hansens Bageri ApS", "Bageriet ved Havnen"]
    );

    let mut renamed = company_fields(&a, "Hansens Konditori ApS");
    renamed[4] = ("postcode", "4100");
    renamed[5] = ("city", "Ringsted");
    renamed.push(("version", "1"));
    let res = consultant
        .post(&format!("/companies/{hansen}/edit"), &renamed)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    consultant.get(res.location()).await; // shows (and spends) the notice of the save
    assert_eq!(found("bageri").await, ["Bageriet ved Havnen"]);
    assert_eq!(found("konditori").await, ["Hansens Konditori ApS"]);
    // A long term is looked up by some of its runs; the text test decides.
    assert_eq!(
        found("hansens konditori aps ringsted").await,
        ["Hansens Konditori ApS"]
    );
    assert!(found("hansens konditori aps køge").await.is_empty());
    assert_eq!(found("ringsted").await, ["Hansens Konditori ApS"]);
    assert_eq!(found("køge").await, ["Bageriet ved Havnen"]);

    manager.get(&format!("/companies/{harbour}")).await;
    let res = manager
        .post(&format!("/companies/{harbour}/delete"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(found("bageri").await.is_empty());
    assert!(found("havnen").await.is_empty());

    // A company of another jobcenter is never found, whatever it is called.
    assert!(found("stevns").await.is_empty());
    assert_eq!(found("konditori").await, ["Hansens Konditori ApS"]);
}

#[actix_web::test]
async fn the_list_pages_in_danish_order_without_gaps_or_repeats() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let names: Vec<String> = (0..30).map(|i| format!("Firma {i:02}")).collect();
    for (i, name) in names.iter().enumerate() {
        let number = cvr(100 + i as u32);
        create(&client, &company_fields(&number, name)).await;
    }
    let extra = cvr(200);
    create(&client, &company_fields(&extra, "Åbenrå Vinduer")).await;
    let extra2 = cvr(201);
    create(&client, &company_fields(&extra2, "Æblegården")).await;

    let first = client.get("/companies").await;
    let marker = "Næste side";
    assert!(first.body.contains(marker));
    let next = first.link("rel=\"next\"").expect("a link to the next page");
    let second = client.get(&next).await;
    let shown = |body: &str| -> Vec<String> {
        body.match_indices("<a href=\"/companies/")
            .filter_map(|(i, _)| {
                let rest = &body[i..];
                let start = rest.find('>')? + 1;
                let end = rest.find("</a>")?;
                Some(rest[start..end].to_string())
            })
            .collect()
    };
    let mut all = shown(&first.body);
    assert_eq!(all.len(), 25);
    all.extend(shown(&second.body));
    assert_eq!(all.len(), 32);
    let mut expected = names.clone();
    expected.push("Æblegården".into());
    expected.push("Åbenrå Vinduer".into());
    assert_eq!(all, expected, "a–z, then æ, ø, å; no repeats");
    assert!(!second.body.contains("rel=\"next\""));
}

#[actix_web::test]
async fn my_companies_are_the_ones_where_i_am_the_fixed_contact() {
    let app = app().await;
    let seed = app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let mine = cvr(6);
    let theirs = cvr(7);
    let me = seed.consultant.id.to_string();
    let other = seed.manager.id.to_string();
    let mut f = company_fields(&mine, "Min Virksomhed");
    f[13] = ("fixed_contact_id", &me);
    create(&client, &f).await;
    let mut f = company_fields(&theirs, "Ledernes Virksomhed");
    f[13] = ("fixed_contact_id", &other);
    create(&client, &f).await;
    let home = client.get("/").await;
    assert!(home.body.contains(r#"href="/companies?mine=1""#));
    let res = client.get("/companies?mine=1").await;
    assert!(res.body.contains("Min Virksomhed"));
    assert!(!res.body.contains("Ledernes Virksomhed"));
    let res = client
        .get(&format!("/companies?fixed_contact={}", seed.manager.id))
        .await;
    assert!(res.body.contains("Ledernes Virksomhed"));
    assert!(!res.body.contains("Min Virksomhed"));
    // A fixed contact from another jobcenter is refused.
    let stranger = seed.other_admin.id.to_string();
    let number = cvr(8);
    let mut f = company_fields(&number, "Fremmed");
    f[13] = ("fixed_contact_id", &stranger);
    let res = client.post_from("/companies/new", "/companies", &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Vælg en aktiv medarbejder fra jobcenteret.")
    );
}

#[actix_web::test]
async fn filters_narrow_the_list() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let (a, b) = (cvr(9), cvr(10));
    let mut f = company_fields(&a, "Aktiv Restaurant");
    f[12] = ("status", "active");
    create(&client, &f).await;
    let mut f = company_fields(&b, "Potentiel Tømrer");
    f[4] = ("postcode", "4180");
    f[6] = ("industry_code", "433200");
    create(&client, &f).await;
    let res = client.get("/companies?status=active").await;
    assert!(res.body.contains("Aktiv Restaurant") && !res.body.contains("Potentiel Tømrer"));
    let res = client.get("/companies?postcode=4180").await;
    assert!(!res.body.contains("Aktiv Restaurant") && res.body.contains("Potentiel Tømrer"));
    let res = client.get("/companies?industry=43").await;
    assert!(!res.body.contains("Aktiv Restaurant") && res.body.contains("Potentiel Tømrer"));
    let res = client.get("/companies?sort=last_contact").await;
    assert!(res.body.contains("Aktiv Restaurant") && res.body.contains("Potentiel Tømrer"));
}

#[actix_web::test]
async fn names_with_markup_are_shown_as_text() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let number = cvr(11);
    let id = create(
        &client,
        &company_fields(&number, "<script>alert('x')</script> ApS"),
    )
    .await;
    for path in [
        format!("/companies/{id}"),
        "/companies".to_string(),
        format!("/companies/{id}/edit"),
    ] {
        let res = client.get(&path).await;
        assert!(!res.body.contains("<script>alert"), "{path}");
        assert!(res.body.contains("&#60;script&#62;"), "{path}");
    }
}

#[actix_web::test]
async fn another_jobcenter_gets_404_for_everything_of_a_company() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let number = cvr(12);
    let id = create(&client, &company_fields(&number, "Hemmelig ApS")).await;
    client
        .post_from(
            &format!("/companies/{id}/contacts/new"),
            &format!("/companies/{id}/contacts"),
            &[("name", "Kirsten Kontakt")],
        )
        .await;
    let pid: i64 = contact_persons::table
        .select(contact_persons::id)
        .first(&mut app.conn())
        .unwrap();

    let other = app.signed_in("admin@stevns.dk").await;
    for path in [
        format!("/companies/{id}"),
        format!("/companies/{id}/edit"),
        format!("/companies/{id}/contacts/new"),
        format!("/companies/{id}/contacts/{pid}/edit"),
        format!("/companies/{id}/contacts/{pid}/erase"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    other.get("/companies").await;
    let mut f = company_fields(&number, "Overtaget");
    f.push(("version", "1"));
    for (path, fields) in [
        (format!("/companies/{id}/edit"), f.clone()),
        (format!("/companies/{id}/delete"), vec![]),
        (
            format!("/companies/{id}/contacts"),
            vec![("name", "Indtrænger")],
        ),
        (
            format!("/companies/{id}/contacts/{pid}/edit"),
            vec![("name", "Indtrænger")],
        ),
        (format!("/companies/{id}/contacts/{pid}/remove"), vec![]),
        (format!("/companies/{id}/contacts/{pid}/erase"), vec![]),
    ] {
        assert_eq!(
            other.post(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = other.get("/companies?q=hemmelig").await;
    assert!(!list.body.contains("Hemmelig ApS"));
    let export = other.get("/companies.csv").await;
    assert!(!export.body.contains("Hemmelig"));
    assert!(!export.body.contains(&number));
    // Nothing changed.
    let mine = client.get(&format!("/companies/{id}")).await;
    assert!(mine.body.contains("Hemmelig ApS") && mine.body.contains("Kirsten Kontakt"));
}

#[actix_web::test]
async fn a_second_save_of_a_stale_form_is_refused() {
    let app = app().await;
    app.seed();
    let anne = app.signed_in("konsulent@koege.dk").await;
    let lars = app.signed_in("leder@koege.dk").await;
    let number = cvr(13);
    let id = create(&anne, &company_fields(&number, "Samtidig ApS")).await;
    let edit = format!("/companies/{id}/edit");
    anne.get(&edit).await;
    lars.get(&edit).await;
    let mut first = company_fields(&number, "Samtidig ApS");
    first[9] = ("phone", "11 11 11 11");
    first.push(("version", "1"));
    let res = anne.post(&edit, &first).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut second = company_fields(&number, "Samtidig ApS");
    second[9] = ("phone", "22 22 22 22");
    second.push(("version", "1"));
    let res = lars.post(&edit, &second).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("En anden har gemt en ændring, mens du redigerede")
    );
    assert!(
        res.body
            .contains(&format!(r#"href="/companies/{id}/edit""#)),
        "a link to reload"
    );
    assert!(
        res.body.contains("<dt>Telefon</dt><dd>11 11 11 11</dd>"),
        "the colleague's value is shown"
    );
    assert!(
        !res.body.contains("<dt>Navn</dt>"),
        "unchanged fields are not"
    );
    assert!(
        res.body.contains("22 22 22 22"),
        "the user's input is kept on the page"
    );
    let page = anne.get(&format!("/companies/{id}")).await;
    assert!(page.body.contains("11 11 11 11"));
    assert!(!page.body.contains("22 22 22 22"));
    let audit: Vec<String> = audit_log::table
        .filter(audit_log::entity_id.eq(id))
        .filter(audit_log::action.eq("company_updated"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(audit, vec!["Ændrede felter: telefon"]);
}

#[actix_web::test]
async fn contact_persons_are_added_edited_removed_and_erased() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let number = cvr(14);
    let id = create(&client, &company_fields(&number, "Kontakt ApS")).await;
    let new = format!("/companies/{id}/contacts/new");
    let res = client
        .post_from(
            &new,
            &format!("/companies/{id}/contacts"),
            &[("name", ""), ("email", "x@")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Skriv kontaktpersonens navn."));
    let res = client
        .post(
            &format!("/companies/{id}/contacts"),
            &[
                ("name", "Hanne Hansen"),
                ("title", "HR-chef"),
                ("phone", "20 30 40 50"),
                ("email", "hanne@firma.dk"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let pid: i64 = contact_persons::table
        .select(contact_persons::id)
        .first(&mut app.conn())
        .unwrap();
    let page = client.get(&format!("/companies/{id}")).await;
    assert!(page.body.contains("Hanne Hansen") && page.body.contains("HR-chef"));

    let edit = format!("/companies/{id}/contacts/{pid}/edit");
    // Two people open the form; the first saves, the second's save of the same version is
    // refused with the first one's values shown and their own input kept.
    let colleague = app.signed_in("leder@koege.dk").await;
    colleague.get(&edit).await;
    let res = client
        .post_from(
            &edit,
            &edit,
            &[
                ("name", "Hanne Hansen-Berg"),
                ("title", "HR-chef"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        client
            .get(&format!("/companies/{id}"))
            .await
            .body
            .contains("Hanne Hansen-Berg")
    );
    let res = colleague
        .post(
            &edit,
            &[
                ("name", "Hanne Hansen"),
                ("title", "HR-chef"),
                ("phone", "11 22 33 44"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("En anden har gemt en ændring"));
    assert!(res.body.contains("Det, der er gemt nu"));
    assert!(
        res.body.contains("<dt>Navn</dt><dd>Hanne Hansen-Berg</dd>"),
        "the colleague's value: {}",
        res.body
    );
    assert!(
        !res.body.contains("<dt>Stilling</dt>"),
        "a field both left alike is not listed"
    );
    assert!(
        res.body.contains(r#"value="11 22 33 44""#),
        "the input is kept"
    );
    assert!(
        client
            .get(&format!("/companies/{id}"))
            .await
            .body
            .contains("Hanne Hansen-Berg"),
        "nothing was overwritten"
    );

    client.get(&format!("/companies/{id}")).await;
    let res = client
        .post(&format!("/companies/{id}/contacts/{pid}/remove"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = client.get(&format!("/companies/{id}")).await;
    assert!(page.body.contains("Tidligere kontaktpersoner (1)"));

    let erase = format!("/companies/{id}/contacts/{pid}/erase");
    let confirm = client.get(&erase).await;
    assert!(confirm.body.contains("Slet for altid"));
    let res = client.post(&erase, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = client.get(&format!("/companies/{id}")).await;
    assert!(!page.body.contains("Hanne"));
    let (name, email, phone): (String, String, String) = contact_persons::table
        .find(pid)
        .select((
            contact_persons::name,
            contact_persons::email,
            contact_persons::phone,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (name.as_str(), email.as_str(), phone.as_str()),
        ("", "", "")
    );
    let details: Vec<String> = audit_log::table
        .filter(audit_log::entity.eq("contact_person"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(details.len(), 4, "created, updated, removed, erased");
    assert!(
        details.iter().all(|d| !d.contains("Hanne")),
        "the log holds no personal data"
    );
    assert_eq!(
        client.get(&erase).await.status,
        StatusCode::NOT_FOUND,
        "erased is gone"
    );
}

#[actix_web::test]
async fn only_managers_delete_companies() {
    let app = app().await;
    app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let number = cvr(15);
    let id = create(&consultant, &company_fields(&number, "Slettes ApS")).await;
    let page = consultant.get(&format!("/companies/{id}")).await;
    assert!(!page.body.contains("Slet virksomheden"));
    let res = consultant
        .post(&format!("/companies/{id}/delete"), &[])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app), 1);
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager.get(&format!("/companies/{id}")).await;
    assert!(page.body.contains("Slet virksomheden"));
    let res = manager.post(&format!("/companies/{id}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app), 0);
}

#[actix_web::test]
async fn export_is_danish_excel_csv_of_the_current_filter_and_is_logged() {
    let app = app().await;
    app.seed();
    let client = app.signed_in("konsulent@koege.dk").await;
    let (a, b) = (cvr(16), cvr(17));
    let mut f = company_fields(&a, "Eksport; \"Citat\" A/S");
    f[12] = ("status", "active");
    create(&client, &f).await;
    create(&client, &company_fields(&b, "Anden Eksport")).await;
    // Exports are for managers and admins (SPEC §2): a consultant gets neither link nor file.
    assert!(
        !client
            .get("/companies")
            .await
            .body
            .contains("Eksportér til CSV")
    );
    assert_eq!(
        client.get("/companies.csv").await.status,
        StatusCode::FORBIDDEN
    );
    let client = app.signed_in("leder@koege.dk").await;
    assert!(
        client
            .get("/companies")
            .await
            .body
            .contains("Eksportér til CSV")
    );
    // A HEAD (a link checker) exports nothing, so it logs nothing.
    let head = client
        .send(
            actix_web::test::TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri("/companies.csv"),
        )
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    let res = client.get("/companies.csv?status=active").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header("content-type").starts_with("text/csv"));
    assert!(res.header("content-disposition").contains("attachment"));
    assert!(res.body.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let header = res
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .replace('"', "");
    assert!(
        header.starts_with("CVR-nummer;P-nummer;Navn;Adresse;Postnummer;By"),
        "{header}"
    );
    assert!(res.body.contains("\"Eksport; \"\"Citat\"\" A/S\""));
    assert!(res.body.contains(";Aktiv;"));
    assert!(!res.body.contains("Anden Eksport"));
    let details: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("companies_exported"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(details, vec!["1 virksomheder, filter: status=active"]);
}

fn import_file(existing_cvr: &str, good: &str) -> Vec<u8> {
    let text = format!(
        "\u{feff}Virksomhed;CVR-nr.;Postnr;By;Ansatte;Status\r\n\
         Ny Bager ApS;{good};4600;Køge;12;Aktiv\r\n\
         Forkert CVR;12345678;4600;Køge;;\r\n\
         \"Gammel; Kendt\";{existing_cvr};4000;Roskilde;;Inaktiv\r\n"
    );
    text.into_bytes()
}

#[actix_web::test]
async fn an_import_reports_bad_rows_by_line_and_skips_or_updates_existing_ones() {
    let app = app().await;
    app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let existing = cvr(18);
    let good = cvr(19);
    let id = create(&manager, &company_fields(&existing, "Kendt ApS")).await;

    let form = manager.get("/companies/import").await;
    assert!(form.body.contains(r#"<label for="file">CSV-fil</label>"#));
    let res = manager
        .upload(
            "/companies/import",
            "file",
            "liste.csv",
            &import_file(&existing, &good),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let preview = manager.get(res.location()).await;
    assert!(
        preview.body.contains("1 nye virksomheder oprettes"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("1 findes allerede og springes over"));
    assert!(preview.body.contains("<td>3</td>"), "the bad row is line 3");
    assert!(preview.body.contains("CVR-nummeret er ikke gyldigt"));
    assert_eq!(count(&app), 1, "nothing saved before confirming");

    let confirm_path = res.location().to_string();
    let done = manager.post(&confirm_path, &[]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("1 oprettet"));
    assert_eq!(count(&app), 2);
    let kendt = manager.get(&format!("/companies/{id}")).await;
    assert!(kendt.body.contains("Kendt ApS"), "skipped, not changed");
    let ny = manager.get("/companies?q=ny%20bager").await;
    assert!(ny.body.contains("Ny Bager ApS"));

    // Again, now updating: the new one is unchanged, the known one is updated, nothing doubles.
    manager.get("/companies/import").await;
    let res = manager
        .upload(
            "/companies/import",
            "file",
            "liste.csv",
            &import_file(&existing, &good),
            &[("update_existing", "1")],
        )
        .await;
    let preview = manager.get(res.location()).await;
    assert!(
        preview
            .body
            .contains("1 eksisterende virksomheder opdateres"),
        "{}",
        preview.body
    );
    let done = manager.post(res.location(), &[]).await;
    assert!(done.body.contains("1 opdateret"));
    assert_eq!(count(&app), 2);
    let kendt = manager.get(&format!("/companies/{id}")).await;
    assert!(kendt.body.contains("Gammel; Kendt") && kendt.body.contains("Inaktiv"));
    let logged: i64 = audit_log::table
        .filter(audit_log::action.eq("companies_imported"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(logged, 2);
}

#[actix_web::test]
async fn imports_read_windows_1252_commas_and_english_headers() {
    let app = app().await;
    app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let number = cvr(20);
    let text = format!("Name,CVR,City\r\nSmørrebrød & Øl,{number},Køge\r\n");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    manager.get("/companies/import").await;
    let res = manager
        .upload("/companies/import", "file", "old.csv", &bytes, &[])
        .await;
    let done = manager.post(res.location(), &[]).await;
    assert!(done.body.contains("1 oprettet"), "{}", done.body);
    let list = manager.get("/companies?q=sm%C3%B8rrebr%C3%B8d").await;
    assert!(list.body.contains("Smørrebrød &#38; Øl"));
    assert!(list.body.contains("Køge"));
}

#[actix_web::test]
async fn an_import_without_the_needed_columns_is_refused_clearly() {
    let app = app().await;
    app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/companies/import").await;
    let res = manager
        .upload(
            "/companies/import",
            "file",
            "x.csv",
            b"Navn;By\r\nA;B\r\n",
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Filen mangler kolonnen «CVR-nummer»"));
    let res = manager
        .upload("/companies/import", "file", "x.csv", b"", &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn consultants_cannot_import_and_imports_belong_to_their_uploader() {
    let app = app().await;
    app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(
        consultant.get("/companies/import").await.status,
        StatusCode::FORBIDDEN
    );
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/companies/import").await;
    let number = cvr(21);
    let res = manager
        .upload(
            "/companies/import",
            "file",
            "x.csv",
            format!("Navn;CVR\r\nA;{number}\r\n").as_bytes(),
            &[],
        )
        .await;
    let preview = res.location().to_string();
    let admin = app.signed_in("admin@koege.dk").await;
    assert_eq!(admin.get(&preview).await.status, StatusCode::NOT_FOUND);
    let other = app.signed_in("admin@stevns.dk").await;
    assert_eq!(other.get(&preview).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.post(&preview, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count(&app), 0);
}

#[actix_web::test]
async fn export_then_import_changes_nothing() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let me = seed.manager.id.to_string();
    for i in 0..5u32 {
        let number = cvr(30 + i);
        let name = format!("Rundtur {i}; \"citat\" =SUM(A1)");
        let mut f = company_fields(&number, &name);
        f[13] = ("fixed_contact_id", &me);
        f[14] = ("notes", "Linje 1\nLinje 2");
        if i == 2 {
            f[1] = ("p_number", "1012345678");
            f[8] = ("employees", "250+");
            f[12] = ("status", "inactive");
        }
        create(&manager, &f).await;
    }
    let before: Vec<(String, i32)> = companies::table
        .order(companies::id)
        .select((companies::name, companies::version))
        .load(&mut app.conn())
        .unwrap();
    let csv = manager.get("/companies.csv").await;
    manager.get("/companies/import").await;
    let res = manager
        .upload(
            "/companies/import",
            "file",
            "eksport.csv",
            csv.body.as_bytes(),
            &[("update_existing", "1")],
        )
        .await;
    let preview = manager.get(res.location()).await;
    assert!(
        preview.body.contains("5 findes allerede uden ændringer"),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("0 eksisterende virksomheder opdateres")
    );
    assert!(preview.body.contains("0 linjer har fejl"));
    manager.post(res.location(), &[]).await;
    let after: Vec<(String, i32)> = companies::table
        .order(companies::id)
        .select((companies::name, companies::version))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(before, after);
}

#[actix_web::test]
async fn an_import_file_over_ten_megabytes_is_refused_with_a_message() {
    let app = app().await;
    app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/companies/import").await;
    let mut big = b"CVR-nummer;Navn\n".to_vec();
    while big.len() <= 10 * 1024 * 1024 {
        big.extend_from_slice(b"12345678;Et meget langt firmanavn ApS\n");
    }
    let res = manager
        .upload("/companies/import", "file", "stor.csv", &big, &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("højst 10 MB"), "{}", res.body);
    assert_eq!(count(&app), 0);
}

#[actix_web::test]
async fn an_import_of_more_rows_than_one_transaction_should_hold_is_refused() {
    let app = app().await;
    app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    manager.get("/companies/import").await;
    let mut csv = String::from("CVR-nummer;Navn\r\n");
    for i in 0..10_001 {
        csv.push_str(&format!("{:08};Firma {i}\r\n", i));
    }
    let res = manager
        .upload("/companies/import", "file", "stor.csv", csv.as_bytes(), &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains("Filen har 10001 rækker. Del den op"),
        "{}",
        res.body
    );
}

/// A search says how many matched, in the page and its title; the filters beyond the search
/// text are folded away until one is used.
#[actix_web::test]
async fn a_search_says_how_many_matched_and_folds_its_filters() {
    let app = app().await;
    let seed = app.seed();
    for name in ["Bageriet Nord", "Bageriet Syd", "Maskinfabrikken"] {
        app.add_company(&seed.jobcenter, name);
    }
    app.add_company(&seed.other_jobcenter, "Bageriet Stevns");
    let client = app.signed_in("konsulent@koege.dk").await;
    let all = client.get("/companies").await;
    assert!(all.body.contains("<title>Virksomheder – "));
    assert!(!all.body.contains("matcher søgningen"));
    assert!(all.body.contains(r#"<details class="more-filters">"#));
    let found = client.get("/companies?q=bageri").await;
    assert!(
        found.body.contains("<title>Virksomheder: 2 fundet – "),
        "{}",
        found.body
    );
    assert!(
        found
            .body
            .contains("<strong>2</strong> virksomheder matcher søgningen.")
    );
    assert!(found.body.contains(r#"<details class="more-filters">"#));
    let one = client.get("/companies?q=maskin").await;
    assert!(
        one.body
            .contains("<strong>1</strong> virksomhed matcher søgningen.")
    );
    let filtered = client.get("/companies?q=&status=active").await;
    assert!(
        filtered
            .body
            .contains(r#"<details class="more-filters" open>"#)
    );
    assert!(filtered.body.contains("matcher søgningen"));
}
