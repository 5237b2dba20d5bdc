//! Documents derived from the store: a cluster gives its own document, one per service group
//! and one per programme participation, plus suggestions of its name; a news item gives one.
//! Everything is read in batches, a constant number of statements per batch.

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use sea_orm::{ConnectionTrait, DbErr};
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

use super::schema::{Fields, Kind, TextField, facet};
use super::suggest::Suggests;
use crate::store::{self, TermKind};

/// The owner term of everything derived from a cluster, network or news item.
pub fn owner(entity: store::outbox::Changed, id: i32) -> String {
    format!("{}/{id}", entity.as_str())
}

/// Documents to write, and the owners whose documents they replace.
#[derive(Default)]
pub struct Derived {
    pub owners: Vec<String>,
    pub docs: Vec<TantivyDocument>,
}

/// One document being put together.
struct Builder<'a> {
    fields: &'a Fields,
    doc: TantivyDocument,
}

impl<'a> Builder<'a> {
    fn new(fields: &'a Fields, kind: Kind, id: i32, owner: &str) -> Self {
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.kind, kind.code());
        doc.add_u64(fields.id, u64::try_from(id).unwrap_or(0));
        doc.add_text(fields.owner, owner);
        doc.add_facet(
            fields.facets,
            Facet::from_path([facet::KIND, kind.facet_value()]),
        );
        Self { fields, doc }
    }

    fn text(&mut self, field: TextField, value: &str) -> &mut Self {
        if !value.trim().is_empty() {
            self.doc.add_text(self.fields.text(field), value);
            self.doc.add_text(self.fields.words, value);
        }
        self
    }

    fn facet(&mut self, root: &str, value: &str) -> &mut Self {
        if !value.is_empty() {
            self.doc
                .add_facet(self.fields.facets, Facet::from_path([root, value]));
        }
        self
    }

    fn day(&mut self, date: chrono::NaiveDate) -> &mut Self {
        self.doc
            .add_i64(self.fields.day, i64::from(date.num_days_from_ce()));
        self.facet(facet::YEAR, &date.year().to_string())
    }

    fn done(self) -> TantivyDocument {
        self.doc
    }
}

/// What a cluster's documents share: where it is, its label, its networks.
struct Context {
    country: Option<String>,
    label: Option<String>,
    networks: Vec<String>,
}

impl Context {
    fn apply(&self, b: &mut Builder) {
        if let Some(code) = &self.country {
            b.facet(facet::COUNTRY, code);
        }
        if let Some(label) = &self.label {
            b.facet(facet::EXCELLENCE_LABEL, &label.to_ascii_uppercase());
        }
        for slug in &self.networks {
            b.facet(facet::NETWORK, slug);
        }
    }
}

/// Whether a cluster's documents come with the suggestions of the regions and terms it
/// uses. A full build derives those once, at its end ([`every_shared_suggestion`]):
/// per batch, each would be counted and written again for every batch using it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    Suggest,
    Later,
}

