#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

//! Write benchmark (issue 4): mutations per second, the delay until a write is found by
//! search, and the latency of reads (the nested profile query) before and during a
//! sustained write load, over HTTP through the product's router, all in one process.
//!
//! Latency is measured under a steady load: reads go out at a set rate (by default half of
//! what closed-loop readers reach at the start) whatever pace the answers come at, so a
//! write load shows as the time reads wait, not as fewer reads. Writes go out at a set rate
//! too ("sustained"), or flat out from closed-loop writers (the most the store takes, and
//! what that costs the reads). The phases take turns in each round, so that noise on a
//! shared machine hits all of them.
//!
//! It writes into the store it is given: news items and cluster edits pile up there.
//!
//! `cargo bench --bench writes -- --database-url URL [--write-rate 50] [--seconds 10]`

#[path = "../http/load.rs"]
#[allow(dead_code, reason = "shared with the http bench, which uses the rest")]
mod load;
#[path = "../../tests/support/word.rs"]
mod word;

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
  --readers N          closed-loop readers measuring read capacity first (4)
  --read-rate N        reads a second in the measured phases (half the capacity)
  --write-rate N       writes a second in the sustained phase (50)
  --writers N          closed-loop writers in the flat-out phases (2)
  --seconds S          measured seconds per phase and round (10)
  --rounds R           rounds of the four phases (2); on a PostgreSQL server with
                       autovacuum off, each starts with a VACUUM
  --timeline FILE      also write every read and sustained write (phase, start, latency
                       ms), the machine's CPU use every 50 ms (% busy, this process,
                       steal, I/O wait) and the wall clock at the start (to line up
                       with the server's RUST_LOG output) as CSV
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

/// Reads before the capacity is measured, not counted.
const WARM_UP: Duration = Duration::from_secs(3);
/// The share of the readers' closed-loop throughput the measured phases read at.
const READ_SHARE: f64 = 0.5;
/// How often the prober publishes an item and times until search finds it.
const PROBE_EVERY: Duration = Duration::from_millis(250);
// Often enough to time a delay of 100 ms and more, seldom enough to add little load.
const PROBE_POLL: Duration = Duration::from_millis(20);

struct Args {
    database_url: String,
    readers: usize,
    read_rate: Option<f64>,
    write_rate: f64,
    writers: usize,
    seconds: u64,
    rounds: usize,
    timeline: Option<std::path::PathBuf>,
}

/// The server's allocator (`src/main.rs`), so that what is measured is what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    // The server's own events (the indexer's steps at `debug`), when RUST_LOG asks for them.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

fn parse(raw: &[String]) -> anyhow::Result<Args> {
    let mut args = Args {
        database_url: std::env::var("DATABASE_URL").unwrap_or_default(),
        readers: 4,
        read_rate: None,
        write_rate: 50.0,
        writers: 2,
        seconds: 10,
        rounds: 2,
        timeline: None,
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
            "--read-rate" => args.read_rate = Some(value()?.parse()?),
            "--write-rate" => args.write_rate = value()?.parse()?,
            "--writers" => args.writers = value()?.parse()?,
            "--seconds" => args.seconds = value()?.parse()?,
            "--rounds" => args.rounds = value()?.parse()?,
            "--timeline" => args.timeline = Some(value()?.into()),
            other => bail!("unknown argument {other}\n\n{USAGE}"),
        }
    }
    ensure!(
        !args.database_url.is_empty(),
        "give --database-url\n\n{USAGE}"
    );
    ensure!(args.readers > 0 && args.writers > 0 && args.rounds > 0 && args.seconds > 0);
    ensure!(args.write_rate > 0.0 && args.read_rate.is_none_or(|r| r > 0.0));
    Ok(args)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// Closed-loop readers alone, once: what reads the server can answer.
    Capacity,
    /// Reads at the read rate.
    Reads,
    /// Reads at the read rate, writes at the write rate: the sustained write load.
    ReadsAndWrites,
    /// Reads at the read rate, closed-loop writers.
    ReadsAndFlatOutWrites,
    /// Closed-loop writers alone: the most mutations a second.
    Writes,
}

