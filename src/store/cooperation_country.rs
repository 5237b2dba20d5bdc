//! `cooperation_country`: the countries a cluster addresses, outside Europe or within it.

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "cooperation_country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: i32,
    /// A `crate::store::Scope` name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub country_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn for_clusters(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::Scope)
        .order_by_asc(Column::CountryCode)
        .all(db)
        .await
}

/// Makes the cluster's target countries exactly `rows` of (scope, country code).
pub async fn set(
    db: &impl ConnectionTrait,
    cluster: Parent,
    rows: &std::collections::BTreeSet<(String, String)>,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    let cluster_id = cluster.id;
    let existing: std::collections::BTreeSet<(String, String)> = cluster
        .existing(for_clusters(db, &[cluster_id]))
        .await?
        .into_iter()
        .map(|m| (m.scope, m.country_code))
        .collect();
    let delete = Entity::delete_many().filter(Column::ClusterId.eq(cluster_id));
    let (existing, wanted) = (
        existing.into_iter().collect(),
        rows.iter().cloned().collect(),
    );
    super::children::replace(db, existing, wanted, delete, |_, (scope, code)| {
        ActiveModel {
            cluster_id: Set(cluster_id),
            scope: Set(scope),
            country_code: Set(code),
        }
    })
    .await
}
