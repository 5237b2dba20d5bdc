//! Writing the index: full builds into a fresh generation, and the one task that follows the
//! store's outbox, applying each change in groups (a commit costs ~0.1 s and a segment, so
//! never one per document) and reloading readers right after each commit.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use sea_orm::{DatabaseConnection, DbErr};
use tantivy::directory::error::LockError;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::{Index, IndexWriter, TantivyError, Term};

use super::documents::{self, Derived};
use super::error::Result;
use super::home::{Home, Payload, Witness};
use super::schema::Fields;
use super::{Generation, Shared};
use crate::store::{self, cluster, network, news, outbox::Changed};

/// The entities one index commit applied: changes the store had committed, now searchable.
/// Subscriptions follow these, so they never see a write that rolled back.
#[derive(Debug, Default)]
pub struct Committed {
    pub changed: BTreeMap<Changed, BTreeSet<i32>>,
}

/// Entities read from the store per statement batch: each statement costs a handoff to the
/// driver's thread and back, and a rebuild at 2,000 ran 5 to 12 % faster than at 500.
const BATCH: u64 = 2_000;
/// Batches a full build reads ahead of the indexing.
const READ_AHEAD: usize = 8;
/// Readers of each kind side by side in a full build, each over a stretch of ids.
const READERS: i32 = 3;
/// Outbox entries applied per commit at most.
const GROUP: u64 = 5_000;
/// How often the store is asked for changes other processes made.
const POLL: Duration = Duration::from_millis(200);
/// Under a stream of writes, commits are at least this far apart: each costs a segment, a
/// reader reload and later a merge, whatever it holds. A write may wait this long more to
/// become searchable; a write after a quiet spell does not wait.
const COMMIT_GAP: Duration = Duration::from_millis(150);
/// How long a missing outbox id may still show up (a transaction that took it but has not
/// committed yet); after that it was rolled back.
const GAP_PATIENCE: Duration = Duration::from_secs(60);
/// A full build: two indexing threads and room for large segments.
const BUILD_MEMORY: usize = 200_000_000;
/// The live index takes a few documents per commit. Each commit starts new segment writers,
/// which allocate and zero a hash table sized from this budget (8 MB a thread at the
/// build's budget): fresh memory by the megabyte several times a second stalled requests
/// (page faults, unmapping). One thread at about Tantivy's minimum.
const LIVE_MEMORY: usize = 20_000_000;
/// Segments under this many documents are merged together as one level (see [`live_merges`]).
const LIVE_LAYER: u32 = 1_000;
/// How long opening the live writer waits for a lock held for a moment.
const LOCK_PATIENCE: Duration = Duration::from_secs(1);
/// Outbox entries applied longer ago than this are deleted; a replica whose index is older
/// than that is rebuilt when it starts.
pub const OUTBOX_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The writer of a generation being built from the store. Nothing is merged while it
/// indexes: the build ends by merging every segment into one, and a merge before that
/// would write the same documents twice.
fn build_writer(index: &Index) -> tantivy::Result<IndexWriter> {
    let writer = index.writer_with_num_threads(2, BUILD_MEMORY)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    Ok(writer)
}

/// The writer the indexer task keeps open to apply the outbox. A lock busy for a moment is
/// waited for: a child process forked while the build's writer was open (a test running
/// the CLI beside it) holds a copy of the lock file's handle, so the lock, until it execs.
/// A writer of another process keeps it, and fails this after [`LOCK_PATIENCE`].
pub fn live_writer(index: &Index) -> tantivy::Result<IndexWriter> {
    let started = Instant::now();
    let writer = loop {
        match index.writer_with_num_threads(1, LIVE_MEMORY) {
            Err(TantivyError::LockFailure(LockError::LockBusy, _))
                if started.elapsed() < LOCK_PATIENCE =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            opened => break opened?,
        }
    };
    writer.set_merge_policy(Box::new(live_merges()));
    Ok(writer)
}

/// Tantivy's default puts every segment under 10,000 documents in one level, so each merge
/// of a few commits' segments rewrote the segment the last merges had grown, again and
/// again: under 50 writes a second that took a tenth of the CPU. Small segments now stop
/// being rewritten at [`LIVE_LAYER`] documents and go up by size levels from there.
fn live_merges() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_layer_size(LIVE_LAYER);
    policy
}

