//! Rendering: the templates compiled into the binary, the page helper that adds what every
//! page needs (user, form token, flash message), flash messages and small formatting filters.

use actix_web::cookie::CookieJar;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{CurrentUser, app_cookie, csrf_token, removal_cookie};
use crate::error::AppError;

pub const STYLESHEET: &str = include_str!("../../templates/static/app.css");

/// The stylesheet's address with a hash of its content (`/static/app.<hash>.css`): browsers
/// keep it for a year, and a new release is a new address.
pub fn stylesheet_path() -> &'static str {
    static PATH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let hash = crate::crypto::sha256_hex(STYLESHEET);
        format!("/static/app.{}.css", &hash[..12])
    });
    &PATH
}

/// The script that warns before the session ends for want of use (`templates/static/session.js`).
pub const SESSION_SCRIPT: &str = include_str!("../../templates/static/session.js");

/// The session script's address, with its content's hash, like the stylesheet's.
pub fn session_script_path() -> &'static str {
    static PATH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let hash = crate::crypto::sha256_hex(SESSION_SCRIPT);
        format!("/static/session.{}.js", &hash[..12])
    });
    &PATH
}

pub use crate::domain::dates::{local_date, local_time};

/// A stored time (UTC) as shown: "23-11-2026 09:40", Danish time.
pub fn dk_datetime(t: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    let t = local_time(t);
    format!(
        "{} {:02}:{:02}",
        crate::domain::dates::dk_date(t.date()),
        t.hour(),
        t.minute()
    )
}

pub use crate::models::{Choice, FieldErrors};

/// Filters the page templates use to show stored values the Danish way: models hand over typed
/// rows (dates, enums, numbers) and the pages format them here. A web file whose templates use
/// them says `use super::views::filters;` (askama looks for `filters` beside the template).
pub mod filters {
    use chrono::{NaiveDate, NaiveDateTime};

    use crate::domain::dates;
    use crate::models::activity::Topic;

    /// 23-11-2026.
    #[askama::filter_fn]
    pub fn dk_date(d: &NaiveDate, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(dates::dk_date(*d))
    }

    /// 23-11-2026 09:40, Danish time, from a stored UTC time.
    #[askama::filter_fn]
    pub fn dk_datetime(t: &NaiveDateTime, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::dk_datetime(*t))
    }

    /// Hours per week with a decimal comma: 12,5.
    #[askama::filter_fn]
    pub fn hours(h: &f64, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::models::placement::format_hours(*h))
    }

    /// A campaign's period: "uge 41–49 (05-10-2026 – 06-12-2026)".
    #[askama::filter_fn]
    pub fn period(
        campaign: &crate::models::campaign::Campaign,
        _: &dyn askama::Values,
    ) -> askama::Result<String> {
        let (start, end) = (campaign.start_on, campaign.end_on);
        Ok(format!(
            "{} ({} – {})",
            dates::week_span(start, end),
            dates::dk_date(start),
            dates::dk_date(end)
        ))
    }

    /// Topics by their names: "Småjob, Fleksjob".
    #[askama::filter_fn]
    pub fn topics(topics: &[Topic], _: &dyn askama::Values) -> askama::Result<String> {
        let names: Vec<&str> = topics.iter().map(|t| t.label()).collect();
        Ok(names.join(", "))
    }
}

/// The jobcenter's active staff as options (fixed contact, consultant, assignee), and `keep`
/// (the id a record has now, as its form holds it) also when no longer active, marked so:
/// editing a record never silently moves it to whoever is first in the list.
pub async fn staff_choices(
    state: &AppState,
    jobcenter_id: i64,
    keep: &str,
) -> Result<Vec<Choice>, AppError> {
    let roster = state
        .db
        .run(move |c| Ok(crate::models::user::User::roster(c, jobcenter_id)?))
        .await?;
    let mut choices = active_choices(&roster);
    if let Some(former) = roster
        .iter()
        .find(|u| !u.active && u.id.to_string() == keep.trim())
    {
        choices.push(Choice {
            value: former.id.to_string(),
            label: format!("{} (deaktiveret)", former.name),
        });
    }
    Ok(choices)
}

