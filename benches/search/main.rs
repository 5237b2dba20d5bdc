#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

//! Search benchmark (issue 3): our Tantivy search beside the baselines a user would otherwise
//! pick, over the same rows of a store filled by `generate`, all in one run.
//!
//! Indexing: the product's full rebuild from the store beside a bare Tantivy index of the same
//! text. Queries: a mix of nine shapes whose words come from the data, each answered the same
//! way by every engine (top 10 with highlights, the total, facet counts) by our engine in
//! process, by the product's GraphQL router over HTTP on loopback, by SQLite FTS5 and by
//! PostgreSQL full-text search, run by run in a shuffled turn. Then autocomplete as someone types.
//!
//! `cargo bench --bench search -- --database-url URL [options]`

mod bare;
mod corpus;
mod fts5;
mod graphql;
mod latency;
mod measure;
mod meter;
mod mix;
mod ours;
mod postgres;
mod report;
mod spelling;
mod sql;
mod suggest;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};

use cluster_atlas::store::{cluster, news};
use measure::Engines;

/// Readers of each kind side by side when bare Tantivy reads the store, as ours has
/// (`search::indexer`).
const READERS: i32 = 3;

const USAGE: &str = "\
Search benchmark: our search beside SQLite FTS5 and PostgreSQL full-text search.

usage: cargo bench --bench search -- --database-url URL [options]

  --database-url URL   store holding generated data (or DATABASE_URL)
  --pg-url URL         PostgreSQL database for its baseline, created when missing
                       (postgres://postgres@127.0.0.1:5432/atlas_search_bench)
  --runs N             measured runs per engine and query (default: about 2 s, 20 to 1000)
  --only SHAPES        comma-separated: rare, medium, fifth, two-common, common-phrase,
                       selective-phrase, place, typo, three-words
  --skip-baselines     neither FTS5 nor PostgreSQL
  --as-typed           baselines search the words as typed, without ours's prefix of the
                       last word and typos (until the sixth session of 2026-11-26, the
                       only way)
  --reuse-index        keep our index when it exists: no indexing measured
  --breakdown          also time ours without facets and without highlights
  --ladder             also index the text bare Tantivy indexes adding ours's features
                       one at a time (analysers, `words`, facets, one segment)
  --help               this text

Our index goes to target/bench-index/search-<store>, bare Tantivy's beside it (.bare), the
FTS5 file too (.fts5.db); baseline tables are loaded once per store and reused while they
hold as many rows. The report (markdown) goes to stdout, progress to stderr.";

/// What an engine answered for one query.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub total: u64,
    pub hits: usize,
    /// Hits with at least one marked fragment.
    pub highlighted: usize,
    pub facet_values: usize,
    pub note: Option<String>,
}

struct Args {
    database_url: String,
    pg_url: String,
    runs: Option<usize>,
    only: Option<Vec<mix::Shape>>,
    skip_baselines: bool,
    as_typed: bool,
    reuse_index: bool,
    breakdown: bool,
    ladder: bool,
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
        eprintln!("search bench: skipped (run it with `cargo bench --bench search -- --help`)");
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
        pg_url: "postgres://postgres@127.0.0.1:5432/atlas_search_bench".into(),
        runs: None,
        only: None,
        skip_baselines: false,
        as_typed: false,
        reuse_index: false,
        breakdown: false,
        ladder: false,
    };
    let mut it = raw.iter().filter(|a| *a != "--bench");
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{flag} needs a value\n\n{USAGE}"))
        };
        match flag.as_str() {
            "--database-url" => args.database_url = value()?.clone(),
            "--pg-url" => args.pg_url = value()?.clone(),
            "--runs" => args.runs = Some(value()?.parse()?),
            "--only" => args.only = Some(shapes(value()?)?),
            "--skip-baselines" => args.skip_baselines = true,
            "--as-typed" => args.as_typed = true,
            "--reuse-index" => args.reuse_index = true,
            "--breakdown" => args.breakdown = true,
            "--ladder" => args.ladder = true,
            other => bail!("unknown argument {other}\n\n{USAGE}"),
        }
    }
    ensure!(
        !args.database_url.is_empty(),
        "give --database-url\n\n{USAGE}"
    );
    ensure!(args.runs != Some(0), "--runs must be at least 1");
    Ok(args)
}

fn shapes(list: &str) -> anyhow::Result<Vec<mix::Shape>> {
    list.split(',')
        .map(|key| {
            mix::Shape::ALL
                .into_iter()
                .find(|s| s.key() == key.trim())
                .with_context(|| format!("no shape {key:?}\n\n{USAGE}"))
        })
        .collect()
}