/// Whether the store is on a PostgreSQL server with autovacuum off (this machine's CI
/// server is): the rounds' updates then pile up dead row versions that production's
/// autovacuum removes (190,000 of them for 1,400 clusters after a few runs, and reads
/// slowing round after round). The bench then vacuums before each round, outside the
/// measured phases.
async fn needs_vacuum(db: &sea_orm::DatabaseConnection) -> anyhow::Result<bool> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(false);
    }
    let row = db
        .query_one(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SHOW autovacuum",
        ))
        .await?
        .context("SHOW autovacuum answered nothing")?;
    let off = row.try_get_by_index::<String>(0)? == "off";
    if off {
        eprintln!("autovacuum is off on this server: vacuuming before each round");
    }
    Ok(off)
}

fn measured(mut latencies_us: Vec<u32>, elapsed: Duration, errors: u64) -> Sample {
    latencies_us.sort_unstable();
    Sample {
        latencies_us,
        elapsed,
        errors,
        timeline: Vec::new(),
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
    // Each writer edits clusters of its own (one sample, split), so writers never conflict.
    let editable = sample(&mut rng, 50 * args.writers);
    let write_slugs: Vec<Vec<String>> = editable.chunks(50).map(<[String]>::to_vec).collect();

    let index_dir = std::path::Path::new("target/bench-index")
        .join(cluster_atlas::text::slugify(&args.database_url));
    let search = cluster_atlas::search::Search::start(&db, index_dir).await?;
    let settings = cluster_atlas::http::Settings {
        rate_limit: 0,
        ..Default::default()
    };
    let router = cluster_atlas::http::router(
        cluster_atlas::graphql::schema(db.clone(), search.clone(), &settings.query),
        db.clone(),
        search,
        &settings,
        cluster_atlas::http::Drain::default(),
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

    // Items of earlier runs are in the store: numbers (hence words) start where none was.
    let first = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64;
    let sequence = Arc::new(AtomicU64::new(first));
    let writer = |slugs: &[String]| Writer {
        client: client.clone(),
        url: url.clone(),
        token: token.clone(),
        slugs: slugs.to_vec().into(),
        sequence: sequence.clone(),
    };
    let seconds = Duration::from_secs(args.seconds);

    let t0 = Instant::now();
    let cpu = args.timeline.as_ref().map(|_| cpu::Sampler::start(t0));
    let mut timeline = String::from("what,round,phase,at_ms,value\n");
    // The wall clock at t0, to line the timeline up with the server's logs (RUST_LOG).
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    timeline.push_str(&format!("t0_unix_ms,,,0,{}\n", wall.as_millis()));
    let vacuum = needs_vacuum(&db).await?;
    if vacuum {
        db.execute_unprepared("VACUUM (ANALYZE)").await?;
    }
    // A fresh process answers slower at first (connections, caches, the index's pages):
    // warmed up, so the capacity the phases read at is the server's own. Writes too: the
    // first ones open connections and prepare statements (on PostgreSQL a spell of 40 ms
    // at the start of the first phase with writes, in every run).
    let editable: Vec<String> = write_slugs.concat();
    let warm_writes = tokio::spawn(writer(&editable).sustained(args.write_rate, WARM_UP));
    let warm_probe = tokio::spawn(writer(&[]).probe(Instant::now() + WARM_UP));
    load::closed_loop(&client, &reads, args.readers, WARM_UP).await;
    warm_writes.await?;
    warm_probe.await?;
    // What the readers alone can do; the measured phases read at a share of it.
    let capacity = load::closed_loop(&client, &reads, args.readers, seconds).await;
    let read_rate = args
        .read_rate
        .unwrap_or((capacity.throughput() * READ_SHARE).max(1.0));
    let mut rows = vec![Row {
        round: 0,
        phase: Phase::Capacity,
        reads: capacity,
        writes: measured(Vec::new(), seconds, 0),
        conflicts: 0,
        searchable: measured(Vec::new(), seconds, 0),
    }];
    eprintln!("{}", line(&rows[0]));
    for round in 1..=args.rounds {
        if vacuum {
            db.execute_unprepared("VACUUM (ANALYZE)").await?;
        }
        for phase in [
            Phase::Reads,
            Phase::ReadsAndWrites,
            Phase::ReadsAndFlatOutWrites,
            Phase::Writes,
        ] {
            let started = Instant::now();
            let readers = (phase != Phase::Writes).then(|| {
                let (client, reads) = (client.clone(), reads.clone());
                tokio::spawn(async move {
                    load::open_loop(read_rate, seconds, move |i| {
                        let (client, reads) = (client.clone(), reads.clone());
                        async move { load::send(&client, &reads[i as usize % reads.len()]).await }
                    })
                    .await
                })
            });
            let writers: Vec<_> = match phase {
                Phase::Capacity | Phase::Reads => Vec::new(),
                Phase::ReadsAndWrites => vec![tokio::spawn(
                    writer(&editable).sustained(args.write_rate, seconds),
                )],
                Phase::ReadsAndFlatOutWrites | Phase::Writes => write_slugs
                    .iter()
                    .map(|slugs| tokio::spawn(writer(slugs).run(started + seconds)))
                    .collect(),
            };
            let prober =
                (phase != Phase::Reads).then(|| tokio::spawn(writer(&[]).probe(started + seconds)));
            let reads = match readers {
                Some(readers) => readers.await?,
                None => measured(Vec::new(), seconds, 0),
            };
            let (mut latencies, mut conflicts, mut errors) = (Vec::new(), 0, 0);
            let mut write_timeline = Vec::new();
            for w in writers {
                let done = w.await?;
                latencies.extend(done.latencies);
                write_timeline.extend(done.timeline);
                conflicts += done.conflicts;
                errors += done.errors;
            }
            let delays = match prober {
                Some(prober) => prober.await?,
                None => Vec::new(),
            };
            let at = started.duration_since(t0);
            for (what, points) in [("read", &reads.timeline), ("write", &write_timeline)] {
                for &(due, latency) in points {
                    let start = at.as_secs_f64() * 1e3 + f64::from(due) / 1e3;
                    let ms = f64::from(latency) / 1e3;
                    timeline.push_str(&format!("{what},{round},{phase:?},{start:.1},{ms:.2}\n"));
                }
            }
            let elapsed = started.elapsed().max(seconds);
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
    if let (Some(path), Some(cpu)) = (&args.timeline, cpu) {
        timeline.push_str(&cpu.stop());
        std::fs::write(path, timeline).with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "{}",
        report(&args, read_rate, &backend, clusters, news_items, &rows)
    );
    Ok(())
}

/// The machine's CPU use over time, from `/proc/stat` and `/proc/self/stat` (Linux).
mod cpu {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    const EVERY: Duration = Duration::from_millis(50);

    pub struct Sampler {
        stop: Arc<AtomicBool>,
        thread: std::thread::JoinHandle<String>,
    }

    /// Jiffies: all, busy, steal and I/O wait of the machine; user and system of this process.
    fn read() -> Option<[u64; 5]> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let v: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        let all: u64 = v.iter().take(8).sum();
        let (idle, iowait, steal) = (v[3], v[4], v[7]);
        let me = std::fs::read_to_string("/proc/self/stat").ok()?;
        // The fields after the command's closing parenthesis start at the third (the
        // state); utime and stime are the 14th and 15th.
        let rest: Vec<&str> = me.rsplit_once(')')?.1.split_whitespace().collect();
        let own = rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?;
        Some([all, all - idle - iowait, steal, iowait, own])
    }

    impl Sampler {
        pub fn start(t0: Instant) -> Self {
            let stop = Arc::new(AtomicBool::new(false));
            let flag = stop.clone();
            let thread = std::thread::spawn(move || {
                let mut out = String::new();
                let mut last = read();
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EVERY);
                    let now = read();
                    if let (Some(a), Some(b)) = (last, now) {
                        let all = (b[0] - a[0]).max(1) as f64;
                        let pct = |i: usize| 100.0 * (b[i] - a[i]) as f64 / all;
                        let t = t0.elapsed().as_secs_f64() * 1e3;
                        for (what, i) in [("busy", 1), ("self", 4), ("steal", 2), ("iowait", 3)] {
                            out.push_str(&format!("cpu_{what},,,{t:.1},{:.0}\n", pct(i)));
                        }
                    }
                    last = now;
                }
                out
            });
            Self { stop, thread }
        }

        pub fn stop(self) -> String {
            self.stop.store(true, Ordering::Relaxed);
            self.thread.join().unwrap_or_default()
        }
    }
}

/// A client sending mutations as an editor does: news items, and cluster edits after
/// reading the cluster's version.
#[derive(Clone)]
struct Writer {
    client: reqwest::Client,
    url: Arc<str>,
    token: Arc<str>,
    slugs: Arc<[String]>,
    sequence: Arc<AtomicU64>,
}

#[derive(Default)]
struct Done {
    latencies: Vec<u32>,
    /// Open-loop writers only: each write's due time and latency (see `load::Sample`).
    timeline: Vec<(u32, u32)>,
    conflicts: u64,
    errors: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    Conflict,
    Failed,
}

impl Writer {
    /// Writes at `rate` a second for `duration`, in an open loop (see `load::open_loop`).
    async fn sustained(self, rate: f64, duration: Duration) -> Done {
        let sample = load::open_loop(rate, duration, move |i| {
            let w = self.clone();
            async move { w.one(i).await == Outcome::Done }
        })
        .await;
        Done {
            errors: sample.errors,
            latencies: sample.latencies_us,
            timeline: sample.timeline,
            conflicts: 0,
        }
    }

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
        let word = word::unique_word(n);
        let input = json!({
            "title": format!("Write benchmark item {n}"),
            "publishedOn": "2026-11-25",
            "body": format!("Published as {word} while readers read profiles."),
        });
        (word, json!({ "input": input }))
    }

    /// Write `i`: even ones publish a news item, odd ones edit the next cluster in turn.
    async fn one(&self, i: u64) -> Outcome {
        if i.is_multiple_of(2) || self.slugs.is_empty() {
            let (_, variables) = self.news();
            let body = self.post(PUBLISH, variables).await;
            return match body {
                Some(b) if b.get("errors").is_none() => Outcome::Done,
                _ => Outcome::Failed,
            };
        }
        let slug = &self.slugs[(i / 2) as usize % self.slugs.len()];
        let version = self
            .post(VERSION, json!({ "slug": slug }))
            .await
            .and_then(|b| b["data"]["cluster"]["version"].as_i64());
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let variables = json!({ "slug": slug, "version": version,
                                "input": { "region": format!("Region {n}") } });
        let body = self.post(UPDATE, variables).await;
        match body {
            Some(b) if b["data"]["updateCluster"]["version"].is_number() => Outcome::Done,
            Some(b) if b["errors"][0]["extensions"]["code"] == "CONFLICT" => Outcome::Conflict,
            _ => Outcome::Failed,
        }
    }

    /// One write after another until `until` (a closed loop).
    async fn run(self, until: Instant) -> Done {
        let mut done = Done::default();
        let mut i = 0;
        while Instant::now() < until {
            let t = Instant::now();
            match self.one(i).await {
                Outcome::Done => {
                    let us = t.elapsed().as_micros();
                    done.latencies.push(u32::try_from(us).unwrap_or(u32::MAX));
                }
                Outcome::Conflict => {
                    done.conflicts += 1;
                    done.errors += 1;
                }
                Outcome::Failed => done.errors += 1,
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
                    // Quoted: the exact word, without the typo expansion an unknown word
                    // gets, which would add a search's worth of load 50 times a second.
                    let found = self
                        .post(FIND, json!({ "q": format!("\"{word}\"") }))
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

fn report(
    args: &Args,
    read_rate: f64,
    backend: &str,
    clusters: u64,
    news_items: u64,
    rows: &[Row],
) -> String {
    let mut out = format!(
        "## Writes on {backend}: {clusters} clusters, {news_items} news items at the start\n\n\
         Reads (nested profile query) at {read_rate:.0}/s after {} closed-loop readers measured \
         the capacity (round 0); sustained writes (publishNews and updateCluster in turn, \
         reading the version first) at {:.0}/s; flat out, {} closed-loop writers; a prober \
         publishing every {} ms; {} s per phase, {} rounds.\n\n\
         | round | phase | reads/s | read p50 ms | read p99 ms | errors | writes/s | write p50 ms | write p99 ms | errors | searchable p50 ms | p99 ms | max ms |\n\
         | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        args.readers,
        args.write_rate,
        args.writers,
        PROBE_EVERY.as_millis(),
        args.seconds,
        args.rounds
    );
    let cell = |v: f64, digits: usize| {
        if v.is_nan() || v == 0.0 {
            String::new()
        } else {
            format!("{v:.digits$}")
        }
    };
    for r in rows {
        out += &format!(
            "| {} | {:?} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.round,
            r.phase,
            cell(r.reads.throughput(), 0),
            cell(r.reads.quantile_ms(0.5), 2),
            cell(r.reads.quantile_ms(0.99), 2),
            r.reads.errors,
            cell(r.writes.throughput(), 0),
            cell(r.writes.quantile_ms(0.5), 2),
            cell(r.writes.quantile_ms(0.99), 2),
            r.writes.errors,
            cell(r.searchable.quantile_ms(0.5), 0),
            cell(r.searchable.quantile_ms(0.99), 0),
            cell(r.searchable.quantile_ms(1.0), 0),
        );
    }
    // Every read of a phase's rounds pooled: one bad spell in one round weighs what its
    // reads weigh, not a third of the figure (a mean of per-round p99s did that).
    let pooled = |phase: Phase| {
        let mut all: Vec<u32> = rows
            .iter()
            .filter(|r| r.phase == phase)
            .flat_map(|r| r.reads.latencies_us.iter().copied())
            .collect();
        all.sort_unstable();
        Sample {
            latencies_us: all,
            elapsed: Duration::ZERO,
            errors: 0,
            timeline: Vec::new(),
        }
    };
    let (before, sustained, flat_out) = (
        pooled(Phase::Reads),
        pooled(Phase::ReadsAndWrites),
        pooled(Phase::ReadsAndFlatOutWrites),
    );
    let worst = rows
        .iter()
        .map(|r| r.searchable.quantile_ms(1.0))
        .filter(|v| !v.is_nan())
        .fold(0.0, f64::max);
    out += "\n| reads, every round pooled | p50 ms | p99 ms | p99 / p99 alone | p99.9 ms | max ms |\n\
            | --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (name, s) in [
        ("alone", &before),
        ("under sustained writes", &sustained),
        ("under flat-out writes", &flat_out),
    ] {
        out += &format!(
            "| {name} | {:.2} | {:.2} | {:.2}x | {:.2} | {:.2} |\n",
            s.quantile_ms(0.5),
            s.quantile_ms(0.99),
            s.quantile_ms(0.99) / before.quantile_ms(0.99),
            s.quantile_ms(0.999),
            s.quantile_ms(1.0),
        );
    }
    out += &format!(
        "\nRead p99 under sustained writes: {:.2}x the p99 alone (target: at most 2x). \
         Slowest write to become searchable: {worst:.0} ms.\n",
        sustained.quantile_ms(0.99) / before.quantile_ms(0.99),
    );
    out
}
