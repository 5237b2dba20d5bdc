//! Search and autocomplete in the schema: hits from the index, entities from the store (one
//! statement per kind for a page of hits), warnings of the query parser in the response's
//! `extensions.warnings`.

use std::sync::Mutex;

use async_graphql::connection::PageInfo;
use async_graphql::{ComplexObject, Context, Enum, InputObject, SimpleObject, Union};

use super::connection::{DEFAULT_PAGE_SIZE, page_size};
use super::context::*;
use super::ids::{decode_cursor, encode_cursor};
use super::types::*;
use crate::Error;
use crate::search::{self, Kind, Search, facet};
use crate::store::TermKind;

/// What a search hit is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SearchKind {
    /// A cluster profile.
    Cluster,
    /// A group of a cluster's support services.
    Service,
    /// A cluster's part in a funded programme.
    ProgrammeParticipation,
    /// A news item.
    News,
    /// An event.
    Event,
}

impl SearchKind {
    fn of(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Cluster => Some(Self::Cluster),
            Kind::Service => Some(Self::Service),
            Kind::Participation => Some(Self::ProgrammeParticipation),
            Kind::News => Some(Self::News),
            Kind::Event => Some(Self::Event),
            Kind::Suggestion => None,
        }
    }

    fn kind(self) -> Kind {
        match self {
            Self::Cluster => Kind::Cluster,
            Self::Service => Kind::Service,
            Self::ProgrammeParticipation => Kind::Participation,
            Self::News => Kind::News,
            Self::Event => Kind::Event,
        }
    }
}

/// Search filters: fields are ANDed, the values within one field ORed. The same names as
/// the facets a search returns; taxonomy values by name, as `taxonomy` lists them.
#[derive(InputObject, Default)]
pub struct SearchFilter {
    /// Kinds of hit, as the `kinds` argument (both apply).
    pub kinds: Option<Vec<SearchKind>>,
    /// ISO 3166-1 alpha-2 codes: a cluster's country; for news, the countries of the clusters
    /// it names.
    pub country: Option<Vec<String>>,
    /// Sectoral industries.
    pub sector: Option<Vec<String>>,
    /// Technology fields.
    pub technology_field: Option<Vec<String>>,
    /// S3 EU priority areas.
    pub s3_priority: Option<Vec<String>>,
    /// Emerging industries.
    pub emerging_industry: Option<Vec<String>>,
    /// Support service types.
    pub service_type: Option<Vec<String>>,
    /// Cooperation activity types.
    pub activity_type: Option<Vec<String>>,
    /// Languages spoken.
    pub language: Option<Vec<String>>,
    /// Cluster Excellence Label levels.
    pub excellence_label: Option<Vec<ExcellenceLabel>>,
    /// Network slugs: members' documents, and news published by or naming the network.
    pub network: Option<Vec<String>>,
    /// Programme frameworks (FP7, H2020, COSME...).
    pub framework: Option<Vec<String>>,
    /// Years of news items.
    pub year: Option<Vec<i32>>,
}

impl SearchFilter {
    /// (facet, values) for each field given.
    fn facets(self) -> Vec<(String, Vec<String>)> {
        let terms = [
            (TermKind::Sector, self.sector),
            (TermKind::TechnologyField, self.technology_field),
            (TermKind::S3Priority, self.s3_priority),
            (TermKind::EmergingIndustry, self.emerging_industry),
            (TermKind::ServiceType, self.service_type),
            (TermKind::ActivityType, self.activity_type),
            (TermKind::Language, self.language),
        ];
        let strings = |v: Option<Vec<String>>| v.unwrap_or_default();
        let mut all = vec![(
            facet::COUNTRY,
            strings(self.country)
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        )];
        all.extend(terms.map(|(kind, v)| (facet::term(kind), strings(v))));
        all.extend([
            (
                facet::EXCELLENCE_LABEL,
                self.excellence_label
                    .unwrap_or_default()
                    .iter()
                    .map(|l| l.as_str().to_owned())
                    .collect(),
            ),
            (facet::NETWORK, strings(self.network)),
            (facet::FRAMEWORK, strings(self.framework)),
            (
                facet::YEAR,
                self.year
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
        ]);
        all.into_iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(name, values)| (name.to_owned(), values))
            .collect()
    }
}

/// The entity a hit stands for, loaded from the store.
#[derive(Union, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per hit, never moved in bulk"
)]
pub enum SearchEntity {
    Cluster(Cluster),
    Service(Service),
    ProgrammeParticipation(ProgrammeParticipation),
    NewsItem(NewsItem),
    Event(super::events::Event),
}

/// A matched word's place in a highlight's `text`, in UTF-16 code units (what JavaScript
/// string indices count).
#[derive(SimpleObject, Clone)]
pub struct MarkRange {
    /// Where the matched word starts.
    pub start: i32,
    /// Where it ends (exclusive).
    pub end: i32,
}

