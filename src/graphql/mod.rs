//! The GraphQL schema over the store: no web framework in here, and building it does no I/O.

mod connection;
mod ids;
mod loaders;
mod query;
mod types;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

pub use ids::GlobalId;
pub use query::QueryRoot;

pub type AtlasSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Limits on by default: deep or wide queries are refused before they touch the store.
pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 20_000;

/// The schema with its limits; the database handle is request data for resolvers and loaders.
pub fn schema(db: DatabaseConnection) -> AtlasSchema {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(20)
        .data(loaders::Loaders::new(db.clone()))
        .data(db)
        .finish()
}

/// The schema's SDL, as checked in to `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
        .finish()
        .sdl()
}
