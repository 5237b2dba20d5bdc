//! The plain side: two axum handlers that make the same store calls as the GraphQL loaders
//! do for the bench's two queries (one statement per relation for the whole page) and write
//! the same JSON by hand with serde, with no GraphQL in between.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, DbErr};
use serde::{Deserialize, Serialize};

use cluster_atlas::store::cluster::{self, SortBy};
use cluster_atlas::store::news::{self, Parent};
use cluster_atlas::store::window::{Direction, Key, Window};
use cluster_atlas::store::{TermKind, contact, membership, participation, term};

/// Page size of the page query, and the nested news page size of both queries.
pub const PAGE: u64 = 100;
pub const NEWS: u64 = 5;

/// The plain routes, under the same layers as the product's router so that both sides pay
/// the same HTTP stack and differ only in the handler.
pub fn router(db: DatabaseConnection) -> Router {
    let routes = Router::new()
        .route("/plain/cluster/{slug}", get(profile))
        .route("/plain/clusters", get(page))
        .with_state(db);
    cluster_atlas::http::with_stack(routes, &cluster_atlas::http::Settings::default())
}

/// A store failure: 500 with the cause, this being a benchmark.
pub struct Failed(String);

impl From<DbErr> for Failed {
    fn from(e: DbErr) -> Self {
        Self(e.to_string())
    }
}

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.0).into_response()
    }
}

#[derive(Serialize)]
struct Data<T> {
    data: T,
}

#[derive(Serialize)]
struct ProfileData {
    cluster: Option<ClusterJson>,
}

#[derive(Serialize)]
struct PageData {
    clusters: ClusterConnection,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConnection {
    page_info: PageInfo,
    edges: Vec<Edge<ClusterJson>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Serialize)]
