//! `/metrics`: every metric in Prometheus's text format, on the API's address or on its own
//! (`--metrics-addr`, so that it need not be public). The gauges of state (the pool, the
//! outbox the index has not applied, the index's lag) are read when scraped; everything else
//! is counted as it happens. Never rate limited; with `--reads-need-token` on the API's
//! address it needs a token like every other read.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;

use super::identify::{Gate, Identity, identify};
use super::{Media, Settings, unauthenticated};
use crate::search::Search;
use crate::telemetry;

#[derive(Clone)]
struct Scraped {
    db: DatabaseConnection,
    search: Search,
}

/// The `/metrics` route; it asks for a token first when reads need one, unless it has an
/// address of its own.
pub fn routes(db: DatabaseConnection, search: Search, settings: &Settings) -> Router {
    let gate = (settings.reads_need_token && settings.metrics_addr.is_none())
        .then(|| Gate::new(db.clone(), settings));
    // First: until the recorder is installed, what the layers record is dropped.
    telemetry::keep_up();
    let backend = sea_orm::ConnectionTrait::get_database_backend(&db);
    telemetry::build_info(match backend {
        sea_orm::DbBackend::Postgres => "postgres",
        sea_orm::DbBackend::Sqlite => "sqlite",
        sea_orm::DbBackend::MySql => "mysql",
    });
    let routes = Router::new()
        .route("/metrics", get(metrics))
        .with_state(Scraped { db, search });
    match gate {
        Some(gate) => routes.route_layer(axum::middleware::from_fn_with_state(gate, identify)),
        None => routes,
    }
}

async fn metrics(
    State(scraped): State<Scraped>,
    identity: Option<Extension<Identity>>,
) -> Response {
    if let Some(Extension(identity)) = identity
        && let Err(e) = identity.caller()
    {
        return unauthenticated(Media::Json, e);
    }
    sample(&scraped).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        telemetry::render(),
    )
        .into_response()
}

/// Reads the gauges of state; one that cannot be read keeps its last value (and `/readyz`
/// says why).
async fn sample(scraped: &Scraped) {
    if let Some(pool) = crate::store::pool_state(&scraped.db) {
        telemetry::pool(pool.in_use, pool.idle, pool.max);
    }
    let pending = scraped.search.pending(&scraped.db).await;
    let behind = scraped.search.behind(&scraped.db).await;
    if let (Ok(pending), Ok(behind)) = (pending, behind) {
        telemetry::index_behind(pending, behind);
    }
}
