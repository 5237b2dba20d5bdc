//! API tokens: who may write. Only a SHA-256 digest of each secret is kept (secrets are 32
//! random bytes, so a fast digest is enough: there is nothing to guess by brute force).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    Name,
    Digest,
    Scopes,
    CreatedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(string_len(ApiToken::Name, 100))
                    // Hex SHA-256 of the secret: looked up on every authenticated request.
                    .col(string_len(ApiToken::Digest, 64).unique_key())
                    // Comma-separated: read, write, admin.
                    .col(string_len(ApiToken::Scopes, 32))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiToken::Table).if_exists().to_owned())
            .await
    }
}
