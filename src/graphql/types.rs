//! API types: each wraps a store row and resolves its relations through the loaders.

use crate::graphql::date::Date;
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Enum, ID, Interface, Object, SimpleObject};

use super::connection::{self, ValueKind};
use super::context::{Res, db, internal};
use super::ids::GlobalId;
use super::loaders::*;
use crate::store::news::Parent;
use crate::store::window::{Direction, Key};
use crate::store::{self, Scope, TermKind};

/// Anything with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[expect(
    clippy::large_enum_variant,
    reason = "nodes are short-lived response values"
)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    Cluster(Cluster),
    Network(Network),
    NewsItem(NewsItem),
    Programme(Programme),
    Event(super::events::Event),
    Project(super::projects::Project),
}

/// A country, by its ISO 3166-1 alpha-2 code.
#[derive(SimpleObject, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, e.g. "MK".
    pub code: String,
    /// English name, e.g. "North Macedonia".
    pub name: String,
}

impl Country {
    pub fn of(code: &str) -> Option<Self> {
        crate::geo::by_code(code).map(|c| Self {
            code: c.code.into(),
            name: c.name.into(),
        })
    }
}

/// The Cluster Excellence Label level.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ExcellenceLabel {
    /// The bronze label.
    Bronze,
    /// The silver label.
    Silver,
    /// The gold label.
    Gold,
}

impl ExcellenceLabel {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "BRONZE" => Some(Self::Bronze),
            "SILVER" => Some(Self::Silver),
            "GOLD" => Some(Self::Gold),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bronze => "BRONZE",
            Self::Silver => "SILVER",
            Self::Gold => "GOLD",
        }
    }
}

/// What a network is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::store::network::NetworkKind")]
pub enum NetworkKind {
    /// A network of clusters, with members and news of its own.
    Network,
    /// A strategic partnership of clusters, such as a European Strategic Cluster
    /// Partnership.
    Partnership,
}

/// A taxonomy: one of the profile's fixed lists.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::store::TermKind")]
pub enum TaxonomyKind {
    /// Sectoral industries (European Cluster Observatory categories).
    Sector,
    /// Technology fields.
    TechnologyField,
    /// S3 EU priority areas.
    S3Priority,
    /// Emerging industries.
    EmergingIndustry,
    /// Support service types provided.
    ServiceType,
    /// Types of cooperation activity undertaken.
    ActivityType,
    /// Languages spoken.
    Language,
}

/// Where an activity reaches.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::store::Scope")]
pub enum ReachScope {
    /// Outside Europe.
    International,
    /// Within Europe (trans-national).
    European,
    /// A regional or national programme.
    National,
}

/// A value of a taxonomy.
#[derive(SimpleObject, Clone)]
pub struct Term {
    /// The taxonomy this term belongs to.
    pub kind: TaxonomyKind,
    /// The term as the platform lists it.
    pub name: String,
}

impl Term {
    fn of(m: &store::term::Model) -> Option<Self> {
        TermKind::parse(&m.kind).map(|k| Self {
            kind: k.into(),
            name: m.name.clone(),
        })
    }
}

/// A term with the number of clusters that picked it.
#[derive(SimpleObject, Clone)]
pub struct TermCount {
    /// The term.
    pub term: Term,
    /// Number of clusters that picked it.
    pub clusters: i64,
}

