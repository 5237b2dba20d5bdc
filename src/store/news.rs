//! `news`: one item of a network's news page, or one article of the platform.

use sea_orm::Condition;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "news")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Natural key: source, date as published and a digest of the body.
    #[sea_orm(unique)]
    pub key: String,
    pub source_url: String,
    pub publisher_id: Option<i32>,
    pub position: i32,
    pub title: Option<String>,
    /// Unknown for an article that states no date: none is invented.
    pub published_on: Option<Date>,
    /// The date as the page wrote it.
    pub published_as: Option<String>,
    /// What lists sort by: the date, or [`UNDATED`] for an item without one (NOT NULL, so
    /// pages seek in an index).
    pub sort_on: Date,
    /// The date breaks the page's newest-first order, so it is probably wrong.
    pub date_suspect: bool,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The byline's author, completed where the byline cut the name short.
    pub author: Option<String>,
    /// The cluster organisation an article is filed under (its footer), as written.
    pub filed_under: Option<String>,
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// News filters: fields ANDed, values within one ORed.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Slugs of publishing networks.
    pub publishers: Vec<String>,
    /// Slugs of clusters the item must mention (any of them).
    pub mentions_clusters: Vec<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub date_suspect: Option<bool>,
}

impl Filter {
    pub fn condition(&self) -> Condition {
        use super::{cluster, network, news_mention};
        use sea_orm::sea_query::{Expr, Query};
        let mut cond = Condition::all();
        if !self.publishers.is_empty() {
            let sub = Query::select()
                .column(network::Column::Id)
                .from(network::Entity)
                .and_where(Expr::col(network::Column::Slug).is_in(self.publishers.clone()))
                .to_owned();
            cond = cond.add(Column::PublisherId.in_subquery(sub));
        }
        if !self.mentions_clusters.is_empty() {
            let sub = Query::select()
                .column((news_mention::Entity, news_mention::Column::NewsId))
                .from(news_mention::Entity)
                .inner_join(
                    cluster::Entity,
                    Expr::col((cluster::Entity, cluster::Column::Id))
                        .equals((news_mention::Entity, news_mention::Column::ClusterId)),
                )
                .and_where(
                    Expr::col((cluster::Entity, cluster::Column::Slug))
                        .is_in(self.mentions_clusters.clone()),
                )
                .to_owned();
            cond = cond.add(Column::Id.in_subquery(sub));
        }
        if let Some(from) = self.from {
            cond = cond.add(Column::PublishedOn.gte(from));
        }
        if let Some(to) = self.to {
            cond = cond.add(Column::PublishedOn.lte(to));
        }
        if let Some(s) = self.date_suspect {
            cond = cond.add(Column::DateSuspect.eq(s));
        }
        cond
    }
}

/// The sort date of an undated item, 1 January of year 1: before every real one, so
/// newest-first lists end with the undated items (and four digits, which SQLite's text
/// dates sort right and PostgreSQL's dates hold).
pub const UNDATED: Date = match Date::from_ymd_opt(1, 1, 1) {
    Some(day) => day,
    None => Date::MIN,
};

/// The sort date of an item published on `day`, if known.
pub fn sort_on(day: Option<Date>) -> Date {
    day.unwrap_or(UNDATED)
}

fn ordering(direction: super::window::Direction) -> super::window::Ordering<Column, Column> {
    super::window::Ordering {
        column: Column::SortOn,
        id: Column::Id,
        direction,
        nullable: false,
    }
}

pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    direction: super::window::Direction,
    window: &super::window::Window,
) -> Result<super::window::Page<Model>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let order = ordering(direction);
    let mut query = Entity::find().filter(order.seek(filter.condition(), window));
    for (expr, o) in order.order_by(window.from_end) {
        query = query.order_by(expr, o);
    }
    let rows = query.limit(window.limit + 1).all(db).await?;
    Ok(super::window::finish(rows, window))
}

pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Entity::find().filter(filter.condition()).count(db).await
}

