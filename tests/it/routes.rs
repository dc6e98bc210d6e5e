//! Every route × every role × both jobcenters. The table below says who may use each route; a
//! route the app registers that the table does not list fails the test, so a new page cannot
//! ship without someone deciding who may see it.
//!
//! Checked for each route: a visitor who is not signed in is sent to the login page (or, on a
//! public route, is not); a role below the route's is refused with 403; a GET by an allowed role
//! answers 200; the ids of the other jobcenter's records answer a GET with 404, and a POST
//! exactly as ids that exist nowhere do (404, or 422 for a form that is refused before any
//! record is looked up). POSTs by allowed roles on their own records are the other modules'
//! business: they change data, and each has its own test there.

use std::collections::BTreeSet;

use crate::common::{Client, TestApp, app};
use crate::contact_support::request_fields;
use actix_web::http::StatusCode;
use chrono::NaiveDate;
use jobcenter_crm::models::activity::{Activity, ActivityInput, ActivityKind};
use jobcenter_crm::models::campaign::{Campaign, CampaignInput, CampaignStatus, CampaignTarget};
use jobcenter_crm::models::company_import::PendingImport;
use jobcenter_crm::models::contact_person::{ContactPerson, ContactPersonForm};
use jobcenter_crm::models::outbox::NewMail;
use jobcenter_crm::models::placement::{Placement, PlacementInput, PlacementKind, PlacementStatus};

/// The least a route asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Who {
    /// No sign-in: the login, the public contact form, health, assets, the calendar feed.
    Public,
    /// Any signed-in member of staff, a reader ("Læseadgang") too: the pages that show what a
    /// reader may see, and the reader's own account.
    Reader,
    /// Any signed-in member of staff who may work: everyone but a reader.
    Staff,
    Manager,
    Admin,
}

use Who::*;

