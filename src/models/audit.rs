//! The audit log: who did what, when. Rows carry no secrets and no erased personal data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{audit_log, users};

pub mod action {
    pub const SETUP: &str = "setup";
    pub const LOGIN: &str = "login";
    pub const LOGIN_FAILED: &str = "login_failed";
    pub const LOGIN_THROTTLED: &str = "login_throttled";
    pub const LOGOUT: &str = "logout";
    pub const USER_CREATED: &str = "user_created";
    pub const USER_DISABLED: &str = "user_disabled";
    pub const USER_ENABLED: &str = "user_enabled";
    pub const USER_UPDATED: &str = "user_updated";
    pub const PASSWORD_CHANGED: &str = "password_changed";
    pub const SESSION_ENDED: &str = "session_ended";
    pub const TWO_STEP_ENABLED: &str = "two_step_enabled";
    pub const TWO_STEP_DISABLED: &str = "two_step_disabled";
    pub const TWO_STEP_RESET: &str = "two_step_reset";
    pub const RECOVERY_CODES_RENEWED: &str = "recovery_codes_renewed";
    pub const SESSIONS_ENDED: &str = "sessions_ended";
    pub const JOBCENTER_CREATED: &str = "jobcenter_created";
    pub const CLUSTER_INVITED: &str = "cluster_invited";
    pub const CLUSTER_JOINED: &str = "cluster_joined";
    pub const CLUSTER_LEFT: &str = "cluster_left";
    pub const COMPANY_CREATED: &str = "company_created";
    pub const COMPANY_UPDATED: &str = "company_updated";
    pub const COMPANY_DELETED: &str = "company_deleted";
    pub const COMPANY_MERGED: &str = "company_merged";
    pub const COMPANIES_IMPORTED: &str = "companies_imported";
    pub const POPULATION_IMPORTED: &str = "population_imported";
    pub const COMPANIES_EXPORTED: &str = "companies_exported";
    pub const CONTACT_CREATED: &str = "contact_created";
    pub const CONTACT_UPDATED: &str = "contact_updated";
    pub const CONTACT_REMOVED: &str = "contact_removed";
    pub const CONTACT_ERASED: &str = "contact_erased";
    pub const SETTINGS_CHANGED: &str = "settings_changed";
    pub const ACTIVITY_CREATED: &str = "activity_created";
    pub const ACTIVITY_UPDATED: &str = "activity_updated";
    pub const ACTIVITY_DELETED: &str = "activity_deleted";
    pub const FOLLOW_UP_DONE: &str = "follow_up_done";
    pub const FOLLOW_UP_REOPENED: &str = "follow_up_reopened";
    pub const CALENDAR_FEED_ENABLED: &str = "calendar_feed_enabled";
    pub const CALENDAR_FEED_REVOKED: &str = "calendar_feed_revoked";
    pub const PLACEMENT_CREATED: &str = "placement_created";
    pub const PLACEMENT_UPDATED: &str = "placement_updated";
    pub const NEED_CREATED: &str = "need_created";
    pub const NEED_UPDATED: &str = "need_updated";
    pub const NEED_STATUS_CHANGED: &str = "need_status_changed";
    pub const REFERRAL_SAVED: &str = "referral_saved";
    pub const NEEDS_EXPORTED: &str = "needs_exported";
    pub const TEXT_CHANGED: &str = "text_changed";
    pub const TEXT_RESTORED: &str = "text_restored";
    pub const SUMMARY_SENT: &str = "summary_sent";
    pub const CAMPAIGN_CREATED: &str = "campaign_created";
    pub const CAMPAIGN_UPDATED: &str = "campaign_updated";
    pub const CAMPAIGN_TARGETS_ADDED: &str = "campaign_targets_added";
    pub const CAMPAIGN_TARGETS_SPLIT: &str = "campaign_targets_split";
    pub const CAMPAIGN_TARGET_CHANGED: &str = "campaign_target_changed";
    pub const CAMPAIGN_TARGET_REMOVED: &str = "campaign_target_removed";
    pub const CAMPAIGN_EXPORTED: &str = "campaign_exported";
    pub const REQUEST_ASSIGNED: &str = "request_assigned";
    pub const REQUEST_REGISTERED: &str = "request_registered";
    pub const REQUEST_ANSWERED: &str = "request_answered";
    pub const REQUEST_CLOSED: &str = "request_closed";
    pub const REQUEST_REOPENED: &str = "request_reopened";
    pub const REQUEST_SPAM: &str = "request_spam";
    pub const REQUEST_NOT_SPAM: &str = "request_not_spam";
    pub const REQUEST_COMPANY_LINKED: &str = "request_company_linked";
    pub const REQUEST_HANDED_OVER: &str = "request_handed_over";
    pub const REQUEST_HANDED_IN: &str = "request_handed_in";
    pub const REQUESTS_DELETED: &str = "requests_deleted";
    pub const MAIL_RETRIED: &str = "mail_retried";
    pub const GOAL_CREATED: &str = "goal_created";
    pub const GOAL_UPDATED: &str = "goal_updated";
    pub const GOAL_DELETED: &str = "goal_deleted";
    pub const GOALS_COPIED: &str = "goals_copied";
    pub const BENCHMARK_SAVED: &str = "benchmark_saved";
    pub const BENCHMARK_DELETED: &str = "benchmark_deleted";
    pub const BENCHMARK_IMPORTED: &str = "benchmark_imported";
    pub const DI_RANKING_SAVED: &str = "di_ranking_saved";
    pub const DI_RANKING_DELETED: &str = "di_ranking_deleted";
    pub const OVERVIEW_EXPORTED: &str = "overview_exported";
    pub const SURVEY_OPTED_OUT: &str = "survey_opted_out";
    pub const API_TOKEN_CREATED: &str = "api_token_created";
    pub const API_TOKEN_REVOKED: &str = "api_token_revoked";
    pub const WEBHOOK_CREATED: &str = "webhook_created";
    pub const WEBHOOK_PAUSED: &str = "webhook_paused";
    pub const WEBHOOK_RESUMED: &str = "webhook_resumed";
    pub const WEBHOOK_DELETED: &str = "webhook_deleted";
    pub const WEBHOOK_RESENT: &str = "webhook_resent";
}

