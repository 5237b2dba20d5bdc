//! What a cluster network's own page on the platform states of it: a description, its
//! coordinator, a contact address, the year it started and how many cluster organisations
//! it gathers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Network {
    Table,
    Description,
    Coordinator,
    Email,
    FoundedYear,
    MemberOrganisations,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            text_null(Network::Description),
            string_null(Network::Coordinator),
            string_null(Network::Email),
            integer_null(Network::FoundedYear),
            integer_null(Network::MemberOrganisations),
        ];
        // One column a statement: SQLite alters a table one change at a time.
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Network::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            Network::Description,
            Network::Coordinator,
            Network::Email,
            Network::FoundedYear,
            Network::MemberOrganisations,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Network::Table)
                        .drop_column(name)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
