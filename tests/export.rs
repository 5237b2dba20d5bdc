#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! Moving a store: `export` writes it whole as JSON Lines and `restore` loads that into an
//! empty store of either kind. Generated data at 2,000 clusters goes SQLite -> file ->
//! target -> file, and the two files are the same bytes and the two stores give the same
//! GraphQL answers; a file cut short, edited or broken is refused with its line before
//! anything is written, and a file the store refuses half-way leaves nothing behind. The
//! target is SQLite, and (with `TEST_DATABASE_URL`) PostgreSQL.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use std::io::BufReader;

use cluster_atlas::http::Settings;
use cluster_atlas::search::Search;
use cluster_atlas::store::dump;
use indicatif::ProgressBar;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Backend, TestStore};

async fn export(db: &DatabaseConnection) -> Vec<u8> {
    let mut out = Vec::new();
    dump::export(db, &mut out, &|_| {}).await.unwrap();
    out
}

async fn restore(db: &DatabaseConnection, file: &[u8]) -> Result<u64, dump::Error> {
    dump::check(BufReader::new(file))?;
    dump::restore(db, BufReader::new(file), &|_| {}).await
}

/// Serves `db` with an index of its own; the base URL.
async fn serve(store: &TestStore) -> String {
    let search = Search::start(&store.db, store.index_dir()).await.unwrap();
    search.caught_up(&store.db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let settings = Settings {
        rate_limit: 0,
        ..Settings::default()
    };
    let db = store.db.clone();
    tokio::spawn(async move {
        let never = std::future::pending::<()>();
        cluster_atlas::app::serve(listener, db, search, &settings, never).await
    });
    url
}

const QUERIES: &[&str] = &[
    r#"{ clusters(first: 100) { totalCount edges { cursor node { slug name version established
        region staffCount country { code name } contacts { role name phone email }
        technologyFields { name } sectors { name } programmes { scope programme { name } }
        networks { network { slug name kind } } services { heading items }
        news(first: 3) { totalCount edges { node { title publishedOn body } } } } } } }"#,
    r#"{ networks { totalCount edges { node { slug name kind version } } } }"#,
    r#"{ news(first: 50) { totalCount edges { node { id title publishedOn version
        publisher { slug } mentions { __typename } } } } }"#,
    r#"{ events(first: 50) { totalCount edges { node { name startsOn version } } } }"#,
    // Without scores, and compared as a set (see `answers`).
    r#"{ search(query: "aarhus", first: 100) { totalCount edges { node { kind
        entity { __typename ... on Cluster { slug } ... on NewsItem { title } } } } } }"#,
];

async fn answers(url: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for query in QUERIES {
        let mut body = support::post_graphql(url, &json!({ "query": query })).await;
        assert!(body.get("errors").is_none(), "{query}: {body}");
        // Each server's index replays the outbox entries of the last minute after its
        // build (they may belong to transactions still open), and the documents a replay
        // replaces count in Tantivy's statistics until a merge: two indexes of the same
        // rows may score near-equal hits in another order. The hits found must be equal.
        if let Some(Value::Array(edges)) = body.pointer_mut("/data/search/edges") {
            assert!((1..100).contains(&edges.len()), "the page holds every hit");
            edges.sort_by_key(ToString::to_string);
        }
        all.push(body);
    }
    all
}

async fn a_store_moves_whole_and_reads_the_same(backend: Backend) {
    let source = TestStore::open(Backend::Sqlite).await;
    let plan = cluster_atlas::generate::Plan {
        clusters: 2_000,
        news: 2_000,
        seed: 1,
    };
    cluster_atlas::generate::load(&source.db, &plan, &ProgressBar::hidden())
        .await
        .unwrap();
    let first = export(&source.db).await;
    let target = TestStore::open(backend).await;
    let rows = restore(&target.db, &first).await.unwrap();
    assert!(rows > 50_000, "{rows} rows");
    let second = export(&target.db).await;
    assert!(
        first == second,
        "the file read back from the target differs"
    );

    let (from, to) = (serve(&source).await, serve(&target).await);
    assert_eq!(answers(&from).await, answers(&to).await);
}

