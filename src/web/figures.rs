//! Benchmark and DI (/figures): the figures the CRM cannot count, entered by hand or imported
//! from the ministry's table. Everyone reads them; managers change them.

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::{Manager, Viewer};
use super::forms::{Refused, back_with_message};
use super::views::{Layout, Page, redirect_with_flash};
use crate::error::AppError;
use crate::models::audit::action;
use crate::models::external_figures::{
    BenchmarkFigure, BenchmarkForm, BenchmarkInput, DiForm, DiRanking, ImportCheck, check_import,
};
use crate::models::placement::format_hours;

fn number(v: &Option<f64>) -> String {
    v.map_or_else(
        || "–".into(),
        |v| super::dashboard::thousands(v.round() as i64),
    )
}

#[get("/figures")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Viewer,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let (benchmark, di) = state
        .db
        .run(move |c| Ok((BenchmarkFigure::list(c, jc)?, DiRanking::list(c, jc)?)))
        .await?;
    let is_manager = user.is_manager();
    Page::new(&req).render(&state, |l| FiguresPage {
        l,
        benchmark,
        di,
        is_manager,
    })
}

#[derive(askama::Template)]
#[template(path = "figures/list.html")]
struct FiguresPage {
    l: Layout,
    benchmark: Vec<BenchmarkFigure>,
    di: Vec<DiRanking>,
    is_manager: bool,
}

impl FiguresPage {
    fn number(&self, v: &Option<f64>) -> String {
        number(v)
    }

    fn rank(&self, v: &Option<i32>) -> String {
        v.map_or_else(|| "–".into(), |r| r.to_string())
    }
}

fn benchmark_form(
    req: &HttpRequest,
    state: &AppState,
    id: Option<i64>,
    form: BenchmarkForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let duplicate_of = refused.duplicate_of;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| BenchmarkFormPage {
            l,
            id,
            form,
            duplicate_of,
        })
}

#[derive(askama::Template)]
#[template(path = "figures/benchmark_form.html")]
struct BenchmarkFormPage {
    l: Layout,
    id: Option<i64>,
    form: BenchmarkForm,
    duplicate_of: Option<i64>,
}

fn benchmark_details(f: &BenchmarkFigure) -> String {
    if f.measured {
        format!(
            "{}: forventet {}, faktisk {}, placering {}",
            f.period_label(),
            f.expected.map(format_hours).unwrap_or_default(),
            f.actual.map(format_hours).unwrap_or_default(),
            f.rank.map(|r| r.to_string()).unwrap_or_default()
        )
    } else {
        format!("{}: {}", f.period_label(), f.note)
    }
}

#[get("/figures/benchmark/new")]
pub async fn benchmark_new(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: Manager,
) -> Result<HttpResponse, AppError> {
    benchmark_form(
        &req,
        &state,
        None,
        BenchmarkForm::default(),
        Refused::none(),
    )
}

#[post("/figures/benchmark")]
pub async fn benchmark_create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: web::Form<BenchmarkForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return benchmark_form(&req, &state, None, form, Refused::invalid(errors)),
    };
    let jc = user.jobcenter_id;
    let result = state
        .write(user.actor(&req, &state), move |c, actor| {
            let f = BenchmarkFigure::create(c, jc, &input, actor.now)?;
            actor.record(
                c,
                action::BENCHMARK_SAVED,
                "benchmark",
                Some(f.id),
                benchmark_details(&f),
            )?;
            Ok(f)
        })
        .await?;
    match result {
        Ok(f) => Ok(redirect_with_flash(
            &state,
            "/figures",
            "ok",
            &format!("Benchmarktallene for {} er gemt.", f.period_label()),
        )),
        Err(refused) => benchmark_form(&req, &state, None, form, refused),
    }
}

#[get("/figures/benchmark/{id:\\d+}/edit")]
pub async fn benchmark_edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let f = state
        .db
        .run(move |c| Ok(BenchmarkFigure::find(c, jc, id)?))
        .await?;
    benchmark_form(
        &req,
        &state,
        Some(id),
        BenchmarkForm::from_figure(&f),
        Refused::none(),
    )
}

