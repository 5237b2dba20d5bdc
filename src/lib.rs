//! Cluster Atlas: the directory of European industry clusters as a GraphQL API.
//!
//! Pages (cluster profiles, network news) come in through [`import`], which parses them and
//! writes through [`store`] (SeaORM over SQLite or PostgreSQL). [`graphql`] serves the store
//! as a schema with no web framework in it, which refuses operations past its limits; [`http`]
//! mounts that schema on axum and owns the GraphQL-over-HTTP rules, error codes and the front
//! door's settings (body, time and rate limits, persisted queries, CORS); [`app`] wires
//! configuration, database and server. [`generate`] writes synthetic pages at scale and loads
//! them through [`import`]. Dependencies run one way: `http -> graphql -> store`,
//! `generate -> import -> store`.

pub mod app;
pub mod auth;
pub mod cli;
pub mod error;
pub mod generate;
pub mod geo;
pub mod graphql;
pub mod http;
pub mod import;
pub mod search;
pub mod store;
pub mod text;
pub mod write;

pub use error::{Error, Result};