/// The items among `ids` that pass `filter`, by id.
pub async fn matching(
    db: &impl ConnectionTrait,
    filter: &Filter,
    ids: &[i32],
) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .filter(
            filter
                .condition()
                .add(Column::Id.is_in(ids.iter().copied())),
        )
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The highest id an item has; 0 when there is none.
pub async fn max_id(db: &impl ConnectionTrait) -> Result<i32, DbErr> {
    use sea_orm::QuerySelect;
    let max: Option<Option<i32>> = Entity::find()
        .select_only()
        .column_as(Column::Id.max(), "max")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// What the search index reads of a news item: none of its keys, sources or timestamps,
/// and the clusters and networks its mentions link (its facets).
#[derive(Clone, Debug)]
pub struct Indexed {
    pub id: i32,
    pub publisher_id: Option<i32>,
    pub title: Option<String>,
    pub published_on: Option<Date>,
    pub body: String,
    pub clusters: Vec<i32>,
    pub networks: Vec<i32>,
}

type IndexedRow = (
    i32,
    Option<i32>,
    Option<String>,
    Option<Date>,
    String,
    Option<String>,
    Option<String>,
);

/// The [`Indexed`] part of the items `which` picks, by id, at most `limit` of them. A
/// rebuild reads every item: the mentions come listed in the item's row, since a row of
/// their own for each (2.3 an item) passed through the driver's thread was most of a
/// rebuild's statement time.
pub async fn indexed(
    db: &impl ConnectionTrait,
    which: impl sea_orm::sea_query::IntoCondition,
    limit: Option<u64>,
) -> Result<Vec<Indexed>, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{QueryOrder, QuerySelect};
    let backend = db.get_database_backend();
    let mentioned = |column: &str| {
        Expr::cust(format!(
            r#"(SELECT {} FROM "news_mention" m WHERE m."news_id" = "news"."id")"#,
            super::json_list(backend, &[&format!(r#"m."{column}""#)], r#"m."id""#)
        ))
    };
    let rows: Vec<IndexedRow> = Entity::find()
        .select_only()
        .columns([
            Column::Id,
            Column::PublisherId,
            Column::Title,
            Column::PublishedOn,
            Column::Body,
        ])
        .column_as(mentioned("cluster_id"), "clusters")
        .column_as(mentioned("network_id"), "networks")
        .filter(which)
        .order_by_asc(Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    // A mention may name no cluster or no network (null); an item without mentions lists
    // nothing (PostgreSQL's aggregate of no rows is null).
    let ids = |listed: Option<String>| -> Result<Vec<i32>, DbErr> {
        let ids: Vec<Option<i32>> = match listed {
            Some(listed) => super::from_json_list(&listed)?,
            None => Vec::new(),
        };
        Ok(ids.into_iter().flatten().collect())
    };
    rows.into_iter()
        .map(
            |(id, publisher_id, title, published_on, body, clusters, networks)| {
                Ok(Indexed {
                    id,
                    publisher_id,
                    title,
                    published_on,
                    body,
                    clusters: ids(clusters)?,
                    networks: ids(networks)?,
                })
            },
        )
        .collect()
}

/// Which parent a nested news list hangs off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Parent {
    Cluster,
    Network,
}

impl Parent {
    fn column(self) -> &'static str {
        match self {
            Self::Cluster => "cluster_id",
            Self::Network => "network_id",
        }
    }
}

/// An item of a parent's page, and how many items the page was cut from.
pub struct Mentioning {
    pub parent_id: i32,
    pub item: Model,
    /// Items mentioning the parent (after the cursor, when one was given).
    pub of: i64,
}

/// The newest `limit + 1` items mentioning each parent (after `after` when given), newest
/// first: one statement for all parents, cut per parent in SQL by a window function, which
/// counts the rest in passing (a page's `totalCount` had been a statement of its own).
pub async fn latest_mentioning(
    db: &impl ConnectionTrait,
    parent: Parent,
    parent_ids: &[i32],
    limit: u64,
    after: Option<&super::window::Key>,
) -> Result<Vec<Mentioning>, DbErr> {
    use sea_orm::{FromQueryResult, Statement, Value};
    if parent_ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = Vec::new();
    let mut bind = |v: Value| {
        values.push(v);
        match backend {
            sea_orm::DbBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_owned(),
        }
    };
    let ids = parent_ids
        .iter()
        .map(|&id| bind(id.into()))
        .collect::<Vec<_>>()
        .join(", ");
    let seek = match after {
        Some(key) => {
            let d1 = bind(key.value.clone());
            let d2 = bind(key.value.clone());
            let id = bind(key.id.into());
            format!(" AND (n.sort_on < {d1} OR (n.sort_on = {d2} AND n.id > {id}))")
        }
        None => String::new(),
    };
    let limit = bind(i64::try_from(limit + 1).unwrap_or(i64::MAX).into());
    let col = parent.column();
    let sql = format!(
        "SELECT * FROM (\
           SELECT n.*, m.{col} AS parent_id, \
                  ROW_NUMBER() OVER (PARTITION BY m.{col} ORDER BY n.sort_on DESC, n.id ASC) AS rn, \
                  COUNT(*) OVER (PARTITION BY m.{col}) AS mentioning \
           FROM news n JOIN news_mention m ON m.news_id = n.id \
           WHERE m.{col} IN ({ids}){seek}\
         ) ranked WHERE rn <= {limit} ORDER BY parent_id, rn"
    );
    let rows = db
        .query_all(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Mentioning {
                parent_id: r.try_get("", "parent_id")?,
                item: Model::from_query_result(r, "")?,
                of: r.try_get("", "mentioning")?,
            })
        })
        .collect()
}

/// How many items mention each parent.
pub async fn count_mentioning(
    db: &impl ConnectionTrait,
    parent: Parent,
    parent_ids: &[i32],
) -> Result<Vec<(i32, i64)>, DbErr> {
    use super::news_mention::{Column as M, Entity as Mentions};
    use sea_orm::QuerySelect;
    let col = match parent {
        Parent::Cluster => M::ClusterId,
        Parent::Network => M::NetworkId,
    };
    Mentions::find()
        .select_only()
        .column(col)
        .column_as(M::NewsId.count(), "n")
        .filter(col.is_in(parent_ids.iter().copied()))
        .group_by(col)
        .into_tuple()
        .all(db)
        .await
}

