#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

//! Write benchmark (issue 4): mutations per second, the delay until a write is found by
//! search, and the latency of reads (the nested profile query) before and during a
//! sustained write load, over HTTP through the product's router, all in one process. The
//! phases take turns (reads alone, reads with writes, writes alone) in each round, so that
//! noise on a shared machine hits all of them.
//!
//! It writes into the store it is given: news items and cluster edits pile up there.
//!
//! `cargo bench --bench writes -- --database-url URL [--readers 4] [--writers 2] [--seconds 10]`

#[path = "../http/load.rs"]
#[allow(dead_code, reason = "shared with the http bench, which uses all of it")]
mod load;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use axum::body::Bytes;
use rand::SeedableRng;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect};
use serde_json::{Value, json};

use cluster_atlas::store::{cluster, news};
use load::{Prepared, Sample};

const USAGE: &str = "\
Write benchmark: mutations/s, searchable delay, read latency before and during writes.

usage: cargo bench --bench writes -- --database-url URL [options]

  --database-url URL   store holding generated data (or DATABASE_URL); it is written to
  --readers N          client tasks sending the nested profile query (4)
  --writers N          client tasks sending mutations, one in flight each (2)
  --seconds S          measured seconds per phase and round (10)
  --rounds R           rounds of the three phases (2)
  --help               this text";

const PROFILE: &str = "query Profile($slug: String!) { cluster(slug: $slug) { name established \
    country { code name } contacts { role phone } technologyFields { name } \
    programmes { programme { name framework } } networks { network { name } } \
    news(first: 5) { totalCount edges { node { title publishedOn } } } } }";
const PUBLISH: &str = "mutation($input: NewsInput!) { publishNews(input: $input) { id } }";
const UPDATE: &str = "mutation($slug: String!, $version: Int!, $input: ClusterInput!) { \
    updateCluster(slug: $slug, version: $version, input: $input) { version } }";
const VERSION: &str = "query($slug: String!) { cluster(slug: $slug) { version } }";
const FIND: &str = "query($q: String!) { search(query: $q, kinds: [NEWS]) { totalCount } }";

/// How often the prober publishes an item and times until search finds it.
const PROBE_EVERY: Duration = Duration::from_millis(250);
const PROBE_POLL: Duration = Duration::from_millis(5);

struct Args {
    database_url: String,
    readers: usize,
    writers: usize,
    seconds: u64,
    rounds: usize,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    // `cargo test --all-targets` runs bench binaries without `--bench`: nothing to do then.
    if !args.iter().any(|a| a == "--bench") {
        eprintln!("writes bench: skipped (run it with `cargo bench --bench writes -- --help`)");
        return Ok(());
    }
    let args = parse(&args)?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

fn parse(raw: &[String]) -> anyhow::Result<Args> {
    let mut args = Args {
        database_url: std::env::var("DATABASE_URL").unwrap_or_default(),
        readers: 4,
        writers: 2,
        seconds: 10,
        rounds: 2,
    };
    let mut it = raw.iter().filter(|a| *a != "--bench");
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{flag} needs a value\n\n{USAGE}"))
        };
        match flag.as_str() {
            "--database-url" => args.database_url = value()?.clone(),
            "--readers" => args.readers = value()?.parse()?,
            "--writers" => args.writers = value()?.parse()?,
            "--seconds" => args.seconds = value()?.parse()?,
            "--rounds" => args.rounds = value()?.parse()?,
            other => bail!("unknown argument {other}\n\n{USAGE}"),
        }
    }
    ensure!(
        !args.database_url.is_empty(),
        "give --database-url\n\n{USAGE}"
    );
    ensure!(args.readers > 0 && args.writers > 0 && args.rounds > 0 && args.seconds > 0);
    Ok(args)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Reads,
    ReadsAndWrites,
    Writes,
}