/// A member of the cluster management team.
#[derive(SimpleObject, Clone)]
pub struct Contact {
    /// Role, e.g. "Cluster Manager".
    pub role: String,
    /// Name, where the profile gives one.
    pub name: Option<String>,
    /// Phone number as written.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// Member counts; each is null when the profile leaves it empty (unknown, not zero).
#[derive(SimpleObject, Clone)]
pub struct Composition {
    /// Total number of members.
    pub total: Option<i32>,
    /// Number of SME members.
    pub sme: Option<i32>,
    /// Number of larger company members.
    pub large_companies: Option<i32>,
    /// Number of research organisations, universities and technology centres.
    pub research_organisations: Option<i32>,
    /// Number of other ecosystem actors.
    pub other_actors: Option<i32>,
    /// Number of start-ups among the SME members (current profile layout).
    pub startups: Option<i32>,
    /// Number of civil society members (current profile layout).
    pub civil_society: Option<i32>,
}

/// The management team's staff as a range, as the current profile layout states it.
#[derive(SimpleObject, Clone)]
pub struct StaffRange {
    /// At least this many people.
    pub min: i32,
    /// At most this many people; null for an open range such as "50+".
    pub max: Option<i32>,
}

/// Countries and activities of one cooperation scope.
#[derive(SimpleObject, Clone)]
pub struct Cooperation {
    /// Outside Europe (international) or within it (European/trans-national).
    pub scope: ReachScope,
    /// Main countries addressed.
    pub countries: Vec<Country>,
    /// Activity types undertaken to support members.
    pub activities: Vec<String>,
}

/// A group of support services, under its heading where the page kept it.
#[derive(SimpleObject, Clone)]
pub struct Service {
    /// Global id, for `updateService` and `deleteService`.
    pub id: ID,
    /// The group heading; null where the page lost it.
    pub heading: Option<String>,
    /// The services in the group.
    pub items: Vec<String>,
}

impl Service {
    pub fn of(group: store::service_group::Model, items: Vec<String>) -> Self {
        Self {
            id: GlobalId::encode("Service", group.id),
            heading: group.heading,
            items,
        }
    }
}

/// The lines of a one-a-line column; none for null.
fn lines_of(text: Option<&str>) -> Vec<&str> {
    text.map(|t| t.lines().collect()).unwrap_or_default()
}

/// A cluster organisation and everything its profile states.
#[derive(Clone)]
pub struct Cluster(pub store::cluster::Model);

/// Orders for the cluster list.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ClusterOrderField {
    /// By name, case and diacritics ignored.
    Name,
    /// By date established; unknown dates last.
    Established,
    /// By total members; unknown counts last.
    MembersTotal,
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum OrderDirection {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

impl From<OrderDirection> for Direction {
    fn from(d: OrderDirection) -> Self {
        match d {
            OrderDirection::Asc => Direction::Asc,
            OrderDirection::Desc => Direction::Desc,
        }
    }
}

/// The news items mentioning a parent, newest first; cut per parent in SQL.
pub async fn news_mentioning(
    ctx: &Context<'_>,
    parent: Parent,
    id: i32,
    first: Option<i32>,
    after: Option<String>,
) -> Res<Connection<String, NewsItem, NewsTotal>> {
    const TAG: &str = "mentions:desc";
    let window = connection::window(TAG, ValueKind::Date, first, after.as_deref(), None, None)?;
    let after_key = match &window.after {
        Some(Key {
            value: sea_orm::Value::ChronoDate(Some(d)),
            id,
        }) => Some((**d, *id)),
        Some(_) => return Err(crate::Error::invalid_field("after", "cursor is damaged").into()),
        None => None,
    };
    let (rows, of) = loader(ctx)?
        .load_one(NewsOf {
            parent,
            id,
            limit: window.limit,
            after: after_key,
        })
        .await?
        .unwrap_or_default();
    // Without a cursor the page was cut from the whole set, and counted it.
    let total = match after_key {
        None => NewsTotal::Counted(of),
        Some(_) => NewsTotal::Mentioning(NewsCountOf { parent, id }),
    };
    let page = store::window::finish(rows, &window);
    Ok(connection::of_page(
        page,
        TAG,
        |n| Key {
            value: n.sort_on.into(),
            id: n.id,
        },
        NewsItem,
        total,
    ))
}

/// How a news connection counts its whole set.
pub enum NewsTotal {
    /// Counted already, by the statement that read the page.
    Counted(i64),
    Mentioning(NewsCountOf),
    Filtered(store::news::Filter),
}

#[Object]
impl NewsTotal {
    /// Number of items in the whole list, not just this page.
    async fn total_count(&self, ctx: &Context<'_>) -> Res<i64> {
        match self {
            Self::Counted(n) => Ok(*n),
            Self::Mentioning(k) => Ok(loader(ctx)?.load_one(*k).await?.unwrap_or(0)),
            Self::Filtered(f) => {
                let db = db(ctx)?;
                let n = store::news::count(db, f).await.map_err(internal)?;
                Ok(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    }
}

impl Cluster {
    async fn terms_of(&self, ctx: &Context<'_>, kind: Option<TaxonomyKind>) -> Res<Vec<Term>> {
        let rows = loader(ctx)?
            .load_one(TermsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .iter()
            .filter_map(Term::of)
            .filter(|t| kind.is_none_or(|k| t.kind == k))
            .collect())
    }
}

/// A cluster organisation and everything its profile states.
#[Object]
impl Cluster {
    /// Opaque global id.
    async fn id(&self) -> ID {
        GlobalId::encode("Cluster", self.0.id)
    }
    /// URL-safe key, e.g. "masit".
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Name of the cluster organisation.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Country of the cluster organisation.
    async fn country(&self) -> Option<Country> {
        self.0.country_code.as_deref().and_then(Country::of)
    }
    /// Region within the country, e.g. "Vojvodina".
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// Date the organisation was established.
    async fn established(&self) -> Option<Date> {
        self.0.established.map(Date)
    }
    /// Staff in the management team, as the old profile layout counts it.
    async fn staff_count(&self) -> Option<i32> {
        self.0.staff_count
    }
    /// Staff in the management team as a range ("1-5"), as the current layout states it.
    async fn staff_range(&self) -> Option<StaffRange> {
        Some(StaffRange {
            min: self.0.staff_min?,
            max: self.0.staff_max,
        })
    }
    /// The name in the cluster's own language, where the profile gives it.
    async fn native_name(&self) -> Option<&str> {
        self.0.native_name.as_deref()
    }
    /// The contact person the current profile layout names.
    async fn contact_person(&self) -> Option<&str> {
        self.0.contact_person.as_deref()
    }
    /// How complete the platform says the profile is, in percent.
    async fn completeness(&self) -> Option<i32> {
        self.0.completeness
    }
    /// Support services for upskilling and reskilling the members' workforce.
    async fn upskilling_services(&self) -> Vec<&str> {
        lines_of(self.0.upskilling.as_deref())
    }
    /// Cluster Excellence Label, if any.
    async fn excellence_label(&self) -> Option<ExcellenceLabel> {
        self.0
            .excellence_label
            .as_deref()
            .and_then(ExcellenceLabel::parse)
    }
    /// Labels other than the Cluster Excellence Label, as written (e.g. an ESCP-4i label).
    async fn other_labels(&self) -> Vec<&str> {
        lines_of(self.0.other_labels.as_deref())
    }
    /// Areas of specialisation the taxonomies do not cover, as written.
    async fn specialisation(&self) -> Vec<&str> {
        lines_of(self.0.specialisation.as_deref())
    }
    /// Membership of European Strategic Cluster Partnerships (ESCP-4i or ESCP-S3), as written.
    async fn escp_membership(&self) -> Option<&str> {
        self.0.escp_membership.as_deref()
    }
    /// Member counts.
    async fn composition(&self) -> Composition {
        Composition {
            total: self.0.members_total,
            sme: self.0.members_sme,
            large_companies: self.0.members_large,
            research_organisations: self.0.members_research,
            other_actors: self.0.members_other,
            startups: self.0.members_startups,
            civil_society: self.0.members_civil_society,
        }
    }
    /// Entrepreneurship and scale-up support facilities in the ecosystem.
    async fn scale_up_facilities(&self) -> Option<&str> {
        self.0.scale_up_facilities.as_deref()
    }
    /// Names and links of major players.
    async fn major_players(&self) -> Option<&str> {
        self.0.major_players.as_deref()
    }
    /// Strategy text: vision, mission, goals; paragraphs separated by blank lines.
    async fn strategy(&self) -> Option<&str> {
        self.0.strategy.as_deref()
    }
    /// Objectives, the strategy's bullet points.
    async fn objectives(&self) -> Vec<&str> {
        self.0
            .objectives
            .as_deref()
            .map(|o| o.lines().collect())
            .unwrap_or_default()
    }
    /// Partner matchmaking: the clusters sharing the most with this one (taxonomy terms,
    /// cooperation target countries, distinctive strategy words), each with what it shares.
    #[graphql(complexity = "connection::page_cost(Some(first), child_complexity)")]
    async fn similar(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = 5,
            desc = "How many similar clusters to return (at most 100)."
        )]
        first: i32,
    ) -> Res<Vec<super::similar::SimilarCluster>> {
        super::similar::of(ctx, &self.0, first).await
    }
    /// Does the cluster have a formalised strategy? Null when unknown.
    async fn formalised_strategy(&self) -> Option<bool> {
        self.0.formalised_strategy
    }
    /// Does the strategy address internationalisation? Null when unknown.
    async fn internationalisation_strategy(&self) -> Option<bool> {
        self.0.internationalisation_strategy
    }
    /// Which clusters it collaborates with, as written.
    async fn collaborates_with(&self) -> Option<&str> {
        self.0.collaborates_with.as_deref()
    }
    /// Address of the source profile page.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }
    /// Version of the record, raised by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The cluster management team, in profile order.
    async fn contacts(&self, ctx: &Context<'_>) -> Res<Vec<Contact>> {
        let rows = loader(ctx)?
            .load_one(ContactsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|c| Contact {
                role: c.role,
                name: c.name,
                phone: c.phone,
                email: c.email,
            })
            .collect())
    }
    /// Terms picked, of one taxonomy or of all.
    async fn terms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the terms of this taxonomy; all of them when absent.")] kind: Option<
            TaxonomyKind,
        >,
    ) -> Res<Vec<Term>> {
        self.terms_of(ctx, kind).await
    }
    /// Sectoral industries.
    async fn sectors(&self, ctx: &Context<'_>) -> Res<Vec<Term>> {
        self.terms_of(ctx, Some(TaxonomyKind::Sector)).await
    }
    /// Technology fields.
    async fn technology_fields(&self, ctx: &Context<'_>) -> Res<Vec<Term>> {
        self.terms_of(ctx, Some(TaxonomyKind::TechnologyField))
            .await
    }
    /// S3 EU priority areas.
    async fn s3_priorities(&self, ctx: &Context<'_>) -> Res<Vec<Term>> {
        self.terms_of(ctx, Some(TaxonomyKind::S3Priority)).await
    }
    /// Emerging industries.
    async fn emerging_industries(&self, ctx: &Context<'_>) -> Res<Vec<Term>> {
        self.terms_of(ctx, Some(TaxonomyKind::EmergingIndustry))
            .await
    }
    /// Support service types provided.
    async fn service_types(&self, ctx: &Context<'_>) -> Res<Vec<Term>> {
        self.terms_of(ctx, Some(TaxonomyKind::ServiceType)).await
    }
    /// Languages spoken.
    async fn languages(&self, ctx: &Context<'_>) -> Res<Vec<Term>> {
        self.terms_of(ctx, Some(TaxonomyKind::Language)).await
    }
    /// Cooperation targets and activities, per scope.
    async fn cooperation(&self, ctx: &Context<'_>) -> Res<Vec<Cooperation>> {
        let l = loader(ctx)?;
        let (countries, activities) = futures::try_join!(
            l.load_one(CountriesOf(self.0.id)),
            l.load_one(ActivitiesOf(self.0.id))
        )?;
        let mut out = Vec::new();
        for scope in [Scope::International, Scope::European] {
            let cs: Vec<Country> = countries
                .iter()
                .flatten()
                .filter(|c| c.scope == scope.as_str())
                .filter_map(|c| Country::of(&c.country_code))
                .collect();
            let acts: Vec<String> = activities
                .iter()
                .flatten()
                .filter(|(s, _)| s == scope.as_str())
                .map(|(_, t)| t.name.clone())
                .collect();
            if !cs.is_empty() || !acts.is_empty() {
                out.push(Cooperation {
                    scope: scope.into(),
                    countries: cs,
                    activities: acts,
                });
            }
        }
        Ok(out)
    }
    /// Support services, grouped as the profile details them.
    async fn services(&self, ctx: &Context<'_>) -> Res<Vec<Service>> {
        let rows = loader(ctx)?
            .load_one(ServicesOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|(g, items)| Service::of(g, items))
            .collect())
    }
    /// Funded programmes the cluster took part in.
    async fn programmes(&self, ctx: &Context<'_>) -> Res<Vec<ProgrammeParticipation>> {
        let rows = loader(ctx)?
            .load_one(ParticipationsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|(row, programme)| ProgrammeParticipation(row, programme))
            .collect())
    }
    /// EU projects whose partnership names the cluster, by name.
    async fn projects(&self, ctx: &Context<'_>) -> Res<Vec<super::projects::Project>> {
        let partnering = loader(ctx)?
            .load_one(PartneringOf(self.0.id))
            .await?
            .unwrap_or_default();
        let ids = partnering.iter().map(|(_, p)| ProjectById(p.project_id));
        let mut projects = loader(ctx)?.load_each(ids).await?;
        projects.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        projects.dedup_by_key(|p| p.id);
        Ok(projects.into_iter().map(super::projects::Project).collect())
    }
    /// Networks and partnerships the cluster belongs to.
    async fn networks(&self, ctx: &Context<'_>) -> Res<Vec<NetworkMembership>> {
        let rows = loader(ctx)?
            .load_one(MembershipsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|(row, network)| NetworkMembership(row, network))
            .collect())
    }
    /// News items that name this cluster, newest first.
    #[graphql(complexity = "connection::page_cost(first, child_complexity)")]
    async fn news(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item of the previous page.")] after: Option<String>,
    ) -> Res<Connection<String, NewsItem, NewsTotal>> {
        news_mentioning(ctx, Parent::Cluster, self.0.id, first, after).await
    }
}

