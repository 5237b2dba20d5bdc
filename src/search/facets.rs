//! Facet counts over the whole result set, in the same pass as the top hits.
//!
//! Tantivy's `FacetCollector` reads the segment's facet dictionary on every search: it
//! streams all of it to map the requested facets, then looks each reported value up again
//! (a compressed block decoded per value). With thousands of distinct values that was most
//! of a search's time at 100x. Here a search only counts ordinals; each segment's table
//! from ordinal to (facet, value) is read once ([`Segments`]).

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::facet;
use super::segments::{Segment, Segments};

/// Counts every reported facet value of the matches, and keeps each facet's `top` most
/// frequent values (ties by value).
pub struct Counter<'a> {
    pub segments: &'a Segments,
    pub top: usize,
}

/// Facet name, value and count: facets in [`facet::all`]'s order, each one's values most
/// frequent first.
pub type Counts = Vec<(&'static str, String, u64)>;

impl Collector for Counter<'_> {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let segment = self.segments.of(reader)?;
        Ok(SegmentCounter {
            counts: vec![0; segment.facet_table.len()],
            matched: Vec::new(),
            segment,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    /// Values are merged by name across segments (each segment has its own ordinals), but
    /// borrowed from the segments' tables: only the values reported are copied. A search
    /// after a full build meets one segment, and needs no merge at all.
    fn merge_fruits(&self, segments: Vec<SegmentCounter>) -> tantivy::Result<Counts> {
        let names: Vec<&'static str> = facet::all().collect();
        let mut by_facet: Vec<Vec<(&str, u64)>> = vec![Vec::new(); names.len()];
        let named: Vec<(u8, &str, u64)> = match segments.as_slice() {
            [only] => only.named().collect(),
            all => {
                let mut by_value: HashMap<(u8, &str), u64> = HashMap::new();
                for (f, value, count) in all.iter().flat_map(SegmentCounter::named) {
                    *by_value.entry((f, value)).or_default() += count;
                }
                (by_value.into_iter())
                    .map(|((f, v), c)| (f, v, c))
                    .collect()
            }
        };
        for (f, value, count) in named {
            if let Some(values) = by_facet.get_mut(usize::from(f)) {
                values.push((value, count));
            }
        }
        let mut out = Vec::new();
        for (name, mut values) in names.into_iter().zip(by_facet) {
            values.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            out.extend((values.into_iter().take(self.top)).map(|(v, c)| (name, v.to_owned(), c)));
        }
        Ok(out)
    }
}

/// A segment's count per facet ordinal, with the segment whose table names the ordinals
/// (also what it harvests: the merge names the values).
pub struct SegmentCounter {
    segment: Arc<Segment>,
    counts: Vec<u32>,
    /// Matches not counted yet. Counting is a read from an array too large for the cache;
    /// done in a tight loop at the end, the reads of many matches are in flight at once,
    /// where between the postings' work of each match they were one at a time.
    matched: Vec<DocId>,
}

impl SegmentCounter {
    /// The values counted, as (facet, value, count).
    fn named(&self) -> impl Iterator<Item = (u8, &str, u64)> {
        (self.counts.iter().enumerate())
            .filter(|&(_, &count)| count > 0)
            .filter_map(|(ord, &count)| match self.segment.facet_table.get(ord) {
                Some(Some((f, value))) => Some((*f, &**value, u64::from(count))),
                _ => None,
            })
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Self;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.matched.push(doc);
    }

    fn harvest(mut self) -> Self {
        let (segment, counts) = (&self.segment, &mut self.counts);
        for &doc in &self.matched {
            segment.facet_ords.each(doc, |ord| {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            });
        }
        self.matched = Vec::new();
        self
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use tantivy::query::AllQuery;
    use tantivy::schema::Facet;
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;
    use crate::search::schema::Fields;

    /// Counts of one value held in two segments add up; each facet keeps its most frequent
    /// values, ties by value.
    #[test]
    fn counts_merge_across_segments_and_keep_the_top() {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        crate::search::analysis::register(&index);
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        let segments_of_docs: [&[&[&str]]; 2] = [
            &[&["/country/RS", "/year/2016"], &["/country/MK"]],
            &[
                &["/country/RS"],
                &["/country/BG", "/year/2016"],
                &["/country/AL"],
            ],
        ];
        for docs in segments_of_docs {
            for paths in docs {
                let mut doc = TantivyDocument::new();
                doc.add_u64(fields.kind, 4);
                doc.add_u64(fields.id, 1);
                doc.add_i64(fields.day, 0);
                for p in *paths {
                    doc.add_facet(fields.facets, Facet::from(*p));
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let segments = Segments::default();
        let counts = |top| {
            let counter = Counter {
                segments: &segments,
                top,
            };
            searcher.search(&AllQuery, &counter).unwrap()
        };
        let owned = |v: &[(&'static str, &str, u64)]| -> Counts {
            v.iter().map(|&(f, v, c)| (f, v.to_owned(), c)).collect()
        };
        assert_eq!(
            counts(3),
            owned(&[
                ("country", "RS", 2),
                ("country", "AL", 1),
                ("country", "BG", 1),
                ("year", "2016", 2),
            ])
        );
        assert_eq!(
            counts(1),
            owned(&[("country", "RS", 2), ("year", "2016", 2)])
        );
    }
}
