//! Synthetic pages for scale tests: profiles and news pages in the seeds' text layout, with
//! their quirks, taxonomies, places and name variants, plus the manifest they need; and the
//! platform's other layouts the importer reads: a tenth of the clusters in the current
//! profile layout too, articles (a tenth as many as news items, some copied without byline
//! to a temporary host), and event series. Each page is drawn from its own random stream,
//! so a seed gives the same pages in any order or chunking.

mod article;
mod current;
mod event;
mod news;
mod output;
mod profile;
mod words;

use std::path::PathBuf;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::import::manifest::{NetworkEntry, NetworkKind};
use crate::import::{Manifest, PageEntry};
use crate::text::slugify;

pub use output::{Error, Loaded, load, write};

/// How much to generate.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub clusters: usize,
    pub news: usize,
    pub seed: u64,
}

/// Items on one generated news page (the real page has 16; networks that post more get
/// paged in the same way).
pub const NEWS_PER_PAGE: usize = 100;

/// One generated page: its file name, its manifest entry and its text.
pub struct Page {
    pub entry: PageEntry,
    pub text: String,
}

/// A place: name, ISO country code, region.
type Place = (&'static str, &'static str, &'static str);

/// A cluster as the generator knows it before writing its page: what news can name, and
/// the place and theme its name was built from.
#[derive(Clone, Debug)]
pub struct ClusterName {
    pub name: String,
    pub alias: Option<String>,
    place: Place,
    theme: &'static str,
}

impl Plan {
    pub fn networks(&self) -> usize {
        (self.clusters / 100).max(2)
    }

    pub fn news_pages(&self) -> usize {
        self.news.div_ceil(NEWS_PER_PAGE)
    }

    /// The random stream of one page: `lane` keeps kinds of pages apart.
    fn rng(&self, lane: u64, index: usize) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream((lane << 48) | index as u64);
        rng
    }

    /// The manifest's networks: names, kinds and the alias spellings the pages use.
    pub fn network_entries(&self) -> Vec<NetworkEntry> {
        (0..self.networks()).map(network).collect()
    }

    /// The `i`th cluster's name and, for some, the short name news also use.
    pub fn cluster_name(&self, i: usize) -> ClusterName {
        let (name, place, theme) = cluster_name(i);
        let mut rng = self.rng(0, i);
        let alias = rng.random_bool(0.3).then(|| acronym(&name));
        ClusterName {
            name,
            alias,
            place,
            theme,
        }
    }

    /// The networks a cluster belongs to: most to none or one, a few to several.
    fn memberships(&self, rng: &mut impl Rng) -> Vec<NetworkEntry> {
        let count = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3]
            .choose(rng)
            .copied()
            .unwrap_or(0);
        rand::seq::index::sample(rng, self.networks(), count.min(self.networks()))
            .into_iter()
            .map(network)
            .collect()
    }

    /// The `i`th profile page.
    pub fn profile(&self, i: usize) -> Page {
        let mut rng = self.rng(1, i);
        profile::page(self, i, &mut rng)
    }

    /// The `i`th news page.
    pub fn news_page(&self, i: usize) -> Page {
        let mut rng = self.rng(2, i);
        news::page(self, i, &mut rng)
    }

    /// Clusters that also have a current-layout page.
    pub fn current_profiles(&self) -> usize {
        self.clusters.div_ceil(current::EVERY)
    }

    /// The current-layout page of the `i`th of [`Plan::current_profiles`].
    pub fn current_profile(&self, i: usize) -> Page {
        let mut rng = self.rng(3, i);
        current::page(self, i * current::EVERY, &mut rng)
    }

    /// Articles: a tenth as many as news items.
    pub fn articles(&self) -> usize {
        self.news / 10
    }

    /// The `i`th article's page, and its copy on a temporary host for some.
    pub fn article_pages(&self, i: usize) -> Vec<Page> {
        let mut rng = self.rng(4, i);
        article::pages(self, i, &mut rng)
    }

    /// Event series: one per 500 clusters, at least one.
    pub fn event_series(&self) -> usize {
        (self.clusters / 500).max(1)
    }

    /// The `i`th event series' page.
    pub fn event_page(&self, i: usize) -> Page {
        let mut rng = self.rng(5, i);
        event::page(i, &mut rng)
    }

    /// Every page of the layouts beyond the seeds', in import order.
    pub fn other_layouts(&self) -> impl Iterator<Item = Page> + '_ {
        (0..self.current_profiles())
            .map(|i| self.current_profile(i))
            .chain((0..self.articles()).flat_map(|i| self.article_pages(i)))
            .chain((0..self.event_series()).map(|i| self.event_page(i)))
    }

    /// About how many pages [`Plan::other_layouts`] gives (for progress: an article without
    /// a title or a long paragraph is not copied).
    pub fn other_layout_pages(&self) -> usize {
        self.current_profiles()
            + self.articles()
            + self.articles().div_ceil(article::COPIED_EVERY)
            + self.event_series()
    }

    /// A manifest holding the networks only (pages bring their own entries).
    pub fn base_manifest(&self) -> Manifest {
        Manifest {
            networks: self.network_entries(),
            pages: Vec::new(),
        }
    }
}

