#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! HTTP caching of public reads over GET: an `ETag` and the operator's `Cache-Control` on
//! answers without credentials or errors, `304` for a client whose copy is current, a new
//! tag once a write could change the answer, and nothing cacheable for a token's requests.
//! On SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;
use support::{Backend, TestServer};

const PROFILE: &str = r#"{ cluster(slug: "masit") { name region version } }"#;

async fn get(
    server: &TestServer,
    query: &str,
    extra: &[(&'static str, String)],
) -> (u16, HeaderMap, String) {
    let mut request = reqwest::Client::new()
        .get(format!("{}/graphql", server.url))
        .query(&[("query", query)])
        .header("accept", "application/json");
    for (name, value) in extra {
        request = request.header(*name, HeaderValue::from_str(value).unwrap());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| v.to_str().unwrap().to_owned())
}

async fn public_reads_are_cacheable_until_a_write(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, headers, body) = get(&server, PROFILE, &[]).await;
    assert_eq!(status, 200, "{body}");
    let tag = header(&headers, "etag").expect("an ETag");
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(
        header(&headers, "cache-control").as_deref(),
        Some("public, max-age=5, stale-while-revalidate=30")
    );
    assert!(header(&headers, "vary").unwrap().contains("authorization"));

    // The copy is current: 304, no body, the same tag.
    let (status, headers, body) = get(&server, PROFILE, &[("if-none-match", tag.clone())]).await;
    assert_eq!((status, body.as_str()), (304, ""));
    assert_eq!(header(&headers, "etag"), Some(tag.clone()));

    // Another representation, another tag.
    let other = reqwest::Client::new()
        .get(format!("{}/graphql", server.url))
        .query(&[("query", PROFILE)])
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .unwrap();
    assert_ne!(header(other.headers(), "etag"), Some(tag.clone()));

    // A token's request is the caller's own, and an answer with errors is not kept.
    let reader = server.token("read").await;
    let auth = ("authorization", format!("Bearer {reader}"));
    let (status, headers, _) = get(&server, PROFILE, &[auth]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "etag"), None);
    assert_eq!(
        header(&headers, "cache-control").as_deref(),
        Some("no-store")
    );
    let (_, headers, body) = get(&server, "{ cluster(slug: \"masit\") { nope } }", &[]).await;
    assert!(body.contains("errors"), "{body}");
    assert_eq!(header(&headers, "etag"), None);
    assert_eq!(
        header(&headers, "cache-control").as_deref(),
        Some("no-store")
    );

    // A write moves the tag: the old copy is stale, and the new answer says what changed.
    let writer = server.token("write").await;
    let version = server.data(PROFILE, json!({})).await["cluster"]["version"].clone();
    let rename = r#"mutation($v: Int!) { updateCluster(slug: "masit", version: $v,
        input: { region: "Skopje Planning Region" }) { version } }"#;
    server
        .data_as(&writer, rename, json!({ "v": version }))
        .await;
    server.search.caught_up(&server.db).await.unwrap();
    let (status, headers, body) = get(&server, PROFILE, &[("if-none-match", tag.clone())]).await;
    assert_eq!(status, 200, "stale after the write");
    assert!(body.contains("Skopje Planning Region"), "{body}");
    let fresh = header(&headers, "etag").unwrap();
    assert_ne!(fresh, tag);
    let (status, _, _) = get(&server, PROFILE, &[("if-none-match", fresh)]).await;
    assert_eq!(status, 304);

    // POSTs are never cacheable.
    let post = reqwest::Client::new()
        .post(format!("{}/graphql", server.url))
        .json(&json!({ "query": PROFILE }))
        .send()
        .await
        .unwrap();
    assert_eq!(header(post.headers(), "etag"), None);
}

on_both_backends! {
    public_reads_are_cacheable_until_a_write => super::public_reads_are_cacheable_until_a_write;
}