/// (method, the route as the app registers it, who, the path to request: `{company}`,
/// `{contact}`, `{activity}`, `{placement}`, `{need}`, `{referral}`, `{campaign}`, `{target}`, `{request}`, `{import}`,
/// `{user}`, `{mail}`, `{goal}`, `{benchmark}`, `{di}`, `{text}`, `{token}`, `{webhook}`, `{delivery}` and `{cluster}` are filled with a record of the jobcenter under test).
pub(crate) const ROUTES: &[(&str, &str, Who, &str)] = &[
    ("GET", "/", Reader, "/"),
    ("GET", "/healthz", Public, "/healthz"),
    ("GET", "/readyz", Public, "/readyz"),
    ("GET", "/metrics", Public, "/metrics"),
    ("GET", "/static/app.css", Public, "/static/app.css"),
    (
        "GET",
        "/static/app.{hash}.css",
        Public,
        "/static/app.0123456789ab.css",
    ),
    (
        "GET",
        "/static/session.{hash}.js",
        Public,
        "/static/session.0123456789ab.js",
    ),
    // How long the session has left, and "stay signed in": nothing for a visitor without one.
    ("GET", "/session", Public, "/session"),
    ("POST", "/session/keep-alive", Public, "/session/keep-alive"),
    ("GET", "/login", Public, "/login"),
    ("POST", "/login", Public, "/login"),
    ("POST", "/logout", Public, "/logout"),
    ("GET", "/login/code", Public, "/login/code"),
    ("POST", "/login/code", Public, "/login/code"),
    ("GET", "/login/two-step", Public, "/login/two-step"),
    ("POST", "/login/two-step", Public, "/login/two-step"),
    ("GET", "/setup", Public, "/setup"),
    ("POST", "/setup", Public, "/setup"),
    ("GET", "/kontakt", Public, "/kontakt"),
    ("POST", "/kontakt", Public, "/kontakt"),
    ("GET", "/kontakt/tak", Public, "/kontakt/tak"),
    ("GET", "/kontakt/{slug}", Public, "/kontakt/koege"),
    ("POST", "/kontakt/{slug}", Public, "/kontakt/koege"),
    ("GET", "/tilfredshed/{token}", Public, "/tilfredshed/abc"),
    ("POST", "/tilfredshed/{token}", Public, "/tilfredshed/abc"),
    (
        "GET",
        "/calendar/{token}.ics",
        Public,
        "/calendar/ukendt.ics",
    ),
    ("GET", "/account/password", Reader, "/account/password"),
    ("POST", "/account/password", Reader, "/account/password"),
    ("GET", "/account/security", Reader, "/account/security"),
    ("GET", "/account/tokens", Staff, "/account/tokens"),
    ("POST", "/account/tokens", Staff, "/account/tokens"),
    (
        "POST",
        "/account/tokens/{id:\\d+}/revoke",
        Staff,
        "/account/tokens/{token}/revoke",
    ),
    ("GET", "/admin/tokens", Admin, "/admin/tokens"),
    ("GET", "/admin/clusters", Admin, "/admin/clusters"),
    (
        "GET",
        "/clusters/{id:\\d+}/figures",
        Manager,
        "/clusters/{cluster}/figures",
    ),
    (
        "POST",
        "/admin/clusters/{id:\\d+}/{step:accept|leave}",
        Admin,
        "/admin/clusters/{cluster}/accept",
    ),
    ("GET", "/admin/webhooks", Admin, "/admin/webhooks"),
    ("POST", "/admin/webhooks", Admin, "/admin/webhooks"),
    (
        "GET",
        "/admin/webhooks/{id:\\d+}",
        Admin,
        "/admin/webhooks/{webhook}",
    ),
    (
        "POST",
        "/admin/webhooks/{id:\\d+}/active",
        Admin,
        "/admin/webhooks/{webhook}/active",
    ),
    (
        "POST",
        "/admin/webhooks/{id:\\d+}/delete",
        Admin,
        "/admin/webhooks/{webhook}/delete",
    ),
    (
        "POST",
        "/admin/webhooks/{id:\\d+}/deliveries/{delivery:\\d+}/send",
        Admin,
        "/admin/webhooks/{webhook}/deliveries/{delivery}/send",
    ),
    (
        "POST",
        "/admin/tokens/{id:\\d+}/revoke",
        Admin,
        "/admin/tokens/{token}/revoke",
    ),
    (
        "POST",
        "/account/sessions/end",
        Reader,
        "/account/sessions/end",
    ),
    (
        "POST",
        "/account/sessions/end-others",
        Reader,
        "/account/sessions/end-others",
    ),
    ("GET", "/account/two-step", Reader, "/account/two-step"),
    ("POST", "/account/two-step", Reader, "/account/two-step"),
    (
        "POST",
        "/account/two-step/recovery-codes",
        Reader,
        "/account/two-step/recovery-codes",
    ),
    (
        "POST",
        "/account/two-step/disable",
        Reader,
        "/account/two-step/disable",
    ),
    ("GET", "/companies", Reader, "/companies"),
    ("GET", "/companies/new", Staff, "/companies/new"),
    ("POST", "/companies", Staff, "/companies"),
    (
        "GET",
        "/companies/{id:\\d+}",
        Reader,
        "/companies/{company}",
    ),
    (
        "GET",
        "/companies/{id:\\d+}/edit",
        Staff,
        "/companies/{company}/edit",
    ),
    (
        "POST",
        "/companies/{id:\\d+}/edit",
        Staff,
        "/companies/{company}/edit",
    ),
    (
        "POST",
        "/companies/{id:\\d+}/delete",
        Manager,
        "/companies/{company}/delete",
    ),
    ("GET", "/companies.csv", Manager, "/companies.csv"),
    (
        "GET",
        "/companies/duplicates",
        Manager,
        "/companies/duplicates",
    ),
    (
        "GET",
        "/companies/{id:\\d+}/merge",
        Manager,
        "/companies/{company}/merge",
    ),
    (
        "POST",
        "/companies/{id:\\d+}/merge",
        Manager,
        "/companies/{company}/merge",
    ),
    ("GET", "/population", Manager, "/population"),
    ("POST", "/population", Manager, "/population"),
    ("POST", "/population/add", Manager, "/population/add"),
    ("GET", "/companies/import", Manager, "/companies/import"),
    ("POST", "/companies/import", Manager, "/companies/import"),
    (
        "GET",
        "/companies/import/{id:\\d+}",
        Manager,
        "/companies/import/{import}",
    ),
    (
        "POST",
        "/companies/import/{id:\\d+}",
        Manager,
        "/companies/import/{import}",
    ),
    (
        "POST",
        "/companies/import/{id:\\d+}/cancel",
        Manager,
        "/companies/import/{import}/cancel",
    ),
    (
        "GET",
        "/companies/{id:\\d+}/contacts/new",
        Staff,
        "/companies/{company}/contacts/new",
    ),
    (
        "POST",
        "/companies/{id:\\d+}/contacts",
        Staff,
        "/companies/{company}/contacts",
    ),
    (
        "GET",
        "/companies/{id:\\d+}/contacts/{pid:\\d+}/edit",
        Staff,
        "/companies/{company}/contacts/{contact}/edit",
    ),
    (
        "POST",
        "/companies/{id:\\d+}/contacts/{pid:\\d+}/edit",
        Staff,
        "/companies/{company}/contacts/{contact}/edit",
    ),
    (
        "POST",
        "/companies/{id:\\d+}/contacts/{pid:\\d+}/remove",
        Staff,
        "/companies/{company}/contacts/{contact}/remove",
    ),
    (
        "GET",
        "/companies/{id:\\d+}/contacts/{pid:\\d+}/erase",
        Staff,
        "/companies/{company}/contacts/{contact}/erase",
    ),
    (
        "POST",
        "/companies/{id:\\d+}/contacts/{pid:\\d+}/erase",
        Staff,
        "/companies/{company}/contacts/{contact}/erase",
    ),
    ("GET", "/activities", Reader, "/activities"),
    (
        "GET",
        "/activities/new",
        Staff,
        "/activities/new?company={company}",
    ),
    ("POST", "/activities", Staff, "/activities"),
    (
        "GET",
        "/activities/{id:\\d+}/edit",
        Staff,
        "/activities/{activity}/edit",
    ),
    (
        "POST",
        "/activities/{id:\\d+}/edit",
        Staff,
        "/activities/{activity}/edit",
    ),
    (
        "POST",
        "/activities/{id:\\d+}/delete",
        Staff,
        "/activities/{activity}/delete",
    ),
    (
        "GET",
        "/activities/{id:\\d+}/summary",
        Staff,
        "/activities/{activity}/summary",
    ),
    (
        "POST",
        "/activities/{id:\\d+}/summary",
        Staff,
        "/activities/{activity}/summary",
    ),
    (
        "POST",
        "/activities/{id:\\d+}/follow-up",
        Staff,
        "/activities/{activity}/follow-up",
    ),
    ("GET", "/follow-ups", Staff, "/follow-ups"),
    ("POST", "/calendar-feed", Staff, "/calendar-feed"),
    (
        "POST",
        "/calendar-feed/revoke",
        Staff,
        "/calendar-feed/revoke",
    ),
    ("GET", "/placements", Staff, "/placements"),
    (
        "GET",
        "/placements/new",
        Staff,
        "/placements/new?company={company}",
    ),
    ("POST", "/placements", Staff, "/placements"),
    (
        "GET",
        "/placements/{id:\\d+}/edit",
        Staff,
        "/placements/{placement}/edit",
    ),
    (
        "POST",
        "/placements/{id:\\d+}/edit",
        Staff,
        "/placements/{placement}/edit",
    ),
    ("GET", "/needs", Staff, "/needs"),
    ("GET", "/needs.csv", Manager, "/needs.csv"),
    ("GET", "/needs/new", Staff, "/needs/new?company={company}"),
    ("POST", "/needs", Staff, "/needs"),
    ("GET", "/needs/{id:\\d+}", Staff, "/needs/{need}"),
    ("GET", "/needs/{id:\\d+}/edit", Staff, "/needs/{need}/edit"),
    ("POST", "/needs/{id:\\d+}/edit", Staff, "/needs/{need}/edit"),
    (
        "GET",
        "/needs/{id:\\d+}/status",
        Staff,
        "/needs/{need}/status",
    ),
    (
        "GET",
        "/needs/{id:\\d+}/referrals",
        Staff,
        "/needs/{need}/referrals",
    ),
    (
        "POST",
        "/needs/{id:\\d+}/status",
        Staff,
        "/needs/{need}/status",
    ),
    (
        "POST",
        "/needs/{id:\\d+}/referrals",
        Staff,
        "/needs/{need}/referrals",
    ),
    (
        "GET",
        "/needs/{id:\\d+}/referrals/{rid:\\d+}",
        Staff,
        "/needs/{need}/referrals/{referral}",
    ),
    (
        "POST",
        "/needs/{id:\\d+}/referrals/{rid:\\d+}",
        Staff,
        "/needs/{need}/referrals/{referral}",
    ),
    ("GET", "/campaigns", Reader, "/campaigns"),
    ("GET", "/campaigns/new", Manager, "/campaigns/new"),
    ("POST", "/campaigns", Manager, "/campaigns"),
    (
        "GET",
        "/campaigns/{id:\\d+}",
        Reader,
        "/campaigns/{campaign}",
    ),
    (
        "GET",
        "/campaigns/{id:\\d+}/edit",
        Manager,
        "/campaigns/{campaign}/edit",
    ),
    (
        "POST",
        "/campaigns/{id:\\d+}/edit",
        Manager,
        "/campaigns/{campaign}/edit",
    ),
    (
        "POST",
        "/campaigns/{id:\\d+}/start",
        Manager,
        "/campaigns/{campaign}/start",
    ),
    (
        "GET",
        "/campaigns/{id:\\d+}/targets.csv",
        Manager,
        "/campaigns/{campaign}/targets.csv",
    ),
    (
        "GET",
        "/campaigns/{id:\\d+}/cluster.csv",
        Manager,
        "/campaigns/{campaign}/cluster.csv",
    ),
    (
        "GET",
        "/campaigns/{id:\\d+}/targets/add",
        Manager,
        "/campaigns/{campaign}/targets/add",
    ),
    (
        "POST",
        "/campaigns/{id:\\d+}/targets/add",
        Manager,
        "/campaigns/{campaign}/targets/add",
    ),
    (
        "POST",
        "/campaigns/{id:\\d+}/targets/import",
        Manager,
        "/campaigns/{campaign}/targets/import",
    ),
    (
        "POST",
        "/campaigns/{id:\\d+}/targets/split",
        Manager,
        "/campaigns/{campaign}/targets/split",
    ),
    (
        "GET",
        "/campaigns/{id:\\d+}/targets/{tid:\\d+}",
        Staff,
        "/campaigns/{campaign}/targets/{target}",
    ),
    (
        "POST",
        "/campaigns/{id:\\d+}/targets/{tid:\\d+}",
        Staff,
        "/campaigns/{campaign}/targets/{target}",
    ),
    (
        "POST",
        "/campaigns/{id:\\d+}/targets/{tid:\\d+}/remove",
        Manager,
        "/campaigns/{campaign}/targets/{target}/remove",
    ),
    ("GET", "/requests", Staff, "/requests"),
    ("GET", "/requests/{id:\\d+}", Staff, "/requests/{request}"),
    (
        "POST",
        "/requests/{id:\\d+}/{step:take|answered|close|reopen|spam|not-spam}",
        Staff,
        "/requests/{request}/take",
    ),
    (
        "POST",
        "/requests/{id:\\d+}/assign",
        Manager,
        "/requests/{request}/assign",
    ),
    (
        "POST",
        "/requests/{id:\\d+}/company",
        Staff,
        "/requests/{request}/company",
    ),
    (
        "GET",
        "/requests/{id:\\d+}/hand-over",
        Staff,
        "/requests/{request}/hand-over",
    ),
    (
        "POST",
        "/requests/{id:\\d+}/hand-over",
        Staff,
        "/requests/{request}/hand-over",
    ),
    (
        "GET",
        "/requests/new",
        Staff,
        "/requests/new?company={company}",
    ),
    ("POST", "/requests", Staff, "/requests"),
    ("GET", "/dashboard", Manager, "/dashboard"),
    (
        "GET",
        "/dashboard.csv",
        Manager,
        "/dashboard.csv?table=work",
    ),
    ("GET", "/goals", Reader, "/goals"),
    ("GET", "/goals/new", Manager, "/goals/new"),
    ("POST", "/goals", Manager, "/goals"),
    ("POST", "/goals/copy", Manager, "/goals/copy"),
    ("GET", "/goals/{id:\\d+}", Reader, "/goals/{goal}"),
    (
        "GET",
        "/goals/{id:\\d+}/edit",
        Manager,
        "/goals/{goal}/edit",
    ),
    (
        "POST",
        "/goals/{id:\\d+}/edit",
        Manager,
        "/goals/{goal}/edit",
    ),
    (
        "POST",
        "/goals/{id:\\d+}/delete",
        Manager,
        "/goals/{goal}/delete",
    ),
    ("GET", "/figures", Reader, "/figures"),
    (
        "GET",
        "/figures/benchmark/new",
        Manager,
        "/figures/benchmark/new",
    ),
    ("POST", "/figures/benchmark", Manager, "/figures/benchmark"),
    (
        "GET",
        "/figures/benchmark/import",
        Manager,
        "/figures/benchmark/import",
    ),
    (
        "POST",
        "/figures/benchmark/import",
        Manager,
        "/figures/benchmark/import",
    ),
    (
        "GET",
        "/figures/benchmark/{id:\\d+}/edit",
        Manager,
        "/figures/benchmark/{benchmark}/edit",
    ),
    (
        "POST",
        "/figures/benchmark/{id:\\d+}/edit",
        Manager,
        "/figures/benchmark/{benchmark}/edit",
    ),
    (
        "POST",
        "/figures/benchmark/{id:\\d+}/delete",
        Manager,
        "/figures/benchmark/{benchmark}/delete",
    ),
    ("GET", "/figures/di/new", Manager, "/figures/di/new"),
    ("POST", "/figures/di", Manager, "/figures/di"),
    (
        "GET",
        "/figures/di/{id:\\d+}/edit",
        Manager,
        "/figures/di/{di}/edit",
    ),
    (
        "POST",
        "/figures/di/{id:\\d+}/edit",
        Manager,
        "/figures/di/{di}/edit",
    ),
    (
        "POST",
        "/figures/di/{id:\\d+}/delete",
        Manager,
        "/figures/di/{di}/delete",
    ),
    ("GET", "/admin/users", Admin, "/admin/users"),
    ("GET", "/admin/users/new", Admin, "/admin/users/new"),
    ("POST", "/admin/users", Admin, "/admin/users"),
    (
        "GET",
        "/admin/users/{id}/edit",
        Admin,
        "/admin/users/{user}/edit",
    ),
    ("POST", "/admin/users/{id}", Admin, "/admin/users/{user}"),
    (
        "POST",
        "/admin/users/{id}/active",
        Admin,
        "/admin/users/{user}/active",
    ),
    (
        "POST",
        "/admin/users/{id}/sessions/end",
        Admin,
        "/admin/users/{user}/sessions/end",
    ),
    (
        "POST",
        "/admin/users/{id}/two-step/reset",
        Admin,
        "/admin/users/{user}/two-step/reset",
    ),
    ("GET", "/admin/audit", Admin, "/admin/audit"),
    ("GET", "/admin/access-log", Admin, "/admin/access-log"),
    (
        "GET",
        "/admin/access-log.csv",
        Admin,
        "/admin/access-log.csv",
    ),
    ("GET", "/admin/settings", Admin, "/admin/settings"),
    ("GET", "/admin/texts", Admin, "/admin/texts"),
    ("GET", "/admin/texts/{key}", Admin, "/admin/texts/intro"),
    ("POST", "/admin/texts/{key}", Admin, "/admin/texts/intro"),
    (
        "POST",
        "/admin/texts/{key}/default",
        Admin,
        "/admin/texts/intro/default",
    ),
    (
        "POST",
        "/admin/texts/{key}/versions/{id:\\d+}/restore",
        Admin,
        "/admin/texts/intro/versions/{text}/restore",
    ),
    ("POST", "/admin/settings", Admin, "/admin/settings"),
    ("GET", "/admin/outbox", Admin, "/admin/outbox"),
    (
        "POST",
        "/admin/outbox/{id:\\d+}/retry",
        Admin,
        "/admin/outbox/{mail}/retry",
    ),
];