fn measured(mut latencies_us: Vec<u32>, elapsed: Duration, errors: u64) -> Sample {
    latencies_us.sort_unstable();
    Sample {
        latencies_us,
        elapsed,
        errors,
    }
}

struct Row {
    round: usize,
    phase: Phase,
    reads: Sample,
    writes: Sample,
    conflicts: u64,
    /// From a write's acknowledgement to search finding it.
    searchable: Sample,
}

async fn run(args: Args) -> anyhow::Result<()> {
    let db = cluster_atlas::app::open_store(&args.database_url).await?;
    let backend = format!("{:?}", db.get_database_backend());
    let clusters = cluster::Entity::find().count(&db).await?;
    let news_items = news::Entity::find().count(&db).await?;
    ensure!(
        clusters > 0,
        "the store holds no cluster: load one first, e.g. \
         `DATABASE_URL=... cargo run --release -- generate`"
    );
    let slugs: Vec<String> = cluster::Entity::find()
        .select_only()
        .column(cluster::Column::Slug)
        .into_tuple()
        .all(&db)
        .await?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    let sample = |rng: &mut rand_chacha::ChaCha8Rng, n: usize| -> Vec<String> {
        rand::seq::index::sample(rng, slugs.len(), n.min(slugs.len()))
            .into_iter()
            .map(|i| slugs[i].clone())
            .collect()
    };
    let read_slugs = sample(&mut rng, 5_000);
    // Each writer edits clusters of its own, so writers conflict only with themselves.
    let write_slugs: Vec<Vec<String>> = (0..args.writers).map(|_| sample(&mut rng, 50)).collect();

    let index_dir = std::path::Path::new("target/bench-index")
        .join(cluster_atlas::text::slugify(&args.database_url));
    let search = cluster_atlas::search::Search::start(&db, index_dir).await?;
    let settings = cluster_atlas::http::Settings {
        rate_limit: 0,
        ..Default::default()
    };
    let router = cluster_atlas::http::router(
        cluster_atlas::graphql::schema(db.clone(), search, &settings.query),
        db.clone(),
        &settings,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    let issued = cluster_atlas::auth::issue()?;
    cluster_atlas::store::api_token::create(&db, "writes bench", "write", &issued.digest).await?;
    let token: Arc<str> = issued.secret.into();
    let client = reqwest::Client::builder().no_gzip().build()?;
    let url: Arc<str> = format!("{base}/graphql").into();
    let reads: Arc<Vec<Prepared>> = Arc::new(
        read_slugs
            .iter()
            .map(|slug| {
                let body = json!({ "query": PROFILE, "variables": { "slug": slug } });
                Prepared::Post(url.to_string(), Bytes::from(body.to_string()))
            })
            .collect(),
    );

    let sequence = Arc::new(AtomicU64::new(0));
    let mut rows = Vec::new();
    for round in 1..=args.rounds {
        for phase in [Phase::Reads, Phase::ReadsAndWrites, Phase::Writes] {
            let seconds = Duration::from_secs(args.seconds);
            let started = Instant::now();
            let with_reads = phase != Phase::Writes;
            let with_writes = phase != Phase::Reads;
            let readers = with_reads.then(|| {
                let (client, reads) = (client.clone(), reads.clone());
                let n = args.readers;
                tokio::spawn(async move { load::closed_loop(&client, &reads, n, seconds).await })
            });
            let writers: Vec<_> = if with_writes {
                write_slugs
                    .iter()
                    .map(|slugs| {
                        let w = Writer {
                            client: client.clone(),
                            url: url.clone(),
                            token: token.clone(),
                            slugs: slugs.clone(),
                            sequence: sequence.clone(),
                        };
                        tokio::spawn(w.run(started + seconds))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let prober = with_writes.then(|| {
                let w = Writer {
                    client: client.clone(),
                    url: url.clone(),
                    token: token.clone(),
                    slugs: Vec::new(),
                    sequence: sequence.clone(),
                };
                tokio::spawn(w.probe(started + seconds))
            });
            let reads = match readers {
                Some(readers) => readers.await?,
                None => measured(Vec::new(), seconds, 0),
            };
            let (mut latencies, mut conflicts, mut errors) = (Vec::new(), 0, 0);
            for w in writers {
                let done = w.await?;
                latencies.extend(done.latencies);
                conflicts += done.conflicts;
                errors += done.errors;
            }
            let delays = match prober {
                Some(prober) => prober.await?,
                None => Vec::new(),
            };
            let elapsed = started.elapsed();
            let row = Row {
                round,
                phase,
                reads,
                writes: measured(latencies, elapsed, errors),
                conflicts,
                searchable: measured(delays, elapsed, 0),
            };
            eprintln!("{}", line(&row));
            rows.push(row);
        }
    }
    println!("{}", report(&args, &backend, clusters, news_items, &rows));
    Ok(())
}

/// One client task sending mutations in a closed loop.
struct Writer {
    client: reqwest::Client,
    url: Arc<str>,
    token: Arc<str>,
    slugs: Vec<String>,
    sequence: Arc<AtomicU64>,
}

#[derive(Default)]
struct Done {
    latencies: Vec<u32>,
    conflicts: u64,
    errors: u64,
}

impl Writer {
    async fn post(&self, query: &str, variables: Value) -> Option<Value> {
        let response = self
            .client
            .post(&*self.url)
            .bearer_auth(&*self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .ok()?;
        response.json().await.ok()
    }

    /// A news item with a word no other has.
    fn news(&self) -> (String, Value) {
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let word = word_of(n);
        let input = json!({
            "title": format!("Write benchmark item {n}"),
            "publishedOn": "2026-11-25",
            "body": format!("Published as {word} while readers read profiles."),
        });
        (word, json!({ "input": input }))
    }

    /// Alternates publishing news and editing a cluster (reading its version first, as an
    /// editor does), until `until`.
    async fn run(self, until: Instant) -> Done {
        let mut done = Done::default();
        let mut versions: Vec<Option<i64>> = vec![None; self.slugs.len()];
        let mut i = 0usize;
        while Instant::now() < until {
            let t = Instant::now();
            let ok = if i.is_multiple_of(2) || self.slugs.is_empty() {
                let (_, variables) = self.news();
                self.post(PUBLISH, variables)
                    .await
                    .is_some_and(|b| b.get("errors").is_none())
            } else {
                let k = (i / 2) % self.slugs.len();
                let slug = &self.slugs[k];
                let version = match versions[k] {
                    Some(v) => Some(v),
                    None => self
                        .post(VERSION, json!({ "slug": slug }))
                        .await
                        .and_then(|b| b["data"]["cluster"]["version"].as_i64()),
                };
                let n = self.sequence.fetch_add(1, Ordering::Relaxed);
                let variables = json!({ "slug": slug, "version": version,
                                        "input": { "region": format!("Region {n}") } });
                let body = self.post(UPDATE, variables).await;
                match body
                    .as_ref()
                    .map(|b| &b["data"]["updateCluster"]["version"])
                {
                    Some(Value::Number(v)) => {
                        versions[k] = v.as_i64();
                        true
                    }
                    _ => {
                        versions[k] = None;
                        let conflict = body
                            .is_some_and(|b| b["errors"][0]["extensions"]["code"] == "CONFLICT");
                        done.conflicts += u64::from(conflict);
                        false
                    }
                }
            };
            if ok {
                let us = t.elapsed().as_micros();
                done.latencies.push(u32::try_from(us).unwrap_or(u32::MAX));
            } else {
                done.errors += 1;
            }
            i += 1;
        }
        done
    }

    /// Every [`PROBE_EVERY`], publishes an item and polls search for its word: the delay
    /// from the acknowledgement to the first search that finds it, in microseconds.
    async fn probe(self, until: Instant) -> Vec<u32> {
        let mut delays = Vec::new();
        while Instant::now() < until {
            let next = Instant::now() + PROBE_EVERY;
            let (word, variables) = self.news();
            let acked = self
                .post(PUBLISH, variables)
                .await
                .is_some_and(|b| b.get("errors").is_none());
            if acked {
                let at = Instant::now();
                loop {
                    let found = self
                        .post(FIND, json!({ "q": word }))
                        .await
                        .and_then(|b| b["data"]["search"]["totalCount"].as_u64());
                    if found == Some(1) {
                        let us = at.elapsed().as_micros();
                        delays.push(u32::try_from(us).unwrap_or(u32::MAX));
                        break;
                    }
                    if at.elapsed() > Duration::from_secs(30) {
                        delays.push(u32::MAX);
                        break;
                    }
                    tokio::time::sleep(PROBE_POLL).await;
                }
            }
            tokio::time::sleep_until(next.into()).await;
        }
        delays
    }
}

/// Ten pseudo-random letters: no other item's word is within the two typos or the prefix
/// that search forgives, so a search for it finds exactly its item.
fn word_of(n: u64) -> String {
    let mut x = n;
    (0..10)
        .map(|_| {
            // splitmix64
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            char::from(b'a' + (z % 26) as u8)
        })
        .collect()
}

fn line(row: &Row) -> String {
    format!(
        "round {} {:?}: reads {:.0}/s p50 {:.2} ms p99 {:.2} ms ({} errors); writes {:.0}/s p50 {:.2} ms p99 {:.2} ms ({} conflicts, {} errors); searchable p50 {:.0} ms p99 {:.0} ms max {:.0} ms",
        row.round,
        row.phase,
        row.reads.throughput(),
        row.reads.quantile_ms(0.5),
        row.reads.quantile_ms(0.99),
        row.reads.errors,
        row.writes.throughput(),
        row.writes.quantile_ms(0.5),
        row.writes.quantile_ms(0.99),
        row.conflicts,
        row.writes.errors,
        row.searchable.quantile_ms(0.5),
        row.searchable.quantile_ms(0.99),
        row.searchable.quantile_ms(1.0),
    )
}

fn report(args: &Args, backend: &str, clusters: u64, news_items: u64, rows: &[Row]) -> String {
    let mut out = format!(
        "## Writes on {backend}: {clusters} clusters, {news_items} news items at the start\n\n\
         {} readers (nested profile query), {} writers (publishNews and updateCluster in turn), \
         a prober publishing every {} ms; {} s per phase, {} rounds.\n\n\
         | round | phase | reads/s | read p50 ms | read p99 ms | writes/s | write p50 ms | write p99 ms | searchable p50 ms | p99 ms | max ms |\n\
         | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        args.readers,
        args.writers,
        PROBE_EVERY.as_millis(),
        args.seconds,
        args.rounds
    );
    for r in rows {
        out += &format!(
            "| {} | {:?} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} |\n",
            r.round,
            r.phase,
            r.reads.throughput(),
            r.reads.quantile_ms(0.5),
            r.reads.quantile_ms(0.99),
            r.writes.throughput(),
            r.writes.quantile_ms(0.5),
            r.writes.quantile_ms(0.99),
            r.searchable.quantile_ms(0.5),
            r.searchable.quantile_ms(0.99),
            r.searchable.quantile_ms(1.0),
        );
    }
    let p99 = |phase: Phase| {
        let all: Vec<f64> = rows
            .iter()
            .filter(|r| r.phase == phase)
            .map(|r| r.reads.quantile_ms(0.99))
            .collect();
        all.iter().sum::<f64>() / all.len().max(1) as f64
    };
    let (before, during) = (p99(Phase::Reads), p99(Phase::ReadsAndWrites));
    out += &format!(
        "\nRead p99 before {before:.2} ms, during writes {during:.2} ms: {:.2}x (target: at most 2x).\n",
        during / before
    );
    out
}