/// What a news page states of one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub key: String,
    pub source_url: String,
    pub publisher_id: Option<i32>,
    pub position: i32,
    pub title: Option<String>,
    pub published_on: Option<Date>,
    pub published_as: Option<String>,
    pub date_suspect: bool,
    pub body: String,
    pub author: Option<String>,
    pub filed_under: Option<String>,
}

/// The stored items with these keys, by key: a page's items are looked up in one statement.
pub async fn by_keys(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<std::collections::HashMap<String, Model>, DbErr> {
    if keys.is_empty() {
        return Ok(Default::default());
    }
    let rows = Entity::find()
        .filter(Column::Key.is_in(keys.iter().cloned()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.key.clone(), m)).collect())
}

/// Inserts the item or updates `stored` (the row with its key, from [`by_keys`]), leaving
/// an unchanged row alone; the row as the parent of its mentions, and whether it was written.
pub async fn upsert(
    db: &impl ConnectionTrait,
    fields: Fields,
    stored: Option<Model>,
) -> Result<(super::Parent, bool), DbErr> {
    super::versioned::upsert(db, fields, stored).await
}

impl super::versioned::Versioned for Fields {
    type Active = ActiveModel;

    fn of(m: &Model) -> Self {
        Self {
            key: m.key.clone(),
            source_url: m.source_url.clone(),
            publisher_id: m.publisher_id,
            position: m.position,
            title: m.title.clone(),
            published_on: m.published_on,
            published_as: m.published_as.clone(),
            date_suspect: m.date_suspect,
            body: m.body.clone(),
            author: m.author.clone(),
            filed_under: m.filed_under.clone(),
        }
    }

    fn apply(self, a: &mut ActiveModel) {
        use sea_orm::ActiveValue::Set;
        a.key = Set(self.key);
        a.source_url = Set(self.source_url);
        a.publisher_id = Set(self.publisher_id);
        a.position = Set(self.position);
        a.title = Set(self.title);
        a.published_on = Set(self.published_on);
        a.sort_on = Set(sort_on(self.published_on));
        a.published_as = Set(self.published_as);
        a.date_suspect = Set(self.date_suspect);
        a.body = Set(self.body);
        a.author = Set(self.author);
        a.filed_under = Set(self.filed_under);
    }

    fn at(id: i32, version: i32) -> sea_orm::Condition {
        sea_orm::Condition::all()
            .add(Column::Id.eq(id))
            .add(Column::Version.eq(version))
    }

    fn id_version(row: &Model) -> (i32, i32) {
        (row.id, row.version)
    }

    fn stamp(a: &mut ActiveModel, version: i32, now: DateTimeWithTimeZone, inserted: bool) {
        use sea_orm::ActiveValue::Set;
        a.version = Set(version);
        a.updated_at = Set(now);
        if inserted {
            a.created_at = Set(now);
        }
    }
}

/// Removes the items of `source_url` that are not in `keep`: the page no longer has them.
pub async fn delete_others(
    db: &impl ConnectionTrait,
    source_url: &str,
    keep: &[i32],
) -> Result<Vec<i32>, DbErr> {
    use sea_orm::QuerySelect;
    let gone: Vec<i32> = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::SourceUrl.eq(source_url))
        .filter(Column::Id.is_not_in(keep.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    if !gone.is_empty() {
        Entity::delete_many()
            .filter(Column::Id.is_in(gone.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(gone)
}

/// The items the network published.
pub async fn published_by(db: &impl ConnectionTrait, network_id: i32) -> Result<Vec<i32>, DbErr> {
    use sea_orm::QuerySelect;
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::PublisherId.eq(network_id))
        .into_tuple()
        .all(db)
        .await
}

pub async fn find_by_key(db: &impl ConnectionTrait, key: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Key.eq(key)).one(db).await
}

/// The whole author names that begin with `prefix` (a byline that cut the name short), at
/// most two: one is the name meant, two leave it ambiguous.
pub async fn authors_beginning(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Vec<String>, DbErr> {
    use sea_orm::QuerySelect;
    let names: Vec<Option<String>> = Entity::find()
        .select_only()
        .column(Column::Author)
        .distinct()
        .filter(Column::Author.starts_with(prefix))
        .filter(Column::Author.not_like(format!("%{CUT}")))
        .limit(2)
        .into_tuple()
        .all(db)
        .await?;
    Ok(names.into_iter().flatten().collect())
}

/// The ellipsis a byline ends a cut name with.
pub const CUT: char = '\u{2026}';

/// Items whose author is a name cut short, with that name.
pub async fn cut_authors(db: &impl ConnectionTrait) -> Result<Vec<(i32, String)>, DbErr> {
    use sea_orm::QuerySelect;
    let rows: Vec<(i32, Option<String>)> = Entity::find()
        .select_only()
        .columns([Column::Id, Column::Author])
        .filter(Column::Author.like(format!("%{CUT}")))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, a)| Some((id, a?)))
        .collect())
}