/// The documents of the clusters `ids` (none for those deleted), and (with
/// [`Shared::Suggest`]) the suggestions of the regions and terms they use, weighed by how
/// many clusters use each.
pub async fn clusters(
    db: &impl ConnectionTrait,
    fields: &Fields,
    ids: &[i32],
    shared: Shared,
) -> Result<Derived, DbErr> {
    let mut out = Derived {
        owners: ids
            .iter()
            .map(|&id| owner(store::outbox::Changed::Cluster, id))
            .collect(),
        docs: Vec::new(),
    };
    let clusters = store::cluster::find_by_ids(db, ids).await?;
    let mut rows = ClusterRows::load(db, &clusters).await?;
    let mut by_cluster: HashMap<i32, Context> = HashMap::new();
    for c in &clusters {
        let owner = owner(store::outbox::Changed::Cluster, c.id);
        let context = Context {
            country: c.country_code.clone(),
            label: c.excellence_label.clone(),
            networks: rows.networks.remove(&c.id).unwrap_or_default(),
        };
        out.docs.push(cluster_doc(fields, c, &rows, &context));
        out.docs.push(suggestion(
            fields,
            c.id,
            &owner,
            Suggests::Cluster,
            &c.name,
            1,
        ));
        by_cluster.insert(c.id, context);
    }
    service_docs(fields, &rows.groups, &by_cluster, &mut out.docs);
    participation_docs(fields, &rows.participations, &by_cluster, &mut out.docs);
    if shared == Shared::Suggest {
        let used = rows.terms.values().flatten();
        let term_ids: Vec<i32> = used.clone().map(|t| t.id).collect();
        let regions: Vec<String> = clusters
            .iter()
            .filter_map(|c| c.region.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let term_counts = store::cluster_term::counts(db, Some(&term_ids)).await?;
        let region_counts = store::cluster::region_counts(db, Some(&regions)).await?;
        shared_suggestions(fields, used, term_counts, region_counts, &mut out);
    }
    Ok(out)
}

/// What the documents of some clusters read besides the clusters' own rows, by cluster.
struct ClusterRows {
    aliases: HashMap<i32, Vec<String>>,
    terms: HashMap<i32, Vec<store::term::Model>>,
    targets: HashMap<i32, BTreeSet<String>>,
    networks: HashMap<i32, Vec<String>>,
    groups: Vec<(store::service_group::Model, Vec<String>)>,
    participations: Vec<(store::participation::Model, Option<store::programme::Model>)>,
}

impl ClusterRows {
    async fn load(
        db: &impl ConnectionTrait,
        clusters: &[store::cluster::Model],
    ) -> Result<Self, DbErr> {
        let ids: Vec<i32> = clusters.iter().map(|c| c.id).collect();
        let mut aliases: HashMap<i32, Vec<String>> = HashMap::new();
        for a in store::cluster_alias::for_clusters(db, &ids).await? {
            aliases.entry(a.cluster_id).or_default().push(a.alias);
        }
        let mut terms: HashMap<i32, Vec<store::term::Model>> = HashMap::new();
        for (cluster, t) in store::term::for_clusters(db, &ids).await? {
            terms.entry(cluster).or_default().push(t);
        }
        let mut targets: HashMap<i32, BTreeSet<String>> = HashMap::new();
        for t in store::cooperation_country::for_clusters(db, &ids).await? {
            targets
                .entry(t.cluster_id)
                .or_default()
                .insert(t.country_code);
        }
        let mut networks: HashMap<i32, Vec<String>> = HashMap::new();
        for (m, network) in store::membership::with_networks_for_clusters(db, &ids).await? {
            if let Some(network) = network {
                networks.entry(m.cluster_id).or_default().push(network.slug);
            }
        }
        let groups = store::service_group::for_clusters(db, &ids).await?;
        Ok(Self {
            aliases,
            terms,
            targets,
            networks,
            groups: store::service_group::with_items(db, groups).await?,
            participations: store::participation::with_programmes_for_clusters(db, &ids).await?,
        })
    }
}

/// A cluster's own document: names, prose, terms, targets and places.
fn cluster_doc(
    fields: &Fields,
    c: &store::cluster::Model,
    rows: &ClusterRows,
    context: &Context,
) -> TantivyDocument {
    let owner = owner(store::outbox::Changed::Cluster, c.id);
    let mut b = Builder::new(fields, Kind::Cluster, c.id, &owner);
    b.text(TextField::Name, &c.name);
    for alias in rows.aliases.get(&c.id).into_iter().flatten() {
        b.text(TextField::Name, alias);
    }
    for prose in [&c.strategy, &c.objectives].into_iter().flatten() {
        b.text(TextField::Strategy, prose);
    }
    for prose in [
        &c.collaborates_with,
        &c.major_players,
        &c.scale_up_facilities,
    ]
    .into_iter()
    .flatten()
    {
        b.text(TextField::Body, prose);
    }
    for t in rows.terms.get(&c.id).into_iter().flatten() {
        b.text(TextField::Terms, &t.name);
        if let Some(kind) = TermKind::parse(&t.kind) {
            b.facet(facet::term(kind), &t.name);
        }
    }
    for code in rows.targets.get(&c.id).into_iter().flatten() {
        b.facet(facet::TARGET, code);
    }
    places(&mut b, c);
    context.apply(&mut b);
    b.done()
}

/// A document per service group of the clusters in `by_cluster`.
fn service_docs(
    fields: &Fields,
    groups: &[(store::service_group::Model, Vec<String>)],
    by_cluster: &HashMap<i32, Context>,
    docs: &mut Vec<TantivyDocument>,
) {
    for (g, items) in groups {
        let Some(context) = by_cluster.get(&g.cluster_id) else {
            continue;
        };
        let owner = owner(store::outbox::Changed::Cluster, g.cluster_id);
        let mut b = Builder::new(fields, Kind::Service, g.id, &owner);
        if let Some(heading) = &g.heading {
            b.text(TextField::Name, heading);
        }
        for item in items {
            b.text(TextField::Body, item);
        }
        context.apply(&mut b);
        docs.push(b.done());
    }
}

/// A document per programme participation of the clusters in `by_cluster`.
fn participation_docs(
    fields: &Fields,
    participations: &[(store::participation::Model, Option<store::programme::Model>)],
    by_cluster: &HashMap<i32, Context>,
    docs: &mut Vec<TantivyDocument>,
) {
    for (p, programme) in participations {
        let (Some(context), Some(programme)) = (by_cluster.get(&p.cluster_id), programme) else {
            continue;
        };
        let owner = owner(store::outbox::Changed::Cluster, p.cluster_id);
        let mut b = Builder::new(fields, Kind::Participation, p.id, &owner);
        b.text(TextField::Name, &programme.name);
        if let Some(title) = &programme.title {
            b.text(TextField::Name, title);
        }
        if let Some(description) = &programme.description {
            b.text(TextField::Body, description);
        }
        if let Some(framework) = &programme.framework {
            b.facet(facet::FRAMEWORK, framework);
        }
        context.apply(&mut b);
        docs.push(b.done());
    }
}

/// The suggestions of every region and term clusters use: a full build's last step.
pub async fn every_shared_suggestion(
    db: &impl ConnectionTrait,
    fields: &Fields,
) -> Result<Derived, DbErr> {
    let term_counts = store::cluster_term::counts(db, None).await?;
    let ids: Vec<i32> = term_counts.keys().copied().collect();
    let mut terms = Vec::new();
    for chunk in ids.chunks(1000) {
        terms.extend(store::term::find_by_ids(db, chunk).await?);
    }
    let region_counts = store::cluster::region_counts(db, None).await?;
    let mut out = Derived::default();
    shared_suggestions(fields, terms.iter(), term_counts, region_counts, &mut out);
    Ok(out)
}

/// Region and country, in both the place field and (country) as spelled out.
fn places(b: &mut Builder, c: &store::cluster::Model) {
    if let Some(region) = &c.region {
        b.text(TextField::Places, region);
    }
    if let Some(country) = c.country_code.as_deref().and_then(crate::geo::by_code) {
        b.text(TextField::Places, country.name);
    }
}

/// Suggestions of the regions and taxonomy terms clusters use, one document per label
/// whatever the number of clusters sharing it, weighed by that number.
fn shared_suggestions<'t>(
    fields: &Fields,
    terms: impl Iterator<Item = &'t store::term::Model>,
    term_counts: HashMap<i32, i64>,
    region_counts: HashMap<String, i64>,
    out: &mut Derived,
) {
    let mut used: HashMap<i32, &store::term::Model> = HashMap::new();
    for t in terms {
        if t.kind != TermKind::Language.as_str() {
            used.insert(t.id, t);
        }
    }
    for (id, count) in term_counts {
        let Some(t) = used.get(&id) else { continue };
        let owner = format!("term/{id}");
        out.docs.push(suggestion(
            fields,
            id,
            &owner,
            Suggests::Term,
            &t.name,
            count,
        ));
        out.owners.push(owner);
    }
    for (region, count) in region_counts {
        let owner = format!("place/{}", crate::text::name_key(&region));
        out.docs.push(suggestion(
            fields,
            0,
            &owner,
            Suggests::Place,
            &region,
            count,
        ));
        out.owners.push(owner);
    }
}

