//! `event_series`: a recurring event (`Clusters meet Regions`), one event per edition.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "event_series")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Slug.eq(slug)).one(db).await
}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// The series of this slug, created under `name` when there is none yet.
pub async fn get_or_create(
    db: &impl ConnectionTrait,
    slug: &str,
    name: &str,
) -> Result<Model, DbErr> {
    if let Some(series) = find_by_slug(db, slug).await? {
        return Ok(series);
    }
    use sea_orm::ActiveValue::Set;
    ActiveModel {
        slug: Set(slug.to_owned()),
        name: Set(name.to_owned()),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
}