/// A file `restore` refuses, and the line it names.
async fn refused(db: &DatabaseConnection, file: &[u8]) -> String {
    let error = restore(db, file).await.expect_err("refused");
    assert_eq!(dump::rows(db).await.unwrap(), 0, "nothing written: {error}");
    error.to_string()
}

/// The file with its trailer's checksum made right again for the lines above it.
fn signed(lines: &[String]) -> Vec<u8> {
    let (body, trailer) = lines.split_at(lines.len() - 1);
    let mut digest = Sha256::new();
    for line in body {
        digest.update(line.as_bytes());
        digest.update(b"\n");
    }
    let mut trailer: Value = serde_json::from_str(&trailer[0]).unwrap();
    let hex: String = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    trailer["sha256"] = json!(hex);
    let mut out = body.join("\n");
    out.push('\n');
    out.push_str(&trailer.to_string());
    out.push('\n');
    out.into_bytes()
}

async fn a_damaged_file_is_refused_with_its_line_and_nothing_is_left(backend: Backend) {
    let source = TestStore::open(Backend::Sqlite).await;
    cluster_atlas::app::load_samples_if_empty(&source.db)
        .await
        .unwrap();
    let file = export(&source.db).await;
    let text = String::from_utf8(file.clone()).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let n = lines.len();
    let target = TestStore::open(backend).await;

    // Cut short, mid-line.
    let cut = &file[..file.len() * 2 / 3];
    let said = refused(&target.db, cut).await;
    assert!(
        said.contains("cut short") || said.contains("neither a row"),
        "{said}"
    );
    // Cut at a line's end: no trailer.
    let cut = lines[..n - 1].join("\n") + "\n";
    let said = refused(&target.db, cut.as_bytes()).await;
    assert!(
        said.contains(&format!("line {}: ", n - 1)) && said.contains("cut short"),
        "{said}"
    );
    // A value edited: the checksum says so.
    let edited = text.replacen("MASIT", "MASlT", 1);
    let said = refused(&target.db, edited.as_bytes()).await;
    assert!(
        said.contains(&format!("line {n}: the checksum does not match")),
        "{said}"
    );
    // A line that is no row, and a row of the wrong table, even re-signed.
    let mut broken = lines.clone();
    broken[4] = "{\"table\": \"term\", \"row\": {\"id\": \"one\"}}".to_owned();
    let said = refused(&target.db, &signed(&broken)).await;
    assert!(said.starts_with("line 5: not a row of term"), "{said}");
    let mut foreign = lines.clone();
    foreign[2] = foreign[2].replace("\"table\":\"term\"", "\"table\":\"ghost\"");
    let said = refused(&target.db, &signed(&foreign)).await;
    assert!(said.contains("line 3: \"ghost\" is no table"), "{said}");

    // Well formed, but a row the store refuses (a mention of a news item that is not
    // there): the tables loaded before it are emptied again.
    let mut dangling = lines.clone();
    let mention = dangling
        .iter()
        .position(|l| l.starts_with("{\"table\":\"news_mention\""))
        .expect("a mention");
    let mut row: Value = serde_json::from_str(&dangling[mention]).unwrap();
    row["row"]["news_id"] = json!(999_999);
    dangling[mention] = format!("{{\"table\":\"news_mention\",\"row\":{}}}", row["row"]);
    let said = refused(&target.db, &signed(&dangling)).await;
    assert!(said.to_lowercase().contains("foreign key"), "{said}");

    // A store that holds anything is no target.
    restore(&target.db, &file).await.unwrap();
    let error = restore(&target.db, &file).await.expect_err("not empty");
    assert!(error.to_string().contains("not empty"), "{error}");
}

on_both_backends! {
    a_store_moves_whole_and_reads_the_same => super::a_store_moves_whole_and_reads_the_same;
    a_damaged_file_is_refused_with_its_line_and_nothing_is_left =>
        super::a_damaged_file_is_refused_with_its_line_and_nothing_is_left;
}
