//! The web app: state, routes and middleware, shared by `serve` and the tests.

pub mod access_log;
pub mod account;
pub mod activities;
pub mod admin;
pub mod auth;
pub mod campaigns;
pub mod charts;
pub mod clusters;
pub mod companies;
pub mod company_import;
pub mod company_merge;
pub mod contact;
pub mod contact_persons;
pub mod dashboard;
pub mod errors;
pub mod figures;
pub mod follow_ups;
pub mod forms;
pub mod goals;
pub mod home;
pub mod kept_forms;
pub mod login;
pub mod metrics;
pub mod needs;
pub mod outbox;
pub mod placements;
pub mod population;
pub mod requests;
pub mod satisfaction;
pub mod security;
pub mod setup;
pub mod summaries;
pub mod texts;
pub mod tokens;
pub mod two_step;
pub mod views;
pub mod webhooks;

use std::sync::{Arc, OnceLock};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, ErrorHandlers, from_fn};
use actix_web::{App, web};
use tokio::sync::Semaphore;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::{self, Keys};
use crate::db::Db;
use crate::error::AppError;

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub clock: Arc<dyn Clock>,
    /// Password hashing is deliberately slow; at most this many run at once.
    hashing: Arc<Semaphore>,
    /// A hash to verify against when the e-mail is unknown, so the answer takes as long.
    dummy_hash: Arc<OnceLock<String>>,
    /// Internal errors logged, at most one line per cause a minute.
    pub error_log: Arc<errors::ErrorLog>,
    pub metrics: Arc<metrics::Metrics>,
    /// Set when the server is stopping: answers close their connection, `/readyz` fails.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// API requests per token this minute (`api::auth::RateLimits`).
    pub api_limits: Arc<crate::api::auth::RateLimits>,
}

/// The largest upload body (an import's file and its fields): a CVR extract of a large
/// municipality's 60,000 units is some 12 MB.
pub const UPLOAD_LIMIT: usize = 31 * 1024 * 1024;

impl AppState {
    pub fn cookie_names(&self) -> auth::CookieNames {
        auth::CookieNames::new(self.config.behind_tls)
    }

    pub fn new(config: Config, db: Db, clock: Arc<dyn Clock>) -> AppState {
        let keys = Keys::derive(&config.secret_key);
        let permits = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            db,
            keys: Arc::new(keys),
            clock,
            config: Arc::new(config),
            hashing: Arc::new(Semaphore::new(permits)),
            dummy_hash: Arc::new(OnceLock::new()),
            error_log: Arc::new(errors::ErrorLog::default()),
            metrics: Arc::new(metrics::Metrics::default()),
            draining: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            api_limits: Arc::default(),
        }
    }

    pub fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    /// What mails to staff and companies need of the installation.
    pub fn mail_settings(&self) -> crate::models::contact_request::MailSettings {
        crate::models::contact_request::MailSettings {
            base_url: self.config.base_url.clone(),
            receipts: self.config.smtp_url.is_some(),
        }
    }

    pub async fn hash_password(&self, password: String) -> Result<String, AppError> {
        let _permit = self.hashing.acquire().await.map_err(AppError::internal)?;
        web::block(move || crypto::hash_password(&password))
            .await
            .map_err(AppError::internal)
    }

    /// Verifies against `hash`, or against a dummy hash when there is no user, so the time
    /// taken does not tell whether an e-mail is registered.
    pub async fn verify_password(
        &self,
        hash: Option<String>,
        password: String,
    ) -> Result<bool, AppError> {
        let _permit = self.hashing.acquire().await.map_err(AppError::internal)?;
        let dummy = self.dummy_hash.clone();
        web::block(move || match hash {
            Some(h) => crypto::verify_password(&h, &password),
            None => {
                let h = dummy.get_or_init(|| crypto::hash_password("dummy password for timing"));
                crypto::verify_password(h, &password);
                false
            }
        })
        .await
        .map_err(AppError::internal)
    }
}

