//! Facet counts over the whole result set, in the same pass as the top hits.
//!
//! Tantivy's `FacetCollector` reads the segment's facet dictionary on every search: it
//! streams all of it to map the requested facets, then looks each reported value up again
//! (a compressed block decoded per value). With thousands of distinct values that was most
//! of a search's time at 100x. Segments never change, so each one's table from ordinal to
//! (facet, value) is read once, kept while the segment lives, and a search only counts
//! ordinals.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::facet;

/// The reported facets, in [`facet::all`]'s order.
fn names() -> Vec<&'static str> {
    facet::all().collect()
}

/// Per segment: each facet ordinal's facet (an index into [`names`]) and value; `None` for
/// facets that are not reported (matchmaking's targets).
type Table = Vec<Option<(u8, Box<str>)>>;

/// The tables of the segments a generation's searches have met.
#[derive(Default)]
pub struct Tables {
    by_segment: Mutex<HashMap<SegmentId, Arc<Table>>>,
}

impl Tables {
    /// Forgets the tables of segments no longer searched (merged away, or deleted).
    pub fn keep_only(&self, live: impl IntoIterator<Item = SegmentId>) {
        let live: HashSet<SegmentId> = live.into_iter().collect();
        self.lock().retain(|id, _| live.contains(id));
    }

    fn of(&self, segment: SegmentId, reader: &FacetReader) -> tantivy::Result<Arc<Table>> {
        if let Some(table) = self.lock().get(&segment) {
            return Ok(table.clone());
        }
        // Built outside the lock: another search may build the same table meanwhile, and
        // the second one in is dropped.
        let table = Arc::new(read_table(reader)?);
        Ok(self.lock().entry(segment).or_insert(table).clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<Table>>> {
        self.by_segment.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn read_table(reader: &FacetReader) -> tantivy::Result<Table> {
    let names = names();
    let dict = reader.facet_dict();
    let mut table: Table = vec![None; dict.num_terms()];
    let mut terms = dict.stream()?;
    while terms.advance() {
        let Ok(facet) = Facet::from_encoded(terms.key().to_vec()) else {
            continue;
        };
        let path = facet.to_path();
        let (Some(root), Some(value), 2) = (path.first(), path.last(), path.len()) else {
            continue;
        };
        let Some(index) = names.iter().position(|n| n == root) else {
            continue;
        };
        if let Some(slot) = table.get_mut(terms.term_ord() as usize) {
            *slot = Some((index as u8, (*value).into()));
        }
    }
    Ok(table)
}

/// Counts every reported facet value of the matches.
pub struct Counter<'a> {
    pub tables: &'a Tables,
}

/// Counts by facet (index into [`names`]) and value.
#[derive(Debug, Default)]
pub struct Counts(HashMap<(u8, Box<str>), u64>);

impl Counts {
    /// Each facet's `k` most frequent values (ties by value), facets in [`facet::all`]'s
    /// order.
    pub fn top(self, k: usize) -> Vec<(&'static str, Box<str>, u64)> {
        let names = names();
        let mut by_facet: BTreeMap<u8, Vec<(Box<str>, u64)>> = BTreeMap::new();
        for ((f, value), count) in self.0 {
            by_facet.entry(f).or_default().push((value, count));
        }
        let mut out = Vec::new();
        for (f, mut values) in by_facet {
            values.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let name = names[f as usize];
            out.extend(values.into_iter().take(k).map(|(v, c)| (name, v, c)));
        }
        out
    }
}

impl Collector for Counter<'_> {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let reader = segment.facet_reader("facets")?;
        let table = self.tables.of(segment.segment_id(), &reader)?;
        Ok(SegmentCounter {
            counts: vec![0; table.len()],
            reader,
            table,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts::default();
        for segment in segments {
            for (key, count) in segment.0 {
                *all.0.entry(key).or_default() += count;
            }
        }
        Ok(all)
    }
}

pub struct SegmentCounter {
    reader: FacetReader,
    table: Arc<Table>,
    counts: Vec<u32>,
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        // A document's ordinals come sorted: one holding a value twice counts once.
        let mut previous = u64::MAX;
        for ord in self.reader.facet_ords(doc) {
            if ord != previous
                && let Some(count) = self.counts.get_mut(ord as usize)
            {
                *count += 1;
            }
            previous = ord;
        }
    }

    fn harvest(self) -> Counts {
        let mut counts = HashMap::new();
        for (ord, &count) in self.counts.iter().enumerate() {
            if count > 0
                && let Some(Some((f, value))) = self.table.get(ord)
            {
                *counts.entry((*f, value.clone())).or_default() += u64::from(count);
            }
        }
        Counts(counts)
    }
}