/// A cluster's part in a funded programme.
#[derive(Clone)]
pub struct ProgrammeParticipation(
    pub store::participation::Model,
    /// The programme, when the participation was read joined with it.
    pub Option<store::programme::Model>,
);

/// A cluster's part in a funded programme, as its profile states it.
#[Object]
impl ProgrammeParticipation {
    /// Global id, for `deleteParticipation`.
    async fn id(&self) -> ID {
        GlobalId::encode("Participation", self.0.id)
    }
    /// European, or regional/national.
    async fn scope(&self) -> ReachScope {
        Scope::parse(&self.0.scope).unwrap_or_default().into()
    }
    /// The profile's row, as written.
    async fn as_written(&self) -> &str {
        &self.0.as_written
    }
    /// The programme.
    async fn programme(&self, ctx: &Context<'_>) -> Res<Option<Programme>> {
        if let Some(programme) = &self.1 {
            return Ok(Some(Programme(programme.clone())));
        }
        load(ctx, Some(ProgrammeById(self.0.programme_id)), Programme).await
    }
    /// The participating cluster.
    async fn cluster(&self, ctx: &Context<'_>) -> Res<Option<Cluster>> {
        load(ctx, Some(ClusterById(self.0.cluster_id)), Cluster).await
    }
}

/// A funded support programme or project.
#[derive(Clone)]
pub struct Programme(pub store::programme::Model);

