//! Clusters and their parts: services, programme participations, memberships.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::stale;
use crate::resolve::mentions::{Directory, Target};
use crate::store::outbox::Changed;
use crate::store::tx::begin;
use crate::store::versioned::{Versioned, delete, overwrite};
use crate::store::{self, Parent, Scope, TermKind};
use crate::text::{name_key, slugify};
use crate::{Error, Result};

/// What a write states of a cluster: `None` leaves a field as it is; `Some(None)` clears a
/// field that may be empty. Lists replace the stored list. Values are already checked.
#[derive(Clone, Debug, Default)]
pub struct Edit {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub country: Option<Option<String>>,
    pub region: Option<Option<String>>,
    pub established: Option<Option<NaiveDate>>,
    pub staff_count: Option<Option<i32>>,
    pub excellence_label: Option<Option<String>>,
    pub escp_membership: Option<Option<String>>,
    /// Total, SME, large companies, research organisations, other actors.
    pub members: [Option<Option<i32>>; 5],
    pub scale_up_facilities: Option<Option<String>>,
    pub major_players: Option<Option<String>>,
    pub strategy: Option<Option<String>>,
    pub objectives: Option<Vec<String>>,
    pub formalised_strategy: Option<Option<bool>>,
    pub internationalisation_strategy: Option<Option<bool>>,
    pub collaborates_with: Option<Option<String>>,
    pub source_url: Option<Option<String>>,
    pub aliases: Option<Vec<String>>,
    pub contacts: Option<Vec<store::contact::Row>>,
    /// Taxonomy terms of every kind but activity types.
    pub terms: Option<Vec<TermRef>>,
    /// Per scope: target countries and activity types.
    pub cooperation: Option<Vec<Reach>>,
    /// Terms not yet in a taxonomy are added instead of refused.
    pub add_terms: bool,
}

/// The cooperation a cluster seeks in one scope.
#[derive(Clone, Debug)]
pub struct Reach {
    pub scope: Scope,
    pub countries: Vec<String>,
    pub activities: Vec<TermRef>,
}

/// A taxonomy term named by a write, with the input path that named it.
#[derive(Clone, Debug)]
pub struct TermRef {
    pub kind: TermKind,
    pub name: String,
    pub path: String,
}

/// What became of a cluster: the row as committed.
pub type Written = store::cluster::Model;