/// Every route the app registers, read from its source: the handlers' `#[get]`/`#[post]`
/// attributes and the public contact form's scope.
fn registered_routes() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for file in crate::common::files_under(std::path::Path::new("src/web"), "rs") {
        let text = std::fs::read_to_string(&file).unwrap();
        for (method, marker) in [("GET", "#[get(\""), ("POST", "#[post(\"")] {
            for part in text.split(marker).skip(1) {
                let path = part.split("\")]").next().unwrap();
                routes.insert((method.to_string(), path.replace("\\\\", "\\")));
            }
        }
    }
    let contact = std::fs::read_to_string("src/web/contact.rs").unwrap();
    let scope = contact.split("web::scope(\"").nth(1).unwrap();
    let prefix = scope.split('"').next().unwrap();
    for part in contact.split(".route(\"").skip(1) {
        let path = part.split('"').next().unwrap();
        let method = if part.contains("web::get()") {
            "GET"
        } else {
            "POST"
        };
        routes.insert((method.to_string(), format!("{prefix}{path}")));
    }
    routes
}

#[test]
fn every_registered_route_is_in_the_table() {
    let registered = registered_routes();
    assert!(registered.len() > 80, "{registered:?}");
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, r, _, _)| (m.to_string(), r.replace("\\\\", "\\")))
        .collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes without a say on who may use them: {missing:?}"
    );
    let gone: Vec<_> = listed.difference(&registered).collect();
    assert!(gone.is_empty(), "listed but not registered: {gone:?}");
}

