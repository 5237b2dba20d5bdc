//! `cluster_term`: which terms a cluster picked.

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "cluster_term")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: i32,
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

/// Makes the cluster's picks exactly `term_ids`.
pub async fn set(
    db: &impl ConnectionTrait,
    cluster: Parent,
    term_ids: &std::collections::BTreeSet<i32>,
) -> Result<bool, DbErr> {
    use sea_orm::{ActiveValue::Set, QuerySelect};
    let cluster_id = cluster.id;
    let read = Entity::find()
        .select_only()
        .column(Column::TermId)
        .filter(Column::ClusterId.eq(cluster_id))
        .into_tuple::<i32>()
        .all(db);
    let existing: std::collections::BTreeSet<i32> =
        cluster.existing(read).await?.into_iter().collect();
    if &existing == term_ids {
        return Ok(false);
    }
    let gone: Vec<i32> = existing.difference(term_ids).copied().collect();
    if !gone.is_empty() {
        Entity::delete_many()
            .filter(Column::ClusterId.eq(cluster_id))
            .filter(Column::TermId.is_in(gone))
            .exec(db)
            .await?;
    }
    let new: Vec<ActiveModel> = term_ids
        .difference(&existing)
        .map(|&t| ActiveModel {
            cluster_id: Set(cluster_id),
            term_id: Set(t),
        })
        .collect();
    if !new.is_empty() {
        Entity::insert_many(new).exec(db).await?;
    }
    Ok(true)
}

/// How many clusters picked each of `term_ids`.
pub async fn counts(
    db: &impl ConnectionTrait,
    term_ids: Option<&[i32]>,
) -> Result<std::collections::HashMap<i32, i64>, DbErr> {
    use sea_orm::QuerySelect;
    let mut query = Entity::find()
        .select_only()
        .column(Column::TermId)
        .column_as(Column::ClusterId.count(), "clusters");
    if let Some(ids) = term_ids {
        query = query.filter(Column::TermId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i32, i64)> = query.group_by(Column::TermId).into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}
