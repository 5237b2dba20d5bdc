//! The GraphQL schema over the store: no web framework in here, and building it does no I/O.

mod batch;
mod connection;
mod ids;
mod loaders;
mod mutation;
mod query;
mod search;
mod similar;
mod types;

use async_graphql::{EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

pub use ids::GlobalId;
pub use mutation::MutationRoot;
pub use query::QueryRoot;

pub type AtlasSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Limits on by default: deep or wide queries are refused before they touch the store.
pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 20_000;

/// The schema with its limits; the database handle and the search index are schema data
/// for the resolvers.
pub fn schema(db: DatabaseConnection, search: crate::search::Search) -> AtlasSchema {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(20)
        .data(db)
        .data(search)
        .finish()
}

/// Executes one request with a batcher of its own, sending its loads in waves.
pub async fn execute(
    schema: &AtlasSchema,
    db: &DatabaseConnection,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let batcher = loaders::Loaders::new(loaders::StoreLoader::new(db.clone()));
    let warnings = std::sync::Arc::new(search::Warnings::default());
    let request = request.data(batcher.clone()).data(warnings.clone());
    let mut response = batch::run(batcher, schema.execute(request)).await;
    let list = match warnings.0.lock() {
        Ok(mut list) => std::mem::take(&mut *list),
        Err(_) => Vec::new(),
    };
    if !list.is_empty()
        && let Ok(value) = async_graphql::Value::from_json(serde_json::Value::Array(list))
    {
        response.extensions.insert("warnings".into(), value);
    }
    response
}

/// The schema's SDL, as checked in to `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .finish()
        .sdl()
}
