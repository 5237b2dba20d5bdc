//! Writes parsed pages through the store, by natural key, so a second import of the same
//! page changes nothing.

mod article;
mod event;
mod profile;
mod project;

use std::collections::HashSet;

use sea_orm::{ConnectionTrait, DbErr};

use super::Warnings;
use super::manifest::{Manifest, PageEntry};
use super::network_page::NetworkPage;
use super::news::NewsRow;
use crate::resolve::keys::news_key;
use crate::resolve::known::Known;
use crate::resolve::mentions::{Mention, Target};
use crate::store;
use crate::store::network::NetworkKind;
use crate::store::outbox::Changed;
use crate::store::versioned::Versioned;
use crate::text::slugify;

pub use article::article;
pub use event::event_page;
pub use profile::profile;
pub use project::project_page;

/// Why a page was not written, with the line it is about.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The page lacks something nothing else supplies.
    #[error("line {line}: {message}")]
    Page { line: usize, message: String },
    /// The store refused a row; `line` is where the page states it (1: the page as a whole).
    #[error("line {line}: the store refused a row: {source}")]
    Db { line: usize, source: DbErr },
}

impl From<DbErr> for Error {
    fn from(source: DbErr) -> Self {
        Self::Db { line: 1, source }
    }
}

/// Places a store error at the line of the row being written.
trait At<T> {
    fn at(self, line: usize) -> Result<T, Error>;
}

impl<T> At<T> for Result<T, DbErr> {
    fn at(self, line: usize) -> Result<T, Error> {
        self.map_err(|source| Error::Db { line, source })
    }
}

/// (subject, rows changed, items written)
pub type Outcome = (String, usize, usize);

pub async fn networks(db: &impl ConnectionTrait, manifest: &Manifest) -> Result<(), DbErr> {
    for n in &manifest.networks {
        let stored = store::network::find_by_slug(db, &n.slug).await?;
        let fields = store::network::Fields {
            slug: n.slug.clone(),
            name: n.name.clone(),
            kind: n.kind,
            label: n.label.clone(),
            website: n.website.clone(),
            // What the network's own page stated stays: the manifest does not say it.
            about: stored
                .as_ref()
                .map(store::network::About::of)
                .unwrap_or_default(),
        };
        let (id, changed) = store::network::upsert(db, fields, stored).await?;
        for alias in std::iter::once(&n.name).chain(&n.aliases) {
            store::network_alias::add(db, id, alias).await?;
        }
        if changed {
            store::outbox::record(db, Changed::Network, [id]).await?;
        }
    }
    Ok(())
}

/// Writes what a network's own page states of it, onto the known network of that name (by
/// any of its names) or a new one.
pub async fn network_page(
    db: &impl ConnectionTrait,
    known: &mut Known,
    page: NetworkPage,
    kind: NetworkKind,
    entry: &PageEntry,
) -> Result<Outcome, Error> {
    let Some(name) = page.name.clone() else {
        return Err(Error::Page {
            line: 1,
            message: "the network page does not name its network".into(),
        });
    };
    let dir = known.networks(db).await?;
    let stored = match dir.resolve(&name) {
        Some(Target::Network(id)) => store::network::find_by_ids(db, &[id]).await?.pop(),
        _ => {
            let slug = entry.slug.clone().unwrap_or_else(|| slugify(&name));
            store::network::find_by_slug(db, &slug).await?
        }
    };
    let fields = match &stored {
        Some(s) => {
            let mut f = <store::network::Fields as Versioned>::of(s);
            f.website = page.website.or(f.website);
            // A page cut before its member list does not take the list back.
            let listed = page.about.listed_members.clone().or(f.about.listed_members);
            f.about = store::network::About {
                listed_members: listed,
                ..page.about
            };
            f
        }
        None => store::network::Fields {
            slug: entry.slug.clone().unwrap_or_else(|| slugify(&name)),
            name: name.clone(),
            kind,
            label: None,
            website: page.website,
            about: page.about,
        },
    };
    if fields.slug.is_empty() {
        return Err(Error::Page {
            line: 1,
            message: format!(
                "the network's name {name:?} has no letters or digits to make a slug of"
            ),
        });
    }
    let slug = fields.slug.clone();
    let (id, changed) = store::network::upsert(db, fields, stored).await?;
    store::network_alias::add(db, id, &name).await?;
    if changed {
        known.networks_written();
        store::outbox::record(db, Changed::Network, [id]).await?;
    }
    Ok((slug, usize::from(changed), 1))
}

