//! Writes an EU project's page onto its project: one project by the slug of its short name
//! (the part before " - "), so its old and current profiles are one. What a page does not
//! state keeps what the other stated; partners are replaced by the page that lists them.

use sea_orm::ConnectionTrait;

use super::{Error, Outcome};
use crate::import::Warnings;
use crate::import::manifest::PageEntry;
use crate::import::project_page::ProjectPage;
use crate::resolve::known::Known;
use crate::resolve::mentions::Target;
use crate::store;
use crate::store::outbox::Changed;
use crate::store::project::Fields;
use crate::store::versioned::Versioned;
use crate::text::slugify;

pub async fn project_page(
    db: &impl ConnectionTrait,
    known: &mut Known,
    page: ProjectPage,
    entry: &PageEntry,
    warnings: &mut Warnings,
) -> Result<Outcome, Error> {
    let Some(name) = page.name.clone() else {
        return Err(Error::Page {
            line: 1,
            message: "the project page names no project".into(),
        });
    };
    let slug = entry.slug.clone().unwrap_or_else(|| slug_of(&name));
    if slug.is_empty() {
        return Err(Error::Page {
            line: 1,
            message: format!("the project's name {name:?} has no letters or digits for a slug"),
        });
    }
    let stored = store::project::find_by_slug(db, &slug).await?;
    let stated = Fields {
        slug: slug.clone(),
        name,
        programme: page.programme.clone(),
        starts_on: page.starts_on,
        ends_on: page.ends_on,
        total_budget_eur: page.total_budget_eur,
        eu_contribution_eur: page.eu_contribution_eur,
        partnership_type: page.partnership_type.clone(),
        country_code: page.country.clone(),
        region: page.region.clone(),
        contact_person: page.contact_person.clone(),
        completeness: page.completeness,
        summary: page.summary.clone(),
        source_url: entry.source.clone(),
    };
    let fields = match stored.as_ref().map(Fields::of) {
        None => stated,
        // Only the current layout states completeness: an old page read after it fills in
        // what the current one left unstated, and changes nothing it stated.
        Some(current) if current.completeness.is_some() && stated.completeness.is_none() => {
            over(current, stated)
        }
        Some(before) => over(stated, before),
    };
    let (project, written) = store::project::upsert(db, fields, stored).await?;
    let mut changed = usize::from(written);
    if !page.partners.is_empty() {
        let dir = known.everyone(db).await?;
        let rows = page
            .partners
            .iter()
            .map(|p| {
                let cluster = match dir.resolve(&p.name) {
                    Some(Target::Cluster(id)) => Some(id),
                    _ => None,
                };
                let country = p.country.as_deref().and_then(|c| {
                    let code = crate::geo::by_name(c).map(|c| c.code.to_owned());
                    if code.is_none() {
                        warnings.push(
                            p.line,
                            format!("{c:?} is no country we know; none recorded"),
                        );
                    }
                    code
                });
                (p.name.clone(), p.function.clone(), country, cluster)
            })
            .collect();
        changed += usize::from(store::project_partner::replace(db, project, rows).await?);
    }
    if changed > 0 {
        store::outbox::record(db, Changed::Project, [project.id]).await?;
    }
    Ok((slug, changed, page.partners.len().max(1)))
}

/// `first`'s values, and `second`'s where `first` states none.
fn over(first: Fields, second: Fields) -> Fields {
    Fields {
        slug: first.slug,
        name: first.name,
        programme: first.programme.or(second.programme),
        starts_on: first.starts_on.or(second.starts_on),
        ends_on: first.ends_on.or(second.ends_on),
        total_budget_eur: first.total_budget_eur.or(second.total_budget_eur),
        eu_contribution_eur: first.eu_contribution_eur.or(second.eu_contribution_eur),
        partnership_type: first.partnership_type.or(second.partnership_type),
        country_code: first.country_code.or(second.country_code),
        region: first.region.or(second.region),
        contact_person: first.contact_person.or(second.contact_person),
        completeness: first.completeness.or(second.completeness),
        summary: first.summary.or(second.summary),
        source_url: first.source_url.or(second.source_url),
    }
}

/// The slug of a project's short name: "COSMENERG - Cluster Excellence project in …" is
/// COSMENERG's.
fn slug_of(name: &str) -> String {
    let short = name.split(" - ").next().unwrap_or(name);
    let slug = slugify(short);
    if slug.len() >= 3 { slug } else { slugify(name) }
}

/// Links the partners that named no cluster when written to the clusters now known by
/// their names.
pub async fn relink_partners(
    db: &impl ConnectionTrait,
    known: &mut Known,
) -> Result<usize, sea_orm::DbErr> {
    let dir = known.everyone(db).await?;
    let mut linked = 0;
    for partner in store::project_partner::unresolved(db).await? {
        if let Some(Target::Cluster(id)) = dir.resolve(&partner.name) {
            store::project_partner::link(db, partner.id, id).await?;
            store::outbox::record(db, Changed::Project, [partner.project_id]).await?;
            linked += 1;
        }
    }
    Ok(linked)
}
