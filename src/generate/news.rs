//! A synthetic news page of one network: items newest first, many without a title, dates
//! in the formats the real page mixes, now and then one out of order, bodies that name
//! clusters (by name or short name), networks, places and organisations nobody has profiled.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::{NEWS_PER_PAGE, Page, Plan, file, fill, network, network_as_written, topic, words};
use crate::import::PageEntry;

pub fn page(plan: &Plan, i: usize, rng: &mut impl Rng) -> Page {
    let publisher = network(i % plan.networks());
    let items = NEWS_PER_PAGE.min(plan.news - i * NEWS_PER_PAGE);
    let mut out = String::with_capacity(items * 900);
    out.push_str("top of page\n\n");

    // Newest first: walk back from a recent day.
    let mut day = NaiveDate::from_ymd_opt(2022, 12, 31)
        .and_then(|d| d.checked_sub_days(Days::new(rng.random_range(0..2_000))))
        .unwrap_or_default();
    for _ in 0..items {
        day = day
            .checked_sub_days(Days::new(rng.random_range(1..30)))
            .unwrap_or(day);
        // Now and then an item dated after the one above it, as on the real page.
        let shown = if rng.random_bool(0.01) {
            day.checked_add_days(Days::new(400)).unwrap_or(day)
        } else {
            day
        };
        item(plan, &publisher.name, shown, &mut out, rng);
    }
    out.push_str("bottom of page\n");

    let page_no = i / plan.networks();
    Page {
        entry: PageEntry {
            file: file("news", i),
            source: Some(format!(
                "{}/news?page={page_no}",
                publisher.website.as_deref().unwrap_or("https://example.eu")
            )),
            publisher: Some(publisher.slug),
            ..PageEntry::default()
        },
        text: out,
    }
}

/// One item as a news page writes it: an optional title, the date, the body.
pub(super) fn item(
    plan: &Plan,
    publisher: &str,
    day: NaiveDate,
    out: &mut String,
    rng: &mut impl Rng,
) {
    let (title, sentences) = words::NEWS.choose(rng).copied().unwrap_or(words::NEWS[0]);
    let x = cluster_as_written(plan, rng);
    let y = cluster_as_written(plan, rng);
    let (place, _, _) = words::PLACES
        .choose(rng)
        .copied()
        .unwrap_or(words::PLACES[0]);
    let outsider = format!(
        "{} {}",
        words::PLACES.choose(rng).map_or("Sofia", |p| p.0),
        words::OUTSIDERS
            .choose(rng)
            .copied()
            .unwrap_or("Innovation Centre")
    );
    let other_network = network(rng.random_range(0..plan.networks()));
    let n = if rng.random_bool(0.7) {
        publisher.to_owned()
    } else {
        network_as_written(&other_network, rng)
    };
    let event_day = day
        .checked_add_days(Days::new(rng.random_range(3..60)))
        .unwrap_or(day);
    let (k, m, r) = (
        rng.random_range(40..400).to_string(),
        rng.random_range(3..30).to_string(),
        rng.random_range(12..48).to_string(),
    );
    let d = event_day.format("%-d %B %Y").to_string();
    let slots = [
        ("{n}", n.as_str()),
        ("{p}", place),
        ("{x}", x.as_str()),
        ("{y}", y.as_str()),
        ("{o}", outsider.as_str()),
        ("{e}", words::EVENTS.choose(rng).copied().unwrap_or("Forum")),
        ("{d}", d.as_str()),
        (
            "{f}",
            words::FRAMEWORKS.choose(rng).copied().unwrap_or("COSME"),
        ),
        ("{w}", topic(rng)),
        ("{k}", k.as_str()),
        ("{m}", m.as_str()),
        ("{r}", r.as_str()),
    ];
    if rng.random_bool(0.6) {
        let _ = writeln!(out, "{}\n", fill(title, &slots));
    }
    let format = match rng.random_range(0..20) {
        0 | 1 => "%-d %B %Y",
        2 => "%d.%m.%Y",
        _ => "%B %d, %Y",
    };
    let _ = writeln!(out, "{}\n", day.format(format));
    let wanted = body_length(rng);
    let more = words::NEWS_MORE.choose_multiple(rng, words::NEWS_MORE.len());
    let mut written = 0;
    for (k, sentence) in sentences.iter().chain(more).enumerate() {
        let line = fill(sentence, &slots);
        // The kind's own sentences always, more while the body stays within its length.
        if k >= sentences.len() && written + line.len() + 1 > wanted {
            break;
        }
        written += line.len() + 1;
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

/// How long a body grows at most: 130 to 1,650 characters, skewed towards the short end
/// like the seed page's (median about 580, mean about 670).
fn body_length(rng: &mut impl Rng) -> usize {
    let u: f64 = rng.random();
    130 + (1_520.0 * u.powf(1.5)) as usize
}

/// A cluster as news names it: by its name or, half the time when it has one, its short name.
fn cluster_as_written(plan: &Plan, rng: &mut impl Rng) -> String {
    let c = plan.cluster_name(rng.random_range(0..plan.clusters.max(1)));
    match c.alias {
        Some(alias) if rng.random_bool(0.5) => alias,
        _ => c.name,
    }
}
