#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! Integration tests: the real server on a free port, over HTTP, on SQLite and (when
//! `TEST_DATABASE_URL` is set) on PostgreSQL, each test with a database of its own.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use cluster_atlas::generate;
use indicatif::ProgressBar;
use serde_json::{Value, json};
use support::{Backend, Pages, TestServer};

const MASIT_QUERY: &str = r#"{ cluster(slug: "masit") { name established country { code name } contacts { role phone }
  technologyFields { name } programmes { programme { name framework } } networks { network { name } }
  news(first: 5) { totalCount edges { node { title publishedOn } } } } }"#;

async fn masit_profile_has_the_pages_facts(backend: Backend, pages: Pages) {
    let Some(server) = TestServer::on(backend, pages).await else {
        return;
    };
    let data = server.data(MASIT_QUERY, json!({})).await;
    let c = &data["cluster"];
    assert_eq!(c["name"], "MASIT - ICT chamber of commerce");
    assert_eq!(c["established"], "2000-02-26");
    assert_eq!(
        c["country"],
        json!({ "code": "MK", "name": "North Macedonia" })
    );
    let phones: Vec<&str> = c["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["phone"].as_str().unwrap())
        .collect();
    assert_eq!(
        phones,
        [
            "+38975 280 505",
            "+38975 280 506",
            "+38975 240 988",
            "+38978 296 487"
        ]
    );
    assert_eq!(c["contacts"][0]["role"], "Cluster Manager");
    assert_eq!(
        c["technologyFields"],
        json!([{ "name": "Cloud Technologies" }, { "name": "Computer Software" }])
    );
    let programmes: Vec<(String, String)> = c["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["programme"]["name"].as_str().unwrap().into(),
                p["programme"]["framework"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        programmes,
        [
            ("WINS-ICT", "FP7"),
            ("IDEAL-IST", "FP6"),
            ("SCORE", "FP6"),
            ("SEE Innovation", "FP6")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        c["networks"],
        json!([{ "network": { "name": "Balkan and Black Sea ICT Clusters Network" } }])
    );
    assert_eq!(
        c["news"]["totalCount"], 1,
        "named in the news of the network's third meeting"
    );
    let item = server
        .data(r#"{ news(filter: { cluster: ["masit"] }) { edges { node { body dateSuspect publishedAs } } } }"#, json!({}))
        .await;
    let node = &item["news"]["edges"][0]["node"];
    assert!(node["body"].as_str().unwrap().contains("Skopje"));
    assert_eq!(node["dateSuspect"], true);
    assert_eq!(node["publishedAs"], "January 01, 2020");
}

async fn ict_net_profile_has_the_pages_facts(backend: Backend, pages: Pages) {
    let Some(server) = TestServer::on(backend, pages).await else {
        return;
    };
    let q = r#"{ cluster(slug: "ict-net") { name established excellenceLabel region country { code }
        sectors { name } technologyFields { name } emergingIndustries { name } serviceTypes { name }
        objectives services { heading items } cooperation { scope countries { code } activities }
        composition { total sme } contacts { role phone }
        networks { asWritten network { slug } } news { totalCount edges { node { publishedOn } } } } }"#;
    let c = server.data(q, json!({})).await["cluster"].clone();
    assert_eq!(c["name"], "ICT NET");
    assert_eq!(c["established"], "2010-07-12");
    assert_eq!(c["excellenceLabel"], "BRONZE");
    assert_eq!(c["region"], "Vojvodina");
    assert_eq!(c["country"]["code"], "RS");
    assert_eq!(
        c["sectors"],
        json!([{ "name": "Business Services" }, { "name": "Education and Knowledge Creation" }])
    );
    assert_eq!(
        c["emergingIndustries"],
        json!([{ "name": "Creative Industries" }, { "name": "Digital Industries" }])
    );
    assert_eq!(c["serviceTypes"].as_array().unwrap().len(), 5);
    assert_eq!(c["objectives"].as_array().unwrap().len(), 6);
    assert_eq!(c["services"][0]["items"].as_array().unwrap().len(), 5);
    assert_eq!(
        c["composition"],
        json!({ "total": null, "sme": null }),
        "empty counts are unknown, not zero"
    );
    assert_eq!(
        c["contacts"],
        json!([{ "role": "Cluster Manager", "phone": null }])
    );
    assert_eq!(
        c["cooperation"],
        json!([
            { "scope": "INTERNATIONAL", "countries": [{ "code": "US" }], "activities": ["Participation at missions/events/study visits/fairs"] },
            { "scope": "EUROPEAN", "countries": [], "activities": ["Participation at missions/events/study visits/fairs"] }
        ])
    );
    assert_eq!(
        c["networks"],
        json!([{ "asWritten": "BBS ICT Cluster Network", "network": { "slug": "bbs-ict" } }])
    );
    assert_eq!(c["news"]["totalCount"], 1);
    assert_eq!(c["news"]["edges"][0]["node"]["publishedOn"], "2016-10-25");
}

async fn the_news_page_has_its_items_titles_and_suspect_dates(backend: Backend, pages: Pages) {
    let Some(server) = TestServer::on(backend, pages).await else {
        return;
    };
    let q = r#"{ news(first: 100) { totalCount edges { node { title publishedOn dateSuspect
        mentions { name cluster { slug } network { slug } } } } } }"#;
    let data = server.data(q, json!({})).await;
    assert_eq!(data["news"]["totalCount"], 16);
    let nodes: Vec<&Value> = data["news"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect();
    let titled: Vec<&str> = nodes.iter().filter_map(|n| n["title"].as_str()).collect();
    assert_eq!(titled.len(), 4);
    assert!(titled.contains(&"4th Cluster Matchmaking Conference"));
    assert!(titled.contains(&"The first meeting of the GIVE partnership was held"));
    assert_eq!(nodes.iter().filter(|n| n["dateSuspect"] == true).count(), 2);
    // The item naming "Vojvodina ICT Cluster" does not link it to ICT NET.
    let december = nodes
        .iter()
        .find(|n| n["publishedOn"] == "2016-12-04")
        .unwrap();
    let mentions = december["mentions"].as_array().unwrap();
    assert!(
        mentions
            .iter()
            .any(|m| m["name"] == "Vojvodina ICT Cluster" && m["cluster"].is_null())
    );
    assert!(mentions.iter().all(|m| m["cluster"]["slug"] != "ict-net"));
    assert!(mentions.iter().any(|m| m["network"]["slug"] == "bbs-ict"));
}

