//! Typed configuration, built once from flags and environment.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// Settings shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// Database: postgres://… selects PostgreSQL; a file path or sqlite://path selects SQLite
    /// [default: DATA_DIR/jobcenter-crm.db]
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Directory for the SQLite database and the generated secret key
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
}

impl DbArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| self.data_dir.join("jobcenter-crm.db").display().to_string())
    }
}

/// Flags and environment of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Secret for sessions and form tokens (at least 32 characters); generated into the data
    /// directory when absent
    #[arg(long, env = "SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Set when the app is served over HTTPS (behind a TLS proxy): cookies get Secure, HSTS is sent
    #[arg(long, env = "BEHIND_TLS", default_value_t = false)]
    pub behind_tls: bool,

    /// The proxies of your own in front of the app: `true` for one, a number for a chain. The
    /// client address is then the one the outermost of them appended to X-Forwarded-For
    #[arg(long, env = "TRUST_PROXY", default_value = "false", value_parser = proxy_hops)]
    pub trust_proxy: u8,

    /// Public base URL used in printed links, e.g. https://crm.example.dk
    #[arg(long, env = "BASE_URL")]
    pub base_url: Option<String>,

    /// Database connections in the pool [default: 4 on SQLite, which writes one at a time
    /// and reads from a local file; 8 on PostgreSQL]
    #[arg(long, env = "DB_POOL_SIZE")]
    pub pool_size: Option<u32>,

    /// Mail server for notifications, e.g. smtps://user:password@smtp.example.dk or
    /// smtp://localhost:25; without it mails wait in the outbox (visible to admins)
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of notification mails, e.g. "Jobcenter Køge <noreply@koege.dk>"; needed with SMTP_URL
    #[arg(long, env = "MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Submissions of the public contact form one client address may send per 10 minutes
    /// (raise it when many companies share one address; 0 turns the limit off, for load tests
    /// or when a proxy in front limits)
    #[arg(long, env = "CONTACT_FORM_LIMIT", default_value_t = 5)]
    pub contact_form_limit: i64,

    /// Log database statements that take this many milliseconds or more, with their SQL but
    /// not their values (0 turns the log off)
    #[arg(long, env = "SLOW_QUERY_MS", default_value_t = 250)]
    pub slow_query_ms: u64,

    /// Token that `/metrics` asks for (`Authorization: Bearer …`); without it `/metrics` is off
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Requests one API token may make per minute; more answer 429 with Retry-After
    #[arg(long, env = "API_RATE_LIMIT", default_value_t = 600)]
    pub api_rate_limit: u32,

    /// SQLite: keep a backup copy a day, this many days, in `backups/` beside the database
    /// (0: none; PostgreSQL is backed up with pg_dump)
    #[arg(long, env = "BACKUP_KEEP", default_value_t = 0)]
    pub backup_keep: usize,

    /// When the database has no jobcenter yet, fill it with a small demo (2,000 companies,
    /// 20,000 activities, campaigns, placements and requests) and print the demo logins once
    #[arg(long)]
    pub demo: bool,
}

/// What the running app needs to know.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub secret_key: Vec<u8>,
    pub behind_tls: bool,
    /// Proxies of our own in front (0: none): see [`crate::web::auth::client_ip`].
    pub trust_proxy: u8,
    pub base_url: String,
    pub pool_size: u32,
    pub pool_timeout: Duration,
    /// Where mail goes; `None` keeps mails in the outbox.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Public contact form submissions per client address per 10 minutes; 0 means no limit.
    pub contact_form_limit: i64,
    /// Statements this slow are logged; `None` logs none.
    pub slow_query: Option<Duration>,
    /// What `/metrics` asks for; `None` turns it off.
    pub metrics_token: Option<String>,
    /// Requests per minute one API token may make.
    pub api_rate_limit: u32,
}

impl std::fmt::Debug for Config {
    // The secret key stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("behind_tls", &self.behind_tls)
            .field("trust_proxy", &self.trust_proxy)
            .field("base_url", &self.base_url)
            .field("pool_size", &self.pool_size)
            .field("smtp", &self.smtp_url.is_some())
            .field("mail_from", &self.mail_from)
            .field("contact_form_limit", &self.contact_form_limit)
            .field("slow_query", &self.slow_query)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("SECRET_KEY must be at least 32 characters long")]
    ShortSecret,
    #[error("cannot read or write the secret key file {0}: {1}")]
    SecretFile(String, std::io::Error),
    #[error("MAIL_FROM must be set to the sender address when SMTP_URL is set")]
    MissingMailFrom,
}

