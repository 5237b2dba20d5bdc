//! A real server per test: a fresh database (SQLite file or PostgreSQL database), the pages
//! imported, the HTTP server on a free port, and a statement counter on its connection
//! (`TRACE_SQL=1` prints each statement, to see which ones a query adds).

pub mod process;
pub mod socket;
pub mod word;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cluster_atlas::app;
use cluster_atlas::http::Settings;
use cluster_atlas::import::{self, Manifest};
use cluster_atlas::search::Search;
use indicatif::ProgressBar;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

/// Runs each test body on SQLite, and on PostgreSQL as an ignored test of its own: the
/// summary counts the PostgreSQL halves as ignored unless `--include-ignored` runs them
/// (CI does), and then they need `TEST_DATABASE_URL`. Bodies are `|backend| future`.
#[allow(unused_macros, reason = "not every test file runs on both backends")]
macro_rules! on_both_backends {
    ($($name:ident => $body:expr;)*) => {
        mod sqlite {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { ($body)(Backend::Sqlite).await })*
        }
        mod postgres {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "PostgreSQL: set TEST_DATABASE_URL and run with --include-ignored"]
            async fn $name() {
                assert!(
                    support::postgres_url().is_some(),
                    "the PostgreSQL half of {} needs TEST_DATABASE_URL",
                    stringify!($name)
                );
                ($body)(Backend::Postgres).await
            })*
        }
    };
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Said past the test harness's capture, on standard output, so that every run shows it.
pub fn say_skipped(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "SKIPPED {line}");
    let _ = out.flush();
}

/// Why a test driven by Node cannot run here, if it cannot: `node` is not on PATH, or the
/// packages of `prefix` (a folder of the repository with a package-lock.json) are not
/// installed, as told by `package` missing from its node_modules.
pub async fn node_missing(prefix: &str, package: &str) -> Option<String> {
    let node = tokio::process::Command::new("node")
        .arg("--version")
        .output()
        .await;
    let install = format!("run `npm ci --prefix {prefix}` once");
    if !node.is_ok_and(|o| o.status.success()) {
        Some(format!(
            "`node` is not on PATH: install Node.js, then {install}"
        ))
    } else if !root()
        .join(prefix)
        .join("node_modules")
        .join(package)
        .is_dir()
    {
        Some(format!("{prefix}/node_modules is missing: {install}"))
    } else {
        None
    }
}

/// Says SKIPPED for `test`, which did not run for `why`, unless the environment variable
/// `required_by` is 1 (CI), where it fails instead.
pub fn skip_unless_required(test: &str, why: &str, required_by: &str) {
    assert!(
        std::env::var(required_by).as_deref() != Ok("1"),
        "{test} did not run: {why} ({required_by}=1 requires it)"
    );
    say_skipped(&format!("{test}: did not run: {why}"));
}

/// The name of the running test, as the harness names its thread.
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_owned()
}

/// Where the real seed pages are: `ATLAS_SEED_PAGES`, by default `../shared/seeds` beside
/// the project (the one place that says so).
pub fn real_seeds_dir() -> PathBuf {
    std::env::var_os("ATLAS_SEED_PAGES")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/seeds"))
}

/// The real seed pages' folder, or None, said as SKIPPED, where it is missing: a clone with
/// nothing beside it runs every other test on the sample pages of `data/`.
pub fn real_seeds() -> Option<PathBuf> {
    let dir = real_seeds_dir();
    if dir.is_dir() {
        return Some(dir);
    }
    say_skipped(&format!(
        "{}: real seed pages not found at {} (set ATLAS_SEED_PAGES)",
        test_name(),
        dir.display()
    ));
    None
}

/// The platform's real pages (`ATLAS_PLATFORM_PAGES`, by default `../shared/pages` beside
/// the project), or None, said as SKIPPED, where that folder is missing.
pub fn real_platform_pages() -> Option<PathBuf> {
    let dir = std::env::var_os("ATLAS_PLATFORM_PAGES")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/pages"));
    if dir.is_dir() {
        return Some(dir);
    }
    say_skipped(&format!(
        "{}: the platform's real pages not found at {} (set ATLAS_PLATFORM_PAGES)",
        test_name(),
        dir.display()
    ));
    None
}

