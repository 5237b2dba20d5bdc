//! The GraphQL schema over the store: no web framework in here, and building it does no I/O.

mod batch;
mod connection;
mod context;
mod date;
mod errors;
mod events;
mod ids;
mod limits;
mod loaders;
mod mutation;
mod order;
mod projects;
mod query;
mod search;
mod shape;
mod similar;
mod subscription;
mod types;

use async_graphql::Schema;
use futures::Stream;
use sea_orm::DatabaseConnection;

pub use ids::GlobalId;
pub use limits::{Limits, parse, refusal};
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use subscription::SubscriptionRoot;

pub type AtlasSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema with its limits, which refuse deep, wide or costly operations before they
/// touch the store; the database handle and the search index are schema data for the
/// resolvers.
pub fn schema(
    db: DatabaseConnection,
    search: crate::search::Search,
    limits: &Limits,
) -> AtlasSchema {
    let builder = described(Schema::build(
        QueryRoot,
        MutationRoot::default(),
        SubscriptionRoot,
    ))
    .extension(errors::Publish)
    .extension(limits::Enforce(std::sync::Arc::new(limits.clone())))
    .limit_recursive_depth(shape::MAX_NESTING)
    .limit_directives(20)
    .data(db)
    .data(search);
    // The extension refuses introspection with a code; this makes sure nothing answers it.
    let builder = if limits.no_introspection {
        builder.disable_introspection()
    } else {
        builder
    };
    builder.finish()
}

/// Executes one request with a batcher of its own, sending its loads in waves.
pub async fn execute(
    schema: &AtlasSchema,
    db: &DatabaseConnection,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let (batcher, warnings) = per_request(db);
    let mut request = request;
    // The front door parsed it already, through the limits (`parse`).
    let selected = Selected::of(&mut request, async_graphql::Request::parsed_query);
    let request = request.data(batcher.clone()).data(warnings.clone());
    let mut response = batch::run(batcher, schema.execute(request)).await;
    warnings.attach(&mut response);
    selected.order(&mut response);
    response
}

/// Executes a subscription (or, as one response, any other operation) with a batcher of
/// its own; each event is resolved afresh.
pub fn execute_stream(
    schema: &AtlasSchema,
    db: &DatabaseConnection,
    request: async_graphql::Request,
) -> impl Stream<Item = async_graphql::Response> + Send + use<> {
    use futures::StreamExt;
    let (batcher, warnings) = per_request(db);
    let mut request = request;
    // Parsed here, through the limits, before the parser meets a hostile document.
    let selected = Selected::of(&mut request, limits::parse);
    let request = request.data(batcher.clone()).data(warnings.clone());
    batch::stream(batcher, schema.execute_stream(request)).map(move |mut response| {
        warnings.attach(&mut response);
        selected.order(&mut response);
        response
    })
}

type Parse =
    fn(
        &mut async_graphql::Request,
    )
        -> Result<&async_graphql::parser::types::ExecutableDocument, async_graphql::ServerError>;

/// What a request selected, kept to put its response maps in the selection's order.
struct Selected {
    /// None where the document does not parse: the parser's error is the whole answer.
    document: Option<async_graphql::parser::types::ExecutableDocument>,
    operation: Option<String>,
    variables: async_graphql::Variables,
}

impl Selected {
    /// The request's document as `parse` leaves it in the request, which execution then
    /// takes as parsed: one parse a request. A document `parse` refuses is refused again,
    /// with the same error, by execution.
    fn of(request: &mut async_graphql::Request, parse: Parse) -> Self {
        Self {
            document: parse(request).ok().cloned(),
            operation: request.operation_name.clone(),
            variables: request.variables.clone(),
        }
    }

    fn order(&self, response: &mut async_graphql::Response) {
        if let Some(document) = &self.document {
            let operation = self.operation.as_deref();
            order::restore(&mut response.data, document, operation, &self.variables);
        }
    }
}

fn per_request(db: &DatabaseConnection) -> (loaders::Loaders, std::sync::Arc<search::Warnings>) {
    (
        loaders::Loaders::new(loaders::StoreLoader::new(db.clone())),
        std::sync::Arc::new(search::Warnings::default()),
    )
}

/// The schema's SDL, as checked in to `schema.graphql`.
pub fn sdl() -> String {
    sdl_of(
        &described(Schema::build(
            QueryRoot,
            MutationRoot::default(),
            SubscriptionRoot,
        ))
        .finish(),
    )
}

type Builder = async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Descriptions of the types async-graphql makes generically, which carry none of their own.
fn described(builder: Builder) -> Builder {
    use async_graphql::connection::Connection;
    builder
        .override_output_type_description::<Connection<String, types::Cluster, query::ClusterTotal>>(
            "A page of clusters: their edges, the page's place in the whole list, and its total.",
        )
        .override_output_type_description::<Connection<String, types::Network, query::NetworkTotal>>(
            "A page of networks: their edges, the page's place in the whole list, and its total.",
        )
        .override_output_type_description::<Connection<String, types::NewsItem, types::NewsTotal>>(
            "A page of news items: their edges, the page's place in the whole list, and its total.",
        )
        .override_output_type_description::<Connection<String, events::Event, events::EventTotal>>(
            "A page of events: their edges, the page's place in the whole list, and its total.",
        )
}

/// A schema's SDL as we publish it: with each scalar's `@specifiedBy`.
pub fn sdl_of(schema: &AtlasSchema) -> String {
    schema.sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}
