//! gongkai-store: the system's records on SQLite (one file, embedded) or PostgreSQL.
//!
//! Both dialects share the same migrations (by version number, `migrations/{sqlite,postgres}`)
//! and the same SQL text wherever the engines agree (`$n` placeholders, `RETURNING`,
//! `ON CONFLICT`); the few differences are kept small and local. Every change of state runs in a
//! write transaction ([`Store::begin_write`]) that also appends to the audit ledger, so a change
//! and its ledger entry land together or not at all.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Postgres, Sqlite, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

pub mod actor;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod engagement;
pub mod files;
pub mod history;
pub mod legacy;
pub mod normative;
pub mod publication_files;
pub mod publishing;
pub mod release_scan;
pub mod report;
pub mod safe_html;
pub mod staff;
pub mod supervision;
pub mod units;

/// Run `$body` with `$p` bound to the concrete pool (the body is compiled once per engine).
macro_rules! on_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}

/// Run `$body` with `$c` bound to the transaction's connection (compiled once per engine).
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_pool;
pub(crate) use on_tx;

/// The VALUES list of a multi-row insert: `rows` copies of `row`, whose `?` marks are its bind
/// parameters in order (no `?` may stand in a literal). PostgreSQL gets them numbered
/// (`$1, $2, …`); SQLite gets them anonymous, because sqlx looks a numbered parameter up by
/// its name, a linear search in SQLite per parameter: a 2,800-parameter insert spent a quarter
/// of an import there.
pub(crate) fn values_list(tx: &Tx, rows: usize, row: &str) -> String {
    params_list(matches!(tx, Tx::Postgres(_)), rows, row)
}

/// [`values_list`] for a statement run on the pool: `numbered` for PostgreSQL.
pub(crate) fn params_list(numbered: bool, rows: usize, row: &str) -> String {
    let mut out = String::with_capacity(rows * (row.len() + 16));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        if !numbered {
            out.push_str(row);
            continue;
        }
        for part in row.split_inclusive('?') {
            match part.strip_suffix('?') {
                Some(before) => {
                    n += 1;
                    out.push_str(before);
                    out.push('$');
                    out.push_str(&n.to_string());
                }
                None => out.push_str(part),
            }
        }
    }
    out
}

/// One error of one form field, shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The input was refused; the messages say what to change.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Refused(String),
    /// The person acting may not do this (their role or unit).
    #[error("{0}")]
    Forbidden(String),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("无法使用数据目录 {path}：{source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("数据库地址无效：{0}")]
    BadUrl(String),
    #[error("内部错误：{0}")]
    Internal(String),
}

impl StoreError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid(vec![FieldError {
            field,
            message: message.into(),
        }])
    }

    /// Whether the error is the caller's (bad input, missing or conflicting record) rather than
    /// the system's.
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            StoreError::Invalid(_)
                | StoreError::NotFound(_)
                | StoreError::Conflict(_)
                | StoreError::Refused(_)
                | StoreError::Forbidden(_)
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where the records live.
#[derive(Debug, Clone)]
pub enum Location {
    /// An embedded SQLite database, `gongkai.db` in this directory (created if missing).
    Dir(PathBuf),
    /// A database server: `postgres://…` (or `sqlite://…` for a SQLite file named directly).
    Url(String),
}

