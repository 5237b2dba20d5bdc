//! The store's identity: one row naming this store, made when it is first migrated. The
//! search index records it, so an index built from another store is rebuilt rather than
//! trusted (outbox ids alone cannot tell two stores apart once both have grown).

use std::hash::{BuildHasher, Hasher};

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StoreIdentity {
    Table,
    Id,
    Token,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoreIdentity::Table)
                    .col(integer(StoreIdentity::Id).primary_key())
                    .col(string(StoreIdentity::Token))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert
            .into_table(StoreIdentity::Table)
            .columns([StoreIdentity::Id, StoreIdentity::Token])
            .values([1.into(), fresh_token().into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(StoreIdentity::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}

/// 128 random bits as hex. Std's hasher keys come from the operating system's generator,
/// so two hashers give independent 64-bit values without another dependency.
fn fresh_token() -> String {
    let random = || {
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!("{:016x}{:016x}", random() ^ nanos, random())
}
