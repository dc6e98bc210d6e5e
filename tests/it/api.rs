//! The JSON API (`/api/v1`) through HTTP: tokens made on the account page and what they may
//! do, the same rules as the pages (validation, duplicates, versions, tenants, audit), cursor
//! paging, the rate limit, problem documents, and a contract that describes every route.

use std::collections::BTreeSet;

use actix_web::http::{StatusCode, header};
use actix_web::test;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{api_tokens, audit_log, users};
use jobcenter_crm::domain::cvr::complete_cvr;
use jobcenter_crm::models::activity::{Activity, ActivityForm};
use serde_json::{Value, json};

use crate::common::{Client, Resp, TestApp, app, app_with, unescape};

/// A token made through the account page by `client`; `scope` is "read" or "write".
pub(crate) async fn make_token(client: &Client<'_>, name: &str, scope: &str) -> String {
    let page = client.get("/account/tokens").await;
    assert_eq!(page.status, StatusCode::OK);
    // The form comes with a default expiry three months ahead.
    let marker = "name=\"expires_on\" value=\"";
    let start = page.body.find(marker).expect("expiry field") + marker.len();
    let expires = page.body[start..start + 10].to_string();
    let res = client
        .post(
            "/account/tokens",
            &[("name", name), ("scope", scope), ("expires_on", &expires)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let marker = "id=\"new_token\" name=\"new_token\" value=\"";
    let start = res.body.find(marker).expect("the new token is shown") + marker.len();
    let token = &res.body[start..];
    unescape(&token[..token.find('"').unwrap()])
}

/// A call with a bearer token and a JSON body.
pub(crate) async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (Resp, Value) {
    let client = app.client();
    let mut req = match method {
        "GET" => test::TestRequest::get(),
        "POST" => test::TestRequest::post(),
        "PATCH" => test::TestRequest::patch(),
        "DELETE" => test::TestRequest::delete(),
        other => panic!("method {other}"),
    }
    .uri(path);
    if let Some(token) = token {
        req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
    }
    if let Some(body) = body {
        req = req
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(body.to_string());
    }
    for (k, v) in headers {
        req = req.insert_header((k.to_string(), v.to_string()));
    }
    let res = client.send(req).await;
    let json = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res, json)
}

/// The `action` of the first form whose address contains `marker`.
fn form_action(page: &Resp, marker: &str) -> Option<String> {
    page.body
        .split("action=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .find(|action| action.contains(marker))
}

fn is_problem(res: &Resp, json: &Value, status: StatusCode, code: &str) {
    assert_eq!(res.status, status, "{}", res.body);
    assert_eq!(res.header("content-type"), "application/problem+json");
    assert_eq!(json["code"], code, "{}", res.body);
    assert_eq!(json["status"], status.as_u16());
}

/// The fields a problem document's errors are about, in order.
fn error_fields(json: &Value) -> Vec<String> {
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

fn new_cvr(n: u32) -> String {
    (n..).find_map(complete_cvr).unwrap()
}

#[actix_web::test]
async fn a_token_is_shown_once_stored_hashed_and_acts_as_its_owner_as_they_are_now() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let read = make_token(&manager, "BI-udtræk", "read").await;
    let write = make_token(&manager, "Sagssystem", "write").await;
    assert!(read.starts_with("jcrm_") && read.len() > 40, "{read}");

    // Shown once: the list does not show it again, and the database holds only its hash.
    let page = manager.get("/account/tokens").await;
    assert!(page.body.contains("BI-udtræk") && page.body.contains("Sagssystem"));
    assert!(!page.body.contains(&read) && !page.body.contains(&write));
    let stored: Vec<String> = api_tokens::table
        .select(api_tokens::token_hash)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|h| *h != read && *h != write));

    // No token, a made-up one: 401 with a problem document.
    let (res, json) = call(&app, "GET", "/api/v1/companies", None, None, &[]).await;
    is_problem(&res, &json, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(res.header("www-authenticate"), "Bearer");
    let made_up = Some("jcrm_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    let (res, json) = call(&app, "GET", "/api/v1/companies", made_up, None, &[]).await;
    is_problem(&res, &json, StatusCode::UNAUTHORIZED, "unauthorized");
    // A session cookie is not a token.
    let res = manager.get("/api/v1/companies").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    // A read token reads and may not write.
    let (res, json) = call(&app, "GET", "/api/v1/companies", Some(&read), None, &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["items"], json!([]));
    let body = json!({"cvr": new_cvr(3_100_000), "name": "Læsefirma ApS"});
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/companies",
        Some(&read),
        Some(body.clone()),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    // The write token writes, and the audit row names it.
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/companies",
        Some(&write),
        Some(body),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = json["id"].as_i64().unwrap();
    assert_eq!(json["fixed_contact_id"], seed.manager.id);
    // Times are RFC 3339 in UTC, as the document says (format date-time).
    let created = json["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok() && created.ends_with('Z'),
        "{created}"
    );
    let details: String = audit_log::table
        .filter(audit_log::action.eq("company_created"))
        .filter(audit_log::entity_id.eq(id))
        .select(audit_log::details)
        .first(&mut app.conn())
        .unwrap();
    assert!(details.contains("API-nøgle «Sagssystem»"), "{details}");
    // Used: the list says when.
    let page = manager.get("/account/tokens").await;
    assert!(!page.body.contains("Aldrig"), "both tokens were used");

    // Lowering the owner's role takes effect on the next call: a consultant may not delete.
    diesel::update(users::table.find(seed.manager.id))
        .set(users::role.eq("consultant"))
        .execute(&mut app.conn())
        .unwrap();
    let path = format!("/api/v1/companies/{id}");
    let (res, json) = call(&app, "DELETE", &path, Some(&write), None, &[]).await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    diesel::update(users::table.find(seed.manager.id))
        .set(users::role.eq("manager"))
        .execute(&mut app.conn())
        .unwrap();
    let (res, _) = call(&app, "DELETE", &path, Some(&write), None, &[]).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);

    // Disabling the owner ends the token at once.
    diesel::update(users::table.find(seed.manager.id))
        .set(users::active.eq(false))
        .execute(&mut app.conn())
        .unwrap();
    let (res, json) = call(&app, "GET", "/api/v1/companies", Some(&read), None, &[]).await;
    is_problem(&res, &json, StatusCode::UNAUTHORIZED, "unauthorized");
    diesel::update(users::table.find(seed.manager.id))
        .set(users::active.eq(true))
        .execute(&mut app.conn())
        .unwrap();

    // The owner revokes one; an administrator sees every token and revokes the other.
    let manager = app.signed_in("leder@koege.dk").await;
    let page = manager.get("/account/tokens").await;
    let revoke = form_action(&page, "/revoke").expect("a revoke button for a live token");
    let res = manager.post(&revoke, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let admin = app.signed_in("admin@koege.dk").await;
    let all = admin.get("/admin/tokens").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("Lars Leder") && all.body.contains("Tilbagekaldt"));
    let revoke = form_action(&all, "/revoke").expect("the live one can be revoked");
    assert_eq!(admin.post(&revoke, &[]).await.status, StatusCode::SEE_OTHER);
    for token in [&read, &write] {
        let (res, json) = call(&app, "GET", "/api/v1/companies", Some(token), None, &[]).await;
        is_problem(&res, &json, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    // The other jobcenter's administrator sees none of them.
    let stevns = app.signed_in("admin@stevns.dk").await;
    assert!(
        !stevns
            .get("/admin/tokens")
            .await
            .body
            .contains("Sagssystem")
    );
}

#[actix_web::test]
async fn a_token_expires_and_its_form_refuses_what_cannot_be() {
    let app = app().await;
    app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    consultant.get("/account/tokens").await;
    let today = app.now().date();
    for (fields, field, message) in [
        (["", "read", "2027-01-01"], "name", "Giv nøglen et navn"),
        (["BI", "", "2027-01-01"], "scope", "Vælg, hvad nøglen må"),
        (
            ["BI", "read", ""],
            "expires_on",
            "Skriv, hvornår nøglen udløber",
        ),
        (
            ["BI", "read", "31-02-2027"],
            "expires_on",
            "Skriv datoen som dd-mm-åååå",
        ),
    ] {
        let res = consultant
            .post(
                "/account/tokens",
                &[
                    ("name", fields[0]),
                    ("scope", fields[1]),
                    ("expires_on", fields[2]),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(res.body.contains(message), "{field}: {}", res.body);
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
    }
    let too_far = (today + TimeDelta::days(400)).to_string();
    let res = consultant
        .post(
            "/account/tokens",
            &[("name", "BI"), ("scope", "read"), ("expires_on", &too_far)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("højst gælde et år"));
    let count: i64 = api_tokens::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 0, "nothing refused was saved");

    let token = make_token(&consultant, "Kort", "read").await;
    let (res, _) = call(&app, "GET", "/api/v1/staff", Some(&token), None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    app.clock.advance(TimeDelta::days(92));
    let (res, json) = call(&app, "GET", "/api/v1/staff", Some(&token), None, &[]).await;
    is_problem(&res, &json, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[actix_web::test]
async fn companies_round_trip_with_the_pages_rules() {
    let app = app().await;
    let seed = app.seed();
    let manager = app.signed_in("leder@koege.dk").await;
    let token = make_token(&manager, "Sagssystem", "write").await;
    let t = Some(token.as_str());

    // Bad input: one entry per field, the page's Danish message, nothing saved.
    let bad = json!({"cvr": "12345678", "name": "", "website": "ftp://x", "employees": "7"});
    let (res, json) = call(&app, "POST", "/api/v1/companies", t, Some(bad), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let fields: BTreeSet<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.is_superset(&BTreeSet::from(["cvr", "name", "website"])),
        "{json}"
    );
    assert!(json["errors"][0]["message"].as_str().unwrap().len() > 5);
    // CPR numbers are refused in free text, as on the page.
    let cpr = json!({"cvr": new_cvr(3_200_000), "name": "Cpr ApS", "notes": "Kontakt 010203-1234"});
    let (res, json) = call(&app, "POST", "/api/v1/companies", t, Some(cpr), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "notes");
    // Unknown fields and broken JSON: 400.
    let typo = json!({"cvr": new_cvr(3_200_000), "nmae": "Tastefejl"});
    let (res, json) = call(&app, "POST", "/api/v1/companies", t, Some(typo), &[]).await;
    is_problem(&res, &json, StatusCode::BAD_REQUEST, "bad_request");
    let client = app.client();
    let res = client
        .send(
            test::TestRequest::post()
                .uri("/api/v1/companies")
                .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload("{\"name\": "),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.header("content-type"), "application/problem+json");
    // A line break in a one-line field, as the pages refuse it.
    let broken = json!({"cvr": new_cvr(3_200_000), "name": "To\nlinjer"});
    let (res, _) = call(&app, "POST", "/api/v1/companies", t, Some(broken), &[]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let none: i64 = jobcenter_crm::db::schema::companies::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(none, 0);

    // Created, with its address and ETag.
    let cvr = new_cvr(3_300_000);
    let body = json!({"cvr": cvr, "name": "Havnens Fisk ApS", "postcode": "4600", "city": "Køge",
                      "employees": "10-19", "status": "active"});
    let (res, json) = call(&app, "POST", "/api/v1/companies", t, Some(body), &[]).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = json["id"].as_i64().unwrap();
    assert_eq!(res.location(), format!("/api/v1/companies/{id}"));
    assert_eq!(res.header("etag"), "\"1\"");
    assert_eq!(json["employees"], "10-19");
    // The same CVR again is a duplicate naming the one that exists.
    let again = json!({"cvr": cvr, "name": "Havnens Fisk igen"});
    let (res, json) = call(&app, "POST", "/api/v1/companies", t, Some(again), &[]).await;
    is_problem(&res, &json, StatusCode::CONFLICT, "duplicate");
    assert_eq!(json["existing_id"], id);
    // The page sees what the API made.
    let page = manager.get(&format!("/companies/{id}")).await;
    assert!(page.body.contains("Havnens Fisk ApS"));

    // Updates name their version: none → 428, a stale one → 412 (If-Match) or 409, unchanged.
    let path = format!("/api/v1/companies/{id}");
    let change = json!({"city": "Herfølge"});
    let (res, json) = call(&app, "PATCH", &path, t, Some(change.clone()), &[]).await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_REQUIRED,
        "version_required",
    );
    let (res, json) = call(
        &app,
        "PATCH",
        &path,
        t,
        Some(change.clone()),
        &[("If-Match", "\"1\"")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["city"], "Herfølge");
    assert_eq!(json["postcode"], "4600", "fields left out keep their value");
    assert_eq!(res.header("etag"), "\"2\"");
    let stale = json!({"city": "Ølby"});
    let (res, json) = call(
        &app,
        "PATCH",
        &path,
        t,
        Some(stale.clone()),
        &[("If-Match", "\"1\"")],
    )
    .await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_FAILED,
        "version_conflict",
    );
    let stale = json!({"city": "Ølby", "version": 1});
    let (res, json) = call(&app, "PATCH", &path, t, Some(stale), &[]).await;
    is_problem(&res, &json, StatusCode::CONFLICT, "version_conflict");
    let (res, json) = call(&app, "GET", &path, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(json["city"], "Herfølge", "a stale write changed nothing");
    assert_eq!(json["version"], 2);
    // null clears the fixed contact; a colleague of another jobcenter is refused.
    let stevns_user = seed.other_admin.id;
    let other = json!({"fixed_contact_id": stevns_user, "version": 2});
    let (res, json) = call(&app, "PATCH", &path, t, Some(other), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "fixed_contact_id");
    let clear = json!({"fixed_contact_id": null, "version": 2});
    let (res, json) = call(&app, "PATCH", &path, t, Some(clear), &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["fixed_contact_id"], Value::Null);

    // A company with history is not deleted; one without is, and then is gone.
    let company =
        jobcenter_crm::models::company::Company::find(&mut app.conn(), seed.jobcenter.id, id)
            .unwrap();
    log_visit(&app, &company, seed.manager.id);
    let (res, json) = call(&app, "DELETE", &path, t, None, &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let bare = app.add_company(&seed.jobcenter, "Uden Historik ApS");
    let bare_path = format!("/api/v1/companies/{}", bare.id);
    let (res, _) = call(&app, "DELETE", &bare_path, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let (res, json) = call(&app, "GET", &bare_path, t, None, &[]).await;
    is_problem(&res, &json, StatusCode::NOT_FOUND, "not_found");

    // The CSV export is the page's export.
    let page_csv = manager.get("/companies.csv?status=active").await;
    let (api_csv, _) = call(
        &app,
        "GET",
        "/api/v1/companies.csv?status=active",
        t,
        None,
        &[],
    )
    .await;
    assert_eq!(api_csv.status, StatusCode::OK);
    assert_eq!(api_csv.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(api_csv.body, page_csv.body);
    assert!(api_csv.body.contains("Havnens Fisk ApS"));
}

fn log_visit(
    app: &TestApp,
    company: &jobcenter_crm::models::company::Company,
    user: i64,
) -> Activity {
    let form = ActivityForm {
        company_id: company.id.to_string(),
        user_id: user.to_string(),
        kind: "visit".into(),
        occurred_on: app.now().date().to_string(),
        summary: "Besøg".into(),
        ..Default::default()
    };
    Activity::create(
        &mut app.conn(),
        company.jobcenter_id,
        &form.validate().unwrap(),
        app.now(),
    )
    .unwrap()
}

#[actix_web::test]
async fn activities_round_trip_and_a_consultant_changes_only_their_own() {
    let app = app().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Skovens Savværk A/S");
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let token = make_token(&consultant, "Mobil", "write").await;
    let t = Some(token.as_str());
    let today = app.now().date().to_string();

    let cpr = json!({"company_id": company.id, "kind": "visit", "occurred_on": today,
                     "summary": "Talte om 010203-1234"});
    let (res, json) = call(&app, "POST", "/api/v1/activities", t, Some(cpr), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "summary");
    let topic = json!({"company_id": company.id, "kind": "visit", "occurred_on": today,
                       "topics": ["smaajob", "nonsense"]});
    let (res, json) = call(&app, "POST", "/api/v1/activities", t, Some(topic), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "topics");

    let visit = json!({"company_id": company.id, "kind": "visit", "occurred_on": today,
                       "topics": ["smaajob", "recruitment"], "summary": "Godt besøg",
                       "follow_up_on": (app.now().date() + TimeDelta::days(7)).to_string(),
                       "follow_up_note": "Ring om småjob"});
    let (res, json) = call(&app, "POST", "/api/v1/activities", t, Some(visit), &[]).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = json["id"].as_i64().unwrap();
    assert_eq!(json["user_id"], seed.consultant.id);
    assert_eq!(json["topics"], json!(["smaajob", "recruitment"]));
    // The company's last contact moved, as when the page logs it.
    let (_, co) = call(
        &app,
        "GET",
        &format!("/api/v1/companies/{}", company.id),
        t,
        None,
        &[],
    )
    .await;
    assert_eq!(co["last_contact_on"], today);

    let path = format!("/api/v1/activities/{id}");
    let done = json!({"follow_up_done": true, "version": 1});
    let (res, json) = call(&app, "PATCH", &path, t, Some(done), &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["follow_up_done"], true);
    assert_eq!(json["summary"], "Godt besøg");

    // Someone else's activity: a consultant may read it on the company, not change it.
    let managers = log_visit(&app, &company, seed.manager.id);
    let theirs = format!("/api/v1/activities/{}", managers.id);
    let (res, _) = call(&app, "GET", &theirs, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    let (res, json) = call(
        &app,
        "PATCH",
        &theirs,
        t,
        Some(json!({"summary": "x", "version": 1})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (res, json) = call(&app, "DELETE", &theirs, t, None, &[]).await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    // Their own list holds theirs only; the company's holds both.
    let (_, mine) = call(&app, "GET", "/api/v1/activities", t, None, &[]).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let by_company = format!("/api/v1/activities?company={}", company.id);
    let (_, all) = call(&app, "GET", &by_company, t, None, &[]).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    let (res, _) = call(&app, "DELETE", &path, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let (res, _) = call(&app, "GET", &path, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn paging_visits_every_company_once_while_companies_are_added() {
    let app = app().await;
    let seed = app.seed();
    for i in 0..73 {
        app.add_company(&seed.jobcenter, &format!("Firma {i:03}"));
    }
    let manager = app.signed_in("leder@koege.dk").await;
    let token = make_token(&manager, "BI", "read").await;
    let t = Some(token.as_str());
    let (res, json) = call(&app, "GET", "/api/v1/companies?limit=500", t, None, &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "limit");

    let mut seen = Vec::new();
    let mut next = Some("/api/v1/companies?limit=10&q=Firma".to_string());
    let mut added = 0;
    while let Some(url) = next {
        let (res, json) = call(&app, "GET", &url, t, None, &[]).await;
        assert_eq!(res.status, StatusCode::OK, "{url}: {}", res.body);
        for item in json["items"].as_array().unwrap() {
            seen.push(item["name"].as_str().unwrap().to_string());
        }
        // Companies are registered meanwhile, before and after the cursor.
        app.add_company(&seed.jobcenter, &format!("Firma 0{added:02}a"));
        app.add_company(&seed.jobcenter, &format!("Firma zz{added}"));
        added += 1;
        next = json["next"].as_str().map(str::to_string);
        assert!(added < 40, "paging does not end");
    }
    for i in 0..73 {
        let name = format!("Firma {i:03}");
        assert_eq!(seen.iter().filter(|n| **n == name).count(), 1, "{name}");
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no company twice");
    // The Stevns register is not in it.
    app.add_company(&seed.other_jobcenter, "Firma Stevns");
    assert!(!seen.iter().any(|n| n.contains("Stevns")));
}

/// Every route of the API with the record of the jobcenter under test it is called on, and
/// the body a write sends (valid for our own record).
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/companies"),
    ("POST", "/companies"),
    ("GET", "/companies/{company}"),
    ("PATCH", "/companies/{company}"),
    ("DELETE", "/companies/{company}"),
    ("POST", "/companies/{company}/merge"),
    ("GET", "/companies.csv"),
    ("GET", "/companies/{company}/contacts"),
    ("POST", "/companies/{company}/contacts"),
    ("PATCH", "/companies/{company}/contacts/{contact}"),
    ("DELETE", "/companies/{company}/contacts/{contact}"),
    ("POST", "/companies/{company}/contacts/{contact}/erase"),
    ("GET", "/activities"),
    ("POST", "/activities"),
    ("GET", "/activities/{activity}"),
    ("PATCH", "/activities/{activity}"),
    ("DELETE", "/activities/{activity}"),
    ("GET", "/placements"),
    ("POST", "/placements"),
    ("GET", "/placements/{placement}"),
    ("PATCH", "/placements/{placement}"),
    ("GET", "/campaigns"),
    ("POST", "/campaigns"),
    ("GET", "/campaigns/{campaign}"),
    // Planned again from version 1, then set going from version 2.
    ("PATCH", "/campaigns/{campaign}"),
    ("POST", "/campaigns/{campaign}/start"),
    ("GET", "/campaigns/{campaign}/targets"),
    ("POST", "/campaigns/{campaign}/targets"),
    ("PATCH", "/campaigns/{campaign}/targets/{target}"),
    ("DELETE", "/campaigns/{campaign}/targets/{target}"),
    ("GET", "/requests"),
    ("GET", "/requests/{request}"),
    ("POST", "/requests/{request}/assign"),
    ("POST", "/requests/{request}/company"),
    // Each step of work is one route, `/requests/{id}/{step}`.
    ("POST", "/requests/{request}/answered"),
    ("GET", "/needs"),
    ("POST", "/needs"),
    ("GET", "/needs/{need}"),
    // The status moves from version 1, then the edit is based on version 2.
    ("POST", "/needs/{need}/status"),
    ("PATCH", "/needs/{need}"),
    ("POST", "/needs/{need}/referrals"),
    ("PATCH", "/needs/{need}/referrals/{referral}"),
    ("GET", "/staff"),
    ("GET", "/staff/{user}"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
];

/// A body a write on `path` accepts for a record of its own jobcenter (`own`).
fn body_for(
    method: &str,
    path: &str,
    own: &crate::routes::Records,
    app: &TestApp,
) -> Option<Value> {
    let today = app.now().date().to_string();
    match (method, path) {
        ("PATCH", p) if p.contains("contacts") => Some(json!({"title": "Chef", "version": 1})),
        ("PATCH", "/companies/{company}") => Some(json!({"city": "Ølby", "version": 1})),
        ("PATCH", "/activities/{activity}") => Some(json!({"summary": "Ændret", "version": 1})),
        ("PATCH", "/placements/{placement}") => Some(json!({"note": "Ændret", "version": 1})),
        ("POST", "/companies/{company}/contacts") => Some(json!({"name": "Ny Person"})),
        ("POST", "/companies/{company}/merge") => {
            Some(json!({"other_id": own.company, "version": 1, "other_version": 1}))
        }
        ("POST", "/companies") => Some(json!({"cvr": new_cvr(3_400_000), "name": "Ny ApS"})),
        ("POST", "/requests/{request}/assign") => Some(json!({"assignee": own.user})),
        ("POST", "/requests/{request}/company") => Some(json!({"company_id": own.company})),
        ("POST", "/activities") => {
            Some(json!({"company_id": own.company, "kind": "phone", "occurred_on": today}))
        }
        ("POST", "/placements") => Some(json!({"company_id": own.company, "kind": "smaajob",
            "citizen_ref": "SAG-9", "hours_per_week": 10, "start_on": today})),
        ("POST", "/needs") => Some(
            json!({"company_id": own.company, "title": "Lagermedarbejder",
            "kind": "ordinary", "hours_per_week": 37}),
        ),
        ("POST", "/needs/{need}/status") => Some(json!({"status": "in_progress", "version": 1})),
        ("PATCH", "/needs/{need}") => Some(json!({"positions": 3, "version": 2})),
        ("POST", "/needs/{need}/referrals") => Some(json!({"citizen_ref": "SAG-12"})),
        ("PATCH", "/needs/{need}/referrals/{referral}") => {
            Some(json!({"outcome": "interview", "version": 1}))
        }
        ("POST", "/campaigns") => Some(json!({"name": "Sommerjob", "start": "uge 30 2027",
            "end": "uge 33 2027", "target_companies": 20, "topics": ["smaajob"]})),
        ("PATCH", "/campaigns/{campaign}") => Some(json!({"status": "planned", "version": 1})),
        ("POST", "/campaigns/{campaign}/start") => Some(json!({"version": 2})),
        ("POST", "/campaigns/{campaign}/targets") => Some(json!({"company_ids": [own.company]})),
        ("PATCH", "/campaigns/{campaign}/targets/{target}") => {
            use jobcenter_crm::db::schema::campaign_targets;
            let version: i32 = campaign_targets::table
                .find(own.target)
                .select(campaign_targets::version)
                .first(&mut app.conn())
                .unwrap();
            Some(json!({"status": "contacted", "version": version}))
        }
        _ => None,
    }
}

#[actix_web::test]
async fn every_route_is_in_the_contract_and_another_jobcenters_ids_are_not_found() {
    let app = app().await;
    let seed = app.seed();
    let stevns = app.add_user(
        &seed.other_jobcenter,
        "konsulent@stevns.dk",
        "Sofie Stevns",
        jobcenter_crm::models::user::Role::Consultant,
    );
    let own = crate::routes::records(
        &app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let foreign = crate::routes::records(
        &app,
        "stevns",
        seed.other_jobcenter.id,
        stevns.id,
        seed.other_admin.id,
    )
    .await;
    // As the document names them: `{contact}` is `{pid}`, every other record `{id}`.
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(method, path)| {
            let mut doc_path = path
                .replace("{contact}", "{pid}")
                .replace("{referral}", "{rid}")
                .replace("{target}", "{tid}")
                .replace("/answered", "/{step}");
            for record in [
                "{company}",
                "{activity}",
                "{placement}",
                "{campaign}",
                "{request}",
                "{need}",
                "{user}",
            ] {
                doc_path = doc_path.replace(record, "{id}");
            }
            (method.to_lowercase(), doc_path)
        })
        .collect();
    assert_eq!(
        listed,
        api_routes(),
        "the table here lists every route the API serves"
    );

    let admin = app.signed_in("admin@koege.dk").await;
    let token = make_token(&admin, "Alt", "write").await;
    let t = Some(token.as_str());
    let mut wrong = Vec::new();
    for (method, path) in ROUTES {
        let path_foreign = foreign.fill(path);
        if path_foreign == *path {
            continue;
        }
        let body = body_for(method, path, &own, &app);
        let (res, json) = call(
            &app,
            method,
            &format!("/api/v1{path_foreign}"),
            t,
            body.clone(),
            &[],
        )
        .await;
        if res.status != StatusCode::NOT_FOUND || json["code"] != "not_found" {
            wrong.push(format!(
                "{method} {path_foreign} (the other jobcenter's): {} {}",
                res.status, res.body
            ));
        }
        if *method == "GET" {
            let path_own = own.fill(path);
            let (res, _) = call(&app, method, &format!("/api/v1{path_own}"), t, None, &[]).await;
            if res.status != StatusCode::OK {
                wrong.push(format!("{method} {path_own}: {} {}", res.status, res.body));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Logging an activity, a placement or a need on their company (or from their request) is
    // refused the same way.
    for (path, body) in [
        (
            "/api/v1/activities",
            json!({"company_id": foreign.company, "kind": "visit",
            "occurred_on": app.now().date().to_string()}),
        ),
        (
            "/api/v1/placements",
            json!({"company_id": foreign.company, "kind": "smaajob",
            "citizen_ref": "SAG-9", "hours_per_week": 10, "start_on": app.now().date().to_string()}),
        ),
        (
            "/api/v1/needs",
            json!({"company_id": foreign.company, "title": "Lager", "kind": "ordinary",
            "hours_per_week": 37}),
        ),
        (
            "/api/v1/needs",
            json!({"company_id": own.company, "title": "Lager", "kind": "ordinary",
            "hours_per_week": 37, "request_id": foreign.request}),
        ),
    ] {
        let (res, json) = call(&app, "POST", path, t, Some(body), &[]).await;
        is_problem(&res, &json, StatusCode::NOT_FOUND, "not_found");
    }
    for (path, body) in [(
        format!("/api/v1/requests/{}/company", own.request),
        json!({"company_id": foreign.company}),
    )] {
        let (res, json) = call(&app, "POST", &path, t, Some(body), &[]).await;
        is_problem(&res, &json, StatusCode::NOT_FOUND, "not_found");
    }
    // Lists hold our own only.
    let (_, staff) = call(&app, "GET", "/api/v1/staff", t, None, &[]).await;
    let names: Vec<&str> = staff
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Anne Admin") && !names.contains(&"Søren Stevns"),
        "{names:?}"
    );
    for list in [
        "/api/v1/companies",
        "/api/v1/activities",
        "/api/v1/placements",
        "/api/v1/needs",
        "/api/v1/requests",
    ] {
        let (_, json) = call(&app, "GET", list, t, None, &[]).await;
        let items = json["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{list} holds our own record");
        for item in items {
            let id = item["id"].as_i64().unwrap();
            assert!(
                ![
                    foreign.company,
                    foreign.activity,
                    foreign.placement,
                    foreign.need,
                    foreign.request
                ]
                .contains(&id)
                    || [
                        own.company,
                        own.activity,
                        own.placement,
                        own.need,
                        own.request
                    ]
                    .contains(&id),
                "{list} shows {id}, the other jobcenter's"
            );
        }
    }
    // Our own records take the writes (each write's body is valid).
    for (method, path) in ROUTES.iter().filter(|(m, _)| *m != "GET") {
        // Erasing, deleting and merging away are tried on their own below and elsewhere.
        if path.contains("erase") || path.contains("merge") || *method == "DELETE" {
            continue;
        }
        let body = body_for(method, path, &own, &app);
        let (res, _) = call(
            &app,
            method,
            &format!("/api/v1{}", own.fill(path)),
            t,
            body,
            &[],
        )
        .await;
        assert!(
            res.status.is_success(),
            "{method} {path}: {} {}",
            res.status,
            res.body
        );
    }
}

#[actix_web::test]
async fn contact_persons_placements_campaigns_requests_and_needs_keep_the_pages_rules() {
    let app = app().await;
    let seed = app.seed();
    let own = crate::routes::records(
        &app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let write = make_token(&consultant, "Mobil", "write").await;
    let t = Some(write.as_str());
    let today = app.now().date().to_string();

    // Contact persons: checked as on the page; removing keeps the name, erasing wipes it.
    let contacts = format!("/api/v1/companies/{}/contacts", own.company);
    let (res, json) = call(
        &app,
        "POST",
        &contacts,
        t,
        Some(json!({"name": "", "email": "ikke-en-mail"})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let fields: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email"]);
    let (res, json) = call(
        &app,
        "POST",
        &contacts,
        t,
        Some(json!({"name": "Ib Holm", "phone": "12 34 56 78"})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let pid = json["id"].as_i64().unwrap();
    let person = format!("{contacts}/{pid}");
    let (res, json) = call(
        &app,
        "PATCH",
        &person,
        t,
        Some(json!({"title": "Direktør"})),
        &[("If-Match", "\"1\"")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["title"], "Direktør");
    assert_eq!(json["phone"], "12 34 56 78");
    let (res, json) = call(
        &app,
        "PATCH",
        &person,
        t,
        Some(json!({"title": "Ejer"})),
        &[("If-Match", "\"1\"")],
    )
    .await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_FAILED,
        "version_conflict",
    );
    let (res, _) = call(&app, "DELETE", &person, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let (_, list) = call(&app, "GET", &contacts, t, None, &[]).await;
    let ib = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pid)
        .expect("a removed person stays in the history");
    assert!(ib["removed_at"].is_string());
    let (res, _) = call(&app, "POST", &format!("{person}/erase"), t, None, &[]).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let (_, list) = call(&app, "GET", &contacts, t, None, &[]).await;
    assert!(
        !list.to_string().contains("Ib Holm"),
        "erased for good: {list}"
    );

    // Placements: hours within the kind's bounds, no CPR number in the case reference.
    let smaajob = |hours: f64, reference: &str| {
        json!({"company_id": own.company, "kind": "smaajob",
        "citizen_ref": reference, "hours_per_week": hours, "start_on": today})
    };
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/placements",
        t,
        Some(smaajob(25.0, "SAG-7")),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "hours_per_week");
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/placements",
        t,
        Some(smaajob(10.0, "010203-1234")),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "citizen_ref");
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/placements",
        t,
        Some(smaajob(12.5, "SAG-7")),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(json["hours_per_week"], 12.5);
    assert_eq!(json["status"], "planned");
    let placement = format!("/api/v1/placements/{}", json["id"]);
    let end = json!({"status": "ended", "end_on": today, "result": "ordinary_job", "version": 1});
    let (res, json) = call(&app, "PATCH", &placement, t, Some(end), &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["result"], "ordinary_job");
    let (_, list) = call(
        &app,
        "GET",
        "/api/v1/placements?kind=smaajob&status=ended",
        t,
        None,
        &[],
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Campaigns: a consultant sees those they are on; another consultant is refused.
    let campaign = format!("/api/v1/campaigns/{}", own.campaign);
    let (res, json) = call(&app, "GET", &campaign, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["targets"], 1);
    let (_, targets) = call(&app, "GET", &format!("{campaign}/targets"), t, None, &[]).await;
    assert_eq!(targets["items"][0]["company_id"], own.company);
    app.add_user(
        &seed.jobcenter,
        "ny@koege.dk",
        "Ny Kollega",
        jobcenter_crm::models::user::Role::Consultant,
    );
    let colleague = app.signed_in("ny@koege.dk").await;
    let theirs = make_token(&colleague, "Ny", "read").await;
    let (res, json) = call(&app, "GET", &campaign, Some(&theirs), None, &[]).await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (_, none) = call(&app, "GET", "/api/v1/campaigns", Some(&theirs), None, &[]).await;
    assert_eq!(none, json!([]));

    // Requests: the inbox's steps, in order; a step that does not apply is refused.
    let request = format!("/api/v1/requests/{}", own.request);
    for (step, status) in [
        ("take", "assigned"),
        ("answered", "answered"),
        ("close", "closed"),
        ("reopen", "answered"),
    ] {
        let (res, json) = call(&app, "POST", &format!("{request}/{step}"), t, None, &[]).await;
        assert_eq!(res.status, StatusCode::OK, "{step}: {}", res.body);
        assert_eq!(json["status"], status, "{step}");
    }
    let (res, json) = call(&app, "POST", &format!("{request}/reopen"), t, None, &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    // Linked to a company of the register, or to none; another jobcenter's company is not there.
    let link = format!("{request}/company");
    for (company, status, linked) in [
        (json!(own.company), StatusCode::OK, json!(own.company)),
        (
            json!(own.company + 1_000_000),
            StatusCode::NOT_FOUND,
            json!(own.company),
        ),
        (Value::Null, StatusCode::OK, Value::Null),
    ] {
        let body = json!({ "company_id": company });
        let (res, _) = call(&app, "POST", &link, t, Some(body), &[]).await;
        assert_eq!(res.status, status, "{company}: {}", res.body);
        let (_, json) = call(&app, "GET", &request, t, None, &[]).await;
        assert_eq!(json["company_id"], linked, "after {company}");
    }
    let (res, _) = call(&app, "POST", &format!("{request}/shred"), t, None, &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let hand_over = json!({"assignee": seed.manager.id});
    let (res, json) = call(
        &app,
        "POST",
        &format!("{request}/assign"),
        t,
        Some(hand_over),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (res, json) = call(&app, "POST", &format!("{request}/not-spam"), t, None, &[]).await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");

    // Requests: spam is for managers; to a consultant it does not exist.
    diesel::update(jobcenter_crm::db::schema::contact_requests::table.find(own.request))
        .set(jobcenter_crm::db::schema::contact_requests::status.eq("spam"))
        .execute(&mut app.conn())
        .unwrap();
    let (res, _) = call(&app, "GET", &request, t, None, &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let (res, json) = call(&app, "GET", "/api/v1/requests?tab=spam", t, None, &[]).await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let manager = app.signed_in("leder@koege.dk").await;
    let managers = make_token(&manager, "Leder", "read").await;
    let (res, json) = call(&app, "GET", &request, Some(&managers), None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(json["status"], "spam");
    let (_, spam) = call(
        &app,
        "GET",
        "/api/v1/requests?tab=spam",
        Some(&managers),
        None,
        &[],
    )
    .await;
    assert_eq!(spam["items"][0]["id"], own.request);

    // Needs: the open list, and one with its referrals.
    let (_, needs) = call(&app, "GET", "/api/v1/needs?kind=ordinary", t, None, &[]).await;
    assert_eq!(needs["items"][0]["id"], own.need);
    let (_, none) = call(&app, "GET", "/api/v1/needs?kind=fleksjob", t, None, &[]).await;
    assert_eq!(none["items"], json!([]));
    let (res, need) = call(
        &app,
        "GET",
        &format!("/api/v1/needs/{}", own.need),
        t,
        None,
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(need["title"], "Lagermedarbejder");
    assert_eq!(need["referrals"][0]["citizen_ref"], "SAG-2");
}

#[actix_web::test]
async fn needs_and_referrals_are_written_with_the_pages_rules() {
    use jobcenter_crm::db::schema::{contact_requests, needs, placements};
    let app = app().await;
    let seed = app.seed();
    let own = crate::routes::records(
        &app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let write = make_token(&consultant, "Mobil", "write").await;
    let read = make_token(&consultant, "Læs", "read").await;
    let t = Some(write.as_str());
    let today = jobcenter_crm::domain::dates::local_date(app.now());
    let count = |app: &TestApp| -> i64 {
        needs::table
            .filter(needs::jobcenter_id.eq(seed.jobcenter.id))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    let before = count(&app);

    // Bad input: each field's Danish message, and nothing saved.
    let bad = json!({"company_id": own.company, "title": "", "positions": 0, "kind": "smaajob",
        "hours_per_week": 30, "start_on": "2027-03-01", "deadline_on": "2027-02-01",
        "requirements": "Ring til 010203-1234"});
    let (res, json) = call(&app, "POST", "/api/v1/needs", t, Some(bad), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        error_fields(&json),
        [
            "title",
            "positions",
            "hours_per_week",
            "deadline_on",
            "requirements"
        ],
        "{json}"
    );
    assert!(
        json["errors"][2]["message"]
            .as_str()
            .unwrap()
            .contains("mellem 2 og 20")
    );
    assert_eq!(count(&app), before);
    // A read token may not write.
    let good = json!({"company_id": own.company, "title": "Lagerhjælper", "positions": 2,
        "kind": "smaajob", "hours_per_week": 12.5, "request_id": own.request});
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/needs",
        Some(&read),
        Some(good.clone()),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(count(&app), before);

    // A need made from a request: the request is answered, the need is the token owner's,
    // received today, and audit-logged as made through the API.
    let (res, need) = call(&app, "POST", "/api/v1/needs", t, Some(good), &[]).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = need["id"].as_i64().unwrap();
    assert_eq!(need["user_id"], seed.consultant.id);
    assert_eq!(need["received_on"], today.to_string());
    assert_eq!(need["hours_per_week"], 12.5);
    assert_eq!(need["status"], "open");
    let request_status: String = contact_requests::table
        .find(own.request)
        .select(contact_requests::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(request_status, "answered");
    let details: String = audit_log::table
        .filter(audit_log::entity_id.eq(id))
        .filter(audit_log::action.eq("need_created"))
        .select(audit_log::details)
        .first(&mut app.conn())
        .unwrap();
    assert!(details.contains("API-nøgle «Mobil»"), "{details}");

    // Status moves name their version; a stale one changes nothing.
    let status = format!("/api/v1/needs/{id}/status");
    let (res, json) = call(
        &app,
        "POST",
        &status,
        t,
        Some(json!({"status": "in_progress"})),
        &[],
    )
    .await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_REQUIRED,
        "version_required",
    );
    let (res, json) = call(
        &app,
        "POST",
        &status,
        t,
        Some(json!({"status": "filled", "version": 1})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(error_fields(&json), ["status"]);
    let early = (today - TimeDelta::days(30)).to_string();
    let (res, json) = call(
        &app,
        "POST",
        &status,
        t,
        Some(json!({"status": "in_progress", "on": early, "version": 1})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(error_fields(&json), ["on"]);
    let (res, json) = call(
        &app,
        "POST",
        &status,
        t,
        Some(json!({"status": "in_progress"})),
        &[("If-Match", "\"1\"")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["status"], "in_progress");
    assert_eq!(json["version"], 2);
    let (res, json) = call(
        &app,
        "PATCH",
        &format!("/api/v1/needs/{id}"),
        t,
        Some(json!({"positions": 5})),
        &[("If-Match", "\"1\"")],
    )
    .await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_FAILED,
        "version_conflict",
    );
    let (res, json) = call(
        &app,
        "PATCH",
        &format!("/api/v1/needs/{id}"),
        t,
        Some(json!({"positions": 5, "deadline_on": null, "version": 2})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["positions"], 5);
    assert_eq!(
        json["title"], "Lagerhjælper",
        "fields not sent keep their value"
    );

    // Referrals: by case reference only; a hire may start the linked placement.
    let referrals = format!("/api/v1/needs/{id}/referrals");
    let (res, json) = call(
        &app,
        "POST",
        &referrals,
        t,
        Some(json!({"citizen_ref": "010203-1234"})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(error_fields(&json), ["citizen_ref"]);
    let (res, json) = call(
        &app,
        "POST",
        &referrals,
        t,
        Some(json!({"citizen_ref": "SAG-77", "start_placement": true})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(error_fields(&json), ["start_placement"]);
    let (res, referral) = call(
        &app,
        "POST",
        &referrals,
        t,
        Some(json!({"citizen_ref": "SAG-77"})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(referral["outcome"], "sent");
    let rid = referral["id"].as_i64().unwrap();
    let (res, hired) = call(
        &app,
        "PATCH",
        &format!("{referrals}/{rid}"),
        t,
        Some(json!({"outcome": "hired", "start_placement": true, "version": 1})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(hired["outcome"], "hired");
    let pid = hired["placement_id"]
        .as_i64()
        .expect("the placement started");
    let (kind, hours, citizen): (String, f64, String) = placements::table
        .find(pid)
        .select((
            placements::kind,
            placements::hours_per_week,
            placements::citizen_ref,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (kind.as_str(), hours, citizen.as_str()),
        ("smaajob", 12.5, "SAG-77")
    );
    let (res, json) = call(
        &app,
        "PATCH",
        &format!("{referrals}/{rid}"),
        t,
        Some(json!({"outcome": "interview", "version": 1})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::CONFLICT, "version_conflict");
    let (_, need) = call(&app, "GET", &format!("/api/v1/needs/{id}"), t, None, &[]).await;
    assert_eq!(need["referrals"][0]["outcome"], "hired");

    // Filled by the jobcenter, the need leaves the open list.
    let (res, json) = call(
        &app,
        "POST",
        &status,
        t,
        Some(json!({"status": "filled_by_jobcenter", "version": 3})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["closed_on"], today.to_string());
    let (_, open) = call(&app, "GET", "/api/v1/needs", t, None, &[]).await;
    let open: Vec<i64> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect();
    assert!(!open.contains(&id), "{open:?}");
}

#[actix_web::test]
async fn campaigns_are_planned_filled_and_worked_with_the_pages_rules() {
    let app = app().await;
    let seed = app.seed();
    let own = crate::routes::records(
        &app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let stevns = crate::routes::records(
        &app,
        "stevns",
        seed.other_jobcenter.id,
        seed.other_admin.id,
        seed.other_admin.id,
    )
    .await;
    let manager = app.signed_in("leder@koege.dk").await;
    let m = make_token(&manager, "Planlægning", "write").await;
    let m = Some(m.as_str());
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let k = make_token(&consultant, "Mobil", "write").await;
    let k = Some(k.as_str());

    // Planning is for managers; bad input is refused at its fields.
    let plan = json!({"name": "Fleksjob i industrien", "start": "2027-02-01",
        "end": "2027-03-31", "target_companies": 2, "topics": ["fleksjob"],
        "consultant_ids": [seed.consultant.id]});
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/campaigns",
        k,
        Some(plan.clone()),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let bad = json!({"name": "", "start": "2027-03-31", "end": "2027-02-01",
        "target_companies": 0});
    let (res, json) = call(&app, "POST", "/api/v1/campaigns", m, Some(bad), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        error_fields(&json),
        ["name", "end", "target_companies"],
        "{json}"
    );
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/campaigns",
        m,
        Some(
            json!({"name": "X", "start": "2027-02-01", "end": "2027-03-01",
            "target_companies": 1, "topics": ["golf"]}),
        ),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(error_fields(&json), ["topics"]);
    let (res, json) = call(
        &app,
        "POST",
        "/api/v1/campaigns",
        m,
        Some(
            json!({"name": "X", "start": "2027-02-01", "end": "2027-03-01",
            "target_companies": 1, "consultant_ids": [seed.other_admin.id]}),
        ),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        error_fields(&json),
        ["consultants"],
        "another jobcenter's staff"
    );
    let (res, campaign) = call(&app, "POST", "/api/v1/campaigns", m, Some(plan), &[]).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(campaign["status"], "planned");
    assert_eq!(campaign["topics"], json!(["fleksjob"]));
    let id = campaign["id"].as_i64().unwrap();
    let at = format!("/api/v1/campaigns/{id}");

    // Versions: a stale edit changes nothing; a start needs the one it is based on.
    let (res, json) = call(
        &app,
        "PATCH",
        &at,
        m,
        Some(json!({"purpose": "Ny"})),
        &[("If-Match", "\"7\"")],
    )
    .await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_FAILED,
        "version_conflict",
    );
    let (res, json) = call(
        &app,
        "PATCH",
        &at,
        m,
        Some(json!({"purpose": "Fleksjob hos produktionsvirksomheder", "version": 1})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        json["name"], "Fleksjob i industrien",
        "fields not sent keep their value"
    );
    assert_eq!(json["topics"], json!(["fleksjob"]));
    let start = format!("{at}/start");
    let (res, json) = call(&app, "POST", &start, m, None, &[]).await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_REQUIRED,
        "version_required",
    );
    let (res, json) = call(&app, "POST", &start, m, None, &[("If-Match", "\"2\"")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["status"], "running");
    let (res, json) = call(&app, "POST", &start, m, Some(json!({"version": 3})), &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(error_fields(&json), ["status"]);

    // The list: our companies once each; another jobcenter's are not ours to add.
    let targets = format!("{at}/targets");
    let (_, other) = call(
        &app,
        "POST",
        "/api/v1/companies",
        m,
        Some(json!({"cvr": new_cvr(3_500_000), "name": "Anden ApS"})),
        &[],
    )
    .await;
    let ids = json!({"company_ids": [own.company, other["id"], own.company, stevns.company]});
    let (res, json) = call(&app, "POST", &targets, k, Some(ids.clone()), &[]).await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (res, json) = call(&app, "POST", &targets, m, Some(ids.clone()), &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json, json!({"added": 2, "already": 0, "unknown": 1}));
    let (_, json) = call(&app, "POST", &targets, m, Some(ids), &[]).await;
    assert_eq!(json, json!({"added": 0, "already": 2, "unknown": 1}));
    let (res, json) = call(
        &app,
        "POST",
        &targets,
        m,
        Some(json!({"company_ids": []})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let (_, list) = call(&app, "GET", &targets, m, None, &[]).await;
    let list = list["items"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    let mine = &list[0];
    let tid = mine["id"].as_i64().unwrap();
    let theirs = list[1]["id"].as_i64().unwrap();

    // Sharing out is for managers; a consultant works only their own share.
    let target = format!("{targets}/{tid}");
    let (res, json) = call(
        &app,
        "PATCH",
        &target,
        k,
        Some(json!({"status": "contacted", "version": mine["version"]})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (res, json) = call(
        &app,
        "PATCH",
        &target,
        k,
        Some(json!({"assigned_to": seed.consultant.id, "version": mine["version"]})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (res, given) = call(
        &app,
        "PATCH",
        &target,
        m,
        Some(json!({"assigned_to": seed.consultant.id, "version": mine["version"]})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(given["assigned_to"], seed.consultant.id);
    assert_eq!(given["status"], "not_contacted");
    let (res, json) = call(
        &app,
        "PATCH",
        &target,
        k,
        Some(json!({"status": "interested", "version": mine["version"]})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::CONFLICT, "version_conflict");
    let (res, json) = call(
        &app,
        "PATCH",
        &target,
        k,
        Some(json!({"status": "interested", "version": given["version"]})),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["status"], "interested");
    assert_eq!(
        json["assigned_to"], seed.consultant.id,
        "the consultant keeps it"
    );
    let (res, json) = call(
        &app,
        "PATCH",
        &target,
        k,
        Some(json!({"status": "golf", "version": json["version"]})),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // Taking a company off the list is for managers.
    let off = format!("{targets}/{theirs}");
    let (res, json) = call(&app, "DELETE", &off, k, None, &[]).await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (res, _) = call(&app, "DELETE", &off, m, None, &[]).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let (res, _) = call(&app, "DELETE", &off, m, None, &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let (_, campaign) = call(&app, "GET", &at, m, None, &[]).await;
    assert_eq!(
        (campaign["targets"].as_i64(), campaign["reached"].as_i64()),
        (Some(1), Some(1))
    );
}

#[actix_web::test]
async fn a_duplicate_is_merged_through_the_api_as_on_the_page() {
    let app = app().await;
    let seed = app.seed();
    let survivor = app.add_company(&seed.jobcenter, "Havnens Fisk ApS");
    let duplicate = app.add_company(&seed.jobcenter, "Havnens Fisk");
    let foreign = app.add_company(&seed.other_jobcenter, "Stevns Fisk");
    log_visit(&app, &duplicate, seed.consultant.id);
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let k = make_token(&consultant, "Mobil", "write").await;
    let manager = app.signed_in("leder@koege.dk").await;
    let m = make_token(&manager, "Oprydning", "write").await;
    let m = Some(m.as_str());
    let merge = format!("/api/v1/companies/{}/merge", survivor.id);
    let body = |other: i64, fields: Value| json!({"other_id": other, "version": 1, "other_version": 1, "fields": fields});

    let (res, json) = call(
        &app,
        "POST",
        &merge,
        Some(&k),
        Some(body(duplicate.id, json!({}))),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::FORBIDDEN, "forbidden");
    let (res, json) = call(
        &app,
        "POST",
        &merge,
        m,
        Some(body(foreign.id, json!({}))),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::NOT_FOUND, "not_found");
    let (res, json) = call(
        &app,
        "POST",
        &merge,
        m,
        Some(body(duplicate.id, json!({"name": "both"}))),
        &[],
    )
    .await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let (res, json) = call(
        &app,
        "POST",
        &merge,
        m,
        Some(body(duplicate.id, json!({"name": "other"}))),
        &[("If-Match", "\"9\"")],
    )
    .await;
    is_problem(
        &res,
        &json,
        StatusCode::PRECONDITION_FAILED,
        "version_conflict",
    );

    let (res, json) = call(
        &app,
        "POST",
        &merge,
        m,
        Some(body(duplicate.id, json!({"name": "other"}))),
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(json["company"]["name"], "Havnens Fisk");
    assert_eq!(json["merged_id"], duplicate.id);
    assert!(
        json["moved"].as_str().unwrap().starts_with("1 aktiviteter"),
        "{json}"
    );
    let (res, _) = call(
        &app,
        "GET",
        &format!("/api/v1/companies/{}", duplicate.id),
        m,
        None,
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let (_, activities) = call(
        &app,
        "GET",
        &format!("/api/v1/activities?company={}", survivor.id),
        m,
        None,
        &[],
    )
    .await;
    assert_eq!(activities["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_token_over_its_rate_is_told_when_to_come_back() {
    let app = app_with(|c| c.api_rate_limit = 3).await;
    app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let token = make_token(&consultant, "Travl", "read").await;
    let other = make_token(&consultant, "Rolig", "read").await;
    for _ in 0..3 {
        let (res, _) = call(&app, "GET", "/api/v1/staff", Some(&token), None, &[]).await;
        assert_eq!(res.status, StatusCode::OK);
    }
    let (res, json) = call(&app, "GET", "/api/v1/staff", Some(&token), None, &[]).await;
    is_problem(&res, &json, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = res.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another token is not held back; the next minute the first may call again.
    let (res, _) = call(&app, "GET", "/api/v1/staff", Some(&other), None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    app.clock.advance(TimeDelta::seconds(wait as i64));
    let (res, _) = call(&app, "GET", "/api/v1/staff", Some(&token), None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
}

/// Every route the API module registers, read from its handlers' attributes.
fn api_routes() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for file in crate::common::files_under(std::path::Path::new("src/api"), "rs") {
        let text = std::fs::read_to_string(&file).unwrap();
        for method in ["get", "post", "patch", "put", "delete"] {
            for part in text.split(&format!("#[{method}(\"")).skip(1) {
                let path = part.split("\")]").next().unwrap();
                // `{id:\\d+}` is `{id}` in the document.
                let path = path.replace(":\\\\d+", "");
                routes.insert((method.to_string(), path));
            }
        }
    }
    routes
}

#[actix_web::test]
async fn the_contract_describes_every_route_and_errors_are_problem_documents() {
    let app = app().await;
    app.seed();
    let (res, doc) = call(&app, "GET", "/api/v1/openapi.json", None, None, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let mut described = BTreeSet::new();
    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            described.insert((method.clone(), path.clone()));
            // Client generators and the page's anchors need them unique.
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            assert!(
                !id.is_empty() && operation_ids.insert(id.clone()),
                "operationId {id:?} of {method} {path} is missing or used twice"
            );
        }
    }
    let registered = api_routes();
    assert!(registered.len() >= 15, "{registered:?}");
    let undocumented: Vec<_> = registered.difference(&described).collect();
    assert!(
        undocumented.is_empty(),
        "routes the document does not describe: {undocumented:?}"
    );
    let phantom: Vec<_> = described.difference(&registered).collect();
    assert!(phantom.is_empty(), "described but not served: {phantom:?}");
    // Every data route asks for the token and documents the rate limit.
    let list = &doc["paths"]["/companies"]["get"];
    assert_eq!(list["security"][0]["token"], json!([]));
    assert!(list["responses"]["429"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    // Errors are documented as what they are: problem documents, never plain JSON.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    assert!(
                        response["content"]["application/json"].is_null(),
                        "{method} {path} {status} is documented as plain JSON"
                    );
                }
            }
        }
    }
    assert!(
        doc["paths"]["/openapi.json"]["get"]["security"].is_null(),
        "the contract is public"
    );

    // The page for people lists every route, served without any script.
    let page = app.client().get("/api/v1/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script src=\"http"));
    for (method, path) in &registered {
        let shown = format!("{} /api/v1{path}", method.to_uppercase());
        assert!(page.body.contains(&shown), "{shown} missing from the page");
    }
    assert!(page.headers.get("content-security-policy").is_some());

    // Errors the framework answers are problem documents too.
    let manager_token = {
        let manager = app.signed_in("leder@koege.dk").await;
        make_token(&manager, "Fejl", "write").await
    };
    let t = Some(manager_token.as_str());
    let (res, json) = call(&app, "GET", "/api/v1/nothing-here", t, None, &[]).await;
    is_problem(&res, &json, StatusCode::NOT_FOUND, "not_found");
    let (res, json) = call(&app, "GET", "/api/v1/companies/abc", t, None, &[]).await;
    is_problem(&res, &json, StatusCode::NOT_FOUND, "not_found");
    let (res, json) = call(&app, "DELETE", "/api/v1/staff/1", t, None, &[]).await;
    assert_eq!(
        res.header("content-type"),
        "application/problem+json",
        "{}",
        res.body
    );
    assert!(res.status.is_client_error(), "{}", res.status);
    assert!(json["code"].is_string());
    let (res, json) = call(&app, "GET", "/api/v1/companies?status=closed", t, None, &[]).await;
    is_problem(&res, &json, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(json["errors"][0]["field"], "status");
}
