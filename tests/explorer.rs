#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! The Explorer (`explorer/`, built into `assets/explorer/`): the committed build comes from
//! the committed sources, the server answers its views and files with the right types,
//! caching and Content-Security-Policy, `--no-explorer` turns it off, and the app works in
//! a real browser (Chromium driven by `explorer/e2e/run.mjs`, with axe-core's checks).

#[allow(dead_code, reason = "the helpers are shared with tests/api.rs")]
mod support;

use std::path::{Path, PathBuf};

use cluster_atlas::http::Settings;
use sha2::{Digest, Sha256};
use support::{Backend, TestServer};

/// The files `explorer/build.sh` hashes, relative to the repository root.
const SOURCE_FILES: &[&str] = &[
    "explorer/index.html",
    "explorer/package.json",
    "explorer/package-lock.json",
    "explorer/tsconfig.json",
    "explorer/vite.config.ts",
    "explorer/codegen.ts",
    "explorer/build.sh",
    "schema.graphql",
];

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_below(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What `explorer/build.sh` records: sha256 over the `sha256sum` lines of the sources,
/// sorted by path.
fn source_hash(root: &Path) -> String {
    let mut paths: Vec<String> = SOURCE_FILES.iter().map(|p| (*p).to_owned()).collect();
    let mut src = Vec::new();
    files_below(&root.join("explorer/src"), &mut src);
    for file in src {
        let relative = file.strip_prefix(root).unwrap();
        paths.push(relative.to_string_lossy().replace('\\', "/"));
    }
    paths.sort();
    let mut listing = String::new();
    for path in &paths {
        let bytes = std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        listing.push_str(&format!("{}  {path}\n", hex(&Sha256::digest(&bytes))));
    }
    hex(&Sha256::digest(listing.as_bytes()))
}

#[test]
fn the_committed_build_comes_from_the_committed_sources() {
    let root = support::root();
    let recorded = std::fs::read_to_string(root.join("assets/explorer/SOURCE_HASH"))
        .expect("assets/explorer/SOURCE_HASH: run explorer/build.sh");
    assert_eq!(
        recorded.trim(),
        source_hash(&root),
        "assets/explorer/ was not built from the sources as committed: run explorer/build.sh \
         and commit assets/explorer/"
    );
}

#[test]
fn the_built_page_names_only_files_of_the_build() {
    let root = support::root();
    let page = std::fs::read_to_string(root.join("assets/explorer/index.html")).unwrap();
    let named = asset_paths(&page);
    assert!(named.iter().any(|p| p.ends_with(".js")), "{page}");
    for path in named {
        let file = root
            .join("assets/explorer")
            .join(path.trim_start_matches("/explorer/"));
        assert!(file.is_file(), "{path} is not in assets/explorer/");
    }
}

#[test]
fn the_compiled_table_lists_every_built_file() {
    let dir = support::root().join("assets/explorer");
    let table = std::fs::read_to_string(dir.join("files.rs")).unwrap();
    let mut built = Vec::new();
    files_below(&dir, &mut built);
    for file in built {
        let name = file
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if name == "files.rs" || name == "SOURCE_HASH" {
            continue;
        }
        assert!(
            table.contains(&format!("include_bytes!({name:?})")),
            "{name} is not in assets/explorer/files.rs: run explorer/build.sh"
        );
    }
}

/// The `/explorer/assets/...` paths a page names.
fn asset_paths(page: &str) -> Vec<String> {
    page.match_indices("/explorer/assets/")
        .map(|(at, _)| {
            let rest = &page[at..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_root_and_every_view_path_answer_the_app_under_a_strict_policy() {
    let server = TestServer::start(Backend::Sqlite).await;
    for path in [
        "/",
        "/search?q=embeded+systems&country=RS",
        "/clusters/masit",
        "/networks/bbs-ict",
        "/news/TmV3c0l0ZW06MQ",
        "/events",
        "/map?country=RS",
    ] {
        let response = reqwest::get(format!("{}{path}", server.url)).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "content-type"),
            "text/html; charset=utf-8"
        );
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        let policy = header(&response, "content-security-policy").to_owned();
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert!(policy.contains("script-src 'self';"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<div id="app">"#), "{path}: {page}");
        assert!(!page.contains("<script>"), "no inline script: {page}");
    }
    let graphiql = reqwest::Client::new()
        .get(format!("{}/graphql", server.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let graphiql = graphiql.text().await.unwrap();
    assert!(graphiql.contains("graphiql"), "GraphiQL stays at /graphql");
    let unknown = reqwest::get(format!("{}/clusters/masit/more", server.url))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404, "paths no view has stay unknown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_files_are_served_with_their_type_and_cached_for_good() {
    let server = TestServer::start(Backend::Sqlite).await;
    let page = reqwest::get(format!("{}/", server.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let assets = asset_paths(&page);
    for (ext, ty) in [
        (".js", "text/javascript; charset=utf-8"),
        (".css", "text/css; charset=utf-8"),
    ] {
        let path = assets.iter().find(|p| p.ends_with(ext)).expect(ext);
        let response = reqwest::get(format!("{}{path}", server.url)).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-type"), ty, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(!response.bytes().await.unwrap().is_empty());
    }
    let missing = reqwest::get(format!("{}/explorer/assets/nope.js", server.url))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_explorer_leaves_the_root_unanswered_as_before() {
    let settings = Settings {
        no_explorer: true,
        rate_limit: 0,
        ..Settings::default()
    };
    let server = TestServer::start_with(Backend::Sqlite, settings).await;
    for path in ["/", "/clusters/masit", "/explorer/assets/index.js"] {
        let response = reqwest::get(format!("{}{path}", server.url)).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let api = server
        .data(
            r#"{ cluster(slug: "masit") { name } }"#,
            serde_json::json!({}),
        )
        .await;
    assert!(api["cluster"]["name"].is_string(), "the API stays: {api}");
}

fn explorer_dir() -> PathBuf {
    support::root().join("explorer")
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Why the browser test cannot run here, if it cannot.
async fn browser_missing() -> Option<String> {
    if let Some(why) = support::node_missing("explorer", "playwright-core").await {
        return Some(why);
    }
    (!Path::new(CHROMIUM).is_file())
        .then(|| "/usr/bin/chromium is missing: `apt-get install chromium`".to_owned())
}

/// The scenario of `explorer/e2e/run.mjs` in headless Chromium against the real server on
/// the sample pages: no console error, no serious accessibility violation, a screenshot
/// of each view in `ATLAS_SCREENSHOTS` (default: a folder under the target directory).
/// Without Node, the packages or Chromium it says SKIPPED, and fails when
/// `ATLAS_REQUIRE_BROWSER=1` (CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_works_in_a_real_browser() {
    if let Some(why) = browser_missing().await {
        let test = "the_explorer_works_in_a_real_browser (the Explorer in Chromium)";
        support::skip_unless_required(test, &why, "ATLAS_REQUIRE_BROWSER");
        return;
    }
    let server = TestServer::start(Backend::Sqlite).await;
    let shots = std::env::var_os("ATLAS_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("atlas-explorer-screenshots"));
    std::fs::create_dir_all(&shots).unwrap();
    let out = tokio::process::Command::new("node")
        .arg("e2e/run.mjs")
        .arg(&server.url)
        .arg(&shots)
        .env("CHROME_PATH", CHROMIUM)
        .current_dir(explorer_dir())
        .output()
        .await
        .expect("node runs");
    let report = format!(
        "node {}:\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser scenario failed: {report}");
    println!("{report}screenshots in {}", shots.display());
}