/// The bundled sample pages: the seeds' layouts and facts, in our own words.
pub fn sample_dir() -> PathBuf {
    root().join("data")
}

/// The sample profile of MASIT, of ICT NET, and the sample news page.
pub const MASIT: &str = "masit.txt";
pub const ICT_NET: &str = "ict-net.txt";
pub const NEWS: &str = "bbs-news.txt";

/// The text of one sample page.
pub fn sample(file: &str) -> String {
    std::fs::read_to_string(sample_dir().join(file)).expect("sample page readable")
}

/// The JSON answer of POSTing `body` to the GraphQL endpoint of the server at `url`.
pub async fn post_graphql(url: &str, body: &Value) -> Value {
    reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .json(body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON body")
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct TestServer {
    pub url: String,
    pub db: DatabaseConnection,
    statements: Arc<AtomicUsize>,
    pub search: Search,
    client: reqwest::Client,
    /// The pages it was started with, which `reimport_pages` loads again.
    pages: Pages,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    /// Declared last: dropped after the server has been told to stop.
    _store: TestStore,
}

/// Which pages a test server loads.
#[derive(Clone, Copy, Debug)]
pub enum Pages {
    /// `data/` with its manifest: what the repository holds.
    Sample,
    /// The real seed pages (`real_seeds_dir`) with the fixture manifest.
    RealSeeds,
}

impl Pages {
    /// The manifest and texts of these pages, the manifest's files pointed at their folder.
    fn load(self) -> (Manifest, Vec<(PathBuf, String)>) {
        let (dir, manifest_path) = match self {
            Self::Sample => (sample_dir(), sample_dir().join("manifest.toml")),
            Self::RealSeeds => (
                real_seeds_dir(),
                root().join("tests/fixtures/seeds-manifest.toml"),
            ),
        };
        let mut manifest = Manifest::load(&manifest_path).expect("manifest");
        for p in &mut manifest.pages {
            p.file = dir.join(p.file.file_name().expect("file name"));
        }
        let pages = manifest
            .pages
            .iter()
            .map(|p| {
                (
                    p.file.clone(),
                    std::fs::read_to_string(&p.file).expect("page readable"),
                )
            })
            .collect();
        (manifest, pages)
    }
}

/// A PostgreSQL database made for one test, dropped when the test ends (passed or not:
/// a failing test unwinds through `Drop` too).
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop cannot await, and the test's runtime may be shutting down: use a thread of
        // its own. FORCE ends the server's pooled connections.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let admin = sea_orm::Database::connect(&admin_url).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: test database {} was not dropped", self.name);
        }
    }
}

/// The URL of an empty database of the test's own: a SQLite file in `dir`, or a PostgreSQL
/// database dropped with the returned guard.
async fn fresh_database(backend: Backend, dir: &tempfile::TempDir) -> (String, Option<PgDatabase>) {
    match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("atlas.db").display()),
            None,
        ),
        Backend::Postgres => {
            let base = postgres_url().expect("TEST_DATABASE_URL");
            let admin = sea_orm::Database::connect(&base)
                .await
                .expect("connect to TEST_DATABASE_URL");
            // Process id, a counter within the process (two tests may read the clock in
            // the same tick) and the time (a pid may be reused by a later run).
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let name = format!(
                "atlas_test_{}_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos()
            );
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            let (prefix, _) = base.rsplit_once('/').expect("database URL with a path");
            let url = format!("{prefix}/{name}");
            (
                url,
                Some(PgDatabase {
                    admin_url: base,
                    name,
                }),
            )
        }
    }
}

/// An empty, migrated store of the test's own, without a server: the database goes when
/// this does.
pub struct TestStore {
    pub db: DatabaseConnection,
    pub url: String,
    _dir: tempfile::TempDir,
    /// Declared last: dropped after the connection.
    _database: Option<PgDatabase>,
}

