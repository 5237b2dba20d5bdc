//! Our engine: the product's full rebuild from the store, timed, then what it wrote (documents
//! by kind, bytes on disk), and one search as the GraphQL field runs it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cluster_atlas::search::{Kind, Request, Search};
use sea_orm::DatabaseConnection;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, Term};

use crate::Answer;
use crate::meter;

/// Statements a rebuild ran, their time, and the costliest (statement, count, time).
pub type StoreWork = (u64, Duration, Vec<(String, u64, Duration)>);

/// What a rebuild wrote, and how long it took (`None` when an existing index was reused).
pub struct Built {
    pub seconds: Option<f64>,
    pub store: Option<StoreWork>,
    /// Documents by kind, suggestions included.
    pub by_kind: Vec<(Kind, u64)>,
    pub bytes: u64,
}

impl Built {
    pub fn documents(&self) -> u64 {
        self.by_kind.iter().map(|(_, n)| n).sum()
    }
}

/// Rebuilds the index into a fresh `dir` (or keeps it when `reuse` and it exists).
pub async fn build(
    db: &DatabaseConnection,
    dir: &Path,
    reuse: bool,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Built> {
    let (seconds, store) = if reuse && dir.join("CURRENT").exists() {
        (None, None)
    } else {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        meter::REBUILD.group();
        let (statements, sql) = meter::REBUILD.read();
        let started = Instant::now();
        cluster_atlas::search::rebuild(db, dir, progress).await?;
        let seconds = started.elapsed().as_secs_f64();
        let (s, n) = meter::REBUILD.read();
        let costliest = meter::REBUILD.costliest(4);
        (Some(seconds), Some((s - statements, n - sql, costliest)))
    };
    let generation = current_generation(dir)?;
    Ok(Built {
        seconds,
        store,
        by_kind: count_by_kind(&generation)?,
        bytes: crate::size_on_disk(&generation)?,
    })
}

/// The generation `CURRENT` names: a rebuild leaves one in a fresh directory.
fn current_generation(dir: &Path) -> anyhow::Result<PathBuf> {
    let name = std::fs::read_to_string(dir.join("CURRENT"))?;
    Ok(dir.join(name.trim()))
}

fn count_by_kind(generation: &Path) -> anyhow::Result<Vec<(Kind, u64)>> {
    let index = Index::open_in_dir(generation)?;
    let kind = index.schema().get_field("kind")?;
    let searcher = index.reader()?.searcher();
    let mut out = Vec::new();
    for k in Kind::HITS.into_iter().chain([Kind::Suggestion]) {
        let term = Term::from_field_u64(kind, k.code());
        let n = searcher.search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)?;
        out.push((k, n as u64));
    }
    Ok(out)
}

/// What the GraphQL `search` field asks for a first page with facets and highlights.
pub fn request(query: &str) -> Request {
    Request {
        query: query.to_owned(),
        limit: 10,
        facets: true,
        highlights: true,
        ..Request::default()
    }
}

pub async fn search(search: &Search, request: Request) -> anyhow::Result<(Duration, Answer)> {
    let started = Instant::now();
    let results = search.search(request).await?;
    let took = started.elapsed();
    let answer = Answer {
        total: results.total as u64,
        hits: results.hits.len(),
        highlighted: results
            .hits
            .iter()
            .filter(|h| !h.highlights.is_empty())
            .count(),
        facet_values: results.facets.len(),
        note: results
            .warnings
            .iter()
            .any(|w| w.code == "MATCHED_ANY_WORD")
            .then(|| "no item has every word: any word".to_owned()),
    };
    Ok((took, answer))
}
