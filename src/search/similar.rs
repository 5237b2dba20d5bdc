//! Partner matchmaking: the clusters that share the most with one cluster.
//!
//! What a cluster can share with another is a list of features: its taxonomy terms, the
//! countries it wants to cooperate with (shared as targets, or where the other is based) and
//! the distinctive words of its strategy. Each feature weighs its kind's weight times its
//! rarity among clusters (BM25's idf), so two clusters sharing "Blockchain" say more than two
//! sharing "English". A candidate's score is the sum of the weights of the features it has,
//! as a share of the cluster's own total; the features it has are its reasons.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::Generation;
use super::analysis;
use super::documents;
use super::error::Result;
use super::schema::{Fields, Kind, facet};
use crate::store::TermKind;
use crate::store::outbox::Changed;

/// Distinctive strategy words taken from a cluster (the most telling by tf-idf).
const STRATEGY_WORDS: usize = 20;
/// A word repeated more often than this says nothing more.
const MAX_TERM_FREQUENCY: u32 = 3;

/// What a cluster is matched by.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub cluster_id: i32,
    pub terms: Vec<(TermKind, String)>,
    /// Country codes of its cooperation targets, any scope.
    pub targets: Vec<String>,
    /// Strategy and objectives.
    pub prose: Vec<String>,
}

/// Why a candidate matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Common {
    Term(TermKind),
    /// Both want to cooperate with this country.
    TargetCountry,
    /// The candidate is based in a country the cluster wants to cooperate with.
    BasedInTarget,
    /// A distinctive word of both strategies.
    StrategyWord,
}

impl Common {
    /// How much one shared feature of this kind counts before rarity.
    fn weight(self) -> f32 {
        match self {
            Self::Term(TermKind::Sector | TermKind::TechnologyField) => 1.0,
            Self::Term(TermKind::S3Priority | TermKind::EmergingIndustry) => 0.8,
            Self::Term(TermKind::ServiceType | TermKind::ActivityType) => 0.5,
            Self::Term(TermKind::Language) => 0.2,
            Self::TargetCountry | Self::BasedInTarget => 0.6,
            Self::StrategyWord => 0.4,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    pub common: Common,
    /// The term's name, the country code, or the word as the cluster's strategy spells it.
    pub value: String,
    pub weight: f32,
}

#[derive(Clone, Debug)]
pub struct Similar {
    pub id: i32,
    /// The weight of what it shares, as a share of the most any cluster could share.
    pub score: f32,
    /// Heaviest first.
    pub reasons: Vec<Reason>,
}

/// One thing a candidate may share, as an index term.
struct Feature {
    term: Term,
    reason: Reason,
}

pub fn similar(
    fields: &Fields,
    generation: &Generation,
    profile: &Profile,
    first: usize,
) -> Result<Vec<Similar>> {
    let searcher = generation.reader.searcher();
    let features = features(fields, &searcher, profile)?;
    let total = attainable(&features);
    if features.is_empty() || first == 0 || total <= 0.0 {
        return Ok(Vec::new());
    }
    let any: Vec<(Occur, Box<dyn Query>)> = features
        .iter()
        .map(|f| {
            let q = TermQuery::new(f.term.clone(), IndexRecordOption::Basic);
            let q: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(q), f.reason.weight));
            (Occur::Should, q)
        })
        .collect();
    let query = BooleanQuery::new(vec![
        (Occur::Must, Box::new(BooleanQuery::new(any))),
        (Occur::Must, constant(kind_term(fields, Kind::Cluster))),
        (
            Occur::MustNot,
            constant(Term::from_field_text(
                fields.owner,
                &documents::owner(Changed::Cluster, profile.cluster_id),
            )),
        ),
    ]);
    let top = searcher.search(
        &query,
        &TopDocs::with_limit(first).tweak_score(|segment: &SegmentReader| {
            let ids = segment
                .fast_fields()
                .u64("id")
                .ok()
                .map(|c| c.first_or_default_col(0));
            // Equal scores: the older cluster (lower id) first, the same on every run.
            move |doc: DocId, score: Score| {
                let id = ids.as_ref().map_or(0, |c| c.get_val(doc));
                ((score * 1000.0).round() / 1000.0, u64::MAX - id)
            }
        }),
    )?;
    let addresses: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
    let mut reasons = reasons(&searcher, &features, &addresses)?;
    let mut out = Vec::with_capacity(top.len());
    for ((_, inverted_id), address) in top {
        let Ok(id) = i32::try_from(u64::MAX - inverted_id) else {
            continue;
        };
        let mut why = reasons.remove(&address).unwrap_or_default();
        why.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.value.cmp(&b.value)));
        // From the reasons themselves: the ranking score is rounded for stable ties.
        let shared: f32 = why.iter().map(|r| r.weight).sum();
        out.push(Similar {
            id,
            score: (shared / total).min(1.0),
            reasons: why,
        });
    }
    Ok(out)
}

/// The most a candidate can share: everything, but it is based in one country only.
fn attainable(features: &[Feature]) -> f32 {
    let (based, other): (Vec<&Feature>, Vec<&Feature>) = features
        .iter()
        .partition(|f| f.reason.common == Common::BasedInTarget);
    let best_base = based.iter().map(|f| f.reason.weight).fold(0.0, f32::max);
    other.iter().map(|f| f.reason.weight).sum::<f32>() + best_base
}

