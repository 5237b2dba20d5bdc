//! `network`: a network of clusters or a strategic partnership.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "network")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: NetworkKind,
    pub label: Option<String>,
    pub website: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub coordinator: Option<String>,
    pub email: Option<String>,
    pub founded_year: Option<i32>,
    pub member_organisations: Option<i32>,
    /// The members its page lists by name, one a line.
    #[sea_orm(column_type = "Text", nullable)]
    pub listed_members: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// What a network is: a network of clusters, or a strategic partnership of them (a
/// European Strategic Cluster Partnership, a programme's partnership page). Stored as its
/// upper-case name; a manifest may write it in lower case.
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
pub enum NetworkKind {
    #[sea_orm(string_value = "NETWORK")]
    #[serde(alias = "network")]
    Network,
    #[sea_orm(string_value = "PARTNERSHIP")]
    #[serde(alias = "partnership")]
    Partnership,
}

impl ActiveModelBehavior for ActiveModel {}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Slug.eq(slug)).one(db).await
}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find().order_by_asc(Column::Name).all(db).await
}

fn of_kind(kind: Option<NetworkKind>) -> sea_orm::Condition {
    let mut cond = sea_orm::Condition::all();
    if let Some(kind) = kind {
        cond = cond.add(Column::Kind.eq(kind));
    }
    cond
}

/// A page of the networks (of one kind, if given) by name.
pub async fn page(
    db: &impl ConnectionTrait,
    kind: Option<NetworkKind>,
    window: &super::window::Window,
) -> Result<super::window::Page<Model>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let order = super::window::Ordering {
        column: Column::Name,
        id: Column::Id,
        direction: super::window::Direction::Asc,
        nullable: false,
    };
    let mut query = Entity::find().filter(order.seek(of_kind(kind), window));
    for (expr, o) in order.order_by(window.from_end) {
        query = query.order_by(expr, o);
    }
    let rows = query.limit(window.limit + 1).all(db).await?;
    Ok(super::window::finish(rows, window))
}

pub async fn count(db: &impl ConnectionTrait, kind: Option<NetworkKind>) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Entity::find().filter(of_kind(kind)).count(db).await
}

/// What the manifest (or a profile naming an unknown network) says of a network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub slug: String,
    pub name: String,
    pub kind: NetworkKind,
    pub label: Option<String>,
    pub website: Option<String>,
    pub about: About,
}

/// What the network's own page states of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct About {
    pub description: Option<String>,
    pub coordinator: Option<String>,
    pub email: Option<String>,
    pub founded_year: Option<i32>,
    /// Cluster organisations it gathers, as the page counts them.
    pub member_organisations: Option<i32>,
    /// The members the page lists by name, one a line.
    pub listed_members: Option<String>,
}

impl About {
    pub fn of(m: &Model) -> Self {
        Self {
            description: m.description.clone(),
            coordinator: m.coordinator.clone(),
            email: m.email.clone(),
            founded_year: m.founded_year,
            member_organisations: m.member_organisations,
            listed_members: m.listed_members.clone(),
        }
    }
}

impl super::versioned::Versioned for Fields {
    type Active = ActiveModel;

    fn of(m: &Model) -> Self {
        Self {
            slug: m.slug.clone(),
            name: m.name.clone(),
            kind: m.kind,
            label: m.label.clone(),
            website: m.website.clone(),
            about: About::of(m),
        }
    }

    fn apply(self, a: &mut ActiveModel) {
        use sea_orm::ActiveValue::Set;
        a.slug = Set(self.slug);
        a.name = Set(self.name);
        a.kind = Set(self.kind);
        a.label = Set(self.label);
        a.website = Set(self.website);
        let about = self.about;
        a.description = Set(about.description);
        a.coordinator = Set(about.coordinator);
        a.email = Set(about.email);
        a.founded_year = Set(about.founded_year);
        a.member_organisations = Set(about.member_organisations);
        a.listed_members = Set(about.listed_members);
    }

    fn at(id: i32, version: i32) -> sea_orm::Condition {
        sea_orm::Condition::all()
            .add(Column::Id.eq(id))
            .add(Column::Version.eq(version))
    }

    fn id_version(row: &Model) -> (i32, i32) {
        (row.id, row.version)
    }

    fn stamp(a: &mut ActiveModel, version: i32, _: DateTimeWithTimeZone, _: bool) {
        a.version = sea_orm::ActiveValue::Set(version);
    }
}

/// Inserts the network or updates `stored`, the row with its slug; returns its id and
/// whether anything changed.
pub async fn upsert(
    db: &impl ConnectionTrait,
    f: Fields,
    stored: Option<Model>,
) -> Result<(i32, bool), DbErr> {
    let named = stored.as_ref().is_none_or(|s| s.name != f.name);
    let (network, changed) = super::versioned::upsert(db, f, stored).await?;
    if changed && named {
        super::name_stamp::touch(db).await?;
    }
    Ok((network.id, changed))
}

/// The networks whose pages list members by name, with those names.
pub async fn listing_members(db: &impl ConnectionTrait) -> Result<Vec<(i32, String)>, DbErr> {
    use sea_orm::QuerySelect;
    let rows: Vec<(i32, Option<String>)> = Entity::find()
        .select_only()
        .columns([Column::Id, Column::ListedMembers])
        .filter(Column::ListedMembers.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, names)| Some((id, names?)))
        .collect())
}
