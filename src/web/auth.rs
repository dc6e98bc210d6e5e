//! Who is asking: the session cookie, the `CurrentUser` extractor, role checks, and the CSRF
//! guard every state-changing request passes.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{AppState, security};
use crate::crypto;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::audit::Actor;
use crate::models::contact_request::ContactRequest;
use crate::models::session::{Checked, Device, Session, SessionUser};
use crate::models::settings::{EntryPoint, Settings};
use crate::models::user::Role;

/// The names of the app's cookies. Behind TLS they carry the `__Host-` prefix: a browser then
/// keeps them only when set Secure, by this host, for path `/`, so neither a page on a sibling
/// subdomain nor one over plain HTTP can plant or overwrite them.
#[derive(Debug, Clone, Copy)]
pub struct CookieNames {
    pub session: &'static str,
    /// Binds form tokens for visitors without a session (the login and setup forms).
    pub anon: &'static str,
    /// The signed one-time message shown after a redirect.
    pub flash: &'static str,
    /// Between a right password and the second step: whose password it was (signed, short-lived).
    pub pending: &'static str,
    /// The key to forms kept after their session ended (`web::kept_forms`).
    pub kept: &'static str,
}

impl CookieNames {
    pub fn new(behind_tls: bool) -> CookieNames {
        if behind_tls {
            CookieNames {
                session: "__Host-jc_session",
                anon: "__Host-jc_anon",
                flash: "__Host-jc_flash",
                pending: "__Host-jc_pending",
                kept: "__Host-jc_kept",
            }
        } else {
            CookieNames {
                session: "jc_session",
                anon: "jc_anon",
                flash: "jc_flash",
                pending: "jc_pending",
                kept: "jc_kept",
            }
        }
    }
}
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in member of staff. Role and jobcenter come from the database on every request,
/// never from the request itself, so a role change or a disabled account takes effect at once.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub role_label: &'static str,
    pub jobcenter_id: i64,
    pub jobcenter_name: String,
    pub jobcenter_slug: String,
    /// Contact requests that are new, and those assigned to this user and not answered yet.
    pub new_requests: i64,
    pub my_requests: i64,
    pub session_id: String,
    /// When the session ends unless used again (UTC).
    pub session_ends_at: chrono::NaiveDateTime,
    /// Seconds from this request until then, for the page script that warns before it.
    pub session_seconds_left: i64,
    /// How companies reach the jobcenter, for the footer.
    pub entry: EntryPoint,
}

impl CurrentUser {
    /// Contact requests waiting for this user (the count in the navigation).
    pub fn open_requests(&self) -> i64 {
        self.new_requests + self.my_requests
    }

    /// The user as the author of audit rows for this request.
    pub fn actor(&self, req: &HttpRequest, state: &AppState) -> Actor {
        Actor {
            jobcenter_id: self.jobcenter_id,
            user_id: self.id,
            client_ip: client_ip(req, state.config.trust_proxy),
            now: state.now(),
            via: None,
        }
    }

    /// Managers and administrators: they see the overview and manage campaigns.
    pub fn is_manager(&self) -> bool {
        self.role >= Role::Manager
    }

    pub fn is_admin(&self) -> bool {
        self.role >= Role::Admin
    }

    /// When the session ends unless used again, as the pages say it: "14:35", Danish time.
    pub fn session_ends_clock(&self) -> String {
        super::views::local_time(self.session_ends_at)
            .format("%H:%M")
            .to_string()
    }

    /// Refuses with 403 unless the user has at least `role`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

pub fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("app state missing"))
}

impl CurrentUser {
    /// Whether they may change anything: everyone but a reader ("Læseadgang").
    pub fn can_write(&self) -> bool {
        self.role >= Role::Consultant
    }

    /// The signed-in user of a request, whatever their role.
    fn of(req: &HttpRequest) -> LocalBoxFuture<'static, Result<CurrentUser, AppError>> {
        let req = req.clone();
        Box::pin(async move {
            if let Some(user) = req.extensions().get::<CurrentUser>() {
                return Ok(user.clone());
            }
            let state = state(&req)?;
            let session = SessionCookie::of(&req)?.open_to_readers();
            let (user, ()) = session.run(&state, |_, _| Ok(())).await?;
            Ok(user)
        })
    }
}

/// A signed-in member of staff who may work: a reader ("Læseadgang") is refused with 403. The
/// pages and forms a reader may use take [`Viewer`] instead, so a new page is closed to
/// readers until someone decides otherwise.
impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = CurrentUser::of(req);
        Box::pin(async move {
            let user = user.await?;
            user.require(Role::Consultant)?;
            Ok(user)
        })
    }
}

