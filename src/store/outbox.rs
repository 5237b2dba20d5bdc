//! `outbox`: the entities each committed write changed, for the search indexer to replay.

use sea_orm::entity::prelude::*;
use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub entity: String,
    pub entity_id: i32,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The kinds of entity a write changes: those the index follows, and projects, which it
/// does not search but whose changes still move the store's write position (HTTP caching).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Changed {
    Cluster,
    Network,
    News,
    Event,
    Project,
}

impl Changed {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cluster => "cluster",
            Self::Network => "network",
            Self::News => "news",
            Self::Event => "event",
            Self::Project => "project",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Cluster,
            Self::Network,
            Self::News,
            Self::Event,
            Self::Project,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Records that `ids` of `entity` changed, inside the caller's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    entity: Changed,
    ids: impl IntoIterator<Item = i32>,
) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now().fixed_offset();
    let rows: Vec<ActiveModel> = ids
        .into_iter()
        .map(|id| ActiveModel {
            entity: Set(entity.as_str().to_owned()),
            entity_id: Set(id),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok(())
}

/// Up to `limit` entries after `after`, oldest first.
pub async fn after(db: &impl ConnectionTrait, after: i32, limit: u64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.gt(after))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The entries among `ids`: gaps the indexer is still waiting for.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The newest entry with an id in `(above, through]`.
pub async fn newest_in(
    db: &impl ConnectionTrait,
    above: i32,
    through: i32,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.gt(above))
        .filter(Column::Id.lte(through))
        .order_by_desc(Column::Id)
        .one(db)
        .await
}

/// The newest entry's id, 0 when there is none.
pub async fn last_id(db: &impl ConnectionTrait) -> Result<i32, DbErr> {
    super::last_id(db, Column::Id, sea_orm::Condition::all()).await
}

/// The newest entry older than `patience`: every transaction that took an id up to it has
/// finished, so nothing at or below it can still appear.
pub async fn settled(
    db: &impl ConnectionTrait,
    patience: std::time::Duration,
) -> Result<i32, DbErr> {
    let before = chrono::Utc::now().fixed_offset()
        - chrono::Duration::from_std(patience).unwrap_or_default();
    let older = sea_orm::Condition::all().add(Column::CreatedAt.lt(before));
    super::last_id(db, Column::Id, older).await
}

/// How many entries come after `id`.
pub async fn count_after(db: &impl ConnectionTrait, id: i32) -> Result<u64, DbErr> {
    Entity::find().filter(Column::Id.gt(id)).count(db).await
}

/// When the first entry after `id` was written, if there is one.
pub async fn first_after(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<DateTimeWithTimeZone>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::CreatedAt)
        .filter(Column::Id.gt(id))
        .order_by_asc(Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await
}
