//! API tokens as people manage them: `/account/tokens` (one's own: make one, see it once,
//! revoke it) and `/admin/tokens` (administrators: every token of the jobcenter, revocable).

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::AppState;
use super::auth::{Admin, CurrentUser};
use super::forms::Refused;
use super::views::{Choice, Layout, Page, filters, redirect_with_flash};
use crate::error::AppError;
use crate::models::api_token::{ApiToken, TokenForm, TokenRow};
use crate::models::audit::action;

#[derive(askama::Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    l: Layout,
    tokens: Vec<ApiToken>,
    form: TokenForm,
    scopes: Vec<Choice>,
    /// A token made just now, shown this once.
    created: Option<(String, String)>,
    now: chrono::NaiveDateTime,
}

fn scopes() -> Vec<Choice> {
    [("read", "Kun læse"), ("write", "Læse og skrive")]
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).into(),
            label: (*label).into(),
        })
        .collect()
}

async fn tokens_page(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    form: TokenForm,
    created: Option<(String, String)>,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let (jc, uid) = (user.jobcenter_id, user.id);
    let tokens = state
        .db
        .run(move |c| Ok(ApiToken::of_user(c, jc, uid)?))
        .await?;
    Page::new(req)
        .refused(&refused)
        .render(state, |l| TokensPage {
            l,
            tokens,
            form,
            scopes: scopes(),
            created,
            now: state.now(),
        })
}

#[get("/account/tokens")]
pub async fn own(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let today = super::views::local_date(state.now());
    let form = TokenForm {
        scope: "read".into(),
        expires_on: (today + chrono::Duration::days(90)).to_string(),
        ..Default::default()
    };
    tokens_page(&req, &state, &user, form, None, Refused::none()).await
}

/// Makes a token and shows it once, on this answer only (it is not kept anywhere readable).
#[post("/account/tokens")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let today = super::views::local_date(state.now());
    let input = match form.validate(today) {
        Ok(input) => input,
        Err(errors) => {
            return tokens_page(&req, &state, &user, form, None, Refused::invalid(errors)).await;
        }
    };
    let actor = user.actor(&req, &state);
    let result = state
        .write(actor, move |c, actor| {
            let (token, secret) =
                ApiToken::create(c, actor.jobcenter_id, actor.user_id, &input, actor.now)?;
            actor.record(
                c,
                action::API_TOKEN_CREATED,
                "api_token",
                Some(token.id),
                format!("«{}», {}", token.name, token.scope_label().to_lowercase()),
            )?;
            Ok((token, secret))
        })
        .await?;
    match result {
        Ok((token, secret)) => {
            let fresh = TokenForm {
                scope: "read".into(),
                expires_on: (today + chrono::Duration::days(90)).to_string(),
                ..Default::default()
            };
            let created = Some((token.name, secret));
            tokens_page(&req, &state, &user, fresh, created, Refused::none()).await
        }
        Err(refused) => tokens_page(&req, &state, &user, form, None, refused).await,
    }
}

#[post("/account/tokens/{id:\\d+}/revoke")]
pub async fn revoke_own(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    revoke(&req, &state, &user, path.into_inner(), Some(user.id)).await?;
    Ok(redirect_with_flash(
        &state,
        "/account/tokens",
        "ok",
        "Nøglen er tilbagekaldt og virker ikke længere.",
    ))
}

async fn revoke(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    owner: Option<i64>,
) -> Result<(), AppError> {
    let actor = user.actor(req, state);
    state
        .write(actor, move |c, actor| {
            let token = ApiToken::revoke(c, actor.jobcenter_id, id, owner, actor.now)?;
            actor.record(
                c,
                action::API_TOKEN_REVOKED,
                "api_token",
                Some(id),
                format!("«{}»", token.name),
            )?;
            Ok(())
        })
        .await??;
    Ok(())
}

#[derive(askama::Template)]
#[template(path = "admin/tokens.html")]
struct AdminTokensPage {
    l: Layout,
    rows: Vec<TokenRow>,
    now: chrono::NaiveDateTime,
}

#[get("/admin/tokens")]
pub async fn all(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
) -> Result<HttpResponse, AppError> {
    let jc = user.jobcenter_id;
    let rows = state
        .db
        .run(move |c| Ok(ApiToken::of_jobcenter(c, jc)?))
        .await?;
    Page::new(&req).render(&state, |l| AdminTokensPage {
        l,
        rows,
        now: state.now(),
    })
}

#[post("/admin/tokens/{id:\\d+}/revoke")]
pub async fn revoke_any(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Admin,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    revoke(&req, &state, &user, path.into_inner(), None).await?;
    Ok(redirect_with_flash(
        &state,
        "/admin/tokens",
        "ok",
        "Nøglen er tilbagekaldt og virker ikke længere.",
    ))
}
