//! Typed text is never lost to a timeout. A form sent after its session ended (the idle
//! timeout, or signing out in another tab) is kept server-side for the session's owner
//! (`models::kept_form`), and the browser gets a cookie with a random key to it. After signing
//! in again, the page the form was on comes back with the form filled in as it was sent: the
//! page's own HTML is rewritten (lol_html), so every form of the app gets this without a line
//! in its handler. A kept form whose page no longer has it is offered to send again.
//!
//! Also the session's own endpoints for the page script that warns before the idle timeout
//! (WCAG 2.2.1): how long is left (read only), and "stay signed in".

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, element, rewrite_str};

use super::AppState;
use super::auth::{self, CurrentUser};
use crate::crypto;
use crate::error::AppError;
use crate::models::kept_form::{KEPT_FOR, KeptForm};
use crate::models::session::Session;

/// The body of a URL-encoded form as `csrf_guard` read it, for keeping when its session has
/// ended.
pub struct SentForm(pub web::Bytes);

/// Keeps a form answered with "sign in again" (its session ended), and puts kept forms back
/// on their page once their owner is signed in again in this browser.
pub async fn keep_and_restore(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let state = auth::state(req.request())?;
    let cookie_name = state.cookie_names().kept;
    let browser_key = req.cookie(cookie_name).map(|c| c.value().to_string());
    let is_get = req.method() == Method::GET;
    let mut res = next.call(req).await?;

    if let Some(page) = ended_session_page(&res) {
        let key = browser_key.unwrap_or_else(crypto::random_token);
        if keep(&state, res.request(), &key, page).await? {
            res.response_mut().add_cookie(&kept_cookie(&state, key))?;
        }
        return Ok(res.map_into_left_body());
    }

    let html = res.status() == StatusCode::OK
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"));
    let user = res.request().extensions().get::<CurrentUser>().cloned();
    let (Some(key), Some(user), true, true) = (browser_key, user, is_get, html) else {
        return Ok(res.map_into_left_body());
    };
    let now = state.now();
    let k = key;
    let kept = state
        .db
        .read(move |c| Ok(KeptForm::of_browser(c, &k, now)?))
        .await?;
    if kept.is_empty() {
        // Nothing (left) in this browser: the cookie has done its work.
        res.response_mut()
            .add_cookie(&auth::removal_cookie(&state, cookie_name))?;
        return Ok(res.map_into_left_body());
    }
    // Only its owner gets a kept form back; another user signed in here sees nothing of it.
    let kept: Vec<KeptForm> = kept.into_iter().filter(|k| k.user_id == user.id).collect();
    if kept.is_empty() {
        return Ok(res.map_into_left_body());
    }
    let page = res
        .request()
        .uri()
        .path_and_query()
        .map_or_else(String::new, |p| p.to_string());
    let csrf = auth::csrf_token(res.request());
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| AppError::internal("page body unreadable"))?;
    let mut html = String::from_utf8_lossy(&body).into_owned();
    let (here, elsewhere): (Vec<KeptForm>, Vec<KeptForm>) =
        kept.into_iter().partition(|k| k.page == page);
    let mut resend = Vec::new();
    for form in &here {
        match put_back(&html, form) {
            Some(filled) => html = filled,
            None => resend.push(Resend::of(form)),
        }
    }
    if !resend.is_empty() || !elsewhere.is_empty() {
        let notice = UnsentNotice {
            csrf_token: &csrf,
            resend: &resend,
            elsewhere: &elsewhere,
        }
        .render()
        .map_err(AppError::internal)?;
        html = prepend_to_main(&html, &notice);
    }
    if !here.is_empty() {
        let ids: Vec<i64> = here.iter().map(|k| k.id).collect();
        state
            .db
            .run(move |c| Ok(KeptForm::forget(c, &ids)?))
            .await?;
    }
    let res = res.set_body(BoxBody::new(html));
    Ok(ServiceResponse::new(req, res).map_into_right_body())
}

