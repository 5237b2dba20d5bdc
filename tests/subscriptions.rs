#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! Subscriptions over graphql-transport-ws on `/graphql/ws`: events from committed writes
//! only, the protocol's close codes, keep-alives, and no task left when a client vanishes.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use std::time::Duration;

use cluster_atlas::http::Settings;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use support::{Backend, TestServer};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Long enough for the indexer's poll and a commit on a busy machine; the wait ends as soon
/// as the message is there.
const PATIENCE: Duration = Duration::from_secs(20);

async fn connect_with(server: &TestServer, protocol: Option<&str>) -> Socket {
    let url = format!("{}/graphql/ws", server.url.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("request");
    if let Some(p) = protocol {
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_str(p).expect("header"),
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket handshake")
        .0
}

async fn connect(server: &TestServer) -> Socket {
    connect_with(server, Some("graphql-transport-ws")).await
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("send");
}

/// The next protocol message; the client library answers the server's pings.
async fn receive(socket: &mut Socket) -> Value {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("a message in time")
            .expect("the socket is open")
            .expect("a readable message");
        match message {
            Message::Text(text) => return serde_json::from_str(text.as_str()).expect("JSON"),
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => {}
        }
    }
}

/// The close code the server ends the socket with.
async fn closed_with(socket: &mut Socket) -> u16 {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Close(Some(frame))))) => return frame.code.into(),
            Ok(Some(Ok(Message::Close(None)))) | Ok(None) | Ok(Some(Err(_))) => return 1005,
            Ok(Some(Ok(_))) => {}
            Err(_) => panic!("the server did not close the socket"),
        }
    }
}

async fn init(socket: &mut Socket, token: Option<&str>) {
    let payload = match token {
        Some(t) => json!({ "authorization": format!("Bearer {t}") }),
        None => json!({}),
    };
    send(
        socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(receive(socket).await, json!({ "type": "connection_ack" }));
}

async fn subscribe(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    let payload = json!({ "query": query, "variables": variables });
    send(
        socket,
        json!({ "id": id, "type": "subscribe", "payload": payload }),
    )
    .await;
}

const NEWS: &str = r#"subscription($filter: NewsFilter) { newsPublished(filter: $filter) {
    title publishedOn publisher { slug } mentions { cluster { slug } } } }"#;
const CLUSTER: &str = r#"subscription($slug: String!) { clusterUpdated(slug: $slug) {
    slug version region networks { network { slug } } } }"#;
const PUBLISH: &str = r#"mutation($input: NewsInput!) { publishNews(input: $input) { id } }"#;
const UPDATE: &str = r#"mutation($slug: String!, $version: Int!, $input: ClusterInput!) {
    updateCluster(slug: $slug, version: $version, input: $input) { version } }"#;

