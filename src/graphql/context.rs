//! What every resolver takes from its context: the result type, the store, and how a store
//! failure reaches the client.

use async_graphql::Context;

pub type Res<T> = async_graphql::Result<T>;

pub fn db<'a>(ctx: &Context<'a>) -> Res<&'a sea_orm::DatabaseConnection> {
    ctx.data::<sea_orm::DatabaseConnection>()
}

/// A store failure as the client sees it: "internal error", the cause logged.
pub fn internal(e: sea_orm::DbErr) -> async_graphql::Error {
    crate::Error::Database(e).into()
}
