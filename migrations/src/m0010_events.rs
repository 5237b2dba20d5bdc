//! Events: the platform's event pages and the editions its series pages list. A series
//! (`Clusters meet Regions`) has one event per edition; an event's dates carry their
//! precision (a page may give only a month or a year), its times their zone as written.
//! News text will name events too (a later source): nothing here assumes a page.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EventSeries {
    Table,
    Id,
    Slug,
    Name,
    Version,
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    Key,
    SeriesId,
    Name,
    StartsOn,
    EndsOn,
    DatePrecision,
    StartTime,
    EndTime,
    TimeZone,
    Venue,
    City,
    CountryCode,
    Organiser,
    HasSummary,
    Description,
    SourceUrl,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventSeries::Table)
                    .col(pk_auto(EventSeries::Id))
                    .col(string_uniq(EventSeries::Slug))
                    .col(string(EventSeries::Name))
                    .col(integer(EventSeries::Version).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Event::Table)
                    .col(pk_auto(Event::Id))
                    .col(string_uniq(Event::Key))
                    .col(integer_null(Event::SeriesId))
                    .col(string(Event::Name))
                    .col(date(Event::StartsOn))
                    .col(date(Event::EndsOn))
                    // DAY, MONTH or YEAR.
                    .col(string(Event::DatePrecision))
                    // "09:00", local to the zone as written.
                    .col(string_null(Event::StartTime))
                    .col(string_null(Event::EndTime))
                    .col(string_null(Event::TimeZone))
                    .col(string_null(Event::Venue))
                    .col(string_null(Event::City))
                    .col(string_null(Event::CountryCode))
                    .col(string_null(Event::Organiser))
                    .col(boolean(Event::HasSummary).default(false))
                    .col(text_null(Event::Description))
                    .col(string_null(Event::SourceUrl))
                    .col(integer(Event::Version).default(1))
                    .col(timestamp_with_time_zone(Event::CreatedAt))
                    .col(timestamp_with_time_zone(Event::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from_tbl(Event::Table)
                            .from_col(Event::SeriesId)
                            .to_tbl(EventSeries::Table)
                            .to_col(EventSeries::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_event_starts", vec![Event::StartsOn, Event::Id]),
            ("ix_event_series", vec![Event::SeriesId, Event::StartsOn]),
            ("ix_event_country", vec![Event::CountryCode]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Event::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Event::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(EventSeries::Table).to_owned())
            .await
    }
}
