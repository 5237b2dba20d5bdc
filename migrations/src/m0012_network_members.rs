//! The members a network's page lists by name (one a line): kept as written, so that the
//! clusters they name are linked whenever those clusters are imported, in any run.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Network {
    Table,
    ListedMembers,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Network::Table)
                    .add_column(text_null(Network::ListedMembers))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Network::Table)
                    .drop_column(Network::ListedMembers)
                    .to_owned(),
            )
            .await
    }
}
