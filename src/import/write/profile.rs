//! Writes a parsed cluster profile: its name, country and source settled against the
//! manifest and the stored cluster, then the row, then each list it states. What the page
//! leaves unstated (a cut page, the other layout's fields) stays as stored (`import::kept`).

use std::path::Path;

use sea_orm::ConnectionTrait;

use super::{At, Error, Outcome};
use crate::import::Warnings;
use crate::import::envelope::normalise;
use crate::import::kept::Kept;
use crate::import::manifest::PageEntry;
use crate::import::profile::{Field, Profile};
use crate::resolve::known::Known;
use crate::resolve::mentions::Target;
use crate::store::outbox::Changed;
use crate::store::versioned::Versioned;
use crate::store::{self, Parent, TermKind};
use crate::text::{name_key, slugify};

fn page_error(message: String) -> Error {
    Error::Page { line: 1, message }
}

pub async fn profile(
    db: &impl ConnectionTrait,
    known: &mut Known,
    p: Profile,
    file: &Path,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<Outcome, Error> {
    let name = cluster_name(entry, &p, warnings)?;
    let slug = entry.slug.clone().unwrap_or_else(|| slugify(&name));
    let country_code = country_of(entry, &p, warnings)?;
    let layout = if p.current_layout { "current" } else { "old" };
    if let Err(first) = known.claim_slug(&slug, layout, file) {
        return Err(page_error(format!(
            "{} already wrote the cluster {slug:?} in this import: give one of the pages its own slug in the manifest",
            first.display()
        )));
    }
    let stored = store::cluster::find_by_slug(db, &slug).await?;
    // One organisation has a page in each layout, at different paths: the same name is
    // the same cluster there.
    let other_layout = stored.as_ref().is_some_and(|s| {
        s.completeness.is_some() != p.current_layout && s.name_key == name_key(&name)
    });
    check_source(&slug, stored.as_ref(), entry, other_layout)?;
    // What a page cut short does not state stays as stored (none for a new cluster).
    let mut kept = Kept {
        fields: if stored.is_some() {
            p.unstated.clone()
        } else {
            Vec::new()
        },
    };
    let mut fields = fields_of(&p, slug.clone(), name, country_code, entry);
    if let Some(s) = &stored {
        settle(&mut fields, s, &p, other_layout, &mut kept, warnings);
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
    changed += lists(db, known, cluster, &p, &kept).await?;
    changed += memberships(db, known, cluster, &p, &kept, warnings).await?;
    if changed > 0 {
        store::outbox::record(db, Changed::Cluster, [cluster.id]).await?;
    }
    Ok((slug, changed, 1))
}

/// The cluster's name: the manifest's, else the page's (a disagreement is said).
fn cluster_name(entry: &PageEntry, p: &Profile, warnings: &mut Warnings) -> Result<String, Error> {
    match (&entry.name, &p.name) {
        (Some(m), Some(page)) if name_key(m) != name_key(page) => {
            warnings.push(
                1,
                format!("manifest names the cluster {m:?}, the page {page:?}; the manifest wins"),
            );
            Ok(m.clone())
        }
        (Some(m), _) => Ok(m.clone()),
        (None, Some(page)) => Ok(page.clone()),
        (None, None) => Err(page_error(
            "the profile does not name its cluster and no manifest entry does".into(),
        )),
    }
}

/// The country's ISO code: the manifest's, else the page's; none is a warning.
fn country_of(
    entry: &PageEntry,
    p: &Profile,
    warnings: &mut Warnings,
) -> Result<Option<String>, Error> {
    let Some(code) = entry.country.as_deref().or(p.country) else {
        warnings.push(
            1,
            "no country for this cluster: the page has none and the manifest gives none",
        );
        return Ok(None);
    };
    match crate::geo::by_code(code) {
        Some(c) => Ok(Some(c.code.to_owned())),
        None => Err(page_error(format!(
            "manifest country {code:?} is not an ISO code"
        ))),
    }
}

/// A slug another page already wrote from another address is another cluster's, unless it
/// is the same organisation's page in the other layout.
fn check_source(
    slug: &str,
    stored: Option<&store::cluster::Model>,
    entry: &PageEntry,
    other_layout: bool,
) -> Result<(), Error> {
    let Some((theirs, ours)) = stored
        .and_then(|s| s.source_url.as_deref().zip(entry.source.as_deref()))
        .filter(|(theirs, ours)| normalise(theirs) != normalise(ours) && !other_layout)
    else {
        return Ok(());
    };
    Err(page_error(format!(
        "the cluster {slug:?} was imported from {theirs}, this page comes from {ours}: give it its own slug in the manifest"
    )))
}

/// The row's fields as the page states them.
fn fields_of(
    p: &Profile,
    slug: String,
    name: String,
    country_code: Option<String>,
    entry: &PageEntry,
) -> store::cluster::Fields {
    let lines = |items: &[String]| (!items.is_empty()).then(|| items.join("\n"));
    store::cluster::Fields {
        slug,
        name,
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
        objectives: lines(&p.objectives),
        formalised_strategy: p.formalised_strategy,
        internationalisation_strategy: p.internationalisation_strategy,
        collaborates_with: p.collaborates_with.clone(),
        source_url: entry.source.clone(),
        members_startups: p.members_startups,
        other_labels: lines(&p.other_labels),
        specialisation: lines(&p.specialisation),
        current: p.current.clone(),
    }
}

/// Settles the page's fields against the stored cluster's: the other layout's page, kept
/// fields, and what a page never names (its source, its country) keep the stored values.
fn settle(
    fields: &mut store::cluster::Fields,
    stored: &store::cluster::Model,
    p: &Profile,
    other_layout: bool,
    kept: &mut Kept,
    warnings: &mut Warnings,
) {
    let before = <store::cluster::Fields as Versioned>::of(stored);
    if other_layout {
        kept.settle_layouts(p.current_layout, fields, &before, warnings);
        // The current layout's address is the cluster's source.
        if !p.current_layout {
            fields.source_url.clone_from(&before.source_url);
        }
    }
    kept.scalars(fields, &before);
    // A page imported without its manifest keeps the address an earlier import gave.
    if fields.source_url.is_none() {
        fields.source_url.clone_from(&before.source_url);
    }
    // A page that names no country (the old layout never does) keeps the known one.
    if fields.country_code.is_none() {
        fields.country_code.clone_from(&before.country_code);
    }
    // The current layout lists objectives only as bullets under `About us`: without them
    // it does not state any, and the old page's stay.
    if p.current_layout && fields.objectives.is_none() {
        fields.objectives.clone_from(&before.objectives);
    }
}

/// Writes the lists the page states: contacts, terms, cooperation, services, programmes.
async fn lists(
    db: &impl ConnectionTrait,
    known: &mut Known,
    cluster: Parent,
    p: &Profile,
    kept: &Kept,
) -> Result<usize, Error> {
    let mut changed = 0;
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

    Ok(changed)
}

/// Writes the memberships the networks field and the collaboration text state; an unknown
/// network is recorded as a new one.
async fn memberships(
    db: &impl ConnectionTrait,
    known: &mut Known,
    cluster: Parent,
    p: &Profile,
    kept: &Kept,
    warnings: &mut Warnings,
) -> Result<usize, Error> {
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
        let id = match id {
            Some(id) => Some(id),
            None => unknown_network(db, known, line, written, warnings).await?,
        };
        if let Some(network_id) = id {
            memberships.push((network_id, "MEMBERSHIP_FIELD".to_owned(), written.clone()));
        }
    }
    for (id, name) in collaborating
        .into_iter()
        .filter(|_| !kept.has(Field::Collaborates))
    {
        memberships.push((id, "COLLABORATION_FIELD".to_owned(), name));
    }
    Ok(usize::from(
        store::membership::replace(db, cluster, memberships).await?,
    ))
}

/// The network a name no directory entry knows stands for: the known one with the same
/// slug, or a new one; none for a name without letters or digits.
async fn unknown_network(
    db: &impl ConnectionTrait,
    known: &mut Known,
    line: usize,
    written: &str,
    warnings: &mut Warnings,
) -> Result<Option<i32>, Error> {
    let slug = slugify(written);
    if slug.is_empty() {
        warnings.push(line, format!("network {written:?} is no name; skipped"));
        return Ok(None);
    }
    // Same letters, other punctuation: the known network, left as it is.
    if let Some(same) = store::network::find_by_slug(db, &slug).await.at(line)? {
        warnings.push(
            line,
            format!(
                "network {written:?} is not a known name; taken as {:?}, whose slug it shares",
                same.name
            ),
        );
        return Ok(Some(same.id));
    }
    warnings.push(
        line,
        format!("network {written:?} is not known; recorded as a new network"),
    );
    let fields = store::network::Fields {
        slug,
        name: written.to_owned(),
        kind: store::network::NetworkKind::Network,
        label: None,
        website: None,
        about: store::network::About::default(),
    };
    // No network has this slug: the lookup above found none.
    let (id, _) = store::network::upsert(db, fields, None).await.at(line)?;
    known.networks_written();
    store::outbox::record(db, Changed::Network, [id])
        .await
        .at(line)?;
    // The network the name belongs to: the new one, or one that already had the alias.
    let owner = store::network_alias::add(db, id, written).await.at(line)?;
    Ok(Some(owner))
}
