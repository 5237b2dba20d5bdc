#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

//! Writes through the API: clusters with their services, participations and memberships,
//! networks and news. Inputs are checked field by field, versions refuse stale writes, and
//! every write is in the store and in search once the indexer caught up. On SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL.

#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
#[macro_use]
mod support;

use serde_json::{Value, json};
use support::{Backend, TestServer};

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

fn field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_default()
}

const CREATE: &str = r#"mutation($input: ClusterInput!) {
  createCluster(input: $input) { slug name version } }"#;
const UPDATE: &str = r#"mutation($slug: String!, $version: Int!, $input: ClusterInput!) {
  updateCluster(slug: $slug, version: $version, input: $input) { slug version } }"#;
const PROFILE: &str = r#"query($slug: String!) { cluster(slug: $slug) {
  name version region established country { code } excellenceLabel
  composition { total sme largeCompanies }
  strategy objectives contacts { role name phone email }
  sectors { name } technologyFields { name } languages { name }
  cooperation { scope countries { code } activities }
  services { id heading items } programmes { id scope programme { name } }
  networks { network { slug } } } }"#;

/// A profile as a cluster manager would post it: terms the seeds already have.
fn profile() -> Value {
    json!({
        "name": "Danube Digital Cluster",
        "country": "rs",
        "region": "Vojvodina",
        "established": "2015-04-01",
        "excellenceLabel": "BRONZE",
        "composition": { "total": 40, "sme": 35, "largeCompanies": 5 },
        "strategy": "Shipbuilding software and river logistics along the Danube corridor.",
        "objectives": ["Export", "Skills"],
        "aliases": ["DDC"],
        "contacts": [{ "role": "Cluster Manager", "name": "Ana Šolaja",
                       "phone": "+381 21 555 0101", "email": "ana@ddc.rs" }],
        "terms": [{ "taxonomy": "TECHNOLOGY_FIELD", "name": "embedded systems and real-time systems" }],
        "cooperation": [{ "scope": "EUROPEAN", "countries": ["AT", "hu"] }],
    })
}

