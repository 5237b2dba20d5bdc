//! The HTTP front: `/graphql` (POST, GET, GraphiQL for browsers), `/schema.graphql`,
//! `/healthz`; compression, body and time limits; and GraphQL over HTTP as its specification
//! says, which the stock integration does not: content negotiation, status codes, `415` for
//! bodies that are not JSON, `405` for mutations over GET. This is the one place errors get
//! their `extensions.code`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{ServerError, Variables};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::{Map, Value, json};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use sea_orm::DatabaseConnection;

use crate::graphql::{self, AtlasSchema};

/// Request bodies above this are refused with 413.
const MAX_BODY_BYTES: usize = 1 << 20;
/// Requests running longer are cut with 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
struct HttpState {
    schema: AtlasSchema,
    db: DatabaseConnection,
    /// Rendered once: neither changes while the server runs.
    sdl: Arc<str>,
    graphiql: Arc<str>,
}

/// The router, testable without a socket.
pub fn router(schema: AtlasSchema, db: DatabaseConnection) -> Router {
    let state = HttpState {
        sdl: schema.sdl().into(),
        graphiql: graphiql_page().into(),
        schema,
        db,
    };
    let routes = Router::new()
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql_post)
                .fallback(method_not_allowed),
        )
        .route("/schema.graphql", get(schema_sdl))
        .route("/healthz", get(|| async { "ok" }))
        .route("/graphiql/{file}", get(graphiql_asset))
        .with_state(state);
    with_stack(routes)
}

/// The HTTP stack every route runs under: compression, body limit, timeout, tracing.
pub fn with_stack(routes: Router) -> Router {
    routes
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
}

async fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "GET, POST")],
        "",
    )
        .into_response()
}

async fn schema_sdl(State(state): State<HttpState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        state.sdl.to_string(),
    )
        .into_response()
}

/// The response media type the client accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the first acceptable type in the client's `Accept` list; none given means any.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*");
    accept.split(',').find_map(|part| {
        let mut params = part.split(';');
        let ty = params
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let refused = params.any(|p| p.trim().replace(' ', "") == "q=0");
        if refused {
            return None;
        }
        match ty.as_str() {
            "application/graphql-response+json" => Some(Media::GraphqlResponse),
            "application/json" | "application/*" | "*/*" => Some(Media::Json),
            _ => None,
        }
    })
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// A request the server refuses before GraphQL sees it.
fn refuse(status: StatusCode, media: Media, message: &str, code: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

/// The GraphQL parameters of a request, checked as the specification says.
struct Params {
    query: String,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
}

fn params(map: &Map<String, Value>) -> Result<Params, &'static str> {
    let query = match map.get("query") {
        Some(Value::String(q)) => q.clone(),
        _ => return Err("`query` must be a string"),
    };
    let operation_name = match map.get("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        _ => return Err("`operationName` must be a string"),
    };
    let variables = match map.get("variables") {
        None | Some(Value::Null) => None,
        Some(Value::Object(v)) => Some(v.clone()),
        _ => return Err("`variables` must be an object"),
    };
    match map.get("extensions") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        _ => return Err("`extensions` must be an object"),
    }
    Ok(Params {
        query,
        operation_name,
        variables,
    })
}

async fn graphql_post(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(media) = negotiate(&headers) else {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            Media::Json,
            "no acceptable response type",
            "NOT_ACCEPTABLE",
        );
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !is_json(content_type) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "send the request as application/json",
            "UNSUPPORTED_MEDIA_TYPE",
        );
    }
    let map = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                media,
                "the body must be a JSON object",
                "BAD_REQUEST",
            );
        }
        Err(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                media,
                "the body is not valid JSON",
                "BAD_REQUEST",
            );
        }
    };
    match params(&map) {
        Ok(p) => execute(&state, p, media, Method::POST).await,
        Err(message) => refuse(StatusCode::BAD_REQUEST, media, message, "BAD_REQUEST"),
    }
}

fn is_json(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let ty = parts.next().unwrap_or_default().trim();
    ty.eq_ignore_ascii_case("application/json")
        && parts.all(|p| {
            let p = p.trim().to_ascii_lowercase().replace(' ', "");
            p.is_empty() || p == "charset=utf-8" || p == "charset=\"utf-8\""
        })
}

async fn graphql_get(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    if query.is_empty() && wants_html(&headers) {
        return Html(state.graphiql.to_string()).into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            Media::Json,
            "no acceptable response type",
            "NOT_ACCEPTABLE",
        );
    };
    let mut map = Map::new();
    for (k, v) in query {
        let value = match k.as_str() {
            "variables" | "extensions" => match serde_json::from_str::<Value>(&v) {
                Ok(parsed) => parsed,
                Err(_) => {
                    return refuse(
                        StatusCode::BAD_REQUEST,
                        media,
                        "`variables` and `extensions` must be JSON",
                        "BAD_REQUEST",
                    );
                }
            },
            _ => Value::String(v),
        };
        map.insert(k, value);
    }
    match params(&map) {
        Ok(p) => execute(&state, p, media, Method::GET).await,
        Err(message) => refuse(StatusCode::BAD_REQUEST, media, message, "BAD_REQUEST"),
    }
}