async fn importing_the_same_pages_twice_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let q = r#"{ clusters(first: 100) { edges { node { id version name contacts { role phone } services { heading items }
        programmes { asWritten programme { id name } } networks { network { id } } news(first: 20) { edges { node { id } } } } } }
        news(first: 100) { edges { node { id title body mentions { name } } } } }"#;
    let before = server.data(q, json!({})).await;
    let changed = server.reimport_pages().await;
    assert_eq!(changed, 0, "a re-import reports no changes");
    assert_eq!(server.data(q, json!({})).await, before);
}

async fn filters_and_pages_walk_the_filtered_set_exactly_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.add_variants(23).await;
    let filter = json!({ "country": ["RS"] });
    let total = server
        .data(
            "query($f: ClusterFilter) { clusters(filter: $f) { totalCount } }",
            json!({ "f": filter }),
        )
        .await["clusters"]["totalCount"]
        .as_u64()
        .unwrap();
    assert_eq!(total, 24, "ICT NET and its 23 variants");
    for order in ["NAME", "ESTABLISHED", "MEMBERS_TOTAL"] {
        for dir in ["ASC", "DESC"] {
            let forward = server.walk(&filter, order, dir, true).await;
            let backward = server.walk(&filter, order, dir, false).await;
            assert_eq!(forward.len() as u64, total, "{order} {dir} forward");
            let mut unique = forward.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), forward.len(), "{order} {dir}: no row twice");
            let mut reversed = backward.clone();
            reversed.reverse();
            assert_eq!(forward, reversed, "{order} {dir}: both directions agree");
        }
    }
    let combined = server
        .data(
            r#"{ clusters(filter: { country: ["RS", "MK"], excellenceLabel: [BRONZE], establishedFrom: 2010, namePrefix: "ict" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        combined["clusters"]["totalCount"], 19,
        "ICT NET and the 18 variants with a founding date"
    );
    let by_network = server.data(r#"{ clusters(filter: { network: ["bbs-ict"], programmeFramework: ["FP7"] }) { edges { node { slug } } } }"#, json!({})).await;
    assert_eq!(
        by_network["clusters"]["edges"],
        json!([{ "node": { "slug": "masit" } }])
    );
    let facets = server
        .data(
            r#"{ taxonomy(kind: EMERGING_INDUSTRY) { term { name } clusters } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        facets["taxonomy"][0],
        json!({ "term": { "name": "Digital Industries" }, "clusters": 25 })
    );
}

