//! The directory: clusters and what their profiles say, shared taxonomy terms, programmes,
//! networks, and the news that mentions them.
//!
//! Every foreign key is declared inside `CREATE TABLE` (SQLite cannot add one later) and every
//! join or filter column has an index.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables().iter().rev() {
            let name = table
                .get_table_name()
                .cloned()
                .ok_or_else(|| DbErr::Migration("table without a name".into()))?;
            manager
                .drop_table(Table::drop().table(name).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Cluster {
    Table,
    Id,
    Slug,
    Name,
    NameKey,
    CountryCode,
    Region,
    Established,
    StaffCount,
    ExcellenceLabel,
    EscpMembership,
    MembersTotal,
    MembersSme,
    MembersLarge,
    MembersResearch,
    MembersOther,
    ScaleUpFacilities,
    MajorPlayers,
    Strategy,
    Objectives,
    FormalisedStrategy,
    InternationalisationStrategy,
    CollaboratesWith,
    SourceUrl,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ClusterAlias {
    Table,
    Id,
    ClusterId,
    Alias,
    AliasKey,
}

#[derive(DeriveIden)]
enum Contact {
    Table,
    Id,
    ClusterId,
    Position,
    Role,
    Name,
    Phone,
    Email,
}

#[derive(DeriveIden)]
enum Term {
    Table,
    Id,
    Kind,
    Name,
}

#[derive(DeriveIden)]
enum ClusterTerm {
    Table,
    ClusterId,
    TermId,
}

#[derive(DeriveIden)]
enum CooperationCountry {
    Table,
    ClusterId,
    Scope,
    CountryCode,
}

#[derive(DeriveIden)]
enum CooperationActivity {
    Table,
    ClusterId,
    Scope,
    TermId,
}

#[derive(DeriveIden)]
enum ServiceGroup {
    Table,
    Id,
    ClusterId,
    Position,
    Heading,
}

#[derive(DeriveIden)]
enum ServiceItem {
    Table,
    Id,
    GroupId,
    Position,
    Text,
}

#[derive(DeriveIden)]
enum Programme {
    Table,
    Id,
    Key,
    Name,
    Title,
    Framework,
    Url,
    Description,
}

#[derive(DeriveIden)]
enum Participation {
    Table,
    Id,
    ClusterId,
    ProgrammeId,
    Position,
    Scope,
    AsWritten,
}

#[derive(DeriveIden)]
enum Network {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    Label,
    Website,
    Version,
}

#[derive(DeriveIden)]
enum NetworkAlias {
    Table,
    Id,
    NetworkId,
    Alias,
    AliasKey,
}

#[derive(DeriveIden)]
enum Membership {
    Table,
    ClusterId,
    NetworkId,
    Basis,
    AsWritten,
}

#[derive(DeriveIden)]
enum News {
    Table,
    Id,
    Key,
    SourceUrl,
    PublisherId,
    Position,
    Title,
    PublishedOn,
    PublishedAs,
    DateSuspect,
    Body,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NewsMention {
    Table,
    Id,
    NewsId,
    Name,
    ClusterId,
    NetworkId,
}

/// A foreign key to `to.id`, removed with its parent.
fn cascade(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(from.0)
        .from_col(from.1)
        .to_tbl(to)
        .to_col(Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A foreign key to `to.id` that is cleared when the parent goes.
fn nullify(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(from.0)
        .from_col(from.1)
        .to_tbl(to)
        .to_col(Alias::new("id"))
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table(Cluster::Table)
            .col(pk_auto(Cluster::Id))
            .col(string_uniq(Cluster::Slug))
            .col(string(Cluster::Name))
            .col(string(Cluster::NameKey))
            .col(string_len_null(Cluster::CountryCode, 2))
            .col(string_null(Cluster::Region))
            .col(date_null(Cluster::Established))
            .col(integer_null(Cluster::StaffCount))
            .col(string_null(Cluster::ExcellenceLabel))
            .col(string_null(Cluster::EscpMembership))
            .col(integer_null(Cluster::MembersTotal))
            .col(integer_null(Cluster::MembersSme))
            .col(integer_null(Cluster::MembersLarge))
            .col(integer_null(Cluster::MembersResearch))
            .col(integer_null(Cluster::MembersOther))
            .col(text_null(Cluster::ScaleUpFacilities))
            .col(text_null(Cluster::MajorPlayers))
            .col(text_null(Cluster::Strategy))
            .col(text_null(Cluster::Objectives))
            .col(boolean_null(Cluster::FormalisedStrategy))
            .col(boolean_null(Cluster::InternationalisationStrategy))
            .col(text_null(Cluster::CollaboratesWith))
            .col(string_null(Cluster::SourceUrl))
            .col(integer(Cluster::Version).default(1))
            .col(timestamp_with_time_zone(Cluster::CreatedAt))
            .col(timestamp_with_time_zone(Cluster::UpdatedAt))
            .to_owned(),
        Table::create()
            .table(ClusterAlias::Table)
            .col(pk_auto(ClusterAlias::Id))
            .col(integer(ClusterAlias::ClusterId))
            .col(string(ClusterAlias::Alias))
            .col(string_uniq(ClusterAlias::AliasKey))
            .foreign_key(&mut cascade(
                (ClusterAlias::Table, ClusterAlias::ClusterId),
                Cluster::Table,
            ))
            .to_owned(),
        Table::create()
            .table(Contact::Table)
            .col(pk_auto(Contact::Id))
            .col(integer(Contact::ClusterId))
            .col(integer(Contact::Position))
            .col(string(Contact::Role))
            .col(string_null(Contact::Name))
            .col(string_null(Contact::Phone))
            .col(string_null(Contact::Email))
            .foreign_key(&mut cascade(
                (Contact::Table, Contact::ClusterId),
                Cluster::Table,
            ))
            .to_owned(),
        Table::create()
            .table(Term::Table)
            .col(pk_auto(Term::Id))
            .col(string(Term::Kind))
            .col(string(Term::Name))
            .to_owned(),
        Table::create()
            .table(ClusterTerm::Table)
            .col(integer(ClusterTerm::ClusterId))
            .col(integer(ClusterTerm::TermId))
            .primary_key(
                Index::create()
                    .col(ClusterTerm::ClusterId)
                    .col(ClusterTerm::TermId),
            )
            .foreign_key(&mut cascade(
                (ClusterTerm::Table, ClusterTerm::ClusterId),
                Cluster::Table,
            ))
            .foreign_key(&mut cascade(
                (ClusterTerm::Table, ClusterTerm::TermId),
                Term::Table,
            ))
            .to_owned(),
        Table::create()
            .table(CooperationCountry::Table)
            .col(integer(CooperationCountry::ClusterId))
            .col(string(CooperationCountry::Scope))
            .col(string_len(CooperationCountry::CountryCode, 2))
            .primary_key(
                Index::create()
                    .col(CooperationCountry::ClusterId)
                    .col(CooperationCountry::Scope)
                    .col(CooperationCountry::CountryCode),
            )
            .foreign_key(&mut cascade(
                (CooperationCountry::Table, CooperationCountry::ClusterId),
                Cluster::Table,
            ))
            .to_owned(),
        Table::create()
            .table(CooperationActivity::Table)
            .col(integer(CooperationActivity::ClusterId))
            .col(string(CooperationActivity::Scope))
            .col(integer(CooperationActivity::TermId))
            .primary_key(
                Index::create()
                    .col(CooperationActivity::ClusterId)
                    .col(CooperationActivity::Scope)
                    .col(CooperationActivity::TermId),
            )
            .foreign_key(&mut cascade(
                (CooperationActivity::Table, CooperationActivity::ClusterId),
                Cluster::Table,
            ))
            .foreign_key(&mut cascade(
                (CooperationActivity::Table, CooperationActivity::TermId),
                Term::Table,
            ))
            .to_owned(),
        Table::create()
            .table(ServiceGroup::Table)
            .col(pk_auto(ServiceGroup::Id))
            .col(integer(ServiceGroup::ClusterId))
            .col(integer(ServiceGroup::Position))
            .col(string_null(ServiceGroup::Heading))
            .foreign_key(&mut cascade(
                (ServiceGroup::Table, ServiceGroup::ClusterId),
                Cluster::Table,
            ))
            .to_owned(),
        Table::create()
            .table(ServiceItem::Table)
            .col(pk_auto(ServiceItem::Id))
            .col(integer(ServiceItem::GroupId))
            .col(integer(ServiceItem::Position))
            .col(text(ServiceItem::Text))
            .foreign_key(&mut cascade(
                (ServiceItem::Table, ServiceItem::GroupId),
                ServiceGroup::Table,
            ))
            .to_owned(),
        Table::create()
            .table(Programme::Table)
            .col(pk_auto(Programme::Id))
            .col(string_uniq(Programme::Key))
            .col(string(Programme::Name))
            .col(string_null(Programme::Title))
            .col(string_null(Programme::Framework))
            .col(string_null(Programme::Url))
            .col(text_null(Programme::Description))
            .to_owned(),
        Table::create()
            .table(Participation::Table)
            .col(pk_auto(Participation::Id))
            .col(integer(Participation::ClusterId))
            .col(integer(Participation::ProgrammeId))
            .col(integer(Participation::Position))
            .col(string(Participation::Scope))
            .col(text(Participation::AsWritten))
            .foreign_key(&mut cascade(
                (Participation::Table, Participation::ClusterId),
                Cluster::Table,
            ))
            .foreign_key(&mut cascade(
                (Participation::Table, Participation::ProgrammeId),
                Programme::Table,
            ))
            .to_owned(),
        Table::create()
            .table(Network::Table)
            .col(pk_auto(Network::Id))
            .col(string_uniq(Network::Slug))
            .col(string(Network::Name))
            .col(string(Network::Kind))
            .col(string_null(Network::Label))
            .col(string_null(Network::Website))
            .col(integer(Network::Version).default(1))
            .to_owned(),
        Table::create()
            .table(NetworkAlias::Table)
            .col(pk_auto(NetworkAlias::Id))
            .col(integer(NetworkAlias::NetworkId))
            .col(string(NetworkAlias::Alias))
            .col(string_uniq(NetworkAlias::AliasKey))
            .foreign_key(&mut cascade(
                (NetworkAlias::Table, NetworkAlias::NetworkId),
                Network::Table,
            ))
            .to_owned(),
        Table::create()
            .table(Membership::Table)
            .col(integer(Membership::ClusterId))
            .col(integer(Membership::NetworkId))
            .col(string(Membership::Basis))
            .col(string(Membership::AsWritten))
            .primary_key(
                Index::create()
                    .col(Membership::ClusterId)
                    .col(Membership::NetworkId),
            )
            .foreign_key(&mut cascade(
                (Membership::Table, Membership::ClusterId),
                Cluster::Table,
            ))
            .foreign_key(&mut cascade(
                (Membership::Table, Membership::NetworkId),
                Network::Table,
            ))
            .to_owned(),
        Table::create()
            .table(News::Table)
            .col(pk_auto(News::Id))
            .col(string_uniq(News::Key))
            .col(string(News::SourceUrl))
            .col(integer_null(News::PublisherId))
            .col(integer(News::Position))
            .col(string_null(News::Title))
            .col(date(News::PublishedOn))
            .col(string(News::PublishedAs))
            .col(boolean(News::DateSuspect).default(false))
            .col(text(News::Body))
            .col(integer(News::Version).default(1))
            .col(timestamp_with_time_zone(News::CreatedAt))
            .col(timestamp_with_time_zone(News::UpdatedAt))
            .foreign_key(&mut nullify(
                (News::Table, News::PublisherId),
                Network::Table,
            ))
            .to_owned(),
        Table::create()
            .table(NewsMention::Table)
            .col(pk_auto(NewsMention::Id))
            .col(integer(NewsMention::NewsId))
            .col(string(NewsMention::Name))
            .col(integer_null(NewsMention::ClusterId))
            .col(integer_null(NewsMention::NetworkId))
            .foreign_key(&mut cascade(
                (NewsMention::Table, NewsMention::NewsId),
                News::Table,
            ))
            .foreign_key(&mut nullify(
                (NewsMention::Table, NewsMention::ClusterId),
                Cluster::Table,
            ))
            .foreign_key(&mut nullify(
                (NewsMention::Table, NewsMention::NetworkId),
                Network::Table,
            ))
            .to_owned(),
    ]
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(Alias::new(*col));
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index(
            "ix_cluster_name_key",
            Cluster::Table,
            &["name_key", "id"],
            false,
        ),
        index(
            "ix_cluster_country",
            Cluster::Table,
            &["country_code"],
            false,
        ),
        index("ix_cluster_region", Cluster::Table, &["region"], false),
        index(
            "ix_cluster_established",
            Cluster::Table,
            &["established", "id"],
            false,
        ),
        index(
            "ix_cluster_label",
            Cluster::Table,
            &["excellence_label"],
            false,
        ),
        index(
            "ix_cluster_members",
            Cluster::Table,
            &["members_total", "id"],
            false,
        ),
        index(
            "ix_cluster_alias_cluster",
            ClusterAlias::Table,
            &["cluster_id"],
            false,
        ),
        index(
            "ix_contact_cluster",
            Contact::Table,
            &["cluster_id", "position"],
            false,
        ),
        index("ux_term_kind_name", Term::Table, &["kind", "name"], true),
        index(
            "ix_cluster_term_term",
            ClusterTerm::Table,
            &["term_id", "cluster_id"],
            false,
        ),
        index(
            "ix_coop_country_code",
            CooperationCountry::Table,
            &["country_code"],
            false,
        ),
        index(
            "ix_coop_activity_term",
            CooperationActivity::Table,
            &["term_id"],
            false,
        ),
        index(
            "ix_service_group_cluster",
            ServiceGroup::Table,
            &["cluster_id", "position"],
            false,
        ),
        index(
            "ix_service_item_group",
            ServiceItem::Table,
            &["group_id", "position"],
            false,
        ),
        index(
            "ix_programme_framework",
            Programme::Table,
            &["framework"],
            false,
        ),
        index(
            "ux_participation",
            Participation::Table,
            &["cluster_id", "programme_id"],
            true,
        ),
        index(
            "ix_participation_programme",
            Participation::Table,
            &["programme_id"],
            false,
        ),
        index(
            "ix_network_alias_network",
            NetworkAlias::Table,
            &["network_id"],
            false,
        ),
        index(
            "ix_membership_network",
            Membership::Table,
            &["network_id", "cluster_id"],
            false,
        ),
        index(
            "ix_news_published",
            News::Table,
            &["published_on", "id"],
            false,
        ),
        index(
            "ix_news_source",
            News::Table,
            &["source_url", "position"],
            false,
        ),
        index("ix_news_publisher", News::Table, &["publisher_id"], false),
        index(
            "ux_news_mention",
            NewsMention::Table,
            &["news_id", "name"],
            true,
        ),
        index(
            "ix_news_mention_cluster",
            NewsMention::Table,
            &["cluster_id", "news_id"],
            false,
        ),
        index(
            "ix_news_mention_network",
            NewsMention::Table,
            &["network_id", "news_id"],
            false,
        ),
    ]
}
