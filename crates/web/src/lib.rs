//! gongkai-web: one port serves the public portal (`/`), the staff console (`/console`), the JSON
//! API (`/api/v1`, described at `/api/openapi.json`) and `/healthz`.
//!
//! By audience: `portal/`, `console/`, `api/`, each with a file per area of work. Shared by all
//! three, at this level: `error` (the refusal pages and bodies), `session` (who is logged in,
//! CSRF), `posted` (form extractors), `view` (templates' common parts), `site` (today, the site's
//! name), `limit` and `page_cache`, `hant` (the 繁體 view), `site_search` (the search index),
//! `submitter` (the application writer). `report/` renders the annual report (HTML, DOCX, PDF,
//! charts), `documents/` the DOCX writer and letters as files.

use axum::Router;
use axum::http::{HeaderValue, Request, header};
use gongkai_store::Store;
use std::net::SocketAddr;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

mod api;
mod console;
mod error;
pub mod hant;
mod letter;
pub mod limit;
mod page_cache;
mod portal;
mod posted;
pub mod report;
mod session;
mod site;
pub mod site_search;
mod submitter;
mod view;

pub use api::ApiDoc;
pub use error::AppError;

/// Failed logins from one address in 15 minutes after which that address may not log in for
/// the rest of the window (our rule; the account stays open to everyone else).
pub const LOGIN_FAILURES_PER_ADDRESS: usize = 5;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: WebConfig,
    limits: std::sync::Arc<limit::RateLimits>,
    trusted_proxies: std::sync::Arc<Vec<limit::Cidr>>,
    submitter: submitter::Submitter,
    pub search: site_search::SiteSearch,
    pages: page_cache::PageCache,
}

impl AppState {
    /// Needs a tokio runtime: it starts the application writer.
    pub fn new(store: Store, config: WebConfig) -> AppState {
        use limit::Bucket;
        let hour = std::time::Duration::from_secs(3600);
        let quarter = std::time::Duration::from_secs(900);
        let limits = limit::RateLimits::new(
            Box::new(limit::MemoryCounters::default()),
            &[
                (Bucket::Apply, config.applications_per_hour, hour),
                (Bucket::Status, config.status_lookups_per_hour, hour),
                (Bucket::Contribute, config.contributions_per_hour, hour),
                (Bucket::Login, config.logins_per_quarter_hour, quarter),
                (Bucket::LoginFailure, LOGIN_FAILURES_PER_ADDRESS, quarter),
            ],
        );
        let trusted_proxies = std::sync::Arc::new(config.trusted_proxies.clone());
        AppState {
            submitter: submitter::Submitter::start(store.clone()),
            store,
            config,
            limits: std::sync::Arc::new(limits),
            trusted_proxies,
            search: site_search::SiteSearch::in_memory(),
            pages: page_cache::PageCache::default(),
        }
    }

    /// Search with this index (kept on disk) instead of one in memory.
    pub fn with_search(mut self, index: gongkai_search::Search) -> AppState {
        self.search = site_search::SiteSearch::new(index);
        self
    }
}

