//! What the platform's current profile layout (2021 on) states beyond the old one: the name
//! in the cluster's own language, the contact person, the management team's staff as a
//! range (`1-5`), the profile's completeness, its services for upskilling the members'
//! workforce (one a line), and two more composition counts; and what later versions of the
//! old layout added: other labels (one a line), areas of specialisation (one a line) and the
//! start-ups among the SME members.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cluster {
    Table,
    NativeName,
    ContactPerson,
    StaffMin,
    StaffMax,
    Completeness,
    MembersStartups,
    MembersCivilSociety,
    Upskilling,
    OtherLabels,
    Specialisation,
}

/// The new columns, each nullable: unknown until a page states it.
fn columns() -> Vec<ColumnDef> {
    vec![
        string_null(Cluster::NativeName),
        string_null(Cluster::ContactPerson),
        integer_null(Cluster::StaffMin),
        integer_null(Cluster::StaffMax),
        integer_null(Cluster::Completeness),
        integer_null(Cluster::MembersStartups),
        integer_null(Cluster::MembersCivilSociety),
        text_null(Cluster::Upskilling),
        text_null(Cluster::OtherLabels),
        text_null(Cluster::Specialisation),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for mut column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cluster::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            Cluster::NativeName,
            Cluster::ContactPerson,
            Cluster::StaffMin,
            Cluster::StaffMax,
            Cluster::Completeness,
            Cluster::MembersStartups,
            Cluster::MembersCivilSociety,
            Cluster::Upskilling,
            Cluster::OtherLabels,
            Cluster::Specialisation,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cluster::Table)
                        .drop_column(name)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
