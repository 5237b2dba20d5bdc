#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! Search over the sample pages (and the real seed pages where they are beside the project), through the real server: relevance, typos, folding,
//! highlights, facets, lenient syntax, autocomplete; and the index agreeing with the store
//! after import, re-import, deletion and a rebuild. On SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use serde_json::{Value, json};
use support::{Backend, Pages, TestServer};

const SEARCH: &str = r#"query($q: String!, $kinds: [SearchKind!], $filter: SearchFilter, $first: Int) {
  search(query: $q, kinds: $kinds, filter: $filter, first: $first) {
    totalCount
    facets { name value count }
    edges { node { score kind
      highlights { field fragment text marks { start end } }
      entity { __typename
        ... on Cluster { slug name }
        ... on NewsItem { id title publishedOn body }
        ... on Service { heading items }
        ... on ProgrammeParticipation { programme { name } } } } } } }"#;

async fn search(server: &TestServer, q: &str, vars: Value) -> Value {
    let mut variables = json!({ "q": q });
    variables
        .as_object_mut()
        .unwrap()
        .extend(vars.as_object().unwrap().clone());
    let body = server.post(SEARCH, variables).await;
    assert!(body.get("errors").is_none(), "{q}: {body}");
    body
}

fn hits(body: &Value) -> &Vec<Value> {
    body["data"]["search"]["edges"].as_array().unwrap()
}

fn entity(hit: &Value) -> &Value {
    &hit["node"]["entity"]
}

/// The text each mark of a highlight covers, cut by its UTF-16 offsets.
fn marked_words(highlight: &Value) -> Vec<String> {
    let units: Vec<u16> = highlight["text"].as_str().unwrap().encode_utf16().collect();
    highlight["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            String::from_utf16_lossy(&units[s..e])
        })
        .collect()
}

