//! `event`: a conference, workshop or an edition of a series, with its dates at the
//! precision the source gives them.

use sea_orm::Condition;
use sea_orm::entity::prelude::*;

use super::window::{Direction, Ordering, Page, Window};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Natural key: the series and start date of an edition, else source, name and date.
    #[sea_orm(unique)]
    pub key: String,
    pub series_id: Option<i32>,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub date_precision: DatePrecision,
    /// "09:00", in `time_zone` as written.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub time_zone: Option<String>,
    pub venue: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub organiser: Option<String>,
    pub has_summary: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub source_url: Option<String>,
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

/// How precisely an event's dates are known: a page may say only "in May 2024".
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "UPPERCASE")]
pub enum DatePrecision {
    #[sea_orm(string_value = "DAY")]
    Day,
    #[sea_orm(string_value = "MONTH")]
    Month,
    #[sea_orm(string_value = "YEAR")]
    Year,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Event filters: fields ANDed, values within one ORed.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Events that end on or after this day.
    pub from: Option<Date>,
    /// Events that start on or before this day.
    pub to: Option<Date>,
    pub countries: Vec<String>,
    /// Slugs of series.
    pub series: Vec<String>,
}

impl Filter {
    pub fn condition(&self) -> Condition {
        use sea_orm::sea_query::Query;
        let mut cond = Condition::all();
        if let Some(from) = self.from {
            cond = cond.add(Column::EndsOn.gte(from));
        }
        if let Some(to) = self.to {
            cond = cond.add(Column::StartsOn.lte(to));
        }
        if !self.countries.is_empty() {
            cond = cond.add(Column::CountryCode.is_in(self.countries.clone()));
        }
        if !self.series.is_empty() {
            let sub = Query::select()
                .column(super::event_series::Column::Id)
                .from(super::event_series::Entity)
                .and_where(super::event_series::Column::Slug.is_in(self.series.clone()))
                .to_owned();
            cond = cond.add(Column::SeriesId.in_subquery(sub));
        }
        cond
    }
}

fn ordering(direction: Direction) -> Ordering<Column, Column> {
    Ordering {
        column: Column::StartsOn,
        id: Column::Id,
        direction,
        nullable: false,
    }
}

/// A page of the events passing `filter`, by start date.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    direction: Direction,
    window: &Window,
) -> Result<Page<Model>, DbErr> {
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

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

pub async fn find_by_key(db: &impl ConnectionTrait, key: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Key.eq(key)).one(db).await
}

/// The editions of these series with their series' id, earliest first.
pub async fn editions_of(
    db: &impl ConnectionTrait,
    series: &[i32],
) -> Result<Vec<(i32, Model)>, DbErr> {
    use sea_orm::QueryOrder;
    let rows = Entity::find()
        .filter(Column::SeriesId.is_in(series.iter().copied()))
        .order_by_asc(Column::StartsOn)
        .order_by_asc(Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|e| Some((e.series_id?, e)))
        .collect())
}

/// What a source states of one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub key: String,
    pub series_id: Option<i32>,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub date_precision: DatePrecision,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub time_zone: Option<String>,
    pub venue: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub organiser: Option<String>,
    pub has_summary: bool,
    pub description: Option<String>,
    pub source_url: Option<String>,
}

/// Inserts the event or updates `stored` (the row with its key), leaving an unchanged row
/// alone; its id and whether it was written.
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
            series_id: m.series_id,
            name: m.name.clone(),
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            date_precision: m.date_precision,
            start_time: m.start_time.clone(),
            end_time: m.end_time.clone(),
            time_zone: m.time_zone.clone(),
            venue: m.venue.clone(),
            city: m.city.clone(),
            country_code: m.country_code.clone(),
            organiser: m.organiser.clone(),
            has_summary: m.has_summary,
            description: m.description.clone(),
            source_url: m.source_url.clone(),
        }
    }

    fn apply(self, a: &mut ActiveModel) {
        use sea_orm::ActiveValue::Set;
        a.key = Set(self.key);
        a.series_id = Set(self.series_id);
        a.name = Set(self.name);
        a.starts_on = Set(self.starts_on);
        a.ends_on = Set(self.ends_on);
        a.date_precision = Set(self.date_precision);
        a.start_time = Set(self.start_time);
        a.end_time = Set(self.end_time);
        a.time_zone = Set(self.time_zone);
        a.venue = Set(self.venue);
        a.city = Set(self.city);
        a.country_code = Set(self.country_code);
        a.organiser = Set(self.organiser);
        a.has_summary = Set(self.has_summary);
        a.description = Set(self.description);
        a.source_url = Set(self.source_url);
    }

    fn at(id: i32, version: i32) -> Condition {
        Condition::all()
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
