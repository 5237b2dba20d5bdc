//! The query root: directory lookups, filtered lists and taxonomy facets.

use crate::graphql::date::Date;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object};

use super::connection::{self, ValueKind};
use super::context::*;
use super::ids::GlobalId;
use super::types::*;
use crate::store::cluster::SortBy;
use crate::store::window::{Direction, Key};
use crate::store::{self, TermKind};

pub struct QueryRoot;

/// The node a global id names.
async fn load_node(ctx: &Context<'_>, id: ID) -> Res<Option<Node>> {
    use super::loaders::{
        ClusterById, EventById, NetworkById, NewsById, ProgrammeById, ProjectById, load,
    };
    let GlobalId { kind, id } = GlobalId::decode(&id)?;
    match kind {
        "Cluster" => load(ctx, Some(ClusterById(id)), |m| Node::Cluster(Cluster(m))).await,
        "Network" => load(ctx, Some(NetworkById(id)), |m| Node::Network(Network(m))).await,
        "Programme" => {
            load(ctx, Some(ProgrammeById(id)), |m| {
                Node::Programme(Programme(m))
            })
            .await
        }
        "NewsItem" => load(ctx, Some(NewsById(id)), |m| Node::NewsItem(NewsItem(m))).await,
        "Event" => {
            load(ctx, Some(EventById(id)), |m| {
                Node::Event(super::events::Event(m))
            })
            .await
        }
        "Project" => {
            load(ctx, Some(ProjectById(id)), |m| {
                Node::Project(super::projects::Project(m))
            })
            .await
        }
        _ => Ok(None),
    }
}

/// Cluster filters: fields are ANDed; several values of one field are ORed.
#[derive(InputObject, Default)]
pub struct ClusterFilter {
    /// ISO 3166-1 alpha-2 country codes.
    pub country: Option<Vec<String>>,
    /// Regions, e.g. "Vojvodina".
    pub region: Option<Vec<String>>,
    /// Sectoral industries, by name.
    pub sector: Option<Vec<String>>,
    /// Technology fields, by name.
    pub technology_field: Option<Vec<String>>,
    /// S3 EU priority areas, by name.
    pub s3_priority: Option<Vec<String>>,
    /// Emerging industries, by name.
    pub emerging_industry: Option<Vec<String>>,
    /// Support service types, by name.
    pub service_type: Option<Vec<String>>,
    /// Cooperation activity types, by name.
    pub activity_type: Option<Vec<String>>,
    /// Languages spoken.
    pub language: Option<Vec<String>>,
    /// Cluster Excellence Label levels.
    pub excellence_label: Option<Vec<ExcellenceLabel>>,
    /// Slugs of networks the cluster belongs to.
    pub network: Option<Vec<String>>,
    /// Frameworks of programmes the cluster took part in, e.g. FP7, H2020, COSME.
    pub programme_framework: Option<Vec<String>>,
    /// Established in this year or later.
    pub established_from: Option<i32>,
    /// Established in this year or earlier.
    pub established_to: Option<i32>,
    /// Name starts with this (case and diacritics ignored).
    pub name_prefix: Option<String>,
}

impl From<ClusterFilter> for store::cluster::Filter {
    fn from(f: ClusterFilter) -> Self {
        let terms = [
            (TermKind::Sector, f.sector),
            (TermKind::TechnologyField, f.technology_field),
            (TermKind::S3Priority, f.s3_priority),
            (TermKind::EmergingIndustry, f.emerging_industry),
            (TermKind::ServiceType, f.service_type),
            (TermKind::ActivityType, f.activity_type),
            (TermKind::Language, f.language),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        Self {
            countries: f.country.unwrap_or_default(),
            regions: f.region.unwrap_or_default(),
            terms,
            excellence_labels: f
                .excellence_label
                .unwrap_or_default()
                .into_iter()
                .map(|l| l.as_str().to_owned())
                .collect(),
            networks: f.network.unwrap_or_default(),
            frameworks: f.programme_framework.unwrap_or_default(),
            established_from: f.established_from,
            established_to: f.established_to,
            name_prefix: f.name_prefix,
        }
    }
}

/// How to order the cluster list.
#[derive(InputObject)]
pub struct ClusterOrder {
    /// The field to sort by.
    pub field: ClusterOrderField,
    /// Ascending or descending; unknown values come last either way.
    #[graphql(default_with = "OrderDirection::Asc")]
    pub direction: OrderDirection,
}

/// News filters: fields are ANDed; several values of one field are ORed.
#[derive(InputObject, Default)]
pub struct NewsFilter {
    /// Slugs of the publishing networks.
    pub publisher: Option<Vec<String>>,
    /// Slugs of clusters the item names.
    pub cluster: Option<Vec<String>>,
    /// Published on or after this date.
    pub from: Option<Date>,
    /// Published on or before this date.
    pub to: Option<Date>,
    /// Only items whose date is (or is not) suspect.
    pub date_suspect: Option<bool>,
}

impl From<NewsFilter> for store::news::Filter {
    fn from(f: NewsFilter) -> Self {
        Self {
            publishers: f.publisher.unwrap_or_default(),
            mentions_clusters: f.cluster.unwrap_or_default(),
            from: f.from.map(|d| d.0),
            to: f.to.map(|d| d.0),
            date_suspect: f.date_suspect,
        }
    }
}

/// The count of the network list.
pub struct NetworkTotal(Option<store::network::NetworkKind>);

#[Object]
impl NetworkTotal {
    /// Number of networks of the kind asked, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Res<u64> {
        store::network::count(db(ctx)?, self.0)
            .await
            .map_err(internal)
    }
}