impl Location {
    /// `--database-url` wins over `--data`; the default is `./gongkai-data`.
    pub fn from_options(data: Option<&Path>, url: Option<&str>) -> Location {
        match (url, data) {
            (Some(u), _) if !u.trim().is_empty() => Location::Url(u.trim().to_string()),
            (_, Some(d)) => Location::Dir(d.to_path_buf()),
            _ => Location::Dir(PathBuf::from("gongkai-data")),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction on either engine.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The records of one gongkai installation.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// The installation's secret, read once.
    secret: std::sync::Arc<tokio::sync::OnceCell<String>>,
    /// Unit codes → (id, name), for checking submissions without a query each; refreshed when
    /// this process changes a unit and at least every [`UNIT_CACHE_SECS`] seconds (other
    /// processes may change units).
    unit_cache: std::sync::Arc<std::sync::RwLock<Option<(std::time::Instant, UnitMap)>>>,
}

type UnitMap = std::collections::HashMap<String, (i64, String)>;
const UNIT_CACHE_SECS: u64 = 30;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A lock number for serialising writers on PostgreSQL (the audit chain needs one writer at a time).
const PG_WRITE_LOCK: i64 = 0x676f6e676b6169;

impl Store {
    /// Connect (creating the SQLite file and its directory if needed). Does not migrate.
    pub async fn open(location: &Location) -> Result<Store> {
        match location {
            Location::Dir(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                    path: dir.clone(),
                    source,
                })?;
                let opts = SqliteConnectOptions::new().filename(dir.join("gongkai.db"));
                Self::open_sqlite(opts).await
            }
            Location::Url(url)
                if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
            {
                let opts = PgConnectOptions::from_str(url)
                    .map_err(|e| StoreError::BadUrl(format!("{e}")))?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Ok(Store::with_pool(Pool::Postgres(pool)))
            }
            Location::Url(url) if url.starts_with("sqlite:") => {
                let opts = SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::BadUrl(format!("{e}")))?;
                Self::open_sqlite(opts).await
            }
            Location::Url(url) => Err(StoreError::BadUrl(format!(
                "“{url}”：应以 postgres:// 或 sqlite: 开头"
            ))),
        }
    }

    fn with_pool(pool: Pool) -> Store {
        Store {
            pool,
            secret: Default::default(),
            unit_cache: Default::default(),
        }
    }

    async fn open_sqlite(opts: SqliteConnectOptions) -> Result<Store> {
        const ROW_BUFFER: usize = 1024;
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 16 MiB of pages per connection (SQLite's default is 2 MiB): the report's scans
            // over a large district stay in memory instead of re-reading the file.
            .pragma("cache_size", "-16384")
            // The log is copied into the database every 64 MiB instead of every 4 MiB: a bulk
            // import rewrites the same index pages far fewer times.
            .pragma("wal_autocheckpoint", "16384")
            // sqlx hands rows from SQLite's thread to the caller through a channel of this
            // many; at its default (50) a long read stops and wakes two threads every 50 rows.
            .row_buffer_size(ROW_BUFFER);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Store::with_pool(Pool::Sqlite(pool)))
    }

    /// Open and bring the schema up to date.
    pub async fn open_and_migrate(location: &Location) -> Result<Store> {
        let store = Store::open(location).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Apply every pending migration, then load the built-in calendar if none is stored yet.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        self.seed_builtin_calendar().await
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Begin a write transaction. Writers are serialised (SQLite `BEGIN IMMEDIATE`, a
    /// transaction-scoped advisory lock on PostgreSQL) so the audit chain stays a chain.
    pub(crate) async fn begin_write(&self) -> Result<Tx> {
        match &self.pool {
            Pool::Sqlite(p) => Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
            Pool::Postgres(p) => {
                let mut t = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_WRITE_LOCK)
                    .execute(&mut *t)
                    .await?;
                Ok(Tx::Postgres(t))
            }
        }
    }

    /// A unit's id and name by code, from the cache.
    pub(crate) async fn cached_unit(&self, code: &str) -> Result<Option<(i64, String)>> {
        {
            let guard = self.unit_cache.read().unwrap_or_else(|e| e.into_inner());
            if let Some((at, map)) = guard.as_ref()
                && at.elapsed().as_secs() < UNIT_CACHE_SECS
            {
                return Ok(map.get(code).cloned());
            }
        }
        let map: UnitMap = self
            .units()
            .await?
            .into_iter()
            .map(|u| (u.code, (u.id, u.name)))
            .collect();
        let found = map.get(code).cloned();
        *self.unit_cache.write().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), map));
        Ok(found)
    }

    /// Forget cached units (after a change).
    pub(crate) fn forget_units(&self) {
        *self.unit_cache.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, p => sqlx::query("SELECT 1").execute(p).await?.rows_affected());
        Ok(())
    }

    /// A value of the `meta` table.
    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let v: Option<(String,)> = on_pool!(self, p =>
            sqlx::query_as("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(p).await?);
        Ok(v.map(|(v,)| v))
    }

    pub(crate) async fn set_meta(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key).bind(value).execute(c).await?.rows_affected());
        Ok(())
    }

    /// Tables and their columns, sorted: what the schema-parity test compares.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        let mut cols: Vec<(String, String)> = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                )
                .fetch_all(p)
                .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
                )
                .fetch_all(p)
                .await?
            }
        };
        cols.sort();
        Ok(cols)
    }

    /// Drop every table (and the schema's functions), leaving an empty database. Used to
    /// re-create the demo district; never called on a database holding real records.
    pub(crate) async fn drop_everything(&self) -> Result<()> {
        self.forget_units();
        match &self.pool {
            Pool::Sqlite(p) => {
                let mut conn = p.acquire().await?;
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(&mut *conn)
                .await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                for (t,) in tables {
                    let sql = format!("DROP TABLE IF EXISTS \"{}\"", t.replace('"', "\"\""));
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut *conn)
                        .await?;
                }
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
            }
            Pool::Postgres(p) => {
                let mut t = p.begin().await?;
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
                )
                .fetch_all(&mut *t)
                .await?;
                for (name,) in tables {
                    let sql = format!(
                        "DROP TABLE IF EXISTS \"{}\" CASCADE",
                        name.replace('"', "\"\"")
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut *t)
                        .await?;
                }
                sqlx::query("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE")
                    .execute(&mut *t)
                    .await?;
                t.commit().await?;
            }
        }
        Ok(())
    }

    /// Close the pool (waits for connections to return).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// The current time, as stored.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
