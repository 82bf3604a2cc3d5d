//! The store's invariant: every SQL statement of the server is in `src/store/`.

use std::path::{Path, PathBuf};

/// Marks of SQL in a line of Rust: sqlx's query functions, and the
/// statements' keywords (upper case, as every statement of the crate writes
/// them) in string literals.
const MARKS: &[&str] = &[
    "sqlx::query",
    "query_as",
    "query_scalar",
    "raw_sql",
    "SELECT ",
    "INSERT INTO",
    "UPDATE ",
    "DELETE FROM",
    " WHERE ",
    "ON CONFLICT",
    "RETURNING ",
    "PRAGMA ",
    "CREATE TABLE",
    "ALTER TABLE",
    "DROP TABLE",
    "BEGIN IMMEDIATE",
];

/// The marks of SQL in `line`, comments left out (a doc comment may name a
/// statement: "one atomic `UPDATE`").
fn sql_marks(line: &str) -> Vec<&'static str> {
    if line.trim_start().starts_with("//") {
        return Vec::new();
    }
    let code = line.split(" // ").next().unwrap_or(line);
    MARKS.iter().copied().filter(|mark| code.contains(mark)).collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(file, line number, marks)` of every line of SQL in the files under `dir`.
fn sql_lines(dir: &Path) -> Vec<(PathBuf, usize, Vec<&'static str>)> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            let marks = sql_marks(line);
            if !marks.is_empty() {
                found.push((file.clone(), n + 1, marks));
            }
        }
    }
    found
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// No file outside `src/store/` holds a query: the rules call the store's
/// functions (store/mod.rs).
#[test]
fn no_sql_outside_the_store() {
    let store = src().join("store");
    let outside: Vec<String> = sql_lines(&src())
        .into_iter()
        .filter(|(file, _, _)| !file.starts_with(&store))
        .map(|(file, n, marks)| format!("{}:{n}: {marks:?}", file.strip_prefix(src()).unwrap().display()))
        .collect();
    assert!(outside.is_empty(), "SQL outside crates/borne-server/src/store/ (move it into a store module):\n{}", outside.join("\n"));
}

/// Positive control: the scan sees the statements where they are, and
/// flags a query written anywhere, but not a comment that names one.
#[test]
fn the_scan_finds_the_stores_sql_and_a_query_anywhere() {
    let store = src().join("store");
    let found = sql_lines(&store);
    for module in ["audit", "budget", "counters", "db", "devices", "lockout", "maintenance", "members", "outbox", "proofs", "sessions", "temporary_passwords", "unlock_requests"] {
        let file = store.join(format!("{module}.rs"));
        assert!(found.iter().any(|(f, _, _)| *f == file), "no SQL seen in store/{module}.rs");
    }
    assert!(found.len() >= 60, "only {} lines of SQL seen in store/", found.len());
    for line in [
        r#"    sqlx::query("DELETE FROM x").execute(&db.pool).await?;"#,
        r#"    let n: i64 = sqlx::query_scalar(sql).fetch_one(ex).await?;"#,
        r#"        "UPDATE members SET blocked = 1""#,
        r#"         WHERE id = $1 AND blocked = 0"#,
        r#"    let sql = format!("SELECT id FROM members WHERE {condition}");"#,
        r#"    conn.execute("PRAGMA foreign_keys = ON").await?;"#,
    ] {
        assert!(!sql_marks(line).is_empty(), "not flagged: {line}");
    }
    for line in [
        "//! one atomic `UPDATE` that succeeds only while",
        "    /// (`INSERT … ON CONFLICT DO UPDATE … RETURNING`)",
        r#"    tracing::info!(member_id = id, "member created");"#,
        "    let mut tx = self.pool.begin().await.context(\"proof: begin\")?;",
        "    store::lockout::settle_failure(&mut *tx, member_id, hash, epoch, MAX_FAILURES).await?;",
    ] {
        assert!(sql_marks(line).is_empty(), "flagged: {line}");
    }
}
