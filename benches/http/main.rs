#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

//! HTTP benchmark (issue 2): the nested profile query and a page of 100 nested clusters,
//! over HTTP on loopback under concurrent load, through the product's GraphQL router and
//! through a plain axum handler (`plain`) that makes the same store calls and writes the same
//! JSON by hand. Both servers and the client run in this process; the scenarios take turns
//! (GraphQL, plain, GraphQL, plain) so that noise on a shared machine hits both sides.
//!
//! `cargo bench --bench http -- --database-url URL [--concurrency 16] [--seconds 10]`

#[allow(
    dead_code,
    reason = "shared with the writes bench, which also paces an open loop"
)]
mod load;
mod plain;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use axum::Router;
use axum::body::Bytes;
use rand::SeedableRng;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect};
use serde_json::{Value, json};

use cluster_atlas::store::{cluster, news};
use load::{Prepared, Sample};

const USAGE: &str = "\
HTTP benchmark: GraphQL vs a plain axum handler over the same store calls.

usage: cargo bench --bench http -- --database-url URL [options]

  --database-url URL   store holding generated data (or DATABASE_URL)
  --concurrency N      client tasks, each with one request in flight (16)
  --seconds S          measured seconds per scenario and round (10)
  --warmup S           unmeasured seconds before each (2)
  --rounds R           rounds of the four scenarios (2)
  --query Q            run only `profile` or `page`
  --path P             run only the `graphql` or the `plain` side (for profiling)
  --trace-sql          print each statement of the start-up check with its time
  --help               this text";

/// The nested selection of one cluster, as in the integration tests' profile query.
const SELECTION: &str = "name established country { code name } contacts { role phone } \
    technologyFields { name } programmes { programme { name framework } } \
    networks { network { name } } news(first: 5) { totalCount edges { node { title publishedOn } } }";

/// Profiles to rotate over, and pages of the cluster list (the first and ones after
/// cursors spread over the list).
const PROFILES: usize = 10_000;
const PAGES: usize = 16;

/// Statements the store ran, and their time; read around each measured run.
static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static SQL_NANOS: AtomicU64 = AtomicU64::new(0);
/// Print statements as they run (`--trace-sql`, during the start-up check only).
static TRACE_SQL: AtomicBool = AtomicBool::new(false);

struct Args {
    database_url: String,
    concurrency: usize,
    seconds: u64,
    warmup: u64,
    rounds: usize,
    trace_sql: bool,
    shapes: Vec<Shape>,
    sides: Vec<Side>,
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
        eprintln!("http bench: skipped (run it with `cargo bench --bench http -- --help`)");
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
        concurrency: 16,
        seconds: 10,
        warmup: 2,
        rounds: 2,
        trace_sql: false,
        shapes: vec![Shape::Profile, Shape::Page],
        sides: vec![Side::Graphql, Side::Plain],
    };
    let mut it = raw.iter().filter(|a| *a != "--bench");
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{flag} needs a value\n\n{USAGE}"))
        };
        match flag.as_str() {
            "--database-url" => args.database_url = value()?.clone(),
            "--concurrency" => args.concurrency = value()?.parse()?,
            "--seconds" => args.seconds = value()?.parse()?,
            "--warmup" => args.warmup = value()?.parse()?,
            "--rounds" => args.rounds = value()?.parse()?,
            "--trace-sql" => args.trace_sql = true,
            "--query" => {
                args.shapes = match value()?.as_str() {
                    "profile" => vec![Shape::Profile],
                    "page" => vec![Shape::Page],
                    other => bail!("--query is profile or page, not {other}"),
                }
            }
            "--path" => {
                args.sides = match value()?.as_str() {
                    "graphql" => vec![Side::Graphql],
                    "plain" => vec![Side::Plain],
                    other => bail!("--path is graphql or plain, not {other}"),
                }
            }
            other => bail!("unknown argument {other}\n\n{USAGE}"),
        }
    }
    ensure!(
        !args.database_url.is_empty(),
        "give --database-url\n\n{USAGE}"
    );
    ensure!(args.concurrency > 0 && args.rounds > 0 && args.seconds > 0);
    Ok(args)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Profile,
    Page,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Graphql,
    Plain,
}

/// The requests of each scenario, built before anything is measured.
struct Workload {
    profile: [Arc<Vec<Prepared>>; 2],
    page: [Arc<Vec<Prepared>>; 2],
}

impl Workload {
    fn of(&self, shape: Shape, side: Side) -> &Arc<Vec<Prepared>> {
        let pair = match shape {
            Shape::Profile => &self.profile,
            Shape::Page => &self.page,
        };
        &pair[side as usize]
    }
}

struct Row {
    round: usize,
    shape: Shape,
    side: Side,
    sample: Sample,
    statements: u64,
    sql: Duration,
    /// CPU time of this process (client, servers and SQLite's threads) over the run.
    cpu: Duration,
}

