//! What every request handler shares.

use crate::client::TrustedProxies;
use crate::config::ServerConfig;
use crate::store::Db;
use crate::delivery::Delivery;
use crate::devices::DeviceAuth;
use crate::metrics::Metrics;
use crate::passwords::Verifier;
use crate::throttle::Throttle;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub(crate) db: Db,
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) verifier: Arc<Verifier>,
    pub(crate) delivery: Delivery,
    pub(crate) devices: DeviceAuth,
    pub(crate) throttle: Throttle,
    pub(crate) proxies: TrustedProxies,
    pub(crate) outbox: crate::outbox::Outbox,
}

impl AppState {
    /// Fails when the delivery configuration is unusable (e.g. SMTP
    /// credentials without TLS to a remote relay).
    pub fn new(db: Db, config: ServerConfig) -> anyhow::Result<AppState> {
        let metrics = Arc::new(Metrics::default());
        let templates = borne_content::messages(&config.profile, config.language)?;
        let delivery = Delivery::with_templates(config.delivery.clone(), config.support.clone(), templates)?;
        let devices = DeviceAuth::new(db.clone(), config.devices.clone(), config.support.clone());
        let throttle = Throttle::new(config.throttle.clone(), config.support.clone());
        let proxies = TrustedProxies::new(config.trusted_proxies.clone());
        let outbox = crate::outbox::Outbox::new(crate::delivery::Sealer::new(&config.outbox_key), config.delivery.retry_policy());
        Ok(AppState {
            outbox,
            proxies,
            db,
            config: Arc::new(config),
            verifier: Arc::new(Verifier::new(metrics.clone())),
            metrics,
            delivery,
            devices,
            throttle,
        })
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

    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }
}

impl axum::extract::FromRef<AppState> for DeviceAuth {
    fn from_ref(s: &AppState) -> Self {
        s.devices.clone()
    }
}
