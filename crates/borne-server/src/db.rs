//! The database handle: a SQLite pool in WAL mode.

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 8;

#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: SqlitePool,
}

impl Db {
    /// Opens (and creates if missing) the database at `database_url`, e.g.
    /// `sqlite:///var/lib/borne/borne.db` or `sqlite://borne.db` (relative to
    /// the working directory). In-memory databases are not supported: every
    /// pooled connection would see its own.
    pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
        let options = SqliteConnectOptions::from_str(database_url)
            .context("the database URL is not a SQLite URL (sqlite://path/to/file.db)")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .context("cannot open the SQLite database")?;
        Ok(Db { pool })
    }

    /// Applies the migrations of `crates/borne-server/migrations/` not yet applied.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::migrate!("./migrations").run(&self.pool).await.context("database migration failed")?;
        Ok(())
    }

    /// True when the database answers `SELECT 1`.
    pub async fn is_ready(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Closes every connection (waits for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, in unix seconds: every timestamp of the schema.
pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Lower-case hex of 16 random bytes.
pub(crate) fn random_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
