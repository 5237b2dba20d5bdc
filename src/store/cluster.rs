//! `cluster`: one row per cluster organisation, with everything its profile states once.

use super::Parent;
use sea_orm::Condition;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "cluster")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// `name` folded for ordering and prefix filters (see `crate::text::fold`).
    pub name_key: String,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub established: Option<Date>,
    pub staff_count: Option<i32>,
    pub excellence_label: Option<String>,
    pub escp_membership: Option<String>,
    pub members_total: Option<i32>,
    pub members_sme: Option<i32>,
    pub members_large: Option<i32>,
    pub members_research: Option<i32>,
    pub members_other: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub scale_up_facilities: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub major_players: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub strategy: Option<String>,
    /// One objective a line.
    #[sea_orm(column_type = "Text", nullable)]
    pub objectives: Option<String>,
    pub formalised_strategy: Option<bool>,
    pub internationalisation_strategy: Option<bool>,
    #[sea_orm(column_type = "Text", nullable)]
    pub collaborates_with: Option<String>,
    pub source_url: Option<String>,
    /// The name in the cluster's own language (current profile layout).
    pub native_name: Option<String>,
    pub contact_person: Option<String>,
    /// The management team's staff as the current layout states it: a range (`1-5`).
    pub staff_min: Option<i32>,
    pub staff_max: Option<i32>,
    /// How complete the profile is, in percent, as the platform shows it.
    pub completeness: Option<i32>,
    pub members_startups: Option<i32>,
    pub members_civil_society: Option<i32>,
    /// Services for upskilling and reskilling the members' workforce, one a line.
    #[sea_orm(column_type = "Text", nullable)]
    pub upskilling: Option<String>,
    /// Labels other than the Cluster Excellence Label, one a line.
    #[sea_orm(column_type = "Text", nullable)]
    pub other_labels: Option<String>,
    /// Areas of specialisation the taxonomies do not cover, one a line.
    #[sea_orm(column_type = "Text", nullable)]
    pub specialisation: Option<String>,
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// How the cluster list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    Name,
    Established,
    MembersTotal,
}

impl SortBy {
    pub fn column(self) -> Column {
        match self {
            Self::Name => Column::NameKey,
            Self::Established => Column::Established,
            Self::MembersTotal => Column::MembersTotal,
        }
    }

    /// The sort value of `row`, as stored in a cursor.
    pub fn value_of(self, row: &Model) -> sea_orm::Value {
        match self {
            Self::Name => row.name_key.clone().into(),
            Self::Established => row.established.into(),
            Self::MembersTotal => row.members_total.into(),
        }
    }
}

/// Cluster filters: fields are ANDed, the values within one field ORed; empty means any.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub terms: Vec<(super::TermKind, Vec<String>)>,
    pub excellence_labels: Vec<String>,
    pub networks: Vec<String>,
    pub frameworks: Vec<String>,
    pub established_from: Option<i32>,
    pub established_to: Option<i32>,
    pub name_prefix: Option<String>,
}

impl Filter {
    pub fn condition(&self) -> Condition {
        let mut cond = Condition::all();
        if !self.countries.is_empty() {
            let codes: Vec<String> = self
                .countries
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect();
            cond = cond.add(Column::CountryCode.is_in(codes));
        }
        if !self.regions.is_empty() {
            cond = cond.add(Column::Region.is_in(self.regions.clone()));
        }
        if !self.excellence_labels.is_empty() {
            cond = cond.add(Column::ExcellenceLabel.is_in(self.excellence_labels.clone()));
        }
        cond = self.linked(cond);
        if let Some(from) = self
            .established_from
            .and_then(|y| Date::from_ymd_opt(y, 1, 1))
        {
            cond = cond.add(Column::Established.gte(from));
        }
        if let Some(to) = self
            .established_to
            .and_then(|y| Date::from_ymd_opt(y, 12, 31))
        {
            cond = cond.add(Column::Established.lte(to));
        }
        if let Some(prefix) = self.name_prefix.as_deref() {
            cond = name_starts_with(cond, prefix);
        }
        cond
    }

