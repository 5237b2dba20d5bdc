//! `store_identity`: the token naming this store, made by its first migration. The search
//! index records it, so an index is only ever trusted by the store it was built from.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "store_identity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub token: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// This store's token.
pub async fn token(db: &impl ConnectionTrait) -> Result<String, DbErr> {
    Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|row| row.token)
        .ok_or_else(|| DbErr::RecordNotFound("the store's identity (is it migrated?)".into()))
}