#[post("/figures/benchmark/{id:\\d+}/edit")]
pub async fn benchmark_update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: web::Form<BenchmarkForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    state
        .db
        .run(move |c| Ok(BenchmarkFigure::find(c, jc, id)?))
        .await?;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            return benchmark_form(&req, &state, Some(id), form, Refused::invalid(errors));
        }
    };
    let version = form.version.trim().parse::<i32>().unwrap_or(-1);
    let result = state
        .write(user.actor(&req, &state), move |c, actor| {
            let f = BenchmarkFigure::update(c, jc, id, version, &input, actor.now)?;
            actor.record(
                c,
                action::BENCHMARK_SAVED,
                "benchmark",
                Some(id),
                benchmark_details(&f),
            )?;
            Ok(f)
        })
        .await?;
    match result {
        Ok(f) => Ok(redirect_with_flash(
            &state,
            "/figures",
            "ok",
            &format!("Benchmarktallene for {} er gemt.", f.period_label()),
        )),
        Err(refused) => benchmark_form(&req, &state, Some(id), form, refused),
    }
}

#[post("/figures/benchmark/{id:\\d+}/delete")]
pub async fn benchmark_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let outcome = state
        .write(user.actor(&req, &state), move |c, actor| {
            let f = BenchmarkFigure::delete(c, jc, id)?;
            actor.record(
                c,
                action::BENCHMARK_DELETED,
                "benchmark",
                Some(id),
                benchmark_details(&f),
            )?;
            Ok(f)
        })
        .await?;
    Ok(back_with_message(&state, "/figures", outcome, |f| {
        format!("Benchmarktallene for {} er slettet.", f.period_label())
    }))
}

#[derive(askama::Template)]
#[template(path = "figures/import.html")]
struct ImportPage {
    l: Layout,
    text: String,
    problems: Vec<String>,
}

#[get("/figures/benchmark/import")]
pub async fn import_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: Manager,
) -> Result<HttpResponse, AppError> {
    Page::new(&req).render(&state, |l| ImportPage {
        l,
        text: String::new(),
        problems: Vec::new(),
    })
}

#[derive(MultipartForm)]
pub struct BenchmarkUpload {
    #[multipart(limit = "1MiB")]
    file: Option<Bytes>,
    #[multipart(limit = "1MiB")]
    text: Option<Text<String>>,
}

/// Reads a benchmark table from a CSV file or from text pasted into the form; saves it only
/// when every line is good, else shows every bad line.
#[post("/figures/benchmark/import")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: Result<MultipartForm<BenchmarkUpload>, actix_web::Error>,
) -> Result<HttpResponse, AppError> {
    let refuse = |text: String, problems: Vec<String>| {
        let errors = crate::models::FieldErrors::from([("file", problems[0].clone())]);
        Page::new(&req)
            .invalid(&errors)
            .render(&state, |l| ImportPage { l, text, problems })
    };
    let Ok(MultipartForm(form)) = form else {
        return refuse(
            String::new(),
            vec!["Filen kunne ikke læses. Vælg en CSV-fil på højst 1 MB.".into()],
        );
    };
    let text = form.text.map(|t| t.0).unwrap_or_default();
    let bytes: Vec<u8> = match form.file.filter(|f| !f.data.is_empty()) {
        Some(file) => file.data.to_vec(),
        None => text.clone().into_bytes(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return refuse(text, vec!["Vælg en CSV-fil eller indsæt tabellen.".into()]);
    }
    let inputs: Vec<BenchmarkInput> = match check_import(&bytes) {
        ImportCheck::Good(inputs) => inputs,
        ImportCheck::Bad(problems) => return refuse(text, problems),
    };
    let jc = user.jobcenter_id;
    let outcome = state
        .write(user.actor(&req, &state), move |c, actor| {
            let saved = BenchmarkFigure::import(c, jc, &inputs, actor.now)?;
            let periods: Vec<String> = inputs.iter().map(|i| i.period.label()).collect();
            actor.record(
                c,
                action::BENCHMARK_IMPORTED,
                "benchmark",
                None,
                format!("{saved} perioder: {}", periods.join(", ")),
            )?;
            Ok(saved)
        })
        .await?;
    Ok(back_with_message(&state, "/figures", outcome, |n| {
        format!("{n} perioder med benchmarktal er indlæst.")
    }))
}

fn di_form(
    req: &HttpRequest,
    state: &AppState,
    id: Option<i64>,
    form: DiForm,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let duplicate_of = refused.duplicate_of;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| DiFormPage {
            l,
            id,
            form,
            duplicate_of,
        })
}

