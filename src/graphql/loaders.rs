//! What each nested field fetches for a whole wave of parents (see `batch`): one statement
//! per field, not one per parent.

use std::collections::HashMap;
use std::hash::Hash;

use async_graphql::Context;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::store::news::Parent;
use crate::store::window::Key;
use crate::store::{
    cluster, contact, cooperation_activity, cooperation_country, event, event_series, membership,
    network, news, news_mention, participation, programme, project, project_partner, service_group,
    term,
};

use super::batch::{Batcher, Fetch};
use super::context::{Res, internal};

/// The batcher every resolver loads through; one per request.
pub type Loaders = Batcher<StoreLoader>;

pub struct StoreLoader {
    db: DatabaseConnection,
}

impl StoreLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

type Loaded<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

macro_rules! by_id {
    ($key:ident, $model:ty, $fetch:path) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Fetch<$key> for StoreLoader {
            type Value = $model;

            async fn fetch(&self, keys: &[$key]) -> Loaded<$key, $model> {
                let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
                let rows = $fetch(&self.db, &ids).await.map_err(internal)?;
                Ok(rows.into_iter().map(|r| ($key(r.id), r)).collect())
            }
        }
    };
}

/// Rows of `$model` by their parent's id, the field path `$parent` (`cluster_id`, or
/// `0.cluster_id` for rows fetched joined with what they point to).
macro_rules! children {
    ($key:ident, $model:ty, $fetch:path, $($parent:tt).+) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Fetch<$key> for StoreLoader {
            type Value = Vec<$model>;

            async fn fetch(&self, keys: &[$key]) -> Loaded<$key, Vec<$model>> {
                let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
                let rows = $fetch(&self.db, &ids).await.map_err(internal)?;
                let mut map: HashMap<$key, Vec<$model>> =
                    keys.iter().map(|k| (*k, Vec::new())).collect();
                for r in rows {
                    map.entry($key(r$(.$parent)+)).or_default().push(r);
                }
                Ok(map)
            }
        }
    };
}

by_id!(ClusterById, cluster::Model, cluster::find_by_ids);
by_id!(NetworkById, network::Model, network::find_by_ids);
by_id!(ProgrammeById, programme::Model, programme::find_by_ids);
by_id!(NewsById, news::Model, news::find_by_ids);
by_id!(EventById, event::Model, event::find_by_ids);
by_id!(SeriesById, event_series::Model, event_series::find_by_ids);
children!(EditionsOf, (i32, event::Model), event::editions_of, 0);
by_id!(ProjectById, project::Model, project::find_by_ids);
children!(
    PartnersOf,
    project_partner::Model,
    project_partner::for_projects,
    project_id
);
children!(
    PartneringOf,
    (i32, project_partner::Model),
    project_partner::for_clusters,
    0
);
by_id!(
    ParticipationById,
    participation::Model,
    participation::find_by_ids
);
children!(
    ContactsOf,
    contact::Model,
    contact::for_clusters,
    cluster_id
);
children!(
    CountriesOf,
    cooperation_country::Model,
    cooperation_country::for_clusters,
    cluster_id
);
children!(
    ParticipationsOf,
    (participation::Model, Option<programme::Model>),
    participation::with_programmes_for_clusters,
    0.cluster_id
);
children!(
    ParticipantsOf,
    participation::Model,
    participation::for_programmes,
    programme_id
);
children!(
    MembershipsOf,
    (membership::Model, Option<network::Model>),
    membership::with_networks_for_clusters,
    0.cluster_id
);
children!(
    MembersOf,
    membership::Model,
    membership::for_networks,
    network_id
);
children!(
    MentionsOf,
    news_mention::Model,
    news_mention::for_news,
    news_id
);

/// A cluster's terms of every kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TermsOf(pub i32);

impl Fetch<TermsOf> for StoreLoader {
    type Value = Vec<term::Model>;

    async fn fetch(&self, keys: &[TermsOf]) -> Loaded<TermsOf, Vec<term::Model>> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let mut map: HashMap<TermsOf, Vec<term::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (c, t) in term::for_clusters(&self.db, &ids).await.map_err(internal)? {
            map.entry(TermsOf(c)).or_default().push(t);
        }
        Ok(map)
    }
}

/// A cluster's cooperation activities: (scope, term).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActivitiesOf(pub i32);

impl Fetch<ActivitiesOf> for StoreLoader {
    type Value = Vec<(String, term::Model)>;

