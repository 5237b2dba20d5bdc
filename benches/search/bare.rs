//! The yardstick for indexing: the same text put into a plain Tantivy index, one field per
//! source field with the default tokenizer, from memory, with the writer our indexer uses
//! (two threads, the same memory budget). Stored like ours, since ours stores its text for
//! highlights.

use std::path::Path;
use std::time::Instant;

use tantivy::schema::{FAST, STORED, Schema, TEXT};
use tantivy::{Index, TantivyDocument};

use crate::corpus::{Corpus, Kind};

/// `cluster_atlas::search::indexer::writer`'s budget.
const WRITER_MEMORY: usize = 200_000_000;

pub struct Built {
    pub documents: u64,
    pub seconds: f64,
    pub bytes: u64,
}

/// Indexes `corpus` into a fresh `dir`. Blocks: call it off the async threads.
pub fn build(
    dir: &Path,
    corpus: &Corpus,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Built> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut schema = Schema::builder();
    let id = schema.add_u64_field("id", FAST | STORED);
    let title = schema.add_text_field("title", TEXT | STORED);
    let body = schema.add_text_field("body", TEXT | STORED);
    let name = schema.add_text_field("name", TEXT | STORED);
    let index = Index::create_in_dir(dir, schema.build())?;

    let started = Instant::now();
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(2, WRITER_MEMORY)?;
    for row in &corpus.rows {
        let mut doc = TantivyDocument::default();
        doc.add_u64(id, u64::try_from(row.id).unwrap_or(0));
        match row.kind {
            Kind::News => {
                if !row.title.is_empty() {
                    doc.add_text(title, &row.title);
                }
                doc.add_text(body, &row.body);
            }
            // Each text a value of its own, as ours adds them.
            Kind::Cluster | Kind::Service | Kind::Participation => {
                for (field, text) in [(name, &row.title), (body, &row.body)] {
                    for line in text.lines().filter(|l| !l.trim().is_empty()) {
                        doc.add_text(field, line);
                    }
                }
            }
        }
        writer.add_document(doc)?;
        progress.inc(1);
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Built {
        documents: corpus.rows.len() as u64,
        seconds,
        bytes: crate::size_on_disk(dir)?,
    })
}
