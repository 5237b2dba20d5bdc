//! The load, over keep-alive connections, with the latency of every request: a closed loop
//! of client tasks, each sending its next request as soon as the last one has answered (the
//! most a server can answer), or an open loop sending at a set rate (the latency of a load
//! the server keeps up with).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// One prepared request: the client builds nothing while it is measured.
#[derive(Clone)]
pub enum Prepared {
    Get(String),
    Post(String, Bytes),
}

impl Prepared {
    pub fn url(&self) -> &str {
        match self {
            Self::Get(url) | Self::Post(url, _) => url,
        }
    }

    pub fn request(&self, client: &reqwest::Client) -> reqwest::RequestBuilder {
        match self {
            Self::Get(url) => client.get(url),
            Self::Post(url, body) => client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone()),
        }
        .header(reqwest::header::ACCEPT, "application/json")
    }
}

/// What one run measured.
pub struct Sample {
    /// Latency of every request, in microseconds, sorted.
    pub latencies_us: Vec<u32>,
    pub elapsed: Duration,
    pub errors: u64,
    /// Open loops only: each answered request's due time (microseconds into the loop) and
    /// latency, in the order they were due; to see whether slow requests come in spells.
    pub timeline: Vec<(u32, u32)>,
}

impl Sample {
    pub fn requests(&self) -> usize {
        self.latencies_us.len()
    }

    pub fn throughput(&self) -> f64 {
        self.requests() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at quantile `q` (0..=1), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let n = self.latencies_us.len();
        if n == 0 {
            return f64::NAN;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        f64::from(self.latencies_us[rank - 1]) / 1000.0
    }
}

/// Runs `concurrency` tasks for `duration`, the requests taken in turn from `requests`; a
/// request under way at the end is finished and counted, so every task stops cleanly.
pub async fn closed_loop(
    client: &reqwest::Client,
    requests: &Arc<Vec<Prepared>>,
    concurrency: usize,
    duration: Duration,
) -> Sample {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, requests, next) = (client.clone(), requests.clone(), next.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed) % requests.len();
                    let t = Instant::now();
                    if send(&client, &requests[i]).await {
                        let us = t.elapsed().as_micros();
                        latencies.push(u32::try_from(us).unwrap_or(u32::MAX));
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut sample = Sample {
        latencies_us: Vec::new(),
        elapsed: Duration::ZERO,
        errors: 0,
        timeline: Vec::new(),
    };
    for t in tasks {
        let (latencies, errors) = t.await.expect("a client task panicked");
        sample.latencies_us.extend(latencies);
        sample.errors += errors;
    }
    sample.elapsed = started.elapsed();
    sample.latencies_us.sort_unstable();
    sample
}

/// Sends `request(i)` for i = 0, 1, ... at `rate` a second for `duration`, whatever pace the
/// answers come at. Latency counts from when a request was due, not from when it went out:
/// a server that falls behind shows the queue it builds (no coordinated omission). Requests
/// under way at the end are finished and counted.
pub async fn open_loop<F, R>(rate: f64, duration: Duration, request: F) -> Sample
where
    F: Fn(u64) -> R,
    R: Future<Output = bool> + Send + 'static,
{
    let started = tokio::time::Instant::now();
    let total = (duration.as_secs_f64() * rate).round() as u64;
    let mut under_way = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = started + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due).await;
        let answer = request(i);
        under_way.spawn(async move { (answer.await, due - started, due.elapsed()) });
    }
    let mut sample = Sample {
        latencies_us: Vec::new(),
        elapsed: Duration::ZERO,
        errors: 0,
        timeline: Vec::new(),
    };
    let micros = |d: Duration| u32::try_from(d.as_micros()).unwrap_or(u32::MAX);
    while let Some(done) = under_way.join_next().await {
        match done.expect("a request task panicked") {
            (true, due, latency) => {
                sample.latencies_us.push(micros(latency));
                sample.timeline.push((micros(due), micros(latency)));
            }
            (false, _, _) => sample.errors += 1,
        }
    }
    sample.elapsed = duration;
    sample.latencies_us.sort_unstable();
    sample.timeline.sort_unstable();
    sample
}

/// Sends `request` and reads the answer: true when it has data and no errors.
pub async fn send(client: &reqwest::Client, request: &Prepared) -> bool {
    match request.request(client).send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok_and(|b| answered(&b)),
        _ => false,
    }
}

/// A body with data and no GraphQL errors.
fn answered(body: &[u8]) -> bool {
    const ERRORS: &[u8] = b"\"errors\":";
    body.starts_with(b"{\"data\":") && !body.windows(ERRORS.len()).any(|w| w == ERRORS)
}
