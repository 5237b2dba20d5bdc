//! What the server tells its operators: logs through `tracing` (text on a terminal, JSON
//! lines for a pipeline) and metrics through the `metrics` facade, rendered in Prometheus's
//! text format at `/metrics`. Every metric's name and help text is here, once; the layers
//! record through the small functions below, so that labels stay few and spelt one way.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines; coloured only when standard output is a terminal.
    #[default]
    Text,
    /// One JSON object a line, with the request's fields (id, route, operation, client).
    Json,
}

/// Starts logging to standard output. `RUST_LOG` filters, as usual.
pub fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.with_ansi(colour()).init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

/// Colour only for a person at a terminal who did not ask for none.
fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub const HTTP_REQUESTS: &str = "atlas_http_requests_total";
pub const HTTP_DURATION: &str = "atlas_http_request_duration_seconds";
pub const OPERATIONS: &str = "atlas_graphql_operations_total";
pub const OPERATION_DURATION: &str = "atlas_graphql_operation_duration_seconds";
pub const GRAPHQL_ERRORS: &str = "atlas_graphql_errors_total";
pub const REFUSED: &str = "atlas_requests_refused_total";
pub const SQL_DURATION: &str = "atlas_sql_statement_duration_seconds";
pub const POOL_CONNECTIONS: &str = "atlas_db_pool_connections";
pub const POOL_MAX: &str = "atlas_db_pool_max_connections";
pub const OUTBOX_PENDING: &str = "atlas_outbox_pending_entries";
pub const INDEX_LAG: &str = "atlas_index_lag_seconds";
pub const INDEX_COMMIT_DURATION: &str = "atlas_index_commit_duration_seconds";
pub const SEARCH_DURATION: &str = "atlas_search_duration_seconds";
pub const WS_CONNECTIONS: &str = "atlas_websocket_connections";
pub const SUBSCRIPTIONS: &str = "atlas_graphql_subscriptions";
pub const BUILD_INFO: &str = "atlas_build_info";

/// Name and help of every metric, as `# HELP` says it.
const HELP: &[(&str, &str)] = &[
    (
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route and status",
    ),
    (
        HTTP_DURATION,
        "Time to answer an HTTP request, by method and route",
    ),
    (
        OPERATIONS,
        "GraphQL operations run, by operation name, type and outcome (ok or the first error's code)",
    ),
    (
        OPERATION_DURATION,
        "Time to run a GraphQL operation, by operation name and type",
    ),
    (
        GRAPHQL_ERRORS,
        "GraphQL errors answered, by extensions.code",
    ),
    (
        REFUSED,
        "Requests refused by a limit: rate, body, variables, batch, depth, complexity, aliases, timeout, subscriptions",
    ),
    (
        SQL_DURATION,
        "Time of each SQL statement, from a connection in hand to its rows read",
    ),
    (
        POOL_CONNECTIONS,
        "Connections of the store's pool, in use or idle, when scraped",
    ),
    (POOL_MAX, "Most connections the store's pool opens"),
    (
        OUTBOX_PENDING,
        "Outbox entries the search index has not applied yet, when scraped",
    ),
    (
        INDEX_LAG,
        "Seconds the oldest outbox entry not in the index has waited, when scraped",
    ),
    (INDEX_COMMIT_DURATION, "Time of each search index commit"),
    (
        SEARCH_DURATION,
        "Time of each search, suggestion or partner match, by kind",
    ),
    (WS_CONNECTIONS, "Open GraphQL WebSocket connections"),
    (SUBSCRIPTIONS, "Live GraphQL subscriptions"),
    (
        BUILD_INFO,
        "Always 1: the version, git commit and database kind of this server",
    ),
];

/// Bucket bounds in seconds for every histogram: half a millisecond to ten seconds.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histograms are folded into their buckets when nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's recorder, installed on first use: the facade is global, so one process
/// holds one, whatever number of servers it runs (tests run several).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .map(PrometheusBuilder::build_recorder);
        let recorder = match recorder {
            Ok(recorder) => recorder,
            // Only an empty bucket list fails: BUCKETS is not empty.
            Err(_) => PrometheusBuilder::new().build_recorder(),
        };
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics stays empty");
        }
        for (name, help) in HELP {
            metrics::describe_counter!(*name, *help);
        }
        handle
    })
}

