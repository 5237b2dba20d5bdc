//! Free-text search: a Tantivy index derived from the store.
//!
//! The store is the truth. Every write records what it changed in the store's outbox (same
//! transaction); one indexer task per process follows the outbox, re-derives the documents
//! of each changed entity and commits in groups ([`indexer`]). A hit carries the entity's
//! kind and id; the GraphQL layer loads the entity itself from the store.
//!
//! [`analysis`] folds text (Unicode, diacritics, Cyrillic), [`syntax`] parses what people
//! type, [`query`] turns that into Tantivy queries, [`engine`] runs them with facets and
//! [`highlight`] marks the words that matched.

pub mod analysis;
mod bonus;
mod documents;
pub mod engine;
mod error;
mod facets;
mod highlight;
mod home;
mod index_thread;
mod indexer;
mod lag;
mod lazy_union;
mod prefix;
mod query;
mod schema;
mod segments;
pub mod similar;
pub mod suggest;
pub mod syntax;
mod top;
mod typo;

/// Index commits a slow subscriber may fall behind before it misses some.
pub const COMMITTED_BACKLOG: usize = 256;

use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use sea_orm::DatabaseConnection;
use tantivy::{IndexReader, IndexWriter, ReloadPolicy};
use tokio::sync::{Notify, broadcast};

pub use engine::{Facet, Highlight, Hit, Request, Results};
pub use error::{Error, Result};
pub use indexer::Committed;
pub use schema::{Kind, facet};
pub use similar::{Common, Profile, Reason, Similar};
pub use suggest::{Suggestion, Suggests};

use home::{Home, Witness};
use index_thread::IndexThread;
use schema::Fields;

/// One generation of the index, open for reading and (by the indexer) writing.
pub struct Generation {
    name: String,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    applied_at_open: i32,
    segments: Arc<segments::Segments>,
}

impl Generation {
    /// Opens the current generation; on the index thread, so that the writer's threads run
    /// at its priority.
    async fn open(thread: &IndexThread, home: &Home) -> Result<Self> {
        let home = home.clone();
        thread.run(move || Self::open_here(&home)).await?
    }

    /// Opens what the last commit wrote, and forgets the segments merged or deleted since.
    fn reload(&self) -> tantivy::Result<()> {
        self.reader.reload()?;
        self.segments
            .refresh(self.reader.searcher().segment_readers())
    }

