//! `cluster_alias`: other names a cluster goes by, for resolving mentions in news.

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "cluster_alias")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cluster_id: i32,
    pub alias: String,
    /// `crate::text::name_key` of the alias; unique across clusters.
    #[sea_orm(unique)]
    pub alias_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn for_clusters(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().all(db).await
}

/// Makes the cluster's aliases `aliases`, skipping (and returning) those another cluster owns.
pub async fn replace(
    db: &impl ConnectionTrait,
    cluster: Parent,
    aliases: &[String],
) -> Result<Vec<String>, DbErr> {
    use sea_orm::ActiveValue::Set;
    let cluster_id = cluster.id;
    let mut taken = Vec::new();
    let wanted: std::collections::BTreeMap<String, &String> = aliases
        .iter()
        .map(|a| (crate::text::name_key(a), a))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let existing = cluster
        .existing(
            Entity::find()
                .filter(Column::ClusterId.eq(cluster_id))
                .all(db),
        )
        .await?;
    let mut renamed = false;
    for old in &existing {
        if !wanted.contains_key(&old.alias_key) {
            Entity::delete_by_id(old.id).exec(db).await?;
            renamed = true;
        }
    }
    for (key, alias) in wanted {
        match Entity::find()
            .filter(Column::AliasKey.eq(&key))
            .one(db)
            .await?
        {
            Some(row) if row.cluster_id == cluster_id => {}
            Some(_) => taken.push(alias.clone()),
            None => {
                ActiveModel {
                    cluster_id: Set(cluster_id),
                    alias: Set(alias.clone()),
                    alias_key: Set(key),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                renamed = true;
            }
        }
    }
    if renamed {
        super::name_stamp::touch(db).await?;
    }
    Ok(taken)
}
