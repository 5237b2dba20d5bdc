//! Writes parsed pages through the store, by natural key, so a second import of the same
//! page changes nothing.

use std::collections::HashSet;
use std::path::Path;

use sea_orm::{ConnectionTrait, DbErr};

use super::Warnings;
use super::envelope::normalise;
use super::kept::Kept;
use super::manifest::{Manifest, PageEntry};
use super::news::NewsRow;
use super::profile::{Field, Profile};
use crate::resolve::keys::news_key;
use crate::resolve::known::Known;
use crate::resolve::mentions::{Mention, Target};
use crate::store::outbox::Changed;
use crate::store::versioned::Versioned;
use crate::store::{self, TermKind};
use crate::text::{name_key, slugify};

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
        let (id, changed) = store::network::upsert(
            db,
            store::network::Fields {
                slug: n.slug.clone(),
                name: n.name.clone(),
                kind: n.kind.to_ascii_uppercase(),
                label: n.label.clone(),
                website: n.website.clone(),
            },
            store::network::find_by_slug(db, &n.slug).await?,
        )
        .await?;
        for alias in std::iter::once(&n.name).chain(&n.aliases) {
            store::network_alias::add(db, id, alias).await?;
        }
        if changed {
            store::outbox::record(db, Changed::Network, [id]).await?;
        }
    }
    Ok(())
}

