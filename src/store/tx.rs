//! The write transaction every writer starts with, the API's and the importer's: a database
//! transaction taken only after this process's turn to write.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A write transaction: a database transaction, and this process's turn to write.
pub struct Tx {
    tx: DatabaseTransaction,
    _turn: OwnedSemaphorePermit,
}

impl Tx {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.tx.rollback().await
    }
}

/// Pooled PostgreSQL connections for each writer allowed at once: writers get a quarter of
/// the pool. A writer holds its connection until the commit's WAL flush returns; when the
/// disk stalls, writers arriving at 50 a second took every pooled connection, and reads,
/// which need no disk, queued behind them for hundreds of milliseconds.
const POSTGRES_CONNECTIONS_PER_WRITER: u32 = 4;

/// Begins a write transaction: every one, the API's and the importer's, starts here.
///
/// Writers first queue in this process for a turn, in order, and only then take a pooled
/// connection, so that the connections reads need are never all held by writers.
///
/// On SQLite, one writer at a time, and the write lock is taken first. Waiting in SQLite's
/// busy handler instead sleeps 1 to 100 ms between tries, holding a connection; and a
/// transaction that read before another writer committed cannot upgrade its lock
/// (SQLITE_BUSY_SNAPSHOT, with no waiting). Other processes writing the same file still
/// meet in the busy handler. On PostgreSQL, a quarter of the pool at a time
/// ([`POSTGRES_CONNECTIONS_PER_WRITER`]); they wait on row locks only where they meet.
pub async fn begin(db: &DatabaseConnection) -> Result<Tx, DbErr> {
    let turn = turns(db)
        .acquire_owned()
        .await
        .map_err(|e| DbErr::Custom(format!("write turns closed: {e}")))?;
    let tx = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        tx.execute_unprepared("UPDATE outbox_pruned SET through = through WHERE 0")
            .await?;
    }
    Ok(Tx { tx, _turn: turn })
}

/// The queue of writers to the database `db` opens (a SQLite file, or a PostgreSQL
/// database), shared by every handle on it in this process.
fn turns(db: &DatabaseConnection) -> Arc<Semaphore> {
    static TURNS: LazyLock<Mutex<HashMap<String, Arc<Semaphore>>>> =
        LazyLock::new(Default::default);
    let (key, writers) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let options = db.get_sqlite_connection_pool().connect_options();
            (format!("sqlite:{}", options.get_filename().display()), 1)
        }
        _ => {
            let pool = db.get_postgres_connection_pool();
            let options = pool.connect_options();
            let key = format!(
                "postgres:{}:{}/{}",
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            );
            let writers = pool.options().get_max_connections() / POSTGRES_CONNECTIONS_PER_WRITER;
            (key, writers.max(1) as usize)
        }
    };
    let mut turns = TURNS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    turns
        .entry(key)
        .or_insert_with(|| Arc::new(Semaphore::new(writers)))
        .clone()
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.tx.get_database_backend()
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.tx.execute(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.tx.execute_unprepared(sql).await
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.tx.query_one(stmt).await
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.tx.query_all(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.tx.support_returning()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::time::Duration;

    use super::begin;
    use crate::store;

    /// On SQLite a second writer waits for its turn without a pooled connection, and gets
    /// both as soon as the first commits.
    #[tokio::test]
    async fn sqlite_writers_queue_without_holding_connections() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("atlas.db").display());
        let db = store::connect(&url).await.unwrap();
        store::migrate(&db).await.unwrap();
        let pool = db.get_sqlite_connection_pool().clone();
        let in_use = move || pool.size() - pool.num_idle() as u32;
        // Connections the migration used go back to the pool in the background.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let idle = in_use();

        let first = begin(&db).await.unwrap();
        assert_eq!(in_use(), idle + 1);
        let second = tokio::spawn({
            let db = db.clone();
            async move { begin(&db).await.map(|tx| tx.commit()) }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!second.is_finished(), "the second writer did not wait");
        assert_eq!(in_use(), idle + 1, "the waiting writer holds a connection");

        first.commit().await.unwrap();
        let commit = tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .expect("the second writer never got its turn")
            .unwrap()
            .unwrap();
        commit.await.unwrap();
    }
}