async fn run(args: Args) -> anyhow::Result<()> {
    let mut db = cluster_atlas::app::open_store(&args.database_url).await?;
    db.set_metric_callback(|info| {
        STATEMENTS.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(info.elapsed.as_nanos()).unwrap_or(u64::MAX);
        SQL_NANOS.fetch_add(nanos, Ordering::Relaxed);
        if TRACE_SQL.load(Ordering::Relaxed) {
            let sql = info.statement.to_string();
            eprintln!("{:9.2} ms  {sql:.300}", info.elapsed.as_secs_f64() * 1000.0);
        }
    });
    let backend = format!("{:?}", db.get_database_backend());
    let clusters = cluster::Entity::find().count(&db).await?;
    let news_items = news::Entity::find().count(&db).await?;
    ensure!(
        clusters > 0,
        "the store holds no cluster: load one first, e.g. \
         `DATABASE_URL=... cargo run --release -- generate --clusters 140000 --news 280000`"
    );

    let rows: Vec<(i32, String, String)> = cluster::Entity::find()
        .select_only()
        .column(cluster::Column::Id)
        .column(cluster::Column::Slug)
        .column(cluster::Column::NameKey)
        .order_by_asc(cluster::Column::Id)
        .into_tuple()
        .all(&db)
        .await?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let slugs: Vec<&str> = rand::seq::index::sample(&mut rng, rows.len(), PROFILES.min(rows.len()))
        .into_iter()
        .map(|i| rows[i].1.as_str())
        .filter(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .collect();
    let mut cursors: Vec<Option<String>> = vec![None];
    cursors.extend(
        rand::seq::index::sample(&mut rng, rows.len(), (PAGES - 1).min(rows.len()))
            .into_iter()
            .map(|i| Some(plain::cursor_of(&rows[i].2, rows[i].0))),
    );

    // The schema needs its search index: built once per store, beside the build output.
    let index_dir = std::path::Path::new("target/bench-index")
        .join(cluster_atlas::text::slugify(&args.database_url));
    let search = cluster_atlas::search::Search::start(&db, index_dir).await?;
    // The load comes from one address: no rate limit.
    let settings = cluster_atlas::http::Settings {
        rate_limit: 0,
        ..Default::default()
    };
    let graphql = serve(cluster_atlas::http::router(
        cluster_atlas::graphql::schema(db.clone(), search.clone(), &settings.query),
        db.clone(),
        search,
        &settings,
        cluster_atlas::http::Drain::default(),
    ))
    .await?;
    let plain = serve(plain::router(db.clone())).await?;
    let workload = workload(&graphql, &plain, &slugs, &cursors);
    let client = reqwest::Client::builder()
        .no_gzip()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    TRACE_SQL.store(args.trace_sql, Ordering::SeqCst);
    same_answers(&client, &workload, &graphql, &plain).await?;
    TRACE_SQL.store(false, Ordering::SeqCst);

    let mut results = Vec::new();
    for round in 1..=args.rounds {
        for &shape in &args.shapes {
            for &side in &args.sides {
                let requests = workload.of(shape, side);
                let warmup = Duration::from_secs(args.warmup);
                load::closed_loop(&client, requests, args.concurrency, warmup).await;
                STATEMENTS.store(0, Ordering::SeqCst);
                SQL_NANOS.store(0, Ordering::SeqCst);
                let cpu = process_cpu();
                let measured = Duration::from_secs(args.seconds);
                let sample = load::closed_loop(&client, requests, args.concurrency, measured).await;
                let row = Row {
                    round,
                    shape,
                    side,
                    sample,
                    statements: STATEMENTS.load(Ordering::SeqCst),
                    sql: Duration::from_nanos(SQL_NANOS.load(Ordering::SeqCst)),
                    cpu: process_cpu().saturating_sub(cpu),
                };
                eprintln!("{}", line(&row));
                results.push(row);
            }
        }
    }
    println!(
        "{}",
        report(&args, &backend, clusters, news_items, &results)
    );
    Ok(())
}

/// Serves `router` on a free loopback port; its base URL.
async fn serve(router: Router) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}"))
}

fn profile_query() -> String {
    format!("query Profile($slug: String!) {{ cluster(slug: $slug) {{ {SELECTION} }} }}")
}

fn page_query() -> String {
    format!(
        "query Page($after: String) {{ clusters(first: {}, after: $after) {{ \
         pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {SELECTION} }} }} }} }}",
        plain::PAGE
    )
}

fn graphql_post(base: &str, query: &str, variables: Value) -> Prepared {
    let body = json!({ "query": query, "variables": variables }).to_string();
    Prepared::Post(format!("{base}/graphql"), Bytes::from(body))
}

fn plain_page_url(base: &str, cursor: Option<&str>) -> String {
    match cursor {
        Some(c) => format!("{base}/plain/clusters?after={c}"),
        None => format!("{base}/plain/clusters"),
    }
}

