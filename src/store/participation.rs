//! `participation`: a cluster's part in a programme, with the row as the profile wrote it.

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "participation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cluster_id: i32,
    pub programme_id: i32,
    pub position: i32,
    pub scope: String,
    #[sea_orm(column_type = "Text")]
    pub as_written: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::programme::Entity",
        from = "Column::ProgrammeId",
        to = "super::programme::Column::Id"
    )]
    Programme,
}

impl Related<super::programme::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Programme.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// The clusters' participations, each with its programme, in one statement: a profile
/// shows them together, and a second statement for the programmes was a second round trip.
pub async fn with_programmes_for_clusters(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(Model, Option<super::programme::Model>)>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .find_also_related(super::programme::Entity)
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::Position)
        .all(db)
        .await
}

/// The rows alone, for replacing them; readers take them with their other side joined.
async fn for_clusters(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::Position)
        .all(db)
        .await
}

pub async fn for_programmes(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ProgrammeId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ProgrammeId)
        .order_by_asc(Column::ClusterId)
        .all(db)
        .await
}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// A participation as the importer states it: programme id, scope, the row as written.
pub type Row = (i32, String, String);

/// Makes the cluster's participations exactly `rows` (one per programme, first kept).
pub async fn replace(
    db: &impl ConnectionTrait,
    cluster: Parent,
    rows: Vec<Row>,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    let cluster_id = cluster.id;
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<Row> = rows.into_iter().filter(|r| seen.insert(r.0)).collect();
    let existing = cluster
        .existing(for_clusters(db, &[cluster_id]))
        .await?
        .into_iter()
        .map(|m| (m.programme_id, m.scope, m.as_written))
        .collect();
    let delete = Entity::delete_many().filter(Column::ClusterId.eq(cluster_id));
    super::children::replace(
        db,
        existing,
        rows,
        delete,
        |position, (programme_id, scope, as_written)| ActiveModel {
            cluster_id: Set(cluster_id),
            programme_id: Set(programme_id),
            position: Set(position),
            scope: Set(scope),
            as_written: Set(as_written),
            ..Default::default()
        },
    )
    .await
}

/// The cluster's participation in the programme, added at the end of its list or, when it
/// has one, restated with `scope` and `as_written`.
pub async fn put(
    db: &impl ConnectionTrait,
    cluster_id: i32,
    programme_id: i32,
    scope: super::Scope,
    as_written: String,
) -> Result<Model, DbErr> {
    use sea_orm::{ActiveValue::Set, QueryOrder};
    let mine = Entity::find()
        .filter(Column::ClusterId.eq(cluster_id))
        .order_by_asc(Column::Position)
        .all(db)
        .await?;
    if let Some(same) = mine.iter().find(|p| p.programme_id == programme_id) {
        let mut a: ActiveModel = same.clone().into();
        a.scope = Set(scope.as_str().to_owned());
        a.as_written = Set(as_written);
        return a.update(db).await;
    }
    ActiveModel {
        cluster_id: Set(cluster_id),
        programme_id: Set(programme_id),
        position: Set(mine.last().map_or(0, |p| p.position + 1)),
        scope: Set(scope.as_str().to_owned()),
        as_written: Set(as_written),
        ..Default::default()
    }
    .insert(db)
    .await
}
