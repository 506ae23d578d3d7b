//! `Application`: the service assembled from settings, as `serve` runs it and tests spawn it.
//!
//! `build` opens the store, builds the fetcher, ingestor, schema and router and binds the
//! listener (port 0 works); `run_until_stopped` serves until the shutdown future resolves,
//! then stops the scheduler, lets the in-flight HTTP requests finish and flushes the store.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::ServerSettings;
use crate::config::Settings;
use crate::events::EventBus;
use crate::fetch::Fetcher;
use crate::graphql::{build_api, AppState, Budget, Documents, PlaceBook, Rendered};
use crate::http::{router, HttpShared, HttpState};
use crate::ingest::Ingestor;
use crate::listen::ConnectionLimits;
use crate::readiness::Readiness;
use crate::registry::SourceRegistry;
use crate::response_cache::ResponseCache;
use crate::store::Store;

pub struct Application {
    listener: TcpListener,
    state: AppState,
    http: HttpState,
    imports: Imports,
    connections: ConnectionLimits,
}

/// Who starts imports in a running application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imports {
    /// The scheduler, on each source's cron (`serve`).
    Scheduled,
    /// Only the caller, through the ingestor (`import`, and tests that drive imports).
    OnDemand,
}

impl Application {
    /// Builds everything and binds the listen address; `imports` says whether the scheduler
    /// runs once the application is served.
    pub async fn build(settings: Settings, imports: Imports) -> anyhow::Result<Application> {
        let store = Store::open_with_cache(&settings.store.path, settings.store.cache_bytes)?;
        let instance_id: Arc<str> = match &settings.server.instance_id {
            Some(id) => id.as_str().into(),
            None => store.instance_id().context("reading the instance id")?.into(),
        };
        let fetcher = Fetcher::new(&settings.fetch).context("building the HTTP client")?;
        let events = EventBus::new(1024);
        let registry = SourceRegistry::load(store.clone(), &settings).context("loading the sources")?;
        let ingestor = Ingestor::new(
            store.clone(),
            fetcher,
            events.clone(),
            settings.ingest.clone(),
            registry,
            instance_id.clone(),
        );
        // After an upgrade that changed the matcher's keys: queries go on, imports wait.
        ingestor.rekey_in_background();
        let state = AppState {
            store,
            ingestor,
            events,
            max_page_size: settings.server.max_page_size,
            instance_id,
            places: PlaceBook::default(),
            documents: documents(&settings.server)?,
            topics: settings.topics.clone(),
            rendered: Rendered::default(),
        };
        let server = &settings.server;
        let budget = Budget {
            depth: server.max_query_depth,
            cost: server.max_query_complexity,
            page: server.max_page_size,
            root_fields: server.max_root_fields,
            aliases: server.max_aliases,
            introspection: server.introspection,
        };
        let api = build_api(state.clone(), budget, server.request_timeout);
        let http = HttpState::new(HttpShared {
            schema: api,
            app: state.clone(),
            operator_token: settings.operator_token.clone(),
            metrics: crate::telemetry::metrics_handle(),
            cors: settings.server.cors_origins.clone(),
            cache_max_age_secs: settings.server.cache_max_age_secs,
            handshake_timeout: settings.server.handshake_timeout,
            max_subscriptions_per_connection: settings.server.max_subscriptions_per_connection,
            max_websocket_backlog: settings.server.max_websocket_backlog,
            answers: match settings.server.response_cache {
                true => ResponseCache::default(),
                false => ResponseCache::off(),
            },
            readiness: Readiness::new(state.store.clone(), &state.ingestor.sources(), settings.server.ready_after),
            pages: crate::finder_page::PageConfig::new(settings.server.map_tiles.clone()),
        });
        let listener = TcpListener::bind(settings.server.listen)
            .await
            .with_context(|| format!("listening on {}", settings.server.listen))?;
        let connections = ConnectionLimits {
            max_connections: settings.server.max_connections,
            handshake_timeout: settings.server.handshake_timeout,
        };
        Ok(Application { listener, state, http, imports, connections })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The state the API reads (the ingestor, the store, the event bus).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let mut scheduler = if self.imports == Imports::Scheduled {
            Some(crate::scheduler::start(self.state.ingestor.clone(), self.state.store.clone()).await?)
        } else {
            None
        };
        let ingestor = self.state.ingestor.clone();
        tokio::spawn(async move { crate::scheduler::sweep(&ingestor).await });
        tracing::info!(addr = %self.listener.local_addr()?, "serving GraphQL on /graphql");
        crate::listen::serve(self.listener, router(self.http), self.connections, shutdown)
            .await
            .context("serving HTTP")?;
        if let Some(s) = scheduler.as_mut() {
            if let Err(e) = s.shutdown().await {
                tracing::warn!(error = %e, "stopping the scheduler");
            }
        }
        self.state.store.flush().await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received");
}

/// The parsed-document cache, with the operator's trusted documents when configured.
fn documents(server: &ServerSettings) -> anyhow::Result<Documents> {
    let Some(trusted) = &server.trusted_documents else { return Ok(Documents::default()) };
    let path = trusted.manifest.display();
    let text = std::fs::read_to_string(&trusted.manifest)
        .with_context(|| format!("server.trusted_documents: cannot read the manifest {path}"))?;
    Documents::with_manifest(&text, trusted.only)
        .map_err(|why| anyhow::anyhow!("server.trusted_documents: {path}: {why}"))
}
