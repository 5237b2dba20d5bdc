//! HTTP caching of public reads: the answer to `GET /graphql?query=...` without credentials
//! carries an `ETag` and the operator's `Cache-Control`, and `If-None-Match` with a tag still
//! current gets `304 Not Modified` without running the operation. The tag is the store's
//! write position (the outbox's newest entry, which every committed write moves), the
//! position this replica's index has applied (searches read the index), and a digest of the
//! request; so it changes whenever a write could change the answer, and replicas that hold
//! the same store and index give the same tag. Requests with credentials, and answers with
//! errors, are never stored.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{HttpState, Media};

/// What caches store answers by, besides the address.
const VARY: &str = "accept, authorization";

/// The tag of an answer to `query` (the raw query string) in `media`, as things stand now;
/// `None` when the store cannot say where it is (then nothing is cached).
pub async fn tag(state: &HttpState, query: &str, media: Media) -> Option<HeaderValue> {
    let written = crate::store::outbox::last_id(&state.db).await.ok()?;
    let indexed = state.search.applied();
    let digest = super::persisted::sha256_hex(&format!("{}\n{query}", media.content_type()));
    HeaderValue::from_str(&format!("W/\"{written}.{indexed}.{}\"", &digest[..16])).ok()
}

/// Whether the client's `If-None-Match` names `tag` (or `*`).
pub fn still_fresh(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    let Ok(tag) = tag.to_str() else {
        return false;
    };
    let opaque = tag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == opaque)
}

/// `304` for a client whose copy is current.
pub fn not_modified(tag: HeaderValue, cache_control: &HeaderValue) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    mark(&mut response, tag, cache_control);
    response
}

/// Makes a successful public answer cacheable under `tag`.
pub fn mark(response: &mut Response, tag: HeaderValue, cache_control: &HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::ETAG, tag);
    headers.insert(header::CACHE_CONTROL, cache_control.clone());
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
}

/// Keeps an answer out of every cache: it was for a caller with credentials, or it failed.
pub fn forbid(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::VARY, HeaderValue::from_static(VARY));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
        );
        headers
    }

    #[test]
    fn if_none_match_compares_tags_weakly_and_takes_lists_and_a_star() {
        let tag = HeaderValue::from_static("W/\"7.7.abc\"");
        assert!(still_fresh(&asking("W/\"7.7.abc\""), &tag));
        assert!(still_fresh(&asking("\"7.7.abc\""), &tag));
        assert!(still_fresh(&asking("\"x\", W/\"7.7.abc\""), &tag));
        assert!(still_fresh(&asking("*"), &tag));
        assert!(!still_fresh(&asking("W/\"8.8.abc\""), &tag));
        assert!(!still_fresh(&HeaderMap::new(), &tag));
    }
}