    /// The filters on rows linked to the cluster: its terms, networks and programmes.
    fn linked(&self, mut cond: Condition) -> Condition {
        use super::{cluster_term, membership, network, participation, programme, term};
        use sea_orm::sea_query::Expr;
        for (kind, names) in self.terms.iter().filter(|(_, n)| !n.is_empty()) {
            let mut sub = linked_through(
                (
                    cluster_term::Entity,
                    cluster_term::Column::ClusterId,
                    cluster_term::Column::TermId,
                ),
                (term::Entity, term::Column::Id, term::Column::Name),
                names,
            );
            sub.and_where(Expr::col((term::Entity, term::Column::Kind)).eq(kind.as_str()));
            cond = cond.add(Column::Id.in_subquery(sub));
        }
        if !self.networks.is_empty() {
            let sub = linked_through(
                (
                    membership::Entity,
                    membership::Column::ClusterId,
                    membership::Column::NetworkId,
                ),
                (network::Entity, network::Column::Id, network::Column::Slug),
                &self.networks,
            );
            cond = cond.add(Column::Id.in_subquery(sub));
        }
        if !self.frameworks.is_empty() {
            let sub = linked_through(
                (
                    participation::Entity,
                    participation::Column::ClusterId,
                    participation::Column::ProgrammeId,
                ),
                (
                    programme::Entity,
                    programme::Column::Id,
                    programme::Column::Framework,
                ),
                &self.frameworks,
            );
            cond = cond.add(Column::Id.in_subquery(sub));
        }
        cond
    }
}

/// The ids of clusters linked through `link` (its cluster and other columns) to a row of
/// `other` (its id and a column) whose column holds one of `values`.
fn linked_through<LinkTable, LinkColumn, OtherTable, OtherColumn>(
    (link, link_cluster, link_other): (LinkTable, LinkColumn, LinkColumn),
    (other, other_id, other_column): (OtherTable, OtherColumn, OtherColumn),
    values: &[String],
) -> sea_orm::sea_query::SelectStatement
where
    LinkTable: sea_orm::IdenStatic,
    LinkColumn: sea_orm::IdenStatic,
    OtherTable: sea_orm::IdenStatic,
    OtherColumn: sea_orm::IdenStatic,
{
    use sea_orm::sea_query::{Expr, Query};
    Query::select()
        .column((link, link_cluster))
        .from(link)
        .inner_join(
            other,
            Expr::col((other, other_id)).equals((link, link_other)),
        )
        .and_where(Expr::col((other, other_column)).is_in(values.to_vec()))
        .to_owned()
}

/// `cond` and a name starting with `prefix`, compared folded as the name key is.
fn name_starts_with(cond: Condition, prefix: &str) -> Condition {
    use sea_orm::sea_query::{Expr, LikeExpr};
    let prefix = crate::text::name_key(prefix);
    if prefix.is_empty() {
        return cond;
    }
    let escaped = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    cond.add(Expr::col(Column::NameKey).like(LikeExpr::new(format!("{escaped}%")).escape('\\')))
}

fn ordering(
    sort: SortBy,
    direction: super::window::Direction,
) -> super::window::Ordering<Column, Column> {
    super::window::Ordering {
        column: sort.column(),
        id: Column::Id,
        direction,
        nullable: sort != SortBy::Name,
    }
}

/// One page of clusters matching `filter`, in the requested order.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    sort: SortBy,
    direction: super::window::Direction,
    window: &super::window::Window,
) -> Result<super::window::Page<Model>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let order = ordering(sort, direction);
    let mut query = Entity::find().filter(order.seek(filter.condition(), window));
    for (expr, o) in order.order_by(window.from_end) {
        query = query.order_by(expr, o);
    }
    let rows = query.limit(window.limit + 1).all(db).await?;
    Ok(super::window::finish(rows, window))
}

/// How many clusters match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &Filter) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Entity::find().filter(filter.condition()).count(db).await
}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Slug.eq(slug)).one(db).await
}

/// How many clusters name each of `regions` as theirs.
pub async fn region_counts(
    db: &impl ConnectionTrait,
    regions: Option<&[String]>,
) -> Result<std::collections::HashMap<String, i64>, DbErr> {
    use sea_orm::QuerySelect;
    let query = Entity::find()
        .select_only()
        .column(Column::Region)
        .column_as(Column::Id.count(), "clusters");
    let query = match regions {
        Some(regions) => query.filter(Column::Region.is_in(regions.iter().cloned())),
        None => query.filter(Column::Region.is_not_null()),
    };
    let rows: Vec<(String, i64)> = query.group_by(Column::Region).into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}

pub async fn find_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// The country of each cluster `which` picks that has one: all a news item's document needs
/// of the clusters it names (whole rows carry the strategy texts).
pub async fn countries(
    db: &impl ConnectionTrait,
    which: impl sea_orm::sea_query::IntoCondition,
) -> Result<Vec<(i32, String)>, DbErr> {
    use sea_orm::QuerySelect;
    Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::CountryCode)
        .filter(which.into_condition())
        .filter(Column::CountryCode.is_not_null())
        .into_tuple()
        .all(db)
        .await
}

/// Every cluster's id and name, for resolving mentions.
pub async fn names(db: &impl ConnectionTrait) -> Result<Vec<(i32, String)>, DbErr> {
    use sea_orm::QuerySelect;
    Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::Name)
        .into_tuple()
        .all(db)
        .await
}

