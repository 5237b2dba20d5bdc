//! `network_alias`: the many spellings of a network's name.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "network_alias")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub network_id: i32,
    pub alias: String,
    #[sea_orm(unique)]
    pub alias_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().all(db).await
}

/// Records `alias` for the network unless that spelling is known already; returns the
/// network that owns the spelling.
pub async fn add(db: &impl ConnectionTrait, network_id: i32, alias: &str) -> Result<i32, DbErr> {
    use sea_orm::ActiveValue::Set;
    let key = crate::text::name_key(alias);
    if let Some(existing) = Entity::find()
        .filter(Column::AliasKey.eq(&key))
        .one(db)
        .await?
    {
        return Ok(existing.network_id);
    }
    ActiveModel {
        network_id: Set(network_id),
        alias: Set(alias.to_owned()),
        alias_key: Set(key),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::name_stamp::touch(db).await?;
    Ok(network_id)
}
