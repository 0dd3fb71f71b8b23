//! Builds the application from settings and binds its port (port 0 in tests).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};

use crate::acquirer::http::{HttpAcquirer, HttpAcquirerConfig};
use crate::acquirer::{Acquirer, Measured};
use crate::auth::merchant::require_api_key;
use crate::caches::{self, Caches};
use crate::configuration::Settings;
use crate::domain::clock::{Clock, SystemClock};
use crate::error::{api_not_found, json_error, path_error, query_error};
use crate::keys::Keys;
use crate::metrics::Metrics;
use crate::rate_limit::Limits;
use crate::routes::{health, spa};
use crate::state::AppState;
use crate::webhooks::delivery::Notifier;
use crate::webhooks::ssrf::{HostResolver, SystemResolver};
use crate::{cabinet_api, db, docs, payer, payment_api, telemetry, workers};

/// JSON bodies larger than this are refused with `413 payload_too_large`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        Self::build_full(settings, clock, None, Arc::new(SystemResolver)).await
    }

    /// Builds with every outside dependency given: clock, bank connector (by default the HTTP
    /// connector to `acquirer.url`), and name resolution.
    pub async fn build_full(
        settings: Settings,
        clock: Arc<dyn Clock>,
        acquirer: Option<Arc<dyn Acquirer>>,
        resolver: Arc<dyn HostResolver>,
    ) -> anyhow::Result<Application> {
        settings.validate().map_err(anyhow::Error::msg)?;
        let db = db::pool(&settings.database)?;
        let read_db = db::read_pool(&settings.database, &db)?;
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))?;
        let port = listener.local_addr()?.port();
        let public_url: Arc<str> = Arc::from(settings.public_url(port));
        let keys = Arc::new(Keys::resolve(&settings)?);
        let acquirer = match acquirer {
            Some(a) => a,
            None => Arc::new(HttpAcquirer::new(HttpAcquirerConfig {
                url: settings.acquirer_url(port),
                bank_name: settings.acquirer.bank_name.clone(),
                timeout: std::time::Duration::from_secs(settings.acquirer.timeout_seconds),
                label: settings.acquirer.label.clone(),
            })?),
        };
        let metrics = Arc::new(Metrics::new()?);
        let acquirer: Arc<dyn Acquirer> = Arc::new(Measured { inner: acquirer, metrics: metrics.clone() });
        let limits = Arc::new(Limits::new(&settings.rate_limits));
        let notifier =
            Arc::new(Notifier::new(&settings.webhooks, settings.server.allow_private_webhook_targets, resolver)?);
        let caches = Arc::new(Caches::new(std::time::Duration::from_secs(settings.caches.api_key_seconds)));
        let state = AppState {
            db,
            read_db,
            settings: Arc::new(settings),
            clock,
            public_url,
            keys,
            limits,
            acquirer,
            notifier,
            caches,
            metrics,
        };
        let spa = spa::Spa::load(&state.settings.server.static_dir);
        let server = run(listener, state.clone(), spa)?;
        Ok(Application { port, server, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, then drains in-flight requests (graceful shutdown) and
    /// stops the background workers.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        // Every node keeps its caches true, whether or not it runs the workers.
        let listener = tokio::spawn(caches::listen(self.state.clone(), stopped.clone()));
        let workers =
            self.state.settings.workers.enabled.then(|| tokio::spawn(workers::run(self.state.clone(), stopped)));
        let result = self.server.await;
        let _ = stop.send(true);
        if let Some(w) = workers {
            let _ = w.await;
        }
        let _ = listener.await;
        result
    }
}

fn run(listener: TcpListener, state: AppState, spa: spa::Spa) -> std::io::Result<Server> {
    let shutdown_timeout = state.settings.server.shutdown_timeout_seconds;
    let csp = spa.csp.clone();
    // Behind https, browsers are told to come back only over https.
    let hsts = state.public_url.starts_with("https://");
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let no_store = || DefaultHeaders::new().add(("Cache-Control", "no-store"));
        App::new()
            .app_data(data.clone())
            .app_data(web::JsonConfig::default().limit(MAX_BODY_BYTES).error_handler(json_error))
            .app_data(web::PayloadConfig::default().limit(MAX_BODY_BYTES))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .wrap(Compress::default())
            .wrap(Condition::new(
                hsts,
                DefaultHeaders::new().add(("Strict-Transport-Security", "max-age=63072000; includeSubDomains")),
            ))
            .wrap(
                // Added only where a handler did not set its own.
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", csp.as_str()))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("Cross-Origin-Opener-Policy", "same-origin")),
            )
            .wrap(from_fn(docs::guard))
            .wrap(from_fn(telemetry::request_middleware))
            .configure(health::config)
            .configure(crate::metrics::config)
            .service(
                web::scope("/api/v1")
                    .wrap(from_fn(require_api_key))
                    .wrap(no_store())
                    .configure(payment_api::config)
                    .default_service(web::to(api_not_found)),
            )
            .service(
                web::scope("/cabinet/api/v1")
                    .wrap(no_store())
                    .configure(cabinet_api::config)
                    .default_service(web::to(api_not_found)),
            )
            .configure(payer::config)
            .configure(docs::config)
            .configure(spa::config(spa.clone()))
    })
    .shutdown_timeout(shutdown_timeout)
    .listen(listener)?
    .run();
    Ok(server)
}
