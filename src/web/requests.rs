//! The request inbox: tabs, one request with its log, the work on it (take, assign, answer,
//! close, spam, link to a company), and the manager's response-time dashboard.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use serde::Deserialize;

use super::AppState;
use super::access_log;
use super::auth::{CurrentUser, Manager, SessionCookie};
use super::forms::Refused;
use super::views::{Choice, Layout, Page, dk_datetime, filters, redirect_with_flash, url_encode};
use crate::db::DbConn;
use crate::domain::working_days::{self};
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::access_log::{AccessEntity, AccessKind};
use crate::models::audit::{Actor, action};
use crate::models::cluster::{self, KnownByPartner};
use crate::models::company::{Company, CompanyQuery, CompanySummary};
use crate::models::contact_request::{
    ContactRequest, InboxRow, InboxTab, MailSettings, ONLY_OPEN_HANDED_OVER, RequestChannel,
    RequestStatus, RequestTopic, StaffRequestForm, Submission,
};
use crate::models::satisfaction::Survey;
use crate::models::settings::Settings;
use crate::models::user::{Role, User};

const PAGE_SIZE: i64 = 25;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxParams {
    tab: String,
    before: Option<i64>,
}

struct TabView {
    key: &'static str,
    label: &'static str,
    /// Shown as a badge when there is one and it is not 0.
    count: Option<i64>,
    current: bool,
}

struct RowView {
    row: InboxRow,
    /// Whoever the request is assigned to.
    assigned_name: Option<String>,
    topic_label: &'static str,
    status_label: &'static str,
    /// When it came in, as shown.
    received: String,
    /// Working days waited so far, for requests not answered yet.
    waiting: Option<String>,
    overdue: bool,
}

#[derive(askama::Template)]
#[template(path = "requests/new.html")]
struct NewRequestPage {
    l: Layout,
    form: StaffRequestForm,
    channels: Vec<Choice>,
    topics: Vec<Choice>,
}

fn new_request_page(
    req: &HttpRequest,
    state: &AppState,
    form: StaffRequestForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    Page::new(req)
        .refused(&refused)
        .render(state, |l| NewRequestPage {
            l,
            form,
            channels: RequestChannel::choices()
                .into_iter()
                .filter(|c| c.value != RequestChannel::Form.as_str())
                .collect(),
            topics: RequestTopic::choices(),
        })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewRequestParams {
    company: Option<i64>,
}

/// "Ny henvendelse": a request that came by phone, mail, in person or at an event, put in the
/// same inbox as the form's; from a company's page its name and numbers are filled in.
#[get("/requests/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<NewRequestParams>,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let company = match params.company {
        Some(id) => Some(state.db.run(move |c| Ok(Company::find(c, jc, id)?)).await?),
        None => None,
    };
    let now = super::views::local_time(state.now());
    let form = StaffRequestForm {
        channel: RequestChannel::Phone.as_str().into(),
        received_on: now.date().to_string(),
        received_time: now.format("%H:%M").to_string(),
        company_name: company.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        cvr: company.as_ref().map(|c| c.cvr.clone()).unwrap_or_default(),
        p_number: company
            .as_ref()
            .and_then(|c| c.p_number.clone())
            .unwrap_or_default(),
        key: crate::crypto::random_token(),
        ..Default::default()
    };
    new_request_page(&req, &state, form, Refused::none())
}

