//! Persisted queries. By default, Apollo's automatic persisted queries: a client sends a
//! document's SHA-256 in `extensions.persistedQuery` instead of the document, and the
//! document along with its hash when the server answers `PERSISTED_QUERY_NOT_FOUND`. With an
//! allow-list (production), only the documents listed there run, sent by hash or in full.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Bytes of documents the automatic cache keeps; the oldest go first, and a client whose
/// document went sends it again when told it is not found.
const CACHE_BYTES: usize = 8 << 20;

/// The lowercase hex SHA-256 of a document, as the protocol names it.
pub fn sha256_hex(document: &str) -> String {
    Sha256::digest(document.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `persistedQuery` extension of a request: the hash it names.
pub fn requested_hash(
    extensions: Option<&Map<String, Value>>,
) -> Result<Option<String>, &'static str> {
    let Some(persisted) = extensions.and_then(|e| e.get("persistedQuery")) else {
        return Ok(None);
    };
    let version = persisted.get("version").and_then(Value::as_i64);
    let hash = persisted.get("sha256Hash").and_then(Value::as_str);
    match (version, hash) {
        (Some(1), Some(h)) if is_sha256_hex(h) => Ok(Some(h.to_owned())),
        (Some(1), _) => Err("`persistedQuery.sha256Hash` must be 64 lowercase hex digits"),
        _ => Err("`persistedQuery.version` must be 1"),
    }
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Documents an operator allows, by their SHA-256: a JSON object of `"hash": "document"`
/// (the persisted-documents file GraphQL Code Generator writes, for one).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AllowList(HashMap<String, String>);

impl AllowList {
    /// Reads and checks the file: every key must be its document's SHA-256.
    pub fn load(path: &str) -> Result<Arc<Self>, String> {
        let text = std::fs::read_to_string(Path::new(path))
            .map_err(|e| format!("cannot read {path}: {e}"))?;
        Self::parse(&text).map(Arc::new)
    }

    pub fn parse(json: &str) -> Result<Self, String> {
        let entries: HashMap<String, String> = serde_json::from_str(json)
            .map_err(|e| format!("not a JSON object of \"sha256\": \"document\": {e}"))?;
        if let Some(hash) = entries
            .iter()
            .find_map(|(h, d)| (*h != sha256_hex(d)).then_some(h))
        {
            return Err(format!("{hash} is not the SHA-256 of its document"));
        }
        Ok(Self(entries))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why a request's document cannot be had.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The hash is not known (yet): send the document with it.
    NotFound,
    /// The document sent is not the one the hash names.
    HashMismatch,
    /// The allow-list has no such document.
    NotAllowed,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::HashMismatch => "PERSISTED_QUERY_HASH_MISMATCH",
            Self::NotAllowed => "OPERATION_NOT_ALLOWED",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            // Apollo's clients look for this very message.
            Self::NotFound => "PersistedQueryNotFound",
            Self::HashMismatch => "the query's SHA-256 is not `persistedQuery.sha256Hash`",
            Self::NotAllowed => "this server runs only the operations of its allow-list",
        }
    }
}

/// The document to run, and the hash to remember it by once it has run.
#[derive(Debug, PartialEq, Eq)]
pub struct Resolved {
    pub query: String,
    pub register: Option<String>,
}

pub enum Persisted {
    Automatic(Mutex<Cache>),
    AllowList(Arc<AllowList>),
}

impl Persisted {
    pub fn new(allow_list: Option<Arc<AllowList>>) -> Self {
        match allow_list {
            Some(list) => Self::AllowList(list),
            None => Self::Automatic(Mutex::default()),
        }
    }

    /// The document a request asks for, by its `query`, its hash, or both.
    pub fn resolve(
        &self,
        query: Option<String>,
        hash: Option<String>,
    ) -> Result<Resolved, Refusal> {
        if let (Some(q), Some(h)) = (&query, &hash)
            && sha256_hex(q) != *h
        {
            return Err(Refusal::HashMismatch);
        }
        match self {
            Self::AllowList(list) => {
                let hash =
                    hash.unwrap_or_else(|| query.as_deref().map(sha256_hex).unwrap_or_default());
                let query = list.0.get(&hash).ok_or(Refusal::NotAllowed)?;
                Ok(Resolved {
                    query: query.clone(),
                    register: None,
                })
            }
            Self::Automatic(cache) => match (query, hash) {
                (Some(query), register) => Ok(Resolved { query, register }),
                (None, Some(hash)) => {
                    let cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
                    let query = cache.documents.get(&hash).ok_or(Refusal::NotFound)?;
                    Ok(Resolved {
                        query: query.clone(),
                        register: None,
                    })
                }
                // The request's own checks require one or the other.
                (None, None) => Err(Refusal::NotFound),
            },
        }
    }

    /// Remembers a document that ran, under its (checked) hash.
    pub fn register(&self, hash: String, query: &str) {
        if let Self::Automatic(cache) = self {
            cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(hash, query);
        }
    }
}

/// Documents by hash, the oldest dropped first past [`CACHE_BYTES`].
#[derive(Default)]
pub struct Cache {
    documents: HashMap<String, String>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Cache {
    fn insert(&mut self, hash: String, query: &str) {
        if query.len() > CACHE_BYTES || self.documents.contains_key(&hash) {
            return;
        }
        while self.bytes + query.len() > CACHE_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.documents.remove(&oldest) {
                self.bytes -= gone.len();
            }
        }
        self.bytes += query.len();
        self.order.push_back(hash.clone());
        self.documents.insert(hash, query.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "{ __typename }";

    #[test]
    fn an_unknown_hash_is_not_found_until_its_document_has_run() {
        let apq = Persisted::new(None);
        let hash = sha256_hex(QUERY);
        assert_eq!(
            apq.resolve(None, Some(hash.clone())),
            Err(Refusal::NotFound)
        );
        let both = apq.resolve(Some(QUERY.into()), Some(hash.clone()));
        assert_eq!(
            both,
            Ok(Resolved {
                query: QUERY.into(),
                register: Some(hash.clone())
            })
        );
        apq.register(hash.clone(), QUERY);
        assert_eq!(
            apq.resolve(None, Some(hash)).map(|r| r.query),
            Ok(QUERY.to_owned())
        );
    }

    #[test]
    fn a_document_with_another_documents_hash_is_refused() {
        let apq = Persisted::new(None);
        let other = sha256_hex("{ a }");
        assert_eq!(
            apq.resolve(Some(QUERY.into()), Some(other)),
            Err(Refusal::HashMismatch)
        );
    }

    #[test]
    fn the_allow_list_runs_its_documents_only() {
        let hash = sha256_hex(QUERY);
        let list = AllowList::parse(&format!("{{\"{hash}\": \"{QUERY}\"}}"));
        let allowed = Persisted::new(list.ok().map(Arc::new));
        assert!(allowed.resolve(None, Some(hash)).is_ok());
        assert!(allowed.resolve(Some(QUERY.into()), None).is_ok());
        assert_eq!(
            allowed.resolve(Some("{ b }".into()), None),
            Err(Refusal::NotAllowed)
        );
        assert!(AllowList::parse(&format!("{{\"{}\": \"{QUERY}\"}}", "0".repeat(64))).is_err());
    }

    #[test]
    fn the_cache_drops_its_oldest_documents_past_its_size() {
        let mut cache = Cache::default();
        let big = "x".repeat(CACHE_BYTES / 2);
        cache.insert("a".into(), &big);
        cache.insert("b".into(), &big);
        cache.insert("c".into(), "small");
        assert!(!cache.documents.contains_key("a"));
        assert!(cache.documents.contains_key("b") && cache.documents.contains_key("c"));
        assert!(cache.bytes <= CACHE_BYTES);
    }
}
