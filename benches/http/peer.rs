//! The peer (issue 28): PostGraphile 4, a generic GraphQL layer in one Node.js process,
//! started by the bench against the same PostgreSQL database with the options the issue
//! measured it with, and asked the bench's questions in its own schema's words. Both
//! answers are reduced to the same facts before they are compared: PostGraphile's shapes
//! differ from ours (`nodes` where we have `edges`, a country code without its name).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};

/// The pinned package (`package.json` and `package-lock.json` beside this file).
fn package_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/http/peer")
}

/// PostGraphile's options, as in the measurement.
const OPTIONS: &[&str] = &[
    "--dynamic-json",
    "--disable-default-mutations",
    "--simple-collections",
    "both",
    "--append-plugins",
    "@graphile-contrib/pg-many-to-many,@graphile-contrib/pg-simplify-inflector",
    "--disable-query-log",
    "--schema",
    "public",
];

/// A running PostGraphile, stopped when dropped.
pub struct Peer {
    child: tokio::process::Child,
    pub base: String,
}

impl Peer {
    /// Installs the pinned package when it is missing, starts PostGraphile on a free port and
    /// waits until it answers (it reads the database's catalogue first).
    pub async fn start(database_url: &str) -> anyhow::Result<Self> {
        install().await?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let cli = package_dir().join("node_modules/postgraphile/cli.js");
        let child = tokio::process::Command::new("node")
            .arg(&cli)
            .args(["--connection", database_url, "--host", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .args(OPTIONS)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("starting PostGraphile with `node` (is Node.js installed?)")?;
        let peer = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        peer.wait_until_answering().await?;
        Ok(peer)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    async fn wait_until_answering(&self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let answer = client
                .post(format!("{}/graphql", self.base))
                .json(&json!({ "query": "{ __typename }" }))
                .send()
                .await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                eprintln!(
                    "peer: PostGraphile answers at {} after {:.1} s",
                    self.base,
                    started.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            ensure!(
                started.elapsed() < Duration::from_secs(120),
                "PostGraphile did not answer within 120 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// `npm ci` of the pinned package, once.
async fn install() -> anyhow::Result<()> {
    let dir = package_dir();
    if dir.join("node_modules/postgraphile/cli.js").is_file() {
        return Ok(());
    }
    eprintln!("peer: npm ci in {}", dir.display());
    let status = tokio::process::Command::new("npm")
        .args(["ci", "--quiet", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        // Standard output is the report's.
        .stdout(Stdio::null())
        .status()
        .await
        .context("running npm (is Node.js installed?)")?;
    ensure!(status.success(), "npm ci in {} failed", dir.display());
    Ok(())
}

/// The nested selection of one cluster in PostGraphile's words: the same facts as the
/// bench's own selection, in the same orders (contacts and programmes by position,
/// networks by id, technology fields by name, news newest first).
const SELECTION: &str = "name established countryCode \
    contactsList(orderBy: POSITION_ASC) { role phone } \
    termsByClusterTermClusterIdAndTermIdList(condition: { kind: \"TECHNOLOGY_FIELD\" }, \
     orderBy: NAME_ASC) { name } \
    participationsList(orderBy: POSITION_ASC) { programme { name framework } } \
    membershipsList(orderBy: NETWORK_ID_ASC) { network { name } } \
    newsByNewsMentionClusterIdAndNewsId(first: 5, orderBy: [SORT_ON_DESC, ID_ASC]) { \
     totalCount nodes { title publishedOn } }";

pub fn profile_query() -> String {
    format!("query Profile($slug: String!) {{ clusterBySlug(slug: $slug) {{ {SELECTION} }} }}")
}

pub fn page_query(first: u64) -> String {
    format!(
        "query Page($after: Cursor) {{ clusters(first: {first}, after: $after, \
         orderBy: [NAME_KEY_ASC, ID_ASC]) {{ pageInfo {{ hasNextPage endCursor }} \
         nodes {{ {SELECTION} }} }} }}"
    )
}

/// PostGraphile's cursor for the page after cluster `id` in the list by name, asked of the
/// peer once before anything is measured (its cursors are its own).
pub async fn cursor_after(client: &reqwest::Client, base: &str, id: i32) -> anyhow::Result<String> {
    let query = "query After($id: Int!) { clusters(first: 1, condition: { id: $id }, \
                 orderBy: [NAME_KEY_ASC, ID_ASC]) { edges { cursor } } }";
    let answer: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": { "id": id } }))
        .send()
        .await?
        .json()
        .await?;
    answer["data"]["clusters"]["edges"][0]["cursor"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no cursor for cluster {id} in {answer:.500}"))
}

/// The facts of one side's answer (profile or page), in a form both sides reduce to: the
/// peer names the profile `clusterBySlug` and lists a page's `nodes` where we give `edges`.
pub fn facts_of(answer: &Value, side: Side) -> anyhow::Result<Value> {
    let (profile, list, node) = match side {
        Side::Ours => ("cluster", "edges", "/node"),
        Side::Peer => ("clusterBySlug", "nodes", ""),
    };
    let data = &answer["data"];
    if let Some(cluster) = data.get(profile) {
        return Ok(json!({ "cluster": cluster_facts(cluster, side)? }));
    }
    let page = &data["clusters"];
    let nodes = page[list]
        .as_array()
        .with_context(|| format!("no {list} in a page: {answer:.500}"))?
        .iter()
        .map(|item| cluster_facts(item.pointer(node).unwrap_or(&Value::Null), side))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(json!({ "hasNextPage": page["pageInfo"]["hasNextPage"], "clusters": nodes }))
}

/// Whose answer a fact comes from.
#[derive(Clone, Copy)]
pub enum Side {
    Ours,
    Peer,
}

fn cluster_facts(c: &Value, side: Side) -> anyhow::Result<Value> {
    if c.is_null() {
        return Ok(Value::Null);
    }
    let list = |key: &str| -> anyhow::Result<Vec<Value>> {
        c[key]
            .as_array()
            .cloned()
            .with_context(|| format!("no list `{key}` in {c:.300}"))
    };
    let pairs = |key: &str, inner: &str, a: &str, b: &str| -> anyhow::Result<Vec<Value>> {
        Ok(list(key)?
            .iter()
            .map(|x| {
                let x = if inner.is_empty() { x } else { &x[inner] };
                json!([x[a], x[b]])
            })
            .collect())
    };
    let names = |key: &str, inner: &str| -> anyhow::Result<Vec<Value>> {
        Ok(list(key)?
            .iter()
            .map(|x| {
                if inner.is_empty() {
                    x["name"].clone()
                } else {
                    x[inner]["name"].clone()
                }
            })
            .collect())
    };
    let (country, contacts, fields, programmes, networks, news, items) = match side {
        Side::Ours => (
            c["country"]["code"].clone(),
            pairs("contacts", "", "role", "phone")?,
            names("technologyFields", "")?,
            pairs("programmes", "programme", "name", "framework")?,
            names("networks", "network")?,
            &c["news"],
            c["news"]["edges"]
                .as_array()
                .context("no news edges")?
                .iter()
                .map(|e| json!([e["node"]["title"], e["node"]["publishedOn"]]))
                .collect::<Vec<_>>(),
        ),
        Side::Peer => (
            c["countryCode"].clone(),
            pairs("contactsList", "", "role", "phone")?,
            names("termsByClusterTermClusterIdAndTermIdList", "")?,
            pairs("participationsList", "programme", "name", "framework")?,
            names("membershipsList", "network")?,
            &c["newsByNewsMentionClusterIdAndNewsId"],
            c["newsByNewsMentionClusterIdAndNewsId"]["nodes"]
                .as_array()
                .context("no news nodes")?
                .iter()
                .map(|n| json!([n["title"], n["publishedOn"]]))
                .collect::<Vec<_>>(),
        ),
    };
    let total = news["totalCount"].as_i64();
    if total.is_none() {
        bail!("no news totalCount in {c:.300}");
    }
    Ok(json!({
        "name": c["name"],
        "established": c["established"],
        "country": country,
        "contacts": contacts,
        "technologyFields": fields,
        "programmes": programmes,
        "networks": networks,
        "news": { "total": total, "latest": items },
    }))
}
