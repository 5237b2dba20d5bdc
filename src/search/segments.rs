//! What a search reads of each segment beyond its postings: the facet table and the fast
//! field columns. Opening a column decodes its block index (thousands of blocks at 100x),
//! and Tantivy's facet dictionary is compressed; done per search, that was most of the cost
//! of a search with few hits. Segments never change, so each is opened once and kept while
//! the generation's reader still holds it (pruned at each reload).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::SegmentReader;
use tantivy::columnar::{Column, ColumnValues};
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::Facet;

use super::schema::facet;

/// Per facet ordinal: its facet (an index into [`facet::all`]) and value; `None` for facets
/// that are not reported (matchmaking's targets).
pub type FacetTable = Vec<Option<(u8, Box<str>)>>;

/// One segment, opened for searching.
pub struct Segment {
    pub facets: FacetReader,
    pub facet_table: FacetTable,
    pub kind: Column<u64>,
    pub id: Column<u64>,
    /// News dates (days since 1970); 0 for other documents.
    pub day: Arc<dyn ColumnValues<i64>>,
}

/// The segments a generation's searches have met.
#[derive(Default)]
pub struct Segments {
    open: Mutex<HashMap<SegmentId, Arc<Segment>>>,
}

impl Segments {
    /// Forgets the segments no longer searched (merged away, or deleted).
    pub fn keep_only(&self, live: impl IntoIterator<Item = SegmentId>) {
        let live: HashSet<SegmentId> = live.into_iter().collect();
        self.lock().retain(|id, _| live.contains(id));
    }

    pub fn of(&self, reader: &SegmentReader) -> tantivy::Result<Arc<Segment>> {
        let key = reader.segment_id();
        if let Some(segment) = self.lock().get(&key) {
            return Ok(segment.clone());
        }
        // Opened outside the lock: another search may open the same segment meanwhile, and
        // the second one in is dropped.
        let segment = Arc::new(open(reader)?);
        Ok(self.lock().entry(key).or_insert(segment).clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<Segment>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn open(reader: &SegmentReader) -> tantivy::Result<Segment> {
    let fast = reader.fast_fields();
    let facets = reader.facet_reader("facets")?;
    Ok(Segment {
        facet_table: facet_table(&facets)?,
        facets,
        kind: fast.u64("kind")?,
        id: fast.u64("id")?,
        day: fast.i64("day")?.first_or_default_col(0),
    })
}

fn facet_table(reader: &FacetReader) -> tantivy::Result<FacetTable> {
    let names: Vec<&str> = facet::all().collect();
    let dict = reader.facet_dict();
    let mut table: FacetTable = vec![None; dict.num_terms()];
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
