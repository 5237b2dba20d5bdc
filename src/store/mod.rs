//! The store: SeaORM entities, one module a table, each with that table's queries.
//!
//! Functions take any `ConnectionTrait`, so the importer can run them inside one transaction
//! per page and the API outside any.

pub mod api_token;
pub mod cluster;
pub mod cluster_alias;
pub mod cluster_term;
pub mod contact;
pub mod cooperation_activity;
pub mod cooperation_country;
pub mod dump;
pub mod event;
pub mod event_series;
pub mod membership;
pub mod name_stamp;
pub mod network;
pub mod network_alias;
pub mod news;
pub mod news_mention;
pub mod outbox;
pub mod outbox_pruned;
pub mod participation;
pub mod programme;
pub mod project;
pub mod project_partner;
pub mod service_group;
pub mod service_item;
pub mod store_identity;
pub mod term;
pub mod tx;

mod children;
mod connect;
pub mod versioned;
pub mod window;

pub use children::Parent;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Up to `limit` ids of the `id` column's table in `after < id < below`, in order: a table
/// (or a stretch of it) a slice at a time.
pub async fn ids_between<C>(
    db: &impl ConnectionTrait,
    id: C,
    after: i32,
    below: i32,
    limit: u64,
) -> Result<Vec<i32>, DbErr>
where
    C: ColumnTrait,
    C::EntityName: EntityTrait<Column = C>,
{
    use sea_orm::{QueryOrder, QuerySelect};
    <C::EntityName as EntityTrait>::find()
        .select_only()
        .column(id)
        .filter(id.gt(after))
        .filter(id.lt(below))
        .order_by_asc(id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// The highest id of the `id` column's table among the rows `which` picks, 0 when there
/// is none.
pub async fn last_id<C>(
    db: &impl ConnectionTrait,
    id: C,
    which: sea_orm::Condition,
) -> Result<i32, DbErr>
where
    C: ColumnTrait,
    C::EntityName: EntityTrait<Column = C>,
{
    use sea_orm::QuerySelect;
    let last: Option<Option<i32>> = <C::EntityName as EntityTrait>::find()
        .select_only()
        .column_as(id.max(), "last")
        .filter(which)
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().unwrap_or(0))
}

/// The `columns` of each group's rows as one JSON array (of arrays, for several columns) in
/// `order`, as text: a row a group, where a row an element had been most of a rebuild's
/// statement time (each row crosses the driver's thread on its own). Columns are written
/// as SQL (`"term"."name"`); serde reads the array back ([`from_json_list`]).
pub(crate) fn json_list(backend: sea_orm::DbBackend, columns: &[&str], order: &str) -> String {
    let postgres = backend == sea_orm::DbBackend::Postgres;
    let element = match (columns, postgres) {
        ([one], _) => (*one).to_owned(),
        (many, true) => format!("json_build_array({})", many.join(", ")),
        (many, false) => format!("json_array({})", many.join(", ")),
    };
    if postgres {
        format!("json_agg({element} ORDER BY {order})::text")
    } else {
        format!("json_group_array({element} ORDER BY {order})")
    }
}

/// A JSON array read back from [`json_list`].
pub(crate) fn from_json_list<T: serde::de::DeserializeOwned>(
    listed: &str,
) -> Result<Vec<T>, DbErr> {
    serde_json::from_str(listed)
        .map_err(|e| DbErr::Type(format!("a JSON list from the store: {e}")))
}

pub use connect::{PoolState, connect, migrate, pool_state, unavailable};

/// The profile's fixed lists whose values are shared terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermKind {
    Sector,
    TechnologyField,
    S3Priority,
    EmergingIndustry,
    ServiceType,
    ActivityType,
    Language,
}

impl TermKind {
    pub const ALL: [TermKind; 7] = [
        Self::Sector,
        Self::TechnologyField,
        Self::S3Priority,
        Self::EmergingIndustry,
        Self::ServiceType,
        Self::ActivityType,
        Self::Language,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sector => "SECTOR",
            Self::TechnologyField => "TECHNOLOGY_FIELD",
            Self::S3Priority => "S3_PRIORITY",
            Self::EmergingIndustry => "EMERGING_INDUSTRY",
            Self::ServiceType => "SERVICE_TYPE",
            Self::ActivityType => "ACTIVITY_TYPE",
            Self::Language => "LANGUAGE",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an activity reaches: outside Europe, within Europe, or (for programmes) a region
/// or a nation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    International,
    #[default]
    European,
    National,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::International => "INTERNATIONAL",
            Self::European => "EUROPEAN",
            Self::National => "NATIONAL",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::International, Self::European, Self::National]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}