/// Runs one operation and writes the response the way the negotiated media type wants it.
async fn execute(state: &HttpState, p: Params, media: Media, method: Method) -> Response {
    let mut request = async_graphql::Request::new(p.query);
    if let Some(name) = &p.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = p.variables {
        request = request.variables(Variables::from_json(Value::Object(vars)));
    }
    // Parsed here, once: the request keeps the document for execution.
    let document = match graphql::parse(&mut request) {
        Ok(d) => d,
        Err(e) => return request_error(media, vec![e], "GRAPHQL_PARSE_FAILED"),
    };
    if method == Method::GET {
        let op = match &p.operation_name {
            Some(name) => document
                .operations
                .iter()
                .find(|(n, _)| n.map(|n| n.as_str()) == Some(name.as_str())),
            None => document.operations.iter().next(),
        };
        if op.is_some_and(|(_, o)| o.node.ty != OperationType::Query) {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "POST")],
                "",
            )
                .into_response();
        }
    }
    let response = graphql::execute(&state.schema, &state.db, request).await;
    // Errors before execution (validation, variables) leave no data and carry no path.
    let rejected = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if rejected {
        return request_error(media, response.errors, "GRAPHQL_VALIDATION_FAILED");
    }
    let body = Body {
        data: &response.data,
        errors: (!response.errors.is_empty()).then(|| coded(response.errors, "BAD_USER_INPUT")),
        extensions: (!response.extensions.is_empty()).then_some(&response.extensions),
    };
    let text = serde_json::to_string(&body).unwrap_or_else(|_| r#"{"data":null}"#.to_owned());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, media.content_type())],
        text,
    )
        .into_response()
}

/// A response body, written straight from GraphQL's values: building a `serde_json::Value`
/// first took about a sixth of the server's CPU time for a page of 100 nested clusters, and
/// sorted the fields instead of keeping the order the query asked for.
#[derive(Serialize)]
struct Body<'a> {
    data: &'a async_graphql::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extensions: Option<&'a BTreeMap<String, async_graphql::Value>>,
}

/// A request GraphQL refused as a whole: no `data` key, 400 for the new media type, 200 for
/// legacy JSON clients.
fn request_error(media: Media, errors: Vec<ServerError>, code: &str) -> Response {
    let status = match media {
        Media::GraphqlResponse => StatusCode::BAD_REQUEST,
        Media::Json => StatusCode::OK,
    };
    let body = json!({ "errors": coded(errors, code) });
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

/// Errors as JSON, each with an `extensions.code` (`default` where a resolver set none).
fn coded(errors: Vec<ServerError>, default: &str) -> Value {
    let list = errors
        .into_iter()
        .map(|e| {
            let mut v =
                serde_json::to_value(&e).unwrap_or_else(|_| json!({ "message": e.message }));
            if let Some(obj) = v.as_object_mut() {
                let ext = obj.entry("extensions").or_insert_with(|| json!({}));
                if let Some(ext) = ext.as_object_mut() {
                    ext.entry("code").or_insert_with(|| json!(default));
                }
            }
            v
        })
        .collect();
    Value::Array(list)
}

/// The operation GraphiQL opens with: a nested profile and a filtered list.
const EXAMPLE_OPERATION: &str = r#"# A nested profile, and a filtered list with its total.
query Profile {
  cluster(slug: "masit") {
    name
    established
    country { code name }
    contacts { role phone }
    technologyFields { name }
    programmes { programme { name framework } }
    networks { network { name } }
    news(first: 5) { totalCount edges { node { title publishedOn } } }
  }
}

query SerbianClusters {
  clusters(filter: { country: ["RS"] }, orderBy: { field: ESTABLISHED, direction: DESC }, first: 10) {
    totalCount
    edges { cursor node { name region excellenceLabel established } }
    pageInfo { hasNextPage endCursor }
  }
}
"#;

fn graphiql_page() -> String {
    let html = include_str!("../assets/graphiql/index.html");
    let example = serde_json::to_string(EXAMPLE_OPERATION).unwrap_or_else(|_| "\"\"".into());
    html.replace("__DEFAULT_QUERY_JSON__", &example)
}

/// GraphiQL's own files, served from the binary so the playground works offline.
async fn graphiql_asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, ty): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../assets/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../assets/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../assets/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../assets/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(ty).unwrap_or(HeaderValue::from_static("text/plain")),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ),
    ];
    (headers, body).into_response()
}
