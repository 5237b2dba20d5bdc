//! The Explorer: the browser app of `explorer/`, built into `assets/explorer/` and compiled
//! into the binary (through the table `explorer/build.sh` writes there, `files.rs`), so
//! that `cargo run` serves it with no Node. `/` and every
//! path the app routes to answer its page (a history fallback: reloading or sharing a view's
//! URL works); its hashed files live under `/explorer/assets/` and may be cached forever.
//! Every answer carries a strict Content-Security-Policy: the app's own scripts, styles and
//! API only.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The table of built files, which `explorer/build.sh` writes beside them.
#[path = "../../assets/explorer/files.rs"]
mod built;

/// Nothing from elsewhere, nothing inline: scripts, styles, images and fetches from this
/// origin only (the map's shapes are bundled), and no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The paths the app's router answers with a view, and their labels for metrics and logs:
/// one label per view, whatever the slug, so their number stays bounded.
const VIEWS: &[(&str, &str)] = &[
    ("/", "/"),
    ("/search", "/search"),
    ("/map", "/map"),
    ("/events", "/events"),
    ("/clusters/{slug}", "/clusters/"),
    ("/networks/{slug}", "/networks/"),
    ("/news/{id}", "/news/"),
];

/// Where the built files are served; `explorer/vite.config.ts` builds for this base.
const ASSETS: &str = "/explorer/assets/";

/// The routes of the page and its files, stateless.
pub fn routes() -> Router {
    let mut router = Router::new().route("/explorer/assets/{file}", get(asset));
    for (route, _) in VIEWS {
        router = router.route(route, get(page));
    }
    router
}

/// The route label of `path` when it is one of the Explorer's.
pub fn route_of(path: &str) -> Option<&'static str> {
    if path.starts_with(ASSETS) {
        return Some("/explorer/assets/{file}");
    }
    VIEWS.iter().find_map(|(route, prefix)| {
        let matches = if route.contains('{') {
            path.strip_prefix(prefix)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        } else {
            path == *prefix
        };
        matches.then_some(*route)
    })
}

fn file(name: &str) -> Option<&'static [u8]> {
    built::FILES
        .iter()
        .find(|(path, _)| *path == name)
        .map(|(_, bytes)| *bytes)
}

/// The page, revalidated on every load so that a new build is picked up at once.
async fn page() -> Response {
    match file("index.html") {
        Some(body) => answer(body, "text/html; charset=utf-8", "no-cache"),
        None => (
            StatusCode::NOT_FOUND,
            "the Explorer is not built: run explorer/build.sh",
        )
            .into_response(),
    }
}

/// A built file: its name carries its content's hash, so it never changes.
async fn asset(Path(name): Path<String>) -> Response {
    let Some(body) = file(&format!("assets/{name}")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    answer(
        body,
        content_type(&name),
        "public, max-age=31536000, immutable",
    )
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn answer(body: &'static [u8], content_type: &'static str, cache: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ];
    (headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_get_one_label_each_whatever_their_slug() {
        assert_eq!(route_of("/"), Some("/"));
        assert_eq!(route_of("/clusters/masit"), Some("/clusters/{slug}"));
        assert_eq!(route_of("/news/TmV3czox"), Some("/news/{id}"));
        assert_eq!(
            route_of("/explorer/assets/index-abc.js"),
            Some("/explorer/assets/{file}")
        );
        assert_eq!(route_of("/clusters/"), None);
        assert_eq!(route_of("/clusters/a/b"), None);
        assert_eq!(route_of("/wp-admin.php"), None);
    }
}