#[post("/requests")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<StaffRequestForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    if form.key.trim().is_empty() {
        form.key = crate::crypto::random_token();
    }
    let now = state.now();
    let (input, channel, received_at) = match form.validate(now) {
        Ok(valid) => valid,
        Err(errors) => return new_request_page(&req, &state, form, Refused::invalid(errors)),
    };
    let submission = Submission {
        input,
        idempotency_key: format!("staff:{}", form.key.trim()),
        spam: None,
        channel,
        received_at,
        registered_by: Some(user.id),
    };
    let mail = state.mail_settings();
    let jc = user.jobcenter_id;
    let result = state
        .write(user.actor(&req, &state), move |c, actor| {
            let receipt = ContactRequest::receive(c, jc, &submission, &mail, actor.now)?;
            if !receipt.duplicate {
                actor.record(
                    c,
                    action::REQUEST_REGISTERED,
                    "contact_request",
                    Some(receipt.request.id),
                    format!(
                        "{} ({})",
                        receipt.request.company_name,
                        receipt.request.channel.label().to_lowercase()
                    ),
                )?;
            }
            Ok(receipt.request)
        })
        .await?;
    match result {
        Ok(request) => {
            let whom = match request.status {
                RequestStatus::Assigned => "Den er tildelt virksomhedens faste kontakt.",
                _ => "Den venter under Nye, til nogen tager den.",
            };
            Ok(redirect_with_flash(
                &state,
                &format!("/requests/{}", request.id),
                "ok",
                &format!("Henvendelsen er lagt i indbakken. {whom}"),
            ))
        }
        Err(refused) => new_request_page(&req, &state, form, refused),
    }
}

#[get("/requests")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
    params: web::Query<InboxParams>,
) -> Result<HttpResponse, AppError> {
    let tab = InboxTab::parse(params.tab.trim()).unwrap_or(InboxTab::Open);
    let before = params.before;
    let now = state.now();
    let (user, (page, promise_days, calendar, past_promise, spam)) = session
        .run(&state, move |c, user| {
            if tab == InboxTab::Spam {
                user.require(Role::Manager)?;
            }
            let (jc, uid) = (user.jobcenter_id, user.id);
            let settings = Settings::get(c, jc)?;
            let (promise_days, calendar) = (settings.answer_promise_days, settings.calendar());
            let cutoff = calendar.past_promise_cutoff(now, f64::from(promise_days));
            Ok((
                ContactRequest::inbox(c, jc, uid, tab, before, PAGE_SIZE)?,
                promise_days,
                calendar,
                ContactRequest::count_waiting_since_before(c, jc, cutoff)?,
                if user.is_manager() {
                    ContactRequest::count_spam(c, jc)?
                } else {
                    0
                },
            ))
        })
        .await?;
    let rows: Vec<RowView> = page
        .rows
        .into_iter()
        .map(|(row, assigned_name)| {
            let waited = row
                .status
                .is_open()
                .then(|| calendar.between(row.received_at, now));
            RowView {
                topic_label: row.topic.label(),
                status_label: row.status.label(),
                received: dk_datetime(row.received_at),
                waiting: waited.map(working_days::format_days),
                overdue: waited.is_some_and(|d| d > f64::from(promise_days)),
                row,
                assigned_name,
            }
        })
        .collect();
    let tabs: Vec<TabView> = InboxTab::ALL
        .iter()
        .filter(|t| **t != InboxTab::Spam || user.role >= Role::Manager)
        .map(|t| TabView {
            key: t.as_str(),
            label: t.label(),
            // Only the small sets are counted; the others grow for years.
            // Counted with the session check, for the navigation.
            count: match t {
                InboxTab::New => Some(user.new_requests),
                InboxTab::Mine => Some(user.my_requests),
                InboxTab::Spam => Some(spam),
                _ => None,
            }
            .filter(|n| *n != 0),
            current: *t == tab,
        })
        .collect();
    let next_url = page
        .next_before
        .map(|b| format!("/requests?tab={}&before={b}", tab.as_str()));
    Page::new(&req).render(&state, |l| ListPage {
        l,
        tab: tab.as_str(),
        tab_label: tab.label(),
        tabs,
        rows,
        first_page: before.is_none(),
        next_url,
        promise_days,
        past_promise,
    })
}

