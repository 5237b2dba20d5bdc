//! `term`: a value of one of the profile's fixed lists (sectors, technology fields, ...),
//! shared by every cluster that picked it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
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

/// (cluster id, term) for every term the clusters picked, by kind then name: a row a
/// cluster, its terms listed in it (see [`super::json_list`]).
pub async fn for_clusters(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(i32, Model)>, DbErr> {
    use super::cluster_term::{Column as Picked, Entity as Picks, Relation as Picking};
    use sea_orm::{JoinType, QueryOrder, QuerySelect, RelationTrait};
    let listed: Vec<(i32, String)> = Picks::find()
        .select_only()
        .column(Picked::ClusterId)
        .column_as(
            sea_orm::sea_query::Expr::cust(super::json_list(
                db.get_database_backend(),
                &[r#""term"."id""#, r#""term"."kind""#, r#""term"."name""#],
                r#""term"."kind", "term"."name""#,
            )),
            "terms",
        )
        .join(JoinType::InnerJoin, Picking::Term.def())
        .filter(Picked::ClusterId.is_in(ids.iter().copied()))
        .group_by(Picked::ClusterId)
        .order_by_asc(Picked::ClusterId)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::new();
    for (cluster, terms) in listed {
        for (id, kind, name) in super::from_json_list::<(i32, String, String)>(&terms)? {
            out.push((cluster, Model { id, kind, name }));
        }
    }
    Ok(out)
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