/// The campaigns a form about a company offers (planned and running ones the company is on),
/// and `keep` (the campaign the record has now, as its form holds it) also when it is done,
/// marked so: an edit never drops the link silently.
pub fn campaign_choices_in(
    c: &mut crate::db::DbConn,
    jobcenter_id: i64,
    company_id: i64,
    keep: &str,
) -> diesel::QueryResult<Vec<Choice>> {
    use crate::models::campaign::Campaign;
    use diesel::OptionalExtension;
    let mut campaigns = Campaign::for_company(c, jobcenter_id, company_id)?;
    if let Ok(id) = keep.trim().parse::<i64>()
        && !campaigns.iter().any(|x| x.id == id)
        && let Some(kept) = Campaign::find(c, jobcenter_id, id).optional()?
    {
        campaigns.push(Campaign {
            name: format!("{} (afsluttet)", kept.name),
            ..kept
        });
    }
    Ok(campaigns
        .into_iter()
        .map(|x| Choice {
            value: x.id.to_string(),
            label: x.name,
        })
        .collect())
}

/// The company's current contact persons as options, and `keep` (the one the record has now)
/// also when removed since, marked so: an edit never drops the link silently.
pub fn contact_choices_in(
    c: &mut crate::db::DbConn,
    jobcenter_id: i64,
    company_id: i64,
    keep: &str,
) -> diesel::QueryResult<Vec<Choice>> {
    use crate::models::contact_person::ContactPerson;
    use diesel::OptionalExtension;
    let mut people = ContactPerson::current(c, jobcenter_id, company_id)?;
    if let Ok(id) = keep.trim().parse::<i64>()
        && !people.iter().any(|p| p.id == id)
        && let Some(kept) = ContactPerson::find(c, jobcenter_id, company_id, id).optional()?
    {
        people.push(ContactPerson {
            name: format!("{} (tidligere)", kept.name),
            ..kept
        });
    }
    Ok(people
        .into_iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: p.name,
        })
        .collect())
}

/// The active members of a roster as options.
pub fn active_choices(roster: &[crate::models::user::StaffMember]) -> Vec<Choice> {
    roster
        .iter()
        .filter(|u| u.can_take_work())
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.name.clone(),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// "ok" or "error"
    pub kind: String,
    pub message: String,
    /// A follow-up just marked done, which the message offers to open again ("Fortryd").
    #[serde(default)]
    pub undo_follow_up: Option<i64>,
}

/// A CSV file to download.
pub fn csv_response(filename: String, csv: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .body(csv)
}

/// `path` with a query string, or bare when the query is empty.
pub fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// What the layout of every page shows: who is signed in, the form token, where the page is,
/// a message from the previous request and the errors of a form sent back.
pub struct Layout {
    pub current_user: Option<CurrentUser>,
    pub csrf_token: String,
    pub path: String,
    pub flash: Option<Flash>,
    pub errors: FieldErrors,
}

impl Layout {
    /// Whether the page is in the section at `prefix` (marks the navigation link).
    pub fn at(&self, prefix: &str) -> bool {
        self.path.starts_with(prefix)
    }

    /// Whether the signed-in user may change anything (a reader may not): pages open to
    /// readers show their buttons and forms only then.
    pub fn can_write(&self) -> bool {
        self.current_user
            .as_ref()
            .is_some_and(CurrentUser::can_write)
    }

