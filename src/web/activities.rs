//! Activities, follow-ups and the private calendar feed of follow-ups.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use super::AppState;
use super::auth::{CurrentUser, SessionCookie};
use super::forms::Refused;
use super::views::{
    Choice, Layout, Page, active_choices, campaign_choices_in, contact_choices_in, filters,
    redirect_with_flash, redirect_with_undo, staff_choices,
};
use crate::db::DbConn;
use crate::domain::dates;
use crate::error::AppError;
use crate::models::WriteError;
use crate::models::activity::{
    Activity, ActivityForm, ActivityInput, ActivityKind, ActivityQuery, ActivityRow, Outcome, Topic,
};
use crate::models::audit::Actor;
use crate::models::audit::action;
use crate::models::campaign::{Campaign, CampaignStatus};
use crate::models::company::{Company, CompanyQuery, CompanySummary};
use crate::models::contact_request::ContactRequest;
use crate::models::contact_request::MailSettings;
use crate::models::satisfaction::Survey;
use crate::models::user::{Role, User};

const PAGE_SIZE: i64 = 25;

struct TopicBox {
    name: String,
    label: &'static str,
    checked: bool,
}

/// The local date of the request, for "today" in follow-ups and form defaults.
pub(super) fn today(state: &AppState) -> NaiveDate {
    super::views::local_date(state.now())
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    company: Company,
    activity_id: Option<i64>,
    form: ActivityForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let (jc, company_id) = (user.jobcenter_id, company.id);
    let (keep_campaign, keep_contact) = (form.campaign_id.clone(), form.contact_person_id.clone());
    let (campaigns, contact_choices) = state
        .db
        .run(move |c| {
            Ok((
                campaign_choices_in(c, jc, company_id, &keep_campaign)?,
                contact_choices_in(c, jc, company_id, &keep_contact)?,
            ))
        })
        .await?;
    let topics: Vec<TopicBox> = Topic::ALL
        .iter()
        .map(|t| TopicBox {
            name: format!("topic_{}", t.as_str()),
            label: t.label(),
            checked: form.topic_checked(*t),
        })
        .collect();
    let staff = staff_choices(state, user.jobcenter_id, &form.user_id).await?;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| FormPage {
            l,
            // A form-wide error points at the first field.
            first_field: format!("kind-{}", form.kind),
            company,
            activity_id,
            form,
            kinds: ActivityKind::choices(),
            outcomes: Outcome::choices(),
            topics,
            contacts: contact_choices,
            campaigns,
            staff,
        })
}

#[derive(askama::Template)]
#[template(path = "activities/form.html")]
struct FormPage {
    l: Layout,
    first_field: String,
    company: Company,
    activity_id: Option<i64>,
    form: ActivityForm,
    kinds: Vec<Choice>,
    outcomes: Vec<Choice>,
    topics: Vec<TopicBox>,
    contacts: Vec<Choice>,
    campaigns: Vec<Choice>,
    staff: Vec<Choice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewParams {
    company: String,
    campaign: String,
    request: String,
    /// The follow-up the contact is logged from.
    follow_up: String,
    q: String,
    kind: String,
}

/// "Log a visit": with `?company=` the short form; without it, a search for the company.
#[get("/activities/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<NewParams>,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let Ok(company_id) = params.company.trim().parse::<i64>() else {
        return pick_company(
            &req,
            &state,
            jc,
            &params.q,
            "Registrér kontakt",
            "/activities/new",
        )
        .await;
    };
    let (company, campaigns) = state
        .db
        .run(move |c| {
            Ok((
                Company::find(c, jc, company_id)?,
                Campaign::for_company(c, jc, company_id)?,
            ))
        })
        .await?;
    // The campaign asked for, else the one running campaign the company is on.
    let running: Vec<&Campaign> = campaigns
        .iter()
        .filter(|c| c.status == CampaignStatus::Running)
        .collect();
    let campaign_id = match params.campaign.parse::<i64>() {
        Ok(id) if campaigns.iter().any(|c| c.id == id) => id.to_string(),
        _ if running.len() == 1 => running[0].id.to_string(),
        _ => String::new(),
    };
    let form = ActivityForm {
        campaign_id,
        company_id: company.id.to_string(),
        user_id: user.id.to_string(),
        kind: ActivityKind::parse(&params.kind)
            .unwrap_or(ActivityKind::Visit)
            .as_str()
            .into(),
        occurred_on: today(&state).to_string(),
        request_id: params.request.clone(),
        follow_up_id: params.follow_up.clone(),
        ..Default::default()
    };
    form_page(&req, &state, &user, company, None, form, Refused::none()).await
}