/// Danish wording of an action for the audit page.
pub fn action_label(action: &str) -> &str {
    match action {
        action::SETUP => "Første opsætning",
        action::LOGIN => "Logget ind",
        action::LOGIN_FAILED => "Mislykket log ind",
        action::LOGIN_THROTTLED => "Login blokeret (for mange forsøg)",
        action::LOGOUT => "Logget ud",
        action::USER_CREATED => "Medarbejder oprettet",
        action::USER_DISABLED => "Medarbejder deaktiveret",
        action::USER_ENABLED => "Medarbejder genaktiveret",
        action::USER_UPDATED => "Medarbejder ændret",
        action::PASSWORD_CHANGED => "Adgangskode ændret",
        action::SESSION_ENDED => "Session afsluttet",
        action::TWO_STEP_ENABLED => "Totrinsbekræftelse slået til",
        action::TWO_STEP_DISABLED => "Totrinsbekræftelse slået fra",
        action::TWO_STEP_RESET => "Totrinsbekræftelse nulstillet",
        action::RECOVERY_CODES_RENEWED => "Nye reservekoder",
        action::SESSIONS_ENDED => "Sessioner afsluttet",
        action::JOBCENTER_CREATED => "Jobcenter oprettet",
        action::COMPANY_CREATED => "Virksomhed oprettet",
        action::COMPANY_UPDATED => "Virksomhed ændret",
        action::COMPANY_DELETED => "Virksomhed slettet",
        action::CLUSTER_INVITED => "Inviteret til en klynge",
        action::CLUSTER_JOINED => "Klyngemedlemskab accepteret",
        action::CLUSTER_LEFT => "Klynge forladt",
        action::COMPANY_MERGED => "Virksomheder lagt sammen",
        action::COMPANIES_IMPORTED => "Virksomheder importeret",
        action::POPULATION_IMPORTED => "CVR-udtræk importeret",
        action::COMPANIES_EXPORTED => "Virksomheder eksporteret",
        action::CONTACT_CREATED => "Kontaktperson tilføjet",
        action::CONTACT_UPDATED => "Kontaktperson ændret",
        action::CONTACT_REMOVED => "Kontaktperson fjernet",
        action::CONTACT_ERASED => "Kontaktpersons data slettet",
        action::SETTINGS_CHANGED => "Indstillinger ændret",
        action::ACTIVITY_CREATED => "Aktivitet registreret",
        action::ACTIVITY_UPDATED => "Aktivitet ændret",
        action::ACTIVITY_DELETED => "Aktivitet slettet",
        action::FOLLOW_UP_DONE => "Opfølgning udført",
        action::FOLLOW_UP_REOPENED => "Opfølgning genåbnet",
        action::CALENDAR_FEED_ENABLED => "Kalenderlink slået til",
        action::CALENDAR_FEED_REVOKED => "Kalenderlink slået fra",
        action::PLACEMENT_CREATED => "Forløb registreret",
        action::PLACEMENT_UPDATED => "Forløb ændret",
        action::TEXT_CHANGED => "Tekst ændret",
        action::TEXT_RESTORED => "Tekst gendannet",
        action::SUMMARY_SENT => "Opsummering sendt til virksomheden",
        action::NEED_CREATED => "Rekrutteringsbehov oprettet",
        action::NEED_UPDATED => "Rekrutteringsbehov ændret",
        action::NEED_STATUS_CHANGED => "Rekrutteringsbehovs status ændret",
        action::REFERRAL_SAVED => "Henvisning gemt",
        action::NEEDS_EXPORTED => "Rekrutteringsbehov eksporteret",
        action::CAMPAIGN_CREATED => "Kampagne oprettet",
        action::CAMPAIGN_UPDATED => "Kampagne ændret",
        action::CAMPAIGN_TARGETS_ADDED => "Virksomheder sat på kampagne",
        action::CAMPAIGN_TARGETS_SPLIT => "Kampagneliste fordelt",
        action::CAMPAIGN_TARGET_CHANGED => "Kampagnestatus ændret",
        action::CAMPAIGN_TARGET_REMOVED => "Virksomhed taget af kampagne",
        action::CAMPAIGN_EXPORTED => "Kampagneliste eksporteret",
        action::REQUEST_ASSIGNED => "Henvendelse tildelt",
        action::REQUEST_ANSWERED => "Henvendelse besvaret",
        action::REQUEST_CLOSED => "Henvendelse lukket",
        action::REQUEST_REOPENED => "Henvendelse genåbnet",
        action::REQUEST_SPAM => "Henvendelse markeret som spam",
        action::REQUEST_NOT_SPAM => "Henvendelse flyttet fra spam til indbakken",
        action::REQUEST_COMPANY_LINKED => "Henvendelse knyttet til virksomhed",
        action::REQUEST_HANDED_OVER => "Henvendelse givet videre til et jobcenter i klyngen",
        action::REQUEST_HANDED_IN => "Henvendelse modtaget fra et jobcenter i klyngen",
        action::REQUESTS_DELETED => "Henvendelser slettet (opbevaringsregel)",
        action::MAIL_RETRIED => "E-mail sendt igen",
        action::REQUEST_REGISTERED => "Henvendelse lagt ind af medarbejder",
        action::GOAL_CREATED => "Mål oprettet",
        action::GOAL_UPDATED => "Mål ændret",
        action::GOAL_DELETED => "Mål slettet",
        action::GOALS_COPIED => "Mål kopieret til næste halvår",
        action::BENCHMARK_SAVED => "Benchmarktal gemt",
        action::BENCHMARK_DELETED => "Benchmarktal slettet",
        action::BENCHMARK_IMPORTED => "Benchmarktal indlæst",
        action::DI_RANKING_SAVED => "DI-placering gemt",
        action::DI_RANKING_DELETED => "DI-placering slettet",
        action::OVERVIEW_EXPORTED => "Overblik eksporteret",
        action::SURVEY_OPTED_OUT => "Virksomhed frabedt tilfredshedsmålinger",
        action::API_TOKEN_CREATED => "API-nøgle oprettet",
        action::API_TOKEN_REVOKED => "API-nøgle tilbagekaldt",
        action::WEBHOOK_CREATED => "Webhook oprettet",
        action::WEBHOOK_PAUSED => "Webhook sat på pause",
        action::WEBHOOK_RESUMED => "Webhook genoptaget",
        action::WEBHOOK_DELETED => "Webhook slettet",
        action::WEBHOOK_RESENT => "Webhook-levering sendt igen",
        other => other,
    }
}