#[derive(askama::Template)]
#[template(path = "requests/list.html")]
struct ListPage {
    l: Layout,
    tab: &'static str,
    tab_label: &'static str,
    tabs: Vec<TabView>,
    rows: Vec<RowView>,
    first_page: bool,
    next_url: Option<String>,
    promise_days: i32,
    past_promise: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowParams {
    /// Search for a company to link the request to.
    find: String,
}

struct EventView {
    label: &'static str,
    details: String,
    /// When it happened, as shown.
    created: String,
    user_name: Option<String>,
}

#[get("/requests/{id:\\d+}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    params: web::Query<ShowParams>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let find = params.find.trim().to_string();
    // Spam is for managers to check; to everyone else it does not exist.
    let sees_spam = user.is_manager();
    let f = find.clone();
    let (request, events, company, staff, suggestions, hits, (promise_days, calendar), in_cluster) =
        state
            .db
            .run(move |c| {
                let request = ContactRequest::find(c, jc, id)?;
                if request.status == RequestStatus::Spam && !sees_spam {
                    return Err(AppError::NotFound);
                }
                let events = ContactRequest::events(c, jc, id)?;
                let company = match request.company_id {
                    Some(cid) => Some(Company::find(c, jc, cid)?),
                    None => None,
                };
                let staff = User::list(c, jc)?;
                let suggestions = match (&company, &request.cvr) {
                    (None, Some(cvr)) => Company::find_by_cvr(c, jc, cvr)?,
                    _ => Vec::new(),
                };
                let hits = if f.is_empty() {
                    Vec::new()
                } else {
                    let query = CompanyQuery {
                        text: Some(f),
                        ..Default::default()
                    };
                    Company::search(c, jc, &query, None, 10)?.companies
                };
                let settings = Settings::get(c, jc)?;
                let promise = (settings.answer_promise_days, settings.calendar());
                let in_cluster = !cluster::partners(c, jc)?.is_empty();
                Ok((
                    request,
                    events,
                    company,
                    staff,
                    suggestions,
                    hits,
                    promise,
                    in_cluster,
                ))
            })
            .await?;
    access_log::record(
        &state,
        &user,
        AccessKind::View,
        Some((AccessEntity::ContactRequest, id)),
        find.clone(),
    )
    .await?;
    let now = state.now();
    let waited = calendar.between(request.received_at, request.first_answer_at.unwrap_or(now));
    let assignee_name = request
        .assigned_to
        .and_then(|aid| staff.iter().find(|u| u.id == aid).map(|u| u.name.clone()));
    let staff_choices: Vec<Choice> = staff
        .into_iter()
        .filter(User::can_take_work)
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.name,
        })
        .collect();
    let events: Vec<EventView> = events
        .into_iter()
        .map(|e| EventView {
            label: e.kind.label(),
            details: e.details,
            created: dk_datetime(e.created_at),
            user_name: e.user_name,
        })
        .collect();
    let new_company_url = format!(
        "/companies/new?name={}&cvr={}&email={}&phone={}",
        url_encode(&request.company_name),
        url_encode(request.cvr.as_deref().unwrap_or("")),
        url_encode(&request.email),
        url_encode(&request.phone),
    );
    let workable = matches!(
        request.status,
        RequestStatus::New | RequestStatus::Assigned | RequestStatus::Answered
    );
    let open = request.status.is_open();
    Page::new(&req).render(&state, |l| ShowPage {
        l,
        topic_label: request.topic.label(),
        status_label: request.status.label(),
        spam_label: request.spam_reason.map(|s| s.label()),
        assignee_name,
        assigned_value: request
            .assigned_to
            .map(|a| a.to_string())
            .unwrap_or_default(),
        received: dk_datetime(request.received_at),
        first_answer: request.first_answer_at.map(dk_datetime),
        phone_link: request.phone.replace(' ', ""),
        r: request,
        company: company.map(CompanySummary::from),
        suggestions: suggestions.into_iter().map(CompanySummary::from).collect(),
        hits,
        find,
        events,
        staff: staff_choices,
        waited: working_days::format_days(waited),
        overdue: waited > f64::from(promise_days),
        promise_days,
        new_company_url,
        workable,
        can_hand_over: in_cluster && open,
        can_reassign: user.role >= Role::Manager,
        sees_spam,
    })
}

