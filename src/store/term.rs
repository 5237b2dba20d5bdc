//! `term`: a value of one of the profile's fixed lists (sectors, technology fields, ...),
//! shared by every cluster that picked it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "term")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// A `crate::store::TermKind` name.
    pub kind: String,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The term's id, inserting it on first sight.
pub async fn get_or_create(
    db: &impl ConnectionTrait,
    kind: super::TermKind,
    name: &str,
) -> Result<i32, DbErr> {
    use sea_orm::ActiveValue::Set;
    let found = Entity::find()
        .filter(Column::Kind.eq(kind.as_str()))
        .filter(Column::Name.eq(name))
        .one(db)
        .await?;
    if let Some(t) = found {
        return Ok(t.id);
    }
    let inserted = ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        name: Set(name.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(inserted.id)
}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// (cluster id, term) for every term the clusters picked, by kind then name.
pub async fn for_clusters(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(i32, Model)>, DbErr> {
    use sea_orm::{JoinType, QueryOrder, QuerySelect, RelationTrait};
    let rows: Vec<(i32, i32, String, String)> = super::cluster_term::Entity::find()
        .select_only()
        .column(super::cluster_term::Column::ClusterId)
        .column_as(Column::Id, "id")
        .column_as(Column::Kind, "kind")
        .column_as(Column::Name, "name")
        .join(
            JoinType::InnerJoin,
            super::cluster_term::Relation::Term.def(),
        )
        .filter(super::cluster_term::Column::ClusterId.is_in(ids.iter().copied()))
        .order_by_asc(super::cluster_term::Column::ClusterId)
        .order_by_asc(Column::Kind)
        .order_by_asc(Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, id, kind, name)| (c, Model { id, kind, name }))
        .collect())
}

/// Every term of `kind` with the number of clusters that picked it, most used first.
pub async fn facets(
    db: &impl ConnectionTrait,
    kind: super::TermKind,
) -> Result<Vec<(Model, i64)>, DbErr> {
    use sea_orm::sea_query::{Alias, Expr, Order, Query};
    use sea_orm::{FromQueryResult, StatementBuilder};
    let ct = super::cluster_term::Entity;
    let count = Alias::new("clusters");
    let query = Query::select()
        .columns([
            (Entity, Column::Id),
            (Entity, Column::Kind),
            (Entity, Column::Name),
        ])
        .expr_as(
            Expr::col((ct, super::cluster_term::Column::ClusterId)).count(),
            count.clone(),
        )
        .from(Entity)
        .left_join(
            ct,
            Expr::col((ct, super::cluster_term::Column::TermId)).equals((Entity, Column::Id)),
        )
        .and_where(Expr::col((Entity, Column::Kind)).eq(kind.as_str()))
        .group_by_columns([
            (Entity, Column::Id),
            (Entity, Column::Kind),
            (Entity, Column::Name),
        ])
        .order_by(count, Order::Desc)
        .order_by((Entity, Column::Name), Order::Asc)
        .to_owned();
    let rows = db
        .query_all(StatementBuilder::build(&query, &db.get_database_backend()))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                Model::from_query_result(r, "")?,
                r.try_get::<i64>("", "clusters")?,
            ))
        })
        .collect()
}

/// Every term of `kind`.
pub async fn of_kind(
    db: &impl ConnectionTrait,
    kind: super::TermKind,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Kind.eq(kind.as_str()))
        .all(db)
        .await
}
