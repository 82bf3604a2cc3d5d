//! The process's log lines, kept in memory for the tests that read what the
//! server logged. A test binary has one tracing subscriber for all its
//! threads (per-thread subscribers of parallel tests lose events), so the
//! tests that read the log take turns: each gets it emptied, and holds the
//! guard until it is done.
#![allow(dead_code)]

use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The log, emptied, for this test alone while the guard lives. The first
/// call installs the subscriber with `filter` (e.g. "trace", "info"): one
/// filter per test binary.
pub async fn capture_logs(filter: &str) -> (Captured, tokio::sync::MutexGuard<'static, ()>) {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let turn = TURN.lock().await;
    let captured = CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            tracing_subscriber::fmt().with_ansi(false).with_env_filter(filter).with_writer(move || writer.clone()).init();
            captured
        })
        .clone();
    captured.0.lock().unwrap().clear();
    (captured, turn)
}