/// A unique name for every index, with the place and theme it names: the index walks the
/// product of places, themes, forms and qualifiers in a scattered order, so neighbouring
/// indexes do not look alike.
fn cluster_name(i: usize) -> (String, Place, &'static str) {
    let (p, t, f, q) = (
        words::PLACES.len(),
        words::THEMES.len(),
        words::NAME_FORMS.len(),
        words::QUALIFIERS.len(),
    );
    let total = p * t * f * q;
    let round = i / total;
    let mut k = scatter(i % total, total);
    let place = words::PLACES[k % p];
    k /= p;
    let theme = words::THEMES[k % t];
    k /= t;
    let form = words::NAME_FORMS[k % f];
    k /= f;
    let qualifier = words::QUALIFIERS[k % q];
    // A country adjective names one cluster a country; elsewhere in it the place is added.
    let capital = words::PLACES.iter().find(|other| other.1 == place.1) == Some(&place);
    let form = match form {
        "{a} Chamber of {q}{t}" if !capital => "{p} Chamber of {q}{t}",
        "{a} {q}{t} Cluster" if !capital => "{a} {q}{t} Cluster of {p}",
        other => other,
    };
    let adjective = words::ADJECTIVES
        .iter()
        .find(|(code, _)| *code == place.1)
        .map_or(place.0, |(_, a)| a);
    let name = form
        .replace("{p}", place.0)
        .replace("{a}", adjective)
        .replace("{q}", qualifier)
        .replace("{t}", theme);
    let name = if round == 0 {
        name
    } else {
        format!("{name} {}", round + 1)
    };
    (name, place, theme)
}