impl TestStore {
    /// The search index's folder, beside the store.
    pub fn index_dir(&self) -> PathBuf {
        self._dir.path().join("index")
    }

    pub async fn open(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, database) = fresh_database(backend, &dir).await;
        let db = app::open_store(&url).await.expect("store opens");
        Self {
            db,
            url,
            _dir: dir,
            _database: database,
        }
    }
}

impl TestServer {
    /// A server with the default settings, less the rate limit: a test sends its requests
    /// in a burst from one address (`start_with` for the limit).
    pub async fn start(backend: Backend) -> Self {
        Self::launch(backend, Pages::Sample, Self::quiet()).await
    }

    /// A server on the sample pages with these settings.
    pub async fn start_with(backend: Backend, settings: Settings) -> Self {
        Self::launch(backend, Pages::Sample, settings).await
    }

    /// A server on the real seed pages, or None (said as SKIPPED) where they are missing.
    pub async fn on_real_seeds(backend: Backend) -> Option<Self> {
        Self::on(backend, Pages::RealSeeds).await
    }

    /// A server on these pages, or None (said as SKIPPED) where they are missing.
    pub async fn on(backend: Backend, pages: Pages) -> Option<Self> {
        if let Pages::RealSeeds = pages {
            real_seeds()?;
        }
        Some(Self::launch(backend, pages, Self::quiet()).await)
    }

    fn quiet() -> Settings {
        Settings {
            rate_limit: 0,
            ..Settings::default()
        }
    }

