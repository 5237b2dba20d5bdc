//! Articles of the platform (L4, and L5 copies on a temporary host): one news item a page,
//! its text drawn as a news item's, a byline naming one of a few hundred authors (now and
//! then cut short with "…" as the platform does), and a footer in one of its three forms.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::{Page, Plan, file, news, words};
use crate::import::{PageEntry, Warnings, lines};
use crate::text::slugify;

/// Every how many articles one is also copied, without byline, to a temporary host.
pub const COPIED_EVERY: usize = 7;

/// The `i`th article and, for some, its copy on a temporary host.
pub fn pages(plan: &Plan, i: usize, rng: &mut impl Rng) -> Vec<Page> {
    let day = NaiveDate::from_ymd_opt(2015, 1, 1)
        .and_then(|d| d.checked_add_days(Days::new(rng.random_range(0..3_000))))
        .unwrap_or_default();
    let (title, body) = drawn(plan, day, rng);
    let path = format!(
        "/community-news/{}-{i}",
        slugify(title.as_deref().unwrap_or("article"))
    );
    let mut out = String::with_capacity(body.len() + 256);
    if let Some(title) = &title {
        let _ = writeln!(out, "{title}\n");
    }
    let _ = writeln!(
        out,
        "Submitted by {} on {}\n",
        author(i, rng),
        day.format("%d %B %Y")
    );
    let _ = writeln!(out, "{}\n", body.join("\n\n"));
    match i % 3 {
        0 => {
            let c = plan.cluster_name(rng.random_range(0..plan.clusters.max(1)));
            let _ = writeln!(out, "Cluster organisation\n{}\nShare this Article", c.name);
        }
        1 => out.push_str("Cluster organisation\nShare this Article\n"),
        _ => out.push_str("Share this Article\n"),
    }
    let mut pages = vec![page(
        format!("https://clustercollaboration.eu{path}"),
        ("article", i),
        out,
    )];
    // The copy runs the body into one paragraph, as the temporary hosts do.
    let paragraph = body
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let long = paragraph.split_whitespace().count() >= 25;
    if let (Some(title), true) = (&title, i.is_multiple_of(COPIED_EVERY) && long) {
        let copy = format!("{title}\n{paragraph}\n");
        let host = "https://impr-0001-1260-partners.eccp.hosted-temp.com";
        pages.push(page(format!("{host}{path}"), ("article-copy", i), copy));
    }
    pages
}

fn page(source: String, (kind, i): (&str, usize), text: String) -> Page {
    Page {
        entry: PageEntry {
            file: file(kind, i),
            source: Some(source),
            ..PageEntry::default()
        },
        text,
    }
}

/// A news item's title (when it has one) and paragraphs, drawn as a news page's are.
fn drawn(plan: &Plan, day: NaiveDate, rng: &mut impl Rng) -> (Option<String>, Vec<String>) {
    let mut item = String::new();
    news::item(plan, "ECCP", day, &mut item, rng);
    let rows = crate::import::news::parse(&lines::split(&item), &mut Warnings::default());
    let row = rows.ok().and_then(|mut rows| rows.pop());
    let title = row.as_ref().and_then(|r| r.title.clone());
    let body = row.map_or_else(Vec::new, |r| {
        r.body.split("\n\n").map(str::to_owned).collect()
    });
    (title, body)
}

/// One of a few hundred authors; one byline in nine cuts the surname short.
fn author(i: usize, rng: &mut impl Rng) -> String {
    let first = words::FIRST_NAMES.choose(rng).copied().unwrap_or("Ana");
    let last = words::SURNAMES.get(i % 12).copied().unwrap_or("Petrova");
    if i % 9 == 4 && last.chars().count() > 5 {
        let cut: String = last.chars().take(5).collect();
        return format!("{first} {cut}\u{2026}");
    }
    format!("{first} {last}")
}
