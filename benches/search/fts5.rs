//! Baseline: SQLite FTS5 in its own file, what a user of the SQLite store would reach for.
//! Porter stemming over `unicode61 remove_diacritics 2`, so it stems and folds diacritics like
//! ours; bm25 with the title weighed 3 to the body's 1 (our field boosts); snippets with
//! `<mark>`; facet values in UNINDEXED columns, counted by GROUP BY.

use std::path::Path;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value};

use crate::Answer;
use crate::corpus::Corpus;
use crate::sql::{self, Loaded};

/// Rows per INSERT: 7 values each, well under SQLite's 32,766 parameters.
const INSERT_ROWS: usize = 1_000;

pub struct Fts5 {
    db: DatabaseConnection,
}

const TOP: &str = "SELECT kind, item_id, \
       snippet(docs, 0, '<mark>', '</mark>', '…', 12), \
       snippet(docs, 1, '<mark>', '</mark>', '…', 24) \
     FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10";

impl Fts5 {
    /// Opens the file at `path`, loading `corpus` unless it already holds as many rows.
    pub async fn open(
        path: &Path,
        corpus: &Corpus,
        progress: &indicatif::ProgressBar,
    ) -> anyhow::Result<(Self, Loaded)> {
        let db = cluster_atlas::store::connect(&format!("sqlite://{}", path.display())).await?;
        let held = db
            .query_one(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT count(*) FROM docs",
            ))
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get_by_index::<i64>(0).ok());
        let seconds = if held == Some(corpus.rows.len() as i64) {
            None
        } else {
            Some(load(&db, corpus, progress).await?)
        };
        let bytes = std::fs::metadata(path)?.len();
        Ok((Self { db }, Loaded { seconds, bytes }))
    }

    pub async fn search(&self, query: &str) -> anyhow::Result<(Duration, Answer)> {
        let started = Instant::now();
        let top = self.db.query_all(statement(TOP, query)).await?;
        let counts = self
            .db
            .query_all(statement(&sql::counts("docs WHERE docs MATCH ?"), query))
            .await?;
        let took = started.elapsed();
        Ok((took, sql::answer(&top, &counts)?))
    }
}

fn statement(sql: &str, query: &str) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, [Value::from(query)])
}

async fn load(
    db: &DatabaseConnection,
    corpus: &Corpus,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    db.execute_unprepared(
        "DROP TABLE IF EXISTS docs; \
         CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, \
           item_id UNINDEXED, country UNINDEXED, year UNINDEXED, network UNINDEXED, \
           tokenize = 'porter unicode61 remove_diacritics 2'); \
         INSERT INTO docs(docs, rank) VALUES ('rank', 'bm25(3.0, 1.0)');",
    )
    .await?;
    progress.set_length(corpus.rows.len() as u64);
    for chunk in corpus.rows.chunks(INSERT_ROWS * 20) {
        let txn = db.begin().await?;
        for rows in chunk.chunks(INSERT_ROWS) {
            let placeholders = vec!["(?, ?, ?, ?, ?, ?, ?)"; rows.len()].join(", ");
            let sql = format!(
                "INSERT INTO docs(title, body, kind, item_id, country, year, network) \
                 VALUES {placeholders}"
            );
            let values = rows.iter().flat_map(sql::values);
            txn.execute(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                sql,
                values,
            ))
            .await?;
            progress.inc(rows.len() as u64);
        }
        txn.commit().await?;
    }
    // Merge the b-trees into one, as one would after a bulk load.
    db.execute_unprepared("INSERT INTO docs(docs) VALUES ('optimize'); VACUUM;")
        .await?;
    Ok(started.elapsed().as_secs_f64())
}