    fn open_here(home: &Home) -> Result<Self> {
        let (name, index, payload) = home.open_current().map_err(|why| Error::Unusable {
            dir: home.dir().to_owned(),
            why,
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = indexer::live_writer(&index).map_err(|source| Error::Locked {
            dir: home.dir().to_owned(),
            source,
        })?;
        let segments = Arc::new(segments::Segments::default());
        segments.refresh(reader.searcher().segment_readers())?;
        Ok(Self {
            name,
            reader,
            writer: Mutex::new(writer),
            applied_at_open: payload.applied,
            segments,
        })
    }
}

/// What the indexer task and the searches share.
pub struct Shared {
    fields: Fields,
    home: Home,
    /// Where the index is written: opening writers, applying changes, committing.
    thread: IndexThread,
    current: RwLock<Arc<Generation>>,
    /// The highest outbox id the current generation has applied.
    applied: AtomicI32,
    /// This store's identity, which every commit records.
    store: String,
    wake: Notify,
    /// How far the index trails this process's writes.
    lag: lag::Lag,
    committed: broadcast::Sender<Arc<Committed>>,
}

impl Shared {
    fn generation(&self) -> Arc<Generation> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, next: Arc<Generation>) {
        match self.current.write() {
            Ok(mut g) => *g = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }
}

/// The search side of a running server.
#[derive(Clone)]
pub struct Search {
    shared: Arc<Shared>,
}

impl Search {
    /// Opens the index in `dir`, first building it from the store when it is missing or was
    /// built by another version, and starts the task that keeps it in step with the store.
    pub async fn start(db: &DatabaseConnection, dir: impl Into<PathBuf>) -> Result<Self> {
        let home = Home::new(dir);
        let fields = Fields::new();
        let store = crate::store::store_identity::token(db).await?;
        if let Some(why) = unusable(db, &home, &store).await? {
            tracing::info!(dir = %home.dir().display(), "building the search index: {why}");
            indexer::build(db, &home, &fields, &indicatif::ProgressBar::hidden()).await?;
        }
        let thread = IndexThread::start()?;
        let generation = Arc::new(Generation::open(&thread, &home).await?);
        let shared = Arc::new(Shared {
            fields,
            home,
            thread,
            applied: AtomicI32::new(generation.applied_at_open),
            store,
            current: RwLock::new(generation),
            wake: Notify::new(),
            lag: lag::Lag::default(),
            committed: broadcast::channel(COMMITTED_BACKLOG).0,
        });
        tokio::spawn(indexer::run(db.clone(), shared.clone()));
        Ok(Self { shared })
    }

    /// What each index commit from now on applied, in order. A receiver more than
    /// [`COMMITTED_BACKLOG`] commits behind loses the oldest and is told so.
    pub fn committed(&self) -> broadcast::Receiver<Arc<Committed>> {
        self.shared.committed.subscribe()
    }

    /// How many subscriptions follow the index commits right now.
    pub fn subscribers(&self) -> usize {
        self.shared.committed.receiver_count()
    }

    /// Tells the indexer the store changed, so it need not wait for its next poll.
    pub fn changed(&self) {
        self.shared.lag.noticed();
        self.shared.wake.notify_one();
    }

    /// Waits, before a write, while this process's earlier writes are not searchable yet
    /// after [`lag::BUDGET`] (at most [`lag::MOST`]): writers slow down rather than search
    /// falling behind them.
    pub async fn keep_up(&self) {
        let waited = self.shared.lag.keep_up().await;
        if waited >= lag::MOST {
            tracing::warn!(
                behind_ms = self.shared.lag.behind().as_millis(),
                "the search index trails the writes; a write went ahead without it"
            );
        }
    }

    /// Runs a search off the async threads.
    pub async fn search(&self, request: Request) -> Result<Results> {
        self.off_thread("search", move |shared| {
            engine::search(&shared.fields, &shared.generation(), &request)
        })
        .await
    }

    /// Completes a prefix to names, places and terms.
    pub async fn suggest(&self, prefix: String, first: usize) -> Result<Vec<Suggestion>> {
        self.off_thread("suggest", move |shared| {
            suggest::suggest(&shared.fields, &shared.generation(), &prefix, first)
        })
        .await
    }

    /// The clusters that share the most with `profile`'s, with what they share.
    pub async fn similar(&self, profile: Profile, first: usize) -> Result<Vec<Similar>> {
        self.off_thread("similar", move |shared| {
            similar::similar(&shared.fields, &shared.generation(), &profile, first)
        })
        .await
    }

    /// Runs a read of the index on a blocking thread, timed as a search of `kind`.
    async fn off_thread<T: Send + 'static>(
        &self,
        kind: &'static str,
        read: impl FnOnce(&Shared) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let shared = self.shared.clone();
        let started = std::time::Instant::now();
        let found = tokio::task::spawn_blocking(move || read(&shared)).await?;
        crate::telemetry::search(kind, started.elapsed());
        found
    }

    /// The newest outbox entry the index has applied.
    pub fn applied(&self) -> i32 {
        self.shared.applied.load(Ordering::SeqCst)
    }

    /// How many outbox entries the index has not applied yet.
    pub async fn pending(&self, db: &DatabaseConnection) -> Result<u64> {
        let applied = self.shared.applied.load(Ordering::SeqCst);
        Ok(crate::store::outbox::count_after(db, applied).await?)
    }

    /// How long the oldest change of the store's outbox the index has not applied has
    /// waited; zero when it has applied them all.
    pub async fn behind(&self, db: &DatabaseConnection) -> Result<std::time::Duration> {
        let applied = self.shared.applied.load(Ordering::SeqCst);
        let Some(since) = crate::store::outbox::first_after(db, applied).await? else {
            return Ok(std::time::Duration::ZERO);
        };
        let waited = chrono::Utc::now().signed_duration_since(since);
        Ok(waited.to_std().unwrap_or_default())
    }

    /// Waits until every change committed to the store before this call is searchable, in
    /// the generation `reindex` last published.
    pub async fn caught_up(&self, db: &DatabaseConnection) -> Result<()> {
        let target = crate::store::outbox::last_id(db).await?;
        loop {
            let published = self.shared.home.current();
            let generation = self.shared.generation();
            if published.as_deref() == Some(generation.name.as_str())
                && self.shared.applied.load(Ordering::SeqCst) >= target
            {
                return Ok(());
            }
            self.changed();
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// Why the index in `home` cannot serve this store: missing, another version, built from
/// another store, behind outbox entries that were pruned since (so it would never see them),
/// or not matching the store's outbox up to where it applied it: ahead of anything the store
/// wrote, or an entry it applied now reads otherwise (the store was restored from an older
/// backup, and maybe written to since, reusing ids: it would take the store's new entries
/// for ones it applied).
async fn unusable(db: &DatabaseConnection, home: &Home, store: &str) -> Result<Option<String>> {
    let payload = match home.open_current() {
        Err(why) => return Ok(Some(why.to_string())),
        Ok((_, _, payload)) => payload,
    };
    if payload.store != store {
        return Ok(Some(format!(
            "it was built from another store ({:?}, this one is {store:?})",
            payload.store
        )));
    }
    let pruned = crate::store::outbox_pruned::through(db).await?;
    // Outbox ids are never reused (AUTOINCREMENT, a sequence), also after pruning; unless
    // the store goes back to a backup.
    let newest = crate::store::outbox::last_id(db).await?.max(pruned);
    let applied = payload.applied;
    if applied < pruned {
        return Ok(Some(format!(
            "it applied the outbox up to {applied}, and entries up to {pruned} were pruned since"
        )));
    }
    if applied > newest {
        return Ok(Some(format!(
            "it applied the outbox up to {applied}, past the newest entry of this store ({newest}): the store was restored from an older backup"
        )));
    }
    let Some(witness) = payload.witness else {
        return Ok(None);
    };
    // The newest entry the index applied is still there as it saw it, and no other entry
    // has appeared after it up to `applied`; one pruned since cannot be checked.
    let now = crate::store::outbox::newest_in(db, pruned, applied).await?;
    let now = now.as_ref().map(Witness::of);
    let expected = (witness.id > pruned).then_some(&witness);
    Ok((now.as_ref() != expected).then(|| {
        let found = now.map_or_else(|| "none".to_owned(), |w| w.to_string());
        format!(
            "the store's outbox up to {applied} is not what it applied (it saw {witness} last, the store holds {found} there): the store was restored from a backup and written to since"
        )
    }))
}

/// Rebuilds the index from the store into a fresh generation and swaps it in; a running
/// server switches to it at its next poll.
pub async fn rebuild(
    db: &DatabaseConnection,
    dir: impl Into<PathBuf>,
    progress: &indicatif::ProgressBar,
) -> Result<()> {
    indexer::build(db, &Home::new(dir), &Fields::new(), progress).await
}