struct Edge<T> {
    node: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterJson {
    name: String,
    established: Option<NaiveDate>,
    country: Option<CountryJson>,
    contacts: Vec<ContactJson>,
    technology_fields: Vec<Named>,
    programmes: Vec<ProgrammeOf>,
    networks: Vec<NetworkOf>,
    news: NewsJson,
}

#[derive(Serialize)]
struct CountryJson {
    code: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct ContactJson {
    role: String,
    phone: Option<String>,
}

#[derive(Serialize)]
struct Named {
    name: String,
}

#[derive(Serialize)]
struct ProgrammeOf {
    programme: Option<ProgrammeJson>,
}

#[derive(Serialize)]
struct ProgrammeJson {
    name: String,
    framework: Option<String>,
}

#[derive(Serialize)]
struct NetworkOf {
    network: Option<Named>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsJson {
    total_count: i64,
    edges: Vec<Edge<NewsNode>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsNode {
    title: Option<String>,
    published_on: Option<NaiveDate>,
}

async fn profile(
    State(db): State<DatabaseConnection>,
    Path(slug): Path<String>,
) -> Result<Json<Data<ProfileData>>, Failed> {
    let cluster = match cluster::find_by_slug(&db, &slug).await? {
        Some(c) => nested(&db, vec![c]).await?.pop(),
        None => None,
    };
    Ok(Json(Data {
        data: ProfileData { cluster },
    }))
}

#[derive(Deserialize)]
struct PageParams {
    after: Option<String>,
}

async fn page(
    State(db): State<DatabaseConnection>,
    Query(params): Query<PageParams>,
) -> Result<Json<Data<PageData>>, Response> {
    let after = match params.after.as_deref().map(decode_cursor) {
        Some(None) => return Err((StatusCode::BAD_REQUEST, "bad cursor").into_response()),
        Some(Some(key)) => Some(key),
        None => None,
    };
    let window = Window {
        after,
        before: None,
        limit: PAGE,
        from_end: false,
    };
    let filter = cluster::Filter::default();
    let page = cluster::page(&db, &filter, SortBy::Name, Direction::Asc, &window)
        .await
        .map_err(|e| Failed::from(e).into_response())?;
    let page_info = PageInfo {
        has_next_page: page.has_next,
        end_cursor: page.rows.last().map(cursor),
    };
    let nodes = nested(&db, page.rows)
        .await
        .map_err(|e| Failed::from(e).into_response())?;
    Ok(Json(Data {
        data: PageData {
            clusters: ClusterConnection {
                page_info,
                edges: nodes.into_iter().map(|node| Edge { node }).collect(),
            },
        },
    }))
}

/// The nested selection of every cluster, in one round: participations come with their
/// programmes and memberships with their networks, as the loaders read them.
async fn nested(
    db: &DatabaseConnection,
    clusters: Vec<cluster::Model>,
) -> Result<Vec<ClusterJson>, DbErr> {
    if clusters.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = clusters.iter().map(|c| c.id).collect();
    let (contacts, terms, parts, members, latest) = futures::try_join!(
        contact::for_clusters(db, &ids),
        term::for_clusters(db, &ids),
        participation::with_programmes_for_clusters(db, &ids),
        membership::with_networks_for_clusters(db, &ids),
        news::latest_mentioning(db, Parent::Cluster, &ids, NEWS, None),
    )?;

    let mut contacts = group(contacts, |c| c.cluster_id);
    let mut parts = group(parts, |(p, _)| p.cluster_id);
    let mut members = group(members, |(m, _)| m.cluster_id);
    let mut fields: HashMap<i32, Vec<Named>> = HashMap::new();
    for (c, t) in terms {
        if t.kind == TermKind::TechnologyField.as_str() {
            fields.entry(c).or_default().push(Named { name: t.name });
        }
    }
    let mut news: HashMap<i32, Vec<Edge<NewsNode>>> = HashMap::new();
    let mut counts: HashMap<i32, i64> = HashMap::new();
    for row in latest {
        counts.insert(row.parent_id, row.of);
        let edges = news.entry(row.parent_id).or_default();
        if edges.len() < usize::try_from(NEWS).unwrap_or(usize::MAX) {
            edges.push(Edge {
                node: NewsNode {
                    title: row.item.title,
                    published_on: row.item.published_on,
                },
            });
        }
    }

    Ok(clusters
        .into_iter()
        .map(|c| ClusterJson {
            country: c
                .country_code
                .as_deref()
                .and_then(cluster_atlas::geo::by_code)
                .map(|k| CountryJson {
                    code: k.code,
                    name: k.name,
                }),
            contacts: contacts
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(|x| ContactJson {
                    role: x.role,
                    phone: x.phone,
                })
                .collect(),
            technology_fields: fields.remove(&c.id).unwrap_or_default(),
            programmes: parts
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(|(_, programme)| ProgrammeOf {
                    programme: programme.map(|g| ProgrammeJson {
                        name: g.name,
                        framework: g.framework,
                    }),
                })
                .collect(),
            networks: members
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(|(_, network)| NetworkOf {
                    network: network.map(|n| Named { name: n.name }),
                })
                .collect(),
            news: NewsJson {
                total_count: counts.get(&c.id).copied().unwrap_or(0),
                edges: news.remove(&c.id).unwrap_or_default(),
            },
            name: c.name,
            established: c.established,
        })
        .collect())
}

fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> i32) -> HashMap<i32, Vec<T>> {
    let mut map: HashMap<i32, Vec<T>> = HashMap::new();
    for r in rows {
        map.entry(key(&r)).or_default().push(r);
    }
    map
}

/// The ordering tag the product's cursors carry for `clusters` by name, ascending.
const TAG: &str = "clusters:name:Asc";

/// The cursor the product gives `row` in the cluster list by name: the same codec, written
/// again here because the product keeps it private.
pub fn cursor(row: &cluster::Model) -> String {
    cursor_of(&row.name_key, row.id)
}

pub fn cursor_of(name_key: &str, id: i32) -> String {
    let payload = serde_json::json!({ "o": TAG, "v": name_key, "i": id });
    URL_SAFE_NO_PAD.encode(payload.to_string())
}

fn decode_cursor(cursor: &str) -> Option<Key> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let payload: serde_json::Value = serde_json::from_slice(&raw).ok()?;
    if payload.get("o")?.as_str()? != TAG {
        return None;
    }
    let value = payload.get("v")?.as_str()?.to_owned();
    let id = i32::try_from(payload.get("i")?.as_i64()?).ok()?;
    Some(Key {
        value: value.into(),
        id,
    })
}