/// Where a hit matched.
#[derive(SimpleObject, Clone)]
pub struct SearchHighlight {
    /// The field that matched: name, title, strategy, body, terms or places.
    pub field: String,
    /// HTML: the text escaped, matched words in `<mark>`, "…" where the text was cut.
    pub fragment: String,
    /// The same fragment as plain text, for rendering marks yourself.
    pub text: String,
    /// The matched words in `text`.
    pub marks: Vec<MarkRange>,
}

/// One search result.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct SearchHit {
    /// Relevance: higher is better; only the order within one search means anything.
    pub score: f64,
    /// What kind of entity the hit is.
    pub kind: SearchKind,
    /// Where the hit matched, as fragments with the matched words marked.
    pub highlights: Vec<SearchHighlight>,
    #[graphql(skip)]
    pub id: i32,
}

#[ComplexObject]
impl SearchHit {
    /// The thing found, loaded with the other hits' (one statement per kind); null only if
    /// it was deleted since the index last caught up.
    async fn entity(&self, ctx: &Context<'_>) -> Res<Option<SearchEntity>> {
        use super::loaders::{
            ClusterById, EventById, NewsById, ParticipationById, ServiceById, load,
        };
        let id = self.id;
        match self.kind {
            SearchKind::Cluster => {
                load(ctx, Some(ClusterById(id)), |m| {
                    SearchEntity::Cluster(Cluster(m))
                })
                .await
            }
            SearchKind::News => {
                load(ctx, Some(NewsById(id)), |m| {
                    SearchEntity::NewsItem(NewsItem(m))
                })
                .await
            }
            SearchKind::Event => {
                load(ctx, Some(EventById(id)), |m| {
                    SearchEntity::Event(super::events::Event(m))
                })
                .await
            }
            SearchKind::ProgrammeParticipation => {
                load(ctx, Some(ParticipationById(id)), |m| {
                    SearchEntity::ProgrammeParticipation(ProgrammeParticipation(m, None))
                })
                .await
            }
            SearchKind::Service => {
                load(ctx, Some(ServiceById(id)), |(g, items)| {
                    SearchEntity::Service(Service::of(g, items))
                })
                .await
            }
        }
    }
}

/// A hit and its cursor.
#[derive(SimpleObject, Clone)]
pub struct SearchEdge {
    /// Pass as `after` to continue after this hit.
    pub cursor: String,
    /// The hit.
    pub node: SearchHit,
}

/// A value of a facet and the number of hits (of the whole result set) having it.
#[derive(SimpleObject, Clone)]
pub struct SearchFacet {
    /// The facet: kind, country, sector, technologyField, s3Priority, emergingIndustry,
    /// serviceType, activityType, language, excellenceLabel, network, framework or year; the
    /// filter of the same name takes it.
    pub name: String,
    /// The value, as the filter takes it.
    pub value: String,
    /// Hits of the whole result set having it.
    pub count: i32,
}

/// A page of search hits, with totals and facet counts over the whole result set.
#[derive(SimpleObject)]
pub struct SearchConnection {
    /// Hits in the whole result set.
    pub total_count: i32,
    /// Counts over the whole result set, most frequent values first.
    pub facets: Vec<SearchFacet>,
    /// The hits of this page, best first.
    pub edges: Vec<SearchEdge>,
    /// Whether more hits follow, and the cursors of this page.
    pub page_info: PageInfo,
}

/// What autocomplete offers.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::search::Suggests")]
pub enum SuggestionKind {
    /// A cluster, by any of its names.
    Cluster,
    /// A network or partnership.
    Network,
    /// A country or region.
    Place,
    /// A taxonomy term.
    Term,
}

/// A completion of what the user typed.
#[derive(SimpleObject, Clone)]
pub struct Suggestion {
    /// The completion, as shown.
    pub label: String,
    /// What it names.
    pub kind: SuggestionKind,
    /// Clusters using it (members, for a network): the order of equal completions.
    pub weight: i32,
}

/// Warnings collected while resolving, moved into the response's `extensions.warnings`.
#[derive(Default)]
pub struct Warnings(pub Mutex<Vec<serde_json::Value>>);

impl Warnings {
    /// Moves the warnings collected so far into `response`.
    pub fn attach(&self, response: &mut async_graphql::Response) {
        let list = match self.0.lock() {
            Ok(mut list) => std::mem::take(&mut *list),
            Err(_) => Vec::new(),
        };
        if !list.is_empty()
            && let Ok(value) = async_graphql::Value::from_json(serde_json::Value::Array(list))
        {
            response.extensions.insert("warnings".into(), value);
        }
    }
}

fn search_of<'a>(ctx: &Context<'a>) -> Res<&'a Search> {
    ctx.data::<Search>()
}

/// A search cursor: the hit's place in the result set.
#[derive(serde::Serialize, serde::Deserialize)]
struct SearchCursor {
    s: usize,
}