/// Creates a cluster; its slug is derived from the name unless given.
pub async fn create(db: &DatabaseConnection, edit: Edit) -> Result<Written> {
    let Some(name) = edit.name.clone() else {
        return Err(Error::invalid_field(
            "input.name",
            "input.name is required to create a cluster",
        ));
    };
    let slug = match &edit.slug {
        Some(s) => s.clone(),
        None => slugify(&name),
    };
    if slug.is_empty() {
        return Err(Error::invalid_field(
            "input.name",
            "input.name has no letters or digits to make a slug of",
        ));
    }
    let tx = begin(db).await?;
    if store::cluster::find_by_slug(&tx, &slug).await?.is_some() {
        return Err(slug_taken(&slug, edit.slug.is_some()));
    }
    let mut fields = store::cluster::Fields {
        slug: slug.clone(),
        name,
        ..blank()
    };
    edit.apply_fields(&mut fields);
    let (parent, _) = store::cluster::upsert(&tx, fields, None).await?;
    write_parts(&tx, parent, &edit).await?;
    link_mentions(&tx, parent.id).await?;
    store::outbox::record(&tx, Changed::Cluster, [parent.id]).await?;
    let row = reread(&tx, parent.id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Applies `edit` to the cluster `slug` if it is still at `version`.
pub async fn update(
    db: &DatabaseConnection,
    slug: &str,
    version: i32,
    edit: Edit,
) -> Result<Written> {
    let tx = begin(db).await?;
    let row = at_version(&tx, slug, version).await?;
    let before = store::cluster::Fields::of(&row);
    let mut fields = before.clone();
    edit.apply_fields(&mut fields);
    if fields.slug != before.slug
        && store::cluster::find_by_slug(&tx, &fields.slug)
            .await?
            .is_some()
    {
        return Err(slug_taken(&fields.slug, true));
    }
    let named = fields.name != before.name;
    let renamed = named || edit.aliases.is_some();
    let moved = fields.country_code != before.country_code;
    if !overwrite(&tx, fields, row.id, version).await? {
        return Err(conflict(&tx, slug, version).await);
    }
    if named {
        store::name_stamp::touch(&tx).await?;
    }
    let parent = Parent {
        id: row.id,
        fresh: false,
    };
    write_parts(&tx, parent, &edit).await?;
    if renamed {
        link_mentions(&tx, row.id).await?;
    }
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    if moved || fields_slug_changed(&before, &edit) {
        // News items carry the countries of the clusters they name.
        let news = store::news_mention::news_naming_cluster(&tx, row.id).await?;
        store::outbox::record(&tx, Changed::News, news).await?;
    }
    let row = reread(&tx, row.id).await?;
    tx.commit().await?;
    Ok(row)
}

fn fields_slug_changed(before: &store::cluster::Fields, edit: &Edit) -> bool {
    edit.slug.as_ref().is_some_and(|s| *s != before.slug)
}

/// Deletes the cluster `slug` with all its parts if it is still at `version`; news that
/// named it keep the name as a plain mention.
pub async fn remove(db: &DatabaseConnection, slug: &str, version: i32) -> Result<i32> {
    let tx = begin(db).await?;
    let row = at_version(&tx, slug, version).await?;
    let news = store::news_mention::news_naming_cluster(&tx, row.id).await?;
    if !delete::<store::cluster::Fields>(&tx, row.id, version).await? {
        return Err(conflict(&tx, slug, version).await);
    }
    store::name_stamp::touch(&tx).await?;
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    store::outbox::record(&tx, Changed::News, news).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// A service group to write: heading and items.
#[derive(Clone, Debug, Default)]
pub struct ServiceEdit {
    pub heading: Option<Option<String>>,
    pub items: Option<Vec<String>>,
}

/// Adds a service group at the end of the cluster's list.
pub async fn add_service(
    db: &DatabaseConnection,
    slug: &str,
    version: i32,
    edit: ServiceEdit,
) -> Result<(Written, store::service_group::Model)> {
    let tx = begin(db).await?;
    let row = bump(&tx, slug, version).await?;
    let group = store::service_group::append(
        &tx,
        row.id,
        edit.heading.flatten(),
        edit.items.unwrap_or_default(),
    )
    .await?;
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    let row = reread(&tx, row.id).await?;
    tx.commit().await?;
    Ok((row, group))
}

/// Changes the service group `id` of a cluster still at `version`.
pub async fn update_service(
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    edit: ServiceEdit,
) -> Result<(Written, store::service_group::Model)> {
    let tx = begin(db).await?;
    let group = service(&tx, id).await?;
    let row = bump_id(&tx, group.cluster_id, version).await?;
    let group = store::service_group::change(&tx, group, edit.heading, edit.items).await?;
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    let row = reread(&tx, row.id).await?;
    tx.commit().await?;
    Ok((row, group))
}

/// Deletes the service group `id` of a cluster still at `version`.
pub async fn remove_service(db: &DatabaseConnection, id: i32, version: i32) -> Result<Written> {
    let tx = begin(db).await?;
    let group = service(&tx, id).await?;
    let row = bump_id(&tx, group.cluster_id, version).await?;
    store::service_group::Entity::delete_by_id(id)
        .exec(&tx)
        .await?;
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    let row = reread(&tx, row.id).await?;
    tx.commit().await?;
    Ok(row)
}

async fn service(db: &impl ConnectionTrait, id: i32) -> Result<store::service_group::Model> {
    store::service_group::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("service {id}")))
}

/// A programme participation to write.
#[derive(Clone, Debug)]
pub struct ParticipationEdit {
    pub programme: store::programme::Fields,
    pub scope: Scope,
    pub as_written: Option<String>,
}

/// Adds (or, for a programme the cluster already has, restates) a participation.
pub async fn set_participation(
    db: &DatabaseConnection,
    slug: &str,
    version: i32,
    edit: ParticipationEdit,
) -> Result<(Written, store::participation::Model)> {
    let tx = begin(db).await?;
    let row = bump(&tx, slug, version).await?;
    let as_written = edit
        .as_written
        .clone()
        .unwrap_or_else(|| edit.programme.name.clone());
    let programme = store::programme::upsert(&tx, edit.programme).await?;
    let part = store::participation::put(&tx, row.id, programme, edit.scope, as_written).await?;
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    let row = reread(&tx, row.id).await?;
    tx.commit().await?;
    Ok((row, part))
}

/// Deletes the participation `id` of a cluster still at `version`.
pub async fn remove_participation(
    db: &DatabaseConnection,
    id: i32,
    version: i32,
) -> Result<Written> {
    let tx = begin(db).await?;
    let part = store::participation::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or_else(|| Error::NotFound(format!("participation {id}")))?;
    let row = bump_id(&tx, part.cluster_id, version).await?;
    store::participation::Entity::delete_by_id(id)
        .exec(&tx)
        .await?;
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    let row = reread(&tx, row.id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Makes the cluster a member of the network `network` (a slug).
pub async fn join(
    db: &DatabaseConnection,
    slug: &str,
    version: i32,
    network: &str,
) -> Result<Written> {
    membership(db, slug, version, network, true).await
}

/// Ends the cluster's membership of the network `network` (a slug).
pub async fn leave(
    db: &DatabaseConnection,
    slug: &str,
    version: i32,
    network: &str,
) -> Result<Written> {
    membership(db, slug, version, network, false).await
}

/// Puts the cluster in the network, or (`member` false) takes it out.
async fn membership(
    db: &DatabaseConnection,
    slug: &str,
    version: i32,
    network: &str,
    member: bool,
) -> Result<Written> {
    let tx = begin(db).await?;
    let row = bump(&tx, slug, version).await?;
    let net = store::network::find_by_slug(&tx, network)
        .await?
        .ok_or_else(|| Error::NotFound(format!("network {network:?}")))?;
    if member {
        store::membership::put(&tx, row.id, net.id, &net.name).await?;
    } else if !store::membership::remove(&tx, row.id, net.id).await? {
        return Err(Error::NotFound(format!(
            "membership of {slug:?} in {network:?}"
        )));
    }
    store::outbox::record(&tx, Changed::Cluster, [row.id]).await?;
    store::outbox::record(&tx, Changed::Network, [net.id]).await?;
    let row = reread(&tx, row.id).await?;
    tx.commit().await?;
    Ok(row)
}

impl Edit {
    fn apply_fields(&self, f: &mut store::cluster::Fields) {
        fn set<T: Clone>(field: &mut T, value: &Option<T>) {
            if let Some(v) = value {
                *field = v.clone();
            }
        }
        set(&mut f.slug, &self.slug);
        set(&mut f.name, &self.name);
        set(&mut f.country_code, &self.country);
        set(&mut f.region, &self.region);
        set(&mut f.established, &self.established);
        set(&mut f.staff_count, &self.staff_count);
        set(&mut f.excellence_label, &self.excellence_label);
        set(&mut f.escp_membership, &self.escp_membership);
        for (field, value) in f.members.iter_mut().zip(&self.members) {
            set(field, value);
        }
        set(&mut f.scale_up_facilities, &self.scale_up_facilities);
        set(&mut f.major_players, &self.major_players);
        set(&mut f.strategy, &self.strategy);
        if let Some(objectives) = &self.objectives {
            f.objectives = (!objectives.is_empty()).then(|| objectives.join("\n"));
        }
        set(&mut f.formalised_strategy, &self.formalised_strategy);
        set(
            &mut f.internationalisation_strategy,
            &self.internationalisation_strategy,
        );
        set(&mut f.collaborates_with, &self.collaborates_with);
        set(&mut f.source_url, &self.source_url);
    }
}

fn blank() -> store::cluster::Fields {
    store::cluster::Fields {
        slug: String::new(),
        name: String::new(),
        country_code: None,
        region: None,
        established: None,
        staff_count: None,
        excellence_label: None,
        escp_membership: None,
        members: [None; 5],
        scale_up_facilities: None,
        major_players: None,
        strategy: None,
        objectives: None,
        formalised_strategy: None,
        internationalisation_strategy: None,
        collaborates_with: None,
        source_url: None,
        members_startups: None,
        other_labels: None,
        specialisation: None,
        current: store::cluster::Current::default(),
    }
}

/// Writes the lists `edit` states: aliases, contacts, terms, cooperation.
async fn write_parts(db: &impl ConnectionTrait, cluster: Parent, edit: &Edit) -> Result<()> {
    if let Some(aliases) = &edit.aliases {
        let taken = store::cluster_alias::replace(db, cluster, aliases).await?;
        if let Some(alias) = taken.first() {
            let i = aliases.iter().position(|a| a == alias).unwrap_or(0);
            return Err(Error::invalid_field(
                &format!("input.aliases.{i}"),
                format!("the alias {alias:?} belongs to another cluster"),
            ));
        }
    }
    if let Some(contacts) = &edit.contacts {
        store::contact::replace(db, cluster, contacts.clone()).await?;
    }
    let mut terms = Terms::default();
    if let Some(refs) = &edit.terms {
        let mut ids = BTreeSet::new();
        for t in refs {
            ids.insert(terms.id(db, t, edit.add_terms).await?);
        }
        store::cluster_term::set(db, cluster, &ids).await?;
    }
    if let Some(scopes) = &edit.cooperation {
        let mut countries = BTreeSet::new();
        let mut activities = BTreeSet::new();
        for reach in scopes {
            let scope = reach.scope.as_str().to_owned();
            countries.extend(reach.countries.iter().map(|c| (scope.clone(), c.clone())));
            for t in &reach.activities {
                activities.insert((scope.clone(), terms.id(db, t, edit.add_terms).await?));
            }
        }
        store::cooperation_country::set(db, cluster, &countries).await?;
        store::cooperation_activity::set(db, cluster, &activities).await?;
    }
    Ok(())
}

/// Term ids by folded name, read once per kind a write names.
#[derive(Default)]
struct Terms {
    by_kind: HashMap<TermKind, HashMap<String, i32>>,
}

impl Terms {
    async fn id(&mut self, db: &impl ConnectionTrait, t: &TermRef, add: bool) -> Result<i32> {
        let known = match self.by_kind.entry(t.kind) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                store::term::of_kind(db, t.kind)
                    .await?
                    .into_iter()
                    .map(|m| (name_key(&m.name), m.id))
                    .collect(),
            ),
        };
        let key = name_key(&t.name);
        if let Some(&id) = known.get(&key) {
            return Ok(id);
        }
        if !add {
            return Err(Error::invalid_field(
                &t.path,
                format!(
                    "{:?} is not a known {} term: pick one from `taxonomy`, or pass addTerms: true to add it",
                    t.name,
                    t.kind.as_str()
                ),
            ));
        }
        let id = store::term::get_or_create(db, t.kind, &t.name).await?;
        known.insert(key, id);
        Ok(id)
    }
}

/// Links plain mentions that spell one of the cluster's names to it (a name the import
/// did not know when the news came in).
async fn link_mentions(db: &impl ConnectionTrait, cluster_id: i32) -> Result<()> {
    let mut names: Vec<String> = store::cluster::find_by_ids(db, &[cluster_id])
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.extend(
        store::cluster_alias::for_clusters(db, &[cluster_id])
            .await?
            .into_iter()
            .map(|a| a.alias),
    );
    let directory = Directory::new(
        names
            .iter()
            .map(|n| (n.clone(), Target::Cluster(cluster_id))),
    );
    let mut linked = Vec::new();
    for m in store::news_mention::unresolved_named(db, &names).await? {
        if directory.resolve(&m.name).is_some() {
            store::news_mention::link(db, m.id, Some(cluster_id), None).await?;
            linked.push(m.news_id);
        }
    }
    store::outbox::record(db, Changed::News, linked).await?;
    Ok(())
}

/// The cluster `slug`, refused unless it is at `version`.
async fn at_version(
    db: &impl ConnectionTrait,
    slug: &str,
    version: i32,
) -> Result<store::cluster::Model> {
    match store::cluster::find_by_slug(db, slug).await? {
        Some(row) if row.version == version => Ok(row),
        other => Err(stale(
            format!("cluster {slug:?}"),
            version,
            other.map(|r| r.version),
        )),
    }
}

/// The cluster `slug` moved to its next version, if it is at `version`: a write to one of
/// its parts.
async fn bump(
    db: &impl ConnectionTrait,
    slug: &str,
    version: i32,
) -> Result<store::cluster::Model> {
    let row = at_version(db, slug, version).await?;
    if !overwrite(db, store::cluster::Fields::of(&row), row.id, version).await? {
        return Err(conflict(db, slug, version).await);
    }
    Ok(row)
}

async fn bump_id(
    db: &impl ConnectionTrait,
    id: i32,
    version: i32,
) -> Result<store::cluster::Model> {
    let row = reread(db, id).await?;
    bump(db, &row.slug, version).await
}

/// The refusal of a guarded write that found the row moved on (or gone) meanwhile.
async fn conflict(db: &impl ConnectionTrait, slug: &str, version: i32) -> Error {
    match store::cluster::find_by_slug(db, slug).await {
        Ok(row) => stale(format!("cluster {slug:?}"), version, row.map(|r| r.version)),
        Err(e) => e.into(),
    }
}

async fn reread(db: &impl ConnectionTrait, id: i32) -> Result<store::cluster::Model> {
    store::cluster::Entity::find()
        .filter(store::cluster::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("cluster {id}")))
}

fn slug_taken(slug: &str, given: bool) -> Error {
    let field = if given { "input.slug" } else { "input.name" };
    Error::invalid_field(
        field,
        format!("another cluster has the slug {slug:?}: give this one a slug of its own"),
    )
}
