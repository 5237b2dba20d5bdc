//! What an import run knows of the store: the names that mentions resolve against and the
//! ids of taxonomy terms. Read once per run and kept current by the run's own writes, so a
//! page costs the same whether the store holds ten clusters or a hundred thousand.
//!
//! The directory of every name is also kept across runs and API writes, by the store's name
//! token (`store::name_stamp`): a news item posted through the API costs one token read, not
//! a read of every name and a new automaton.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DbErr};

use super::mentions::{Directory, Target};
use crate::store::{self, TermKind};

#[derive(Default)]
pub struct Known {
    /// Network names only: all a profile resolves.
    networks: Option<Directory>,
    /// Cluster and network names, for news, with the name token they were read at.
    everyone: Option<(i64, Arc<Directory>)>,
    terms: HashMap<(TermKind, String), i32>,
    /// Terms created by the page in progress: forgotten if its transaction rolls back.
    fresh: Vec<(TermKind, String)>,
    /// Cluster slugs this run wrote, by layout, with the page that wrote each.
    claimed: HashMap<String, PathBuf>,
    /// The slug the page in progress claimed: released if its transaction rolls back.
    fresh_claim: Option<String>,
}

impl Known {
    pub async fn networks(&mut self, db: &impl ConnectionTrait) -> Result<&Directory, DbErr> {
        let directory = match self.networks.take() {
            Some(d) => d,
            None => Directory::new(network_names(db).await?),
        };
        Ok(self.networks.insert(directory))
    }

    /// Every cluster and network name as `db` sees them now. A transaction that changed names
    /// has a token of its own, so it sees its own changes and nobody else is shown them.
    pub async fn everyone(&mut self, db: &impl ConnectionTrait) -> Result<&Directory, DbErr> {
        let token = store::name_stamp::token(db).await?;
        let directory = match self.everyone.take() {
            Some((read_at, d)) if read_at == token => d,
            _ => match cached(token) {
                Some(d) => d,
                None => {
                    let d = Arc::new(everyone(db).await?);
                    remember(token, d.clone());
                    d
                }
            },
        };
        Ok(&self.everyone.insert((token, directory)).1)
    }

    /// A network was added.
    pub fn networks_written(&mut self) {
        self.networks = None;
    }

    /// The term's id, creating the term on first sight.
    pub async fn term(
        &mut self,
        db: &impl ConnectionTrait,
        kind: TermKind,
        name: &str,
    ) -> Result<i32, DbErr> {
        let key = (kind, name.to_owned());
        if let Some(&id) = self.terms.get(&key) {
            return Ok(id);
        }
        let id = store::term::get_or_create(db, kind, name).await?;
        self.fresh.push(key.clone());
        self.terms.insert(key, id);
        Ok(id)
    }

    /// Claims a cluster slug for `page` of `layout`; the page that claimed it first in this
    /// run, if another of the same layout did. Two such pages of one run writing the same
    /// cluster would leave only the last; one page in each profile layout is the one
    /// organisation's two pages, and both are read.
    pub fn claim_slug(&mut self, slug: &str, layout: &str, page: &Path) -> Result<(), PathBuf> {
        let key = format!("{layout}\n{slug}");
        match self.claimed.get(&key) {
            Some(first) if first != page => Err(first.clone()),
            Some(_) => Ok(()),
            None => {
                self.claimed.insert(key.clone(), page.to_path_buf());
                self.fresh_claim = Some(key);
                Ok(())
            }
        }
    }

    /// The page's transaction committed: what it created is real.
    pub fn page_committed(&mut self) {
        self.fresh.clear();
        self.fresh_claim = None;
    }

    /// The page's transaction rolled back: forget what it created.
    pub fn page_rolled_back(&mut self) {
        for key in self.fresh.drain(..) {
            self.terms.remove(&key);
        }
        if let Some(slug) = self.fresh_claim.take() {
            self.claimed.remove(&slug);
        }
        self.networks = None;
    }
}

/// Directories of every name by token, most recently used first. More than one because a
/// process may serve several stores (tests, benchmarks); a store's token changes with its
/// names, so a stale entry is never asked for again and ages out.
static DIRECTORIES: Mutex<Vec<(i64, Arc<Directory>)>> = Mutex::new(Vec::new());
const DIRECTORIES_KEPT: usize = 4;

fn cached(token: i64) -> Option<Arc<Directory>> {
    let mut kept = DIRECTORIES.lock().unwrap_or_else(|p| p.into_inner());
    let at = kept.iter().position(|(t, _)| *t == token)?;
    let entry = kept.remove(at);
    let directory = entry.1.clone();
    kept.insert(0, entry);
    Some(directory)
}

fn remember(token: i64, directory: Arc<Directory>) {
    let mut kept = DIRECTORIES.lock().unwrap_or_else(|p| p.into_inner());
    kept.retain(|(t, _)| *t != token);
    kept.insert(0, (token, directory));
    kept.truncate(DIRECTORIES_KEPT);
}

async fn everyone(db: &impl ConnectionTrait) -> Result<Directory, DbErr> {
    let mut names = network_names(db).await?;
    for (id, name) in store::cluster::names(db).await? {
        names.push((name, Target::Cluster(id)));
    }
    for a in store::cluster_alias::all(db).await? {
        names.push((a.alias, Target::Cluster(a.cluster_id)));
    }
    Ok(Directory::new(names))
}

async fn network_names(db: &impl ConnectionTrait) -> Result<Vec<(String, Target)>, DbErr> {
    let mut names = Vec::new();
    for n in store::network::all(db).await? {
        names.push((n.name, Target::Network(n.id)));
    }
    for a in store::network_alias::all(db).await? {
        names.push((a.alias, Target::Network(a.network_id)));
    }
    Ok(names)
}