    async fn launch(backend: Backend, pages: Pages, settings: Settings) -> Self {
        let store = TestStore::open(backend).await;
        let mut db = store.db.clone();
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |info| {
            if std::env::var_os("TRACE_SQL").is_some() {
                eprintln!(
                    "SQL {}",
                    info.statement.sql.chars().take(90).collect::<String>()
                );
            }
            counter.fetch_add(1, Ordering::SeqCst);
            cluster_atlas::telemetry::sql_statement(info.elapsed, info.failed);
        });
        let (manifest, texts) = pages.load();
        import::run(&db, &manifest, texts, &ProgressBar::hidden())
            .await
            .expect("pages import");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server_db = db.clone();
        // The indexer reads through the uncounted connection: its polls are no request's.
        let search = Search::start(&store.db, store.index_dir())
            .await
            .expect("search index");
        let server_search = search.clone();
        tokio::spawn(async move {
            let _ = app::serve(listener, server_db, server_search, &settings, async {
                let _ = rx.await;
            })
            .await;
        });
        Self {
            url: format!("http://{addr}"),
            db,
            statements,
            search,
            client: reqwest::Client::new(),
            pages,
            _shutdown: tx,
            _store: store,
        }
    }

    pub async fn post(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        response.json().await.expect("JSON body")
    }

    /// Status and body of a request sent with `Authorization: Bearer <token>` (when given).
    pub async fn post_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.url))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// A new API token with `scope` ("read", "write" or "admin"), as `token create` makes.
    pub async fn token(&self, scope: &str) -> String {
        let issued = cluster_atlas::auth::issue().expect("randomness");
        cluster_atlas::store::api_token::create(&self.db, scope, scope, &issued.digest)
            .await
            .expect("store the token");
        issued.secret
    }

    /// The `data` of a request sent with `token`, which must succeed.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.post_as(Some(token), query, variables).await;
        assert!(
            status == 200 && body.get("errors").is_none(),
            "{status}: {body}"
        );
        body["data"].clone()
    }

    /// The `data` of a query that must succeed.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.post(query, variables).await;
        assert!(body.get("errors").is_none(), "errors: {body}");
        body["data"].clone()
    }

    /// The `errors` of a query that must fail.
    pub async fn errors(&self, query: &str) -> Vec<Value> {
        let body = self.post(query, json!({})).await;
        body["errors"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("expected errors: {body}"))
    }

    pub async fn count_statements(&self, query: &str, variables: Value) -> usize {
        if std::env::var_os("TRACE_SQL").is_some() {
            eprintln!("SQL ---- {variables}");
        }
        let before = self.statements.load(Ordering::SeqCst);
        self.data(query, variables).await;
        self.statements.load(Ordering::SeqCst) - before
    }

    /// Imports the server's pages again; the number of changed rows.
    pub async fn reimport_pages(&self) -> usize {
        let (manifest, pages) = self.pages.load();
        let reports = import::run(&self.db, &manifest, pages, &ProgressBar::hidden())
            .await
            .expect("re-import");
        reports.iter().map(|r| r.changed).sum()
    }

    /// Re-imports the server's pages with each page's text passed through `edit`.
    pub async fn reimport_pages_edited(&self, edit: impl Fn(&str) -> String) {
        let (manifest, pages) = self.pages.load();
        let pages = pages.into_iter().map(|(f, t)| (f, edit(&t))).collect();
        import::run(&self.db, &manifest, pages, &ProgressBar::hidden())
            .await
            .expect("re-import");
    }

    /// The search index's folder.
    pub fn index_dir(&self) -> PathBuf {
        self._store.index_dir()
    }

    /// The store's database URL.
    pub fn database_url(&self) -> &str {
        &self._store.url
    }

    /// Adds `n` variants of the ICT NET profile: other names and dates, some unknown dates
    /// and member counts, and ties, to exercise ordering.
    pub async fn add_variants(&self, n: usize) {
        let page = sample(ICT_NET);
        let mut manifest = Manifest::default();
        let mut texts = Vec::new();
        for i in 0..n {
            let date = match i % 5 {
                0 => String::new(),
                // After ICT NET's 12 July 2010, so that it and MASIT lead by founding date.
                k => format!("Monday, {:02} July, {}\n", 12 + k, 2010 + (i % 4)),
            };
            let members = if i % 3 == 0 {
                String::new()
            } else {
                format!("{}\n", (i % 4) * 10)
            };
            let text = page.replace("Monday, 12 July, 2010\n", &date).replace(
                "Total number of members:\u{a0}\n",
                &format!("Total number of members:\u{a0}\n{members}"),
            );
            let file = PathBuf::from(format!("variant-{i}.txt"));
            manifest.pages.push(import::PageEntry {
                file: file.clone(),
                slug: Some(format!("ict-net-{i:02}")),
                name: Some(format!(
                    "ICT NET {}",
                    ["Nis", "Niš", "Novi Sad", "Subotica"][i % 4]
                )),
                country: Some("RS".into()),
                ..Default::default()
            });
            texts.push((file, text));
        }
        import::run(&self.db, &manifest, texts, &ProgressBar::hidden())
            .await
            .expect("variants import");
    }

    /// Slugs of every page of the filtered list, walked forward (first/after) or backward
    /// (last/before), in list order of the walk.
    pub async fn walk(
        &self,
        filter: &Value,
        field: &str,
        direction: &str,
        forward: bool,
    ) -> Vec<String> {
        let q = r#"query($f: ClusterFilter, $o: ClusterOrder, $first: Int, $after: String, $last: Int, $before: String) {
            clusters(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
              edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#;
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let vars = if forward {
                json!({ "f": filter, "o": { "field": field, "direction": direction }, "first": 5, "after": cursor })
            } else {
                json!({ "f": filter, "o": { "field": field, "direction": direction }, "last": 5, "before": cursor })
            };
            let data = self.data(q, vars).await;
            let c = &data["clusters"];
            let mut slugs: Vec<String> = c["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
                .collect();
            if !forward {
                slugs.reverse();
            }
            out.extend(slugs);
            let (more, next) = if forward {
                (
                    c["pageInfo"]["hasNextPage"].as_bool().unwrap(),
                    c["pageInfo"]["endCursor"].as_str(),
                )
            } else {
                (
                    c["pageInfo"]["hasPreviousPage"].as_bool().unwrap(),
                    c["pageInfo"]["startCursor"].as_str(),
                )
            };
            if !more {
                return out;
            }
            cursor = next.map(str::to_owned);
        }
        panic!("walk did not end");
    }
}