/// The profile fields of a cluster, as the importer states them.
#[derive(Clone, Debug, PartialEq)]
pub struct Fields {
    pub slug: String,
    pub name: String,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub established: Option<Date>,
    pub staff_count: Option<i32>,
    pub excellence_label: Option<String>,
    pub escp_membership: Option<String>,
    pub members: [Option<i32>; 5],
    pub scale_up_facilities: Option<String>,
    pub major_players: Option<String>,
    pub strategy: Option<String>,
    pub objectives: Option<String>,
    pub formalised_strategy: Option<bool>,
    pub internationalisation_strategy: Option<bool>,
    pub collaborates_with: Option<String>,
    pub source_url: Option<String>,
    pub members_startups: Option<i32>,
    /// One a line.
    pub other_labels: Option<String>,
    /// One a line.
    pub specialisation: Option<String>,
    pub current: Current,
}

/// What only the current profile layout states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Current {
    pub native_name: Option<String>,
    pub contact_person: Option<String>,
    /// (min, max) staff of the management team; no max for an open range ("50+").
    pub staff_range: Option<(i32, Option<i32>)>,
    pub completeness: Option<i32>,
    pub members_civil_society: Option<i32>,
    /// One service a line.
    pub upskilling: Option<String>,
}

impl super::versioned::Versioned for Fields {
    type Active = ActiveModel;

    fn of(m: &Model) -> Self {
        Self {
            slug: m.slug.clone(),
            name: m.name.clone(),
            country_code: m.country_code.clone(),
            region: m.region.clone(),
            established: m.established,
            staff_count: m.staff_count,
            excellence_label: m.excellence_label.clone(),
            escp_membership: m.escp_membership.clone(),
            members: [
                m.members_total,
                m.members_sme,
                m.members_large,
                m.members_research,
                m.members_other,
            ],
            scale_up_facilities: m.scale_up_facilities.clone(),
            major_players: m.major_players.clone(),
            strategy: m.strategy.clone(),
            objectives: m.objectives.clone(),
            formalised_strategy: m.formalised_strategy,
            internationalisation_strategy: m.internationalisation_strategy,
            collaborates_with: m.collaborates_with.clone(),
            source_url: m.source_url.clone(),
            members_startups: m.members_startups,
            other_labels: m.other_labels.clone(),
            specialisation: m.specialisation.clone(),
            current: Current {
                native_name: m.native_name.clone(),
                contact_person: m.contact_person.clone(),
                staff_range: m.staff_min.map(|min| (min, m.staff_max)),
                completeness: m.completeness,
                members_civil_society: m.members_civil_society,
                upskilling: m.upskilling.clone(),
            },
        }
    }

    fn apply(self, a: &mut ActiveModel) {
        use sea_orm::ActiveValue::Set;
        a.name_key = Set(crate::text::name_key(&self.name));
        a.slug = Set(self.slug);
        a.name = Set(self.name);
        a.country_code = Set(self.country_code);
        a.region = Set(self.region);
        a.established = Set(self.established);
        a.staff_count = Set(self.staff_count);
        a.excellence_label = Set(self.excellence_label);
        a.escp_membership = Set(self.escp_membership);
        let [total, sme, large, research, other] = self.members;
        a.members_total = Set(total);
        a.members_sme = Set(sme);
        a.members_large = Set(large);
        a.members_research = Set(research);
        a.members_other = Set(other);
        a.scale_up_facilities = Set(self.scale_up_facilities);
        a.major_players = Set(self.major_players);
        a.strategy = Set(self.strategy);
        a.objectives = Set(self.objectives);
        a.formalised_strategy = Set(self.formalised_strategy);
        a.internationalisation_strategy = Set(self.internationalisation_strategy);
        a.collaborates_with = Set(self.collaborates_with);
        a.source_url = Set(self.source_url);
        a.members_startups = Set(self.members_startups);
        a.other_labels = Set(self.other_labels);
        a.specialisation = Set(self.specialisation);
        let current = self.current;
        a.native_name = Set(current.native_name);
        a.contact_person = Set(current.contact_person);
        a.staff_min = Set(current.staff_range.map(|(min, _)| min));
        a.staff_max = Set(current.staff_range.and_then(|(_, max)| max));
        a.completeness = Set(current.completeness);
        a.members_civil_society = Set(current.members_civil_society);
        a.upskilling = Set(current.upskilling);
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

/// Inserts the cluster or updates `stored`, the row with its slug; a row whose fields already
/// match is left alone (no new version, no new timestamp). Returns the row as a parent of its
/// children, and whether anything changed.
pub async fn upsert(
    db: &impl ConnectionTrait,
    fields: Fields,
    stored: Option<Model>,
) -> Result<(Parent, bool), DbErr> {
    let named = stored.as_ref().is_none_or(|s| s.name != fields.name);
    let (parent, changed) = super::versioned::upsert(db, fields, stored).await?;
    if changed && named {
        super::name_stamp::touch(db).await?;
    }
    Ok((parent, changed))
}