/// The count of a filtered cluster list.
pub struct ClusterTotal(store::cluster::Filter);

#[Object]
impl ClusterTotal {
    /// Number of clusters matching the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Res<u64> {
        store::cluster::count(db(ctx)?, &self.0)
            .await
            .map_err(internal)
    }
}

/// Reads: clusters, networks, programmes and news with their relations, nodes by global id,
/// taxonomies, search and autocomplete.
#[Object]
#[expect(clippy::too_many_arguments, reason = "Relay connection arguments")]
impl QueryRoot {
    /// A cluster by its slug; null when there is none.
    async fn cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "e.g. \"masit\"")] slug: String,
    ) -> Res<Option<Cluster>> {
        Ok(store::cluster::find_by_slug(db(ctx)?, &slug)
            .await
            .map_err(internal)?
            .map(Cluster))
    }

    /// Clusters matching a filter, in pages.
    #[graphql(complexity = "connection::page_cost(first.or(last), child_complexity)")]
    async fn clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which clusters.")] filter: Option<ClusterFilter>,
        #[graphql(desc = "Order; by name ascending when omitted.")] order_by: Option<ClusterOrder>,
        #[graphql(desc = "Page size from the start, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Res<Connection<String, Cluster, ClusterTotal>> {
        let (field, direction) = order_by
            .map_or((ClusterOrderField::Name, OrderDirection::Asc), |o| {
                (o.field, o.direction)
            });
        let (sort, kind, name) = match field {
            ClusterOrderField::Name => (SortBy::Name, ValueKind::Text, "name"),
            ClusterOrderField::Established => (SortBy::Established, ValueKind::Date, "established"),
            ClusterOrderField::MembersTotal => (SortBy::MembersTotal, ValueKind::Int, "members"),
        };
        let direction: Direction = direction.into();
        let tag = format!("clusters:{name}:{direction:?}");
        let window =
            connection::window(&tag, kind, first, after.as_deref(), last, before.as_deref())?;
        let filter: store::cluster::Filter = filter.unwrap_or_default().into();
        let page = store::cluster::page(db(ctx)?, &filter, sort, direction, &window)
            .await
            .map_err(internal)?;
        Ok(connection::of_page(
            page,
            &tag,
            |c| Key {
                value: sort.value_of(c),
                id: c.id,
            },
            Cluster,
            ClusterTotal(filter),
        ))
    }

    /// A network or partnership by its slug; null when there is none.
    async fn network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "e.g. \"bbs-ict\"")] slug: String,
    ) -> Res<Option<Network>> {
        Ok(store::network::find_by_slug(db(ctx)?, &slug)
            .await
            .map_err(internal)?
            .map(Network))
    }

    /// Networks and partnerships by name, in pages.
    #[graphql(complexity = "connection::page_cost(first.or(last), child_complexity)")]
    async fn networks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only networks of this kind; both kinds when omitted.")] kind: Option<
            super::types::NetworkKind,
        >,
        #[graphql(desc = "Page size from the start, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Res<Connection<String, Network, NetworkTotal>> {
        let tag = "networks:name";
        let window = connection::window(
            tag,
            ValueKind::Text,
            first,
            after.as_deref(),
            last,
            before.as_deref(),
        )?;
        let kind = kind.map(Into::into);
        let page = store::network::page(db(ctx)?, kind, &window)
            .await
            .map_err(internal)?;
        Ok(connection::of_page(
            page,
            tag,
            |n| Key {
                value: n.name.clone().into(),
                id: n.id,
            },
            Network,
            NetworkTotal(kind),
        ))
    }

    /// Funded programmes, optionally of some frameworks only, by name.
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Frameworks, e.g. FP7, H2020, COSME.")] framework: Option<Vec<String>>,
    ) -> Res<Vec<Programme>> {
        let rows = store::programme::list(db(ctx)?, &framework.unwrap_or_default())
            .await
            .map_err(internal)?;
        Ok(rows.into_iter().map(Programme).collect())
    }

    /// News items, newest first unless `orderBy` says otherwise, in pages.
    #[graphql(complexity = "connection::page_cost(first.or(last), child_complexity)")]
    async fn news(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items.")] filter: Option<NewsFilter>,
        #[graphql(
            desc = "Publication date order; DESC (newest first) when omitted. Undated items come last newest-first and first oldest-first."
        )]
        order_by: Option<OrderDirection>,
        #[graphql(desc = "Page size from the start, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Res<Connection<String, NewsItem, NewsTotal>> {
        let direction: Direction = order_by.unwrap_or(OrderDirection::Desc).into();
        let tag = format!("news:{}", direction.as_str());
        let window = connection::window(
            &tag,
            ValueKind::Date,
            first,
            after.as_deref(),
            last,
            before.as_deref(),
        )?;
        let filter = store::news::Filter::from(filter.unwrap_or_default());
        let page = store::news::page(db(ctx)?, &filter, direction, &window)
            .await
            .map_err(internal)?;
        Ok(connection::of_page(
            page,
            &tag,
            |n| Key {
                value: n.sort_on.into(),
                id: n.id,
            },
            NewsItem,
            NewsTotal::Filtered(filter),
        ))
    }

    /// Events (conferences, workshops, editions of a series) by start date, earliest first.
    #[graphql(complexity = "connection::page_cost(first.or(last), child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<super::events::EventFilter>,
        #[graphql(desc = "Start date order; ASC (earliest first) when omitted.")] order_by: Option<
            OrderDirection,
        >,
        #[graphql(desc = "Page size from the start, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Res<Connection<String, super::events::Event, super::events::EventTotal>> {
        super::events::events(ctx, filter, order_by, (first, after, last, before)).await
    }

    /// EU projects (their profiles and partnerships), by name.
    async fn projects(&self, ctx: &Context<'_>) -> Res<Vec<super::projects::Project>> {
        super::projects::all(ctx).await
    }

    /// An EU project by slug.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's slug, e.g. \"cosmenerg\".")] slug: String,
    ) -> Res<Option<super::projects::Project>> {
        super::projects::by_slug(ctx, &slug).await
    }

    /// An event series by slug.
    async fn event_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The series' slug, e.g. \"clusters-meet-regions\".")] slug: String,
    ) -> Res<Option<super::events::EventSeries>> {
        let row = store::event_series::find_by_slug(db(ctx)?, &slug)
            .await
            .map_err(internal)?;
        Ok(row.map(super::events::EventSeries))
    }

    /// The terms of one taxonomy with the number of clusters that picked each, most used first.
    async fn taxonomy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The taxonomy to list.")] kind: TaxonomyKind,
    ) -> Res<Vec<TermCount>> {
        let rows = store::term::facets(db(ctx)?, kind.into())
            .await
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|(t, n)| TermCount {
                term: Term { kind, name: t.name },
                clusters: n,
            })
            .collect())
    }

    /// Any node by its global id; null when it does not exist.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global id, as any `id` field gives it.")] id: ID,
    ) -> Res<Option<Node>> {
        load_node(ctx, id).await
    }

    /// Several nodes by global id, in the order asked; null for those that do not exist.
    #[graphql(complexity = "connection::list_cost(ids.len(), child_complexity)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            validator(max_items = 100),
            desc = "Global ids; the answer keeps their order, with null for an unknown id."
        )]
        ids: Vec<ID>,
    ) -> Res<Vec<Option<Node>>> {
        // All at once, so they load in one wave.
        futures::future::try_join_all(ids.into_iter().map(|id| load_node(ctx, id))).await
    }

    /// Free-text search over clusters (names, strategies, taxonomies), their support
    /// services and programme participations, and news. Plain words must all match (when
    /// none has them all, results with any are returned and a warning says so); "quoted
    /// phrases", -excluded words, OR between words, and the scopes name:, strategy: and news:
    /// work as on search engines; words of 5 letters or more forgive one typo, of 9 or more
    /// two, a wrong first letter counting as two (an exact match always ranks first); the
    /// last word matches as a prefix while typing. Syntax that cannot be honoured is
    /// reported in `extensions.warnings`, never an error. An empty query lists by filter
    /// alone.
    #[graphql(complexity = "connection::page_cost(first, child_complexity).saturating_add(10)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            validator(max_length = 1000),
            desc = "The search text: words, \"phrases\", -exclusions, OR, field:scopes (see docs/search.md)."
        )]
        query: String,
        #[graphql(desc = "The kinds of hit to return; all kinds when absent.")] kinds: Option<
            Vec<super::search::SearchKind>,
        >,
        #[graphql(desc = "Facet filters the hits must match.")] filter: Option<
            super::search::SearchFilter,
        >,
        #[graphql(desc = "How many hits to return (at most 100).")] first: Option<i32>,
        #[graphql(desc = "The cursor of the hit to continue after.")] after: Option<String>,
    ) -> Res<super::search::SearchConnection> {
        super::search::search(ctx, query, kinds, filter, first, after).await
    }

    /// Completions of what is being typed: cluster and network names, places and taxonomy
    /// terms having a word that starts with each word typed, the most used first.
    #[graphql(complexity = "connection::page_cost(Some(first.unwrap_or(10)), child_complexity)")]
    async fn suggest(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 200), desc = "What the user has typed so far.")]
        prefix: String,
        #[graphql(desc = "How many suggestions to return (at most 100).")] first: Option<i32>,
    ) -> Res<Vec<super::search::Suggestion>> {
        super::search::suggest(ctx, prefix, first).await
    }
}
