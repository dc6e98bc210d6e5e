//! Open follow-ups (/follow-ups: overdue, today, this week, later), marking them done, and the
//! private calendar feed that puts them in Outlook.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Deserialize;

use super::AppState;
use super::activities::{may_change, today};
use super::auth::{CurrentUser, SessionCookie};
use super::views::{Layout, Page, filters, redirect_with_flash, redirect_with_undo};
use crate::domain::dates;
use crate::error::AppError;
use crate::models::activity::{Activity, FollowUp};
use crate::models::audit::action;
use crate::models::calendar_feed::CalendarFeed;
use crate::models::jobcenter::Jobcenter;

/// One group of the follow-up page: overdue, today, the rest of the week, later.
struct FollowUpGroup {
    key: &'static str,
    title: &'static str,
    /// All open follow-ups of the group; `items` holds the soonest of them.
    total: i64,
    items: Vec<FollowUp>,
}

/// Follow-ups shown per group on the overview; a group with more links to all of them. Four
/// groups stay a page a consultant can take in on a phone.
const FOLLOW_UPS_PER_GROUP: i64 = 10;

/// Follow-ups per page of one group.
const FOLLOW_UPS_PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FollowUpsQuery {
    /// One group (`overdue`, `today`, `this_week`, `later`) page by page; else the overview.
    group: String,
    /// The page after this follow-up: `date.id`.
    after: String,
}

/// The (date, id) of a follow-up as the cursor of the next page, e.g. `2026-11-20.512`.
fn follow_up_cursor(after: &str) -> Option<(NaiveDate, i64)> {
    let (on, id) = after.split_once('.')?;
    Some((on.parse().ok()?, id.parse().ok()?))
}

/// The groups of the follow-up page: key (as in `?group=`), title and dates (either end open).
type GroupRange = (
    &'static str,
    &'static str,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn follow_up_groups(today: NaiveDate) -> [GroupRange; 4] {
    let week_end = dates::end_of_week(today);
    [
        ("overdue", "Overskredet", None, today.pred_opt()),
        ("today", "I dag", Some(today), Some(today)),
        (
            "this_week",
            "Resten af ugen",
            today.succ_opt(),
            Some(week_end),
        ),
        ("later", "Senere", week_end.succ_opt(), None),
    ]
}

#[get("/follow-ups")]
pub async fn follow_ups(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SessionCookie,
    query: web::Query<FollowUpsQuery>,
) -> Result<HttpResponse, AppError> {
    let groups = follow_up_groups(today(&state));
    // One group page by page, or the first few of every group.
    let one = groups.iter().find(|g| g.0 == query.group).copied();
    let after = one.and_then(|_| follow_up_cursor(&query.after));
    let (_, (groups, feed_since)) = session
        .run(&state, move |c, user| {
            let (jc, uid) = (user.jobcenter_id, user.id);
            let (shown, limit) = match one {
                Some(group) => (vec![group], FOLLOW_UPS_PER_PAGE),
                None => (groups.to_vec(), FOLLOW_UPS_PER_GROUP),
            };
            let mut out = Vec::with_capacity(shown.len());
            for (key, title, from, to) in shown {
                let mut items = Activity::open_follow_ups(c, jc, uid, from, to, after, limit + 1)?;
                // Counted only when the group is longer than what is shown.
                let total = if items.len() as i64 > limit || after.is_some() {
                    items.truncate(limit as usize);
                    Activity::count_open_follow_ups(c, jc, uid, from, to)?
                } else {
                    items.len() as i64
                };
                out.push(FollowUpGroup {
                    key,
                    title,
                    total,
                    items,
                });
            }
            Ok((out, CalendarFeed::enabled_since(c, uid)?))
        })
        .await?;
    let page = Page::new(&req);
    match one {
        Some(_) => {
            let group = groups.into_iter().next().ok_or(AppError::NotFound)?;
            let next_url = (group.items.len() as i64 == FOLLOW_UPS_PER_PAGE)
                .then(|| group.items.last())
                .flatten()
                .map(|f| {
                    format!(
                        "/follow-ups?group={}&after={}.{}",
                        group.key, f.follow_up_on, f.activity_id
                    )
                });
            let first_url = after.map(|_| format!("/follow-ups?group={}", group.key));
            page.render(&state, |l| FollowUpGroupPage {
                l,
                group,
                next_url,
                first_url,
            })
        }
        None => page.render(&state, |l| FollowUpsPage {
            l,
            groups,
            feed_enabled: feed_since.is_some(),
        }),
    }
}

