//! Wiring: connect and migrate the store, load the sample pages into an empty store, build
//! the schema, serve until Ctrl-C or SIGTERM.

use std::future::IntoFuture;
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::ProgressBar;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::net::TcpListener;

use crate::config::redact;
use crate::import::{self, Manifest, RunError};
use crate::search::Search;
use crate::{graphql, http, store};

/// The sample pages shipped in the binary: the three seed pages' facts in our own words.
const SAMPLES: &[(&str, &str)] = &[
    ("masit.txt", include_str!("../data/masit.txt")),
    ("ict-net.txt", include_str!("../data/ict-net.txt")),
    ("bbs-news.txt", include_str!("../data/bbs-news.txt")),
    ("alpine-days.txt", include_str!("../data/alpine-days.txt")),
    (
        "alpine-days-2025.txt",
        include_str!("../data/alpine-days-2025.txt"),
    ),
];
const SAMPLE_MANIFEST: &str = include_str!("../data/manifest.toml");

/// Connects and migrates.
pub async fn open_store(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = store::connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    store::migrate(&db)
        .await
        .context("migrating the database")?;
    if sea_orm::ConnectionTrait::get_database_backend(&db) != sea_orm::DbBackend::Sqlite {
        return Ok(db);
    }
    // A SQLite connection of the pool that read before a migration may keep reading the
    // schema as it was ("no such column"): serve from connections opened after it.
    db.close().await.context("closing the migrating pool")?;
    store::connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))
}

/// Loads the bundled sample pages when the store holds no cluster.
pub async fn load_samples_if_empty(db: &DatabaseConnection) -> anyhow::Result<()> {
    if store::cluster::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    tracing::info!("empty store: loading the bundled sample pages");
    let manifest: Manifest = toml::from_str(SAMPLE_MANIFEST).context("the bundled manifest")?;
    let pages = SAMPLES
        .iter()
        .map(|(f, t)| (PathBuf::from(f), (*t).to_owned()))
        .collect();
    for report in import::run(db, &manifest, pages, &ProgressBar::hidden()).await? {
        tracing::info!(file = %report.file.display(), kind = %report.kind, warnings = report.warnings.items.len(), "sample page loaded");
    }
    Ok(())
}

/// Imports page files, with a progress bar and a per-page report of warnings. A page that
/// cannot be imported does not stop the others: each failure is printed as `FILE:LINE:
/// message` on standard error once the rest are in, and then the command fails.
pub async fn import_files(
    db: &DatabaseConnection,
    paths: &[PathBuf],
    manifest: Option<&Path>,
) -> anyhow::Result<()> {
    let manifest = import::manifests_for(paths, manifest)?;
    let files = import::page_files(paths).context("listing pages")?;
    let bar = ProgressBar::new(files.len() as u64);
    let (reports, failed) = match import::run_files(db, &manifest, &files, &bar).await {
        Ok(reports) => (reports, Vec::new()),
        Err(RunError::Pages { imported, failed }) => (imported, failed),
        Err(e) => return Err(e.into()),
    };
    bar.finish_and_clear();
    for r in &reports {
        println!(
            "{} ({} {}, {}): {} items, {} changes",
            r.file.display(),
            r.kind,
            r.layout.code(),
            r.subject,
            r.items,
            r.changed
        );
        for w in &r.warnings.items {
            println!("  warning {}:{}: {}", r.file.display(), w.line, w.message);
        }
    }
    println!("{}", import::Summary::of(&reports, &failed));
    if failed.is_empty() {
        return Ok(());
    }
    for e in &failed {
        eprintln!("{e}");
    }
    anyhow::bail!(
        "{} of {} pages not imported; nothing of them was written",
        failed.len(),
        files.len()
    )
}

/// Opens the store and the index while `listener` already answers: meanwhile the server is
/// live (`/healthz`) but not ready (`/readyz` says which step it is at), and every other
/// request gets 503 with `Retry-After`. Then serves until `shutdown` resolves.
pub async fn start_and_serve(
    listener: TcpListener,
    database_url: &str,
    index_dir: &Path,
    settings: &http::Settings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (step, steps) = tokio::sync::watch::channel("opening the store");
    let (listener, starting) = serve_starting(listener, steps, settings)?;
    let opened = async {
        let db = open_store(database_url).await?;
        step.send_replace("loading the sample pages");
        load_samples_if_empty(&db).await?;
        step.send_replace("opening the search index");
        let search = Search::start(&db, index_dir).await?;
        anyhow::Ok((db, search))
    };
    let mut shutdown = Box::pin(shutdown);
    let opened = tokio::select! {
        opened = opened => opened,
        () = &mut shutdown => return starting.stop().await,
    };
    starting.stop().await?;
    let (db, search) = opened?;
    tracing::info!("store and search index open: ready");
    serve(listener, db, search, settings, shutdown).await
}

