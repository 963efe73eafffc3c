//! The database: SQLite in a local file by default, PostgreSQL when the URL names one.
//!
//! Both run the same portable SQL through sqlx's `Any` driver with `$n` placeholders (SQLite
//! accepts them too). Writes go through [`WriteTx`], which opens `BEGIN IMMEDIATE` on SQLite
//! (take the single writer lock up front, so a read-then-write transaction never fails to
//! upgrade) and `BEGIN` on PostgreSQL, whose row locks and constraints do the same job.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor};
use crate::notify::outbox::Pending;
use crate::store::notices::Contacts;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// A connection pool and the backend behind it.
#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// Migrations in order; each runs once, inside one transaction, recorded in `schema_migrations`.
const MIGRATIONS: &[(i64, &str)] =
    &[(1, include_str!("../migrations/0001_init.sql")), (2, include_str!("../migrations/0002_log.sql"))];

/// Migrations after the append-only triggers (3, written in code below).
const LATER_MIGRATIONS: &[(i64, &str)] = &[
    (4, include_str!("../migrations/0004_accounts.sql")),
    (5, include_str!("../migrations/0005_notifications.sql")),
    (6, include_str!("../migrations/0006_reads.sql")),
    (7, include_str!("../migrations/0007_privacy.sql")),
    (8, include_str!("../migrations/0008_provider.sql")),
    (10, include_str!("../migrations/0010_aliases.sql")),
];

/// The file of a `sqlite:` URL, if it names one (not `:memory:`).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| std::path::PathBuf::from(path))
}

/// Issue 15: the database holds personal data (sealed, but also keyed hashes and sessions), so
/// only its owner reads it. The file is created here with mode 0600 before SQLite opens it,
/// and SQLite gives its `-wal` and `-shm` files the database file's mode; files left by an
/// older version are narrowed to 0600 too.
#[cfg(unix)]
fn keep_private(url: &str) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let Some(path) = sqlite_file(url) else { return Ok(()) };
    if !path.exists() {
        std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o600).open(&path)?;
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_private(_url: &str) -> std::io::Result<()> {
    Ok(())
}

/// How long a statement waits for SQLite's writer lock before giving up with "busy".
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

impl Db {
    /// Connects to `url` (`sqlite://file.db`, `postgres://…`), creating a SQLite file if missing.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url);
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        if backend == Backend::Sqlite {
            keep_private(&url).map_err(sqlx::Error::Io)?;
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            // SQLite has one writer anyway; a few connections let reads go on beside it.
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(15))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never block the writer. synchronous=FULL: a commit is on
                        // disk before the client hears "201", so a crash loses nothing acknowledged.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute(format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}").as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db { pool, backend })
    }

    /// "SQLite" or "PostgreSQL", for reports.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    /// Applies the migrations not yet applied. Safe to call from several processes: each
    /// migration runs in a write transaction that re-checks whether it is still needed.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        self.pool
            .execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            .await?;
        let mut migrations: Vec<(i64, Vec<String>)> = MIGRATIONS.iter().map(|(v, sql)| (*v, split_statements(sql))).collect();
        migrations.push((3, append_only_triggers(self.backend).iter().map(|s| s.to_string()).collect()));
        migrations.extend(LATER_MIGRATIONS.iter().map(|(v, sql)| (*v, split_statements(sql))));
        for (version, statements) in &migrations {
            let mut tx = self.begin_write().await?;
            if self.backend == Backend::Postgres {
                // Two servers starting together: the second waits here, then sees the version.
                tx.conn().execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").await?;
            }
            let done: Option<(i64,)> = sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(tx.conn())
                .await?;
            if done.is_none() {
                for statement in statements {
                    tx.conn().execute(statement.as_str()).await?;
                }
                sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                    .bind(*version)
                    .bind(chrono::Utc::now().timestamp_millis())
                    .execute(tx.conn())
                    .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// Opens a write transaction (see the module note).
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        conn.execute(begin).await?;
        Ok(WriteTx { conn: Some(conn), notifies: true, log: None, bumped: HashSet::new(), log_rows: Vec::new(), outbox: Pending::default(), contacts: HashMap::new() })
    }
}

/// Migration 3: the database itself refuses to change or delete a public log entry (rule 24.7),
/// so no code path can do it by mistake. (Whoever owns the database can still drop the trigger;
/// the signed checkpoints are what make such a change evident.) Trigger syntax differs between
/// the two databases, so this migration is written twice.
fn append_only_triggers(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Sqlite => &[
            "CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries \
             BEGIN SELECT RAISE(ABORT, 'log_entries is append-only'); END",
            "CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries \
             BEGIN SELECT RAISE(ABORT, 'log_entries is append-only'); END",
        ],
        Backend::Postgres => &[
            "CREATE FUNCTION log_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'log_entries is append-only'; END $$",
            "CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries \
             FOR EACH ROW EXECUTE FUNCTION log_entries_append_only()",
            // TRUNCATE skips row triggers; refuse it too.
            "CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries \
             FOR EACH STATEMENT EXECUTE FUNCTION log_entries_append_only()",
        ],
    }
}