/// The page to come back to, when `res` sends a form's sender to sign in again because the
/// session it was sent with has ended.
fn ended_session_page<B>(res: &ServiceResponse<B>) -> Option<String> {
    let error = res.response().error()?.as_error::<AppError>()?;
    match error {
        AppError::Unauthenticated {
            next,
            expired: true,
        } if res.request().method() == Method::POST && res.request().path() != "/logout" => {
            Some(next.clone())
        }
        _ => None,
    }
}

/// A form sent with a form token that no longer matches the session: the session the page
/// was loaded with ended, and its user signed in again in another tab. When `token` is the one
/// of another session of the same user, the form is kept for them like a late one, and the
/// browser is sent back to the page the form was on, where it comes back filled in. None when
/// it cannot be (a token of no session of theirs, not a URL-encoded form from one of our
/// pages): the request is refused as before.
pub async fn keep_stale(
    state: &AppState,
    req: &ServiceRequest,
    token: &str,
) -> Result<Option<HttpResponse>, AppError> {
    let page = auth::same_site_referer(req.request());
    let (Some(page), Some(session), Method::POST) = (
        page,
        auth::current_session_id(req.request()),
        req.method().clone(),
    ) else {
        return Ok(None);
    };
    let others = state
        .db
        .read(move |c| Ok(Session::others_of_owner(c, &session)?))
        .await?;
    let theirs = others
        .iter()
        .any(|id| state.keys.verify_csrf(&auth::session_binding(id), token));
    if !theirs {
        return Ok(None);
    }
    let key = req
        .cookie(state.cookie_names().kept)
        .map_or_else(crypto::random_token, |c| c.value().to_string());
    if !keep(state, req.request(), &key, page.clone()).await? {
        return Ok(None);
    }
    Ok(Some(
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, page))
            .cookie(kept_cookie(state, key))
            .finish(),
    ))
}

/// The cookie with the browser's key to its kept forms.
fn kept_cookie(state: &AppState, key: String) -> actix_web::cookie::Cookie<'static> {
    let mut cookie = auth::app_cookie(state, state.cookie_names().kept, key).into_owned();
    cookie.set_max_age(CookieDuration::seconds(KEPT_FOR.num_seconds()));
    cookie
}

/// Keeps the form of `req` for its session's user; false when there is nothing to keep (not
/// a URL-encoded form, or the session's row is gone).
async fn keep(
    state: &AppState,
    req: &HttpRequest,
    key: &str,
    page: String,
) -> Result<bool, AppError> {
    let body = req.extensions().get::<SentForm>().map(|f| f.0.clone());
    let (Some(body), Some(session)) = (body, auth::current_session_id(req)) else {
        return Ok(false);
    };
    let (key, action, now) = (key.to_string(), req.path().to_string(), state.now());
    state
        .db
        .run(move |c| {
            Ok(KeptForm::keep(
                c, &session, &key, &page, &action, &body, now,
            )?)
        })
        .await
}

/// Shown at the top of the form that came back.
const RESTORED: &str = "<div class=\"flash\" role=\"status\"><strong>Du blev logget ud, før \
     det blev gemt.</strong> Det, du skrev, er sat ind igen. Se det efter, og gem det.</div>";

