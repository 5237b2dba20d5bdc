//! `programme`: a funded support programme or project, shared by its participants.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "programme")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `crate::text::name_key` of the name: the natural key.
    #[sea_orm(unique)]
    pub key: String,
    pub name: String,
    pub title: Option<String>,
    pub framework: Option<String>,
    pub url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Programmes, optionally of some frameworks only, by name.
pub async fn list(db: &impl ConnectionTrait, frameworks: &[String]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    let mut q = Entity::find();
    if !frameworks.is_empty() {
        q = q.filter(Column::Framework.is_in(frameworks.iter().cloned()));
    }
    q.order_by_asc(Column::Key).all(db).await
}

/// What a profile row says of a programme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub name: String,
    pub title: Option<String>,
    pub framework: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
}

/// The programme's id, inserting it on first sight. Programmes are shared, so a later
/// profile only fills fields the first one left empty; it never overwrites.
pub async fn upsert(db: &impl ConnectionTrait, f: Fields) -> Result<i32, DbErr> {
    use sea_orm::ActiveValue::Set;
    let key = crate::text::name_key(&f.name);
    match Entity::find().filter(Column::Key.eq(&key)).one(db).await? {
        Some(existing) => {
            let fill = |old: &Option<String>, new: Option<String>| {
                if old.is_none() { new } else { old.clone() }
            };
            let title = fill(&existing.title, f.title);
            let framework = fill(&existing.framework, f.framework);
            let url = fill(&existing.url, f.url);
            let description = fill(&existing.description, f.description);
            let id = existing.id;
            if (&title, &framework, &url, &description)
                != (
                    &existing.title,
                    &existing.framework,
                    &existing.url,
                    &existing.description,
                )
            {
                let mut a: ActiveModel = existing.into();
                a.title = Set(title);
                a.framework = Set(framework);
                a.url = Set(url);
                a.description = Set(description);
                a.update(db).await?;
            }
            Ok(id)
        }
        None => Ok(ActiveModel {
            key: Set(key),
            name: Set(f.name),
            title: Set(f.title),
            framework: Set(f.framework),
            url: Set(f.url),
            description: Set(f.description),
            ..Default::default()
        }
        .insert(db)
        .await?
        .id),
    }
}
