//! EU projects in the schema: their profiles and partnerships, each partner linked to its
//! cluster where the directory knows it.

use crate::graphql::date::Date;
use async_graphql::{Context, ID, Object};

use super::context::{Res, db, internal};
use super::ids::GlobalId;
use super::loaders::{ClusterById, PartnersOf, load, loader};
use super::types::{Cluster, Country};
use crate::store::{self, project::Model};

/// An EU project: a funded partnership of cluster organisations.
#[derive(Clone)]
pub struct Project(pub Model);

/// An organisation of a project's partnership.
pub struct ProjectPartner(store::project_partner::Model);

/// An EU project (COSME's Cluster Excellence calls, European Strategic Cluster
/// Partnerships...) as its profile on the platform states it.
#[Object]
impl Project {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        GlobalId::encode("Project", self.0.id)
    }
    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Stable identifier derived from the project's short name.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Name as the profile gives it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The programme line as written, e.g. "COSME/Cluster Excellence/2nd call".
    async fn programme(&self) -> Option<&str> {
        self.0.programme.as_deref()
    }
    /// First day of the project.
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }
    /// Last day of the project.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }
    /// Total budget in whole euros, where the profile states it.
    async fn total_budget_eur(&self) -> Option<f64> {
        self.0.total_budget_eur.map(|e| e as f64)
    }
    /// The EU's contribution in whole euros, where the profile states it.
    async fn eu_contribution_eur(&self) -> Option<f64> {
        self.0.eu_contribution_eur.map(|e| e as f64)
    }
    /// The type of partnership, e.g. "European Strategic Cluster Partnership".
    async fn partnership_type(&self) -> Option<&str> {
        self.0.partnership_type.as_deref()
    }
    /// The coordinator's country (current profiles).
    async fn country(&self) -> Option<Country> {
        self.0.country_code.as_deref().and_then(Country::of)
    }
    /// The coordinator's region (current profiles).
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// The contact person the current profile names.
    async fn contact_person(&self) -> Option<&str> {
        self.0.contact_person.as_deref()
    }
    /// How complete the current profile is, in percent.
    async fn completeness(&self) -> Option<i32> {
        self.0.completeness
    }
    /// Summary and objectives; objectives one a line.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// Address of the profile it was read from.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }
    /// The partnership, in the profile's order.
    async fn partners(&self, ctx: &Context<'_>) -> Res<Vec<ProjectPartner>> {
        let rows = loader(ctx)?.load_one(PartnersOf(self.0.id)).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(ProjectPartner)
            .collect())
    }
}

/// One organisation of a project's partnership.
#[Object]
impl ProjectPartner {
    /// Name as the profile writes it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Its role in the project, e.g. "Coordinator".
    async fn function(&self) -> Option<&str> {
        self.0.function.as_deref()
    }
    /// Its country.
    async fn country(&self) -> Option<Country> {
        self.0.country_code.as_deref().and_then(Country::of)
    }
    /// The cluster of the directory it is, when its name is one.
    async fn cluster(&self, ctx: &Context<'_>) -> Res<Option<Cluster>> {
        load(ctx, self.0.cluster_id.map(ClusterById), Cluster).await
    }
}

/// Every project, by name.
pub async fn all(ctx: &Context<'_>) -> Res<Vec<Project>> {
    let rows = store::project::all(db(ctx)?).await.map_err(internal)?;
    Ok(rows.into_iter().map(Project).collect())
}

/// The project of this slug.
pub async fn by_slug(ctx: &Context<'_>, slug: &str) -> Res<Option<Project>> {
    let row = store::project::find_by_slug(db(ctx)?, slug)
        .await
        .map_err(internal)?;
    Ok(row.map(Project))
}