fn suggestion(
    fields: &Fields,
    id: i32,
    owner: &str,
    what: Suggests,
    label: &str,
    weight: i64,
) -> TantivyDocument {
    let mut doc = Builder::new(fields, Kind::Suggestion, id, owner).done();
    doc.add_text(fields.suggests, what.as_str());
    doc.add_text(fields.label, label);
    doc.add_text(fields.prefixes, label);
    doc.add_u64(fields.weight, u64::try_from(weight).unwrap_or(0));
    doc
}

/// The documents of the networks `ids`: suggestions of their names, weighed by members.
pub async fn networks(
    db: &impl ConnectionTrait,
    fields: &Fields,
    ids: &[i32],
) -> Result<Derived, DbErr> {
    let mut members: HashMap<i32, i64> = HashMap::new();
    for m in store::membership::for_networks(db, ids).await? {
        *members.entry(m.network_id).or_default() += 1;
    }
    let docs = store::network::find_by_ids(db, ids)
        .await?
        .iter()
        .map(|n| {
            let owner = owner(store::outbox::Changed::Network, n.id);
            let weight = members.get(&n.id).copied().unwrap_or(0);
            suggestion(fields, n.id, &owner, Suggests::Network, &n.name, weight)
        })
        .collect();
    Ok(Derived {
        owners: ids
            .iter()
            .map(|&id| owner(store::outbox::Changed::Network, id))
            .collect(),
        docs,
    })
}