/// One record of each kind in a jobcenter, to fill the paths with.
pub(crate) struct Records {
    pub(crate) company: i64,
    pub(crate) contact: i64,
    pub(crate) activity: i64,
    pub(crate) placement: i64,
    pub(crate) need: i64,
    pub(crate) referral: i64,
    pub(crate) campaign: i64,
    pub(crate) target: i64,
    pub(crate) request: i64,
    pub(crate) import: i64,
    pub(crate) user: i64,
    pub(crate) mail: i64,
    pub(crate) goal: i64,
    pub(crate) benchmark: i64,
    pub(crate) di: i64,
    pub(crate) text: i64,
    pub(crate) token: i64,
    pub(crate) webhook: i64,
    pub(crate) delivery: i64,
    pub(crate) cluster: i64,
}

impl Records {
    /// Ids no jobcenter has.
    fn nowhere() -> Records {
        let id = 999_999;
        Records {
            company: id,
            contact: id,
            activity: id,
            placement: id,
            need: id,
            referral: id,
            campaign: id,
            target: id,
            request: id,
            import: id,
            user: id,
            mail: id,
            goal: id,
            benchmark: id,
            di: id,
            text: id,
            token: id,
            webhook: id,
            delivery: id,
            cluster: id,
        }
    }

    pub(crate) fn fill(&self, path: &str) -> String {
        [
            ("{company}", self.company),
            ("{contact}", self.contact),
            ("{activity}", self.activity),
            ("{placement}", self.placement),
            ("{need}", self.need),
            ("{referral}", self.referral),
            ("{campaign}", self.campaign),
            ("{target}", self.target),
            ("{request}", self.request),
            ("{import}", self.import),
            ("{user}", self.user),
            ("{mail}", self.mail),
            ("{goal}", self.goal),
            ("{benchmark}", self.benchmark),
            ("{di}", self.di),
            ("{text}", self.text),
            ("{token}", self.token),
            ("{webhook}", self.webhook),
            ("{delivery}", self.delivery),
            ("{cluster}", self.cluster),
        ]
        .iter()
        .fold(path.to_string(), |p, (name, id)| {
            p.replace(name, &id.to_string())
        })
    }
}