    async fn fetch(&self, keys: &[ActivitiesOf]) -> Loaded<ActivitiesOf, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let mut map: HashMap<ActivitiesOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (c, scope, t) in cooperation_activity::for_clusters(&self.db, &ids)
            .await
            .map_err(internal)?
        {
            map.entry(ActivitiesOf(c)).or_default().push((scope, t));
        }
        Ok(map)
    }
}

/// A cluster's service groups with their items: two statements for any number of clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServicesOf(pub i32);

impl Fetch<ServicesOf> for StoreLoader {
    type Value = Vec<(service_group::Model, Vec<String>)>;

    async fn fetch(&self, keys: &[ServicesOf]) -> Loaded<ServicesOf, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let groups = service_group::for_clusters(&self.db, &ids)
            .await
            .map_err(internal)?;
        let mut map: HashMap<ServicesOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (g, items) in service_group::with_items(&self.db, groups)
            .await
            .map_err(internal)?
        {
            map.entry(ServicesOf(g.cluster_id))
                .or_default()
                .push((g, items));
        }
        Ok(map)
    }
}

/// A service group with its items, by the group's id (search hits): two statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServiceById(pub i32);

impl Fetch<ServiceById> for StoreLoader {
    type Value = (service_group::Model, Vec<String>);

    async fn fetch(&self, keys: &[ServiceById]) -> Loaded<ServiceById, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let groups = service_group::find_by_ids(&self.db, &ids)
            .await
            .map_err(internal)?;
        Ok(service_group::with_items(&self.db, groups)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|(g, items)| (ServiceById(g.id), (g, items)))
            .collect())
    }
}

/// The newest news mentioning a parent: `limit + 1` rows so the caller knows if more exist,
/// and how many items they were cut from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NewsOf {
    pub parent: Parent,
    pub id: i32,
    pub limit: u64,
    pub after: Option<(NaiveDate, i32)>,
}

impl Fetch<NewsOf> for StoreLoader {
    type Value = (Vec<news::Model>, i64);

    async fn fetch(&self, keys: &[NewsOf]) -> Loaded<NewsOf, Self::Value> {
        // Keys asking the same page of different parents share one statement.
        type Page = (Parent, u64, Option<(NaiveDate, i32)>);
        let mut groups: HashMap<Page, Vec<i32>> = HashMap::new();
        for k in keys {
            groups
                .entry((k.parent, k.limit, k.after))
                .or_default()
                .push(k.id);
        }
        let mut map: HashMap<NewsOf, Self::Value> = keys
            .iter()
            .map(|k| (k.clone(), Default::default()))
            .collect();
        for ((parent, limit, after), ids) in groups {
            let key = after.map(|(d, id)| Key {
                value: d.into(),
                id,
            });
            let rows = news::latest_mentioning(&self.db, parent, &ids, limit, key.as_ref())
                .await
                .map_err(internal)?;
            for row in rows {
                let page = map
                    .entry(NewsOf {
                        parent,
                        id: row.parent_id,
                        limit,
                        after,
                    })
                    .or_default();
                page.0.push(row.item);
                page.1 = row.of;
            }
        }
        Ok(map)
    }
}

/// How many news items mention a parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NewsCountOf {
    pub parent: Parent,
    pub id: i32,
}

impl Fetch<NewsCountOf> for StoreLoader {
    type Value = i64;

    async fn fetch(&self, keys: &[NewsCountOf]) -> Loaded<NewsCountOf, i64> {
        let mut map: HashMap<NewsCountOf, i64> = keys.iter().map(|k| (*k, 0)).collect();
        for parent in [Parent::Cluster, Parent::Network] {
            let ids: Vec<i32> = keys
                .iter()
                .filter(|k| k.parent == parent)
                .map(|k| k.id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            for (id, n) in news::count_mentioning(&self.db, parent, &ids)
                .await
                .map_err(internal)?
            {
                map.insert(NewsCountOf { parent, id }, n);
            }
        }
        Ok(map)
    }
}

pub fn loader<'a>(ctx: &Context<'a>) -> Res<&'a Loaders> {
    ctx.data::<Loaders>()
}

/// The row behind `key` as an API type; `None` when there is no key or no such row.
pub async fn load<K, T>(
    ctx: &Context<'_>,
    key: Option<K>,
    wrap: impl FnOnce(<StoreLoader as Fetch<K>>::Value) -> T,
) -> Res<Option<T>>
where
    StoreLoader: Fetch<K>,
    K: Clone + Eq + Hash + Send + Sync + 'static,
{
    match key {
        Some(key) => Ok(loader(ctx)?.load_one(key).await?.map(wrap)),
        None => Ok(None),
    }
}
