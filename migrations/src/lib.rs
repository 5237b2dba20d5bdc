//! The schema of the Cluster Atlas store, as SeaQuery in Rust so that one set of migrations
//! serves SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m0001_directory;
mod m0002_outbox;
mod m0003_outbox_pruning;
mod m0004_api_token;
mod m0005_name_stamp;
mod m0006_store_identity;
mod m0007_current_profile;
mod m0008_network_pages;
mod m0009_articles;
mod m0010_events;
mod m0011_projects;
mod m0012_network_members;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_directory::Migration),
            Box::new(m0002_outbox::Migration),
            Box::new(m0003_outbox_pruning::Migration),
            Box::new(m0004_api_token::Migration),
            Box::new(m0005_name_stamp::Migration),
            Box::new(m0006_store_identity::Migration),
            Box::new(m0007_current_profile::Migration),
            Box::new(m0008_network_pages::Migration),
            Box::new(m0009_articles::Migration),
            Box::new(m0010_events::Migration),
            Box::new(m0011_projects::Migration),
            Box::new(m0012_network_members::Migration),
        ]
    }
}