#[derive(Debug, Default, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub jobcenter_id: Option<i64>,
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub details: String,
    pub client_ip: Option<String>,
    pub created_at: NaiveDateTime,
}

impl NewAuditEntry<'_> {
    pub fn insert(&self, c: &mut DbConn) -> QueryResult<()> {
        diesel::insert_into(audit_log::table)
            .values(self)
            .execute(c)
            .map(drop)
    }
}

/// Who does something, from where and when: what every audit row of a signed-in user carries.
#[derive(Debug, Clone)]
pub struct Actor {
    pub jobcenter_id: i64,
    pub user_id: i64,
    pub client_ip: String,
    pub now: NaiveDateTime,
    /// The API token the change came through, named in its audit rows ("API-nøgle «BI»").
    pub via: Option<String>,
}

impl Actor {
    pub fn record(
        &self,
        c: &mut DbConn,
        action: &str,
        entity: &str,
        entity_id: Option<i64>,
        details: String,
    ) -> QueryResult<()> {
        NewAuditEntry {
            jobcenter_id: Some(self.jobcenter_id),
            user_id: Some(self.user_id),
            action,
            entity,
            entity_id,
            details: match &self.via {
                Some(via) if details.is_empty() => via.clone(),
                Some(via) => format!("{details} · {via}"),
                None => details,
            },
            client_ip: Some(self.client_ip.clone()),
            created_at: self.now,
        }
        .insert(c)
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub details: String,
    pub client_ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub user_name: Option<String>,
}

impl AuditRow {
    /// One page of a jobcenter's log, newest first, keyed by id so deep pages stay cheap.
    pub fn page(
        c: &mut DbConn,
        jobcenter_id: i64,
        before_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<AuditRow>> {
        let mut query = audit_log::table
            .left_join(users::table)
            .filter(audit_log::jobcenter_id.eq(jobcenter_id))
            .order(audit_log::id.desc())
            .limit(limit)
            .select((
                audit_log::id,
                audit_log::action,
                audit_log::entity,
                audit_log::entity_id,
                audit_log::details,
                audit_log::client_ip,
                audit_log::created_at,
                users::name.nullable(),
            ))
            .into_boxed();
        if let Some(before) = before_id {
            query = query.filter(audit_log::id.lt(before));
        }
        query.load(c)
    }
}
