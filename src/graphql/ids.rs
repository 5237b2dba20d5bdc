//! Opaque global ids ("Cluster:12" in URL-safe base64) and cursors.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{Error, Result};

/// A node's type and row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalId {
    pub kind: &'static str,
    pub id: i32,
}

/// The node types that have global ids.
/// Services and participations are parts of a cluster, not nodes: `node` answers null.
pub const KINDS: [&str; 8] = [
    "Cluster",
    "Network",
    "NewsItem",
    "Programme",
    "Event",
    "Project",
    "Service",
    "Participation",
];

impl GlobalId {
    pub fn encode(kind: &'static str, id: i32) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
    }

    pub fn decode(id: &str) -> Result<Self> {
        let bad = || Error::invalid_field("id", format!("{id:?} is not an id issued by this API"));
        let raw = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
        let text = String::from_utf8(raw).map_err(|_| bad())?;
        let (kind, n) = text.split_once(':').ok_or_else(bad)?;
        let kind = KINDS.into_iter().find(|k| *k == kind).ok_or_else(bad)?;
        let id = n.parse().map_err(|_| bad())?;
        Ok(Self { kind, id })
    }
}

/// Encodes a cursor's payload opaquely: its JSON in URL-safe base64. Every cursor of the
/// API is a payload type of its own going through this pair.
pub fn encode_cursor(payload: &impl serde::Serialize) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap_or_default())
}

/// Decodes a cursor made by `encode_cursor` of a `T`; anything else is `BAD_USER_INPUT`.
pub fn decode_cursor<T: serde::de::DeserializeOwned>(field: &str, cursor: &str) -> Result<T> {
    let bad = || {
        Error::invalid_field(
            field,
            format!("{cursor:?} is not a cursor issued by this API"),
        )
    };
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    serde_json::from_slice(&raw).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_forgeries_are_rejected() {
        let id = GlobalId::encode("Cluster", 42);
        assert_eq!(
            GlobalId::decode(&id).ok(),
            Some(GlobalId {
                kind: "Cluster",
                id: 42
            })
        );
        assert!(GlobalId::decode("not-base64!").is_err());
        assert!(GlobalId::decode(&URL_SAFE_NO_PAD.encode("Secret:1")).is_err());
        assert!(GlobalId::decode(&URL_SAFE_NO_PAD.encode("Cluster:x")).is_err());
    }
}