/// The server of the start-up: a copy of the listening socket, so that the real server takes
/// over the same socket without refusing a connection in between.
fn serve_starting(
    listener: TcpListener,
    steps: tokio::sync::watch::Receiver<&'static str>,
    settings: &http::Settings,
) -> anyhow::Result<(TcpListener, Starting)> {
    let socket = listener.into_std().context("the listening socket")?;
    let copy = TcpListener::from_std(socket.try_clone().context("the listening socket")?)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let routes = http::with_stack(http::ready::starting(steps), settings);
    let server = axum::serve(copy, routes).with_graceful_shutdown(async {
        let _ = stopped.await;
    });
    let task = tokio::spawn(server.into_future());
    Ok((TcpListener::from_std(socket)?, Starting { stop, task }))
}

struct Starting {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Starting {
    /// Stops taking connections, and lets the requests it took finish.
    async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.task.await?.context("serving during start-up")
    }
}

/// Serves on `listener` with the front door's `settings` until `shutdown` resolves, then
/// closes the WebSockets (1001) and lets requests in flight finish within the grace period.
pub async fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    search: Search,
    settings: &http::Settings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let schema = graphql::schema(db.clone(), search.clone(), &settings.query);
    let drain = http::Drain::default();
    if let Some(addr) = settings.metrics_addr {
        let metrics = http::with_stack(
            http::scrape::routes(db.clone(), search.clone(), settings),
            settings,
        );
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr} for metrics"))?;
        tracing::info!(addr = %listener.local_addr()?, "serving metrics at /metrics");
        tokio::spawn(axum::serve(listener, metrics).into_future());
    }
    let router = http::router(schema, db, search, settings, drain.clone());
    tracing::info!(addr = %listener.local_addr()?, "serving GraphQL at /graphql");
    if let Some(list) = &settings.allow_list {
        tracing::info!(
            operations = list.len(),
            "running only the allow-list's operations"
        );
    }
    // Connect info gives the rate limit each client's address.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let stopping = drain.clone();
    let serving = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown.await;
        stopping.start();
    });
    let grace = settings.shutdown_grace;
    let out_of_grace = async {
        drain.started().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = serving => served.context("serving")?,
        () = out_of_grace => {
            tracing::warn!(grace_s = grace.as_secs_f64(), "requests still running at the end of the grace period: stopping anyway");
        }
    }
    let open = drain.closed(SOCKETS_GRACE).await;
    if open > 0 {
        tracing::warn!(open, "WebSockets still open at exit");
    }
    Ok(())
}

/// How long closing WebSockets may take to send their close frames.
const SOCKETS_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

/// Generates the plan's pages into `out`, or loads them into the store, with a progress bar.
pub async fn generate(
    database_url: &str,
    plan: &crate::generate::Plan,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let bar = ProgressBar::new(0).with_style(indicatif::ProgressStyle::with_template(
        "{msg} {wide_bar} {pos}/{len} pages, {per_sec}, {elapsed} (eta {eta})",
    )?);
    let started = std::time::Instant::now();
    match out {
        Some(dir) => {
            bar.set_message("writing");
            let pages = crate::generate::write(dir, plan, &bar)?;
            bar.finish_and_clear();
            println!(
                "wrote {pages} pages and manifest.toml to {} in {:.1?}",
                dir.display(),
                started.elapsed()
            );
        }
        None => {
            let db = open_store(database_url).await?;
            bar.set_message("loading");
            let loaded = crate::generate::load(&db, plan, &bar).await?;
            bar.finish_and_clear();
            println!(
                "loaded {} pages ({} clusters, {} news items) with {} warnings in {:.1?}",
                loaded.pages,
                plan.clusters,
                plan.news,
                loaded.warnings,
                started.elapsed()
            );
        }
    }
    Ok(())
}