/// A funded support programme clusters take part in (e.g. Horizon 2020, COSME).
#[Object]
impl Programme {
    /// Opaque global id.
    async fn id(&self) -> ID {
        GlobalId::encode("Programme", self.0.id)
    }
    /// Short name or acronym, e.g. "WINS-ICT".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Full title, where given.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Framework, e.g. FP6, FP7, H2020, COSME.
    async fn framework(&self) -> Option<&str> {
        self.0.framework.as_deref()
    }
    /// Link to the programme's site.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Every cluster's participation in it.
    async fn participants(&self, ctx: &Context<'_>) -> Res<Vec<ProgrammeParticipation>> {
        let rows = loader(ctx)?
            .load_one(ParticipantsOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| ProgrammeParticipation(row, None))
            .collect())
    }
}

/// A network of clusters or a strategic partnership.
#[derive(Clone)]
pub struct Network(pub store::network::Model);

/// A cluster network or partnership, with its members and the news it publishes.
#[Object]
impl Network {
    /// Opaque global id.
    async fn id(&self) -> ID {
        GlobalId::encode("Network", self.0.id)
    }
    /// Increases with every change; updates and deletes name the version they read.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// URL-safe key, e.g. "bbs-ict".
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// A network of clusters, or a partnership.
    async fn kind(&self) -> NetworkKind {
        self.0.kind.into()
    }
    /// Label, e.g. "ESCP-4i".
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }
    /// Web site.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// What the network's own page says of it, paragraphs separated by blank lines.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The organisation that coordinates it, as its page names it.
    async fn coordinator(&self) -> Option<&str> {
        self.0.coordinator.as_deref()
    }
    /// Contact e-mail address, where the page shows it (many hide theirs).
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// The year it started, as its page states it ("Since 1997").
    async fn founded_year(&self) -> Option<i32> {
        self.0.founded_year
    }
    /// Cluster organisations it gathers, as its page counts them (often a round figure).
    async fn member_organisations(&self) -> Option<i32> {
        self.0.member_organisations
    }
    /// The members its own page lists by name, as written; those naming a cluster of the
    /// directory are among `members` too.
    async fn listed_members(&self) -> Vec<&str> {
        self.0
            .listed_members
            .as_deref()
            .map(|names| names.lines().collect())
            .unwrap_or_default()
    }
    /// Member clusters.
    async fn members(&self, ctx: &Context<'_>) -> Res<Vec<NetworkMembership>> {
        let rows = loader(ctx)?
            .load_one(MembersOf(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| NetworkMembership(row, None))
            .collect())
    }
    /// News items that name this network, newest first.
    #[graphql(complexity = "connection::page_cost(first, child_complexity)")]
    async fn news(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item of the previous page.")] after: Option<String>,
    ) -> Res<Connection<String, NewsItem, NewsTotal>> {
        news_mentioning(ctx, Parent::Network, self.0.id, first, after).await
    }
}

