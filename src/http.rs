//! The HTTP front: `/graphql` (POST, GET, GraphiQL for browsers), `/schema.graphql`,
//! `/healthz`, the Explorer app at `/`; compression, body and time limits, rate limits, CORS, persisted queries, and
//! request logs with credentials hidden; and GraphQL over HTTP as its specification says,
//! which the stock integration does not: content negotiation, status codes, `415` for bodies
//! that are not JSON, `405` for mutations over GET. This is the one place errors get their
//! `extensions.code`.

mod body;
mod cache;
pub mod explorer;
pub mod graphiql;
pub mod identify;
mod observe;
pub mod persisted;
pub mod rate;
pub mod ready;
pub mod scrape;
mod settings;
mod ws;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::parser::types::OperationType;
use async_graphql::{ServerError, Variables};
use axum::Router;
use axum::body::Body as HttpBody;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::{Map, Value, json};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;

use crate::auth::Caller;
use crate::graphql::{self, AtlasSchema};
use crate::search::Search;
use identify::{Gate, Identity};
use observe::OperationNames;
pub use persisted::AllowList;
use persisted::{Persisted, Refusal};
use rate::Limiter;
pub use rate::{ClientKey, client_key};
pub use settings::Settings;
pub use ws::Drain;

/// Time beyond the operation timeout a request may take in all, to read its body and write
/// the TIMEOUT error; a client that sends its body slower gets 408.
const SLOW_BODY_GRACE: Duration = Duration::from_secs(5);

#[derive(Clone)]
struct HttpState {
    schema: AtlasSchema,
    db: DatabaseConnection,
    search: Search,
    settings: Arc<Settings>,
    persisted: Arc<Persisted>,
    limiter: Option<Arc<Limiter>>,
    operation_names: Arc<OperationNames>,
    drain: Drain,
    /// Rendered once: neither changes while the server runs. `None` when switched off.
    sdl: Option<Arc<str>>,
    graphiql: Option<Arc<str>>,
}

/// The router, testable without a socket. Serve it with connect info
/// (`into_make_service_with_connect_info::<SocketAddr>`) so that clients are told apart by
/// address; without it they share one rate limit. `search` answers the probes and
/// metrics of the index; `drain` closes the WebSockets on shutdown.
pub fn router(
    schema: AtlasSchema,
    db: DatabaseConnection,
    search: Search,
    settings: &Settings,
    drain: Drain,
) -> Router {
    let limiter = (settings.rate_limit > 0).then(|| {
        Arc::new(Limiter::new(
            settings.rate_limit,
            settings.rate_burst,
            settings.trust_forwarded_for,
        ))
    });
    let gate = Gate::new(db.clone(), settings);
    let probes = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(ready::routes(
            db.clone(),
            search.clone(),
            settings.ready_max_lag,
        ));
    let metrics = settings
        .metrics_addr
        .is_none()
        .then(|| scrape::routes(db.clone(), search.clone(), settings));
    let state = HttpState {
        sdl: (!settings.query.no_introspection).then(|| graphql::sdl_of(&schema).into()),
        graphiql: (!settings.no_graphiql).then(|| graphiql::page().into()),
        schema,
        db,
        search,
        settings: Arc::new(settings.clone()),
        persisted: Arc::new(Persisted::new(settings.allow_list.clone())),
        limiter: limiter.clone(),
        operation_names: Arc::default(),
        drain,
    };
    let mut api = Router::new()
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql_post)
                .fallback(method_not_allowed),
        )
        .route("/graphql/ws", get(ws::upgrade))
        .route("/schema.graphql", get(schema_sdl))
        .route("/graphiql/{file}", get(graphiql_asset))
        .with_state(state);
    if let Some(limiter) = limiter {
        api = api.route_layer(axum::middleware::from_fn_with_state(limiter, rate::limit));
    }
    // Added last, so it runs first: the limiter meters a live token by its id.
    api = api.route_layer(axum::middleware::from_fn_with_state(
        gate,
        identify::identify,
    ));
    // Probes and scrapes come often from the same few addresses: never rate limited.
    let mut routes = api.merge(probes);
    // Static files, compiled in: no store behind them to protect, so no limit either.
    if !settings.no_explorer {
        routes = routes.merge(explorer::routes());
    }
    if let Some(metrics) = metrics {
        routes = routes.merge(metrics);
    }
    if let Some(cors) = cors(&settings.cors_origins) {
        routes = routes.layer(cors);
    }
    with_stack(routes, settings)
}

