//! Who is calling: API tokens sent as `Authorization: Bearer ca_...`, and their scopes.
//!
//! A secret is `ca_` and 32 random bytes (base64url); the store keeps only its SHA-256, so
//! a leaked database leaks no usable token. Scopes nest: `admin` may do what `write` may,
//! which may do what `read` may. Secrets are never logged: a caller is logged by token id.

use std::collections::BTreeSet;

use base64::Engine;
use rand::TryRngCore;
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::store::api_token;

const PREFIX: &str = "ca_";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Self::Read, Self::Write, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// Whether reading needs a token (the operator's choice; public by default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadAccess {
    #[default]
    Public,
    TokenRequired,
}

/// The caller of one request.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// The token's id; `None` for an anonymous caller.
    pub token: Option<i32>,
    scopes: BTreeSet<Scope>,
}

impl Caller {
    /// Whether the caller may do what `scope` allows.
    pub fn may(&self, scope: Scope) -> bool {
        self.scopes.iter().any(|held| *held >= scope)
    }

    /// `Ok` when the caller may do what `scope` allows; otherwise why not.
    pub fn require(&self, scope: Scope) -> Result<(), Error> {
        if self.may(scope) {
            Ok(())
        } else if self.token.is_none() {
            Err(Error::Unauthenticated(format!(
                "this needs an API token with the {} scope: send `Authorization: Bearer <token>`",
                scope.as_str()
            )))
        } else {
            Err(Error::Forbidden(format!(
                "this token lacks the {} scope",
                scope.as_str()
            )))
        }
    }
}

#[cfg(test)]
impl Caller {
    /// The caller of live token `id`, holding no scope.
    pub(crate) fn of_token(id: i32) -> Self {
        Self {
            token: Some(id),
            scopes: BTreeSet::new(),
        }
    }
}

/// A new token: its secret, shown once, and the digest to store.
pub struct Issued {
    pub secret: String,
    pub digest: String,
}

/// The OS gave no randomness to make a token from.
#[derive(Debug, thiserror::Error)]
#[error("no randomness from the OS: {0}")]
pub struct NoRandomness(String);

pub fn issue() -> Result<Issued, NoRandomness> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| NoRandomness(e.to_string()))?;
    let secret = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    Ok(Issued {
        digest: digest(&secret),
        secret,
    })
}

fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Scope names as stored: comma-separated, in order.
pub fn scopes_to_string(scopes: &BTreeSet<Scope>) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The caller an `Authorization` header value stands for: anonymous without one (if reads
/// are public), an error for anything but a live token.
pub async fn caller(
    db: &impl ConnectionTrait,
    authorization: Option<&str>,
    reads: ReadAccess,
) -> Result<Caller, Error> {
    let Some(value) = authorization else {
        return match reads {
            ReadAccess::Public => Ok(Caller::default()),
            ReadAccess::TokenRequired => Err(Error::Unauthenticated(
                "this server needs an API token: send `Authorization: Bearer <token>`".into(),
            )),
        };
    };
    let secret = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|s| s.starts_with(PREFIX))
        .ok_or_else(|| {
            Error::Unauthenticated("the Authorization header must be `Bearer ca_...`".into())
        })?;
    let token = api_token::live(db, &digest(secret))
        .await?
        .ok_or_else(|| Error::Unauthenticated("unknown or revoked API token".into()))?;
    tracing::debug!(token = token.id, "authenticated");
    Ok(Caller {
        token: Some(token.id),
        scopes: token.scopes.split(',').filter_map(Scope::parse).collect(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn with(scopes: &[Scope]) -> Caller {
        Caller {
            token: Some(1),
            scopes: scopes.iter().copied().collect(),
        }
    }

    #[test]
    fn scopes_nest_admin_over_write_over_read() {
        let admin = with(&[Scope::Admin]);
        assert!(Scope::ALL.iter().all(|s| admin.may(*s)));
        let writer = with(&[Scope::Write]);
        assert!(writer.may(Scope::Read) && writer.may(Scope::Write) && !writer.may(Scope::Admin));
        let reader = with(&[Scope::Read]);
        assert!(reader.may(Scope::Read) && !reader.may(Scope::Write));
        let anonymous = Caller::default();
        assert!(!anonymous.may(Scope::Read));
    }

    #[test]
    fn refusals_say_unauthenticated_without_a_token_and_forbidden_with_one() {
        let code = |c: &Caller| c.require(Scope::Admin).unwrap_err().code();
        assert_eq!(code(&Caller::default()), "UNAUTHENTICATED");
        assert_eq!(code(&with(&[Scope::Write])), "FORBIDDEN");
    }

    #[test]
    fn secrets_are_random_and_only_their_digest_is_kept() {
        let (a, b) = (issue().unwrap(), issue().unwrap());
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(PREFIX) && a.secret.len() == PREFIX.len() + 43);
        assert_eq!(a.digest.len(), 64);
        assert!(!a.digest.contains(&a.secret[PREFIX.len()..]));
        assert_eq!(digest(&a.secret), a.digest);
    }
}
