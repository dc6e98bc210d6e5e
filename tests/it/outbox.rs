//! Notification mail: the outbox, the sender talking SMTP to a sink on 127.0.0.1 that this
//! test runs itself, retries after a failure, and the admin's view of it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::common::{app, app_with};
use crate::contact_support::{request_fields, set, stored};
use actix_web::http::StatusCode;
use base64::Engine;
use chrono::TimeDelta;
use jobcenter_crm::mail::{Delivery, Mailer, deliver_due};
use jobcenter_crm::models::contact_request::RequestStatus;
use jobcenter_crm::models::settings::Settings;

/// A minimal SMTP server: the first `fail_first` connections are refused at MAIL FROM with a
/// temporary error, the rest are accepted and their messages kept. It serves a bounded number
/// of connections and then stops.
struct Sink {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

fn start_sink(fail_first: usize) -> Sink {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the sink");
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let kept = messages.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(10).enumerate() {
            let Ok(stream) = stream else { break };
            let _ = serve(stream, n < fail_first, &kept);
        }
    });
    Sink { port, messages }
}

fn serve(stream: TcpStream, fail: bool, kept: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if command.starts_with("MAIL FROM") {
            if fail {
                b"451 4.3.0 Try again later\r\n"
            } else {
                b"250 2.1.0 OK\r\n"
            }
        } else if command.starts_with("RCPT TO") || command.starts_with("RSET") {
            b"250 2.1.5 OK\r\n"
        } else if command == "DATA" {
            out.write_all(b"354 Go ahead\r\n")?;
            let mut message = String::new();
            loop {
                let mut data = String::new();
                if reader.read_line(&mut data)? == 0 {
                    return Ok(());
                }
                if data == ".\r\n" {
                    break;
                }
                message.push_str(&data);
            }
            kept.lock().unwrap().push(message);
            b"250 2.0.0 Queued\r\n"
        } else if command == "QUIT" {
            out.write_all(b"221 2.0.0 Bye\r\n")?;
            return Ok(());
        } else {
            b"500 5.5.1 Unknown command\r\n"
        };
        out.write_all(reply)?;
    }
}

/// The text of a message, whichever transfer encoding the mail library chose.
fn body_text(message: &str) -> String {
    let (headers, body) = message.split_once("\r\n\r\n").unwrap_or((message, ""));
    if headers.contains("Content-Transfer-Encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(joined)
            .unwrap();
        String::from_utf8(bytes).unwrap()
    } else {
        // Quoted-printable: soft line breaks go, "=C3=A6" becomes "æ".
        let joined = body.replace("=\r\n", "");
        let mut bytes = Vec::new();
        let mut rest = joined.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            match (b, tail.get(..2).and_then(|h| std::str::from_utf8(h).ok())) {
                (b'=', Some(hex)) if u8::from_str_radix(hex, 16).is_ok() => {
                    bytes.push(u8::from_str_radix(hex, 16).unwrap());
                    rest = &tail[2..];
                }
                _ => {
                    bytes.push(b);
                    rest = tail;
                }
            }
        }
        String::from_utf8(bytes).unwrap()
    }
}

#[actix_web::test]
async fn the_outbox_sends_through_smtp_and_retries_after_a_failure() {
    let sink = start_sink(1);
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let smtp = url.clone();
    let app = app_with(move |config| config.smtp_url = Some(smtp)).await;
    app.seed();
    let public = app.client();
    let res = app
        .fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    // With a mail server configured, the company gets a receipt.
    assert!(res.location().ends_with("&kvittering=1"));
    let thanks = public.get(res.location()).await;
    assert!(thanks.body.contains("kvittering"));
    let mails = app.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "mette@kiosk.dk");

    let mailer = Mailer::new(&url, "Jobcenter Køge <crm@koege.dk>").unwrap();
    let db = app.state.db.clone();
    let now = app.now();
    let (db1, m1) = (db.clone(), mailer.clone());
    let first = actix_web::web::block(move || deliver_due(&db1, &m1, now))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first, Delivery { sent: 0, failed: 1 });
    let mail = app.mails().remove(0);
    assert_eq!(mail.attempts, 1);
    assert!(mail.sent_at.is_none());
    assert!(
        mail.last_error.as_deref().unwrap_or("").contains("451"),
        "{mail:?}"
    );
    assert_eq!(
        stored(mail.next_attempt_at),
        stored(now + TimeDelta::minutes(1))
    );
    // A failed mail never loses the request.
    assert_eq!(app.only_request().status, RequestStatus::New);

    // Not due yet: nothing happens.
    let (db2, m2) = (db.clone(), mailer.clone());
    let early = actix_web::web::block(move || deliver_due(&db2, &m2, now))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(early, Delivery::default());

    app.clock.advance(TimeDelta::minutes(2));
    let later = app.now();
    let (db3, m3) = (db.clone(), mailer.clone());
    let second = actix_web::web::block(move || deliver_due(&db3, &m3, later))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second, Delivery { sent: 1, failed: 0 });
    let mail = app.mails().remove(0);
    assert_eq!(mail.sent_at.map(stored), Some(stored(later)));
    assert_eq!(mail.attempts, 2);
    assert_eq!(mail.last_error, None);

    let received = sink.messages.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].contains("To: mette@kiosk.dk"),
        "{}",
        received[0]
    );
    assert!(received[0].contains("From: "));
    let text = body_text(&received[0]);
    assert!(text.contains("Goddag"), "{text}");
    assert!(
        !text.contains("Mette Hansen"),
        "no visitor-written name: {text}"
    );
    assert!(text.contains("inden for 2 arbejdsdage"), "{text}");

    // Sent once: a later round sends nothing again.
    app.clock.advance(TimeDelta::hours(1));
    let end = app.now();
    let third = actix_web::web::block(move || deliver_due(&db, &mailer, end))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third, Delivery::default());

    let admin = app.signed_in("admin@koege.dk").await;
    let page = admin.get("/admin/outbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("mette@kiosk.dk"));
    assert!(page.body.contains("Sendt"));
}

