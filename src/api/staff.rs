//! `/api/v1/staff`: the jobcenter's staff, read-only (names, roles and contact details, as the
//! pages show them to colleagues; never password or sign-in data).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiError, ApiUser};
use crate::models::user::User;
use crate::web::AppState;

/// A member of staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffOut {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    /// reader ("Læseadgang": may only look), consultant, manager or admin.
    pub role: String,
    /// A deactivated member of staff can no longer sign in (their history stays theirs).
    pub active: bool,
}

impl From<User> for StaffOut {
    fn from(u: User) -> Self {
        StaffOut {
            id: u.id,
            name: u.name,
            email: u.email,
            phone: u.phone,
            title: u.title,
            role: u.role.as_str().into(),
            active: u.active,
        }
    }
}

/// Everyone of the jobcenter, by name (a jobcenter has tens, so there is one page).
#[utoipa::path(operation_id = "staff_list", tag = "Medarbejdere", responses((status = 200, body = Vec<StaffOut>)))]
#[get("/staff")]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let jc = user.jobcenter_id;
    let staff = state.db.run(move |c| Ok(User::list(c, jc)?)).await?;
    let out: Vec<StaffOut> = staff.into_iter().map(StaffOut::from).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// One member of staff.
#[utoipa::path(
    operation_id = "staff_get",
    tag = "Medarbejdere",
    params(("id" = i64, Path, description = "The staff member's id")),
    responses((status = 200, body = StaffOut), (status = 404, body = super::Problem))
)]
#[get("/staff/{id:\\d+}")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (jc, id) = (user.jobcenter_id, path.into_inner());
    let u = state.db.run(move |c| Ok(User::find(c, jc, id)?)).await?;
    Ok(HttpResponse::Ok().json(StaffOut::from(u)))
}
