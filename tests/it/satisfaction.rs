//! The company's verdict: the satisfaction mail after a closed request or a logged visit, its
//! single-use page, the 90-day rule, "spørg os ikke igen", and the figures on the overview.

use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;

use crate::common::{self, TestApp};
use crate::contact_support::request_fields;
use crate::overview::{csv_rows, row};
use jobcenter_crm::db::schema::{audit_log, companies, satisfaction_surveys};

const SUBJECT: &str = "Hvor tilfreds er I med jobcentrets hjælp?";

/// An app that can send mail (surveys, like receipts, need it).
async fn app_with_mail() -> TestApp {
    common::app_with(|c| c.smtp_url = Some("smtp://127.0.0.1:9".into())).await
}

/// The satisfaction mails in the outbox, oldest first: (to, body).
fn survey_mails(app: &TestApp) -> Vec<(String, String)> {
    app.mails()
        .into_iter()
        .filter(|m| m.subject == SUBJECT)
        .map(|m| (m.to_address, m.body))
        .collect()
}

/// The path of the link in a mail body.
fn link_in(body: &str) -> String {
    let start = body.find("/tilfredshed/").expect("a link in the mail");
    body[start..].split_whitespace().next().unwrap().to_string()
}

/// A company sends the public form; the consultant takes the request and closes it.
async fn request_closed(app: &TestApp) {
    // Signed in afresh each time: the clock moves past a session's life.
    let karen = app.signed_in("konsulent@koege.dk").await;
    let visitor = app.client();
    let res = app
        .fill_in(&visitor, "/kontakt/koege", &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = app.requests().last().unwrap().id;
    let url = format!("/requests/{id}");
    karen.get(&url).await;
    karen.post(&format!("{url}/take"), &[]).await;
    let res = karen.post(&format!("{url}/close"), &[]).await;
    assert_eq!(res.location(), url, "{}", res.body);
}

fn answered(app: &TestApp) -> Vec<(Option<i32>, String, bool)> {
    satisfaction_surveys::table
        .filter(satisfaction_surveys::answered_at.is_not_null())
        .select((
            satisfaction_surveys::score,
            satisfaction_surveys::comment,
            satisfaction_surveys::opted_out,
        ))
        .load(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_closed_request_asks_once_the_link_takes_one_answer_and_the_overview_counts_it() {
    let app = app_with_mail().await;
    app.seed();
    request_closed(&app).await;
    let mails = survey_mails(&app);
    assert_eq!(mails.len(), 1, "one satisfaction mail");
    let (to, body) = &mails[0];
    assert_eq!(to, "mette@kiosk.dk");
    assert!(body.starts_with("Hej Mette Hansen"), "{body}");
    assert!(body.contains("henvendelse om rekruttering"), "{body}");
    let link = link_in(body);
    assert!(
        link.len() > "/tilfredshed/".len() + 40,
        "a long random token"
    );

    // The company opens the page without signing in.
    let company = app.client();
    let page = company.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("<h1>Hvor tilfreds er I med jobcentrets hjælp?</h1>")
    );
    assert!(
        page.body
            .contains(r#"<label for="score-5">5 – Meget tilfreds</label>"#)
    );
    assert!(
        page.body
            .contains(r#"<label for="no_more">Spørg os ikke igen</label>"#)
    );
    assert!(page.body.contains(r#"<footer class="site-footer">"#));

    // A CPR number in the comment, or no answer at all, is refused next to its field and
    // nothing is kept.
    let res = company
        .post(
            &link,
            &[("score", "4"), ("comment", "Borgeren 010190-1234 var god")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("CPR-nummer"), "{}", res.body);
    assert!(
        res.body.contains("Borgeren 010190-1234 var god"),
        "the text is kept"
    );
    let res = company.post(&link, &[("comment", "Fint")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Vælg, hvor tilfredse I er"));
    assert!(answered(&app).is_empty());

    let res = company
        .post(&link, &[("score", "4"), ("comment", "Hurtigt svar, tak")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Tak for svaret"));
    assert_eq!(
        answered(&app),
        vec![(Some(4), "Hurtigt svar, tak".into(), false)]
    );

    // The link works once.
    let res = company.post(&link, &[("score", "1")]).await;
    assert_eq!(res.status, StatusCode::GONE);
    assert!(res.body.contains("I har allerede svaret"));
    assert_eq!(company.get(&link).await.status, StatusCode::GONE);
    assert_eq!(
        answered(&app),
        vec![(Some(4), "Hurtigt svar, tak".into(), false)]
    );
    assert_eq!(
        company.get("/tilfredshed/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );

    // The same company writes again within 90 days: no second mail.
    app.clock.advance(TimeDelta::days(30));
    request_closed(&app).await;
    assert_eq!(survey_mails(&app).len(), 1, "at most one mail in 90 days");
    // After 90 days it is asked again.
    app.clock.advance(TimeDelta::days(61));
    request_closed(&app).await;
    assert_eq!(survey_mails(&app).len(), 2);

    // The manager sees the answer on the overview of the half-year it was given in.
    let answered_on = satisfaction_surveys::table
        .filter(satisfaction_surveys::answered_at.is_not_null())
        .select(satisfaction_surveys::answered_at)
        .first::<Option<chrono::NaiveDateTime>>(&mut app.conn())
        .unwrap()
        .unwrap();
    let half = jobcenter_crm::domain::periods::Period::containing(
        jobcenter_crm::domain::periods::Unit::Half,
        jobcenter_crm::domain::dates::local_date(answered_on),
    )
    .param();
    let lars = app.signed_in("leder@koege.dk").await;
    let page = lars.get(&format!("/dashboard?period={half}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Virksomhedernes tilfredshed"));
    assert!(page.body.contains("Hurtigt svar, tak"));
    let csv = lars
        .get(&format!("/dashboard.csv?period={half}&table=satisfaction"))
        .await;
    let rows = csv_rows(&csv.body);
    assert_eq!(row(&rows, "Svar")[0], "1");
    assert_eq!(row(&rows, "Gennemsnit (1–5)")[0], "4,0");
    assert_eq!(row(&rows, "4 – tilfreds")[0], "1");
    assert_eq!(row(&rows, "5 – meget tilfreds")[0], "0");
    let csv = lars
        .get(&format!(
            "/dashboard.csv?period={half}&table=satisfaction_consultants"
        ))
        .await;
    let rows = csv_rows(&csv.body);
    assert_eq!(row(&rows, "Karen Konsulent"), ["1", "4,0"]);

    // A goal can follow the average score; a target outside 1–5 is refused.
    let goal = |target: &'static str| {
        [
            ("half_year", half.clone()),
            ("focus_area", "Virksomhedernes tilfredshed".to_string()),
            ("metric", "satisfaction".to_string()),
            ("target", target.to_string()),
        ]
    };
    let fields = goal("7");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = lars.post_from("/goals/new", "/goals", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("mellem 1 og 5"));
    let fields = goal("4,5");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = lars.post_from("/goals/new", "/goals", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = lars.get(&format!("/goals?half_year={half}")).await;
    assert!(
        page.body
            .contains("Virksomhedernes tilfredshed, gennemsnit (1–5)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Bagud") || page.body.contains("Ikke nået"));

    // Another jobcenter's overview knows nothing of it.
    let soeren = app.signed_in("admin@stevns.dk").await;
    let page = soeren.get(&format!("/dashboard?period={half}")).await;
    assert!(!page.body.contains("Hurtigt svar, tak"));
}

#[actix_web::test]
async fn a_visit_asks_only_when_chosen_and_never_a_company_that_said_no_more() {
    let app = app_with_mail().await;
    let seed = app.seed();
    let company = app.add_company(&seed.jobcenter, "Byggefirma Hansen");
    diesel::update(companies::table.find(company.id))
        .set(companies::email.eq("kontor@byggefirma.dk"))
        .execute(&mut app.conn())
        .unwrap();
    let me = seed.consultant.id.to_string();
    let cid = company.id.to_string();
    // Signed in afresh each time: the clock moves past a session's life.
    let visit = || async {
        let karen = app.signed_in("konsulent@koege.dk").await;
        let today = jobcenter_crm::domain::dates::local_date(app.now()).to_string();
        let res = karen
            .post_from(
                &format!("/activities/new?company={cid}"),
                "/activities",
                &[
                    ("company_id", cid.as_str()),
                    ("user_id", me.as_str()),
                    ("kind", "visit"),
                    ("occurred_on", today.as_str()),
                    ("summary", "Besøg hos indehaveren."),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    };

    // Not chosen (the default): a visit asks nothing.
    visit().await;
    assert!(survey_mails(&app).is_empty());

    let admin = app.signed_in("admin@koege.dk").await;
    let settings = admin.get("/admin/settings").await;
    assert!(
        settings.body.contains(
            r#"<label for="survey_after_visit">Spørg, når et besøg er registreret</label>"#
        )
    );
    let res = admin
        .post(
            "/admin/settings",
            &[
                ("smaajob_min_hours", "2"),
                ("smaajob_max_hours", "20"),
                ("other_min_hours", "0,5"),
                ("other_max_hours", "37"),
                ("praktik_max_weeks", "13"),
                ("answer_promise_days", "2"),
                ("request_retention_months", "24"),
                ("spam_retention_days", "30"),
                ("require_two_step", "none"),
                ("access_log_retention_months", "6"),
                ("survey_after_request", "on"),
                ("survey_after_visit", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    visit().await;
    let mails = survey_mails(&app);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "kontor@byggefirma.dk");
    assert!(mails[0].1.contains("ved besøget den"), "{}", mails[0].1);

    // The link expires after 30 days.
    let link = link_in(&mails[0].1);
    app.clock.advance(TimeDelta::days(31));
    let visitor = app.client();
    let res = visitor.get(&link).await;
    assert_eq!(res.status, StatusCode::GONE);
    assert!(res.body.contains("Linket er udløbet"));

    // Asked again after 90 days, the company says "spørg os ikke igen" without a score.
    app.clock.advance(TimeDelta::days(60));
    visit().await;
    let mails = survey_mails(&app);
    assert_eq!(mails.len(), 2);
    let link = link_in(&mails[1].1);
    visitor.get(&link).await;
    let res = visitor.post(&link, &[("no_more", "on")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Vi spørger ikke igen."));
    let noted: i64 = audit_log::table
        .filter(audit_log::action.eq("survey_opted_out"))
        .filter(audit_log::jobcenter_id.eq(seed.jobcenter.id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(noted, 1);

    // Never again, however long it is.
    app.clock.advance(TimeDelta::days(400));
    visit().await;
    assert_eq!(survey_mails(&app).len(), 2);
}

#[actix_web::test]
async fn without_mail_nobody_is_asked() {
    let app = common::app().await;
    app.seed();
    request_closed(&app).await;
    assert!(survey_mails(&app).is_empty());
    let surveys: i64 = satisfaction_surveys::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(surveys, 0, "no link is made that nobody gets");
}