/// The HTTP stack every route runs under: compression, body limit, timeout, metrics,
/// request ids, request logs without credentials.
pub fn with_stack(routes: Router, settings: &Settings) -> Router {
    routes
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.timeout + SLOW_BODY_GRACE,
        ))
        // Outside the timeout, so that a 408 is counted as one.
        .layer(axum::middleware::from_fn(observe::count))
        .layer(observe::trace())
        .layer(PropagateRequestIdLayer::x_request_id())
        // Before the log's span opens, so that the span carries the id.
        .layer(SetRequestIdLayer::x_request_id(observe::MakeId))
        // Outermost, so that the log above sees these values as sensitive and prints
        // `Sensitive` instead.
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            header::PROXY_AUTHORIZATION,
            header::COOKIE,
        ]))
}

/// Cross-origin access for the configured origins; none configured, none granted, and
/// browsers keep pages of other origins out.
fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().cloned())
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::AUTHORIZATION])
            .max_age(Duration::from_secs(3600)),
    )
}

async fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "GET, POST")],
        "",
    )
        .into_response()
}

/// The SDL, to whoever may read: with `--reads-need-token` the schema is no more public
/// than the data.
async fn schema_sdl(
    State(state): State<HttpState>,
    Extension(identity): Extension<Identity>,
) -> Response {
    if let Err(e) = identity.caller() {
        return unauthenticated(Media::Json, e);
    }
    match state.sdl {
        Some(sdl) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            sdl.to_string(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn graphiql_asset(
    State(state): State<HttpState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    match state.graphiql {
        Some(_) => graphiql::asset(&file),
        None => StatusCode::NOT_FOUND.into_response(),
    }
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

/// One operation's answer: its status, its JSON body, and the methods allowed when the
/// method was wrong.
struct Reply {
    status: StatusCode,
    body: String,
    allow: Option<&'static str>,
    /// The store was unreachable: worth retrying in a second (`Retry-After`).
    retry: bool,
    /// A query answered without errors: a public one may be cached.
    cacheable: bool,
}

impl Reply {
    fn ok(body: String) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            allow: None,
            retry: false,
            cacheable: false,
        }
    }

    /// A request the server refuses before GraphQL sees it.
    fn refused(status: StatusCode, message: &str, code: &str) -> Self {
        crate::telemetry::graphql_error(code);
        let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
        Self {
            status,
            ..Self::ok(body.to_string())
        }
    }

    /// A request GraphQL refused as a whole: no `data` key, 400 for the new media type, 200
    /// for legacy JSON clients.
    fn request_error(media: Media, errors: Vec<ServerError>, code: &str) -> Self {
        let status = match media {
            Media::GraphqlResponse => StatusCode::BAD_REQUEST,
            Media::Json => StatusCode::OK,
        };
        let body = json!({ "errors": coded(errors, code) });
        Self {
            status,
            ..Self::ok(body.to_string())
        }
    }

    fn persisted(media: Media, refusal: &Refusal) -> Self {
        let (message, code) = (refusal.message(), refusal.code());
        match refusal {
            // A step of the protocol, not a fault: 200, as Apollo's clients expect.
            Refusal::NotFound => Self::refused(StatusCode::OK, message, code),
            Refusal::HashMismatch => Self::refused(StatusCode::BAD_REQUEST, message, code),
            Refusal::NotAllowed => {
                Self::request_error(media, vec![graphql::refusal(code, message)], code)
            }
        }
    }

    fn into_response(self, media: Media) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, media.content_type())],
            self.body,
        )
            .into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if self.retry {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

fn refuse(status: StatusCode, media: Media, message: &str, code: &str) -> Response {
    Reply::refused(status, message, code).into_response(media)
}

fn not_acceptable() -> Response {
    refuse(
        StatusCode::NOT_ACCEPTABLE,
        Media::Json,
        "no acceptable response type",
        "NOT_ACCEPTABLE",
    )
}

/// The GraphQL parameters of a request, checked as the specification says. The document
/// comes as `query`, or by its hash in `extensions.persistedQuery`, or both.
struct Params {
    query: Option<String>,
    persisted: Option<String>,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
}

fn params(map: &Map<String, Value>) -> Result<Params, &'static str> {
    let query = match map.get("query") {
        None | Some(Value::Null) => None,
        Some(Value::String(q)) => Some(q.clone()),
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
    let extensions = match map.get("extensions") {
        None | Some(Value::Null) => None,
        Some(Value::Object(e)) => Some(e),
        _ => return Err("`extensions` must be an object"),
    };
    let persisted = persisted::requested_hash(extensions)?;
    if query.is_none() && persisted.is_none() {
        return Err("`query` must be a string");
    }
    Ok(Params {
        query,
        persisted,
        operation_name,
        variables,
    })
}

async fn graphql_post(
    State(state): State<HttpState>,
    client: Option<Extension<ClientKey>>,
    Extension(identity): Extension<Identity>,
    headers: HeaderMap,
    body: HttpBody,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
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
    let caller = match identity.caller() {
        Ok(caller) => caller,
        Err(e) => return unauthenticated(media, e),
    };
    // Read here rather than by an extractor: how much may come depends on the caller.
    let most = state.settings.sizes(caller).body;
    let body = match body::read(body, most).await {
        Ok(body) => body,
        Err(body::Unread::TooLarge) => {
            let message = format!("the body is larger than {most} bytes");
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                &message,
                "PAYLOAD_TOO_LARGE",
            );
        }
        Err(body::Unread::Broken) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                media,
                "the body could not be read",
                "BAD_REQUEST",
            );
        }
    };
    // Checked first: JSON parsing alone lets some invalid bytes through inside strings.
    let Ok(body) = std::str::from_utf8(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            media,
            "the body is not UTF-8",
            "BAD_REQUEST",
        );
    };
    let reply = match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => operation(&state, caller, &map, media, Method::POST).await,
        Ok(Value::Array(list)) => {
            return batch(&state, caller, client.map(|c| c.0), &list, media).await;
        }
        Ok(_) => Reply::refused(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
            "BAD_REQUEST",
        ),
        Err(_) => Reply::refused(
            StatusCode::BAD_REQUEST,
            "the body is not valid JSON",
            "BAD_REQUEST",
        ),
    };
    reply.into_response(media)
}

