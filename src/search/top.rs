//! The top hits and the total, in one pass over the matches.
//!
//! Hits rank by score (rounded, so that near-equal scores tie), then newer news first, then
//! by address. Tantivy's `TopDocs::tweak_score` computes that key for every match, reading
//! the date column each time; here a match whose score is below the worst hit kept cannot
//! place, and its date is never read: a fifth less time for a word with thousands of
//! matches (BENCHMARKS.md). Matches that all score alike, such as a typo's, still read
//! every date, since the date decides between them.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::segments::Segments;

/// Sort key: the rounded score, then the news date (days since 1970; 0 for other kinds).
pub type Rank = (Score, i64);

/// The best `offset + limit` hits of each segment, the total, merged into the page asked.
pub struct Top<'a> {
    pub segments: &'a Segments,
    pub offset: usize,
    pub limit: usize,
}

/// The page of hits, best first, and how many matched.
pub struct Found {
    pub hits: Vec<(Rank, DocAddress)>,
    pub total: usize,
}

/// A kept hit; `Ord` puts the worst one greatest, so that it tops the heap.
#[derive(Clone, Copy, Debug)]
struct Kept {
    rank: Rank,
    address: DocAddress,
}

impl Kept {
    /// Better first: higher score, newer, lower address.
    fn better(&self, other: &Self) -> Ordering {
        (other.rank.0.total_cmp(&self.rank.0))
            .then(other.rank.1.cmp(&self.rank.1))
            .then(self.address.cmp(&other.address))
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.better(other) == Ordering::Equal
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        self.better(other)
    }
}

/// `score` rounded to a thousandth: differences below that are noise of the sums, and
/// recency decides between them.
fn rounded(score: Score) -> Score {
    (score * 1000.0).round() / 1000.0
}

impl Collector for Top<'_> {
    type Fruit = Found;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            ord,
            day: self.segments.of(reader)?.day.clone(),
            wanted: self.offset + self.limit,
            kept: BinaryHeap::new(),
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<Found>) -> tantivy::Result<Found> {
        let total = segments.iter().map(|s| s.total).sum();
        let mut all: Vec<Kept> = (segments.into_iter())
            .flat_map(|s| s.hits)
            .map(|(rank, address)| Kept { rank, address })
            .collect();
        all.sort_unstable_by(Kept::better);
        let hits = (all.into_iter().skip(self.offset).take(self.limit))
            .map(|k| (k.rank, k.address))
            .collect();
        Ok(Found { hits, total })
    }
}

pub struct SegmentTop {
    ord: SegmentOrdinal,
    day: Arc<dyn ColumnValues<i64>>,
    wanted: usize,
    /// The best `wanted` so far, the worst on top.
    kept: BinaryHeap<Kept>,
    total: usize,
}

impl SegmentCollector for SegmentTop {
    type Fruit = Found;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        if self.wanted == 0 {
            return;
        }
        let score = rounded(score);
        let full = self.kept.len() >= self.wanted;
        if full && self.kept.peek().is_some_and(|worst| score < worst.rank.0) {
            return;
        }
        let hit = Kept {
            rank: (score, self.day.get_val(doc)),
            address: DocAddress::new(self.ord, doc),
        };
        if !full {
            self.kept.push(hit);
        } else if let Some(mut worst) = self.kept.peek_mut()
            && hit < *worst
        {
            *worst = hit;
        }
    }

    fn harvest(self) -> Found {
        Found {
            hits: (self.kept.into_iter())
                .map(|k| (k.rank, k.address))
                .collect(),
            total: self.total,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kept(score: Score, day: i64, doc: DocId) -> Kept {
        Kept {
            rank: (score, day),
            address: DocAddress::new(0, doc),
        }
    }

    /// The segment collector keeps what sorting every match would put first.
    #[test]
    fn keeps_the_best_as_a_full_sort_would() {
        let days: Vec<i64> = (0..500).map(|d| (d * 7919) % 97).collect();
        let scores: Vec<Score> = (0..500).map(|d| ((d * 31) % 5) as Score * 0.5).collect();
        for wanted in [0, 1, 3, 10, 499, 600] {
            let mut top = SegmentTop {
                ord: 0,
                day: Arc::new(tantivy::columnar::column_values::VecColumn::from(
                    days.clone(),
                )),
                wanted,
                kept: BinaryHeap::new(),
                total: 0,
            };
            for doc in 0..500 {
                top.collect(doc, scores[doc as usize]);
            }
            let found = top.harvest();
            assert_eq!(found.total, 500);
            let mut got: Vec<Kept> = (found.hits.into_iter())
                .map(|(rank, address)| Kept { rank, address })
                .collect();
            got.sort_unstable_by(Kept::better);
            let mut all: Vec<Kept> = (0..500)
                .map(|d| kept(scores[d], days[d], d as DocId))
                .collect();
            all.sort_unstable_by(Kept::better);
            all.truncate(wanted);
            assert_eq!(got, all, "wanted {wanted}");
        }
    }

    #[test]
    fn better_is_higher_score_then_newer_then_lower_address() {
        assert_eq!(kept(2.0, 0, 9).better(&kept(1.0, 50, 0)), Ordering::Less);
        assert_eq!(kept(1.0, 50, 9).better(&kept(1.0, 10, 0)), Ordering::Less);
        assert_eq!(kept(1.0, 10, 0).better(&kept(1.0, 10, 9)), Ordering::Less);
        assert_eq!(rounded(1.000_2), rounded(0.999_8));
    }
}
