//! Outbox pruning: entries older than the retention are deleted once applied, and how far
//! pruning went is kept, so an index that had not applied them (a replica down for longer
//! than the retention) knows it must be rebuilt rather than miss changes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboxPruned {
    Table,
    Through,
}

const CREATED_AT_INDEX: &str = "idx_outbox_created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxPruned::Table)
                    // Every entry up to this id is gone; one row at most.
                    .col(integer(OutboxPruned::Through).primary_key())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(CREATED_AT_INDEX)
                    .table(Outbox::Table)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(CREATED_AT_INDEX)
                    .table(Outbox::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(OutboxPruned::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