async fn bad_input_gets_a_clear_error_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let forged = server
        .errors(r#"{ clusters(after: "Zm9yZ2Vk") { totalCount } }"#)
        .await;
    assert_eq!(forged[0]["extensions"]["code"], "BAD_USER_INPUT");
    let too_big = server
        .errors("{ clusters(first: 101) { totalCount } }")
        .await;
    assert_eq!(too_big[0]["extensions"]["code"], "BAD_USER_INPUT");
    let unknown = server
        .data(
            r#"{ cluster(slug: "nope") { name } network(slug: "nope") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(unknown, json!({ "cluster": null, "network": null }));
    let bad_id = server
        .errors(r#"{ node(id: "Q2x1c3Rlcjp4") { id } }"#)
        .await;
    assert_eq!(bad_id[0]["extensions"]["code"], "BAD_USER_INPUT");
}

async fn a_page_of_clusters_costs_a_constant_number_of_statements(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.add_variants(30).await;
    // By founding date both pages start with MASIT and ICT NET, so every nesting level has
    // rows, and the same ones: the per-request cache cannot make the small page cheaper.
    let q = r#"query($n: Int) { clusters(first: $n, orderBy: { field: ESTABLISHED }) { totalCount edges { node { name contacts { role } terms { name }
        cooperation { countries { code } activities } services { items }
        programmes { programme { name participants { cluster { name } } } }
        networks { network { name members { cluster { slug } } } }
        news(first: 5) { totalCount edges { node { title mentions { name cluster { slug } network { slug } } } } } } } } }"#;
    let small = server.count_statements(q, json!({ "n": 2 })).await;
    let large = server.count_statements(q, json!({ "n": 32 })).await;
    assert_eq!(
        small, large,
        "statements for 2 clusters and for 32 clusters"
    );
    assert!(large <= 25, "{large} statements");
}

/// A profile as a frontend shows it: participations come with their programmes and
/// memberships with their networks in the same statement, so the programmes and networks
/// cost no wave of their own.
async fn a_profile_reads_programmes_and_networks_with_their_rows(backend: Backend) {
    let server = TestServer::start(backend).await;
    let q = r#"query($slug: String!) { cluster(slug: $slug) { name contacts { role }
        technologyFields { name } programmes { programme { name framework } }
        networks { network { name } } news(first: 5) { totalCount edges { node { title } } } } }"#;
    let vars = json!({ "slug": "masit" });
    let data = server.data(q, vars.clone()).await;
    let profile = &data["cluster"];
    assert!(
        profile["programmes"]
            .as_array()
            .is_some_and(|p| !p.is_empty() && p.iter().all(|p| p["programme"]["name"].is_string())),
        "{profile}"
    );
    assert!(
        profile["networks"]
            .as_array()
            .is_some_and(|n| !n.is_empty() && n.iter().all(|n| n["network"]["name"].is_string())),
        "{profile}"
    );
    // The cluster; contacts, terms, participations with programmes, memberships with
    // networks, and the news page, which counts the whole list in the same statement.
    let statements = server.count_statements(q, vars).await;
    assert!(statements <= 6, "{statements} statements");
}

/// A first page counts its list in the statement that reads it, later pages (after a
/// cursor) by a count of their own: every page reports the whole list, which a walk through
/// the pages confirms, for networks with news and without.
async fn a_news_page_counts_the_whole_list_on_every_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    let networks = server
        .data(
            "{ networks(first: 100) { edges { node { slug } } } }",
            json!({}),
        )
        .await;
    let q = r#"query($slug: String!, $after: String) { network(slug: $slug) {
        news(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { title } } } } }"#;
    let mut most = 0;
    for edge in networks["networks"]["edges"].as_array().unwrap() {
        let slug = &edge["node"]["slug"];
        let (mut walked, mut after, mut totals) = (0, Value::Null, Vec::new());
        loop {
            let page = server
                .data(q, json!({ "slug": slug, "after": after }))
                .await;
            let news = &page["network"]["news"];
            totals.push(news["totalCount"].as_i64().unwrap());
            walked += news["edges"].as_array().unwrap().len() as i64;
            if news["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = news["pageInfo"]["endCursor"].clone();
        }
        assert!(
            totals.iter().all(|&t| t == walked),
            "{slug}: {totals:?}, {walked} walked"
        );
        most = most.max(walked);
    }
    assert!(
        most > 5,
        "a network with more than one page of news: {most}"
    );
}

