//! `project_partner`: an organisation of a project's partnership, in page order, resolved
//! to a cluster where its name is one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "project_partner")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub position: i32,
    pub name: String,
    pub function: Option<String>,
    pub country_code: Option<String>,
    pub cluster_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A partner as the importer states it: name, function, country, cluster.
pub type Row = (String, Option<String>, Option<String>, Option<i32>);

pub async fn for_projects(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ProjectId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ProjectId)
        .order_by_asc(Column::Position)
        .all(db)
        .await
}

/// The partner rows of these clusters with the cluster's id, by project.
pub async fn for_clusters(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(i32, Model)>, DbErr> {
    use sea_orm::QueryOrder;
    let rows = Entity::find()
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ProjectId)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.cluster_id?, r)))
        .collect())
}

/// Partners whose name named no cluster when they were written.
pub async fn unresolved(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::ClusterId.is_null())
        .all(db)
        .await
}

pub async fn link(db: &impl ConnectionTrait, id: i32, cluster_id: i32) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    ActiveModel {
        id: Set(id),
        cluster_id: Set(Some(cluster_id)),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Makes the project's partners exactly `rows`, in order.
pub async fn replace(
    db: &impl ConnectionTrait,
    project: super::Parent,
    rows: Vec<Row>,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    let project_id = project.id;
    let existing = project
        .existing(for_projects(db, &[project_id]))
        .await?
        .into_iter()
        .map(|m| (m.name, m.function, m.country_code, m.cluster_id))
        .collect();
    let delete = Entity::delete_many().filter(Column::ProjectId.eq(project_id));
    super::children::replace(
        db,
        existing,
        rows,
        delete,
        |position, (name, function, country_code, cluster_id)| ActiveModel {
            project_id: Set(project_id),
            position: Set(position),
            name: Set(name),
            function: Set(function),
            country_code: Set(country_code),
            cluster_id: Set(cluster_id),
            ..Default::default()
        },
    )
    .await
}