async fn clusters_are_created_updated_and_deleted_by_version(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (writer, admin) = (server.token("write").await, server.token("admin").await);

    let (_, body) = server
        .post_as(None, CREATE, json!({ "input": profile() }))
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    let created = server
        .data_as(&writer, CREATE, json!({ "input": profile() }))
        .await;
    assert_eq!(
        created["createCluster"],
        json!({ "slug": "danube-digital-cluster", "name": "Danube Digital Cluster", "version": 1 })
    );
    let slug = json!({ "slug": "danube-digital-cluster" });
    let c = &server.data(PROFILE, slug.clone()).await["cluster"];
    assert_eq!(c["country"]["code"], "RS");
    assert_eq!(c["established"], "2015-04-01");
    assert_eq!(c["excellenceLabel"], "BRONZE");
    assert_eq!(c["composition"]["total"], 40);
    assert_eq!(c["objectives"], json!(["Export", "Skills"]));
    assert_eq!(c["contacts"][0]["email"], "ana@ddc.rs");
    // Terms are matched to the taxonomy's own spelling, case and diacritics aside.
    assert_eq!(
        c["technologyFields"],
        json!([{ "name": "Embedded Systems and Real Time Systems" }])
    );
    assert_eq!(
        c["cooperation"][0]["countries"],
        json!([{ "code": "AT" }, { "code": "HU" }])
    );

    // A term no taxonomy has is refused, naming it, unless the write asks to add it.
    let mut input = profile();
    input["name"] = json!("Tisa Robotics Cluster");
    input["aliases"] = json!([]);
    input["strategy"] = json!("Robots for stage and film.");
    input["terms"] = json!([{ "taxonomy": "SECTOR", "name": "Robot Choreography" }]);
    let (_, body) = server
        .post_as(Some(&writer), CREATE, json!({ "input": input.clone() }))
        .await;
    assert_eq!(
        (code(&body), field(&body)),
        ("BAD_USER_INPUT", "input.terms.0.name"),
        "{body}"
    );
    input["addTerms"] = json!(true);
    server
        .data_as(&writer, CREATE, json!({ "input": input }))
        .await;
    let c = &server
        .data(PROFILE, json!({ "slug": "tisa-robotics-cluster" }))
        .await["cluster"];
    assert_eq!(c["sectors"], json!([{ "name": "Robot Choreography" }]));

    // An update names the version it read; fields left out stay, null clears.
    let vars = json!({ "slug": "danube-digital-cluster", "version": 1,
                       "input": { "region": null, "composition": { "sme": 36 } } });
    let updated = server.data_as(&writer, UPDATE, vars.clone()).await;
    assert_eq!(updated["updateCluster"]["version"], 2);
    let c = &server.data(PROFILE, slug.clone()).await["cluster"];
    assert_eq!(c["region"], Value::Null);
    assert_eq!(c["composition"]["sme"], 36);
    assert_eq!(c["composition"]["total"], 40);
    assert!(
        c["strategy"]
            .as_str()
            .unwrap_or_default()
            .contains("Danube")
    );

    // The same version again is stale: CONFLICT, with the current one, and nothing written.
    let mut stale = vars.clone();
    stale["input"] = json!({ "region": "Banat" });
    let (_, body) = server.post_as(Some(&writer), UPDATE, stale).await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 2);
    assert_eq!(
        server.data(PROFILE, slug.clone()).await["cluster"]["region"],
        Value::Null
    );

    // Searchable once the indexer caught up, by its strategy; gone from search when deleted.
    server.search.caught_up(&server.db).await.unwrap();
    let find = r#"{ search(query: "shipbuilding", kinds: [CLUSTER]) {
        totalCount edges { node { entity { ... on Cluster { slug } } } } } }"#;
    let hits = server.data(find, json!({})).await;
    assert_eq!(
        hits["search"]["edges"][0]["node"]["entity"]["slug"],
        "danube-digital-cluster"
    );
    let delete = r#"mutation($slug: String!, $version: Int!) {
        deleteCluster(slug: $slug, version: $version) { id } }"#;
    let (_, body) = server
        .post_as(
            Some(&writer),
            delete,
            json!({ "slug": "danube-digital-cluster", "version": 2 }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let (_, body) = server
        .post_as(
            Some(&admin),
            delete,
            json!({ "slug": "danube-digital-cluster", "version": 1 }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    server
        .data_as(
            &admin,
            delete,
            json!({ "slug": "danube-digital-cluster", "version": 2 }),
        )
        .await;
    assert_eq!(server.data(PROFILE, slug).await["cluster"], Value::Null);
    server.search.caught_up(&server.db).await.unwrap();
    assert_eq!(
        server.data(find, json!({})).await["search"]["totalCount"],
        0
    );
    let (_, body) = server
        .post_as(
            Some(&admin),
            delete,
            json!({ "slug": "danube-digital-cluster", "version": 2 }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
}

async fn bad_input_is_refused_naming_the_field(backend: Backend) {
    let server = TestServer::start(backend).await;
    let writer = server.token("write").await;
    let long = "x".repeat(301);
    let cases = [
        (json!({ "name": "  " }), "input.name"),
        (json!({ "name": long }), "input.name"),
        (json!({ "name": "A", "slug": "Not A Slug" }), "input.slug"),
        (
            json!({ "name": "MASIT - ICT chamber of commerce", "slug": "masit" }),
            "input.slug",
        ),
        (json!({ "name": "ICT NET" }), "input.name"),
        (json!({ "name": "A", "country": "XX" }), "input.country"),
        (
            json!({ "name": "A", "established": "2999-01-01" }),
            "input.established",
        ),
        (json!({ "name": "A", "staffCount": -1 }), "input.staffCount"),
        (
            json!({ "name": "A", "composition": { "sme": -5 } }),
            "input.composition.sme",
        ),
        (
            json!({ "name": "A", "sourceUrl": "javascript:alert(1)" }),
            "input.sourceUrl",
        ),
        (
            json!({ "name": "A", "contacts": [{ "role": "CM", "email": "nobody" }] }),
            "input.contacts.0.email",
        ),
        (
            json!({ "name": "A", "contacts": [{ "role": "CM" }, { "role": "CM", "phone": "call me" }] }),
            "input.contacts.1.phone",
        ),
        (
            json!({ "name": "A", "contacts": [{ "role": "" }] }),
            "input.contacts.0.role",
        ),
        (
            json!({ "name": "A", "terms": [{ "taxonomy": "ACTIVITY_TYPE", "name": "Matchmaking" }] }),
            "input.terms.0.taxonomy",
        ),
        (
            json!({ "name": "A", "cooperation": [{ "scope": "NATIONAL" }] }),
            "input.cooperation.0.scope",
        ),
        (
            json!({ "name": "A", "cooperation": [{ "scope": "EUROPEAN", "countries": ["RS", "Serbia"] }] }),
            "input.cooperation.0.countries.1",
        ),
        (
            json!({ "name": "A", "cooperation": [{ "scope": "EUROPEAN", "activities": ["Knitting"] }] }),
            "input.cooperation.0.activities.0",
        ),
        (
            json!({ "name": "A", "aliases": ["MASIT"] }),
            "input.aliases.0",
        ),
    ];
    for (input, path) in cases {
        let (status, body) = server
            .post_as(Some(&writer), CREATE, json!({ "input": input.clone() }))
            .await;
        assert_eq!(status, 200, "{input}: {body}");
        assert_eq!(
            (code(&body), field(&body)),
            ("BAD_USER_INPUT", path),
            "{input}: {body}"
        );
    }
    // NUL is refused at the front door, before any resolver runs.
    let (status, body) = server
        .post_as(
            Some(&writer),
            CREATE,
            json!({ "input": { "name": "A", "strategy": "a\u{0}b" } }),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "BAD_USER_INPUT"), "{body}");
    // None of them wrote anything.
    let all = server
        .data("{ clusters(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(all["clusters"]["totalCount"], 2);
    let (_, body) = server
        .post_as(
            Some(&writer),
            UPDATE,
            json!({ "slug": "no-such-cluster", "version": 1, "input": {} }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
}

async fn parts_of_a_cluster_move_its_version(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (writer, admin) = (server.token("write").await, server.token("admin").await);
    let version = |v: &Value| v["cluster"]["version"].as_i64().unwrap();
    let slug = json!({ "slug": "masit" });
    let v0 = version(&server.data(PROFILE, slug.clone()).await);

    let add = r#"mutation($v: Int!, $input: ServiceInput!) {
        addService(cluster: "masit", version: $v, input: $input) {
          cluster { version } service { id heading items } } }"#;
    let added = server
        .data_as(
            &writer,
            add,
            json!({ "v": v0, "input": {
            "heading": "Internationalisation", "items": ["B2B matchmaking at fairs"] } }),
        )
        .await;
    let service = added["addService"]["service"].clone();
    assert_eq!(service["items"], json!(["B2B matchmaking at fairs"]));
    assert_eq!(added["addService"]["cluster"]["version"], v0 + 1);
    let services = server.data(PROFILE, slug.clone()).await["cluster"]["services"].clone();
    assert_eq!(services.as_array().unwrap().last().unwrap(), &service);

    // The cluster's version guards its parts: an edit made against v0 is stale now.
    let update = r#"mutation($id: ID!, $v: Int!, $input: ServiceInput!) {
        updateService(id: $id, version: $v, input: $input) { service { heading items } } }"#;
    let (_, body) = server
        .post_as(
            Some(&writer),
            update,
            json!({ "id": service["id"], "v": v0,
            "input": { "items": ["Export coaching"] } }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let changed = server
        .data_as(
            &writer,
            update,
            json!({ "id": service["id"], "v": v0 + 1,
            "input": { "items": ["Export coaching"] } }),
        )
        .await;
    assert_eq!(
        changed["updateService"]["service"],
        json!({ "heading": "Internationalisation", "items": ["Export coaching"] })
    );
    server.search.caught_up(&server.db).await.unwrap();
    let find = r#"{ search(query: "export coaching", kinds: [SERVICE]) { totalCount } }"#;
    assert_eq!(
        server.data(find, json!({})).await["search"]["totalCount"],
        1
    );

    let set = r#"mutation($v: Int!) { setParticipation(cluster: "masit", version: $v, input: {
        programme: "Horizon Europe DIGITAL-2025", framework: "Horizon Europe",
        url: "https://ec.europa.eu/horizon", scope: EUROPEAN }) {
          cluster { version } participation { id programme { name framework } } } }"#;
    let part = server.data_as(&writer, set, json!({ "v": v0 + 2 })).await;
    assert_eq!(
        part["setParticipation"]["participation"]["programme"]["framework"],
        "Horizon Europe"
    );
    let join = r#"mutation($v: Int!) { joinNetwork(cluster: "masit", version: $v, network: "give") {
        version networks { network { slug } } } }"#;
    let joined = server.data_as(&writer, join, json!({ "v": v0 + 3 })).await;
    assert!(
        joined["joinNetwork"]["networks"]
            .as_array()
            .unwrap()
            .contains(&json!({ "network": { "slug": "give" } })),
        "{joined}"
    );
    // The network facet follows the membership.
    server.search.caught_up(&server.db).await.unwrap();
    let in_give = r#"{ search(query: "", kinds: [CLUSTER], filter: { network: ["give"] }) {
        edges { node { entity { ... on Cluster { slug } } } } } }"#;
    let hits = server.data(in_give, json!({})).await;
    assert!(hits.to_string().contains("\"masit\""), "{hits}");

    // Removals need admin; each moves the version too.
    let leave = r#"mutation($v: Int!) { leaveNetwork(cluster: "masit", version: $v, network: "give") { version } }"#;
    let (_, body) = server
        .post_as(Some(&writer), leave, json!({ "v": v0 + 4 }))
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    server.data_as(&admin, leave, json!({ "v": v0 + 4 })).await;
    let (_, body) = server
        .post_as(Some(&admin), leave, json!({ "v": v0 + 5 }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let drop_part =
        r#"mutation($id: ID!, $v: Int!) { deleteParticipation(id: $id, version: $v) { version } }"#;
    server
        .data_as(
            &admin,
            drop_part,
            json!({
            "id": part["setParticipation"]["participation"]["id"], "v": v0 + 5 }),
        )
        .await;
    let drop_service =
        r#"mutation($id: ID!, $v: Int!) { deleteService(id: $id, version: $v) { version } }"#;
    let last = server
        .data_as(
            &admin,
            drop_service,
            json!({ "id": service["id"], "v": v0 + 6 }),
        )
        .await;
    assert_eq!(last["deleteService"]["version"], v0 + 7);
    let after = server.data(PROFILE, slug).await;
    assert!(!after.to_string().contains("Export coaching"));
    assert!(!after.to_string().contains("DIGITAL-2025"));
    // An id of another kind is not a service's.
    let (_, body) = server
        .post_as(
            Some(&admin),
            drop_service,
            json!({
            "id": part["setParticipation"]["participation"]["id"], "v": v0 + 7 }),
        )
        .await;
    assert_eq!(
        (code(&body), field(&body)),
        ("BAD_USER_INPUT", "id"),
        "{body}"
    );
}

async fn networks_and_news_are_written_with_their_mentions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (writer, admin) = (server.token("write").await, server.token("admin").await);
    let create = r#"mutation { createNetwork(input: {
        name: "Adriatic Digital Alliance", kind: PARTNERSHIP,
        website: "https://ada.example.org", aliases: ["ADA"] }) { slug kind version } }"#;
    let net = server.data_as(&writer, create, json!({})).await;
    assert_eq!(
        net["createNetwork"],
        json!({ "slug": "adriatic-digital-alliance", "kind": "PARTNERSHIP", "version": 1 })
    );
    let (_, body) = server.post_as(Some(&writer), create, json!({})).await;
    assert_eq!(
        (code(&body), field(&body)),
        ("BAD_USER_INPUT", "input.name"),
        "{body}"
    );

    let publish = r#"mutation($input: NewsInput!) { publishNews(input: $input) {
        id version title publishedOn publisher { slug }
        mentions { name cluster { slug } network { slug } } } }"#;
    let item = server
        .data_as(
            &writer,
            publish,
            json!({ "input": {
            "title": "Hackathon in Skopje",
            "body": "MASIT and ICT NET open a joint hackathon with the ADA partners.",
            "publishedOn": "2026-03-02",
            "publisher": "adriatic-digital-alliance" } }),
        )
        .await["publishNews"]
        .clone();
    assert_eq!(item["publisher"]["slug"], "adriatic-digital-alliance");
    let mentions = item["mentions"].to_string();
    for slug in ["\"masit\"", "\"ict-net\"", "\"adriatic-digital-alliance\""] {
        assert!(mentions.contains(slug), "{slug} in {mentions}");
    }
    let (_, body) = server
        .post_as(
            Some(&writer),
            publish,
            json!({ "input": { "body": "No date" } }),
        )
        .await;
    assert_eq!(
        (code(&body), field(&body)),
        ("BAD_USER_INPUT", "input.publishedOn"),
        "{body}"
    );
    let (_, body) = server
        .post_as(
            Some(&writer),
            publish,
            json!({ "input": {
            "body": "x", "publishedOn": "2026-01-01", "publisher": "nobody" } }),
        )
        .await;
    assert_eq!(
        (code(&body), field(&body)),
        ("BAD_USER_INPUT", "input.publisher"),
        "{body}"
    );

    server.search.caught_up(&server.db).await.unwrap();
    let find = r#"{ search(query: "hackathon", kinds: [NEWS]) { totalCount } }"#;
    assert_eq!(
        server.data(find, json!({})).await["search"]["totalCount"],
        1
    );

    let update = r#"mutation($id: ID!, $v: Int!, $input: NewsInput!) {
        updateNews(id: $id, version: $v, input: $input) { version title body } }"#;
    let edited = server
        .data_as(
            &writer,
            update,
            json!({ "id": item["id"], "v": 1,
            "input": { "title": "Datathon in Skopje" } }),
        )
        .await;
    assert_eq!(edited["updateNews"]["version"], 2);
    let (_, body) = server
        .post_as(
            Some(&writer),
            update,
            json!({ "id": item["id"], "v": 1, "input": { "title": "x" } }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");

    // Deleting the network leaves its news without a publisher, and out of its facet.
    let delete =
        r#"mutation { deleteNetwork(slug: "adriatic-digital-alliance", version: 1) { id } }"#;
    server.data_as(&admin, delete, json!({})).await;
    let read =
        r#"query($id: ID!) { node(id: $id) { ... on NewsItem { publisher { slug } title } } }"#;
    let now = server.data(read, json!({ "id": item["id"] })).await;
    assert_eq!(
        now["node"],
        json!({ "publisher": null, "title": "Datathon in Skopje" })
    );
    server.search.caught_up(&server.db).await.unwrap();
    let facet = r#"{ search(query: "datathon", filter: { network: ["adriatic-digital-alliance"] }) { totalCount } }"#;
    assert_eq!(
        server.data(facet, json!({})).await["search"]["totalCount"],
        0
    );

    let drop = r#"mutation($id: ID!, $v: Int!) { deleteNews(id: $id, version: $v) { id } }"#;
    server
        .data_as(&admin, drop, json!({ "id": item["id"], "v": 2 }))
        .await;
    server.search.caught_up(&server.db).await.unwrap();
    let find = r#"{ search(query: "datathon", kinds: [NEWS]) { totalCount } }"#;
    assert_eq!(
        server.data(find, json!({})).await["search"]["totalCount"],
        0
    );
}

async fn concurrent_writers_of_one_version_see_one_win(backend: Backend) {
    let server = TestServer::start(backend).await;
    let writer = server.token("write").await;
    let v = server.data(PROFILE, json!({ "slug": "ict-net" })).await["cluster"]["version"]
        .as_i64()
        .unwrap();
    let attempts = (0..8).map(|i| {
        let vars = json!({ "slug": "ict-net", "version": v,
                           "input": { "region": format!("Region {i}") } });
        server.post_as(Some(&writer), UPDATE, vars)
    });
    let outcomes = futures::future::join_all(attempts).await;
    let won: Vec<&Value> = outcomes
        .iter()
        .map(|(_, body)| body)
        .filter(|b| b.get("errors").is_none())
        .collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    for (status, body) in &outcomes {
        assert_eq!(*status, 200);
        assert!(
            body.get("errors").is_none() || code(body) == "CONFLICT",
            "{body}"
        );
    }
    let c = server.data(PROFILE, json!({ "slug": "ict-net" })).await;
    assert_eq!(c["cluster"]["version"], v + 1);
}

/// Mentions resolve against the names as they are at each write: the directory the writers
/// keep is renewed by creations, renames and deletions, and not by a write that rolled back.
async fn mentions_follow_the_names_as_they_change(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (writer, admin) = (server.token("write").await, server.token("admin").await);
    let publish = r#"mutation($input: NewsInput!) { publishNews(input: $input) {
        mentions { name cluster { slug } } } }"#;
    let mut day = 0;
    let mut mentions = async |body: &str| {
        day += 1;
        let input =
            json!({ "input": { "body": body, "publishedOn": format!("2026-02-{day:02}") } });
        let data = server.data_as(&writer, publish, input).await;
        data["publishNews"]["mentions"].as_array().unwrap().clone()
    };
    let resolved = |ms: &[Value], name: &str| -> Option<Value> {
        ms.iter()
            .find(|m| m["name"] == name)
            .map(|m| m["cluster"]["slug"].clone())
    };
    let names_cluster = |ms: &[Value], slug: &str| ms.iter().any(|m| m["cluster"]["slug"] == slug);

    // The directory is warm: MASIT resolves, the cluster not yet created does not.
    let ms = mentions("MASIT meets Danube Digital Cluster Alliance at the summit.").await;
    assert_eq!(resolved(&ms, "MASIT"), Some(json!("masit")), "{ms:?}");

    // A write that fails after writing the cluster rolls back its names too.
    let mut clash = profile();
    clash["aliases"] = json!(["MASIT"]);
    let (_, body) = server
        .post_as(Some(&writer), CREATE, json!({ "input": clash }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let ms = mentions("Danube Digital Cluster opens a lab.").await;
    assert!(!names_cluster(&ms, "danube-digital-cluster"), "{ms:?}");

    let created = server
        .data_as(&writer, CREATE, json!({ "input": profile() }))
        .await;
    let slug = created["createCluster"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let ms = mentions("DDC and MASIT sign a memorandum.").await;
    assert_eq!(resolved(&ms, "DDC"), Some(json!(slug)), "{ms:?}");

    let renamed = server
        .data_as(
            &writer,
            UPDATE,
            json!({ "slug": slug, "version": 1,
                    "input": { "name": "Sava Digital Cluster", "aliases": [] } }),
        )
        .await;
    let version = renamed["updateCluster"]["version"].as_i64().unwrap();
    let ms = mentions("Sava Digital Cluster hosts a hackathon.").await;
    assert_eq!(
        resolved(&ms, "Sava Digital Cluster"),
        Some(json!(slug)),
        "{ms:?}"
    );
    let ms = mentions("DDC alumni meet in Novi Sad.").await;
    assert!(!names_cluster(&ms, &slug), "{ms:?}");

    let delete =
        r#"mutation($slug: String!, $v: Int!) { deleteCluster(slug: $slug, version: $v) { id } }"#;
    server
        .data_as(&admin, delete, json!({ "slug": slug, "v": version }))
        .await;
    let ms = mentions("Sava Digital Cluster closes its doors.").await;
    assert!(!names_cluster(&ms, &slug), "{ms:?}");
}

/// A mutation sent over GET, even by a client allowed to write, is refused with 405 and
/// `Allow: POST` before it runs: nothing is written.
async fn mutations_over_get_are_refused_and_write_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let writer = server.token("write").await;
    for accept in ["application/graphql-response+json", "application/json"] {
        let response = reqwest::Client::new()
            .get(format!("{}/graphql", server.url))
            .query(&[
                ("query", CREATE),
                ("variables", &json!({ "input": profile() }).to_string()),
            ])
            .header("accept", accept)
            .bearer_auth(&writer)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{accept}");
        assert_eq!(response.headers()["allow"], "POST", "{accept}");
    }
    let slug = json!({ "slug": "danube-digital-cluster" });
    assert_eq!(server.data(PROFILE, slug).await["cluster"], Value::Null);
    // The same request over POST writes: the GET was refused for its method alone.
    let created = server
        .data_as(&writer, CREATE, json!({ "input": profile() }))
        .await;
    assert_eq!(created["createCluster"]["version"], 1);
}

on_both_backends! {
    clusters_are_created_updated_and_deleted_by_version => super::clusters_are_created_updated_and_deleted_by_version;
    bad_input_is_refused_naming_the_field => super::bad_input_is_refused_naming_the_field;
    parts_of_a_cluster_move_its_version => super::parts_of_a_cluster_move_its_version;
    networks_and_news_are_written_with_their_mentions => super::networks_and_news_are_written_with_their_mentions;
    concurrent_writers_of_one_version_see_one_win => super::concurrent_writers_of_one_version_see_one_win;
    mentions_follow_the_names_as_they_change => super::mentions_follow_the_names_as_they_change;
    mutations_over_get_are_refused_and_write_nothing => super::mutations_over_get_are_refused_and_write_nothing;
}
