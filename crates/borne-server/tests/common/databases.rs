//! The databases a test runs against: always a fresh SQLite file in a
//! temporary directory; and a fresh PostgreSQL database, created with a
//! random name through the server that `BORNE_TEST_POSTGRES_URL` names
//! (e.g. `postgres://postgres@127.0.0.1:5433/postgres`, what
//! `scripts/postgres.sh start` prints) and dropped at the end, when that
//! variable is set.
//!
//! [`on_each_backend!`] turns `async fn name(backend: Backend)` into the
//! tests `sqlite::name` and `postgres::name`. Without the variable the
//! PostgreSQL tests FAIL, saying how to run them: a test that did not run
//! never passes. To leave them out on purpose: `cargo test -- --skip postgres::`.
//!
//! Shared by the integration tests (`tests/common/mod.rs`) and the crate's
//! unit tests (`src/lockout.rs`): it uses only sqlx, tempfile and tokio.
#![allow(dead_code)]

use sqlx::{Connection, Executor};
use std::io::Write;

/// The PostgreSQL server the tests create their databases on.
pub const POSTGRES_URL_VAR: &str = "BORNE_TEST_POSTGRES_URL";

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    /// `admin_url`: a database of the server the test user may create
    /// databases from (usually `postgres`).
    Postgres { admin_url: String },
}

impl Backend {
    /// The PostgreSQL backend named by `BORNE_TEST_POSTGRES_URL`; a test
    /// that asks for it fails when the variable is not set.
    pub fn postgres() -> Backend {
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => Backend::Postgres { admin_url: url.trim().to_owned() },
            _ => panic!(
                "{POSTGRES_URL_VAR} is not set, so this PostgreSQL test cannot run. Run scripts/test.sh (it starts \
                 a throwaway cluster), or set it to what `scripts/postgres.sh start DIR` prints, or leave these \
                 tests out on purpose with `cargo test -- --skip postgres::`."
            ),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres { .. } => "postgres",
        }
    }
}


/// A fresh, empty database (not migrated), removed when dropped.
pub struct TestDatabase {
    url: String,
    place: Place,
}

enum Place {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub async fn create(backend: &Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDatabase { url, place: Place::Sqlite(dir) }
            }
            Backend::Postgres { admin_url } => {
                // Lower-case letters and digits only: a plain identifier, no quoting issue.
                let name = format!("borne_test_{:016x}", rand::random::<u64>());
                let mut admin = sqlx::PgConnection::connect(admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}: cannot connect to the PostgreSQL server: {e}"));
                admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("CREATE DATABASE");
                let _ = admin.close().await;
                TestDatabase { url: with_database(admin_url, &name), place: Place::Postgres { admin_url: admin_url.clone(), name } }
            }
        }
    }

    /// What `Db::connect` takes.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend_name(&self) -> &'static str {
        match self.place {
            Place::Sqlite(_) => "sqlite",
            Place::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for TestDatabase {
    /// Best effort: a database left behind (a test killed midway) only costs
    /// disk space in a throwaway cluster.
    fn drop(&mut self) {
        let Place::Postgres { admin_url, name } = &self.place else { return };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Its own thread and runtime: this may run inside the test's runtime.
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.map_err(|e| e.to_string())?;
                // FORCE: the server under test may still hold pooled connections.
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .map_err(|e| format!("{name}: {e}"))?;
                let _ = admin.close().await;
                Ok(())
            })
        })
        .join();
        if let Ok(Err(e)) | Err(e) = dropped.map_err(|_| "panicked".to_owned()) {
            let _ = writeln!(std::io::stderr(), "note: test database not dropped: {e}");
        }
    }
}

/// `url` with its database (the path) replaced by `name`, keeping the
/// user, host, port and query (`?host=/socket/dir`, `sslmode`…).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// For each `async fn name(backend: Backend)` listed, the tests
/// `sqlite::name` and `postgres::name` (see the module docs). Optional
/// `#[tokio::test]` arguments follow the name in parentheses:
///
/// ```ignore
/// on_each_backend! {
///     logs_in,
///     many_at_once(flavor = "multi_thread", worker_threads = 4),
/// }
/// ```
/// `Backend` must be in scope where it is invoked.
macro_rules! on_each_backend {
    ($($name:ident $(($($args:tt)*))?),* $(,)?) => {
        /// Over a fresh SQLite file.
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test $(($($args)*))?]
                async fn $name() {
                    super::$name(Backend::Sqlite).await
                }
            )*
        }

        /// Over a fresh PostgreSQL database (`BORNE_TEST_POSTGRES_URL`).
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test $(($($args)*))?]
                async fn $name() {
                    super::$name(Backend::postgres()).await
                }
            )*
        }
    };
}
