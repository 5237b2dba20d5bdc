//! Who is calling, settled once per request before the rate limit: the caller its
//! `Authorization` header stands for. The limiter meters a live token as itself, wherever
//! it calls from, and the handlers read the outcome instead of looking the token up again.
//! Only a token the store knows gets a key of its own: anything else (unknown, revoked,
//! malformed) is metered by address like an anonymous caller, so guessing secrets earns no
//! fresh budget. Secrets are never logged; the token id is what identifies a caller.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use sea_orm::DatabaseConnection;

use crate::auth::{self, Caller, ReadAccess};

/// What [`identify`] needs: the store holding the tokens, whether reads need one, and how
/// to tell clients apart (for the log).
#[derive(Clone)]
pub struct Gate {
    pub db: DatabaseConnection,
    pub reads: ReadAccess,
    pub trust_forwarded_for: bool,
}

/// The outcome of authenticating one request, kept in its extensions. Shared, since an
/// internal error is not `Clone` and extensions must be.
#[derive(Clone)]
pub struct Identity(Arc<Result<Caller, crate::Error>>);

impl Identity {
    pub fn new(outcome: Result<Caller, crate::Error>) -> Self {
        Self(Arc::new(outcome))
    }

    /// The id of the live token the request carries; `None` for anyone else.
    pub fn token(&self) -> Option<i32> {
        self.0.as_ref().as_ref().ok().and_then(|c| c.token)
    }

    /// The caller, or why the request is refused (answered by the handler, in its media
    /// type and at its point of the checks).
    pub fn caller(&self) -> Result<&Caller, &crate::Error> {
        self.0.as_ref().as_ref()
    }
}

impl Gate {
    pub fn new(db: DatabaseConnection, settings: &super::Settings) -> Self {
        Self {
            db,
            reads: settings.reads(),
            trust_forwarded_for: settings.trust_forwarded_for,
        }
    }
}

/// Middleware: authenticates the request and leaves its [`Identity`] in the extensions, and
/// the client it counts as in the request's log span.
pub async fn identify(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default());
    let outcome = auth::caller(&gate.db, authorization, gate.reads).await;
    request.extensions_mut().insert(Identity::new(outcome));
    let client = super::client_key(&request, gate.trust_forwarded_for);
    tracing::Span::current().record("client", tracing::field::display(&client));
    next.run(request).await
}
