//! `network`: a network of clusters or a strategic partnership.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "network")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub label: Option<String>,
    pub website: Option<String>,
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

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find().order_by_asc(Column::Name).all(db).await
}

/// What the manifest (or a profile naming an unknown network) says of a network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub label: Option<String>,
    pub website: Option<String>,
}

/// Inserts or updates the network by slug; returns its id.
pub async fn upsert(db: &impl ConnectionTrait, f: Fields) -> Result<i32, DbErr> {
    use sea_orm::ActiveValue::Set;
    match find_by_slug(db, &f.slug).await? {
        Some(existing)
            if (
                &existing.name,
                &existing.kind,
                &existing.label,
                &existing.website,
            ) == (&f.name, &f.kind, &f.label, &f.website) =>
        {
            Ok(existing.id)
        }
        Some(existing) => {
            let id = existing.id;
            let version = existing.version;
            let mut a: ActiveModel = existing.into();
            a.name = Set(f.name);
            a.kind = Set(f.kind);
            a.label = Set(f.label);
            a.website = Set(f.website);
            a.version = Set(version + 1);
            a.update(db).await?;
            Ok(id)
        }
        None => Ok(ActiveModel {
            slug: Set(f.slug),
            name: Set(f.name),
            kind: Set(f.kind),
            label: Set(f.label),
            website: Set(f.website),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?
        .id),
    }
}
