//! From a parsed user query to a Tantivy query, and to the words a highlight should mark.
//!
//! Scores come in tiers so that the order people expect holds whatever BM25 says: a document
//! with the words as a phrase ranks above one with them scattered, and one with a word as
//! typed above one that only has a typo of it. Each tier adds a constant larger than any
//! BM25 sum of the tier below; within a tier, BM25 with field boosts decides.

use std::collections::BTreeSet;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use super::analysis::{self, Analyzers};
use super::bonus::Bonus;
use super::lazy_union::LazyUnion;
use super::prefix::PrefixQuery;
use super::schema::{Fields, Kind, TextField};
use super::syntax::{Atom, Clause, Parsed, Scope, Text};
use super::typo::TypoQuery;

/// Added once per query word matched as typed (or as its stem).
pub const EXACT_BONUS: f32 = 100.0;
/// Added when the plain words appear as a phrase.
pub const PHRASE_BONUS: f32 = 1_000.0;
/// A typo or prefix match: below any exact match.
const LOOSE_SCORE: f32 = 1.0;
/// Words shorter than this get no prefix expansion (one or two letters match too much).
const MIN_PREFIX: usize = 3;
/// A word found as typed in at least this many documents is taken as meant, and its typos
/// are not searched: they would rank below every exact match anyway, and expanding a
/// common word by typos was most of a search's time (as in Typesense, typo tolerance
/// rescues words the index does not know, not words it knows well).
pub const TYPOS_BELOW: u64 = 10;

/// How many documents hold a term: the index's own statistics.
pub type Frequency<'a> = &'a dyn Fn(&Term) -> u64;

/// Restrictions besides the text: kinds, and facet values (ORed within a facet, ANDed
/// across facets).
#[derive(Clone, Debug, Default)]
pub struct Restrict {
    pub kinds: Vec<Kind>,
    pub facets: Vec<(String, Vec<String>)>,
}

/// What a highlight marks: words as typed (folded), their stems, words to match within an
/// edit distance, and prefixes.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    pub exact: BTreeSet<String>,
    pub stems: BTreeSet<String>,
    pub typos: Vec<(String, u8)>,
    pub prefixes: Vec<String>,
}

pub struct Built {
    /// Every positive clause required.
    pub all: Box<dyn Query>,
    /// Any positive clause enough: the fallback when nothing has them all. `None` when it
    /// would be the same query.
    pub any: Option<Box<dyn Query>>,
    pub marks: Marks,
}

/// Edit distance allowed for a typo: one from 5 letters, two from 9.
pub fn typo_distance(chars: usize) -> u8 {
    match chars {
        0..5 => 0,
        5..9 => 1,
        _ => 2,
    }
}

fn fields_of(scope: Option<Scope>) -> &'static [TextField] {
    match scope {
        None => &TextField::ALL,
        Some(Scope::Name) => &[TextField::Name],
        Some(Scope::Strategy) => &[TextField::Strategy],
        Some(Scope::News) => &[TextField::Title, TextField::Body],
    }
}

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match queries.len() {
        1 => queries
            .into_iter()
            .next()
            .unwrap_or_else(|| boxed(AllQuery)),
        _ => boxed(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        )),
    }
}

/// A filter that matches without scoring.
fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, boxed(BoostQuery::new(q, 0.0)))
}

