//! The database handle: one pool over SQLite (WAL, the default) or
//! PostgreSQL, chosen at run time by the URL's scheme, through sqlx's `Any`
//! driver.
//!
//! Every query of the crate (all of them in `store/`) is written once for both: numbered parameters
//! (`$1`, which SQLite accepts too), integers and text only (timestamps are
//! unix seconds in `BIGINT` columns on PostgreSQL, flags 0/1), `RETURNING`.
//! Each backend has its own migrations directory, `migrations/sqlite/` and
//! `migrations/postgres/`, holding the same file names.

use anyhow::{bail, Context};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};
use std::str::FromStr;
use std::time::Duration;

/// How long a SQLite statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// SQLite has a single writer, and each connection is a thread of its own:
/// two are enough and cost less CPU than eight (borne-bench, 200 clients:
/// 0.91 ms of server CPU per log-in outside Argon2 with 2, 1.00-1.20 with 8;
/// docs/performance.md).
const SQLITE_MAX_CONNECTIONS: u32 = 2;
/// PostgreSQL locks rows, not the database: enough connections for every
/// log-in in flight to hold one while it waits on a member's row lock.
const POSTGRES_MAX_CONNECTIONS: u32 = 32;
/// How long a request waits for a free connection of the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Which database a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL names by its scheme: `sqlite:`, or `postgres:` /
    /// `postgresql:`.
    pub(crate) fn of_url(database_url: &str) -> anyhow::Result<Backend> {
        let scheme = database_url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
        match scheme.as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => bail!(
                "unsupported database URL: expected sqlite://path/to/file.db or postgres://user@host:port/database"
            ),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens the database at `database_url`:
    ///
    /// - SQLite (created if missing, WAL journal, 5 s busy timeout, foreign
    ///   keys enforced): `sqlite:///var/lib/borne/borne.db`, or
    ///   `sqlite://borne.db` relative to the working directory. In-memory
    ///   databases are not supported: every pooled connection would see its own.
    /// - PostgreSQL (the database must exist):
    ///   `postgres://user:password@host:5432/borne`, or through a unix socket
    ///   `postgres://user@localhost/borne?host=/run/postgresql`.
    pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(database_url)?;
        let pool = match backend {
            Backend::Sqlite => connect_sqlite(database_url).await?,
            Backend::Postgres => connect_postgres(database_url).await?,
        };
        Ok(Db { pool, backend })
    }

    /// True on PostgreSQL (a few statements differ: `FOR UPDATE SKIP LOCKED`).
    pub(crate) fn is_postgres(&self) -> bool {
        self.backend == Backend::Postgres
    }

    /// Applies the migrations of `crates/borne-server/migrations/<backend>/`
    /// not yet applied.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&self.pool).await.context("database migration failed")?;
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

async fn connect_sqlite(database_url: &str) -> anyhow::Result<AnyPool> {
    let any = sqlite_any_options(database_url)?;

    // The journal mode is stored in the file; switching it takes an exclusive
    // lock that the busy timeout does not cover, so it is done once, here,
    // on a single connection, rather than by each pooled connection.
    let mut first = any.connect().await.context("cannot open the SQLite database")?;
    let (mode,): (String,) =
        sqlx::query_as("PRAGMA journal_mode = WAL").fetch_one(&mut first).await.context("cannot switch SQLite to WAL")?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("SQLite refused the WAL journal (journal_mode is {mode})");
    }
    first.close().await.context("closing the first SQLite connection")?;

    AnyPoolOptions::new()
        .max_connections(SQLITE_MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // A file in this process cannot go away like a server: no ping (a
        // round trip to the connection's worker thread) before each use.
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // Per connection: wait for the write lock instead of failing at
                // once, enforce REFERENCES, and sync at checkpoints only (safe in WAL).
                conn.execute(
                    format!(
                        "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                        BUSY_TIMEOUT.as_millis()
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(any)
        .await
        .context("cannot open the SQLite database")
}

/// The SQLite URL as sqlx's Any driver takes it: checked by the SQLite
/// driver's parser, a file (not in memory), created if missing (`mode=rwc`
/// unless the URL sets a mode).
fn sqlite_any_options(database_url: &str) -> anyhow::Result<AnyConnectOptions> {
    SqliteConnectOptions::from_str(database_url)
        .context("the database URL is not a valid SQLite URL (sqlite://path/to/file.db)")?;
    // The SQLite driver's own reading of the URL: scheme, path, `?` parameters.
    let rest = database_url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
    let params: Vec<&str> = params.split('&').filter(|p| !p.is_empty()).collect();
    if path.is_empty() || path == ":memory:" || params.contains(&"mode=memory") {
        bail!("in-memory SQLite databases are not supported: give a file, sqlite://path/to/file.db");
    }
    let url = if params.iter().any(|p| p.starts_with("mode=")) {
        database_url.to_owned()
    } else if params.is_empty() {
        format!("{}?mode=rwc", database_url.trim_end_matches('?'))
    } else {
        format!("{database_url}&mode=rwc")
    };
    AnyConnectOptions::from_str(&url).context("the database URL is not a valid SQLite URL (sqlite://path/to/file.db)")
}

async fn connect_postgres(database_url: &str) -> anyhow::Result<AnyPool> {
    let any = AnyConnectOptions::from_str(database_url).context("the database URL is not a valid PostgreSQL URL")?;
    AnyPoolOptions::new()
        .max_connections(POSTGRES_MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(any)
        .await
        .context("cannot connect to the PostgreSQL database")
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
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn sql_files(dir: &Path) -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .collect()
    }

    /// A migration added for one backend only would leave the other with a
    /// different schema; one left at the top of `migrations/` would run nowhere.
    #[test]
    fn both_backends_have_the_same_migrations() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let sqlite = sql_files(&root.join("sqlite"));
        let postgres = sql_files(&root.join("postgres"));
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same file names");
        assert_eq!(sql_files(&root), BTreeSet::new(), "migrations go in migrations/sqlite/ and migrations/postgres/");
    }

    #[test]
    fn the_scheme_chooses_the_backend() {
        assert_eq!(Backend::of_url("sqlite:///tmp/a.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("sqlite://a.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("postgres://u@127.0.0.1:5432/borne").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of_url("postgresql://u@localhost/borne").unwrap(), Backend::Postgres);
        for bad in ["mysql://u@h/db", "/tmp/a.db", "", "borne.db"] {
            assert!(Backend::of_url(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn in_memory_sqlite_is_refused() {
        for url in ["sqlite::memory:", "sqlite://:memory:", "sqlite://x.db?mode=memory"] {
            let e = Db::connect(url).await.unwrap_err();
            assert!(format!("{e:#}").contains("in-memory"), "{url}: {e:#}");
        }
    }

    #[tokio::test]
    async fn a_sqlite_file_is_created_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub dir").join("w.db");
        std::fs::create_dir(path.parent().unwrap()).unwrap();
        let db = Db::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        assert!(path.exists(), "created if missing, even with a space in the path");
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&db.pool).await.unwrap();
        assert_eq!(mode, "wal");
        let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys").fetch_one(&db.pool).await.unwrap();
        assert_eq!(fk, 1);
        let (busy,): (i64,) = sqlx::query_as("PRAGMA busy_timeout").fetch_one(&db.pool).await.unwrap();
        assert_eq!(busy, 5000);
        db.close().await;
    }
}

