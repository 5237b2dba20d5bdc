//! Latencies of repeated runs, and how many runs a cell gets.

use std::time::Duration;

/// Runs before any is measured.
pub const WARMUP: usize = 3;
/// Without `--runs`: enough runs for about this long, within the bounds below.
const TARGET: Duration = Duration::from_secs(2);
const MIN_RUNS: usize = 20;
const MAX_RUNS: usize = 1_000;

#[derive(Clone, Default)]
pub struct Sample {
    took: Vec<Duration>,
}

impl Sample {
    pub fn push(&mut self, took: Duration) {
        self.took.push(took);
    }

    pub fn extend(&mut self, other: &Sample) {
        self.took.extend_from_slice(&other.took);
    }

    pub fn len(&self) -> usize {
        self.took.len()
    }

    /// The latency at quantile `q` (0..=1), nearest rank, in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let n = self.took.len();
        if n == 0 {
            return f64::NAN;
        }
        let mut sorted = self.took.clone();
        sorted.sort_unstable();
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        sorted[rank - 1].as_secs_f64() * 1000.0
    }

    pub fn median_ms(&self) -> f64 {
        self.quantile_ms(0.5)
    }

    pub fn p95_ms(&self) -> f64 {
        self.quantile_ms(0.95)
    }
}

/// Runs to measure after warm-up runs that took `warm` each: `fixed` when given.
pub fn runs_for(warm: Duration, fixed: Option<usize>) -> usize {
    fixed.unwrap_or_else(|| {
        let per_run = warm.as_secs_f64().max(1e-6);
        ((TARGET.as_secs_f64() / per_run).ceil() as usize).clamp(MIN_RUNS, MAX_RUNS)
    })
}

/// The median of `values` (the middle one, or the mean of the two middle ones).
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
