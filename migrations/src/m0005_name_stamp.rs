//! The name stamp: one row whose token changes in every transaction that changes a cluster's
//! or network's names (name, aliases, creation, deletion). Writers resolving news mentions
//! cache the directory of every name by this token instead of reading all names per write.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NameStamp {
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
                    .table(NameStamp::Table)
                    .col(integer(NameStamp::Id).primary_key())
                    .col(big_integer(NameStamp::Token))
                    .to_owned(),
            )
            .await?;
        // Not a constant: a store migrated with names already in it must not share its
        // token with another store one process has cached.
        let token = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i64);
        let mut insert = Query::insert();
        insert
            .into_table(NameStamp::Table)
            .columns([NameStamp::Id, NameStamp::Token])
            .values([1.into(), token.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NameStamp::Table).if_exists().to_owned())
            .await
    }
}