/// Any signed-in member of staff, readers too: for the pages a reader may read (which leave
/// out what a reader may not see, `CurrentUser::can_write`) and their own account's forms.
#[derive(Debug, Clone)]
pub struct Viewer(pub CurrentUser);

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = CurrentUser::of(req);
        Box::pin(async move { Ok(Viewer(user.await?)) })
    }
}

impl std::ops::Deref for Viewer {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

/// A signed-in manager or administrator: the extractor refuses everyone else with 403.
#[derive(Debug, Clone)]
pub struct Manager(pub CurrentUser);

/// A signed-in administrator of the jobcenter: the extractor refuses everyone else with 403.
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentUser);

macro_rules! role_extractor {
    ($name:ident, $role:expr) => {
        impl FromRequest for $name {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let user = CurrentUser::from_request(req, payload);
                Box::pin(async move {
                    let user = user.await?;
                    user.require($role)?;
                    Ok($name(user))
                })
            }
        }

        impl std::ops::Deref for $name {
            type Target = CurrentUser;

            fn deref(&self) -> &CurrentUser {
                &self.0
            }
        }
    };
}

role_extractor!(Manager, Role::Manager);
role_extractor!(Admin, Role::Admin);

/// The SHA-256 of the request's session token, as the sessions table keys it.
struct SessionHash(String);

/// The id (the token's hash) of the session the request came with, if it has a cookie.
pub fn current_session_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<SessionHash>().map(|h| h.0.clone())
}

/// The session cookie of a request, before it is checked. A page that reads the database
/// anyway takes this rather than [`CurrentUser`] and checks the session in its own database
/// call ([`SessionCookie::run`]): one trip to the database thread instead of two.
pub struct SessionCookie {
    req: HttpRequest,
    session_id: String,
    /// Whether a reader ("Læseadgang") may see the page; otherwise they get 403.
    readers: bool,
}

impl SessionCookie {
    fn of(req: &HttpRequest) -> Result<SessionCookie, AppError> {
        let cached = req.extensions().get::<SessionHash>().map(|h| h.0.clone());
        let name = state(req)?.cookie_names().session;
        let session_id = cached
            .or_else(|| req.cookie(name).map(|c| crypto::sha256_hex(c.value())))
            .ok_or_else(|| unauthenticated(req, false))?;
        Ok(SessionCookie {
            req: req.clone(),
            session_id,
            readers: false,
        })
    }

    /// Lets a reader ("Læseadgang") see the page too; it must leave out what they may not
    /// see (`CurrentUser::can_write`).
    pub fn open_to_readers(mut self) -> SessionCookie {
        self.readers = true;
        self
    }

    /// Checks the session and runs `f` as its user within the same database call, in one read
    /// transaction (`db::read_tx`): `f` reads, it does not write. The user is kept on the
    /// request for the page's layout, also when `f` fails.
    pub async fn run<T, F>(self, state: &AppState, f: F) -> Result<(CurrentUser, T), AppError>
    where
        F: FnOnce(&mut DbConn, &CurrentUser) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let now = state.now();
        let session_id = self.session_id;
        let readers = self.readers;
        // Most requests only read: the session is alive and was marked as seen a moment ago.
        // Those run in one read (on SQLite on this thread, see `Db::read`); a session to be
        // touched or ended hands `f` back to run after that write, on the blocking pool.
        let first = state
            .db
            .read(move |c| {
                crate::db::read_tx(c, |c| match Session::check(c, &session_id, now)? {
                    Checked::Alive(user, ends_at) => {
                        let ends = (ends_at, now);
                        Ok(Ok(Some(as_user(c, user, ends, session_id, readers, f)?)))
                    }
                    Checked::Unknown | Checked::Ended => Ok(Ok(None)),
                    Checked::ToTouch(_) => Ok(Err((f, session_id))),
                })
            })
            .await?;
        let found = match first {
            Ok(found) => found,
            Err((f, session_id)) => {
                state
                    .db
                    .run(move |c| {
                        // The session check writes; what follows only reads, in one read
                        // transaction.
                        let Some((user, ends_at)) = Session::resolve(c, &session_id, now)? else {
                            return Ok(None);
                        };
                        crate::db::read_tx(c, |c| {
                            as_user(c, user, (ends_at, now), session_id, readers, f).map(Some)
                        })
                    })
                    .await?
            }
        };
        let (user, out) = found.ok_or_else(|| unauthenticated(&self.req, true))?;
        self.req.extensions_mut().insert(user.clone());
        Ok((user, out?))
    }
}

