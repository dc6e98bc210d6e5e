//! The log of who looked at what: written by the pages that show personal data, searched and
//! exported by admins (`/admin/access-log`), and turned into a data subject's disclosure (the
//! dates and purposes of the look-ups at one record, without staff names).

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;

use super::AppState;
use super::auth::{Admin, CurrentUser};
use super::security::is_head;
use super::views::{Choice, Layout, Page, csv_response, filters};
use crate::domain::{csv_io, dates};
use crate::error::AppError;
use crate::models::access_log::{
    Access, AccessEntity, AccessFilter, AccessKind, AccessLog, AccessRow,
};
use crate::models::user::User;

/// Writes one look at personal data, after the page has read it and before it is shown.
pub async fn record(
    state: &AppState,
    user: &CurrentUser,
    kind: AccessKind,
    entity: Option<(AccessEntity, i64)>,
    query: impl Into<String>,
) -> Result<(), AppError> {
    record_as(state, (user.jobcenter_id, user.id), kind, entity, query).await
}

/// [`record`] for a (jobcenter id, user id) that is not a page's user (an API token's owner).
pub async fn record_as(
    state: &AppState,
    (jc, uid): (i64, i64),
    kind: AccessKind,
    entity: Option<(AccessEntity, i64)>,
    query: impl Into<String>,
) -> Result<(), AppError> {
    let (query, now) = (query.into(), state.now());
    state
        .db
        .run(move |c| {
            Access {
                jobcenter_id: jc,
                user_id: uid,
                kind,
                entity,
                query: &query,
            }
            .record(c, now)?;
            Ok(())
        })
        .await
}

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct LogQuery {
    /// A member of staff's id, or empty.
    person: String,
    /// An [`AccessEntity`], or empty.
    entity: String,
    /// The record's number.
    id: String,
    /// "1": the data subject's disclosure (dates and purposes, no staff names).
    disclosure: String,
    #[serde(skip_serializing)]
    before: Option<i64>,
}

impl LogQuery {
    fn filter(&self) -> AccessFilter {
        let entity = AccessEntity::parse(&self.entity).zip(self.id.trim().parse::<i64>().ok());
        AccessFilter {
            user_id: self.person.trim().parse().ok(),
            entity,
        }
    }

    /// A disclosure is about one record.
    fn disclosure(&self) -> bool {
        self.disclosure == "1" && self.filter().entity.is_some()
    }

    fn query_string(&self) -> String {
        serde_html_form::to_string(self).unwrap_or_default()
    }
}

/// What a look was for, as a disclosure tells the person it was about.
fn purpose(row: &AccessRow) -> String {
    let what = row.entity.map(|e| e.label().to_lowercase());
    match (row.kind, what) {
        (AccessKind::View, Some(what)) => format!("Sagsbehandling: {what} vist"),
        (AccessKind::Search, _) => "Sagsbehandling: søgning".to_string(),
        (AccessKind::Export, _) => "Udtræk til sagsbehandling".to_string(),
        (AccessKind::View, None) => "Sagsbehandling".to_string(),
    }
}

const PAGE_SIZE: i64 = 50;
/// Rows in one export.
const EXPORT_LIMIT: i64 = 10_000;

#[derive(askama::Template)]
#[template(path = "admin/access_log.html")]
struct LogPage {
    l: Layout,
    rows: Vec<AccessRow>,
    params: LogQuery,
    disclosure: bool,
    staff: Vec<Choice>,
    entities: Vec<Choice>,
    next_url: Option<String>,
    export_url: String,
}

impl LogPage {
    fn purpose(&self, row: &AccessRow) -> String {
        purpose(row)
    }
}

#[get("/admin/access-log")]
pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_inner();
    let (jc, filter, before) = (user.jobcenter_id, params.filter(), params.before);
    let (mut rows, roster) = state
        .db
        .run(move |c| {
            Ok((
                AccessLog::page(c, jc, filter, before, PAGE_SIZE + 1)?,
                User::roster(c, jc)?,
            ))
        })
        .await?;
    let next_url = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        let last = rows.last().map_or(0, |r| r.id);
        format!("/admin/access-log?{}&before={last}", params.query_string())
    });
    let export_url = format!("/admin/access-log.csv?{}", params.query_string());
    // Everyone who may have looked: the active staff (readers too), then the deactivated.
    let staff = (roster.iter().filter(|u| u.active))
        .chain(roster.iter().filter(|u| !u.active))
        .map(|u| Choice {
            value: u.id.to_string(),
            label: if u.active {
                u.name.clone()
            } else {
                format!("{} (deaktiveret)", u.name)
            },
        })
        .collect();
    Page::new(&req).render(&state, |l| LogPage {
        l,
        rows,
        disclosure: params.disclosure(),
        params,
        staff,
        entities: AccessEntity::choices(),
        next_url,
        export_url,
    })
}

/// The log as CSV, as searched; a disclosure leaves out who looked.
#[get("/admin/access-log.csv")]
pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_inner();
    let disclosure = params.disclosure();
    let filename = if disclosure {
        "indsigt.csv".to_string()
    } else {
        format!(
            "opslag-{}.csv",
            dates::local_date(state.now()).format("%Y-%m-%d")
        )
    };
    if is_head(&req) {
        return Ok(csv_response(filename, Vec::new()));
    }
    let (jc, filter) = (user.jobcenter_id, params.filter());
    let rows = state
        .db
        .run(move |c| Ok(AccessLog::page(c, jc, filter, None, EXPORT_LIMIT)?))
        .await?;
    let when = |r: &AccessRow| super::views::dk_datetime(r.accessed_at);
    let csv = if disclosure {
        csv_io::write_excel_csv(
            &["Tidspunkt", "Formål"],
            rows.iter().map(|r| vec![when(r), purpose(r)]),
        )
    } else {
        csv_io::write_excel_csv(
            &[
                "Tidspunkt",
                "Medarbejder",
                "Handling",
                "Oplysning",
                "Nummer",
                "Søgning",
            ],
            rows.iter().map(|r| {
                vec![
                    when(r),
                    r.user_name.clone().unwrap_or_default(),
                    r.kind.label().to_string(),
                    r.entity.map(|e| e.label().to_string()).unwrap_or_default(),
                    r.entity_id.map(|id| id.to_string()).unwrap_or_default(),
                    r.query.clone(),
                ]
            }),
        )
    };
    Ok(csv_response(filename, csv))
}
