//! Autocomplete over cluster and network names, places and taxonomy terms: each word typed
//! must begin a word of the label (per-word prefixes are indexed), the most used first.

use std::collections::HashSet;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Order, TantivyDocument, Term};

use super::Generation;
use super::analysis;
use super::error::Result;
use super::schema::{Fields, Kind};

/// The longest prefix indexed per word (see `analysis::PREFIX`).
const MAX_PREFIX_CHARS: usize = 20;
/// Candidates read per suggestion wanted: labels shared by several clusters repeat.
const OVERFETCH: usize = 4;

/// What a suggestion names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suggests {
    Cluster,
    Network,
    Place,
    Term,
}

impl Suggests {
    const ALL: [Suggests; 4] = [Self::Cluster, Self::Network, Self::Place, Self::Term];

    /// As stored with the suggestion.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cluster => "CLUSTER",
            Self::Network => "NETWORK",
            Self::Place => "PLACE",
            Self::Term => "TERM",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub label: String,
    pub kind: Suggests,
    /// How many clusters use it (members, for a network).
    pub weight: u64,
}

pub fn suggest(
    fields: &Fields,
    generation: &Generation,
    prefix: &str,
    first: usize,
) -> Result<Vec<Suggestion>> {
    let words: Vec<String> = prefix
        .split_whitespace()
        .filter_map(|w| Some(analysis::fold(w)?.chars().take(MAX_PREFIX_CHARS).collect()))
        .take(8)
        .collect();
    if words.is_empty() || first == 0 {
        return Ok(Vec::new());
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        Box::new(TermQuery::new(
            Term::from_field_u64(fields.kind, Kind::Suggestion.code()),
            IndexRecordOption::Basic,
        )),
    )];
    for w in &words {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.prefixes, w),
                IndexRecordOption::Basic,
            )),
        ));
    }
    let searcher = generation.reader.searcher();
    let top = TopDocs::with_limit(first * OVERFETCH).order_by_u64_field("weight", Order::Desc);
    let found = searcher.search(&BooleanQuery::new(clauses), &top)?;
    let mut out: Vec<(bool, Suggestion)> = Vec::new();
    let mut seen = HashSet::new();
    for (weight, address) in found {
        let doc: TantivyDocument = searcher.doc(address)?;
        let label = doc.get_first(fields.label).and_then(|v| v.as_str());
        let kind = doc
            .get_first(fields.suggests)
            .and_then(|v| v.as_str())
            .and_then(Suggests::parse);
        let (Some(label), Some(kind)) = (label, kind) else {
            continue;
        };
        let key = crate::text::name_key(label);
        if !seen.insert(key.clone()) {
            continue;
        }
        // A label that starts with what was typed reads as the better completion.
        let leads = key.starts_with(words[0].as_str());
        out.push((
            leads,
            Suggestion {
                label: label.to_owned(),
                kind,
                weight: weight.unwrap_or(0),
            },
        ));
    }
    out.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.weight.cmp(&a.1.weight))
            .then(a.1.label.len().cmp(&b.1.label.len()))
    });
    Ok(out.into_iter().take(first).map(|(_, s)| s).collect())
}
