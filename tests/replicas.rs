#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! Several replicas over one PostgreSQL database, each with its own index folder following
//! the shared outbox: a write through one is searchable and announced to a subscriber on the
//! other within 2 s, and a replica that was stopped catches up when it starts again. Needs
//! PostgreSQL (`TEST_DATABASE_URL`, `--include-ignored`).

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
mod support;

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};
use support::process::Process;
use support::{Backend, TestStore};
use tokio_tungstenite::tungstenite::Message;

/// What the issue promises a write takes to reach another replica.
const ACROSS: Duration = Duration::from_secs(2);

const PUBLISH: &str = r#"mutation($input: NewsInput!) { publishNews(input: $input) { id } }"#;
const SEARCH: &str = r#"query($q: String!) { search(query: $q, kinds: [NEWS]) {
    edges { node { entity { ... on NewsItem { title } } } } } }"#;

struct Replica {
    process: Process,
}

impl Replica {
    /// The replica `name`, with an index folder of its own (the same on each `run`).
    async fn start(store: &TestStore, name: &str, run: usize) -> Self {
        let index = store.index_dir().with_file_name(format!("index-{name}"));
        let log = store
            .index_dir()
            .with_file_name(format!("{name}-{run}.log"));
        let process = Process::serve(&store.url, &index, &["--rate-limit", "0"], &log).await;
        process.ready().await;
        Self { process }
    }

    fn stop(mut self) {
        let status = self.process.terminate();
        assert!(status.success(), "{status}: {}", self.process.log());
    }

    async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = reqwest::Client::new()
            .post(format!("{}/graphql", self.process.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    async fn finds(&self, word: &str) -> bool {
        let data = self.post(None, SEARCH, json!({ "q": word })).await;
        data["search"]["edges"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    }

    /// How long until a search on this replica finds `word`, within `patience`.
    async fn searchable_after(&self, word: &str, since: Instant, patience: Duration) -> Duration {
        while !self.finds(word).await {
            assert!(
                since.elapsed() < patience,
                "{word:?} not found within {patience:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        since.elapsed()
    }
}

fn news(word: &str) -> Value {
    json!({ "input": { "title": format!("Replicated {word}"), "publishedOn": "2026-12-01",
        "publisher": "bbs-ict", "body": format!("Written once, read as {word} everywhere.") } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "PostgreSQL: set TEST_DATABASE_URL and run with --include-ignored"]
async fn a_write_through_one_replica_reaches_the_others_search_and_subscribers() {
    assert!(support::postgres_url().is_some(), "needs TEST_DATABASE_URL");
    let store = TestStore::open(Backend::Postgres).await;
    // One at a time: the first loads the sample pages into the empty store.
    let first = Replica::start(&store, "first", 1).await;
    let second = Replica::start(&store, "second", 1).await;
    let issued = cluster_atlas::auth::issue().unwrap();
    cluster_atlas::store::api_token::create(&store.db, "writer", "write", &issued.digest)
        .await
        .unwrap();
    let token = issued.secret;

    let subscription = "subscription { newsPublished { title } }";
    let mut socket = support::socket::subscribed(&second.process.url, "news", subscription).await;
    // The subscription is live once the socket task has it: a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let written = Instant::now();
    first.post(Some(&token), PUBLISH, news("quasarwide")).await;
    let announced = tokio::time::timeout(ACROSS, async {
        loop {
            let message = socket.next().await.unwrap().unwrap();
            if let Message::Text(text) = message {
                return serde_json::from_str::<Value>(&text).unwrap();
            }
        }
    })
    .await
    .expect("announced on the other replica within 2 s");
    let title = &announced["payload"]["data"]["newsPublished"]["title"];
    assert_eq!(title, "Replicated quasarwide");
    let took = second.searchable_after("quasarwide", written, ACROSS).await;
    println!("searchable on the other replica after {took:?}");
    assert!(first.finds("quasarwide").await, "and on the one written to");

    // Stopped, it misses writes; started again on its own index, it catches up.
    second.stop();
    first.post(Some(&token), PUBLISH, news("nebulaquiet")).await;
    first.post(Some(&token), PUBLISH, news("pulsarlate")).await;
    let second = Replica::start(&store, "second", 2).await;
    let ready = Instant::now();
    for word in ["nebulaquiet", "pulsarlate", "quasarwide"] {
        second.searchable_after(word, ready, ACROSS).await;
    }
}
