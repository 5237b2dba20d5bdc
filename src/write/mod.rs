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

use crate::Error;

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
