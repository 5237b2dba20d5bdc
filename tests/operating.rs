#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! The binary as an operator runs it: request ids on every response and in the log lines of
//! their request, JSON logs a pipeline can index, no colour codes in a log file, WebSockets
//! told 1001 Going Away on SIGTERM, and shell completions.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
mod support;

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::process::Process;
use support::{Backend, TestStore};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

async fn serve(store: &TestStore, args: &[&str]) -> Process {
    let log = store.index_dir().with_file_name("server.log");
    let process = Process::serve(&store.url, &store.index_dir(), args, &log).await;
    process.ready().await;
    process
}

/// The log's lines, once a line saying `needle` is there (logs are written as they come).
async fn log_with(process: &Process, needle: &str) -> String {
    for _ in 0..100 {
        let log = process.log();
        if log.contains(needle) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {needle:?} in the log:\n{}", process.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_each_requests_id_route_operation_and_client() {
    let store = TestStore::open(Backend::Sqlite).await;
    let server = serve(&store, &["--log-format", "json", "--rate-limit", "0"]).await;
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{}/graphql", server.url))
        .header("x-request-id", "from-the-client-42")
        .json(&json!({ "query": r#"query Masit { cluster(slug: "masit") { name } }"# }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "from-the-client-42");
    let made_up = reqwest::get(format!("{}/healthz", server.url))
        .await
        .unwrap();
    let id = made_up.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );

    let log = log_with(&server, "from-the-client-42").await;
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: not JSON: {l}")))
        .collect();
    let answered = lines
        .iter()
        .find(|l| l["span"]["id"] == "from-the-client-42" && l["message"] == "answered")
        .expect("the request's line");
    assert_eq!(answered["span"]["route"], "/graphql");
    assert_eq!(answered["span"]["method"], "POST");
    assert_eq!(answered["span"]["operation"], "Masit");
    assert_eq!(answered["span"]["client"], "ip:127.0.0.1");
    assert_eq!(answered["status"], 200);
    assert!(answered["latency_ms"].as_f64().is_some(), "{answered}");
    assert_eq!(answered["level"], "INFO");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_logs_to_a_file_carry_no_colour_codes() {
    let store = TestStore::open(Backend::Sqlite).await;
    let server = serve(&store, &[]).await;
    let response = reqwest::Client::new()
        .get(format!("{}/healthz", server.url))
        .header("x-request-id", "plain-text-7")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let log = log_with(&server, "plain-text-7").await;
    assert!(!log.contains('\u{1b}'), "ANSI codes in a file:\n{log}");
    let line = log.lines().find(|l| l.contains("plain-text-7")).unwrap();
    assert!(
        line.contains("answered") && line.contains("status=200"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_websockets_with_going_away() {
    let store = TestStore::open(Backend::Sqlite).await;
    let mut server = serve(&store, &["--shutdown-grace", "5"]).await;
    let url = format!("{}/graphql/ws", server.url.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init" }).to_string();
    socket.send(Message::Text(init.into())).await.unwrap();
    let ack = socket.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"));
    let subscribe = json!({ "id": "1", "type": "subscribe",
        "payload": { "query": "subscription { newsPublished { id } }" } });
    let subscribe = Message::Text(subscribe.to_string().into());
    socket.send(subscribe).await.unwrap();

    let started = std::time::Instant::now();
    let exited = tokio::task::spawn_blocking(move || {
        let status = server.terminate();
        (status, server)
    });
    let frame = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => {}
                other => panic!("no close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a close frame in time")
    .expect("with a code");
    assert_eq!(frame.code, CloseCode::Away, "{frame:?}");
    let (status, server) = exited.await.unwrap();
    assert!(status.success(), "{status}: {}", server.log());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cluster-atlas"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("cluster-atlas"), "{shell}: {script:.200}");
        assert!(script.contains("log-format"), "{shell} completes the flags");
    }
}

/// What a load balancer sees while the store opens and the index is built (the binary's
/// start-up serves these routes on its socket until the real server takes it over).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_starting_the_server_is_live_but_not_ready() {
    let (step, steps) = tokio::sync::watch::channel("opening the search index");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let routes = cluster_atlas::http::ready::starting(steps);
    tokio::spawn(async move { axum::serve(listener, routes).await });
    let client = reqwest::Client::new();
    let health = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "live");
    let ready = client.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "not ready");
    let body: Value = ready.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "ready": false, "checks": { "start": "opening the search index" } })
    );
    let query = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 503);
    assert_eq!(query.headers()["retry-after"], "1");
    let body: Value = query.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "SERVICE_UNAVAILABLE"
    );
    step.send_replace("loading the sample pages");
    let ready = client.get(format!("{url}/readyz")).send().await.unwrap();
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["checks"]["start"], "loading the sample pages");
}
