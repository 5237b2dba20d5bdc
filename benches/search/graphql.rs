//! End to end: the product's router served on loopback in this process, and a client sending
//! one request at a time (latency, not load) over a keep-alive connection.

use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use axum::Router;
use axum::body::Bytes;
use serde_json::{Value, json};

use crate::Answer;

/// What a search page shows: the first 10 with highlights and the entity's name or title,
/// the total and the facets.
pub const SEARCH: &str = "query Search($q: String!) { search(query: $q, first: 10) { \
    totalCount facets { name value count } edges { node { score kind \
    highlights { field fragment } entity { ... on Cluster { name } ... on NewsItem { title } } \
    } } } }";
/// The floor: HTTP, routing and GraphQL with no resolver doing any work.
pub const FLOOR: &str = "{ __typename }";

pub struct Graphql {
    client: reqwest::Client,
    url: String,
}

impl Graphql {
    pub async fn serve(router: Router) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(Self {
            client: reqwest::Client::builder().no_gzip().build()?,
            url: format!("http://{addr}/graphql"),
        })
    }

    pub fn body(query: &str, variables: Value) -> Bytes {
        Bytes::from(json!({ "query": query, "variables": variables }).to_string())
    }

    /// Posts `body`; the time until the whole response is read.
    pub async fn post(&self, body: &Bytes) -> anyhow::Result<(Duration, Bytes)> {
        let started = Instant::now();
        let response = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body.clone())
            .send()
            .await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        let took = started.elapsed();
        ensure!(
            status.is_success(),
            "{status}: {:.500}",
            String::from_utf8_lossy(&bytes)
        );
        Ok((took, bytes))
    }
}

/// What a search response holds; fails on GraphQL errors.
pub fn answer(body: &[u8]) -> anyhow::Result<Answer> {
    let v: Value = serde_json::from_slice(body)?;
    ensure!(v.get("errors").is_none(), "errors in {v:.1000}");
    let search = v.pointer("/data/search").context("no data.search")?;
    let edges = search["edges"].as_array().context("no edges")?;
    let highlighted = edges
        .iter()
        .filter(|e| {
            e.pointer("/node/highlights")
                .and_then(Value::as_array)
                .is_some_and(|h| !h.is_empty())
        })
        .count();
    Ok(Answer {
        total: search["totalCount"].as_u64().unwrap_or(0),
        hits: edges.len(),
        highlighted,
        facet_values: search["facets"].as_array().map_or(0, Vec::len),
        note: None,
    })
}
