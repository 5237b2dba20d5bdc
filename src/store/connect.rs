//! Opening the database: SQLite files are created on first use, PostgreSQL is taken as given.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Rows a SQLite connection's thread reads ahead of the task taking them. sqlx's 50 made
/// the thread of a long read (a rebuild's batches) stop and be woken every few rows.
const ROW_BUFFER: usize = 4_096;

/// Connects to `url`; for SQLite, creates the file (and its folder) and turns on WAL so
/// readers never wait for writers.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut url = url.to_owned();
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or_default();
        if path != ":memory:" {
            if let Some(dir) = std::path::Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DbErr::Custom(format!("creating {}: {e}", dir.display())))?;
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(if url.starts_with("sqlite") { 8 } else { 16 })
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // On every connection of the pool, not just the first: `synchronous` is a setting
        // of the connection. In WAL mode NORMAL loses no committed transaction on a crash
        // of the process (only on a power loss), and commits without an fsync each.
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .row_buffer_size(ROW_BUFFER)
        });
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(|info| crate::telemetry::sql_statement(info.elapsed, info.failed));
    Ok(db)
}

/// The connections of a store's pool at one moment.
#[derive(Clone, Copy, Debug)]
pub struct PoolState {
    pub in_use: u32,
    pub idle: u32,
    /// The most it opens.
    pub max: u32,
}

/// How many of the pool's connections are in use now.
pub fn pool_state(db: &DatabaseConnection) -> Option<PoolState> {
    fn of<D: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<D>) -> PoolState {
        let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
        PoolState {
            in_use: pool.size().saturating_sub(idle),
            idle,
            max: pool.options().get_max_connections(),
        }
    }
    match db {
        DatabaseConnection::SqlxSqlitePoolConnection(_) => {
            Some(of(db.get_sqlite_connection_pool()))
        }
        DatabaseConnection::SqlxPostgresPoolConnection(_) => {
            Some(of(db.get_postgres_connection_pool()))
        }
        _ => None,
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether `e` says the database cannot be reached (no connection, or one lost or refused),
/// rather than that it refused a statement: the request may succeed when retried.
pub fn unavailable(e: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    let runtime = match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Query(r) | DbErr::Exec(r) => r,
        _ => return false,
    };
    let RuntimeErr::SqlxError(e) = runtime else {
        return false;
    };
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        // PostgreSQL's connection exceptions (class 08), shutdown and "cannot connect now"
        // (57P01-57P03), too many connections (53300).
        sqlx::Error::Database(d) => d.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P0") || code == "53300"
        }),
        _ => false,
    }
}