#[derive(askama::Template)]
#[template(path = "requests/show.html")]
struct ShowPage {
    l: Layout,
    r: ContactRequest,
    topic_label: &'static str,
    status_label: &'static str,
    spam_label: Option<&'static str>,
    assignee_name: Option<String>,
    /// The assignee's id as the select sends it, or "".
    assigned_value: String,
    /// When it came in and was first answered, as shown.
    received: String,
    first_answer: Option<String>,
    /// The phone number for a tel: link.
    phone_link: String,
    company: Option<CompanySummary>,
    suggestions: Vec<CompanySummary>,
    hits: Vec<CompanySummary>,
    find: String,
    events: Vec<EventView>,
    staff: Vec<Choice>,
    waited: String,
    overdue: bool,
    promise_days: i32,
    new_company_url: String,
    workable: bool,
    /// Open, and the jobcenter shares a cluster with a neighbour it could go to.
    can_hand_over: bool,
    can_reassign: bool,
    sees_spam: bool,
}

/// Runs one step of work on a request with its audit row, then back to the request (or
/// `back_to`) with a message; a refused step comes back as an error message.
async fn act<F>(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    audit_action: &'static str,
    back_to: Option<&str>,
    step: F,
) -> Result<HttpResponse, AppError>
where
    F: Fn(&mut DbConn, &Actor) -> Result<(ContactRequest, String), WriteError> + Send + 'static,
{
    let sees_spam = user.is_manager();
    let result = state
        .write(user.actor(req, state), move |c, actor| {
            work(c, actor, id, sees_spam, audit_action, &step).map(|(_, message)| message)
        })
        .await?;
    let here = format!("/requests/{id}");
    Ok(match result {
        Ok(message) => {
            redirect_with_flash(state, back_to.unwrap_or(&here), "ok", &capitalize(&message))
        }
        Err(refused) => redirect_with_flash(state, &here, "error", &refused.message()),
    })
}

/// Does `step` on request `id` as `actor` with its audit row: the pages and the API work on
/// requests through this. Spam is for managers (`sees_spam`); to everyone else it does not
/// exist.
pub fn work<F>(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    sees_spam: bool,
    audit_action: &'static str,
    step: &F,
) -> Result<(ContactRequest, String), WriteError>
where
    F: Fn(&mut DbConn, &Actor) -> Result<(ContactRequest, String), WriteError>,
{
    let current = ContactRequest::find(c, actor.jobcenter_id, id)?;
    if current.status == RequestStatus::Spam && !sees_spam {
        return Err(AppError::NotFound.into());
    }
    let (request, message) = step(c, actor)?;
    actor.record(
        c,
        audit_action,
        "contact_request",
        Some(request.id),
        format!("henvendelse #{}: {message}", request.id),
    )?;
    Ok((request, message))
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

/// The one-click steps of work on a request, each posted to `/requests/{id}/{step}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Take,
    Answered,
    Close,
    Reopen,
    Spam,
    NotSpam,
}

impl Step {
    pub fn parse(s: &str) -> Option<Step> {
        Some(match s {
            "take" => Step::Take,
            "answered" => Step::Answered,
            "close" => Step::Close,
            "reopen" => Step::Reopen,
            "spam" => Step::Spam,
            "not-spam" => Step::NotSpam,
            _ => return None,
        })
    }