    /// The error of one form field, or "" when it is valid.
    pub fn err(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// A page to render: its status and, for a form sent back, its errors. The template is a
/// struct with the page's data and the [`Layout`] as `l`.
pub struct Page<'a> {
    req: &'a HttpRequest,
    status: StatusCode,
    errors: FieldErrors,
}

impl<'a> Page<'a> {
    pub fn new(req: &'a HttpRequest) -> Self {
        Page {
            req,
            status: StatusCode::OK,
            errors: FieldErrors::new(),
        }
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Re-renders a form with its errors: 422 and the input kept.
    pub fn invalid(mut self, errors: &FieldErrors) -> Self {
        self.errors = errors.clone();
        self.status(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// A form as it comes back from a refused write (or, with `Refused::none()`, as it is
    /// first shown): its errors and status.
    pub fn refused(mut self, refused: &super::forms::Refused) -> Self {
        self.errors = refused.errors.clone();
        self.status(refused.status)
    }

    /// Renders the template `page` builds around the layout.
    pub fn render<T: askama::Template>(
        self,
        state: &AppState,
        page: impl FnOnce(Layout) -> T,
    ) -> Result<HttpResponse, AppError> {
        let flash = read_flash(self.req, state);
        let had_flash = flash.is_some();
        let layout = Layout {
            current_user: self.req.extensions().get::<CurrentUser>().cloned(),
            csrf_token: csrf_token(self.req),
            path: self.req.path().to_string(),
            flash,
            errors: self.errors,
        };
        let mut res = html_response(self.status, &page(layout))?;
        if had_flash {
            res.add_cookie(&removal_cookie(state, state.cookie_names().flash))
                .map_err(AppError::internal)?;
        }
        Ok(res)
    }
}

/// A rendered template as the response; the pages for visitors who are not signed in (the
/// public contact form) use it directly, as they have no layout of their own to fill.
pub fn html_response(
    status: StatusCode,
    page: &impl askama::Template,
) -> Result<HttpResponse, AppError> {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

fn read_flash(req: &HttpRequest, state: &AppState) -> Option<Flash> {
    let name = state.cookie_names().flash;
    let cookie = req.cookie(name)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let verified = jar.signed(&state.keys.cookie).get(name)?;
    let json = URL_SAFE_NO_PAD.decode(verified.value()).ok()?;
    serde_json::from_slice(&json).ok()
}

/// A page that only says something, e.g. why a link does not work.
pub fn message_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    title: &str,
    text: &str,
) -> Result<HttpResponse, AppError> {
    Page::new(req)
        .status(status)
        .render(state, |l| MessagePage { l, title, text })
}

#[derive(askama::Template)]
#[template(path = "errors/error.html")]
struct MessagePage<'a> {
    l: Layout,
    title: &'a str,
    text: &'a str,
}

/// 303 to `location` with a message for the next page (post/redirect/get).
pub fn redirect_with_flash(
    state: &AppState,
    location: &str,
    kind: &str,
    message: &str,
) -> HttpResponse {
    with_flash(
        state,
        location,
        Flash {
            kind: kind.to_string(),
            message: message.to_string(),
            undo_follow_up: None,
        },
    )
}

/// A success message that offers to open the follow-up `activity_id` again.
pub fn redirect_with_undo(
    state: &AppState,
    location: &str,
    message: &str,
    activity_id: i64,
) -> HttpResponse {
    with_flash(
        state,
        location,
        Flash {
            kind: "ok".into(),
            message: message.to_string(),
            undo_follow_up: Some(activity_id),
        },
    )
}

fn with_flash(state: &AppState, location: &str, flash: Flash) -> HttpResponse {
    let value = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&flash).unwrap_or_default());
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.keys.cookie)
        .add(app_cookie(state, state.cookie_names().flash, value));
    let mut res = redirect(location);
    for cookie in jar.delta() {
        let _ = res.add_cookie(cookie);
    }
    res
}

pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    serde_html_form::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// Only local paths are followed after sign-in, never another site.
pub fn safe_next(next: &str) -> &str {
    // Browsers drop tabs and line breaks from a URL and read `\` as `/`, so "/\t/evil.example"
    // would leave the site: one `/`, then neither `/` nor `\`, and no whitespace or control
    // characters anywhere.
    let local = next.starts_with('/')
        && !next[1..].starts_with(['/', '\\'])
        && !next.chars().any(|ch| ch.is_whitespace() || ch.is_control());
    if local { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next("/companies?x=1"), "/companies?x=1");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/ /evil.example"), "/");
        assert_eq!(safe_next("/\u{0}x"), "/");
        assert_eq!(safe_next("/\u{a0}/evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }

    #[test]
    fn url_encoding() {
        assert_eq!(url_encode("/a b?c=æ&d"), "%2Fa+b%3Fc%3D%C3%A6%26d");
    }

    #[test]
    fn times_are_shown_in_danish_time() {
        let winter = chrono::NaiveDate::from_ymd_opt(2026, 1, 10)
            .unwrap()
            .and_hms_opt(23, 30, 0)
            .unwrap();
        assert_eq!(local_time(winter).to_string(), "2026-01-11 00:30:00");
        assert_eq!(local_date(winter).to_string(), "2026-01-11");
        let summer = chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        assert_eq!(local_time(summer).to_string(), "2026-07-01 10:00:00");
        assert_eq!(dk_datetime(winter), "11-01-2026 00:30");
        assert_eq!(dk_datetime(summer), "01-07-2026 10:00");
    }
}