pub async fn news_page(
    db: &impl ConnectionTrait,
    known: &mut Known,
    rows: Vec<NewsRow>,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<Outcome, Error> {
    let Some(source) = entry.source.clone() else {
        return Err(Error::Page {
            line: 1,
            message: "news page without a source address: add it to the manifest".into(),
        });
    };
    let publisher_id = publisher(db, entry, warnings).await?;
    let dir = known.everyone(db).await?;
    let mut keep = Vec::with_capacity(rows.len());
    let mut touched = Vec::new();
    let mut changed = 0;
    let page_keys: Vec<String> = rows
        .iter()
        .map(|row| news_key(&source, &row.published_as, &row.body))
        .collect();
    let mut stored = store::news::by_keys(db, &page_keys).await?;
    let mut keys = HashSet::new();
    for (row, key) in rows.iter().zip(page_keys) {
        if !keys.insert(key.clone()) {
            warnings.push(
                row.line,
                "the same item appears twice on the page; the second is skipped",
            );
            continue;
        }
        let (item, written) = store::news::upsert(
            db,
            store::news::Fields {
                key: key.clone(),
                source_url: source.clone(),
                publisher_id,
                position: row.position,
                title: row.title.clone(),
                published_on: Some(row.published_on),
                published_as: Some(row.published_as.clone()),
                date_suspect: row.date_suspect,
                body: row.body.clone(),
                author: None,
                filed_under: None,
            },
            stored.remove(&key),
        )
        .await
        .at(row.line)?;
        keep.push(item.id);
        let before = changed;
        changed += usize::from(written);
        let text = match &row.title {
            Some(t) => format!("{t}\n\n{}", row.body),
            None => row.body.clone(),
        };
        let mentions = dir
            .mentions(&text)
            .into_iter()
            .map(Mention::into_row)
            .collect();
        changed += usize::from(
            store::news_mention::replace(db, item, mentions)
                .await
                .at(row.line)?,
        );
        if changed > before {
            touched.push(item.id);
        }
    }
    let gone = store::news::delete_others(db, &source, &keep).await?;
    let removed = gone.len();
    store::outbox::record(db, Changed::News, touched.into_iter().chain(gone)).await?;
    if removed > 0 {
        warnings.push(
            1,
            format!("{removed} items no longer on the page were removed"),
        );
    }
    Ok((source, changed + removed, keep.len()))
}

/// The network the manifest names as the page's publisher.
async fn publisher(
    db: &impl ConnectionTrait,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<Option<i32>, Error> {
    let Some(slug) = &entry.publisher else {
        warnings.push(1, "news page without a publisher in the manifest");
        return Ok(None);
    };
    match store::network::find_by_slug(db, slug).await? {
        Some(n) => Ok(Some(n.id)),
        None => Err(Error::Page {
            line: 1,
            message: format!("manifest publisher {slug:?} is not a known network"),
        }),
    }
}

pub async fn relink(db: &impl ConnectionTrait, known: &mut Known) -> Result<usize, DbErr> {
    let dir = known.everyone(db).await?;
    let mut linked = 0;
    for m in store::news_mention::unresolved(db).await? {
        let (cluster, network) = match dir.resolve(&m.name) {
            Some(Target::Cluster(c)) => (Some(c), None),
            Some(Target::Network(n)) => (None, Some(n)),
            None => continue,
        };
        let siblings = store::news_mention::for_news(db, &[m.news_id]).await?;
        if siblings.iter().any(|s| {
            (s.cluster_id.is_some() && s.cluster_id == cluster)
                || (s.network_id.is_some() && s.network_id == network)
        }) {
            continue;
        }
        store::news_mention::link(db, m.id, cluster, network).await?;
        store::outbox::record(db, Changed::News, [m.news_id]).await?;
        linked += 1;
    }
    let partners = project::relink_partners(db, known).await?;
    let members = link_listed_members(db, known).await?;
    Ok(linked + partners + members + complete_cut_authors(db).await?)
}

/// Makes the members a network's page lists members of it, where they name clusters of
/// the directory: after every run, so a cluster imported after its network's page is linked.
async fn link_listed_members(db: &impl ConnectionTrait, known: &mut Known) -> Result<usize, DbErr> {
    let listings = store::network::listing_members(db).await?;
    if listings.is_empty() {
        return Ok(0);
    }
    let dir = known.everyone(db).await?;
    let mut linked = 0;
    for (network_id, names) in listings {
        for name in names.lines() {
            let Some(Target::Cluster(cluster_id)) = dir.resolve(name) else {
                continue;
            };
            let by_page = store::membership::BY_NETWORK_PAGE;
            if store::membership::put_as(db, cluster_id, network_id, by_page, name).await? {
                store::outbox::record(db, Changed::Cluster, [cluster_id]).await?;
                linked += 1;
            }
        }
    }
    Ok(linked)
}

/// Completes the authors that bylines cut short ("Alina Danieles…") once an article names
/// the same author in full: whichever page came first, the name ends up whole.
async fn complete_cut_authors(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let mut completed = 0;
    for (id, cut) in store::news::cut_authors(db).await? {
        let prefix = cut.trim_end_matches(store::news::CUT).trim_end();
        let wholes = store::news::authors_beginning(db, prefix).await?;
        let [whole] = wholes.as_slice() else {
            continue;
        };
        let Some(row) = store::news::find_by_ids(db, &[id]).await?.pop() else {
            continue;
        };
        let fields = store::news::Fields {
            author: Some(whole.clone()),
            ..<store::news::Fields as Versioned>::of(&row)
        };
        store::news::upsert(db, fields, Some(row)).await?;
        store::outbox::record(db, Changed::News, [id]).await?;
        completed += 1;
    }
    Ok(completed)
}
