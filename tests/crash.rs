#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! The server killed with SIGKILL in the middle of concurrent writes, then restarted: every
//! write the clients saw acknowledged is in the store and found by search, nothing whose
//! delete was acknowledged is found, and the index holds exactly the store's entities. On
//! SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use support::{Backend, TestStore};

const WRITERS: usize = 6;
/// Acknowledged writes to wait for before the kill: enough to be in the middle of things.
const ACKED_BEFORE_KILL: usize = 60;
const PATIENCE: Duration = Duration::from_secs(60);

/// The real binary, serving `store` on a free port.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    async fn start(store: &TestStore, log: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_cluster-atlas"))
            .args(["serve", "--rate-limit", "0"])
            .env("DATABASE_URL", &store.url)
            .env("ATLAS_INDEX_DIR", store.index_dir())
            .env("ATLAS_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the server starts");
        let server = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        // Ready, not only live: while it starts it answers 503 to everything else.
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !reqwest::get(format!("{}/readyz", server.url))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the server never answered"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Option<Value> {
    let mut request = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.ok()?;
    let body: Value = response.json().await.ok()?;
    body.get("errors").is_none().then(|| body["data"].clone())
}

/// What the clients saw acknowledged, each with the word that finds it.
#[derive(Default)]
struct Acked {
    published: Vec<(String, String)>,
    deleted: Vec<(String, String)>,
    clusters: Vec<(String, String)>,
}

impl Acked {
    fn len(&self) -> usize {
        self.published.len() + self.deleted.len() + self.clusters.len()
    }
}

const PUBLISH: &str =
    r#"mutation($input: NewsInput!) { publishNews(input: $input) { id version } }"#;
const DELETE: &str = r#"mutation($id: ID!, $v: Int!) { deleteNews(id: $id, version: $v) { id } }"#;
const CREATE: &str = r#"mutation($input: ClusterInput!) { createCluster(input: $input) { slug } }"#;

/// One writer: publishes news, deletes every fifth item it published, creates a cluster
/// every seventh step, until the server stops answering.
async fn writer(url: String, token: String, w: usize, acked: Arc<Mutex<Acked>>) {
    let client = reqwest::Client::new();
    for i in 0.. {
        let word = word_of(w, i, 0);
        let input = json!({ "title": format!("Crash item {w}-{i}"), "publishedOn": "2026-11-25",
                            "publisher": "bbs-ict", "body": format!("Written as {word} by writer {w}.") });
        let Some(data) = post(
            &client,
            &url,
            Some(&token),
            PUBLISH,
            json!({ "input": input }),
        )
        .await
        else {
            return;
        };
        let id = data["publishNews"]["id"].as_str().unwrap().to_owned();
        if i % 5 == 4 {
            let v = data["publishNews"]["version"].clone();
            if post(
                &client,
                &url,
                Some(&token),
                DELETE,
                json!({ "id": id, "v": v }),
            )
            .await
            .is_none()
            {
                // The delete may have committed before its answer was lost: the item is
                // neither acknowledged as there nor as gone.
                return;
            }
            acked.lock().unwrap().deleted.push((id, word));
        } else {
            acked.lock().unwrap().published.push((id, word));
        }
        if i % 7 == 6 {
            let word = word_of(w, i, 1);
            let input = json!({ "name": format!("Crash Cluster {w} {i}"), "country": "RS",
                                "strategy": format!("Founded as {word}.") });
            let Some(data) = post(
                &client,
                &url,
                Some(&token),
                CREATE,
                json!({ "input": input }),
            )
            .await
            else {
                return;
            };
            let slug = data["createCluster"]["slug"].as_str().unwrap().to_owned();
            acked.lock().unwrap().clusters.push((slug, word));
        }
    }
}

/// A word of its own for each write.
fn word_of(writer: usize, step: usize, tag: u64) -> String {
    support::word::unique_word(((writer as u64) << 40) ^ ((step as u64) << 2) ^ tag)
}

/// Every id of `kind` the index holds, through an empty search, page by page.
async fn indexed(
    client: &reqwest::Client,
    url: &str,
    kind: &str,
    fragment: &str,
) -> BTreeSet<String> {
    let query = format!(
        r#"query($after: String) {{ search(query: "", kinds: [{kind}], first: 100, after: $after) {{
            edges {{ node {{ entity {{ {fragment} }} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"#
    );
    let mut ids = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let data = post(client, url, None, &query, json!({ "after": after }))
            .await
            .expect("search");
        for edge in data["search"]["edges"].as_array().unwrap() {
            // A hit whose entity the store no longer has is a ghost: the sets then differ.
            let id = match edge["node"]["entity"]["id"].as_str() {
                Some(id) => id.to_owned(),
                None => format!("ghost {}", ids.len()),
            };
            ids.insert(id);
        }
        if data["search"]["pageInfo"]["hasNextPage"] != true {
            return ids;
        }
        after = data["search"]["pageInfo"]["endCursor"].clone();
    }
}

/// Every id of a root connection (`news` or `clusters`) of the store, page by page.
async fn stored(client: &reqwest::Client, url: &str, root: &str) -> BTreeSet<String> {
    let query = format!(
        r#"query($after: String) {{ {root}(first: 100, after: $after) {{
            edges {{ node {{ id }} }} pageInfo {{ hasNextPage endCursor }} }} }}"#
    );
    let mut ids = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let data = post(client, url, None, &query, json!({ "after": after }))
            .await
            .expect("list");
        for edge in data[root]["edges"].as_array().unwrap() {
            ids.insert(edge["node"]["id"].as_str().unwrap().to_owned());
        }
        if data[root]["pageInfo"]["hasNextPage"] != true {
            return ids;
        }
        after = data[root]["pageInfo"]["endCursor"].clone();
    }
}