#[derive(askama::Template)]
#[template(path = "figures/di_form.html")]
struct DiFormPage {
    l: Layout,
    id: Option<i64>,
    form: DiForm,
    duplicate_of: Option<i64>,
}

fn di_details(r: &DiRanking) -> String {
    let s = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
    format!(
        "{}: samlet {}, arbejdskraft {}, samarbejde med jobcentret {}",
        r.year,
        s(r.overall_rank),
        s(r.workforce_rank),
        s(r.cooperation_rank)
    )
}

#[get("/figures/di/new")]
pub async fn di_new(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: Manager,
) -> Result<HttpResponse, AppError> {
    di_form(&req, &state, None, DiForm::default(), Refused::none())
}

#[post("/figures/di")]
pub async fn di_create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    form: web::Form<DiForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return di_form(&req, &state, None, form, Refused::invalid(errors)),
    };
    let jc = user.jobcenter_id;
    let result = state
        .write(user.actor(&req, &state), move |c, actor| {
            let r = DiRanking::create(c, jc, &input, actor.now)?;
            actor.record(
                c,
                action::DI_RANKING_SAVED,
                "di_ranking",
                Some(r.id),
                di_details(&r),
            )?;
            Ok(r)
        })
        .await?;
    match result {
        Ok(r) => Ok(redirect_with_flash(
            &state,
            "/figures",
            "ok",
            &format!("DI-placeringerne for {} er gemt.", r.year),
        )),
        Err(refused) => di_form(&req, &state, None, form, refused),
    }
}

#[get("/figures/di/{id:\\d+}/edit")]
pub async fn di_edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let r = state
        .db
        .run(move |c| Ok(DiRanking::find(c, jc, id)?))
        .await?;
    di_form(
        &req,
        &state,
        Some(id),
        DiForm::from_ranking(&r),
        Refused::none(),
    )
}

#[post("/figures/di/{id:\\d+}/edit")]
pub async fn di_update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
    form: web::Form<DiForm>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    state
        .db
        .run(move |c| Ok(DiRanking::find(c, jc, id)?))
        .await?;
    let form = form.into_inner();
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => return di_form(&req, &state, Some(id), form, Refused::invalid(errors)),
    };
    let version = form.version.trim().parse::<i32>().unwrap_or(-1);
    let result = state
        .write(user.actor(&req, &state), move |c, actor| {
            let r = DiRanking::update(c, jc, id, version, &input, actor.now)?;
            actor.record(
                c,
                action::DI_RANKING_SAVED,
                "di_ranking",
                Some(id),
                di_details(&r),
            )?;
            Ok(r)
        })
        .await?;
    match result {
        Ok(r) => Ok(redirect_with_flash(
            &state,
            "/figures",
            "ok",
            &format!("DI-placeringerne for {} er gemt.", r.year),
        )),
        Err(refused) => di_form(&req, &state, Some(id), form, refused),
    }
}

#[post("/figures/di/{id:\\d+}/delete")]
pub async fn di_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Manager,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, jc) = (path.into_inner(), user.jobcenter_id);
    let outcome = state
        .write(user.actor(&req, &state), move |c, actor| {
            let r = DiRanking::delete(c, jc, id)?;
            actor.record(
                c,
                action::DI_RANKING_DELETED,
                "di_ranking",
                Some(id),
                di_details(&r),
            )?;
            Ok(r)
        })
        .await?;
    Ok(back_with_message(&state, "/figures", outcome, |r| {
        format!("DI-placeringerne for {} er slettet.", r.year)
    }))
}
