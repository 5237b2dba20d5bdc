//! The yardstick for indexing: the same text put into a plain Tantivy index, one field per
//! source field with the default tokenizer, from memory, with the writer our indexer uses
//! (two threads, the same memory budget). Stored like ours, since ours stores its text for
//! highlights.
//!
//! With `--ladder`, the same text again, adding one of ours's features at a time: what
//! each costs in the ratio the issue sets (ours >= 0.5 of bare Tantivy's items/s).

use std::borrow::Borrow;
use std::path::Path;
use std::time::Instant;

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TEXT,
    TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

use cluster_atlas::search::analysis;

use crate::corpus::{Kind, Row};

/// `cluster_atlas::search::indexer::writer`'s budget.
const WRITER_MEMORY: usize = 200_000_000;

/// Bare Tantivy, then ours's features added one by one, each step keeping the last's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Bare,
    /// Our analysers: words split and folded (case, marks, Cyrillic), prose stemmed.
    Analysers,
    /// Every text a second time into the `words` dictionary that typos and prefixes expand
    /// against (folded, unstemmed, no positions).
    Words,
    /// What every document of ours adds: kind, owner, the kind/country/network/year facets,
    /// the date.
    Facets,
    /// Merged into one segment at the end, as our rebuild does.
    OneSegment,
}

impl Step {
    pub const LADDER: [Step; 5] = [
        Self::Bare,
        Self::Analysers,
        Self::Words,
        Self::Facets,
        Self::OneSegment,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Bare => "bare Tantivy (default tokenizer)",
            Self::Analysers => "+ our analysers (folding, stemming)",
            Self::Words => "+ every text again into the `words` dictionary",
            Self::Facets => "+ kind, owner, facets, date",
            Self::OneSegment => "+ merged into one segment",
        }
    }
}

pub struct Built {
    pub step: Step,
    pub documents: u64,
    pub seconds: f64,
    pub bytes: u64,
}

/// The fields of one step's index.
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    name: Field,
    words: Option<Field>,
    facets: Option<(Field, Field, Field, Field)>,
}

impl Fields {
    /// Returns the schema and its fields for `step`.
    fn of(step: Step) -> (Schema, Self) {
        let mut schema = Schema::builder();
        let id = schema.add_u64_field("id", FAST | STORED);
        let text = |tokenizer: &str| {
            TextOptions::default()
                .set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(tokenizer)
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                )
                .set_stored()
        };
        let (title, body, name) = if step >= Step::Analysers {
            (
                schema.add_text_field("title", text(analysis::PROSE)),
                schema.add_text_field("body", text(analysis::PROSE)),
                schema.add_text_field("name", text(analysis::NAME)),
            )
        } else {
            (
                schema.add_text_field("title", TEXT | STORED),
                schema.add_text_field("body", TEXT | STORED),
                schema.add_text_field("name", TEXT | STORED),
            )
        };
        let words = (step >= Step::Words).then(|| {
            schema.add_text_field(
                "words",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(analysis::NAME)
                        .set_index_option(IndexRecordOption::Basic),
                ),
            )
        });
        let facets = (step >= Step::Facets).then(|| {
            (
                schema.add_u64_field("kind", INDEXED | FAST | STORED),
                schema.add_text_field("owner", STRING),
                schema.add_facet_field("facets", FacetOptions::default()),
                schema.add_i64_field("day", FAST),
            )
        });
        let fields = Self {
            id,
            title,
            body,
            name,
            words,
            facets,
        };
        (schema.build(), fields)
    }
}

/// Indexes `rows` into a fresh `dir` as `step` says, timed from the writer's creation.
/// Blocks: call it off the async threads.
pub fn build<R: Borrow<Row>>(
    dir: &Path,
    rows: impl IntoIterator<Item = R>,
    step: Step,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Built> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let (schema, fields) = Fields::of(step);
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(&index);

    let started = Instant::now();
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(2, WRITER_MEMORY)?;
    let mut documents = 0;
    for row in rows {
        let row = row.borrow();
        documents += 1;
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.id, u64::try_from(row.id).unwrap_or(0));
        let mut add = |field: Field, text: &str| {
            doc.add_text(field, text);
            if let Some(words) = fields.words {
                doc.add_text(words, text);
            }
        };
        match row.kind {
            Kind::News => {
                if !row.title.is_empty() {
                    add(fields.title, &row.title);
                }
                add(fields.body, &row.body);
            }
            // Each text a value of its own, as ours adds them.
            Kind::Cluster | Kind::Service | Kind::Participation => {
                for (field, text) in [(fields.name, &row.title), (fields.body, &row.body)] {
                    for line in text.lines().filter(|l| !l.trim().is_empty()) {
                        add(field, line);
                    }
                }
            }
        }
        if let Some((kind, owner, facets, day)) = fields.facets {
            doc.add_u64(kind, row.kind as u64);
            doc.add_text(owner, format!("{}/{}", row.kind.facet_value(), row.id));
            let facet = |root: &str, value: &str| tantivy::schema::Facet::from_path([root, value]);
            doc.add_facet(facets, facet("kind", row.kind.facet_value()));
            if let Some(country) = &row.country {
                doc.add_facet(facets, facet("country", country));
            }
            if let Some(network) = &row.network {
                doc.add_facet(facets, facet("network", network));
            }
            if let Some(year) = row.year {
                doc.add_facet(facets, facet("year", &year.to_string()));
                doc.add_i64(day, i64::from(year) * 365);
            }
        }
        writer.add_document(doc)?;
        progress.inc(1);
    }
    writer.commit()?;
    if step >= Step::OneSegment {
        let segments = index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
    }
    writer.wait_merging_threads()?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Built {
        step,
        documents,
        seconds,
        bytes: crate::size_on_disk(dir)?,
    })
}
