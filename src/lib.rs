//! Cluster Atlas: the directory of European industry clusters as a GraphQL API.
//!
//! Pages (cluster profiles, network news) come in through [`import`], which parses them and
//! writes them through [`store`] (SeaORM over SQLite or PostgreSQL), one transaction a page;
//! the API's own writes go through [`write`]. Both resolve names to known clusters and
//! networks with [`resolve`]. [`search`] keeps a Tantivy index in step with the store by
//! following its outbox. [`graphql`] serves store and index as a schema with no web framework
//! in it; [`http`] mounts that schema on axum and owns the GraphQL-over-HTTP rules and the
//! front door's limits; [`app`] wires configuration, database, index and server.
//!
//! The layers, each using only those below it (checked by `tests/layering.rs`):
//!
//! ```text
//! app, cli                       wiring and the command line
//! http                           axum: routes, negotiation, limits, error codes
//! graphql                        schema, resolvers, loaders
//! write   import  <- generate    the API's writes; the page importer; synthetic pages
//! resolve                        entity resolution: names, mentions, natural keys
//! search  auth                   the index (reads rows from store; store never sees it); tokens
//! store                          entities and queries, the write transaction
//! text  geo  telemetry            folding, countries, logs and metrics: below everything
//! ```
//!
//! [`error`] is the API's error: `write`, `graphql` and `http` return it, and it converts the
//! lower layers' own errors (`search::Error`, `DbErr`) with `#[from]`; `graphql::errors`
//! gives every response error its code in one place. The importer's errors (`RunError`,
//! `PageError`, `ManifestError`) and `generate::Error` are their own; `anyhow` is only in
//! `main.rs`, `cli` and `app`.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod error;
pub mod generate;
pub mod geo;
pub mod graphql;
pub mod http;
pub mod import;
pub mod resolve;
pub mod search;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod write;

pub use error::{Error, Result};
