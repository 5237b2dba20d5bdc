//! `membership`: a cluster belongs to a network, and which profile field (or the network's
//! own page) says so.

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "membership")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub network_id: i32,
    pub basis: String,
    pub as_written: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::network::Entity",
        from = "Column::NetworkId",
        to = "super::network::Column::Id"
    )]
    Network,
}

impl Related<super::network::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Network.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// The clusters' memberships, each with its network, in one statement (a profile shows
/// them together).
pub async fn with_networks_for_clusters(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(Model, Option<super::network::Model>)>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .find_also_related(super::network::Entity)
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::NetworkId)
        .all(db)
        .await
}

/// The rows alone, for replacing them; readers take them with their other side joined.
async fn for_clusters(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::NetworkId)
        .all(db)
        .await
}

pub async fn for_networks(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::NetworkId.is_in(ids.iter().copied()))
        .order_by_asc(Column::NetworkId)
        .order_by_asc(Column::ClusterId)
        .all(db)
        .await
}

/// A membership as the importer states it: network id, basis, the text as written.
pub type Row = (i32, String, String);

/// Makes the cluster's memberships exactly `rows` (one per network, first kept).
pub async fn replace(
    db: &impl ConnectionTrait,
    cluster: Parent,
    rows: Vec<Row>,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    let cluster_id = cluster.id;
    let mut seen = std::collections::HashSet::new();
    let existing: Vec<Row> = cluster
        .existing(for_clusters(db, &[cluster_id]))
        .await?
        .into_iter()
        .map(|m| (m.network_id, m.basis, m.as_written))
        .collect();
    // What a network's page states is the page's, not the profile's to take back.
    let listed = existing.iter().filter(|r| r.1 == BY_NETWORK_PAGE).cloned();
    let mut rows: Vec<Row> = rows
        .into_iter()
        .chain(listed)
        .filter(|r| seen.insert(r.0))
        .collect();
    rows.sort();
    let delete = Entity::delete_many().filter(Column::ClusterId.eq(cluster_id));
    super::children::replace(
        db,
        existing,
        rows,
        delete,
        |_, (network_id, basis, as_written)| ActiveModel {
            cluster_id: Set(cluster_id),
            network_id: Set(network_id),
            basis: Set(basis),
            as_written: Set(as_written),
        },
    )
    .await
}

/// The basis of a membership the network's own page lists.
pub const BY_NETWORK_PAGE: &str = "NETWORK_PAGE";

/// Records that the cluster states it belongs to the network (kept if it already does).
pub async fn put(
    db: &impl ConnectionTrait,
    cluster_id: i32,
    network_id: i32,
    as_written: &str,
) -> Result<(), DbErr> {
    put_as(db, cluster_id, network_id, "MEMBERSHIP_FIELD", as_written)
        .await
        .map(|_| ())
}

/// Records a membership on `basis`; a membership already stated stays as it is. True when
/// it was new.
pub async fn put_as(
    db: &impl ConnectionTrait,
    cluster_id: i32,
    network_id: i32,
    basis: &str,
    as_written: &str,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    if Entity::find_by_id((cluster_id, network_id))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    ActiveModel {
        cluster_id: Set(cluster_id),
        network_id: Set(network_id),
        basis: Set(basis.to_owned()),
        as_written: Set(as_written.to_owned()),
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// Ends a membership; false when there was none.
pub async fn remove(
    db: &impl ConnectionTrait,
    cluster_id: i32,
    network_id: i32,
) -> Result<bool, DbErr> {
    let done = Entity::delete_by_id((cluster_id, network_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The clusters that belong to the network.
pub async fn clusters_of(db: &impl ConnectionTrait, network_id: i32) -> Result<Vec<i32>, DbErr> {
    use sea_orm::QuerySelect;
    Entity::find()
        .select_only()
        .column(Column::ClusterId)
        .filter(Column::NetworkId.eq(network_id))
        .into_tuple()
        .all(db)
        .await
}