async fn nodes_come_back_in_order_and_load_together(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ids = |data: &Value, list: &str| -> Vec<Value> {
        data[list]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].clone())
            .collect()
    };
    let data = server
        .data("{ clusters(first: 2) { edges { node { id } } } news(first: 5) { edges { node { id } } } }", json!({}))
        .await;
    let missing = json!(cluster_atlas::graphql::GlobalId::encode("Cluster", 999_999).0);
    let mut asked = ids(&data, "news");
    asked.insert(2, missing);
    asked.extend(ids(&data, "clusters"));
    let q = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    let nodes = server.data(q, json!({ "ids": asked })).await;
    let got: Vec<Value> = nodes["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    let mut expected = asked.clone();
    expected[2] = Value::Null;
    assert_eq!(
        got, expected,
        "in the order asked, null for the missing one"
    );
    let one = server
        .count_statements(q, json!({ "ids": [asked[0]] }))
        .await;
    let all = server.count_statements(q, json!({ "ids": asked })).await;
    assert_eq!(
        (one, all),
        (1, 2),
        "one statement per node type, not per id"
    );
}

/// Generated data goes through the importer like real pages: the counts come out as planned,
/// a generated profile reads back nested, and loading the same seed again changes nothing.
async fn generated_pages_load_reproducibly(backend: Backend) {
    let server = TestServer::start(backend).await;
    let plan = generate::Plan {
        clusters: 60,
        news: 150,
        seed: 3,
    };
    let first = generate::load(&server.db, &plan, &ProgressBar::hidden())
        .await
        .expect("generated pages load");
    let others = plan.other_layouts().count();
    assert_eq!(
        first.pages,
        60 + 2 + others,
        "60 profiles, two news pages, and the other layouts' pages"
    );
    let counts = server
        .data(
            "{ clusters { totalCount } news { totalCount }
               networks(first: 100) { totalCount edges { node { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        counts["clusters"]["totalCount"],
        2 + 60,
        "a current-layout page is its cluster's"
    );
    assert_eq!(
        counts["news"]["totalCount"],
        16 + 150 + plan.articles(),
        "an article copied to another host is one item"
    );
    let networks = 2 + plan.network_entries().len();
    assert_eq!(counts["networks"]["totalCount"], networks);
    assert_eq!(
        counts["networks"]["edges"]
            .as_array()
            .expect("networks")
            .len(),
        networks
    );

    let slug = plan.profile(0).entry.slug.expect("generated slug");
    let profile = server
        .data(
            "query($slug: String!) { cluster(slug: $slug) { name country { code }
               contacts { role phone } sectors { name } } }",
            json!({ "slug": slug }),
        )
        .await;
    let cluster = &profile["cluster"];
    assert_eq!(cluster["name"], plan.cluster_name(0).name.as_str());
    assert!(!cluster["contacts"].as_array().expect("contacts").is_empty());
    assert!(!cluster["sectors"].as_array().expect("sectors").is_empty());

    let again = generate::load(&server.db, &plan, &ProgressBar::hidden())
        .await
        .expect("generated pages load again");
    assert_eq!(again.changed, 0, "the same seed writes the same rows");
}

async fn networks_come_in_pages_by_name(backend: Backend) {
    let server = TestServer::start(backend).await;
    let q = "query($kind: NetworkKind, $first: Int, $after: String, $last: Int) {
        networks(kind: $kind, first: $first, after: $after, last: $last) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { node { slug kind } } } }";
    let slugs = |page: &Value| -> Vec<String> {
        page["networks"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = server.data(q, json!({ "first": 1 })).await;
    assert_eq!(first["networks"]["totalCount"], 2);
    // "Balkan and Black Sea ICT Clusters Network" before "GIVE Partnership".
    assert_eq!(slugs(&first), ["bbs-ict"]);
    assert_eq!(first["networks"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["networks"]["pageInfo"]["endCursor"].clone();
    let second = server.data(q, json!({ "first": 1, "after": cursor })).await;
    assert_eq!(slugs(&second), ["give"]);
    assert_eq!(second["networks"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(second["networks"]["pageInfo"]["hasPreviousPage"], true);
    let last = server.data(q, json!({ "last": 1 })).await;
    assert_eq!(slugs(&last), ["give"]);
    let partnerships = server.data(q, json!({ "kind": "PARTNERSHIP" })).await;
    assert_eq!(partnerships["networks"]["totalCount"], 1);
    assert_eq!(slugs(&partnerships), ["give"]);
    let errors = server
        .errors("{ networks(first: 1000) { totalCount } }")
        .await;
    assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT");
}

async fn a_current_layout_profile_is_served_with_its_own_facts(backend: Backend) {
    // Arrange: a current-layout page (in our own words) beside the sample pages.
    let server = TestServer::start(backend).await;
    let file = support::root().join("tests/fixtures/pages/alpine-current.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    cluster_atlas::import::run(
        &server.db,
        &cluster_atlas::import::Manifest::default(),
        vec![(file, text)],
        &ProgressBar::hidden(),
    )
    .await
    .unwrap();

    // Act
    let data = server
        .data(
            r#"{ cluster(slug: "alpine-widgets-cluster") { name nativeName contactPerson completeness
                staffCount staffRange { min max } upskillingServices country { code } region
                composition { total sme startups civilSociety largeCompanies } } }"#,
            json!({}),
        )
        .await;

    // Assert
    assert_eq!(
        data["cluster"],
        json!({ "name": "Alpine Widgets Cluster", "nativeName": "Alpen Widget Cluster",
                "contactPerson": "Maria Huber", "completeness": 85, "staffCount": null,
                "staffRange": { "min": 6, "max": 10 }, "upskillingServices": ["Mentoring", "Staff mobility"],
                "country": { "code": "AT" }, "region": "Tyrol",
                "composition": { "total": 120, "sme": 100, "startups": 7, "civilSociety": 2, "largeCompanies": 4 } })
    );
}

/// The sample series' editions are listed by date and filtered by period, country and
/// series; an event is a node, and a search hit of its own kind.
async fn events_are_listed_filtered_found_and_fetched_as_nodes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let q = r#"query ($filter: EventFilter) { events(filter: $filter) { totalCount
        edges { node { id name startsOn endsOn datePrecision city country { code } venue
        organiser hasSummary startTime timeZone series { slug name } } } } }"#;
    let names = |data: &serde_json::Value| -> Vec<String> {
        data["events"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let all = server
        .data(
            q,
            json!({ "filter": { "series": ["alpine-cluster-days"] } }),
        )
        .await;
    assert_eq!(all["events"]["totalCount"], 4);
    assert_eq!(
        names(&all),
        [
            "Alpine Cluster Days Annecy",
            "Alpine Cluster Days",
            "Alpine Cluster Days Innsbruck",
            "Alpine Cluster Days Bolzano"
        ],
        "earliest first; Graz's own page named its edition last"
    );
    let graz = &all["events"]["edges"][1]["node"];
    assert_eq!(
        (&graz["startsOn"], &graz["endsOn"], &graz["datePrecision"]),
        (&json!("2025-06-03"), &json!("2025-06-05"), &json!("DAY"))
    );
    assert_eq!(
        (&graz["city"], &graz["country"]["code"], &graz["venue"]),
        (&json!("Graz"), &json!("AT"), &json!("Congress Hall"))
    );
    assert_eq!(graz["organiser"], "Alpine Widgets Cluster");
    assert_eq!(
        (&graz["startTime"], &graz["timeZone"]),
        (&json!("09:30"), &json!("CEST"))
    );
    assert_eq!(
        graz["hasSummary"], true,
        "the series page offers its summary"
    );
    assert_eq!(graz["series"]["name"], "Alpine Cluster Days");

    let upcoming = server
        .data(
            q,
            json!({ "filter": { "from": "2025-12-01", "country": ["at", "IT"] } }),
        )
        .await;
    assert_eq!(
        names(&upcoming),
        [
            "Alpine Cluster Days Innsbruck",
            "Alpine Cluster Days Bolzano"
        ],
        "Innsbruck ends on 2 December"
    );
    let in_2024 = server
        .data(
            q,
            json!({ "filter": { "from": "2024-01-01", "to": "2024-12-31" } }),
        )
        .await;
    assert_eq!(names(&in_2024), ["Alpine Cluster Days Annecy"]);

    let id = graz["id"].as_str().unwrap();
    let node = server
        .data(
            "query ($id: ID!) { node(id: $id) { ... on Event { name city } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        node["node"],
        json!({ "name": "Alpine Cluster Days", "city": "Graz" })
    );

    let found = server
        .data(
            r#"{ search(query: "Innsbruck", kinds: [EVENT]) { totalCount
                edges { node { kind entity { ... on Event { name } } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(found["search"]["totalCount"], 1);
    assert_eq!(
        found["search"]["edges"][0]["node"]["entity"]["name"],
        "Alpine Cluster Days Innsbruck"
    );
    let series = server
        .data(
            r#"{ eventSeries(slug: "alpine-cluster-days") { name editions { city } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        series["eventSeries"]["editions"],
        json!([{ "city": "Annecy" }, { "city": "Graz" }, { "city": "Innsbruck" }, { "city": "Bolzano" }])
    );
}

/// Every operation GraphiQL opens with runs on the sample data without an error, and finds
/// something: the example is the first thing a newcomer runs.
async fn graphiqls_example_operations_all_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    let document = cluster_atlas::http::graphiql::EXAMPLE_OPERATION;
    let names: Vec<&str> = document
        .lines()
        .filter_map(|l| l.strip_prefix("query "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, ["Profile", "SerbianClusters", "Events"]);
    for name in names {
        let body = json!({ "query": document, "operationName": name });
        let response = support::post_graphql(&server.url, &body).await;
        assert!(response.get("errors").is_none(), "{name}: {response}");
        let data = response["data"].as_object().unwrap();
        assert!(
            data.values().all(|v| !v.is_null()),
            "{name} found nothing: {response}"
        );
    }
}

/// A project's profile is served with its partnership, each partner linked to its cluster,
/// and the cluster lists the project.
async fn a_project_is_served_with_its_partners_and_from_its_clusters(backend: Backend) {
    // Arrange: ICT NET's partnership, in our own words, beside the sample pages.
    let server = TestServer::start(backend).await;
    let page = "Home > Eu Project Profile > DANWIDGET - Danube widget partnership\n\nPrimary tabs\n\nGeneral Information\nCOSME/Cluster Excellence/2nd call\nProject duration: \nTuesday, 01 March, 2016 to Thursday, 28 February, 2019\nTotal budget: \n€ 480,000\nEU Contribution: \nPartnership Composition: \nOrganisation nameFunctionCountryWebsite linkECCP linkIs Cluster Organisation ?\nICT NET\tCoordinator\tSerbia\nMASIT\tPartner\tNorth Macedonia\n";
    cluster_atlas::import::run(
        &server.db,
        &cluster_atlas::import::Manifest::default(),
        vec![(std::path::PathBuf::from("danwidget.txt"), page.to_owned())],
        &ProgressBar::hidden(),
    )
    .await
    .unwrap();

    // Act
    let data = server
        .data(
            r#"{ project(slug: "danwidget") { id name programme startsOn endsOn totalBudgetEur euContributionEur
                partners { name function country { code } cluster { slug } } }
                cluster(slug: "masit") { projects { slug } } }"#,
            json!({}),
        )
        .await;

    // Assert
    let p = &data["project"];
    assert_eq!(p["name"], "DANWIDGET - Danube widget partnership");
    assert_eq!(
        (&p["startsOn"], &p["endsOn"]),
        (&json!("2016-03-01"), &json!("2019-02-28"))
    );
    assert_eq!(
        (&p["totalBudgetEur"], &p["euContributionEur"]),
        (&json!(480000.0), &json!(null))
    );
    assert_eq!(
        p["partners"],
        json!([
            { "name": "ICT NET", "function": "Coordinator", "country": { "code": "RS" }, "cluster": { "slug": "ict-net" } },
            { "name": "MASIT", "function": "Partner", "country": { "code": "MK" }, "cluster": { "slug": "masit" } }
        ])
    );
    assert_eq!(
        data["cluster"]["projects"],
        json!([{ "slug": "danwidget" }])
    );
    let node = server
        .data(
            "query ($id: ID!) { node(id: $id) { ... on Project { slug } } }",
            json!({ "id": p["id"] }),
        )
        .await;
    assert_eq!(node["node"]["slug"], "danwidget");
}

/// An undated article lists after every dated item, newest first, and paging walks every
/// item once in both directions.
async fn undated_news_lists_last_and_pages_walk_everything(backend: Backend) {
    // Arrange: the sample news and an article without byline.
    let server = TestServer::start(backend).await;
    let file = support::root().join("tests/fixtures/pages/alpine-survey.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    cluster_atlas::import::run(
        &server.db,
        &cluster_atlas::import::Manifest::default(),
        vec![(file, text)],
        &ProgressBar::hidden(),
    )
    .await
    .unwrap();
    let q = "query ($after: String, $order: OrderDirection) { news(first: 5, after: $after, orderBy: $order) {
        totalCount edges { node { title publishedOn } } pageInfo { hasNextPage endCursor } } }";

    for order in ["DESC", "ASC"] {
        // Act
        let mut dates = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = server
                .data(q, json!({ "after": after, "order": order }))
                .await;
            for e in page["news"]["edges"].as_array().unwrap() {
                dates.push(e["node"]["publishedOn"].clone());
            }
            if page["news"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["news"]["pageInfo"]["endCursor"].clone();
        }

        // Assert: 16 sample items and the article, each once, undated at the end of
        // newest-first and at the start of oldest-first.
        assert_eq!(dates.len(), 17, "{order}: {dates:?}");
        let undated = dates.iter().position(Value::is_null);
        let expected = if order == "DESC" { Some(16) } else { Some(0) };
        assert_eq!(undated, expected, "{order}: {dates:?}");
        let dated: Vec<&str> = dates.iter().filter_map(Value::as_str).collect();
        let mut sorted = dated.clone();
        sorted.sort_unstable();
        if order == "DESC" {
            sorted.reverse();
        }
        assert_eq!(dated, sorted, "{order}");
    }
}

/// The keys of each map along `path`'s last step, in the order the body has them.
fn keys_in_order(body: &str, path: &[&str]) -> Vec<String> {
    // async-graphql's value keeps a map's order where serde_json's sorts it.
    let mut value: async_graphql::Value = serde_json::from_str(body).unwrap();
    for step in path {
        value = match value {
            async_graphql::Value::Object(mut map) => map.swap_remove(*step).unwrap(),
            other => panic!("no {step} in {other}"),
        };
    }
    match value {
        async_graphql::Value::Object(map) => map.keys().map(ToString::to_string).collect(),
        other => panic!("not a map: {other}"),
    }
}

/// Response maps follow the selection's order, fragments, aliases and lists included,
/// as the specification asks (async-graphql alone orders them as fields complete).
async fn response_maps_follow_the_selection_order(backend: Backend) {
    let server = TestServer::start(backend).await;
    let profile = r#"query Profile { cluster(slug: "masit") { name established country { name code }
      contacts { role name } technologyFields { name } programmes { programme { name } }
      networks { network { name } } news(first: 2) { nodes { title } totalCount } ...Ids } }
      fragment Ids on Cluster { first: slug id }"#;
    let clusters = "{ clusters(first: 3) { totalCount pageInfo { hasNextPage endCursor } nodes { name slug } } }";
    for (query, path, expected) in [
        (
            profile,
            &["data", "cluster"][..],
            &[
                "name",
                "established",
                "country",
                "contacts",
                "technologyFields",
                "programmes",
                "networks",
                "news",
                "first",
                "id",
            ][..],
        ),
        (profile, &["data", "cluster", "country"], &["name", "code"]),
        (
            profile,
            &["data", "cluster", "news"],
            &["nodes", "totalCount"],
        ),
        (
            clusters,
            &["data", "clusters"],
            &["totalCount", "pageInfo", "nodes"],
        ),
        (
            clusters,
            &["data", "clusters", "pageInfo"],
            &["hasNextPage", "endCursor"],
        ),
    ] {
        let body = reqwest::Client::new()
            .post(format!("{}/graphql", server.url))
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(keys_in_order(&body, path), expected, "{body}");
    }
}

