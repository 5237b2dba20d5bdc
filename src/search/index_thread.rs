//! The thread that writes the index. Tantivy spawns its own threads (indexing workers, merges,
//! the segment updater) from the thread that opens a writer or commits, and on Linux a new
//! thread inherits its creator's nice value. All of that happens here, at a lower priority
//! than the threads answering requests: on a busy machine, index work gets the CPU the
//! requests leave over instead of adding to their latency. A write still becomes searchable
//! in well under a second; the indexer waits only while the machine is saturated.
//!
//! Linux's `SCHED_IDLE` class instead was measured and dropped (BENCHMARKS, writes, third
//! session of 2026-11-27): reads under writes were no steadier over ten runs, and on a
//! saturated machine a write took 1,045 ms to become searchable.

use super::error::{Error, Result};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

/// How far below the requests index work runs (nice values: 0 to 19, higher yields more).
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
    ) -> Result<R> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = answer.send(job());
            }))
            .map_err(|_| Error::ThreadStopped)?;
        answered.await.map_err(|_| Error::JobPanicked)
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // PRIO_PROCESS with a thread id: on Linux the nice value belongs to that thread alone.
    let me = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(me), NICE) {
        tracing::warn!(error = %e, "the index thread keeps the requests' priority");
    }
}

/// Elsewhere the nice value is the whole process's: index work keeps the requests' priority.
#[cfg(not(target_os = "linux"))]
fn lower_priority() {}