/// A cluster's membership of a network.
#[derive(Clone)]
pub struct NetworkMembership(
    pub store::membership::Model,
    /// The network, when the membership was read joined with it.
    pub Option<store::network::Model>,
);

/// A cluster's membership of a network, and which profile field says so.
#[Object]
impl NetworkMembership {
    /// What states it: the profile's MEMBERSHIP_FIELD or COLLABORATION_FIELD, or the
    /// network's own page (NETWORK_PAGE).
    async fn basis(&self) -> &str {
        &self.0.basis
    }
    /// The network's name as the profile wrote it.
    async fn as_written(&self) -> &str {
        &self.0.as_written
    }
    /// The network.
    async fn network(&self, ctx: &Context<'_>) -> Res<Option<Network>> {
        if let Some(network) = &self.1 {
            return Ok(Some(Network(network.clone())));
        }
        load(ctx, Some(NetworkById(self.0.network_id)), Network).await
    }
    /// The member cluster.
    async fn cluster(&self, ctx: &Context<'_>) -> Res<Option<Cluster>> {
        load(ctx, Some(ClusterById(self.0.cluster_id)), Cluster).await
    }
}

/// An item of a network's news page.
#[derive(Clone)]
pub struct NewsItem(pub store::news::Model);

/// An organisation a news item names: resolved to a cluster or network where known.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Mention {
    /// The name as the item writes it.
    pub name: String,
    #[graphql(skip)]
    pub cluster_id: Option<i32>,
    #[graphql(skip)]
    pub network_id: Option<i32>,
}