on_both_backends! {
    response_maps_follow_the_selection_order => super::response_maps_follow_the_selection_order;
    undated_news_lists_last_and_pages_walk_everything => super::undated_news_lists_last_and_pages_walk_everything;
    a_project_is_served_with_its_partners_and_from_its_clusters => super::a_project_is_served_with_its_partners_and_from_its_clusters;
    graphiqls_example_operations_all_answer => super::graphiqls_example_operations_all_answer;
    events_are_listed_filtered_found_and_fetched_as_nodes => super::events_are_listed_filtered_found_and_fetched_as_nodes;
    a_current_layout_profile_is_served_with_its_own_facts => super::a_current_layout_profile_is_served_with_its_own_facts;
    masit_profile_from_the_sample_data_has_the_pages_facts => |b| masit_profile_has_the_pages_facts(b, Pages::Sample);
    masit_profile_from_the_seed_page_has_the_pages_facts => |b| masit_profile_has_the_pages_facts(b, Pages::RealSeeds);
    ict_net_profile_from_the_sample_data_has_the_pages_facts => |b| ict_net_profile_has_the_pages_facts(b, Pages::Sample);
    ict_net_profile_from_the_seed_page_has_the_pages_facts => |b| ict_net_profile_has_the_pages_facts(b, Pages::RealSeeds);
    sample_news_page_has_its_items_titles_and_suspect_dates => |b| the_news_page_has_its_items_titles_and_suspect_dates(b, Pages::Sample);
    seed_news_page_has_its_items_titles_and_suspect_dates => |b| the_news_page_has_its_items_titles_and_suspect_dates(b, Pages::RealSeeds);
    importing_the_same_pages_twice_changes_nothing => super::importing_the_same_pages_twice_changes_nothing;
    filters_and_pages_walk_the_filtered_set_exactly_once => super::filters_and_pages_walk_the_filtered_set_exactly_once;
    bad_input_gets_a_clear_error_code => super::bad_input_gets_a_clear_error_code;
    a_page_of_clusters_costs_a_constant_number_of_statements => super::a_page_of_clusters_costs_a_constant_number_of_statements;
    nodes_come_back_in_order_and_load_together => super::nodes_come_back_in_order_and_load_together;
    a_profile_reads_programmes_and_networks_with_their_rows => super::a_profile_reads_programmes_and_networks_with_their_rows;
    a_news_page_counts_the_whole_list_on_every_page => super::a_news_page_counts_the_whole_list_on_every_page;
    generated_pages_load_reproducibly => super::generated_pages_load_reproducibly;
    networks_come_in_pages_by_name => super::networks_come_in_pages_by_name;
}

