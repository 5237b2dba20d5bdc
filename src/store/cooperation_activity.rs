//! `cooperation_activity`: the activity types a cluster undertook, per scope.

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "cooperation_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub term_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::term::Entity",
        from = "Column::TermId",
        to = "super::term::Column::Id"
    )]
    Term,
}

impl ActiveModelBehavior for ActiveModel {}

/// (cluster id, scope, term) for the clusters' cooperation activities.
pub async fn for_clusters(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(i32, String, super::term::Model)>, DbErr> {
    use super::term;
    use sea_orm::{JoinType, QueryOrder, QuerySelect, RelationTrait};
    let rows: Vec<(i32, String, i32, String, String)> = Entity::find()
        .select_only()
        .column(Column::ClusterId)
        .column(Column::Scope)
        .column_as(term::Column::Id, "id")
        .column_as(term::Column::Kind, "kind")
        .column_as(term::Column::Name, "name")
        .join(JoinType::InnerJoin, Relation::Term.def())
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::Scope)
        .order_by_asc(term::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, s, id, kind, name)| (c, s, term::Model { id, kind, name }))
        .collect())
}

/// Makes the cluster's activities exactly `rows` of (scope, term id).
pub async fn set(
    db: &impl ConnectionTrait,
    cluster: Parent,
    rows: &std::collections::BTreeSet<(String, i32)>,
) -> Result<bool, DbErr> {
    use sea_orm::{ActiveValue::Set, QuerySelect};
    let cluster_id = cluster.id;
    let read = Entity::find()
        .select_only()
        .column(Column::Scope)
        .column(Column::TermId)
        .filter(Column::ClusterId.eq(cluster_id))
        .into_tuple::<(String, i32)>()
        .all(db);
    let existing: std::collections::BTreeSet<(String, i32)> =
        cluster.existing(read).await?.into_iter().collect();
    let delete = Entity::delete_many().filter(Column::ClusterId.eq(cluster_id));
    let (existing, wanted) = (
        existing.into_iter().collect(),
        rows.iter().cloned().collect(),
    );
    super::children::replace(db, existing, wanted, delete, |_, (scope, term_id)| {
        ActiveModel {
            cluster_id: Set(cluster_id),
            scope: Set(scope),
            term_id: Set(term_id),
        }
    })
    .await
}
