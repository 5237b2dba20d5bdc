//! The same organisation's profile in the current layout (L2), for a tenth of the
//! clusters: the platform holds both for many organisations. Its facts are those of the
//! cluster's old-layout page (read back through the importer), so the two agree and the
//! current page adds what only it states: contact, completeness, staff range, upskilling.

use std::fmt::Write as _;

use rand::Rng;
use rand::seq::IndexedRandom;

use super::{Page, Plan, file, words};
use crate::import::{PageEntry, Warnings, lines, profile};
use crate::text::slugify;

/// Every how many clusters one also has a current-layout page.
pub const EVERY: usize = 10;

pub fn page(plan: &Plan, i: usize, rng: &mut impl Rng) -> Page {
    let old = plan.profile(i);
    let p = profile::parse(&lines::split(&old.text), &mut Warnings::default());
    let cluster = plan.cluster_name(i);
    let (_, code, region) = cluster.place;
    let country = crate::geo::by_code(code).map_or(code, |c| c.name);
    let mut out = String::with_capacity(2_048);
    let _ = writeln!(out, "{}\n\n{country}: {region}\n", cluster.name);
    let first = words::FIRST_NAMES.choose(rng).copied().unwrap_or("Ana");
    let last = words::SURNAMES.choose(rng).copied().unwrap_or("Petrova");
    let _ = writeln!(
        out,
        "{first} {last}\n\n{}% completed\n",
        rng.random_range(40..=100)
    );
    if let Some(strategy) = &p.strategy {
        let _ = writeln!(out, "About us\n\n{strategy}\n");
    }
    if let Some(d) = p.established {
        let _ = writeln!(out, "Established - {}\n", d.format("%-d %B %Y"));
    }
    let staff = [(1, 5), (6, 10), (11, 20), (21, 50)]
        .choose(rng)
        .copied()
        .unwrap_or((1, 5));
    let _ = writeln!(
        out,
        "Staff in the management team - {}-{}\n",
        staff.0, staff.1
    );
    if rng.random_bool(0.5) {
        out.push_str("Support services for upskilling and reskilling of companies workforce\n");
        for service in ["Competence development", "Staff mobility", "Mentoring"] {
            if rng.random_bool(0.6) {
                let _ = writeln!(out, "  • {service}");
            }
        }
        out.push('\n');
    }
    composition(&p, rng, &mut out);
    Page {
        entry: PageEntry {
            file: file("current", i),
            source: Some(format!(
                "https://clustercollaboration.eu/content/{}",
                slugify(&cluster.name)
            )),
            ..PageEntry::default()
        },
        text: out,
    }
}

/// The composition's bullets: the old page's counts (a total where it gives none), the
/// SME count unlabelled second. The current layout always shows it: a page without it is
/// a page cut short.
fn composition(p: &profile::Profile, rng: &mut impl Rng, out: &mut String) {
    let total = p.members_total.unwrap_or_else(|| rng.random_range(10..300));
    out.push_str("Cluster composition\n\n");
    let _ = writeln!(out, "  • {total}\nCluster Members");
    if let Some(sme) = p.members_sme {
        let _ = writeln!(out, "  • {sme}");
    }
    let startups = p.members_startups.unwrap_or(rng.random_range(0..10));
    let counts = [
        (Some(startups), "Number of start-ups among SME's"),
        (p.members_large, "Large Companies"),
        (
            p.members_research,
            "Research Organisations, Universities, Technology Centers",
        ),
        (p.members_other, "Other Ecosystem Actors"),
    ];
    for (count, label) in counts {
        if let Some(n) = count {
            let _ = writeln!(out, "  • {n}\n{label}");
        }
    }
}