/// Splits a migration file into statements: on `;` at line ends, skipping comment-only chunks.
fn split_statements(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .map(|line| line.split_once("--").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n");
    without_comments
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// An open write transaction. Commit or roll back explicitly; if it is dropped open (an error
/// path that returned early, a panic), the connection is detached and closed rather than put
/// back in the pool, and the database rolls the transaction back on close.
pub struct WriteTx {
    conn: Option<PoolConnection<Any>>,
    /// Whether the changes of this transaction notify applicants (`store/notices.rs`): off for
    /// bulk loading (demo data, tests, benchmarks), whose applications are not new events.
    notifies: bool,
    /// The log's size when this transaction locked it and the next index to append at
    /// (`store::log`): appends count here and `log_head` is written once, at commit.
    pub(crate) log: Option<LogCursor>,
    /// The log rows appended, written at the latest by [`WriteTx::commit`] (`store::log::append`).
    pub(crate) log_rows: Vec<crate::store::log::NewEntry>,
    /// Queues whose version this transaction bumped already (`store::snapshots`): once each.
    pub(crate) bumped: HashSet<String>,
    /// Outbox rows and cancels waiting to be written, at the latest by [`WriteTx::commit`]
    /// (`notify::outbox::Pending`).
    pub(crate) outbox: Pending,
    /// Contacts read ahead for the changes of this transaction (`store/notices.rs`): a batch of
    /// claims reads those of all its applications in one statement.
    pub(crate) contacts: HashMap<String, Contacts>,
}

/// Where a write transaction's log appends stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LogCursor {
    pub locked_at: u64,
    pub next: u64,
}

impl WriteTx {
    /// Changes made in this transaction send no notification (bulk loading).
    pub fn without_notifications(&mut self) {
        self.notifies = false;
    }

    /// Whether changes made in this transaction notify applicants.
    pub fn notifies(&self) -> bool {
        self.notifies
    }

    /// The connection to run statements on.
    pub fn conn(&mut self) -> &mut AnyConnection {
        match self.conn.as_mut() {
            Some(conn) => conn,
            // `conn` is only taken by commit/rollback/drop, which consume or end `self`.
            None => unreachable!("WriteTx used after it ended"),
        }
    }

    /// Writes the outbox rows and cancels buffered so far; answers how many rows were new.
    pub async fn flush_outbox(&mut self) -> Result<u64, sqlx::Error> {
        if self.outbox.is_empty() {
            return Ok(0);
        }
        match self.conn.as_mut() {
            Some(conn) => crate::notify::outbox::flush(conn, &mut self.outbox).await,
            None => unreachable!("WriteTx used after it ended"),
        }
    }

    /// Writes the log rows appended so far (`store::log::append`).
    pub async fn flush_log(&mut self) -> Result<(), sqlx::Error> {
        if self.log_rows.is_empty() {
            return Ok(());
        }
        match self.conn.as_mut() {
            Some(conn) => crate::store::log::flush(conn, &mut self.log_rows).await,
            None => unreachable!("WriteTx used after it ended"),
        }
    }

    /// Writes everything the transaction buffered: its log rows and its outbox rows.
    pub async fn flush(&mut self) -> Result<(), sqlx::Error> {
        self.flush_log().await?;
        self.flush_outbox().await?;
        Ok(())
    }

    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        // On failure the transaction is dropped open: detached and closed, so the database
        // rolls it back.
        self.flush().await?;
        if let Some(mut conn) = self.conn.take() {
            if let Some(cursor) = self.log.filter(|c| c.next != c.locked_at) {
                let size = i64::try_from(cursor.next).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
                if let Err(error) = sqlx::query(crate::store::log::SET_SIZE).bind(size).execute(&mut *conn).await {
                    drop(conn.detach());
                    return Err(error);
                }
            }
            if let Err(error) = conn.execute("COMMIT").await {
                // The outcome is unknown to us; never reuse a connection in that state.
                drop(conn.detach());
                return Err(error);
            }
        }
        Ok(())
    }

    pub async fn rollback(mut self) {
        if let Some(mut conn) = self.conn.take() {
            if conn.execute("ROLLBACK").await.is_err() {
                drop(conn.detach());
            }
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let raw = conn.detach();
            // Closing takes a round trip; do it in the background when a runtime is there.
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    let _ = raw.close().await;
                });
            }
        }
    }
}

/// True when `error` is a uniqueness violation (SQLite 2067/1555, PostgreSQL 23505).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("2067") | Some("1555") | Some("23505")),
        _ => false,
    }
}

/// True when `error` means "try again later": SQLite busy/locked, PostgreSQL serialization or
/// deadlock, a pool that is out of connections.
pub fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("5") | Some("6") | Some("517") | Some("261") | Some("40001") | Some("40P01"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_migration() {
        let parts = split_statements("-- a; comment\nCREATE TABLE a (x BIGINT); -- t\nCREATE INDEX i ON a (x);\n");
        assert_eq!(parts, vec!["CREATE TABLE a (x BIGINT)", "CREATE INDEX i ON a (x)"]);
    }
}
