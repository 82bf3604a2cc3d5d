//! Logs to stderr, and also to the file named by `BORNE_LOG_FILE` when set.
//! Nothing the app logs carries a NIR, a password or a token: commands log
//! outcomes and error codes only, and secrets are `Secret`s whose Debug is masked.

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_env("BORNE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file_layer = std::env::var_os("BORNE_LOG_FILE").and_then(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map(|f| fmt::layer().with_ansi(false).with_writer(std::sync::Mutex::new(f)))
            .ok()
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
}