/// Builds every document from the store into a new generation and makes it current.
/// Changes committed while it runs are in the outbox after the mark it records, and are
/// applied by the indexer task after the swap.
pub async fn build(
    db: &DatabaseConnection,
    home: &Home,
    fields: &Fields,
    progress: &indicatif::ProgressBar,
) -> Result<()> {
    let started = Instant::now();
    let store = store::store_identity::token(db).await?;
    // Entries of the last minute may belong to transactions still open: replay them too.
    // Pruned ones were applied long ago, by the store as much as by any index.
    let mark = store::outbox::settled(db, GAP_PATIENCE)
        .await?
        .max(store::outbox_pruned::through(db).await?);
    let (generation, index) = home.create(fields)?;
    let writer = build_writer(&index)?;
    let total = store::cluster::count(db, &Default::default()).await?
        + store::news::count(db, &Default::default()).await?;
    progress.set_length(total);
    // Each reader (below) reads its next batch while Tantivy's threads index the last:
    // reading the store had been more than half of a rebuild, with the indexing threads
    // waiting on it.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Derived>(READ_AHEAD);
    let adding = tokio::task::spawn_blocking(move || -> tantivy::Result<(IndexWriter, usize)> {
        let mut documents = 0;
        while let Some(derived) = receiver.blocking_recv() {
            documents += derived.docs.len();
            add(&writer, derived)?;
        }
        Ok((writer, documents))
    });
    let reading = read_everything(db, fields, stretches(db).await?, sender, progress).await;
    // The adding side ends when every reader has; a reader's error comes first.
    let added = adding.await?;
    reading?;
    let (mut writer, mut documents) = added?;
    let shared = documents::every_shared_suggestion(db, fields).await?;
    documents += shared.docs.len();
    add(&writer, shared)?;
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&payload(db, &store, mark).await?);
    commit.commit()?;
    merge_into_one(&index, writer)?;
    home.publish(&generation)?;
    tracing::info!(
        %generation,
        documents,
        seconds = started.elapsed().as_secs_f64(),
        "search index built"
    );
    Ok(())
}

/// Clusters (with their services and participations) and news in stretches of ids read
/// side by side: reading one row passes it between the connection's thread and ours, so
/// one reader of a kind kept neither core busy. Networks and events are few: the first
/// reader takes them. One list of stretches per reader.
async fn stretches(db: &DatabaseConnection) -> Result<Vec<Vec<Stretch>>> {
    let all = sea_orm::Condition::all;
    let lasts = [
        (
            Changed::Cluster,
            store::last_id(db, cluster::Column::Id, all()).await?,
        ),
        (
            Changed::News,
            store::last_id(db, news::Column::Id, all()).await?,
        ),
    ];
    let mut stretches = Vec::new();
    for (entity, last) in lasts {
        let step = last / READERS + 1;
        stretches.extend((0..READERS).map(|i| {
            vec![Stretch {
                entity,
                after: i * step,
                below: ((i + 1) * step).saturating_add(1),
            }]
        }));
    }
    if let Some(first) = stretches.first_mut() {
        first.push(Stretch::all(Changed::Network));
        first.push(Stretch::all(Changed::Event));
    }
    Ok(stretches)
}

/// Reads every stretch, one task per reader deriving on a worker thread, sending what it
/// derives to `sender`; the first reader's error, once all have ended.
async fn read_everything(
    db: &DatabaseConnection,
    fields: &Fields,
    stretches: Vec<Vec<Stretch>>,
    sender: tokio::sync::mpsc::Sender<Derived>,
    progress: &indicatif::ProgressBar,
) -> Result<()> {
    let labels = Arc::new(documents::NewsLabels::every(db).await?);
    let readers: Vec<_> = stretches
        .into_iter()
        .map(|stretches| {
            let (db, fields, labels) = (db.clone(), fields.clone(), labels.clone());
            let (sender, progress) = (sender.clone(), progress.clone());
            tokio::spawn(async move {
                let source = Source {
                    db: &db,
                    fields: &fields,
                    labels: &labels,
                };
                read_all(&source, &stretches, &sender, &progress).await
            })
        })
        .collect();
    drop(sender);
    let mut reading = Ok(());
    for reader in readers {
        let read = reader.await?;
        if reading.is_ok() {
            reading = read;
        }
    }
    reading
}

/// One segment: every search looks each word up once per segment, which is most of the
/// time of a search for a rare word. The merge keeps the last commit's payload.
fn merge_into_one(index: &Index, mut writer: IndexWriter) -> Result<()> {
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    Ok(())
}