/// A page's reads as the session's user: the navigation's counts, then the page's own `f`,
/// whose error is the page's to show (the user is kept for the layout either way). A reader
/// on a page not open to readers gets 403 without `f` reading anything.
fn as_user<T, F>(
    c: &mut DbConn,
    user: SessionUser,
    (session_ends_at, now): (chrono::NaiveDateTime, chrono::NaiveDateTime),
    session_id: String,
    readers: bool,
    f: F,
) -> Result<(CurrentUser, Result<T, AppError>), AppError>
where
    F: FnOnce(&mut DbConn, &CurrentUser) -> Result<T, AppError>,
{
    let mut user = CurrentUser::with_counts(c, user, session_ends_at, session_id)?;
    user.session_seconds_left = crate::models::session::seconds_until(session_ends_at, now);
    let out = if readers || user.can_write() {
        f(c, &user)
    } else {
        Err(AppError::Forbidden)
    };
    Ok((user, out))
}

impl FromRequest for SessionCookie {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(SessionCookie::of(req))
    }
}

impl CurrentUser {
    /// The session's user with the count for the navigation.
    fn with_counts(
        c: &mut DbConn,
        user: SessionUser,
        session_ends_at: chrono::NaiveDateTime,
        session_id: String,
    ) -> Result<CurrentUser, AppError> {
        let (new_requests, my_requests) =
            ContactRequest::count_new_and_mine(c, user.jobcenter_id, user.id)?;
        let defaults = Settings::defaults(user.jobcenter_id);
        let or = |v: Option<String>| v.unwrap_or_default();
        let entry = Settings {
            entry_name: or(user.entry_name),
            entry_phone: or(user.entry_phone),
            entry_email: or(user.entry_email),
            entry_address: or(user.entry_address),
            entry_hours: or(user.entry_hours),
            privacy_url: or(user.privacy_url),
            accessibility_url: or(user.accessibility_url),
            answer_promise_days: user
                .answer_promise_days
                .unwrap_or(defaults.answer_promise_days),
            ..defaults
        }
        .entry_point(&user.jobcenter_name);
        Ok(CurrentUser {
            id: user.id,
            name: user.name,
            email: user.email,
            role: user.role,
            role_label: user.role.label(),
            jobcenter_id: user.jobcenter_id,
            jobcenter_name: user.jobcenter_name,
            jobcenter_slug: user.jobcenter_slug,
            new_requests,
            my_requests,
            session_id,
            session_ends_at,
            session_seconds_left: 0,
            entry,
        })
    }
}

/// Sign in first; afterwards, come back to the page asked for, or after a form was sent, to
/// the page the form was on. `expired`: the request had a session that no longer holds.
fn unauthenticated(req: &HttpRequest, expired: bool) -> AppError {
    let next = if req.method() == Method::GET {
        req.uri()
            .path_and_query()
            .map_or("/".to_string(), |p| p.to_string())
    } else {
        same_site_referer(req).unwrap_or_else(|| "/".to_string())
    };
    AppError::Unauthenticated { next, expired }
}

/// The path of the Referer when it is one of our own pages.
pub fn same_site_referer(req: &HttpRequest) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let (host, path) = rest.split_at(rest.find('/')?);
    (host.eq_ignore_ascii_case(req.connection_info().host())).then(|| path.to_string())
}

/// The client's address for throttling and the audit log: the peer, or, behind `hops` proxies
/// of our own, the address the outermost of them appended to X-Forwarded-For. Entries to the
/// left of it were written by the client and prove nothing. Anything but an IP address (a
/// chain shorter than `hops`, text, a port) falls back to the peer.
pub fn client_ip(req: &HttpRequest, hops: u8) -> String {
    let forwarded = || -> Option<std::net::IpAddr> {
        let entries: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .map(|v| v.to_str().ok())
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let entry = entries.len().checked_sub(usize::from(hops))?;
        entries[entry].parse().ok()
    };
    let ip = match hops {
        0 => None,
        _ => forwarded(),
    };
    ip.or_else(|| req.peer_addr().map(|a| a.ip()))
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
}

