//! Writes through the API: clusters with their services, programme participations and
//! memberships; networks; news items. Each runs in one transaction that also records the
//! outbox entries the search indexer follows, so a committed write is never lost from search
//! and a rolled-back one never reaches it.
//!
//! Versions: a cluster, network or news item names the version it was read at, and a write
//! over a newer one fails with `CONFLICT`. Services, participations and memberships are parts
//! of their cluster: writing one moves the cluster to its next version.

pub mod check;
pub mod cluster;
pub mod network;
pub mod news;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

use crate::Error;

/// A write transaction. On SQLite it takes the write lock first: a transaction that read
/// before another writer committed cannot upgrade its lock (SQLITE_BUSY_SNAPSHOT, with no
/// waiting), while one that asks first queues on the busy timeout like any writer.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let tx = db.begin().await?;
    if tx.get_database_backend() == sea_orm::DbBackend::Sqlite {
        tx.execute_unprepared("UPDATE outbox_pruned SET through = through WHERE 0")
            .await?;
    }
    Ok(tx)
}

/// The refusal of a write over `given` when the row is at `current` (or gone).
fn stale(what: impl Into<String>, given: i32, current: Option<i32>) -> Error {
    let what = what.into();
    match current {
        Some(current) => Error::Conflict {
            what,
            given,
            current,
        },
        None => Error::NotFound(what),
    }
}