pub fn build(
    fields: &Fields,
    parsed: &Parsed,
    restrict: &Restrict,
    frequency: Frequency<'_>,
) -> Built {
    let mut analyzers = Analyzers::default();
    let mut marks = Marks::default();
    let mut positive = Vec::new();
    let mut negative = Vec::new();
    for clause in &parsed.clauses {
        let exclude = clause.excluded;
        let alternatives: Vec<Box<dyn Query>> = clause
            .alternatives
            .iter()
            .filter_map(|atom| {
                atom_query(fields, &mut analyzers, atom, exclude, frequency, &mut marks)
            })
            .collect();
        if alternatives.is_empty() {
            continue;
        }
        if exclude {
            negative.push(any_of(alternatives));
        } else {
            positive.push(any_of(alternatives));
        }
    }
    let bonus = phrase_bonus(fields, &mut analyzers, parsed);

    // Any kind: only suggestions are left out, and they hold no text a word could match, so
    // a text query needs no kind filter at all (a filter over every document cost a fifth
    // of a search); the empty query matches everything but them.
    let mut restrictions = if restrict.kinds.is_empty() {
        Vec::new()
    } else {
        vec![filter(kinds_query(fields, &restrict.kinds))]
    };
    for (root, values) in &restrict.facets {
        let terms = values
            .iter()
            .map(|v| {
                boxed(TermQuery::new(
                    Term::from_facet(fields.facets, &Facet::from_path([root.as_str(), v])),
                    IndexRecordOption::Basic,
                ))
            })
            .collect();
        restrictions.push(filter(any_of(terms)));
    }
    let compose = |occur: Occur| -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = restrictions
            .iter()
            .map(|(o, q)| (*o, q.box_clone()))
            .collect();
        clauses.extend(positive.iter().map(|q| (occur, q.box_clone())));
        clauses.extend(negative.iter().map(|q| (Occur::MustNot, q.box_clone())));
        if occur == Occur::Should && !positive.is_empty() {
            // With every word optional, at least one must still match.
            clauses.push((
                Occur::Must,
                any_of(positive.iter().map(|q| q.box_clone()).collect()),
            ));
        }
        if let Some(b) = &bonus {
            clauses.push((Occur::Should, b.box_clone()));
        }
        if positive.is_empty() {
            clauses.push(filter(boxed(AllQuery)));
            clauses.push((Occur::MustNot, suggestions(fields)));
        }
        boxed(BooleanQuery::new(clauses))
    };
    Built {
        all: compose(Occur::Must),
        any: (positive.len() > 1).then(|| compose(Occur::Should)),
        marks,
    }
}

fn suggestions(fields: &Fields) -> Box<dyn Query> {
    boxed(TermQuery::new(
        Term::from_field_u64(fields.kind, Kind::Suggestion.code()),
        IndexRecordOption::Basic,
    ))
}

fn kinds_query(fields: &Fields, kinds: &[Kind]) -> Box<dyn Query> {
    let kinds = if kinds.is_empty() {
        &Kind::HITS[..]
    } else {
        kinds
    };
    any_of(
        kinds
            .iter()
            .map(|k| {
                boxed(TermQuery::new(
                    Term::from_field_u64(fields.kind, k.code()),
                    IndexRecordOption::Basic,
                ))
            })
            .collect(),
    )
}

/// The query of one word or phrase. Excluded ones match only as typed: a typo of a word
/// someone excludes is not what they meant to exclude.
fn atom_query(
    fields: &Fields,
    analyzers: &mut Analyzers,
    atom: &Atom,
    excluded: bool,
    frequency: Frequency<'_>,
    marks: &mut Marks,
) -> Option<Box<dyn Query>> {
    let scoped = fields_of(atom.scope);
    let mut query = match &atom.text {
        Text::Word(word) => {
            let folded = analysis::fold(word)?;
            let stem = analyzers.stem(&folded);
            let mut exact = Vec::new();
            for &f in scoped {
                let term = if f.analyzer() == analysis::NAME {
                    &folded
                } else {
                    &stem
                };
                exact.push(boxed(BoostQuery::new(
                    boxed(TermQuery::new(
                        Term::from_field_text(fields.text(f), term),
                        IndexRecordOption::WithFreqs,
                    )),
                    f.boost(),
                )));
            }
            let exact = any_of(exact);
            if excluded {
                return Some(scope_to_news(fields, atom.scope, exact));
            }
            marks.exact.insert(folded.clone());
            marks.stems.insert(stem.clone());
            let mut ways = vec![boxed(Bonus::new(exact, EXACT_BONUS))];
            let chars = folded.chars().count();
            // Unscoped, the dictionary of every word; scoped, the scoped fields' own terms.
            let loose: Vec<(Field, &str)> = match atom.scope {
                None => vec![(fields.words, folded.as_str())],
                Some(_) => scoped
                    .iter()
                    .map(|&f| {
                        let token = if f.analyzer() == analysis::NAME {
                            &folded
                        } else {
                            &stem
                        };
                        (fields.text(f), token.as_str())
                    })
                    .collect(),
            };
            let known = frequency(&Term::from_field_text(fields.words, &folded)) >= TYPOS_BELOW;
            let distance = if known { 0 } else { typo_distance(chars) };
            if distance > 0 {
                for &(field, word) in &loose {
                    ways.push(boxed(BoostQuery::new(
                        boxed(TypoQuery::new(field, word, distance)),
                        LOOSE_SCORE,
                    )));
                }
                marks.typos.push((folded.clone(), distance));
            }
            if atom.prefix && chars >= MIN_PREFIX {
                for &(field, word) in &loose {
                    ways.push(boxed(BoostQuery::new(
                        boxed(PrefixQuery::new(field, word)),
                        LOOSE_SCORE,
                    )));
                }
                marks.prefixes.push(folded);
            }
            // A word's ways meet the other words in an intersection, where Tantivy's union
            // decodes a window of every part at each seek: this one seeks them lazily.
            match ways.len() {
                1 => any_of(ways),
                _ => boxed(LazyUnion::new(ways)),
            }
        }
        Text::Phrase(text) => {
            let mut per_field = Vec::new();
            for &f in scoped {
                if let Some(q) = phrase(fields, analyzers, f, text) {
                    per_field.push(boxed(BoostQuery::new(q, f.boost())));
                }
            }
            if per_field.is_empty() {
                return None;
            }
            if !excluded {
                for word in text.split_whitespace() {
                    if let Some(folded) = analysis::fold(word) {
                        marks.stems.insert(analyzers.stem(&folded));
                        marks.exact.insert(folded);
                    }
                }
            }
            boxed(Bonus::new(any_of(per_field), PHRASE_BONUS))
        }
    };
    query = scope_to_news(fields, atom.scope, query);
    Some(query)
}