impl Config {
    pub fn from_args(db: &DbArgs, serve: &ServeArgs) -> Result<Config, ConfigError> {
        let secret_key = match &serve.secret_key {
            Some(s) if s.len() >= 32 => s.as_bytes().to_vec(),
            Some(_) => return Err(ConfigError::ShortSecret),
            None => load_or_create_secret(&db.data_dir)?,
        };
        let smtp_url = serve.smtp_url.clone().filter(|u| !u.trim().is_empty());
        let mail_from = serve
            .mail_from
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string();
        if smtp_url.is_some() && mail_from.is_empty() {
            return Err(ConfigError::MissingMailFrom);
        }
        let base_url = serve
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", serve.bind))
            .trim_end_matches('/')
            .to_string();
        let database_url = db.database_url();
        let postgres = crate::db::DbUrl::parse(&database_url).is_ok_and(|u| !u.is_sqlite());
        let pool_size = serve
            .pool_size
            .unwrap_or(if postgres { 8 } else { 4 })
            .max(1);
        Ok(Config {
            database_url,
            bind: serve.bind.clone(),
            secret_key,
            behind_tls: serve.behind_tls,
            trust_proxy: serve.trust_proxy,
            base_url,
            pool_size,
            pool_timeout: Duration::from_secs(5),
            smtp_url,
            mail_from,
            contact_form_limit: serve.contact_form_limit.max(0),
            slow_query: (serve.slow_query_ms > 0)
                .then(|| Duration::from_millis(serve.slow_query_ms)),
            metrics_token: serve.metrics_token.clone().filter(|t| !t.trim().is_empty()),
            api_rate_limit: serve.api_rate_limit.max(1),
        })
    }

    /// A configuration for tests: a fixed secret and a small pool.
    pub fn for_tests(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_string(),
            bind: "127.0.0.1:0".into(),
            secret_key: b"test-secret-key-that-is-long-enough-0123456789".to_vec(),
            behind_tls: false,
            trust_proxy: 0,
            base_url: "http://localhost".into(),
            pool_size: 4,
            pool_timeout: Duration::from_secs(5),
            smtp_url: None,
            mail_from: "Jobcenter CRM <crm@jobcenter.test>".into(),
            contact_form_limit: 5,
            slow_query: None,
            metrics_token: None,
            api_rate_limit: 600,
        }
    }
}

/// The key lives in `DATA_DIR/secret_key`, readable by the owner only.
fn load_or_create_secret(dir: &Path) -> Result<Vec<u8>, ConfigError> {
    let path = dir.join("secret_key");
    let err = |e| ConfigError::SecretFile(path.display().to_string(), e);
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().as_bytes().to_vec()),
        Ok(_) => return Err(ConfigError::ShortSecret),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
        Err(_) => {}
    }
    std::fs::create_dir_all(dir).map_err(err)?;
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, &secret).map_err(err)?;
    tracing::info!("generated a new secret key in {}", path.display());
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

/// `TRUST_PROXY`: `false` (none), `true` (one proxy) or how many stand in a chain.
fn proxy_hops(value: &str) -> Result<u8, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "false" | "no" | "0" => Ok(0),
        "true" | "yes" => Ok(1),
        n => n
            .parse()
            .map_err(|_| format!("expected true, false or a number of proxies, got {value:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_proxy_is_a_yes_no_or_a_number_of_hops() {
        assert_eq!(proxy_hops("false"), Ok(0));
        assert_eq!(proxy_hops("TRUE"), Ok(1));
        assert_eq!(proxy_hops("2"), Ok(2));
        assert!(proxy_hops("måske").is_err());
    }
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn config(args: &[&str]) -> Config {
        let secret = [
            "--secret-key",
            "a secret key of thirty-two characters or more",
        ];
        let argv = std::iter::once("jobcenter-crm")
            .chain(secret)
            .chain(args.iter().copied());
        let cli = Cli::try_parse_from(argv).unwrap();
        Config::from_args(&cli.db, &cli.serve).unwrap()
    }

    #[test]
    fn the_pool_fits_the_database_unless_set() {
        assert_eq!(config(&["--database-url", "data/crm.db"]).pool_size, 4);
        assert_eq!(
            config(&["--database-url", "postgres://db/crm"]).pool_size,
            8
        );
        let set = ["--database-url", "data/crm.db", "--pool-size", "12"];
        assert_eq!(config(&set).pool_size, 12);
    }

    #[test]
    fn slow_queries_are_logged_from_a_quarter_second_unless_set() {
        let url = ["--database-url", "data/crm.db"];
        assert_eq!(config(&url).slow_query, Some(Duration::from_millis(250)));
        let off = ["--database-url", "data/crm.db", "--slow-query-ms", "0"];
        assert_eq!(config(&off).slow_query, None);
    }
}
