//! Baseline: PostgreSQL full-text search, what a user of the PostgreSQL store would reach for.
//! A stored `tsvector` (title weight A, body weight B) with a GIN index, the `english`
//! configuration with `unaccent` in front of its stemmer when the extension is there (so
//! diacritics fold as ours do), `websearch_to_tsquery`, `ts_rank`, `ts_headline` on the top 10
//! only, and facets counted by GROUP BY. Typos are looked up in a table of the index's words
//! (`ts_stat`, made once with the table; [`crate::spelling`]).

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value};

use crate::Answer;
use crate::corpus::Corpus;
use crate::mix::Query;
use crate::spelling::{self, Spelling};
use crate::sql::{self, Loaded};

/// Rows per INSERT: 7 values each, under PostgreSQL's 65,535 parameters.
const INSERT_ROWS: usize = 1_000;
/// `english` with `unaccent` before stemming.
const FOLDING_CONFIG: &str = "atlas_bench_unaccent";
const HEADLINE: &str = "StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, MaxFragments=1";

pub struct Postgres {
    db: DatabaseConnection,
    table: String,
    /// The text search configuration: [`FOLDING_CONFIG`] or `english`.
    pub config: &'static str,
}

impl Postgres {
    /// Connects to `url` (creating its database when missing) and loads `corpus` into
    /// `table` unless it already holds as many rows.
    pub async fn open(
        url: &str,
        table: &str,
        corpus: &Corpus,
        progress: &indicatif::ProgressBar,
    ) -> anyhow::Result<(Self, Loaded)> {
        let db = connect_or_create(url).await?;
        let config = if db
            .execute_unprepared("CREATE EXTENSION IF NOT EXISTS unaccent")
            .await
            .is_ok()
        {
            create_folding_config(&db).await?;
            FOLDING_CONFIG
        } else {
            "english"
        };
        let pg = Self {
            db,
            table: table.to_owned(),
            config,
        };
        let held = pg
            .scalar(&format!("SELECT count(*) FROM {table}"))
            .await
            .ok();
        let seconds = if held == Some(corpus.rows.len() as i64) {
            None
        } else {
            Some(pg.load(corpus, progress).await?)
        };
        let words = pg
            .scalar(&format!(
                "SELECT count(*) FROM to_regclass('{table}_words') r WHERE r IS NOT NULL"
            ))
            .await?;
        if seconds.is_some() || words == 0 {
            pg.db
                .execute_unprepared(&format!(
                    "DROP TABLE IF EXISTS {table}_words; \
                     CREATE TABLE {table}_words (word text COLLATE \"C\" PRIMARY KEY, ndoc int NOT NULL); \
                     INSERT INTO {table}_words SELECT word, ndoc FROM ts_stat('SELECT tsv FROM {table}'); \
                     ANALYZE {table}_words"
                ))
                .await?;
        }
        let bytes = pg
            .scalar(&format!("SELECT pg_total_relation_size('{table}')"))
            .await?;
        let loaded = Loaded {
            seconds,
            bytes: u64::try_from(bytes).unwrap_or(0),
        };
        Ok((pg, loaded))
    }

    pub async fn search(
        &self,
        q: &Query,
        spelling: Spelling,
    ) -> anyhow::Result<(Duration, Answer)> {
        let (t, cfg) = (&self.table, self.config);
        let started = Instant::now();
        let (parse, query) = match spelling {
            Spelling::AsTyped => ("websearch_to_tsquery", q.postgres()),
            Spelling::SameMatches => ("to_tsquery", self.spell(q).await?),
        };
        let query = query.as_str();
        let top = format!(
            "SELECT kind, item_id, ts_headline('{cfg}', title, q, '{HEADLINE}'), \
               ts_headline('{cfg}', body, q, '{HEADLINE}') \
             FROM (SELECT kind, item_id, title, body, q, ts_rank(tsv, q) AS r \
                   FROM {t}, {parse}('{cfg}', $1) q WHERE tsv @@ q \
                   ORDER BY r DESC LIMIT 10) top \
             ORDER BY r DESC"
        );
        let counts = sql::counts(&format!("{t} WHERE tsv @@ {parse}('{cfg}', $1)"));
        let top = self.db.query_all(statement(&top, query)).await?;
        let counts = self.db.query_all(statement(&counts, query)).await?;
        let took = started.elapsed();
        Ok((took, sql::answer(&top, &counts)?))
    }

