//! What a search reads of each segment beyond its postings: the facet table and the fast
//! field columns. Opening a column decodes its block index (thousands of blocks at 100x),
//! and Tantivy's facet dictionary is compressed; done per search, that was most of the cost
//! of a search with few hits. Segments never change, so each is opened once and kept while
//! the generation's reader still holds it (opened and pruned at each reload).

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

/// Each document's reported facet ordinals, distinct and in order, in one word per
/// document: counting a match's facets is a single read from an array of 8 bytes a document
/// (at a million documents, the read that misses the cache; two reads a match before, a row
/// range then the values, were most of the counting).
///
/// A document with at most four ordinals, each below [`SPILL`], holds them in 16-bit slots
/// from the low end up, as ordinal + 1 (an empty slot is 0). Any other document's word is
/// [`SPILL`] in the top slot and, below it, where its ordinals start in `spilled`, after
/// their number. Clusters, with their taxonomies, spill; news items and services do not.
pub struct FacetOrds {
    packed: Vec<u64>,
    spilled: Vec<u32>,
}

/// The top slot's value that marks a spilled document; slots hold ordinals below it.
const SPILL: u64 = 0xFFFF;
const SLOTS: usize = 4;

impl FacetOrds {
    fn read(reader: &FacetReader, table: &FacetTable, max_doc: u32) -> Self {
        let mut ords = Self::with_capacity(max_doc as usize);
        let mut of_doc = Vec::new();
        for doc in 0..max_doc {
            of_doc.clear();
            for ord in reader.facet_ords(doc) {
                let reported = matches!(table.get(ord as usize), Some(Some(_)));
                let ord = u32::try_from(ord).unwrap_or(u32::MAX);
                if reported && of_doc.last() != Some(&ord) {
                    of_doc.push(ord);
                }
            }
            ords.push(&of_doc);
        }
        ords.packed.shrink_to_fit();
        ords.spilled.shrink_to_fit();
        ords
    }

    fn with_capacity(docs: usize) -> Self {
        Self {
            packed: Vec::with_capacity(docs),
            spilled: Vec::new(),
        }
    }

    /// Appends the next document's ordinals.
    fn push(&mut self, ords: &[u32]) {
        let fits = ords.len() <= SLOTS && ords.iter().all(|&o| u64::from(o) + 1 < SPILL);
        let word = if fits {
            (ords.iter().rev()).fold(0, |word, &o| (word << 16) | (u64::from(o) + 1))
        } else {
            let start = self.spilled.len() as u64;
            self.spilled
                .push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
            self.spilled.extend_from_slice(ords);
            (SPILL << 48) | start
        };
        self.packed.push(word);
    }

    /// Calls `each` with every reported facet ordinal of `doc`.
    #[inline]
    pub fn each(&self, doc: u32, mut each: impl FnMut(u32)) {
        let Some(&word) = self.packed.get(doc as usize) else {
            return;
        };
        if word >> 48 == SPILL {
            let start = (word & 0xFFFF_FFFF_FFFF) as usize;
            let len = self.spilled.get(start).map_or(0, |&n| n as usize);
            let ords = self.spilled.get(start + 1..start + 1 + len).unwrap_or(&[]);
            ords.iter().for_each(|&o| each(o));
        } else {
            let mut rest = word;
            while rest != 0 {
                each((rest & 0xFFFF) as u32 - 1);
                rest >>= 16;
            }
        }
    }
}

/// One segment, opened for searching.
pub struct Segment {
    pub facet_ords: FacetOrds,
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
    /// Follows the reader's segments: opens the new ones and forgets those merged away or
    /// deleted. At each reload, on the index thread, so that no search pays for opening one.
    pub fn refresh(&self, readers: &[SegmentReader]) -> tantivy::Result<()> {
        let live: HashSet<SegmentId> = readers.iter().map(SegmentReader::segment_id).collect();
        self.lock().retain(|id, _| live.contains(id));
        for reader in readers {
            self.of(reader)?;
        }
        Ok(())
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
    let facet_table = facet_table(&facets)?;
    Ok(Segment {
        facet_ords: FacetOrds::read(&facets, &facet_table, reader.max_doc()),
        facet_table,
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use tantivy::schema::{FacetOptions, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;

    /// Each document's reported values, each once; values of unreported facets left out.
    #[test]
    fn facet_ords_hold_each_reported_value_once() {
        let mut schema = Schema::builder();
        let field = schema.add_facet_field("facets", FacetOptions::default());
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for paths in [
            &["/kind/NEWS", "/country/RS", "/country/RS", "/target/MK"][..],
            &[][..],
            &["/year/2016", "/country/MK"][..],
        ] {
            let mut doc = TantivyDocument::new();
            for p in paths {
                doc.add_facet(field, Facet::from(*p));
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let reader = &searcher.segment_readers()[0];
        let facets = reader.facet_reader("facets").unwrap();
        let table = facet_table(&facets).unwrap();
        let ords = FacetOrds::read(&facets, &table, reader.max_doc());
        let values = |doc: u32| -> Vec<String> {
            let names: Vec<&str> = facet::all().collect();
            listed(&ords, doc)
                .into_iter()
                .map(|o| {
                    let (f, v) = table[o as usize].clone().unwrap();
                    format!("{}={v}", names[f as usize])
                })
                .collect()
        };
        assert_eq!(values(0), ["country=RS", "kind=NEWS"]);
        assert!(values(1).is_empty());
        assert_eq!(values(2), ["country=MK", "year=2016"]);
        assert!(values(3).is_empty(), "past the last document");
    }

    fn listed(ords: &FacetOrds, doc: u32) -> Vec<u32> {
        let mut out = Vec::new();
        ords.each(doc, |o| out.push(o));
        out
    }

    /// Up to four small ordinals pack into the document's word; more, or one too large for
    /// a slot, spill; either way each document reads back what it was given, in order.
    #[test]
    fn ordinals_pack_or_spill_and_read_back() {
        let docs: [&[u32]; 7] = [
            &[],
            &[0],
            &[0, 1, 2, 65_533],
            &[3, 4, 5, 6, 7],
            &[65_534],
            &[9, 1 << 20],
            &[12, 13],
        ];
        let mut ords = FacetOrds::with_capacity(docs.len());
        for d in docs {
            ords.push(d);
        }
        assert_eq!(ords.spilled.len(), 6 + 2 + 3, "three documents spill");
        for (doc, want) in docs.iter().enumerate() {
            assert_eq!(listed(&ords, doc as u32), *want, "document {doc}");
        }
        assert!(listed(&ords, docs.len() as u32).is_empty());
    }
}