#[ComplexObject]
impl Mention {
    /// The cluster named, if it is in the directory.
    async fn cluster(&self, ctx: &Context<'_>) -> Res<Option<Cluster>> {
        load(ctx, self.cluster_id.map(ClusterById), Cluster).await
    }
    /// The network named, if known.
    async fn network(&self, ctx: &Context<'_>) -> Res<Option<Network>> {
        load(ctx, self.network_id.map(NetworkById), Network).await
    }
}

impl NewsItem {
    async fn mention_rows(&self, ctx: &Context<'_>) -> Res<Vec<store::news_mention::Model>> {
        Ok(loader(ctx)?
            .load_one(MentionsOf(self.0.id))
            .await?
            .unwrap_or_default())
    }
}

/// A news item: an item of a network's news page, or an article of the platform, with the
/// organisations it names.
#[Object]
impl NewsItem {
    /// Opaque global id.
    async fn id(&self) -> ID {
        GlobalId::encode("NewsItem", self.0.id)
    }
    /// Increases with every change; updates and deletes name the version they read.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Title; most items have none.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Publication date, as published; null when the page states none (an article copied
    /// without its byline).
    async fn published_on(&self) -> Option<Date> {
        self.0.published_on.map(Date)
    }
    /// The date as written, e.g. "December 04, 2016"; null when the page states none.
    async fn published_as(&self) -> Option<&str> {
        self.0.published_as.as_deref()
    }
    /// The author an article's byline names; a name the byline cut short is completed from
    /// another article by the same author where exactly one matches.
    async fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
    /// The name of the cluster organisation an article is filed under, as its footer writes
    /// it.
    async fn filed_under_name(&self) -> Option<&str> {
        self.0.filed_under.as_deref()
    }
    /// The cluster of the directory an article is filed under, when its footer's name is one.
    async fn filed_under(&self, ctx: &Context<'_>) -> Res<Option<Cluster>> {
        let Some(name) = &self.0.filed_under else {
            return Ok(None);
        };
        let mentions = self.mention_rows(ctx).await?;
        let id = mentions
            .iter()
            .find(|m| &m.name == name)
            .and_then(|m| m.cluster_id);
        load(ctx, id.map(ClusterById), Cluster).await
    }
    /// True when the date breaks the page's newest-first order and is probably wrong.
    async fn date_suspect(&self) -> bool {
        self.0.date_suspect
    }
    /// Body text; paragraphs separated by blank lines.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Address of the page it was published on.
    async fn source_url(&self) -> &str {
        &self.0.source_url
    }
    /// The network that published it.
    async fn publisher(&self, ctx: &Context<'_>) -> Res<Option<Network>> {
        load(ctx, self.0.publisher_id.map(NetworkById), Network).await
    }
    /// Every organisation the item names, resolved or not.
    async fn mentions(&self, ctx: &Context<'_>) -> Res<Vec<Mention>> {
        Ok(self
            .mention_rows(ctx)
            .await?
            .into_iter()
            .map(|m| Mention {
                name: m.name,
                cluster_id: m.cluster_id,
                network_id: m.network_id,
            })
            .collect())
    }
    /// Clusters of the directory the item names.
    async fn clusters(&self, ctx: &Context<'_>) -> Res<Vec<Cluster>> {
        let mentions = self.mention_rows(ctx).await?;
        let keys = mentions
            .iter()
            .filter_map(|m| m.cluster_id.map(ClusterById));
        Ok(loader(ctx)?
            .load_each(keys)
            .await?
            .into_iter()
            .map(Cluster)
            .collect())
    }
    /// Networks the item names.
    async fn networks(&self, ctx: &Context<'_>) -> Res<Vec<Network>> {
        let mentions = self.mention_rows(ctx).await?;
        let keys = mentions
            .iter()
            .filter_map(|m| m.network_id.map(NetworkById));
        Ok(loader(ctx)?
            .load_each(keys)
            .await?
            .into_iter()
            .map(Network)
            .collect())
    }
}