#[derive(askama::Template)]
#[template(path = "activities/follow_ups.html")]
struct FollowUpsPage {
    l: Layout,
    groups: Vec<FollowUpGroup>,
    feed_enabled: bool,
}

#[derive(askama::Template)]
#[template(path = "activities/follow_up_group.html")]
struct FollowUpGroupPage {
    l: Layout,
    group: FollowUpGroup,
    next_url: Option<String>,
    first_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneForm {
    done: String,
    /// Sent from the page of one group: back to that page.
    group: String,
}

/// Marks a follow-up done in one click (or open again).
#[post("/activities/{id:\\d+}/follow-up")]
pub async fn follow_up_done(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<DoneForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let activity = state
        .db
        .run(move |c| Ok(Activity::find(c, jc, id)?))
        .await?;
    may_change(&user, &activity)?;
    let done = form.done != "0";
    let actor = user.actor(&req, &state);
    state
        .write(actor, move |c, actor| {
            Activity::set_follow_up_done(c, jc, id, done, actor.now)?;
            let act = if done {
                action::FOLLOW_UP_DONE
            } else {
                action::FOLLOW_UP_REOPENED
            };
            actor.record(c, act, "activity", Some(id), String::new())?;
            Ok(())
        })
        .await??;
    let message = if done {
        "Opfølgningen er markeret som udført."
    } else {
        "Opfølgningen er åbnet igen."
    };
    let back = match follow_up_groups(today(&state))
        .iter()
        .find(|g| g.0 == form.group)
    {
        Some((key, ..)) => format!("/follow-ups?group={key}"),
        None => "/follow-ups".to_string(),
    };
    Ok(if done {
        redirect_with_undo(&state, &back, message, id)
    } else {
        redirect_with_flash(&state, &back, "ok", message)
    })
}

/// Turns the private calendar link on (or makes a new one) and shows it once.
#[post("/calendar-feed")]
pub async fn enable_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let actor = user.actor(&req, &state);
    let uid = user.id;
    let token = state
        .write(actor, move |c, actor| {
            let token = CalendarFeed::enable(c, uid, actor.now)?;
            actor.record(
                c,
                action::CALENDAR_FEED_ENABLED,
                "user",
                Some(uid),
                String::new(),
            )?;
            Ok(token)
        })
        .await??;
    let url = format!("{}/calendar/{token}.ics", state.config.base_url);
    Page::new(&req).render(&state, |l| CalendarFeedPage { l, url })
}

#[derive(askama::Template)]
#[template(path = "activities/calendar_feed.html")]
struct CalendarFeedPage {
    l: Layout,
    url: String,
}

#[post("/calendar-feed/revoke")]
pub async fn revoke_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let actor = user.actor(&req, &state);
    let uid = user.id;
    state
        .write(actor, move |c, actor| {
            CalendarFeed::revoke(c, uid)?;
            actor.record(
                c,
                action::CALENDAR_FEED_REVOKED,
                "user",
                Some(uid),
                String::new(),
            )?;
            Ok(())
        })
        .await??;
    Ok(redirect_with_flash(
        &state,
        "/follow-ups",
        "ok",
        "Kalenderlinket er slået fra. Den gamle adresse virker ikke længere.",
    ))
}

/// The follow-ups of the link's owner as iCalendar, all-day events. It carries the company name
/// and the follow-up note only.
#[get("/calendar/{token}.ics")]
pub async fn feed(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (jobcenter, items) = state
        .db
        .run(move |c| {
            let (uid, jc) = CalendarFeed::owner(c, &token)?.ok_or(AppError::NotFound)?;
            Ok((
                Jobcenter::find(c, jc)?,
                Activity::open_follow_ups(c, jc, uid, None, None, None, 1000)?,
            ))
        })
        .await?;
    let mut calendar = Calendar::new();
    calendar.name(&format!("Opfølgninger – {}", jobcenter.name));
    for f in &items {
        let mut event = Event::new();
        // An all-day event ends the next day (RFC 5545 3.6.1: DTEND is exclusive).
        event
            .uid(&format!("follow-up-{}@jobcenter-crm", f.activity_id))
            .summary(&format!("Opfølgning: {}", f.company_name))
            .starts(f.follow_up_on)
            .ends(f.follow_up_on + chrono::Days::new(1));
        if !f.note.is_empty() {
            event.description(&f.note);
        }
        calendar.push(event.done());
    }
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(calendar.done().to_string()))
}