/// Builds the app with every route and middleware; `serve` and the tests use the same one.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let form_limit = web::FormConfig::default().limit(64 * 1024);
    App::new()
        .app_data(web::Data::new(state))
        .app_data(form_limit)
        .app_data(web::PayloadConfig::new(256 * 1024))
        // File uploads (the imports) are read into memory; each field has its own limit.
        .app_data(
            actix_multipart::form::MultipartFormConfig::default()
                .total_limit(UPLOAD_LIMIT)
                .memory_limit(UPLOAD_LIMIT),
        )
        .configure(routes)
        .default_service(web::to(errors::not_found))
        // Middleware: the last added runs first. CSRF sees the request before any handler;
        // error pages are rendered for what it and the handlers answer; headers go on all.
        .wrap(from_fn(kept_forms::keep_and_restore))
        .wrap(from_fn(auth::csrf_guard))
        .wrap(ErrorHandlers::new().default_handler(errors::render_error_page))
        .wrap(from_fn(security::headers_and_log))
        .wrap(Compress::default())
        .wrap(from_fn(security::compress_only_safe))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(home::index)
        .service(home::healthz)
        .service(home::readyz)
        .service(metrics::metrics)
        .service(home::stylesheet)
        .service(home::hashed_stylesheet)
        .service(home::session_script)
        .service(login::login_form)
        .service(login::login)
        .service(login::logout)
        .service(kept_forms::status)
        .service(kept_forms::keep_alive)
        .service(account::password_form)
        .service(account::change_password)
        .service(account::security)
        .service(account::end_session)
        .service(account::end_other_sessions)
        .service(tokens::own)
        .service(tokens::create)
        .service(tokens::revoke_own)
        .service(tokens::all)
        .service(tokens::revoke_any)
        .service(webhooks::list)
        .service(webhooks::create)
        .service(webhooks::show)
        .service(webhooks::set_active)
        .service(webhooks::delete)
        .service(webhooks::send_again)
        .service(two_step::code_form)
        .service(two_step::submit_code)
        .service(two_step::required_setup_form)
        .service(two_step::required_setup)
        .service(two_step::account)
        .service(two_step::enable)
        .service(two_step::new_recovery_codes)
        .service(two_step::disable)
        .service(setup::setup_form)
        .service(setup::setup)
        .service(admin::list_users)
        .service(admin::new_user_form)
        .service(admin::create_user)
        .service(admin::set_user_active)
        .service(admin::edit_user_form)
        .service(admin::update_user)
        .service(admin::end_user_sessions)
        .service(admin::reset_two_step)
        .service(admin::audit)
        .service(access_log::page)
        .service(access_log::export)
        .service(admin::settings_form)
        .service(admin::save_settings)
        .service(companies::list)
        .service(companies::new_form)
        .service(companies::create)
        .service(companies::export)
        .service(company_merge::duplicates)
        .service(company_import::import_form)
        .service(company_import::upload)
        .service(company_import::import_preview)
        .service(company_import::import_confirm)
        .service(company_import::import_cancel)
        .service(clusters::index)
        .service(clusters::change)
        .service(clusters::figures)
        .service(population::index)
        .service(population::import)
        .service(population::add)
        .service(companies::show)
        .service(companies::edit_form)
        .service(companies::update)
        .service(companies::delete)
        .service(company_merge::merge_form)
        .service(company_merge::merge)
        .service(contact_persons::new_contact_form)
        .service(contact_persons::create_contact)
        .service(contact_persons::edit_contact_form)
        .service(contact_persons::update_contact)
        .service(contact_persons::remove_contact)
        .service(contact_persons::erase_contact_form)
        .service(contact_persons::erase_contact)
        .service(activities::new_form)
        .service(activities::create)
        .service(activities::list)
        .service(activities::edit_form)
        .service(activities::update)
        .service(activities::delete)
        .service(follow_ups::follow_ups)
        .service(follow_ups::follow_up_done)
        .service(follow_ups::enable_feed)
        .service(follow_ups::revoke_feed)
        .service(follow_ups::feed)
        .service(placements::list)
        .service(needs::list)
        .service(needs::export)
        .service(needs::new_form)
        .service(needs::create)
        .service(needs::show)
        .service(needs::edit_form)
        .service(needs::update)
        .service(needs::set_status)
        .service(summaries::summary_form)
        .service(summaries::send_summary)
        .service(texts::list)
        .service(texts::edit_form)
        .service(texts::save)
        .service(texts::restore_default)
        .service(texts::restore_version)
        .service(needs::back_to_need)
        .service(needs::add_referral)
        .service(needs::referral_form)
        .service(needs::update_referral)
        .service(placements::new_form)
        .service(placements::create)
        .service(placements::edit_form)
        .service(placements::update)
        .service(campaigns::list)
        .service(campaigns::new_form)
        .service(campaigns::create)
        .service(campaigns::show)
        .service(campaigns::edit_form)
        .service(campaigns::update)
        .service(campaigns::targets::add_form)
        .service(campaigns::targets::add)
        .service(campaigns::targets::import)
        .service(campaigns::targets::split)
        .service(campaigns::start)
        .service(campaigns::targets::export)
        .service(campaigns::cluster_export)
        .service(campaigns::targets::target_page)
        .service(campaigns::targets::set_target)
        .service(campaigns::targets::remove_target)
        .service(requests::new_form)
        .service(requests::create)
        .service(requests::list)
        .service(requests::show)
        .service(requests::request_step)
        .service(requests::assign)
        .service(requests::link_company)
        .service(requests::hand_over_form)
        .service(requests::hand_over)
        .service(dashboard::dashboard)
        .service(dashboard::export)
        .service(goals::list)
        .service(goals::new_form)
        .service(goals::create)
        .service(goals::copy)
        .service(goals::show)
        .service(goals::edit_form)
        .service(goals::update)
        .service(goals::delete)
        .service(figures::list)
        .service(figures::benchmark_new)
        .service(figures::benchmark_create)
        .service(figures::import_form)
        .service(figures::import)
        .service(figures::benchmark_edit)
        .service(figures::benchmark_update)
        .service(figures::benchmark_delete)
        .service(figures::di_new)
        .service(figures::di_create)
        .service(figures::di_edit)
        .service(figures::di_update)
        .service(figures::di_delete)
        .service(outbox::list)
        .service(outbox::retry)
        .service(satisfaction::question)
        .service(satisfaction::answer)
        .configure(contact::routes)
        .service(crate::api::scope());
}