/// Waits until the server holds `n` subscriptions on the index commits.
async fn subscribers(server: &TestServer, n: usize) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while server.search.subscribers() != n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} subscribers, not {n}",
            server.search.subscribers()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn committed_writes_arrive_and_rolled_back_ones_never(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (writer, admin) = (server.token("write").await, server.token("admin").await);
    let mut socket = connect(&server).await;
    init(&mut socket, None).await;
    subscribe(
        &mut socket,
        "news",
        NEWS,
        json!({ "filter": { "publisher": ["bbs-ict"] } }),
    )
    .await;
    subscribe(&mut socket, "masit", CLUSTER, json!({ "slug": "masit" })).await;
    subscribers(&server, 2).await;

    // News of another publisher is filtered out; the network's own arrives, with mentions.
    for (publisher, title) in [("give", "Elsewhere"), ("bbs-ict", "Fifth meeting in Ohrid")] {
        let input = json!({ "title": title, "publishedOn": "2026-11-20", "publisher": publisher,
                            "body": format!("{title}: MASIT hosts the partners of the network.") });
        server
            .data_as(&writer, PUBLISH, json!({ "input": input }))
            .await;
    }
    let event = receive(&mut socket).await;
    assert_eq!(event["id"], "news");
    assert_eq!(event["type"], "next");
    let item = &event["payload"]["data"]["newsPublished"];
    assert_eq!(item["title"], "Fifth meeting in Ohrid");
    assert_eq!(item["publisher"]["slug"], "bbs-ict");
    assert!(item["mentions"].to_string().contains("\"masit\""), "{item}");

    // A write refused (stale version: its transaction wrote nothing) sends nothing; the
    // two that commit arrive in order, each once.
    let masit = server
        .data("{ cluster(slug: \"masit\") { version } }", json!({}))
        .await;
    let v = masit["cluster"]["version"].as_i64().expect("version");
    let write = |version: i64, region: &str| json!({ "slug": "masit", "version": version, "input": { "region": region } });
    server
        .data_as(&writer, UPDATE, write(v, "Skopje Region"))
        .await;
    let (_, refused) = server
        .post_as(Some(&writer), UPDATE, write(v, "Never"))
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "CONFLICT");
    server
        .data_as(&writer, UPDATE, write(v + 1, "Vardar"))
        .await;
    let mut seen = Vec::new();
    while seen.last().is_none_or(|(version, _)| *version < v + 2) {
        let event = receive(&mut socket).await;
        assert_eq!(event["id"], "masit", "{event}");
        let c = &event["payload"]["data"]["clusterUpdated"];
        seen.push((
            c["version"].as_i64().unwrap_or_default(),
            c["region"].clone(),
        ));
        assert_eq!(c["networks"][0]["network"]["slug"], "bbs-ict");
    }
    // Both writes may land in one index commit: then only the latest state is sent.
    assert!(
        seen == [(v + 1, json!("Skopje Region")), (v + 2, json!("Vardar"))]
            || seen == [(v + 2, json!("Vardar"))],
        "{seen:?}"
    );

    // Deleted: `null`, then the subscription completes and frees its id.
    let delete = r#"mutation($v: Int!) { deleteCluster(slug: "masit", version: $v) { id } }"#;
    server.data_as(&admin, delete, json!({ "v": v + 2 })).await;
    let event = receive(&mut socket).await;
    assert_eq!(event["payload"]["data"]["clusterUpdated"], Value::Null);
    assert_eq!(
        receive(&mut socket).await,
        json!({ "id": "masit", "type": "complete" })
    );
    subscribers(&server, 1).await;

    // The client ends the other; an unknown slug is refused with NOT_FOUND.
    send(&mut socket, json!({ "id": "news", "type": "complete" })).await;
    subscribers(&server, 0).await;
    subscribe(&mut socket, "gone", CLUSTER, json!({ "slug": "masit" })).await;
    let event = receive(&mut socket).await;
    assert_eq!(event["id"], "gone");
    let errors = event["payload"]["errors"].to_string();
    assert!(errors.contains("NOT_FOUND"), "{event}");
}

