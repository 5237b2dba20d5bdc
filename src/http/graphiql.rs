//! GraphiQL: the page, opening with an example operation, and its files, compiled into the
//! binary so that the playground works offline.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The operations GraphiQL opens with: a nested profile, a filtered list, and events.
pub const EXAMPLE_OPERATION: &str = r#"# A nested profile, a filtered list with its total, and the events of a series.
query Profile {
  cluster(slug: "masit") {
    name
    established
    country { code name }
    contacts { role phone }
    technologyFields { name }
    programmes { programme { name framework } }
    networks { network { name } }
    news(first: 5) { totalCount edges { node { title publishedOn } } }
  }
}

query SerbianClusters {
  clusters(filter: { country: ["RS"] }, orderBy: { field: ESTABLISHED, direction: DESC }, first: 10) {
    totalCount
    edges { cursor node { name region excellenceLabel established } }
    pageInfo { hasNextPage endCursor }
  }
}

query Events {
  events(filter: { from: "2025-01-01", series: ["alpine-cluster-days"] }, first: 10) {
    totalCount
    edges { node { name startsOn endsOn city country { name } venue series { name } } }
  }
}
"#;

pub fn page() -> String {
    let html = include_str!("../../assets/graphiql/index.html");
    let example = serde_json::to_string(EXAMPLE_OPERATION).unwrap_or_else(|_| "\"\"".into());
    html.replace("__DEFAULT_QUERY_JSON__", &example)
}

/// GraphiQL's own files by name.
pub fn asset(file: &str) -> Response {
    let (body, ty): (&'static [u8], &str) = match file {
        "graphiql.min.js" => (
            include_bytes!("../../assets/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../assets/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../../assets/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(ty).unwrap_or(HeaderValue::from_static("text/plain")),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ),
    ];
    (headers, body).into_response()
}
