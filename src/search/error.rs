//! What can go wrong in the search layer: the index, its folder, the store it reads, and
//! the thread it runs on. The API shows none of it to clients ("internal error"); the log
//! gets the whole chain.

use std::path::PathBuf;

use super::home::Unusable;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("reading the store for the index: {0}")]
    Store(#[from] sea_orm::DbErr),
    #[error("search index's payload: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("search index in {dir}: {why}")]
    Unusable { dir: PathBuf, why: Unusable },
    /// Another process holds the index's writer lock.
    #[error(
        "cannot write the search index in {dir} ({source}); each server needs its own ATLAS_INDEX_DIR"
    )]
    Locked {
        dir: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("the index thread has stopped")]
    ThreadStopped,
    #[error("an index job failed (it panicked)")]
    JobPanicked,
    #[error("a search task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}
