//! `/readyz`: whether this replica can serve correct answers now, for load balancers and
//! orchestrators, next to `/healthz` (the process answers). Ready means: the store answers
//! within a second, its migrations are exactly this binary's, and the search index trails
//! the store's outbox by no more than the bound. Otherwise 503, with the check that failed.
//! Cheap enough to probe every second, and never rate limited.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use migration::MigratorTrait;
use sea_orm::DatabaseConnection;
use serde_json::json;
use tokio::sync::watch;

use crate::search::Search;

/// How long each check may take: a probe that hangs tells a load balancer nothing.
const CHECK_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Clone)]
struct Probe {
    db: DatabaseConnection,
    search: Search,
    max_lag: Duration,
}

/// The routes of a server still starting: live, not ready, and every other request told to
/// come back in a second. `step` says what the start-up is doing.
pub fn starting(step: watch::Receiver<&'static str>) -> axum::Router {
    let not_ready = |step: watch::Receiver<&'static str>| async move {
        let body = json!({ "ready": false, "checks": { "start": *step.borrow() } });
        (StatusCode::SERVICE_UNAVAILABLE, Json(body))
    };
    let refused = || async {
        let body = json!({ "errors": [{
            "message": "the server is starting: retry in a second",
            "extensions": { "code": crate::error::UNAVAILABLE },
        }] });
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
            Json(body),
        )
    };
    axum::Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(move || not_ready(step.clone())))
        .fallback(refused)
}

/// The `/readyz` route.
pub fn routes(db: DatabaseConnection, search: Search, max_lag: Duration) -> axum::Router {
    axum::Router::new()
        .route("/readyz", get(readyz))
        .with_state(Probe {
            db,
            search,
            max_lag,
        })
}

async fn readyz(State(probe): State<Probe>) -> Response {
    let store = within(store(&probe.db)).await;
    let index = match &store {
        Ok(()) => within(index(&probe)).await,
        Err(_) => Err("not checked: the store is not ready".to_owned()),
    };
    let ready = store.is_ok() && index.is_ok();
    let said = |check: &Result<(), String>| match check {
        Ok(()) => "ok".to_owned(),
        Err(why) => why.clone(),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body =
        json!({ "ready": ready, "checks": { "store": said(&store), "index": said(&index) } });
    (status, Json(body)).into_response()
}

/// `check`'s answer, or a failure when it takes longer than [`CHECK_TIMEOUT`].
async fn within(check: impl Future<Output = Result<(), String>>) -> Result<(), String> {
    tokio::time::timeout(CHECK_TIMEOUT, check)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {CHECK_TIMEOUT:?}")))
}

/// The store answers, and holds exactly the migrations this binary knows.
async fn store(db: &DatabaseConnection) -> Result<(), String> {
    db.ping().await.map_err(|e| format!("unreachable: {e}"))?;
    // Fails too where the store holds a migration this binary does not know (a newer one).
    let pending = migration::Migrator::get_pending_migrations(db)
        .await
        .map_err(|e| format!("migrations unreadable: {e}"))?
        .len();
    match pending {
        0 => Ok(()),
        n => Err(format!("{n} migrations of this binary are not applied")),
    }
}

/// The index trails the outbox by no more than the bound.
async fn index(probe: &Probe) -> Result<(), String> {
    let behind = probe
        .search
        .behind(&probe.db)
        .await
        .map_err(|e| format!("unreadable: {e}"))?;
    if behind > probe.max_lag {
        return Err(format!(
            "{:.1} s behind the store (at most {:.1} s)",
            behind.as_secs_f64(),
            probe.max_lag.as_secs_f64()
        ));
    }
    Ok(())
}
