//! How far the index trails this process's writes, and the wait that keeps it within a
//! second. Closed-loop writers saturate the machine; the index thread runs below the
//! requests' priority ([`super::index_thread`]), got little CPU, and a write took more than
//! a second to become searchable. So a write waits before it begins while the oldest change
//! the index has not applied is older than [`BUDGET`]: under overload writes slow down,
//! search does not fall behind.
//!
//! Only this process's writes are seen here; each replica holds back its own writers.

use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// How old the oldest unapplied change may be before writes wait. A step of the indexer
/// waits up to 150 ms for more writes before it commits, and takes tens of milliseconds
/// when the machine is not saturated.
pub const BUDGET: Duration = Duration::from_millis(300);
/// The longest a write waits. An indexer that fails (it logs why and retries) slows writes
/// down by this much each, and stops none.
pub const MOST: Duration = Duration::from_secs(1);

/// When changes were noticed, as milliseconds since `start` plus one; 0 for none.
pub struct Lag {
    start: Instant,
    /// The oldest change noticed that no step of the indexer has taken yet.
    noticed: AtomicU64,
    /// The oldest change the running step (or the last, failed one) is applying.
    taken: AtomicU64,
    applied: Notify,
}

impl Default for Lag {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            noticed: AtomicU64::new(0),
            taken: AtomicU64::new(0),
            applied: Notify::new(),
        }
    }
}

impl Lag {
    /// A change committed to the store; the oldest one noticed is kept.
    pub fn noticed(&self) {
        let _ = self
            .noticed
            .compare_exchange(0, self.now(), Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The indexer starts a step: what was noticed so far is in the outbox it reads next.
    pub fn take(&self) {
        let noticed = self.noticed.swap(0, Ordering::SeqCst);
        keep_oldest(&self.taken, noticed);
    }

    /// The step applied what it took; with `more` waiting (it stopped at its group's size),
    /// what it took counts as still to apply.
    pub fn applied(&self, more: bool) {
        let taken = self.taken.swap(0, Ordering::SeqCst);
        if more {
            keep_oldest(&self.noticed, taken);
        }
        self.applied.notify_waiters();
    }

    /// How long the oldest change not yet searchable has waited.
    pub fn behind(&self) -> Duration {
        let oldest = [&self.noticed, &self.taken]
            .into_iter()
            .map(|a| a.load(Ordering::SeqCst))
            .filter(|&t| t != 0)
            .min();
        match oldest {
            Some(t) => Duration::from_millis(self.now().saturating_sub(t)),
            None => Duration::ZERO,
        }
    }

    /// Waits while the index is more than [`BUDGET`] behind, for at most [`MOST`]. Returns
    /// how long it waited.
    pub async fn keep_up(&self) -> Duration {
        let started = Instant::now();
        loop {
            let mut applied = pin!(self.applied.notified());
            // Registered before the check, so a commit in between still wakes us.
            applied.as_mut().enable();
            let waited = started.elapsed();
            if self.behind() <= BUDGET || waited >= MOST {
                return waited;
            }
            // A change noticed later can be past the budget before the next commit: look again.
            let _ = tokio::time::timeout((MOST - waited).min(BUDGET / 4), applied).await;
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1
    }
}

/// Sets `slot` to `t` where `t` is older (0 is none).
fn keep_oldest(slot: &AtomicU64, t: u64) {
    if t == 0 {
        return;
    }
    let _ = slot.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
        (current == 0 || t < current).then_some(t)
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::{BUDGET, Lag, MOST};

    #[test]
    fn nothing_noticed_is_nothing_behind() {
        let lag = Lag::default();
        assert_eq!(lag.behind(), Duration::ZERO);
        lag.take();
        lag.applied(false);
        assert_eq!(lag.behind(), Duration::ZERO);
    }

    /// The oldest change counts, from when it was noticed until a step that took it applied.
    #[test]
    fn the_oldest_change_counts_until_applied() {
        let lag = Lag::default();
        lag.noticed();
        std::thread::sleep(Duration::from_millis(120));
        lag.noticed();
        assert!(
            lag.behind() >= Duration::from_millis(100),
            "{:?}",
            lag.behind()
        );
        lag.take();
        assert!(lag.behind() >= Duration::from_millis(100));
        // A change after the step read the outbox is the next step's.
        lag.noticed();
        lag.applied(false);
        assert!(
            lag.behind() < Duration::from_millis(100),
            "{:?}",
            lag.behind()
        );
        lag.take();
        lag.applied(false);
        assert_eq!(lag.behind(), Duration::ZERO);
    }

    /// A step that stopped at its group's size leaves what it took to the next.
    #[test]
    fn a_partial_step_keeps_the_oldest_change() {
        let lag = Lag::default();
        lag.noticed();
        lag.take();
        std::thread::sleep(Duration::from_millis(30));
        lag.applied(true);
        assert!(lag.behind() >= Duration::from_millis(30));
        lag.take();
        lag.applied(false);
        assert_eq!(lag.behind(), Duration::ZERO);
    }

    /// A failed step keeps what it took: the next step takes it again.
    #[test]
    fn a_failed_step_keeps_its_changes_behind() {
        let lag = Lag::default();
        lag.noticed();
        lag.take();
        std::thread::sleep(Duration::from_millis(30));
        lag.take();
        assert!(lag.behind() >= Duration::from_millis(30));
    }

    #[tokio::test]
    async fn a_write_waits_only_while_the_index_is_over_budget() {
        let lag = Arc::new(Lag::default());
        assert!(lag.keep_up().await < Duration::from_millis(10));

        lag.noticed();
        lag.take();
        std::thread::sleep(BUDGET + Duration::from_millis(20));
        let waiting = tokio::spawn({
            let lag = lag.clone();
            async move { (lag.keep_up().await, Instant::now()) }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished());
        let caught_up = Instant::now();
        lag.applied(false);
        // Held until the index caught up, not by a fixed time: `waited` counts from when
        // the task began, which the runtime may start a moment after the spawn.
        let (waited, released) = waiting.await.unwrap();
        assert!(released >= caught_up && waited < MOST, "{waited:?}");
    }

    /// An indexer that never catches up holds each write back by [`MOST`], and no longer.
    #[tokio::test]
    async fn a_stuck_index_delays_writes_without_stopping_them() {
        let lag = Lag::default();
        lag.noticed();
        std::thread::sleep(BUDGET + Duration::from_millis(20));
        let waited = lag.keep_up().await;
        assert!(waited >= MOST && waited < MOST * 2, "{waited:?}");
    }
}
