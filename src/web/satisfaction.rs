//! The company's answer to a satisfaction mail (`/tilfredshed/{token}`): no sign-in, the public
//! form's plain layout, one question and an optional comment. The link takes one answer; a used,
//! expired or unknown link answers with its own page, never a staff error page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::csrf_token;
use super::views::{FieldErrors, html_response};
use crate::error::AppError;
use crate::models::jobcenter::Jobcenter;
use crate::models::satisfaction::{AnswerForm, Closed, SCORES, Survey};
use crate::models::settings::{EntryPoint, Settings};

#[derive(askama::Template)]
#[template(path = "satisfaction/form.html")]
struct FormPage<'a> {
    jobcenter_name: Option<&'a str>,
    entry: Option<EntryPoint>,
    csrf_token: String,
    action: String,
    company_name: &'a str,
    scores: &'static [(i32, &'static str)],
    form: &'a AnswerForm,
    errors: FieldErrors,
}

impl FormPage<'_> {
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// Thanks, or why the link takes no answer.
#[derive(askama::Template)]
#[template(path = "satisfaction/done.html")]
struct DonePage<'a> {
    jobcenter_name: Option<&'a str>,
    entry: Option<EntryPoint>,
    title: &'a str,
    text: &'a str,
}

/// The jobcenter of a survey and its entry point, for the page's name and footer.
async fn entry_of(state: &AppState, jobcenter_id: i64) -> Result<(String, EntryPoint), AppError> {
    state
        .db
        .run(move |c| {
            let jobcenter = Jobcenter::find(c, jobcenter_id)?;
            let entry = Settings::get(c, jobcenter_id)?.entry_point(&jobcenter.name);
            Ok((jobcenter.name, entry))
        })
        .await
}

/// The page of a link that takes no answer: 404 for a link never issued, 410 for one used or
/// expired.
fn closed_page(closed: Closed) -> Result<HttpResponse, AppError> {
    let (status, title, text) = match closed {
        Closed::Unknown => (
            StatusCode::NOT_FOUND,
            "Linket virker ikke",
            "Vi kan ikke finde spørgeskemaet. Tjek, at hele linket fra mailen er kommet med.",
        ),
        Closed::Answered => (
            StatusCode::GONE,
            "I har allerede svaret",
            "Linket kan kun bruges én gang, og der er allerede svaret. Tak for hjælpen.",
        ),
        Closed::Expired => (
            StatusCode::GONE,
            "Linket er udløbet",
            "Linket virker i 30 dage, og den tid er gået. Tak, fordi I ville svare.",
        ),
    };
    html_response(
        status,
        &DonePage {
            jobcenter_name: None,
            entry: None,
            title,
            text,
        },
    )
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    survey: &Survey,
    token: &str,
    form: &AnswerForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (name, entry) = entry_of(state, survey.jobcenter_id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_response(
        status,
        &FormPage {
            jobcenter_name: Some(&name),
            entry: Some(entry),
            csrf_token: csrf_token(req),
            action: format!("/tilfredshed/{token}"),
            company_name: &survey.company_name,
            scores: &SCORES,
            form,
            errors,
        },
    )
}

#[get("/tilfredshed/{token}")]
pub async fn question(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (t, now) = (token.clone(), state.now());
    let survey = state
        .db
        .run(move |c| Ok(Survey::by_token(c, &t, now)?))
        .await?;
    match survey {
        Ok(survey) => {
            form_page(
                &req,
                &state,
                &survey,
                &token,
                &AnswerForm::default(),
                FieldErrors::new(),
            )
            .await
        }
        Err(closed) => closed_page(closed),
    }
}

#[post("/tilfredshed/{token}")]
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let (token, form) = (path.into_inner(), form.into_inner());
    let now = state.now();
    let answer = match form.validate() {
        Ok(answer) => answer,
        Err(errors) => {
            let t = token.clone();
            let survey = state
                .db
                .run(move |c| Ok(Survey::by_token(c, &t, now)?))
                .await?;
            return match survey {
                Ok(survey) => form_page(&req, &state, &survey, &token, &form, errors).await,
                Err(closed) => closed_page(closed),
            };
        }
    };
    let t = token.clone();
    let a = answer.clone();
    let taken = state
        .db
        .run(move |c| Ok(Survey::answer(c, &t, &a, now)?))
        .await?;
    let survey = match taken {
        Ok(survey) => survey,
        Err(closed) => return closed_page(closed),
    };
    let (name, entry) = entry_of(&state, survey.jobcenter_id).await?;
    let text = match (answer.score.is_some(), answer.no_more) {
        (true, true) => "Vi har fået jeres svar, og vi spørger ikke igen.",
        (true, false) => "Vi har fået jeres svar. Det hjælper os til at blive bedre.",
        _ => "Vi spørger ikke igen.",
    };
    html_response(
        StatusCode::OK,
        &DonePage {
            jobcenter_name: Some(&name),
            entry: Some(entry),
            title: "Tak for svaret",
            text,
        },
    )
}
