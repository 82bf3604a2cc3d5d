//! Serving the router on a socket, in a tokio task, with graceful shutdown.

use crate::config::ServerConfig;
use crate::store::Db;
use crate::http::router;
use crate::metrics::Metrics;
use crate::state::AppState;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a shutdown waits for requests in flight and the message being
/// sent before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);
/// Of which, for the outbox's worker to finish the message in hand (the
/// rows it still holds are then given back to the queue).
const SEND_GRACE: Duration = Duration::from_secs(5);

/// A server started by [`spawn`]. Dropping it also stops it (gracefully, in
/// the background); [`RunningServer::shutdown`] waits for the end.
pub struct RunningServer {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    pub metrics: Arc<Metrics>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Stops accepting connections, lets requests in flight finish (at most
    /// 10 s), and returns when the server task has ended.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let abort = self.task.abort_handle();
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut self.task).await {
            Ok(Ok(Ok(()))) => tracing::info!(addr = %self.addr, "server stopped"),
            Ok(Ok(Err(e))) => tracing::error!(error = %e, "server ended with an error"),
            Ok(Err(e)) => tracing::error!(error = %e, "server task failed"),
            Err(_) => {
                tracing::warn!("requests still in flight after the grace period; cut");
                abort.abort();
            }
        }
    }
}

/// Binds `listen` (port 0 picks a free port) and serves the API over `db` in
/// a tokio task. The database must be migrated already.
/// Without a `public_url`, the e-mails' links lead to the address it
/// listens on (`http://127.0.0.1:<port>` for the demo server).
pub async fn spawn(db: Db, listen: SocketAddr, mut config: ServerConfig) -> anyhow::Result<RunningServer> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    if config.public_url.is_none() {
        config.public_url = Some(format!("http://{addr}"));
    }
    let state = AppState::new(db, config)?;
    let metrics = state.metrics();
    let (stop, stopped) = oneshot::channel::<()>();
    let maintenance = crate::maintenance::spawn(state.clone());
    let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
    let mut worker = crate::outbox::spawn_worker(state.clone(), worker_stop);
    let worker_state = state.clone();
    let app = router(state);
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                // A send or a drop of the RunningServer both stop the server.
                let _ = stopped.await;
            })
            .await;
        maintenance.abort();
        // No more requests: let the outbox's worker finish its message, then
        // give back what it still holds (sent by the next start or a replica).
        let _ = stop_worker.send(true);
        if tokio::time::timeout(SEND_GRACE, &mut worker).await.is_err() {
            tracing::warn!("a message was still being sent after the grace period; cut");
            worker.abort();
        }
        crate::outbox::release_held(&worker_state).await;
        served
    });
    tracing::info!(%addr, "server listening");
    Ok(RunningServer { addr, metrics, stop: Some(stop), task })
}
