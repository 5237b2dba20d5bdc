//! What an operator sees of each request: an `x-request-id` on every response (the
//! client's, or one made up), a log span carrying it with the route, operation and client,
//! and the HTTP and GraphQL metrics. Labels stay bounded: routes are the router's few,
//! operation names the first [`OPERATION_NAMES`] that validated, the rest one label.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestId, RequestId};
use tower_http::trace::TraceLayer;
use tracing::Span;
use tracing::field::Empty;

use crate::telemetry;

/// Distinct operation names that get a label of their own.
pub const OPERATION_NAMES: usize = 200;

/// The label of unnamed operations, documents that did not validate and names past the cap.
pub const OTHER_OPERATION: &str = "_other";

/// The route a path belongs to, as a metric label: one of the router's, or `unmatched`.
pub fn route_of(path: &str) -> &'static str {
    const ROUTES: &[&str] = &[
        "/graphql",
        "/graphql/ws",
        "/schema.graphql",
        "/healthz",
        "/readyz",
        "/metrics",
    ];
    if let Some(route) = ROUTES.iter().find(|r| **r == path) {
        return route;
    }
    if path.starts_with("/graphiql/") {
        return "/graphiql/{file}";
    }
    super::explorer::route_of(path).unwrap_or("unmatched")
}

/// Request ids for requests that came without one: random, 16 hexadecimal digits.
#[derive(Clone, Copy, Default)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = format!("{:016x}", rand::random::<u64>());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The request log's layer, with plain functions for its hooks.
pub type Trace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request) -> Span,
    fn(&Request, &Span),
    fn(&Response, Duration, &Span),
>;

/// The request log: a span per request with its id, method and route (the operation and
/// client are recorded into it on the way), and one line when it is answered.
pub fn trace() -> Trace {
    TraceLayer::new_for_http()
        .make_span_with(span as fn(&Request) -> Span)
        .on_request(on_request as fn(&Request, &Span))
        .on_response(on_response as fn(&Response, Duration, &Span))
}

fn span(request: &Request) -> Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        id,
        method = %request.method(),
        route = route_of(request.uri().path()),
        operation = Empty,
        client = Empty,
    )
}

fn on_request(request: &Request, _: &Span) {
    tracing::debug!(headers = ?request.headers(), "request");
}

fn on_response(response: &Response, latency: Duration, _: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "answered"
    );
}

/// Middleware: counts every request by method, route and status, with its time.
pub async fn count(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route_of(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    telemetry::http_request(method.as_str(), route, status.as_u16(), started.elapsed());
    if status == StatusCode::REQUEST_TIMEOUT {
        telemetry::refused("timeout");
    }
    response
}

/// The operation names that have a label, first come first served up to the cap.
#[derive(Default)]
pub struct OperationNames {
    known: Mutex<HashSet<String>>,
}

impl OperationNames {
    /// The label of an operation named `name` that validated; it takes a free place.
    pub fn label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return OTHER_OPERATION.to_owned();
        };
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if known.contains(name) {
            return name.to_owned();
        }
        if known.len() < OPERATION_NAMES {
            known.insert(name.to_owned());
            return name.to_owned();
        }
        OTHER_OPERATION.to_owned()
    }
}

/// Records the operation's name into the request's span, for its log lines.
pub fn name_operation(name: &str) {
    Span::current().record("operation", name);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_the_routers_and_the_rest_is_one_label() {
        assert_eq!(route_of("/graphql"), "/graphql");
        assert_eq!(route_of("/graphiql/graphiql.min.js"), "/graphiql/{file}");
        assert_eq!(route_of("/wp-admin.php"), "unmatched");
        assert_eq!(route_of("/graphql/"), "unmatched");
        assert_eq!(route_of("/clusters/masit"), "/clusters/{slug}");
        assert_eq!(route_of("/clusters/masit/x"), "unmatched");
    }

    #[test]
    fn operation_names_past_the_cap_share_one_label() {
        let names = OperationNames::default();
        assert_eq!(names.label(None), OTHER_OPERATION);
        for i in 0..OPERATION_NAMES {
            assert_eq!(names.label(Some(&format!("Op{i}"))), format!("Op{i}"));
        }
        assert_eq!(
            names.label(Some("Op0")),
            "Op0",
            "a known name keeps its label"
        );
        assert_eq!(names.label(Some("Late")), OTHER_OPERATION);
    }
}