async fn run(args: Args) -> anyhow::Result<()> {
    // Two connections: the rebuild reads (and the indexer task later polls) through one,
    // the GraphQL API through the other, each with its own meter.
    let mut db = cluster_atlas::app::open_store(&args.database_url).await?;
    db.set_metric_callback(|info| meter::REBUILD.record(info));
    let mut api_db = cluster_atlas::app::open_store(&args.database_url).await?;
    api_db.set_metric_callback(|info| meter::API.record(info));
    let clusters = cluster::Entity::find().count(&db).await?;
    let news_items = news::Entity::find().count(&db).await?;
    ensure!(
        clusters > 0,
        "the store holds no cluster: load one first, e.g. \
         `DATABASE_URL=... cargo run --release -- generate --clusters 2000 --news 20000`"
    );
    let paths = Paths::of(&args.database_url);

    eprintln!(
        "reading {} clusters (with their service groups and participations) and news items \
         into memory",
        clusters + news_items
    );
    let corpus = corpus::read(&db, &bar(clusters + news_items, "reading")).await?;
    eprintln!("building our index in {}", paths.index.display());
    let ours = ours::build(
        &db,
        &paths.index,
        args.reuse_index,
        &bar(clusters + news_items, "ours"),
    )
    .await?;
    // The bare index is kept (its size is reported); the ladder's steps are not.
    let steps = match (ours.seconds, args.ladder) {
        (None, _) => &[][..],
        (Some(_), false) => &bare::Step::LADDER[..1],
        (Some(_), true) => &bare::Step::LADDER[..],
    };
    let mut bare = Vec::new();
    for (i, &step) in steps.iter().enumerate() {
        let dir = match i {
            0 => paths.bare.clone(),
            _ => paths.bare.with_extension(format!("step{i}")),
        };
        eprintln!("{} in {}", step.label(), dir.display());
        let progress = bar(corpus.rows.len() as u64, "bare Tantivy");
        bare.push(tokio::task::block_in_place(|| {
            bare::build(&dir, &corpus.rows, step, &progress)
        })?);
        if i > 0 {
            std::fs::remove_dir_all(&dir)?;
        }
    }
    // What a user of bare Tantivy would run: the same rows read from the store while
    // Tantivy's threads index the pages read before.
    let bare_from_store = match ours.seconds {
        Some(_) => {
            let dir = paths.bare.with_extension("from-store");
            eprintln!("bare Tantivy reading the store in {}", dir.display());
            let built =
                bare_from_store(&db, &dir, &bar(corpus.rows.len() as u64, "bare, store")).await?;
            std::fs::remove_dir_all(&dir)?;
            Some(built)
        }
        None => None,
    };
    let mut queries = mix::choose(&corpus);
    if let Some(only) = &args.only {
        queries.retain(|q| only.contains(&q.shape));
    }
    for q in &queries {
        eprintln!("{:>26}: {:<40} {}", q.shape.label(), q.ours(), q.why);
    }
    let prefixes = suggest::prefixes(&corpus);

    let (mut fts5, mut postgres) = (None, None);
    if !args.skip_baselines {
        eprintln!("SQLite FTS5 in {}", paths.fts5.display());
        let progress = bar(corpus.rows.len() as u64, "FTS5 load");
        fts5 = Some(fts5::Fts5::open(&paths.fts5, &corpus, &progress).await?);
        eprintln!("PostgreSQL: table {} in {}", paths.table, args.pg_url);
        let progress = bar(corpus.rows.len() as u64, "PostgreSQL load");
        postgres =
            Some(postgres::Postgres::open(&args.pg_url, &paths.table, &corpus, &progress).await?);
    }
    let (rows, text_bytes, read_seconds) = (corpus.rows.len(), corpus.text_bytes(), corpus.seconds);
    drop(corpus);

    let search = cluster_atlas::search::Search::start(&db, &paths.index).await?;
    // The product's defaults, but no rate limit: the client is one address on purpose.
    let settings = cluster_atlas::http::Settings {
        rate_limit: 0,
        ..cluster_atlas::http::Settings::default()
    };
    let router = cluster_atlas::http::router(
        cluster_atlas::graphql::schema(api_db.clone(), search.clone(), &settings.query),
        api_db.clone(),
        search.clone(),
        &settings,
        cluster_atlas::http::Drain::default(),
    );
    let postgres_config = postgres.as_ref().map(|(p, _)| p.config);
    let (fts5, fts5_loaded) = fts5.unzip();
    let (postgres, postgres_loaded) = postgres.unzip();
    let engines = Engines {
        search: search.clone(),
        graphql: graphql::Graphql::serve(router).await?,
        fts5,
        postgres,
        spelling: if args.as_typed {
            spelling::Spelling::AsTyped
        } else {
            spelling::Spelling::SameMatches
        },
        breakdown: args.breakdown,
    };
    let mut results = Vec::new();
    for q in queries {
        let cells = measure::query(&engines, &q, args.runs).await?;
        let line: Vec<String> = cells
            .iter()
            .map(|c| format!("{} {:.3} ms", c.engine.label(), c.sample.median_ms()))
            .collect();
        eprintln!("{:>26}: {}", q.shape.label(), line.join(", "));
        results.push((q, cells));
    }
    let floor = measure::floor(&engines, args.runs).await?;
    let suggest = suggest::measure(&search, &prefixes).await?;

    let backend = format!("{:?}", db.get_database_backend());
    let report = report::Report {
        heading: heading(
            &backend,
            clusters,
            news_items,
            postgres_config,
            args.as_typed,
        ),
        rows,
        text_bytes,
        read_seconds,
        ours,
        bare,
        bare_from_store,
        fts5: fts5_loaded,
        postgres: postgres_loaded.zip(postgres_config),
        results,
        floor,
        suggest,
    };
    println!("{}", report::render(&report));
    Ok(())
}

