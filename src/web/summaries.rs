//! "Send opsummering til virksomheden": after a visit, meeting or call, a consultant sends the
//! company a written summary, prefilled from the jobcenter's own text and edited before it goes
//! (`models::visit_summary`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::CurrentUser;
use super::forms::Refused;
use super::views::{Layout, Page, filters, redirect_with_flash};
use crate::error::AppError;
use crate::models::activity::Activity;
use crate::models::audit::action;
use crate::models::company::Company;
use crate::models::contact_person::ContactPerson;
use crate::models::user::User;
use crate::models::visit_summary::{SummaryForm, VisitSummary, can_summarise};

#[derive(askama::Template)]
#[template(path = "activities/summary.html")]
struct SummaryPage {
    l: Layout,
    activity: Activity,
    company: Company,
    /// Contact persons with an e-mail, to choose from.
    recipients: Vec<ContactPerson>,
    form: SummaryForm,
}

/// The activity and its company, if a summary can be sent of it.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(Activity, Company, Vec<ContactPerson>), AppError> {
    let jc = user.jobcenter_id;
    let (activity, company, contacts) = state
        .db
        .read(move |c| {
            let activity = Activity::find(c, jc, id)?;
            let company = Company::find(c, jc, activity.company_id)?;
            let contacts = ContactPerson::current(c, jc, activity.company_id)?;
            Ok((activity, company, contacts))
        })
        .await?;
    if !can_summarise(activity.kind) {
        return Err(AppError::NotFound);
    }
    Ok((activity, company, contacts))
}

fn page(
    req: &HttpRequest,
    state: &AppState,
    (activity, company, contacts): (Activity, Company, Vec<ContactPerson>),
    form: SummaryForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let recipients = contacts
        .into_iter()
        .filter(|p| !p.email.is_empty())
        .collect();
    Page::new(req)
        .refused(&refused)
        .render(state, |l| SummaryPage {
            l,
            activity,
            company,
            recipients,
            form,
        })
}

#[get("/activities/{id:\\d+}/summary")]
pub async fn summary_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let loaded = load(&state, &user, path.into_inner()).await?;
    let (activity, company) = (loaded.0.clone(), loaded.1.clone());
    let (jc, uid, jobcenter) = (user.jobcenter_id, user.id, user.entry.name.clone());
    let form = state
        .db
        .read(move |c| {
            let sender = User::find(c, jc, uid)?;
            Ok(SummaryForm::prefilled(
                c,
                &activity,
                &company.name,
                &sender,
                &jobcenter,
            )?)
        })
        .await?;
    page(&req, &state, loaded, form, Refused::none())
}

#[post("/activities/{id:\\d+}/summary")]
pub async fn send_summary(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<SummaryForm>,
) -> Result<HttpResponse, AppError> {
    let loaded = load(&state, &user, path.into_inner()).await?;
    let form = form.into_inner();
    let input = match form.validate(&loaded.2) {
        Ok(input) => input,
        Err(errors) => return page(&req, &state, loaded, form, Refused::invalid(errors)),
    };
    let activity = loaded.0.clone();
    let company_id = activity.company_id;
    let to = input.to_address.clone();
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            VisitSummary::send(c, &activity, actor.user_id, &input, actor.now)?;
            actor.record(
                c,
                action::SUMMARY_SENT,
                "activity",
                Some(activity.id),
                format!("til {}", input.to_address),
            )?;
            Ok(())
        })
        .await?;
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/companies/{company_id}"),
            "ok",
            &format!("Opsummeringen sendes til {to}."),
        )),
        Err(refused) => page(&req, &state, loaded, form, refused),
    }
}
