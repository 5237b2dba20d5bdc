//! Writes. Each needs a token with the right scope (`write`; `admin` for deletes and
//! imports), waits while search trails this server's earlier writes, runs as one
//! transaction in `crate::write` with the outbox entries the search indexer follows, and
//! wakes the indexer.

mod cluster;
mod import;
mod input;
mod network;
mod news;

use async_graphql::{Context, ID, MergedObject, SimpleObject};

use super::context::Res;
use crate::auth::{Caller, Scope};
use crate::search::Search;

/// Writes: clusters with their parts, networks, news items, and imports of pages. Each needs a token with the write scope (imports: admin) and names the version it read.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    import::ImportMutation,
    cluster::ClusterMutation,
    network::NetworkMutation,
    news::NewsMutation,
);

/// What a delete removed.
#[derive(SimpleObject)]
pub struct Deleted {
    /// The global id the entity had.
    pub id: ID,
}

/// Admits a write: refuses it unless the request's caller holds `scope`, then waits while
/// search trails this process's writes by too much (`Search::keep_up`).
async fn admit(ctx: &Context<'_>, scope: Scope) -> Res<()> {
    let anonymous = Caller::default();
    let caller = ctx.data_opt::<Caller>().unwrap_or(&anonymous);
    caller.require(scope)?;
    ctx.data::<Search>()?.keep_up().await;
    Ok(())
}

/// The outcome of a write, as GraphQL reports it. One that committed wakes the indexer, so
/// its outbox entries are applied now rather than at the next poll.
fn wrote<T>(ctx: &Context<'_>, outcome: crate::Result<T>) -> Res<T> {
    let done = outcome?;
    ctx.data::<Search>()?.changed();
    Ok(done)
}
