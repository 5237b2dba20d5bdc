//! `Cluster.similar`: partner matchmaking from the search index, the reasons included.

use async_graphql::{Context, Enum, SimpleObject};

use super::connection::page_size;
use super::context::Res;
use super::loaders::{ClusterById, CountriesOf, TermsOf};
use super::loaders::{load, loader};
use super::types::{Cluster, TaxonomyKind};
use crate::Error;
use crate::search::{self, Common, Search};
use crate::store::{self, TermKind};

/// What two clusters share.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MatchReasonKind {
    /// A taxonomy term (which taxonomy: `taxonomy`).
    Term,
    /// Both want to cooperate with this country.
    TargetCountry,
    /// The other cluster is based in a country this one wants to cooperate with.
    BasedInTargetCountry,
    /// A distinctive word of both strategies.
    StrategyWord,
}

/// One thing shared, and how much it counted.
#[derive(SimpleObject, Clone)]
pub struct MatchReason {
    /// What kind of thing the two share.
    pub kind: MatchReasonKind,
    /// The taxonomy of a shared term; null for the other kinds.
    pub taxonomy: Option<TaxonomyKind>,
    /// The taxonomy term, the ISO country code, or the word as this cluster's strategy
    /// spells it.
    pub value: String,
    /// Its kind's weight times its rarity among clusters: rarer things shared count more.
    pub weight: f64,
}

/// A possible partner.
#[derive(SimpleObject, Clone)]
pub struct SimilarCluster {
    /// The other cluster.
    pub cluster: Cluster,
    /// The weight of what the two share, as a share of everything this cluster could
    /// share (0 to 1).
    pub score: f64,
    /// What they share, heaviest first.
    pub reasons: Vec<MatchReason>,
}

pub async fn of(
    ctx: &Context<'_>,
    cluster: &store::cluster::Model,
    first: i32,
) -> Res<Vec<SimilarCluster>> {
    let first = page_size("first", first)?;
    let loaders = loader(ctx)?;
    let (terms, targets) = futures::try_join!(
        loaders.load_one(TermsOf(cluster.id)),
        loaders.load_one(CountriesOf(cluster.id))
    )?;
    let profile = search::Profile {
        cluster_id: cluster.id,
        terms: terms
            .into_iter()
            .flatten()
            .filter_map(|t| Some((TermKind::parse(&t.kind)?, t.name)))
            .collect(),
        targets: targets
            .into_iter()
            .flatten()
            .map(|c| c.country_code)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        prose: [&cluster.strategy, &cluster.objectives]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
    };
    let found = ctx
        .data::<Search>()?
        .similar(profile, usize::try_from(first).unwrap_or(0))
        .await
        .map_err(Error::Search)?;
    let clusters = futures::future::try_join_all(
        found
            .iter()
            .map(|s| load(ctx, Some(ClusterById(s.id)), Cluster)),
    )
    .await?;
    Ok(found
        .into_iter()
        .zip(clusters)
        .filter_map(|(s, cluster)| {
            Some(SimilarCluster {
                cluster: cluster?,
                score: f64::from(s.score),
                reasons: s
                    .reasons
                    .into_iter()
                    .map(|r| MatchReason {
                        kind: match r.common {
                            Common::Term(_) => MatchReasonKind::Term,
                            Common::TargetCountry => MatchReasonKind::TargetCountry,
                            Common::BasedInTarget => MatchReasonKind::BasedInTargetCountry,
                            Common::StrategyWord => MatchReasonKind::StrategyWord,
                        },
                        taxonomy: match r.common {
                            Common::Term(kind) => Some(kind.into()),
                            _ => None,
                        },
                        value: r.value,
                        weight: f64::from(r.weight),
                    })
                    .collect(),
            })
        })
        .collect())
}
