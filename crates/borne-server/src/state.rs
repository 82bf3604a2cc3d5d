//! What every request handler shares.

use crate::config::ServerConfig;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::passwords::Verifier;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub(crate) db: Db,
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) verifier: Arc<Verifier>,
}

impl AppState {
    pub fn new(db: Db, config: ServerConfig) -> AppState {
        let metrics = Arc::new(Metrics::default());
        AppState { db, config: Arc::new(config), verifier: Arc::new(Verifier::new(metrics.clone())), metrics }
    }

    pub fn metrics(&self) -> Arc<Metrics> {
        self.metrics.clone()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn config(&self) -> &ServerConfig {
        &self.config
    }
}
