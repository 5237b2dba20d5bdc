//! The manifest beside a folder of pages: what the pages lack (names, countries, source
//! addresses) and the networks they name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::store::network::NetworkKind;

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default, rename = "network")]
    pub networks: Vec<NetworkEntry>,
    #[serde(default, rename = "page")]
    pub pages: Vec<PageEntry>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkEntry {
    pub slug: String,
    pub name: String,
    #[serde(default = "default_kind")]
    pub kind: NetworkKind,
    pub label: Option<String>,
    pub website: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

fn default_kind() -> NetworkKind {
    NetworkKind::Network
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageEntry {
    /// Path of the page, relative to the manifest.
    pub file: PathBuf,
    pub slug: Option<String>,
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Slug of the network that publishes a news page.
    pub publisher: Option<String>,
}

/// A manifest that cannot be read or is not valid TOML of the manifest's shape.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("reading manifest {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("manifest {} is not valid: {source}", path.display())]
    Invalid {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
}

impl Manifest {
    /// Reads `path`; its page entries are made relative to the manifest's folder.
    pub fn load(path: &Path) -> Result<Self, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut manifest: Manifest =
            toml::from_str(&text).map_err(|source| ManifestError::Invalid {
                path: path.to_owned(),
                source: Box::new(source),
            })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for page in &mut manifest.pages {
            page.file = dir.join(&page.file);
        }
        Ok(manifest)
    }

    /// Entries by page path, as written and (for files that exist) canonical, so that a page
    /// named either way finds its entry.
    pub fn index(&self) -> HashMap<PathBuf, &PageEntry> {
        let mut index = HashMap::with_capacity(self.pages.len() * 2);
        for page in &self.pages {
            if let Ok(canonical) = page.file.canonicalize() {
                index.insert(canonical, page);
            }
            index.insert(page.file.clone(), page);
        }
        index
    }

    pub fn merge(&mut self, other: Manifest) {
        self.networks.extend(other.networks);
        self.pages.extend(other.pages);
    }
}