fn workload(graphql: &str, plain: &str, slugs: &[&str], cursors: &[Option<String>]) -> Workload {
    let (profile, page) = (profile_query(), page_query());
    Workload {
        profile: [
            Arc::new(
                slugs
                    .iter()
                    .map(|s| graphql_post(graphql, &profile, json!({ "slug": s })))
                    .collect(),
            ),
            Arc::new(
                slugs
                    .iter()
                    .map(|s| Prepared::Get(format!("{plain}/plain/cluster/{s}")))
                    .collect(),
            ),
        ],
        page: [
            Arc::new(
                cursors
                    .iter()
                    .map(|c| graphql_post(graphql, &page, json!({ "after": c })))
                    .collect(),
            ),
            Arc::new(
                cursors
                    .iter()
                    .map(|c| Prepared::Get(plain_page_url(plain, c.as_deref())))
                    .collect(),
            ),
        ],
    }
}

/// Aborts unless both paths answer a few profiles (one unknown), and pages, with equal JSON.
async fn same_answers(
    client: &reqwest::Client,
    workload: &Workload,
    graphql: &str,
    plain: &str,
) -> anyhow::Result<()> {
    let mut pairs: Vec<(Prepared, Prepared)> = Vec::new();
    for shape in [Shape::Profile, Shape::Page] {
        let (g, p) = (
            workload.of(shape, Side::Graphql),
            workload.of(shape, Side::Plain),
        );
        pairs.extend(g.iter().cloned().zip(p.iter().cloned()).take(4));
    }
    pairs.push((
        graphql_post(
            graphql,
            &profile_query(),
            json!({ "slug": "no-such-cluster" }),
        ),
        Prepared::Get(format!("{plain}/plain/cluster/no-such-cluster")),
    ));
    for (g, p) in pairs {
        let (a, b) = (fetch(client, &g).await?, fetch(client, &p).await?);
        if a != b {
            bail!(
                "GraphQL and plain answers differ for {}:\nGraphQL: {:.2000}\nplain:   {:.2000}",
                p.url(),
                a.to_string(),
                b.to_string()
            );
        }
        ensure!(a.get("errors").is_none(), "errors in {a:.2000}");
    }
    eprintln!("check: GraphQL and plain answer with equal JSON");
    Ok(())
}

async fn fetch(client: &reqwest::Client, r: &Prepared) -> anyhow::Result<Value> {
    let response = r.request(client).send().await?;
    let status = response.status();
    let text = response.text().await?;
    ensure!(
        status.is_success(),
        "{} answered {status}: {text:.500}",
        r.url()
    );
    Ok(serde_json::from_str(&text)?)
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Page => "page of 100",
        }
    }
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Self::Graphql => "GraphQL",
            Self::Plain => "plain",
        }
    }
}

/// User and system CPU time of this process so far, from `/proc` (zero where there is none).
fn process_cpu() -> Duration {
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

fn line(r: &Row) -> String {
    let n = r.sample.requests().max(1) as f64;
    format!(
        "| {} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.1} | {:.2} | {:.2} |",
        r.round,
        r.shape.name(),
        r.side.name(),
        r.sample.requests(),
        r.sample.errors,
        r.sample.throughput(),
        r.sample.quantile_ms(0.5),
        r.sample.quantile_ms(0.99),
        r.statements as f64 / n,
        r.sql.as_secs_f64() * 1000.0 / n,
        r.cpu.as_secs_f64() * 1000.0 / n,
    )
}

fn report(args: &Args, backend: &str, clusters: u64, news: u64, rows: &[Row]) -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mut out = format!(
        "### {backend}: {clusters} clusters, {news} news items\n\n\
         {cpus} CPUs ({model}); {} client tasks; {} s measured after {} s warm-up per \
         scenario; {} rounds, GraphQL and plain taking turns; client and both servers in one \
         process.\n\n\
         | round | query | path | requests | errors | req/s | median ms | p99 ms | statements/req | SQL ms/req | CPU ms/req |\n\
         | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        args.concurrency, args.seconds, args.warmup, args.rounds
    );
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    if args.sides.len() < 2 {
        return out;
    }
    out.push_str("\n| query | GraphQL / plain req/s, by round | best GraphQL / best plain |\n| --- | --- | ---: |\n");
    for &shape in &args.shapes {
        let of = |side: Side| -> Vec<f64> {
            rows.iter()
                .filter(|r| r.shape == shape && r.side == side)
                .map(|r| r.sample.throughput())
                .collect()
        };
        let (g, p) = (of(Side::Graphql), of(Side::Plain));
        let by_round: Vec<String> = g
            .iter()
            .zip(&p)
            .map(|(g, p)| format!("{:.2}", g / p))
            .collect();
        let best = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        out.push_str(&format!(
            "| {} | {} | {:.2} |\n",
            shape.name(),
            by_round.join(", "),
            best(&g) / best(&p)
        ));
    }
    out
}