/// `news:` reaches news items only.
fn scope_to_news(fields: &Fields, scope: Option<Scope>, q: Box<dyn Query>) -> Box<dyn Query> {
    if scope != Some(Scope::News) {
        return q;
    }
    boxed(BooleanQuery::new(vec![
        (Occur::Must, q),
        filter(kinds_query(fields, &[Kind::News])),
    ]))
}

/// The words of `text` in order, under `field`'s analyser: a phrase query, or a term query
/// for a single token.
fn phrase(
    fields: &Fields,
    analyzers: &mut Analyzers,
    field: TextField,
    text: &str,
) -> Option<Box<dyn Query>> {
    // The field's own tokens in order; a compound's joined form ("2829" of "28-29") spans
    // its parts' positions, so the phrase goes through the parts.
    let mut terms: Vec<(usize, Term)> = Vec::new();
    let analyzer = analyzers.of(field.analyzer());
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        if t.position_length <= 1 {
            terms.push((
                t.position,
                Term::from_field_text(fields.text(field), &t.text),
            ));
        }
    }
    match terms.len() {
        0 => None,
        1 => Some(boxed(TermQuery::new(
            terms.remove(0).1,
            IndexRecordOption::WithFreqs,
        ))),
        _ => {
            let first = terms[0].0;
            Some(boxed(PhraseQuery::new_with_offset(
                terms.into_iter().map(|(p, t)| (p - first, t)).collect(),
            )))
        }
    }
}

/// The plain words of the query as one phrase, as a bonus for documents that have them
/// together and in order: "smart city" above a text with "city" and, far away, "smart".
fn phrase_bonus(
    fields: &Fields,
    analyzers: &mut Analyzers,
    parsed: &Parsed,
) -> Option<Box<dyn Query>> {
    let words: Vec<&str> = parsed
        .clauses
        .iter()
        .filter(|c: &&Clause| !c.excluded && c.alternatives.len() == 1)
        .filter_map(|c| match &c.alternatives[0] {
            Atom {
                scope: None,
                text: Text::Word(w),
                ..
            } => Some(w.as_str()),
            _ => None,
        })
        .collect();
    if words.len() < 2 {
        return None;
    }
    let text = words.join(" ");
    let per_field: Vec<Box<dyn Query>> = TextField::ALL
        .iter()
        .filter_map(|&f| phrase(fields, analyzers, f, &text))
        .collect();
    Some(boxed(ConstScoreQuery::new(any_of(per_field), PHRASE_BONUS)))
}