/// Keeps histograms' memory bounded between scrapes; call once per process that serves.
pub fn keep_up() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let handle = recorder().clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP_EVERY);
            loop {
                every.tick().await;
                handle.run_upkeep();
            }
        });
    });
}

/// The metrics in Prometheus's text format.
pub fn render() -> String {
    recorder().render()
}

/// Records this server's version, commit and database kind.
pub fn build_info(database: &'static str) {
    let commit = option_env!("ATLAS_GIT_COMMIT").unwrap_or("unknown");
    gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION"), "commit" => commit, "database" => database)
        .set(1.0);
}

/// One HTTP request answered.
pub fn http_request(method: &str, route: &'static str, status: u16, took: Duration) {
    let method = method_label(method);
    counter!(HTTP_REQUESTS, "method" => method, "route" => route, "status" => status.to_string())
        .increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route).record(took);
}

/// Methods outside the usual few collapse, so that a client cannot grow the label set.
fn method_label(method: &str) -> &'static str {
    const KNOWN: &[&str] = &["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"];
    KNOWN
        .iter()
        .find(|m| **m == method)
        .copied()
        .unwrap_or("OTHER")
}

/// One GraphQL operation run (or refused before it ran).
pub fn operation(name: &str, kind: &'static str, outcome: &str, took: Duration) {
    let (name, outcome) = (name.to_owned(), outcome.to_owned());
    counter!(OPERATIONS, "operation" => name.clone(), "type" => kind, "outcome" => outcome)
        .increment(1);
    histogram!(OPERATION_DURATION, "operation" => name, "type" => kind).record(took);
}

/// One error answered with `code`; a limit's refusal counts under its limit too.
pub fn graphql_error(code: &str) {
    counter!(GRAPHQL_ERRORS, "code" => code.to_owned()).increment(1);
    if let Some(limit) = limit_of(code) {
        refused(limit);
    }
}

/// One request refused by `limit`.
pub fn refused(limit: &'static str) {
    counter!(REFUSED, "limit" => limit).increment(1);
}

/// The limit an error code stands for, if any.
fn limit_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "PAYLOAD_TOO_LARGE" => "body",
        "VARIABLES_TOO_LARGE" => "variables",
        "BATCH_TOO_LARGE" => "batch",
        "QUERY_TOO_DEEP" => "depth",
        "QUERY_TOO_COMPLEX" => "complexity",
        "TOO_MANY_ALIASES" => "aliases",
        "TIMEOUT" => "timeout",
        "TOO_MANY_SUBSCRIPTIONS" => "subscriptions",
        "TOO_MANY_ROOT_FIELDS" => "root_fields",
        "RATE_LIMITED" => "rate",
        _ => return None,
    })
}

/// One SQL statement and its time.
pub fn sql_statement(took: Duration, failed: bool) {
    let outcome = if failed { "error" } else { "ok" };
    histogram!(SQL_DURATION, "outcome" => outcome).record(took);
}

/// The pool's connections when scraped.
pub fn pool(in_use: u32, idle: u32, max: u32) {
    gauge!(POOL_CONNECTIONS, "state" => "in_use").set(f64::from(in_use));
    gauge!(POOL_CONNECTIONS, "state" => "idle").set(f64::from(idle));
    gauge!(POOL_MAX).set(f64::from(max));
}

/// How far the index trails the outbox when scraped.
pub fn index_behind(pending: u64, lag: Duration) {
    // Precision lost past 2^53 entries only.
    #[allow(clippy::cast_precision_loss)]
    gauge!(OUTBOX_PENDING).set(pending as f64);
    gauge!(INDEX_LAG).set(lag.as_secs_f64());
}

/// One index commit and its time.
pub fn index_commit(took: Duration) {
    histogram!(INDEX_COMMIT_DURATION).record(took);
}

/// One search of `kind` (`search`, `suggest`, `similar`) and its time.
pub fn search(kind: &'static str, took: Duration) {
    histogram!(SEARCH_DURATION, "kind" => kind).record(took);
}

/// Something live, counted by a gauge from its start until it is dropped.
pub struct Live(&'static str);

impl Live {
    /// An open WebSocket.
    pub fn websocket() -> Self {
        Self::start(WS_CONNECTIONS)
    }

    /// A running subscription.
    pub fn subscription() -> Self {
        Self::start(SUBSCRIPTIONS)
    }

    fn start(name: &'static str) -> Self {
        gauge!(name).increment(1.0);
        Self(name)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        gauge!(self.0).decrement(1.0);
    }
}
