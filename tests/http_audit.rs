#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! GraphQL over HTTP as its specification says, checked by the reference audit suite
//! (graphql-http's `auditServer`, run by Node from `tests/audit`) against the real server.

#[allow(dead_code, reason = "the helpers are shared with tests/api.rs")]
mod support;

use std::path::PathBuf;

use serde_json::{Value, json};
use support::{Backend, TestServer};

/// Every audit graphql-http 1.23.1 has.
const AUDITS: usize = 61;

fn audit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/audit")
}

/// All 61 audits ok, the MAY ones (notices) included. Without Node or the suite the test
/// says so loudly instead of passing quietly, and fails when `ATLAS_REQUIRE_AUDIT=1` (CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_graphql_over_http_audit_is_ok() {
    if let Some(why) = support::node_missing("tests/audit", "graphql-http").await {
        let test = "every_graphql_over_http_audit_is_ok (the GraphQL-over-HTTP audit)";
        support::skip_unless_required(test, &why, "ATLAS_REQUIRE_AUDIT");
        return;
    }
    let server = TestServer::start(Backend::Sqlite).await;
    let out = tokio::process::Command::new("node")
        .arg("audit.mjs")
        .arg(format!("{}/graphql", server.url))
        .current_dir(audit_dir())
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = format!(
        "node {}:\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "audit failed: {report}");
    let audits: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with("audit:"))
        .collect();
    assert_eq!(audits.len(), AUDITS, "audit lines: {report}");
    assert!(
        audits.iter().all(|l| l.starts_with("ok ")),
        "audits not ok: {report}"
    );
}

/// The stock GET integration ignores `operationName`; ours picks the named operation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_runs_the_operation_its_name_picks() {
    let server = TestServer::start(Backend::Sqlite).await;
    let document = r#"query A { a: __typename } query B { cluster(slug: "masit") { name } }"#;
    let get = |name: &'static str| {
        reqwest::Client::new()
            .get(format!("{}/graphql", server.url))
            .query(&[("query", document), ("operationName", name)])
            .send()
    };
    let b = get("B").await.expect("request");
    assert_eq!(b.status(), 200);
    let b: Value = b.json().await.expect("JSON body");
    assert_eq!(
        b,
        json!({ "data": { "cluster": { "name": "MASIT - ICT chamber of commerce" } } })
    );
    let a: Value = get("A").await.expect("request").json().await.expect("JSON");
    assert_eq!(a, json!({ "data": { "a": "QueryRoot" } }));
}