pub async fn profile(
    db: &impl ConnectionTrait,
    known: &mut Known,
    p: Profile,
    file: &Path,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<Outcome, Error> {
    let name = match (&entry.name, &p.name) {
        (Some(m), Some(page)) if name_key(m) != name_key(page) => {
            warnings.push(
                1,
                format!("manifest names the cluster {m:?}, the page {page:?}; the manifest wins"),
            );
            m.clone()
        }
        (Some(m), _) => m.clone(),
        (None, Some(page)) => page.clone(),
        (None, None) => {
            return Err(Error::Page {
                line: 1,
                message: "the profile does not name its cluster and no manifest entry does".into(),
            });
        }
    };
    let slug = entry.slug.clone().unwrap_or_else(|| slugify(&name));
    let country_code = match entry.country.as_deref().or(p.country) {
        Some(code) => match crate::geo::by_code(code) {
            Some(c) => Some(c.code.to_owned()),
            None => {
                return Err(Error::Page {
                    line: 1,
                    message: format!("manifest country {code:?} is not an ISO code"),
                });
            }
        },
        None => {
            warnings.push(
                1,
                "no country for this cluster: the page has none and the manifest gives none",
            );
            None
        }
    };
    if let Err(first) = known.claim_slug(&slug, file) {
        return Err(Error::Page {
            line: 1,
            message: format!(
                "{} already wrote the cluster {slug:?} in this import: give one of the pages its own slug in the manifest",
                first.display()
            ),
        });
    }
    let stored = store::cluster::find_by_slug(db, &slug).await?;
    // One organisation has a page in each layout, at different paths: the same name is
    // the same cluster there.
    let other_layout = stored.as_ref().is_some_and(|s| {
        s.completeness.is_some() != p.current_layout && s.name_key == name_key(&name)
    });
    if let Some((theirs, ours)) = stored
        .as_ref()
        .and_then(|s| s.source_url.as_deref().zip(entry.source.as_deref()))
        .filter(|(theirs, ours)| normalise(theirs) != normalise(ours) && !other_layout)
    {
        return Err(Error::Page {
            line: 1,
            message: format!(
                "the cluster {slug:?} was imported from {theirs}, this page comes from {ours}: give it its own slug in the manifest"
            ),
        });
    }
    let objectives = (!p.objectives.is_empty()).then(|| p.objectives.join("\n"));
    // What a page cut short does not state stays as stored (none for a new cluster).
    let mut kept = Kept {
        fields: if stored.is_some() {
            p.unstated.clone()
        } else {
            Vec::new()
        },
    };
    let mut fields = store::cluster::Fields {
        slug: slug.clone(),
        name: name.clone(),
        country_code,
        region: p.region.clone(),
        established: p.established,
        staff_count: p.staff_count,
        excellence_label: p.excellence_label.clone(),
        escp_membership: p.escp_membership.clone(),
        members: [
            p.members_total,
            p.members_sme,
            p.members_large,
            p.members_research,
            p.members_other,
        ],
        scale_up_facilities: p.scale_up_facilities.clone(),
        major_players: p.major_players.clone(),
        strategy: p.strategy.clone(),
        objectives,
        formalised_strategy: p.formalised_strategy,
        internationalisation_strategy: p.internationalisation_strategy,
        collaborates_with: p.collaborates_with.clone(),
        // A page imported without its manifest keeps the address an earlier import gave.
        source_url: entry
            .source
            .clone()
            .or_else(|| stored.as_ref().and_then(|s| s.source_url.clone())),
        members_startups: p.members_startups,
        other_labels: (!p.other_labels.is_empty()).then(|| p.other_labels.join("\n")),
        specialisation: (!p.specialisation.is_empty()).then(|| p.specialisation.join("\n")),
        current: p.current.clone(),
    };
    if let Some(s) = &stored {
        let before = <store::cluster::Fields as Versioned>::of(s);
        if other_layout {
            kept.settle_layouts(p.current_layout, &fields, &before, warnings);
            // The current layout's address is the cluster's source.
            if !p.current_layout {
                fields.source_url.clone_from(&before.source_url);
            }
        }
        kept.scalars(&mut fields, &before);
        // A page that names no country (the old layout never does) keeps the known one.
        if fields.country_code.is_none() {
            fields.country_code.clone_from(&before.country_code);
        }
    }
    let (cluster, mut changed) = store::cluster::upsert(db, fields, stored)
        .await
        .map(|(parent, c)| (parent, usize::from(c)))?;

    for alias in store::cluster_alias::replace(db, cluster, &entry.aliases).await? {
        warnings.push(
            1,
            format!("alias {alias:?} belongs to another cluster; skipped"),
        );
    }
    let contacts = p
        .contacts
        .iter()
        .map(|c| {
            (
                c.role.clone(),
                c.name.clone(),
                c.phone.clone(),
                c.email.clone(),
            )
        })
        .collect();
    if !kept.has(Field::Team) {
        changed += usize::from(store::contact::replace(db, cluster, contacts).await?);
    }

    let mut term_ids = kept.terms(db, cluster.id).await?;
    for (kind, value) in &p.terms {
        if !kept.keeps_terms_of(*kind) {
            term_ids.insert(known.term(db, *kind, value).await?);
        }
    }
    changed += usize::from(store::cluster_term::set(db, cluster, &term_ids).await?);

    let mut countries = kept.countries(db, cluster.id).await?;
    for (scope, code) in &p.cooperation_countries {
        if !kept.has(Field::Countries(Some(*scope))) {
            countries.insert((scope.as_str().to_owned(), (*code).to_owned()));
        }
    }
    changed += usize::from(store::cooperation_country::set(db, cluster, &countries).await?);
    let mut activities = kept.activities(db, cluster.id).await?;
    for (scope, value) in &p.cooperation_activities {
        if !kept.has(Field::Activities(Some(*scope))) {
            let term = known.term(db, TermKind::ActivityType, value).await?;
            activities.insert((scope.as_str().to_owned(), term));
        }
    }
    changed += usize::from(store::cooperation_activity::set(db, cluster, &activities).await?);

    if !kept.has(Field::ServiceDetails) {
        let groups = p
            .services
            .iter()
            .map(|g| (g.heading.clone(), g.items.clone()))
            .collect();
        changed += usize::from(store::service_group::replace(db, cluster, groups).await?);
    }

    let mut participations = Vec::new();
    for row in &p.programmes {
        let id = store::programme::upsert(
            db,
            store::programme::Fields {
                name: row.name.clone(),
                title: row.title.clone(),
                framework: row.framework.clone(),
                url: row.url.clone(),
                description: row.description.clone(),
            },
        )
        .await
        .at(row.line)?;
        participations.push((id, row.scope.as_str().to_owned(), row.as_written.clone()));
    }
    if !kept.has(Field::Programmes) {
        changed += usize::from(store::participation::replace(db, cluster, participations).await?);
    }

    let dir = known.networks(db).await?;
    let stated: Vec<(usize, &String, Option<i32>)> = p
        .networks
        .iter()
        .map(|(line, written)| match dir.resolve(written) {
            Some(Target::Network(id)) => (*line, written, Some(id)),
            _ => (*line, written, None),
        })
        .collect();
    // "Which clusters do you collaborate with?" often names the network the cluster is in.
    let collaborating: Vec<(i32, String)> = p
        .collaborates_with
        .iter()
        .flat_map(|text| dir.mentions(text))
        .filter_map(|m| match m.target {
            Some(Target::Network(id)) => Some((id, m.name)),
            _ => None,
        })
        .collect();
    let mut memberships = kept.memberships(db, cluster.id).await?;
    for (line, written, id) in stated.into_iter().filter(|_| !kept.has(Field::Networks)) {
        let slug = slugify(written);
        let network_id = match id {
            Some(id) => id,
            // No letters or digits: no slug, and no name to show.
            None if slug.is_empty() => {
                warnings.push(line, format!("network {written:?} is no name; skipped"));
                continue;
            }
            None => match store::network::find_by_slug(db, &slug).await.at(line)? {
                // Same letters, other punctuation: the known network, left as it is.
                Some(same) => {
                    warnings.push(
                        line,
                        format!(
                            "network {written:?} is not a known name; taken as {:?}, whose slug it shares",
                            same.name
                        ),
                    );
                    same.id
                }
                None => {
                    warnings.push(
                        line,
                        format!("network {written:?} is not known; recorded as a new network"),
                    );
                    let (id, _) = store::network::upsert(
                        db,
                        store::network::Fields {
                            slug,
                            name: written.clone(),
                            kind: "NETWORK".into(),
                            label: None,
                            website: None,
                        },
                        // No network has this slug: the lookup above found none.
                        None,
                    )
                    .await
                    .at(line)?;
                    known.networks_written();
                    store::outbox::record(db, Changed::Network, [id])
                        .await
                        .at(line)?;
                    store::network_alias::add(db, id, written).await.at(line)?
                }
            },
        };
        memberships.push((network_id, "MEMBERSHIP_FIELD".to_owned(), written.clone()));
    }
    for (id, name) in collaborating
        .into_iter()
        .filter(|_| !kept.has(Field::Collaborates))
    {
        memberships.push((id, "COLLABORATION_FIELD".to_owned(), name));
    }
    changed += usize::from(store::membership::replace(db, cluster, memberships).await?);
    if changed > 0 {
        store::outbox::record(db, Changed::Cluster, [cluster.id]).await?;
    }
    Ok((slug, changed, 1))
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
    let publisher_id = match &entry.publisher {
        Some(slug) => match store::network::find_by_slug(db, slug).await? {
            Some(n) => Some(n.id),
            None => {
                return Err(Error::Page {
                    line: 1,
                    message: format!("manifest publisher {slug:?} is not a known network"),
                });
            }
        },
        None => {
            warnings.push(1, "news page without a publisher in the manifest");
            None
        }
    };
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
                published_on: row.published_on,
                published_as: row.published_as.clone(),
                date_suspect: row.date_suspect,
                body: row.body.clone(),
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
    Ok(linked)
}
