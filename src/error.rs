//! The API's error: client mistakes carry a stable code and their own message; internal
//! failures show the client "internal error" and keep their cause, whole, for the log.
//!
//! Resolvers return it with `?`: async-graphql keeps it as the error's source, and
//! `graphql::errors` gives every error of a response its code there, in one place.

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The code of an error worth retrying: the store could not be reached.
pub const UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";

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
    #[error("search: {0}")]
    Search(#[from] crate::search::Error),
    /// Something this code promises itself did not hold: a bug, not the client's doing.
    #[error("broken invariant: {0}")]
    Invariant(&'static str),
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
            Self::Database(e) if crate::store::unavailable(e) => UNAVAILABLE,
            Self::Database(_) | Self::Search(_) | Self::Invariant(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// Whether the cause is ours, not the client's: its text stays in the log.
    pub fn is_internal(&self) -> bool {
        matches!(self.code(), "INTERNAL_SERVER_ERROR" | UNAVAILABLE)
    }

    /// The field of the input it is about, where it names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidInput { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The stored version a `Conflict` met.
    pub fn current_version(&self) -> Option<i32> {
        match self {
            Self::Conflict { current, .. } => Some(*current),
            _ => None,
        }
    }
}

/// The error and its causes, outermost first: what the log gets.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let next = c.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = c.source();
    }
    text
}
