//! Runs each query of the mix on every engine, interleaved run by run so that noise on a
//! shared machine falls on all of them alike; and the GraphQL floor.

use std::time::Duration;

use axum::body::Bytes;
use cluster_atlas::search::{Request, Search};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde_json::json;

use crate::Answer;
use crate::fts5::Fts5;
use crate::graphql::{self, Graphql};
use crate::latency::{self, Sample};
use crate::meter;
use crate::mix::Query;
use crate::ours;
use crate::postgres::Postgres;
use crate::spelling::Spelling;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Ours,
    /// Ours with a part of the work left out, to show where the time goes (`--breakdown`).
    OursWithoutFacets,
    OursWithoutHighlights,
    Graphql,
    Fts5,
    Postgres,
}

impl Engine {
    pub fn label(self) -> &'static str {
        match self {
            Self::Ours => "ours",
            Self::OursWithoutFacets => "ours without facets",
            Self::OursWithoutHighlights => "ours without highlights",
            Self::Graphql => "GraphQL/HTTP",
            Self::Fts5 => "FTS5",
            Self::Postgres => "PostgreSQL",
        }
    }
}

pub struct Engines {
    pub search: Search,
    pub graphql: Graphql,
    pub fts5: Option<Fts5>,
    pub postgres: Option<Postgres>,
    pub spelling: Spelling,
    pub breakdown: bool,
}

/// One engine on one query.
pub struct Cell {
    pub engine: Engine,
    pub sample: Sample,
    pub answer: Answer,
    /// Store statements and their time over the measured runs (GraphQL only).
    pub statements: u64,
    pub sql: Duration,
}

impl Engines {
    pub fn present(&self) -> Vec<Engine> {
        let mut out = vec![Engine::Ours, Engine::Graphql];
        if self.breakdown {
            out.extend([Engine::OursWithoutFacets, Engine::OursWithoutHighlights]);
        }
        if self.fts5.is_some() {
            out.push(Engine::Fts5);
        }
        if self.postgres.is_some() {
            out.push(Engine::Postgres);
        }
        out
    }

    async fn run(
        &self,
        engine: Engine,
        q: &Query,
        body: &Bytes,
    ) -> anyhow::Result<(Duration, Answer)> {
        match engine {
            Engine::Ours => ours::search(&self.search, ours::request(&q.ours())).await,
            Engine::OursWithoutFacets => {
                let request = Request {
                    facets: false,
                    ..ours::request(&q.ours())
                };
                ours::search(&self.search, request).await
            }
            Engine::OursWithoutHighlights => {
                let request = Request {
                    highlights: false,
                    ..ours::request(&q.ours())
                };
                ours::search(&self.search, request).await
            }
            Engine::Graphql => {
                let (took, bytes) = self.graphql.post(body).await?;
                Ok((took, graphql::answer(&bytes)?))
            }
            Engine::Fts5 => match &self.fts5 {
                Some(f) => f.search(q, self.spelling).await,
                None => anyhow::bail!("no FTS5 baseline"),
            },
            Engine::Postgres => match &self.postgres {
                Some(p) => p.search(q, self.spelling).await,
                None => anyhow::bail!("no PostgreSQL baseline"),
            },
        }
    }
}

/// Every engine on `q`: warm-up runs (the first gives the answer), then the measured runs,
/// one engine after the other within each round.
pub async fn query(
    engines: &Engines,
    q: &Query,
    fixed_runs: Option<usize>,
) -> anyhow::Result<Vec<Cell>> {
    let body = Graphql::body(graphql::SEARCH, json!({ "q": q.ours() }));
    let mut cells = Vec::new();
    let mut remaining = Vec::new();
    for engine in engines.present() {
        let (mut warm, answer) = engines.run(engine, q, &body).await?;
        for _ in 1..latency::WARMUP {
            warm = engines.run(engine, q, &body).await?.0;
        }
        remaining.push(latency::runs_for(warm, fixed_runs));
        cells.push(Cell {
            engine,
            sample: Sample::default(),
            answer,
            statements: 0,
            sql: Duration::ZERO,
        });
    }
    // Each round in another order: what runs right after another engine pays for its
    // aftermath (a PostgreSQL backend still busy, caches taken), and with a fixed order our
    // search always ran right after PostgreSQL's. Seeded: runs repeat.
    let mut order: Vec<usize> = (0..cells.len()).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5eed);
    while remaining.iter().any(|&n| n > 0) {
        order.shuffle(&mut rng);
        for &at in &order {
            let (cell, left) = (&mut cells[at], &mut remaining[at]);
            if *left == 0 {
                continue;
            }
            *left -= 1;
            let (statements, sql) = meter::API.read();
            let (took, _) = engines.run(cell.engine, q, &body).await?;
            let (s, n) = meter::API.read();
            cell.sample.push(took);
            cell.statements += s - statements;
            cell.sql += n - sql;
        }
    }
    Ok(cells)
}

/// `{ __typename }` over the same server and client.
pub async fn floor(engines: &Engines, fixed_runs: Option<usize>) -> anyhow::Result<Sample> {
    let body = Graphql::body(graphql::FLOOR, json!({}));
    let mut warm = Duration::ZERO;
    for _ in 0..latency::WARMUP {
        warm = engines.graphql.post(&body).await?.0;
    }
    let mut sample = Sample::default();
    for _ in 0..latency::runs_for(warm, fixed_runs) {
        sample.push(engines.graphql.post(&body).await?.0);
    }
    Ok(sample)
}
