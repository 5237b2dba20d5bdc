//! Facet counts over the whole result set, in the same pass as the top hits.
//!
//! Tantivy's `FacetCollector` reads the segment's facet dictionary on every search: it
//! streams all of it to map the requested facets, then looks each reported value up again
//! (a compressed block decoded per value). With thousands of distinct values that was most
//! of a search's time at 100x. Here a search only counts ordinals; each segment's table
//! from ordinal to (facet, value) is read once ([`Segments`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::facet;
use super::segments::{Segment, Segments};

/// Counts every reported facet value of the matches.
pub struct Counter<'a> {
    pub segments: &'a Segments,
}
/// Counts by facet (index into [`facet::all`]) and value.
#[derive(Debug, Default)]
pub struct Counts(HashMap<(u8, Box<str>), u64>);

impl Counts {
    /// Each facet's `k` most frequent values (ties by value), facets in [`facet::all`]'s
    /// order.
    pub fn top(self, k: usize) -> Vec<(&'static str, Box<str>, u64)> {
        let names: Vec<&'static str> = facet::all().collect();
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
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let segment = self.segments.of(reader)?;
        Ok(SegmentCounter {
            counts: vec![0; segment.facet_table.len()],
            segment,
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
    segment: Arc<Segment>,
    counts: Vec<u32>,
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        for &ord in self.segment.facet_ords.of(doc) {
            if let Some(count) = self.counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut counts = HashMap::new();
        for (ord, &count) in self.counts.iter().enumerate() {
            if count > 0
                && let Some(Some((f, value))) = self.segment.facet_table.get(ord)
            {
                *counts.entry((*f, value.clone())).or_default() += u64::from(count);
            }
        }
        Counts(counts)
    }
}