    pub fn audit_action(self) -> &'static str {
        match self {
            Step::Take => action::REQUEST_ASSIGNED,
            Step::Answered => action::REQUEST_ANSWERED,
            Step::Close => action::REQUEST_CLOSED,
            Step::Reopen => action::REQUEST_REOPENED,
            Step::Spam => action::REQUEST_SPAM,
            Step::NotSpam => action::REQUEST_NOT_SPAM,
        }
    }

    /// Does the step as `actor`, and says what was done.
    pub fn run(
        self,
        c: &mut DbConn,
        actor: &Actor,
        id: i64,
        mail: &MailSettings,
    ) -> Result<(ContactRequest, &'static str), WriteError> {
        let (jc, uid, now) = (actor.jobcenter_id, actor.user_id, actor.now);
        Ok(match self {
            Step::Take => (
                ContactRequest::take(c, jc, id, uid, now)?,
                "du har taget henvendelsen",
            ),
            Step::Answered => {
                if ContactRequest::find(c, jc, id)?.status == RequestStatus::Spam {
                    return Err(WriteError::invalid("action", "Spam kan ikke besvares."));
                }
                (
                    ContactRequest::mark_answered(c, jc, id, uid, now)?,
                    "markeret som besvaret",
                )
            }
            Step::Close => {
                let request = ContactRequest::close(c, jc, id, uid, now)?;
                // The company is asked what it thought, at most once in 90 days.
                let asked = Survey::after_request(c, &request, mail, now)?;
                let done = if asked {
                    "lukket, og virksomheden er spurgt, hvor tilfreds den er"
                } else {
                    "lukket"
                };
                (request, done)
            }
            Step::Reopen => (ContactRequest::reopen(c, jc, id, uid, now)?, "genåbnet"),
            Step::Spam => (
                ContactRequest::mark_spam(c, jc, id, uid, now)?,
                "markeret som spam og fjernet fra indbakken",
            ),
            Step::NotSpam => (
                ContactRequest::not_spam(c, jc, id, uid, now)?,
                "flyttet til indbakken",
            ),
        })
    }
}

#[post("/requests/{id:\\d+}/{step:take|answered|close|reopen|spam|not-spam}")]
pub async fn request_step(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, step) = path.into_inner();
    let step = Step::parse(&step).ok_or(AppError::NotFound)?;
    // Managers check the spam, so they can move it back.
    if step == Step::NotSpam {
        user.require(Role::Manager)?;
    }
    // Marked as spam, the request is gone from the inbox: back to the inbox.
    let back_to = (step == Step::Spam).then_some("/requests");
    let mail = state.mail_settings();
    act(
        &req,
        &state,
        &user,
        id,
        step.audit_action(),
        back_to,
        move |c, actor| {
            let (request, done) = step.run(c, actor, id, &mail)?;
            Ok((request, done.to_string()))
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    assignee: String,
}

#[post("/requests/{id:\\d+}/assign")]
pub async fn assign(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: web::Form<AssignForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc, uid) = (path.into_inner(), user.jobcenter_id, user.id);
    let assignee = form.assignee.trim().parse::<i64>().unwrap_or(0);
    let mail = state.mail_settings();
    act(
        &req,
        &state,
        &user,
        id,
        action::REQUEST_ASSIGNED,
        None,
        move |c, actor| {
            let (r, to) = ContactRequest::assign(c, jc, id, assignee, uid, &mail, actor.now)?;
            Ok((r, format!("tildelt {}", to.name)))
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    /// Empty removes the link.
    company_id: String,
}

#[post("/requests/{id:\\d+}/company")]
pub async fn link_company(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let company_id = match form.company_id.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let mail = state.mail_settings();
    act(
        &req,
        &state,
        &user,
        id,
        action::REQUEST_COMPANY_LINKED,
        None,
        move |c, actor| link(c, actor, id, company_id, &mail),
    )
    .await
}

/// Links request `id` to a company of the jobcenter (`None`: removes the link), as a step of
/// work (`work`), and says what was done.
pub fn link(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    company_id: Option<i64>,
    mail: &MailSettings,
) -> Result<(ContactRequest, String), WriteError> {
    let (jc, uid) = (actor.jobcenter_id, actor.user_id);
    let r = ContactRequest::link_company(c, jc, id, company_id, uid, mail, actor.now)?;
    let message = match company_id {
        Some(cid) => format!("knyttet til virksomhed #{cid}"),
        None => "tilknytningen til virksomheden er fjernet".into(),
    };
    Ok((r, message))
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_start_with_a_capital() {
        assert_eq!(super::capitalize("lukket"), "Lukket.");
        assert_eq!(super::capitalize("åbnet"), "Åbnet.");
        assert_eq!(super::capitalize(""), "");
    }
}

// --- Handing a request to a neighbour in the cluster ------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HandOverForm {
    /// The receiving jobcenter's id.
    to: String,
    note: String,
}

#[derive(askama::Template)]
#[template(path = "requests/hand_over.html")]
struct HandOverPage {
    l: Layout,
    r: ContactRequest,
    topic_label: &'static str,
    received: String,
    partners: Vec<Choice>,
    /// The partners that have the company in their registers, as the cluster shares it.
    known: Vec<KnownByPartner>,
    form: HandOverForm,
}

/// The hand-over form of an open request, with `form` as typed and why it came back.
async fn hand_over_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    mut form: HandOverForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let (request, partners, known) = state
        .db
        .run(move |c| {
            let request = ContactRequest::find(c, jc, id)?;
            if request.status == RequestStatus::Spam {
                return Err(AppError::NotFound);
            }
            let known = match &request.cvr {
                Some(cvr) => cluster::known_by_partners(c, jc, cvr, request.p_number.as_deref())?,
                None => Vec::new(),
            };
            Ok((request, cluster::partners(c, jc)?, known))
        })
        .await?;
    if !request.status.is_open() {
        return Ok(redirect_with_flash(
            state,
            &format!("/requests/{id}"),
            "error",
            ONLY_OPEN_HANDED_OVER,
        ));
    }
    // The partner that knows the company is the likely receiver.
    if form.to.is_empty()
        && let [only] = known.as_slice()
        && let Some((pid, _)) = partners.iter().find(|(_, name)| *name == only.jobcenter)
    {
        form.to = pid.to_string();
    }
    Page::new(req)
        .refused(&refused)
        .render(state, |l| HandOverPage {
            l,
            topic_label: request.topic.label(),
            received: dk_datetime(request.received_at),
            r: request,
            partners: partners
                .into_iter()
                .map(|(pid, name)| Choice {
                    value: pid.to_string(),
                    label: name,
                })
                .collect(),
            known,
            form,
        })
}