/// `html` with `form` filled in as it was sent, or none when the page has no form with its
/// action. Only the first such form is filled; secrets (passwords, the form token) are never
/// kept, so the page's own stay.
fn put_back(html: &str, form: &KeptForm) -> Option<String> {
    let mut values: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in form.pairs() {
        values.entry(name).or_default().push(value);
    }
    let values = Rc::new(values);
    let found = Rc::new(Cell::new(false));
    let inside = Rc::new(Cell::new(false));
    // How many fields of a name were filled: the n-th field of a name gets its n-th value.
    let used: Rc<RefCell<HashMap<String, usize>>> = Rc::default();
    let select: Rc<RefCell<Option<String>>> = Rc::default();
    let action = form.action.clone();

    let next_value = {
        let (values, used) = (values.clone(), used.clone());
        move |name: &str| -> Option<String> {
            let mut used = used.borrow_mut();
            let n = used.entry(name.to_string()).or_default();
            let value = values.get(name)?.get(*n).cloned();
            *n += 1;
            value
        }
    };
    let next_text = next_value.clone();

    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("form", |el: &mut Element| {
            let post = el
                .get_attribute("method")
                .is_some_and(|m| m.eq_ignore_ascii_case("post"));
            if found.get() || !post || el.get_attribute("action").as_deref() != Some(&action) {
                return Ok(());
            }
            found.set(true);
            inside.set(true);
            el.prepend(RESTORED, ContentType::Html);
            let inside = inside.clone();
            el.on_end_tag(Box::new(move |_| {
                inside.set(false);
                Ok(())
            }))
        }))
        .append_element_content_handler(element!("input[name]", |el: &mut Element| {
            if !inside.get() {
                return Ok(());
            }
            let name = el.get_attribute("name").unwrap_or_default();
            let kind = el.get_attribute("type").unwrap_or_default().to_lowercase();
            match kind.as_str() {
                "submit" | "button" | "reset" | "image" | "file" | "password" => {}
                "checkbox" | "radio" => {
                    let value = el.get_attribute("value").unwrap_or_else(|| "on".into());
                    if values.get(&name).is_some_and(|v| v.contains(&value)) {
                        el.set_attribute("checked", "")?;
                    } else {
                        el.remove_attribute("checked");
                    }
                }
                _ if name == "csrf_token" => {}
                _ => {
                    if let Some(value) = next_value(&name) {
                        // lol_html escapes the quote; an ampersand must be escaped here, or
                        // "&amp;" typed would come back as "&".
                        el.set_attribute("value", &value.replace('&', "&amp;"))?;
                    }
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("textarea[name]", |el: &mut Element| {
            if inside.get()
                && let Some(value) = next_text(&el.get_attribute("name").unwrap_or_default())
            {
                el.set_inner_content(&value, ContentType::Text);
            }
            Ok(())
        }))
        .append_element_content_handler(element!("select[name]", |el: &mut Element| {
            if !inside.get() {
                return Ok(());
            }
            *select.borrow_mut() = el.get_attribute("name");
            let select = select.clone();
            el.on_end_tag(Box::new(move |_| {
                *select.borrow_mut() = None;
                Ok(())
            }))
        }))
        .append_element_content_handler(element!("option[value]", |el: &mut Element| {
            let name = select.borrow().clone();
            let Some(chosen) = name.and_then(|n| values.get(&n).cloned()) else {
                return Ok(());
            };
            if inside.get() {
                let value = el.get_attribute("value").unwrap_or_default();
                if chosen.contains(&value) {
                    el.set_attribute("selected", "")?;
                } else {
                    el.remove_attribute("selected");
                }
            }
            Ok(())
        }));
    let out = rewrite_str(html, settings).ok()?;
    found.get().then_some(out)
}

fn prepend_to_main(html: &str, notice: &str) -> String {
    let settings = RewriteStrSettings::new().append_element_content_handler(element!(
        "main",
        |el: &mut Element| {
            el.prepend(notice, ContentType::Html);
            Ok(())
        }
    ));
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// A kept form whose page no longer shows it: what was written, and the fields to send again.
struct Resend {
    action: String,
    /// The longer texts written (the multi-line fields), to read before sending.
    texts: Vec<String>,
    fields: Vec<(String, String)>,
}

impl Resend {
    fn of(form: &KeptForm) -> Resend {
        let fields = form.pairs();
        let texts = fields
            .iter()
            .filter(|(n, v)| {
                super::security::MULTI_LINE_FIELDS.contains(&n.as_str()) && !v.trim().is_empty()
            })
            .map(|(_, v)| v.clone())
            .collect();
        Resend {
            action: form.action.clone(),
            texts,
            fields,
        }
    }
}

#[derive(Template)]
#[template(path = "kept_forms.html")]
struct UnsentNotice<'a> {
    csrf_token: &'a str,
    resend: &'a [Resend],
    elsewhere: &'a [KeptForm],
}

/// How long the session has left, read without counting as use: the page script asks before
/// it warns, as another tab may have kept the session alive meanwhile.
#[get("/session")]
pub async fn status(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let ends = match auth::current_session_id(&req) {
        Some(id) => {
            state
                .db
                .read(move |c| Ok(Session::ends(c, &id, now)?))
                .await?
        }
        None => None,
    };
    Ok(session_answer(ends, now))
}

/// "Stay signed in": counts as use of the session now.
#[post("/session/keep-alive")]
pub async fn keep_alive(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let ends = match auth::current_session_id(&req) {
        Some(id) => {
            state
                .db
                .run(move |c| Ok(Session::touch(c, &id, now)?))
                .await?
        }
        None => None,
    };
    Ok(session_answer(ends, now))
}

/// `{"seconds_left": 1800, "ends_at": "14:35"}`; 0 seconds and no time when the session has
/// ended (or there is none).
fn session_answer(ends: Option<chrono::NaiveDateTime>, now: chrono::NaiveDateTime) -> HttpResponse {
    let seconds_left = ends.map_or(0, |e| crate::models::session::seconds_until(e, now));
    let ends_at = ends.map(|e| super::views::local_time(e).format("%H:%M").to_string());
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "seconds_left": seconds_left, "ends_at": ends_at }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(action: &str, fields: &str) -> KeptForm {
        KeptForm {
            id: 1,
            user_id: 1,
            page: "/x".into(),
            action: action.into(),
            fields: fields.into(),
            created_at: chrono::NaiveDateTime::default(),
        }
    }

    const PAGE: &str = r#"<main><form method="get" action="/companies"><input name="q" value=""></form>
<form method="post" action="/activities"><input type="hidden" name="csrf_token" value="NEW">
<input type="hidden" name="version" value="3">
<input type="text" name="title" value="">
<textarea name="summary">old</textarea>
<select name="kind"><option value="visit" selected>Besøg</option><option value="call">Opkald</option></select>
<input type="radio" name="channel" value="a" checked><input type="radio" name="channel" value="b">
<input type="checkbox" name="topic" value="x" checked><input type="checkbox" name="topic" value="y">
<input type="password" name="password">
</form></main>"#;

    #[test]
    fn a_kept_form_comes_back_filled_in_as_sent() {
        let form = kept(
            "/activities",
            "version=2&title=Bes%C3%B8g+%22%3Cb%3E%22+%26amp%3B&summary=Line+1%0D%0A%3Cscript%3E&kind=call&channel=b&topic=y",
        );
        let out = put_back(PAGE, &form).expect("the form is on the page");
        assert!(out.contains(r#"name="csrf_token" value="NEW""#), "{out}");
        assert!(out.contains(r#"name="version" value="2""#), "{out}");
        assert!(
            out.contains(r#"name="title" value="Besøg &quot;<b>&quot; &amp;amp;""#),
            "{out}"
        );
        assert!(
            out.contains("<textarea name=\"summary\">Line 1\r\n&lt;script&gt;</textarea>"),
            "{out}"
        );
        assert!(
            out.contains(r#"<option value="call" selected="">"#),
            "{out}"
        );
        assert!(out.contains(r#"<option value="visit">"#), "{out}");
        assert!(
            out.contains(r#"value="b" checked="""#) && !out.contains(r#"value="a" checked"#),
            "{out}"
        );
        assert!(
            out.contains(r#"value="y" checked="""#) && !out.contains(r#"value="x" checked"#),
            "{out}"
        );
        // The search form elsewhere on the page is left alone.
        assert!(out.contains(r#"<input name="q" value="">"#), "{out}");
        assert!(
            out.contains("Du blev logget ud, før det blev gemt"),
            "{out}"
        );
    }

    #[test]
    fn a_page_without_the_form_is_not_filled() {
        assert!(put_back(PAGE, &kept("/placements", "title=x")).is_none());
    }
}
