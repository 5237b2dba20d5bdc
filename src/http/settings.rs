//! The front door's settings: one struct, passed to the router (and its `query` limits to
//! the schema), each field by flag or environment variable on `serve`. The defaults are the
//! safe ones: limits and rate limiting on, batching off, no cross-origin callers.

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;

use super::persisted::AllowList;
use crate::auth::{Caller, ReadAccess, Scope};
use crate::graphql;

#[derive(clap::Args, Clone, Debug, PartialEq)]
pub struct Settings {
    #[command(flatten)]
    pub query: graphql::Limits,
    /// Request bodies larger than this many bytes are refused with 413.
    #[arg(long, env = "ATLAS_MAX_BODY_BYTES", default_value_t = Settings::DEFAULT.max_body_bytes)]
    pub max_body_bytes: usize,
    /// Largest variables an operation may have, in bytes of JSON.
    #[arg(long, env = "ATLAS_MAX_VARIABLES_BYTES", default_value_t = Settings::DEFAULT.max_variables_bytes)]
    pub max_variables_bytes: usize,
    /// Largest body, and variables, of a caller whose token holds the admin scope: its
    /// `importPages` carries whole pages (5 to 12 KiB each, up to 100 a request).
    #[arg(long, env = "ATLAS_MAX_ADMIN_BODY_BYTES", default_value_t = Settings::DEFAULT.max_admin_body_bytes)]
    pub max_admin_body_bytes: usize,
    /// Seconds an operation may run before it is stopped with a TIMEOUT error.
    #[arg(long, env = "ATLAS_TIMEOUT", value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    pub timeout: Duration,
    /// Seconds the search index may trail the store's outbox before `/readyz` says 503.
    #[arg(long, env = "ATLAS_READY_MAX_LAG", value_name = "SECONDS", default_value = "5", value_parser = seconds)]
    pub ready_max_lag: Duration,
    /// Requests per second a client may make on average; 0 turns rate limiting off.
    #[arg(long, env = "ATLAS_RATE_LIMIT", default_value_t = Settings::DEFAULT.rate_limit)]
    pub rate_limit: u32,
    /// Requests a client may make at once before the average applies.
    #[arg(long, env = "ATLAS_RATE_BURST", default_value_t = Settings::DEFAULT.rate_burst,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_burst: u32,
    /// Count requests by the last address in X-Forwarded-For, the one the proxy in front of
    /// the server adds: only behind such a proxy, since clients can send the header too.
    #[arg(long, env = "ATLAS_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Run only the operations of this JSON file of `"sha256": "document"`, sent by hash or
    /// in full; anything else is refused (and automatic persisted queries are off).
    #[arg(long, env = "ATLAS_ALLOW_LIST", value_name = "FILE", value_parser = AllowList::load)]
    pub allow_list: Option<Arc<AllowList>>,
    /// Origins a browser may call the API from (repeat, or separate by commas; `*` for any).
    /// None: only pages of the server's own origin.
    #[arg(long = "cors-origin", env = "ATLAS_CORS_ORIGINS", value_name = "ORIGIN",
          value_delimiter = ',', value_parser = origin)]
    pub cors_origins: Vec<HeaderValue>,
    /// Most operations a POST may batch in a JSON array; 0 refuses batches.
    #[arg(long, env = "ATLAS_MAX_BATCH", default_value_t = Settings::DEFAULT.max_batch)]
    pub max_batch: usize,
    /// Do not serve GraphiQL.
    #[arg(long, env = "ATLAS_NO_GRAPHIQL")]
    pub no_graphiql: bool,
    /// Do not serve the Explorer, the browser app at `/`.
    #[arg(long, env = "ATLAS_NO_EXPLORER")]
    pub no_explorer: bool,
    /// Refuse queries without an API token (reads are public by default).
    #[arg(long, env = "ATLAS_READS_NEED_TOKEN")]
    pub reads_need_token: bool,
    /// Seconds a WebSocket client has to send `connection_init` before it is closed (4408).
    #[arg(long, env = "ATLAS_WS_INIT_TIMEOUT", value_name = "SECONDS", default_value = "3", value_parser = seconds)]
    pub ws_init_timeout: Duration,
    /// Seconds between the server's pings on a quiet WebSocket; a client that answers
    /// nothing for two of them is gone and its subscriptions are stopped.
    #[arg(long, env = "ATLAS_WS_KEEP_ALIVE", value_name = "SECONDS", default_value = "15", value_parser = seconds)]
    pub ws_keep_alive: Duration,
    /// Subscriptions one WebSocket may run at once.
    #[arg(long, env = "ATLAS_WS_MAX_SUBSCRIPTIONS", default_value_t = Settings::DEFAULT.ws_max_subscriptions)]
    pub ws_max_subscriptions: usize,
    /// Serve `/metrics` on this address instead of the API's, so that it need not be public.
    #[arg(long, env = "ATLAS_METRICS_ADDR", value_name = "ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// `Cache-Control` of public answers to GET (no token, no errors), which also carry an
    /// `ETag` for conditional requests; `no-store` turns caching off.
    #[arg(long, env = "ATLAS_CACHE_CONTROL", value_name = "VALUE",
          default_value = "public, max-age=5, stale-while-revalidate=30", value_parser = header_value)]
    pub cache_control: HeaderValue,
    /// Seconds requests in flight may take to finish once the server is told to stop
    /// (SIGTERM, Ctrl-C); WebSockets are closed with 1001 Going Away at once.
    #[arg(long, env = "ATLAS_SHUTDOWN_GRACE", value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    pub shutdown_grace: Duration,
}