#[get("/requests/{id:\\d+}/hand-over")]
pub async fn hand_over_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    hand_over_page(
        &req,
        &state,
        &user,
        id,
        HandOverForm::default(),
        Refused::none(),
    )
    .await
}

/// Hands the request to a jobcenter the sender shares a cluster with: it leaves this inbox
/// for the receiver's, with its log.
#[post("/requests/{id:\\d+}/hand-over")]
pub async fn hand_over(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<HandOverForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    let to = form.to.trim().parse::<i64>().unwrap_or(0);
    let note = form.note.clone();
    let mail = state.mail_settings();
    let sees_spam = user.is_manager();
    let result = state
        .write(user.actor(&req, &state), move |c, actor| {
            let step = |c: &mut DbConn, actor: &Actor| {
                let (request, to_name) = ContactRequest::hand_over(
                    c,
                    actor.jobcenter_id,
                    id,
                    to,
                    &note,
                    &mail,
                    actor.now,
                )?;
                Ok((request, format!("givet videre til {to_name}")))
            };
            work(c, actor, id, sees_spam, action::REQUEST_HANDED_OVER, &step)
        })
        .await?;
    match result {
        Ok((request, message)) => Ok(redirect_with_flash(
            &state,
            "/requests",
            "ok",
            &format!("Henvendelsen fra {} er {message}.", request.company_name),
        )),
        // Handed over by a colleague at the same moment: it is no longer here.
        Err(refused) if refused.is_stale() => Ok(redirect_with_flash(
            &state,
            "/requests",
            "error",
            "En kollega har givet henvendelsen videre imens.",
        )),
        // Closed or answered meanwhile: the request's page says how it stands.
        Err(refused) if refused.errors.contains_key("action") => Ok(redirect_with_flash(
            &state,
            &format!("/requests/{id}"),
            "error",
            &refused.message(),
        )),
        Err(refused) => hand_over_page(&req, &state, &user, id, form, refused).await,
    }
}
