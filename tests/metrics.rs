#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! `/metrics`: scraped before and after a known set of requests, parsed with a Prometheus
//! text parser, and every counter checked to have moved by exactly what was sent. One test
//! in its own binary: the recorder is the process's, so nothing else may run beside it.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
mod support;

use std::time::Duration;

use cluster_atlas::http::Settings;
use prometheus_parse::{Scrape, Value as Metric};
use serde_json::json;
use support::{Backend, TestServer};

/// The sum of the samples of `name` whose labels include `labels`: counters, gauges, and the
/// `_count` and `_sum` of histograms.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Metric::Counter(v) | Metric::Gauge(v) | Metric::Untyped(v) => *v,
            Metric::Histogram(_) | Metric::Summary(_) => 0.0,
        })
        .sum()
}

async fn scrape(server: &TestServer) -> Scrape {
    let response = reqwest::get(format!("{}/metrics", server.url))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = response.text().await.unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("Prometheus text format")
}

async fn post(server: &TestServer, body: String) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/graphql", server.url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn query(document: &str) -> String {
    json!({ "query": document }).to_string()
}

/// What moved between two scrapes.
struct Moved<'a> {
    before: &'a Scrape,
    after: &'a Scrape,
}

impl Moved<'_> {
    fn by(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        value(self.after, name, labels) - value(self.before, name, labels)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counters_move_by_exactly_what_was_sent() {
    let settings = Settings {
        rate_limit: 0,
        ..Settings::default()
    };
    let server = TestServer::start_with(Backend::Sqlite, settings).await;
    let before = scrape(&server).await;
    let build = value(&before, "atlas_build_info", &[("database", "sqlite")]);
    assert_eq!(build, 1.0, "build info names the database");

    let profile = r#"query Profile { cluster(slug: "masit") { name } }"#;
    for _ in 0..3 {
        assert_eq!(post(&server, query(profile)).await, 200);
    }
    for _ in 0..2 {
        assert_eq!(post(&server, query("{ __typename }")).await, 200);
    }
    assert_eq!(post(&server, query("query Broken { nope }")).await, 200);
    let search = r#"query Find { search(query: "embedded systems") { totalCount } }"#;
    assert_eq!(post(&server, query(search)).await, 200);
    let too_large = query(&format!("{{ __typename }} # {}", "x".repeat(200_000)));
    assert_eq!(post(&server, too_large).await, 413);
    let health = reqwest::get(format!("{}/healthz", server.url))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let token = server.token("write").await;
    let rename = r#"mutation Rename($v: Int!) {
        updateCluster(slug: "masit", version: $v, input: { region: "Skopje Region" }) { version } }"#;
    let version = server
        .data(r#"{ cluster(slug: "masit") { version } }"#, json!({}))
        .await;
    let version = version["cluster"]["version"].as_i64().unwrap();
    server
        .data_as(&token, rename, json!({ "v": version }))
        .await;
    server.search.caught_up(&server.db).await.unwrap();

    let subscription = "subscription Follow { newsPublished { id } }";
    let mut socket = support::socket::subscribed(&server.url, "1", subscription).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let after = scrape(&server).await;
    let moved = Moved {
        before: &before,
        after: &after,
    };
    let requests = "atlas_http_requests_total";
    let on = |status| {
        [
            ("method", "POST"),
            ("route", "/graphql"),
            ("status", status),
        ]
    };
    // 3 profiles, 2 unnamed, 1 broken, 1 search, and the mutation plus its version read.
    assert_eq!(moved.by(requests, &on("200")), 9.0);
    assert_eq!(moved.by(requests, &on("413")), 1.0);
    let get = |route| [("method", "GET"), ("route", route), ("status", "200")];
    assert_eq!(moved.by(requests, &get("/healthz")), 1.0);
    assert_eq!(
        moved.by(requests, &get("/metrics")),
        1.0,
        "the first scrape"
    );
    assert_eq!(
        moved.by(requests, &[("route", "/graphql/ws"), ("status", "101")]),
        1.0
    );
    let duration = "atlas_http_request_duration_seconds_count";
    assert_eq!(moved.by(duration, &[("route", "/graphql")]), 10.0);

    let operations = "atlas_graphql_operations_total";
    let op = |name, kind, outcome| [("operation", name), ("type", kind), ("outcome", outcome)];
    assert_eq!(moved.by(operations, &op("Profile", "query", "ok")), 3.0);
    assert_eq!(moved.by(operations, &op("Find", "query", "ok")), 1.0);
    assert_eq!(moved.by(operations, &op("Rename", "mutation", "ok")), 1.0);
    assert_eq!(
        moved.by(operations, &op("_other", "query", "ok")),
        3.0,
        "unnamed operations share one label: 2 and the version read"
    );
    let invalid = [
        ("operation", "_other"),
        ("outcome", "GRAPHQL_VALIDATION_FAILED"),
    ];
    assert_eq!(
        moved.by(operations, &invalid),
        1.0,
        "a broken document's name is not kept"
    );
    assert_eq!(
        moved.by(operations, &op("Follow", "subscription", "ok")),
        0.0,
        "a subscription counts at its first answer"
    );
    let op_time = "atlas_graphql_operation_duration_seconds_count";
    assert_eq!(moved.by(op_time, &[("operation", "Profile")]), 3.0);

    let errors = "atlas_graphql_errors_total";
    assert_eq!(
        moved.by(errors, &[("code", "GRAPHQL_VALIDATION_FAILED")]),
        1.0
    );
    assert_eq!(moved.by(errors, &[("code", "PAYLOAD_TOO_LARGE")]), 1.0);
    let refused = "atlas_requests_refused_total";
    assert_eq!(moved.by(refused, &[("limit", "body")]), 1.0);
    assert_eq!(moved.by(refused, &[("limit", "rate")]), 0.0);

    let searches = "atlas_search_duration_seconds_count";
    assert_eq!(moved.by(searches, &[("kind", "search")]), 1.0);
    assert!(moved.by("atlas_index_commit_duration_seconds_count", &[]) >= 1.0);
    assert!(moved.by("atlas_sql_statement_duration_seconds_count", &[]) >= 5.0);
    assert_eq!(value(&after, "atlas_websocket_connections", &[]), 1.0);
    assert_eq!(value(&after, "atlas_graphql_subscriptions", &[]), 1.0);
    assert!(value(&after, "atlas_db_pool_max_connections", &[]) >= 1.0);
    assert_eq!(value(&after, "atlas_outbox_pending_entries", &[]), 0.0);
    assert!(
        after
            .samples
            .iter()
            .any(|s| s.metric == "atlas_index_lag_seconds"),
        "the index lag is there"
    );

    socket.close(None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let closed = scrape(&server).await;
    assert_eq!(value(&closed, "atlas_websocket_connections", &[]), 0.0);
    assert_eq!(value(&closed, "atlas_graphql_subscriptions", &[]), 0.0);
    let help = closed
        .docs
        .get("atlas_http_requests_total")
        .map(String::as_str);
    assert_eq!(
        help,
        Some("HTTP requests answered, by method, route and status")
    );
}
