//! Baseline: SQLite FTS5 in its own file, what a user of the SQLite store would reach for.
//! Porter stemming over `unicode61 remove_diacritics 2`, so it stems and folds diacritics like
//! ours; bm25 with the title weighed 3 to the body's 1 (our field boosts); snippets with
//! `<mark>`; facet values in UNINDEXED columns, counted by GROUP BY. Typos are looked up in
//! an `fts5vocab` table over the index ([`crate::spelling`]).

use std::path::Path;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value};

use crate::Answer;
use crate::corpus::Corpus;
use crate::mix::Query;
use crate::spelling::{self, Spelling};
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
        db.execute_unprepared(
            "CREATE VIRTUAL TABLE IF NOT EXISTS docs_vocab USING fts5vocab(docs, 'row')",
        )
        .await?;
        let bytes = std::fs::metadata(path)?.len();
        Ok((Self { db }, Loaded { seconds, bytes }))
    }

    pub async fn search(
        &self,
        q: &Query,
        spelling: Spelling,
    ) -> anyhow::Result<(Duration, Answer)> {
        let started = Instant::now();
        let query = match spelling {
            Spelling::AsTyped => q.fts5(),
            Spelling::SameMatches => self.spell(q).await?,
        };
        let query = query.as_str();
        let top = self.db.query_all(statement(TOP, query)).await?;
        let counts = self
            .db
            .query_all(statement(&sql::counts("docs WHERE docs MATCH ?"), query))
            .await?;
        let took = started.elapsed();
        Ok((took, sql::answer(&top, &counts)?))
    }
}

impl Fts5 {
    /// The MATCH expression that matches what ours matches: each word or one of its typos,
    /// the last word also as a prefix.
    async fn spell(&self, q: &Query) -> anyhow::Result<String> {
        if q.phrase {
            return Ok(q.fts5());
        }
        let words: Vec<String> = spelling::words(q, self)
            .await?
            .into_iter()
            .map(|w| {
                let mut ways = vec![format!("\"{}\"", w.typed)];
                ways.extend(w.typos.iter().map(|t| format!("\"{t}\"")));
                if w.prefix {
                    ways.push(format!("\"{}\"*", w.typed));
                }
                match ways.as_slice() {
                    [one] => one.clone(),
                    _ => format!("({})", ways.join(" OR ")),
                }
            })
            .collect();
        // Explicit: FTS5 reads no implicit AND before a parenthesis.
        Ok(words.join(" AND "))
    }
}

impl spelling::Vocabulary for Fts5 {
    /// Counted by matching, up to 10 items: the vocabulary holds stems, not what was typed.
    async fn holding(&self, typed: &str) -> anyhow::Result<u64> {
        let first_ten = "SELECT count(*) FROM (SELECT rowid FROM docs WHERE docs MATCH ? LIMIT 10)";
        let row = self
            .db
            .query_one(statement(first_ten, &format!("\"{typed}\"")))
            .await?;
        sql::count(row)
    }

    async fn between(&self, from: &str, to: &str) -> anyhow::Result<Vec<(String, u64)>> {
        let rows = self
            .db
            .query_all(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT term, doc FROM docs_vocab WHERE term >= ? AND term < ?",
                [Value::from(from), Value::from(to)],
            ))
            .await?;
        sql::counted(&rows)
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