/// Where a new session signs in from: the browser's User-Agent and the client's network (the
/// address with its last part left out: a /24 of IPv4, a /48 of IPv6), so its owner can tell
/// their sessions apart without the system keeping addresses.
pub fn device(req: &HttpRequest, state: &AppState) -> Device {
    use std::net::IpAddr;
    let client_network = match client_ip(req, state.config.trust_proxy).parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => {
            let [a, b, c, _] = ip.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        Ok(IpAddr::V6(ip)) => {
            let [a, b, c, ..] = ip.segments();
            format!("{a:x}:{b:x}:{c:x}::/48")
        }
        Err(_) => String::new(),
    };
    Device {
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        client_network,
    }
}

/// How long a right password waits for its second step.
const PENDING_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// A sign-in whose password was right and whose second step is due.
#[derive(Debug, Clone)]
pub struct Pending {
    pub user_id: i64,
    /// Where the sign-in goes afterwards (a checked local path).
    pub next: String,
}

/// The cookie that carries a [`Pending`] sign-in from the password to the second step.
pub fn pending_cookie(
    state: &AppState,
    user_id: i64,
    next: &str,
    now: chrono::NaiveDateTime,
) -> Cookie<'static> {
    let expires = (now + PENDING_LIFETIME).and_utc().timestamp();
    let signed = state.keys.sign(&format!("{user_id}|{expires}|{next}"));
    // Base64, as `next` may hold characters a cookie value cannot.
    let value = URL_SAFE_NO_PAD.encode(signed);
    app_cookie(state, state.cookie_names().pending, value)
}

/// The pending sign-in of this browser, if its cookie is genuine and fresh.
pub fn pending(req: &HttpRequest, state: &AppState) -> Option<Pending> {
    let cookie = req.cookie(state.cookie_names().pending)?;
    let signed = String::from_utf8(URL_SAFE_NO_PAD.decode(cookie.value()).ok()?).ok()?;
    let value = state.keys.verify_signed(&signed)?;
    let mut parts = value.splitn(3, '|');
    let user_id = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let next = super::views::safe_next(parts.next()?).to_string();
    (state.now().and_utc().timestamp() <= expires).then_some(Pending { user_id, next })
}

/// A cookie of the app: for the whole site, out of scripts' reach, not sent along with
/// cross-site requests, and Secure behind TLS (which the `__Host-` names require).
pub fn app_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.behind_tls)
        .finish()
}

pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    app_cookie(state, state.cookie_names().session, token)
}

/// Tells the browser to drop a cookie; it must match the cookie's attributes (a `__Host-`
/// cookie is only replaced by a Secure one).
pub fn removal_cookie(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut c = app_cookie(state, name, String::new());
    c.make_removal();
    c
}

/// The form token of this request, set by `csrf_guard`; `used` tells it that a page put the
/// token in a form, so an anonymous visitor needs the cookie it is bound to.
#[derive(Debug)]
struct CsrfToken {
    token: String,
    used: std::cell::Cell<bool>,
}

pub fn csrf_token(req: &HttpRequest) -> String {
    req.extensions()
        .get::<CsrfToken>()
        .map_or_else(String::new, |t| {
            t.used.set(true);
            t.token.clone()
        })
}

/// What a form token is bound to: the session when there is one, else the anonymous cookie.
/// What a signed-in page's form token is bound to: its session (by the session's id, the
/// cookie's hash).
pub fn session_binding(session_id: &str) -> String {
    format!("s:{session_id}")
}

fn csrf_binding(
    req: &ServiceRequest,
    anon_cookie: &str,
    session: Option<&str>,
) -> (String, Option<String>) {
    if let Some(hash) = session {
        return (session_binding(hash), None);
    }
    match req.cookie(anon_cookie) {
        Some(anon) if !anon.value().is_empty() => (format!("a:{}", anon.value()), None),
        _ => {
            let anon = crypto::random_token();
            (format!("a:{anon}"), Some(anon))
        }
    }
}

fn is_cross_site(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => false,
        Some(Ok(origin)) => {
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            let host = req.connection_info().host().to_ascii_lowercase();
            origin_host.to_ascii_lowercase() != host
        }
        Some(Err(_)) => true,
    }
}

