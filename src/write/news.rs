//! News items, with the clusters and networks they name resolved as the importer does.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use super::stale;
use crate::resolve::keys::{article_key, news_key};
use crate::resolve::known::Known;
use crate::resolve::mentions::Mention;
use crate::store::outbox::Changed;
use crate::store::tx::begin;
use crate::store::versioned::{Versioned, delete, overwrite};
use crate::store::{self, Parent};
use crate::{Error, Result};

/// Where items posted through the API come from, unless the write names a page.
pub const API_SOURCE: &str = "urn:cluster-atlas:api";

/// What a write states of a news item; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct Edit {
    pub title: Option<Option<String>>,
    pub body: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// The publishing network's slug, or none.
    pub publisher: Option<Option<String>>,
    pub source_url: Option<String>,
}

pub async fn create(db: &DatabaseConnection, edit: Edit) -> Result<store::news::Model> {
    let (Some(body), Some(published_on)) = (edit.body.clone(), edit.published_on) else {
        let missing = if edit.body.is_none() {
            "input.body"
        } else {
            "input.publishedOn"
        };
        return Err(Error::invalid_field(
            missing,
            format!("{missing} is required to publish a news item"),
        ));
    };
    let tx = begin(db).await?;
    let publisher_id = publisher(&tx, edit.publisher.clone().flatten()).await?;
    let source_url = edit.source_url.clone().unwrap_or_else(|| API_SOURCE.into());
    let fields = fields(
        source_url,
        publisher_id,
        edit.title.clone().flatten(),
        Some(published_on),
        body,
    );
    if store::news::find_by_key(&tx, &fields.key).await?.is_some() {
        return Err(duplicate());
    }
    let (parent, _) = store::news::upsert(&tx, fields, None).await?;
    let row = finish(&tx, parent).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn update(
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    edit: Edit,
) -> Result<store::news::Model> {
    let tx = begin(db).await?;
    let row = at_version(&tx, id, version).await?;
    let before = store::news::Fields::of(&row);
    let publisher_id = match edit.publisher.clone() {
        Some(slug) => publisher(&tx, slug).await?,
        None => before.publisher_id,
    };
    let f = fields(
        edit.source_url.clone().unwrap_or(before.source_url.clone()),
        publisher_id,
        edit.title.clone().unwrap_or(before.title.clone()),
        edit.published_on.or(before.published_on),
        edit.body.clone().unwrap_or(before.body.clone()),
    );
    // An edit that leaves the date and body keeps the date as the page wrote it.
    let f = store::news::Fields {
        published_as: if f.published_on == before.published_on {
            before.published_as.clone()
        } else {
            f.published_as
        },
        position: before.position,
        date_suspect: before.date_suspect && f.published_on == before.published_on,
        author: before.author.clone(),
        filed_under: before.filed_under.clone(),
        ..f
    };
    // An article is one item whatever its text says: its key stays its page's.
    let key = if before.key == article_key(&before.source_url) {
        article_key(&f.source_url)
    } else {
        news_key(
            &f.source_url,
            f.published_as.as_deref().unwrap_or_default(),
            &f.body,
        )
    };
    let f = store::news::Fields { key, ..f };
    if f.key != before.key && store::news::find_by_key(&tx, &f.key).await?.is_some() {
        return Err(duplicate());
    }
    if !overwrite(&tx, f, id, version).await? {
        return Err(conflict(&tx, id, version).await);
    }
    let row = finish(&tx, Parent { id, fresh: false }).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn remove(db: &DatabaseConnection, id: i32, version: i32) -> Result<()> {
    let tx = begin(db).await?;
    at_version(&tx, id, version).await?;
    if !delete::<store::news::Fields>(&tx, id, version).await? {
        return Err(conflict(&tx, id, version).await);
    }
    store::outbox::record(&tx, Changed::News, [id]).await?;
    tx.commit().await?;
    Ok(())
}

fn fields(
    source_url: String,
    publisher_id: Option<i32>,
    title: Option<String>,
    published_on: Option<NaiveDate>,
    body: String,
) -> store::news::Fields {
    let published_as = published_on.map(|d| d.format("%Y-%m-%d").to_string());
    store::news::Fields {
        key: news_key(
            &source_url,
            published_as.as_deref().unwrap_or_default(),
            &body,
        ),
        source_url,
        publisher_id,
        position: 0,
        title,
        published_on,
        published_as,
        date_suspect: false,
        body,
        author: None,
        filed_under: None,
    }
}

/// Resolves the item's mentions, records it for the indexer and reads it back.
async fn finish(db: &impl ConnectionTrait, item: Parent) -> Result<store::news::Model> {
    let row = store::news::Entity::find_by_id(item.id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("news item {}", item.id)))?;
    let text = match &row.title {
        Some(t) => format!("{t}\n\n{}", row.body),
        None => row.body.clone(),
    };
    let mut known = Known::default();
    let mentions = known
        .everyone(db)
        .await?
        .mentions(&text)
        .into_iter()
        .map(Mention::into_row)
        .collect();
    store::news_mention::replace(db, item, mentions).await?;
    store::outbox::record(db, Changed::News, [item.id]).await?;
    Ok(row)
}

async fn publisher(db: &impl ConnectionTrait, slug: Option<String>) -> Result<Option<i32>> {
    let Some(slug) = slug else { return Ok(None) };
    match store::network::find_by_slug(db, &slug).await? {
        Some(n) => Ok(Some(n.id)),
        None => Err(Error::invalid_field(
            "input.publisher",
            format!("input.publisher {slug:?} is not a known network slug"),
        )),
    }
}

async fn at_version(
    db: &impl ConnectionTrait,
    id: i32,
    version: i32,
) -> Result<store::news::Model> {
    match store::news::Entity::find_by_id(id).one(db).await? {
        Some(row) if row.version == version => Ok(row),
        other => Err(stale(
            format!("news item {id}"),
            version,
            other.map(|r| r.version),
        )),
    }
}

async fn conflict(db: &impl ConnectionTrait, id: i32, version: i32) -> Error {
    match store::news::Entity::find_by_id(id).one(db).await {
        Ok(row) => stale(format!("news item {id}"), version, row.map(|r| r.version)),
        Err(e) => e.into(),
    }
}

fn duplicate() -> Error {
    Error::invalid_field(
        "input.body",
        "the same item (source, date and text) is already published",
    )
}