/// The ids a search for `word` finds.
async fn found(client: &reqwest::Client, url: &str, word: &str) -> BTreeSet<String> {
    let query = r#"query($q: String!) { search(query: $q, first: 100) { edges { node { entity {
        ... on NewsItem { id } ... on Cluster { id } } } } } }"#;
    let data = post(client, url, None, query, json!({ "q": word }))
        .await
        .expect("search");
    data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["entity"]["id"].as_str().map(str::to_owned))
        .collect()
}

async fn acknowledged_writes_survive_sigkill(backend: Backend) {
    let store = TestStore::open(backend).await;
    let log = store.index_dir().with_extension("log");
    let token = |scope: &'static str| {
        let db = store.db.clone();
        async move {
            let issued = cluster_atlas::auth::issue().unwrap();
            cluster_atlas::store::api_token::create(&db, scope, scope, &issued.digest)
                .await
                .unwrap();
            issued.secret
        }
    };
    let admin = token("admin").await;

    let server = Server::start(&store, &log).await;
    let acked = Arc::new(Mutex::new(Acked::default()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| tokio::spawn(writer(server.url.clone(), admin.clone(), w, acked.clone())))
        .collect();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while acked.lock().unwrap().len() < ACKED_BEFORE_KILL {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the writes did not get going"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    for w in writers {
        w.await.unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(
        acked.deleted.len() + acked.clusters.len() > 0,
        "deletes and clusters too"
    );

    let server = Server::start(&store, &log).await;
    let (client, url) = (reqwest::Client::new(), server.url.clone());
    // The restarted indexer replays what the index missed; then the two agree.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let news = (
            stored(&client, &url, "news").await,
            indexed(&client, &url, "NEWS", "... on NewsItem { id }").await,
        );
        let clusters = (
            stored(&client, &url, "clusters").await,
            indexed(&client, &url, "CLUSTER", "... on Cluster { id }").await,
        );
        if news.0 == news.1 && clusters.0 == clusters.1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "store and index disagree: news only stored {:?}, only indexed {:?}; clusters only stored {:?}, only indexed {:?}\n{}",
            news.0.difference(&news.1).collect::<Vec<_>>(),
            news.1.difference(&news.0).collect::<Vec<_>>(),
            clusters.0.difference(&clusters.1).collect::<Vec<_>>(),
            clusters.1.difference(&clusters.0).collect::<Vec<_>>(),
            std::fs::read_to_string(&log).unwrap_or_default(),
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let node = r#"query($id: ID!) { node(id: $id) { id } }"#;
    for (id, word) in &acked.published {
        let data = post(&client, &url, None, node, json!({ "id": id }))
            .await
            .unwrap();
        assert_eq!(
            data["node"]["id"],
            json!(id),
            "acknowledged {word} is stored"
        );
        assert_eq!(
            found(&client, &url, word).await,
            BTreeSet::from([id.clone()]),
            "{word} is found"
        );
    }
    for (id, word) in &acked.deleted {
        let data = post(&client, &url, None, node, json!({ "id": id }))
            .await
            .unwrap();
        assert_eq!(
            data["node"],
            Value::Null,
            "deleted {word} is gone from the store"
        );
        assert!(
            found(&client, &url, word).await.is_empty(),
            "deleted {word} is not found"
        );
    }
    let cluster = r#"query($slug: String!) { cluster(slug: $slug) { id } }"#;
    for (slug, word) in &acked.clusters {
        let data = post(&client, &url, None, cluster, json!({ "slug": slug }))
            .await
            .unwrap();
        let id = data["cluster"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{slug} is stored"));
        assert_eq!(
            found(&client, &url, word).await,
            BTreeSet::from([id.to_owned()]),
            "{word} is found"
        );
    }
    eprintln!(
        "crash test: {} published, {} deleted, {} clusters acknowledged before SIGKILL",
        acked.published.len(),
        acked.deleted.len(),
        acked.clusters.len()
    );
}

on_both_backends! {
    acknowledged_writes_survive_sigkill => super::acknowledged_writes_survive_sigkill;
}
