#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! API tokens: created, listed and revoked with `cluster-atlas token`, stored as digests,
//! sent as `Authorization: Bearer`; scopes decide who may import pages through the API, and
//! an operator can make reads need a token too. On SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use std::process::Command;

use cluster_atlas::http::Settings;
use serde_json::{Value, json};
use support::{Backend, TestServer};

/// `cluster-atlas token ARGS...` against `url`: its standard output, after checking it
/// succeeded.
fn token_cli(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cluster-atlas"))
        .env("DATABASE_URL", url)
        .arg("token")
        .args(args)
        .output()
        .expect("run cluster-atlas token");
    assert!(
        out.status.success(),
        "token {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn create(server: &TestServer, name: &str, scope: &str) -> String {
    token_cli(
        server.database_url(),
        &["create", "--name", name, "--scope", scope],
    )
    .trim()
    .to_owned()
}

const IMPORT: &str = r#"mutation($pages: [PageInput!]!) {
  importPages(pages: $pages) {
    imported { name kind subject changed warnings { line message } }
    failed { name line message } } }"#;

/// ICT NET's sample page as another cluster's, posted as the API takes pages.
fn page() -> Value {
    let text = support::sample(support::ICT_NET);
    json!([{
        "name": "ict-net-kragujevac.txt",
        "text": text,
        "slug": "ict-net-kragujevac",
        "clusterName": "ICT NET Kragujevac",
        "country": "rs",
    }])
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn scopes_decide_who_may_import_pages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let reader = create(&server, "dashboard", "read");
    let writer = create(&server, "cms", "write");
    let admin = create(&server, "operator", "admin");
    let vars = json!({ "pages": page() });

    let (status, body) = server.post_as(None, IMPORT, vars.clone()).await;
    assert_eq!((status, code(&body)), (200, "UNAUTHENTICATED"), "{body}");
    for token in [&reader, &writer] {
        let (status, body) = server.post_as(Some(token), IMPORT, vars.clone()).await;
        assert_eq!((status, code(&body)), (200, "FORBIDDEN"), "{body}");
    }
    // Refused writes wrote nothing.
    let probe = "{ cluster(slug: \"ict-net-kragujevac\") { name } }";
    let (_, body) = server.post_as(None, probe, json!({})).await;
    assert_eq!(body["data"]["cluster"], Value::Null);

    let (status, body) = server.post_as(Some(&admin), IMPORT, vars.clone()).await;
    assert_eq!(status, 200, "{body}");
    let imported = &body["data"]["importPages"]["imported"][0];
    assert_eq!(imported["kind"], "PROFILE");
    assert_eq!(imported["subject"], "ict-net-kragujevac");
    assert!(imported["changed"].as_i64().unwrap() > 0);
    // The importer's warnings, as `import` reports them (the page's empty fields).
    assert!(
        !imported["warnings"].as_array().unwrap().is_empty(),
        "{body}"
    );
    let (_, body) = server.post_as(Some(&reader), probe, json!({})).await;
    assert_eq!(body["data"]["cluster"]["name"], "ICT NET Kragujevac");
    // The same page again changes nothing; and the write is searchable.
    let (_, body) = server.post_as(Some(&admin), IMPORT, vars.clone()).await;
    assert_eq!(
        body["data"]["importPages"]["imported"][0]["changed"], 0,
        "{body}"
    );
    server.search.caught_up(&server.db).await.unwrap();
    let (_, body) = server
        .post_as(
            None,
            "{ search(query: \"Kragujevac\", kinds: [CLUSTER]) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["search"]["totalCount"], 1, "{body}");

    // A page that cannot be imported is reported, the others are not held back.
    let mut pages = page().as_array().unwrap().clone();
    pages.push(json!({ "name": "empty.txt", "text": "" }));
    let (_, body) = server
        .post_as(Some(&admin), IMPORT, json!({ "pages": pages }))
        .await;
    assert_eq!(
        body["data"]["importPages"]["failed"][0]["name"], "empty.txt",
        "{body}"
    );
    assert_eq!(
        body["data"]["importPages"]["imported"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (_, body) = server
        .post_as(Some(&admin), IMPORT, json!({ "pages": [] }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");

    // Whole pages are larger than anyone else's variables may be: an admin posts all three
    // sample pages at once (23 KB), a writer may not send as much.
    let pages: Vec<Value> = [support::MASIT, support::NEWS, support::ICT_NET]
        .iter()
        .enumerate()
        .map(|(i, file)| {
            json!({ "name": file, "text": support::sample(file), "slug": format!("page-{i}"),
                    "clusterName": format!("Sample cluster {i}"), "country": "MK",
                    "source": format!("https://example.org/{file}") })
        })
        .collect();
    let all = json!({ "pages": pages });
    assert!(all.to_string().len() > 16 << 10);
    let (_, body) = server.post_as(Some(&writer), IMPORT, all.clone()).await;
    assert_eq!(code(&body), "VARIABLES_TOO_LARGE", "{body}");
    let (status, body) = server.post_as(Some(&admin), IMPORT, all).await;
    assert_eq!(status, 200, "{body}");
    let kinds: Vec<&Value> = body["data"]["importPages"]["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|page| &page["kind"])
        .collect();
    assert_eq!(kinds.len(), 3, "{body}");
    assert!(kinds.contains(&&json!("NEWS")), "{body}");

    // Unknown, malformed and revoked tokens: 401 with a Bearer challenge, whatever the query.
    for bad in ["ca_not-a-token", "abc", &format!("{admin}x")] {
        let (status, body) = server.post_as(Some(bad), probe, json!({})).await;
        assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"), "{body}");
    }
    let listed = token_cli(server.database_url(), &["list"]);
    let admin_id = listed
        .lines()
        .find(|l| l.contains("operator"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    token_cli(server.database_url(), &["revoke", &admin_id]);
    let (status, _) = server.post_as(Some(&admin), IMPORT, vars).await;
    assert_eq!(status, 401);
    let listed = token_cli(server.database_url(), &["list"]);
    assert!(
        listed
            .lines()
            .any(|l| l.contains("operator") && !l.ends_with('-')),
        "{listed}"
    );

    // Only digests are stored, and listing shows no secret.
    for secret in [&reader, &writer, &admin] {
        assert!(!listed.contains(secret.as_str()));
        let rows = cluster_atlas::store::api_token::all(&server.db)
            .await
            .unwrap();
        assert!(rows.iter().all(|r| !r.digest.contains(&secret[3..])));
    }
}

/// A server whose reads need a token, and a read token of it.
async fn needing_tokens(backend: Backend) -> (TestServer, String) {
    let settings = Settings {
        reads_need_token: true,
        rate_limit: 0,
        ..Settings::default()
    };
    let server = TestServer::start_with(backend, settings).await;
    let reader = create(&server, "dashboard", "read");
    (server, reader)
}

async fn reads_can_be_made_to_need_a_token(backend: Backend) {
    let (server, reader) = needing_tokens(backend).await;
    let query = "{ cluster(slug: \"masit\") { slug } }";
    let (status, body) = server.post_as(None, query, json!({})).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"), "{body}");
    let (status, body) = server.post_as(Some(&reader), query, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["cluster"]["slug"], "masit");
}

/// Status and body of `GET path`, with `Authorization: Bearer <token>` when given.
async fn get(server: &TestServer, path: &str, token: Option<&str>, accept: &str) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .header("accept", accept);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Under `--reads-need-token` every route that reveals data or the schema refuses a
/// caller without a token; the probes and GraphiQL's page (which holds no data, and asks
/// for the token in its headers) stay open. The WebSocket's refusal is tested in
/// `subscriptions.rs`.
async fn every_route_that_reveals_something_needs_the_token(backend: Backend) {
    let (server, reader) = needing_tokens(backend).await;
    let json = "application/json";
    let query = "/graphql?query=%7B__typename%7D";
    let refused = [("/schema.graphql", "text/plain"), (query, json)];
    for (path, accept) in refused {
        let (status, body) = get(&server, path, None, accept).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert!(body.contains("UNAUTHENTICATED"), "{path}: {body}");
        let (status, body) = get(&server, path, Some(&reader), accept).await;
        assert_eq!(status, 200, "{path} with a token: {body}");
    }
    let (_, sdl) = get(&server, "/schema.graphql", Some(&reader), "text/plain").await;
    assert!(sdl.contains("type Query"), "{sdl}");
    for (path, accept) in [
        ("/healthz", "*/*"),
        ("/readyz", json),
        ("/graphql", "text/html"),
        ("/graphiql/graphiql.min.js", "*/*"),
    ] {
        let (status, body) = get(&server, path, None, accept).await;
        assert_eq!(status, 200, "{path} is open: {body:.200}");
        assert!(
            !body.contains("ICT chamber of commerce"),
            "{path} reveals no data"
        );
    }
}

on_both_backends! {
    scopes_decide_who_may_import_pages => super::scopes_decide_who_may_import_pages;
    reads_can_be_made_to_need_a_token => super::reads_can_be_made_to_need_a_token;
    every_route_that_reveals_something_needs_the_token =>
        super::every_route_that_reveals_something_needs_the_token;
}