#[derive(askama::Template)]
#[template(path = "activities/pick_company.html")]
struct PickCompanyPage {
    l: Layout,
    title: &'static str,
    action: &'static str,
    q: String,
    companies: Vec<CompanySummary>,
}

/// The first step of a form that belongs to a company ("Registrér kontakt", "Nyt forløb"):
/// a search for the company, whose results link to `action?company=ID`.
pub(super) async fn pick_company(
    req: &HttpRequest,
    state: &AppState,
    jc: i64,
    q: &str,
    title: &'static str,
    action: &'static str,
) -> Result<HttpResponse, AppError> {
    let q = q.trim().to_string();
    let found = if q.is_empty() {
        Vec::new()
    } else {
        let query = CompanyQuery {
            text: Some(q.clone()),
            ..Default::default()
        };
        state
            .db
            .run(move |c| Ok(Company::search(c, jc, &query, None, 20)?.companies))
            .await?
    };
    Page::new(req).render(state, |l| PickCompanyPage {
        l,
        title,
        action,
        q,
        companies: found,
    })
}

fn saved_message(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Visit => "Besøget er registreret.",
        ActivityKind::Phone => "Opkaldet er registreret.",
        ActivityKind::Mail => "Mailen er registreret.",
        ActivityKind::Meeting => "Mødet er registreret.",
        ActivityKind::Event => "Arrangementet er registreret.",
    }
}

#[post("/activities")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<ActivityForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let jc = user.jobcenter_id;
    let company_id = form
        .company_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let company = state
        .db
        .run(move |c| Ok(Company::find(c, jc, company_id)?))
        .await?;
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &req,
                &state,
                &user,
                company,
                None,
                form,
                Refused::invalid(errors),
            )
            .await;
        }
    };
    let actor = user.actor(&req, &state);
    let request_id = form.request_id.trim().parse::<i64>().ok();
    // The follow-up it was logged from, if it is this company's, still open and the user's to
    // change: logging the contact closes it.
    let follow_up = match form.follow_up_id.trim().parse::<i64>() {
        Ok(fid) => state
            .db
            .run(move |c| Ok(Activity::find(c, jc, fid).ok()))
            .await?
            .filter(|f| {
                f.company_id == company_id
                    && f.follow_up_on.is_some()
                    && !f.follow_up_done
                    && may_change(&user, f).is_ok()
            })
            .map(|f| f.id),
        Err(_) => None,
    };
    let mail = state.mail_settings();
    let result = state
        .write(actor, move |c, actor| {
            log(c, actor, &input, &mail, follow_up, request_id)
        })
        .await?;
    match result {
        Ok(activity) => Ok(match follow_up {
            Some(fid) => redirect_with_undo(
                &state,
                &format!("/companies/{}", activity.company_id),
                &format!(
                    "{} Opfølgningen er markeret som udført.",
                    saved_message(activity.kind)
                ),
                fid,
            ),
            None => redirect_with_flash(
                &state,
                &format!("/companies/{}", activity.company_id),
                "ok",
                saved_message(activity.kind),
            ),
        }),
        Err(refused) => form_page(&req, &state, &user, company, None, form, refused).await,
    }
}