/// A record of each kind in a jobcenter; the consultant's activity, placement and campaign
/// target, so a consultant may open them, and the uploader's pending import.
pub(crate) async fn records(
    app: &TestApp,
    slug: &str,
    jobcenter_id: i64,
    consultant: i64,
    uploader: i64,
) -> Records {
    let now = app.now();
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let jobcenter =
        jobcenter_crm::models::jobcenter::Jobcenter::find(&mut app.conn(), jobcenter_id).unwrap();
    let company = app.add_company(&jobcenter, &format!("Rute {slug} ApS")).id;
    let mut c = app.conn();
    let contact = ContactPerson::create(
        &mut c,
        jobcenter_id,
        company,
        &ContactPersonForm {
            name: "Mette Hansen".into(),
            ..Default::default()
        }
        .validate()
        .unwrap(),
        now,
    )
    .unwrap()
    .id;
    let activity = Activity::create(
        &mut c,
        jobcenter_id,
        &ActivityInput {
            company_id: company,
            user_id: consultant,
            kind: ActivityKind::Visit,
            occurred_on: day,
            topics: Vec::new(),
            summary: String::new(),
            outcome: None,
            campaign_id: None,
            contact_person_id: None,
            follow_up_on: Some(day),
            follow_up_note: String::new(),
            follow_up_done: false,
        },
        now,
    )
    .unwrap()
    .id;
    let placement = Placement::create(
        &mut c,
        jobcenter_id,
        &PlacementInput {
            company_id: company,
            user_id: consultant,
            kind: PlacementKind::Smaajob,
            citizen_ref: "SAG-1".into(),
            hours_per_week: 10.0,
            start_on: day,
            end_on: None,
            status: PlacementStatus::Active,
            result: None,
            campaign_id: None,
            note: String::new(),
        },
        now,
    )
    .unwrap()
    .id;
    let need = {
        use jobcenter_crm::models::need::{Need, NeedForm, Referral, ReferralForm};
        let rules = jobcenter_crm::models::settings::Settings::defaults(jobcenter_id);
        let input = NeedForm {
            company_id: company.to_string(),
            user_id: consultant.to_string(),
            title: "Lagermedarbejder".into(),
            positions: "2".into(),
            hours_per_week: "25".into(),
            kind: "ordinary".into(),
            received_on: day.to_string(),
            ..Default::default()
        }
        .validate(&rules)
        .unwrap();
        let need = Need::create(&mut c, jobcenter_id, consultant, &input, now).unwrap();
        let referral = ReferralForm {
            citizen_ref: "SAG-2".into(),
            referred_on: day.to_string(),
            user_id: consultant.to_string(),
            outcome: "sent".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let referral = Referral::save(&mut c, jobcenter_id, &need, None, &referral, now).unwrap();
        (need.id, referral.id)
    };
    // A cluster the jobcenter and a neighbour of its own are members of; the campaign is the
    // jobcenter's part of a regional campaign in it.
    let cluster = {
        use jobcenter_crm::models::cluster::Cluster;
        let neighbour = app.add_jobcenter(&format!("Nabo til {slug}"), &format!("nabo-{slug}"));
        let cluster = Cluster::create(
            &mut c,
            &format!("Klynge {slug}"),
            &[jobcenter_id, neighbour.id],
            now,
        )
        .unwrap()
        .id;
        Cluster::accept(&mut c, jobcenter_id, cluster, uploader, now).unwrap();
        Cluster::accept(&mut c, neighbour.id, cluster, uploader, now).unwrap();
        cluster
    };
    let campaign = Campaign::create(
        &mut c,
        jobcenter_id,
        &CampaignInput {
            name: format!("Kampagne {slug}"),
            purpose: String::new(),
            topics: Vec::new(),
            start_on: day,
            end_on: day + chrono::TimeDelta::days(30),
            target_companies: 10,
            target_placements: None,
            status: CampaignStatus::Running,
            consultant_ids: vec![consultant],
            regional: jobcenter_crm::models::campaign::Regional::For(cluster),
        },
        now,
    )
    .unwrap()
    .id;
    CampaignTarget::add(&mut c, jobcenter_id, campaign, &[company], now).unwrap();
    CampaignTarget::split_evenly(&mut c, jobcenter_id, campaign, now).unwrap();
    let target = {
        use diesel::prelude::*;
        use jobcenter_crm::db::schema::campaign_targets;
        campaign_targets::table
            .filter(campaign_targets::campaign_id.eq(campaign))
            .select(campaign_targets::id)
            .first(&mut c)
            .unwrap()
    };
    let import = PendingImport::create(
        &mut c,
        jobcenter_id,
        uploader,
        "firmaer.csv",
        "CVR-nummer;Navn\r\n",
        false,
        now,
    )
    .unwrap();
    let mail = NewMail {
        jobcenter_id: Some(jobcenter_id),
        request_id: None,
        to_address: "team@example.dk".into(),
        subject: "Emne".into(),
        body: "Tekst".into(),
    }
    .enqueue(&mut c, now)
    .unwrap();
    let goal = jobcenter_crm::models::goal::GoalForm {
        half_year: "2026-H2".into(),
        focus_area: "Virksomhedssamarbejde".into(),
        metric: "visits".into(),
        target: "10".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let goal =
        jobcenter_crm::models::goal::Goal::create(&mut c, jobcenter_id, &goal, consultant, now)
            .unwrap()
            .id;
    let benchmark = jobcenter_crm::models::external_figures::BenchmarkForm {
        period: "2023".into(),
        expected: "2.180".into(),
        actual: "2.062".into(),
        rank: "10".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let benchmark = jobcenter_crm::models::external_figures::BenchmarkFigure::create(
        &mut c,
        jobcenter_id,
        &benchmark,
        now,
    )
    .unwrap()
    .id;
    let di = jobcenter_crm::models::external_figures::DiForm {
        year: "2024".into(),
        overall_rank: "44".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let di =
        jobcenter_crm::models::external_figures::DiRanking::create(&mut c, jobcenter_id, &di, now)
            .unwrap()
            .id;
    let text = {
        use jobcenter_crm::models::text::{TextKind, Texts, Wording};
        let wording = Wording {
            subject: String::new(),
            body: "Skriv til {{ jobcenter }}.".into(),
        };
        Texts::save(
            &mut c,
            jobcenter_id,
            TextKind::intro(),
            0,
            Some(&wording),
            uploader,
            now,
        )
        .unwrap()
    };
    let token = {
        use jobcenter_crm::models::api_token::{ApiToken, TokenInput};
        let input = TokenInput {
            name: "BI".into(),
            can_write: false,
            expires_at: now + chrono::TimeDelta::days(30),
        };
        ApiToken::create(&mut c, jobcenter_id, consultant, &input, now)
            .unwrap()
            .0
            .id
    };
    let (webhook, delivery) = {
        use jobcenter_crm::models::webhook::{Webhook, WebhookInput, emit};
        let input = WebhookInput {
            url: "https://bi.example.dk/hook".into(),
            events: vec!["company.updated"],
        };
        let hook = Webhook::create(&mut c, jobcenter_id, uploader, &input, now).unwrap();
        emit(
            &mut c,
            jobcenter_id,
            "company.updated",
            ("company", "companies", company),
            now,
        )
        .unwrap();
        let delivery = Webhook::deliveries(&mut c, jobcenter_id, hook.id, 1).unwrap()[0].id;
        (hook.id, delivery)
    };
    drop(c);
    let visitor = app.client();
    let res = app
        .fill_in(&visitor, &format!("/kontakt/{slug}"), &request_fields())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let request = app
        .requests()
        .iter()
        .find(|r| r.jobcenter_id == jobcenter_id)
        .unwrap()
        .id;
    Records {
        company,
        contact,
        activity,
        placement,
        need: need.0,
        referral: need.1,
        campaign,
        target,
        request,
        import,
        user: consultant,
        mail,
        goal,
        benchmark,
        di,
        text,
        token,
        webhook,
        delivery,
        cluster,
    }
}

/// Addresses that forms are sent to, opened: they send the browser on to their record's page.
const REDIRECTS: &[&str] = &["/needs/{need}/status", "/needs/{need}/referrals"];

async fn call(client: &Client<'_>, method: &str, path: &str) -> StatusCode {
    match method {
        "GET" => client.get(path).await.status,
        _ => client.post(path, &[]).await.status,
    }
}

#[actix_web::test]
async fn every_route_answers_each_role_and_keeps_the_other_jobcenter_out() {
    let app = app().await;
    let seed = app.seed();
    let stevns_consultant = app.add_user(
        &seed.other_jobcenter,
        "konsulent@stevns.dk",
        "Sofie Stevns",
        jobcenter_crm::models::user::Role::Consultant,
    );
    let own = records(
        &app,
        "koege",
        seed.jobcenter.id,
        seed.consultant.id,
        seed.manager.id,
    )
    .await;
    let foreign = records(
        &app,
        "stevns",
        seed.other_jobcenter.id,
        stevns_consultant.id,
        seed.other_admin.id,
    )
    .await;
    let nowhere = Records::nowhere();

    let anonymous = app.client();
    anonymous.get("/login").await;
    let mut staff = Vec::new();
    app.add_user(
        &seed.jobcenter,
        "laeser@koege.dk",
        "Birthe Skov",
        jobcenter_crm::models::user::Role::Reader,
    );
    for (who, email) in [
        (Reader, "laeser@koege.dk"),
        (Staff, "konsulent@koege.dk"),
        (Manager, "leder@koege.dk"),
        (Admin, "admin@koege.dk"),
    ] {
        let client = app.signed_in(email).await;
        client.get("/").await;
        staff.push((who, client));
    }

    let mut wrong = Vec::new();
    let mut expect = |what: String, got: StatusCode, want: &[StatusCode]| {
        if !want.contains(&got) {
            wrong.push(format!("{what}: {got}, expected {want:?}"));
        }
    };
    for (method, _, need, path) in ROUTES {
        let path_own = own.fill(path);
        let has_ids = path_own != *path;
        let got = call(&anonymous, method, &path_own).await;
        if *need == Public {
            expect(
                format!("anonymous {method} {path_own}"),
                got,
                &[
                    StatusCode::OK,
                    StatusCode::SEE_OTHER,
                    StatusCode::FORBIDDEN,
                    StatusCode::NOT_FOUND,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ],
            );
            continue;
        }
        expect(
            format!("anonymous {method} {path_own}"),
            got,
            &[StatusCode::SEE_OTHER],
        );
        for (role, client) in &staff {
            if role < need {
                let got = call(client, method, &path_own).await;
                expect(
                    format!("{role:?} {method} {path_own}"),
                    got,
                    &[StatusCode::FORBIDDEN],
                );
                continue;
            }
            if *method == "GET" {
                // A pending import is its uploader's (the manager's) alone.
                let personal = path.contains("{import}") && *role != Manager;
                let want = if personal {
                    StatusCode::NOT_FOUND
                } else if REDIRECTS.contains(path) {
                    StatusCode::SEE_OTHER
                } else {
                    StatusCode::OK
                };
                let got = call(client, method, &path_own).await;
                expect(format!("{role:?} {method} {path_own}"), got, &[want]);
            }
            if has_ids {
                let path_foreign = foreign.fill(path);
                let got = call(client, method, &path_foreign).await;
                let what = format!("{role:?} {method} {path_foreign} (the other jobcenter's)");
                if *method == "GET" {
                    expect(what, got, &[StatusCode::NOT_FOUND]);
                } else {
                    let as_nowhere = call(client, method, &nowhere.fill(path)).await;
                    expect(what.clone(), got, &[as_nowhere]);
                    expect(
                        what,
                        got,
                        &[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY],
                    );
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
