//! A query whose matches score the inner query's score plus a constant: how a tier of the
//! ranking (a word as typed, a phrase) lifts a document above every lower tier.
//!
//! The same as a union of the query and a constant-score copy of it, without reading the
//! inner query's postings twice.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

pub struct Bonus {
    query: Box<dyn Query>,
    bonus: Score,
}

impl Bonus {
    pub fn new(query: Box<dyn Query>, bonus: Score) -> Self {
        Self { query, bonus }
    }
}

impl Clone for Bonus {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
            bonus: self.bonus,
        }
    }
}

impl fmt::Debug for Bonus {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Bonus(query={:?}, bonus={})", self.query, self.bonus)
    }
}

impl Query for Bonus {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(scoring)?;
        Ok(if scoring.is_scoring_enabled() {
            Box::new(BonusWeight {
                inner,
                bonus: self.bonus,
            })
        } else {
            inner
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct BonusWeight {
    inner: Box<dyn Weight>,
    bonus: Score,
}

impl Weight for BonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(BonusScorer {
            inner: self.inner.scorer(reader, boost)?,
            // Boosted as a constant-score query under the same boost would be.
            bonus: self.bonus * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let mut explanation = Explanation::new_with_string(
            format!("Bonus +{}", self.bonus),
            inner.value() + self.bonus,
        );
        explanation.add_detail(inner);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct BonusScorer {
    inner: Box<dyn Scorer>,
    bonus: Score,
}

impl DocSet for BonusScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for BonusScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.bonus
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;

    /// Scores as the union of the query and a constant-score copy of it did.
    #[test]
    fn scores_as_the_union_with_a_constant_copy() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for text in ["danube river", "danube danube delta", "alps", "river delta"] {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, "danube"),
                IndexRecordOption::WithFreqs,
            ))
        };
        let union = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(term(), 100.0)) as Box<dyn Query>,
            ),
            (Occur::Should, term()),
        ]);
        let top = TopDocs::with_limit(10).order_by_score();
        let expected = searcher.search(&union, &top).unwrap();
        let got = searcher.search(&Bonus::new(term(), 100.0), &top).unwrap();
        assert_eq!(got.len(), 2);
        for ((a, da), (b, db)) in expected.iter().zip(&got) {
            assert_eq!(da, db);
            assert!((a - b).abs() < 1e-3, "{a} against {b}");
        }
    }
}
