//! Subscriptions, fed by the search index's commits: each event is a change the store
//! committed (never one that rolled back) and the index applied, so a subscriber told about
//! an item also finds it in search.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_graphql::{Context, Subscription};
use futures::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::context::{db, internal};
use super::loaders::Loaders;
use super::query::NewsFilter;
use super::types::{Cluster, NewsItem};
use crate::search::{Committed, Search};
use crate::store::{self, outbox::Changed};

/// Ids of items a `newsPublished` stream remembers sending, so that an item changed again
/// soon after it appeared is not announced twice.
const REMEMBERED: usize = 10_000;

/// Changes as they are committed, over graphql-transport-ws on `/graphql/ws`.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Changes as they are committed, over graphql-transport-ws on `/graphql/ws`.
#[Subscription]
impl SubscriptionRoot {
    /// News items as they are published (stored for the first time), that pass `filter`;
    /// each is sent once the search index has it. Items changed later are not sent again.
    async fn news_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items, as in `news(filter:)`.")] filter: Option<NewsFilter>,
    ) -> async_graphql::Result<impl Stream<Item = NewsItem>> {
        let db = db(ctx)?.clone();
        let loaders = ctx.data::<Loaders>()?.clone();
        let mut commits = ctx.data::<Search>()?.committed();
        let filter = store::news::Filter::from(filter.unwrap_or_default());
        // Items up to here were published before the subscription began.
        let before = store::news::max_id(&db).await.map_err(internal)?;
        Ok(async_stream::stream! {
            let mut sent = BTreeSet::new();
            while let Some(commit) = next(&mut commits).await {
                let Some(ids) = commit.changed.get(&Changed::News) else { continue };
                let fresh: Vec<i32> = ids
                    .iter()
                    .copied()
                    .filter(|id| *id > before && !sent.contains(id))
                    .collect();
                if fresh.is_empty() {
                    continue;
                }
                let items = match store::news::matching(&db, &filter, &fresh).await {
                    Ok(items) => items,
                    Err(e) => {
                        tracing::error!(error = %e, "newsPublished could not read the new items");
                        continue;
                    }
                };
                loaders.forget();
                for item in items {
                    sent.insert(item.id);
                    yield NewsItem(item);
                }
                while sent.len() > REMEMBERED {
                    sent.pop_first();
                }
            }
        })
    }

    /// The cluster each time a committed write changes it (its profile or any of its parts),
    /// once the search index has the change; `null` when it is deleted, and then the stream
    /// ends. An unknown slug is `NOT_FOUND`.
    async fn cluster_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster's slug when the subscription starts.")] slug: String,
    ) -> async_graphql::Result<impl Stream<Item = Option<Cluster>>> {
        let db = db(ctx)?.clone();
        let loaders = ctx.data::<Loaders>()?.clone();
        // Subscribed before reading the version, so no change falls between the two.
        let mut commits = ctx.data::<Search>()?.committed();
        let row = store::cluster::find_by_slug(&db, &slug)
            .await
            .map_err(internal)?
            .ok_or_else(|| crate::Error::NotFound(format!("cluster {slug:?}")))?;
        let (id, mut version) = (row.id, row.version);
        Ok(async_stream::stream! {
            while let Some(commit) = next(&mut commits).await {
                if !commit.changed.get(&Changed::Cluster).is_some_and(|ids| ids.contains(&id)) {
                    continue;
                }
                let row = match store::cluster::find_by_ids(&db, &[id]).await {
                    Ok(mut rows) => rows.pop(),
                    Err(e) => {
                        tracing::error!(error = %e, "clusterUpdated could not read the cluster");
                        continue;
                    }
                };
                loaders.forget();
                match row {
                    None => {
                        yield None;
                        break;
                    }
                    // A commit may carry a change already sent (the indexer replays).
                    Some(row) if row.version != version => {
                        version = row.version;
                        yield Some(Cluster(row));
                    }
                    Some(_) => {}
                }
            }
        })
    }
}

/// The next index commit; a subscriber that fell more than the backlog behind skips what
/// it missed (logged), and the stream ends with the server.
async fn next(
    commits: &mut tokio::sync::broadcast::Receiver<Arc<Committed>>,
) -> Option<Arc<Committed>> {
    loop {
        match commits.recv().await {
            Ok(commit) => return Some(commit),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "a subscription fell behind the index commits");
            }
            Err(RecvError::Closed) => return None,
        }
    }
}
