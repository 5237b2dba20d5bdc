//! `news_mention`: an organisation named in a news item, resolved to a cluster or network
//! where the name is known, kept as written either way.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "news_mention")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub news_id: i32,
    pub name: String,
    pub cluster_id: Option<i32>,
    pub network_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::news::Entity",
        from = "Column::NewsId",
        to = "super::news::Column::Id"
    )]
    News,
}

impl ActiveModelBehavior for ActiveModel {}

pub async fn for_news(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::NewsId.is_in(ids.iter().copied()))
        .order_by_asc(Column::NewsId)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// A mention as the importer states it: name as written, cluster, network.
pub type Row = (String, Option<i32>, Option<i32>);

/// Makes the item's mentions exactly `rows`.
pub async fn replace(
    db: &impl ConnectionTrait,
    news: super::Parent,
    rows: Vec<Row>,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    let news_id = news.id;
    let existing = news
        .existing(for_news(db, &[news_id]))
        .await?
        .into_iter()
        .map(|m| (m.name, m.cluster_id, m.network_id))
        .collect();
    let delete = Entity::delete_many().filter(Column::NewsId.eq(news_id));
    super::children::replace(
        db,
        existing,
        rows,
        delete,
        |_, (name, cluster_id, network_id)| ActiveModel {
            news_id: Set(news_id),
            name: Set(name),
            cluster_id: Set(cluster_id),
            network_id: Set(network_id),
            ..Default::default()
        },
    )
    .await
}

/// Mentions no cluster or network claims yet.
pub async fn unresolved(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::ClusterId.is_null())
        .filter(Column::NetworkId.is_null())
        .all(db)
        .await
}

/// Points a plain mention at the cluster or network it turned out to name.
pub async fn link(
    db: &impl ConnectionTrait,
    id: i32,
    cluster_id: Option<i32>,
    network_id: Option<i32>,
) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::{Set, Unchanged};
    ActiveModel {
        id: Unchanged(id),
        cluster_id: Set(cluster_id),
        network_id: Set(network_id),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// The news items that name the cluster.
pub async fn news_naming_cluster(
    db: &impl ConnectionTrait,
    cluster_id: i32,
) -> Result<Vec<i32>, DbErr> {
    use sea_orm::QuerySelect;
    Entity::find()
        .select_only()
        .column(Column::NewsId)
        .distinct()
        .filter(Column::ClusterId.eq(cluster_id))
        .into_tuple()
        .all(db)
        .await
}

/// The news items that name the network.
pub async fn news_naming_network(
    db: &impl ConnectionTrait,
    network_id: i32,
) -> Result<Vec<i32>, DbErr> {
    use sea_orm::QuerySelect;
    Entity::find()
        .select_only()
        .column(Column::NewsId)
        .distinct()
        .filter(Column::NetworkId.eq(network_id))
        .into_tuple()
        .all(db)
        .await
}

/// Plain mentions written exactly as one of `names`.
pub async fn unresolved_named(
    db: &impl ConnectionTrait,
    names: &[String],
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::ClusterId.is_null())
        .filter(Column::NetworkId.is_null())
        .filter(Column::Name.is_in(names.iter().cloned()))
        .all(db)
        .await
}