impl Settings {
    /// The flags' defaults. 128 KiB of body holds any real document many times over (the
    /// GraphiQL introspection query is 2 KiB) and 16 KiB of variables 100 ids with room to
    /// spare; 10 s is ten times the benchmark's p99 (0.9 s) for a page of 100 profiles at 100x; 50 requests a second,
    /// 100 at once, is more than a person or a page ever sends.
    pub const DEFAULT: Self = Self {
        query: graphql::Limits::DEFAULT,
        max_body_bytes: 128 << 10,
        max_variables_bytes: 16 << 10,
        max_admin_body_bytes: 4 << 20,
        timeout: Duration::from_secs(10),
        ready_max_lag: Duration::from_secs(5),
        rate_limit: 50,
        rate_burst: 100,
        trust_forwarded_for: false,
        allow_list: None,
        cors_origins: Vec::new(),
        max_batch: 0,
        no_graphiql: false,
        no_explorer: false,
        reads_need_token: false,
        ws_init_timeout: Duration::from_secs(3),
        ws_keep_alive: Duration::from_secs(15),
        ws_max_subscriptions: 100,
        metrics_addr: None,
        cache_control: HeaderValue::from_static("public, max-age=5, stale-while-revalidate=30"),
        shutdown_grace: Duration::from_secs(10),
    };

    /// How much `caller` may send.
    pub fn sizes(&self, caller: &Caller) -> Sizes {
        if caller.may(Scope::Admin) {
            let most = self.max_admin_body_bytes.max(self.max_body_bytes);
            Sizes {
                body: most,
                variables: most.max(self.max_variables_bytes),
            }
        } else {
            Sizes {
                body: self.max_body_bytes,
                variables: self.max_variables_bytes,
            }
        }
    }

    /// Whether anonymous callers may read.
    pub fn reads(&self) -> ReadAccess {
        if self.reads_need_token {
            ReadAccess::TokenRequired
        } else {
            ReadAccess::Public
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

fn seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .and_then(|n| Duration::try_from_secs_f64(n).ok())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{s:?} is not a positive number of seconds"))
}

fn header_value(s: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(s.trim()).map_err(|e| format!("{s:?}: {e}"))
}

fn origin(s: &str) -> Result<HeaderValue, String> {
    let s = s.trim();
    let valid = s == "*" || s.starts_with("http://") || s.starts_with("https://");
    if !valid || s.ends_with('/') {
        return Err(format!(
            "{s:?} is not an origin like https://example.org (scheme and host, no path), or *"
        ));
    }
    HeaderValue::from_str(s).map_err(|e| format!("{s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        settings: Settings,
    }

    /// (With no `ATLAS_*` variable set, as in CI.)
    #[test]
    fn the_flags_defaults_are_the_structs_defaults() {
        let parsed = Serve::try_parse_from(["serve"]).map(|s| s.settings);
        assert_eq!(parsed.ok(), Some(Settings::DEFAULT));
    }

    #[test]
    fn origins_are_scheme_and_host_or_a_star() {
        assert!(origin("https://atlas.example").is_ok());
        assert!(origin("*").is_ok());
        assert!(origin("atlas.example").is_err());
        assert!(origin("https://atlas.example/").is_err());
        let parsed = Serve::try_parse_from([
            "serve",
            "--cors-origin",
            "https://a.example,http://b.example:8080",
        ]);
        assert_eq!(parsed.map(|s| s.settings.cors_origins.len()).ok(), Some(2));
    }
}

/// Bytes a request may carry: the whole body, and its variables as JSON.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub body: usize,
    pub variables: usize,
}