/// Rebuilds the search index from the store into a fresh generation and swaps it in, with a
/// progress bar; a server using the same index folder switches to it.
pub async fn reindex(db: &DatabaseConnection, dir: &Path) -> anyhow::Result<()> {
    let bar = ProgressBar::new(0).with_style(indicatif::ProgressStyle::with_template(
        "indexing {wide_bar} {pos}/{len} clusters and news items, {per_sec}, {elapsed} (eta {eta})",
    )?);
    let started = std::time::Instant::now();
    crate::search::rebuild(db, dir, &bar).await?;
    bar.finish_and_clear();
    println!(
        "rebuilt the search index in {} in {:.1?}",
        dir.display(),
        started.elapsed()
    );
    Ok(())
}

/// Writes the whole store to `out` with a progress bar; the file appears only once complete.
pub async fn export(db: &DatabaseConnection, out: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let bar = rows_bar("exporting", store::dump::rows(db).await?)?;
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    let rows = store::dump::export(db, &mut writer, &|n| bar.inc(n)).await?;
    drop(writer);
    std::fs::rename(&partial, out).with_context(|| format!("writing {}", out.display()))?;
    bar.finish_and_clear();
    println!(
        "exported {rows} rows to {} in {:.1?}",
        out.display(),
        started.elapsed()
    );
    Ok(())
}

/// Checks `file` whole, loads it into the empty store, and builds the search index.
pub async fn restore(db: &DatabaseConnection, file: &Path, index_dir: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let open = || -> anyhow::Result<std::io::BufReader<std::fs::File>> {
        let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
        Ok(std::io::BufReader::new(f))
    };
    let rows = store::dump::check(open()?).with_context(|| format!("{}", file.display()))?;
    let bar = rows_bar("restoring", rows)?;
    store::dump::restore(db, open()?, &|n| bar.inc(n))
        .await
        .with_context(|| format!("restoring {}; nothing of it was kept", file.display()))?;
    bar.finish_and_clear();
    println!(
        "restored {rows} rows from {} in {:.1?}",
        file.display(),
        started.elapsed()
    );
    reindex(db, index_dir).await
}

fn rows_bar(doing: &str, rows: u64) -> anyhow::Result<ProgressBar> {
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{doing} {{wide_bar}} {{pos}}/{{len}} rows, {{per_sec}}, {{elapsed}} (eta {{eta}})"
    ))?;
    Ok(ProgressBar::new(rows).with_style(style))
}

/// `cluster-atlas token ...`: secrets go to standard output, the rest to standard error.
pub async fn token(
    db: &DatabaseConnection,
    command: crate::cli::TokenCommand,
) -> anyhow::Result<()> {
    use crate::auth::{self, Scope};
    use crate::cli::TokenCommand;
    use crate::store::api_token;
    match command {
        TokenCommand::Create { name, scopes } => {
            let scopes = scopes
                .iter()
                .map(|s| {
                    Scope::parse(s).ok_or_else(|| {
                        anyhow::anyhow!("unknown scope {s:?}: use read, write or admin")
                    })
                })
                .collect::<anyhow::Result<std::collections::BTreeSet<_>>>()?;
            anyhow::ensure!(
                !name.trim().is_empty() && name.len() <= 100,
                "give a name of 1 to 100 characters"
            );
            let issued = auth::issue()?;
            let token = api_token::create(
                db,
                name.trim(),
                &auth::scopes_to_string(&scopes),
                &issued.digest,
            )
            .await?;
            eprintln!(
                "token {} ({}) created with scopes {}; its secret, shown only now:",
                token.id, token.name, token.scopes
            );
            println!("{}", issued.secret);
        }
        TokenCommand::List => {
            println!(
                "{:>5}  {:<24}  {:<16}  {:<25}  revoked",
                "id", "name", "scopes", "created"
            );
            for t in api_token::all(db).await? {
                println!(
                    "{:>5}  {:<24}  {:<16}  {:<25}  {}",
                    t.id,
                    t.name,
                    t.scopes,
                    t.created_at.format("%Y-%m-%d %H:%M:%S %z"),
                    t.revoked_at.map_or_else(
                        || "-".to_owned(),
                        |r| r.format("%Y-%m-%d %H:%M:%S %z").to_string()
                    )
                );
            }
        }
        TokenCommand::Revoke { id } => {
            anyhow::ensure!(
                api_token::revoke(db, id).await?,
                "no live token with id {id}"
            );
            eprintln!("token {id} revoked");
        }
    }
    Ok(())
}
