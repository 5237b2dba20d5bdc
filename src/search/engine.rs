//! Runs a search on one generation of the index: top hits with highlights, the total and the
//! facet counts over the whole result set, all in one pass over the matches.

use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::Generation;
use super::error::Result;
use super::facets;
use super::highlight::Highlighter;
use super::query::{self, Restrict};
use super::schema::{Fields, Kind, TextField};
use super::segments::Segments;
use super::syntax;
use super::top::{self, Top};

/// Values reported per facet, most frequent first.
const FACET_VALUES: usize = 25;

#[derive(Clone, Debug, Default)]
pub struct Request {
    pub query: String,
    pub kinds: Vec<Kind>,
    /// Facet name (one of [`facet::all`]) and the values any of which a hit must have.
    pub filters: Vec<(String, Vec<String>)>,
    pub offset: usize,
    pub limit: usize,
    /// Whether to count facets (a pass over every match) and mark highlights (a stored
    /// document read per hit): callers that show neither skip the work.
    pub facets: bool,
    pub highlights: bool,
}

#[derive(Clone, Debug)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Vec<Facet>,
    /// What the query parser doubted, and whether the engine fell back to any word.
    pub warnings: Vec<syntax::Warning>,
}

#[derive(Clone, Debug)]
pub struct Hit {
    pub kind: Kind,
    pub id: i32,
    pub score: f32,
    pub highlights: Vec<Highlight>,
}

#[derive(Clone, Debug)]
pub struct Highlight {
    pub field: &'static str,
    /// HTML: the text escaped, matched words in `<mark>`.
    pub fragment: String,
    /// The same fragment as plain text.
    pub text: String,
    /// UTF-16 offsets of the matched words in `text`.
    pub marks: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facet {
    pub name: String,
    pub value: String,
    pub count: u64,
}

pub fn search(fields: &Fields, generation: &Generation, request: &Request) -> Result<Results> {
    let parsed = syntax::parse(&request.query);
    let mut warnings = parsed.warnings.clone();
    let restrict = Restrict {
        kinds: request.kinds.clone(),
        facets: request.filters.clone(),
    };
    let searcher = generation.reader.searcher();
    let frequency = |term: &tantivy::Term| searcher.doc_freq(term).unwrap_or(0);
    let built = query::build(fields, &parsed, &restrict, &frequency);
    let segments = &generation.segments;
    let (mut found, mut counts) = run(&searcher, segments, built.all.as_ref(), request)?;
    if found.total == 0
        && let Some(any) = &built.any
    {
        (found, counts) = run(&searcher, segments, any.as_ref(), request)?;
        if found.total > 0 {
            warnings.push(syntax::Warning {
                code: syntax::code::MATCHED_ANY_WORD,
                message: "nothing has every word: these results have some of them".into(),
                at: 0,
            });
        }
    }
    let mut highlighter = Highlighter::new(built.marks);
    let mut hits = Vec::with_capacity(found.hits.len());
    for ((score, _), address) in found.hits {
        let Some((kind, id)) = identity(&searcher, segments, address)? else {
            continue;
        };
        let highlights = if request.highlights {
            let doc: TantivyDocument = searcher.doc(address)?;
            highlights(fields, &mut highlighter, &doc)
        } else {
            Vec::new()
        };
        hits.push(Hit {
            kind,
            id,
            score,
            highlights,
        });
    }
    let facets = counts
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value, count)| Facet {
            name: name.to_owned(),
            value,
            count,
        })
        .collect();
    Ok(Results {
        total: found.total,
        hits,
        facets,
        warnings,
    })
}

/// The hit's kind and id, from the fast fields (no stored document read).
fn identity(
    searcher: &Searcher,
    segments: &Segments,
    address: DocAddress,
) -> tantivy::Result<Option<(Kind, i32)>> {
    let segment = segments.of(searcher.segment_reader(address.segment_ord))?;
    let kind = segment.kind.first(address.doc_id);
    let id = segment.id.first(address.doc_id);
    Ok(kind
        .and_then(Kind::from_code)
        .zip(id.and_then(|v| i32::try_from(v).ok())))
}

fn run(
    searcher: &Searcher,
    segments: &Segments,
    query: &dyn Query,
    request: &Request,
) -> tantivy::Result<(top::Found, Option<facets::Counts>)> {
    let top = Top {
        segments,
        offset: request.offset,
        limit: request.limit,
    };
    let facets = request.facets.then_some(facets::Counter {
        segments,
        top: FACET_VALUES,
    });
    searcher.search(query, &(top, facets))
}

fn highlights(
    fields: &Fields,
    highlighter: &mut Highlighter,
    doc: &TantivyDocument,
) -> Vec<Highlight> {
    let mut out = Vec::new();
    for f in TextField::ALL {
        for value in doc.get_all(fields.text(f)) {
            let Some(text) = value.as_str() else { continue };
            if let Some(marked) = highlighter.mark(text) {
                out.push(Highlight {
                    field: f.label(),
                    fragment: marked.html(),
                    text: marked.text,
                    marks: marked.marks,
                });
            }
        }
    }
    out
}
