//! Statements a store connection ran and their time, fed by SeaORM's metric callback: the
//! GraphQL API's per request, and the rebuild's grouped by statement to show where it waits.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// The GraphQL API's connection.
pub static API: Meter = Meter::new();
/// The connection our rebuild reads through.
pub static REBUILD: Meter = Meter::new();

/// Chars kept of a statement's start, and of its `FROM` clause, to name its group.
const NAME_CHARS: usize = 50;

pub struct Meter {
    statements: AtomicU64,
    nanos: AtomicU64,
    grouping: AtomicBool,
    /// Statement prefix -> (count, nanoseconds), while grouping.
    groups: Mutex<BTreeMap<String, (u64, u64)>>,
}

impl Meter {
    const fn new() -> Self {
        Self {
            statements: AtomicU64::new(0),
            nanos: AtomicU64::new(0),
            grouping: AtomicBool::new(false),
            groups: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn record(&self, info: &sea_orm::metric::Info<'_>) {
        let nanos = u64::try_from(info.elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.statements.fetch_add(1, Ordering::Relaxed);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
        if self.grouping.load(Ordering::Relaxed) {
            let name = name_of(&info.statement.sql);
            let mut groups = self.groups.lock().expect("meter lock");
            let group = groups.entry(name).or_default();
            group.0 += 1;
            group.1 += nanos;
        }
    }

    /// Statements so far and their time.
    pub fn read(&self) -> (u64, Duration) {
        (
            self.statements.load(Ordering::SeqCst),
            Duration::from_nanos(self.nanos.load(Ordering::SeqCst)),
        )
    }

    /// Starts grouping statements afresh.
    pub fn group(&self) {
        self.groups.lock().expect("meter lock").clear();
        self.grouping.store(true, Ordering::SeqCst);
    }

    /// Stops grouping; the `n` groups that took longest: (statement, count, time).
    pub fn costliest(&self, n: usize) -> Vec<(String, u64, Duration)> {
        self.grouping.store(false, Ordering::SeqCst);
        let groups = self.groups.lock().expect("meter lock");
        let mut out: Vec<(String, u64, Duration)> = groups
            .iter()
            .map(|(name, &(count, nanos))| (name.clone(), count, Duration::from_nanos(nanos)))
            .collect();
        out.sort_by_key(|b| std::cmp::Reverse(b.2));
        out.truncate(n);
        out
    }
}

/// A statement's start and its `FROM` clause, up to any `IN (...)` (whose length varies):
/// `SELECT "cluster"."id", … FROM "cluster" WHERE "cluster"."id"`.
fn name_of(sql: &str) -> String {
    let sql = sql.split(" IN (").next().unwrap_or(sql);
    let head: String = sql.chars().take(NAME_CHARS).collect();
    match sql.find(" FROM ") {
        Some(at) if at > head.len() => {
            let from: String = sql[at..].chars().take(NAME_CHARS).collect();
            format!("{head} …{from}")
        }
        _ => sql.chars().take(2 * NAME_CHARS).collect(),
    }
}