/// Several operations in one POST, when the operator allows it: each answered as it would
/// be alone, in order, and each counted by the rate limit.
async fn batch(
    state: &HttpState,
    caller: &Caller,
    client: Option<ClientKey>,
    list: &[Value],
    media: Media,
) -> Response {
    let most = state.settings.max_batch;
    if most == 0 {
        return refuse(
            StatusCode::BAD_REQUEST,
            media,
            "batching is off on this server: send one operation, as a JSON object",
            "BATCHING_DISABLED",
        );
    }
    if list.is_empty() || list.len() > most {
        let message = format!("a batch holds 1 to {most} operations");
        return refuse(StatusCode::BAD_REQUEST, media, &message, "BATCH_TOO_LARGE");
    }
    // The rate limit took one request for the whole POST.
    if let (Some(limiter), Some(client)) = (&state.limiter, &client) {
        let more = u32::try_from(list.len() - 1).unwrap_or(u32::MAX);
        if let Err(wait) = limiter.admit(client, more, Instant::now()) {
            return rate::too_many_requests(wait);
        }
    }
    let replies = futures::future::join_all(list.iter().map(|item| async move {
        match item {
            Value::Object(map) => operation(state, caller, map, media, Method::POST).await,
            _ => Reply::refused(
                StatusCode::BAD_REQUEST,
                "each operation of a batch must be a JSON object",
                "BAD_REQUEST",
            ),
        }
    }))
    .await;
    let bodies: Vec<&str> = replies.iter().map(|r| r.body.as_str()).collect();
    Reply::ok(format!("[{}]", bodies.join(","))).into_response(media)
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
    Extension(identity): Extension<Identity>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    // A browser opening the endpoint gets GraphiQL, whether or not it also takes JSON.
    if let Some(page) = &state.graphiql
        && query.as_ref().is_ok_and(|Query(q)| q.is_empty())
        && wants_html(&headers)
    {
        return Html(page.to_string()).into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let Ok(Query(query)) = query else {
        return refuse(
            StatusCode::BAD_REQUEST,
            media,
            "the query string is not URL-encoded UTF-8",
            "BAD_REQUEST",
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
    let caller = match identity.caller() {
        Ok(caller) => caller,
        Err(e) => return unauthenticated(media, e),
    };
    // Credentials make an answer the caller's own: never cached, anywhere.
    let public = !headers.contains_key(header::AUTHORIZATION);
    let tag = match public {
        true => cache::tag(&state, uri.query().unwrap_or_default(), media).await,
        false => None,
    };
    let cache_control = &state.settings.cache_control;
    if let Some(tag) = &tag
        && cache::still_fresh(&headers, tag)
    {
        return cache::not_modified(tag.clone(), cache_control);
    }
    let reply = operation(&state, caller, &map, media, Method::GET).await;
    let cacheable = reply.cacheable && reply.status == StatusCode::OK;
    let mut response = reply.into_response(media);
    match tag {
        Some(tag) if cacheable => cache::mark(&mut response, tag, cache_control),
        _ => cache::forbid(&mut response),
    }
    response
}

/// Checks one operation's parameters and runs it.
async fn operation(
    state: &HttpState,
    caller: &Caller,
    map: &Map<String, Value>,
    media: Media,
    method: Method,
) -> Reply {
    match params(map) {
        Ok(p) => execute(state, caller, p, media, method).await,
        Err(message) => Reply::refused(StatusCode::BAD_REQUEST, message, "BAD_REQUEST"),
    }
}

/// An operation that passed every check made before execution.
struct Prepared {
    request: async_graphql::Request,
    /// The type of the operation that will run; `None` when the name matches none (left
    /// to GraphQL to report).
    kind: Option<OperationType>,
    /// Its name, when it has one.
    name: Option<String>,
    /// The document and hash to remember once it validates (automatic persisted queries).
    register: Option<(String, String)>,
}

/// Why an operation was refused before execution.
enum Unprepared {
    /// GraphQL errors, with the code of the whole refusal.
    Errors(&'static str, Vec<ServerError>),
    Persisted(Refusal),
}

/// Applies the checks every transport makes before running an operation: the variables'
/// size, persisted queries and the allow-list, NUL characters, parsing.
fn prepare(state: &HttpState, caller: &Caller, p: Params) -> Result<Prepared, Unprepared> {
    if let Some(vars) = &p.variables {
        let most = state.settings.sizes(caller).variables;
        let bytes = serde_json::to_string(vars).map_or(usize::MAX, |s| s.len());
        if bytes > most {
            let message = format!("the variables take {bytes} bytes of JSON, more than {most}");
            let error = graphql::refusal("VARIABLES_TOO_LARGE", message);
            return Err(Unprepared::Errors("VARIABLES_TOO_LARGE", vec![error]));
        }
    }
    let resolved = state
        .persisted
        .resolve(p.query, p.persisted)
        .map_err(Unprepared::Persisted)?;
    // PostgreSQL cannot hold U+0000 in text and fails the statement: refused here, once.
    if carries_nul(&resolved.query, p.variables.as_ref()) {
        let error = graphql::refusal("BAD_USER_INPUT", "text may not contain U+0000 (NUL)");
        return Err(Unprepared::Errors("BAD_USER_INPUT", vec![error]));
    }
    let register = resolved.register.map(|hash| (hash, resolved.query.clone()));
    let mut request = async_graphql::Request::new(resolved.query).data(caller.clone());
    if let Some(name) = &p.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = p.variables {
        request = request.variables(Variables::from_json(Value::Object(vars)));
    }
    // Parsed here, once: the request keeps the document for execution.
    let document = graphql::parse(&mut request)
        .map_err(|e| Unprepared::Errors("GRAPHQL_PARSE_FAILED", vec![e]))?;
    let chosen = match &p.operation_name {
        Some(name) => document
            .operations
            .iter()
            .find(|(n, _)| n.map(|n| n.as_str()) == Some(name.as_str())),
        None => document.operations.iter().next(),
    };
    let kind = chosen.map(|(_, op)| op.node.ty);
    let name = chosen.and_then(|(n, _)| n).map(|n| n.to_string());
    Ok(Prepared {
        request,
        kind,
        name,
        register,
    })
}

/// Errors before execution (validation, variables) leave no data and carry no path.
fn rejected(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// Runs one operation within the limits and writes the answer the way the negotiated media
/// type wants it.
async fn execute(
    state: &HttpState,
    caller: &Caller,
    p: Params,
    media: Media,
    method: Method,
) -> Reply {
    let started = Instant::now();
    let settings = &state.settings;
    let Prepared {
        request,
        kind,
        name,
        register,
    } = match prepare(state, caller, p) {
        Ok(prepared) => prepared,
        Err(Unprepared::Errors(code, errors)) => {
            operation_done(observe::OTHER_OPERATION, None, code, started);
            return Reply::request_error(media, errors, code);
        }
        Err(Unprepared::Persisted(refusal)) => {
            operation_done(observe::OTHER_OPERATION, None, refusal.code(), started);
            return Reply::persisted(media, &refusal);
        }
    };
    if let Some(name) = &name {
        observe::name_operation(name);
    }
    if method == Method::GET && kind.is_some_and(|k| k != OperationType::Query) {
        return Reply {
            allow: Some("POST"),
            ..Reply::refused(
                StatusCode::METHOD_NOT_ALLOWED,
                "only queries run over GET",
                "METHOD_NOT_ALLOWED",
            )
        };
    }
    let execution = graphql::execute(&state.schema, &state.db, request);
    let Ok(response) = tokio::time::timeout(settings.timeout, execution).await else {
        tracing::warn!(timeout = ?settings.timeout, "operation stopped at the timeout");
        let label = state.operation_names.label(name.as_deref());
        operation_done(&label, kind, "TIMEOUT", started);
        return timed_out(settings.timeout);
    };
    if rejected(&response) {
        let code = "GRAPHQL_VALIDATION_FAILED";
        operation_done(observe::OTHER_OPERATION, kind, code, started);
        return Reply::request_error(media, response.errors, code);
    }
    // Only a document that parsed and validated is worth remembering.
    if let Some((hash, query)) = register {
        state.persisted.register(hash, &query);
    }
    let retry = response.errors.iter().any(unavailable);
    // Nothing could be read: the new media type says so with its status; legacy JSON
    // clients get 200 and the error's code, as for every other error.
    let status = match media {
        Media::GraphqlResponse if retry && response.data == async_graphql::Value::Null => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::OK,
    };
    let errors = (!response.errors.is_empty()).then(|| coded(response.errors, "BAD_USER_INPUT"));
    let outcome = errors.as_ref().map_or("ok", first_code);
    let label = state.operation_names.label(name.as_deref());
    operation_done(&label, kind, outcome, started);
    let cacheable = errors.is_none() && kind == Some(OperationType::Query);
    let body = Body {
        data: &response.data,
        errors,
        extensions: (!response.extensions.is_empty()).then_some(&response.extensions),
    };
    Reply {
        status,
        retry,
        cacheable,
        ..Reply::ok(serde_json::to_string(&body).unwrap_or_else(|_| r#"{"data":null}"#.to_owned()))
    }
}

/// Counts one operation, named by its metric label, with its outcome and time.
fn operation_done(label: &str, kind: Option<OperationType>, outcome: &str, started: Instant) {
    let kind = match kind {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    };
    crate::telemetry::operation(label, kind, outcome, started.elapsed());
}

/// The code of the first of coded errors.
fn first_code(errors: &Value) -> &str {
    errors[0]["extensions"]["code"]
        .as_str()
        .unwrap_or("UNKNOWN")
}

/// Whether the error says the store could not be reached.
fn unavailable(e: &ServerError) -> bool {
    let code = e.extensions.as_ref().and_then(|x| x.get("code"));
    code == Some(&async_graphql::Value::from(crate::error::UNAVAILABLE))
}

/// Whether a NUL character is in the document (raw or escaped) or in a variable's text.
fn carries_nul(query: &str, variables: Option<&Map<String, Value>>) -> bool {
    fn in_value(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(list) => list.iter().any(in_value),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || in_value(v)),
            _ => false,
        }
    }
    query.contains('\0')
        || query
            .as_bytes()
            .windows(6)
            .any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
        || variables.is_some_and(|vars| vars.iter().any(|(k, v)| k.contains('\0') || in_value(v)))
}

/// An operation stopped at the timeout had started: `data` is null, the status 200.
fn timed_out(timeout: Duration) -> Reply {
    let message = timed_out_message(timeout);
    let body = json!({
        "data": null,
        "errors": [{ "message": message, "extensions": { "code": "TIMEOUT" } }],
    });
    Reply::ok(body.to_string())
}

fn timed_out_message(timeout: Duration) -> String {
    format!(
        "the operation ran longer than {:.1} s and was stopped",
        timeout.as_secs_f64()
    )
}

/// 401 with the challenge RFC 6750 asks for; the cause of a server failure stays in the log.
fn unauthenticated(media: Media, e: &crate::Error) -> Response {
    let (status, message) = match e {
        crate::Error::Unauthenticated(m) => (StatusCode::UNAUTHORIZED, m.clone()),
        other => {
            tracing::error!(error = %other, "authentication failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error".to_owned(),
            )
        }
    };
    let mut response = refuse(status, media, &message, e.code());
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"cluster-atlas\""),
    );
    response
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

/// Errors as JSON, each with an `extensions.code` (`default` where none was set).
fn coded(errors: Vec<ServerError>, default: &str) -> Value {
    let list = errors
        .into_iter()
        .map(|e| {
            let mut v =
                serde_json::to_value(&e).unwrap_or_else(|_| json!({ "message": e.message }));
            if let Some(obj) = v.as_object_mut() {
                let ext = obj.entry("extensions").or_insert_with(|| json!({}));
                if let Some(ext) = ext.as_object_mut() {
                    let code = ext.entry("code").or_insert_with(|| json!(default));
                    crate::telemetry::graphql_error(code.as_str().unwrap_or(default));
                }
            }
            v
        })
        .collect();
    Value::Array(list)
}
