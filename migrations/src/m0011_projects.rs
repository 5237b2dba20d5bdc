//! EU projects: the platform's project profiles (a programme line, a duration, budgets, the
//! partnership), each with its partners in page order, resolved to clusters where known.
//! A project is an entity of its own, not a cluster's programme participation: its page
//! states one project with many partners, dates and money that belong to none of them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Project {
    Table,
    Id,
    Slug,
    Name,
    Programme,
    StartsOn,
    EndsOn,
    TotalBudgetEur,
    EuContributionEur,
    PartnershipType,
    CountryCode,
    Region,
    ContactPerson,
    Completeness,
    Summary,
    SourceUrl,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProjectPartner {
    Table,
    Id,
    ProjectId,
    Position,
    Name,
    Function,
    CountryCode,
    ClusterId,
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Project::Table)
                    .col(pk_auto(Project::Id))
                    .col(string_uniq(Project::Slug))
                    .col(string(Project::Name))
                    .col(string_null(Project::Programme))
                    .col(date_null(Project::StartsOn))
                    .col(date_null(Project::EndsOn))
                    .col(big_integer_null(Project::TotalBudgetEur))
                    .col(big_integer_null(Project::EuContributionEur))
                    .col(string_null(Project::PartnershipType))
                    .col(string_null(Project::CountryCode))
                    .col(string_null(Project::Region))
                    .col(string_null(Project::ContactPerson))
                    .col(integer_null(Project::Completeness))
                    .col(text_null(Project::Summary))
                    .col(string_null(Project::SourceUrl))
                    .col(integer(Project::Version).default(1))
                    .col(timestamp_with_time_zone(Project::CreatedAt))
                    .col(timestamp_with_time_zone(Project::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectPartner::Table)
                    .col(pk_auto(ProjectPartner::Id))
                    .col(integer(ProjectPartner::ProjectId))
                    .col(integer(ProjectPartner::Position))
                    .col(string(ProjectPartner::Name))
                    .col(string_null(ProjectPartner::Function))
                    .col(string_null(ProjectPartner::CountryCode))
                    .col(integer_null(ProjectPartner::ClusterId))
                    .foreign_key(
                        ForeignKey::create()
                            .from_tbl(ProjectPartner::Table)
                            .from_col(ProjectPartner::ProjectId)
                            .to_tbl(Project::Table)
                            .to_col(Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from_tbl(ProjectPartner::Table)
                            .from_col(ProjectPartner::ClusterId)
                            .to_tbl(Cluster::Table)
                            .to_col(Cluster::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_project_partner_project",
                [ProjectPartner::ProjectId, ProjectPartner::Position],
            ),
            (
                "ix_project_partner_cluster",
                [ProjectPartner::ClusterId, ProjectPartner::ProjectId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(ProjectPartner::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProjectPartner::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Project::Table).to_owned())
            .await
    }
}