fn kind_term(fields: &Fields, kind: Kind) -> Term {
    Term::from_field_u64(fields.kind, kind.code())
}

/// A required clause that adds nothing to the score.
fn constant(term: Term) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        0.0,
    ))
}

/// The cluster's features that at least one other cluster has, weighed.
fn features(
    fields: &Fields,
    searcher: &Searcher,
    profile: &Profile,
) -> tantivy::Result<Vec<Feature>> {
    let clusters = searcher.doc_freq(&kind_term(fields, Kind::Cluster))?;
    let idf = |df: u64| -> f32 {
        let (n, df) = (clusters as f32, df as f32);
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    };
    let facet_term =
        |root: &str, value: &str| Term::from_facet(fields.facets, &Facet::from_path([root, value]));
    let mut candidates: Vec<(Term, Common, String)> = Vec::new();
    for (kind, name) in &profile.terms {
        candidates.push((
            facet_term(facet::term(*kind), name),
            Common::Term(*kind),
            name.clone(),
        ));
    }
    for code in &profile.targets {
        candidates.push((
            facet_term(facet::TARGET, code),
            Common::TargetCountry,
            code.clone(),
        ));
        // The country facet is on services and participations too: count clusters only.
        candidates.push((
            facet_term(facet::COUNTRY, code),
            Common::BasedInTarget,
            code.clone(),
        ));
    }
    let mut out = Vec::new();
    for (term, common, value) in candidates {
        let df = if common == Common::BasedInTarget {
            clusters_with(fields, searcher, &term)?
        } else {
            searcher.doc_freq(&term)?
        };
        // A term or target only the cluster itself has: nobody shares it.
        let least = if common == Common::BasedInTarget {
            1
        } else {
            2
        };
        if df < least {
            continue;
        }
        out.push(Feature {
            term,
            reason: Reason {
                common,
                value,
                weight: common.weight() * idf(df),
            },
        });
    }
    out.extend(strategy_words(fields, searcher, profile, &idf)?);
    Ok(out)
}

/// How many cluster documents hold `term`.
fn clusters_with(fields: &Fields, searcher: &Searcher, term: &Term) -> tantivy::Result<u64> {
    let query = BooleanQuery::new(vec![
        (Occur::Must, constant(term.clone())),
        (Occur::Must, constant(kind_term(fields, Kind::Cluster))),
    ]);
    Ok(searcher.search(&query, &tantivy::collector::Count)? as u64)
}

/// The strategy's most telling words, by term frequency (capped) times rarity.
fn strategy_words(
    fields: &Fields,
    searcher: &Searcher,
    profile: &Profile,
    idf: &dyn Fn(u64) -> f32,
) -> tantivy::Result<Vec<Feature>> {
    let field = fields.text(super::schema::TextField::Strategy);
    let mut analyzer = analysis::keywords();
    // Stem -> (frequency, the first spelling met).
    let mut words: BTreeMap<String, (u32, String)> = BTreeMap::new();
    for text in &profile.prose {
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            // Two letters or a number tell nothing about what a cluster does.
            if token.text.chars().count() < 3 || token.text.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let spelled = text
                .get(token.offset_from..token.offset_to)
                .unwrap_or(&token.text);
            let entry = words
                .entry(token.text.clone())
                .or_insert_with(|| (0, spelled.to_owned()));
            entry.0 += 1;
        }
    }
    let mut scored = Vec::new();
    for (stem, (tf, spelled)) in words {
        let term = Term::from_field_text(field, &stem);
        let df = searcher.doc_freq(&term)?;
        if df < 2 {
            continue;
        }
        let weight = Common::StrategyWord.weight() * idf(df);
        let telling = weight * tf.min(MAX_TERM_FREQUENCY) as f32;
        scored.push((telling, term, spelled, weight));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
    Ok(scored
        .into_iter()
        .take(STRATEGY_WORDS)
        .map(|(_, term, value, weight)| Feature {
            term,
            reason: Reason {
                common: Common::StrategyWord,
                value,
                weight,
            },
        })
        .collect())
}

/// Which features each hit has: per segment, each feature's postings walked once over the
/// segment's hits in order.
fn reasons(
    searcher: &Searcher,
    features: &[Feature],
    hits: &[DocAddress],
) -> tantivy::Result<HashMap<DocAddress, Vec<Reason>>> {
    let mut by_segment: BTreeMap<u32, Vec<DocId>> = BTreeMap::new();
    for a in hits {
        by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
    }
    let mut out: HashMap<DocAddress, Vec<Reason>> = HashMap::new();
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let segment = searcher.segment_reader(segment_ord);
        for f in features {
            let inverted = segment.inverted_index(f.term.field())?;
            let Some(mut postings) = inverted.read_postings(&f.term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            for &doc in &docs {
                // Seeking backwards is not allowed: past this hit already means "not here".
                let at = if postings.doc() >= doc {
                    postings.doc()
                } else {
                    postings.seek(doc)
                };
                if at == doc {
                    out.entry(DocAddress::new(segment_ord, doc))
                        .or_default()
                        .push(f.reason.clone());
                }
                if at == TERMINATED {
                    break;
                }
            }
        }
    }
    Ok(out)
}
