//! Rate limits per client: a token bucket per client key, refilled at a steady rate up to a
//! burst, answering `429` with `Retry-After` when empty. [`client_key`] is the one place
//! that says who a client is: a live API token, else an address.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::identify::Identity;

/// How often idle buckets are dropped: a full bucket is the same as none.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Who a request counts against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// A live API token, by id: its own budget wherever it calls from, so that callers behind
    /// one address (a NAT, a proxy) with tokens of their own do not hold each other up.
    Token(i32),
    /// An IPv4 address, or the /64 network of an IPv6 one (a host usually has the whole /64).
    Address(IpAddr),
    /// A server without its peers' addresses (a router served without connect info).
    Unknown,
}

/// As the log says it: `token:12`, `ip:192.0.2.1`, `ip:2001:db8::` (a /64), `unknown`.
impl std::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Token(id) => write!(f, "token:{id}"),
            Self::Address(ip) => write!(f, "ip:{ip}"),
            Self::Unknown => f.write_str("unknown"),
        }
    }
}

/// Who sent `request`: the live token [`identify`](super::identify) found on it, else its
/// peer, or with `trust_forwarded_for` the last `X-Forwarded-For` entry, the one the proxy in
/// front of us wrote (earlier ones are the client's to forge).
pub fn client_key(request: &Request, trust_forwarded_for: bool) -> ClientKey {
    if let Some(id) = request
        .extensions()
        .get::<Identity>()
        .and_then(Identity::token)
    {
        return ClientKey::Token(id);
    }
    let forwarded = trust_forwarded_for
        .then(|| last_forwarded_for(request.headers()))
        .flatten();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match forwarded.or(peer) {
        Some(ip) => ClientKey::Address(network_of(ip)),
        None => ClientKey::Unknown,
    }
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

/// Token buckets by client.
pub struct Limiter {
    per_second: f64,
    burst: f64,
    trust_forwarded_for: bool,
    state: Mutex<Buckets>,
}

struct Buckets {
    by_client: HashMap<ClientKey, Bucket>,
    swept: Instant,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Limiter {
    pub fn new(per_second: u32, burst: u32, trust_forwarded_for: bool) -> Self {
        Self {
            per_second: f64::from(per_second.max(1)),
            burst: f64::from(burst.max(1)),
            trust_forwarded_for,
            state: Mutex::new(Buckets {
                by_client: HashMap::new(),
                swept: Instant::now(),
            }),
        }
    }

    /// Takes `cost` requests from the client's bucket, or says how long until it can.
    pub fn admit(&self, client: &ClientKey, cost: u32, now: Instant) -> Result<(), Duration> {
        let cost = f64::from(cost).min(self.burst);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if now.duration_since(state.swept) > SWEEP_EVERY {
            state
                .by_client
                .retain(|_, b| self.refilled(*b, now) < self.burst);
            state.swept = now;
        }
        let full = Bucket {
            tokens: self.burst,
            at: now,
        };
        let bucket = state.by_client.entry(client.clone()).or_insert(full);
        bucket.tokens = self.refilled(*bucket, now);
        bucket.at = now;
        if bucket.tokens >= cost {
            bucket.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (cost - bucket.tokens) / self.per_second,
            ))
        }
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.per_second).min(self.burst)
    }
}

/// Middleware: one request from the client's bucket, or `429`. The key goes along in the
/// request's extensions, for a handler that charges more (a batch).
pub async fn limit(
    State(limiter): State<Arc<Limiter>>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = client_key(&request, limiter.trust_forwarded_for);
    match limiter.admit(&client, 1, Instant::now()) {
        Ok(()) => {
            request.extensions_mut().insert(client);
            next.run(request).await
        }
        Err(wait) => too_many_requests(wait),
    }
}

/// `429` with `Retry-After` in whole seconds (at least one) and a GraphQL error body.
pub fn too_many_requests(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    crate::telemetry::graphql_error("RATE_LIMITED");
    let body = json!({ "errors": [{
        "message": format!("too many requests: retry after {seconds} s"),
        "extensions": { "code": "RATE_LIMITED" },
    }] });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::RETRY_AFTER, seconds.to_string()),
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
        ],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(ip: &str) -> ClientKey {
        ClientKey::Address(network_of(ip.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }

    #[test]
    fn a_client_gets_its_burst_then_the_rate() {
        let limiter = Limiter::new(2, 3, false);
        let t0 = Instant::now();
        let a = client("192.0.2.1");
        assert!((0..3).all(|_| limiter.admit(&a, 1, t0).is_ok()));
        let wait = limiter.admit(&a, 1, t0).err();
        assert_eq!(wait, Some(Duration::from_millis(500)));
        assert!(
            limiter.admit(&client("192.0.2.2"), 1, t0).is_ok(),
            "others are not held up"
        );
        assert!(
            limiter
                .admit(&a, 1, t0 + Duration::from_millis(500))
                .is_ok()
        );
    }

    #[test]
    fn an_ipv6_client_is_its_64_network() {
        assert_eq!(client("2001:db8::1"), client("2001:db8::ffff:1"));
        assert_ne!(client("2001:db8::1"), client("2001:db8:0:1::1"));
        assert_eq!(client("::ffff:192.0.2.1"), client("192.0.2.1"));
    }

    #[test]
    fn the_proxys_entry_of_x_forwarded_for_counts_only_when_trusted() {
        let request = || {
            let mut r = Request::new(axum::body::Body::empty());
            r.headers_mut().insert(
                "x-forwarded-for",
                "198.51.100.9, 203.0.113.7"
                    .parse()
                    .unwrap_or(axum::http::HeaderValue::from_static("")),
            );
            r.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
            r
        };
        assert_eq!(client_key(&request(), true), client("203.0.113.7"));
        assert_eq!(client_key(&request(), false), client("127.0.0.1"));
    }

    #[test]
    fn a_live_token_is_its_own_client_and_a_refused_one_is_its_address() {
        let with = |identity: Identity| {
            let mut r = Request::new(axum::body::Body::empty());
            r.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 9))));
            r.extensions_mut().insert(identity);
            r
        };
        let live = crate::auth::Caller::of_token(7);
        let refused = crate::Error::Unauthenticated("unknown or revoked API token".into());
        assert_eq!(
            client_key(&with(Identity::new(Ok(live))), false),
            ClientKey::Token(7)
        );
        assert_eq!(
            client_key(&with(Identity::new(Err(refused))), false),
            client("192.0.2.1")
        );
        assert_eq!(
            client_key(&with(Identity::new(Ok(Default::default()))), false),
            client("192.0.2.1"),
            "anonymous"
        );
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up() {
        let r = too_many_requests(Duration::from_millis(1200));
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            r.headers().get(header::RETRY_AFTER).map(|v| v.as_bytes()),
            Some(&b"2"[..])
        );
    }
}