/// Ids of one kind a reader of a full build takes: `after < id < below`.
struct Stretch {
    entity: Changed,
    after: i32,
    below: i32,
}

impl Stretch {
    fn all(entity: Changed) -> Self {
        Self {
            entity,
            after: 0,
            below: i32::MAX,
        }
    }
}

/// What a full build's readers derive documents from.
struct Source<'a> {
    db: &'a DatabaseConnection,
    fields: &'a Fields,
    /// Read once for the whole build: see [`documents::NewsLabels::every`].
    labels: &'a documents::NewsLabels,
}

/// Reads each stretch in batches and sends each batch's documents.
async fn read_all(
    source: &Source<'_>,
    stretches: &[Stretch],
    sender: &tokio::sync::mpsc::Sender<Derived>,
    progress: &indicatif::ProgressBar,
) -> Result<()> {
    for &Stretch {
        entity,
        mut after,
        below,
    } in stretches
    {
        while let Some((last, read, derived)) = next_batch(source, entity, after, below).await? {
            after = last;
            if sender.send(derived).await.is_err() {
                // The adding side failed; its error is the one to report.
                return Ok(());
            }
            progress.inc(read as u64);
        }
    }
    Ok(())
}

/// A full build's next batch of one kind after `after` (below `below`): the last id read,
/// how many items the progress counts (networks are not), and their documents; `None` past
/// the end.
async fn next_batch(
    &Source { db, fields, labels }: &Source<'_>,
    entity: Changed,
    after: i32,
    below: i32,
) -> Result<Option<(i32, usize, Derived)>, DbErr> {
    let later = documents::Shared::Later;
    let ids = match entity {
        // News, most of any store, straight by range: a list of ids first and the rows by
        // that list read each id twice.
        Changed::News => {
            let next = documents::news_after(db, fields, labels, after, below, BATCH).await?;
            return Ok(next.map(|(last, derived)| (last, derived.docs.len(), derived)));
        }
        Changed::Cluster => {
            store::ids_between(db, cluster::Column::Id, after, below, BATCH).await?
        }
        Changed::Network => {
            store::ids_between(db, network::Column::Id, after, below, BATCH).await?
        }
        Changed::Event => {
            store::ids_between(db, store::event::Column::Id, after, below, BATCH).await?
        }
        Changed::Project => return Ok(None),
    };
    let Some(&last) = ids.last() else {
        return Ok(None);
    };
    let read = if entity == Changed::Cluster {
        ids.len()
    } else {
        0
    };
    Ok(Some((
        last,
        read,
        derive(db, fields, entity, &ids, later).await?,
    )))
}

/// Adds documents to a fresh generation: nothing there to replace.
fn add(writer: &IndexWriter, derived: Derived) -> tantivy::Result<()> {
    for doc in derived.docs {
        writer.add_document(doc)?;
    }
    Ok(())
}

/// Deletes what the owners had and adds their new documents.
fn apply(writer: &mut IndexWriter, fields: &Fields, derived: Derived) -> tantivy::Result<()> {
    for owner in &derived.owners {
        writer.delete_term(Term::from_field_text(fields.owner, owner));
    }
    for doc in derived.docs {
        writer.add_document(doc)?;
    }
    Ok(())
}

async fn derive(
    db: &DatabaseConnection,
    fields: &Fields,
    entity: Changed,
    ids: &[i32],
    shared: documents::Shared,
) -> Result<Derived, DbErr> {
    match entity {
        Changed::Cluster => documents::clusters(db, fields, ids, shared).await,
        Changed::Network => documents::networks(db, fields, ids).await,
        Changed::News => documents::news(db, fields, ids).await,
        Changed::Event => documents::events(db, fields, ids).await,
        // Not searched.
        Changed::Project => Ok(Derived::default()),
    }
}

/// Where the task stands in the outbox: the highest id applied, and the ids below it not
/// seen yet, with when they were first missed.
#[derive(Clone)]
struct Position {
    high: i32,
    gaps: BTreeMap<i32, Instant>,
}

impl Position {
    /// Where a generation's last commit left off.
    fn opened(generation: &Generation) -> Self {
        Self {
            high: generation.applied_at_open,
            gaps: BTreeMap::new(),
        }
    }

    /// Every entry up to this one is applied: what a commit records.
    fn settled(&self) -> i32 {
        self.gaps.keys().next().map_or(self.high, |first| first - 1)
    }