/// The documents of the events `ids` (none for those deleted): the name as a title, what
/// the source says of it as body, its place, its year and country as facets.
pub async fn events(
    db: &impl ConnectionTrait,
    fields: &Fields,
    ids: &[i32],
) -> Result<Derived, DbErr> {
    let docs = store::event::find_by_ids(db, ids)
        .await?
        .iter()
        .map(|e| {
            let owner = owner(store::outbox::Changed::Event, e.id);
            let mut b = Builder::new(fields, Kind::Event, e.id, &owner);
            b.text(TextField::Title, &e.name);
            for prose in [&e.description, &e.organiser].into_iter().flatten() {
                b.text(TextField::Body, prose);
            }
            for place in [&e.venue, &e.city].into_iter().flatten() {
                b.text(TextField::Places, place);
            }
            if let Some(code) = &e.country_code {
                if let Some(country) = crate::geo::by_code(code) {
                    b.text(TextField::Places, country.name);
                }
                b.facet(facet::COUNTRY, code);
            }
            b.day(e.starts_on);
            b.done()
        })
        .collect();
    Ok(Derived {
        owners: ids
            .iter()
            .map(|&id| owner(store::outbox::Changed::Event, id))
            .collect(),
        docs,
    })
}

/// The documents of the news items `ids` (none for those deleted).
pub async fn news(
    db: &impl ConnectionTrait,
    fields: &Fields,
    ids: &[i32],
) -> Result<Derived, DbErr> {
    use sea_orm::ColumnTrait;
    let items = store::news::indexed(db, store::news::Column::Id.is_in(ids.to_vec()), None).await?;
    let labels = NewsLabels::named_by(db, &items).await?;
    let mut out = news_documents(fields, &items, &labels);
    out.owners = ids
        .iter()
        .map(|&id| owner(store::outbox::Changed::News, id))
        .collect();
    Ok(out)
}

/// A full build's next batch of news: up to `limit` items with `after < id < below`, with
/// the last id read (`None` past the end). No owners: nothing is there to replace.
pub async fn news_after(
    db: &impl ConnectionTrait,
    fields: &Fields,
    labels: &NewsLabels,
    after: i32,
    below: i32,
    limit: u64,
) -> Result<Option<(i32, Derived)>, DbErr> {
    use sea_orm::ColumnTrait;
    use store::news::Column;
    let items = store::news::indexed(
        db,
        sea_orm::Condition::all()
            .add(Column::Id.gt(after))
            .add(Column::Id.lt(below)),
        Some(limit),
    )
    .await?;
    let Some(last) = items.last() else {
        return Ok(None);
    };
    Ok(Some((last.id, news_documents(fields, &items, labels))))
}

/// What a news item's facets name by id: its networks' slugs and its clusters' countries.
pub struct NewsLabels {
    slugs: HashMap<i32, String>,
    countries: HashMap<i32, String>,
}

impl NewsLabels {
    /// Those `items` name: a few items changed.
    async fn named_by(
        db: &impl ConnectionTrait,
        items: &[store::news::Indexed],
    ) -> Result<Self, DbErr> {
        use sea_orm::ColumnTrait;
        let networks: BTreeSet<i32> = items
            .iter()
            .flat_map(|n| n.networks.iter().copied().chain(n.publisher_id))
            .collect();
        let clusters: BTreeSet<i32> = items
            .iter()
            .flat_map(|n| n.clusters.iter().copied())
            .collect();
        let networks = store::network::find_by_ids(db, &Vec::from_iter(networks)).await?;
        let countries = store::cluster::countries(db, store::cluster::Column::Id.is_in(clusters));
        Ok(Self {
            slugs: networks.into_iter().map(|n| (n.id, n.slug)).collect(),
            countries: countries.await?.into_iter().collect(),
        })
    }

    /// Every network's and cluster's, read once for a full build: each of its batches of
    /// news names thousands of clusters, and reading them batch by batch was the costliest
    /// statement of a rebuild at 100x.
    pub async fn every(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let networks = store::network::all(db).await?;
        let countries = store::cluster::countries(db, sea_orm::Condition::all()).await?;
        Ok(Self {
            slugs: networks.into_iter().map(|n| (n.id, n.slug)).collect(),
            countries: countries.into_iter().collect(),
        })
    }
}

/// The documents of `items`.
fn news_documents(fields: &Fields, items: &[store::news::Indexed], labels: &NewsLabels) -> Derived {
    let docs = items
        .iter()
        .map(|n| {
            let owner = owner(store::outbox::Changed::News, n.id);
            let mut b = Builder::new(fields, Kind::News, n.id, &owner);
            if let Some(title) = &n.title {
                b.text(TextField::Title, title);
            }
            b.text(TextField::Body, &n.body);
            if let Some(day) = n.published_on {
                b.day(day);
            }
            let networks: BTreeSet<&String> = n
                .networks
                .iter()
                .chain(&n.publisher_id)
                .filter_map(|id| labels.slugs.get(id))
                .collect();
            let countries: BTreeSet<&String> = n
                .clusters
                .iter()
                .filter_map(|id| labels.countries.get(id))
                .collect();
            for slug in networks {
                b.facet(facet::NETWORK, slug);
            }
            for code in countries {
                b.facet(facet::COUNTRY, code);
            }
            b.done()
        })
        .collect();
    Derived {
        owners: Vec::new(),
        docs,
    }
}
