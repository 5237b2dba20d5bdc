//! The index's home directory: generations side by side (`gen-...`), and a `CURRENT` file
//! naming the one in use. A rebuild writes a fresh generation and then replaces `CURRENT` by
//! a rename, so a reader sees the old index or the new one, never half of either.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::analysis;
use super::error::Result;
use super::schema::{Fields, SCHEMA_VERSION};

const CURRENT: &str = "CURRENT";

/// What each commit records in the index: the versions it was built with, the store it was
/// built from, and how far into that store's outbox it has applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub schema: u32,
    pub analysis: u32,
    /// The store's identity (`store::store_identity`); empty in indexes made before it.
    #[serde(default)]
    pub store: String,
    /// Every outbox entry up to this id is in the index.
    pub applied: i32,
    /// The newest outbox entry up to `applied`, as the index saw it; `None` in indexes made
    /// before it was recorded, and when the outbox held nothing.
    #[serde(default)]
    pub witness: Option<Witness>,
}

/// An outbox entry, by what tells it apart from a later write that reused its id (a store
/// restored from a backup and written to since): when it was written, and what it changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub id: i32,
    pub at: String,
    pub entity: String,
    pub entity_id: i32,
}

impl Witness {
    pub fn of(entry: &crate::store::outbox::Model) -> Self {
        Self {
            id: entry.id,
            at: entry.created_at.to_rfc3339(),
            entity: entry.entity.clone(),
            entity_id: entry.entity_id,
        }
    }
}

impl std::fmt::Display for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self {
            id,
            at,
            entity,
            entity_id,
        } = self;
        write!(f, "entry {id}, {entity} {entity_id} at {at}")
    }
}

impl Payload {
    pub fn at(store: &str, applied: i32, witness: Option<Witness>) -> Self {
        Self {
            schema: SCHEMA_VERSION,
            analysis: analysis::ANALYSIS_VERSION,
            store: store.to_owned(),
            applied,
            witness,
        }
    }

    fn is_current(&self) -> bool {
        self.schema == SCHEMA_VERSION && self.analysis == analysis::ANALYSIS_VERSION
    }
}

#[derive(Clone, Debug)]
pub struct Home {
    dir: PathBuf,
}

/// Why the current generation cannot be used as it is.
#[derive(Debug)]
pub enum Unusable {
    Missing,
    OtherVersion(Payload),
    Broken(String),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("no index yet"),
            Self::OtherVersion(p) => write!(
                f,
                "index built with schema {} and analysis {}, this build has {} and {}",
                p.schema,
                p.analysis,
                SCHEMA_VERSION,
                analysis::ANALYSIS_VERSION
            ),
            Self::Broken(why) => write!(f, "index unreadable: {why}"),
        }
    }
}

impl Home {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The generation in use, if any.
    pub fn current(&self) -> Option<String> {
        let name = std::fs::read_to_string(self.dir.join(CURRENT)).ok()?;
        let name = name.trim();
        (!name.is_empty() && self.dir.join(name).is_dir()).then(|| name.to_owned())
    }

    /// Opens the generation in use, with what it has applied.
    pub fn open_current(&self) -> Result<(String, Index, Payload), Unusable> {
        let generation = self.current().ok_or(Unusable::Missing)?;
        let index = Index::open_in_dir(self.dir.join(&generation))
            .map_err(|e| Unusable::Broken(e.to_string()))?;
        analysis::register(&index);
        let payload: Payload = index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str(&p).ok())
            .ok_or_else(|| Unusable::Broken("no payload".into()))?;
        if !payload.is_current() {
            return Err(Unusable::OtherVersion(payload));
        }
        Ok((generation, index, payload))
    }

    /// A new, empty generation beside the current one.
    pub fn create(&self, fields: &Fields) -> Result<(String, Index)> {
        std::fs::create_dir_all(&self.dir)?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
        let name = format!("gen-{stamp}-{}", std::process::id());
        let path = self.dir.join(&name);
        std::fs::create_dir(&path)?;
        let index = Index::create_in_dir(&path, fields.schema.clone())?;
        analysis::register(&index);
        Ok((name, index))
    }

    /// Makes `generation` the one in use, atomically, and removes the generations older
    /// than the one it replaces (that one may still be open in a running server).
    pub fn publish(&self, generation: &str) -> std::io::Result<()> {
        let previous = self.current();
        let tmp = self.dir.join(format!("{CURRENT}.{}", std::process::id()));
        std::fs::write(&tmp, generation)?;
        std::fs::rename(&tmp, self.dir.join(CURRENT))?;
        let keep = [Some(generation.to_owned()), previous];
        for entry in std::fs::read_dir(&self.dir)?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("gen-")
                && !keep.iter().flatten().any(|k| *k == name)
                && let Err(e) = std::fs::remove_dir_all(entry.path())
            {
                tracing::warn!(generation = %name, error = %e, "could not remove an old index generation");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn publishing_swaps_the_current_generation_and_keeps_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path());
        let fields = Fields::new();
        assert!(matches!(home.open_current(), Err(Unusable::Missing)));
        let mut names = Vec::new();
        for _ in 0..3 {
            let (name, index) = home.create(&fields).unwrap();
            let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
            let mut commit = w.prepare_commit().unwrap();
            commit.set_payload(&serde_json::to_string(&Payload::at("a store", 7, None)).unwrap());
            commit.commit().unwrap();
            home.publish(&name).unwrap();
            names.push(name);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let (current, _, payload) = home.open_current().unwrap();
        assert_eq!(current, names[2]);
        assert_eq!(payload.applied, 7);
        assert!(!dir.path().join(&names[0]).exists(), "the oldest is gone");
        assert!(dir.path().join(&names[1]).exists(), "the one before stays");
    }
}
