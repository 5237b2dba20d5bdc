#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

//! HTTP benchmark (issues 2 and 28): `{ __typename }`, the nested profile query and a page of
//! 100 nested clusters, over HTTP on loopback under concurrent load, through the product's
//! GraphQL router, through a plain axum handler (`plain`) that makes the same store calls and
//! writes the same JSON by hand, and, on PostgreSQL, through PostGraphile 4 (`peer`) over the
//! same database. Our servers and the client run in this process, the peer in its own; the
//! sides take turns within each round so that noise on a shared machine hits them all.
//!
//! `cargo bench --bench http -- --database-url URL [--concurrency 16] [--seconds 10]`

#[allow(
    dead_code,
    reason = "shared with the writes bench, which also paces an open loop"
)]
mod load;
mod peer;
mod plain;

use std::collections::HashMap;
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
HTTP benchmark: GraphQL vs a plain axum handler over the same store calls, and vs
PostGraphile 4 over the same database on PostgreSQL.

usage: cargo bench --bench http -- --database-url URL [options]

  --database-url URL   store holding generated data (or DATABASE_URL)
  --concurrency N      client tasks, each with one request in flight (16)
  --seconds S          measured seconds per scenario and round (10)
  --warmup S           unmeasured seconds before each (2)
  --rounds R           rounds of the four scenarios (2)
  --query Q            run only `typename`, `profile` or `page`
  --path P             run only the `graphql`, `plain` or `peer` side (for profiling)
  --no-peer            leave PostGraphile out on PostgreSQL (it needs Node.js and npm)
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
    peer: bool,
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
        peer: true,
        shapes: vec![Shape::Typename, Shape::Profile, Shape::Page],
        sides: vec![Side::Graphql, Side::Plain, Side::Peer],
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
            "--no-peer" => args.peer = false,
            "--query" => {
                args.shapes = match value()?.as_str() {
                    "typename" => vec![Shape::Typename],
                    "profile" => vec![Shape::Profile],
                    "page" => vec![Shape::Page],
                    other => bail!("--query is typename, profile or page, not {other}"),
                }
            }
            "--path" => {
                args.sides = match value()?.as_str() {
                    "graphql" => vec![Side::Graphql],
                    "plain" => vec![Side::Plain],
                    "peer" => vec![Side::Peer],
                    other => bail!("--path is graphql, plain or peer, not {other}"),
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

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    Typename,
    Profile,
    Page,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Side {
    Graphql,
    Plain,
    Peer,
}

/// The requests of each scenario, built before anything is measured; a side that has no
/// such query (plain `__typename`) or is not running (the peer on SQLite) has none.
struct Workload(HashMap<(Shape, Side), Arc<Vec<Prepared>>>);

impl Workload {
    fn of(&self, shape: Shape, side: Side) -> Option<&Arc<Vec<Prepared>>> {
        self.0.get(&(shape, side))
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
    // Pages start at the first cluster by name and after clusters spread over the list.
    let mut after: Vec<Option<(i32, String)>> = vec![None];
    after.extend(
        rand::seq::index::sample(&mut rng, rows.len(), (PAGES - 1).min(rows.len()))
            .into_iter()
            .map(|i| Some((rows[i].0, plain::cursor_of(&rows[i].2, rows[i].0)))),
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
    let client = reqwest::Client::builder()
        .no_gzip()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let peer = match (
        backend.as_str(),
        args.peer && args.sides.contains(&Side::Peer),
    ) {
        ("Postgres", true) => Some(peer::Peer::start(&args.database_url).await?),
        _ => None,
    };
    let mut workload = workload(&graphql, &plain, &slugs, &after);
    if let Some(peer) = &peer {
        workload
            .0
            .extend(peer_workload(&client, &peer.base, &slugs, &after).await?);
    }
    TRACE_SQL.store(args.trace_sql, Ordering::SeqCst);
    same_answers(&client, &workload, &graphql, &plain).await?;
    TRACE_SQL.store(false, Ordering::SeqCst);
    if let Some(peer) = &peer {
        same_facts(&client, &workload, &graphql, &peer.base).await?;
    }
    let peer_pid = peer.as_ref().and_then(peer::Peer::pid);
    let floors = floors(&client, &workload).await?;

    let mut results = Vec::new();
    for round in 1..=args.rounds {
        for &shape in &args.shapes {
            for &side in &args.sides {
                let Some(requests) = workload.of(shape, side) else {
                    continue;
                };
                let warmup = Duration::from_secs(args.warmup);
                load::closed_loop(&client, requests, args.concurrency, warmup).await;
                STATEMENTS.store(0, Ordering::SeqCst);
                SQL_NANOS.store(0, Ordering::SeqCst);
                let cpu = cpu_of(side, peer_pid);
                let measured = Duration::from_secs(args.seconds);
                let sample = load::closed_loop(&client, requests, args.concurrency, measured).await;
                let row = Row {
                    round,
                    shape,
                    side,
                    sample,
                    statements: STATEMENTS.load(Ordering::SeqCst),
                    sql: Duration::from_nanos(SQL_NANOS.load(Ordering::SeqCst)),
                    cpu: cpu_of(side, peer_pid).saturating_sub(cpu),
                };
                eprintln!("{}", line(&row));
                results.push(row);
            }
        }
    }
    println!(
        "{}\n{}",
        report(&args, &backend, clusters, news_items, &results),
        floor_table(&floors, &results)
    );
    Ok(())
}

/// The physical limit of a query, for scale: its answer's size and what serializing that
/// answer from memory costs, with no store, no GraphQL and no HTTP.
struct Floor {
    shape: Shape,
    bytes: usize,
    serialize: Duration,
}

/// The floor of the profile and the page: the first prepared request's answer, serialized
/// again and again for a fifth of a second.
async fn floors(client: &reqwest::Client, workload: &Workload) -> anyhow::Result<Vec<Floor>> {
    let mut out = Vec::new();
    for shape in [Shape::Profile, Shape::Page] {
        let Some(first) = workload
            .of(shape, Side::Graphql)
            .and_then(|r| r.first().cloned())
        else {
            continue;
        };
        let answer = fetch(client, &first).await?;
        let bytes = serde_json::to_vec(&answer)?.len();
        let started = std::time::Instant::now();
        let mut times = 0u32;
        while started.elapsed() < Duration::from_millis(200) {
            std::hint::black_box(serde_json::to_vec(std::hint::black_box(&answer))?);
            times += 1;
        }
        out.push(Floor {
            shape,
            bytes,
            serialize: started.elapsed() / times.max(1),
        });
    }
    Ok(out)
}

/// How far our GraphQL path is from each query's floor: its CPU per request (the whole
/// process's: client, server, SQLite) over the floor's.
fn floor_table(floors: &[Floor], rows: &[Row]) -> String {
    let mut out = String::from(
        "| query | answer bytes | serialized from memory, µs | our GraphQL CPU ms/req (best round) | times the floor |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
    );
    for f in floors {
        let cpu = rows
            .iter()
            .filter(|r| r.shape == f.shape && r.side == Side::Graphql)
            .map(|r| r.cpu.as_secs_f64() / r.sample.requests().max(1) as f64)
            .min_by(f64::total_cmp);
        let Some(cpu) = cpu else { continue };
        let floor = f.serialize.as_secs_f64();
        out.push_str(&format!(
            "| {} | {} | {:.0} | {:.2} | {:.0} |\n",
            f.shape.name(),
            f.bytes,
            floor * 1e6,
            cpu * 1e3,
            cpu / floor.max(1e-9)
        ));
    }
    out
}

/// Serves `router` on a free loopback port; its base URL.
async fn serve(router: Router) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}"))
}

const TYPENAME: &str = "{ __typename }";
const UNKNOWN: &str = "no-such-cluster";

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

fn workload(
    graphql: &str,
    plain: &str,
    slugs: &[&str],
    after: &[Option<(i32, String)>],
) -> Workload {
    let (profile, page) = (profile_query(), page_query());
    let cursors = || after.iter().map(|a| a.as_ref().map(|(_, c)| c.as_str()));
    let mut w = HashMap::new();
    w.insert(
        (Shape::Typename, Side::Graphql),
        vec![graphql_post(graphql, TYPENAME, json!({}))],
    );
    w.insert(
        (Shape::Profile, Side::Graphql),
        slugs
            .iter()
            .map(|s| graphql_post(graphql, &profile, json!({ "slug": s })))
            .collect(),
    );
    w.insert(
        (Shape::Profile, Side::Plain),
        slugs
            .iter()
            .map(|s| Prepared::Get(format!("{plain}/plain/cluster/{s}")))
            .collect(),
    );
    w.insert(
        (Shape::Page, Side::Graphql),
        cursors()
            .map(|c| graphql_post(graphql, &page, json!({ "after": c })))
            .collect(),
    );
    w.insert(
        (Shape::Page, Side::Plain),
        cursors()
            .map(|c| Prepared::Get(plain_page_url(plain, c)))
            .collect(),
    );
    Workload(w.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
}

/// The peer's requests: the same profiles, and the same pages with its own cursors.
async fn peer_workload(
    client: &reqwest::Client,
    base: &str,
    slugs: &[&str],
    after: &[Option<(i32, String)>],
) -> anyhow::Result<HashMap<(Shape, Side), Arc<Vec<Prepared>>>> {
    let (profile, page) = (peer::profile_query(), peer::page_query(plain::PAGE));
    let mut pages = Vec::new();
    for a in after {
        let cursor = match a {
            Some((id, _)) => Some(peer::cursor_after(client, base, *id).await?),
            None => None,
        };
        pages.push(graphql_post(base, &page, json!({ "after": cursor })));
    }
    let profiles = slugs
        .iter()
        .map(|s| graphql_post(base, &profile, json!({ "slug": s })))
        .collect();
    Ok(HashMap::from([
        (
            (Shape::Typename, Side::Peer),
            Arc::new(vec![graphql_post(base, TYPENAME, json!({}))]),
        ),
        ((Shape::Profile, Side::Peer), Arc::new(profiles)),
        ((Shape::Page, Side::Peer), Arc::new(pages)),
    ]))
}

/// Aborts unless both paths answer a few profiles (one unknown), and pages, with equal JSON.
async fn same_answers(
    client: &reqwest::Client,
    workload: &Workload,
    graphql: &str,
    plain: &str,
) -> anyhow::Result<()> {
    let mut pairs = paired(workload, Side::Plain);
    pairs.push((
        graphql_post(graphql, &profile_query(), json!({ "slug": UNKNOWN })),
        Prepared::Get(format!("{plain}/plain/cluster/{UNKNOWN}")),
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

/// Aborts unless we and the peer give the same facts for a few profiles (one unknown) and
/// pages, value by value (the peer cannot name a country: its code is compared).
async fn same_facts(
    client: &reqwest::Client,
    workload: &Workload,
    graphql: &str,
    peer: &str,
) -> anyhow::Result<()> {
    let mut pairs = paired(workload, Side::Peer);
    pairs.push((
        graphql_post(graphql, &profile_query(), json!({ "slug": UNKNOWN })),
        graphql_post(peer, &peer::profile_query(), json!({ "slug": UNKNOWN })),
    ));
    let mut clusters = 0;
    for (ours, theirs) in pairs {
        let (a, b) = (fetch(client, &ours).await?, fetch(client, &theirs).await?);
        ensure!(
            b.get("errors").is_none(),
            "the peer answered errors: {b:.2000}"
        );
        let (a, b) = (
            peer::facts_of(&a, peer::Side::Ours)?,
            peer::facts_of(&b, peer::Side::Peer)?,
        );
        if a != b {
            bail!(
                "we and the peer give different facts:\nours:   {:.3000}\npeer's: {:.3000}",
                a.to_string(),
                b.to_string()
            );
        }
        clusters += a["clusters"].as_array().map_or(1, Vec::len);
    }
    eprintln!("check: we and PostGraphile give the same facts ({clusters} clusters compared)");
    Ok(())
}

/// The first few requests of the profile and page scenarios, ours beside `side`'s.
fn paired(workload: &Workload, side: Side) -> Vec<(Prepared, Prepared)> {
    let mut pairs = Vec::new();
    for shape in [Shape::Profile, Shape::Page] {
        if let (Some(g), Some(p)) = (workload.of(shape, Side::Graphql), workload.of(shape, side)) {
            pairs.extend(g.iter().cloned().zip(p.iter().cloned()).take(5));
        }
    }
    pairs
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
            Self::Typename => "__typename",
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
            Self::Peer => "PostGraphile",
        }
    }
}

/// CPU time so far of what serves `side`: this process (client and our servers), and for
/// the peer its Node.js process too.
fn cpu_of(side: Side, peer: Option<u32>) -> Duration {
    let own = process_cpu("self");
    match (side, peer) {
        (Side::Peer, Some(pid)) => own + process_cpu(&pid.to_string()),
        _ => own,
    }
}

/// User and system CPU time of process `pid` so far, from `/proc` (zero where there is none).
fn process_cpu(pid: &str) -> Duration {
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
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
    // The peer's statements run on its own connections, which our counters do not see.
    let (statements, sql) = if r.side == Side::Peer {
        ("n/a".to_owned(), "n/a".to_owned())
    } else {
        (
            format!("{:.1}", r.statements as f64 / n),
            format!("{:.2}", r.sql.as_secs_f64() * 1000.0 / n),
        )
    };
    format!(
        "| {} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {statements} | {sql} | {:.2} |",
        r.round,
        r.shape.name(),
        r.side.name(),
        r.sample.requests(),
        r.sample.errors,
        r.sample.throughput(),
        r.sample.quantile_ms(0.5),
        r.sample.quantile_ms(0.99),
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
         scenario; {} rounds, the sides taking turns; client and our servers in one process, \
         PostGraphile in its own (its CPU added to the client's).\n\n\
         | round | query | path | requests | errors | req/s | median ms | p99 ms | statements/req | SQL ms/req | CPU ms/req |\n\
         | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        args.concurrency, args.seconds, args.warmup, args.rounds
    );
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    for (yardstick, label) in [
        (Side::Plain, "GraphQL / plain"),
        (Side::Peer, "ours / PostGraphile"),
    ] {
        let table = ratios(args, rows, yardstick, label);
        if !table.is_empty() {
            out.push('\n');
            out.push_str(&table);
        }
    }
    out
}

/// Our GraphQL throughput over `yardstick`'s, per query and round, and our p99 beside
/// theirs; empty when the yardstick did not run.
fn ratios(args: &Args, rows: &[Row], yardstick: Side, label: &str) -> String {
    let mut out = format!(
        "| query | {label} req/s, by round | best / best | p99 ms, ours / theirs (best rounds) |\n\
         | --- | --- | ---: | --- |\n"
    );
    let mut any = false;
    for &shape in &args.shapes {
        let of = |side: Side| -> Vec<&Row> {
            rows.iter()
                .filter(|r| r.shape == shape && r.side == side)
                .collect()
        };
        let (ours, theirs) = (of(Side::Graphql), of(yardstick));
        if ours.is_empty() || theirs.is_empty() {
            continue;
        }
        any = true;
        let by_round: Vec<String> = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| format!("{:.2}", a.sample.throughput() / b.sample.throughput()))
            .collect();
        let best = |v: &[&Row]| -> (f64, f64) {
            v.iter()
                .max_by(|a, b| a.sample.throughput().total_cmp(&b.sample.throughput()))
                .map_or((0.0, 0.0), |r| {
                    (r.sample.throughput(), r.sample.quantile_ms(0.99))
                })
        };
        let ((a, a99), (b, b99)) = (best(&ours), best(&theirs));
        out.push_str(&format!(
            "| {} | {} | {:.2} | {a99:.2} / {b99:.2} |\n",
            shape.name(),
            by_round.join(", "),
            a / b
        ));
    }
    if any { out } else { String::new() }
}
