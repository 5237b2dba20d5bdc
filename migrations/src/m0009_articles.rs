//! What the platform's articles add to a news item: a publication date may be unknown (an
//! article copied without its byline states none, and none is invented), the author of the
//! byline, and the cluster organisation the article is filed under (its footer).
//!
//! The date columns lose NOT NULL by a swap both databases run alike (SQLite cannot alter a
//! column's constraint in place): a nullable copy is added, filled, the old column dropped
//! and the copy renamed. Lists sort by `sort_on`, NOT NULL: the date, or for an undated item
//! the first day of year 1, so that newest-first lists end with them and seek in an index
//! (a nullable sort column made every page sort the whole table).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::TransactionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SWAP_TO_NULLABLE: &[&str] = &[
    r#"ALTER TABLE "news" ADD COLUMN "published_on_n" date NULL"#,
    r#"ALTER TABLE "news" ADD COLUMN "published_as_n" varchar NULL"#,
    r#"UPDATE "news" SET "published_on_n" = "published_on", "published_as_n" = "published_as""#,
    r#"DROP INDEX "ix_news_published""#,
    r#"ALTER TABLE "news" DROP COLUMN "published_on""#,
    r#"ALTER TABLE "news" DROP COLUMN "published_as""#,
    r#"ALTER TABLE "news" RENAME COLUMN "published_on_n" TO "published_on""#,
    r#"ALTER TABLE "news" RENAME COLUMN "published_as_n" TO "published_as""#,
    r#"ALTER TABLE "news" ADD COLUMN "sort_on" date NOT NULL DEFAULT '0001-01-01'"#,
    r#"UPDATE "news" SET "sort_on" = "published_on""#,
    r#"CREATE INDEX "ix_news_sort" ON "news" ("sort_on", "id")"#,
    r#"CREATE INDEX "ix_news_published" ON "news" ("published_on", "id")"#,
    r#"ALTER TABLE "news" ADD COLUMN "author" varchar NULL"#,
    r#"ALTER TABLE "news" ADD COLUMN "filed_under" varchar NULL"#,
];

/// Back to NOT NULL: undated items cannot be kept, so `down` refuses while any exists.
const SWAP_TO_NOT_NULL: &[&str] = &[
    r#"DROP INDEX "ix_news_sort""#,
    r#"ALTER TABLE "news" DROP COLUMN "sort_on""#,
    r#"ALTER TABLE "news" DROP COLUMN "author""#,
    r#"ALTER TABLE "news" DROP COLUMN "filed_under""#,
    r#"ALTER TABLE "news" ADD COLUMN "published_on_n" date NOT NULL DEFAULT '1970-01-01'"#,
    r#"ALTER TABLE "news" ADD COLUMN "published_as_n" varchar NOT NULL DEFAULT ''"#,
    r#"UPDATE "news" SET "published_on_n" = "published_on", "published_as_n" = "published_as""#,
    r#"DROP INDEX "ix_news_published""#,
    r#"ALTER TABLE "news" DROP COLUMN "published_on""#,
    r#"ALTER TABLE "news" DROP COLUMN "published_as""#,
    r#"ALTER TABLE "news" RENAME COLUMN "published_on_n" TO "published_on""#,
    r#"ALTER TABLE "news" RENAME COLUMN "published_as_n" TO "published_as""#,
    r#"CREATE INDEX "ix_news_published" ON "news" ("published_on", "id")"#,
];

/// Runs the swap on one connection in one transaction: on SQLite the migrator hands out the
/// pool, whose other connections may still read the schema as it was before a step.
async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let tx = manager.get_connection().begin().await?;
    for sql in statements {
        tx.execute_unprepared(sql).await?;
    }
    tx.commit().await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SWAP_TO_NULLABLE).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let undated = manager
            .get_connection()
            .query_one(sea_orm_migration::sea_orm::Statement::from_string(
                manager.get_database_backend(),
                r#"SELECT COUNT(*) AS n FROM "news" WHERE "published_on" IS NULL"#,
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if undated > 0 {
            return Err(DbErr::Migration(format!(
                "{undated} news items have no publication date; the old schema cannot hold them"
            )));
        }
        run(manager, SWAP_TO_NOT_NULL).await
    }
}