    fn saw(&mut self, id: i32) {
        self.gaps.remove(&id);
        if id > self.high {
            let now = Instant::now();
            for missing in self.high + 1..id {
                self.gaps.insert(missing, now);
            }
            self.high = id;
        }
    }
}

/// Follows the outbox until the process ends: applies what changed, commits, reloads.
pub async fn run(db: DatabaseConnection, shared: Arc<Shared>) {
    let mut generation = shared.generation();
    let mut position = Position::opened(&generation);
    let mut next_prune = Instant::now();
    loop {
        if let Some(next) = switched(&db, &shared, &generation).await {
            generation = next;
            position = Position::opened(&generation);
        }
        if next_prune <= Instant::now() {
            next_prune = Instant::now() + PRUNE_EVERY;
            if let Err(e) = prune(&db, &shared, &position).await {
                tracing::error!(error = %e, "outbox pruning failed");
            }
        }
        let started = tokio::time::Instant::now();
        let step = step(&db, &shared, &generation, &mut position).await;
        shared.applied.store(position.high, Ordering::SeqCst);
        match step {
            Ok(applied) if applied as u64 >= GROUP => continue,
            Ok(0) => {}
            Ok(_) => tokio::time::sleep_until(started + COMMIT_GAP).await,
            Err(e) => tracing::error!(error = %e, "search indexer step failed; retrying"),
        }
        tokio::select! {
            () = shared.wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Deletes the outbox entries this index applied more than [`OUTBOX_RETENTION`] ago, and
/// rebuilds the index if another process pruned entries it never applied (it lagged behind
/// for longer than the retention).
async fn prune(db: &DatabaseConnection, shared: &Shared, position: &Position) -> Result<()> {
    let applied = position.settled();
    let gone = store::outbox_pruned::prune(db, OUTBOX_RETENTION, applied).await?;
    if gone > 0 {
        tracing::info!(entries = gone, "outbox pruned");
    }
    if store::outbox_pruned::through(db).await? > applied {
        tracing::warn!("the outbox was pruned past what this search index applied: rebuilding it");
        build(
            db,
            &shared.home,
            &shared.fields,
            &indicatif::ProgressBar::hidden(),
        )
        .await?;
    }
    Ok(())
}

/// A generation another process published (`cluster-atlas reindex`), opened in place of
/// ours; or, when it cannot serve this store (built from another database, or by another
/// version), rebuilt from this store by the same rules as at start.
async fn switched(
    db: &DatabaseConnection,
    shared: &Shared,
    ours: &Arc<Generation>,
) -> Option<Arc<Generation>> {
    let current = shared.home.current()?;
    if current == ours.name {
        return None;
    }
    match super::unusable(db, &shared.home, &shared.store).await {
        Ok(None) => {}
        Ok(Some(why)) => {
            tracing::warn!(generation = %current, "a published search index cannot serve this store ({why}): rebuilding from this one");
            let hidden = indicatif::ProgressBar::hidden();
            if let Err(e) = build(db, &shared.home, &shared.fields, &hidden).await {
                tracing::error!(error = %e, "rebuilding the search index failed");
            }
            return None;
        }
        Err(e) => {
            tracing::warn!(error = %e, "a new search index generation could not be checked");
            return None;
        }
    }
    match Generation::open(&shared.thread, &shared.home).await {
        Ok(next) => {
            tracing::info!(generation = %next.name, "switched to a rebuilt search index");
            let next = Arc::new(next);
            shared.replace(next.clone());
            Some(next)
        }
        Err(e) => {
            tracing::warn!(error = %e, "a new search index generation could not be opened");
            None
        }
    }
}

/// What a commit that applied the outbox of `store` up to `applied` records, with the newest
/// entry it applied as the store holds it now (one indexed read; `search::unusable` checks
/// it against the store at the next start).
async fn payload(db: &DatabaseConnection, store: &str, applied: i32) -> Result<String> {
    let witness = store::outbox::newest_in(db, 0, applied).await?;
    let payload = Payload::at(store, applied, witness.as_ref().map(Witness::of));
    Ok(serde_json::to_string(&payload)?)
}

/// Applies one group of outbox entries; returns how many there were. `position` moves only
/// once they are committed: a failed step is tried again.
async fn step(
    db: &DatabaseConnection,
    shared: &Shared,
    generation: &Arc<Generation>,
    committed: &mut Position,
) -> Result<usize> {
    let started = Instant::now();
    let mut position = committed.clone();
    // Every change noticed so far committed before this read: it is in what the read finds.
    shared.lag.take();
    let mut entries = store::outbox::after(db, position.high, GROUP).await?;
    let more = entries.len() as u64 >= GROUP;
    if !position.gaps.is_empty() {
        let waiting: Vec<i32> = position.gaps.keys().copied().collect();
        entries.extend(store::outbox::by_ids(db, &waiting).await?);
        position
            .gaps
            .retain(|_, since| since.elapsed() < GAP_PATIENCE);
    }
    if entries.is_empty() {
        *committed = position;
        shared.lag.applied(false);
        return Ok(0);
    }
    let mut changed: BTreeMap<Changed, BTreeSet<i32>> = BTreeMap::new();
    for e in &entries {
        position.saw(e.id);
        if let Some(entity) = Changed::parse(&e.entity) {
            changed.entry(entity).or_default().insert(e.entity_id);
        }
    }
    let read = started.elapsed();
    let fields = &shared.fields;
    let mut groups = Vec::new();
    for (entity, ids) in &changed {
        let ids = Vec::from_iter(ids.iter().copied());
        for chunk in ids.chunks(BATCH as usize) {
            groups.push(derive(db, fields, *entity, chunk, documents::Shared::Suggest).await?);
        }
    }
    let derived = started.elapsed();
    let payload = payload(db, &shared.store, position.settled()).await?;
    let generation = generation.clone();
    let fields = fields.clone();
    let job = move || -> tantivy::Result<()> {
        let mut writer = generation
            .writer
            .lock()
            .map_err(|_| tantivy::TantivyError::SystemError("index writer poisoned".into()))?;
        for derived in groups {
            apply(&mut writer, &fields, derived)?;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&payload);
        commit.commit()?;
        generation.reload()
    };
    let started = std::time::Instant::now();
    shared.thread.run(job).await??;
    crate::telemetry::index_commit(started.elapsed());
    *committed = position;
    shared.lag.applied(more);
    // Nobody listening is not an error.
    let _ = shared.committed.send(Arc::new(Committed { changed }));
    tracing::debug!(
        entries = entries.len(),
        read_ms = read.as_millis(),
        derived_ms = derived.as_millis(),
        committed_ms = started.elapsed().as_millis(),
        "search index updated"
    );
    Ok(entries.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use tantivy::Index;
    use tantivy::index::SegmentId;
    use tantivy::indexer::MergePolicy;

    use super::{LOCK_PATIENCE, live_merges, live_writer};
    use crate::search::schema::Fields;

    /// A lock released soon after is waited for; one kept fails, after the patience.
    #[test]
    fn the_live_writer_waits_for_a_lock_held_for_a_moment_only() {
        let index = Index::create_in_ram(Fields::new().schema);
        crate::search::analysis::register(&index);
        let holder: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(150));
            drop(holder);
        });
        let writer = live_writer(&index).expect("the lock came free");
        release.join().unwrap();

        let started = std::time::Instant::now();
        assert!(
            live_writer(&index).is_err(),
            "the first live writer keeps the lock"
        );
        assert!(started.elapsed() >= LOCK_PATIENCE);
        drop(writer);
    }

    /// The live index merges a few commits' small segments, never the segment those merges
    /// grew to (Tantivy's default rewrote it with every merge up to 10,000 documents).
    #[test]
    fn live_merges_leave_grown_segments_alone() {
        let index = Index::create_in_ram(Fields::new().schema);
        let meta = |docs| index.new_segment_meta(SegmentId::generate_random(), docs);
        let small: Vec<_> = (0..8).map(|_| meta(6)).collect();
        let grown = meta(5_000);
        let mut segments = small.clone();
        segments.push(grown.clone());

        let candidates = live_merges().compute_merge_candidates(&segments);
        assert_eq!(candidates.len(), 1, "{candidates:?}");
        let merged = &candidates[0].0;
        assert_eq!(merged.len(), small.len());
        assert!(small.iter().all(|s| merged.contains(&s.id())));
        assert!(!merged.contains(&grown.id()));

        // Tantivy's default, for contrast: the grown segment goes into the same merge.
        let default = tantivy::indexer::LogMergePolicy::default();
        let candidates = default.compute_merge_candidates(&segments);
        assert!(candidates[0].0.contains(&grown.id()));
    }
}