/// A bijection of `0..total` (a multiplier coprime to `total`).
fn scatter(i: usize, total: usize) -> usize {
    let mut step = 7919;
    while gcd(step, total) != 1 {
        step += 2;
    }
    (i * step + 13) % total
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Initials of the words that start with a capital, as clusters shorten their names.
fn acronym(name: &str) -> String {
    name.split([' ', '-'])
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .flat_map(char::to_uppercase)
        .collect()
}

/// How a network's reach is shortened: "Balkan and Black Sea" to "BBS", one word kept.
fn short(reach: &str) -> String {
    let initials = acronym(reach);
    if initials.len() > 1 {
        initials
    } else {
        reach.to_owned()
    }
}

/// The `i`th network: name, kind and the alias spellings (initials, apostrophe, singular).
fn network(i: usize) -> NetworkEntry {
    let (r, t) = (words::REACHES.len(), words::THEMES.len());
    let total = r * t * 2;
    let round = i / total;
    let k = scatter(i % total, total);
    let reach = words::REACHES[k % r];
    let theme = words::THEMES[k / r % t];
    let partnership = k / r / t % 2 == 1;
    let suffix = if round == 0 {
        String::new()
    } else {
        format!(" {}", round + 1)
    };
    let (name, aliases, kind, label) = if partnership {
        let name = format!("{reach} {theme} Cluster Partnership{suffix}");
        let short = format!("{} {theme} Partnership{suffix}", short(reach));
        let label = if i.is_multiple_of(2) {
            "ESCP-4i"
        } else {
            "ESCP-S3"
        };
        (
            name,
            vec![short],
            NetworkKind::Partnership,
            Some(label.to_owned()),
        )
    } else {
        let name = format!("{reach} {theme} Clusters Network{suffix}");
        let aliases = vec![
            format!("{reach} {theme} Clusters' Network{suffix}"),
            format!("{} {theme} Clusters Network{suffix}", short(reach)),
            format!("{} {theme} Cluster Network{suffix}", short(reach)),
        ];
        (name, aliases, NetworkKind::Network, None)
    };
    let slug = slugify(&name);
    NetworkEntry {
        website: Some(format!("https://{slug}.example.eu")),
        slug,
        name,
        kind,
        label,
        aliases,
    }
}

/// A network's name as a page writes it: mostly the full name, sometimes an alias.
fn network_as_written(entry: &NetworkEntry, rng: &mut impl Rng) -> String {
    if rng.random_bool(0.3)
        && let Some(alias) = entry.aliases.choose(rng)
    {
        return alias.clone();
    }
    entry.name.clone()
}

/// A file name for a generated page.
fn file(kind: &str, i: usize) -> PathBuf {
    PathBuf::from(format!("{kind}-{i:07}.txt"))
}

/// Draws `n` distinct items (fewer when the list is short).
fn some<'a>(list: &'a [&'a str], n: usize, rng: &mut impl Rng) -> Vec<&'a str> {
    list.choose_multiple(rng, n).copied().collect()
}

/// Fills `{x}` slots from `slots`; unknown slots stay as written.
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in slots {
        out = out.replace(key, value);
    }
    out
}

/// A topic word with a long tail: the first words come up far more often than the last.
fn topic(rng: &mut impl Rng) -> &'static str {
    let n = words::TOPICS.len();
    let u: f64 = rng.random();
    words::TOPICS[((u * u * u) * n as f64) as usize % n]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::import::{PageKind, detect};

    fn plan() -> Plan {
        Plan {
            clusters: 500,
            news: 250,
            seed: 7,
        }
    }

    #[test]
    fn names_are_unique_and_slugs_too() {
        let plan = plan();
        let slugs: HashSet<String> = (0..200_000).map(|i| slugify(&cluster_name(i).0)).collect();
        assert_eq!(slugs.len(), 200_000);
        let slugs: HashSet<String> = (0..plan.networks() * 50).map(|i| network(i).slug).collect();
        assert_eq!(slugs.len(), plan.networks() * 50);
    }

    #[test]
    fn the_same_seed_gives_the_same_pages_and_another_seed_others() {
        let a = plan();
        let b = Plan { seed: 8, ..a };
        assert_eq!(a.profile(42).text, a.profile(42).text);
        assert_eq!(a.news_page(1).text, a.news_page(1).text);
        assert_ne!(a.profile(42).text, b.profile(42).text);
    }

    #[test]
    fn pages_read_as_what_they_are() {
        let plan = plan();
        for i in 0..50 {
            assert_eq!(detect(&plan.profile(i).text), Ok(PageKind::Profile), "{i}");
        }
        for i in 0..plan.news_pages() {
            assert_eq!(detect(&plan.news_page(i).text), Ok(PageKind::News), "{i}");
        }
        let layouts: std::collections::BTreeMap<String, usize> =
            plan.other_layouts()
                .fold(Default::default(), |mut m, page| {
                    let layout = crate::import::layout_of(&page.text).map(|l| l.code());
                    *m.entry(layout.unwrap_or("none").to_owned()).or_default() += 1;
                    m
                });
        let count = |code: &str| layouts.get(code).copied().unwrap_or(0);
        assert_eq!(count("L2"), plan.current_profiles(), "{layouts:?}");
        assert_eq!(count("L4"), plan.articles(), "{layouts:?}");
        assert!(count("L5") > 0 && count("none") == 0, "{layouts:?}");
        assert_eq!(count("L7"), plan.event_series(), "{layouts:?}");
    }

    /// Every news item of the plan's pages, as the importer reads them.
    fn news_rows(plan: &Plan) -> Vec<crate::import::news::NewsRow> {
        (0..plan.news_pages())
            .flat_map(|i| {
                let page = plan.news_page(i);
                let lines = crate::import::lines::split(&page.text);
                let mut warnings = crate::import::Warnings::default();
                crate::import::news::parse(&lines, &mut warnings).unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn news_pages_hold_the_planned_number_of_items() {
        let plan = plan();
        assert_eq!(news_rows(&plan).len(), plan.news);
    }

    /// The sizes `domain.md` gives for generated data, read back through the importer.
    #[test]
    fn texts_run_as_long_as_the_real_pages() {
        let plan = plan();
        let mut bodies: Vec<usize> = news_rows(&plan)
            .iter()
            .map(|row| row.body.chars().count())
            .collect();
        bodies.sort_unstable();
        let median = bodies[bodies.len() / 2];
        assert!(
            bodies[0] >= 130 && bodies[bodies.len() - 1] <= 1_650,
            "{bodies:?}"
        );
        assert!((450..=750).contains(&median), "median body {median}");

        let (mut services, mut descriptions, mut programmes) = (0, 0, 0);
        let profiles = 200;
        for i in 0..profiles {
            let page = plan.profile(i);
            let lines = crate::import::lines::split(&page.text);
            let mut warnings = crate::import::Warnings::default();
            let profile = crate::import::profile::parse(&lines, &mut warnings);
            services += profile
                .services
                .iter()
                .flat_map(|g| &g.items)
                .map(|item| item.chars().count())
                .sum::<usize>();
            for p in &profile.programmes {
                descriptions += p.description.as_deref().map_or(0, |d| d.chars().count());
                programmes += 1;
            }
        }
        let services = services / profiles;
        assert!(
            (800..=1_500).contains(&services),
            "service details {services}"
        );
        let description = descriptions / programmes;
        assert!(
            (280..=450).contains(&description),
            "description {description}"
        );
    }

    #[test]
    fn acronyms_take_capitalised_initials() {
        assert_eq!(acronym("Balkan and Black Sea"), "BBS");
        assert_eq!(acronym("Niš Smart ICT Cluster"), "NSIC");
    }
}
