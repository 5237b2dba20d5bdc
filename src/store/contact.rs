//! `contact`: the cluster management team, in the order the profile lists it.

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "contact")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cluster_id: i32,
    pub position: i32,
    pub role: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A contact as the importer states it: role, name, phone, e-mail.
pub type Row = (String, Option<String>, Option<String>, Option<String>);

pub async fn for_clusters(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::Position)
        .all(db)
        .await
}

/// Makes the cluster's team exactly `rows`, touching nothing when it already is.
pub async fn replace(
    db: &impl ConnectionTrait,
    cluster: Parent,
    rows: Vec<Row>,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    let cluster_id = cluster.id;
    let existing = cluster
        .existing(for_clusters(db, &[cluster_id]))
        .await?
        .into_iter()
        .map(|m| (m.role, m.name, m.phone, m.email))
        .collect();
    let delete = Entity::delete_many().filter(Column::ClusterId.eq(cluster_id));
    super::children::replace(
        db,
        existing,
        rows,
        delete,
        |position, (role, name, phone, email)| ActiveModel {
            cluster_id: Set(cluster_id),
            position: Set(position),
            role: Set(role),
            name: Set(name),
            phone: Set(phone),
            email: Set(email),
            ..Default::default()
        },
    )
    .await
}
