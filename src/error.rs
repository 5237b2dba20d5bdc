//! The crate's error: client mistakes carry a stable code and their own message; internal
//! failures show the client "internal error" and keep the cause for the log.

use async_graphql::ErrorExtensions;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    InvalidInput {
        message: String,
        field: Option<String>,
    },
    #[error("{0} not found")]
    NotFound(String),
    /// A write named a version that is no longer the stored one.
    #[error("{what} is at version {current}, not {given}: read it again and retry")]
    Conflict {
        what: String,
        given: i32,
        current: i32,
    },
    /// No token, or one that is not (or no longer) valid.
    #[error("{0}")]
    Unauthenticated(String),
    /// A valid token without the scope the operation needs.
    #[error("{0}")]
    Forbidden(String),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
            field: None,
        }
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// The stable `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Conflict { .. } => "CONFLICT",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Database(_) | Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// The GraphQL error a client sees; internal causes are logged here, once, and hidden.
/// (`?` would use async-graphql's blanket `From<Display>` and leak the text, so resolvers
/// convert with `.extend()`.)
impl ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        let e = self;
        let code = e.code();
        let public = match e {
            Error::Database(_) | Error::Internal(_) => {
                tracing::error!(error = %e, "request failed");
                "internal error".to_owned()
            }
            other => other.to_string(),
        };
        let field = match e {
            Error::InvalidInput { field, .. } => field.clone(),
            _ => None,
        };
        let current = match e {
            Error::Conflict { current, .. } => Some(*current),
            _ => None,
        };
        async_graphql::Error::new(public).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(f) = &field {
                ext.set("field", f.as_str());
            }
            if let Some(v) = current {
                ext.set("currentVersion", v);
            }
        })
    }
}
