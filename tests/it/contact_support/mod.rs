//! Helpers shared by the contact form, inbox and outbox tests: filling in the public form as a
//! person would, and reading what it saved.

use actix_web::http::StatusCode;
use chrono::{Datelike, TimeDelta};
use diesel::prelude::*;

use crate::common::{Client, Resp, TestApp, unescape};
use jobcenter_crm::clock::Clock;
use jobcenter_crm::db::schema::{contact_requests, outbox_mails};
use jobcenter_crm::domain::cvr::complete_cvr;
use jobcenter_crm::models::company::{Company, CompanyForm};
use jobcenter_crm::models::contact_request::ContactRequest;
use jobcenter_crm::models::outbox::OutboxMail;

/// The n-th valid CVR number.
pub fn cvr(n: u32) -> String {
    (0..)
        .filter_map(|i| complete_cvr(3_000_000 + n * 41 + i))
        .next()
        .unwrap()
}

/// A complete, valid request as the form posts it.
pub fn request_fields() -> Vec<(&'static str, String)> {
    [
        ("company_name", "Køge Havnekiosk ApS"),
        ("cvr", ""),
        ("p_number", ""),
        ("contact_name", "Mette Hansen"),
        ("email", "mette@kiosk.dk"),
        ("phone", ""),
        ("topic", "recruitment"),
        (
            "message",
            "Vi søger to medarbejdere til sommeren. Kan I hjælpe?",
        ),
        ("preferred_time", "formiddag"),
        ("consent", "1"),
        ("homepage", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

pub fn set(fields: &mut [(&'static str, String)], key: &str, value: &str) {
    for (k, v) in fields.iter_mut() {
        if *k == key {
            *v = value.to_string();
        }
    }
}

/// The signed stamp of the form on a page.
pub fn stamp_of(page: &Resp) -> String {
    let marker = "name=\"stamp\" value=\"";
    let start = page.body.find(marker).expect("a stamp on the page") + marker.len();
    let end = page.body[start..].find('"').unwrap();
    unescape(&page.body[start..start + end])
}

/// A time as the databases keep it: PostgreSQL stores microseconds.
pub fn stored(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::Timelike;
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
}

/// Moves the clock to the coming Monday 09:00 UTC, so working-day figures do not depend on
/// the day the tests run.
pub fn to_monday_morning(app: &TestApp) {
    let now = app.clock.now();
    let mut day = now.date() + TimeDelta::days(1);
    while day.weekday() != chrono::Weekday::Mon {
        day += TimeDelta::days(1);
    }
    let target = day.and_hms_opt(9, 0, 0).unwrap();
    app.clock.advance(target - now);
}

impl TestApp {
    /// Opens the form at `page`, takes as long as a person would, and sends `fields` with the
    /// form's stamp.
    pub async fn fill_in(
        &self,
        client: &Client<'_>,
        page: &str,
        fields: &[(&'static str, String)],
    ) -> Resp {
        let form = client.get(page).await;
        assert_eq!(form.status, StatusCode::OK, "GET {page}: {}", form.body);
        self.clock.advance(TimeDelta::seconds(20));
        self.send_form(client, page, &stamp_of(&form), fields).await
    }

    /// Posts the form with a given stamp (and the last form token the client saw).
    pub async fn send_form(
        &self,
        client: &Client<'_>,
        path: &str,
        stamp: &str,
        fields: &[(&'static str, String)],
    ) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        all.push(("stamp", stamp));
        client.post(path, &all).await
    }

    /// Adds a company directly, with `fixed_contact` as its fixed contact.
    pub fn add_company_with(
        &self,
        jobcenter_id: i64,
        name: &str,
        cvr: &str,
        fixed_contact: Option<i64>,
    ) -> Company {
        let input = CompanyForm {
            cvr: cvr.into(),
            name: name.into(),
            status: "active".into(),
            fixed_contact_id: fixed_contact.map(|i| i.to_string()).unwrap_or_default(),
            ..Default::default()
        }
        .validate()
        .expect("valid company");
        Company::create(&mut self.conn(), jobcenter_id, &input, self.now()).expect("company")
    }

    pub fn requests(&self) -> Vec<ContactRequest> {
        contact_requests::table
            .order(contact_requests::id)
            .select(ContactRequest::as_select())
            .load(&mut self.conn())
            .unwrap()
    }

    pub fn only_request(&self) -> ContactRequest {
        let mut all = self.requests();
        assert_eq!(all.len(), 1, "one request expected: {all:?}");
        all.remove(0)
    }

    pub fn mails(&self) -> Vec<OutboxMail> {
        outbox_mails::table
            .order(outbox_mails::id)
            .select(OutboxMail::as_select())
            .load(&mut self.conn())
            .unwrap()
    }
}