/// Options of the web server (all documented in the README's configuration table).
#[derive(Clone, Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct WebConfig {
    /// Mark cookies Secure (set this when the site is served over HTTPS, as it must be in
    /// production)
    #[cfg_attr(feature = "cli", arg(long, env = "GONGKAI_SECURE_COOKIES"))]
    pub secure_cookies: bool,
    /// Online applications accepted per client address per hour
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_APPLICATIONS_PER_HOUR", default_value_t = 20)
    )]
    pub applications_per_hour: usize,
    /// Application status look-ups per client address per hour
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_STATUS_LOOKUPS_PER_HOUR", default_value_t = 60)
    )]
    pub status_lookups_per_hour: usize,
    /// Opinions, interview questions and messages accepted per client address per hour
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_CONTRIBUTIONS_PER_HOUR", default_value_t = 20)
    )]
    pub contributions_per_hour: usize,
    /// Login attempts per client address per 15 minutes (beside each account's own lock after
    /// 5 wrong passwords)
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_LOGINS_PER_QUARTER_HOUR", default_value_t = 30)
    )]
    pub logins_per_quarter_hour: usize,
    /// Reverse proxies whose X-Forwarded-For / X-Real-IP name the client (CIDR, repeatable or
    /// comma-separated); from anyone else those headers are ignored
    #[cfg_attr(
        feature = "cli",
        arg(long = "trusted-proxy", env = "GONGKAI_TRUSTED_PROXIES", value_name = "CIDR",
            value_delimiter = ',', value_parser = limit::Cidr::parse)
    )]
    pub trusted_proxies: Vec<limit::Cidr>,
    /// Host names the site answers to in its links (besides the public URL's host and
    /// localhost); an unlisted Host header never reaches a page, a feed or the sitemap
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "allowed-host",
            env = "GONGKAI_ALLOWED_HOSTS",
            value_name = "HOST",
            value_delimiter = ','
        )
    )]
    pub allowed_hosts: Vec<String>,
    /// Run the website inspection at start and every N hours (0: only on demand)
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_INSPECT_EVERY_HOURS", default_value_t = 24)
    )]
    pub inspect_every_hours: u64,
    /// The site's public address (https://www.panyu.gov.cn), for canonical links, feeds and
    /// the sitemap; empty: the request's host if it is allowed (--allowed-host, localhost),
    /// else http://localhost
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_PUBLIC_URL", default_value = "")
    )]
    pub public_url: String,
    /// 网站标识码 shown in the footer
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_SITE_CODE", default_value = "")
    )]
    pub site_code: String,
    /// ICP备案号 shown in the footer
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_ICP_RECORD", default_value = "")
    )]
    pub icp_record: String,
    /// 公安备案号 shown in the footer
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_POLICE_RECORD", default_value = "")
    )]
    pub police_record: String,
    /// Keep rendered public pages this many seconds (0: never); any change made through the
    /// server empties the cache at once
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GONGKAI_PAGE_CACHE_SECONDS", default_value_t = 2)
    )]
    pub page_cache_seconds: u64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            applications_per_hour: 20,
            status_lookups_per_hour: 60,
            contributions_per_hour: 20,
            logins_per_quarter_hour: 30,
            trusted_proxies: Vec::new(),
            allowed_hosts: Vec::new(),
            inspect_every_hours: 0,
            public_url: String::new(),
            site_code: String::new(),
            icp_record: String::new(),
            police_record: String::new(),
            page_cache_seconds: 0,
        }
    }
}

/// The whole site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(portal::routes())
        .merge(console::routes())
        .merge(api::routes())
        .fallback(portal::not_found)
        .with_state(state)
        .layer(
            // Log the method and path only: queries and bodies can carry personal data.
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                tracing::debug_span!("http", method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; media-src 'self' https:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        // Bodies are read by axum's extractors, which all keep to this limit; the routes that
        // take files set their own (a route's limit overrides this one).
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
}

/// Serve until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    tokio::spawn(state.search.clone().follow(state.store.clone()));
    if state.config.inspect_every_hours > 0 {
        tokio::spawn(inspect_on_schedule(
            state.store.clone(),
            state.config.inspect_every_hours,
        ));
    }
    // The 繁體 view rewrites paths, so it wraps the router (it must run before routing).
    // (An outer router's middleware runs before the inner router routes.)
    // The page cache wraps both: a cached page skips the 繁體 conversion, the footer and the
    // validator as well as its rendering.
    let app = Router::new()
        .fallback_service(router(state.clone()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hant::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            page_cache::layer,
        ));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

/// Run the website inspection now and then every `hours` hours (a finding list per run in
/// the console; the office decides what goes into a notice).
async fn inspect_on_schedule(store: Store, hours: u64) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(hours * 3600));
    loop {
        every.tick().await;
        match store
            .run_inspection(
                &gongkai_store::actor::Actor::system("system:schedule"),
                site::today(),
            )
            .await
        {
            Ok(run) => tracing::info!(run = run.id, findings = run.findings, "inspection ran"),
            Err(e) => tracing::error!(error = %e, "scheduled inspection failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
