//! Webhooks through HTTP: an administrator subscribes a local receiver, changes made on the
//! pages, through the API and on the public form are written as deliveries in their own
//! transaction, sent signed, retried after a failure, sent again on request, and never cross to
//! another jobcenter.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use jobcenter_crm::db::schema::webhook_deliveries;
use jobcenter_crm::models::webhook::signature;
use jobcenter_crm::webhooks::deliver_due;
use serde_json::Value;

use crate::common::{TestApp, app, unescape};
use crate::contact_support::request_fields;

/// One request the receiver got: its headers (lower-case names) and body.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A receiver on a local port that answers with the given statuses in turn (then 200) and
/// keeps what it got.
fn receiver(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    std::thread::spawn(move || {
        let mut statuses = statuses.into_iter();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                let (k, v) = l.split_once(':').unwrap();
                headers.push((k.trim().to_lowercase(), v.trim().to_string()));
            }
            let length: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            seen.lock().unwrap().push(Received {
                headers,
                body: String::from_utf8(body).unwrap(),
            });
            let status = statuses.next().unwrap_or(200);
            let answer =
                format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            stream.write_all(answer.as_bytes()).unwrap();
        }
    });
    (url, got)
}

/// Subscribes `url` to `events` on the admin page; returns the webhook's page and its secret.
async fn subscribe(
    client: &crate::common::Client<'_>,
    url: &str,
    events: &[&str],
) -> (String, String) {
    client.get("/admin/webhooks").await;
    let mut fields = vec![("url".to_string(), url.to_string())];
    for e in events {
        fields.push((format!("event_{e}"), "1".into()));
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = client.post("/admin/webhooks", &fields).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let marker = "id=\"new_secret\" name=\"new_secret\" value=\"";
    let start = res.body.find(marker).expect("the secret is shown") + marker.len();
    let secret = unescape(&res.body[start..start + res.body[start..].find('"').unwrap()]);
    assert!(res.body.contains(url), "the new webhook is listed");
    let marker = "href=\"/admin/webhooks/";
    let at = res.body.rfind(marker).expect("a link to the webhook") + marker.len();
    let id: String = res.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let page = format!("/admin/webhooks/{id}");
    (page, secret)
}

fn deliveries(app: &TestApp) -> Vec<(String, Option<chrono::NaiveDateTime>, i32)> {
    webhook_deliveries::table
        .order(webhook_deliveries::id)
        .select((
            webhook_deliveries::event,
            webhook_deliveries::delivered_at,
            webhook_deliveries::attempts,
        ))
        .load(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn events_are_delivered_signed_retried_and_sent_again() {
    let app = app().await;
    let seed = app.seed();
    let admin = app.signed_in("admin@koege.dk").await;

    // Bad input is refused next to its field, nothing saved.
    admin.get("/admin/webhooks").await;
    for (fields, field, message) in [
        (
            vec![("url", ""), ("event_company.created", "1")],
            "url",
            "Skriv adressen",
        ),
        (
            vec![("url", "ftp://x.dk/h"), ("event_company.created", "1")],
            "url",
            "https://",
        ),
        (
            vec![("url", "https://bi.koege.dk/h")],
            "events",
            "mindst én hændelse",
        ),
    ] {
        let res = admin.post("/admin/webhooks", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(res.body.contains(message), "{field}: {}", res.body);
        assert!(res.body.contains(&format!("id=\"{field}-error\"")));
    }

    let (url, got) = receiver(vec![500]);
    let (page, secret) = subscribe(
        &admin,
        &url,
        &["company.created", "activity.created", "request.received"],
    )
    .await;
    assert!(secret.starts_with("whsec_"));
    // Shown once.
    assert!(!admin.get(&page).await.body.contains(&secret));
    assert!(!admin.get("/admin/webhooks").await.body.contains(&secret));

    // A company made on the page, one through the API and a request on the public form: each
    // is written as a delivery with its change; an update is not subscribed to.
    admin.get("/companies/new").await;
    let cvr = (3_500_000..)
        .find_map(jobcenter_crm::domain::cvr::complete_cvr)
        .unwrap();
    let res = admin
        .post(
            "/companies",
            &[
                ("cvr", &cvr),
                ("name", "Webhook ApS"),
                ("status", "prospect"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.add_company(&seed.jobcenter, "Direkte ApS");
    let visitor = app.client();
    let res = app
        .fill_in(&visitor, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let events: Vec<String> = deliveries(&app).into_iter().map(|d| d.0).collect();
    assert_eq!(
        events,
        ["company.created", "company.created", "request.received"]
    );

    // The first answer is a 500: that delivery waits, the others arrive.
    let now = app.now();
    let round = deliver_due(&app.state.db, now).unwrap();
    assert_eq!((round.delivered, round.failed), (2, 1));
    let log = admin.get(&page).await;
    assert!(log.body.contains("Venter (1 forsøg)"), "{}", log.body);
    assert!(log.body.contains("HTTP 500"));
    // Not again before its back-off; then it arrives.
    assert_eq!(deliver_due(&app.state.db, now).unwrap().delivered, 0);
    app.clock.advance(TimeDelta::seconds(61));
    assert_eq!(deliver_due(&app.state.db, app.now()).unwrap().delivered, 1);
    assert!(deliveries(&app).iter().all(|d| d.1.is_some()));

    // Each request is signed with the secret over its timestamp and body.
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 4);
    for r in &got {
        let sig = r.header("x-jobcenter-signature");
        let t: i64 = sig
            .split(',')
            .find_map(|p| p.strip_prefix("t="))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(sig, signature(&secret, t, &r.body), "a valid signature");
        assert_ne!(sig, signature("whsec_wrong", t, &r.body));
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["event"], r.header("x-jobcenter-event"));
        assert_eq!(r.header("content-type"), "application/json");
        let object = body["data"]["object"].as_str().unwrap();
        let id = body["data"]["id"].as_i64().unwrap();
        assert!(
            body["data"]["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/{id}")),
            "{object}: {body}"
        );
        assert!(
            !r.body.contains("Webhook ApS"),
            "thin payloads carry no data"
        );
    }

    // "Send igen" sends a delivered one once more.
    let log = admin.get(&page).await;
    let action = log
        .body
        .split("action=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .find(|a| a.ends_with("/send"))
        .unwrap();
    assert_eq!(admin.post(&action, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(deliver_due(&app.state.db, app.now()).unwrap().delivered, 1);

    // Paused, nothing is written; the other jobcenter's changes never reach ours.
    let res = admin.post(&format!("{page}/active"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let before = deliveries(&app).len();
    app.add_company(&seed.jobcenter, "Under Pause ApS");
    app.add_company(&seed.other_jobcenter, "Stevns ApS");
    assert_eq!(deliveries(&app).len(), before);
    let stevns = app.signed_in("admin@stevns.dk").await;
    assert_eq!(stevns.get(&page).await.status, StatusCode::NOT_FOUND);
    assert!(!stevns.get("/admin/webhooks").await.body.contains(&url));
}

#[actix_web::test]
async fn a_receiver_that_is_down_loses_nothing() {
    let app = app().await;
    let seed = app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    // A port nobody listens on.
    let url = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    subscribe(&admin, &url, &["company.created"]).await;
    app.add_company(&seed.jobcenter, "Tålmodig ApS");
    for _ in 0..3 {
        let round = deliver_due(&app.state.db, app.now()).unwrap();
        assert_eq!((round.delivered, round.failed), (0, 1));
        app.clock.advance(TimeDelta::hours(1));
    }
    let d = deliveries(&app);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].2, 3, "three attempts, still waiting");
    assert!(d[0].1.is_none());
}
