//! `devices` (ids, names, heartbeats: never a key) and `device_nonces` (the
//! kiosk signatures seen, for replay checks): `crate::devices`.

use anyhow::Context;
use sqlx::{Any, Executor};

/// Records a signature until `expires_at`, in one statement; false when it
/// is already recorded and its window has not ended at `now` (a replay).
pub(crate) async fn remember_signature(
    ex: impl Executor<'_, Database = Any>,
    signature: &str,
    expires_at: i64,
    now: i64,
) -> anyhow::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO device_nonces (signature, expires_at) VALUES ($1, $2)
         ON CONFLICT (signature) DO UPDATE SET expires_at = $2 WHERE device_nonces.expires_at < $3",
    )
    .bind(signature)
    .bind(expires_at)
    .bind(now)
    .execute(ex)
    .await
    .context("device signature: replay check")?
    .rows_affected();
    Ok(inserted == 1)
}

pub(crate) async fn insert(ex: impl Executor<'_, Database = Any>, id: &str, name: &str, enrolled_at: i64) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO devices (id, name, enrolled_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(name)
        .bind(enrolled_at)
        .execute(ex)
        .await
        .context("device enrolment")?;
    Ok(())
}

pub(crate) async fn exists(ex: impl Executor<'_, Database = Any>, id: &str) -> anyhow::Result<bool> {
    let row = sqlx::query_as::<_, (String,)>("SELECT id FROM devices WHERE id = $1")
        .bind(id)
        .fetch_optional(ex)
        .await
        .context("device look-up")?;
    Ok(row.is_some())
}

/// Records a heartbeat; false when the device is unknown.
pub(crate) async fn heartbeat(
    ex: impl Executor<'_, Database = Any>,
    id: &str,
    version: &str,
    healthy: bool,
    detail: Option<&str>,
    at: i64,
) -> anyhow::Result<bool> {
    let done = sqlx::query("UPDATE devices SET version = $1, healthy = $2, detail = $3, last_seen = $4 WHERE id = $5")
        .bind(version)
        .bind(i64::from(healthy))
        .bind(detail)
        .bind(at)
        .bind(id)
        .execute(ex)
        .await
        .context("device heartbeat")?;
    Ok(done.rows_affected() == 1)
}

/// Every device: id, name, version, healthy (0/1), detail, enrolled at, last seen; by name.
pub(crate) type Row = (String, String, Option<String>, Option<i64>, Option<String>, i64, Option<i64>);

pub(crate) async fn all(ex: impl Executor<'_, Database = Any>) -> anyhow::Result<Vec<Row>> {
    sqlx::query_as::<_, Row>("SELECT id, name, version, healthy, detail, enrolled_at, last_seen FROM devices ORDER BY name, id")
        .fetch_all(ex)
        .await
        .context("device list")
}
