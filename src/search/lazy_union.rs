//! A union that moves its parts only where it is asked to: a word's ways of matching (as
//! typed, by typo, as a prefix) inside an intersection with rarer words.
//!
//! Tantivy's union fills a window of 4,096 documents from every part at each seek past the
//! window, so a rare word seeking through a common one (`trento ukrainian cluster`, the last
//! word's prefix joining every `cluster…` term) decoded the common postings window after
//! window. Here a seek seeks each part, and an advance advances the parts on the current
//! document; with the few parts a word has, that is a handful of comparisons.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches what any of `queries` matches, scoring the sum of those that match.
pub struct LazyUnion {
    queries: Vec<Box<dyn Query>>,
}

impl LazyUnion {
    pub fn new(queries: Vec<Box<dyn Query>>) -> Self {
        Self { queries }
    }
}

impl Clone for LazyUnion {
    fn clone(&self) -> Self {
        Self::new(self.queries.iter().map(|q| q.box_clone()).collect())
    }
}

impl fmt::Debug for LazyUnion {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "LazyUnion({:?})", self.queries)
    }
}

impl Query for LazyUnion {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = (self.queries.iter())
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(LazyUnionWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.queries.iter().for_each(|q| q.query_terms(visitor));
    }
}

struct LazyUnionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for LazyUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let part = weight.scorer(reader, boost)?;
            if part.doc() != TERMINATED {
                parts.push(part);
            }
        }
        Ok(Box::new(LazyUnionScorer::new(parts)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "LazyUnion, the sum of its parts",
            scorer.score(),
        ))
    }
}

struct LazyUnionScorer {
    parts: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl LazyUnionScorer {
    fn new(parts: Vec<Box<dyn Scorer>>) -> Self {
        let mut scorer = Self {
            parts,
            doc: TERMINATED,
        };
        scorer.doc = scorer.lowest();
        scorer
    }

    fn lowest(&self) -> DocId {
        self.parts
            .iter()
            .map(|p| p.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for LazyUnionScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        if doc == TERMINATED {
            return doc;
        }
        for part in &mut self.parts {
            if part.doc() == doc {
                part.advance();
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        for part in &mut self.parts {
            if part.doc() < target {
                part.seek(target);
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts.iter().map(|p| p.size_hint()).max().unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.parts.iter().map(|p| p.cost()).sum()
    }
}

impl Scorer for LazyUnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        (self.parts.iter_mut())
            .filter(|p| p.doc() == doc)
            .map(|p| p.score())
            .sum()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;

    /// The same documents and scores as Tantivy's union of the same parts, alone and
    /// intersected with a rarer word.
    #[test]
    fn matches_and_scores_as_tantivys_union() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for i in 0..3_000 {
            let text = match i % 7 {
                0 => "cluster clusters rare",
                1 | 2 => "clusters",
                3 => "cluster",
                4 => "rare",
                _ => "other words",
            };
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let parts = || vec![term("cluster"), term("clusters"), term("absent")];
        let theirs: Box<dyn Query> = Box::new(BooleanQuery::new(
            parts().into_iter().map(|q| (Occur::Should, q)).collect(),
        ));
        let ours: Box<dyn Query> = Box::new(LazyUnion::new(parts()));
        let with_rare = |q: Box<dyn Query>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, term("rare")),
                (Occur::Must, q),
            ]))
        };
        for (a, b) in [
            (theirs.box_clone(), ours.box_clone()),
            (with_rare(theirs), with_rare(ours)),
        ] {
            let top = TopDocs::with_limit(3_000).order_by_score();
            let (a_top, a_count) = searcher.search(&a, &(top, Count)).unwrap();
            let top = TopDocs::with_limit(3_000).order_by_score();
            let (b_top, b_count) = searcher.search(&b, &(top, Count)).unwrap();
            assert_eq!(a_count, b_count);
            assert!(a_count > 0);
            let weight = b
                .weight(EnableScoring::disabled_from_searcher(&searcher))
                .unwrap();
            let mut scorer = weight.scorer(&searcher.segment_readers()[0], 1.0).unwrap();
            while scorer.advance() != TERMINATED {}
            assert_eq!(scorer.advance(), TERMINATED, "stays at the end");
            let sorted = |mut v: Vec<(Score, tantivy::DocAddress)>| {
                v.sort_by_key(|(_, d)| *d);
                v
            };
            for ((sa, da), (sb, db)) in sorted(a_top).into_iter().zip(sorted(b_top)) {
                assert_eq!(da, db);
                assert!((sa - sb).abs() < 1e-4, "{sa} against {sb}");
            }
        }
    }
}
