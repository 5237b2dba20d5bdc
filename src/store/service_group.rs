//! `service_group`: a heading of the profile's service details (or none, where it was lost).

use super::Parent;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "service_group")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cluster_id: i32,
    pub position: i32,
    pub heading: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn for_clusters(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(Column::ClusterId)
        .order_by_asc(Column::Position)
        .all(db)
        .await
}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// `groups` each with its items' texts, in order: one statement for any number of groups.
pub async fn with_items(
    db: &impl ConnectionTrait,
    groups: Vec<Model>,
) -> Result<Vec<(Model, Vec<String>)>, DbErr> {
    use super::service_item::{Column as Item, Entity as Items};
    use sea_orm::{QueryOrder, QuerySelect};
    let ids: Vec<i32> = groups.iter().map(|g| g.id).collect();
    let listed: Vec<(i32, String)> = Items::find()
        .select_only()
        .column(Item::GroupId)
        .column_as(
            sea_orm::sea_query::Expr::cust(super::json_list(
                db.get_database_backend(),
                &[r#""service_item"."text""#],
                r#""service_item"."position""#,
            )),
            "texts",
        )
        .filter(Item::GroupId.is_in(ids))
        .group_by(Item::GroupId)
        .order_by_asc(Item::GroupId)
        .into_tuple()
        .all(db)
        .await?;
    let mut items = std::collections::HashMap::with_capacity(listed.len());
    for (group, texts) in listed {
        items.insert(group, super::from_json_list::<String>(&texts)?);
    }
    Ok(groups
        .into_iter()
        .map(|g| {
            let texts = items.remove(&g.id).unwrap_or_default();
            (g, texts)
        })
        .collect())
}

/// A service group as the importer states it: heading and items.
pub type Row = (Option<String>, Vec<String>);

/// Makes the cluster's service details exactly `rows`.
pub async fn replace(
    db: &impl ConnectionTrait,
    cluster: Parent,
    rows: Vec<Row>,
) -> Result<bool, DbErr> {
    use sea_orm::ActiveValue::Set;
    let cluster_id = cluster.id;
    let groups = cluster.existing(for_clusters(db, &[cluster_id])).await?;
    let ids: Vec<i32> = groups.iter().map(|g| g.id).collect();
    let items = if ids.is_empty() {
        Vec::new()
    } else {
        super::service_item::for_groups(db, &ids).await?
    };
    let existing: Vec<Row> = groups
        .into_iter()
        .map(|g| {
            (
                g.heading,
                items
                    .iter()
                    .filter(|i| i.group_id == g.id)
                    .map(|i| i.text.clone())
                    .collect(),
            )
        })
        .collect();
    if existing == rows {
        return Ok(false);
    }
    if !existing.is_empty() {
        Entity::delete_many()
            .filter(Column::ClusterId.eq(cluster_id))
            .exec(db)
            .await?;
    }
    for (position, (heading, items)) in (0..).zip(rows) {
        let group = ActiveModel {
            cluster_id: Set(cluster_id),
            position: Set(position),
            heading: Set(heading),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let new: Vec<super::service_item::ActiveModel> = (0..)
            .zip(items)
            .map(|(p, text)| super::service_item::ActiveModel {
                group_id: Set(group.id),
                position: Set(p),
                text: Set(text),
                ..Default::default()
            })
            .collect();
        if !new.is_empty() {
            super::service_item::Entity::insert_many(new)
                .exec(db)
                .await?;
        }
    }
    Ok(true)
}

/// Adds a group after the cluster's last one.
pub async fn append(
    db: &impl ConnectionTrait,
    cluster_id: i32,
    heading: Option<String>,
    items: Vec<String>,
) -> Result<Model, DbErr> {
    use sea_orm::{ActiveValue::Set, QueryOrder};
    let last = Entity::find()
        .filter(Column::ClusterId.eq(cluster_id))
        .order_by_desc(Column::Position)
        .one(db)
        .await?;
    let group = ActiveModel {
        cluster_id: Set(cluster_id),
        position: Set(last.map_or(0, |g| g.position + 1)),
        heading: Set(heading),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_items(db, group.id, items).await?;
    Ok(group)
}

/// Changes a group's heading and, when given, its items.
pub async fn change(
    db: &impl ConnectionTrait,
    group: Model,
    heading: Option<Option<String>>,
    items: Option<Vec<String>>,
) -> Result<Model, DbErr> {
    use sea_orm::ActiveValue::Set;
    let id = group.id;
    let group = match heading {
        Some(h) if h != group.heading => {
            let mut a: ActiveModel = group.into();
            a.heading = Set(h);
            a.update(db).await?
        }
        _ => group,
    };
    if let Some(items) = items {
        super::service_item::Entity::delete_many()
            .filter(super::service_item::Column::GroupId.eq(id))
            .exec(db)
            .await?;
        set_items(db, id, items).await?;
    }
    Ok(group)
}

async fn set_items(
    db: &impl ConnectionTrait,
    group_id: i32,
    items: Vec<String>,
) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    let rows: Vec<super::service_item::ActiveModel> = (0..)
        .zip(items)
        .map(|(position, text)| super::service_item::ActiveModel {
            group_id: Set(group_id),
            position: Set(position),
            text: Set(text),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        super::service_item::Entity::insert_many(rows)
            .exec(db)
            .await?;
    }
    Ok(())
}