fn all_marked(hit: &Value) -> Vec<String> {
    hit["node"]["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(marked_words)
        .collect()
}

async fn the_pages_answer_what_people_ask(backend: Backend, pages: Pages) {
    let Some(server) = TestServer::on(backend, pages).await else {
        return;
    };
    server.search.caught_up(&server.db).await.unwrap();

    // "matchmaking": the conference item first, the word marked in its title.
    let body = search(&server, "matchmaking", json!({})).await;
    let first = &hits(&body)[0];
    assert_eq!(entity(first)["title"], "4th Cluster Matchmaking Conference");
    assert!(
        first["node"]["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["field"] == "title"
                && h["fragment"] == "4th Cluster <mark>Matchmaking</mark> Conference"),
        "{first}"
    );

    // "Budva": the annual meeting and its announcement, and in Cyrillic the same.
    for q in ["Budva", "Будва"] {
        let body = search(&server, q, json!({})).await;
        let dates: Vec<&str> = hits(&body)
            .iter()
            .map(|h| entity(h)["publishedOn"].as_str().unwrap())
            .collect();
        assert_eq!(dates, ["2016-10-01", "2016-08-08"], "{q}");
        for h in hits(&body) {
            assert_eq!(all_marked(h), ["Budva"], "{q}");
        }
    }

    // A typo of 7 letters in a word of a technology field.
    let body = search(&server, "embeded systems", json!({})).await;
    assert_eq!(entity(&hits(&body)[0])["slug"], "ict-net");
    let body = search(&server, "embedded sytsems", json!({})).await;
    assert_eq!(
        entity(&hits(&body)[0])["slug"],
        "ict-net",
        "a swap is one typo"
    );
    assert!(all_marked(&hits(&body)[0]).contains(&"Systems".to_owned()));

    // A wrong first letter counts as two typos: forgiven in a word of 9 letters or more
    // (and marked), not in a shorter one.
    let body = search(&server, "natchmaking", json!({})).await;
    let conference = hits(&body)
        .iter()
        .find(|h| entity(h)["title"] == "4th Cluster Matchmaking Conference")
        .unwrap_or_else(|| panic!("a first-letter typo of a long word: {body}"));
    assert!(all_marked(conference).contains(&"Matchmaking".to_owned()));
    let body = search(&server, "Vudva", json!({})).await;
    assert!(
        hits(&body).is_empty(),
        "a first-letter typo of a short word: {body}"
    );

    // The compound, typed either way.
    for q in ["egovernment", "e-Government", "E-GOVERNMENT"] {
        let body = search(&server, q, json!({})).await;
        assert_eq!(entity(&hits(&body)[0])["slug"], "masit", "{q}");
        assert!(all_marked(&hits(&body)[0]).contains(&"e-Government".to_owned()));
    }

    // "Danube": the DANUBE ICT items, every one with the word marked.
    let body = search(&server, "Danube", json!({})).await;
    assert!(hits(&body).len() >= 2, "{body}");
    for h in hits(&body) {
        assert_eq!(h["node"]["kind"], "NEWS");
        let marked = all_marked(h);
        assert!(
            marked.iter().all(|w| w.eq_ignore_ascii_case("danube")) && !marked.is_empty(),
            "{marked:?}"
        );
        assert!(
            entity(h)["body"].as_str().unwrap().contains("DANUBE ICT")
                || entity(h)["body"].as_str().unwrap().contains("Danube ICT")
        );
    }

    // "training" among services: the Training Academy of MASIT. (ICT NET's page names no
    // training anywhere.)
    let body = search(&server, "training", json!({ "kinds": ["SERVICE"] })).await;
    assert!(hits(&body).iter().all(|h| h["node"]["kind"] == "SERVICE"));
    assert_eq!(entity(&hits(&body)[0])["heading"], "MASIT Training Academy");
    assert_eq!(body["data"]["search"]["totalCount"], hits(&body).len());

    // The words as a phrase rank above the same words scattered.
    let body = search(&server, "clusters network", json!({ "first": 50 })).await;
    let together: Vec<bool> = hits(&body)
        .iter()
        .map(|h| {
            let e = entity(h);
            let text = format!(
                "{} {}",
                e["title"].as_str().unwrap_or(""),
                e["body"].as_str().unwrap_or("")
            )
            .to_lowercase()
            .replace(['’', '\''], "");
            text.contains("clusters network")
        })
        .collect();
    assert!(
        together.contains(&true) && together.contains(&false),
        "{together:?}"
    );
    let first_scattered = together.iter().position(|t| !t).unwrap();
    assert!(
        together[first_scattered..].iter().all(|t| !t),
        "phrase hits first: {together:?}"
    );

    // Facets count the whole result set, not the page.
    let body = search(&server, "ICT", json!({ "first": 1 })).await;
    let total = body["data"]["search"]["totalCount"].as_u64().unwrap();
    assert!(total > 5, "{total}");
    assert_eq!(hits(&body).len(), 1);
    let kinds: u64 = body["data"]["search"]["facets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "kind")
        .map(|f| f["count"].as_u64().unwrap())
        .sum();
    assert_eq!(kinds, total);

    // A filter alone lists, with its facets.
    let body = search(&server, "", json!({ "filter": { "country": ["rs"] } })).await;
    let search_result = &body["data"]["search"];
    assert!(search_result["totalCount"].as_u64().unwrap() >= 2);
    assert!(
        search_result["facets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "country" && f["value"] == "RS")
    );
    assert!(
        search_result["facets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["name"] != "country" || f["value"] == "RS")
    );
    // News items are under the countries of the clusters they name.
    assert!(
        search_result["facets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "kind" && f["value"] == "NEWS" && f["count"].as_u64() > Some(0)),
        "{search_result}"
    );

    // Hits of every kind load their entities together, one statement per kind (services:
    // groups and items), and nested selections under them load as elsewhere.
    let nested = r#"query($q: String!) { search(query: $q, first: 100) { edges { node { kind
      entity { __typename
        ... on Cluster { name country { code } }
        ... on NewsItem { title }
        ... on Service { heading items }
        ... on ProgrammeParticipation { programme { name framework } } } } } } }"#;
    let body = server.data(nested, json!({ "q": "ICT" })).await;
    let kinds: std::collections::BTreeSet<&str> = body["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["entity"]["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    let masit = body["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["entity"]["name"] == "MASIT - ICT chamber of commerce")
        .unwrap();
    assert_eq!(masit["node"]["entity"]["country"]["code"], "MK");
    // cluster, news, participation, service group, service items, programme.
    assert_eq!(
        server.count_statements(nested, json!({ "q": "ICT" })).await,
        6
    );

    // Every taxonomy filters, activity types and languages too.
    let body = search(
        &server,
        "",
        json!({ "kinds": ["CLUSTER"], "filter": { "activityType": ["Participation at missions/events/study visits/fairs"] } }),
    )
    .await;
    let slugs: Vec<&Value> = hits(&body).iter().map(|h| &entity(h)["slug"]).collect();
    assert!(slugs.contains(&&json!("ict-net")), "{body}");
    assert!(
        body["data"]["search"]["facets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "activityType")
    );
}

async fn syntax_mistakes_are_warnings_not_errors(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.search.caught_up(&server.db).await.unwrap();
    for (q, code) in [
        ("\"annual meeting", "UNCLOSED_QUOTE"),
        ("Budva OR", "DANGLING_OR"),
        ("(Budva)", "UNSUPPORTED_GROUPING"),
        ("color:blue Budva", "UNKNOWN_FIELD"),
        ("Budva matchmaking", "MATCHED_ANY_WORD"),
    ] {
        let body = search(&server, q, json!({})).await;
        let codes: Vec<&str> = body["extensions"]["warnings"]
            .as_array()
            .unwrap_or_else(|| panic!("{q}: {body}"))
            .iter()
            .map(|w| w["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&code), "{q}: {codes:?}");
        assert!(!hits(&body).is_empty(), "{q} still finds something");
    }
    // 10,000 words cost no more than 32.
    let long = "Budva ".repeat(10_000);
    let body = server
        .post(
            SEARCH,
            json!({ "q": long.chars().take(999).collect::<String>() }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    // Exclusion, OR, scopes.
    let body = search(&server, "Budva -infofest", json!({})).await;
    assert_eq!(hits(&body).len(), 1, "{body}");
    let body = search(&server, "Budva OR matchmaking", json!({})).await;
    assert_eq!(hits(&body).len(), 3);
    let body = search(&server, "name:masit", json!({})).await;
    assert!(hits(&body).iter().all(|h| h["node"]["kind"] != "NEWS"));
    let body = search(&server, "news:masit", json!({})).await;
    assert!(!hits(&body).is_empty());
    assert!(hits(&body).iter().all(|h| h["node"]["kind"] == "NEWS"));
}

async fn suggest_completes_names_places_and_terms(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.search.caught_up(&server.db).await.unwrap();
    let suggest = |prefix: &'static str| {
        let server = &server;
        async move {
            let body = server
                .data(
                    "query($p: String!) { suggest(prefix: $p, first: 5) { label kind weight } }",
                    json!({ "p": prefix }),
                )
                .await;
            body["suggest"].as_array().unwrap().clone()
        }
    };
    let found = suggest("vojv").await;
    assert_eq!(found[0]["label"], "Vojvodina");
    assert_eq!(found[0]["kind"], "PLACE");
    let found = suggest("black se").await;
    assert_eq!(
        found[0]["label"],
        "Balkan and Black Sea ICT Clusters Network"
    );
    assert_eq!(found[0]["kind"], "NETWORK");
    let found = suggest("embed").await;
    assert_eq!(found[0]["label"], "Embedded Systems and Real Time Systems");
    assert_eq!(found[0]["kind"], "TERM");
    let found = suggest("mas").await;
    assert!(
        found
            .iter()
            .any(|s| s["label"] == "MASIT - ICT chamber of commerce" && s["kind"] == "CLUSTER"),
        "{found:?}"
    );
}

/// Every cluster by its name, every news item by its opening words.
async fn assert_index_agrees_with_store(server: &TestServer, context: &str) {
    server.search.caught_up(&server.db).await.unwrap();
    let stored = server
        .data(
            "{ clusters(first: 100) { edges { node { slug name } } } news(first: 100) { edges { node { id body } } } }",
            json!({}),
        )
        .await;
    for c in stored["clusters"]["edges"].as_array().unwrap() {
        let name = c["node"]["name"].as_str().unwrap();
        let body = search(
            server,
            &format!("name:\"{}\"", name.replace('"', " ")),
            json!({ "kinds": ["CLUSTER"] }),
        )
        .await;
        assert!(
            hits(&body)
                .iter()
                .any(|h| entity(h)["slug"] == c["node"]["slug"]),
            "{context}: cluster {name} not found: {body}"
        );
    }
    let news = stored["news"]["edges"].as_array().unwrap();
    for n in news {
        let opening: Vec<&str> = n["node"]["body"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .take(8)
            .collect();
        let body = search(
            server,
            &format!("\"{}\"", opening.join(" ").replace('"', " ")),
            json!({ "kinds": ["NEWS"], "first": 100 }),
        )
        .await;
        assert!(
            hits(&body)
                .iter()
                .any(|h| entity(h)["id"] == n["node"]["id"]),
            "{context}: news {:?} not found",
            opening
        );
    }
    // Nothing in the index that the store no longer has.
    let everything = search(server, "", json!({ "kinds": ["NEWS"], "first": 100 })).await;
    assert_eq!(
        everything["data"]["search"]["totalCount"].as_u64().unwrap() as usize,
        news.len(),
        "{context}"
    );
    assert!(hits(&everything).iter().all(|h| !entity(h).is_null()));
}

async fn index_and_store_agree_after_import_reimport_deletion_and_rebuild(backend: Backend) {
    let server = TestServer::start(backend).await;
    assert_index_agrees_with_store(&server, "after import").await;

    assert_eq!(server.reimport_pages().await, 0);
    assert_index_agrees_with_store(&server, "after re-import").await;

    // The news page without its KosICT item: the item goes from store and index.
    let before = search(&server, "KosICT", json!({})).await;
    assert_eq!(hits(&before).len(), 1);
    server
        .reimport_pages_edited(|page| {
            match (page.find("August 24, 2016"), page.find("August 08, 2016")) {
                (Some(from), Some(to)) => format!("{}{}", &page[..from], &page[to..]),
                _ => page.to_owned(),
            }
        })
        .await;
    assert_index_agrees_with_store(&server, "after deletion").await;
    let body = search(&server, "KosICT", json!({})).await;
    assert_eq!(body["data"]["search"]["totalCount"], 0, "{body}");

    cluster_atlas::search::rebuild(
        &server.db,
        server.index_dir(),
        &indicatif::ProgressBar::hidden(),
    )
    .await
    .unwrap();
    assert_index_agrees_with_store(&server, "after rebuild").await;
    let body = search(&server, "KosICT", json!({})).await;
    assert_eq!(body["data"]["search"]["totalCount"], 0, "{body}");
    let body = search(&server, "Budva", json!({})).await;
    assert_eq!(hits(&body).len(), 2);
}

const SIMILAR: &str = r#"query($slug: String!, $first: Int) {
  cluster(slug: $slug) {
    similar(first: $first) { score reasons { kind taxonomy value weight } cluster { slug } } } }"#;

const PROFILE: &str = r#"query($slug: String!) {
  cluster(slug: $slug) { strategy objectives country { code }
    terms { kind name } cooperation { countries { code } } } }"#;

/// What a reason claims the two clusters share is in both profiles.
fn shared_in_both(reason: &Value, mine: &Value, theirs: &Value) -> bool {
    let value = reason["value"].as_str().unwrap();
    let has_term = |p: &Value| {
        p["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == value && t["kind"] == reason["taxonomy"])
    };
    let targets = |p: &Value| -> Vec<String> {
        p["cooperation"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["countries"].as_array().unwrap().clone())
            .map(|c| c["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let prose = |p: &Value| {
        format!(
            "{} {}",
            p["strategy"].as_str().unwrap_or(""),
            p["objectives"]
        )
        .to_lowercase()
    };
    match reason["kind"].as_str().unwrap() {
        "TARGET_COUNTRY" => {
            targets(mine).contains(&value.into()) && targets(theirs).contains(&value.into())
        }
        "BASED_IN_TARGET_COUNTRY" => {
            targets(mine).contains(&value.into()) && theirs["country"]["code"] == value
        }
        "STRATEGY_WORD" => {
            // The word as this cluster spells it; the other may have another form of it.
            let word = value.to_lowercase();
            let n = word.chars().count();
            let stem: String = word
                .chars()
                .take(n.saturating_sub(4).max(5).min(n))
                .collect();
            prose(mine).contains(&word) && prose(theirs).contains(&stem)
        }
        "TERM" => has_term(mine) && has_term(theirs),
        other => panic!("unknown reason kind {other}"),
    }
}

async fn similar_clusters_come_with_what_they_share(backend: Backend) {
    let server = TestServer::start(backend).await;
    // Copies of ICT NET's page under other names: they share all of its profile.
    server.add_variants(3).await;
    server.search.caught_up(&server.db).await.unwrap();
    let similar = |slug: &'static str, first: i32| {
        let server = &server;
        async move {
            let body = server
                .data(SIMILAR, json!({ "slug": slug, "first": first }))
                .await;
            body["cluster"]["similar"].as_array().unwrap().clone()
        }
    };
    let profile = |slug: &'static str| {
        let server = &server;
        async move { server.data(PROFILE, json!({ "slug": slug })).await["cluster"].clone() }
    };

    let found = similar("ict-net", 10).await;
    let slugs: Vec<&str> = found
        .iter()
        .map(|s| s["cluster"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.len(), 4, "{found:?}");
    assert!(!slugs.contains(&"ict-net"), "never itself: {slugs:?}");
    // The copies share all of it (where they are based aside); MASIT, another ICT cluster,
    // shares part.
    let masit = &found[3];
    assert_eq!(masit["cluster"]["slug"], "masit");
    let score = masit["score"].as_f64().unwrap();
    assert!(score > 0.0 && score < 1.0, "{masit}");
    let sum: f64 = masit["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_f64().unwrap())
        .sum();
    assert!(sum > 0.0, "the score is the reasons' weight: {masit}");
    let reasons = masit["reasons"].as_array().unwrap();
    for twin in &found[..3] {
        assert!(
            twin["cluster"]["slug"]
                .as_str()
                .unwrap()
                .starts_with("ict-net-")
        );
        assert_eq!(twin["score"], found[0]["score"]);
        assert!(twin["score"].as_f64().unwrap() > score + 0.1, "{twin}");
        let theirs = twin["reasons"].as_array().unwrap();
        for r in reasons
            .iter()
            .filter(|r| r["kind"] != "BASED_IN_TARGET_COUNTRY")
        {
            assert!(
                theirs
                    .iter()
                    .any(|t| t["kind"] == r["kind"] && t["value"] == r["value"])
            );
        }
    }
    assert!(!reasons.is_empty());
    let weights: Vec<f64> = reasons
        .iter()
        .map(|r| r["weight"].as_f64().unwrap())
        .collect();
    assert!(
        weights.windows(2).all(|w| w[0] >= w[1]),
        "heaviest first: {weights:?}"
    );
    // Both list "Digital Industries"; no technology field is common to them.
    assert!(
        reasons
            .iter()
            .any(|r| r["taxonomy"] == "EMERGING_INDUSTRY" && r["value"] == "Digital Industries"),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().all(|r| r["taxonomy"] != "TECHNOLOGY_FIELD"),
        "{reasons:?}"
    );
    let (ict_net, masit_profile) = (profile("ict-net").await, profile("masit").await);
    for r in reasons {
        assert!(
            shared_in_both(r, &ict_net, &masit_profile),
            "not shared: {r}"
        );
    }

    // From MASIT's side the four ICT NET profiles are equally close: ties in id order.
    let found = similar("masit", 2).await;
    let slugs: Vec<&str> = found
        .iter()
        .map(|s| s["cluster"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["ict-net", "ict-net-00"]);
    assert_eq!(found[0]["score"], found[1]["score"]);
    assert!(found[0]["score"].as_f64().unwrap() <= 1.0);
    // MASIT's strategy words that ICT NET's texts use too (its own words lead from ICT NET's
    // side, being rarer than those it shares with MASIT).
    let reasons = found[0]["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r["kind"] == "STRATEGY_WORD"),
        "{reasons:?}"
    );
    for r in reasons {
        assert!(
            shared_in_both(r, &masit_profile, &ict_net),
            "not shared: {r}"
        );
    }

    let errors = server
        .post(SIMILAR, json!({ "slug": "masit", "first": -1 }))
        .await;
    assert_eq!(
        errors["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{errors}"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

async fn hits_in(search: &cluster_atlas::search::Search, query: &str) -> usize {
    let request = cluster_atlas::search::Request {
        query: query.into(),
        limit: 10,
        ..Default::default()
    };
    search.search(request).await.unwrap().total
}

/// Search over the index in `dir` for the store `db`, once it has applied the whole outbox.
async fn opened_caught_up(
    db: &sea_orm::DatabaseConnection,
    dir: &std::path::Path,
) -> cluster_atlas::search::Search {
    let search = cluster_atlas::search::Search::start(db, dir).await.unwrap();
    search.caught_up(db).await.unwrap();
    search
}

async fn an_index_behind_the_pruned_outbox_is_rebuilt(backend: Backend) {
    use cluster_atlas::store::{outbox, outbox_pruned};
    let server = TestServer::start(backend).await;
    server.search.caught_up(&server.db).await.unwrap();
    // A replica's index, left as it is now while the store moves on.
    let replica = tempfile::tempdir().unwrap();
    copy_dir(&server.index_dir(), replica.path());
    server
        .reimport_pages_edited(|page| page.replace("Budva", "Kotor"))
        .await;
    server.search.caught_up(&server.db).await.unwrap();
    assert_eq!(hits_in(&server.search, "Kotor").await, 2);

    // Nothing pruned is younger than the retention...
    let applied = outbox::last_id(&server.db).await.unwrap();
    let kept = std::time::Duration::from_secs(3600);
    assert_eq!(
        outbox_pruned::prune(&server.db, kept, applied)
            .await
            .unwrap(),
        0
    );
    // ...nor beyond what the pruning index applied.
    let gone = outbox_pruned::prune(&server.db, std::time::Duration::ZERO, applied - 1)
        .await
        .unwrap();
    assert!(gone > 0);
    assert_eq!(
        outbox_pruned::through(&server.db).await.unwrap(),
        applied - 1
    );
    assert_eq!(outbox::after(&server.db, 0, 10).await.unwrap().len(), 1);

    // The replica cannot replay the edit any more: it rebuilds, and finds it.
    let search = opened_caught_up(&server.db, replica.path()).await;
    assert_eq!(hits_in(&search, "Kotor").await, 2);
    assert_eq!(hits_in(&search, "Budva").await, 0);
}

/// An index that applied more of the outbox than its store ever held was built from another
/// store (or the store was recreated or restored from an older backup): it is rebuilt,
/// not trusted. Trusted, it took the store's new outbox entries for applied ones, and no
/// new write became searchable.
async fn an_index_ahead_of_its_store_is_rebuilt(backend: Backend) {
    let edited = TestServer::start(backend).await;
    edited
        .reimport_pages_edited(|page| page.replace("Budva", "Kotor"))
        .await;
    edited.search.caught_up(&edited.db).await.unwrap();
    let ahead = tempfile::tempdir().unwrap();
    copy_dir(&edited.index_dir(), ahead.path());

    let fresh = TestServer::start(backend).await;
    let search = opened_caught_up(&fresh.db, ahead.path()).await;
    assert_eq!(hits_in(&search, "Budva").await, 2);
    assert_eq!(hits_in(&search, "Kotor").await, 0);
}

/// An index built from another store is rebuilt, also when this store's outbox has grown
/// past it (so the ids alone look like a store it knows). Trusted, it took this store's
/// entries up to its own for applied ones: the other store's texts were found, not ours.
async fn an_index_from_another_store_is_rebuilt(backend: Backend) {
    use cluster_atlas::store::outbox;
    let other = TestServer::start(backend).await;
    other
        .reimport_pages_edited(|page| page.replace("Budva", "Kotor"))
        .await;
    other.search.caught_up(&other.db).await.unwrap();
    let foreign = tempfile::tempdir().unwrap();
    copy_dir(&other.index_dir(), foreign.path());

    let ours = TestServer::start(backend).await;
    let theirs = outbox::last_id(&other.db).await.unwrap();
    // Later writes of something else, until this store's outbox is past the index's.
    let more = usize::try_from(theirs).unwrap();
    outbox::record(&ours.db, outbox::Changed::Cluster, vec![1; more])
        .await
        .unwrap();
    assert!(outbox::last_id(&ours.db).await.unwrap() > theirs);
    let search = opened_caught_up(&ours.db, foreign.path()).await;
    assert_eq!(hits_in(&search, "Budva").await, 2);
    assert_eq!(hits_in(&search, "Kotor").await, 0);
}

/// The store went back to a backup taken before the index's last writes, and was written to
/// since: the outbox ids the index applied now name other writes, and the store's outbox
/// is past the index again (so neither the ids nor the identity tell). The index is rebuilt,
/// not trusted: trusted, it took the new writes for ones it applied and served the texts of
/// writes the backup never had.
async fn an_index_of_writes_a_restore_undid_is_rebuilt(backend: Backend) {
    use cluster_atlas::store::outbox;
    use sea_orm::ConnectionTrait;
    let server = TestServer::start(backend).await;
    server.search.caught_up(&server.db).await.unwrap();
    let backup = outbox::last_id(&server.db).await.unwrap();
    server
        .reimport_pages_edited(|page| page.replace("Budva", "Kotor"))
        .await;
    server.search.caught_up(&server.db).await.unwrap();
    let applied = outbox::last_id(&server.db).await.unwrap();
    let stale = tempfile::tempdir().unwrap();
    copy_dir(&server.index_dir(), stale.path());

    // The restore: the outbox and its id sequence as they were at the backup.
    let rewind = match server.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!(
            "DELETE FROM outbox WHERE id > {backup}; \
             SELECT setval(pg_get_serial_sequence('outbox', 'id'), {backup})"
        ),
        _ => format!(
            "DELETE FROM outbox WHERE id > {backup}; \
             UPDATE sqlite_sequence SET seq = {backup} WHERE name = 'outbox'"
        ),
    };
    server.db.execute_unprepared(&rewind).await.unwrap();
    // Written to since: the pages as the backup had them, and more, past the index.
    server.reimport_pages_edited(str::to_owned).await;
    let now = outbox::last_id(&server.db).await.unwrap();
    assert!(now > backup && now <= applied, "the writes reuse the ids");
    let more = usize::try_from(applied - now + 1).unwrap();
    outbox::record(&server.db, outbox::Changed::Network, vec![1; more])
        .await
        .unwrap();

    let search = opened_caught_up(&server.db, stale.path()).await;
    assert_eq!(hits_in(&search, "Budva").await, 2);
    assert_eq!(hits_in(&search, "Kotor").await, 0);
}

/// `reindex` pointed at another database but at a running server's index folder: the
/// server does not serve that store's index, it rebuilds from its own.
async fn a_rebuild_from_another_store_is_not_served(backend: Backend) {
    let other = TestServer::start(backend).await;
    other
        .reimport_pages_edited(|page| page.replace("Budva", "Kotor"))
        .await;
    let ours = TestServer::start(backend).await;
    ours.search.caught_up(&ours.db).await.unwrap();
    cluster_atlas::search::rebuild(
        &other.db,
        ours.index_dir(),
        &indicatif::ProgressBar::hidden(),
    )
    .await
    .unwrap();
    ours.search.caught_up(&ours.db).await.unwrap();
    assert_eq!(hits_in(&ours.search, "Budva").await, 2);
    assert_eq!(hits_in(&ours.search, "Kotor").await, 0);
}

on_both_backends! {
    the_sample_pages_answer_what_people_ask => |b| super::the_pages_answer_what_people_ask(b, Pages::Sample);
    the_real_seed_pages_answer_what_people_ask => |b| super::the_pages_answer_what_people_ask(b, Pages::RealSeeds);
    syntax_mistakes_are_warnings_not_errors => super::syntax_mistakes_are_warnings_not_errors;
    suggest_completes_names_places_and_terms => super::suggest_completes_names_places_and_terms;
    index_and_store_agree_after_import_reimport_deletion_and_rebuild => super::index_and_store_agree_after_import_reimport_deletion_and_rebuild;
    similar_clusters_come_with_what_they_share => super::similar_clusters_come_with_what_they_share;
    an_index_behind_the_pruned_outbox_is_rebuilt => super::an_index_behind_the_pruned_outbox_is_rebuilt;
    an_index_ahead_of_its_store_is_rebuilt => super::an_index_ahead_of_its_store_is_rebuilt;
    an_index_from_another_store_is_rebuilt => super::an_index_from_another_store_is_rebuilt;
    a_rebuild_from_another_store_is_not_served => super::a_rebuild_from_another_store_is_not_served;
    an_index_of_writes_a_restore_undid_is_rebuilt => super::an_index_of_writes_a_restore_undid_is_rebuilt;
}