/// Consultants change their own activities; managers and admins any.
pub(super) fn may_change(user: &CurrentUser, activity: &Activity) -> Result<(), AppError> {
    if may_change_as(user.id, user.role, activity) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether `user_id` with `role` may change or delete `activity`.
pub fn may_change_as(user_id: i64, role: Role, activity: &Activity) -> bool {
    activity.user_id == user_id || role >= Role::Manager
}

// --- The writes, as the pages and the API make them -------------------------------------------

/// Logs an activity with what comes with it: the satisfaction question after a visit (a
/// setting), the follow-up it was logged from marked done, the contact request it answers
/// marked answered, and the audit rows.
pub fn log(
    c: &mut DbConn,
    actor: &Actor,
    input: &ActivityInput,
    mail: &MailSettings,
    follow_up: Option<i64>,
    request_id: Option<i64>,
) -> Result<Activity, WriteError> {
    let jc = actor.jobcenter_id;
    let activity = Activity::create(c, jc, input, actor.now)?;
    Survey::after_visit(c, &activity, mail, actor.now)?;
    if let Some(fid) = follow_up {
        Activity::set_follow_up_done(c, jc, fid, true, actor.now)?;
        actor.record(
            c,
            action::FOLLOW_UP_DONE,
            "activity",
            Some(fid),
            format!("ved aktivitet #{}", activity.id),
        )?;
    }
    if let Some(rid) = request_id {
        ContactRequest::mark_answered(c, jc, rid, actor.user_id, actor.now)?;
        actor.record(
            c,
            action::REQUEST_ANSWERED,
            "contact_request",
            Some(rid),
            format!("aktivitet #{}", activity.id),
        )?;
    }
    actor.record(
        c,
        action::ACTIVITY_CREATED,
        "activity",
        Some(activity.id),
        format!("virksomhed #{}", activity.company_id),
    )?;
    Ok(activity)
}

/// Saves an edit made on `version` (the company stays), with its audit row.
pub fn change(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &ActivityInput,
) -> Result<Activity, WriteError> {
    let a = Activity::update(c, actor.jobcenter_id, id, version, input, actor.now)?;
    actor.record(
        c,
        action::ACTIVITY_UPDATED,
        "activity",
        Some(id),
        format!("virksomhed #{}", a.company_id),
    )?;
    Ok(a)
}

/// Deletes an activity, with its audit row.
pub fn remove(c: &mut DbConn, actor: &Actor, id: i64) -> Result<Activity, WriteError> {
    let a = Activity::delete(c, actor.jobcenter_id, id)?;
    actor.record(
        c,
        action::ACTIVITY_DELETED,
        "activity",
        Some(id),
        format!("virksomhed #{}", a.company_id),
    )?;
    Ok(a)
}

#[get("/activities/{id:\\d+}/edit")]
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let (activity, company) = state
        .db
        .run(move |c| {
            let a = Activity::find(c, jc, id)?;
            let company = Company::find(c, jc, a.company_id)?;
            Ok((a, company))
        })
        .await?;
    may_change(&user, &activity)?;
    let form = ActivityForm::from_activity(&activity);
    form_page(
        &req,
        &state,
        &user,
        company,
        Some(id),
        form,
        Refused::none(),
    )
    .await
}

#[post("/activities/{id:\\d+}/edit")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<ActivityForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let (activity, company) = state
        .db
        .run(move |c| {
            let a = Activity::find(c, jc, id)?;
            let company = Company::find(c, jc, a.company_id)?;
            Ok((a, company))
        })
        .await?;
    may_change(&user, &activity)?;
    let mut form = form.into_inner();
    form.company_id = activity.company_id.to_string();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            let refused = Refused::invalid(errors);
            return form_page(&req, &state, &user, company, Some(id), form, refused).await;
        }
    };
    let version = form.version.trim().parse::<i32>().unwrap_or(-1);
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| change(c, actor, id, version, &input))
        .await?;
    match result {
        Ok(a) => Ok(redirect_with_flash(
            &state,
            &format!("/companies/{}", a.company_id),
            "ok",
            "Aktiviteten er gemt.",
        )),
        Err(refused) => form_page(&req, &state, &user, company, Some(id), form, refused).await,
    }
}

#[post("/activities/{id:\\d+}/delete")]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let activity = state
        .db
        .run(move |c| Ok(Activity::find(c, jc, id)?))
        .await?;
    may_change(&user, &activity)?;
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| {
            remove(c, actor, id).map_err(|e| match e {
                WriteError::Failed(e) => WriteError::Failed(e),
                _ => WriteError::Failed(AppError::NotFound),
            })
        })
        .await??;
    Ok(redirect_with_flash(
        &state,
        &format!("/companies/{}", activity.company_id),
        "ok",
        "Aktiviteten er slettet.",
    ))
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ListParams {
    consultant: String,
    company: String,
    kind: String,
    topic: String,
    from: String,
    to: String,
    /// Left out of the page links built from the filter: they add their own.
    #[serde(skip_serializing_if = "String::is_empty")]
    after: String,
}