fn offset_of(after: Option<&str>) -> Res<usize> {
    let Some(cursor) = after else { return Ok(0) };
    let SearchCursor { s } = decode_cursor("after", cursor).map_err(|_| {
        Error::invalid_field("after", format!("cursor {cursor:?} is not a search cursor"))
    })?;
    Ok(s.saturating_add(1))
}

pub async fn search(
    ctx: &Context<'_>,
    query: String,
    kinds: Option<Vec<SearchKind>>,
    filter: Option<SearchFilter>,
    first: Option<i32>,
    after: Option<String>,
) -> Res<SearchConnection> {
    let limit = page_size("first", first.unwrap_or(DEFAULT_PAGE_SIZE))?;
    let offset = offset_of(after.as_deref())?;
    let filter = filter.unwrap_or_default();
    let Some(kinds) = kinds_wanted(kinds, filter.kinds.as_deref()) else {
        return Ok(SearchConnection::empty(offset));
    };
    let look = ctx.look_ahead();
    let request = search::Request {
        query,
        kinds,
        filters: filter.facets(),
        offset,
        limit: usize::try_from(limit).unwrap_or(0),
        facets: look.field("facets").exists(),
        highlights: look
            .field("edges")
            .field("node")
            .field("highlights")
            .exists(),
    };
    let results = search_of(ctx)?
        .search(request)
        .await
        .map_err(Error::Search)?;
    if let Ok(w) = ctx.data::<std::sync::Arc<Warnings>>()
        && let Ok(mut list) = w.0.lock()
    {
        list.extend(
            results
                .warnings
                .iter()
                .map(|w| serde_json::json!({ "code": w.code, "message": w.message, "at": w.at })),
        );
    }
    let total = results.total;
    let edges: Vec<SearchEdge> = results
        .hits
        .into_iter()
        .enumerate()
        .filter_map(|(i, hit)| {
            Some(SearchEdge {
                cursor: encode_cursor(&SearchCursor { s: offset + i }),
                node: SearchHit {
                    score: f64::from(hit.score),
                    kind: SearchKind::of(hit.kind)?,
                    id: hit.id,
                    highlights: hit.highlights.into_iter().map(highlight).collect(),
                },
            })
        })
        .collect();
    let page_info = PageInfo {
        has_previous_page: offset > 0,
        has_next_page: offset + edges.len() < total,
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    Ok(SearchConnection {
        total_count: i32::try_from(total).unwrap_or(i32::MAX),
        facets: results
            .facets
            .into_iter()
            .map(|f| SearchFacet {
                name: f.name,
                value: f.value,
                count: i32::try_from(f.count).unwrap_or(i32::MAX),
            })
            .collect(),
        edges,
        page_info,
    })
}

/// The kinds to search: the argument's, narrowed by the filter's; empty for every kind,
/// `None` when the two share none (nothing can match).
fn kinds_wanted(
    argument: Option<Vec<SearchKind>>,
    filter: Option<&[SearchKind]>,
) -> Option<Vec<Kind>> {
    let argument = argument.unwrap_or_default();
    let kinds: Vec<Kind> = match filter {
        None => argument.iter().map(|k| k.kind()).collect(),
        Some(f) if argument.is_empty() => f.iter().map(|k| k.kind()).collect(),
        Some(f) => {
            let both: Vec<Kind> = argument
                .iter()
                .filter(|k| f.contains(k))
                .map(|k| k.kind())
                .collect();
            if both.is_empty() {
                return None;
            }
            both
        }
    };
    Some(kinds)
}

fn highlight(h: search::Highlight) -> SearchHighlight {
    let at = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    SearchHighlight {
        field: h.field.to_owned(),
        fragment: h.fragment,
        text: h.text,
        marks: h
            .marks
            .into_iter()
            .map(|(s, e)| MarkRange {
                start: at(s),
                end: at(e),
            })
            .collect(),
    }
}

impl SearchConnection {
    fn empty(offset: usize) -> Self {
        Self {
            total_count: 0,
            facets: Vec::new(),
            edges: Vec::new(),
            page_info: PageInfo {
                has_previous_page: offset > 0,
                has_next_page: false,
                start_cursor: None,
                end_cursor: None,
            },
        }
    }
}

pub async fn suggest(
    ctx: &Context<'_>,
    prefix: String,
    first: Option<i32>,
) -> Res<Vec<Suggestion>> {
    let first = page_size("first", first.unwrap_or(10))?;
    let found = search_of(ctx)?
        .suggest(prefix, usize::try_from(first).unwrap_or(0))
        .await
        .map_err(Error::Search)?;
    Ok(found
        .into_iter()
        .map(|s| Suggestion {
            label: s.label,
            kind: s.kind.into(),
            weight: i32::try_from(s.weight).unwrap_or(i32::MAX),
        })
        .collect())
}
