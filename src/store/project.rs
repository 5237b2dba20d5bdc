//! `project`: an EU project's profile (programme line, duration, budgets, partnership).

use sea_orm::Condition;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "project")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// As written: "COSME/Cluster Excellence/2nd call".
    pub programme: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub total_budget_eur: Option<i64>,
    pub eu_contribution_eur: Option<i64>,
    pub partnership_type: Option<String>,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub contact_person: Option<String>,
    pub completeness: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    pub source_url: Option<String>,
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

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

/// Every project by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QueryOrder;
    Entity::find()
        .order_by_asc(Column::Name)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// What a project's page states of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub slug: String,
    pub name: String,
    pub programme: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub total_budget_eur: Option<i64>,
    pub eu_contribution_eur: Option<i64>,
    pub partnership_type: Option<String>,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub contact_person: Option<String>,
    pub completeness: Option<i32>,
    pub summary: Option<String>,
    pub source_url: Option<String>,
}

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
            slug: m.slug.clone(),
            name: m.name.clone(),
            programme: m.programme.clone(),
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            total_budget_eur: m.total_budget_eur,
            eu_contribution_eur: m.eu_contribution_eur,
            partnership_type: m.partnership_type.clone(),
            country_code: m.country_code.clone(),
            region: m.region.clone(),
            contact_person: m.contact_person.clone(),
            completeness: m.completeness,
            summary: m.summary.clone(),
            source_url: m.source_url.clone(),
        }
    }

    fn apply(self, a: &mut ActiveModel) {
        use sea_orm::ActiveValue::Set;
        a.slug = Set(self.slug);
        a.name = Set(self.name);
        a.programme = Set(self.programme);
        a.starts_on = Set(self.starts_on);
        a.ends_on = Set(self.ends_on);
        a.total_budget_eur = Set(self.total_budget_eur);
        a.eu_contribution_eur = Set(self.eu_contribution_eur);
        a.partnership_type = Set(self.partnership_type);
        a.country_code = Set(self.country_code);
        a.region = Set(self.region);
        a.contact_person = Set(self.contact_person);
        a.completeness = Set(self.completeness);
        a.summary = Set(self.summary);
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
