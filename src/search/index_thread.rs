//! The thread that writes the index. Tantivy spawns its own threads (indexing workers, merges,
//! the segment updater) from the thread that opens a writer or commits, and on Linux a new
//! thread inherits its creator's scheduling class. All of that happens here, in Linux's
//! `SCHED_IDLE` class: index work gets the CPU the requests leave over instead of adding to
//! their latency. A write still becomes searchable in well under a second; under overload
//! writes wait for the index (`lag.rs`), so it is never starved for long.
//!
//! Nice 10 was not enough: a merge or a commit kept one of two cores for tens of
//! milliseconds, and the scheduler queued the woken request threads (a GraphQL worker, a
//! SQLite connection's thread) behind each other on the other core rather than preempt a
//! lower-priority thread. A core running only `SCHED_IDLE` work counts as idle when a thread
//! wakes, and a woken thread of the normal class preempts that work at once.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

/// The nice value of index work where `SCHED_IDLE` is refused (0 to 19, higher yields more).
pub const NICE: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

pub struct IndexThread {
    jobs: mpsc::Sender<Job>,
}

impl IndexThread {
    /// Starts the thread; it ends when the last handle is dropped.
    pub fn start() -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("atlas-indexer".into())
            .spawn(move || {
                lower_priority();
                for job in queue {
                    // A panicking job loses its own answer only (its caller sees an error).
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                }
            })?;
        Ok(Self { jobs })
    }

    /// Runs `job` on the thread and waits for its result without blocking the runtime.
    pub async fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> anyhow::Result<R> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = answer.send(job());
            }))
            .map_err(|_| anyhow::anyhow!("the index thread has stopped"))?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("an index job failed (it panicked)"))
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    use thread_priority::{
        NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
        set_thread_priority_and_policy, thread_native_id,
    };
    let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
    let Err(refused) =
        set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle)
    else {
        return;
    };
    // PRIO_PROCESS with a thread id: on Linux the nice value belongs to that thread alone.
    let me = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(me), NICE) {
        tracing::warn!(error = %e, sched_idle = ?refused, "the index thread keeps the requests' priority");
    } else {
        tracing::info!(sched_idle = ?refused, "the index thread runs at nice {NICE}");
    }
}

/// Elsewhere the nice value is the whole process's: index work keeps the requests' priority.
#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(all(test, target_os = "linux"))]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use thread_priority::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};

    use super::IndexThread;

    /// Index work, and every thread it starts (Tantivy's workers), is in the idle class.
    #[tokio::test]
    async fn index_work_runs_in_the_idle_class() {
        let thread = IndexThread::start().unwrap();
        let (own, spawned) = thread
            .run(|| {
                let own = thread_priority::thread_schedule_policy().unwrap();
                let spawned = std::thread::spawn(thread_priority::thread_schedule_policy)
                    .join()
                    .unwrap()
                    .unwrap();
                (own, spawned)
            })
            .await
            .unwrap();
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        assert_eq!(own, idle);
        assert_eq!(spawned, idle);
    }
}
