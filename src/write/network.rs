//! Networks and partnerships of clusters.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::stale;
use crate::store::network::NetworkKind;
use crate::store::outbox::Changed;
use crate::store::tx::begin;
use crate::store::versioned::{Versioned, delete, overwrite};
use crate::store::{self};
use crate::text::slugify;
use crate::{Error, Result};

/// What a write states of a network; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct Edit {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub kind: Option<NetworkKind>,
    pub label: Option<Option<String>>,
    pub website: Option<Option<String>>,
    /// More spellings news use for it; added to those it has.
    pub aliases: Vec<String>,
}

pub async fn create(db: &DatabaseConnection, edit: Edit) -> Result<store::network::Model> {
    let Some(name) = edit.name.clone() else {
        return Err(Error::invalid_field(
            "input.name",
            "input.name is required to create a network",
        ));
    };
    let slug = edit.slug.clone().unwrap_or_else(|| slugify(&name));
    if slug.is_empty() {
        return Err(Error::invalid_field(
            "input.name",
            "input.name has no letters or digits to make a slug of",
        ));
    }
    let tx = begin(db).await?;
    if store::network::find_by_slug(&tx, &slug).await?.is_some() {
        return Err(slug_taken(&slug, edit.slug.is_some()));
    }
    let fields = store::network::Fields {
        slug: slug.clone(),
        name,
        kind: edit.kind.unwrap_or(NetworkKind::Network),
        label: edit.label.clone().flatten(),
        website: edit.website.clone().flatten(),
        about: store::network::About::default(),
    };
    let (id, _) = store::network::upsert(&tx, fields, None).await?;
    add_aliases(&tx, id, &edit).await?;
    store::outbox::record(&tx, Changed::Network, [id]).await?;
    let row = reread(&tx, &slug).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn update(
    db: &DatabaseConnection,
    slug: &str,
    version: i32,
    edit: Edit,
) -> Result<store::network::Model> {
    let tx = begin(db).await?;
    let row = at_version(&tx, slug, version).await?;
    let before = store::network::Fields::of(&row);
    let mut fields = before.clone();
    if let Some(s) = &edit.slug {
        fields.slug = s.clone();
    }
    if let Some(n) = &edit.name {
        fields.name = n.clone();
    }
    if let Some(k) = edit.kind {
        fields.kind = k;
    }
    if let Some(l) = &edit.label {
        fields.label = l.clone();
    }
    if let Some(w) = &edit.website {
        fields.website = w.clone();
    }
    if fields.slug != before.slug
        && store::network::find_by_slug(&tx, &fields.slug)
            .await?
            .is_some()
    {
        return Err(slug_taken(&fields.slug, true));
    }
    let new_slug = fields.slug.clone();
    let reslugged = new_slug != before.slug;
    let named = fields.name != before.name;
    if !overwrite(&tx, fields, row.id, version).await? {
        return Err(conflict(&tx, slug, version).await);
    }
    if named {
        store::name_stamp::touch(&tx).await?;
    }
    add_aliases(&tx, row.id, &edit).await?;
    store::outbox::record(&tx, Changed::Network, [row.id]).await?;
    if reslugged {
        // Members and news carry the network's slug as a facet.
        touch_dependants(&tx, row.id).await?;
    }
    let row = reread(&tx, &new_slug).await?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes the network if it is still at `version`: its memberships go with it, its news
/// stay without a publisher, and news that named it keep the name as a plain mention.
pub async fn remove(db: &DatabaseConnection, slug: &str, version: i32) -> Result<i32> {
    let tx = begin(db).await?;
    let row = at_version(&tx, slug, version).await?;
    touch_dependants(&tx, row.id).await?;
    if !delete::<store::network::Fields>(&tx, row.id, version).await? {
        return Err(conflict(&tx, slug, version).await);
    }
    store::name_stamp::touch(&tx).await?;
    store::outbox::record(&tx, Changed::Network, [row.id]).await?;
    tx.commit().await?;
    Ok(row.id)
}

async fn touch_dependants(db: &impl ConnectionTrait, id: i32) -> Result<()> {
    let members = store::membership::clusters_of(db, id).await?;
    store::outbox::record(db, Changed::Cluster, members).await?;
    let mut news = store::news::published_by(db, id).await?;
    news.extend(store::news_mention::news_naming_network(db, id).await?);
    news.sort_unstable();
    news.dedup();
    store::outbox::record(db, Changed::News, news).await?;
    Ok(())
}

async fn add_aliases(db: &impl ConnectionTrait, id: i32, edit: &Edit) -> Result<()> {
    let names = edit.name.iter().chain(&edit.aliases);
    for (i, alias) in names.enumerate() {
        let owner = store::network_alias::add(db, id, alias).await?;
        if owner != id {
            let field = match (&edit.name, i) {
                (Some(_), 0) => "input.name".to_owned(),
                (Some(_), i) => format!("input.aliases.{}", i - 1),
                (None, i) => format!("input.aliases.{i}"),
            };
            return Err(Error::invalid_field(
                &field,
                format!("{alias:?} is a name of another network"),
            ));
        }
    }
    Ok(())
}

async fn at_version(
    db: &impl ConnectionTrait,
    slug: &str,
    version: i32,
) -> Result<store::network::Model> {
    match store::network::find_by_slug(db, slug).await? {
        Some(row) if row.version == version => Ok(row),
        other => Err(stale(
            format!("network {slug:?}"),
            version,
            other.map(|r| r.version),
        )),
    }
}

async fn conflict(db: &impl ConnectionTrait, slug: &str, version: i32) -> Error {
    match store::network::find_by_slug(db, slug).await {
        Ok(row) => stale(format!("network {slug:?}"), version, row.map(|r| r.version)),
        Err(e) => e.into(),
    }
}

async fn reread(db: &impl ConnectionTrait, slug: &str) -> Result<store::network::Model> {
    store::network::find_by_slug(db, slug)
        .await?
        .ok_or_else(|| Error::NotFound(format!("network {slug:?}")))
}

fn slug_taken(slug: &str, given: bool) -> Error {
    let field = if given { "input.slug" } else { "input.name" };
    Error::invalid_field(
        field,
        format!("another network has the slug {slug:?}: give this one a slug of its own"),
    )
}