#[test]
fn the_checked_in_schema_matches_the_code() {
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
            .unwrap_or_default();
    assert!(
        checked_in == cluster_atlas::graphql::sdl(),
        "schema.graphql is out of date: run `cargo run -- export-schema --out schema.graphql`"
    );
}

/// Dates are the `Date` scalar, specified by RFC 3339's `full-date`; network kinds are an
/// enum, in answers and arguments alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_are_the_date_scalar_and_network_kinds_an_enum() {
    let server = TestServer::start(Backend::Sqlite).await;
    let scalar = server
        .data(
            r#"{ __type(name: "Date") { kind specifiedByURL } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        scalar["__type"],
        json!({ "kind": "SCALAR",
                "specifiedByURL": "https://www.rfc-editor.org/rfc/rfc3339#section-5.6" })
    );
    let query = r#"{ cluster(slug: "masit") { established }
        networks(kind: NETWORK) { totalCount edges { node { kind } } } }"#;
    let data = server.data(query, json!({})).await;
    assert_eq!(data["cluster"]["established"], "2000-02-26");
    let kinds = data["networks"]["edges"].as_array().unwrap();
    assert!(!kinds.is_empty());
    assert!(
        kinds.iter().all(|e| e["node"]["kind"] == "NETWORK"),
        "{data}"
    );
    let errors = server
        .errors(r#"{ events(filter: { from: "26.02.2000" }) { totalCount } }"#)
        .await;
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("\"26.02.2000\" is not a date like 2000-02-26"),
        "{errors:?}"
    );
    let errors = server
        .errors(r#"{ networks(kind: CONSORTIUM) { totalCount } }"#)
        .await;
    assert_eq!(
        errors[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{errors:?}"
    );
}