#[actix_web::test]
async fn without_smtp_mails_wait_in_the_outbox_for_admins_to_see() {
    let app = app().await;
    let seed = app.seed();
    let mut settings = Settings::defaults(seed.jobcenter.id);
    settings.team_email = "team@koege.dk".into();
    settings.save(&mut app.conn()).unwrap();
    let public = app.client();
    let res = app
        .fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    assert!(
        !res.location().contains("kvittering"),
        "no receipt without a mail server"
    );
    // Unassigned: the team address is told.
    let mails = app.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "team@koege.dk");
    assert!(mails[0].sent_at.is_none());

    let admin = app.signed_in("admin@koege.dk").await;
    let page = admin.get("/admin/outbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("team@koege.dk"));
    assert!(page.body.contains("Der er ikke sat en mailserver op"));
    assert!(page.body.contains("Venter"));
    // The neighbouring jobcenter's admin sees none of it; consultants see no outbox.
    let stevns = app.signed_in("admin@stevns.dk").await;
    assert!(
        !stevns
            .get("/admin/outbox")
            .await
            .body
            .contains("team@koege.dk")
    );
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(
        karen.get("/admin/outbox").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn a_mail_given_up_can_be_sent_again_by_an_admin() {
    // Nothing listens on this port: every attempt fails at once.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("smtp://127.0.0.1:{port}");
    let smtp = url.clone();
    let app = app_with(move |config| config.smtp_url = Some(smtp)).await;
    app.seed();
    let public = app.client();
    app.fill_in(&public, "/kontakt/koege", &request_fields())
        .await;
    let mailer = Mailer::new(&url, "crm@koege.dk").unwrap();
    for _ in 0..jobcenter_crm::models::outbox::MAX_ATTEMPTS {
        app.clock.advance(TimeDelta::hours(7));
        let (db, m, now) = (app.state.db.clone(), mailer.clone(), app.now());
        let d = actix_web::web::block(move || deliver_due(&db, &m, now))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(d.failed, 1);
    }
    let mail = app.mails().remove(0);
    assert!(mail.is_given_up());
    app.clock.advance(TimeDelta::hours(7));
    let (db, m, now) = (app.state.db.clone(), mailer.clone(), app.now());
    let d = actix_web::web::block(move || deliver_due(&db, &m, now))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        d,
        Delivery::default(),
        "given up: not tried again by itself"
    );

    let admin = app.signed_in("admin@koege.dk").await;
    let page = admin.get("/admin/outbox").await;
    assert!(page.body.contains("Opgivet"));
    let res = admin
        .post(&format!("/admin/outbox/{}/retry", mail.id), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mail = app.mails().remove(0);
    assert_eq!(mail.attempts, 0);
    assert_eq!(stored(mail.next_attempt_at), stored(app.now()));
    assert!(!mail.is_given_up());
}

#[actix_web::test]
async fn the_receipt_repeats_nothing_a_visitor_wrote_but_the_company_name_defanged() {
    // No mail server is reached: the receipts wait in the outbox.
    let app = app_with(|config| config.smtp_url = Some("smtp://127.0.0.1:9".into())).await;
    app.seed();
    let mut fields = request_fields();
    set(
        &mut fields,
        "company_name",
        "Vind en iPhone på https://evil.example/gevinst",
    );
    set(&mut fields, "contact_name", "Klik på www.evil.example nu");
    set(&mut fields, "email", "offer@victim.dk");
    set(
        &mut fields,
        "message",
        "Din konto er spærret, log ind på https://evil.example",
    );
    // Five submissions to one address, each from its own client address (the form's own
    // limit is per client): three receipts within a day, and every request is kept.
    for n in 0..5 {
        let visitor = app.client();
        visitor.set_ip(&format!("198.51.100.{n}"));
        let res = app.fill_in(&visitor, "/kontakt/koege", &fields).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    assert_eq!(app.requests().len(), 5);
    let receipts: Vec<_> = app
        .mails()
        .into_iter()
        .filter(|m| m.to_address == "offer@victim.dk")
        .collect();
    assert_eq!(receipts.len(), 3);
    let body = &receipts[0].body;
    assert!(body.contains("hxxps[:]//evil[.]example/gevinst"), "{body}");
    for written in ["https://", "evil.example", "Klik", "spærret"] {
        assert!(!body.contains(written), "{written}: {body}");
    }
    // A day later the address gets a receipt again.
    app.clock.advance(TimeDelta::hours(25));
    let visitor = app.client();
    visitor.set_ip("198.51.100.99");
    app.fill_in(&visitor, "/kontakt/koege", &fields).await;
    let receipts = app
        .mails()
        .into_iter()
        .filter(|m| m.to_address == "offer@victim.dk")
        .count();
    assert_eq!(receipts, 4);
}