#[get("/activities")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let mut params = params.into_inner();
    let p = params.clone();
    let (user, (mut rows, roster)) = session
        .open_to_readers()
        .run(&state, move |c, user| {
            let jc = user.jobcenter_id;
            let query = p.query(user);
            let after = p
                .after
                .split_once('_')
                .and_then(|(d, id)| Some((dates::parse_date(d)?, id.parse().ok()?)));
            Ok((
                Activity::list(c, jc, &query, after, PAGE_SIZE + 1)?,
                User::roster(c, jc)?,
            ))
        })
        .await?;
    let sees_everyone = user.is_manager() || !user.can_write();
    // A reader sees when and how, not what was written.
    if !user.can_write() {
        for r in &mut rows {
            r.activity.summary.clear();
            r.activity.follow_up_note.clear();
        }
    }
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last()
            .map(|r| format!("{}_{}", r.activity.occurred_on, r.activity.id))
    } else {
        None
    };
    // The filter without the page position ('after' is left out when empty).
    let after = std::mem::take(&mut params.after);
    let filter_query = serde_html_form::to_string(&params).unwrap_or_default();
    let first_page = after.is_empty();
    params.after = after;
    Page::new(&req).render(&state, |l| ListPage {
        l,
        rows,
        sees_everyone,
        staff: active_choices(&roster),
        kinds: ActivityKind::choices(),
        topics: Topic::choices(),
        next_url: next.map(|n| format!("/activities?{filter_query}&after={n}")),
        first_url: super::views::with_query("/activities", &filter_query),
        first_page,
        params,
    })
}

impl ListParams {
    /// The filter as asked for. Consultants see their own list; managers anyone's, or
    /// everyone's (their own first); readers, who have none, everyone's or anyone's.
    fn query(&self, user: &CurrentUser) -> ActivityQuery {
        let user_id = if user.is_manager() || !user.can_write() {
            match self.consultant.as_str() {
                "" if user.can_write() => Some(user.id),
                "" => None,
                "all" => None,
                id => id.parse().ok(),
            }
        } else {
            Some(user.id)
        };
        ActivityQuery {
            user_id,
            company_id: self.company.parse().ok(),
            kind: ActivityKind::parse(&self.kind),
            topic: Topic::parse(&self.topic),
            from: dates::parse_date(&self.from),
            to: dates::parse_date(&self.to),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "activities/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ActivityRow>,
    params: ListParams,
    /// Managers and readers see anyone's activities and choose whose.
    sees_everyone: bool,
    staff: Vec<Choice>,
    kinds: Vec<Choice>,
    topics: Vec<Choice>,
    next_url: Option<String>,
    first_url: String,
    first_page: bool,
}

/// The start of an activity's summary as the list shows it: the first
/// [`Preview::GRAPHEMES`] characters, "…" when there is more. Written straight into the
/// page, so a row costs no string of its own.
struct Preview<'a>(&'a str);

impl Preview<'_> {
    const GRAPHEMES: usize = 120;

    /// Where the preview ends (in bytes), or `None` when the whole summary is shown.
    fn end(&self) -> Option<usize> {
        let s = self.0;
        // Never more characters than bytes.
        if s.len() <= Self::GRAPHEMES {
            return None;
        }
        // Characters as a reader counts them: grapheme clusters, so "\r\n", an emoji with its
        // skin tone or a letter with a combining accent is one and is never cut in two. Below
        // U+0300 (Latin letters, digits, punctuation) every character but CR is a cluster of
        // its own, which is nearly every summary; only the others need the grapheme rules.
        for (n, (i, c)) in s.char_indices().enumerate() {
            if c >= '\u{300}' || c == '\r' {
                return s
                    .grapheme_indices(true)
                    .nth(Self::GRAPHEMES)
                    .map(|(i, _)| i);
            }
            if n == Self::GRAPHEMES {
                return Some(i);
            }
        }
        None
    }
}

impl std::fmt::Display for Preview<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.end() {
            Some(end) => {
                f.write_str(&self.0[..end])?;
                f.write_str("…")
            }
            None => f.write_str(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Preview;

    #[test]
    fn a_summary_is_cut_after_120_characters_as_read() {
        let short = "x".repeat(120);
        assert_eq!(Preview(&short).to_string(), short);
        let long = "x".repeat(121);
        assert_eq!(Preview(&long).to_string(), format!("{short}…"));
        // A line break typed in a form ("\r\n") and an emoji with its skin tone count once.
        let lines = format!("{}\r\n👍🏻{}", "a".repeat(117), "b".repeat(5));
        assert_eq!(
            Preview(&lines).to_string(),
            format!("{}\r\n👍🏻b…", "a".repeat(117))
        );
        // Danish letters are one character each; an accent typed as a combining mark after
        // the 120th letter stays with it.
        let danish = "æøå".repeat(50);
        assert_eq!(
            Preview(&danish).to_string(),
            format!("{}…", "æøå".repeat(40))
        );
        let accent = format!("{}e\u{301}x", "a".repeat(119));
        assert_eq!(
            Preview(&accent).to_string(),
            format!("{}e\u{301}…", "a".repeat(119))
        );
        let exactly = format!("{}e\u{301}", "a".repeat(119));
        assert_eq!(Preview(&exactly).to_string(), exactly);
    }
}
