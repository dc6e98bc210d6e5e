//! `/metrics` in the Prometheus text format, for the municipality's monitoring: requests by
//! route pattern, method and status, their latency, the database pool, the outbox's backlog
//! and the sessions alive. Off unless `METRICS_TOKEN` is set; then it answers only a request
//! that carries the token (`Authorization: Bearer …`).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::AppState;
use crate::error::AppError;
use crate::models::outbox::OutboxMail;
use crate::models::session::Session;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

/// Latency buckets from 1 ms to about 8 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

/// The metrics of one running app.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pool_open: Gauge,
    pool_idle: Gauge,
    outbox_waiting: Gauge,
    sessions_alive: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("jobcenter_crm");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let (pool_open, pool_idle, outbox_waiting, sessions_alive) = Default::default();
        registry.register(
            "http_requests",
            "Requests answered, by route pattern, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route pattern",
            latency.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections open",
            Gauge::clone(&pool_open),
        );
        registry.register(
            "db_pool_idle_connections",
            "Database connections open and idle",
            Gauge::clone(&pool_idle),
        );
        registry.register(
            "outbox_waiting_mails",
            "Mails waiting to be sent (not given up)",
            Gauge::clone(&outbox_waiting),
        );
        registry.register(
            "sessions_alive",
            "Sign-ins neither idle nor expired",
            Gauge::clone(&sessions_alive),
        );
        Metrics {
            registry,
            requests,
            latency,
            pool_open,
            pool_idle,
            outbox_waiting,
            sessions_alive,
        }
    }
}

impl Metrics {
    /// Counts one answered request; `route` is its pattern (`/companies/{id}`), never the path
    /// with its ids or tokens.
    pub fn observe(&self, route: &str, method: &str, status: StatusCode, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method: method.to_string(),
                status: status.as_u16(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }
}

/// Whether `req` carries the token. Compared as HMACs with `verify_slice`, which takes the same
/// time whichever byte differs.
fn authorized(req: &HttpRequest, token: &str) -> bool {
    use hmac::{Hmac, Mac};
    let mac = |v: &str| {
        let mut m = Hmac::<sha2::Sha256>::new_from_slice(b"metrics").expect("any key length");
        m.update(v.as_bytes());
        m
    };
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| {
            mac(given.trim())
                .verify_slice(&mac(token).finalize().into_bytes())
                .is_ok()
        })
}

#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return Err(AppError::NotFound);
    };
    if !authorized(&req, token) {
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .content_type("text/plain; charset=utf-8")
            .body("token required\n"));
    }
    let now = state.now();
    let (waiting, alive) = state
        .db
        .run(move |c| Ok((OutboxMail::waiting(c)?, Session::count_alive(c, now)?)))
        .await?;
    let m = &state.metrics;
    let (open, idle) = state.db.pool_state();
    m.pool_open.set(i64::from(open));
    m.pool_idle.set(i64::from(idle));
    m.outbox_waiting.set(waiting);
    m.sessions_alive.set(alive);
    let mut body = String::new();
    prometheus_client::encoding::text::encode(&mut body, &m.registry)
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(body))
}