/// Bare Tantivy fed as the store is read, with ours's parallelism: [`READERS`] readers of
/// clusters and as many of news, each over a stretch of ids, side by side. Timed from the
/// first statement to the last commit.
async fn bare_from_store(
    db: &DatabaseConnection,
    dir: &Path,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<bare::Built> {
    let started = Instant::now();
    let (pages, mut receiving) = tokio::sync::mpsc::channel(4);
    let (dir, indexed) = (dir.to_owned(), progress.clone());
    let building = tokio::task::spawn_blocking(move || {
        let rows = std::iter::from_fn(move || receiving.blocking_recv()).flatten();
        bare::build(&dir, rows, bare::Step::Bare, &indexed)
    });
    // Each reader a task of its own, as ours's, so rows are decoded on any worker thread.
    let mut readers = Vec::new();
    for table in ["cluster", "news"] {
        let last = corpus::last_id(db, table).await?;
        let step = last / READERS + 1;
        for i in 0..READERS {
            let ids = i * step..((i + 1) * step).min(last) + 1;
            let (db, pages) = (db.clone(), pages.clone());
            let hidden = indicatif::ProgressBar::hidden();
            readers.push(tokio::spawn(async move {
                match table {
                    "cluster" => corpus::stream_clusters(&db, &hidden, &pages, ids)
                        .await
                        .map(drop),
                    _ => corpus::stream_news(&db, &hidden, &pages, ids).await,
                }
            }));
        }
    }
    drop(pages);
    let built = building.await?;
    for reader in readers {
        reader.await??;
    }
    let mut built = built?;
    built.seconds = started.elapsed().as_secs_f64();
    Ok(built)
}

/// Where this store's indexes and baseline live.
struct Paths {
    index: PathBuf,
    bare: PathBuf,
    fts5: PathBuf,
    table: String,
}

impl Paths {
    fn of(database_url: &str) -> Self {
        let slug = cluster_atlas::text::slugify(database_url);
        let base = Path::new("target/bench-index");
        let table: String = format!("docs_{}", slug.replace('-', "_"))
            .chars()
            .take(60)
            .collect();
        Self {
            index: base.join(format!("search-{slug}")),
            bare: base.join(format!("search-{slug}.bare")),
            fts5: base.join(format!("search-{slug}.fts5.db")),
            table,
        }
    }
}

fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(
        "{msg:>16} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, {eta} left)",
    )
    .expect("a valid template");
    indicatif::ProgressBar::new(len)
        .with_style(style)
        .with_message(what.to_owned())
}

/// Bytes of every file under `path`.
pub fn size_on_disk(path: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            size_on_disk(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn heading(
    backend: &str,
    clusters: u64,
    news: u64,
    postgres: Option<&str>,
    as_typed: bool,
) -> String {
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
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    let folding = match postgres {
        Some("english") => "; PostgreSQL without `unaccent` (diacritics not folded)",
        Some(_) => "; PostgreSQL `english` with `unaccent` (diacritics folded)",
        None => "",
    };
    let spelling = if as_typed {
        " Baselines search the words as typed (`--as-typed`)."
    } else {
        " Baselines also match the last word as a prefix and a word they hold in fewer than \
         10 items by its typos, as ours does."
    };
    format!(
        "### {backend} store: {clusters} clusters, {news} news items\n\n\
         {cpus} CPUs ({model}), load average {load} at the end{folding}.{spelling}"
    )
}