async fn queries_and_mutations_answer_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let writer = server.token("write").await;
    let mut socket = connect(&server).await;
    init(&mut socket, Some(&writer)).await;
    subscribe(
        &mut socket,
        "q",
        "{ cluster(slug: \"ict-net\") { name } }",
        json!({}),
    )
    .await;
    let event = receive(&mut socket).await;
    assert_eq!(
        event,
        json!({ "id": "q", "type": "next", "payload": { "data": { "cluster": { "name": "ICT NET" } } } })
    );
    assert_eq!(
        receive(&mut socket).await,
        json!({ "id": "q", "type": "complete" })
    );
    // The token of `connection_init` writes.
    let input = json!({ "title": "Over the socket", "publishedOn": "2026-11-21",
                        "publisher": "bbs-ict", "body": "A note." });
    subscribe(&mut socket, "q", PUBLISH, json!({ "input": input })).await;
    let event = receive(&mut socket).await;
    assert!(
        event["payload"]["data"]["publishNews"]["id"].is_string(),
        "{event}"
    );
    assert_eq!(receive(&mut socket).await["type"], "complete");
    // Invalid documents are an `error` for that id, and the socket stays open.
    subscribe(&mut socket, "bad", "subscription { nope }", json!({})).await;
    let event = receive(&mut socket).await;
    assert_eq!(event["type"], "error");
    assert_eq!(event["id"], "bad");
    assert_eq!(
        event["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    subscribe(&mut socket, "deep", "{ clusters(first: 100) { edges { node { news(first: 100) { edges { node { title } } } } } } }", json!({})).await;
    let event = receive(&mut socket).await;
    assert_eq!(
        event["payload"][0]["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );
    send(
        &mut socket,
        json!({ "type": "ping", "payload": { "n": 1 } }),
    )
    .await;
    assert_eq!(receive(&mut socket).await["type"], "pong");
}

on_both_backends! {
    committed_writes_arrive_and_rolled_back_ones_never => super::committed_writes_arrive_and_rolled_back_ones_never;
    queries_and_mutations_answer_once => super::queries_and_mutations_answer_once;
}

fn quick() -> Settings {
    Settings {
        rate_limit: 0,
        ws_init_timeout: Duration::from_millis(300),
        ws_keep_alive: Duration::from_millis(300),
        ..Settings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocols_close_codes() {
    let server = TestServer::start_with(Backend::Sqlite, quick()).await;

    let mut s = connect_with(&server, None).await;
    assert_eq!(closed_with(&mut s).await, 4406, "no subprotocol");

    let mut s = connect(&server).await;
    assert_eq!(
        closed_with(&mut s).await,
        4408,
        "no connection_init in time"
    );

    let mut s = connect(&server).await;
    subscribe(&mut s, "1", NEWS, json!({})).await;
    assert_eq!(closed_with(&mut s).await, 4401, "subscribe before init");

    let mut s = connect(&server).await;
    init(&mut s, None).await;
    send(&mut s, json!({ "type": "connection_init" })).await;
    assert_eq!(closed_with(&mut s).await, 4429, "a second init");

    let mut s = connect(&server).await;
    init(&mut s, None).await;
    subscribe(&mut s, "1", NEWS, json!({})).await;
    subscribers(&server, 1).await;
    subscribe(&mut s, "1", NEWS, json!({})).await;
    assert_eq!(closed_with(&mut s).await, 4409, "a duplicate id");

    for (what, message) in [
        ("not JSON", Message::Text("{oops".into())),
        ("no type", Message::Text(r#"{"id":"1"}"#.into())),
        ("unknown type", Message::Text(r#"{"type":"start"}"#.into())),
        (
            "a server's message",
            Message::Text(r#"{"type":"next","id":"1","payload":{}}"#.into()),
        ),
        (
            "payload not an object",
            Message::Text(r#"{"type":"connection_init","payload":7}"#.into()),
        ),
        ("binary", Message::Binary(vec![1, 2, 3].into())),
    ] {
        let mut s = connect(&server).await;
        s.send(message).await.expect("send");
        assert_eq!(closed_with(&mut s).await, 4400, "{what}");
    }
    let mut s = connect(&server).await;
    init(&mut s, None).await;
    send(&mut s, json!({ "id": "", "type": "subscribe", "payload": { "query": "{ networks { totalCount } }" } })).await;
    assert_eq!(closed_with(&mut s).await, 4400, "an empty id");

    let mut s = connect(&server).await;
    send(
        &mut s,
        json!({ "type": "connection_init", "payload": { "authorization": "Bearer ca_forged" } }),
    )
    .await;
    assert_eq!(closed_with(&mut s).await, 4403, "an unknown token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_that_need_a_token_need_it_on_the_socket_too() {
    let settings = Settings {
        reads_need_token: true,
        ..quick()
    };
    let server = TestServer::start_with(Backend::Sqlite, settings).await;
    let mut s = connect(&server).await;
    send(&mut s, json!({ "type": "connection_init" })).await;
    assert_eq!(closed_with(&mut s).await, 4403);
    let reader = server.token("read").await;
    let mut s = connect(&server).await;
    init(&mut s, Some(&reader)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alives_and_vanished_clients() {
    let server = TestServer::start_with(Backend::Sqlite, quick()).await;

    // A quiet client is pinged (WebSocket pings, which the client library answers) and
    // stays while it answers.
    let mut s = connect(&server).await;
    init(&mut s, None).await;
    subscribe(&mut s, "1", NEWS, json!({})).await;
    let mut pings = 0;
    while pings < 3 {
        let message = tokio::time::timeout(PATIENCE, s.next())
            .await
            .expect("a ping in time")
            .expect("open")
            .expect("readable");
        pings += usize::from(matches!(message, Message::Ping(_)));
    }
    assert_eq!(server.search.subscribers(), 1);

    // Gone without a close frame: its subscriptions stop.
    drop(s);
    subscribers(&server, 0).await;

    // Connected but silent (reads nothing, answers nothing): dropped after two intervals.
    let mut s = connect(&server).await;
    init(&mut s, None).await;
    subscribe(&mut s, "1", NEWS, json!({})).await;
    subscribe(&mut s, "2", CLUSTER, json!({ "slug": "ict-net" })).await;
    subscribers(&server, 2).await;
    subscribers(&server, 0).await;
    drop(s);
    let health = reqwest::get(format!("{}/healthz", server.url))
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
}