/// The form token of a file upload, in the body like every form's (the page puts it first).
/// The body, at most [`super::UPLOAD_LIMIT`], is read here and handed on to the handler.
async fn multipart_token(req: &mut ServiceRequest) -> Result<Option<String>, actix_web::Error> {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > super::UPLOAD_LIMIT {
            return Err(actix_web::error::ErrorPayloadTooLarge("upload too large"));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let stream = futures_util::stream::once(std::future::ready(Ok::<
        _,
        actix_web::error::PayloadError,
    >(body.clone())));
    let mut parts = actix_multipart::Multipart::new(req.headers(), stream);
    let mut token = None;
    while let Some(Ok(mut part)) = parts.next().await {
        let is_token = part.name() == Some("csrf_token");
        let mut value = Vec::new();
        while let Some(Ok(chunk)) = part.next().await {
            if is_token {
                value.extend_from_slice(&chunk);
            }
        }
        if is_token {
            token = String::from_utf8(value).ok();
            break;
        }
    }
    let (_, mut restored) = actix_http::h1::Payload::create(true);
    restored.unread_data(body);
    req.set_payload(restored.into());
    Ok(token)
}

async fn submitted_token(req: &mut ServiceRequest) -> Result<Option<String>, actix_web::Error> {
    if let Some(t) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(Some(t.to_string()));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        // Only staff upload files: a body of up to the upload limit is read for no one else.
        if req.extensions().get::<SessionHash>().is_none() {
            return Ok(None);
        }
        return multipart_token(req).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(None);
    }
    // Read the body to find the token and check its text, then hand the same bytes on to the
    // handler.
    let body = req.extract::<web::Bytes>().await?;
    let fields: Vec<(String, String)> = serde_html_form::from_bytes(&body).unwrap_or_default();
    if let Some(problem) = fields
        .iter()
        .find_map(|(name, value)| security::field_problem(name, value))
    {
        return Err(AppError::BadRequest(problem.into()).into());
    }
    let token = fields
        .into_iter()
        .find_map(|(name, value)| (name == "csrf_token").then_some(value));
    // Kept if the session has ended by the time the handler looks (`web::kept_forms`).
    req.extensions_mut()
        .insert(super::kept_forms::SentForm(body.clone()));
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    req.set_payload(payload.into());
    Ok(token)
}

/// Every POST (and other unsafe method) must come from our own pages: a cross-site origin is
/// refused, and the form token must match the session. Also hands the token to the templates.
pub async fn csrf_guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .expect("app state is registered");
    // The session token's hash is worked out once: the form token is bound to it, and the
    // session is looked up by it (`SessionCookie`).
    let session = req
        .cookie(state.cookie_names().session)
        .map(|c| SessionHash(crypto::sha256_hex(c.value())));
    let (binding, new_anon) = csrf_binding(
        &req,
        state.cookie_names().anon,
        session.as_ref().map(|h| h.0.as_str()),
    );
    if let Some(hash) = session {
        req.extensions_mut().insert(hash);
    }
    req.extensions_mut().insert(CsrfToken {
        token: state.keys.csrf_token(&binding),
        used: std::cell::Cell::new(false),
    });

    // Text no page of ours sends is refused before any handler sees it.
    if let Some(problem) = security::address_problem(&req) {
        let error = AppError::BadRequest(problem.into());
        return Ok(req.error_response(error).map_into_right_body());
    }
    // The API takes no cookies, only a bearer token no other site can make a browser send,
    // so there is no form token to check; its JSON bodies are checked by the API itself.
    let api = req.path().starts_with(crate::api::BASE);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !api {
        let submitted = if is_cross_site(&req) {
            None
        } else {
            match submitted_token(&mut req).await {
                Ok(token) => token,
                // Too large or unreadable: answered with the error's own status (e.g. 413).
                Err(e) => return Ok(req.error_response(e).map_into_right_body()),
            }
        };
        let ok = submitted
            .as_ref()
            .is_some_and(|t| state.keys.verify_csrf(&binding, t));
        if !ok {
            tracing::warn!(
                path = req.path(),
                "refused a request without a valid form token"
            );
            // The login form simply comes back, so an expired page is no dead end; a form
            // from a page whose session was replaced (signed in again in another tab) is kept
            // and comes back filled in on its page.
            let res = if req.path() == "/login" {
                super::views::redirect_with_flash(
                    &state,
                    "/login",
                    "error",
                    "Siden var udløbet. Prøv igen.",
                )
            } else if let Some(token) = submitted
                && let Some(res) = super::kept_forms::keep_stale(&state, &req, &token).await?
            {
                res
            } else {
                HttpResponse::Forbidden().finish()
            };
            return Ok(req.into_response(res).map_into_right_body());
        }
    }

    let mut res = next.call(req).await?;
    let token_used = res
        .request()
        .extensions()
        .get::<CsrfToken>()
        .is_some_and(|t| t.used.get());
    if let Some(anon) = new_anon.filter(|_| token_used) {
        res.response_mut()
            .add_cookie(&app_cookie(&state, state.cookie_names().anon, anon))?;
    }
    Ok(res.map_into_left_body())
}