    /// The `to_tsquery` input that matches what ours matches: each word or one of its typos,
    /// the last word also as a prefix; a phrase as neighbours.
    async fn spell(&self, q: &Query) -> anyhow::Result<String> {
        let quote = |w: &str| format!("'{w}'");
        if q.phrase {
            let words: Vec<String> = q.words.iter().map(|w| quote(w)).collect();
            return Ok(words.join(" <-> "));
        }
        let words: Vec<String> = spelling::words(q, self)
            .await?
            .into_iter()
            .map(|w| {
                let mut ways = vec![quote(&w.typed)];
                ways.extend(w.typos.iter().map(|t| quote(t)));
                if w.prefix {
                    ways.push(format!("{}:*", quote(&w.typed)));
                }
                format!("({})", ways.join(" | "))
            })
            .collect();
        Ok(words.join(" & "))
    }

    async fn scalar(&self, sql: &str) -> anyhow::Result<i64> {
        let row = self
            .db
            .query_one(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
            .await?
            .ok_or_else(|| anyhow::anyhow!("no row from {sql}"))?;
        Ok(row.try_get_by_index(0)?)
    }

    async fn load(
        &self,
        corpus: &Corpus,
        progress: &indicatif::ProgressBar,
    ) -> anyhow::Result<f64> {
        let (t, cfg) = (&self.table, self.config);
        let started = Instant::now();
        self.db
            .execute_unprepared(&format!(
                "DROP TABLE IF EXISTS {t}; \
                 CREATE TABLE {t} (kind text NOT NULL, item_id int NOT NULL, title text NOT NULL, \
                   body text NOT NULL, country text, year int, network text, \
                   tsv tsvector GENERATED ALWAYS AS ( \
                     setweight(to_tsvector('{cfg}', title), 'A') || \
                     setweight(to_tsvector('{cfg}', body), 'B')) STORED)"
            ))
            .await?;
        progress.set_length(corpus.rows.len() as u64);
        for chunk in corpus.rows.chunks(INSERT_ROWS * 20) {
            let txn = self.db.begin().await?;
            for rows in chunk.chunks(INSERT_ROWS) {
                let placeholders: Vec<String> = (0..rows.len())
                    .map(|i| {
                        let p: Vec<String> = (1..=7).map(|c| format!("${}", i * 7 + c)).collect();
                        format!("({})", p.join(", "))
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO {t} (title, body, kind, item_id, country, year, network) VALUES {}",
                    placeholders.join(", ")
                );
                let values = rows.iter().flat_map(sql::values);
                txn.execute(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    sql,
                    values,
                ))
                .await?;
                progress.inc(rows.len() as u64);
            }
            txn.commit().await?;
        }
        // Autovacuum may be off (it is on the machine of BENCHMARKS.md): analyze explicitly.
        self.db
            .execute_unprepared(&format!(
                "CREATE INDEX {t}_tsv ON {t} USING gin (tsv); ANALYZE {t}"
            ))
            .await?;
        Ok(started.elapsed().as_secs_f64())
    }
}

impl spelling::Vocabulary for Postgres {
    /// The count of the typed word's lexeme in the table of words.
    async fn holding(&self, typed: &str) -> anyhow::Result<u64> {
        let lexeme_count = format!(
            "SELECT coalesce(max(ndoc), 0)::bigint FROM {}_words \
             WHERE word = ANY(tsvector_to_array(to_tsvector('{}', $1)))",
            self.table, self.config
        );
        let row = self.db.query_one(statement(&lexeme_count, typed)).await?;
        sql::count(row)
    }

    async fn between(&self, from: &str, to: &str) -> anyhow::Result<Vec<(String, u64)>> {
        let rows = self
            .db
            .query_all(Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!(
                    "SELECT word, ndoc::bigint FROM {}_words WHERE word >= $1 AND word < $2",
                    self.table
                ),
                [Value::from(from), Value::from(to)],
            ))
            .await?;
        sql::counted(&rows)
    }
}

fn statement(sql: &str, query: &str) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, [Value::from(query)])
}

async fn connect_or_create(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Ok(db) = cluster_atlas::store::connect(url).await {
        return Ok(db);
    }
    let (server, name) = url
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("no database name in {url}"))?;
    let name = name.split('?').next().unwrap_or(name);
    let admin = cluster_atlas::store::connect(&format!("{server}/postgres")).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    Ok(cluster_atlas::store::connect(url).await?)
}

async fn create_folding_config(db: &DatabaseConnection) -> anyhow::Result<()> {
    let exists = db
        .query_one(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT 1 FROM pg_ts_config WHERE cfgname = '{FOLDING_CONFIG}'"),
        ))
        .await?
        .is_some();
    if !exists {
        db.execute_unprepared(&format!(
            "CREATE TEXT SEARCH CONFIGURATION {FOLDING_CONFIG} (COPY = english); \
             ALTER TEXT SEARCH CONFIGURATION {FOLDING_CONFIG} \
               ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
        ))
        .await?;
    }
    Ok(())
}
